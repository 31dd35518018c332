"""People in the window: the People tab and its search, a person's passport data masked in
the detail pane and in the edit dialog until revealed (each reveal on record, refused to a
viewer, never overwritten by a save that did not reveal it), the editors of a time of day and
of a day that may be empty, the Letter templates dialog, and the office's letterhead in the
Office profile.

Dialogs are never run with exec(): the tests press their buttons and wait for what the
buttons started (off the GUI thread). Message boxes are replaced by recorders."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from exchange_desk.domain.enums import LetterKind, LetterLanguage, Sex
from exchange_desk.domain.records import LetterTemplate
from exchange_desk.domain.roles import Role
from exchange_desk.services import audit, records
from exchange_desk.services.conflicts import ConflictField, ConflictPlan, Side
from exchange_desk.services.database import Database
from exchange_desk.services.editing import save_record
from exchange_desk.services.office import office_profile
from exchange_desk.services.records import ListQuery, list_records
from exchange_desk.ui.fields import MaskedField, OptionalDayEdit, TimeEdit, Unparseable
from exchange_desk.ui.forms import MASK
from exchange_desk.ui.letter_templates_dialog import LetterTemplatesDialog, read_targets
from exchange_desk.ui.main_window import MainWindow
from exchange_desk.ui.operations import change_hub, pending
from exchange_desk.ui.profile_dialog import OfficeProfileDialog
from exchange_desk.ui.record_dialog import RecordDialog
from visit_data import VisitIds, make_visit

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

SENSITIVE = ("passport_number", "nationality", "date_of_birth", "sex")


@pytest.fixture
def visit(sqlite_db: Database) -> VisitIds:
    return make_visit(sqlite_db)


@pytest.fixture
def window(qtbot: QtBot, sqlite_db: Database, visit: VisitIds) -> MainWindow:
    window = MainWindow(sqlite_db, remember=False)
    qtbot.addWidget(window)
    window.show()
    return window


class Boxes:
    """QMessageBox.information, .warning and .question record what they were asked; a
    question is answered with `answer`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.shown: list[str] = []
        self.asked: list[str] = []
        self.answer = QMessageBox.StandardButton.Yes

        def told(_parent: Any, title: str, text: str, *_args: Any) -> Any:
            self.shown.append(f"{title}\n{text}")
            return QMessageBox.StandardButton.Ok

        def asked(_parent: Any, title: str, text: str, *_args: Any) -> Any:
            self.asked.append(f"{title}\n{text}")
            return self.answer

        monkeypatch.setattr(QMessageBox, "information", told)
        monkeypatch.setattr(QMessageBox, "warning", told)
        monkeypatch.setattr(QMessageBox, "question", asked)


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> Boxes:
    return Boxes(monkeypatch)


def settle(qtbot: QtBot) -> None:
    """Wait until every operation started has called back."""
    qtbot.waitUntil(lambda: pending() == 0, timeout=20_000)


def people_tab(qtbot: QtBot, window: MainWindow) -> Any:
    tab = window.tab("people")
    window.tabs.setCurrentWidget(window._pages["people"])
    tab.load_all()
    qtbot.waitUntil(lambda: tab.complete, timeout=20_000)
    return tab


def pane_texts(tab: Any) -> list[str]:
    page = tab.detail.widget()
    assert page is not None
    return [label.text() for label in page.findChildren(QLabel)]


def reveals(database: Database, person_id: int) -> int:
    return sum(
        1 for entry in audit.history(database, "persons", person_id) if entry.action == "reveal"
    )


def ok(qtbot: QtBot, dialog: RecordDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    box.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.saving is None, timeout=20_000)


# --- the People tab ----------------------------------------------------------------------------


