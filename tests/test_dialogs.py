"""The record dialogs and the Office profile dialog (offscreen, through pytest-qt).

No dialog is ever run with exec(): the tests fill the widgets, press OK through the button box
and read back what the services stored. Message boxes and file dialogs are replaced by
recorders.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QFileDialog, QMessageBox

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import (
    Direction,
    EventKind,
    LanguageMode,
    OrganizationKind,
    ParticipantRole,
    RecipientKind,
)
from exchange_desk.domain.errors import Conflict, FieldProblem, StorageProblem, StorageUnavailable
from exchange_desk.domain.records import (
    Award,
    Certificate,
    City,
    Delegation,
    EventParticipant,
    Organization,
    Person,
)
from exchange_desk.i18n.catalog import set_language
from exchange_desk.services import records
from exchange_desk.services.attachments import read_attachment
from exchange_desk.services.database import Database
from exchange_desk.services.office import office_profile
from exchange_desk.services.records import ListQuery, list_records
from exchange_desk.ui.fields import (
    AreasEdit,
    CountryCombo,
    DayEdit,
    EnumCombo,
    MultilineEdit,
    NumberEdit,
    PartialDateEdit,
    ParticipantsEdit,
    ReferenceListEdit,
    ReferencePicker,
    TextEdit,
    Unparseable,
)
from exchange_desk.ui.forms import Widget, form_of
from exchange_desk.ui.profile_dialog import OfficeProfileDialog, edit_office_profile
from exchange_desk.ui.record_dialog import RecordDialog, edit_record

KINDS = [
    "cities",
    "partnerships",
    "delegations",
    "events",
    "agreements",
    "organizations",
    "conferences",
    "awards",
    "persons",
    "certificates",
]
# The offscreen platform plugin says this whenever a window is shown; it is not ours.
OFFSCREEN_NOISE = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def count(database: Database, kind: str) -> int:
    return list_records(database, kind, ListQuery(limit=1)).total


def first(database: Database, kind: str) -> Any:
    return list_records(database, kind, ListQuery(limit=1)).rows[0].record


def city_named(database: Database, name: str) -> City:
    found: list[City] = [
        listed.record
        for listed in list_records(database, "cities", ListQuery(search=name)).rows
        if listed.record.name_en == name
    ]
    assert len(found) == 1, name
    return found[0]


def ok(dialog: QDialog) -> None:
    """Press OK the way the user does: through the dialog's button box; then wait until
    what it started (storing, off the GUI thread) has ended."""
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    button = box.button(QDialogButtonBox.StandardButton.Ok)
    assert button is not None
    button.click()
    finish(dialog)


def finish(dialog: QDialog, timeout: float = 20.0) -> None:
    """Wait until the dialog's saving operation (if one runs) has called back."""
    deadline = time.monotonic() + timeout
    while getattr(dialog, "saving", None) is not None:
        assert time.monotonic() < deadline, "the dialog's saving did not end"
        QTest.qWait(10)


def saved(dialog: RecordDialog) -> Any:
    """The record the dialog stored; fails the test if it stored none."""
    assert dialog.saved_record is not None
    return dialog.saved_record


def text_of(dialog: RecordDialog, field: str) -> TextEdit:
    editor = dialog.editors[field]
    assert isinstance(editor, TextEdit)
    return editor


def date_of(dialog: RecordDialog, field: str) -> PartialDateEdit:
    editor = dialog.editors[field]
    assert isinstance(editor, PartialDateEdit)
    return editor


def picker_of(dialog: RecordDialog, field: str) -> ReferencePicker:
    editor = dialog.editors[field]
    assert isinstance(editor, ReferencePicker)
    return editor


def combo_of(dialog: RecordDialog, field: str) -> EnumCombo:
    editor = dialog.editors[field]
    assert isinstance(editor, EnumCombo)
    return editor


def shown_problem(dialog: RecordDialog | OfficeProfileDialog, field: str) -> str:
    return dialog.problems.text(field)


@pytest.fixture
def dialog_of(qtbot: Any, demo_db: Database) -> Any:
    """Makes a RecordDialog on the demo database with the services as saver."""

    def make(kind: str, record: Any | None = None, **options: Any) -> RecordDialog:
        saver = options.pop("saver", None)  # None: the dialog's own, editing.save_record
        dialog = RecordDialog(demo_db, kind, record, saver, **options)
        qtbot.addWidget(dialog)
        return dialog

    return make


@pytest.fixture
def warnings_shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """QMessageBox.warning records its title and text instead of showing a dialog."""
    shown: list[str] = []

    def warning(_parent: Any, title: str, text: str, *_args: Any) -> QMessageBox.StandardButton:
        shown.append(f"{title}\n{text}")
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", warning)
    return shown


