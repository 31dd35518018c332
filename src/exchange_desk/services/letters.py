"""Letters: the invitation and the visa invitation for a delegation, and the congratulation on
a partnership's anniversary, from the office's templates, on its letterhead, numbered in its
register of letters.

A letter's wording is its template in each language: the office's own where one is stored
(kind `letter_templates`), else the program's (`domain.letters`). The values of its
placeholders come from the records: the delegation's members in order of precedence with
their passport data, its programme, the partnership's history. Each letter made takes the
next reference number of the office's pattern (File ▸ Office profile, `L{year}-{seq:03}`) and
is put on the register (kind `letters`) in the same transaction that draws it; written to a
file, the file is renamed into place only after the commit, so a number and its file never
disagree (the certificates' rule: see `services.certificate_issue`).

A visa letter needs each member's passport data: if any member lacks it, nothing is numbered
or written, and `MissingVisaData` names who lacks what.

target_id is the delegation's id for invitation and visa letters, the partnership's for a
congratulation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import false, func, select, update
from sqlalchemy.exc import SQLAlchemyError

from exchange_desk.documents.certificates import UnreadableImage
from exchange_desk.documents.fonts import MissingGlyphs
from exchange_desk.documents.letter_docx import render_letter_docx
from exchange_desk.documents.letter_pdf import render_letter
from exchange_desk.domain import records as r
from exchange_desk.domain.anniversaries import next_round_anniversary, round_anniversary
from exchange_desk.domain.certificate_numbers import (
    DEFAULT_LETTER_PATTERN,
    format_certificate_number,
    like_prefix,
    number_reader,
    pattern_problems,
)
from exchange_desk.domain.dates import DatePrecision, PartialDate
from exchange_desk.domain.enums import (
    DelegationStatus,
    Direction,
    LetterKind,
    LetterLanguage,
    PartnershipTier,
    ProtocolCategory,
)
from exchange_desk.domain.errors import ExchangeDeskError, FieldProblem, InvalidInput
from exchange_desk.domain.letters import (
    COSTS,
    LANGUAGES,
    PLACEHOLDERS,
    WORDS,
    LetterContent,
    LetterSide,
    LetterTable,
    Paragraph,
    Words,
    block_alone,
    default_wording,
    fill,
    ordinal,
    paragraphs,
    template_problems,
)
from exchange_desk.domain.messages import translate
from exchange_desk.domain.protocol import (
    addressed,
    best_name,
    name_in,
    passport_name,
    rank_of,
    title_in,
)
from exchange_desk.i18n.catalog import _, active_language
from exchange_desk.i18n.document_language import DocumentLanguage, document_language
from exchange_desk.i18n.formatting import chinese_numeral_date
from exchange_desk.i18n.languages import find_language
from exchange_desk.services import records, visits
from exchange_desk.services.attachments import read_attachment
from exchange_desk.services.changes import Changes
from exchange_desk.services.names import Names
from exchange_desk.services.office import office_profile
from exchange_desk.services.output import (
    DocumentProblem,
    clean_partials,
    discard,
    put_in_place,
    stage,
    writable_problem,
)
from exchange_desk.services.records import ListQuery
from exchange_desk.services.visits import Member, Visit, visit
from exchange_desk.storage import schema as s

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from exchange_desk.storage.database import Database

__all__ = [
    "FORMATS",
    "MadeLetter",
    "MissingVisaData",
    "RenderedLetter",
    "default_template",
    "make_letter",
    "placeholders",
    "preview",
    "preview_letter",
    "template_for",
    "write_letter",
]

FORMATS = ("pdf", "docx")
# The key of the PostgreSQL advisory lock that numbers letters one desk at a time.
LETTER_NUMBERING_LOCK = 0x4C4554544552  # "LETTER"
# A congratulation lists at most this many milestones: the partnership's own steps and its
# agreements first, then the latest visits and events.
MAX_MILESTONES = 8


class MissingVisaData(InvalidInput):
    """A visa letter was asked for a delegation whose members lack passport data: one
    problem per member, naming them and what they lack, in the user's language."""

    def __init__(self, lacking: Sequence[tuple[str, Sequence[str]]]) -> None:
        self.lacking = [(name, tuple(what)) for name, what in lacking]
        problems = [
            FieldProblem(
                "members",
                _("{name} lacks: {missing}").format(name=name, missing=_listing(what)),
            )
            for name, what in self.lacking
        ]
        super().__init__(problems)

    def user_message(self) -> str:
        lines = [
            _(
                "The visa letter was not written: a consulate needs every member's passport "
                "data, and these members lack some of it."
            )
        ]
        lines += [f"- {problem.message}" for problem in self.problems]
        lines.append(_("Add it in the People tab, then write the letter again."))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.user_message()


@dataclass(frozen=True, slots=True)
class RenderedLetter:
    """A letter's text in one language for the template editor's preview: the subject, the
    body (tables as lines), the placeholders that have no value, what to check, and what is
    wrong with the template itself (then the text is the template's, unfilled)."""

    subject: str
    body: str
    missing: list[str]
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MadeLetter:
    """A letter made and registered: its reference number, the document's bytes, what the
    office should check (in the user's language), its register entry, the file written."""

    number: str
    content: bytes
    warnings: list[str]
    letter_id: int | None = None
    path: Path | None = None
    changes: Changes = field(default_factory=Changes)


# --- templates --------------------------------------------------------------------------------


