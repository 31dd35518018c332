"""Starting the GUI: the application object, its language and direction, the log and the
error handler (ui/errors.py), the main window, and the first-start offer of demo data."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from exchange_desk.domain.errors import ExchangeDeskError
from exchange_desk.i18n.catalog import _
from exchange_desk.logs import configure_logging
from exchange_desk.paths import portable_data_dir, resources_dir, settings_dir
from exchange_desk.services.connections import remember_file
from exchange_desk.services.database import Database, open_office_database
from exchange_desk.ui import errors
from exchange_desk.ui.language import apply_language, register_bundled_fonts, startup_language
from exchange_desk.ui.main_window import MainWindow

# paths.settings_dir's override, which tests set: Qt's settings file goes there too.
SETTINGS_OVERRIDE = "EXCHANGE_DESK_SETTINGS_DIR"
ON_WINDOWS = os.name == "nt"


def app_icon() -> QIcon:
    """Exchange Desk's icon in every size drawn for it (resources/icons)."""
    icon = QIcon()
    for path in sorted((resources_dir() / "icons").glob("exchange-desk-*.png")):
        icon.addFile(str(path))
    return icon


def use_settings_file() -> None:
    """Keep Qt's settings (window, language, folders, the printer's offset) in an INI file,
    never in the registry: on Windows `%APPDATA%\\ExchangeDesk\\Exchange Desk.ini`, beside
    the program's other settings (paths.settings_dir); a portable copy's in its own
    `data\\settings` folder. Elsewhere Qt's native store is such a file already
    (`~/.config/ExchangeDesk/Exchange Desk.conf` on Linux), and stays where it was."""
    portable = portable_data_dir()
    forced = os.environ.get(SETTINGS_OVERRIDE)
    if portable is not None:
        root = portable / "settings"  # a portable copy leaves nothing on the machine
    elif not ON_WINDOWS:
        return
    elif forced:
        root = Path(forced)  # the tests' own folder
    else:
        root = settings_dir().parent  # %APPDATA%: Qt adds ExchangeDesk\Exchange Desk.ini
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(root))
    if portable is None and not forced:
        _move_from_registry()


def _move_from_registry(source: QSettings | None = None) -> None:
    """An earlier version kept these settings in the registry: copied to the file once, so an
    update keeps the language, the window and the printer's calibrated offset."""
    target = QSettings()
    if Path(target.fileName()).exists():
        return
    if source is None:
        source = QSettings(
            QSettings.Format.NativeFormat,
            QSettings.Scope.UserScope,
            QCoreApplication.organizationName(),
            QCoreApplication.applicationName(),
        )
    for key in source.allKeys():
        target.setValue(key, source.value(key))
    target.sync()


def make_application(language: str | None = None) -> QApplication:
    """The QApplication in `language` (else the remembered or the system's), with its
    direction, Qt's own translations and the bundled fonts; errors nothing caught are
    reported from here on, and written to the log."""
    configure_logging()
    QCoreApplication.setOrganizationName("ExchangeDesk")
    QCoreApplication.setApplicationName("Exchange Desk")
    use_settings_file()
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    errors.install(app)
    app.setWindowIcon(app_icon())
    register_bundled_fonts()
    # Before any window exists, so every widget is laid out in the language's direction.
    apply_language(startup_language(language).code)
    return app


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
        errors.set_database(database.describe())
        window = MainWindow(database, remember=not screenshot)
        _keep(window)
        if screenshot and QGuiApplication.platformName() == "offscreen":
            # The offscreen platform's screen (800×800) is nobody's: pictures made on it
            # for the docs keep the size they always had.
            window.setMinimumSize(0, 0)
            window.resize(1280, 800)
    except ExchangeDeskError as exc:
        logging.getLogger("exchange_desk.ui").warning("Not opened: %s", exc.user_message())
        QMessageBox.critical(None, _("Exchange Desk"), exc.user_message())
        return 3
    if database.path is not None and not screenshot:
        remember_file(database.path)  # File ▸ Recent connections leads back to it
    if tab and not screenshot:
        window.show_tab(tab)
    window.show()
    if screenshot:
        window.screenshot_when_loaded(screenshot, tab)
    else:
        QTimer.singleShot(0, window.offer_demo_if_empty)
        # The day's automatic backup, in the background once the window is up.
        from exchange_desk.ui.backup_dialogs import start_backup_duties

        QTimer.singleShot(0, lambda: start_backup_duties(window))
    return app.exec()


# The window on screen. A top-level widget lives only as long as Python holds it, and the
# window that replaces another (File ▸ Connect to office database…) is made in a slot.
_windows: list[MainWindow] = []


def _keep(window: MainWindow) -> None:
    _windows[:] = [window]


def replace_window(old: MainWindow, database: Database) -> MainWindow:
    """Show a window on `database` in place of `old`: where it was, as large, on the same
    tab. `old` then closes (and keeps its settings, as at quitting) and its database is
    closed. What could be undone stays behind: it was done to the other database.

    The new window is shown before the old one closes, so that the application never has
    no window (it would quit)."""
    remember = old._remember
    if remember:
        old.save_settings()  # the new window restores the tabs' columns from them
    window = MainWindow(database, old.settings, remember=remember)
    window.restoreGeometry(old.saveGeometry())
    window.tabs.setCurrentIndex(old.tabs.currentIndex())
    if old.isVisible():
        window.show()
    previous = old.database
    if not old.close():  # it was asked to stay open: the new one goes
        window.close()
        window.deleteLater()
        database.dispose()
        return old
    old.deleteLater()
    previous.dispose()
    errors.set_database(database.describe())
    if database.path is not None and remember:
        remember_file(database.path)
    _keep(window)
    # The daily backup of the file switched to, as at a start on it.
    from exchange_desk.ui.backup_dialogs import start_backup_duties

    QTimer.singleShot(0, lambda: start_backup_duties(window))
    return window
