"""Statistics and Anniversaries as windows, File ▸ New database from demo…, Help ▸ User guide
and Help ▸ Report a problem (issue 19, "Dialogs and messages")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt, QThreadPool, QUrl
from PySide6.QtGui import QGuiApplication, QTextDocument
from PySide6.QtWidgets import QApplication, QMessageBox

from exchange_desk import __version__
from exchange_desk.domain.errors import Conflict
from exchange_desk.i18n.catalog import set_language
from exchange_desk.logs import log_path
from exchange_desk.paths import resources_dir
from exchange_desk.services.database import Database, is_empty
from exchange_desk.services.statistics import anniversaries
from exchange_desk.ui.anniversaries_window import YEARS, AnniversariesWindow
from exchange_desk.ui.help_window import GUIDE_LANGUAGES, GuideWindow, guide_path
from exchange_desk.ui.main_window import MainWindow
from exchange_desk.ui.operations import pending
from exchange_desk.ui.statistics_window import FigureTable, StatisticsWindow

# What the offscreen platform says of a window shown or brought forward.
OFFSCREEN_NOISE = pytest.mark.qt_log_ignore(
    r"This plugin does not support propagateSizeHints", r"This plugin does not support raise"
)
GUIDE = resources_dir() / "guide"
TITLES = {
    "en": "Exchange Desk user guide",
    "zh_CN": "外事交流管理 用户指南",
    "he": "דלפק קשרי חוץ – מדריך למשתמש",
}


@pytest.fixture
def quiet(qapp: QApplication) -> Iterator[QApplication]:
    """Background reads end within the test; it ends in English, left to right."""
    yield qapp
    assert QThreadPool.globalInstance().waitForDone(30_000)
    qapp.processEvents()
    from exchange_desk.ui.language import apply_language

    apply_language("en")
    qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def settled(qtbot: Any) -> None:
    qtbot.waitUntil(lambda: pending() == 0, timeout=30_000)


def click_header(qtbot: Any, table: FigureTable, column: int) -> None:
    """A real click on a column's header, as the user sorts."""
    header = table.view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def statistics_window(qtbot: Any, database: Database) -> StatisticsWindow:
    window = StatisticsWindow(database)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.figures is not None, timeout=30_000)
    return window


def kfar_saba_id(database: Database) -> int:
    found = [a for a in anniversaries(database, 2019) if a.city.en == "Kfar Saba"]
    assert len(found) == 1
    return found[0].partnership_id


# --- statistics ------------------------------------------------------------------------------


@OFFSCREEN_NOISE
def test_statistics_window_holds_the_demo_counts_and_sorts_numbers_as_numbers(
    qtbot: Any, quiet: QApplication, demo_db: Database
) -> None:
    window = statistics_window(qtbot, demo_db)
    assert window.windowTitle() == "Statistics"
    assert window.by_tier.shown_rows() == [
        ["sister city", "25"],
        ["friendly cooperative city", "45"],
    ]
    assert window.by_status.shown_rows()[0] == ["active", "70"]
    countries = dict(map(tuple, window.by_country.shown_rows()))
    assert countries["Israel"] == "1"
    assert countries["Japan"] == "3"
    # Delegations per year: the totals have one digit and two ("8", "12"); a click on the
    # header sorts them by value, a second click the other way round.
    table = window.by_year
    total = 3
    click_header(qtbot, table, total)
    totals = [int(row[total]) for row in table.shown_rows()]
    assert totals == sorted(totals)
    assert totals[0] < 10 <= totals[-1]  # as text, "12" would come before "3"
    click_header(qtbot, table, total)
    assert [int(row[total]) for row in table.shown_rows()] == sorted(totals, reverse=True)
    # The year's outgoing and incoming add up to its total.
    assert all(int(o) + int(i) == int(t) for _y, o, i, t in table.shown_rows())
    # Names sort by name: a click on Country puts Argentina first.
    click_header(qtbot, window.by_country, 0)
    assert window.by_country.shown_rows()[0][0] == "Argentina"


