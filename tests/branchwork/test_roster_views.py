import datetime

import pytest
from django.urls import reverse

from branchwork.models import Member, PartyGroup
from branchwork.roster import roster_order
from tests.factories import MemberFactory, PartyGroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(world):
    """kl has two groups and three members; the sibling branch has a group of its own."""
    one = PartyGroupFactory(branch=world.branch, name="收费一班党小组")
    two = PartyGroupFactory(branch=world.branch, name="收费二班党小组")
    foreign = PartyGroupFactory(branch=world.sibling, name="收费党小组")
    secretary = MemberFactory(branch=world.branch, name="王建国", post="书记", party_group=one)
    probationary = MemberFactory(
        branch=world.branch, name="孙浩", status=Member.Status.PROBATIONARY, party_group=two
    )
    gone = MemberFactory(
        branch=world.branch,
        name="周涛",
        party_group=one,
        transferred_out_on=datetime.date(2023, 3, 15),
        transferred_to="xy所党支部",
    )
    sibling_member = MemberFactory(branch=world.sibling, name="赵卫东", party_group=foreign)
    return {
        "one": one,
        "two": two,
        "foreign": foreign,
        "secretary": secretary,
        "probationary": probationary,
        "gone": gone,
        "sibling_member": sibling_member,
    }


def member_data(**overrides):
    data = {
        "name": "新党员",
        "gender": "女",
        "status": "正式党员",
        "joined_on": "2020-07-01",
        "post": "",
        "party_group": "",
    }
    data.update(overrides)
    return data


# --- who may do what ----------------------------------------------------------------------------

READ_URLS = [
    ("roster:member_list", False),
    ("roster:export", False),
    ("roster:import_template", False),
    ("roster:group_list", False),
]
WRITE_URLS = [
    ("roster:member_create", False),
    ("roster:member_update", True),
    ("roster:member_transfer", True),
    ("roster:import", False),
    ("roster:group_create", False),
    ("roster:group_update", "group"),
]


def url_for(name, needs, roster, code="kl"):
    if needs == "group":
        return reverse(name, args=[code, roster["one"].pk])
    if needs:
        return reverse(name, args=[code, roster["secretary"].pk])
    return reverse(name, args=[code])


@pytest.mark.parametrize(("name", "needs"), READ_URLS + WRITE_URLS)
@pytest.mark.parametrize("who", ["sibling_secretary", "outsider_reviewer"])
def test_users_of_other_branches_get_404(world, roster, as_user, name, needs, who):
    client = as_user(getattr(world, who))
    assert client.get(url_for(name, needs, roster)).status_code == 404


@pytest.mark.parametrize(("name", "needs"), WRITE_URLS)
def test_users_of_other_branches_get_404_on_post(world, roster, as_user, name, needs):
    client = as_user(world.sibling_secretary)
    assert client.post(url_for(name, needs, roster), member_data()).status_code == 404
    assert not Member.objects.filter(name="新党员").exists()


@pytest.mark.parametrize(("name", "needs"), READ_URLS)
def test_reviewer_reads_the_roster_of_branches_below(world, roster, as_user, name, needs):
    assert as_user(world.reviewer).get(url_for(name, needs, roster)).status_code == 200


@pytest.mark.parametrize(("name", "needs"), WRITE_URLS)
def test_reviewer_gets_403_on_every_write(world, roster, as_user, name, needs):
    client = as_user(world.reviewer)
    assert client.get(url_for(name, needs, roster)).status_code == 403
    assert client.post(url_for(name, needs, roster), member_data()).status_code == 403
    assert not Member.objects.filter(name="新党员").exists()


@pytest.mark.parametrize(("name", "needs"), READ_URLS + WRITE_URLS)
def test_anonymous_users_are_sent_to_login(client, roster, name, needs):
    url = url_for(name, needs, roster)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login")) and "next=" in response.url


@pytest.mark.parametrize(("name", "needs"), READ_URLS + WRITE_URLS)
def test_committee_member_may_read_and_write(world, roster, as_user, name, needs):
    assert as_user(world.member).get(url_for(name, needs, roster)).status_code == 200


def test_another_branchs_member_is_404_even_under_my_own_code(world, roster, as_user):
    client = as_user(world.secretary)
    other = roster["sibling_member"]
    assert client.get(reverse("roster:member_update", args=["kl", other.pk])).status_code == 404
    assert client.post(reverse("roster:member_transfer", args=["kl", other.pk])).status_code == 404
    assert client.get(reverse("roster:group_update", args=["kl", roster["foreign"].pk])).status_code == 404


