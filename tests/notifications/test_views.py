"""The inbox page, opening a notification, and the counts in the navigation bar."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branchwork.models import Role
from branchwork.periods import Period
from notifications.models import Notification
from notifications.selectors import NavigationCounts
from reports import services
from reports.models import Report
from tests.factories import ActivityFactory, RoleFactory, UserFactory
from tests.reports.factories import ReportFactory, ReportVersionFactory

INBOX = reverse("notifications:notification_list")


@pytest.fixture
def returned(world):
    """kl's 2021下半年 report: submitted, then returned — the reviewer and the branch both told."""
    ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2021, 9, 10))
    report = services.report_create(branch=world.branch, period=Period(2021, "H2"), by=world.secretary)
    services.report_submit(report=report, by=world.secretary)
    services.report_return(report=report, by=world.reviewer, comment="请补充<script>alert(1)</script>")
    return report


def test_the_inbox_lists_ones_own_notifications_unread_first(world, as_user, returned):
    Notification.objects.filter(recipient=world.secretary).update(read_at=None)
    older = Notification.objects.create(
        recipient=world.secretary, event="approved", report=returned, version_number=1, text="更早的已读消息"
    )
    Notification.objects.filter(pk=older.pk).update(read_at=older.created_at)
    response = as_user(world.secretary).get(INBOX)
    assert response.status_code == 200
    texts = [n.text for n in response.context["page"].object_list]
    assert texts[0].startswith("省高速公路处党总支退回了kl所党支部2021年下半年工作总结")
    assert texts[-1] == "更早的已读消息"
    assert response.context["unread"] == 1
    page = response.content.decode()
    assert "&lt;script&gt;" in page and "<script>alert" not in page  # the comment is escaped
    assert "查看总结" in page and "全部标为已读" in page
    # Only unread ones.
    response = as_user(world.secretary).get(INBOX, {"show": "unread"})
    assert [n.text for n in response.context["page"].object_list] == texts[:1]


def test_nobody_sees_anyone_elses_notifications(world, as_user, returned):
    response = as_user(world.sibling_secretary).get(INBOX)
    assert list(response.context["page"].object_list) == []
    assert "还没有消息" in response.content.decode()