@OFFSCREEN_NOISE
def test_statistics_export_writes_a_workbook_with_the_numbers(
    qtbot: Any, quiet: QApplication, demo_db: Database, tmp_path: Path
) -> None:
    window = statistics_window(qtbot, demo_db)
    target = tmp_path / "figures.xlsx"
    operation = window.export(target)
    assert operation is not None
    qtbot.waitUntil(lambda: operation.done, timeout=30_000)
    assert "figures.xlsx" in window.note.text()
    book = openpyxl.load_workbook(target, read_only=True)
    try:
        assert book.sheetnames == [
            "Partnerships by tier",
            "Partnerships by status",
            "Delegations by direction",
            "Partnerships by country",
            "Delegations per year",
        ]
        tiers = list(book["Partnerships by tier"].iter_rows(values_only=True))
        assert tiers == [
            ("Tier", "Partnerships"),
            ("sister city", 25),
            ("friendly cooperative city", 45),
        ]
        years = list(book["Delegations per year"].iter_rows(values_only=True))
        assert years[0] == ("Year", "Outgoing", "Incoming", "Total")
        assert all(isinstance(value, int) for row in years[1:] for value in row)
    finally:
        book.close()
    # A CSV file holds the table chosen (clicked) last.
    window.by_tier.view.setFocus()
    window.chosen = window.by_tier
    csv_target = tmp_path / "tiers.csv"
    operation = window.export(csv_target)
    assert operation is not None
    qtbot.waitUntil(lambda: operation.done, timeout=30_000)
    lines = csv_target.read_text(encoding="utf-8-sig").splitlines()
    assert lines == ["Tier,Partnerships", "sister city,25", "friendly cooperative city,45"]
    # Copy: the chosen table with its headers, tab-separated, for Excel.
    assert window.copy() == "Tier\tPartnerships\nsister city\t25\nfriendly cooperative city\t45\n"
    assert QGuiApplication.clipboard().text() == window.copy()


@OFFSCREEN_NOISE
def test_statistics_in_hebrew_run_right_to_left(
    qtbot: Any, quiet: QApplication, demo_db: Database
) -> None:
    from exchange_desk.ui.language import apply_language

    window = statistics_window(qtbot, demo_db)
    apply_language("he")
    QApplication.processEvents()
    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    # The same figures, in Hebrew words: the countries by their Hebrew names.
    countries = dict(map(tuple, window.by_country.shown_rows()))
    assert countries["ישראל"] == "1"
    assert window.by_tier.shown_rows()[0][1] == "25"


# --- anniversaries ---------------------------------------------------------------------------


@OFFSCREEN_NOISE
def test_anniversaries_of_2019_list_kfar_saba_and_a_double_click_opens_it(
    qtbot: Any, quiet: QApplication, demo_db: Database
) -> None:
    import datetime as dt

    default = AnniversariesWindow(demo_db)
    qtbot.addWidget(default)
    assert default.year.value() == dt.date.today().year + 1  # next year, unless chosen

    window = AnniversariesWindow(demo_db, year=2019)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.shown_year == 2019, timeout=30_000)
    rows = window.table.shown_rows()
    assert ["Kfar Saba", "Israel", "sister city", "2009", "10"] in rows
    assert window.count_label.text().startswith("15 partnerships")
    # Sorted by years, longest first; a click on the header sorts by value.
    years = [int(row[YEARS]) for row in rows]
    assert years == sorted(years, reverse=True)
    click_header(qtbot, window.table, YEARS)
    years = [int(row[YEARS]) for row in window.table.shown_rows()]
    assert years == sorted(years)
    assert window.legend.isVisible()  # the demo's sample partners are there

    row = [r[0] for r in window.table.shown_rows()].index("Kfar Saba")
    index = window.table.proxy.index(row, 0)
    view = window.table.view
    view.scrollTo(index)
    opened: list[int] = []
    window.open_partnership.connect(opened.append)
    # A double click as a mouse makes it: a click, then the second press.
    where = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert opened == []  # one click only chooses
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert opened == [kfar_saba_id(demo_db)]
    # Enter on the chosen row does the same.
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert opened == [kfar_saba_id(demo_db)] * 2

    # Another year reads again.
    window.year.setValue(2024)
    qtbot.waitUntil(lambda: window.shown_year == 2024, timeout=30_000)
    assert ["Kfar Saba", "Israel", "sister city", "2009", "15"] in window.table.shown_rows()


