"""The import wizard (File ▸ Import…) and the first start's offer to import, offscreen: a sheet
made here with openpyxl goes through the pages, its preview counts what the services
planned, the import writes through the services, and one undo takes it all back.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import QItemSelectionModel, QSettings, Qt, QThreadPool
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication, QComboBox, QMessageBox, QTableWidget

from exchange_desk.services.importing import OnDuplicate, RowStatus
from exchange_desk.services.office import office_profile
from exchange_desk.services.records import list_records, names_of
from exchange_desk.storage.database import Database
from exchange_desk.ui.import_wizard import (
    COLUMNS,
    DONE,
    FILE,
    HOME,
    PREVIEW,
    ImportWizard,
    column_letter,
)
from exchange_desk.ui.main_window import MainWindow
from exchange_desk.ui.operations import change_hub, pending

HEADERS = ["城市", "国家", "关系类别", "结好日期", "备注"]
ROWS = [
    # A direction override around the name, pasted from a web page: removed on import.
    ["\u202aTromsø\u202c", "挪威", "友好城市", "2019-06-12", "新的伙伴"],
    ["Kfar Saba", "以色列", "友好城市", "2009-03-01", "已有"],  # in the demo data already
    ["Nowhere", "Atlantis", "友好合作城市", "2015", "国家不对"],  # no such country
    ["Oulu", "芬兰", "友好合作城市", "2021-05", ""],
]
# The offscreen platform plugin says this whenever a window is shown; it is not ours.
OFFSCREEN_NOISE = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")
pytestmark = OFFSCREEN_NOISE


@pytest.fixture(autouse=True)
def _no_work_left_behind(qapp: QApplication) -> Iterator[None]:
    qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    yield
    assert QThreadPool.globalInstance().waitForDone(30_000)
    qapp.processEvents()
    qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def partners(tmp_path: Path) -> Path:
    """The office's sheet: a title, an empty row, Chinese headers, two new partner cities,
    a duplicate of a demo partner and a row whose country does not exist."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "友好城市"
    sheet.append(["济南市友好城市一览表"])
    sheet.append([])
    sheet.append(HEADERS)
    for row in ROWS:
        sheet.append(row)
    path = tmp_path / "partners.xlsx"
    workbook.save(path)
    return path


@pytest.fixture
def window(qtbot: Any, demo_db: Database, settings: QSettings) -> MainWindow:
    main_window = MainWindow(demo_db, settings, remember=False)
    qtbot.addWidget(main_window)
    main_window.show_tab("partner_cities")  # past the start screen
    return main_window


def planned(qtbot: Any, wizard: ImportWizard) -> None:
    """Wait until the file is read and planned (or could not be)."""
    qtbot.waitUntil(lambda: not wizard.busy and pending() == 0, timeout=30_000)
    QApplication.processEvents()


def combo_at(table: QTableWidget, row: int) -> QComboBox:
    """The "Read as" drop-down of a row of the Columns page."""
    combo = table.cellWidget(row, 2)
    assert isinstance(combo, QComboBox)
    return combo


