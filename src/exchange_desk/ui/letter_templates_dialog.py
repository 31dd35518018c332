"""File ▸ Letter templates…: the office's own wording of its letters (invitation, visa
invitation, congratulation) in Chinese, English and Hebrew, with the live letter beside it.

On the left the placeholders the letter knows (a click puts one in at the cursor), in the
middle the subject and the text being written (right to left for Hebrew), on the right the
letter as it would read for a delegation or partnership chosen above it, filled from the
records, with what has no value said under it. The preview is made off the GUI thread a
moment after typing stops (`services.letters.preview`, given the text as edited).

Save stores the template as a `letter_templates` record through the services (versions,
audit, undo); a placeholder the letter does not know is named at its field. "Restore the
program's text" deletes the office's template after asking, so the program's own wording is
used again. Closing, or choosing another letter or language, with unsaved changes asks first.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from exchange_desk.domain.enums import Direction, LetterKind, LetterLanguage
from exchange_desk.domain.errors import (
    Conflict,
    ConflictError,
    InvalidInput,
    NotAllowed,
    NotFound,
    StorageUnavailable,
)
from exchange_desk.domain.records import LetterTemplate
from exchange_desk.i18n.catalog import _, active_language
from exchange_desk.i18n.formatting import format_partial_date
from exchange_desk.i18n.languages import LANGUAGES, find_language
from exchange_desk.ui.bidi import in_own_direction
from exchange_desk.ui.operations import CollectionOp, QueryOp, change_hub
from exchange_desk.ui.translated import Retranslating, plain_label, relabel

if TYPE_CHECKING:
    from exchange_desk.services.changes import Changes
    from exchange_desk.services.database import Database
    from exchange_desk.ui.undo import UndoHistory

__all__ = [
    "LetterTemplatesDialog",
    "Targets",
    "install_letter_templates_action",
    "open_letter_templates",
    "read_targets",
]

# The letters a delegation's id is the target of; a congratulation's is a partnership's.
_FOR_DELEGATIONS = (LetterKind.INVITATION, LetterKind.VISA)
_TARGETS_SHOWN = 300  # the newest: enough to choose from, quick on 100,000 delegations
_PREVIEW_DELAY_MS = 350
_WARNING_COLOR = "#8a5a00"  # an amber that reads on white: something to check, not wrong
# What a letter's preview reads besides the delegation or partnership itself.
_PREVIEW_READS = ("persons", "delegation_members", "programme_items", "cities", "organizations")


@dataclass(frozen=True, slots=True)
class Targets:
    """What a letter can be previewed for: delegations (incoming ones with members first,
    each (id, label)) and partnerships."""

    delegations: tuple[tuple[int, str], ...]
    partnerships: tuple[tuple[int, str], ...]


def read_targets(database: Database) -> Targets:
    """The delegations and partnerships a preview can be made for, labelled in the window's
    language: the newest delegations, those received with members listed first (what an
    invitation is written for), and the partnerships by their partner city."""
    from exchange_desk.services.records import ListQuery, list_records, stored_values

    delegations = list_records(
        database,
        "delegations",
        ListQuery(order_by="start_date", descending=True, limit=_TARGETS_SHOWN),
    ).rows
    with_members = {
        str(row[1]) for row in stored_values(database, "delegation_members", ["delegation_id"])
    }

    def suitable(listed: Any) -> int:
        record = listed.record
        incoming = record.direction == Direction.INCOMING
        return (0 if incoming else 2) + (0 if str(record.id) in with_members else 1)

    ordered = sorted(delegations, key=suitable)  # stable: newest first within each
    found = []
    for listed in ordered:
        record = listed.record
        parts = [listed.labels["city_id"].best()] if "city_id" in listed.labels else []
        if record.start_date is not None:
            parts.append(format_partial_date(record.start_date))
        if record.purpose:
            parts.append(record.purpose)
        found.append((int(record.id), " · ".join(parts) or str(record.id)))
    partnerships = [
        (
            int(listed.record.id),
            listed.labels["city_id"].best() if "city_id" in listed.labels else "",
        )
        for listed in list_records(database, "partnerships", ListQuery(limit=_TARGETS_SHOWN)).rows
    ]
    return Targets(tuple(found), tuple(partnerships))


def _language_of(code: str) -> Any:
    return next(language for language in LANGUAGES if language.short_code == code)


def _set_direction(editor: QPlainTextEdit | QLineEdit, right_to_left: bool) -> None:
    """Lay out `editor` in the letter's direction (a Hebrew letter right to left, whatever
    the window's), each paragraph too: one that starts with {partner_city} is still Hebrew."""
    direction = Qt.LayoutDirection.RightToLeft if right_to_left else Qt.LayoutDirection.LeftToRight
    editor.setLayoutDirection(direction)
    if isinstance(editor, QPlainTextEdit):
        document = editor.document()
        option = document.defaultTextOption()
        option.setTextDirection(direction)
        # Leading is left to a QTextDocument whatever the direction: say the side.
        option.setAlignment(
            Qt.AlignmentFlag.AlignRight if right_to_left else Qt.AlignmentFlag.AlignLeft
        )
        document.setDefaultTextOption(option)


