"""Services of the organisation tree, for administrators (组织员) in the app, Django admin and the
setup workbook: which level may sit under which, creating, renaming, closing and reopening.

Organisations are closed (撤销), never deleted: a closed branch keeps its records, reports and
audit log, readable as before; it drops out of the lists where new work is done (``not_closed()``).
Every change is an ORM save, so django-auditlog records it (an organisation's row belongs to its
parent's log: the level above manages it).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, QuerySet

from .accounts import accounts_below
from .models import Member, Organisation, PartyGroup, Role
from .periods import chinese_date
from .signals import organisations_created

Level = Organisation.Level

# Which levels may be placed directly under which: 党委 → 党总支 or 党支部 (or a 党委 of a unit
# below it); 党总支 → 党支部.
CHILD_LEVELS = {
    Level.COMMITTEE: [Level.GENERAL_BRANCH, Level.BRANCH, Level.COMMITTEE],
    Level.GENERAL_BRANCH: [Level.BRANCH],
    Level.BRANCH: [],
}
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CODE_MAX = 30
NAME_MAX = 100


class OrganisationProblem(ValueError):
    """A change that cannot be made, in words for the administrator."""


def parent_problem(level: str, parent: Organisation | None) -> str | None:
    """Why an organisation of ``level`` cannot sit under ``parent`` (None: a top organisation)."""
    if parent is None:
        return None if level == Level.COMMITTEE else f"{Level(level).label}必须有上级党组织"
    if level not in CHILD_LEVELS[parent.level]:
        return f"{Level(level).label}的上级不能是{parent.get_level_display()}"
    return None


def clean_code(code: str) -> str:
    """A code as stored: lower case (codes appear in addresses), or OrganisationProblem."""
    code = (code or "").strip().lower()
    if not code:
        raise OrganisationProblem("请填写代码。")
    if len(code) > CODE_MAX:
        raise OrganisationProblem(f"代码“{code}”超过{CODE_MAX}个字符。")
    if not CODE_PATTERN.match(code):
        raise OrganisationProblem(f"代码“{code}”只能包含小写字母、数字和连字符，且以字母或数字开头（如 kl、hw-1）。")
    return code


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise OrganisationProblem("请填写名称。")
    if len(name) > NAME_MAX:
        raise OrganisationProblem(f"名称超过{NAME_MAX}个字。")
    return name


@transaction.atomic
def organisation_create(*, parent: Organisation | None, name: str, code: str, level: str) -> Organisation:
    """A new organisation under ``parent`` (None: a new top 党委, for superusers only)."""
    name, code = clean_name(name), clean_code(code)
    problem = parent_problem(level, parent)
    if problem:
        raise OrganisationProblem(problem + "。")
    if parent is not None and parent.is_closed:
        raise OrganisationProblem(f"{parent.name}已撤销，不能在其下新建党组织。")
    if Organisation.objects.filter(code=code).exists():
        raise OrganisationProblem(f"代码“{code}”已被其他党组织使用，请换一个。")
    _refuse_sibling_name(parent, name)
    organisation = Organisation.objects.create(parent=parent, name=name, code=code, level=level)
    organisations_created.send(sender=Organisation, organisations=[organisation])
    return organisation


def _refuse_sibling_name(parent: Organisation | None, name: str, *, exclude: Organisation | None = None) -> None:
    """Two organisations of one name under one parent could not be told apart in any list."""
    siblings = Organisation.objects.filter(parent=parent, name=name)
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    if siblings.exists():
        where = parent.name if parent else "最上级"
        raise OrganisationProblem(f"{where}下已有名为“{name}”的党组织。")


@transaction.atomic
def organisation_update(*, organisation: Organisation, name: str, addressee: str) -> bool:
    """Rename (名称) and set the report addressee (报告主送单位); True when something changed."""
    name = clean_name(name)
    addressee = " ".join((addressee or "").split())
    if len(addressee) > 100:
        raise OrganisationProblem("报告主送单位超过100个字。")
    if (organisation.name, organisation.addressee) == (name, addressee):
        return False
    _refuse_sibling_name(organisation.parent, name, exclude=organisation)
    organisation.name, organisation.addressee = name, addressee
    organisation.save(update_fields=["name", "addressee"])
    return True


def open_children(organisation: Organisation) -> list[Organisation]:
    return list(Organisation.objects.filter(parent=organisation).not_closed().order_by("name"))


@transaction.atomic
def organisation_close(*, organisation: Organisation, on: datetime.date) -> None:
    """Close (撤销) ``organisation`` on ``on``. Everything below must be closed first, so that no
    open branch is left under a closed 党总支."""
    if organisation.is_closed:
        raise OrganisationProblem(f"{organisation.name}已于{chinese_date(organisation.closed_on)}撤销。")
    children = open_children(organisation)
    if children:
        names = "、".join(child.name for child in children[:5]) + ("等" if len(children) > 5 else "")
        raise OrganisationProblem(f"{organisation.name}下还有未撤销的党组织（{names}），请先撤销或将其转到其他上级。")
    organisation.closed_on = on
    organisation.save(update_fields=["closed_on"])


@transaction.atomic
def organisation_reopen(*, organisation: Organisation) -> None:
    """Undo a close (a mistake, or a branch re-established)."""
    if organisation.parent_id and organisation.parent.is_closed:
        raise OrganisationProblem(f"上级{organisation.parent.name}已撤销，请先恢复上级。")
    organisation.closed_on = None
    organisation.save(update_fields=["closed_on"])


# --- what the administrator's pages show ------------------------------------------------------------


def _counts(queryset: QuerySet, field: str) -> dict[int, int]:
    return dict(queryset.values_list(field).annotate(count=Count("pk")).order_by().values_list(field, "count"))


@dataclass
class TreeOverview:
    """The organisations in ``scope`` in tree order, open ones each with ``member_count``,
    ``group_count``, ``account_count`` and ``indent`` (its depth below the scope)."""

    units: list[Organisation]
    closed_units: list[Organisation]
    account_total: int  # active accounts holding a role in the scope
    branches_without_secretary: list[Organisation]

    @property
    def branches(self) -> list[Organisation]:
        return [unit for unit in self.units if unit.is_branch]

    @property
    def member_total(self) -> int:
        return sum(unit.member_count for unit in self.branches)


def organisation_tree(*, scope: Organisation) -> TreeOverview:
    """Everything below ``scope`` with its figures. A fixed number of queries."""
    units = list(Organisation.objects.below(scope).select_related("parent").order_by("path"))
    # One grouped count each (joining all three would multiply the rows).
    members = _counts(Member.objects.active().below(scope), "branch")
    groups = _counts(
        PartyGroup.objects.below(scope).filter(dissolved_on__isnull=True), "branch"
    )
    accounts = _counts(
        Role.objects.below(scope).filter(user__is_active=True), "organisation"
    )
    for unit in units:
        unit.member_count = members.get(unit.pk, 0)
        unit.group_count = groups.get(unit.pk, 0)
        unit.account_count = accounts.get(unit.pk, 0)
        unit.indent = unit.depth - scope.depth
    open_units = [unit for unit in units if not unit.is_closed]
    branches = [unit for unit in open_units if unit.is_branch]
    return TreeOverview(
        units=open_units,
        closed_units=[unit for unit in units if unit.is_closed],
        account_total=accounts_below(scope=scope).filter(is_active=True).count(),
        branches_without_secretary=branches_without_secretary(branches),
    )


def branches_without_secretary(branches: list[Organisation]) -> list[Organisation]:
    """The branches no active account is 书记 of."""
    with_secretary = set(
        Role.objects.filter(
            organisation__in=branches, kind=Role.Kind.SECRETARY, user__is_active=True
        ).values_list("organisation_id", flat=True)
    )
    return [branch for branch in branches if branch.pk not in with_secretary]


def active_roles_below(*, organisation: Organisation) -> int:
    """Roles that active accounts hold in ``organisation`` and below it: what closing it leaves idle."""
    return Role.objects.below(organisation).filter(user__is_active=True).count()


@dataclass
class SetupProgress:
    """Where a new deployment is in its setup: the top organisations, and whether any has branches."""

    tops: list[Organisation]
    has_branches: bool

    @property
    def done(self) -> bool:
        return bool(self.tops) and self.has_branches


def setup_progress() -> SetupProgress:
    return SetupProgress(
        tops=list(Organisation.objects.filter(parent__isnull=True).order_by("name")),
        has_branches=Organisation.objects.branches().exists(),
    )
