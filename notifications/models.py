"""Messages telling people that a report needs them: a reviewer that one was submitted, a
branch's secretary and committee members that theirs was returned or approved."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from branchwork import limits
from reports.models import Report


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    class Event(models.TextChoices):
        SUBMITTED = "submitted", "报送"
        RESUBMITTED = "resubmitted", "重新报送"
        RETURNED = "returned", "退回修改"
        APPROVED = "approved", "审核通过"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField("事项", max_length=12, choices=Event.choices)
    report = models.ForeignKey(Report, verbose_name="工作总结", on_delete=models.CASCADE, related_name="+")
    version_number = models.PositiveIntegerField("版本")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField("内容", max_length=300)
    detail = models.TextField("意见", blank=True, **limits.chars(limits.COMMENT_MAX_CHARS))
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.text

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def for_reviewer(self) -> bool:
        return self.event in (self.Event.SUBMITTED, self.Event.RESUBMITTED)

    @property
    def target_url(self) -> str:
        """The page where the recipient acts on it: the review page for a reviewer, the report
        itself (with the comments beside it) for the branch."""
        name = "reports:report_review" if self.for_reviewer else "reports:report_edit"
        return reverse(name, kwargs={"code": self.report.branch.code, "period": self.report.period})