def placeholders(letter: LetterKind) -> list[tuple[str, str]]:
    """The placeholders a template of `letter` may use: (name, what it stands for in the
    window's language)."""
    return [(p.name, translate(p.description)) for p in PLACEHOLDERS[LetterKind(letter)]]


def default_template(letter: LetterKind, language: str) -> r.LetterTemplate:
    """The program's own wording of `letter` in `language` (not stored: its id is None)."""
    code = _language_code(language)
    subject, body = default_wording(LetterKind(letter), code)
    return r.LetterTemplate(
        letter=LetterKind(letter), language=LetterLanguage(code), subject=subject, body=body
    )


def template_for(database: Database, letter: LetterKind, language: str) -> r.LetterTemplate:
    """The office's template of `letter` in `language` if one is stored, else the program's."""
    code = _language_code(language)
    page = records.list_records(
        database,
        "letter_templates",
        ListQuery(filters={"letter": LetterKind(letter).value, "language": code}, limit=1),
    )
    if page.rows:
        stored: r.LetterTemplate = page.rows[0].record
        return stored
    return default_template(letter, code)


def _language_code(language: str) -> str:
    found = find_language(str(language))
    if found is None or found.short_code not in LANGUAGES:
        raise InvalidInput(
            [
                FieldProblem(
                    "language",
                    _("Choose one of: {allowed}").format(allowed=", ".join(LANGUAGES)),
                )
            ]
        )
    return found.short_code


def _languages(languages: Sequence[str] | str) -> tuple[str, ...]:
    """ "zh+en" or ["zh", "en"] as codes, each once, one to three of them."""
    items = languages.split("+") if isinstance(languages, str) else list(languages)
    codes = [_language_code(item.strip()) for item in items if str(item).strip()]
    if not codes or len(set(codes)) != len(codes):
        raise InvalidInput(
            [
                FieldProblem(
                    "languages",
                    _("Choose one to three languages, each once: zh, en, he (e.g. zh+en)."),
                )
            ]
        )
    return tuple(codes)


# --- what the records say ---------------------------------------------------------------------


def _today() -> dt.date:
    return dt.date.today()


@dataclass(slots=True)
class _Facts:
    """Everything a letter prints, read once for all its languages."""

    letter: LetterKind
    profile: r.OfficeProfile
    home: r.City | None
    partner: r.City
    visit: Visit | None = None
    partnership: r.Partnership | None = None
    milestones: list[tuple[PartialDate, str, dict[str, str]]] = field(default_factory=list)
    mayor: r.Person | None = None  # of the home city
    partner_mayor: r.Person | None = None
    logo: bytes | None = None
    seal: bytes | None = None
    is_sample: bool = False

    @property
    def incoming(self) -> bool:
        return self.visit is None or self.visit.delegation.direction is Direction.INCOMING

    @property
    def destination(self) -> r.City | None:
        """The city the delegation visits: ours for a delegation we receive."""
        return self.home if self.incoming else self.partner

    @property
    def origin(self) -> r.City | None:
        return self.partner if self.incoming else self.home


def _mayor(database: Database, city_id: int | None) -> r.Person | None:
    """The city's mayor as the records know it: its elected official of the first rank."""
    if city_id is None:
        return None
    elected = [
        person
        for person in visits.records_where(
            database, "persons", city_id=city_id, category=ProtocolCategory.ELECTED.value
        )
        if person.rank is not None
    ]
    return min(elected, key=lambda p: (rank_of(p), p.id or 0), default=None)


def _image(database: Database, attachment_id: int | None) -> bytes | None:
    return read_attachment(database, attachment_id) if attachment_id is not None else None


def _facts(database: Database, letter: LetterKind, target_id: int, today: dt.date) -> _Facts:
    """What the letter prints, from the records; NotFound for an unknown target."""
    profile = office_profile(database)
    home = None
    if profile.home_city_id is not None:
        home = records.get_record(database, "cities", profile.home_city_id)
    logo = _image(database, profile.logo_attachment_id)
    seal = _image(database, profile.seal_attachment_id)
    if letter is not LetterKind.CONGRATULATION:
        found = visit(database, target_id)
        facts = _Facts(letter, profile, home, found.city, visit=found, logo=logo, seal=seal)
        facts.is_sample = found.delegation.is_sample
        return facts
    partnership: r.Partnership = records.get_record(database, "partnerships", target_id)
    partner: r.City = records.get_record(database, "cities", partnership.city_id)
    facts = _Facts(letter, profile, home, partner, partnership=partnership, logo=logo, seal=seal)
    facts.is_sample = partnership.is_sample
    facts.mayor = _mayor(database, profile.home_city_id)
    facts.partner_mayor = _mayor(database, partner.id)
    facts.milestones = _milestone_sources(database, partnership, today)
    return facts


# --- visa data ----------------------------------------------------------------------------


def _lacking(person: r.Person) -> list[str]:
    """What a consulate needs of a person that the record lacks, in the user's language."""
    lacking = []
    if not person.family_name.strip():
        lacking.append(_("name as in the passport (family and given names)"))
    if person.sex is None:
        lacking.append(_("sex"))
    if person.date_of_birth is None:
        lacking.append(_("date of birth"))
    if not person.nationality.strip():
        lacking.append(_("nationality"))
    if not person.passport_number.strip():
        lacking.append(_("passport number"))
    return lacking


def _listing(items: Sequence[str]) -> str:
    return ("、" if active_language().startswith("zh") else ", ").join(items)


