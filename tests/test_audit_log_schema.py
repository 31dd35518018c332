"""What the database itself guarantees of the audit log and the versions (schema 0005).

On SQLite and PostgreSQL, for a database made new and for one upgraded from schema 0004 (on
SQLite the released 0004 file, on PostgreSQL a database taken to 0004 by the migrations):
a line added to `audit_log` can be read back; changing or deleting one is refused by the
database (triggers, whoever asks) and leaves it as it was; on PostgreSQL a transaction that
adds lines notifies the desks listening on `exchange_desk_changes` once, at its commit; and a
record saved through the services counts its `version` up.

The notifications go to every session of the server's database, other test runs' included,
so a test counts those from its own connection (the notifying process's id) and reads them
up to a marker it sends after the commit: PostgreSQL delivers notifications in the order
their transactions committed, so no wait decides what "exactly one" means.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic import command
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from exchange_desk.domain.errors import ConflictError
from exchange_desk.domain.records import City
from exchange_desk.services import audit, records
from exchange_desk.services.database import upgrade_database
from exchange_desk.storage.database import (
    SCHEMA_HEAD,
    Database,
    alembic_config,
    make_engine,
    open_database,
    resolve_url,
)
from exchange_desk.storage.schema import AUDIT_CHANNEL

FIXTURE_0004 = Path(__file__).parent / "data" / "migrations" / "0004.sqlite"
ORIGINS = ("new", "upgraded from 0004")
# The row the tests change: every column, so that "unchanged" means unchanged.
ROWS = text("SELECT * FROM audit_log ORDER BY id")
LINE = (
    "INSERT INTO audit_log (at, user_name, os_user, host, desk, action, kind, record_id,"
    " summary, details) VALUES ('2026-12-07 10:00:00', 'li.wei', 'liwei', 'DESK-7', :desk,"
    " 'update', 'cities', 1, '济南 ג׳ינאן', '{\"fields\": {\"region\": [\"\", \"山东\"]}}')"
)


@dataclass(frozen=True)
class Office:
    database: Database
    # A city stored before 0005 (version 1 by the upgrade); None in a new database.
    earlier_city_id: int | None


def _office(url: str, origin: str) -> Database | tuple[Database, int]:
    if origin == "new":
        return open_database(url)
    location = resolve_url(url)
    if location.get_backend_name() == "sqlite":
        assert location.database is not None
        shutil.copyfile(FIXTURE_0004, location.database)
        database, _backup = upgrade_database(location.database)  # `exchange-desk db upgrade`
        return database, 1  # Jinan
    engine = make_engine(location)
    try:
        command.upgrade(alembic_config(engine), "0004")
        with engine.begin() as connection:
            city_id = connection.execute(
                text(
                    "INSERT INTO cities (name_en, name_zh, name_he, name_local, country, region,"
                    " formal_name_en, formal_name_zh, formal_name_he, created_at, updated_at,"
                    " is_sample) VALUES ('Kfar Saba', '', 'כפר סבא', '', 'IL', '', '', '', '',"
                    " '2019-02-05 08:30:15', '2019-02-05 08:30:15', false) RETURNING id"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    database, _backup = upgrade_database(url)
    return database, int(city_id)


@pytest.fixture
def make_office() -> Iterator[Callable[[str, str], Office]]:
    opened: list[Database] = []

    def make(url: str, origin: str) -> Office:
        made = _office(url, origin)
        database, city_id = made if isinstance(made, tuple) else (made, None)
        opened.append(database)
        assert database.schema_state().current == SCHEMA_HEAD
        return Office(database, city_id)

    yield make
    for database in opened:
        database.dispose()


@pytest.fixture(params=ORIGINS)
def office(
    request: pytest.FixtureRequest, database_url: str, make_office: Callable[[str, str], Office]
) -> Office:
    """On each backend, a database made new and one upgraded from 0004."""
    return make_office(database_url, request.param)


@pytest.fixture(params=ORIGINS)
def pg_office(
    request: pytest.FixtureRequest, pg_url: str, make_office: Callable[[str, str], Office]
) -> Office:
    """On PostgreSQL, a database made new and one upgraded from 0004."""
    return make_office(pg_url, request.param)


def _lines(database: Database) -> list[tuple[Any, ...]]:
    with database.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(ROWS)]


def test_a_line_added_to_the_log_is_read_back(office: Office) -> None:
    database = office.database
    assert _lines(database) == []  # a new database, and an upgrade, write no line
    with database.engine.begin() as connection:
        connection.execute(text(LINE), {"desk": "d-other"})
    audit.log(database, audit.Action.EXPORT, summary="cities.xlsx", details={"rows": 3})

    first, second = audit.audit(database)
    assert (first.user_name, first.os_user, first.host, first.desk) == (
        "li.wei",
        "liwei",
        "DESK-7",
        "d-other",
    )
    assert (first.action, first.kind, first.record_id, first.summary) == (
        "update",
        "cities",
        1,
        "济南 ג׳ינאן",
    )
    assert first.fields == {"region": ["", "山东"]}
    assert (second.action, second.summary, second.details) == ("export", "cities.xlsx", {"rows": 3})
    assert second.desk == audit.DESK
    assert second.id > first.id
    assert [entry.id for entry in audit.entries_since(database, 0)] == [first.id]  # not ours
    assert audit.history(database, "cities", 1) == [first]


def test_the_database_refuses_to_change_or_delete_a_line(office: Office) -> None:
    database = office.database
    with database.engine.begin() as connection:
        connection.execute(text(LINE), {"desk": "d-1"})
        connection.execute(text(LINE), {"desk": "d-2"})
    before = _lines(database)
    assert len(before) == 2
    statements = [
        "UPDATE audit_log SET summary = 'nothing happened' WHERE desk = 'd-1'",
        "UPDATE audit_log SET at = '2000-01-01 00:00:00'",
        "DELETE FROM audit_log WHERE desk = 'd-2'",
        "DELETE FROM audit_log",
    ]
    if database.backend == "postgresql":
        statements.append("TRUNCATE audit_log")
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as connection:
            connection.execute(text(statement))
        assert _lines(database) == before, statement
    # Through the services' own sessions too: the refusal is the database's, not the program's.
    with pytest.raises(DBAPIError, match="append-only"), database.unit_of_work() as session:
        session.execute(text("DELETE FROM audit_log"))
    assert _lines(database) == before


def _version(database: Database, city_id: int) -> int:
    with database.engine.connect() as connection:
        found = connection.execute(
            text("SELECT version FROM cities WHERE id = :id"), {"id": city_id}
        ).scalar_one()
    return int(found)


def test_saving_a_record_counts_its_version_up(office: Office) -> None:
    database = office.database
    city = records.create(database, City(name_en="Haifa", name_he="חיפה", country="IL"))
    assert city.id is not None
    assert (city.version, _version(database, city.id)) == (1, 1)

    changed = records.update(database, replace(city, region="North 北部"))
    assert (changed.version, _version(database, city.id)) == (2, 2)
    stored = records.get_record(database, "cities", city.id)
    assert (stored.region, stored.version) == ("North 北部", 2)

    # A save based on version 1 is refused and stores nothing.
    with pytest.raises(ConflictError):
        records.update(database, replace(city, region="South"))
    assert _version(database, city.id) == 2
    assert records.get_record(database, "cities", city.id).region == "North 北部"

    assert [(entry.action, entry.record_id) for entry in audit.audit(database)] == [
        ("create", city.id),
        ("update", city.id),
    ]
    assert audit.history(database, "cities", city.id)[0].fields == {"region": ["", "North 北部"]}

    if office.earlier_city_id is not None:  # a row from before 0005 starts at version 1
        earlier = records.get_record(database, "cities", office.earlier_city_id)
        assert earlier.version == 1
        records.update(database, replace(earlier, region="Center District"))
        assert _version(database, office.earlier_city_id) == 2


# --- PostgreSQL: the desks listening are told ------------------------------------------------


def _conninfo(database: Database) -> str:
    return database.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _pid(connection: Connection) -> int:
    return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _notified_by(listener: psycopg.Connection[Any], database: Database, pid: int) -> int:
    """How many notifications on the channel came from the process `pid`, counting those
    delivered before a marker sent now from another connection (so after every commit that
    came before this call)."""
    marker = f"end-{uuid.uuid4().hex}"
    with psycopg.connect(_conninfo(database), autocommit=True) as sender:
        sender.execute("SELECT pg_notify(%s, %s)", (AUDIT_CHANNEL, marker))
    count = 0
    # The timeout only keeps a broken trigger from hanging the run: the marker ends the loop.
    for notification in listener.notifies(timeout=60):
        assert notification.channel == AUDIT_CHANNEL
        if notification.payload == marker:
            return count
        if notification.pid == pid:
            count += 1
    pytest.fail("the marker notification never arrived")


@pytest.fixture
def listener(pg_office: Office) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(_conninfo(pg_office.database), autocommit=True) as connection:
        connection.execute(f"LISTEN {AUDIT_CHANNEL}")
        yield connection


@pytest.mark.postgres
def test_a_line_added_notifies_once_after_the_commit(
    pg_office: Office, listener: psycopg.Connection[Any]
) -> None:
    database = pg_office.database
    with database.engine.connect() as connection:
        with connection.begin():
            pid = _pid(connection)
            connection.execute(text(LINE), {"desk": "d-1"})
            # Not yet: a notification is sent when its transaction commits.
            early = [n for n in listener.notifies(timeout=0) if n.pid == pid]
            assert early == []
        assert _notified_by(listener, database, pid) == 1
        assert len(_lines(database)) == 1


@pytest.mark.postgres
def test_a_transaction_adding_three_lines_notifies_once(
    pg_office: Office, listener: psycopg.Connection[Any]
) -> None:
    database = pg_office.database
    with database.unit_of_work() as session:
        pid = _pid(session.connection())
        for number in range(3):  # three INSERTs, three statement triggers
            audit.log_in(session, audit.Action.EXPORT, summary=f"list {number}.xlsx")
    assert _notified_by(listener, database, pid) == 1
    assert [entry.summary for entry in audit.audit(database)] == [
        "list 0.xlsx",
        "list 1.xlsx",
        "list 2.xlsx",
    ]


@pytest.mark.postgres
def test_a_change_saved_through_the_services_notifies_once(
    pg_office: Office, listener: psycopg.Connection[Any]
) -> None:
    database = pg_office.database
    with database.unit_of_work() as session:
        pid = _pid(session.connection())
        records.create(database, City(name_en="Eilat", country="IL"))  # joins this unit
        records.create(database, City(name_en="Qingdao", country="CN"))
    assert _notified_by(listener, database, pid) == 1
    assert len(audit.audit(database)) == 2


@pytest.mark.postgres
def test_a_rolled_back_line_notifies_no_one(
    pg_office: Office, listener: psycopg.Connection[Any]
) -> None:
    database = pg_office.database
    with database.engine.connect() as connection:
        transaction = connection.begin()
        pid = _pid(connection)
        connection.execute(text(LINE), {"desk": "d-1"})
        transaction.rollback()
    assert _notified_by(listener, database, pid) == 0
    assert _lines(database) == []
