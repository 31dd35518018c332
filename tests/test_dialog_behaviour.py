"""Dialogs and messages as a new user meets them (issue 19): records named by their names,
never "delegation 84"; a field's problem gone once the field is fixed; Escape asking before
typed changes are lost; long values opening at their start; Undo naming what it takes back;
Qt's own file dialog in Hebrew; the certificate's missing-character banner; sample rows
marked without synthetic italics."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox, QPushButton

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import LanguageMode, PartnershipTier, RecipientKind
from exchange_desk.domain.errors import Conflict, ConflictError, ExchangeDeskError
from exchange_desk.domain.records import Award, Partnership
from exchange_desk.i18n.catalog import set_language
from exchange_desk.i18n.formatting import format_long_date
from exchange_desk.services import records
from exchange_desk.services.editing import deletion_preview
from exchange_desk.services.records import ListQuery, get_record, list_records, record_names
from exchange_desk.services.tables import load_table
from exchange_desk.storage.database import Database
from exchange_desk.ui.certificate_dialog import CertificateDialog
from exchange_desk.ui.fields import (
    CountryCombo,
    DecimalEdit,
    ReferencePicker,
    TextEdit,
    read_choices,
)
from exchange_desk.ui.main_window import MainWindow
from exchange_desk.ui.operations import change_hub
from exchange_desk.ui.profile_dialog import OfficeProfileDialog
from exchange_desk.ui.record_dialog import RecordDialog
from exchange_desk.ui.table_model import RecordTableModel

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

LONG_NAME = (
    "The Municipal Commission for International Friendship, Cultural Exchange and "
    "Economic Cooperation of the Greater Kfar Saba Region"
)


def city_id(database: Database, name: str) -> int:
    [found] = [
        r.record.id for r in list_records(database, "cities").rows if r.record.name_en == name
    ]
    return int(found)


def kfar_saba_delegation(database: Database) -> Any:
    """A demo delegation of Kfar Saba with a known start."""
    query = ListQuery(filters={"city_id": city_id(database, "Kfar Saba")})
    return next(
        row.record
        for row in list_records(database, "delegations", query).rows
        if row.record.start_date is not None
    )


def dated_name(delegation: Any) -> str:
    return f"Kfar Saba, {format_long_date(delegation.start_date, 'en')}"


def settle(qtbot: Any) -> None:
    pool = QThreadPool.globalInstance()
    qtbot.waitUntil(lambda: pool.activeThreadCount() == 0, timeout=20_000)
    QApplication.processEvents()


# --- 1. messages name records by their names ----------------------------------------------


def test_a_delegation_is_named_by_its_partner_city_and_month(demo_db: Database) -> None:
    delegation = kfar_saba_delegation(demo_db)
    names = record_names(demo_db, "delegations", delegation.id)
    assert names.en == dated_name(delegation)
    assert names.he.startswith("כפר סבא")
    assert "克法尔萨巴" in names.zh
    assert str(delegation.id) not in names.en.replace(str(delegation.start_date.year), "")
    # The delete question names it so, not "delegation 84".
    preview = deletion_preview(demo_db, "delegations", delegation.id)
    assert preview.name.best() == dated_name(delegation)


def test_a_partnership_a_member_and_a_guest_are_named_by_whom_they_are_about(
    demo_db: Database,
) -> None:
    partnership = next(
        row
        for row in list_records(demo_db, "partnerships").rows
        if row.labels["city_id"].en == "Kfar Saba"
    )
    assert record_names(demo_db, "partnerships", partnership.record.id).en == "Kfar Saba"
    member = list_records(demo_db, "delegation_members").rows[0]
    person = record_names(demo_db, "persons", member.record.person_id)
    assert record_names(demo_db, "delegation_members", member.record.id) == person
    assert record_names(demo_db, "delegations", 10**9).best() == ""  # gone: no name


@pytest.mark.parametrize(
    "kind", ["delegations", "partnerships", "delegation_members", "guests", "persons", "cities"]
)
def test_a_picker_names_each_record_as_messages_do(demo_db: Database, kind: str) -> None:
    # A letter's partnership was "partnership 3" and a gift's delegation its purpose
    # ("Government visit", one of many): now what the record is about, as everywhere.
    (choices,) = read_choices(demo_db, [kind]).values()
    assert len(choices) == list_records(demo_db, kind).total
    for record_id, label in choices:
        assert label == record_names(demo_db, kind, record_id).best()
        assert label
    noun = {"partnerships": "partnership", "delegations": "delegation"}.get(kind)
    if noun is not None:
        assert not any(label.startswith(noun) for _id, label in choices)


def test_a_delegation_picker_reads_in_hebrew(demo_db: Database) -> None:
    delegation = kfar_saba_delegation(demo_db)
    set_language("he")
    try:
        labels = dict(read_choices(demo_db, ["delegations"])["delegations"])
    finally:
        set_language("en")
    assert labels[delegation.id].startswith("כפר סבא, ")


def test_a_refused_delete_names_the_record_in_the_users_language(demo_db: Database) -> None:
    kfar_saba = city_id(demo_db, "Kfar Saba")
    with pytest.raises(Conflict) as refused:
        records.delete_record(demo_db, "cities", kfar_saba)
    assert "The city “Kfar Saba” cannot be deleted" in str(refused.value)
    assert f"city {kfar_saba}" not in str(refused.value)
    set_language("he")
    with pytest.raises(Conflict) as refused:
        records.delete_record(demo_db, "cities", kfar_saba)
    assert "“כפר סבא”" in str(refused.value)
    assert f" {kfar_saba} " not in str(refused.value)


def test_a_duplicate_names_the_record_already_there(demo_db: Database) -> None:
    with pytest.raises(ExchangeDeskError) as refused:
        records.create(
            demo_db,
            Partnership(city_id=city_id(demo_db, "Kfar Saba"), tier=PartnershipTier.SISTER_CITY),
        )
    [problem] = refused.value.problems  # type: ignore[attr-defined]
    assert "(partnership “Kfar Saba”)" in problem.message


def test_a_conflict_names_a_delegation_by_city_and_month(demo_db: Database) -> None:
    delegation = kfar_saba_delegation(demo_db)
    records.update(demo_db, dataclasses.replace(delegation, purpose="Theirs"))
    with pytest.raises(ConflictError) as refused:
        records.update(demo_db, dataclasses.replace(delegation, purpose="Mine"))
    assert f"The delegation “{dated_name(delegation)}” was changed" in str(refused.value)


# --- 2. a field's problem goes once the field is fixed ------------------------------------


@pytest.fixture
def dialog_of(qtbot: Any, demo_db: Database) -> Callable[..., RecordDialog]:
    def make(kind: str, record: Any | None = None, **options: Any) -> RecordDialog:
        dialog = RecordDialog(demo_db, kind, record, options.pop("saver", None), **options)
        qtbot.addWidget(dialog)
        return dialog

    return make


def test_a_required_fields_problem_goes_as_soon_as_it_is_typed(
    dialog_of: Callable[..., RecordDialog],
) -> None:
    dialog = dialog_of("cities", saver=lambda record: record)
    assert not dialog.save()
    assert dialog.problems.text("name_en") == "This field is required."
    name = dialog.editors["name_en"]
    assert isinstance(name, TextEdit)
    name.setText("Haifa")
    assert dialog.problems.text("name_en") == ""
    assert not dialog.problems.showing("name_en")


def test_a_rule_problem_stays_while_the_field_is_still_wrong(
    dialog_of: Callable[..., RecordDialog],
) -> None:
    dialog = dialog_of("cities", saver=lambda record: record)
    latitude = dialog.editors["latitude"]
    assert isinstance(latitude, DecimalEdit)
    latitude.setText("100")
    assert not dialog.save()
    assert dialog.problems.showing("latitude")
    latitude.setText("95")
    assert dialog.problems.showing("latitude")  # checked again at once: still out of range
    latitude.setText("32.18")
    assert not dialog.problems.showing("latitude")
    # The other fields' problems stay until they are fixed.
    assert dialog.problems.text("name_en") == "This field is required."


# --- 3. Escape with typed changes asks -----------------------------------------------------


class DiscardQuestion:
    """Answers the "Discard your changes?" box when it opens, noting its default."""

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.asked = 0
        self.default = ""
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._look)
        self._timer.start()

    def _look(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.objectName() == "discardChanges":
                if not widget.isVisible():
                    continue
                self.asked += 1
                default = widget.defaultButton()
                self.default = default.text() if default is not None else ""
                [button] = [b for b in widget.findChildren(QPushButton) if b.text() == self.answer]
                button.click()

    def stop(self) -> None:
        self._timer.stop()


@pytest.fixture
def discard_answer() -> Iterator[Callable[[str], DiscardQuestion]]:
    made: list[DiscardQuestion] = []

    def make(answer: str) -> DiscardQuestion:
        made.append(DiscardQuestion(answer))
        return made[-1]

    yield make
    for question in made:
        question.stop()


def test_escape_with_typed_changes_asks_and_keep_editing_keeps_the_dialog(
    qtbot: Any,
    demo_db: Database,
    dialog_of: Callable[..., RecordDialog],
    discard_answer: Callable[[str], DiscardQuestion],
) -> None:
    city = get_record(demo_db, "cities", city_id(demo_db, "Kfar Saba"))
    dialog = dialog_of("cities", city)
    dialog.show()
    qtbot.waitExposed(dialog)
    region = dialog.editors["region"]
    assert isinstance(region, TextEdit)
    region.end(False)
    qtbot.keyClicks(region, " (Sharon)")
    question = discard_answer("Keep editing")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert question.asked == 1
    assert question.default == "Keep editing"  # Enter or a second Escape loses nothing
    assert dialog.isVisible()
    assert region.text().endswith(" (Sharon)")
    question.stop()
    question = discard_answer("Discard")
    cancel = dialog.buttons.button(dialog.buttons.StandardButton.Cancel)
    cancel.click()
    assert question.asked == 1
    assert not dialog.isVisible()


def test_escape_without_changes_closes_at_once(
    qtbot: Any,
    demo_db: Database,
    dialog_of: Callable[..., RecordDialog],
    discard_answer: Callable[[str], DiscardQuestion],
) -> None:
    city = get_record(demo_db, "cities", city_id(demo_db, "Kfar Saba"))
    dialog = dialog_of("cities", city)
    dialog.show()
    qtbot.waitExposed(dialog)
    region = dialog.editors["region"]
    assert isinstance(region, TextEdit)
    region.setText(region.text() + "x")
    region.setText(region.text()[:-1])  # typed and taken back: nothing changed
    question = discard_answer("Discard")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert question.asked == 0
    assert not dialog.isVisible()


def test_what_the_program_presets_before_showing_is_no_change_to_ask_about(
    qtbot: Any, demo_db: Database, discard_answer: Callable[[str], DiscardQuestion]
) -> None:
    from exchange_desk.ui.child_records import OwnedRecordDialog

    delegation = kfar_saba_delegation(demo_db)
    dialog = OwnedRecordDialog(
        demo_db, "delegation_members", None, preset={"delegation_id": delegation.id}
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    question = discard_answer("Keep editing")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert question.asked == 0
    assert not dialog.isVisible()


def test_the_office_profile_asks_too(
    qtbot: Any, demo_db: Database, discard_answer: Callable[[str], DiscardQuestion]
) -> None:
    dialog = OfficeProfileDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    phone = dialog.editors["phone"]
    phone.setText(phone.text() + " ext. 12")
    question = discard_answer("Keep editing")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert question.asked == 1
    assert dialog.isVisible()
    question.stop()
    dialog.reject()  # the program's own close does not ask


# --- 4. long values open at their start ----------------------------------------------------


def test_a_long_value_opens_scrolled_to_its_start(
    qtbot: Any, demo_db: Database, dialog_of: Callable[..., RecordDialog]
) -> None:
    school = next(
        row.record
        for row in list_records(demo_db, "organizations").rows
        if row.record.city_id is not None
    )
    dialog = dialog_of("organizations", dataclasses.replace(school, name_en=LONG_NAME))
    name = dialog.editors["name_en"]
    assert isinstance(name, TextEdit)
    assert name.text() == LONG_NAME
    assert name.cursorPosition() == 0
    country = CountryCombo()
    qtbot.addWidget(country)
    country.set_value("GB")
    line = country.lineEdit()
    assert line is not None
    assert line.text().startswith("United Kingdom")
    assert line.cursorPosition() == 0
    city = dialog.editors["city_id"]
    assert isinstance(city, ReferencePicker)
    line = city.combo.lineEdit()
    assert line is not None
    assert line.cursorPosition() == 0


# --- 5. Undo names what it takes back ------------------------------------------------------


@pytest.fixture
def window(qtbot: Any, demo_db: Database, tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    main_window = MainWindow(demo_db, settings)
    qtbot.addWidget(main_window)
    main_window.show_tab("delegations")
    settle(qtbot)
    return main_window


def test_undo_names_the_deleted_delegation_and_the_hint_follows_it(
    qtbot: Any, window: MainWindow, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *_args: QMessageBox.StandardButton.Yes)
    delegation = kfar_saba_delegation(demo_db)
    tab = window.current_tab()
    qtbot.waitUntil(lambda: tab.complete, timeout=20_000)
    assert tab.select_record(delegation.id)
    with qtbot.waitSignal(change_hub().changed, timeout=20_000):
        assert window.delete_current() is not None
    settle(qtbot)
    name = dated_name(delegation)
    assert window.act_undo.text() == f"&Undo delete of delegation “{name}”"
    message = window.statusBar().currentMessage()
    assert message == f"Deleted the delegation “{name}”. Ctrl+Z brings it back."
    with qtbot.waitSignal(change_hub().changed, timeout=20_000):
        assert window.undo() is not None
    settle(qtbot)
    assert window.statusBar().currentMessage() == ""  # the hint has done its work
    assert window.act_redo.text() == f"&Redo delete of delegation “{name}”"


def test_a_save_in_the_dialog_names_its_undo_step(
    qtbot: Any, demo_db: Database, dialog_of: Callable[..., RecordDialog]
) -> None:
    city = get_record(demo_db, "cities", city_id(demo_db, "Kfar Saba"))
    dialog = dialog_of("cities", city)
    steps: list[str] = []
    dialog.saved.connect(lambda saved: steps.append(saved.step.text))
    region = dialog.editors["region"]
    assert isinstance(region, TextEdit)
    region.setText("Sharon")
    with qtbot.waitSignal(dialog.saved, timeout=20_000):
        assert dialog.save()
    assert steps == ["edit of city “Kfar Saba”"]


# --- 6. Qt's own file dialog in Hebrew, native dialogs on Windows ------------------------


def test_the_hebrew_file_dialog_says_look_in_and_files_of_type_in_hebrew(qtbot: Any) -> None:
    from exchange_desk.ui.language import apply_language

    try:
        apply_language("he")
        dialog = QFileDialog(None, "x", str(Path.home()), "PDF (*.pdf)")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # Qt's own, as on Linux
        qtbot.addWidget(dialog)
        texts = [label.text() for label in dialog.findChildren(QLabel)]
        assert "חפש בתוך:" in texts
        assert "קבצים מסוג:" in texts
        assert not any("Look in" in text or "Files of" in text for text in texts)
        apply_language("zh_CN")
        texts = [label.text() for label in dialog.findChildren(QLabel)]
        assert "查找范围：" in texts
    finally:
        apply_language("en")


def test_the_program_never_turns_native_file_dialogs_off() -> None:
    source = Path(__file__).parents[1] / "src" / "exchange_desk"
    for path in source.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "DontUseNativeDialog" not in text, path
        assert "AA_DontUseNativeDialogs" not in text, path


# --- 7. the certificate's missing character stands out --------------------------------------


def test_the_missing_character_banner_names_the_award_and_the_field(
    qtbot: Any, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXCHANGE_DESK_FONT_DIRS", "")
    import exchange_desk.documents.fonts as fonts

    monkeypatch.setattr(fonts, "_shared", None)
    recipient = city_id(demo_db, "Kfar Saba")
    award = records.create(
        demo_db,
        Award(
            title_en="Friendship Award",
            title_zh="友谊奖",
            awarded_on=PartialDate(2018, 12),
            recipient_kind=RecipientKind.CITY,
            recipient_city_id=recipient,
            citation_zh="授予吉田先生🎉",
        ),
    )
    dialog = CertificateDialog(demo_db, award.id)
    qtbot.addWidget(dialog)
    index = dialog.languages_box.findData(LanguageMode.ZH_EN.value)
    dialog.languages_box.setCurrentIndex(index)
    dialog.refresh_preview()
    qtbot.waitUntil(lambda: dialog.preview_ready and dialog.pdf is None, timeout=20_000)
    banner = dialog.problem_label
    assert not banner.isHidden()
    assert banner.objectName() == "certificateProblem"
    assert "background" in banner.styleSheet()  # a banner, not a caption on the preview
    assert "award “Friendship Award”" in banner.text()
    assert "citation (Chinese)" in banner.text()
    assert "U+1F389" in banner.text()
    assert f"award {award.id}" not in banner.text()
    assert dialog.preview.text() == "No preview"


# --- 8. sample rows: grey and explained, never slanted ------------------------------------


def test_sample_rows_are_grey_not_italic_and_the_tab_explains_them(
    qtbot: Any, demo_db: Database
) -> None:
    model = RecordTableModel(load_table(demo_db, "partner_cities"))
    sample = next(row for row in range(model.rowCount()) if model.is_sample(row))
    real = next(row for row in range(model.rowCount()) if not model.is_sample(row))
    for column in range(model.columnCount()):
        assert model.data(model.index(sample, column), Qt.ItemDataRole.FontRole) is None
    assert model.data(model.index(sample, 0), Qt.ItemDataRole.ForegroundRole) is not None
    assert model.data(model.index(real, 0), Qt.ItemDataRole.ForegroundRole) is None

    from exchange_desk.ui.record_tab import RecordTab

    tab = RecordTab(demo_db, "partner_cities")
    qtbot.addWidget(tab)
    assert not tab.sample_legend.isHidden()
    assert tab.sample_legend.text() == "Grey rows are sample records, invented for the demo."