@pytest.fixture
def hebrew(qapp: QApplication) -> Iterator[None]:
    set_language("he")
    qapp.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    try:
        yield
    finally:
        qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        set_language("en")


def existing(database: Database, kind: str) -> Any:
    """A stored record of `kind`: from the demo data, or made here for the kinds it lacks."""
    if kind == "persons":
        organization = first(database, "organizations")
        return records.create(
            database,
            Person(
                name="Yael Cohen",
                name_zh="雅艾尔·科恩",
                name_he="יעל כהן",
                title="Director",
                organization_id=organization.id,
                email="yael@example.org",
            ),
        )
    if kind == "certificates":
        award = first(database, "awards")
        return records.create(
            database,
            Certificate(
                number="JN-2018-001",
                award_id=award.id,
                language_mode=LanguageMode.ZH_EN,
                issued_on=dt.date(2018, 11, 20),
                issued_by="Jinan Foreign Affairs Office",
                reprints=2,
            ),
        )
    if kind == "events":
        # The event with participants, so that the participants editor has rows to show.
        events = [listed.record for listed in list_records(database, "events").rows]
        return next(event for event in events if event.participants)
    if kind == "delegations":
        delegations = [listed.record for listed in list_records(database, "delegations").rows]
        return next(d for d in delegations if d.organization_ids)
    return first(database, kind)


# --- every kind opens and shows its record -------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_new_record_dialog_opens_empty(dialog_of: Any, kind: str) -> None:
    dialog = dialog_of(kind)
    assert dialog.windowTitle().startswith("New ")
    assert dialog.saved_record is None
    for spec in form_of(kind):
        for name in spec.fields:
            assert name in dialog.editors
            assert name in dialog.problems.labels
            assert shown_problem(dialog, name) == ""
    assert dialog.general.isHidden()


