"""A tab's list taken out of the window: Export view… (.xlsx or .csv), Save list as PDF…,
Print list…, Ctrl+C on the table's rows; and the whole database (Export all…) and the import
templates (Import template…).

The list is what the tab shows: its rows after search, filters and sort, its visible columns
in their on-screen order, in the window's language (`services.views.view_of`), with what
narrowed it said in words ("Year: 2018", "Search: Augsburg"). It is taken on the GUI thread
(row numbers and column order, a few lists) and turned into cells and written off it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from exchange_desk.domain.errors import ExchangeDeskError
from exchange_desk.i18n.catalog import _, active_language
from exchange_desk.i18n.formatting import format_number
from exchange_desk.i18n.languages import LANGUAGES
from exchange_desk.services.tables import RecordTable, tab_spec
from exchange_desk.ui.bidi import isolated
from exchange_desk.ui.operations import QueryOp
from exchange_desk.ui.translated import Retranslating, set_form_labels

if TYPE_CHECKING:
    from exchange_desk.services.database import Database
    from exchange_desk.services.views import ListedView
    from exchange_desk.ui.record_tab import RecordTab

EXPORT_FOLDER = "export/folder"
# Marks the window adds so a cell reads in its own direction; a pasted or exported text
# must not carry them into Excel.
_BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FORBIDDEN = '<>:"/\\|?*'


def without_marks(text: str) -> str:
    return _BIDI_MARKS.sub("", text)


def file_name(stem: str, suffix: str) -> str:
    """`stem` as a file name every system accepts, with `suffix` (".xlsx")."""
    cleaned = "".join("_" if c in _FORBIDDEN or ord(c) < 32 else c for c in stem)
    return cleaned.strip(" .")[:100] + suffix


def remembered_folder() -> Path:
    return Path(str(QSettings().value(EXPORT_FOLDER, str(Path.home()))))


def remember_folder(path: Path) -> None:
    QSettings().setValue(EXPORT_FOLDER, str(path.parent))


# --- what a tab shows ----------------------------------------------------------------------


def shown_columns(view: QTableView) -> list[int]:
    """The model's columns the view shows, in the order on screen (a moved column where it
    was moved to, a hidden one left out)."""
    header = view.horizontalHeader()
    columns = []
    for visual in range(header.count()):
        logical = header.logicalIndex(visual)
        if logical >= 0 and not header.isSectionHidden(logical):
            columns.append(logical)
    return columns


def list_conditions(tab: RecordTab) -> tuple[str, ...]:
    """What narrows the tab's list, in words: each filter chosen, then the search."""
    conditions = []
    for facet in tab.model.table.facets:
        combo = tab.filters.get(facet.key)
        if combo is None or combo.currentData() is None:
            continue
        if facet.key == "year":
            conditions.append(_("Year: {year}").format(year=combo.currentData()))
        else:
            conditions.append(
                _("{filter}: {value}").format(
                    filter=_(facet.label), value=without_marks(combo.currentText())
                )
            )
    search = tab.search_box.text().strip()
    if search:
        conditions.append(_("Search: {text}").format(text=search))
    return tuple(conditions)


@dataclass(frozen=True, slots=True)
class ShownList:
    """A tab's list as shown, taken on the GUI thread: made into a `ListedView` on a worker
    (the table is not changed in place, a new one replaces it, so this one stays whole)."""

    table: RecordTable
    rows: tuple[int, ...]
    columns: tuple[int, ...]
    language: str
    conditions: tuple[str, ...]
    title: str  # the tab's title in the window's language

    def view(self) -> ListedView:
        from exchange_desk.services.views import view_of

        return view_of(
            self.table,
            self.rows,
            self.columns,
            language=self.language,
            conditions=self.conditions,
        )


def shown_list(tab: RecordTab) -> ShownList:
    model = tab.model
    return ShownList(
        table=model.table,
        rows=tuple(model.visible_rows()),
        columns=tuple(shown_columns(tab.view)),
        language=active_language(),
        conditions=list_conditions(tab),
        title=_(tab_spec(tab.tab).title),
    )


def listed_view(tab: RecordTab) -> ListedView:
    """The tab's list as `services.views.ListedView` (on the GUI thread: for tests)."""
    return shown_list(tab).view()


# --- copying rows ------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    # A tab or a line break inside a cell would split it when pasted into Excel.
    text = without_marks("" if value is None else str(value))
    return " ".join(text.replace("\t", " ").splitlines())


