"""File ▸ Connect to office database…, and File ▸ Recent connections.

`ConnectDialog` asks for the server, port, database, user and password of the office's
shared PostgreSQL database; Test connection says, without opening it, whether the server
answers, the state of the schema and the role the user would have; Connect opens it. Both
run off the window's thread (`services.connections` does the work) and tell the outcome in
the dialog itself, which stays open with everything typed until a connection is opened.

`ConnectionsMenu` is the Recent connections submenu with the dialog's menu entry, which
`install_connection_menu` puts at the top of the File menu. Choosing a recent connection
opens it with the remembered password (or none: the server may not ask for one); when the
server refuses, the dialog opens on it, saying why. A recent SQLite file opens as it is.
Either way the window is replaced by one on the chosen database (`ui.app.replace_window`).

Server names, user names and addresses are read left to right in every language: their
fields are left-to-right, and in a right-to-left window they are embedded in the messages
as such (`ui.bidi.isolated`).

`python -m exchange_desk.ui.connect_dialog --lang he` shows the dialog alone (for pictures
of it; see `--help`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QColor, QGuiApplication, QIntValidator, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from exchange_desk.domain.errors import ExchangeDeskError
from exchange_desk.i18n.catalog import _
from exchange_desk.services.connections import (
    DEFAULT_PORT,
    CannotConnect,
    Connection,
    ConnectionTest,
    clear_recent,
    connection_of,
    forget_password,
    open_connection,
    password_store_available,
    password_store_note,
    recent_connections,
    recent_files,
    remember,
    remember_password,
    stored_password,
    test_connection,
)
from exchange_desk.services.database import Database, open_office_database
from exchange_desk.ui.bidi import isolated
from exchange_desk.ui.errors import error_text, report_failure
from exchange_desk.ui.operations import QueryOp
from exchange_desk.ui.translated import Retranslating, set_form_labels

if TYPE_CHECKING:
    from exchange_desk.ui.main_window import MainWindow

T = TypeVar("T")

SUCCESS_COLOR = "#2e7d32"  # a green that stays readable on white and on light grey
# The red of `ui.fields.PROBLEM_COLOR`, which is not imported: that module loads the ORM, and
# this one is loaded with the window.
PROBLEM_COLOR = "#c62828"


class _NoDatabase:
    """What a `QueryOp` hands its work when the dialog has no window behind it: the work
    here reaches a server that is not open as a database yet, and never touches it."""


_NO_DATABASE = cast("Database", _NoDatabase())


def _right_to_left() -> bool:
    return QGuiApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft


def _isolating(text: str, values: Iterable[str]) -> str:
    """`text` with each of `values` in it kept left to right in a right-to-left window: a
    server's name, an address, the server's own English words."""
    if not _right_to_left():
        return text
    for value in sorted({v for v in values if v}, key=len, reverse=True):
        text = text.replace(value, isolated(value))
    return text


def _set_color(label: QLabel, color: str | None) -> None:
    """Write `label` in `color`; None: in the grey of a placeholder, quieter than text."""
    palette = label.palette()
    chosen = (
        QColor(color) if color is not None else palette.color(QPalette.ColorRole.PlaceholderText)
    )
    palette.setColor(QPalette.ColorRole.WindowText, chosen)
    label.setPalette(palette)


def _same(one: Connection | None, other: Connection) -> bool:
    return one is not None and one.same_place(other)


def _left_to_right(edit: QLineEdit) -> QLineEdit:
    """Names of servers, databases and users are typed left to right in every language."""
    edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    return edit


class ConnectDialog(Retranslating, QDialog):
    """Server, port, database, user and password; Test connection; Connect.

    After Connect succeeds (the dialog is accepted), `opened` is the database, opened, and
    `connection` what it was opened with; the caller shows it."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        connection: Connection | None = None,
        message: str | None = None,
        database: Database | None = None,
    ) -> None:
        super().__init__(parent)
        self.opened: Database | None = None
        self.connection: Connection | None = None
        self.last_test: ConnectionTest | None = None
        self.busy = False
        self._database = database  # the window's, for the operations; None: none needed
        self._abandoned = False
        self._stored_for: Connection | None = None  # the password remembered is for this
        self._state: tuple[str, str] = ("hint", "")  # what the result line shows

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.server_edit = _left_to_right(QLineEdit())
        self.port_edit = _left_to_right(QLineEdit())
        self.port_edit.setValidator(QIntValidator(1, 65535, self.port_edit))
        self.port_edit.setMaxLength(5)
        self.port_edit.setFixedWidth(self.port_edit.fontMetrics().horizontalAdvance("0") * 7 + 16)
        self.port_label = QLabel()
        self.port_label.setBuddy(self.port_edit)
        self.database_edit = _left_to_right(QLineEdit())
        self.user_edit = _left_to_right(QLineEdit())
        self.password_edit = _left_to_right(QLineEdit())
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember_box = QCheckBox()
        self.store_note = QLabel()
        self.store_note.setWordWrap(True)
        _set_color(self.store_note, None)
        self.store_note.hide()
        self.label_edit = QLineEdit()  # the menu's name for it, in the office's language

        self.server_label = QLabel()
        self.server_label.setBuddy(self.server_edit)
        server_row = QHBoxLayout()
        server_row.setContentsMargins(0, 0, 0, 0)
        server_row.addWidget(self.server_edit, 1)
        server_row.addSpacing(8)
        server_row.addWidget(self.port_label)
        server_row.addWidget(self.port_edit)
        self.form = form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.server_label, server_row)
        form.addRow("", self.database_edit)
        form.addRow("", self.user_edit)
        form.addRow("", self.password_edit)
        form.addRow("", self.remember_box)
        form.addRow("", self.store_note)
        form.addRow("", self.label_edit)

        # The outcome of Test and Connect: an icon and what happened, in green or red.
        self.result_frame = QFrame()
        self.result_frame.setFrameShape(QFrame.Shape.StyledPanel)
        self.result_icon = QLabel()
        self.result_icon.setFixedWidth(20)
        self.result_icon.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.result_label = QLabel()
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)  # the server's words, as said
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label.setMinimumHeight(self.fontMetrics().lineSpacing() * 3)
        self.result_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeading)
        result_row = QHBoxLayout(self.result_frame)
        result_row.addWidget(self.result_icon)
        result_row.addWidget(self.result_label, 1)

        # Cancel is Qt's own; Connect and Test are ours (Qt sets a standard button's text
        # again each time the language changes).
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        # Test stands apart from the buttons that close the dialog, at its leading edge.
        self.test_button = QPushButton()
        self.test_button.setAutoDefault(False)
        self.connect_button.setDefault(True)
        self.test_button.clicked.connect(self.test)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addSpacing(4)
        layout.addLayout(form)
        layout.addWidget(self.result_frame)
        bottom = QHBoxLayout()
        bottom.addWidget(self.test_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        self.setMinimumWidth(520)

        for edit in (self.server_edit, self.port_edit, self.database_edit, self.user_edit):
            edit.textEdited.connect(self._place_edited)
        self.fill(connection)
        self.translate_now()
        if message:
            self._show_result("problem", message)
        self._ask_store(connection)

    # --- texts ------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(_("Connect to office database"))
        self.intro.setText(
            _(
                "A database the whole office shares is kept on a PostgreSQL server. "
                "Its administrator can tell you the server, the database and your user name."
            )
        )
        set_form_labels(
            self.form,
            [
                (self.database_edit, _("&Database:")),
                (self.user_edit, _("&User name:")),
                (self.password_edit, _("Pass&word:")),
                (self.label_edit, _("&Name in the menu:")),
            ],
        )
        self.server_label.setText(_("&Server:"))  # its row holds the port too
        self.port_label.setText(_("P&ort:"))
        self.server_edit.setPlaceholderText(_("name or address, e.g. db.example.org"))
        self.label_edit.setPlaceholderText(_("optional, e.g. City hall"))
        self.remember_box.setText(_("&Remember the password on this computer"))
        self.store_note.setText(password_store_note())
        self.connect_button.setText(_("&Connect"))
        self.test_button.setText(_("&Test connection"))
        if self._state[0] == "hint":
            self._show_result("hint", "")
        self._placeholder()

    def _place_edited(self) -> None:
        """The server, port, database or user changed: a password remembered for the
        connection as it was is not this one's."""
        if self._stored_for is not None:
            self._stored_for = None
            self._placeholder()

    def _placeholder(self) -> None:
        self.password_edit.setPlaceholderText(
            _("remembered") if self._stored_for is not None else ""
        )

    # --- the fields ------------------------------------------------------------------

    def fill(self, connection: Connection | None) -> None:
        """Show `connection` in the fields (None: only the usual port)."""
        if connection is None:
            self.port_edit.setText(str(DEFAULT_PORT))
            return
        self.server_edit.setText(connection.host)
        self.port_edit.setText(str(connection.port))
        self.database_edit.setText(connection.database)
        self.user_edit.setText(connection.user)
        self.label_edit.setText(connection.label)
        # What is missing is where the cursor waits.
        self.password_edit.setFocus()

    def typed_connection(self) -> Connection | None:
        """The connection the fields name; None after saying in the dialog what is missing
        (and putting the cursor there)."""
        host = self.server_edit.text().strip()
        port_text = self.port_edit.text().strip()
        database = self.database_edit.text().strip()
        user = self.user_edit.text().strip()
        missing: list[tuple[QLineEdit, str]] = []
        if not host:
            missing.append((self.server_edit, _("Enter the server's name or address.")))
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            missing.append(
                (self.port_edit, _("The port is a number from 1 to 65535 (usually 5432)."))
            )
        if not database:
            missing.append((self.database_edit, _("Enter the name of the database.")))
        if not user:
            missing.append((self.user_edit, _("Enter your user name on the server.")))
        if missing:
            missing[0][0].setFocus()
            self._show_result("problem", "\n".join(text for _edit, text in missing))
            return None
        return Connection(
            host=host,
            port=int(port_text),
            database=database,
            user=user,
            label=self.label_edit.text().strip(),
        )

    # --- the outcome -----------------------------------------------------------------

    def _show_result(self, state: str, text: str) -> None:
        """`state`: "hint" (what Test does), "working", "success" or "problem"."""
        self._state = (state, text)
        style = self.style()
        icon = None
        color: str | None = None  # None: the quiet grey of a placeholder
        if state == "hint":
            text = _("Test the connection to see your role and whether the database is ready.")
        elif state == "success":
            color = SUCCESS_COLOR
            icon = style.standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton)
        elif state == "problem":
            color = PROBLEM_COLOR
            icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
        _set_color(self.result_label, color)
        self.result_label.setText(text)
        if icon is None:
            self.result_icon.clear()
        else:
            self.result_icon.setPixmap(icon.pixmap(16, 16))

    def result_text(self) -> str:
        """What the result line says now (for tests)."""
        return self.result_label.text()

    def result_state(self) -> str:
        return self._state[0]

    def _technical(self, connection: Connection, reason: str = "") -> list[str]:
        return [
            connection.address(),
            connection.server,
            connection.host,
            connection.user,
            connection.database,
            reason,
        ]

    def _show_test(self, test: ConnectionTest) -> None:
        self.last_test = test
        self._set_busy(False)
        reason = test.error.reason if isinstance(test.error, CannotConnect) else ""
        lines = [test.message, *test.details()]
        text = _isolating("\n".join(lines), self._technical(test.connection, reason))
        self._show_result("success" if test.can_open else "problem", text)
        if isinstance(test.error, CannotConnect) and test.error.needs_password:
            self.password_edit.setFocus()
            self.password_edit.selectAll()

    def _show_failure(self, error: BaseException, connection: Connection | None = None) -> None:
        self._set_busy(False)
        if not isinstance(error, ExchangeDeskError):
            report_failure(error, self)  # a bug: the report to send, over the dialog
        reason = error.reason if isinstance(error, CannotConnect) else ""
        text = error_text(error)
        if connection is not None:
            text = _isolating(text, self._technical(connection, reason))
        self._show_result("problem", text)
        if isinstance(error, CannotConnect) and error.needs_password:
            self.password_edit.setFocus()
            self.password_edit.selectAll()

    def _fit_height(self) -> None:
        """Grow to show a line that appeared (wrapped text is not made room for by itself)."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = layout.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.test_button.setEnabled(not busy)
        self.connect_button.setEnabled(not busy)

    # --- the work, off the window's thread -------------------------------------------------

    def _run(
        self,
        work: Callable[[], T],
        done: Callable[[T], Any],
        failed: Callable[[BaseException], Any],
    ) -> QueryOp[T]:
        database = self._database if self._database is not None else _NO_DATABASE
        return (
            QueryOp(self, lambda _database: work(), database=database)
            .success(done)
            .failure(failed)
            .run_in_background()
        )

    def _ask_store(self, connection: Connection | None) -> None:
        """Whether the system can keep passwords, and whether one is kept for the
        connection shown: asked in the background (a credential store may take its time
        to answer, or ask to be unlocked)."""

        def work() -> tuple[bool, bool]:
            if not password_store_available():
                return False, False
            return True, connection is not None and stored_password(connection) is not None

        def done(found: tuple[bool, bool]) -> None:
            available, stored = found
            self.remember_box.setEnabled(available)
            if not available:
                self.store_note.show()
                QTimer.singleShot(0, self._fit_height)
                self.remember_box.setChecked(False)
            elif stored and connection is not None and _same(self.typed_place(), connection):
                self._stored_for = connection
                self.remember_box.setChecked(True)
                self._placeholder()

        self._run(work, done, lambda error: report_failure(error, self))

    def typed_place(self) -> Connection | None:
        """The connection the fields name now, quietly (None if something is missing)."""
        port = self.port_edit.text().strip()
        if not port.isdigit():
            return None
        host, database = self.server_edit.text().strip(), self.database_edit.text().strip()
        user = self.user_edit.text().strip()
        if not (host and database and user):
            return None
        return Connection(
            host=host,
            port=int(port),
            database=database,
            user=user,
            label=self.label_edit.text().strip(),
        )

    def test(self) -> QueryOp[ConnectionTest] | None:
        """Test connection: reach the server and look, changing nothing."""
        connection = self.typed_connection()
        if connection is None or self.busy:
            return None
        self._set_busy(True)
        self._show_result(
            "working",
            _isolating(
                _("Connecting to {server}…").format(server=connection.server),
                [connection.server],
            ),
        )
        typed = self.password_edit.text()  # read here: widgets belong to the window's thread
        return self._run(
            lambda: test_connection(connection, typed or stored_password(connection)),
            self._show_test,
            lambda error: self._show_failure(error, connection),
        )

    def accept(self) -> None:
        """Connect: open the database; the dialog closes once it is open."""
        connection = self.typed_connection()
        if connection is None or self.busy:
            return
        self._set_busy(True)
        self._show_result(
            "working",
            _isolating(
                _("Connecting to {server}…").format(server=connection.server),
                [connection.server],
            ),
        )
        typed = self.password_edit.text()
        keep = self.remember_box.isEnabled() and self.remember_box.isChecked()

        def work() -> Database:
            database = open_connection(connection, typed or stored_password(connection))
            try:
                remember(connection)
                if not keep:
                    forget_password(connection)
                elif typed:
                    remember_password(connection, typed)
            except BaseException:
                database.dispose()
                raise
            return database

        def done(database: Database) -> None:
            if self._abandoned:
                database.dispose()  # Cancel was pressed while it was opening
                return
            self.opened = database
            self.connection = connection
            self._set_busy(False)
            super(ConnectDialog, self).accept()

        self._run(work, done, lambda error: self._show_failure(error, connection))

    def reject(self) -> None:
        self._abandoned = self.busy
        super().reject()


# --- the File menu ------------------------------------------------------------------------


class ConnectionsMenu(Retranslating, QMenu):
    """File ▸ Recent connections, read again each time it opens; and the action of
    File ▸ Connect to office database…"""

    def __init__(self, main: MainWindow) -> None:
        super().__init__(main)
        self.main = main
        self.connect_action = QAction(main)
        self.connect_action.triggered.connect(lambda _checked=False: self.show_dialog())
        # Not the menu's own: `clear()` deletes the actions a menu owns, and this one stays.
        self.clear_action = QAction(main)
        self.clear_action.triggered.connect(lambda _checked=False: clear_recent())
        self.dialog: ConnectDialog | None = None
        self.aboutToShow.connect(self.fill)
        self.translate_now()

    def retranslate(self) -> None:
        self.setTitle(_("Recent co&nnections"))
        self.connect_action.setText(_("C&onnect to office database…"))
        self.clear_action.setText(_("&Clear this list"))
        self.fill()

    def fill(self) -> None:
        """The recent connections, then the recent files; the open one checked."""
        self.clear()
        current = connection_of(self.main.database)
        connections = recent_connections()
        files = recent_files()
        for connection in connections:
            address = isolated(connection.address()) if _right_to_left() else connection.address()
            text = f"{connection.label} ({address})" if connection.label else address
            action = self.addAction(text.replace("&", "&&"))
            if current is not None and current.same_place(connection):
                action.setCheckable(True)
                action.setChecked(True)
                action.setEnabled(False)
            action.triggered.connect(
                lambda _checked=False, chosen=connection: self.open_recent(chosen)
            )
        if connections and files:
            self.addSeparator()
        here = self.main.database.path
        for path in files:
            shown = isolated(str(path)) if _right_to_left() else str(path)
            action = self.addAction(shown.replace("&", "&&"))
            if here is not None and _same_file(here, path):
                action.setCheckable(True)
                action.setChecked(True)
                action.setEnabled(False)
            action.triggered.connect(lambda _checked=False, chosen=path: self.open_file(chosen))
        if not connections and not files:
            empty = self.addAction(_("No recent connections"))
            empty.setEnabled(False)
        else:
            self.addSeparator()
            self.addAction(self.clear_action)

    # --- opening ---------------------------------------------------------------------

    def show_dialog(
        self,
        connection: Connection | None = None,
        message: str | None = None,
    ) -> ConnectDialog:
        """The Connect dialog, on `connection` (else the latest one, else the window's)."""
        if connection is None:
            recent = recent_connections()
            connection = recent[0] if recent else connection_of(self.main.database)
        dialog = ConnectDialog(
            self.main, connection=connection, message=message, database=self.main.database
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._opened(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _opened(self, dialog: ConnectDialog) -> None:
        if dialog.opened is not None:
            self.switch_to(dialog.opened)

    def switch_to(self, database: Database) -> MainWindow:
        """Show the window on `database` instead of this one."""
        from exchange_desk.ui.app import replace_window

        return replace_window(self.main, database)

    def open_recent(self, connection: Connection) -> QueryOp[Database]:
        """A recent connection: opened with the password remembered (or none, for a
        server that asks for none); if the server refuses, the dialog asks."""

        def work(_database: Database) -> Database:
            database = open_connection(connection, stored_password(connection))
            remember(connection)
            return database

        def failed(error: BaseException) -> None:
            if isinstance(error, ExchangeDeskError):
                self.show_dialog(connection, error_text(error))
            else:
                report_failure(error, self.main)

        where = isolated(connection.address()) if _right_to_left() else connection.address()
        return (
            QueryOp(self.main, work)
            .with_progress(_("Connecting to {server}…").format(server=where))
            .success(self.switch_to)
            .failure(failed)
            .run_in_background()
        )

    def open_file(self, path: Path) -> QueryOp[Database]:
        """A recent SQLite file, as it is (a file that has gone is not made anew)."""
        return (
            QueryOp(self.main, lambda _database: open_office_database(path, create=False))
            .success(self.switch_to)
            .run_in_background()
        )


def _same_file(one: Path, other: Path) -> bool:
    return os.path.normcase(os.path.abspath(one)) == os.path.normcase(os.path.abspath(other))


def install_connection_menu(main: MainWindow, menu: QMenu) -> ConnectionsMenu:
    """Put Connect to office database… and Recent connections at the top of `menu`."""
    recent = ConnectionsMenu(main)
    first = menu.actions()[0] if menu.actions() else None
    if first is None:
        menu.addAction(recent.connect_action)
        menu.addMenu(recent)
        menu.addSeparator()
    else:
        menu.insertAction(first, recent.connect_action)
        menu.insertMenu(first, recent)
        menu.insertSeparator(first)
    return recent


# --- the dialog alone, for pictures of it ----------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Show the dialog without a window behind it (Connect opens the database, then the
    program ends). `--screenshot FILE` saves a picture of it and quits."""
    parser = argparse.ArgumentParser(
        prog="python -m exchange_desk.ui.connect_dialog",
        description="Show the Connect to office database dialog on its own.",
    )
    parser.add_argument("--lang", help="en, zh_CN or he")
    parser.add_argument("--server", default="db.example.org")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--database", default="exchange_desk")
    parser.add_argument("--user", default="anna")
    parser.add_argument("--label", default="")
    parser.add_argument("--test", action="store_true", help="press Test connection at once")
    parser.add_argument(
        "--pretend-store",
        action="store_true",
        help="act as on a computer with a credential store (an empty one, in memory)",
    )
    parser.add_argument("--screenshot", metavar="FILE", help="save a picture of it, then quit")
    options = parser.parse_args(argv)

    from exchange_desk.ui.app import make_application

    if options.pretend_store:
        _pretend_store()
    app = make_application(options.lang)
    dialog = ConnectDialog(
        connection=Connection(
            host=options.server,
            port=options.port,
            database=options.database,
            user=options.user,
            label=options.label,
        )
    )
    dialog.show()
    if options.test:
        dialog.test()
    if options.screenshot:
        path = options.screenshot

        def shoot() -> None:
            if dialog.busy:  # the test's answer first
                QTimer.singleShot(200, shoot)
                return
            dialog.grab().save(path)
            app.quit()

        QTimer.singleShot(600, shoot)
    dialog.finished.connect(lambda _result: app.quit())
    code = app.exec()
    if dialog.opened is not None:
        dialog.opened.dispose()
    return code


def _pretend_store() -> None:
    """A credential store in memory, for pictures taken where the system has none."""
    import keyring
    from keyring.backend import KeyringBackend

    class Memory(KeyringBackend):
        priority = 1
        kept: dict[tuple[str, str], str] = {}  # noqa: RUF012 - one store, for one run

        def get_password(self, service: str, username: str) -> str | None:
            return self.kept.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.kept[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.kept.pop((service, username), None)

    keyring.set_keyring(Memory())  # type: ignore[no-untyped-call]  # keyring's own __init__


if __name__ == "__main__":
    sys.exit(main())