@pytest.mark.parametrize("kind", KINDS)
def test_existing_record_shows_its_values(dialog_of: Any, demo_db: Database, kind: str) -> None:
    record = existing(demo_db, kind)
    dialog = dialog_of(kind, record)
    assert dialog.windowTitle().startswith("Edit ")
    assert ": " in dialog.windowTitle()
    for spec in form_of(kind):
        for name in spec.fields:
            value = dialog.editors[name].value()
            expected = getattr(record, name)
            if spec.widget is Widget.AREAS:
                assert set(value) == set(expected), name
            else:
                assert value == expected, name
    # Nothing changed: OK stores the record as it was.
    ok(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert records.get_record(demo_db, kind, record.id) == record


def test_edit_title_names_the_record(dialog_of: Any, demo_db: Database) -> None:
    kfar_saba = city_named(demo_db, "Kfar Saba")
    assert dialog_of("cities", kfar_saba).windowTitle() == "Edit city: Kfar Saba"
    assert dialog_of("delegations").windowTitle() == "New delegation"


def test_values_are_shown_as_typed(dialog_of: Any, demo_db: Database) -> None:
    partnership = next(
        listed.record
        for listed in list_records(demo_db, "partnerships").rows
        if listed.record.established is not None
        and listed.record.established.month is None
        and listed.record.areas
    )
    dialog = dialog_of("partnerships", partnership)
    # A date known only to the year stays a year.
    assert date_of(dialog, "established").text() == str(partnership.established)
    assert len(date_of(dialog, "established").text()) == 4
    assert "YYYY-MM-DD" in date_of(dialog, "established").placeholderText()
    tier = combo_of(dialog, "tier")
    assert tier.currentText() == partnership.tier.label
    areas = dialog.editors["areas"]
    assert isinstance(areas, AreasEdit)
    checked = {value for value, box in areas.boxes.items() if box.isChecked()}
    assert checked == {area.value for area in partnership.areas}
    city = picker_of(dialog, "city_id")
    assert city.combo.currentText() == records.names_of(demo_db, "cities", partnership.city_id).en


# --- creating through the widgets ----------------------------------------------------------


def test_create_a_delegation_through_the_widgets(
    qtbot: Any, dialog_of: Any, demo_db: Database
) -> None:
    before = count(demo_db, "delegations")
    kfar_saba = city_named(demo_db, "Kfar Saba")
    dialog = dialog_of("delegations")
    direction = combo_of(dialog, "direction")
    assert direction.value() is None  # never preset: a wrong direction would go unnoticed
    direction.setCurrentIndex(direction.findText(Direction.INCOMING.label))
    city = picker_of(dialog, "city_id")
    # The picker finds a city by any part of its name, in any case.
    completer = city.combo.completer()
    assert completer is not None
    completer.setCompletionPrefix("saba")
    assert completer.completionCount() >= 1
    assert "Kfar Saba" in [
        completer.completionModel().index(row, 0).data()
        for row in range(completer.completionCount())
    ]
    city.combo.setCurrentIndex(city.combo.findText("Kfar Saba"))
    qtbot.keyClicks(date_of(dialog, "start_date"), "2019-05-12")
    date_of(dialog, "end_date").setText("2019-05")
    text_of(dialog, "leader").setText("Rafi Saar")
    dialog.editors["members"].set_value(None)
    qtbot.keyClicks(dialog.editors["members"], "12")
    purpose = dialog.editors["purpose"]
    assert isinstance(purpose, MultilineEdit)
    purpose.setPlainText("Tenth anniversary of the sister-city tie")
    organizations = dialog.editors["organization_ids"]
    assert isinstance(organizations, ReferenceListEdit)
    choir = organizations.picker.combo.findText("Kfar Saba choir")
    organizations.picker.combo.setCurrentIndex(choir)
    organizations.add_button.click()
    assert organizations.picker.combo.currentText() == ""

    ok(dialog)

    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = dialog.saved_record
    assert isinstance(saved, Delegation)
    assert saved.id is not None
    stored = records.get_record(demo_db, "delegations", saved.id)
    assert stored.direction is Direction.INCOMING
    assert stored.city_id == kfar_saba.id
    assert stored.start_date == PartialDate(2019, 5, 12)
    assert stored.end_date == PartialDate(2019, 5)
    assert stored.leader == "Rafi Saar"
    assert stored.members == 12
    assert stored.purpose == "Tenth anniversary of the sister-city tie"
    assert len(stored.organization_ids) == 1
    assert records.names_of(demo_db, "organizations", stored.organization_ids[0]).en == (
        "Kfar Saba choir"
    )
    assert count(demo_db, "delegations") == before + 1


def test_an_event_with_participants_and_roles(dialog_of: Any, demo_db: Database) -> None:
    dialog = dialog_of("events")
    text_of(dialog, "name_en").setText("Jinan Spring Choral Evening")
    combo_of(dialog, "kind").set_value(EventKind.CHORAL_FESTIVAL)
    participants = dialog.editors["participants"]
    assert isinstance(participants, ParticipantsEdit)
    choir = participants.picker.combo.findText("Kfar Saba choir")
    participants.picker.combo.setCurrentIndex(choir)
    participants.role.set_value(ParticipantRole.PERFORMER)
    participants.add_button.click()
    # The same organization twice is one row.
    participants.picker.combo.setCurrentIndex(choir)
    participants.add_button.click()
    assert participants.table.rowCount() == 1
    ok(dialog)
    stored = records.get_record(demo_db, "events", saved(dialog).id)
    assert len(stored.participants) == 1
    assert stored.participants[0].role is ParticipantRole.PERFORMER


def test_a_chosen_entry_not_added_is_not_lost(dialog_of: Any) -> None:
    saved: list[Any] = []
    dialog = dialog_of("delegations", saver=saved.append)
    combo_of(dialog, "direction").set_value(Direction.OUTGOING)
    city = picker_of(dialog, "city_id")
    city.combo.setCurrentIndex(1)
    organizations = dialog.editors["organization_ids"]
    assert isinstance(organizations, ReferenceListEdit)
    organizations.picker.combo.setCurrentIndex(1)
    ok(dialog)
    assert saved == []
    assert "Add" in shown_problem(dialog, "organization_ids")


def test_remove_from_a_list(dialog_of: Any, demo_db: Database) -> None:
    delegation = existing(demo_db, "delegations")
    dialog = dialog_of("delegations", delegation)
    organizations = dialog.editors["organization_ids"]
    assert isinstance(organizations, ReferenceListEdit)
    organizations.list.selectAll()
    organizations.remove_button.click()
    ok(dialog)
    assert records.get_record(demo_db, "delegations", delegation.id).organization_ids == ()


# --- problems ------------------------------------------------------------------------------


def test_end_before_start_is_shown_under_the_end(dialog_of: Any, demo_db: Database) -> None:
    before = count(demo_db, "delegations")
    dialog = dialog_of("delegations")
    combo_of(dialog, "direction").set_value(Direction.OUTGOING)
    picker_of(dialog, "city_id").set_value(city_named(demo_db, "Kfar Saba").id)
    date_of(dialog, "start_date").setText("2018-11-16")
    date_of(dialog, "end_date").setText("2018-11-01")
    text_of(dialog, "leader").setText("Wang Zhongmin")

    ok(dialog)

    assert "before the start" in shown_problem(dialog, "end_date")
    assert shown_problem(dialog, "start_date") == ""
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.saved_record is None
    assert count(demo_db, "delegations") == before
    assert date_of(dialog, "end_date").text() == "2018-11-01"
    assert text_of(dialog, "leader").text() == "Wang Zhongmin"

    # Corrected, the next OK clears the message and stores.
    date_of(dialog, "end_date").setText("2018-11-20")
    ok(dialog)
    assert shown_problem(dialog, "end_date") == ""
    assert dialog.problems.labels["end_date"].isHidden()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert count(demo_db, "delegations") == before + 1


def test_unreadable_fields_never_reach_the_saver(dialog_of: Any, demo_db: Database) -> None:
    calls: list[Any] = []
    dialog = dialog_of("delegations", saver=calls.append)
    combo_of(dialog, "direction").set_value(Direction.OUTGOING)
    picker_of(dialog, "city_id").set_value(city_named(demo_db, "Kfar Saba").id)
    date_of(dialog, "start_date").setText("2018-13")
    members = dialog.editors["members"]
    assert isinstance(members, NumberEdit)
    members.setText("ten")
    ok(dialog)
    assert calls == []
    assert "2018-13" in shown_problem(dialog, "start_date")
    assert "ten" in shown_problem(dialog, "members")
    assert date_of(dialog, "start_date").text() == "2018-13"


def test_a_name_that_is_no_record_is_refused(dialog_of: Any) -> None:
    calls: list[Any] = []
    dialog = dialog_of("delegations", saver=calls.append)
    combo_of(dialog, "direction").set_value(Direction.OUTGOING)
    picker_of(dialog, "city_id").combo.setEditText("Atlantis")
    ok(dialog)
    assert calls == []
    assert "Atlantis" in shown_problem(dialog, "city_id")


def test_required_fields_are_asked_for(dialog_of: Any) -> None:
    calls: list[Any] = []
    dialog = dialog_of("delegations", saver=calls.append)
    ok(dialog)
    assert calls == []
    assert shown_problem(dialog, "direction") == "This field is required."
    assert shown_problem(dialog, "city_id") == "This field is required."


def test_a_typed_date_is_tidied(dialog_of: Any) -> None:
    dialog = dialog_of("delegations")
    start = date_of(dialog, "start_date")
    start.setText("2018/11/6")
    start.editingFinished.emit()
    assert start.text() == "2018-11-06"
    assert start.value() == PartialDate(2018, 11, 6)


def test_a_duplicate_city_is_shown_at_its_english_name(dialog_of: Any, demo_db: Database) -> None:
    before = count(demo_db, "cities")
    dialog = dialog_of("cities")
    text_of(dialog, "name_en").setText("Kfar Saba")
    country = dialog.editors["country"]
    assert isinstance(country, CountryCombo)
    country.set_value("IL")
    assert "Israel" in country.currentText()
    ok(dialog)
    assert "Kfar Saba (IL) is already recorded" in shown_problem(dialog, "name_en")
    assert not dialog.problems.labels["name_en"].isHidden()
    assert dialog.general.isHidden()
    assert dialog.saved_record is None
    assert count(demo_db, "cities") == before


def test_a_problem_without_a_field_goes_to_the_top(dialog_of: Any, demo_db: Database) -> None:
    def refuse(_record: Any) -> Any:
        raise Conflict("It conflicts.", [FieldProblem("nowhere", "Somewhere else is wrong.")])

    dialog = dialog_of("organizations", saver=refuse)
    text_of(dialog, "name_en").setText("Kfar Saba Youth Orchestra")
    combo_of(dialog, "kind").set_value(OrganizationKind.ART_GROUP)
    ok(dialog)
    assert not dialog.general.isHidden()
    assert dialog.general.text() == "Somewhere else is wrong."
    # The next try starts clean.
    dialog.saver = lambda record: records.create(demo_db, record)
    ok(dialog)
    assert dialog.general.isHidden()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_an_unavailable_database_warns_and_keeps_the_dialog(
    dialog_of: Any, demo_db: Database, warnings_shown: list[str]
) -> None:
    def locked(_record: Any) -> Any:
        raise StorageUnavailable(StorageProblem.LOCKED, "The database is locked.")

    dialog = dialog_of("cities", saver=locked)
    text_of(dialog, "name_en").setText("Haifa")
    dialog.editors["country"].set_value("IL")
    ok(dialog)
    assert len(warnings_shown) == 1
    assert "The database is locked." in warnings_shown[0]
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.saved_record is None
    assert text_of(dialog, "name_en").text() == "Haifa"
    # The database answers again: the same dialog stores what was typed.
    dialog.saver = None
    ok(dialog)
    assert saved(dialog).name_en == "Haifa"


def test_a_record_deleted_meanwhile_warns(
    dialog_of: Any, demo_db: Database, warnings_shown: list[str]
) -> None:
    organization = records.create(
        demo_db, Organization(name_en="Short-lived", kind=OrganizationKind.OTHER)
    )
    dialog = dialog_of("organizations", organization)
    assert organization.id is not None
    records.delete_record(demo_db, "organizations", organization.id)
    ok(dialog)
    assert len(warnings_shown) == 1
    assert dialog.saved_record is None


# --- duplicating and creating on the way ---------------------------------------------------


def test_duplicate_saves_a_new_record(dialog_of: Any, demo_db: Database) -> None:
    kfar_saba = city_named(demo_db, "Kfar Saba")
    before = count(demo_db, "cities")
    dialog = dialog_of("cities", kfar_saba, duplicate=True)
    assert dialog.windowTitle() == "New city"
    assert text_of(dialog, "name_en").text() == "Kfar Saba (copy)"
    assert text_of(dialog, "name_he").text() == kfar_saba.name_he
    ok(dialog)
    copy = dialog.saved_record
    assert copy.id not in (None, kfar_saba.id)
    assert copy.name_en == "Kfar Saba (copy)"
    assert copy.country == kfar_saba.country
    assert count(demo_db, "cities") == before + 1
    assert kfar_saba.id is not None
    assert records.get_record(demo_db, "cities", kfar_saba.id) == kfar_saba


def test_duplicate_a_delegation(dialog_of: Any, demo_db: Database) -> None:
    delegation = existing(demo_db, "delegations")
    dialog = dialog_of("delegations", delegation, duplicate=True)
    ok(dialog)
    copy = dialog.saved_record
    assert copy.id != delegation.id
    assert records.get_record(demo_db, "delegations", copy.id).organization_ids == (
        delegation.organization_ids
    )


def test_new_button_creates_a_city_and_chooses_it(
    monkeypatch: pytest.MonkeyPatch, dialog_of: Any, demo_db: Database
) -> None:
    nested: list[RecordDialog] = []

    def fill_and_ok(self: RecordDialog) -> int:
        # Stands in for the user in the nested dialog: types a city and presses OK.
        nested.append(self)
        text_of(self, "name_en").setText("Haifa")
        text_of(self, "name_he").setText("חיפה")
        self.editors["country"].set_value("IL")
        ok(self)
        return int(self.result())

    monkeypatch.setattr(RecordDialog, "exec", fill_and_ok)
    dialog: RecordDialog = dialog_of("events")
    city = picker_of(dialog, "city_id")
    city.new_button.click()

    assert len(nested) == 1
    assert nested[0].kind == "cities"
    assert nested[0].parent() is dialog
    haifa = city_named(demo_db, "Haifa")
    assert haifa.name_he == "חיפה"
    assert city.value() == haifa.id
    assert city.combo.currentText() == "Haifa"
    # The dialog's other picker of cities offers it at once, without choosing it.
    partner = picker_of(dialog, "partner_city_id")
    assert partner.combo.findData(haifa.id) >= 0
    assert partner.value() is None


def test_new_in_a_list_adds_what_it_created(
    monkeypatch: pytest.MonkeyPatch, dialog_of: Any, demo_db: Database
) -> None:
    def fill_and_ok(self: RecordDialog) -> int:
        text_of(self, "name_en").setText("Kfar Saba Youth Orchestra")
        combo_of(self, "kind").set_value(OrganizationKind.ART_GROUP)
        ok(self)
        return int(self.result())

    monkeypatch.setattr(RecordDialog, "exec", fill_and_ok)
    dialog = dialog_of("conferences")
    organizers = dialog.editors["organizer_ids"]
    assert isinstance(organizers, ReferenceListEdit)
    organizers.picker.new_button.click()
    assert organizers.list.count() == 1
    assert organizers.list.item(0).text() == "Kfar Saba Youth Orchestra"
    assert organizers.picker.combo.currentText() == ""
    ok(dialog)  # the conference needs its name first
    assert dialog.saved_record is None
    text_of(dialog, "name_en").setText("Kfar Saba Music Days")
    ok(dialog)
    stored = records.get_record(demo_db, "conferences", saved(dialog).id)
    assert records.names_of(demo_db, "organizations", stored.organizer_ids[0]).en == (
        "Kfar Saba Youth Orchestra"
    )


def test_cancelled_new_chooses_nothing(monkeypatch: pytest.MonkeyPatch, dialog_of: Any) -> None:
    monkeypatch.setattr(RecordDialog, "exec", lambda self: int(QDialog.DialogCode.Rejected))
    dialog = dialog_of("delegations")
    city = picker_of(dialog, "city_id")
    city.new_button.click()
    assert city.value() is None


# --- awards --------------------------------------------------------------------------------


def test_award_recipient_kind_switches_the_pickers(dialog_of: Any, demo_db: Database) -> None:
    person = existing(demo_db, "persons")
    kfar_saba = city_named(demo_db, "Kfar Saba")
    dialog = dialog_of("awards")
    pickers = {
        RecipientKind.CITY: picker_of(dialog, "recipient_city_id"),
        RecipientKind.ORGANIZATION: picker_of(dialog, "recipient_organization_id"),
        RecipientKind.PERSON: picker_of(dialog, "recipient_person_id"),
    }
    assert not any(picker.isEnabled() for picker in pickers.values())

    recipient = combo_of(dialog, "recipient_kind")
    recipient.set_value(RecipientKind.CITY)
    assert pickers[RecipientKind.CITY].isEnabled()
    assert not pickers[RecipientKind.PERSON].isEnabled()
    pickers[RecipientKind.CITY].set_value(kfar_saba.id)

    recipient.set_value(RecipientKind.PERSON)
    assert not pickers[RecipientKind.CITY].isEnabled()
    assert pickers[RecipientKind.CITY].value() is None  # cleared
    assert not pickers[RecipientKind.ORGANIZATION].isEnabled()
    assert pickers[RecipientKind.PERSON].isEnabled()
    pickers[RecipientKind.PERSON].set_value(person.id)

    text_of(dialog, "title_en").setText("Friendship Ambassador 2019")
    ok(dialog)
    stored = records.get_record(demo_db, "awards", saved(dialog).id)
    assert isinstance(stored, Award)
    assert stored.recipient_kind is RecipientKind.PERSON
    assert stored.recipient_person_id == person.id
    assert stored.recipient_city_id is None


def test_an_award_without_its_recipient_is_refused_at_the_picker(dialog_of: Any) -> None:
    dialog = dialog_of("awards")
    text_of(dialog, "title_en").setText("Friendship Award")
    combo_of(dialog, "recipient_kind").set_value(RecipientKind.ORGANIZATION)
    ok(dialog)
    assert shown_problem(dialog, "recipient_organization_id") == "Choose who receives the award."
    assert dialog.saved_record is None


def test_existing_award_enables_only_its_recipient(dialog_of: Any, demo_db: Database) -> None:
    award = records.get_record(demo_db, "awards", 1)  # given to the city of Kfar Saba
    dialog = dialog_of("awards", award)
    assert picker_of(dialog, "recipient_city_id").isEnabled()
    assert picker_of(dialog, "recipient_city_id").value() == award.recipient_city_id
    assert not picker_of(dialog, "recipient_person_id").isEnabled()


# --- Enter and direction -------------------------------------------------------------------


@OFFSCREEN_NOISE
def test_enter_in_a_field_does_not_store_half_a_record(qtbot: Any, dialog_of: Any) -> None:
    calls: list[Any] = []
    dialog = dialog_of("delegations", saver=calls.append)
    dialog.show()
    qtbot.waitExposed(dialog)
    leader = text_of(dialog, "leader")
    leader.setFocus()
    qtbot.keyClicks(leader, "Half")
    qtbot.keyClick(leader, Qt.Key.Key_Return)
    assert calls == []
    assert dialog.isVisible()
    assert shown_problem(dialog, "city_id") == "This field is required."
    assert leader.text() == "Half"
    dialog.reject()


@pytest.mark.usefixtures("hebrew")
def test_the_dialog_in_hebrew(dialog_of: Any, demo_db: Database) -> None:
    dialog = dialog_of("delegations")
    assert dialog.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert dialog.row_labels["direction"].text() == "כיוון"
    assert dialog.row_labels["city_id"].text() == "עיר שותפה"
    assert dialog.row_labels["members"].text() == "חברים"
    assert dialog.row_labels["purpose"].text() == "מטרה"
    direction = combo_of(dialog, "direction")
    assert direction.itemText(direction.findData(Direction.OUTGOING.value)) == "יוצאת"
    city = picker_of(dialog, "city_id")
    kfar_saba = city_named(demo_db, "Kfar Saba")
    city.set_value(kfar_saba.id)
    assert city.combo.currentText() == "כפר סבא"

    cities = dialog_of("cities")
    assert cities.editors["name_he"].layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert cities.editors["name_en"].layoutDirection() == Qt.LayoutDirection.LeftToRight
    ok(cities)
    assert shown_problem(cities, "name_en") == "זהו שדה חובה."


# --- the office profile --------------------------------------------------------------------


def _png(path: Path) -> bytes:
    image = QImage(48, 32, QImage.Format.Format_RGB32)
    image.fill(QColor("darkred"))
    assert image.save(str(path))  # PNG, from the suffix
    return path.read_bytes()


def test_office_profile_saves_names_and_an_image(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, demo_db: Database, tmp_path: Path
) -> None:
    seal_path = tmp_path / "seal.png"
    content = _png(seal_path)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *_args: (str(seal_path), "Images (*.png)")
    )
    dialog = OfficeProfileDialog(demo_db)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Office profile"
    jinan = city_named(demo_db, "Jinan")
    assert dialog.home_city.value() == jinan.id
    dialog.editors["office_name_en"].setText("Jinan Foreign Affairs Office")
    dialog.editors["office_name_zh"].setText("济南市外事办公室")
    dialog.editors["office_name_he"].setText("המחלקה לקשרי חוץ של ג'ינאן")
    dialog.editors["signatory_en"].setText("Li Wei")
    demo_seal = dialog.seal.preview.pixmap().cacheKey()  # the demo's sample seal
    assert not dialog.seal.preview.pixmap().isNull()
    dialog.seal.choose_button.click()
    assert not dialog.seal.preview.pixmap().isNull()
    assert dialog.seal.preview.pixmap().cacheKey() != demo_seal
    ok(dialog)

    assert dialog.result() == QDialog.DialogCode.Accepted
    profile = office_profile(demo_db)
    assert profile.office_name_en == "Jinan Foreign Affairs Office"
    assert profile.office_name_zh == "济南市外事办公室"
    assert profile.office_name_he == "המחלקה לקשרי חוץ של ג'ינאן"
    assert profile.signatory_en == "Li Wei"
    assert profile.home_city_id == jinan.id
    assert profile.seal_attachment_id is not None
    assert profile.logo_attachment_id is None
    assert read_attachment(demo_db, profile.seal_attachment_id) == content

    again = OfficeProfileDialog(demo_db)
    qtbot.addWidget(again)
    assert again.editors["office_name_zh"].text() == "济南市外事办公室"
    assert not again.seal.preview.pixmap().isNull()
    again.seal.remove_button.click()
    ok(again)
    assert office_profile(demo_db).seal_attachment_id is None


