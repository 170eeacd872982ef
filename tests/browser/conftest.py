"""Headless Chromium (Debian's) driven by Playwright for Python against pytest-django's live server.

Screenshots of the key pages go to ``test-artifacts/screenshots/`` so a person can look at them.
Every page made by ``new_page`` records what a person would never want to see happen:

- ``page.outside_requests``: any request to a host other than the live server (no CDN, ever),
  which is refused before it leaves;
- ``page.console_errors``: console errors, uncaught script errors and Content-Security-Policy
  violations, each as ``(text, url)``;
- ``page.dialogs``: the text of every ``confirm()``/``alert()``, which are accepted as a person
  answering “确定” would.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESK, PHONE = 1280, 375

pytestmark = pytest.mark.browser

# Chromium reports CSP violations on the console too; this makes sure, and names the directive.
_REPORT_CSP = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def browser():
    """Chromium for one test, started after the test's database is set up and closed before it is
    torn down.

    Playwright's sync API runs an event loop in this thread for as long as it is open, and while a
    loop runs Django hands the thread other connection objects: a serialized rollback (which puts
    back what migrations wrote, such as the default meeting rules) would silently not happen. So no
    browser may outlive a test. Django's ORM also refuses to run under a loop unless told it is
    safe; it is here, the test thread only sets up and checks data."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: run .ci/install-debian-packages")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--lang=zh-CN",
            ],
        )
        yield browser
        # The connections the test thread opened while the loop ran are other objects than its
        # own (see above): closed here, or PostgreSQL keeps them open and refuses to drop the
        # test database at the end of the run.
        connections.close_all()
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser, live_server):
    """``new_page(width=1280)`` → a page in a fresh context (its own cookies: one person)."""
    contexts = []

    def make(width: int = DESK, height: int = 900):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            accept_downloads=True,
        )
        context.add_init_script(_REPORT_CSP)
        # Nothing may leave the machine: requests to any other host are recorded and refused.
        local = (live_server.url, "data:", "blob:")
        context.route(lambda url: not url.startswith(local), lambda route: route.abort())
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        outside = []
        page.on("request", lambda r: None if r.url.startswith(local) else outside.append(r.url))
        page.outside_requests = outside
        errors = []
        page.on("console", lambda m: errors.append((m.text, page.url)) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append((f"uncaught: {e}", page.url)))
        page.console_errors = errors
        dialogs = []

        def answer(dialog):
            dialogs.append(dialog.message)
            dialog.accept()

        page.on("dialog", answer)
        page.dialogs = dialogs
        return page

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    """The whole page as a JPEG: Chromium encodes a full-page PNG (a 1280 px page can be several
    thousand pixels long) in about half a second of its CPU, a JPEG in a fraction of that, and the
    screenshots are for a person to look at — no test compares their pixels."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.jpg"
    page.screenshot(path=str(path), type="jpeg", quality=85, full_page=True, animations="disabled")
    return path


def page_width(page) -> int:
    """How wide the page lays itself out: wider than the window means sideways scrolling."""
    return page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


def overflowing(page, width: int) -> list[str]:
    """Elements sticking out past ``width`` that no scroll box clips, for a readable failure.

    An absolutely positioned element (such as a ``.visually-hidden`` label) is clipped only by a
    scroll box that is, or sits inside, its containing block."""
    return page.evaluate(
        """(width) => {
          const out = [];
          for (const el of document.body.querySelectorAll("*")) {
            const r = el.getBoundingClientRect();
            if (r.right <= width + 1 || r.width === 0) continue;
            let loose = ["absolute", "fixed"].includes(getComputedStyle(el).position), clipped = false;
            for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
              const s = getComputedStyle(p);
              if (loose && s.position !== "static") loose = false;
              if (!loose && s.overflowX !== "visible" && p.getBoundingClientRect().right <= width + 1) { clipped = true; break; }
            }
            if (!clipped) out.push(el.tagName.toLowerCase() + (el.className ? "." + String(el.className).trim().split(/\\s+/).join(".") : "")
              + " right=" + Math.round(r.right));
          }
          return out.slice(0, 8);
        }""",
        width,
    )


def look(page, name: str, *, phone: bool = True) -> None:
    """Save the page as a person sees it at a desk (1280 px) and, for the main pages, on a phone
    (375 px), where nothing may make the page scroll sideways. The page is not reloaded: what was
    typed stays, and pages must cope with a window that changes width (a phone turned upright)."""
    screenshot(page, f"{name}-{DESK}")
    if not phone:
        return
    desk = page.viewport_size
    page.set_viewport_size({"width": PHONE, "height": 800})
    if page.locator("#report-editor").count():
        page.wait_for_timeout(150)  # the editor refits its text fields once the resizing settles
    screenshot(page, f"{name}-{PHONE}")
    width = page_width(page)
    assert width <= PHONE, (
        f"{name}: {width} px wide on a {PHONE} px phone; sticking out: {overflowing(page, PHONE)}"
    )
    page.set_viewport_size(desk)


def login(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
