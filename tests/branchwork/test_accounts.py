import pytest
from django.urls import reverse

from branchwork import access
from branchwork.models import Organisation
from demo.organisations import seed_organisations
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_in_chinese(client):
    content = client.get(reverse("login")).content.decode()
    assert '<html lang="zh-CN">' in content
    assert "登录支部工作台" in content and "用户名" in content and "密码" in content


def test_wrong_password_is_explained_in_chinese(client, world):
    response = client.post(reverse("login"), {"username": "secretary", "password": "wrong-one"})
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in response.content.decode()


def test_password_change_page_is_in_chinese(world, as_user):
    content = as_user(world.secretary).get(reverse("password_change")).content.decode()
    assert "修改密码" in content and "旧密码" in content and "新密码" in content


def test_five_failed_logins_lock_the_account_even_for_the_right_password(client, world, settings):
    settings.AXES_ENABLED = True
    for _ in range(5):
        client.post(reverse("login"), {"username": "secretary", "password": "wrong-one"})
    response = client.post(reverse("login"), {"username": "secretary", "password": PASSWORD})
    assert response.status_code in (403, 429)
    content = response.content.decode()
    assert "登录失败次数过多" in content and "连续 5 次登录失败" in content and "暂停 15 分钟" in content
    assert "_auth_user_id" not in client.session


def test_the_right_password_works_before_the_limit(client, world, settings):
    settings.AXES_ENABLED = True
    for _ in range(4):
        client.post(reverse("login"), {"username": "secretary", "password": "wrong-one"})
    response = client.post(reverse("login"), {"username": "secretary", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.secretary.pk)


def test_logging_in_as_the_demo_secretary_shows_only_their_branch(client):
    logins = {username: password for username, password, _ in seed_organisations()}
    response = client.post(reverse("login"), {"username": "kl_shuji", "password": logins["kl_shuji"]})
    assert response.status_code == 302

    home = client.get(reverse("home"))
    assert home.status_code == 302 and home.url == reverse("activities:branch_home", args=["kl"])

    roster = client.get(reverse("roster:member_list", args=["kl"]))
    content = roster.content.decode()
    assert "王建国" in content and "kl所党支部" in content
    assert "xy所党支部" not in content and "处机关党支部" not in content and "赵卫东" not in content
    for code in ("xy", "jg"):
        assert client.get(reverse("roster:member_list", args=[code])).status_code == 404

    user = roster.wsgi_request.user
    assert list(access.visible_branches(user)) == [Organisation.objects.get(code="kl")]


def test_the_demo_reviewer_sees_the_three_branches_read_only(client):
    logins = {username: password for username, password, _ in seed_organisations()}
    client.post(reverse("login"), {"username": "hw_shenyue", "password": logins["hw_shenyue"]})
    for code in ("kl", "xy", "jg"):
        assert client.get(reverse("roster:member_list", args=[code])).status_code == 200
        assert client.get(reverse("roster:member_create", args=[code])).status_code == 403


def test_an_english_browser_still_gets_chinese(client, world):
    response = client.post(
        reverse("login"),
        {"username": "secretary", "password": "wrong-one"},
        HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9",
    )
    assert "请输入一个正确的用户名和密码" in response.content.decode()
    client.force_login(world.admin)
    admin = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans"' in admin and "支部工作台 · 系统管理" in admin and "修改密码" in admin


def _issued_login(client, world):
    """The secretary logs in on a password an administrator issued."""
    from branchwork.accounts import account_reset_password, issued_password_reveal

    account_reset_password(user=world.secretary, organisation=world.branch, by=world.organiser)
    password = issued_password_reveal(user=world.secretary, by=world.organiser)
    assert client.post(reverse("login"), {"username": "secretary", "password": password}).status_code == 302
    return password


def test_opening_the_done_page_directly_does_not_skip_the_first_password_change(client, world):
    from branchwork.models import IssuedPassword

    _issued_login(client, world)
    done = client.get(reverse("password_change_done"))
    assert done.status_code == 302 and done.url == reverse("password_change")
    assert client.get(reverse("home")).url == reverse("password_change")
    assert client.get(reverse("activities:branch_home", args=["kl"])).url == reverse("password_change")
    assert IssuedPassword.objects.filter(user=world.secretary).exists()


def test_the_password_change_form_locks_after_five_wrong_old_passwords(client, world, settings):
    settings.AXES_ENABLED = True
    client.force_login(world.secretary)
    new = {"new_password1": "my-own-Secret-42", "new_password2": "my-own-Secret-42"}
    for _ in range(5):
        response = client.post(reverse("password_change"), {"old_password": "wrong-guess", **new})
    response = client.post(reverse("password_change"), {"old_password": PASSWORD, **new})
    assert response.status_code in (403, 429)
    assert "登录失败次数过多" in response.content.decode()
    world.secretary.refresh_from_db()
    assert world.secretary.check_password(PASSWORD) and not world.secretary.check_password(new["new_password1"])


def test_the_password_change_works_before_the_limit(client, world, settings):
    settings.AXES_ENABLED = True
    client.force_login(world.secretary)
    new = {"new_password1": "my-own-Secret-42", "new_password2": "my-own-Secret-42"}
    for _ in range(4):
        assert client.post(reverse("password_change"), {"old_password": "wrong-guess", **new}).status_code == 200
    assert client.post(reverse("password_change"), {"old_password": PASSWORD, **new}).status_code == 302
    world.secretary.refresh_from_db()
    assert world.secretary.check_password(new["new_password1"])
