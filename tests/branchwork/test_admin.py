import pytest
from django.urls import reverse

from branchwork.models import Role
from tests.factories import MemberFactory, PartyGroupFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["organisation", "partygroup", "member", "role"])
def test_admin_lists_and_add_pages_open(world, as_user, model):
    client = as_user(world.admin)
    assert client.get(reverse(f"admin:branchwork_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:branchwork_{model}_add")).status_code == 200


def test_admin_user_page_edits_roles_inline(world, as_user):
    response = as_user(world.admin).get(reverse("admin:auth_user_change", args=[world.secretary.pk]))
    assert response.status_code == 200
    assert "角色" in response.content.decode()


def test_organisation_list_shows_the_tree_with_level_parent_and_code(world, as_user):
    content = as_user(world.admin).get(reverse("admin:branchwork_organisation_changelist")).content.decode()
    assert "└ kl所党支部" in content and "党总支" in content and ">kl<" in content


def test_admin_refuses_a_secretary_of_a_general_branch(world, as_user):
    response = as_user(world.admin).post(
        reverse("admin:branchwork_role_add"),
        {"user": world.sibling_secretary.pk, "organisation": world.general.pk, "kind": Role.Kind.SECRETARY},
    )
    assert response.status_code == 200
    assert "支部书记和支委只能属于党支部" in response.content.decode()
    assert not Role.objects.filter(user=world.sibling_secretary, organisation=world.general).exists()


def test_admin_refuses_a_party_group_of_another_branch(world, as_user):
    member = MemberFactory(branch=world.branch, name="王建国")
    foreign = PartyGroupFactory(branch=world.sibling)
    response = as_user(world.admin).post(
        reverse("admin:branchwork_member_change", args=[member.pk]),
        {
            "branch": world.branch.pk,
            "party_group": foreign.pk,
            "name": "王建国",
            "gender": "男",
            "status": "正式党员",
            "post": "",
        },
    )
    assert response.status_code == 200
    assert "不是kl所党支部的党小组" in response.content.decode()
    member.refresh_from_db()
    assert member.party_group is None


def test_admin_is_not_for_secretaries(world, as_user):
    response = as_user(world.secretary).get(reverse("admin:branchwork_member_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
