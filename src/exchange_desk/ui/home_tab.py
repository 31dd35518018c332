"""The Home tab, first in the window: what is due soon, how each partnership is doing, and
where the partners are.

Everything is read in one background read (`services.home.home_view`) when the tab is
first shown, when the language changes, and when a change touches what it shows; the tab
only draws. Each due item has its action in its row (open it, make the anniversary kit,
draft the letter, write the dossier or the brief, print the certificate): the window does
the action (`action_requested`), as its menus would.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QMouseEvent, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from exchange_desk.domain.enums import DueKind, PartnershipSignal
from exchange_desk.i18n.catalog import _, ngettext
from exchange_desk.i18n.formatting import format_list, format_number, format_partial_date
from exchange_desk.services.changes import Changes
from exchange_desk.ui.operations import QueryOp, change_hub
from exchange_desk.ui.translated import Retranslating

if TYPE_CHECKING:
    from exchange_desk.services.database import Database
    from exchange_desk.services.due import DueAction, DueItem
    from exchange_desk.services.health import PartnershipHealth
    from exchange_desk.services.home import HomeView

_Index = QModelIndex | QPersistentModelIndex
# The kinds whose changes can change what the tab shows.
WATCHED = frozenset(
    {"partnerships", "cities", "delegations", "events", "agreements", "awards", "certificates"}
)
# Signals in the colours of a traffic light, with words beside them (never colour alone).
SIGNAL_COLOURS = {
    PartnershipSignal.DORMANT: QColor("#b3261e"),
    PartnershipSignal.BELOW_NORM: QColor("#9a6700"),
    PartnershipSignal.UNBALANCED: QColor("#1f5f99"),
}
SAMPLE_COLOUR = QColor("#7a7a7a")
OVERDUE_COLOUR = QColor("#b3261e")


def action_label(action: DueAction) -> str:
    """What a due item's button says for `action`, in the active language."""
    from exchange_desk.services.due import DueAction

    return {
        DueAction.OPEN: _("Open"),
        DueAction.KIT: _("Anniversary kit…"),
        DueAction.LETTER: _("Letter of congratulation…"),
        DueAction.DOSSIER: _("Partner city dossier…"),
        DueAction.BRIEF: _("Delegation brief…"),
        DueAction.PRINT: _("Print certificate…"),
    }[action]


