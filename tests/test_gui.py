"""The main window and the start-up of the GUI (offscreen, through pytest-qt)."""

from __future__ import annotations

import io
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QTableView

from exchange_desk import __version__
from exchange_desk.i18n.catalog import _, active_language, set_language
from exchange_desk.services.records import ListQuery, list_records
from exchange_desk.storage.database import Database
from exchange_desk.ui.app import SORT_ROLE, TABS, MainWindow, RecordTableModel, run_gui

# Which kind of record each tab lists (the partner cities tab lists the partnerships).
KIND_OF_TAB = {
    "partner_cities": "partnerships",
    "delegations": "delegations",
    "events": "events",
    "awards": "awards",
    "agreements": "agreements",
    "organizations": "organizations",
    "conferences": "conferences",
}
TITLES = {
    "partner_cities": "Partner cities",
    "delegations": "Delegations",
    "events": "Cultural events",
    "awards": "Awards",
    "agreements": "Agreements",
    "organizations": "Organizations",
    "conferences": "Conferences",
}
# The offscreen platform plugin says this whenever a window is shown; it is not ours.
OFFSCREEN_NOISE = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def app() -> QApplication:
    instance = QApplication.instance()
    assert isinstance(instance, QApplication)
    return instance


@pytest.fixture
def left_to_right(qapp: QApplication) -> Iterator[None]:
    """Whatever a test does to the application's direction, the next one starts LTR."""
    qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    yield
    qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


@pytest.fixture
def window(qtbot: Any, demo_db: Database, left_to_right: None) -> MainWindow:
    main_window = MainWindow(demo_db)
    qtbot.addWidget(main_window)
    return main_window


