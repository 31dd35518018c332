"""The Home tab: first in the window, what is due as of a day, each item's action, the
partnerships' health and the map, read in the background and read again after a change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt, QThreadPool
from PySide6.QtWidgets import QApplication

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import Direction, DueKind
from exchange_desk.domain.records import Delegation
from exchange_desk.i18n.catalog import set_language
from exchange_desk.services.due import DueAction
from exchange_desk.storage.database import Database
from exchange_desk.ui.home_tab import HomeTab
from exchange_desk.ui.main_window import HOME, MainWindow
from exchange_desk.ui.operations import CollectionOp

# The offscreen platform plugin says these when a menu pops up or a window shows: not ours.
pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"This plugin does not support (raise|grabbing|propagateSizeHints)"),
]
ON = dt.date(2018, 12, 1)


@pytest.fixture(autouse=True)
def _no_work_left_behind(qapp: QApplication) -> Iterator[None]:
    yield
    assert QThreadPool.globalInstance().waitForDone(30_000)
    qapp.processEvents()
    qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    set_language("en")


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def _home(qtbot: Any, database: Database) -> HomeTab:
    home = HomeTab(database)
    qtbot.addWidget(home)
    home.resize(1200, 700)
    with qtbot.waitSignal(home.loaded, timeout=30_000):
        home.set_on(ON)
    return home


def test_the_window_opens_on_home_first(qtbot: Any, demo_db: Database, settings: Any) -> None:
    window = MainWindow(demo_db, settings)
    qtbot.addWidget(window)
    assert window.tabs.tabText(0) == "Home"
    assert window.current_key() == HOME
    assert window.tabs.currentWidget() is window.home
    # No record to edit or list to export on the start screen.
    assert not window.act_new.isEnabled()
    assert not window.act_delete.isEnabled()
    window.show_tab("delegations")
    assert window.current_key() == "delegations"
    assert window.act_new.isEnabled()
    window.act_home.trigger()
    assert window.current_key() == HOME
    # The tab shown last is the one the next window opens on.
    window.show_tab("awards")
    window.save_settings()
    again = MainWindow(demo_db, settings)
    qtbot.addWidget(again)
    assert again.current_key() == "awards"


def test_the_demos_anniversary_is_due_with_its_kit(qtbot: Any, demo_db: Database) -> None:
    home = _home(qtbot, demo_db)
    items = home.due_model.items
    [row] = [i for i, item in enumerate(items) if item.city.en == "Kfar Saba"]
    item = items[row]
    assert item.kind is DueKind.ANNIVERSARY
    assert home.due_model.index(row, 2).data() == (
        "10th anniversary of the partnership with Kfar Saba"
    )
    assert home.due_model.index(row, 1).data() == "in 31 days"
    assert home.due_model.index(row, 4).data() == "Anniversary kit… ▾"
    # The button in the row: a click opens the menu of its actions, the kit first.
    home.due_view.scrollTo(home.due_model.index(row, 4))
    cell = home.due_view.visualRect(home.due_model.index(row, 4))
    qtbot.mouseClick(home.due_view.viewport(), Qt.MouseButton.LeftButton, pos=cell.center())
    assert home.menu is not None
    actions = home.menu.actions()
    assert [a.text() for a in actions] == [
        "Anniversary kit…",
        "Letter of congratulation…",
        "Partner city dossier…",
        "Open",
    ]
    assert actions[0].font().bold()
    with qtbot.waitSignal(home.action_requested) as asked:
        actions[0].trigger()
    assert asked.args == [DueAction.KIT, item]
    with qtbot.waitSignal(home.open_record) as opened:
        actions[3].trigger()
    assert opened.args == ["partnerships", item.record_id]
    home.menu.close()
    assert home.due_count.text().endswith(" items")
    assert home.as_of.text() == "2018-12-01"
    home.set_on(None)
    assert home.as_of_day() == dt.date.today()  # the field shows today unless a day is chosen
    home.as_of.setText("2018-13-01")  # no such day: the field goes back to the day shown
    home.as_of.editingFinished.emit()
    assert home.as_of.text() == dt.date.today().isoformat()
    assert "2018-12-01" in home.as_of.toolTip()
    home.as_of.setText("2018-12-01")
    home.as_of.editingFinished.emit()
    assert home.on == ON


def test_health_lists_each_partnership_and_filters_those_to_notice(
    qtbot: Any, demo_db: Database
) -> None:
    home = _home(qtbot, demo_db)
    model = home.health_model
    names = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert "Kfar Saba" in names
    kfar_saba = names.index("Kfar Saba")
    assert model.index(kfar_saba, 6).data() is None  # nothing to notice
    assert model.index(kfar_saba, 3).data(Qt.ItemDataRole.UserRole) == (3, 2, 2, 2, 2)
    assert model.headerData(3, Qt.Orientation.Horizontal) == "2014–2018"
    home.only_noticed.setChecked(True)
    shown = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert "Kfar Saba" not in shown
    assert shown
    assert all(model.index(r, 6).data() for r in range(model.rowCount()))
    with qtbot.waitSignal(home.open_record) as opened:
        home.health_view.doubleClicked.emit(model.index(0, 0))
    assert opened.args[0] == "partnerships"
    assert home.map.points()  # the partners are on the map


def test_a_delegation_saved_elsewhere_appears_in_due_soon(qtbot: Any, demo_db: Database) -> None:
    home = _home(qtbot, demo_db)
    home.show()
    from exchange_desk.services.editing import save_record
    from exchange_desk.services.records import ListQuery, list_records

    [kfar_saba] = list_records(demo_db, "cities", ListQuery(search="Kfar Saba", filters={})).rows
    visit = Delegation(
        direction=Direction.INCOMING,
        city_id=kfar_saba.record.id,
        start_date=PartialDate(2018, 12, 12),
        purpose="Winter visit",
    )
    with qtbot.waitSignal(home.loaded, timeout=30_000):
        CollectionOp(home, lambda database: save_record(database, visit)).run_in_background()
    kinds = home.due_kinds()
    assert DueKind.DELEGATION in kinds
    [item] = [i for i in home.due_model.items if i.kind is DueKind.DELEGATION]
    assert (item.days, item.sentence()) == (11, "Delegation from Kfar Saba arrives")


def test_home_speaks_hebrew_right_to_left(qtbot: Any, demo_db: Database, qapp: Any) -> None:
    set_language("he")
    qapp.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    home = _home(qtbot, demo_db)
    assert home.due_title.text() != "Due soon"
    assert any("\u0590" <= letter <= "\u05ff" for letter in home.due_title.text())
    assert home.isRightToLeft()
    texts = [home.due_model.index(r, 2).data() for r in range(home.due_model.rowCount())]
    assert any("כפר סבא" in text for text in texts)
