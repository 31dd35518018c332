"""What the three reports share: the report's language, the office on the cover, cities with
their partnerships, awards with their recipients, and the tables of exchanges and awards
that more than one report shows.

The report's language is an `i18n.document_language.DocumentLanguage`, resolved once where
the report is asked for (the command line, the report dialog) and handed down as `w`:
everything the report says, names, dates and numbers come from it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, func, select

from exchange_desk.domain.anniversaries import next_round_anniversary
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import (
    CooperationArea,
    Direction,
    EventKind,
    PartnershipStatus,
    PartnershipTier,
    RecipientKind,
)
from exchange_desk.domain.errors import FieldProblem, InvalidInput, NotFound
from exchange_desk.domain.reports import Chapter, Note, Report, Table
from exchange_desk.i18n.catalog import _
from exchange_desk.i18n.document_language import DocumentLanguage, document_language
from exchange_desk.services.attachments import read_attachment
from exchange_desk.services.names import Names
from exchange_desk.services.report_choices import REPORT_LANGUAGES
from exchange_desk.storage import schema as s

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from exchange_desk.storage.database import Database


Progress = Callable[[str], None]  # told what is being done; may raise to cancel

CHUNK = 500  # ids per IN (...): far below every backend's limit on bound parameters


def quiet(_message: str) -> None:
    return None


def report_language(language: str | DocumentLanguage) -> DocumentLanguage:
    """The report's language, given as resolved by the caller or as a code ("zh", "zh_CN");
    InvalidInput naming the languages a report can have for any other."""
    if isinstance(language, DocumentLanguage):
        found: DocumentLanguage | None = language
    else:
        try:
            found = document_language(language)
        except ValueError:
            found = None
    if found is None or found.code not in REPORT_LANGUAGES:
        raise InvalidInput(
            [
                FieldProblem(
                    "language",
                    _("Choose one of: {allowed}").format(allowed=", ".join(REPORT_LANGUAGES)),
                )
            ]
        )
    return found


def kind_word(w: DocumentLanguage, kind: str) -> str:
    """A kind of exchange in the singular, with the msgids of `services.kinds`."""
    if kind == "delegations":
        return w.ngettext("delegation", "delegations", 1)
    if kind == "events":
        return w.ngettext("cultural event", "cultural events", 1)
    if kind == "agreements":
        return w.ngettext("agreement", "agreements", 1)
    return w.ngettext("award", "awards", 1)


# The marks of a table cell: a sample record, and a text in another language than the
# report's (purposes, leaders and regions are recorded in one language only).
SAMPLE_MARK = "*"
OTHER_LANGUAGE_MARK = "†"


def language_of(text: str) -> str | None:
    """The language a single-language text was recorded in, by its first letter: Chinese
    characters, Hebrew or Latin letters; None for text without letters (a number)."""
    for char in text:
        if "\u0590" <= char <= "\u05ff":
            return "he"
        if "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or char >= "\U00020000":
            return "zh"
        if char.isalpha():
            return "en"
    return None


@dataclass(slots=True)
class Marks:
    """Which marks the cells of a table (or a section) carry, for the notes under it."""

    sample: bool = False
    other_language: bool = False

    def recorded(self, w: DocumentLanguage, text: str) -> str:
        """A single-language text: as it is when it is in the report's language, else
        marked as recorded in another one."""
        found = language_of(text)
        if found is None or found == w.code:
            return text
        self.other_language = True
        return f"{text} {OTHER_LANGUAGE_MARK}"

    def sample_row(self, text: str, is_sample: bool) -> str:
        """The cell that names a record, marked when the record is sample data."""
        if not is_sample:
            return text
        self.sample = True
        return f"{text} {SAMPLE_MARK}" if text else SAMPLE_MARK

    def notes(self, w: DocumentLanguage) -> list[Note]:
        found = []
        if self.sample:
            found.append(
                Note(
                    w.gettext(
                        "{mark} Sample record: invented for the demonstration data, not a fact."
                    ).format(mark=SAMPLE_MARK)
                )
            )
        if self.other_language:
            found.append(
                Note(
                    w.gettext("{mark} In the language it was recorded in.").format(
                        mark=OTHER_LANGUAGE_MARK
                    )
                )
            )
        return found


def muted_rows(flags: Iterable[bool]) -> frozenset[int]:
    return frozenset(index for index, flag in enumerate(flags) if flag)


@dataclass(frozen=True, slots=True)
class Office:
    """Who makes the report, in the report's language: the cover's office and home city,
    and the office's foreword in that language ("" when it has none)."""

    name: str
    home_city_id: int | None
    home_city: str
    logo: bytes | None
    foreword: str = ""


