"""One tab of the main window: search box and filters, the table, and the detail pane.

The first page of records is read at once so the tab shows data immediately; the whole
table then loads in the background, after which searching, filtering and sorting happen in
memory. The tab listens to the operations' change hub: when records it shows change, it reads
its table again (at once if it is on screen, else when it is shown next).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from exchange_desk.domain.countries import country_name
from exchange_desk.domain.errors import ExchangeDeskError
from exchange_desk.i18n.catalog import _
from exchange_desk.i18n.formatting import format_number
from exchange_desk.services.changes import Changes
from exchange_desk.services.database import Database
from exchange_desk.services.tables import (
    Facet,
    RecordTable,
    conference_choices,
    load_table,
    tab_spec,
)
from exchange_desk.ui.collation import sorted_by_text
from exchange_desk.ui.detail_pane import DetailPane
from exchange_desk.ui.formatting import babel_locale
from exchange_desk.ui.operations import QueryOp, change_hub
from exchange_desk.ui.table_model import RecordTableModel

FIRST_PAGE = 300


class RecordTab(QWidget):
    """A tab of records of one kind (`tab` as in `services.tables.TABS`)."""

    loaded = Signal()  # the complete table is shown
    counts_changed = Signal()
    activated = Signal()  # a row was double-clicked or Enter pressed
    go_to = Signal(str, int)
    failed = Signal(object)
    copy_requested = Signal()  # Ctrl+C in the table: the selected rows, not one cell

    def __init__(self, database: Database, tab: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.tab = tab
        self.complete = False
        self._loading = False
        self._generation = 0
        self._pending_select: int | None = None

        self.search_box = QLineEdit()
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(self._search)
        self.filters: dict[str, QComboBox] = {}
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color: palette(dark);")
        # A fixed width: a count changing at each keystroke then repaints only itself.
        self.count_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("000,000 / 000,000"))
        self.count_label.setAlignment(
            Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter
        )

        self.view = QTableView()
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Shift and Ctrl select several rows, to copy them (Ctrl+C); editing, deleting and the
        # detail pane work on the current one.
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setSortingEnabled(True)
        self.view.setWordWrap(False)
        self.view.setTabKeyNavigation(False)
        vertical = self.view.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # fast at 100,000 rows
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)
        horizontal = self.view.horizontalHeader()
        horizontal.setHighlightSections(False)
        horizontal.setStretchLastSection(True)
        horizontal.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.doubleClicked.connect(lambda _index: self.activated.emit())
        self.view.installEventFilter(self)

        self.detail = DetailPane()
        self.detail.go_to.connect(self.go_to)
        self.detail.edit_requested.connect(self.activated)
        self.detail.stale.connect(self.show_current_detail)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)

        self._bar = QHBoxLayout()
        self._bar.addWidget(self.search_box, 3)
        self._bar.addStretch(0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(self._bar)
        layout.addWidget(self.splitter, 1)

        self.model = RecordTableModel(load_table(database, tab, limit=FIRST_PAGE))
        self.complete = self.model.table.complete
        self.view.setModel(self.model)
        self.view.selectionModel().selectionChanged.connect(self._selected)
        self._build_filters(self.model.table)
        self.retranslate()
        self._sized = False
        self._size_columns()
        if self.complete:
            QTimer.singleShot(0, self.loaded.emit)
        change_hub().changed.connect(self._data_changed)

    # --- loading -----------------------------------------------------------------------

    def load_all(self) -> None:
        """Read the whole table in the background (no-op when it is complete or loading)."""
        if self.complete or self._loading:
            return
        self._loading = True
        # Each load is numbered: one that finishes after a newer one started is stale.
        self._generation += 1
        generation = self._generation
        self.count_label.setText(_("Loading…"))
        tab = self.tab
        # `load_table` is looked up when the work runs (tests slow it down).
        QueryOp(self, lambda database: load_table(database, tab)).success(
            lambda table: self._arrived(table, generation)
        ).failure(lambda error: self._failed(error, generation)).run_in_background()

    def select_when_loaded(self, record_id: int) -> None:
        """Select `record_id` as soon as the whole table is there."""
        self._pending_select = record_id
        self.load_all()

    def restore_header(self, state: QByteArray) -> None:
        """Column widths and order as the user left them (they then win over auto-sizing)."""
        self.view.horizontalHeader().restoreState(state)
        self._sized = True

    def shows(self, changes: Changes) -> bool:
        """Whether `changes` touch what the tab's table shows."""
        spec = tab_spec(self.tab)
        return changes.touches_any(spec.reads) or (changes.profile and spec.reads_profile)

    def _data_changed(self, changes: Changes) -> None:
        """Records were written: read the table again if they are among those it shows,
        selecting the record saved (the one record of the tab's kind created or changed)."""
        if not self.shows(changes):
            return
        ids = changes.ids(self.model.table.kind)
        select = next(iter(ids)) if len(ids) == 1 and not changes.remote else None
        page = self.parentWidget()
        if page is None or not page.isHidden():
            self.reload(select)
            return
        # Not on screen: read again when shown (a load on its way has old data).
        self.complete = False
        self._loading = False
        self._generation += 1
        if select is not None:
            self._pending_select = select

    def reload(self, select: int | None = None) -> None:
        """Read the table again (after a change), then select `select` if given."""
        self._pending_select = select if select is not None else self.current_id()
        self.complete = False
        self._loading = False
        self.load_all()

    def _arrived(self, table: RecordTable, generation: int | None = None) -> None:
        if generation is not None and generation != self._generation:
            return  # a newer load is on its way
        self._loading = False
        self.complete = True
        chosen = self._pending_select if self._pending_select is not None else self.current_id()
        self._pending_select = None
        self.model.replace_table(table)
        self._refill_filter_choices(table)
        self._size_columns()
        self.update_count()
        if chosen is None or not self.select_record(chosen):
            self.detail.show_nothing()
        self.loaded.emit()

    def _failed(self, error: BaseException, generation: int | None = None) -> None:
        if generation is not None and generation != self._generation:
            return
        self._loading = False
        self.count_label.setText(_("Not loaded"))
        self.failed.emit(error)

    # --- search and filters --------------------------------------------------------------

    def _search(self, text: str) -> None:
        current = self.current_id()
        self.model.set_search(text)
        self._keep_selection(current)
        self.update_count()

    def _keep_selection(self, record_id: int | None) -> None:
        """Select the record again after the rows were rebuilt, if it is still shown."""
        if record_id is None:
            return
        row = self.model.row_of(record_id)
        if row is not None:
            self.select_row(row)
        else:
            self.detail.show_nothing()  # the record is hidden now: don't show it as chosen

    def _build_filters(self, table: RecordTable) -> None:
        for facet in table.facets:
            combo = QComboBox()
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setProperty("facet", facet.key)
            combo.currentIndexChanged.connect(
                lambda _i, key=facet.key, box=combo: self._filter(key, box)
            )
            self.filters[facet.key] = combo
            self._bar.addWidget(combo)
        self._bar.addWidget(self.count_label)

    def _refill_filter_choices(self, table: RecordTable) -> None:
        for facet in table.facets:
            combo = self.filters[facet.key]
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self._all_label(facet), None)
            for value, text in self._choices(facet, table):
                combo.addItem(text, value)
            index = combo.findData(current) if current is not None else 0
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

    def _all_label(self, facet: Facet) -> str:
        labels = {
            "year": _("All years"),
            "country": _("All countries"),
            "status": _("Any status"),
            "direction": _("Both directions"),
            "tier": _("Both tiers"),
            "kind": _("All kinds"),
            "area": _("All areas"),
            "conference": _("All conferences"),
            "role": _("Given and received"),
            "category": _("All categories"),
            "declaration": _("Any declaration"),
        }
        if self.tab == "gifts" and facet.key == "role":
            # Awards are conferred and received, gifts given and received: other words.
            return _("Gifts given and received")
        return labels.get(facet.key, _("All"))

    def _choices(self, facet: Facet, table: RecordTable) -> list[tuple[Any, str]]:
        if facet.choices:
            return [(member, str(member.label)) for member in facet.choices]
        values = table.facet_values.get(facet.key, [])
        present = sorted({value for value in values if value is not None}, key=str)
        if facet.key == "year":
            return [(year, str(year)) for year in sorted(present, reverse=True)]
        if facet.key == "country":
            locale = babel_locale()
            named = [(code, country_name(code, locale)) for code in present if code]
            # In the language's order: by pinyin in Chinese, by the alef-bet in Hebrew.
            return sorted_by_text(named)
        if facet.key == "conference":
            return [
                (conference_id, names.best())
                for conference_id, names in conference_choices(self.database)
            ]
        return [(value, str(value)) for value in present]

    def _filter(self, key: str, combo: QComboBox) -> None:
        current = self.current_id()
        self.model.set_filter(key, combo.currentData())
        self._keep_selection(current)
        self.update_count()

    # --- selection and detail ------------------------------------------------------------

    def current_id(self) -> int | None:
        """The record of the current row when it is selected, else of the first selected."""
        selection = self.view.selectionModel()
        rows = selection.selectedRows()
        if not rows:
            return None
        current = selection.currentIndex()
        if current.isValid() and selection.isRowSelected(current.row()):
            return self.model.record_id(current.row())
        return self.model.record_id(min(index.row() for index in rows))

    def select_record(self, record_id: int) -> bool:
        """Select and show a record; a search or filter hiding it is cleared first."""
        if self.model.table.row_of(record_id) is None:
            return False  # not in this tab (any more)
        row = self.model.row_of(record_id)
        if row is None:
            self.search_box.clear()
            for combo in self.filters.values():
                combo.setCurrentIndex(0)
            row = self.model.row_of(record_id)
        if row is None:
            return False
        self.select_row(row)
        self.view.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def select_row(self, row: int) -> None:
        """Select a whole row through the selection model: QTableView.selectRow() selects
        nothing in a right-to-left window before the view has been laid out."""
        index = self.model.index(row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
            | QItemSelectionModel.SelectionFlag.Current
        )
        self.view.selectionModel().setCurrentIndex(index, flags)

    def _selected(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.show_current_detail()

    def show_current_detail(self) -> None:
        record_id = self.current_id()
        if record_id is None:
            self.detail.show_nothing()
            return
        from exchange_desk.services.details import record_detail

        try:
            self.detail.show_detail(record_detail(self.database, self.model.table.kind, record_id))
        except ExchangeDeskError as exc:
            self.detail.show_nothing(exc.user_message())

    # --- looks ---------------------------------------------------------------------------

    def update_count(self) -> None:
        shown, total = self.model.visible_count(), len(self.model.table)
        if not self.complete:
            self.count_label.setText(_("Loading…"))
        elif shown == total:
            self.count_label.setText(format_number(total))
        else:
            self.count_label.setText(
                _("{shown} of {total}").format(
                    shown=format_number(shown), total=format_number(total)
                )
            )
        self.counts_changed.emit()

    def _size_columns(self) -> None:
        if self._sized or not len(self.model.table):
            return
        # Sized once from the first 40 rows (measuring all 100,000 would take seconds).
        header = self.view.horizontalHeader()
        header.setResizeContentsPrecision(40)
        self.view.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            header.resizeSection(column, min(max(header.sectionSize(column), 70), 360))
        self._sized = True

    def retranslate(self) -> None:
        self.search_box.setPlaceholderText(_("Search in English, Chinese or Hebrew (Ctrl+F)…"))
        self.model.retranslate()
        self._refill_filter_choices(self.model.table)
        self.detail.retranslate()
        self.update_count()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The table view copies its current cell on Ctrl+C itself (it claims the key before
        # any shortcut): the whole selected rows are wanted instead.
        if (
            watched is self.view
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Copy)
        ):
            self.copy_requested.emit()
            return True
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LayoutDirectionChange:
            # A splitter places its panes again only when resized: without this the detail
            # pane would stay on the right after a switch to Hebrew.
            self.splitter.refresh()

    def row_activated_index(self) -> QModelIndex:
        rows = self.view.selectionModel().selectedRows()
        return rows[0] if rows else QModelIndex()
