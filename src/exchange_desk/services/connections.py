"""Connecting a desk to the office's shared PostgreSQL database: where it is, the password,
testing the connection, opening it, and the connections and files opened recently.

- `Connection` names a server's database and the user to log in as; `url(password)` builds
  the address SQLAlchemy opens, quoting what the user and the password hold.
- The recent connections (at most eight, the latest first) and the SQLite files opened
  recently are kept in `recent-connections.json` in the settings folder
  (`paths.settings_dir`), never with a password. The file is replaced whole, so a crash
  never leaves half of it; a damaged one is ignored (and said so in the log).
- A password the user asks to remember is kept in the system's credential store through
  `keyring` (Windows Credential Manager, the macOS keychain, the Secret Service), under the
  service "Exchange Desk" and the key `user@server:port/database`. A computer without one
  only means the password is asked for each time.
- `test_connection` says whether the server answers, and if so its version, the state of
  the schema and the role the user would have; `open_connection` opens it as the window's
  database, under the usual rules (an empty database is set up, an older shared schema is
  refused until `db upgrade`).

Why a connection failed is told in the office's words: the server out of reach (the
storage's own message), a wrong password, a user or a database the server does not know.
The server's reasons come in its own words; their wording is matched only to choose the
message, and the server's line is always kept in it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from exchange_desk.domain.errors import StorageProblem, StorageUnavailable
from exchange_desk.domain.roles import Role
from exchange_desk.i18n.catalog import _
from exchange_desk.paths import settings_dir
from exchange_desk.services.database import open_office_database
from exchange_desk.services.roles import role_of
from exchange_desk.storage.database import Database, classify, known_revisions, make_engine

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

__all__ = [
    "DEFAULT_PORT",
    "FILE_NAME",
    "KEPT",
    "SERVICE_NAME",
    "CannotConnect",
    "Connection",
    "ConnectionTest",
    "Refusal",
    "SchemaStatus",
    "clear_recent",
    "connection_of",
    "forget",
    "forget_password",
    "open_connection",
    "password_store_available",
    "password_store_note",
    "recent_connections",
    "recent_files",
    "remember",
    "remember_file",
    "remember_password",
    "stored_password",
    "test_connection",
]

log = logging.getLogger(__name__)

DEFAULT_PORT = 5432
FILE_NAME = "recent-connections.json"
KEPT = 8  # of each: connections, files
SERVICE_NAME = "Exchange Desk"  # the credential store's entries are listed under this name
DRIVER = "postgresql+psycopg"


@dataclass(frozen=True, slots=True, kw_only=True)
class Connection:
    """A database on a PostgreSQL server and the user to log in as; never a password.
    `label` is how the menu names it ("Municipal server"); empty, the address does."""

    host: str
    port: int = DEFAULT_PORT
    database: str
    user: str
    label: str = ""

    def url(self, password: str | None = None) -> URL:
        """The address to open, `postgresql+psycopg://user:password@host:port/database`;
        `URL.create` keeps every character of the user and the password as typed (an `@`, a
        `/` or a `%` in a password is quoted when the address is written out)."""
        return URL.create(
            DRIVER,
            username=self.user,
            password=password or None,
            host=self.host,
            port=self.port,
            database=self.database,
        )

    @property
    def server(self) -> str:
        """`host:port`, an IPv6 address in brackets."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    def address(self) -> str:
        """`user@host:port/database`: what a person reads, and the credential store's key
        (the host in small letters: `DB.office` and `db.office` are the same server)."""
        return f"{self.user}@{self.server.lower()}/{self.database}"

    def describe(self) -> str:
        """The label and the address, or the address alone."""
        address = self.address()
        return f"{self.label} ({address})" if self.label else address

    def same_place(self, other: Connection) -> bool:
        """The same user on the same database (the labels may differ)."""
        return self.address() == other.address()

    def as_dict(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "port": self.port,
            "database": self.database,
            "user": self.user,
            "label": self.label,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Connection | None:
        """A connection read back from the file; None when the entry is not one."""
        if not isinstance(data, dict):
            return None
        host, database, user = data.get("host"), data.get("database"), data.get("user")
        port, label = data.get("port", DEFAULT_PORT), data.get("label", "")
        if not all(isinstance(value, str) and value for value in (host, database, user)):
            return None
        if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
            return None
        return cls(
            host=str(host),
            port=port,
            database=str(database),
            user=str(user),
            label=label if isinstance(label, str) else "",
        )


def connection_of(database: Database) -> Connection | None:
    """The connection `database` was opened with (a PostgreSQL one), without its password."""
    url = database.url
    if url.get_backend_name() != "postgresql" or not url.host or not url.database:
        return None
    return Connection(
        host=url.host,
        port=url.port or DEFAULT_PORT,
        database=url.database,
        user=url.username or "",
    )


# --- the recent connections and files ---------------------------------------------------


def _path() -> Path:
    return settings_dir() / FILE_NAME


def _load() -> dict[str, Any]:
    path = _path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("The recent connections in %s are ignored: %s", path, exc)
        return {}
    if not isinstance(data, dict):
        log.warning("The recent connections in %s are ignored: not a JSON object", path)
        return {}
    return data


def _save(data: dict[str, Any]) -> None:
    """Write the file whole under a temporary name, then put it in place: a crash leaves
    the old file or the new one. A settings folder that cannot be written only means the
    list is not remembered."""
    path = _path()
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".recent-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(data, stream, ensure_ascii=False, indent=1)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
        temporary = None
    except OSError as exc:
        log.warning("The recent connections could not be written to %s: %s", path, exc)
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def recent_connections() -> list[Connection]:
    """The connections opened lately, the latest first."""
    entries = _load().get("connections", [])
    found: list[Connection] = []
    for entry in entries if isinstance(entries, list) else []:
        connection = Connection.from_dict(entry)
        if connection is not None and not any(connection.same_place(c) for c in found):
            found.append(connection)
    return found[:KEPT]


def recent_files() -> list[Path]:
    """The SQLite files opened lately, the latest first."""
    entries = _load().get("files", [])
    if not isinstance(entries, list):
        return []
    return [Path(entry) for entry in entries if isinstance(entry, str) and entry][:KEPT]


def remember(connection: Connection) -> None:
    """Put `connection` first in the recent list (without any password). A label left
    empty keeps the one it had."""
    data = _load()
    earlier = recent_connections()
    if not connection.label:
        for known in earlier:
            if known.same_place(connection) and known.label:
                connection = Connection(**{**connection.as_dict(), "label": known.label})
                break
    kept = [connection, *(c for c in earlier if not c.same_place(connection))]
    data["connections"] = [c.as_dict() for c in kept[:KEPT]]
    _save(data)


def forget(connection: Connection) -> None:
    """Take `connection` off the recent list, with its remembered password."""
    data = _load()
    data["connections"] = [
        c.as_dict() for c in recent_connections() if not c.same_place(connection)
    ]
    _save(data)
    forget_password(connection)


def remember_file(path: Path) -> None:
    """Put the SQLite file `path` first in the recent files."""
    chosen = os.path.abspath(path)
    # Windows: C:\Office\x.sqlite and c:\office\X.SQLITE are the same file.
    same = os.path.normcase(chosen)
    earlier = recent_files()
    if earlier and os.path.normcase(os.path.abspath(earlier[0])) == same:
        return  # first already: the file is not written again at every start
    data = _load()
    kept = [chosen]
    kept += [str(known) for known in earlier if os.path.normcase(os.path.abspath(known)) != same]
    data["files"] = kept[:KEPT]
    _save(data)


def clear_recent() -> None:
    """Forget every recent connection (and its password) and file."""
    for connection in recent_connections():
        forget_password(connection)
    _save({"connections": [], "files": []})


# --- passwords in the system's credential store -------------------------------------------


def _keyring() -> KeyringBackend | None:
    """The credential store, or None when the system has none (`keyring`'s fail or null
    backend: a Linux without a Secret Service, a locked-down profile)."""
    import keyring
    from keyring.backends import fail, null

    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # a store that breaks while loading: only not remembering
        log.warning("No credential store: %s", exc)
        return None
    if isinstance(backend, (fail.Keyring, null.Keyring)):
        _say_no_store(backend)
        return None
    return backend


_said: set[str] = set()


def _say_no_store(reason: object) -> None:
    """Once per run, in the log: passwords are not remembered on this computer, and why."""
    key = type(reason).__name__
    if key not in _said:
        _said.add(key)
        log.warning("Passwords are not remembered: no credential store is available (%s)", reason)


def password_store_available() -> bool:
    """Whether the system has a credential store to keep passwords in."""
    return _keyring() is not None


def password_store_note() -> str:
    """What the connection dialog says when there is no credential store."""
    return _(
        "This computer has no credential store, so the password cannot be remembered: "
        "you will be asked for it each time."
    )


def _store_failed(exc: Exception) -> None:
    from keyring.errors import NoKeyringError

    if isinstance(exc, NoKeyringError):
        _say_no_store(exc)
    else:
        log.warning("The credential store failed: %s", exc)


def stored_password(connection: Connection) -> str | None:
    """The password remembered for `connection`; None when none is (or no store exists)."""
    from keyring.errors import KeyringError

    backend = _keyring()
    if backend is None:
        return None
    try:
        return backend.get_password(SERVICE_NAME, connection.address())
    except (KeyringError, OSError) as exc:
        _store_failed(exc)
        return None


def remember_password(connection: Connection, password: str) -> bool:
    """Keep `password` for `connection` in the credential store; False when it could not
    be kept (no store, or the store refused), which is said in the log."""
    from keyring.errors import KeyringError

    backend = _keyring()
    if backend is None:
        return False
    try:
        backend.set_password(SERVICE_NAME, connection.address(), password)
    except (KeyringError, OSError) as exc:
        _store_failed(exc)
        return False
    return True


def forget_password(connection: Connection) -> None:
    """Remove the password remembered for `connection`, if any."""
    from keyring.errors import KeyringError, PasswordDeleteError

    backend = _keyring()
    if backend is None:
        return
    try:
        backend.delete_password(SERVICE_NAME, connection.address())
    except PasswordDeleteError:
        pass  # none was remembered
    except (KeyringError, OSError) as exc:
        _store_failed(exc)


# --- testing and opening -------------------------------------------------------------------


class Refusal(StrEnum):
    """Why the server would not let the user in, as far as its answer tells."""

    UNREACHABLE = "unreachable"  # no answer: the name, the port, the network, the server
    WRONG_PASSWORD = "wrong_password"
    NO_PASSWORD = "no_password"  # the server asks for one and none was given
    NO_USER = "no_user"
    NO_DATABASE = "no_database"
    NOT_ALLOWED = "not_allowed"  # the server's rules (pg_hba.conf) refuse this computer


class CannotConnect(StorageUnavailable):
    """The server could not be reached or refused the connection; `refusal` says which.
    `needs_password` is true when typing a (different) password may help."""

    def __init__(self, refusal: Refusal, message: str, reason: str) -> None:
        super().__init__(StorageProblem.UNREACHABLE, message)
        self.refusal = refusal
        self.reason = reason  # the server's (or the network's) own words

    @property
    def needs_password(self) -> bool:
        return self.refusal in (Refusal.WRONG_PASSWORD, Refusal.NO_PASSWORD)


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0].strip() if lines else type(error).__name__


