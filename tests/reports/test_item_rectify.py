"""「列入整改台账」 beside an item of 存在的问题 in the report editor (reports.rectification_views)."""

import datetime

import pytest
from django.urls import reverse

from activities import rectifications as ledger
from branchwork.periods import Period
from reports.models import ReportItem
from tests.factories import report_written

D = datetime.date
H1 = Period(2022, "H1")


@pytest.fixture
def item(world):
    report = report_written(world.branch, H1, world.secretary)
    return ReportItem.objects.create(report=report, section=5, position=99, text="党员学习教育形式单一，方法不够灵活。")


def rectify_url(item):
    return reverse("reports:report_item_rectify", args=["kl", "2022H1", item.pk])


def test_the_editor_offers_the_button_beside_a_problem(world, as_user, item):
    html = as_user(world.secretary).get(reverse("reports:report_edit", args=["kl", "2022H1"])).content.decode()
    assert rectify_url(item) in html
    others = ReportItem.objects.filter(report=item.report).exclude(section=5)
    assert not any(rectify_url(other) in html for other in others)


def test_the_item_opens_one_entry_with_its_text(world, as_user, item):
    client = as_user(world.secretary)
    page = client.get(rectify_url(item)).content.decode()
    assert "党员学习教育形式单一，方法不够灵活。" in page  # the problem, ready to shorten
    response = client.post(rectify_url(item), {"title": "党员学习教育形式单一", "deadline": "2099-06-30", "responsible_text": "宣传委员"})
    assert response.status_code == 302
    entry = ledger.entries_of(world.branch).get()
    assert (entry.title, entry.rectification_source, entry.source_key) == ("党员学习教育形式单一", "report", f"report-item:{item.pk}")
    assert entry.source_ref == "2022年上半年工作总结“存在的问题”"
    item.refresh_from_db()
    assert item.text == "党员学习教育形式单一，方法不够灵活。"  # the report is not changed
    # Once opened, the button leads to the entry, never to a second one.
    again = client.get(rectify_url(item))
    assert again["Location"] == reverse("activities:rectification_detail", args=["kl", entry.pk])
    assert ledger.entries_of(world.branch).count() == 1


def test_only_items_of_the_problems_section(world, as_user, item):
    other = ReportItem.objects.filter(report=item.report).exclude(section=5).first()
    assert as_user(world.secretary).get(rectify_url(other)).status_code == 404


def test_reviewer_gets_403_and_outsider_404(world, as_user, item):
    assert as_user(world.reviewer).post(rectify_url(item), {"title": "问题"}).status_code == 403
    assert as_user(world.sibling_secretary).get(rectify_url(item)).status_code == 404
    assert not ledger.entries_of(world.branch).exists()
