"""The window's operations (`ui.operations`): the services run off the GUI thread, results and
failures come back on it, and what a write changed goes out on the one `changed` signal, to
which the tabs, the detail panes, the record dialogs and the certificate register listen."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QThread, QThreadPool
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from exchange_desk.domain.enums import Design, Direction, LanguageMode, Orientation
from exchange_desk.domain.errors import Conflict
from exchange_desk.domain.records import City, Delegation
from exchange_desk.services.certificate_issue import issue_certificate_pdf
from exchange_desk.services.changes import Changes
from exchange_desk.services.editing import save_record
from exchange_desk.services.records import ListQuery, get_record, list_records
from exchange_desk.storage.database import Database
from exchange_desk.ui import operations
from exchange_desk.ui.main_window import TABS, MainWindow
from exchange_desk.ui.operations import CollectionOp, QueryOp, change_hub, pending
from exchange_desk.ui.record_dialog import RecordDialog
from exchange_desk.ui.record_tab import RecordTab
from exchange_desk.ui.register_dialog import CertificateRegisterDialog
from exchange_desk.ui.workers import Cancelled

TAB_KEYS = [key for key, _title, _name in TABS]
OFFSCREEN_NOISE = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture(autouse=True)
def _no_work_left_behind(qapp: QApplication) -> Iterator[None]:
    yield
    assert QThreadPool.globalInstance().waitForDone(30_000)
    qapp.processEvents()


@pytest.fixture
def parent(qtbot: Any, demo_db: Database) -> QWidget:
    """A widget with a database, as the window and the dialogs are."""
    widget = QWidget()
    widget.database = demo_db  # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def window(qtbot: Any, demo_db: Database, tmp_path: Path) -> MainWindow:
    from PySide6.QtCore import QSettings

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    made = MainWindow(demo_db, settings, remember=False)
    qtbot.addWidget(made)
    made.show_tab("partner_cities")  # past the start screen
    settle(qtbot, made.current_tab())
    return made


def settle(qtbot: Any, *tabs: RecordTab) -> None:
    qtbot.waitUntil(lambda: pending() == 0, timeout=20_000)
    for tab in tabs:
        qtbot.waitUntil(lambda tab=tab: tab.complete and not tab._loading, timeout=20_000)


def show_tab(qtbot: Any, window: MainWindow, key: str) -> RecordTab:
    window.show_tab(key)
    tab = window.current_tab()
    settle(qtbot, tab)
    return tab


def kfar_saba(database: Database) -> int:
    [row] = list_records(database, "cities", ListQuery(search="Kfar Saba")).rows
    return int(row.record.id)


# --- the operations themselves ----------------------------------------------------------


def test_a_write_runs_off_the_gui_thread_then_says_what_it_changed(
    qtbot: Any, parent: QWidget, demo_db: Database
) -> None:
    gui = QThread.currentThread()
    events: list[str] = []

    def work(database: Database) -> Any:
        events.append("work off the GUI thread" if QThread.currentThread() != gui else "work")
        return save_record(database, City(name_en="Nahariya", country="IL"))

    def done(saved: Any) -> None:
        assert QThread.currentThread() == gui
        events.append(f"success {saved.record.name_en}")

    change_hub().changed.connect(lambda changes: events.append(f"changed {changes.as_dict()}"))
    with qtbot.waitSignal(change_hub().changed, timeout=20_000) as blocker:
        CollectionOp(parent, work).success(done).run_in_background()
    [changes] = blocker.args
    [city_id] = changes.created["cities"]
    assert get_record(demo_db, "cities", city_id).name_en == "Nahariya"
    # The success callback first, then the signal (as Anki's CollectionOp does).
    assert events[:2] == ["work off the GUI thread", "success Nahariya"]
    assert events[2].startswith("changed {'created': {'cities': [")


def test_a_failed_write_calls_back_and_says_nothing_changed(
    qtbot: Any, parent: QWidget, demo_db: Database
) -> None:
    failures: list[BaseException] = []

    def work(database: Database) -> Any:
        return save_record(database, City(name_en="Kfar Saba", country="IL"))  # a duplicate

    with qtbot.assertNotEmitted(change_hub().changed, wait=100):
        CollectionOp(parent, work).failure(failures.append).run_in_background()
        qtbot.waitUntil(lambda: bool(failures), timeout=20_000)
    [error] = failures
    assert isinstance(error, Conflict)
    assert "already recorded" in error.user_message()


def test_a_failure_without_a_callback_is_reported(
    qtbot: Any, parent: QWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    reported: list[tuple[BaseException, Any]] = []
    monkeypatch.setattr(
        "exchange_desk.ui.errors.report_failure",
        lambda error, owner=None: reported.append((error, owner)),
    )

    def broken(_database: Database) -> Changes:
        raise RuntimeError("a bug")

    CollectionOp(parent, broken).run_in_background()
    qtbot.waitUntil(lambda: bool(reported), timeout=20_000)
    [(error, owner)] = reported
    assert str(error) == "a bug"
    assert owner is parent


def test_a_query_returns_its_result_and_changes_nothing(qtbot: Any, parent: QWidget) -> None:
    found: list[int] = []
    with qtbot.assertNotEmitted(change_hub().changed, wait=100):
        QueryOp(parent, lambda database: list_records(database, "cities").total).success(
            found.append
        ).run_in_background()
        qtbot.waitUntil(lambda: bool(found), timeout=20_000)
    assert found[0] > 0


def test_a_write_whose_window_closed_still_says_what_it_changed(
    qtbot: Any, demo_db: Database
) -> None:
    widget = QWidget()
    widget.database = demo_db  # type: ignore[attr-defined]
    release = threading.Event()
    called: list[Any] = []

    def slow(database: Database) -> Any:
        release.wait(10)
        return save_record(database, City(name_en="Acre", country="IL"))

    CollectionOp(widget, slow).success(called.append).run_in_background()
    widget.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(widget))
    with qtbot.waitSignal(change_hub().changed, timeout=20_000):
        release.set()
    assert called == []  # nobody is left to call back
    assert list_records(demo_db, "cities", ListQuery(search="Acre")).total == 1


@OFFSCREEN_NOISE
def test_cancel_stops_a_long_operation(qtbot: Any, parent: QWidget) -> None:
    failures: list[BaseException] = []
    operation: QueryOp[int]

    def long(_database: Database) -> int:
        for step in range(10_000):
            operation.report(f"step {step}")
            QThread.msleep(5)
        return 0

    # Named before it starts: the work reports through it from its first step.
    operation = (
        QueryOp(parent, long).with_progress("Working", cancellable=True).failure(failures.append)
    )
    operation.run_in_background()
    assert operation.progress_dialog is not None
    qtbot.waitUntil(lambda: operation.progress is not None, timeout=20_000)
    operation.progress_dialog.canceled.emit()  # what its Cancel button does
    qtbot.waitUntil(lambda: bool(failures), timeout=20_000)
    assert isinstance(failures[0], Cancelled)
    assert operation.done


# --- the screens listen -------------------------------------------------------------------


def test_the_changed_signal_reaches_a_tab_and_its_detail_pane(
    qtbot: Any, window: MainWindow, demo_db: Database
) -> None:
    delegations = show_tab(qtbot, window, "delegations")
    conferences = window.tab("conferences")
    settle(qtbot, conferences)
    [first] = list_records(demo_db, "delegations", ListQuery(limit=1)).rows
    delegation = first.record
    assert delegations.select_record(delegation.id)
    assert delegations.detail.detail is not None
    conference_loads = conferences._generation

    changed = replace(delegation, leader="Leader after the change")
    with qtbot.waitSignal(change_hub().changed, timeout=20_000):
        CollectionOp(window, lambda database: save_record(database, changed)).run_in_background()
    settle(qtbot, delegations)
    leader = [c.key for c in delegations.model.table.columns].index("leader")
    row = delegations.model.row_of(delegation.id)
    assert row is not None
    assert delegations.model.data(delegations.model.index(row, leader)) == (
        "Leader after the change"
    )
    assert delegations.current_id() == delegation.id
    assert dict(delegations.detail.detail.facts)["Leader"] == "Leader after the change"
    # A tab that shows no delegations (nor their cities) reads nothing again.
    assert conferences._generation == conference_loads
    assert conferences.complete


def test_the_detail_pane_hears_of_a_record_that_hangs_on_it(
    qtbot: Any, window: MainWindow, demo_db: Database
) -> None:
    """A new delegation to the partner city shown is on its timeline at once."""
    partners = show_tab(qtbot, window, "partner_cities")
    city_id = kfar_saba(demo_db)
    [partnership] = list_records(
        demo_db, "partnerships", ListQuery(filters={"city_id": city_id})
    ).rows
    assert partners.select_record(partnership.record.id)
    detail = partners.detail

    def timeline() -> list[int]:
        assert detail.detail is not None
        groups = dict(detail.detail.groups)
        return [item.id for item in groups.get("Timeline", []) if item.kind == "delegations"]

    before = timeline()
    visit = Delegation(direction=Direction.INCOMING, city_id=city_id, purpose="A new visit")
    with qtbot.waitSignal(detail.stale, timeout=20_000):
        CollectionOp(window, lambda database: save_record(database, visit)).run_in_background()
    settle(qtbot, partners)
    assert len(timeline()) == len(before) + 1


def test_a_deleted_record_leaves_the_detail_pane(
    qtbot: Any, window: MainWindow, demo_db: Database
) -> None:
    from exchange_desk.services.editing import delete_record

    delegations = show_tab(qtbot, window, "delegations")
    [first] = list_records(demo_db, "delegations", ListQuery(limit=1)).rows
    assert delegations.select_record(first.record.id)
    with qtbot.waitSignal(change_hub().changed, timeout=20_000):
        CollectionOp(
            window, lambda database: delete_record(database, "delegations", first.record.id)
        ).run_in_background()
    assert delegations.detail.detail is None
    settle(qtbot, delegations)
    assert delegations.model.row_of(first.record.id) is None


def test_a_hidden_tab_reads_again_when_shown(
    qtbot: Any, window: MainWindow, demo_db: Database
) -> None:
    delegations = show_tab(qtbot, window, "delegations")
    show_tab(qtbot, window, "conferences")
    assert delegations.complete
    city = City(name_en="Sderot", country="IL")
    with qtbot.waitSignal(change_hub().changed, timeout=20_000):
        CollectionOp(window, lambda database: save_record(database, city)).run_in_background()
    assert not delegations.complete  # cities changed: its city names may have
    assert show_tab(qtbot, window, "delegations").complete


@OFFSCREEN_NOISE
def test_a_failing_save_keeps_the_dialog_open_with_what_was_typed(
    qtbot: Any, demo_db: Database
) -> None:
    dialog = RecordDialog(demo_db, "cities", None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.editors["name_en"].set_value("Kfar Saba")
    dialog.editors["country"].set_value("IL")
    with qtbot.assertNotEmitted(change_hub().changed, wait=100):
        assert dialog.save()
        qtbot.waitUntil(lambda: dialog.saving is None, timeout=20_000)
    assert dialog.isVisible()
    assert dialog.saved_record is None
    assert "already recorded" in dialog.problems.text("name_en")
    assert dialog.editors["name_en"].value() == "Kfar Saba"
    assert dialog.buttons.isEnabled()
    # Corrected, it stores, closes, and says so on the signal.
    dialog.editors["name_en"].set_value("Kfar Saba South")
    with qtbot.waitSignal(dialog.saved, timeout=20_000) as saved:
        assert dialog.save()
    assert saved.args[0].changes == Changes.of_created("cities", saved.args[0].record.id)
    assert not dialog.isVisible()


@OFFSCREEN_NOISE
def test_an_open_dialog_offers_a_city_created_meanwhile(
    qtbot: Any, parent: QWidget, demo_db: Database
) -> None:
    dialog = RecordDialog(demo_db, "delegations", None)
    qtbot.addWidget(dialog)
    dialog.show()
    picker = dialog.editors["city_id"]
    with qtbot.waitSignal(dialog.choices.reloaded, timeout=20_000):
        CollectionOp(
            parent, lambda database: save_record(database, City(name_en="Dimona", country="IL"))
        ).run_in_background()
    assert any(
        picker.combo.itemText(index) == "Dimona"  # type: ignore[attr-defined]
        for index in range(picker.combo.count())  # type: ignore[attr-defined]
    )
    dialog.reject()


def test_the_register_reads_again_when_a_certificate_is_issued(
    qtbot: Any, parent: QWidget, demo_db: Database
) -> None:
    dialog = CertificateRegisterDialog(demo_db)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.read_once, timeout=20_000)
    assert dialog.shown_rows() == []

    def issue(database: Database) -> Any:
        return issue_certificate_pdf(
            database, 1, LanguageMode.EN, Design.FORMAL, Orientation.LANDSCAPE, "li"
        )

    with qtbot.waitSignal(dialog.loaded, timeout=30_000):
        CollectionOp(parent, issue).run_in_background()
    [row] = dialog.shown_rows()
    assert row[0].startswith("JN-")


def test_undo_is_one_step_at_a_time(
    qtbot: Any, window: MainWindow, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QMessageBox, "warning", lambda *_args: 0)
    first = save_record(demo_db, City(name_en="Arad", country="IL"))
    second = save_record(demo_db, City(name_en="Ofakim", country="IL"))
    window.history.push(first.step)
    window.history.push(second.step)
    with qtbot.waitSignal(change_hub().changed, timeout=20_000):
        assert window.undo() is not None
        assert window.undo() is None  # the first is on its way: the second press waits
    qtbot.waitUntil(lambda: window.history.running is None, timeout=20_000)
    assert window.undo_stack.index() == 1
    assert list_records(demo_db, "cities", ListQuery(search="Ofakim")).total == 0
    assert list_records(demo_db, "cities", ListQuery(search="Arad")).total == 1


def test_the_window_opens_no_transaction() -> None:
    """Transactions are the services': nothing in ui/ opens one."""
    ui = Path(operations.__file__).parent
    found = [
        path.name
        for path in sorted(ui.glob("*.py"))
        if "unit_of_work" in path.read_text(encoding="utf-8")
    ]
    assert found == []
