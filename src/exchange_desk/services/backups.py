"""Backups of the office's database, restoring one, and the automatic daily copies.

- **Backing up** (`back_up`; `exchange-desk db backup -o FILE`, File ▸ Back up…): a SQLite
  file is copied with SQLite's online backup, which gives a consistent copy while other
  desks work (the copy is one file, in rollback-journal mode, with no -wal beside it). A
  PostgreSQL database is dumped by `pg_dump` in its custom format when the program is
  installed; else the program writes its own complete export: every table of
  `storage.schema.metadata`, the audit log and the schema's revision included, into a new
  SQLite file of the office's schema, which `restore` accepts (and `--db` opens).
- **Restoring** (`restore`; `db restore FILE`, File ▸ Restore…) is for an administrator. The
  file is checked first (`inspect_backup`: a SQLite file of the office's schema at a
  revision this version knows, that passes SQLite's integrity check; or a pg_dump archive),
  then the database as it is now is backed up (into the backups folder, "before a
  restore"), then replaced: SQLite's backup API copies the file into the live one (other
  connections see the restored data); PostgreSQL takes a pg_dump archive through
  `pg_restore --clean --if-exists --single-transaction`, or the rows of a SQLite backup in
  one transaction. An older schema is then migrated, and the audit log says who restored
  what.
- **Automatic backups** (`automatic_backup`, on the window's start): a SQLite database gets
  one copy a day in the `backups` folder beside it, named `<stem>.auto.YYYYMMDD-HHMMSS.sqlite`;
  `rotation` keeps the newest of each of the last 7 days and of the last 4 ISO weeks that
  have one, and deletes the rest. `list_backups` lists those, the manual ones saved there,
  and the copies made before an upgrade or a restore.
- **Network shares**: a SQLite file on one is used without WAL (`storage.database`); the
  user is told once per file (`network_share_notice`) that PostgreSQL is the way to share.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    Enum,
    MetaData,
    String,
    Table,
    TypeDecorator,
    func,
    select,
    text,
)
from sqlalchemy.engine import URL

from exchange_desk.domain.errors import ExchangeDeskError, StorageProblem, StorageUnavailable
from exchange_desk.i18n.catalog import _, active_language, ngettext
from exchange_desk.i18n.formatting import format_number
from exchange_desk.i18n.languages import find_language
from exchange_desk.services import audit
from exchange_desk.services.changes import Changes
from exchange_desk.services.output import (
    DocumentProblem,
    clean_partials,
    discard,
    partial_path,
    put_in_place,
    writable_problem,
)
from exchange_desk.services.registry import DECLARED
from exchange_desk.services.roles import Role, require, role_of
from exchange_desk.storage import schema
from exchange_desk.storage.database import (
    SCHEMA_HEAD,
    Database,
    classify,
    connect_to_read,
    disk_of,
    known_revisions,
    make_engine,
    on_network_share,
    open_database,
    resolve_url,
    user_data_dir,
    writable,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection

__all__ = [
    "DAILY_KEPT",
    "WEEKLY_KEPT",
    "BackupContents",
    "BackupFile",
    "BackupKind",
    "BackupMade",
    "BackupRefused",
    "Restored",
    "Rotation",
    "automatic_backup",
    "back_up",
    "backup_folder",
    "count_lines",
    "current_counts",
    "format_size",
    "inspect_backup",
    "list_backups",
    "network_share_notice",
    "open_for_backup",
    "open_for_restore",
    "restore",
    "rotation",
    "suggested_backup_path",
]

DAILY_KEPT = 7
WEEKLY_KEPT = 4
BACKUPS_FOLDER = "backups"
AUTO = "auto"
MANUAL = "manual"
BEFORE_RESTORE = "before-restore"
DAMAGED = "damaged"
SQLITE_SUFFIX = ".sqlite"
DUMP_SUFFIX = ".dump"
# <stem>.<label>.<YYYYMMDD-HHMMSS>[-n][.backup].<sqlite|dump>: the program's own names (the
# copies made before an upgrade, beside the database, end in ".backup.sqlite").
_NAME = re.compile(
    r"^(?P<stem>.+)\.(?P<label>[a-z][a-z0-9-]*)\.(?P<stamp>\d{8}-\d{6})(?:-\d+)?"
    r"(?P<old>\.backup)?\.(?P<suffix>sqlite|dump)$"
)
_STAMP = "%Y%m%d-%H%M%S"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_PG_DUMP_MAGIC = b"PGDMP"
# Pages copied per step of SQLite's backup: between steps other desks may write (a copy
# in one step would hold the file's read lock throughout, which in rollback-journal mode,
# on a network share, keeps every writer waiting).
_PAGES_PER_STEP = 1024
_NOTICES_FILE = "network-shares.json"
SQLITE = "sqlite"
PG_DUMP = "pg_dump"

Progress = Callable[[str], None]
_log = logging.getLogger("exchange_desk.backups")


class BackupRefused(ExchangeDeskError):
    """A file that cannot be restored (not a backup, damaged, of a newer version), or a
    backup that cannot be made as asked."""


class BackupKind(StrEnum):
    """Why a backup file exists."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MANUAL = "manual"
    BEFORE_UPGRADE = "before-upgrade"
    BEFORE_RESTORE = "before-restore"

    def label(self) -> str:
        """The kind in the user's language (the Backups list, `db backups`)."""
        return {
            BackupKind.DAILY: _("daily"),
            BackupKind.WEEKLY: _("weekly"),
            BackupKind.MANUAL: _("manual"),
            BackupKind.BEFORE_UPGRADE: _("before an upgrade"),
            BackupKind.BEFORE_RESTORE: _("before a restore"),
        }[self]


