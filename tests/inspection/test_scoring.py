"""The proposals, worked out on facts built in memory: no database."""

import datetime
from decimal import Decimal

from activities.compliance import DONE, DUE, MISSED, Calendar, CalendarCell, CalendarRow
from activities.models import ComplianceRule
from branchwork.periods import Period
from inspection.models import StandardItem
from inspection.scoring import Links, MemberFact, RecordFact, ReportFact, ScoringFacts, propose, report_due

H1 = Period(2022, "H1")
YEAR = Period(2022)


def cell(status, month, label=""):
    return CalendarCell(status, 1 if status == DONE else 0, False, (), label or f"{month}月{'未召开' if status == MISSED else ''}", month)


def monthly_row(kind, label, statuses):
    rule = ComplianceRule(kind=kind, frequency="monthly")
    return CalendarRow(kind, label, rule, None, [cell(status, month) for month, status in enumerate(statuses, start=1)])


def facts(*, rows=(), records=(), members=(), groups=(), reports=(), publicity=0, period=H1, today=datetime.date(2022, 12, 1)):
    return ScoringFacts(
        period=period,
        today=today,
        links=Links("kl"),
        calendar=Calendar(period, period.months(), list(rows), 0),
        records=list(records),
        members=list(members),
        groups=list(groups),
        reports=list(reports),
        publicity=publicity,
    )


def item(measure, points="6", each="1", **params):
    return StandardItem(code="2.1", category="三会一课", requirement="", points=Decimal(points), deduct_each=Decimal(each), measure=measure, params=params)


def test_rule_item_names_the_missed_months_and_works_out_the_deduction():
    row = monthly_row("committee_meeting", "支委会", [DONE, DONE, MISSED, DONE, MISSED, DONE])
    proposal = propose(item("rule", kinds=["committee_meeting"]), facts(rows=[row]))
    assert proposal.score == Decimal("4")
    (reason,) = proposal.reasons
    assert reason.text == "支委会3月、5月未召开，-1分/次，-2分"
    assert reason.link == "/b/kl/compliance/?period=2022H1"


def test_rule_item_never_goes_below_zero_and_says_so():
    row = monthly_row("committee_meeting", "支委会", [MISSED] * 6)
    proposal = propose(item("rule", points="3", kinds=["committee_meeting"]), facts(rows=[row]))
    assert proposal.score == Decimal("0")
    assert proposal.reasons[-1].text == "扣分以本项分值3分为限"


def test_a_quarter_missed_counts_once():
    rule = ComplianceRule(kind="branch_assembly", frequency="quarterly")
    cells = [cell(DONE, 1), cell(DONE, 2, "第一季度已于1月召开"), cell(DONE, 3, "第一季度已于1月召开")]
    cells += [cell(MISSED, month, "第二季度未召开") for month in (4, 5, 6)]
    row = CalendarRow("branch_assembly", "支部党员大会", rule, None, cells)
    proposal = propose(item("rule", each="1.5", kinds=["branch_assembly"]), facts(rows=[row]))
    assert proposal.score == Decimal("4.5")
    assert proposal.reasons[0].text == "支部党员大会第二季度未召开，-1.5分/次，-1.5分"


def test_windows_still_open_are_not_deducted():
    row = monthly_row("committee_meeting", "支委会", [DONE, DONE, DONE, DONE, DUE, DUE])
    proposal = propose(item("rule", kinds=["committee_meeting"]), facts(rows=[row]))
    assert proposal.score == Decimal("6")
    assert proposal.reasons[0].text == "支委会已到期的均按期召开（本期尚有未到期的，届时再核对）"


def test_rule_item_without_a_rule_in_force_is_left_to_the_secretary():
    proposal = propose(item("rule", kinds=["committee_meeting"]), facts())
    assert proposal.score is None
    assert proposal.reasons[0].text == "合规日历对支委会不作要求，由支部对照材料自评"


def test_party_group_meetings_are_not_asked_of_a_branch_without_groups():
    proposal = propose(item("rule", points="5", kinds=["group_meeting"]), facts())
    assert proposal.score == Decimal("5")
    assert proposal.reasons[0].text == "本支部未设党小组，党小组会不作要求"


def test_committee_meetings_are_not_asked_of_a_branch_without_a_committee():
    from activities.committee import NO_COMMITTEE

    row = CalendarRow("committee_meeting", "支委会", None, None, [cell("na", month, NO_COMMITTEE) for month in range(1, 7)], NO_COMMITTEE)
    proposal = propose(item("rule", kinds=["committee_meeting"]), facts(rows=[row]))
    assert proposal.score == Decimal("6")
    assert proposal.reasons[0].text == NO_COMMITTEE


def test_kind_count_halves_a_yearly_minimum_for_a_half_year():
    records = [RecordFact(1, datetime.date(2022, 3, 30), "party_lecture", frozenset({"party_lecture"}), "党课")]
    proposal = propose(item("kind_count", points="4", kinds=["party_lecture"], min=4), facts(records=records))
    assert proposal.score == Decimal("3")
    assert proposal.reasons[0].text == "党课上半年应至少2次（全年4次），2022年上半年有1次，缺1次，-1分/次，-1分"


