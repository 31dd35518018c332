"""What is due soon: the start screen's list, `exchange-desk due` and the .ics calendar.

An office loses sister cities by not noticing: an agreement that lapses, a tenth
anniversary that passes unmarked, a delegation arriving next week with nothing prepared.
`due_items` gathers, as of a day (`on`, today unless planning ahead or testing):

- agreements expiring within 180 days, and those expired that no later agreement with the
  same partner and area renews;
- round anniversaries of partnerships (5, 10, 15, 20, 25, 30, 35, 40, 50 years) within 24
  months;
- delegations (not cancelled) and cultural events within 60 days;
- certificates issued (numbered) but never printed.

Dates may be partial ("2019", "2019-06"): an item is due while any day it can mean lies in
its window, and its distance is counted to the first such day (0 while today is one of them).
Reads go through the Core tables with SQL narrowing by date text, so a database of 100,000
delegations answers within the start screen's 300 ms (`bench/home.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, exists, or_, select

from exchange_desk.domain.anniversaries import ROUND_YEARS, anniversary_date
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import (
    DelegationStatus,
    Direction,
    DueKind,
    PartnershipStatus,
    PartnershipTier,
)
from exchange_desk.i18n.catalog import _, ngettext
from exchange_desk.i18n.formatting import format_partial_date
from exchange_desk.services.names import Names
from exchange_desk.storage import schema as s

if TYPE_CHECKING:
    from exchange_desk.storage.database import Database

# How far ahead each kind of item is looked for, in days, unless `days` says otherwise.
AGREEMENT_DAYS = 180
ANNIVERSARY_DAYS = 730  # 24 months: offices plan round anniversaries a year or two ahead
VISIT_DAYS = 60


class DueAction(StrEnum):
    """What the start screen offers to do about an item."""

    OPEN = "open"  # go to the record
    KIT = "kit"  # the anniversary kit: letter, certificate and dossier
    LETTER = "letter"  # the letter of congratulation
    DOSSIER = "dossier"  # the partner city dossier
    BRIEF = "brief"  # the delegation brief
    PRINT = "print"  # print the issued certificate


@dataclass(frozen=True, slots=True)
class DueItem:
    """One thing coming up. `record_kind`/`record_id` is what Open goes to (an anniversary:
    its partnership; an unprinted certificate: its award); `days` is the distance from the
    day asked about to the item's date (negative: overdue)."""

    kind: DueKind
    record_kind: str
    record_id: int
    date: PartialDate
    days: int
    title: Names  # the agreement's or event's title, the partner city's name otherwise
    city: Names
    city_id: int | None = None
    partnership_id: int | None = None
    years: int | None = None  # an anniversary's round number of years
    direction: Direction | None = None
    tier: PartnershipTier | None = None
    number: str = ""  # a certificate's number
    is_sample: bool = False
    actions: tuple[DueAction, ...] = (DueAction.OPEN,)

    def sentence(self) -> str:
        """The item in a line, in the active language."""
        title, city = self.title.best(), self.city.best()
        if self.kind is DueKind.ANNIVERSARY:
            return _("{years}th anniversary of the partnership with {city}").format(
                years=self.years, city=city
            )
        if self.kind is DueKind.AGREEMENT_EXPIRING:
            return _("Agreement “{title}” expires").format(title=title)
        if self.kind is DueKind.AGREEMENT_EXPIRED:
            return _("Agreement “{title}” has expired and is not renewed").format(title=title)
        if self.kind is DueKind.DELEGATION:
            if self.direction is Direction.INCOMING:
                return _("Delegation from {city} arrives").format(city=city)
            return _("Delegation to {city} leaves").format(city=city)
        if self.kind is DueKind.EVENT:
            return _("Cultural event “{title}”").format(title=title)
        return _("Certificate {number} was issued but never printed").format(number=self.number)


@dataclass(frozen=True, slots=True)
class DueList:
    """The items due as of `on`, soonest (and overdue) first."""

    on: dt.date
    items: tuple[DueItem, ...] = ()
    windows: dict[DueKind, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.items)


def when_text(days: int, date: PartialDate | None = None) -> str:
    """How far away an item is, in words: "in 12 days", "today", "3 days ago"; a date known
    only to its year or month that includes today is "this year" or "this month"."""
    if days == 0 and date is not None and date.month is None:
        return _("this year")
    if days == 0 and date is not None and date.day is None:
        return _("this month")
    if days == 0:
        return _("today")
    if days > 0:
        return ngettext("in {count} day", "in {count} days", days).format(count=days)
    return ngettext("{count} day ago", "{count} days ago", -days).format(count=-days)


def date_text(item: DueItem) -> str:
    return format_partial_date(item.date)


def _distance(date: PartialDate, on: dt.date) -> int:
    first, last = date.earliest(), date.latest()
    if first <= on <= last:
        return 0
    return (first - on).days if first > on else (last - on).days


