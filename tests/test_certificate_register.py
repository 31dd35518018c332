"""The certificate register: numbers from the office's pattern (per year, past numbers that
do not fit ignored, a lost race retried), issuing and reprinting, the printing log, the
register's filters and order, the pattern's rules, and the migration that brought it all."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from exchange_desk.domain.certificate_numbers import (
    format_certificate_number,
    number_sort_key,
    pattern_problems,
    sequence_of,
)
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import Design, LanguageMode, OrganizationKind, RecipientKind
from exchange_desk.domain.errors import Conflict, InvalidInput, NotFound
from exchange_desk.domain.records import (
    Award,
    Certificate,
    City,
    Conference,
    OfficeProfile,
    Organization,
    Person,
)
from exchange_desk.services import certificate_register as register_service
from exchange_desk.services.certificate_register import (
    certificate_for_award,
    issue_or_reprint,
    next_certificate_number,
    register,
)
from exchange_desk.services.names import Names
from exchange_desk.services.office import office_profile, save_office_profile
from exchange_desk.services.records import create, delete_record, restore
from exchange_desk.storage import models as m
from exchange_desk.storage.database import (
    SCHEMA_HEAD,
    Database,
    alembic_config,
    make_engine,
    open_database,
    resolve_url,
)

JINAN_PATTERN = "JN-{year}-{seq:04}"
ZH_EN = LanguageMode.ZH_EN


def _city(db: Database, name: str = "Kfar Saba", country: str = "IL") -> int:
    city = create(db, City(name_en=name, country=country))
    assert city.id is not None
    return city.id


def _award(
    db: Database,
    awarded_on: PartialDate | None,
    *,
    title: str = "Friendship Award",
    city_id: int | None = None,
    conference_id: int | None = None,
) -> int:
    award = create(
        db,
        Award(
            title_en=title,
            awarded_on=awarded_on,
            conference_id=conference_id,
            recipient_kind=RecipientKind.CITY,
            recipient_city_id=city_id if city_id is not None else _city(db, title),
        ),
    )
    assert award.id is not None
    return award.id


def _use_pattern(db: Database, pattern: str = JINAN_PATTERN) -> None:
    save_office_profile(db, OfficeProfile(certificate_number_pattern=pattern))


def _count(db: Database, row: type[m.Base]) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(m.table_of(row))) or 0


# --- numbers -------------------------------------------------------------------------------


def test_format_certificate_number() -> None:
    assert format_certificate_number(JINAN_PATTERN, 2018, 7) == "JN-2018-0007"
    assert format_certificate_number(JINAN_PATTERN, 2018, 12345) == "JN-2018-12345"
    assert format_certificate_number("{seq}/{year}", 2019, 3) == "3/2019"
    assert format_certificate_number("JN{year}{seq:03}", 2020, 42) == "JN2020042"
    with pytest.raises(ValueError, match="pattern"):
        format_certificate_number("JN-{year}", 2018, 1)


def test_numbers_are_read_back_only_from_what_the_pattern_makes() -> None:
    assert sequence_of(JINAN_PATTERN, 2018, "JN-2018-0007") == 7
    assert sequence_of(JINAN_PATTERN, 2018, "JN-2018-12") == 12  # padding changed since
    assert sequence_of(JINAN_PATTERN, 2018, "JN-2017-0007") is None
    assert sequence_of(JINAN_PATTERN, 2018, "JN-2018-0007A") is None
    assert sequence_of(JINAN_PATTERN, 2018, "jn-2018-0007") is None
    assert sequence_of("A.{seq}", 2018, "AB7") is None  # '.' is a dot, not any character


def test_numbers_sort_as_people_read_them() -> None:
    numbers = ["JN-2018-10", "JN-2018-9", "JN-2017-11", "AB-1"]
    assert sorted(numbers, key=number_sort_key) == ["AB-1", "JN-2017-11", "JN-2018-9", "JN-2018-10"]


def test_numbers_follow_the_pattern_and_restart_each_year(db: Database) -> None:
    _use_pattern(db)
    first = _award(db, PartialDate(2018, 11), title="CIFCC Award")
    second = _award(db, PartialDate(2018, 10), title="SJK Award")
    next_year = _award(db, PartialDate(2019), title="Award of 2019")
    undated = _award(db, None, title="Undated Award")

    # Asking reserves nothing: the same answer twice, and nothing stored.
    assert next_certificate_number(db, first) == "JN-2018-0001"
    assert next_certificate_number(db, first) == "JN-2018-0001"
    assert _count(db, m.CertificateRow) == 0

    certificate, reprint = issue_or_reprint(
        db, first, ZH_EN, "formal", "Li Wei", on=dt.date(2018, 11, 16)
    )
    assert (certificate.number, reprint) == ("JN-2018-0001", False)
    assert certificate.issued_on == dt.date(2018, 11, 16)
    assert certificate.issued_by == "Li Wei"
    assert certificate.reprints == 0
    assert next_certificate_number(db, second) == "JN-2018-0002"
    assert issue_or_reprint(db, second, ZH_EN, "formal", "")[0].number == "JN-2018-0002"
    assert issue_or_reprint(db, next_year, ZH_EN, "modern", "")[0].number == "JN-2019-0001"
    # Without an award date the year is the day of issue's.
    undated_certificate, _ = issue_or_reprint(
        db, undated, ZH_EN, "formal", "", on=dt.date(2020, 3, 1)
    )
    assert undated_certificate.number == "JN-2020-0001"
    assert undated_certificate.issued_on == dt.date(2020, 3, 1)
    # An issued award's number is what issuing again would use.
    assert next_certificate_number(db, first) == "JN-2018-0001"
    assert certificate_for_award(db, first) == certificate


def test_the_default_pattern_numbers_without_an_office_profile(db: Database) -> None:
    award = _award(db, PartialDate(2018, 11, 16))
    certificate, _ = issue_or_reprint(db, award, ZH_EN, "formal", "")
    assert certificate.number == "2018-0001"
    assert certificate.issued_on == dt.date.today()


def test_numbers_that_do_not_fit_the_pattern_are_ignored(db: Database) -> None:
    _use_pattern(db)
    award = _award(db, PartialDate(2018, 11))
    numbers = ("OLD-2018-0050", "JN-2017-0009", "JN-2018-0012A", "jn-2018-0077", "JN-2018-3")
    for index, number in enumerate(numbers):
        # One certificate per award, so each stored number needs an award of its own.
        others = _award(db, PartialDate(2017), title=f"Older Award {index}")
        create(
            db,
            Certificate(
                number=number,
                award_id=others,
                language_mode=ZH_EN,
                issued_on=dt.date(2018, 1, 1),
            ),
        )
    assert next_certificate_number(db, award) == "JN-2018-0004"
    assert issue_or_reprint(db, award, ZH_EN, "formal", "")[0].number == "JN-2018-0004"


def test_a_pattern_without_the_year_never_restarts(db: Database) -> None:
    _use_pattern(db, "CERT-{seq:03}")
    first = _award(db, PartialDate(2018), title="First")
    second = _award(db, PartialDate(2019), title="Second")
    assert issue_or_reprint(db, first, ZH_EN, "formal", "")[0].number == "CERT-001"
    assert issue_or_reprint(db, second, ZH_EN, "formal", "")[0].number == "CERT-002"


# --- issuing and reprinting ------------------------------------------------------------------


def test_a_reprint_keeps_the_number_and_is_logged(db: Database) -> None:
    _use_pattern(db)
    award = _award(db, PartialDate(2018, 11))
    first, first_is_reprint = issue_or_reprint(
        db, award, ZH_EN, "formal", "Li Wei", on=dt.date(2018, 11, 16)
    )
    again, again_is_reprint = issue_or_reprint(
        db, award, LanguageMode.ZH_EN_HE, Design.MODERN, "Wang Fang", on=dt.date(2019, 1, 1)
    )
    third, _ = issue_or_reprint(db, award, LanguageMode.HE_EN, "formal", "Li Wei")

    assert (first_is_reprint, again_is_reprint) == (False, True)
    assert first.id == again.id == third.id
    assert again.number == third.number == "JN-2018-0001"
    assert (again.reprints, third.reprints) == (1, 2)
    # The certificate keeps what it was issued as; the log says how each copy was printed.
    assert third.issued_on == dt.date(2018, 11, 16)
    assert (third.language_mode, third.design, third.issued_by) == (ZH_EN, "formal", "Li Wei")
    assert _count(db, m.CertificateRow) == 1
    stored = certificate_for_award(db, award)
    assert stored is not None
    assert stored.reprints == 2

    [entry] = register(db)
    assert [(p.printed_by, p.language_mode, p.design, p.is_reprint) for p in entry.printings] == [
        ("Li Wei", ZH_EN, "formal", False),
        ("Wang Fang", LanguageMode.ZH_EN_HE, "modern", True),
        ("Li Wei", LanguageMode.HE_EN, "formal", True),
    ]
    times = [p.printed_at for p in entry.printings]
    assert times == sorted(times)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert all(now - dt.timedelta(minutes=5) <= t <= now for t in times)


def test_an_unknown_award_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        issue_or_reprint(db, 999, ZH_EN, "formal", "")
    with pytest.raises(NotFound):
        next_certificate_number(db, 999)
    assert certificate_for_award(db, 999) is None
    assert _count(db, m.CertificateRow) == 0
    assert _count(db, m.CertificatePrintingRow) == 0


@pytest.mark.parametrize(
    ("mode", "design", "issued_by", "field"),
    [
        ("zh+fr", "formal", "", "language_mode"),
        (ZH_EN, "classic", "", "design"),
        (ZH_EN, "formal", "x" * 201, "issued_by"),
    ],
)
def test_unknown_modes_and_designs_are_refused(
    db: Database, mode: Any, design: str, issued_by: str, field: str
) -> None:
    award = _award(db, PartialDate(2018))
    with pytest.raises(InvalidInput) as caught:
        issue_or_reprint(db, award, mode, design, issued_by)
    assert caught.value.for_field(field)
    assert _count(db, m.CertificateRow) == 0


def test_a_lost_race_takes_the_next_number(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another desk stored JN-2018-0001 after this desk read the numbers: the unique
    constraint refuses the duplicate, and the retry takes JN-2018-0002."""
    _use_pattern(db)
    theirs = _award(db, PartialDate(2018, 10), title="Their Award")
    ours = _award(db, PartialDate(2018, 11), title="Our Award")
    issue_or_reprint(db, theirs, ZH_EN, "formal", "other desk")
    real = register_service._next_sequence
    calls: list[int] = []

    def stale_then_real(session: Any, pattern: str, year: int) -> int:
        calls.append(year)
        return 1 if len(calls) == 1 else real(session, pattern, year)

    monkeypatch.setattr(register_service, "_next_sequence", stale_then_real)
    certificate, reprint = issue_or_reprint(db, ours, ZH_EN, "formal", "this desk")

    assert (certificate.number, reprint) == ("JN-2018-0002", False)
    assert calls == [2018, 2018]
    assert [entry.certificate.number for entry in register(db)] == ["JN-2018-0001", "JN-2018-0002"]
    assert _count(db, m.CertificatePrintingRow) == 2


