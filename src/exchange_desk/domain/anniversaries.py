"""Anniversary arithmetic: which partnerships reach a round year of friendship in a year.

Only the year of establishment is needed, so a partnership known as "since 2009" has its
10th anniversary in 2019 without inventing a day.

`ROUND_YEARS` are the anniversaries the office marks (5 to 40 by fives, then 50);
`next_round` and `anniversary_date` find the next one and its day.
"""

from __future__ import annotations

import calendar

from exchange_desk.domain.dates import PartialDate

ROUND_STEP = 5


def years_since(established: PartialDate, year: int) -> int:
    return year - established.year


def round_anniversary(
    established: PartialDate | None, year: int, step: int = ROUND_STEP
) -> int | None:
    """The round anniversary (5, 10, 15, ...) reached in `year`, or None if not a round one."""
    if established is None:
        return None
    years = years_since(established, year)
    if years <= 0 or years % step:
        return None
    return years


def next_round_anniversary(
    established: PartialDate, from_year: int, step: int = ROUND_STEP
) -> tuple[int, int]:
    """(year, ordinal) of the first round anniversary in or after `from_year`."""
    years = max(years_since(established, from_year), 1)
    ordinal = -(-years // step) * step
    return established.year + ordinal, ordinal


# The anniversaries the office marks: every five years up to forty, then the fiftieth (a
# 45th is not celebrated). `round_anniversary` above counts every fifth year, as the
# statistics and the letters' warning always have.
ROUND_YEARS = (5, 10, 15, 20, 25, 30, 35, 40, 50)


def is_round(years: int) -> bool:
    """Whether `years` of friendship is an anniversary the office marks."""
    return years in ROUND_YEARS


def next_round(established: PartialDate, from_year: int) -> tuple[int, int] | None:
    """(year, years) of the first anniversary of ROUND_YEARS in or after `from_year`; None
    once the fiftieth has passed."""
    years = max(years_since(established, from_year), 1)
    for round_years in ROUND_YEARS:
        if round_years >= years:
            return established.year + round_years, round_years
    return None


def anniversary_date(established: PartialDate, year: int) -> PartialDate:
    """The anniversary in `year`, as precise as the establishment is known (2019, 2019-06,
    2019-06-15); a partnership founded on 29 February has it on the 28th in other years."""
    day = established.day
    if established.month == 2 and day == 29 and not calendar.isleap(year):
        day = 28
    return PartialDate(year, established.month, day)