def test_office_profile_refuses_a_file_that_is_no_image(
    qtbot: Any, demo_db: Database, tmp_path: Path
) -> None:
    fake = tmp_path / "logo.png"
    fake.write_bytes(b"not an image at all")
    dialog = OfficeProfileDialog(demo_db)
    qtbot.addWidget(dialog)
    assert not dialog.logo.load_file(fake)
    assert "logo.png" in shown_problem(dialog, "logo_attachment_id")
    assert not dialog.logo.has_image


def test_office_profile_problems_at_their_fields(qtbot: Any, demo_db: Database) -> None:
    dialog = OfficeProfileDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.editors["signatory_title_zh"].setText("主任\x07")
    ok(dialog)
    assert "control characters" in shown_problem(dialog, "signatory_title_zh")
    assert dialog.saved_profile is None
    assert dialog.editors["signatory_title_zh"].text() == "主任\x07"


@pytest.mark.usefixtures("hebrew")
def test_office_profile_in_hebrew(qtbot: Any, demo_db: Database) -> None:
    dialog = OfficeProfileDialog(demo_db)
    qtbot.addWidget(dialog)
    assert dialog.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert dialog.home_city.combo.currentText() == "ג'ינאן"
    assert dialog.editors["office_name_he"].layoutDirection() == Qt.LayoutDirection.RightToLeft


