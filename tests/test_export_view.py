"""A tab's list out of the window, offscreen: Export view… writes the rows and columns on
screen (after filter, search, sort, a hidden and a moved column) to .xlsx and .csv, Ctrl+C
copies the selected rows with the header, Save list as PDF… and Print list… draw the same
list, Export all… writes every kind, and Import template… writes an empty workbook.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QSettings, Qt, QThreadPool
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from exchange_desk.storage.database import Database
from exchange_desk.ui.list_export import (
    TemplateDialog,
    copy_rows,
    export_all,
    export_view,
    list_conditions,
    listed_view,
    print_list,
    save_list_pdf,
    shown_columns,
    without_marks,
)
from exchange_desk.ui.main_window import TABS, MainWindow
from exchange_desk.ui.operations import pending
from exchange_desk.ui.record_tab import RecordTab

TAB_KEYS = [key for key, _title, _name in TABS]
MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture(autouse=True)
def _no_work_left_behind(qapp: QApplication) -> Iterator[None]:
    qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    yield
    assert QThreadPool.globalInstance().waitForDone(30_000)
    qapp.processEvents()
    qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


@pytest.fixture
def window(qtbot: Any, demo_db: Database, tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    main_window = MainWindow(demo_db, settings, remember=False)
    qtbot.addWidget(main_window)
    main_window.show_tab("partner_cities")  # past the start screen
    return main_window


def show_tab(qtbot: Any, window: MainWindow, key: str) -> RecordTab:
    window.show_tab(key)
    tab = window.current_tab()
    qtbot.waitUntil(lambda: tab.complete and not tab._loading, timeout=20_000)
    return tab


def finished(qtbot: Any) -> None:
    qtbot.waitUntil(lambda: pending() == 0, timeout=30_000)
    QApplication.processEvents()


def column_of(tab: RecordTab, header: str) -> int:
    model = tab.model
    return next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == header
    )


def shown_texts(tab: RecordTab, header: str) -> list[str]:
    model, col = tab.model, column_of(tab, header)
    return [without_marks(model.data(model.index(r, col))) for r in range(model.rowCount())]


def narrowed_delegations(qtbot: Any, window: MainWindow) -> RecordTab:
    """The delegations of 2018, outgoing, newest first, without Purpose, Leader moved first."""
    tab = show_tab(qtbot, window, "delegations")
    year = tab.filters["year"]
    year.setCurrentIndex(year.findData(2018))
    direction = tab.filters["direction"]
    direction.setCurrentIndex(1)
    tab.view.sortByColumn(column_of(tab, "Start"), Qt.SortOrder.DescendingOrder)
    header = tab.view.horizontalHeader()
    header.setSectionHidden(column_of(tab, "Purpose"), True)
    header.moveSection(header.visualIndex(column_of(tab, "Leader")), 0)
    assert 1 < tab.model.rowCount() < len(tab.model.table)
    return tab


def test_the_view_is_the_tab_as_shown(qtbot: Any, window: MainWindow) -> None:
    tab = narrowed_delegations(qtbot, window)
    columns = shown_columns(tab.view)
    headers = [tab.model.headerData(c, Qt.Orientation.Horizontal) for c in columns]
    assert headers == ["Leader", "Start", "Direction", "Partner city", "Members", "Status"]
    direction = tab.filters["direction"].currentText()
    assert list_conditions(tab) == ("Year: 2018", f"Direction: {direction}")
    tab.search_box.setText("Kfar")
    view = listed_view(tab)
    assert view.conditions == ("Year: 2018", f"Direction: {direction}", "Search: Kfar")
    assert [column.header for column in view.columns] == headers
    assert len(view) == tab.model.rowCount()
    assert list(view.ids) == [tab.model.record_id(r) for r in range(tab.model.rowCount())]


def test_export_view_writes_the_rows_and_columns_on_screen(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    tab = narrowed_delegations(qtbot, window)
    path = tmp_path / "delegations.xlsx"
    assert export_view(window, tab, path) is not None
    finished(qtbot)
    assert "rows exported to" in window.statusBar().currentMessage()
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    columns = shown_columns(tab.view)
    headers = [tab.model.headerData(c, Qt.Orientation.Horizontal) for c in columns]
    assert list(rows[0][: len(headers)]) == headers
    assert "Purpose" not in rows[0]
    assert len(rows) - 1 == tab.model.rowCount()
    # Row for row as on screen: the leaders (now the first column) and the cities in order.
    assert [row[0] or "" for row in rows[1:]] == shown_texts(tab, "Leader")
    assert [row[3] for row in rows[1:]] == shown_texts(tab, "Partner city")
    starts = [row[1] for row in rows[1:]]
    assert all(str(start).startswith("2018") for start in starts)
    assert [str(s) for s in starts] == sorted((str(s) for s in starts), reverse=True)
    assert "Year: 2018" in (workbook.properties.title or "")
    workbook.close()


def test_export_view_as_csv(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    tab = show_tab(qtbot, window, "partner_cities")
    tab.search_box.setText("an")
    tab.view.sortByColumn(column_of(tab, "Partner city"), Qt.SortOrder.DescendingOrder)
    path = tmp_path / "partners.csv"
    export_view(window, tab, path)
    finished(qtbot)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["Partner city", "Country", "Tier"]
    assert [row[0] for row in rows[1:]] == shown_texts(tab, "Partner city")
    assert len(rows) - 1 == tab.model.rowCount() < len(tab.model.table)


def test_ctrl_c_copies_the_selected_rows_with_the_header(qtbot: Any, window: MainWindow) -> None:
    tab = show_tab(qtbot, window, "partner_cities")
    header = tab.view.horizontalHeader()
    header.setSectionHidden(column_of(tab, "Status"), True)
    header.moveSection(header.visualIndex(column_of(tab, "Country")), 0)
    model = tab.model
    assert tab.view.selectionMode() == tab.view.SelectionMode.ExtendedSelection
    # Click the first row, Shift+click the third: three rows, as a user selects them.
    for row, modifier in (
        (0, Qt.KeyboardModifier.NoModifier),
        (2, Qt.KeyboardModifier.ShiftModifier),
    ):
        rect = tab.view.visualRect(model.index(row, 1))
        qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())
    assert len(tab.view.selectionModel().selectedRows()) == 3
    QGuiApplication.clipboard().clear()
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].split("\t") == ["Country", "Partner city", "Tier", "Since", "Next anniversary"]
    assert len(lines) == 4
    names = shown_texts(tab, "Partner city")[:3]
    assert [line.split("\t")[1] for line in lines[1:]] == names
    assert "3 rows copied" in window.statusBar().currentMessage()
    # Ctrl+C in the search box copies its text, not rows.
    tab.search_box.setText("Kfar")
    tab.search_box.selectAll()
    tab.search_box.setFocus()
    qtbot.keyClick(tab.search_box, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "Kfar"


def test_copied_rows_carry_no_direction_marks(qtbot: Any, window: MainWindow) -> None:
    from exchange_desk.ui.language import apply_language

    tab = show_tab(qtbot, window, "delegations")
    apply_language("he")
    try:
        model = tab.model
        every = QItemSelection(model.index(0, 0), model.index(model.rowCount() - 1, 0))
        tab.view.selectionModel().select(
            every,
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
        shown = [
            model.data(model.index(r, c))
            for r in range(model.rowCount())
            for c in range(model.columnCount())
        ]
        assert any(text and any(mark in text for mark in MARKS) for text in shown)
        text = copy_rows(tab)
        assert text.count("\n") == model.rowCount() + 1
        assert not any(mark in text for mark in MARKS)
        assert "כפר סבא" in text
        assert "\t" in text.splitlines()[1]
    finally:
        apply_language("en")


def test_save_list_as_pdf_and_print_list(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    tab = narrowed_delegations(qtbot, window)
    path = tmp_path / "list.pdf"
    assert save_list_pdf(window, tab, path) is not None
    finished(qtbot)
    assert path.read_bytes().startswith(b"%PDF")
    assert "saved as" in window.statusBar().currentMessage()

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    assert print_list(window, tab, printer) is not None
    finished(qtbot)
    assert printed.read_bytes().startswith(b"%PDF")
    assert "sent to the printer" in window.statusBar().currentMessage()


def workbook_rows(path: Path, sheet: str) -> Any:
    workbook = openpyxl.load_workbook(path, read_only=True)
    rows = list(workbook[sheet].iter_rows())
    workbook.close()
    return iter(rows)


@pytest.mark.parametrize(("answer", "included"), [("Yes", True), ("No", False)])
def test_export_all_asks_an_editor_about_passport_data(
    qtbot: Any,
    window: MainWindow,
    demo_db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
    included: bool,
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from exchange_desk.ui import list_export

    path = tmp_path / "everything.xlsx"
    asked: list[str] = []

    def question(*args: Any, **_kwargs: Any) -> Any:
        asked.append(str(args[2]))
        return getattr(QMessageBox.StandardButton, answer)

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(list_export, "ask_target", lambda *_args: path)
    assert export_all(window, demo_db) is not None
    finished(qtbot)
    assert "passport" in asked[0]
    header = [c.value for c in next(workbook_rows(path, "people"))]
    assert ("Passport number" in header) is included


def test_export_all_and_an_import_template(
    qtbot: Any, window: MainWindow, demo_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "everything.xlsx"
    assert export_all(window, demo_db, path) is not None
    finished(qtbot)
    workbook = openpyxl.load_workbook(path, read_only=True)
    assert len(workbook.sheetnames) >= 8
    workbook.close()

    header = [c.value for c in next(workbook_rows(path, "people"))]
    assert "Passport number" not in header  # not asked for

    dialog = TemplateDialog(demo_db, window)
    qtbot.addWidget(dialog)
    assert dialog.kind() == "partnerships"
    assert dialog.language() == "en"
    dialog.language_box.setCurrentIndex(dialog.language_box.findData("zh_CN"))
    template = tmp_path / "template.xlsx"
    assert dialog.save(template) is not None
    finished(qtbot)
    assert dialog.written == template
    sheet = openpyxl.load_workbook(template).worksheets[0]
    headers = [cell.value for cell in sheet[1] if cell.value]
    assert "关系类别" in headers


def test_a_list_still_loading_is_not_written(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    tab = show_tab(qtbot, window, "partner_cities")
    tab.complete = False
    tab._loading = True  # as while the whole table is being read
    path = tmp_path / "early.xlsx"
    assert export_view(window, tab, path) is None
    assert not path.exists()
    assert "still loading" in window.statusBar().currentMessage()
    tab._loading = False
    tab.reload()
    qtbot.waitUntil(lambda: tab.complete, timeout=20_000)


def test_a_name_typed_without_its_suffix_gets_the_chosen_filters(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QFileDialog, QWidget

    from exchange_desk.ui.list_export import ask_target

    parent = QWidget()
    qtbot.addWidget(parent)
    filters = [("Excel workbook (*.xlsx)", ".xlsx"), ("CSV file (*.csv)", ".csv")]
    answers = iter(
        [
            (str(tmp_path / "partners"), "CSV file (*.csv)"),
            (str(tmp_path / "partners.XLSX"), "CSV file (*.csv)"),
            (str(tmp_path / "partners"), ""),
            ("", ""),
        ]
    )
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args: next(answers))
    assert ask_target(parent, "Export", "stem", filters) == tmp_path / "partners.csv"
    assert ask_target(parent, "Export", "stem", filters) == tmp_path / "partners.XLSX"
    assert ask_target(parent, "Export", "stem", filters) == tmp_path / "partners.xlsx"
    assert ask_target(parent, "Export", "stem", filters) is None
