"""Accounts: the services an administrator (组织员) uses on the accounts below their organisation —
create with an initial password, reset it, deactivate, change roles. How people are named is
``branchwork.names``; a 姓名 typed here is cleaned by ``clean_person_name`` into one whole name.

Passwords an administrator hands out are generated here, shown once, and replaced by the user's
own at their next login (``IssuedPassword``, ``branchwork.middleware.IssuedPasswordMiddleware``).
Every change is written to the audit log with the organisation it was made in, so the
administrator above sees it in 操作日志.
"""

from __future__ import annotations

import logging
import re
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, get_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet

from . import access
from .audit.models import AuditEntry
from .hashers import IssuedPasswordHasher
from .models import IssuedPassword, Organisation, Role, role_problem

logger = logging.getLogger(__name__)

User = get_user_model()

# Letters and digits nobody misreads on a slip of paper or a phone screen (no 0/O, 1/l/I).
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
USERNAME_MAX = 150


class AccountProblem(ValueError):
    """A change that cannot be made, in words for the administrator."""


def generate_password(user=None) -> str:
    """A fresh password of three groups of four (``Kq7m-X4pz-9Lrt``), easy to read out and type,
    that passes the deployment's password rules for ``user``."""
    while True:
        groups = ["".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3)]
        password = "-".join(groups)
        if not any(c.isdigit() for c in password) or not any(c.isalpha() for c in password):
            continue
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


def issued_password_hash(password: str) -> str:
    """The stored hash of an issued password: ``branchwork.hashers.IssuedPasswordHasher`` when the
    deployment lists it (a random 12-character password needs no million rounds; Django rehashes
    with the default at the first login), else the default hasher."""
    try:
        hasher = get_hasher(IssuedPasswordHasher.algorithm)
    except ValueError:  # not in PASSWORD_HASHERS (the tests' fast hasher)
        hasher = "default"
    return make_password(password, hasher=hasher)


def _log(instance, *, organisation: Organisation | None, action: int, changes: dict) -> None:
    AuditEntry.objects.log_create(
        instance,
        action=action,
        changes=changes,
        organisation_id=organisation.pk if organisation else None,
    )


