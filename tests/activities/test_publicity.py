"""Publicity: the outlet registry of a 党总支 and a branch's entries (新闻宣传稿件)."""

import datetime

import pytest
from django.urls import reverse

from activities.models import Outlet, PublicityEntry
from activities.publicity_forms import PublicityEntryForm
from tests.factories import OutletFactory, PublicityEntryFactory

D = datetime.date


@pytest.fixture
def outlets(world):
    return {
        "site": OutletFactory(
            organisation=world.general, name="省交通厅网站和微信公众号", unit="篇", sort_order=1
        ),
        "app": OutletFactory(organisation=world.general, name="新华网客户端", unit="次", sort_order=2),
        "far": OutletFactory(organisation=world.other_general, name="另一总支的媒体"),
    }


def entry_data(outlet, **overrides):
    return {
        "outlet": outlet.pk,
        "date": "2022-03-15",
        "count": "2",
        "title": "kl所开展春运保通",
        "link": "",
        **overrides,
    }


# --- the form ---------------------------------------------------------------------------------


def form_errors(world, data):
    form = PublicityEntryForm(data, branch=world.branch)
    assert not form.is_valid()
    return form.errors


def test_form_accepts_a_good_entry(world, outlets):
    form = PublicityEntryForm(
        entry_data(outlets["site"], link="https://jtt.example.cn/a/1"), branch=world.branch
    )
    assert form.is_valid(), form.errors
    entry = form.save()
    assert entry.branch == world.branch and entry.count == 2


@pytest.mark.parametrize("count", ["0", "-3"])
def test_count_below_one_is_refused(world, outlets, count):
    assert form_errors(world, entry_data(outlets["site"], count=count))["count"] == ["数量至少为1"]


@pytest.mark.parametrize("link", ["ftp://example.com/x", "javascript:alert(1)", "not a link"])
def test_link_must_be_http(world, outlets, link):
    assert form_errors(world, entry_data(outlets["site"], link=link))["link"] == [
        "链接须为以 http:// 或 https:// 开头的网址"
    ]


def test_missing_fields_have_chinese_messages(world, outlets):
    errors = form_errors(world, {"outlet": "", "date": "", "count": "1", "title": ""})
    assert errors["outlet"] == ["请选择发布媒体；列表中没有的，选择“其他媒体（填写名称）”"]
    assert errors["date"] == ["请填写发布日期"]
    assert errors["title"] == ["请填写稿件标题"]


def test_outlet_of_another_general_branch_cannot_be_chosen(world, outlets):
    assert form_errors(world, entry_data(outlets["far"]))["outlet"] == ["请从列表中选择媒体"]


def test_outlets_of_the_committee_above_are_offered(world, outlets):
    committee_outlet = OutletFactory(organisation=world.committee, name="党委内刊")
    form = PublicityEntryForm(branch=world.branch)
    assert set(form.outlets.values()) == {outlets["site"], outlets["app"], committee_outlet}


# --- entry views ------------------------------------------------------------------------------


def test_secretary_logs_an_entry(world, as_user, outlets):
    response = as_user(world.secretary).post(
        reverse("activities:publicity_create", args=["kl"]), entry_data(outlets["site"])
    )
    entry = PublicityEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"?ids={entry.pk}")
    assert entry.created_by == world.secretary


