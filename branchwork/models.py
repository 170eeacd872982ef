"""The organisation core: the party-organisation tree, party groups, the roster, and roles.

Who may see what is decided in ``branchwork.access``; models only describe the data.
"""

import datetime
import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from .names import person_label

# --- "below an organisation": the one place that spells it --------------------------------------
#
# An organisation's ``path`` ("/1/4/9/") lists the ids from the top down, so what lies at or under
# an organisation is one prefix match. Everything else says it in these words: ``a.contains(b)``
# for two organisations in hand, ``.below(scope)`` on the queryset of anything that hangs off the
# tree (organisations, roles, members, party groups, records, publicity, reports, outlets, rules),
# and ``below_q(scope, via=...)`` where a condition is combined (an OR of scopes, a Count filter).
# ``tests/ops/test_tree_dialect.py`` keeps the raw prefix match out of every other module.


def path_contains(outer: str, inner: str) -> bool:
    """Whether the organisation at path ``inner`` is the one at ``outer`` or below it (an
    organisation not saved yet has no path and is below nothing)."""
    return bool(outer) and bool(inner) and inner.startswith(outer)


def open_during_q(start: datetime.date) -> Q:
    """What ``OrganisationQuerySet.open_during`` keeps, as a condition to combine with others."""
    return Q(closed_on__isnull=True) | Q(closed_on__gte=start)


def below_q(*scopes: "Organisation", via: str = "") -> Q:
    """What lies at or below any of ``scopes``: ``via`` is the lookup from the model to its
    organisation (``"branch"``, ``"organisation"``; empty for organisations themselves)."""
    lookup = f"{via}__path__startswith" if via else "path__startswith"
    condition = Q(pk__in=[])
    for scope in scopes:
        condition |= Q(**{lookup: scope.path})
    return condition


class TreeQuerySet(models.QuerySet):
    """A queryset of things that hang off the tree from ``tree_field`` (their organisation)."""

    tree_field = ""

    def below(self, *scopes: "Organisation"):
        """Those at any of ``scopes`` or under it (none for no scope)."""
        return self.filter(below_q(*scopes, via=self.tree_field))


class BranchTreeQuerySet(TreeQuerySet):
    tree_field = "branch"


class OrganisationTreeQuerySet(TreeQuerySet):
    tree_field = "organisation"


class OrganisationQuerySet(TreeQuerySet):
    def branches(self):
        return self.filter(level=Organisation.Level.BRANCH)

    def not_closed(self):
        """Organisations not closed (撤销): the ones new work, accounts and rosters go to."""
        return self.filter(closed_on__isnull=True)

    def open_during(self, start: datetime.date):
        """Organisations not closed before ``start``: those a period from ``start`` still concerns."""
        return self.filter(open_during_q(start))


