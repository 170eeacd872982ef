"""Phone width, and the reviewer who never misses a waiting report.

On a 375 px phone the compliance calendar, the roster and the reviewer's lists are read without
scrolling sideways — not the page, and not a table inside a scroll box either — and every button
of the page is on the screen. Each page is saved at 1280 and 375 px (``test-artifacts/screenshots``).

The reviewer journey: a report of a past half-year is submitted; the first screen the reviewer sees
after logging in lists it, the navigation counts it, and the inbox links to it; returned, it is
in the secretary's inbox.
"""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from activities.models import Outlet
from branchwork.models import Organisation, Role
from branchwork.periods import Period
from reports import services
from tests.factories import BranchFactory, GeneralBranchFactory, RoleFactory

from .conftest import DESK, PHONE, login, overflowing, page_width, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SECRETARY = ("kl_shuji", "Hongqi-kl-2022")
REVIEWER = ("hw_shenyue", "Hongqi-hw-2022")


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", stdout=io.StringIO())
    return Organisation.objects.get(code="kl")


def sideways_scrollers(page) -> list[str]:
    """Boxes inside the page that scroll sideways (a table wider than its ``.table-responsive``)."""
    return page.evaluate(
        """() => [...document.querySelectorAll("main *")].filter(el => {
            const x = getComputedStyle(el).overflowX;
            return (x === "auto" || x === "scroll") && el.scrollWidth > el.clientWidth + 1 && el.offsetParent !== null;
          }).map(el => el.tagName.toLowerCase() + "." + String(el.className).trim().split(/\\s+/).join(".")
                 + " " + el.scrollWidth + ">" + el.clientWidth)"""
    )


def buttons_off_screen(page, width: int) -> list[str]:
    """Visible buttons (and links styled as buttons) of the page not wholly inside the window."""
    return page.evaluate(
        """(width) => [...document.querySelectorAll("main .btn, main button, main input[type=submit]")]
          .filter(el => el.offsetParent !== null && getComputedStyle(el).visibility !== "hidden")
          .filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && (r.left < -1 || r.right > width + 1); })
          .map(el => el.textContent.trim().slice(0, 20) + " right=" + Math.round(el.getBoundingClientRect().right))""",
        width,
    )


def visible_buttons(page) -> int:
    return page.evaluate(
        """() => [...document.querySelectorAll("main .btn, main button")].filter(el => el.offsetParent !== null).length"""
    )


def fits_a_phone(page, name: str) -> None:
    """Saved at a desk and on a phone; on the phone nothing scrolls sideways and every button is
    on the screen."""
    screenshot(page, f"{name}-{DESK}")
    page.set_viewport_size({"width": PHONE, "height": 800})
    screenshot(page, f"{name}-{PHONE}")
    width = page_width(page)
    assert width <= PHONE, f"{name}: {width} px wide; sticking out: {overflowing(page, PHONE)}"
    assert sideways_scrollers(page) == [], f"{name}: scrolls sideways inside: {sideways_scrollers(page)}"
    assert buttons_off_screen(page, PHONE) == [], f"{name}: buttons off the screen: {buttons_off_screen(page, PHONE)}"
    page.set_viewport_size({"width": DESK, "height": 900})


def assert_clean(page) -> None:
    assert page.outside_requests == [], page.outside_requests
    assert page.console_errors == [], page.console_errors


def nav(page):
    return page.get_by_role("navigation", name="主导航")