# What the database says when a constraint refuses a write (a driver error or, once
# classified, the program's own).
StorageOrIntegrity = (IntegrityError, Conflict)


def test_an_award_issued_meanwhile_by_another_desk_is_reprinted_not_numbered_twice(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another desk issued this award's certificate after this desk looked: the database
    refuses a second certificate for the award, and this print becomes a reprint."""
    _use_pattern(db)
    award = _award(db, PartialDate(2018, 11))
    first, _reprint = issue_or_reprint(db, award, ZH_EN, "formal", "other desk")
    real = register_service._existing_certificates
    calls: list[list[int]] = []

    def stale_then_real(session: Any, award_ids: list[int]) -> dict[int, int]:
        calls.append(list(award_ids))
        return {} if len(calls) == 1 else real(session, award_ids)

    monkeypatch.setattr(register_service, "_existing_certificates", stale_then_real)
    certificate, reprint = issue_or_reprint(db, award, ZH_EN, "modern", "this desk")

    assert (certificate.number, reprint) == (first.number, True)
    assert certificate.reprints == 1
    assert _count(db, m.CertificateRow) == 1
    assert _count(db, m.CertificatePrintingRow) == 2


def test_the_database_refuses_two_certificates_for_one_award(db: Database) -> None:
    award = _award(db, PartialDate(2018, 11))
    issue_or_reprint(db, award, ZH_EN, "formal", "li")
    with pytest.raises(StorageOrIntegrity), db.unit_of_work() as session:
        session.execute(
            m.CertificateRow.__table__.insert().values(
                number="X-1",
                award_id=award,
                language_mode="en",
                design="formal",
                issued_on=dt.date(2018, 11, 16),
                issued_by="",
                reprints=0,
                is_sample=False,
            )
        )


def test_a_race_lost_inside_a_batch_takes_the_next_number_and_keeps_the_batch(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch issues inside one unit of work: a lost race costs only the refused insert."""
    _use_pattern(db)
    theirs = _award(db, PartialDate(2018, 10), title="Their Award")
    ours = [_award(db, PartialDate(2018, 11), title=f"Our Award {n}") for n in (1, 2)]
    issue_or_reprint(db, theirs, ZH_EN, "formal", "other desk")
    real = register_service._next_sequence
    calls: list[int] = []

    def stale_once(session: Any, pattern: str, year: int) -> int:
        calls.append(year)
        return 1 if len(calls) == 2 else real(session, pattern, year)

    monkeypatch.setattr(register_service, "_next_sequence", stale_once)
    with db.unit_of_work():
        numbers = [issue_or_reprint(db, award, ZH_EN, "formal", "")[0].number for award in ours]
    assert numbers == ["JN-2018-0002", "JN-2018-0003"]
    assert len(calls) == 3
    assert [e.certificate.number for e in register(db)] == [
        "JN-2018-0001",
        "JN-2018-0002",
        "JN-2018-0003",
    ]
    assert _count(db, m.CertificatePrintingRow) == 3


def test_issuing_inside_a_failed_unit_of_work_leaves_nothing(db: Database) -> None:
    """The savepoint that guards the insert must not commit on its own (SQLite's driver
    would, were it the first write of the transaction)."""
    _use_pattern(db)
    award = _award(db, PartialDate(2018, 11))

    def issue_then_fail() -> None:
        with db.unit_of_work():
            issue_or_reprint(db, award, ZH_EN, "formal", "")
            raise RuntimeError("the printer jammed")

    with pytest.raises(RuntimeError, match="jammed"):
        issue_then_fail()
    assert certificate_for_award(db, award) is None
    assert _count(db, m.CertificatePrintingRow) == 0
    assert issue_or_reprint(db, award, ZH_EN, "formal", "")[0].number == "JN-2018-0001"


def test_a_number_that_never_frees_up_is_reported(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_pattern(db)
    theirs = _award(db, PartialDate(2018, 10), title="Their Award")
    ours = _award(db, PartialDate(2018, 11), title="Our Award")
    issue_or_reprint(db, theirs, ZH_EN, "formal", "")
    monkeypatch.setattr(register_service, "_next_sequence", lambda *_args: 1)
    with pytest.raises(Conflict, match="Print again"):
        issue_or_reprint(db, ours, ZH_EN, "formal", "")
    assert certificate_for_award(db, ours) is None
    assert _count(db, m.CertificatePrintingRow) == 1


def test_deleting_an_award_takes_its_certificate_and_log_and_undo_brings_them_back(
    db: Database,
) -> None:
    award = _award(db, PartialDate(2018, 11))
    issue_or_reprint(db, award, ZH_EN, "formal", "")
    issue_or_reprint(db, award, ZH_EN, "modern", "")
    deletion = delete_record(db, "awards", award, cascade=True)
    assert (_count(db, m.CertificateRow), _count(db, m.CertificatePrintingRow)) == (0, 0)
    restore(db, deletion.snapshot)
    [entry] = register(db)
    assert entry.certificate.reprints == 1
    assert [p.is_reprint for p in entry.printings] == [False, True]


# --- the register --------------------------------------------------------------------------


def test_the_register_names_awards_recipients_and_conferences(db: Database) -> None:
    _use_pattern(db)
    jinan = _city(db, "Jinan", "CN")
    conference = create(
        db, Conference(name_en="CIFCC 2018", name_zh="2018友城大会", start_date=PartialDate(2018))
    )
    school = create(
        db,
        Organization(
            name_en="Jinan Foreign Language School",
            name_zh="济南外国语学校",
            kind=OrganizationKind.SCHOOL,
        ),
    )
    person = create(db, Person(name="Li Wei", name_zh="李伟", name_he="לי ויי"))
    to_city = _award(
        db, PartialDate(2018, 11), title="City Award", city_id=jinan, conference_id=conference.id
    )
    to_school = create(
        db,
        Award(
            title_en="School Award",
            title_zh="学校奖",
            awarded_on=PartialDate(2018, 9),
            conference_id=conference.id,
            recipient_kind=RecipientKind.ORGANIZATION,
            recipient_organization_id=school.id,
        ),
    ).id
    to_person = create(
        db,
        Award(
            title_en="Person Award",
            awarded_on=PartialDate(2019, 2),
            recipient_kind=RecipientKind.PERSON,
            recipient_person_id=person.id,
        ),
    ).id
    assert to_school is not None
    assert to_person is not None
    issue_or_reprint(db, to_person, ZH_EN, "formal", "", on=dt.date(2019, 2, 1))
    issue_or_reprint(db, to_school, ZH_EN, "formal", "", on=dt.date(2018, 9, 30))
    issue_or_reprint(db, to_city, ZH_EN, "formal", "", on=dt.date(2019, 1, 5))

    entries = register(db)
    assert [(e.certificate.number, e.certificate.award_id) for e in entries] == [
        ("JN-2018-0001", to_school),
        ("JN-2018-0002", to_city),
        ("JN-2019-0001", to_person),
    ]
    school_entry, city_entry, person_entry = entries
    assert school_entry.award_title == Names("School Award", "学校奖", "")
    assert school_entry.recipient == Names("Jinan Foreign Language School", "济南外国语学校", "")
    assert school_entry.conference == Names("CIFCC 2018", "2018友城大会", "")
    assert city_entry.recipient == Names("Jinan", "", "")
    assert person_entry.recipient == Names("Li Wei", "李伟", "לי ויי")
    assert person_entry.conference is None

    # The year is the year of issue, not the award's.
    assert [e.certificate.number for e in register(db, year=2019)] == [
        "JN-2018-0002",
        "JN-2019-0001",
    ]
    assert [e.certificate.number for e in register(db, year=2018)] == ["JN-2018-0001"]
    assert register(db, year=2017) == []
    assert [e.certificate.number for e in register(db, conference_id=conference.id)] == [
        "JN-2018-0001",
        "JN-2018-0002",
    ]
    assert [e.certificate.number for e in register(db, year=2019, conference_id=conference.id)] == [
        "JN-2018-0002"
    ]


def test_the_register_orders_numbers_as_people_read_them(db: Database) -> None:
    _use_pattern(db, "N{seq}")
    awards = [_award(db, PartialDate(2018), title=f"Award {n}") for n in range(11)]
    for award in awards:
        issue_or_reprint(db, award, ZH_EN, "formal", "")
    assert [e.certificate.number for e in register(db)] == [f"N{n}" for n in range(1, 12)]


# --- the pattern in the office profile -------------------------------------------------------


@pytest.mark.parametrize(
    "pattern",
    [
        "JN-{year}",  # no running number
        "{seq}-{seq}",  # two
        "JN-{yr}-{seq}",  # an unknown placeholder
        "JN-{year}-{seq:4}",  # padded with spaces
        "JN-{year}-{{seq}}",
        "JN {year} {seq}",  # a space cannot be in a certificate number
        "济南-{seq}",
        "-{year}-{seq}",  # a number begins with a letter or a digit
        "J" * 40 + "-{seq}",  # makes numbers longer than 40 characters
        "{seq}" + "X" * 76,  # longer than 80 characters
        "",
    ],
)
def test_an_invalid_pattern_is_refused(db: Database, pattern: str) -> None:
    _use_pattern(db)
    assert pattern_problems(pattern)
    with pytest.raises(InvalidInput) as caught:
        save_office_profile(db, OfficeProfile(certificate_number_pattern=pattern))
    assert [p.field for p in caught.value.problems] == ["certificate_number_pattern"] * len(
        caught.value.problems
    )
    assert caught.value.for_field("certificate_number_pattern")
    assert office_profile(db).certificate_number_pattern == JINAN_PATTERN


@pytest.mark.parametrize(
    ("pattern", "example"),
    [
        ("{seq}", "1"),
        ("JN/{year}/{seq:03}", "JN/2018/001"),
        ("{year}{seq:05}", "201800001"),
        ("{year}.{seq}.{year}", "2018.1.2018"),
    ],
)
def test_a_valid_pattern_is_saved_and_used(db: Database, pattern: str, example: str) -> None:
    _use_pattern(db, pattern)
    assert office_profile(db).certificate_number_pattern == pattern
    award = _award(db, PartialDate(2018))
    assert issue_or_reprint(db, award, ZH_EN, "formal", "")[0].number == example


def test_the_message_names_the_placeholders() -> None:
    [message] = pattern_problems("JN-{year}")
    assert "{seq}" in message


# --- the migration ---------------------------------------------------------------------------


def test_upgrading_a_0001_database_keeps_its_data(database_url: str, tmp_path: Path) -> None:
    url = resolve_url(database_url)
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "0001")
    stamp = "'2018-11-16 10:00:00'"
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO cities (id, name_en, name_zh, name_he, name_local, country, region,"
                f" created_at, updated_at, is_sample) VALUES (1, 'Kfar Saba', '', '', '', 'IL',"
                f" '', {stamp}, {stamp}, false)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO awards (id, title_en, title_zh, title_he, awarded_on,"
                " recipient_kind, recipient_city_id, citation_en, citation_zh, citation_he,"
                f" created_at, updated_at, is_sample) VALUES (1, 'Friendship Award', '', '',"
                f" '2018-11', 'city', 1, '', '', '', {stamp}, {stamp}, false)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO certificates (id, number, award_id, language_mode, design,"
                " issued_on, issued_by, reprints, created_at, updated_at, is_sample) VALUES"
                f" (1, 'JN-2018-0001', 1, 'zh+en', 'classic', '2018-11-16', 'Li Wei', 2,"
                f" {stamp}, {stamp}, false)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO office_profile (id, office_name_en, office_name_zh, office_name_he,"
                " signatory_en, signatory_zh, signatory_he, signatory_title_en,"
                " signatory_title_zh, signatory_title_he, updated_at) VALUES (1, 'Jinan FAO',"
                f" '', '', '', '', '', '', '', '', {stamp})"
            )
        )
    engine.dispose()

    # A shared server is migrated on request only; a SQLite file is copied aside first.
    database = open_database(database_url, migrate=False)
    try:
        assert database.schema_state().current == "0001"
        backup = database.upgrade()
        assert database.schema_state().current == SCHEMA_HEAD
        assert (backup is not None) == (database.backend == "sqlite")

        profile = office_profile(database)
        assert profile.office_name_en == "Jinan FAO"
        assert profile.certificate_number_pattern == "{year}-{seq:04}"
        old = certificate_for_award(database, 1)
        assert old is not None
        assert (old.number, old.design, old.reprints, old.issued_by) == (
            "JN-2018-0001",
            "classic",
            2,
            "Li Wei",
        )
        assert "certificate_printings" in inspect(database.engine).get_table_names()
        [entry] = register(database)
        assert entry.printings == ()  # printed before the log existed
        assert entry.recipient == Names("Kfar Saba", "", "")

        again, reprint = issue_or_reprint(database, 1, ZH_EN, "formal", "Wang Fang")
        assert (again.number, again.reprints, reprint) == ("JN-2018-0001", 3, True)

        # And back: the downgrade drops exactly what the upgrade added.
        command.downgrade(alembic_config(database.engine), "0001")
        assert "certificate_printings" not in inspect(database.engine).get_table_names()
        columns = {c["name"] for c in inspect(database.engine).get_columns("office_profile")}
        assert "certificate_number_pattern" not in columns
        with database.engine.connect() as connection:
            assert connection.execute(text("SELECT reprints FROM certificates")).scalar() == 3
    finally:
        database.dispose()
