"""Connecting to the office's shared database (services.connections, ui.connect_dialog):
addresses with any password, the recent list (order, limit, never a password, written
whole), passwords in a credential store (an in-memory one: the real store is never
touched) or none at all, testing and opening a connection on the real PostgreSQL server
and on a port where none listens, the dialog, the File menu, and switching the window to
another database."""

from __future__ import annotations

import json
import logging
import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import psycopg
import pytest
import shiboken6
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import NoKeyringError, PasswordDeleteError
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from exchange_desk.domain.errors import StorageProblem, StorageUnavailable
from exchange_desk.domain.roles import Role
from exchange_desk.paths import settings_dir
from exchange_desk.services import connections
from exchange_desk.services.connections import (
    KEPT,
    SERVICE_NAME,
    CannotConnect,
    Connection,
    Refusal,
    SchemaStatus,
)
from exchange_desk.storage.database import SCHEMA_HEAD, Database, open_database

# The offscreen platform plugin says this whenever a window is shown; it is not ours.
OFFSCREEN_NOISE = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


class MemoryKeyring(KeyringBackend):
    """A credential store in a dictionary, so no test ever reads or writes the real one."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.passwords[(service, username)]
        except KeyError:
            raise PasswordDeleteError(username) from None


class BrokenKeyring(MemoryKeyring):
    """A store that is there but fails, as a locked or unreachable one does."""

    def get_password(self, service: str, username: str) -> str | None:
        raise NoKeyringError("the store went away")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise NoKeyringError("the store went away")


@pytest.fixture(autouse=True)
def store() -> Iterator[MemoryKeyring]:
    """Every test here has a credential store of its own, in memory."""
    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(previous)


@pytest.fixture
def no_store() -> None:
    """A computer without a credential store (keyring's fail backend)."""
    keyring.set_keyring(fail.Keyring())


def place(number: int = 1, **changes: Any) -> Connection:
    values: dict[str, Any] = {
        "host": "db.office.example",
        "port": 5432,
        "database": f"office{number}",
        "user": "anna",
        "label": "",
    }
    values.update(changes)
    return Connection(**values)


def closed_port() -> int:
    """A port on this computer where nothing listens (it was free a moment ago)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def recent_file_text() -> str:
    return (settings_dir() / connections.FILE_NAME).read_text(encoding="utf-8")


# --- addresses ---------------------------------------------------------------------------


def test_the_address_keeps_every_character_of_the_user_and_the_password() -> None:
    password = "p@ss:w/rd%?#&= 'é密\"\\"
    connection = place(host="db.office.example", port=6543, database="exchange", user="an@na")
    url = connection.url(password)
    assert url.drivername == "postgresql+psycopg"
    written = url.render_as_string(hide_password=False)
    assert password not in written  # quoted
    read_back = make_url(written)
    assert read_back.password == password
    assert read_back.username == "an@na"
    assert (read_back.host, read_back.port, read_back.database) == (
        "db.office.example",
        6543,
        "exchange",
    )
    # No password: none in the address (the server may not ask for one).
    assert connection.url(None).password is None
    assert connection.url("").password is None


def test_a_connection_is_named_by_its_address_and_label() -> None:
    connection = place(host="DB.Office.Example", label="City hall")
    assert connection.address() == "anna@db.office.example:5432/office1"
    assert connection.describe() == "City hall (anna@db.office.example:5432/office1)"
    assert place().describe() == "anna@db.office.example:5432/office1"
    assert place(host="::1").server == "[::1]:5432"
    assert place(host="DB.OFFICE.EXAMPLE").same_place(place(label="another name"))
    assert not place(1).same_place(place(2))


# --- the recent list ---------------------------------------------------------------------


def test_recent_connections_latest_first_at_most_eight_and_never_a_password(
    store: MemoryKeyring,
) -> None:
    assert connections.recent_connections() == []
    for number in range(1, 11):
        connections.remember(place(number))
        assert connections.remember_password(place(number), f"secret-{number}")
    connections.remember(place(7))  # used again: first again
    found = connections.recent_connections()
    assert [c.database for c in found] == [
        "office7",
        "office10",
        "office9",
        "office8",
        "office6",
        "office5",
        "office4",
        "office3",
    ]
    assert len(found) == KEPT == 8
    written = recent_file_text()
    assert "secret" not in written
    assert "password" not in written
    entries = json.loads(written)["connections"]
    assert set(entries[0]) == {"host", "port", "database", "user", "label"}
    # The passwords are in the store, under the program's name and the address.
    assert store.passwords[(SERVICE_NAME, "anna@db.office.example:5432/office7")] == "secret-7"


def test_a_connection_used_again_keeps_its_label_unless_given_another() -> None:
    connections.remember(place(1, label="City hall"))
    connections.remember(place(2))
    connections.remember(place(1))
    assert connections.recent_connections()[0] == place(1, label="City hall")
    connections.remember(place(1, label="Town hall"))
    assert [c.label for c in connections.recent_connections()] == ["Town hall", ""]


def test_forgetting_a_connection_forgets_its_password(store: MemoryKeyring) -> None:
    connections.remember(place(1))
    connections.remember(place(2))
    connections.remember_password(place(1), "one")
    connections.remember_password(place(2), "two")
    connections.forget(place(1))
    assert connections.recent_connections() == [place(2)]
    assert connections.stored_password(place(1)) is None
    assert connections.stored_password(place(2)) == "two"
    connections.remember_file(Path("office.sqlite"))
    connections.clear_recent()
    assert connections.recent_connections() == []
    assert connections.recent_files() == []
    assert store.passwords == {}


def test_a_damaged_recent_file_is_ignored_with_a_line_in_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = settings_dir() / connections.FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"connections": [{"host": "a", "port"', encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="exchange_desk.services.connections"):
        assert connections.recent_connections() == []
    assert any("ignored" in record.getMessage() for record in caplog.records)
    connections.remember(place(1))  # and it is written anew
    assert connections.recent_connections() == [place(1)]
    # Entries that are not connections are passed over, the others kept.
    path.write_text(
        json.dumps(
            {
                "connections": [
                    {"host": "h", "port": "x", "database": "d", "user": "u"},
                    "nonsense",
                    place(3).as_dict(),
                ],
                "files": [3, "/office/a.sqlite"],
            }
        ),
        encoding="utf-8",
    )
    assert connections.recent_connections() == [place(3)]
    assert connections.recent_files() == [Path("/office/a.sqlite")]


def test_the_recent_file_is_replaced_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    connections.remember(place(1))
    before = recent_file_text()

    def refuse(source: str, target: str) -> None:
        raise PermissionError(13, "Access is denied", target)

    with monkeypatch.context() as patched:
        patched.setattr(os, "replace", refuse)
        connections.remember(place(2))  # not remembered, and nothing half-written
    assert recent_file_text() == before
    assert [p.name for p in settings_dir().iterdir()] == [connections.FILE_NAME]


def test_recent_files_latest_first(tmp_path: Path) -> None:
    first, second = tmp_path / "first.sqlite", tmp_path / "second.sqlite"
    connections.remember_file(first)
    connections.remember_file(second)
    connections.remember_file(first)
    assert connections.recent_files() == [first, second]
    for number in range(12):
        connections.remember_file(tmp_path / f"{number}.sqlite")
    assert len(connections.recent_files()) == KEPT
    assert connections.recent_files()[0] == tmp_path / "11.sqlite"


# --- passwords -----------------------------------------------------------------------------


def test_passwords_are_kept_in_the_credential_store(store: MemoryKeyring) -> None:
    connection = place(1, user="anna", host="DB.office.example", port=6000)
    assert connections.password_store_available()
    assert connections.stored_password(connection) is None
    assert connections.remember_password(connection, "s3cret")
    assert store.passwords == {(SERVICE_NAME, "anna@db.office.example:6000/office1"): "s3cret"}
    assert connections.stored_password(place(1, host="db.office.example", port=6000)) == "s3cret"
    connections.forget_password(connection)
    connections.forget_password(connection)  # none left: nothing to do
    assert store.passwords == {}


@pytest.mark.usefixtures("no_store")
def test_without_a_credential_store_passwords_are_asked_each_time(
    caplog: pytest.LogCaptureFixture,
) -> None:
    connections._said.clear()
    with caplog.at_level(logging.WARNING, logger="exchange_desk.services.connections"):
        assert not connections.password_store_available()
        assert not connections.remember_password(place(), "s3cret")
        assert connections.stored_password(place()) is None
        connections.forget_password(place())
    assert any("not remembered" in record.getMessage() for record in caplog.records)
    assert "each time" in connections.password_store_note()


def test_a_store_that_fails_is_the_same_as_none(caplog: pytest.LogCaptureFixture) -> None:
    keyring.set_keyring(BrokenKeyring())
    connections._said.clear()
    with caplog.at_level(logging.WARNING, logger="exchange_desk.services.connections"):
        assert not connections.remember_password(place(), "s3cret")
        assert connections.stored_password(place()) is None
    assert any("the store went away" in record.getMessage() for record in caplog.records)


# --- why a connection fails ---------------------------------------------------------------------


def refused(words: str) -> OperationalError:
    """What SQLAlchemy raises when the server turns the user away with `words`."""
    reason = f'connection failed: connection to server at "10.0.0.5", port 5432 failed: {words}'
    return OperationalError("connect", {}, psycopg.OperationalError(reason))


@pytest.mark.parametrize(
    ("words", "refusal", "expected"),
    [
        (
            'FATAL:  password authentication failed for user "anna"',
            Refusal.WRONG_PASSWORD,
            "did not accept the password of the user anna",
        ),
        ("fe_sendauth: no password supplied", Refusal.NO_PASSWORD, "asks for the password"),
        ('FATAL:  database "office1" does not exist', Refusal.NO_DATABASE, "no database named"),
        ('FATAL:  role "anna" does not exist', Refusal.NO_USER, "no user named anna"),
        (
            'FATAL:  no pg_hba.conf entry for host "10.0.0.9", user "anna"',
            Refusal.NOT_ALLOWED,
            "does not let the user anna connect",
        ),
        ("Connection refused", Refusal.UNREACHABLE, "cannot be reached"),
    ],
)
def test_a_refusal_is_told_in_the_offices_words(
    words: str, refusal: Refusal, expected: str
) -> None:
    problem = connections.explain(refused(words), place(1))
    assert isinstance(problem, CannotConnect)
    assert problem.refusal is refusal
    assert problem.problem is StorageProblem.UNREACHABLE
    assert expected in problem.user_message()
    assert problem.needs_password == (refusal in (Refusal.WRONG_PASSWORD, Refusal.NO_PASSWORD))
    assert problem.reason.endswith(words)
    if refusal in (Refusal.NOT_ALLOWED, Refusal.UNREACHABLE):
        assert words in problem.user_message()  # the server's own words, for its administrator


def test_an_error_that_is_not_the_environments_is_not_explained() -> None:
    assert connections.explain(ValueError("a bug"), place()) is None


def test_a_closed_port_cannot_be_reached() -> None:
    connection = place(host="127.0.0.1", port=closed_port(), database="test", user="postgres")
    result = connections.test_connection(connection, "whatever")
    assert not result.reachable
    assert not result.can_open
    assert "cannot be reached" in result.message
    assert isinstance(result.error, CannotConnect)
    assert result.error.refusal is Refusal.UNREACHABLE
    assert result.details() == []
    with pytest.raises(CannotConnect, match="cannot be reached"):
        connections.open_connection(connection, None)


# --- the real server --------------------------------------------------------------------------


@pytest.fixture
def pg_server(pg_url: str) -> Connection:
    """The test server as a connection, to its database `test` (skipped without one)."""
    url = make_url(pg_url)
    return Connection(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        database=url.database or "test",
        user=url.username or "postgres",
    )


@pytest.fixture
def new_database(pg_url: str, pg_server: Connection) -> Iterator[Connection]:
    """A database of its own on the test server, empty; dropped afterwards."""
    name = f"xd_connect_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(pg_url).set(query={}), isolation_level="AUTOCOMMIT", pool_size=1)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield Connection(
            host=pg_server.host, port=pg_server.port, database=name, user=pg_server.user
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def set_revision(connection: Connection, revision: str) -> None:
    engine = create_engine(connection.url())
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    engine.dispose()


@pytest.mark.postgres
def test_testing_a_connection_tells_the_server_the_schema_and_the_role(
    new_database: Connection,
) -> None:
    result = connections.test_connection(new_database, None)
    assert result.reachable, result.message
    assert result.can_open
    assert result.schema is SchemaStatus.EMPTY
    assert result.server_version[:2].isdigit()
    assert f"PostgreSQL {result.server_version}" in result.message
    assert result.role is Role.ADMINISTRATOR  # the test server's user is a superuser
    assert result.details() == [
        "Schema: new and empty: it will be set up when you connect",
        "Your role: administrator",
    ]
    # Testing changed nothing: the database is still empty.
    assert connections.test_connection(new_database, None).schema is SchemaStatus.EMPTY

    database = connections.open_connection(new_database, None)
    try:
        assert database.backend == "postgresql"
        assert database.stored_revision() == SCHEMA_HEAD
        assert connections.connection_of(database) == new_database
    finally:
        database.dispose()
    result = connections.test_connection(new_database, None)
    assert (result.schema, result.revision) == (SchemaStatus.CURRENT, SCHEMA_HEAD)
    assert "Schema: up to date" in result.details()


@pytest.mark.postgres
def test_an_older_shared_schema_is_refused_until_db_upgrade(new_database: Connection) -> None:
    connections.open_connection(new_database, None).dispose()
    set_revision(new_database, "0004")
    result = connections.test_connection(new_database, None)
    assert result.reachable
    assert not result.can_open
    assert result.schema is SchemaStatus.NEEDS_UPGRADE
    assert "db upgrade" in result.details()[0]
    with pytest.raises(StorageUnavailable, match="db upgrade") as refused_upgrade:
        connections.open_connection(new_database, None)
    assert refused_upgrade.value.problem is StorageProblem.NEEDS_UPGRADE
    set_revision(new_database, "9999")
    result = connections.test_connection(new_database, None)
    assert result.schema is SchemaStatus.TOO_NEW
    assert "newer version" in result.details()[0]
    with pytest.raises(StorageUnavailable, match="newer version"):
        connections.open_connection(new_database, None)


@pytest.mark.postgres
def test_a_database_the_server_does_not_have_is_named(pg_server: Connection) -> None:
    missing = Connection(
        host=pg_server.host,
        port=pg_server.port,
        database=f"no_such_{uuid.uuid4().hex[:8]}",
        user=pg_server.user,
    )
    result = connections.test_connection(missing, None)
    assert not result.reachable
    assert isinstance(result.error, CannotConnect)
    assert result.error.refusal is Refusal.NO_DATABASE
    assert f"has no database named {missing.database}" in result.message
    with pytest.raises(CannotConnect, match="has no database named"):
        connections.open_connection(missing, None)


# --- the dialog ---------------------------------------------------------------------------------


@pytest.fixture
def qt_clean(qapp: Any) -> Iterator[Any]:
    """Background work ends within its test; every test starts and ends left to right."""
    from PySide6.QtCore import Qt, QThreadPool

    qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    yield qapp
    assert QThreadPool.globalInstance().waitForDone(30_000)
    qapp.processEvents()
    qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def settled(qtbot: Any) -> None:
    from exchange_desk.ui.operations import pending

    qtbot.waitUntil(lambda: pending() == 0, timeout=20_000)


def make_dialog(qtbot: Any, connection: Connection | None = None, **options: Any) -> Any:
    from exchange_desk.ui.connect_dialog import ConnectDialog

    dialog = ConnectDialog(connection=connection, **options)
    qtbot.addWidget(dialog)
    settled(qtbot)  # what the credential store says about it
    return dialog


def type_in(dialog: Any, connection: Connection, password: str = "") -> None:
    dialog.server_edit.setText(connection.host)
    dialog.port_edit.setText(str(connection.port))
    dialog.database_edit.setText(connection.database)
    dialog.user_edit.setText(connection.user)
    dialog.password_edit.setText(password)


@pytest.mark.usefixtures("qt_clean")
def test_the_dialog_says_what_is_missing_and_keeps_what_was_typed(qtbot: Any) -> None:
    from exchange_desk.ui.operations import pending

    dialog = make_dialog(qtbot)
    assert dialog.port_edit.text() == "5432"
    dialog.database_edit.setText("exchange")
    dialog.password_edit.setText("typed")
    assert dialog.test() is None
    assert pending() == 0  # nothing was tried
    assert dialog.result_state() == "problem"
    assert "Enter the server's name or address." in dialog.result_text()
    assert "Enter your user name on the server." in dialog.result_text()
    assert "name of the database" not in dialog.result_text()
    accepted: list[bool] = []
    dialog.accepted.connect(lambda: accepted.append(True))
    dialog.accept()
    assert pending() == 0
    assert accepted == []
    assert dialog.opened is None
    assert (dialog.database_edit.text(), dialog.password_edit.text()) == ("exchange", "typed")
    # The fields of names and addresses read left to right in every language.
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLineEdit

    assert dialog.password_edit.echoMode() is QLineEdit.EchoMode.Password
    for edit in (dialog.server_edit, dialog.port_edit, dialog.user_edit, dialog.password_edit):
        assert edit.layoutDirection() is Qt.LayoutDirection.LeftToRight


@OFFSCREEN_NOISE
@pytest.mark.usefixtures("qt_clean")
def test_testing_a_closed_port_says_so_in_the_dialog(qtbot: Any) -> None:
    connection = place(host="127.0.0.1", port=closed_port(), database="test", user="postgres")
    dialog = make_dialog(qtbot, connection)
    dialog.show()
    dialog.password_edit.setText("typed")
    qtbot.mouseClick(dialog.test_button, _left_button())
    settled(qtbot)
    assert not dialog.busy
    assert dialog.result_state() == "problem"
    assert "cannot be reached" in dialog.result_text()
    assert dialog.last_test is not None
    assert not dialog.last_test.reachable
    # Connect fails the same way, and the dialog stays open with what was typed.
    dialog.accept()
    settled(qtbot)
    assert dialog.isVisible()
    assert dialog.opened is None
    assert "cannot be reached" in dialog.result_text()
    assert dialog.password_edit.text() == "typed"
    assert connections.recent_connections() == []


def _left_button() -> Any:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


@OFFSCREEN_NOISE
@pytest.mark.postgres
@pytest.mark.usefixtures("qt_clean")
def test_the_dialog_tests_then_connects(
    qtbot: Any, new_database: Connection, store: MemoryKeyring
) -> None:
    dialog = make_dialog(qtbot)
    dialog.show()
    type_in(dialog, new_database, "s3cret/@:")  # the server trusts this computer: ignored
    dialog.label_edit.setText("Test server")
    dialog.remember_box.setChecked(True)
    qtbot.mouseClick(dialog.test_button, _left_button())
    settled(qtbot)
    assert dialog.result_state() == "success", dialog.result_text()
    shown = dialog.result_text()
    assert "PostgreSQL" in shown
    assert "Your role: administrator" in shown
    assert "new and empty" in shown
    with qtbot.waitSignal(dialog.accepted, timeout=20_000):
        dialog.accept()
    settled(qtbot)
    database = dialog.opened
    assert database is not None
    try:
        assert database.backend == "postgresql"
        assert database.stored_revision() == SCHEMA_HEAD
        assert dialog.connection == Connection(**{**new_database.as_dict(), "label": "Test server"})
    finally:
        database.dispose()
    assert connections.recent_connections()[0].label == "Test server"
    written = recent_file_text()
    assert new_database.database in written
    assert "s3cret" not in written
    assert store.passwords == {(SERVICE_NAME, new_database.address()): "s3cret/@:"}

    # Opened again, it shows that a password is remembered, and uses it.
    again = make_dialog(qtbot, connections.recent_connections()[0])
    assert again.remember_box.isChecked()
    assert again.password_edit.placeholderText() == "remembered"
    assert again.password_edit.text() == ""
    # Not remembering it any more forgets it.
    again.remember_box.setChecked(False)
    with qtbot.waitSignal(again.accepted, timeout=20_000):
        again.accept()
    settled(qtbot)
    assert again.opened is not None
    again.opened.dispose()
    assert store.passwords == {}


@pytest.mark.usefixtures("qt_clean", "no_store")
def test_without_a_credential_store_the_dialog_says_so(qtbot: Any) -> None:
    dialog = make_dialog(qtbot, place())
    assert not dialog.remember_box.isEnabled()
    assert not dialog.remember_box.isChecked()
    assert not dialog.store_note.isHidden()
    assert "each time" in dialog.store_note.text()


@OFFSCREEN_NOISE
@pytest.mark.usefixtures("qt_clean")
def test_the_dialog_in_hebrew_keeps_addresses_left_to_right(qtbot: Any) -> None:
    from exchange_desk.ui.bidi import LEFT_TO_RIGHT_EMBEDDING
    from exchange_desk.ui.language import apply_language

    connection = place(host="127.0.0.1", port=closed_port(), database="test", user="postgres")
    apply_language("he")
    try:
        dialog = make_dialog(qtbot, connection)
        dialog.show()
        assert dialog.isRightToLeft()
        assert dialog.test() is not None
        settled(qtbot)
        assert dialog.result_state() == "problem"
        assert LEFT_TO_RIGHT_EMBEDDING + "127.0.0.1" in dialog.result_text()
    finally:
        apply_language("en")


# --- the File menu and switching the window ------------------------------------------------------


@pytest.fixture
def settings(tmp_path: Path) -> Any:
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot: Any, qt_clean: Any, sqlite_db: Database, settings: Any) -> Iterator[Any]:
    """A window on a SQLite file. Not left to qtbot to close: a test may replace it, and
    the replaced one is gone by the end."""
    import shiboken6

    from exchange_desk.ui import app
    from exchange_desk.ui.main_window import MainWindow

    main_window = MainWindow(sqlite_db, settings)
    settled(qtbot)
    yield main_window
    settled(qtbot)
    for shown in [main_window, *app._windows]:
        if shiboken6.isValid(shown):
            shown.close()
            shown.deleteLater()
    app._windows.clear()


def file_menu_texts(window: Any) -> list[str]:
    return [action.text() for action in window.menu_file.actions()]


@OFFSCREEN_NOISE
def test_the_file_menu_offers_to_connect_and_the_recent_connections(
    qtbot: Any, window: Any, tmp_path: Path
) -> None:
    from exchange_desk.ui.language import apply_language

    assert file_menu_texts(window)[:2] == ["C&onnect to office database…", "Recent co&nnections"]
    menu = window.connections_menu
    assert [a.text() for a in menu.actions()] == ["No recent connections"]
    connections.remember(place(1, label="City hall & archive"))
    connections.remember(place(2))
    connections.remember_file(window.database.path)
    connections.remember_file(tmp_path / "elsewhere.sqlite")
    menu.fill()
    texts = [a.text() for a in menu.actions()]
    assert texts[:2] == [
        "anna@db.office.example:5432/office2",
        "City hall && archive (anna@db.office.example:5432/office1)",
    ]
    assert texts[3:5] == [str(tmp_path / "elsewhere.sqlite"), str(window.database.path)]
    assert texts[-1] == "&Clear this list"
    here = menu.actions()[4]
    assert here.isChecked()
    assert not here.isEnabled()
    apply_language("zh_CN")
    try:
        assert menu._translated_as == "zh_CN"  # the menu set its texts again
    finally:
        apply_language("en")


@OFFSCREEN_NOISE
def test_a_window_replaced_by_one_on_another_database(
    qtbot: Any, window: Any, tmp_path: Path
) -> None:
    from exchange_desk.ui import app

    window.show()
    window.resize(640, 480)  # within the offscreen screen (800 x 600), or it is fitted
    window.tabs.setCurrentIndex(2)
    other = open_database(tmp_path / "other.sqlite")
    new = app.replace_window(window, other)
    try:
        assert new is not window
        assert new.database is other
        assert new.size() == window.size()
        assert new.tabs.currentIndex() == 2
        assert new.isVisible()
        assert not window.isVisible()
        assert "other.sqlite" in new._location()
        assert connections.recent_files()[0] == tmp_path / "other.sqlite"

        # File ▸ Recent connections ▸ the first file: back to it.
        first = window.database.path
        new.connections_menu.open_file(first)
        settled(qtbot)
        newest = app._windows[0]
        assert newest is not new
        assert newest.database.path == first
        newest.close()
        newest.database.dispose()
    finally:
        import shiboken6

        # Replaced by `newest`, the window may be deleted already (on a busy machine Qt
        # runs the deferred delete during `settled`).
        if shiboken6.isValid(new):
            new.close()
        other.dispose()


@OFFSCREEN_NOISE
def test_a_recent_connection_that_cannot_be_opened_opens_the_dialog(
    qtbot: Any, window: Any
) -> None:
    connection = place(host="127.0.0.1", port=closed_port(), database="test", user="postgres")
    window.show()
    window.connections_menu.open_recent(connection)
    settled(qtbot)
    dialog = window.connections_menu.dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.server_edit.text() == "127.0.0.1"
    assert dialog.port_edit.text() == str(connection.port)
    assert dialog.result_state() == "problem"
    assert "cannot be reached" in dialog.result_text()
    dialog.reject()


@OFFSCREEN_NOISE
@pytest.mark.postgres
def test_connecting_from_the_menu_switches_the_window(
    qtbot: Any, window: Any, new_database: Connection
) -> None:
    from exchange_desk.ui import app

    window.show()
    connections.remember(new_database)
    dialog = window.connections_menu.show_dialog()
    assert dialog.database_edit.text() == new_database.database  # the latest connection
    with qtbot.waitSignal(dialog.accepted, timeout=20_000):
        dialog.accept()
    settled(qtbot)
    new = app._windows[0]
    try:
        assert new is not window
        assert new.database.backend == "postgresql"
        assert new_database.database in new._location()
        # Closed, and perhaps deleted already (a deferred delete a busy machine runs early).
        assert not shiboken6.isValid(window) or not window.isVisible()
    finally:
        new.close()
        new.database.dispose()