# The server's words, as libpq and PostgreSQL write them in English (a server set to another
# language falls back to the general message, which still quotes its words). The order
# matters: the first that matches decides.
_REFUSALS = (
    (re.compile(r"no password supplied", re.IGNORECASE), Refusal.NO_PASSWORD),
    (re.compile(r"authentication failed", re.IGNORECASE), Refusal.WRONG_PASSWORD),
    (re.compile(r"no pg_hba\.conf entry", re.IGNORECASE), Refusal.NOT_ALLOWED),
    (re.compile(r'\bdatabase ".*" does not exist', re.IGNORECASE), Refusal.NO_DATABASE),
    (re.compile(r'\brole ".*" does not exist', re.IGNORECASE), Refusal.NO_USER),
)


def explain(exc: BaseException, connection: Connection) -> StorageUnavailable | None:
    """Why connecting to `connection` failed, in the user's language; None when `exc` is
    not the environment's doing (a bug, which the caller lets through).

    What `storage.database.classify` makes of it comes first (the server out of reach, a
    lock, a full disk); a refusal at the door is then named more precisely."""
    cause = exc.__cause__ if isinstance(exc, StorageUnavailable) else exc
    if isinstance(exc, CannotConnect):
        return exc
    general = exc if isinstance(exc, StorageUnavailable) else classify(exc, connection.url())
    if general is None:
        return None
    if general.problem is not StorageProblem.UNREACHABLE or not isinstance(
        cause, (DBAPIError, OSError)
    ):
        return general
    original = cause.orig if isinstance(cause, DBAPIError) else cause
    reason = _first_line(original) if original is not None else _first_line(cause)
    refusal = next(
        (found for words, found in _REFUSALS if words.search(reason)), Refusal.UNREACHABLE
    )
    return CannotConnect(refusal, _refusal_message(refusal, connection, general, reason), reason)


