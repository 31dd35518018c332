"""The delegation's briefing sheet: the visit, its members in the order of precedence, its
programme day by day, the gifts (once the office keeps them), its organizations, the partner
city and the exchanges with it before this visit.

Members and programme come from `services.visits`, as the programme, the letters and the
badges do, so the brief names and orders people as they do. Passport data (the persons'
sensitive fields) is never read into it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, func, or_, select

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import DelegationStatus, Direction, OrganizationKind
from exchange_desk.domain.errors import NotFound
from exchange_desk.domain.protocol import best_name, passport_name, title_in
from exchange_desk.domain.reports import (
    Block,
    Chapter,
    Facts,
    Note,
    Paragraph,
    Report,
    Subheading,
    Table,
)
from exchange_desk.i18n.catalog import _
from exchange_desk.i18n.document_language import DocumentLanguage
from exchange_desk.services import visits
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
from exchange_desk.services.visits import Member, ProgrammeEntry
from exchange_desk.storage import schema as s

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from exchange_desk.domain import records as r
    from exchange_desk.storage.database import Database


# A briefing sheet is read on the way to a meeting, and is one sheet (two pages at most):
# the 20 latest exchanges are enough; the rest are counted.
MAX_PREVIOUS_EXCHANGES = 20
# A visit told in full (members, programme) takes room from the earlier exchanges, down to
# this many, to stay within the sheet (`fitted`).
MIN_PREVIOUS_EXCHANGES = 5
MAX_PAGES = 2


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


def _name_with_passport(w: DocumentLanguage, person: r.Person) -> str:
    """A member's name in the brief's script, with the name as in the passport (ZHANG
    Huimin) beside it where that reads differently: not for an English name of the same
    words in another order or case (Ronen Dagan, DAGAN Ronen)."""
    name = best_name(person, w.code)
    latin = passport_name(person)

    def words(text: str) -> list[str]:
        return sorted(text.casefold().split())

    if not latin or words(latin) == words(name):
        return name
    return w.with_note(name, latin)


def _members_table(w: DocumentLanguage, members: tuple[Member, ...], marks: Marks) -> Table:
    """The members in the order of precedence (`domain.protocol.member_precedence`)."""
    return Table(
        columns=(
            w.gettext("Name"),
            # Not "Role": Hebrew says תפקיד for a role and a position alike.
            w.gettext("Role in the delegation"),
            w.gettext("Position"),
            w.gettext("Organization"),
        ),
        rows=tuple(
            (
                marks.sample_row(_name_with_passport(w, m.person), m.member.is_sample),
                w.label(m.member.role),
                marks.recorded(w, title_in(m.person, w.code)),
                w.name(m.organization),
            )
            for m in members
        ),
        widths=(2.6, 1.4, 2.2, 2.6),
        muted=muted_rows(m.member.is_sample for m in members),
    )


def _time_of(entry: ProgrammeEntry) -> str:
    starts, ends = entry.item.starts_at or "", entry.item.ends_at or ""
    return f"{starts}–{ends}" if starts and ends else starts or ends


def _programme_blocks(
    w: DocumentLanguage, programme: tuple[ProgrammeEntry, ...], marks: Marks
) -> list[Block]:
    """The programme day by day: a heading with the date, then what happens when, where,
    and who hosts it."""
    blocks: list[Block] = []
    days = sorted({entry.item.day for entry in programme})
    for day in days:
        entries = [entry for entry in programme if entry.item.day == day]
        blocks.append(Subheading(w.long_date(day)))
        blocks.append(
            Table(
                columns=(
                    w.gettext("Time"),
                    w.gettext("Activity"),
                    w.gettext("Place"),
                    # A person, not the host organization of an event ("Host").
                    w.gettext("Hosted by"),
                ),
                rows=tuple(
                    (
                        _time_of(entry),
                        marks.sample_row(
                            marks.recorded(
                                w,
                                w.name(
                                    Names(
                                        entry.item.activity_en,
                                        entry.item.activity_zh,
                                        entry.item.activity_he,
                                    )
                                ),
                            ),
                            entry.item.is_sample,
                        ),
                        marks.recorded(
                            w,
                            w.name(
                                Names(entry.item.place_en, entry.item.place_zh, entry.item.place_he)
                            ),
                        ),
                        best_name(entry.host, w.code) if entry.host is not None else "",
                    )
                    for entry in entries
                ),
                widths=(1.2, 3.4, 2.4, 1.6),
                muted=muted_rows(entry.item.is_sample for entry in entries),
            )
        )
    return blocks


def gift_blocks(database: Database, w: DocumentLanguage, delegation_id: int) -> tuple[Block, ...]:
    """The gifts given and received on the visit, for the brief's Gifts section (left out
    when there are none). The office keeps no register of gifts yet (issue 17): until it
    does there are none, and this is where the register's rows come in."""
    return ()