def rows_text(tab: RecordTab, rows: list[int] | None = None) -> str:
    """The header and `rows` (view rows; default the selected ones, in the order shown) of
    the visible columns, tab-separated, one line each: what Excel takes from a paste."""
    model = tab.model
    if rows is None:
        rows = sorted({index.row() for index in tab.view.selectionModel().selectedRows()})
    columns = shown_columns(tab.view)
    header = [_cell(model.headerData(c, Qt.Orientation.Horizontal)) for c in columns]
    lines = ["\t".join(header)]
    for row in rows:
        lines.append("\t".join(_cell(model.data(model.index(row, c))) for c in columns))
    return "\n".join(lines) + "\n"


def copy_rows(tab: RecordTab) -> str:
    """Put the selected rows, with the header, on the clipboard; returns the text ("" when no
    row is selected: the clipboard is left alone)."""
    if not tab.view.selectionModel().selectedRows():
        return ""
    text = rows_text(tab)
    clipboard = QGuiApplication.clipboard()
    clipboard.setText(text)
    return text


# --- telling how it went -------------------------------------------------------------------------


def _tell(parent: QWidget, text: str) -> None:
    """A short note that it is done: in the window's status bar, else in a box."""
    window = parent if isinstance(parent, QMainWindow) else parent.window()
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, 12_000)
    else:
        box = QMessageBox(QMessageBox.Icon.Information, _("Exchange Desk"), text, parent=parent)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()


def _failed(parent: QWidget, title: str) -> Callable[[BaseException], None]:
    def failed(error: BaseException) -> None:
        from exchange_desk.ui.workers import Cancelled

        if isinstance(error, Cancelled):
            return
        if isinstance(error, ExchangeDeskError):
            # Expected trouble (the file open in Excel, a full disk): said plainly.
            QMessageBox.warning(parent, title, error.user_message())
            return
        from exchange_desk.ui.errors import report_failure

        report_failure(error, parent)

    return failed


def _ready(parent: QWidget, tab: RecordTab) -> bool:
    """The whole table is there to be written (else it is asked for, and the user told)."""
    if tab.complete:
        return True
    tab.load_all()
    _tell(parent, _("The list is still loading. Try again in a moment."))
    return False


def ask_target(
    parent: QWidget, title: str, stem: str, filters: Sequence[tuple[str, str]]
) -> Path | None:
    """Ask where to save (in the folder used last): `filters` are (label, suffix) pairs, the
    first offered first. A name typed without one of the suffixes gets the chosen filter's.
    None if the user cancels."""
    chosen, chosen_filter = QFileDialog.getSaveFileName(
        parent,
        title,
        str(remembered_folder() / file_name(stem, filters[0][1])),
        ";;".join(label for label, _suffix in filters),
        filters[0][0],
    )
    if not chosen:
        return None
    target = Path(chosen)
    suffixes = [suffix for _label, suffix in filters]
    if target.suffix.lower() not in suffixes:
        suffix = next((sx for label, sx in filters if label == chosen_filter), suffixes[0])
        target = target.with_name(target.name + suffix)
    return target


# --- export view ----------------------------------------------------------------------------------


def export_view(
    parent: QWidget, tab: RecordTab, path: str | Path | None = None
) -> QueryOp[Any] | None:
    """Write what the tab shows to an .xlsx or .csv file (asked for unless given)."""
    if not _ready(parent, tab):
        return None
    shown = shown_list(tab)
    filters = [
        (_("Excel workbook (*.xlsx)"), ".xlsx"),
        (_("CSV file, comma-separated (*.csv)"), ".csv"),
    ]
    stem = f"{shown.title} {dt.date.today().isoformat()}"
    target = Path(path) if path is not None else ask_target(parent, _("Export view"), stem, filters)
    if target is None:
        return None
    as_csv = target.suffix.lower() == ".csv"
    sample = _("Sample")
    title = _("Export view")

    def work(database: Database) -> int:
        from exchange_desk.services.exporting import export_view as write

        return write(
            database,
            shown.view(),
            target,
            format="csv" if as_csv else "xlsx",
            sample_header=sample,
        )

    def done(count: int) -> None:
        remember_folder(target)
        _tell(
            parent,
            _("{count} rows exported to {path}").format(
                count=format_number(count), path=isolated(target)
            ),
        )

    return (
        QueryOp(parent, work, database=tab.database)
        .with_progress(_("Exporting the list"))
        .success(done)
        .failure(_failed(parent, title))
        .run_in_background()
    )


