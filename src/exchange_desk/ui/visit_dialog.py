"""The window of one delegation's visit: its members, its programme and its documents.

Opened from the Delegations tab (Records ▸ Members and programme…, the context menu, Ctrl+M).

- Members: in the order of precedence (`services.visits.members_of`), with each person's name
  in the window's script, role, position, arrival, departure and whether the passport data a
  visa letter needs are complete; the data themselves are never shown here.
- Programme: by day and time; items that overlap are tinted and the programme's warnings
  (`services.programme.programme_warnings`) are shown above the table; a reception opens its
  guest list (`ui.guest_list_dialog`).
- Documents: the programme (PDF or .ics calendar), the invitation and visa invitation letters
  (PDF or .docx), name badges and place cards, each in the languages ticked and saved where
  the user says; made by the services off the GUI thread, their warnings shown after.

The document services are imported when a document is asked for (they load ReportLab).

`python -m exchange_desk.ui.visit_dialog --db FILE --delegation ID [--lang he] [--tab
programme] [--screenshot OUT.png]` shows the window alone (pictures for the README).
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import shiboken6
from babel.dates import format_skeleton
from PySide6.QtCore import Qt, Signal
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from exchange_desk.domain.enums import Direction, LetterKind
from exchange_desk.domain.errors import ExchangeDeskError
from exchange_desk.domain.protocol import best_name, title_in
from exchange_desk.domain.roles import Role
from exchange_desk.i18n.catalog import _, active_language, ngettext
from exchange_desk.i18n.formatting import format_day, format_list, format_partial_date
from exchange_desk.i18n.languages import LANGUAGES, short_code
from exchange_desk.services.changes import Changes
from exchange_desk.services.database import Database
from exchange_desk.services.registry import DECLARED
from exchange_desk.services.roles import refusal
from exchange_desk.ui.bidi import isolated
from exchange_desk.ui.child_records import ChildList, ChildRecords, ChildRow
from exchange_desk.ui.fields import PROBLEM_COLOR
from exchange_desk.ui.formatting import babel_locale
from exchange_desk.ui.list_export import ask_target, remember_folder
from exchange_desk.ui.operations import CollectionOp, QueryOp, change_hub
from exchange_desk.ui.translated import Retranslating

__all__ = [
    "DocumentRunner",
    "VisitDialog",
    "language_of_country",
    "letter_filters",
    "member_rows",
    "one_window",
    "open_visit",
    "passport_gaps",
    "pdf_filter",
    "programme_rows",
    "show_alone",
]

W = TypeVar("W", bound=QWidget)
K = TypeVar("K")

# The countries whose language Exchange Desk writes: a partner city in one of them gets its
# documents in that language by default.
_COUNTRY_LANGUAGES = {"CN": "zh", "TW": "zh", "HK": "zh", "MO": "zh", "SG": "zh", "IL": "he"}


def language_of_country(country: str | None) -> str:
    """The document language (short code) of a city in `country`: zh, he, else en."""
    return _COUNTRY_LANGUAGES.get((country or "").upper(), "en")


def window_script() -> str:
    """The short code of the window's language (`zh` for zh_CN): whose script names show."""
    return short_code(active_language())


# --- members ---------------------------------------------------------------------------------


def _passport_words() -> dict[str, str]:
    # Short words for a table cell; the form's labels ("Sex (as in the passport)") are long.
    return {
        "passport_number": _("passport number"),
        "nationality": _("nationality"),
        "date_of_birth": _("date of birth"),
        "sex": _("sex"),
    }


def passport_gaps(person: Any) -> list[str]:
    """What of the passport data a visa letter needs `person` lacks, in words: the
    sensitive fields of a person, which are what a consulate asks for."""
    words = _passport_words()
    declaration = DECLARED["persons"]
    return [
        words.get(name) or _(declaration.field(name).label)
        for name in declaration.sensitive_fields
        if getattr(person, name, None) in (None, "")
    ]


def member_headers() -> list[str]:
    return [_("Name"), _("Role"), _("Position"), _("Arrival"), _("Departure"), _("Passport data")]


