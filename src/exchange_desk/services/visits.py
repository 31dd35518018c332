"""A visit as the documents need it: the delegation, its partner city, its members in the
order of precedence with their people, its programme day by day, and the guest lists of its
receptions; and an event's guest list.

Programmes, letters, badges, place cards and the delegation brief all start here, so they
order and name people the same way (`domain.protocol`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from exchange_desk.domain import records as r
from exchange_desk.domain.dates import DatePrecision
from exchange_desk.domain.enums import GuestSide, MemberRole
from exchange_desk.domain.protocol import guest_precedence, member_precedence
from exchange_desk.services import records
from exchange_desk.services.database import Database
from exchange_desk.services.names import Names
from exchange_desk.services.records import ListQuery


@dataclass(frozen=True, slots=True)
class Member:
    """One member of a delegation with the person behind it."""

    member: r.DelegationMember
    person: r.Person
    organization: Names  # empty Names when the person has none


@dataclass(frozen=True, slots=True)
class GuestEntry:
    guest: r.Guest
    person: r.Person
    organization: Names


@dataclass(frozen=True, slots=True)
class ProgrammeEntry:
    item: r.ProgrammeItem
    host: r.Person | None
    interpreter: r.Person | None
    guests: tuple[GuestEntry, ...]  # a reception's guest list, in precedence order


@dataclass(frozen=True, slots=True)
class Visit:
    delegation: r.Delegation
    city: r.City
    home_city: r.City | None
    members: tuple[Member, ...]  # in precedence order
    programme: tuple[ProgrammeEntry, ...]  # by day and time
    organizations: tuple[Names, ...]

    @property
    def head(self) -> Member | None:
        return next((m for m in self.members if m.member.role is MemberRole.HEAD), None)

    @property
    def days(self) -> tuple[dt.date, ...]:
        return tuple(sorted({entry.item.day for entry in self.programme}))

    @property
    def first_day(self) -> dt.date | None:
        """The visit's first day: the earliest of programme, arrivals and its start date."""
        candidates = [entry.item.day for entry in self.programme]
        candidates += [m.member.arrival for m in self.members if m.member.arrival]
        start = self.delegation.start_date
        if start is not None and start.precision is DatePrecision.DAY:
            candidates.append(start.earliest())
        return min(candidates) if candidates else None

    @property
    def last_day(self) -> dt.date | None:
        candidates = [entry.item.day for entry in self.programme]
        candidates += [m.member.departure for m in self.members if m.member.departure]
        end = self.delegation.end_date
        if end is not None and end.precision is DatePrecision.DAY:
            candidates.append(end.earliest())
        return max(candidates) if candidates else None


@dataclass(frozen=True, slots=True)
class GuestList:
    """An event's (or a reception's) guest list in precedence order."""

    title: Names
    when: Any  # a PartialDate or a date
    guests: tuple[GuestEntry, ...]

    @property
    def hosts(self) -> tuple[GuestEntry, ...]:
        return tuple(g for g in self.guests if g.guest.side is GuestSide.HOST)

    @property
    def received(self) -> tuple[GuestEntry, ...]:
        return tuple(g for g in self.guests if g.guest.side is GuestSide.GUEST)


def records_where(database: Database, kind: str, **filters: Any) -> list[Any]:
    """Every record of `kind` whose fields equal `filters` (a delegation's members)."""
    page = records.list_records(database, kind, ListQuery(filters=filters))
    return [listed.record for listed in page.rows]


