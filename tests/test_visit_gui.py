"""The visit window (members, programme, documents), the guest list dialog with its seating
preview, and the child records widget they are made of (offscreen, through pytest-qt).

Every test works on `visit_data.make_visit`: the Kfar Saba delegation received in Jinan.
The record dialogs are filled through their widgets and OK is pressed through the button
box; message boxes that would block are replaced by recorders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from exchange_desk.domain import records as r
from exchange_desk.domain.enums import MemberRole
from exchange_desk.domain.roles import Role
from exchange_desk.i18n.catalog import set_language
from exchange_desk.services import records
from exchange_desk.services.audit import history
from exchange_desk.services.database import Database
from exchange_desk.services.records import ListQuery, list_records
from exchange_desk.ui.child_records import WARNING_COLOR, ChildRecords
from exchange_desk.ui.fields import EnumCombo, ReferencePicker
from exchange_desk.ui.guest_list_dialog import GuestListDialog
from exchange_desk.ui.language import apply_language
from exchange_desk.ui.operations import pending
from exchange_desk.ui.record_dialog import RecordDialog
from exchange_desk.ui.visit_dialog import VisitDialog
from visit_data import VisitIds, make_visit

# The offscreen platform plugin says these when a window is shown or brought forward.
pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support propagateSizeHints", r"This plugin does not support raise"
)


@pytest.fixture(autouse=True)
def _no_work_left_behind(qapp: QApplication) -> Iterator[None]:
    """Background reads end within their test; each test starts and ends in English, left
    to right."""
    apply_language("en")
    yield
    assert QThreadPool.globalInstance().waitForDone(30_000)
    qapp.processEvents()
    apply_language("en")
    set_language("en")


@pytest.fixture
def visit(sqlite_db: Database) -> VisitIds:
    return make_visit(sqlite_db)


def shown(qtbot: Any, widget: Any) -> Any:
    qtbot.addWidget(widget)
    widget.show()
    return widget


def loaded(qtbot: Any, records_widget: ChildRecords) -> ChildRecords:
    """Wait until the widget's rows are read and shown, and nothing else runs."""
    qtbot.waitUntil(lambda: not records_widget.loading and pending() == 0, timeout=20_000)
    QApplication.processEvents()
    return records_widget


def visit_dialog(qtbot: Any, database: Database, ids: VisitIds) -> VisitDialog:
    dialog: VisitDialog = shown(qtbot, VisitDialog(database, ids.delegation))
    qtbot.waitUntil(lambda: dialog.visit is not None, timeout=20_000)
    loaded(qtbot, dialog.members)
    return dialog


def open_record_dialog(qtbot: Any, widget: ChildRecords, action: str = "add") -> RecordDialog:
    getattr(widget, action)()
    qtbot.waitUntil(lambda: widget.dialog is not None and widget.dialog.isVisible(), timeout=20_000)
    assert widget.dialog is not None
    return widget.dialog


def press_ok(qtbot: Any, dialog: RecordDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    box.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.saving is None, timeout=20_000)


def person_ids(widget: ChildRecords) -> list[int]:
    return [row.record.person_id for row in widget.model.rows]


def stored_members(database: Database, delegation_id: int) -> list[r.DelegationMember]:
    query = ListQuery(filters={"delegation_id": delegation_id})
    return [listed.record for listed in list_records(database, "delegation_members", query).rows]


# --- members -----------------------------------------------------------------------------------


def test_members_are_listed_in_precedence_order(
    qtbot: Any, qtmodeltester: Any, sqlite_db: Database, visit: VisitIds
) -> None:
    dialog = visit_dialog(qtbot, sqlite_db, visit)
    members = dialog.members
    qtmodeltester.check(members.model)
    assert person_ids(members) == list(visit.members)
    names = [row.cells[0] for row in members.model.rows]
    assert names[:2] == ["Yehuda Ben-Hamo", "Natali Afra"]
    roles = [row.cells[1] for row in members.model.rows]
    assert roles[0] == MemberRole.HEAD.label
    # Passport data: complete or what is missing, never the data themselves.
    passport = {row.record.person_id: row.cells[5] for row in members.model.rows}
    assert passport[visit.head] == "Complete"
    assert passport[visit.no_passport].startswith("Missing: passport number")
    assert not any("31234567" in cell for row in members.model.rows for cell in row.cells)
    assert "Kfar Saba" in dialog.windowTitle()
    # The visa letter's row names who lacks passport data.
    assert "Dana Levi" in dialog.documents.visa_missing.text()


