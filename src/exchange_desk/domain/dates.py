"""Dates known only to the year or the month, as the office's sources give them.

"Since 2009" is stored as `2009`, never invented down to 1 January. The text form is the
ISO 8601 prefix (`2009`, `2009-05`, `2009-05-12`), which sorts correctly as text: storage keeps
that form so that ordering and year filters work in SQL on both SQLite and PostgreSQL.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
MIN_YEAR = 1000
MAX_YEAR = 2999


class DatePrecision(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


@dataclass(frozen=True, slots=True, order=False)
class PartialDate:
    """A calendar date of which the month and day may be unknown."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise ValueError(f"year out of range: {self.year}")
        if self.month is None and self.day is not None:
            raise ValueError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month out of range: {self.month}")
        if self.day is not None:
            assert self.month is not None
            if not 1 <= self.day <= calendar.monthrange(self.year, self.month)[1]:
                raise ValueError(f"day out of range: {self.year}-{self.month:02d}-{self.day}")

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; raise ValueError otherwise."""
        return _parse(text.strip())

    @classmethod
    def from_date(cls, value: dt.date) -> PartialDate:
        return cls(value.year, value.month, value.day)

    @property
    def precision(self) -> DatePrecision:
        if self.day is not None:
            return DatePrecision.DAY
        if self.month is not None:
            return DatePrecision.MONTH
        return DatePrecision.YEAR

    def earliest(self) -> dt.date:
        """The first day the date can mean."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> dt.date:
        """The last day the date can mean."""
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return dt.date(self.year, month, day)

    def could_be_before(self, other: PartialDate) -> bool:
        """True unless `self` certainly falls after `other` (used for end-not-before-start)."""
        return self.earliest() <= other.latest()

    def certainly_before(self, other: PartialDate) -> bool:
        return self.latest() < other.earliest()

    def sort_key(self) -> str:
        return self.isoformat()

    def isoformat(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def __str__(self) -> str:
        return self.isoformat()

    def __lt__(self, other: PartialDate) -> bool:
        return self.isoformat() < other.isoformat()

    def __le__(self, other: PartialDate) -> bool:
        return self.isoformat() <= other.isoformat()

    def __gt__(self, other: PartialDate) -> bool:
        return self.isoformat() > other.isoformat()

    def __ge__(self, other: PartialDate) -> bool:
        return self.isoformat() >= other.isoformat()


def parse_optional(text: str | None) -> PartialDate | None:
    if text is None or not text.strip():
        return None
    return PartialDate.parse(text)


@lru_cache(maxsize=65_536)
def _parse(text: str) -> PartialDate:
    # Cached: lists of 100,000 records hold a few thousand distinct dates, and values are
    # immutable, so sharing them is safe.
    match = _PATTERN.match(text)
    if match is None:
        raise ValueError(f"not a date: {text!r}")
    year, month, day = match.groups()
    return PartialDate(int(year), int(month) if month else None, int(day) if day else None)


# How people type dates besides ISO: year first with any separator (2018/11/6, 2018.11),
# the Chinese 2018年11月6日, and a day or month first with the year last (16.11.2018,
# 11/16/2018, 11.2018), whose order only the writer's language tells.
_YEAR_FIRST = re.compile(r"^(\d{4})(?:\s*[-./]\s*(\d{1,2})(?:\s*[-./]\s*(\d{1,2}))?)?$")
_CHINESE = re.compile(r"^(\d{4})\s*年(?:\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?)?$")
_YEAR_LAST = re.compile(r"^(\d{1,2})\s*[-./]\s*(?:(\d{1,2})\s*[-./]\s*)?(\d{4})$")


def read_typed(text: str, *, day_first: bool) -> PartialDate:
    """A date as a person types it: `2018`, `2018-11`, `2018-11-16`, `2018/11/6`,
    `2018年11月16日`, or with the year last, `16.11.2018` where the day comes first
    (`day_first`, as in Hebrew) and `11/16/2018` where the month does (American English);
    `11.2018` is a month. Years have four digits, so nothing is guessed. ValueError if it
    is none of these, or not a real date."""
    text = text.strip()
    for pattern in (_YEAR_FIRST, _CHINESE):
        match = pattern.match(text)
        if match is not None:
            year, month, day = match.groups()
            return PartialDate(int(year), int(month) if month else None, int(day) if day else None)
    match = _YEAR_LAST.match(text)
    if match is None:
        raise ValueError(f"not a date: {text!r}")
    first, second, year = match.groups()
    if second is None:
        return PartialDate(int(year), int(first))
    day, month = (first, second) if day_first else (second, first)
    return PartialDate(int(year), int(month), int(day))
