"""Commands that only read never create or change a database, read-only media can be read,
and a SQLite file on a network share is kept without WAL and said to be no way to share.

- `list`, `stats`, `anniversaries`, `export`, `report`, `db check`, `history` and `audit` on
  a path that does not exist fail with a message and leave no folder nor file;
- `db check` leaves an empty (0-byte) file as it is, and a database opened to read writes
  nothing, not even its journal mode;
- a file in a read-only folder, or read-only itself, is listed without a -wal or -shm file
  appearing beside it (real permissions where the tests do not run as root; otherwise the
  system's answer is pretended, and what SQLite does with it is real);
- the detection of network shares is a pure function fed with paths and mount tables.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from exchange_desk.cli import EXIT_STORAGE, main
from exchange_desk.domain.errors import StorageProblem, StorageUnavailable
from exchange_desk.domain.records import City
from exchange_desk.services import backups
from exchange_desk.services.records import create
from exchange_desk.storage import database as storage
from exchange_desk.storage.database import (
    DRIVE_REMOTE,
    filesystem_of,
    is_network_path,
    is_unc_path,
    open_database,
    parse_mounts,
    sqlite_uri,
    uri_to_read,
)

MIGRATIONS = Path(__file__).parent / "data" / "migrations"
DRIVE_FIXED = 3


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    return code, out.getvalue(), err


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def side_files(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.glob(path.name + "-*"))


def _as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def demo_path(demo_file: Path, tmp_path: Path) -> Path:
    """A copy of the demo database, closed: no -wal or -shm beside it."""
    folder = tmp_path / "office"
    folder.mkdir()
    copy = folder / "office.sqlite"
    shutil.copyfile(demo_file, copy)
    assert side_files(copy) == []
    return copy


# --- nothing is created ----------------------------------------------------------------------


READING_COMMANDS = [
    pytest.param(["list", "cities"], id="list"),
    pytest.param(["list", "cities", "--json"], id="list-json"),
    pytest.param(["stats"], id="stats"),
    pytest.param(["anniversaries", "--year", "2019"], id="anniversaries"),
    pytest.param(["export", "cities", "-o", "{out}/cities.csv"], id="export"),
    pytest.param(["report", "annual", "--year", "2018", "-o", "{out}/r.pdf"], id="report"),
    pytest.param(["db", "check"], id="db-check"),
    pytest.param(["db", "backups"], id="db-backups"),
    pytest.param(["history", "cities", "1"], id="history"),
    pytest.param(["audit"], id="audit"),
]


@pytest.mark.parametrize("argv", READING_COMMANDS)
def test_reading_commands_create_no_database(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "typo"
    path = folder / "office.sqlite"
    arguments = [argument.format(out=tmp_path) for argument in argv]
    code, _out, err = run(capsys, "--db", str(path), *arguments)
    if argv[:2] == ["db", "backups"]:
        assert code == 0  # listing the backups of a lost database is what one wants then
    else:
        assert code == EXIT_STORAGE
        assert f"There is no database at {path}" in err
    assert not folder.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_db_check_leaves_an_empty_file_as_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "empty.sqlite"
    path.touch()
    before = path.stat().st_mtime_ns
    code, out, _err = run(capsys, "--db", str(path), "db", "check")
    assert code != 0
    assert "Schema: none" in out
    assert path.stat().st_size == 0
    assert path.stat().st_mtime_ns == before
    assert side_files(path) == []


def test_list_on_an_empty_file_says_what_to_do_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "empty.sqlite"
    path.touch()
    code, _out, err = run(capsys, "--db", str(path), "list", "cities")
    assert code == EXIT_STORAGE
    assert "holds no Exchange Desk database yet" in err
    assert path.stat().st_size == 0


def test_an_older_schema_is_read_only_after_an_upgrade(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`list` no longer migrates behind the user's back: it says to run `db upgrade`."""
    path = tmp_path / "old.sqlite"
    shutil.copyfile(MIGRATIONS / "0003.sqlite", path)
    before = fingerprint(path)
    code, _out, err = run(capsys, "--db", str(path), "list", "cities")
    assert code == EXIT_STORAGE
    assert "older schema (0003)" in err
    assert "exchange-desk db upgrade" in err
    assert fingerprint(path) == before
    assert not list(tmp_path.glob("*.backup.sqlite"))


# --- opened to read: nothing written ---------------------------------------------------------