@pytest.fixture
def demo_path(demo_file: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "gui-demo.sqlite"
    shutil.copyfile(demo_file, copy)
    return copy


def tab_index(tab: str) -> int:
    return [name for name, _title in TABS].index(tab)


def view_of(window: MainWindow, tab: str) -> QTableView:
    view = window.tabs.widget(tab_index(tab))
    assert isinstance(view, QTableView)
    return view


def model_of(window: MainWindow, tab: str) -> QAbstractItemModel:
    return view_of(window, tab).model()


def cells(model: QAbstractItemModel) -> list[list[str]]:
    return [
        [model.data(model.index(row, column)) for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def headers(model: QAbstractItemModel) -> list[str]:
    return [
        model.headerData(column, Qt.Orientation.Horizontal) for column in range(model.columnCount())
    ]


def column_of(model: QAbstractItemModel, header: str) -> int:
    return headers(model).index(header)


def rows_for(database: Database, tab: str) -> list[tuple[Any, Any]]:
    """A tab's rows built straight from `list_records`: (listed record, its city or None)."""
    kind = KIND_OF_TAB[tab]
    listed = list_records(database, kind).rows
    if tab != "partner_cities":
        return [(row, None) for row in listed]
    cities = {row.record.id: row.record for row in list_records(database, "cities").rows}
    return [(row, cities[row.record.city_id]) for row in listed]


def status_texts(window: MainWindow) -> str:
    bar = window.statusBar()
    return "\n".join([bar.currentMessage(), *(label.text() for label in bar.findChildren(QLabel))])


# --- the main window -------------------------------------------------------------------


def test_tabs_carry_titles_and_record_counts(window: MainWindow, demo_db: Database) -> None:
    assert window.tabs.count() == 7
    assert [name for name, _title in TABS] == list(TITLES)
    for index, (tab, _title) in enumerate(TABS):
        total = list_records(demo_db, KIND_OF_TAB[tab]).total
        assert window.tabs.tabText(index) == f"{TITLES[tab]} ({total})"
    # 25 sister cities and 45 friendly cooperative cities.
    assert window.tabs.tabText(0) == "Partner cities (70)"
    assert window.tabs.tabText(1) == "Delegations (83)"


def test_each_tab_shows_every_record_of_its_kind(window: MainWindow, demo_db: Database) -> None:
    for tab, _title in TABS:
        model = model_of(window, tab)
        assert model.rowCount() == list_records(demo_db, KIND_OF_TAB[tab]).total, tab
        assert model.columnCount() >= 4, tab
        assert headers(model)[-1] == "Sample", tab


def test_status_bar_names_the_database_file(window: MainWindow, demo_db: Database) -> None:
    assert demo_db.path is not None
    texts = status_texts(window)
    assert str(demo_db.path) in texts
    assert demo_db.describe() in texts


def test_window_title(window: MainWindow) -> None:
    assert window.windowTitle().startswith("Exchange Desk")
    assert __version__ in status_texts(window) or __version__ in window.windowTitle()


def test_delegations_tab_shows_real_values(window: MainWindow, demo_db: Database) -> None:
    model = model_of(window, "delegations")
    assert model.rowCount() > 0
    assert headers(model) == ["Start", "Direction", "Partner city", "Members", "Purpose", "Sample"]
    shown = cells(model)
    assert "Kfar Saba" in {cell for row in shown for cell in row}
    assert {"outgoing", "incoming"} <= {row[1] for row in shown}
    assert all(row[0] for row in shown)  # every delegation has a start date
    assert all(row[-1] in ("", "sample") for row in shown)
    # The first row is the service's first delegation, cell by cell.
    first = list_records(demo_db, "delegations", ListQuery(limit=1)).rows[0]
    assert shown[0][2] == first.labels["city_id"].best()
    assert shown[0][3] == str(first.record.members)
    assert shown[0][4] == first.record.purpose
    assert str(first.record.start_date.year) in shown[0][0]


def test_partner_cities_tab(window: MainWindow) -> None:
    model = model_of(window, "partner_cities")
    assert headers(model)[:3] == ["Partner city", "Country", "Tier"]
    rows = {row[0]: row for row in cells(model)}
    assert len(rows) == 70
    kfar_saba = rows["Kfar Saba"]
    assert kfar_saba[1] == "Israel"
    assert kfar_saba[2] == "sister city"
    assert "2009" in kfar_saba[3]
    assert kfar_saba[-1] == ""  # a fact, not a sample record
    tiers = [row[2] for row in rows.values()]
    assert tiers.count("sister city") == 25
    assert tiers.count("friendly cooperative city") == 45
    assert "Jinan" not in rows  # the home city is nobody's partner


def test_sample_records_are_marked(window: MainWindow) -> None:
    model = model_of(window, "partner_cities")
    sample_column = model.columnCount() - 1
    for row in range(model.rowCount()):
        is_sample = model.data(model.index(row, sample_column)) == "sample"
        font = model.data(model.index(row, 0), Qt.ItemDataRole.FontRole)
        assert (font is not None and font.italic()) == is_sample, row


def test_awards_and_conferences_tabs(window: MainWindow) -> None:
    awards = cells(model_of(window, "awards"))
    assert len(awards) == 2
    assert {row[2] for row in awards} == {
        "China International Friendship Cities Conference 2018",
        "20th Sino-Japan-South Korea Friendship City Exchange Conference",
    }
    conferences = model_of(window, "conferences")
    host = column_of(conferences, "Host city")
    assert "Wuhan" in {row[host] for row in cells(conferences)}


def test_sorting_a_column(window: MainWindow) -> None:
    view = view_of(window, "delegations")
    model = view.model()
    members = column_of(model, "Members")
    view.sortByColumn(members, Qt.SortOrder.DescendingOrder)
    shown = [int(row[members]) for row in cells(model)]
    assert shown == sorted(shown, reverse=True)
    start = column_of(model, "Start")
    view.sortByColumn(start, Qt.SortOrder.AscendingOrder)
    keys = [model.data(model.index(r, start), SORT_ROLE) for r in range(model.rowCount())]
    assert keys == sorted(keys)
    assert keys[0].startswith("2009")


def test_window_on_an_empty_database(qtbot: Any, sqlite_db: Database) -> None:
    empty = MainWindow(sqlite_db)
    qtbot.addWidget(empty)
    for index, (tab, _title) in enumerate(TABS):
        assert empty.tabs.tabText(index) == f"{TITLES[tab]} (0)"
        assert model_of(empty, tab).rowCount() == 0


@OFFSCREEN_NOISE
def test_window_shows_offscreen(qtbot: Any, window: MainWindow) -> None:
    window.show()
    qtbot.waitExposed(window)
    assert window.isVisible()
    window.tabs.setCurrentIndex(1)
    assert window.tabs.currentWidget() is view_of(window, "delegations")


# --- the table model -------------------------------------------------------------------


@pytest.mark.parametrize("tab", list(KIND_OF_TAB))
def test_record_table_model_passes_the_model_tester(
    qtbot: Any, demo_db: Database, tab: str
) -> None:
    rows = rows_for(demo_db, tab)
    assert rows
    model = RecordTableModel(tab, rows)
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    assert tester is not None
    assert model.rowCount() == len(rows) == list_records(demo_db, KIND_OF_TAB[tab]).total
    assert model.columnCount() == len(headers(model))
    # A table: nothing below any cell.
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.columnCount(model.index(0, 0)) == 0
    assert model.data(QModelIndex()) is None
    assert model.headerData(0, Qt.Orientation.Vertical) == "1"
    assert all(isinstance(cell, str) for row in cells(model) for cell in row)


@pytest.mark.parametrize("tab", list(KIND_OF_TAB))
def test_the_window_models_pass_the_model_tester(window: MainWindow, tab: str) -> None:
    model = model_of(window, tab)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    view_of(window, tab).sortByColumn(1, Qt.SortOrder.DescendingOrder)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)


def test_record_table_model_when_empty(qtbot: Any) -> None:
    model = RecordTableModel("delegations", [])
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    assert model.rowCount() == 0
    assert model.columnCount() == 6


# --- languages and right to left -------------------------------------------------------


def test_hebrew_window_is_right_to_left(qtbot: Any, demo_db: Database) -> None:
    set_language("he")
    app().setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    try:
        hebrew = MainWindow(demo_db)
        qtbot.addWidget(hebrew)
        assert hebrew.layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert view_of(hebrew, "delegations").layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert hebrew.tabs.tabText(0) == f"{_('Partner cities')} (70)"
        partner_cities = {row[0] for row in cells(model_of(hebrew, "partner_cities"))}
        assert "כפר סבא" in partner_cities
        assert "Kfar Saba" not in partner_cities
        model = model_of(hebrew, "delegations")
        where = {row[2] for row in cells(model)}
        assert "כפר סבא" in where
        assert headers(model)[0] == _("Start")
    finally:
        app().setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    assert app().layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_chinese_window_shows_chinese_names(qtbot: Any, demo_db: Database) -> None:
    set_language("zh_CN")
    chinese = MainWindow(demo_db)
    qtbot.addWidget(chinese)
    assert chinese.layoutDirection() == Qt.LayoutDirection.LeftToRight
    names = {row[0] for row in cells(model_of(chinese, "partner_cities"))}
    assert "克法尔萨巴" in names


@pytest.mark.parametrize("language", ["he", "zh_CN"])
def test_every_column_header_is_translated(qtbot: Any, demo_db: Database, language: str) -> None:
    english = {tab: headers(RecordTableModel(tab, [])) for tab in KIND_OF_TAB}
    set_language(language)
    untranslated = [
        (tab, title)
        for tab in KIND_OF_TAB
        for title, original in zip(headers(RecordTableModel(tab, [])), english[tab], strict=True)
        if title == original
    ]
    assert untranslated == []


# --- run_gui ---------------------------------------------------------------------------


@pytest.fixture
def no_event_loop(monkeypatch: pytest.MonkeyPatch, qapp: QApplication) -> list[int]:
    """QApplication.exec returns at once; the list records each call."""
    calls: list[int] = []

    def exec_now(*_args: Any) -> int:
        calls.append(1)
        return 0

    monkeypatch.setattr(QApplication, "exec", exec_now)
    return calls


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """QMessageBox.critical records its title and text instead of showing a dialog."""
    shown: list[str] = []

    def critical(_parent: Any, title: str, text: str, *_args: Any) -> QMessageBox.StandardButton:
        shown.append(f"{title}\n{text}")
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "critical", critical)
    return shown


@pytest.fixture
def close_windows(qapp: QApplication) -> Iterator[None]:
    yield
    for widget in qapp.topLevelWidgets():
        if isinstance(widget, MainWindow):
            widget.close()
            widget.deleteLater()


@OFFSCREEN_NOISE
@pytest.mark.usefixtures("left_to_right", "close_windows")
def test_run_gui_in_hebrew(
    qapp: QApplication, no_event_loop: list[int], dialogs: list[str], demo_path: Path
) -> None:
    try:
        assert run_gui(database_location=str(demo_path), language="he") == 0
        assert qapp.layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert active_language() == "he"
        assert no_event_loop == [1]
        assert dialogs == []
        assert qapp.applicationName() == "Exchange Desk"
    finally:
        qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


@OFFSCREEN_NOISE
@pytest.mark.usefixtures("left_to_right", "close_windows")
def test_run_gui_in_english_after_hebrew_is_left_to_right(
    qapp: QApplication, no_event_loop: list[int], dialogs: list[str], demo_path: Path
) -> None:
    qapp.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    assert run_gui(database_location=str(demo_path), language="en") == 0
    assert qapp.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert active_language() == "en"
    assert dialogs == []


@OFFSCREEN_NOISE
@pytest.mark.usefixtures("left_to_right", "close_windows")
def test_run_gui_unknown_language_falls_back_to_english(
    qapp: QApplication, no_event_loop: list[int], dialogs: list[str], demo_path: Path
) -> None:
    assert run_gui(database_location=str(demo_path), language="xx") == 0
    assert active_language() == "en"
    assert qapp.layoutDirection() == Qt.LayoutDirection.LeftToRight


@pytest.mark.usefixtures("left_to_right")
def test_run_gui_on_a_corrupt_file_returns_3(
    no_event_loop: list[int], dialogs: list[str], tmp_path: Path
) -> None:
    corrupt = tmp_path / "corrupt.sqlite"
    content = b"this is not a database" * 100
    corrupt.write_bytes(content)
    assert run_gui(database_location=str(corrupt), language="en") == 3
    assert len(dialogs) == 1
    assert "not a SQLite database" in dialogs[0]
    assert str(corrupt) in dialogs[0]
    assert dialogs[0].startswith("Exchange Desk")
    assert no_event_loop == []  # no window, no event loop
    assert corrupt.read_bytes() == content


@pytest.mark.usefixtures("left_to_right")
def test_run_gui_on_a_database_of_a_newer_version_returns_3(
    no_event_loop: list[int], dialogs: list[str], demo_path: Path
) -> None:
    connection = sqlite3.connect(demo_path)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    assert run_gui(database_location=str(demo_path), language="en") == 3
    assert len(dialogs) == 1
    assert "newer" in dialogs[0]
    assert no_event_loop == []


@pytest.mark.usefixtures("left_to_right")
def test_run_gui_on_a_folder_returns_3_in_hebrew(
    qapp: QApplication, no_event_loop: list[int], dialogs: list[str], tmp_path: Path
) -> None:
    try:
        assert run_gui(database_location=str(tmp_path), language="he") == 3
        assert len(dialogs) == 1
        assert str(tmp_path) in dialogs[0]
        assert qapp.layoutDirection() == Qt.LayoutDirection.RightToLeft
    finally:
        qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


@pytest.mark.usefixtures("left_to_right")
def test_run_gui_on_an_unreachable_server_returns_3(
    no_event_loop: list[int], dialogs: list[str]
) -> None:
    location = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    assert run_gui(database_location=location, language="en") == 3
    assert len(dialogs) == 1
    assert "cannot be reached" in dialogs[0]


@OFFSCREEN_NOISE
@pytest.mark.usefixtures("left_to_right", "close_windows")
def test_cli_without_command_opens_the_window(
    no_event_loop: list[int], dialogs: list[str], demo_path: Path
) -> None:
    from exchange_desk.cli import main

    assert main(["--db", str(demo_path), "--lang", "zh"], out=io.StringIO()) == 0
    assert no_event_loop == [1]
    assert dialogs == []
    assert active_language() == "zh_CN"


@pytest.mark.usefixtures("left_to_right")
def test_cli_without_command_on_a_corrupt_file_exits_3(
    no_event_loop: list[int], dialogs: list[str], tmp_path: Path
) -> None:
    from exchange_desk.cli import main

    corrupt = tmp_path / "corrupt.sqlite"
    corrupt.write_bytes(b"this is not a database" * 100)
    assert main(["--db", str(corrupt)], out=io.StringIO()) == 3
    assert len(dialogs) == 1
    assert no_event_loop == []
