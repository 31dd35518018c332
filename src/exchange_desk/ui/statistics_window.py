"""Documents ▸ Statistics…: the office's figures as tables, not a message box.

One table per group of figures (partnerships by tier, by status and by country, delegations
by direction and per year), each sorted by a click on a header: numbers as numbers, names in
the order of the window's language (`ui.collation.rank_keys`). Export… writes every table as
a sheet of one .xlsx workbook, or the chosen table as a .csv file (`services.spreadsheets`);
Copy puts the chosen table (or its selected rows) on the clipboard for Excel.

The figures are read off the GUI thread (`services.statistics.statistics`, a `QueryOp`) when
the window opens, and again when a change touches what they count. A language switch shows
the same figures in the new language, without reading them again. One window per main
window: asking again brings it forward (`open_statistics`).

`FigureTable`, the titled sortable table with its cells' values kept for the sheet, is
also the anniversaries window's (`ui.anniversaries_window`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from exchange_desk.domain.countries import country_name
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import Direction
from exchange_desk.domain.errors import ExchangeDeskError
from exchange_desk.i18n.catalog import N_, _, active_language
from exchange_desk.i18n.formatting import format_number, format_partial_date
from exchange_desk.i18n.languages import find_language
from exchange_desk.services.changes import Changes
from exchange_desk.ui.bidi import in_own_direction, isolated
from exchange_desk.ui.collation import rank_keys
from exchange_desk.ui.errors import error_text
from exchange_desk.ui.formatting import babel_locale
from exchange_desk.ui.list_export import ask_target, remember_folder, without_marks
from exchange_desk.ui.operations import QueryOp, change_hub
from exchange_desk.ui.translated import Retranslating
from exchange_desk.ui.visit_dialog import one_window

if TYPE_CHECKING:
    from exchange_desk.services.database import Database
    from exchange_desk.services.spreadsheets import SheetTable
    from exchange_desk.services.statistics import Statistics

__all__ = [
    "SORT_ROLE",
    "VALUE_ROLE",
    "FigureColumn",
    "FigureTable",
    "StatisticsWindow",
    "open_statistics",
    "save_tables",
]

# What a cell sorts by (a number, or a text's place in the language's order), and the
# value a sheet gets (the number itself, the date as recorded): the display text is neither.
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
VALUE_ROLE = Qt.ItemDataRole.UserRole + 2
# What a row stands for (a partnership's id): what a double click opens.
KEY_ROLE = Qt.ItemDataRole.UserRole + 3
_NUMERIC = ("number", "year")
# The kinds whose changes alter the figures.
COUNTS = ("partnerships", "cities", "delegations")


@dataclass(frozen=True, slots=True)
class FigureColumn:
    """A column: its header (a msgid, translated when shown) and what it shows: `text`,
    `number` (formatted for the language, sorted by value), `year` (as written, sorted by
    value) or `date` (a partial date in the language's words, sorted by date)."""

    header: str
    shows: str = "text"


def _display(value: Any, shows: str) -> str:
    if value is None:
        return ""
    if shows == "number":
        return format_number(value)
    if shows == "year":
        return str(value)
    if isinstance(value, PartialDate):
        return format_partial_date(value)
    return in_own_direction(str(value), QGuiApplication.isRightToLeft())


class FigureTable(QWidget):
    """A title and a sortable table of figures. `set_rows` takes the cells' values (texts,
    numbers, partial dates); the view shows them in the window's language. A click on a
    header sorts by the cells' values, never by their texts ("10" after "9")."""

    def __init__(
        self,
        columns: Sequence[FigureColumn],
        parent: QWidget | None = None,
        *,
        stretch: int | None = 0,
    ) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self.title_msgid = ""
        self.title = QLabel()
        bold = QFont(self.title.font())
        bold.setBold(True)
        self.title.setFont(bold)
        self.model = QStandardItemModel(0, len(self.columns), self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The names' column takes the room left; the numbers stay by their names, not
        # across the window.
        header.setStretchLastSection(False)
        if stretch is not None:
            header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        rows = self.view.verticalHeader()
        rows.setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.setSortingEnabled(True)
        # In the order given (a tier's, a status's) until a header is clicked.
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.title.setBuddy(self.view)
        self._rows: list[tuple[Any, ...]] = []
        self._sample: list[bool] = []
        self._keys: list[Any] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)

    def set_title(self, msgid: str) -> None:
        """The table's title, a msgid (shown translated, and again after a switch)."""
        self.title_msgid = msgid
        self.title.setText(_(msgid))

    def sort_by(self, column: int, order: Qt.SortOrder) -> None:
        """The order shown until a header is clicked."""
        self.view.sortByColumn(column, order)

    def set_rows(
        self,
        rows: Sequence[Sequence[Any]],
        *,
        sample: Sequence[bool] | None = None,
        keys: Sequence[Any] | None = None,
    ) -> None:
        """Show `rows` (one value per column), in the order last chosen. `sample` marks
        invented demo rows (grey, with a tooltip); `keys` are what each row stands for."""
        self._rows = [tuple(row) for row in rows]
        self._sample = list(sample) if sample is not None else [False] * len(self._rows)
        self._keys = list(keys) if keys is not None else [None] * len(self._rows)
        self.refill()

    def refill(self) -> None:
        """Show the rows again in the active language (headers, names' order, numbers)."""
        self.model.setHorizontalHeaderLabels([_(column.header) for column in self.columns])
        ranks = [
            rank_keys(str(row[index]) for row in self._rows if row[index] is not None)
            if column.shows == "text"
            else {}
            for index, column in enumerate(self.columns)
        ]
        grey = QBrush(QColor(105, 105, 105))
        self.model.setRowCount(0)
        for row, is_sample, key in zip(self._rows, self._sample, self._keys, strict=True):
            items = []
            for index, (column, value) in enumerate(zip(self.columns, row, strict=True)):
                item = QStandardItem(_display(value, column.shows))
                item.setEditable(False)
                item.setData(value, VALUE_ROLE)
                item.setData(key, KEY_ROLE)
                item.setData(_sort_value(value, column.shows, ranks[index]), SORT_ROLE)
                if column.shows in _NUMERIC:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter
                    )
                if is_sample:
                    # A colour and a tooltip, not italics (slanted Chinese and Hebrew read
                    # badly): invented records must never pass for facts.
                    item.setForeground(grey)
                    item.setToolTip(_("Sample record: invented for the demo, not a fact"))
                items.append(item)
            self.model.appendRow(items)

    # --- what is shown ---------------------------------------------------------------------

    def row_count(self) -> int:
        return self.proxy.rowCount()

    def shown_rows(self) -> list[list[str]]:
        """The cells' texts in the order shown, as the user reads them."""
        return [
            [as_text(self.proxy.index(row, column).data()) for column in range(len(self.columns))]
            for row in range(self.proxy.rowCount())
        ]

    def shown_values(self) -> list[list[Any]]:
        """The cells' values in the order shown (numbers as numbers)."""
        return [
            [self.proxy.index(row, column).data(VALUE_ROLE) for column in range(len(self.columns))]
            for row in range(self.proxy.rowCount())
        ]

    def key_at(self, index: QModelIndex | QPersistentModelIndex) -> Any:
        """What the row of the view's `index` stands for."""
        return index.data(KEY_ROLE) if index.isValid() else None

    def headers(self) -> list[str]:
        return [_(column.header) for column in self.columns]

    def sheet(self, name: str | None = None) -> SheetTable:
        """The table as shown, as a sheet: its title as the sheet's name, the cells' values
        in the order shown, demo rows marked."""
        from exchange_desk.services.spreadsheets import SheetColumn, SheetTable

        rows: list[list[Any]] = []
        sample: list[bool] = []
        for row in range(self.proxy.rowCount()):
            source = self.proxy.mapToSource(self.proxy.index(row, 0)).row()
            rows.append([_sheet_value(value) for value in self._rows[source]])
            sample.append(self._sample[source])
        title = name if name is not None else _(self.title_msgid)
        return SheetTable(
            name=title,
            columns=tuple(SheetColumn(_(column.header), column.shows) for column in self.columns),
            rows=rows,
            sample=sample if any(sample) else None,
            sample_header=_("Sample"),
            title=title,
        )

    def copy_text(self) -> str:
        """The header and the selected rows (all when none is), tab-separated, one line each:
        what Excel takes from a paste."""
        selected = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        texts = self.shown_rows()
        chosen = [texts[row] for row in selected] if selected else texts
        lines = [self.headers(), *chosen]
        return "\n".join("\t".join(_cell(text) for text in line) for line in lines) + "\n"


