"""The widgets that edit one field of a record, and the red problem labels under them.

Every editor has `value()`, which reads what is typed into the field's Python value or raises
`Unparseable` with a message for the user, and `set_value()`, which shows a value. Editors never
talk to the database themselves; the lists of records they choose from come from `Choices`,
which reads them through the services once per dialog (the window reads them with the record,
off the GUI thread: `read_choices`), and again when the records of a list change.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QDate, QLocale, QObject, QSize, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QShowEvent,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from exchange_desk.domain.countries import country_codes, country_name
from exchange_desk.domain.dates import PartialDate, read_typed
from exchange_desk.domain.enums import Labelled, ParticipantRole
from exchange_desk.domain.errors import FieldProblem, NotFound
from exchange_desk.domain.field_rules import parse_time
from exchange_desk.domain.records import EventParticipant
from exchange_desk.i18n.catalog import _, active_language
from exchange_desk.i18n.formatting import day_comes_first, typed_date_example
from exchange_desk.i18n.languages import LANGUAGES, find_language
from exchange_desk.services.database import Database
from exchange_desk.services.kinds import kind_named
from exchange_desk.services.records import named_rows, names_of
from exchange_desk.services.registry import DECLARED
from exchange_desk.ui.collation import sorted_by_text
from exchange_desk.ui.forms import MASK, label_of, record_label
from exchange_desk.ui.operations import QueryOp, change_hub

if TYPE_CHECKING:
    from exchange_desk.services.changes import Changes

Creator = Callable[[str], Any]
"""Opens a dialog for a new record of a kind; returns the stored record, or None."""

PROBLEM_COLOR = "#c62828"  # a red that stays readable on white and on light grey


class Unparseable(ValueError):
    """What is typed cannot even be read as the field's type (a date "2018-13")."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FieldEditor(Protocol):
    """What the dialogs ask of every editor: read the value (or raise `Unparseable`), show one."""

    def value(self) -> Any: ...

    def set_value(self, value: Any) -> None: ...


def plain_button(text: str) -> QPushButton:
    """A helper button inside a form; never the default, so Enter in a field means OK."""
    button = QPushButton(text)
    button.setAutoDefault(False)
    button.setDefault(False)
    return button


def _locale() -> QLocale:
    language = find_language(active_language())
    return QLocale(language.code if language else "en")


def sorted_texts(items: Iterable[tuple[Any, str]]) -> list[tuple[Any, str]]:
    """Items sorted by their text the way the user's language sorts (pinyin, alef-bet)."""
    # The tables' collator, so that a picker lists names in the order of the tab behind it.
    return sorted_by_text(items)


# --- problems ----------------------------------------------------------------------------


def problem_label() -> QLabel:
    """A red label under a field, hidden while it has nothing to say."""
    label = QLabel()
    label.setObjectName("problem")
    # Messages quote what the user typed: never let that be read as markup.
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {PROBLEM_COLOR};")
    label.hide()
    return label


class ProblemBoard:
    """Where each field's problems are shown, and a general place for the rest."""

    def __init__(self, general: QLabel) -> None:
        self.general = general
        self.labels: dict[str, QLabel] = {}

    def register(self, field: str, label: QLabel) -> None:
        self.labels[field] = label

    def clear(self) -> None:
        for label in [*self.labels.values(), self.general]:
            label.clear()
            label.hide()

    def show(self, problems: Sequence[FieldProblem]) -> list[str]:
        """Show each problem under its field; returns the fields that have a problem, in
        the order given."""
        shown: list[str] = []
        for problem in problems:
            label = self.labels.get(problem.field)
            if label is None:
                self.show_general(problem.message)
                continue
            self._append(label, problem.message)
            if problem.field not in shown:
                shown.append(problem.field)
        return shown

    def show_general(self, message: str) -> None:
        self._append(self.general, message)

    def clear_field(self, field: str) -> None:
        """The field was changed: what was said about it no longer holds."""
        label = self.labels.get(field)
        if label is not None:
            label.clear()
            label.hide()

    def showing(self, field: str) -> bool:
        """Whether a problem is shown under the field."""
        label = self.labels.get(field)
        return label is not None and not label.isHidden()

    def text(self, field: str) -> str:
        label = self.labels.get(field)
        return label.text() if label is not None and not label.isHidden() else ""

    @staticmethod
    def _append(label: QLabel, message: str) -> None:
        label.setText(f"{label.text()}\n{message}" if label.text() else message)
        label.show()


# --- plain values ------------------------------------------------------------------------