# --- list -----------------------------------------------------------------------------------------


def test_list_shows_active_members_of_the_branch_only(world, roster, as_user):
    response = as_user(world.secretary).get(reverse("roster:member_list", args=["kl"]))
    content = response.content.decode()
    assert "王建国" in content and "孙浩" in content
    assert "周涛" not in content  # transferred out: hidden by default
    assert "赵卫东" not in content  # another branch
    assert "在册 2 人" in content


def test_list_filters_by_status_group_and_state(world, roster, as_user):
    client = as_user(world.secretary)
    url = reverse("roster:member_list", args=["kl"])
    by_status = client.get(url, {"status": "预备党员"}).context["page"].object_list
    assert [m.name for m in by_status] == ["孙浩"]
    by_group = client.get(url, {"group": roster["one"].pk, "state": "all"}).context["page"].object_list
    assert {m.name for m in by_group} == {"王建国", "周涛"}
    gone = client.get(url, {"state": "transferred"})
    assert [m.name for m in gone.context["page"].object_list] == ["周涛"]
    assert "2023年3月15日" in gone.content.decode()


def test_filtering_by_another_branchs_group_shows_nothing_of_it(world, roster, as_user):
    response = as_user(world.secretary).get(
        reverse("roster:member_list", args=["kl"]), {"group": roster["foreign"].pk}
    )
    assert "赵卫东" not in response.content.decode()


def test_list_paginates_by_50(world, as_user):
    MemberFactory.create_batch(55, branch=world.branch)
    client = as_user(world.secretary)
    url = reverse("roster:member_list", args=["kl"])
    assert len(client.get(url).context["page"].object_list) == 50
    assert len(client.get(url, {"page": 2}).context["page"].object_list) == 5


def test_list_query_count_does_not_grow_with_members(world, as_user, django_assert_max_num_queries):
    group = PartyGroupFactory(branch=world.branch)
    MemberFactory.create_batch(30, branch=world.branch, party_group=group)
    client = as_user(world.secretary)
    with django_assert_max_num_queries(12):
        client.get(reverse("roster:member_list", args=["kl"]))


def test_empty_roster_says_what_to_do_next(world, as_user):
    content = as_user(world.secretary).get(reverse("roster:member_list", args=["kl"])).content.decode()
    assert "本支部花名册还没有党员" in content and "添加党员" in content and "从 Excel 导入" in content


def test_reviewer_sees_no_write_buttons(world, roster, as_user):
    content = as_user(world.reviewer).get(reverse("roster:member_list", args=["kl"])).content.decode()
    assert "导出 Excel" in content
    assert reverse("roster:member_create", args=["kl"]) not in content
    assert reverse("roster:member_update", args=["kl", roster["secretary"].pk]) not in content


def test_list_escapes_typed_text(world, as_user):
    MemberFactory(branch=world.branch, name="<script>alert(1)</script>𠮷")
    content = as_user(world.secretary).get(reverse("roster:member_list", args=["kl"])).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;𠮷" in content


# --- add and edit ---------------------------------------------------------------------------------


def test_secretary_adds_a_member(world, roster, as_user):
    response = as_user(world.secretary).post(
        reverse("roster:member_create", args=["kl"]), member_data(party_group=roster["two"].pk)
    )
    assert response.status_code == 302
    member = Member.objects.get(name="新党员")
    assert member.branch == world.branch and member.party_group == roster["two"]
    assert member.joined_on == datetime.date(2020, 7, 1)


def test_a_group_of_another_branch_is_rejected_in_chinese(world, roster, as_user):
    response = as_user(world.secretary).post(
        reverse("roster:member_create", args=["kl"]), member_data(party_group=roster["foreign"].pk)
    )
    assert response.status_code == 200
    assert "所选党小组不属于本支部" in response.content.decode()
    assert not Member.objects.filter(name="新党员").exists()


