"""The guest list of a cultural event or of a reception in a visit's programme, with a
preview of the seating at a table of N and the place cards and seating plan to print.

The list is `ui.child_records.ChildRecords` over the kind `guests` (person and side), in the
order of precedence `services.visits` gives (the guests received first, then the hosts, each
by rank). The preview is `domain.protocol.seating_plan` drawn with Qt: a long table seen
from above, the host in the middle of the near side facing the guest of honour in the
middle of the far side, the others alternating outwards by rank. It is a picture of the
room, so it is drawn the same way in a right-to-left window: the host's right is the page's
right whatever the language.

Opened from the Cultural events tab (Records ▸ Guest list…, the context menu) and from a
reception in the visit window. `python -m exchange_desk.ui.guest_list_dialog --db FILE
(--event ID | --reception ID) [--lang he] [--seats 10] [--screenshot OUT.png]` shows it alone.
"""

from __future__ import annotations

import datetime as dt
import html
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QTextOption,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from exchange_desk.domain.enums import GuestSide
from exchange_desk.domain.protocol import TablePlan, best_name, seating_plan, title_in
from exchange_desk.i18n.catalog import _, ngettext
from exchange_desk.i18n.formatting import format_day, format_list, format_partial_date
from exchange_desk.services.database import Database
from exchange_desk.ui.child_records import ChildList, ChildRecords, ChildRow
from exchange_desk.ui.translated import Retranslating
from exchange_desk.ui.visit_dialog import (
    DocumentRunner,
    one_window,
    pdf_filter,
    show_alone,
    window_script,
)

__all__ = ["GuestListDialog", "Seat", "SeatingView", "guest_rows", "open_guest_list"]

DEFAULT_SEATS = 10
MOST_SEATS = 60
# Seat colours by side, light enough for dark text in any theme.
HOST_FILL = QColor(214, 229, 247)
GUEST_FILL = QColor(221, 240, 214)
EMPTY_LINE = QColor(150, 150, 150)


def guest_headers() -> list[str]:
    return [_("Name"), _("Side"), _("Position"), _("Organization")]


def guest_rows(
    database: Database, *, event_id: int | None = None, programme_item_id: int | None = None
) -> ChildList:
    """A guest list as the table shows it, in precedence order; `extra` is the
    `services.visits.GuestList`."""
    from exchange_desk.services.visits import event_guest_list, reception_guest_list

    if event_id is not None:
        found = event_guest_list(database, event_id)
    else:
        assert programme_item_id is not None
        found = reception_guest_list(database, programme_item_id)
    script = window_script()
    rows = []
    for entry in found.guests:
        name = best_name(entry.person, script)
        rows.append(
            ChildRow(
                entry.guest,
                (
                    name,
                    entry.guest.side.label,
                    title_in(entry.person, script),
                    entry.organization.best(script),
                ),
                name,
            )
        )
    warnings = []
    if found.guests and not found.hosts:
        warnings.append(_("Nobody is on the hosts' side: the table has no host."))
    if found.guests and not found.received:
        warnings.append(_("Nobody is on the guests' side: the table has no guest of honour."))
    return ChildList(tuple(rows), tuple(warnings), extra=found)


# --- the seating preview -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Seat:
    """One seat as drawn: who sits there (a `GuestEntry`, None if empty), which side of
    the table, its place in the order of honour (0 if empty) and where it is drawn."""

    entry: Any
    side: str  # "near" (the host's) or "far" (the guest of honour's)
    honour: int
    rect: QRectF


