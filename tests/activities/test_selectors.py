"""period_facts: what a period's records add up to, in a fixed number of queries."""

import datetime

import pytest

from activities.selectors import period_facts
from branchwork.models import Member
from branchwork.periods import Period
from tests.factories import (
    ActivityFactory,
    BranchFactory,
    MemberFactory,
    OutletFactory,
    PartyGroupFactory,
    PublicityEntryFactory,
)

D = datetime.date
H1 = Period.parse("2022H1")
PAST = D(2026, 1, 1)  # "today" for periods that are over

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch():
    return BranchFactory(name="kl所党支部", code="kl")


def facts(branch, period=H1, today=PAST):
    return period_facts(branch=branch, period=period, today=today)


def test_counts_each_kind_with_the_records_behind_it(branch):
    studies = [ActivityFactory(branch=branch, kind="study", date=D(2022, m, 10)) for m in (1, 2, 3)]
    committee = ActivityFactory(branch=branch, kind="committee_meeting", date=D(2022, 4, 5))

    result = facts(branch)

    assert result.count("study").count == 3
    assert set(result.count("study").activity_ids) == {a.pk for a in studies}
    assert result.count("committee_meeting").activity_ids == (committee.pk,)
    assert result.count("branch_assembly").count == 0
    assert not result.count("branch_assembly")


def test_a_meeting_held_as_two_kinds_counts_for_each(branch):
    combined = ActivityFactory(branch=branch, kind="themed_day", date=D(2022, 2, 23), also=["branch_assembly"])
    ActivityFactory(branch=branch, kind="branch_assembly", date=D(2022, 6, 24))

    result = facts(branch)

    assert result.count("themed_day").count == 1
    assert result.count("branch_assembly").count == 2
    assert combined.pk in result.count("branch_assembly").activity_ids


@pytest.mark.parametrize(
    ("period", "counted"),
    [("2022H1", False), ("2022H2", True), ("2022", True), ("2023", False)],
)
def test_a_record_on_1_july_counts_in_the_second_half_and_the_year_only(branch, period, counted):
    record = ActivityFactory(branch=branch, kind="committee_meeting", date=D(2022, 7, 1))
    ActivityFactory(branch=branch, kind="committee_meeting", date=D(2022, 6, 30))

    result = facts(branch, Period.parse(period))

    assert (record.pk in result.count("committee_meeting").activity_ids) is counted


def test_another_branchs_records_do_not_count(branch):
    ActivityFactory(branch=BranchFactory(), kind="study", date=D(2022, 3, 1))
    OutletFactory()
    PublicityEntryFactory(date=D(2022, 3, 1))

    result = facts(branch)

    assert result.count("study").count == 0
    assert result.publicity == ()


def test_materials_are_distinct_in_order_of_first_appearance(branch):
    first = ActivityFactory(branch=branch, kind="study", date=D(2022, 1, 5), materials="党史\n新中国史", study_form="集体学习")
    second = ActivityFactory(
        branch=branch, kind="study", date=D(2022, 2, 5), materials=" 改革开放史 \n\n党史", study_form="个人自学"
    )
    ActivityFactory(branch=branch, kind="study", date=D(2022, 3, 5), materials="", study_form="集体学习")

    result = facts(branch)

    assert [m.name for m in result.study_materials] == ["党史", "新中国史", "改革开放史"]
    assert result.study_materials[0].activity_ids == (first.pk, second.pk)
    assert [f.name for f in result.study_forms] == ["集体学习", "个人自学"]


def test_themed_day_forms_come_from_every_record_counted_as_a_themed_day(branch):
    ActivityFactory(branch=branch, kind="themed_day", date=D(2022, 1, 20), activity_forms="观看反腐题材影片\n春耕")
    ActivityFactory(
        branch=branch, kind="branch_assembly", date=D(2022, 2, 20), activity_forms="赴党史教育基地", also=["themed_day"]
    )
    ActivityFactory(branch=branch, kind="study", date=D(2022, 3, 20), activity_forms="不是主题党日")

    assert [f.name for f in facts(branch).themed_day_forms] == ["观看反腐题材影片", "春耕", "赴党史教育基地"]


def test_lectures_name_the_speakers_post(branch):
    secretary = MemberFactory(branch=branch, post=Member.Post.SECRETARY, name="王建国")
    plain = MemberFactory(branch=branch, name="赵磊")
    ActivityFactory(branch=branch, kind="party_lecture", date=D(2022, 3, 30), title="作风建设", speaker=secretary)
    ActivityFactory(branch=branch, kind="party_lecture", date=D(2022, 4, 30), title="党史", speaker=plain)
    ActivityFactory(branch=branch, kind="party_lecture", date=D(2022, 5, 30), title="纪律", speaker_name="处党总支书记")

    lectures = facts(branch).lectures

    assert [(lec.speaker_post, lec.speaker, lec.outside) for lec in lectures] == [
        ("支部书记", "王建国", False),
        ("", "赵磊", False),
        ("", "处党总支书记", True),
    ]
    assert lectures[0].topic == "作风建设"


