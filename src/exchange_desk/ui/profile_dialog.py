"""The Office profile dialog: home city, the office's names, signatory, seal and logo, and
the letterhead of its letters (address in each language, telephone, e-mail, how letters
are numbered).

What is entered here is printed on every certificate, report and letter. The seal and logo
images are stored as attachments of the office only when OK is pressed, with the profile in one
transaction (`services.editing.save_profile`, run off the GUI thread), so that Cancel leaves
no stray files in the database. A field's problem goes as soon as the field is changed;
Escape, Cancel and the close button ask before throwing away what was typed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from exchange_desk.domain.certificate_numbers import (
    format_certificate_number,
    pattern_problems,
)
from exchange_desk.domain.errors import (
    FieldProblem,
    InvalidInput,
    NotFound,
    StorageUnavailable,
)
from exchange_desk.domain.records import OfficeProfile
from exchange_desk.domain.validation import ATTACHMENT_LIMIT_MAX, DORMANT_YEARS_MAX, NORM_MAX
from exchange_desk.i18n.catalog import N_, _
from exchange_desk.i18n.formatting import format_list
from exchange_desk.services.attachments import read_attachment
from exchange_desk.services.database import Database
from exchange_desk.services.editing import NewAttachment, ProfileSaved, save_profile
from exchange_desk.services.history_text import LANGUAGE_LABELS
from exchange_desk.services.office import cleaned_profile_fields, office_profile
from exchange_desk.ui.errors import show_notice
from exchange_desk.ui.fields import (
    PROBLEM_COLOR,
    CheckEdit,
    Choices,
    CountSpin,
    DecimalEdit,
    GuardedDialog,
    NamesGroup,
    ProblemBoard,
    ReferencePicker,
    TextEdit,
    Unparseable,
    editor_state,
    on_change,
    plain_button,
    problem_label,
)
from exchange_desk.ui.operations import CollectionOp

THUMBNAIL = QSize(160, 100)
_PDF = b"%PDF-"
_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
_NAME_GROUPS = (
    ("office_name", N_("Office name")),
    ("signatory", N_("Signatory's name")),
    ("signatory_title", N_("Signatory's title")),
    # Multi-line: a paragraph per language, printed after the contents of every report.
    ("foreword", N_("Report foreword")),
)


def image_type(content: bytes) -> str | None:
    """The media type of PNG or JPEG bytes, told by their first bytes; None otherwise."""
    for signature, media_type in _SIGNATURES.items():
        if content.startswith(signature):
            return media_type
    return None


class ImageField(QWidget):
    """An image of the office (seal or logo): a preview, "Choose image…" and "Remove"."""

    problem_found = Signal(str)
    changed = Signal()  # an image chosen or removed: the field's problem goes, Cancel asks

    def __init__(
        self,
        database: Database,
        parent: QWidget | None = None,
        *,
        owner: tuple[str, int] = ("office", 1),
        accept_pdf: bool = False,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.owner = owner
        # A scanned certificate often comes from the scanner as a PDF.
        self.accept_pdf = accept_pdf
        self.attachment_id: int | None = None
        self.pending: NewAttachment | None = None  # chosen, stored with the record on OK
        self.preview = QLabel()
        self.preview.setFixedSize(THUMBNAIL)
        self.preview.setFrameShape(QFrame.Shape.StyledPanel)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setWordWrap(True)
        self.choose_button = plain_button(_("Choose file…") if accept_pdf else _("Choose image…"))
        self.choose_button.clicked.connect(self.choose)
        self.remove_button = plain_button(_("Remove"))
        self.remove_button.clicked.connect(self.remove)
        buttons = QVBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self._show_image(None)

    @property
    def has_image(self) -> bool:
        return self.attachment_id is not None or self.pending is not None

    def set_attachment(self, attachment_id: int | None) -> None:
        """Show the stored image `attachment_id` (None: no image)."""
        self.attachment_id = attachment_id
        self.pending = None
        if attachment_id is None:
            self._show_image(None)
            return
        try:
            content = read_attachment(self.database, attachment_id)
        except (NotFound, StorageUnavailable) as exc:
            # The profile still opens, so that the office can choose the image again.
            self.preview.setText(_("The image cannot be read."))
            self.problem_found.emit(exc.user_message())
            return
        if content.startswith(_PDF):
            self._show_document(_("PDF document"))
            return
        self._show_image(QImage.fromData(content))

    def choose(self) -> None:
        kinds = (
            _("Images and PDF (*.png *.jpg *.jpeg *.pdf)")
            if self.accept_pdf
            else _("Images (*.png *.jpg *.jpeg)")
        )
        path, _chosen_filter = QFileDialog.getOpenFileName(self, _("Choose image"), "", kinds)
        if path:
            self.load_file(Path(path))

    def load_file(self, path: Path) -> bool:
        """Take the image at `path` to be stored on OK; say why not if it cannot be."""
        try:
            content = path.read_bytes()
        except OSError as exc:
            self.problem_found.emit(
                _("The file cannot be read: {reason}").format(reason=exc.strerror or exc)
            )
            return False
        if self.accept_pdf and content.startswith(_PDF):
            self.pending = NewAttachment(path.name, content, "application/pdf")
            self._show_document(path.name)
            self.changed.emit()
            return True
        media_type = image_type(content)
        image = QImage.fromData(content)
        if media_type is None or image.isNull():
            self.problem_found.emit(_("{name} is not a PNG or JPEG image.").format(name=path.name))
            return False
        self.pending = NewAttachment(path.name, content, media_type)
        self._show_image(image)
        self.changed.emit()
        return True

    def remove(self) -> None:
        self.attachment_id = None
        self.pending = None
        self._show_image(None)
        self.changed.emit()

    def _show_document(self, name: str) -> None:
        self.preview.setPixmap(QPixmap())
        self.preview.setText(name)
        self.remove_button.setEnabled(True)

    def _show_image(self, image: QImage | None) -> None:
        if image is None or image.isNull():
            self.preview.setPixmap(QPixmap())
            self.preview.setText(_("No image"))
            self.remove_button.setEnabled(False)
            return
        scaled = image.scaled(
            THUMBNAIL - QSize(8, 8),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        self.preview.setPixmap(QPixmap.fromImage(scaled))
        self.remove_button.setEnabled(True)


class ImageEdit(ImageField):
    """An image field of a record dialog (an organization's seal). A record not yet saved
    has no id to attach the image to, so the field waits until it has one."""

    def __init__(
        self, database: Database, owner: tuple[str, int] | None, *, accept_pdf: bool = False
    ) -> None:
        super().__init__(database, owner=owner or ("office", 1), accept_pdf=accept_pdf)
        if owner is None:
            self.setEnabled(False)
            self.preview.setText(_("Save the record first, then add its image."))

    def value(self) -> int | None:
        """The stored image; a file chosen since (`pending`) is stored with the record and
        takes its place."""
        if not self.isEnabled():
            return None
        return self.attachment_id

    def set_value(self, value: Any) -> None:
        if self.isEnabled():
            self.set_attachment(value if isinstance(value, int) else None)


class NumberPatternField(QWidget):
    """The pattern certificates (or letters) are numbered by, with the number it makes
    shown as it is typed (or what is wrong with it)."""

    def __init__(self, parent: QWidget | None = None, *, letters: bool = False) -> None:
        super().__init__(parent)
        self.edit = TextEdit()
        # A pattern is code, like the numbers it makes: left to right in a Hebrew window too.
        self.edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        tip = (
            _(
                "{year_code} stands for the letter's year, {seq_code} for the running number "
                "of the year; {padded_code} pads it with zeros to three digits."
            )
            if letters
            else _(
                "{year_code} stands for the award's year, {seq_code} for the running number "
                "of the year; {padded_code} pads it with zeros to four digits."
            )
        )
        self.edit.setToolTip(
            tip.format(
                year_code="{year}",
                seq_code="{seq}",
                padded_code="{seq:03}" if letters else "{seq:04}",
            )
        )
        self.example = QLabel()
        # The example quotes what was typed: never read as markup.
        self.example.setTextFormat(Qt.TextFormat.PlainText)
        self.example.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.example)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self._show_example)
        self._show_example()

    def problems(self) -> list[str]:
        """What is wrong with the pattern typed (empty: it is good)."""
        return pattern_problems(self.edit.value())

    def _show_example(self) -> None:
        pattern = self.edit.value()
        problems = pattern_problems(pattern)
        if problems:
            self.example.setStyleSheet(f"color: {PROBLEM_COLOR};")
            self.example.setText("\n".join(problems))
            return
        self.example.setStyleSheet("")
        self.example.setText(
            _("Next number looks like: {example}").format(
                example=format_certificate_number(pattern, dt.date.today().year, 1)
            )
        )


class NormSpin(QDoubleSpinBox):
    """Exchanges a year: 0 to 52, in steps of a half (one every two years)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, NORM_MAX)
        self.setDecimals(2)
        self.setSingleStep(0.5)
        self.setSuffix(" " + _("a year"))

    def value(self) -> float:
        return float(super().value())

    def set_value(self, value: Any) -> None:
        self.setValue(float(value))


