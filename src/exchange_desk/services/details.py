"""What the main window's detail pane shows for one record: its facts, and the records that
hang on it (for a partner city, the timeline of its delegations, events, agreements and
awards; for a person, the delegations they came with, the programmes and the guest lists
they are on), each of which the window can go to.

A person's passport data (the declaration's sensitive fields) is not in the detail unless
it is asked for with `reveal`, which puts the reveal on record (`services.people`): the
pane shows `Hidden` in its place, so a masked value never reaches the window."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select

from exchange_desk.domain.anniversaries import next_round_anniversary
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.declaration import Context, FieldType
from exchange_desk.domain.enums import PartnershipStatus
from exchange_desk.i18n.catalog import N_
from exchange_desk.services.kinds import kind_named
from exchange_desk.services.people import reveal_record
from exchange_desk.services.records import (
    Names,
    get_listed,
    named_rows_in,
    names_of_in,
    tier_history,
)
from exchange_desk.storage import models as m

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from exchange_desk.storage.database import Database


_NAMES = ("name_en", "name_zh", "name_he")
_TITLES = ("title_en", "title_zh", "title_he")


@dataclass(frozen=True, slots=True)
class Related:
    """A record that hangs on the one shown: where to go, when, and what it is."""

    kind: str
    id: int
    date: PartialDate | None
    title: Names
    note: Any = None  # an enum or text shown beside the title (direction, role, kind)
    is_sample: bool = False


@dataclass(frozen=True, slots=True)
class Hidden:
    """The place of a sensitive fact that holds a value, masked: its field, not its value."""

    field: str


@dataclass(slots=True)
class Detail:
    """The facts of one record as (label, value) pairs, and its related records in groups.

    Values are raw (enums, partial dates, `Names`, numbers, text, `("country", code)`): the
    window formats them. `hidden` names the sensitive fields shown as `Hidden`; `revealed`
    says the detail was read with them shown (and the reveal put on record).
    """

    kind: str
    id: int
    title: Names
    is_sample: bool
    facts: list[tuple[str, Any]] = field(default_factory=list)
    groups: list[tuple[str, list[Related]]] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    revealed: bool = False


def _related(
    session: Session,
    row: type[m.Base],
    kind: str,
    where: Any,
    *,
    date: str | None,
    names: tuple[str, ...],
    note: str | None = None,
    limit: int = 500,
) -> list[Related]:
    table: Any = row.__table__
    columns = [table.c.id, table.c.is_sample]
    columns.append(table.c[date] if date else table.c.id.label("no_date"))
    columns.extend(table.c[name] for name in names)
    if note:
        columns.append(table.c[note])
    order = [table.c[date], table.c.id] if date else [table.c.id]
    found = []
    for values in session.execute(select(*columns).where(where).order_by(*order).limit(limit)):
        record_id, is_sample, when, *rest = values
        title = Names(*[*rest[: len(names)], "", "", ""][:3])
        found.append(
            Related(
                kind,
                record_id,
                when if date else None,
                title,
                rest[len(names)] if note else None,
                bool(is_sample),
            )
        )
    return found


def _names(listed_label: Names | None) -> Names:
    return listed_label or Names()


def _title_of(database: Database, kind: str, record_id: int) -> Names:
    """A record without names as the detail pane titles it (a gift's occasion, a delegation,
    by its purpose), else by its kind and number."""
    with database.reading() as session:
        found = named_rows_in(session, kind, {record_id})
    if found:
        # What the visit was reads better beside a gift than its city and date, which the
        # gift shows already; a record without a summary by what names it.
        (row,) = found
        if row.summary:
            return Names(row.summary)
        if row.names.best():
            return row.names
    return Names(f"{kind_named(kind).label()} {record_id}")


def _partner_city(database: Database, partnership_id: int) -> Detail:
    listed = get_listed(database, "partnerships", partnership_id)
    partnership = listed.record
    city_id = partnership.city_id
    city = get_listed(database, "cities", city_id).record
    detail = Detail(
        "partnerships",
        partnership_id,
        Names(city.name_en, city.name_zh, city.name_he),
        partnership.is_sample,
    )
    detail.facts += [
        (N_("Tier"), partnership.tier),
        (N_("Since"), partnership.established),
        (N_("Status"), partnership.status),
    ]
    if partnership.established is not None and partnership.status != PartnershipStatus.ENDED:
        year, ordinal = next_round_anniversary(partnership.established, dt.date.today().year)
        detail.facts.append((N_("Next anniversary"), (year, ordinal)))
    if partnership.signed_at:
        detail.facts.append((N_("Signed at"), partnership.signed_at))
    if partnership.areas:
        detail.facts.append((N_("Areas of cooperation"), partnership.areas))
    detail.facts += [(N_("Country"), ("country", city.country))]
    if city.region:
        detail.facts.append((N_("Region"), city.region))
    if city.name_local:
        detail.facts.append((N_("Local name"), city.name_local))
    if city.population:
        detail.facts.append((N_("Population"), city.population))
    history = tier_history(database, partnership_id)
    if len(history) > 1:
        detail.facts.append((N_("Tier history"), tuple(history)))
    if partnership.notes:
        detail.facts.append((N_("Notes"), partnership.notes))
    with database.reading() as session:
        timeline = _related(
            session,
            m.DelegationRow,
            "delegations",
            m.DelegationRow.city_id == city_id,
            date="start_date",
            names=("purpose",),
            note="direction",
        )
        timeline += _related(
            session,
            m.CulturalEventRow,
            "events",
            or_(
                m.CulturalEventRow.city_id == city_id, m.CulturalEventRow.partner_city_id == city_id
            ),
            date="start_date",
            names=_NAMES,
            note="kind",
        )
        timeline += _related(
            session,
            m.AgreementRow,
            "agreements",
            m.AgreementRow.city_id == city_id,
            date="signed_on",
            names=_TITLES,
            note="area",
        )
        timeline += _related(
            session,
            m.AwardRow,
            "awards",
            m.AwardRow.recipient_city_id == city_id,
            date="awarded_on",
            names=_TITLES,
        )
    # Undated records (the seed often gives no date) go last, the rest in time order.
    timeline.sort(
        key=lambda item: (
            item.date is None,
            item.date.isoformat() if item.date else "",
            item.kind,
            item.id,
        )
    )
    detail.groups.append((N_("Timeline"), timeline))
    detail.groups.append(
        (N_("City"), [Related("cities", city_id, None, detail.title, None, city.is_sample)])
    )
    return detail


class _DetailContext(Context):
    """What a computed fact may ask (`domain.declaration.Context`), read in the session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def name_of(self, kind: str, record_id: int | None) -> Names:
        if record_id is None:
            return Names()
        return names_of_in(self.session, kind, record_id)

    @property
    def home_city_id(self) -> int | None:
        return self.session.scalar(select(m.OfficeProfileRow.home_city_id))

    @property
    def this_year(self) -> int:
        return dt.date.today().year