def test_the_people_tab_lists_people_and_finds_a_chinese_name_by_pinyin(
    qtbot: QtBot, window: MainWindow, visit: VisitIds
) -> None:
    tab = people_tab(qtbot, window)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "People" in titles
    assert tab.model.rowCount() == 7
    for typed in ("wang zhe", "wangzhe"):
        tab.search_box.setText(typed)
        qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=5_000)
        assert tab.model.record_id(0) == visit.interpreter
        row = tab.model.index(0, 0)
        assert tab.model.data(row) in ("Zhe Wang", "王喆")
    tab.search_box.setText("")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 7, timeout=5_000)


# --- the detail pane ---------------------------------------------------------------------------


def test_the_pane_masks_the_passport_data_until_revealed(
    qtbot: QtBot, window: MainWindow, sqlite_db: Database, visit: VisitIds
) -> None:
    tab = people_tab(qtbot, window)
    assert tab.select_record(visit.head)
    settle(qtbot)
    texts = pane_texts(tab)
    assert texts.count(MASK) == 4
    assert not any("31234567" in text for text in texts)
    assert reveals(sqlite_db, visit.head) == 0
    assert tab.detail.reveal_button is not None
    tab.detail.reveal_button.click()
    settle(qtbot)
    texts = pane_texts(tab)
    assert "31234567" in texts
    assert "Israel" in texts  # the nationality by its name
    assert MASK not in texts
    assert reveals(sqlite_db, visit.head) == 1
    # Hide goes back to the mask without reading (or recording) anything.
    tab.detail.hide_revealed()
    texts = pane_texts(tab)
    assert texts.count(MASK) == 4
    assert "31234567" not in texts
    assert reveals(sqlite_db, visit.head) == 1
    # Another person is shown masked, and so is the first one again.
    assert tab.select_record(visit.deputy)
    settle(qtbot)
    assert "32345678" not in pane_texts(tab)
    assert tab.select_record(visit.head)
    settle(qtbot)
    assert pane_texts(tab).count(MASK) == 4


def test_a_viewer_is_told_why_the_pane_does_not_reveal(
    qtbot: QtBot, window: MainWindow, sqlite_db: Database, visit: VisitIds, boxes: Boxes
) -> None:
    tab = people_tab(qtbot, window)
    assert tab.select_record(visit.interpreter)
    settle(qtbot)
    sqlite_db._role = Role.VIEWER  # type: ignore[attr-defined]
    tab.detail.reveal()
    settle(qtbot)
    assert len(boxes.shown) == 1
    assert "viewer" in boxes.shown[0]
    texts = pane_texts(tab)
    assert "E12345678" not in texts
    assert texts.count(MASK) == 4
    assert tab.detail.reveal_button is not None
    assert tab.detail.reveal_button.isEnabled()
    assert reveals(sqlite_db, visit.interpreter) == 0


def test_a_person_without_passport_data_has_no_reveal(
    qtbot: QtBot, window: MainWindow, visit: VisitIds
) -> None:
    tab = people_tab(qtbot, window)
    assert tab.select_record(visit.no_passport)
    settle(qtbot)
    assert MASK not in pane_texts(tab)
    assert tab.detail.reveal_button is None


# --- the edit dialog ---------------------------------------------------------------------------


def person_dialog(
    qtbot: QtBot, database: Database, person_id: int | None, **options: Any
) -> RecordDialog:
    record = records.get_record(database, "persons", person_id) if person_id else None
    dialog = RecordDialog(database, "persons", record, **options)
    qtbot.addWidget(dialog)
    return dialog


def test_the_dialog_hides_the_stored_passport_data(
    qtbot: QtBot, sqlite_db: Database, visit: VisitIds
) -> None:
    dialog = person_dialog(qtbot, sqlite_db, visit.head)
    assert dialog.masked == set(SENSITIVE)
    for name in SENSITIVE:
        mask = dialog.masks[name]
        assert isinstance(mask, MaskedField)
        assert mask.masked
        assert dialog.editors[name].value() in (None, "")  # no widget holds the value
    assert dialog.reveal_row is not None
    assert dialog.form.isRowVisible(dialog.reveal_row)
    assert reveals(sqlite_db, visit.head) == 0