# --- PDF and paper ------------------------------------------------------------------------------


def office_name(database: Database) -> str:
    """The office's name in the window's language (or another it has), "" when unnamed."""
    from exchange_desk.services.names import Names
    from exchange_desk.services.office import office_profile

    try:
        profile = office_profile(database)
    except ExchangeDeskError:
        return ""
    return Names(profile.office_name_en, profile.office_name_zh, profile.office_name_he).best()


def _pages(operation: QueryOp[Any]) -> Callable[[int, int], None]:
    """The list's drawing tells how far it is; Cancel stops it there."""

    def progress(done: int, total: int) -> None:
        operation.report(
            _("Drawing the list: step {done} of {total}").format(done=done, total=total)
        )

    return progress


def save_list_pdf(
    parent: QWidget, tab: RecordTab, path: str | Path | None = None
) -> QueryOp[Any] | None:
    """Save what the tab shows as a printed list, in a PDF file (asked for unless given)."""
    if not _ready(parent, tab):
        return None
    shown = shown_list(tab)
    stem = f"{shown.title} {dt.date.today().isoformat()}"
    target = (
        Path(path)
        if path is not None
        else ask_target(parent, _("Save list as PDF"), stem, [(_("PDF files (*.pdf)"), ".pdf")])
    )
    if target is None:
        return None
    office = office_name(tab.database)
    operation: QueryOp[int]

    def work(database: Database) -> int:
        from exchange_desk.services.exporting import export_view as write

        return write(
            database,
            shown.view(),
            target,
            format="pdf",
            sample_header="",
            office=office,
            progress=_pages(operation),
        )

    def done(count: int) -> None:
        remember_folder(target)
        _tell(
            parent,
            _("A list of {count} rows saved as {path}").format(
                count=format_number(count), path=isolated(target)
            ),
        )

    operation = (
        QueryOp(parent, work, database=tab.database)
        .with_progress(_("Making the PDF"), cancellable=True)
        .success(done)
        .failure(_failed(parent, _("Save list as PDF")))
    )
    return operation.run_in_background()


def print_list(
    parent: QWidget, tab: RecordTab, printer: QPrinter | None = None
) -> QueryOp[Any] | None:
    """Print what the tab shows: the print dialog first, then the list drawn as a PDF (the
    same pages as Save list as PDF) in the background, then put on paper. With `printer`
    given, no dialog is shown."""
    if not _ready(parent, tab):
        return None
    if printer is None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle(_("Print list"))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
    shown = shown_list(tab)
    office = office_name(tab.database)
    chosen = printer
    operation: QueryOp[bytes]

    def work(_database: Database) -> bytes:
        from exchange_desk.services.list_output import list_pdf_bytes

        data: bytes = list_pdf_bytes(shown.view(), office=office, progress=_pages(operation))
        return data

    def put_on_paper(data: bytes) -> None:
        from exchange_desk.ui.printing import print_pdf

        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            # A list is printed where the page is: the certificate stock's offset is not
            # for plain paper.
            pages = print_pdf(chosen, data, offset_mm=(0.0, 0.0))
        except OSError as exc:
            QGuiApplication.restoreOverrideCursor()
            QMessageBox.warning(parent, _("Print list"), str(exc))
            return
        QGuiApplication.restoreOverrideCursor()
        _tell(parent, _("{count} pages sent to the printer.").format(count=pages))

    operation = (
        QueryOp(parent, work, database=tab.database)
        .with_progress(_("Preparing the list"), cancellable=True)
        .success(put_on_paper)
        .failure(_failed(parent, _("Print list")))
    )
    return operation.run_in_background()


# --- the whole database ---------------------------------------------------------------------------


def _ask_personal_data(parent: QWidget, database: Database) -> bool | None:
    """Whether the workbook should hold people's passport data: asked of an editor, with
    No the default; None if cancelled. A viewer may not export it and is not asked."""
    from exchange_desk.services.roles import Role, role_of

    if role_of(database) < Role.EDITOR:
        return False
    answer = QMessageBox.question(
        parent,
        _("Export all"),
        _(
            "Include people's passport data (passport number, nationality, date of birth, "
            "sex)? The export is put on record either way."
        ),
        QMessageBox.StandardButton.Yes
        | QMessageBox.StandardButton.No
        | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.No,
    )
    if answer == QMessageBox.StandardButton.Cancel:
        return None
    return answer == QMessageBox.StandardButton.Yes


