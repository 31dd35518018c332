"""What the partners' world map shows: the outline of the world (read once from
`resources/maps/world-110m.json`, projected) and each partner city as a point, with its
tier and how many exchanges the office had with it.

An exchange is a delegation (a cancelled one did not happen and is not counted), a cultural
event with the partner (the event's partner city, or where it took place when it names
none, as the annual report counts them) or an agreement with the partner city. The counts
are made by the database (grouped in SQL), so the map of an office with 100,000 delegations
is two quick queries; the window reads them off its thread and gives them to
`ui.world_map.WorldMap`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, func, select, union_all

from exchange_desk.domain.enums import DelegationStatus, PartnershipStatus, PartnershipTier
from exchange_desk.domain.world_map import CountryOutline, World, project_ring
from exchange_desk.paths import resources_dir
from exchange_desk.services.names import Names
from exchange_desk.storage import schema as s

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from exchange_desk.storage.database import Database

WORLD_FILE = ("maps", "world-110m.json")

_world: World | None = None
_world_lock = threading.Lock()


def load_world() -> World:
    """The countries' outlines in the map's projection, read and projected once per run
    (about 10,000 points; the window and the reports share the one object)."""
    global _world
    with _world_lock:
        if _world is None:
            path = resources_dir().joinpath(*WORLD_FILE)
            data = json.loads(path.read_text(encoding="utf-8"))
            _world = World(
                countries=tuple(
                    CountryOutline(
                        str(country["a2"]),
                        tuple(project_ring(ring) for ring in country["rings"]),
                    )
                    for country in data["countries"]
                ),
                source=str(data.get("source", "")),
            )
        return _world


@dataclass(frozen=True, slots=True)
class PartnerPoint:
    """A partner city on the map."""

    partnership_id: int
    city_id: int
    names: Names
    country: str  # ISO 3166 alpha-2
    latitude: float
    longitude: float
    tier: PartnershipTier
    exchanges: int  # delegations (not cancelled), cultural events and agreements
    is_sample: bool  # the city or its partnership is sample data


@dataclass(frozen=True, slots=True)
class MapPoints:
    """The partners that can be placed on the map, busiest first, and how many could not
    (their city has no latitude or longitude)."""

    points: tuple[PartnerPoint, ...]
    without_place: int = 0

    def __iter__(self) -> Iterator[PartnerPoint]:
        return iter(self.points)

    def __len__(self) -> int:
        return len(self.points)


def _in_year(column: Any, year: int) -> ColumnElement[bool]:
    """A partial date (ISO text) in `year`: "2018", "2018-05" and "2018-05-12" all are."""
    return and_(column >= f"{year:04d}", column < f"{year + 1:04d}")


def _exchange_counts(year: int | None) -> Any:
    """A subquery of (city_id, exchanges): every partner city's exchanges, of `year` only
    when given. One grouping over the three kinds of record together."""
    delegation = s.delegations
    event = s.cultural_events
    agreement = s.agreements
    delegation_where: list[ColumnElement[bool]] = [
        delegation.c.status != DelegationStatus.CANCELLED
    ]
    event_where: list[ColumnElement[bool]] = []
    agreement_where: list[ColumnElement[bool]] = [agreement.c.city_id.is_not(None)]
    if year is not None:
        delegation_where.append(_in_year(delegation.c.start_date, year))
        event_where.append(_in_year(event.c.start_date, year))
        agreement_where.append(_in_year(agreement.c.signed_on, year))
    every = union_all(
        select(delegation.c.city_id.label("city_id")).where(*delegation_where),
        select(func.coalesce(event.c.partner_city_id, event.c.city_id).label("city_id")).where(
            *event_where
        ),
        select(agreement.c.city_id.label("city_id")).where(*agreement_where),
    ).subquery("every_exchange")
    return (
        select(every.c.city_id, func.count().label("exchanges"))
        .where(every.c.city_id.is_not(None))
        .group_by(every.c.city_id)
        .subquery("exchange_counts")
    )


def read_points(
    session: Session,
    *,
    where: Sequence[ColumnElement[bool]] = (),
    tier: Any = None,
    year: int | None = None,
) -> MapPoints:
    """The partners whose partnership matches `where`, with their tier from `tier` (a
    column expression over `partnerships`; default its current tier) and their exchanges
    (of `year` only when given): for the annual report, the partners at a year's end."""
    partnership = s.partnerships
    city = s.cities
    counts = _exchange_counts(year)
    tier_column = (partnership.c.tier if tier is None else tier).label("tier")
    exchanges = func.coalesce(counts.c.exchanges, 0).label("exchanges")
    has_place = and_(city.c.latitude.is_not(None), city.c.longitude.is_not(None))
    rows = session.execute(
        select(
            partnership.c.id,
            city.c.id.label("city_id"),
            city.c.name_en,
            city.c.name_zh,
            city.c.name_he,
            city.c.country,
            city.c.latitude,
            city.c.longitude,
            tier_column,
            exchanges,
            city.c.is_sample,
            partnership.c.is_sample.label("partnership_is_sample"),
        )
        .select_from(
            partnership.join(city, city.c.id == partnership.c.city_id).outerjoin(
                counts, counts.c.city_id == city.c.id
            )
        )
        .where(*where, has_place)
        # The busiest first (they are drawn under the small ones and labelled first); ties
        # by English name, so that every language shows the same labels.
        .order_by(exchanges.desc(), city.c.name_en, partnership.c.id)
    ).all()
    without_place = session.scalar(
        select(func.count())
        .select_from(partnership.join(city, city.c.id == partnership.c.city_id))
        .where(*where, ~has_place)
    )
    return MapPoints(
        points=tuple(
            PartnerPoint(
                partnership_id=row.id,
                city_id=row.city_id,
                names=Names.of((row.name_en, row.name_zh, row.name_he)),
                country=row.country,
                latitude=float(row.latitude),
                longitude=float(row.longitude),
                tier=PartnershipTier(row.tier),
                exchanges=int(row.exchanges),
                is_sample=bool(row.is_sample or row.partnership_is_sample),
            )
            for row in rows
        ),
        without_place=without_place or 0,
    )


def partner_points(database: Database, *, include_ended: bool = False) -> MapPoints:
    """Every partner city with its exchanges of all years; an ended partnership only when
    `include_ended` (the map is of the partners the office has)."""
    where = [] if include_ended else [s.partnerships.c.status != PartnershipStatus.ENDED]
    with database.reading() as session:
        return read_points(session, where=where)


__all__ = ["MapPoints", "PartnerPoint", "load_world", "partner_points", "read_points"]
