"""The outlet registry a new organisation starts with, and a branch's own outlets."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from activities.models import Outlet
from activities.outlets import (
    DEFAULT_OUTLETS,
    organisations_without_outlets,
    outlets_seed_defaults,
    unit_name,
)
from activities.publicity_forms import PublicityEntryForm
from branchwork.audit.models import AuditEntry
from branchwork.models import Organisation
from tests.factories import BranchFactory, CommitteeFactory, GeneralBranchFactory, OutletFactory


def names(organisation):
    return list(Outlet.objects.filter(organisation=organisation).order_by("sort_order").values_list("name", flat=True))


# --- defaults --------------------------------------------------------------------------------------


@pytest.mark.audited
def test_a_new_committee_gets_the_whole_default_registry_named_for_its_unit(db):
    committee = CommitteeFactory(name="省交通运输厅直属机关党委", code="jtt")
    created = outlets_seed_defaults(organisation=committee)
    assert len(created) == len(DEFAULT_OUTLETS)
    assert names(committee)[:4] == ["省交通运输厅直属机关网站和微信公众号", "上级主管部门网站和微信公众号", "行业报刊", "人民网"]
    assert {"新华网", "省级党报", "市县级媒体"} <= set(names(committee))
    levels = [o.level for o in Outlet.objects.filter(organisation=committee).order_by("sort_order")]
    assert levels == sorted(levels, key=["行业", "中央", "省级", "地方"].index)  # the reference's order
    assert AuditEntry.objects.filter(organisation_id=committee.pk).count() >= len(created)


def test_below_a_registry_a_new_general_branch_gets_only_its_own_website(db):
    committee = CommitteeFactory(name="省中心党委")
    outlets_seed_defaults(organisation=committee)
    general = GeneralBranchFactory(name="省高速公路处党总支", parent=committee)
    assert [o.name for o in outlets_seed_defaults(organisation=general)] == ["省高速公路处网站和微信公众号"]
    # A branch below sees each outlet once.
    branch = BranchFactory(parent=general)
    visible = list(Outlet.objects.in_force_for(branch).values_list("name", flat=True))
    assert len(visible) == len(set(visible)) == len(DEFAULT_OUTLETS) + 1


def test_seeding_again_adds_only_what_is_missing_and_never_renames(db):
    committee = CommitteeFactory(name="省中心党委")
    outlets_seed_defaults(organisation=committee)
    Outlet.objects.filter(organisation=committee, name="省级党报").update(name="甘肃日报")
    assert outlets_seed_defaults(organisation=committee) == [Outlet.objects.get(organisation=committee, name="省级党报")]
    assert outlets_seed_defaults(organisation=committee) == []
    assert "甘肃日报" in names(committee)


def test_branches_get_no_defaults(world):
    assert outlets_seed_defaults(organisation=world.branch) == []
    assert not Outlet.objects.filter(organisation=world.branch).exists()


def test_seeding_renews_the_figures_of_the_branches_below(world):
    before = world.branch.figures_version
    outlets_seed_defaults(organisation=world.general)
    world.branch.refresh_from_db()
    assert world.branch.figures_version != before


@pytest.mark.parametrize(("name", "unit"), [("省高速公路处党总支", "省高速公路处"), ("党委", "党委"), ("某所党支部", "某所")])
def test_unit_names(name, unit):
    assert unit_name(Organisation(name=name)) == unit


def test_the_command_leaves_registries_in_use_alone_and_seeds_where_branches_have_none(world):
    OutletFactory(organisation=world.general, name="省交通厅网站和微信公众号")  # hw keeps its own
    # center has hw's registry below it: seeding it would show hw's branches defaults beside
    # their own. lz's branch sees nothing at all: lz is seeded.
    assert organisations_without_outlets() == [world.other_general]
    out = io.StringIO()
    call_command("seed_default_outlets", stdout=out)
    assert "已为省路政处党总支（lz）登记11个默认宣传媒体" in out.getvalue()
    assert names(world.general) == ["省交通厅网站和微信公众号"] and names(world.committee) == []
    out = io.StringIO()
    call_command("seed_default_outlets", stdout=out)
    assert "无需登记" in out.getvalue()


def test_the_command_seeds_the_topmost_organisation_without_any_outlet(world):
    assert organisations_without_outlets() == [world.committee]
    out = io.StringIO()
    call_command("seed_default_outlets", "--dry-run", stdout=out)
    assert "将为省中心党委（center）登记默认宣传媒体" in out.getvalue()
    assert not Outlet.objects.exists()
    call_command("seed_default_outlets", stdout=io.StringIO())
    assert len(names(world.committee)) == len(DEFAULT_OUTLETS)
    assert names(world.general) == [] and names(world.other_general) == []
    assert organisations_without_outlets() == []


# --- the organisation's registry page ----------------------------------------------------------------


def test_an_empty_registry_offers_the_defaults(world, as_user):
    page = as_user(world.reviewer).get(reverse("activities:outlet_list", args=["hw"])).content.decode()
    assert "添加常用媒体" in page and "人民网" in page
    response = as_user(world.reviewer).post(reverse("activities:outlet_defaults", args=["hw"]), follow=True)
    assert "已登记11个常用媒体" in response.content.decode()
    assert "省高速公路处网站和微信公众号" in names(world.general)


def test_the_registry_page_lists_what_branches_below_added(world, as_user):
    OutletFactory(organisation=world.branch, name="kl所微信公众号")
    OutletFactory(organisation=world.far, name="远方的报纸")
    page = as_user(world.reviewer).get(reverse("activities:outlet_list", args=["hw"])).content.decode()
    assert "kl所微信公众号" in page and "kl所党支部" in page
    assert "远方的报纸" not in page


# --- a branch's own outlets ----------------------------------------------------------------------------


def outlet_data(name="kl所微信公众号", **changes):
    return {"name": name, "level": "地方", "unit": "篇", "sort_order": "10", **changes}


def test_a_branch_without_any_outlet_is_not_stuck(world, as_user):
    client = as_user(world.secretary)
    page = client.get(reverse("activities:publicity_list", args=["kl"])).content.decode()
    assert "添加本支部媒体" in page
    page = client.get(reverse("activities:publicity_create", args=["kl"])).content.decode()
    assert "上级党组织尚未登记宣传媒体" in page and "选择“其他媒体（填写名称）”" in page
    # Add one on the way and come back to the entry with it chosen.
    response = client.post(reverse("activities:outlet_branch_create", args=["kl"]) + "?then=publicity", outlet_data())
    outlet = Outlet.objects.get(organisation=world.branch)
    assert response["Location"] == reverse("activities:publicity_create", args=["kl"]) + f"?outlet={outlet.pk}"
    form = client.get(response["Location"]).context["form"]
    assert form.initial["outlet"] == str(outlet.pk)
    response = client.post(
        reverse("activities:publicity_create", args=["kl"]),
        {"outlet": outlet.pk, "date": "2022-03-15", "count": "1", "title": "春运保通"},
    )
    assert response.status_code == 302
    assert outlet.entries.get().title == "春运保通"


def test_a_branch_outlet_is_the_branchs_alone(world):
    outlet = OutletFactory(organisation=world.branch, name="kl所微信公众号")
    assert outlet in PublicityEntryForm(branch=world.branch).outlets.values()
    assert outlet not in PublicityEntryForm(branch=world.sibling).outlets.values()


def test_a_name_registered_above_is_refused_with_where(world, as_user):
    OutletFactory(organisation=world.general, name="人民网")
    response = as_user(world.secretary).post(reverse("activities:outlet_branch_create", args=["kl"]), outlet_data("人民网"))
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["省高速公路处党总支已登记“人民网”，可直接选用，无需再登记"]
    assert not Outlet.objects.filter(organisation=world.branch).exists()


def test_the_branch_outlet_page_lists_own_and_inherited(world, as_user):
    OutletFactory(organisation=world.general, name="人民网", sort_order=10)
    own = OutletFactory(organisation=world.branch, name="kl所微信公众号", sort_order=20)
    response = as_user(world.secretary).get(reverse("activities:outlet_branch_list", args=["kl"]))
    assert response.context["own"] == [own]
    assert [o.name for o in response.context["inherited"]] == ["人民网"]
    assert reverse("activities:outlet_branch_update", args=["kl", own.pk]) in response.content.decode()
    # The reviewer reads it, without the buttons.
    page = as_user(world.reviewer).get(reverse("activities:outlet_branch_list", args=["kl"])).content.decode()
    assert "kl所微信公众号" in page and "添加本支部媒体" not in page


def test_a_new_branch_outlet_is_listed_after_those_above(world, as_user):
    OutletFactory(organisation=world.general, name="人民网", sort_order=70)
    form = as_user(world.secretary).get(reverse("activities:outlet_branch_create", args=["kl"])).context["form"]
    assert form.initial["sort_order"] == 80


def test_a_branch_outlet_renews_the_branchs_figures(world, as_user):
    before = world.branch.figures_version
    as_user(world.secretary).post(reverse("activities:outlet_branch_create", args=["kl"]), outlet_data())
    world.branch.refresh_from_db()
    assert world.branch.figures_version != before