def test_the_reviewers_first_screen_shows_a_report_of_a_past_period(new_page, live_server, demo):
    past = Period.containing(timezone.localdate()).previous()
    secretary = get_user_model().objects.get(username=SECRETARY[0])
    report = services.report_create(branch=demo, period=past, by=secretary)
    services.report_submit(report=report, by=secretary)

    reviewer = new_page()
    login(reviewer, live_server, *REVIEWER)
    # The first screen after logging in: the dashboard of the current half-year…
    current = Period.containing(timezone.localdate())
    reviewer.get_by_role("heading", name=re.compile(f"{current.long_label}工作总结$")).wait_for()
    # …whose queue lists the past period's report first, with its period.
    queue = reviewer.get_by_role("region", name=re.compile("^待审阅"))
    assert "待审阅（1）" in queue.inner_text()
    item = queue.get_by_role("listitem").first
    assert "kl所党支部" in item.inner_text() and past.long_label in item.inner_text()
    # The navigation counts it, on every page.
    assert "1份待审阅" in nav(reviewer).get_by_role("link", name=re.compile("审阅")).inner_text().replace("\n", "")
    fits_a_phone(reviewer, "p1-review-dashboard")

    # The inbox says so too, and opens the review page.
    nav(reviewer).get_by_role("link", name=re.compile("^消息")).click()
    reviewer.get_by_role("heading", name=re.compile("^消息")).wait_for()
    fits_a_phone(reviewer, "p1-reviewer-inbox")
    reviewer.get_by_role("button", name=re.compile("^去审阅")).click()
    reviewer.get_by_role("heading", name=re.compile("^审阅：kl所党支部")).wait_for()
    assert past.long_label in reviewer.content()

    # Returned with a comment: the secretary is told, and the message leads to the report.
    reviewer.get_by_label("总体意见").fill("请补充下半年理论学习的具体成效。")
    reviewer.get_by_role("button", name="退回修改").click()
    reviewer.get_by_text("该报告已退回修改").wait_for()
    assert "份待审阅" not in nav(reviewer).inner_text()

    page = new_page()
    login(page, live_server, *SECRETARY)
    inbox = nav(page).get_by_role("link", name=re.compile("^消息"))
    assert "1条未读" in inbox.inner_text().replace("\n", "").replace(" ", "")
    inbox.click()
    assert "请补充下半年理论学习的具体成效。" in page.get_by_role("list", name="消息列表").get_by_role("listitem").first.inner_text()
    fits_a_phone(page, "p1-secretary-inbox")
    page.get_by_role("button", name=re.compile("^查看总结")).click()
    page.get_by_role("heading", name="第1版已退回修改").wait_for()
    assert "条未读" not in nav(page).inner_text()
    for each in (reviewer, page):
        assert_clean(each)


def test_calendar_roster_and_review_lists_fit_a_phone(new_page, live_server, demo):
    page = new_page()
    login(page, live_server, *SECRETARY)
    page.get_by_role("heading", name="kl所党支部", level=1).wait_for()
    calendar = page.get_by_role("region", name=re.compile("三会一课合规日历"))
    assert calendar.get_by_role("rowheader", name=re.compile("^党课")).count() == 1
    fits_a_phone(page, "p2-branch-home")

    page.goto(f"{live_server.url}/b/kl/compliance/")
    page.get_by_role("heading", name="三会一课合规日历", level=1).wait_for()
    lectures = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile("^党课")))
    assert "未规定频次" in lectures.inner_text()
    fits_a_phone(page, "p2-compliance")
    page.goto(f"{live_server.url}/b/kl/compliance/?period={timezone.localdate().year}")  # twelve months
    page.get_by_role("heading", name="三会一课合规日历", level=1).wait_for()
    fits_a_phone(page, "p2-compliance-year")

    # The roster: every member's 编辑 and 转出 on the screen.
    page.goto(f"{live_server.url}/b/kl/members/")
    page.get_by_role("heading", name="kl所党支部花名册").wait_for()
    page.set_viewport_size({"width": PHONE, "height": 800})
    edit = page.get_by_role("link", name=re.compile("^编辑"))
    transfer = page.get_by_role("link", name=re.compile("^转出"))
    assert edit.count() > 5 and transfer.count() > 5
    for button in (edit.first, edit.last, transfer.last):
        box = button.bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE, box
    page.set_viewport_size({"width": DESK, "height": 900})
    fits_a_phone(page, "p2-roster")

    # A branch's outlets, and adding one of its own.
    page.goto(f"{live_server.url}/b/kl/outlets/")
    page.get_by_role("heading", name="宣传媒体", level=1).wait_for()
    fits_a_phone(page, "p2-branch-outlets")
    page.get_by_role("link", name="添加本支部媒体").click()
    page.get_by_label("媒体名称").fill("kl所微信公众号")
    page.get_by_label("级别").select_option("地方")
    fits_a_phone(page, "p2-branch-outlet-form")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已登记本支部的媒体").wait_for()
    assert Outlet.objects.filter(organisation=demo, name="kl所微信公众号").exists()
    page.goto(f"{live_server.url}/b/kl/publicity/new/")
    page.get_by_role("heading", name="登记新闻宣传稿件").wait_for()
    fits_a_phone(page, "p2-publicity-form")
    assert_clean(page)

    reviewer = new_page()
    login(reviewer, live_server, *REVIEWER)
    reviewer.get_by_role("heading", name=re.compile("工作总结$")).wait_for()
    fits_a_phone(reviewer, "p2-review-dashboard")
    reviewer.goto(f"{live_server.url}/o/hw/compliance/")
    reviewer.get_by_role("heading", name="下属党支部三会一课合规情况").wait_for()
    fits_a_phone(reviewer, "p2-compliance-overview")
    reviewer.goto(f"{live_server.url}/o/hw/outlets/")
    reviewer.get_by_role("heading", name="宣传媒体名录").wait_for()
    assert "kl所微信公众号" in reviewer.content()  # the branch's own, seen above
    fits_a_phone(reviewer, "p2-org-outlets")
    assert_clean(reviewer)


