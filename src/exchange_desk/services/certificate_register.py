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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, false, func, insert, select, update
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
    "Issued",
    "Printing",
    "RegisterEntry",
    "certificate_for_award",
    "format_certificate_number",
    "issue_many",
    "issue_or_reprint",
    "mark_printing_failed",
    "next_certificate_number",
    "register",
    "undo_issue",
]

# Two desks sharing a database can pick the same next number; the unique constraint refuses
# the second, which then tries the number after. More collisions in a row than this are
# reported rather than retried for ever.
ATTEMPTS = 5
_CHUNK = 500  # ids per IN (...): far below every backend's limit on bound parameters


@dataclass(frozen=True, slots=True)
class Printing:
    """One printing of a certificate. `printed_at` is UTC without a time zone, like every
    time stamp the database keeps."""

    printed_at: dt.datetime
    printed_by: str
    language_mode: LanguageMode
    design: str
    is_reprint: bool
    failed: bool = False  # the print job broke after the number was registered


@dataclass(frozen=True, slots=True)
class RegisterEntry:
    """A line of the register: the certificate, what it honors, whom, where, and its log."""

    certificate: Certificate
    award_title: Names
    recipient: Names
    conference: Names | None
    printings: tuple[Printing, ...]


# --- numbering ---------------------------------------------------------------------------


def default_issuer(database: Database | None = None) -> str:
    """Who issues a certificate when nobody says: the office user `database` is opened as
    (on a shared PostgreSQL database the user's role, on SQLite the computer's user)."""
    if database is not None:
        from exchange_desk.services.audit import identity_of

        return identity_of(database).user_name
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


def _frame(pattern: str, year: int) -> tuple[str, str]:
    """What every number `pattern` makes for `year` begins and ends with, around the running
    number."""
    prefix = like_prefix(pattern, year)
    # A running number of ten digits is wider than any padding ({seq:09} at most), so the
    # rest of that number is exactly the text around it.
    wide = format_certificate_number(pattern, year, 10**9)
    suffix_length = len(wide) - 10 - len(prefix)
    return prefix, wide[len(wide) - suffix_length :] if suffix_length else ""


# How many of the longest numbers are read first; nearly always the first one or two decide.
_PROBE = 64


def _next_sequence(session: Session, pattern: str, year: int) -> int:
    """1 + the highest running number among the stored numbers `pattern` made for `year`.

    Numbers typed by hand, or made by an earlier pattern, do not match and do not count.
    The numbers are read longest first: a running number with more digits is higher, unless
    it is padded with zeros (the padding may have been changed since), so reading stops as
    soon as no shorter number can be higher than the highest found. Nearly always that is
    after the first two numbers, however long the register.
    """
    prefix, suffix = _frame(pattern, year)
    reader = number_reader(pattern, year)
    around = len(prefix) + len(suffix)
    number = s.certificates.c.number
    statement = select(number).order_by(func.length(number).desc(), number.desc())
    if session.get_bind().dialect.name == "sqlite":
        # A number made by the pattern has a digit right after the prefix: a range the
        # unique index on the numbers answers (SQLite compares text byte by byte).
        statement = statement.where(number >= prefix + "0", number < prefix + ":")
    elif prefix:
        statement = statement.where(number.startswith(prefix, autoescape=True))
    for limit in (_PROBE, None):
        highest, seen = 0, 0
        for stored in session.scalars(statement.limit(limit)):
            seen += 1
            if highest >= 10 ** (len(stored) - around) - 1:
                return highest + 1  # this number and all after it are too short
            found = reader.match(stored)
            if found:
                highest = max(highest, int(found.group("seq")))
        if limit is None or seen < limit:
            return highest + 1
    raise AssertionError("unreachable")  # pragma: no cover


def _next_number(session: Session, award: Any, on: dt.date | None) -> str:
    pattern = _pattern(session)
    year = _number_year(award.awarded_on, on)
    return format_certificate_number(pattern, year, _next_sequence(session, pattern, year))


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


# The key of the PostgreSQL advisory lock that numbers certificates one desk at a time.
NUMBERING_LOCK = 0x45584445534B  # "EXDESK"


