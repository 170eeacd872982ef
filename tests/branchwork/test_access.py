import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from branchwork import access


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