def member_rows(database: Database, delegation_id: int) -> ChildList:
    """A delegation's members as the Members table shows them, in precedence order."""
    from exchange_desk.services.visits import members_of

    script = window_script()
    rows = []
    for entry in members_of(database, delegation_id):
        person, member = entry.person, entry.member
        name = best_name(person, script)
        gaps = passport_gaps(person)
        passport = (
            _("Complete") if not gaps else _("Missing: {fields}").format(fields=format_list(gaps))
        )
        rows.append(
            ChildRow(
                member,
                (
                    name,
                    member.role.label,
                    title_in(person, script),
                    format_day(member.arrival),
                    format_day(member.departure),
                    passport,
                ),
                name,
                flagged=(5,) if gaps else (),
            )
        )
    return ChildList(tuple(rows))


# --- programme -------------------------------------------------------------------------------


def programme_headers() -> list[str]:
    return [
        _("Day"),
        _("Time"),
        _("Activity"),
        _("Place"),
        _("Our host"),
        _("Dress code"),
        _("Guests"),
    ]


def day_text(day: dt.date) -> str:
    """A programme's day with its weekday, as the language writes it (Mon, May 20, 2019)."""
    return format_skeleton("yMMMEd", day, locale=babel_locale())


def time_text(starts_at: str | None, ends_at: str | None) -> str:
    if starts_at and ends_at:
        return f"{starts_at}–{ends_at}"
    return starts_at or ""


def _activity(item: Any, script: str) -> str:
    from exchange_desk.services.names import Names

    return Names(item.activity_en, item.activity_zh, item.activity_he).best(script)


def _place(item: Any, script: str) -> str:
    from exchange_desk.services.names import Names

    return Names(item.place_en, item.place_zh, item.place_he).best(script)


def programme_rows(database: Database, delegation_id: int) -> ChildList:
    """A delegation's programme by day and time; items that overlap another carry a
    warning; `extra` is the whole `services.visits.Visit`."""
    from exchange_desk.services.visits import overlapping, visit

    found = visit(database, delegation_id)
    script = window_script()
    items = [entry.item for entry in found.programme]
    pairs = overlapping(items)
    clashes: dict[int | None, list[str]] = {}
    for first, second in pairs:
        clashes.setdefault(first.id, []).append(_activity(second, script))
        clashes.setdefault(second.id, []).append(_activity(first, script))
    rows = []
    previous_day = None
    for entry in found.programme:
        item = entry.item
        # The day is written once, on its first item: the programme reads day by day.
        day = day_text(item.day) if item.day != previous_day else ""
        previous_day = item.day
        activity = _activity(item, script)
        guests = (
            ngettext("{count} guest", "{count} guests", len(entry.guests)).format(
                count=len(entry.guests)
            )
            if item.is_reception
            else ""
        )
        others = clashes.get(item.id, [])
        warning = _("Overlaps with: {items}").format(items=format_list(others)) if others else ""
        rows.append(
            ChildRow(
                item,
                (
                    day,
                    time_text(item.starts_at, item.ends_at),
                    activity,
                    _place(item, script),
                    best_name(entry.host, script) if entry.host is not None else "",
                    item.dress_code.label if item.dress_code is not None else "",
                    guests,
                ),
                f"{activity}, {format_day(item.day)}",
                warning,
            )
        )
    from exchange_desk.services.programme import programme_warnings

    warnings = programme_warnings(database, delegation_id)
    return ChildList(tuple(rows), tuple(warnings), extra=found)


# --- documents -------------------------------------------------------------------------------


def _warnings_of(result: Any) -> list[str]:
    if isinstance(result, list):
        return [str(w) for w in result]
    return [str(w) for w in getattr(result, "warnings", None) or ()]


def _with_warnings(said: str, result: Any) -> str:
    """`said` (rich text for a note), followed by the document's warnings, if any."""
    text = html.escape(said)
    warnings = _warnings_of(result)
    if warnings:
        lines = "".join(f"<li>{html.escape(w)}</li>" for w in warnings)
        text += f"<br>{html.escape(_('Please check:'))}<ul>{lines}</ul>"
    return text