def _check_visa_data(found: Visit) -> None:
    lacking = []
    for member in found.members:
        missing = _lacking(member.person)
        if missing:
            person = member.person
            name = Names(person.name, person.name_zh, person.name_he).best() or passport_name(
                person
            )
            lacking.append((name, missing))
    if lacking:
        raise MissingVisaData(lacking)


# --- the values of the placeholders ------------------------------------------------------------


def _city_name(city: r.City | None, w: DocumentLanguage) -> str:
    if city is None:
        return ""
    return Names(city.name_en, city.name_zh, city.name_he).best(w.ui)


def _formal(city: r.City | None, w: DocumentLanguage, words: Words) -> str:
    """A city as a body (以色列克法尔萨巴市, the City of Kfar Saba, עיריית כפר סבא); made from
    its name where no formal name is recorded in the language."""
    if city is None:
        return ""
    own = getattr(city, f"formal_name_{w.code}", "")
    if own:
        return str(own)
    name = _city_name(city, w)
    return name if w.code == "zh" and name.endswith("市") else words.formal_city.format(name=name)


def _country(city: r.City | None, w: DocumentLanguage) -> str:
    return w.country(city.country) if city is not None and city.country else ""


def _day(value: dt.date | None, w: DocumentLanguage) -> str:
    return w.date(PartialDate.from_date(value)) if value is not None else ""


def _long_day(value: dt.date | PartialDate | None, w: DocumentLanguage) -> str:
    return w.long_date(value) if value is not None else ""


def _letter_date(facts: _Facts, today: dt.date, w: DocumentLanguage) -> str:
    if w.code == "zh" and facts.profile.chinese_numeral_dates:
        return chinese_numeral_date(today)
    return w.long_date(today)


def _person_organization(member: Member, w: DocumentLanguage) -> str:
    return member.organization.best(w.ui)


def _position(member: Member, w: DocumentLanguage) -> str:
    """Position, then the employer on a line of its own."""
    parts = [title_in(member.person, w.code), _person_organization(member, w)]
    return "\n".join(part for part in parts if part)


def _members_table(found: Visit, w: DocumentLanguage, words: Words, visa: bool) -> LetterTable:
    rows: list[tuple[str, ...]] = []
    lines: list[str] = []
    names: list[str] = []
    for index, member in enumerate(found.members, start=1):
        person = member.person
        number = w.number(index)
        if visa:
            # The name as in the passport, and under it the name in the letter's own
            # script where the person has one (王喆, יהודה בן חמו).
            passport = passport_name(person)
            own = name_in(person, w.code) if w.code != "en" else ""
            name = f"{passport}\n{own}" if own else passport
            sex = words.sex.get(person.sex, "") if person.sex is not None else ""
            row: tuple[str, ...] = (
                number,
                name,
                sex,
                _day(person.date_of_birth, w),
                w.country(person.nationality) if person.nationality else "",
                person.passport_number,
                _position(member, w),
            )
        else:
            name = best_name(person, w.code)
            row = (number, name, _position(member, w))
        rows.append(row)
        names.append(passport_name(person) if visa else best_name(person, w.code))
        lines.append("  ".join(cell.replace("\n", ", ") for cell in row if cell))
    columns: tuple[str, ...]
    widths: tuple[float, ...]
    narrow: tuple[int, ...]
    if visa:
        columns, widths, narrow = words.visa_columns, (1, 1.25, 1, 1, 1, 1, 1.6), (0, 2, 3, 4, 5)
    else:
        columns, widths, narrow = words.member_columns, (1, 1.2, 2.0), (0,)
    return LetterTable(
        columns,
        tuple(rows),
        tuple(float(x) for x in widths),
        tuple(lines),
        words.list_separator.join(names),
        narrow=narrow,
    )


def _programme_table(found: Visit, w: DocumentLanguage, words: Words) -> LetterTable:
    rows: list[tuple[str, ...]] = []
    lines: list[str] = []
    inline: list[str] = []
    previous: dt.date | None = None
    for entry in found.programme:
        item = entry.item
        day = _day(item.day, w) if item.day != previous else ""
        previous = item.day
        times = words.range_separator.join(t for t in (item.starts_at, item.ends_at) if t)
        activity = getattr(item, f"activity_{w.code}") or item.activity_en
        place = getattr(item, f"place_{w.code}") or item.place_en
        rows.append((day, times, activity, place))
        lines.append("  ".join(p for p in (_day(item.day, w), times, activity, place) if p))
        inline.append(w.with_note(activity, place))
    return LetterTable(
        words.programme_columns,
        tuple(rows),
        (1.0, 1.0, 1.5, 1.2),
        tuple(lines),
        "; ".join(inline) if w.code != "zh" else "；".join(inline),
        narrow=(0, 1),
    )


def _places(facts: _Facts, w: DocumentLanguage) -> str:
    """The city visited, and the places of its programme in brackets."""
    city = _city_name(facts.destination, w)
    assert facts.visit is not None
    venues: list[str] = []
    for entry in facts.visit.programme:
        place = getattr(entry.item, f"place_{w.code}") or entry.item.place_en
        if place and place not in venues:
            venues.append(place)
    if not venues:
        return city
    joined = "、".join(venues) if w.code == "zh" else "; ".join(venues)
    return w.with_note(city, joined) if city else joined


def _left_to_right(text: str, code: str) -> str:
    """A telephone number or an address in Latin letters inside Hebrew text, embedded left
    to right: the bidi algorithm would otherwise set the groups of +86 531 5165 0000 from
    right to left, 0000 5165 531 86+. (An embedding, LRE … PDF, which Word also honours.)"""
    return f"\u202a{text}\u202c" if text and code == "he" else text


