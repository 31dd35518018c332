"""The main window and the start-up of the GUI (offscreen, through pytest-qt).

Edit dialogs are not opened here (tests/test_dialogs.py has them): editing runs the services'
use cases (`services.editing`) as operations, as a dialog does, with their steps in the window's
undo history; the tabs follow the change hub's `changed` signal.
"""

from __future__ import annotations

import dataclasses
import io
import shutil
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QModelIndex, QSettings, Qt, QThreadPool, QTimer
from PySide6.QtGui import QImage
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

import exchange_desk.ui.app as app_module
import exchange_desk.ui.record_tab as record_tab_module
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import Direction, PartnershipTier
from exchange_desk.domain.records import City, Delegation, Partnership
from exchange_desk.i18n.catalog import _, active_language, set_language
from exchange_desk.services.database import is_empty
from exchange_desk.services.editing import save_record
from exchange_desk.services.records import (
    ListQuery,
    create,
    get_record,
    list_records,
    tier_history,
)
from exchange_desk.services.tables import load_table
from exchange_desk.storage.database import Database
from exchange_desk.ui.app import make_application, run_gui
from exchange_desk.ui.formatting import show
from exchange_desk.ui.main_window import TABS, MainWindow
from exchange_desk.ui.operations import CollectionOp, change_hub, pending
from exchange_desk.ui.record_tab import RecordTab
from exchange_desk.ui.table_model import ID_ROLE

TAB_KEYS = [key for key, _title, _name in TABS]
TITLES = [
    "Partner cities",
    "Delegations",
    "Cultural events",
    "Awards",
    "Gifts",
    "Agreements",
    "Organizations",
    "People",
    "Conferences",
]
# Records in the demo database, by tab.
DEMO_COUNTS = {
    "partner_cities": 70,
    "delegations": 83,
    "events": 4,
    "awards": 6,  # the seed's two and the office's own four sample honours
    "gifts": 10,  # samples, given and received around the seed's exchanges
    "agreements": 2,
    "organizations": 13,
    "people": 19,
    "conferences": 2,
}
# The offscreen platform plugin says this whenever a window is shown; it is not ours.
OFFSCREEN_NOISE = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")
Yes = QMessageBox.StandardButton.Yes
Cancel = QMessageBox.StandardButton.Cancel


# --- fixtures and helpers ----------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_work_left_behind(qapp: QApplication) -> Iterator[None]:
    """Background loads finish within their test, never in the next one; and every test
    starts and ends left to right."""
    qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    yield
    assert QThreadPool.globalInstance().waitForDone(30_000)
    qapp.processEvents()
    qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Settings of this test alone (what one window saves, the next one reads)."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot: Any, demo_db: Database, settings: QSettings) -> MainWindow:
    main_window = MainWindow(demo_db, settings)
    qtbot.addWidget(main_window)
    main_window.show_tab("partner_cities")  # past the start screen
    wait_loaded(qtbot, main_window.current_tab())
    return main_window


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tabs show a first page of 10 records and load the rest in the background."""
    monkeypatch.setattr(record_tab_module, "FIRST_PAGE", 10)


@pytest.fixture
def demo_path(demo_file: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "gui-demo.sqlite"
    shutil.copyfile(demo_file, copy)
    return copy


def settle(qtbot: Any, *tabs: RecordTab, timeout: int = 15_000) -> None:
    """Wait until no load runs in the background and its result has been shown."""
    pool = QThreadPool.globalInstance()
    qtbot.waitUntil(lambda: pool.activeThreadCount() == 0, timeout=timeout)
    QApplication.processEvents()
    for tab in tabs:
        qtbot.waitUntil(lambda tab=tab: tab.complete and not tab._loading, timeout=timeout)


def save(qtbot: Any, window: MainWindow, record: Any) -> Any:
    """Store `record` as a record dialog does: `editing.save_record` as an operation, its
    step into the window's undo history; returns the record once the change is announced."""
    stored: list[Any] = []

    def done(saved: Any) -> None:
        window.history.push(saved.step)
        stored.append(saved.record)

    with qtbot.waitSignal(change_hub().changed, timeout=20_000):
        CollectionOp(window, lambda database: save_record(database, record)).success(
            done
        ).run_in_background()
    return stored[0]


def step(qtbot: Any, start: Callable[[], Any]) -> None:
    """Undo, redo or delete through the window, until its change is announced."""
    with qtbot.waitSignal(change_hub().changed, timeout=20_000):
        assert start() is not None


def asked(qtbot: Any, questions: Questions) -> None:
    """Wait until the window has asked (after reading what depends on the record)."""
    qtbot.waitUntil(lambda: bool(questions.asked), timeout=20_000)


def wait_loaded(qtbot: Any, tab: RecordTab) -> RecordTab:
    settle(qtbot, tab)
    return tab


def show_tab(qtbot: Any, window: MainWindow, key: str) -> RecordTab:
    """Switch to a tab as a click on it does; returns it with its complete table."""
    window.show_tab(key)
    tab = window.current_tab()
    assert tab is window.tab(key)
    return wait_loaded(qtbot, tab)


def column(tab: RecordTab, header: str) -> int:
    headers = [
        tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(tab.model.columnCount())
    ]
    return headers.index(header)


def cells(tab: RecordTab, col: int) -> list[str]:
    model = tab.model
    return [model.data(model.index(row, col)) for row in range(model.rowCount())]


def status_texts(window: MainWindow) -> str:
    bar = window.statusBar()
    return "\n".join([bar.currentMessage(), *(label.text() for label in bar.findChildren(QLabel))])


def detail_texts(tab: RecordTab) -> list[str]:
    page = tab.detail.widget()
    assert page is not None
    return [label.text() for label in page.findChildren(QLabel)]


def choose(tab: RecordTab, facet: str, value: Any) -> None:
    """Pick `value` in a filter's drop-down as the user does."""
    combo = tab.filters[facet]
    index = next(i for i in range(combo.count()) if combo.itemData(i) == value)
    combo.setCurrentIndex(index)


