"""The one place that decides which organisations a user may see and change.

Every view loads its branch through ``branch_for_user`` (or starts its query from
``visible_branches``), so an object outside a user's reach is a 404, never a leak:

- a secretary or committee member (支委) reads and writes their own branch;
- a reviewer of an organisation (党总支/党委) reads every branch below it and writes none;
- an administrator (组织员) of a 党委 or 党总支 manages the organisations, party groups and
  accounts below it in the app (``organisation_for_admin``), keeps the rosters of its branches
  (``roster_branch_for_user``) and reads their records, writing none of them;
- a superuser reads every branch, administers every organisation, and alone enters Django admin.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import BRANCH_WRITER_ROLES, Organisation, Role, below_q
from .prepared import PreparedQuery


def _roles(user) -> list[Role]:
    """The user's roles, fetched once per request and kept on the user object."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_branchwork_roles", None)
    if cached is None:
        # With each organisation's parents: a secretary's own branch comes from here, no query,
        # and so does its lineage up to the 党委 (a report names its superiors).
        cached = [_role_of(row) for row in _ROLES.rows(user_id=user.pk)]
        user._branchwork_roles = cached
    return cached


# ``Role.objects.filter(user=…).select_related("organisation__parent__parent")`` read as rows: the
# role's fields, then its organisation's, its parent's and its parent's parent's (every request
# reads them, and building and compiling that query was ≈ 1 ms CPU of each: ``branchwork.prepared``).
_ROLE_FIELDS = tuple(field.attname for field in Role._meta.concrete_fields)
_ORGANISATION_FIELDS = tuple(field.attname for field in Organisation._meta.concrete_fields)
_LINEAGE = ("organisation", "organisation__parent", "organisation__parent__parent")
_ROLES = PreparedQuery(
    lambda user_id: Role.objects.filter(user_id=user_id).order_by("pk").values_list(
        *_ROLE_FIELDS, *(f"{path}__{name}" for path in _LINEAGE for name in _ORGANISATION_FIELDS)
    )
)


def _role_of(row: tuple) -> Role:
    """A role and its organisation's lineage from a ``_ROLES`` row, as ``select_related`` makes
    them: each organisation cached on the one below it, a missing parent cached as None."""
    width = len(_ORGANISATION_FIELDS)
    role = Role.from_db("default", _ROLE_FIELDS, row[: len(_ROLE_FIELDS)])
    below, setter = role, Role.organisation.field.set_cached_value
    for start in range(len(_ROLE_FIELDS), len(row), width):
        values = row[start : start + width]
        organisation = None if values[0] is None else Organisation.from_db("default", _ORGANISATION_FIELDS, values)
        setter(below, organisation)
        if organisation is None:
            break
        below, setter = organisation, Organisation.parent.field.set_cached_value
    return role


def writable_branch_ids(user) -> set[int]:
    return {role.organisation_id for role in _roles(user) if role.writes_branch}


def reviewed_organisations(user) -> list[Organisation]:
    return [role.organisation for role in _roles(user) if role.kind == Role.Kind.REVIEWER]


def administered_organisations(user) -> list[Organisation]:
    """The organisations the user is 组织员 of (superusers administer everything without a role)."""
    return [role.organisation for role in _roles(user) if role.administers]


def visible_branches(user) -> QuerySet[Organisation]:
    """Branches the user may read, as a queryset to build on."""
    branches = Organisation.objects.branches()
    if not user.is_authenticated:
        return branches.none()
    if user.is_superuser:
        return branches
    condition = Q(pk__in=writable_branch_ids(user))
    condition |= below_q(*reviewed_organisations(user), *administered_organisations(user))
    return branches.filter(condition)


def can_write_branch(user, branch: Organisation) -> bool:
    return branch.pk in writable_branch_ids(user)


def can_review_branch(user, branch: Organisation) -> bool:
    """Reviewers return and approve the reports of branches below their organisation."""
    return any(org.contains(branch) and org.pk != branch.pk for org in reviewed_organisations(user))