class _Rows(QAbstractTableModel):
    """A flat table of `columns` columns, headed by its `headers()` in the active language."""

    columns = 0

    def headers(self) -> list[str]:
        raise NotImplementedError

    def row_count(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.row_count()

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.columns

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None


class DueModel(_Rows):
    """The due items: date, how far away, what, and (a painted button) what to do. The texts
    are made once per item when set: a view asks for them at every paint."""

    ACTION = 4
    columns = 5

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: list[DueItem] = []
        self.texts: list[tuple[str, str, str, str, str]] = []

    def set_items(
        self, items: Sequence[DueItem], texts: list[tuple[str, str, str, str, str]] | None = None
    ) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.texts = texts if texts is not None else self.make_texts(self.items)
        self.endResetModel()

    @staticmethod
    def make_texts(items: Sequence[DueItem]) -> list[tuple[str, str, str, str, str]]:
        """The rows' texts in the active language: made with the read, off the GUI thread."""
        from exchange_desk.services.due import when_text

        labels = {kind: kind.label for kind in DueKind}
        return [
            (
                format_partial_date(item.date),
                when_text(item.days, item.date),
                item.sentence() + (" *" if item.is_sample else ""),
                labels[item.kind],
                action_label(item.actions[0]) + (" ▾" if len(item.actions) > 1 else ""),
            )
            for item in items
        ]

    def headers(self) -> list[str]:
        return [_("Date"), _("When"), _("What"), _("Kind"), _("Action")]

    def row_count(self) -> int:
        return len(self.items)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.texts[index.row()][column]
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 1 and item.days < 0:
                return QBrush(OVERDUE_COLOUR)
            if item.is_sample:
                return QBrush(SAMPLE_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole and item.is_sample and column == 2:
            return _("Sample record: invented for the demo, not a fact.")
        return None


class HealthModel(_Rows):
    """Each partnership: its last exchange, the last five years, the balance and signals."""

    TREND = 3
    columns = 7

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[PartnershipHealth] = []
        self.all_rows: list[PartnershipHealth] = []
        self.only_noticed = False
        self.texts: dict[int, tuple[str, ...]] = {}  # partnership id -> its row's texts

    def set_rows(
        self,
        rows: Sequence[PartnershipHealth],
        texts: dict[int, tuple[str, ...]] | None = None,
    ) -> None:
        self.beginResetModel()
        if rows is not self.all_rows:
            self.all_rows = list(rows)
            self.texts = texts if texts is not None else self.make_texts(self.all_rows)
        self.rows = [r for r in self.all_rows if r.signals or not self.only_noticed]
        self.endResetModel()

    @classmethod
    def make_texts(cls, rows: Sequence[PartnershipHealth]) -> dict[int, tuple[str, ...]]:
        """The rows' texts in the active language: made with the read, off the GUI thread."""
        return {row.partnership_id: cls._texts(row) for row in rows}

    @staticmethod
    def _texts(row: PartnershipHealth) -> tuple[str, ...]:
        if row.last_exchange is None:
            last = _("none yet")
        else:
            last = format_partial_date(row.last_exchange)
            if row.years_quiet:
                last = ngettext(
                    "{date} ({count} year ago)", "{date} ({count} years ago)", row.years_quiet
                ).format(date=last, count=row.years_quiet)
        return (
            row.city.best() + (" *" if row.is_sample else ""),
            row.tier.label,
            last,
            "",
            f"{format_number(row.sent)} / {format_number(row.received)}",
            format_list(area.label for area in row.areas),
            format_list(signal.label for signal in row.signals),
        )

    def set_only_noticed(self, only: bool) -> None:
        self.only_noticed = only
        self.set_rows(self.all_rows)

    def headers(self) -> list[str]:
        years = self.all_rows[0].years if self.all_rows else ()
        trend = _("{first}–{last}").format(first=years[0], last=years[-1]) if years else _("Trend")
        return [
            _("Partner city"),
            _("Tier"),
            _("Last exchange"),
            trend,
            _("Sent / received"),
            _("Areas"),
            _("To notice"),
        ]

    def row_count(self) -> int:
        return len(self.rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.texts[row.partnership_id][column] or None
        if role == Qt.ItemDataRole.UserRole and column == self.TREND:
            return row.per_year
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.TREND:
                return format_list(
                    f"{year}: {count}" for year, count in zip(row.years, row.per_year, strict=True)
                )
            if column == 6 and row.signals:
                return _(
                    "Norm for this tier: {norm} exchanges a year; these five years: {rate} a year."
                ).format(norm=format_number(row.norm), rate=format_number(row.rate))
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 6 and row.signals:
                return QBrush(SIGNAL_COLOURS[row.signals[0]])
            if row.is_sample:
                return QBrush(SAMPLE_COLOUR)
        return None


class TrendDelegate(QStyledItemDelegate):
    """A small line of the exchanges in each of the last five years, oldest on the left."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        super().paint(painter, option, index)
        counts = index.data(Qt.ItemDataRole.UserRole)
        if not counts:
            return
        rect = QRectF(option.rect).adjusted(8, 5, -8, -5)
        top = max(max(counts), 1)
        step = rect.width() / max(len(counts) - 1, 1)
        # Time runs in the reading direction: the latest year on the left in Hebrew, as the
        # header's "2014–2018" reads there.
        mirrored = option.direction == Qt.LayoutDirection.RightToLeft
        points = [
            QPointF(
                rect.right() - i * step if mirrored else rect.left() + i * step,
                rect.bottom() - rect.height() * count / top,
            )
            for i, count in enumerate(counts)
        ]
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor("#1b6f75") if any(counts) else QColor("#b9b9b9")
        painter.setPen(QPen(colour, 1.6))
        painter.drawPolyline(QPolygonF(points))
        painter.setBrush(colour)
        painter.drawEllipse(points[-1], 2.4, 2.4)
        painter.restore()


class ActionDelegate(QStyledItemDelegate):
    """A due item's action drawn as a push button in its cell (one widget per row would cost
    the start screen its 300 ms on a large database); a click presses it."""

    def __init__(self, home: HomeTab) -> None:
        super().__init__(home)
        self.home = home

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        button = QStyleOptionButton()
        button.rect = option.rect.adjusted(3, 2, -3, -2)
        button.text = str(index.data() or "")
        button.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Raised
        button.direction = option.direction
        button.fontMetrics = option.fontMetrics
        style = self.home.style()
        style.drawControl(QStyle.ControlElement.CE_PushButton, button, painter, self.home)

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 24, size.height() + 6)

    def editorEvent(
        self, event: QEvent, model: QAbstractItemModel, option: QStyleOptionViewItem, index: _Index
    ) -> bool:
        if (
            event.type() == QEvent.Type.MouseButtonRelease
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
        ):
            self.home.press_action(index.row())
            return True
        return super().editorEvent(event, model, option, index)


class HomeTab(Retranslating, QWidget):
    """Due soon, the partnerships' health and the map of partners."""

    open_record = Signal(str, int)
    action_requested = Signal(object, object)  # DueAction, DueItem
    loaded = Signal()

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.view_data: HomeView | None = None
        self.on: dt.date | None = None  # "today" for planning (None: the real today)
        self._reads = 0
        self._stale = True
        self._sized = False

        self.due_title = QLabel()
        self.due_title.setStyleSheet("font-weight: 600; font-size: 12pt;")
        self.due_count = QLabel()
        self.due_count.setStyleSheet("color: palette(dark);")
        # "Today" by default; another day to plan ahead (what will be due next spring).
        self.as_of_label = QLabel()
        # A line of ISO text, not a QDateEdit: Qt lays a date edit's sections out right to
        # left in a Hebrew window ("01-12-2018"), whatever its own direction.
        self.as_of = QLineEdit(dt.date.today().isoformat())
        self.as_of.setPlaceholderText("YYYY-MM-DD")
        self.as_of.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.as_of.setMaximumWidth(self.as_of.fontMetrics().horizontalAdvance("0000-00-00") + 24)
        self.as_of.editingFinished.connect(self._as_of_changed)
        self.as_of_label.setBuddy(self.as_of)
        self.due_model = DueModel(self)
        self.due_view = self._table(self.due_model)
        self.due_view.setItemDelegateForColumn(DueModel.ACTION, ActionDelegate(self))
        self.menu: QMenu | None = None
        self.due_view.doubleClicked.connect(self._due_activated)
        self.due_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.due_view.customContextMenuRequested.connect(self._due_menu)

        self.health_title = QLabel()
        self.health_title.setStyleSheet("font-weight: 600; font-size: 12pt;")
        self.only_noticed = QCheckBox()
        self.only_noticed.toggled.connect(self._only_noticed)
        self.health_model = HealthModel(self)
        self.health_view = self._table(self.health_model)
        self.health_view.setItemDelegateForColumn(HealthModel.TREND, TrendDelegate(self))
        self.health_view.doubleClicked.connect(self._health_activated)

        from exchange_desk.ui.world_map import WorldMap

        self.map = WorldMap()
        self.map.partner_chosen.connect(lambda pid: self.open_record.emit("partnerships", pid))
        self.map_title = QLabel()
        self.map_title.setStyleSheet("font-weight: 600; font-size: 12pt;")

        due_box = QWidget()
        due_layout = QVBoxLayout(due_box)
        due_layout.setContentsMargins(0, 0, 0, 0)
        due_head = QHBoxLayout()
        due_head.addWidget(self.due_title)
        due_head.addStretch(1)
        due_head.addWidget(self.due_count)
        due_head.addSpacing(12)
        due_head.addWidget(self.as_of_label)
        due_head.addWidget(self.as_of)
        due_layout.addLayout(due_head)
        due_layout.addWidget(self.due_view)

        health_box = QWidget()
        health_layout = QVBoxLayout(health_box)
        health_layout.setContentsMargins(0, 0, 0, 0)
        health_head = QHBoxLayout()
        health_head.addWidget(self.health_title)
        health_head.addStretch(1)
        health_head.addWidget(self.only_noticed)
        health_layout.addLayout(health_head)
        health_layout.addWidget(self.health_view)

        map_box = QWidget()
        map_layout = QVBoxLayout(map_box)
        map_layout.setContentsMargins(0, 0, 0, 0)
        map_layout.addWidget(self.map_title)
        map_layout.addWidget(self.map, 1)

        top = self.top_splitter = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(due_box)
        top.addWidget(map_box)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(health_box)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.splitter)
        change_hub().changed.connect(self._data_changed)
        self.translate_now()

    def _table(self, model: QAbstractTableModel) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.verticalHeader().hide()
        view.horizontalHeader().setHighlightSections(False)
        view.setWordWrap(False)
        return view

    # --- reading ------------------------------------------------------------------------

    def load(self) -> None:
        """Read everything again in the background (the tab stays as it was until then)."""
        from exchange_desk.services.home import home_view

        self._reads += 1
        number, on = self._reads, self.on
        self._stale = False
        if self.view_data is None:
            self.due_count.setText(_("Loading…"))

        def done(view: HomeView, due_texts: Any = None, health_texts: Any = None) -> None:
            if number == self._reads:
                self.show_view(view, due_texts, health_texts)

        def failed(error: BaseException) -> None:
            logging.getLogger("exchange_desk.ui").warning("Home not read: %s", error)
            self.due_count.setText(_("The start screen could not be read."))

        def read(database: Database) -> tuple[HomeView, Any, Any]:
            view = home_view(database, on=on)
            # Dates and numbers in words cost more than the read: made here, not in the paint.
            return view, DueModel.make_texts(view.due.items), HealthModel.make_texts(view.health)

        QueryOp(self, read, database=self.database).success(lambda result: done(*result)).failure(
            failed
        ).run_in_background()

    def load_if_stale(self) -> None:
        if self._stale:
            self.load()

    def show_view(self, view: HomeView, due_texts: Any = None, health_texts: Any = None) -> None:
        self.view_data = view
        self.due_model.set_items(view.due.items, due_texts)
        self.health_model.set_rows(view.health, health_texts)
        self.map.set_points(view.points.points, view.world, without_place=view.points.without_place)
        self._texts()
        self._fit_columns()
        self.loaded.emit()

    def _data_changed(self, changes: Changes) -> None:
        if changes.profile or changes.kinds & WATCHED:
            if self.isVisible():
                self.load()
            else:
                self._stale = True

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._sized:
            # The list of what is due gets the room; the map a third, the health half the height.
            self._sized = True
            width, height = max(self.width(), 600), max(self.height(), 400)
            self.top_splitter.setSizes([width * 62 // 100, width * 38 // 100])
            self.splitter.setSizes([height * 52 // 100, height * 48 // 100])
        self.load_if_stale()

    # --- actions -----------------------------------------------------------------------

    def action_menu(self, row: int) -> QMenu:
        """The menu of a due item's actions, its first (the button's) in bold."""
        item = self.due_model.items[row]
        menu = QMenu(self)
        for position, action in enumerate(item.actions):
            entry = menu.addAction(action_label(action), partial(self._request, action, item))
            if position == 0:
                font = entry.font()
                font.setBold(True)
                entry.setFont(font)
        self.menu = menu
        return menu

    def press_action(self, row: int) -> None:
        """The row's button: its one action, or the menu of its actions under it."""
        item = self.due_model.items[row]
        if len(item.actions) == 1:
            self._request(item.actions[0], item)
            return
        rect = self.due_view.visualRect(self.due_model.index(row, DueModel.ACTION))
        self.action_menu(row).popup(self.due_view.viewport().mapToGlobal(rect.bottomLeft()))

    def _request(self, action: DueAction, item: DueItem) -> None:
        from exchange_desk.services.due import DueAction

        if action is DueAction.OPEN:
            self.open_record.emit(item.record_kind, item.record_id)
        else:
            self.action_requested.emit(action, item)

    def _due_activated(self, index: QModelIndex) -> None:
        item = self.due_model.items[index.row()]
        self._request(item.actions[0], item)

    def _due_menu(self, point: Any) -> None:
        index = self.due_view.indexAt(point)
        if not index.isValid():
            return
        self.action_menu(index.row()).popup(self.due_view.viewport().mapToGlobal(point))

    def _health_activated(self, index: QModelIndex) -> None:
        row = self.health_model.rows[index.row()]
        self.open_record.emit("partnerships", row.partnership_id)

    def set_on(self, day: dt.date | None) -> None:
        """Show what is due as of `day` (None: today), as the As of field does."""
        self.as_of.setText((day or dt.date.today()).isoformat())
        self.as_of.setToolTip("")
        self.on = day
        self.load()

    def as_of_day(self) -> dt.date | None:
        """The day typed in As of; None if it is not a date."""
        try:
            return dt.date.fromisoformat(self.as_of.text().strip())
        except ValueError:
            return None

    def _as_of_changed(self) -> None:
        day = self.as_of_day()
        if day is None:
            # Not a date: back to the day shown, and say how to write one.
            self.as_of.setText((self.on or dt.date.today()).isoformat())
            self.as_of.setToolTip(_("Write a day as 2018-12-01."))
            QToolTip.showText(
                self.as_of.mapToGlobal(self.as_of.rect().bottomLeft()), self.as_of.toolTip()
            )
            return
        self.as_of.setToolTip("")
        on = None if day == dt.date.today() else day
        if on != self.on:
            self.on = on
            self.load()

    def _only_noticed(self, only: bool) -> None:
        self.health_model.set_only_noticed(only)
        self._texts()

    # --- words -------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.only_noticed.setText(_("Only those to notice"))
        self.as_of_label.setText(_("&As of:"))
        self.map.retranslate()
        if self.view_data is not None:
            # Sentences and labels are made in the language of the moment: read again.
            self.load()
        self._texts()

    def _texts(self) -> None:
        view = self.view_data
        self.due_title.setText(_("Due soon"))
        self.health_title.setText(_("How each partnership is doing"))
        self.map_title.setText(_("Where the partners are"))
        if view is None:
            return
        due = len(view.due.items)
        overdue = sum(1 for item in view.due.items if item.days < 0)
        text = ngettext("{count} item", "{count} items", due).format(count=format_number(due))
        if overdue:
            text += " · " + ngettext("{count} overdue", "{count} overdue", overdue).format(
                count=format_number(overdue)
            )
        self.due_count.setText(text)
        noticed = sum(1 for row in view.health if row.signals)
        self.only_noticed.setText(
            ngettext(
                "Only those to notice ({count})", "Only those to notice ({count})", noticed
            ).format(count=format_number(noticed))
        )
        for model in (self.due_model, self.health_model):
            model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, model.columnCount() - 1)

    def _fit_columns(self) -> None:
        """Columns as wide as their header and the texts of their first rows (measuring a
        thousand partnerships' rows through Qt would cost the start screen a tenth of a
        second); the description of what is due takes the rest."""
        metrics = self.fontMetrics()
        for view, rows, model in (
            (self.due_view, self.due_model.texts[:200], self.due_model),
            (self.health_view, list(self.health_model.texts.values())[:200], self.health_model),
        ):
            header = view.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            header.setStretchLastSection(False)
            for column in range(model.columnCount()):
                title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
                widest = max(
                    [metrics.horizontalAdvance(title) + 24]
                    + [metrics.horizontalAdvance(row[column]) + 16 for row in rows if row[column]]
                )
                view.setColumnWidth(column, min(widest, 420))
        self.due_view.setColumnWidth(
            DueModel.ACTION, self.due_view.columnWidth(DueModel.ACTION) + 64
        )
        self.health_view.setColumnWidth(HealthModel.TREND, 90)
        self.health_view.horizontalHeader().setStretchLastSection(True)
        self.due_view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    def due_kinds(self) -> list[DueKind]:
        """The kinds of the items shown, in order (for tests)."""
        return [item.kind for item in self.due_model.items]