def _lock_for_numbering(session: Session) -> None:
    """Number certificates one desk at a time: no other desk can store a number between our
    read of the highest one and our insert.

    SQLite: take the database's single write lock (a unit of work begins with it; a write that
    changes nothing takes it where a caller's transaction has not yet). PostgreSQL: an
    advisory lock held until the transaction ends. Without it, the unique indexes alone
    refused a number stored meanwhile and the numbering was retried: a desk printing while
    another printed batch after batch ran out of retries, and two desks numbering awards of
    two years in other orders deadlocked on each other's rows.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            update(s.certificates).where(false()).values(reprints=s.certificates.c.reprints)
        )
    else:
        session.execute(select(func.pg_advisory_xact_lock(NUMBERING_LOCK)))


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _awards(session: Session, award_ids: Sequence[int]) -> dict[int, Any]:
    """The awards' dates and sample marks, by id; NotFound names the first unknown one."""
    found: dict[int, Any] = {}
    a = s.awards.c
    for chunk in _chunks(award_ids):
        for row in session.execute(select(a.id, a.awarded_on, a.is_sample).where(a.id.in_(chunk))):
            found[row.id] = row
    for award_id in award_ids:
        if award_id not in found:
            raise NotFound(AWARDS.label(), award_id)
    return found


def _existing_certificates(session: Session, award_ids: Sequence[int]) -> dict[int, int]:
    """The register entry of each award that has one: award id → certificate id (the first,
    for an award given several by hand)."""
    c = s.certificates.c
    found: dict[int, int] = {}
    for chunk in _chunks(award_ids):
        for award_id, certificate_id in session.execute(
            select(c.award_id, func.min(c.id)).where(c.award_id.in_(chunk)).group_by(c.award_id)
        ):
            found[award_id] = certificate_id
    return found


def _never_printed(session: Session, certificate_ids: Sequence[int]) -> set[int]:
    """The certificates whose every logged printing failed: their next printing is the
    first, not a reprint. (A certificate with no log at all, typed in by hand or issued
    before the log existed, was printed: its next printing is a reprint.)"""
    p = s.certificate_printings.c
    found: set[int] = set()
    for chunk in _chunks(certificate_ids):
        found.update(
            session.scalars(
                select(p.certificate_id)
                .where(p.certificate_id.in_(chunk))
                .group_by(p.certificate_id)
                .having(func.count() == func.count().filter(p.failed.is_(True)))
            )
        )
    return found


def _number_new(
    session: Session,
    award_ids: Sequence[int],
    awards: Mapping[int, Any],
    on: dt.date | None,
    values: Mapping[str, Any],
) -> tuple[dict[int, int], set[int]]:
    """Give every award without a certificate the next numbers, in the order given: one
    read of the highest number per year and one insert for the batch.

    Between reading the highest number and storing the next, another desk may store one of
    them (PostgreSQL), or issue one of these very awards: the unique constraints refuse
    ours, the savepoint undoes just this insert, and the numbering is done again, within the
    caller's transaction. Returns every award's certificate id and the awards numbered now.
    """
    _lock_for_numbering(session)
    pattern: str | None = None
    for _attempt in range(ATTEMPTS):
        certificates = _existing_certificates(session, award_ids)
        fresh = [award_id for award_id in award_ids if award_id not in certificates]
        if not fresh:
            return certificates, set()
        pattern = pattern or _pattern(session)
        following: dict[int, int] = {}
        rows = []
        for award_id in fresh:
            award = awards[award_id]
            year = _number_year(award.awarded_on, on)
            if year not in following:
                following[year] = _next_sequence(session, pattern, year)
            rows.append(
                {
                    **values,
                    "number": format_certificate_number(pattern, year, following[year]),
                    "award_id": award_id,
                    "is_sample": award.is_sample,
                }
            )
            following[year] += 1
        try:
            with session.begin_nested():
                session.execute(insert(s.certificates), rows)
        except IntegrityError as exc:
            if _award_taken(exc) or _number_taken(exc):
                continue  # numbered again; an award issued meanwhile becomes a reprint
            raise
        certificates.update(_existing_certificates(session, fresh))
        return certificates, set(fresh)
    raise _taken_conflict()


