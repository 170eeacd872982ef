import datetime

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command

from branchwork.models import Member, Organisation, PartyGroup, Role
from demo.organisations import seed_organisations

pytestmark = pytest.mark.django_db
User = get_user_model()


def snapshot() -> dict:
    """Every row the demo writes, every column, timestamps and password hashes included — except
    the branches' figure versions, cache keys that every seeding renews."""
    organisation_columns = [f.attname for f in Organisation._meta.concrete_fields if f.name != "figures_version"]
    return {
        "organisations": list(Organisation.objects.order_by("pk").values(*organisation_columns)),
        "groups": list(PartyGroup.objects.order_by("pk").values()),
        "members": list(Member.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values()),
        "roles": list(Role.objects.order_by("pk").values()),
    }


def test_seeding_twice_gives_identical_data():
    first_logins = seed_organisations()
    first = snapshot()
    second_logins = seed_organisations()
    assert second_logins == first_logins
    assert snapshot() == first


def test_seeding_repairs_edited_demo_data():
    logins = dict((u, p) for u, p, _ in seed_organisations())
    kl = Organisation.objects.get(code="kl")
    Member.objects.filter(branch=kl, name="王建国").update(post="")
    user = User.objects.get(username="kl_shuji")
    user.set_password("changed-by-someone-1")
    user.save()
    Role.objects.create(user=user, organisation=Organisation.objects.get(code="xy"), kind=Role.Kind.SECRETARY)
    seed_organisations()
    assert Member.objects.get(branch=kl, name="王建国").post == "书记"
    assert authenticate(username="kl_shuji", password=logins["kl_shuji"]) is not None
    assert list(Role.objects.filter(user=user).values_list("organisation__code", "kind")) == [
        ("kl", "secretary")
    ]


def test_the_organisation_is_the_reference_reports():
    seed_organisations()
    orgs = {o.code: o for o in Organisation.objects.select_related("parent")}
    assert set(orgs) == {"center", "hw", "kl", "xy", "jg", "skw", "lsy"}
    assert orgs["center"].name == "省高速公路服务中心党委" and orgs["center"].parent is None
    assert orgs["hw"].name == "**省高速公路处党总支" and orgs["hw"].parent == orgs["center"]
    assert {orgs[c].name for c in ("kl", "xy", "jg")} == {"kl所党支部", "xy所党支部", "处机关党支部"}
    assert all(orgs[c].parent == orgs["hw"] and orgs[c].is_branch for c in ("kl", "xy", "jg"))
    assert orgs["kl"].addressee == "" and orgs["kl"].report_addressee == "**省高速公路处党总支"
    # A branch of another kind, straight under its committee.
    assert orgs["lsy"].name == "历史研究所党支部" and orgs["lsy"].parent == orgs["skw"] and orgs["lsy"].is_branch


def test_the_research_branch_has_no_party_groups_and_a_roster_that_moved_in_2022():
    seed_organisations()
    lsy = Organisation.objects.get(code="lsy")
    members = Member.objects.filter(branch=lsy)
    assert members.count() == 10 and not PartyGroup.objects.filter(branch=lsy).exists()
    assert members.get(name="彭宇").full_on == datetime.date(2022, 6, 24)
    assert members.get(name="宋佳").transferred_in_on == datetime.date(2022, 3, 1)
    assert members.get(name="梁思远").status == Member.Status.ACTIVIST


def test_the_roster_covers_every_status_with_one_secretary_per_branch():
    seed_organisations()
    assert 28 <= Member.objects.exclude(branch__code="lsy").count() <= 32
    assert set(Member.objects.values_list("status", flat=True)) == set(Member.Status.values)
    for code in ("kl", "xy", "jg"):
        branch = Organisation.objects.get(code=code)
        assert Member.objects.filter(branch=branch, post="书记").count() == 1
        assert 1 <= PartyGroup.objects.filter(branch=branch).count() <= 3
        # every member is in a group of their own branch
        assert not Member.objects.filter(branch=branch).exclude(party_group__branch=branch).exists()


def test_kl_fits_the_2022_first_half_report():
    seed_organisations()
    kl = Organisation.objects.get(code="kl")
    members = Member.objects.filter(branch=kl)
    assert 12 <= members.count() <= 16
    assert set(members.exclude(post="").values_list("post", flat=True)) >= {
        "书记",
        "副书记",
        "组织委员",
        "宣传委员",
        "纪检委员",
    }
    groups = PartyGroup.objects.filter(branch=kl)
    assert groups.count() == 3 and set(groups.values_list("established_on", flat=True)) == {
        datetime.date(2019, 1, 1)
    }
    for member in members.party_members():
        assert member.joined_on < datetime.date(2022, 1, 1), member.name
        assert member.transferred_out_on is None or member.transferred_out_on > datetime.date(2022, 12, 31)
    gone = members.filter(transferred_out_on__isnull=False)
    assert gone.count() == 1 and gone.get().transferred_out_on.year == 2023
    assert set(members.values_list("status", flat=True)) == set(Member.Status.values)


def test_demo_logins_work_with_passwords_that_pass_the_validators():
    logins = seed_organisations()
    usernames = [username for username, _password, _description in logins]
    assert usernames == [
        "kl_shuji", "kl_zhiwei", "xy_shuji", "jg_shuji", "hw_shenyue", "lsy_shuji", "skw_shenyue", "admin"
    ]
    for username, password, description in logins:
        user = User.objects.get(username=username)
        validate_password(password, user)
        assert authenticate(username=username, password=password) == user
        assert user.first_name and description
    roles = set(Role.objects.values_list("user__username", "organisation__code", "kind"))
    assert roles == {
        ("kl_shuji", "kl", "secretary"),
        ("kl_zhiwei", "kl", "committee"),
        ("xy_shuji", "xy", "secretary"),
        ("jg_shuji", "jg", "secretary"),
        ("hw_shenyue", "hw", "reviewer"),
        ("lsy_shuji", "lsy", "secretary"),
        ("skw_shenyue", "skw", "reviewer"),
    }
    assert User.objects.get(username="admin").is_superuser


def test_seed_demo_command_twice_gives_the_same_data(capsys):
    call_command("seed_demo")
    first = snapshot()
    out = capsys.readouterr().out
    assert "kl_shuji" in out and "Hongqi-kl-2022" in out
    call_command("seed_demo")
    assert snapshot() == first