class DocumentRunner:
    """Makes one document off the GUI thread and says how it went, in `note` (a label under
    the buttons) and, for a refusal, in a message box that does not block."""

    def __init__(self, parent: QWidget, database: Database, note: QLabel) -> None:
        self.parent = parent
        self.database = database
        self.note = note
        self.message: QMessageBox | None = None  # the last refusal shown
        self.running: QueryOp[Any] | CollectionOp[Any] | None = None

    def target(
        self, path: Path | str | None, title: str, stem: str, filters: Sequence[tuple[str, str]]
    ) -> Path | None:
        """`path` if given, else the file the user chooses (`list_export.ask_target`)."""
        if path is not None:
            return Path(path)
        return ask_target(self.parent, title, stem, filters)

    def run(
        self,
        title: str,
        target: Path,
        work: Callable[[Database], Any],
        *,
        writes: bool = False,
        done_text: Callable[[Any], str] | None = None,
    ) -> QueryOp[Any] | CollectionOp[Any]:
        """Run `work` (which writes `target`); `writes` when it also stores a record (a
        letter's reference number)."""
        op_type: Any = CollectionOp if writes else QueryOp
        self.note.setText(_("Making {document}…").format(document=title))

        def done(result: Any) -> None:
            self.running = None
            remember_folder(target)
            said = (
                done_text(result)
                if done_text is not None
                else _("{document} saved to {path}").format(document=title, path=isolated(target))
            )
            self.note.setText(_with_warnings(said, result))

        def failed(error: BaseException) -> None:
            self.running = None
            self.note.setText("")
            self.failed(title, error)

        self.running = (
            op_type(self.parent, work, database=self.database)
            .with_progress(_("Making {document}…").format(document=title))
            .success(done)
            .failure(failed)
            .run_in_background()
        )
        return self.running

    def run_letter(
        self, title: str, letter: LetterKind, record_id: int, languages: list[str], target: Path
    ) -> QueryOp[Any] | CollectionOp[Any]:
        """Number, register and write a letter (`services.letters`), saying its number."""

        def work(database: Database) -> Any:
            from exchange_desk.services.certificate_register import default_issuer
            from exchange_desk.services.letters import write_letter

            return write_letter(
                database, letter, record_id, languages, target, issued_by=default_issuer(database)
            )

        def said(made: Any) -> str:
            return _("{document} {number} saved to {path}").format(
                document=title, number=getattr(made, "number", ""), path=isolated(target)
            )

        return self.run(title, target, work, writes=True, done_text=said)

    def failed(self, title: str, error: BaseException) -> None:
        """Say why `title` was not made: the program's refusal plainly, else a report."""
        if isinstance(error, ExchangeDeskError):
            self.refused(title, error.user_message())
            return
        from exchange_desk.ui.errors import report_failure

        report_failure(error, self.parent)

    def refused(self, title: str, text: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self.parent
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.message = box
        box.open()


def pdf_filter() -> tuple[str, str]:
    return (_("PDF document (*.pdf)"), ".pdf")


def letter_filters() -> list[tuple[str, str]]:
    """A letter is saved as PDF or Word."""
    return [pdf_filter(), (_("Word document (*.docx)"), ".docx")]


class DocumentsPage(Retranslating, QWidget):
    """The visit's documents: languages to tick, a button per document, what came of it."""

    def __init__(self, dialog: VisitDialog) -> None:
        super().__init__()
        self.dialog = dialog
        self.language_boxes: dict[str, QCheckBox] = {}
        self.languages_label = QLabel()
        self.order_label = QLabel()
        self.order_label.setStyleSheet("color: palette(dark);")
        languages = QHBoxLayout()
        languages.addWidget(self.languages_label)
        for language in LANGUAGES:
            box = QCheckBox(language.native_name)
            box.toggled.connect(lambda _on: self._show_order())
            self.language_boxes[language.short_code] = box
            languages.addWidget(box)
        languages.addStretch(1)
        self._preferred: list[str] = ["en"]

        self.programme_button = QPushButton()
        self.invitation_button = QPushButton()
        self.visa_button = QPushButton()
        self.badges_button = QPushButton()
        self.place_cards_button = QPushButton()
        self.programme_button.clicked.connect(lambda: self.dialog.make_programme())
        self.invitation_button.clicked.connect(
            lambda: self.dialog.make_letter(LetterKind.INVITATION)
        )
        self.visa_button.clicked.connect(lambda: self.dialog.make_letter(LetterKind.VISA))
        self.badges_button.clicked.connect(lambda: self.dialog.make_badges())
        self.place_cards_button.clicked.connect(lambda: self.dialog.make_place_cards())
        # Badges and place cards go straight onto the label sheets and card stock.
        self.print_badges_button = QPushButton()
        self.print_cards_button = QPushButton()
        self.print_badges_button.clicked.connect(lambda: self.dialog.print_badges())
        self.print_cards_button.clicked.connect(lambda: self.dialog.print_place_cards())
        self.stock_label = QLabel()
        self.stock_box = QComboBox()
        self.stock_label.setBuddy(self.stock_box)
        self.stock_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._stocks_filled = False

        # Who lacks passport data, under the visa letter's description.
        self.visa_missing = QLabel()
        self.visa_missing.setWordWrap(True)
        self.visa_missing.setStyleSheet(f"color: {PROBLEM_COLOR};")
        self.visa_missing.hide()
        stock_row = QHBoxLayout()
        stock_row.setContentsMargins(0, 0, 0, 0)
        stock_row.addWidget(self.stock_label)
        stock_row.addWidget(self.stock_box)
        stock_row.addWidget(self.print_badges_button)
        stock_row.addStretch(1)
        stock_widget = QWidget()
        stock_widget.setLayout(stock_row)
        cards_row = QHBoxLayout()
        cards_row.setContentsMargins(0, 0, 0, 0)
        cards_row.addWidget(self.print_cards_button)
        cards_row.addStretch(1)
        cards_widget = QWidget()
        cards_widget.setLayout(cards_row)
        below: dict[QPushButton, QWidget] = {
            self.visa_button: self.visa_missing,
            self.badges_button: stock_widget,
            self.place_cards_button: cards_widget,
        }

        self.descriptions: dict[QPushButton, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(12)
        for row, button in enumerate(
            (
                self.programme_button,
                self.invitation_button,
                self.visa_button,
                self.badges_button,
                self.place_cards_button,
            )
        ):
            button.setAutoDefault(False)
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            description = QLabel()
            description.setWordWrap(True)
            self.descriptions[button] = description
            cell = QVBoxLayout()
            cell.setSpacing(4)
            cell.addWidget(description)
            if button in below:
                cell.addWidget(below[button])
            grid.addWidget(button, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addLayout(cell, row, 1)
        grid.setColumnStretch(1, 1)

        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.RichText)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.addLayout(languages)
        layout.addWidget(self.order_label)
        layout.addSpacing(8)
        layout.addLayout(grid)
        layout.addSpacing(8)
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.translate_now()

    def set_preferred(self, languages: Sequence[str]) -> None:
        """The visit's own languages (home city's, partner's), ticked and put first."""
        self._preferred = list(dict.fromkeys(languages))
        for code, box in self.language_boxes.items():
            box.blockSignals(True)
            box.setChecked(code in self._preferred)
            box.blockSignals(False)
        self._show_order()

    def languages(self) -> list[str]:
        """The languages ticked, the visit's own first (the order the documents use)."""
        ticked = [code for code, box in self.language_boxes.items() if box.isChecked()]
        order = [*self._preferred, *(code for code in self.language_boxes)]
        return [code for code in dict.fromkeys(order) if code in ticked]

    def _show_order(self) -> None:
        chosen = self.languages()
        names = {language.short_code: language.native_name for language in LANGUAGES}
        self.order_label.setText(
            _("Programme and letters in: {languages}").format(
                languages=" · ".join(names[code] for code in chosen)
            )
            if chosen
            else _("Tick at least one language for the programme and the letters.")
        )

    def set_visa_note(self, missing: list[str]) -> None:
        """Name the members whose passport data a visa letter would lack."""
        self.visa_missing.setText(
            _("Passport data missing for {names}.").format(names=format_list(missing))
        )
        self.visa_missing.setVisible(bool(missing))

    def fill_stocks(self) -> None:
        """The label stocks the badges service knows (read when it exists)."""
        try:
            from exchange_desk.services.badges import DEFAULT_STOCK, STOCKS
        except ImportError:
            self.stock_box.setEnabled(False)
            return
        chosen = self.stock_box.currentData() or DEFAULT_STOCK
        self.stock_box.clear()
        for key, stock in STOCKS.items():
            self.stock_box.addItem(_(stock.label), key)
        index = self.stock_box.findData(chosen)
        self.stock_box.setCurrentIndex(max(index, 0))
        self._stocks_filled = True

    def stock(self) -> str | None:
        data = self.stock_box.currentData()
        return str(data) if data else None

    def retranslate(self) -> None:
        self.languages_label.setText(_("Languages:"))
        self.programme_button.setText(_("Programme…"))
        self.invitation_button.setText(_("Invitation letter…"))
        self.visa_button.setText(_("Visa invitation letter…"))
        self.badges_button.setText(_("Badges…"))
        self.place_cards_button.setText(_("Place cards…"))
        self.stock_label.setText(_("Label stock:"))
        self.print_badges_button.setText(_("Print…"))
        self.print_cards_button.setText(_("Print…"))
        self.descriptions[self.programme_button].setText(
            _("The day-by-day programme the delegation receives, as PDF or as a calendar (.ics).")
        )
        self.descriptions[self.invitation_button].setText(
            _("On the office's letterhead with a reference number, as PDF or Word (.docx).")
        )
        self.descriptions[self.visa_button].setText(
            _(
                "For the consulate: each member's name as in the passport, passport number, "
                "nationality and date of birth."
            )
        )
        self.descriptions[self.badges_button].setText(
            _("A name badge for every member: name in their own script, title, delegation.")
        )
        self.descriptions[self.place_cards_button].setText(
            _("Folded table cards with each member's name on both faces.")
        )
        self.fill_stocks()
        self._show_order()


# --- the window ------------------------------------------------------------------------------


class VisitDialog(Retranslating, QDialog):
    """One delegation's members, programme and documents."""

    visit_read = Signal()  # the delegation's header and defaults are shown

    def __init__(
        self, database: Database, delegation_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.delegation_id = delegation_id
        self.visit: Any = None  # services.visits.Visit, as read last
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)

        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)

        self.members = ChildRecords(
            database,
            "delegation_members",
            {"delegation_id": delegation_id},
            lambda db: member_rows(db, delegation_id),
            member_headers,
            initial=self._member_defaults,
        )
        self.programme = ChildRecords(
            database,
            "programme_items",
            {"delegation_id": delegation_id},
            lambda db: programme_rows(db, delegation_id),
            programme_headers,
            reads=("guests", "delegations", "cities"),
            initial=self._programme_defaults,
        )
        self.guest_list_button = QPushButton()
        self.guest_list_button.setAutoDefault(False)
        self.guest_list_button.clicked.connect(lambda: self.open_guest_list())
        self.programme.button_bar.insertWidget(3, self.guest_list_button)
        self.programme.current_changed.connect(self._update_guest_button)
        self.programme.loaded.connect(self._update_guest_button)

        self.documents = DocumentsPage(self)
        self.runner = DocumentRunner(self, database, self.documents.note)
        self.printing: QueryOp[Any] | None = None

        self.tabs = QTabWidget()
        self.tabs.addTab(self.members, "")
        self.tabs.addTab(self.programme, "")
        self.tabs.addTab(self.documents, "")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)

        change_hub().changed.connect(self._data_changed)
        self.translate_now()
        self._update_guest_button()
        self.resize(980, 580)
        self.read_visit()

    # --- reading -------------------------------------------------------------------------

    def read_visit(self) -> QueryOp[Any]:
        """Read the delegation (heading, document defaults) off the GUI thread."""
        delegation_id = self.delegation_id

        def read(database: Database) -> Any:
            from exchange_desk.services.visits import visit

            return visit(database, delegation_id)

        def failed(error: BaseException) -> None:
            if isinstance(error, ExchangeDeskError):
                self.heading.setText(html.escape(error.user_message()))
                return
            from exchange_desk.ui.errors import report_failure

            report_failure(error, self)

        return QueryOp(self, read).success(self._visit_arrived).failure(failed).run_in_background()

    def _visit_arrived(self, found: Any) -> None:
        first = self.visit is None
        self.visit = found
        label = self.delegation_label()
        self.members.owner_label = label
        self.programme.owner_label = label
        self.setWindowTitle(_("Visit: {delegation}").format(delegation=label))
        self.heading.setText(self._heading_text())
        if first:
            home = language_of_country(found.home_city.country if found.home_city else None)
            partner = language_of_country(found.city.country)
            preferred = [home, partner] if home != partner else [home]
            if len(preferred) < 2:
                preferred.append("en")
            self.documents.set_preferred(preferred)
        script = window_script()
        self.documents.set_visa_note(
            [best_name(m.person, script) for m in found.members if passport_gaps(m.person)]
        )
        self.visit_read.emit()

    def delegation_label(self) -> str:
        """The delegation as titles name it: its city and first day (Kfar Saba, May 20, 2019)."""
        if self.visit is None:
            return _("delegation {id}").format(id=self.delegation_id)
        delegation = self.visit.delegation
        city = _names_of(self.visit.city).best()
        when = format_partial_date(delegation.start_date)
        return f"{city}, {when}" if when else city

    def _heading_text(self) -> str:
        found = self.visit
        if found is None:
            return ""
        delegation = found.delegation
        city = _names_of(found.city).best()
        start = format_partial_date(delegation.start_date)
        end = format_partial_date(delegation.end_date)
        when = f"{start} – {end}" if end and end != start else start
        line = (
            _("Incoming delegation from {city}").format(city=city)
            if delegation.direction is Direction.INCOMING
            else _("Outgoing delegation to {city}").format(city=city)
        )
        members = ngettext("{count} member", "{count} members", len(found.members)).format(
            count=len(found.members)
        )
        parts = [f"<b>{html.escape(line)}</b>"]
        if when:
            parts.append(html.escape(when))
        parts.append(html.escape(members))
        if delegation.purpose:
            parts.append(html.escape(delegation.purpose))
        return " · ".join(parts)

    def _data_changed(self, changes: Changes) -> None:
        if not shiboken6.isValid(self):
            return
        if self.delegation_id in changes.deleted.get("delegations", ()):
            self.heading.setText(html.escape(_("This delegation has been deleted.")))
            self.setEnabled(False)
            return
        if changes.touches_any(("delegations", "cities", "delegation_members", "persons")):
            self.read_visit()

    def _member_defaults(self) -> dict[str, Any]:
        """A new member arrives and leaves with the delegation."""
        if self.visit is None:
            return {}
        return {"arrival": self.visit.first_day, "departure": self.visit.last_day}

    def _programme_defaults(self) -> dict[str, Any]:
        """A new item is on the visit's first day (the date picker starts there)."""
        if self.visit is None or self.visit.first_day is None:
            return {}
        chosen = self.programme.current_row()
        return {"day": chosen.record.day if chosen is not None else self.visit.first_day}

    # --- programme -----------------------------------------------------------------------

    def _update_guest_button(self) -> None:
        row = self.programme.current_row()
        reception = row is not None and bool(getattr(row.record, "is_reception", False))
        self.guest_list_button.setEnabled(reception)
        self.guest_list_button.setToolTip(
            "" if reception else _("Choose a reception or banquet in the programme.")
        )

    def open_guest_list(self, programme_item_id: int | None = None) -> QDialog | None:
        """The guest list of the chosen reception (or of `programme_item_id`)."""
        if programme_item_id is None:
            row = self.programme.current_row()
            if row is None or not row.record.is_reception:
                return None
            programme_item_id = int(row.record.id)
        from exchange_desk.ui.guest_list_dialog import open_guest_list

        return open_guest_list(self, self.database, programme_item_id=programme_item_id)

    # --- documents -----------------------------------------------------------------------

    def _stem(self, document: str) -> str:
        return f"{document} {self.delegation_label()}"

    def _chosen_languages(self, title: str) -> list[str] | None:
        languages = self.documents.languages()
        if not languages:
            self.runner.refused(
                title, _("Tick at least one language for the programme and the letters.")
            )
            return None
        return languages

    def make_programme(self, path: Path | str | None = None) -> Any:
        """The programme as PDF (in the languages ticked) or .ics (in the first)."""
        title = _("Programme")
        languages = self._chosen_languages(title)
        if languages is None:
            return None
        target = self.runner.target(
            path, title, self._stem(title), [pdf_filter(), (_("Calendar (*.ics)"), ".ics")]
        )
        if target is None:
            return None
        delegation_id = self.delegation_id

        def work(database: Database) -> Any:
            from exchange_desk.services.programme import write_programme

            return write_programme(database, delegation_id, languages, target)

        return self.runner.run(title, target, work)

    def make_letter(self, letter: LetterKind, path: Path | str | None = None) -> Any:
        """An invitation or visa invitation letter, PDF or .docx, with its reference number
        taken from the office's pattern (a `letters` record: editors only)."""
        title = _("Visa invitation letter") if letter is LetterKind.VISA else _("Invitation letter")
        if self.members.role < Role.EDITOR:
            self.runner.refused(title, refusal(self.members.role, Role.EDITOR))
            return None
        languages = self._chosen_languages(title)
        if languages is None:
            return None
        target = self.runner.target(path, title, self._stem(title), letter_filters())
        if target is None:
            return None
        return self.runner.run_letter(title, letter, self.delegation_id, languages, target)

    def make_badges(self, path: Path | str | None = None) -> Any:
        title = _("Badges")
        target = self.runner.target(path, title, self._stem(title), [pdf_filter()])
        if target is None:
            return None
        delegation_id, stock = self.delegation_id, self.documents.stock()

        def work(database: Database) -> Any:
            from exchange_desk.services.badges import DEFAULT_STOCK, write_badges

            return write_badges(database, delegation_id, target, stock=stock or DEFAULT_STOCK)

        return self.runner.run(title, target, work)

    def make_place_cards(self, path: Path | str | None = None) -> Any:
        title = _("Place cards")
        target = self.runner.target(path, title, self._stem(title), [pdf_filter()])
        if target is None:
            return None
        delegation_id = self.delegation_id

        def work(database: Database) -> Any:
            from exchange_desk.services.badges import write_place_cards

            return write_place_cards(database, target, delegation_id=delegation_id)

        return self.runner.run(title, target, work)

    def print_badges(self, printer: QPrinter | None = None) -> Any:
        """The badges straight onto the label sheets (at their true size, moved by the
        printer's offset as certificates are)."""
        delegation_id, stock = self.delegation_id, self.documents.stock()

        def make(database: Database) -> Any:
            from exchange_desk.services.badges import DEFAULT_STOCK, badges_pdf

            return badges_pdf(database, delegation_id, stock=stock or DEFAULT_STOCK)

        return self._print(_("Badges"), make, printer)

    def print_place_cards(self, printer: QPrinter | None = None) -> Any:
        delegation_id = self.delegation_id

        def make(database: Database) -> Any:
            from exchange_desk.services.badges import place_cards_pdf

            return place_cards_pdf(database, delegation_id=delegation_id)

        return self._print(_("Place cards"), make, printer)

    def _print(self, title: str, make: Callable[[Database], Any], printer: QPrinter | None) -> Any:
        """Ask for the printer (unless given), make the document off the GUI thread, then
        put it on paper and say how many pages went, with the document's warnings."""
        if printer is None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            asked = QPrintDialog(printer, self)
            asked.setWindowTitle(_("Print {document}").format(document=title))
            if asked.exec() != QDialog.DialogCode.Accepted:
                return None
        chosen = printer
        note = self.documents.note

        def put_on_paper(made: Any) -> None:
            from exchange_desk.ui.printing import print_pdf

            try:
                pages = print_pdf(chosen, made.content)
            except OSError as exc:
                self.runner.refused(title, str(exc))
                return
            said = _("{document}: {count} pages sent to the printer.").format(
                document=title, count=pages
            )
            note.setText(_with_warnings(said, made))

        self.printing = (
            QueryOp(self, make, database=self.database)
            .with_progress(_("Making {document}…").format(document=title))
            .success(put_on_paper)
            .failure(lambda error: self.runner.failed(title, error))
            .run_in_background()
        )
        return self.printing

    # --- looks ---------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.tabs.setTabText(0, _("Member list"))
        self.tabs.setTabText(1, _("Programme"))
        self.tabs.setTabText(2, _("Documents"))
        self.guest_list_button.setText(_("Guest list…"))
        self.setWindowTitle(_("Visit: {delegation}").format(delegation=self.delegation_label()))
        if self.visit is not None:
            self.heading.setText(self._heading_text())
            self.read_visit()  # the visa note names people in the new script


