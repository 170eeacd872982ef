"""Records a branch logs: activities of every kind, attendance, attachments, publicity, rules."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from branchwork import limits
from branchwork.models import BranchTreeQuerySet, Member, Organisation, OrganisationTreeQuerySet, PartyGroup
from branchwork.periods import Period

from .kinds import KINDS, Kind, kind_choices, series_kind_choices


class ActivityQuerySet(BranchTreeQuerySet):
    def for_branch(self, branch: Organisation):
        """The branch's own records (``below`` for every branch under an organisation)."""
        return self.filter(branch=branch)

    def in_period(self, period: Period):
        return self.filter(date__range=(period.start, period.end))

    def of_kind(self, code: str):
        """Records that count as this kind: their own kind, or held together with it."""
        return self.filter(counted_kinds__kind=code)


COPIED_TO_KINDS = {"branch", "branch_id", "date", "party_group", "party_group_id"}


class RectificationSource(models.TextChoices):
    """Where a problem on the 整改台账 was found."""

    ORG_LIFE = "org_life", "组织生活会"
    APPRAISAL = "appraisal", "民主评议"
    INSPECTION = "inspection", "上级检查（考核）"
    PATROL = "patrol", "巡察"
    REPORT = "report", "总结中的存在的问题"
    OTHER = "other", "其他"