def branch_for_user(user, code: str, *, write: bool = False) -> Organisation:
    """The branch with this code if the user may see it: else 404; if ``write`` and the user only
    reads it (a reviewer, an administrator), PermissionDenied."""
    for role in _roles(user):  # the user's own branch, already loaded with the roles
        if role.writes_branch and role.organisation.code == code and role.organisation.is_branch:
            return role.organisation
    try:
        # The parent is shown on most branch pages (the branch's 党总支), so it comes along, and
        # its parent: a report names the whole lineage (``Organisation.ancestors``).
        branch = visible_branches(user).select_related("parent__parent").get(code=code)
    except Organisation.DoesNotExist:
        raise Http404("没有找到该党支部") from None
    if write and not can_write_branch(user, branch):
        raise PermissionDenied("您只能查阅该党支部的记录，不能修改")
    return branch


def reviewer_scope_for_user(user, code: str) -> Organisation:
    """An organisation the user reviews (or, for a superuser, any non-branch organisation)."""
    if user.is_authenticated and user.is_superuser:
        try:
            return Organisation.objects.exclude(level=Organisation.Level.BRANCH).get(code=code)
        except Organisation.DoesNotExist:
            raise Http404("没有找到该党组织") from None
    for organisation in reviewed_organisations(user):  # loaded with the roles, no query
        if organisation.code == code:
            return organisation
    raise Http404("没有找到该党组织")


def reviewers_of(branch: Organisation) -> QuerySet:
    """The active accounts that review ``branch``: reviewers of an organisation above it (the
    people ``can_review_branch`` lets act on its reports)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, roles__kind=Role.Kind.REVIEWER, roles__organisation_id__in=branch.ancestor_ids)
        .distinct()
    )


def writers_of(branch: Organisation) -> QuerySet:
    """The active accounts that write ``branch``: its secretaries and committee members."""
    writer_ids = Role.objects.filter(BRANCH_WRITER_ROLES, organisation=branch).values("user_id")
    return get_user_model().objects.filter(is_active=True, pk__in=writer_ids)


def own_branches(user) -> list[Organisation]:
    """The branches the user writes (as secretary or 支委), from the roles already loaded."""
    return [role.organisation for role in _roles(user) if role.writes_branch]


def home_branch_codes(user) -> list[str]:
    """Branches the user works in, for the navigation bar and the landing redirect."""
    return [role.organisation.code for role in _roles(user) if role.writes_branch]


def organisation_for_admin(user, code: str) -> Organisation:
    """The 党委 or 党总支 with this code if the user administers it (as its 组织员, or as 组织员
    of an organisation above it; a superuser administers all): else 404. A branch is administered
    from the organisation above it, so a branch's code is a 404 here too."""
    if not user.is_authenticated:
        raise Http404("没有找到该党组织")
    organisations = Organisation.objects.exclude(level=Organisation.Level.BRANCH)
    if not user.is_superuser:
        for organisation in administered_organisations(user):  # loaded with the roles, no query
            if organisation.code == code:
                return organisation
        roots = administered_organisations(user)
        if not roots:
            raise Http404("没有找到该党组织")
        organisations = organisations.below(*roots)
    try:
        return organisations.get(code=code)
    except Organisation.DoesNotExist:
        raise Http404("没有找到该党组织") from None


def may_set_up(user) -> bool:
    """The first-run setup (creating a top 党委) is the superuser's alone."""
    return user.is_authenticated and user.is_superuser


def log_scope_for_user(user, code: str) -> tuple[Organisation, bool]:
    """The organisation whose 操作日志 the user may read, and whether they read it as its
    administrator: its reviewers read it, and so do its 组织员, whose changes it records. Else 404."""
    try:
        return reviewer_scope_for_user(user, code), False
    except Http404:
        return organisation_for_admin(user, code), True


def administers(user) -> bool:
    """Whether the user has any organisation to administer in the app (for the navigation)."""
    return user.is_authenticated and (user.is_superuser or bool(administered_organisations(user)))


def administers_branch(user, branch: Organisation) -> bool:
    """Whether the user administers the organisation ``branch`` belongs to (superusers: all)."""
    if user.is_authenticated and user.is_superuser:
        return True
    return any(org.contains(branch) for org in administered_organisations(user))


