"""The rectification ledger's services and selectors (activities.rectifications): opening an entry
from each source, resolving, re-checking, and the status derived from the dates."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from activities import rectifications as ledger
from activities.models import Activity, RectificationSource
from branchwork.periods import Period
from tests.factories import ActivityFactory, MemberFactory

D = datetime.date
H1 = Period(2022, "H1")


def entry(**fields) -> Activity:
    """An entry in memory: the status needs no database."""
    return Activity(kind="rectification", date=D(2022, 2, 25), title="台账不规范", **fields)


@pytest.mark.parametrize(
    "fields, today, status",
    [
        ({}, D(2022, 7, 1), ledger.OPEN),  # no deadline: never overdue
        ({"deadline": D(2022, 5, 31)}, D(2022, 5, 31), ledger.OPEN),  # the deadline is the last day allowed
        ({"deadline": D(2022, 5, 31)}, D(2022, 6, 1), ledger.OVERDUE),
        ({"deadline": D(2022, 5, 31), "is_resolved": True, "resolved_on": D(2022, 6, 10)}, D(2022, 7, 1), ledger.AWAITING),
        ({"is_resolved": True, "resolved_on": D(2022, 4, 1), "rechecked_on": D(2022, 4, 20)}, D(2022, 7, 1), ledger.CLOSED),
    ],
)
def test_status_is_derived_from_the_dates(fields, today, status):
    assert ledger.status_of(entry(**fields), today) == status


def test_status_query_agrees_with_status_of(world):
    today = D(2022, 6, 15)
    made = {
        ledger.OPEN: ActivityFactory(branch=world.branch, kind="rectification", date=D(2022, 2, 1), deadline=D(2022, 6, 30)),
        ledger.OVERDUE: ActivityFactory(branch=world.branch, kind="rectification", date=D(2022, 2, 1), deadline=D(2022, 5, 31)),
        ledger.AWAITING: ActivityFactory(
            branch=world.branch, kind="rectification", date=D(2022, 2, 1), is_resolved=True, resolved_on=D(2022, 5, 1)
        ),
        ledger.CLOSED: ActivityFactory(
            branch=world.branch,
            kind="rectification",
            date=D(2022, 2, 1),
            is_resolved=True,
            resolved_on=D(2022, 5, 1),
            rechecked_on=D(2022, 5, 20),
        ),
    }
    for status, record in made.items():
        assert ledger.status_of(record, today) == status
        assert list(ledger.entries_of(world.branch).filter(ledger.status_q(status, today))) == [record]
    assert ledger.status_counts(branch=world.branch, today=today) == dict.fromkeys(ledger.STATUSES, 1)


def test_open_from_an_org_life_record_links_it_and_takes_its_date(world):
    meeting = ActivityFactory(branch=world.branch, kind="org_life", date=D(2022, 2, 25), title="2021年度组织生活会")
    owner = MemberFactory(branch=world.branch, name="张组织")
    opened = ledger.rectification_open(
        branch=world.branch,
        source=RectificationSource.ORG_LIFE,
        source_activity=meeting,
        problem="  党员学习  不够深入 ",
        measures="每月开展集中学习",
        deadline=D(2022, 5, 31),
        responsible_member=owner,
        responsible_text="组织委员",
        by=world.secretary,
    )
    opened.refresh_from_db()
    assert (opened.kind, opened.date, opened.title) == ("rectification", D(2022, 2, 25), "党员学习 不够深入")
    assert (opened.source_activity, opened.rectification_source, opened.deadline) == (meeting, "org_life", D(2022, 5, 31))
    assert ledger.responsible_display(opened) == "张组织、组织委员"
    assert ledger.source_display(opened) == "组织生活会（2022年2月25日 2021年度组织生活会）"
    assert opened.counted_kinds.get().kind == "rectification"  # counted like any record
    assert opened.created_by == world.secretary


def test_open_from_a_report_item_once_only(world):
    def open_it():
        return ledger.rectification_open(
            branch=world.branch,
            source=RectificationSource.REPORT,
            source_ref="2022年上半年工作总结“存在的问题”",
            source_key="report-item:12",
            problem="支委会未按月召开。",
            found_on=D(2022, 7, 5),
            by=world.secretary,
        )

    first, again = open_it(), open_it()
    assert first.pk == again.pk
    assert ledger.entries_of(world.branch).count() == 1
    assert ledger.source_display(first) == "总结中的存在的问题（2022年上半年工作总结“存在的问题”）"


def test_open_from_an_inspection_takes_a_reference_text(world):
    opened = ledger.rectification_open(
        branch=world.branch,
        source=RectificationSource.INSPECTION,
        source_ref="2022年度党支部考核第3项：支委会3月、5月未召开，-2分",
        problem="支委会未按月召开",
        found_on=D(2022, 12, 20),
        deadline=D(2023, 1, 31),
        by=world.secretary,
    )
    assert ledger.source_display(opened) == "上级检查（考核）（2022年度党支部考核第3项：支委会3月、5月未召开，-2分）"


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"problem": "   "}, "title"),
        ({"problem": "问" * 201}, "title"),
        ({"source": "卫生检查"}, "rectification_source"),
        ({"deadline": D(2022, 1, 1)}, "deadline"),  # before the problem was found
    ],
)
def test_open_refuses_bad_input_in_chinese_and_writes_nothing(world, bad, field):
    arguments = {"source": RectificationSource.OTHER, "problem": "台账不规范", "found_on": D(2022, 3, 1), **bad}
    with pytest.raises(ValidationError) as raised:
        ledger.rectification_open(branch=world.branch, by=world.secretary, **arguments)
    assert field in raised.value.message_dict
    assert all("\u4e00" <= ch <= "\u9fff" for ch in raised.value.message_dict[field][0][:2])
    assert not ledger.entries_of(world.branch).exists()


def test_open_refuses_another_branchs_record_or_member(world):
    foreign = ActivityFactory(branch=world.sibling, kind="org_life", date=D(2022, 2, 1))
    with pytest.raises(ValidationError):
        ledger.rectification_open(
            branch=world.branch, source="org_life", source_activity=foreign, problem="问题", by=world.secretary
        )
    with pytest.raises(ValidationError):
        ledger.rectification_open(
            branch=world.branch,
            source="other",
            problem="问题",
            responsible_member=MemberFactory(branch=world.sibling),
            by=world.secretary,
        )
    assert not ledger.entries_of(world.branch).exists()


def test_resolve_with_evidence_then_recheck_closes_the_entry(world):
    problem = ActivityFactory(branch=world.branch, kind="rectification", date=D(2022, 2, 25), deadline=D(2022, 5, 31))
    study = ActivityFactory(branch=world.branch, kind="study", date=D(2022, 4, 10))
    ledger.rectification_resolve(entry=problem, resolved_on=D(2022, 4, 30), records=[study], by=world.secretary)
    problem.refresh_from_db()
    assert (problem.is_resolved, problem.resolved_on) == (True, D(2022, 4, 30))
    assert list(problem.evidence_records.all()) == [study]
    assert ledger.status_of(problem, D(2022, 7, 1)) == ledger.AWAITING

    ledger.rectification_recheck(entry=problem, rechecked_on=D(2022, 5, 20), note="经复查已整改到位", by=world.reviewer)
    problem.refresh_from_db()
    assert (problem.rechecked_on, problem.rechecked_by, problem.recheck_note) == (D(2022, 5, 20), world.reviewer, "经复查已整改到位")
    assert ledger.status_of(problem, D(2022, 7, 1)) == ledger.CLOSED
    with pytest.raises(ValidationError):  # closed: no more changes to its resolution
        ledger.rectification_resolve(entry=problem, resolved_on=D(2022, 6, 1), by=world.secretary)


def test_recheck_needs_the_problem_resolved_and_a_date_after_it(world):
    problem = ActivityFactory(branch=world.branch, kind="rectification", date=D(2022, 2, 25))
    with pytest.raises(ValidationError, match="尚未整改完成"):
        ledger.rectification_recheck(entry=problem, rechecked_on=D(2022, 5, 1), note="", by=world.secretary)
    ledger.rectification_resolve(entry=problem, resolved_on=D(2022, 4, 30), by=world.secretary)
    with pytest.raises(ValidationError) as raised:
        ledger.rectification_recheck(entry=problem, rechecked_on=D(2022, 4, 1), note="", by=world.secretary)
    assert "rechecked_on" in raised.value.message_dict
    problem.refresh_from_db()
    assert problem.rechecked_on is None


def test_resolve_refuses_a_date_before_the_problem_and_foreign_evidence(world):
    problem = ActivityFactory(branch=world.branch, kind="rectification", date=D(2022, 2, 25))
    with pytest.raises(ValidationError):
        ledger.rectification_resolve(entry=problem, resolved_on=D(2022, 1, 1), by=world.secretary)
    foreign = ActivityFactory(branch=world.sibling, kind="study", date=D(2022, 4, 1))
    with pytest.raises(ValidationError):
        ledger.rectification_set_evidence(entry=problem, records=[foreign], by=world.secretary)
    with pytest.raises(ValidationError):  # an entry is no evidence of itself
        ledger.rectification_set_evidence(entry=problem, records=[problem], by=world.secretary)
    assert not problem.evidence_records.exists()


def test_overdue_on_a_past_day_reads_the_resolution_date(world):
    late = ActivityFactory(
        branch=world.branch, kind="rectification", date=D(2022, 2, 1), deadline=D(2022, 5, 31),
        is_resolved=True, resolved_on=D(2022, 7, 10),
    )
    on_time = ActivityFactory(
        branch=world.branch, kind="rectification", date=D(2022, 2, 1), deadline=D(2022, 5, 31),
        is_resolved=True, resolved_on=D(2022, 5, 30),
    )
    still_open = ActivityFactory(branch=world.branch, kind="rectification", date=D(2022, 2, 1), deadline=D(2022, 7, 31))
    assert ledger.overdue_entries(branch=world.branch, as_of=D(2022, 6, 30)) == [late]
    assert ledger.overdue_entries(branch=world.branch, as_of=D(2022, 12, 31)) == [still_open]
    assert on_time not in ledger.overdue_entries(branch=world.branch, as_of=D(2022, 6, 30))


def test_the_ledger_reads_in_two_queries_whatever_its_size(world, django_assert_num_queries):
    for n in range(5):
        made = ActivityFactory(
            branch=world.branch, kind="rectification", date=D(2022, 2, n + 1),
            source_activity=ActivityFactory(branch=world.branch, kind="org_life", date=D(2022, 2, 1)),
            responsible_member=MemberFactory(branch=world.branch),
        )
        made.evidence_records.set([ActivityFactory(branch=world.branch, kind="study", date=D(2022, 3, 1))])
    with django_assert_num_queries(2):
        rows = ledger.ledger_rows(ledger.ledger_queryset(branch=world.branch, today=D(2022, 7, 1), period=H1), today=D(2022, 7, 1))
        assert [len(row.evidence) for row in rows] == [1] * 5
        assert all(row.responsible and row.source for row in rows)


def test_a_period_holds_what_it_found_and_what_was_still_open(world):
    before = ActivityFactory(branch=world.branch, kind="rectification", date=D(2021, 11, 1))
    closed_before = ActivityFactory(
        branch=world.branch, kind="rectification", date=D(2021, 11, 1), is_resolved=True,
        resolved_on=D(2021, 12, 1), rechecked_on=D(2021, 12, 20),
    )
    later = ActivityFactory(branch=world.branch, kind="rectification", date=D(2022, 8, 1))
    found = list(ledger.ledger_queryset(branch=world.branch, today=D(2022, 9, 1), period=H1))
    assert before in found and closed_before not in found and later not in found