def test_reading_writes_nothing_and_leaves_no_side_file(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = fingerprint(demo_path)
    for argv in (["list", "cities"], ["stats"], ["db", "check"]):
        code, out, _err = run(capsys, "--db", str(demo_path), *argv)
        assert code == 0, argv
        assert out
    assert fingerprint(demo_path) == before
    assert side_files(demo_path) == []


def test_a_database_opened_to_read_refuses_to_write(demo_path: Path) -> None:
    database = open_database(demo_path, read_only=True)
    try:
        with database.reading() as session:
            assert session.execute(text("PRAGMA query_only")).scalar() == 1
            assert session.execute(text("SELECT count(*) FROM cities")).scalar() == 73
        with pytest.raises(StorageUnavailable) as refused:
            create(database, City(name_en="Haifa", country="IL"))
        assert refused.value.problem is StorageProblem.READ_ONLY
    finally:
        database.dispose()
    check = open_database(demo_path)
    try:
        with check.reading() as session:
            assert session.execute(text("SELECT count(*) FROM cities")).scalar() == 73
    finally:
        check.dispose()


@pytest.mark.postgres
def test_a_server_opened_to_read_refuses_to_write(pg_url: str) -> None:
    open_database(pg_url).dispose()
    database = open_database(pg_url, read_only=True)
    try:
        with pytest.raises(StorageUnavailable) as refused:
            create(database, City(name_en="Haifa", country="IL"))
        assert refused.value.problem is StorageProblem.READ_ONLY
    finally:
        database.dispose()


# --- read-only media -------------------------------------------------------------------------


@pytest.fixture
def read_only_folder(demo_path: Path) -> Iterator[Path]:
    """The demo database in a folder that cannot be written (as on a CD)."""
    demo_path.parent.chmod(0o555)
    try:
        yield demo_path
    finally:
        demo_path.parent.chmod(0o755)


@pytest.fixture
def read_only_file(demo_path: Path) -> Iterator[Path]:
    demo_path.chmod(0o444)
    try:
        yield demo_path
    finally:
        demo_path.chmod(0o644)


@pytest.mark.skipif(_as_root(), reason="root writes to read-only files: pretended below")
@pytest.mark.skipif(os.name == "nt", reason="chmod does not make a folder read-only on Windows")
@pytest.mark.parametrize("fixture", ["read_only_folder", "read_only_file"])
def test_read_only_media_can_be_read_for_real(
    fixture: str, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    path: Path = request.getfixturevalue(fixture)
    before = fingerprint(path)
    code, out, err = run(capsys, "--db", str(path), "list", "cities")
    assert code == 0, err
    assert "Kfar Saba" in out
    code, out, _err = run(capsys, "--db", str(path), "db", "check")
    assert code == 0
    assert out.splitlines()[-1] == "OK"
    assert side_files(path) == []
    assert fingerprint(path) == before


def test_read_only_media_can_be_read(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Root may write anywhere, so the system's answer is pretended: SQLite then opens the
    file immutable, and makes no -wal or -shm file even where it could."""
    monkeypatch.setattr(os, "access", lambda _path, _mode: False)
    assert "immutable=1" in uri_to_read(demo_path)
    code, out, err = run(capsys, "--db", str(demo_path), "list", "cities")
    assert code == 0, err
    assert "Kfar Saba" in out
    assert side_files(demo_path) == []


def test_an_unfinished_log_is_read_not_ignored(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A -wal with content holds committed changes: an immutable reader would not see them,
    so such a file is opened read-only, not immutable."""
    writer = sqlite3.connect(demo_path)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute(
        "UPDATE cities SET name_en = 'Kfar Saba (in the log)' WHERE name_en = 'Kfar Saba'"
    )
    writer.commit()
    try:
        assert Path(f"{demo_path}-wal").stat().st_size > 0
        monkeypatch.setattr(storage, "writable", lambda _path: False)
        address = uri_to_read(demo_path)
        assert "mode=ro" in address
        assert "immutable" not in address
        database = open_database(demo_path, read_only=True)
        try:
            with database.reading() as session:
                names = session.execute(text("SELECT name_en FROM cities")).scalars().all()
        finally:
            database.dispose()
        assert "Kfar Saba (in the log)" in names
    finally:
        writer.close()


# --- SQLite addresses ------------------------------------------------------------------------


def test_sqlite_uris_escape_what_a_uri_gives_a_meaning_to() -> None:
    assert sqlite_uri("/data/office #2?.sqlite", windows=False) == (
        "file:///data/office%20%232%3F.sqlite?mode=ro"
    )
    assert sqlite_uri("/data/济南.sqlite", windows=False, immutable=True) == (
        "file:///data/%E6%B5%8E%E5%8D%97.sqlite?mode=ro&immutable=1"
    )
    assert sqlite_uri(r"C:\Users\Anna\Office 100%.sqlite", windows=True, mode="rw") == (
        "file:///C:/Users/Anna/Office%20100%25.sqlite?mode=rw"
    )
    assert sqlite_uri(r"\\server\share\office.sqlite", windows=True) == (
        "file:////server/share/office.sqlite?mode=ro"
    )


def test_a_uri_opens_the_file_it_names(tmp_path: Path) -> None:
    path = tmp_path / "office #1 济南 100%.sqlite"
    open_database(path).dispose()
    connection = sqlite3.connect(sqlite_uri(str(path), windows=False), uri=True)
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    finally:
        connection.close()
    assert "cities" in tables


# --- network shares --------------------------------------------------------------------------


PROC_MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
tmpfs /tmp tmpfs rw,nosuid,nodev 0 0
server:/export/office /mnt/office nfs4 rw,relatime,vers=4.2 0 0
//nas/Shared\\040Files /mnt/shared\\040files cifs rw,relatime,vers=3.1.1 0 0
anna@host:/home/anna /home/anna/remote fuse.sshfs rw,nosuid,nodev 0 0
/dev/sdb1 /mnt/office/local ext4 rw,relatime 0 0
"""


def test_the_mount_table_is_read_with_its_escapes() -> None:
    mounts = parse_mounts(PROC_MOUNTS)
    assert ("/mnt/shared files", "cifs") in mounts
    assert ("/mnt/office", "nfs4") in mounts
    assert parse_mounts("garbage\n\n") == []


@pytest.mark.parametrize(
    ("path", "filesystem", "remote"),
    [
        ("/home/anna/office.sqlite", "ext4", False),
        ("/tmp/office.sqlite", "tmpfs", False),
        ("/mnt/office/office.sqlite", "nfs4", True),
        ("/mnt/office", "nfs4", True),
        ("/mnt/officer/office.sqlite", "ext4", False),  # a prefix, not the mount point
        ("/mnt/shared files/Exchange Desk/office.sqlite", "cifs", True),
        ("/home/anna/remote/office.sqlite", "fuse.sshfs", True),
        ("/mnt/office/local/office.sqlite", "ext4", False),  # a disk mounted inside the share
    ],
)
def test_a_network_file_system_is_found_by_its_mount(
    path: str, filesystem: str, remote: bool
) -> None:
    mounts = parse_mounts(PROC_MOUNTS)
    assert filesystem_of(path, mounts) == filesystem
    assert is_network_path(path, windows=False, mounts=mounts) is remote


@pytest.mark.parametrize(
    ("path", "unc"),
    [
        (r"\\server\share\office.sqlite", True),
        ("//server/share/office.sqlite", True),
        (r"\\?\UNC\server\share\office.sqlite", True),
        (r"\\?\C:\Data\office.sqlite", False),
        (r"\\.\PhysicalDrive0", False),
        (r"C:\Data\office.sqlite", False),
        ("/home/anna/office.sqlite", False),
    ],
)
def test_unc_paths(path: str, unc: bool) -> None:
    assert is_unc_path(path) is unc


def test_a_mapped_network_drive_on_windows() -> None:
    asked: list[str] = []

    def drive_type(root: str) -> int:
        asked.append(root)
        return DRIVE_REMOTE if root.upper() == "Z:\\" else DRIVE_FIXED

    assert is_network_path(r"Z:\Office\office.sqlite", windows=True, drive_type=drive_type)
    assert not is_network_path(r"C:\Office\office.sqlite", windows=True, drive_type=drive_type)
    assert is_network_path(r"\\nas\office\office.sqlite", windows=True, drive_type=drive_type)
    assert asked == ["Z:\\", "C:\\"]  # a UNC path needs no question
    assert not is_network_path(r"Z:\Office\office.sqlite", windows=True)  # nothing to ask


@pytest.fixture
def on_a_share(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every SQLite file is on a network share (the detection is tested above)."""
    monkeypatch.setattr(storage, "on_network_share", lambda _path: True)
    monkeypatch.setattr(backups, "on_network_share", lambda _path: True)


@pytest.mark.usefixtures("on_a_share")
def test_a_file_on_a_share_is_kept_without_wal(tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite"
    database = open_database(path)
    try:
        create(database, City(name_en="Haifa", country="IL"))
        with database.reading() as session:
            assert session.execute(text("PRAGMA journal_mode")).scalar() == "delete"
        assert not Path(f"{path}-wal").exists()
    finally:
        database.dispose()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    connection.close()


@pytest.mark.usefixtures("on_a_share")
def test_the_command_line_says_once_that_a_share_is_no_way_to_share(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, "--db", str(demo_path), "list", "cities")
    assert code == 0
    assert "is on a network share" in err
    assert "PostgreSQL" in err
    code, _out, err = run(capsys, "--db", str(demo_path), "stats")
    assert code == 0
    assert "network share" not in err


def test_no_word_of_shares_for_a_local_file(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, "--db", str(demo_path), "list", "cities")
    assert code == 0
    assert err == ""