class _People:
    """People and organization names read once per document."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._people: dict[int, r.Person] = {}
        self._organizations: dict[int, Names] = {}

    def person(self, person_id: int) -> r.Person:
        if person_id not in self._people:
            self._people[person_id] = records.get_record(self.database, "persons", person_id)
        return self._people[person_id]

    def organization_of(self, person: r.Person) -> Names:
        if person.organization_id is None:
            return Names()
        if person.organization_id not in self._organizations:
            self._organizations[person.organization_id] = records.names_of(
                self.database, "organizations", person.organization_id
            )
        return self._organizations[person.organization_id]


def _guests(people: _People, rows: list[r.Guest]) -> tuple[GuestEntry, ...]:
    entries = [
        GuestEntry(
            g, people.person(g.person_id), people.organization_of(people.person(g.person_id))
        )
        for g in rows
    ]
    entries.sort(key=lambda e: guest_precedence(e.guest.side, e.person))
    return tuple(entries)


def members_of(database: Database, delegation_id: int) -> tuple[Member, ...]:
    """A delegation's members in the order of precedence."""
    people = _People(database)
    return _members(people, delegation_id)


def _members(people: _People, delegation_id: int) -> tuple[Member, ...]:
    rows: list[r.DelegationMember] = records_where(
        people.database, "delegation_members", delegation_id=delegation_id
    )
    found = [
        Member(m, people.person(m.person_id), people.organization_of(people.person(m.person_id)))
        for m in rows
    ]
    found.sort(key=lambda m: member_precedence(m.member.role, m.person))
    return tuple(found)


def visit(database: Database, delegation_id: int) -> Visit:
    """Everything about one delegation's visit that its documents print."""
    from exchange_desk.services.office import office_profile

    delegation: r.Delegation = records.get_record(database, "delegations", delegation_id)
    city: r.City = records.get_record(database, "cities", delegation.city_id)
    profile = office_profile(database)
    home = (
        records.get_record(database, "cities", profile.home_city_id)
        if profile.home_city_id is not None
        else None
    )
    people = _People(database)
    members = _members(people, delegation_id)
    items: list[r.ProgrammeItem] = records_where(
        database, "programme_items", delegation_id=delegation_id
    )
    items.sort(key=lambda i: (i.day, i.starts_at or "", i.ends_at or "", i.id or 0))
    programme = []
    for item in items:
        guests = (
            _guests(people, records_where(database, "guests", programme_item_id=item.id))
            if item.is_reception
            else ()
        )
        programme.append(
            ProgrammeEntry(
                item,
                people.person(item.host_person_id) if item.host_person_id else None,
                people.person(item.interpreter_person_id) if item.interpreter_person_id else None,
                guests,
            )
        )
    organizations = tuple(
        records.names_of(database, "organizations", oid) for oid in delegation.organization_ids
    )
    return Visit(delegation, city, home, members, tuple(programme), organizations)


def event_guest_list(database: Database, event_id: int) -> GuestList:
    """A cultural event's guest list in precedence order."""
    event: r.CulturalEvent = records.get_record(database, "events", event_id)
    people = _People(database)
    guests = _guests(people, records_where(database, "guests", event_id=event_id))
    return GuestList(Names(event.name_en, event.name_zh, event.name_he), event.start_date, guests)


def reception_guest_list(database: Database, programme_item_id: int) -> GuestList:
    """A reception's guest list in precedence order."""
    item: r.ProgrammeItem = records.get_record(database, "programme_items", programme_item_id)
    people = _People(database)
    guests = _guests(people, records_where(database, "guests", programme_item_id=programme_item_id))
    return GuestList(Names(item.activity_en, item.activity_zh, item.activity_he), item.day, guests)


def overlapping(items: list[r.ProgrammeItem]) -> list[tuple[r.ProgrammeItem, r.ProgrammeItem]]:
    """Pairs of items of one day whose times overlap (an item without times overlaps none)."""
    found = []
    timed = sorted(
        (i for i in items if i.starts_at and i.ends_at),
        key=lambda i: (i.day, i.starts_at or "", i.ends_at or ""),
    )
    for index, first in enumerate(timed):
        for second in timed[index + 1 :]:
            if second.day != first.day:
                break
            if (second.starts_at or "") < (first.ends_at or ""):
                found.append((first, second))
    return found