@OFFSCREEN_NOISE
def test_anniversaries_export(
    qtbot: Any, quiet: QApplication, demo_db: Database, tmp_path: Path
) -> None:
    window = AnniversariesWindow(demo_db, year=2019)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.shown_year == 2019, timeout=30_000)
    operation = window.export(tmp_path / "2019.xlsx")
    assert operation is not None
    qtbot.waitUntil(lambda: operation.done, timeout=30_000)
    book = openpyxl.load_workbook(tmp_path / "2019.xlsx", read_only=True)
    try:
        rows = list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()
    assert rows[0][:5] == ("Partner city", "Country", "Tier", "Since", "Years")
    assert ("Kfar Saba", "Israel", "sister city", 2009, 10) in [row[:5] for row in rows]


# --- the main window's menus -----------------------------------------------------------------


@pytest.fixture
def main_window(qtbot: Any, quiet: QApplication, demo_db: Database) -> Iterator[MainWindow]:
    window = MainWindow(demo_db, remember=False)
    qtbot.addWidget(window)
    yield window
    settled(qtbot)


def texts(menu: Any) -> list[str]:
    return [action.text() for action in menu.actions()]


@OFFSCREEN_NOISE
def test_the_demo_is_a_new_database_in_the_file_menu_not_a_record_entry(
    main_window: MainWindow,
) -> None:
    file_menu = texts(main_window.menu_file)
    assert "New database from &demo…" in file_menu
    # After Connect… and Recent connections, before the rest.
    assert file_menu.index("New database from &demo…") == 2
    assert main_window.act_demo not in main_window.menu_records.actions()
    assert not any("demo" in text.lower() for text in texts(main_window.menu_records))
    assert texts(main_window.menu_help)[:2] == ["&User guide", "&Report a problem…"]