def test_bad_input_keeps_what_was_typed(world, as_user, outlets):
    response = as_user(world.secretary).post(
        reverse("activities:publicity_create", args=["kl"]),
        entry_data(outlets["site"], count="0", title="我的标题𠮷"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "数量至少为1" in html and "我的标题𠮷" in html
    assert not PublicityEntry.objects.exists()


def test_secretary_edits_and_deletes_an_entry(world, as_user, outlets):
    entry = PublicityEntryFactory(branch=world.branch, outlet=outlets["site"])
    client = as_user(world.secretary)
    response = client.post(
        reverse("activities:publicity_update", args=["kl", entry.pk]), entry_data(outlets["app"], count="5")
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.outlet, entry.count) == (outlets["app"], 5)
    confirm = client.get(reverse("activities:publicity_delete", args=["kl", entry.pk]))
    assert "删除这条稿件" in confirm.content.decode()
    client.post(reverse("activities:publicity_delete", args=["kl", entry.pk]))
    assert not PublicityEntry.objects.exists()


@pytest.mark.parametrize(
    "name,method", [("publicity_update", "get"), ("publicity_update", "post"), ("publicity_delete", "post")]
)
def test_sibling_secretary_gets_404(world, as_user, outlets, name, method):
    entry = PublicityEntryFactory(branch=world.branch, outlet=outlets["site"])
    client = as_user(world.sibling_secretary)
    response = getattr(client, method)(
        reverse(f"activities:{name}", args=["kl", entry.pk]), entry_data(outlets["app"])
    )
    assert response.status_code == 404
    assert PublicityEntry.objects.filter(pk=entry.pk, outlet=outlets["site"]).exists()


def test_entry_of_another_branch_is_404_through_own_branch_url(world, as_user, outlets):
    entry = PublicityEntryFactory(branch=world.sibling, outlet=outlets["site"])
    client = as_user(world.secretary)
    assert client.get(reverse("activities:publicity_update", args=["kl", entry.pk])).status_code == 404
    assert client.post(reverse("activities:publicity_delete", args=["kl", entry.pk])).status_code == 404
    assert PublicityEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("name", ["publicity_create", "publicity_update", "publicity_delete"])
def test_reviewer_gets_403_on_writes(world, as_user, outlets, name):
    entry = PublicityEntryFactory(branch=world.branch, outlet=outlets["site"])
    args = ["kl"] if name == "publicity_create" else ["kl", entry.pk]
    client = as_user(world.reviewer)
    assert client.get(reverse(f"activities:{name}", args=args)).status_code == 403
    assert (
        client.post(reverse(f"activities:{name}", args=args), entry_data(outlets["app"])).status_code == 403
    )
    assert PublicityEntry.objects.get().outlet == outlets["site"]


def test_reviewer_reads_the_list_without_edit_links(world, as_user, outlets):
    entry = PublicityEntryFactory(branch=world.branch, outlet=outlets["site"], date=D(2022, 3, 1))
    html = (
        as_user(world.reviewer)
        .get(reverse("activities:publicity_list", args=["kl"]) + "?period=2022H1")
        .content.decode()
    )
    assert entry.title in html
    assert reverse("activities:publicity_update", args=["kl", entry.pk]) not in html


def test_sibling_secretary_gets_404_on_the_list(world, as_user):
    assert (
        as_user(world.sibling_secretary).get(reverse("activities:publicity_list", args=["kl"])).status_code
        == 404
    )


# --- the list ---------------------------------------------------------------------------------


def list_url(**params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("activities:publicity_list", args=["kl"]) + (f"?{query}" if query else "")


def test_list_filters_by_period_and_totals_per_outlet_with_units(world, as_user, outlets):
    PublicityEntryFactory(branch=world.branch, outlet=outlets["site"], date=D(2022, 1, 5), count=3)
    PublicityEntryFactory(branch=world.branch, outlet=outlets["site"], date=D(2022, 6, 30), count=2)
    PublicityEntryFactory(branch=world.branch, outlet=outlets["app"], date=D(2022, 4, 1), count=1)
    PublicityEntryFactory(
        branch=world.branch, outlet=outlets["app"], date=D(2022, 7, 1), count=9
    )  # next half
    PublicityEntryFactory(
        branch=world.sibling, outlet=outlets["site"], date=D(2022, 3, 1), count=7
    )  # sibling
    response = as_user(world.secretary).get(list_url(period="2022H1"))
    totals = [(t.outlet.name, t.total) for t in response.context["listing"].totals]
    assert totals == [("省交通厅网站和微信公众号", 5), ("新华网客户端", 1)]
    assert response.context["listing"].grand_total == 6
    html = response.content.decode()
    assert "共发布新闻宣传稿件 6 篇（次）" in html
    assert "新华网客户端 <strong>1</strong>次" in html
    assert "2022年6月30日" in html


def test_list_filters_by_outlet_and_date_range(world, as_user, outlets):
    PublicityEntryFactory(branch=world.branch, outlet=outlets["site"], date=D(2022, 1, 5), title="一月")
    PublicityEntryFactory(branch=world.branch, outlet=outlets["site"], date=D(2022, 2, 5), title="二月")
    PublicityEntryFactory(branch=world.branch, outlet=outlets["app"], date=D(2022, 2, 6), title="客户端")
    response = as_user(world.secretary).get(
        list_url(outlet=outlets["site"].pk, date_from="2022-02-01", date_to="2022-02-28")
    )
    assert [e.title for e in response.context["listing"].page] == ["二月"]


def test_end_before_start_is_reported(world, as_user, outlets):
    response = as_user(world.secretary).get(list_url(date_from="2022-03-01", date_to="2022-02-01"))
    assert "截止日期不能早于起始日期" in response.content.decode()


def test_list_by_ids_shows_just_those_entries_of_this_branch(world, as_user, outlets):
    mine = PublicityEntryFactory(branch=world.branch, outlet=outlets["site"], date=D(2019, 1, 5))
    PublicityEntryFactory(branch=world.branch, outlet=outlets["site"])
    theirs = PublicityEntryFactory(branch=world.sibling, outlet=outlets["site"])
    response = as_user(world.secretary).get(list_url(ids=f"{mine.pk},{theirs.pk}"))
    assert list(response.context["listing"].page) == [mine]


def test_list_is_paginated(world, as_user, outlets):
    for day in range(1, 26):
        PublicityEntryFactory(branch=world.branch, outlet=outlets["site"], date=D(2022, 3, day))
    first = as_user(world.secretary).get(list_url(period="2022H1"))
    assert len(first.context["listing"].page) == 20
    second = as_user(world.secretary).get(list_url(period="2022H1", page=2))
    assert len(second.context["listing"].page) == 5
    assert second.context["listing"].grand_total == 25


def test_empty_period_says_what_to_do(world, as_user, outlets):
    html = as_user(world.secretary).get(list_url()).content.decode()
    assert "本期尚未登记新闻宣传稿件，点击“登记稿件”开始" in html


def test_branch_without_outlets_is_told_to_ask_its_general_branch(world, as_user):
    html = as_user(world.secretary).get(list_url()).content.decode()
    assert "上级党组织尚未登记宣传媒体" in html


# --- the outlet registry ----------------------------------------------------------------------


def outlet_data(**overrides):
    return {"name": "澎湃新闻", "level": "中央", "unit": "次", "sort_order": "6", **overrides}


def test_reviewer_registers_an_outlet(world, as_user):
    response = as_user(world.reviewer).post(reverse("activities:outlet_create", args=["hw"]), outlet_data())
    assert response.status_code == 302
    outlet = Outlet.objects.get()
    assert (outlet.organisation, outlet.level, outlet.unit) == (world.general, "中央", "次")


def test_outlet_names_are_unique_per_organisation(world, as_user, outlets):
    response = as_user(world.reviewer).post(
        reverse("activities:outlet_create", args=["hw"]), outlet_data(name="新华网客户端")
    )
    assert "本单位已登记名为“新华网客户端”的媒体" in response.content.decode()


def test_reviewer_edits_own_outlet_not_another_organisations(world, as_user, outlets):
    client = as_user(world.reviewer)
    response = client.post(
        reverse("activities:outlet_update", args=["hw", outlets["app"].pk]), outlet_data(name="新华网")
    )
    assert response.status_code == 302
    outlets["app"].refresh_from_db()
    assert outlets["app"].name == "新华网"
    assert client.get(reverse("activities:outlet_update", args=["hw", outlets["far"].pk])).status_code == 404
    assert client.get(reverse("activities:outlet_update", args=["lz", outlets["far"].pk])).status_code == 404


def test_outlet_list_shows_registry_in_order(world, as_user, outlets):
    response = as_user(world.reviewer).get(reverse("activities:outlet_list", args=["hw"]))
    assert list(response.context["outlets"]) == [outlets["site"], outlets["app"]]


@pytest.mark.parametrize("user", ["secretary", "sibling_secretary", "outsider_reviewer"])
def test_only_reviewers_of_the_organisation_manage_outlets(world, as_user, outlets, user):
    client = as_user(world.users()[user])
    assert client.get(reverse("activities:outlet_list", args=["hw"])).status_code == 404
    assert client.post(reverse("activities:outlet_create", args=["hw"]), outlet_data()).status_code == 404
    assert not Outlet.objects.filter(name="澎湃新闻").exists()