class Organisation(models.Model):
    """One node of 党委 → 党总支 → 党支部. ``path`` ("/1/4/9/") makes subtree queries one LIKE."""

    class Level(models.TextChoices):
        COMMITTEE = "committee", "党委"
        GENERAL_BRANCH = "general", "党总支"
        BRANCH = "branch", "党支部"

    name = models.CharField("名称", max_length=100)
    code = models.SlugField(
        "代码",
        max_length=30,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9][a-z0-9-]*$", "代码只能包含小写字母、数字和连字符")],
        help_text="网址中使用的简短代码，如 kl",
    )
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级组织", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField("树路径", max_length=255, editable=False, db_index=True, default="")
    # Changes with anything the branch's figures are computed from; keys their cached copies
    # (see branchwork.figures).
    figures_version = models.UUIDField("数字版本", default=uuid.uuid4, editable=False)
    addressee = models.CharField(
        "报告主送单位",
        max_length=100,
        blank=True,
        help_text="半年总结的主送机关，留空则为上级组织名称",
    )
    # Closed (撤销), never deleted: the records, reports and audit log of a closed branch are kept
    # and stay readable; it drops out of the lists where new work is done.
    closed_on = models.DateField("撤销日期", null=True, blank=True, help_text="党组织撤销后保留全部记录，仅不再出现在日常名单中")

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if path != self.path:
            old = self.path
            self.path = path
            super().save(update_fields=["path"])
            if old:
                # Moving a node moves its subtree: rewrite descendants' path prefixes.
                for child in Organisation.objects.filter(path__startswith=old).exclude(pk=self.pk):
                    child.path = path + child.path[len(old) :]
                    child.save(update_fields=["path"])

    def contains(self, other: "Organisation") -> bool:
        """Whether ``other`` is this organisation or lies below it."""
        return path_contains(self.path, getattr(other, "path", ""))

    @property
    def is_branch(self) -> bool:
        return self.level == self.Level.BRANCH

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @property
    def depth(self) -> int:
        """0 for a top organisation, 1 below it, …: from the path, no query."""
        return max(self.path.strip("/").count("/"), 0)

    @property
    def report_addressee(self) -> str:
        if self.addressee:
            return self.addressee
        return self.parent.name if self.parent_id else ""

    @property
    def lineage_ids(self) -> list[int]:
        """Ids from the top of the tree down to this organisation itself, read off ``path``."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids of the organisations above this one, top first."""
        return self.lineage_ids[:-1]

    def ancestors(self) -> list["Organisation"]:
        """Nearest first. No query when the parents up to the top came along with this
        organisation (``access`` loads a branch with two levels of parents: the whole
        党委 → 党总支 → 党支部 tree); else one query: the ids are in the path."""
        chain, node = [], self
        while node.parent_id is not None and Organisation.parent.is_cached(node):
            node = node.parent
            chain.append(node)
        if node.parent_id is None:
            return chain
        ids = self.ancestor_ids
        by_id = {org.pk: org for org in Organisation.objects.filter(pk__in=ids)}
        return [by_id[pk] for pk in reversed(ids) if pk in by_id]


class PartyGroup(models.Model):
    branch = models.ForeignKey(
        Organisation, verbose_name="党支部", on_delete=models.CASCADE, related_name="party_groups"
    )
    name = models.CharField("名称", max_length=50)
    established_on = models.DateField("成立日期", null=True, blank=True, help_text="合规日历从此月起要求按月召开党小组会")
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)

    objects = BranchTreeQuerySet.as_manager()

    class Meta:
        verbose_name = "党小组"
        verbose_name_plural = "党小组"
        ordering = ["branch", "name"]
        constraints = [models.UniqueConstraint(fields=["branch", "name"], name="unique_group_name_per_branch")]

    def __str__(self) -> str:
        return self.name


class MemberQuerySet(BranchTreeQuerySet):
    def active(self):
        return self.filter(transferred_out_on__isnull=True)

    def voting(self):
        """正式党员 have the vote at a 支部党员大会; 预备党员 attend without it."""
        return self.filter(status=Member.Status.FULL)

    def committee(self):
        return self.exclude(post="")

    def party_members(self):
        return self.filter(status__in=[Member.Status.FULL, Member.Status.PROBATIONARY])