class SeatingView(QWidget):
    """A long table seen from above with its seats, names and order of honour."""

    SEAT_WIDTH = 132
    GAP = 10
    MARGIN = 16
    TABLE_HEIGHT = 64

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan: TablePlan | None = None
        self.seats: list[Seat] = []
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAutoFillBackground(True)
        self._small = QFont(self.font())
        self._small.setPointSizeF(max(self.font().pointSizeF() * 0.85, 7.0))
        self._bold = QFont(self.font())
        self._bold.setBold(True)

    def set_plan(self, plan: TablePlan | None) -> None:
        self.plan = plan
        self._place()
        self.updateGeometry()
        self.update()

    def _seat_height(self) -> int:
        lines = self.fontMetrics().height()
        small = max(int(lines * 0.85), 10)
        return 12 + lines + 2 * lines + 2 * small  # honour, two lines of name, two of title

    def _columns(self) -> int:
        """The table's seats a side: `TablePlan` gives both rows column by column, the far
        row mirrored so that each seat faces the one across (None: an empty seat)."""
        if self.plan is None:
            return 0
        return max(len(self.plan.near), len(self.plan.far))

    def _place(self) -> None:
        self.seats = []
        if self.plan is None:
            return
        honour = {id(person): place for person, place in self.plan.order}
        step = self.SEAT_WIDTH + self.GAP
        height = self._seat_height()
        # Centred in the space the dialog gives it.
        drawn = self._columns() * step - self.GAP
        left = max(self.MARGIN, (self.width() - drawn) // 2)
        top = self.MARGIN + self.fontMetrics().height() + 6
        table_top = top + height + self.GAP
        near_top = table_top + self.TABLE_HEIGHT + self.GAP
        for side, row, y in (("far", self.plan.far, top), ("near", self.plan.near, near_top)):
            for column, entry in enumerate(row):
                rect = QRectF(left + column * step, y, self.SEAT_WIDTH, height)
                place = honour.get(id(entry), 0) if entry is not None else 0
                self.seats.append(Seat(entry, side, place, rect))

    def seat_of(self, honour: int) -> Seat | None:
        """The seat of the `honour`th person (1: the host, 2: the guest of honour)."""
        return next((seat for seat in self.seats if seat.honour == honour), None)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place()

    def sizeHint(self) -> QSize:
        columns = max(self._columns(), 1)
        width = 2 * self.MARGIN + columns * self.SEAT_WIDTH + (columns - 1) * self.GAP
        height = (
            2 * self.MARGIN
            + 2 * (self.fontMetrics().height() + 6)
            + 2 * self._seat_height()
            + self.TABLE_HEIGHT
            + 2 * self.GAP
        )
        return QSize(max(width, 300), height)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_color = QColor(25, 25, 25)
        if self.plan is None or not self.seats:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, _("Nobody to seat yet.")
            )
            painter.end()
            return
        step = self.SEAT_WIDTH + self.GAP
        far_seats = [seat for seat in self.seats if seat.side == "far"]
        near_seats = [seat for seat in self.seats if seat.side == "near"]
        far_bottom = max((seat.rect.bottom() for seat in far_seats), default=self.MARGIN)
        left = min(seat.rect.left() for seat in self.seats)
        table = QRectF(
            left - self.GAP / 2, far_bottom + self.GAP, self._columns() * step, self.TABLE_HEIGHT
        )
        painter.setPen(QPen(QColor(120, 95, 60), 1.5))
        painter.setBrush(QColor(240, 226, 200))
        painter.drawRoundedRect(table, 8, 8)
        painter.setPen(QColor(90, 70, 40))
        painter.setFont(self._small)
        painter.drawText(table, Qt.AlignmentFlag.AlignCenter, _("Table"))

        # What each side is, above and below.
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        caption_height = self.fontMetrics().height()
        painter.drawText(
            QRectF(table.left(), self.MARGIN - 2, table.width(), caption_height),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter,
            _("The guest of honour's side"),
        )
        near_bottom = (
            max(seat.rect.bottom() for seat in near_seats) if near_seats else table.bottom()
        )
        painter.drawText(
            QRectF(table.left(), near_bottom + 6, table.width(), caption_height),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter,
            _("The host's side"),
        )

        wrap = QTextOption()
        wrap.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        wrap.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        script = window_script()
        line = self.fontMetrics().height()
        for seat in self.seats:
            rect = seat.rect
            if seat.entry is None:
                painter.setPen(QPen(EMPTY_LINE, 1, Qt.PenStyle.DashLine))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(rect, 6, 6)
                continue
            host = seat.entry.guest.side is GuestSide.HOST
            painter.setBrush(HOST_FILL if host else GUEST_FILL)
            first_two = seat.honour in (1, 2)
            painter.setPen(QPen(QColor(60, 60, 60), 2.2 if first_two else 1))
            painter.drawRoundedRect(rect, 6, 6)
            inner = rect.adjusted(6, 4, -6, -4)
            painter.setPen(QColor(80, 80, 80))
            painter.setFont(self._small)
            painter.drawText(
                QRectF(inner.left(), inner.top(), inner.width(), line),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                str(seat.honour),
            )
            painter.setPen(text_color)
            painter.setFont(self._bold)
            name = best_name(seat.entry.person, script)
            name_box = QRectF(inner.left(), inner.top() + line, inner.width(), 2 * line)
            used = painter.boundingRect(name_box, name, wrap)
            painter.drawText(name_box, name, wrap)
            painter.setFont(self._small)
            # The title follows the name, one line or two.
            below = min(used.bottom(), name_box.bottom()) + 4
            title_box = QRectF(inner.left(), below, inner.width(), inner.bottom() - below)
            painter.drawText(title_box, title_in(seat.entry.person, script), wrap)
        painter.end()

    def center_of(self, seat: Seat) -> QPointF:
        return seat.rect.center()