def _generic(database: Database, kind: str, record_id: int, *, reveal: bool = False) -> Detail:
    """The detail of any declared kind: its facts in the order and with the labels of its
    declaration, the records it names as groups to go to, and what hangs on it. Sensitive
    fields are `Hidden` unless `reveal` (which is put on record first)."""
    spec = kind_named(kind)
    declaration = spec.declaration
    shown: dict[str, Any] = {}
    if reveal and declaration.sensitive_fields:
        shown = reveal_record(database, kind, record_id)
    listed = get_listed(database, kind, record_id)
    record = listed.record
    title_group = declaration.group(declaration.name_group) if declaration.name_group else ()
    if len(title_group) == 3:
        title = Names(*(getattr(record, name) for name in title_group))
    elif declaration.summary_field and getattr(record, declaration.summary_field):
        title = Names(getattr(record, declaration.summary_field))
    else:
        title = Names(f"{spec.label()} {record_id}")
    detail = Detail(kind, record_id, title, bool(record.is_sample), revealed=bool(shown))
    for item in declaration.columns:
        if not item.in_detail or item.name in title_group:
            continue
        value = getattr(record, item.name)
        if item.sensitive and shown:
            value = shown.get(item.name)
        if value in (None, "", ()):
            continue
        label = item.detail_label or item.label
        if item.sensitive and not shown:
            detail.facts.append((label, Hidden(item.name)))
            detail.hidden.append(item.name)
            continue
        if item.type is FieldType.REFERENCE:
            target = _names(listed.labels.get(item.name))
            if not target.best() and item.kind:
                target = _title_of(database, item.kind, value)
            detail.groups.append((label, [Related(item.kind or "", value, None, target)]))
            continue
        if item.type is FieldType.COUNTRY:
            value = ("country", value)  # shown by its name in the user's language
        detail.facts.append((label, value))
    with database.reading() as session:
        context = _DetailContext(session)
        for position, (label, key) in enumerate(declaration.detail_computed):
            computed = declaration.computed[key]
            row = {name: getattr(record, name) for name in computed.needs}
            detail.facts.insert(position, (label, computed.compute(row, context)))
        _add_lists(session, detail, kind, record)
    return detail


def _organizations(
    session: Session, ids: list[int], notes: dict[int, Any] | None = None
) -> list[Related]:
    if not ids:
        return []
    o = m.OrganizationRow
    rows = session.execute(
        select(o.id, o.name_en, o.name_zh, o.name_he, o.is_sample).where(o.id.in_(ids))
    ).all()
    by_id = {row[0]: row for row in rows}
    return [
        Related(
            "organizations", i, None, Names(*by_id[i][1:4]), (notes or {}).get(i), bool(by_id[i][4])
        )
        for i in ids
        if i in by_id
    ]


