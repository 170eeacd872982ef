"""Working days by the official calendar: a report is dated (成文日期) on the first working day
after its period.

Holidays and the weekend days worked in their place (调休) are set by the State Council every
year, so no rule of our own can know them: 2023 starts work on 1月3日 (元旦 on a Sunday, its day
off on Monday), 2025 on 1月2日. The maintained ``chinesecalendar`` package carries the published
calendar; a year it does not know yet falls back to the first weekday that is not 1月1日, and
``manage.py check`` says so (``reports.checks.check_holiday_calendar``).
"""

from __future__ import annotations

import datetime

import chinese_calendar
from chinese_calendar import constants


def calendar_years() -> tuple[int, int]:
    """The first and last year the installed calendar knows."""
    return min(constants.holidays).year, max(constants.holidays).year


def knows(day: datetime.date) -> bool:
    first, last = calendar_years()
    return first <= day.year <= last


def is_working_day(day: datetime.date) -> bool:
    """By the official calendar where it is known; else Monday to Friday except 元旦."""
    if knows(day):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5 and (day.month, day.day) != (1, 1)


def first_working_day_after(day: datetime.date) -> datetime.date:
    # Bounded: the longest run of days off in the calendar is the 2020 Spring Festival's 10 days.
    candidate = day + datetime.timedelta(days=1)
    while not is_working_day(candidate):
        candidate += datetime.timedelta(days=1)
    return candidate
