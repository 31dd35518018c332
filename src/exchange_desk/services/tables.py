"""The main window's tables: every record of a tab in memory, searched, filtered and sorted
in Python so that each keystroke answers in milliseconds even at 100,000 records.

Loading reads only the columns a tab shows (plus what its search and filters need) with one
query per table; names of referred records come from small lookup queries. A `RecordTable`
holds raw values (ISO date text, enums, `Names`, numbers); the window formats them for the
user's language when they are drawn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, select, type_coerce

from exchange_desk.domain.anniversaries import next_round_anniversary
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import (
    AwardRole,
    CooperationArea,
    DelegationStatus,
    Direction,
    EventKind,
    OrganizationKind,
    PartnershipStatus,
    PartnershipTier,
    RecipientKind,
)
from exchange_desk.i18n.catalog import N_
from exchange_desk.services.names import Names
from exchange_desk.storage import schema as s

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from exchange_desk.storage.database import Database


@dataclass(frozen=True, slots=True)
class TableColumn:
    """A column: its key, its header (marked with N_), and how its values are to be shown:
    `text`, `names`, `date` (ISO text of a partial date), `number`, `year`, `enum`,
    `country`."""

    key: str
    header: str
    shows: str


@dataclass(frozen=True, slots=True)
class Facet:
    """A filter a tab offers: `year`, or the values of one column (`direction`, `tier`...)."""

    key: str
    label: str
    choices: tuple[Any, ...] = ()


@dataclass(slots=True)
class RecordTable:
    """Records of one tab, stored by column: `data[column][row]`, in the database's order.

    `complete` is False for a first page loaded to show something at once; the window then
    loads the whole table in the background.
    """

    tab: str
    kind: str
    columns: tuple[TableColumn, ...]
    facets: tuple[Facet, ...]
    ids: list[int] = field(default_factory=list)
    data: list[list[Any]] = field(default_factory=list)
    sample: list[bool] = field(default_factory=list)
    search_text: list[str] = field(default_factory=list)
    facet_values: dict[str, list[Any]] = field(default_factory=dict)
    complete: bool = True

    def __len__(self) -> int:
        return len(self.ids)

    def column_index(self, key: str) -> int:
        return next(i for i, column in enumerate(self.columns) if column.key == key)

    def row_of(self, record_id: int) -> int | None:
        try:
            return self.ids.index(record_id)
        except ValueError:
            return None

    def matching(
        self, order: Sequence[int], search: str = "", filters: dict[str, Any] | None = None
    ) -> list[int]:
        """The row numbers of `order` that contain `search` (in any language, any case) and
        have every filter's value; `year` matches the year of the tab's date."""
        found = list(order)
        for key, wanted in (filters or {}).items():
            values = self.facet_values.get(key)
            if wanted is not None and values is not None:
                found = [i for i in found if values[i] == wanted]
        needle = search.strip().casefold()
        if needle:
            texts = self.search_text
            found = [i for i in found if needle in texts[i]]
        return found


# --- loading -------------------------------------------------------------------------------


def _raw(column: Any) -> Any:
    """The column as the text it is stored as: parsing 100,000 dates or kinds into Python
    objects would cost more than the whole query."""
    return type_coerce(column, String())


def _names_by_id(session: Session, table: Any, columns: Sequence[str]) -> dict[int, Names]:
    return {
        record_id: Names(*(value or "" for value in values))
        for record_id, *values in session.execute(
            select(table.c.id, *(table.c[name] for name in columns))
        )
    }


@dataclass(frozen=True, slots=True)
class _Cities:
    names: dict[int, Names]
    country: dict[int, str]
    folded: dict[int, str]  # what a row is found by through its city

    def name(self, city_id: int | None) -> Names:
        return self.names.get(city_id, _NO_NAMES) if city_id is not None else _NO_NAMES


def _cities(session: Session) -> _Cities:
    names: dict[int, Names] = {}
    country: dict[int, str] = {}
    folded: dict[int, str] = {}
    for city_id, en, zh, he, own, code in session.execute(
        select(
            s.cities.c.id,
            s.cities.c.name_en,
            s.cities.c.name_zh,
            s.cities.c.name_he,
            s.cities.c.name_local,
            s.cities.c.country,
        )
    ):
        names[city_id] = Names(en, zh, he)
        country[city_id] = code
        folded[city_id] = _fold(names[city_id], own)
    return _Cities(names, country, folded)


_NO_NAMES = Names()


def _fold(*parts: Any) -> str:
    """One lower-case text of everything a row can be found by."""
    pieces: list[str] = []
    for part in parts:
        if isinstance(part, Names):
            pieces.extend((part.en, part.zh, part.he))
        elif part:
            pieces.append(str(part))
    return "\x1f".join(pieces).casefold()


def _columns(rows: Sequence[Sequence[Any]], width: int) -> list[list[Any]]:
    """Rows turned into columns (in C, by zip)."""
    if not rows:
        return [[] for _ in range(width)]
    return [list(column) for column in zip(*rows, strict=True)]


def _years(dates: Sequence[str | None]) -> list[int | None]:
    return [int(date[:4]) if date else None for date in dates]


def _members(enum_class: type[Any], values: Sequence[str | None]) -> list[Any]:
    lookup = {member.value: member for member in enum_class}
    return [lookup.get(value) if value is not None else None for value in values]


def _limited(statement: Any, limit: int | None) -> Any:
    return statement if limit is None else statement.limit(limit)


Loader = Callable[["Session", RecordTable, "int | None"], None]


def _load_partner_cities(session: Session, table: RecordTable, limit: int | None) -> None:
    cities = _cities(session)
    this_year = dt.date.today().year
    p = s.partnerships
    rows = session.execute(
        _limited(
            select(
                p.c.id,
                p.c.city_id,
                _raw(p.c.tier),
                _raw(p.c.established),
                _raw(p.c.status),
                p.c.is_sample,
            ).order_by(p.c.established, p.c.id),
            limit,
        )
    ).all()
    ids, city_ids, tiers, established, statuses, sample = _columns(rows, 6)
    tiers = _members(PartnershipTier, tiers)
    statuses = _members(PartnershipStatus, statuses)
    countries = [cities.country.get(c, "") for c in city_ids]
    anniversaries = [
        next_round_anniversary(PartialDate.parse(since), this_year)[0]
        if since and status != PartnershipStatus.ENDED
        else None
        for since, status in zip(established, statuses, strict=True)
    ]
    table.ids = ids
    table.data = [
        [cities.name(c) for c in city_ids],
        countries,
        tiers,
        established,
        statuses,
        anniversaries,
    ]
    table.sample = [bool(value) for value in sample]
    table.search_text = [
        f"{cities.folded.get(c, '')}\x1f{code.casefold()}"
        for c, code in zip(city_ids, countries, strict=True)
    ]
    table.facet_values.update(tier=tiers, status=statuses, country=countries)


def _load_delegations(session: Session, table: RecordTable, limit: int | None) -> None:
    cities = _cities(session)
    d = s.delegations
    rows = session.execute(
        _limited(
            select(
                d.c.id,
                _raw(d.c.start_date),
                _raw(d.c.direction),
                d.c.city_id,
                d.c.members,
                d.c.leader,
                d.c.purpose,
                _raw(d.c.status),
                d.c.is_sample,
            ).order_by(d.c.start_date, d.c.id),
            limit,
        )
    ).all()
    ids, starts, directions, city_ids, members, leaders, purposes, statuses, sample = _columns(
        rows, 9
    )
    directions = _members(Direction, directions)
    statuses = _members(DelegationStatus, statuses)
    folded = cities.folded
    table.ids = ids
    table.data = [
        starts,
        directions,
        [cities.name(c) for c in city_ids],
        members,
        leaders,
        statuses,
        purposes,
    ]
    table.sample = [bool(value) for value in sample]
    table.search_text = [
        f"{folded.get(c, '')}\x1f{leader}\x1f{purpose}".casefold()
        for c, leader, purpose in zip(city_ids, leaders, purposes, strict=True)
    ]
    table.facet_values.update(
        year=_years(starts),
        direction=directions,
        status=statuses,
        country=[cities.country.get(c, "") for c in city_ids],
    )


def _load_events(session: Session, table: RecordTable, limit: int | None) -> None:
    cities = _cities(session)
    e = s.cultural_events
    rows = session.execute(
        _limited(
            select(
                e.c.id,
                _raw(e.c.start_date),
                e.c.name_en,
                e.c.name_zh,
                e.c.name_he,
                _raw(e.c.kind),
                e.c.city_id,
                e.c.partner_city_id,
                e.c.attendance,
                e.c.is_sample,
            ).order_by(e.c.start_date, e.c.id),
            limit,
        )
    ).all()
    ids, starts, en, zh, he, kinds, city_ids, partner_ids, attendance, sample = _columns(rows, 10)
    names = [Names(*parts) for parts in zip(en, zh, he, strict=True)]
    kinds = _members(EventKind, kinds)
    table.ids = ids
    table.data = [
        starts,
        names,
        kinds,
        [cities.name(c) for c in city_ids],
        [cities.name(c) for c in partner_ids],
        attendance,
    ]
    table.sample = [bool(value) for value in sample]
    table.search_text = [
        f"{_fold(name)}\x1f{cities.folded.get(c, '')}\x1f{cities.folded.get(p, '')}"
        for name, c, p in zip(names, city_ids, partner_ids, strict=True)
    ]
    table.facet_values.update(
        year=_years(starts),
        kind=kinds,
        country=[cities.country.get(c, "") for c in city_ids],
    )


def _load_awards(session: Session, table: RecordTable, limit: int | None) -> None:
    cities = _cities(session)
    organizations = _names_by_id(session, s.organizations, ("name_en", "name_zh", "name_he"))
    persons = _names_by_id(session, s.persons, ("name", "name_zh", "name_he"))
    conferences = _names_by_id(session, s.conferences, ("name_en", "name_zh", "name_he"))
    a = s.awards
    rows = session.execute(
        _limited(
            select(
                a.c.id,
                _raw(a.c.awarded_on),
                a.c.title_en,
                a.c.title_zh,
                a.c.title_he,
                a.c.conference_id,
                _raw(a.c.recipient_kind),
                a.c.recipient_city_id,
                a.c.recipient_organization_id,
                a.c.recipient_person_id,
                a.c.giver_organization_id,
                a.c.is_sample,
            ).order_by(a.c.awarded_on, a.c.id),
            limit,
        )
    ).all()
    (
        ids,
        dates,
        en,
        zh,
        he,
        conference_ids,
        kinds,
        city_ids,
        organization_ids,
        person_ids,
        giver_ids,
        sample,
    ) = _columns(rows, 12)
    titles = [Names(*parts) for parts in zip(en, zh, he, strict=True)]
    recipients = [
        cities.name(c)
        if kind == "city"
        else organizations.get(o or 0, _NO_NAMES)
        if kind == "organization"
        else persons.get(p or 0, _NO_NAMES)
        for kind, c, o, p in zip(kinds, city_ids, organization_ids, person_ids, strict=True)
    ]
    conference_names = [conferences.get(c or 0, _NO_NAMES) for c in conference_ids]
    # Given by us, received by us, or given by another body: only the first are ours to
    # certify, the second we attach a scan of.
    home = session.execute(select(s.office_profile.c.home_city_id)).scalar()
    roles = [
        AwardRole.of(
            giver_organization_id=giver,
            recipient_kind=RecipientKind(kind),
            recipient_city_id=city,
            home_city_id=home,
        )
        for kind, city, giver in zip(kinds, city_ids, giver_ids, strict=True)
    ]
    table.ids = ids
    table.data = [dates, titles, recipients, roles, conference_names]
    table.sample = [bool(value) for value in sample]
    table.search_text = [
        _fold(*parts) for parts in zip(titles, recipients, conference_names, strict=True)
    ]
    table.facet_values.update(
        year=_years(dates),
        conference=conference_ids,
        recipient_kind=_members(RecipientKind, kinds),
        role=roles,
    )


def _load_agreements(session: Session, table: RecordTable, limit: int | None) -> None:
    cities = _cities(session)
    g = s.agreements
    rows = session.execute(
        _limited(
            select(
                g.c.id,
                _raw(g.c.signed_on),
                g.c.title_en,
                g.c.title_zh,
                g.c.title_he,
                _raw(g.c.area),
                g.c.city_id,
                _raw(g.c.expires_on),
                g.c.is_sample,
            ).order_by(g.c.signed_on, g.c.id),
            limit,
        )
    ).all()
    ids, signed, en, zh, he, areas, city_ids, expires, sample = _columns(rows, 9)
    titles = [Names(*parts) for parts in zip(en, zh, he, strict=True)]
    areas = _members(CooperationArea, areas)
    table.ids = ids
    table.data = [signed, titles, areas, [cities.name(c) for c in city_ids], expires]
    table.sample = [bool(value) for value in sample]
    table.search_text = [
        f"{_fold(title)}\x1f{cities.folded.get(c, '')}"
        for title, c in zip(titles, city_ids, strict=True)
    ]
    table.facet_values.update(year=_years(signed), area=areas)


def _load_organizations(session: Session, table: RecordTable, limit: int | None) -> None:
    cities = _cities(session)
    o = s.organizations
    rows = session.execute(
        _limited(
            select(
                o.c.id,
                o.c.name_en,
                o.c.name_zh,
                o.c.name_he,
                _raw(o.c.kind),
                o.c.city_id,
                o.c.is_sample,
            ).order_by(o.c.name_en, o.c.id),
            limit,
        )
    ).all()
    ids, en, zh, he, kinds, city_ids, sample = _columns(rows, 7)
    names = [Names(*parts) for parts in zip(en, zh, he, strict=True)]
    kinds = _members(OrganizationKind, kinds)
    table.ids = ids
    table.data = [names, kinds, [cities.name(c) for c in city_ids]]
    table.sample = [bool(value) for value in sample]
    table.search_text = [
        f"{_fold(name)}\x1f{cities.folded.get(c, '')}"
        for name, c in zip(names, city_ids, strict=True)
    ]
    table.facet_values.update(kind=kinds, country=[cities.country.get(c, "") for c in city_ids])


def _load_conferences(session: Session, table: RecordTable, limit: int | None) -> None:
    cities = _cities(session)
    c = s.conferences
    rows = session.execute(
        _limited(
            select(
                c.c.id,
                _raw(c.c.start_date),
                c.c.name_en,
                c.c.name_zh,
                c.c.name_he,
                c.c.edition,
                c.c.host_city_id,
                c.c.attendance,
                c.c.countries,
                c.c.is_sample,
            ).order_by(c.c.start_date, c.c.id),
            limit,
        )
    ).all()
    ids, starts, en, zh, he, editions, host_ids, attendance, countries, sample = _columns(rows, 10)
    names = [Names(*parts) for parts in zip(en, zh, he, strict=True)]
    table.ids = ids
    table.data = [
        starts,
        names,
        editions,
        [cities.name(h) for h in host_ids],
        attendance,
        countries,
    ]
    table.sample = [bool(value) for value in sample]
    table.search_text = [
        f"{_fold(name)}\x1f{cities.folded.get(h, '')}"
        for name, h in zip(names, host_ids, strict=True)
    ]
    table.facet_values.update(year=_years(starts))


def _choices(members: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(members)


_YEAR = Facet("year", N_("Year"))
_COUNTRY = Facet("country", N_("Country"))

TABS: dict[str, tuple[str, tuple[TableColumn, ...], tuple[Facet, ...], Loader]] = {
    "partner_cities": (
        "partnerships",
        (
            TableColumn("city", N_("Partner city"), "names"),
            TableColumn("country", N_("Country"), "country"),
            TableColumn("tier", N_("Tier"), "enum"),
            TableColumn("established", N_("Since"), "date"),
            TableColumn("status", N_("Status"), "enum"),
            TableColumn("next_anniversary", N_("Next anniversary"), "year"),
        ),
        (
            Facet("tier", N_("Tier"), _choices(PartnershipTier)),
            Facet("status", N_("Status"), _choices(PartnershipStatus)),
            _COUNTRY,
        ),
        _load_partner_cities,
    ),
    "delegations": (
        "delegations",
        (
            TableColumn("start_date", N_("Start"), "date"),
            TableColumn("direction", N_("Direction"), "enum"),
            TableColumn("city", N_("Partner city"), "names"),
            TableColumn("members", N_("Members"), "number"),
            TableColumn("leader", N_("Leader"), "text"),
            TableColumn("status", N_("Status"), "enum"),
            TableColumn("purpose", N_("Purpose"), "text"),
        ),
        (
            _YEAR,
            Facet("direction", N_("Direction"), _choices(Direction)),
            Facet("status", N_("Status"), _choices(DelegationStatus)),
            _COUNTRY,
        ),
        _load_delegations,
    ),
    "events": (
        "events",
        (
            TableColumn("start_date", N_("Start"), "date"),
            TableColumn("name", N_("Name"), "names"),
            TableColumn("kind", N_("Kind"), "enum"),
            TableColumn("city", N_("Where"), "names"),
            TableColumn("partner_city", N_("Partner city"), "names"),
            TableColumn("attendance", N_("Attendance"), "number"),
        ),
        (_YEAR, Facet("kind", N_("Kind"), _choices(EventKind)), _COUNTRY),
        _load_events,
    ),
    "awards": (
        "awards",
        (
            TableColumn("awarded_on", N_("Date"), "date"),
            TableColumn("title", N_("Title"), "names"),
            TableColumn("recipient", N_("Recipient"), "names"),
            TableColumn("role", N_("Given or received"), "enum"),
            TableColumn("conference", N_("Conference"), "names"),
        ),
        (
            _YEAR,
            Facet("role", N_("Given or received"), _choices(AwardRole)),
            Facet("conference", N_("Conference")),
        ),
        _load_awards,
    ),
    "agreements": (
        "agreements",
        (
            TableColumn("signed_on", N_("Signed"), "date"),
            TableColumn("title", N_("Title"), "names"),
            TableColumn("area", N_("Area"), "enum"),
            TableColumn("city", N_("Partner city"), "names"),
            TableColumn("expires_on", N_("Expires"), "date"),
        ),
        (_YEAR, Facet("area", N_("Area"), _choices(CooperationArea))),
        _load_agreements,
    ),
    "organizations": (
        "organizations",
        (
            TableColumn("name", N_("Name"), "names"),
            TableColumn("kind", N_("Kind"), "enum"),
            TableColumn("city", N_("City"), "names"),
        ),
        (Facet("kind", N_("Kind"), _choices(OrganizationKind)), _COUNTRY),
        _load_organizations,
    ),
    "conferences": (
        "conferences",
        (
            TableColumn("start_date", N_("Start"), "date"),
            TableColumn("name", N_("Name"), "names"),
            TableColumn("edition", N_("Edition"), "number"),
            TableColumn("host_city", N_("Host city"), "names"),
            TableColumn("attendance", N_("Attendance"), "number"),
            TableColumn("countries", N_("Countries"), "number"),
        ),
        (_YEAR,),
        _load_conferences,
    ),
}


def load_table(database: Database, tab: str, *, limit: int | None = None) -> RecordTable:
    """The records of a tab (see `TABS`), ready to search, filter and sort in memory; with
    `limit`, only the first ones in the tab's order, to show at once."""
    kind, columns, facets, loader = TABS[tab]
    table = RecordTable(tab=tab, kind=kind, columns=columns, facets=facets)
    with database.reading() as session:
        loader(session, table, limit)
    table.complete = limit is None or len(table) < limit
    return table


def conference_choices(database: Database) -> list[tuple[int, Names]]:
    """The conferences, for the awards tab's filter."""
    with database.reading() as session:
        names = _names_by_id(session, s.conferences, ("name_en", "name_zh", "name_he"))
    return sorted(names.items(), key=lambda item: item[1].en)