def _contact(profile: r.OfficeProfile, words: Words, code: str) -> str:
    phone = _left_to_right(profile.phone.strip(), code)
    email = _left_to_right(profile.email.strip(), code)
    if phone and email:
        return words.contact.format(phone=phone, email=email)
    if phone:
        return words.phone.format(phone=phone)
    if email:
        return words.email.format(email=email)
    return ""


def _in_language(profile: r.OfficeProfile, name: str, w: DocumentLanguage) -> tuple[str, bool]:
    """The profile's `name_<code>` in the letter's language, else in English; and whether it
    had to fall back."""
    own = str(getattr(profile, f"{name}_{w.code}", "") or "").strip()
    if own:
        return own, False
    english = str(getattr(profile, f"{name}_en", "") or "").strip()
    return english, bool(english) and w.code != "en"


@dataclass(slots=True)
class _Values:
    """The placeholders' values in one language, the blocks, and what to check."""

    text: dict[str, str] = field(default_factory=dict)
    blocks: dict[str, LetterTable] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    signed_by_mayor: bool = False


def _language_name(code: str) -> str:
    return LetterLanguage(code).label


def _values(facts: _Facts, code: str, today: dt.date) -> _Values:
    w = document_language(code)
    words = WORDS[code]
    found = _Values()
    values = found.text
    profile = facts.profile
    office, fell_back = _in_language(profile, "office_name", w)
    if fell_back:
        found.warnings.append(
            _(
                "The office profile has no office name in {language}: the English one is printed."
            ).format(language=_language_name(code))
        )
    values.update(
        today=_letter_date(facts, today, w),
        office=office,
        home_city=_city_name(facts.home, w),
        home_city_formal=_formal(facts.home, w, words),
        home_country=_country(facts.home, w),
        partner_city=_city_name(facts.partner, w),
        partner_city_formal=_formal(facts.partner, w, words),
        partner_country=_country(facts.partner, w),
        contact=_contact(profile, words, code),
    )
    if facts.letter is LetterKind.CONGRATULATION:
        _congratulation_values(facts, w, words, today, found)
    else:
        _delegation_values(facts, w, words, found)
    if not found.signed_by_mayor:
        signatory, name_fell_back = _in_language(profile, "signatory", w)
        title, title_fell_back = _in_language(profile, "signatory_title", w)
        values.update(signatory=signatory, signatory_title=title)
        if name_fell_back or title_fell_back:
            found.warnings.append(
                _(
                    "The office profile has no signatory or title in {language}: the English "
                    "ones are printed."
                ).format(language=_language_name(code))
            )
    return found


def _delegation_values(facts: _Facts, w: DocumentLanguage, words: Words, found: _Values) -> None:
    assert facts.visit is not None
    visit_ = facts.visit
    delegation = visit_.delegation
    values = found.text
    head = visit_.head
    if head is not None:
        values.update(
            head=best_name(head.person, w.code),
            head_addressed=addressed(head.person, w.code),
            head_title=title_in(head.person, w.code),
        )
    elif delegation.leader.strip():
        values.update(
            head=delegation.leader.strip(),
            head_addressed=delegation.leader.strip(),
            head_title=delegation.leader_title.strip(),
        )
    count = len(visit_.members) or delegation.members
    destination = facts.destination
    values.update(
        delegation=words.delegation.format(body=_formal(facts.origin, w, words)),
        member_count=w.number(count) if count else "",
        purpose=delegation.purpose.strip(),
        arrival=_long_day(visit_.first_day or delegation.start_date, w),
        departure=_long_day(visit_.last_day or delegation.end_date, w),
        destination=_city_name(destination, w),
        host_city_formal=_formal(destination, w, words),
        places=_places(facts, w),
        consulate=words.consulate.format(
            destination_country=_country(destination, w),
            origin_country=_country(facts.origin, w),
        )
        if destination is not None and facts.origin is not None
        else "",
    )
    values["costs"] = COSTS[w.code].format(destination=values["destination"])
    if visit_.members:
        found.blocks["members"] = _members_table(
            visit_, w, words, visa=facts.letter is LetterKind.VISA
        )
    if visit_.programme:
        found.blocks["programme"] = _programme_table(visit_, w, words)
    purpose = values["purpose"]
    if purpose and not _written_in(purpose, w.code):
        found.warnings.append(
            _(
                "The purpose is recorded as “{purpose}”: the {language} letter prints it so. "
                "Replace {placeholder} in the {language} template to word it there."
            ).format(purpose=purpose, language=_language_name(w.code), placeholder="{purpose}")
        )


def _written_in(text: str, code: str) -> bool:
    """Whether `text` is written in the script of `code` (a purpose typed in one language)."""
    has_han = any("\u3400" <= c <= "\u9fff" for c in text)
    has_hebrew = any("\u0590" <= c <= "\u05ff" for c in text)
    if code == "zh":
        return has_han
    if code == "he":
        return has_hebrew
    return not has_han and not has_hebrew


