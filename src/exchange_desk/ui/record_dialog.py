"""The dialog that creates, edits or duplicates one record of any kind.

The fields come from `forms.form_of` (the kind's declaration). OK stores the record through
`services.editing.save_record` (or the caller's `saver`) as an operation off the GUI thread,
so the same dialog serves the main window, the nested "New…" of a picker and the tests; a
record stored is announced by `saved`, for the window's undo history, and its changes on the
operations' change hub. What the user typed is never lost to an error: a field that cannot be
read, a rule the services refuse, a duplicate or a locked database all leave the dialog open
with every field as it was, the message next to the field it concerns; the message goes as
soon as the field is changed, and comes back at once only if the field is still wrong.
Escape, Cancel and the close button ask before throwing away what was typed.

A person's passport data (the declaration's sensitive fields) that is stored is shown as
hidden: no widget holds it until Reveal asks `services.people.reveal_record`, which puts
the reveal on record. A field never revealed keeps its stored value when the record is
saved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import MISSING, fields, replace
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from exchange_desk.domain.errors import (
    Conflict,
    ConflictError,
    FieldProblem,
    InvalidInput,
    NotAllowed,
    NotFound,
    StorageUnavailable,
)
from exchange_desk.domain.validation import problems as rule_problems
from exchange_desk.i18n.catalog import _
from exchange_desk.i18n.formatting import format_list, format_partial_date
from exchange_desk.services.audit import Action, AuditEntry
from exchange_desk.services.changes import Changes
from exchange_desk.services.conflicts import (
    ConflictPlan,
    Side,
    field_labels,
    merged_record,
    plan_conflict,
    plan_reload,
)
from exchange_desk.services.database import Database
from exchange_desk.services.editing import NewAttachment, Saved, save_record
from exchange_desk.services.kinds import kind_named
from exchange_desk.services.records import cleaned_text_fields, cleaning_notice, record_name
from exchange_desk.ui.conflict_dialog import ConflictDialog
from exchange_desk.ui.errors import show_notice
from exchange_desk.ui.fields import (
    AreasEdit,
    CheckEdit,
    Choices,
    CountryCombo,
    CountSpin,
    DayEdit,
    DecimalEdit,
    EnumCombo,
    FieldEditor,
    GuardedDialog,
    MaskedField,
    MultilineEdit,
    NamesGroup,
    NumberEdit,
    OptionalDayEdit,
    PartialDateEdit,
    ParticipantsEdit,
    ProblemBoard,
    ReferenceListEdit,
    ReferencePicker,
    TextEdit,
    TimeEdit,
    Unparseable,
    editor_state,
    on_change,
    plain_button,
    problem_label,
)
from exchange_desk.ui.forms import (
    MASK,
    FieldSpec,
    Widget,
    edit_title,
    form_of,
    new_title,
    record_label,
)
from exchange_desk.ui.operations import CollectionOp, QueryOp, change_hub
from exchange_desk.ui.profile_dialog import ImageEdit
from exchange_desk.ui.undo import name_step

Saver = Callable[[Any], Any]
"""Stores a record (creates it when its id is None, else updates it), off the GUI thread, and
returns `editing.Saved` (or the record as stored); raises InvalidInput, Conflict,
StorageUnavailable or NotFound. The dialog's own is `editing.save_record`."""


def picker_kinds(kind: str) -> list[str]:
    """The kinds of record the dialog of `kind` chooses from (its pickers' lists)."""
    found: dict[str, None] = {}
    for spec in form_of(kind):
        if spec.widget is Widget.PARTICIPANTS:
            found["organizations"] = None
        elif spec.widget in (Widget.REFERENCE, Widget.REFERENCES) and spec.kind:
            found[spec.kind] = None
    return list(found)


COPY_SUFFIX = " (copy)"  # added to the English name, so it stays English in every language


