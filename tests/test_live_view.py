"""The live view (`ui.live_view`): another desk's change reaches this window's table, detail
pane and status bar; bursts are told a few times, not once per line; its thread stops with
the window, with the view, and at quit.

Two desks are two `Database` objects on one SQLite file, the second writing as another desk.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QSettings, QThreadPool
from PySide6.QtWidgets import QApplication

from exchange_desk.domain.records import City
from exchange_desk.services import audit, records
from exchange_desk.services.audit import AuditEntry
from exchange_desk.services.changes import Changes
from exchange_desk.services.editing import save_record
from exchange_desk.storage.database import Database, open_database
from exchange_desk.ui import live_view
from exchange_desk.ui.live_view import LiveView, announcement
from exchange_desk.ui.main_window import MainWindow
from exchange_desk.ui.operations import change_hub

OTHER = audit.Identity("maria", "mchen", "desk-2", desk="another-desk")


def live_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "live-view"]


@pytest.fixture(autouse=True)
def _no_thread_left(qapp: QApplication) -> Iterator[None]:
    """Every test ends with its live views stopped and its background reads done."""
    yield
    assert QThreadPool.globalInstance().waitForDone(30_000)
    qapp.processEvents()
    assert live_threads() == []


@pytest.fixture
def theirs(demo_db: Database) -> Iterator[Database]:
    """Another desk on the same file as `demo_db`."""
    database = open_database(demo_db.path)
    database._identity = OTHER  # type: ignore[attr-defined]
    yield database
    database.dispose()


@pytest.fixture
def told(qapp: QApplication) -> Iterator[tuple[list[Changes], list[tuple[AuditEntry, ...]]]]:
    """What the hub says: (changed, remote), in order."""
    changed: list[Changes] = []
    remote: list[tuple[AuditEntry, ...]] = []
    hub = change_hub()
    hub.changed.connect(changed.append)
    hub.remote.connect(remote.append)
    yield changed, remote
    hub.changed.disconnect(changed.append)
    hub.remote.disconnect(remote.append)


def settle(qtbot: Any, tab: Any) -> None:
    pool = QThreadPool.globalInstance()
    qtbot.waitUntil(lambda: pool.activeThreadCount() == 0, timeout=15_000)
    QApplication.processEvents()
    qtbot.waitUntil(lambda: tab.complete and not tab._loading, timeout=15_000)


def test_another_desks_change_reaches_the_window(
    qtbot: Any,
    demo_db: Database,
    theirs: Database,
    tmp_path: Path,
    told: tuple[list[Changes], list[tuple[AuditEntry, ...]]],
) -> None:
    window = MainWindow(demo_db, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    assert window.live_view.running
    window.show_tab("partner_cities")
    tab = window.tab("partner_cities")
    settle(qtbot, tab)
    partnership_id = tab.model.table.ids[0]
    assert tab.select_record(partnership_id)
    qtbot.waitUntil(lambda: tab.detail.detail is not None, timeout=5000)
    city_id = records.get_record(demo_db, "partnerships", partnership_id).city_id
    stored = records.get_record(theirs, "cities", city_id)

    save_record(theirs, dataclasses.replace(stored, name_en="Renamed Elsewhere"))

    def row_shows_it() -> bool:
        row = tab.model.row_of(partnership_id)
        return row is not None and tab.model.data(tab.model.index(row, 0)) == "Renamed Elsewhere"

    qtbot.waitUntil(row_shows_it, timeout=10_000)
    qtbot.waitUntil(
        lambda: (
            tab.detail.detail is not None and tab.detail.detail.title.best() == "Renamed Elsewhere"
        ),
        timeout=10_000,
    )
    changed, remote = told
    # Told as another desk's: the tab reads it again without moving the selection to it.
    assert replace(Changes.of_updated("cities", city_id), remote=True) in changed
    [entries] = remote
    assert [(e.user_name, e.kind, e.record_id) for e in entries] == [("maria", "cities", city_id)]
    message = window.statusBar().currentMessage()
    assert message.startswith("Changed by maria at ")
    assert message.endswith(": city “Renamed Elsewhere”")
    settle(qtbot, tab)

    window.close()
    assert not window.live_view.running
    assert live_threads() == []


def test_this_desks_own_save_is_not_told_twice(
    qtbot: Any,
    demo_db: Database,
    theirs: Database,
    told: tuple[list[Changes], list[tuple[AuditEntry, ...]]],
) -> None:
    """The desk's own save went out on the hub from its operation: the live view passes its
    line over, and tells only the other desk's."""
    view = LiveView(demo_db)
    try:
        assert view.start()
        save_record(demo_db, City(name_en="Own", country="CN"))
        mark = save_record(theirs, City(name_en="Theirs", country="CN")).record
        qtbot.waitUntil(lambda: bool(told[1]), timeout=10_000)
        changed, remote = told
        assert changed == [replace(Changes.of_created("cities", mark.id), remote=True)]
        assert [entry.record_id for entries in remote for entry in entries] == [mark.id]
    finally:
        view.stop()


