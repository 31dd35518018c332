"""Editing through the main window with the real dialogs: new, edit and a refused edit in
every tab, each undone and redone. The dialog's event loop is replaced by a scripted user
who fills the fields and presses OK; the window reads the record and the pickers' lists off
the GUI thread before the dialog opens, and the dialog stores off the GUI thread too, so the
script and the test wait for those operations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import (
    Direction,
    EventKind,
    OrganizationKind,
    PartnershipTier,
    RecipientKind,
)
from exchange_desk.services.records import ListQuery, get_record, list_records
from exchange_desk.storage.database import Database
from exchange_desk.ui.main_window import MainWindow
from exchange_desk.ui.operations import change_hub, pending
from exchange_desk.ui.record_dialog import RecordDialog

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

Script = Callable[[RecordDialog, QtBot], None]


@pytest.fixture
def user(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> list[Script]:
    """Scripts for the dialogs the window opens, one per dialog, in order."""
    scripts: list[Script] = []
    seen: list[RecordDialog] = []

    def run(dialog: RecordDialog) -> int:
        seen.append(dialog)
        scripts.pop(0)(dialog, qtbot)
        return int(
            QDialog.DialogCode.Accepted
            if dialog.saved_record is not None
            else QDialog.DialogCode.Rejected
        )

    monkeypatch.setattr(RecordDialog, "exec", run)
    return scripts


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database) -> MainWindow:
    window = MainWindow(demo_db, remember=False)
    qtbot.addWidget(window)
    window.show_tab("partner_cities")  # past the start screen
    window.show()
    return window


def _dialogs_done(qtbot: QtBot, user: list[Script]) -> None:
    """Wait until every scripted dialog has opened and what it started has finished."""
    qtbot.waitUntil(lambda: not user and pending() == 0, timeout=20_000)


def _saved(qtbot: QtBot, dialog: RecordDialog) -> bool:
    """Wait for the dialog's saving to end; whether the record was stored."""
    qtbot.waitUntil(lambda: dialog.saving is None, timeout=20_000)
    return dialog.saved_record is not None


def _wait(qtbot: QtBot, window: MainWindow, tab: str) -> None:
    target = window.tab(tab)
    window.show_tab(target.tab)
    target.load_all()
    qtbot.waitUntil(lambda: target.complete, timeout=20_000)


def _tabs() -> list[tuple[str, str, str]]:
    from exchange_desk.ui.main_window import TABS

    return list(TABS)


def _id(db: Database, kind: str, search: str) -> int:
    [row] = list_records(db, kind, ListQuery(search=search)).rows
    return int(row.record.id)


def _set(**values: Any) -> Script:
    def fill(dialog: RecordDialog, qtbot: QtBot) -> None:
        for field, value in values.items():
            dialog.editors[field].set_value(value)
        assert dialog.save(), dialog.problems.text(next(iter(values)))
        assert _saved(qtbot, dialog), dialog.problems.text(next(iter(values)))

    return fill


NEW_RECORDS: dict[str, Callable[[Database], tuple[dict[str, Any], str]]] = {
    "partner_cities": lambda db: (
        {
            "city_id": _id(db, "cities", "Wuhan"),
            "tier": PartnershipTier.FRIENDLY_COOPERATIVE_CITY,
            "established": PartialDate(2021, 5),
        },
        "Wuhan",
    ),
    "delegations": lambda db: (
        {
            "direction": Direction.INCOMING,
            "city_id": _id(db, "cities", "Kfar Saba"),
            "start_date": PartialDate(2026, 3, 2),
            "purpose": "Water technology study tour",
        },
        "Water technology",
    ),
    "events": lambda db: (
        {"name_en": "Lantern festival", "name_zh": "灯会", "kind": EventKind.CELEBRATION},
        "Lantern",
    ),
    "awards": lambda db: (
        {
            "title_en": "Friendship medal",
            "recipient_kind": RecipientKind.CITY,
            "recipient_city_id": _id(db, "cities", "Kfar Saba"),
        },
        "Friendship medal",
    ),
    "agreements": lambda db: ({"title_en": "MOU on water technology"}, "water technology"),
    "organizations": lambda db: (
        {"name_en": "Kfar Saba Youth Orchestra", "kind": OrganizationKind.ART_GROUP},
        "Youth Orchestra",
    ),
    "conferences": lambda db: (
        {"name_en": "Friendship Cities Forum 2026", "edition": 1},
        "Forum 2026",
    ),
}


