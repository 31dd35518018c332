"""The certificate register window: every certificate issued, by number, and below it the
log of the chosen certificate's printings (the first and each reprint).

The register is read through `services.certificate_register` off the GUI thread when the
dialog opens, and again (`refresh()`) when the operations' change hub says certificates, or
the awards and recipients they name, changed; choosing a year filters and clicking a header
sorts in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cmp_to_key
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from exchange_desk.domain.certificate_numbers import number_sort_key
from exchange_desk.domain.enums import Design
from exchange_desk.i18n.catalog import N_, _, ngettext
from exchange_desk.i18n.formatting import format_day, format_number
from exchange_desk.services.certificate_register import Printing, RegisterEntry, register
from exchange_desk.services.changes import Changes
from exchange_desk.services.database import Database
from exchange_desk.ui.bidi import in_own_direction
from exchange_desk.ui.collation import active_collator
from exchange_desk.ui.errors import error_text
from exchange_desk.ui.formatting import format_moment
from exchange_desk.ui.operations import QueryOp, change_hub
from exchange_desk.ui.translated import Retranslating

__all__ = [
    "CertificateRegisterDialog",
    "RegisterModel",
    "design_label",
    "show_certificate_register",
]

_Index = QModelIndex | QPersistentModelIndex

NUMBER, AWARD, RECIPIENT, LANGUAGES, DESIGN, ISSUED_ON, REPRINTS = range(7)
_HEADERS = (
    N_("Number"),
    N_("Award"),
    N_("Recipient"),
    N_("Languages"),
    N_("Design"),
    N_("Issued on"),
    N_("Reprints"),
)
_PRINTING_HEADERS = (N_("Printed"), N_("By"), N_("Languages"), N_("Design"), N_("Printing"))
# What the register's lines show: a change to any of these means reading it again.
SHOWS = ("certificates", "awards", "cities", "organizations", "persons")


def design_label(design: str) -> str:
    """A design's name in the user's language; a design this version does not know (typed
    in by hand, or from an older version) is shown as stored."""
    try:
        return Design(design).label
    except ValueError:
        return design


def _cell(entry: RegisterEntry, column: int) -> str:
    certificate = entry.certificate
    if column == NUMBER:
        return certificate.number
    if column == AWARD:
        return entry.award_title.best()
    if column == RECIPIENT:
        return entry.recipient.best()
    if column == LANGUAGES:
        return certificate.language_mode.label
    if column == DESIGN:
        return design_label(certificate.design)
    if column == ISSUED_ON:
        return format_day(certificate.issued_on)
    return format_number(certificate.reprints)


def _sort_key(column: int) -> Callable[[RegisterEntry], Any]:
    if column == NUMBER:
        return lambda entry: number_sort_key(entry.certificate.number)
    if column == ISSUED_ON:
        return lambda entry: entry.certificate.issued_on
    if column == REPRINTS:
        return lambda entry: entry.certificate.reprints
    # Awards, recipients, languages and designs in the order of the window's language.
    compare = active_collator().compare
    return cmp_to_key(lambda a, b: compare(_cell(a, column), _cell(b, column)))


class RegisterModel(QAbstractTableModel):
    """The register's lines shown (those of the chosen year), in the chosen order."""

    def __init__(self, entries: Sequence[RegisterEntry] = ()) -> None:
        super().__init__()
        self._entries: list[RegisterEntry] = list(entries)
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._grey = QBrush(QColor(105, 105, 105))

    def set_entries(self, entries: Sequence[RegisterEntry]) -> None:
        """Show `entries`, in the order last chosen (if any)."""
        self.beginResetModel()
        self._entries = list(entries)
        if self._sort is not None:
            self._entries.sort(key=_sort_key(self._sort[0]))
            if self._sort[1] == Qt.SortOrder.DescendingOrder:
                self._entries.reverse()
        self.endResetModel()

    def entry(self, row: int) -> RegisterEntry:
        return self._entries[row]

    def row_of_award(self, award_id: int) -> int | None:
        for row, entry in enumerate(self._entries):
            if entry.certificate.award_id == award_id:
                return row
        return None

    def row_of_certificate(self, certificate_id: int) -> int | None:
        for row, entry in enumerate(self._entries):
            if entry.certificate.id == certificate_id:
                return row
        return None

    # --- Qt's model interface ------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self._entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return in_own_direction(_cell(entry, index.column()), QGuiApplication.isRightToLeft())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == REPRINTS:
            return int(Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter)
        if not entry.certificate.is_sample:
            return None
        # As in the main window: invented records must never pass for facts; grey, not
        # slanted (synthetic italics make Chinese and Hebrew look cheap).
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._grey
        if role == Qt.ItemDataRole.ToolTipRole:
            return _("Sample record: invented for the demo, not a fact")
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(_HEADERS[section])
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(_HEADERS):
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        kept = [self._entries[index.row()].certificate.id for index in persistent]
        self._sort = (column, order)
        self._entries.sort(key=_sort_key(column))
        if order == Qt.SortOrder.DescendingOrder:
            self._entries.reverse()
        rows = {entry.certificate.id: row for row, entry in enumerate(self._entries)}
        self.changePersistentIndexList(
            persistent,
            [
                self.index(rows[certificate_id], index.column())
                for certificate_id, index in zip(kept, persistent, strict=True)
            ],
        )
        self.layoutChanged.emit()