def text_at(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None
    return item.text()


def partner_names(database: Database) -> list[str]:
    return [row.labels["city_id"].en for row in list_records(database, "partnerships").rows]


def open_wizard(qtbot: Any, window: MainWindow, path: Path) -> ImportWizard:
    wizard = window.import_sheets(str(path))
    assert isinstance(wizard, ImportWizard)  # closed with the window (deleted on close)
    planned(qtbot, wizard)
    return wizard


def test_a_sheet_is_imported_and_one_undo_takes_it_back(
    qtbot: Any, window: MainWindow, demo_db: Database, partners: Path
) -> None:
    before = partner_names(demo_db)
    cities_before = len(list_records(demo_db, "cities").rows)
    assert "Tromsø" not in before
    assert "Kfar Saba" in before
    wizard = open_wizard(qtbot, window, partners)
    # The demo's office has its home city: the wizard starts with the file.
    assert wizard.currentId() == FILE
    assert HOME not in wizard.pageIds()
    page = wizard.file_page
    assert wizard.read_problem == ""
    assert "Excel workbook, 1 sheet" in page.about_file.text()
    assert "友好城市" in page.found.text()
    assert "Partnerships" in page.found.text()
    assert not page.form.isRowVisible(page.encoding_field)  # not a CSV file
    assert page.kind_box.currentText() == "Detected automatically"
    assert page.isComplete()

    wizard.next()
    assert wizard.currentId() == COLUMNS
    table = wizard.columns_page.tables["友好城市"]
    assert table.rowCount() == len(HEADERS)
    read_as = [combo_at(table, r).currentText() for r in range(table.rowCount())]
    assert read_as == [
        "Partner city",
        "Partner city: Country",
        "Tier",
        "Established",
        "Notes",
    ]
    assert text_at(table, 0, 0) == f"{column_letter(0)}   城市"
    assert "Tromsø" in text_at(table, 0, 1)  # the first values
    assert text_at(table, 0, 3) == "recognised"
    assert "header in row 3" in wizard.columns_page.headings["友好城市"].text()

    wizard.next()
    assert wizard.currentId() == PREVIEW
    preview = wizard.preview_page
    assert wizard.plan is not None
    counts = wizard.plan.counts()
    assert counts[RowStatus.NEW] == 2
    assert counts[RowStatus.DUPLICATE] == 1
    assert counts[RowStatus.ERROR] == 1
    assert preview.counts.text() == "2 new, 1 duplicate skipped, and 1 error"
    model = preview.model
    assert model.rowCount() == 4
    statuses = [model.index(r, 1).data() for r in range(4)]
    assert statuses == ["New", "Duplicate", "Error", "New"]
    assert "Kfar Saba" in model.index(1, 4).data()  # the duplicate says what it matches
    assert "Atlantis" in model.index(2, 4).data()
    assert model.index(2, 4).data(Qt.ItemDataRole.ForegroundRole) is not None  # in red
    # An error row blocks the import, and the page says why.
    assert not preview.isComplete()
    commit = wizard.button(wizard.WizardButton.CommitButton)
    assert not commit.isEnabled()
    assert "1 row has an error" in preview.reason.text()
    assert not preview.reason.isHidden()
    preview.show_only("errors")
    assert model.rowCount() == 1
    preview.show_only("all")

    # The user corrects the file in Excel meanwhile, and reads it again.
    assert preview.again_button.isEnabled()
    preview.again_button.click()
    assert wizard.busy
    planned(qtbot, wizard)
    assert wizard.plan.counts()[RowStatus.ERROR] == 1  # still there: it was not corrected
    preview.skip_box.setChecked(True)  # leave the error row out
    assert preview.isComplete()
    assert commit.isEnabled()
    assert preview.counts.text() == "2 new, 1 duplicate skipped, and 1 error left out"

    with qtbot.waitSignal(change_hub().changed, timeout=30_000):
        commit.click()
    qtbot.waitUntil(lambda: wizard.currentId() == DONE, timeout=30_000)
    assert wizard.imported is not None
    assert "4 records imported from partners.xlsx" in wizard.done_page.headline.text()
    assert "partnerships" in wizard.done_page.details.text()
    assert "1 duplicate was left out" in wizard.done_page.details.text()
    assert (
        "Hidden direction characters were removed from 1 value." in wizard.done_page.details.text()
    )
    assert wizard.imported.backup is not None
    assert wizard.imported.backup.exists()
    assert "Undo" in wizard.done_page.undo.text()
    after = partner_names(demo_db)
    assert set(after) - set(before) == {"Tromsø", "Oulu"}
    assert len(list_records(demo_db, "cities").rows) == cities_before + 2
    assert window.act_undo.isEnabled()
    assert "Import of 4 records from partners.xlsx" in window.act_undo.text()
    wizard.accept()

    # Edit ▸ Undo: the whole import in one step, then Redo brings it all back.
    with qtbot.waitSignal(change_hub().changed, timeout=30_000):
        assert window.undo() is not None
    qtbot.waitUntil(lambda: window.history.running is None, timeout=30_000)
    assert sorted(partner_names(demo_db)) == sorted(before)
    assert len(list_records(demo_db, "cities").rows) == cities_before
    assert not window.act_undo.isEnabled()
    assert window.act_undo.text() == "&Undo"
    with qtbot.waitSignal(change_hub().changed, timeout=30_000):
        assert window.redo() is not None
    qtbot.waitUntil(lambda: window.history.running is None, timeout=30_000)
    assert set(partner_names(demo_db)) - set(before) == {"Tromsø", "Oulu"}


def test_choosing_what_a_column_is_read_as_plans_again(
    qtbot: Any, window: MainWindow, partners: Path
) -> None:
    wizard = open_wizard(qtbot, window, partners)
    wizard.next()
    table = wizard.columns_page.tables["友好城市"]
    notes = combo_at(table, 4)
    first_plan = wizard.plan
    notes.setCurrentIndex(notes.findData(""))  # "(not imported)"
    notes.activated.emit(notes.currentIndex())
    assert wizard.busy  # planning again in the background
    assert not wizard.columns_page.isComplete()
    planned(qtbot, wizard)
    assert wizard.plan is not first_plan
    assert wizard.plan is not None
    assert wizard.mappings == {"友好城市": {4: None}}
    column = wizard.plan.sheets[0].columns[4]
    assert column.target is None
    assert wizard.plan.sheets[0].unknown == ["备注"]
    assert text_at(table, 4, 3) == "your choice"
    assert table.cellWidget(4, 2) is notes  # the page was updated, not rebuilt
    assert notes.currentText() == "(not imported)"

    # The country column read as nothing: unknown partner cities become errors.
    country = combo_at(table, 1)
    country.setCurrentIndex(country.findData(""))
    country.activated.emit(country.currentIndex())
    planned(qtbot, wizard)
    assert wizard.plan.counts()[RowStatus.ERROR] == 3


def test_a_duplicate_can_update_the_record_or_be_skipped(
    qtbot: Any, window: MainWindow, partners: Path
) -> None:
    wizard = open_wizard(qtbot, window, partners)
    wizard.next()
    wizard.next()
    preview = wizard.preview_page
    model = preview.model
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    preview.show_only("duplicates")
    assert model.rowCount() == 1
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "Row",
        "Status",
        "Record",
        "If already there",
        "Messages",
    ]
    assert model.index(0, 0).data() == "5"
    assert model.index(0, 2).data().startswith("Kfar Saba")
    assert model.index(0, 3).data() == "Skip"
    assert model.flags(model.index(0, 3)) & Qt.ItemFlag.ItemIsEditable
    preview.view.selectionModel().select(
        model.index(0, 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert preview.choice_buttons[OnDuplicate.UPDATE].isEnabled()
    preview.choice_buttons[OnDuplicate.UPDATE].click()
    planned(qtbot, wizard)
    assert wizard.choices == {("友好城市", 5): OnDuplicate.UPDATE}
    assert wizard.plan is not None
    assert wizard.plan.counts()[RowStatus.UPDATE] == 1
    assert model.rowCount() == 1  # still showing the duplicates, the row selected again
    assert model.index(0, 1).data() == "Update"
    assert model.index(0, 3).data() == "Update it"
    assert preview.view.selectionModel().isRowSelected(0)
    # The drop-down in the row does the same.
    assert model.setData(model.index(0, 3), str(OnDuplicate.SKIP))
    planned(qtbot, wizard)
    assert wizard.plan.counts()[RowStatus.DUPLICATE] == 1
    # The general rule applies to every duplicate.
    preview.rule_box.setCurrentIndex(preview.rule_box.findData(str(OnDuplicate.UPDATE)))
    preview.rule_box.activated.emit(preview.rule_box.currentIndex())
    planned(qtbot, wizard)
    assert wizard.choices == {}
    assert wizard.plan.options.on_duplicate is OnDuplicate.UPDATE
    assert wizard.plan.counts()[RowStatus.UPDATE] == 1
    assert "1 update" in preview.counts.text()
    preview.show_only("all")
    assert model.rowCount() == 4
    del tester


def test_a_csv_file_shows_its_encoding_which_can_be_changed(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "伙伴.csv"
    lines = [",".join(HEADERS)] + [",".join(row) for row in ROWS]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gb18030"))
    wizard = open_wizard(qtbot, window, path)
    page = wizard.file_page
    assert wizard.source is not None
    assert wizard.source.format == "csv"
    assert page.form.isRowVisible(page.encoding_field)
    assert page.encoding_box.currentData() == "gb18030"
    assert page.encoding_box.currentText() == "Chinese (GB18030/GBK)"
    assert "Detected automatically" in page.encoding_note.text()
    assert wizard.plan is not None
    assert wizard.plan.counts()[RowStatus.NEW] == 2
    # Read as Hebrew instead: the headers are gibberish, nothing is recognised.
    index = page.encoding_box.findData("cp1255")
    page.encoding_box.setCurrentIndex(index)
    page.encoding_box.activated.emit(index)
    planned(qtbot, wizard)
    assert wizard.encoding == "cp1255"
    # The Chinese bytes make no Hebrew text: said so, and the drop-down stays to choose again.
    assert wizard.plan is None or wizard.plan.problems
    assert not page.isComplete()
    assert page.form.isRowVisible(page.encoding_field)
    assert page.encoding_box.currentData() == "cp1255"
    assert "cannot be read as Hebrew" in wizard.read_problem
    index = page.encoding_box.findData("gb18030")
    page.encoding_box.setCurrentIndex(index)
    page.encoding_box.activated.emit(index)
    planned(qtbot, wizard)
    assert wizard.source is not None
    assert wizard.source.encoding == "gb18030"
    assert page.encoding_note.text() == "As you chose."
    assert page.isComplete()


def test_a_file_that_cannot_be_read_is_explained(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "letter.xlsx"
    path.write_bytes(b"")
    wizard = open_wizard(qtbot, window, path)
    assert wizard.plan is None
    assert "empty" in wizard.read_problem
    assert wizard.file_page.read_problem.text() == wizard.read_problem
    assert not wizard.file_page.read_problem.isHidden()
    assert not wizard.file_page.isComplete()


def test_a_new_office_names_its_home_city_first(
    qtbot: Any, sqlite_db: Database, settings: QSettings, partners: Path
) -> None:
    window = MainWindow(sqlite_db, settings, remember=False)
    qtbot.addWidget(window)
    wizard = window.import_sheets()
    assert isinstance(wizard, ImportWizard)
    assert wizard.currentId() == HOME
    home = wizard.home_page
    assert home is not None
    assert home.profile_button.text() == "Fill in the whole office &profile…"
    home.name_edit.setText("济南")
    home.name_edit.textEdited.emit("济南")
    assert home.country.value() == "CN"  # a Chinese name: China, unless chosen otherwise
    home.name_edit.setText("Jinan")
    home.name_edit.textEdited.emit("Jinan")
    assert not home.isComplete()  # an English name: the country is to be chosen
    home.country.setCurrentIndex(home.country.findData("CN"))
    assert home.isComplete()
    wizard.next()
    assert wizard.currentId() == FILE
    assert wizard.home_city == "Jinan, CN"
    wizard.file_page.path_edit.setText(str(partners))
    wizard.file_page.path_edit.returnPressed.emit()
    planned(qtbot, wizard)
    assert wizard.plan is not None
    assert not wizard.plan.problems
    # An empty database knows no city: every row with a country adds its partner city.
    counts = wizard.plan.counts()
    assert counts[RowStatus.NEW] == 3
    assert counts[RowStatus.ERROR] == 1
    wizard.next()
    wizard.next()
    wizard.preview_page.skip_box.setChecked(True)
    with qtbot.waitSignal(change_hub().changed, timeout=30_000):
        wizard.button(wizard.WizardButton.CommitButton).click()
    qtbot.waitUntil(lambda: wizard.currentId() == DONE, timeout=30_000)
    home_id = office_profile(sqlite_db).home_city_id
    assert home_id is not None
    assert names_of(sqlite_db, "cities", home_id).en == "Jinan"
    assert sorted(partner_names(sqlite_db)) == ["Kfar Saba", "Oulu", "Tromsø"]
    # Undo takes the home city back too.
    with qtbot.waitSignal(change_hub().changed, timeout=30_000):
        window.undo()
    qtbot.waitUntil(lambda: window.history.running is None, timeout=30_000)
    assert office_profile(sqlite_db).home_city_id is None
    assert partner_names(sqlite_db) == []


def test_the_first_start_offers_to_import_the_sheets(
    qtbot: Any, sqlite_db: Database, settings: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(sqlite_db, settings, remember=False)
    qtbot.addWidget(window)
    shown: list[list[str]] = []
    imports: list[bool] = []
    monkeypatch.setattr(MainWindow, "import_sheets", lambda self: imports.append(True))

    def execute(box: QMessageBox) -> int:
        shown.append([button.text() for button in box.buttons()])
        return 0

    def clicked(box: QMessageBox) -> Any:
        return next(b for b in box.buttons() if b.text() == "Import the office's sheets…")

    monkeypatch.setattr(QMessageBox, "exec", execute)
    monkeypatch.setattr(QMessageBox, "clickedButton", clicked)
    window.offer_demo_if_empty()
    assert len(shown) == 1
    assert sorted(shown[0]) == sorted(
        ["Load demo data", "Import the office's sheets…", "Start empty"]
    )
    assert imports == [True]


def test_the_menus_offer_import_and_export(window: MainWindow) -> None:
    assert window.act_import.shortcut().toString() == "Ctrl+I"
    file_menu = [action.text() for action in window.menu_file.actions()]
    for text in (
        "&Import…",
        "Import &template…",
        "&Export view…",
        "Save list as P&DF…",
        "P&rint list…",
        "Export &all…",
    ):
        assert text in file_menu
    assert "&Copy rows" in [action.text() for action in window.menu_edit.actions()]
    shortcuts = [
        action.shortcut().toString() for action in window.findChildren(type(window.act_import))
    ]
    assert shortcuts.count("Ctrl+I") == 1
    assert window.act_print_list.shortcut().isEmpty()  # Ctrl+P prints a certificate
    context = window.context_actions("delegations")
    assert window.act_export_view in context
    assert window.act_copy_rows in context


def test_the_wizard_follows_a_change_of_language(
    qtbot: Any, window: MainWindow, partners: Path
) -> None:
    from exchange_desk.ui.language import apply_language

    wizard = open_wizard(qtbot, window, partners)
    wizard.next()
    wizard.next()
    preview = wizard.preview_page
    assert preview.model.headerData(1, Qt.Orientation.Horizontal) == "Status"
    try:
        apply_language("zh_CN")
        assert wizard.layoutDirection() == Qt.LayoutDirection.LeftToRight
        assert preview.model.headerData(1, Qt.Orientation.Horizontal) == "状态"
        assert preview.model.rowCount() == 4
        apply_language("he")
        assert wizard.layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert preview.view.layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert preview.model.headerData(1, Qt.Orientation.Horizontal) == "סטטוס"
        wizard.back()
        table = wizard.columns_page.tables["友好城市"]
        assert table.rowCount() == len(HEADERS)  # rebuilt in the new language
    finally:
        apply_language("en")
    wizard.reject()


def test_the_office_profile_may_name_the_home_city_instead(
    qtbot: Any, sqlite_db: Database, settings: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from exchange_desk.domain.records import City, OfficeProfile
    from exchange_desk.services.office import save_office_profile
    from exchange_desk.services.records import create

    def fill_in(_parent: Any, database: Database) -> bool:
        city = create(database, City(name_en="Jinan", name_zh="济南", country="CN"))
        save_office_profile(database, OfficeProfile(home_city_id=city.id))
        return True

    monkeypatch.setattr("exchange_desk.ui.profile_dialog.edit_office_profile", fill_in)
    window = MainWindow(sqlite_db, settings, remember=False)
    qtbot.addWidget(window)
    wizard = window.import_sheets()
    home = wizard.home_page
    assert home is not None
    home.name_edit.setText("Somewhere")
    assert not home.isComplete()
    home.profile_button.click()
    assert home.from_profile
    assert "Jinan" in home.profile_note.text()
    assert not home.name_edit.isEnabled()
    assert home.isComplete()
    wizard.next()
    assert wizard.currentId() == FILE
    assert wizard.home_city is None
    wizard.reject()


def test_the_wizard_speaks_hebrew_right_to_left(
    qtbot: Any, window: MainWindow, partners: Path
) -> None:
    from exchange_desk.ui.language import apply_language

    apply_language("he")
    try:
        wizard = open_wizard(qtbot, window, partners)
        assert wizard.layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert wizard.preview_page.view.layoutDirection() == Qt.LayoutDirection.RightToLeft
        wizard.next()
        wizard.next()
        assert wizard.preview_page.model.rowCount() == 4
        assert wizard.preview_page.counts.text()
        wizard.reject()
    finally:
        apply_language("en")
