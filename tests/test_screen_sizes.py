"""The window on real screens (issue 19): its first size comes from the screen's available
area, its minimum fits 1366×768 at 125 % and 150 %, saved geometry is restored only where
it still fits; at the minimum the status bar, the detail pane and the filters are on
screen; columns are as wide as their content in the language shown; the Hebrew detail
pane keeps its values at the right edge; tabs ordered by name follow the language's order.

The in-process tests run on the offscreen platform's one 800×800 screen, which cannot be
changed once the application exists: the sizing is tested as pure functions of an
available area, and once for real in a program started on a configured offscreen screen
(`QT_QPA_PLATFORM=offscreen:configfile=…`, with QT_SCALE_FACTOR for 125 % and 150 %).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from functools import cmp_to_key
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QByteArray, QPoint, QRect, QSettings, QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QWidget

from exchange_desk.i18n.catalog import active_language
from exchange_desk.services.database import Database
from exchange_desk.ui import language as language_module
from exchange_desk.ui.app import make_application
from exchange_desk.ui.bidi import as_typed
from exchange_desk.ui.collation import collator_for
from exchange_desk.ui.main_window import (
    FRAME_ALLOWANCE,
    MINIMUM_SIZE,
    TABS,
    MainWindow,
    first_size,
    fits,
    minimum_size,
    saved_geometry,
)
from exchange_desk.ui.record_tab import DETAIL_LEAST, WIDE, RecordTab

OFFSCREEN_NOISE = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")
LANGUAGES = ("en", "zh_CN", "he")


def available_area(scale: float, taskbar: int, screen: QSize = QSize(1366, 768)) -> QSize:  # noqa: B008
    """A screen's area above the taskbar in Qt's logical pixels, at a Windows scaling;
    `taskbar` in logical pixels (40 on Windows 10, 48 on Windows 11)."""
    return QSize(round(screen.width() / scale), round(screen.height() / scale) - taskbar)


# --- sizes as functions of the screen --------------------------------------------------------


@pytest.mark.parametrize("scale", [1.25, 1.5])
@pytest.mark.parametrize("taskbar", [40, 48])
def test_the_minimum_fits_1366x768_at_125_and_150_percent(scale: float, taskbar: int) -> None:
    available = available_area(scale, taskbar)
    # 1093×574 / 1093×566 at 125 %, 911×472 / 911×464 at 150 %.
    assert available.width() == {1.25: 1093, 1.5: 911}[scale]
    assert minimum_size(available) == MINIMUM_SIZE  # not made smaller: it fits as it is
    framed = MINIMUM_SIZE + FRAME_ALLOWANCE
    assert framed.width() <= available.width()
    assert framed.height() <= available.height()


@pytest.mark.parametrize(
    "available",
    [
        QSize(1366, 728),  # 100 %, above Windows 10's taskbar
        available_area(1.25, 40),
        available_area(1.25, 48),
        available_area(1.5, 40),
        available_area(1.5, 48),
        QSize(1920, 1040),
        QSize(2560, 1400),
        QSize(800, 560),  # smaller than the minimum: the window still fits the screen
    ],
)
def test_the_first_size_fits_the_screen(available: QSize) -> None:
    size = first_size(available)
    framed = size + FRAME_ALLOWANCE
    assert framed.width() <= available.width()
    assert framed.height() <= available.height()
    least = minimum_size(available)
    assert size.width() >= least.width()
    assert size.height() >= least.height()
    assert size.width() <= 1600
    assert size.height() <= 1000
    if available.width() >= 1900:
        # A large screen is not filled: nine tenths of it, 1600 wide at most.
        assert size.width() < available.width() - FRAME_ALLOWANCE.width()


def test_saved_geometry_counts_only_where_it_fits() -> None:
    screen = QRect(0, 0, 1093, 574)
    assert fits(QRect(10, 10, 900, 500), screen)
    # A maximized window's frame sticks out by Windows' invisible borders.
    assert fits(QRect(-8, -8, 1093 + 16, 574 + 16), screen)
    # Saved on a larger monitor: too large, or beyond this screen's edge.
    assert not fits(QRect(0, 0, 1280 + 16, 800 + 40), screen)
    assert not fits(QRect(300, 100, 900, 500), screen)
    assert not fits(QRect(2000, 0, 900, 500), screen)
    assert not fits(QRect(), screen)


def test_saved_geometry_is_read_from_qt_data(qapp: QApplication) -> None:
    widget = QWidget()
    widget.setGeometry(40, 50, 600, 400)
    read = saved_geometry(widget.saveGeometry())
    assert read is not None
    frame, normal = read
    assert normal.size() == QSize(600, 400)
    assert frame.contains(normal.topLeft())
    assert saved_geometry(QByteArray(b"not a geometry")) is None
    assert saved_geometry(QByteArray()) is None


# --- on a configured screen, in a program of its own -----------------------------------------

_PROGRAM = r"""
import json, sys
from PySide6.QtCore import QByteArray, QDataStream, QIODevice, QPoint, QRect, QSettings
from exchange_desk.ui.app import make_application
from exchange_desk.ui.main_window import MainWindow
from exchange_desk.services.database import open_office_database

