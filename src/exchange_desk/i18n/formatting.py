"""Dates, partial dates and numbers in the active language, with Babel.

A date known only to the year is shown as the year, one known to the month as month and year
("Nov 2018", "2018年11月", "נוב׳ 2018"): never with an invented day.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence

from babel.dates import format_date, format_skeleton, get_date_format
from babel.lists import format_list as babel_format_list
from babel.numbers import format_decimal

from exchange_desk.domain.dates import DatePrecision, PartialDate
from exchange_desk.i18n.catalog import active_language
from exchange_desk.i18n.languages import find_language

# Babel puts bidirectional marks into some Hebrew formats; the callers that draw text
# themselves (PDF) strip them, Qt lays them out correctly.
_DIRECTION_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c"), None)


# A Hebrew letter (or a Hebrew presentation form) first: the conjunction ו joins it directly.
_HEBREW_START = re.compile("[\u0590-\u05ff\ufb1d-\ufb4f]")


def _locale(language: str | None) -> str:
    found = find_language(language or active_language())
    return found.babel_locale if found else "en"


def format_list(items: Iterable[str], language: str | None = None) -> str:
    """Items one after another as the language writes a list: 农业、政府 in Chinese,
    "agriculture, government" otherwise."""
    found = find_language(language or active_language())
    separator = "、" if found is not None and found.short_code == "zh" else ", "
    return separator.join(items)


def format_conjunction(items: Sequence[str], language: str | None = None) -> str:
    """Items as the language lists them with its "and" (CLDR, through Babel): "2 cities
    and 2 partnerships", "2 个城市和 2 个友城关系", "2 ערים ו-2 קשרי ערים". In Hebrew the
    conjunction ו is joined to a Hebrew word but takes a hyphen before a digit or a Latin
    letter, which CLDR's "{0} ו{1}" leaves out ("ו2")."""
    parts = list(items)
    locale = _locale(language)
    if locale.startswith("he") and len(parts) > 1 and not _HEBREW_START.match(parts[-1]):
        parts[-1] = "-" + parts[-1]
    return str(babel_format_list(parts, style="standard", locale=locale))


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
    return _long_date(value, str(_locale(language)))


@functools.lru_cache(maxsize=4096)
def _long_date(value: dt.date | PartialDate, locale: str) -> str:
    # A batch of a thousand certificates formats the same few dates in three languages:
    # Babel's pattern work costs far more than the lookup.
    if isinstance(value, PartialDate):
        if value.precision is DatePrecision.YEAR:
            return str(value.year)
        if value.precision is DatePrecision.MONTH:
            text = format_skeleton("yMMMM", value.earliest(), locale=locale)
            return text.translate(_DIRECTION_MARKS)
        value = value.earliest()
    return format_date(value, "long", locale=locale).translate(_DIRECTION_MARKS)


_CHINESE_DIGITS = "〇一二三四五六七八九"


def _chinese_count(number: int) -> str:
    """1–31 in Chinese numerals as dates write them: 十, 十一, 二十, 三十一."""
    tens, units = divmod(number, 10)
    text = ("" if tens < 2 else _CHINESE_DIGITS[tens]) + ("十" if tens else "")
    return text + (_CHINESE_DIGITS[units] if units or not tens else "")


def chinese_numeral_date(value: dt.date | PartialDate) -> str:
    """A date as formal Chinese documents write it: 二〇一八年十一月十六日, or
    二〇一八年十一月 and 二〇一八年 when only the month or the year is known."""
    year = "".join(_CHINESE_DIGITS[int(d)] for d in f"{value.year:04d}") + "年"
    if isinstance(value, PartialDate):
        if value.precision is DatePrecision.YEAR:
            return year
        month = _chinese_count(value.month or 1) + "月"
        if value.precision is DatePrecision.MONTH:
            return year + month
        value = value.earliest()
    return f"{year}{_chinese_count(value.month)}月{_chinese_count(value.day)}日"


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
