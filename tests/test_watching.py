"""The change watcher (`services.watching`): one desk sees what another wrote, on SQLite
(`PRAGMA data_version`) and on PostgreSQL (LISTEN/NOTIFY), and not what it wrote itself.

Two desks are two `Database` objects on one file or server; the second writes as another
desk (its own identity, as another program's run would have).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from exchange_desk.domain.records import City
from exchange_desk.services import audit, records
from exchange_desk.services.audit import AuditEntry
from exchange_desk.services.changes import Changes
from exchange_desk.services.editing import delete_record, save_record
from exchange_desk.services.registry import DECLARED
from exchange_desk.services.watching import MANY, ChangeWatcher, Remote, changes_of
from exchange_desk.storage.database import Database, open_database

OTHER = audit.Identity("maria", "mchen", "desk-2", desk="another-desk")


def as_other_desk(database: Database) -> Database:
    """`database` writing as another desk: another user, machine and program run."""
    database._identity = OTHER  # type: ignore[attr-defined]
    return database


@pytest.fixture
def desks(database_url: str) -> Iterator[tuple[Database, Database]]:
    """This desk's database and another desk's, on the same file or server."""
    mine = open_database(database_url)
    theirs = as_other_desk(open_database(database_url))
    yield mine, theirs
    theirs.dispose()
    mine.dispose()


@pytest.fixture
def watcher(desks: tuple[Database, Database]) -> Iterator[ChangeWatcher]:
    found = ChangeWatcher(desks[0])
    assert found.wait(5.0)  # the first wait connects, and says "read what came meanwhile"
    assert found.poll() is None
    yield found
    found.close()


def next_news(watcher: ChangeWatcher, attempts: int = 20) -> Remote | None:
    """The next news the watcher reads, waiting for it; None if none comes (or only this
    desk's own changes, or another test's on the shared server)."""
    for _attempt in range(attempts):
        if watcher.wait(0.5):
            found = watcher.poll()
            if found is not None:
                return found
    return None


def city(name: str) -> City:
    return City(name_en=name, country="CN")


def test_another_desks_changes_are_seen(
    desks: tuple[Database, Database], watcher: ChangeWatcher
) -> None:
    _mine, theirs = desks
    saved = save_record(theirs, city("Jinan")).record
    news = next_news(watcher)
    assert news is not None
    assert news.changes == Changes.of_created("cities", saved.id)
    [entry] = news.entries
    assert (entry.user_name, entry.os_user, entry.host) == ("maria", "mchen", "desk-2")
    assert (entry.action, entry.kind, entry.record_id, entry.summary) == (
        "create",
        "cities",
        saved.id,
        "Jinan",
    )

    changed = save_record(theirs, dataclasses.replace(saved, name_en="Jinan City")).record
    news = next_news(watcher)
    assert news is not None
    assert news.changes == Changes.of_updated("cities", saved.id)
    assert news.entries[-1].fields == {"name_en": ["Jinan", "Jinan City"]}

    delete_record(theirs, "cities", changed.id)
    news = next_news(watcher)
    assert news is not None
    assert news.changes == Changes.of_deleted("cities", saved.id)
    assert not news.everything


def test_this_desks_own_changes_are_not_news(
    desks: tuple[Database, Database], watcher: ChangeWatcher
) -> None:
    mine, theirs = desks
    save_record(mine, city("Own"))
    assert next_news(watcher, attempts=4) is None
    # Read past, not again: the next news is only the other desk's.
    assert watcher.last_id == audit.latest_id(mine)
    theirs_saved = save_record(theirs, city("Theirs")).record
    news = next_news(watcher)
    assert news is not None
    assert news.changes == Changes.of_created("cities", theirs_saved.id)
    assert [entry.summary for entry in news.entries] == ["Theirs"]


def test_nothing_written_is_no_news(sqlite_url: str) -> None:
    mine = open_database(sqlite_url)
    watcher = ChangeWatcher(mine)
    try:
        assert watcher.wait(1.0)  # connected: catch up
        assert watcher.poll() is None
        assert not watcher.wait(0.4)  # SQLite's data_version did not move
        assert watcher.poll() is None
        assert watcher.last_id == watcher.start_id == 0
    finally:
        watcher.close()
        mine.dispose()


def test_lines_before_the_start_are_not_news(desks: tuple[Database, Database]) -> None:
    mine, theirs = desks
    save_record(theirs, city("Before"))
    watcher = ChangeWatcher(mine)
    try:
        assert watcher.start_id == audit.latest_id(mine) > 0
        watcher.wait(1.0)
        assert watcher.poll() is None
    finally:
        watcher.close()


def test_thousands_of_lines_are_everything(
    desks: tuple[Database, Database], watcher: ChangeWatcher
) -> None:
    """An import of thousands of rows at another desk is "read everything again", and the
    watcher ends past its last line."""
    mine, theirs = desks
    with records.transaction(theirs, "cities") as session:
        records.create_many_in(session, [city(f"Town {n}") for n in range(MANY + 500)])
    news = next_news(watcher)
    assert news is not None
    assert news.everything
    assert news.changes == Changes.everything(DECLARED)
    assert next_news(watcher, attempts=2) is None
    assert watcher.last_id == audit.latest_id(mine)


def test_past_this_desks_own_import_to_another_desks_change(
    desks: tuple[Database, Database], watcher: ChangeWatcher
) -> None:
    mine, theirs = desks
    with records.transaction(mine, "cities") as session:
        records.create_many_in(session, [city(f"Own {n}") for n in range(MANY + 500)])
    saved = save_record(theirs, city("Theirs")).record
    news = next_news(watcher)
    assert news is not None
    assert news.changes == Changes.of_created("cities", saved.id)
    assert not news.everything
    assert next_news(watcher, attempts=2) is None


def test_closed_watcher_waits_no_more(desks: tuple[Database, Database]) -> None:
    watcher = ChangeWatcher(desks[0])
    watcher.wait(1.0)
    watcher.close()
    assert watcher.wait(30.0) is False  # at once
    watcher.close()  # twice is harmless


def test_stop_waiting_from_another_thread(desks: tuple[Database, Database]) -> None:
    watcher = ChangeWatcher(desks[0])
    watcher.wait(1.0)
    woken: list[bool] = []

    def wait_until_stopped() -> None:
        # True for any change meanwhile (another test's, on a shared server), then False.
        while watcher.wait(60.0):
            woken.append(True)
        woken.append(False)

    thread = threading.Thread(target=wait_until_stopped)
    thread.start()
    watcher.stop_waiting()
    thread.join(timeout=10)
    watcher.close()
    assert not thread.is_alive()
    assert woken[-1] is False


def _copy(source: Path, target: Path) -> None:
    """SQLite's online backup, as the program's backup and restore use it."""
    with (
        contextlib.closing(sqlite3.connect(source)) as reading,
        contextlib.closing(sqlite3.connect(target)) as writing,
    ):
        reading.backup(writing)


def test_a_restored_database_is_everything(sqlite_url: str, tmp_path: Path) -> None:
    """A restore puts back an older log, whose next lines reuse ids already read: the
    watcher says "everything", then reads on from the restored log's newest line."""
    mine = open_database(sqlite_url)
    theirs = as_other_desk(open_database(sqlite_url))
    watcher = ChangeWatcher(mine)
    assert mine.path is not None
    try:
        save_record(theirs, city("Before"))
        backup = tmp_path / "backup.sqlite"
        _copy(mine.path, backup)
        for name in ("After 1", "After 2"):
            save_record(theirs, city(name))
        assert next_news(watcher) is not None

        _copy(backup, mine.path)  # restored; the restore's line not written yet
        news = next_news(watcher)
        assert news is not None
        assert news.everything
        assert news.entries == ()
        audit.log(theirs, audit.Action.RESTORE, summary="backup.sqlite")
        news = next_news(watcher)
        assert news is not None
        assert news.everything
        assert [entry.action for entry in news.entries] == ["restore"]
        again = save_record(theirs, city("After the restore")).record
        news = next_news(watcher)
        assert news is not None
        assert news.changes == Changes.of_created("cities", again.id)

        _copy(backup, mine.path)  # restored, and its line written, before the next read
        audit.log(theirs, audit.Action.RESTORE, summary="backup.sqlite")
        news = next_news(watcher)
        assert news is not None
        assert news.everything
        assert [entry.summary for entry in news.entries] == ["backup.sqlite"]
        assert next_news(watcher, attempts=2) is None
    finally:
        watcher.close()
        theirs.dispose()
        mine.dispose()


