"""The detail pane's History section: what was done to the shown record, newest first, from
the audit log (`services.history_text`): when, who, and each field's old and new value.

The pane reads the lines off the GUI thread and hands them here; this widget only shows
them. Each line's names and values were kept in their own direction when they were put into
words (`in_own_direction`), and each paragraph starts with a mark of the window's direction,
so a Hebrew line that begins with a Latin user name still reads right to left.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from exchange_desk.i18n.catalog import _

if TYPE_CHECKING:
    from exchange_desk.services.history_text import HistoryLine

# The lines shown at first; "Show all…" reads the rest.
SHOWN = 20
_LRM, _RLM = "\u200e", "\u200f"


def _paragraph(text: str) -> str:
    """`text` starting in the window's direction, whatever its first word's script."""
    return (_RLM if QGuiApplication.isRightToLeft() else _LRM) + text


class HistoryView(QWidget):
    """A header, one entry per line of the log (its time above what was done), and a button
    for the older lines; `show_all` asks the pane to read them."""

    show_all = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("history")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        header = QLabel(_("History"))
        font = header.font()
        font.setBold(True)
        header.setFont(font)
        header.setContentsMargins(0, 10, 0, 0)
        layout.addWidget(header)
        self._entries = QVBoxLayout()
        self._entries.setSpacing(8)
        layout.addLayout(self._entries)
        self._entry_widgets: list[QWidget] = []
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: palette(mid);")
        layout.addWidget(self.status)
        self.more = QPushButton(_("Show all…"))
        self.more.clicked.connect(self.show_all)
        self.more.hide()
        layout.addWidget(self.more, 0, Qt.AlignmentFlag.AlignLeading)
        self.lines: list[HistoryLine] = []

    def show_loading(self) -> None:
        self.status.setText(_("Loading…"))
        self.status.show()

    def show_failure(self, message: str) -> None:
        self._clear()
        self.more.hide()
        self.status.setText(message)
        self.status.show()

    def show_lines(self, lines: Sequence[HistoryLine], *, more: bool, shown_kind: str) -> None:
        """Show `lines` (newest first); `more`: older ones exist. A line about another record
        than the one shown (the partner city beside its partnership) names its kind."""
        self._clear()
        self.lines = list(lines)
        for line in lines:
            widget = self._entry(line, shown_kind)
            self._entries.addWidget(widget)
            self._entry_widgets.append(widget)
        self.more.setVisible(more)
        self.status.setText("" if lines else _("No changes are on record yet."))
        self.status.setVisible(not lines)

    def texts(self) -> list[str]:
        """The entries as shown, time and what was done (for tests and accessibility)."""
        return [
            "\n".join(label.text() for label in widget.findChildren(QLabel))
            for widget in self._entry_widgets
        ]

    def _clear(self) -> None:
        for widget in self._entry_widgets:
            self._entries.removeWidget(widget)
            widget.deleteLater()
        self._entry_widgets = []
        self.lines = []

    @staticmethod
    def _entry(line: HistoryLine, shown_kind: str) -> QWidget:
        entry = QWidget()
        layout = QVBoxLayout(entry)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        when = line.when
        if line.entry.kind != shown_kind and line.kind:
            when = f"{when} · {line.kind}"
        meta = QLabel(_paragraph(when))
        meta.setTextFormat(Qt.TextFormat.PlainText)
        meta.setStyleSheet("color: palette(dark);")
        font = meta.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        meta.setFont(font)
        # The action's words, with the computer's user and machine as a tooltip: who it was.
        meta.setToolTip(f"{line.entry.user_name} · {line.entry.os_user}@{line.entry.host}")
        what = QLabel(_paragraph(line.headline))
        layout.addWidget(meta)
        layout.addWidget(what)
        labels = [what]
        if line.changed:
            # A field's change a line, under the headline: "Leader: A → B".
            fields = QLabel("\n".join(_paragraph(text) for text in line.changed))
            fields.setIndent(14)
            layout.addWidget(fields)
            labels.append(fields)
        for label in labels:
            label.setTextFormat(Qt.TextFormat.PlainText)  # names as typed, never as markup
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return entry
