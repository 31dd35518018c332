"""Partial dates: stored and shown as known ("since 2009"), compared without inventing days."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exchange_desk.domain.anniversaries import next_round_anniversary, round_anniversary
from exchange_desk.domain.dates import DatePrecision, PartialDate, parse_optional, read_typed


@pytest.mark.parametrize(
    ("text", "precision", "earliest", "latest"),
    [
        ("2009", DatePrecision.YEAR, dt.date(2009, 1, 1), dt.date(2009, 12, 31)),
        ("2024-02", DatePrecision.MONTH, dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2018-11-16", DatePrecision.DAY, dt.date(2018, 11, 16), dt.date(2018, 11, 16)),
    ],
)
def test_parse_keeps_precision(
    text: str, precision: DatePrecision, earliest: dt.date, latest: dt.date
) -> None:
    value = PartialDate.parse(text)
    assert value.precision is precision
    assert value.isoformat() == text
    assert value.earliest() == earliest
    assert value.latest() == latest


@pytest.mark.parametrize(
    "text", ["", "09", "2009-13", "2009-00", "2023-02-29", "2009/05/01", "2009-5", "abcd", "0999"]
)
def test_parse_refuses_what_is_not_a_date(text: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        PartialDate.parse(text)


def test_day_without_month_is_refused() -> None:
    with pytest.raises(ValueError, match="month"):
        PartialDate(2009, None, 3)


def test_parse_optional() -> None:
    assert parse_optional("  ") is None
    assert parse_optional(None) is None
    assert parse_optional(" 2009 ") == PartialDate(2009)


def test_certainly_before_respects_precision() -> None:
    assert not PartialDate(2018).certainly_before(PartialDate(2018, 5, 3))
    assert not PartialDate(2018, 5, 3).certainly_before(PartialDate(2018))
    assert PartialDate(2017).certainly_before(PartialDate(2018, 1))
    assert PartialDate(2018, 4, 30).certainly_before(PartialDate(2018, 5))
    assert not PartialDate(2018, 5, 2).certainly_before(PartialDate(2018, 5))


def test_text_order_is_date_order() -> None:
    values = [
        PartialDate(2009, 2),
        PartialDate(2009),
        PartialDate(2008, 12, 31),
        PartialDate(2009, 1, 1),
    ]
    assert [v.isoformat() for v in sorted(values)] == [
        "2008-12-31",
        "2009",
        "2009-01-01",
        "2009-02",
    ]


dates = st.builds(
    lambda d, precision: PartialDate(
        d.year, d.month if precision > 0 else None, d.day if precision > 1 else None
    ),
    st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(2999, 12, 31)),
    st.integers(0, 2),
)


@given(dates)
def test_text_round_trip(value: PartialDate) -> None:
    assert PartialDate.parse(value.isoformat()) == value
    assert value.earliest() <= value.latest()


@given(dates, dates)
def test_sql_check_agrees_with_domain(start: PartialDate, end: PartialDate) -> None:
    """The database's CHECK compares the end with the start cut to the end's length."""
    end_text, start_text = end.isoformat(), start.isoformat()
    sql_refuses = end_text < start_text[: len(end_text)]
    assert sql_refuses == end.certainly_before(start)


def test_anniversaries_from_a_year_only() -> None:
    since = PartialDate(2009)
    assert round_anniversary(since, 2019) == 10
    assert round_anniversary(since, 2014) == 5
    assert round_anniversary(since, 2018) is None
    assert round_anniversary(since, 2009) is None
    assert round_anniversary(None, 2019) is None
    assert round_anniversary(PartialDate(2009, 5, 12), 2019) == 10
    assert next_round_anniversary(since, 2016) == (2019, 10)
    assert next_round_anniversary(since, 2019) == (2019, 10)
    assert next_round_anniversary(since, 2020) == (2024, 15)
    assert next_round_anniversary(PartialDate(2026), 2026) == (2031, 5)


@pytest.mark.parametrize(
    ("typed", "day_first", "expected"),
    [
        ("2018", True, "2018"),
        ("2018-11", False, "2018-11"),
        ("2018 / 11 / 6", True, "2018-11-06"),
        ("2018年11月16日", False, "2018-11-16"),
        ("2018年", False, "2018"),
        ("16.11.2018", True, "2018-11-16"),
        ("11/16/2018", False, "2018-11-16"),
        ("5/6/2018", True, "2018-06-05"),
        ("5/6/2018", False, "2018-05-06"),
        ("11.2018", True, "2018-11"),
    ],
)
def test_dates_as_people_type_them(typed: str, day_first: bool, expected: str) -> None:
    assert read_typed(typed, day_first=day_first) == PartialDate.parse(expected)


@pytest.mark.parametrize("typed", ["16.11.18", "2018-13", "31.2.2018", "11/16/2018x", "年", ""])
def test_what_is_not_a_date_is_refused(typed: str) -> None:
    """Two-digit years would be a guess; impossible days are not dates."""
    with pytest.raises(ValueError, match=r"not a date|out of range"):
        read_typed(typed, day_first=True)