def as_text(value: Any) -> str:
    """A cell's text without the marks that show it in its own direction."""
    return without_marks("" if value is None else str(value))


def _cell(text: str) -> str:
    # A tab or a line break inside a cell would split it when pasted into Excel.
    return " ".join(without_marks(text).replace("\t", " ").splitlines())


def _sort_value(value: Any, shows: str, ranks: dict[str, int]) -> Any:
    if value is None:
        return "" if shows == "date" else -1
    if shows in _NUMERIC:
        return int(value)
    if isinstance(value, PartialDate):
        return value.sort_key()
    return ranks.get(str(value), -1)


def _sheet_value(value: Any) -> Any:
    # A sheet holds plain text: the marks are for the window's cells only.
    return without_marks(value) if isinstance(value, str) else value


# --- exporting ---------------------------------------------------------------------------------


def save_tables(
    parent: QWidget,
    database: Database,
    sheets: Sequence[SheetTable],
    csv_sheet: SheetTable,
    *,
    title: str,
    stem: str,
    path: str | Path | None = None,
    done: Callable[[Path], None] | None = None,
) -> QueryOp[Path] | None:
    """Write `sheets` as one .xlsx workbook, or `csv_sheet` as a .csv file, to `path`
    (asked for unless given), off the GUI thread; `done(path)` once written. The sheets are
    taken on the GUI thread (the order shown), by the caller."""
    filters = [
        (_("Excel workbook (*.xlsx)"), ".xlsx"),
        (_("CSV file, comma-separated (*.csv)"), ".csv"),
    ]
    target = Path(path) if path is not None else ask_target(parent, title, stem, filters)
    if target is None:
        return None
    as_csv = target.suffix.lower() == ".csv"
    language = find_language(active_language())
    right_to_left = bool(language is not None and language.is_rtl)
    code = language.code if language is not None else "en"

    def work(_database: Database) -> Path:
        from exchange_desk.services.spreadsheets import write_csv, write_xlsx

        if as_csv:
            write_csv(csv_sheet, target)
        else:
            write_xlsx(sheets, target, right_to_left=right_to_left, language=code)
        return target

    def written(where: Path) -> None:
        remember_folder(where)
        if done is not None:
            done(where)

    def failed(error: BaseException) -> None:
        if isinstance(error, ExchangeDeskError):
            # Expected trouble (the file open in Excel, a full disk): said plainly.
            QMessageBox.warning(parent, title, error_text(error))
            return
        from exchange_desk.ui.errors import report_failure

        report_failure(error, parent)

    return (
        QueryOp(parent, work, database=database)
        .with_progress(_("Exporting the list"))
        .success(written)
        .failure(failed)
        .run_in_background()
    )


