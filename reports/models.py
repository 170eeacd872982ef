"""Half-year reports: the secretary's text, its frozen submitted versions, and the review trail."""

from django.conf import settings
from django.db import models

from branchwork.models import Organisation
from branchwork.periods import Period

SECTION_HEADINGS = {
    1: "加强思想建设，提高党员理论水平和政治素养",
    2: "加强支部建设，提高党组织的规范性和战斗力",
    3: "加强作风建设，打造“过硬”职工队伍",
    4: "加强意识形态建设，增强党员阵地意识",
    5: "存在的问题",
    6: "下一步工作计划",
}
SECTION_CHOICES = [(number, heading) for number, heading in SECTION_HEADINGS.items()]


class ReportQuerySet(models.QuerySet):
    def for_branches(self, branches):
        return self.filter(branch__in=branches)

    def for_period(self, period: Period):
        return self.filter(year=period.year, half=period.half)


class Report(models.Model):
    class Half(models.TextChoices):
        FIRST = "H1", "上半年"
        SECOND = "H2", "下半年"
        YEAR = "", "全年"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已报送"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已审核通过"

    branch = models.ForeignKey(Organisation, verbose_name="党支部", on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveSmallIntegerField("年度")
    half = models.CharField("期间", max_length=2, choices=Half.choices, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField("标题", max_length=200)
    addressee = models.CharField("主送", max_length=100)
    opening = models.TextField("开头段落")
    signature = models.CharField("落款", max_length=100)
    signed_on = models.DateField("成文日期")
    # Optimistic locking: each save states the revision it started from; a stale one is refused.
    revision = models.PositiveIntegerField("修订号", default=1, editable=False)
    # Origins of default items the secretary deleted: recompiling does not bring them back.
    dismissed_origins = models.JSONField("已删除的默认条目", default=list, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("保存时间", auto_now=True)
    # Who saved last: named in the message when a stale save is refused.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后保存人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = "工作总结"
        verbose_name_plural = "工作总结"
        ordering = ["-year", "half", "branch"]
        constraints = [models.UniqueConstraint(fields=["branch", "year", "half"], name="one_report_per_branch_period")]

    def __str__(self) -> str:
        return self.title

    @property
    def period(self) -> Period:
        return Period(self.year, self.half)

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class ReportItem(models.Model):
    """One 「一是……」 item (or an unnumbered lead paragraph) of a section, in the secretary's words.

    Figures stand in ``text`` as placeholders such as 〔理论学习会次数〕; compiling fills them from
    the period's records, so recompiling never touches a written word.
    """

    report = models.ForeignKey(Report, verbose_name="工作总结", on_delete=models.CASCADE, related_name="items")
    section = models.PositiveSmallIntegerField("部分", choices=SECTION_CHOICES)
    position = models.PositiveIntegerField("顺序", default=0)
    numbered = models.BooleanField("编号（一是、二是……）", default=True)
    text = models.TextField("内容")
    # Which default item this came from ("" for an item the secretary added), so a recompile can
    # offer defaults the report does not have yet without duplicating those it has.
    origin = models.CharField("默认条目来源", max_length=50, blank=True)

    class Meta:
        verbose_name = "条目"
        verbose_name_plural = "条目"
        ordering = ["section", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:30]


class ReportVersion(models.Model):
    """A submission, frozen: the compiled document and its files never change afterwards."""

    report = models.ForeignKey(Report, verbose_name="工作总结", on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本")
    document = models.JSONField("报告内容")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("报送时间", auto_now_add=True)
    docx_file = models.FileField("DOCX 文件", upload_to="reports/%Y/", blank=True, max_length=255)
    pdf_file = models.FileField("PDF 文件", upload_to="reports/%Y/", blank=True, max_length=255)

    class Meta:
        verbose_name = "报送版本"
        verbose_name_plural = "报送版本"
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="unique_version_number")]

    def __str__(self) -> str:
        return f"{self.report} 第{self.number}版"


class ReportEvent(models.Model):
    """Every transition of the workflow, with who and when."""

    class Action(models.TextChoices):
        CREATE = "create", "创建"
        SUBMIT = "submit", "报送"
        RETURN = "return", "退回修改"
        APPROVE = "approve", "审核通过"

    report = models.ForeignKey(Report, verbose_name="工作总结", on_delete=models.CASCADE, related_name="events")
    version = models.ForeignKey(
        ReportVersion, verbose_name="版本", null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)
    comment = models.TextField("意见", blank=True)

    class Meta:
        verbose_name = "流转记录"
        verbose_name_plural = "流转记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.report}"


class ReviewComment(models.Model):
    """A reviewer's comment on a version: overall (section empty) or on one section."""

    version = models.ForeignKey(ReportVersion, verbose_name="版本", on_delete=models.CASCADE, related_name="comments")
    event = models.ForeignKey(
        ReportEvent, verbose_name="流转记录", null=True, on_delete=models.CASCADE, related_name="comments"
    )
    section = models.PositiveSmallIntegerField("部分", choices=SECTION_CHOICES, null=True, blank=True)
    text = models.TextField("意见")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审阅人", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "审阅意见"
        verbose_name_plural = "审阅意见"
        # Overall comments (no section) first on every database: PostgreSQL sorts NULL last by default.
        ordering = [models.F("section").asc(nulls_first=True), "pk"]

    def __str__(self) -> str:
        return self.text[:30]