def pages_of(report: Report) -> int:
    """How many pages the report takes when laid out."""
    from exchange_desk.services.report_output import report_pdf

    seen = [0]

    def count(page: int, pages: int) -> None:
        seen[0] = max(seen[0], page, pages)

    report_pdf(report, progress=count)
    return seen[0]


def fitted(report_with: Callable[[int], Report], most: int) -> Report:
    """The brief listing as many earlier exchanges (at most `most`, at least
    `MIN_PREVIOUS_EXCHANGES`) as keep it within `MAX_PAGES`: a visit told in full
    (members, programme) takes their room. Laid out to be measured, a few times at most
    (a brief lays out in a tenth of a second); one that cannot be laid out (a character
    no font has) is left for the real printing to refuse."""
    from exchange_desk.services.output import DocumentProblem

    report = report_with(most)
    try:
        if pages_of(report) <= MAX_PAGES:
            return report
        low, high = MIN_PREVIOUS_EXCHANGES, most - 1
        best = report_with(MIN_PREVIOUS_EXCHANGES)
        while low <= high:
            middle = (low + high) // 2
            candidate = report_with(middle)
            if pages_of(candidate) <= MAX_PAGES:
                best, low = candidate, middle + 1
            else:
                high = middle - 1
    except DocumentProblem:
        return report
    return best


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
    """A briefing sheet on one delegation, in `language` ("zh", "en" or "he").

    Where the delegation lists its members or has a programme, they follow the visit's
    facts (and the gifts after them, once there are any), and the earlier exchanges give
    up the room they need to keep the sheet within `MAX_PAGES` (`fitted`)."""
    w = report_language(language)
    step = progress or quiet
    today = dt.date.today()
    step(_("Reading the delegation…"))
    delegation = s.delegations
    organization = s.organizations
    link = s.delegation_organizations
    # NotFound for an unknown delegation, as the row's reading below would say.
    told = visits.visit(database, delegation_id)
    gifts = gift_blocks(database, w, delegation_id)
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
    head = told.head
    # The head of the listed members leads it, named in the brief's own script; else the
    # leader as recorded, in the language it was typed in.
    leader = best_name(head.person, w.code) if head else visit_marks.recorded(w, row.leader)
    leader_title = (
        visit_marks.recorded(w, title_in(head.person, w.code))
        if head
        else visit_marks.recorded(w, row.leader_title)
    )
    visit = [
        (w.gettext("Dates"), w.period(row.start_date, row.end_date)),
        (w.gettext("Direction"), w.label(direction)),
        (w.gettext("Status"), w.label(DelegationStatus(row.status))),
        (w.gettext("Partner city"), name),
        (w.gettext("Leader"), leader),
        (w.gettext("Leader's title"), leader_title),
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

    def previous_chapter(limit: int) -> Chapter:
        """The earlier exchanges, the `limit` latest of them listed and the rest counted."""
        listed = previous[:limit]
        marks = Marks()
        blocks: list[Block] = [
            exchange_table(
                w,
                listed,
                w.gettext("No earlier exchanges with {city} are recorded.").format(city=name),
                marks,
            )
        ]
        blocks.extend(marks.notes(w))
        if total > len(listed):
            more = total - len(listed)
            blocks.append(
                Note(
                    w.ngettext(
                        "{count} earlier exchange is not listed.",
                        "{count} earlier exchanges are not listed.",
                        more,
                    ).format(count=w.number(more))
                )
            )
        return Chapter(w.gettext("Previous exchanges with {city}").format(city=name), tuple(blocks))

    org_marks = Marks()
    subtitle = (
        w.gettext("Incoming delegation")
        if direction is Direction.INCOMING
        else w.gettext("Outgoing delegation")
    )
    # Members, programme and gifts only where the visit has them: a delegation that
    # records only its count of members keeps the sheet it had.
    told_chapters: list[Chapter] = []
    if told.members:
        member_marks = Marks()
        told_chapters.append(
            Chapter(
                # Not "Members": that is the count of them in the facts above.
                w.gettext("Members of the delegation"),
                (_members_table(w, told.members, member_marks), *member_marks.notes(w)),
            )
        )
    if told.programme:
        programme_marks = Marks()
        blocks = _programme_blocks(w, told.programme, programme_marks)
        told_chapters.append(Chapter(w.gettext("Programme"), (*blocks, *programme_marks.notes(w))))
    if gifts:
        told_chapters.append(Chapter(w.gettext("Gifts"), gifts))

    organizations_chapter = Chapter(
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
    )

    def report_with(limit: int) -> Report:
        return make_report(
            w,
            office,
            title=_brief_title(w, direction, name, row.start_date),
            subtitle=subtitle,
            chapters=(
                Chapter(w.gettext("The visit"), tuple(visit_blocks)),
                *told_chapters,
                organizations_chapter,
                Chapter(w.gettext("The partner city"), tuple(partner)),
                previous_chapter(limit),
            ),
            compact=True,
        )

    if not told_chapters:
        return report_with(MAX_PREVIOUS_EXCHANGES)
    return fitted(report_with, MAX_PREVIOUS_EXCHANGES)
