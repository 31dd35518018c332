"""The Help menu's User guide and Report a problem.

- **User guide** (F1): the offline guide, an HTML page per language with its pictures
  (`resources/guide/{en,zh_CN,he}/index.html`, `resources/guide/images/`), shown in the
  program in a `QTextBrowser`: contents with links, Back and Forward, and "Open in browser"
  for printing or a larger view. It follows the window's language, also while open; a
  language without a guide gets the English one. Nothing is fetched from the network.
- **Report a problem**: what whoever looks after the program needs first, put on the
  clipboard for an e-mail: the program's version, Python, Qt and the system, the language,
  the kind of database (never its address's password), the log file's path and the last
  error of this session. A message box says it is there and where the log is.

The last error is kept here: every error the program logs (`ui.errors.report_failure` logs
each one it shows; `exchange_desk` loggers at WARNING and above) and each message the main
window shows for a failure (`remember_error`).
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import threading
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from exchange_desk.i18n.catalog import _, active_language
from exchange_desk.logs import log_path
from exchange_desk.paths import resources_dir
from exchange_desk.ui.bidi import isolated
from exchange_desk.ui.errors import about_this_copy
from exchange_desk.ui.translated import Retranslating, plain_label

__all__ = [
    "GuideWindow",
    "guide_path",
    "install_help_actions",
    "last_error",
    "open_guide",
    "problem_report",
    "remember_error",
    "report_problem",
]

GUIDE_LANGUAGES = ("en", "zh_CN", "he")


def guide_folder() -> Path:
    return resources_dir() / "guide"


def guide_path(language: str | None = None) -> Path:
    """The guide's page in `language` (default the window's), else the English one."""
    code = language or active_language()
    if code not in GUIDE_LANGUAGES:
        code = "en"
    return guide_folder() / code / "index.html"


# --- the last error ------------------------------------------------------------------------------

_last: tuple[dt.datetime, str] | None = None
_lock = threading.Lock()


def remember_error(text: str) -> None:
    """Keep `text` as the last error shown (the newest wins)."""
    global _last
    line = " ".join(text.split())
    if line:
        with _lock:
            _last = (dt.datetime.now().astimezone(), line)


def last_error() -> str | None:
    """The last error of this session, with its time, or None."""
    with _lock:
        found = _last
    if found is None:
        return None
    moment, text = found
    return f"{moment.isoformat(timespec='seconds')} {text}"


class _ErrorKeeper(logging.Handler):
    """Keeps the newest error the program logs: WARNING and above of its own loggers (Qt's
    messages aside: they are mostly noise), and the refusals `report_failure` shows."""

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("exchange_desk.qt"):
            return
        shown = record.levelno >= logging.WARNING or record.getMessage().startswith("Refused")
        if not shown:
            return
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            text = f"{text}: {type(error).__name__}: {error}"
        remember_error(text)


_keeper: _ErrorKeeper | None = None


def keep_errors() -> None:
    """Start keeping the last error the program logs (once; at the first window)."""
    global _keeper
    if _keeper is None:
        _keeper = _ErrorKeeper(level=logging.INFO)
        logging.getLogger("exchange_desk").addHandler(_keeper)


# --- report a problem -----------------------------------------------------------------------------


def problem_report(database: Any = None) -> str:
    """The lines Report a problem copies: versions, system, language, database kind, log
    file, last error. In English, as the failure reports are: for whoever supports it."""
    backend = getattr(database, "backend", None)
    # The kind only: a path or a server's address is not for an e-mail.
    kind = {"postgresql": "PostgreSQL (shared)", "sqlite": "SQLite file"}.get(
        str(backend), "(none open)"
    )
    lines = [*about_this_copy(kind), f"Last error: {last_error() or '(none in this session)'}"]
    return "\n".join(lines) + "\n"


def report_problem(parent: QWidget | None, database: Any = None) -> str:
    """Help ▸ Report a problem: the report on the clipboard, and a box saying so."""
    text = problem_report(database)
    QGuiApplication.clipboard().setText(text)
    log_file = log_path()
    lines = [
        _(
            "A description of this copy of Exchange Desk and of the last error is now on "
            "the clipboard. Paste it into an e-mail to whoever looks after the program, and "
            "say what you were doing when the problem happened."
        )
    ]
    if log_file is not None:
        lines.append(_("Attach the log file too: {path}").format(path=isolated(log_file)))
    box = QMessageBox(
        QMessageBox.Icon.Information,
        _("Report a problem"),
        "\n\n".join(lines),
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setDetailedText(text)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.open()
    return text


# --- the guide ------------------------------------------------------------------------------------


class GuideWindow(Retranslating, QDialog):
    """The user guide in the window's language, with its contents and pictures."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(True)
        self.browser.setOpenExternalLinks(True)  # a web address opens in the browser
        self.back_button = QPushButton()
        self.back_button.clicked.connect(self.browser.backward)
        self.browser.backwardAvailable.connect(self.back_button.setEnabled)
        self.back_button.setEnabled(False)
        self.forward_button = QPushButton()
        self.forward_button.clicked.connect(self.browser.forward)
        self.browser.forwardAvailable.connect(self.forward_button.setEnabled)
        self.forward_button.setEnabled(False)
        self.contents_button = QPushButton()
        self.contents_button.clicked.connect(lambda _checked=False: self.show_contents())
        self.browser_button = QPushButton()
        self.browser_button.clicked.connect(lambda _checked=False: self.open_in_browser())
        bar = QHBoxLayout()
        for button in (self.back_button, self.forward_button, self.contents_button):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.browser_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(860, 680)
        self.language = ""
        self.translate_now()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Exchange Desk user guide"))
        self.back_button.setText(_("&Back"))
        self.forward_button.setText(_("&Forward"))
        self.contents_button.setText(_("C&ontents"))
        self.browser_button.setText(_("Open in &browser"))
        self.browser_button.setToolTip(_("Show the guide in the web browser, to print it"))
        if self.language != active_language():
            self.language = active_language()
            self.show_contents()

    def page(self) -> Path:
        return guide_path(self.language)

    def show_contents(self) -> None:
        """The guide's first page, at its top (after a switch: in the new language)."""
        self.browser.clearHistory()
        self.browser.setSource(QUrl.fromLocalFile(str(self.page())))
        self.browser.verticalScrollBar().setValue(0)

    def title(self) -> str:
        """The guide's title, as its page names itself."""
        return str(self.browser.documentTitle())

    def open_in_browser(self) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.page())))


