"""Problems the secretary wrote into last period's 存在的问题 come forward: what became of each is
said from a rectification record or the secretary's own word, never invented — without either it
is 「尚未说明整改情况」 in the editor and nothing in the report."""

import datetime

import pytest
from django.urls import reverse

from branchwork.periods import Period
from reports import services
from reports.compile import compile_defaults
from reports.judgments import UNSTATED
from reports.models import ProfileYear, Report, ReportItem
from reports.profile import report_facts
from tests.factories import ActivityFactory, BranchFactory, CommitteeFactory, MemberFactory, RoleFactory

D = datetime.date
H1 = Period.parse("2022H1")

pytestmark = pytest.mark.django_db

MECHANISM = "在建立完善工作机制方面，对考核办法的修订完善以及执行力度不够。"  # typed
STUDY = "在理论学习方面，学习的系统性和深度还不够，学用结合不够紧密。"  # picked from the options
RECRUITING = "发展党员工作进展缓慢，入党积极分子培养不够。"  # typed
OWN = "支部活动阵地建设滞后。"  # the profile's own problem, last year


@pytest.fixture
def branch():
    """A water-works branch whose 2021 下半年 report listed four problems of its own words, one
    of which a rectification record shows fixed in March 2022."""
    branch = BranchFactory(name="市自来水公司第二党支部", parent=CommitteeFactory())
    MemberFactory(branch=branch, name="周书记")
    last = Report.objects.create(
        branch=branch, year=2021, half="H2", title="t", addressee="a", opening="o", signature="s", signed_on=D(2022, 1, 4)
    )
    for position, (text, origin, numbered) in enumerate(
        [
            ("根据上级要求，还存在以下问题：", "s5.lead", False),
            (MECHANISM, "", True),
            (STUDY, "carry:general:study", True),
            (RECRUITING, "", True),
            (OWN, "own:0123456789", True),
        ],
        start=1,
    ):
        ReportItem.objects.create(
            report=last, section=5, position=position, text=text, origin=origin, numbered=numbered
        )
    ActivityFactory(
        branch=branch,
        kind="rectification",
        date=D(2022, 1, 10),
        title="修订完善支部考核办法",
        is_resolved=True,
        resolved_on=D(2022, 3, 5),
    )
    ActivityFactory(branch=branch, kind="study", date=D(2022, 2, 10), materials="党章", study_form="集体学习")
    return branch


def _problems(branch) -> str:
    text = compile_defaults(branch=branch, period=H1).plain_text()
    return text.split("五、存在的问题")[1].split("六、下一步工作计划")[0]


def test_a_problem_fixed_by_a_record_is_told_with_its_date_and_the_others_are_not_claimed(branch):
    typed = {t.text: t for t in report_facts(branch=branch, period=H1).judgments.typed_carried}

    assert typed[MECHANISM].resolved is True and typed[MECHANISM].evidence == "已于2022年3月5日整改完成"
    for text in (STUDY, RECRUITING, OWN):
        assert typed[text].resolved is None and typed[text].evidence == UNSTATED
    problems = _problems(branch)
    assert (
        "上期查摆问题的整改情况：“在建立完善工作机制方面，对考核办法的修订完善以及执行力度不够”已于2022年3月5日整改完成。"
        in problems
    )
    for words in ("学用结合", "发展党员", "阵地建设", UNSTATED, "仍存在"):
        assert words not in problems  # neither fixed nor still open: nobody has said


def test_a_record_still_open_says_so_with_the_ledgers_deadline(branch):
    ActivityFactory(
        branch=branch,
        kind="rectification",
        date=D(2022, 2, 1),
        title="加快发展党员工作，加强入党积极分子培养",
        deadline=D(2022, 5, 31),
    )

    problems = _problems(branch)

    assert "“发展党员工作进展缓慢，入党积极分子培养不够”尚未整改完成，整改时限为2022年5月31日，已逾期" in problems


def test_the_secretarys_word_says_a_problem_is_still_open(branch):
    """Still among the profile's own problems, or carried into this period's report by the secretary."""
    ProfileYear.objects.create(branch=branch, year=2022, problems="支部活动阵地建设滞后")
    user = RoleFactory(organisation=branch).user
    report = services.report_create(branch=branch, period=H1, by=user)
    recruiting = ReportItem.objects.get(report__year=2021, text=RECRUITING)
    services.report_carry_over(report=report, keys=[f"item:{recruiting.pk}"], by=user)

    typed = {t.text: t for t in report_facts(branch=branch, period=H1).judgments.typed_carried}

    assert typed[OWN].resolved is False and typed[OWN].evidence == "本期仍存在"
    assert typed[RECRUITING].resolved is False and typed[RECRUITING].evidence == "本期仍存在"
    assert typed[STUDY].resolved is None


def test_nothing_is_said_of_last_periods_problems_where_nobody_has_said_anything(branch):
    from activities.models import Activity

    Activity.objects.filter(kind="rectification").delete()

    problems = _problems(branch)

    assert "上期查摆问题" not in problems and "整改" not in problems


def test_the_editor_asks_what_became_of_each(client, branch):
    user = RoleFactory(organisation=branch).user
    services.report_create(branch=branch, period=H1, by=user)
    client.force_login(user)

    page = client.get(reverse("reports:report_edit", args=[branch.code, "2022H1"])).content.decode()

    # Under the carried item: the problems nobody has said anything about, and where to say it.
    assert (
        "上期自查的问题“在理论学习方面，学习的系统性和深度还不够，学用结合不够紧密”；"
        "“发展党员工作进展缓慢，入党积极分子培养不够”；“支部活动阵地建设滞后”尚未说明整改情况" in page
    )
    assert reverse("activities:activity_create", args=[branch.code, "rectification"]) in page
    # In the carry-over, opened to ask: each of last period's own problems with what became of it.
    assert '<details class="carry-over mt-3" open>' in page
    assert page.count(UNSTATED) >= 4 and "已于2022年3月5日整改完成" in page


def test_the_draft_read_in_one_go_is_the_draft_read_apart(branch):
    """The preview reads the report's items and last period's problems in one query; the draft
    it compiles is the one compiled from them read apart."""
    from django.core.cache import cache

    from reports.compile import compile_report
    from reports.selectors import draft_document

    user = RoleFactory(organisation=branch, kind="secretary").user
    report = services.report_create(branch=branch, period=H1, by=user)
    recruiting = ReportItem.objects.get(text=RECRUITING)
    services.report_carry_over(report=report, keys=[f"item:{recruiting.pk}"], by=user)
    report.refresh_from_db()
    cache.clear()
    today = D(2022, 7, 1)
    apart = compile_report(report, facts=report_facts(branch=branch, period=H1, today=today))
    together = draft_document(report, today=today)
    assert together.to_json() == apart.to_json()
    assert RECRUITING.rstrip("。") in str(together.to_json())
