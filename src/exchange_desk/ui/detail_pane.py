"""The detail pane: the selected record's facts and the records that hang on it, each a
link that takes the window to that record. It listens to the operations' change hub: when
its record, a record it links to, or a record that may hang on it changes, it asks to be
read again (`stale`); when its record is deleted, it empties.

At the bottom, the record's History (`ui.history_view`): the newest lines of the audit log,
read off the GUI thread each time the record is shown, so a change made here or at another
desk shows up with the rest of the record.

A person's passport data comes masked (`details.Hidden`: no value in it); Reveal reads the
record again with it shown, which the services put on record, and Hide goes back to the
masked detail. Showing another record, or this one changed, masks it again.

Under the facts, the record's Files (`ui.attachment_strip`): files dropped anywhere on the
pane from the file manager are attached to the record shown; what is attached, removed or
made the photo is a step for the window's undo history (`step_done`)."""

from __future__ import annotations

import html
import logging
from functools import cache
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from exchange_desk.domain.errors import NotAllowed, NotFound, StorageUnavailable
from exchange_desk.i18n.catalog import _
from exchange_desk.ui.attachment_strip import AttachmentStrip, RecordFiles, files_owner, local_paths
from exchange_desk.ui.bidi import in_own_direction
from exchange_desk.ui.formatting import show
from exchange_desk.ui.forms import MASK
from exchange_desk.ui.history_view import SHOWN, HistoryView
from exchange_desk.ui.operations import CollectionOp, QueryOp, change_hub

if TYPE_CHECKING:
    from exchange_desk.services.changes import Changes
    from exchange_desk.services.details import Detail, Related
    from exchange_desk.services.history_text import HistoryLine

# Facts' labels stand beside their values when the pane has room for the widest label (up
# to LABEL_MOST, longer ones wrap) and VALUE_LEAST for the value; else above them.
LABEL_MOST, VALUE_LEAST = 180, 200
QWIDGETSIZE_MAX = 16777215  # Qt's "no maximum"


# The records whose history a record's History shows with its own: a partnership is shown
# as its partner city, an award with its certificate (issued and printed).
_HISTORY_BESIDE = {"partnerships": "cities", "awards": "certificates"}


@cache
def referrers() -> dict[str, frozenset[str]]:
    """For each kind, the kinds whose records refer to one of it or list it (a delegation
    refers to its city and lists organizations): a record of those, created or deleted,
    may hang on a record of the first. Read from the kinds' registry on first use (it loads
    the ORM, which a change has loaded already)."""
    from exchange_desk.services.kinds import KIND_OF_TABLE, KINDS

    found: dict[str, set[str]] = {name: set() for name in KINDS}
    for kind in KINDS.values():
        targets = {reference.kind for reference in kind.references}
        for collection in kind.collections:
            for key in collection.row.__table__.foreign_keys:
                listed = KIND_OF_TABLE.get(key.column.table.name)
                if listed is not None and listed.name != kind.name:
                    targets.add(listed.name)
        for name in targets:
            found.setdefault(name, set()).add(kind.name)
    return {name: frozenset(kinds) for name, kinds in found.items()}


