"""What the window does with an error: expected ones are explained, bugs are reported.

`install` (called once the QApplication exists) routes everything nothing else caught to
`report_failure`: exceptions of the GUI thread (`sys.excepthook`, which is also where
PySide6 sends an exception raised in a slot or a Qt virtual), of other threads
(`threading.excepthook`), and Qt's own messages, which go to the log.

`report_failure` is also what background operations call when their work failed:

- the program's own errors (`ExchangeDeskError`: refused input, a conflict, a record gone,
  the database unavailable) get a plain message box with their message, no traceback;
- anything else is a bug: it is written to the log with its traceback, and a dialog says so
  in a few words, with a report the user can copy (traceback, versions, the database, the
  log file's path).

Either dialog belongs to the active window, so a dialog with unsaved input stays open
underneath it and nothing typed is lost.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType

import shiboken6
from PySide6 import __version__ as pyside_version
from PySide6.QtCore import (
    QMessageLogContext,
    QObject,
    Qt,
    QThread,
    QtMsgType,
    Signal,
    Slot,
    qInstallMessageHandler,
    qVersion,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from exchange_desk import __version__
from exchange_desk.domain.errors import ExchangeDeskError, StorageUnavailable
from exchange_desk.domain.messages import Message
from exchange_desk.i18n.catalog import _, active_language
from exchange_desk.logs import log_path
from exchange_desk.ui.bidi import isolate_paths, message_with_paths_isolated

log = logging.getLogger("exchange_desk.ui")
qt_log = logging.getLogger("exchange_desk.qt")

_database_description: str | None = None
_report_dialog: FailureDialog | None = None
_relay: _Relay | None = None
_previous_qt_handler: Callable[[QtMsgType, QMessageLogContext, str], object] | None = None


def set_database(description: str | None) -> None:
    """Say which database is open (`Database.describe()`), for the reports."""
    global _database_description
    _database_description = description


def install(app: QApplication) -> None:
    """Report what nothing caught, on any thread, and send Qt's messages to the log."""
    global _relay, _previous_qt_handler
    if _relay is None or not shiboken6.isValid(_relay) or _relay.parent() is not app:
        _relay = _Relay(app)
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
    previous = qInstallMessageHandler(_qt_message)
    if previous is not _qt_message:  # installed again (a second make_application)
        _previous_qt_handler = previous


def report_failure(exc: BaseException, parent: QWidget | None = None) -> None:
    """Tell the user that something failed (see the module docstring): on the GUI thread,
    over `parent` or else the active window. From another thread it is passed to the GUI
    thread first."""
    if isinstance(exc, StorageUnavailable):
        log.warning(
            "Database unavailable (%s): %s",
            exc.problem,
            exc.user_message(),
            exc_info=_exc_info(exc),
        )
    elif isinstance(exc, ExchangeDeskError):
        log.info("Refused: %s", exc.user_message())
    else:
        log.error("Unexpected error", exc_info=_exc_info(exc))
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return  # before the window exists: the log is all there is
    if QThread.currentThread() is not app.thread():
        if _relay is not None:
            _relay.failed.emit(exc)
        return
    _show(exc, parent)


# Notices open until each is closed (`show_notice`): a box without a parent would go with the
# last reference to it.
_NOTICES: set[QMessageBox] = set()


def show_notice(parent: QWidget | None, title: str, text: str) -> None:
    """Say something the user should know after a save (hidden characters removed) in a box
    that does not hold the window up (`open`, not `exec`): the window goes on, the box stays
    until it is read."""
    box = QMessageBox(
        QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent
    )
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _NOTICES.add(box)
    box.finished.connect(lambda _result: _NOTICES.discard(box))
    box.open()


def error_text(error: BaseException) -> str:
    """What a dialog says of its own work that failed: the program's message for its own
    errors (`ExchangeDeskError`), else a line naming the error."""
    if isinstance(error, ExchangeDeskError):
        return error.user_message()
    return _("Something went wrong: {error}").format(error=error)


def about_this_copy(database: str) -> list[str]:
    """The lines that say which Exchange Desk, on what, wrote a report: version, time,
    Python, Qt, system, language, `database` (as much of it as the report may tell) and
    the log file. In English, for whoever supports it."""
    import platform  # 3 ms of regular expressions, paid when a report is written

    log_file = log_path()
    return [
        f"Exchange Desk {__version__}",
        f"Time: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"Python: {platform.python_version()} ({platform.python_implementation()})"
        + (", frozen" if getattr(sys, "frozen", False) else ""),
        f"PySide6: {pyside_version}, Qt: {qVersion()}",
        f"System: {platform.platform()}",
        f"Language: {active_language()}",
        f"Database: {database}",
        f"Log file: {log_file if log_file is not None else '(none)'}",
    ]


def failure_report(exc: BaseException) -> str:
    """The text a user copies and sends: what failed, where, and on what."""
    lines = [*about_this_copy(_database_description or "(none open)"), ""]
    lines.extend(
        line.rstrip("\n") for line in traceback.format_exception(type(exc), exc, exc.__traceback__)
    )
    return "\n".join(lines)


