"""The gifts register's questions: what a partner and its people received from us before (so
that nobody receives the same gift twice), and which gifts our officials received that the
rules ask them to declare (the yearly declaration, per official).

Records of gifts are written like any other kind (`services.editing`); this module only
reads.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, utils
from sqlalchemy import or_, select

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import (
    DeclarationStatus,
    GiftCategory,
    GiftDirection,
    GiftDisposition,
)
from exchange_desk.i18n.catalog import _
from exchange_desk.services.kinds import KINDS
from exchange_desk.services.names import Names
from exchange_desk.storage import schema as s

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from exchange_desk.storage.database import Database

__all__ = [
    "Declarations",
    "DeclaredGift",
    "GiftHistory",
    "OfficialGifts",
    "PastGift",
    "declarations",
    "gift_history",
    "similar_descriptions",
]

# How alike two descriptions must be (0-100, rapidfuzz) to be the same gift: "porcelain vase"
# and "Porcelain vase, blue and white" are; "porcelain vase" and "silk scroll" are not.
SIMILAR = 80


# --- names in bulk ---------------------------------------------------------------------------


def _names_in(session: Session, kind_name: str, ids: Iterable[int | None]) -> dict[int, Names]:
    """The names of many records of one kind, in one query."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    kind = KINDS[kind_name]
    table = kind.row.__table__
    columns = kind.declaration.name_columns
    found: dict[int, Names] = {}
    for row in session.execute(
        select(table.c.id, *(table.c[c] for c in columns)).where(table.c.id.in_(wanted))
    ):
        values = [*row[1:], "", ""]
        found[row[0]] = Names(en=values[0] or "", zh=values[1] or "", he=values[2] or "")
    return found


def _description(row: Any) -> Names:
    return Names(en=row.description_en, zh=row.description_zh, he=row.description_he)


# --- repeats ---------------------------------------------------------------------------------


def similar_descriptions(first: Names, second: Names) -> bool:
    """Whether two gifts' descriptions name the same thing, in any language both have.
    Chinese is compared character by character, the others word by word."""
    for language in ("en", "zh", "he"):
        a = getattr(first, language).casefold().strip()
        b = getattr(second, language).casefold().strip()
        if not a or not b:
            continue
        if language == "zh":
            score = max(
                fuzz.ratio(a, b), fuzz.partial_ratio(a, b) if min(len(a), len(b)) > 2 else 0
            )
        else:
            # Words compared without case or punctuation: "vase," is "vase".
            score = fuzz.token_set_ratio(a, b, processor=utils.default_process)
        if score >= SIMILAR:
            return True
    return False


@dataclass(frozen=True, slots=True)
class PastGift:
    """A gift the office gave before, as the warning names it."""

    id: int
    given_on: PartialDate
    description: Names
    category: GiftCategory
    recipient: Names  # the person, the body or the city that received it
    city: Names  # the partner city, where known
    to_person: bool  # received by the person now being given a gift
    similar: bool  # looks like the gift now being entered
    is_sample: bool = False


@dataclass(frozen=True, slots=True)
class GiftHistory:
    """What the partner (and the person) received from us before, oldest first."""

    gifts: tuple[PastGift, ...]

    @property
    def repeats(self) -> tuple[PastGift, ...]:
        return tuple(gift for gift in self.gifts if gift.similar)

    def sentence(self, language: str, date: Any = None) -> str:
        """ "Kfar Saba, 2016: porcelain vase; 2017: silk scroll", in `language` ("zh", "en",
        "he"); `date` formats a partial date (the year when not given)."""
        if not self.gifts:
            return ""
        by_place: dict[str, list[str]] = defaultdict(list)
        for gift in self.gifts:
            place = (gift.recipient if gift.to_person else gift.city or gift.recipient).best(
                language
            )
            when = date(gift.given_on) if date else str(gift.given_on.year)
            by_place[place].append(
                _("{date}: {gift}").format(date=when, gift=gift.description.best(language))
            )
        return " · ".join(
            _("{place}, {gifts}").format(place=place, gifts=_joined(items))
            for place, items in by_place.items()
        )


def _joined(items: list[str]) -> str:
    """ "2016: vase; 2017: scroll", with the language's own semicolon (；in Chinese)."""
    joined = items[0]
    for item in items[1:]:
        joined = _("{earlier}; {later}").format(earlier=joined, later=item)
    return joined


def gift_history(
    database: Database,
    *,
    partner_city_id: int | None = None,
    partner_organization_id: int | None = None,
    partner_person_id: int | None = None,
    description: Names | None = None,
    exclude_id: int | None = None,
) -> GiftHistory:
    """The gifts given before to the partner city (to any of its bodies or people), to the
    organization and to the person; those like `description` marked `similar`. Nothing is
    asked for when no partner is named."""
    gift = s.gifts
    sides = []
    if partner_city_id is not None:
        sides.append(gift.c.partner_city_id == partner_city_id)
    if partner_organization_id is not None:
        sides.append(gift.c.partner_organization_id == partner_organization_id)
    if partner_person_id is not None:
        sides.append(gift.c.partner_person_id == partner_person_id)
    if not sides:
        return GiftHistory(())
    query = select(gift).where(gift.c.direction == GiftDirection.GIVEN, or_(*sides))
    if exclude_id is not None:
        query = query.where(gift.c.id != exclude_id)
    with database.reading() as session:
        rows = session.execute(query.order_by(gift.c.given_on, gift.c.id)).all()
        cities = _names_in(session, "cities", (row.partner_city_id for row in rows))
        bodies = _names_in(session, "organizations", (row.partner_organization_id for row in rows))
        people = _names_in(session, "persons", (row.partner_person_id for row in rows))
    past = []
    for row in rows:
        recipient = (
            people.get(row.partner_person_id)
            or bodies.get(row.partner_organization_id)
            or cities.get(row.partner_city_id)
            or Names()
        )
        own = _description(row)
        past.append(
            PastGift(
                id=row.id,
                given_on=row.given_on,
                description=own,
                category=GiftCategory(row.category),
                recipient=recipient,
                city=cities.get(row.partner_city_id, Names()),
                to_person=partner_person_id is not None
                and row.partner_person_id == partner_person_id,
                similar=description is not None and similar_descriptions(own, description),
                is_sample=bool(row.is_sample),
            )
        )
    return GiftHistory(tuple(past))


