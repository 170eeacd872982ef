import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from branchwork import access
from branchwork.models import Role
from tests.factories import RoleFactory, UserFactory


def test_secretary_sees_only_their_branch(world):
    assert list(access.visible_branches(world.secretary)) == [world.branch]


def test_reviewer_sees_every_branch_below_and_no_other(world):
    assert set(access.visible_branches(world.reviewer)) == {world.branch, world.sibling}


def test_committee_reviewer_sees_all_branches_below(world, django_user_model):
    from branchwork.models import Role
    from tests.factories import RoleFactory, UserFactory

    top = UserFactory(username="top")
    RoleFactory(user=top, organisation=world.committee, kind=Role.Kind.REVIEWER)
    assert set(access.visible_branches(top)) == {world.branch, world.sibling, world.far}


def test_outsider_gets_404_for_another_branch(world):
    with pytest.raises(Http404):
        access.branch_for_user(world.sibling_secretary, "kl")


def test_reviewer_may_read_but_not_write(world):
    assert access.branch_for_user(world.reviewer, "kl") == world.branch
    with pytest.raises(PermissionDenied):
        access.branch_for_user(world.reviewer, "kl", write=True)


def test_reviewer_reviews_branches_below_only(world):
    assert access.can_review_branch(world.reviewer, world.branch)
    assert not access.can_review_branch(world.outsider_reviewer, world.branch)
    assert not access.can_review_branch(world.secretary, world.branch)


def test_committee_member_writes_own_branch(world):
    assert access.branch_for_user(world.member, "kl", write=True) == world.branch


def test_moving_a_branch_moves_its_scope(world):
    world.sibling.parent = world.other_general
    world.sibling.save()
    assert set(access.visible_branches(world.outsider_reviewer)) == {world.far, world.sibling}


# --- accounts: who may manage whom (one test per rule of access.py) -----------------------------


def _organiser_of(org, username):
    user = UserFactory(username=username)
    RoleFactory(user=user, organisation=org, kind=Role.Kind.ADMINISTRATOR)
    return user


def _roles(user):
    return list(Role.objects.filter(user=user).select_related("organisation"))


def test_nobody_but_a_superuser_grants_themself_a_role(world):
    problem = access.role_grant_problem(world.organiser, world.organiser, kind=Role.Kind.SECRETARY, organisation=world.branch)
    assert "不能给自己分配角色" in problem
    assert access.role_grant_problem(world.admin, world.admin, kind=Role.Kind.SECRETARY, organisation=world.branch) is None


def test_reviewers_and_organisers_are_appointed_only_below_the_appointers_level(world):
    for kind in (Role.Kind.REVIEWER, Role.Kind.ADMINISTRATOR):
        assert access.role_grant_problem(world.organiser, world.secretary, kind=kind, organisation=world.general)
        assert access.role_grant_problem(world.organiser, None, kind=kind, organisation=world.general)
    top = _organiser_of(world.committee, "top")
    assert access.role_grant_problem(top, world.secretary, kind=Role.Kind.REVIEWER, organisation=world.general) is None
    assert access.role_grant_problem(world.organiser, world.member, kind=Role.Kind.SECRETARY, organisation=world.sibling) is None


def test_a_peer_or_superior_is_neither_changed_nor_given_roles(world):
    peer = _organiser_of(world.general, "peer")
    assert "同级或在您之上" in access.account_change_problem(world.organiser, peer, roles=_roles(peer), scope=world.general)
    assert "同级或在您之上" in access.account_change_problem(
        world.organiser, world.reviewer, roles=_roles(world.reviewer), scope=world.general
    )
    assert access.role_grant_problem(world.organiser, peer, kind=Role.Kind.COMMITTEE, organisation=world.branch)
    top = _organiser_of(world.committee, "top")
    assert access.account_change_problem(top, peer, roles=_roles(peer), scope=world.committee) is None


