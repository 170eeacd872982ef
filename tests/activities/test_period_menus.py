"""Every period menu offers each period from the earliest record the user can see to the current
one, grouped by year; the pages accept exactly those and explain any other ``?period=``."""

import datetime
import re

import pytest
from django.urls import reverse

from activities.periods import first_record_date, period_range
from branchwork.periods import Period
from tests.factories import ActivityFactory, PublicityEntryFactory

D = datetime.date
THIS_HALF = Period.containing(datetime.date.today())


def offered(html: str, select_id: str) -> dict[str, list[str]]:
    """The <select>'s options by <optgroup> label."""
    select = re.search(rf'<select[^>]*id="{select_id}".*?</select>', html, re.S)
    assert select, f"no menu #{select_id}"
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select[0], re.S)
    return {label: re.findall(r'<option value="([^"]*)"', body) for label, body in groups}


@pytest.fixture
def old_records(world):
    """kl has a record of 2019 and one of 2022; the sibling's publicity goes back to 2017; the far
    branch (another 党总支) one of 2010."""
    ActivityFactory(branch=world.branch, date=D(2019, 9, 20), title="2019年的学习会")
    ActivityFactory(branch=world.branch, date=D(2022, 3, 15), title="2022年的学习会")
    PublicityEntryFactory(branch=world.sibling, date=D(2017, 4, 1))
    ActivityFactory(branch=world.far, date=D(2010, 1, 5))


@pytest.mark.parametrize(
    ("url", "select_id"),
    [
        ("activities:branch_home", "period-select"),
        ("activities:compliance", "period-select"),
        ("activities:ledger_index", "period-select"),
        ("activities:activity_list", "id_period"),
        ("activities:publicity_list", "id_period"),
    ],
)
def test_each_branch_menu_runs_from_the_first_records_year_to_now(old_records, world, as_user, url, select_id):
    html = as_user(world.secretary).get(reverse(url, args=["kl"])).content.decode()
    menu = offered(html, select_id)
    years = list(menu)
    assert years[0] == f"{THIS_HALF.year}年" and years[-1] == "2019年"
    assert len(years) == THIS_HALF.year - 2019 + 1
    assert menu["2019年"] == ["2019", "2019H1", "2019H2"]
    assert "2018H2" not in str(menu)


def test_an_earlier_year_chosen_shows_that_periods_figures(old_records, world, as_user):
    html = as_user(world.secretary).get(reverse("activities:branch_home", args=["kl"]), {"period": "2019H2"}).content.decode()
    assert '<option value="2019H2" selected>' in html
    assert "2019年下半年工作记录" in html
    assert "全部 1 条记录" in html
    listing = as_user(world.secretary).get(reverse("activities:activity_list", args=["kl"]), {"period": "2019H2"})
    assert "2019年的学习会" in listing.content.decode() and "2022年的学习会" not in listing.content.decode()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("2018H1", "2018年上半年早于最早的记录，可查看的期间为2019年至"),
        ("2099H1", "2099年上半年尚未开始"),
        ("2022H7", "无法识别的期间“2022H7”"),
    ],
)
def test_a_period_outside_the_menu_is_explained_not_a_500(old_records, world, as_user, code, message):
    for url in ("activities:branch_home", "activities:compliance", "activities:ledger_index"):
        response = as_user(world.secretary).get(reverse(url, args=["kl"]), {"period": code}, follow=True)
        html = response.content.decode()
        assert response.status_code == 200
        assert message in html, url
        assert f'<option value="{THIS_HALF.code}" selected>' in html  # the current half-year shown
    for url in ("activities:activity_list", "activities:publicity_list"):
        response = as_user(world.secretary).get(reverse(url, args=["kl"]), {"period": code})
        assert response.status_code == 200 and message in response.content.decode(), url


def test_the_reviewers_menus_run_from_the_earliest_record_below_them(old_records, world, as_user):
    client = as_user(world.reviewer)
    dashboard = client.get(reverse("reports:review_dashboard", args=["hw"])).content.decode()
    assert list(offered(dashboard, "review-period"))[-1] == "2017年"  # the sibling's publicity
    overview = client.get(reverse("activities:compliance_overview", args=["hw"])).content.decode()
    assert list(offered(overview, "period-select"))[-1] == "2017年"
    # The far branch's 2010 record is not below this reviewer: 2010 is neither offered nor accepted.
    response = client.get(reverse("reports:review_dashboard", args=["hw"]), {"period": "2010"})
    assert "2010年全年早于最早的记录" in response.content.decode()
    assert response.context["period"] == THIS_HALF


def test_the_review_dashboard_shows_an_earlier_year_chosen(old_records, world, as_user):
    response = as_user(world.reviewer).get(reverse("reports:review_dashboard", args=["hw"]), {"period": "2019"})
    assert response.context["period"] == Period(2019)
    row = next(row for row in response.context["rollup"].rows if row.branch == world.branch)
    assert "2019年全年工作总结" in response.content.decode()
    assert row.branch.code == "kl"


def test_the_report_list_offers_any_year_of_records_to_start(old_records, world, as_user):
    html = as_user(world.secretary).get(reverse("reports:report_list", args=["kl"])).content.decode()
    menu = offered(html, "start-period")
    assert menu["2019年"] == ["2019", "2019H1", "2019H2"]
    response = as_user(world.secretary).post(reverse("reports:report_start", args=["kl"]), {"period": "2019H2"})
    assert response["Location"] == reverse("reports:report_edit", args=["kl", "2019H2"])
    refused = as_user(world.secretary).post(reverse("reports:report_start", args=["kl"]), {"period": "2018H2"}, follow=True)
    assert "2018年下半年早于最早的记录" in refused.content.decode()


def test_the_profile_offers_the_years_of_records_and_explains_another(old_records, world, as_user):
    client = as_user(world.secretary)
    html = client.get(reverse("reports:branch_profile", args=["kl"])).content.decode()
    assert 'href="?year=2019"' in html and 'href="?year=2018"' not in html
    assert client.get(reverse("reports:branch_profile", args=["kl"]), {"year": "2019"}).context["year"] == 2019
    refused = client.get(reverse("reports:branch_profile", args=["kl"]), {"year": "2012"}, follow=True)
    assert refused.context["year"] == THIS_HALF.year
    assert "可选的年度为2019年至" in refused.content.decode()


def test_a_branch_without_records_is_offered_this_year(world, as_user):
    html = as_user(world.secretary).get(reverse("activities:branch_home", args=["kl"])).content.decode()
    assert list(offered(html, "period-select")) == [f"{THIS_HALF.year}年"]


def test_the_first_date_is_one_query_and_cached_with_each_branchs_figures(
    old_records, world, django_assert_num_queries
):
    world.branch.refresh_from_db()
    with django_assert_num_queries(1):  # one aggregate over the records and the publicity
        assert first_record_date(world.branch) == D(2019, 9, 20)
    with django_assert_num_queries(0):
        assert period_range(world.branch, datetime.date.today()).first_year == 2019
    # A reviewer's: the branches below, then one aggregate for those not cached (kl is).
    with django_assert_num_queries(2):
        assert first_record_date(world.general) == D(2017, 4, 1)
    with django_assert_num_queries(1):
        assert first_record_date(world.general) == D(2017, 4, 1)
    ActivityFactory(branch=world.branch, date=D(2014, 6, 1))  # renews kl's figures version
    world.branch.refresh_from_db()
    assert period_range(world.branch, datetime.date.today()).first_year == 2014
    assert first_record_date(world.general) == D(2014, 6, 1)
    assert first_record_date(world.committee) == D(2010, 1, 5)  # the far branch's too