# --- declarations ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeclaredGift:
    """A received gift on the declaration: what, from whom, when and how it stands."""

    id: int
    given_on: PartialDate
    description: Names
    giver: Names  # the partner: person, body or city
    giver_city: Names
    event: Names  # the occasion: the cultural event's name, empty if none
    delegation_city: Names  # or the visit: the delegation's partner city, empty if none
    category: GiftCategory
    value: float | None
    currency: str
    disposition: GiftDisposition | None
    status: DeclarationStatus
    declared_on: dt.date | None
    reference: str
    is_sample: bool


@dataclass(frozen=True, slots=True)
class OfficialGifts:
    """One official's received gifts to declare, and their total value."""

    official_id: int | None  # None: received by the office itself
    official: Names
    gifts: tuple[DeclaredGift, ...]

    @property
    def total(self) -> float:
        return sum(gift.value or 0 for gift in self.gifts)


@dataclass(frozen=True, slots=True)
class Declarations:
    """The year's declaration: received gifts at or above the threshold per official, and
    those whose value cannot be compared with it (none estimated, or another currency)."""

    year: int
    threshold: float | None  # None: every gift received is declared
    currency: str
    officials: tuple[OfficialGifts, ...]
    unvalued: tuple[DeclaredGift, ...]
    received: int  # gifts received in the year, declared or not

    @property
    def count(self) -> int:
        return sum(len(official.gifts) for official in self.officials)

    @property
    def total(self) -> float:
        return sum(official.total for official in self.officials)


def _at_or_above(row: Any, threshold: float | None, currency: str) -> bool | None:
    """True to declare, False below the threshold, None when it cannot be told."""
    if threshold is None:
        return True
    if row.estimated_value is None:
        return None
    if row.currency and currency and row.currency != currency:
        return None
    return bool(row.estimated_value >= threshold)


def declarations(database: Database, year: int) -> Declarations:
    """The received gifts of `year` the office profile's threshold asks to declare."""
    gift = s.gifts
    profile = s.office_profile
    with database.reading() as session:
        settings = session.execute(
            select(profile.c.gift_threshold, profile.c.gift_currency).where(profile.c.id == 1)
        ).first()
        threshold = settings.gift_threshold if settings else None
        currency = (settings.gift_currency if settings else "") or ""
        rows = session.execute(
            select(gift)
            .where(
                gift.c.direction == GiftDirection.RECEIVED,
                gift.c.given_on >= f"{year:04d}",
                gift.c.given_on < f"{year + 1:04d}",
            )
            .order_by(gift.c.given_on, gift.c.id)
        ).all()
        cities = _names_in(session, "cities", (row.partner_city_id for row in rows))
        bodies = _names_in(session, "organizations", (row.partner_organization_id for row in rows))
        people = _names_in(
            session,
            "persons",
            [row.partner_person_id for row in rows] + [row.official_person_id for row in rows],
        )
        events = _names_in(session, "events", (row.event_id for row in rows))
        visits = _visit_cities(session, (row.delegation_id for row in rows))
    listed: dict[int | None, list[DeclaredGift]] = defaultdict(list)
    unvalued: list[DeclaredGift] = []
    for row in rows:
        verdict = _at_or_above(row, threshold, currency)
        if verdict is False:
            continue
        entry = DeclaredGift(
            id=row.id,
            given_on=row.given_on,
            description=_description(row),
            giver=people.get(row.partner_person_id)
            or bodies.get(row.partner_organization_id)
            or cities.get(row.partner_city_id)
            or Names(),
            giver_city=cities.get(row.partner_city_id, Names()),
            event=events.get(row.event_id, Names()) if row.event_id else Names(),
            delegation_city=visits.get(row.delegation_id, Names())
            if row.delegation_id
            else Names(),
            category=GiftCategory(row.category),
            value=row.estimated_value,
            currency=row.currency or currency,
            disposition=GiftDisposition(row.disposition) if row.disposition else None,
            status=DeclarationStatus(row.declaration_status),
            declared_on=row.declared_on,
            reference=row.declaration_reference,
            is_sample=bool(row.is_sample),
        )
        if verdict is None:
            unvalued.append(entry)
        else:
            listed[row.official_person_id].append(entry)
    officials = sorted(
        (
            OfficialGifts(
                official_id,
                people.get(official_id, Names()) if official_id else Names(),
                tuple(items),
            )
            for official_id, items in listed.items()
        ),
        # Named officials by name; what the office received as a body last.
        key=lambda o: (o.official_id is None, o.official.best("en").casefold()),
    )
    return Declarations(
        year=year,
        threshold=threshold,
        currency=currency,
        officials=tuple(officials),
        unvalued=tuple(unvalued),
        received=len(rows),
    )


def _visit_cities(session: Session, ids: Iterable[int | None]) -> dict[int, Names]:
    """The partner city of each delegation: what names a visit as an occasion."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    delegation = s.delegations
    found = session.execute(
        select(delegation.c.id, delegation.c.city_id).where(delegation.c.id.in_(wanted))
    ).all()
    cities = _names_in(session, "cities", (row.city_id for row in found))
    return {row.id: cities.get(row.city_id, Names()) for row in found}