@dataclass(frozen=True, slots=True)
class BackupFile:
    """A backup found on the disk; `made` in local time."""

    path: Path
    made: dt.datetime
    size: int
    kind: BackupKind


@dataclass(frozen=True, slots=True)
class BackupMade:
    """A backup written: where, how big, and how (`sqlite`: SQLite's copy or the program's
    own export; `pg_dump`: an archive of PostgreSQL's)."""

    path: Path
    size: int
    method: str
    deleted: tuple[Path, ...] = ()  # automatic backups the rotation removed


@dataclass(frozen=True, slots=True)
class BackupContents:
    """What a backup file holds, checked: its format (`sqlite` or `pg_dump`), the schema
    revision, its date (the file's, local time) and how many records of each kind."""

    path: Path
    format: str
    revision: str | None
    made: dt.datetime
    size: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def is_older(self) -> bool:
        return self.revision != SCHEMA_HEAD


@dataclass(frozen=True, slots=True)
class Restored:
    """A restore done: from which file, the backup of what was replaced, what the database
    holds now; `changes` tells every screen to read again."""

    source: Path
    before: Path
    contents: BackupContents
    migrated: bool
    changes: Changes


@dataclass(frozen=True, slots=True)
class Rotation:
    """Which automatic backups stay (as daily or weekly ones) and which go."""

    keep: dict[Path, BackupKind]
    delete: tuple[Path, ...]


# --- where backups go ------------------------------------------------------------------------


def _url_of(database: Database | URL) -> URL:
    return database if isinstance(database, URL) else database.url


def _file_of(database: Database | URL) -> Path | None:
    """The SQLite file of `database` (an open one, or only its address); None for a server."""
    url = _url_of(database)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(str(url.database))


def backup_folder(database: Database | URL) -> Path:
    """The `backups` folder: beside a SQLite file, in the user's data folder for a server."""
    path = _file_of(database)
    if path is not None:
        return path.parent / BACKUPS_FOLDER
    return user_data_dir() / BACKUPS_FOLDER


def backup_stem(database: Database | URL) -> str:
    """How backups of `database` begin: the file's name without its ending, or the
    server's database name."""
    path = _file_of(database)
    if path is not None:
        return path.stem
    name = _url_of(database).database or "exchange-desk"
    return re.sub(r"[^\w.-]", "_", name)


def _stamp(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now()).strftime(_STAMP)


def suggested_backup_path(
    database: Database, label: str = MANUAL, now: dt.datetime | None = None
) -> Path:
    """A new backup's path in the backups folder: `<stem>.<label>.<stamp>.sqlite`, or
    `.dump` for a server when pg_dump is there to make it."""
    suffix = DUMP_SUFFIX if database.backend == "postgresql" and _pg_tool("pg_dump") else None
    name = f"{backup_stem(database)}.{label}.{_stamp(now)}{suffix or SQLITE_SUFFIX}"
    return _unused(backup_folder(database) / name)


