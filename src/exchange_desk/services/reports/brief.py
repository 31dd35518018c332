"""The delegation's briefing sheet: the visit, its organizations, the partner city and the
exchanges with it before this visit."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, func, or_, select

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import DelegationStatus, Direction, OrganizationKind
from exchange_desk.domain.errors import NotFound
from exchange_desk.domain.reports import Block, Chapter, Facts, Note, Paragraph, Report, Table
from exchange_desk.i18n.catalog import _
from exchange_desk.i18n.document_language import DocumentLanguage
from exchange_desk.services.kinds import KINDS
from exchange_desk.services.names import Names
from exchange_desk.services.reports.shared import (
    SAMPLE_MARK,
    Exchange,
    Marks,
    Progress,
    agreement_exchange,
    by_date,
    cities_of,
    city_name,
    delegation_exchange,
    event_exchange,
    exchange_table,
    make_report,
    muted_rows,
    office_of,
    quiet,
    relationship_facts,
    report_language,
)
from exchange_desk.storage import schema as s

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from exchange_desk.storage.database import Database


# A briefing sheet is read on the way to a meeting, and is one sheet (two pages at most):
# the 20 latest exchanges are enough; the rest are counted.
MAX_PREVIOUS_EXCHANGES = 20


def _latest(
    session: Session, table: Any, date: str, where: list[ColumnElement[bool]], columns: list[Any]
) -> tuple[list[Any], int]:
    """The newest `MAX_PREVIOUS_EXCHANGES` rows of `table` matching `where`, and how many
    match in all."""
    total = session.scalar(select(func.count()).select_from(table).where(*where)) or 0
    rows = session.execute(
        select(table.c.id, table.c[date], table.c.is_sample, *columns)
        .where(*where)
        .order_by(table.c[date].desc(), table.c.id.desc())
        .limit(MAX_PREVIOUS_EXCHANGES)
    ).all()
    return list(rows), total


def _previous_exchanges(
    session: Session,
    w: DocumentLanguage,
    city_id: int,
    delegation_id: int,
    before: PartialDate | None,
) -> tuple[list[Exchange], int]:
    """The latest exchanges with the city before `before` (all dated ones when None), newest
    first, at most `MAX_PREVIOUS_EXCHANGES`; and how many there are in all.

    "Before" compares the ISO text, so "2015" counts as before "2015-03-12": a date known
    only to the year is placed at its start.
    """
    delegation = s.delegations
    event = s.cultural_events
    agreement = s.agreements

    def earlier(column: Any) -> list[ColumnElement[bool]]:
        where = [column.is_not(None)]
        if before is not None:
            where.append(column < before.isoformat())
        return where

    delegations, delegation_count = _latest(
        session,
        delegation,
        "start_date",
        [
            delegation.c.city_id == city_id,
            delegation.c.id != delegation_id,
            *earlier(delegation.c.start_date),
        ],
        [delegation.c.direction, delegation.c.purpose],
    )
    events, event_count = _latest(
        session,
        event,
        "start_date",
        [
            or_(event.c.city_id == city_id, event.c.partner_city_id == city_id),
            *earlier(event.c.start_date),
        ],
        [event.c.name_en, event.c.name_zh, event.c.name_he, event.c.kind],
    )
    agreements, agreement_count = _latest(
        session,
        agreement,
        "signed_on",
        [agreement.c.city_id == city_id, *earlier(agreement.c.signed_on)],
        [agreement.c.title_en, agreement.c.title_zh, agreement.c.title_he],
    )
    found = [delegation_exchange(w, row, city_id) for row in delegations]
    found += [event_exchange(w, row, city_id) for row in events]
    found += [agreement_exchange(w, row, city_id) for row in agreements]
    found.sort(key=by_date, reverse=True)
    total = delegation_count + event_count + agreement_count
    return found[:MAX_PREVIOUS_EXCHANGES], total


def _brief_title(
    w: DocumentLanguage, direction: Direction, city: str, start: PartialDate | None
) -> str:
    if start is None:
        if direction is Direction.INCOMING:
            return w.gettext("Delegation from {city}").format(city=city)
        return w.gettext("Delegation to {city}").format(city=city)
    # The month is what people remember a visit by; the day is in the facts.
    when = (
        w.long_date(PartialDate(start.year, start.month))
        if start.month is not None
        else str(start.year)
    )
    if direction is Direction.INCOMING:
        return w.gettext("Delegation from {city}, {date}").format(city=city, date=when)
    return w.gettext("Delegation to {city}, {date}").format(city=city, date=when)


def delegation_brief(
    database: Database,
    delegation_id: int,
    language: str | DocumentLanguage,
    *,
    progress: Progress | None = None,
) -> Report:
    """A briefing sheet on one delegation, in `language` ("zh", "en" or "he")."""
    w = report_language(language)
    step = progress or quiet
    today = dt.date.today()
    step(_("Reading the delegation…"))
    delegation = s.delegations
    organization = s.organizations
    link = s.delegation_organizations
    with database.reading() as session:
        row = session.execute(select(delegation).where(delegation.c.id == delegation_id)).first()
        if row is None:
            raise NotFound(KINDS["delegations"].label(), delegation_id)
        office = office_of(database, session, w)
        organizations = session.execute(
            select(
                organization.c.name_en,
                organization.c.name_zh,
                organization.c.name_he,
                organization.c.kind,
                organization.c.city_id,
                organization.c.is_sample,
            )
            .join(link, link.c.organization_id == organization.c.id)
            .where(link.c.delegation_id == delegation_id)
            .order_by(organization.c.name_en, organization.c.id)
        ).all()
        cities = cities_of(
            session, {row.city_id} | {o.city_id for o in organizations if o.city_id is not None}
        )
        city = cities[row.city_id]
        partner_marks = Marks()
        partner_facts = relationship_facts(session, w, city, today, partner_marks)
        step(_("Reading the previous exchanges…"))
        previous, total = _previous_exchanges(
            session, w, row.city_id, delegation_id, row.start_date
        )
    direction = Direction(row.direction)
    name = w.name(city.names)
    visit_marks = Marks()
    visit = [
        (w.gettext("Dates"), w.period(row.start_date, row.end_date)),
        (w.gettext("Direction"), w.label(direction)),
        (w.gettext("Status"), w.label(DelegationStatus(row.status))),
        (w.gettext("Partner city"), name),
        (w.gettext("Leader"), visit_marks.recorded(w, row.leader)),
        (w.gettext("Leader's title"), visit_marks.recorded(w, row.leader_title)),
        (w.gettext("Members"), w.number(row.members)),
        (w.gettext("Purpose"), visit_marks.recorded(w, row.purpose)),
        (w.gettext("Outcome"), visit_marks.recorded(w, row.outcome)),
    ]
    visit_blocks: list[Block] = []
    if row.is_sample:
        visit_marks.sample = True
        visit_blocks.append(
            Paragraph(
                w.gettext(
                    "This delegation is a sample record {mark}: it was invented for the "
                    "demonstration data and did not take place."
                ).format(mark=SAMPLE_MARK)
            )
        )
    visit_blocks.append(Facts(tuple(p for p in visit if p[1])))
    visit_blocks.extend(visit_marks.notes(w))
    partner: list[Block] = [Facts(tuple(partner_facts))]
    if city.is_sample:
        partner.append(
            Paragraph(
                w.gettext("{city} is a sample partner city {mark}, not a fact.").format(
                    city=name, mark=SAMPLE_MARK
                )
            )
        )
    if city.partnership_id is None:
        partner.append(
            Paragraph(w.gettext("There is no partnership with {city}.").format(city=name))
        )
    partner.extend(partner_marks.notes(w))
    previous_marks = Marks()
    previous_blocks: list[Block] = [
        exchange_table(
            w,
            previous,
            w.gettext("No earlier exchanges with {city} are recorded.").format(city=name),
            previous_marks,
        )
    ]
    previous_blocks.extend(previous_marks.notes(w))
    if total > len(previous):
        more = total - len(previous)
        previous_blocks.append(
            Note(
                w.ngettext(
                    "{count} earlier exchange is not listed.",
                    "{count} earlier exchanges are not listed.",
                    more,
                ).format(count=w.number(more))
            )
        )
    org_marks = Marks()
    subtitle = (
        w.gettext("Incoming delegation")
        if direction is Direction.INCOMING
        else w.gettext("Outgoing delegation")
    )
    return make_report(
        w,
        office,
        title=_brief_title(w, direction, name, row.start_date),
        subtitle=subtitle,
        chapters=(
            Chapter(w.gettext("The visit"), tuple(visit_blocks)),
            Chapter(
                w.gettext("Organizations"),
                (
                    Table(
                        columns=(w.gettext("Name"), w.gettext("Kind"), w.gettext("City")),
                        rows=tuple(
                            (
                                org_marks.sample_row(w.name(Names.of(o[0:3])), o.is_sample),
                                w.label(OrganizationKind(o.kind)),
                                city_name(w, cities, o.city_id),
                            )
                            for o in organizations
                        ),
                        widths=(4.0, 1.6, 1.6),
                        empty_text=w.gettext("No organizations are recorded for this visit."),
                        muted=muted_rows(o.is_sample for o in organizations),
                    ),
                    *org_marks.notes(w),
                ),
            ),
            Chapter(w.gettext("The partner city"), tuple(partner)),
            Chapter(
                w.gettext("Previous exchanges with {city}").format(city=name),
                tuple(previous_blocks),
            ),
        ),
        compact=True,
    )
