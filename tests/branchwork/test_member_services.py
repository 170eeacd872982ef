"""The services behind the roster's member form and the administrator's account pages, called
directly: the rules they enforce hold whoever calls them, not only the pages."""

import pytest

from branchwork import access, roster
from branchwork.accounts import AccountProblem, account_manage_problem, account_roles, role_remove
from branchwork.models import Member, Role
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _member_data(**changes) -> dict:
    data = {"name": "孙浩", "gender": "男", "status": "正式党员", "joined_on": "2010-07-01", "post": ""}
    data.update(changes)
    return data


def test_member_create_saves_a_good_form_and_returns_it_without_errors(world):
    form = roster.member_create(branch=world.branch, data=_member_data(), by=world.secretary)
    assert not form.errors
    assert Member.objects.get(pk=form.instance.pk).branch == world.branch


def test_member_create_refuses_a_second_secretary_and_a_taken_name(world):
    MemberFactory(branch=world.branch, name="王建国", post=Member.Post.SECRETARY)
    form = roster.member_create(branch=world.branch, data=_member_data(name="王建国", post="书记"), by=world.secretary)
    assert "name" in form.errors and "post" in form.errors
    assert Member.objects.filter(branch=world.branch).count() == 1


def test_member_update_reads_only_the_branchs_own_members(world):
    stranger = MemberFactory(branch=world.sibling)
    with pytest.raises(Member.DoesNotExist):
        roster.member_update(branch=world.branch, pk=stranger.pk, data=_member_data(), by=world.secretary)


def test_member_update_takes_the_roster_lock_before_reading_the_member(world, monkeypatch):
    member = MemberFactory(branch=world.branch, name="李红梅")
    calls = []
    real_lock = roster.roster_lock
    monkeypatch.setattr(roster, "roster_lock", lambda **kw: calls.append("lock") or real_lock(**kw))
    real_form = roster.MemberForm
    monkeypatch.setattr(roster, "MemberForm", lambda *a, **kw: calls.append("form") or real_form(*a, **kw))
    form = roster.member_update(branch=world.branch, pk=member.pk, data=_member_data(name="李红梅"), by=world.secretary)
    assert not form.errors
    assert calls == ["lock", "form"]


def test_an_account_keeps_at_least_one_role(world):
    only = Role.objects.get(user=world.secretary)
    with pytest.raises(AccountProblem, match="至少要保留一个角色"):
        role_remove(role=only, by=world.organiser)
    assert Role.objects.filter(pk=only.pk).exists()


def test_an_account_with_a_role_outside_the_scope_is_managed_from_above(world):
    Role.objects.create(user=world.secretary, organisation=world.other_general, kind=Role.Kind.REVIEWER)
    roles = account_roles(account=world.secretary, scope=world.general)
    assert {role.in_scope for role in roles} == {True, False}
    problem = account_manage_problem(account=world.secretary, scope=world.general, roles=roles, by=world.organiser)
    assert world.other_general.name in problem


def test_an_organisation_is_changed_from_above_it_never_by_its_own_administrator(world):
    assert not access.can_change_organisation(world.organiser, world.general)
    assert access.can_change_organisation(world.organiser, world.branch)
    assert access.can_change_organisation(world.admin, world.general)
    assert not access.can_change_organisation(world.reviewer, world.branch)