def test_participants_keep_their_roles(dialog_of: Any, demo_db: Database) -> None:
    event = existing(demo_db, "events")
    dialog = dialog_of("events", event)
    participants = dialog.editors["participants"]
    assert isinstance(participants, ParticipantsEdit)
    assert participants.value() == event.participants
    assert all(isinstance(p, EventParticipant) for p in participants.value())


# --- the functions the main window calls ---------------------------------------------------


def test_edit_record_returns_the_saved_record_or_none(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, demo_db: Database
) -> None:
    def fill_and_ok(self: RecordDialog) -> int:
        text_of(self, "name_en").setText("Netanya")
        self.editors["country"].set_value("IL")
        ok(self)
        return int(self.result())

    monkeypatch.setattr(RecordDialog, "exec", fill_and_ok)
    stored = edit_record(None, demo_db, "cities", None)
    assert isinstance(stored, City)
    assert stored.id is not None
    assert records.get_record(demo_db, "cities", stored.id).name_en == "Netanya"

    monkeypatch.setattr(RecordDialog, "exec", lambda self: int(QDialog.DialogCode.Rejected))
    assert edit_record(None, demo_db, "cities", stored) is None


def test_edit_office_profile_says_whether_it_saved(
    monkeypatch: pytest.MonkeyPatch, demo_db: Database
) -> None:
    def fill_and_ok(self: OfficeProfileDialog) -> int:
        self.editors["signatory_he"].setText("לי ויי")
        ok(self)
        return int(self.result())

    monkeypatch.setattr(OfficeProfileDialog, "exec", fill_and_ok)
    assert edit_office_profile(None, demo_db)
    assert office_profile(demo_db).signatory_he == "לי ויי"
    monkeypatch.setattr(OfficeProfileDialog, "exec", lambda self: 0)
    assert not edit_office_profile(None, demo_db)