def _congratulation_values(
    facts: _Facts, w: DocumentLanguage, words: Words, today: dt.date, found: _Values
) -> None:
    assert facts.partnership is not None
    partnership = facts.partnership
    values = found.text
    partner_name = _city_name(facts.partner, w)
    if facts.partner_mayor is not None:
        mayor = facts.partner_mayor
        values.update(
            partner_mayor=best_name(mayor, w.code),
            partner_mayor_addressed=addressed(mayor, w.code),
            partner_mayor_title=title_in(mayor, w.code),
        )
    else:
        title = words.mayor.format(city=partner_name)
        values.update(partner_mayor_addressed=title, partner_mayor_title=title)
    values["relationship"] = words.relationship[partnership.tier]
    established = partnership.established
    if established is not None:
        years = today.year - established.year
        values.update(
            established=str(established.year),
            years=w.number(years) if years > 0 else "",
            ordinal=ordinal(years, w.code) if years > 0 else "",
        )
    if facts.milestones:
        found.blocks["milestones"] = _milestones_table(facts, w, words)
    if facts.mayor is not None:
        values.update(
            signatory=best_name(facts.mayor, w.code),
            signatory_title=title_in(facts.mayor, w.code),
        )
        found.signed_by_mayor = True


def _anniversary_warning(facts: _Facts, today: dt.date) -> str | None:
    partnership = facts.partnership
    if partnership is None:
        return None
    established = partnership.established
    if established is None:
        return _("The partnership has no date of establishment: the letter cannot name its year.")
    if round_anniversary(established, today.year) is not None:
        return None
    years = today.year - established.year
    year, ordinal_ = next_round_anniversary(established, today.year)
    return _(
        "{year} is not a round anniversary of the partnership (it is {years} years old); "
        "the next round one, {round} years, is in {next_year}."
    ).format(year=today.year, years=years, round=ordinal_, next_year=year)


# --- milestones -------------------------------------------------------------------------------


def _milestone_sources(
    database: Database, partnership: r.Partnership, today: dt.date
) -> list[tuple[PartialDate, str, dict[str, str]]]:
    """The partnership's milestones up to `today`, as (date, kind, texts): its tier history,
    its agreements, and its delegations and events; the language's words are put in later."""
    found: list[tuple[PartialDate, str, dict[str, str], int]] = []
    city_id = partnership.city_id
    for step in records.tier_history(database, partnership.id or 0):
        kind = "established" if step.from_tier is None else "upgraded"
        found.append((step.changed_on, kind, {"tier": step.to_tier.value}, 0))
    for agreement in visits.records_where(database, "agreements", city_id=city_id):
        if agreement.signed_on is not None:
            texts = {"en": agreement.title_en, "zh": agreement.title_zh, "he": agreement.title_he}
            found.append((agreement.signed_on, "agreement", texts, 0))
    for delegation in visits.records_where(database, "delegations", city_id=city_id):
        if delegation.start_date is not None and delegation.status is DelegationStatus.DONE:
            found.append(
                (delegation.start_date, "visit", {"direction": delegation.direction.value}, 1)
            )
    events = {e.id: e for e in visits.records_where(database, "events", city_id=city_id)}
    events.update(
        {e.id: e for e in visits.records_where(database, "events", partner_city_id=city_id)}
    )
    for event in events.values():
        if event.start_date is not None:
            texts = {"en": event.name_en, "zh": event.name_zh, "he": event.name_he}
            found.append((event.start_date, "event", texts, 1))
    past = [item for item in found if item[0].earliest() <= today]
    # The partnership's own steps and agreements always; then the latest visits and events.
    kept = [item for item in past if item[3] == 0]
    others = sorted((item for item in past if item[3] == 1), key=lambda i: i[0].earliest())
    room = max(MAX_MILESTONES - len(kept), 0)
    kept += others[len(others) - room :] if room else []
    kept.sort(key=lambda item: (item[0].earliest(), item[3]))
    return [(date, kind, texts) for date, kind, texts, _priority in kept]


def _milestone_date(value: PartialDate, w: DocumentLanguage) -> str:
    """A milestone's month (2009年6月, June 2009): the day matters little in a letter."""
    if value.precision is DatePrecision.YEAR:
        return str(value.year)
    return w.long_date(PartialDate(value.year, value.month))


def _milestones_table(facts: _Facts, w: DocumentLanguage, words: Words) -> LetterTable:
    home, partner = _city_name(facts.home, w), _city_name(facts.partner, w)
    rows: list[tuple[str, ...]] = []
    for date, kind, texts in facts.milestones:
        if kind in ("established", "upgraded"):
            relationship = words.relationship[PartnershipTier(texts["tier"])]
            pattern = (
                words.established_milestone if kind == "established" else words.upgraded_milestone
            )
            text = pattern.format(relationship=relationship)
        elif kind == "agreement":
            title = texts.get(w.code) or texts.get("en") or ""
            text = words.agreement_milestone.format(title=title)
        elif kind == "event":
            name = texts.get(w.code) or texts.get("en") or ""
            text = words.event_milestone.format(name=name)
        else:
            incoming = texts["direction"] == Direction.INCOMING.value
            visitor, host = (partner, home) if incoming else (home, partner)
            text = words.visit_milestone.format(visitor=visitor, host=host)
        rows.append((_milestone_date(date, w), text))
    lines = tuple(f"{date}  {text}" for date, text in rows)
    inline = "; ".join(f"{date}: {text}" for date, text in rows)
    if w.code == "zh":
        inline = "；".join(f"{date}，{text}" for date, text in rows)
    return LetterTable(("", ""), tuple(rows), (1.0, 4.0), lines, inline, ruled=False, narrow=(0,))


# --- one side ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Side:
    side: LetterSide
    missing: list[str]
    warnings: list[str]