def test_a_save_without_revealing_keeps_the_passport_data(
    qtbot: QtBot, sqlite_db: Database, visit: VisitIds
) -> None:
    dialog = person_dialog(qtbot, sqlite_db, visit.head)
    dialog.editors["phone"].set_value("+972 9 764 9111")
    ok(qtbot, dialog)
    assert dialog.saved_record is not None
    stored = records.get_record(sqlite_db, "persons", visit.head)
    assert stored.phone == "+972 9 764 9111"
    assert (stored.passport_number, stored.nationality) == ("31234567", "IL")
    assert (stored.date_of_birth, stored.sex) == (dt.date(1960, 3, 14), Sex.MALE)
    assert reveals(sqlite_db, visit.head) == 0


def test_revealing_in_the_dialog_fills_the_fields_and_is_on_record(
    qtbot: QtBot, sqlite_db: Database, visit: VisitIds
) -> None:
    dialog = person_dialog(qtbot, sqlite_db, visit.head)
    dialog.reveal_button.click()
    settle(qtbot)
    assert dialog.revealed
    assert dialog.masked == set()
    assert dialog.editors["passport_number"].value() == "31234567"
    assert dialog.editors["nationality"].value() == "IL"
    assert dialog.editors["date_of_birth"].value() == dt.date(1960, 3, 14)
    assert dialog.editors["sex"].value() is Sex.MALE
    assert dialog.reveal_row is not None
    assert not dialog.form.isRowVisible(dialog.reveal_row)
    assert reveals(sqlite_db, visit.head) == 1
    dialog.editors["passport_number"].set_value("39999999")
    dialog.editors["date_of_birth"].set_value(None)
    ok(qtbot, dialog)
    stored = records.get_record(sqlite_db, "persons", visit.head)
    assert (stored.passport_number, stored.date_of_birth) == ("39999999", None)


def test_a_viewer_is_told_why_the_dialog_does_not_reveal(
    qtbot: QtBot, sqlite_db: Database, visit: VisitIds, boxes: Boxes
) -> None:
    dialog = person_dialog(qtbot, sqlite_db, visit.deputy)
    sqlite_db._role = Role.VIEWER  # type: ignore[attr-defined]
    dialog.reveal()
    settle(qtbot)
    assert len(boxes.shown) == 1
    assert "viewer" in boxes.shown[0]
    assert dialog.masked == set(SENSITIVE)
    assert dialog.reveal_button.isEnabled()


def test_a_new_person_is_typed_in_without_reveal(
    qtbot: QtBot, sqlite_db: Database, visit: VisitIds
) -> None:
    dialog = person_dialog(qtbot, sqlite_db, None)
    assert dialog.masked == set()
    assert dialog.reveal_row is not None
    assert not dialog.form.isRowVisible(dialog.reveal_row)
    dialog.editors["name"].set_value("Li Na")
    dialog.editors["passport_number"].set_value("E7654321")
    birth = dialog.editors["date_of_birth"]
    assert isinstance(birth, OptionalDayEdit)
    birth.edit.setText("5/4/1982")  # as English writes a day: month first
    ok(qtbot, dialog)
    stored = dialog.saved_record
    assert stored is not None
    assert (stored.passport_number, stored.date_of_birth) == ("E7654321", dt.date(1982, 5, 4))


def test_a_person_without_passport_data_is_not_masked(
    qtbot: QtBot, sqlite_db: Database, visit: VisitIds
) -> None:
    dialog = person_dialog(qtbot, sqlite_db, visit.no_passport)
    assert dialog.masked == set()
    dialog.editors["nationality"].set_value("IL")
    ok(qtbot, dialog)
    assert records.get_record(sqlite_db, "persons", visit.no_passport).nationality == "IL"


