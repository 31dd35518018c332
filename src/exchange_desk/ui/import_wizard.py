"""The import wizard (File ▸ Import…): the office's sheets brought in, looked over row by row
before anything is written, then written in one step that Edit ▸ Undo takes back.

Pages, in order:

- *Home city* (only while the office profile has none): partnerships and awards are the home
  city's, so an import into a new database asks for it first, by name and country;
- *File*: the file, read off the GUI thread (`importing.read_import`), its encoding for a CSV
  file, its sheets, and the kind of records when it is not to be detected;
- *Columns*: what each column is read as, per sheet, changed by a drop-down;
- *Preview*: every row and what will happen to it (new, update, duplicate, error), what to do
  with duplicates, and whether rows with errors are left out; the Import button;
- *Done*: what was written, and the backup copy of the database.

Every choice plans the import again in the background (`importing.plan_import`, a read); the
last page writes it (`importing.apply_import`, a write, with progress), and its step goes
into the window's undo history.
"""

from __future__ import annotations

import codecs
import datetime as dt
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSettings,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QGuiApplication,
    QIcon,
    QPainter,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from exchange_desk.domain.errors import ExchangeDeskError
from exchange_desk.i18n.catalog import _, ngettext
from exchange_desk.i18n.formatting import format_conjunction, format_number
from exchange_desk.services.importing import (
    ImportFailed,
    ImportOptions,
    ImportPlan,
    ImportRefused,
    ImportResult,
    OnDuplicate,
    PlannedRow,
    RowStatus,
    SheetFileError,
    SheetPlan,
    apply_import,
    kind_choices,
    plan_import,
    read_import,
    target_choices,
)
from exchange_desk.services.sheet_files import CSV_ENCODINGS, SourceFile
from exchange_desk.ui.bidi import in_own_direction, isolated
from exchange_desk.ui.fields import PROBLEM_COLOR, CountryCombo, Unparseable
from exchange_desk.ui.operations import CollectionOp, QueryOp
from exchange_desk.ui.translated import Retranslating
from exchange_desk.ui.workers import Cancelled

if TYPE_CHECKING:
    from exchange_desk.services.database import Database
    from exchange_desk.ui.undo import UndoHistory

HOME, FILE, COLUMNS, PREVIEW, DONE = range(5)
FOLDER_SETTING = "import/folder"
# What the file dialog offers; the reader tells a file by its content, not by its name.
SUFFIXES = ("*.xlsx", "*.xlsm", "*.xls", "*.ods", "*.csv", "*.txt")
_TEXT_FORMATS = ("csv", "txt")
NOT_IMPORTED = ""  # the "Read as" choice that leaves a column out (None in the options)

# Each status in its colour, with a badge the colour-blind can tell apart by its mark.
_STATUS_COLORS = {
    RowStatus.NEW: QColor("#2e7d32"),
    RowStatus.UPDATE: QColor("#1565c0"),
    RowStatus.DUPLICATE: QColor("#8d6e00"),
    RowStatus.ERROR: QColor(PROBLEM_COLOR),
}
FILTERS = ("all", "errors", "duplicates", "new")
BEGINNING_ROWS = 12  # rows of the sheet shown on the File page


def status_label(status: RowStatus) -> str:
    labels = {
        RowStatus.NEW: _("New"),
        RowStatus.UPDATE: _("Update"),
        RowStatus.DUPLICATE: _("Duplicate"),
        RowStatus.ERROR: _("Error"),
    }
    return labels[status]


def choice_label(choice: OnDuplicate) -> str:
    labels = {
        OnDuplicate.SKIP: _("Skip"),
        OnDuplicate.UPDATE: _("Update it"),
        OnDuplicate.CREATE: _("Create anyway"),
    }
    return labels[choice]


def _badge(status: RowStatus | None, size: int = 16) -> QIcon:
    """A round badge in the status's colour with a white mark: + new, ↑ update, = duplicate,
    ! error, and a tick (status None) for an import done; drawn, so it looks the same on
    every system and at every scale."""
    scale = 3  # drawn large and scaled by Qt: crisp on a high-resolution screen
    unit = 16.0  # the marks are drawn on a 16 × 16 grid
    pixmap = QPixmap(size * scale, size * scale)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(scale * size / unit, scale * size / unit)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(_STATUS_COLORS[status or RowStatus.NEW])
    painter.drawEllipse(QRectF(1, 1, unit - 2, unit - 2))
    pen = QPen(QColor("white"), 1.8)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    middle = unit / 2
    if status is None:
        painter.drawPolyline([QPointF(4.6, 8.4), QPointF(7.0, 10.8), QPointF(11.6, 5.6)])
    elif status is RowStatus.NEW:
        painter.drawLine(QPointF(middle, 4.5), QPointF(middle, unit - 4.5))
        painter.drawLine(QPointF(4.5, middle), QPointF(unit - 4.5, middle))
    elif status is RowStatus.UPDATE:
        painter.drawLine(QPointF(middle, 4.5), QPointF(middle, unit - 4.5))
        painter.drawLine(QPointF(middle, 4.5), QPointF(middle - 3.2, 7.8))
        painter.drawLine(QPointF(middle, 4.5), QPointF(middle + 3.2, 7.8))
    elif status is RowStatus.DUPLICATE:
        painter.drawLine(QPointF(4.8, middle - 2), QPointF(unit - 4.8, middle - 2))
        painter.drawLine(QPointF(4.8, middle + 2), QPointF(unit - 4.8, middle + 2))
    else:
        painter.drawLine(QPointF(middle, 4), QPointF(middle, unit - 7))
        painter.setBrush(QColor("white"))
        painter.drawEllipse(QPointF(middle, unit - 4.3), 0.6, 0.6)
    painter.end()
    return QIcon(pixmap)


def column_letter(index: int) -> str:
    """A column's name as Excel shows it: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def kind_label(kind: str) -> str:
    """The name of the records of `kind`, as a choice starts it: "Partnerships"."""
    label = dict(kind_choices()).get(kind, kind)
    return label[:1].upper() + label[1:]


def _same_codec(first: str | None, second: str | None) -> bool:
    if not first or not second:
        return False
    try:
        return codecs.lookup(first).name == codecs.lookup(second).name
    except LookupError:
        return first == second


def counts_text(plan: ImportPlan) -> str:
    """What the plan does, in a line: "120 new, 3 updates, 2 duplicates skipped, and 1 error"."""
    counts = plan.counts()
    parts = []
    new = counts[RowStatus.NEW]
    if new:
        parts.append(ngettext("{count} new", "{count} new", new).format(count=format_number(new)))
    updates = counts[RowStatus.UPDATE]
    if updates:
        parts.append(
            ngettext("{count} update", "{count} updates", updates).format(
                count=format_number(updates)
            )
        )
    duplicates = counts[RowStatus.DUPLICATE]
    if duplicates:
        parts.append(
            ngettext("{count} duplicate skipped", "{count} duplicates skipped", duplicates).format(
                count=format_number(duplicates)
            )
        )
    errors = counts[RowStatus.ERROR]
    if errors:
        words = (
            ngettext("{count} error left out", "{count} errors left out", errors)
            if plan.options.skip_invalid
            else ngettext("{count} error", "{count} errors", errors)
        )
        parts.append(words.format(count=format_number(errors)))
    if not parts:
        return _("No rows to import.")
    return format_conjunction(parts)


def _cell_text(value: Any) -> str:
    """A raw cell as the sheet shows it (dates as dates, whole numbers without ".0")."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    code = getattr(value, "code", None)  # a formula's error (#REF!)
    return str(code) if isinstance(code, str) else str(value)