def _recipient(facts: _Facts, values: dict[str, str], code: str, words: Words) -> tuple[str, ...]:
    """The recipient block (none in Chinese, whose salutation names the recipient)."""
    if code == "zh":
        return ()
    w = document_language(code)
    lines: list[str] = []
    if facts.letter is LetterKind.VISA:
        lines = [values.get("consulate", "")]
    elif facts.letter is LetterKind.INVITATION:
        assert facts.visit is not None
        head = facts.visit.head
        if head is not None:
            lines = [
                addressed(head.person, code),
                title_in(head.person, code),
                _person_organization(head, w),
            ]
        else:
            lines = [values.get("head_addressed", ""), values.get("head_title", "")]
        lines.append(_place_line(facts.partner, w))
    else:
        lines = [
            values.get("partner_mayor_addressed", ""),
            values.get("partner_mayor_title", "") if facts.partner_mayor is not None else "",
            _formal(facts.partner, w, words),
            _place_line(facts.partner, w),
        ]
    kept = [line for line in dict.fromkeys(line.strip() for line in lines) if line]
    if code == "en":
        kept = [line[:1].upper() + line[1:] for line in kept]
    if words.recipient_prefix and kept:
        kept.insert(0, words.recipient_prefix)
    return tuple(kept)


def _place_line(city: r.City | None, w: DocumentLanguage) -> str:
    """ "Kfar Saba, Israel"."""
    name, country = _city_name(city, w), _country(city, w)
    separator = "，" if w.code == "zh" else ", "
    return separator.join(part for part in (name, country) if part)


def _signature(facts: _Facts, values: dict[str, str], code: str, mayor: bool) -> tuple[str, ...]:
    name, title, office = (
        values.get("signatory", ""),
        values.get("signatory_title", ""),
        values.get("office", ""),
    )
    if code == "zh":
        signer = "\u3000".join(part for part in (title, name) if part)
        lines = [signer] if mayor else [signer, office]
    else:
        lines = [name, title] if mayor else [name, title, office]
    return tuple(line for line in lines if line)


def _body(template_body: str, values: _Values) -> tuple[tuple[Paragraph, ...], list[str]]:
    body: list[Paragraph] = []
    missing: list[str] = []
    inline = {name: table.inline for name, table in values.blocks.items()}
    for paragraph in paragraphs(template_body):
        block = block_alone(paragraph)
        if block is not None:
            table = values.blocks.get(block)
            if table is None:
                missing.append(block)
                body.append("{" + block + "}")
            else:
                body.append(table)
            continue
        text, lacking = fill(paragraph, {**values.text, **inline})
        body.append(text)
        missing += lacking
    return tuple(body), missing


def _side(
    facts: _Facts,
    template: r.LetterTemplate,
    code: str,
    number: str,
    today: dt.date,
) -> _Side:
    words = WORDS[code]
    values = _values(facts, code, today)
    # The costs sentence may name the city: it is filled before it goes into the body.
    subject, missing = fill(template.subject, values.text)
    body, body_missing = _body(template.body, values)
    missing = list(dict.fromkeys(missing + body_missing))
    w = document_language(code)
    details = [_in_language(facts.profile, "address", w)[0]]
    phone = _left_to_right(facts.profile.phone.strip(), code)
    email = _left_to_right(facts.profile.email.strip(), code)
    details.append(
        " · ".join(
            part
            for part in (
                words.phone.format(phone=phone) if phone else "",
                words.email.format(email=email) if email else "",
            )
            if part
        )
    )
    # A letter the mayor signs is the city's: its letterhead names the city as a body
    # (济南市人民政府), and the office's seal does not go over the mayor's signature.
    sealed = not values.signed_by_mayor
    letterhead = values.text.get("office", "")
    if values.signed_by_mayor:
        letterhead = values.text.get("home_city_formal") or letterhead
    side = LetterSide(
        language=code,
        rtl=w.is_rtl,
        office=letterhead,
        office_details=tuple(d for d in details if d),
        number_label=words.number_label,
        number=number or words.unnumbered,
        date=values.text["today"],
        recipient=_recipient(facts, values.text, code, words),
        subject_label=words.subject_label,
        subject=subject,
        body=body,
        signature=_signature(facts, values.text, code, values.signed_by_mayor),
        continuation=words.continuation,
        sealed=sealed,
    )
    return _Side(side, missing, values.warnings)


def _record_label(facts: _Facts) -> str:
    target = _city_name(facts.partner, document_language(active_language()))
    if facts.visit is not None and facts.visit.delegation.start_date is not None:
        target = f"{target} {facts.visit.delegation.start_date.isoformat()}"
    return f"{facts.letter.label}: {target}"


def _content(
    facts: _Facts,
    templates: Sequence[r.LetterTemplate],
    codes: Sequence[str],
    number: str,
    today: dt.date,
) -> tuple[LetterContent, list[str]]:
    """The letter in its languages, and what the office should check (each once)."""
    sides: list[LetterSide] = []
    warnings: list[str] = []
    for template, code in zip(templates, codes, strict=True):
        made = _side(facts, template, code, number, today)
        sides.append(made.side)
        warnings += made.warnings
        if made.missing:
            warnings.append(
                _(
                    "The {language} letter has no value for {placeholders}: it prints them "
                    "as written."
                ).format(
                    language=_language_name(code),
                    placeholders=", ".join("{" + name + "}" for name in made.missing),
                )
            )
    if facts.letter is LetterKind.CONGRATULATION:
        problem = _anniversary_warning(facts, today)
        if problem:
            warnings.append(problem)
        if facts.mayor is None:
            warnings.append(
                _(
                    "No mayor of our city is recorded (a person of the home city, elected "
                    "official, rank 1): the office's signatory signs the letter."
                )
            )
    elif facts.visit is not None:
        if not facts.incoming and facts.letter is LetterKind.INVITATION:
            warnings.append(
                _(
                    "This delegation goes from our city to the partner: an invitation for it "
                    "usually comes from the partner. The letter is written as our office's."
                )
            )
        if facts.letter is LetterKind.VISA:
            warnings += _own_nationals(facts)
    profile = facts.profile
    office = _in_language(profile, "office_name", document_language(codes[0]))[0]
    content = LetterContent(
        sides=tuple(sides),
        title=sides[0].subject if sides else "",
        author=office,
        record_label=_record_label(facts),
        logo=facts.logo,
        seal=facts.seal,
    )
    return content, list(dict.fromkeys(warnings))