# The completion popup is a window of its own: offscreen, it cannot be raised nor grab keys.
@pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"
)
def test_choosing_from_the_completion_popup(qtbot: Any, dialog_of: Any, demo_db: Database) -> None:
    dialog = dialog_of("delegations")
    dialog.show()
    qtbot.waitExposed(dialog)
    picker = picker_of(dialog, "city_id")
    line = picker.combo.lineEdit()
    assert line is not None
    line.setFocus()
    qtbot.keyClicks(line, "SABA")
    completer = picker.combo.completer()
    assert completer is not None
    popup = completer.popup()
    assert popup is not None
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert picker.combo.currentText() == "Kfar Saba"
    assert picker.value() == city_named(demo_db, "Kfar Saba").id
    assert dialog.isVisible()  # Enter chose the city; it did not press OK
    dialog.reject()


@pytest.mark.parametrize(
    ("language", "typed", "stored"),
    [
        ("he", "16.11.2018", "2018-11-16"),  # the day first, as Israelis write it
        ("he", "6/11/2018", "2018-11-06"),
        ("en", "11/16/2018", "2018-11-16"),  # the month first, as the American locale does
        ("zh_CN", "2018年11月16日", "2018-11-16"),
        ("zh_CN", "2018年11月", "2018-11"),
        ("he", "11.2018", "2018-11"),  # a month and a year: no day invented
        ("en", "2018/11/6", "2018-11-06"),
    ],
)
def test_dates_typed_as_the_language_writes_them(
    qtbot: Any, dialog_of: Any, language: str, typed: str, stored: str
) -> None:
    set_language(language)
    try:
        dialog = dialog_of("delegations")
        field = date_of(dialog, "start_date")
        field.clear()
        # As an input method delivers it (QTest's key clicks know only Latin-1 keys).
        field.insert(typed)
        assert field.value() == PartialDate.parse(stored)
        field.editingFinished.emit()
        assert field.text() == stored  # shown back in the form every language reads alike
    finally:
        set_language("en")


