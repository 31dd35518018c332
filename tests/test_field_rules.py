"""Every write is checked against its kind's declared fields, whoever writes: the services
refuse what the database would store wrongly or refuse itself, on SQLite as on PostgreSQL,
and `db check` names rows that an older version or another program stored against the rules.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import text

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import Direction
from exchange_desk.domain.errors import InvalidInput
from exchange_desk.domain.field_rules import value_problem
from exchange_desk.domain.kinds import CERTIFICATES, CITIES, CONFERENCES, DELEGATIONS
from exchange_desk.domain.records import City, Delegation
from exchange_desk.services import records
from exchange_desk.services.database import check_database
from exchange_desk.storage.database import Database


def _problem(declaration: Any, field: str, value: Any) -> str | None:
    found = value_problem(declaration.field(field), value)
    return None if found is None else str(found)


def test_dates_must_be_real_dates() -> None:
    assert _problem(DELEGATIONS, "start_date", PartialDate.parse("2018-11")) is None
    assert _problem(DELEGATIONS, "start_date", "2018-11-16") is None
    assert _problem(DELEGATIONS, "start_date", None) is None
    for wrong in ("2018-13-45", "2018-02-30", "18", "yesterday", 2018):
        assert "Not a date" in (_problem(DELEGATIONS, "start_date", wrong) or ""), wrong
    assert _problem(CERTIFICATES, "issued_on", dt.date(2018, 11, 16)) is None
    assert _problem(CERTIFICATES, "issued_on", dt.datetime(2018, 11, 16, 9)) is not None
    assert _problem(CERTIFICATES, "issued_on", "2018-11-16") is not None


def test_whole_numbers_fit_a_postgresql_integer_and_the_fields_own_range() -> None:
    assert _problem(DELEGATIONS, "members", 2_147_483_647) is None
    assert "or less" in (_problem(DELEGATIONS, "members", 2_147_483_648) or "")
    assert "or less" in (_problem(DELEGATIONS, "members", 99999999999999999999) or "")
    assert "or more" in (_problem(DELEGATIONS, "members", -1) or "")
    assert "or more" in (_problem(CONFERENCES, "edition", 0) or "")
    assert "whole number" in (_problem(DELEGATIONS, "members", 3.5) or "")
    assert "whole number" in (_problem(DELEGATIONS, "members", True) or "")
    assert "whole number" in (_problem(DELEGATIONS, "members", "12") or "")


def test_decimals_are_finite_and_in_range() -> None:
    assert _problem(CITIES, "latitude", 32.18) is None
    assert _problem(CITIES, "latitude", float("nan")) is not None
    assert _problem(CITIES, "longitude", float("inf")) is not None
    assert _problem(CITIES, "latitude", 91.0) is not None


def test_text_has_no_nul_or_broken_surrogate_and_fits_its_column() -> None:
    assert _problem(CITIES, "region", "Sharon · השרון · 沙龙") is None
    assert "U+0000" in (_problem(CITIES, "region", "a\x00b") or "")
    assert "U+D800" in (_problem(CITIES, "region", "a\ud800b") or "")
    assert "Too long" in (_problem(CITIES, "region", "x" * 201) or "")
    assert _problem(DELEGATIONS, "purpose", "x" * 20_000) is None
    assert "Too long" in (_problem(DELEGATIONS, "purpose", "x" * 20_001) or "")
    assert "required" in (_problem(CITIES, "name_en", "  ") or "")
    assert _problem(CITIES, "region", None) is not None  # text is '' when empty, not NULL


def test_choices_and_references() -> None:
    assert _problem(DELEGATIONS, "direction", Direction.INCOMING) is None
    assert _problem(DELEGATIONS, "direction", "incoming") is None
    assert _problem(DELEGATIONS, "direction", "sideways") is not None
    assert _problem(DELEGATIONS, "city_id", None) is not None  # required
    assert _problem(DELEGATIONS, "city_id", 2**31) is not None
    assert _problem(DELEGATIONS, "organization_ids", (1, 2)) is None
    assert _problem(DELEGATIONS, "organization_ids", (1, -2)) is not None


def _city(db: Database) -> int:
    city = records.create(db, City(name_en="Kfar Saba", country="IL"))
    assert city.id is not None
    return city.id


def _delegation(city_id: int, **values: Any) -> Delegation:
    return Delegation(direction=Direction.INCOMING, city_id=city_id, **values)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("start_date", "2018-13-45", "Not a date"),
        ("members", 99999999999999999999, "or less"),
        ("members", 2147483648, "or less"),
        ("purpose", "a\x00b", "U+0000"),
        ("leader", "\udc80", "U+DC80"),
        ("leader", "x" * 201, "Too long"),
    ],
)
def test_the_services_refuse_what_the_issue_found_stored(
    db: Database, field: str, value: Any, words: str
) -> None:
    city_id = _city(db)
    with pytest.raises(InvalidInput) as refused:
        records.create(db, _delegation(city_id, **{field: value}))
    assert words in refused.value.for_field(field)[0]
    listed = records.list_records(db, "delegations")
    assert listed.rows == []
    # Nor can an update store it.
    stored = records.create(db, _delegation(city_id))
    with pytest.raises(InvalidInput):
        records.update(db, dataclasses.replace(stored, **{field: value}))
    assert records.get_record(db, "delegations", stored.id).start_date is None


def test_every_problem_is_named_at_once(sqlite_db: Database) -> None:
    city_id = _city(sqlite_db)
    with pytest.raises(InvalidInput) as refused:
        records.create(
            sqlite_db,
            _delegation(
                city_id,
                start_date=PartialDate.parse("2018-11-20"),
                end_date=PartialDate.parse("2018-11-16"),
                members=-3,
                leader="x" * 300,
            ),
        )
    fields = {problem.field for problem in refused.value.problems}
    assert fields == {"end_date", "members", "leader"}


def test_db_check_names_rows_that_break_the_rules(sqlite_db: Database) -> None:
    city_id = _city(sqlite_db)
    stored = records.create(sqlite_db, _delegation(city_id, leader="Yael"))
    assert check_database(sqlite_db).ok
    # What an older version or another program could leave: SQLite does not hold text to
    # its declared length, nor does it refuse a NUL.
    with sqlite_db.unit_of_work() as session:
        session.execute(
            text("UPDATE delegations SET leader = :leader, purpose = :purpose WHERE id = :id"),
            {"leader": "x" * 250, "purpose": "a\x00b", "id": stored.id},
        )
    report = check_database(sqlite_db)
    assert not report.ok
    breaches = [p for p in report.problems if f"delegation {stored.id}" in p]
    assert len(breaches) == 2, report.problems
    assert any("Leader" in p and "Too long" in p for p in breaches)
    assert any("Purpose" in p and "U+0000" in p for p in breaches)
