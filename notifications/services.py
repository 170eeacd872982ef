"""Telling people about the report workflow: an inbox row for every recipient, written in the
transaction of the change it tells of, and an email to those with an address once that
transaction has committed (only when the deployment can send mail, ``NOTIFICATION_EMAILS``).

Recipients are scoped as access is: a submission goes to the reviewers of the organisations above
the branch; a return or an approval to the branch's secretary and committee members. Whoever did
it is not told of it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from branchwork import access
from branchwork.models import Organisation
from reports.models import Report, ReportVersion

from .models import Notification
from .selectors import unread_cache_key

logger = logging.getLogger(__name__)

DETAIL_MAX_CHARS = 500


def _reviewing_organisation(user: AbstractBaseUser, branch: Organisation) -> str:
    """The name the branch knows the reviewer by: the nearest organisation above it they review."""
    above = [org for org in access.reviewed_organisations(user) if org.contains(branch)]
    if above:
        return max(above, key=lambda org: len(org.path)).name
    return branch.parent.name if branch.parent_id else "上级党组织"


def _notify(
    *,
    recipients: Iterable[AbstractBaseUser],
    event: str,
    report: Report,
    version: ReportVersion,
    by: AbstractBaseUser,
    text: str,
    detail: str = "",
) -> list[Notification]:
    people = [user for user in recipients if user.pk != by.pk]
    if not people:
        return []
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            event=event,
            report=report,
            version_number=version.number,
            actor=by,
            text=text[:300],
            detail=detail[:DETAIL_MAX_CHARS],
        )
        for user in people
    )
    keys = [unread_cache_key(user) for user in people]
    transaction.on_commit(lambda: cache.delete_many(keys))
    mailed = [user for user in people if user.email]
    if mailed and settings.NOTIFICATION_EMAILS:
        link = notification_link(notifications[0])
        transaction.on_commit(lambda: _send_emails(mailed, text=text, detail=detail, link=link))
    return notifications


def notification_link(notification: Notification) -> str:
    """The page to open, absolute when the deployment knows its address (``SITE_URL``)."""
    return settings.SITE_URL.rstrip("/") + notification.target_url


def _send_emails(users: list[AbstractBaseUser], *, text: str, detail: str, link: str) -> None:
    """After the commit: a failing mail server never undoes the workflow step or fails the
    request; the inbox already holds the message."""
    body = text + "。\n"
    if detail:
        body += f"\n意见：{detail}\n"
    body += f"\n请登录支部工作台查看：{link}\n\n（本邮件由系统自动发送，请勿回复。）\n"
    messages = [
        EmailMessage(subject=f"【支部工作台】{text}", body=body, to=[user.email]) for user in users
    ]
    try:
        get_connection().send_messages(messages)
    except Exception:
        logger.exception("Sending %d notification emails failed; the inbox has them", len(messages))


def notify_report_submitted(*, report: Report, version: ReportVersion, by: AbstractBaseUser) -> list[Notification]:
    """The reviewers above the branch: a report (or a revision of one) waits for them."""
    branch = report.branch
    if version.number > 1:
        event = Notification.Event.RESUBMITTED
        text = f"{branch.name}报送了{report.period.long_label}工作总结的修改稿（第{version.number}版），等待审阅"
    else:
        event = Notification.Event.SUBMITTED
        text = f"{branch.name}报送了{report.period.long_label}工作总结（第{version.number}版），等待审阅"
    return _notify(
        recipients=access.reviewers_of(branch), event=event, report=report, version=version, by=by, text=text
    )


def _tell_branch(
    *, report: Report, version: ReportVersion, by: AbstractBaseUser, event: str, verb: str, ask: str, detail: str
) -> list[Notification]:
    branch = report.branch
    text = (
        f"{_reviewing_organisation(by, branch)}{verb}了{branch.name}{report.period.long_label}工作总结"
        f"（第{version.number}版）{ask}"
    )
    return _notify(
        recipients=access.writers_of(branch), event=event, report=report, version=version, by=by, text=text, detail=detail
    )


def notify_report_returned(
    *, report: Report, version: ReportVersion, by: AbstractBaseUser, comment: str = ""
) -> list[Notification]:
    """The branch's secretary and committee members: their report came back with comments."""
    return _tell_branch(
        report=report,
        version=version,
        by=by,
        event=Notification.Event.RETURNED,
        verb="退回",
        ask="，请按意见修改后重新报送",
        detail=comment or "意见见各部分批注",
    )


def notify_report_approved(
    *, report: Report, version: ReportVersion, by: AbstractBaseUser, comment: str = ""
) -> list[Notification]:
    """The branch's secretary and committee members: their report is final."""
    return _tell_branch(
        report=report, version=version, by=by, event=Notification.Event.APPROVED, verb="审核通过", ask="", detail=comment
    )


def notifications_mark_read(*, user: AbstractBaseUser, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read (only those in ``ids`` if given); how many."""
    unread = Notification.objects.for_user(user).unread()
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    changed = unread.update(read_at=timezone.now())
    if changed:
        key = unread_cache_key(user)
        transaction.on_commit(lambda: cache.delete(key))
    return changed


# Receivers of the report workflow's signals (connected in NotificationsConfig.ready).


def on_report_submitted(sender, *, report, version, by, **kwargs) -> None:
    notify_report_submitted(report=report, version=version, by=by)


def on_report_returned(sender, *, report, version, by, comment="", **kwargs) -> None:
    notify_report_returned(report=report, version=version, by=by, comment=comment)


def on_report_approved(sender, *, report, version, by, comment="", **kwargs) -> None:
    notify_report_approved(report=report, version=version, by=by, comment=comment)
