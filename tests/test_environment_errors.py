"""When the environment fails, the user is told what and where, and the command line says it
in one line without a traceback: a damaged file (SQLite's own words and the latest backup),
a full disk (which one), a file locked by another program, a read-only file or folder, a
PostgreSQL server that does not answer, a database too new or waiting for `db upgrade`.

The conditions are real where this machine allows it; where it does not (tests run as root
here, so a chmod stops nothing), the error is made as SQLite or the system would make it.
"""

from __future__ import annotations

import errno
import io
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError as SAOperationalError

from exchange_desk.cli import EXIT_STORAGE, main
from exchange_desk.domain.errors import StorageProblem, StorageUnavailable
from exchange_desk.domain.records import City
from exchange_desk.services.attachments import attach
from exchange_desk.services.records import create
from exchange_desk.storage import database as storage
from exchange_desk.storage.database import (
    Database,
    classify,
    disk_of,
    latest_backup,
    open_database,
)

CLOSED_PORT_URL = "postgresql+psycopg://nobody@127.0.0.1:1/none"


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    """Run the command in-process; returns the exit code and the lines it wrote on stderr,
    having checked that none of them is a traceback."""
    code = main(list(argv), out=io.StringIO())
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    return code, [line for line in err.splitlines() if line.strip()]


def storage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """The one message a command that met an environment error printed (exit status 3)."""
    code, lines = cli(capsys, *argv)
    assert code == EXIT_STORAGE, lines
    assert lines, "nothing said"
    assert lines[-1].startswith("exchange-desk: ")
    return lines[-1]


def refused(action: Any) -> StorageUnavailable:
    with pytest.raises(StorageUnavailable) as caught:
        action()
    return caught.value


@pytest.fixture
def empty_file(tmp_path: Path) -> Path:
    """A new SQLite database at the newest schema, with no records."""
    path = tmp_path / "office.sqlite"
    open_database(path).dispose()
    return path


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_SECONDS", 0.2)