@dataclass(frozen=True, slots=True)
class Issued:
    """One printing recorded by `issue_many`: the certificate as it stands after it, whether
    the printing is a reprint, its line in the log, and whether the certificate (and its
    number) was created by it."""

    certificate: Certificate
    reprint: bool
    printing_id: int
    new: bool


def issue_many(
    database: Database,
    award_ids: Sequence[int],
    language_mode: LanguageMode,
    design: str,
    issued_by: str,
    on: dt.date | None = None,
) -> list[Issued]:
    """Record a printing of each award's certificate, in the order given (an award named
    twice is printed twice: the second time as a reprint).

    Awards without a certificate get the next numbers, in order (issued on `on`, else today);
    the others keep theirs and count a reprint. A certificate whose every printing failed is
    printed for the first time again. A few queries for the whole batch, whatever its size
    and the register's. One unit of work: inside a caller's, it joins it. Raises NotFound for
    an unknown award, InvalidInput for an unknown mode or design, Conflict when no free
    numbers could be taken.
    """
    from exchange_desk.services.roles import Role, require

    require(database, Role.EDITOR)  # a number taken and a printing logged: writes
    mode, design = _checked(language_mode, design, issued_by)
    if not award_ids:
        return []
    unique = list(dict.fromkeys(award_ids))
    c, p = s.certificates, s.certificate_printings
    try:
        with database.unit_of_work() as session:
            awards = _awards(session, unique)
            certificates, created = _number_new(
                session,
                unique,
                awards,
                on,
                {
                    "language_mode": mode,
                    "design": design,
                    "issued_on": on or _today(),
                    "issued_by": issued_by,
                    "reprints": 0,
                },
            )
            unprinted = _never_printed(
                session, [certificates[a] for a in unique if a not in created]
            )
            first_time = created | {a for a in unique if certificates[a] in unprinted}
            seen: set[int] = set()
            reprints: dict[int, int] = {}
            flags = []
            for award_id in award_ids:
                reprint = award_id in seen or award_id not in first_time
                seen.add(award_id)
                flags.append(reprint)
                if reprint:
                    certificate_id = certificates[award_id]
                    reprints[certificate_id] = reprints.get(certificate_id, 0) + 1
            by_count: dict[int, list[int]] = {}
            for certificate_id, count in reprints.items():
                by_count.setdefault(count, []).append(certificate_id)
            for count, ids in by_count.items():
                for chunk in _chunks(ids):
                    # Counted in SQL: two desks reprinting at once both count.
                    session.execute(
                        update(c)
                        .where(c.c.id.in_(chunk))
                        .values(reprints=c.c.reprints + count, updated_at=m.utcnow())
                    )
            now = m.utcnow()
            printing_ids = list(
                session.scalars(
                    insert(p).returning(p.c.id, sort_by_parameter_order=True),
                    [
                        {
                            "certificate_id": certificates[award_id],
                            "printed_at": now,
                            "printed_by": issued_by,
                            "language_mode": mode,
                            "design": design,
                            "is_reprint": reprint,
                            "failed": False,
                        }
                        for award_id, reprint in zip(award_ids, flags, strict=True)
                    ],
                )
            )
            stored: dict[int, Certificate] = {}
            wanted = sorted(set(certificates.values()))
            for chunk in _chunks(wanted):
                for values in session.execute(
                    select(*_CERTIFICATE_COLUMNS).where(c.c.id.in_(chunk))
                ):
                    stored[values.id] = _certificate(values)
            _log_printings(session, award_ids, flags, created, certificates, stored, design)
    except IntegrityError as exc:
        raise Conflict(
            _("The certificate could not be issued: {reason}").format(
                reason=str(exc.orig).strip().splitlines()[0]
            )
        ) from exc
    issued = []
    firsts: set[int] = set()
    for award_id, reprint, printing_id in zip(award_ids, flags, printing_ids, strict=True):
        issued.append(
            Issued(
                certificate=stored[certificates[award_id]],
                reprint=reprint,
                printing_id=printing_id,
                new=award_id in created and award_id not in firsts,
            )
        )
        firsts.add(award_id)
    return issued


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
    [issued] = issue_many(database, [award_id], language_mode, design, issued_by, on)
    return issued.certificate, issued.reprint


