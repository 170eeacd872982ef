"""A draft of a period not yet over says so beside it: its figures run to today and what is still
due is not missed — a school's December draft counted 「截至12月6日」 under a 落款 of 4 January and
said nothing of the meetings still to come."""

import datetime

import pytest
from django.urls import reverse

from branchwork.periods import Period
from tests.factories import report_written

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["reports:report_edit", "reports:report_preview"])
def test_the_editor_and_preview_of_an_open_period_say_it_is_not_over(world, as_user, page, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: datetime.date(2022, 5, 10))
    current, past = Period.parse("2022H1"), Period.parse("2021H2")
    for period in (current, past):
        report_written(world.branch, period, world.secretary)
    client = as_user(world.secretary)

    def text(period):
        return client.get(reverse(page, args=[world.branch.code, period.code])).content.decode()

    assert "2022年上半年尚未结束：草稿中的数字截至5月10日" in text(current)
    assert "尚未结束" not in text(past)


def test_the_editor_says_when_the_branchs_records_begin_inside_the_period(world, as_user):
    from tests.factories import ActivityFactory

    ActivityFactory(branch=world.branch, kind="themed_day", date=datetime.date(2025, 7, 8), title="首次登记")
    for period in ("2025", "2025H2"):
        report_written(world.branch, Period.parse(period), world.secretary)
    client = as_user(world.secretary)

    def text(period):
        return client.get(reverse("reports:report_edit", args=[world.branch.code, period])).content.decode()

    assert "本支部的工作记录从2025年7月8日开始登记，此前的月份在合规日历中显示为未召开" in text("2025")
    assert "开始登记" not in text("2025H2")  # the records cover the half from its start
