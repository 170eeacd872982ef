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


def period_from_query(params, today: datetime.date) -> tuple[Period, str]:
    """The period ``?period=`` names, else the half-year ``today`` falls in; with a Chinese
    message when the value could not be read (the page then shows the current half-year)."""
    code = (params.get("period") or "").strip()
    if code:
        try:
            return Period.parse(code), ""
        except PeriodError as error:
            return Period.containing(today), f"{error}，已显示本半年。"
    return Period.containing(today), ""


def chinese_date(day: datetime.date | None) -> str:
    """2022年6月30日 — Arabic numerals without zero padding, as GB/T 9704 writes dates."""
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


def period_choices(today: datetime.date, years_back: int = 5) -> list[tuple[str, str]]:
    choices = []
    for year in range(today.year, today.year - years_back, -1):
        for half in ("H2", "H1", ""):
            period = Period(year, half)
            if period.start <= today or year < today.year:
                choices.append((period.code, period.long_label))
    return choices