def _own_nationals(facts: _Facts) -> list[str]:
    """Members who are nationals of the country visited need no visa: said, not refused."""
    destination = facts.destination
    if destination is None or facts.visit is None:
        return []
    found = []
    for member in facts.visit.members:
        person = member.person
        if person.nationality and person.nationality == destination.country:
            name = Names(person.name, person.name_zh, person.name_he).best()
            found.append(
                _("{name} is a national of the country visited and needs no visa.").format(
                    name=name
                )
            )
    return found


# --- preview ----------------------------------------------------------------------------------


def preview(
    database: Database,
    letter: LetterKind,
    target_id: int,
    language: str,
    template: r.LetterTemplate | None = None,
) -> RenderedLetter:
    """The letter's text in `language` with the records' values, for the template editor:
    nothing is numbered or written. A visa letter shows what it has of members without
    passport data (and says who lacks what) rather than refusing."""
    letter = LetterKind(letter)
    code = _language_code(language)
    template = template or template_for(database, letter, code)
    problems = template_problems(template)
    if problems:
        return RenderedLetter(
            template.subject, template.body, [], problems=[p.message for p in problems]
        )
    today = _today()
    facts = _facts(database, letter, target_id, today)
    warnings: list[str] = []
    if letter is LetterKind.VISA and facts.visit is not None:
        try:
            _check_visa_data(facts.visit)
        except MissingVisaData as error:
            warnings += [problem.message for problem in error.problems]
    made = _side(facts, template, code, "", today)
    body = "\n\n".join(
        "\n".join(part.lines) if isinstance(part, LetterTable) else part for part in made.side.body
    )
    return RenderedLetter(made.side.subject, body, made.missing, warnings + made.warnings)


def preview_letter(
    database: Database,
    letter: LetterKind,
    target_id: int,
    languages: Sequence[str] | str,
    *,
    fmt: str = "pdf",
    today: dt.date | None = None,
) -> MadeLetter:
    """The letter as it would be made now (or dated `today`: a draft for a coming
    anniversary counts its years to that day), without a number and without registering it
    (for a preview beside the editor). Refuses a visa letter as `make_letter` does."""
    letter, codes, fmt = LetterKind(letter), _languages(languages), _format(fmt)
    today = today or _today()
    facts, templates = _prepared(database, letter, target_id, codes, today)
    content, warnings = _content(facts, templates, codes, "", today)
    return MadeLetter("", _render(content, fmt), warnings)


# --- making and registering -------------------------------------------------------------------


def _format(fmt: str) -> str:
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InvalidInput(
            [FieldProblem("format", _("Choose one of: {allowed}").format(allowed="pdf, docx"))]
        )
    return fmt


def _prepared(
    database: Database,
    letter: LetterKind,
    target_id: int,
    codes: Sequence[str],
    today: dt.date,
) -> tuple[_Facts, list[r.LetterTemplate]]:
    """The records and templates of a letter, checked: a visa letter's passport data, the
    templates' placeholders."""
    facts = _facts(database, letter, target_id, today)
    if letter is LetterKind.VISA and facts.visit is not None:
        _check_visa_data(facts.visit)
    templates = [template_for(database, letter, code) for code in codes]
    problems = [problem for template in templates for problem in template_problems(template)]
    if problems:
        raise InvalidInput(problems)
    return facts, templates


@contextmanager
def _drawing_problems() -> Iterator[None]:
    """What stops a letter from being drawn, as a DocumentProblem in the user's language."""
    try:
        yield
    except MissingGlyphs as error:
        where = ", ".join(error.places)
        if error.characters and set(error.characters) == error.emoji:
            message = _(
                "{record}: emoji cannot be printed in a letter ({characters}, in: {where}). "
                "Nothing was written. Remove them from the text."
            )
        else:
            message = _(
                "{record}: no font on this computer has the characters {characters} (in: "
                "{where}). Nothing was written. Install a font that has them or change the text."
            )
        raise DocumentProblem(
            message.format(record=error.record, characters=error.listing(), where=where)
        ) from None
    except UnreadableImage:
        raise DocumentProblem(
            _(
                "The office's logo or seal image cannot be read. Choose it again in File > "
                "Office profile, or remove it there to write letters without it."
            )
        ) from None


def _render(content: LetterContent, fmt: str) -> bytes:
    with _drawing_problems():
        if fmt == "docx":
            return render_letter_docx(content)
        return render_letter(content)


