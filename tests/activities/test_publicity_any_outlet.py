"""A publicity piece for any outlet: one the branch names itself (kept as its own, chosen from the
menu next time, no superior needed) or 「内部刊物/其他」; it counts in the figures by outlet."""

import pytest
from django.urls import reverse

from activities.models import Outlet, PublicityEntry
from activities.publicity_forms import INTERNAL, NAMED
from activities.selectors import period_facts
from branchwork.periods import Period
from reports.placeholders import publicity_breakdown
from tests.factories import OutletFactory

CREATE = reverse("activities:publicity_create", args=["kl"])


@pytest.fixture
def site(world):
    return OutletFactory(organisation=world.general, name="省交通厅网站和微信公众号", unit="篇", sort_order=10)


def piece(outlet, **fields):
    return {"outlet": outlet, "date": "2022-03-15", "count": "1", "title": "春运保通", "link": "", **fields}


def options(client) -> list[tuple[str, str]]:
    return client.get(CREATE).context["form"].fields["outlet"].choices


def test_a_secretary_names_an_outlet_and_chooses_it_next_time(world, as_user, site):
    client = as_user(world.secretary)
    response = client.post(CREATE, piece(NAMED, outlet_name="《kl所通讯》", outlet_level="其他"), follow=True)
    outlet = Outlet.objects.get(organisation=world.branch)
    assert (outlet.name, outlet.level, outlet.unit) == ("《kl所通讯》", "其他", "篇")
    assert outlet.sort_order > site.sort_order  # listed after the superiors' outlets
    assert PublicityEntry.objects.get().outlet == outlet
    assert "“《kl所通讯》”已登记为本支部的媒体，下次可直接选择" in response.content.decode()

    assert (str(outlet.pk), "《kl所通讯》") in options(client)
    client.post(CREATE, piece(outlet.pk, title="第二篇", count="2"))
    assert Outlet.objects.filter(organisation=world.branch).count() == 1
    assert outlet.entries.count() == 2


def test_a_name_typed_again_or_registered_above_is_reused_not_duplicated(world, as_user, site):
    client = as_user(world.secretary)
    client.post(CREATE, piece(NAMED, outlet_name="省交通厅网站和微信公众号"))
    assert PublicityEntry.objects.get().outlet == site
    assert not Outlet.objects.filter(organisation=world.branch).exists()
    site.refresh_from_db()
    assert site.organisation == world.general and site.level == "省级"  # the superior's, untouched


def test_internal_or_other_is_always_on_offer_and_counted_under_its_name(world, as_user, site):
    client = as_user(world.secretary)
    assert (INTERNAL, "内部刊物/其他") in options(client)
    response = client.post(CREATE, piece(INTERNAL, count="3"), follow=True)
    assert "已登记为本支部的媒体" not in response.content.decode()  # the menu's own choice: nothing to learn
    client.post(CREATE, piece(site.pk, count="14"))
    internal = Outlet.objects.get(organisation=world.branch, name="内部刊物/其他")
    assert internal.level == Outlet.Level.OTHER
    # Now a real outlet of the branch: offered once, by its id.
    labels = [label for _value, label in options(client)]
    assert labels.count("内部刊物/其他") == 1 and (str(internal.pk), "内部刊物/其他") in options(client)

    facts = period_facts(branch=world.branch, period=Period(2022, "H1"))
    assert facts.publicity_total == 17
    assert publicity_breakdown(facts.publicity) == "省交通厅网站和微信公众号发布14篇；内部刊物等其他媒体发布3篇"  # the menu's label is not a name
    listing = client.get(reverse("activities:publicity_list", args=["kl"]), {"period": "2022H1"})
    assert [(t.outlet.name, t.total) for t in listing.context["listing"].totals] == [
        ("省交通厅网站和微信公众号", 14),
        ("内部刊物/其他", 3),
    ]


def test_a_branch_with_no_registry_above_can_still_record(world, as_user):
    client = as_user(world.secretary)
    page = client.get(CREATE).content.decode()
    assert "上级党组织尚未登记宣传媒体" in page
    response = client.post(CREATE, piece(NAMED, outlet_name="县融媒体中心", outlet_level="地方"))
    assert response.status_code == 302
    assert PublicityEntry.objects.get().outlet.name == "县融媒体中心"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (piece(NAMED), "outlet_name", "请填写媒体的名称"),
        (piece("", title=""), "outlet", "请选择发布媒体；列表中没有的，选择“其他媒体（填写名称）”"),
        (piece(NAMED, outlet_name="报" * 101), "outlet_name", "媒体名称最多100字"),
        (piece(NAMED, outlet_name="某报", outlet_level="宇宙"), "outlet_level", "请从列表中选择媒体级别"),
        (piece("site", outlet_name="某报"), "outlet_name", "已在列表中选择了媒体"),
    ],
)
def test_a_wrong_outlet_is_explained_and_nothing_is_lost_or_registered(world, as_user, site, data, field, message):
    if data["outlet"] == "site":
        data["outlet"] = site.pk
    response = as_user(world.secretary).post(CREATE, data)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert response.context["form"]["title"].value() == data["title"]  # what was typed stays
    assert not PublicityEntry.objects.exists()
    assert not Outlet.objects.filter(organisation=world.branch).exists()


def test_an_entry_is_moved_to_an_outlet_named_while_editing(world, as_user, site):
    client = as_user(world.secretary)
    client.post(CREATE, piece(site.pk))
    entry = PublicityEntry.objects.get()
    edit = reverse("activities:publicity_update", args=["kl", entry.pk])
    assert client.get(edit).context["form"]["outlet"].value() == str(site.pk)
    client.post(edit, piece(NAMED, outlet_name="《kl所通讯》"))
    entry.refresh_from_db()
    assert entry.outlet.name == "《kl所通讯》" and entry.outlet.organisation == world.branch


def test_a_writer_adds_its_own_outlets_but_cannot_touch_the_superiors(world, as_user, site):
    client = as_user(world.secretary)
    data = {"name": "改掉上级的媒体", "level": "地方", "unit": "篇", "sort_order": "1"}
    assert client.get(reverse("activities:outlet_branch_update", args=["kl", site.pk])).status_code == 404
    assert client.post(reverse("activities:outlet_branch_update", args=["kl", site.pk]), data).status_code == 404
    assert client.post(reverse("activities:outlet_update", args=["hw", site.pk]), data).status_code == 404
    site.refresh_from_db()
    assert site.name == "省交通厅网站和微信公众号"


def test_a_reader_cannot_register_an_outlet_through_a_piece(world, as_user, site):
    response = as_user(world.reviewer).post(CREATE, piece(NAMED, outlet_name="审阅人的报纸"))
    assert response.status_code == 403
    assert not Outlet.objects.filter(name="审阅人的报纸").exists()
