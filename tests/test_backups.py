"""Backups and restoring them: consistent copies while another desk writes, the round trip
backup → change → restore on SQLite and on PostgreSQL (pg_dump's archive and the program's
own export), what a restore refuses, the backup it makes first, the automatic daily copies
and their rotation, `db backup`/`db restore`/`db backups`, and the window's Backups dialog
and restore confirmation.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from exchange_desk.cli import EXIT_REFUSED, EXIT_USAGE, main
from exchange_desk.domain.errors import NotAllowed
from exchange_desk.domain.records import City
from exchange_desk.domain.roles import Role
from exchange_desk.services import backups
from exchange_desk.services.backups import (
    BackupKind,
    BackupRefused,
    automatic_backup,
    back_up,
    inspect_backup,
    list_backups,
    restore,
    rotation,
)
from exchange_desk.services.changes import Changes
from exchange_desk.services.records import create
from exchange_desk.storage import database as storage
from exchange_desk.storage import schema
from exchange_desk.storage.database import SCHEMA_HEAD, Database, open_database

MIGRATIONS = Path(__file__).parent / "data" / "migrations"


@pytest.fixture(autouse=True)
def _data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Backups of a server go to the user's data folder: this test's own."""
    folder = tmp_path / "user-data"
    monkeypatch.setattr(backups, "user_data_dir", lambda: folder)
    return folder


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    return code, out.getvalue(), err


def city_names(database: Database) -> list[str]:
    with database.reading() as session:
        return list(
            session.execute(select(schema.cities.c.name_en).order_by(schema.cities.c.id)).scalars()
        )


