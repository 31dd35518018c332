"""The log file and the global error handler (logs.py, ui/errors.py).

A bug shows a short message with a report to copy, over the window that was active, which
stays open; an error the program expects is a plain message; both reach the log file, the
bug with its traceback; so do exceptions nothing caught, on any thread, and Qt's warnings.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from exchange_desk import __version__, logs, paths
from exchange_desk.domain.errors import (
    Conflict,
    ExchangeDeskError,
    FieldProblem,
    InvalidInput,
    NotFound,
    StorageProblem,
    StorageUnavailable,
)

# Qt's offscreen platform says so of every window shown, the dialogs of these tests too.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


# --- the log file (no Qt) ---------------------------------------------------------------------


@pytest.fixture
def fresh_logging(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """`configure_logging` as at a program's start; everything put back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    hooks = sys.excepthook, threading.excepthook
    # The hooks `configure_logging` wraps: pytest's own would fail the test on what the
    # log is meant to catch.
    sys.excepthook, threading.excepthook = lambda *_args: None, lambda _args: None
    monkeypatch.setattr(logs, "_handler", None)
    yield
    made = logs._handler
    if made is not None:
        root.removeHandler(made)
        made.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    sys.excepthook, threading.excepthook = hooks


def _read(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


@pytest.mark.usefixtures("fresh_logging")
def test_the_log_is_configured_once_in_utf8_and_rotates(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "exchange-desk.log"
    assert logs.configure_logging(path) == path
    assert logs.configure_logging(tmp_path / "elsewhere.log") == path  # only once
    assert logs.log_path() == path
    assert f"Exchange Desk {__version__} started" in _read(path)
    logging.getLogger("exchange_desk.test").warning("נתלי אפרה, 济南")
    assert "נתלי אפרה, 济南" in _read(path)
    handler = logs._handler
    assert handler is not None
    assert (handler.maxBytes, handler.backupCount) == (1_000_000, 5)
    for _ in range(1_200):
        logging.getLogger("exchange_desk.test").info("x" * 1_000)
    assert (path.parent / "exchange-desk.log.1").is_file()
    assert path.stat().st_size <= 1_000_000


@pytest.mark.usefixtures("fresh_logging")
def test_unhandled_exceptions_reach_the_log_with_their_traceback(tmp_path: Path) -> None:
    path = tmp_path / "exchange-desk.log"
    logs.configure_logging(path)

    def fail_on_a_thread() -> None:
        raise RuntimeError("thread failure")

    try:
        raise ZeroDivisionError("main thread failure")
    except ZeroDivisionError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    thread = threading.Thread(target=fail_on_a_thread, name="worker-7")
    thread.start()
    thread.join()
    written = _read(path)
    assert "Unhandled exception" in written
    assert "Traceback (most recent call last)" in written
    assert "ZeroDivisionError: main thread failure" in written
    assert "Unhandled exception in thread worker-7" in written
    assert "RuntimeError: thread failure" in written


@pytest.mark.usefixtures("fresh_logging")
def test_a_log_that_cannot_be_made_does_not_stop_the_program(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way", encoding="utf-8")
    assert logs.configure_logging(blocker / "exchange-desk.log") is None
    assert logs.log_path() is None
    assert "no log file" in capsys.readouterr().err


def test_the_log_lives_in_the_users_local_folder_or_beside_a_portable_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from exchange_desk.storage.database import APP_NAME

    assert paths.APP_NAME == APP_NAME
    assert paths.log_file().name == "exchange-desk.log"
    assert "ExchangeDesk" in str(paths.log_dir())
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "ExchangeDesk.exe"))
    (tmp_path / "portable.txt").write_text("", encoding="utf-8")
    assert paths.log_file() == tmp_path / "data" / "logs" / "exchange-desk.log"


def test_on_windows_the_log_is_under_localappdata() -> None:
    from platformdirs.windows import Windows

    class Folders(Windows):
        """platformdirs' Windows folders, with the profile's folders it would ask Windows for."""

        @property
        def user_data_dir(self) -> str:
            appdata = "Roaming" if self.roaming else "Local"
            return self._append_parts(f"C:\\Users\\office\\AppData\\{appdata}")

    folders = Folders(appname=paths.APP_NAME, appauthor=False)
    log_dir = folders.user_log_dir.replace("/", "\\")  # joined with this system's separator
    assert log_dir == "C:\\Users\\office\\AppData\\Local\\ExchangeDesk\\Logs"


# --- the window's handler --------------------------------------------------------------------


@pytest.fixture
def installed(qapp: Any) -> Iterator[Any]:
    """The handler installed as at the program's start; the hooks put back afterwards."""
    from PySide6.QtCore import qInstallMessageHandler

    from exchange_desk.ui import errors

    hooks = sys.excepthook, threading.excepthook
    errors.install(qapp)
    errors.set_database("SQLite: /data/office.sqlite")
    yield errors
    report = errors.current_report()
    if report is not None:
        report.reject()
    qInstallMessageHandler(errors._previous_qt_handler)
    sys.excepthook, threading.excepthook = hooks
    errors.set_database(None)


@pytest.fixture
def warnings_shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, str, str]]:
    """QMessageBox.warning records its parent, title and text instead of showing a box."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[tuple[Any, str, str]] = []

    def warning(parent: Any, title: str, text: str, *_args: Any) -> Any:
        shown.append((parent, title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", warning)
    return shown


@pytest.fixture
def open_dialog(qtbot: Any) -> Any:
    """A dialog with something typed in it, as a user's unsaved record would be."""
    from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout

    dialog = QDialog()
    dialog.editor = QLineEdit("Kfar Saba")  # type: ignore[attr-defined]
    QVBoxLayout(dialog).addWidget(dialog.editor)  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _raised(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:
        return caught


EXPECTED: list[ExchangeDeskError] = [
    InvalidInput([FieldProblem("name_en", "Enter a name.")]),
    Conflict("A city with this name exists."),
    NotFound("city", 7),
    StorageUnavailable(StorageProblem.LOCKED, "The database is locked."),
]


@pytest.mark.parametrize("error", EXPECTED, ids=lambda e: type(e).__name__)
def test_an_expected_error_is_a_plain_message(
    installed: Any,
    open_dialog: Any,
    warnings_shown: list[tuple[Any, str, str]],
    error: ExchangeDeskError,
    caplog: pytest.LogCaptureFixture,
) -> None:
    installed.report_failure(_raised(error), open_dialog)
    [(parent, title, text)] = warnings_shown
    assert parent is open_dialog
    assert text == error.user_message()
    assert "Traceback" not in text
    assert title == (
        "Database unavailable" if isinstance(error, StorageUnavailable) else "Exchange Desk"
    )
    assert installed.current_report() is None
    assert not any(record.levelno >= logging.ERROR for record in caplog.records)


def test_a_bug_shows_a_report_over_the_dialog_which_stays_open(
    installed: Any, open_dialog: Any, qtbot: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    installed.report_failure(_raised(KeyError("delegation_id")), open_dialog)
    report = installed.current_report()
    assert report is not None
    assert report.parentWidget() is open_dialog
    assert report.windowModality() == Qt.WindowModality.WindowModal
    assert report.isVisible()
    assert open_dialog.isVisible()
    assert open_dialog.editor.text() == "Kfar Saba"
    assert "did not expect" in report.message.text()

    assert report.details.isHidden()
    report.show_details.click()
    assert report.details.isVisible()
    text = report.report()
    for expected in (
        f"Exchange Desk {__version__}",
        "Python: 3.",
        "PySide6: ",
        ", Qt: ",
        "System: ",
        "Database: SQLite: /data/office.sqlite",
        f"Log file: {logs.log_path()}",
        "Traceback (most recent call last)",
        "KeyError: 'delegation_id'",
    ):
        assert expected in text
    report.copy.click()
    assert QGuiApplication.clipboard().text() == text
    assert report.copy.text() == "Copied"

    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.exc_info is not None
    assert record.exc_info[0] is KeyError

    report.reject()
    qtbot.waitUntil(lambda: installed.current_report() is None)
    assert open_dialog.isVisible()


def test_a_second_bug_joins_the_report_shown(installed: Any, open_dialog: Any) -> None:
    installed.report_failure(_raised(KeyError("first")), open_dialog)
    installed.report_failure(_raised(ValueError("second")), open_dialog)
    report = installed.current_report()
    assert report is not None
    assert "KeyError: 'first'" in report.report()
    assert "ValueError: second" in report.report()


def test_an_exception_in_a_slot_is_reported(installed: Any, qtbot: Any) -> None:
    from PySide6.QtCore import QTimer

    def slot() -> None:
        raise RuntimeError("raised in a slot")

    QTimer.singleShot(0, slot)
    qtbot.waitUntil(lambda: installed.current_report() is not None)
    assert "RuntimeError: raised in a slot" in installed.current_report().report()


def test_an_exception_on_another_thread_is_reported_on_the_gui_thread(
    installed: Any, qtbot: Any
) -> None:
    from PySide6.QtWidgets import QApplication

    def work() -> None:
        raise RuntimeError("raised on a thread")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: installed.current_report() is not None)
    report = installed.current_report()
    app = QApplication.instance()
    assert app is not None
    assert report.thread() is app.thread()  # made on the GUI thread, as widgets must be
    assert "RuntimeError: raised on a thread" in report.report()


def test_a_background_failure_passed_from_another_thread_is_shown(
    installed: Any, qtbot: Any, warnings_shown: list[tuple[Any, str, str]]
) -> None:
    locked = StorageUnavailable(StorageProblem.LOCKED, "The database is locked.")
    thread = threading.Thread(target=lambda: installed.report_failure(locked, None))
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: bool(warnings_shown))
    assert warnings_shown[0][2] == "The database is locked."


