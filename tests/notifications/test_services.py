"""Who is told what when a report moves through the workflow, and when the email goes."""

import datetime

import pytest
from django.core import mail
from django.db import transaction

from branchwork.models import Role
from branchwork.periods import Period
from notifications import services as notification_services
from notifications.models import Notification
from notifications.selectors import unread_count
from reports import services
from tests.factories import ActivityFactory, RoleFactory, UserFactory

H1 = Period(2022, "H1")


@pytest.fixture
def report(world):
    ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 3, 10))
    return services.report_create(branch=world.branch, period=H1, by=world.secretary)


def told(user):
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


def test_a_submission_tells_the_reviewers_above_and_nobody_else(world, report):
    committee_reviewer = UserFactory(username="committee_reviewer")
    RoleFactory(user=committee_reviewer, organisation=world.committee, kind=Role.Kind.REVIEWER)
    services.report_submit(report=report, by=world.secretary)

    for reviewer in (world.reviewer, committee_reviewer):
        [notification] = told(reviewer)
        assert notification.event == Notification.Event.SUBMITTED
        assert notification.text == "kl所党支部报送了2022年上半年工作总结（第1版），等待审阅"
        assert notification.target_url == "/b/kl/reports/2022H1/review/"
        assert notification.actor == world.secretary and not notification.is_read
    for user in (world.secretary, world.member, world.sibling_secretary, world.outsider_reviewer, world.admin):
        assert told(user) == []


def test_a_revision_is_told_as_resubmitted(world, report):
    services.report_submit(report=report, by=world.secretary)
    services.report_return(report=report, by=world.reviewer, comment="请补充")
    services.report_submit(report=report, by=world.member)
    latest = told(world.reviewer)[-1]
    assert latest.event == Notification.Event.RESUBMITTED
    assert "修改稿（第2版）" in latest.text
    assert latest.actor == world.member


def test_a_return_tells_the_secretary_and_committee_members_with_the_comment(world, report):
    services.report_submit(report=report, by=world.secretary)
    services.report_return(report=report, by=world.reviewer, comment="第一部分请补充学习成效")
    for writer in (world.secretary, world.member):
        [notification] = told(writer)
        assert notification.event == Notification.Event.RETURNED
        assert notification.text.startswith("省高速公路处党总支退回了kl所党支部2022年上半年工作总结（第1版）")
        assert notification.detail == "第一部分请补充学习成效"
        assert notification.target_url == "/b/kl/reports/2022H1/"
    assert told(world.sibling_secretary) == []
    assert [n.event for n in told(world.reviewer)] == ["submitted"]  # not told of their own return


def test_a_return_with_section_comments_only_says_where_they_are(world, report):
    services.report_submit(report=report, by=world.secretary)
    services.report_return(report=report, by=world.reviewer, comment="", section_comments={2: "请补充党小组"})
    assert told(world.secretary)[0].detail == "意见见各部分批注"


def test_an_approval_tells_the_branch(world, report):
    services.report_submit(report=report, by=world.secretary)
    services.report_approve(report=report, by=world.reviewer, comment="同意")
    [notification] = told(world.secretary)
    assert notification.event == Notification.Event.APPROVED
    assert notification.text == "省高速公路处党总支审核通过了kl所党支部2022年上半年工作总结（第1版）"
    assert notification.detail == "同意"


def test_whoever_acted_is_not_told_and_inactive_accounts_are_not_told(world, report):
    # The secretary also reviews for the committee: submitting tells the others, not them.
    RoleFactory(user=world.secretary, organisation=world.committee, kind=Role.Kind.REVIEWER)
    world.member.is_active = False
    world.member.save(update_fields=["is_active"])
    services.report_submit(report=report, by=world.secretary)
    assert told(world.secretary) == []
    services.report_return(report=report, by=world.reviewer, comment="请补充")
    assert len(told(world.secretary)) == 1
    assert told(world.member) == []


def test_a_refused_step_tells_nobody(world, report):
    services.report_submit(report=report, by=world.secretary)
    with pytest.raises(services.WorkflowError):
        services.report_submit(report=report, by=world.secretary)  # already waiting
    assert len(told(world.reviewer)) == 1


def test_email_goes_after_the_commit_to_those_with_an_address(world, report, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_EMAILS = True
    settings.SITE_URL = "https://dj.example.org/"
    world.reviewer.email = "reviewer@example.org"
    world.reviewer.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.report_submit(report=report, by=world.secretary)
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    assert message.to == ["reviewer@example.org"]
    assert message.subject == "【支部工作台】kl所党支部报送了2022年上半年工作总结（第1版），等待审阅"
    assert "https://dj.example.org/b/kl/reports/2022H1/review/" in message.body


def test_no_email_unless_the_deployment_sends_mail(world, report, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_EMAILS = False
    world.reviewer.email = "reviewer@example.org"
    world.reviewer.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(report=report, by=world.secretary)
    assert mail.outbox == []
    assert len(told(world.reviewer)) == 1  # the inbox has it all the same


def test_a_failing_mail_server_loses_nothing(world, report, settings, monkeypatch, django_capture_on_commit_callbacks, caplog):
    settings.NOTIFICATION_EMAILS = True
    world.reviewer.email = "reviewer@example.org"
    world.reviewer.save(update_fields=["email"])

    class Broken:
        def send_messages(self, messages):
            raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(notification_services, "get_connection", lambda: Broken())
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(report=report, by=world.secretary)
    report.refresh_from_db()
    assert report.status == "submitted" and len(told(world.reviewer)) == 1
    assert "notification emails failed" in caplog.text


def test_a_rolled_back_step_leaves_no_notification_and_sends_nothing(
    world, report, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_EMAILS = True
    world.reviewer.email = "reviewer@example.org"
    world.reviewer.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.report_submit(report=report, by=world.secretary)
            raise RuntimeError("the request failed after the submission")
    assert callbacks == [] and mail.outbox == []
    assert told(world.reviewer) == []


def test_the_unread_count_is_cached_and_renewed_when_told_or_read(world, report, django_assert_num_queries, django_capture_on_commit_callbacks):
    assert unread_count(world.reviewer) == 0
    with django_assert_num_queries(0):
        assert unread_count(world.reviewer) == 0  # from the cache
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(report=report, by=world.secretary)
    assert unread_count(world.reviewer) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_services.notifications_mark_read(user=world.reviewer) == 1
    assert unread_count(world.reviewer) == 0