def test_a_burst_of_saves_is_told_a_few_times(
    qtbot: Any,
    demo_db: Database,
    theirs: Database,
    told: tuple[list[Changes], list[tuple[AuditEntry, ...]]],
) -> None:
    """200 saves, each its own transaction, while the window is busy: told as a few merged
    signals carrying every record."""
    view = LiveView(demo_db)
    on_gui_thread: list[bool] = []

    def note_thread(_changes: Changes) -> None:
        on_gui_thread.append(threading.current_thread() is threading.main_thread())

    change_hub().changed.connect(note_thread)
    try:
        assert view.start()
        ids = {
            save_record(theirs, City(name_en=f"Town {n}", country="CN")).record.id
            for n in range(200)
        }
        changed, remote = told

        def all_told() -> bool:
            return ids <= {i for changes in changed for i in changes.created.get("cities", ())}

        qtbot.waitUntil(all_told, timeout=20_000)
        assert 1 <= len(changed) <= 5
        assert len(remote) == len(changed)
        assert {e.record_id for entries in remote for e in entries} == ids
        assert on_gui_thread == [True] * len(changed)  # told on the GUI thread, never off it
    finally:
        view.stop()
        change_hub().changed.disconnect(note_thread)


def test_an_import_at_another_desk_is_one_signal_or_two(
    qtbot: Any,
    demo_db: Database,
    theirs: Database,
    told: tuple[list[Changes], list[tuple[AuditEntry, ...]]],
) -> None:
    view = LiveView(demo_db)
    try:
        assert view.start()
        with records.transaction(theirs, "cities") as session:
            records.create_many_in(
                session, [City(name_en=f"Imported {n}", country="CN") for n in range(10_000)]
            )
        changed, remote = told
        qtbot.waitUntil(lambda: bool(changed), timeout=20_000)
        qtbot.wait(500)  # time for any further signal to arrive
        assert 1 <= len(changed) <= 2
        assert changed[0].touches("cities", 123_456)  # every city is to be read again
        assert all(len(entries) <= 500 for entries in remote)
    finally:
        view.stop()


def test_the_thread_stops_with_the_view(qtbot: Any, demo_db: Database) -> None:
    view = LiveView(demo_db)
    assert view.start()
    assert view.start()  # once only
    assert len(live_threads()) == 1
    view.stop()
    assert live_threads() == []
    view.stop()  # twice is harmless

    deleted = LiveView(demo_db)
    assert deleted.start()
    shiboken6.delete(deleted)  # deleted with its window, never stopped
    assert live_threads() == []

    left = [LiveView(demo_db), LiveView(demo_db)]
    for view in left:
        assert view.start()
    live_view.stop_all()  # the application quits
    assert live_threads() == []
    assert not any(view.running for view in left)


def test_news_after_stop_is_dropped(
    qtbot: Any,
    demo_db: Database,
    theirs: Database,
    told: tuple[list[Changes], list[tuple[AuditEntry, ...]]],
) -> None:
    """A window that left its database shows nothing more of it."""
    view = LiveView(demo_db)
    assert view.start()
    save_record(theirs, City(name_en="Late", country="CN"))
    view.stop()
    qtbot.wait(300)
    assert told == ([], [])


# --- what the status bar says ---------------------------------------------------------


def line(
    action: str, kind: str | None, record_id: int | None, summary: str, **details: Any
) -> AuditEntry:
    at = dt.datetime(2025, 5, 1, 8, 42)
    return AuditEntry(
        1, at, "maria", "mchen", "desk-2", "x", action, kind, record_id, summary, details
    )


def test_announcements(qapp: QApplication) -> None:
    local = line("update", "delegations", 1, "").local_time().strftime("%H:%M")
    assert (
        announcement([line("update", "delegations", 1, "Berlin 2025")])
        == f"Changed by maria at {local}: delegation “Berlin 2025”"
    )
    assert (
        announcement([line("create", "cities", 2, "Jinan")])
        == f"Added by maria at {local}: city “Jinan”"
    )
    assert (
        announcement([line("undo", "cities", 2, "Jinan", did="delete")])
        == f"Deleted by maria at {local}: city “Jinan”"
    )
    assert (
        announcement([line("profile", None, None, "")])
        == f"Changed by maria at {local}: the office profile"
    )
    several = [line("update", "cities", 2, "Jinan"), line("update", "cities", 3, "Wuhan")]
    assert announcement(several) == f"2 records changed by maria at {local}"
    assert announcement(several, everything=True) == f"Many records changed by maria at {local}"
