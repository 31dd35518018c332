"""Dates and numbers in each language, partial dates without invented days."""

from __future__ import annotations

import datetime as dt

import pytest

from exchange_desk.domain.dates import PartialDate
from exchange_desk.i18n.catalog import set_language
from exchange_desk.i18n.formatting import (
    format_conjunction,
    format_day,
    format_number,
    format_partial_date,
)


@pytest.mark.parametrize(
    ("language", "year", "month", "day"),
    [
        ("en", "2009", "Nov 2018", "Nov 16, 2018"),
        ("zh_CN", "2009", "2018年11月", "2018年11月16日"),
        ("he", "2009", "נוב׳ 2018", "16 בנוב׳ 2018"),
    ],
)
def test_partial_dates(language: str, year: str, month: str, day: str) -> None:
    assert format_partial_date(PartialDate(2009), language) == year
    assert format_partial_date(PartialDate(2018, 11), language) == month
    assert format_partial_date(PartialDate(2018, 11, 16), language) == day
    assert format_partial_date(None, language) == ""


def test_active_language_is_the_default() -> None:
    set_language("zh_CN")
    assert format_partial_date(PartialDate(2018, 10)) == "2018年10月"
    assert format_day(dt.date(2018, 11, 16)) == "2018年11月16日"


def test_numbers_and_marks() -> None:
    assert format_number(100000, "en") == "100,000"
    assert format_number(None) == ""
    stripped = format_partial_date(PartialDate(2018, 11, 16), "he", strip_marks=True)
    assert "\u200f" not in stripped
    assert "\u200e" not in stripped


def test_countries_have_their_continents_by_un_m49() -> None:
    from exchange_desk.domain.countries import (
        AFRICA,
        AMERICAS,
        ASIA,
        EUROPE,
        OCEANIA,
        continent_name,
        continent_of,
        country_codes,
    )

    expected = {
        "CN": ASIA, "IL": ASIA, "KR": ASIA, "TR": ASIA, "RU": EUROPE, "DE": EUROPE,
        "IS": EUROPE, "US": AMERICAS, "BR": AMERICAS, "EG": AFRICA, "MU": AFRICA,
        "AU": OCEANIA, "NZ": OCEANIA, "FJ": OCEANIA,
    }  # fmt: skip
    assert {code: continent_of(code) for code in expected} == expected
    assert all(continent_of(code) for code in country_codes())
    assert continent_name(ASIA, "zh_CN") == "亚洲"
    assert continent_name(EUROPE, "he") == "אירופה"


def test_a_list_is_written_as_its_language_writes_one() -> None:
    from exchange_desk.i18n.formatting import format_list

    assert format_list(["农业", "政府"], "zh_CN") == "农业、政府"
    assert format_list(["agriculture", "government"], "en") == "agriculture, government"
    assert format_list(["חקלאות", "ממשל"], "he") == "חקלאות, ממשל"


@pytest.mark.parametrize(
    ("items", "language", "expected"),
    [
        (["2 cities", "2 partnerships"], "en", "2 cities and 2 partnerships"),
        (["a", "b", "c"], "en", "a, b, and c"),
        (["2 个城市", "2 个友城关系"], "zh_CN", "2 个城市和2 个友城关系"),
        # Hebrew's ו is joined to a Hebrew word, and hyphened before a digit or Latin.
        (["2 ערים", "2 קשרי ערים"], "he", "2 ערים ו-2 קשרי ערים"),
        (["ערים", "Kfar Saba"], "he", "ערים ו-Kfar Saba"),
        (["2 ערים", "שתי תוכניות"], "he", "2 ערים ושתי תוכניות"),
        (["ערים"], "he", "ערים"),
    ],
)
def test_a_list_with_and_in_each_language(items: list[str], language: str, expected: str) -> None:
    assert format_conjunction(items, language) == expected
