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
