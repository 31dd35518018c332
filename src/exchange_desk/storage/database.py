"""Opening the office's database: where it lives, engine set-up, schema version, errors.

The default is a SQLite file in the user's data folder. `--db` or `EXCHANGE_DESK_DB` name
another SQLite file or a `postgresql+psycopg://` URL. Opening runs the migrations: a new
database is created at the newest schema; an older SQLite file is copied aside first; a
database written by a newer version of the program is refused rather than damaged.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from exchange_desk.domain.errors import StorageProblem, StorageUnavailable
from exchange_desk.i18n.catalog import _

if TYPE_CHECKING:
    from alembic.config import Config

# The newest migration's revision. Opening a database whose `alembic_version` says this
# needs no Alembic at all, which keeps every command's start-up short; a test holds it equal
# to the newest script in migrations/versions.
SCHEMA_HEAD = "0003"

ENV_VARIABLE = "EXCHANGE_DESK_DB"
APP_NAME = "ExchangeDesk"
BUSY_TIMEOUT_SECONDS = 5.0
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_SQLITE_MAGIC = b"SQLite format 3\x00"


def user_data_dir() -> Path:
    """The user's data folder; a portable copy's `data` folder beside the program."""
    from exchange_desk.paths import portable_data_dir

    portable = portable_data_dir()
    if portable is not None:
        return portable
    from platformdirs import user_data_dir as platform_user_data_dir

    return Path(platform_user_data_dir(APP_NAME, appauthor=False, roaming=True))


def default_database_path() -> Path:
    return user_data_dir() / "exchange-desk.sqlite"


def resolve_url(location: str | os.PathLike[str] | None = None) -> URL:
    """The database URL for `--db` (a path or URL), else `EXCHANGE_DESK_DB`, else the default."""
    chosen = os.fspath(location) if location is not None else os.environ.get(ENV_VARIABLE)
    if not chosen:
        return make_url(f"sqlite:///{default_database_path()}")
    if "://" not in chosen:
        return make_url(f"sqlite:///{Path(chosen).expanduser().resolve()}")
    try:
        url = make_url(chosen)
        url.port  # noqa: B018 - a non-numeric port only fails when read
    except (ArgumentError, ValueError) as exc:
        raise StorageUnavailable(
            StorageProblem.UNREACHABLE, _("Not a database address: {url}").format(url=chosen)
        ) from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise StorageUnavailable(
            StorageProblem.UNREACHABLE,
            _("Only SQLite files and PostgreSQL URLs are supported, not {backend}.").format(
                backend=url.get_backend_name()
            ),
        )
    return url


def describe(url: URL) -> str:
    """A human description of where the data is, without any password."""
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return url.render_as_string(hide_password=True)


def classify(exc: BaseException) -> StorageUnavailable | None:
    """Turn a driver error caused by the environment into `StorageUnavailable`; None if not one."""
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    message = str(original).lower()
    if "locked" in message or "busy" in message:
        return StorageUnavailable(
            StorageProblem.LOCKED,
            _("The database is locked by another program or desk. Try again in a moment."),
        )
    if "not a database" in message or "malformed" in message or "corrupt" in message:
        return StorageUnavailable(
            StorageProblem.CORRUPT,
            _("The database file is damaged or is not an Exchange Desk database."),
        )
    if "readonly" in message or "read-only" in message:
        return StorageUnavailable(
            StorageProblem.READ_ONLY, _("The database cannot be written: it is read-only.")
        )
    if "unable to open" in message or "disk i/o" in message or "disk is full" in message:
        return StorageUnavailable(
            StorageProblem.UNREACHABLE, _("The database file cannot be opened or written.")
        )
    if isinstance(exc, OperationalError):
        return StorageUnavailable(
            StorageProblem.UNREACHABLE,
            _("The database server cannot be reached: {reason}").format(
                reason=str(original).strip().splitlines()[0] if str(original).strip() else ""
            ),
        )
    return None


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # SQLite's own lower() folds ASCII only: "ZÜRICH" would not find "Zürich". Searches
    # compare lower(column) with lower(text), so Python's Unicode-aware lower() replaces it.
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Long lists read the file in index order; mapping it saves a system call per page.
        cursor.execute("PRAGMA mmap_size=268435456")
    finally:
        cursor.close()


def _unicode_lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def make_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
        event.listen(engine, "connect", _sqlite_on_connect)
        return engine
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {revision.revision for revision in script.walk_revisions()}


@dataclass(frozen=True, slots=True)
class SchemaState:
    current: str | None
    head: str
    has_tables: bool

    @property
    def is_current(self) -> bool:
        return self.current == self.head

    @property
    def is_empty(self) -> bool:
        return self.current is None and not self.has_tables


class Database:
    """An open database: the engine, a session factory, and where it lives."""

    def __init__(self, url: URL, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._local = threading.local()

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    @property
    def path(self) -> Path | None:
        if self.backend == "sqlite" and self.url.database not in (None, "", ":memory:"):
            return Path(str(self.url.database))
        return None

    def describe(self) -> str:
        return describe(self.url)

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back when it raises.

        Units of work opened inside another (on the same thread) join it, so that several
        service calls can be made atomic: `with database.unit_of_work(): create(...); ...`.
        """
        joined = getattr(self._local, "session", None)
        if joined is not None:
            yield joined
            return
        session = self._sessions()
        self._local.session = session
        try:
            with session.begin():
                yield session
        except DBAPIError as exc:
            problem = classify(exc)
            if problem is not None:
                raise problem from exc
            raise
        finally:
            self._local.session = None
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only: nothing it does is committed. Inside a unit of work it
        is that unit's session, so reads see what the unit has written so far."""
        joined = getattr(self._local, "session", None)
        if joined is not None:
            joined.flush()
            yield joined
            return
        session = self._sessions()
        try:
            yield session
        except DBAPIError as exc:
            problem = classify(exc)
            if problem is not None:
                raise problem from exc
            raise
        finally:
            session.rollback()
            session.close()

    def stored_revision(self) -> str | None:
        """The schema revision the database says it has, without loading Alembic."""
        try:
            with self.engine.connect() as connection:
                tables = set(inspect(connection).get_table_names())
                if "alembic_version" not in tables:
                    return None
                rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        except DBAPIError as exc:
            problem = classify(exc)
            if problem is not None:
                raise problem from exc
            raise
        return str(rows[0][0]) if len(rows) == 1 else None

    def schema_state(self) -> SchemaState:
        from alembic.runtime.migration import MigrationContext

        try:
            with self.engine.connect() as connection:
                current = MigrationContext.configure(connection).get_current_revision()
                tables = set(inspect(connection).get_table_names()) - {"alembic_version"}
        except DBAPIError as exc:
            problem = classify(exc)
            if problem is not None:
                raise problem from exc
            raise
        return SchemaState(current=current, head=head_revision(), has_tables=bool(tables))

    def upgrade(self, *, backup: bool = True) -> Path | None:
        """Bring the schema to the newest revision; returns the backup copy made, if any."""
        state = self.schema_state()
        self._refuse_foreign(state)
        if state.is_current:
            return None
        copy = None
        if backup and state.current is not None and self.path is not None:
            copy = self.backup(f"before-{state.head}")
        from alembic import command

        try:
            command.upgrade(alembic_config(self.engine), "head")
        except DBAPIError as exc:
            problem = classify(exc)
            if problem is not None:
                raise problem from exc
            raise
        return copy

    def backup(self, label: str) -> Path:
        """Copy the SQLite file aside with SQLite's online backup (safe while open)."""
        assert self.path is not None
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.stem}.{label}.{stamp}.backup.sqlite")
        source = sqlite3.connect(self.path)
        try:
            destination = sqlite3.connect(target)
            try:
                source.backup(destination)
            finally:
                destination.close()
        finally:
            source.close()
        return target

    def _refuse_foreign(self, state: SchemaState) -> None:
        if state.current is None and state.has_tables:
            raise StorageUnavailable(
                StorageProblem.CORRUPT,
                _(
                    "{where} holds tables that are not Exchange Desk's; it was left untouched."
                ).format(where=self.describe()),
            )
        if state.current is not None and state.current not in known_revisions():
            raise StorageUnavailable(
                StorageProblem.TOO_NEW,
                _(
                    "This database was written by a newer version of Exchange Desk "
                    "(schema {revision}). Install the newer version to open it; "
                    "nothing was changed."
                ).format(revision=state.current),
            )

    def dispose(self) -> None:
        self.engine.dispose()