def test_a_duplicate_starts_without_passport_data(
    qtbot: QtBot, sqlite_db: Database, visit: VisitIds
) -> None:
    record = records.get_record(sqlite_db, "persons", visit.head)
    dialog = RecordDialog(sqlite_db, "persons", record, duplicate=True)
    qtbot.addWidget(dialog)
    assert dialog.masked == set()
    assert dialog.editors["passport_number"].value() == ""
    assert dialog.editors["date_of_birth"].value() is None
    assert dialog.editors["family_name"].value() == "Ben-Hamo"


def test_the_conflict_dialog_is_not_shown_hidden_values(
    qtbot: QtBot, sqlite_db: Database, visit: VisitIds
) -> None:
    dialog = person_dialog(qtbot, sqlite_db, visit.head)
    record = records.get_record(sqlite_db, "persons", visit.head)
    plan = ConflictPlan(
        "persons",
        visit.head,
        record,
        replace(record, passport_number="30000000", phone="1"),
        record,
        (
            ConflictField(
                "passport_number", "Passport number", "31234567", "30000000", "", Side.THEIRS
            ),
            ConflictField("phone", "Phone", "", "1", "", Side.THEIRS),
        ),
        "someone",
        None,
    )
    shown = dialog._masked_plan(plan)
    passport, phone = shown.fields
    assert MASK in passport.base
    assert MASK in passport.theirs
    assert "31234567" not in repr(shown.fields)
    assert "30000000" not in repr(shown.fields)
    assert phone.theirs == "1"


# --- times and days ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("9:30", "09:30"), ("0930", "09:30"), ("9.30", "09:30"), ("18", "18:00"), ("", None)],
)
def test_a_time_of_day_is_read_as_typed(qtbot: QtBot, typed: str, stored: str | None) -> None:
    edit = TimeEdit()
    qtbot.addWidget(edit)
    edit.setText(typed)
    assert edit.value() == stored
    edit.editingFinished.emit()
    assert edit.text() == (stored or "")


@pytest.mark.parametrize("typed", ["25:00", "9:75", "noon", "12:3"])
def test_a_time_that_is_none_is_refused_as_typed(qtbot: QtBot, typed: str) -> None:
    edit = TimeEdit()
    qtbot.addWidget(edit)
    edit.setText(typed)
    with pytest.raises(Unparseable) as refused:
        edit.value()
    assert typed in refused.value.message
    edit.editingFinished.emit()
    assert edit.text() == typed  # left to be corrected


def test_a_day_may_be_left_empty_but_must_be_whole(qtbot: QtBot) -> None:
    edit = OptionalDayEdit()
    qtbot.addWidget(edit)
    assert edit.value() is None
    edit.set_value(dt.date(2019, 5, 20))
    assert edit.edit.text() == "2019-05-20"
    assert edit.value() == dt.date(2019, 5, 20)
    edit.edit.setText("2019-05")
    with pytest.raises(Unparseable):
        edit.value()
    edit.edit.setText("2019-02-30")
    with pytest.raises(Unparseable):
        edit.value()
    edit.set_value(None)
    assert edit.edit.text() == ""
    assert edit.value() is None


def test_a_programme_item_takes_its_times_as_typed(
    qtbot: QtBot, sqlite_db: Database, visit: VisitIds
) -> None:
    item = records.get_record(sqlite_db, "programme_items", visit.banquet)
    dialog = RecordDialog(sqlite_db, "programme_items", item)
    qtbot.addWidget(dialog)
    assert dialog.editors["starts_at"].value() == item.starts_at
    starts, ends = dialog.editors["starts_at"], dialog.editors["ends_at"]
    assert isinstance(starts, TimeEdit)
    assert isinstance(ends, TimeEdit)
    starts.setText("19.15")
    ends.setText("2130")
    ok(qtbot, dialog)
    stored = records.get_record(sqlite_db, "programme_items", visit.banquet)
    assert (stored.starts_at, stored.ends_at) == ("19:15", "21:30")


