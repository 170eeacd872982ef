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