app = make_application("en")
database = open_office_database(sys.argv[1])
settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)

def seen(window, resize=None):
    window.show()
    app.processEvents()
    bar = window.statusBar()
    corner = bar.mapTo(window, QPoint(0, 0))
    found = {
        "geometry": window.geometry().getRect(),
        "frame": window.frameGeometry().getRect(),
        "minimum": [window.minimumWidth(), window.minimumHeight()],
        "status": [corner.x(), corner.y(), bar.width(), bar.height(), bar.isVisible()],
    }
    if resize:
        window.resize(*resize)
        app.processEvents()
    window.close()  # saves its geometry
    window.deleteLater()
    app.processEvents()
    return found

out = {"available": app.primaryScreen().availableGeometry().getRect()}
out["first"] = seen(MainWindow(database, settings), resize=(900, 430))
out["again"] = seen(MainWindow(database, settings))
# A geometry saved on a larger monitor (as Qt writes it): not restored here.
data = QByteArray()
stream = QDataStream(data, QIODevice.OpenModeFlag.WriteOnly)
stream.writeUInt32(0x1D9D0CB)
stream.writeUInt16(3)
stream.writeUInt16(0)
for rect in (QRect(100, 100, 1600, 1000), QRect(108, 131, 1584, 961)):
    stream << rect
stream.writeInt32(0)
stream.writeUInt8(0)
stream.writeUInt8(0)
stream.writeInt32(1920)
stream << QRect(108, 131, 1584, 961)
settings.setValue("main_window/geometry", data)
out["larger"] = seen(MainWindow(database, settings, remember=True))
print(json.dumps(out))
"""


@pytest.mark.parametrize(
    ("scale", "physical_height"),
    [
        ("1", 728),  # 100 %: 1366×768 less a taskbar of 40
        ("1.25", 708),  # 125 %: 1093×566 logical, above Windows 11's taskbar (48)
        ("1.5", 696),  # 150 %: 911×464 logical, the same
    ],
)
def test_a_first_start_on_1366x768(
    demo_file: Path, tmp_path: Path, scale: str, physical_height: int
) -> None:
    """On the offscreen platform the screen's available area is its whole area: a screen
    as tall as 1366×768 less the taskbar stands for the area above it."""
    config = tmp_path / "screen.json"
    screen = {"name": "S", "x": 0, "y": 0, "width": 1366, "height": physical_height}
    config.write_text(json.dumps({"screens": [{**screen, "logicalDpi": 96, "dpr": 1}]}))
    environment = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "QT_SCALE_FACTOR": scale,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    database = tmp_path / "demo.sqlite"
    database.write_bytes(demo_file.read_bytes())
    done = subprocess.run(
        [sys.executable, "-c", _PROGRAM, str(database), str(tmp_path / "settings.ini")],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    x, y, width, height = found["available"]
    available = QRect(x, y, width, height)
    assert available.width() == round(1366 / float(scale))
    first = found["first"]
    expected = first_size(available.size())
    assert first["geometry"][2:] == [expected.width(), expected.height()]
    assert available.contains(QRect(*first["frame"]))
    # The status bar is inside the window, on screen.
    left, top, bar_width, bar_height, visible = first["status"]
    assert visible
    assert left >= 0
    assert bar_width <= first["geometry"][2]
    assert top + bar_height <= first["geometry"][3]
    assert QRect(*first["geometry"]).top() + top + bar_height <= available.bottom() + 1
    assert first["minimum"] == [
        minimum_size(available.size()).width(),
        minimum_size(available.size()).height(),
    ]
    # Saved (made 900×430 first) and fitting the screen: restored so. (The offscreen
    # platform's frame is thinner than the title bar Qt assumes: it may come down a little.)
    again = found["again"]
    assert again["geometry"][2:] == [900, 430]
    assert available.contains(QRect(*again["frame"]))
    # Saved on a larger screen: sized from this one instead.
    assert found["larger"]["geometry"] == first["geometry"]


# --- the window at its minimum ---------------------------------------------------------------


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def english(qapp: QApplication) -> Iterator[QApplication]:
    """The test starts and ends in English, left to right, whatever it switched to."""
    make_application("en")
    yield qapp
    language_module.apply_language("en")
    qapp.processEvents()


def _loaded(qtbot: Any, window: MainWindow, key: str) -> RecordTab:
    window.show_tab(key)
    tab = window.tab(key)
    qtbot.waitUntil(lambda: tab.complete and not tab._loading, timeout=30_000)
    return tab


def _inside(widget: QWidget, window: QWidget) -> bool:
    """Whether the widget is shown, with all of it within the window's contents."""
    corner = widget.mapTo(window, QPoint(0, 0))
    return widget.isVisible() and window.rect().contains(QRect(corner, widget.size()))