def _add_lists(session: Session, detail: Detail, kind: str, record: Any) -> None:
    record_id = detail.id
    if kind == "delegations":
        detail.groups.append(
            (N_("Organizations"), _organizations(session, list(record.organization_ids)))
        )
    elif kind == "agreements":
        detail.groups.append((N_("Parties"), _organizations(session, list(record.party_ids))))
    elif kind == "conferences":
        detail.groups.append(
            (N_("Organizers"), _organizations(session, list(record.organizer_ids)))
        )
        detail.groups.append(
            (
                N_("Awards"),
                _related(
                    session,
                    m.AwardRow,
                    "awards",
                    m.AwardRow.conference_id == record_id,
                    date="awarded_on",
                    names=_TITLES,
                ),
            )
        )
    elif kind == "events":
        roles = {p.organization_id: p.role for p in record.participants}
        detail.groups.append((N_("Participants"), _organizations(session, list(roles), roles)))
    elif kind == "awards":
        detail.groups.append(
            (
                N_("Certificates"),
                _related(
                    session,
                    m.CertificateRow,
                    "certificates",
                    m.CertificateRow.award_id == record_id,
                    date=None,
                    names=("number",),
                ),
            )
        )
    elif kind == "organizations":
        d = m.DelegationOrganizationRow
        e = m.EventParticipantRow
        a = m.AgreementPartyRow
        detail.groups.append(
            (
                N_("Delegations"),
                _related(
                    session,
                    m.DelegationRow,
                    "delegations",
                    m.DelegationRow.id.in_(
                        select(d.delegation_id).where(d.organization_id == record_id)
                    ),
                    date="start_date",
                    names=("purpose",),
                    note="direction",
                ),
            )
        )
        detail.groups.append(
            (
                N_("Cultural events"),
                _related(
                    session,
                    m.CulturalEventRow,
                    "events",
                    or_(
                        m.CulturalEventRow.host_organization_id == record_id,
                        m.CulturalEventRow.id.in_(
                            select(e.event_id).where(e.organization_id == record_id)
                        ),
                    ),
                    date="start_date",
                    names=_NAMES,
                    note="kind",
                ),
            )
        )
        detail.groups.append(
            (
                N_("Agreements"),
                _related(
                    session,
                    m.AgreementRow,
                    "agreements",
                    m.AgreementRow.id.in_(
                        select(a.agreement_id).where(a.organization_id == record_id)
                    ),
                    date="signed_on",
                    names=_TITLES,
                ),
            )
        )
        detail.groups.append(
            (
                N_("Awards"),
                _related(
                    session,
                    m.AwardRow,
                    "awards",
                    or_(
                        m.AwardRow.recipient_organization_id == record_id,
                        m.AwardRow.giver_organization_id == record_id,
                    ),
                    date="awarded_on",
                    names=_TITLES,
                ),
            )
        )
    elif kind == "persons":
        detail.groups += _person_groups(session, record_id)
    detail.groups = [(label, items) for label, items in detail.groups if items]


def _person_groups(session: Session, person_id: int) -> list[tuple[str, list[Related]]]:
    """What a person is part of: the delegations they came or went with (their role beside),
    the visit programmes they host or interpret at (each item leads to its delegation), and
    the guest lists of cultural events."""
    d, dm = m.DelegationRow, m.DelegationMemberRow
    delegations = [
        Related("delegations", row.id, row.start_date, Names(row.purpose), row.role, row.is_sample)
        for row in session.execute(
            select(d.id, d.start_date, d.purpose, d.is_sample, dm.role)
            .join(dm, dm.delegation_id == d.id)
            .where(dm.person_id == person_id)
            .order_by(d.start_date, d.id)
            .limit(500)
        )
    ]
    p, g = m.ProgrammeItemRow, m.GuestRow
    programme = [
        Related(
            "delegations",
            row.delegation_id,
            PartialDate.from_date(row.day),
            Names(row.activity_en, row.activity_zh, row.activity_he),
            row.starts_at,
            bool(row.is_sample),
        )
        for row in session.execute(
            select(
                p.delegation_id,
                p.day,
                p.starts_at,
                p.activity_en,
                p.activity_zh,
                p.activity_he,
                p.is_sample,
            )
            .where(
                or_(
                    p.host_person_id == person_id,
                    p.interpreter_person_id == person_id,
                    p.id.in_(select(g.programme_item_id).where(g.person_id == person_id)),
                )
            )
            .order_by(p.day, p.starts_at, p.id)
            .limit(500)
        )
    ]
    events = _related(
        session,
        m.CulturalEventRow,
        "events",
        m.CulturalEventRow.id.in_(select(g.event_id).where(g.person_id == person_id)),
        date="start_date",
        names=_NAMES,
        note="kind",
    )
    return [
        (N_("Delegations"), delegations),
        (N_("Visit programmes"), programme),
        (N_("Guest lists"), events),
    ]


def record_detail(database: Database, kind: str, record_id: int, *, reveal: bool = False) -> Detail:
    """The detail of a record; a partnership is shown as its partner city. A person's
    passport data is `Hidden` unless `reveal`, which needs an editor and writes the reveal
    to the audit log (`people.reveal_record`; NotAllowed for a viewer)."""
    if kind == "partnerships":
        return _partner_city(database, record_id)
    return _generic(database, kind, record_id, reveal=reveal)
