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
from PySide6.QtGui import QKeyEvent, QKeySequence, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
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
from exchange_desk.services.registry import declared
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
from exchange_desk.ui.table_model import SAMPLE_GREY, RecordTableModel

FIRST_PAGE = 300
# The detail pane takes this share of the tab's width (until its edge is dragged), within
# these bounds; the table keeps at least TABLE_LEAST beside it.
DETAIL_SHARE = 0.32
DETAIL_LEAST, DETAIL_MOST = 260, 560
TABLE_LEAST = 300
# Columns of names and free text are as wide as their content up to WIDE_MOST and share
# what room the table has left; dates, numbers, years and kinds are always as wide as their
# content (a date cut to "2018年1…" says nothing). A wide column squeezed by a narrow
# window keeps at least WIDE_LEAST.
WIDE = frozenset({"names", "text"})
WIDE_MOST, WIDE_LEAST = 360, 110
# The cells measured for a column's width: all of them up to this many rows, else an even
# spread of this many (100,000 rows hold a few hundred distinct dates and kinds).
MEASURED_ROWS = 2000


def default_order_column(kind: str) -> int | None:
    """The tab column whose names order the rows at first, for a kind the database orders
    by its English name (organizations, people); None for one ordered by a date."""
    declaration = declared(kind)
    tab = declaration.tab
    if tab is None or not declaration.order or declaration.name_group is None:
        return None
    if declaration.order[0] not in declaration.name_columns:
        return None
    source = f"@{declaration.name_group}"
    return next((i for i, column in enumerate(tab.columns) if column.source == source), None)


class FilterBox(QComboBox):
    """A filter's choice, ending in "…" where a narrow window gives it less room than its
    text (Qt's combo box cuts the text off at the arrow)."""

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        option.currentText = self.fontMetrics().elidedText(
            option.currentText, Qt.TextElideMode.ElideRight, field.width()
        )
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)