class CertificateRegisterDialog(Retranslating, QDialog):
    """The register of certificates; with `award_id`, that award's certificate is chosen once
    it has been read. `loaded` fires each time the register has been read and shown."""

    loaded = Signal()

    def __init__(
        self, database: object, parent: QWidget | None = None, *, award_id: int | None = None
    ) -> None:
        super().__init__(parent)
        if not isinstance(database, Database):
            raise TypeError(f"not a database: {database!r}")
        self.database: Database = database
        self.entries: list[RegisterEntry] = []
        self.read_once = False
        self._award_id = award_id
        self._reading: QueryOp[list[RegisterEntry]] | None = None
        self._again = False

        self.year = QComboBox()
        self.year.currentIndexChanged.connect(self._year_chosen)
        self.year_label = year_label = QLabel()
        year_label.setBuddy(self.year)
        self.count_label = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(year_label)
        bar.addWidget(self.year)
        bar.addStretch(1)
        bar.addWidget(self.count_label)

        self.model = RegisterModel()
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(AWARD, QHeaderView.ResizeMode.Stretch)
        # By number, as the register is kept, until a header is clicked.
        header.setSortIndicator(NUMBER, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.selectionModel().selectionChanged.connect(self._selected)

        self.printings_title = QLabel()
        self.printings = QTableWidget(0, len(_PRINTING_HEADERS))
        self.printings.verticalHeader().setVisible(False)
        self.printings.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.printings.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.printings.setWordWrap(False)
        printings_header = self.printings.horizontalHeader()
        printings_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        printings_header.setStretchLastSection(True)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.printings_title)
        lower_layout.addWidget(self.printings)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(buttons)
        self.resize(900, 560)

        self.translate_now()
        self.refresh()
        change_hub().changed.connect(self._data_changed)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Certificate register"))
        self.year_label.setText(_("&Year:"))
        self.year.setItemText(0, _("All years"))
        self.printings.setHorizontalHeaderLabels([_(text) for text in _PRINTING_HEADERS])
        # The lines again: their words, their order (by award or recipient) and the count.
        self._year_chosen(self.year.currentIndex())

    # --- reading -------------------------------------------------------------------------

    def refresh(self) -> QueryOp[list[RegisterEntry]] | None:
        """Read the register again off the GUI thread, then show it keeping the year and
        the certificate chosen (None: a read is on its way; another follows it)."""
        if self._reading is not None:
            self._again = True
            return None
        # `register` is looked up when the work runs (tests make it fail).
        self._reading = (
            QueryOp(self, lambda database: register(database))
            .success(self._arrived)
            .failure(self._failed)
        )
        return self._reading.run_in_background()

    def _data_changed(self, changes: Changes) -> None:
        if changes.touches_any(SHOWS):
            self.refresh()

    def _failed(self, error: BaseException) -> None:
        self._reading = None
        QMessageBox.warning(self, _("Certificate register"), error_text(error))
        if not self.read_once:
            self.reject()  # nothing to show: the register cannot be opened

    def _arrived(self, entries: list[RegisterEntry]) -> None:
        self._reading = None
        if self._again:
            self._again = False
            self.refresh()  # something changed while this was read
            return
        first = not self.read_once
        self.read_once = True
        self._show_entries(entries)
        if first:
            chosen = self._award_id is not None and self.select_award(self._award_id)
            if not chosen and self.model.rowCount() > 0:
                # The newest certificate, so its printings show at once.
                self.select_row(self.model.rowCount() - 1)
        self.loaded.emit()

    def _show_entries(self, entries: list[RegisterEntry]) -> None:
        chosen = self.current_entry()
        year = self.year.currentData()
        self.entries = entries
        years = sorted({entry.certificate.issued_on.year for entry in self.entries}, reverse=True)
        self.year.blockSignals(True)
        self.year.clear()
        self.year.addItem(_("All years"), None)
        for value in years:
            self.year.addItem(str(value), value)
        self.year.setCurrentIndex(years.index(year) + 1 if year in years else 0)
        self.year.blockSignals(False)
        self._show_year()
        if chosen is not None and chosen.certificate.id is not None:
            row = self.model.row_of_certificate(chosen.certificate.id)
            if row is not None:
                self.select_row(row)

    def _year_chosen(self, _index: int) -> None:
        chosen = self.current_entry()
        self._show_year()
        if chosen is not None and chosen.certificate.id is not None:
            row = self.model.row_of_certificate(chosen.certificate.id)
            if row is not None:
                self.select_row(row)

    def _show_year(self) -> None:
        year = self.year.currentData()
        shown = [
            entry
            for entry in self.entries
            if year is None or entry.certificate.issued_on.year == year
        ]
        self.model.set_entries(shown)
        if not self.entries:
            self.count_label.setText(_("No certificate has been issued yet."))
        else:
            self.count_label.setText(
                ngettext("{count} certificate", "{count} certificates", len(shown)).format(
                    count=format_number(len(shown))
                )
            )
        self._show_printings(None)

    # --- choosing ------------------------------------------------------------------------

    def current_entry(self) -> RegisterEntry | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows else None

    def select_award(self, award_id: int) -> bool:
        """Choose the award's certificate (showing all years if need be); False if it has
        none in the register."""
        row = self.model.row_of_award(award_id)
        if row is None and self.year.currentData() is not None:
            self.year.setCurrentIndex(0)
            row = self.model.row_of_award(award_id)
        if row is None:
            return False
        self.select_row(row)
        self.view.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def select_row(self, row: int) -> None:
        # Through the selection model: selectRow() selects nothing in a right-to-left window
        # before the view has been laid out (see record_tab).
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
            | QItemSelectionModel.SelectionFlag.Current
        )
        self.view.selectionModel().setCurrentIndex(self.model.index(row, 0), flags)

    def _selected(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_printings(self.current_entry())

    def _show_printings(self, entry: RegisterEntry | None) -> None:
        printings: tuple[Printing, ...] = entry.printings if entry is not None else ()
        if entry is None:
            self.printings_title.setText(_("Choose a certificate to see its printings."))
        else:
            self.printings_title.setText(
                _("Printings of certificate {number}:").format(number=entry.certificate.number)
            )
        self.printings.setRowCount(len(printings))
        for row, printing in enumerate(printings):
            texts = (
                format_moment(printing.printed_at),
                printing.printed_by,
                printing.language_mode.label,
                design_label(printing.design),
                # A print job that broke after the number was registered: not printed.
                _("failed, not printed")
                if printing.failed
                else _("reprint")
                if printing.is_reprint
                else _("first print"),
            )
            right_to_left = QGuiApplication.isRightToLeft()
            for column, text in enumerate(texts):
                item = QTableWidgetItem(in_own_direction(text, right_to_left))
                if printing.failed:
                    item.setForeground(QBrush(QColor(176, 0, 32)))
                    item.setToolTip(_("The print job failed after the number was registered."))
                self.printings.setItem(row, column, item)

    def shown_rows(self) -> list[list[str]]:
        """The texts of the register's visible cells, row by row (what the user reads)."""
        return [
            [str(self.model.data(self.model.index(row, column))) for column in range(len(_HEADERS))]
            for row in range(self.model.rowCount())
        ]

    def shown_printings(self) -> list[list[str]]:
        """The texts of the printings table, row by row."""
        found = []
        for row in range(self.printings.rowCount()):
            cells = []
            for column in range(self.printings.columnCount()):
                item = self.printings.item(row, column)
                cells.append(item.text() if item is not None else "")
            found.append(cells)
        return found


def show_certificate_register(
    parent: QWidget | None, database: Database, *, award_id: int | None = None
) -> None:
    """Open the register modally (on `award_id`'s certificate); a database that cannot be
    read is reported, and the register closes."""
    dialog = CertificateRegisterDialog(database, parent, award_id=award_id)
    try:
        dialog.exec()
    finally:
        dialog.deleteLater()