def snapshot(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the audit log, in key order."""
    found = {}
    with database.reading() as session:
        for table in schema.metadata.sorted_tables:
            if table.name == "audit_log":
                continue
            order = list(table.primary_key.columns)
            found[table.name] = [
                tuple(row) for row in session.execute(select(table).order_by(*order))
            ]
    return found


def audit_lines(database: Database) -> list[tuple[int, str, str]]:
    with database.reading() as session:
        return [
            (row.id, row.action, row.summary)
            for row in session.execute(select(schema.audit_log).order_by(schema.audit_log.c.id))
        ]


def some_records(database: Database) -> None:
    for name in ("Kfar Saba", "Augsburg", "Nizhny Novgorod"):
        create(database, City(name_en=name, country="IL" if name == "Kfar Saba" else "DE"))


def change_everything(database: Database) -> None:
    """What a restore must undo: a city renamed, one deleted, one added."""
    with database.unit_of_work() as session:
        session.execute(
            schema.cities.update()
            .where(schema.cities.c.name_en == "Augsburg")
            .values(name_en="Augsburg (renamed)")
        )
        session.execute(schema.cities.delete().where(schema.cities.c.name_en == "Kfar Saba"))
    create(database, City(name_en="Haifa", country="IL"))


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Database]:
    """A SQLite database with three cities, in a folder of its own."""
    folder = tmp_path / "office"
    folder.mkdir()
    database = open_database(folder / "office.sqlite")
    some_records(database)
    yield database
    database.dispose()


# --- consistent copies -----------------------------------------------------------------------


@pytest.mark.parametrize("shared", [False, True], ids=["wal", "network-share-journal"])
def test_a_backup_while_another_desk_holds_a_write_transaction_is_consistent(
    shared: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shared:  # the rollback journal a file on a network share is kept with
        monkeypatch.setattr(storage, "on_network_share", lambda _path: True)
    # The backup's line in the log waits for the other desk's lock: not for long.
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_SECONDS", 0.2)
    path = tmp_path / "office.sqlite"
    database = open_database(path)
    try:
        some_records(database)
        other = sqlite3.connect(path, timeout=5, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE cities SET name_en = 'half-written' WHERE name_en = 'Augsburg'")
            other.execute("DELETE FROM cities WHERE name_en = 'Kfar Saba'")
            made = back_up(database, tmp_path / "copy.sqlite")
            other.execute("COMMIT")
        finally:
            other.close()
        assert city_names(database) == ["half-written", "Nizhny Novgorod"]
    finally:
        database.dispose()
    contents = inspect_backup(made.path)  # passes SQLite's integrity check
    assert contents.revision == SCHEMA_HEAD
    assert contents.counts["cities"] == 3
    copy = open_database(made.path, read_only=True)
    try:
        assert city_names(copy) == ["Kfar Saba", "Augsburg", "Nizhny Novgorod"]
    finally:
        copy.dispose()
    assert not Path(f"{made.path}-wal").exists()  # one file, whatever the original's journal


# --- the round trip --------------------------------------------------------------------------


def round_trip(database: Database, target: Path) -> None:
    """Back up, change, restore: the rows are those backed up, the audit log is the backed-up
    one with the restore's line after it, and new records take new ids."""
    before = snapshot(database)
    logged = audit_lines(database)
    made = back_up(database, target)
    assert made.path == target
    assert target.stat().st_size == made.size > 0
    change_everything(database)
    assert snapshot(database) != before

    restored = restore(database, target)

    assert snapshot(database) == before
    lines = audit_lines(database)
    assert [line[1:] for line in lines[: len(logged)]] == [line[1:] for line in logged]
    assert [line[1:] for line in lines[len(logged) :]] == [("restore", target.name)]
    assert restored.changes == Changes.everything(restored.changes.kinds)
    assert restored.changes.touches("cities")
    haifa = create(database, City(name_en="Haifa", country="IL"))
    assert haifa.id is not None
    assert haifa.id > max(row[0] for row in before["cities"])


def test_round_trip_on_sqlite(office: Database, tmp_path: Path) -> None:
    round_trip(office, tmp_path / "backup.sqlite")
    assert city_names(office)[:3] == ["Kfar Saba", "Augsburg", "Nizhny Novgorod"]


@pytest.mark.postgres
@pytest.mark.parametrize("method", ["pg_dump", "export"])
def test_round_trip_on_postgresql(
    method: str, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if method == "export":
        monkeypatch.setattr(shutil, "which", lambda _name, *args, **kwargs: None)
    elif shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    database = open_database(pg_url)
    try:
        some_records(database)
        target = tmp_path / ("backup.dump" if method == "pg_dump" else "backup.sqlite")
        round_trip(database, target)
        contents = inspect_backup(target)
        assert contents.format == ("pg_dump" if method == "pg_dump" else "sqlite")
        assert contents.counts["cities"] == 3
        with database.engine.connect() as connection:
            triggers = connection.execute(
                text(
                    "SELECT tgname, tgenabled FROM pg_trigger "
                    "WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal ORDER BY tgname"
                )
            ).all()
        # The append-only trigger is on again after the rows were put back.
        assert ("audit_log_append_only", "O") in [tuple(row) for row in triggers]
        with pytest.raises(Exception, match="append-only"), database.engine.begin() as connection:
            connection.execute(text("DELETE FROM audit_log"))
    finally:
        database.dispose()


@pytest.mark.postgres
def test_the_export_of_a_server_opens_as_a_sqlite_database(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name, *args, **kwargs: None)
    database = open_database(pg_url)
    try:
        some_records(database)
        logged = audit_lines(database)
        made = back_up(database, tmp_path / "export.sqlite")
        assert made.method == "sqlite"
        expected = snapshot(database)
        # The backup is on record, after what it holds.
        assert audit_lines(database)[-1][1:] == ("backup", "export.sqlite")
    finally:
        database.dispose()
    copy = open_database(made.path, read_only=True)
    try:
        assert snapshot(copy) == expected
        assert audit_lines(copy) == logged
        assert copy.stored_revision() == SCHEMA_HEAD
    finally:
        copy.dispose()


def _held(counts: dict[str, int]) -> dict[str, int]:
    """The kinds of which there are records."""
    return {kind: count for kind, count in counts.items() if count}


@pytest.mark.postgres
def test_a_sqlite_backup_of_an_older_schema_restores_into_a_server(
    pg_url: str, tmp_path: Path
) -> None:
    old = tmp_path / "0003.sqlite"
    shutil.copyfile(MIGRATIONS / "0003.sqlite", old)
    expected = inspect_backup(old).counts
    database = open_database(pg_url)
    try:
        restored = restore(database, old)
        assert _held(backups.current_counts(database)) == _held(expected)
        assert database.stored_revision() == SCHEMA_HEAD
        assert audit_lines(database)[-1][1] == "restore"
        assert restored.before.exists()
    finally:
        database.dispose()


def test_a_backup_of_an_older_schema_is_migrated_after_restoring(
    office: Database, tmp_path: Path
) -> None:
    old = tmp_path / "0003.sqlite"
    shutil.copyfile(MIGRATIONS / "0003.sqlite", old)
    contents = inspect_backup(old)
    assert contents.revision == "0003"
    assert contents.is_older
    restored = restore(office, old)
    assert restored.migrated
    assert office.stored_revision() == SCHEMA_HEAD
    # The kinds a newer schema added are empty: the old file could not hold them.
    assert _held(backups.current_counts(office)) == _held(contents.counts)
    assert audit_lines(office)[-1][1:] == ("restore", "0003.sqlite")


# --- what a restore refuses, and what it does first ------------------------------------------


def test_restore_refuses_a_file_that_is_no_database(office: Database, tmp_path: Path) -> None:
    before = snapshot(office)
    note = tmp_path / "notes.sqlite"
    note.write_text("Meeting with the Kfar Saba delegation at 10:00\n", encoding="utf-8")
    with pytest.raises(BackupRefused, match="is not a backup of Exchange Desk"):
        restore(office, note)
    foreign = tmp_path / "other-program.sqlite"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    connection.close()
    with pytest.raises(BackupRefused, match="is not a backup of Exchange Desk"):
        restore(office, foreign)
    with pytest.raises(BackupRefused, match="There is no file"):
        restore(office, tmp_path / "missing.sqlite")
    assert snapshot(office) == before
    assert not backups.backup_folder(office).exists()  # nothing was even backed up


def test_restore_refuses_a_backup_of_a_newer_version(office: Database, tmp_path: Path) -> None:
    made = back_up(office, tmp_path / "newer.sqlite")
    with sqlite3.connect(made.path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    change_everything(office)
    before = snapshot(office)
    with pytest.raises(BackupRefused, match=r"newer version of Exchange Desk \(schema 9999\)"):
        restore(office, made.path)
    assert snapshot(office) == before


def test_restore_refuses_a_damaged_backup(office: Database, tmp_path: Path) -> None:
    made = back_up(office, tmp_path / "damaged.sqlite")
    with made.path.open("r+b") as handle:
        handle.seek(100)  # the first page: the schema's own table
        handle.write(b"\xff" * 3000)
    with pytest.raises(BackupRefused, match="damaged"):
        restore(office, made.path)
    assert city_names(office) == ["Kfar Saba", "Augsburg", "Nizhny Novgorod"]


def test_restore_is_for_an_administrator(office: Database, tmp_path: Path) -> None:
    made = back_up(office, tmp_path / "backup.sqlite")
    change_everything(office)
    # An editor: the role is read once and kept on the database (services.roles.role_of).
    office._role = Role.EDITOR  # type: ignore[attr-defined]
    with pytest.raises(NotAllowed, match="Only an administrator"):
        restore(office, made.path)
    assert "Haifa" in city_names(office)


def test_a_server_archive_is_not_restored_into_a_file(office: Database, tmp_path: Path) -> None:
    archive = tmp_path / "office.dump"
    archive.write_bytes(b"PGDMP\x01\x0f\x00" + b"\x00" * 64)
    with pytest.raises(BackupRefused):
        restore(office, archive)
    assert city_names(office) == ["Kfar Saba", "Augsburg", "Nizhny Novgorod"]


def test_restore_backs_the_database_up_first(office: Database, tmp_path: Path) -> None:
    made = back_up(office, tmp_path / "backup.sqlite")
    change_everything(office)
    changed = snapshot(office)
    restored = restore(office, made.path)
    assert restored.before.parent == backups.backup_folder(office)
    assert restored.before.name.startswith("office.before-restore.")
    kept = open_database(restored.before, read_only=True)
    try:
        assert snapshot(kept) == changed
    finally:
        kept.dispose()
    listed = {item.path: item.kind for item in list_backups(office)}
    assert listed[restored.before] is BackupKind.BEFORE_RESTORE


def test_a_backup_is_never_written_over_the_database(office: Database) -> None:
    assert office.path is not None
    with pytest.raises(BackupRefused, match="over the database itself"):
        back_up(office, office.path)
    assert city_names(office) == ["Kfar Saba", "Augsburg", "Nizhny Novgorod"]


def test_a_full_disk_is_said_and_leaves_no_half_backup(
    office: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = sqlite3.connect

    class FullDisk:
        def __init__(self, inner: sqlite3.Connection) -> None:
            self.inner = inner

        def backup(self, _target: object, **_options: object) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        def __getattr__(self, name: str) -> object:
            return getattr(self.inner, name)

    def connect(target: object, *args: Any, **kwargs: Any) -> object:
        connection = real(target, *args, **kwargs)  # type: ignore[call-overload]
        return FullDisk(connection) if kwargs.get("uri") else connection

    monkeypatch.setattr(sqlite3, "connect", connect)
    target = tmp_path / "out" / "backup.sqlite"
    with pytest.raises(Exception, match="is full") as refused:
        back_up(office, target)
    assert "could not be written" in str(refused.value)
    assert sorted(p.name for p in target.parent.iterdir()) == []


# --- automatic backups and their rotation ----------------------------------------------------


def test_rotation_keeps_seven_days_and_four_weeks() -> None:
    # One backup a day at 09:00 from Monday 1 January to Thursday 29 February 2024, and a
    # second one on 29 February at 17:00.
    made = {
        Path(f"day-{day:03}"): dt.datetime(2024, 1, 1, 9) + dt.timedelta(days=day)
        for day in range(60)
    }
    made[Path("late")] = dt.datetime(2024, 2, 29, 17)
    kept = rotation(made)
    daily = sorted(made[p] for p, kind in kept.keep.items() if kind is BackupKind.DAILY)
    weekly = sorted(made[p] for p, kind in kept.keep.items() if kind is BackupKind.WEEKLY)
    # The newest of each of the last 7 days (the later one on 29 February)...
    assert [at.date() for at in daily] == [
        dt.date(2024, 2, day) for day in (23, 24, 25, 26, 27, 28, 29)
    ]
    assert daily[-1] == dt.datetime(2024, 2, 29, 17)
    # ...and of each of the last 4 ISO weeks: weeks 9 and 8 end on days kept already
    # (29 and 25 February), weeks 7 and 6 on Sundays 18 and 11 February.
    assert weekly == [dt.datetime(2024, 2, 11, 9), dt.datetime(2024, 2, 18, 9)]
    assert len(kept.delete) == len(made) - 9
    assert not set(kept.delete) & set(kept.keep)


def test_rotation_counts_days_that_have_a_backup() -> None:
    """A desk used once a month keeps its last backups, not none."""
    made = {Path(f"m{month}"): dt.datetime(2024, month, 3, 9) for month in range(1, 13)}
    kept = rotation(made)
    assert sorted(made[p].month for p in kept.keep) == [6, 7, 8, 9, 10, 11, 12]
    assert all(kind is BackupKind.DAILY for kind in kept.keep.values())


def test_automatic_backups_are_made_once_a_day_and_rotated(office: Database) -> None:
    folder = backups.backup_folder(office)
    start = dt.datetime(2024, 1, 1, 8, 30)
    for day in range(40):
        now = start + dt.timedelta(days=day)
        made = automatic_backup(office, now=now)
        assert made is not None
        assert made.path.name == f"office.auto.{now:%Y%m%d-%H%M%S}.sqlite"
        # Opened again the same day: no second copy.
        assert automatic_backup(office, now=now + dt.timedelta(hours=8)) is None
    files = sorted(p.name for p in folder.iterdir())
    days = sorted(
        dt.datetime.strptime(name.split(".")[2], "%Y%m%d-%H%M%S").date() for name in files
    )
    last = dt.date(2024, 2, 9)  # the 40th day, a Friday
    expected_daily = [last - dt.timedelta(days=n) for n in range(7)]  # 3 to 9 February
    # The last 4 ISO weeks: weeks 6 and 5 end on days kept already (9 and Sunday 4
    # February), weeks 4 and 3 on Sundays 28 and 21 January.
    expected = sorted(
        {*expected_daily, dt.date(2024, 2, 4), dt.date(2024, 1, 28), dt.date(2024, 1, 21)}
    )
    assert days == expected
    listed = list_backups(office)
    assert [item.kind for item in listed] == [BackupKind.DAILY] * 7 + [BackupKind.WEEKLY] * 2
    assert inspect_backup(listed[0].path).counts["cities"] == 3


def test_an_empty_database_is_not_backed_up(tmp_path: Path) -> None:
    database = open_database(tmp_path / "new.sqlite")
    try:
        assert automatic_backup(database) is None
        assert not backups.backup_folder(database).exists()
    finally:
        database.dispose()


@pytest.mark.postgres
def test_a_server_gets_no_automatic_backup(pg_url: str, tmp_path: Path) -> None:
    database = open_database(pg_url)
    try:
        some_records(database)
        assert automatic_backup(database) is None
        assert not (tmp_path / "user-data").exists()
    finally:
        database.dispose()


def test_the_list_names_every_kind_of_backup(office: Database, tmp_path: Path) -> None:
    folder = backups.backup_folder(office)
    automatic_backup(office, now=dt.datetime(2024, 3, 1, 9))
    automatic_backup(office, now=dt.datetime(2024, 3, 20, 9))
    manual = back_up(
        office, backups.suggested_backup_path(office, now=dt.datetime(2024, 3, 21, 10))
    )
    own_name = back_up(office, folder / "before the trip to Jinan.sqlite")
    upgrade = office.backup("before-0005")  # the copy an upgrade makes beside the file
    # Not backups of this database: another one's, a damaged file set aside, a note.
    shutil.copyfile(manual.path, folder / "other.auto.20240322-090000.sqlite")
    shutil.copyfile(manual.path, folder / "office.damaged.20240322-090000.sqlite")
    (folder / "readme.txt").write_text("backups", encoding="utf-8")
    kinds = {item.path.name: item.kind for item in list_backups(office)}
    assert kinds == {
        "office.auto.20240301-090000.sqlite": BackupKind.DAILY,
        "office.auto.20240320-090000.sqlite": BackupKind.DAILY,
        "office.manual.20240321-100000.sqlite": BackupKind.MANUAL,
        own_name.path.name: BackupKind.MANUAL,
        upgrade.name: BackupKind.BEFORE_UPGRADE,
    }
    assert [item.made for item in list_backups(office)][2:] == [
        dt.datetime(2024, 3, 21, 10),
        dt.datetime(2024, 3, 20, 9),
        dt.datetime(2024, 3, 1, 9),
    ]


# --- the command line ------------------------------------------------------------------------


@pytest.fixture
def office_path(office: Database) -> Path:
    assert office.path is not None
    path = office.path
    office.dispose()
    return path


def test_db_backup_and_restore_on_the_command_line(
    office_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "saved.sqlite"
    code, out, _err = run(capsys, "--db", str(office_path), "db", "backup", "-o", str(target))
    assert code == 0
    assert f"written to {target}" in out
    database = open_database(office_path)
    change_everything(database)
    database.dispose()

    code, out, err = run(capsys, "--db", str(office_path), "db", "restore", str(target))
    assert code == EXIT_USAGE
    assert "which now holds:" in out
    assert "  cities: 3" in out
    assert f"The backup {target} of" in out
    assert "--force" in err
    assert not (office_path.parent / "backups").exists()
    database = open_database(office_path)
    assert "Haifa" in city_names(database)
    database.dispose()

    code, out, _err = run(capsys, "--db", str(office_path), "db", "restore", str(target), "--force")
    assert code == 0
    assert f"restored from {target}" in out
    assert "as it was before is kept in" in out
    database = open_database(office_path)
    try:
        assert city_names(database) == ["Kfar Saba", "Augsburg", "Nizhny Novgorod"]
    finally:
        database.dispose()

    code, out, _err = run(capsys, "--db", str(office_path), "db", "backups")
    assert code == 0
    assert "before a restore" in out
    assert "office.before-restore." in out


def test_the_command_line_refuses_what_is_no_backup(
    office_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    note = tmp_path / "notes.txt"
    note.write_text("not a database", encoding="utf-8")
    code, _out, err = run(capsys, "--db", str(office_path), "db", "restore", str(note), "--force")
    assert code == EXIT_REFUSED
    assert "is not a backup of Exchange Desk" in err
    assert not (office_path.parent / "backups").exists()


def test_a_damaged_database_is_set_aside_and_restored(
    office_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "saved.sqlite"
    assert run(capsys, "--db", str(office_path), "db", "backup", "-o", str(target))[0] == 0
    office_path.write_bytes(b"\x00garbage" * 500)
    code, out, err = run(capsys, "--db", str(office_path), "db", "restore", str(target))
    assert code == EXIT_USAGE
    assert "not a SQLite database" in out
    assert "moves the damaged file aside" in out
    code, out, _err = run(capsys, "--db", str(office_path), "db", "restore", str(target), "--force")
    assert code == 0, err
    assert "moved aside" in out
    aside = list((office_path.parent / "backups").glob("office.damaged.*.sqlite"))
    assert len(aside) == 1
    assert aside[0].read_bytes().startswith(b"\x00garbage")
    database = open_database(office_path)
    try:
        assert city_names(database) == ["Kfar Saba", "Augsburg", "Nizhny Novgorod"]
    finally:
        database.dispose()


def test_a_damaged_database_names_its_latest_automatic_backup(
    office: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    made = automatic_backup(office, now=dt.datetime(2024, 3, 1, 9))
    assert made is not None
    assert office.path is not None
    path = office.path
    office.dispose()
    path.write_bytes(b"\x00garbage" * 500)
    code, _out, err = run(capsys, "--db", str(path), "list", "cities")
    assert code == 3
    assert f"The latest backup of it is {made.path}" in err


def test_db_backups_as_json(office: Database, capsys: pytest.CaptureFixture[str]) -> None:
    automatic_backup(office, now=dt.datetime(2024, 3, 1, 9))
    assert office.path is not None
    import json

    code, out, _err = run(capsys, "--db", str(office.path), "db", "backups", "--json")
    assert code == 0
    assert json.loads(out) == [
        {
            "path": str(backups.backup_folder(office) / "office.auto.20240301-090000.sqlite"),
            "made": "2024-03-01T09:00:00",
            "kind": "daily",
            "size": list_backups(office)[0].size,
        }
    ]


@pytest.mark.postgres
def test_db_backup_of_a_server_without_pg_dump(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    open_database(pg_url).dispose()
    monkeypatch.setattr(shutil, "which", lambda _name, *args, **kwargs: None)
    target = tmp_path / "server.sqlite"
    code, out, _err = run(capsys, "--db", pg_url, "db", "backup", "-o", str(target))
    assert code == 0
    assert "pg_dump was not found" in out
    assert inspect_backup(target).format == "sqlite"


# --- the window ------------------------------------------------------------------------------


@pytest.fixture
def window(qtbot: Any, office: Database, tmp_path: Path) -> Iterator[Any]:
    from PySide6.QtCore import QSettings, QThreadPool

    from exchange_desk.ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    main_window = MainWindow(office, settings, remember=False)
    qtbot.addWidget(main_window)
    yield main_window
    assert QThreadPool.globalInstance().waitForDone(30_000)


# Dialogs shown offscreen: the platform plugin says what it cannot do for them.
offscreen_dialogs = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise)"
)


def wait_done(qtbot: Any, actions: Any) -> None:
    qtbot.waitUntil(
        lambda: actions.operation is not None and actions.operation.done, timeout=30_000
    )


def test_the_file_menu_has_the_backup_actions(window: Any) -> None:
    from exchange_desk.ui.language import apply_language

    texts = [action.text() for action in window.menu_file.actions() if action.text()]
    assert texts[-4:] == ["&Back up…", "Re&store…", "Bac&kups…", "&Quit"]
    assert window.act_restore is window.backup_actions.act_restore
    assert window.act_restore.isEnabled()  # SQLite: the one user administers it
    window.act_backup.setText("stale")
    apply_language("he")
    try:
        assert window.act_backup.text() == "&גיבוי…"  # set again, in Hebrew
    finally:
        apply_language("en")


@offscreen_dialogs
def test_the_backups_dialog_lists_the_backups(
    qtbot: Any, window: Any, office: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    from exchange_desk.ui import backup_dialogs

    automatic_backup(office, now=dt.datetime(2024, 3, 1, 9))
    automatic_backup(office, now=dt.datetime(2024, 3, 4, 9))
    back_up(office, backups.suggested_backup_path(office, now=dt.datetime(2024, 3, 5, 9)))
    dialog = window.backup_actions.show_backups()
    qtbot.waitUntil(lambda: dialog.read_once, timeout=20_000)
    rows = [
        [dialog.table.item(row, column).text() for column in range(4)]
        for row in range(dialog.table.rowCount())
    ]
    assert [row[1] for row in rows] == ["manual", "daily", "daily"]
    assert rows[0][0].replace("\u202f", " ") == "Mar 5, 2024, 9:00 AM"
    assert "office.manual.20240305-090000.sqlite" in rows[0][3]
    assert "kB" in rows[0][2]
    assert dialog.chosen() is not None
    assert dialog.chosen().kind is BackupKind.MANUAL
    assert dialog.restore_button.isEnabled()
    assert "7 days and 4 weeks" in dialog.rule.text()

    shown: list[Path] = []
    monkeypatch.setattr(backup_dialogs, "reveal", shown.append)
    dialog.select_row(2)
    assert dialog.show_chosen() == dialog.backups[2].path
    assert shown == [backups.backup_folder(office) / "office.auto.20240301-090000.sqlite"]

    # Back up now: the list reads again and shows the new one first.
    target = backups.backup_folder(office) / "office.manual.29990101-000000.sqlite"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args: (str(target), ""))
    dialog.back_up_button.click()
    wait_done(qtbot, window.backup_actions)
    qtbot.waitUntil(lambda: len(dialog.backups) == 4, timeout=20_000)
    assert dialog.backups[0].path == target
    assert "Backup written to" in window.statusBar().currentMessage()


@offscreen_dialogs
def test_restoring_in_the_window_asks_first_then_shows_the_restored_data(
    qtbot: Any, window: Any, office: Database, tmp_path: Path
) -> None:
    from exchange_desk.ui.operations import change_hub

    made = back_up(office, tmp_path / "backup.sqlite")
    change_everything(office)
    actions = window.backup_actions
    actions.restore(made.path)
    qtbot.waitUntil(lambda: actions.confirmation is not None, timeout=20_000)
    box = actions.confirmation
    assert box.windowTitle() == "Restore a backup"
    assert box.file_value.text().strip("\u202a\u202c") == "backup.sqlite"
    assert str(dt.date.today().year) in box.date_value.text()  # the file's date
    assert "kB" in box.date_value.text()
    table = {
        box.counts.item(row, 0).text(): (
            box.counts.item(row, 1).text(),
            box.counts.item(row, 2).text(),
        )
        for row in range(box.counts.rowCount())
    }
    assert table == {"cities": ("3", "3")}
    assert box.cancel_button.isDefault()

    box.cancel_button.click()  # nothing happens
    assert "Haifa" in city_names(office)
    assert not backups.backup_folder(office).exists()

    actions.confirmation = None
    actions.restore(made.path)
    qtbot.waitUntil(lambda: actions.confirmation is not None, timeout=20_000)
    with qtbot.waitSignal(change_hub().changed, timeout=30_000) as emitted:
        actions.confirmation.restore_button.click()
    assert emitted.args[0].touches("cities")
    assert emitted.args[0].profile
    assert city_names(office) == ["Kfar Saba", "Augsburg", "Nizhny Novgorod"]
    assert actions.notice.box is not None
    assert "The database was restored from" in actions.notice.box.text()
    assert not window.history.stack.canUndo()


@offscreen_dialogs
def test_the_window_says_what_is_wrong_with_a_file(
    qtbot: Any, window: Any, office: Database, tmp_path: Path
) -> None:
    note = tmp_path / "notes.sqlite"
    note.write_text("not a backup", encoding="utf-8")
    actions = window.backup_actions
    actions.restore(note)
    wait_done(qtbot, actions)
    assert actions.confirmation is None
    assert actions.notice.box is not None
    assert actions.notice.box.windowTitle() == "Restore"
    assert "is not a backup of Exchange Desk" in actions.notice.box.text()
    assert city_names(office) == ["Kfar Saba", "Augsburg", "Nizhny Novgorod"]


@offscreen_dialogs
def test_the_window_backs_up_on_start_and_warns_of_a_share_once(
    qtbot: Any, window: Any, office: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QThreadPool

    from exchange_desk.ui.backup_dialogs import start_backup_duties

    monkeypatch.setattr(backups, "on_network_share", lambda _path: True)
    start_backup_duties(window)
    qtbot.waitUntil(lambda: hasattr(window, "network_share_notice"), timeout=20_000)
    assert "is on a network share" in window.network_share_notice.box.text()
    assert "Automatic backup made" in window.statusBar().currentMessage()
    assert [item.kind for item in list_backups(office)] == [BackupKind.DAILY]
    del window.network_share_notice
    start_backup_duties(window)  # the next start: no backup due, nothing more to say
    assert QThreadPool.globalInstance().waitForDone(20_000)
    qtbot.wait(50)
    assert not hasattr(window, "network_share_notice")
    assert len(list_backups(office)) == 1