def can_change_organisation(user, organisation: Organisation) -> bool:
    """Renaming, closing and reopening an organisation is done from above it: by a 组织员 of an
    organisation above (not of the organisation itself), or a superuser — on the pages and in the
    set-up workbook (``None``: the command line, which may)."""
    if user is None or (user.is_authenticated and user.is_superuser):
        return True
    return any(org.contains(organisation) and org.pk != organisation.pk for org in administered_organisations(user))


def can_manage_roster(user, branch: Organisation) -> bool:
    """The roster (花名册, 党小组) is kept by the branch's own people and by its administrators."""
    return can_write_branch(user, branch) or administers_branch(user, branch)


def roster_branch_for_user(user, code: str, *, write: bool = False) -> Organisation:
    """``branch_for_user`` for the roster pages: administrators above the branch write it too."""
    branch = branch_for_user(user, code)
    if write and not can_manage_roster(user, branch):
        raise PermissionDenied("您只能查阅该党支部的花名册，不能修改")
    return branch


# --- accounts: who may manage whom ----------------------------------------------------------------
#
# A 组织员 manages the accounts of the organisations below them, never their own powers nor those
# of their peers: the rules below are the only place that says so, for the accounts pages
# (``org_views`` through ``accounts``) and the set-up workbook (``org_import``) alike. A user of
# ``None`` is the command line (``manage.py import_org``), which may do everything.

_SENIOR_KINDS = (Role.Kind.REVIEWER, Role.Kind.ADMINISTRATOR)


def in_scope(organisation, scope: Organisation) -> bool:
    """Whether ``organisation`` is ``scope`` or below it. An organisation not yet created (a row of
    the set-up workbook, no path) is created below the scope, so it is inside."""
    return not getattr(organisation, "path", "") or scope.contains(organisation)


def administers_above(user, organisation) -> bool:
    """Whether ``user`` is 组织员 of an organisation strictly above ``organisation`` (superusers
    are above everything). What a 组织员 grants or takes away must lie below their own level."""
    if user is None or user.is_superuser:
        return True
    if not getattr(organisation, "path", ""):  # a workbook row: it will be created below the organisation administered
        return bool(administered_organisations(user))
    return any(org.contains(organisation) and org.pk != organisation.pk for org in administered_organisations(user))


def accounts_for_admin(scope: Organisation) -> QuerySet:
    """The accounts an administrator of ``scope`` sees: those holding a role in ``scope`` or below.
    An account with no role at all belongs to no organisation: only Django admin reaches it."""
    return get_user_model().objects.filter(below_q(scope, via="roles__organisation")).distinct()


def account_peer_problem(user, account, roles) -> str | None:
    """Why ``user`` may not act on ``account`` at all: a superuser, or a 组织员 or 审阅人 of the
    user's own level or above (peer takeover: reset their password, log in as them)."""
    if user is None or user.is_superuser:
        return None
    if account.is_superuser:
        return "系统管理员账号请在“系统管理”中办理"
    if account.pk == user.pk:
        return None
    for role in roles:
        if role.kind in _SENIOR_KINDS and not administers_above(user, role.organisation):
            return (
                f"该账号是{role.organisation.name}的{role.get_kind_display()}，与您同级或在您之上，"
                "请由上级组织员或系统管理员办理"
            )
    return None


def account_change_problem(user, account, *, roles, scope: Organisation) -> str | None:
    """Why ``user``, on the pages of ``scope``, may not rename ``account``, reset its password or
    deactivate it (None: they may). ``roles``: all the account's roles, with their organisations.

    - superusers are managed in Django admin, by everyone;
    - an account with a role outside ``scope`` by an administrator both organisations share, and
      one with no role by a superuser in Django admin (it belongs to no organisation);
    - a 组织员 or 审阅人 of the user's own organisation or above, only from above."""
    if account.is_superuser:
        return "系统管理员账号请在“系统管理”中办理"
    if not roles:
        return "该账号没有任何角色，请由系统管理员在“系统管理”中办理"
    outside = [role.organisation.name for role in roles if not in_scope(role.organisation, scope)]
    if outside:
        return f"该账号在{'、'.join(outside)}也有角色，其姓名、密码和停用请由共同的上级组织员或系统管理员办理"
    return account_peer_problem(user, account, roles)


