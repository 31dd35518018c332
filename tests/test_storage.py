"""Storage: migrations, the constraints the database itself enforces, and opening databases
that are new, old, too new, foreign, damaged, locked or unreachable."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, insert, inspect, select, text
from sqlalchemy.exc import IntegrityError

from exchange_desk.domain.errors import StorageProblem, StorageUnavailable
from exchange_desk.storage import database as storage
from exchange_desk.storage import models as m
from exchange_desk.storage.database import (
    SCHEMA_HEAD,
    Database,
    head_revision,
    open_database,
    resolve_url,
)


def test_schema_head_constant_is_the_newest_migration() -> None:
    assert head_revision() == SCHEMA_HEAD


def test_models_and_migrations_agree(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, m.Base.metadata)
    assert differences == []


def test_a_new_database_is_at_the_newest_schema(db: Database) -> None:
    state = db.schema_state()
    assert state.current == SCHEMA_HEAD
    assert state.is_current
    tables = set(inspect(db.engine).get_table_names())
    assert set(m.Base.metadata.tables) <= tables


def test_sqlite_pragmas(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 1000


def _city(connection: Any, **values: Any) -> int:
    row = {
        "name_en": "Kfar Saba",
        "country": "IL",
        "name_zh": "",
        "name_he": "",
        "name_local": "",
        "region": "",
        "is_sample": False,
        "created_at": m.utcnow(),
        "updated_at": m.utcnow(),
        **values,
    }
    result = connection.execute(insert(m.CityRow).values(row).returning(m.CityRow.id))
    return int(result.scalar_one())


def _stamp() -> dict[str, Any]:
    return {"is_sample": False, "created_at": m.utcnow(), "updated_at": m.utcnow()}


BAD_ROWS = [
    ("duplicate city", lambda c: (_city(c), _city(c))),
    (
        "negative members",
        lambda c: c.execute(
            insert(m.DelegationRow).values(
                direction="outgoing",
                city_id=_city(c),
                members=-1,
                status="done",
                leader="",
                leader_title="",
                purpose="",
                outcome="",
                **_stamp(),
            )
        ),
    ),
    (
        "end before start",
        lambda c: c.execute(
            insert(m.DelegationRow).values(
                direction="outgoing",
                city_id=_city(c),
                start_date="2018-05-03",
                end_date="2018-05-01",
                status="done",
                leader="",
                leader_title="",
                purpose="",
                outcome="",
                **_stamp(),
            )
        ),
    ),
    (
        "unknown direction",
        lambda c: c.execute(
            text(
                "INSERT INTO delegations (direction, city_id, status, leader, leader_title, "
                "purpose, outcome, is_sample, created_at, updated_at) VALUES ('sideways', "
                ":city, 'done', '', '', '', '', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"city": _city(c)},
        ),
    ),
    (
        "missing city",
        lambda c: c.execute(
            insert(m.DelegationRow).values(
                direction="outgoing",
                city_id=999_999,
                status="done",
                leader="",
                leader_title="",
                purpose="",
                outcome="",
                **_stamp(),
            )
        ),
    ),
    (
        "two recipients",
        lambda c: c.execute(
            insert(m.AwardRow)
            .values(
                title_en="Prize",
                recipient_kind="city",
                recipient_city_id=_city(c),
                recipient_person_id=None,
                recipient_organization_id=None,
                citation_en="",
                citation_zh="",
                citation_he="",
                title_zh="",
                title_he="",
                **_stamp(),
            )
            .values(recipient_kind="person")
        ),
    ),
    ("latitude out of range", lambda c: _city(c, latitude=120.0)),
    ("certificate number twice", lambda c: _two_certificates(c)),
]


def _two_certificates(connection: Any) -> None:
    award = connection.execute(
        insert(m.AwardRow)
        .values(
            title_en="Prize",
            title_zh="",
            title_he="",
            recipient_kind="city",
            recipient_city_id=_city(connection),
            citation_en="",
            citation_zh="",
            citation_he="",
            **_stamp(),
        )
        .returning(m.AwardRow.id)
    ).scalar_one()
    for _ in range(2):
        connection.execute(
            insert(m.CertificateRow).values(
                number="JN-2018-001",
                award_id=award,
                language_mode="zh+en",
                design="formal",
                issued_on=m.utcnow().date(),
                issued_by="",
                reprints=0,
                **_stamp(),
            )
        )


@pytest.mark.parametrize(("name", "write"), BAD_ROWS, ids=[name for name, _ in BAD_ROWS])
def test_the_database_refuses_what_must_not_be(db: Database, name: str, write: Any) -> None:
    """Even a write that bypasses the services cannot break the invariants."""
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        write(connection)
    with db.engine.connect() as connection:
        assert connection.execute(select(m.CityRow.id)).all() == []


def test_a_too_new_database_is_refused_untouched(sqlite_url: str) -> None:
    database = open_database(sqlite_url)
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    database.dispose()
    path = Path(str(resolve_url(sqlite_url).database))
    before = path.read_bytes()
    with pytest.raises(StorageUnavailable) as caught:
        open_database(sqlite_url)
    assert caught.value.problem is StorageProblem.TOO_NEW
    assert "newer version" in str(caught.value)
    assert path.read_bytes() == before


def test_a_foreign_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    connection.commit()
    connection.close()
    with pytest.raises(StorageUnavailable) as caught:
        open_database(path)
    assert caught.value.problem is StorageProblem.CORRUPT
    assert "not Exchange Desk" in str(caught.value)


def test_a_damaged_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "damaged.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StorageUnavailable) as caught:
        open_database(path)
    assert caught.value.problem is StorageProblem.CORRUPT
    assert path.read_bytes() == b"this is not a database" * 100


def test_a_truncated_sqlite_file_is_reported(tmp_path: Path, demo_file: Path) -> None:
    path = tmp_path / "truncated.sqlite"
    content = demo_file.read_bytes()
    path.write_bytes(content[:4096] + b"\x00" * 100 + content[8192:20000])
    from exchange_desk.services.database import check_database

    def open_and_read() -> None:
        database = open_database(path)
        check_database(database)

    with pytest.raises(StorageUnavailable) as caught:
        open_and_read()
    assert caught.value.problem is StorageProblem.CORRUPT


def test_a_locked_database_is_reported(demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from exchange_desk.domain.records import City
    from exchange_desk.services.records import create, list_records

    monkeypatch.setattr(storage, "BUSY_TIMEOUT_SECONDS", 0.2)
    locked = open_database(demo_db.url)
    blocker = sqlite3.connect(str(demo_db.path), timeout=0.1)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StorageUnavailable) as caught:
            create(locked, City(name_en="Lockville", country="DE"))
        assert caught.value.problem is StorageProblem.LOCKED
    finally:
        blocker.rollback()
        blocker.close()
    assert list_records(locked, "cities").total == 73
    locked.dispose()


def test_an_unreachable_server_is_reported() -> None:
    with pytest.raises(StorageUnavailable) as caught:
        open_database("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert caught.value.problem is StorageProblem.UNREACHABLE


def test_unsupported_urls_are_refused() -> None:
    with pytest.raises(StorageUnavailable):
        resolve_url("mysql://root@localhost/office")


def test_paths_and_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(storage.ENV_VARIABLE, str(tmp_path / "env.sqlite"))
    assert resolve_url(None).database == str(tmp_path / "env.sqlite")
    assert resolve_url(tmp_path / "arg.sqlite").database == str(tmp_path / "arg.sqlite")
    assert resolve_url("postgresql://u@h/d").drivername == "postgresql+psycopg"
    monkeypatch.delenv(storage.ENV_VARIABLE)
    assert resolve_url(None).database == str(storage.default_database_path())
    assert "ExchangeDesk" in str(storage.default_database_path())


def test_first_start_creates_the_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "office.sqlite"
    database = open_database(path)
    assert path.is_file()
    assert database.schema_state().is_current
    database.dispose()


NEXT_REVISION = '''"""A test-only revision after the newest: adds a column."""

import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cities") as batch:
        batch.add_column(sa.Column("motto", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cities") as batch:
        batch.drop_column("motto")
'''


def with_test_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str) -> None:
    """For the rest of the test, the program's migrations are a copy of its own with revision
    9999 after the newest: `source`, whose `{head}` stands for the newest revision."""
    migrations = tmp_path / "migrations"
    shutil.copytree(
        storage.MIGRATIONS_DIR, migrations, ignore=shutil.ignore_patterns("__pycache__")
    )
    (migrations / "versions" / "9999_test.py").write_text(
        source.replace("{head}", SCHEMA_HEAD), encoding="utf-8"
    )
    monkeypatch.setattr(storage, "MIGRATIONS_DIR", migrations)
    monkeypatch.setattr(storage, "SCHEMA_HEAD", "9999")


def test_an_older_database_is_backed_up_then_migrated(
    demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a newer migration present, opening a file of today's head copies it aside first."""
    with_test_revision(tmp_path, monkeypatch, NEXT_REVISION)
    path = tmp_path / "old.sqlite"
    shutil.copyfile(demo_file, path)

    database = open_database(path)

    assert database.schema_state().current == "9999"
    backups = list(tmp_path.glob("old.before-9999.*.backup.sqlite"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as old:
        assert old.execute("SELECT version_num FROM alembic_version").fetchone() == (SCHEMA_HEAD,)
        assert old.execute("SELECT count(*) FROM cities").fetchone() == (73,)
    columns = {c["name"] for c in inspect(database.engine).get_columns("cities")}
    assert "motto" in columns
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM cities")).scalar() == 73
    database.dispose()


@pytest.mark.postgres
def test_an_older_shared_database_waits_for_db_upgrade(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One desk never migrates a shared PostgreSQL database behind the others' backs."""
    open_database(pg_url).dispose()
    with_test_revision(tmp_path, monkeypatch, NEXT_REVISION)
    with pytest.raises(StorageUnavailable, match="db upgrade"):
        open_database(pg_url)
    database = open_database(pg_url, migrate=False)
    assert database.upgrade() is None  # no file to copy on a server
    assert database.schema_state().current == "9999"
    database.dispose()


def test_an_in_memory_database_has_no_file() -> None:
    engine = create_engine("sqlite://")
    database = Database(engine.url, engine)
    assert database.path is None
    assert database.describe() == ":memory:"


def test_service_calls_inside_one_unit_of_work_are_atomic(db: Database) -> None:
    from exchange_desk.domain.errors import Conflict
    from exchange_desk.domain.records import City
    from exchange_desk.services.records import create, list_records

    def two_with_one_name() -> None:
        with db.unit_of_work():
            create(db, City(name_en="Augsburg", country="DE"))
            assert list_records(db, "cities").total == 1  # reads see the unit's own writes
            create(db, City(name_en="Augsburg", country="DE"))

    with pytest.raises(Conflict):
        two_with_one_name()
    assert list_records(db, "cities").total == 0
    with db.unit_of_work():
        create(db, City(name_en="Augsburg", country="DE"))
        create(db, City(name_en="Regina", country="CA"))
    assert list_records(db, "cities").total == 2


def test_a_file_name_with_url_characters_is_the_file_named(tmp_path: Path) -> None:
    """A "?" or "%20" in a file's name is part of the name, not a URL's query or escape."""
    from exchange_desk.storage.database import open_database as open_file

    path = tmp_path / "office? 100%20.sqlite"
    database = open_file(path)
    try:
        assert database.path == path
    finally:
        database.dispose()
    reading = open_file(path, read_only=True)
    try:
        assert reading.path == path
    finally:
        reading.dispose()
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
