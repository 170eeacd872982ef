"""The journeys' checks can fail: the harness sees what it is meant to catch."""

import pytest
from playwright.sync_api import Error as PlaywrightError

from .conftest import PHONE, page_width

# serialized_rollback: the flush after each transactional test also empties what migrations put
# in (the default meeting rules of the compliance calendar); this brings it back first.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_harness_records_refused_outside_requests_and_csp_violations(new_page, live_server):
    page = new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.outside_requests == [] and page.console_errors == []

    # An inline script, as a careless template might add: refused by the Content-Security-Policy.
    with page.expect_console_message(lambda message: "CSP violation" in message.text):
        page.evaluate("""() => {
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = true";
            document.head.appendChild(script);
        }""")
    assert page.evaluate("window.inlineRan") is None
    assert any("CSP violation: script-src" in text for text, _ in page.console_errors), page.console_errors

    # A page from outside (a CDN, say): recorded, and refused before it leaves the machine.
    with pytest.raises(PlaywrightError):
        page.goto("https://cdn.example.com/bootstrap.min.css")
    assert page.outside_requests == ["https://cdn.example.com/bootstrap.min.css"]


def test_harness_measures_a_page_wider_than_a_phone(new_page, live_server):
    page = new_page(width=PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    assert page_width(page) == PHONE
    page.evaluate("""() => {
        const wide = document.createElement("div");
        wide.style.width = "600px";
        wide.textContent = "宽";
        document.querySelector("main").appendChild(wide);
    }""")
    assert page_width(page) > PHONE