@pytest.mark.qt_log_ignore("a warning of Qt's for the log")
def test_qt_warnings_go_to_the_log(installed: Any, caplog: pytest.LogCaptureFixture) -> None:
    from PySide6.QtCore import qWarning
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    installed.install(app)  # a second application start hands each message on once
    qWarning("a warning of Qt's for the log")
    [record] = [r for r in caplog.records if r.name == "exchange_desk.qt"]
    assert record.levelno == logging.WARNING
    assert "a warning of Qt's for the log" in record.getMessage()


def test_about_names_the_log_file(
    qtbot: Any, demo_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMessageBox

    from exchange_desk.ui.main_window import MainWindow

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda _parent, _title, text: shown.append(text))
    window = MainWindow(demo_db, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show_about()
    [text] = shown
    assert f"Log file: \u2066{logs.log_path()}\u2069" in text


def test_paths_in_a_hebrew_message_are_isolated_left_to_right() -> None:
    """A path in a right-to-left sentence keeps its order: the storage's path arguments are
    isolated whole (spaces included), other messages by their look."""
    import sqlite3

    from sqlalchemy.engine import make_url

    from exchange_desk.i18n.catalog import set_language
    from exchange_desk.storage.database import classify
    from exchange_desk.ui.bidi import isolate_paths
    from exchange_desk.ui.errors import _readable

    set_language("he")
    full = classify(
        sqlite3.OperationalError("database or disk is full"),
        make_url("sqlite:///C:/Users/Yael Levi/AppData/Roaming/ExchangeDesk/office.sqlite"),
    )
    assert full is not None
    text = _readable(full)
    assert "\u202aC:/Users/Yael Levi/AppData/Roaming/ExchangeDesk/office.sqlite\u202c" in text
    assert "מלא" in text  # still the Hebrew sentence around it
    assert isolate_paths("ratio 1/2, and/or") == "ratio 1/2, and/or"
    assert isolate_paths("קובץ /home/office/a.sqlite.") == "קובץ \u202a/home/office/a.sqlite\u202c."
