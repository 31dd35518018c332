"""The main window: one tab per kind of record, menus, toolbar, status bar, editing with
undo and redo, and what it remembers between sessions (QSettings)."""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable, Mapping
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QByteArray,
    QDataStream,
    QIODevice,
    QPoint,
    QRect,
    QSettings,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QGuiApplication,
    QIcon,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStyle,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from exchange_desk import __version__
from exchange_desk.domain.errors import ConflictError, ExchangeDeskError, StorageUnavailable
from exchange_desk.i18n.catalog import _, active_language, ngettext
from exchange_desk.i18n.formatting import format_number
from exchange_desk.i18n.languages import LANGUAGES
from exchange_desk.services.changes import Changes
from exchange_desk.services.database import Database, check_database, is_empty
from exchange_desk.services.tables import tab_specs
from exchange_desk.ui.connect_dialog import install_connection_menu
from exchange_desk.ui.home_tab import HomeTab
from exchange_desk.ui.identity import apply_role
from exchange_desk.ui.language import apply_language, remember_language
from exchange_desk.ui.live_view import LiveView
from exchange_desk.ui.operations import CollectionOp, QueryOp
from exchange_desk.ui.record_tab import RecordTab
from exchange_desk.ui.translated import Retranslating, plain_label
from exchange_desk.ui.undo import UndoHistory
from exchange_desk.ui.workers import Cancelled

# The services that write, and the undo commands, load the ORM (0.2 s of SQLAlchemy's
# mapping): they are imported by the methods that edit, not when the window opens.

# (tab key, title, what `--tab` and `list` call it), from the kinds' declarations: a kind
# declared (and registered) before the window module is imported gets its tab.
_SPECS = tab_specs()
TABS: tuple[tuple[str, str, str], ...] = tuple(
    (spec.key, spec.title, spec.cli_name) for spec in _SPECS
)
TAB_OF_KIND = {**{spec.key: spec.key for spec in _SPECS}, **{s.kind: s.key for s in _SPECS}}
TAB_FOR_CLI = {**{s.kind: s.key for s in _SPECS}, **{s.cli_name: s.key for s in _SPECS}}
SETTINGS_GROUP = "main_window"
HOME = "home"  # the start screen's key: first in the window, `--tab home`

# --- the window's size on the screen ---------------------------------------------------
#
# 1366×768 is the commonest office laptop screen, often at 125 % or 150 %. Qt counts in
# logical pixels: at 125 % it is 1093×614, 1093×574 above Windows 10's taskbar (40) and
# 1093×566 above Windows 11's (48); at 150 % 911×512, 911×472 and 911×464. A window's frame
# takes 16×32 more: a title bar of 31 and a border of 1, and Windows' invisible resizing
# borders of 7 each side (the bottom one may lie over the taskbar). The smallest window
# fits the smallest of these, frame included: 880×430, 896×462 with its frame.
MINIMUM_SIZE = QSize(880, 430)
FRAME_ALLOWANCE = QSize(16, 32)
# A window opened for the first time fills a screen with less room than 1280×800, takes
# nine tenths of a larger one, and at most 1600×1000.
FIRST_SIZE, LARGEST_FIRST_SIZE = QSize(1280, 800), QSize(1600, 1000)
# How far a restored window's frame may stick out of the screen and still count as on it
# (Windows counts invisible resizing borders, 7 px, into the frame of a maximized window).
FRAME_SLACK = 10
_GEOMETRY_MAGIC = 0x1D9D0CB  # what the data of QWidget.saveGeometry starts with


def minimum_size(available: QSize) -> QSize:
    """The window's minimum on a screen whose available area (without the taskbar) is
    `available`: MINIMUM_SIZE, or less on a screen too small for it."""
    return MINIMUM_SIZE.boundedTo(available - FRAME_ALLOWANCE)


def first_size(available: QSize) -> QSize:
    """The size of a window opened with nothing remembered, on a screen whose available
    area is `available` (logical pixels): it and its frame stay within that area."""
    room = available - FRAME_ALLOWANCE

    def part(room: int, usual: int, largest: int) -> int:
        if room <= usual:
            return room
        return min(largest, max(usual, round(room * 0.9)))

    size = QSize(
        part(room.width(), FIRST_SIZE.width(), LARGEST_FIRST_SIZE.width()),
        part(room.height(), FIRST_SIZE.height(), LARGEST_FIRST_SIZE.height()),
    )
    return size.expandedTo(minimum_size(available))


def fits(saved: QRect, available: QRect) -> bool:
    """Whether a window's saved frame lies within a screen's available area."""
    slack = FRAME_SLACK
    return saved.isValid() and available.adjusted(-slack, -slack, slack, slack).contains(saved)


def saved_geometry(state: QByteArray) -> tuple[QRect, QRect] | None:
    """The frame and the normal geometry kept in the data of QWidget.saveGeometry (the
    format every Qt since 4.3 writes), or None if `state` is not such data."""
    stream = QDataStream(state, QIODevice.OpenModeFlag.ReadOnly)
    if stream.readUInt32() != _GEOMETRY_MAGIC:
        return None
    stream.readUInt16()  # the format's major and minor version: both rectangles come first
    stream.readUInt16()
    frame, normal = QRect(), QRect()
    stream >> frame
    stream >> normal
    if stream.status() != QDataStream.Status.Ok:
        return None
    return frame, normal


