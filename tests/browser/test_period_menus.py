"""An earlier year chosen from a period menu, as a secretary at a desk and a reviewer on a phone
would: the menu lists every period since the first record, grouped by year, and choosing one shows
that period's figures."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, PublicityEntry
from branchwork.models import Organisation
from branchwork.periods import Period

from .conftest import PHONE, login
from .test_phone_width import fits_a_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SECRETARY = ("kl_shuji", "Hongqi-kl-2022")
REVIEWER = ("hw_shenyue", "Hongqi-hw-2022")


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", stdout=io.StringIO())
    return Organisation.objects.get(code="kl")


def year_groups(page, select: str) -> list[str]:
    return page.locator(f"{select} optgroup").evaluate_all("groups => groups.map(g => g.label)")


def test_a_secretary_chooses_an_earlier_half_year_from_the_home_pages_menu(new_page, live_server, demo):
    h1 = Period(2022, "H1")
    records = Activity.objects.for_branch(demo).in_period(h1).count()
    page = new_page()
    login(page, live_server, *SECRETARY)
    page.goto(live_server.url + reverse("activities:branch_home", args=["kl"]))

    this_year = timezone.localdate().year
    assert year_groups(page, "#period-select") == [f"{year}年" for year in range(this_year, 2021, -1)]
    page.get_by_label("期间", exact=True).select_option(label="2022年上半年")
    page.get_by_role("button", name="查看").click()

    page.get_by_role("heading", name="2022年上半年工作记录").wait_for()
    assert page.url.endswith("?period=2022H1")
    assert page.get_by_role("link", name=f"全部 {records} 条记录 →").is_visible()
    assert page.get_by_label("期间", exact=True).input_value() == "2022H1"


def test_a_reviewer_on_a_phone_chooses_an_earlier_year_for_the_roll_up(new_page, live_server, demo):
    year = Period(2022)
    published = PublicityEntry.objects.for_branch(demo).in_period(year).aggregate(n=Sum("count"))["n"]
    page = new_page(width=PHONE)
    login(page, live_server, *REVIEWER)

    page.get_by_label("期间", exact=True).select_option("2022")
    page.get_by_role("button", name="查看").click()

    page.get_by_role("heading", name="省高速公路处党总支 · 2022年全年工作总结").wait_for()
    row = page.locator("tr", has=page.get_by_role("link", name="kl所党支部"))
    assert row.locator('td[data-label="新闻宣传"]').inner_text() == str(published)
    assert page.get_by_label("期间", exact=True).input_value() == "2022"
    fits_a_phone(page, "p1-review-dashboard-2022")
