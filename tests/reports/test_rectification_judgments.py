"""The rectification ledger in the report: open entries in 存在的问题 with their deadline (and as
overdue once it passed), and last period's entries carried forward with their resolution and
re-check. The claim check raises nothing against these sentences."""

import datetime

import pytest

from branchwork.periods import Period
from reports.claims import check_document
from reports.compile import compile_defaults, default_items
from reports.judgments import open_rectification_text
from reports.models import Report, ReportItem
from reports.profile import report_facts
from tests.factories import ActivityFactory, BranchFactory

D = datetime.date
H1 = Period(2022, "H1")


@pytest.mark.parametrize(
    "name, deadline, as_of, text",
    [
        ("台账记录不规范", None, D(2022, 6, 30), "台账记录不规范。"),
        ("台账记录不规范。", D(2022, 5, 31), D(2022, 6, 30), "台账记录不规范，该问题尚未整改到位，整改时限为2022年5月31日，已逾期。"),
        ("台账记录不规范", D(2022, 6, 30), D(2022, 6, 30), "台账记录不规范，该问题尚未整改到位，整改时限为2022年6月30日。"),
        ("台账记录不规范", D(2022, 9, 30), D(2022, 6, 30), "台账记录不规范，该问题尚未整改到位，整改时限为2022年9月30日。"),
    ],
)
def test_an_open_item_is_said_with_its_deadline(name, deadline, as_of, text):
    assert open_rectification_text(name, deadline, as_of) == text


@pytest.fixture
def branch(db):
    return BranchFactory(name="测试所党支部", code="cs")


def problems_of(branch) -> list:
    return [d for d in default_items(facts=report_facts(branch=branch, period=H1)) if d.section == 5]


def test_an_overdue_entry_reaches_the_problems_with_its_date(branch):
    overdue = ActivityFactory(
        branch=branch, kind="rectification", date=D(2022, 2, 25), title="党员学习教育形式单一", deadline=D(2022, 5, 31)
    )
    pending = ActivityFactory(
        branch=branch, kind="rectification", date=D(2022, 3, 10), title="宣传报道偏少", deadline=D(2022, 9, 30)
    )
    texts = {d.origin: d.text for d in problems_of(branch)}
    assert texts[f"carry:rect:{overdue.pk}"] == "党员学习教育形式单一，该问题尚未整改到位，整改时限为2022年5月31日，已逾期。"
    assert texts[f"carry:rect:{pending.pk}"] == "宣传报道偏少，该问题尚未整改到位，整改时限为2022年9月30日。"


def test_an_entry_resolved_in_the_period_is_no_problem_of_it(branch):
    ActivityFactory(
        branch=branch, kind="rectification", date=D(2022, 2, 25), title="党员学习教育形式单一",
        deadline=D(2022, 5, 31), is_resolved=True, resolved_on=D(2022, 6, 10),
    )
    assert not [d for d in problems_of(branch) if d.origin.startswith("carry:rect:")]


def test_the_claim_check_raises_nothing_on_the_overdue_sentences(branch):
    ActivityFactory(branch=branch, kind="rectification", date=D(2022, 2, 25), title="党员学习教育形式单一", deadline=D(2022, 5, 31))
    ActivityFactory(branch=branch, kind="rectification", date=D(2022, 3, 10), title="宣传报道偏少", deadline=D(2022, 9, 30))
    document = compile_defaults(branch=branch, period=H1)
    assert "整改时限为2022年5月31日，已逾期" in document.plain_text()
    flagged = [flag for paragraph in check_document(document, report_facts(branch=branch, period=H1)) for flag in paragraph.flags]
    assert not [flag for flag in flagged if "整改" in flag.excerpt or "2022年9月30日" in flag.excerpt]


def carried_from_last_period(branch, entry) -> str:
    last = Report.objects.create(
        branch=branch, year=2021, half="H2", title="t", addressee="a", opening="o", signature="s", signed_on=D(2022, 1, 4)
    )
    ReportItem.objects.create(report=last, section=5, position=1, text=f"{entry.title}。", origin=f"carry:rect:{entry.pk}")
    [carried] = [d.text for d in problems_of(branch) if d.origin == "carried"]
    return carried


def test_carried_entry_resolved_and_rechecked(branch):
    entry = ActivityFactory(
        branch=branch, kind="rectification", date=D(2021, 11, 1), title="会议记录不规范",
        is_resolved=True, resolved_on=D(2022, 3, 31), rechecked_on=D(2022, 4, 15),
    )
    assert carried_from_last_period(branch, entry) == "上期查摆问题的整改情况：“会议记录不规范”已于2022年3月31日整改完成，2022年4月15日经复查销号。"


def test_carried_entry_resolved_without_a_recheck_says_no_more_than_that(branch):
    entry = ActivityFactory(
        branch=branch, kind="rectification", date=D(2021, 11, 1), title="会议记录不规范", is_resolved=True, resolved_on=D(2022, 3, 31)
    )
    assert carried_from_last_period(branch, entry) == "上期查摆问题的整改情况：“会议记录不规范”已于2022年3月31日整改完成。"


def test_carried_entry_still_open_past_its_deadline(branch):
    entry = ActivityFactory(branch=branch, kind="rectification", date=D(2021, 11, 1), title="会议记录不规范", deadline=D(2022, 3, 31))
    assert (
        carried_from_last_period(branch, entry)
        == "上期查摆问题的整改情况：“会议记录不规范”尚未整改完成，整改时限为2022年3月31日，已逾期。"
    )
