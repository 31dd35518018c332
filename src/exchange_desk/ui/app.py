"""Starting the GUI: the application object, language and direction, the main window.

The full main window (editing, search, detail panes) comes with its own issue; this one
shows every kind of record read through the services, sortable, with sample records marked,
so the program opens on real data from the first day.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QApplication,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTableView,
    QTabWidget,
)

from exchange_desk import __version__
from exchange_desk.domain.countries import country_name
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.errors import ExchangeDeskError
from exchange_desk.i18n.catalog import N_, _, set_language
from exchange_desk.i18n.formatting import format_number, format_partial_date
from exchange_desk.i18n.languages import find_language
from exchange_desk.i18n.system import system_language
from exchange_desk.services.database import Database, open_office_database
from exchange_desk.services.records import Listed, ListQuery, Names, list_records

_Index = QModelIndex | QPersistentModelIndex
Row = tuple[Listed[Any], Any]  # a listed record, and for partner cities its city


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its translatable header, its cell text and the key it sorts by."""

    header: str
    text: Callable[[Row], str]
    sort_key: Callable[[Row], Any] | None = None
    stretch: bool = False


def _names(prefix: str) -> Callable[[Row], str]:
    def get(row: Row) -> str:
        record = row[0].record
        return Names(
            getattr(record, f"{prefix}_en"),
            getattr(record, f"{prefix}_zh"),
            getattr(record, f"{prefix}_he"),
        ).best()

    return get


def _city_names(row: Row) -> str:
    city = row[1]
    return Names(city.name_en, city.name_zh, city.name_he).best()


def _label(column: str) -> Callable[[Row], str]:
    def get(row: Row) -> str:
        names = row[0].labels.get(column)
        return names.best() if names is not None else ""

    return get


def _kind(attribute: str) -> Callable[[Row], str]:
    def get(row: Row) -> str:
        value = getattr(row[0].record, attribute)
        return "" if value is None else str(value.label)

    return get


def _date(attribute: str) -> tuple[Callable[[Row], str], Callable[[Row], Any]]:
    def text(row: Row) -> str:
        value: PartialDate | None = getattr(row[0].record, attribute)
        return format_partial_date(value)

    def key(row: Row) -> str:
        value = getattr(row[0].record, attribute)
        return "" if value is None else value.isoformat()

    return text, key


def _number(attribute: str) -> tuple[Callable[[Row], str], Callable[[Row], Any]]:
    def text(row: Row) -> str:
        return format_number(getattr(row[0].record, attribute))

    def key(row: Row) -> int:
        value = getattr(row[0].record, attribute)
        return -1 if value is None else int(value)

    return text, key


def _country(row: Row) -> str:
    return country_name(row[1].country, _babel_locale())


def _babel_locale() -> str:
    from exchange_desk.i18n.catalog import active_language

    language = find_language(active_language())
    return language.babel_locale if language else "en"


def _sample(row: Row) -> str:
    return _("sample") if row[0].record.is_sample else ""


def _date_column(header: str, attribute: str) -> Column:
    text, key = _date(attribute)
    return Column(header, text, key)


def _number_column(header: str, attribute: str) -> Column:
    text, key = _number(attribute)
    return Column(header, text, key)


_SAMPLE = Column(N_("Sample"), _sample)

COLUMNS: dict[str, tuple[Column, ...]] = {
    "partner_cities": (
        Column(N_("Partner city"), _city_names, stretch=True),
        Column(N_("Country"), _country),
        Column(N_("Tier"), _kind("tier")),
        _date_column(N_("Since"), "established"),
        Column(N_("Status"), _kind("status")),
        _SAMPLE,
    ),
    "delegations": (
        _date_column(N_("Start"), "start_date"),
        Column(N_("Direction"), _kind("direction")),
        Column(N_("Partner city"), _label("city_id")),
        _number_column(N_("Members"), "members"),
        Column(N_("Purpose"), lambda row: row[0].record.purpose, stretch=True),
        _SAMPLE,
    ),
    "events": (
        _date_column(N_("Start"), "start_date"),
        Column(N_("Name"), _names("name"), stretch=True),
        Column(N_("Kind"), _kind("kind")),
        Column(N_("Where"), _label("city_id")),
        _SAMPLE,
    ),
    "awards": (
        _date_column(N_("Date"), "awarded_on"),
        Column(N_("Title"), _names("title"), stretch=True),
        Column(N_("Conference"), _label("conference_id")),
        _SAMPLE,
    ),
    "agreements": (
        _date_column(N_("Signed"), "signed_on"),
        Column(N_("Title"), _names("title"), stretch=True),
        Column(N_("Area"), _kind("area")),
        Column(N_("Partner city"), _label("city_id")),
        _SAMPLE,
    ),
    "organizations": (
        Column(N_("Name"), _names("name"), stretch=True),
        Column(N_("Kind"), _kind("kind")),
        Column(N_("City"), _label("city_id")),
        _SAMPLE,
    ),
    "conferences": (
        _date_column(N_("Start"), "start_date"),
        Column(N_("Name"), _names("name"), stretch=True),
        Column(N_("Host city"), _label("host_city_id")),
        _number_column(N_("Attendance"), "attendance"),
        _SAMPLE,
    ),
}