def _check_sqlite_file(path: Path, *, create: bool) -> None:
    if not path.exists() and not create:
        raise StorageUnavailable(
            StorageProblem.UNREACHABLE,
            _("There is no database at {path}.").format(path=path),
        )
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageUnavailable(
                StorageProblem.UNREACHABLE,
                _("The folder for the database cannot be created: {path}").format(path=path.parent),
            ) from exc
        return
    if path.is_dir():
        raise StorageUnavailable(
            StorageProblem.UNREACHABLE,
            _("{path} is a folder, not a database file.").format(path=path),
        )
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise StorageUnavailable(
            StorageProblem.UNREACHABLE,
            _("The database file cannot be read: {path}").format(path=path),
        ) from exc
    if header and header != _SQLITE_MAGIC:
        raise StorageUnavailable(
            StorageProblem.CORRUPT,
            _("{path} is not a SQLite database (damaged, or another kind of file).").format(
                path=path
            ),
        )


def open_database(
    location: str | os.PathLike[str] | URL | None = None,
    *,
    migrate: bool = True,
    create: bool = True,
) -> Database:
    """Open the database, creating or migrating it as needed (see the module docstring).

    A PostgreSQL database shared by several desks is only created automatically when empty;
    an older schema there is upgraded by `exchange-desk db upgrade`, so one desk never
    migrates a shared database behind the others' backs.
    """
    url = location if isinstance(location, URL) else resolve_url(location)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        _check_sqlite_file(Path(str(url.database)), create=create)
    database = Database(url, make_engine(url))
    try:
        if database.stored_revision() == SCHEMA_HEAD:
            return database
        state = database.schema_state()
        database._refuse_foreign(state)
        if not migrate or state.is_current:
            return database
        if state.is_empty or database.backend == "sqlite":
            database.upgrade()
            return database
        raise StorageUnavailable(
            StorageProblem.NEEDS_UPGRADE,
            _(
                "The shared database uses an older schema ({revision}). Back it up, then run "
                "'exchange-desk db upgrade'."
            ).format(revision=state.current),
        )
    except BaseException:
        database.dispose()
        raise


def ping(database: Database) -> None:
    with database.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