class OfficeProfileDialog(GuardedDialog):
    """Edits the office profile; `saved_profile` holds it after OK succeeded."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.profile = office_profile(database)
        self.saved_profile: OfficeProfile | None = None
        self.saving: CollectionOp[ProfileSaved] | None = None
        self.cleaned: tuple[str, ...] = ()  # the fields that lose hidden characters on save
        self.setWindowTitle(_("Office profile"))
        self.choices = Choices(database, self)
        self.general = problem_label()
        self.problems = ProblemBoard(self.general)
        self.editors: dict[str, Any] = {}
        self.row_labels: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.home_city = ReferencePicker(self.choices, "cities", optional=True)
        self.home_city.set_value(self.profile.home_city_id)
        self._add_row(form, "home_city_id", _("Home city"), self.home_city)
        for prefix, label in _NAME_GROUPS:
            names = tuple(f"{prefix}_{suffix}" for suffix in ("en", "zh", "he"))
            group = NamesGroup(names, multiline=prefix == "foreword")
            for name in names:
                group.editors[name].set_value(getattr(self.profile, name))
                self.editors[name] = group.editors[name]
                self.problems.register(name, group.problem_labels[name])
            row_label = QLabel(_(label))
            row_label.setBuddy(group.editors[names[0]])
            self.row_labels[prefix] = row_label
            form.addRow(row_label, group)
        self.pattern = NumberPatternField()
        self.pattern.edit.set_value(self.profile.certificate_number_pattern)
        self.editors["certificate_number_pattern"] = self.pattern.edit
        self._add_row(form, "certificate_number_pattern", _("Certificate numbers"), self.pattern)
        # A problem shown after OK is stale once the pattern changes: the example says more.
        self.pattern.edit.textChanged.connect(
            lambda _text: self.problems.labels["certificate_number_pattern"].hide()
        )
        self.numeral_dates = CheckEdit(_("Date in Chinese numerals (二〇一八年十一月)"))
        self.numeral_dates.set_value(self.profile.chinese_numeral_dates)
        self.editors["chinese_numeral_dates"] = self.numeral_dates
        self._add_row(
            form,
            "chinese_numeral_dates",
            _("Chinese certificates"),
            self.numeral_dates,
        )
        self.seal = ImageField(database)
        self._add_row(form, "seal_attachment_id", _("Seal"), self.seal)
        self.seal.set_attachment(self.profile.seal_attachment_id)
        self.logo = ImageField(database)
        self._add_row(form, "logo_attachment_id", _("Logo"), self.logo)
        self.logo.set_attachment(self.profile.logo_attachment_id)
        self._add_letterhead(form)
        self._add_gifts_and_files(form)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.cancel)
        # The profile is long (names, forewords, images): it scrolls on a small screen
        # rather than pushing OK and Cancel below its edge.
        content = QWidget()
        content.setLayout(form)
        self.scroll_area = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addWidget(self.general)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        wanted = content.sizeHint() + QSize(40, 80)
        screen = self.screen().availableGeometry() if self.screen() else None
        height = min(wanted.height(), int(screen.height() * 0.9)) if screen else wanted.height()
        self.resize(max(620, wanted.width()), height)
        for field, widget in self._fields().items():
            on_change(widget, partial(self._edited, field))
        # What the fields held when the dialog opened: Cancel asks only if that changed.
        self._opened = self._state()

    def _fields(self) -> dict[str, QWidget]:
        """Each field's editor, by the name its problems are shown under."""
        return {
            **self.editors,
            "home_city_id": self.home_city,
            "seal_attachment_id": self.seal,
            "logo_attachment_id": self.logo,
        }

    def _state(self) -> dict[str, Any]:
        state = {name: editor_state(editor) for name, editor in self.editors.items()}
        state["home_city_id"] = editor_state(self.home_city)
        for name, image in (("seal", self.seal), ("logo", self.logo)):
            chosen = image.pending.file_name if image.pending is not None else None
            state[name] = (image.attachment_id, chosen)
        return state

    def remember_opening(self) -> None:
        self._opened = self._state()

    def has_changes(self) -> bool:
        return self._state() != self._opened

    def cancel(self) -> bool:
        if self.saving is not None:
            return False  # being stored: wait for it
        return super().cancel()

    def _edited(self, field: str) -> None:
        """A changed field's problem goes; one it still has (it cannot be read) comes back."""
        if not self.problems.showing(field):
            return
        self.problems.clear_field(field)
        editor = self._fields()[field]
        try:
            if hasattr(editor, "value"):
                editor.value()
        except Unparseable as exc:
            self.problems.show([FieldProblem(field, exc.message)])

    def _add_letterhead(self, form: QFormLayout) -> None:
        """What the office's letters print at the top and bottom besides its name, logo and
        seal: the address in each language, telephone and e-mail; and their numbering."""
        self._heading(form, _("Letterhead"))
        names = ("address_en", "address_zh", "address_he")
        group = NamesGroup(names)
        for name in names:
            group.editors[name].set_value(getattr(self.profile, name))
            self.editors[name] = group.editors[name]
            self.problems.register(name, group.problem_labels[name])
        label = QLabel(_("Address"))
        label.setBuddy(group.editors[names[0]])
        self.row_labels["address"] = label
        form.addRow(label, group)
        for field, text in (("phone", _("Telephone")), ("email", _("E-mail"))):
            editor = TextEdit()
            # A number or an address reads left to right in a Hebrew window too.
            editor.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
            editor.set_value(getattr(self.profile, field))
            self.editors[field] = editor
            self._add_row(form, field, text, editor)
        self.letter_pattern = NumberPatternField(letters=True)
        self.letter_pattern.edit.set_value(self.profile.letter_number_pattern)
        self.editors["letter_number_pattern"] = self.letter_pattern.edit
        self._add_row(form, "letter_number_pattern", _("Letter numbers"), self.letter_pattern)
        self.letter_pattern.edit.textChanged.connect(
            lambda _text: self.problems.labels["letter_number_pattern"].hide()
        )

    def _heading(self, form: QFormLayout, text: str) -> None:
        # At the start of the line in the window's direction, whatever script the word is
        # in (a label aligns by its own text's direction otherwise).
        heading = QLabel(text)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        heading.setContentsMargins(0, 12, 0, 2)
        side = Qt.AlignmentFlag.AlignRight if self.isRightToLeft() else Qt.AlignmentFlag.AlignLeft
        heading.setAlignment(Qt.AlignmentFlag.AlignAbsolute | side)
        form.addRow(heading)

    def _add_gifts_and_files(self, form: QFormLayout) -> None:
        """The gift declaration threshold and its currency, and the largest file a record
        may have attached."""
        self._heading(form, _("Gifts and attached files"))
        threshold = DecimalEdit()
        threshold.set_value(self.profile.gift_threshold)
        threshold.setToolTip(
            _(
                "Gifts our officials receive at or above this value are listed in the yearly "
                "declaration. Empty: every gift received is."
            )
        )
        self.editors["gift_threshold"] = threshold
        self._add_row(form, "gift_threshold", _("Declare gifts from"), threshold)
        currency = TextEdit()
        currency.setMaxLength(3)
        currency.setMaximumWidth(currency.fontMetrics().horizontalAdvance("MMMM") + 24)
        # A code reads left to right in a Hebrew window too, and is typed in capitals.
        currency.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        currency.setPlaceholderText("CNY")
        currency.set_value(self.profile.gift_currency)
        currency.textEdited.connect(lambda text: currency.setText(text.upper()))
        currency.setToolTip(_("The three-letter code of the office's currency: CNY, ILS, EUR…"))
        self.editors["gift_currency"] = currency
        self._add_row(form, "gift_currency", _("Currency"), currency)
        limit = CountSpin()
        limit.setRange(1, ATTACHMENT_LIMIT_MAX)
        limit.setSuffix(" MB")
        limit.set_value(self.profile.attachment_limit_mb)
        limit.setToolTip(
            _("Larger files are refused when attached: every desk and every backup holds them.")
        )
        self.editors["attachment_limit_mb"] = limit
        self._add_row(form, "attachment_limit_mb", _("Largest attached file"), limit)

        self._heading(form, _("Partnerships: how often to meet"))
        for name, label, tip in (
            (
                "sister_city_norm",
                _("Sister cities"),
                _("Exchanges a year the office means to have with each sister city."),
            ),
            (
                "friendly_city_norm",
                _("Friendly cooperative cities"),
                _(
                    "Exchanges a year with each friendly cooperative city "
                    "(0.5: one every two years)."
                ),
            ),
        ):
            norm = NormSpin()
            norm.set_value(getattr(self.profile, name))
            norm.setToolTip(tip + " " + _("The start screen flags partnerships below it."))
            self.editors[name] = norm
            self._add_row(form, name, label, norm)
        dormant = CountSpin()
        dormant.setRange(1, DORMANT_YEARS_MAX)
        dormant.setSuffix(" " + _("years"))
        dormant.set_value(self.profile.dormant_after_years)
        dormant.setToolTip(
            _("A partnership with no exchange for this many years is flagged as dormant.")
        )
        self.editors["dormant_after_years"] = dormant
        self._add_row(form, "dormant_after_years", _("Dormant after"), dormant)

    def _add_row(self, form: QFormLayout, field: str, text: str, widget: QWidget) -> None:
        problem = problem_label()
        self.problems.register(field, problem)
        if isinstance(widget, ImageField):
            widget.problem_found.connect(
                lambda message, name=field: self.problems.show([FieldProblem(name, message)])
            )
        row = QWidget()
        box = QVBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(problem)
        row.setFocusProxy(widget)
        label = QLabel(text)
        label.setBuddy(widget)
        self.row_labels[field] = label
        form.addRow(label, row)

    def save(self) -> bool:
        """Store the profile with its newly chosen images, off the GUI thread; the dialog
        closes when it is stored and stays open, as typed, on a problem. False when a field
        cannot be read (nothing is sent)."""
        if self.saving is not None:
            return False
        self.problems.clear()
        try:
            home_city_id = self.home_city.value()
        except Unparseable as exc:
            self.problems.show([FieldProblem("home_city_id", exc.message)])
            return False
        # The letters' numbering is checked here as the certificates' is by the services:
        # a pattern that cannot make a valid number is refused before anything is sent.
        refused = self.letter_pattern.problems()
        if refused:
            self.problems.show(
                [FieldProblem("letter_number_pattern", message) for message in refused]
            )
            return False
        values: dict[str, Any] = {}
        unreadable = []
        for name, editor in self.editors.items():
            try:
                values[name] = editor.value()
            except Unparseable as exc:  # a threshold that is not a number
                unreadable.append(FieldProblem(name, exc.message))
        if unreadable:
            self.problems.show(unreadable)
            return False
        values["seal_attachment_id"] = self.seal.attachment_id
        values["logo_attachment_id"] = self.logo.attachment_id
        profile = replace(self.profile, home_city_id=home_city_id, **values)
        self.cleaned = tuple(cleaned_profile_fields(profile))
        images = {
            field: image.pending
            for field, image in (
                ("seal_attachment_id", self.seal),
                ("logo_attachment_id", self.logo),
            )
            if image.pending is not None
        }
        self.buttons.setEnabled(False)
        self.saving = CollectionOp(
            self, lambda database: save_profile(database, profile, images=images)
        )
        self.saving.success(self._saved).failure(self._refused).run_in_background()
        return True

    def _saved(self, result: ProfileSaved) -> None:
        self.saving = None
        self.buttons.setEnabled(True)
        self.profile = self.saved_profile = result.profile
        self.accept()
        if self.cleaned:
            # What a field showed ("live name") is not what was stored ("evil name").
            show_notice(
                self.parentWidget(),
                _("Hidden characters removed"),
                _("Hidden direction characters were removed from {field}.").format(
                    field=format_list(self._label(name) for name in self.cleaned)
                ),
            )

    def _label(self, name: str) -> str:
        """A profile field's label as the dialog shows it, a name's with its language."""
        prefix, _sep, language = name.rpartition("_")
        label = self.row_labels.get(prefix if language in LANGUAGE_LABELS else name)
        text = label.text().replace("&", "").rstrip(":") if label is not None else name
        if language in LANGUAGE_LABELS:
            return _(LANGUAGE_LABELS[language]).format(label=text)
        return text

    def _refused(self, error: BaseException) -> None:
        self.saving = None
        self.buttons.setEnabled(True)
        if isinstance(error, InvalidInput):
            self.problems.show(error.problems)
        elif isinstance(error, (StorageUnavailable, NotFound)):
            QMessageBox.warning(self, _("Not saved"), error.user_message())
        else:
            from exchange_desk.ui.errors import report_failure

            report_failure(error, self)


def edit_office_profile(parent: QWidget | None, database: Database) -> bool:
    """Open the Office profile dialog modally; True if the profile was saved."""
    try:
        dialog = OfficeProfileDialog(database, parent)
    except StorageUnavailable as exc:
        QMessageBox.warning(parent, _("Office profile"), exc.user_message())
        return False
    try:
        dialog.exec()
        return dialog.saved_profile is not None
    finally:
        dialog.deleteLater()