class LetterTemplatesDialog(Retranslating, QDialog):
    """Writes the office's templates of its letters, one letter in one language at a time."""

    saved = Signal(object)  # editing.Saved: a template stored
    deleted = Signal(object)  # editing.Deleted: a template given up for the program's

    def __init__(
        self,
        database: Database,
        parent: QWidget | None = None,
        *,
        history: UndoHistory | None = None,
    ) -> None:
        super().__init__(parent)
        # Read when the dialog opens, not with the window: the fields' module loads the ORM.
        from exchange_desk.ui.fields import ProblemBoard, plain_button, problem_label

        self.database = database
        self.history = history
        self.current: LetterTemplate | None = None  # as stored, or the program's (id None)
        self._loaded: tuple[str, str] = ("", "")  # subject and text as loaded or saved
        self._shown: tuple[LetterKind, str] | None = None  # the letter and language loaded
        self.targets = Targets((), ())
        self.saving: CollectionOp[Any] | None = None
        self.preview_op: QueryOp[Any] | None = None
        self._previews = 0  # the newest preview asked: only its answer is shown
        self._last_editor: QLineEdit | QPlainTextEdit | None = None
        self.placeholders: list[tuple[str, str]] = []
        self.setSizeGripEnabled(True)

        self.letter_combo = QComboBox()
        for kind in LetterKind:
            self.letter_combo.addItem(kind.label, kind.value)
        self.language_combo = QComboBox()
        for language in LANGUAGES:
            # Each language in its own name, as the Language menu writes them.
            self.language_combo.addItem(language.native_name, language.short_code)
        window_language = find_language(active_language())
        if window_language is not None:
            self.language_combo.setCurrentIndex(
                self.language_combo.findData(window_language.short_code)
            )
        self.target_combo = QComboBox()
        self.target_combo.setMinimumContentsLength(28)
        self.target_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.letter_label = QLabel()
        self.letter_label.setBuddy(self.letter_combo)
        self.language_label = QLabel()
        self.language_label.setBuddy(self.language_combo)
        self.target_label = QLabel()
        self.target_label.setBuddy(self.target_combo)
        top = QHBoxLayout()
        for label, combo in (
            (self.letter_label, self.letter_combo),
            (self.language_label, self.language_combo),
        ):
            top.addWidget(label)
            top.addWidget(combo)
            top.addSpacing(12)
        top.addStretch(1)

        # The placeholders: a click puts one in where the cursor was.
        self.placeholder_title = QLabel()
        # A page of links: each code stands out above what it stands for, both wrap, and
        # Tab and Enter reach them from the keyboard too.
        self.placeholder_list = QTextBrowser()
        self.placeholder_list.setOpenLinks(False)
        self.placeholder_list.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.placeholder_list.anchorClicked.connect(self._insert_link)
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(self.placeholder_title)
        left_box.addWidget(self.placeholder_list, 1)

        # The template being written.
        self.subject = QLineEdit()
        self.subject.textChanged.connect(self._edited)
        self.body = QPlainTextEdit()
        self.body.setTabChangesFocus(True)
        self.body.textChanged.connect(self._edited)
        for editor in (self.subject, self.body):
            editor.installEventFilter(self)
        self.general = problem_label()
        self.problems = ProblemBoard(self.general)
        subject_problem = problem_label()
        body_problem = problem_label()
        self.problems.register("subject", subject_problem)
        self.problems.register("body", body_problem)
        self.problems.register("letter", self.general)
        self.problems.register("language", self.general)
        self.subject_label = QLabel()
        self.subject_label.setBuddy(self.subject)
        self.body_label = QLabel()
        self.body_label.setBuddy(self.body)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: palette(dark);")
        middle = QWidget()
        middle_box = QVBoxLayout(middle)
        middle_box.setContentsMargins(0, 0, 0, 0)
        middle_box.setSpacing(3)
        middle_box.addWidget(self.status)
        middle_box.addWidget(self.subject_label)
        middle_box.addWidget(self.subject)
        middle_box.addWidget(subject_problem)
        middle_box.addWidget(self.body_label)
        middle_box.addWidget(self.body, 1)
        middle_box.addWidget(body_problem)

        # The letter as it would read.
        self.preview_title = QLabel()
        target_row = QFormLayout()
        target_row.setContentsMargins(0, 0, 0, 0)
        target_row.addRow(self.target_label, self.target_combo)
        self.preview_subject = QLabel()
        self.preview_subject.setTextFormat(Qt.TextFormat.PlainText)
        self.preview_subject.setWordWrap(True)
        bold = QFont(self.preview_subject.font())
        bold.setBold(True)
        self.preview_subject.setFont(bold)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setFrameShape(QPlainTextEdit.Shape.StyledPanel)
        self.preview.viewport().setAutoFillBackground(False)
        self.preview.setStyleSheet("QPlainTextEdit { background: palette(alternate-base); }")
        self.preview_notes = QLabel()
        self.preview_notes.setTextFormat(Qt.TextFormat.PlainText)
        self.preview_notes.setWordWrap(True)
        right = QWidget()
        right_box = QVBoxLayout(right)
        right_box.setContentsMargins(0, 0, 0, 0)
        right_box.setSpacing(3)
        right_box.addWidget(self.preview_title)
        right_box.addLayout(target_row)
        right_box.addWidget(self.preview_subject)
        right_box.addWidget(self.preview, 1)
        right_box.addWidget(self.preview_notes)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        for pane, stretch in ((left, 2), (middle, 5), (right, 5)):
            self.splitter.addWidget(pane)
            self.splitter.setStretchFactor(self.splitter.indexOf(pane), stretch)
        self.splitter.setSizes([260, 520, 520])

        self.restore_button = plain_button("")
        self.restore_button.clicked.connect(self.restore_program_text)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        self.buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.general)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(_PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        self.letter_combo.currentIndexChanged.connect(self._choice_changed)
        self.language_combo.currentIndexChanged.connect(self._choice_changed)
        self.target_combo.currentIndexChanged.connect(lambda _index: self.refresh_preview())

        self.translate_now()
        self._load(self.letter, self.language)
        self._read_targets()
        change_hub().changed.connect(self._data_changed)
        self.resize(1280, 720)

    # --- what is chosen ----------------------------------------------------------------------

    @property
    def letter(self) -> LetterKind:
        return LetterKind(self.letter_combo.currentData())

    @property
    def language(self) -> str:
        return str(self.language_combo.currentData())

    @property
    def target_id(self) -> int | None:
        data = self.target_combo.currentData()
        return None if data is None else int(data)

    @property
    def dirty(self) -> bool:
        """Whether the subject or text differ from what was loaded or saved."""
        return (self.subject.text(), self.body.toPlainText()) != self._loaded

    def edited(self) -> LetterTemplate:
        """The template as written now (with the stored one's id and version)."""
        current = self.current
        return LetterTemplate(
            id=current.id if current is not None else None,
            version=current.version if current is not None else None,
            letter=self.letter,
            language=LetterLanguage(self.language),
            subject=self.subject.text().strip(),
            body=self.body.toPlainText().strip(),
        )

    def choose(self, letter: LetterKind, language: str) -> None:
        """Show `letter` in `language` (as choosing them above does, asking about unsaved
        changes)."""
        self.letter_combo.setCurrentIndex(self.letter_combo.findData(LetterKind(letter).value))
        self.language_combo.setCurrentIndex(self.language_combo.findData(language))

    # --- loading -----------------------------------------------------------------------------

    def _choice_changed(self, _index: int) -> None:
        wanted = (self.letter, self.language)
        if self._shown is None or wanted == self._shown:
            return
        if self.dirty and not self._may_discard():
            # Back to the letter being written, without coming here again.
            letter, language = self._shown
            for combo, value in (
                (self.letter_combo, letter.value),
                (self.language_combo, language),
            ):
                combo.blockSignals(True)
                combo.setCurrentIndex(combo.findData(value))
                combo.blockSignals(False)
            return
        letter_before = self._shown[0]
        self._load(*wanted)
        if (letter_before in _FOR_DELEGATIONS) != (self.letter in _FOR_DELEGATIONS):
            self._fill_targets()

    def _load(self, letter: LetterKind, language: str) -> None:
        """Show the office's template of `letter` in `language`, else the program's."""
        from exchange_desk.services.letters import template_for

        try:
            template = template_for(self.database, letter, language)
        except StorageUnavailable as exc:
            QMessageBox.warning(self, _("Letter templates"), exc.user_message())
            return
        self._show_template(template)
        self._fill_placeholders()

    def _show_template(self, template: LetterTemplate) -> None:
        self.current = template
        self._shown = (LetterKind(template.letter), LetterLanguage(template.language).value)
        right_to_left = _language_of(self._shown[1]).is_rtl
        for editor in (self.subject, self.body, self.preview):
            _set_direction(editor, right_to_left)
        self.preview_subject.setLayoutDirection(
            Qt.LayoutDirection.RightToLeft if right_to_left else Qt.LayoutDirection.LeftToRight
        )
        self.preview_subject.setAlignment(Qt.AlignmentFlag.AlignLeading)
        self.problems.clear()
        self.subject.blockSignals(True)
        self.body.blockSignals(True)
        self.subject.setText(template.subject)
        self.body.setPlainText(template.body)
        self.subject.blockSignals(False)
        self.body.blockSignals(False)
        self._loaded = (self.subject.text(), self.body.toPlainText())
        self._update_state()
        self.refresh_preview()

    def _fill_placeholders(self) -> None:
        from exchange_desk.services.letters import placeholders

        self.placeholders = placeholders(self.letter)
        entries = []
        for name, description in self.placeholders:
            code = html.escape("{" + name + "}")
            # The code reads left to right in a Hebrew window too (an isolate of its own);
            # what it stands for is in the window's language.
            entries.append(
                f'<p style="margin: 0 0 6px 0;"><a href="insert:{html.escape(name)}" '
                f'style="text-decoration: none; font-weight: 600;"><span dir="ltr">{code}</span>'
                f'</a><br><span style="color: #555;">{html.escape(description)}</span></p>'
            )
        direction = "rtl" if self.isRightToLeft() else "ltr"
        self.placeholder_list.setHtml(f'<div dir="{direction}">{"".join(entries)}</div>')

    def _read_targets(self) -> None:
        def read(database: Database) -> Targets:
            return read_targets(database)

        QueryOp(self, read, database=self.database).success(self._targets_read).failure(
            lambda error: self._show_notes([], [], [_("The records could not be read.")])
        ).run_in_background()

    def _targets_read(self, targets: Targets) -> None:
        self.targets = targets
        self._fill_targets()

    def _fill_targets(self) -> None:
        """The delegations (for an invitation) or partnerships (for a congratulation), the
        most suitable first and chosen."""
        items = (
            self.targets.delegations
            if self.letter in _FOR_DELEGATIONS
            else self.targets.partnerships
        )
        self.target_combo.blockSignals(True)
        self.target_combo.clear()
        for record_id, label in items:
            self.target_combo.addItem(label, record_id)
        self.target_combo.setCurrentIndex(0 if items else -1)
        self.target_combo.blockSignals(False)
        self.target_label.setText(
            _("For the delegation:") if self.letter in _FOR_DELEGATIONS else _("For the partner:")
        )
        self.refresh_preview()

    def _data_changed(self, changes: Changes) -> None:
        """Templates changed elsewhere (an undo in the main window, another desk): show
        what is stored now, unless the user is writing; the records a preview is made for
        changed: make it again."""
        if not shiboken6.isValid(self) or not self.isVisible() or self.saving is not None:
            return
        if changes.touches("letter_templates") and not self.dirty and self._shown is not None:
            self._load(*self._shown)
        elif changes.touches_any(("delegations", "partnerships")):
            self._read_targets()
        elif changes.touches_any(_PREVIEW_READS):
            self.refresh_preview()

    # --- editing -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The placeholder list takes the focus when clicked: remember where the cursor was.
        if event.type() == QEvent.Type.FocusIn and watched in (self.subject, self.body):
            self._last_editor = self.subject if watched is self.subject else self.body
        return super().eventFilter(watched, event)

    def _insert_link(self, link: QUrl) -> None:
        kind, _separator, name = link.toString().partition(":")
        if kind == "insert" and name:
            self.insert_placeholder("{" + name + "}")

    def insert_placeholder(self, code: str) -> None:
        """Put `code` ({partner_city}) in at the cursor of the subject or the text (the one
        last written in; the text if neither)."""
        editor = self._last_editor or self.body
        if isinstance(editor, QPlainTextEdit):
            cursor = editor.textCursor()
            cursor.insertText(code)
            editor.setTextCursor(cursor)
        else:
            editor.insert(code)
        editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def _edited(self) -> None:
        self._update_state()
        self._timer.start()

    def _update_state(self) -> None:
        stored = self.current is not None and self.current.id is not None
        if self.dirty:
            text = _("Changed, not saved yet.")
        elif stored:
            text = _("The office's own text, saved in the database.")
        else:
            text = _("The program's own text: Save to keep your changes as the office's.")
        self.status.setText(text)
        self.save_button.setEnabled(self.saving is None and (self.dirty or not stored))
        self.restore_button.setEnabled(self.saving is None and stored)

    # --- the preview ------------------------------------------------------------------------

    def refresh_preview(self) -> QueryOp[Any] | None:
        """Make the preview of the template as written, off the GUI thread."""
        self._timer.stop()
        target_id = self.target_id
        if target_id is None:
            self.preview_subject.clear()
            self.preview.setPlainText("")
            noun = (
                _("There is no delegation to show the letter for.")
                if self.letter in _FOR_DELEGATIONS
                else _("There is no partnership to show the letter for.")
            )
            self._show_notes([], [], [noun])
            return None
        letter, language, template = self.letter, self.language, self.edited()
        self._previews += 1
        number = self._previews

        def make(database: Database) -> Any:
            from exchange_desk.services.letters import preview

            return preview(database, letter, target_id, language, template=template)

        def shown(rendered: Any) -> None:
            if number == self._previews:
                self._show_preview(rendered)

        def failed(error: BaseException) -> None:
            if number != self._previews:
                return
            if isinstance(error, InvalidInput) and error.problems:
                messages = [str(problem.message) for problem in error.problems]
            elif isinstance(error, (InvalidInput, NotFound, StorageUnavailable, NotAllowed)):
                messages = [error.user_message()]
            else:
                from exchange_desk.ui.errors import report_failure

                report_failure(error, self)
                return
            self.preview_subject.clear()
            self.preview.setPlainText("")
            self._show_notes([], [], messages)

        self.preview_op = QueryOp(self, make, database=self.database).success(shown).failure(failed)
        return self.preview_op.run_in_background()

    def _show_preview(self, rendered: Any) -> None:
        self.preview_subject.setText(rendered.subject)
        self.preview.setPlainText(rendered.body)
        self._show_notes(
            list(rendered.missing),
            list(getattr(rendered, "warnings", ())),
            list(getattr(rendered, "problems", ())),
        )

    def _show_notes(self, missing: list[str], warnings: list[str], problems: list[str]) -> None:
        lines = []
        if missing:
            codes = ", ".join("{" + name.strip("{}") + "}" for name in missing)
            lines.append(
                _("No value in the records for: {placeholders}").format(
                    placeholders=in_own_direction(codes, self.isRightToLeft())
                )
            )
        lines += warnings
        lines += problems
        from exchange_desk.ui.fields import PROBLEM_COLOR

        self.preview_notes.setText("\n".join(lines))
        color = PROBLEM_COLOR if problems else _WARNING_COLOR
        self.preview_notes.setStyleSheet(f"color: {color};")
        self.preview_notes.setVisible(bool(lines))

    # --- saving and restoring ---------------------------------------------------------------

    def save(self) -> CollectionOp[Any] | None:
        """Store the template as written (a new record, or the stored one changed), off
        the GUI thread; a problem is shown at its field and nothing is stored."""
        if self.saving is not None:
            return None
        from exchange_desk.domain.validation import problems as rule_problems

        self.problems.clear()
        template = self.edited()
        # The services check again; asked here, a bad placeholder is shown at once.
        checked: Any = template
        refused = rule_problems(checked)
        if refused:
            self.problems.show(refused)
            return None

        def store(database: Database) -> Any:
            from exchange_desk.services.editing import save_record

            return save_record(database, template)

        self.saving = CollectionOp(self, store, database=self.database)
        self.saving.success(self._stored).failure(self._refused)
        self._update_state()
        return self.saving.run_in_background()

    def _stored(self, saved: Any) -> None:
        self.saving = None
        if self.history is not None:
            self.history.push(saved.step)
        self.saved.emit(saved)
        self._show_template(saved.record)

    def _refused(self, error: BaseException) -> None:
        self.saving = None
        self._update_state()
        if isinstance(error, ConflictError):
            # Another desk saved this template meanwhile: show theirs, keep ours to copy.
            QMessageBox.warning(
                self,
                _("Not saved"),
                _("{reason}\n\nYour text is kept here; the other text is in the database.").format(
                    reason=error.user_message()
                ),
            )
            self._reload_stored()
        elif isinstance(error, (InvalidInput, Conflict)):
            if error.problems:
                self.problems.show(error.problems)
            else:
                self.problems.show_general(error.user_message())
        elif isinstance(error, (StorageUnavailable, NotFound, NotAllowed)):
            QMessageBox.warning(self, _("Not saved"), error.user_message())
        else:
            from exchange_desk.ui.errors import report_failure

            report_failure(error, self)

    def _reload_stored(self) -> None:
        """Take the stored template's id and version (so the next Save asks no more),
        keeping the text as written."""
        from exchange_desk.services.letters import template_for

        stored = template_for(self.database, self.letter, self.language)
        self.current = stored
        self._loaded = (stored.subject, stored.body)
        self._update_state()

    def restore_program_text(self) -> CollectionOp[Any] | None:
        """Give up the office's template (after asking): the program's text is used again."""
        current = self.current
        if current is None or current.id is None or self.saving is not None:
            return None
        answer = QMessageBox.question(
            self,
            _("Restore the program's text"),
            _(
                "Delete the office's text of the {letter} in {language} and use the program's "
                "own again? You can undo this with Ctrl+Z in the main window."
            ).format(letter=self.letter.label, language=_language_of(self.language).native_name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        record_id, version = int(current.id), current.version
        letter, language = self.letter, self.language

        def delete(database: Database) -> Any:
            from exchange_desk.services.editing import delete_record
            from exchange_desk.services.letters import default_template

            deleted = delete_record(database, "letter_templates", record_id, version=version)
            return deleted, default_template(letter, language)

        self.saving = CollectionOp(self, delete, database=self.database)
        self.saving.success(self._restored).failure(self._refused)
        self._update_state()
        return self.saving.run_in_background()

    def _restored(self, result: Any) -> None:
        self.saving = None
        deleted, template = result
        if self.history is not None:
            self.history.push(deleted.step)
        self.deleted.emit(deleted)
        self._show_template(template)

    def _may_discard(self) -> bool:
        answer = QMessageBox.question(
            self,
            _("Letter templates"),
            _("Your changes to this template are not saved. Discard them?"),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard

    def reject(self) -> None:
        """Close, Esc or the window's close button: unsaved changes are asked about; never
        while a template is being stored."""
        if self.saving is not None:
            return
        if self.dirty and not self._may_discard():
            return
        super().reject()

    # --- language ---------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(_("Letter templates"))
        self.letter_label.setText(_("Letter:"))
        self.language_label.setText(_("Language:"))
        relabel(self.letter_combo, lambda value: LetterKind(value).label)
        self.placeholder_title.setText(_("Placeholders (click to insert)"))
        self.subject_label.setText(_("Subject:"))
        self.body_label.setText(_("Text:"))
        self.preview_title.setText(_("Preview"))
        self.target_label.setText(
            _("For the delegation:") if self.letter in _FOR_DELEGATIONS else _("For the partner:")
        )
        self.restore_button.setText(_("Restore the program's text"))
        self.restore_button.setToolTip(
            _("Delete the office's text of this letter: the program's own wording is used again")
        )
        if self._shown is not None:
            self._fill_placeholders()
            self._update_state()
            self.refresh_preview()  # what it says is missing is said in the window's language


# --- the menu entry ---------------------------------------------------------------------------


def open_letter_templates(
    parent: QWidget | None, database: Database, *, history: UndoHistory | None = None
) -> LetterTemplatesDialog:
    """Open (not modally) the Letter templates dialog; it deletes itself when closed."""
    dialog = LetterTemplatesDialog(database, parent, history=history)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


class _LetterTemplatesAction(QObject):
    """The File menu's Letter templates…, translated with the window."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.action = QAction(window)
        self.action.triggered.connect(lambda _checked=False: self.open())
        window.installEventFilter(self)
        self.retranslate()

    def open(self) -> LetterTemplatesDialog:
        return open_letter_templates(
            self.window,
            self.window.database,  # type: ignore[attr-defined]
            history=getattr(self.window, "history", None),
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False

    def retranslate(self) -> None:
        text = _("&Letter templates…")
        self.action.setText(text)
        self.action.setIconText(plain_label(text))
        self.action.setStatusTip(
            _("The office's wording of its invitation, visa and congratulation letters")
        )


def install_letter_templates_action(window: QMainWindow) -> QAction:
    """Put Letter templates… in `window`'s File menu, after Office profile… (the letterhead
    and the letters' wording are the office's settings), as `window.act_letter_templates`."""
    holder = _LetterTemplatesAction(window)
    menu = window.menu_file  # type: ignore[attr-defined]
    after = getattr(window, "act_profile", None)
    actions = menu.actions()
    if isinstance(after, QAction) and after in actions:
        position = actions.index(after) + 1
        if position < len(actions):
            menu.insertAction(actions[position], holder.action)
        else:
            menu.addAction(holder.action)
    else:
        menu.addAction(holder.action)
    window.act_letter_templates = holder.action  # type: ignore[attr-defined]
    return holder.action