def test_members_are_named_in_the_windows_script(
    qtbot: Any, sqlite_db: Database, visit: VisitIds
) -> None:
    apply_language("zh_CN")
    dialog = visit_dialog(qtbot, sqlite_db, visit)
    names = {row.record.person_id: row.cells[0] for row in dialog.members.model.rows}
    assert names[visit.interpreter] == "王喆"
    assert names[visit.head] == "耶胡达·本-哈莫"
    assert names[visit.member] == "Avi Cohen"  # no Chinese name: Latin letters
    apply_language("he")
    loaded(qtbot, dialog.members)
    names = {row.record.person_id: row.cells[0] for row in dialog.members.model.rows}
    assert names[visit.head].strip("\u202a\u202b\u202c") == "יהודה בן חמו"
    assert dialog.members.view.layoutDirection() == Qt.LayoutDirection.RightToLeft


def test_a_member_added_through_the_dialog_is_stored_and_listed(
    qtbot: Any, sqlite_db: Database, visit: VisitIds
) -> None:
    newcomer = records.create(
        sqlite_db, r.Person(name="Yael Mor", name_he="יעל מור", rank=6, title="Spokeswoman")
    ).id
    assert newcomer is not None
    dialog = visit_dialog(qtbot, sqlite_db, visit)
    editor = open_record_dialog(qtbot, dialog.members)
    # The delegation is set and not shown; arrival and departure start at the visit's days.
    assert not editor.field_widgets["delegation_id"].isVisible()
    assert editor.editors["delegation_id"].value() == visit.delegation
    assert editor.editors["arrival"].value() == dt.date(2019, 5, 20)
    person = editor.editors["person_id"]
    assert isinstance(person, ReferencePicker)
    person.set_value(newcomer)
    role = editor.editors["role"]
    assert isinstance(role, EnumCombo)
    role.set_value(MemberRole.MEMBER)
    with qtbot.waitSignal(dialog.members.loaded, timeout=20_000):
        press_ok(qtbot, editor)
    loaded(qtbot, dialog.members)
    stored = [m for m in stored_members(sqlite_db, visit.delegation) if m.person_id == newcomer]
    assert len(stored) == 1
    assert stored[0].role is MemberRole.MEMBER
    # Stored through the services: on record in the audit log, versioned.
    assert stored[0].id is not None
    assert history(sqlite_db, "delegation_members", stored[0].id)
    assert stored[0].version == 1
    # Listed by precedence: a member of rank 6 after the member of rank 5.
    order = person_ids(dialog.members)
    assert order.index(newcomer) == order.index(visit.member) + 1
    assert dialog.members.current_id() == stored[0].id


def test_the_same_person_twice_is_refused_at_the_field(
    qtbot: Any, sqlite_db: Database, visit: VisitIds
) -> None:
    dialog = visit_dialog(qtbot, sqlite_db, visit)
    editor = open_record_dialog(qtbot, dialog.members)
    editor.editors["person_id"].set_value(visit.deputy)
    editor.editors["role"].set_value(MemberRole.MEMBER)
    press_ok(qtbot, editor)
    assert editor.isVisible()  # open, with everything typed
    assert "already a member" in editor.problems.text("person_id")
    assert len(stored_members(sqlite_db, visit.delegation)) == len(visit.members)
    editor.reject()