class TextEdit(QLineEdit):
    def value(self) -> str:
        # Spaces around a name would make "Kfar Saba " a second Kfar Saba.
        return self.text().strip()

    def set_value(self, value: Any) -> None:
        self.setText("" if value is None else str(value))
        # A long name opens at its beginning (in a Hebrew one, at its right edge), not at
        # its end, where setText leaves the cursor.
        self.setCursorPosition(0)


class MultilineEdit(QPlainTextEdit):
    """Free text of a few lines; Tab moves on to the next field, as in the other fields."""

    def __init__(self, lines: int = 3, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self._lines = lines

    def sizeHint(self) -> QSize:
        # QPlainTextEdit asks for a dozen lines by default, which makes forms needlessly tall.
        margins = self.contentsMargins()
        document_margin = int(self.document().documentMargin() * 2)
        height = (
            self.fontMetrics().lineSpacing() * self._lines
            + margins.top()
            + margins.bottom()
            + document_margin
        )
        return QSize(super().sizeHint().width(), height)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def value(self) -> str:
        return self.toPlainText().strip()

    def set_value(self, value: Any) -> None:
        self.setPlainText("" if value is None else str(value))
        self.moveCursor(QTextCursor.MoveOperation.Start)  # a long text opens at its start


class PartialDateEdit(QLineEdit):
    """A date typed as YYYY, YYYY-MM or YYYY-MM-DD, or as the user's language writes it
    (16.11.2018 in Hebrew, 11/16/2018 in English, 2018年11月16日); shown again in ISO form,
    which reads the same in all three languages. A date known to the year stays a year."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(_("YYYY, YYYY-MM or YYYY-MM-DD"))
        self.setToolTip(
            _(
                "Type only what is known: 2009, 2018-11 or 2018-11-16, or a whole date as "
                "you write it ({example}). A year stays a year; no day is invented."
            ).format(example=typed_date_example())
        )
        self.editingFinished.connect(self._tidy)
        # Wide enough for its hint in any language, not for a paragraph.
        self.setMaximumWidth(self.fontMetrics().horizontalAdvance(self.placeholderText()) + 32)

    def value(self) -> PartialDate | None:
        text = self.text().strip()
        if not text:
            return None
        try:
            return read_typed(text, day_first=day_comes_first())
        except ValueError:
            raise Unparseable(
                _(
                    "Not a date: {text}. Type YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2018, "
                    "2018-11 or 2018-11-16), or a whole date as you write it ({example})."
                ).format(text=text, example=typed_date_example())
            ) from None

    def set_value(self, value: Any) -> None:
        self.setText("" if value is None else value.isoformat())
        self.setCursorPosition(0)

    def _tidy(self) -> None:
        # Show what will be stored ("2018/11/6" becomes "2018-11-06"); leave a wrong
        # date as typed, so that the user can correct it.
        try:
            value = self.value()
        except Unparseable:
            return
        if value is not None and value.isoformat() != self.text():
            self.setText(value.isoformat())


class NumberEdit(QLineEdit):
    """An optional whole number: empty, or digits (group separators are forgiven)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMaximumWidth(self.fontMetrics().horizontalAdvance("0") * 16 + 16)

    def value(self) -> int | None:
        text = self.text().strip()
        if not text:
            return None
        cleaned = text
        for separator in {",", " ", "\u00a0", "\u202f", "'", _locale().groupSeparator()}:
            cleaned = cleaned.replace(separator, "")
        try:
            return int(cleaned)
        except ValueError:
            raise Unparseable(_("Not a whole number: {value}").format(value=text)) from None

    def set_value(self, value: Any) -> None:
        self.setText("" if value is None else str(value))
        self.setCursorPosition(0)


class DecimalEdit(QLineEdit):
    """An optional decimal number such as a latitude; a comma is taken as the decimal point."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMaximumWidth(self.fontMetrics().horizontalAdvance("0") * 16 + 16)

    def value(self) -> float | None:
        text = self.text().strip()
        if not text:
            return None
        try:
            return float(text.replace(",", "."))
        except ValueError:
            raise Unparseable(_("Not a number: {value}").format(value=text)) from None

    def set_value(self, value: Any) -> None:
        # A value of 800 reads "800", not Python's "800.0"; 36.65 stays 36.65.
        self.setText("" if value is None else f"{value:.15g}")
        self.setCursorPosition(0)


class CountSpin(QSpinBox):
    """A whole number that is always there, such as the number of reprints."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, 1_000_000)

    def value(self) -> int:
        return int(super().value())

    def set_value(self, value: Any) -> None:
        self.setValue(int(value or 0))


class DayEdit(QDateEdit):
    """A full calendar date, with a calendar to pick from."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        # The same ISO form as the partial dates next to it, whatever the language, and in
        # the same order: a right-to-left date edit reverses its sections, "2018-12-01"
        # became "01-12-2018". The calendar it opens keeps the window's direction.
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # first: the format reads it
        self.setDisplayFormat("yyyy-MM-dd")
        self.calendarWidget().setLayoutDirection(QGuiApplication.layoutDirection())
        # A date's width, with room for the arrow, as the optional dates and the times.
        self.setMaximumWidth(self.fontMetrics().horizontalAdvance("0000-00-00" + "0" * 6) + 24)

    def value(self) -> dt.date:
        day = self.date()
        return dt.date(day.year(), day.month(), day.day())

    def set_value(self, value: Any) -> None:
        day = value if isinstance(value, dt.date) else dt.date.today()
        self.setDate(QDate(day.year, day.month, day.day))


class OptionalDayEdit(QWidget):
    """A full calendar date that may be left empty (a date of birth, an arrival): typed as
    ISO or as the user's language writes it (30.1.1968 in Hebrew), or picked from a
    calendar; shown again in ISO form, like the partial dates."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(_("YYYY-MM-DD"))
        self.edit.setToolTip(
            _(
                "Type a whole date, 1968-01-30 or as you write it ({example}); leave it "
                "empty if it is not known."
            ).format(example=typed_date_example())
        )
        # Digits and dashes: the same order in a Hebrew window.
        self.edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.edit.editingFinished.connect(self._tidy)
        self.edit.setMaximumWidth(
            self.edit.fontMetrics().horizontalAdvance("0000-00-00" + "0" * 6) + 16
        )
        self.calendar_button = QToolButton()
        self.calendar_button.setArrowType(Qt.ArrowType.DownArrow)
        self.calendar_button.setToolTip(_("Choose from a calendar"))
        self.calendar_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        # The button is the arrow: no second arrow for its menu.
        self.calendar_button.setStyleSheet("QToolButton::menu-indicator { image: none; }")
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._picked)
        menu = QMenu(self.calendar_button)
        holder = QWidgetAction(menu)
        holder.setDefaultWidget(self.calendar)
        menu.addAction(holder)
        menu.aboutToShow.connect(self._show_chosen)
        self.calendar_button.setMenu(menu)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.calendar_button)
        layout.addStretch(1)
        self.setFocusProxy(self.edit)

    def value(self) -> dt.date | None:
        text = self.edit.text().strip()
        if not text:
            return None
        try:
            typed = read_typed(text, day_first=day_comes_first())
        except ValueError:
            typed = None
        if typed is None or typed.day is None or typed.month is None:
            raise Unparseable(
                _(
                    "Not a whole date: {text}. Type YYYY-MM-DD (e.g. 1968-01-30) or a whole "
                    "date as you write it ({example}), or leave it empty."
                ).format(text=text, example=typed_date_example())
            )
        return dt.date(typed.year, typed.month, typed.day)

    def set_value(self, value: Any) -> None:
        self.edit.setText(value.isoformat() if isinstance(value, dt.date) else "")
        self.edit.setCursorPosition(0)

    def _tidy(self) -> None:
        try:
            value = self.value()
        except Unparseable:
            return  # left as typed, to be corrected
        if value is not None and value.isoformat() != self.edit.text():
            self.edit.setText(value.isoformat())

    def _show_chosen(self) -> None:
        try:
            value = self.value()
        except Unparseable:
            value = None
        if value is not None:
            self.calendar.setSelectedDate(QDate(value.year, value.month, value.day))

    def _picked(self, day: QDate) -> None:
        self.set_value(dt.date(day.year(), day.month(), day.day()))
        menu = self.calendar_button.menu()
        if menu is not None:
            menu.hide()
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)