def export_all(
    parent: QWidget,
    database: Database,
    path: str | Path | None = None,
    *,
    sensitive: bool | None = None,
) -> QueryOp[Any] | None:
    """Every record, a sheet per kind, in one workbook (asked for unless given). People's
    passport data goes in only if `sensitive`; None: an editor choosing the file is asked
    (a viewer never exports it)."""
    if sensitive is None:
        sensitive = _ask_personal_data(parent, database) if path is None else False
        if sensitive is None:
            return None
    stem = _("Exchange Desk {date}").format(date=dt.date.today().isoformat())
    target = (
        Path(path)
        if path is not None
        else ask_target(parent, _("Export all"), stem, [(_("Excel workbook (*.xlsx)"), ".xlsx")])
    )
    if target is None:
        return None
    language = active_language()

    def work(database: Database) -> dict[str, int]:
        from exchange_desk.services.exporting import export_all as write_all

        return write_all(database, target, language=language, sensitive=sensitive)

    def done(counts: dict[str, int]) -> None:
        from exchange_desk.services.kinds import kind_named

        remember_folder(target)
        lines = [
            _("{count} {kind}").format(
                count=format_number(count), kind=kind_named(kind).label(count)
            )
            for kind, count in counts.items()
            if count
        ]
        text = _("Every record was exported to {path}:").format(path=isolated(target))
        box = QMessageBox(
            QMessageBox.Icon.Information,
            _("Export all"),
            text + "\n\n" + "\n".join(lines),
            parent=parent,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    return (
        QueryOp(parent, work, database=database)
        .with_progress(_("Exporting every record"))
        .success(done)
        .failure(_failed(parent, _("Export all")))
        .run_in_background()
    )


# --- import templates -----------------------------------------------------------------------------


class TemplateDialog(Retranslating, QDialog):
    """Import template…: a kind and a language, then where to save the empty workbook."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.written: Path | None = None
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.kind_box = QComboBox()
        self.language_box = QComboBox()
        for language in LANGUAGES:
            self.language_box.addItem(language.native_name, language.code)
        self.language_box.setCurrentIndex(max(self.language_box.findData(active_language()), 0))
        self.form = QFormLayout()
        self.form.addRow("", self.kind_box)
        self.form.addRow("", self.language_box)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)
        self.translate_now()

    def retranslate(self) -> None:
        from exchange_desk.services.importing import kind_choices

        self.setWindowTitle(_("Import template"))
        self.explanation.setText(
            _(
                "An empty workbook with the columns the import reads, drop-down lists for "
                "the choices and one example row, to fill in and import."
            )
        )
        current = self.kind_box.currentData()
        self.kind_box.clear()
        for kind, label in kind_choices():
            self.kind_box.addItem(label[:1].upper() + label[1:], kind)
        self.kind_box.setCurrentIndex(max(self.kind_box.findData(current or "partnerships"), 0))
        set_form_labels(
            self.form,
            [(self.kind_box, _("&Records:")), (self.language_box, _("&Language:"))],
        )
        self.save_button.setText(_("&Save…"))

    def kind(self) -> str:
        return str(self.kind_box.currentData())

    def language(self) -> str:
        return str(self.language_box.currentData())

    def save(self, path: str | Path | None = None) -> QueryOp[Any] | None:
        kind, language = self.kind(), self.language()
        stem = _("Import template {kind} ({language})").format(
            kind=self.kind_box.currentText(), language=language
        )
        xlsx = [(_("Excel workbook (*.xlsx)"), ".xlsx")]
        target = (
            Path(path) if path is not None else ask_target(self, _("Import template"), stem, xlsx)
        )
        if target is None:
            return None
        self.save_button.setEnabled(False)

        def work(_database: Database) -> Path:
            from exchange_desk.services.templates import write_template

            return write_template(kind, language, target)

        def done(written: Path) -> None:
            self.written = written
            remember_folder(written)
            parent = self.parentWidget()
            self.accept()
            if parent is not None:
                _tell(parent, _("Template saved as {path}").format(path=isolated(written)))

        def failed(error: BaseException) -> None:
            self.save_button.setEnabled(True)
            _failed(self, _("Import template"))(error)

        return QueryOp(self, work).success(done).failure(failed).run_in_background()


__all__ = [
    "ShownList",
    "TemplateDialog",
    "copy_rows",
    "export_all",
    "export_view",
    "file_name",
    "list_conditions",
    "listed_view",
    "print_list",
    "rows_text",
    "save_list_pdf",
    "shown_columns",
    "without_marks",
]
