"""Every released schema's database, upgraded by the program, keeps every row it held.

tests/data/migrations/<revision>.sqlite is a small file that the revision's own migrations
made and raw SQL filled (see make_fixtures.py there). Each is upgraded as `db upgrade`
upgrades a file, then every row of every table is compared with what the file held: columns
added later hold their defaults (0005's versions: 1), the values migration 0004 repairs are
spelled out, and the audit log 0005 adds starts empty (a migration writes no line). Each is
also downgraded from the newest schema to the newest released one, to 0006, to 0004 and to
0003 and upgraded again. A migration not released yet (no file of its own) needs nothing
here: its tables start empty and its columns hold their server defaults.
Also: the schema a new database gets equals what the migrations make of an old one (triggers
included), and the checks 0004 adds hold on both backends.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Engine, Integer, create_engine, inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.schema import CreateTable

from exchange_desk.domain.protocol import pinyin_keys
from exchange_desk.services import audit
from exchange_desk.services.database import upgrade_database
from exchange_desk.storage import schema
from exchange_desk.storage.database import (
    SCHEMA_HEAD,
    alembic_config,
    make_engine,
    open_database,
    resolve_url,
)
from exchange_desk.storage.types import PartialDateType

FIXTURES = Path(__file__).parent / "data" / "migrations"
# The revisions with a file in FIXTURES (make_fixtures.py's REVISIONS).
RELEASED = ("0001", "0002", "0003", "0004", "0005", "0006", "0007")
# Every revision, oldest first: the released ones, then any not released yet.
_SCRIPTS = ScriptDirectory.from_config(alembic_config())
CHAIN = tuple(reversed([script.revision for script in _SCRIPTS.walk_revisions()]))
PENDING = CHAIN[len(RELEASED) :]


def _columns_of(path: Path) -> dict[str, set[str]]:
    """Each table's columns in a fixture file (read only: a missing file is not made)."""
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'"
            )
        ]
        return {
            table: {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
            for table in tables
        }


def _server_default(column: Column[Any]) -> Any:
    """What a column added to a table with rows holds in them: its server default as SQLite
    reads it back (NULL without one; a required column without one is for NEW_COLUMNS)."""
    default = column.server_default
    if default is None:
        return None
    arg = getattr(default, "arg", None)
    spelled = arg if isinstance(arg, str) else str(getattr(arg, "text", arg))
    kind = column.type.python_type
    if kind is bool:
        return int(spelled.lower() in {"1", "true"})
    return kind(spelled)


def _pending() -> tuple[dict[str, str], dict[tuple[str, str], tuple[str, Any]]]:
    """The tables and columns of the newest schema that the newest released file lacks: what
    the migrations not released yet add, with the value an older row gets (their server
    default). Once released, with a file of its own, a migration's are listed below."""
    newest = FIXTURES / f"{RELEASED[-1]}.sqlite"
    if not PENDING or not newest.exists():  # the latter: the fixtures test says which file
        return {}, {}
    released = _columns_of(newest)
    tables = {name: PENDING[0] for name in schema.metadata.tables if name not in released}
    columns = {
        (table.name, column.name): (PENDING[0], _server_default(column))
        for table in schema.metadata.tables.values()
        if table.name in released
        for column in table.columns
        if column.name not in released[table.name]
    }
    return tables, columns


PENDING_TABLES, PENDING_COLUMNS = _pending()

# Tables and columns added after a revision, with the value an older row holds after the
# upgrade. A released migration that adds a table or a column adds it here (a test holds
# these equal to what each released file adds to the one before).
NEW_TABLES = {
    **PENDING_TABLES,
    "certificate_printings": "0002",
    "repairs": "0004",
    "audit_log": "0005",
    **dict.fromkeys(
        ("delegation_members", "programme_items", "guests", "letter_templates", "letters"),
        "0006",
    ),
    **dict.fromkeys(("gifts", "attachment_previews"), "0007"),
}
# The tables 0005 gives a version (every record's and the office profile's).
VERSIONED = (
    "agreements",
    "awards",
    "certificates",
    "cities",
    "conferences",
    "cultural_events",
    "delegations",
    "office_profile",
    "organizations",
    "partnerships",
    "persons",
)


def PINYIN(row: dict[str, Any]) -> str:
    return pinyin_keys(row["name_zh"])


NEW_COLUMNS: dict[tuple[str, str], tuple[str, Any]] = {
    **PENDING_COLUMNS,
    **{
        (table, f"formal_name_{language}"): ("0003", "")
        for table in ("cities", "organizations")
        for language in ("en", "zh", "he")
    },
    ("organizations", "seal_attachment_id"): ("0003", None),
    ("awards", "scan_attachment_id"): ("0003", None),
    ("office_profile", "certificate_number_pattern"): ("0002", "{year}-{seq:04}"),
    **{("office_profile", f"foreword_{language}"): ("0003", "") for language in ("en", "zh", "he")},
    ("office_profile", "chinese_numeral_dates"): ("0003", 0),
    ("certificate_printings", "failed"): ("0003", 0),
    **{(table, "version"): ("0005", 1) for table in VERSIONED},
    **{
        ("persons", column): ("0006", "")
        for column in (
            "family_name",
            "given_name",
            "title_zh",
            "title_he",
            "passport_number",
            "nationality",
            "honorific_en",
            "honorific_zh",
            "honorific_he",
            "notes",
        )
    },
    ("persons", "name_order"): ("0006", "given_first"),
    **{
        ("persons", column): ("0006", None)
        for column in ("city_id", "rank", "category", "photo_attachment_id", "date_of_birth", "sex")
    },
    # The upgrade fills the pinyin of the Chinese names there are (王芳 in the fixtures).
    ("persons", "name_pinyin"): ("0006", PINYIN),
    **{
        ("office_profile", column): ("0006", "")
        for column in ("address_en", "address_zh", "address_he", "phone", "email")
    },
    ("office_profile", "letter_number_pattern"): ("0006", "L{year}-{seq:03}"),
    **{("attachments", f"caption_{language}"): ("0007", "") for language in ("zh", "he")},
    **{("attachments", column): ("0007", None) for column in ("width", "height")},
    ("cities", "photo_attachment_id"): ("0007", None),
    ("office_profile", "gift_threshold"): ("0007", None),
    ("office_profile", "gift_currency"): ("0007", ""),
    ("office_profile", "attachment_limit_mb"): ("0007", 20),
}
# Integer columns the program alone writes, counting up: no range check (schema._COUNTED).
COUNTED = frozenset({"version", "record_id"})
# What 0004 changes in the fixtures before 0004: (table, row id, column) -> (old value, new
# value). The 0004 file holds the new values and these repairs in its table `repairs`.
REPAIRED: dict[tuple[str, int, str], tuple[Any, Any]] = {
    ("cities", 3, "population"): (3_000_000_000, None),
    ("cultural_events", 2, "start_date"): ("2018-13-45", None),
    ("tier_changes", 3, "changed_on"): ("2016-00", "2016"),
}


def fixture_copy(revision: str, folder: Path) -> Path:
    path = folder / f"office-{revision}.sqlite"
    shutil.copyfile(FIXTURES / f"{revision}.sqlite", path)
    return path


def keys_of(connection: sqlite3.Connection, table: str) -> list[str]:
    info = connection.execute(f"PRAGMA table_info({table})").fetchall()
    key = sorted((row[5], row[1]) for row in info if row[5])
    return [name for _position, name in key]


def dump(path: Path) -> dict[str, dict[tuple[Any, ...], dict[str, Any]]]:
    """Every row of every table (alembic_version aside), by table and primary key."""
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'"
            )
        ]
        result = {}
        for table in tables:
            key = keys_of(connection, table)
            rows = {}
            for row in connection.execute(f"SELECT * FROM {table}"):
                values = dict(row)
                rows[tuple(values[column] for column in key)] = values
            result[table] = rows
        return result
    finally:
        connection.close()


