"""File ▸ Back up…, Restore… and Backups…, and the window's automatic backup on start.

- **Back up…** asks where (the backups folder beside the database, a new name with the date)
  and writes the backup off the GUI thread (`services.backups.back_up`).
- **Restore…** asks for the file, checks it off the GUI thread (a backup of the office's
  schema, not damaged, not of a newer version), then asks for confirmation in a dialog that
  names the file, its date and what it holds against what the database holds now; only
  then is the database backed up and replaced (`services.backups.restore`), and every
  screen reads again (the `Changes` the restore returns go out on the change hub).
- **Backups…** lists the backups of the database (date, kind, size, file), with Back up now,
  Restore… and Show in folder.
- `start_backup_duties` runs once the window is shown: the day's automatic backup of a
  SQLite database in the background, and, once per file, the warning that a SQLite file on a
  network share is no way to share the office's data.

Every text follows the language when it changes while a dialog is open; file paths are
isolated left to right so that a Hebrew window does not reorder their slashes.
"""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from exchange_desk.domain.errors import ExchangeDeskError
from exchange_desk.i18n.catalog import _, ngettext
from exchange_desk.i18n.formatting import format_number
from exchange_desk.services import backups
from exchange_desk.services.backups import BackupContents, BackupFile, BackupMade, Restored
from exchange_desk.services.registry import DECLARED
from exchange_desk.ui.bidi import isolate_paths, isolated
from exchange_desk.ui.errors import error_text
from exchange_desk.ui.formatting import format_moment
from exchange_desk.ui.operations import CollectionOp, QueryOp
from exchange_desk.ui.translated import Retranslating, plain_label
from exchange_desk.ui.workers import Cancelled, start_task

__all__ = [
    "BackupActions",
    "BackupsDialog",
    "RestoreConfirmation",
    "install_backup_actions",
    "reveal",
    "start_backup_duties",
]

log = logging.getLogger("exchange_desk.ui")


def _moment(made: dt.datetime) -> str:
    """A local time as the window's language writes it (format_moment takes UTC)."""
    return format_moment(made.astimezone(dt.UTC).replace(tzinfo=None))


def _file_filter() -> str:
    return ";;".join(
        (
            _("Exchange Desk backups (*.sqlite *.dump)"),
            _("All files (*)"),
        )
    )


def reveal(path: Path) -> None:
    """Show `path` in the system's file manager: selected in Explorer or the Finder, else
    its folder opened."""
    if sys.platform == "win32":
        # Explorer reads "/select," and the path as one argument, quoted as it wants it.
        subprocess.Popen(f'explorer /select,"{path}"')
    elif sys.platform == "darwin":
        subprocess.Popen(["open", "-R", str(path)])
    else:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path if path.is_dir() else path.parent)))


def _kind_label(name: str, count: int) -> str:
    declaration = DECLARED.get(name)
    if declaration is None:
        return name
    return ngettext(declaration.noun.singular, declaration.noun.plural, count)