TABS: tuple[tuple[str, str], ...] = (
    ("partner_cities", N_("Partner cities")),
    ("delegations", N_("Delegations")),
    ("events", N_("Cultural events")),
    ("awards", N_("Awards")),
    ("agreements", N_("Agreements")),
    ("organizations", N_("Organizations")),
    ("conferences", N_("Conferences")),
)
FIRST_PAGE = 5_000
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class RecordTableModel(QAbstractTableModel):
    """Records of one kind as rows. Texts are computed once, when the rows arrive."""

    def __init__(self, tab: str, rows: Sequence[Row]) -> None:
        super().__init__()
        self._columns = COLUMNS[tab]
        self._cells = [[column.text(row) for column in self._columns] for row in rows]
        self._keys = [
            [
                column.sort_key(row) if column.sort_key else cells[i]
                for i, column in enumerate(self._columns)
            ]
            for row, cells in zip(rows, self._cells, strict=True)
        ]
        self._sample = [bool(row[0].record.is_sample) for row in rows]
        self._italic = QFont()
        self._italic.setItalic(True)
        self._grey = QBrush(QColor(110, 110, 110))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._cells)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[row][column]
        if role == SORT_ROLE:
            return self._keys[row][column]
        if self._sample[row]:
            # Invented records must never pass for facts: greyed and in italics.
            if role == Qt.ItemDataRole.FontRole:
                return self._italic
            if role == Qt.ItemDataRole.ForegroundRole:
                return self._grey
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return _(self._columns[section].header)
        return str(section + 1)

    def stretch_column(self) -> int:
        return next((i for i, c in enumerate(self._columns) if c.stretch), 0)


def load_rows(database: Database, tab: str) -> tuple[list[Row], int]:
    """The first page of a tab's records (through the services) and how many there are."""
    if tab == "partner_cities":
        page = list_records(database, "partnerships", ListQuery(limit=FIRST_PAGE))
        ids = {listed.record.city_id for listed in page.rows}
        cities = {
            listed.record.id: listed.record
            for listed in list_records(database, "cities").rows
            if listed.record.id in ids
        }
        return [(listed, cities[listed.record.city_id]) for listed in page.rows], page.total
    page = list_records(database, tab, ListQuery(limit=FIRST_PAGE))
    return [(listed, None) for listed in page.rows], page.total


class MainWindow(QMainWindow):
    """One tab per kind of record, each a sortable table."""

    def __init__(self, database: Database) -> None:
        super().__init__()
        self.database = database
        self.setWindowTitle(_("Exchange Desk"))
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.totals: dict[str, int] = {}
        for tab, title in TABS:
            rows, total = load_rows(database, tab)
            self.totals[tab] = total
            self.tabs.addTab(self._table(tab, rows), f"{_(title)} ({format_number(total)})")
        # The path is isolated left to right, or a Hebrew line would move its slashes.
        location = "\u2066" + database.describe() + "\u2069"
        where = QLabel(_("Database: {where}").format(where=location))
        self.statusBar().addWidget(where, 1)
        self.statusBar().addPermanentWidget(QLabel(f"Exchange Desk {__version__}"))
        self.resize(1240, 780)

    def _table(self, tab: str, rows: list[Row]) -> QTableView:
        model = RecordTableModel(tab, rows)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(model)
        proxy.setSortRole(SORT_ROLE)
        view = QTableView()
        view.setModel(proxy)
        view.setSortingEnabled(True)
        view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        view.setAlternatingRowColors(True)
        view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(26)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        view.resizeColumnsToContents()
        header.setSectionResizeMode(model.stretch_column(), QHeaderView.ResizeMode.Stretch)
        return view


def run_gui(database_location: str | None = None, language: str | None = None) -> int:
    """Open the main window on the chosen database; returns the application's exit code."""
    chosen = find_language(language or system_language()) or find_language("en")
    assert chosen is not None
    set_language(chosen.code)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Exchange Desk")
    app.setOrganizationName("ExchangeDesk")
    # Before any window exists, so every widget is laid out in the language's direction.
    app.setLayoutDirection(
        Qt.LayoutDirection.RightToLeft if chosen.is_rtl else Qt.LayoutDirection.LeftToRight
    )
    try:
        database = open_office_database(database_location)
        window = MainWindow(database)
    except ExchangeDeskError as exc:
        QMessageBox.critical(None, _("Exchange Desk"), exc.user_message())
        return 3
    window.show()
    return app.exec()
