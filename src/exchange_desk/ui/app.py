"""Starting the GUI: the application object, its language and direction, the main window,
and the first-start offer of demo data."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QLibraryInfo, Qt, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from exchange_desk.domain.errors import ExchangeDeskError
from exchange_desk.i18n.catalog import _, set_language
from exchange_desk.i18n.languages import find_language
from exchange_desk.i18n.system import system_language
from exchange_desk.services.database import open_office_database
from exchange_desk.ui.main_window import TAB_FOR_CLI, TABS, MainWindow


def make_application(language: str | None = None) -> QApplication:
    """The QApplication, set to `language` (else the system's) and its direction."""
    chosen = find_language(language or system_language()) or find_language("en")
    assert chosen is not None
    set_language(chosen.code)
    QCoreApplication.setOrganizationName("ExchangeDesk")
    QCoreApplication.setApplicationName("Exchange Desk")
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    _install_qt_translation(app, chosen.code)
    # Before any window exists, so every widget is laid out in the language's direction.
    app.setLayoutDirection(
        Qt.LayoutDirection.RightToLeft if chosen.is_rtl else Qt.LayoutDirection.LeftToRight
    )
    return app


_qt_translators: list[QTranslator] = []


def _install_qt_translation(app: QApplication, code: str) -> None:
    """Qt's own strings (OK, Cancel, the file and print dialogs) from Qt's qtbase catalogs."""
    for translator in _qt_translators:
        app.removeTranslator(translator)
    _qt_translators.clear()
    if code == "en":
        return
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{code}", folder):
        app.installTranslator(translator)
        _qt_translators.append(translator)


def run_gui(
    database_location: str | None = None,
    language: str | None = None,
    *,
    screenshot: str | None = None,
    tab: str | None = None,
) -> int:
    """Open the main window on the chosen database; returns the application's exit code.

    With `screenshot`, the window shows `tab`, waits until its data is there, saves a picture
    of itself to that file and quits.
    """
    app = make_application(language)
    try:
        database = open_office_database(database_location)
        window = MainWindow(database, remember=not screenshot)
    except ExchangeDeskError as exc:
        QMessageBox.critical(None, _("Exchange Desk"), exc.user_message())
        return 3
    if tab and not screenshot:
        key = TAB_FOR_CLI.get(tab, tab)
        window.tabs.setCurrentIndex([name for name, _title, _cli in TABS].index(key))
    window.show()
    if screenshot:
        window.screenshot_when_loaded(screenshot, tab)
    else:
        QTimer.singleShot(0, window.offer_demo_if_empty)
    return app.exec()