@OFFSCREEN_NOISE
@pytest.mark.parametrize("code", LANGUAGES)
def test_at_the_minimum_size_nothing_essential_is_cut_off(
    qtbot: Any, demo_db: Database, settings: QSettings, english: QApplication, code: str
) -> None:
    language_module.apply_language(code)
    window = MainWindow(demo_db, settings, remember=False)
    qtbot.addWidget(window)
    window.resize(MINIMUM_SIZE)
    window.show()
    qtbot.waitExposed(window)
    assert window.size() == MINIMUM_SIZE
    # The layout asks no more width than the minimum has (the start screen's map and
    # lists a few pixels more height in Chinese: they shrink by that much).
    assert window.minimumSizeHint().width() <= MINIMUM_SIZE.width()
    assert _inside(window.statusBar(), window)
    for key, _title, _name in TABS:
        tab = _loaded(qtbot, window, key)
        tab.select_row(0)
        QApplication.processEvents()
        assert _inside(window.statusBar(), window), key
        assert _inside(tab.detail, window), key
        assert tab.detail.width() >= DETAIL_LEAST, key
        assert not tab.detail.horizontalScrollBar().isVisible(), key
        assert _inside(tab.search_box, window), key
        assert tab.search_box.width() >= tab.search_box.minimumWidth(), key
        for facet, combo in tab.filters.items():
            assert _inside(combo, window), (key, facet)
            assert combo.width() >= combo.minimumWidth(), (key, facet)
        # Dates, numbers and kinds are never cut (a header may be shortened).
        header = tab.view.horizontalHeader()
        metrics = tab.view.fontMetrics()
        for column, spec in enumerate(tab.model.table.columns):
            if spec.shows in WIDE:
                continue
            texts = tab.model.cell_texts(column, range(len(tab.model.table)))
            widest = max((metrics.horizontalAdvance(text) for text in texts), default=0)
            assert widest <= header.sectionSize(column), (key, spec.key)
    window.show_tab("home")
    QApplication.processEvents()
    assert _inside(window.statusBar(), window)
    assert window.home.health_view.isVisible()


# --- column widths in the language shown ------------------------------------------------------


def _clipped(tab: RecordTab) -> list[tuple[str, str]]:
    """The cells of columns other than names and texts whose text is wider than the column."""
    header = tab.view.horizontalHeader()
    metrics = QFontMetrics(tab.view.font())
    found = []
    for column, spec in enumerate(tab.model.table.columns):
        if spec.shows in WIDE:
            continue
        for text in tab.model.cell_texts(column, range(len(tab.model.table))):
            if metrics.horizontalAdvance(text) > header.sectionSize(column):
                found.append((spec.key, as_typed(text)))
    return found