def _unused(path: Path) -> Path:
    """`path`, or with `-2`, `-3`… before its ending when a file of that name exists."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


# --- making a backup -------------------------------------------------------------------------


def back_up(
    database: Database,
    target: Path,
    *,
    progress: Progress | None = None,
    log: bool = True,
) -> BackupMade:
    """Write a complete backup of `database` to `target` (replacing a file there).

    SQLite: the online backup. PostgreSQL: pg_dump's custom format when pg_dump is found,
    else the program's own export to a SQLite file. With `log`, the audit log records it
    (where the schema has the log and the user may write)."""
    target = Path(target)
    if target.is_dir():
        raise BackupRefused(
            _("{path} is a folder: choose a file name for the backup.").format(path=target)
        )
    if database.path is not None and _same_file(target, database.path):
        raise BackupRefused(
            _("A backup cannot be written over the database itself: choose another file.")
        )
    if not target.parent.exists():
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _cannot_write_backup(exc, target) from exc
    problem = writable_problem(target)
    if problem:
        raise BackupRefused(problem)
    clean_partials(target.parent)
    if database.backend == "sqlite":
        assert database.path is not None
        _copy_sqlite(database, database.path, target, progress)
        method = SQLITE
    else:
        method = _back_up_server(database, target, progress)
    made = BackupMade(path=target, size=_size(target), method=method)
    if log and _may_log(database):
        try:
            audit.log(
                database,
                audit.Action.BACKUP,
                summary=target.name,
                details={"file": str(target), "method": method, "size": made.size},
            )
        except StorageUnavailable as exc:
            # The backup is made: a desk holding the write lock (or a database that can
            # only be read) costs its line in the log, not the backup.
            _log.warning("Backup %s not put on record: %s", target, exc.user_message())
    return made


def _may_log(database: Database) -> bool:
    """Whether a backup is put on record: the schema has the log, and the user may write
    (a viewer backs up, but adds nothing to the database)."""
    if database.path is not None and not writable(database.path):
        return False  # read-only media: the backup is all there is to do
    return database.stored_revision() == SCHEMA_HEAD and role_of(database) >= Role.EDITOR


def _same_file(first: Path, second: Path) -> bool:
    try:
        return first.exists() and second.exists() and os.path.samefile(first, second)
    except OSError:
        return os.path.abspath(first) == os.path.abspath(second)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _copy_sqlite(
    database: Database | None, source: Path, target: Path, progress: Progress | None
) -> None:
    """Copy the SQLite file `source` to `target` with the online backup: a consistent
    state of it even while others write (a write committed during the copy restarts it),
    as one file, flushed to the disk before it takes its name."""
    try:
        reader = connect_to_read(source)
    except sqlite3.Error as exc:
        raise _cannot_read(exc, database, source) from exc
    partial = partial_path(target)
    try:
        try:
            writer = sqlite3.connect(partial)
            try:

                def step(_status: int, remaining: int, total: int) -> None:
                    if progress is not None and total:
                        done = total - remaining
                        progress(
                            _("Copying the database: {percent} %").format(
                                percent=format_number(done * 100 // total)
                            )
                        )

                reader.backup(writer, pages=_PAGES_PER_STEP, progress=step)
                # A backup is one self-contained file, whatever the original's journal.
                writer.execute("PRAGMA journal_mode=DELETE")
            finally:
                writer.close()
        finally:
            reader.close()
        _flush(partial)
    except (sqlite3.Error, OSError) as exc:
        discard(partial)
        raise _cannot_write_backup(exc, target, database) from exc
    except BaseException:
        discard(partial)
        raise
    try:
        put_in_place(partial, target)
    except DocumentProblem:
        discard(partial)
        raise


def _flush(path: Path) -> None:
    # "r+b": Windows flushes only a file opened for writing.
    with path.open("r+b") as handle:
        os.fsync(handle.fileno())


def _error_name(exc: BaseException) -> str:
    return str(getattr(exc, "sqlite_errorname", "") or "")


def _cannot_read(exc: BaseException, database: Database | None, source: Path) -> ExchangeDeskError:
    if database is not None:
        problem = classify(exc, database.url)
        if problem is not None:
            return problem
    return BackupRefused(
        _("{path} cannot be read: {reason}").format(path=source, reason=_first_line(exc))
    )


def _cannot_write_backup(
    exc: BaseException, target: Path, database: Database | None = None
) -> ExchangeDeskError:
    """What the user is told when a backup could not be written: the disk full, the file
    locked, a folder that cannot be written; else what the database's own errors say."""
    message = str(exc).lower()
    name = _error_name(exc)
    number = getattr(exc, "errno", None)
    if name.startswith("SQLITE_FULL") or "disk is full" in message or number == 28:
        return StorageUnavailable(
            StorageProblem.DISK_FULL,
            _(
                "The disk {disk} is full, so the backup {path} could not be written. Free "
                "some space on it, or choose another place."
            ).format(disk=disk_of(target), path=target),
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in message:
        return StorageUnavailable(
            StorageProblem.LOCKED,
            _(
                "The database is locked by another program or desk, so it could not be "
                "copied. Try again in a moment."
            ),
        )
    if getattr(exc, "winerror", None) in (32, 33):
        return StorageUnavailable(
            StorageProblem.LOCKED,
            _("{path} is open in another program. Close it there, or choose another file.").format(
                path=target
            ),
        )
    if isinstance(exc, OSError) or name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY")):
        return StorageUnavailable(
            StorageProblem.READ_ONLY,
            _("The backup {path} cannot be written there: {reason}").format(
                path=target, reason=_first_line(exc)
            ),
        )
    if database is not None:
        problem = classify(exc, database.url)
        if problem is not None:
            return problem
    return BackupRefused(
        _("The backup {path} could not be written: {reason}").format(
            path=target, reason=_first_line(exc)
        )
    )


def _first_line(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    lines = str(error).strip().splitlines()
    return lines[0].strip() if lines else type(error).__name__


# --- PostgreSQL: pg_dump, or the program's own export ----------------------------------------


def _pg_tool(name: str) -> str | None:
    """The path of PostgreSQL's `name` program (pg_dump, pg_restore): on PATH, or on Windows
    in the newest installation under Program Files."""
    found = shutil.which(name)
    if found is None and sys.platform == "win32":
        found = _installed_pg_tool(name)
    return found


def _installed_pg_tool(name: str) -> str | None:
    roots = {os.environ.get("PROGRAMFILES", ""), os.environ.get("PROGRAMW6432", "")} - {""}
    candidates = [
        candidate
        for root in roots
        for candidate in Path(root, "PostgreSQL").glob(f"*/bin/{name}.exe")
        if candidate.is_file()
    ]

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", path.parent.parent.name))

    return str(max(candidates, key=version)) if candidates else None


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for PostgreSQL's programs, and their environment: the
    password goes in PGPASSWORD, never on a command line others can see."""
    plain = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    return plain.render_as_string(hide_password=False), environment


def _run(command: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        command,
        capture_output=True,
        env=environment,
        check=False,
        # No console window flashes up behind the GUI on Windows.
        creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
    )


def _tool_message(done: subprocess.CompletedProcess[bytes]) -> str:
    lines = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
    return lines[-1] if lines else f"exit status {done.returncode}"


def _current_schema(database: Database) -> str:
    with database.engine.connect() as connection:
        return str(connection.execute(text("SELECT current_schema()")).scalar() or "public")


def _back_up_server(database: Database, target: Path, progress: Progress | None) -> str:
    """pg_dump's archive when pg_dump is there and can dump this server, else the
    program's own export; returns the method used."""
    dump = _pg_tool("pg_dump")
    if dump is not None:
        if progress is not None:
            progress(_("Dumping the database with pg_dump…"))
        address, environment = _libpq(database.url)
        partial = partial_path(target)
        done = _run(
            [
                dump,
                "--format=custom",
                f"--schema={_current_schema(database)}",
                f"--file={partial}",
                f"--dbname={address}",
            ],
            environment,
        )
        if done.returncode == 0:
            try:
                _flush(partial)
                put_in_place(partial, target)
            except (OSError, DocumentProblem):
                discard(partial)
                raise
            return PG_DUMP
        discard(partial)
        message = _tool_message(done)
        # An older pg_dump than the server refuses to dump it: the export still can.
        if "version mismatch" not in message:
            raise BackupRefused(
                _("pg_dump could not back up the database: {reason}").format(reason=message)
            )
    _export_to_sqlite(database, target, progress)
    return SQLITE


def _plain(table: Table, metadata: MetaData) -> Table:
    """`table` with its values as stored: partial dates and choices as their text, so a
    row is copied as it is, whatever the rules of this version say of it."""
    columns = []
    for column in table.columns:
        kind = column.type
        if isinstance(kind, (Enum, TypeDecorator)):
            kind = String()
        columns.append(Column(column.name, kind, primary_key=column.primary_key))
    return Table(table.name, metadata, *columns)


def _plain_tables() -> list[Table]:
    """Every table of the schema, parents before children, as `_plain` makes them."""
    metadata = MetaData()
    return [_plain(table, metadata) for table in schema.metadata.sorted_tables]


def _batches(
    connection: Connection, table: Table, size: int = 500
) -> Iterator[list[dict[str, Any]]]:
    result = connection.execution_options(stream_results=True, yield_per=size).execute(
        select(table)
    )
    for partition in result.mappings().partitions(size):
        yield [dict(row) for row in partition]


def _export_to_sqlite(database: Database, target: Path, progress: Progress | None) -> None:
    """Copy every table of the server, the audit log included, into a new SQLite file of
    the office's schema at `target`, from one consistent snapshot of the server."""
    partial = partial_path(target)
    try:
        export = open_database(partial)  # the whole schema, stamped with its revision
        try:
            # One snapshot of the server, as of the first read: a consistent copy while
            # other desks go on writing.
            with (
                database.engine.connect().execution_options(
                    isolation_level="REPEATABLE READ", postgresql_readonly=True
                ) as server,
                server.begin(),
                export.engine.begin() as copy,
            ):
                for table in _plain_tables():
                    if progress is not None:
                        progress(_("Copying {table}…").format(table=table.name))
                    for rows in _batches(server, table):
                        copy.execute(table.insert(), rows)
                revision = server.execute(text("SELECT version_num FROM alembic_version")).scalar()
                copy.execute(text("DELETE FROM alembic_version"))
                copy.execute(
                    text("INSERT INTO alembic_version (version_num) VALUES (:revision)"),
                    {"revision": revision},
                )
            with export.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode=DELETE")
        finally:
            export.dispose()
        _flush(partial)
        put_in_place(partial, target)
    except (sqlite3.Error, OSError) as exc:
        _discard_sqlite(partial)
        raise _cannot_write_backup(exc, target, database) from exc
    except BaseException:
        _discard_sqlite(partial)
        raise


def _discard_sqlite(path: Path) -> None:
    for side in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        discard(side)


# --- what a backup holds ---------------------------------------------------------------------


def _kind_tables() -> dict[str, str]:
    """{kind name: table} of the declared kinds (counted in confirmations and listings)."""
    return {name: declaration.table for name, declaration in DECLARED.items()}


def current_counts(database: Database) -> dict[str, int]:
    """How many records of each kind the database holds now."""
    counts = {}
    with database.reading() as session:
        for name, table_name in _kind_tables().items():
            table = schema.metadata.tables.get(table_name)
            if table is not None:
                counts[name] = int(session.scalar(select(func.count()).select_from(table)) or 0)
    return counts


def count_lines(counts: Mapping[str, int]) -> list[str]:
    """ "cities: 73", one a kind, in the user's language (kinds with no record left out)."""
    lines = []
    for name, count in counts.items():
        declaration = DECLARED.get(name)
        if declaration is None or not count:
            continue
        noun = ngettext(declaration.noun.singular, declaration.noun.plural, count)
        lines.append(_("{label}: {count}").format(label=noun, count=format_number(count)))
    return lines


def _file_time(path: Path) -> dt.datetime:
    """When the backup at `path` was made: as its name says (the program's own names), else
    the file's time."""
    named = _NAME.match(path.name)
    made = _made_at(named["stamp"]) if named else None
    if made is not None:
        return made
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime)
    except OSError:
        return dt.datetime.now()


def inspect_backup(path: Path) -> BackupContents:
    """Check that `path` can be restored and say what it holds; `BackupRefused` (in the
    user's words) when it cannot: missing, not a backup, damaged, of a newer version."""
    path = Path(path)
    if not path.is_file():
        raise BackupRefused(_("There is no file at {path}.").format(path=path))
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise BackupRefused(
            _("{path} cannot be read: {reason}").format(path=path, reason=_first_line(exc))
        ) from exc
    if header.startswith(_PG_DUMP_MAGIC):
        return _inspect_archive(path)
    if header != _SQLITE_MAGIC:
        raise _not_a_backup(path)
    return _inspect_sqlite(path)


def _not_a_backup(path: Path) -> BackupRefused:
    return BackupRefused(
        _(
            "{path} is not a backup of Exchange Desk: it is neither an Exchange Desk "
            "database nor a PostgreSQL archive."
        ).format(path=path)
    )


def _too_new(path: Path, revision: str) -> BackupRefused:
    return BackupRefused(
        _(
            "{path} was written by a newer version of Exchange Desk (schema {revision}). "
            "Install the newer version to restore it; nothing was changed."
        ).format(path=path, revision=revision)
    )


def _inspect_sqlite(path: Path) -> BackupContents:
    try:
        connection = connect_to_read(path)
    except sqlite3.Error as exc:
        raise _damaged_backup(path, exc) from exc
    try:
        try:
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if "alembic_version" not in tables:
                raise _not_a_backup(path)
            versions = [
                row[0] for row in connection.execute("SELECT version_num FROM alembic_version")
            ]
            counts = {}
            for name, table in _kind_tables().items():
                if table in tables:
                    counts[name] = int(
                        connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                    )
        except sqlite3.DatabaseError as exc:
            raise _damaged_backup(path, exc) from exc
    finally:
        connection.close()
    if problems != ["ok"]:
        raise BackupRefused(
            _(
                "{path} is damaged (SQLite's check reports “{reason}”) and cannot be restored."
            ).format(path=path, reason=problems[0] if problems else "?")
        )
    if len(versions) != 1:
        raise _not_a_backup(path)
    revision = str(versions[0])
    if revision not in known_revisions():
        raise _too_new(path, revision)
    return BackupContents(
        path=path,
        format=SQLITE,
        revision=revision,
        made=_file_time(path),
        size=_size(path),
        counts=counts,
    )


def _damaged_backup(path: Path, exc: BaseException) -> BackupRefused:
    if "not a database" in str(exc).lower():
        return _not_a_backup(path)
    return BackupRefused(
        _("{path} is damaged (SQLite reports “{reason}”) and cannot be restored.").format(
            path=path, reason=_first_line(exc)
        )
    )


_COPY = re.compile(r'^COPY (?:"?[^". ]+"?\.)?"?(?P<table>[^". ]+)"? .* FROM stdin;$')


def _inspect_archive(path: Path) -> BackupContents:
    """A pg_dump archive: pg_restore reads its data of the kinds' tables and the schema's
    revision (as it would restore them), counting rows."""
    tool = _pg_tool("pg_restore")
    if tool is None:
        raise BackupRefused(
            _(
                "{path} is a PostgreSQL archive, and pg_restore, which reads it, is not "
                "installed here. Install PostgreSQL's client programs and try again."
            ).format(path=path)
        )
    tables = ["alembic_version", *_kind_tables().values()]
    command = [tool, "--data-only", "--file=-"]
    command += [f"--table={table}" for table in tables]
    done = _run([*command, str(path)], dict(os.environ))
    if done.returncode != 0:
        raise BackupRefused(
            _("{path} is damaged and cannot be restored: pg_restore reports “{reason}”.").format(
                path=path, reason=_tool_message(done)
            )
        )
    rows: dict[str, int] = {}
    revision: str | None = None
    current: str | None = None
    for raw in done.stdout.decode("utf-8", errors="replace").splitlines():
        if current is None:
            found = _COPY.match(raw)
            if found:
                current = found.group("table")
                rows.setdefault(current, 0)
            continue
        if raw == "\\.":
            current = None
        elif current == "alembic_version":
            revision = raw.strip()
        else:
            rows[current] += 1
    if revision is None:
        raise _not_a_backup(path)
    if revision not in known_revisions():
        raise _too_new(path, revision)
    counts = {name: rows.get(table, 0) for name, table in _kind_tables().items()}
    return BackupContents(
        path=path,
        format=PG_DUMP,
        revision=revision,
        made=_file_time(path),
        size=_size(path),
        counts=counts,
    )


# --- restoring -------------------------------------------------------------------------------


def restore(
    database: Database,
    source: Path,
    *,
    progress: Progress | None = None,
    contents: BackupContents | None = None,
) -> Restored:
    """Replace everything in `database` with the backup at `source` (see the module's
    docstring); the administrator's alone. `contents`: what `inspect_backup` said of it
    (checked again if not given). Returns what was done, and the backup made first."""
    from exchange_desk.services.kinds import KINDS

    require(database, Role.ADMINISTRATOR)
    source = Path(source)
    contents = inspect_backup(source) if contents is None else contents
    if database.path is not None and _same_file(source, database.path):
        raise BackupRefused(_("This is the database itself, not a backup of it."))
    if contents.format == PG_DUMP and database.backend != "postgresql":
        raise BackupRefused(
            _(
                "{path} is a PostgreSQL archive: it can only be restored into a PostgreSQL "
                "database."
            ).format(path=source)
        )
    if progress is not None:
        progress(_("Backing up the database as it is now…"))
    before = back_up(
        database,
        suggested_backup_path(database, BEFORE_RESTORE),
        progress=progress,
        log=False,
    ).path
    if progress is not None:
        progress(_("Restoring {file}…").format(file=source.name))
    if database.backend == "sqlite":
        _restore_sqlite(database, source)
    elif contents.format == PG_DUMP:
        _restore_archive(database, source)
    else:
        _restore_rows(database, source, progress)
    database.engine.dispose()  # no connection keeps what it knew of the old data
    migrated = False
    if database.stored_revision() != SCHEMA_HEAD:
        if progress is not None:
            progress(_("Bringing the restored data to the newest schema…"))
        database.upgrade(backup=False)  # the file restored is the copy of it
        migrated = True
    audit.log(
        database,
        audit.Action.RESTORE,
        summary=source.name,
        details={
            "file": str(source),
            "format": contents.format,
            "revision": contents.revision,
            "migrated": migrated,
            "backup_before": str(before),
            "counts": contents.counts,
        },
    )
    return Restored(
        source=source,
        before=before,
        contents=contents,
        migrated=migrated,
        changes=Changes.everything(KINDS),
    )


def _restore_sqlite(database: Database, source: Path) -> None:
    """Copy the backup into the live file with SQLite's backup API: page by page under
    SQLite's own lock, so other connections (other desks) see the restored data next."""
    assert database.path is not None
    database.engine.dispose()
    with tempfile.TemporaryDirectory(prefix="exchange-desk-restore-") as folder:
        try:
            writer = sqlite3.connect(database.path, timeout=30)
            try:
                size = int(writer.execute("PRAGMA page_size").fetchone()[0])
                source = _in_page_size(source, size, Path(folder))
                reader = connect_to_read(source)
                try:
                    reader.backup(writer)
                finally:
                    reader.close()
            finally:
                writer.close()
        except sqlite3.Error as exc:
            problem = classify(exc, database.url)
            if problem is not None:
                raise problem from exc
            raise


def _in_page_size(source: Path, size: int, folder: Path) -> Path:
    """`source`, or a copy of it in `folder` with pages of `size` bytes: SQLite's backup
    cannot change the page size of a file in WAL mode (an older version's file may have
    smaller pages than the live one)."""
    reader = connect_to_read(source)
    try:
        if int(reader.execute("PRAGMA page_size").fetchone()[0]) == size:
            return source
    finally:
        reader.close()
    copy = folder / "page-size.sqlite"
    _copy_sqlite(None, source, copy, None)  # in rollback-journal mode: VACUUM may resize
    connection = sqlite3.connect(copy)
    try:
        connection.execute(f"PRAGMA page_size={size}")
        connection.execute("VACUUM")
    finally:
        connection.close()
    return copy


def _restore_archive(database: Database, source: Path) -> None:
    tool = _pg_tool("pg_restore")
    assert tool is not None  # inspect_backup read the archive with it
    database.engine.dispose()
    address, environment = _libpq(database.url)
    done = _run(
        [
            tool,
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            f"--dbname={address}",
            str(source),
        ],
        environment,
    )
    if done.returncode != 0:
        raise BackupRefused(
            _("pg_restore could not restore {path}; nothing was changed: {reason}").format(
                path=source, reason=_tool_message(done)
            )
        )


def _restore_rows(database: Database, source: Path, progress: Progress | None) -> None:
    """Put the rows of a SQLite backup into the server in one transaction: every table
    emptied (children first, the audit log's append-only trigger off meanwhile), every row
    inserted, every table's id sequence set past its highest id. A backup of an older
    schema is migrated first, in a copy."""
    with tempfile.TemporaryDirectory(prefix="exchange-desk-restore-") as folder:
        copy = Path(folder) / "restore.sqlite"
        _copy_sqlite(None, source, copy, None)
        migrated = open_database(copy, migrate=False)
        try:
            if migrated.stored_revision() != SCHEMA_HEAD:
                migrated.upgrade(backup=False)
        finally:
            migrated.dispose()
        reader = make_engine(URL.create("sqlite", database=str(copy)), read_only=True)
        try:
            tables = _plain_tables()
            with reader.connect() as rows_from, database.engine.begin() as server:
                server.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
                for table in reversed(tables):
                    server.execute(table.delete())
                for table in tables:
                    if progress is not None:
                        progress(_("Restoring {table}…").format(table=table.name))
                    for batch in _batches(rows_from, table):
                        server.execute(table.insert(), batch)
                server.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
                for table in tables:
                    if "id" in table.c and list(table.primary_key.columns) == [table.c.id]:
                        server.execute(
                            text(
                                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                f'coalesce(max(id), 0) + 1, false) FROM "{table.name}"'
                            )
                        )
        finally:
            reader.dispose()


def open_for_backup(location: str | os.PathLike[str] | None) -> Database:
    """The database to back up, opened as it is (never created nor migrated: a backup is
    taken before anything else); read only where the file cannot be written (a CD, a
    write-protected stick), and then the backup is not put on record."""
    url = resolve_url(location)
    path = _file_of(url)
    read_only = path is not None and path.is_file() and not writable(path)
    return open_database(url, migrate=False, create=False, read_only=read_only)


def open_for_restore(
    location: str | os.PathLike[str] | None,
) -> tuple[Database, Path | None]:
    """The database to restore into, opened (created, migrated) as usual; a SQLite file too
    damaged to be opened at all is first moved aside, with its side files, into the
    backups folder as `<stem>.damaged.<stamp>.sqlite` (returned), and a new one is made in
    its place for the backup to fill."""
    try:
        return open_database(location), None
    except StorageUnavailable as exc:
        path = _file_of(resolve_url(location))
        if exc.problem is not StorageProblem.CORRUPT or path is None or not path.is_file():
            raise
    folder = path.parent / BACKUPS_FOLDER
    aside = _unused(folder / f"{path.stem}.{DAMAGED}.{_stamp()}{SQLITE_SUFFIX}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm", "-journal"):
            side = Path(f"{path}{suffix}")
            if side.exists():
                os.replace(side, Path(f"{aside}{suffix}"))
        os.replace(path, aside)
    except OSError as exc:
        raise _cannot_write_backup(exc, aside) from exc
    return open_database(location), aside


# --- the backups there are, and the automatic ones -------------------------------------------


def _made_at(stamp: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(stamp, _STAMP)
    except ValueError:
        return None


def _automatic(folder: Path, stem: str) -> dict[Path, dt.datetime]:
    """The automatic backups of `stem` in `folder`, with when each was made."""
    found = {}
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            named = _NAME.match(entry.name)
            if named is None or named["stem"] != stem or named["label"] != AUTO:
                continue
            made = _made_at(named["stamp"])
            if made is not None and entry.is_file():
                found[entry] = made
    return found


def rotation(
    made: Mapping[Path, dt.datetime], *, daily: int = DAILY_KEPT, weekly: int = WEEKLY_KEPT
) -> Rotation:
    """Which automatic backups to keep: the newest of each of the `daily` newest days that
    have one, and of each of the `weekly` newest ISO weeks that have one (a backup can be
    both: it is then a daily one); the others are to be deleted. Counting days and weeks
    that have a backup, not the calendar's, a desk unused for a month keeps its last ones."""
    newest_first = sorted(made.items(), key=lambda item: (item[1], item[0].name), reverse=True)
    days: dict[dt.date, Path] = {}
    weeks: dict[tuple[int, int], Path] = {}
    for path, at in newest_first:
        days.setdefault(at.date(), path)
        iso = at.isocalendar()
        weeks.setdefault((iso.year, iso.week), path)
    keep: dict[Path, BackupKind] = {}
    for day in sorted(days, reverse=True)[:daily]:
        keep[days[day]] = BackupKind.DAILY
    for week in sorted(weeks, reverse=True)[:weekly]:
        keep.setdefault(weeks[week], BackupKind.WEEKLY)
    return Rotation(keep=keep, delete=tuple(path for path, _at in newest_first if path not in keep))


def _kind_of(label: str) -> BackupKind:
    if label == BEFORE_RESTORE:
        return BackupKind.BEFORE_RESTORE
    if label.startswith("before-"):
        return BackupKind.BEFORE_UPGRADE
    return BackupKind.MANUAL


def list_backups(database: Database | URL) -> list[BackupFile]:
    """The backups of `database` (open, or only its address: the file may be lost), newest
    first: those in the backups folder (automatic, manual, made before a restore; a file
    saved there under a name of one's own counts as manual) and, for a SQLite file, the
    copies made beside it before an upgrade."""
    stem = backup_stem(database)
    folder = backup_folder(database)
    automatic = rotation(_automatic(folder, stem)).keep
    found: list[BackupFile] = []
    places = [folder]
    path = _file_of(database)
    if path is not None:
        places.append(path.parent)
    for place in places:
        try:
            entries = sorted(place.iterdir())
        except OSError:
            continue
        for entry in entries:
            named = _NAME.match(entry.name)
            beside = place != folder
            if named is not None and (named["stem"] != stem or named["label"] == DAMAGED):
                continue  # another database's, or a damaged file set aside (no backup)
            if beside and (named is None or not named["old"]):
                continue  # beside the database only the upgrade's copies are backups
            if named is None and entry.suffix not in (SQLITE_SUFFIX, DUMP_SUFFIX):
                continue
            try:
                if not entry.is_file():
                    continue
                status = entry.stat()
            except OSError:
                continue
            made = _made_at(named["stamp"]) if named else None
            if named is not None and named["label"] == AUTO:
                kind = automatic.get(entry, BackupKind.DAILY)
            else:
                kind = _kind_of(named["label"]) if named else BackupKind.MANUAL
            found.append(
                BackupFile(
                    path=entry,
                    made=made or dt.datetime.fromtimestamp(status.st_mtime),
                    size=status.st_size,
                    kind=kind,
                )
            )
    found.sort(key=lambda backup: (backup.made, backup.path.name), reverse=True)
    return found


def _has_records(path: Path) -> bool:
    """Whether the SQLite file holds any record (an empty new database is not copied)."""
    try:
        connection = connect_to_read(path)
    except sqlite3.Error:
        return True  # let the backup itself say what is wrong
    try:
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        return any(
            connection.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone() is not None
            for table in _kind_tables().values()
            if table in tables
        )
    except sqlite3.Error:
        return True
    finally:
        connection.close()


def automatic_backup(database: Database, *, now: dt.datetime | None = None) -> BackupMade | None:
    """The day's automatic backup of a SQLite database, then the rotation; None when none
    was due: a server, a database with no record, or one made already today (`now`, local
    time, for tests)."""
    if database.backend != "sqlite" or database.path is None:
        return None
    now = now or dt.datetime.now()
    folder = backup_folder(database)
    stem = backup_stem(database)
    made = _automatic(folder, stem)
    if made and max(made.values()).date() >= now.date():
        return None
    if not _has_records(database.path):
        return None
    target = _unused(folder / f"{stem}.{AUTO}.{_stamp(now)}{SQLITE_SUFFIX}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_write_backup(exc, target) from exc
    clean_partials(folder)
    _copy_sqlite(database, database.path, target, None)
    made[target] = now
    deleted = []
    for old in rotation(made).delete:
        with contextlib.suppress(OSError):
            old.unlink()
            deleted.append(old)
    return BackupMade(path=target, size=_size(target), method=SQLITE, deleted=tuple(deleted))


# --- words -----------------------------------------------------------------------------------


def format_size(size: int, language: str | None = None) -> str:
    """A file's size as the language writes it: "512 byte", "4.6 MB", "1.2 GB"."""
    from babel.units import format_unit

    found = find_language(language or active_language())
    locale = found.babel_locale if found else "en"
    value: float = size
    unit = "digital-byte"
    for bigger in ("digital-kilobyte", "digital-megabyte", "digital-gigabyte"):
        if value < 1000:
            break
        value /= 1000
        unit = bigger
    return str(format_unit(value, unit, length="short", locale=locale, format="#,##0.#"))


def network_share_notice(database: Database, channel: str) -> str | None:
    """What to tell the user, once per file and `channel` ("gui", "cli"), when a SQLite
    database is on a network share; None when there is nothing (more) to say. Remembered in
    the settings folder; if that cannot be written the notice comes again next time."""
    from exchange_desk.paths import settings_dir

    path = database.path
    if path is None or not on_network_share(path):
        return None
    store = settings_dir() / _NOTICES_FILE
    try:
        said = json.loads(store.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        said = {}
    if not isinstance(said, dict):
        said = {}
    files = said.get(channel)
    files = files if isinstance(files, list) else []
    key = os.path.normcase(os.path.abspath(path))
    if key in files:
        return None
    said[channel] = [*files, key]
    with contextlib.suppress(OSError):
        store.parent.mkdir(parents=True, exist_ok=True)
        store.write_text(json.dumps(said, ensure_ascii=False, indent=1), encoding="utf-8")
    return _(
        "The database {path} is on a network share. SQLite cannot share a file safely between "
        "computers: Exchange Desk keeps it there without its write-ahead log, which is "
        "slower, and two desks saving at once can still damage it. To work on one database "
        "from several desks, keep it in PostgreSQL and open that from every desk."
    ).format(path=path)