def revision_of(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        [(revision,)] = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    return str(revision)


def upgraded(
    tables: dict[str, dict[tuple[Any, ...], dict[str, Any]]], revision: str
) -> dict[str, dict[tuple[Any, ...], dict[str, Any]]]:
    """`tables` of a database at `revision` as the newest schema holds them, the values
    0004 repairs aside: the columns added since hold their defaults, the tables added since
    are empty."""
    expected: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {}
    for table, rows in tables.items():
        added = {
            column: value
            for (owner, column), (since, value) in NEW_COLUMNS.items()
            if owner == table and since > revision
        }
        expected[table] = {
            key: {**row, **{c: v(row) if callable(v) else v for c, v in added.items()}}
            for key, row in rows.items()
        }
    for table, since in NEW_TABLES.items():
        if since > revision:
            expected[table] = {}
    return expected


def expected_after_upgrade(
    before: dict[str, dict[tuple[Any, ...], dict[str, Any]]], revision: str
) -> dict[str, dict[tuple[Any, ...], dict[str, Any]]]:
    """The fixture's rows as the newest schema holds them."""
    expected = upgraded(before, revision)
    if revision < "0004":
        for (table, row_id, column), (old, new) in REPAIRED.items():
            values = expected[table][(row_id,)]
            assert values[column] == old, (table, row_id, column)
            values[column] = new
    expected.pop("repairs", None)  # what the upgrade repaired: compared on its own
    return expected


def without(
    tables: dict[str, dict[tuple[Any, ...], dict[str, Any]]], revision: str
) -> dict[str, dict[tuple[Any, ...], dict[str, Any]]]:
    """`tables` as a database downgraded to `revision` holds them: the tables and columns
    added after it left out."""
    kept: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {}
    for table, rows in tables.items():
        if NEW_TABLES.get(table, "0001") > revision:
            continue
        dropped = {
            column
            for (owner, column), (since, _value) in NEW_COLUMNS.items()
            if owner == table and since > revision
        }
        kept[table] = {
            key: {column: value for column, value in row.items() if column not in dropped}
            for key, row in rows.items()
        }
    return kept


def migrated_to(revision: str, path: Path) -> Engine:
    """A new SQLite file taken to `revision` by the migrations."""
    engine = make_engine(resolve_url(path))
    command.upgrade(alembic_config(engine), revision)
    return engine


def triggers(engine: Engine) -> dict[str, list[tuple[str, str]]]:
    """Each table's triggers with their definitions (and on PostgreSQL the functions they
    call): what `schema` and the migrations add beside the tables, which inspection leaves out."""
    found: dict[str, list[tuple[str, str]]] = {}
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.execute(
                text("SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'trigger'")
            ).all()
        else:
            rows = connection.execute(
                text(
                    "SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid)"
                    " || ' ' || pg_get_functiondef(t.tgfoid)"
                    " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                    " WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace"
                )
            ).all()
    for table, name, definition in rows:
        found.setdefault(table, []).append((name, " ".join(definition.split())))
    return {table: sorted(named) for table, named in found.items()}


def test_the_fixtures_are_small_and_at_their_revision() -> None:
    assert CHAIN[-1] == SCHEMA_HEAD
    # Each released revision has its file (make_fixtures.py makes the missing ones), in the
    # order the migrations run; what follows them is not released yet.
    assert CHAIN[: len(RELEASED)] == RELEASED
    assert sorted(path.stem for path in FIXTURES.glob("*.sqlite")) == list(RELEASED)
    for revision in RELEASED:
        path = FIXTURES / f"{revision}.sqlite"
        assert path.stat().st_size < 200_000
        assert revision_of(path) == revision
        tables = dump(path)
        expected_tables = {
            name for name in schema.metadata.tables if NEW_TABLES.get(name, "0001") <= revision
        }
        assert set(tables) == expected_tables
        empty = sorted(name for name, rows in tables.items() if not rows)
        assert empty == [], f"{revision}: tables without a row: {empty}"


def test_each_released_file_adds_what_the_lists_say() -> None:
    """The tables and columns each file has beyond the file before are those NEW_TABLES and
    NEW_COLUMNS give its revision: a released migration's are listed with their values."""
    before: dict[str, set[str]] = {}
    for revision in RELEASED:
        after = _columns_of(FIXTURES / f"{revision}.sqlite")
        added_tables = set(after) - set(before)
        added_columns = {
            (table, column)
            for table in set(after) & set(before)
            for column in after[table] - before[table]
        }
        if revision != RELEASED[0]:
            assert added_tables == {t for t, since in NEW_TABLES.items() if since == revision}
            assert added_columns == {
                key for key, (since, _value) in NEW_COLUMNS.items() if since == revision
            }, revision
        assert all(before[table] <= after[table] for table in before), revision
        before = after


def test_the_0004_fixture_holds_what_0004_makes_of_the_0003_one(tmp_path: Path) -> None:
    """The 0004 file's repaired values and repairs are the ones the migration makes."""
    path = fixture_copy("0003", tmp_path)
    engine = make_engine(resolve_url(path))
    try:
        command.upgrade(alembic_config(engine), "0004")
    finally:
        engine.dispose()
    migrated, made = dump(path), dump(FIXTURES / "0004.sqlite")
    for tables in (migrated, made):
        for row in tables["repairs"].values():
            row.pop("id")
            assert row.pop("repaired_at")
    assert sorted(map(str, migrated.pop("repairs").values())) == sorted(
        map(str, made.pop("repairs").values())
    )
    assert migrated == made


@pytest.mark.parametrize("revision", RELEASED)
def test_an_upgraded_database_keeps_every_row(revision: str, tmp_path: Path) -> None:
    path = fixture_copy(revision, tmp_path)
    before = dump(path)

    database, backup = upgrade_database(path)  # what `exchange-desk db upgrade` does
    database.dispose()

    assert revision_of(path) == SCHEMA_HEAD
    after = dump(path)
    expected = expected_after_upgrade(before, revision)
    repairs = after.pop("repairs")
    assert set(after) == set(expected)
    for table, rows in expected.items():
        assert after[table] == rows, table
    # The upgrade is no change of the office's: the log holds what it held.
    assert after["audit_log"] == before.get("audit_log", {})
    assert {row["version"] for table in VERSIONED for row in after[table].values()} == {1}
    if revision >= "0004":  # repaired before: the record of it stays as it was
        assert repairs == before["repairs"]
    assert sorted(
        (row["table_name"], row["row_id"], row["column_name"], row["old_value"], row["new_value"])
        for row in repairs.values()
    ) == sorted(
        (table, row_id, column, str(old), None if new is None else str(new))
        for (table, row_id, column), (old, new) in REPAIRED.items()
    )
    assert all(row["repaired_at"] for row in repairs.values())
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    # The copy made first holds the file as it was; a file at the newest schema already is
    # left alone, and no copy is made of it.
    if revision == SCHEMA_HEAD:
        assert backup is None
        return
    assert backup is not None
    assert revision_of(backup) == revision
    assert dump(backup) == before


@pytest.mark.parametrize("target", sorted({RELEASED[-1], "0006", "0004", "0003"}, reverse=True))
@pytest.mark.parametrize("revision", RELEASED)
def test_downgrading_the_newest_schema_keeps_every_row(
    revision: str, target: str, tmp_path: Path
) -> None:
    """Down to `target`: the tables and columns added since are gone (before 0005 the audit
    log with the lines it held and the versions, before 0004 the record of repairs and the
    checks), every other row is kept, the schema is the one `target`'s migrations make; and
    up again, where what went holds its defaults, as after upgrading a file at `target`."""
    path = fixture_copy(revision, tmp_path)
    database = open_database(path)
    try:
        audit.log(database, audit.Action.EXPORT, summary="cities.xlsx")  # a line to drop
        at_head = dump(path)
        assert len(at_head["audit_log"]) == 1 + (revision >= "0005")
        command.downgrade(alembic_config(database.engine), target)
        assert revision_of(path) == target
        assert dump(path) == without(at_head, target)
        assert set(triggers(database.engine)) == ({"audit_log"} if target >= "0005" else set())
        reference = migrated_to(target, tmp_path / f"new-{target}.sqlite")
        try:
            assert schema_snapshot(database.engine) == schema_snapshot(reference)
        finally:
            reference.dispose()
        names = {
            check["name"] for check in inspect(database.engine).get_check_constraints("cities")
        }
        assert ("ck_cities_population_range" in names) == (target >= "0004")
        assert "ck_cities_population_not_negative" in names

        # And up again: nothing is left to repair (before 0004 the record of repairs starts
        # empty), no line is written (before 0005 the log starts empty), and what went comes
        # back at its defaults (the 0006 file's people, visits and letters).
        database.upgrade()
        assert revision_of(path) == SCHEMA_HEAD
        again = dump(path)
        assert again == upgraded(without(at_head, target), target)
        assert len(again["audit_log"]) == (len(at_head["audit_log"]) if target >= "0005" else 0)
        # The rows of its own in the tables added since `target` are gone, the others kept.
        for table, since in NEW_TABLES.items():
            if since <= revision:
                assert (again[table] == at_head[table]) == (target >= since), table
        assert set(triggers(database.engine)) == {"audit_log"}
    finally:
        database.dispose()


# --- the schema of a new database and of a migrated one ---------------------------------------


def _text(value: Any) -> Any:
    return " ".join(str(value).split()) if value is not None else None


def schema_snapshot(engine: Engine) -> dict[str, Any]:
    """The schema as the database reports it: columns, keys, indexes, uniques and checks."""
    inspector = inspect(engine)
    snapshot: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        snapshot[table] = {
            "columns": {
                column["name"]: (str(column["type"]), column["nullable"], _text(column["default"]))
                for column in inspector.get_columns(table)
            },
            "primary key": inspector.get_pk_constraint(table)["constrained_columns"],
            "foreign keys": sorted(
                (
                    fk["name"],
                    tuple(fk["constrained_columns"]),
                    fk["referred_table"],
                    tuple(fk["referred_columns"]),
                    fk["options"].get("ondelete"),
                )
                for fk in inspector.get_foreign_keys(table)
            ),
            "indexes": sorted(
                (index["name"], tuple(index["column_names"]), bool(index["unique"]))
                for index in inspector.get_indexes(table)
            ),
            "uniques": sorted(
                (unique["name"], tuple(unique["column_names"]))
                for unique in inspector.get_unique_constraints(table)
            ),
            "checks": sorted(
                (check["name"], _text(check["sqltext"]))
                for check in inspector.get_check_constraints(table)
            ),
        }
    return snapshot


def test_a_new_database_has_the_schema_the_migrations_make(database_url: str) -> None:
    """New databases are made from `schema` in one go; older ones by the migrations. The two
    must not differ in anything, checks and triggers included (which Alembic's comparison
    leaves out)."""
    url = resolve_url(database_url)
    engine = make_engine(url)
    try:
        command.upgrade(alembic_config(engine), "head")
        migrated = schema_snapshot(engine)
        migrated_triggers = triggers(engine)
        if url.get_backend_name() == "postgresql":
            schema.metadata.drop_all(engine)
            with engine.begin() as connection:
                connection.execute(text("DROP TABLE alembic_version"))
    finally:
        engine.dispose()
    if url.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{url.database}{suffix}").unlink(missing_ok=True)
    database = open_database(database_url)
    try:
        created = schema_snapshot(database.engine)
        created_triggers = triggers(database.engine)
    finally:
        database.dispose()
    assert set(created) == set(migrated)
    for table in created:
        assert created[table] == migrated[table], table
    assert set(created_triggers) == {"audit_log"}
    assert created_triggers == migrated_triggers


def test_every_partial_date_and_integer_value_is_checked() -> None:
    """Format checks on both backends; range checks where the type does not refuse by itself,
    but for the integers only the program writes (versions, the audit log's record ids)."""
    sqlite = create_engine("sqlite://").dialect
    postgresql = create_engine("postgresql+psycopg://").dialect  # never connects
    for table in schema.metadata.tables.values():
        on_sqlite = str(CreateTable(table).compile(dialect=sqlite))
        on_postgresql = str(CreateTable(table).compile(dialect=postgresql))
        for column in table.columns:
            if isinstance(column.type, PartialDateType):
                name = f"ck_{table.name}_{column.name}_format"
                assert name in on_sqlite
                assert name in on_postgresql
            elif type(column.type) is Integer and not (column.primary_key or column.foreign_keys):
                name = f"ck_{table.name}_{column.name}_range"
                assert (name in on_sqlite) == (column.name not in COUNTED), name
                assert name not in on_postgresql


# --- what the checks refuse ------------------------------------------------------------------

STAMP = "'2018-11-16 10:00:00'"
CITY = (
    "INSERT INTO cities (id, name_en, name_zh, name_he, name_local, country, region,"
    " population, created_at, updated_at, is_sample)"
    f" VALUES (:id, :name, '', '', '', 'IL', '', :population, {STAMP}, {STAMP}, false)"
)
EVENT = (
    "INSERT INTO cultural_events (id, name_en, name_zh, name_he, kind, start_date, end_date,"
    " description, created_at, updated_at, is_sample)"
    f" VALUES (:id, 'Gala', '', '', 'celebration', :start, NULL, '', {STAMP}, {STAMP}, false)"
)
PARTNERSHIP = (
    "INSERT INTO partnerships (id, city_id, tier, signed_at, status, notes, created_at,"
    f" updated_at, is_sample) VALUES (1, 1, 'sister_city', '', 'active', '', {STAMP}, {STAMP},"
    " false)"
)
AWARD = (
    "INSERT INTO awards (id, title_en, title_zh, title_he, recipient_kind, recipient_city_id,"
    " citation_en, citation_zh, citation_he, created_at, updated_at, is_sample)"
    f" VALUES (1, 'Prize', '', '', 'city', 1, '', '', '', {STAMP}, {STAMP}, false)"
)
CERTIFICATE = (
    "INSERT INTO certificates (id, number, award_id, language_mode, design, issued_on,"
    " issued_by, reprints, created_at, updated_at, is_sample) VALUES (1, 'JN-1', 1, 'zh',"
    f" 'classic', '2018-11-16', '', :reprints, {STAMP}, {STAMP}, false)"
)
TIER_CHANGE = (
    "INSERT INTO tier_changes (id, partnership_id, changed_on, to_tier, note, created_at)"
    f" VALUES (:id, 1, :changed_on, 'sister_city', '', {STAMP})"
)
AUDIT_LINE = (
    "INSERT INTO audit_log (at, user_name, os_user, host, desk, action, summary, details)"
    f" VALUES ({STAMP}, 'li', 'li', 'desk-1', 'd1', 'export', 'cities.xlsx', '')"
)
GOOD_DATES = ("2018", "2018-01", "2018-12", "2018-12-31", "2018-02-01", "2018-10-10")
BAD_DATES = (
    "2018-13",
    "2018-00",
    "2018-12-32",
    "2018-12-00",
    "18",
    "2018-1",
    "2018-01-1",
    "2018/01/01",
    "2018-01-1T",
    "٢٠١٨",  # Arabic-Indic digits: digits to Unicode, not to the format
    "２０１８",
    "",
    " 2018",
    "2018\n",
)


def test_the_checks_refuse_a_malformed_date(db: Any) -> None:
    with db.engine.begin() as connection:
        for number, start in enumerate(GOOD_DATES, start=1):
            connection.execute(text(EVENT), {"id": number, "start": start})
    for number, start in enumerate(BAD_DATES, start=100):
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(text(EVENT), {"id": number, "start": start})


def test_the_checks_refuse_an_integer_postgresql_cannot_hold(db: Any) -> None:
    with db.engine.begin() as connection:
        connection.execute(text(CITY), {"id": 1, "name": "A", "population": 2_147_483_647})
        connection.execute(text(CITY), {"id": 2, "name": "B", "population": None})
    for number, population in ((3, 2_147_483_648), (4, 10**12)):
        # SQLite by the check, PostgreSQL by the column's type.
        with pytest.raises(DBAPIError), db.engine.begin() as connection:
            connection.execute(text(CITY), {"id": number, "name": "C", "population": population})
    if db.backend == "sqlite":
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(text(CITY), {"id": 5, "name": "D", "population": "many"})


def test_0004_repairs_what_its_checks_would_refuse(database_url: str) -> None:
    engine = make_engine(resolve_url(database_url))
    command.upgrade(alembic_config(engine), "0003")
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as connection:
        connection.execute(
            text(CITY), {"id": 1, "name": "A", "population": 3_000_000_000 if sqlite else 5}
        )
        connection.execute(text(PARTNERSHIP))
        for number, start in enumerate(("2018-13-45", "2018-05", "soon", None), start=1):
            connection.execute(text(EVENT), {"id": number, "start": start})
        for number, changed_on in enumerate(("2016-00", "2016-05-45", "soon", "2016-05"), start=1):
            connection.execute(text(TIER_CHANGE), {"id": number, "changed_on": changed_on})
        if sqlite:  # what only SQLite stores in an INTEGER column
            connection.execute(text(AWARD))
            connection.execute(text(CERTIFICATE), {"reprints": 3_000_000_000})
            connection.execute(text("UPDATE cultural_events SET attendance = 'many' WHERE id = 2"))
    engine.dispose()

    database = open_database(database_url, migrate=False)
    try:
        database.upgrade()
        with database.engine.connect() as connection:
            repairs = connection.execute(
                text(
                    "SELECT table_name, row_id, column_name, old_value, new_value FROM repairs"
                    " ORDER BY table_name, row_id, column_name"
                )
            ).all()
            events = connection.execute(
                text("SELECT start_date FROM cultural_events ORDER BY id")
            ).all()
            changes = connection.execute(
                text("SELECT changed_on FROM tier_changes ORDER BY id")
            ).all()
            population = connection.execute(text("SELECT population FROM cities")).scalar()
        assert [tuple(row) for row in repairs] == [
            *(
                [
                    ("certificates", 1, "reprints", "3000000000", "2147483647"),
                    ("cities", 1, "population", "3000000000", None),
                ]
                if sqlite
                else []
            ),
            ("cultural_events", 1, "start_date", "2018-13-45", None),
            *([("cultural_events", 2, "attendance", "many", None)] if sqlite else []),
            ("cultural_events", 3, "start_date", "soon", None),
            ("tier_changes", 1, "changed_on", "2016-00", "2016"),
            ("tier_changes", 2, "changed_on", "2016-05-45", "2016-05"),
            ("tier_changes", 3, "changed_on", "soon", "2018"),  # the year the row was made
        ]
        assert [start for (start,) in events] == [None, "2018-05", None, None]
        assert [changed for (changed,) in changes] == ["2016", "2016-05", "2018", "2016-05"]
        assert population == (None if sqlite else 5)

        command.downgrade(alembic_config(database.engine), "0003")
        assert "repairs" not in inspect(database.engine).get_table_names()
        with database.engine.begin() as connection:  # no check any more
            connection.execute(text(EVENT), {"id": 9, "start": "2018-14"})
            connection.execute(text("DELETE FROM cultural_events WHERE id = 9"))
        database.upgrade()
        assert database.schema_state().current == SCHEMA_HEAD
    finally:
        database.dispose()


def test_0005_adds_versions_and_the_audit_log_and_takes_them_away(database_url: str) -> None:
    """On both backends: a row stored before 0005 has version 1 after it, the audit log is
    empty and guarded; down to 0004 the log, its triggers (and functions) and the versions are
    gone and the row is kept; up again gives the same schema."""
    engine = make_engine(resolve_url(database_url))
    try:
        command.upgrade(alembic_config(engine), "0004")
        with engine.begin() as connection:
            connection.execute(text(CITY), {"id": 1, "name": "A", "population": 5})
        command.upgrade(alembic_config(engine), "head")
        at_head, head_triggers = schema_snapshot(engine), triggers(engine)
        assert set(head_triggers) == {"audit_log"}
        with engine.begin() as connection:
            assert connection.execute(text("SELECT name_en, version FROM cities")).all() == [
                ("A", 1)
            ]
            assert connection.execute(text("SELECT count(*) FROM audit_log")).scalar() == 0
            connection.execute(text(AUDIT_LINE))

        command.downgrade(alembic_config(engine), "0004")
        inspector = inspect(engine)
        assert "audit_log" not in inspector.get_table_names()
        for table in VERSIONED:
            assert "version" not in {column["name"] for column in inspector.get_columns(table)}
        assert triggers(engine) == {}
        with engine.connect() as connection:
            assert connection.execute(text("SELECT name_en, population FROM cities")).all() == [
                ("A", 5)
            ]
            if engine.dialect.name == "postgresql":
                functions = connection.execute(
                    text(
                        "SELECT proname FROM pg_proc"
                        " WHERE pronamespace = current_schema()::regnamespace"
                    )
                ).all()
                assert functions == []

        command.upgrade(alembic_config(engine), "head")
        assert schema_snapshot(engine) == at_head
        assert triggers(engine) == head_triggers
        with engine.connect() as connection:
            assert connection.execute(text("SELECT name_en, version FROM cities")).all() == [
                ("A", 1)
            ]
            assert connection.execute(text("SELECT count(*) FROM audit_log")).scalar() == 0
    finally:
        engine.dispose()


# --- backups ---------------------------------------------------------------------------------


def test_a_copy_of_the_same_content_is_made_once(tmp_path: Path) -> None:
    """Trying an upgrade again does not copy the file again; a changed file is copied anew,
    even within the same second, and no copy overwrites another."""
    path = fixture_copy("0003", tmp_path)
    database = open_database(path, migrate=False)
    try:
        first = database.backup("before-0004")
        assert database.backup("before-0004") == first
        with database.engine.begin() as connection:
            connection.execute(text("UPDATE cities SET region = 'changed' WHERE id = 1"))
        second = database.backup("before-0004")
        assert second != first
        assert database.backup("before-0004") == second
        assert sorted(tmp_path.glob("office-0003.before-0004.*.backup.sqlite")) == sorted(
            [first, second]
        )
        assert dump(first)["cities"][(1,)]["region"] == "Shandong 山东"
        assert dump(second)["cities"][(1,)]["region"] == "changed"
        assert database.backup("before-demo") not in (first, second)  # another purpose
    finally:
        database.dispose()