@OFFSCREEN_NOISE
def test_columns_fit_their_texts_after_a_language_switch(
    qtbot: Any, demo_db: Database, settings: QSettings, english: QApplication
) -> None:
    window = MainWindow(demo_db, settings, remember=False)
    qtbot.addWidget(window)
    window.resize(1280, 760)
    window.show()
    keys = ("partner_cities", "delegations", "awards", "gifts")
    tabs = [_loaded(qtbot, window, key) for key in keys]
    header = tabs[0].view.horizontalHeader()
    anniversary = tabs[0].model.table.column_index("next_anniversary")
    # The last column, a year, is not stretched over the table.
    assert header.sectionSize(anniversary) < 200
    # Dates in Chinese and Hebrew ("2018年11月", "20 בנוב׳ 2018") are whole.
    for code in ("zh_CN", "he", "en"):
        window.language_actions[code].trigger()
        QApplication.processEvents()
        assert active_language() == code
        for tab in tabs:
            assert _clipped(tab) == [], (code, tab.tab)
            # The spare room goes to the names and texts: no column beyond the table.
            # (once the table has its width again: a hidden tab gets it when shown)
            if tab is not window.current_tab():
                continue  # a hidden tab is fitted when it is shown
            header, viewport = tab.view.horizontalHeader(), tab.view.viewport()
            qtbot.waitUntil(
                lambda header=header, viewport=viewport: header.length() <= viewport.width()
            )
    assert not any(tab.widths_by_hand for tab in tabs)


@OFFSCREEN_NOISE
def test_widths_dragged_by_hand_stay_but_dates_still_fit(
    qtbot: Any, demo_db: Database, settings: QSettings, english: QApplication
) -> None:
    window = MainWindow(demo_db, settings, remember=False)
    qtbot.addWidget(window)
    window.resize(1280, 760)
    window.show()
    tab = _loaded(qtbot, window, "delegations")
    header = tab.view.horizontalHeader()
    city = tab.model.table.column_index("city")
    start = tab.model.table.column_index("start_date")
    header.resizeSection(city, 222)  # as a drag of the column's edge does
    header.resizeSection(start, 40)
    assert tab.widths_by_hand
    window.language_actions["zh_CN"].trigger()
    QApplication.processEvents()
    assert header.sectionSize(city) == 222  # the user's width
    assert _clipped(tab) == []  # but the dates are whole in Chinese
    # Kept for the next start, with the widths.
    window.save_settings()
    again = MainWindow(demo_db, settings)
    qtbot.addWidget(again)
    restored = again.tab("delegations")
    assert restored.widths_by_hand
    assert restored.view.horizontalHeader().sectionSize(city) == 222


# --- the detail pane -----------------------------------------------------------------------


@OFFSCREEN_NOISE
def test_hebrew_detail_values_stand_at_the_right_edge(
    qtbot: Any, demo_db: Database, settings: QSettings, english: QApplication
) -> None:
    language_module.apply_language("he")
    window = MainWindow(demo_db, settings, remember=False)
    qtbot.addWidget(window)
    window.resize(1280, 760)
    window.show()
    long_values = []
    for key in ("delegations", "awards"):
        tab = _loaded(qtbot, window, key)
        tab.select_row(0)
        QApplication.processEvents()
        pane = tab.detail
        assert pane.isRightToLeft()
        pairs = pane._fact_labels
        assert pairs, key
        for name, value in pairs:
            alignment = value.alignment()
            assert alignment & Qt.AlignmentFlag.AlignRight, (key, value.text())
            assert alignment & Qt.AlignmentFlag.AlignAbsolute, (key, value.text())
            assert name.isRightToLeft()
        long_values += [value for _name, value in pairs if len(value.text()) > 40]
    # The long texts too (an award's citation in English, Chinese and Hebrew), whichever
    # language they are in: at the right edge, wrapped over the pane's width.
    assert len(long_values) >= 2
    for value in long_values:
        assert value.alignment() & Qt.AlignmentFlag.AlignRight, value.text()
        assert value.wordWrap()


