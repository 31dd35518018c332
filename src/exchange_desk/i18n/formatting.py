"""Dates, partial dates and numbers in the active language, with Babel.

A date known only to the year is shown as the year, one known to the month as month and year
("Nov 2018", "2018年11月", "נוב׳ 2018"): never with an invented day.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_skeleton, get_date_format
from babel.numbers import format_decimal

from exchange_desk.domain.dates import DatePrecision, PartialDate
from exchange_desk.i18n.catalog import active_language
from exchange_desk.i18n.languages import find_language

# Babel puts bidirectional marks into some Hebrew formats; the callers that draw text
# themselves (PDF) strip them, Qt lays them out correctly.
_DIRECTION_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c"), None)


def _locale(language: str | None) -> str:
    found = find_language(language or active_language())
    return found.babel_locale if found else "en"


def format_partial_date(
    value: PartialDate | None, language: str | None = None, *, strip_marks: bool = False
) -> str:
    if value is None:
        return ""
    locale = _locale(language)
    if value.precision is DatePrecision.YEAR:
        text = str(value.year)
    elif value.precision is DatePrecision.MONTH:
        text = format_skeleton("yMMM", value.earliest(), locale=locale)
    else:
        text = format_date(value.earliest(), "medium", locale=locale)
    return text.translate(_DIRECTION_MARKS) if strip_marks else text


def format_day(value: dt.date | None, language: str | None = None) -> str:
    if value is None:
        return ""
    return format_date(value, "medium", locale=_locale(language))


def format_number(value: int | float | None, language: str | None = None) -> str:
    if value is None:
        return ""
    return format_decimal(value, locale=_locale(language))


def format_long_date(value: dt.date | PartialDate, language: str | None = None) -> str:
    """A day in the language's long form, as on a certificate: 2018年11月16日,
    November 16, 2018, 16 בנובמבר 2018; a month alone as 2018年11月, November 2018.
    Direction marks are left out: the PDF text engine orders the text itself and its fonts
    have no glyphs for the marks."""
    locale = _locale(language)
    if isinstance(value, PartialDate):
        if value.precision is DatePrecision.YEAR:
            return str(value.year)
        if value.precision is DatePrecision.MONTH:
            text = format_skeleton("yMMMM", value.earliest(), locale=locale)
            return text.translate(_DIRECTION_MARKS)
        value = value.earliest()
    return format_date(value, "long", locale=locale).translate(_DIRECTION_MARKS)


def day_comes_first(language: str | None = None) -> bool:
    """Whether the language writes the day before the month in a numeric date (Hebrew
    16.11.2018) or not (American English 11/16/2018, Chinese 2018/11/16), from CLDR."""
    pattern = get_date_format("short", locale=_locale(language)).pattern
    day, month = pattern.find("d"), pattern.find("M")
    return 0 <= day < month


def typed_date_example(language: str | None = None) -> str:
    """16 November 2018 as a person of the language types it in full."""
    code = find_language(language or active_language())
    if code is not None and code.code == "zh_CN":
        return "2018年11月16日"
    return "16.11.2018" if day_comes_first(language) else "11/16/2018"
