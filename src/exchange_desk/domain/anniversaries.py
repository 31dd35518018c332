"""Anniversary arithmetic: which partnerships reach a round year of friendship in a year.

Only the year of establishment is needed, so a partnership known as "since 2009" has its
10th anniversary in 2019 without inventing a day.
"""

from __future__ import annotations

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