def test_a_new_general_branch_starts_with_outlets_and_its_branch_records_news(new_page, live_server, demo):
    """A 党总支 set up after the demo: its registry is offered in one click, and a branch below it
    records a piece with no outlet of its superiors' at all."""
    center = Organisation.objects.get(code="center")
    general = GeneralBranchFactory(name="省路网监测中心党总支", code="lw", parent=center)
    branch = BranchFactory(name="监测一室党支部", code="lw1", parent=general)
    secretary = get_user_model().objects.create_user("lw1_shuji", password="Hongqi-lw1-2022")
    RoleFactory(user=secretary, organisation=branch, kind=Role.Kind.SECRETARY)

    page = new_page()
    login(page, live_server, "lw1_shuji", "Hongqi-lw1-2022")
    page.goto(f"{live_server.url}/b/lw1/publicity/")
    page.get_by_text("上级党组织尚未登记宣传媒体").wait_for()
    fits_a_phone(page, "p3-publicity-no-outlets")
    page.get_by_role("link", name="添加本支部媒体").first.click()
    page.get_by_label("媒体名称").fill("监测中心微信公众号")
    page.get_by_label("级别").select_option("行业")
    page.get_by_role("button", name="保存并登记稿件").click()
    page.get_by_role("heading", name="登记新闻宣传稿件").wait_for()
    assert page.get_by_label("发布媒体", exact=True).input_value() != ""  # the new outlet, chosen
    page.get_by_label("标题").fill("监测一室开展路网保畅")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("已登记稿件").wait_for()
    assert_clean(page)

    # The general branch's registry is empty: one click gives it the usual outlets, its own
    # website among them, and shows what its branch added.
    reviewer = get_user_model().objects.create_user("lw_shenyue", password="Hongqi-lw-2022")
    RoleFactory(user=reviewer, organisation=general, kind=Role.Kind.REVIEWER)
    page = new_page()
    login(page, live_server, "lw_shenyue", "Hongqi-lw-2022")
    page.goto(f"{live_server.url}/o/lw/outlets/")
    page.get_by_role("button", name="添加常用媒体").wait_for()
    assert "监测中心微信公众号" in page.content()
    fits_a_phone(page, "p3-org-outlets-empty")
    page.get_by_role("button", name="添加常用媒体").click()
    page.get_by_text("已登记11个常用媒体").wait_for()
    assert page.get_by_role("cell", name="省路网监测中心网站和微信公众号", exact=True).is_visible()
    fits_a_phone(page, "p3-org-outlets-defaults")
    assert_clean(page)


def test_the_rectification_ledger_fits_a_phone(new_page, live_server, demo):
    """The 整改台账 from the branch home, an entry of it, and 列入整改台账 from a 组织生活会."""
    page = new_page()
    login(page, live_server, *SECRETARY)
    page.get_by_role("heading", name="kl所党支部", level=1).wait_for()
    page.get_by_role("link", name=re.compile("^整改台账（")).click()
    page.get_by_role("heading", name="整改台账", level=1).wait_for()
    assert "党建与业务工作融合方面，工作措施和力度不够" in page.content()
    fits_a_phone(page, "p4-rectification-ledger")
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.get_by_role("link", name="党建与业务工作融合方面，工作措施和力度不够").first.click()
    page.get_by_role("heading", name="党建与业务工作融合方面，工作措施和力度不够", level=1).wait_for()
    page.set_viewport_size({"width": DESK, "height": 900})
    fits_a_phone(page, "p4-rectification-entry")
    org_life = demo.activities.filter(kind="org_life").first()
    page.goto(f"{live_server.url}/b/kl/records/{org_life.pk}/")
    page.get_by_role("link", name="列入整改台账").click()
    page.get_by_role("heading", name="列入整改台账", level=1).wait_for()
    fits_a_phone(page, "p4-rectification-open")
    assert_clean(page)
