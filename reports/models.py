"""Half-year reports: the secretary's text, its frozen submitted versions, and the review trail."""

from django.conf import settings
from django.db import models

from branchwork import limits
from branchwork.models import BranchTreeQuerySet, Organisation
from branchwork.periods import Period

SECTION_HEADINGS = {
    1: "加强思想建设，提高党员理论水平和政治素养",
    2: "加强支部建设，提高党组织的规范性和战斗力",
    3: "加强作风建设，打造“过硬”党员干部队伍",
    4: "加强意识形态建设，增强党员阵地意识",
    5: "存在的问题",
    6: "下一步工作计划",
}
SECTION_CHOICES = [(number, heading) for number, heading in SECTION_HEADINGS.items()]
# 存在的问题 and 下一步工作计划: what a report may carry over from the previous period's.
CARRY_SECTIONS = (5, 6)


class ReportQuerySet(BranchTreeQuerySet):
    """``below(scope)``: the reports of the branches at or under ``scope``."""

    def in_period(self, period: Period):
        """The reports of ``period`` (as ``in_period`` on records: what belongs to the period)."""
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
    opening = models.TextField("开头段落", **limits.chars(limits.REPORT_ITEM_MAX_CHARS))
    signature = models.CharField("落款", max_length=100)
    signed_on = models.DateField("成文日期")
    # Optimistic locking: each save states the revision it started from; a stale one is refused.
    revision = models.PositiveIntegerField("修订号", default=1, editable=False)
    # Origins of default items the secretary deleted: recompiling does not bring them back.
    dismissed_origins = models.JSONField("已删除的默认条目", default=list, blank=True, editable=False)
    # Section headings that differ from the defaults, by section number ("1"…"6"); the six
    # sections and their order are fixed.
    headings = models.JSONField("各部分标题", default=dict, blank=True)
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

    @property
    def section_headings(self) -> dict[int, str]:
        return resolved_headings(self.headings)


def resolved_headings(overrides: dict | None) -> dict[int, str]:
    """The six headings in order, each the override when one is written, else the default."""
    overrides = overrides or {}
    return {number: (overrides.get(str(number)) or "").strip() or heading for number, heading in SECTION_HEADINGS.items()}


