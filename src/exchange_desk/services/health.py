"""How each partnership is doing: the start screen's table and `exchange-desk health`.

Sister-city relationships fade when nothing happens for years and nobody notices. For each
partnership that has not ended, as of a day (`on`):

- its exchanges: delegations sent and received (not cancelled), cultural events with the
  partner city, and agreements signed with it, each counted in the year of its date (a date
  known only to its year counts in that year; nothing after `on` counts);
- the last exchange and how long ago; the exchanges in each of the last five years (the
  trend line); delegations sent against received over those years (the balance); its
  areas of cooperation;
- against the office's norm for its tier (File ▸ Office profile: exchanges a year, a sister
  city 1 and a friendly cooperative city 0.5 unless the office says otherwise): **below the
  norm** when its exchanges a year over the last five years (or the years since it began, if
  fewer) fall short; **dormant** when there has been no exchange for the profile's number of
  years (3 by default), or none at all in a partnership that old; **one-sided** when at
  least four delegations went between the cities in those years and one side sent fewer
  than a quarter of them.

Counting is done by the database (GROUP BY partner city and year), so 100,000 delegations
cost one pass, not 100,000 objects.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, literal_column, select, type_coerce
from sqlalchemy.types import String

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import (
    CooperationArea,
    DelegationStatus,
    Direction,
    PartnershipSignal,
    PartnershipStatus,
    PartnershipTier,
)
from exchange_desk.services.names import Names
from exchange_desk.storage import schema as s

if TYPE_CHECKING:
    from exchange_desk.storage.database import Database

TREND_YEARS = 5
# One-sided: at least this many delegations in the trend years, and one side under a quarter.
BALANCE_MINIMUM = 4
BALANCE_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class PartnershipHealth:
    """One partnership's record of exchanges as of a day, and what the office should notice."""

    partnership_id: int
    city_id: int
    city: Names
    country: str
    tier: PartnershipTier
    status: PartnershipStatus
    established: PartialDate | None
    last_exchange: PartialDate | None
    years_quiet: int | None  # whole years since the last exchange; None if there was none
    years: tuple[int, ...]  # the trend's years, oldest first
    per_year: tuple[int, ...]  # exchanges in each of them
    sent: int  # delegations sent over the trend years
    received: int
    areas: tuple[CooperationArea, ...]
    norm: float  # exchanges a year the office means to have with this tier
    rate: float  # exchanges a year over the trend years (or since it began)
    signals: tuple[PartnershipSignal, ...]
    is_sample: bool

    @property
    def dormant(self) -> bool:
        return PartnershipSignal.DORMANT in self.signals

    @property
    def below_norm(self) -> bool:
        return PartnershipSignal.BELOW_NORM in self.signals

    @property
    def unbalanced(self) -> bool:
        return PartnershipSignal.UNBALANCED in self.signals


@dataclass(frozen=True, slots=True)
class Norms:
    sister_city: float = 1.0
    friendly_city: float = 0.5
    dormant_after_years: int = 3

    def of(self, tier: PartnershipTier) -> float:
        return self.sister_city if tier is PartnershipTier.SISTER_CITY else self.friendly_city


def norms_of(session: Any) -> Norms:
    profile = s.office_profile
    row = session.execute(
        select(
            profile.c.sister_city_norm, profile.c.friendly_city_norm, profile.c.dormant_after_years
        ).where(profile.c.id == 1)
    ).first()
    return Norms(*row) if row is not None else Norms()


def _year_of(column: Any) -> Any:
    """The year of a partial-date text column, as text ("2018")."""
    # Literal positions: PostgreSQL matches the GROUP BY to the selected expression only if
    # both are the same text, which two sets of bound parameters are not.
    return func.substr(type_coerce(column, String()), literal_column("1"), literal_column("4"))


def _latest_of(latest: dict[int, str], city_id: int, value: str | None) -> None:
    if value and (city_id not in latest or value > latest[city_id]):
        latest[city_id] = value


