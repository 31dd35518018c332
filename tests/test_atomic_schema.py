"""Creating a database and each migration are all or nothing, on SQLite as on PostgreSQL.

A failure is made at every statement that changes the schema or the rows (CREATE, ALTER,
DROP, INSERT, UPDATE, DELETE), one attempt per statement: while a new database is created,
and in every step of upgrading the released schemas' files (tests/data/migrations). After
each, the file opens with `open_database` at the revision before the failing step, holding
exactly what it held (schema and rows), and the next attempt gets further: the attempts are
made one after the other on the same file, as a user trying again would, and the last one
upgrades it to the newest schema. A few real kills of the process show the same on disk.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event, text

from exchange_desk.storage.database import (
    SCHEMA_HEAD,
    alembic_config,
    make_engine,
    open_database,
    resolve_url,
)
from test_storage import with_test_revision

FIXTURES = Path(__file__).parent / "data" / "migrations"
# Every revision, oldest first, a migration not yet released included: each is a step.
_SCRIPTS = ScriptDirectory.from_config(alembic_config())
CHAIN = tuple(reversed([script.revision for script in _SCRIPTS.walk_revisions()]))
WRITE = re.compile(r"\s*(CREATE|ALTER|DROP|INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
VERSION = re.compile(r"version_num\s*=\s*'(\d{4})'")


class Injected(Exception):
    """The failure a test makes happen."""


@contextmanager
def statements(fail_at: int | None = None) -> Iterator[list[str]]:
    """Record the writing statements every engine runs; raise `Injected` at the fail_at-th."""
    seen: list[str] = []

    def before(
        _conn: Any, _cursor: Any, statement: str, _parameters: Any, _context: Any, _many: bool
    ) -> None:
        if WRITE.match(statement):
            seen.append(statement)
            if len(seen) == fail_at:
                raise Injected(statement)

    event.listen(Engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", before)


def normalized(sql: str | None) -> Any:
    """A table's SQL with its constraints in a fixed order: Alembic's copy of a table lists
    them in an order of its own, which says nothing about the table."""
    if sql is None:
        return None
    lines = [line.strip().rstrip(",").strip() for line in sql.splitlines()]
    constraints = sorted(line for line in lines if line.startswith("CONSTRAINT"))
    return [line for line in lines if not line.startswith("CONSTRAINT")], constraints


def content(path: Path) -> tuple[list[Any], dict[str, list[Any]]]:
    """What a SQLite file holds: its schema as SQLite stores it, and every row of every table
    (the time a repair was made left out)."""
    with closing(sqlite3.connect(path)) as connection:
        master = sorted(
            (
                (kind, name, table, normalized(sql))
                for kind, name, table, sql in connection.execute(
                    "SELECT type, name, tbl_name, sql FROM sqlite_master"
                )
            ),
            key=repr,
        )
        rows = {}
        for _type, name, _table, _sql in master:
            if _type != "table":
                continue
            query = (
                "SELECT table_name, row_id, column_name, old_value, new_value FROM repairs"
                if name == "repairs"
                else f'SELECT * FROM "{name}"'
            )
            rows[name] = sorted(connection.execute(query).fetchall(), key=repr)
    return master, rows


def revision_opened(path: Path) -> str | None:
    """The revision the program itself reads from the file, without migrating it."""
    database = open_database(path, migrate=False, create=False)
    try:
        return database.stored_revision()
    finally:
        database.dispose()


def backups_of(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.stem}.*.backup.sqlite"))


# --- a new database ----------------------------------------------------------------------------


def test_creating_a_database_is_all_or_nothing(tmp_path: Path) -> None:
    clean = tmp_path / "clean.sqlite"
    with statements() as seen:
        open_database(clean).dispose()
    expected = content(clean)
    assert len(seen) > 40  # every table, index and the version row

    for number in range(1, len(seen) + 1):
        path = tmp_path / f"new-{number}.sqlite"
        with statements(fail_at=number), pytest.raises(Injected):
            open_database(path)
        if path.exists():  # SQLite made the file: it holds nothing
            assert content(path) == ([], {}), number
        open_database(path).dispose()
        assert content(path) == expected, number


# --- upgrading the released schemas' files ------------------------------------------------------


class Upgrade:
    """A clean upgrade of a fixture: each step's writing statements, and what the file holds
    at each revision on the way."""

    def __init__(self, start: str, folder: Path) -> None:
        self.start = start
        self.template = folder / f"template-{start}.sqlite"
        shutil.copyfile(FIXTURES / f"{start}.sqlite", self.template)
        path = folder / f"clean-{start}.sqlite"
        shutil.copyfile(self.template, path)
        with statements() as seen:
            open_database(path).dispose()
        self.statements = list(seen)
        # The step a statement belongs to ends with the statement that stamps its revision.
        self.steps: list[tuple[str, int]] = []  # (revision, number of its last statement)
        for number, statement in enumerate(self.statements, start=1):
            found = VERSION.search(statement) if "alembic_version" in statement else None
            if found:
                self.steps.append((found.group(1), number))
        assert [revision for revision, _ in self.steps] == list(CHAIN[CHAIN.index(start) + 1 :]), (
            self.steps
        )
        self.content = {start: content(self.template)}
        for revision, _ in self.steps:
            copy = folder / f"clean-{start}-to-{revision}.sqlite"
            shutil.copyfile(self.template, copy)
            engine = make_engine(resolve_url(copy))
            try:
                command.upgrade(alembic_config(engine), revision)
            finally:
                engine.dispose()
            self.content[revision] = content(copy)
        assert self.content[SCHEMA_HEAD] == content(path)

    def committed_before(self, number: int) -> str:
        """The revision a file is left at when statement `number` fails."""
        revision = self.start
        for step, last in self.steps:
            if last < number:
                revision = step
        return revision

    def done_by(self, revision: str) -> int:
        """How many statements the steps up to `revision` run."""
        return dict(self.steps).get(revision, 0)


@pytest.mark.parametrize(("start", "last"), [("0001", SCHEMA_HEAD), ("0002", "0003")])
def test_each_migration_step_is_all_or_nothing(start: str, last: str, tmp_path: Path) -> None:
    """From the 0001 file, a failure at every statement of every step up to the newest
    schema; from the 0002 file, at every statement of its first step (its data differ)."""
    upgrade = Upgrade(start, tmp_path)
    path = tmp_path / "office.sqlite"
    shutil.copyfile(upgrade.template, path)
    at = start
    for number in range(1, upgrade.done_by(last) + 1):
        with statements(fail_at=number - upgrade.done_by(at)), pytest.raises(Injected):
            open_database(path)
        at = upgrade.committed_before(number)
        assert revision_opened(path) == at, number
        assert content(path) == upgrade.content[at], number
    open_database(path).dispose()
    assert content(path) == upgrade.content[SCHEMA_HEAD]
    # One copy per upgrade, not per attempt: one per revision the file was at when tried.
    copies = backups_of(path)
    assert len(copies) == len(
        {upgrade.committed_before(n) for n in range(1, upgrade.done_by(last) + 1)}
    )
    assert {content(copy)[1]["alembic_version"][0][0] for copy in copies} == {
        upgrade.committed_before(n) for n in range(1, upgrade.done_by(last) + 1)
    }


BREAKS_A_REFERENCE = '''"""A test-only revision: deletes a city that others refer to."""

from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM cities WHERE id = 2")


def downgrade() -> None:
    pass
'''


def test_a_migration_that_breaks_a_reference_is_rolled_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The foreign key check is off while migrations run; each migration's references are
    checked before it commits, so a broken one leaves the file at the revision before."""
    with_test_revision(tmp_path, monkeypatch, BREAKS_A_REFERENCE)
    path = tmp_path / "office.sqlite"
    shutil.copyfile(FIXTURES / "0003.sqlite", path)

    with pytest.raises(RuntimeError, match="references broken"):
        open_database(path)

    assert revision_opened(path) == SCHEMA_HEAD  # 0004 committed, 9999 rolled back
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("SELECT count(*) FROM cities WHERE id = 2").fetchone() == (1,)
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


