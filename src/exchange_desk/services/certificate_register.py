"""The certificate register: numbering certificates, issuing and reprinting them, and the log
of every printing.

An award's certificate is issued once: its first printing takes the next number of the
office's pattern (see `domain.certificate_numbers`), and every later printing reuses that
number and counts as a reprint. Each printing, the first included, is logged with when, by
whom, in which languages and in which design. The register lists the certificates with what
they were given for and to whom.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import false, select, update
from sqlalchemy.exc import IntegrityError

from exchange_desk.domain.certificate_numbers import (
    DEFAULT_PATTERN,
    format_certificate_number,
    like_prefix,
    number_reader,
    number_sort_key,
    pattern_problems,
)
from exchange_desk.domain.enums import Design, LanguageMode, RecipientKind
from exchange_desk.domain.errors import Conflict, FieldProblem, InvalidInput, NotFound
from exchange_desk.domain.records import Certificate
from exchange_desk.i18n.catalog import _
from exchange_desk.services.kinds import AWARDS
from exchange_desk.services.names import Names
from exchange_desk.storage import models as m
from exchange_desk.storage import schema as s

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from exchange_desk.storage.database import Database

__all__ = [
    "Printing",
    "RegisterEntry",
    "certificate_for_award",
    "format_certificate_number",
    "issue_or_reprint",
    "next_certificate_number",
    "register",
]

# Two desks sharing a database can pick the same next number; the unique constraint refuses
# the second, which then tries the number after. More collisions in a row than this are
# reported rather than retried for ever.
ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class Printing:
    """One printing of a certificate. `printed_at` is UTC without a time zone, like every
    time stamp the database keeps."""

    printed_at: dt.datetime
    printed_by: str
    language_mode: LanguageMode
    design: str
    is_reprint: bool


@dataclass(frozen=True, slots=True)
class RegisterEntry:
    """A line of the register: the certificate, what it honors, whom, where, and its log."""

    certificate: Certificate
    award_title: Names
    recipient: Names
    conference: Names | None
    printings: tuple[Printing, ...]


# --- numbering ---------------------------------------------------------------------------


def default_issuer() -> str:
    """Who issues a certificate when nobody says: the computer's user name."""
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


def _today() -> dt.date:
    return dt.date.today()


def _award(session: Session, award_id: int) -> Any:
    award = session.execute(
        select(s.awards.c.id, s.awards.c.awarded_on, s.awards.c.is_sample).where(
            s.awards.c.id == award_id
        )
    ).first()
    if award is None:
        raise NotFound(AWARDS.label(), award_id)
    return award


def _pattern(session: Session) -> str:
    pattern = session.scalar(
        select(s.office_profile.c.certificate_number_pattern).where(s.office_profile.c.id == 1)
    )
    pattern = pattern or DEFAULT_PATTERN
    # The profile's service refuses a bad pattern; one written around it is reported too.
    problems = pattern_problems(pattern)
    if problems:
        raise InvalidInput(
            [FieldProblem("certificate_number_pattern", message) for message in problems]
        )
    return pattern


def _number_year(awarded_on: Any, on: dt.date | None) -> int:
    """The year a certificate is numbered in: the award's, else the day of issue's."""
    if awarded_on is not None:
        return int(awarded_on.year)
    return (on or _today()).year


def _next_sequence(session: Session, pattern: str, year: int) -> int:
    """1 + the highest running number among the stored numbers `pattern` made for `year`.

    Numbers typed by hand, or made by an earlier pattern, do not match and do not count.
    """
    reader = number_reader(pattern, year)
    numbers = session.scalars(
        select(s.certificates.c.number).where(
            s.certificates.c.number.startswith(like_prefix(pattern, year), autoescape=True)
        )
    )
    highest = 0
    for number in numbers:
        found = reader.match(number)
        if found:
            highest = max(highest, int(found.group("seq")))
    return highest + 1


def _next_number(session: Session, award: Any, on: dt.date | None) -> str:
    pattern = _pattern(session)
    year = _number_year(award.awarded_on, on)
    return format_certificate_number(pattern, year, _next_sequence(session, pattern, year))


def _first_certificate_id(session: Session, award_id: int) -> int | None:
    # Certificates typed in by hand may give an award several; its register entry is the first.
    return session.scalar(
        select(s.certificates.c.id)
        .where(s.certificates.c.award_id == award_id)
        .order_by(s.certificates.c.id)
        .limit(1)
    )


def _certificate(values: Any) -> Certificate:
    return Certificate(
        id=values.id,
        number=values.number,
        award_id=values.award_id,
        language_mode=LanguageMode(values.language_mode),
        design=values.design,
        issued_on=values.issued_on,
        issued_by=values.issued_by,
        reprints=values.reprints,
        is_sample=values.is_sample,
    )