class Activity(models.Model):
    """One dated record of a branch's work. What it is comes from ``kind`` (see ``kinds.KINDS``)."""

    class StudyForm(models.TextChoices):
        COLLECTIVE = "集体学习", "集体学习"
        SEMINAR = "专题研讨", "专题研讨"
        SELF = "个人自学", "个人自学"

    class PaymentType(models.TextChoices):
        DUES = "党费", "党费"
        SPECIAL_DUES = "特殊党费", "特殊党费"
        DONATION = "捐款", "捐款"
        RELIEF = "慰问金", "慰问金（物资）"

    class MaterialType(models.TextChoices):
        PLAN = "计划", "计划"
        SUMMARY = "总结", "总结"
        REPORT = "报告", "报告"
        REQUEST = "请示", "请示"
        OTHER = "其他", "其他"

    class ApprovalMatter(models.TextChoices):
        CONFIRMATION = "转正", "预备党员转正"
        ADMISSION = "接收", "接收预备党员"
        DISCIPLINE = "处分", "党纪处分"
        ELECTION = "换届", "换届选举"
        OTHER = "其他", "其他"

    class ApprovalStatus(models.TextChoices):
        PENDING = "pending", "待批准"
        APPROVED = "approved", "已批准"

    branch = models.ForeignKey(Organisation, verbose_name="党支部", on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField("类型", max_length=30, choices=kind_choices, db_index=True)
    date = models.DateField("日期")
    title = models.CharField("主题", max_length=200)
    start_time = models.TimeField("开始时间", null=True, blank=True)
    end_time = models.TimeField("结束时间", null=True, blank=True)
    place = models.CharField("地点", max_length=200, blank=True)
    host = models.CharField("主持人", max_length=50, blank=True)
    content = models.TextField("内容", blank=True, **limits.chars(limits.RECORD_CONTENT_MAX_CHARS))
    decisions = models.TextField("决定事项", blank=True, **limits.chars(limits.RECORD_TEXT_MAX_CHARS))
    recorder = models.CharField("记录人", max_length=50, blank=True)
    observers = models.CharField(
        "列席人员", max_length=300, blank=True, help_text="列席会议、没有表决权的人员，如：入党积极分子张某、群众代表李某"
    )
    # A decision put to a vote (表决情况; activities.meeting_record): the matter and the counts.
    vote_matter = models.CharField(
        "表决事项", max_length=200, blank=True, help_text="会议对决定事项进行表决时填写，如：接收张某某为中共预备党员；未表决的会议不填"
    )
    vote_expected = models.PositiveIntegerField("表决：应到人数", null=True, blank=True, help_text="有表决权的人数")
    vote_present = models.PositiveIntegerField("表决：实到人数", null=True, blank=True, help_text="到会的有表决权的人数")
    vote_for = models.PositiveIntegerField("表决：同意", null=True, blank=True)
    vote_against = models.PositiveIntegerField("表决：反对", null=True, blank=True)
    vote_abstain = models.PositiveIntegerField("表决：弃权", null=True, blank=True)
    materials = models.TextField("学习材料（每行一项）", blank=True, **limits.chars(limits.RECORD_TEXT_MAX_CHARS))
    study_form = models.CharField("学习形式", max_length=10, choices=StudyForm.choices, blank=True)
    activity_forms = models.TextField("具体活动形式（每行一项）", blank=True, help_text="如：观看反腐题材影片、赴党史教育基地", **limits.chars(limits.RECORD_NOTE_MAX_CHARS))
    occasion = models.CharField("时机", max_length=50, blank=True, help_text="如：春节前、端午节前")
    participants = models.CharField("参加人员", max_length=200, blank=True, help_text="如：全体党员、发展对象、入党积极分子")
    party_group = models.ForeignKey(
        PartyGroup, verbose_name="党小组", null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    speaker = models.ForeignKey(
        Member, verbose_name="主讲人", null=True, blank=True, on_delete=models.SET_NULL, related_name="lectures"
    )
    speaker_name = models.CharField("主讲人（非本支部）", max_length=50, blank=True)
    speaker_post = models.CharField(
        "主讲人职务",
        max_length=50,
        blank=True,
        help_text="写入报告的称谓，如“所党委书记”“支部书记”；本支部党员留空时按花名册中的支部职务",
    )
    joint_with = models.CharField(
        "联合开展单位", max_length=200, blank=True, help_text="与其他党组织或单位联合开展时填写，如“省农科院作物所党支部”"
    )
    basis = models.TextField(
        "依据（上级文件、通知，每行一项）",
        blank=True,
        **limits.chars(limits.RECORD_NOTE_MAX_CHARS),
        help_text="如：厅党组《关于以折达公路问题为案例开展作风建设警示教育的通知》",
    )
    year_of = models.PositiveSmallIntegerField(
        "所属年度",
        null=True,
        blank=True,
        validators=[MinValueValidator(1990)],
        help_text="年度组织生活会、民主评议党员所属的年度，如 2021；专题组织生活会留空",
    )
    headcount = models.PositiveIntegerField("人数", null=True, blank=True, validators=[MinValueValidator(1)])
    # Who took part beyond the attendance list: members picked from the roster, and others by
    # category or name (入党积极分子、群众、学生、退休党员…).
    participant_members = models.ManyToManyField(
        Member, verbose_name="参加的本支部人员", blank=True, related_name="participated_in"
    )
    other_participants = models.CharField(
        "其他参加人员",
        max_length=500,
        blank=True,
        help_text="花名册以外的人员，按类别或姓名填写，如：入党积极分子2名、群众10余人、五年级学生",
    )
    outcome = models.TextField(
        "成效",
        blank=True,
        **limits.chars(limits.RECORD_CONTENT_MAX_CHARS),
        help_text="用自己的话写这次活动实际取得的成效；报告只从这里（或支部概况）写活动的成效，不填则不写",
    )
    # 谈心谈话 (and the person visited in 走访慰问).
    interviewee = models.CharField("谈话对象", max_length=200, blank=True, help_text="姓名或职务，多人用顿号分隔")
    talk_reason = models.CharField(
        "类别/原因", max_length=100, blank=True, help_text="如：岗位变动、思想波动、家庭变故、入党培养、日常谈心"
    )
    # 党费与捐款, 走访慰问.
    payment_type = models.CharField("类别", max_length=10, choices=PaymentType.choices, blank=True)
    paid_count = models.PositiveIntegerField("已缴纳人数", null=True, blank=True)
    member_total = models.PositiveIntegerField("应缴纳人数", null=True, blank=True)
    amount = models.DecimalField(
        "金额（元）",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    # 专项工作: what the branch did in it and its members' part.
    branch_role = models.TextField(
        "支部发挥的作用", blank=True, **limits.chars(limits.RECORD_TEXT_MAX_CHARS), help_text="如：成立党员突击队，设立党员先锋岗，组织转移群众"
    )
    members_part = models.TextField(
        "党员参与情况", blank=True, **limits.chars(limits.RECORD_TEXT_MAX_CHARS), help_text="如：12名党员参加一线值守，累计值班200余小时"
    )
    # 报送材料.
    material_type = models.CharField("材料类别", max_length=10, choices=MaterialType.choices, blank=True)
    sent_to = models.CharField("报送单位", max_length=100, blank=True, help_text="如：院党委、处党总支")
    # A counted series: sessions not logged one by one, counted as ``series_kind``.
    series_kind = models.CharField("计入类型", max_length=30, choices=series_kind_choices, blank=True)
    series_count = models.PositiveIntegerField("次数", null=True, blank=True, validators=[MinValueValidator(1)])
    date_to = models.DateField("截止日期", null=True, blank=True)
    # Outcomes that await a superior (转正、处分、换届批复).
    approval_matter = models.CharField("报批事项类别", max_length=10, choices=ApprovalMatter.choices, blank=True)
    approval_status = models.CharField("审批状态", max_length=10, choices=ApprovalStatus.choices, blank=True)
    approval_body = models.CharField("审批单位", max_length=100, blank=True, help_text="如：院党委、处党总支")
    reported_on = models.DateField("报批日期", null=True, blank=True)
    approved_on = models.DateField("批准日期", null=True, blank=True)
    is_resolved = models.BooleanField("已整改", default=False)
    resolved_on = models.DateField("整改完成日期", null=True, blank=True)
    # 整改事项 as an entry of the 整改台账 (activities.rectifications): where the problem came from,
    # who answers for it, by when, what shows the work done, and the re-check that closes it.
    # Its status is derived (``rectifications.status_of``), never typed.
    rectification_source = models.CharField(
        "问题来源", max_length=20, choices=RectificationSource.choices, blank=True
    )
    source_activity = models.ForeignKey(
        "self",
        verbose_name="来源记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rectifications_opened",
        help_text="查摆出该问题的组织生活会、民主评议等记录",
    )
    source_ref = models.CharField(
        "来源说明", max_length=300, blank=True, help_text="如：2022年上半年工作总结“存在的问题”第2项、上级检查考核第3项扣分"
    )
    # What opened the entry, for opening it once only (a report item, an inspection item).
    source_key = models.CharField("来源标识", max_length=100, blank=True, editable=False)
    responsible_member = models.ForeignKey(
        Member, verbose_name="责任人", null=True, blank=True, on_delete=models.SET_NULL, related_name="rectifications"
    )
    responsible_text = models.CharField(
        "责任人（其他）", max_length=100, blank=True, help_text="花名册以外的责任人或责任部门，如：支委会、组织委员"
    )
    deadline = models.DateField("整改时限", null=True, blank=True)
    evidence_records = models.ManyToManyField(
        "self",
        verbose_name="整改佐证记录",
        symmetrical=False,
        blank=True,
        related_name="evidence_for_rectifications",
    )
    rechecked_on = models.DateField("复查日期", null=True, blank=True, editable=False)
    rechecked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复查登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    recheck_note = models.TextField(
        "复查意见", blank=True, editable=False, **limits.chars(limits.RECORD_NOTE_MAX_CHARS)
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后修改人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = "工作记录"
        verbose_name_plural = "工作记录"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["branch", "kind", "date"]), models.Index(fields=["branch", "date"])]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.kind_info.label}：{self.title}"

    def save(self, *args, **kwargs):
        creating = self._state.adding
        super().save(*args, **kwargs)
        fields = kwargs.get("update_fields")
        if not creating and (fields is None or COPIED_TO_KINDS & set(fields)):
            self.copy_to_kinds()

    def copy_to_kinds(self) -> None:
        """Bring the counted kinds' copies of branch, date and party group up to date (``save``
        does; ``bulk_update`` does not)."""
        self.counted_kinds.update(branch_id=self.branch_id, date=self.date, party_group_id=self.party_group_id)

    def clean(self):
        super().clean()
        errors = {}
        if self.deadline and self.date and self.deadline < self.date:
            errors["deadline"] = "整改时限不能早于发现问题的日期"
        if self.rechecked_on and not self.is_resolved:
            errors["is_resolved"] = "该问题已复查销号，不能改为未整改；如需重新整改，请另行列入整改台账"
        if errors:
            raise ValidationError(errors)

    @property
    def kind_info(self) -> Kind:
        return KINDS[self.kind]

    @property
    def material_list(self) -> list[str]:
        return _lines(self.materials)

    @property
    def activity_form_list(self) -> list[str]:
        return _lines(self.activity_forms)

    @property
    def basis_list(self) -> list[str]:
        return _lines(self.basis)

    @property
    def pending_approval(self) -> bool:
        return self.approval_status == self.ApprovalStatus.PENDING

    @property
    def speaker_display(self) -> str:
        return self.speaker.name if self.speaker_id else self.speaker_name


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class ActivityKind(models.Model):
    """Every kind a record counts as, its own included: a 主题党日 held as a 支部党员大会 has two rows.

    Counting ``ActivityKind`` rows grouped by kind gives a period's figures in one query. The
    record's branch, date and party group are copied here so that the roll-up's monthly counts for
    hundreds of branches read one index instead of joining every record of the year (measured at
    300 branches: 135 ms → 31 ms of SQL). ``Activity.save`` keeps the copies in step; code that
    creates rows in bulk builds them with ``ActivityKind.of``.
    """

    activity = models.ForeignKey(Activity, verbose_name="工作记录", on_delete=models.CASCADE, related_name="counted_kinds")
    kind = models.CharField("计入类型", max_length=30, choices=kind_choices)
    branch = models.ForeignKey(
        Organisation, verbose_name="党支部", on_delete=models.CASCADE, related_name="+", editable=False
    )
    date = models.DateField("日期", editable=False)
    party_group = models.ForeignKey(
        PartyGroup, verbose_name="党小组", null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        verbose_name = "计入类型"
        verbose_name_plural = "计入类型"
        constraints = [models.UniqueConstraint(fields=["activity", "kind"], name="unique_activity_kind")]
        indexes = [
            models.Index(fields=["kind", "activity"]),
            # Covers the monthly counts: an index-only scan by branch and date.
            models.Index(fields=["branch", "date", "kind", "party_group"], name="activitykind_branch_date"),
        ]

    def __str__(self) -> str:
        return KINDS[self.kind].label

    def save(self, *args, **kwargs):
        if self.date is None:  # created without the copies (ActivityKind.objects.create(activity=…, kind=…))
            self.branch_id, self.date = self.activity.branch_id, self.activity.date
            self.party_group_id = self.activity.party_group_id
        super().save(*args, **kwargs)

    @classmethod
    def of(cls, activity: "Activity", kind: str) -> "ActivityKind":
        return cls(
            activity=activity,
            kind=kind,
            branch_id=activity.branch_id,
            date=activity.date,
            party_group_id=activity.party_group_id,
        )


class Attendance(models.Model):
    activity = models.ForeignKey(Activity, verbose_name="工作记录", on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, verbose_name="党员", on_delete=models.PROTECT, related_name="attendance")
    present = models.BooleanField("出席", default=True)
    absence_reason = models.CharField("缺席原因", max_length=100, blank=True)

    # How an absence with no reason recorded is printed and shown, everywhere alike.
    NO_REASON = "未说明原因"

    class Meta:
        verbose_name = "出席情况"
        verbose_name_plural = "出席情况"
        constraints = [models.UniqueConstraint(fields=["activity", "member"], name="unique_attendance")]

    def __str__(self) -> str:
        return f"{self.member} {'出席' if self.present else '缺席'}"

    @property
    def reason_text(self) -> str:
        return self.absence_reason or self.NO_REASON


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never uses the uploaded name: it is kept in original_name instead, so
    # no user-supplied text reaches the storage backend's paths.
    import uuid

    suffix = instance.extension
    return f"attachments/{instance.activity.branch_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    class Category(models.TextChoices):
        MINUTES = "minutes", "会议记录（纪要）"
        PHOTO = "photo", "照片"
        DOCUMENT = "document", "其他文件"

    activity = models.ForeignKey(Activity, verbose_name="工作记录", on_delete=models.CASCADE, related_name="attachments")
    category = models.CharField("类别", max_length=10, choices=Category.choices, default=Category.DOCUMENT)
    file = models.FileField("文件", upload_to=attachment_path, max_length=255)
    original_name = models.CharField("文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveBigIntegerField("大小")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def extension(self) -> str:
        from pathlib import PurePath

        return PurePath(self.original_name).suffix.lower()[:10]


class OutletQuerySet(OrganisationTreeQuerySet):
    def in_force_for(self, branch: Organisation):
        """Outlets a branch may choose: registered by the branch or any organisation above it
        (its 党总支 or 党委). ``below`` is the other way: those registered under an organisation."""
        return self.in_force_for_lineage(branch.lineage_ids)

    def in_force_for_lineage(self, lineage_ids):
        """``in_force_for`` the branch whose ``lineage_ids`` these are (top first, itself last)."""
        return self.filter(organisation_id__in=lineage_ids)


class Outlet(models.Model):
    """A publication in the registry a general branch keeps: where publicity pieces appear."""

    class Level(models.TextChoices):
        INDUSTRY = "行业", "行业"
        PROVINCIAL = "省级", "省级"
        CENTRAL = "中央", "中央"
        LOCAL = "地方", "地方"
        # A unit's own bulletin, a paper no superior registered, or a piece whose outlet is not named.
        OTHER = "其他", "内部刊物/其他"

    class Unit(models.TextChoices):
        PIECE = "篇", "篇"
        TIMES = "次", "次"

    organisation = models.ForeignKey(Organisation, verbose_name="登记单位", on_delete=models.CASCADE, related_name="outlets")
    name = models.CharField("媒体名称", max_length=100)
    level = models.CharField("级别", max_length=4, choices=Level.choices)
    unit = models.CharField("计量单位", max_length=1, choices=Unit.choices, default=Unit.PIECE)
    sort_order = models.PositiveIntegerField("排序", default=0)

    objects = OutletQuerySet.as_manager()

    class Meta:
        verbose_name = "宣传媒体"
        verbose_name_plural = "宣传媒体"
        ordering = ["sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unique_outlet_name")]

    def __str__(self) -> str:
        return self.name


class PublicityQuerySet(BranchTreeQuerySet):
    def for_branch(self, branch: Organisation):
        return self.filter(branch=branch)

    def in_period(self, period: Period):
        return self.filter(date__range=(period.start, period.end))


class PublicityEntry(models.Model):
    # No index of its own: the (branch, date) index serves every lookup by branch, and with both
    # PostgreSQL read a roll-up's half-year of publicity through the branch-only one, filtering
    # out the other years (≈ 15 ms for 300 branches against ≈ 3 ms).
    branch = models.ForeignKey(
        Organisation, verbose_name="党支部", on_delete=models.PROTECT, related_name="publicity", db_index=False
    )
    outlet = models.ForeignKey(Outlet, verbose_name="媒体", on_delete=models.PROTECT, related_name="entries")
    date = models.DateField("发布日期")
    count = models.PositiveIntegerField("数量", default=1, validators=[MinValueValidator(1)])
    title = models.CharField("标题", max_length=200)
    link = models.URLField("链接", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = PublicityQuerySet.as_manager()

    class Meta:
        verbose_name = "新闻宣传"
        verbose_name_plural = "新闻宣传"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["branch", "date"])]

    def __str__(self) -> str:
        return self.title


class ComplianceRuleQuerySet(OrganisationTreeQuerySet):
    def in_force_for(self, branch: Organisation):
        """Rules in force for a branch: per kind, the nearest organisation's rule wins over a
        rule set higher up, and any organisation's rule wins over the system default."""
        return self.in_force_for_lineage(branch.lineage_ids)

    def in_force_for_lineage(self, lineage_ids):
        """``in_force_for`` the branch whose ``lineage_ids`` these are (top first, itself last)."""
        return self.filter(Q(organisation__isnull=True) | Q(organisation_id__in=lineage_ids))


class ComplianceRule(models.Model):
    """How often a kind of meeting must be held, with the text the requirement comes from."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "每月"
        QUARTERLY = "quarterly", "每季度"
        HALF_YEARLY = "half_yearly", "每半年"
        YEARLY = "yearly", "每年"
        NONE = "none", "不作要求"

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="制定单位",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="compliance_rules",
        help_text="留空为系统默认规则；党总支或党委可为下属支部另定",
    )
    kind = models.CharField("会议类型", max_length=30, choices=kind_choices)
    frequency = models.CharField("频次", max_length=12, choices=Frequency.choices)
    per_party_group = models.BooleanField("每个党小组分别计算", default=False)
    source = models.CharField("依据", max_length=300)

    objects = ComplianceRuleQuerySet.as_manager()

    class Meta:
        verbose_name = "会议频次规则"
        verbose_name_plural = "会议频次规则"
        ordering = ["kind", "pk"]
        constraints = [models.UniqueConstraint(fields=["organisation", "kind"], name="unique_rule_per_org_kind")]

    def __str__(self) -> str:
        return f"{KINDS[self.kind].label} {self.get_frequency_display()}"
