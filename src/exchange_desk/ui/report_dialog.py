"""The report dialog: the annual report of a year, a partner city's dossier, a
delegation's brief or the declaration of gifts received in a year (PDF or .xlsx), in
Chinese, English or Hebrew, saved and opened.

The report is gathered and drawn in the background with progress and Cancel; the file is
written whole at the end, so a cancelled or failed report leaves nothing behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from exchange_desk.domain.errors import ExchangeDeskError
from exchange_desk.i18n.catalog import _, active_language
from exchange_desk.services.database import Database
from exchange_desk.services.output import checked_target
from exchange_desk.services.report_choices import (
    REPORT_LANGUAGE_NAMES,
    city_label,
    default_report_year,
    delegation_label,
    gift_years,
    interface_language_of,
    report_language_of,
    report_years,
)
from exchange_desk.ui.errors import error_text
from exchange_desk.ui.operations import QueryOp
from exchange_desk.ui.translated import Retranslating, set_form_labels
from exchange_desk.ui.workers import Cancelled, notice

ANNUAL, CITY, DELEGATION, GIFTS = "annual", "city", "delegation", "gifts"
KINDS = (ANNUAL, CITY, DELEGATION, GIFTS)
YEARLY = (ANNUAL, GIFTS)
FOLDER_SETTING = "reports/folder"


def _file_name(stem: str) -> str:
    """`stem` as a file name that every system accepts."""
    return "".join("_" if c in '<>:"/\\|?*' else c for c in stem).strip()[:100] + ".pdf"


class ReportDialog(Retranslating, QDialog):
    """Choose the year (annual report) and the language, then save the PDF."""

    def __init__(
        self,
        database: Database,
        kind: str,
        parent: QWidget | None = None,
        *,
        record_id: int | None = None,
        year: int | None = None,
    ) -> None:
        super().__init__(parent)
        if kind not in KINDS:
            raise ValueError(kind)
        if kind not in YEARLY and record_id is None:
            raise ValueError(f"a {kind} report needs a record id")
        self.database = database
        self.kind = kind
        self.record_id = record_id
        self.open_when_done = True  # tests turn it off: no PDF viewer in a test run
        self.result_path: Path | None = None
        self.last_notice = ""
        self.progress_dialog: QProgressDialog | None = None
        self.form = form = QFormLayout()
        self.year_box: QComboBox | None = None
        self.subject_label: QLabel | None = None
        if kind in YEARLY:
            years = gift_years(database) if kind == GIFTS else report_years(database)
            chosen = year if year is not None else default_report_year(years)
            if chosen not in years:
                # A year without records still has a report: short, but correct.
                years = sorted({*years, chosen}, reverse=True)
            self.year_box = QComboBox()
            for value in years:
                self.year_box.addItem(str(value), value)
            self.year_box.setCurrentIndex(self.year_box.findData(chosen))
            form.addRow("", self.year_box)
        else:
            assert record_id is not None
            self.subject_label = QLabel()
            self.subject_label.setTextFormat(Qt.TextFormat.PlainText)
            self.subject_label.setWordWrap(True)
            form.addRow("", self.subject_label)
        self.language_box = QComboBox()
        for code, name in REPORT_LANGUAGE_NAMES:
            self.language_box.addItem(name, code)
        self.language_box.setCurrentIndex(
            max(self.language_box.findData(report_language_of(active_language())), 0)
        )
        form.addRow("", self.language_box)

        # Cancel is Qt's own; Save PDF is ours (Qt resets a standard button's text each time
        # the language changes).
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        self.translate_now()

    def retranslate(self) -> None:
        self.setWindowTitle(self._title())
        labels: list[tuple[QWidget, str]] = [(self.language_box, _("&Language:"))]
        if self.year_box is not None:
            labels.append((self.year_box, _("&Year:")))
        if self.subject_label is not None:
            assert self.record_id is not None
            # The subject's name in the window's language.
            if self.kind == CITY:
                self.subject_label.setText(city_label(self.database, self.record_id))
                labels.append((self.subject_label, _("Partner city:")))
            else:
                self.subject_label.setText(delegation_label(self.database, self.record_id))
                labels.append((self.subject_label, _("Delegation:")))
        set_form_labels(self.form, labels)
        self.save_button.setText(_("&Save…") if self.kind == GIFTS else _("&Save PDF..."))

    def _title(self) -> str:
        if self.kind == ANNUAL:
            return _("Annual report")
        if self.kind == CITY:
            return _("Partner city dossier")
        if self.kind == GIFTS:
            return _("Declaration of gifts")
        return _("Delegation brief")

    def year(self) -> int | None:
        return None if self.year_box is None else int(self.year_box.currentData())

    def language(self) -> str:
        return str(self.language_box.currentData())

    def suggested_file_name(self) -> str:
        """What the report is and its language: "Annual report 2018 (en).pdf"."""
        language = self.language()
        if self.kind == ANNUAL:
            stem = _("Annual report {year} ({language})").format(
                year=self.year(), language=language
            )
        elif self.kind == GIFTS:
            stem = _("Declaration of gifts {year} ({language})").format(
                year=self.year(), language=language
            )
        elif self.kind == CITY:
            from exchange_desk.services.records import names_of

            assert self.record_id is not None
            # The city as the report names it, so a Hebrew dossier is filed under כפר סבא.
            city = names_of(self.database, "cities", self.record_id).best(
                interface_language_of(language)
            )
            stem = _("Partner city dossier {city} ({language})").format(
                city=city, language=language
            )
        else:
            stem = _("Delegation brief {id} ({language})").format(
                id=self.record_id, language=language
            )
        return _file_name(stem)

    def _notice(self, text: str, icon: QMessageBox.Icon) -> None:
        self.last_notice = notice(self, self._title(), text, icon)

    def start(self, target: Path | None = None) -> None:
        """Ask where (unless given), then make the report with a progress dialog."""
        if target is None:
            folder = Path(str(QSettings().value(FOLDER_SETTING, str(Path.home()))))
            try:
                suggested = self.suggested_file_name()
            except ExchangeDeskError as exc:
                self._notice(exc.user_message(), QMessageBox.Icon.Warning)
                return
            filters = _("PDF files (*.pdf)")
            if self.kind == GIFTS:
                filters += ";;" + _("Excel workbook (*.xlsx)")
            path, chosen_filter = QFileDialog.getSaveFileName(
                self, _("Save report"), str(folder / suggested), filters
            )
            if not path:
                return
            target = Path(path)
            if self.kind == GIFTS and "xlsx" in chosen_filter and target.suffix != ".xlsx":
                target = target.with_suffix(".xlsx")
        # The declaration of gifts can also be a sheet; everything else is a PDF.
        sheet = self.kind == GIFTS and target.suffix.lower() == ".xlsx"
        try:
            chosen = target if sheet else checked_target(target)
        except ExchangeDeskError as exc:
            self._notice(exc.user_message(), QMessageBox.Icon.Warning)
            return
        save = self.save_button
        save.setEnabled(False)  # one report at a time from one dialog
        kind, record_id = self.kind, self.record_id
        year, language = self.year(), self.language()
        operation: QueryOp[Path]

        def work(database: Database) -> Path:
            # Imported here, on the worker: the services load the ORM and the PDF engine.
            from exchange_desk.services import reports
            from exchange_desk.services.report_output import write_report

            if sheet:
                assert year is not None
                return reports.write_gift_declaration_sheet(database, year, language, chosen)
            if kind == ANNUAL:
                assert year is not None
                report = reports.annual_report(database, year, language, progress=operation.report)
            elif kind == GIFTS:
                assert year is not None
                report = reports.gift_declaration(
                    database, year, language, progress=operation.report
                )
            elif kind == CITY:
                assert record_id is not None
                report = reports.city_dossier(
                    database, record_id, language, progress=operation.report
                )
            else:
                assert record_id is not None
                report = reports.delegation_brief(
                    database, record_id, language, progress=operation.report
                )

            def page(done: int, total: int) -> None:
                # The first pass lays the pages out before their number is known.
                if total == 0:
                    operation.report(_("Laying out page {page}").format(page=done))
                else:
                    operation.report(_("Page {page} of {pages}").format(page=done, pages=total))

            return write_report(report, chosen, progress=page)

        def done(result: Any) -> None:
            path = Path(result)
            self.result_path = path
            QSettings().setValue(FOLDER_SETTING, str(path.parent))
            self.accept()
            if self.open_when_done:
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

        def failed(error: BaseException) -> None:
            save.setEnabled(True)
            if isinstance(error, Cancelled):
                self._notice(_("Cancelled: nothing was written."), QMessageBox.Icon.Information)
                return
            self._notice(error_text(error), QMessageBox.Icon.Warning)

        operation = (
            QueryOp(self, work)
            .with_progress(_("Making the report"), cancellable=True)
            .success(done)
            .failure(failed)
        )
        operation.run_in_background()
        self.progress_dialog = operation.progress_dialog