def office_of(database: Database, session: Session, w: DocumentLanguage) -> Office:
    """The office profile's names in the report's language (English, then any, where the
    language has none) and its logo."""
    profile = s.office_profile
    city = s.cities
    row = session.execute(
        select(
            profile.c.office_name_en,
            profile.c.office_name_zh,
            profile.c.office_name_he,
            profile.c.home_city_id,
            profile.c.logo_attachment_id,
            profile.c[f"foreword_{w.code}"].label("foreword"),
            city.c.name_en,
            city.c.name_zh,
            city.c.name_he,
        )
        .select_from(profile.outerjoin(city, city.c.id == profile.c.home_city_id))
        .where(profile.c.id == 1)
    ).first()
    if row is None:
        return Office("", None, "", None)
    logo = None
    if row.logo_attachment_id is not None:
        try:
            logo = read_attachment(database, row.logo_attachment_id)
        except NotFound:
            logo = None  # removed since the profile was saved: the cover goes without
    return Office(
        name=w.name(Names.of(row[0:3])),
        home_city_id=row.home_city_id,
        home_city=w.name(Names.of(row[6:9])) if row.home_city_id is not None else "",
        logo=logo,
        # Only the report's own language: another language's foreword is not printed.
        foreword=(row.foreword or "").strip(),
    )


def make_report(
    w: DocumentLanguage,
    office: Office,
    *,
    title: str,
    subtitle: str,
    chapters: Sequence[Chapter],
    compact: bool = False,
) -> Report:
    """The report with its cover, running header and page label; a `compact` one (the
    brief) has no cover, no contents and no foreword."""
    made_on = w.long_date(dt.date.today())
    return Report(
        language=w.code,
        title=title,
        subtitle=subtitle,
        office=office.name,
        home_city=office.home_city,
        date_line=w.gettext("Made on {date}").format(date=made_on),
        header=f"{office.name} · {title}" if office.name else title,
        page_label=w.gettext("Page {page} of {pages}"),
        contents_title=w.gettext("Contents"),
        chapters=tuple(chapters),
        logo=office.logo,
        foreword="" if compact else office.foreword,
        foreword_title=w.gettext("Foreword"),
        compact=compact,
        record_label=title,
    )


def organization_names(
    session: Session, w: DocumentLanguage, owner: Any, organization_id: Any, ids: Sequence[int]
) -> defaultdict[int, list[str]]:
    """The names of the organizations linked to each of `ids` by a link table (`owner` and
    `organization_id` are its two columns: an agreement's parties, a conference's
    organizers), in the order of their English names; no organization, no entry."""
    organization = s.organizations
    found: defaultdict[int, list[str]] = defaultdict(list)
    for start in range(0, len(ids), CHUNK):
        for owner_id, *names in session.execute(
            select(owner, organization.c.name_en, organization.c.name_zh, organization.c.name_he)
            .join(organization, organization.c.id == organization_id)
            .where(owner.in_(ids[start : start + CHUNK]))
            .order_by(owner, organization.c.name_en)
        ):
            found[owner_id].append(w.name(Names.of(names)))
    return found


