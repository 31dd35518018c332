"""The Certificate dialog of an award: design, languages, a live preview of the real PDF,
Save PDF and Print.

The preview is the very PDF that will be saved or printed, drawn off the GUI thread and
shown as an image of its page. Saving or printing registers the certificate: the first time
it takes the next number of the office's pattern, later it is logged as a reprint. Issuing is
the services' (`certificate_issue.issue_certificate_pdf`: number, register line and file, all
or nothing), run as an operation off the GUI thread; the dialog then prints what it returns,
and a print job that fails is logged as failed by the services (`record_printing_failed`).

What stops the certificate from being drawn (a character no font has, named with the award
and the field that holds it; an award the city received) stands out as an error banner
beside the options, where the preview would be says only that there is none.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from exchange_desk.domain.enums import Design, LanguageMode, Orientation
from exchange_desk.domain.errors import ExchangeDeskError
from exchange_desk.i18n.catalog import _, ngettext
from exchange_desk.services.certificate_content import (
    certificate_warnings,
    preview_pdf,
    printer_test_page,
)
from exchange_desk.services.certificate_issue import (
    IssuedPdf,
    issue_certificate_pdf,
    record_printing_failed,
)
from exchange_desk.services.certificate_register import certificate_for_award, default_issuer
from exchange_desk.services.changes import Changes
from exchange_desk.services.database import Database
from exchange_desk.services.output import writable_problem
from exchange_desk.services.records import names_of
from exchange_desk.ui.errors import error_text
from exchange_desk.ui.formatting import show
from exchange_desk.ui.operations import CollectionOp, QueryOp, change_hub
from exchange_desk.ui.printing import PdfPages, PrinterOffsetDialog, a4_printer, print_pdf
from exchange_desk.ui.translated import Retranslating, relabel

PREVIEW_DELAY_MS = 120  # lets a few quick changes of the combos make one preview


def test_page_lines() -> list[str]:
    return [
        _("Exchange Desk printer test page"),
        _(
            "Each cross should be exactly 20 mm from the two nearest edges of the paper. "
            "Measure where it landed; the difference is the printer's offset."
        ),
    ]


def option_boxes() -> tuple[QComboBox, QComboBox, QComboBox]:
    """Design, languages and orientation, each set to what was chosen last time."""
    settings = QSettings()
    boxes = []
    for values, key in (
        (list(Design), "certificate/design"),
        (list(LanguageMode), "certificate/languages"),
        (list(Orientation), "certificate/orientation"),
    ):
        box = QComboBox()
        for value in values:
            box.addItem(value.label, value.value)
        default = LanguageMode.ZH_EN.value if values[0] is LanguageMode.ZH else box.itemData(0)
        box.setCurrentIndex(max(box.findData(settings.value(key, default)), 0))
        boxes.append(box)
    return boxes[0], boxes[1], boxes[2]


def relabel_option_boxes(design: QComboBox, languages: QComboBox, orientation: QComboBox) -> None:
    """The words of the three option boxes in the active language."""
    relabel(design, lambda value: Design(value).label)
    relabel(languages, lambda value: LanguageMode(value).label)
    relabel(orientation, lambda value: Orientation(value).label)


def text_only_box() -> QCheckBox:
    """For certificate paper that has its border printed: print the text only."""
    box = QCheckBox()
    retranslate_text_only_box(box)
    box.setChecked(QSettings().value("certificate/text_only", False, type=bool))  # type: ignore[arg-type]
    return box


def retranslate_text_only_box(box: QCheckBox) -> None:
    box.setText(_("&Text only (paper with a printed border)"))
    box.setToolTip(
        _(
            "Leaves out the paper colour, the border and the emblem, for certificate paper "
            "that has them printed already. The text stands where it would inside the border."
        )
    )


class PreviewLabel(QLabel):
    """Shows a page image scaled to the space it has, keeping its proportions."""

    def __init__(self) -> None:
        super().__init__()
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(QSize(420, 300))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setStyleSheet("background: #5f6368;")
        self._pixmap: QPixmap | None = None

    def show_page(self, pixmap: QPixmap | None, message: str = "") -> None:
        self._pixmap = pixmap
        if pixmap is None:
            self.setPixmap(QPixmap())
            self.setText(message)
            self.setStyleSheet("background: #5f6368; color: white; padding: 24px;")
            self.setWordWrap(True)
            return
        self.setText("")
        self._fit()

    def _fit(self) -> None:
        if self._pixmap is not None:
            self.setPixmap(
                self._pixmap.scaled(
                    self.size() - QSize(24, 24),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()


class CertificateDialog(Retranslating, QDialog):
    """Certificate of one award. `registered` fires after a save or print is registered,
    `issued` with what was issued (`IssuedPdf`, its file in `saved_path`), `printed` with the
    pages a print job printed (0 when it failed or nothing was issued)."""

    registered = Signal(int)
    issued = Signal(object)
    printed = Signal(int)

    def __init__(self, database: Database, award_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.award_id = award_id
        self.pdf: bytes | None = None
        self.warnings: list[str] = []
        self._request = 0
        self.preview_ready = False
        self.printer = a4_printer()
        self.award_names = names_of(database, "awards", award_id)
        self.saved_path: Path | None = None
        self.issuing: CollectionOp[IssuedPdf] | None = None
        self.resize(1080, 680)

        self.design_box, self.languages_box, self.orientation_box = option_boxes()
        self.text_only_box = text_only_box()
        form = QFormLayout()
        self.design_label, self.languages_label, self.orientation_label = (
            QLabel(),
            QLabel(),
            QLabel(),
        )
        form.addRow(self.design_label, self.design_box)
        form.addRow(self.languages_label, self.languages_box)
        form.addRow(self.orientation_label, self.orientation_box)
        form.addRow(self.text_only_box)
        for label, box in (
            (self.design_label, self.design_box),
            (self.languages_label, self.languages_box),
            (self.orientation_label, self.orientation_box),
        ):
            label.setBuddy(box)
        self.register_label = QLabel()
        self.register_label.setWordWrap(True)
        # What is missing before printing (a signatory's name), said before, not after.
        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        self.warning_label.setObjectName("certificateWarnings")
        self.warning_label.setStyleSheet(
            "QLabel#certificateWarnings { color: #8a4b00; background: #fff4dc;"
            " border: 1px solid #e8c98a; border-radius: 4px; padding: 6px; }"
        )
        self.warning_label.hide()
        # What stops the certificate from being drawn: an error, not a caption of the preview.
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setObjectName("certificateProblem")
        self.problem_label.setTextFormat(Qt.TextFormat.PlainText)  # quotes the record's text
        self.problem_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem_label.setStyleSheet(
            # The same on every side: a style sheet's left border would not follow Hebrew.
            "QLabel#certificateProblem { color: #8b1a1a; background: #fdecea;"
            " border: 1px solid #c62828; border-radius: 4px; padding: 6px; }"
        )
        self.problem_label.hide()
        self.save_button = QPushButton()
        self.print_button = QPushButton()
        self.offset_button = QPushButton()
        self.close_button = QPushButton()
        self.save_button.clicked.connect(self.save_pdf)
        self.print_button.clicked.connect(self.print_certificate)
        self.offset_button.clicked.connect(self.edit_offset)
        self.close_button.clicked.connect(self.reject)
        side = QVBoxLayout()
        side.addLayout(form)
        side.addSpacing(8)
        side.addWidget(self.register_label)
        side.addSpacing(6)
        side.addWidget(self.problem_label)
        side.addWidget(self.warning_label)
        side.addStretch(1)
        for button in (self.save_button, self.print_button, self.offset_button):
            side.addWidget(button)
        side.addSpacing(12)
        side.addWidget(self.close_button)
        panel = QWidget()
        panel.setLayout(side)
        panel.setFixedWidth(310)
        self.preview = PreviewLabel()
        layout = QHBoxLayout(self)
        layout.addWidget(panel)
        layout.addWidget(self.preview, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        for box in (self.design_box, self.languages_box, self.orientation_box):
            box.currentIndexChanged.connect(self._options_changed)
        self.text_only_box.toggled.connect(self._options_changed)
        self.translate_now()
        self.refresh_preview()
        change_hub().changed.connect(self._data_changed)

    def _data_changed(self, changes: Changes) -> None:
        """The award, the office profile (signatory, seal) or the register changed: the
        register line and the preview are read again."""
        if changes.profile or changes.touches("awards", self.award_id):
            # A deleted award keeps its old title here; the preview says it is gone.
            with contextlib.suppress(ExchangeDeskError):
                self.award_names = names_of(self.database, "awards", self.award_id)
            self.retranslate()
            self.refresh_preview()
        elif changes.touches("certificates"):
            self._show_register()
            self.refresh_preview()

    def retranslate(self) -> None:
        self.setWindowTitle(
            _("Certificate of honor: {award}").format(award=self.award_names.best())
        )
        self.design_label.setText(_("&Design:"))
        self.languages_label.setText(_("&Languages:"))
        self.orientation_label.setText(_("&Orientation:"))
        relabel_option_boxes(self.design_box, self.languages_box, self.orientation_box)
        retranslate_text_only_box(self.text_only_box)
        self.save_button.setText(_("&Save PDF..."))
        self.print_button.setText(_("&Print..."))
        self.offset_button.setText(_("Printer &offset..."))
        self.close_button.setText(_("Close"))
        self._show_register()
        if self.preview_ready and (self.pdf is None or self.warnings):
            # The message of a refused preview, or the warnings, in the new language.
            self.refresh_preview()

    # -- options ---------------------------------------------------------------------------
    def design(self) -> Design:
        return Design(self.design_box.currentData())

    def mode(self) -> LanguageMode:
        return LanguageMode(self.languages_box.currentData())

    def orientation(self) -> Orientation:
        return Orientation(self.orientation_box.currentData())

    def _options_changed(self) -> None:
        settings = QSettings()
        settings.setValue("certificate/design", self.design().value)
        settings.setValue("certificate/languages", self.mode().value)
        settings.setValue("certificate/orientation", self.orientation().value)
        settings.setValue("certificate/text_only", self.text_only_box.isChecked())
        self._timer.start()

    def _show_register(self) -> None:
        try:
            existing = certificate_for_award(self.database, self.award_id)
        except ExchangeDeskError as exc:
            self.register_label.setText(exc.user_message())
            return
        if existing is None:
            self.register_label.setText(
                _(
                    "Not issued yet. Saving or printing issues it and enters it in the "
                    "register with the number shown."
                )
            )
        elif existing.reprints == 0:
            self.register_label.setText(
                _(
                    "Issued as {number} on {day}. Saving or printing again is logged as a "
                    "reprint with the same number."
                ).format(number=existing.number, day=show(existing.issued_on))
            )
        else:
            self.register_label.setText(
                ngettext(
                    "Issued as {number} on {day}; reprinted {count} time. Saving or "
                    "printing again is logged as a reprint with the same number.",
                    "Issued as {number} on {day}; reprinted {count} times. Saving or "
                    "printing again is logged as a reprint with the same number.",
                    existing.reprints,
                ).format(
                    number=existing.number, day=show(existing.issued_on), count=existing.reprints
                )
            )

    # -- preview ---------------------------------------------------------------------------
    def refresh_preview(self) -> None:
        """Draw the PDF off the GUI thread; show the newest result only."""
        self._request += 1
        request = self._request
        self.preview_ready = False
        database, award_id = self.database, self.award_id
        mode, design, orientation = self.mode(), self.design(), self.orientation()
        text_only = self.text_only_box.isChecked()

        def work() -> tuple[bytes, list[str]]:
            data = preview_pdf(database, award_id, mode, design, orientation, text_only=text_only)
            return data, certificate_warnings(database, award_id, mode)

        def done(result: Any) -> None:
            if request == self._request:
                data, warnings = result
                self.show_warnings(warnings)
                self._show_pdf(data)

        def failed(error: BaseException) -> None:
            if request != self._request:
                return
            self.pdf = None
            self.show_warnings([])
            self.show_problem(error_text(error))
            self.preview.show_page(None, _("No preview"))
            self.preview_ready = True
            self._set_enabled(False)

        QueryOp(self, lambda _database: work()).success(done).failure(failed).run_in_background()

    def show_problem(self, message: str) -> None:
        """Why the certificate cannot be drawn (empty: it can)."""
        self.problem_label.setText(message)
        self.problem_label.setVisible(bool(message))

    def show_warnings(self, warnings: list[str]) -> None:
        self.warnings = list(warnings)
        self.warning_label.setText("\n\n".join(warnings))
        self.warning_label.setVisible(bool(warnings))

    def _show_pdf(self, data: bytes) -> None:
        self.pdf = data
        self.show_problem("")
        pages = PdfPages(data)
        try:
            width, height = pages.page_size_points(0)
            scale = 1.5 * self.devicePixelRatioF()
            image = pages.render(0, round(width * scale), round(height * scale))
        finally:
            pages.close()
        self.preview.show_page(QPixmap.fromImage(image))
        self.preview_ready = True
        self._set_enabled(True)

    def _set_enabled(self, enabled: bool) -> None:
        self.save_button.setEnabled(enabled)
        self.print_button.setEnabled(enabled)

    # -- issuing ---------------------------------------------------------------------------
    def _issue(self, then: Any, target: Path | None = None) -> CollectionOp[IssuedPdf] | None:
        """Issue (or log a reprint) and, with `target`, write the file: both or neither, off
        the GUI thread; `then(result)` follows a success. None while one is on its way."""
        if self.issuing is not None:
            return None
        award_id, mode, design = self.award_id, self.mode(), self.design()
        orientation, text_only = self.orientation(), self.text_only_box.isChecked()
        issuer = default_issuer(self.database)

        def issue(database: Database) -> IssuedPdf:
            return issue_certificate_pdf(
                database,
                award_id,
                mode,
                design,
                orientation,
                issuer,
                text_only=text_only,
                target=target,
            )

        def done(result: IssuedPdf) -> None:
            self.issuing = None
            self._set_enabled(self.pdf is not None)
            self._show_register()
            self.registered.emit(self.award_id)
            then(result)

        def failed(error: BaseException) -> None:
            self.issuing = None
            self._set_enabled(self.pdf is not None)
            QMessageBox.warning(self, _("Certificate"), error_text(error))
            self._show_register()  # a failure after the commit may have changed it
            if then == self._print:
                self.printed.emit(0)

        self._set_enabled(False)
        self.issuing = CollectionOp(self, issue).success(done).failure(failed)
        return self.issuing.run_in_background()

    def suggested_file_name(self) -> str:
        number = ""
        existing = certificate_for_award(self.database, self.award_id)
        if existing is not None:
            number = existing.number
        name = names_of(self.database, "awards", self.award_id).best()
        stem = " ".join(part for part in (number, name) if part) or "certificate"
        return "".join("_" if c in '<>:"/\\|?*' else c for c in stem)[:80] + ".pdf"

    def save_pdf(self, path: str | None = None) -> CollectionOp[IssuedPdf] | None:
        """Ask where (unless given), then issue or log a reprint and write the file, off
        the GUI thread (`issued` follows, and `saved_path` is the file)."""
        if path is None:
            folder = QSettings().value("certificate/folder", str(Path.home()))
            path, _filter = QFileDialog.getSaveFileName(
                self,
                _("Save certificate"),
                str(Path(str(folder)) / self.suggested_file_name()),
                _("PDF files (*.pdf)"),
            )
            if not path:
                return None
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        problem = writable_problem(target)
        if problem:
            QMessageBox.warning(self, _("Certificate"), problem)
            return None

        def saved(result: IssuedPdf) -> None:
            self.saved_path = result.path or target
            QSettings().setValue("certificate/folder", str(target.parent))
            self.issued.emit(result)

        return self._issue(saved, target)

    def print_certificate(self, *, ask: bool = True) -> CollectionOp[IssuedPdf] | None:
        """Ask for the printer (unless `ask` is False), issue or log a reprint off the GUI
        thread, then print; `printed` says how many pages were printed."""
        self.printer.setPageOrientation(
            self._page_orientation()  # the dialog then offers the right paper way round
        )
        if ask:
            dialog = QPrintDialog(self.printer, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
        return self._issue(self._print)

    def _print(self, result: IssuedPdf) -> None:
        self.issued.emit(result)
        try:
            pages = print_pdf(self.printer, result.data)
        except (OSError, ValueError) as exc:
            # Registered, but not on paper: the register logs this printing as failed.
            self._printing_failed(str(exc), result.printing_ids)
            return
        self.printed.emit(pages)

    def _printing_failed(self, message: str, printing_ids: tuple[int, ...]) -> None:
        def logged(_changes: Changes) -> None:
            self._tell_printing_failed(
                message + "\n\n" + _("The register logs this printing as failed.")
            )

        def not_logged(problem: BaseException) -> None:
            self._tell_printing_failed(message + "\n\n" + error_text(problem))

        CollectionOp(self, lambda database: record_printing_failed(database, printing_ids)).success(
            logged
        ).failure(not_logged).run_in_background()

    def _tell_printing_failed(self, message: str) -> None:
        QMessageBox.warning(self, _("Certificate"), message)
        self._show_register()
        self.registered.emit(self.award_id)
        self.printed.emit(0)

    def _page_orientation(self) -> Any:
        from PySide6.QtGui import QPageLayout

        return (
            QPageLayout.Orientation.Landscape
            if self.orientation() is Orientation.LANDSCAPE
            else QPageLayout.Orientation.Portrait
        )

    def edit_offset(self) -> None:
        dialog = PrinterOffsetDialog(
            self.printer, lambda: printer_test_page(test_page_lines()), self
        )
        dialog.exec()