def role_grant_problem(user, account, *, kind: str, organisation) -> str | None:
    """Why ``user`` may not give ``account`` (None: a new account) the role ``kind`` in
    ``organisation`` (None: they may). ``organisation`` may be a workbook row not yet created.

    - nobody gives themself a role (a 组织员 making themself 支部书记 or 审阅人);
    - 组织员 and 审阅人 are appointed from above: a 组织员 appoints them only below their own level;
    - a superuser's roles, and those of a peer or superior, are not the user's to change."""
    if user is None:
        return None
    if account is not None and account.pk == user.pk and not user.is_superuser:
        return "不能给自己分配角色，请由上级组织员或系统管理员办理"
    if kind in _SENIOR_KINDS and not administers_above(user, organisation):
        return f"{Role.Kind(kind).label}由上级组织员或系统管理员设立，您只能在下级组织设立"
    if account is not None:
        return account_peer_problem(user, account, list(account.roles.all()))
    return None


def role_remove_problem(user, role: Role) -> str | None:
    """Why ``user`` may not take ``role`` away (None: they may): not their own 组织员 role, nor a
    role of their own level or above, nor any role of a superuser or of a peer."""
    if user is None:
        return None
    if role.user_id == user.pk and role.administers:
        return "不能撤销自己的组织员角色，请由上级组织员或系统管理员办理"
    if role.kind in _SENIOR_KINDS and not administers_above(user, role.organisation):
        return f"{role.organisation.name}的{role.get_kind_display()}由上级组织员或系统管理员撤销"
    account = role.user
    return account_peer_problem(user, account, list(account.roles.all()))


# --- inspection (迎检): the 党委's standard and the chain of a branch's self-score ----------------
#
# A standard (考核细则) is published by a 党委 and read below it: its pages answer for any
# organisation above the branches, showing the standard of that organisation's 党委. The 组织员 of
# the 党委 (or of an organisation above it, or a superuser) write it; the reviewers and 组织员 of
# the organisations below read it. A branch's self-score is written by its secretary and 支委, then
# adjusted by the reviewers of its 党总支 (the 党委's, for a branch directly under a 党委), then
# re-checked by the reviewers of its 党委.


def committee_of(organisation: Organisation) -> Organisation | None:
    """The 党委 an organisation belongs to: itself, or the nearest 党委 above it."""
    if organisation.level == Organisation.Level.COMMITTEE:
        return organisation
    return next((org for org in organisation.ancestors() if org.level == Organisation.Level.COMMITTEE), None)


def standard_scope_for_user(user, code: str, *, write: bool = False) -> tuple[Organisation, Organisation]:
    """(the organisation of ``code``, its 党委) if the user reviews or administers the organisation:
    else 404. ``write``: PermissionDenied unless the user administers the 党委 itself."""
    try:
        organisation = reviewer_scope_for_user(user, code)
    except Http404:
        organisation = organisation_for_admin(user, code)
    committee = committee_of(organisation)
    if committee is None:
        raise Http404("该党组织不属于任何党委")
    if write and not may_edit_standard(user, committee):
        raise PermissionDenied("考核细则由党委组织员维护，您只能查阅")
    return organisation, committee


def may_edit_standard(user, committee: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or any(org.contains(committee) for org in administered_organisations(user))


def inspection_steps(user, branch: Organisation) -> set[str]:
    """The steps of the self-score chain the user acts in for ``branch``: "self" (its secretary and
    支委), "review" (the reviewers of its 党总支 — of its 党委 when no 党总支 is between) and
    "recheck" (the reviewers of its 党委). Superusers read and act in none."""
    steps = {"self"} if can_write_branch(user, branch) else set()
    above = [org for org in reviewed_organisations(user) if org.contains(branch) and org.pk != branch.pk]
    if not above:
        return steps
    has_general = any(org.level == Organisation.Level.GENERAL_BRANCH for org in branch.ancestors())
    for org in above:
        if org.level == Organisation.Level.COMMITTEE:
            steps.add("recheck")
            if not has_general:
                steps.add("review")
        elif org.level == Organisation.Level.GENERAL_BRANCH:
            steps.add("review")
    return steps