def test_a_superusers_account_and_roles_are_not_an_organisers(world):
    RoleFactory(user=world.admin, organisation=world.sibling, kind=Role.Kind.COMMITTEE)
    roles = _roles(world.admin)
    assert "系统管理员" in access.account_change_problem(world.organiser, world.admin, roles=roles, scope=world.general)
    assert "系统管理员" in access.role_grant_problem(world.organiser, world.admin, kind=Role.Kind.SECRETARY, organisation=world.branch)
    assert "系统管理员" in access.role_remove_problem(world.organiser, roles[0])


def test_an_account_with_no_role_belongs_to_no_administrator(world):
    """The two old checks disagreed here: the accounts list hid such an account, the manage check
    let it through. Now neither the list nor the rule gives it to an administrator."""
    orphan = UserFactory(username="orphan")
    assert orphan not in access.accounts_for_admin(world.general)
    assert orphan not in access.accounts_for_admin(world.committee)
    assert access.account_change_problem(world.admin, orphan, roles=[], scope=world.committee)


def test_an_account_with_a_role_outside_the_scope_is_changed_from_the_common_organisation(world):
    RoleFactory(user=world.secretary, organisation=world.far, kind=Role.Kind.COMMITTEE)
    roles = _roles(world.secretary)
    assert world.far.name in access.account_change_problem(world.organiser, world.secretary, roles=roles, scope=world.general)
    top = _organiser_of(world.committee, "top")
    assert access.account_change_problem(top, world.secretary, roles=roles, scope=world.committee) is None


def test_nobody_takes_away_their_own_organiser_role_or_a_role_of_their_level(world):
    own = Role.objects.get(user=world.organiser)
    assert "不能撤销自己的组织员角色" in access.role_remove_problem(world.organiser, own)
    reviewer = Role.objects.get(user=world.reviewer)
    assert "由上级组织员或系统管理员撤销" in access.role_remove_problem(world.organiser, reviewer)
    secretary = Role.objects.get(user=world.secretary)
    assert access.role_remove_problem(world.organiser, secretary) is None


def test_the_command_line_may_do_everything(world):
    assert access.role_grant_problem(None, world.organiser, kind=Role.Kind.ADMINISTRATOR, organisation=world.committee) is None
    assert access.role_remove_problem(None, Role.objects.get(user=world.organiser)) is None


def test_the_reviewers_of_a_branch_are_those_above_it_and_active(world):
    assert set(access.reviewers_of(world.branch)) == {world.reviewer}
    assert set(access.reviewers_of(world.far)) == {world.outsider_reviewer}
    world.reviewer.is_active = False
    world.reviewer.save(update_fields=["is_active"])
    assert not access.reviewers_of(world.branch).exists()


def test_the_writers_of_a_branch_are_its_secretaries_and_committee_members(world):
    assert set(access.writers_of(world.branch)) == {world.secretary, world.member}
    assert access.own_branches(world.member) == [world.branch]
    assert access.own_branches(world.reviewer) == []


def test_only_a_superuser_sets_up_a_deployment(world):
    assert access.may_set_up(world.admin)
    assert not any(access.may_set_up(u) for u in (world.organiser, world.reviewer, world.secretary))


def test_an_organisation_is_renamed_from_above_on_the_pages_and_in_the_workbook_alike(world):
    assert access.can_change_organisation(None, world.general)  # the command line
    top = _organiser_of(world.committee, "top")
    assert access.can_change_organisation(top, world.general)
    assert not access.can_change_organisation(world.organiser, world.general)


def test_an_organisations_log_is_read_by_its_reviewers_and_administrators(world):
    assert access.log_scope_for_user(world.reviewer, "hw") == (world.general, False)
    assert access.log_scope_for_user(world.organiser, "hw") == (world.general, True)
    for user in (world.secretary, world.outsider_reviewer):
        with pytest.raises(Http404):
            access.log_scope_for_user(user, "hw")