@OFFSCREEN_NOISE
def test_statistics_and_anniversaries_open_one_window_each(
    qtbot: Any, main_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    main_window.act_statistics.trigger()
    main_window.act_statistics.trigger()
    assert len(main_window.findChildren(StatisticsWindow)) == 1
    main_window.act_anniversaries.trigger()
    found = main_window.findChildren(AnniversariesWindow)
    assert len(found) == 1
    shown: list[tuple[str, int]] = []
    monkeypatch.setattr(
        main_window, "go_to", lambda kind, record_id: shown.append((kind, record_id))
    )
    found[0].open_partnership.emit(7)
    assert shown == [("partnerships", 7)]
    settled(qtbot)
    for window in (*main_window.findChildren(StatisticsWindow), *found):
        window.close()


@OFFSCREEN_NOISE
def test_a_new_database_from_the_demo_replaces_the_window(
    qtbot: Any, quiet: QApplication, sqlite_db: Database, tmp_path: Path
) -> None:
    from exchange_desk.ui import app
    from exchange_desk.ui.demo_database import new_database_from_demo

    window = MainWindow(sqlite_db, remember=False)
    window.show()
    target = tmp_path / "Documents" / "demo.sqlite"
    new: Any = None
    try:
        operation = new_database_from_demo(window, target)
        assert operation is not None
        qtbot.waitUntil(lambda: operation.done, timeout=60_000)
        settled(qtbot)
        new = app._windows[0]
        assert new is not window
        assert new.database.path == target
        assert not is_empty(new.database)
        assert "demo.sqlite" in new.statusBar().currentMessage()
        assert is_empty(sqlite_db)  # the office's database is left alone
        assert not shiboken6.isValid(window) or not window.isVisible()
    finally:
        for shown in (window, new):
            if shown is not None and shiboken6.isValid(shown):
                shown.close()
        if new is not None:
            new.database.dispose()
        app._windows.clear()


@OFFSCREEN_NOISE
def test_the_open_database_is_not_chosen_for_the_demo(
    main_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from exchange_desk.ui.demo_database import new_database_from_demo

    warnings: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _parent, _title, text, *args: warnings.append(text)
    )
    path = main_window.database.path
    assert path is not None
    assert new_database_from_demo(main_window, path) is None
    assert len(warnings) == 1
    assert "is the database open now" in warnings[0]


# --- the guide -------------------------------------------------------------------------------


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.links: list[str] = []
        self.anchors: set[str] = set()
        self.root: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.root = values
        if tag == "img" and values.get("src"):
            self.images.append(str(values["src"]))
        if tag == "a" and (values.get("href") or "").startswith("#"):
            self.links.append(str(values["href"])[1:])
        for name in ("name", "id"):
            if values.get(name):
                self.anchors.add(str(values[name]))


def parsed(code: str) -> _Images:
    parser = _Images()
    parser.feed(guide_path(code).read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("code", GUIDE_LANGUAGES)
def test_every_picture_and_link_of_the_guide_is_there(code: str) -> None:
    page = parsed(code)
    assert len(page.images) >= 8
    for source in page.images:
        assert not source.startswith(("/", "http")), source  # relative: bundled with it
        assert (guide_path(code).parent / source).resolve().is_file(), source
        assert (guide_path(code).parent / source).resolve().is_relative_to(GUIDE), source
    assert page.links
    assert set(page.links) <= page.anchors
    # The sections every guide has, by the same anchors.
    assert {
        "window",
        "home",
        "search",
        "editing",
        "certificates",
        "reports",
        "gifts",
        "people",
        "excel",
        "profile",
        "shared",
        "backups",
    } <= page.anchors
    assert page.root.get("dir") == ("rtl" if code == "he" else "ltr")


@OFFSCREEN_NOISE
@pytest.mark.parametrize("code", GUIDE_LANGUAGES)
def test_the_guide_opens_in_the_windows_language(
    qtbot: Any, quiet: QApplication, code: str
) -> None:
    set_language(code)
    window = GuideWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.title() == TITLES[code]
    assert window.browser.source().toLocalFile() == str(guide_path(code))
    document = window.browser.document()
    assert TITLES[code] in document.toPlainText()
    # Its pictures are found where the page says, in the source tree as in the bundle.
    for source in parsed(code).images:
        image = window.browser.loadResource(
            QTextDocument.ResourceType.ImageResource.value, QUrl(source)
        )
        assert image, source  # the file's bytes, read relative to the page
    block = document.begin()
    directions = set()
    while block.isValid():
        if block.text().strip():
            directions.add(block.textDirection())
        block = block.next()
    expected = Qt.LayoutDirection.RightToLeft if code == "he" else Qt.LayoutDirection.LeftToRight
    if code == "he":
        assert directions == {expected}  # every paragraph, a Latin-led one too
    else:
        assert expected in directions


@OFFSCREEN_NOISE
def test_the_guide_follows_a_language_switch(qtbot: Any, quiet: QApplication) -> None:
    from exchange_desk.ui.language import apply_language

    window = GuideWindow()
    qtbot.addWidget(window)
    assert window.title() == TITLES["en"]
    apply_language("zh_CN")
    QApplication.processEvents()
    assert window.title() == TITLES["zh_CN"]


@OFFSCREEN_NOISE
def test_help_user_guide_opens_one_window(main_window: MainWindow) -> None:
    main_window.act_user_guide.trigger()
    main_window.act_user_guide.trigger()
    guides = main_window.findChildren(GuideWindow)
    assert len(guides) == 1
    assert guides[0].isVisible()
    assert guides[0].title() == TITLES["en"]
    guides[0].close()


# --- report a problem ------------------------------------------------------------------------


@OFFSCREEN_NOISE
def test_report_a_problem_puts_the_versions_and_the_log_on_the_clipboard(
    qtbot: Any, main_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: QMessageBox.StandardButton.Ok)
    # A refusal the window showed is the last error.
    main_window._report(Conflict("The end date is before the start."))
    main_window.act_report_problem.trigger()
    text = QGuiApplication.clipboard().text()
    assert f"Exchange Desk {__version__}" in text
    for line in ("Python: ", "PySide6: ", "Qt: ", "System: "):
        assert line in text
    assert "Database: SQLite file" in text
    log_file = log_path()
    assert log_file is not None
    assert f"Log file: {log_file}" in text
    assert re.search(r"Last error: \S+ The end date is before the start\.", text)
    boxes = [box for box in main_window.findChildren(QMessageBox) if box.isVisible()]
    assert len(boxes) == 1
    assert "clipboard" in boxes[0].text()
    assert log_file.name in boxes[0].text()
    boxes[0].close()