class DetailPane(QScrollArea):
    """Shows one `Detail`; `go_to(kind, id)` is emitted when a related record is clicked."""

    go_to = Signal(str, int)
    edit_requested = Signal()

    stale = Signal()  # what is shown changed: read it again
    # A step done here (files attached or removed, a photo chosen): for the undo history.
    step_done = Signal(object)

    def sizeHint(self) -> QSize:
        # Wide enough for a person's facts (labels like "Given names as in the passport"
        # beside an e-mail address) when the window first opens.
        return QSize(320, super().sizeHint().height())

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMinimumWidth(260)
        # Everything wraps to the pane's width: a sideways scroll would hide a right-to-left
        # value at the far side. (A word longer than the pane, a long e-mail address, is cut
        # rather than broken: copied, it must stay the address.)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.detail: Detail | None = None
        self.history: HistoryView | None = None
        # The last history read: (kind, id), its lines, whether older ones exist. Shown at
        # once when the same record is shown again (after a save), until the new read is in.
        self._history: tuple[tuple[str, int], list[HistoryLine], bool] | None = None
        self._history_all: tuple[str, int] | None = None  # the record "Show all…" was asked of
        self._history_reads = 0  # a read's number: only the newest one's lines are shown
        # While passport data is shown: the masked detail it came from, which Hide shows.
        self._masked: Detail | None = None
        self.revealing: CollectionOp[Any] | None = None
        self.reveal_button: QPushButton | None = None
        # The shown record's Files, and the last files read (shown at once when the same
        # record is shown again after a save, until the new read is in).
        self.files: AttachmentStrip | None = None
        self._files: RecordFiles | None = None
        # Files dragged from the file manager may be dropped anywhere on the pane.
        self.viewport().setAcceptDrops(True)
        self._layout = QVBoxLayout()
        # The shown record's facts: (label, value) widgets, in a grid arranged for the
        # pane's width; whether each label stands above its value now.
        self._facts = QGridLayout()
        self._fact_labels: list[tuple[QLabel, QLabel]] = []
        self._stacked: bool | None = None
        self.show_nothing()
        change_hub().changed.connect(self._data_changed)

    def shows(self, changes: Changes) -> bool:
        """Whether `changes` touch what the pane shows: its record, a record it links to,
        or a record created or deleted of a kind that can hang on one of them."""
        detail = self.detail
        if detail is None:
            return False
        if changes.touches(detail.kind, detail.id):
            return True
        items = [item for _label, group in detail.groups for item in group]
        if any(changes.touches(item.kind, item.id) for item in items):
            return True
        shown = {detail.kind, *(item.kind for item in items)}
        appeared = set(changes.created) | set(changes.deleted)
        table = referrers()
        return any(appeared & table.get(kind, frozenset()) for kind in shown)

    def _data_changed(self, changes: Changes) -> None:
        detail = self.detail
        if detail is None or not self.shows(changes):
            return
        if detail.id in changes.deleted.get(detail.kind, ()):
            self.show_nothing()  # the record is gone
        else:
            self.stale.emit()

    def retranslate(self) -> None:
        """Show the same record again in the new language (its facts are kept as values
        and message ids, so no database read is needed)."""
        if self.detail is not None:
            self.show_detail(self.detail)
        elif self._hint_is_default:
            self.show_nothing()

    def _clear(self) -> None:
        # A new page each time: the scroll area deletes the old one with all it held.
        body = QWidget()
        self._fact_labels = []  # deleted with the old page
        self._layout = QVBoxLayout(body)
        self._layout.setContentsMargins(12, 10, 12, 10)
        self.setWidget(body)

    def show_nothing(self, text: str | None = None) -> None:
        self.detail = None
        self._masked = None
        self.reveal_button = None
        self.history = None
        self.files = None
        self._hint_is_default = text is None
        self._clear()
        hint = QLabel(text or _("Select a record to see its details."))
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setStyleSheet("color: palette(mid);")
        self._layout.addStretch(1)
        self._layout.addWidget(hint)
        self._layout.addStretch(2)

    def show_detail(self, detail: Detail) -> None:
        if not detail.revealed:
            self._masked = None  # a record read as usual (another one, or this one again)
        self.detail = detail
        self.reveal_button = None
        self._clear()
        # The title and every value stand at the window's reading edge, the right one in
        # Hebrew, even when their own text runs the other way (an English purpose); each
        # paragraph still reads in its text's direction (a label finds it from the first
        # letter).
        edge = Qt.AlignmentFlag.AlignAbsolute | (
            Qt.AlignmentFlag.AlignRight if self.isRightToLeft() else Qt.AlignmentFlag.AlignLeft
        )
        title = QLabel(detail.title.best())
        title.setTextFormat(Qt.TextFormat.PlainText)  # names are shown as typed, never as markup
        title.setWordWrap(True)
        title.setAlignment(edge | Qt.AlignmentFlag.AlignVCenter)
        title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        title.setFont(font)
        self._layout.addWidget(title)
        if detail.is_sample:
            badge = QLabel(_("Sample record: invented for the demo, not a fact"))
            badge.setWordWrap(True)
            badge.setStyleSheet(
                "background: #fff4d6; color: #6b4e00; border: 1px solid #e6c770;"
                " border-radius: 3px; padding: 3px 6px;"
            )
            self._layout.addWidget(badge)
        # A grid rather than a form: a long label ("Given names as in the passport") wraps
        # in a narrow pane instead of pushing its value out of sight, and each row is as
        # tall as its wrapped label or value. In a narrow pane each label stands above its
        # value (`_arrange_facts`), so that notes are not one word a line.
        self._facts = QGridLayout()
        self._facts.setHorizontalSpacing(10)
        self._facts.setVerticalSpacing(4)
        for label, value in detail.facts:
            hidden = _is_hidden(value)
            text = QLabel(MASK if hidden else show(value))
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.setWordWrap(True)
            text.setAlignment(edge | Qt.AlignmentFlag.AlignTop)
            if hidden:
                text.setStyleSheet("color: palette(mid);")
                text.setToolTip(_("Hidden: press Reveal to see it."))
            else:
                text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            name = QLabel(_("{label}:").format(label=_(label)))
            name.setStyleSheet("color: palette(dark);")
            name.setWordWrap(True)
            self._fact_labels.append((name, text))
        self._stacked = None
        self._arrange_facts()
        self._layout.addLayout(self._facts)
        if detail.hidden or detail.revealed:
            self._add_reveal(detail)
        self._add_files(detail)
        for label, items in detail.groups:
            header = QLabel(f"<b>{html.escape(_(label))}</b>")
            header.setContentsMargins(0, 10, 0, 2)
            self._layout.addWidget(header)
            links = QLabel(self._links(items))
            links.setWordWrap(True)
            links.setTextFormat(Qt.TextFormat.RichText)
            links.setTextInteractionFlags(
                Qt.TextInteractionFlag.LinksAccessibleByMouse
                | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
            )
            links.linkActivated.connect(self._follow)
            self._layout.addWidget(links)
        edit = QPushButton(_("Edit…"))
        edit.clicked.connect(self.edit_requested)
        self._layout.addSpacing(8)
        self._layout.addWidget(edit, 0, Qt.AlignmentFlag.AlignLeading)
        self.history = HistoryView()
        self.history.show_all.connect(self._read_all_history)
        self._layout.addWidget(self.history)
        self._layout.addStretch(1)
        self._read_history()

    def _arrange_facts(self) -> None:
        """Labels beside their values where the pane is wide enough for both (the widest
        label, at most LABEL_MOST, and VALUE_LEAST for the value), else each above its value."""
        # The pane's width less its margins and a scroll bar (most records need one): known
        # at once when the pane is resized, before the viewport follows.
        scroll_bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        room = self.maximumViewportSize().width() - scroll_bar - 24
        # Labels on one line (a wrapping label's size hint is narrower than its text).
        labels = [name for name, _text in self._fact_labels]
        widest = max((n.fontMetrics().horizontalAdvance(n.text()) for n in labels), default=0)
        label_width = min(widest + 2, LABEL_MOST)
        stacked = label_width + 10 + VALUE_LEAST > room
        if stacked == self._stacked:
            return
        self._stacked = stacked
        facts = self._facts
        for name, text in self._fact_labels:
            facts.removeWidget(name)
            facts.removeWidget(text)
        top = Qt.AlignmentFlag.AlignTop
        # Labels and values fill their cells (a label given only its size hint would wrap
        # and be cut), so their own alignment says where their text stands.
        for row, (name, text) in enumerate(self._fact_labels):
            name.setAlignment(Qt.AlignmentFlag.AlignLeading | top)
            if stacked:
                # A little air above each label but the first.
                name.setContentsMargins(0, 6 if row else 0, 0, 0)
                name.setMaximumWidth(QWIDGETSIZE_MAX)
                facts.addWidget(name, 2 * row, 0, top)
                facts.addWidget(text, 2 * row + 1, 0, top)
            else:
                name.setContentsMargins(0, 0, 0, 0)
                name.setMaximumWidth(LABEL_MOST)  # a longer one wraps
                facts.addWidget(name, row, 0)
                facts.addWidget(text, row, 1)
        # Beside the values, the labels' column is as wide as the widest label.
        facts.setColumnMinimumWidth(0, 0 if stacked else label_width)
        facts.setColumnStretch(0, 1 if stacked else 0)
        facts.setColumnStretch(1, 0 if stacked else 1)
        facts.setVerticalSpacing(2 if stacked else 4)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.detail is not None and self._fact_labels:
            self._arrange_facts()

    def _add_files(self, detail: Detail) -> None:
        """The Files section, shown at once from the last read of the same record, then
        read again in the background."""
        owner = files_owner(detail.kind, detail.id, detail.groups)
        body = self.widget()
        assert body is not None
        kept = self._files if self._files is not None and self._files.owner == owner else None
        # Writes run over the pane and hand their steps to it: a page is rebuilt at every
        # change, the pane stays.
        strip = AttachmentStrip(owner, body, shown=kept, host=self, on_step=self.step_done.emit)
        strip.files_read.connect(self._keep_files)
        self._layout.addWidget(strip)
        self.files = strip
        strip.read()

    def _keep_files(self, files: RecordFiles) -> None:
        self._files = files

    # --- files dropped on the pane --------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.files is not None and local_paths(event.mimeData()):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.files.set_dropping(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self.files is not None and local_paths(event.mimeData()):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        if self.files is not None:
            self.files.set_dropping(False)
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = local_paths(event.mimeData())
        if self.files is None or not paths:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        # The drag's source (the file manager) waits until the drop returns: what follows
        # (a viewer's refusal, attaching in the background) comes after it.
        strip = self.files
        QTimer.singleShot(0, strip, lambda: strip.drop(paths))

    def _add_reveal(self, detail: Detail) -> None:
        """Reveal under masked passport data, or Hide once it is shown."""
        row = QHBoxLayout()
        row.setContentsMargins(0, 4, 0, 0)
        if detail.revealed:
            button = QPushButton(_("Hide passport data"))
            button.clicked.connect(self.hide_revealed)
            note = QLabel(_("Revealed to you; the log records it."))
        else:
            button = QPushButton(_("Reveal passport data"))
            button.setToolTip(
                _(
                    "Show the passport number, nationality, date of birth and sex; the log "
                    "records who revealed them."
                )
            )
            button.clicked.connect(self.reveal)
            button.setEnabled(self.revealing is None)
            self.reveal_button = button
            note = QLabel()
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(dark);")
        row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(note, 1)
        self._layout.addLayout(row)

    def reveal(self) -> CollectionOp[Any] | None:
        """Read the shown record again with its passport data (off the GUI thread; the
        services put the reveal on record) and show it; a viewer is told why not."""
        detail = self.detail
        if detail is None or not detail.hidden or self.revealing is not None:
            return None
        kind, record_id = detail.kind, detail.id

        def read(database: Any) -> Detail:
            from exchange_desk.services.details import record_detail

            return record_detail(database, kind, record_id, reveal=True)

        def shown(revealed: Detail) -> None:
            self.revealing = None
            if self.detail is detail:  # still the record it was asked for
                self.show_detail(revealed)
                self._masked = detail

        def refused(error: BaseException) -> None:
            self.revealing = None
            if self.reveal_button is not None:
                self.reveal_button.setEnabled(True)
            if isinstance(error, NotAllowed):
                QMessageBox.information(self, _("Reveal"), error.user_message())
            elif isinstance(error, (StorageUnavailable, NotFound)):
                QMessageBox.warning(self, _("Reveal"), error.user_message())
            else:
                from exchange_desk.ui.errors import report_failure

                report_failure(error, self)

        if self.reveal_button is not None:
            self.reveal_button.setEnabled(False)
        self.revealing = CollectionOp(self, read).success(shown).failure(refused)
        return self.revealing.run_in_background()

    def hide_revealed(self) -> None:
        """Hide: the masked detail again (no database read)."""
        if self._masked is not None:
            self.show_detail(self._masked)

    @staticmethod
    def _links(items: list[Related]) -> str:
        lines = []
        for item in items:
            parts = []
            if item.date is not None:
                parts.append(html.escape(show(item.date)))
            # A title against the pane's direction (an English one in Hebrew) keeps its own
            # order inside the line, as in the tables.
            title = in_own_direction(item.title.best(), QGuiApplication.isRightToLeft()) or "—"
            style = ' style="color: #696969;"' if item.is_sample else ""
            parts.append(f'<a href="{item.kind}:{item.id}"{style}>{html.escape(title)}</a>')
            if item.note is not None:
                parts.append(f'<span style="color: #555;">({html.escape(show(item.note))})</span>')
            lines.append(" ".join(parts))
        return "<br>".join(lines)

    # --- history -------------------------------------------------------------------------

    def _read_history(self) -> None:
        """Read the shown record's history in the background; show the last one read of it
        meanwhile (a save re-shows the record: its history must not blink)."""
        detail, view = self.detail, self.history
        if detail is None or view is None:
            return
        key = (detail.kind, detail.id)
        if self._history is not None and self._history[0] == key:
            view.show_lines(self._history[1], more=self._history[2], shown_kind=detail.kind)
        else:
            view.show_loading()
        limit = None if self._history_all == key else SHOWN + 1  # one more: are there older?
        # Records shown as part of this one: their lines are its history too.
        beside = _HISTORY_BESIDE.get(detail.kind)
        also = tuple(
            (item.kind, item.id)
            for _label, items in detail.groups
            for item in items
            if item.kind == beside
        )
        right_to_left = QGuiApplication.isRightToLeft()
        self._history_reads += 1
        number = self._history_reads

        def read(database: Any) -> list[HistoryLine]:
            from exchange_desk.services.history_text import record_history

            return record_history(
                database,
                key[0],
                key[1],
                limit=limit,
                also=also,
                own_direction=lambda text: in_own_direction(text, right_to_left),
                right_to_left=right_to_left,
            )

        def done(lines: list[HistoryLine]) -> None:
            more = limit is not None and len(lines) > SHOWN
            shown = lines[:SHOWN] if more else lines
            self._history = (key, shown, more)
            if number == self._history_reads and self.history is not None:
                self.history.show_lines(shown, more=more, shown_kind=key[0])

        def failed(error: BaseException) -> None:
            if number == self._history_reads and self.history is not None:
                self.history.show_failure(_("The history could not be read."))
            # The rest of the record is shown: a failed read of its history is only logged.
            logging.getLogger("exchange_desk.ui").warning("History not read: %s", error)

        try:
            operation = QueryOp(self, read)
        except ValueError:  # a pane outside any window: nothing to read from
            view.hide()
            return
        operation.success(done).failure(failed).run_in_background()

    def _read_all_history(self) -> None:
        if self.detail is not None:
            self._history_all = (self.detail.kind, self.detail.id)
            self._read_history()

    def _follow(self, link: str) -> None:
        kind, _separator, record_id = link.partition(":")
        self.go_to.emit(kind, int(record_id))


def _is_hidden(value: Any) -> bool:
    from exchange_desk.services.details import Hidden

    return isinstance(value, Hidden)