class Member(models.Model):
    """A row of the branch roster (花名册). No ID-card numbers: the design forbids storing them."""

    class Gender(models.TextChoices):
        MALE = "男", "男"
        FEMALE = "女", "女"

    class Status(models.TextChoices):
        FULL = "正式党员", "正式党员"
        PROBATIONARY = "预备党员", "预备党员"
        CANDIDATE = "发展对象", "发展对象"
        ACTIVIST = "入党积极分子", "入党积极分子"

    class Post(models.TextChoices):
        NONE = "", "无"
        SECRETARY = "书记", "书记"
        DEPUTY_SECRETARY = "副书记", "副书记"
        ORGANISATION = "组织委员", "组织委员"
        PUBLICITY = "宣传委员", "宣传委员"
        DISCIPLINE = "纪检委员", "纪检委员"
        YOUTH = "青年委员", "青年委员"
        COMMITTEE = "委员", "委员"

    branch = models.ForeignKey(Organisation, verbose_name="党支部", on_delete=models.PROTECT, related_name="members")
    party_group = models.ForeignKey(
        PartyGroup, verbose_name="党小组", null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=2, choices=Gender.choices)
    status = models.CharField("政治面貌", max_length=10, choices=Status.choices, default=Status.FULL)
    joined_on = models.DateField("入党（列为）日期", null=True, blank=True)
    post = models.CharField("支部职务", max_length=10, choices=Post.choices, blank=True, default="")
    # Stages of 发展党员, each dated when it happened, so a period's figures do not depend on
    # today's status. ``joined_on`` stays the date of the current status (入党 for Party members).
    activist_on = models.DateField("列为入党积极分子日期", null=True, blank=True)
    candidate_on = models.DateField("列为发展对象日期", null=True, blank=True)
    full_on = models.DateField("转为正式党员日期", null=True, blank=True)
    transferred_in_on = models.DateField("转入日期", null=True, blank=True, help_text="从其他党组织转入本支部的日期")
    transferred_from = models.CharField("转自", max_length=100, blank=True)
    transferred_out_on = models.DateField("转出日期", null=True, blank=True)
    transferred_to = models.CharField("转往", max_length=100, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "花名册"
        ordering = ["branch", "party_group__name", "name", "pk"]
        indexes = [models.Index(fields=["branch", "transferred_out_on"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.transferred_out_on is None

    @property
    def is_committee(self) -> bool:
        return bool(self.post)


class Role(models.Model):
    """What a user is to one organisation. Several rows give several organisations."""

    class Kind(models.TextChoices):
        SECRETARY = "secretary", "支部书记"
        COMMITTEE = "committee", "支委"
        REVIEWER = "reviewer", "审阅人（上级党组织）"
        # Manages, in the app, the organisations below a 党委 or 党总支: branches, party groups,
        # accounts and roles, and the setup workbook. Reads the branches; writes none of their records.
        ADMINISTRATOR = "organiser", "组织员"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="roles")
    organisation = models.ForeignKey(Organisation, verbose_name="党组织", on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField("角色", max_length=10, choices=Kind.choices)

    objects = OrganisationTreeQuerySet.as_manager()

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "kind"], name="unique_role"),
            # Secretaries and committee members belong to a branch; checked in clean() too.
        ]

    def __str__(self) -> str:
        return f"{person_label(self.user)} · {self.organisation} · {self.get_kind_display()}"

    @property
    def writes_branch(self) -> bool:
        return self.kind in (self.Kind.SECRETARY, self.Kind.COMMITTEE)

    @property
    def administers(self) -> bool:
        return self.kind == self.Kind.ADMINISTRATOR

    def clean(self):
        from django.core.exceptions import ValidationError

        problem = role_problem(self.kind, self.organisation) if self.organisation_id else None
        if problem:
            raise ValidationError({"organisation": problem})


def role_problem(kind: str, organisation: Organisation) -> str | None:
    """Why ``kind`` cannot be held in ``organisation`` (in words for people), or None."""
    if kind in (Role.Kind.SECRETARY, Role.Kind.COMMITTEE) and not organisation.is_branch:
        return "支部书记和支委只能属于党支部"
    if kind in (Role.Kind.REVIEWER, Role.Kind.ADMINISTRATOR) and organisation.is_branch:
        return f"{Role.Kind(kind).label}只能属于党委或党总支"
    return None


BRANCH_WRITER_ROLES = Q(kind__in=[Role.Kind.SECRETARY, Role.Kind.COMMITTEE])


class IssuedPassword(models.Model):
    """A password an administrator issued (a new account's, or a reset) and showed them once: the
    user replaces it with their own at their next login, and the row goes when they have. The
    password itself is kept nowhere: it is made when the page showing it is opened
    (``pending`` until then, the account having no usable password meanwhile)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="issued_password"
    )
    issued_at = models.DateTimeField("发放时间", auto_now=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发放人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pending = models.BooleanField("待显示", default=False)

    class Meta:
        verbose_name = "初始密码"
        verbose_name_plural = "初始密码"

    def __str__(self) -> str:
        return f"{self.user}的初始密码"
