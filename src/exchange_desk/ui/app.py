"""Starting the GUI: the application object, language and direction, the main window.

The full main window comes with its own issue; this one shows each kind of record read
through the services, so the program opens on real data from the first day.
"""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QMessageBox,
    QTableView,
    QTabWidget,
)

from exchange_desk import __version__
from exchange_desk.domain.errors import ExchangeDeskError
from exchange_desk.i18n.catalog import N_, _, active_language, set_language
from exchange_desk.i18n.languages import find_language
from exchange_desk.i18n.system import system_language
from exchange_desk.services.database import Database, open_office_database
from exchange_desk.services.records import Listed, ListQuery, list_records

_TABS: tuple[tuple[str, str], ...] = (
    ("cities", N_("Partner cities")),
    ("delegations", N_("Delegations")),
    ("events", N_("Cultural events")),
    ("awards", N_("Awards")),
    ("agreements", N_("Agreements")),
    ("organizations", N_("Organizations")),
    ("conferences", N_("Conferences")),
)
_FIRST_PAGE = 2_000

_Index = QModelIndex | QPersistentModelIndex


def _names(record: Any, prefix: str) -> str:
    from exchange_desk.services.records import Names

    return Names(
        getattr(record, f"{prefix}_en"),
        getattr(record, f"{prefix}_zh"),
        getattr(record, f"{prefix}_he"),
    ).best()


def _value(listed: Listed[Any], column: str) -> str:
    record = listed.record
    if column in ("name", "title"):
        return _names(record, column)
    if column in listed.labels:
        return listed.labels[column].best()
    value = getattr(record, column, None)
    if value is None:
        return ""
    if column == "is_sample":
        return _("sample") if value else ""
    return str(value.label) if hasattr(value, "label") else str(value)


_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "cities": (
        ("name", N_("Name")),
        ("country", N_("Country")),
        ("region", N_("Region")),
        ("is_sample", N_("Sample")),
    ),
    "delegations": (
        ("start_date", N_("Start")),
        ("direction", N_("Direction")),
        ("city_id", N_("Partner city")),
        ("members", N_("Members")),
        ("purpose", N_("Purpose")),
        ("is_sample", N_("Sample")),
    ),
    "events": (
        ("start_date", N_("Start")),
        ("name", N_("Name")),
        ("kind", N_("Kind")),
        ("city_id", N_("Where")),
        ("is_sample", N_("Sample")),
    ),
    "awards": (
        ("awarded_on", N_("Date")),
        ("title", N_("Title")),
        ("conference_id", N_("Conference")),
        ("is_sample", N_("Sample")),
    ),
    "agreements": (
        ("signed_on", N_("Signed")),
        ("title", N_("Title")),
        ("area", N_("Area")),
        ("is_sample", N_("Sample")),
    ),
    "organizations": (
        ("name", N_("Name")),
        ("kind", N_("Kind")),
        ("city_id", N_("City")),
        ("is_sample", N_("Sample")),
    ),
    "conferences": (
        ("start_date", N_("Start")),
        ("name", N_("Name")),
        ("host_city_id", N_("Host city")),
        ("is_sample", N_("Sample")),
    ),
}


class RecordTableModel(QAbstractTableModel):
    """The records of one kind as rows; the texts are computed once when loaded."""

    def __init__(self, kind: str, rows: list[Listed[Any]]) -> None:
        super().__init__()
        self._columns = _COLUMNS[kind]
        self._cells = [[_value(row, column) for column, _title in self._columns] for row in rows]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._cells)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        return self._cells[index.row()][index.column()]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return _(self._columns[section][1])
        return str(section + 1)


class MainWindow(QMainWindow):
    def __init__(self, database: Database) -> None:
        super().__init__()
        self.database = database
        self.setWindowTitle(_("Exchange Desk") + f" {__version__}")
        self.tabs = QTabWidget()
        self.setCentralWidget(self.tabs)
        totals = []
        for kind, title in _TABS:
            page = list_records(database, kind, ListQuery(limit=_FIRST_PAGE))
            view = QTableView()
            view.setModel(RecordTableModel(kind, page.rows))
            view.setAlternatingRowColors(True)
            view.verticalHeader().setVisible(False)
            view.horizontalHeader().setStretchLastSection(True)
            view.resizeColumnsToContents()
            self.tabs.addTab(view, f"{_(title)} ({page.total})")
            totals.append(page.total)
        self.statusBar().showMessage(_("Database: {where}").format(where=database.describe()))
        self.resize(1200, 760)


def run_gui(database_location: str | None = None, language: str | None = None) -> int:
    """Open the main window on the chosen database; returns the application's exit code."""
    code = language or system_language()
    chosen = find_language(code) or find_language("en")
    assert chosen is not None
    set_language(chosen.code)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Exchange Desk")
    app.setOrganizationName("ExchangeDesk")
    if chosen.is_rtl:
        # Before any window exists, so every widget is laid out right to left.
        app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    try:
        database = open_office_database(database_location)
        window = MainWindow(database)
    except ExchangeDeskError as exc:
        QMessageBox.critical(None, _("Exchange Desk"), exc.user_message())
        return 3
    window.show()
    assert active_language() == chosen.code
    return app.exec()