_open: dict[int, GuideWindow] = {}


def open_guide(main: QWidget | None) -> GuideWindow:
    """Show the guide (the one open already, if any, brought forward)."""
    from exchange_desk.ui.visit_dialog import one_window

    return one_window(_open, id(main), lambda: GuideWindow(main))


# --- the menu -------------------------------------------------------------------------------------


class HelpActions(QObject):
    """Help ▸ User guide (F1) and Report a problem…, translated with the window."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.act_user_guide = QAction(window)
        self.act_user_guide.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.act_user_guide.triggered.connect(lambda _checked=False: self.show_guide())
        window.addAction(self.act_user_guide)
        self.act_report_problem = QAction(window)
        self.act_report_problem.triggered.connect(lambda _checked=False: self.report())
        window.installEventFilter(self)
        self.retranslate()

    def show_guide(self) -> GuideWindow:
        return open_guide(self.window)

    def report(self) -> str:
        return report_problem(self.window, getattr(self.window, "database", None))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.window
            and event.type() == QEvent.Type.LanguageChange
            and shiboken6.isValid(self.act_user_guide)
        ):
            self.retranslate()
        return False

    def retranslate(self) -> None:
        for action, text in (
            (self.act_user_guide, _("&User guide")),
            (self.act_report_problem, _("&Report a problem…")),
        ):
            action.setText(text)
            action.setIconText(plain_label(text))
        self.act_report_problem.setStatusTip(
            _("Copy the program's versions, the log file's path and the last error, for an e-mail")
        )


def install_help_actions(window: QMainWindow) -> HelpActions:
    """Put User guide and Report a problem… in `window`'s Help menu, before About, as
    `window.act_user_guide` and `window.act_report_problem`; from now on the last error
    is kept for the report."""
    keep_errors()
    actions = HelpActions(window)
    menu = window.menu_help  # type: ignore[attr-defined]
    first = menu.actions()[0] if menu.actions() else None
    if first is None:
        menu.addActions([actions.act_user_guide, actions.act_report_problem])
    else:
        menu.insertActions(first, [actions.act_user_guide, actions.act_report_problem])
        menu.insertSeparator(first)
    window.act_user_guide = actions.act_user_guide  # type: ignore[attr-defined]
    window.act_report_problem = actions.act_report_problem  # type: ignore[attr-defined]
    window.help_actions = actions  # type: ignore[attr-defined]
    return actions


def main(argv: list[str] | None = None) -> int:
    """Show the guide on its own (`--lang`); `--screenshot FILE` saves a picture, and quits."""
    import argparse

    from PySide6.QtCore import QTimer

    from exchange_desk.ui.app import make_application

    parser = argparse.ArgumentParser(prog="python -m exchange_desk.ui.help_window")
    parser.add_argument("--lang", help="en, zh_CN or he")
    parser.add_argument("--anchor", help="scroll to this section")
    parser.add_argument("--screenshot", metavar="FILE", help="save a picture, then quit")
    options = parser.parse_args(argv)
    app = make_application(options.lang)
    window = GuideWindow()
    window.show()
    if options.anchor:
        window.browser.scrollToAnchor(options.anchor)
    if options.screenshot:
        path = options.screenshot

        def shoot() -> None:
            if options.anchor:
                window.browser.scrollToAnchor(options.anchor)
            window.grab().save(path)
            app.quit()

        QTimer.singleShot(800, shoot)
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(main())
