"""成文日期: the first working day after the period by the official calendar (chinesecalendar),
with a weekday fallback, said in the editor and by ``manage.py check``, for years it does not know."""

import datetime

import chinese_calendar
import pytest
from django.utils import timezone

from branchwork.periods import Period
from reports import checks, workdays
from reports.defaults import signing_date
from reports.forms import ReportHeaderForm
from tests.reports.factories import ReportFactory

D = datetime.date
FIRST_YEAR = 2015
LAST_YEAR = workdays.calendar_years()[1]


def _library_first_working_day_after(day: datetime.date) -> datetime.date:
    day += datetime.timedelta(days=1)
    while not chinese_calendar.is_workday(day):
        day += datetime.timedelta(days=1)
    return day


PERIODS = [Period(year, half) for year in range(FIRST_YEAR, LAST_YEAR + 1) for half in ("H1", "H2", "")]


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.code)
def test_every_period_is_signed_on_the_calendars_first_working_day(period):
    signed = signing_date(period.end)
    if workdays.knows(signed):
        assert signed == _library_first_working_day_after(period.end)
    else:  # the year after the calendar's last: weekdays, not 元旦
        assert signed.year == LAST_YEAR + 1
        assert signed.weekday() < 5 and signed != D(signed.year, 1, 1)


@pytest.mark.parametrize(
    ("period_end", "signed"),
    [
        (D(2022, 12, 31), D(2023, 1, 3)),  # 元旦 on a Sunday, its day off on Monday 1月2日
        (D(2024, 12, 31), D(2025, 1, 2)),  # 元旦 on a Wednesday, one day off
        (D(2017, 12, 31), D(2018, 1, 2)),  # 元旦 on a Monday
        (D(2020, 12, 31), D(2021, 1, 4)),  # 元旦 on a Friday, then the weekend
        (D(2015, 12, 31), D(2016, 1, 4)),
        (D(2022, 6, 30), D(2022, 7, 1)),
        (D(2023, 6, 30), D(2023, 7, 3)),  # a Saturday 1 July
    ],
)
def test_published_dates(period_end, signed):
    assert signing_date(period_end) == signed


def test_a_weekend_worked_in_lieu_is_a_working_day():
    # 2023-01-28, a Saturday, was worked for the Spring Festival.
    assert workdays.is_working_day(D(2023, 1, 28))
    assert not workdays.is_working_day(D(2023, 1, 27))  # a Friday of the holiday


def test_unknown_years_fall_back_to_weekdays_after_new_year():
    year = LAST_YEAR + 1
    assert not workdays.knows(D(year, 1, 1))
    expected = D(year, 1, 2)
    while expected.weekday() >= 5:
        expected += datetime.timedelta(days=1)
    assert signing_date(D(year - 1, 12, 31)) == expected


@pytest.mark.django_db
def test_the_editor_says_when_the_date_is_in_a_year_the_calendar_does_not_know():
    report = ReportFactory(signed_on=D(LAST_YEAR + 1, 1, 4))
    assert f"节假日日历尚未收录{LAST_YEAR + 1}年" in ReportHeaderForm(instance=report).fields["signed_on"].help_text
    known = ReportFactory(signed_on=D(2022, 7, 1))
    assert "节假日日历" not in ReportHeaderForm(instance=known).fields["signed_on"].help_text


def test_the_check_warns_when_this_year_is_beyond_the_calendar(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: D(LAST_YEAR + 1, 3, 1))
    messages = checks.check_holiday_calendar()
    assert [message.id for message in messages] == ["reports.W006"]
    assert f"只收录到{LAST_YEAR}年" in messages[0].msg
    monkeypatch.setattr(timezone, "localdate", lambda: D(LAST_YEAR, 3, 1))
    assert checks.check_holiday_calendar() == []