class MainWindow(Retranslating, QMainWindow):
    """Exchange Desk's window on one database."""

    def __init__(
        self,
        database: Database,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
        *,
        remember: bool = True,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.settings = settings or QSettings()
        # Steps run as operations; a step that fails clears the history (see ui.undo).
        self.history = UndoHistory(self, database)
        self.history.failed.connect(self._step_failed)
        self.undo_stack = self.history.stack
        self._opening: QueryOp[Any] | None = None  # a dialog or a question on its way
        # Off for pictures made for the docs: they show the defaults and change nothing.
        self._remember = remember
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        # Tabs are built when first shown: the window appears as soon as its first tab can.
        self.record_tabs: dict[str, RecordTab] = {}
        self._pages: dict[str, QWidget] = {}
        # The start screen first; the record tabs after it, in their declared order.
        self.home = HomeTab(database)
        self.home.open_record.connect(self.go_to)
        self.home.action_requested.connect(self._home_action)
        self._pages[HOME] = self.home
        self.tabs.addTab(self.home, "")
        self._last_record_tab = TABS[0][0]  # what Edit and Delete act on while Home shows
        for key, _title, _name in TABS:
            page = QWidget()
            page_layout = QVBoxLayout(page)
            page_layout.setContentsMargins(0, 0, 0, 0)
            self._pages[key] = page
            self.tabs.addTab(page, "")
        self.setCentralWidget(self.tabs)
        self._make_actions()
        self._make_menus()
        self._make_toolbar()
        self._counts = QLabel()
        self._where = QLabel()
        self.statusBar().addWidget(self._counts, 1)
        self.statusBar().addPermanentWidget(self._where)
        # Who you are, and what your role may not do greyed out (the actions exist now).
        self.role_guard = apply_role(self, database)
        self.translate_now()
        if remember:
            self._restore_settings()
        else:
            self.size_to_screen()
        self.tabs.currentChanged.connect(self._tab_shown)
        self._tab_shown(self.tabs.currentIndex())
        # Other desks' changes reach the screens as this desk's own do (ui.live_view).
        self.live_view = LiveView(database, self, status_bar=self.statusBar())
        self.live_view.start()

    # --- building ----------------------------------------------------------------------

    def _action(
        self,
        slot: Callable[[], Any],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        icon: QStyle.StandardPixmap | None = None,
    ) -> QAction:
        action = QAction(self)
        action.triggered.connect(lambda _checked=False: slot())
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        sp = QStyle.StandardPixmap
        self.act_new = self._action(self.new_record, QKeySequence.StandardKey.New, sp.SP_FileIcon)
        self.act_edit = self._action(self.edit_current, "F2", sp.SP_FileDialogDetailedView)
        # Enter edits and Delete deletes only in a table: in the search box they edit text.
        self.act_edit_enter = self._action(self.edit_current, "Return")
        self.act_edit_enter.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.removeAction(self.act_edit_enter)
        self.act_duplicate = self._action(self.duplicate_current, "Ctrl+D")
        self.act_delete = self._action(
            self.delete_current, QKeySequence.StandardKey.Delete, sp.SP_TrashIcon
        )
        self.act_delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.removeAction(self.act_delete)
        self.act_undo = self._action(self.undo, QKeySequence.StandardKey.Undo, sp.SP_ArrowBack)
        self.act_redo = self._action(self.redo, "Ctrl+Shift+Z", sp.SP_ArrowForward)
        self.act_find = self._action(self.focus_search, QKeySequence.StandardKey.Find)
        self.act_reload = self._action(
            self.reload_all, QKeySequence.StandardKey.Refresh, sp.SP_BrowserReload
        )
        self.act_details = QAction(self)
        self.act_details.setCheckable(True)
        self.act_details.setChecked(True)
        self.act_details.toggled.connect(self._show_details)
        self.act_profile = self._action(self.edit_office_profile)
        self.act_import = self._action(self.import_sheets, "Ctrl+I")
        self.act_import_template = self._action(self.save_import_template)
        self.act_export_view = self._action(self.export_view)
        self.act_save_list_pdf = self._action(self.save_list_pdf)
        # Ctrl+P prints a certificate already: the list is printed from the menus.
        self.act_print_list = self._action(self.print_list)
        self.act_export_all = self._action(self.export_all)
        # Ctrl+C in a table copies its selected rows; in the search box it copies text.
        self.act_copy_rows = self._action(self.copy_rows, QKeySequence.StandardKey.Copy)
        self.act_copy_rows.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.removeAction(self.act_copy_rows)
        self.act_check = self._action(self.check_database)
        self.act_demo = self._action(self.load_demo)
        self.act_statistics = self._action(self.show_statistics)
        self.act_anniversaries = self._action(self.show_anniversaries)
        self.act_certificate = self._action(
            self.certificate_of_current, "Ctrl+P", sp.SP_FileDialogContentsView
        )
        # The desktop's printer icon where it has one (Linux themes); Qt's own elsewhere.
        self.act_certificate.setIcon(QIcon.fromTheme("document-print", self.act_certificate.icon()))
        self.act_batch = self._action(self.print_certificates, "Ctrl+Shift+P")
        self.act_register = self._action(self.show_register)
        self.act_annual_report = self._action(self.annual_report)
        self.act_gift_declaration = self._action(self.gift_declaration)
        self.act_city_dossier = self._action(self.city_dossier_of_current)
        self.act_delegation_brief = self._action(self.delegation_brief_of_current)
        # Files on the selected record (the detail pane's Files section).
        self.act_attach = self._action(self.attach_to_current, "Ctrl+Shift+A")
        # A delegation's members, programme and documents; an event's guest list.
        self.act_visit = self._action(self.visit_of_current, "Ctrl+M")
        self.act_guest_list = self._action(self.guest_list_of_current)
        self.act_congratulation = self._action(self.congratulation_of_current)
        self.act_about = self._action(self.show_about)
        self.act_quit = self._action(self.close, QKeySequence.StandardKey.Quit)
        # The start screen: Alt+Home, as a browser goes to its home page.
        self.act_home = self._action(lambda: self.show_tab(HOME), "Alt+Home")
        self.tab_actions = []
        for index in range(len(TABS)):
            action = self._action(self._tab_switcher(index), f"Ctrl+{index + 1}")
            self.tab_actions.append(action)
        # One checkable entry per language, in its own name, so anyone finds their own.
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for language in LANGUAGES:
            action = QAction(language.native_name, self)
            action.setCheckable(True)
            action.setData(language.code)
            action.triggered.connect(
                lambda _checked=False, code=language.code: self.switch_language(code)
            )
            self.language_group.addAction(action)
            self.language_actions[language.code] = action
        self.undo_stack.canUndoChanged.connect(self.act_undo.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.act_redo.setEnabled)
        # The menu says what Undo takes back ("Undo Import of 120 records from …").
        self._step_texts = {"undo": "", "redo": ""}
        self.undo_stack.undoTextChanged.connect(lambda text: self._undo_texts(undo=text))
        self.undo_stack.redoTextChanged.connect(lambda text: self._undo_texts(redo=text))
        self.act_undo.setEnabled(False)
        self.act_redo.setEnabled(False)

    def _tab_switcher(self, index: int) -> Callable[[], None]:
        return lambda: self.tabs.setCurrentWidget(self._pages[TABS[index][0]])

    def show_tab(self, key: str) -> None:
        """Show the tab `key` (its key, kind or command-line name, or "home")."""
        key = HOME if key == HOME else TAB_FOR_CLI.get(key, key)
        self.tabs.setCurrentWidget(self._pages[key])

    def current_key(self) -> str:
        """The key of the tab shown: "home" or a record tab's."""
        index = max(self.tabs.currentIndex(), 0)
        return HOME if index == 0 else TABS[index - 1][0]

    def _make_menus(self) -> None:

        bar = self.menuBar()
        self.menu_file = bar.addMenu("")
        self.menu_file.addActions([self.act_import, self.act_import_template])
        self.menu_file.addSeparator()
        self.menu_file.addActions(
            [self.act_export_view, self.act_save_list_pdf, self.act_print_list, self.act_export_all]
        )
        self.menu_file.addSeparator()
        self.menu_file.addActions([self.act_profile, self.act_check])
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.act_quit)
        # Back up…, Restore… and Backups…, before Quit (they translate themselves too).
        from exchange_desk.ui.backup_dialogs import install_backup_actions

        install_backup_actions(self)
        # File ▸ Letter templates…, after Office profile… (translates itself).
        from exchange_desk.ui.letter_templates_dialog import install_letter_templates_action

        install_letter_templates_action(self)
        # Connect to office database… and Recent connections, at the top (they translate
        # themselves when the language changes).
        self.connections_menu = install_connection_menu(self, self.menu_file)
        # New database from demo…, after Recent connections (translates itself).
        from exchange_desk.ui.demo_database import install_demo_database_action

        install_demo_database_action(self)
        self.menu_edit = bar.addMenu("")
        self.menu_edit.addActions([self.act_undo, self.act_redo])
        self.menu_edit.addSeparator()
        self.menu_edit.addActions([self.act_copy_rows, self.act_find])
        self.menu_view = bar.addMenu("")
        self.menu_view.addAction(self.act_home)
        self.menu_view.addActions(self.tab_actions)
        self.menu_view.addSeparator()
        self.menu_view.addActions([self.act_details, self.act_reload])
        self.menu_records = bar.addMenu("")
        self.menu_records.addActions(
            [self.act_new, self.act_edit, self.act_duplicate, self.act_delete]
        )
        self.menu_records.addAction(self.act_attach)
        self.menu_records.addSeparator()
        self.menu_records.addActions([self.act_visit, self.act_guest_list, self.act_congratulation])
        # The demo is File ▸ New database from demo… (a file of its own); act_demo stays for
        # the first-start offer on an empty database.
        self.menu_documents = bar.addMenu("")
        self.menu_documents.addActions([self.act_certificate, self.act_batch, self.act_register])
        self.menu_documents.addSeparator()
        self.menu_documents.addActions(
            [
                self.act_annual_report,
                self.act_city_dossier,
                self.act_delegation_brief,
                self.act_gift_declaration,
            ]
        )
        self.menu_documents.addSeparator()
        self.menu_documents.addActions([self.act_statistics, self.act_anniversaries])
        self.menu_language = bar.addMenu("")
        self.menu_language.addActions(list(self.language_actions.values()))
        self.menu_help = bar.addMenu("")
        self.menu_help.addAction(self.act_about)
        # User guide (F1) and Report a problem…, before About (they translate themselves).
        from exchange_desk.ui.help_window import install_help_actions

        install_help_actions(self)

    def _make_toolbar(self) -> None:
        self.toolbar = QToolBar()
        self.toolbar.setObjectName("main_toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.addActions([self.act_new, self.act_edit, self.act_delete])
        self.toolbar.addSeparator()
        self.toolbar.addActions([self.act_undo, self.act_redo])
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.act_reload)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.act_certificate)
        self.addToolBar(self.toolbar)

    def switch_language(self, code: str) -> None:
        """The Language menu: the whole program changes language now, and starts in it
        next time."""
        language = apply_language(code)
        if self._remember:
            remember_language(language.code, self.settings)

    def _set_direction_icons(self) -> None:
        """Undo points back and Redo forward, which is to the right in a right-to-left
        window: Qt's style picks the arrow for the application's direction when asked."""
        sp = QStyle.StandardPixmap
        self.act_undo.setIcon(self.style().standardIcon(sp.SP_ArrowBack))
        self.act_redo.setIcon(self.style().standardIcon(sp.SP_ArrowForward))

    def retranslate(self) -> None:
        """Set every text in the active language."""
        current = self.language_actions.get(active_language())
        if current is not None:
            current.setChecked(True)
        self._set_direction_icons()

        self.setWindowTitle(_("Exchange Desk"))
        self.tabs.setTabText(0, _("Home"))
        self.act_home.setText(_("&Home"))
        for index, (key, title, _name) in enumerate(TABS):
            self.tabs.setTabText(index + 1, _(title))
            if key in self.record_tabs:
                self.record_tabs[key].retranslate()
            self.tab_actions[index].setText(_(title))
        texts = {
            self.act_new: _("&New…"),
            self.act_edit: _("&Edit…"),
            self.act_duplicate: _("D&uplicate…"),
            self.act_delete: _("&Delete…"),
            self.act_attach: _("Attach &files…"),
            self.act_undo: _("&Undo"),
            self.act_redo: _("&Redo"),
            self.act_find: _("&Find"),
            self.act_reload: _("Re&load"),
            self.act_details: _("Show &details"),
            self.act_profile: _("Office &profile…"),
            self.act_import: _("&Import…"),
            self.act_import_template: _("Import &template…"),
            self.act_export_view: _("&Export view…"),
            self.act_save_list_pdf: _("Save list as P&DF…"),
            self.act_print_list: _("P&rint list…"),
            self.act_export_all: _("Export &all…"),
            self.act_copy_rows: _("&Copy rows"),
            self.act_check: _("&Check database"),
            self.act_demo: _("Load de&mo data…"),
            self.act_statistics: _("&Statistics…"),
            self.act_anniversaries: _("&Anniversaries…"),
            self.act_certificate: _("&Certificate…"),
            self.act_batch: _("&Print certificates…"),
            self.act_register: _("Certificate &register…"),
            self.act_annual_report: _("A&nnual report…"),
            self.act_gift_declaration: _("Declaration of g&ifts…"),
            self.act_city_dossier: _("Partner city &dossier…"),
            self.act_delegation_brief: _("Dele&gation brief…"),
            self.act_visit: _("Members and &programme…"),
            self.act_guest_list: _("&Guest list…"),
            self.act_congratulation: _("Letter of &congratulation…"),
            self.act_about: _("&About Exchange Desk"),
            self.act_quit: _("&Quit"),
        }
        for action, text in texts.items():
            action.setText(text)
            # Tool buttons show the text without its mnemonic; Qt strips "&" but not the
            # Chinese "(&N)" form, nor the ellipsis of a menu entry.
            action.setIconText(plain_label(text))
        self._undo_texts()
        self.act_copy_rows.setStatusTip(
            _("Copy the selected rows with the column headers, to paste into Excel")
        )
        self.menu_file.setTitle(_("&File"))
        self.menu_edit.setTitle(_("&Edit"))
        self.menu_view.setTitle(_("&View"))
        self.menu_records.setTitle(_("&Records"))
        self.menu_documents.setTitle(_("D&ocuments"))
        self.menu_language.setTitle(_("&Language"))
        self.menu_help.setTitle(_("&Help"))
        self.toolbar.setWindowTitle(_("Toolbar"))
        self._where.setText(self._location())
        self._update_status()

    def _undo_texts(self, *, undo: str | None = None, redo: str | None = None) -> None:
        """The menu's Undo and Redo name the step they take back or do again; the toolbar
        keeps the short word. The texts come with the stack's signals (which it
        still sends while the window is being destroyed: nothing is asked of it here)."""
        if undo is not None:
            self._step_texts["undo"] = undo
        if redo is not None:
            self._step_texts["redo"] = redo
        if not shiboken6.isValid(self.act_undo) or not shiboken6.isValid(self.act_redo):
            return
        for action, plain, named, text in (
            (self.act_undo, _("&Undo"), _("&Undo {step}"), self._step_texts["undo"]),
            (self.act_redo, _("&Redo"), _("&Redo {step}"), self._step_texts["redo"]),
        ):
            action.setText(named.format(step=text) if text else plain)
            action.setIconText(plain_label(plain))
            action.setToolTip(plain_label(action.text()))

    def _location(self) -> str:
        backend = "PostgreSQL" if self.database.backend == "postgresql" else "SQLite"
        # Isolated left to right, or a Hebrew line would move the path's slashes.
        return _("{backend}: {where}").format(
            backend=backend, where="\u2066" + self.database.describe() + "\u2069"
        )

    # --- the start screen ---------------------------------------------------------------

    def _home_action(self, action: Any, item: Any) -> Any:
        """Do what a due item's button says, as the menus would for a chosen record."""
        from exchange_desk.services.due import DueAction

        if action is DueAction.KIT:
            return self.anniversary_kit(item.record_id, item.date.year)
        if action is DueAction.LETTER:
            from exchange_desk.ui.congratulation_dialog import open_congratulation

            return open_congratulation(self, self.database, item.record_id)
        if action is DueAction.DOSSIER and item.city_id is not None:
            return self._open_report("city", record_id=item.city_id)
        if action is DueAction.BRIEF:
            return self._open_report("delegation", record_id=item.record_id)
        if action is DueAction.PRINT:
            return self.open_certificate(item.record_id)
        return self.go_to(item.record_kind, item.record_id)

    def anniversary_kit(self, partnership_id: int, year: int | None = None) -> Any:
        """The letter of congratulation, a certificate and the dossier for a partnership's
        coming round anniversary, made into a folder the user chooses, which then opens."""
        from exchange_desk.ui.anniversary_kit import make_kit

        return make_kit(self, self.database, partnership_id, year, self.settings)

    # --- tabs ----------------------------------------------------------------------------

    def current_tab(self) -> RecordTab:
        """The record tab shown, or while Home shows, the one shown last."""
        key = self.current_key()
        return self.tab(self._last_record_tab if key == HOME else key)

    def tab(self, key: str) -> RecordTab:
        """The tab `key` (or its `list` name), built on first use."""
        key = TAB_FOR_CLI.get(key, key)
        tab = self.record_tabs.get(key)
        if tab is None:
            tab = RecordTab(self.database, key)
            tab.activated.connect(self.edit_current)
            tab.go_to.connect(self.go_to)
            tab.counts_changed.connect(self._update_status)
            tab.failed.connect(self._report)
            tab.copy_requested.connect(self.copy_rows)
            # Files attached or removed in the detail pane are steps of the undo history.
            tab.detail.step_done.connect(self.history.push)
            tab.detail.setVisible(self.act_details.isChecked())
            tab.view.addActions([self.act_edit_enter, self.act_delete, self.act_copy_rows])
            tab.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            tab.view.customContextMenuRequested.connect(
                lambda point, view=tab.view, kind=tab.model.table.kind: self._context_menu(
                    view, kind, point
                )
            )
            if self._remember:
                self._restore_tab(key, tab)
            self.record_tabs[key] = tab
            layout = self._pages[key].layout()
            assert layout is not None
            layout.addWidget(tab)
        return tab

    def context_actions(self, kind: str) -> list[QAction | None]:
        """What a right click on a record offers (None: a separator). The awards add their
        certificate and the register, a conference its batch of certificates, a partnership
        its city's dossier and a delegation its brief."""
        actions: list[QAction | None] = [self.act_edit, self.act_duplicate, self.act_delete]
        if kind == "awards":
            actions += [None, self.act_certificate, self.act_register]
        elif kind == "conferences":
            actions += [None, self.act_batch]
        elif kind == "partnerships":
            actions += [None, self.act_city_dossier, self.act_congratulation]
        elif kind == "cities":
            actions += [None, self.act_city_dossier]
        elif kind == "delegations":
            actions += [None, self.act_visit, self.act_delegation_brief]
        elif kind == "events":
            actions += [None, self.act_guest_list]
        actions += [
            None,
            self.act_copy_rows,
            self.act_export_view,
            self.act_save_list_pdf,
            self.act_print_list,
        ]
        return actions

    def _context_menu(self, view: QWidget, kind: str, point: Any) -> None:
        menu = QMenu(self)
        for action in self.context_actions(kind):
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.exec(view.mapToGlobal(point))

    def _tab_shown(self, index: int) -> None:
        home = self.current_key() == HOME
        if index >= 0 and not home:
            self._last_record_tab = self.current_key()
            self.current_tab().load_all()
        elif home:
            self.home.load_if_stale()
            # The record tab the record actions come back to is ready when it is chosen.
            self.current_tab().load_all()
        # On the start screen there is no record to edit or list to export.
        for action in self._record_actions():
            action.setEnabled(not home)
        self._update_status()

    def _record_actions(self) -> list[QAction]:
        return [
            self.act_new,
            self.act_edit,
            self.act_edit_enter,
            self.act_duplicate,
            self.act_delete,
            self.act_attach,
            self.act_find,
            self.act_export_view,
            self.act_save_list_pdf,
            self.act_print_list,
            self.act_copy_rows,
        ]

    def _update_status(self) -> None:
        key = self.current_key()
        if key == HOME:
            self._counts.setText("")
            return
        tab = self.record_tabs.get(key)
        if tab is None:
            return
        total = len(tab.model.table)
        shown = tab.model.visible_count()
        if not tab.complete:
            text = _("Loading…")
        elif shown == total:
            text = ngettext("{count} record", "{count} records", total).format(
                count=format_number(total)
            )
        else:
            text = _("{shown} of {total} records shown").format(
                shown=format_number(shown), total=format_number(total)
            )
        self._counts.setText(text)

    def go_to(self, kind: str, record_id: int) -> None:
        """Show a related record: in its tab if it has one, else in its dialog."""
        from exchange_desk.services import records

        if kind == "cities":
            found = records.list_records(
                self.database,
                "partnerships",
                records.ListQuery(filters={"city_id": record_id}, limit=1),
            ).rows
            if not found:
                self._edit(kind, record_id)
                return
            kind, record_id = "partnerships", found[0].record.id
        key = TAB_OF_KIND.get(kind)
        if key is None:
            self._edit(kind, record_id)
            return
        tab = self.tab(key)
        self.tabs.setCurrentWidget(self._pages[key])

        def select() -> None:
            if not tab.select_record(record_id):
                self.statusBar().showMessage(_("That record is no longer there."), 4000)

        if tab.complete:
            select()
        else:
            tab.select_when_loaded(record_id)

    # --- lists in and out ------------------------------------------------------------------

    def import_sheets(self, path: str | None = None) -> Any:
        """File ▸ Import…: the import wizard over the window."""
        from exchange_desk.ui.import_wizard import open_import_wizard

        return open_import_wizard(self, self.database, history=self.history, path=path)

    def save_import_template(self) -> Any:
        from exchange_desk.ui.list_export import TemplateDialog

        dialog = TemplateDialog(self.database, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def export_view(self) -> Any:
        from exchange_desk.ui.list_export import export_view

        return export_view(self, self.current_tab())

    def save_list_pdf(self) -> Any:
        from exchange_desk.ui.list_export import save_list_pdf

        return save_list_pdf(self, self.current_tab())

    def print_list(self) -> Any:
        from exchange_desk.ui.list_export import print_list

        return print_list(self, self.current_tab())

    def export_all(self) -> Any:
        from exchange_desk.ui.list_export import export_all

        return export_all(self, self.database)

    def copy_rows(self) -> str:
        from exchange_desk.ui.list_export import copy_rows

        text = copy_rows(self.current_tab())
        if text:
            rows = text.count("\n") - 1
            self.statusBar().showMessage(
                ngettext(
                    "{count} row copied, with the column headers.",
                    "{count} rows copied, with the column headers.",
                    rows,
                ).format(count=format_number(rows)),
                4000,
            )
        return text

    def focus_search(self) -> None:
        tab = self.current_tab()
        tab.search_box.setFocus()
        tab.search_box.selectAll()

    def _show_details(self, shown: bool) -> None:
        for tab in self.record_tabs.values():
            tab.detail.setVisible(shown)

    def reload_all(self) -> None:
        for tab in self.record_tabs.values():
            tab.reload()

    # --- editing -------------------------------------------------------------------------
    #
    # Each use case is one service call run as an operation (ui.operations): the records are
    # read off the GUI thread before a dialog opens, a dialog stores what it edits the same
    # way, and every screen reads again what the `changed` signal says was written.

    def _saved(self, saved: Any) -> None:
        """A dialog stored a record (`editing.Saved`): its step enters the undo history."""
        self.history.push(saved.step)

    def _open_dialog(
        self, kind: str, record_id: int | None, *, duplicate: bool = False
    ) -> QueryOp[Any] | None:
        """Read the record (if any) and every list its dialog chooses from, off the GUI
        thread, then open the dialog on them (None: a dialog is on its way already)."""
        from exchange_desk.ui.record_dialog import picker_kinds

        if self._opening is not None:
            return None
        kinds = picker_kinds(kind)

        def read(database: Database) -> tuple[Any, dict[str, list[tuple[int, str]]], Any]:
            from exchange_desk.services.editing import new_values
            from exchange_desk.services.records import get_record
            from exchange_desk.ui.fields import read_choices

            record = get_record(database, kind, record_id) if record_id is not None else None
            initial = new_values(database, kind) if record_id is None else {}
            return record, read_choices(database, kinds), initial

        def show(found: tuple[Any, dict[str, list[tuple[int, str]]], Any]) -> None:
            self._opening = None
            record, choices, initial = found
            self._dialog(kind, record, duplicate=duplicate, choices=choices, initial=initial)

        self._opening = QueryOp(self, read).success(show).failure(self._read_failed)
        return self._opening.run_in_background()

    def _read_failed(self, error: BaseException) -> None:
        self._opening = None
        self._report(error)

    def _dialog(
        self,
        kind: str,
        record: Any | None,
        *,
        duplicate: bool = False,
        choices: dict[str, list[tuple[int, str]]] | None = None,
        initial: Mapping[str, Any] | None = None,
    ) -> Any | None:
        from exchange_desk.ui.record_dialog import edit_record

        return edit_record(
            self,
            self.database,
            kind,
            record,
            duplicate=duplicate,
            choices=choices,
            on_saved=self._saved,
            initial=initial,
        )

    def _edit(self, kind: str, record_id: int) -> QueryOp[Any] | None:
        return self._open_dialog(kind, record_id)

    def new_record(self) -> QueryOp[Any] | None:
        return self._open_dialog(self.current_tab().model.table.kind, None)

    def edit_current(self) -> QueryOp[Any] | None:
        tab = self.current_tab()
        record_id = tab.current_id()
        if record_id is None:
            return None
        return self._edit(tab.model.table.kind, record_id)

    def duplicate_current(self) -> QueryOp[Any] | None:
        tab = self.current_tab()
        record_id = tab.current_id()
        if record_id is None:
            return None
        return self._open_dialog(tab.model.table.kind, record_id, duplicate=True)

    def delete_current(self) -> QueryOp[Any] | None:
        """Ask, with the list of what depends on the record (read off the GUI thread), then
        delete it and all of that in one transaction."""
        tab = self.current_tab()
        record_id = tab.current_id()
        if record_id is None or self._opening is not None:
            return None
        kind = tab.model.table.kind

        def preview(database: Database) -> Any:
            from exchange_desk.services.editing import deletion_preview

            return deletion_preview(database, kind, record_id)

        def ask(found: Any) -> None:
            self._opening = None
            self._confirm_delete(found)

        self._opening = QueryOp(self, preview).success(ask).failure(self._read_failed)
        return self._opening.run_in_background()

    def _confirm_delete(self, preview: Any, changed: str = "") -> CollectionOp[Any] | None:
        """Ask before deleting; `changed` says who changed the record since it was last
        asked about (the delete was refused: another desk's change is not thrown away
        unasked)."""
        label, name, found = preview.kind_label, preview.name.best(), preview.dependents
        if found:
            lines = "".join(f"<li>{html.escape(d.describe())}</li>" for d in found)
            text = _("Other records depend on the {kind} “{name}”:").format(
                kind=label, name=html.escape(name)
            )
            question = _("Delete it and do all of the above? You can undo this with Ctrl+Z.")
            message = f"<p>{text}</p><ul>{lines}</ul><p>{question}</p>"
        else:
            # Rich text like the other branch, so an escaped ' in Xi'an shows as itself.
            question = _("Delete the {kind} “{name}”? You can undo this with Ctrl+Z.").format(
                kind=label, name=name
            )
            message = f"<p>{html.escape(question)}</p>"
        if changed:
            message = f"<p><b>{html.escape(changed)}</b></p>{message}"
        answer = QMessageBox.question(
            self,
            _("Delete"),
            message,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        kind, record_id, cascade = preview.kind, preview.id, bool(found)
        version = preview.version

        def delete(database: Database) -> Any:
            from exchange_desk.services.editing import delete_record

            return delete_record(database, kind, record_id, cascade=cascade, version=version)

        def deleted(result: Any) -> None:
            from exchange_desk.ui.undo import name_step

            # The Edit menu's Undo names the record; the hint comes once Undo can take it.
            self.history.push(name_step(result.step, name))
            if self.undo_stack.canUndo():
                self.statusBar().showMessage(
                    _("Deleted the {kind} “{name}”. Ctrl+Z brings it back.").format(
                        kind=label, name=name
                    ),
                    5000,
                )

        def refused(error: BaseException) -> None:
            if not isinstance(error, ConflictError) or error.stored is None:
                self._report(error)
                return

            def preview_again(database: Database) -> Any:
                from exchange_desk.services.editing import deletion_preview

                return deletion_preview(database, kind, record_id)

            note = str(error).splitlines()[0]
            QueryOp(self, preview_again).success(
                lambda again: self._confirm_delete(again, note)
            ).failure(self._read_failed).run_in_background()

        return CollectionOp(self, delete).success(deleted).failure(refused).run_in_background()

    def attach_to_current(self) -> Any:
        """Records ▸ Attach files…: the file dialog of the selected record's Files."""
        files = self.current_tab().detail.files
        if files is None:
            QMessageBox.information(
                self,
                _("Attach files"),
                _("Select a record, then choose Attach files… again."),
            )
            return None
        return files.choose_files()

    def undo(self) -> CollectionOp[Any] | None:
        # "Ctrl+Z brings it back" has been taken up: it must not stay after the undo.
        self.statusBar().clearMessage()
        return self.history.undo()

    def redo(self) -> CollectionOp[Any] | None:
        return self.history.redo()

    def _step_failed(self, error: BaseException) -> None:
        """An undo or redo failed (the records changed meanwhile): the history is cleared."""
        if isinstance(error, ExchangeDeskError):
            self._report(
                error,
                _("This step could not be undone or redone, so the undo history was cleared."),
            )
        else:
            from exchange_desk.ui.errors import report_failure

            report_failure(error, self)

    # --- office, checks, demo --------------------------------------------------------------

    def edit_office_profile(self) -> None:
        from exchange_desk.ui.profile_dialog import edit_office_profile

        edit_office_profile(self, self.database)

    def check_database(self) -> QueryOp[Any]:
        return (
            QueryOp(self, check_database)
            .success(self._show_check)
            .failure(self._report)
            .run_in_background()
        )

    def _show_check(self, report: Any) -> None:
        if report.ok:
            QMessageBox.information(
                self,
                _("Check database"),
                _("No problems found in {where}.").format(where=self.database.describe()),
            )
        else:
            problems = "\n".join(report.problems) or _("The schema is not the newest.")
            QMessageBox.warning(self, _("Check database"), problems)

    def load_demo(self) -> None:
        """Load the demo data (after asking, over records), off the GUI thread; every tab
        reads again."""
        empty = is_empty(self.database)
        if not empty:
            answer = QMessageBox.warning(
                self,
                _("Load demo data"),
                _(
                    "This replaces every record in the database with the demo data. A backup "
                    "copy of a database file is made first. Continue?"
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        operation: CollectionOp[Changes]

        def work(database: Database) -> Changes:
            from exchange_desk.services.demo import fill_demo
            from exchange_desk.services.kinds import KINDS

            fill_demo(database, force=not empty, progress=operation.report)
            return Changes.everything(KINDS)

        def failed(error: BaseException) -> None:
            if not isinstance(error, Cancelled):
                self._report(error)

        operation = (
            CollectionOp(self, work)
            .with_progress(_("Loading the demo data"), cancellable=True)
            .success(lambda _changes: self.history.clear())
            .failure(failed)
        )
        self._demo_progress = operation.run_in_background()

    def offer_demo_if_empty(self) -> None:
        """On a new, empty database: load the demo data, import the office's sheets, or
        start empty."""
        if not is_empty(self.database):
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Exchange Desk"))
        box.setText(_("This database is empty."))
        box.setInformativeText(
            _(
                "Load the demo data (the 2018 Jinan–Kfar Saba report, with "
                "sample partners marked as such) to look around, or start "
                "with an empty database for your office."
            )
        )
        demo = box.addButton(_("Load demo data"), QMessageBox.ButtonRole.AcceptRole)
        sheets = box.addButton(_("Import the office's sheets…"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(_("Start empty"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is demo:
            self.load_demo()
        elif box.clickedButton() is sheets:
            self.import_sheets()

    # --- documents -----------------------------------------------------------------------

    def _current_award(self) -> int | None:
        """The award selected in the Awards tab (or the certificate's award in it)."""
        tab = self.current_tab()
        if tab.model.table.kind == "awards":
            return tab.current_id()
        return None

    def certificate_of_current(self) -> None:
        award_id = self._current_award()
        if award_id is None:
            self.tabs.setCurrentWidget(self._pages["awards"])
            QMessageBox.information(
                self,
                _("Certificate of honor"),
                _("Select an award in the Awards tab, then choose Certificate… again."),
            )
            return
        self.open_certificate(award_id)

    def open_certificate(self, award_id: int) -> Any:
        from exchange_desk.ui.certificate_dialog import CertificateDialog

        try:
            dialog = CertificateDialog(self.database, award_id, self)
        except ExchangeDeskError as exc:
            self._report(exc)
            return None
        dialog.show()
        return dialog

    def print_certificates(self) -> Any:
        from exchange_desk.ui.batch_dialog import BatchCertificatesDialog

        conference_id = None
        tab = self.current_tab()
        if tab.model.table.kind == "conferences":
            conference_id = tab.current_id()
        try:
            dialog = BatchCertificatesDialog(self.database, self, conference_id=conference_id)
        except ExchangeDeskError as exc:
            self._report(exc)
            return None
        dialog.show()
        return dialog

    def show_register(self) -> Any:
        from exchange_desk.ui.register_dialog import CertificateRegisterDialog

        try:
            dialog = CertificateRegisterDialog(self.database, self, award_id=self._current_award())
        except ExchangeDeskError as exc:
            self._report(exc)
            return None
        dialog.show()
        return dialog

    def _current_city(self) -> int | None:
        """The partner city selected in the Partner cities tab, whose rows are partnerships."""
        tab = self.current_tab()
        record_id = tab.current_id()
        if record_id is None:
            return None
        kind = tab.model.table.kind
        if kind == "cities":
            return record_id
        if kind != "partnerships":
            return None
        from exchange_desk.services import records

        city_id: int = records.get_record(self.database, "partnerships", record_id).city_id
        return city_id

    def _current_delegation(self) -> int | None:
        tab = self.current_tab()
        if tab.model.table.kind == "delegations":
            return tab.current_id()
        return None

    def annual_report(self, year: int | None = None) -> Any:
        return self._open_report("annual", year=year)

    def gift_declaration(self, year: int | None = None) -> Any:
        """The year's declaration of gifts received, per official (PDF or Excel)."""
        return self._open_report("gifts", year=year)

    def city_dossier_of_current(self) -> Any:
        try:
            city_id = self._current_city()
        except ExchangeDeskError as exc:
            self._report(exc)
            return None
        if city_id is None:
            self.tabs.setCurrentWidget(self._pages["partner_cities"])
            QMessageBox.information(
                self,
                _("Partner city dossier"),
                _(
                    "Select a partner city in the Partner cities tab, then choose "
                    "Partner city dossier… again."
                ),
            )
            return None
        return self._open_report("city", record_id=city_id)

    def delegation_brief_of_current(self) -> Any:
        delegation_id = self._current_delegation()
        if delegation_id is None:
            self.tabs.setCurrentWidget(self._pages["delegations"])
            QMessageBox.information(
                self,
                _("Delegation brief"),
                _(
                    "Select a delegation in the Delegations tab, then choose "
                    "Delegation brief… again."
                ),
            )
            return None
        return self._open_report("delegation", record_id=delegation_id)

    def visit_of_current(self) -> Any:
        """Records ▸ Members and programme…: the visit window of the chosen delegation."""
        delegation_id = self._current_delegation()
        if delegation_id is None:
            self.tabs.setCurrentWidget(self._pages["delegations"])
            QMessageBox.information(
                self,
                _("Members and programme"),
                _(
                    "Select a delegation in the Delegations tab, then choose "
                    "Members and programme… again."
                ),
            )
            return None
        from exchange_desk.ui.visit_dialog import open_visit

        return open_visit(self, self.database, delegation_id)

    def congratulation_of_current(self) -> Any:
        """Records ▸ Letter of congratulation…: the chosen partnership's anniversary letter."""
        tab = self.current_tab()
        partnership_id = tab.current_id() if tab.model.table.kind == "partnerships" else None
        if partnership_id is None:
            self.tabs.setCurrentWidget(self._pages["partner_cities"])
            QMessageBox.information(
                self,
                _("Letter of congratulation"),
                _(
                    "Select a partner city in the Partner cities tab, then choose "
                    "Letter of congratulation… again."
                ),
            )
            return None
        from exchange_desk.ui.congratulation_dialog import open_congratulation

        return open_congratulation(self, self.database, partnership_id)

    def guest_list_of_current(self) -> Any:
        """Records ▸ Guest list…: the guest list of the chosen cultural event."""
        tab = self.current_tab()
        event_id = tab.current_id() if tab.model.table.kind == "events" else None
        if event_id is None:
            self.tabs.setCurrentWidget(self._pages["events"])
            QMessageBox.information(
                self,
                _("Guest list"),
                _("Select a cultural event in its tab, then choose Guest list… again."),
            )
            return None
        from exchange_desk.ui.guest_list_dialog import open_guest_list

        return open_guest_list(self, self.database, event_id=event_id)

    def _open_report(
        self, kind: str, *, record_id: int | None = None, year: int | None = None
    ) -> Any:
        from exchange_desk.ui.report_dialog import ReportDialog

        try:
            dialog = ReportDialog(self.database, kind, self, record_id=record_id, year=year)
        except ExchangeDeskError as exc:
            self._report(exc)
            return None
        dialog.show()
        return dialog

    def show_statistics(self) -> Any:
        """Documents ▸ Statistics…: the figures' window (one per main window), which reads
        them in the background."""
        from exchange_desk.ui.statistics_window import open_statistics

        return open_statistics(self)

    def show_anniversaries(self) -> Any:
        """Documents ▸ Anniversaries…: next year's round anniversaries (another year can be
        chosen); a double-clicked row is shown in the Partner cities tab."""
        from exchange_desk.ui.anniversaries_window import open_anniversaries

        return open_anniversaries(self)

    def show_about(self) -> None:
        from PySide6 import __version__ as pyside_version

        from exchange_desk.logs import log_path

        components = [
            ("Qt / PySide6", "LGPL-3.0"),
            ("SQLAlchemy", "MIT"),
            ("Alembic", "MIT"),
            ("ReportLab", "BSD"),
            ("Babel", "BSD-3-Clause"),
            ("platformdirs", "MIT"),
            ("psycopg", "LGPL-3.0"),
            ("python-bidi", "LGPL-3.0"),
            ("uharfbuzz / HarfBuzz", "Apache-2.0 / MIT"),
        ]
        rows = "".join(
            f"<tr><td>{name}</td><td>{licence}</td></tr>" for name, licence in components
        )
        title = _("Exchange Desk")
        purpose = _("For the office that runs a city’s international relations.")
        fonts = _(
            "Certificates are printed with the bundled fonts AR PL UMing and WenQuanYi "
            "Micro Hei (Chinese), Hanazono Mincho B (rare Chinese characters), Frank Ruhl "
            "Libre and Heebo (Hebrew) and EB Garamond (Latin); their licences are in the "
            "resources/fonts folder."
        )
        built = _("Built with:")
        log_file = log_path()
        # Isolated left to right, as the database's path in _location.
        log_line = _("Log file: {path}").format(
            path="\u2066" + str(log_file) + "\u2069" if log_file is not None else _("none")
        )
        QMessageBox.about(
            self,
            _("About Exchange Desk"),
            f"<h3>{html.escape(title)} {__version__}</h3>"
            f"<p>{html.escape(purpose)}</p>"
            f"<p>{html.escape(self._location())}</p>"
            f"<p>{html.escape(log_line)}</p>"
            f"<p>{html.escape(fonts)}</p>"
            f"<p>{html.escape(built)}</p><table cellspacing=4>{rows}</table>"
            f"<p>PySide6 {pyside_version}</p>",
        )

    def _report(self, error: BaseException, context: str | None = None) -> None:
        from exchange_desk.ui.errors import error_text

        text = error_text(error)
        if context:
            text = f"{text}\n\n{context}"
        from exchange_desk.ui.help_window import remember_error

        remember_error(text)  # for Help ▸ Report a problem
        title = (
            _("Database unavailable")
            if isinstance(error, StorageUnavailable)
            else _("Exchange Desk")
        )
        QMessageBox.warning(self, title, text)

    # --- what is remembered --------------------------------------------------------------

    def _restore_settings(self) -> None:
        s = self.settings
        s.beginGroup(SETTINGS_GROUP)
        geometry = s.value("geometry")
        self.size_to_screen(geometry if isinstance(geometry, QByteArray) else None)
        state = s.value("state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        # The tab by its key: an index saved before the start screen came first means another.
        key = str(s.value("tab_key", HOME) or HOME)
        if key in self._pages:
            self.tabs.setCurrentWidget(self._pages[key])
        self.act_details.setChecked(s.value("details", "true") in (True, "true"))
        s.endGroup()

    def size_to_screen(self, saved: QByteArray | None = None) -> None:
        """Restore the `saved` geometry if it still fits the screen it would open on (a
        window saved on a large monitor does not open beyond a laptop's screen), else size
        the window from the available area of its screen and centre it there."""
        geometry = saved_geometry(saved) if saved is not None else None
        if saved is not None and geometry is not None:
            frame, normal = geometry
            screen = QGuiApplication.screenAt(frame.center())
            if screen is not None:
                available = screen.availableGeometry()
                if fits(frame, available) and fits(normal, available):
                    self.setMinimumSize(minimum_size(available.size()))
                    self.restoreGeometry(saved)
                    return
        screen = self.screen() or QGuiApplication.primaryScreen()
        available = screen.availableGeometry()
        self.setMinimumSize(minimum_size(available.size()))
        size = first_size(available.size())
        self.resize(size)
        # Centred: where a system puts a new window (cascading from the top left), one
        # nearly as tall as the screen would reach under the taskbar.
        frame_size = size + FRAME_ALLOWANCE
        self.move(
            available.topLeft()
            + QPoint(
                max(0, (available.width() - frame_size.width()) // 2),
                max(0, (available.height() - frame_size.height()) // 2),
            )
        )

    def _restore_tab(self, key: str, tab: RecordTab) -> None:
        s = self.settings
        s.beginGroup(SETTINGS_GROUP)
        # The detail pane's share and the columns' widths only as the user chose them (the
        # splitter's state saved by earlier versions is not read: it was rarely chosen).
        share = s.value(f"{key}/detail_share")
        if share is not None:
            with contextlib.suppress(TypeError, ValueError):  # not a number: the default
                tab.restore_split(float(share))
        header = s.value(f"{key}/header")
        if isinstance(header, QByteArray):
            by_hand = s.value(f"{key}/widths_by_hand", False) in (True, "true")
            tab.restore_header(header, widths_by_hand=by_hand)
        s.endGroup()

    def save_settings(self) -> None:
        s = self.settings
        s.beginGroup(SETTINGS_GROUP)
        s.setValue("geometry", self.saveGeometry())
        s.setValue("state", self.saveState())
        s.setValue("tab_key", self.current_key())
        s.setValue("details", self.act_details.isChecked())
        for key, tab in self.record_tabs.items():
            s.remove(f"{key}/splitter")  # an earlier version's; the share replaces it
            if tab.detail_share is not None:
                s.setValue(f"{key}/detail_share", tab.detail_share)
            s.setValue(f"{key}/header", tab.view.horizontalHeader().saveState())
            s.setValue(f"{key}/widths_by_hand", tab.widths_by_hand)
        s.endGroup()
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.live_view.stop()
        if self._remember:
            self.save_settings()
        super().closeEvent(event)

    def screenshot_when_loaded(self, path: str, tab: str | None) -> None:
        """Select `tab`, wait until its data is shown, save a picture, quit (for docs)."""

        def shoot() -> None:
            QApplication.processEvents()
            if not self.grab().save(path):
                self._report(OSError(path))
            QApplication.quit()

        if tab == HOME or (tab is None and self.current_key() == HOME):
            self.show_tab(HOME)
            self.home.loaded.connect(lambda: QTimer.singleShot(400, shoot))
            self.home.load()
            return
        key = TAB_FOR_CLI.get(tab or "", tab or self.current_tab().tab)
        target = self.tab(key)

        def loaded() -> None:
            target.select_row(0)  # so the picture shows the detail pane too
            QTimer.singleShot(400, shoot)

        self.tabs.setCurrentWidget(self._pages[key])
        if target.complete:
            loaded()
        else:
            target.loaded.connect(loaded)
            target.load_all()


__all__ = ["TABS", "MainWindow"]