def test_a_wrong_date_names_the_forms_of_the_language(qtbot: Any, dialog_of: Any) -> None:
    set_language("he")
    try:
        field = date_of(dialog_of("delegations"), "start_date")
        qtbot.keyClicks(field, "31.2.2018")
        with pytest.raises(Unparseable) as refused:
            field.value()
        assert "16.11.2018" in str(refused.value)
        assert "31.2.2018" in str(refused.value)
        assert re.search("[א-ת]", str(refused.value))
        assert field.text() == "31.2.2018"  # kept as typed, to be corrected
    finally:
        set_language("en")


@pytest.mark.usefixtures("hebrew")
def test_a_day_reads_left_to_right_in_a_hebrew_window(qtbot: Any) -> None:
    # A right-to-left line showed the ISO date 2018-12-01 as "01-12-2018".
    edit = DayEdit()
    qtbot.addWidget(edit)
    edit.set_value(dt.date(2018, 12, 1))
    edit.show()
    line = edit.lineEdit()
    assert line.text() == "2018-12-01"
    # Where the cursor is drawn after the year and after the day: the year first, at left.
    line.setCursorPosition(4)
    after_year = line.cursorRect().x()
    line.setCursorPosition(10)
    after_day = line.cursorRect().x()
    assert after_year < after_day
    assert edit.calendarWidget().isRightToLeft()
