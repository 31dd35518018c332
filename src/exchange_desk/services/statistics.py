"""The office's figures: partnerships per tier and country, delegations per year and
direction, and the partnerships that reach a round anniversary in a year."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from exchange_desk.domain.anniversaries import round_anniversary
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import Direction, PartnershipStatus, PartnershipTier
from exchange_desk.services.records import Names
from exchange_desk.storage import models as m

if TYPE_CHECKING:
    from exchange_desk.storage.database import Database


@dataclass(frozen=True, slots=True)
class Statistics:
    """Counts for the annual report's key figures and the main window's status bar."""

    partnerships_by_tier: dict[PartnershipTier, int]
    partnerships_by_country: dict[str, int]
    partnerships_by_status: dict[PartnershipStatus, int]
    delegations_by_direction: dict[Direction, int]
    delegations_by_year: dict[int, dict[Direction, int]]
    events_by_year: dict[int, int]
    awards_by_year: dict[int, int]


@dataclass(frozen=True, slots=True)
class Anniversary:
    partnership_id: int
    city_id: int
    city: Names
    country: str
    tier: PartnershipTier
    established: PartialDate
    years: int
    is_sample: bool


def statistics(database: Database, *, active_only: bool = False) -> Statistics:
    """Counts per tier, country, status, direction and year (dates known to the year suffice)."""
    partnership = m.PartnershipRow
    with database.reading() as session:
        where = [partnership.status == PartnershipStatus.ACTIVE] if active_only else []
        by_tier = {
            PartnershipTier(tier): count
            for tier, count in session.execute(
                select(partnership.tier, func.count()).where(*where).group_by(partnership.tier)
            )
        }
        by_status = {
            PartnershipStatus(status): count
            for status, count in session.execute(
                select(partnership.status, func.count()).group_by(partnership.status)
            )
        }
        by_country = dict(
            session.execute(
                select(m.CityRow.country, func.count())
                .join(partnership, partnership.city_id == m.CityRow.id)
                .where(*where)
                .group_by(m.CityRow.country)
                .order_by(func.count().desc(), m.CityRow.country)
            ).all()
        )
        delegation_year = func.substr(m.DelegationRow.start_date, 1, 4)
        by_direction = {
            Direction(direction): count
            for direction, count in session.execute(
                select(m.DelegationRow.direction, func.count()).group_by(m.DelegationRow.direction)
            )
        }
        by_year: dict[int, dict[Direction, int]] = {}
        for year, direction, count in session.execute(
            select(delegation_year, m.DelegationRow.direction, func.count())
            .where(m.DelegationRow.start_date.is_not(None))
            .group_by(delegation_year, m.DelegationRow.direction)
        ):
            by_year.setdefault(int(year), {})[Direction(direction)] = count
        event_year = func.substr(m.CulturalEventRow.start_date, 1, 4)
        events = {
            int(year): count
            for year, count in session.execute(
                select(event_year, func.count())
                .where(m.CulturalEventRow.start_date.is_not(None))
                .group_by(event_year)
            )
        }
        award_year = func.substr(m.AwardRow.awarded_on, 1, 4)
        awards = {
            int(year): count
            for year, count in session.execute(
                select(award_year, func.count())
                .where(m.AwardRow.awarded_on.is_not(None))
                .group_by(award_year)
            )
        }
    return Statistics(
        partnerships_by_tier={tier: by_tier.get(tier, 0) for tier in PartnershipTier},
        partnerships_by_country=by_country,
        partnerships_by_status={status: by_status.get(status, 0) for status in PartnershipStatus},
        delegations_by_direction={d: by_direction.get(d, 0) for d in Direction},
        delegations_by_year=dict(sorted(by_year.items())),
        events_by_year=dict(sorted(events.items())),
        awards_by_year=dict(sorted(awards.items())),
    )


def anniversaries(
    database: Database, year: int, *, step: int = 5, include_ended: bool = False
) -> list[Anniversary]:
    """Partnerships that reach a round year (5, 10, 15, ...) of friendship in `year`."""
    partnership = m.PartnershipRow
    city = m.CityRow
    statement = (
        select(
            partnership.id,
            partnership.city_id,
            city.name_en,
            city.name_zh,
            city.name_he,
            city.country,
            partnership.tier,
            partnership.established,
            partnership.is_sample,
        )
        .join(city, city.id == partnership.city_id)
        .where(partnership.established.is_not(None), partnership.established < f"{year:04d}")
        .order_by(partnership.established, city.name_en)
    )
    if not include_ended:
        statement = statement.where(partnership.status != PartnershipStatus.ENDED)
    found = []
    with database.reading() as session:
        for row in session.execute(statement):
            years = round_anniversary(row.established, year, step)
            if years is None:
                continue
            found.append(
                Anniversary(
                    partnership_id=row.id,
                    city_id=row.city_id,
                    city=Names(row.name_en, row.name_zh, row.name_he),
                    country=row.country,
                    tier=PartnershipTier(row.tier),
                    established=row.established,
                    years=years,
                    is_sample=row.is_sample,
                )
            )
    found.sort(key=lambda anniversary: (-anniversary.years, anniversary.city.en))
    return found