def _within(date: PartialDate | None, on: dt.date, until: dt.date) -> bool:
    return date is not None and date.latest() >= on and date.earliest() <= until


def _text_range(column: Any, on: dt.date, until: dt.date) -> Any:
    """SQL narrowing of a partial-date text column to dates that can fall in [on, until]:
    from the year of `on` (a date known only to its year sorts before its days) to `until`."""
    return and_(column >= f"{on.year:04d}", column <= until.isoformat())


def _names(row: Any, prefix: str = "") -> Names:
    return Names(
        row[f"{prefix}name_en"] or "", row[f"{prefix}name_zh"] or "", row[f"{prefix}name_he"] or ""
    )


def due_items(database: Database, *, on: dt.date | None = None, days: int | None = None) -> DueList:
    """Everything due as of `on` (default today). `days` replaces every kind's own window
    (`--days 30`: only what falls in the next 30 days); overdue items are always listed."""
    on = on or dt.date.today()
    windows = {
        DueKind.AGREEMENT_EXPIRING: days if days is not None else AGREEMENT_DAYS,
        DueKind.ANNIVERSARY: days if days is not None else ANNIVERSARY_DAYS,
        DueKind.DELEGATION: days if days is not None else VISIT_DAYS,
        DueKind.EVENT: days if days is not None else VISIT_DAYS,
    }
    found: list[DueItem] = []
    with database.reading() as session:
        found += _agreements(
            session, on, on + dt.timedelta(days=windows[DueKind.AGREEMENT_EXPIRING])
        )
        found += _anniversaries(session, on, on + dt.timedelta(days=windows[DueKind.ANNIVERSARY]))
        found += _delegations(session, on, on + dt.timedelta(days=windows[DueKind.DELEGATION]))
        found += _events(session, on, on + dt.timedelta(days=windows[DueKind.EVENT]))
        found += _unprinted(session, on)
    found.sort(key=lambda item: (item.days, item.date.earliest(), item.kind.value, item.record_id))
    return DueList(on, tuple(found), windows)


def _agreements(session: Any, on: dt.date, until: dt.date) -> Iterable[DueItem]:
    agreement, city, partnership = s.agreements, s.cities, s.partnerships
    later = agreement.alias("later")
    # Renewed: a later agreement with the same partner, in the same area (or either without
    # one), that runs longer than this one or without an end.
    renewed = exists().where(
        later.c.id != agreement.c.id,
        later.c.city_id == agreement.c.city_id,
        or_(later.c.area == agreement.c.area, later.c.area.is_(None), agreement.c.area.is_(None)),
        or_(later.c.expires_on.is_(None), later.c.expires_on > agreement.c.expires_on),
        or_(
            later.c.signed_on.is_(None),
            agreement.c.signed_on.is_(None),
            later.c.signed_on >= agreement.c.signed_on,
        ),
    )
    statement = (
        select(
            agreement.c.id,
            agreement.c.title_en,
            agreement.c.title_zh,
            agreement.c.title_he,
            agreement.c.expires_on,
            agreement.c.city_id,
            agreement.c.is_sample,
            city.c.name_en.label("city_name_en"),
            city.c.name_zh.label("city_name_zh"),
            city.c.name_he.label("city_name_he"),
            renewed.label("renewed"),
            partnership.c.id.label("partnership_id"),  # a city has at most one
        )
        .select_from(
            agreement.outerjoin(city, city.c.id == agreement.c.city_id).outerjoin(
                partnership, partnership.c.city_id == agreement.c.city_id
            )
        )
        .where(agreement.c.expires_on.is_not(None), agreement.c.expires_on <= until.isoformat())
    )
    for row in session.execute(statement).mappings():
        expires = row["expires_on"]
        if expires.latest() < on:
            if row["renewed"]:
                continue
            kind = DueKind.AGREEMENT_EXPIRED
        elif _within(expires, on, until):
            kind = DueKind.AGREEMENT_EXPIRING
        else:
            continue
        partnership_id = row["partnership_id"]
        yield DueItem(
            kind=kind,
            record_kind="agreements",
            record_id=row["id"],
            date=expires,
            days=_distance(expires, on),
            title=Names(row["title_en"], row["title_zh"], row["title_he"]),
            city=_names(row, "city_"),
            city_id=row["city_id"],
            partnership_id=partnership_id,
            is_sample=bool(row["is_sample"]),
            actions=(DueAction.OPEN, DueAction.DOSSIER) if partnership_id else (DueAction.OPEN,),
        )


