"""Reporting periods: 上半年 (Jan 1–Jun 30), 下半年 (Jul 1–Dec 31) and 全年 of a year.

A period is written ``2022H1``, ``2022H2`` or ``2022`` in URLs and on the command line.
"""

import datetime
import re
from dataclasses import dataclass

# The years a period may name: earlier or later is a typing mistake, not a report.
YEARS = range(1990, 2101)

_CODE = re.compile(r"^(?P<year>\d{4})(?P<half>H[12])?$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    year: int
    half: str = ""  # "H1", "H2" or "" for the whole year

    @classmethod
    def parse(cls, code: str) -> "Period":
        match = _CODE.match((code or "").strip().upper())
        if not match or int(match["year"]) not in YEARS:
            raise PeriodError(f"无法识别的期间“{code}”，应为如 2022H1、2022H2 或 2022 的形式")
        return cls(int(match["year"]), match["half"] or "")

    @classmethod
    def containing(cls, day: datetime.date, *, whole_year: bool = False) -> "Period":
        if whole_year:
            return cls(day.year)
        return cls(day.year, "H1" if day.month <= 6 else "H2")

    @property
    def code(self) -> str:
        return f"{self.year}{self.half}"

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 7 if self.half == "H2" else 1, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 6, 30) if self.half == "H1" else datetime.date(self.year, 12, 31)

    @property
    def half_label(self) -> str:
        return {"H1": "上半年", "H2": "下半年", "": "全年"}[self.half]

    @property
    def label(self) -> str:
        """2022年上半年 / 2022年全年 → for the whole year, the usual wording is 「2022年」."""
        return f"{self.year}年{self.half_label}" if self.half else f"{self.year}年"

    @property
    def long_label(self) -> str:
        return f"{self.year}年{self.half_label}"

    def months(self) -> list[tuple[int, int]]:
        return [(self.year, month) for month in range(self.start.month, self.end.month + 1)]

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> "Period":
        if self.half == "H2":
            return Period(self.year, "H1")
        if self.half == "H1":
            return Period(self.year - 1, "H2")
        return Period(self.year - 1)

    def __str__(self) -> str:
        return self.label


def period_from_query(
    params, today: datetime.date, within: "PeriodRange | None" = None
) -> tuple[Period, str]:
    """The period ``?period=`` names, else the half-year ``today`` falls in; with a Chinese
    message when the value could not be read or lies outside ``within`` (the periods the page's
    menu offers) — the page then shows the current half-year."""
    code = (params.get("period") or "").strip()
    if not code:
        return Period.containing(today), ""
    try:
        period = Period.parse(code)
    except PeriodError as error:
        return Period.containing(today), f"{error}，已显示本半年。"
    if within is not None and period not in within:
        return Period.containing(today), f"{within.refusal(period)}，已显示本半年。"
    return period, ""


def chinese_date(day: datetime.date | None) -> str:
    """2022年6月30日 — Arabic numerals without zero padding, as GB/T 9704 writes dates."""
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class PeriodRange:
    """The periods a page offers in its menu and accepts in ``?period=``: every period of the
    years from ``first_year`` (the year of the earliest record the user can see) to the current
    one, that has begun by ``today``. Whole years, so that a year's 全年 and both halves are
    offered together."""

    first_year: int
    today: datetime.date

    @classmethod
    def since(cls, first: datetime.date | None, today: datetime.date) -> "PeriodRange":
        """From the year of ``first`` (no records yet: this year only) to ``today``."""
        year = today.year if first is None else min(max(first.year, YEARS.start), today.year)
        return cls(year, today)

    def __contains__(self, period: Period) -> bool:
        return self.first_year <= period.year and period.start <= self.today

    def periods(self) -> list[Period]:
        """Newest year first; within a year 全年, 上半年, 下半年."""
        return [
            period
            for year in range(self.today.year, self.first_year - 1, -1)
            for period in (Period(year), Period(year, "H1"), Period(year, "H2"))
            if period.start <= self.today
        ]

    def years(self) -> list[int]:
        """Newest first."""
        return list(range(self.today.year, self.first_year - 1, -1))

    def choices(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The menu, grouped by year (a form field's grouped choices; ``<optgroup>`` in HTML).
        Options keep the year in their label: a closed menu shows only the chosen option."""
        groups: dict[int, list[tuple[str, str]]] = {}
        for period in self.periods():
            groups.setdefault(period.year, []).append((period.code, period.long_label))
        return [(f"{year}年", options) for year, options in groups.items()]

    @property
    def label(self) -> str:
        """2020年至2026年下半年 — what the menu spans, for messages."""
        if self.first_year == self.today.year:
            return f"{self.first_year}年各期"
        return f"{self.first_year}年至{Period.containing(self.today).long_label}"

    def refusal(self, period: Period) -> str:
        if period.start > self.today:
            return f"{period.long_label}尚未开始"
        return f"{period.long_label}早于最早的记录，可查看的期间为{self.label}"