class _Splitter(QSplitter):
    """A splitter that says when it was resized (the window, or the detail pane shown)."""

    resized = Signal()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()


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
        # Column widths follow the content and the table's width until the user drags a
        # column's edge (or restored widths were dragged); then they are the user's.
        self.widths_by_hand = False
        self._fitting = False  # the widths are being set here, not by the user
        self._preferred: list[int] = []  # each column's width from its header and cells
        self._cells: list[int] = []  # from its cells alone
        # The detail pane's share of the width once its edge was dragged (None: the default).
        self.detail_share: float | None = None

        self.search_box = QLineEdit()
        self.search_box.setClearButtonEnabled(True)
        # In a narrow window the filters give way down to a usable size; the search box
        # keeps room for a few words.
        self.search_box.setMinimumWidth(self.fontMetrics().horizontalAdvance("x" * 24))
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
        # Not stretched: a year column would take half the table ("Next anniversary").
        # `_fit_columns` gives the spare room to the columns of names and text instead.
        horizontal.setStretchLastSection(False)
        # A header squeezed in a narrow window ends in "…" (its tool tip says it whole).
        horizontal.setTextElideMode(Qt.TextElideMode.ElideRight)
        horizontal.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        horizontal.sectionResized.connect(self._section_resized)
        self.view.viewport().installEventFilter(self)
        self.view.doubleClicked.connect(lambda _index: self.activated.emit())
        self.view.installEventFilter(self)

        self.detail = DetailPane()
        self.detail.go_to.connect(self.go_to)
        self.detail.edit_requested.connect(self.activated)
        self.detail.stale.connect(self.show_current_detail)

        self.splitter = _Splitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.resized.connect(self._place_detail)
        self.splitter.splitterMoved.connect(self._detail_moved)
        self.detail.installEventFilter(self)  # shown again (View ▸ Show details): placed

        self._bar = QHBoxLayout()
        self._bar.addWidget(self.search_box, 3)
        self._bar.addStretch(0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(self._bar)
        layout.addWidget(self.splitter, 1)
        # What the grey rows are, under the table while it has any.
        self.sample_legend = QLabel()
        self.sample_legend.setStyleSheet(f"color: {SAMPLE_GREY};")
        self.sample_legend.hide()
        layout.addWidget(self.sample_legend)

        self.model = RecordTableModel(
            load_table(database, tab, limit=FIRST_PAGE), default_order_column(tab_spec(tab).kind)
        )
        self.complete = self.model.table.complete
        self.view.setModel(self.model)
        self.view.selectionModel().selectionChanged.connect(self._selected)
        self._build_filters(self.model.table)
        self.retranslate()
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

    def restore_header(self, state: QByteArray, *, widths_by_hand: bool = True) -> None:
        """Columns' order, sort and widths as the user left them. Widths the user dragged
        then win over sizing from the content; others (set here last time, perhaps in
        another language) are measured again."""
        header = self.view.horizontalHeader()
        self._fitting = True
        try:
            header.restoreState(state)
        finally:
            self._fitting = False
        # A state saved by an earlier version stretches its last column.
        header.setStretchLastSection(False)
        self.widths_by_hand = widths_by_hand
        self._fit_columns()

    def restore_split(self, share: float) -> None:
        """The detail pane's share of the width, as the user left it by dragging its edge."""
        self.detail_share = min(max(share, 0.1), 0.8)
        self._place_detail()

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
        self._show_legend()
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
            combo = FilterBox()
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            # As wide as its choices where there is room; in a narrow window (1366×768 at
            # 150 %) it gives way, and its list still opens as wide as its longest choice.
            combo.setMinimumWidth(self.fontMetrics().horizontalAdvance("x" * 8) + 32)
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

    # --- widths ------------------------------------------------------------------------

    def _size_columns(self) -> None:
        """Measure the columns' content again (new rows, another language) and fit them:
        widths dragged by the user stay, but a column of dates, numbers or kinds is
        widened if its new texts no longer fit (they are never worth cutting)."""
        self._preferred, self._cells = self._measure_columns()
        if not self.widths_by_hand:
            self._fit_columns()
            return
        header = self.view.horizontalHeader()
        columns = self.model.table.columns
        self._fitting = True
        try:
            for column, width in enumerate(self._preferred):
                if columns[column].shows not in WIDE and header.sectionSize(column) < width:
                    header.resizeSection(column, width)
        finally:
            self._fitting = False

    def _measure_columns(self) -> tuple[list[int], list[int]]:
        """Each column's width from its header and the texts of its cells as now shown
        (all rows of a small table, an even spread of a large one's), and from its cells
        alone."""
        model, table = self.model, self.model.table
        header = self.view.horizontalHeader()
        metrics = self.view.fontMetrics()
        # A cell's text has a margin each side (as Qt's item delegate draws it) and the grid.
        margin = self.view.style().pixelMetric(
            QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.view
        )
        padding = 2 * (margin + 1) + 1 + 4
        count = len(table)
        step = max(1, count // MEASURED_ROWS)
        rows = range(0, count, step)
        widths, cells = [], []
        for column in range(len(table.columns)):
            texts = model.cell_texts(column, rows)
            widest = max((metrics.horizontalAdvance(text) for text in texts), default=0)
            cells.append(widest + padding if texts else 0)
            # The header's own hint has room for its text and the sort arrow.
            widths.append(max(header.sectionSizeHint(column), cells[-1]))
        return widths, cells

    def _fit_columns(self) -> None:
        """Widths from the content, fitted to the table's width: the columns of names and
        text share the room left over. In a narrow window they give some up first, down
        to WIDE_LEAST; then the others give up what their headers take beyond their cells
        (a header's text is shortened with "…", a date or a number never)."""
        if self.widths_by_hand or not self._preferred:
            return
        header = self.view.horizontalHeader()
        columns = self.model.table.columns
        shown = [c for c in range(len(columns)) if not header.isSectionHidden(c)]
        wide = [c for c in shown if columns[c].shows in WIDE]
        widths = {
            c: min(self._preferred[c], WIDE_MOST) if c in wide else self._preferred[c]
            for c in shown
        }
        room = self.view.viewport().width()
        bar = self.view.verticalScrollBar()
        if (
            not bar.isVisible()
            and self.model.rowCount() * max(self.view.verticalHeader().defaultSectionSize(), 1)
            > self.view.viewport().height()
        ):
            # The rows will not fit: the scroll bar that comes takes its width from the table.
            room -= self.view.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        spare = room - sum(widths.values())
        if wide and spare > 0:
            share = sum(widths[c] for c in wide)
            extra = {c: spare * widths[c] // share for c in wide}
            extra[wide[-1]] += spare - sum(extra.values())  # what rounding left
            for c in wide:
                widths[c] += extra[c]
        elif spare < 0:
            # The wide columns down to WIDE_LEAST, then the others down to their cells.
            for give in (
                {c: max(0, widths[c] - WIDE_LEAST) for c in wide},
                {c: max(0, widths[c] - self._cells[c]) for c in shown if c not in wide},
            ):
                can = sum(give.values())
                if spare >= 0 or not can:
                    continue
                cut = min(-spare, can)
                for c, room in give.items():
                    widths[c] -= -(-cut * room // can)  # rounded up: all of `cut` is taken
                spare += cut
        self._fitting = True
        try:
            for column, width in widths.items():
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
        finally:
            self._fitting = False

    def _section_resized(self, _column: int, _old: int, _new: int) -> None:
        if not self._fitting:
            self.widths_by_hand = True  # a column's edge was dragged (or double-clicked)

    # --- the detail pane's width ---------------------------------------------------------

    def _place_detail(self) -> None:
        """Give the detail pane its share of the width: the default one within
        DETAIL_LEAST and DETAIL_MOST, or the one the user chose by dragging."""
        if self.detail.isHidden():
            return
        total = sum(self.splitter.sizes())
        if total <= 0:
            return
        share = DETAIL_SHARE if self.detail_share is None else self.detail_share
        width = round(total * share)
        if self.detail_share is None:
            width = min(width, DETAIL_MOST)
        width = max(DETAIL_LEAST, min(width, total - TABLE_LEAST))
        if self.splitter.sizes()[1] != width:
            self.splitter.setSizes([total - width, width])

    def _detail_moved(self, _position: int, _index: int) -> None:
        """The user dragged the pane's edge: its share is theirs from now on."""
        table, detail = self.splitter.sizes()
        if table + detail > 0 and detail > 0:
            self.detail_share = min(max(detail / (table + detail), 0.1), 0.8)

    def retranslate(self) -> None:
        self.search_box.setPlaceholderText(_("Search in English, Chinese or Hebrew (Ctrl+F)…"))
        self.model.retranslate()
        self._refill_filter_choices(self.model.table)
        # Dates, kinds and names are other texts in another language: widths from them.
        self._size_columns()
        self.detail.retranslate()
        self.update_count()
        self._show_legend()

    def _show_legend(self) -> None:
        """The legend of the grey rows, shown while the table has sample records."""
        self.sample_legend.setText(_("Grey rows are sample records, invented for the demo."))
        self.sample_legend.setVisible(any(self.model.table.sample))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()  # the window or the splitter changed the table's width
            return False
        if watched is self.detail and event.type() == QEvent.Type.Show:
            # After the splitter has made room for it.
            QTimer.singleShot(0, self, self._place_detail)
            return False
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
