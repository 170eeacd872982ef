"""A deduction goes onto the branch's 整改台账 in one step: the entry names the item, what it lost
and why (the calendar's months), once per item and period; an item that lost nothing cannot."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from activities.models import Activity, RectificationSource
from branchwork.periods import Period
from inspection import services
from inspection.selectors import score_page
from inspection.standards import standard_from_example
from tests.factories import ActivityFactory

H1 = Period(2022, "H1")
TODAY = datetime.date(2022, 8, 1)


@pytest.fixture
def standard(world):
    # One 支委会 in January: February to June missed, the item 2.1 loses 5 points.
    ActivityFactory(branch=world.branch, kind="committee_meeting", date=datetime.date(2022, 1, 10), title="支委会")
    return standard_from_example(organisation=world.committee, year=2022, by=None)


def test_a_deduction_opens_one_entry_naming_the_item_and_its_reasons(world, standard):
    entry = services.score_item_rectify(branch=world.branch, period=H1, item_code="2.1", by=world.secretary, today=TODAY)

    assert entry.kind == "rectification" and entry.branch == world.branch
    assert entry.rectification_source == RectificationSource.INSPECTION
    assert entry.title.startswith("2022年上半年迎检自评第2.1项（三会一课）扣5分")
    assert "支委会2月、3月、4月、5月、6月未召开" in entry.title
    assert entry.source_ref == f"{standard.title} 第2.1项"
    assert entry.date == TODAY and not entry.is_resolved
    again = services.score_item_rectify(branch=world.branch, period=H1, item_code="2.1", by=world.secretary, today=TODAY)
    assert again.pk == entry.pk
    assert Activity.objects.filter(branch=world.branch, kind="rectification").count() == 1


def test_an_item_that_lost_nothing_or_is_unknown_is_refused(world, standard):
    page = score_page(branch=world.branch, period=H1, today=TODAY, live=True)
    full = next(line.item.code for line in page.lines if line.final_score == line.item.points)
    with pytest.raises(ValidationError) as refused:
        services.score_item_rectify(branch=world.branch, period=H1, item_code=full, by=world.secretary, today=TODAY)
    assert refused.value.messages == [f"第{full}项没有扣分，无需列入整改台账"]
    with pytest.raises(ValidationError):
        services.score_item_rectify(branch=world.branch, period=H1, item_code="99.9", by=world.secretary, today=TODAY)
    assert not Activity.objects.filter(branch=world.branch, kind="rectification").exists()


def test_only_the_branchs_writers_open_entries(world, standard):
    with pytest.raises(PermissionDenied):
        services.score_item_rectify(branch=world.branch, period=H1, item_code="2.1", by=world.reviewer, today=TODAY)


def test_the_score_page_offers_it_under_a_deduction_and_the_post_lands_on_the_entry(world, standard, as_user):
    client = as_user(world.secretary)
    page = client.get(reverse("inspection:score", args=["kl", "2022H1"])).content.decode()
    url = reverse("inspection:score_item_rectify", args=["kl", "2022H1", "2.1"])
    assert url in page
    response = client.post(url)
    entry = Activity.objects.get(branch=world.branch, kind="rectification")
    assert response.status_code == 302
    assert response["Location"] == reverse("activities:rectification_detail", args=["kl", entry.pk])
    # A reviewer reads the page without the button and may not post.
    assert url not in as_user(world.reviewer).get(reverse("inspection:score", args=["kl", "2022H1"])).content.decode()
    assert as_user(world.reviewer).post(url).status_code == 403