def test_a_programme_item_with_a_wrong_time_is_refused_at_the_field(
    qtbot: QtBot, sqlite_db: Database, visit: VisitIds
) -> None:
    item = records.get_record(sqlite_db, "programme_items", visit.banquet)
    dialog = RecordDialog(sqlite_db, "programme_items", item)
    qtbot.addWidget(dialog)
    ends = dialog.editors["ends_at"]
    assert isinstance(ends, TimeEdit)
    ends.setText("24:10")
    assert dialog.save() is False
    assert "24:10" in dialog.problems.text("ends_at")
    assert records.get_record(sqlite_db, "programme_items", visit.banquet) == item


def test_a_member_without_arrival_is_saved_with_none(
    qtbot: QtBot, sqlite_db: Database, visit: VisitIds
) -> None:
    member = (
        list_records(sqlite_db, "delegation_members", ListQuery(filters={"person_id": visit.head}))
        .rows[0]
        .record
    )
    dialog = RecordDialog(sqlite_db, "delegation_members", member)
    qtbot.addWidget(dialog)
    dialog.editors["arrival"].set_value(None)
    dialog.editors["departure"].set_value(None)
    ok(qtbot, dialog)
    stored = records.get_record(sqlite_db, "delegation_members", member.id)
    assert (stored.arrival, stored.departure) == (None, None)


# --- letter templates --------------------------------------------------------------------------


def _forget_changes(dialog: Any) -> None:
    dialog._loaded = (dialog.subject.text(), dialog.body.toPlainText())


@pytest.fixture
def templates(qtbot: QtBot, sqlite_db: Database, visit: VisitIds) -> LetterTemplatesDialog:
    dialog = LetterTemplatesDialog(sqlite_db)
    # Closed by the test's end without asking about what a test left unsaved.
    qtbot.addWidget(dialog, before_close_func=_forget_changes)
    dialog.choose(LetterKind.INVITATION, "en")
    qtbot.waitUntil(lambda: dialog.target_combo.count() > 0, timeout=20_000)
    settle(qtbot)
    return dialog


def stored_templates(database: Database) -> list[LetterTemplate]:
    return [row.record for row in list_records(database, "letter_templates").rows]


def test_the_first_suitable_delegation_is_chosen(sqlite_db: Database, visit: VisitIds) -> None:
    targets = read_targets(sqlite_db)
    assert targets.delegations[0][0] == visit.delegation
    assert "Kfar Saba" in targets.delegations[0][1]
    assert [record_id for record_id, _label in targets.partnerships] == [visit.partnership]


def test_the_dialog_shows_the_programs_text_and_its_preview(
    qtbot: QtBot, templates: LetterTemplatesDialog, visit: VisitIds
) -> None:
    assert templates.target_id == visit.delegation
    assert templates.current is not None
    assert templates.current.id is None
    from exchange_desk.services.letters import default_template

    program = default_template(LetterKind.INVITATION, "en")
    assert (templates.subject.text(), templates.body.toPlainText()) == (
        program.subject,
        program.body,
    )
    assert not templates.restore_button.isEnabled()
    preview = templates.preview.toPlainText()
    assert "Yehuda Ben-Hamo" in preview
    assert "{" not in templates.preview_subject.text()
    assert templates.preview_subject.text()
    assert "{purpose}" not in preview


def test_typing_updates_the_preview_and_names_what_has_no_value(
    qtbot: QtBot, templates: LetterTemplatesDialog
) -> None:
    templates.body.setPlainText("Dear {head_addressed}, welcome to {home_city}.")
    qtbot.waitUntil(lambda: "welcome to Jinan" in templates.preview.toPlainText(), timeout=5_000)
    assert templates.dirty
    assert "not saved" in templates.status.text()