class TimeEdit(QLineEdit):
    """A time of day, HH:MM, or empty: 9:30, 0930, 9.30 and 9 are taken and shown as 09:30
    and 09:00 (`domain.field_rules.parse_time`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(_("HH:MM"))
        self.setToolTip(_("A time of day on the 24-hour clock: 9:30, 09.30 or 0930."))
        # Digits and a colon: the same order in a Hebrew window.
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.setMaximumWidth(
            max(
                self.fontMetrics().horizontalAdvance(self.placeholderText()),
                self.fontMetrics().horizontalAdvance("00:00"),
            )
            + 40
        )
        self.editingFinished.connect(self._tidy)

    def value(self) -> str | None:
        text = self.text().strip()
        if not text:
            return None
        found = parse_time(text)
        if found is None:
            raise Unparseable(
                _("Not a time of day: {text}. Type HH:MM on the 24-hour clock, e.g. 09:30.").format(
                    text=text
                )
            )
        return found

    def set_value(self, value: Any) -> None:
        self.setText("" if value is None else str(value))
        self.setCursorPosition(0)

    def _tidy(self) -> None:
        found = parse_time(self.text()) if self.text().strip() else None
        if found is not None and found != self.text():
            self.setText(found)


class MaskedField(QStackedWidget):
    """A field of personal data (a passport number) that holds a stored value: shown as
    hidden, with nothing of the value in any widget, until the dialog reveals it and puts
    it into `editor`."""

    def __init__(self, editor: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.cover = QLineEdit()
        self.cover.setReadOnly(True)
        self.cover.setEnabled(False)
        self.cover.setPlaceholderText(_("{mask} hidden").format(mask=MASK))
        # Narrow while it hides (the layout puts it at the leading edge, in Hebrew too).
        self._covered_width = (
            self.cover.fontMetrics().horizontalAdvance(self.cover.placeholderText()) + 40
        )
        self.cover.setToolTip(_("Personal data: press Reveal to see or change it."))
        self.addWidget(self.cover)
        self.addWidget(editor)
        self.setCurrentWidget(editor)
        self.setFocusProxy(editor)

    @property
    def masked(self) -> bool:
        return self.currentWidget() is self.cover

    def hide_value(self) -> None:
        self.setCurrentWidget(self.cover)
        self.setMaximumWidth(self._covered_width)

    def show_value(self) -> None:
        self.setCurrentWidget(self.editor)
        self.setMaximumWidth(self.editor.maximumWidth())

    def sizeHint(self) -> QSize:
        # The size of what is shown, not the largest page (a stack's default).
        shown = self.currentWidget()
        return shown.sizeHint() if shown is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        shown = self.currentWidget()
        return shown.minimumSizeHint() if shown is not None else super().minimumSizeHint()


class CheckEdit(QCheckBox):
    def value(self) -> bool:
        return self.isChecked()

    def set_value(self, value: Any) -> None:
        self.setChecked(bool(value))


class EnumCombo(QComboBox):
    """One member of a vocabulary, shown by its translated label.

    A required field without a default starts unchosen ("Choose…"), so that a direction or a
    tier is never recorded because it happened to be first in the list."""

    def __init__(
        self, enum: type[Labelled], *, optional: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._enum = enum
        self._optional = optional
        if optional:
            self.addItem("", None)
        for member in enum:
            # The text value, not the member: Qt would turn a str subclass into a plain str.
            self.addItem(member.label, member.value)
        self.setPlaceholderText(_("Choose…"))
        self.set_value(None)

    def value(self) -> Labelled | None:
        data = self.currentData()
        return None if data is None else self._enum(data)

    def set_value(self, value: Any) -> None:
        if value is None:
            self.setCurrentIndex(0 if self._optional else -1)
            return
        self.setCurrentIndex(self.findData(self._enum(value).value))


# --- choosing records --------------------------------------------------------------------


def read_choices(database: Database, kinds: Iterable[str]) -> dict[str, list[tuple[int, str]]]:
    """Each kind's records as a picker names them, (id, label): what a dialog's pickers
    choose from, read at once (off the GUI thread: 2,000 organizations take 20 ms)."""
    return {
        kind: [
            (row.id, label_of(kind, row.id, row.names, row.summary))
            for row in named_rows(database, kind)
        ]
        for kind in kinds
    }


class Choices(QObject):
    """The records a dialog's pickers choose from, read once per kind, by name (or given,
    read already), and read again off the GUI thread when records of a kind change.

    `added` tells every picker of a kind that a record was created from one of them, so that
    an organization made for one list can be chosen in the next at once; `reloaded` that a
    kind's list was read again."""

    added = Signal(str, int)
    reloaded = Signal(str)

    def __init__(
        self,
        database: Database,
        parent: QObject | None = None,
        *,
        lists: Mapping[str, Sequence[tuple[int, str]]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self._lists: dict[str, list[tuple[int, str]]] = {}
        self._texts: dict[str, dict[int, str]] = {}
        for kind, items in (lists or {}).items():
            self._keep(kind, items)
        change_hub().changed.connect(self._data_changed)

    def _keep(self, kind: str, items: Sequence[tuple[int, str]]) -> None:
        self._lists[kind] = sorted_texts(items)
        self._texts[kind] = dict(items)

    def of(self, kind: str) -> list[tuple[int, str]]:
        if kind not in self._lists:
            self._keep(kind, read_choices(self.database, [kind])[kind])
        return self._lists[kind]

    def _data_changed(self, changes: Changes) -> None:
        owner = self.parent()
        if not isinstance(owner, QWidget) or not owner.isVisible():
            return  # the dialog has closed (or not opened): nobody chooses any more
        touched = [kind for kind in self._lists if changes.touches(kind)]
        if touched:

            def read(database: Database) -> dict[str, list[tuple[int, str]]]:
                return read_choices(database, touched)

            QueryOp(owner, read, database=self.database).success(self._arrived).run_in_background()

    def _arrived(self, lists: dict[str, list[tuple[int, str]]]) -> None:
        for kind, items in lists.items():
            self._keep(kind, items)
            self.reloaded.emit(kind)

    def text(self, kind: str, record_id: int) -> str:
        known = self._texts.get(kind) or {}
        if record_id in known:
            return known[record_id]
        try:
            names = names_of(self.database, kind, record_id)
        except NotFound:
            return f"{kind_named(kind).label()} {record_id}"
        return names.best() or f"{kind_named(kind).label()} {record_id}"

    def add(self, kind: str, record: Any) -> None:
        # Named as `read_choices` names the others: a delegation by its city and date.
        text = record_label(kind, record)
        if not DECLARED[kind].name_columns:
            with contextlib.suppress(NotFound):
                text = names_of(self.database, kind, record.id).best() or text
        self.of(kind).append((record.id, text))
        self._texts[kind][record.id] = text
        self.added.emit(kind, record.id)


def show_start(combo: QComboBox) -> None:
    """An editable combo's text scrolled to its start (setCurrentIndex leaves its cursor at
    the end, which shows the tail of a long name)."""
    line = combo.lineEdit()
    if line is not None:
        line.setCursorPosition(0)


class SearchCombo(QComboBox):
    """An editable combo that finds an item by any part of its text, whatever the case."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        # Typing a name that is not in the list must not add it as if it were a record.
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(22)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        line = self.lineEdit()
        assert line is not None
        line.setPlaceholderText(_("Type to search…"))

    def chosen_data(self) -> Any:
        """The data of the item whose text is shown, None when empty; LookupError when the
        text names no item."""
        text = self.currentText().strip()
        if not text:
            return None
        index = self.currentIndex()
        if index >= 0 and self.itemText(index).strip() == text:
            return self.itemData(index)
        # Typed rather than picked: a whole name, in any case, still counts if it is unique.
        wanted = text.casefold()
        matches = [i for i in range(self.count()) if self.itemText(i).strip().casefold() == wanted]
        if len(matches) == 1:
            return self.itemData(matches[0])
        raise LookupError(text)


class CountryCombo(SearchCombo):
    """A country chosen by its name in the user's language (or typed as its ISO code)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        language = find_language(active_language())
        locale = language.babel_locale if language else "en"
        items = [(code, f"{country_name(code, locale)} ({code})") for code in country_codes()]
        for code, text in sorted_texts(items):
            self.addItem(text, code)
        self.set_value(None)

    def value(self) -> str:
        try:
            code = self.chosen_data()
        except LookupError:
            typed = self.currentText().strip().upper()
            if typed in country_codes():
                return typed
            raise Unparseable(
                _("Unknown country: {text}. Choose one from the list.").format(
                    text=self.currentText().strip()
                )
            ) from None
        return "" if code is None else str(code)

    def set_value(self, value: Any) -> None:
        index = self.findData(value) if value else -1
        if index < 0 and value:
            self.addItem(str(value), str(value))  # an unknown code stays visible to be fixed
            index = self.count() - 1
        self.setCurrentIndex(index)
        show_start(self)


class ReferencePicker(QWidget):
    """Chooses one record of a kind by its name, or creates it with "New…"."""

    created = Signal(int)

    def __init__(
        self,
        choices: Choices,
        kind: str,
        *,
        optional: bool = True,
        create: Creator | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.choices = choices
        self.kind = kind
        self._optional = optional
        self._create = create
        self.combo = SearchCombo()
        if optional:
            self.combo.addItem("", None)
        for record_id, text in choices.of(kind):
            self.combo.addItem(text, record_id)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo, 1)
        self.new_button = plain_button(_("New…"))
        self.new_button.setToolTip(
            _("Create a new {kind} and choose it").format(kind=kind_named(kind).label())
        )
        self.new_button.clicked.connect(self.create_new)
        self.new_button.setVisible(create is not None)
        layout.addWidget(self.new_button)
        self.setFocusProxy(self.combo)
        choices.added.connect(self._on_added)
        choices.reloaded.connect(self._refill)
        self.set_value(None)

    def value(self) -> int | None:
        try:
            found = self.combo.chosen_data()
        except LookupError:
            raise Unparseable(
                _(
                    "No {kind} is called {text}: choose one from the list, or create it with New…."
                ).format(kind=kind_named(self.kind).label(), text=self.combo.currentText().strip())
            ) from None
        return None if found is None else int(found)

    def set_value(self, value: Any) -> None:
        if value is None:
            self.combo.setCurrentIndex(0 if self._optional else -1)
            return
        index = self.combo.findData(value)
        if index < 0:
            self.combo.addItem(self.choices.text(self.kind, int(value)), int(value))
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)
        show_start(self.combo)  # a long organization's name opens at its start

    def create_new(self) -> None:
        """Open the dialog for a new record of the kind; choose the record it stores."""
        if self._create is None:
            return
        record = self._create(self.kind)
        if record is None:
            return
        self.choices.add(self.kind, record)
        self.set_value(record.id)
        self.created.emit(int(record.id))

    def _on_added(self, kind: str, record_id: int) -> None:
        if kind == self.kind and self.combo.findData(record_id) < 0:
            self.combo.addItem(self.choices.text(kind, record_id), record_id)

    def _refill(self, kind: str) -> None:
        """The kind's list was read again: show it, keeping what is chosen or typed."""
        if kind != self.kind:
            return
        chosen = self.combo.currentData() if self.combo.currentIndex() >= 0 else None
        typed = self.combo.currentText()
        self.combo.blockSignals(True)
        self.combo.clear()
        if self._optional:
            self.combo.addItem("", None)
        for record_id, text in self.choices.of(kind):
            self.combo.addItem(text, record_id)
        index = self.combo.findData(chosen) if chosen is not None else -1
        if index >= 0:
            self.combo.setCurrentIndex(index)
        else:
            self.combo.setCurrentIndex(0 if self._optional else -1)
            self.combo.setEditText(typed)
        self.combo.blockSignals(False)


class ReferenceListEdit(QWidget):
    """A list of records of one kind (the organizations of a delegation): Add and Remove."""

    problem_found = Signal(str)

    def __init__(
        self,
        choices: Choices,
        kind: str,
        *,
        create: Creator | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.choices = choices
        self.kind = kind
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setMaximumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.picker = ReferencePicker(choices, kind, optional=True, create=create)
        # A record created from this list is meant for the list.
        self.picker.created.connect(lambda _record_id: self.add_chosen())
        self.add_button = plain_button(_("Add"))
        self.add_button.clicked.connect(self.add_chosen)
        self.remove_button = plain_button(_("Remove"))
        self.remove_button.clicked.connect(self.remove_selected)
        row = QHBoxLayout()
        row.addWidget(self.picker, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(row)
        self.setFocusProxy(self.picker)

    def ids(self) -> tuple[int, ...]:
        return tuple(
            int(self.list.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.list.count())
        )

    def value(self) -> tuple[int, ...]:
        # A name chosen but not added would silently be lost on OK: say so instead.
        if self.picker.combo.currentText().strip():
            raise Unparseable(_("Press Add to put the chosen entry on the list, or clear it."))
        return self.ids()

    def set_value(self, value: Any) -> None:
        self.list.clear()
        for record_id in value or ():
            self._append(int(record_id))

    def add_chosen(self) -> None:
        try:
            record_id = self.picker.value()
        except Unparseable as exc:
            self.problem_found.emit(exc.message)
            return
        if record_id is None:
            return
        if record_id in self.ids():
            self.list.setCurrentRow(self.ids().index(record_id))
        else:
            self._append(record_id)
        self.picker.set_value(None)

    def remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))

    def _append(self, record_id: int) -> None:
        item = QListWidgetItem(self.choices.text(self.kind, record_id))
        item.setData(Qt.ItemDataRole.UserRole, record_id)
        self.list.addItem(item)


class ParticipantsEdit(QWidget):
    """The organizations taking part in an event, each with its role."""

    problem_found = Signal(str)

    def __init__(
        self,
        choices: Choices,
        *,
        create: Creator | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.choices = choices
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([_("Organization"), _("Role")])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMaximumHeight(self.fontMetrics().lineSpacing() * 7 + 16)
        self.picker = ReferencePicker(choices, "organizations", optional=True, create=create)
        self.picker.created.connect(lambda _record_id: self.add_chosen())
        self.role = EnumCombo(ParticipantRole)
        self.role.set_value(ParticipantRole.PARTICIPANT)
        self.add_button = plain_button(_("Add"))
        self.add_button.clicked.connect(self.add_chosen)
        self.remove_button = plain_button(_("Remove"))
        self.remove_button.clicked.connect(self.remove_selected)
        row = QHBoxLayout()
        row.addWidget(self.picker, 1)
        row.addWidget(self.role)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(row)
        self.setFocusProxy(self.picker)

    def participants(self) -> tuple[EventParticipant, ...]:
        found = []
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            combo = self.table.cellWidget(row, 1)
            assert item is not None
            assert isinstance(combo, EnumCombo)
            role = combo.value()
            found.append(
                EventParticipant(
                    organization_id=int(item.data(Qt.ItemDataRole.UserRole)),
                    role=ParticipantRole(role or ParticipantRole.PARTICIPANT),
                )
            )
        return tuple(found)

    def value(self) -> tuple[EventParticipant, ...]:
        if self.picker.combo.currentText().strip():
            raise Unparseable(_("Press Add to put the chosen entry on the list, or clear it."))
        return self.participants()

    def set_value(self, value: Any) -> None:
        self.table.setRowCount(0)
        for participant in value or ():
            self._append(participant.organization_id, participant.role)

    def add_chosen(self) -> None:
        try:
            record_id = self.picker.value()
        except Unparseable as exc:
            self.problem_found.emit(exc.message)
            return
        if record_id is None:
            return
        present = [p.organization_id for p in self.participants()]
        if record_id in present:
            self.table.selectRow(present.index(record_id))
        else:
            role = self.role.value()
            self._append(record_id, ParticipantRole(role or ParticipantRole.PARTICIPANT))
        self.picker.set_value(None)

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)

    def _append(self, organization_id: int, role: ParticipantRole) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        item = QTableWidgetItem(self.choices.text("organizations", organization_id))
        item.setData(Qt.ItemDataRole.UserRole, organization_id)
        self.table.setItem(row, 0, item)
        combo = EnumCombo(ParticipantRole)
        combo.set_value(role)
        self.table.setCellWidget(row, 1, combo)


class AreasEdit(QWidget):
    """The areas of cooperation, each a check box, in rows of three."""

    COLUMNS = 3

    def __init__(self, enum: type[Labelled], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._enum = enum
        self.boxes: dict[str, QCheckBox] = {}
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for index, member in enumerate(enum):
            box = QCheckBox(member.label)
            self.boxes[member.value] = box
            layout.addWidget(box, index // self.COLUMNS, index % self.COLUMNS)

    def value(self) -> tuple[Labelled, ...]:
        return tuple(self._enum(value) for value, box in self.boxes.items() if box.isChecked())

    def set_value(self, value: Any) -> None:
        chosen = {self._enum(member).value for member in value or ()}
        for member_value, box in self.boxes.items():
            box.setChecked(member_value in chosen)


class NamesGroup(QWidget):
    """One name in English, Chinese and Hebrew, each with its own problem label.

    Each line is laid out in its own language's direction (the Hebrew one right to left),
    whatever the direction of the rest of the window."""

    def __init__(
        self, fields: Sequence[str], *, multiline: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.editors: dict[str, TextEdit | MultilineEdit] = {}
        self.problem_labels: dict[str, QLabel] = {}
        self.language_labels: dict[str, QLabel] = {}
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setVerticalSpacing(2)
        layout.setColumnStretch(1, 1)
        for row, (field, language) in enumerate(zip(fields, LANGUAGES, strict=True)):
            editor: TextEdit | MultilineEdit = MultilineEdit(3) if multiline else TextEdit()
            editor.setLayoutDirection(
                Qt.LayoutDirection.RightToLeft
                if language.is_rtl
                else Qt.LayoutDirection.LeftToRight
            )
            # Each language's own name: a reader of any of them finds their line.
            label = QLabel(language.native_name)
            label.setBuddy(editor)
            # Leading edge, mirrored by the layout in a right-to-left window; without it a
            # label aligns by its own script, and "עברית" would stand apart from "English".
            vertical = Qt.AlignmentFlag.AlignTop if multiline else Qt.AlignmentFlag.AlignVCenter
            layout.addWidget(label, row * 2, 0, Qt.AlignmentFlag.AlignLeading | vertical)
            layout.addWidget(editor, row * 2, 1)
            problem = problem_label()
            layout.addWidget(problem, row * 2 + 1, 1)
            self.editors[field] = editor
            self.problem_labels[field] = problem
            self.language_labels[field] = label
        self.setFocusProxy(next(iter(self.editors.values())))


# --- what the user changed -----------------------------------------------------------------


def on_change(editor: Any, slot: Callable[[], None]) -> None:
    """Call `slot` whenever what `editor` holds changes (typed, chosen, pasted or set), so
    that a field's problem can go as soon as the field is fixed."""

    def changed(*_args: Any) -> None:
        slot()

    if isinstance(editor, MaskedField):
        editor = editor.editor
    own = getattr(editor, "changed", None)  # an image field says so itself
    if own is not None and hasattr(own, "connect"):
        own.connect(changed)
    elif isinstance(editor, OptionalDayEdit):
        editor.edit.textChanged.connect(changed)
    elif isinstance(editor, (QLineEdit, QPlainTextEdit)):
        editor.textChanged.connect(changed)
    elif isinstance(editor, QComboBox):
        editor.currentIndexChanged.connect(changed)
        if editor.isEditable():
            editor.editTextChanged.connect(changed)
    elif isinstance(editor, QCheckBox):
        editor.toggled.connect(changed)
    elif isinstance(editor, QDateEdit):
        editor.dateChanged.connect(changed)
    elif isinstance(editor, QSpinBox):
        editor.valueChanged.connect(changed)
    elif isinstance(editor, ReferencePicker):
        on_change(editor.combo, slot)
    elif isinstance(editor, ReferenceListEdit):
        model = editor.list.model()
        model.rowsInserted.connect(changed)
        model.rowsRemoved.connect(changed)
        on_change(editor.picker, slot)
    elif isinstance(editor, ParticipantsEdit):
        model = editor.table.model()
        model.rowsInserted.connect(changed)
        model.rowsRemoved.connect(changed)
        on_change(editor.picker, slot)
    elif isinstance(editor, AreasEdit):
        for box in editor.boxes.values():
            box.toggled.connect(changed)
    elif hasattr(editor, "valueChanged"):  # other spin boxes (exchanges a year)
        editor.valueChanged.connect(changed)


def editor_state(editor: Any) -> Any:
    """What an editor holds, to tell whether the user changed it since the dialog opened:
    its value, or for one that cannot be read, what is typed (by its message, which quotes
    it); an image field also by the file chosen for it."""
    try:
        value = editor.value()
    except Unparseable as problem:
        value = ("unreadable", problem.message)
    pending = getattr(editor, "pending", None)
    return (value, pending.file_name) if pending is not None else value


def ask_discard(parent: QWidget) -> bool:
    """Escape or Cancel on a dialog with typed changes: True when the user lets them go.
    Keep editing is the default, so a second Escape or Enter loses nothing."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(_("Discard changes"))
    box.setText(_("Discard your changes?"))
    box.setInformativeText(_("What you typed in this dialog has not been saved."))
    discard = box.addButton(_("Discard"), QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton(_("Keep editing"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.setObjectName("discardChanges")
    try:
        box.exec()
        return box.clickedButton() is discard
    finally:
        box.deleteLater()


class GuardedDialog(QDialog):
    """A dialog whose Escape, Cancel and close button ask before throwing away what was
    typed (`has_changes`). `reject()` itself does not ask: the program closes dialogs
    with it too. Connect the Cancel button to `cancel`. What the fields hold when the
    dialog is first shown is what a subclass compares with (`remember_opening`): values
    its caller set after building it are not the user's changes."""

    _remembered = False

    def has_changes(self) -> bool:
        return False

    def remember_opening(self) -> None:
        """Keep what the fields hold now as the state to compare with."""

    def showEvent(self, event: QShowEvent) -> None:
        if not self._remembered:
            self._remembered = True
            self.remember_opening()
        super().showEvent(event)

    def cancel(self) -> bool:
        """Close unless the user keeps editing; True when the dialog was closed."""
        if self.has_changes() and not ask_discard(self):
            return False
        self.reject()
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Cancel):
            event.accept()
            self.cancel()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        # The title bar's close button (a spontaneous close) asks as Cancel does.
        asked = event.spontaneous() and self.isVisible() and self.has_changes()
        if asked and not ask_discard(self):
            event.ignore()
            return
        super().closeEvent(event)