def _refusal_message(
    refusal: Refusal, connection: Connection, general: StorageUnavailable, reason: str
) -> str:
    server, user, database = connection.server, connection.user, connection.database
    if refusal is Refusal.WRONG_PASSWORD:
        return _(
            "The server {server} did not accept the password of the user {user}. "
            "Check the user name and the password."
        ).format(server=server, user=user)
    if refusal is Refusal.NO_PASSWORD:
        return _("The server {server} asks for the password of the user {user}.").format(
            server=server, user=user
        )
    if refusal is Refusal.NO_USER:
        return _(
            "The server {server} has no user named {user}. Check the name, or ask the "
            "server's administrator to add you."
        ).format(server=server, user=user)
    if refusal is Refusal.NO_DATABASE:
        return _(
            "The server {server} has no database named {database}. Check the name, or ask "
            "the server's administrator to create it."
        ).format(server=server, database=database)
    if refusal is Refusal.NOT_ALLOWED:
        return _(
            "The server {server} does not let the user {user} connect to {database} from "
            "this computer. Its administrator can allow it (pg_hba.conf): {reason}"
        ).format(server=server, user=user, database=database, reason=reason)
    return general.user_message()


class SchemaStatus(StrEnum):
    """What is in the database, as far as Exchange Desk is concerned."""

    EMPTY = "empty"  # new: set up when first opened
    CURRENT = "current"
    NEEDS_UPGRADE = "needs_upgrade"  # older: `exchange-desk db upgrade` first
    TOO_NEW = "too_new"  # written by a newer version of the program
    FOREIGN = "foreign"  # tables that are not Exchange Desk's

    def label(self, revision: str | None = None) -> str:
        """The state in the user's language, with what to do about it."""
        if self is SchemaStatus.EMPTY:
            return _("new and empty: it will be set up when you connect")
        if self is SchemaStatus.CURRENT:
            return _("up to date")
        if self is SchemaStatus.NEEDS_UPGRADE:
            return _("older ({revision}): back it up, then run 'exchange-desk db upgrade'").format(
                revision=revision
            )
        if self is SchemaStatus.TOO_NEW:
            return _(
                "written by a newer version of Exchange Desk ({revision}): install that version"
            ).format(revision=revision)
        return _("holds tables that are not Exchange Desk's")