# --- real kills --------------------------------------------------------------------------------

KILLER = textwrap.dedent(
    """
    import os, re, sys
    from sqlalchemy import Engine, event
    from exchange_desk.storage.database import open_database

    WRITE = re.compile(r"\\s*(CREATE|ALTER|DROP|INSERT|UPDATE|DELETE)\\b", re.IGNORECASE)
    path, kill_at = sys.argv[1], int(sys.argv[2])
    seen = 0

    def before(conn, cursor, statement, parameters, context, many):
        global seen
        if WRITE.match(statement):
            seen += 1
            if seen == kill_at:
                os._exit(86)

    event.listen(Engine, "before_cursor_execute", before)
    open_database(path).dispose()
    os._exit(0)
    """
)


def kill_at(path: Path, number: int) -> None:
    """Open (create or upgrade) the database in another process, killed at statement
    `number`: no rollback, no clean-up, the write-ahead log left as it is."""
    result = subprocess.run(
        [sys.executable, "-c", KILLER, str(path), str(number)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert result.returncode == 86, result.stderr


def test_a_process_killed_while_creating_leaves_a_file_that_opens(tmp_path: Path) -> None:
    clean = tmp_path / "clean.sqlite"
    with statements() as seen:
        open_database(clean).dispose()
    for number in (len(seen) // 2, len(seen)):  # half-way, and at the version row
        path = tmp_path / f"killed-{number}.sqlite"
        kill_at(path, number)
        assert content(path) == ([], {})
        open_database(path).dispose()
        assert content(path) == content(clean)


def test_a_process_killed_while_upgrading_leaves_a_file_that_opens(tmp_path: Path) -> None:
    upgrade = Upgrade("0001", tmp_path)
    # Between the DROP of a copied table and the RENAME of its copy; at the first statement
    # after a step committed; at the statement that stamps the newest revision.
    renames = [
        number
        for number, statement in enumerate(upgrade.statements, start=1)
        if statement.lstrip().startswith("ALTER TABLE _alembic_tmp_")
    ]
    stamps = [last for _revision, last in upgrade.steps]
    for number in (renames[0], stamps[0] + 1, renames[-1], stamps[-1]):
        path = tmp_path / f"killed-{number}.sqlite"
        shutil.copyfile(upgrade.template, path)
        kill_at(path, number)
        at = upgrade.committed_before(number)
        assert revision_opened(path) == at, number
        assert content(path) == upgrade.content[at], number
        open_database(path).dispose()
        assert content(path) == upgrade.content[SCHEMA_HEAD], number


# --- PostgreSQL --------------------------------------------------------------------------------


def pg_content(engine: Engine) -> tuple[Any, ...]:
    with engine.connect() as connection:
        columns = connection.execute(
            text(
                "SELECT table_name, column_name, data_type, is_nullable, column_default"
                " FROM information_schema.columns WHERE table_schema = current_schema()"
                " ORDER BY 1, 2"
            )
        ).all()
        constraints = connection.execute(
            text(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
                " FROM pg_constraint WHERE connamespace = current_schema()::regnamespace"
                " ORDER BY 1, 2"
            )
        ).all()
        indexes = connection.execute(
            text(
                "SELECT indexname, indexdef FROM pg_indexes"
                " WHERE schemaname = current_schema() ORDER BY 1"
            )
        ).all()
        tables = sorted({row[0] for row in columns})
        rows = [
            sorted(connection.execute(text(f'SELECT * FROM "{table}"')).all(), key=repr)
            for table in tables
            if table != "repairs"
        ]
    return columns, constraints, indexes, rows


@pytest.mark.postgres
def test_postgresql_migrations_are_all_or_nothing(pg_url: str) -> None:
    stamp = "'2018-11-16 10:00:00'"
    engine = make_engine(resolve_url(pg_url))
    try:
        command.upgrade(alembic_config(engine), "0002")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO cities (id, name_en, name_zh, name_he, name_local, country,"
                    " region, created_at, updated_at, is_sample) VALUES (1, 'Jinan', '济南',"
                    f" '', '', 'CN', '', {stamp}, {stamp}, false)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO conferences (id, name_en, name_zh, name_he, start_date,"
                    " created_at, updated_at, is_sample) VALUES (1, 'Forum', '', '',"
                    f" '2018-13-45', {stamp}, {stamp}, false)"
                )
            )
        before = pg_content(engine)
        # What the schema holds at each revision on the way, each step taken alone.
        at_revision = {"0002": before}
        for revision in CHAIN[CHAIN.index("0003") :]:
            command.upgrade(alembic_config(engine), revision)
            at_revision[revision] = pg_content(engine)
        command.downgrade(alembic_config(engine), "0002")
        with engine.begin() as connection:  # 0004 repaired the date: put it back
            connection.execute(text("UPDATE conferences SET start_date = '2018-13-45'"))
        assert pg_content(engine) == before
        with statements() as seen:
            database = open_database(pg_url, migrate=False)
            database.upgrade()
            database.dispose()
        after = pg_content(engine)
        command.downgrade(alembic_config(engine), "0002")
        with engine.begin() as connection:  # 0004 repaired the date: put it back
            connection.execute(text("UPDATE conferences SET start_date = '2018-13-45'"))
        assert pg_content(engine) == before

        # As on SQLite: one attempt after the other, each failing one statement further.
        # Each revision's step is a transaction of its own: an attempt keeps the steps
        # completed before the failing statement, and the next attempt starts after them.
        ends = {
            revision: next(
                number
                for number, statement in enumerate(seen, start=1)
                if "alembic_version" in statement and f"'{revision}'" in statement
            )
            for revision in CHAIN[CHAIN.index("0003") :]
        }
        at = "0002"
        for number in range(1, len(seen) + 1):
            database = open_database(pg_url, migrate=False)
            try:
                done = ends.get(at, 0)
                with statements(fail_at=number - done), pytest.raises(Injected):
                    database.upgrade()
                at = max((r for r, end in ends.items() if end < number), default="0002")
                assert database.stored_revision() == at, number
            finally:
                database.dispose()
            assert pg_content(engine) == at_revision[at], number
        database = open_database(pg_url, migrate=False)
        database.upgrade()
        database.dispose()
        assert pg_content(engine) == after
    finally:
        engine.dispose()