def _names_of(record: Any) -> Any:
    from exchange_desk.services.names import Names

    return Names(record.name_en, record.name_zh, record.name_he)


# One window per delegation: asking again brings it forward.
_open: dict[tuple[int, int], VisitDialog] = {}


def one_window(registry: dict[K, W], key: K, make: Callable[[], W]) -> W:
    """Show the window `registry` holds under `key`, brought forward, else a new one from
    `make` (deleted when closed, and then forgotten)."""
    window = registry.get(key)
    if window is None or not shiboken6.isValid(window):
        window = make()
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        registry[key] = window
        window.destroyed.connect(lambda _object=None, key=key: registry.pop(key, None))
    window.show()
    window.raise_()
    window.activateWindow()
    return window


def open_visit(parent: QWidget | None, database: Database, delegation_id: int) -> VisitDialog:
    """Show the visit window of `delegation_id` (the one open already, if any)."""
    return one_window(
        _open, (id(database), delegation_id), lambda: VisitDialog(database, delegation_id, parent)
    )


# --- on its own --------------------------------------------------------------------------------


def show_alone(
    parser: argparse.ArgumentParser,
    argv: list[str] | None,
    make: Callable[[Database, argparse.Namespace], W],
    *,
    ready: Callable[[W], bool] = lambda _window: True,
    before_picture: Callable[[W, argparse.Namespace], None] | None = None,
) -> int:
    """The `main()` of a window shown without the main window (pictures for the README):
    `parser` gets --db, --lang and --screenshot, `make` makes the window on the database.
    `--screenshot FILE` saves a picture once its reads are done and it is `ready`, and quits."""
    from PySide6.QtCore import QThreadPool, QTimer

    from exchange_desk.services.database import open_office_database
    from exchange_desk.ui.app import make_application
    from exchange_desk.ui.operations import pending

    parser.add_argument("--db", required=True, help="the database (a SQLite file or a URL)")
    parser.add_argument("--lang", help="en, zh_CN or he")
    parser.add_argument("--screenshot", metavar="FILE", help="save a picture, then quit")
    options = parser.parse_args(argv)

    app = make_application(options.lang)
    database = open_office_database(options.db)
    window = make(database, options)
    window.show()

    def shoot() -> None:
        QThreadPool.globalInstance().waitForDone()
        app.processEvents()
        if pending() or not ready(window):
            QTimer.singleShot(100, shoot)
            return
        if before_picture is not None:
            before_picture(window, options)
            app.processEvents()
        window.grab().save(options.screenshot)
        app.quit()

    if options.screenshot:
        QTimer.singleShot(800, shoot)
    code = app.exec()
    database.dispose()
    return int(code)


_TABS = ("members", "programme", "documents")


def main(argv: list[str] | None = None) -> int:
    """Show the visit window of one delegation without the main window; `--screenshot FILE`
    saves a picture of it once its lists are read, and quits."""
    parser = argparse.ArgumentParser(
        prog="python -m exchange_desk.ui.visit_dialog",
        description="Show one delegation's visit window on its own.",
    )
    parser.add_argument("--delegation", type=int, required=True, help="the delegation's id")
    parser.add_argument("--tab", choices=_TABS, default="members")
    parser.add_argument("--select", type=int, help="select this row (from 1) of the table")

    def make(database: Database, options: argparse.Namespace) -> VisitDialog:
        dialog = VisitDialog(database, options.delegation)
        dialog.tabs.setCurrentIndex(_TABS.index(options.tab))
        return dialog

    def select(dialog: VisitDialog, options: argparse.Namespace) -> None:
        page = dialog.tabs.currentWidget()
        if options.select and isinstance(page, ChildRecords) and page.model.rowCount():
            page.select_row(min(options.select, page.model.rowCount()) - 1)

    return show_alone(parser, argv, make, before_picture=select)


if __name__ == "__main__":
    sys.exit(main())
