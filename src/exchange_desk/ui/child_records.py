"""The records of one kind that belong to one record of another: a delegation's members, its
programme, a reception's guests.

`ChildRecords` lists them in a table (rows made by a loader the owner's window gives, off the
GUI thread, in the order the protocol wants) with Add…, Edit… and Remove. Add and Edit open
the generic record dialog (`record_dialog.RecordDialog`) with the owner's reference set and
hidden (`OwnedRecordDialog`), so a member is always added to this delegation; every write
goes through the services as an operation (`ui.operations`), audit log, versions and undo
history included, and the table reads again when the window's one `changed` signal says that
what it shows changed. A viewer sees the list and the buttons greyed out, with the reason.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from exchange_desk.domain.errors import FieldProblem
from exchange_desk.domain.roles import Role
from exchange_desk.i18n.catalog import _
from exchange_desk.services.changes import Changes
from exchange_desk.services.database import Database
from exchange_desk.services.registry import DECLARED
from exchange_desk.services.roles import refusal, role_of
from exchange_desk.ui.bidi import in_own_direction
from exchange_desk.ui.fields import PROBLEM_COLOR
from exchange_desk.ui.operations import CollectionOp, QueryOp, change_hub
from exchange_desk.ui.record_dialog import RecordDialog, picker_kinds
from exchange_desk.ui.translated import Retranslating

__all__ = [
    "WARNING_COLOR",
    "ChildList",
    "ChildRecords",
    "ChildRow",
    "ChildTableModel",
    "OwnedRecordDialog",
]

_Index = QModelIndex | QPersistentModelIndex
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
# A warm tint that marks a row the programme warns about, readable under black text.
WARNING_COLOR = QColor(255, 236, 179)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_RECORD = int(RECORD_ROLE)


@dataclass(frozen=True, slots=True)
class ChildRow:
    """One row: the record (with its id and version), its cells already in the window's
    language, how a question names it, and a warning that marks the row (an overlap)."""

    record: Any
    cells: tuple[str, ...]
    label: str
    warning: str = ""
    flagged: tuple[int, ...] = ()  # columns whose text asks for attention (shown in red)


@dataclass(frozen=True, slots=True)
class ChildList:
    """What a loader returns: the rows in the order to show them, and warnings about the
    whole list, shown above it."""

    rows: tuple[ChildRow, ...]
    warnings: tuple[str, ...] = ()
    extra: Any = None  # whatever else the owner's window read with them (a seating plan's list)


Loader = Callable[[Database], ChildList]


class ChildTableModel(QAbstractTableModel):
    """The rows of a `ChildList` under the given column headers; read only (the dialog
    edits)."""

    def __init__(self, headers: Callable[[], Sequence[str]], parent: Any = None) -> None:
        super().__init__(parent)
        self._headers = headers
        self._header_texts = list(headers())
        self.rows: tuple[ChildRow, ...] = ()
        self._tint = QBrush(WARNING_COLOR)
        self._red = QBrush(QColor(PROBLEM_COLOR))
        self._dark = QBrush(QColor(20, 20, 20))
        self._right_to_left = QGuiApplication.isRightToLeft()

    def replace(self, rows: Sequence[ChildRow]) -> None:
        self.beginResetModel()
        self.rows = tuple(rows)
        self._right_to_left = QGuiApplication.isRightToLeft()
        self.endResetModel()

    def retranslate(self) -> None:
        self._header_texts = list(self._headers())
        if self._header_texts:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._header_texts) - 1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._header_texts)

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        role = int(role)
        if role == _DISPLAY:
            if index.column() >= len(row.cells):
                return ""
            # A Hebrew name in the English window (and the other way round) reads as typed.
            return in_own_direction(row.cells[index.column()], self._right_to_left)
        if role == _TOOLTIP:
            if row.warning:
                return row.warning
            # What asks for attention is told whole, however narrow its column.
            if index.column() in row.flagged and index.column() < len(row.cells):
                return row.cells[index.column()]
            return None
        if role == _BACKGROUND:
            return self._tint if row.warning else None
        if role == _FOREGROUND:
            if index.column() in row.flagged:
                return self._red
            # The tint is light in every theme: the text on it stays dark.
            return self._dark if row.warning else None
        if role == _RECORD:
            return row.record
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if int(role) != _DISPLAY:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self._header_texts):
                return self._header_texts[section]
            return None
        return str(section + 1)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class OwnedRecordDialog(RecordDialog):
    """The generic record dialog with some fields set and not shown: the owner's reference
    (a member's delegation) and the references that must stay empty (a reception guest's
    event). `initial` sets shown fields of a new record (a member's arrival)."""

    def __init__(
        self,
        database: Database,
        kind: str,
        record: Any | None,
        *,
        preset: Mapping[str, Any],
        initial: Mapping[str, Any] | None = None,
        owner_label: str = "",
        choices: Mapping[str, Sequence[tuple[int, str]]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(database, kind, record, None, parent, choices=choices)
        self.preset = dict(preset)
        for name, value in self.preset.items():
            self.editors[name].set_value(value)
            # The row `_add_row` made holds the editor and its problem label.
            row = self.field_widgets[name].parentWidget()
            if row is not None:
                self.form.setRowVisible(row, False)
        if record is None:
            for name, value in (initial or {}).items():
                if name in self.editors and name not in self.preset:
                    self.editors[name].set_value(value)
        if owner_label:
            self.setWindowTitle(f"{self.windowTitle()} — {owner_label}")

    def _show(self, problems: Sequence[FieldProblem]) -> None:
        # A field the user cannot see has its message above the fields, where it is read.
        super()._show(
            [
                FieldProblem("", problem.reason) if problem.field in self.preset else problem
                for problem in problems
            ]
        )


def _history_of(widget: QWidget | None) -> Any:
    """The window's undo history (`ui.undo.UndoHistory`), if the widget is in one."""
    while widget is not None:
        history = getattr(widget, "history", None)
        if history is not None and hasattr(history, "push"):
            return history
        widget = widget.parentWidget()
    return None


@dataclass
class _Owner:
    kind: str  # the child's kind
    preset: dict[str, Any]
    owner_kind: str
    owner_id: int
    extra_lists: dict[str, list[tuple[int, str]]] = field(default_factory=dict)


class ChildRecords(Retranslating, QWidget):
    """A table of one owner's child records with Add…, Edit… and Remove.

    `preset` are the fields every record of the list has (`{"delegation_id": 7}`; for a
    reception's guests also `{"event_id": None}`); the first names the owner. `loader` reads
    the rows off the GUI thread; `reads` are the kinds whose changes make the list read
    again (the child kind and persons by default). `initial` gives a new record's shown
    fields their first values (a callable, read when Add is pressed)."""

    loaded = Signal()  # the rows read last are shown
    current_changed = Signal()  # another row was chosen (or none)

    def __init__(
        self,
        database: Database,
        kind: str,
        preset: Mapping[str, Any],
        loader: Loader,
        headers: Callable[[], Sequence[str]],
        *,
        reads: Iterable[str] = (),
        initial: Callable[[], Mapping[str, Any]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.kind = kind
        self.preset = dict(preset)
        self.loader = loader
        self.initial = initial
        self.owner_label = ""
        self.reads = frozenset({kind, "persons", "organizations", *reads})
        owner_field = next(iter(self.preset))
        self.owner_kind = DECLARED[kind].field(owner_field).kind or ""
        self.owner_id = int(self.preset[owner_field])
        self.dialog: OwnedRecordDialog | None = None  # the one open, if any
        self.extra: Any = None  # the loader's `extra`, as read last
        self._loading = False
        self._stale = True
        self._generation = 0
        self._opening: QueryOp[Any] | None = None
        self.role = role_of(database)
        self.read_only = self.role < Role.EDITOR

        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        self.warning_label.setTextFormat(Qt.TextFormat.PlainText)
        self.warning_label.setObjectName("warning")
        self.warning_label.setStyleSheet(
            f"background: {WARNING_COLOR.name()}; color: #3e2723; padding: 4px 6px;"
            " border-radius: 3px;"
        )
        self.warning_label.hide()

        self.model = ChildTableModel(headers, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setTabKeyNavigation(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        horizontal = self.view.horizontalHeader()
        horizontal.setHighlightSections(False)
        horizontal.setStretchLastSection(True)
        horizontal.setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter
        )
        self.view.doubleClicked.connect(lambda _index: self.edit())
        self.view.selectionModel().currentRowChanged.connect(self._current_moved)

        self.add_button = QPushButton()
        self.edit_button = QPushButton()
        self.remove_button = QPushButton()
        self.add_button.clicked.connect(lambda: self.add())
        self.edit_button.clicked.connect(lambda: self.edit())
        self.remove_button.clicked.connect(lambda: self.remove())
        for button in (self.add_button, self.edit_button, self.remove_button):
            button.setAutoDefault(False)
        self.button_bar = QHBoxLayout()
        self.button_bar.addWidget(self.add_button)
        self.button_bar.addWidget(self.edit_button)
        self.button_bar.addWidget(self.remove_button)
        self.button_bar.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.view, 1)
        layout.addLayout(self.button_bar)

        change_hub().changed.connect(self._data_changed)
        self.translate_now()
        self._update_buttons()

    # --- reading -------------------------------------------------------------------------

    def reload(self) -> QueryOp[ChildList]:
        """Read the rows again (off the GUI thread), keeping the record chosen."""
        self._loading = True
        self._stale = False
        self._generation += 1
        generation = self._generation
        loader = self.loader
        return (
            QueryOp(self, loader, database=self.database)
            .success(lambda found: self._arrived(found, generation))
            .failure(lambda error: self._failed(error, generation))
            .run_in_background()
        )

    @property
    def loading(self) -> bool:
        return self._loading

    def _arrived(self, found: ChildList, generation: int) -> None:
        if generation != self._generation:
            return  # a newer read is on its way
        self._loading = False
        chosen = self.current_id()
        self.extra = found.extra
        self.model.replace(found.rows)
        self.warning_label.setText("\n".join(found.warnings))
        self.warning_label.setVisible(bool(found.warnings))
        self._size_columns()
        if chosen is not None:
            self.select_record(chosen)
        self._update_buttons()
        self.loaded.emit()

    def _failed(self, error: BaseException, generation: int) -> None:
        if generation != self._generation:
            return
        self._loading = False
        from exchange_desk.ui.errors import report_failure

        report_failure(error, self)

    def _data_changed(self, changes: Changes) -> None:
        if not shiboken6.isValid(self):
            return
        if not changes.touches_any(self.reads) and not changes.touches(
            self.owner_kind, self.owner_id
        ):
            return
        if self.isVisible():
            self.reload()
        else:
            self._stale = True  # read when shown

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and not self._loading:
            self.reload()

    def _size_columns(self) -> None:
        header = self.view.horizontalHeader()
        self.view.resizeColumnsToContents()
        # Wide enough for header and cells in any script; a very long text keeps a width
        # that leaves the other columns on screen (its tooltip-free cell scrolls).
        for column in range(self.model.columnCount() - 1):
            width = header.sectionSize(column) + 12
            header.resizeSection(column, min(max(width, 60), 320))
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

    # --- choosing ------------------------------------------------------------------------

    def current_row(self) -> ChildRow | None:
        index = self.view.selectionModel().currentIndex()
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        row = index.row() if index.isValid() else rows[0].row()
        return self.model.rows[row] if 0 <= row < len(self.model.rows) else None

    def current_id(self) -> int | None:
        row = self.current_row()
        return None if row is None else int(row.record.id)

    def select_record(self, record_id: int) -> bool:
        for number, row in enumerate(self.model.rows):
            if row.record.id == record_id:
                self.select_row(number)
                return True
        return False

    def select_row(self, row: int) -> None:
        """Select a whole row through the selection model (selectRow() selects nothing in a
        right-to-left view not laid out yet)."""
        index = self.model.index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
            | QItemSelectionModel.SelectionFlag.Current,
        )

    def _current_moved(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_buttons()
        self.current_changed.emit()

    def _update_buttons(self) -> None:
        chosen = self.current_row() is not None
        self.add_button.setEnabled(not self.read_only)
        self.edit_button.setEnabled(not self.read_only and chosen)
        self.remove_button.setEnabled(not self.read_only and chosen)
        why = refusal(self.role, Role.EDITOR) if self.read_only else ""
        for button in (self.add_button, self.edit_button, self.remove_button):
            button.setToolTip(why)

    # --- writing -------------------------------------------------------------------------

    def _open(self, record_id: int | None) -> QueryOp[Any] | None:
        """Read the record (if any) and the lists its dialog chooses from, off the GUI
        thread, then open the dialog on them (window-modal, not blocking)."""
        if self.read_only or self._opening is not None:
            return None
        if self.dialog is not None and shiboken6.isValid(self.dialog) and self.dialog.isVisible():
            self.dialog.raise_()
            self.dialog.activateWindow()
            return None
        kind, preset = self.kind, dict(self.preset)
        owner_kinds = {
            DECLARED[kind].field(name).kind for name in preset if DECLARED[kind].field(name).kind
        }
        # The owner's lists hold only the owner: never all 100,000 delegations.
        readable = [k for k in picker_kinds(kind) if k not in owner_kinds]
        owner_field = next(iter(preset))

        def read(database: Database) -> tuple[Any, dict[str, list[tuple[int, str]]]]:
            from exchange_desk.services.records import get_record
            from exchange_desk.ui.fields import read_choices

            record = get_record(database, kind, record_id) if record_id is not None else None
            lists = read_choices(database, readable)
            for name, value in preset.items():
                referred = DECLARED[kind].field(name).kind
                if referred is None:
                    continue
                lists.setdefault(referred, [])
                if value is not None and name == owner_field:
                    lists[referred].append((int(value), self.owner_label or str(value)))
            return record, lists

        def show(found: tuple[Any, dict[str, list[tuple[int, str]]]]) -> None:
            self._opening = None
            record, lists = found
            self._show_dialog(record, lists)

        def failed(error: BaseException) -> None:
            self._opening = None
            from exchange_desk.ui.errors import report_failure

            report_failure(error, self)

        self._opening = QueryOp(self, read, database=self.database).success(show).failure(failed)
        return self._opening.run_in_background()

    def _show_dialog(self, record: Any | None, lists: dict[str, list[tuple[int, str]]]) -> None:
        initial = dict(self.initial()) if self.initial is not None and record is None else {}
        dialog = OwnedRecordDialog(
            self.database,
            self.kind,
            record,
            preset=self.preset,
            initial=initial,
            owner_label=self.owner_label,
            choices=lists,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._saved)
        dialog.destroyed.connect(lambda _object=None: self._dialog_gone())
        self.dialog = dialog
        dialog.open()

    def _dialog_gone(self) -> None:
        if shiboken6.isValid(self):
            self.dialog = None

    def _saved(self, saved: Any) -> None:
        """A record was stored (`editing.Saved`): its step joins the window's undo history,
        and the table shows it chosen once read again."""
        history = _history_of(self)
        if history is not None:
            history.push(saved.step)
        record_id = getattr(saved.record, "id", None)
        if record_id is not None:
            self.loaded.connect(self._select_once(int(record_id)))

    def _select_once(self, record_id: int) -> Callable[[], None]:
        def select() -> None:
            self.loaded.disconnect(select)
            self.select_record(record_id)

        return select

    def add(self) -> QueryOp[Any] | None:
        """Add…: the dialog of a new record of this owner."""
        return self._open(None)

    def edit(self) -> QueryOp[Any] | None:
        """Edit… (or a double click): the dialog of the chosen record."""
        record_id = self.current_id()
        if record_id is None:
            return None
        return self._open(record_id)

    def remove(self) -> QueryOp[Any] | None:
        """Remove: ask, naming the record and what goes with it, then delete it."""
        row = self.current_row()
        if row is None or self.read_only or self._opening is not None:
            return None
        kind, record_id = self.kind, int(row.record.id)

        def preview(database: Database) -> Any:
            from exchange_desk.services.editing import deletion_preview

            return deletion_preview(database, kind, record_id)

        def ask(found: Any) -> None:
            self._opening = None
            if self.confirm_remove(row.label, found):
                self._delete(found)

        def failed(error: BaseException) -> None:
            self._opening = None
            from exchange_desk.ui.errors import report_failure

            report_failure(error, self)

        self._opening = QueryOp(self, preview, database=self.database).success(ask).failure(failed)
        return self._opening.run_in_background()

    def confirm_remove(self, label: str, preview: Any) -> bool:
        """Whether the user wants `label` removed (with what depends on it)."""
        question = _("Remove “{name}”?").format(name=label)
        message = f"<p>{html.escape(question)}</p>"
        if preview.dependents:
            lines = "".join(f"<li>{html.escape(d.describe())}</li>" for d in preview.dependents)
            message += f"<p>{html.escape(_('This also removes:'))}</p><ul>{lines}</ul>"
        if _history_of(self) is not None:
            message += f"<p>{html.escape(_('You can undo this with Ctrl+Z.'))}</p>"
        answer = QMessageBox.question(
            self,
            _("Remove"),
            message,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _delete(self, preview: Any) -> CollectionOp[Any]:
        kind, record_id = preview.kind, preview.id
        cascade, version = bool(preview.dependents), preview.version

        def delete(database: Database) -> Any:
            from exchange_desk.services.editing import delete_record

            return delete_record(database, kind, record_id, cascade=cascade, version=version)

        def deleted(result: Any) -> None:
            history = _history_of(self)
            if history is not None:
                history.push(result.step)

        def failed(error: BaseException) -> None:
            from exchange_desk.ui.errors import report_failure

            report_failure(error, self)

        return (
            CollectionOp(self, delete, database=self.database)
            .success(deleted)
            .failure(failed)
            .run_in_background()
        )

    # --- looks ---------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.add_button.setText(_("Add…"))
        self.edit_button.setText(_("Edit…"))
        self.remove_button.setText(_("Remove"))
        self.model.retranslate()
        self._update_buttons()
        if self.model.rows:
            # The cells were written in the language of their reading: read them again.
            self._stale = True
            if self.isVisible():
                self.reload()