class _Legend(QWidget):
    """Two swatches: hosts and guests."""

    def __init__(self) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.labels: list[QLabel] = []
        for fill in (HOST_FILL, GUEST_FILL):
            swatch = QLabel()
            swatch.setFixedSize(14, 14)
            swatch.setStyleSheet(f"background: {fill.name()}; border: 1px solid #555;")
            label = QLabel()
            layout.addWidget(swatch)
            layout.addWidget(label)
            layout.addSpacing(10)
            self.labels.append(label)
        layout.addStretch(1)

    def retranslate(self) -> None:
        self.labels[0].setText(_("Hosts"))
        self.labels[1].setText(_("Guests"))


# --- the dialog ----------------------------------------------------------------------------------


class GuestListDialog(Retranslating, QDialog):
    """The guest list of an event (`event_id`) or of a reception (`programme_item_id`)."""

    seating_shown = Signal()

    def __init__(
        self,
        database: Database,
        *,
        event_id: int | None = None,
        programme_item_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if (event_id is None) == (programme_item_id is None):
            raise ValueError("a guest list is an event's or a reception's")
        self.database = database
        self.event_id = event_id
        self.programme_item_id = programme_item_id
        self.guest_list: Any = None  # services.visits.GuestList, as read last
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        # The owner first: the dialog of a guest names the event or the reception.
        preset: dict[str, Any] = (
            {"event_id": event_id, "programme_item_id": None}
            if event_id is not None
            else {"programme_item_id": programme_item_id, "event_id": None}
        )
        self.guests = ChildRecords(
            database,
            "guests",
            preset,
            lambda db: guest_rows(db, event_id=event_id, programme_item_id=programme_item_id),
            guest_headers,
            reads=("events", "programme_items"),
        )
        self.guests.loaded.connect(self._guests_arrived)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)

        self.seats_label = QLabel()
        self.seats_box = QSpinBox()
        self.seats_box.setRange(2, MOST_SEATS)
        self.seats_box.setValue(DEFAULT_SEATS)
        self.seats_box.valueChanged.connect(lambda _value: self.show_seating())
        self.seats_label.setBuddy(self.seats_box)
        self.legend = _Legend()
        self.seating = SeatingView()
        self.seating_area = QScrollArea()
        self.seating_area.setWidget(self.seating)
        self.seating_area.setWidgetResizable(True)
        self.seating_area.setFrameShape(QFrame.Shape.StyledPanel)
        self.seating_area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.unseated = QLabel()
        self.unseated.setWordWrap(True)
        self.unseated.setStyleSheet("color: #b71c1c;")
        self.unseated.hide()

        seats_row = QHBoxLayout()
        seats_row.addWidget(self.seats_label)
        seats_row.addWidget(self.seats_box)
        seats_row.addSpacing(16)
        seats_row.addWidget(self.legend, 1)
        seating_page = QWidget()
        seating_layout = QVBoxLayout(seating_page)
        seating_layout.setContentsMargins(0, 0, 0, 0)
        seating_layout.addLayout(seats_row)
        seating_layout.addWidget(self.seating_area, 1)
        seating_layout.addWidget(self.unseated)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.guests)
        self.splitter.addWidget(seating_page)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        # The list's rows and the table's two sides each get their room at first.
        self.splitter.setSizes([270, 360])

        self.place_cards_button = QPushButton()
        self.seating_plan_button = QPushButton()
        self.place_cards_button.clicked.connect(lambda: self.make_place_cards())
        self.seating_plan_button.clicked.connect(lambda: self.make_seating_plan())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.place_cards_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.seating_plan_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.RichText)
        self.runner = DocumentRunner(self, database, self.note)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self.translate_now()
        self.resize(980, 680)

    def _guests_arrived(self) -> None:
        self.guest_list = self.guests.extra
        if self.guest_list is not None:
            title = self.guest_list.title.best(window_script())
            self.guests.owner_label = title
            self.setWindowTitle(_("Guest list: {event}").format(event=title))
            self.heading.setText(self._heading_text())
        self.show_seating()

    def _heading_text(self) -> str:
        found = self.guest_list
        when = found.when
        day = format_day(when) if isinstance(when, dt.date) else format_partial_date(when)
        guests = ngettext("{count} guest", "{count} guests", len(found.received)).format(
            count=len(found.received)
        )
        hosts = ngettext("{count} host", "{count} hosts", len(found.hosts)).format(
            count=len(found.hosts)
        )
        parts = [f"<b>{html.escape(found.title.best(window_script()))}</b>"]
        if day:
            parts.append(html.escape(day))
        parts += [html.escape(guests), html.escape(hosts)]
        return " · ".join(parts)

    def show_seating(self) -> None:
        """Seat the list at a table of the number of seats chosen."""
        found = self.guest_list
        if found is None or not found.guests:
            self.seating.set_plan(None)
            self.unseated.hide()
            self.seating_shown.emit()
            return
        plan = seating_plan(list(found.hosts), list(found.received), self.seats_box.value())
        self.seating.set_plan(plan)
        # Both sides of the table in view without scrolling up and down (a long table
        # scrolls sideways).
        frame = 2 * self.seating_area.frameWidth()
        scroll_bar = self.seating_area.horizontalScrollBar().sizeHint().height()
        self.seating_area.setMinimumHeight(self.seating.sizeHint().height() + frame + scroll_bar)
        if plan.unseated:
            script = window_script()
            names = [best_name(entry.person, script) for entry in plan.unseated]
            self.unseated.setText(
                ngettext(
                    "No seat at this table for {names}.",
                    "No seats at this table for {names}.",
                    len(names),
                ).format(names=format_list(names))
            )
            self.unseated.show()
        else:
            self.unseated.hide()
        self.seating_shown.emit()

    # --- documents -----------------------------------------------------------------------

    def _title(self) -> str:
        return self.guest_list.title.best(window_script()) if self.guest_list is not None else ""

    def make_place_cards(self, path: Path | str | None = None) -> Any:
        title = _("Place cards")
        target = self.runner.target(path, title, f"{title} {self._title()}", [pdf_filter()])
        if target is None:
            return None
        event_id, item_id = self.event_id, self.programme_item_id

        def work(database: Database) -> Any:
            from exchange_desk.services.badges import write_place_cards

            return write_place_cards(database, target, event_id=event_id, programme_item_id=item_id)

        return self.runner.run(title, target, work)

    def make_seating_plan(self, path: Path | str | None = None) -> Any:
        title = _("Seating plan")
        target = self.runner.target(path, title, f"{title} {self._title()}", [pdf_filter()])
        if target is None:
            return None
        event_id, item_id = self.event_id, self.programme_item_id
        seats, language = self.seats_box.value(), window_script()

        def work(database: Database) -> Any:
            from exchange_desk.services.badges import seating_plan_pdf
            from exchange_desk.services.output import write_whole

            made = seating_plan_pdf(
                database,
                seats=seats,
                event_id=event_id,
                programme_item_id=item_id,
                language=language,
            )
            write_whole(target, made.content)
            return made

        return self.runner.run(title, target, work)

    def retranslate(self) -> None:
        self.setWindowTitle(
            _("Guest list: {event}").format(event=self._title())
            if self._title()
            else _("Guest list")
        )
        self.seats_label.setText(_("Seats at the table:"))
        self.legend.retranslate()
        self.place_cards_button.setText(_("Place cards…"))
        self.seating_plan_button.setText(_("Seating plan…"))
        self.seating.update()