def _lock_for_numbering(session: Session) -> None:
    """Number letters one desk at a time (as certificates are: see
    `certificate_register._lock_for_numbering`): SQLite's single write lock, taken by a
    write that changes nothing; a PostgreSQL advisory lock held to the transaction's end."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(s.letters).where(false()).values(number=s.letters.c.number))
    else:
        session.execute(select(func.pg_advisory_xact_lock(LETTER_NUMBERING_LOCK)))


def _pattern(session: Session) -> str:
    pattern = session.scalar(
        select(s.office_profile.c.letter_number_pattern).where(s.office_profile.c.id == 1)
    )
    pattern = pattern or DEFAULT_LETTER_PATTERN
    problems = pattern_problems(pattern)
    if problems:
        raise InvalidInput([FieldProblem("letter_number_pattern", text) for text in problems])
    return pattern


def _next_number(session: Session, pattern: str, year: int) -> str:
    """The next number of `pattern` for `year`: 1 + the highest running number among the
    letters numbered by it. An office writes some hundreds of letters a year, so the numbers
    that share the pattern's prefix are simply read."""
    reader = number_reader(pattern, year)
    prefix = like_prefix(pattern, year)
    number = s.letters.c.number
    statement = select(number)
    if prefix:
        statement = statement.where(number.startswith(prefix, autoescape=True))
    highest = 0
    for stored in session.scalars(statement):
        found = reader.match(stored)
        if found:
            highest = max(highest, int(found.group("seq")))
    return format_certificate_number(pattern, year, highest + 1)


def _issue(
    database: Database,
    letter: LetterKind,
    target_id: int,
    languages: Sequence[str] | str,
    fmt: str,
    issued_by: str,
    target: Path | None,
) -> MadeLetter:
    letter, codes, fmt = LetterKind(letter), _languages(languages), _format(fmt)
    today = _today()
    facts, templates = _prepared(database, letter, target_id, codes, today)
    if not issued_by:
        from exchange_desk.services.certificate_register import default_issuer

        issued_by = default_issuer(database)
    if target is not None:
        clean_partials(target.parent)
    made: dict[str, Any] = {}
    partial: Path | None = None
    try:
        with records.transaction(database, "letters") as session:
            _lock_for_numbering(session)
            number = _next_number(session, _pattern(session), today.year)
            content, warnings = _content(facts, templates, codes, number, today)
            data = _render(content, fmt)
            stored = records.create_in(
                session,
                r.Letter(
                    number=number,
                    letter=letter,
                    languages="+".join(codes),
                    delegation_id=facts.visit.delegation.id if facts.visit else None,
                    partnership_id=facts.partnership.id if facts.partnership else None,
                    issued_on=today,
                    issued_by=issued_by,
                    subject=content.title[:400],
                    is_sample=facts.is_sample,
                ),
            )
            if target is not None:
                partial = stage(target, data)
            made.update(number=number, data=data, warnings=warnings, id=stored.id)
    except BaseException:
        if partial is not None:
            discard(partial)
        raise
    if target is not None and partial is not None:
        try:
            put_in_place(partial, target)
        except DocumentProblem as problem:
            discard(partial)
            _take_back(database, made["id"], made["number"], problem)
    return MadeLetter(
        made["number"],
        made["data"],
        made["warnings"],
        made["id"],
        target,
        Changes.of(created={"letters": {made["id"]}}),
    )


def _take_back(database: Database, letter_id: int, number: str, problem: DocumentProblem) -> None:
    """The file could not be put in place after the commit: its number goes back out of the
    register, so that number and file never disagree. Always raises."""
    try:
        records.delete_record(database, "letters", letter_id)
    except (ExchangeDeskError, SQLAlchemyError, OSError):
        raise DocumentProblem(
            _(
                "{problem} The register could not be corrected: {number} stays registered "
                "without a file."
            ).format(problem=problem.message, number=number)
        ) from problem
    raise DocumentProblem(
        _("{problem} The letter's number was taken back out of the register.").format(
            problem=problem.message
        )
    ) from problem


def make_letter(
    database: Database,
    letter: LetterKind,
    target_id: int,
    languages: Sequence[str] | str,
    *,
    fmt: str = "pdf",
    issued_by: str = "",
) -> MadeLetter:
    """Make the letter in `languages` ("zh", "en", "he", one to three) as PDF or .docx, and
    register it with the next reference number.

    Raises MissingVisaData (a visa letter whose members lack passport data), InvalidInput (a
    stored template with a bad placeholder, unknown languages), NotFound (no such delegation
    or partnership), DocumentProblem (a character no font has, an unreadable logo or seal):
    in each case before anything is registered.
    """
    return _issue(database, letter, target_id, languages, fmt, issued_by, None)


def write_letter(
    database: Database,
    letter: LetterKind,
    target_id: int,
    languages: Sequence[str] | str,
    path: Path,
    *,
    issued_by: str = "",
) -> MadeLetter:
    """`make_letter` written to `path`: .pdf or .docx by its ending. The file is in place and
    the letter registered, or neither."""
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise DocumentProblem(
            _("Write the letter to a .pdf or a .docx file, not {name}.").format(name=path.name)
        )
    problem = writable_problem(path)
    if problem:
        raise DocumentProblem(problem)
    return _issue(database, letter, target_id, languages, suffix, issued_by, path)


def letter_kind_of(name: str) -> LetterKind:
    """`invitation`, `visa` or `congratulation` as a LetterKind (for the command line)."""
    try:
        return LetterKind(name)
    except ValueError:
        allowed = ", ".join(kind.value for kind in LetterKind)
        raise InvalidInput(
            [FieldProblem("letter", _("Choose one of: {allowed}").format(allowed=allowed))]
        ) from None