class _Notice:
    """A message box that does not block (work may end while the person is elsewhere, and
    an offscreen test must not hang); the last one shown is kept for tests."""

    def __init__(self) -> None:
        self.box: QMessageBox | None = None

    def show(self, parent: QWidget, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.box = box
        return box


# --- the window's actions --------------------------------------------------------------------


class BackupActions(QObject):
    """The File menu's Back up…, Restore… and Backups… of one window, and what they do."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.database: Any = window.database  # type: ignore[attr-defined]
        self.act_backup = QAction(window)
        self.act_backup.triggered.connect(lambda _checked=False: self.back_up())
        self.act_restore = QAction(window)
        self.act_restore.triggered.connect(lambda _checked=False: self.restore())
        self.act_backups = QAction(window)
        self.act_backups.triggered.connect(lambda _checked=False: self.show_backups())
        self.dialog: BackupsDialog | None = None
        self.confirmation: RestoreConfirmation | None = None
        self.notice = _Notice()
        self.operation: QueryOp[Any] | CollectionOp[Any] | None = None
        window.installEventFilter(self)
        self.retranslate()

    @property
    def actions(self) -> list[QAction]:
        return [self.act_backup, self.act_restore, self.act_backups]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False

    def retranslate(self) -> None:
        for action, text in (
            (self.act_backup, _("&Back up…")),
            (self.act_restore, _("Re&store…")),
            (self.act_backups, _("Bac&kups…")),
        ):
            action.setText(text)
            action.setIconText(plain_label(text))
        tip = _("Write a complete backup of the database to a file")
        self.act_backup.setStatusTip(tip)
        if self.act_restore.isEnabled():  # a greyed one says why (ui.identity)
            self.act_restore.setStatusTip(
                _("Replace the database with a backup (a backup of it is made first)")
            )

    def _status(self, text: str) -> None:
        if isinstance(self.window, QMainWindow) and shiboken6.isValid(self.window):
            self.window.statusBar().showMessage(text, 12_000)

    def _failed(self, title: str) -> Any:
        def failed(error: BaseException) -> None:
            if isinstance(error, Cancelled):
                return
            if isinstance(error, ExchangeDeskError):
                # Expected trouble (a full disk, a locked file, not a backup): said plainly.
                self.notice.show(self._parent(), QMessageBox.Icon.Warning, title, error_text(error))
                return
            from exchange_desk.ui.errors import report_failure

            report_failure(error, self._parent())

        return failed

    def _parent(self) -> QWidget:
        dialog = self.dialog
        if dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible():
            return dialog
        return self.window

    # --- back up --------------------------------------------------------------------------

    def back_up(self, path: str | Path | None = None) -> CollectionOp[Any] | None:
        """Write a backup to `path` (asked for, in the backups folder, unless given)."""
        if path is None:
            suggested = backups.suggested_backup_path(self.database)
            chosen, _chosen_filter = QFileDialog.getSaveFileName(
                self._parent(), _("Back up the database"), str(suggested), _file_filter()
            )
            if not chosen:
                return None
            path = Path(chosen)
            if not path.suffix:  # a name typed without its ending gets the suggested one
                path = path.with_name(path.name + suggested.suffix)
        target = Path(path)
        operation: CollectionOp[Any]

        def work(database: Any) -> BackupMade:
            return backups.back_up(database, target, progress=operation.report)

        operation = (
            CollectionOp(self._parent(), work, database=self.database)
            .with_progress(_("Backing up the database"))
            .success(self._backed_up)
            .failure(self._failed(_("Back up")))
        )
        self.operation = operation
        return operation.run_in_background()

    def _backed_up(self, made: BackupMade) -> None:
        self._status(
            _("Backup written to {path} ({size}).").format(
                path=isolated(made.path), size=backups.format_size(made.size)
            )
        )
        self._refresh_dialog()

    # --- restore --------------------------------------------------------------------------

    def restore(self, path: str | Path | None = None) -> QueryOp[Any] | None:
        """Restore the backup at `path` (asked for unless given): checked first, then the
        confirmation; nothing is replaced before it is answered."""
        if path is None:
            chosen, _chosen_filter = QFileDialog.getOpenFileName(
                self._parent(),
                _("Restore from a backup"),
                str(backups.backup_folder(self.database)),
                _file_filter(),
            )
            if not chosen:
                return None
            path = chosen
        source = Path(path)

        def check(database: Any) -> tuple[BackupContents, dict[str, int]]:
            from exchange_desk.domain.roles import Role
            from exchange_desk.services.roles import require

            require(database, Role.ADMINISTRATOR)  # refused before anything is asked
            return backups.inspect_backup(source), backups.current_counts(database)

        operation = (
            QueryOp(self._parent(), check, database=self.database)
            .with_progress(_("Checking the backup"))
            .success(lambda found: self.confirm(*found))
            .failure(self._failed(_("Restore")))
        )
        self.operation = operation
        return operation.run_in_background()

    def confirm(self, contents: BackupContents, now: dict[str, int]) -> RestoreConfirmation:
        """Ask before replacing anything (the dialog is not modal to the whole program: the
        answer comes back through its `finished`)."""
        box = RestoreConfirmation(contents, now, self.database.describe(), self._parent())
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.accepted.connect(lambda: self._replace(contents))
        self.confirmation = box
        box.open()
        return box

    def _replace(self, contents: BackupContents) -> CollectionOp[Any]:
        operation: CollectionOp[Any]

        def work(database: Any) -> Restored:
            return backups.restore(
                database, contents.path, contents=contents, progress=operation.report
            )

        operation = (
            CollectionOp(self._parent(), work, database=self.database)
            .with_progress(_("Restoring the backup"))
            .success(self._restored)
            .failure(self._failed(_("Restore")))
        )
        self.operation = operation
        return operation.run_in_background()

    def _restored(self, restored: Restored) -> None:
        history = getattr(self.window, "history", None)
        if history is not None:
            history.clear()  # what could be undone was done to data that is gone
        lines = [
            _("The database was restored from {path}.").format(path=isolated(restored.source)),
            _("The database as it was before is kept in {path}.").format(
                path=isolated(restored.before)
            ),
        ]
        if restored.migrated:
            lines.append(_("The restored data was brought to the newest schema."))
        self.notice.show(
            self._parent(), QMessageBox.Icon.Information, _("Restore"), "\n\n".join(lines)
        )
        self._refresh_dialog()

    # --- the list -------------------------------------------------------------------------

    def show_backups(self) -> BackupsDialog:
        """Open (or bring forward) the Backups dialog."""
        if self.dialog is None or not shiboken6.isValid(self.dialog):
            self.dialog = BackupsDialog(self, self.window)
            self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    def _refresh_dialog(self) -> None:
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.refresh()


def install_backup_actions(window: QMainWindow) -> BackupActions:
    """Put Back up…, Restore… and Backups… in `window`'s File menu, before Quit, and make
    them the window's `act_backup`, `act_restore` (greyed for a role that may not restore,
    see ui.identity) and `act_backups`."""
    actions = BackupActions(window)
    menu = window.menu_file  # type: ignore[attr-defined]
    before = getattr(window, "act_quit", None)
    if isinstance(before, QAction) and before in menu.actions():
        menu.insertActions(before, actions.actions)
        menu.insertSeparator(before)
    else:
        menu.addSeparator()
        menu.addActions(actions.actions)
    window.act_backup = actions.act_backup  # type: ignore[attr-defined]
    window.act_restore = actions.act_restore  # type: ignore[attr-defined]
    window.act_backups = actions.act_backups  # type: ignore[attr-defined]
    window.backup_actions = actions  # type: ignore[attr-defined]
    return actions


# --- the confirmation ------------------------------------------------------------------------


class RestoreConfirmation(Retranslating, QDialog):
    """ "Replace everything in the database with this backup?": the file, its date, its
    schema, and what it holds against what the database holds now. Cancel is the default."""

    def __init__(
        self,
        contents: BackupContents,
        now: dict[str, int],
        where: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.contents = contents
        self.now = now
        self.where = where
        self.setWindowModality(Qt.WindowModality.WindowModal)

        icon = QLabel()
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(48, 48)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.question = QLabel()
        self.question.setWordWrap(True)
        bold = QFont(self.question.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.1)
        self.question.setFont(bold)
        top = QHBoxLayout()
        top.addWidget(icon, 0)
        top.addWidget(self.question, 1)

        self.file_value = QLabel()
        self.file_value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.file_value.setToolTip(isolated(contents.path))
        self.date_value = QLabel()
        self.schema_value = QLabel()
        self.database_value = QLabel()
        # On one line: a path wrapped at its slashes was cut off in Hebrew (the label's height
        # was set before it wrapped); the dialog widens for a long one instead.
        self.database_value.setWordWrap(False)
        self.database_value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for value in (self.file_value, self.date_value, self.schema_value, self.database_value):
            self.form.addRow(QLabel(), value)

        kinds = [name for name in DECLARED if contents.counts.get(name) or now.get(name)]
        self._kinds = kinds
        self.counts = QTableWidget(len(kinds), 3)
        self.counts.verticalHeader().setVisible(False)
        self.counts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.counts.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.counts.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.counts.setAlternatingRowColors(True)
        header = self.counts.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        for row, name in enumerate(kinds):
            for column, count in ((1, contents.counts.get(name, 0)), (2, now.get(name, 0))):
                item = QTableWidgetItem(format_number(count))
                item.setTextAlignment(
                    Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter
                )
                self.counts.setItem(row, column, item)
            self.counts.setItem(row, 0, QTableWidgetItem())
        self.counts.setMinimumHeight(
            min(10, max(len(kinds), 1)) * self.counts.verticalHeader().defaultSectionSize()
            + header.sizeHint().height()
            + 4
        )

        self.note = QLabel()
        self.note.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.restore_button = QPushButton()
        self.restore_button.setAutoDefault(False)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.cancel_button.setDefault(True)  # Enter does not replace the office's data

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addSpacing(6)
        layout.addLayout(self.form)
        layout.addWidget(self.counts, 1)
        layout.addSpacing(4)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self.resize(560, 0)
        self.translate_now()
        self.cancel_button.setFocus()

    def retranslate(self) -> None:
        contents = self.contents
        self.setWindowTitle(_("Restore a backup"))
        self.question.setText(_("Replace everything in the database with this backup?"))
        labels = (_("File:"), _("Made:"), _("Schema:"), _("Database:"))
        values = (self.file_value, self.date_value, self.schema_value, self.database_value)
        for value, label in zip(values, labels, strict=True):
            found = self.form.labelForField(value)
            if isinstance(found, QLabel):
                found.setText(label)
        self.file_value.setText(isolated(contents.path.name))
        self.date_value.setText(
            _("{date} ({size})").format(
                date=_moment(contents.made), size=isolated(backups.format_size(contents.size))
            )
        )
        if contents.is_older:
            schema_text = _("{revision} (older: brought to the newest after restoring)").format(
                revision=contents.revision
            )
        else:
            schema_text = str(contents.revision)
        if contents.format == "pg_dump":
            schema_text = _("{schema}, PostgreSQL archive").format(schema=schema_text)
        self.schema_value.setText(schema_text)
        self.database_value.setText(isolated(self.where))
        self.counts.setHorizontalHeaderLabels(
            [_("Records"), _("In the backup"), _("In the database now")]
        )
        for row, name in enumerate(self._kinds):
            item = self.counts.item(row, 0)
            if item is not None:
                item.setText(_kind_label(name, 2))
        self.note.setText(
            _(
                "Everything in the database now is replaced, for every desk that uses it. A "
                "backup of it as it is now is made first, in the backups folder, so this can "
                "be undone by restoring that."
            )
        )
        self.restore_button.setText(_("&Restore"))


# --- the list of backups ---------------------------------------------------------------------


class BackupsDialog(Retranslating, QDialog):
    """The backups of the window's database: when made, what kind, how big, which file;
    Back up now, Restore… (the chosen one) and Show in folder."""

    def __init__(self, actions: BackupActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backup_actions = actions
        self.database: Any = actions.database
        self.backups: list[BackupFile] = []
        self.read_once = False
        self._reading: QueryOp[Any] | None = None

        self.where = QLabel()
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, 4)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._chosen)
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setVisible(False)
        self.rule = QLabel()
        self.rule.setWordWrap(True)

        self.back_up_button = QPushButton()
        self.back_up_button.clicked.connect(lambda: self.backup_actions.back_up())
        self.restore_button = QPushButton()
        self.restore_button.clicked.connect(self.restore_chosen)
        self.show_button = QPushButton()
        self.show_button.clicked.connect(self.show_chosen)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        for button in (self.back_up_button, self.restore_button, self.show_button):
            button.setAutoDefault(False)
            self.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.where)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.rule)
        layout.addWidget(self.buttons)
        self.resize(760, 420)
        self.translate_now()
        self._chosen()
        self.refresh()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Backups"))
        folder = backups.backup_folder(self.database)
        self.where.setText(
            _("Backups of {where}, kept in {folder}").format(
                where=isolated(self.database.describe()), folder=isolated(folder)
            )
        )
        self.table.setHorizontalHeaderLabels([_("Made"), _("Kind"), _("Size"), _("File")])
        self.empty.setText(_("No backups yet."))
        if self.database.backend == "sqlite":
            self.rule.setText(
                _(
                    "Exchange Desk backs the database up on each day it is started, and keeps "
                    "one backup of each of the last {days} days and {weeks} weeks."
                ).format(days=backups.DAILY_KEPT, weeks=backups.WEEKLY_KEPT)
            )
        else:
            self.rule.setText(
                _(
                    "A shared PostgreSQL database is not backed up automatically: use Back up "
                    "now, or the server's own backups."
                )
            )
        self.back_up_button.setText(_("&Back up now…"))
        self.restore_button.setText(_("&Restore…"))
        self.show_button.setText(_("&Show in folder"))
        self._fill()  # the dates, kinds and sizes in the new language

    # --- reading ----------------------------------------------------------------------------

    def refresh(self) -> QueryOp[Any] | None:
        """List the backups again off the GUI thread (None: a reading is on its way)."""
        if self._reading is not None:
            return None
        self._reading = (
            QueryOp(self, lambda database: backups.list_backups(database))
            .success(self._arrived)
            .failure(self._failed)
        )
        return self._reading.run_in_background()

    def _arrived(self, found: list[BackupFile]) -> None:
        self._reading = None
        self.read_once = True
        chosen = self.chosen()
        self.backups = found
        self._fill()
        rows = [row for row, backup in enumerate(self.backups) if chosen and backup == chosen]
        if rows or self.backups:
            self.select_row(rows[0] if rows else 0)
        self._chosen()

    def select_row(self, row: int) -> None:
        # Not QTableView.selectRow: in a right-to-left window that is not laid out yet it
        # finds no column to start from, and selects nothing.
        self.table.setCurrentCell(row, 0)
        flags = QItemSelectionModel.SelectionFlag
        self.table.selectionModel().select(
            self.table.model().index(row, 0), flags.ClearAndSelect | flags.Rows
        )

    def _failed(self, error: BaseException) -> None:
        self._reading = None
        self.backup_actions.notice.show(
            self, QMessageBox.Icon.Warning, _("Backups"), error_text(error)
        )

    def _fill(self) -> None:
        self.table.setRowCount(len(self.backups))
        for row, backup in enumerate(self.backups):
            cells = (
                _moment(backup.made),
                backup.kind.label(),
                isolated(backups.format_size(backup.size)),
                isolated(backup.path.name),
            )
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if column == 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter
                    )
                if column == 3:
                    item.setToolTip(isolated(backup.path))
                self.table.setItem(row, column, item)
        self.table.setVisible(bool(self.backups) or not self.read_once)
        self.empty.setVisible(self.read_once and not self.backups)

    # --- acting on the chosen one -----------------------------------------------------------

    def chosen(self) -> BackupFile | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.backups):
            return None
        return self.backups[rows[0].row()]

    def _chosen(self) -> None:
        has = self.chosen() is not None
        self.restore_button.setEnabled(has and self.backup_actions.act_restore.isEnabled())
        self.restore_button.setToolTip(
            ""
            if self.backup_actions.act_restore.isEnabled()
            else self.backup_actions.act_restore.toolTip()
        )
        self.show_button.setEnabled(has or self.read_once)

    def restore_chosen(self) -> QueryOp[Any] | None:
        chosen = self.chosen()
        return self.backup_actions.restore(chosen.path) if chosen is not None else None

    def show_chosen(self) -> Path:
        """Show the chosen backup in the file manager (or the backups folder)."""
        chosen = self.chosen()
        target = chosen.path if chosen is not None else backups.backup_folder(self.database)
        reveal(target)
        return target


# --- on the window's start -------------------------------------------------------------------


def start_backup_duties(window: QMainWindow) -> None:
    """After the window is shown, in the background (it must not delay the window): the
    warning, once per file, that a SQLite file on a network share is no way to share, and
    the day's automatic backup. The backup is said in the status bar; a backup that failed
    too, and in the log, without a dialog in the way."""
    database: Any = window.database  # type: ignore[attr-defined]
    notices = _Notice()

    def work(_progress: Any) -> tuple[str | None, BackupMade | None, BaseException | None]:
        notice = backups.network_share_notice(database, "gui")
        try:
            made = backups.automatic_backup(database)
        except Exception as exc:  # said in the status bar: the day's work goes on
            return notice, None, exc
        return notice, made, None

    def done(result: tuple[str | None, BackupMade | None, BaseException | None]) -> None:
        notice, made, error = result
        if not shiboken6.isValid(window):
            return
        if error is not None:
            log.warning("Automatic backup failed: %s", error_text(error), exc_info=error)
            window.statusBar().showMessage(
                _("The automatic backup failed: {reason}").format(reason=error_text(error)), 30_000
            )
        elif made is not None:
            log.info(
                "Automatic backup: %s (%d removed by the rotation)", made.path, len(made.deleted)
            )
            window.statusBar().showMessage(
                _("Automatic backup made: {path}").format(path=isolated(made.path)), 12_000
            )
        if notice:
            notices.show(
                window,
                QMessageBox.Icon.Warning,
                _("Database on a network share"),
                isolate_paths(notice),
            )
            window.network_share_notice = notices  # type: ignore[attr-defined]

    def failed(error: BaseException) -> None:
        log.warning("Backup duties failed", exc_info=error)

    start_task(work, done, failed)


# --- the dialogs alone, for pictures of them ----------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Show the Backups dialog (or, with `--confirm FILE`, the restore confirmation for that
    backup) on a database, without the main window. `--screenshot FILE` saves a picture of
    it and quits; `--sample-backups` first makes automatic backups dated over the last 40
    days, so that the list shows daily and weekly ones."""
    import argparse

    from PySide6.QtCore import QThreadPool, QTimer

    from exchange_desk.services.database import open_office_database
    from exchange_desk.ui.app import make_application

    parser = argparse.ArgumentParser(
        prog="python -m exchange_desk.ui.backup_dialogs",
        description="Show the Backups dialog or the restore confirmation on their own.",
    )
    parser.add_argument("--db", required=True, help="the database (a SQLite file or a URL)")
    parser.add_argument("--lang", help="en, zh_CN or he")
    parser.add_argument("--confirm", metavar="BACKUP", help="the confirmation for this backup")
    parser.add_argument("--sample-backups", action="store_true")
    parser.add_argument("--screenshot", metavar="FILE", help="save a picture, then quit")
    options = parser.parse_args(argv)

    app = make_application(options.lang)
    database = open_office_database(options.db)
    if options.sample_backups:
        today = dt.datetime.now().replace(hour=9, minute=0, second=0, microsecond=0)
        for days in range(40, 0, -1):
            backups.automatic_backup(database, now=today - dt.timedelta(days=days))
    host = QMainWindow()
    host.database = database  # type: ignore[attr-defined]
    actions = BackupActions(host)
    shown: list[QWidget] = []
    if options.confirm:
        actions.restore(options.confirm)
    else:
        shown.append(actions.show_backups())

    def shoot() -> None:
        QThreadPool.globalInstance().waitForDone()
        app.processEvents()
        widget = shown[0] if shown else actions.confirmation or actions.notice.box
        if widget is None:
            QTimer.singleShot(200, shoot)
            return
        if options.screenshot:
            widget.grab().save(options.screenshot)
            app.quit()

    QTimer.singleShot(1000, shoot)
    code = app.exec()
    database.dispose()
    return code


if __name__ == "__main__":
    sys.exit(main())