@pytest.mark.parametrize("tab", list(NEW_RECORDS))
def test_new_record_then_undo_and_redo(
    qtbot: QtBot, window: MainWindow, demo_db: Database, user: list[Script], tab: str
) -> None:
    _wait(qtbot, window, tab)
    values, search = NEW_RECORDS[tab](demo_db)
    page = window.tab(tab)
    before = len(page.model.table)
    user.append(_set(**values))
    window.new_record()
    _dialogs_done(qtbot, user)
    qtbot.waitUntil(lambda: page.complete and len(page.model.table) == before + 1, timeout=20_000)
    new_id = page.current_id()  # the new record is selected
    page.search_box.setText(search)
    assert page.model.visible_count() == 1
    assert new_id == page.model.record_id(0)
    assert page.current_id() == new_id  # and stays selected while searching

    with qtbot.waitSignal(change_hub().changed, timeout=20_000):
        window.undo()
    qtbot.waitUntil(lambda: page.complete and len(page.model.table) == before, timeout=20_000)
    assert page.model.visible_count() == 0
    with qtbot.waitSignal(change_hub().changed, timeout=20_000):
        window.redo()
    qtbot.waitUntil(lambda: page.complete and len(page.model.table) == before + 1, timeout=20_000)
    assert page.model.visible_count() == 1
    assert page.model.record_id(0) == new_id  # back with the same id


def test_edit_keeps_the_dialog_open_on_refused_input(
    qtbot: QtBot, window: MainWindow, demo_db: Database, user: list[Script]
) -> None:
    _wait(qtbot, window, "delegations")
    page = window.tab("delegations")
    page.search_box.setText("kfar")
    page.view.selectRow(0)
    record_id = page.current_id()
    assert record_id is not None
    original = get_record(demo_db, "delegations", record_id)
    outcomes: list[str] = []

    def refuse(dialog: RecordDialog, _qtbot: QtBot) -> None:
        dialog.editors["end_date"].set_value(PartialDate(2001, 1, 1))
        dialog.editors["purpose"].set_value("Changed but refused")
        assert not dialog.save()  # the domain's rule, said at once: nothing is sent
        outcomes.append(dialog.problems.text("end_date"))
        outcomes.append(dialog.editors["purpose"].value())

    user.append(refuse)
    window.edit_current()
    _dialogs_done(qtbot, user)
    assert "before the start" in outcomes[0]
    assert outcomes[1] == "Changed but refused"  # what was typed is still there
    assert get_record(demo_db, "delegations", record_id) == original
    assert window.undo_stack.count() == 0


def test_edit_then_undo_restores_the_record(
    qtbot: QtBot, window: MainWindow, demo_db: Database, user: list[Script]
) -> None:
    _wait(qtbot, window, "organizations")
    page = window.tab("organizations")
    page.search_box.setText("Yuying")
    page.view.selectRow(0)
    record_id = page.current_id()
    assert record_id is not None
    user.append(_set(name_en="Jinan Yuying School"))
    window.edit_current()
    _dialogs_done(qtbot, user)
    assert get_record(demo_db, "organizations", record_id).name_en == "Jinan Yuying School"
    with qtbot.waitSignal(change_hub().changed, timeout=20_000):
        window.undo()
    assert get_record(demo_db, "organizations", record_id).name_en == ("Jinan Yuying Middle School")
    with qtbot.waitSignal(change_hub().changed, timeout=20_000):
        window.redo()
    assert get_record(demo_db, "organizations", record_id).name_en == "Jinan Yuying School"


def test_duplicate_makes_a_new_record(
    qtbot: QtBot, window: MainWindow, demo_db: Database, user: list[Script]
) -> None:
    _wait(qtbot, window, "conferences")
    page = window.tab("conferences")
    page.view.selectRow(0)
    user.append(_set(name_en="A copied conference"))
    window.duplicate_current()
    _dialogs_done(qtbot, user)
    names = [row.record.name_en for row in list_records(demo_db, "conferences").rows]
    assert len(names) == 3
    assert "A copied conference" in names


def test_a_locked_database_keeps_the_dialog_and_what_was_typed(
    qtbot: QtBot,
    window: MainWindow,
    demo_db: Database,
    user: list[Script],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sqlite3

    from exchange_desk.storage import database as storage

    monkeypatch.setattr(storage, "BUSY_TIMEOUT_SECONDS", 0.2)
    warnings: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda *args, **kwargs: warnings.append(str(args[2])) or 0
    )
    _wait(qtbot, window, "organizations")
    typed: list[Any] = []
    assert demo_db.path is not None
    blocker = sqlite3.connect(demo_db.path, timeout=0.1)

    def locked(dialog: RecordDialog, qtbot: QtBot) -> None:
        dialog.editors["name_en"].set_value("Typed while locked")
        dialog.editors["kind"].set_value(OrganizationKind.SCHOOL)
        blocker.execute("BEGIN EXCLUSIVE")
        try:
            assert dialog.save()  # sent...
            assert not _saved(qtbot, dialog)  # ...and refused: the dialog stays
        finally:
            blocker.rollback()
        typed.append(dialog.editors["name_en"].value())

    user.append(locked)
    window.new_record()
    _dialogs_done(qtbot, user)
    blocker.close()
    assert typed == ["Typed while locked"]
    assert warnings
    assert "locked" in warnings[0]
    assert not list_records(demo_db, "organizations", ListQuery(search="Typed while")).rows