def test_a_click_on_a_placeholder_puts_it_in_at_the_cursor(
    qtbot: QtBot, templates: LetterTemplatesDialog
) -> None:
    templates.body.setPlainText("Dear , welcome.")
    cursor = templates.body.textCursor()
    cursor.setPosition(len("Dear "))
    templates.body.setTextCursor(cursor)
    templates.body.setFocus()
    templates._last_editor = templates.body
    templates.placeholder_list.anchorClicked.emit(QUrl("insert:head_addressed"))
    assert templates.body.toPlainText() == "Dear {head_addressed}, welcome."
    listed = [name for name, _description in templates.placeholders]
    assert "partner_city" in listed
    assert "members" in listed
    assert "{partner_city}" in templates.placeholder_list.toPlainText()


def test_a_template_is_saved_changed_and_restored(
    qtbot: QtBot, templates: LetterTemplatesDialog, sqlite_db: Database, boxes: Boxes
) -> None:
    templates.subject.setText("Invitation from {home_city}")
    templates.body.setPlainText("Dear {head_addressed},\n\nPlease come to {home_city}.")
    templates.save()
    settle(qtbot)
    (stored,) = stored_templates(sqlite_db)
    assert (stored.letter, stored.language) == (LetterKind.INVITATION, LetterLanguage.EN)
    assert stored.subject == "Invitation from {home_city}"
    assert not templates.dirty
    assert templates.restore_button.isEnabled()
    assert stored.id is not None
    created = audit.history(sqlite_db, "letter_templates", stored.id)
    assert [entry.action for entry in created] == ["create"]
    # Changed again: the same record, a new version.
    templates.body.setPlainText("Dear {head_addressed},\n\nWelcome to {home_city}.")
    templates.save()
    settle(qtbot)
    (changed,) = stored_templates(sqlite_db)
    assert changed.id == stored.id
    assert changed.version == (stored.version or 0) + 1
    # The program's text again, after a confirmation.
    boxes.answer = QMessageBox.StandardButton.Cancel
    templates.restore_program_text()
    settle(qtbot)
    assert len(stored_templates(sqlite_db)) == 1
    boxes.answer = QMessageBox.StandardButton.Yes
    templates.restore_program_text()
    settle(qtbot)
    assert stored_templates(sqlite_db) == []
    assert len(boxes.asked) == 2
    assert templates.current is not None
    assert templates.current.id is None
    assert "Welcome to {home_city}" not in templates.body.toPlainText()


def test_a_template_stored_elsewhere_is_shown_unless_one_is_writing(
    qtbot: QtBot, templates: LetterTemplatesDialog, sqlite_db: Database
) -> None:
    templates.show()
    elsewhere = save_record(
        sqlite_db,
        LetterTemplate(
            letter=LetterKind.INVITATION,
            language=LetterLanguage.EN,
            subject="From elsewhere",
            body="Dear {head_addressed},",
        ),
    )
    change_hub().changed.emit(elsewhere.changes)
    settle(qtbot)
    assert templates.subject.text() == "From elsewhere"
    assert templates.restore_button.isEnabled()
    # While the user writes, what they write stays.
    templates.subject.setText("Mine")
    again = save_record(sqlite_db, replace(elsewhere.record, subject="Theirs"))
    change_hub().changed.emit(again.changes)
    settle(qtbot)
    assert templates.subject.text() == "Mine"


def test_a_bad_placeholder_is_named_at_its_field(
    qtbot: QtBot, templates: LetterTemplatesDialog, sqlite_db: Database
) -> None:
    templates.body.setPlainText("Dear {mayor_of_mars},")
    assert templates.save() is None
    assert "{mayor_of_mars}" in templates.problems.text("body")
    assert stored_templates(sqlite_db) == []
    templates.subject.setText("About {members}")
    templates.body.setPlainText("Dear {head_addressed},")
    assert templates.save() is None
    assert "{members}" in templates.problems.text("subject")


