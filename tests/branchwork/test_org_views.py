"""The administrator's pages (组织员): organisations, party groups and accounts below one
organisation, scoped like everything else, every change in the audit log."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from branchwork.audit.models import AuditEntry
from branchwork.models import IssuedPassword, Organisation, PartyGroup, Role
from tests.conftest import PASSWORD
from tests.factories import ActivityFactory, MemberFactory, PartyGroupFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def url(name, *args):
    return reverse(f"orgadmin:{name}", args=args)


# --- who administers what ------------------------------------------------------------------------


def test_the_organiser_sees_the_branches_below_with_links_to_their_rosters(world, as_user):
    MemberFactory(branch=world.branch)
    content = as_user(world.organiser).get(url("overview", "hw")).content.decode()
    assert "kl所党支部" in content and "xy所党支部" in content
    assert reverse("roster:member_list", args=["kl"]) in content
    assert "路政一大队党支部" not in content  # another 党总支's


@pytest.mark.parametrize("who", ["reviewer", "secretary", "sibling_secretary", "outsider_reviewer"])
def test_nobody_else_administers_the_general_branch(world, as_user, who):
    assert as_user(world.users()[who]).get(url("overview", "hw")).status_code == 404


def test_an_organiser_administers_nothing_outside_their_subtree(world, as_user):
    client = as_user(world.organiser)
    assert client.get(url("overview", "lz")).status_code == 404
    assert client.get(url("overview", "center")).status_code == 404
    assert client.get(url("overview", "kl")).status_code == 404  # a branch is administered from above
    assert client.get(url("unit_detail", "hw", world.far.pk)).status_code == 404
    assert client.get(url("account_detail", "hw", world.far_secretary.pk)).status_code == 404


def test_a_committee_organiser_administers_every_general_branch_below(world, as_user):
    top = UserFactory(username="top_org")
    RoleFactory(user=top, organisation=world.committee, kind=Role.Kind.ADMINISTRATOR)
    client = as_user(top)
    assert client.get(url("overview", "center")).status_code == 200
    assert client.get(url("overview", "lz")).status_code == 200


def test_a_superuser_administers_everything(world, as_user):
    client = as_user(world.admin)
    for code in ("center", "hw", "lz"):
        assert client.get(url("overview", code)).status_code == 200
    assert "省中心党委 · 组织管理" in client.get(reverse("home")).content.decode()  # in the navigation


def test_the_organiser_keeps_the_rosters_below_and_writes_none_of_their_records(world, as_user):
    client = as_user(world.organiser)
    roster = client.get(reverse("roster:member_list", args=["kl"]))
    assert roster.status_code == 200 and reverse("roster:import", args=["kl"]) in roster.content.decode()
    assert client.get(reverse("activities:branch_home", args=["kl"])).status_code == 200
    response = client.post(
        reverse("roster:member_create", args=["kl"]),
        {"name": "新党员", "gender": "男", "status": "正式党员", "joined_on": "2015-07-01", "post": ""},
    )
    assert response.status_code == 302 and world.branch.members.filter(name="新党员").exists()
    assert client.get(reverse("activities:activity_create", args=["kl", "study"])).status_code == 403
    assert client.get(reverse("roster:member_list", args=["lz1"])).status_code == 404
    assert client.get(reverse("roster:member_create", args=["lz1"])).status_code == 404
    assert as_user(world.reviewer).get(reverse("roster:member_create", args=["kl"])).status_code == 403


def test_the_organiser_lands_on_their_organisation_and_sees_it_in_the_navigation(world, as_user):
    client = as_user(world.organiser)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == url("overview", "hw")
    assert "省高速公路处党总支 · 组织管理" in client.get(url("overview", "hw")).content.decode()


def test_the_organiser_reads_the_audit_log_of_their_organisation(world, as_user):
    response = as_user(world.organiser).get(reverse("audit:organisation_log", args=["hw"]))
    assert response.status_code == 200
    assert "组织管理" in response.content.decode()
    assert as_user(world.organiser).get(reverse("audit:organisation_log", args=["lz"])).status_code == 404


# --- organisations -------------------------------------------------------------------------------


@pytest.mark.audited
def test_creating_a_branch_puts_it_in_the_tree_and_the_audit_log(world, as_user):
    client = as_user(world.organiser)
    response = client.post(
        url("unit_create", "hw"), {"parent": world.general.pk, "level": "branch", "name": "新所党支部", "code": "XS"}
    )
    branch = Organisation.objects.get(code="xs")
    assert response.status_code == 302 and response.url == url("unit_detail", "hw", branch.pk)
    assert branch.parent == world.general and branch.path == f"{world.general.path}{branch.pk}/"
    entry = AuditEntry.objects.get(content_type__model="organisation", object_id=branch.pk)
    assert entry.actor == world.organiser and entry.organisation_id == world.general.pk
    assert branch in client.get(url("overview", "hw")).context["units"]


def test_a_general_branch_created_on_the_page_starts_with_outlets_and_a_branch_none(world, as_user):
    from activities.models import Outlet

    client = as_user(world.admin)
    client.post(url("unit_create", "center"), {"parent": world.committee.pk, "level": "general", "name": "新处党总支", "code": "xc"})
    client.post(url("unit_create", "center"), {"parent": world.general.pk, "level": "branch", "name": "新所党支部", "code": "xs"})

    assert "新处网站和微信公众号" in Outlet.objects.filter(organisation__code="xc").values_list("name", flat=True)
    assert not Outlet.objects.filter(organisation__code="xs").exists()


def test_a_taken_code_or_a_wrong_level_is_refused_in_words(world, as_user):
    client = as_user(world.organiser)
    before = Organisation.objects.count()
    taken = client.post(
        url("unit_create", "hw"), {"parent": world.general.pk, "level": "branch", "name": "重名", "code": "lz1"}
    )
    assert "代码“lz1”已被其他党组织使用" in taken.content.decode()
    wrong = client.post(
        url("unit_create", "hw"), {"parent": world.general.pk, "level": "general", "name": "党总支", "code": "zz"}
    )
    assert wrong.status_code == 200 and wrong.context["form"].errors["level"]
    foreign_parent = client.post(
        url("unit_create", "hw"), {"parent": world.other_general.pk, "level": "branch", "name": "甲", "code": "jia"}
    )
    assert "请从列表中选择您管理范围内的党组织" in foreign_parent.content.decode()
    assert Organisation.objects.count() == before


@pytest.mark.audited
def test_renaming_a_branch_is_logged_and_the_organiser_cannot_rename_their_own_organisation(world, as_user):
    client = as_user(world.organiser)
    response = client.post(url("unit_update", "hw", world.branch.pk), {"name": "kl收费所党支部", "addressee": ""})
    assert response.status_code == 302
    world.branch.refresh_from_db()
    assert world.branch.name == "kl收费所党支部"
    entry = AuditEntry.objects.filter(content_type__model="organisation", object_id=world.branch.pk).latest("pk")
    assert entry.changes["name"] == ["kl所党支部", "kl收费所党支部"]
    assert client.post(url("unit_update", "hw", world.general.pk), {"name": "改名"}).status_code == 403


def test_closing_keeps_the_branch_and_its_records_but_drops_it_from_daily_lists(world, as_user):
    client = as_user(world.organiser)
    MemberFactory(branch=world.sibling, name="张三")
    today = timezone.localdate()
    response = client.post(url("unit_close", "hw", world.sibling.pk), {"closed_on": today.isoformat()})
    assert response.status_code == 302
    world.sibling.refresh_from_db()
    assert world.sibling.closed_on == today
    assert world.sibling.members.filter(name="张三").exists()
    assert world.sibling not in client.get(url("overview", "hw")).context["units"]
    assert world.sibling in client.get(url("overview", "hw")).context["closed_units"]
    assert world.sibling.pk not in [o.pk for o in as_user(world.admin).get(reverse("home")).context["branches"]]
    # Still readable by the people who could read it.
    assert as_user(world.sibling_secretary).get(reverse("roster:member_list", args=["xy"])).status_code == 200
    client = as_user(world.organiser)
    assert client.post(url("unit_reopen", "hw", world.sibling.pk)).status_code == 302
    world.sibling.refresh_from_db()
    assert world.sibling.closed_on is None


def test_a_general_branch_with_open_branches_is_not_closed(world, as_user):
    top = UserFactory(username="top_org")
    RoleFactory(user=top, organisation=world.committee, kind=Role.Kind.ADMINISTRATOR)
    response = as_user(top).post(url("unit_close", "center", world.general.pk), {"closed_on": "2024-01-01"})
    assert response.status_code == 200
    assert "下还有未撤销的党组织" in response.content.decode()
    world.general.refresh_from_db()
    assert world.general.closed_on is None


def test_a_close_in_the_future_is_refused(world, as_user):
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    response = as_user(world.organiser).post(url("unit_close", "hw", world.branch.pk), {"closed_on": tomorrow.isoformat()})
    assert "撤销日期不能晚于今天" in response.content.decode()


# --- party groups --------------------------------------------------------------------------------


@pytest.mark.audited
def test_the_organiser_sets_up_and_renames_party_groups_of_a_branch(world, as_user):
    client = as_user(world.organiser)
    response = client.post(url("group_create", "hw", world.branch.pk), {"name": "第一党小组", "established_on": "2020-01-01"})
    assert response.status_code == 302
    group = PartyGroup.objects.get(branch=world.branch, name="第一党小组")
    client.post(url("group_update", "hw", world.branch.pk, group.pk), {"name": "收费党小组", "established_on": "2020-01-01"})
    group.refresh_from_db()
    assert group.name == "收费党小组"
    assert AuditEntry.objects.filter(content_type__model="partygroup", object_id=group.pk).count() == 2


def test_a_group_of_another_branch_is_a_404(world, as_user):
    foreign = PartyGroupFactory(branch=world.sibling)
    client = as_user(world.organiser)
    assert client.get(url("group_update", "hw", world.branch.pk, foreign.pk)).status_code == 404
    assert client.get(url("group_create", "hw", world.general.pk)).status_code == 404  # not a branch


# --- accounts ------------------------------------------------------------------------------------


def create_account(client, **data):
    fields = {"name": "李一帅", "username": "li_ys", "organisation": "", "kind": "secretary", **data}
    return client.post(url("account_create", "hw"), fields)


@pytest.mark.audited
def test_a_new_account_gets_a_whole_chinese_name_a_role_and_a_password_shown_once(world, as_user):
    client = as_user(world.organiser)
    response = create_account(client, name="李 一帅", organisation=world.sibling.pk)
    user = User.objects.get(username="li_ys")
    assert response.status_code == 302 and response.url == url("account_detail", "hw", user.pk)
    assert (user.first_name, user.last_name) == ("李一帅", "")
    assert Role.objects.filter(user=user, organisation=world.sibling, kind=Role.Kind.SECRETARY).exists()
    assert IssuedPassword.objects.filter(user=user).exists()

    page = client.get(response.url)
    password = page.context["password"]
    assert password and password in page.content.decode()
    again = client.get(response.url)
    assert again.context["password"] is None and password not in again.content.decode()
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]

    entries = AuditEntry.objects.filter(content_type__model="user", object_id=user.pk)
    assert {e.action for e in entries} == {AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE}
    assert all(e.organisation_id == world.sibling.pk and e.actor == world.organiser for e in entries)
    assert all("pbkdf2" not in str(e.changes) and "md5" not in str(e.changes) for e in entries)
    assert AuditEntry.objects.filter(content_type__model="role", organisation=world.sibling).exists()


def test_the_new_secretary_logs_in_with_the_issued_password_and_must_choose_their_own(world, as_user, client):
    admin_client = as_user(world.organiser)
    create_account(admin_client, organisation=world.sibling.pk)
    user = User.objects.get(username="li_ys")
    password = admin_client.get(url("account_detail", "hw", user.pk)).context["password"]
    client.logout()
    response = client.post(reverse("login"), {"username": "li_ys", "password": password})
    assert response.status_code == 302
    landing = client.get(reverse("home"))
    assert landing.status_code == 302 and landing.url == reverse("password_change")
    assert client.get(reverse("activities:branch_home", args=["xy"])).url == reverse("password_change")
    assert "管理员发放的初始密码" in client.get(reverse("password_change")).content.decode()
    done = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "my-own-Secret-42", "new_password2": "my-own-Secret-42"},
    )
    assert done.status_code == 302
    client.get(done.url)
    assert not IssuedPassword.objects.filter(user=user).exists()
    assert client.get(reverse("activities:branch_home", args=["xy"])).status_code == 200


def test_the_account_list_shows_accounts_of_the_subtree_only(world, as_user):
    content = as_user(world.organiser).get(url("account_list", "hw")).content.decode()
    assert "secretary" in content and "sibling" in content and "reviewer" in content
    assert ">far<" not in content and "（far）" not in content and "outsider" not in content


def test_a_taken_username_and_a_role_in_the_wrong_kind_of_organisation_are_refused(world, as_user):
    client = as_user(world.organiser)
    taken = create_account(client, username="FAR", organisation=world.sibling.pk)
    assert "已被使用" in taken.content.decode()
    wrong = create_account(client, username="new_one", organisation=world.general.pk, kind="secretary")
    assert "支部书记和支委只能属于党支部" in wrong.content.decode()
    assert not User.objects.filter(username="new_one").exists()


@pytest.mark.audited
def test_resetting_a_password_invalidates_the_old_one_and_shows_the_new_one_once(world, as_user, client):
    admin_client = as_user(world.organiser)
    response = admin_client.post(url("account_password", "hw", world.sibling_secretary.pk))
    assert response.status_code == 302
    password = admin_client.get(response.url).context["password"]
    assert password
    client.logout()
    assert client.post(reverse("login"), {"username": "sibling", "password": PASSWORD}).status_code == 200
    assert client.post(reverse("login"), {"username": "sibling", "password": password}).status_code == 302
    entry = AuditEntry.objects.filter(content_type__model="user", object_id=world.sibling_secretary.pk).latest("pk")
    assert entry.changes == {"password": ["", "已发放初始密码"]} and entry.organisation_id == world.sibling.pk


def test_a_deactivated_account_cannot_log_in_and_its_session_ends(world, as_user, client):
    client.force_login(world.sibling_secretary)
    assert client.get(reverse("roster:member_list", args=["xy"])).status_code == 200
    admin_client = as_user(world.organiser)  # the test client is shared: log the organiser in after
    admin_client.post(url("account_active", "hw", world.sibling_secretary.pk), {"active": "0"})
    world.sibling_secretary.refresh_from_db()
    assert not world.sibling_secretary.is_active
    from django.test import Client

    fresh = Client()
    assert fresh.post(reverse("login"), {"username": "sibling", "password": PASSWORD}).status_code == 200
    admin_client.post(url("account_active", "hw", world.sibling_secretary.pk), {"active": "1"})
    assert fresh.post(reverse("login"), {"username": "sibling", "password": PASSWORD}).status_code == 302


def test_the_organiser_cannot_deactivate_themself_or_a_superuser(world, as_user):
    client = as_user(world.organiser)
    client.post(url("account_active", "hw", world.organiser.pk), {"active": "0"})
    world.organiser.refresh_from_db()
    assert world.organiser.is_active
    RoleFactory(user=world.admin, organisation=world.branch, kind=Role.Kind.COMMITTEE)
    assert client.post(url("account_active", "hw", world.admin.pk), {"active": "0"}).status_code == 403


def test_an_account_with_a_role_elsewhere_is_managed_from_above(world, as_user):
    RoleFactory(user=world.far_secretary, organisation=world.branch, kind=Role.Kind.COMMITTEE)
    client = as_user(world.organiser)
    page = client.get(url("account_detail", "hw", world.far_secretary.pk))
    assert page.status_code == 200 and "共同的上级组织员" in page.content.decode()
    assert client.post(url("account_password", "hw", world.far_secretary.pk)).status_code == 403
    assert client.post(url("account_active", "hw", world.far_secretary.pk), {"active": "0"}).status_code == 403
    outside = Role.objects.get(user=world.far_secretary, organisation=world.far)
    assert client.post(url("role_delete", "hw", world.far_secretary.pk, outside.pk)).status_code == 404


@pytest.mark.audited
def test_roles_are_added_and_removed_but_never_the_last_one(world, as_user):
    client = as_user(world.organiser)
    client.post(url("role_create", "hw", world.secretary.pk), {"role-organisation": world.sibling.pk, "role-kind": "committee"})
    added = Role.objects.get(user=world.secretary, organisation=world.sibling, kind=Role.Kind.COMMITTEE)
    client.post(url("role_delete", "hw", world.secretary.pk, added.pk))
    assert not Role.objects.filter(pk=added.pk).exists()
    only = Role.objects.get(user=world.secretary)
    client.post(url("role_delete", "hw", world.secretary.pk, only.pk))
    assert Role.objects.filter(pk=only.pk).exists()
    assert {e.action for e in AuditEntry.objects.filter(content_type__model="role", object_id=added.pk)} == {
        AuditEntry.Action.CREATE,
        AuditEntry.Action.DELETE,
    }


def test_renaming_an_account_stores_one_whole_name(world, as_user):
    client = as_user(world.organiser)
    client.post(url("account_detail", "hw", world.secretary.pk), {"name-name": "王 建国"})
    world.secretary.refresh_from_db()
    assert (world.secretary.first_name, world.secretary.last_name) == ("王建国", "")


# --- the first run -------------------------------------------------------------------------------


def test_a_new_deployment_shows_the_superuser_the_setup_checklist(db, client):
    admin = User.objects.create_superuser("root", "root@example.com", PASSWORD)
    client.force_login(admin)
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home.url == reverse("setup")
    page = client.get(reverse("setup")).content.decode()
    assert "第一步：建立最上级党委" in page and "第二步" in page and "第三步：完成" in page
    response = client.post(reverse("setup"), {"name": "省中心党委", "code": "center"})
    assert response.status_code == 302
    top = Organisation.objects.get(code="center")
    assert top.level == Organisation.Level.COMMITTEE and top.parent is None
    page = client.get(reverse("setup")).content.decode()
    assert url("import", "center") in page and url("import_template", "center") in page
    assert client.get(reverse("home")).url == reverse("setup")  # still no branch: not done


def test_the_setup_page_is_for_superusers_only(world, as_user):
    assert as_user(world.organiser).get(reverse("setup")).status_code == 404
    assert as_user(world.organiser).post(reverse("setup"), {"name": "x", "code": "x"}).status_code == 404


def test_a_branch_closed_before_a_period_leaves_its_roll_up_and_stays_in_earlier_ones(world, as_user):
    import datetime

    world.sibling.closed_on = datetime.date(2022, 6, 30)
    world.sibling.save()
    ActivityFactory(branch=world.sibling, date=datetime.date(2022, 3, 15))  # so 2022 is in the menus
    client = as_user(world.reviewer)
    h1 = client.get(reverse("reports:review_dashboard", args=["hw"]) + "?period=2022H1").context["rollup"]
    h2 = client.get(reverse("reports:review_dashboard", args=["hw"]) + "?period=2022H2").context["rollup"]
    assert "xy" in [row.branch.code for row in h1.rows]
    assert "xy" not in [row.branch.code for row in h2.rows] and "kl" in [row.branch.code for row in h2.rows]


def test_an_organiser_appoints_organisers_only_below_their_own_organisation(world, as_user):
    client = as_user(world.organiser)
    peer = create_account(client, username="peer", organisation=world.general.pk, kind="organiser")
    assert "组织员由上级组织员或系统管理员设立" in peer.content.decode()
    client.post(url("role_create", "hw", world.reviewer.pk), {"role-organisation": world.general.pk, "role-kind": "organiser"})
    assert not Role.objects.filter(user=world.reviewer, kind=Role.Kind.ADMINISTRATOR).exists()
    top = UserFactory(username="top_org")
    RoleFactory(user=top, organisation=world.committee, kind=Role.Kind.ADMINISTRATOR)
    as_user(top).post(url("role_create", "center", world.reviewer.pk), {"role-organisation": world.general.pk, "role-kind": "organiser"})
    assert Role.objects.filter(user=world.reviewer, organisation=world.general, kind=Role.Kind.ADMINISTRATOR).exists()


def test_a_look_alike_user_name_is_refused_by_the_account_form(world, as_user):
    client = as_user(world.organiser)
    data = {"username": "secret\u0430ry", "name": "冒名", "organisation": world.sibling.pk, "kind": "committee"}
    response = client.post(url("account_create", "hw"), data)
    assert response.status_code == 200
    assert "只能使用英文字母、数字和 . _ - 符号" in response.content.decode()
    assert not User.objects.filter(username=data["username"]).exists()


def test_an_issued_password_is_never_stored_in_the_session(world, as_user):
    from django.contrib.sessions.models import Session

    client = as_user(world.organiser)
    client.post(url("account_password", "hw", world.sibling_secretary.pk))
    world.sibling_secretary.refresh_from_db()
    assert not world.sibling_secretary.has_usable_password()  # the old one is gone, the new one not yet made
    password = client.get(url("account_detail", "hw", world.sibling_secretary.pk)).context["password"]
    assert password
    stored = "".join(str(s.get_decoded()) for s in Session.objects.all()) + str(dict(client.session))
    assert password not in stored
    # Shown to the administrator who issued it, once; nobody else sees it made again.
    assert client.get(url("account_detail", "hw", world.sibling_secretary.pk)).context["password"] is None
    assert as_user(world.admin).get(url("account_detail", "center", world.sibling_secretary.pk)).context["password"] is None
