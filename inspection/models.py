"""Inspection (迎检): a 党委's published standard (考核细则) as data, and each branch's score on it.

A ``Standard`` belongs to a 党委 and a year; its ``StandardItem``s say what is checked, how many
points it is worth and, through ``measure`` and ``params``, how the app can compute it from the
records (``inspection.scoring``). A ``BranchScore`` is a branch's self-score for a period on one
standard, moving 草稿 → 已提交党总支 → 党总支已审查 → 党委已复核 (or 退回); each ``ItemScore``
keeps the proposal from the data, the secretary's override or note, the 党总支's adjustment and the
党委's re-check side by side. Every step freezes a ``BranchScoreVersion`` and writes a
``BranchScoreEvent``, as reports do.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from branchwork import limits
from branchwork.models import BranchTreeQuerySet, Organisation
from branchwork.periods import Period

# Texts of a standard item and of a score's reasons (far above what published standards hold: the
# longest 扣分标准 seen is about 300 characters).
ITEM_TEXT_MAX_CHARS = 2_000
SCORE_REASON_MAX_CHARS = 1_000
STANDARD_MAX_ITEMS = 300


class Standard(models.Model):
    """考核细则 of a 党委 for a year. ``version`` is bumped on every change made after a branch has
    self-scored against it, so the branch sees that the standard changed under it."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="制定单位（党委）", on_delete=models.PROTECT, related_name="standards"
    )
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=200)
    version = models.PositiveIntegerField("版本", default=1)
    pass_mark = models.DecimalField("标准党支部分数线", max_digits=5, decimal_places=1, default=Decimal("80"))
    excellent_mark = models.DecimalField("优质党支部分数线", max_digits=5, decimal_places=1, default=Decimal("95"))
    revised_at = models.DateTimeField("最近修订时间", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "考核细则"
        verbose_name_plural = "考核细则"
        ordering = ["organisation", "-year"]
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="one_standard_per_committee_year")]

    def __str__(self) -> str:
        return self.title


class StandardItem(models.Model):
    """One row of the standard: 编号、类别、内容与要求、分值、扣分标准、检查方式、频次、支撑材料、来源."""

    class Measure(models.TextChoices):
        MANUAL = "manual", "人工评分"
        RULE = "rule", "合规日历"
        KIND_COUNT = "kind_count", "记录次数"
        ROSTER = "roster", "组织设置"
        REPORT = "report", "总结报送"
        PUBLICITY = "publicity", "宣传报道"

    standard = models.ForeignKey(Standard, verbose_name="考核细则", on_delete=models.CASCADE, related_name="items")
    code = models.CharField("编号", max_length=20)
    category = models.CharField("类别", max_length=50)
    requirement = models.TextField("内容与要求", **limits.chars(ITEM_TEXT_MAX_CHARS))
    points = models.DecimalField("分值", max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0"))])
    deduction = models.TextField("扣分标准", blank=True, **limits.chars(ITEM_TEXT_MAX_CHARS))
    method = models.CharField("检查方式", max_length=200, blank=True)
    frequency = models.CharField("检查频次", max_length=20, blank=True)
    materials = models.TextField("主要支撑材料（每行一项）", blank=True, **limits.chars(ITEM_TEXT_MAX_CHARS))
    basis = models.CharField("来源", max_length=200, blank=True)
    is_veto = models.BooleanField("一票否决", default=False)
    measure = models.CharField("计算方式", max_length=12, choices=Measure.choices, default=Measure.MANUAL)
    params = models.JSONField("参数", default=dict, blank=True)
    deduct_each = models.DecimalField(
        "每缺一次扣分", max_digits=4, decimal_places=1, default=Decimal("1"), validators=[MinValueValidator(Decimal("0"))]
    )
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "考核项目"
        verbose_name_plural = "考核项目"
        ordering = ["standard", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["standard", "code"], name="unique_item_code_per_standard")]

    def __str__(self) -> str:
        return f"{self.code} {self.requirement[:30]}"

    @property
    def material_lines(self) -> list[str]:
        return [line.strip() for line in self.materials.splitlines() if line.strip()]


class BranchScoreQuerySet(BranchTreeQuerySet):
    def in_period(self, period: Period):
        return self.filter(year=period.year, half=period.half)