# One window per list: asking again brings it forward.
_open: dict[tuple[int, str, int], GuestListDialog] = {}


def open_guest_list(
    parent: QWidget | None,
    database: Database,
    *,
    event_id: int | None = None,
    programme_item_id: int | None = None,
) -> GuestListDialog:
    """Show the guest list of an event or a reception (the one open already, if any)."""
    key = (
        id(database),
        "event" if event_id is not None else "reception",
        int(event_id if event_id is not None else programme_item_id or 0),
    )
    return one_window(
        _open,
        key,
        lambda: GuestListDialog(
            database, event_id=event_id, programme_item_id=programme_item_id, parent=parent
        ),
    )


def main(argv: list[str] | None = None) -> int:
    """Show one guest list without the main window; `--screenshot FILE` saves a picture."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m exchange_desk.ui.guest_list_dialog",
        description="Show the guest list of an event or a reception on its own.",
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--event", type=int, help="a cultural event's id")
    which.add_argument("--reception", type=int, help="a programme item's id")
    parser.add_argument("--seats", type=int, default=DEFAULT_SEATS)

    def make(database: Database, options: argparse.Namespace) -> GuestListDialog:
        dialog = GuestListDialog(
            database, event_id=options.event, programme_item_id=options.reception
        )
        dialog.seats_box.setValue(options.seats)
        return dialog

    return show_alone(parser, argv, make, ready=lambda dialog: dialog.guest_list is not None)


if __name__ == "__main__":
    sys.exit(main())