class BranchProfile(models.Model):
    """What a branch is, in its own words: the report's drafts draw on it instead of saying
    「上级党组织」「各项重点工作」. Every field may stay empty; a sentence built on an empty field is
    simply not proposed."""

    branch = models.OneToOneField(
        Organisation, verbose_name="党支部", on_delete=models.CASCADE, related_name="report_profile"
    )
    unit_name = models.CharField("单位简称", max_length=50, blank=True, help_text="报告中对本单位的称呼，如“kl所”“历史所”")
    core_business = models.CharField(
        "主责主业", max_length=50, blank=True, help_text="一个词，如“收费运营”“科研”；用于“党建与……深度融合”"
    )
    key_work = models.TextField(
        "主要业务工作（每行一项）", blank=True, help_text="如：收费运营、隧道安全管理、车辆数据稽核", **limits.chars(limits.PROFILE_TEXT_MAX_CHARS)
    )
    served = models.CharField("服务对象", max_length=50, blank=True, help_text="如“广大司乘人员”“人民群众”")
    member_term = models.CharField(
        "党员的称谓",
        max_length=20,
        blank=True,
        help_text="报告中对本支部党员的称呼，如“党员职工”“党员教师”“党员干部”“党员医务人员”；留空时写“党员”",
    )
    superiors = models.TextField(
        "上级党组织简称（每行一个，由上到下）",
        blank=True,
        help_text="报告中对上级的称呼，如：中心党委、处党总支；留空则用组织名称",
        **limits.chars(limits.PROFILE_TEXT_MAX_CHARS),
    )
    superiors_opening = models.CharField(
        "开头段的上级称谓", max_length=100, blank=True, help_text="“在……的正确领导下”，如“省中心党委和处党总支”"
    )
    standardisation = models.CharField(
        "标准化建设依据", max_length=100, blank=True, help_text="如“《标准化手册》”"
    )
    ledgers = models.CharField("规范的台账", max_length=50, blank=True, help_text="如“十个台账”")
    institutions = models.TextField(
        "严格执行的制度（每行一项）",
        blank=True,
        help_text="如：重大事项报告制度、民主集中制、党政议事规则、财务联签",
        **limits.chars(limits.PROFILE_TEXT_MAX_CHARS),
    )
    work_style_rules = models.TextField(
        "遵守的作风建设规定（每行一项）",
        blank=True,
        help_text="如：中央八项规定及实施细则、省委省政府转变工作作风“十不准”规定",
        **limits.chars(limits.PROFILE_TEXT_MAX_CHARS),
    )
    key_tasks = models.TextField(
        "下一步的重点工作（每行一项）", blank=True, help_text="如：通行费征收、节假日保通保畅、隧道安全管理", **limits.chars(limits.PROFILE_TEXT_MAX_CHARS)
    )
    headings = models.JSONField("各部分标题", default=dict, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "支部概况"
        verbose_name_plural = "支部概况"

    def __str__(self) -> str:
        return f"{self.branch}概况"


class ProfileYear(models.Model):
    """A year's goals and campaigns (「提效能、优服务、冲百亿」目标, 「行业管理提升年」活动)."""

    branch = models.ForeignKey(Organisation, verbose_name="党支部", on_delete=models.CASCADE, related_name="report_years")
    year = models.PositiveSmallIntegerField("年度")
    goals = models.CharField(
        "年度目标", max_length=200, blank=True, help_text="“紧紧围绕……和党建工作要点”，如：省中心“提效能、优服务、冲百亿”目标计划"
    )
    campaigns = models.TextField(
        "年度主题活动（每行一项）", blank=True, help_text="“以……为抓手”，如：“行业管理提升年”、“三比三促三提升”", **limits.chars(limits.PROFILE_TEXT_MAX_CHARS)
    )

    # The truth rule for judgments: what the branch says it achieved, and the problems it found in
    # itself, are the branch's own statements; the draft proposes outcome sentences and general
    # problems only from these (or from a record's own outcome), never from the defaults.
    achievements = models.TextField(
        "年度工作成效（每行一项）",
        blank=True,
        help_text="报告中“增强了……”“实现了……”等评价性表述以此为依据，如：主题党日活动增强了党员的归属感、责任感和荣誉感",
        **limits.chars(limits.PROFILE_TEXT_MAX_CHARS),
    )
    problems = models.TextField(
        "本支部自查的问题（每行一项）",
        blank=True,
        help_text="写入“存在的问题”，如：党建与业务工作融合方面，工作措施和力度不够",
        **limits.chars(limits.PROFILE_TEXT_MAX_CHARS),
    )

    class Meta:
        verbose_name = "年度目标"
        verbose_name_plural = "年度目标"
        ordering = ["branch", "-year"]
        constraints = [models.UniqueConstraint(fields=["branch", "year"], name="one_profile_year_per_branch")]

    def __str__(self) -> str:
        return f"{self.branch} {self.year}年"


class StandingWork(models.Model):
    """Work the branch does all year round and reports every time: 「模范机关」创建…"""

    branch = models.ForeignKey(Organisation, verbose_name="党支部", on_delete=models.CASCADE, related_name="standing_work")
    section = models.PositiveSmallIntegerField(
        "写入部分", choices=[(n, h) for n, h in SECTION_HEADINGS.items() if n <= 4], default=2
    )
    title = models.CharField("工作名称", max_length=60, help_text="如“‘模范机关’创建”，报告中写作“积极做好……工作”")
    measures = models.TextField("主要做法", help_text="本支部的具体做法，将写入报告初稿", **limits.chars(limits.PROFILE_MEASURES_MAX_CHARS))
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "常态化工作"
        verbose_name_plural = "常态化工作"
        ordering = ["branch", "section", "sort_order", "pk"]

    def __str__(self) -> str:
        return self.title


class ReportItem(models.Model):
    """One 「一是……」 item (or an unnumbered lead paragraph) of a section, in the secretary's words.

    Figures stand in ``text`` as placeholders such as 〔理论学习会次数〕; compiling fills them from
    the period's records, so recompiling never touches a written word.
    """

    report = models.ForeignKey(Report, verbose_name="工作总结", on_delete=models.CASCADE, related_name="items")
    section = models.PositiveSmallIntegerField("部分", choices=SECTION_CHOICES)
    position = models.PositiveIntegerField("顺序", default=0)
    numbered = models.BooleanField("编号（一是、二是……）", default=True)
    text = models.TextField("内容", **limits.chars(limits.REPORT_ITEM_MAX_CHARS))
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
    comment = models.TextField("意见", blank=True, **limits.chars(limits.COMMENT_MAX_CHARS))

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
    text = models.TextField("意见", **limits.chars(limits.COMMENT_MAX_CHARS))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审阅人", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "审阅意见"
        verbose_name_plural = "审阅意见"
        # Overall comments (no section) first on every database: PostgreSQL sorts NULL last by default.
        ordering = [models.F("section").asc(nulls_first=True), "pk"]

    def __str__(self) -> str:
        return self.text[:30]