def test_bad_input_is_reported_in_chinese_and_kept(world, roster, as_user):
    response = as_user(world.secretary).post(
        reverse("roster:member_create", args=["kl"]),
        member_data(name="  ", gender="", joined_on="2099-01-01"),
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "请填写姓名" in content and "请选择性别" in content
    assert "不能晚于今天" in content
    assert 'value="2099-01-01"' in content  # nothing typed is lost


def test_a_second_secretary_is_rejected(world, roster, as_user):
    response = as_user(world.secretary).post(
        reverse("roster:member_create", args=["kl"]), member_data(post="书记")
    )
    assert "本支部已有书记“王建国”" in response.content.decode()
    assert not Member.objects.filter(name="新党员").exists()


def test_duplicate_name_in_the_branch_is_rejected(world, roster, as_user):
    response = as_user(world.secretary).post(
        reverse("roster:member_create", args=["kl"]), member_data(name="孙浩")
    )
    assert "本支部花名册中已有“孙浩”" in response.content.decode()
    assert Member.objects.filter(branch=world.branch, name="孙浩").count() == 1


def test_same_name_in_another_branch_is_fine(world, roster, as_user):
    as_user(world.secretary).post(reverse("roster:member_create", args=["kl"]), member_data(name="赵卫东"))
    assert Member.objects.filter(name="赵卫东").count() == 2


def test_secretary_edits_a_member(world, roster, as_user):
    member = roster["probationary"]
    response = as_user(world.secretary).post(
        reverse("roster:member_update", args=["kl", member.pk]),
        member_data(name="孙浩", gender="男", status="正式党员", party_group=roster["one"].pk),
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == Member.Status.FULL and member.party_group == roster["one"]


def test_dissolved_group_is_not_offered_to_new_members(world, roster, as_user):
    roster["two"].dissolved_on = datetime.date(2023, 1, 1)
    roster["two"].save()
    response = as_user(world.secretary).get(reverse("roster:member_create", args=["kl"]))
    choices = [label for _value, label in response.context["form"].fields["party_group"].choices]
    assert "收费二班党小组" not in choices and "收费一班党小组" in choices
    edit = as_user(world.secretary).get(
        reverse("roster:member_update", args=["kl", roster["probationary"].pk])
    )
    assert "收费二班党小组" in [label for _v, label in edit.context["form"].fields["party_group"].choices]


# --- transfer out ---------------------------------------------------------------------------------


def test_transfer_out_asks_for_confirmation_first(world, roster, as_user):
    member = roster["probationary"]
    response = as_user(world.secretary).get(reverse("roster:member_transfer", args=["kl", member.pk]))
    assert response.status_code == 200
    assert "确认转出" in response.content.decode()
    member.refresh_from_db()
    assert member.is_active


def test_transfer_out_records_date_and_destination(world, roster, as_user):
    member = roster["probationary"]
    response = as_user(world.secretary).post(
        reverse("roster:member_transfer", args=["kl", member.pk]),
        {"transferred_out_on": "2023-05-04", "transferred_to": "省路政处党总支"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.transferred_out_on == datetime.date(2023, 5, 4)
    assert member.transferred_to == "省路政处党总支"
    assert not Member.objects.filter(branch=world.branch).active().filter(pk=member.pk).exists()


def test_transfer_out_needs_date_and_destination(world, roster, as_user):
    member = roster["probationary"]
    response = as_user(world.secretary).post(reverse("roster:member_transfer", args=["kl", member.pk]), {})
    content = response.content.decode()
    assert "请填写转出日期" in content and "请填写转往的党组织或单位" in content
    member.refresh_from_db()
    assert member.is_active


def test_transfer_out_before_joining_is_rejected(world, roster, as_user):
    member = roster["probationary"]  # joined 2010-07-01
    response = as_user(world.secretary).post(
        reverse("roster:member_transfer", args=["kl", member.pk]),
        {"transferred_out_on": "2009-01-01", "transferred_to": "别处"},
    )
    assert "转出日期不能早于入党（列为）日期（2010年7月1日）" in response.content.decode()


def test_transferring_twice_changes_nothing(world, roster, as_user):
    gone = roster["gone"]
    response = as_user(world.secretary).post(
        reverse("roster:member_transfer", args=["kl", gone.pk]),
        {"transferred_out_on": "2024-01-01", "transferred_to": "别处"},
    )
    assert response.status_code == 302
    gone.refresh_from_db()
    assert gone.transferred_out_on == datetime.date(2023, 3, 15)


# --- party groups ---------------------------------------------------------------------------------


def test_secretary_sets_up_renames_and_dissolves_a_group(world, roster, as_user):
    client = as_user(world.secretary)
    response = client.post(
        reverse("roster:group_create", args=["kl"]), {"name": "综合党小组", "established_on": "2019-01-01"}
    )
    assert response.status_code == 302
    group = PartyGroup.objects.get(branch=world.branch, name="综合党小组")
    client.post(
        reverse("roster:group_update", args=["kl", group.pk]),
        {"name": "综合管理党小组", "established_on": "2019-01-01", "dissolved_on": "2023-12-31"},
    )
    group.refresh_from_db()
    assert group.name == "综合管理党小组" and group.dissolved_on == datetime.date(2023, 12, 31)


def test_group_names_are_unique_per_branch_in_chinese(world, roster, as_user):
    response = as_user(world.secretary).post(
        reverse("roster:group_create", args=["kl"]), {"name": "收费一班党小组"}
    )
    assert "本支部已有名为“收费一班党小组”的党小组" in response.content.decode()
    # another branch may use the same name
    as_user(world.sibling_secretary).post(
        reverse("roster:group_create", args=["xy"]), {"name": "收费一班党小组"}
    )
    assert PartyGroup.objects.filter(name="收费一班党小组").count() == 2


def test_group_cannot_be_dissolved_before_it_was_set_up(world, roster, as_user):
    response = as_user(world.secretary).post(
        reverse("roster:group_update", args=["kl", roster["one"].pk]),
        {"name": "收费一班党小组", "established_on": "2020-01-01", "dissolved_on": "2019-01-01"},
    )
    assert "撤销日期不能早于成立日期" in response.content.decode()


def test_group_list_counts_active_members(world, roster, as_user):
    response = as_user(world.reviewer).get(reverse("roster:group_list", args=["kl"]))
    groups = {g.name: g.member_count for g in response.context["groups"]}
    assert groups == {"收费一班党小组": 1, "收费二班党小组": 1}


def test_list_puts_the_branch_committee_first_by_rank(world, as_user):
    MemberFactory(branch=world.branch, name="阿普通")
    MemberFactory(branch=world.branch, name="组织", post="组织委员")
    MemberFactory(branch=world.branch, name="书记人", post="书记")
    MemberFactory(branch=world.branch, name="副书记人", post="副书记")
    page = as_user(world.secretary).get(reverse("roster:member_list", args=["kl"])).context["page"]
    assert [m.name for m in page.object_list] == ["书记人", "副书记人", "组织", "阿普通"]


def test_reviewer_reading_a_branch_has_its_roster_in_the_navigation(world, roster, as_user):
    content = as_user(world.reviewer).get(reverse("roster:group_list", args=["kl"])).content.decode()
    assert f'href="{reverse("roster:member_list", args=["kl"])}">花名册</a>' in content


def test_secretary_navigation_names_only_their_branch(world, roster, as_user):
    content = as_user(world.secretary).get(reverse("roster:member_list", args=["kl"])).content.decode()
    assert content.count(f'href="{reverse("roster:member_list", args=["kl"])}">花名册</a>') == 1
    assert "xy所党支部" not in content


def test_the_roster_reads_committee_then_each_group_by_standing_and_those_in_no_group_last(world):
    """As a branch's 花名册 is kept: the committee by rank, each party group's 正式 before 预备
    党员, and the 发展对象 and 入党积极分子 who belong to no group after them — on SQLite and
    PostgreSQL alike (which sort an empty group differently by default)."""
    one = PartyGroupFactory(branch=world.branch, name="第一党小组")
    two = PartyGroupFactory(branch=world.branch, name="第二党小组")
    day = datetime.date
    MemberFactory(branch=world.branch, name="韩雪", status=Member.Status.ACTIVIST, joined_on=day(2026, 8, 15))
    MemberFactory(branch=world.branch, name="冯磊", status=Member.Status.CANDIDATE, joined_on=day(2026, 3, 1))
    MemberFactory(branch=world.branch, name="郑凯", status=Member.Status.PROBATIONARY, party_group=two, joined_on=day(2025, 9, 1))
    MemberFactory(branch=world.branch, name="吴斌", party_group=two, joined_on=day(2018, 9, 10))
    MemberFactory(branch=world.branch, name="杨海涛", party_group=one, joined_on=day(2008, 3, 15))
    MemberFactory(branch=world.branch, name="张卫东", post="组织委员", party_group=one, joined_on=day(2010, 6, 20))
    MemberFactory(branch=world.branch, name="马建军", post="书记", party_group=one, joined_on=day(2005, 7, 1))

    names = list(roster_order(Member.objects.filter(branch=world.branch)).values_list("name", flat=True))

    assert names == ["马建军", "张卫东", "杨海涛", "吴斌", "郑凯", "冯磊", "韩雪"]
