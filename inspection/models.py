"""The superior's standard (考核细则) as data: a 党委's standard for a year and its items.

These two models are the shared design of issue 22 (engineer "standard" owns them); the
supporting-material pack (``inspection.pack``) reads only the fields listed there."""

from django.db import models

from branchwork.models import Organisation


class Standard(models.Model):
    """考核细则 of a 党委 for a year, versioned."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="发布单位", on_delete=models.PROTECT, related_name="standards"
    )
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=200)
    version = models.PositiveIntegerField("版本", default=1)
    pass_mark = models.DecimalField("标准党支部分数线", max_digits=5, decimal_places=1, default=80)
    excellent_mark = models.DecimalField("优质党支部分数线", max_digits=5, decimal_places=1, default=95)

    class Meta:
        verbose_name = "考核细则"
        verbose_name_plural = "考核细则"

    def __str__(self) -> str:
        return self.title


class StandardItem(models.Model):
    class Measure(models.TextChoices):
        MANUAL = "manual", "人工评分"
        RULE = "rule", "合规日历"
        KIND_COUNT = "kind_count", "记录次数"
        ROSTER = "roster", "党员名册"
        REPORT = "report", "工作总结报送"
        PUBLICITY = "publicity", "宣传报道"

    standard = models.ForeignKey(Standard, verbose_name="考核细则", on_delete=models.CASCADE, related_name="items")
    code = models.CharField("编号", max_length=20)
    category = models.CharField("类别", max_length=50)
    requirement = models.TextField("内容与要求")
    points = models.DecimalField("分值", max_digits=5, decimal_places=1)
    deduction = models.TextField("扣分标准", blank=True)
    method = models.CharField("检查方式", max_length=200, blank=True)
    frequency = models.CharField("检查频次", max_length=20, blank=True)
    materials = models.TextField("主要支撑材料", blank=True)
    basis = models.CharField("来源", max_length=200, blank=True)
    is_veto = models.BooleanField("一票否决", default=False)
    measure = models.CharField("计算方式", max_length=20, choices=Measure.choices, default=Measure.MANUAL)
    params = models.JSONField("计算参数", default=dict, blank=True)
    deduct_each = models.DecimalField("每缺一次扣分", max_digits=4, decimal_places=1, default=1)
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "考核项目"
        verbose_name_plural = "考核项目"
        ordering = ["standard", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.code} {self.category}"
