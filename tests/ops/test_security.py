"""Production security: the documented production variables pass ``check --deploy`` with no
warning; cookies, HSTS, frames and the Content-Security-Policy are what they should be on real
responses; no template carries inline script; logins are throttled; weak passwords are refused."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from branchwork.periods import Period
from reports import services as report_services
from tests.conftest import PASSWORD
from tests.factories import ActivityFactory, MemberFactory, OutletFactory, PublicityEntryFactory

from .envs import BASE_DIR, load_settings, production_env

TEMPLATES_DIR = BASE_DIR / "templates"


def run_check_deploy(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- check --deploy with the README's variables ---------------------------------------------------


@pytest.mark.slow  # manage.py in a process of its own
def test_readme_production_variables_pass_check_deploy_with_no_warning():
    env = production_env()
    assert env["DEBUG"] == "0"
    result = run_check_deploy(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.slow
def test_scale_out_variables_pass_check_deploy_too():
    env = production_env(scale_out=True)
    assert env["REDIS_URL"].startswith("redis://") and env["S3_BUCKET"]
    result = run_check_deploy(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_settings(**env)


# --- the production settings' values ---------------------------------------------------------------


@pytest.fixture(scope="module")
def production():
    return load_settings(**production_env())


def test_cookies_are_secure_and_http_only_in_production(production):
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["CSRF_COOKIE_HTTPONLY"] is True


def test_https_is_enforced_with_a_year_of_hsts(production):
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_sessions_expire_after_a_working_day_and_at_browser_close(production):
    assert production["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    assert 0 < production["SESSION_COOKIE_AGE"] <= 12 * 3600


def test_frames_are_denied_and_scripts_come_only_from_the_site(production):
    assert production["X_FRAME_OPTIONS"] == "DENY"
    directives = production["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "csp.middleware.CSPMiddleware" in production["MIDDLEWARE"]


# --- real responses under the production header settings -------------------------------------------


@pytest.fixture
def production_headers(settings, production):
    for name in (
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_SSL_REDIRECT",
    ):
        setattr(settings, name, production[name])


def test_a_plain_http_request_is_redirected_to_https(client, production_headers):
    response = client.get(reverse("login"))
    assert response.status_code == 301 and response["Location"].startswith("https://")


def test_login_over_https_sets_secure_http_only_cookies_and_hsts(client, world, production_headers):
    page = client.get(reverse("login"), secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert page["X-Frame-Options"] == "DENY"
    response = client.post(reverse("login"), {"username": "secretary", "password": PASSWORD}, secure=True)
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert session["max-age"] == ""  # a browser-session cookie: gone when the browser closes
    assert client.cookies["csrftoken"]["secure"]


# --- Content-Security-Policy on every main page ------------------------------------------------------


def _policy(header: str) -> dict[str, list[str]]:
    policy = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            policy[words[0]] = words[1:]
    return policy


@pytest.fixture
def pages(world):
    """Every main page, with something on it."""
    activity = ActivityFactory(branch=world.branch, kind="study", title="学习会")
    MemberFactory(branch=world.branch, name="甲")
    PublicityEntryFactory(branch=world.branch, outlet=OutletFactory(organisation=world.general))
    report_services.report_create(branch=world.branch, period=Period(2022, "H1"), by=world.secretary)
    kl = ["kl"]
    return {
        "secretary": [
            reverse("activities:branch_home", args=kl),
            reverse("activities:activity_list", args=kl),
            reverse("activities:activity_detail", args=["kl", activity.pk]),
            reverse("activities:activity_update", args=["kl", activity.pk]),
            reverse("activities:activity_create", args=["kl", "themed_day"]),
            reverse("activities:activity_attendance", args=["kl", activity.pk]),
            reverse("activities:publicity_list", args=kl),
            reverse("roster:member_list", args=kl),
            reverse("reports:report_list", args=kl),
            reverse("reports:report_edit", args=["kl", "2022H1"]),
            reverse("reports:report_preview", args=["kl", "2022H1"]),
            reverse("audit:branch_log", args=kl),
            reverse("password_change"),
        ],
        "reviewer": [
            reverse("reports:review_dashboard", args=["hw"]),
            reverse("activities:compliance_overview", args=["hw"]),
            reverse("activities:rule_list", args=["hw"]),
            reverse("activities:outlet_list", args=["hw"]),
            reverse("audit:organisation_log", args=["hw"]),
        ],
        "admin": [
            reverse("home"),
            reverse("admin:index"),
            reverse("admin:branchwork_organisation_changelist"),
            reverse("admin:audit_auditentry_changelist"),
        ],
    }


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.IGNORECASE)


def test_every_main_page_carries_the_policy_and_no_inline_script(world, client, pages):
    checked = 0
    for role, urls in pages.items():
        client.force_login(
            {"secretary": world.secretary, "reviewer": world.reviewer, "admin": world.admin}[role]
        )
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            policy = _policy(response["Content-Security-Policy"])
            assert policy["script-src"] == ["'self'"], url
            assert policy["default-src"] == ["'self'"], url
            assert policy["frame-ancestors"] == ["'none'"], url
            html = response.content.decode()
            assert not INLINE_SCRIPT.search(html), f"{url}: {INLINE_SCRIPT.search(html).group(0)}"
            assert not EVENT_HANDLER.search(html), f"{url}: {EVENT_HANDLER.search(html).group(0)}"
            for src in re.findall(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", html):
                assert src.startswith("/") and not src.startswith("//"), (
                    f"{url} loads a script from elsewhere: {src}"
                )
            checked += 1
    client.logout()
    login = client.get(reverse("login"))
    assert "Content-Security-Policy" in login and not INLINE_SCRIPT.search(login.content.decode())
    assert checked == sum(len(urls) for urls in pages.values())


def _templates() -> list[Path]:
    return sorted(TEMPLATES_DIR.rglob("*.html"))


def test_no_template_has_an_inline_script_or_event_handler():
    assert len(_templates()) > 40  # the scan really reads the project's templates
    problems = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for pattern, what in ((INLINE_SCRIPT, "inline <script>"), (EVENT_HANDLER, "on*= handler")):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(BASE_DIR)}:{line}: {what}: {match.group(0)[:80]}")
        if re.search(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", text, re.IGNORECASE):
            problems.append(f"{path.relative_to(BASE_DIR)}: javascript: URL")
    assert not problems, "\n".join(problems)


def test_the_scan_catches_what_it_looks_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search('<script type="module">x()</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/js/a.js"></script>')
    assert not INLINE_SCRIPT.search('<script id="data" type="application/json">{}</script>')
    assert EVENT_HANDLER.search('<button class="btn" onclick="go()">')
    assert EVENT_HANDLER.search("<img src=x onerror=alert(1)>")
    assert not EVENT_HANDLER.search('<a href="/once">one</a> <input data-onload="x">')


# --- login throttling ---------------------------------------------------------------------------------


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    return settings.AXES_FAILURE_LIMIT


def test_after_the_failure_limit_even_the_right_password_gets_the_lockout_page(client, world, axes_on):
    url = reverse("login")
    for _ in range(axes_on - 1):
        assert client.post(url, {"username": "secretary", "password": "wrong-password-1"}).status_code == 200
    assert client.post(url, {"username": "secretary", "password": "wrong-password-1"}).status_code == 429
    response = client.post(url, {"username": "secretary", "password": PASSWORD})
    assert response.status_code == 429
    html = response.content.decode()
    assert "登录失败次数过多，已暂时锁定" in html and "15 分钟" in html
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302  # still not logged in


def test_one_failure_short_of_the_limit_the_right_password_still_works(client, world, axes_on):
    url = reverse("login")
    for _ in range(axes_on - 1):
        client.post(url, {"username": "secretary", "password": "wrong-password-1"})
    assert client.post(url, {"username": "secretary", "password": PASSWORD}).status_code == 302


def test_a_lockout_is_per_account_and_address_not_everyone(client, world, axes_on):
    url = reverse("login")
    for _ in range(axes_on):
        client.post(url, {"username": "secretary", "password": "wrong-password-1"}, REMOTE_ADDR="10.0.0.9")
    assert (
        client.post(url, {"username": "member", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9").status_code
        == 302
    )
    client.logout()
    other_desk = client.post(url, {"username": "secretary", "password": PASSWORD}, REMOTE_ADDR="10.0.0.10")
    assert other_desk.status_code == 302


# --- passwords ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("Hq-2022", "密码长度太短"),
        ("123456789012", "只包含数字"),
        ("password123", "太常见"),
        ("secretary-1", "相似"),
    ],
)
def test_a_weak_new_password_is_refused_in_chinese(world, as_user, new_password, message):
    client = as_user(world.secretary)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["new_password2"])
    assert message in errors, errors
    assert "password" not in errors.lower().replace(new_password, "")  # no English fallback
    world.secretary.refresh_from_db()
    assert world.secretary.check_password(PASSWORD)


def test_a_strong_new_password_is_accepted(world, as_user):
    client = as_user(world.secretary)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Hongqi-piao-piao-2026",
            "new_password2": "Hongqi-piao-piao-2026",
        },
    )
    assert response.status_code == 302
    world.secretary.refresh_from_db()
    assert world.secretary.check_password("Hongqi-piao-piao-2026")


# --- error pages --------------------------------------------------------------------------------


def _assert_security_headers(response):
    assert response["X-Frame-Options"] == "DENY"
    policy = _policy(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_500_from_a_view_carries_the_security_headers(world, client, monkeypatch):
    from activities import views

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views, "period_from_query", broken)
    client.force_login(world.secretary)
    client.raise_request_exception = False
    response = client.get(reverse("activities:branch_home", args=["kl"]))
    assert response.status_code == 500
    _assert_security_headers(response)


def test_a_500_from_outside_the_view_carries_the_security_headers(world, client, monkeypatch):
    """The probe's 500s without CSP or X-Frame-Options came from below the views: the session
    saved after the response (``database is locked``), outside the middleware that add them."""
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.db import OperationalError

    def locked(self, request, response):
        raise OperationalError("database is locked")

    client.force_login(world.secretary)
    monkeypatch.setattr(SessionMiddleware, "process_response", locked)
    client.raise_request_exception = False
    response = client.get(reverse("activities:branch_home", args=["kl"]))
    assert response.status_code == 500
    assert "系统暂时出现问题" in response.content.decode()
    _assert_security_headers(response)