_CERTIFICATE_COLUMNS = (
    s.certificates.c.id,
    s.certificates.c.number,
    s.certificates.c.award_id,
    s.certificates.c.language_mode,
    s.certificates.c.design,
    s.certificates.c.issued_on,
    s.certificates.c.issued_by,
    s.certificates.c.reprints,
    s.certificates.c.is_sample,
)


def next_certificate_number(database: Database, award_id: int, on: dt.date | None = None) -> str:
    """The number that issuing the award's certificate now would give it; reserves nothing.

    An award whose certificate is issued already keeps its number: that number is returned.
    NotFound for an unknown award.
    """
    with database.reading() as session:
        award = _award(session, award_id)
        existing = session.scalar(
            select(s.certificates.c.number)
            .where(s.certificates.c.award_id == award_id)
            .order_by(s.certificates.c.id)
            .limit(1)
        )
        if existing is not None:
            return str(existing)
        return _next_number(session, award, on)


def certificate_for_award(database: Database, award_id: int) -> Certificate | None:
    """The award's certificate, or None if none was issued (or there is no such award)."""
    with database.reading() as session:
        values = session.execute(
            select(*_CERTIFICATE_COLUMNS)
            .where(s.certificates.c.award_id == award_id)
            .order_by(s.certificates.c.id)
            .limit(1)
        ).first()
    return None if values is None else _certificate(values)


# --- issuing -----------------------------------------------------------------------------


def _checked(
    language_mode: LanguageMode | str, design: str, issued_by: str
) -> tuple[LanguageMode, str]:
    problems = []
    mode = None
    try:
        mode = LanguageMode(language_mode)
    except ValueError:
        problems.append(_choose_one_of("language_mode", LanguageMode))
    try:
        design = Design(design).value
    except ValueError:
        problems.append(_choose_one_of("design", Design))
    if len(issued_by) > s.NAME:
        problems.append(
            FieldProblem(
                "issued_by",
                _("Too long: {length} characters, at most {limit} are allowed.").format(
                    length=len(issued_by), limit=s.NAME
                ),
            )
        )
    if problems or mode is None:
        raise InvalidInput(problems)
    return mode, design


def _choose_one_of(field: str, choices: type[StrEnum]) -> FieldProblem:
    allowed = ", ".join(member.value for member in choices)
    return FieldProblem(field, _("Choose one of: {allowed}").format(allowed=allowed))


def _number_taken(exc: IntegrityError) -> bool:
    """Whether the write was refused because the certificate number is stored already."""
    message = str(exc.orig)
    # SQLite names the column, PostgreSQL the constraint (see schema.NAMING).
    return "certificates.number" in message or "uq_certificates_number" in message


def _award_taken(exc: IntegrityError) -> bool:
    """Whether another desk has just issued this award's certificate."""
    message = str(exc.orig)
    return "certificates.award_id" in message or "uq_certificates_award_id" in message


def _taken_conflict() -> Conflict:
    return Conflict(
        _(
            "Other desks took the next certificate numbers while this one was issuing. "
            "Print again to take the next free number."
        )
    )


def _insert_numbered(
    session: Session, award: Any, on: dt.date | None, values: dict[str, Any]
) -> m.CertificateRow | None:
    """Store a new certificate under the next free number.

    Between reading the highest number and storing the next, another desk may store that
    very number: the unique constraint refuses ours, the savepoint undoes just that insert,
    and the number after is tried, within the caller's transaction (a batch keeps what it
    issued so far).
    """
    if session.get_bind().dialect.name == "sqlite":
        # SQLite's driver opens its transaction at the first write, and a savepoint that
        # opened it would commit it when released. A write that changes nothing opens the
        # transaction and takes SQLite's single write lock, so no other desk can store a
        # number between our read and our insert.
        session.execute(
            update(s.certificates).where(false()).values(reprints=s.certificates.c.reprints)
        )
    for _attempt in range(ATTEMPTS):
        row = m.CertificateRow(number=_next_number(session, award, on), **values)
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError as exc:
            if _award_taken(exc):
                return None  # issued meanwhile by another desk: this print is a reprint
            if not _number_taken(exc):
                raise
            continue
        return row
    raise _taken_conflict()


