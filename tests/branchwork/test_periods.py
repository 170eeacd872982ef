"""Periods and the range of them a page offers and accepts — pure logic, no database."""

import datetime

import pytest

from branchwork.periods import Period, PeriodError, PeriodRange, period_from_query

D = datetime.date
TODAY = D(2026, 3, 10)  # early in the first half: 2026H2 has not begun


@pytest.mark.parametrize(
    ("code", "expected"), [("2022H1", Period(2022, "H1")), (" 2022h2 ", Period(2022, "H2")), ("2022", Period(2022))]
)
def test_it_parses_the_three_spellings(code, expected):
    assert Period.parse(code) == expected


@pytest.mark.parametrize("code", ["2022H3", "22H1", "", "1800", "二〇二二"])
def test_it_refuses_what_is_not_a_period(code):
    with pytest.raises(PeriodError, match="无法识别的期间"):
        Period.parse(code)


def test_the_range_runs_from_the_first_records_year_to_the_period_begun_today():
    periods = PeriodRange.since(D(2019, 8, 1), TODAY)
    assert periods.first_year == 2019
    assert [p.code for p in periods.periods()][:5] == ["2026", "2026H1", "2025", "2025H1", "2025H2"]
    assert periods.periods()[-3:] == [Period(2019), Period(2019, "H1"), Period(2019, "H2")]
    assert len(periods.periods()) == 2 + 7 * 3  # 2019–2025 whole, 2026 without its second half
    assert periods.years() == [2026, 2025, 2024, 2023, 2022, 2021, 2020, 2019]


def test_without_records_the_range_is_this_year():
    assert PeriodRange.since(None, TODAY).periods() == [Period(2026), Period(2026, "H1")]
    assert PeriodRange.since(None, TODAY).label == "2026年各期"


def test_a_record_dated_after_today_does_not_stretch_the_range():
    assert PeriodRange.since(D(2027, 1, 5), TODAY).first_year == 2026


def test_the_menu_is_grouped_by_year_and_each_option_names_its_year():
    choices = PeriodRange.since(D(2025, 2, 1), TODAY).choices()
    assert choices == [
        ("2026年", [("2026", "2026年全年"), ("2026H1", "2026年上半年")]),
        ("2025年", [("2025", "2025年全年"), ("2025H1", "2025年上半年"), ("2025H2", "2025年下半年")]),
    ]


def test_the_range_accepts_what_the_menu_offers_and_nothing_else():
    periods = PeriodRange.since(D(2021, 5, 1), TODAY)
    offered = {code for _year, options in periods.choices() for code, _label in options}
    for year in range(2015, 2030):
        for half in ("", "H1", "H2"):
            period = Period(year, half)
            assert (period in periods) == (period.code in offered), period


def test_period_from_query_takes_a_period_in_range():
    within = PeriodRange.since(D(2021, 5, 1), TODAY)
    assert period_from_query({"period": "2021H1"}, TODAY, within) == (Period(2021, "H1"), "")
    assert period_from_query({}, TODAY, within) == (Period(2026, "H1"), "")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("2015H1", "2015年上半年早于最早的记录，可查看的期间为2021年至2026年上半年，已显示本半年。"),
        ("2026H2", "2026年下半年尚未开始，已显示本半年。"),
        ("2099", "2099年全年尚未开始，已显示本半年。"),
        ("2022H7", "无法识别的期间“2022H7”，应为如 2022H1、2022H2 或 2022 的形式，已显示本半年。"),
    ],
)
def test_period_from_query_explains_a_period_out_of_range_or_malformed(code, message):
    within = PeriodRange.since(D(2021, 5, 1), TODAY)
    assert period_from_query({"period": code}, TODAY, within) == (Period(2026, "H1"), message)


def test_period_from_query_without_a_range_reads_any_period():
    assert period_from_query({"period": "1995H2"}, TODAY) == (Period(1995, "H2"), "")