def test_opening_marks_it_read_and_goes_to_the_review_page(world, as_user, returned):
    notification = Notification.objects.get(recipient=world.reviewer)
    response = as_user(world.reviewer).post(reverse("notifications:notification_open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/b/kl/reports/2021H2/review/"
    notification.refresh_from_db()
    assert notification.is_read


def test_opening_anothers_notification_is_404_and_changes_nothing(world, as_user, returned):
    notification = Notification.objects.get(recipient=world.reviewer)
    response = as_user(world.secretary).post(reverse("notifications:notification_open", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert not notification.is_read


def test_opening_is_a_post(world, as_user, returned):
    notification = Notification.objects.get(recipient=world.reviewer)
    response = as_user(world.reviewer).get(reverse("notifications:notification_open", args=[notification.pk]))
    assert response.status_code == 405


def test_mark_all_read_marks_only_ones_own(world, as_user, returned):
    response = as_user(world.secretary).post(reverse("notifications:notification_read_all"), follow=True)
    assert "已将 1 条消息标为已读" in response.content.decode()
    assert not Notification.objects.filter(recipient=world.secretary, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=world.member, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=world.reviewer, read_at__isnull=True).exists()


def test_the_navigation_shows_unread_and_waiting_counts(world, as_user):
    ReportVersionFactory(report=ReportFactory(branch=world.branch, year=2021, half="H1", status=Report.Status.SUBMITTED))
    ReportVersionFactory(report=ReportFactory(branch=world.sibling, status=Report.Status.SUBMITTED))
    ReportVersionFactory(report=ReportFactory(branch=world.far, status=Report.Status.SUBMITTED))  # not hw's
    page = as_user(world.reviewer).get(reverse("activities:branch_home", args=["kl"])).content.decode()
    assert "省高速公路处党总支 · 审阅 <span" in page
    assert '2<span class="visually-hidden">份待审阅</span>' in page


def test_the_waiting_counts_take_one_query_whatever_the_organisations(world, django_assert_num_queries):
    RoleFactory(user=world.reviewer, organisation=world.other_general, kind=Role.Kind.REVIEWER)
    for branch in (world.branch, world.sibling, world.far):
        ReportVersionFactory(report=ReportFactory(branch=branch, status=Report.Status.SUBMITTED))
    counts = NavigationCounts(world.reviewer)
    with django_assert_num_queries(2):  # the roles (once per request anyway), then one COUNT
        reviewed = counts.reviewed
    assert {org.code: n for org, n in reviewed} == {"hw": 2, "lz": 1}
    with django_assert_num_queries(0):
        assert counts.reviewed == reviewed


def test_a_secretarys_pages_query_nothing_for_the_navigation_once_cached(world, as_user):
    client = as_user(world.secretary)
    url = reverse("reports:report_list", args=["kl"])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert "消息</a>" in page
    # The unread count comes with the user (notifications.auth): no query of its own.
    inbox = [q["sql"] for q in queries if "notifications_notification" in q["sql"]]
    assert all('FROM "auth_user"' in sql for sql in inbox)
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"] and "reports_report" in q["sql"]]


def test_the_unread_count_comes_with_the_user(world, as_user, returned):
    """One unread notice (the return): counted in the query that loads the user, cold."""
    from django.core.cache import cache

    client = as_user(world.secretary)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("reports:report_list", args=["kl"])).content.decode()
    assert 'nav-count">1<span class="visually-hidden">条未读</span>' in page
    assert [q["sql"] for q in queries if "notifications_notification" in q["sql"]] == [
        q["sql"] for q in queries if 'FROM "auth_user"' in q["sql"]
    ]


def test_a_reviewer_without_waiting_reports_sees_no_badge(world, as_user):
    page = as_user(world.reviewer).get(reverse("reports:review_dashboard", args=["hw"])).content.decode()
    assert "份待审阅" not in page
    assert "目前没有等待审阅的总结" in page


def test_the_dashboard_lists_a_waiting_report_of_a_past_period_first(world, as_user):
    waiting = ReportFactory(branch=world.branch, year=2021, half="H2", status=Report.Status.SUBMITTED)
    ReportVersionFactory(report=waiting)
    response = as_user(world.reviewer).get(reverse("reports:review_dashboard", args=["hw"]))  # today's period
    assert [report.pk for report in response.context["queue"].reports] == [waiting.pk]
    page = response.content.decode()
    assert "待审阅（1）" in page
    # The queue names the report's period (not the menu, which lists periods too).
    assert '<span class="badge text-bg-light border queue-period">2021年下半年</span>' in page
    assert reverse("reports:report_review", args=["kl", "2021H2"]) in page


def test_an_account_without_roles_gets_an_empty_inbox(world, returned, client):
    assert Notification.objects.exists()  # others have notifications; none is this account's
    user = UserFactory(username="nobody")
    client.force_login(user)
    response = client.get(INBOX)
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [] and response.context["unread"] == 0
    page = response.content.decode()
    assert "还没有消息。" in page and "请补充" not in page


def test_the_dashboards_badge_is_its_queues_total_and_other_organisations_are_counted(world, as_user):
    """On a review dashboard the bar's count of that organisation is the queue's total (no COUNT of
    its own); an organisation the reviewer reviews besides is still counted, in one query."""
    RoleFactory(user=world.reviewer, organisation=world.other_general, kind=Role.Kind.REVIEWER)
    for branch in (world.branch, world.sibling, world.far):
        ReportVersionFactory(report=ReportFactory(branch=branch, status=Report.Status.SUBMITTED))
    client = as_user(world.reviewer)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("reports:review_dashboard", args=["hw"])).content.decode()
    assert "待审阅（2）" in page
    assert '省高速公路处党总支 · 审阅 <span class="badge rounded-pill text-bg-light nav-count">2<' in page
    assert '省路政处党总支 · 审阅 <span class="badge rounded-pill text-bg-light nav-count">1<' in page
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"] and "reports_report" in q["sql"] and "FILTER" in q["sql"].upper()]
    assert len(counts) == 1 and counts[0].count("FILTER") == 1  # lz's alone
    # Another submission shows in both at the next request: nothing is kept between requests.
    ReportVersionFactory(report=ReportFactory(branch=world.sibling, year=2023, status=Report.Status.SUBMITTED))
    page = client.get(reverse("reports:review_dashboard", args=["hw"])).content.decode()
    assert "待审阅（3）" in page and '省高速公路处党总支 · 审阅 <span class="badge rounded-pill text-bg-light nav-count">3<' in page
