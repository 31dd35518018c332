"""Two desks, one record: a save or delete based on an older version is refused, never merged
silently; the edit dialog shows base, theirs and yours and saves the combination chosen;
an import with updates refuses a record changed since its plan; undo does not overwrite
another desk's change."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog

from exchange_desk.domain.errors import ConflictError
from exchange_desk.services import audit, records
from exchange_desk.services.conflicts import Side, merged_record, plan_conflict, plan_reload
from exchange_desk.services.database import Database
from exchange_desk.services.editing import delete_record, deletion_preview, save_record
from exchange_desk.services.import_plan import ImportOptions, OnDuplicate, RowStatus
from exchange_desk.services.importing import apply_import, plan_import, read_import
from exchange_desk.storage.database import open_database
from exchange_desk.ui.conflict_dialog import ConflictDialog
from exchange_desk.ui.operations import change_hub
from exchange_desk.ui.record_dialog import RecordDialog

# The offscreen platform's note when a modal dialog opens; the window system's business.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def other_desk(demo_db: Database) -> Any:
    """A second connection to the same database: another desk."""
    other = open_database(demo_db.url)
    yield other
    other.dispose()


def _delegation(database: Database) -> Any:
    return records.list_records(database, "delegations").rows[0].record


def test_a_stale_save_is_refused_naming_who_and_what(
    demo_db: Database, other_desk: Database
) -> None:
    mine = _delegation(demo_db)
    theirs = save_record(other_desk, replace(mine, leader="Their leader")).record
    assert theirs.version == mine.version + 1
    with pytest.raises(ConflictError) as raised:
        save_record(demo_db, replace(mine, members=42))
    error = raised.value
    assert error.stored is not None
    assert error.stored.leader == "Their leader"
    assert error.stored_version == theirs.version
    assert set(error.fields) == {"leader", "members"}
    assert error.changed_by == audit.identity_of(other_desk).user_name
    assert "Leader" in error.user_message()
    # Nothing of mine was stored.
    assert records.get_record(demo_db, "delegations", mine.id) == theirs


def test_the_plan_merges_what_one_side_changed_and_asks_about_the_rest(
    demo_db: Database, other_desk: Database
) -> None:
    base = _delegation(demo_db)
    save_record(other_desk, replace(base, leader="Their leader", purpose="Their purpose"))
    yours = replace(base, members=42, purpose="My purpose")
    with pytest.raises(ConflictError) as raised:
        save_record(demo_db, yours)
    plan = plan_conflict(demo_db, base, yours, raised.value)
    sides = {field.name: field.side for field in plan.fields}
    assert sides == {"leader": Side.THEIRS, "members": Side.YOURS, "purpose": Side.BOTH}
    (both,) = plan.choices_needed
    assert (both.base, both.theirs, both.yours) == (base.purpose, "Their purpose", "My purpose")
    assert "changed this record at" in plan.headline()

    kept = merged_record(plan)  # yours, unless told otherwise
    assert (kept.leader, kept.members, kept.purpose) == ("Their leader", 42, "My purpose")
    taken = merged_record(plan, {"purpose": Side.THEIRS})
    assert taken.purpose == "Their purpose"
    stored = save_record(demo_db, kept).record
    assert (stored.leader, stored.members, stored.purpose) == (
        "Their leader",
        42,
        "My purpose",
    )


def test_a_delete_of_a_record_changed_since_is_refused(
    demo_db: Database, other_desk: Database
) -> None:
    city = records.create(
        demo_db, records.kind_named("cities").record(name_en="Tartu", country="EE")
    )
    preview = deletion_preview(demo_db, "cities", city.id)
    assert preview.version == city.version
    save_record(other_desk, replace(city, region="Tartu County"))
    with pytest.raises(ConflictError) as raised:
        delete_record(demo_db, "cities", city.id, version=preview.version)
    assert "nothing was deleted" in raised.value.user_message()
    assert records.get_record(demo_db, "cities", city.id).region == "Tartu County"
    # Asked again and confirmed: it goes.
    delete_record(
        demo_db, "cities", city.id, version=deletion_preview(demo_db, "cities", city.id).version
    )
    assert records.version_of(demo_db, "cities", city.id) is None


def test_undo_does_not_overwrite_another_desks_change(
    demo_db: Database, other_desk: Database
) -> None:
    base = _delegation(demo_db)
    saved = save_record(demo_db, replace(base, members=7))
    save_record(other_desk, replace(saved.record, leader="Their leader"))
    with pytest.raises(ConflictError):
        saved.step.undo(demo_db)
    stored = records.get_record(demo_db, "delegations", base.id)
    assert (stored.members, stored.leader) == (7, "Their leader")


def test_an_import_with_updates_refuses_a_record_changed_since_its_plan(
    demo_db: Database, other_desk: Database, tmp_path: Path
) -> None:
    cities = {c.name_en: c for c in records.all_records(demo_db, "cities")}
    augsburg = cities["Augsburg"]
    partnership = next(
        p for p in records.all_records(demo_db, "partnerships") if p.city_id == augsburg.id
    )
    path = tmp_path / "notes.csv"
    path.write_text("City,Notes\nAugsburg,Renewed in 2018\n", encoding="utf-8")
    options = ImportOptions(kind="partnerships", on_duplicate=OnDuplicate.UPDATE)
    plan = plan_import(demo_db, read_import(path, options), options)
    assert [row.status for row in plan.sheets[0].rows] == [RowStatus.UPDATE]
    save_record(other_desk, replace(partnership, notes="Their note"))
    with pytest.raises(ConflictError) as raised:
        apply_import(demo_db, plan)
    assert "row 2" in raised.value.user_message()
    assert records.get_record(demo_db, "partnerships", partnership.id).notes == "Their note"


# --- the edit dialog ---------------------------------------------------------------------


def _answer_conflict(qtbot: Any, dialog: RecordDialog, act: Any) -> list[ConflictDialog]:
    """Act on the conflict dialog as soon as it opens (it runs modally)."""
    seen: list[ConflictDialog] = []

    def look() -> None:
        found = dialog.conflict_dialog
        if found is None or not found.isVisible():
            QTimer.singleShot(20, look)
            return
        seen.append(found)
        act(found)

    QTimer.singleShot(20, look)
    return seen


def test_the_dialog_combines_both_desks_changes(
    qtbot: Any, demo_db: Database, other_desk: Database
) -> None:
    base = _delegation(demo_db)
    dialog = RecordDialog(demo_db, "delegations", base)
    qtbot.addWidget(dialog)
    dialog.show()
    save_record(other_desk, replace(base, leader="Their leader", purpose="Their purpose"))
    dialog.editors["members"].set_value(42)
    dialog.editors["purpose"].set_value("My purpose")

    def answer(conflict: ConflictDialog) -> None:
        assert {f.name: f.side for f in conflict.plan.fields}["purpose"] is Side.BOTH
        conflict.choose("purpose", Side.THEIRS)
        conflict.accept()

    seen = _answer_conflict(qtbot, dialog, answer)
    assert dialog.save()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10_000)
    assert seen
    stored = records.get_record(demo_db, "delegations", base.id)
    assert (stored.leader, stored.members, stored.purpose) == ("Their leader", 42, "Their purpose")
    assert stored.version == base.version + 2


def test_cancel_goes_back_to_editing_with_nothing_saved(
    qtbot: Any, demo_db: Database, other_desk: Database
) -> None:
    base = _delegation(demo_db)
    dialog = RecordDialog(demo_db, "delegations", base)
    qtbot.addWidget(dialog)
    dialog.show()
    theirs = save_record(other_desk, replace(base, leader="Their leader")).record
    dialog.editors["members"].set_value(42)
    seen = _answer_conflict(qtbot, dialog, lambda conflict: conflict.reject())
    assert dialog.save()
    qtbot.waitUntil(lambda: bool(seen) and dialog.conflict_dialog is None, timeout=10_000)
    assert dialog.isVisible()
    assert dialog.editors["members"].value() == 42  # what was typed is still there
    assert records.get_record(demo_db, "delegations", base.id) == theirs


def test_an_open_dialog_hears_of_another_desks_change_and_reloads(
    qtbot: Any, demo_db: Database, other_desk: Database
) -> None:
    base = _delegation(demo_db)
    dialog = RecordDialog(demo_db, "delegations", base)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.editors["members"].set_value(42)
    save_record(other_desk, replace(base, leader="Their leader"))
    (entry,) = audit.history(demo_db, "delegations", base.id, limit=1)
    change_hub().remote.emit((entry,))
    assert dialog.remote_bar.isVisible()
    assert entry.user_name in dialog.remote_note.text()
    dialog.reload_button.click()
    qtbot.waitUntil(lambda: dialog.editors["leader"].value() == "Their leader", timeout=10_000)
    assert dialog.editors["members"].value() == 42
    assert "yours are kept" in dialog.remote_note.text()
    assert dialog.save()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10_000)
    stored = records.get_record(demo_db, "delegations", base.id)
    assert (stored.leader, stored.members) == ("Their leader", 42)


def test_reload_plan_without_changes_of_mine(demo_db: Database, other_desk: Database) -> None:
    base = _delegation(demo_db)
    theirs = save_record(other_desk, replace(base, leader="Their leader")).record
    plan = plan_reload(demo_db, base, base)
    assert [f.name for f in plan.fields] == ["leader"]
    assert merged_record(plan) == theirs