def _anniversaries(session: Any, on: dt.date, until: dt.date) -> Iterable[DueItem]:
    partnership, city = s.partnerships, s.cities
    statement = (
        select(
            partnership.c.id,
            partnership.c.city_id,
            partnership.c.tier,
            partnership.c.established,
            partnership.c.is_sample,
            city.c.name_en,
            city.c.name_zh,
            city.c.name_he,
        )
        .join(city, city.c.id == partnership.c.city_id)
        .where(
            partnership.c.established.is_not(None),
            partnership.c.status != PartnershipStatus.ENDED,
        )
    )
    for row in session.execute(statement).mappings():
        established: PartialDate = row["established"]
        for year in range(on.year, until.year + 1):
            years = year - established.year
            if years not in ROUND_YEARS:
                continue
            date = anniversary_date(established, year)  # 29 February: the 28th otherwise
            if not _within(date, on, until):
                continue
            yield DueItem(
                kind=DueKind.ANNIVERSARY,
                record_kind="partnerships",
                record_id=row["id"],
                date=date,
                days=_distance(date, on),
                title=_names(row),
                city=_names(row),
                city_id=row["city_id"],
                partnership_id=row["id"],
                years=years,
                tier=PartnershipTier(row["tier"]),
                is_sample=bool(row["is_sample"]),
                actions=(DueAction.KIT, DueAction.LETTER, DueAction.DOSSIER, DueAction.OPEN),
            )


def _delegations(session: Any, on: dt.date, until: dt.date) -> Iterable[DueItem]:
    delegation, city, partnership = s.delegations, s.cities, s.partnerships
    statement = (
        select(
            delegation.c.id,
            delegation.c.direction,
            delegation.c.start_date,
            delegation.c.city_id,
            delegation.c.is_sample,
            city.c.name_en,
            city.c.name_zh,
            city.c.name_he,
            partnership.c.id.label("partnership_id"),
        )
        .join(city, city.c.id == delegation.c.city_id)
        .outerjoin(partnership, partnership.c.city_id == delegation.c.city_id)
        .where(
            delegation.c.status != DelegationStatus.CANCELLED,
            _text_range(delegation.c.start_date, on, until),
        )
    )
    for row in session.execute(statement).mappings():
        start = row["start_date"]
        if not _within(start, on, until):
            continue
        yield DueItem(
            kind=DueKind.DELEGATION,
            record_kind="delegations",
            record_id=row["id"],
            date=start,
            days=_distance(start, on),
            title=_names(row),
            city=_names(row),
            city_id=row["city_id"],
            partnership_id=row["partnership_id"],
            direction=Direction(row["direction"]),
            is_sample=bool(row["is_sample"]),
            actions=(DueAction.OPEN, DueAction.BRIEF),
        )


def _events(session: Any, on: dt.date, until: dt.date) -> Iterable[DueItem]:
    event, city = s.cultural_events, s.cities
    place = event.c.partner_city_id
    statement = (
        select(
            event.c.id,
            event.c.name_en,
            event.c.name_zh,
            event.c.name_he,
            event.c.start_date,
            event.c.is_sample,
            city.c.id.label("city_id"),
            city.c.name_en.label("city_name_en"),
            city.c.name_zh.label("city_name_zh"),
            city.c.name_he.label("city_name_he"),
        )
        .select_from(event.outerjoin(city, city.c.id == place))
        .where(_text_range(event.c.start_date, on, until))
    )
    for row in session.execute(statement).mappings():
        start = row["start_date"]
        if not _within(start, on, until):
            continue
        yield DueItem(
            kind=DueKind.EVENT,
            record_kind="events",
            record_id=row["id"],
            date=start,
            days=_distance(start, on),
            title=_names(row),
            city=_names(row, "city_"),
            city_id=row["city_id"],
            is_sample=bool(row["is_sample"]),
        )


def _unprinted(session: Any, on: dt.date) -> Iterable[DueItem]:
    certificate, printing, award = s.certificates, s.certificate_printings, s.awards
    printed = exists().where(
        printing.c.certificate_id == certificate.c.id, printing.c.failed.is_(False)
    )
    statement = (
        select(
            certificate.c.id,
            certificate.c.number,
            certificate.c.issued_on,
            certificate.c.award_id,
            certificate.c.is_sample,
            award.c.title_en,
            award.c.title_zh,
            award.c.title_he,
        )
        .join(award, award.c.id == certificate.c.award_id)
        .where(~printed)
    )
    for row in session.execute(statement).mappings():
        issued: dt.date = row["issued_on"]
        date = PartialDate(issued.year, issued.month, issued.day)
        yield DueItem(
            kind=DueKind.CERTIFICATE_UNPRINTED,
            record_kind="awards",
            record_id=row["award_id"],
            date=date,
            days=min(_distance(date, on), 0),  # waiting since it was issued: due now
            title=Names(row["title_en"], row["title_zh"], row["title_he"]),
            city=Names(),
            number=row["number"],
            is_sample=bool(row["is_sample"]),
            actions=(DueAction.PRINT, DueAction.OPEN),
        )
