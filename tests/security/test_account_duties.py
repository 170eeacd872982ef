"""Separation of duties on the administrator's pages and in the set-up workbook: the permission
matrix's neighbour for accounts, as actor–target pairs.

The matrix (``test_permission_matrix.py``) attacks every URL with every role on one target; here
the 组织员 of hw acts on every kind of account below hw — themself, a second 组织员 of hw (a
peer), hw's reviewer (same level), a superuser holding a role in a branch of hw, a secretary
below — and the 组织员 of the 党委 above acts on the same peers (allowed: from above). Refused
means the database does not change; allowed means it does.

    actor \\ target       self   peer 组织员   hw reviewer   superuser   secretary below
    hw 组织员 reset        (own page)  403        403           403         served
    hw 组织员 deactivate   refused     403        403           403         served
    hw 组织员 rename       served      403        403           403         served
    hw 组织员 add role     refused     refused    refused       refused     served
    hw 组织员 remove role  refused     refused    refused       refused     served
    党委 组织员 (above)     —          served     served        403/refused served
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from branchwork.models import Role
from tests.factories import RoleFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@dataclass
class Cast:
    top_organiser: object  # 组织员 of the 党委 above hw
    peer: object  # a second 组织员 of hw
    superuser: object  # a superuser who is also 支委 of a branch of hw


def _cast(world) -> Cast:
    top = UserFactory(username="top_organiser")
    RoleFactory(user=top, organisation=world.committee, kind=Role.Kind.ADMINISTRATOR)
    peer = UserFactory(username="peer_organiser")
    RoleFactory(user=peer, organisation=world.general, kind=Role.Kind.ADMINISTRATOR)
    superuser = User.objects.create_superuser("root2", "root2@example.com", "pass-word-123")
    RoleFactory(user=superuser, organisation=world.sibling, kind=Role.Kind.COMMITTEE)
    return Cast(top, peer, superuser)


def _state(user) -> tuple:
    user = User.objects.get(pk=user.pk)
    roles = tuple(sorted(Role.objects.filter(user=user).values_list("organisation__code", "kind")))
    return user.password, user.is_active, user.first_name, roles


def _act(client, action: str, scope_code: str, target, world) -> object:
    def url(name, *args):
        return reverse(f"orgadmin:{name}", args=[scope_code, target.pk, *args])

    if action == "reset":
        return client.post(url("account_password"))
    if action == "deactivate":
        return client.post(url("account_active"), {"active": "0"})
    if action == "rename":
        return client.post(url("account_detail"), {"name-name": "改过的名字"})
    if action == "add_role":
        return client.post(url("role_create"), {"role-organisation": world.branch.pk, "role-kind": "committee"})
    if action == "remove_role":
        # The target holds a second role (given by the test): the first one is taken away.
        role = Role.objects.filter(user=target).exclude(organisation=world.branch, kind=Role.Kind.COMMITTEE).first()
        return client.post(url("role_delete", role.pk))
    raise AssertionError(action)


ACTIONS = ("reset", "deactivate", "rename", "add_role", "remove_role")

# (actor, target) → the actions that must change the account; every other action must not.
PAIRS = {
    ("organiser", "organiser"): {"rename"},
    ("organiser", "peer"): set(),
    ("organiser", "reviewer"): set(),
    ("organiser", "superuser"): set(),
    ("organiser", "secretary"): set(ACTIONS),
    ("top_organiser", "peer"): set(ACTIONS),
    ("top_organiser", "reviewer"): set(ACTIONS),
    ("top_organiser", "superuser"): set(),
    ("top_organiser", "secretary"): set(ACTIONS),
}


def _people(world, cast) -> dict:
    return {
        "organiser": world.organiser,
        "top_organiser": cast.top_organiser,
        "peer": cast.peer,
        "reviewer": world.reviewer,
        "superuser": cast.superuser,
        "secretary": world.secretary,
    }


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(("actor", "target"), list(PAIRS), ids=[f"{a}-on-{t}" for a, t in PAIRS])
def test_an_administrator_manages_only_accounts_below_their_own_level(world, client, actor, target, action):
    cast = _cast(world)
    people = _people(world, cast)
    client.force_login(people[actor])
    scope = "center" if actor == "top_organiser" else "hw"
    target_user = people[target]
    if action == "remove_role":  # an account keeps one role: give it a second one first
        Role.objects.get_or_create(user=target_user, organisation=world.branch, kind=Role.Kind.COMMITTEE)
    before = _state(target_user)
    response = _act(client, action, scope, target_user, world)
    allowed = action in PAIRS[(actor, target)]
    assert response.status_code in (302, 403), response.status_code
    if allowed:
        assert response.status_code == 302
        assert _state(target_user) != before, f"{actor} could not {action} {target}"
    else:
        assert _state(target_user) == before, f"{actor} could {action} {target}"
        if action in ("reset", "deactivate", "rename") and target != "organiser":
            assert response.status_code == 403


def test_the_refusals_say_why_in_chinese(world, client):
    cast = _cast(world)
    client.force_login(world.organiser)
    page = client.get(reverse("orgadmin:account_detail", args=["hw", cast.peer.pk]))
    assert "与您同级或在您之上" in page.content.decode()
    response = client.post(
        reverse("orgadmin:role_create", args=["hw", world.organiser.pk]),
        {"role-organisation": world.branch.pk, "role-kind": "secretary"},
        follow=True,
    )
    assert "不能给自己分配角色" in response.content.decode()
    response = client.post(
        reverse("orgadmin:role_create", args=["hw", world.secretary.pk]),
        {"role-organisation": world.general.pk, "role-kind": "reviewer"},
        follow=True,
    )
    assert "审阅人（上级党组织）由上级组织员或系统管理员设立" in response.content.decode()
    assert not Role.objects.filter(user=world.secretary, kind=Role.Kind.REVIEWER).exists()


def test_a_new_account_made_by_an_administrator_is_never_a_reviewer_of_their_own_level(world, client):
    client.force_login(world.organiser)
    data = {"username": "new_rev", "name": "新审阅", "organisation": world.general.pk, "kind": "reviewer"}
    response = client.post(reverse("orgadmin:account_create", args=["hw"]), data)
    assert response.status_code == 200 and not User.objects.filter(username="new_rev").exists()
    assert "由上级组织员或系统管理员设立" in response.content.decode()
    client.force_login(_cast(world).top_organiser)
    response = client.post(reverse("orgadmin:account_create", args=["center"]), data)
    assert response.status_code == 302
    assert Role.objects.filter(user__username="new_rev", organisation=world.general, kind=Role.Kind.REVIEWER).exists()