@OFFSCREEN_NOISE
def test_labels_stand_above_values_in_a_narrow_pane(
    qtbot: Any, demo_db: Database, settings: QSettings, english: QApplication
) -> None:
    window = MainWindow(demo_db, settings, remember=False)
    qtbot.addWidget(window)
    window.resize(1280, 760)
    window.show()
    tab = _loaded(qtbot, window, "delegations")
    tab.select_row(0)
    QApplication.processEvents()  # the pane placed at its share
    splitter = tab.splitter
    for width, stacked in ((DETAIL_LEAST, True), (560, False)):
        # As the user drags the pane's edge (left to right: its handle's left edge).
        splitter.moveSplitter(splitter.width() - splitter.handleWidth() - width, 1)
        QApplication.processEvents()
        assert splitter.sizes()[1] == width
        assert tab.detail_share == pytest.approx(width / sum(splitter.sizes()))
        pane = tab.detail
        for name, value in pane._fact_labels:
            if stacked:
                assert name.geometry().bottom() < value.geometry().top(), name.text()
            else:
                assert name.geometry().top() == value.geometry().top(), name.text()
        assert not pane.horizontalScrollBar().isVisible()
        body = pane.widget()
        assert body is not None
        assert body.width() <= pane.viewport().width()
        # A long value (the purpose) wraps over the lines of the pane, not a word a line.
        longest = max((value for _name, value in pane._fact_labels), key=lambda v: len(v.text()))
        assert longest.width() >= pane.viewport().width() // 2


def test_the_detail_pane_takes_a_share_of_the_window(
    qtbot: Any, demo_db: Database, settings: QSettings, english: QApplication
) -> None:
    window = MainWindow(demo_db, settings, remember=False)
    qtbot.addWidget(window)
    window.show()
    tab = _loaded(qtbot, window, "organizations")
    for width in (900, 1280, 1600):
        window.resize(width, 700)
        QApplication.processEvents()
        table, detail = tab.splitter.sizes()
        share = detail / (table + detail)
        assert 0.28 <= share <= 0.36 or detail in (260, 560), (width, table, detail)
        assert detail >= DETAIL_LEAST


# --- the default order follows the language ----------------------------------------------------


def _names(tab: RecordTab) -> list[str]:
    model = tab.model
    return [as_typed(model.data(model.index(row, 0))) for row in range(model.rowCount())]


def _collated(texts: list[str], code: str) -> list[str]:
    return sorted(texts, key=cmp_to_key(collator_for(code).compare))


@OFFSCREEN_NOISE
@pytest.mark.parametrize("key", ["organizations", "people"])
def test_tabs_ordered_by_name_follow_the_language(
    qtbot: Any, demo_db: Database, settings: QSettings, english: QApplication, key: str
) -> None:
    language_module.apply_language("zh_CN")
    window = MainWindow(demo_db, settings, remember=False)
    qtbot.addWidget(window)
    tab = _loaded(qtbot, window, key)
    names = _names(tab)
    assert len(names) > 5
    assert names == _collated(names, "zh_CN")
    for code in ("he", "en", "zh_CN"):
        window.language_actions[code].trigger()
        QApplication.processEvents()
        names = _names(tab)
        assert names == _collated(names, code), code
    # A column chosen, then none again (the header's indicator cleared): the default order.
    tab.view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert _names(tab) != _collated(_names(tab), "zh_CN")
    tab.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    assert _names(tab) == _collated(_names(tab), "zh_CN")


@OFFSCREEN_NOISE
def test_hebrew_organizations_follow_the_alef_bet(
    qtbot: Any, demo_db: Database, settings: QSettings, english: QApplication
) -> None:
    language_module.apply_language("he")
    window = MainWindow(demo_db, settings, remember=False)
    qtbot.addWidget(window)
    names = _names(_loaded(qtbot, window, "organizations"))
    assert names == _collated(names, "he")
    # Not the English order it had before: the first is an alef, the last not.
    assert names[0].startswith("א")