def issue_or_reprint(
    database: Database,
    award_id: int,
    language_mode: LanguageMode,
    design: str,
    issued_by: str,
    on: dt.date | None = None,
) -> tuple[Certificate, bool]:
    """Record a printing of the award's certificate; returns the certificate and whether this
    printing is a reprint.

    The first time, the certificate is created with the next number (issued on `on`, else
    today). Later, its number is kept and its reprints counted; the certificate keeps the
    languages and design of its first issue, and the log keeps those of every printing.
    One unit of work: inside a caller's, it joins it. Raises NotFound for an unknown award,
    InvalidInput for an unknown mode or design, Conflict when no free number could be taken.
    """
    mode, design = _checked(language_mode, design, issued_by)
    try:
        with database.unit_of_work() as session:
            award = _award(session, award_id)
            certificate_id = _first_certificate_id(session, award_id)
            reprint = certificate_id is not None
            row = None
            if certificate_id is None:
                row = _insert_numbered(
                    session,
                    award,
                    on,
                    {
                        "award_id": award_id,
                        "language_mode": mode,
                        "design": design,
                        "issued_on": on or _today(),
                        "issued_by": issued_by,
                        "reprints": 0,
                        "is_sample": award.is_sample,
                    },
                )
                if row is None:
                    certificate_id = _first_certificate_id(session, award_id)
                    reprint = True
            if row is None:
                assert certificate_id is not None
                row = session.get_one(m.CertificateRow, certificate_id)
                # Counted in SQL: two desks reprinting at once both count.
                row.reprints = m.CertificateRow.reprints + 1
            session.add(
                m.CertificatePrintingRow(
                    certificate_id=row.id,
                    printed_at=m.utcnow(),
                    printed_by=issued_by,
                    language_mode=mode,
                    design=design,
                    is_reprint=reprint,
                )
            )
            session.flush()
            session.refresh(row)
            certificate = _certificate(row)
    except IntegrityError as exc:
        raise Conflict(
            _("The certificate could not be issued: {reason}").format(
                reason=str(exc.orig).strip().splitlines()[0]
            )
        ) from exc
    return certificate, reprint


# --- the register ------------------------------------------------------------------------


def _names(values: Any, prefix: str, columns: tuple[str, str, str]) -> Names:
    return Names.of([getattr(values, f"{prefix}_{column}") for column in columns])


def register(
    database: Database, year: int | None = None, conference_id: int | None = None
) -> list[RegisterEntry]:
    """The certificates issued (in `year`, for awards of the conference `conference_id`),
    ordered by number, each with its printings oldest first."""
    c, a = s.certificates, s.awards
    city, organization, person, conference = s.cities, s.organizations, s.persons, s.conferences
    statement = (
        select(
            *_CERTIFICATE_COLUMNS,
            a.c.title_en.label("title_en"),
            a.c.title_zh.label("title_zh"),
            a.c.title_he.label("title_he"),
            a.c.recipient_kind,
            city.c.name_en.label("city_en"),
            city.c.name_zh.label("city_zh"),
            city.c.name_he.label("city_he"),
            organization.c.name_en.label("organization_en"),
            organization.c.name_zh.label("organization_zh"),
            organization.c.name_he.label("organization_he"),
            person.c.name.label("person_en"),
            person.c.name_zh.label("person_zh"),
            person.c.name_he.label("person_he"),
            conference.c.id.label("conference_id"),
            conference.c.name_en.label("conference_en"),
            conference.c.name_zh.label("conference_zh"),
            conference.c.name_he.label("conference_he"),
        )
        .select_from(c)
        .join(a, a.c.id == c.c.award_id)
        .outerjoin(city, city.c.id == a.c.recipient_city_id)
        .outerjoin(organization, organization.c.id == a.c.recipient_organization_id)
        .outerjoin(person, person.c.id == a.c.recipient_person_id)
        .outerjoin(conference, conference.c.id == a.c.conference_id)
    )
    if year is not None:
        statement = statement.where(
            c.c.issued_on >= dt.date(year, 1, 1), c.c.issued_on < dt.date(year + 1, 1, 1)
        )
    if conference_id is not None:
        statement = statement.where(a.c.conference_id == conference_id)
    printed = s.certificate_printings
    with database.reading() as session:
        rows = session.execute(statement).all()
        wanted = statement.with_only_columns(c.c.id).order_by(None).scalar_subquery()
        printings: dict[int, list[Printing]] = {}
        for values in session.execute(
            select(printed)
            .where(printed.c.certificate_id.in_(wanted))
            .order_by(printed.c.printed_at, printed.c.id)
        ):
            printings.setdefault(values.certificate_id, []).append(
                Printing(
                    printed_at=values.printed_at,
                    printed_by=values.printed_by,
                    language_mode=LanguageMode(values.language_mode),
                    design=values.design,
                    is_reprint=values.is_reprint,
                )
            )
    languages = ("en", "zh", "he")
    recipient_prefix = {
        RecipientKind.CITY: "city",
        RecipientKind.ORGANIZATION: "organization",
        RecipientKind.PERSON: "person",
    }
    entries = [
        RegisterEntry(
            certificate=_certificate(values),
            award_title=_names(values, "title", languages),
            recipient=_names(
                values, recipient_prefix[RecipientKind(values.recipient_kind)], languages
            ),
            conference=(
                None if values.conference_id is None else _names(values, "conference", languages)
            ),
            printings=tuple(printings.get(values.id, ())),
        )
        for values in rows
    ]
    entries.sort(
        key=lambda entry: (number_sort_key(entry.certificate.number), entry.certificate.id)
    )
    return entries
