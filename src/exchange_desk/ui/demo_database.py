"""File ▸ New database from demo…: a new database file holding the demo data, where the
user chooses, and the window switched to it.

The demo is a database of its own, never poured over the office's records: the user names
a file (demo.sqlite in Documents by default), it is created and filled off the GUI thread
(`services.demo.fill_demo`, with its progress and Cancel), and the window is replaced by one
on it (`ui.app.replace_window`, as File ▸ Connect does). The file open now cannot be
chosen. A file chosen that exists (the save dialog asked before replacing it) is opened as
a database, so a file that is not Exchange Desk's is refused untouched; its records are
copied aside by `fill_demo` before they are replaced. A file made here that could not be
filled, or whose filling was cancelled, is removed again.

The first-start offer of the demo on an empty database stays as it is (`MainWindow.load_demo`).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QStandardPaths
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from exchange_desk.domain.errors import ExchangeDeskError
from exchange_desk.i18n.catalog import _
from exchange_desk.ui.bidi import isolated
from exchange_desk.ui.errors import error_text
from exchange_desk.ui.operations import CollectionOp
from exchange_desk.ui.translated import plain_label
from exchange_desk.ui.workers import Cancelled

if TYPE_CHECKING:
    from exchange_desk.services.database import Database
    from exchange_desk.services.demo import DemoResult
    from exchange_desk.ui.main_window import MainWindow

__all__ = [
    "DemoDatabase",
    "default_demo_path",
    "install_demo_database_action",
    "new_database_from_demo",
]

SUFFIX = ".sqlite"
# SQLite's side files, removed with a file that could not be filled.
_SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True, slots=True)
class DemoDatabase:
    """The database made, and what went into it."""

    database: Database
    result: DemoResult


def default_demo_path() -> Path:
    """demo.sqlite in the user's Documents folder (else their home folder)."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents or Path.home()) / f"demo{SUFFIX}"


def _ask_path(parent: QWidget) -> Path | None:
    chosen, _filter = QFileDialog.getSaveFileName(
        parent,
        _("New database from demo"),
        str(default_demo_path()),
        _("Exchange Desk database (*.sqlite)"),
    )
    if not chosen:
        return None
    target = Path(chosen)
    if not target.suffix:
        target = target.with_name(target.name + SUFFIX)
    return target


def _same_file(one: Path, other: Path) -> bool:
    return os.path.normcase(os.path.abspath(one)) == os.path.normcase(os.path.abspath(other))


def _remove(path: Path) -> None:
    for name in ("", *_SIDE_FILES):
        with contextlib.suppress(OSError):
            Path(str(path) + name).unlink()


def new_database_from_demo(
    window: MainWindow, path: str | Path | None = None
) -> CollectionOp[DemoDatabase] | None:
    """Make a database of the demo data at `path` (asked for unless given), in the
    background with progress, then show it in place of `window`. None if nothing was
    started (cancelled, or the file open now was chosen)."""
    target = Path(path) if path is not None else _ask_path(window)
    if target is None:
        return None
    title = _("New database from demo")
    current = window.database
    if current.path is not None and _same_file(current.path, target):
        QMessageBox.warning(
            window,
            title,
            _("{path} is the database open now. Choose another name for the demo.").format(
                path=isolated(target)
            ),
        )
        return None
    existed = target.exists()
    operation: CollectionOp[DemoDatabase]

    def work(_database: Database) -> DemoDatabase:
        from exchange_desk.services.database import open_office_database
        from exchange_desk.services.demo import fill_demo

        target.parent.mkdir(parents=True, exist_ok=True)
        database = open_office_database(target)  # refuses a file that is not ours
        try:
            result = fill_demo(database, force=True, progress=operation.report)
        except BaseException:
            database.dispose()
            if not existed:
                _remove(target)
            raise
        return DemoDatabase(database, result)

    def made(demo: DemoDatabase) -> None:
        from exchange_desk.ui.app import replace_window

        shown = replace_window(window, demo.database)
        if shown is window:
            return  # the window was asked to stay (an edit to finish): nothing changed
        message = _("The demo database {path} is open.").format(path=isolated(target))
        if demo.result.backup is not None:
            message += " " + _("The records it held before are kept in {path}.").format(
                path=isolated(demo.result.backup)
            )
        shown.statusBar().showMessage(message, 20_000)

    def failed(error: BaseException) -> None:
        if isinstance(error, Cancelled):
            return
        if isinstance(error, ExchangeDeskError):
            QMessageBox.warning(window, title, error_text(error))
            return
        from exchange_desk.ui.errors import report_failure

        report_failure(error, window)

    operation = (
        CollectionOp(window, work)
        .with_progress(_("Making the demo database"), cancellable=True)
        .success(made)
        .failure(failed)
    )
    return operation.run_in_background()


class _DemoDatabaseAction(QObject):
    """File ▸ New database from demo…, translated with the window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.action = QAction(window)
        self.action.triggered.connect(lambda _checked=False: self.run())
        self.operation: CollectionOp[DemoDatabase] | None = None
        window.installEventFilter(self)
        self.retranslate()

    def run(self) -> CollectionOp[DemoDatabase] | None:
        self.operation = new_database_from_demo(self.window)
        return self.operation

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False

    def retranslate(self) -> None:
        text = _("New database from &demo…")
        self.action.setText(text)
        self.action.setIconText(plain_label(text))
        self.action.setStatusTip(
            _("Make a new database file with the demo data, to look around, and open it")
        )


def install_demo_database_action(window: MainWindow) -> QAction:
    """Put New database from demo… in `window`'s File menu after Recent connections (else
    at its top), as `window.act_new_demo_database`."""
    holder = _DemoDatabaseAction(window)
    menu = window.menu_file
    actions = menu.actions()
    recent = getattr(window, "connections_menu", None)
    after = recent.menuAction() if recent is not None else None
    if after in actions and actions.index(after) + 1 < len(actions):
        menu.insertAction(actions[actions.index(after) + 1], holder.action)
    elif actions:
        menu.insertAction(actions[0], holder.action)
    else:
        menu.addAction(holder.action)
    window.act_new_demo_database = holder.action  # type: ignore[attr-defined]
    window.demo_database_action = holder  # type: ignore[attr-defined]
    return holder.action