def unusable_password() -> str:
    """What ``set_unusable_password`` stores (``!`` and a random tail, so no two accounts share
    it), a hundred times faster for thousands of new accounts: one ``token_urlsafe`` instead of
    forty ``secrets.choice``."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _issuer(by):
    return by if getattr(by, "pk", None) else None


def issue_password(*, user, by, organisation: Organisation | None) -> None:
    """Give ``user`` an initial password to be made and shown, once, to ``by`` when they open the
    page that shows it (``issued_password_reveal``); their old password stops working now. No
    password exists until then, so none is ever stored, not even in a session."""
    user.set_unusable_password()
    user.save(update_fields=["password"])
    IssuedPassword.objects.update_or_create(user=user, defaults={"issued_by": _issuer(by), "pending": True})
    _log(user, organisation=organisation, action=AuditEntry.Action.UPDATE, changes={"password": ["", "已发放初始密码"]})


def issued_password_reveal(*, user, by) -> str | None:
    """The initial password ``by`` issued to ``user`` and has not yet seen: made now, stored as a
    hash and returned to be shown this once (None: nothing waiting for ``by``)."""
    return issued_passwords_reveal(users=[user], by=by).get(user.pk)


def issued_passwords_reveal(*, users, by) -> dict[int, str]:
    """``issued_password_reveal`` for many accounts (a set-up workbook's): user id → password.

    Passwords are made and hashed before the write transaction opens (the slow part: about a
    millisecond each with ``IssuedPasswordHasher``), then written in bulk for the accounts still
    waiting — a second request revealing the same accounts at the same moment gets none of them."""
    waiting = set(
        IssuedPassword.objects.filter(user__in=[u.pk for u in users], pending=True, issued_by=_issuer(by)).values_list(
            "user_id", flat=True
        )
    )
    made = {user.pk: (user, generate_password(user)) for user in users if user.pk in waiting}
    hashes = {pk: issued_password_hash(password) for pk, (_user, password) in made.items()}
    with transaction.atomic():
        claimed = list(
            IssuedPassword.objects.select_for_update()
            .filter(user_id__in=list(made), pending=True, issued_by=_issuer(by))
            .values_list("user_id", flat=True)
        )
        IssuedPassword.objects.filter(user_id__in=claimed).update(pending=False)
        changed = []
        for pk in claimed:
            user = made[pk][0]
            user.password = hashes[pk]
            changed.append(user)
        User.objects.bulk_update(changed, ["password"], batch_size=500)
    return {pk: made[pk][1] for pk in claimed}


def issued_password_replaced(*, user) -> None:
    """The user has chosen their own password: the issued one's record goes."""
    IssuedPassword.objects.filter(user_id=user.pk).delete()


def clean_username(username: str) -> str:
    username = (username or "").strip()
    if not username:
        raise AccountProblem("请填写用户名。")
    if len(username) > USERNAME_MAX:
        raise AccountProblem(f"用户名不能超过{USERNAME_MAX}个字符。")
    try:
        User.username_validator(username)
    except ValidationError:
        raise AccountProblem(_UNSAFE_USERNAME.format(username=username)) from None
    return username


# User names people type and read: Latin letters, digits and . _ - only. Django's own rule takes
# any Unicode letter, so a Cyrillic і passes for an i and one account can pose as another.
_SAFE_USERNAME = re.compile(r"[A-Za-z0-9._-]+")
_UNSAFE_USERNAME = "用户名“{username}”只能使用英文字母、数字和 . _ - 符号（不能用汉字、空格、全角字符或外文字母）。"


def check_new_username(username: str) -> None:
    """A new account's user name keeps to the safe alphabet (accounts made before keep theirs)."""
    if not _SAFE_USERNAME.fullmatch(username):
        raise AccountProblem(_UNSAFE_USERNAME.format(username=username))


def clean_person_name(name: str) -> str:
    name = "".join((name or "").split())  # 李 一帅 → 李一帅: Chinese names have no spaces
    if not name:
        raise AccountProblem("请填写姓名。")
    if len(name) > 150:
        raise AccountProblem("姓名不能超过150个字。")
    return name


def _check_role(kind: str, organisation: Organisation, *, account, by) -> None:
    problem = role_problem(kind, organisation) or access.role_grant_problem(
        by, account, kind=kind, organisation=organisation
    )
    if problem:
        raise AccountProblem(problem + "。")


def _check_peer(account, by) -> None:
    """The pages check the whole rule (``access.account_change_problem``) before calling; a
    service called from elsewhere still never acts on a peer, a superior or a superuser."""
    problem = access.account_peer_problem(by, account, list(account.roles.all()))
    if problem:
        raise AccountProblem(problem + "。")


@transaction.atomic
def account_create(*, username: str, name: str, organisation: Organisation, kind: str, by):
    """A new account holding one role, its initial password waiting to be shown to ``by``."""
    username = clean_username(username)
    check_new_username(username)
    name = clean_person_name(name)
    _check_role(kind, organisation, account=None, by=by)
    if organisation.is_closed:
        raise AccountProblem(f"{organisation.name}已撤销，不能再为它新建账号。")
    if User.objects.filter(username__iexact=username).exists():
        raise AccountProblem(f"用户名“{username}”已被使用，请换一个。")
    user = User(username=username, first_name=name, last_name="", is_active=True)
    user.set_unusable_password()
    user._audit_organisation_id = organisation.pk
    user.save()
    Role.objects.create(user=user, organisation=organisation, kind=kind)
    issue_password(user=user, by=by, organisation=organisation)
    logger.info("account %s created in %s by %s", user.pk, organisation.code, getattr(by, "pk", by))
    return user


@transaction.atomic
def account_reset_password(*, user, organisation: Organisation, by) -> None:
    """A new initial password for ``user`` (forgotten, or never received), to be shown to ``by``
    once (``issued_password_reveal``); the old one stops working at once."""
    _check_peer(user, by)
    issue_password(user=user, by=by, organisation=organisation)
    logger.info("password of %s reset in %s by %s", user.pk, organisation.code, getattr(by, "pk", by))


@transaction.atomic
def account_update(*, user, name: str, organisation: Organisation) -> bool:
    """Correct the 姓名 of ``user``; True when something changed."""
    name = clean_person_name(name)
    if user.first_name == name and not user.last_name:
        return False
    user.first_name, user.last_name = name, ""
    user._audit_organisation_id = organisation.pk
    user.save(update_fields=["first_name", "last_name"])
    return True


@transaction.atomic
def account_set_active(*, user, active: bool, organisation: Organisation, by) -> None:
    """Deactivate (the account can no longer log in; its name stays on what it did) or reactivate."""
    if user.pk == getattr(by, "pk", None) and not active:
        raise AccountProblem("不能停用自己正在使用的账号。")
    if user.is_superuser:
        raise AccountProblem("系统管理员账号只能在“系统管理”中停用。")
    _check_peer(user, by)
    if user.is_active == active:
        return
    user.is_active = active
    user._audit_organisation_id = organisation.pk
    # No sessions to end: Django's ModelBackend no longer loads an inactive user, so a session
    # still open is logged out at its next request.
    user.save(update_fields=["is_active"])


@transaction.atomic
def role_add(*, user, organisation: Organisation, kind: str, by) -> Role:
    _check_role(kind, organisation, account=user, by=by)
    if organisation.is_closed:
        raise AccountProblem(f"{organisation.name}已撤销，不能再分配角色。")
    role, created = Role.objects.get_or_create(user=user, organisation=organisation, kind=kind)
    if not created:
        raise AccountProblem(f"该账号已是{organisation.name}的{role.get_kind_display()}。")
    return role


@transaction.atomic
def role_remove(*, role: Role, by) -> None:
    if not Role.objects.filter(user_id=role.user_id).exclude(pk=role.pk).exists():
        raise AccountProblem("账号至少要保留一个角色。不再使用的账号请“停用”。")
    problem = access.role_remove_problem(by, role)
    if problem:
        raise AccountProblem(problem + "。")
    role.delete()


# --- the accounts below an organisation, for its administrators -----------------------------------


def accounts_below(*, scope: Organisation) -> QuerySet:
    """Accounts holding a role somewhere in ``scope`` (the organisation or below it)."""
    return access.accounts_for_admin(scope)


ACCOUNT_STATES = ("active", "inactive", "all")


def account_search(*, scope: Organisation, query: str = "", state: str = "active") -> QuerySet:
    """The accounts of ``scope`` whose 登录名 or 姓名 contain ``query``, active, inactive or all,
    by 登录名, each with ``scope_roles``: its roles in the scope."""
    accounts = accounts_below(scope=scope)
    if query:
        accounts = accounts.filter(Q(username__icontains=query) | Q(first_name__contains=query))
    if state != "all":
        accounts = accounts.filter(is_active=state != "inactive")
    roles = Role.objects.below(scope).select_related("organisation")
    return accounts.prefetch_related(
        Prefetch("roles", queryset=roles.order_by("organisation__path"), to_attr="scope_roles")
    ).order_by("username")


def passwords_waiting(*, user_ids) -> set[int]:
    """Which of these accounts have an issued password not yet replaced by their own."""
    return set(IssuedPassword.objects.filter(user__in=list(user_ids)).values_list("user_id", flat=True))


def account_roles(*, account, scope: Organisation) -> list[Role]:
    """All the account's roles, each marked ``in_scope`` when it lies in ``scope``."""
    roles = list(Role.objects.filter(user=account).select_related("organisation").order_by("organisation__path", "kind"))
    for role in roles:
        role.in_scope = access.in_scope(role.organisation, scope)
    return roles


def account_manage_problem(*, account, scope: Organisation, roles: list[Role], by) -> str | None:
    """Why ``by``, administering ``scope``, may not rename, reset or deactivate ``account`` (None:
    they may); the rules are ``access.account_change_problem``."""
    problem = access.account_change_problem(by, account, roles=roles, scope=scope)
    return problem + "。" if problem else None


def account_home(*, roles: list[Role], scope: Organisation) -> Organisation:
    """The organisation an account's change is logged under: its first role in the scope."""
    inside = [role.organisation for role in roles if access.in_scope(role.organisation, scope)]
    return inside[0] if inside else scope
