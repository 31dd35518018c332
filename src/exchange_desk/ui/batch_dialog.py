"""Print all certificates of a year or a conference: one combined PDF, one file per
recipient, or straight to the printer, with progress and cancel.

The batch is registered in one transaction by the service, run as an operation off the GUI
thread: a cancelled batch registers no number and leaves no file behind. What it registered
goes out on the operations' change hub.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from exchange_desk.domain.enums import Design, LanguageMode, Orientation
from exchange_desk.domain.errors import ExchangeDeskError
from exchange_desk.i18n.catalog import _, ngettext
from exchange_desk.services.certificate_content import batch_choices
from exchange_desk.services.certificate_issue import (
    BatchResult,
    awards_for_batch,
    print_batch,
    record_printing_failed,
)
from exchange_desk.services.certificate_register import default_issuer
from exchange_desk.services.database import Database
from exchange_desk.ui.certificate_dialog import (
    option_boxes,
    relabel_option_boxes,
    retranslate_text_only_box,
    text_only_box,
)
from exchange_desk.ui.errors import error_text
from exchange_desk.ui.operations import CollectionOp
from exchange_desk.ui.printing import a4_printer, print_pdf
from exchange_desk.ui.translated import Retranslating, set_form_labels
from exchange_desk.ui.workers import Cancelled, notice

COMBINED, EACH, PRINTER = "combined", "each", "printer"


class BatchCertificatesDialog(Retranslating, QDialog):
    """Choose the awards and how to print them; the work runs in the background."""

    def __init__(
        self,
        database: Database,
        parent: QWidget | None = None,
        *,
        year: int | None = None,
        conference_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.result_files: tuple[Path, ...] = ()
        self.last_result: BatchResult | None = None
        self.last_notice = ""
        self.progress_dialog: QProgressDialog | None = None
        choices = batch_choices(database)
        self.year_box = QComboBox()
        self.year_box.addItem("", None)
        for value in choices.years:
            self.year_box.addItem(str(value), value)
        self.conference_box = QComboBox()
        self.conference_box.addItem("", None)
        self.conference_names = dict(choices.conferences)
        for record_id, names in choices.conferences:
            self.conference_box.addItem(names.best(), record_id)
        if year is not None:
            self.year_box.setCurrentIndex(max(self.year_box.findData(year), 0))
        elif conference_id is None and choices.years:
            self.year_box.setCurrentIndex(1)
        if conference_id is not None:
            self.conference_box.setCurrentIndex(max(self.conference_box.findData(conference_id), 0))
        self.design_box, self.languages_box, self.orientation_box = option_boxes()
        self.text_only_box = text_only_box()
        self.count_label = QLabel()
        self.form = form = QFormLayout()
        form.addRow("", self.year_box)
        form.addRow("", self.conference_box)
        form.addRow("", self.count_label)
        form.addRow("", self.languages_box)
        form.addRow("", self.design_box)
        form.addRow("", self.orientation_box)
        form.addRow(self.text_only_box)
        self.combined = QRadioButton()
        self.each = QRadioButton()
        self.printer_choice = QRadioButton()
        self.combined.setChecked(True)
        self.outputs = QButtonGroup(self)
        for button in (self.combined, self.each, self.printer_choice):
            self.outputs.addButton(button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        for button in (self.combined, self.each, self.printer_choice):
            layout.addWidget(button)
        # Cancel is Qt's own, translated by Qt; Print is ours (Qt would put "OK" back on a
        # standard button each time the language changes).
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.print_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.year_box.currentIndexChanged.connect(self._count)
        self.conference_box.currentIndexChanged.connect(self._count)
        self.translate_now()
        self.setMinimumWidth(480)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Print certificates"))
        self.year_box.setItemText(0, _("Any year"))
        self.conference_box.setItemText(0, _("Any conference"))
        for index in range(1, self.conference_box.count()):
            names = self.conference_names.get(self.conference_box.itemData(index))
            if names is not None:
                self.conference_box.setItemText(index, names.best())
        set_form_labels(
            self.form,
            [
                (self.year_box, _("&Year:")),
                (self.conference_box, _("&Conference:")),
                (self.languages_box, _("&Languages:")),
                (self.design_box, _("&Design:")),
                (self.orientation_box, _("&Orientation:")),
            ],
        )
        relabel_option_boxes(self.design_box, self.languages_box, self.orientation_box)
        retranslate_text_only_box(self.text_only_box)
        self.combined.setText(_("One combined PDF file"))
        self.each.setText(_("One PDF file per recipient, in a folder"))
        self.printer_choice.setText(_("Send to a printer"))
        self.print_button.setText(_("&Print..."))
        self._count()

    def _notice(self, text: str, icon: QMessageBox.Icon) -> None:
        self.last_notice = notice(self, _("Print certificates"), text, icon)

    def award_ids(self) -> list[int]:
        year = self.year_box.currentData()
        conference = self.conference_box.currentData()
        if year is None and conference is None:
            return []
        return awards_for_batch(self.database, year=year, conference_id=conference)

    def _count(self) -> None:
        try:
            count = len(self.award_ids())
        except ExchangeDeskError as exc:
            self.count_label.setText(exc.user_message())
            count = 0
        else:
            if self.year_box.currentData() is None and self.conference_box.currentData() is None:
                self.count_label.setText(_("Choose a year or a conference."))
            else:
                self.count_label.setText(
                    ngettext("{count} award", "{count} awards", count).format(count=count)
                )
        self.print_button.setEnabled(count > 0)

    def output(self) -> str:
        if self.each.isChecked():
            return EACH
        if self.printer_choice.isChecked():
            return PRINTER
        return COMBINED

    def start(self, target: Path | None = None, printer: QPrinter | None = None) -> None:
        """Ask where (unless given), then run the batch with a progress dialog."""
        output = self.output()
        folder = Path(str(QSettings().value("certificate/folder", str(Path.home()))))
        if output == PRINTER and printer is None:
            printer = a4_printer()
            if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
                return
        if target is None and output == COMBINED:
            path, _filter = QFileDialog.getSaveFileName(
                self,
                _("Save certificates"),
                str(folder / "certificates.pdf"),
                _("PDF files (*.pdf)"),
            )
            if not path:
                return
            target = Path(path)
        elif target is None and output == EACH:
            path = QFileDialog.getExistingDirectory(
                self, _("Folder for the certificates"), str(folder)
            )
            if not path:
                return
            target = Path(path)
        award_ids = self.award_ids()
        mode = LanguageMode(self.languages_box.currentData())
        design = Design(self.design_box.currentData())
        orientation = Orientation(self.orientation_box.currentData())
        who = default_issuer(self.database)
        text_only = self.text_only_box.isChecked()
        chosen = target  # None: to the printer, no file
        operation: CollectionOp[BatchResult]

        def work(database: Database) -> BatchResult:
            def step(done: int, total: int) -> bool:
                operation.report(_("Certificate {done} of {total}").format(done=done, total=total))
                return True

            return print_batch(
                database,
                award_ids,
                mode,
                design,
                orientation,
                who,
                chosen,
                one_file_each=output == EACH,
                progress=step,
                text_only=text_only,
            )

        def done(result: Any) -> None:
            self.result_files = result.files
            self.last_result = result
            skipped = "".join(
                "\n"
                + _(
                    "Skipped award {id}, {title}: our city received it, its giver certifies it."
                ).format(id=award_id, title=title)
                for award_id, title in result.skipped
            )
            if output == PRINTER and printer is not None and result.data is not None:
                try:
                    print_pdf(printer, result.data)
                except (OSError, ValueError) as exc:
                    # Registered, but not on paper: the register logs these as failed.
                    self._printing_failed(str(exc), result.printing_ids)
                    return
            if chosen is not None:
                QSettings().setValue(
                    "certificate/folder", str(chosen if output == EACH else chosen.parent)
                )
            self.accept()
            self._notice(
                _("{count} certificates done ({reprints} of them reprints).").format(
                    count=len(result.numbers), reprints=result.reprints
                )
                + skipped,
                QMessageBox.Icon.Information,
            )

        def failed(error: BaseException) -> None:
            if isinstance(error, Cancelled):
                self._notice(
                    _("Cancelled: no certificate was registered and no file was written."),
                    QMessageBox.Icon.Information,
                )
                return
            self._notice(error_text(error), QMessageBox.Icon.Warning)

        operation = (
            CollectionOp(self, work)
            .with_progress(_("Printing certificates"), cancellable=True)
            .success(done)
            .failure(failed)
        )
        operation.run_in_background()
        self.progress_dialog = operation.progress_dialog

    def _printing_failed(self, text: str, printing_ids: tuple[int, ...]) -> None:
        """Log the printings of a print job that failed as failed, then say so."""

        def logged(_changes: Any) -> None:
            self._notice(
                text + "\n\n" + _("The register logs these printings as failed."),
                QMessageBox.Icon.Warning,
            )

        def not_logged(problem: BaseException) -> None:
            self._notice(text + "\n\n" + error_text(problem), QMessageBox.Icon.Warning)

        CollectionOp(self, lambda database: record_printing_failed(database, printing_ids)).success(
            logged
        ).failure(not_logged).run_in_background()