def _label(text: str = "", *, wrap: bool = True, plain: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    if plain:
        # What a file holds is never read as markup.
        label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def _problem(label: QLabel) -> QLabel:
    label.setStyleSheet(f"color: {PROBLEM_COLOR};")
    return label


class BusyLine(QWidget):
    """ "Reading the file…" with a moving bar, while the work runs in the background."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.bar.setFixedWidth(120)
        self.bar.setFixedHeight(self.fontMetrics().height() // 2 + 4)
        self.label = _label(wrap=False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.label, 1)
        self.hide()

    def start(self, text: str) -> None:
        self.label.setText(text)
        self.show()

    def stop(self) -> None:
        self.hide()


# --- the wizard ------------------------------------------------------------------------------


class ImportWizard(Retranslating, QWizard):
    """Import a spreadsheet or CSV file into `database`; the import's step goes into
    `history` (the window's undo history) when given."""

    changed = Signal()  # the file, the plan or the busy state changed: pages show it again

    def __init__(
        self,
        database: Database,
        parent: QWidget | None = None,
        *,
        history: UndoHistory | None = None,
        path: str | Path | None = None,
        ask_home_city: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.history = history
        self.path: Path | None = None
        self.encoding: str | None = None  # None: detected
        self.kind: str | None = None  # None: detected per sheet
        self.sheet: str | None = None  # None: every sheet
        self.home_city: str | None = None  # "NAME, CC" when the office has none yet
        self.on_duplicate = OnDuplicate.SKIP
        self.skip_invalid = False
        self.mappings: dict[str, dict[int, str | None]] = {}
        self.choices: dict[tuple[str, int], OnDuplicate] = {}
        self.source: SourceFile | None = None
        self.plan: ImportPlan | None = None
        self.imported: ImportResult | None = None
        self.read_problem = ""  # why the file could not be read (shown on the File page)
        # A text file keeps its encoding's drop-down even when the codec chosen cannot read
        # it: the user then chooses another.
        self.text_file = False
        self.apply_problem = ""  # why the import was refused (shown on the Preview page)
        self.busy = ""  # what runs in the background now ("" when nothing)
        self.applying: CollectionOp[ImportResult] | None = None
        self._generation = 0  # a plan that arrives after a newer one was asked is dropped

        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        if ask_home_city is None:
            ask_home_city = self._office_lacks_home_city()
        self.home_page: HomeCityPage | None = None
        if ask_home_city:
            self.home_page = HomeCityPage(self)
            self.setPage(HOME, self.home_page)
        self.file_page = FilePage(self)
        self.columns_page = ColumnsPage(self)
        self.preview_page = PreviewPage(self)
        self.done_page = DonePage(self)
        self.setPage(FILE, self.file_page)
        self.setPage(COLUMNS, self.columns_page)
        self.setPage(PREVIEW, self.preview_page)
        self.setPage(DONE, self.done_page)
        self.setStartId(HOME if ask_home_city else FILE)
        self.setMinimumSize(760, 560)
        self.resize(1040, 720)
        self.translate_now()
        if path is not None:
            self.file_page.path_edit.setText(str(path))
            self.read_file(Path(path))

    def _office_lacks_home_city(self) -> bool:
        from exchange_desk.services.office import office_profile

        try:
            return office_profile(self.database).home_city_id is None
        except ExchangeDeskError:
            return False  # the plan says so if it matters

    def retranslate(self) -> None:
        self.setWindowTitle(_("Import"))
        # Qt sets its own buttons' texts; the commit button is ours.
        self.setButtonText(QWizard.WizardButton.CommitButton, _("&Import"))
        for page_id in self.pageIds():
            page = self.page(page_id)
            if isinstance(page, _Page):
                page.retranslate()

    # --- what the user chose -------------------------------------------------------------

    def import_options(self) -> ImportOptions:
        return ImportOptions(
            kind=self.kind,
            sheet=self.sheet,
            encoding=self.encoding,
            on_duplicate=self.on_duplicate,
            skip_invalid=self.skip_invalid,
            home_city=self.home_city,
            mappings={sheet: dict(columns) for sheet, columns in self.mappings.items()},
            choices=dict(self.choices),
        )

    def choose_file(self, path: Path, *, again: bool = False) -> None:
        """Another file: everything chosen for the last one is forgotten. The same file is
        read again only when asked (`again`), and never while it is being read."""
        if path == self.path and (self.busy or not again):
            return
        self.encoding = None
        self.sheet = None
        self.text_file = False
        self.mappings.clear()
        self.choices.clear()
        self.read_file(path)

    def read_again(self) -> QueryOp[Any] | None:
        """The same file once more (corrected in Excel meanwhile), with the same choices."""
        if self.path is None or self.busy:
            return None
        return self.read_file(self.path)

    def set_home_city(self, home_city: str | None) -> None:
        if home_city == self.home_city:
            return
        self.home_city = home_city
        self.replan()

    def set_encoding(self, encoding: str | None) -> None:
        if self.path is None or _same_codec(encoding, self.encoding):
            return
        self.encoding = encoding
        self.mappings.clear()
        self.read_file(self.path)

    def set_kind(self, kind: str | None) -> None:
        if kind == self.kind:
            return
        self.kind = kind
        # A column's target belongs to a kind: another kind reads the headers afresh.
        self.mappings.clear()
        self.choices.clear()
        self.replan()

    def set_sheet(self, sheet: str | None) -> None:
        if sheet == self.sheet:
            return
        self.sheet = sheet
        self.replan()

    def set_mapping(self, sheet: str, index: int, key: str | None) -> None:
        self.mappings.setdefault(sheet, {})[index] = key
        self.replan()

    def set_on_duplicate(self, choice: OnDuplicate) -> None:
        if choice is self.on_duplicate:
            return
        self.on_duplicate = choice
        # The general rule is for every duplicate: earlier single choices give way to it.
        self.choices.clear()
        self.replan()

    def set_choices(self, keys: Iterable[tuple[str, int]], choice: OnDuplicate) -> None:
        changed = False
        for key in keys:
            if self.choices.get(key, self.on_duplicate) is not choice:
                self.choices[key] = choice
                changed = True
        if changed:
            self.replan()

    def set_skip_invalid(self, skip: bool) -> None:
        if skip == self.skip_invalid:
            return
        self.skip_invalid = skip
        if self.plan is not None:
            # Leaving error rows out changes no row: the plan stands with the new option.
            self.plan = replace_options(self.plan, replace(self.plan.options, skip_invalid=skip))
            self.apply_problem = ""
            self.changed.emit()

    # --- reading and planning, off the GUI thread ----------------------------------------

    def read_file(self, path: Path) -> QueryOp[Any]:
        """Read `path` and plan its import, in the background."""
        self.path = path
        self.source = None
        self.plan = None
        self.read_problem = ""
        self.apply_problem = ""
        self._generation += 1
        generation = self._generation
        options = self.import_options()

        def work(database: Database) -> tuple[SourceFile, ImportPlan | None, str]:
            source = read_import(path, options)
            try:
                return source, plan_import(database, source, options), ""
            except SheetFileError as exc:
                return source, None, exc.message

        self.busy = _("Reading {name}…").format(name=path.name)
        self.changed.emit()
        return (
            QueryOp(self, work)
            .success(lambda found: self._read(found, generation))
            .failure(lambda error: self._failed(error, generation))
            .run_in_background()
        )

    def replan(self) -> QueryOp[Any] | None:
        """Plan the import again with what is chosen now, in the background."""
        source = self.source
        if source is None:
            return None
        self._generation += 1
        generation = self._generation
        options = self.import_options()
        self.apply_problem = ""

        def work(database: Database) -> tuple[SourceFile, ImportPlan | None, str]:
            try:
                return source, plan_import(database, source, options), ""
            except SheetFileError as exc:
                return source, None, exc.message

        self.busy = _("Checking the rows…")
        self.changed.emit()
        return (
            QueryOp(self, work)
            .success(lambda found: self._read(found, generation))
            .failure(lambda error: self._failed(error, generation))
            .run_in_background()
        )

    def _read(self, found: tuple[SourceFile, ImportPlan | None, str], generation: int) -> None:
        if generation != self._generation:
            return  # a newer read or plan is on its way
        self.busy = ""
        self.source, self.plan, self.read_problem = found
        self.text_file = self.source.format in _TEXT_FORMATS
        self.changed.emit()

    def _failed(self, error: BaseException, generation: int) -> None:
        if generation != self._generation:
            return
        self.busy = ""
        self.plan = None
        if isinstance(error, SheetFileError):
            self.source = None
            self.read_problem = error.message
        elif isinstance(error, ExchangeDeskError):
            self.read_problem = error.user_message()
        else:
            from exchange_desk.ui.errors import report_failure

            self.read_problem = _("The file could not be read.")
            report_failure(error, self)
        self.changed.emit()

    # --- writing -------------------------------------------------------------------------

    def start_import(self) -> CollectionOp[ImportResult] | None:
        """Write the plan, with progress; the Done page follows once it is written."""
        plan = self.plan
        if plan is None or self.applying is not None or self.busy:
            return None
        operation: CollectionOp[ImportResult]

        def work(database: Database) -> ImportResult:
            def progress(done: int, total: int) -> None:
                operation.report(
                    _("Writing record {done} of {total}").format(
                        done=format_number(done), total=format_number(total)
                    )
                )

            return apply_import(database, plan, progress=progress)

        self.busy = _("Importing…")
        self.apply_problem = ""
        self.changed.emit()
        operation = (
            CollectionOp(self, work)
            .with_progress(_("Importing {name}").format(name=plan.path.name), cancellable=True)
            .success(self._imported)
            .failure(self._not_imported)
        )
        self.applying = operation
        return operation.run_in_background()

    def _imported(self, result: ImportResult) -> None:
        self.applying = None
        self.busy = ""
        self.imported = result
        if self.history is not None and result.step is not None:
            self.history.push(result.step)
        self.changed.emit()
        # On to the Done page (from the Preview page, or wherever Back led meanwhile).
        for _step in range(len(self.pageIds())):
            if self.currentId() in (DONE, -1):
                break
            self.next()

    def _not_imported(self, error: BaseException) -> None:
        self.applying = None
        self.busy = ""
        if isinstance(error, Cancelled):
            self.apply_problem = _("Cancelled: nothing was imported.")
        elif isinstance(error, ImportRefused | ImportFailed):
            self.apply_problem = error.user_message()
        elif isinstance(error, ExchangeDeskError):
            self.apply_problem = error.user_message()
            from exchange_desk.ui.errors import report_failure

            report_failure(error, self)
        else:
            from exchange_desk.ui.errors import report_failure

            self.apply_problem = _("Nothing was imported.")
            report_failure(error, self)
        self.changed.emit()

    def reject(self) -> None:
        # Half an import cannot be walked away from: it is written whole or not at all.
        if self.applying is not None:
            return
        super().reject()


def replace_options(plan: ImportPlan, options: ImportOptions) -> ImportPlan:
    """`plan` with other options (a plan is a plain dataclass: its rows are shared)."""
    return replace(plan, options=options)


# --- pages -----------------------------------------------------------------------------------


class _Page(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.importer = wizard
        wizard.changed.connect(self._changed)

    def retranslate(self) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        """Show the wizard's state (the plan, what runs)."""

    def _changed(self) -> None:
        self.refresh()
        self.completeChanged.emit()


class HomeCityPage(_Page):
    """The office's own city, asked once: partnerships and awards are the home city's."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.explanation = _label()
        self.name_edit = QLineEdit()
        self.name_edit.setMinimumWidth(280)
        self.name_edit.setMaximumWidth(460)
        self.name_edit.textEdited.connect(self._name_typed)
        self.country = CountryCombo()
        self.country.setMaximumWidth(460)
        self.country.currentIndexChanged.connect(self._country_chosen)
        line = self.country.lineEdit()
        assert line is not None
        line.textEdited.connect(self._country_chosen)
        self._country_by_hand = False
        self.name_label = QLabel()
        self.name_label.setBuddy(self.name_edit)
        self.country_label = QLabel()
        self.country_label.setBuddy(self.country)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.name_label, self.name_edit)
        form.addRow(self.country_label, self.country)
        self.hint = _label()
        self.hint.setStyleSheet("color: palette(placeholder-text);")
        self.problem = _problem(_label())
        self.problem.hide()
        self.profile_button = QPushButton()
        self.profile_button.setAutoDefault(False)
        self.profile_button.clicked.connect(self.fill_in_profile)
        self.profile_note = _label()
        self.profile_note.hide()
        alternative = QHBoxLayout()
        self.or_label = _label(wrap=False)
        alternative.addWidget(self.or_label)
        alternative.addWidget(self.profile_button)
        alternative.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.problem)
        layout.addSpacing(16)
        layout.addLayout(alternative)
        layout.addWidget(self.profile_note)
        layout.addStretch(1)
        self.from_profile = False

    def retranslate(self) -> None:
        self.setTitle(_("Your city"))
        self.setSubTitle(_("The partner cities in the file are your city’s partners."))
        self.explanation.setText(
            _(
                "The office profile does not name your city yet. Partnerships and awards "
                "are your city’s, so the import needs to know which city it is. It is "
                "added to the database if it is not there."
            )
        )
        self.name_label.setText(_("City na&me:"))
        self.country_label.setText(_("&Country:"))
        self.name_edit.setPlaceholderText(_("济南, Jinan or ג'ינאן"))
        self.hint.setText(
            _(
                "Type the name in Chinese, English or Hebrew; the other names can be added "
                "later. You may leave it empty if the file holds no partnerships or awards."
            )
        )
        self.or_label.setText(_("Or:"))
        self.profile_button.setText(_("Fill in the whole office &profile…"))

    def _name_typed(self, text: str) -> None:
        if self._country_by_hand:
            return
        from exchange_desk.services.cell_values import script_of

        # A Chinese name is most likely a Chinese city, a Hebrew one an Israeli city.
        country = {"zh": "CN", "he": "IL"}.get(script_of(text) or "")
        self.country.blockSignals(True)
        self.country.set_value(country)
        self.country.blockSignals(False)
        self.completeChanged.emit()

    def _country_chosen(self, *_args: Any) -> None:
        self._country_by_hand = True
        self.completeChanged.emit()

    def country_code(self) -> str | None:
        """The chosen country's code; None when none or not one of the list."""
        try:
            return self.country.value() or None
        except Unparseable:
            return None

    def home_city(self) -> str | None:
        name = self.name_edit.text().strip()
        if self.from_profile or not name:
            return None
        code = self.country_code()
        return f"{name}, {code}" if code else name

    def isComplete(self) -> bool:
        if self.from_profile or not self.name_edit.text().strip():
            self.problem.hide()
            return True
        if self.country_code() is None:
            self.problem.setText(_("Choose the country of your city."))
            self.problem.show()
            return False
        self.problem.hide()
        return True

    def validatePage(self) -> bool:
        self.importer.set_home_city(self.home_city())
        return True

    def fill_in_profile(self) -> None:
        """The Office profile dialog instead: its home city then counts."""
        from exchange_desk.services.office import office_profile
        from exchange_desk.services.records import names_of
        from exchange_desk.ui.profile_dialog import edit_office_profile

        if not edit_office_profile(self, self.importer.database):
            return
        try:
            city_id = office_profile(self.importer.database).home_city_id
            name = names_of(self.importer.database, "cities", city_id).best() if city_id else ""
        except ExchangeDeskError:
            return
        if city_id is None:
            return
        self.from_profile = True
        self.importer.home_city = None
        for widget in (self.name_edit, self.country, self.name_label, self.country_label):
            widget.setEnabled(False)
        self.profile_note.setText(
            _("Your city is {city}, as the office profile now says.").format(city=name)
        )
        self.profile_note.show()
        self.completeChanged.emit()


class FilePage(_Page):
    """The file, its encoding (CSV), its sheets and the kind of records in them."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.explanation = _label()
        self.path_edit = QLineEdit()
        # A path typed or pasted is read once it is complete: on Enter (again, after the
        # file was corrected) or on leaving the field.
        self.path_edit.returnPressed.connect(lambda: self._path_typed(again=True))
        self.path_edit.editingFinished.connect(self._path_typed)
        self.browse_button = QPushButton()
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self.browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.browse_button)
        self.file_field = QWidget()
        self.file_field.setLayout(file_row)
        file_row.setContentsMargins(0, 0, 0, 0)
        self.file_field.setFocusProxy(self.path_edit)
        self.about_file = _label(wrap=False)
        self.read_problem = _problem(_label())
        self.busy = BusyLine()

        self.encoding_box = QComboBox()
        self.encoding_box.activated.connect(self._encoding_chosen)
        self.encoding_note = _label(wrap=False)
        self.encoding_note.setStyleSheet("color: palette(placeholder-text);")
        encoding_row = QHBoxLayout()
        encoding_row.setContentsMargins(0, 0, 0, 0)
        encoding_row.addWidget(self.encoding_box)
        encoding_row.addWidget(self.encoding_note, 1)
        self.encoding_field = QWidget()
        self.encoding_field.setLayout(encoding_row)
        self.encoding_field.setFocusProxy(self.encoding_box)

        self.sheet_box = QComboBox()
        self.sheet_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.sheet_box.activated.connect(self._sheet_chosen)
        self.kind_box = QComboBox()
        self.kind_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.kind_box.activated.connect(self._kind_chosen)

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.file_label = QLabel()
        self.file_label.setBuddy(self.path_edit)
        self.encoding_label = QLabel()
        self.encoding_label.setBuddy(self.encoding_box)
        self.sheet_label = QLabel()
        self.sheet_label.setBuddy(self.sheet_box)
        self.kind_label = QLabel()
        self.kind_label.setBuddy(self.kind_box)
        self.form.addRow(self.file_label, self.file_field)
        self.form.addRow("", self.about_file)
        self.form.addRow(self.encoding_label, self.encoding_field)
        self.form.addRow(self.sheet_label, self.sheet_box)
        self.form.addRow(self.kind_label, self.kind_box)

        self.found_title = QLabel()
        font = self.found_title.font()
        font.setBold(True)
        self.found_title.setFont(font)
        self.found = QLabel()
        self.found.setTextFormat(Qt.TextFormat.RichText)
        self.found.setWordWrap(True)
        self.found.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeading)
        # The top of the sheet as the file has it: the user sees which row was taken as the
        # header and which title rows are left out, before anything else.
        self.beginning_title = _label()
        self.beginning = QTableWidget()
        self.beginning.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.beginning.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.beginning.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.beginning.setWordWrap(False)
        self.beginning.verticalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter
        )
        self.beginning.horizontalHeader().setHighlightSections(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addSpacing(6)
        layout.addLayout(self.form)
        layout.addWidget(self.busy)
        layout.addWidget(self.read_problem)
        layout.addSpacing(10)
        layout.addWidget(self.found_title)
        layout.addWidget(self.found)
        layout.addWidget(self.beginning_title)
        layout.addWidget(self.beginning, 1)

    def retranslate(self) -> None:
        self.setTitle(_("Choose the file"))
        self.setSubTitle(_("Nothing is written to the database before you press Import."))
        self.explanation.setText(
            _(
                "An Excel workbook (.xlsx, .xlsm, .xls), an OpenDocument sheet (.ods) or a "
                "CSV text file. A title, notes and empty rows above the table are fine: the "
                "header row is found by its column names, in Chinese, English or Hebrew."
            )
        )
        self.file_label.setText(_("&File:"))
        self.browse_button.setText(_("&Browse…"))
        self.path_edit.setPlaceholderText(_("The office's sheet"))
        self.encoding_label.setText(_("&Encoding:"))
        self.sheet_label.setText(_("&Sheet:"))
        self.kind_label.setText(_("&Records:"))
        self.found_title.setText(_("What the file holds"))
        self.refresh()

    def browse(self) -> None:
        settings = QSettings()
        folder = str(settings.value(FOLDER_SETTING, str(Path.home())))
        filters = ";;".join(
            (
                _("Sheets and CSV files ({patterns})").format(patterns=" ".join(SUFFIXES)),
                _("All files (*)"),
            )
        )
        path, _chosen = QFileDialog.getOpenFileName(self, _("Import"), folder, filters)
        if not path:
            return
        settings.setValue(FOLDER_SETTING, str(Path(path).parent))
        self.path_edit.setText(str(Path(path)))
        self.importer.choose_file(Path(path))

    def _path_typed(self, *, again: bool = False) -> None:
        # A field loses its focus when its window closes too: that is no new choice.
        if not self.isVisible():
            return
        text = self.path_edit.text().strip().strip('"')
        if text:
            self.importer.choose_file(Path(text), again=again)

    def _encoding_chosen(self, index: int) -> None:
        self.importer.set_encoding(self.encoding_box.itemData(index))

    def _sheet_chosen(self, index: int) -> None:
        self.importer.set_sheet(self.sheet_box.itemData(index))

    def _kind_chosen(self, index: int) -> None:
        self.importer.set_kind(self.kind_box.itemData(index))

    def refresh(self) -> None:
        wizard = self.importer
        source, plan = wizard.source, wizard.plan
        if wizard.busy:
            self.busy.start(wizard.busy)
        else:
            self.busy.stop()
        self.read_problem.setText(wizard.read_problem)
        self.read_problem.setVisible(bool(wizard.read_problem))
        self.about_file.setText(self._about(source))
        self.about_file.setVisible(source is not None)
        self._fill_encodings(source)
        self.form.setRowVisible(self.encoding_field, wizard.text_file)
        sheets = [sheet.name for sheet in source.sheets] if source is not None else []
        self._fill(self.sheet_box, [(None, _("All sheets"))] + [(name, name) for name in sheets])
        self.sheet_box.setCurrentIndex(max(self.sheet_box.findData(wizard.sheet), 0))
        self.form.setRowVisible(self.sheet_box, len(sheets) > 1)
        kinds = [(None, _("Detected automatically"))] + [
            (kind, kind_label(kind)) for kind, _label in kind_choices()
        ]
        self._fill(self.kind_box, kinds)
        self.kind_box.setCurrentIndex(max(self.kind_box.findData(wizard.kind), 0))
        self.found.setText(self._found(plan))
        self.found_title.setVisible(plan is not None)
        self._show_beginning(source, plan)

    @staticmethod
    def _fill(box: QComboBox, items: Sequence[tuple[Any, str]]) -> None:
        current = [(box.itemData(i), box.itemText(i)) for i in range(box.count())]
        if current == list(items):
            return
        box.blockSignals(True)
        box.clear()
        for data, text in items:
            box.addItem(text, data)
        box.blockSignals(False)

    def _fill_encodings(self, source: SourceFile | None) -> None:
        items: list[tuple[Any, str]] = [(codec, _(label)) for codec, label in CSV_ENCODINGS]
        used = source.encoding if source is not None else self.importer.encoding
        if used and not any(_same_codec(used, codec) for codec, _label in items):
            items.append((used, used))
        self._fill(self.encoding_box, items)
        index = next((i for i, (codec, _text) in enumerate(items) if _same_codec(codec, used)), -1)
        self.encoding_box.setCurrentIndex(index)
        if source is None:
            self.encoding_note.setText(_("Choose another if the names look wrong.") if used else "")
        elif source.encoding_guessed:
            self.encoding_note.setText(
                _("Detected automatically. Choose another if the names look wrong.")
            )
        else:
            self.encoding_note.setText(_("As you chose."))

    def _show_beginning(self, source: SourceFile | None, plan: ImportPlan | None) -> None:
        """The first rows of the sheet shown (the one chosen, else the first with records),
        its header row in bold and the rows left out in grey."""
        sheet_plan = None
        if plan is not None and plan.sheets:
            sheet_plan = next(
                (s for s in plan.sheets if s.sheet == self.importer.sheet), plan.sheets[0]
            )
        raw = None
        if source is not None and source.sheets:
            wanted = sheet_plan.sheet if sheet_plan is not None else source.sheets[0].name
            raw = next((s for s in source.sheets if s.name == wanted), source.sheets[0])
        self.beginning.setVisible(raw is not None)
        self.beginning_title.setVisible(raw is not None)
        if raw is None:
            return
        header_row = sheet_plan.header_row if sheet_plan is not None else 0
        rows = raw.rows[: max(BEGINNING_ROWS, header_row + 5)]
        width = min(max((len(r) for r in rows), default=0), 40)
        self.beginning_title.setText(
            _("The beginning of sheet {sheet}, as the file has it:").format(sheet=raw.name)
        )
        table = self.beginning
        table.clear()
        table.setRowCount(len(rows))
        table.setColumnCount(width)
        table.setHorizontalHeaderLabels([column_letter(c) for c in range(width)])
        table.setVerticalHeaderLabels([str(n + 1) for n in range(len(rows))])
        right_to_left = self.isRightToLeft()
        bold = QFont(table.font())
        bold.setBold(True)
        grey = QBrush(QColor(130, 130, 130))
        header_back = QBrush(QColor(226, 236, 250))
        skipped = set(sheet_plan.skipped_rows) if sheet_plan is not None else set()
        for number, cells in enumerate(rows, start=1):
            for col in range(min(len(cells), width)):
                value = cells[col]
                item = QTableWidgetItem(in_own_direction(_cell_text(value), right_to_left))
                if number == header_row:
                    item.setFont(bold)
                    item.setBackground(header_back)
                elif number < header_row or number in skipped:
                    item.setForeground(grey)
                table.setItem(number - 1, col, item)
        header = table.horizontalHeader()
        header.setResizeContentsPrecision(len(rows))
        table.resizeColumnsToContents()
        for col in range(width):
            header.resizeSection(col, min(max(header.sectionSize(col), 48), 220))
        table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)

    @staticmethod
    def _about(source: SourceFile | None) -> str:
        if source is None:
            return ""
        formats = {
            "xlsx": _("Excel workbook"),
            "xlsm": _("Excel workbook with macros"),
            "xlsb": _("Excel binary workbook"),
            "xls": _("Excel 97–2003 workbook"),
            "ods": _("OpenDocument spreadsheet"),
            "csv": _("CSV text file"),
            "txt": _("Text file"),
        }
        kind = formats.get(source.format, source.format)
        count = len(source.sheets)
        sheets = ngettext("{count} sheet", "{count} sheets", count).format(count=count)
        return _("{format}, {sheets}").format(format=kind, sheets=sheets)

    @staticmethod
    def _found(plan: ImportPlan | None) -> str:
        if plan is None:
            return ""
        items = []
        for sheet in plan.sheets:
            rows = len(sheet.rows)
            line = _("{kind}: {rows}, the header in row {header}").format(
                kind=kind_label(sheet.kind),
                rows=ngettext("{count} row", "{count} rows", rows).format(
                    count=format_number(rows)
                ),
                header=sheet.header_row,
            )
            items.append(f"<li><b>{html.escape(sheet.sheet)}</b> — {html.escape(line)}</li>")
        for name in plan.ignored_sheets:
            note = _("not read: no table of records was recognised on it")
            items.append(
                f"<li><span style='color: palette(placeholder-text)'>{html.escape(name)} — "
                f"{html.escape(note)}</span></li>"
            )
        problems = "".join(
            f"<p style='color: {PROBLEM_COLOR}'>{html.escape(problem)}</p>"
            for problem in plan.problems
        )
        return f"<ul style='margin-left: 0'>{''.join(items)}</ul>{problems}"

    def isComplete(self) -> bool:
        wizard = self.importer
        return not wizard.busy and wizard.plan is not None and bool(wizard.plan.sheets)


class ColumnsPage(_Page):
    """What each column is read as, per sheet: recognised, remembered, or chosen here."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.explanation = _label()
        self.tabs = QTabWidget()
        self.tabs.setTabBarAutoHide(True)  # one sheet: no tab to choose
        self.tabs.setDocumentMode(True)
        self.busy = BusyLine()
        self.problems = _problem(_label())
        self.tables: dict[str, QTableWidget] = {}
        self.headings: dict[str, QLabel] = {}
        self._shape: list[tuple[str, str, int]] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.problems)
        layout.addWidget(self.busy)

    def retranslate(self) -> None:
        self.setTitle(_("Columns"))
        self.setSubTitle(_("Check what each column of the sheet is read as."))
        self.explanation.setText(
            _(
                "Columns whose header was recognised are set already. Choose what a column "
                "holds in “Read as”, or “(not imported)” to leave it out. Your choices are "
                "remembered for the next file with the same columns."
            )
        )
        self._shape = []  # headers and drop-downs in the new language
        self.refresh()

    def refresh(self) -> None:
        wizard = self.importer
        plan = wizard.plan
        if wizard.busy:
            self.busy.start(wizard.busy)
        else:
            self.busy.stop()
        problems = plan.problems if plan is not None else []
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
        if plan is None:
            return
        shape = [(sheet.sheet, sheet.kind, len(sheet.columns)) for sheet in plan.sheets]
        if shape != self._shape:
            self._rebuild(plan.sheets)
            self._shape = shape
        for sheet in plan.sheets:
            self._show_sheet(sheet)

    def _rebuild(self, sheets: Sequence[SheetPlan]) -> None:
        current = self.tabs.currentIndex()
        self.tabs.clear()
        self.tables.clear()
        self.headings.clear()
        for sheet in sheets:
            page = QWidget()
            heading = _label()
            table = QTableWidget(len(sheet.columns), 4)
            table.setHorizontalHeaderLabels(
                [_("Column in the file"), _("First values"), _("Read as"), _("Note")]
            )
            table.verticalHeader().setVisible(False)
            table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setWordWrap(False)
            table.setAlternatingRowColors(True)
            header = table.horizontalHeader()
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
            header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
            header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
            choices = [(NOT_IMPORTED, _("(not imported)")), *target_choices(sheet.kind)]
            height = combo_height(table)
            for row, column in enumerate(sheet.columns):
                combo = QComboBox()
                combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
                for key, label in choices:
                    combo.addItem(label, key)
                combo.setProperty("column", column.index)
                combo.activated.connect(
                    lambda _i, box=combo, name=sheet.sheet: self._chosen(name, box)
                )
                table.setCellWidget(row, 2, combo)
            # A row as tall as its drop-down, so that nothing is cut.
            table.verticalHeader().setDefaultSectionSize(
                max(table.verticalHeader().defaultSectionSize(), height + 6)
            )
            box = QVBoxLayout(page)
            box.setContentsMargins(0, 6, 0, 0)
            box.addWidget(heading)
            box.addWidget(table, 1)
            self.tables[sheet.sheet] = table
            self.headings[sheet.sheet] = heading
            self.tabs.addTab(page, sheet.sheet)
        if 0 <= current < self.tabs.count():
            self.tabs.setCurrentIndex(current)

    def _show_sheet(self, sheet: SheetPlan) -> None:
        table = self.tables[sheet.sheet]
        skipped = len(sheet.skipped_rows)
        heading = _("Sheet {sheet}: {kind}, the header in row {row}.").format(
            sheet=sheet.sheet, kind=kind_label(sheet.kind), row=sheet.header_row
        )
        if skipped:
            heading += " " + ngettext(
                "{count} row of title or notes is left out.",
                "{count} rows of titles or notes are left out.",
                skipped,
            ).format(count=skipped)
        self.headings[sheet.sheet].setText(heading)
        chosen = self.importer.mappings.get(sheet.sheet, {})
        for row, column in enumerate(sheet.columns):
            name = column.header or _("(no header)")
            item = QTableWidgetItem(f"{column_letter(column.index)}   {name}")
            item.setToolTip(name)
            table.setItem(row, 0, item)
            values = [
                cells[column.index]
                for cells in sheet.samples
                if column.index < len(cells) and cells[column.index]
            ]
            shown = QTableWidgetItem(in_own_direction(" · ".join(values), self.isRightToLeft()))
            shown.setToolTip("\n".join(values))
            shown.setForeground(QBrush(QColor(105, 105, 105)))
            table.setItem(row, 1, shown)
            combo = table.cellWidget(row, 2)
            assert isinstance(combo, QComboBox)
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(column.target or NOT_IMPORTED), 0))
            combo.blockSignals(False)
            how, color = self._how(column.target, column.remembered, column.index in chosen)
            state = QTableWidgetItem(how)
            state.setForeground(QBrush(color))
            table.setItem(row, 3, state)
        if not self.isVisible() or table.property("sized"):
            return
        table.resizeColumnToContents(0)
        table.setColumnWidth(0, min(max(table.columnWidth(0), 140), 260))
        table.setProperty("sized", True)

    @staticmethod
    def _how(target: str | None, remembered: bool, chosen: bool) -> tuple[str, QColor]:
        if chosen:
            return _("your choice"), QColor("#1565c0")
        if remembered:
            return _("remembered from last time"), QColor("#1565c0")
        if target:
            return _("recognised"), QColor("#2e7d32")
        return _("not recognised: not imported"), QColor("#8d6e00")

    def _chosen(self, sheet: str, box: QComboBox) -> None:
        key = box.currentData()
        self.importer.set_mapping(sheet, int(box.property("column")), key or None)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.importer.plan is not None:
            for sheet in self.importer.plan.sheets:
                if sheet.sheet in self.tables:
                    self._show_sheet(sheet)

    def isComplete(self) -> bool:
        wizard = self.importer
        return not wizard.busy and wizard.plan is not None


def combo_height(parent: QWidget) -> int:
    probe = QComboBox(parent)
    height = probe.sizeHint().height()
    probe.deleteLater()
    return height


# --- the preview's rows ----------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    """A row of the preview, with its texts made once (10,000 rows scroll without work)."""

    sheet: str
    planned: PlannedRow
    messages: str
    tooltip: str
    summary: str


SHEET, ROW, STATUS, RECORD, ACTION, MESSAGES = range(6)
CHOICE_ROLE = Qt.ItemDataRole.UserRole + 1  # a duplicate row's choices: [(value, label)]
KEY_ROLE = Qt.ItemDataRole.UserRole + 2  # (sheet, row number)
_Index = QModelIndex | QPersistentModelIndex


class PlanRowsModel(QAbstractTableModel):
    """The preview's rows: number, status, record, what to do if already there, messages;
    filtered to all rows, errors, duplicates or new ones."""

    choice_changed = Signal(object, object)  # (sheet, row number), OnDuplicate

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines: list[_Line] = []
        self.visible: list[int] = []
        self.shown = "all"
        self.columns: list[int] = [ROW, STATUS, RECORD, ACTION, MESSAGES]
        self._icons = {status: _badge(status) for status in RowStatus}
        self._labels: dict[RowStatus, str] = {}
        self._choices: dict[OnDuplicate, str] = {}
        self._red = QBrush(QColor(PROBLEM_COLOR))
        self._bold = QFont()
        self._bold.setBold(True)
        self._right_to_left = False
        self.retranslate()

    def retranslate(self) -> None:
        self._labels = {status: status_label(status) for status in RowStatus}
        self._choices = {choice: choice_label(choice) for choice in OnDuplicate}
        self._right_to_left = QGuiApplication.isRightToLeft()
        if self.columnCount():
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)

    def set_plan(self, plan: ImportPlan | None) -> None:
        self.beginResetModel()
        self.lines = []
        several = plan is not None and len(plan.sheets) > 1
        self.columns = ([SHEET] if several else []) + [ROW, STATUS, RECORD, ACTION, MESSAGES]
        for sheet in plan.sheets if plan is not None else []:
            for row in sheet.rows:
                self.lines.append(self._line(sheet.sheet, row))
        self._filter()
        self.endResetModel()

    def _line(self, sheet: str, row: PlannedRow) -> _Line:
        parts = [*row.problems]
        if row.match is not None:
            parts.append(row.match.describe())
        parts.extend(row.notes)
        tooltip = "\n".join(f"• {part}" for part in parts)
        direction = self._right_to_left
        summary = row.summary
        if row.status is RowStatus.ERROR:
            # What could be read of a row in error says little ("2015"): its own cells
            # tell the user which row of the sheet it is.
            summary = " · ".join([cell for cell in row.cells if cell.strip()][:3]) or summary
        return _Line(
            sheet,
            row,
            in_own_direction("; ".join(parts), direction),
            tooltip,
            in_own_direction(summary, direction),
        )

    def show_only(self, shown: str) -> None:
        self.beginResetModel()
        self.shown = shown
        self._filter()
        self.endResetModel()

    def _filter(self) -> None:
        shown = self.shown

        def wanted(line: _Line) -> bool:
            if shown == "errors":
                return line.planned.status is RowStatus.ERROR
            if shown == "duplicates":
                return line.planned.match is not None
            if shown == "new":
                return line.planned.status is RowStatus.NEW
            return True

        self.visible = [i for i, line in enumerate(self.lines) if wanted(line)]

    def line(self, row: int) -> _Line:
        return self.lines[self.visible[row]]

    def key(self, row: int) -> tuple[str, int]:
        line = self.line(row)
        return line.sheet, line.planned.row

    def row_of(self, key: tuple[str, int]) -> int | None:
        for row, index in enumerate(self.visible):
            line = self.lines[index]
            if (line.sheet, line.planned.row) == key:
                return row
        return None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.visible)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < len(self.columns):
            return None
        headers = {
            SHEET: _("Sheet"),
            ROW: _("Row"),
            STATUS: _("Status"),
            RECORD: _("Record"),
            ACTION: _("If already there"),
            MESSAGES: _("Messages"),
        }
        return headers[self.columns[section]]

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if (
            index.isValid()
            and self.columns[index.column()] == ACTION
            and self.line(index.row()).planned.match is not None
        ):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line = self.line(index.row())
        planned = line.planned
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == SHEET:
                return line.sheet
            if column == ROW:
                return format_number(planned.row)
            if column == STATUS:
                return self._labels[planned.status]
            if column == RECORD:
                return line.summary
            if column == ACTION:
                return self._choices[planned.choice] if planned.match is not None else ""
            return line.messages
        if role == Qt.ItemDataRole.DecorationRole and column == STATUS:
            return self._icons[planned.status]
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == STATUS:
                return QBrush(_STATUS_COLORS[planned.status])
            if column == MESSAGES and planned.problems:
                return self._red
            return None
        if role == Qt.ItemDataRole.FontRole and column == STATUS:
            return self._bold if planned.status is RowStatus.ERROR else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == ROW:
            return int(Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column in (MESSAGES, RECORD, ACTION):
            return line.tooltip or None
        if role == Qt.ItemDataRole.EditRole and column == ACTION:
            return str(planned.choice)
        if role == CHOICE_ROLE:
            return [(str(choice), self._choices[choice]) for choice in self.choices_for(planned)]
        if role == KEY_ROLE:
            return (line.sheet, planned.row)
        return None

    @staticmethod
    def choices_for(planned: PlannedRow) -> list[OnDuplicate]:
        if planned.match is None:
            return []
        if planned.match.record_id is None:
            # The same as an earlier row of the file: nothing stored yet to update.
            return [OnDuplicate.SKIP, OnDuplicate.CREATE]
        return list(OnDuplicate)

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        if self.columns[index.column()] != ACTION:
            return False
        line = self.line(index.row())
        if line.planned.match is None:
            return False
        choice = OnDuplicate(str(value))
        if choice is not line.planned.choice:
            self.choice_changed.emit((line.sheet, line.planned.row), choice)
        return True


class ChoiceDelegate(QStyledItemDelegate):
    """A drop-down in a duplicate's "If already there" cell (painting is Qt's own)."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        combo = QComboBox(parent)
        for value, label in index.data(CHOICE_ROLE) or []:
            combo.addItem(label, value)
        # One pick is the whole edit: the choice is sent at once, not when focus leaves.
        combo.activated.connect(lambda _i, box=combo: self._picked(box))
        return combo

    def _picked(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo, QStyledItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        combo = cast(QComboBox, editor)
        combo.setCurrentIndex(max(combo.findData(index.data(Qt.ItemDataRole.EditRole)), 0))

    def setModelData(self, editor: QWidget, model: Any, index: _Index) -> None:
        combo = cast(QComboBox, editor)
        model.setData(index, combo.currentData(), Qt.ItemDataRole.EditRole)


class PreviewPage(_Page):
    """Every row and what the import will do with it; the Import button."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setCommitPage(True)
        self.counts = _label()
        font = self.counts.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.counts.setFont(font)
        self.problem_box = QFrame()
        self.problem_box.setObjectName("planProblems")
        self.problem_box.setStyleSheet(
            f"QFrame#planProblems {{ border: 1px solid {PROBLEM_COLOR}; border-radius: 3px;"
            " background: #fdecea; }"
        )
        self.problem_icon = QLabel()
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
        self.problem_icon.setPixmap(icon.pixmap(QSize(24, 24)))
        self.problem_icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.problem_text = _problem(_label())
        problem_layout = QHBoxLayout(self.problem_box)
        problem_layout.addWidget(self.problem_icon)
        problem_layout.addWidget(self.problem_text, 1)
        self.problem_box.hide()

        self.rule_label = QLabel()
        self.rule_box = QComboBox()
        self.rule_label.setBuddy(self.rule_box)
        self.rule_box.activated.connect(
            lambda i: wizard.set_on_duplicate(OnDuplicate(self.rule_box.itemData(i)))
        )
        self.skip_box = QCheckBox()
        self.skip_box.toggled.connect(wizard.set_skip_invalid)
        options = QHBoxLayout()
        options.addWidget(self.rule_label)
        options.addWidget(self.rule_box)
        options.addSpacing(24)
        options.addWidget(self.skip_box)
        options.addStretch(1)

        self.show_label = QLabel()
        self.show_box = QComboBox()
        self.show_label.setBuddy(self.show_box)
        self.show_box.activated.connect(lambda i: self._show_only(self.show_box.itemData(i)))
        self.selected_label = QLabel()
        self.choice_buttons: dict[OnDuplicate, QPushButton] = {}
        self.again_button = QPushButton()
        self.again_button.setAutoDefault(False)
        self.again_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload))
        self.again_button.clicked.connect(wizard.read_again)
        filters = QHBoxLayout()
        filters.addWidget(self.show_label)
        filters.addWidget(self.show_box)
        filters.addSpacing(12)
        filters.addWidget(self.again_button)
        filters.addStretch(1)
        filters.addWidget(self.selected_label)
        for choice in OnDuplicate:
            button = QPushButton()
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, c=choice: self.choose_for_selected(c))
            self.choice_buttons[choice] = button
            filters.addWidget(button)

        self.model = PlanRowsModel(self)
        self.model.choice_changed.connect(lambda key, choice: wizard.set_choices([key], choice))
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(ChoiceDelegate(self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setTabKeyNavigation(False)
        self.view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vertical = self.view.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # 10,000 rows, no measuring
        vertical.setDefaultSectionSize(max(self.fontMetrics().height() + 10, 24))
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)

        self.view.selectionModel().currentRowChanged.connect(lambda *_a: self._show_details())
        # The current row's messages in full: a cell shows only the start of a long one.
        self.details = QLabel()
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setWordWrap(True)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeading)
        self.details.setMinimumHeight(self.fontMetrics().lineSpacing() * 3 + 8)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.busy = BusyLine()
        self.reason = _label()
        self.reason.setStyleSheet(f"color: {PROBLEM_COLOR};")
        layout = QVBoxLayout(self)
        layout.addWidget(self.counts)
        layout.addWidget(self.problem_box)
        layout.addLayout(options)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.details)
        layout.addWidget(self.busy)
        layout.addWidget(self.reason)
        self._plan_shown: ImportPlan | None = None

    def retranslate(self) -> None:
        self.setTitle(_("Preview"))
        self.setSubTitle(_("What the import will do with each row. Nothing is written yet."))
        self.rule_label.setText(_("&When a record is already there:"))
        self._fill(
            self.rule_box,
            [
                (str(OnDuplicate.SKIP), _("Skip the row")),
                (str(OnDuplicate.UPDATE), _("Update the record")),
            ],
        )
        self.skip_box.setText(_("Import the valid rows, lea&ve out rows with errors"))
        self.show_label.setText(_("&Show:"))
        self._fill(
            self.show_box,
            [
                ("all", _("All rows")),
                ("errors", _("Errors")),
                ("duplicates", _("Duplicates")),
                ("new", _("New records")),
            ],
        )
        self.selected_label.setText(_("Selected duplicates:"))
        self.again_button.setText(_("&Read the file again"))
        self.again_button.setToolTip(
            _(
                "After correcting the file in Excel and saving it: read it again, with "
                "the same choices."
            )
        )
        texts = {
            OnDuplicate.SKIP: _("S&kip"),
            OnDuplicate.UPDATE: _("&Update"),
            OnDuplicate.CREATE: _("Create &anyway"),
        }
        for choice, button in self.choice_buttons.items():
            button.setText(texts[choice])
        self.model.retranslate()
        self._plan_shown = None
        self.refresh()

    @staticmethod
    def _fill(box: QComboBox, items: Sequence[tuple[str, str]]) -> None:
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        for data, text in items:
            box.addItem(text, data)
        box.setCurrentIndex(max(box.findData(current), 0))
        box.blockSignals(False)

    def refresh(self) -> None:
        wizard = self.importer
        plan = wizard.plan
        if wizard.busy:
            self.busy.start(wizard.busy)
        else:
            self.busy.stop()
        self.rule_box.setCurrentIndex(max(self.rule_box.findData(str(wizard.on_duplicate)), 0))
        self.skip_box.blockSignals(True)
        self.skip_box.setChecked(wizard.skip_invalid)
        self.skip_box.blockSignals(False)
        if plan is not self._plan_shown and (plan is None or plan.sheets is not self._sheets()):
            self._show_plan(plan)
        self._plan_shown = plan
        self.counts.setText(counts_text(plan) if plan is not None else "")
        problems = plan.problems if plan is not None else []
        self.problem_text.setText("\n".join(problems))
        self.problem_box.setVisible(bool(problems))
        self.reason.setText(self.why_not())
        self.reason.setVisible(bool(self.reason.text()))
        self._selection_changed()
        self._show_details()
        self.again_button.setEnabled(not wizard.busy and wizard.path is not None)

    def _sheets(self) -> Any:
        return self._plan_shown.sheets if self._plan_shown is not None else None

    def _show_plan(self, plan: ImportPlan | None) -> None:
        """Show the plan's rows, keeping the selection and the place in the list."""
        selected = [self.model.key(i.row()) for i in self.view.selectionModel().selectedRows()]
        top = self.view.indexAt(self.view.viewport().rect().topLeft())
        top_key = self.model.key(top.row()) if top.isValid() else None
        current = self.view.selectionModel().currentIndex()
        current_key = self.model.key(current.row()) if current.isValid() else None
        first = self._plan_shown is None or self.model.rowCount() == 0
        self.model.set_plan(plan)
        if first:
            self._size_columns()
            if current_key is None and self.model.rowCount():
                # The first row in error (else the first row) is shown in full at once.
                errors = [
                    row
                    for row in range(self.model.rowCount())
                    if self.model.line(row).planned.status is RowStatus.ERROR
                ]
                self.view.selectionModel().setCurrentIndex(
                    self.model.index(errors[0] if errors else 0, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        selection = QItemSelection()
        for key in selected:
            row = self.model.row_of(key)
            if row is not None:
                selection.select(self.model.index(row, 0), self.model.index(row, 0))
        if current_key is not None and (row := self.model.row_of(current_key)) is not None:
            self.view.selectionModel().setCurrentIndex(
                self.model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate
            )
        self.view.selectionModel().select(selection, flags)
        if top_key is not None:
            row = self.model.row_of(top_key)
            if row is not None:
                self.view.scrollTo(
                    self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop
                )

    def _size_columns(self) -> None:
        header = self.view.horizontalHeader()
        header.setResizeContentsPrecision(60)
        self.view.resizeColumnsToContents()
        for section, column in enumerate(self.model.columns):
            widest = {RECORD: 320, MESSAGES: 2000, SHEET: 160}.get(column, 180)
            header.resizeSection(section, min(max(header.sectionSize(section), 60), widest))

    def _show_only(self, shown: str) -> None:
        self.model.show_only(shown)
        self._show_details()

    def _show_details(self) -> None:
        current = self.view.selectionModel().currentIndex()
        if not current.isValid() or current.row() >= self.model.rowCount():
            hint = _("Select a row to read all its messages.")
            self.details.setText(
                f"<span style='color: palette(placeholder-text)'>{html.escape(hint)}</span>"
            )
            return
        line = self.model.line(current.row())
        planned = line.planned
        where = (
            _("Sheet {sheet}, row {row}").format(sheet=line.sheet, row=planned.row)
            if len(self.model.columns) > 5
            else _("Row {row}").format(row=planned.row)
        )
        parts = [f"<b>{html.escape(where)}</b> — {html.escape(line.summary)}"]
        parts += [
            f"<span style='color: {PROBLEM_COLOR}'>• {html.escape(problem)}</span>"
            for problem in planned.problems
        ]
        if planned.match is not None:
            parts.append(f"• {html.escape(planned.match.describe())}")
        parts += [f"• {html.escape(note)}" for note in planned.notes]
        self.details.setText("<br>".join(parts))

    def show_only(self, shown: str) -> None:
        """Show all rows, or only "errors", "duplicates" or "new" ones (as the drop-down)."""
        self.show_box.setCurrentIndex(self.show_box.findData(shown))
        self._show_only(shown)

    def selected_duplicates(self) -> list[tuple[str, int]]:
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        return [self.model.key(row) for row in rows if self.model.line(row).planned.match]

    def choose_for_selected(self, choice: OnDuplicate) -> None:
        keys = [
            key
            for key in self.selected_duplicates()
            if choice in PlanRowsModel.choices_for(self._planned(key))
        ]
        if keys:
            self.importer.set_choices(keys, choice)

    def _planned(self, key: tuple[str, int]) -> PlannedRow:
        row = self.model.row_of(key)
        assert row is not None
        return self.model.line(row).planned

    def _selection_changed(self, *_args: Any) -> None:
        duplicates = self.selected_duplicates() if not self.importer.busy else []
        self.selected_label.setEnabled(bool(duplicates))
        for choice, button in self.choice_buttons.items():
            button.setEnabled(
                any(choice in PlanRowsModel.choices_for(self._planned(k)) for k in duplicates)
            )

    def why_not(self) -> str:
        """Why Import cannot be pressed now ("" when it can)."""
        wizard = self.importer
        plan = wizard.plan
        if wizard.apply_problem:
            return wizard.apply_problem
        if wizard.busy or plan is None:
            return ""
        if plan.problems:
            return _("The file cannot be imported as it is: see the problem above.")
        counts = plan.counts()
        errors = counts[RowStatus.ERROR]
        if errors and not wizard.skip_invalid:
            return ngettext(
                "{count} row has an error. Correct it in the file and read it again, or "
                "tick “Import the valid rows” to leave it out.",
                "{count} rows have errors. Correct them in the file and read it again, or "
                "tick “Import the valid rows” to leave them out.",
                errors,
            ).format(count=format_number(errors))
        if not counts[RowStatus.NEW] and not counts[RowStatus.UPDATE]:
            return _("Nothing to import: every row is already recorded or has an error.")
        return ""

    def isComplete(self) -> bool:
        wizard = self.importer
        if wizard.busy or wizard.plan is None or wizard.applying is not None:
            return False
        return not self.why_not()

    def validatePage(self) -> bool:
        # Import writes in the background; the wizard moves on once it is written.
        if self.importer.imported is not None:
            return True
        self.importer.start_import()
        return False


class DonePage(_Page):
    """What was written, where the backup is, and that one undo takes it all back."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setFinalPage(True)
        self.headline = _label()
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.headline.setFont(font)
        self.icon = QLabel()
        self.icon.setPixmap(_badge(None, 32).pixmap(QSize(32, 32)))
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        heading = QHBoxLayout()
        heading.addWidget(self.icon)
        heading.addWidget(self.headline, 1)
        self.details = _label()
        self.backup = _label()
        self.backup.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.undo = _label()
        self.undo.setStyleSheet("color: palette(placeholder-text);")
        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addSpacing(6)
        layout.addWidget(self.details)
        layout.addSpacing(6)
        layout.addWidget(self.backup)
        layout.addSpacing(12)
        layout.addWidget(self.undo)
        layout.addStretch(1)
        for label in (self.details, self.backup, self.undo):
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    def retranslate(self) -> None:
        self.setTitle(_("Imported"))
        self.setSubTitle("")
        self.refresh()

    def refresh(self) -> None:
        wizard = self.importer
        result = wizard.imported
        if result is None:
            return
        name = wizard.plan.path.name if wizard.plan is not None else ""
        created = sum(result.created.values())
        updated = sum(result.updated.values())
        self.headline.setText(
            ngettext(
                "{count} record imported from {file}.",
                "{count} records imported from {file}.",
                created + updated,
            ).format(count=format_number(created + updated), file=name)
        )
        lines = []
        if created:
            kinds = format_conjunction(
                [self._count(kind, count) for kind, count in result.created.items()]
            )
            lines.append(_("Created: {kinds}.").format(kinds=kinds))
        if updated:
            kinds = format_conjunction(
                [self._count(kind, count) for kind, count in result.updated.items()]
            )
            lines.append(_("Updated: {kinds}.").format(kinds=kinds))
        if result.skipped:
            lines.append(
                ngettext(
                    "{count} duplicate was left out.",
                    "{count} duplicates were left out.",
                    result.skipped,
                ).format(count=format_number(result.skipped))
            )
        errors = wizard.plan.counts()[RowStatus.ERROR] if wizard.plan is not None else 0
        if errors:
            lines.append(
                ngettext(
                    "{count} row with an error was left out.",
                    "{count} rows with errors were left out.",
                    errors,
                ).format(count=format_number(errors))
            )
        if wizard.plan is not None and (cleaned := wizard.plan.cleaned_line()):
            lines.append(cleaned)
        self.details.setText("\n".join(lines))
        if result.backup is not None:
            self.backup.setText(
                _("A copy of the database as it was before: {path}").format(
                    path=isolated(result.backup)
                )
            )
            self.backup.show()
        else:
            self.backup.hide()
        self.undo.setText(
            _("Edit ▸ Undo (Ctrl+Z) takes the whole import back in one step.")
            if wizard.history is not None
            else ""
        )

    @staticmethod
    def _count(kind: str, count: int) -> str:
        from exchange_desk.services.kinds import kind_named

        return _("{count} {kind}").format(
            count=format_number(count), kind=kind_named(kind).label(count)
        )


def open_import_wizard(
    parent: QWidget,
    database: Database,
    *,
    history: UndoHistory | None = None,
    path: str | Path | None = None,
) -> ImportWizard:
    """Show the wizard over `parent`, modal to the window, without blocking the caller."""
    wizard = ImportWizard(database, parent, history=history, path=path)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    # The records behind it stay as the preview shows them while it is open.
    wizard.setWindowModality(Qt.WindowModality.WindowModal)
    wizard.show()
    return wizard


__all__ = [
    "ImportWizard",
    "PlanRowsModel",
    "column_letter",
    "counts_text",
    "open_import_wizard",
]