def test_editing_a_member_keeps_the_delegation(
    qtbot: Any, sqlite_db: Database, visit: VisitIds
) -> None:
    dialog = visit_dialog(qtbot, sqlite_db, visit)
    members = dialog.members
    members.select_record(
        next(row.record.id for row in members.model.rows if row.record.person_id == visit.member)
    )
    editor = open_record_dialog(qtbot, members, "edit")
    assert editor.windowTitle().startswith("Edit delegation member")
    editor.editors["role"].set_value(MemberRole.SECURITY)
    with qtbot.waitSignal(members.loaded, timeout=20_000):
        press_ok(qtbot, editor)
    loaded(qtbot, members)
    changed = [
        m for m in stored_members(sqlite_db, visit.delegation) if m.person_id == visit.member
    ]
    assert changed[0].role is MemberRole.SECURITY
    assert changed[0].delegation_id == visit.delegation
    # Security goes after the interpreter and the staff now.
    assert person_ids(members)[-1] == visit.member


def test_removing_a_member_asks_by_name(
    qtbot: Any, sqlite_db: Database, visit: VisitIds, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def answer(_parent: Any, _title: str, text: str, *_args: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    dialog = visit_dialog(qtbot, sqlite_db, visit)
    members = dialog.members
    members.select_row(person_ids(members).index(visit.no_passport))
    with qtbot.waitSignal(members.loaded, timeout=20_000):
        members.remove()
    loaded(qtbot, members)
    assert "Dana Levi" in asked[0]
    assert visit.no_passport not in person_ids(members)
    assert visit.no_passport not in [
        m.person_id for m in stored_members(sqlite_db, visit.delegation)
    ]


def test_a_viewer_sees_the_members_but_cannot_change_them(
    qtbot: Any, sqlite_db: Database, visit: VisitIds
) -> None:
    sqlite_db._role = Role.VIEWER  # type: ignore[attr-defined]
    dialog = visit_dialog(qtbot, sqlite_db, visit)
    members = dialog.members
    assert person_ids(members) == list(visit.members)
    members.select_row(0)
    for button in (members.add_button, members.edit_button, members.remove_button):
        assert not button.isEnabled()
        assert button.toolTip()
    assert members.add() is None
    assert members.edit() is None
    assert members.dialog is None


# --- programme ---------------------------------------------------------------------------------


def programme_tab(qtbot: Any, dialog: VisitDialog) -> ChildRecords:
    dialog.tabs.setCurrentWidget(dialog.programme)
    return loaded(qtbot, dialog.programme)


def test_the_programme_is_listed_by_day_and_time(
    qtbot: Any, qtmodeltester: Any, sqlite_db: Database, visit: VisitIds
) -> None:
    dialog = visit_dialog(qtbot, sqlite_db, visit)
    programme = programme_tab(qtbot, dialog)
    qtmodeltester.check(programme.model)
    activities = [row.cells[2] for row in programme.model.rows]
    assert activities == [
        "Meeting with the Mayor of Jinan",
        "Welcome banquet",
        "Visit to Jinan Yuying Middle School",
    ]
    times = [row.cells[1] for row in programme.model.rows]
    assert times[0] == "09:30–10:30"
    # The day is written once, on its first item.
    days = [row.cells[0] for row in programme.model.rows]
    assert days[0]
    assert days[1] == ""
    assert days[2]
    assert programme.model.rows[1].cells[6] == "6 guests"
    assert programme.warning_label.isHidden()
    # The guest list button is for receptions only.
    programme.select_row(0)
    assert not dialog.guest_list_button.isEnabled()
    programme.select_row(1)
    assert dialog.guest_list_button.isEnabled()
    guests = dialog.open_guest_list()
    assert isinstance(guests, GuestListDialog)  # the visit window's child, deleted on close
    assert guests.programme_item_id == visit.banquet
    loaded(qtbot, guests.guests)
    guests.close()


def test_overlapping_items_are_warned_of(qtbot: Any, sqlite_db: Database, visit: VisitIds) -> None:
    records.create(
        sqlite_db,
        r.ProgrammeItem(
            delegation_id=visit.delegation,
            day=dt.date(2019, 5, 20),
            starts_at="10:00",
            ends_at="11:00",
            activity_en="Press conference",
        ),
    )
    dialog = visit_dialog(qtbot, sqlite_db, visit)
    programme = programme_tab(qtbot, dialog)
    assert programme.warning_label.isVisible()
    warning = programme.warning_label.text()
    assert "Press conference" in warning
    assert "Meeting with the Mayor of Jinan" in warning
    tinted = {
        row.cells[2]
        for number, row in enumerate(programme.model.rows)
        if programme.model.data(programme.model.index(number, 0), Qt.ItemDataRole.BackgroundRole)
        is not None
    }
    assert tinted == {"Meeting with the Mayor of Jinan", "Press conference"}
    first = programme.model.index(0, 2)
    assert "Press conference" in programme.model.data(first, Qt.ItemDataRole.ToolTipRole)
    brush = programme.model.data(first, Qt.ItemDataRole.BackgroundRole)
    assert brush.color() == WARNING_COLOR


def test_a_programme_item_ending_before_it_starts_is_refused_at_the_field(
    qtbot: Any, sqlite_db: Database, visit: VisitIds
) -> None:
    dialog = visit_dialog(qtbot, sqlite_db, visit)
    programme = programme_tab(qtbot, dialog)
    editor = open_record_dialog(qtbot, programme)
    assert not editor.field_widgets["delegation_id"].isVisible()
    assert editor.editors["day"].value() == dt.date(2019, 5, 20)  # the visit's first day
    editor.editors["starts_at"].set_value("15:00")
    editor.editors["ends_at"].set_value("14:00")
    editor.editors["activity_en"].set_value("Tea with the press")
    press_ok(qtbot, editor)
    assert editor.isVisible()
    assert "before it starts" in editor.problems.text("ends_at")
    # Set right, it is stored with the delegation and listed in its place.
    editor.editors["ends_at"].set_value("16:00")
    with qtbot.waitSignal(programme.loaded, timeout=20_000):
        press_ok(qtbot, editor)
    loaded(qtbot, programme)
    activities = [row.cells[2] for row in programme.model.rows]
    assert activities.index("Tea with the press") == 1
    stored = programme.model.rows[1].record
    assert (stored.delegation_id, stored.starts_at, stored.ends_at) == (
        visit.delegation,
        "15:00",
        "16:00",
    )


# --- guest list and seating --------------------------------------------------------------------


def test_the_guest_list_seats_the_host_facing_the_guest_of_honour(
    qtbot: Any, qtmodeltester: Any, sqlite_db: Database, visit: VisitIds
) -> None:
    dialog = shown(qtbot, GuestListDialog(sqlite_db, programme_item_id=visit.banquet))
    loaded(qtbot, dialog.guests)
    qtmodeltester.check(dialog.guests.model)
    people = [row.record.person_id for row in dialog.guests.model.rows]
    # Guests received first, then the hosts, each in precedence order.
    assert people == [
        visit.head,
        visit.deputy,
        visit.member,
        visit.interpreter,
        visit.host,
        visit.host_deputy,
    ]
    assert dialog.seats_box.value() == 10
    view = dialog.seating
    host, honoured = view.seat_of(1), view.seat_of(2)
    assert host is not None
    assert honoured is not None
    assert host.entry.person.id == visit.host
    assert honoured.entry.person.id == visit.head
    assert (host.side, honoured.side) == ("near", "far")
    # Facing: one above the other across the table.
    assert host.rect.center().x() == pytest.approx(honoured.rect.center().x())
    assert host.rect.top() > honoured.rect.bottom()
    # The place of honour, the host's right, is the page's right of the host.
    third = view.seat_of(3)
    assert third is not None
    assert third.side == "near"
    assert third.rect.left() > host.rect.right()
    assert third.entry.person.id == visit.deputy
    # Ten seats: five a side, four empty.
    assert len(view.seats) == 10
    assert sum(seat.entry is None for seat in view.seats) == 4
    assert dialog.unseated.isHidden()

    # A table of four leaves two without a seat; an even side still faces in the middle.
    dialog.seats_box.setValue(4)
    host, honoured = view.seat_of(1), view.seat_of(2)
    assert host is not None
    assert honoured is not None
    assert host.rect.center().x() == pytest.approx(honoured.rect.center().x())
    assert dialog.unseated.isVisible()
    assert "Wang" in dialog.unseated.text() or "Liu" in dialog.unseated.text()
    assert not view.grab().isNull()


def test_the_seating_is_the_room_in_hebrew_too(
    qtbot: Any, sqlite_db: Database, visit: VisitIds
) -> None:
    apply_language("he")
    dialog = shown(qtbot, GuestListDialog(sqlite_db, programme_item_id=visit.banquet))
    loaded(qtbot, dialog.guests)
    assert dialog.layoutDirection() == Qt.LayoutDirection.RightToLeft
    host, third = dialog.seating.seat_of(1), dialog.seating.seat_of(3)
    assert host is not None
    assert third is not None
    # The host's right is the page's right whatever the window's direction.
    assert third.rect.left() > host.rect.right()


def test_an_events_guest_is_added_with_the_event_set(
    qtbot: Any, sqlite_db: Database, visit: VisitIds
) -> None:
    dialog = shown(qtbot, GuestListDialog(sqlite_db, event_id=visit.event))
    guests = loaded(qtbot, dialog.guests)
    assert len(guests.model.rows) == 2
    editor = open_record_dialog(qtbot, guests)
    assert not editor.field_widgets["event_id"].isVisible()
    assert not editor.field_widgets["programme_item_id"].isVisible()
    editor.editors["person_id"].set_value(visit.deputy)
    with qtbot.waitSignal(guests.loaded, timeout=20_000):
        press_ok(qtbot, editor)
    loaded(qtbot, guests)
    stored = [row.record for row in guests.model.rows if row.record.person_id == visit.deputy]
    assert len(stored) == 1
    assert (stored[0].event_id, stored[0].programme_item_id) == (visit.event, None)
    assert "Kfar Saba Arts Festival" in dialog.windowTitle()


# --- documents ---------------------------------------------------------------------------------


def wait_for_document(qtbot: Any, dialog: Any) -> None:
    qtbot.waitUntil(lambda: dialog.runner.running is None and pending() == 0, timeout=60_000)
    QApplication.processEvents()


def test_the_documents_are_made_where_asked(
    qtbot: Any, sqlite_db: Database, visit: VisitIds, tmp_path: Path
) -> None:
    pytest.importorskip("exchange_desk.services.badges")
    dialog = visit_dialog(qtbot, sqlite_db, visit)
    # The home city's language and the partner's are ticked, the home city's first.
    assert dialog.documents.languages() == ["zh", "he"]
    target = tmp_path / "badges.pdf"
    dialog.make_badges(target)
    wait_for_document(qtbot, dialog)
    assert target.read_bytes().startswith(b"%PDF")
    assert "badges.pdf" in dialog.documents.note.text()
    cards = tmp_path / "cards.pdf"
    dialog.make_place_cards(cards)
    wait_for_document(qtbot, dialog)
    assert cards.read_bytes().startswith(b"%PDF")


def test_the_programme_document_is_made_in_the_languages_ticked(
    qtbot: Any, sqlite_db: Database, visit: VisitIds, tmp_path: Path
) -> None:
    pytest.importorskip("exchange_desk.services.programme")
    dialog = visit_dialog(qtbot, sqlite_db, visit)
    dialog.documents.language_boxes["en"].setChecked(True)
    dialog.documents.language_boxes["he"].setChecked(False)
    assert dialog.documents.languages() == ["zh", "en"]
    target = tmp_path / "programme.ics"
    dialog.make_programme(target)
    wait_for_document(qtbot, dialog)
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_a_visa_letter_for_members_without_passport_data_names_them(
    qtbot: Any, sqlite_db: Database, visit: VisitIds, tmp_path: Path
) -> None:
    pytest.importorskip("exchange_desk.services.letters")
    dialog = visit_dialog(qtbot, sqlite_db, visit)
    target = tmp_path / "visa.pdf"
    from exchange_desk.domain.enums import LetterKind

    dialog.make_letter(LetterKind.VISA, target)
    wait_for_document(qtbot, dialog)
    assert not target.exists()
    message = dialog.runner.message
    assert message is not None
    assert message.isVisible()
    assert "Dana Levi" in message.text()
    message.close()


def test_a_viewer_may_not_write_letters(
    qtbot: Any, sqlite_db: Database, visit: VisitIds, tmp_path: Path
) -> None:
    sqlite_db._role = Role.VIEWER  # type: ignore[attr-defined]
    dialog = visit_dialog(qtbot, sqlite_db, visit)
    from exchange_desk.domain.enums import LetterKind

    assert dialog.make_letter(LetterKind.INVITATION, tmp_path / "letter.pdf") is None
    message = dialog.runner.message
    assert message is not None
    assert "editor" in message.text()
    message.close()


# --- the main window ---------------------------------------------------------------------------


def test_the_main_window_opens_the_visit_and_the_guest_list(
    qtbot: Any, sqlite_db: Database, visit: VisitIds, tmp_path: Path
) -> None:
    from PySide6.QtCore import QSettings

    from exchange_desk.ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = shown(qtbot, MainWindow(sqlite_db, settings))
    assert window.act_visit in window.context_actions("delegations")
    assert window.act_guest_list in window.context_actions("events")
    assert window.act_visit.shortcut().toString() == "Ctrl+M"
    tab = window.tab("delegations")
    window.tabs.setCurrentWidget(window._pages["delegations"])
    qtbot.waitUntil(lambda: tab.complete, timeout=20_000)
    assert tab.select_record(visit.delegation)
    window.act_visit.trigger()
    opened = [w for w in window.findChildren(VisitDialog) if w.isVisible()]
    assert len(opened) == 1
    dialog = opened[0]
    loaded(qtbot, dialog.members)
    assert person_ids(dialog.members) == list(visit.members)
    # Asked again, the same window comes forward.
    assert window.visit_of_current() is dialog
    assert len([w for w in window.findChildren(VisitDialog) if w.isVisible()]) == 1
    # A member added in the visit window goes into the window's undo history.
    editor = open_record_dialog(qtbot, dialog.members)
    newcomer = records.create(sqlite_db, r.Person(name="Oren Tal"))
    editor.choices.add("persons", newcomer)
    editor.editors["person_id"].set_value(newcomer.id)
    editor.editors["role"].set_value(MemberRole.STAFF)
    with qtbot.waitSignal(dialog.members.loaded, timeout=20_000):
        press_ok(qtbot, editor)
    assert window.undo_stack.canUndo()
    dialog.close()

    events = window.tab("events")
    window.tabs.setCurrentWidget(window._pages["events"])
    qtbot.waitUntil(lambda: events.complete, timeout=20_000)
    assert events.select_record(visit.event)
    window.act_guest_list.trigger()
    guests = next(w for w in window.findChildren(GuestListDialog) if w.isVisible())
    loaded(qtbot, guests.guests)
    assert len(guests.guests.model.rows) == 2
    guests.close()
    QTest.qWait(10)


@pytest.mark.parametrize("document", ["badges", "place_cards"])
def test_badges_and_place_cards_go_straight_to_the_printer(
    qtbot: Any, sqlite_db: Database, visit: VisitIds, tmp_path: Path, document: str
) -> None:
    from pypdf import PdfReader
    from PySide6.QtPrintSupport import QPrinter

    dialog = visit_dialog(qtbot, sqlite_db, visit)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / f"{document}.pdf"
    printer.setOutputFileName(str(printed))
    started = getattr(dialog, f"print_{document}")(printer)
    assert started is not None
    qtbot.waitUntil(lambda: pending() == 0, timeout=30_000)
    QApplication.processEvents()
    note = dialog.documents.note.text()
    assert "sent to the printer" in note
    pages = len(PdfReader(str(printed)).pages)
    # Five members: one A4 sheet of 8 badges; place cards two to a sheet, hosts too.
    assert pages == 1 if document == "badges" else pages >= 3