def partnership_health(database: Database, *, on: dt.date | None = None) -> list[PartnershipHealth]:
    """Every partnership that has not ended, with its exchanges and signals as of `on`
    (default today), the ones to notice first: dormant, then below the norm, then
    one-sided, then by partner name."""
    on = on or dt.date.today()
    first_year = on.year - TREND_YEARS + 1
    upto = on.isoformat()
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    latest: dict[int, str] = {}
    sent: dict[int, int] = defaultdict(int)
    received: dict[int, int] = defaultdict(int)
    delegation, event, agreement = s.delegations, s.cultural_events, s.agreements
    with database.reading() as session:
        norms = norms_of(session)
        # Delegations in the trend's years, by partner city, direction and year (a few
        # thousand groups, not one per city and year of all time); then each city's latest.
        started = type_coerce(delegation.c.start_date, String())
        held = [
            delegation.c.status != DelegationStatus.CANCELLED,
            delegation.c.start_date.is_not(None),
            started <= upto,
        ]
        rows = session.execute(
            select(
                delegation.c.city_id,
                delegation.c.direction,
                _year_of(delegation.c.start_date),
                func.count(),
                func.max(started),
            )
            .where(*held, started >= f"{first_year:04d}")
            .group_by(
                delegation.c.city_id, delegation.c.direction, _year_of(delegation.c.start_date)
            )
        ).all()
        for city_id, direction, year, count, last in rows:
            counts[city_id][int(year)] += count
            _latest_of(latest, city_id, last)
            if direction == Direction.OUTGOING:
                sent[city_id] += count
            else:
                received[city_id] += count
        partnership, city, areas = s.partnerships, s.cities, s.partnership_areas
        partners = session.execute(
            select(
                partnership.c.id,
                partnership.c.city_id,
                partnership.c.tier,
                partnership.c.status,
                partnership.c.established,
                partnership.c.is_sample,
                city.c.name_en,
                city.c.name_zh,
                city.c.name_he,
                city.c.country,
            )
            .join(city, city.c.id == partnership.c.city_id)
            .where(partnership.c.status != PartnershipStatus.ENDED)
        ).all()
        # A city without a delegation in those years: its last one before them, looked up
        # by city (an index), not by a scan of every delegation ever.
        unheard = [row.city_id for row in partners if row.city_id not in latest]
        for chunk in range(0, len(unheard), 500):
            for city_id, last in session.execute(
                select(delegation.c.city_id, func.max(started))
                .where(*held, delegation.c.city_id.in_(unheard[chunk : chunk + 500]))
                .group_by(delegation.c.city_id)
            ):
                _latest_of(latest, city_id, last)
        for city_column, date_column in (
            (event.c.partner_city_id, event.c.start_date),
            (agreement.c.city_id, agreement.c.signed_on),
        ):
            rows = session.execute(
                select(
                    city_column,
                    _year_of(date_column),
                    func.count(),
                    func.max(type_coerce(date_column, String())),
                )
                .where(
                    city_column.is_not(None),
                    date_column.is_not(None),
                    type_coerce(date_column, String()) <= upto,
                )
                .group_by(city_column, _year_of(date_column))
            ).all()
            for city_id, year, count, last in rows:
                counts[city_id][int(year)] += count
                _latest_of(latest, city_id, last)
        area_rows = session.execute(select(areas.c.partnership_id, areas.c.area)).all()
        areas_of: dict[int, list[CooperationArea]] = defaultdict(list)
        for partnership_id, area in area_rows:
            areas_of[partnership_id].append(CooperationArea(area))
    years = tuple(range(first_year, on.year + 1))
    found = []
    for row in partners:
        tier = PartnershipTier(row.tier)
        per_city = counts.get(row.city_id, {})
        per_year = tuple(per_city.get(year, 0) for year in years)
        last_text = latest.get(row.city_id)
        last = PartialDate.parse(last_text) if last_text else None
        established: PartialDate | None = row.established
        quiet = _years_between(last.latest(), on) if last is not None else None
        # A partnership younger than the trend is measured over its own years.
        span = len(years)
        if established is not None and established.year > first_year:
            span = max(on.year - established.year + 1, 1)
        rate = sum(per_year[-span:]) / span
        norm = norms.of(tier)
        signals = []
        age = _years_between(established.earliest(), on) if established is not None else None
        if (quiet is not None and quiet >= norms.dormant_after_years) or (
            quiet is None and (age is None or age >= norms.dormant_after_years)
        ):
            signals.append(PartnershipSignal.DORMANT)
        if rate < norm:
            signals.append(PartnershipSignal.BELOW_NORM)
        out, came = sent.get(row.city_id, 0), received.get(row.city_id, 0)
        if out + came >= BALANCE_MINIMUM and min(out, came) < BALANCE_SHARE * (out + came):
            signals.append(PartnershipSignal.UNBALANCED)
        found.append(
            PartnershipHealth(
                partnership_id=row.id,
                city_id=row.city_id,
                city=Names(row.name_en or "", row.name_zh or "", row.name_he or ""),
                country=row.country,
                tier=tier,
                status=PartnershipStatus(row.status),
                established=established,
                last_exchange=last,
                years_quiet=quiet,
                years=years,
                per_year=per_year,
                sent=out,
                received=came,
                areas=tuple(sorted(areas_of.get(row.id, ()), key=list(CooperationArea).index)),
                norm=norm,
                rate=round(rate, 2),
                signals=tuple(signals),
                is_sample=bool(row.is_sample),
            )
        )
    order = list(PartnershipSignal)
    found.sort(
        key=lambda h: (
            min((order.index(signal) for signal in h.signals), default=len(order)),
            h.city.en.casefold(),
        )
    )
    return found


def _years_between(start: dt.date, end: dt.date) -> int:
    """Whole years from `start` to `end` (0 if `end` is earlier)."""
    years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    return max(years, 0)