@pytest.fixture
def engines_with(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Pragmas run on every SQLite connection the program opens from now on: the test
    appends to the list it gets."""
    pragmas: list[str] = []
    made = storage.make_engine

    def make_engine(url: Any) -> Any:
        engine = made(url)

        def on_connect(connection: Any, _record: Any) -> None:
            for pragma in pragmas:
                connection.execute(pragma)

        event.listen(engine, "connect", on_connect)
        return engine

    monkeypatch.setattr(storage, "make_engine", make_engine)
    return pragmas


def _no_room_left(connection: Any) -> str:
    # max_page_count cannot go below the file's size: the file can hold what it holds.
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    return f"PRAGMA max_page_count={pages}"


# --- a damaged file --------------------------------------------------------------------------


def test_a_garbage_file_names_what_sqlite_says_and_that_there_is_no_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "office.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    error = refused(lambda: open_database(path))
    assert error.problem is StorageProblem.CORRUPT
    message = str(error)
    assert str(path) in message
    assert "file is not a database" in message
    assert f"No backup of it was found in {tmp_path}" in message
    assert storage_error(capsys, "--db", str(path), "list", "cities").endswith(message)
    assert path.read_bytes() == b"this is not a database" * 100


def test_a_truncated_file_names_the_damage_and_the_latest_backup(
    tmp_path: Path, demo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "office.sqlite"
    path.write_bytes(demo_file.read_bytes())
    database = open_database(path)
    older = database.backup("before-0001")
    os.utime(older, (1_000_000_000, 1_000_000_000))
    newest = database.backup("before-demo")
    database.dispose()
    assert latest_backup(path) == newest
    content = path.read_bytes()
    path.write_bytes(content[:4096] + b"\x00" * 100 + content[8192:20000])

    code, lines = cli(capsys, "--db", str(path), "db", "check")
    assert code == EXIT_STORAGE
    [line] = lines
    assert "is damaged" in line
    assert "“database disk image is malformed”" in line
    assert f"The latest backup of it is {newest}." in line


def test_a_damaged_file_found_while_working_is_classified_with_its_backup(tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite"
    (tmp_path / "office.before-demo.20250101-120000.backup.sqlite").write_bytes(b"copy")
    (tmp_path / "other.before-demo.20260101-120000.backup.sqlite").write_bytes(b"not ours")
    error = classify(
        sqlite3.DatabaseError("database disk image is malformed"), make_url(f"sqlite:///{path}")
    )
    assert error is not None
    assert error.problem is StorageProblem.CORRUPT
    assert "office.before-demo.20250101-120000.backup.sqlite" in str(error)
    assert "other." not in str(error)


# --- a full disk -----------------------------------------------------------------------------


def test_a_full_disk_names_the_disk(sqlite_db: Database) -> None:
    city = create(sqlite_db, City(name_en="Jinan", country="CN"))
    assert city.id is not None
    event.listen(sqlite_db.engine, "connect", lambda c, _r: c.execute(_no_room_left(c)))
    sqlite_db.engine.dispose()  # the next connection has no room left
    error = refused(lambda: attach(sqlite_db, "cities", city.id, "mou.pdf", os.urandom(500_000)))
    assert error.problem is StorageProblem.DISK_FULL
    assert sqlite_db.path is not None
    assert f"The disk {disk_of(sqlite_db.path)} is full" in str(error)
    assert str(sqlite_db.path) in str(error)


def test_the_command_line_says_the_disk_is_full(
    empty_file: Path, engines_with: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    engines_with.append("PRAGMA max_page_count=1")  # below the file's size: no growth at all
    message = storage_error(capsys, "--db", str(empty_file), "demo")
    assert f"The disk {disk_of(empty_file)} is full" in message
    assert "cannot be reached" not in message


def test_sqlites_words_for_a_full_disk_are_understood(tmp_path: Path) -> None:
    url = make_url(f"sqlite:///{tmp_path / 'office.sqlite'}")
    wrapped = SAOperationalError(
        "INSERT ...", {}, sqlite3.OperationalError("database or disk is full")
    )
    error = classify(wrapped, url)
    assert error is not None
    assert error.problem is StorageProblem.DISK_FULL
    assert f"The disk {disk_of(tmp_path)} is full" in str(error)


def test_the_disk_is_the_mount_point_or_the_drive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if os.name == "nt":
        assert disk_of(Path("C:/Users/office/data/office.sqlite")) == "C:\\"
        return
    assert os.path.ismount(disk_of(tmp_path / "office.sqlite"))
    monkeypatch.setattr(os.path, "ismount", lambda path: str(path) in ("/", "/home"))
    assert disk_of(Path("/home/office/ExchangeDesk/office.sqlite")) == "/home"
    assert disk_of(Path("/srv/office.sqlite")) == "/"


def test_no_space_left_when_copying_names_the_disk(tmp_path: Path) -> None:
    target = tmp_path / "office.before-demo.backup.sqlite"
    error = classify(OSError(errno.ENOSPC, "No space left on device", str(target)))
    assert error is not None
    assert error.problem is StorageProblem.DISK_FULL
    assert f"The disk {disk_of(tmp_path)} is full" in str(error)


# --- a file locked by another program --------------------------------------------------------


def test_a_file_locked_by_another_program(
    empty_file: Path, short_busy_timeout: None, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = sqlite3.connect(empty_file, timeout=0.1)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        database = open_database(empty_file)
        try:
            error = refused(lambda: create(database, City(name_en="Lockville", country="DE")))
        finally:
            database.dispose()
        assert error.problem is StorageProblem.LOCKED
        assert "locked by another program" in str(error)
        assert "locked by another program" in storage_error(capsys, "--db", str(empty_file), "demo")
    finally:
        blocker.rollback()
        blocker.close()


def test_a_file_windows_will_not_share_is_locked() -> None:
    sharing_violation = PermissionError(errno.EACCES, "in use", "office.sqlite")
    sharing_violation.winerror = 32  # type: ignore[attr-defined]
    error = classify(sharing_violation)
    assert error is not None
    assert error.problem is StorageProblem.LOCKED


# --- read-only -------------------------------------------------------------------------------


def _as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.mark.skipif(_as_root(), reason="root writes to read-only files: simulated below")
@pytest.mark.skipif(os.name == "nt", reason="chmod does not make a folder read-only on Windows")
def test_a_read_only_file_and_folder_for_real(
    empty_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty_file.chmod(0o444)
    try:
        message = storage_error(capsys, "--db", str(empty_file), "demo")
        assert "read-only" in message
        assert str(empty_file) in message
    finally:
        empty_file.chmod(0o644)
    folder = empty_file.parent
    for side in folder.glob("office.sqlite-*"):
        side.unlink()
    folder.chmod(0o555)
    try:
        message = storage_error(capsys, "--db", str(empty_file), "demo")
        assert f"The folder {folder} is read-only" in message
    finally:
        folder.chmod(0o755)


def test_a_database_that_can_only_be_read(
    empty_file: Path, engines_with: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """SQLite's refusal is real (a connection that may only read); which of file and folder
    is read-only is asked of the system, so it is pretended below."""
    engines_with.append("PRAGMA query_only=ON")
    message = storage_error(capsys, "--db", str(empty_file), "demo")
    assert f"The database {empty_file} can only be read" in message
    assert "cannot be reached" not in message


@pytest.mark.parametrize(
    ("unwritable", "expected"),
    [
        ("file", "The database file {path} is read-only"),
        ("folder", "The folder {folder} is read-only"),
    ],
)
def test_a_read_only_file_or_folder_is_named(
    empty_file: Path, monkeypatch: pytest.MonkeyPatch, unwritable: str, expected: str
) -> None:
    target = empty_file if unwritable == "file" else empty_file.parent
    writable = os.access
    monkeypatch.setattr(
        os,
        "access",
        lambda path, mode: False if Path(path) == target else writable(path, mode),
    )
    error = classify(
        sqlite3.OperationalError("attempt to write a readonly database"),
        make_url(f"sqlite:///{empty_file}"),
    )
    assert error is not None
    assert error.problem is StorageProblem.READ_ONLY
    assert expected.format(path=empty_file, folder=empty_file.parent) in str(error)


# --- PostgreSQL ------------------------------------------------------------------------------


def test_a_server_that_does_not_answer(capsys: pytest.CaptureFixture[str]) -> None:
    error = refused(lambda: open_database(CLOSED_PORT_URL))
    assert error.problem is StorageProblem.UNREACHABLE
    assert "The database server cannot be reached" in str(error)
    assert "refused" in str(error).lower()
    message = storage_error(capsys, "--db", CLOSED_PORT_URL, "list", "cities")
    assert "The database server cannot be reached" in message


@pytest.mark.postgres
def test_a_server_that_accepts_no_changes(pg_url: str) -> None:
    read_only = make_url(pg_url)
    options = read_only.query["options"]
    assert isinstance(options, str)
    open_database(pg_url).dispose()
    database = open_database(
        read_only.update_query_dict(
            {"options": f"{options} -cdefault_transaction_read_only=on"}
        ).render_as_string(hide_password=False)
    )
    try:
        error = refused(lambda: create(database, City(name_en="Haifa", country="IL")))
    finally:
        database.dispose()
    assert error.problem is StorageProblem.READ_ONLY
    assert "accepts no changes" in str(error)


@pytest.mark.postgres
def test_a_table_locked_on_the_server(pg_url: str) -> None:
    url = make_url(pg_url)
    options = url.query["options"]
    assert isinstance(options, str)
    holder = open_database(pg_url)
    waiting = open_database(
        url.update_query_dict({"options": f"{options} -clock_timeout=200"}).render_as_string(
            hide_password=False
        )
    )
    try:
        with holder.engine.connect() as connection, connection.begin():
            connection.execute(text("LOCK TABLE cities IN ACCESS EXCLUSIVE MODE"))
            error = refused(lambda: create(waiting, City(name_en="Haifa", country="IL")))
    finally:
        waiting.dispose()
        holder.dispose()
    assert error.problem is StorageProblem.LOCKED


@pytest.mark.parametrize(
    "error",
    [
        sqlite3.OperationalError("unable to open database file"),
        sqlite3.OperationalError("disk I/O error"),
        sqlite3.OperationalError("database is locked"),
        sqlite3.DatabaseError("file is not a database"),
    ],
    ids=str,
)
def test_a_sqlite_file_is_never_a_server(error: sqlite3.Error, tmp_path: Path) -> None:
    url = make_url(f"sqlite:///{tmp_path / 'office.sqlite'}")
    wrapped = SAOperationalError("SELECT 1", {}, error)
    for found in (classify(wrapped, url), classify(wrapped), classify(error)):
        assert found is not None
        assert "server" not in str(found)


def test_a_bug_in_sql_is_not_the_environment(tmp_path: Path) -> None:
    url = make_url(f"sqlite:///{tmp_path / 'office.sqlite'}")
    bug = SAOperationalError("SELECT x FROM nowhere", {}, sqlite3.OperationalError("no such table"))
    assert classify(bug, url) is None
    assert classify(ValueError("not ours")) is None


def test_a_server_error_is_read_by_its_code() -> None:
    psycopg_errors = pytest.importorskip("psycopg.errors")
    url = make_url("postgresql+psycopg://office@db.example/office")
    cases = {
        psycopg_errors.DiskFull("could not extend file: No space left on device"): (
            StorageProblem.DISK_FULL
        ),
        psycopg_errors.LockNotAvailable("could not obtain lock on relation"): (
            StorageProblem.LOCKED
        ),
        psycopg_errors.ReadOnlySqlTransaction("cannot execute INSERT"): StorageProblem.READ_ONLY,
        psycopg_errors.OperationalError("connection failed: timeout expired"): (
            StorageProblem.UNREACHABLE
        ),
    }
    for error, problem in cases.items():
        found = classify(SAOperationalError("INSERT ...", {}, error), url)
        assert found is not None, error
        assert found.problem is problem
    assert classify(psycopg_errors.UniqueViolation("duplicate key"), url) is None


# --- the schema ------------------------------------------------------------------------------


def test_a_database_too_new(empty_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with sqlite3.connect(empty_file) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    message = storage_error(capsys, "--db", str(empty_file), "list", "cities")
    assert "newer version of Exchange Desk" in message


@pytest.mark.postgres
def test_a_shared_database_that_needs_db_upgrade(
    pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    database = open_database(pg_url)
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    database.dispose()
    error = refused(lambda: open_database(pg_url))
    assert error.problem is StorageProblem.NEEDS_UPGRADE
    assert "exchange-desk db upgrade" in storage_error(capsys, "--db", pg_url, "list", "cities")


def test_a_backup_on_a_full_disk_is_explained_and_leaves_no_half_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy made before an upgrade fails on a full disk: the user is told which disk,
    and no half-written file is left to be taken for a backup next time."""
    path = tmp_path / "office.sqlite"
    database = open_database(path)
    real_connect = sqlite3.connect

    class FullDisk:
        def __init__(self, inner: sqlite3.Connection) -> None:
            self.inner = inner

        def backup(self, _target: object) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        def __getattr__(self, name: str) -> object:
            return getattr(self.inner, name)

    def connect(target: object, *args: object, **kwargs: object) -> object:
        connection = real_connect(target, *args, **kwargs)  # type: ignore[arg-type]
        # Only the backup's own connection (SQLAlchemy's pool passes the path as text).
        return FullDisk(connection) if isinstance(target, Path) and target == path else connection

    monkeypatch.setattr(sqlite3, "connect", connect)
    with pytest.raises(StorageUnavailable) as refused:
        database.backup("before-0005")
    assert refused.value.problem is StorageProblem.DISK_FULL
    assert "full" in str(refused.value)
    assert not list(tmp_path.glob("*.backup.sqlite"))
    database.dispose()