@dataclass(frozen=True, slots=True)
class ConnectionTest:
    """What testing a connection found. When the server did not answer (or refused),
    `reachable` is false and `message` says why; else the server's version, the schema's
    state and the role the user would have."""

    connection: Connection
    reachable: bool
    message: str
    error: StorageUnavailable | None = None
    server_version: str = ""
    schema: SchemaStatus | None = None
    revision: str | None = None
    role: Role | None = None

    @property
    def can_open(self) -> bool:
        """Whether connecting would open it: reachable, and empty or up to date."""
        return self.reachable and self.schema in (SchemaStatus.EMPTY, SchemaStatus.CURRENT)

    def details(self) -> list[str]:
        """The lines to show under the message, in the user's language."""
        if not self.reachable:
            return []
        found = []
        if self.schema is not None:
            found.append(_("Schema: {state}").format(state=self.schema.label(self.revision)))
        if self.role is not None:
            found.append(_("Your role: {role}").format(role=self.role.label()))
        return found


def _server_version(database: Database) -> str:
    with database.engine.connect() as connection:
        found = str(connection.execute(text("SHOW server_version")).scalar() or "")
    # "16.2 (Debian 16.2-1.pgdg120+2)": the number is what matters.
    return found.split(" (")[0].strip()


def _schema_status(database: Database) -> tuple[SchemaStatus, str | None]:
    state = database.schema_state()
    if state.is_empty:
        return SchemaStatus.EMPTY, None
    if state.current is None:
        return SchemaStatus.FOREIGN, None
    if state.is_current:
        return SchemaStatus.CURRENT, state.current
    if state.current in known_revisions():
        return SchemaStatus.NEEDS_UPGRADE, state.current
    return SchemaStatus.TOO_NEW, state.current


def test_connection(connection: Connection, password: str | None) -> ConnectionTest:
    """Connect, look, and disconnect, changing nothing: whether the server answers and
    lets the user in, its version, the schema's state and the user's role. An error that
    is not the environment's (a bug) is raised."""
    database = Database(connection.url(password), make_engine(connection.url(password)))
    try:
        version = _server_version(database)
        schema, revision = _schema_status(database)
        role = role_of(database)
    except (DBAPIError, StorageUnavailable) as exc:
        problem = explain(exc, connection)
        if problem is None:
            raise
        return ConnectionTest(connection, False, problem.user_message(), error=problem)
    finally:
        database.dispose()
    message = _("Connected to {server}: PostgreSQL {version}.").format(
        server=connection.server, version=version
    )
    return ConnectionTest(
        connection,
        True,
        message,
        server_version=version,
        schema=schema,
        revision=revision,
        role=role,
    )


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a test, for pytest


def open_connection(connection: Connection, password: str | None) -> Database:
    """Open the database of `connection` as the window's (or a command's): an empty one is
    set up, an older shared schema is refused until `exchange-desk db upgrade`, a newer one
    always. The user's role is read now, so that nobody asks the server for it later on the
    window's thread. Raises `StorageUnavailable` (`CannotConnect` for the door)."""
    try:
        database = open_office_database(connection.url(password))
    except (DBAPIError, StorageUnavailable) as exc:
        problem = explain(exc, connection)
        if problem is None or problem is exc:
            raise
        raise problem from exc
    try:
        role_of(database)
    except BaseException as exc:
        database.dispose()
        problem = explain(exc, connection) if isinstance(exc, DBAPIError) else None
        if problem is None:
            raise
        raise problem from exc
    return database