class BranchScore(models.Model):
    """A branch's self-score for a period against one standard, and where it is in the chain."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交党总支"
        REVIEWED = "reviewed", "党总支已审查"
        RECHECKED = "rechecked", "党委已复核"
        RETURNED = "returned", "退回"

    branch = models.ForeignKey(Organisation, verbose_name="党支部", on_delete=models.PROTECT, related_name="inspection_scores")
    standard = models.ForeignKey(Standard, verbose_name="考核细则", on_delete=models.PROTECT, related_name="scores")
    standard_version = models.PositiveIntegerField("依据细则版本", default=1)
    # As reports store periods: the year and "H1"/"H2", or "" for the whole year.
    year = models.PositiveSmallIntegerField("年度")
    half = models.CharField("期间", max_length=2, blank=True, choices=[("H1", "上半年"), ("H2", "下半年"), ("", "全年")])
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("保存时间", auto_now=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField("党总支审查时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="党总支审查人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rechecked_at = models.DateTimeField("党委复核时间", null=True, blank=True)
    rechecked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="党委复核人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = BranchScoreQuerySet.as_manager()

    class Meta:
        verbose_name = "支部自评"
        verbose_name_plural = "支部自评"
        ordering = ["-year", "half", "branch"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "standard", "year", "half"], name="one_score_per_branch_period")
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.period.label}自评"

    @property
    def period(self) -> Period:
        return Period(self.year, self.half)

    @property
    def secretary_may_edit(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def is_outdated(self) -> bool:
        """The standard was revised after the branch scored against it."""
        return self.standard_version < self.standard.version


class ItemScore(models.Model):
    """One item of a branch's score: the proposal from the data and each step's own score."""

    branch_score = models.ForeignKey(BranchScore, verbose_name="支部自评", on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(StandardItem, verbose_name="考核项目", on_delete=models.CASCADE, related_name="scores")
    # What the app proposes from the records (None: an item it cannot compute) and why: a list of
    # {"text": ..., "link": ...}; and the materials the records lack, in the same shape.
    proposed_score = models.DecimalField("系统建议得分", max_digits=5, decimal_places=1, null=True, blank=True)
    proposed_reasons = models.JSONField("扣分依据", default=list, blank=True)
    missing_materials = models.JSONField("缺少的材料", default=list, blank=True)
    secretary_score = models.DecimalField("支部自评得分", max_digits=5, decimal_places=1, null=True, blank=True)
    secretary_reason = models.TextField("自评说明", blank=True, **limits.chars(SCORE_REASON_MAX_CHARS))
    review_score = models.DecimalField("党总支审查得分", max_digits=5, decimal_places=1, null=True, blank=True)
    review_reason = models.TextField("党总支调整理由", blank=True, **limits.chars(SCORE_REASON_MAX_CHARS))
    recheck_score = models.DecimalField("党委复核得分", max_digits=5, decimal_places=1, null=True, blank=True)
    recheck_reason = models.TextField("党委复核理由", blank=True, **limits.chars(SCORE_REASON_MAX_CHARS))

    class Meta:
        verbose_name = "项目得分"
        verbose_name_plural = "项目得分"
        ordering = ["branch_score", "item__position", "item__pk"]
        constraints = [models.UniqueConstraint(fields=["branch_score", "item"], name="one_score_per_item")]

    def __str__(self) -> str:
        return f"{self.item.code} · {self.branch_score}"

    @property
    def self_score(self) -> Decimal | None:
        """The branch's own score: its override or manual score, else the proposal."""
        return self.secretary_score if self.secretary_score is not None else self.proposed_score

    @property
    def final_score(self) -> Decimal | None:
        """The score as it stands after the latest step that touched it."""
        for score in (self.recheck_score, self.review_score):
            if score is not None:
                return score
        return self.self_score


class BranchScoreVersion(models.Model):
    """A step of the chain, frozen: every item's scores and reasons as they stood."""

    branch_score = models.ForeignKey(BranchScore, verbose_name="支部自评", on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本")
    status = models.CharField("状态", max_length=10, choices=BranchScore.Status.choices)
    standard_version = models.PositiveIntegerField("依据细则版本")
    document = models.JSONField("评分内容")
    total = models.DecimalField("总分", max_digits=6, decimal_places=1, null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "自评版本"
        verbose_name_plural = "自评版本"
        ordering = ["branch_score", "number"]
        constraints = [models.UniqueConstraint(fields=["branch_score", "number"], name="unique_score_version_number")]

    def __str__(self) -> str:
        return f"{self.branch_score} 第{self.number}版"


class BranchScoreEvent(models.Model):
    """Every transition of the chain, with who, when and why."""

    class Action(models.TextChoices):
        CREATE = "create", "创建"
        SUBMIT = "submit", "提交党总支"
        REVIEW = "review", "党总支审查通过"
        RECHECK = "recheck", "党委复核"
        RETURN = "return", "退回"

    branch_score = models.ForeignKey(BranchScore, verbose_name="支部自评", on_delete=models.CASCADE, related_name="events")
    version = models.ForeignKey(
        BranchScoreVersion, verbose_name="版本", null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)
    comment = models.TextField("意见", blank=True, **limits.chars(limits.COMMENT_MAX_CHARS))

    class Meta:
        verbose_name = "自评流转记录"
        verbose_name_plural = "自评流转记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.branch_score}"