def test_kind_count_counts_a_record_held_as_another_kind_too():
    records = [RecordFact(1, datetime.date(2022, 3, 30), "themed_day", frozenset({"themed_day", "party_lecture"}), "主题党日暨党课")]
    proposal = propose(item("kind_count", points="4", kinds=["party_lecture"], min=2), facts(records=records))
    assert proposal.score == Decimal("4")


def test_a_yearly_once_is_not_deducted_in_a_half_year():
    proposal = propose(item("kind_count", points="2", kinds=["visit"], min=1), facts())
    assert proposal.score == Decimal("2")
    assert "半年度不作扣分" in proposal.reasons[0].text


def test_missing_materials_are_named_with_their_record():
    records = [
        RecordFact(7, datetime.date(2022, 5, 20), "branch_assembly", frozenset({"branch_assembly"}), "大会", ("会议记录（纪要）",)),
        RecordFact(8, datetime.date(2022, 6, 20), "branch_assembly", frozenset({"branch_assembly"}), "大会"),
    ]
    proposal = propose(item("manual", kinds=["branch_assembly"]), facts(records=records))
    assert proposal.score is None
    assert [(r.text, r.link) for r in proposal.missing] == [("缺会议记录（纪要）：2022-05-20 支部党员大会", "/b/kl/records/7/")]


def members(full, probationary=0, posts=(), group=None):
    people = [MemberFact("正式党员", post, group) for post in posts]
    people += [MemberFact("正式党员", "", group) for _ in range(full - len(posts))]
    people += [MemberFact("预备党员", "", group) for _ in range(probationary)]
    return people


def test_roster_committee_needs_a_secretary_and_three_to_seven_members_from_seven_party_members():
    check = item("roster", points="4", each="2", check="committee_complete")
    assert propose(check, facts(members=members(9, posts=["书记", "组织委员", "宣传委员"]))).score == Decimal("4")
    short = propose(check, facts(members=members(8, posts=["书记", "组织委员"])))
    assert short.score == Decimal("2")
    assert short.reasons[0].text == "党员8名（6月30日），应设支部委员会（委员3至7名），花名册现有支委2名，-2分"
    assert propose(check, facts(members=members(5, posts=["组织委员"]))).score == Decimal("2")  # no 书记
    assert propose(check, facts(members=members(5, posts=["书记"]))).score == Decimal("4")


def test_roster_counts_members_as_of_the_period_end():
    moved = MemberFact("正式党员", "", None, transferred_out_on=datetime.date(2022, 9, 1))
    joined = MemberFact("预备党员", "", None, joined_on=datetime.date(2022, 8, 1))
    check = item("roster", points="2", check="groups", min_members=2)
    proposal = propose(check, facts(members=[moved, joined, MemberFact("正式党员", "", None)]))
    assert proposal.reasons[0].text.startswith("党员2名（6月30日），达到2名，未划分党小组")


def test_report_item_checks_the_submission_date():
    due = item("report", points="4", each="2", due="07-15", due_h2="01-15")
    on_time = propose(due, facts(reports=[ReportFact("H1", datetime.date(2022, 7, 10))]))
    assert on_time.score == Decimal("4") and "7月10日报送，按时" in on_time.reasons[0].text
    late = propose(due, facts(reports=[ReportFact("H1", datetime.date(2022, 7, 20))]))
    assert late.score == Decimal("2") and "晚于2022年7月15日" in late.reasons[0].text
    whole_year = propose(due, facts(period=YEAR, today=datetime.date(2023, 1, 10), reports=[ReportFact("H1", datetime.date(2022, 7, 1))]))
    assert whole_year.score == Decimal("4")  # the second half is not due until 15 January
    assert "尚未报送，截止2023年1月15日" in whole_year.reasons[1].text
    assert report_due(Period(2022, "H2"), "01-15") == datetime.date(2023, 1, 15)


def test_publicity_counts_pieces():
    proposal = propose(item("publicity", points="4", min=4), facts(publicity=1))
    assert proposal.score == Decimal("3")
    assert proposal.reasons[0].text == "宣传报道上半年应至少2篇（全年4篇），已登记1篇，缺1篇，-1分/篇，-1分"


def test_a_lecture_counts_for_the_secretary_item_only_when_the_secretary_gave_it():
    records = [
        RecordFact(1, datetime.date(2022, 3, 30), "party_lecture", frozenset({"party_lecture"}), "党课", speaker_post="所党委书记"),
        RecordFact(2, datetime.date(2022, 9, 30), "party_lecture", frozenset({"party_lecture"}), "党课", speaker_post="支部书记"),
    ]
    lecture = item("kind_count", points="3", each="3", kinds=["party_lecture"], min=1, speaker_post="支部书记")
    assert propose(lecture, facts(records=records[:1], period=YEAR)).score == Decimal("0")
    held = propose(lecture, facts(records=records, period=YEAR))
    assert held.score == Decimal("3")
    assert held.reasons[0].text == "党课（主讲人为支部书记）全年应至少1次，截至12月1日有1次"