def tier_at_end(year: int) -> Any:
    """The tier of the partnership in the outer query at the end of `year`: that of its last
    tier change dated in or before the year, else its current tier (a history that starts
    later, or none, says nothing about earlier years)."""
    change = s.tier_changes
    partnership = s.partnerships
    last = (
        select(change.c.to_tier)
        .where(
            change.c.partnership_id == partnership.c.id,
            change.c.changed_on < f"{year + 1:04d}",
        )
        .order_by(change.c.changed_on.desc(), change.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(last, partnership.c.tier)


# One set of aliases, so that a WHERE built on the recipient's city names the same tables
# as the join that `awards_joined` makes.
RECIPIENT_ORG = s.organizations.alias("recipient_org")
RECIPIENT_PERSON = s.persons.alias("recipient_person")
PERSON_ORG = s.organizations.alias("person_org")


# The city an award went to: the recipient city, a recipient organization's city, or the
# city of a recipient person's organization.
recipient_city = func.coalesce(
    s.awards.c.recipient_city_id, RECIPIENT_ORG.c.city_id, PERSON_ORG.c.city_id
)


def awards_joined() -> Any:
    """The awards joined to their recipients, for `recipient_city`."""
    award = s.awards
    return (
        award.outerjoin(RECIPIENT_ORG, RECIPIENT_ORG.c.id == award.c.recipient_organization_id)
        .outerjoin(RECIPIENT_PERSON, RECIPIENT_PERSON.c.id == award.c.recipient_person_id)
        .outerjoin(PERSON_ORG, PERSON_ORG.c.id == RECIPIENT_PERSON.c.organization_id)
    )


@dataclass(frozen=True, slots=True)
class City:
    """A city and its partnership (if any), as the reports show it."""

    id: int
    names: Names
    country: str
    region: str = ""
    name_local: str = ""
    population: int | None = None
    partnership_id: int | None = None
    tier: PartnershipTier | None = None
    established: PartialDate | None = None
    status: PartnershipStatus | None = None
    ended: PartialDate | None = None
    signed_at: str = ""
    is_sample: bool = False  # the city or its partnership is sample data


def cities_of(
    session: Session, ids: Iterable[int], *, tier_year: int | None = None
) -> dict[int, City]:
    """The cities of `ids` with their partnerships; the tier is the one at the end of
    `tier_year` when given, else the current one."""
    city = s.cities
    partnership = s.partnerships
    tier = tier_at_end(tier_year) if tier_year is not None else partnership.c.tier
    wanted = sorted(set(ids))
    found: dict[int, City] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        for row in session.execute(
            select(
                city.c.id,
                city.c.name_en,
                city.c.name_zh,
                city.c.name_he,
                city.c.country,
                city.c.region,
                city.c.name_local,
                city.c.population,
                partnership.c.id.label("partnership_id"),
                tier.label("tier"),
                partnership.c.established,
                partnership.c.status,
                partnership.c.ended,
                partnership.c.signed_at,
                city.c.is_sample,
                partnership.c.is_sample.label("partnership_is_sample"),
            )
            .select_from(city.outerjoin(partnership, partnership.c.city_id == city.c.id))
            .where(city.c.id.in_(chunk))
        ):
            found[row.id] = City(
                id=row.id,
                names=Names.of((row.name_en, row.name_zh, row.name_he)),
                country=row.country,
                region=row.region or "",
                name_local=row.name_local or "",
                population=row.population,
                partnership_id=row.partnership_id,
                tier=PartnershipTier(row.tier) if row.tier else None,
                established=row.established,
                status=PartnershipStatus(row.status) if row.status else None,
                ended=row.ended,
                signed_at=row.signed_at or "",
                is_sample=bool(row.is_sample or row.partnership_is_sample),
            )
    return found


def city_name(w: DocumentLanguage, cities: dict[int, City], city_id: int | None) -> str:
    """The name of a city looked up with `cities_of`, or "" for none."""
    if city_id is None or city_id not in cities:
        return ""
    return w.name(cities[city_id].names)


def anniversary_sentence(
    w: DocumentLanguage, city: str, tier: PartnershipTier, year: int, years: int
) -> str:
    """The sentence of a round anniversary, as "In 2019 Kfar Saba marks 10 years as a sister
    city." One template per tier: the tier changes the whole sentence in Chinese and Hebrew."""
    if tier is PartnershipTier.SISTER_CITY:
        template = w.ngettext(
            "In {year} {city} marks {years} year as a sister city.",
            "In {year} {city} marks {years} years as a sister city.",
            years,
        )
    else:
        template = w.ngettext(
            "In {year} {city} marks {years} year as a friendly cooperative city.",
            "In {year} {city} marks {years} years as a friendly cooperative city.",
            years,
        )
    return template.format(year=year, city=city, years=years)


def partnership_facts(
    w: DocumentLanguage,
    city: City,
    *,
    today: dt.date | None = None,
    details: bool = False,
    marks: Marks | None = None,
) -> list[tuple[str, str]]:
    """Country, tier, since and status (and with `details`, where it was signed, when it
    ended and the next round anniversary from `today`)."""
    pairs = [(w.gettext("Country"), w.country(city.country))]
    if details and city.region:
        region = marks.recorded(w, city.region) if marks is not None else city.region
        pairs.append((w.gettext("Region"), region))
    if city.partnership_id is None:
        pairs.append((w.gettext("Tier"), w.gettext("no partnership")))
        return pairs
    pairs.append((w.gettext("Tier"), w.label(city.tier)))
    if city.established is not None:
        pairs.append((w.gettext("Since"), w.date(city.established)))
    pairs.append((w.gettext("Status"), w.label(city.status)))
    if details:
        if city.ended is not None:
            pairs.append((w.gettext("Ended"), w.date(city.ended)))
        if city.signed_at:
            signed_at = marks.recorded(w, city.signed_at) if marks is not None else city.signed_at
            pairs.append((w.gettext("Signed at"), signed_at))
        if (
            today is not None
            and city.established is not None
            and city.status is not PartnershipStatus.ENDED
        ):
            year, years = next_round_anniversary(city.established, today.year)
            pairs.append(
                (
                    w.gettext("Next anniversary"),
                    w.ngettext("{years} year, in {year}", "{years} years, in {year}", years).format(
                        years=years, year=year
                    ),
                )
            )
    return pairs


def areas_of(session: Session, partnership_id: int | None) -> list[CooperationArea]:
    """The partnership's areas of cooperation in the vocabulary's order."""
    if partnership_id is None:
        return []
    area = s.partnership_areas
    found = {
        CooperationArea(value)
        for value in session.scalars(
            select(area.c.area).where(area.c.partnership_id == partnership_id)
        )
    }
    return [value for value in CooperationArea if value in found]


@dataclass(frozen=True, slots=True)
class Exchange:
    """A delegation, cultural event, agreement or award as a row of a table of exchanges."""

    kind: str  # "delegations", "events", "agreements", "awards"
    id: int
    date: PartialDate | None
    city_id: int | None  # the partner city it is with
    subject: str  # the purpose, or the name or title
    kind_label: str  # "delegation", or an event's own kind ("arts festival")
    direction: str  # a delegation's direction, else ""
    is_sample: bool = False
    single_language: bool = False  # the subject is a delegation's purpose, in one language


# Exchanges on the same date: delegations first, then events, agreements and awards.
_KIND_ORDER = {"delegations": 0, "events": 1, "agreements": 2, "awards": 3}


def delegation_exchange(w: DocumentLanguage, row: Any, city_id: int | None) -> Exchange:
    """A delegation row (id, start_date, direction, purpose) as an exchange with `city_id`."""
    return Exchange(
        "delegations",
        row.id,
        row.start_date,
        city_id,
        row.purpose,
        kind_word(w, "delegations"),
        w.label(Direction(row.direction)),
        bool(row.is_sample),
        True,
    )


def event_exchange(w: DocumentLanguage, row: Any, city_id: int | None) -> Exchange:
    """A cultural event row (id, start_date, name_*, kind) as an exchange with `city_id`."""
    return Exchange(
        "events",
        row.id,
        row.start_date,
        city_id,
        w.name(Names.of((row.name_en, row.name_zh, row.name_he))),
        w.label(EventKind(row.kind)),
        "",
        bool(row.is_sample),
    )


def agreement_exchange(w: DocumentLanguage, row: Any, city_id: int | None) -> Exchange:
    """An agreement row (id, signed_on, title_*) as an exchange with `city_id`."""
    return Exchange(
        "agreements",
        row.id,
        row.signed_on,
        city_id,
        w.name(Names.of((row.title_en, row.title_zh, row.title_he))),
        kind_word(w, "agreements"),
        "",
        bool(row.is_sample),
    )


def award_rows(session: Session, where: ColumnElement[bool]) -> list[Any]:
    """Awards with their recipient's names and city, giver and conference."""
    award = s.awards
    organization = RECIPIENT_ORG
    person = RECIPIENT_PERSON
    city = s.cities.alias("recipient_city")
    giver = s.organizations.alias("giver")
    conference = s.conferences
    return list(
        session.execute(
            select(
                award.c.id,
                award.c.awarded_on,
                award.c.title_en,
                award.c.title_zh,
                award.c.title_he,
                award.c.recipient_kind,
                award.c.is_sample,
                award.c.conference_id,
                recipient_city.label("recipient_city_id"),
                city.c.name_en.label("city_en"),
                city.c.name_zh.label("city_zh"),
                city.c.name_he.label("city_he"),
                organization.c.name_en.label("org_en"),
                organization.c.name_zh.label("org_zh"),
                organization.c.name_he.label("org_he"),
                person.c.name.label("person_en"),
                person.c.name_zh.label("person_zh"),
                person.c.name_he.label("person_he"),
                giver.c.name_en.label("giver_en"),
                giver.c.name_zh.label("giver_zh"),
                giver.c.name_he.label("giver_he"),
                conference.c.name_en.label("conference_en"),
                conference.c.name_zh.label("conference_zh"),
                conference.c.name_he.label("conference_he"),
            )
            .select_from(
                awards_joined()
                .outerjoin(city, city.c.id == award.c.recipient_city_id)
                .outerjoin(giver, giver.c.id == award.c.giver_organization_id)
                .outerjoin(conference, conference.c.id == award.c.conference_id)
            )
            .where(where)
            .order_by(award.c.awarded_on, award.c.id)
        )
    )


def recipient(w: DocumentLanguage, row: Any) -> str:
    kind = RecipientKind(row.recipient_kind)
    if kind is RecipientKind.CITY:
        return w.name(Names.of((row.city_en, row.city_zh, row.city_he)))
    if kind is RecipientKind.ORGANIZATION:
        return w.name(Names.of((row.org_en, row.org_zh, row.org_he)))
    return w.name(Names.of((row.person_en, row.person_zh, row.person_he)))


def awards_table(
    w: DocumentLanguage, rows: Sequence[Any], empty_text: str, marks: Marks | None = None
) -> Table:
    marks = marks if marks is not None else Marks()
    return Table(
        columns=(
            w.gettext("Date"),
            w.gettext("Award"),
            w.gettext("Recipient"),
            w.gettext("Given by"),
            w.gettext("Conference"),
        ),
        rows=tuple(
            (
                w.date(row.awarded_on),
                marks.sample_row(
                    w.name(Names.of((row.title_en, row.title_zh, row.title_he))), row.is_sample
                ),
                recipient(w, row),
                w.name(Names.of((row.giver_en, row.giver_zh, row.giver_he))),
                w.name(Names.of((row.conference_en, row.conference_zh, row.conference_he))),
            )
            for row in rows
        ),
        widths=(1.2, 3.0, 2.0, 2.0, 2.4),
        empty_text=empty_text,
        muted=muted_rows(row.is_sample for row in rows),
    )


def by_date(exchange: Exchange) -> tuple[bool, str, int, int]:
    # Undated records go last, the rest in time order.
    date = exchange.date.isoformat() if exchange.date else ""
    return (exchange.date is None, date, _KIND_ORDER[exchange.kind], exchange.id)


def exchange_table(
    w: DocumentLanguage,
    exchanges: Sequence[Exchange],
    empty_text: str = "",
    marks: Marks | None = None,
) -> Table:
    marks = marks if marks is not None else Marks()

    def subject(e: Exchange) -> str:
        text = marks.recorded(w, e.subject) if e.single_language else e.subject
        return marks.sample_row(text, e.is_sample)

    return Table(
        columns=(
            w.gettext("Date"),
            w.gettext("Kind"),
            w.gettext("Direction"),
            w.gettext("Subject"),
        ),
        rows=tuple(
            (w.date(e.date) or w.gettext("undated"), e.kind_label, e.direction, subject(e))
            for e in exchanges
        ),
        widths=(1.2, 1.6, 1.0, 4.0),
        empty_text=empty_text,
        muted=muted_rows(e.is_sample for e in exchanges),
    )


def relationship_facts(
    session: Session, w: DocumentLanguage, city: City, today: dt.date, marks: Marks | None = None
) -> list[tuple[str, str]]:
    """The city and its partnership in full: the dossier's and the brief's facts."""
    pairs = partnership_facts(w, city, today=today, details=True, marks=marks)
    areas = areas_of(session, city.partnership_id)
    if areas:
        pairs.append((w.gettext("Areas of cooperation"), w.listing(w.label(a) for a in areas)))
    if city.name_local:
        pairs.append((w.gettext("Local name"), city.name_local))
    if city.population:
        pairs.append((w.gettext("Population"), w.number(city.population)))
    return pairs


def undated_last(rows: Iterable[Any], column: str) -> list[Any]:
    # SQLite and PostgreSQL put NULL at opposite ends: order in Python, undated last.
    return sorted(
        rows,
        key=lambda row: (getattr(row, column) is None, str(getattr(row, column) or ""), row.id),
    )
