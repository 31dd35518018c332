"""The partner city's dossier: the city's chosen photo, the relationship, every exchange in
both directions, agreements, awards, contacts and the next round anniversary."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import or_, select

from exchange_desk.domain.anniversaries import next_round_anniversary
from exchange_desk.domain.enums import (
    CooperationArea,
    DelegationStatus,
    Direction,
    EventKind,
    OrganizationKind,
    PartnershipStatus,
    PartnershipTier,
)
from exchange_desk.domain.errors import NotFound
from exchange_desk.domain.reports import (
    Block,
    Chapter,
    Facts,
    Paragraph,
    Photos,
    Report,
    Subheading,
    Table,
)
from exchange_desk.i18n.catalog import _
from exchange_desk.i18n.document_language import DocumentLanguage
from exchange_desk.services.kinds import KINDS
from exchange_desk.services.names import Names
from exchange_desk.services.reports.photos import city_picture
from exchange_desk.services.reports.shared import (
    SAMPLE_MARK,
    City,
    Marks,
    Progress,
    anniversary_sentence,
    award_rows,
    awards_table,
    cities_of,
    city_name,
    make_report,
    muted_rows,
    office_of,
    organization_names,
    quiet,
    recipient_city,
    relationship_facts,
    report_language,
    undated_last,
)
from exchange_desk.storage import schema as s

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from exchange_desk.storage.database import Database


def _tier_history_table(session: Session, w: DocumentLanguage, partnership_id: int) -> Table:
    change = s.tier_changes
    rows = session.execute(
        select(
            change.c.changed_on,
            change.c.from_tier,
            change.c.to_tier,
            change.c.note,
        )
        .where(change.c.partnership_id == partnership_id)
        .order_by(change.c.changed_on, change.c.id)
    ).all()
    return Table(
        columns=(w.gettext("Date"), w.gettext("From"), w.gettext("To"), w.gettext("Notes")),
        rows=tuple(
            (
                w.date(row.changed_on),
                w.label(PartnershipTier(row.from_tier)) if row.from_tier else "",
                w.label(PartnershipTier(row.to_tier)),
                row.note,
            )
            for row in rows
        ),
        widths=(1.2, 2.0, 2.0, 3.0),
        empty_text=w.gettext("No tier history is recorded."),
    )


def _city_delegations(session: Session, w: DocumentLanguage, city_id: int) -> Chapter:
    delegation = s.delegations
    rows = undated_last(
        session.execute(
            select(
                delegation.c.id,
                delegation.c.start_date,
                delegation.c.direction,
                delegation.c.leader,
                delegation.c.leader_title,
                delegation.c.members,
                delegation.c.purpose,
                delegation.c.status,
                delegation.c.is_sample,
            ).where(delegation.c.city_id == city_id)
        ),
        "start_date",
    )
    sent = sum(1 for row in rows if Direction(row.direction) is Direction.OUTGOING)
    received = len(rows) - sent
    marks = Marks()
    table = Table(
        columns=(
            w.gettext("Date"),
            w.gettext("Direction"),
            w.gettext("Leader"),
            w.gettext("Members"),
            w.gettext("Purpose"),
            w.gettext("Status"),
        ),
        rows=tuple(
            (
                w.date(row.start_date) or w.gettext("undated"),
                w.label(Direction(row.direction)),
                marks.recorded(w, w.with_note(row.leader, row.leader_title)),
                w.number(row.members),
                marks.sample_row(marks.recorded(w, row.purpose), row.is_sample),
                w.label(DelegationStatus(row.status)),
            )
            for row in rows
        ),
        widths=(1.2, 1.0, 2.2, 0.8, 2.4, 1.0),
        empty_text=w.gettext("No delegations are recorded."),
        numeric=(3,),
        muted=muted_rows(row.is_sample for row in rows),
    )
    facts = Facts(
        (
            (w.gettext("Delegations sent"), w.number(sent)),
            (w.gettext("Delegations received"), w.number(received)),
        )
    )
    return Chapter(w.gettext("Delegations"), (facts, table, *marks.notes(w)))


def _city_events(session: Session, w: DocumentLanguage, city_id: int) -> Chapter:
    event = s.cultural_events
    rows = undated_last(
        session.execute(
            select(
                event.c.id,
                event.c.start_date,
                event.c.name_en,
                event.c.name_zh,
                event.c.name_he,
                event.c.kind,
                event.c.city_id,
                event.c.attendance,
                event.c.is_sample,
            ).where(or_(event.c.city_id == city_id, event.c.partner_city_id == city_id))
        ),
        "start_date",
    )
    places = cities_of(session, {row.city_id for row in rows if row.city_id is not None})
    marks = Marks()
    table = Table(
        columns=(
            w.gettext("Date"),
            w.gettext("Cultural event"),
            w.gettext("Kind"),
            w.gettext("Where"),
            w.gettext("Attendance"),
        ),
        rows=tuple(
            (
                w.date(row.start_date) or w.gettext("undated"),
                marks.sample_row(
                    w.name(Names.of((row.name_en, row.name_zh, row.name_he))), row.is_sample
                ),
                w.label(EventKind(row.kind)),
                city_name(w, places, row.city_id),
                w.number(row.attendance),
            )
            for row in rows
        ),
        widths=(1.2, 3.4, 1.4, 1.4, 1.0),
        empty_text=w.gettext("No cultural events are recorded."),
        numeric=(4,),
        muted=muted_rows(row.is_sample for row in rows),
    )
    return Chapter(w.gettext("Cultural events"), (table, *marks.notes(w)))


def _city_agreements(session: Session, w: DocumentLanguage, city_id: int) -> Chapter:
    agreement = s.agreements
    party = s.agreement_parties
    rows = undated_last(
        session.execute(
            select(
                agreement.c.id,
                agreement.c.signed_on,
                agreement.c.expires_on,
                agreement.c.title_en,
                agreement.c.title_zh,
                agreement.c.title_he,
                agreement.c.area,
                agreement.c.is_sample,
            ).where(agreement.c.city_id == city_id)
        ),
        "signed_on",
    )
    parties = organization_names(
        session, w, party.c.agreement_id, party.c.organization_id, [row.id for row in rows]
    )
    marks = Marks()
    table = Table(
        columns=(
            w.gettext("Signed"),
            w.gettext("Agreement"),
            w.gettext("Area"),
            w.gettext("Expires"),
            w.gettext("Parties"),
        ),
        rows=tuple(
            (
                w.date(row.signed_on) or w.gettext("undated"),
                marks.sample_row(
                    w.name(Names.of((row.title_en, row.title_zh, row.title_he))), row.is_sample
                ),
                w.label(CooperationArea(row.area)) if row.area else "",
                w.date(row.expires_on),
                w.listing(parties[row.id]),
            )
            for row in rows
        ),
        widths=(1.2, 3.2, 1.2, 1.2, 2.8),
        empty_text=w.gettext("No agreements are recorded."),
        muted=muted_rows(row.is_sample for row in rows),
    )
    return Chapter(w.gettext("Agreements"), (table, *marks.notes(w)))


def _city_contacts(session: Session, w: DocumentLanguage, city_id: int) -> Chapter:
    organization = s.organizations
    person = s.persons
    organizations = session.execute(
        select(
            organization.c.id,
            organization.c.name_en,
            organization.c.name_zh,
            organization.c.name_he,
            organization.c.kind,
            organization.c.is_sample,
        )
        .where(organization.c.city_id == city_id)
        .order_by(organization.c.name_en, organization.c.id)
    ).all()
    people = session.execute(
        select(
            person.c.name,
            person.c.name_zh,
            person.c.name_he,
            person.c.title,
            person.c.email,
            person.c.phone,
            organization.c.name_en.label("org_en"),
            organization.c.name_zh.label("org_zh"),
            organization.c.name_he.label("org_he"),
            person.c.is_sample,
        )
        .join(organization, organization.c.id == person.c.organization_id)
        .where(organization.c.city_id == city_id)
        .order_by(person.c.name, person.c.id)
    ).all()
    marks = Marks()
    return Chapter(
        w.gettext("Contacts"),
        (
            Subheading(w.gettext("Organizations")),
            Table(
                columns=(w.gettext("Name"), w.gettext("Kind")),
                rows=tuple(
                    (
                        marks.sample_row(w.name(Names.of(row[1:4])), row.is_sample),
                        w.label(OrganizationKind(row.kind)),
                    )
                    for row in organizations
                ),
                widths=(4.0, 1.6),
                empty_text=w.gettext("No organizations of this city are recorded."),
                muted=muted_rows(row.is_sample for row in organizations),
            ),
            Subheading(w.gettext("People")),
            Table(
                columns=(
                    w.gettext("Name"),
                    w.gettext("Title"),
                    w.gettext("Organization"),
                    w.gettext("E-mail"),
                    w.gettext("Phone"),
                ),
                rows=tuple(
                    (
                        marks.sample_row(
                            w.name(Names.of((row.name, row.name_zh, row.name_he))), row.is_sample
                        ),
                        marks.recorded(w, row.title),
                        w.name(Names.of((row.org_en, row.org_zh, row.org_he))),
                        row.email,
                        row.phone,
                    )
                    for row in people
                ),
                widths=(1.6, 1.4, 2.4, 1.8, 1.2),
                empty_text=w.gettext("No people of this city are recorded."),
                muted=muted_rows(row.is_sample for row in people),
            ),
            *marks.notes(w),
        ),
    )


def _city_awards(session: Session, w: DocumentLanguage, city_id: int) -> Chapter:
    marks = Marks()
    table = awards_table(
        w,
        award_rows(session, recipient_city == city_id),
        w.gettext("No awards are recorded."),
        marks,
    )
    return Chapter(w.gettext("Awards"), (table, *marks.notes(w)))


def _city_anniversary(w: DocumentLanguage, city: City, today: dt.date) -> Chapter:
    name = w.name(city.names)
    if city.partnership_id is None:
        text = w.gettext("There is no partnership with {city}.").format(city=name)
    elif city.status is PartnershipStatus.ENDED:
        text = w.gettext("The partnership with {city} has ended.").format(city=name)
    elif city.established is None:
        text = w.gettext(
            "The date the partnership with {city} was established is not recorded."
        ).format(city=name)
    else:
        year, years = next_round_anniversary(city.established, today.year)
        assert city.tier is not None
        text = anniversary_sentence(w, name, city.tier, year, years)
    return Chapter(w.gettext("Anniversaries"), (Paragraph(text),))


def city_dossier(
    database: Database,
    city_id: int,
    language: str | DocumentLanguage,
    *,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> Report:
    """Everything about one partner city, in `language` ("zh", "en" or "he"), as of `today`
    (the real today unless planning: the anniversary kit dates it to the anniversary)."""
    w = report_language(language)
    step = progress or quiet
    today = today or dt.date.today()
    step(_("Reading the partner city…"))
    with database.reading() as session:
        city = cities_of(session, [city_id]).get(city_id)
        if city is None:
            raise NotFound(KINDS["cities"].label(), city_id)
        office = office_of(database, session, w)
        facts_marks = Marks()
        relationship: list[Block] = []
        # The photo chosen for the dossier opens it, above the facts.
        picture = city_picture(session, w, city_id, city.names, facts_marks, city.is_sample)
        if picture is not None:
            relationship.append(Photos((picture,), columns=1))
        relationship.append(Facts(tuple(relationship_facts(session, w, city, today, facts_marks))))
        if city.is_sample:
            facts_marks.sample = True
            relationship.append(
                Paragraph(
                    w.gettext("{city} is a sample partner city {mark}, not a fact.").format(
                        city=w.name(city.names), mark=SAMPLE_MARK
                    )
                )
            )
        relationship.extend(facts_marks.notes(w))
        if city.partnership_id is not None:
            relationship += [
                Subheading(w.gettext("Tier history")),
                _tier_history_table(session, w, city.partnership_id),
            ]
        else:
            relationship.append(
                Paragraph(
                    w.gettext("There is no partnership with {city}.").format(
                        city=w.name(city.names)
                    )
                )
            )
        step(_("Reading the exchanges…"))
        chapters = [
            Chapter(w.gettext("The relationship"), tuple(relationship)),
            _city_delegations(session, w, city_id),
            _city_events(session, w, city_id),
            _city_agreements(session, w, city_id),
            _city_awards(session, w, city_id),
        ]
        step(_("Reading the contacts…"))
        chapters.append(_city_contacts(session, w, city_id))
    chapters.append(_city_anniversary(w, city, today))
    name = w.name(city.names)
    return make_report(
        w,
        office,
        title=w.gettext("Dossier of {city}").format(city=name),
        subtitle=w.country(city.country),
        chapters=chapters,
    )