# --- PostgreSQL: commits out of order, a server that goes away -------------------------------


@pytest.mark.postgres
def test_a_line_committed_after_a_later_one_is_seen(pg_url: str) -> None:
    """PostgreSQL hands out ids when lines are written: a transaction that wrote first and
    commits last must not be passed over."""
    mine = open_database(pg_url)
    slow = as_other_desk(open_database(pg_url))
    quick = as_other_desk(open_database(pg_url))
    watcher = ChangeWatcher(mine)
    try:
        watcher.wait(5.0)
        with slow.unit_of_work():
            first = save_record(slow, city("Slow")).record  # its line's id comes first
            second = save_record(quick, city("Quick")).record
            news = next_news(watcher)
            assert news is not None
            assert news.changes == Changes.of_created("cities", second.id)
        news = next_news(watcher)
        assert news is not None
        assert news.changes == Changes.of_created("cities", first.id)
    finally:
        watcher.close()
        for database in (quick, slow, mine):
            database.dispose()


@pytest.mark.postgres
def test_the_listener_connects_again(
    pg_url: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from exchange_desk.services import watching

    monkeypatch.setattr(watching, "RETRY_FIRST", 0.2)
    mine = open_database(pg_url)
    theirs = as_other_desk(open_database(pg_url))
    watcher = ChangeWatcher(mine)
    admin = create_engine(pg_url)
    try:
        watcher.wait(5.0)
        pid = watcher._listener.info.backend_pid
        with admin.begin() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with caplog.at_level(logging.WARNING, logger="exchange_desk.watching"):
            for _attempt in range(40):  # the wait notices, logs, and connects again
                watcher.wait(0.25)
                if watcher._listener is not None and watcher._listener.info.backend_pid != pid:
                    break
        assert "Cannot watch" in caplog.text
        assert watcher._listener.info.backend_pid != pid
        saved = save_record(theirs, city("After")).record
        news = next_news(watcher)
        assert news is not None
        assert news.changes == Changes.of_created("cities", saved.id)
    finally:
        watcher.close()
        admin.dispose()
        theirs.dispose()
        mine.dispose()


# --- what the lines say changed ---------------------------------------------------------


def line(
    action: str, kind: str | None = None, record_id: int | None = None, **details: Any
) -> AuditEntry:
    return AuditEntry(
        id=1,
        at=dt.datetime(2025, 5, 1, 8, 42),
        user_name="maria",
        os_user="mchen",
        host="desk-2",
        desk="another-desk",
        action=action,
        kind=kind,
        record_id=record_id,
        summary="",
        details=details,
    )


def test_changes_of_lines() -> None:
    assert changes_of(
        [
            line("create", "cities", 1),
            line("update", "partnerships", 2),
            line("delete", "persons", 3),
            line("undo", "cities", 4, did="delete"),
            line("redo", "delegations", 5, did="create"),
            line("import", "organizations", 6, did="create"),
            line("certificate-issued", "certificates", 7),
            line("certificate-printed", "certificates", 8),
            line("export"),
            line("backup"),
            line("grant"),
        ]
    ) == Changes.of(
        created={"cities": {1}, "delegations": {5}, "organizations": {6}},
        updated={"partnerships": {2}, "certificates": {7, 8}},
        deleted={"persons": {3}, "cities": {4}},
    )
    assert changes_of([line("profile")]) == Changes(profile=True)
    assert changes_of([line("create", "cities", 1), line("restore")]) == Changes.everything(
        DECLARED
    )
    assert not changes_of([line("export"), line("backup")])


def test_merged_news_keeps_everything() -> None:
    """Everything merged with a few ids is still everything: "every city" is not narrowed
    to the ids."""
    few = Remote(Changes.of_updated("cities", 1), (line("update", "cities", 1),))
    everything = Remote(Changes.everything(DECLARED), ())
    for merged in (few | everything, everything | few):
        assert merged.everything
        assert merged.changes.touches("cities", 99)
    both = few | Remote(Changes.of_created("persons", 2), (line("create", "persons", 2),))
    assert both.changes == Changes.of(updated={"cities": {1}}, created={"persons": {2}})
    assert len(both.entries) == 2
    assert not both.everything
