"""The Qt model of one tab: a `services.tables.RecordTable` shown through a list of visible
rows, which searching, filtering and sorting rebuild in memory without touching the database.

Cells are formatted for the user's language when drawn, with caches: a table of 100,000
delegations holds a few thousand distinct dates and a handful of kinds.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication

from exchange_desk.domain.countries import country_name
from exchange_desk.domain.dates import PartialDate
from exchange_desk.i18n.catalog import _, active_language
from exchange_desk.i18n.formatting import format_number, format_partial_date
from exchange_desk.i18n.languages import find_language
from exchange_desk.services.tables import RecordTable
from exchange_desk.ui.bidi import in_own_direction
from exchange_desk.ui.collation import rank_keys

_Index = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole + 1
_DISPLAY, _ALIGN, _ID, _FONT, _FOREGROUND, _TOOLTIP = range(6)
_ROLES: dict[Any, int] = {
    Qt.ItemDataRole.DisplayRole: _DISPLAY,
    Qt.ItemDataRole.TextAlignmentRole: _ALIGN,
    ID_ROLE: _ID,
    Qt.ItemDataRole.FontRole: _FONT,
    Qt.ItemDataRole.ForegroundRole: _FOREGROUND,
    Qt.ItemDataRole.ToolTipRole: _TOOLTIP,
}
# Qt may pass a role as a plain int or as its enum: both must find the entry.
_ROLES.update({int(role): handled for role, handled in list(_ROLES.items())})
_TRAILING = int(Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter)
SAMPLE_GREY = "#696969"  # the text of sample rows, and of the legend that explains it


class RecordTableModel(QAbstractTableModel):
    """The visible rows of a tab, in the chosen order, found by the search and filters."""

    def __init__(self, table: RecordTable, default_column: int | None = None) -> None:
        super().__init__()
        self.table = table
        # The column whose names give the rows their order until a header is clicked (the
        # database orders by the English name, which in Chinese or Hebrew looks random);
        # None: the database's order (a date, which reads the same in every language).
        self.default_column = default_column
        self._search = ""
        self._filters: dict[str, Any] = {}
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._texts: dict[tuple[int, Any], str] = {}
        self._keys: dict[int, list[Any]] = {}
        self._found: dict[str, list[int]] = {}  # search text -> rows, for this order and filters
        self._grey = QBrush(QColor(SAMPLE_GREY))
        self._sample_tip = _("Sample record: invented for the demo, not a fact")
        # Cells whose text runs against the window are shown in their own direction.
        self._right_to_left = QGuiApplication.isRightToLeft()
        self._order: list[int] = self._ordered()  # rows of `table` in sort order
        self._visible: list[int] = list(self._order)

    # --- what is shown ----------------------------------------------------------------

    def replace_table(self, table: RecordTable) -> None:
        """Show new data (the complete table after a first page, or after a change), keeping
        the search, the filters and the order."""
        self.beginResetModel()
        self.table = table
        self._keys.clear()
        self._found.clear()
        self._order = self._ordered()
        self._visible = table.matching(self._order, self._search, self._filters)
        self.endResetModel()

    def set_search(self, text: str) -> None:
        if text == self._search:
            return
        self.beginResetModel()
        found = self._found.get(text)
        if found is None:
            # A longer text only narrows what is shown: search among the visible rows.
            narrowing = bool(self._search) and text.startswith(self._search)
            base = self._visible if narrowing else self._order
            found = self.table.matching(base, text, self._filters)
            # Kept for Backspace: going back to a shorter text costs nothing.
            if len(self._found) > 32:
                self._found.clear()
            self._found[text] = found
        self._search = text
        self._visible = found
        self.endResetModel()

    def set_filter(self, key: str, value: Any) -> None:
        self.beginResetModel()
        if value is None:
            self._filters.pop(key, None)
        else:
            self._filters[key] = value
        self._found.clear()
        self._visible = self.table.matching(self._order, self._search, self._filters)
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # Column -1 (no sort indicator): the tab's default order again.
        self._sort = (column, order) if 0 <= column < len(self.table.columns) else None
        self._reorder()

    def _ordered(self) -> list[int]:
        """The table's rows in the chosen order, else in the default one."""
        rows = list(range(len(self.table)))
        if self._sort is not None:
            return self._sorted(rows, *self._sort)
        if self.default_column is not None:
            # Stable: rows with the same name keep the database's order.
            return self._sorted(rows, self.default_column, Qt.SortOrder.AscendingOrder)
        return rows

    def _reorder(self) -> None:
        """Put the rows in order again, keeping the selection on the same records."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        old_rows = [self._visible[index.row()] for index in persistent]
        self._found.clear()
        self._order = self._ordered()
        self._visible = self.table.matching(self._order, self._search, self._filters)
        # Only the few rows Qt keeps track of (the selection) are looked up again.
        position: dict[int, int] = {}
        for row in set(old_rows):
            with contextlib.suppress(ValueError):
                position[row] = self._visible.index(row)
        self.changePersistentIndexList(
            persistent,
            [
                self.index(position[row], index.column()) if row in position else QModelIndex()
                for row, index in zip(old_rows, persistent, strict=True)
            ],
        )
        self.layoutChanged.emit()

    def _sorted(self, rows: list[int], column: int, order: Qt.SortOrder) -> list[int]:
        keys = self._sort_keys(column)
        descending = order == Qt.SortOrder.DescendingOrder
        if None not in keys:
            rows.sort(key=keys.__getitem__, reverse=descending)
            return rows
        # Empty values sort last either way, as people expect.
        filled = [row for row in rows if keys[row] is not None]
        empty = [row for row in rows if keys[row] is None]
        filled.sort(key=keys.__getitem__, reverse=descending)
        return filled + empty

    def _sort_keys(self, column: int) -> list[Any]:
        """One sort key per row of the table, computed once per column and language."""
        cached = self._keys.get(column)
        if cached is not None:
            return cached
        values = self.table.data[column]
        shows = self.table.columns[column].shows
        # Texts become their rank in the language's order (pinyin, alef-bet, accents and
        # case aside), each distinct text collated once: the rows then sort as integers.
        if shows == "names":
            # Rows share their Names objects (one per city), so each is named once.
            language = active_language()
            named = {
                id(names): names.best(language) or None
                for names in {id(value): value for value in values if value is not None}.values()
            }
            ranks = rank_keys(text for text in named.values() if text)
            keys = [
                None if value is None else ranks.get(named[id(value)] or "") for value in values
            ]
        elif shows in ("enum", "country"):
            labels = {
                value: self._text(column, value) or None
                for value in set(values)
                if value is not None
            }
            ranks = rank_keys(text for text in labels.values() if text)
            keys = [ranks.get(labels.get(value) or "") for value in values]
        elif shows == "text":
            ranks = rank_keys(value for value in values if value)
            keys = [ranks[value] if value else None for value in values]
        else:
            keys = list(values)
        self._keys[column] = keys
        return keys

    # --- Qt's model interface ------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.table.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every role of every visible cell at each repaint: plain int
        # comparisons and one lookup per role keep a keystroke's repaint short.
        handled = _ROLES.get(role)
        if handled is None or not index.isValid():
            return None
        row = self._visible[index.row()]
        if handled == _DISPLAY:
            column = index.column()
            return self._text(column, self.table.data[column][row])
        if handled == _ALIGN:
            if self.table.columns[index.column()].shows in ("number", "year"):
                return _TRAILING
            return None
        if handled == _ID:
            return self.table.ids[row]
        if not self.table.sample[row]:
            return None
        # Invented records must never pass for facts: grey, said so, and explained by the
        # tab's legend; never slanted (synthetic italics make Chinese and Hebrew look cheap).
        if handled == _FONT:
            return None
        if handled == _FOREGROUND:
            return self._grey
        return self._sample_tip

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        # The tool tip: the whole header where a narrow window shortens it.
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if orientation == Qt.Orientation.Horizontal:
            return _(self.table.columns[section].header)
        return None

    # --- helpers for the window ----------------------------------------------------------

    def record_id(self, row: int) -> int:
        return self.table.ids[self._visible[row]]

    def row_of(self, record_id: int) -> int | None:
        table_row = self.table.row_of(record_id)
        if table_row is None:
            return None
        try:
            return self._visible.index(table_row)
        except ValueError:
            return None

    def is_sample(self, row: int) -> bool:
        return self.table.sample[self._visible[row]]

    def visible_count(self) -> int:
        return len(self._visible)

    def visible_rows(self) -> list[int]:
        """The table's row numbers shown, in the order shown (a copy)."""
        return list(self._visible)

    def cell_texts(self, column: int, rows: Iterable[int]) -> set[str]:
        """The distinct texts `column` shows for these rows of the table (to measure it)."""
        values = self.table.data[column]
        return {self._text(column, values[row]) for row in rows}

    def forget_texts(self) -> None:
        """Drop formatted texts (after the language changed)."""
        self._texts.clear()
        self._keys.clear()
        self._sample_tip = _("Sample record: invented for the demo, not a fact")
        self._right_to_left = QGuiApplication.isRightToLeft()

    def retranslate(self) -> None:
        """The language changed: cells and headers in its words, rows in its order."""
        self.forget_texts()
        if self._sort is not None or self.default_column is not None:
            self._reorder()
        columns = self.columnCount()
        if columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, columns - 1)
            if self._visible:
                last = self.index(len(self._visible) - 1, columns - 1)
                self.dataChanged.emit(self.index(0, 0), last)

    def _text(self, column: int, value: Any) -> str:
        if value is None:
            return ""
        shows = self.table.columns[column].shows
        if shows == "names":
            return in_own_direction(str(value.best()), self._right_to_left)
        if shows == "text":
            return in_own_direction(str(value), self._right_to_left)
        if shows == "year":
            return str(value)
        key = (column, value)
        text = self._texts.get(key)
        if text is None:
            text = in_own_direction(_format(shows, value), self._right_to_left)
            self._texts[key] = text
        return text


def _format(shows: str, value: Any) -> str:
    if shows == "date":
        return format_partial_date(PartialDate.parse(value))
    if shows == "number":
        return format_number(value)
    if shows == "enum":
        return str(value.label)
    if shows == "country":
        language = find_language(active_language())
        return country_name(value, language.babel_locale if language else "en")
    return str(value)
