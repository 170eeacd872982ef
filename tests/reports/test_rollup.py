"""The reviewer's roll-up: every branch below with status, meetings by kind, publicity and gaps,
sortable, with a summed row, in a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse

from branchwork.periods import Period
from reports.models import Report, ReportVersion
from reports.selectors import review_queue, review_rollup
from reports.templatetags.reports_tags import rollup_rows
from tests.factories import ActivityFactory, BranchFactory, OutletFactory, PublicityEntryFactory

from .factories import ReportFactory, ReportVersionFactory

H1 = Period(2022, "H1")
TODAY = datetime.date(2022, 7, 15)


@pytest.fixture
def figures(world):
    """kl: 3 study sessions (one also a 主题党日), 2 committee meetings, publicity 5+2;
    xy: 1 study session; a record outside the period and one of another general branch."""
    for day in (1, 2, 3):
        ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, day, 10))
    ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 4, 1), also=["themed_day"])
    for month in (1, 2):
        ActivityFactory(branch=world.branch, kind="committee_meeting", date=datetime.date(2022, month, 5))
    ActivityFactory(branch=world.sibling, kind="study", date=datetime.date(2022, 6, 30))
    ActivityFactory(branch=world.sibling, kind="study", date=datetime.date(2022, 7, 1))  # H2
    ActivityFactory(branch=world.far, kind="study", date=datetime.date(2022, 3, 1))  # not below hw
    outlet = OutletFactory(organisation=world.general)
    PublicityEntryFactory(branch=world.branch, outlet=outlet, count=5)
    PublicityEntryFactory(branch=world.branch, outlet=outlet, count=2)
    PublicityEntryFactory(branch=world.branch, outlet=outlet, count=9, date=datetime.date(2021, 12, 31))
    return world


def _row(rollup, branch):
    return next(row for row in rollup.rows if row.branch == branch)


def test_it_lists_every_branch_below_with_figures_of_the_period_only(figures):
    rollup = review_rollup(organisation=figures.general, period=H1, today=TODAY)
    assert [row.branch for row in rollup.rows] == sorted([figures.branch, figures.sibling], key=lambda b: b.name)
    kl = _row(rollup, figures.branch)
    assert kl.counts == {"study": 4, "themed_day": 1, "committee_meeting": 2}
    assert kl.count_list == [4, 1, 0, 2, 0, 0]
    assert kl.publicity == 7
    xy = _row(rollup, figures.sibling)
    assert xy.counts == {"study": 1}
    assert xy.publicity == 0


def test_status_shows_not_started_for_branches_without_a_report(figures):
    ReportFactory(branch=figures.branch, status=Report.Status.SUBMITTED)
    ReportFactory(branch=figures.sibling, half="H2", status=Report.Status.APPROVED)  # another period
    rollup = review_rollup(organisation=figures.general, period=H1, today=TODAY)
    assert _row(rollup, figures.branch).status_label == "已报送"
    assert _row(rollup, figures.sibling).status_label == "未开始"
    assert rollup.status_counts["submitted"] == 1
    assert rollup.status_counts["not_started"] == 1


def test_summed_row_adds_up_every_branch(figures):
    rollup = review_rollup(organisation=figures.general, period=H1, today=TODAY)
    assert rollup.totals["study"] == 5
    assert rollup.total_list == [5, 1, 0, 2, 0, 0]
    assert rollup.publicity_total == 7
    assert rollup.gaps_total == sum(row.gaps for row in rollup.rows)
    assert rollup.summary_sentence.startswith("截至6月30日，所属2个党支部共召开理论学习会5次、主题党日活动1次、支委会2次")
    assert "发布新闻宣传稿件7篇（次）" in rollup.summary_sentence


def test_summary_of_a_period_still_running_counts_up_to_today(figures):
    rollup = review_rollup(organisation=figures.general, period=H1, today=datetime.date(2022, 5, 20))
    assert rollup.summary_sentence.startswith("截至5月20日，所属2个党支部")


def test_compliance_gaps_count_missed_meetings(figures):
    rollup = review_rollup(organisation=figures.general, period=H1, today=TODAY)
    # xy held no 支委会 in any month of a finished half-year: at least six gaps, and more than kl.
    assert _row(rollup, figures.sibling).gaps >= 6
    assert _row(rollup, figures.sibling).gaps > _row(rollup, figures.branch).gaps


@pytest.mark.parametrize(
    ("sort", "first"),
    [("study", "sibling"), ("-study", "branch"), ("publicity", "sibling"), ("-publicity", "branch"), ("gaps", "branch")],
)
def test_it_sorts_by_any_column(figures, sort, first):
    rollup = review_rollup(organisation=figures.general, period=H1, today=TODAY, sort=sort)
    assert rollup.rows[0].branch == getattr(figures, first)
    assert rollup.sort == sort


def test_sorting_by_status_puts_reports_awaiting_review_first(figures):
    ReportFactory(branch=figures.sibling, status=Report.Status.SUBMITTED)
    ReportFactory(branch=figures.branch, status=Report.Status.APPROVED)
    rollup = review_rollup(organisation=figures.general, period=H1, today=TODAY, sort="status")
    assert [row.status for row in rollup.rows] == ["submitted", "approved"]


def test_an_unknown_sort_key_falls_back_to_names(figures):
    rollup = review_rollup(organisation=figures.general, period=H1, today=TODAY, sort="password")
    assert rollup.sort == "name"


def test_queue_lists_waiting_reports_of_every_period_longest_waiting_first(figures):
    first = ReportFactory(branch=figures.sibling, status=Report.Status.SUBMITTED)
    ReportVersionFactory(report=first)
    older_period = ReportFactory(branch=figures.branch, year=2021, half="H2", status=Report.Status.SUBMITTED)
    ReportVersionFactory(report=older_period)
    resubmitted = ReportFactory(branch=figures.branch, status=Report.Status.SUBMITTED)
    ReportVersionFactory(report=resubmitted, number=1)
    ReportVersionFactory(report=resubmitted, number=2)
    ReportVersionFactory(report=ReportFactory(branch=figures.branch, half="H2", status=Report.Status.RETURNED))
    ReportVersionFactory(report=ReportFactory(branch=figures.far, status=Report.Status.SUBMITTED))  # not below hw
    queue = review_queue(organisation=figures.general)
    assert [report.pk for report in queue.reports] == [first.pk, older_period.pk, resubmitted.pk]
    assert [report.period.code for report in queue.reports] == ["2022H1", "2021H2", "2022H1"]
    assert queue.reports[2].latest_version == 2
    assert queue.total == 3 and queue.more == 0
    # The committee above sees them all, the far branch's too.
    assert review_queue(organisation=figures.committee).total == 4


# The queue's items as the dashboard's template loop wrote them before ``review_queue_items``.
QUEUE_LOOP = """{% load branchwork_tags %}{% for report in queue.reports %}
        <li class="list-group-item d-flex flex-wrap justify-content-between align-items-center gap-2">
          <div class="queue-item">
            <a class="fw-semibold" href="{% url 'reports:report_review' report.branch.code report.period.code %}">{{ report.branch.name }}</a>
            <span class="badge text-bg-light border queue-period">{{ report.period.long_label }}</span>
            {% if report.latest_version > 1 %}<span class="badge badge-status-returned">修改稿</span>{% endif %}
            {% if organisation.level == 'committee' and report.branch.parent %}<div class="small text-muted">{{ report.branch.parent.name }}</div>{% endif %}
            <div class="small text-muted">第{{ report.latest_version }}版 · {{ report.submitted_at|cn_date }} {{ report.submitted_at|time:"H:i" }}报送</div>
          </div>
          <a class="btn btn-sm btn-primary" href="{% url 'reports:report_review' report.branch.code report.period.code %}">审阅<span class="visually-hidden">{{ report.branch.name }}{{ report.period.long_label }}工作总结</span></a>
        </li>
        {% endfor %}"""


def test_queue_items_read_as_the_template_loop_wrote_them(figures):
    from django.template import engines

    from reports.templatetags.reports_tags import review_queue_items

    figures.sibling.name = '<b>"xy" & 所</b>'
    figures.sibling.save()
    version = ReportVersionFactory(report=ReportFactory(branch=figures.sibling, status=Report.Status.SUBMITTED))
    late_at_night = datetime.datetime(2022, 7, 3, 23, 30, tzinfo=datetime.UTC)  # the 4th in Beijing
    ReportVersion.objects.filter(pk=version.pk).update(submitted_at=late_at_night)
    resubmitted = ReportFactory(branch=figures.branch, year=2021, half="H2", status=Report.Status.SUBMITTED)
    ReportVersionFactory(report=resubmitted, number=1)
    ReportVersionFactory(report=resubmitted, number=2)
    ReportVersionFactory(report=ReportFactory(branch=figures.far, status=Report.Status.SUBMITTED))
    loop = engines["django"].from_string(QUEUE_LOOP)
    for organisation in (figures.committee, figures.general):
        queue = review_queue(organisation=organisation)
        expected = loop.render({"queue": queue, "organisation": organisation})
        assert review_queue_items(queue, organisation) == expected
    assert "修改稿" in expected and "&lt;b&gt;&quot;xy&quot; &amp; 所&lt;/b&gt;" in expected
    assert "2022年7月4日 07:30报送" in expected


def test_a_long_queue_is_cut_short_and_says_how_many_more(figures, django_assert_num_queries):
    for branch in (figures.branch, figures.sibling):
        for year in (2020, 2021):
            ReportVersionFactory(report=ReportFactory(branch=branch, year=year, status=Report.Status.SUBMITTED))
    with django_assert_num_queries(1):
        assert review_queue(organisation=figures.general, limit=4).more == 0
    with django_assert_num_queries(2):
        queue = review_queue(organisation=figures.general, limit=3)
    assert (len(queue.reports), queue.total, queue.more) == (3, 4, 1)


def _branches(general, n):
    for i in range(n):
        branch = BranchFactory(parent=general, name=f"测试支部{i}")
        ActivityFactory(branch=branch, kind="study", date=datetime.date(2022, 3, 1))
        ActivityFactory(branch=branch, kind="committee_meeting", date=datetime.date(2022, 3, 2))
        PublicityEntryFactory(branch=branch, outlet__organisation=general)
        ReportVersionFactory(report=ReportFactory(branch=branch, status=Report.Status.SUBMITTED))


def _get_dashboard(client):
    response = client.get(reverse("reports:review_dashboard", args=["hw"]), {"period": "2022H1"})
    assert response.status_code == 200
    return response


def test_dashboard_queries_do_not_grow_with_branches(world, as_user):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(world.reviewer)
    for branch in (world.branch, world.sibling):
        ReportVersionFactory(report=ReportFactory(branch=branch, status=Report.Status.SUBMITTED))
    _get_dashboard(client)  # warm the session

    def queries(*, cached: bool) -> tuple[int, int]:
        _get_dashboard(client)  # fills the cache
        if not cached:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = _get_dashboard(client)
        return len(captured), len(response.context["rollup"].rows)

    two_cold, two_warm = queries(cached=False), queries(cached=True)
    _branches(world.general, 4)
    assert queries(cached=False) == (two_cold[0], 6)
    assert queries(cached=True) == (two_warm[0], 6)
    assert two_warm[0] < two_cold[0]  # cached figures spare the aggregate queries


def test_rollup_takes_a_fixed_number_of_queries(world, django_assert_num_queries):
    _branches(world.general, 4)
    # branches, counted series, publicity sums, reports, and the compliance calendar's own (whose
    # monthly counts give the meetings by kind too).
    with django_assert_num_queries(4 + _compliance_queries(world)):
        rollup = review_rollup(organisation=world.general, period=H1, today=TODAY)
    assert len(rollup.rows) == 6


def _compliance_queries(world) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from activities.compliance import compliance_gaps
    from branchwork.models import Organisation

    branches = list(Organisation.objects.branches().below(world.general))
    with CaptureQueriesContext(connection) as captured:
        compliance_gaps(branches=branches, period=H1, today=TODAY)
    return len(captured)


def test_a_counted_series_counts_in_the_rollup(world):
    ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 3, 1))
    ActivityFactory(
        branch=world.branch, kind="counted_series", date=datetime.date(2022, 3, 1), series_kind="study",
        series_count=6, date_to=datetime.date(2022, 6, 1),
    )
    rollup = review_rollup(organisation=world.general, period=H1, today=TODAY)
    row = next(row for row in rollup.rows if row.branch == world.branch)
    assert row.counts["study"] == 7


def test_a_committees_rows_name_each_branchs_general_branch_and_leave_out_branches_closed_before(world):
    closed = BranchFactory(parent=world.other_general, name="已撤销支部", closed_on=datetime.date(2021, 12, 31))
    closing = BranchFactory(parent=world.other_general, name="年中撤销支部", closed_on=datetime.date(2022, 3, 31))

    rollup = review_rollup(organisation=world.committee, period=H1, today=TODAY)

    parents = {row.branch: row.parent for row in rollup.rows}
    assert parents == {
        world.branch: world.general,
        world.sibling: world.general,
        world.far: world.other_general,
        closing: world.other_general,  # still open when the half-year began
    }
    assert closed not in parents
    assert '<div class="small text-muted">省路政处党总支</div>' in rollup_rows(rollup, world.committee)
    # A 党总支's own roll-up: its branches' parent is the 党总支 itself.
    assert {row.parent for row in review_rollup(organisation=world.general, period=H1, today=TODAY).rows} == {
        world.general
    }