def test_probation_completions_add_up_head_counts(branch):
    a = ActivityFactory(branch=branch, kind="probation_completed", date=D(2022, 3, 31), headcount=2)
    b = ActivityFactory(branch=branch, kind="probation_completed", date=D(2022, 6, 30), headcount=1)

    tally = facts(branch).probation_completed

    assert tally.count == 3
    assert tally.activity_ids == (a.pk, b.pk)


def test_details_of_discipline_and_ideology_work(branch):
    ActivityFactory(branch=branch, kind="integrity_talk", date=D(2022, 1, 27), occasion="春节前")
    ActivityFactory(branch=branch, kind="warning_education", date=D(2022, 2, 1), materials="《零容忍》", title="观看")
    ActivityFactory(branch=branch, kind="warning_education", date=D(2022, 2, 9), materials="", title="学习通报")
    ActivityFactory(branch=branch, kind="petition_publicity", date=D(2022, 4, 20))
    ActivityFactory(branch=branch, kind="discipline_meeting", date=D(2022, 6, 29))
    ActivityFactory(branch=branch, kind="rules_study", date=D(2022, 3, 8), materials="《党章》\n《准则》")
    ActivityFactory(branch=branch, kind="online_conduct", date=D(2022, 4, 26))
    ActivityFactory(branch=branch, kind="material_review", date=D(2022, 5, 6))
    ActivityFactory(branch=branch, kind="heart_talk", date=D(2022, 2, 10))
    ActivityFactory(branch=branch, kind="supervision", date=D(2022, 2, 15))
    ActivityFactory(branch=branch, kind="pioneer_post", date=D(2022, 3, 1), title="收费服务党员先锋示范岗")
    ActivityFactory(branch=branch, kind="commemoration", date=D(2022, 6, 28), place="*村", participants="全体党员")
    ActivityFactory(branch=branch, kind="themed_education", date=D(2022, 4, 15), title="全民国家安全教育日普法宣传")
    ActivityFactory(branch=branch, kind="org_life", date=D(2022, 2, 25), also=["democratic_appraisal"])

    result = facts(branch)

    assert [t.occasion for t in result.integrity_talks] == ["春节前"]
    assert [m.name for m in result.warning_materials] == ["《零容忍》", "学习通报"]  # no materials: its title
    assert [r.date.month for r in result.petition_publicity] == [4]
    assert [r.date for r in result.discipline_meetings] == [D(2022, 6, 29)]
    assert [m.name for m in result.rules_materials] == ["《党章》", "《准则》"]
    assert sorted(r.kind for r in result.ideology) == ["material_review", "online_conduct"]
    assert result.count("heart_talk").count == 1 and result.count("supervision").count == 1
    assert [p.name for p in result.pioneer_posts] == ["收费服务党员先锋示范岗"]
    assert [(c.place, c.participants) for c in result.commemorations] == [("*村", "全体党员")]
    assert [t.name for t in result.themed_education] == ["全民国家安全教育日普法宣传"]
    assert len(result.org_life) == 1 and len(result.democratic_appraisal) == 1


def test_publicity_is_summed_per_outlet_in_the_registrys_order(branch):
    late = OutletFactory(name="地方媒体", sort_order=9, unit="篇")
    early = OutletFactory(name="省厅网站", sort_order=1, unit="篇")
    times = OutletFactory(name="新华网客户端", sort_order=4, unit="次")
    entries = [
        PublicityEntryFactory(branch=branch, outlet=late, date=D(2022, 1, 3), count=3),
        PublicityEntryFactory(branch=branch, outlet=early, date=D(2022, 2, 3)),
        PublicityEntryFactory(branch=branch, outlet=late, date=D(2022, 5, 3), count=2),
        PublicityEntryFactory(branch=branch, outlet=times, date=D(2022, 6, 3)),
        PublicityEntryFactory(branch=branch, outlet=early, date=D(2022, 7, 3)),  # outside
    ]

    result = facts(branch)

    assert [(o.name, o.unit, o.count) for o in result.publicity] == [("省厅网站", "篇", 1), ("新华网客户端", "次", 1), ("地方媒体", "篇", 5)]
    assert result.publicity[2].publicity_ids == (entries[0].pk, entries[2].pk)
    assert result.publicity_total == 7
    assert entries[4].pk not in result.publicity_ids