def partnership_of(database: Database, city: str) -> int:
    for row in list_records(database, "partnerships").rows:
        if row.labels["city_id"].en == city:
            return int(row.record.id)
    raise LookupError(city)


def kfar_saba_delegations(database: Database) -> list[int]:
    city_id = get_record(database, "partnerships", partnership_of(database, "Kfar Saba")).city_id
    query = ListQuery(filters={"city_id": city_id})
    return [row.record.id for row in list_records(database, "delegations", query).rows]


class Questions:
    """What QMessageBox.question was asked (its texts), and the answer it gives."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.answer = Yes

    def __call__(self, _parent: Any, _title: str, text: str, *_args: Any) -> Any:
        self.asked.append(text)
        return self.answer


@pytest.fixture
def questions(monkeypatch: pytest.MonkeyPatch) -> Questions:
    """QMessageBox.question records its text and answers Yes (or `questions.answer`)."""
    asked = Questions()
    monkeypatch.setattr(QMessageBox, "question", asked)
    return asked


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """QMessageBox.warning records its title and text instead of showing a dialog."""
    shown: list[str] = []

    def warning(_parent: Any, title: str, text: str, *_args: Any) -> Any:
        shown.append(f"{title}\n{text}")
        return Cancel

    monkeypatch.setattr(QMessageBox, "warning", warning)
    return shown


# --- 1. the models pass Qt's model tester -------------------------------------------------


@pytest.mark.usefixtures("small_pages")
@pytest.mark.parametrize("key", TAB_KEYS)
def test_every_tab_model_passes_the_model_tester(
    qtbot: Any, demo_db: Database, settings: QSettings, key: str
) -> None:
    window = MainWindow(demo_db, settings, remember=False)
    qtbot.addWidget(window)
    tab = window.tab(key)
    fatal = QAbstractItemModelTester.FailureReportingMode.Fatal
    tester = QAbstractItemModelTester(tab.model, fatal)
    model = tab.model
    # The first page, then (once the tab is shown) the complete table, under the tester.
    window.show_tab(key)
    wait_loaded(qtbot, tab)
    total = DEMO_COUNTS[key]
    assert model.rowCount() == total == len(model.table)
    assert model.columnCount() == len(model.table.columns) >= 3
    assert model.rowCount(model.index(0, 0)) == 0  # a table: nothing below a cell
    assert model.data(QModelIndex()) is None
    assert {model.data(model.index(r, 0), ID_ROLE) for r in range(total)} == set(model.table.ids)

    tab.search_box.setText("a")
    tab.search_box.setText("an")  # narrows among the rows shown
    assert model.rowCount() <= total
    tab.search_box.setText("an\u00a0no such thing")
    assert model.rowCount() == 0
    tab.search_box.clear()
    assert model.rowCount() == total

    combo = next(iter(tab.filters.values()))
    combo.setCurrentIndex(combo.count() - 1)
    assert model.rowCount() <= total
    for col in range(model.columnCount()):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            tab.view.sortByColumn(col, order)
    combo.setCurrentIndex(0)
    assert model.rowCount() == total
    tab.view.selectRow(0)
    tab.reload()  # the table again, sorted, with the selection kept
    wait_loaded(qtbot, tab)
    assert model.rowCount() == total
    assert tab.current_id() is not None
    del tester


# --- 2. tabs and status bar -----------------------------------------------------------------


def test_tab_titles_and_status_bar(qtbot: Any, window: MainWindow, demo_db: Database) -> None:
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == ["Home", *TITLES]
    assert window.windowTitle() == "Exchange Desk"
    assert window.current_key() == "partner_cities"
    assert window.current_tab() is window.tab("cities") is window.tab("partner_cities")
    cities = window.tab("cities")
    assert cities.model.table.kind == "partnerships"
    assert cities.model.rowCount() == 70
    assert cities.count_label.text() == "70"
    texts = status_texts(window)
    assert "70 records" in texts
    assert "SQLite:" in texts
    assert demo_db.describe() in texts
    assert demo_db.describe().endswith("demo-copy.sqlite")

    show_tab(qtbot, window, "delegations")
    assert "83 records" in status_texts(window)
    for key in TAB_KEYS:
        tab = show_tab(qtbot, window, key)
        assert tab.model.rowCount() == DEMO_COUNTS[key], key
        assert tab.model.table.tab == key
    assert window.current_key() == "conferences"


def test_the_partner_cities_tab_lists_the_partnerships(window: MainWindow) -> None:
    tab = window.tab("cities")
    names = cells(tab, column(tab, "Partner city"))
    tiers = cells(tab, column(tab, "Tier"))
    assert len(names) == len(set(names)) == 70
    assert tiers.count("sister city") == 25
    assert tiers.count("friendly cooperative city") == 45
    assert "Jinan" not in names  # the home city is nobody's partner
    row = names.index("Kfar Saba")
    assert cells(tab, column(tab, "Country"))[row] == "Israel"
    assert tiers[row] == "sister city"
    assert cells(tab, column(tab, "Since"))[row] == "2009"
    # Invented records never pass for facts: grey and said so; Kfar Saba is real.
    model = tab.model
    italic = model.data(model.index(row, 0), Qt.ItemDataRole.FontRole)
    assert italic is None
    assert model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole) is None
    sample = next(r for r in range(model.rowCount()) if model.is_sample(r))
    assert model.data(model.index(sample, 0), Qt.ItemDataRole.FontRole) is None  # not slanted
    assert model.data(model.index(sample, 0), Qt.ItemDataRole.ForegroundRole) is not None
    assert "Sample record" in model.data(model.index(sample, 0), Qt.ItemDataRole.ToolTipRole)


@pytest.mark.usefixtures("small_pages")
def test_a_first_page_then_the_complete_table(
    qtbot: Any, demo_db: Database, settings: QSettings
) -> None:
    window = MainWindow(demo_db, settings)
    qtbot.addWidget(window)
    delegations = window.tab("delegations")  # built, not shown: only the first page
    assert delegations.model.rowCount() == 10
    assert not delegations.complete
    with qtbot.waitSignal(delegations.loaded, timeout=15_000):
        window.show_tab("delegations")
    assert delegations.complete
    assert delegations.model.rowCount() == 83
    assert delegations.count_label.text() == "83"
    assert "83 records" in status_texts(window)
    wait_loaded(qtbot, window.tab("cities"))


# --- 3. search and filters ------------------------------------------------------------------


@pytest.mark.parametrize("needle", ["kfar", "KFAR", "כפר", "克法"])
def test_search_finds_kfar_saba_in_any_language(window: MainWindow, needle: str) -> None:
    tab = window.tab("cities")
    tab.search_box.setText(needle)
    assert cells(tab, 0) == ["Kfar Saba"]
    assert tab.count_label.text() == "1 of 70"
    assert "1 of 70 records shown" in status_texts(window)
    tab.search_box.clear()
    assert tab.model.rowCount() == 70
    assert tab.count_label.text() == "70"


def test_search_and_filters_on_delegations(qtbot: Any, window: MainWindow) -> None:
    tab = show_tab(qtbot, window, "delegations")
    city = column(tab, "Partner city")
    direction = column(tab, "Direction")
    tab.search_box.setText("kfar")
    assert cells(tab, city) == ["Kfar Saba"] * 22
    assert tab.count_label.text() == "22 of 83"
    tab.search_box.setText("")
    assert tab.model.rowCount() == 83
    assert tab.count_label.text() == "83"

    choose(tab, "direction", Direction.OUTGOING)
    assert set(cells(tab, direction)) == {"outgoing"}
    assert tab.model.rowCount() == 41
    assert tab.count_label.text() == "41 of 83"
    tab.search_box.setText("kfar")  # the search and the filter together
    assert tab.model.rowCount() == 11
    assert set(cells(tab, city)) == {"Kfar Saba"}
    assert set(cells(tab, direction)) == {"outgoing"}
    assert tab.count_label.text() == "11 of 83"
    assert "11 of 83 records shown" in status_texts(window)
    choose(tab, "direction", Direction.INCOMING)
    assert tab.model.rowCount() == 11
    assert set(cells(tab, direction)) == {"incoming"}
    choose(tab, "direction", None)  # "Both directions"
    assert tab.model.rowCount() == 22
    tab.search_box.clear()
    assert tab.model.rowCount() == 83


def test_tier_filter_on_partner_cities(window: MainWindow) -> None:
    tab = window.tab("cities")
    combo = tab.filters["tier"]
    assert combo.itemText(0) == "Both tiers"
    assert combo.itemData(0) is None
    choose(tab, "tier", PartnershipTier.SISTER_CITY)
    assert tab.model.rowCount() == 25
    assert set(cells(tab, column(tab, "Tier"))) == {"sister city"}
    assert tab.count_label.text() == "25 of 70"
    tab.search_box.setText("kfar")
    assert cells(tab, 0) == ["Kfar Saba"]
    choose(tab, "tier", PartnershipTier.FRIENDLY_COOPERATIVE_CITY)
    assert tab.model.rowCount() == 0
    assert tab.count_label.text() == "0 of 70"
    tab.search_box.clear()
    assert tab.model.rowCount() == 45


# --- 4. sorting -----------------------------------------------------------------------------


def test_sorting_by_a_column(qtbot: Any, window: MainWindow, demo_db: Database) -> None:
    tab = show_tab(qtbot, window, "delegations")
    members = column(tab, "Members")
    tab.view.sortByColumn(members, Qt.SortOrder.DescendingOrder)
    shown = [int(text) for text in cells(tab, members)]
    assert shown == sorted(shown, reverse=True)
    table = load_table(demo_db, "delegations")
    everyone = table.data[table.column_index("members")]
    assert shown[0] == max(everyone)
    assert shown[-1] == min(everyone)
    tab.view.sortByColumn(members, Qt.SortOrder.AscendingOrder)
    assert [int(text) for text in cells(tab, members)] == sorted(shown)
    start = column(tab, "Start")
    starts = dict(zip(table.ids, table.data[table.column_index("start_date")], strict=True))
    for order in (Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder):
        tab.view.sortByColumn(start, order)
        shown_dates = [starts[tab.model.record_id(r)] for r in range(83)]  # ISO dates
        expected = sorted(starts.values(), reverse=order == Qt.SortOrder.DescendingOrder)
        assert shown_dates == expected
    assert cells(tab, start)[0] == "Jan 11, 2009"  # the oldest first

    cities = show_tab(qtbot, window, "partner_cities")
    cities.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    names = cells(cities, 0)
    # The language's order: accents do not count, so Córdoba comes before Coventry.
    assert names.index("Córdoba") < names.index("Coventry")
    assert names.index("Łódź") < names.index("Luxor")
    assert names == sorted(names, key=_without_accents)
    cities.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert cells(cities, 0) == list(reversed(names))


def _without_accents(name: str) -> str:
    # Ł has no decomposition; for sorting it is an L with a stroke.
    decomposed = unicodedata.normalize("NFD", name.replace("Ł", "L")).casefold()
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def test_empty_values_sort_last_either_way(qtbot: Any, window: MainWindow) -> None:
    tab = show_tab(qtbot, window, "conferences")
    for header in ("Host city", "Attendance", "Countries"):
        col = column(tab, header)
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            tab.view.sortByColumn(col, order)
            shown = cells(tab, col)
            assert shown[0] != "", (header, order)
            assert shown[-1] == "", (header, order)
    host = cells(tab, column(tab, "Host city"))
    assert "Wuhan" in host


def test_the_selection_survives_sorting(window: MainWindow, demo_db: Database) -> None:
    tab = window.tab("cities")
    kfar_saba = partnership_of(demo_db, "Kfar Saba")
    assert tab.select_record(kfar_saba)
    for col in range(tab.model.columnCount()):
        for order in (Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder):
            tab.view.sortByColumn(col, order)
            assert tab.current_id() == kfar_saba, (col, order)
            [selected] = tab.view.selectionModel().selectedRows()
            assert selected.row() == tab.model.row_of(kfar_saba)
            assert selected.data() == "Kfar Saba"
    assert tab.detail.detail is not None
    assert tab.detail.detail.id == kfar_saba


# --- 5. the detail pane ---------------------------------------------------------------------


@pytest.mark.usefixtures("small_pages")
def test_detail_of_kfar_saba_and_its_links(
    qtbot: Any, demo_db: Database, settings: QSettings
) -> None:
    window = MainWindow(demo_db, settings)
    qtbot.addWidget(window)
    tab = wait_loaded(qtbot, window.tab("cities"))
    kfar_saba = partnership_of(demo_db, "Kfar Saba")
    assert tab.detail.detail is None
    assert tab.select_record(kfar_saba)
    detail = tab.detail.detail
    assert detail is not None
    assert detail.title.best() == "Kfar Saba"
    facts = dict(detail.facts)
    assert facts["Tier"] == PartnershipTier.SISTER_CITY
    assert show(facts["Tier"]) == "sister city"
    assert facts["Since"] == PartialDate(2009)
    texts = detail_texts(tab)
    assert "Kfar Saba" in texts
    assert {"Tier:", "sister city", "Since:", "2009"} <= set(texts)
    groups = dict(detail.groups)
    delegations = [item for item in groups["Timeline"] if item.kind == "delegations"]
    assert sorted(item.id for item in delegations) == sorted(kfar_saba_delegations(demo_db))
    assert len(delegations) == 22
    assert any("<b>Timeline</b>" in text for text in texts)
    assert any(f'href="delegations:{delegations[-1].id}"' in text for text in texts)

    # A link: to the delegations tab (not loaded yet: only its first page is there), even
    # past a search that hides the delegation.
    target = delegations[-1].id
    window.tab("delegations").search_box.setText("no such delegation")
    assert not window.tab("delegations").complete
    tab.detail._follow(f"delegations:{target}")
    delegations_tab = wait_loaded(qtbot, window.tab("delegations"))
    assert window.current_tab() is delegations_tab
    assert window.current_key() == "delegations"
    assert delegations_tab.model.rowCount() == 83
    assert delegations_tab.current_id() == target
    assert delegations_tab.detail.detail is not None
    assert delegations_tab.detail.detail.id == target

    # And back to the partner city, through the delegation's city.
    city_id = get_record(demo_db, "partnerships", kfar_saba).city_id
    assert any(f'href="cities:{city_id}"' in text for text in detail_texts(delegations_tab))
    delegations_tab.detail._follow(f"cities:{city_id}")
    assert window.current_tab() is tab
    assert tab.current_id() == kfar_saba


# --- 6. editing, undo and redo -------------------------------------------------------------


def test_create_undo_redo(
    qtbot: Any, window: MainWindow, demo_db: Database, warnings: list[str]
) -> None:
    tab = window.tab("cities")
    city = save(qtbot, window, City(name_en="Testville", name_zh="测试城", country="DE"))
    settle(qtbot, tab)  # (see test_an_older_load_never_overwrites_a_newer_one)
    partnership = save(
        qtbot,
        window,
        Partnership(
            city_id=city.id, tier=PartnershipTier.SISTER_CITY, established=PartialDate(2020)
        ),
    )
    assert city.id is not None
    assert partnership.id is not None
    settle(qtbot, tab)
    assert tab.model.rowCount() == 71
    row = tab.model.row_of(partnership.id)
    assert row is not None
    assert tab.model.data(tab.model.index(row, 0)) == "Testville"
    assert tab.current_id() == partnership.id  # what was saved is selected
    assert window.undo_stack.count() == 2
    assert window.act_undo.isEnabled()
    assert not window.act_redo.isEnabled()

    step(qtbot, window.undo)
    settle(qtbot, tab)
    step(qtbot, window.undo)
    settle(qtbot, tab)
    assert tab.model.rowCount() == 70
    assert tab.model.row_of(partnership.id) is None
    assert list_records(demo_db, "cities", ListQuery(search="Testville")).total == 0
    assert window.act_redo.isEnabled()
    assert not window.act_undo.isEnabled()

    step(qtbot, window.redo)
    settle(qtbot, tab)
    step(qtbot, window.redo)
    settle(qtbot, tab)
    assert get_record(demo_db, "cities", city.id) == city
    assert get_record(demo_db, "partnerships", partnership.id) == partnership
    assert tab.model.rowCount() == 71
    assert tab.model.row_of(partnership.id) is not None
    assert window.undo_stack.index() == 2
    assert warnings == []


def test_update_undo_redo(qtbot: Any, window: MainWindow, demo_db: Database) -> None:
    tab = show_tab(qtbot, window, "delegations")
    delegation_id = kfar_saba_delegations(demo_db)[0]
    before = get_record(demo_db, "delegations", delegation_id)
    assert tab.select_record(delegation_id)
    save(qtbot, window, dataclasses.replace(before, purpose="Twin schools week"))
    settle(qtbot, tab)
    assert get_record(demo_db, "delegations", delegation_id).purpose == "Twin schools week"
    purpose = column(tab, "Purpose")
    assert tab.current_id() == delegation_id
    assert cells(tab, purpose)[tab.model.row_of(delegation_id)] == "Twin schools week"

    step(qtbot, window.undo)
    settle(qtbot, tab)
    # As it was, at a newer version: the save and its undo each counted one up.
    assert get_record(demo_db, "delegations", delegation_id) == dataclasses.replace(
        before, version=before.version + 2
    )
    assert cells(tab, purpose)[tab.model.row_of(delegation_id)] == before.purpose
    step(qtbot, window.redo)
    settle(qtbot, tab)
    assert get_record(demo_db, "delegations", delegation_id).purpose == "Twin schools week"


def test_delete_undo_redo(
    qtbot: Any, window: MainWindow, demo_db: Database, questions: Questions
) -> None:
    tab = window.tab("cities")
    kfar_saba = partnership_of(demo_db, "Kfar Saba")
    record = get_record(demo_db, "partnerships", kfar_saba)
    history = tier_history(demo_db, kfar_saba)
    assert history
    assert tab.select_record(kfar_saba)
    step(qtbot, window.delete_current)
    [text] = questions.asked
    assert text.startswith("<p>Delete the partnership")
    settle(qtbot, tab)
    assert list_records(demo_db, "partnerships", ListQuery(filters={"id": kfar_saba})).total == 0
    assert tier_history(demo_db, kfar_saba) == []
    assert tab.model.rowCount() == 69
    assert tab.model.row_of(kfar_saba) is None
    assert "Ctrl+Z" in window.statusBar().currentMessage()

    step(qtbot, window.undo)
    settle(qtbot, tab)
    assert get_record(demo_db, "partnerships", kfar_saba) == record
    assert tier_history(demo_db, kfar_saba) == history
    assert tab.model.rowCount() == 70
    assert tab.current_id() == kfar_saba

    step(qtbot, window.redo)
    settle(qtbot, tab)
    assert tab.model.rowCount() == 69
    assert list_records(demo_db, "partnerships", ListQuery(filters={"id": kfar_saba})).total == 0
    step(qtbot, window.undo)
    settle(qtbot, tab)
    assert get_record(demo_db, "partnerships", kfar_saba) == record


def test_delete_with_dependents_asks_first(
    qtbot: Any, window: MainWindow, demo_db: Database, questions: Questions
) -> None:
    tab = show_tab(qtbot, window, "organizations")
    [school] = list_records(
        demo_db, "organizations", ListQuery(search="Jinan Yuying Middle School")
    ).rows
    school_id = school.record.id
    listing = [
        row.record.id
        for row in list_records(demo_db, "delegations").rows
        if school_id in row.record.organization_ids
    ]
    assert listing
    assert tab.select_record(school_id)

    questions.answer = Cancel
    window.delete_current()
    asked(qtbot, questions)
    [text] = questions.asked
    assert "Other records depend on the organization" in text
    assert "Jinan Yuying Middle School" in text
    assert f"{len(listing)} delegations list it" in text
    assert "<li>" in text
    qtbot.waitUntil(lambda: pending() == 0)
    assert get_record(demo_db, "organizations", school_id) == school.record
    assert window.undo_stack.count() == 0
    assert tab.model.rowCount() == 13

    questions.answer = Yes
    step(qtbot, window.delete_current)
    settle(qtbot, tab)
    assert tab.model.rowCount() == 12
    assert all(
        school_id not in get_record(demo_db, "delegations", i).organization_ids for i in listing
    )
    step(qtbot, window.undo)
    settle(qtbot, tab)
    assert get_record(demo_db, "organizations", school_id) == school.record
    assert all(school_id in get_record(demo_db, "delegations", i).organization_ids for i in listing)
    assert tab.model.rowCount() == 13


# --- 7. a step that cannot be undone ------------------------------------------------------


def test_a_failed_undo_is_reported_and_clears_the_history(
    qtbot: Any, window: MainWindow, demo_db: Database, warnings: list[str]
) -> None:
    tab = window.tab("cities")
    city = save(qtbot, window, City(name_en="Newtown", country="GB"))
    # Meanwhile, something comes to depend on it (another user, the command line).
    create(demo_db, Delegation(direction=Direction.INCOMING, city_id=city.id, purpose="Visit"))
    assert window.undo() is not None
    qtbot.waitUntil(lambda: bool(warnings), timeout=20_000)
    settle(qtbot, tab)
    assert len(warnings) == 1
    assert "could not be undone" in warnings[0]
    assert "depend on it" in warnings[0]
    assert window.undo_stack.count() == 0
    assert not window.act_undo.isEnabled()
    assert not window.act_redo.isEnabled()
    assert get_record(demo_db, "cities", city.id) == city


# --- 8. what the window remembers -----------------------------------------------------------


def test_settings_are_remembered(qtbot: Any, demo_db: Database, settings: QSettings) -> None:
    first = MainWindow(demo_db, settings)
    qtbot.addWidget(first)
    awards = show_tab(qtbot, first, "awards")
    first.act_details.setChecked(False)
    assert awards.detail.isHidden()
    delegations = first.tab("delegations")
    members = column(delegations, "Members")
    delegations.view.sortByColumn(members, Qt.SortOrder.DescendingOrder)
    # Within the offscreen screen (800 × 800), and not narrower than the window may be.
    first.resize(784, 480)
    first.save_settings()

    again = MainWindow(demo_db, settings)
    qtbot.addWidget(again)
    assert again.current_key() == "awards"
    assert again.current_tab().model.table.tab == "awards"
    assert not again.act_details.isChecked()
    assert again.current_tab().detail.isHidden()
    assert (again.width(), again.height()) == (784, 480)
    restored = again.tab("delegations")
    assert restored.detail.isHidden()
    header = restored.view.horizontalHeader()
    assert header.sortIndicatorSection() == members
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    shown = [int(text) for text in cells(restored, members)]
    assert shown == sorted(shown, reverse=True)
    wait_loaded(qtbot, again.current_tab())

    fresh = MainWindow(demo_db, settings, remember=False)
    qtbot.addWidget(fresh)
    assert fresh.current_key() == "home"  # a window that remembers nothing opens on Home
    assert fresh.act_details.isChecked()
    assert not fresh.current_tab().detail.isHidden()
    assert fresh.tab("delegations").view.horizontalHeader().sortIndicatorSection() == -1
    fresh.show_tab("agreements")
    wait_loaded(qtbot, fresh.current_tab())
    fresh.close()  # saves nothing
    settings.sync()
    assert settings.value("main_window/tab_key") == "awards"


# --- 9. demo data ---------------------------------------------------------------------------


def test_an_empty_database_is_offered_the_demo(
    qtbot: Any, sqlite_db: Database, settings: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(sqlite_db, settings)
    qtbot.addWidget(window)
    loads: list[bool] = []
    boxes: list[str] = []
    monkeypatch.setattr(MainWindow, "load_demo", lambda self: loads.append(True))
    click = ["Load demo data"]

    def execute(box: QMessageBox) -> int:
        boxes.append(box.text())
        return 0

    def clicked(box: QMessageBox) -> Any:
        return next(button for button in box.buttons() if button.text() == click[0])

    monkeypatch.setattr(QMessageBox, "exec", execute)
    monkeypatch.setattr(QMessageBox, "clickedButton", clicked)
    window.offer_demo_if_empty()
    assert boxes == ["This database is empty."]
    assert loads == [True]
    click[0] = "Start empty"
    window.offer_demo_if_empty()
    assert len(boxes) == 2
    assert loads == [True]


def test_a_full_database_is_not_offered_the_demo(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    boxes: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: boxes.append(box) or 0)
    window.offer_demo_if_empty()
    assert boxes == []


@OFFSCREEN_NOISE
def test_loading_the_demo_data(qtbot: Any, sqlite_db: Database, settings: QSettings) -> None:
    window = MainWindow(sqlite_db, settings)
    qtbot.addWidget(window)
    window.show_tab("partner_cities")
    tab = wait_loaded(qtbot, window.current_tab())
    assert tab.model.rowCount() == 0
    assert "0 records" in status_texts(window)
    window.load_demo()
    qtbot.waitUntil(lambda: tab.complete and tab.model.rowCount() == 70, timeout=30_000)
    settle(qtbot, tab)
    assert not is_empty(sqlite_db)
    assert tab.model.rowCount() == 70
    assert "70 records" in status_texts(window)
    assert window.undo_stack.count() == 0
    assert window._demo_progress.done


def test_replacing_data_with_the_demo_asks_first(
    qtbot: Any, window: MainWindow, demo_db: Database, warnings: list[str]
) -> None:
    save(qtbot, window, City(name_en="Keepme", country="FR"))
    window.load_demo()  # answered Cancel
    assert len(warnings) == 1
    assert "replaces every record" in warnings[0]
    assert list_records(demo_db, "cities", ListQuery(search="Keepme")).total == 1


# --- 10. a picture of the window ----------------------------------------------------------


@pytest.fixture
def close_windows(qapp: QApplication) -> Iterator[None]:
    """Windows made by run_gui are closed after the test (once their timers have run)."""
    yield
    qapp.processEvents()
    for widget in qapp.topLevelWidgets():
        if isinstance(widget, MainWindow):
            widget.close()
            widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def real_event_loop(qtbot: Any, qapp: QApplication) -> Iterator[None]:
    """For a test that runs QApplication.exec() until quit(): quit() leaves a Quit event
    behind which, handled with no exec() running, would make every later event loop
    (qtbot.wait, waitUntil, waitSignal) return at once. One more short exec() ends it."""
    yield
    stop = QTimer()
    stop.setSingleShot(True)
    stop.timeout.connect(qapp.quit)
    stop.start(0)
    qapp.exec()
    stop.stop()
    fired: list[int] = []
    QTimer.singleShot(10, lambda: fired.append(1))
    qtbot.waitUntil(lambda: fired == [1], timeout=2000)  # the event loop works again


def gui_windows(qapp: QApplication, location: Path) -> list[MainWindow]:
    """The windows run_gui opened on `location`."""
    return [
        widget
        for widget in qapp.topLevelWidgets()
        if isinstance(widget, MainWindow) and widget.database.describe() == str(location)
    ]


@OFFSCREEN_NOISE
@pytest.mark.usefixtures("close_windows", "real_event_loop")
def test_run_gui_takes_a_screenshot(qapp: QApplication, demo_path: Path, tmp_path: Path) -> None:
    png = tmp_path / "window.png"
    guard = QTimer()  # should the picture never come, the event loop still ends
    guard.setSingleShot(True)
    guard.timeout.connect(qapp.quit)
    guard.start(20_000)
    try:
        code = run_gui(str(demo_path), "en", screenshot=str(png), tab="delegations")
    finally:
        guard.stop()
    assert code == 0
    assert png.exists()
    image = QImage(str(png))
    assert image.width() >= 1000
    assert image.height() >= 500
    [window] = gui_windows(qapp, demo_path)
    assert window.current_tab() is window.tab("delegations")
    assert window.tab("delegations").current_id() is not None  # the detail pane shows too


# --- 11. languages --------------------------------------------------------------------------


def test_hebrew_is_right_to_left(qtbot: Any, demo_db: Database, settings: QSettings) -> None:
    app = make_application("he")
    try:
        assert active_language() == "he"
        assert app.layoutDirection() == Qt.LayoutDirection.RightToLeft
        window = MainWindow(demo_db, settings)
        qtbot.addWidget(window)
        tab = wait_loaded(qtbot, window.current_tab())
        assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert tab.view.layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert window.tabs.tabText(1) == "ערים שותפות"
        assert window.windowTitle() == _("Exchange Desk")
        tab.search_box.setText("kfar")
        assert cells(tab, 0) == ["כפר סבא"]
        assert tab.model.headerData(0, Qt.Orientation.Horizontal) == _("Partner city")
        assert tab.model.headerData(0, Qt.Orientation.Horizontal) != "Partner city"
    finally:
        make_application("en")  # left to right, English, and Qt's own texts in English
    assert app.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert active_language() == "en"


def test_chinese_names(qtbot: Any, demo_db: Database, settings: QSettings) -> None:
    make_application("zh")
    try:
        assert active_language() == "zh_CN"
        window = MainWindow(demo_db, settings)
        qtbot.addWidget(window)
        tab = wait_loaded(qtbot, window.current_tab())
        assert window.layoutDirection() == Qt.LayoutDirection.LeftToRight
        assert "克法尔萨巴" in cells(tab, 0)
        assert "Kfar Saba" not in cells(tab, 0)
        tab.search_box.setText("克法")
        assert cells(tab, 0) == ["克法尔萨巴"]
        assert window.tabs.tabText(1) == _("Partner cities") != "Partner cities"
    finally:
        make_application("en")


def test_retranslate_switches_the_language(window: MainWindow) -> None:
    tab = window.tab("cities")
    assert "Kfar Saba" in cells(tab, 0)
    set_language("zh_CN")
    window.retranslate()
    assert window.tabs.tabText(1) == _("Partner cities") != "Partner cities"
    assert tab.filters["tier"].itemText(0) == _("Both tiers") != "Both tiers"
    assert "克法尔萨巴" in cells(tab, 0)
    assert window.act_quit.text() == _("&Quit")


# --- 12. starting: run_gui and the command line ------------------------------------------


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
def critical(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """QMessageBox.critical records its title and text instead of showing a dialog."""
    shown: list[str] = []

    def record(_parent: Any, title: str, text: str, *_args: Any) -> Any:
        shown.append(f"{title}\n{text}")
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "critical", record)
    return shown


def _corrupt(tmp_path: Path, _demo: Path) -> str:
    corrupt = tmp_path / "corrupt.sqlite"
    corrupt.write_bytes(b"this is not a database" * 100)
    return str(corrupt)


def _too_new(_tmp_path: Path, demo: Path) -> str:
    connection = sqlite3.connect(demo)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    return str(demo)


def _folder(tmp_path: Path, _demo: Path) -> str:
    return str(tmp_path)


def _unreachable(_tmp_path: Path, _demo: Path) -> str:
    return "postgresql+psycopg://nobody@127.0.0.1:1/none"


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (_corrupt, "is not a SQLite database"),
        (_too_new, "newer version"),
        (_folder, "is a folder"),
        (_unreachable, "cannot be reached"),
    ],
    ids=["corrupt", "too-new", "folder", "unreachable"],
)
def test_run_gui_on_a_bad_database_returns_3(
    qapp: QApplication,
    no_event_loop: list[int],
    critical: list[str],
    tmp_path: Path,
    demo_path: Path,
    make: Callable[[Path, Path], str],
    expected: str,
) -> None:
    location = make(tmp_path, demo_path)
    before = Path(location).read_bytes() if Path(location).is_file() else None
    assert run_gui(location, "en") == 3
    [message] = critical
    assert message.startswith("Exchange Desk\n")
    assert expected in message
    if not location.startswith("postgresql"):
        assert location in message or "9999" in message
    assert no_event_loop == []  # no window, no event loop
    assert gui_windows(qapp, Path(location)) == []
    if before is not None:
        assert Path(location).read_bytes() == before  # nothing was changed


def test_run_gui_on_a_folder_in_hebrew(
    qapp: QApplication, no_event_loop: list[int], critical: list[str], tmp_path: Path
) -> None:
    try:
        assert run_gui(str(tmp_path), "he") == 3
        [message] = critical
        assert str(tmp_path) in message
        assert "is a folder" not in message  # said in Hebrew
        assert message.startswith(_("Exchange Desk"))
        assert qapp.layoutDirection() == Qt.LayoutDirection.RightToLeft
    finally:
        make_application("en")


@OFFSCREEN_NOISE
@pytest.mark.usefixtures("close_windows")
def test_run_gui_opens_the_window(
    qapp: QApplication, no_event_loop: list[int], critical: list[str], demo_path: Path
) -> None:
    assert run_gui(str(demo_path), "en", tab="delegations") == 0
    assert no_event_loop == [1]
    assert critical == []
    assert qapp.applicationName() == "Exchange Desk"
    [window] = gui_windows(qapp, demo_path)
    assert window.current_tab() is window.tab("delegations")
    assert window.database.describe() == str(demo_path)


@OFFSCREEN_NOISE
@pytest.mark.usefixtures("close_windows")
def test_run_gui_on_the_partnerships_tab(
    qapp: QApplication, no_event_loop: list[int], critical: list[str], demo_path: Path
) -> None:
    assert run_gui(str(demo_path), "en", tab="partnerships") == 0
    [window] = gui_windows(qapp, demo_path)
    assert window.current_tab() is window.tab("cities")


def test_cli_without_a_command_opens_the_window(
    monkeypatch: pytest.MonkeyPatch, demo_path: Path, tmp_path: Path
) -> None:
    from exchange_desk.launcher import main

    calls: list[dict[str, Any]] = []

    def fake_run_gui(**kwargs: Any) -> int:
        calls.append(kwargs)
        return 0

    monkeypatch.setattr(app_module, "run_gui", fake_run_gui)
    assert main(["--db", str(demo_path), "--lang", "zh"], out=io.StringIO()) == 0
    assert calls == [
        {"database_location": str(demo_path), "language": "zh_CN", "screenshot": None, "tab": None}
    ]
    png = str(tmp_path / "shot.png")
    assert main(["--db", str(demo_path), "--screenshot", png, "--tab", "awards"]) == 0
    assert calls[-1] == {
        "database_location": str(demo_path),
        "language": None,
        "screenshot": png,
        "tab": "awards",
    }


def test_cli_without_a_command_on_a_corrupt_file_exits_3(
    no_event_loop: list[int], critical: list[str], tmp_path: Path
) -> None:
    from exchange_desk.launcher import main

    corrupt = tmp_path / "corrupt.sqlite"
    corrupt.write_bytes(b"this is not a database" * 100)
    assert main(["--db", str(corrupt), "--lang", "en"], out=io.StringIO()) == 3
    [message] = critical
    assert "not a SQLite database" in message
    assert no_event_loop == []


# --- bugs found -----------------------------------------------------------------------------


def test_an_older_load_never_overwrites_a_newer_one(
    qtbot: Any, window: MainWindow, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = window.tab("cities")
    city = create(demo_db, City(name_en="Slowtown", country="NL"))
    real_load_table = record_tab_module.load_table
    release = threading.Event()
    loads: list[int] = []

    def first_load_is_slow(database: Database, key: str, **options: Any) -> Any:
        table = real_load_table(database, key, **options)
        loads.append(len(table))
        if len(loads) == 1:
            release.wait(10)  # e.g. 100,000 records on a busy server
        return table

    monkeypatch.setattr(record_tab_module, "load_table", first_load_is_slow)
    pool = QThreadPool.globalInstance()
    threads = pool.maxThreadCount()
    pool.setMaxThreadCount(max(threads, 2))
    try:
        tab.reload()  # the user pressed F5: reads 70 partnerships, slowly
        qtbot.waitUntil(lambda: len(loads) == 1)
        partnership = save(
            qtbot, window, Partnership(city_id=city.id, tier=PartnershipTier.SISTER_CITY)
        )
        qtbot.waitUntil(lambda: tab.model.rowCount() == 71, timeout=10_000)
        assert tab.current_id() == partnership.id
    finally:
        release.set()
        settle(qtbot, tab)
        pool.setMaxThreadCount(threads)
    assert loads == [70, 71]
    assert tab.model.rowCount() == 71  # not the older 70
    assert tab.current_id() == partnership.id


def test_deleting_a_partnership_names_the_partner_city(
    qtbot: Any, window: MainWindow, demo_db: Database, questions: Questions
) -> None:
    tab = window.tab("cities")
    assert tab.select_record(partnership_of(demo_db, "Kfar Saba"))
    questions.answer = Cancel
    window.delete_current()
    asked(qtbot, questions)
    [text] = questions.asked
    assert "Kfar Saba" in text


def test_the_detail_pane_forgets_a_deleted_record(
    qtbot: Any, window: MainWindow, demo_db: Database, questions: Questions
) -> None:
    tab = show_tab(qtbot, window, "delegations")
    delegation_id = kfar_saba_delegations(demo_db)[0]
    assert tab.select_record(delegation_id)
    assert tab.detail.detail is not None
    step(qtbot, window.delete_current)
    settle(qtbot, tab)
    assert tab.model.row_of(delegation_id) is None
    assert tab.current_id() is None
    assert tab.detail.detail is None


def test_the_detail_pane_follows_the_selection_when_a_search_hides_it(
    window: MainWindow, demo_db: Database
) -> None:
    tab = window.tab("cities")
    kfar_saba = partnership_of(demo_db, "Kfar Saba")
    assert tab.select_record(kfar_saba)
    tab.search_box.setText("kfar")
    assert tab.current_id() == kfar_saba  # still shown: still selected
    tab.search_box.setText("no such city")
    assert tab.current_id() is None
    assert tab.detail.detail is None or tab.detail.detail.id == tab.current_id()


def test_undoing_a_tier_change_restores_the_tier_history(
    qtbot: Any, window: MainWindow, demo_db: Database
) -> None:
    tab = window.tab("cities")
    before = next(
        row.record
        for row in list_records(demo_db, "partnerships").rows
        if row.record.tier == PartnershipTier.FRIENDLY_COOPERATIVE_CITY
    )
    history = tier_history(demo_db, before.id)
    save(qtbot, window, dataclasses.replace(before, tier=PartnershipTier.SISTER_CITY))
    settle(qtbot, tab)
    assert len(tier_history(demo_db, before.id)) == len(history) + 1
    step(qtbot, window.undo)
    settle(qtbot, tab)
    assert get_record(demo_db, "partnerships", before.id) == dataclasses.replace(
        before, version=before.version + 2
    )
    assert tier_history(demo_db, before.id) == history


def test_the_awards_tab_says_whose_each_award_is(qtbot: Any, window: MainWindow) -> None:
    """Given by us (ours to certify), received by us (we attach the scan), or given by
    another body at a conference we attended; the filter shows one kind at a time."""
    from exchange_desk.domain.enums import AwardRole

    tab = show_tab(qtbot, window, "awards")
    whose = dict(
        zip(
            cells(tab, column(tab, "Title")),
            cells(tab, column(tab, "Given or received")),
            strict=True,
        )
    )
    assert whose[
        "Award of the 20th Sino-Japan-South Korea Friendship City Exchange Conference"
    ] == ("received by us")
    assert whose["Award of the China International Friendship Cities Conference 2018"] == (
        "given by others"
    )
    assert whose["Title of Honorary Friendship Ambassador of Jinan"] == "given by us"
    choose(tab, "role", AwardRole.CONFERRED)
    assert set(cells(tab, column(tab, "Given or received"))) == {"given by us"}
    assert tab.model.rowCount() == 4


def test_deleting_a_record_another_desk_changed_meanwhile_asks_again(
    qtbot: Any, window: MainWindow, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asked, answered Yes; but another desk saved the record in between: nothing is
    deleted until the user, told who changed it, says Yes again."""
    from exchange_desk.services.editing import save_record
    from exchange_desk.storage.database import open_database

    tab = window.tab("cities")
    kfar_saba = partnership_of(demo_db, "Kfar Saba")
    assert tab.select_record(kfar_saba)
    other = open_database(demo_db.url)
    asked: list[str] = []

    def question(_parent: Any, _title: str, text: str, *_args: Any) -> Any:
        asked.append(text)
        if len(asked) == 1:  # the other desk saves while the first question is open
            record = get_record(other, "partnerships", kfar_saba)
            save_record(other, dataclasses.replace(record, notes="Their note"))
        return Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    try:
        step(qtbot, window.delete_current)
    finally:
        other.dispose()
    assert len(asked) == 2
    assert "was changed by" in asked[1]
    assert "nothing was deleted" in asked[1]
    settle(qtbot, tab)
    assert list_records(demo_db, "partnerships", ListQuery(filters={"id": kfar_saba})).total == 0