def _log_printings(
    session: Session,
    award_ids: Sequence[int],
    flags: Sequence[bool],
    created: set[int],
    certificates: Mapping[int, int],
    stored: Mapping[int, Certificate],
    design: str,
) -> None:
    """The audit log's lines: a certificate issued (numbered) and each printing of one."""
    from exchange_desk.services import audit

    issued = [
        (
            "certificates",
            certificates[award_id],
            stored[certificates[award_id]].number,
            {"award_id": award_id},
        )
        for award_id in dict.fromkeys(award_ids)
        if award_id in created
    ]
    audit.log_many_in(session, audit.Action.CERTIFICATE_ISSUED, issued)
    audit.log_many_in(
        session,
        audit.Action.CERTIFICATE_PRINTED,
        [
            (
                "certificates",
                certificates[award_id],
                stored[certificates[award_id]].number,
                {"award_id": award_id, "reprint": reprint, "design": design},
            )
            for award_id, reprint in zip(award_ids, flags, strict=True)
        ],
    )


def mark_printing_failed(database: Database, printing_ids: Sequence[int]) -> None:
    """Log these printings as failed (the print job broke after the number was registered):
    they no longer count as printed. A failed reprint is taken off the certificate's reprints;
    a certificate whose every printing failed keeps its number, and its next printing counts
    as its first. Printings marked already, or unknown, are left alone."""
    if not printing_ids:
        return
    c, p = s.certificates, s.certificate_printings
    with database.unit_of_work() as session:
        reprinted: dict[int, int] = {}
        for chunk in _chunks(list(printing_ids)):
            rows = session.execute(
                select(p.c.id, p.c.certificate_id, p.c.is_reprint).where(
                    p.c.id.in_(chunk), p.c.failed.is_(False)
                )
            ).all()
            session.execute(
                update(p).where(p.c.id.in_([row.id for row in rows])).values(failed=True)
            )
            for row in rows:
                if row.is_reprint:
                    reprinted[row.certificate_id] = reprinted.get(row.certificate_id, 0) + 1
        for certificate_id, count in reprinted.items():
            session.execute(
                update(c)
                .where(c.c.id == certificate_id, c.c.reprints >= count)
                .values(reprints=c.c.reprints - count, updated_at=m.utcnow())
            )


def undo_issue(database: Database, issued: Sequence[Issued]) -> None:
    """Take back what `issue_many` recorded, when its files could not be put in place after
    all: the printings leave the log, reprints are uncounted, and a certificate created by
    them is removed with its number, unless another desk printed it meanwhile. A compensating
    transaction: the numbers issued after ours stay as they are."""
    if not issued:
        return
    c, p = s.certificates, s.certificate_printings
    with database.unit_of_work() as session:
        ids = [entry.printing_id for entry in issued]
        for chunk in _chunks(ids):
            session.execute(delete(p).where(p.c.id.in_(chunk)))
        reprinted: dict[int, int] = {}
        for entry in issued:
            if entry.reprint and entry.certificate.id is not None:
                reprinted[entry.certificate.id] = reprinted.get(entry.certificate.id, 0) + 1
        for certificate_id, count in reprinted.items():
            session.execute(
                update(c)
                .where(c.c.id == certificate_id, c.c.reprints >= count)
                .values(reprints=c.c.reprints - count, updated_at=m.utcnow())
            )
        created = [e.certificate.id for e in issued if e.new and e.certificate.id is not None]
        for chunk in _chunks(created):
            printed_meanwhile = select(p.c.id).where(p.c.certificate_id == c.c.id).exists()
            session.execute(delete(c).where(c.c.id.in_(chunk), ~printed_meanwhile))


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
                    failed=values.failed,
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