def test_open_rectification_items_are_those_not_fixed_by_the_periods_end(branch):
    still_open = ActivityFactory(branch=branch, kind="rectification", date=D(2021, 11, 1), title="旧问题仍未整改")
    fixed_later = ActivityFactory(
        branch=branch, kind="rectification", date=D(2022, 2, 1), title="七月才整改", is_resolved=True, resolved_on=D(2022, 7, 10)
    )
    ActivityFactory(branch=branch, kind="rectification", date=D(2022, 2, 1), title="已整改", is_resolved=True, resolved_on=D(2022, 5, 1))
    ActivityFactory(branch=branch, kind="rectification", date=D(2022, 8, 1), title="下半年发现")

    result = facts(branch)

    assert [(r.name, r.activity_ids) for r in result.open_rectifications] == [
        ("旧问题仍未整改", (still_open.pk,)),
        ("七月才整改", (fixed_later.pk,)),
    ]


# --- 按月召开党小组会议 --------------------------------------------------------------------------


def _monthly(branch, group, months, year=2022):
    for month in months:
        ActivityFactory(branch=branch, kind="group_meeting", party_group=group, date=D(year, month, 12))


def test_groups_meeting_every_month_meet_monthly(branch):
    for name in ("一组", "二组"):
        _monthly(branch, PartyGroupFactory(branch=branch, name=name, established_on=D(2019, 1, 1)), range(1, 7))

    result = facts(branch)

    assert result.group_meetings_monthly is True
    assert result.group_meetings.count == 12


def test_one_group_missing_one_month_breaks_the_monthly_rhythm(branch):
    _monthly(branch, PartyGroupFactory(branch=branch, name="一组"), range(1, 7))
    _monthly(branch, PartyGroupFactory(branch=branch, name="二组"), [1, 2, 3, 5, 6])

    result = facts(branch)

    assert result.group_meetings_monthly is False
    assert result.group_meetings.count == 11


def test_a_group_established_mid_period_owes_meetings_from_its_first_month(branch):
    _monthly(branch, PartyGroupFactory(branch=branch, name="老组", established_on=D(2019, 1, 1)), range(1, 7))
    _monthly(branch, PartyGroupFactory(branch=branch, name="新组", established_on=D(2022, 4, 20)), [4, 5, 6])

    assert facts(branch).group_meetings_monthly is True


def test_a_group_established_mid_period_still_owes_its_first_month(branch):
    _monthly(branch, PartyGroupFactory(branch=branch, name="新组", established_on=D(2022, 4, 20)), [5, 6])

    assert facts(branch).group_meetings_monthly is False


def test_a_running_period_owes_only_the_months_already_over(branch):
    group = PartyGroupFactory(branch=branch, name="一组", established_on=D(2019, 1, 1))
    _monthly(branch, group, [1, 2, 3])

    assert facts(branch, today=D(2022, 4, 20)).group_meetings_monthly is True
    assert facts(branch, today=D(2022, 5, 2)).group_meetings_monthly is False
    assert facts(branch, today=D(2022, 4, 20)).as_of == D(2022, 4, 20)
    assert facts(branch, today=PAST).as_of == D(2022, 6, 30)


def test_without_party_groups_nothing_is_monthly(branch):
    assert facts(branch).group_meetings_monthly is False


# --- a fixed number of queries ---------------------------------------------------------------------


def _records(branch, n):
    group = PartyGroupFactory(branch=branch, name=f"组{n}")
    outlet = OutletFactory()
    secretary = MemberFactory(branch=branch, post=Member.Post.SECRETARY)
    kinds = ["study", "themed_day", "committee_meeting", "party_lecture", "warning_education", "integrity_talk", "group_meeting"]
    for index in range(n):
        kind = kinds[index % len(kinds)]
        extra = {"party_group": group} if kind == "group_meeting" else {}
        if kind == "party_lecture":
            extra["speaker"] = secretary
        ActivityFactory(branch=branch, kind=kind, date=D(2022, 1 + index % 6, 1 + index % 28), materials="党史", **extra)
        PublicityEntryFactory(branch=branch, outlet=outlet, date=D(2022, 1 + index % 6, 2))
    ActivityFactory(branch=branch, kind="rectification", date=D(2022, 1, 1))


@pytest.mark.parametrize("n", [10, 200])
def test_facts_take_four_queries_however_many_records(branch, n, django_assert_num_queries):
    _records(branch, n)
    # Found last year and still open: carried into the period, read with the period's records.
    carried = ActivityFactory(branch=branch, kind="rectification", date=D(2021, 10, 1), title="台账不全")

    with django_assert_num_queries(4):
        result = facts(branch)
        assert carried.pk in [pk for item in result.open_rectifications for pk in item.activity_ids]
        assert carried.pk not in [detail.id for detail in result.details]
        # Reading every detail must not query either.
        assert all(lecture.speaker_post == "支部书记" for lecture in result.lectures)

    assert sum(tally.count for tally in result.kinds.values()) == n + 1  # and the rectification item