def test_unsaved_changes_are_asked_about(
    qtbot: QtBot, templates: LetterTemplatesDialog, boxes: Boxes
) -> None:
    templates.body.setPlainText("Something of my own")
    boxes.answer = QMessageBox.StandardButton.Cancel
    templates.choose(LetterKind.INVITATION, "zh")
    assert templates.language == "en"  # back where the text is
    assert templates.body.toPlainText() == "Something of my own"
    closed: list[int] = []
    templates.finished.connect(closed.append)
    templates.reject()
    assert closed == []  # still open, with the text
    assert len(boxes.asked) == 2
    boxes.answer = QMessageBox.StandardButton.Discard
    templates.choose(LetterKind.CONGRATULATION, "he")
    settle(qtbot)
    assert (templates.letter, templates.language) == (LetterKind.CONGRATULATION, "he")
    assert not templates.dirty
    assert templates.target_label.text() == "For the partner:"


def test_a_hebrew_template_is_written_right_to_left(
    qtbot: QtBot, templates: LetterTemplatesDialog
) -> None:
    templates.choose(LetterKind.CONGRATULATION, "he")
    settle(qtbot)
    assert templates.body.isRightToLeft()
    assert templates.preview.isRightToLeft()
    templates.choose(LetterKind.CONGRATULATION, "zh")
    settle(qtbot)
    assert not templates.body.isRightToLeft()


def test_the_preview_without_any_delegation_says_so(
    qtbot: QtBot, sqlite_db: Database, visit: VisitIds
) -> None:
    dialog = LetterTemplatesDialog(sqlite_db)
    qtbot.addWidget(dialog)
    dialog.targets = replace(dialog.targets, delegations=())
    dialog._fill_targets()
    assert dialog.target_id is None
    assert "no delegation" in dialog.preview_notes.text()


def test_the_file_menu_opens_the_templates(qtbot: QtBot, window: MainWindow, boxes: Boxes) -> None:
    action = window.act_letter_templates  # type: ignore[attr-defined]
    actions = window.menu_file.actions()
    assert actions.index(action) == actions.index(window.act_profile) + 1
    assert action.text() == "&Letter templates…"
    action.trigger()
    found = window.findChildren(LetterTemplatesDialog)
    assert len(found) == 1
    assert found[0].isVisible()
    settle(qtbot)
    found[0].close()


# --- the letterhead ----------------------------------------------------------------------------


def test_the_profile_edits_the_letterhead(
    qtbot: QtBot, sqlite_db: Database, visit: VisitIds
) -> None:
    dialog = OfficeProfileDialog(sqlite_db)
    qtbot.addWidget(dialog)
    assert dialog.editors["address_zh"].value() == "中国济南市历下区龙奥北路1号 250099"
    assert dialog.editors["phone"].value() == "+86 531 5165 0000"
    assert "L2" in dialog.letter_pattern.example.text()  # L{year}-{seq:03}
    dialog.editors["address_he"].set_value("שדרות לונגאו 1, ג'ינאן, סין")
    dialog.editors["email"].set_value("letters@jinan.gov.cn")
    dialog.letter_pattern.edit.set_value("JNW-{year}-{seq:04}")
    assert dialog.letter_pattern.example.text().endswith("-0001")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.saving is None, timeout=20_000)
    profile = office_profile(sqlite_db)
    assert profile.address_he == "שדרות לונגאו 1, ג'ינאן, סין"
    assert profile.email == "letters@jinan.gov.cn"
    assert profile.letter_number_pattern == "JNW-{year}-{seq:04}"
    assert profile.address_en.startswith("1 Longao North Road")


def test_a_letter_pattern_that_cannot_number_is_refused_at_its_field(
    qtbot: QtBot, sqlite_db: Database, visit: VisitIds
) -> None:
    dialog = OfficeProfileDialog(sqlite_db)
    qtbot.addWidget(dialog)
    dialog.letter_pattern.edit.set_value("L{year}")
    assert "{seq}" in dialog.letter_pattern.example.text()
    assert dialog.save() is False
    assert dialog.problems.text("letter_number_pattern")
    assert office_profile(sqlite_db).letter_number_pattern == "L{year}-{seq:03}"
