"""The dialog shown when another desk changed the record being edited: per field, the value
you started from, theirs and yours; take theirs, keep yours, or cancel.

Fields only one side changed are shown already merged (their change taken, yours kept), so
that nothing is merged behind the user's back; a field both changed is the user's choice.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from exchange_desk.i18n.catalog import _
from exchange_desk.services.conflicts import ConflictPlan, Side
from exchange_desk.ui.bidi import in_own_direction

__all__ = ["ConflictDialog"]

_BASE, _THEIRS, _YOURS, _RESULT = 1, 2, 3, 4


class ConflictDialog(QDialog):
    """Asks how to combine the user's changes with another desk's (`choices`)."""

    def __init__(self, plan: ConflictPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(_("Changed by someone else"))
        self.combos: dict[str, QComboBox] = {}

        headline = QLabel(plan.headline())
        font = QFont(headline.font())
        font.setBold(True)
        headline.setFont(font)
        headline.setWordWrap(True)
        if plan.choices_needed:
            explanation = _(
                "Both of you changed the fields marked below: choose which value to keep. "
                "The other changes are combined as shown."
            )
        else:
            explanation = _(
                "You changed different fields: both changes are combined as shown. "
                "Save to store the combined record."
            )
        self.explanation = QLabel(explanation)
        self.explanation.setWordWrap(True)

        who = plan.changed_by or _("someone else")
        self.table = QTableWidget(len(plan.fields), 5)
        self.table.setHorizontalHeaderLabels(
            [
                _("Field"),
                _("When you opened it"),
                _("Now stored (by {user})").format(user=who),
                _("Yours"),
                _("To save"),
            ]
        )
        self.table.verticalHeader().hide()
        # Rows as tall as the choice's drop-down, in every script (CJK text runs shorter).
        self.table.verticalHeader().setMinimumSectionSize(QComboBox().sizeHint().height() + 6)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(True)
        for row, item in enumerate(plan.fields):
            label = QTableWidgetItem(item.label)
            bold = QFont(label.font())
            bold.setBold(item.side is Side.BOTH)
            label.setFont(bold)
            self.table.setItem(row, 0, label)
            for column, text in ((_BASE, item.base), (_THEIRS, item.theirs), (_YOURS, item.yours)):
                shown = in_own_direction(text, self.isRightToLeft())
                self.table.setItem(row, column, QTableWidgetItem(shown))
            if item.side is Side.BOTH:  # the rows that need the user: highlighted
                for column in range(_RESULT):
                    cell = self.table.item(row, column)
                    if cell is not None:
                        cell.setBackground(self.palette().toolTipBase())
                        cell.setForeground(self.palette().toolTipText())
            if item.side is Side.BOTH:
                combo = QComboBox()
                combo.addItem(_("Keep mine"), Side.YOURS.value)
                combo.addItem(_("Take theirs"), Side.THEIRS.value)
                combo.setToolTip(_("Both of you changed this field."))
                self.combos[item.name] = combo
                self.table.setCellWidget(row, _RESULT, combo)
            else:
                text = (
                    _("their change (taken)")
                    if item.side is Side.THEIRS
                    else _("your change (kept)")
                )
                result = QTableWidgetItem(text)
                result.setForeground(self.palette().placeholderText())
                self.table.setItem(row, _RESULT, result)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for column in (_BASE, _THEIRS, _YOURS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(_RESULT, QHeaderView.ResizeMode.ResizeToContents)
        self.table.resizeRowsToContents()
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # As tall as its rows (a few fields differ, not a page of them), up to a limit.
        rows = sum(self.table.rowHeight(row) for row in range(self.table.rowCount()))
        frame = 2 * self.table.frameWidth()
        height = min(header.sizeHint().height() + rows + frame + 2, 420)
        self.table.setMinimumHeight(height)
        self.table.setMaximumHeight(height)

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            _("Save combined record"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.theirs_button = self.buttons.addButton(
            _("Take all of theirs"), QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.theirs_button.clicked.connect(self._take_theirs)
        self.took_theirs = False

        layout = QVBoxLayout(self)
        layout.addWidget(headline)
        layout.addWidget(self.explanation)
        layout.addWidget(self.table, 1)
        cancel_note = QLabel(_("Cancel goes back to your edit without saving."))
        cancel_note.setEnabled(False)  # a quieter line: a note, not an instruction
        layout.addWidget(cancel_note)
        layout.addWidget(self.buttons)
        self.resize(max(860, self.sizeHint().width()), self.sizeHint().height())
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)

    def choices(self) -> dict[str, Side]:
        """For each field both changed, the side to keep (theirs for every field after
        "Take all of theirs")."""
        if self.took_theirs:
            return {item.name: Side.THEIRS for item in self.plan.fields}
        return {name: Side(combo.currentData()) for name, combo in self.combos.items()}

    def choose(self, field: str, side: Side) -> None:
        """Pick a side for a field both changed (the tests, a keyboard user)."""
        combo = self.combos[field]
        combo.setCurrentIndex(combo.findData(side.value))

    def _take_theirs(self) -> None:
        self.took_theirs = True
        self.accept()