def duplicate_of(kind: str, record: Any) -> Any:
    """A copy of `record` to be stored as a new record."""
    changes: dict[str, Any] = {"id": None}
    if kind == "cities":
        # Cities are unique by country and English name: the copy must differ to be stored.
        changes["name_en"] = record.name_en + COPY_SUFFIX
    if kind in ("agreements", "awards"):
        # The scan belongs to the original record and goes when it is deleted.
        changes["scan_attachment_id"] = None
    if kind == "certificates":
        changes["reprints"] = 0  # the copy has not been printed yet
    # Passport data belongs to the one person: a copy starts without it.
    defaults = _defaults(type(record))
    for name in kind_named(kind).declaration.sensitive_fields:
        changes[name] = defaults.get(name)
    return replace(record, **changes)


def _stand_in(spec: FieldSpec) -> Any:
    """A value of the right type for a required field without a default that is empty or
    unreadable, so that the other fields can still be checked; the field's own problem is
    reported already."""
    if spec.widget is Widget.ENUM and spec.enum is not None:
        return next(iter(spec.enum))
    if spec.widget is Widget.REFERENCE:
        return 0
    return ""


def _defaults(record_type: type[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for field in fields(record_type):
        if field.default is not MISSING:
            found[field.name] = field.default
    return found


class RecordDialog(GuardedDialog):
    """Edits one record; `saved_record` holds the stored record after OK succeeded.

    `choices` are the pickers' lists: a `Choices` to share (a nested dialog shares its
    parent's), or the lists read already (`fields.read_choices`), else read when needed."""

    saved = Signal(object)  # editing.Saved: the record stored, its changes, its undo step

    def __init__(
        self,
        database: Database,
        kind: str,
        record: Any | None,
        saver: Saver | None = None,
        parent: QWidget | None = None,
        *,
        duplicate: bool = False,
        choices: Choices | Mapping[str, Sequence[tuple[int, str]]] | None = None,
        initial: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        # What a new record starts with beyond its kind's defaults (a gift's currency).
        self.initial = dict(initial or {})
        self.kind = kind
        self.saver = saver
        self.saved_record: Any | None = None
        self.saving: CollectionOp[Any] | None = None
        # The text fields the save being made cleans of hidden direction characters.
        self.cleaned: tuple[str, ...] = ()
        self.specs = form_of(kind)
        self._record_type = kind_named(kind).record
        if record is not None and duplicate:
            record = duplicate_of(kind, record)
        self._base = record
        self.choices = (
            choices if isinstance(choices, Choices) else Choices(database, self, lists=choices)
        )
        self.editors: dict[str, FieldEditor] = {}
        self.field_widgets: dict[str, QWidget] = {}
        self.row_labels: dict[str, QLabel] = {}
        # Passport data: each sensitive field's cover, and the row with the Reveal button.
        self.masks: dict[str, MaskedField] = {}
        self.revealed = False
        self.revealing: CollectionOp[Any] | None = None
        self.reveal_row: QWidget | None = None

        self.general = problem_label()
        self.problems = ProblemBoard(self.general)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        for spec in self.specs:
            self._add_row(spec)
        content = QWidget()
        content.setLayout(self.form)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(content)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setDefault(True)
        # Another desk's change to this record: who and when, and Reload.
        self.remote_bar = QFrame()
        self.remote_bar.setFrameShape(QFrame.Shape.StyledPanel)
        self.remote_bar.setAutoFillBackground(True)
        self.remote_bar.setBackgroundRole(QPalette.ColorRole.ToolTipBase)
        self.remote_note = QLabel()
        self.remote_note.setWordWrap(True)
        self.remote_note.setForegroundRole(QPalette.ColorRole.ToolTipText)
        self.reload_button = QPushButton(_("Reload"))
        self.reload_button.setToolTip(
            _("Bring in their changes; the fields you changed keep your values.")
        )
        self.reload_button.setAutoDefault(False)  # Enter in a field is OK's, never Reload's
        self.reload_button.clicked.connect(self._reload)
        bar = QHBoxLayout(self.remote_bar)
        bar.setContentsMargins(8, 4, 8, 4)
        bar.addWidget(self.remote_note, 1)
        bar.addWidget(self.reload_button)
        self.remote_bar.hide()
        self.conflict_dialog: ConflictDialog | None = None

        layout = QVBoxLayout(self)
        layout.addWidget(self.remote_bar)
        layout.addWidget(self.general)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.buttons)

        self._load(record)
        self.gift_history: QWidget | None = None
        if kind == "gifts":
            from exchange_desk.ui.gift_history import GiftHistoryPanel

            # What the partner received before, and a warning for a repeat.
            self.gift_history = GiftHistoryPanel(self)
            layout.insertWidget(2, self.gift_history)
        self._connect_switches()
        self.setWindowTitle(self._title(record, duplicate))
        self._fit(content)
        change_hub().changed.connect(self._data_changed)
        change_hub().remote.connect(self._remote)
        self._spec_of = {name: spec for spec in self.specs for name in spec.fields}
        for name, editor in self.editors.items():
            on_change(editor, partial(self._edited, name))
        # What the fields held when the dialog opened: Cancel asks only if that changed.
        self._opened = self._state()

    # --- building ------------------------------------------------------------------------

    def _add_row(self, spec: FieldSpec) -> None:
        label = QLabel("" if spec.widget is Widget.FLAG else _(spec.label))
        self.row_labels[spec.name] = label
        if spec.widget in (Widget.NAMES, Widget.MULTILINE_NAMES):
            group = NamesGroup(spec.fields, multiline=spec.widget is Widget.MULTILINE_NAMES)
            for name in spec.fields:
                self.editors[name] = group.editors[name]
                self.field_widgets[name] = group.editors[name]
                self.problems.register(name, group.problem_labels[name])
            label.setBuddy(group.editors[spec.fields[0]])
            self.form.addRow(label, group)
            return
        widget = self._editor(spec)
        self.editors[spec.name] = widget  # type: ignore[assignment]
        self.field_widgets[spec.name] = widget
        shown: QWidget = widget
        if spec.sensitive:
            if self.reveal_row is None:
                self._add_reveal_row()
            shown = self.masks[spec.name] = MaskedField(widget)
        problem = problem_label()
        self.problems.register(spec.name, problem)
        if isinstance(widget, (ReferenceListEdit, ParticipantsEdit)):
            widget.problem_found.connect(
                lambda message, name=spec.name: self._show([FieldProblem(name, message)])
            )
        row = QWidget()
        box = QVBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(shown)
        box.addWidget(problem)
        row.setFocusProxy(shown)
        label.setBuddy(shown)
        self.form.addRow(label, row)

    def _add_reveal_row(self) -> None:
        """The row above the passport data: what is hidden, and Reveal."""
        self.reveal_note = QLabel(
            _(
                "Passport data is hidden. Reveal it to see or change it; the log records "
                "who revealed it."
            )
        )
        self.reveal_note.setWordWrap(True)
        self.reveal_note.setStyleSheet("color: palette(dark);")
        self.reveal_button = plain_button(_("Reveal"))
        self.reveal_button.setToolTip(
            _("Show this person's passport number, nationality, date of birth and sex")
        )
        self.reveal_button.clicked.connect(self.reveal)
        self.reveal_row = QWidget()
        line = QHBoxLayout(self.reveal_row)
        line.setContentsMargins(0, 6, 0, 2)
        line.addWidget(self.reveal_note, 1)
        line.addWidget(self.reveal_button, 0, Qt.AlignmentFlag.AlignTop)
        self.reveal_label = QLabel(_("Passport data"))
        self.form.addRow(self.reveal_label, self.reveal_row)

    def _editor(self, spec: FieldSpec) -> QWidget:
        widget = spec.widget
        if widget is Widget.TEXT:
            return TextEdit()
        if widget is Widget.MULTILINE:
            return MultilineEdit(3)
        if widget is Widget.DATE:
            return PartialDateEdit()
        if widget is Widget.DAY:
            return DayEdit()
        if widget is Widget.OPTIONAL_DAY:
            return OptionalDayEdit()
        if widget is Widget.TIME:
            return TimeEdit()
        if widget is Widget.NUMBER:
            return NumberEdit()
        if widget is Widget.COUNT:
            return CountSpin()
        if widget is Widget.DECIMAL:
            return DecimalEdit()
        if widget is Widget.FLAG:
            return CheckEdit(_(spec.label))
        if widget is Widget.COUNTRY:
            return CountryCombo()
        if widget is Widget.ENUM:
            assert spec.enum is not None
            return EnumCombo(spec.enum, optional=not spec.required)
        if widget is Widget.AREAS:
            assert spec.enum is not None
            return AreasEdit(spec.enum)
        if widget is Widget.PARTICIPANTS:
            return ParticipantsEdit(self.choices, create=self.create_record)
        if widget is Widget.IMAGE:
            record_id = getattr(self._base, "id", None)
            owner = (self.kind, record_id) if record_id else None
            # A scan may be a PDF; a seal must be an image that can be stamped.
            return ImageEdit(self.database, owner, accept_pdf=spec.name == "scan_attachment_id")
        assert spec.kind is not None
        if widget is Widget.REFERENCES:
            return ReferenceListEdit(self.choices, spec.kind, create=self.create_record)
        return ReferencePicker(
            self.choices, spec.kind, optional=not spec.required, create=self.create_record
        )

    def _load(self, record: Any | None) -> None:
        if record is not None:
            values = {name: getattr(record, name) for name in self.editors}
        else:
            defaults = {**_defaults(self._record_type), **self.initial}
            values = {name: defaults.get(name) for name in self.editors}
        for name, value in values.items():
            mask = self.masks.get(name)
            if mask is not None and self._hides(record, value):
                # The stored value stays in the record the dialog started from, never in a
                # widget: a save keeps it as it is.
                self.editors[name].set_value(None)
                mask.hide_value()
                continue
            if mask is not None:
                mask.show_value()
            self.editors[name].set_value(value)
        self._show_reveal_row()

    def _hides(self, record: Any | None, value: Any) -> bool:
        """Whether a sensitive value of `record` is hidden: a stored one, not revealed."""
        if self.revealed or record is None or getattr(record, "id", None) is None:
            return False
        return value not in (None, "")

    @property
    def masked(self) -> set[str]:
        """The sensitive fields shown as hidden now."""
        return {name for name, mask in self.masks.items() if mask.masked}

    def _show_reveal_row(self) -> None:
        if self.reveal_row is None:
            return
        hidden = bool(self.masked)
        # Nothing stored, or revealed already: the fields speak for themselves.
        self.form.setRowVisible(self.reveal_row, hidden)
        self.reveal_button.setEnabled(hidden and self.revealing is None)

    def reveal(self) -> CollectionOp[Any] | None:
        """Reveal: read the passport data (off the GUI thread, put on record by the
        services) and show it in the fields; a viewer is told why not."""
        record_id = getattr(self._base, "id", None)
        if record_id is None or not self.masked or self.revealing is not None:
            return None
        kind = self.kind

        def read(database: Database) -> dict[str, Any]:
            from exchange_desk.services.people import reveal_record

            return reveal_record(database, kind, record_id)

        self.reveal_button.setEnabled(False)
        self.revealing = CollectionOp(self, read, database=self.database)
        self.revealing.success(self._revealed).failure(self._reveal_refused)
        return self.revealing.run_in_background()

    def _revealed(self, values: dict[str, Any]) -> None:
        self.revealing = None
        self.revealed = True
        for name in self.masked:
            self.editors[name].set_value(values.get(name))
            self.masks[name].show_value()
            # Revealing shows what is stored: not a change for Cancel to ask about.
            self._opened[name] = editor_state(self.editors[name])
        self._show_reveal_row()
        first = next((n for spec in self.specs for n in spec.fields if n in self.masks), None)
        if first is not None:
            self.field_widgets[first].setFocus(Qt.FocusReason.OtherFocusReason)

    def _reveal_refused(self, error: BaseException) -> None:
        self.revealing = None
        self._show_reveal_row()
        if isinstance(error, NotAllowed):
            QMessageBox.information(self, _("Reveal"), error.user_message())
        elif isinstance(error, (StorageUnavailable, NotFound)):
            QMessageBox.warning(self, _("Reveal"), error.user_message())
        else:
            from exchange_desk.ui.errors import report_failure

            report_failure(error, self)

    def _connect_switches(self) -> None:
        # Fields that only mean something for one value of an enum (an award's recipient).
        for controller in {spec.enabled_when[0] for spec in self.specs if spec.enabled_when}:
            combo = self.editors[controller]
            assert isinstance(combo, EnumCombo)
            combo.currentIndexChanged.connect(self._apply_switches)
        self._apply_switches()

    def _switched_off(self, spec: FieldSpec) -> bool:
        if spec.enabled_when is None:
            return False
        controller, wanted = spec.enabled_when
        try:
            current = self.editors[controller].value()
        except Unparseable:
            return True
        return current is None or str(current) != wanted

    def _apply_switches(self) -> None:
        for spec in self.specs:
            if spec.enabled_when is None:
                continue
            off = self._switched_off(spec)
            widget = self.field_widgets[spec.name]
            widget.setEnabled(not off)
            self.row_labels[spec.name].setEnabled(not off)
            if off:
                self.editors[spec.name].set_value(None)

    def _title(self, record: Any | None, duplicate: bool) -> str:
        if record is None or duplicate or record.id is None:
            return _(new_title(self.kind))
        return _(edit_title(self.kind)).format(name=self.describe(record))

    def describe(self, record: Any) -> str:
        """How the title names the record: its name, or what tells it apart."""
        if self.kind == "partnerships":
            return self.choices.text("cities", record.city_id)
        if self.kind == "delegations":
            city = self.choices.text("cities", record.city_id)
            when = format_partial_date(record.start_date)
            return f"{city}, {when}" if when else city
        return record_label(self.kind, record)

    def _fit(self, content: QWidget) -> None:
        # The scroll area hides the form's height from the dialog: size it to the form, up to
        # most of the screen, so that short forms show without a scroll bar.
        hint = content.sizeHint()
        # Never narrower than the form: the scroll area only scrolls up and down.
        scroll_bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        self.scroll_area.setMinimumWidth(content.minimumSizeHint().width() + scroll_bar + 4)
        screen = self.screen() or QGuiApplication.primaryScreen()
        available = screen.availableGeometry() if screen is not None else None
        extra = self.buttons.sizeHint().height() + 48
        width = max(620, hint.width() + 40)
        height = hint.height() + extra
        if available is not None:
            width = min(width, int(available.width() * 0.9))
            height = min(height, int(available.height() * 0.85))
        self.resize(width, height)

    # --- saving --------------------------------------------------------------------------

    def build_record(self) -> tuple[Any | None, list[FieldProblem]]:
        """The record the fields describe, or the fields that cannot be read."""
        values: dict[str, Any] = {}
        problems: list[FieldProblem] = []
        masked = self.masked
        for spec in self.specs:
            off = self._switched_off(spec)
            for name in spec.fields:
                if name in masked:
                    continue  # never revealed: the record keeps what is stored
                if off:
                    values[name] = None
                    continue
                try:
                    value = self.editors[name].value()
                except Unparseable as exc:
                    problems.append(FieldProblem(name, exc.message))
                    continue
                if spec.required and (value is None or value == ""):
                    problems.append(FieldProblem(name, _("This field is required.")))
                    continue
                values[name] = value
        if problems:
            return None, problems + self._other_problems(values, problems)
        return self._record(values), []

    def _record(self, values: dict[str, Any]) -> Any:
        if self._base is not None:
            return replace(self._base, **values)
        return self._record_type(**values)

    def _other_problems(
        self, values: dict[str, Any], found: list[FieldProblem]
    ) -> list[FieldProblem]:
        """What the domain's rules say about the other fields, so that one OK shows every
        problem at once rather than one field after another."""
        reported = {problem.field for problem in found}
        defaults = _defaults(self._record_type)
        stand_ins = dict(values)
        for spec in self.specs:
            for name in spec.fields:
                if name in reported:
                    stand_ins[name] = defaults[name] if name in defaults else _stand_in(spec)
        try:
            record = self._record(stand_ins)
        except (TypeError, ValueError):
            return []
        off = {name for spec in self.specs if self._switched_off(spec) for name in spec.fields}
        return [
            problem
            for problem in rule_problems(record)
            if problem.field not in reported and problem.field not in off
        ]

    def save(self) -> bool:
        """Store what the fields describe, off the GUI thread; on success the dialog closes,
        else it explains why not and keeps everything typed. False when the fields or the
        domain's rules refuse at once (nothing is sent); True when the saving started."""
        if self.saving is not None:
            return False  # OK pressed twice: the first is on its way
        self.problems.clear()
        record, problems = self.build_record()
        if record is None:
            self._show(problems)
            return False
        try:
            refused = rule_problems(record)
        except (TypeError, ValueError, AttributeError):
            refused = []  # a value the rules cannot judge: the services will say what it is
        if refused:
            self._show(refused)
            return False
        attachments = self.new_attachments()
        saver, kind = self.saver, self.kind
        # The services remove them whoever saves; the dialog says so once it is stored.
        self.cleaned = cleaned_text_fields(record)

        def store(database: Database) -> Any:
            result = (
                saver(record)
                if saver is not None
                else save_record(database, record, attachments=attachments)
            )
            if isinstance(result, Saved):
                # The Edit menu's Undo names the record ("Undo edit of city “Jinan”").
                name_step(result.step, record_name(database, kind, result.record.id))
            return result

        self.buttons.setEnabled(False)
        self.saving = CollectionOp(self, store, database=self.database)
        self.saving.success(self._stored).failure(self._refused).run_in_background()
        return True

    def reject(self) -> None:
        """Close without saving; not while the record is being stored (its undo step would
        be lost with the dialog). Cancel, Escape and the close button ask first (`cancel`)."""
        if self.saving is None:
            super().reject()

    def cancel(self) -> bool:
        if self.saving is not None:
            return False  # being stored: nothing to discard, nothing to close yet
        return super().cancel()

    def _state(self) -> dict[str, Any]:
        """What each field holds (a hidden one: nothing the user can have changed)."""
        masked = self.masked
        return {
            name: editor_state(editor)
            for name, editor in self.editors.items()
            if name not in masked
        }

    def remember_opening(self) -> None:
        # Shown at last: what a caller preset (a member's delegation) is not a change.
        self._opened = self._state()

    def has_changes(self) -> bool:
        """Whether anything was typed or chosen since the dialog opened."""
        return self._state() != self._opened

    # --- a field's problem goes when the field is changed ---------------------------------

    def _edited(self, name: str) -> None:
        """The field `name` changed: what was said about it goes; what is still wrong with
        it (read again, with the domain's rules: no database) comes back at once."""
        if not self.problems.showing(name):
            return
        self.problems.clear_field(name)
        still = self._field_problems(name)
        if still:
            self.problems.show(still)

    def _field_problems(self, name: str) -> list[FieldProblem]:
        spec = self._spec_of.get(name)
        if spec is None or name in self.masked or self._switched_off(spec):
            return []
        try:
            value = self.editors[name].value()
        except Unparseable as exc:
            return [FieldProblem(name, exc.message)]
        if spec.required and (value is None or value == ""):
            return [FieldProblem(name, _("This field is required."))]
        record, found = self.build_record()
        if record is not None:
            try:
                found = rule_problems(record)
            except (TypeError, ValueError, AttributeError):
                found = []
        return [problem for problem in found if problem.field == name]

    def new_attachments(self) -> dict[str, NewAttachment]:
        """The files chosen for image fields, to be stored with the record."""
        found = {}
        for name, editor in self.editors.items():
            if isinstance(editor, ImageEdit) and editor.isEnabled() and editor.pending:
                found[name] = editor.pending
        return found

    def _stored(self, result: Any) -> None:
        self.saving = None
        self.buttons.setEnabled(True)
        if isinstance(result, Saved):
            self.saved_record = result.record
            self.saved.emit(result)
        else:
            self.saved_record = result
        self.accept()
        self._tell_cleaned()

    def _tell_cleaned(self) -> None:
        """Say which fields lost hidden direction characters on the way to the database:
        what the field showed ("live name") is not what is stored ("evil name")."""
        if not self.cleaned:
            return
        show_notice(
            self.parentWidget(),
            _("Hidden characters removed"),
            cleaning_notice(self.kind, self.cleaned),
        )

    def _refused(self, error: BaseException) -> None:
        self.saving = None
        self.buttons.setEnabled(True)
        if isinstance(error, ConflictError) and self._base is not None:
            if error.stored is None:  # deleted meanwhile: nothing left to combine with
                QMessageBox.warning(self, _("Not saved"), error.user_message())
                return
            self._resolve(error)
            return
        if isinstance(error, (InvalidInput, Conflict)):
            if error.problems:
                self._show(error.problems)
            else:
                self.problems.show_general(error.user_message())
        elif isinstance(error, (StorageUnavailable, NotFound)):
            QMessageBox.warning(self, _("Not saved"), error.user_message())
        else:
            from exchange_desk.ui.errors import report_failure

            report_failure(error, self)

    # --- another desk's change -----------------------------------------------------------

    def _resolve(self, error: ConflictError) -> None:
        """A save refused because another desk stored a newer version: show both sides."""
        self._compare(lambda database, base, yours: plan_conflict(database, base, yours, error))

    def _reload(self) -> None:
        """The bar's Reload: bring in what the other desk stored, keeping the user's own
        changes (asking about a field both changed)."""
        self._compare(plan_reload, save=False)

    def _compare(
        self, plan: Callable[[Database, Any, Any], ConflictPlan], *, save: bool = True
    ) -> None:
        """Read what is stored against what the user started from and has typed (off the
        GUI thread), then let `_decide` combine them."""
        base = self._base
        yours, _problems = self.build_record()
        if yours is None:
            yours = base
        QueryOp(self, lambda database: plan(database, base, yours), database=self.database).success(
            lambda found: self._decide(found, save=save)
        ).run_in_background()

    def _decide(self, plan: ConflictPlan, *, save: bool = True) -> None:
        self.remote_bar.hide()
        if plan.deleted:
            self.problems.show_general(
                _("This record has been deleted meanwhile: it can no longer be saved.")
            )
            return
        if not plan.fields and not save:
            self._base = plan.theirs
            return
        choices: dict[str, Side] = {}
        if save or plan.choices_needed:
            dialog = ConflictDialog(self._masked_plan(plan), self)
            self.conflict_dialog = dialog
            try:
                if dialog.exec() != QDialog.DialogCode.Accepted:
                    return  # back to editing, nothing changed
                if dialog.took_theirs:
                    self._base = plan.theirs
                    self._load(plan.theirs)
                    self._opened = self._state()  # what is stored now, nothing of the user's
                    return
                choices = dialog.choices()
            finally:
                self.conflict_dialog = None
                dialog.deleteLater()
        merged = merged_record(plan, choices)
        self._base = plan.theirs
        self._load(merged)
        if save:
            self.save()
        else:
            self.remote_note.setText(
                _("Their changes are loaded; yours are kept. Press OK to save.")
            )
            self.reload_button.hide()
            self.remote_bar.show()

    def _masked_plan(self, plan: ConflictPlan) -> ConflictPlan:
        """The plan as the conflict dialog may show it: a hidden field's values hidden (the
        other desk may have changed a passport number that was never revealed here)."""
        masked = self.masked
        if not masked:
            return plan
        hidden = _("{mask} hidden").format(mask=MASK)
        return replace(
            plan,
            fields=tuple(
                replace(item, base=hidden, theirs=hidden, yours=hidden)
                if item.name in masked
                else item
                for item in plan.fields
            ),
        )

    def _remote(self, entries: Sequence[AuditEntry]) -> None:
        """Another desk changed something: if it is this record, say who and when."""
        if self._base is None or self.saving is not None:
            return
        record_id = getattr(self._base, "id", None)
        mine = [
            e
            for e in entries
            # Someone seeing the passport data, or a file attached, changes no field.
            if e.kind == self.kind
            and e.record_id == record_id
            and e.action not in (Action.REVEAL, Action.ATTACH, Action.DETACH)
        ]
        if not mine:
            return
        last = mine[-1]
        if last.details.get("did", last.action) == "delete":
            return  # `_data_changed` says so
        changed = [field for entry in mine for field in entry.fields]
        labels = field_labels(self.kind, list(dict.fromkeys(changed)))
        when = last.local_time().strftime("%H:%M")
        self.remote_note.setText(
            _("Changed by {user} at {time}: {fields}.").format(
                user=last.user_name, time=when, fields=format_list(labels)
            )
            if labels
            else _("Changed by {user} at {time}.").format(user=last.user_name, time=when)
        )
        self.reload_button.show()
        self.remote_bar.show()

    def _data_changed(self, changes: Changes) -> None:
        """Something was written elsewhere: the pickers read their lists again (`Choices`
        listens itself); the record being edited may be gone."""
        if not self.isVisible() or self.saving is not None or self._base is None:
            return
        record_id = getattr(self._base, "id", None)
        if record_id is not None and record_id in changes.deleted.get(self.kind, ()):
            self.problems.show_general(
                _("This record has been deleted meanwhile: it can no longer be saved.")
            )

    def _show(self, problems: Sequence[FieldProblem]) -> None:
        fields_with_problems = self.problems.show(problems)
        if fields_with_problems:
            first = self.field_widgets[fields_with_problems[0]]
            self.scroll_area.ensureWidgetVisible(first)
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def create_record(self, kind: str) -> Any | None:
        """Open a nested dialog for a new record of `kind`, stored with the same saver,
        choosing from the same lists; what it stores is announced as this dialog's."""
        dialog = RecordDialog(self.database, kind, None, self.saver, self, choices=self.choices)
        dialog.saved.connect(self.saved)
        try:
            dialog.exec()
            return dialog.saved_record
        finally:
            dialog.deleteLater()


def edit_record(
    parent: QWidget | None,
    database: Database,
    kind: str,
    record: Any | None,
    saver: Saver | None = None,
    *,
    duplicate: bool = False,
    choices: Mapping[str, Sequence[tuple[int, str]]] | None = None,
    on_saved: Callable[[Saved[Any]], Any] | None = None,
    initial: Mapping[str, Any] | None = None,
) -> Any | None:
    """Open the dialog modally; return the saved record or None if cancelled. `on_saved`
    hears of each record stored (a nested "New…" too), with its undo step; a new record
    starts with `initial` (`editing.new_values`)."""
    dialog = RecordDialog(
        database,
        kind,
        record,
        saver,
        parent,
        duplicate=duplicate,
        choices=choices,
        initial=initial,
    )
    if on_saved is not None:
        dialog.saved.connect(on_saved)
    try:
        dialog.exec()
        return dialog.saved_record
    finally:
        dialog.deleteLater()