class FailureDialog(QDialog):
    """A bug, in a few words, with the report behind "Show details" and a Copy button."""

    def __init__(self, exc: BaseException, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Exchange Desk"))
        self.setWindowModality(
            Qt.WindowModality.WindowModal
            if parent is not None
            else Qt.WindowModality.ApplicationModal
        )
        icon = QLabel()
        style = self.style()
        icon.setPixmap(
            style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(48, 48)
        )
        self.message = QLabel(
            _(
                "Exchange Desk ran into an error it did not expect, and what you asked for "
                "was not done. Your open windows stay as they are."
            )
            + "\n\n"
            + _(
                "If it happens again, press Copy report and send the report to whoever "
                "looks after Exchange Desk."
            )
        )
        self.message.setWordWrap(True)
        self.details = QPlainTextEdit(failure_report(exc))
        self.details.setReadOnly(True)
        # The report is in English, for whoever mends the program: a Hebrew window would
        # otherwise put its tracebacks right to left.
        self.details.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setMinimumSize(560, 260)
        self.details.setVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.show_details = QPushButton(_("Show &details"))
        self.show_details.setCheckable(True)
        self.show_details.toggled.connect(self._toggle_details)
        self.copy = QPushButton(_("&Copy report"))
        self.copy.clicked.connect(self.copy_report)
        buttons.addButton(self.show_details, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(icon, 0)
        top.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)

    def report(self) -> str:
        return self.details.toPlainText()

    def add(self, exc: BaseException) -> None:
        """Another unexpected error while this one is shown: its report follows."""
        self.details.appendPlainText("\n" + "-" * 40 + "\n" + failure_report(exc))

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report())
        self.copy.setText(_("Copied"))

    def _toggle_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.adjustSize()


class _Relay(QObject):
    """Lives on the GUI thread; a failure emitted from another thread is shown there."""

    failed = Signal(object)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.failed.connect(self._show, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _show(self, exc: BaseException) -> None:
        _show(exc, None)


def _show(exc: BaseException, parent: QWidget | None) -> None:
    owner = parent if parent is not None else QApplication.activeWindow()
    if isinstance(exc, ExchangeDeskError):
        _explain(exc, owner)
    else:
        _show_report(exc, owner)


def _explain(exc: ExchangeDeskError, parent: QWidget | None) -> None:
    title = _("Database unavailable") if isinstance(exc, StorageUnavailable) else _("Exchange Desk")
    QMessageBox.warning(parent, title, _readable(exc))


def _readable(exc: ExchangeDeskError) -> str:
    """The error's message with its file paths isolated left to right, so that a Hebrew
    sentence does not reorder a path's slashes and dots."""
    message = exc.args[0] if exc.args else None
    if isinstance(exc, StorageUnavailable) and isinstance(message, Message):
        return message_with_paths_isolated(message)
    return isolate_paths(exc.user_message())


def _show_report(exc: BaseException, parent: QWidget | None) -> None:
    global _report_dialog
    if _report_dialog is not None:
        # One report at a time: an error that repeats (in a paint event, say) must not
        # bury the window under dialogs.
        _report_dialog.add(exc)
        return
    dialog = FailureDialog(exc, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.finished.connect(_report_closed)
    _report_dialog = dialog
    dialog.open()


def _report_closed(_result: int) -> None:
    global _report_dialog
    _report_dialog = None


def current_report() -> FailureDialog | None:
    """The report dialog shown now, if any."""
    return _report_dialog


def _exc_info(
    exc: BaseException,
) -> tuple[type[BaseException], BaseException, TracebackType | None]:
    return type(exc), exc, exc.__traceback__


def _excepthook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    if exc.__traceback__ is None:
        exc = exc.with_traceback(tb)
    if sys.stderr is not None and not isinstance(exc, ExchangeDeskError):
        # As Python would without the hook, for whoever started the program in a terminal.
        traceback.print_exception(exc_type, exc, tb, file=sys.stderr)
    report_failure(exc, None)


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None or issubclass(args.exc_type, SystemExit):
        return
    exc = args.exc_value
    if exc.__traceback__ is None:
        exc = exc.with_traceback(args.exc_traceback)
    name = args.thread.name if args.thread is not None else "?"
    log.error("Unhandled exception in thread %s", name)
    report_failure(exc, None)  # logs it and passes it to the GUI thread


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    where = ""
    if context.file:
        where = f" ({context.file}:{context.line})"
    category = context.category if context.category and context.category != "default" else ""
    qt_log.log(
        _QT_LEVELS.get(mode, logging.WARNING),
        "%s%s%s",
        f"{category}: " if category else "",
        message,
        where,
    )
    previous = _previous_qt_handler
    if previous is not None:
        previous(mode, context, message)  # pytest-qt's, say, which fails a test on a warning
    elif mode != QtMsgType.QtDebugMsg and sys.stderr is not None:
        sys.stderr.write(f"{message}\n")