# --- the window --------------------------------------------------------------------------------


class TableButtons(QHBoxLayout):
    """The row under a window of tables: Export…, Copy, a note of what was done, and Close.
    Enter in a table is the table's (it opens the row), never a button's."""

    def __init__(
        self, window: QDialog, *, export: Callable[[], Any], copy: Callable[[], Any]
    ) -> None:
        super().__init__()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export = QPushButton()
        self.export.clicked.connect(lambda _checked=False: export())
        self.copy = QPushButton()
        self.copy.clicked.connect(lambda _checked=False: copy())
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(window.reject)
        for button in (self.export, self.copy, close.button(QDialogButtonBox.StandardButton.Close)):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.addWidget(self.export)
        self.addWidget(self.copy)
        self.addWidget(self.note, 1)
        self.addWidget(close)


class StatisticsWindow(Retranslating, QDialog):
    """The office's figures, one sortable table per group. `loaded` fires each time they
    have been read and shown."""

    loaded = Signal()

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.figures: Statistics | None = None
        self._reading: QueryOp[Statistics] | None = None
        self._again = False
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)

        self.by_tier = FigureTable([FigureColumn(N_("Tier")), _count_column()])
        self.by_tier.set_title(N_("Partnerships by tier"))
        self.by_status = FigureTable([FigureColumn(N_("Status")), _count_column()])
        self.by_status.set_title(N_("Partnerships by status"))
        self.by_direction = FigureTable(
            [FigureColumn(N_("Direction")), FigureColumn(N_("Delegations"), "number")]
        )
        self.by_direction.set_title(N_("Delegations by direction"))
        self.by_country = FigureTable([FigureColumn(N_("Country")), _count_column()])
        self.by_country.set_title(N_("Partnerships by country"))
        self.by_year = FigureTable(
            [
                FigureColumn(N_("Year"), "year"),
                FigureColumn(N_("Outgoing"), "number"),
                FigureColumn(N_("Incoming"), "number"),
                FigureColumn(N_("Total"), "number"),
            ],
            stretch=None,
        )
        self.by_year.set_title(N_("Delegations per year"))
        self.tables = [
            self.by_tier,
            self.by_status,
            self.by_direction,
            self.by_country,
            self.by_year,
        ]
        # Most partners first, the newest year first: what is looked for.
        self.by_country.sort_by(1, Qt.SortOrder.DescendingOrder)
        self.by_year.sort_by(0, Qt.SortOrder.DescendingOrder)
        self.chosen = self.by_tier  # what Copy and a CSV export take: the table clicked last
        for table in self.tables:
            table.view.clicked.connect(lambda _index, table=table: self._choose(table))
            table.view.installEventFilter(self)

        small = QVBoxLayout()
        for table in (self.by_tier, self.by_status, self.by_direction):
            small.addWidget(table)
        small.addStretch(1)
        grid = QGridLayout()
        grid.addLayout(small, 0, 0)
        grid.addWidget(self.by_country, 0, 1)
        grid.addWidget(self.by_year, 0, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)

        bottom = self.bar = TableButtons(self, export=self.export, copy=self.copy)
        self.note, self.export_button, self.copy_button = bottom.note, bottom.export, bottom.copy
        layout = QVBoxLayout(self)
        layout.addLayout(grid, 1)
        layout.addLayout(bottom)
        self.resize(980, 600)

        self.translate_now()
        self.refresh()
        change_hub().changed.connect(self._data_changed)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Statistics"))
        self.export_button.setText(_("&Export…"))
        self.export_button.setToolTip(
            _("All tables as one Excel workbook, or the chosen table as a CSV file")
        )
        self.copy_button.setText(_("&Copy"))
        self.copy_button.setToolTip(
            _("Copy the chosen table (or its selected rows) with its headers, to paste into Excel")
        )
        for table in self.tables:
            table.set_title(table.title_msgid)
        if self.figures is not None:
            self._show(self.figures)  # the same figures, in the new language's words

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn:
            for table in self.tables:
                if watched is table.view:
                    self._choose(table)
        return super().eventFilter(watched, event)

    def _choose(self, table: FigureTable) -> None:
        self.chosen = table

    # --- reading -----------------------------------------------------------------------------

    def refresh(self) -> QueryOp[Statistics] | None:
        """Read the figures again off the GUI thread (None: a read is on its way, and
        another follows it)."""
        if self._reading is not None:
            self._again = True
            return None

        def read(database: Database) -> Statistics:
            from exchange_desk.services.statistics import statistics

            return statistics(database)

        self._reading = QueryOp(self, read).success(self._arrived).failure(self._failed)
        return self._reading.run_in_background()

    def _data_changed(self, changes: Changes) -> None:
        if changes.touches_any(COUNTS):
            self.refresh()

    def _failed(self, error: BaseException) -> None:
        self._reading = None
        QMessageBox.warning(self, _("Statistics"), error_text(error))

    def _arrived(self, figures: Statistics) -> None:
        self._reading = None
        if self._again:
            self._again = False
            self.refresh()  # something changed while they were read
            return
        self.figures = figures
        self._show(figures)
        self.loaded.emit()

    def _show(self, figures: Statistics) -> None:
        self.by_tier.set_rows(
            [(tier.label, count) for tier, count in figures.partnerships_by_tier.items()]
        )
        self.by_status.set_rows(
            [(status.label, count) for status, count in figures.partnerships_by_status.items()]
        )
        self.by_direction.set_rows(
            [
                (direction.label, count)
                for direction, count in figures.delegations_by_direction.items()
            ]
        )
        locale = babel_locale()
        countries = [
            (country_name(code, locale) if code else _("(no country)"), count)
            for code, count in figures.partnerships_by_country.items()
        ]
        # By name in the language underneath: equal counts then read in that order (a
        # header's sort keeps the order of what it finds equal).
        places = rank_keys(name for name, _count in countries)
        self.by_country.set_rows(sorted(countries, key=lambda row: places[row[0]]))
        self.by_year.set_rows(
            [
                (
                    year,
                    counts.get(Direction.OUTGOING, 0),
                    counts.get(Direction.INCOMING, 0),
                    sum(counts.values()),
                )
                for year, counts in figures.delegations_by_year.items()
            ]
        )
        for table in (self.by_tier, self.by_status, self.by_direction):
            _fit_height(table)

    # --- out -----------------------------------------------------------------------------------

    def export(self, path: str | Path | None = None) -> QueryOp[Path] | None:
        """Export…: every table as a sheet of an .xlsx workbook, or the chosen one as .csv."""
        if self.figures is None:
            return None
        stem = f"{_('Statistics')} {dt.date.today().isoformat()}"
        return save_tables(
            self,
            self.database,
            [table.sheet() for table in self.tables],
            self.chosen.sheet(),
            title=_("Export statistics"),
            stem=stem,
            path=path,
            done=self._exported,
        )

    def _exported(self, path: Path) -> None:
        self.note.setText(_("Exported to {path}").format(path=isolated(path)))

    def copy(self) -> str:
        """Copy: the chosen table (its selected rows, or all) with its headers."""
        text = self.chosen.copy_text()
        QGuiApplication.clipboard().setText(text)
        self.note.setText(_("Copied: {table}").format(table=_(self.chosen.title_msgid)))
        return text


def _count_column() -> FigureColumn:
    return FigureColumn(N_("Partnerships"), "number")


def _fit_height(table: FigureTable) -> None:
    """A table of a few rows takes the height of its rows, no more."""
    view = table.view
    height = view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth()
    for row in range(table.proxy.rowCount()):
        height += view.rowHeight(row) or view.verticalHeader().defaultSectionSize()
    view.setFixedHeight(height)


_open: dict[int, StatisticsWindow] = {}


def open_statistics(main: Any) -> StatisticsWindow:
    """Show the statistics window of the main window `main` (the one open already, if any)."""
    return one_window(_open, id(main), lambda: StatisticsWindow(main.database, main))


def main(argv: list[str] | None = None) -> int:
    """Show the window on its own; `--screenshot FILE` saves a picture once the figures are
    read, and quits."""
    from exchange_desk.ui.visit_dialog import show_alone

    parser = argparse.ArgumentParser(prog="python -m exchange_desk.ui.statistics_window")
    return show_alone(
        parser,
        argv,
        lambda database, _options: StatisticsWindow(database),
        ready=lambda window: window.figures is not None,
    )


if __name__ == "__main__":
    sys.exit(main())
