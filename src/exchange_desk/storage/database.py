"""Opening the office's database: where it lives, engine set-up, schema version, errors.

The default is a SQLite file in the user's data folder. `--db` or `EXCHANGE_DESK_DB` name
another SQLite file or a `postgresql+psycopg://` URL. Opening runs the migrations: a new
database is created at the newest schema; an older SQLite file is copied aside first; a
database written by a newer version of the program is refused rather than damaged.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import glob
import hashlib
import ntpath
import os
import re
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from exchange_desk.domain.errors import StorageProblem, StorageUnavailable
from exchange_desk.domain.messages import _

if TYPE_CHECKING:
    from alembic.config import Config

# The newest migration's revision. Opening a database whose `alembic_version` says this
# needs no Alembic at all, which keeps every command's start-up short; a test holds it equal
# to the newest script in migrations/versions.
SCHEMA_HEAD = "0008"

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
    # A path is put in the URL as it is: parsed from text, a "?" or "%20" in a file name
    # would be taken for the URL's query or an escape.
    if not chosen:
        return URL.create("sqlite", database=str(default_database_path()))
    if "://" not in chosen:
        return URL.create("sqlite", database=str(Path(chosen).expanduser().resolve()))
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


def classify(exc: BaseException, url: URL | None = None) -> StorageUnavailable | None:
    """Turn an error caused by the environment into `StorageUnavailable`; None if not one
    (a bug, which the caller lets through).

    `url` is the database's: with it, the message names the file, the disk it is on and the
    latest backup. A driver's error (wrapped by SQLAlchemy or not) and an `OSError` are
    understood; "the database server cannot be reached" is only ever said of PostgreSQL.
    """
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    if original is None:
        return None
    path = _sqlite_path(url)
    if isinstance(original, OSError):
        return _classify_os_error(original, path)
    if isinstance(original, sqlite3.Error) or (url is not None and path is not None):
        return _classify_sqlite(original, path)
    if _is_postgresql_error(original) or (url is not None and url.get_backend_name() != "sqlite"):
        return _classify_postgresql(exc, original)
    return None


def _sqlite_path(url: URL | None) -> Path | None:
    """The SQLite file `url` names; None for a server or a database in memory."""
    if url is None or url.get_backend_name() != "sqlite":
        return None
    if url.database in (None, "", ":memory:"):
        return None
    return Path(str(url.database))


def _is_postgresql_error(error: BaseException) -> bool:
    # Without importing psycopg, which the SQLite-only desk never loads.
    return type(error).__module__.split(".")[0] == "psycopg"


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0].strip() if lines else type(error).__name__


def _classify_sqlite(error: BaseException, path: Path | None) -> StorageUnavailable | None:
    # SQLite's result code says what happened (Python 3.11+ sets it on what sqlite3
    # raises); the message is the fallback for an error made by hand.
    name = str(getattr(error, "sqlite_errorname", "") or "")
    message = str(error).lower()
    reason = _first_line(error)
    if name.startswith("SQLITE_FULL") or "disk is full" in message:
        return _disk_full(path)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in message:
        return StorageUnavailable(
            StorageProblem.LOCKED,
            _("The database is locked by another program or desk. Try again in a moment."),
        )
    if name.startswith("SQLITE_READONLY") or "readonly" in message or "read-only" in message:
        return _read_only(path)
    if (
        name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))
        or "not a database" in message
        or "malformed" in message
        or "corrupt" in message
    ):
        return _damaged(path, reason)
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_PERM")) or (
        "unable to open" in message or "disk i/o" in message
    ):
        if path is not None and path.parent.exists() and not os.access(path.parent, os.W_OK):
            return _read_only(path)
        if path is None:
            return StorageUnavailable(
                StorageProblem.UNREACHABLE, _("The database file cannot be opened or written.")
            )
        return StorageUnavailable(
            StorageProblem.UNREACHABLE,
            _(
                "The database file {path} cannot be read or written: SQLite reports "
                "“{reason}”. Check that the disk or network folder it is on is still there."
            ).format(path=path, reason=reason),
        )
    return None


def _classify_os_error(error: OSError, path: Path | None) -> StorageUnavailable | None:
    where = Path(error.filename) if isinstance(error.filename, str) else path
    if error.errno == errno.ENOSPC:
        return _disk_full(where)
    # Windows: the file is open in another program that shares it with nobody.
    if getattr(error, "winerror", None) in (32, 33):
        return StorageUnavailable(
            StorageProblem.LOCKED,
            _("The database is locked by another program or desk. Try again in a moment."),
        )
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _read_only(where)
    return None


def _classify_postgresql(exc: BaseException, error: BaseException) -> StorageUnavailable | None:
    sqlstate = str(getattr(error, "sqlstate", "") or "")
    reason = _first_line(error)
    if sqlstate == "53100":  # disk_full
        return StorageUnavailable(
            StorageProblem.DISK_FULL,
            _("The database server's disk is full, so nothing can be saved: {reason}").format(
                reason=reason
            ),
        )
    if sqlstate in ("55P03", "40P01"):  # lock_not_available, deadlock_detected
        return StorageUnavailable(
            StorageProblem.LOCKED,
            _("The database is locked by another program or desk. Try again in a moment."),
        )
    if sqlstate == "25006":  # read_only_sql_transaction
        return StorageUnavailable(
            StorageProblem.READ_ONLY,
            _("The database server accepts no changes now: {reason}").format(reason=reason),
        )
    operational = isinstance(exc, OperationalError) or any(
        cls.__name__ == "OperationalError" for cls in type(error).__mro__
    )
    if operational or sqlstate.startswith("08") or sqlstate in ("57P01", "57P02", "57P03"):
        return StorageUnavailable(
            StorageProblem.UNREACHABLE,
            _("The database server cannot be reached: {reason}").format(reason=reason),
        )
    return None


def disk_of(path: Path) -> str:
    """The drive or mount point that holds `path`: `C:\\`, `\\\\server\\share\\`, `/home`."""
    if os.name == "nt":
        return path.anchor or str(path)
    current = Path(os.path.abspath(path))
    while current != current.parent and not os.path.ismount(current):
        current = current.parent
    return str(current)


def latest_backup(path: Path) -> Path | None:
    """The newest backup of the SQLite file at `path`, if any: a copy `Database.backup` made
    beside it, or one in the `backups` folder beside it (daily, manual, before a restore;
    see services.backups), a damaged file set aside there excepted."""
    stem = glob.escape(path.stem)
    try:
        copies = [copy for copy in path.parent.glob(f"{stem}.*.backup.sqlite") if copy.is_file()]
        copies += [
            copy
            for copy in (path.parent / "backups").glob(f"{stem}.*.sqlite")
            if copy.is_file() and not copy.name.startswith(f"{path.stem}.damaged.")
        ]
    except OSError:
        return None
    return max(copies, key=lambda copy: (copy.stat().st_mtime, copy.name), default=None)


def _disk_full(path: Path | None) -> StorageUnavailable:
    if path is None:
        return StorageUnavailable(
            StorageProblem.DISK_FULL,
            _(
                "The disk is full, so the database cannot be written. "
                "Free some space and try again."
            ),
        )
    return StorageUnavailable(
        StorageProblem.DISK_FULL,
        _(
            "The disk {disk} is full, so the database {path} cannot be written. "
            "Free some space on it and try again."
        ).format(disk=disk_of(path), path=path),
    )


def _read_only(path: Path | None) -> StorageUnavailable:
    if path is None:
        message = _("The database cannot be written: it is read-only.")
    elif path.exists() and not os.access(path, os.W_OK):
        message = _("The database file {path} is read-only, so nothing can be saved in it.").format(
            path=path
        )
    elif path.parent.exists() and not os.access(path.parent, os.W_OK):
        message = _(
            "The folder {folder} is read-only, so the database in it cannot be written "
            "(SQLite keeps its journal beside the file)."
        ).format(folder=path.parent)
    else:
        message = _(
            "The database {path} can only be read: it was opened read-only, or the disk "
            "it is on cannot be written."
        ).format(path=path)
    return StorageUnavailable(StorageProblem.READ_ONLY, message)


def _damaged(path: Path | None, reason: str) -> StorageUnavailable:
    if path is None:
        return StorageUnavailable(
            StorageProblem.CORRUPT,
            _("The database file is damaged or is not an Exchange Desk database."),
        )
    backup = latest_backup(path)
    if "not a database" in reason.lower():
        # A file that SQLite does not recognise at all may be another kind of file chosen
        # by mistake, not a damaged database.
        if backup is None:
            message = _(
                "{path} is not a SQLite database (damaged, or another kind of file): SQLite "
                "reports “{reason}”. No backup of it was found in {folder}."
            ).format(path=path, reason=reason, folder=path.parent)
        else:
            message = _(
                "{path} is not a SQLite database (damaged, or another kind of file): SQLite "
                "reports “{reason}”. The latest backup of it is {backup}."
            ).format(path=path, reason=reason, backup=backup)
    elif backup is None:
        message = _(
            "The database file {path} is damaged: SQLite reports “{reason}”. "
            "No backup of it was found in {folder}."
        ).format(path=path, reason=reason, folder=path.parent)
    else:
        message = _(
            "The database file {path} is damaged: SQLite reports “{reason}”. "
            "The latest backup of it is {backup}."
        ).format(path=path, reason=reason, backup=backup)
    return StorageUnavailable(StorageProblem.CORRUPT, message)


def _sqlite_on_connect(
    dbapi_connection: Any, _record: Any, journal_mode: str | None = "WAL"
) -> None:
    # SQLite's own lower() folds ASCII only: "ZÜRICH" would not find "Zürich". Searches
    # compare lower(column) with lower(text), so Python's Unicode-aware lower() replaces it.
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
        # Setting the journal mode writes the file's header: a file opened only to read
        # is left as it is (None), and refuses every write.
        if journal_mode is not None:
            cursor.execute(f"PRAGMA journal_mode={journal_mode}")
        else:
            cursor.execute("PRAGMA query_only=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Long lists read the file in index order; mapping it saves a system call per page.
        cursor.execute("PRAGMA mmap_size=268435456")
    finally:
        cursor.close()


def _unicode_lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def make_engine(url: URL, *, read_only: bool = False) -> Engine:
    """The engine for `url`. A SQLite file is kept with a write-ahead log, except on a
    network share (`on_network_share`), where WAL does not work across computers and the
    classic rollback journal is used. `read_only`: nothing is ever written (see
    `uri_to_read`; on PostgreSQL every transaction is READ ONLY)."""
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
        path = _sqlite_path(url)
        journal: str | None = "WAL"
        if read_only:
            journal = None
            if path is not None:
                uri = uri_to_read(path)

                def connect_read_only(
                    _dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]
                ) -> None:
                    cargs[:1] = [uri]
                    cparams["uri"] = True

                event.listen(engine, "do_connect", connect_read_only)
        elif path is not None and on_network_share(path):
            journal = "DELETE"

        def on_connect(dbapi_connection: Any, record: Any) -> None:
            _sqlite_on_connect(dbapi_connection, record, journal)

        event.listen(engine, "connect", on_connect)
        return engine
    engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
    if read_only:
        event.listen(engine, "connect", _postgresql_read_only)
    return engine


def _postgresql_read_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SET default_transaction_read_only = on")
    finally:
        cursor.close()
    # A SET inside a transaction that is rolled back is undone: the pool rolls back.
    dbapi_connection.commit()


# --- opening to read only, and files on network shares ----------------------------------------

# GetDriveTypeW's answers (winbase.h) that matter here.
DRIVE_REMOTE = 4
DRIVE_CDROM = 5
# File systems whose files live on another computer (the type column of /proc/mounts).
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "ncpfs",
        "afs",
        "9p",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "davfs",
        "fuse.sshfs",
        "fuse.glusterfs",
        "fuse.davfs2",
        "fuse.cephfs",
        "fuse.rclone",
        "fuse.smbnetfs",
    }
)


def parse_mounts(table: str) -> list[tuple[str, str]]:
    """(mount point, file system type) of each line of /proc/mounts; the kernel writes a
    space, tab, newline or backslash in a mount point as an octal escape (`\\040`)."""
    found = []
    for line in table.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = re.sub(r"\\([0-7]{3})", lambda octal: chr(int(octal.group(1), 8)), fields[1])
        found.append((point, fields[2]))
    return found


def filesystem_of(path: str, mounts: Iterable[tuple[str, str]]) -> str | None:
    """The type of the file system `path` (absolute, POSIX) is on: the mount with the
    longest mount point containing it (the last one mounted there wins, as in the kernel)."""
    best: tuple[int, str] | None = None
    for point, kind in mounts:
        inside = point == "/" or path == point or path.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) >= best[0]):
            best = (len(point), kind)
    return best[1] if best is not None else None


def is_unc_path(path: str) -> bool:
    """`\\\\server\\share\\…` (or with forward slashes, or `\\\\?\\UNC\\…`); not a device or
    long-path prefix of a local drive (`\\\\?\\C:\\…`, `\\\\.\\…`)."""
    text = path.replace("/", "\\")
    if text.upper().startswith("\\\\?\\UNC\\"):
        return True
    return text.startswith("\\\\") and not text.startswith(("\\\\?\\", "\\\\.\\"))


def is_network_path(
    path: str,
    *,
    windows: bool,
    mounts: Iterable[tuple[str, str]] = (),
    drive_type: Callable[[str], int] | None = None,
) -> bool:
    """Whether the file at `path` (absolute) is on another computer. Windows: a UNC path, or a
    drive `drive_type(root)` says is remote (a mapped network drive). Elsewhere: the file
    system of its mount in `mounts` (`parse_mounts`) is a network one."""
    if windows:
        if is_unc_path(path):
            return True
        drive = ntpath.splitdrive(path)[0]
        if drive_type is None or not drive.endswith(":"):
            return False
        return drive_type(drive + "\\") == DRIVE_REMOTE
    kind = filesystem_of(path, mounts)
    return kind is not None and kind.lower() in NETWORK_FILESYSTEMS


def _drive_type(root: str) -> int:
    if sys.platform == "win32":
        import ctypes

        return int(ctypes.windll.kernel32.GetDriveTypeW(root))
    return 0


def _mounts() -> list[tuple[str, str]]:
    try:
        return parse_mounts(Path("/proc/mounts").read_text(encoding="utf-8", errors="replace"))
    except OSError:  # not Linux: no network file system is known
        return []


def on_network_share(path: Path) -> bool:
    """Whether the SQLite file at `path` (or the folder it would be made in) is on a network
    share: a UNC path or mapped network drive on Windows, NFS/SMB/CIFS… on Linux."""
    absolute = os.path.abspath(path)
    if sys.platform == "win32":
        return is_network_path(absolute, windows=True, drive_type=_drive_type)
    with contextlib.suppress(OSError):
        absolute = os.path.realpath(absolute)  # a symbolic link into a mounted share
    return is_network_path(absolute, windows=False, mounts=_mounts())


def sqlite_uri(
    path: str, *, mode: str = "ro", immutable: bool = False, windows: bool = os.name == "nt"
) -> str:
    """A SQLite URI that opens the file at `path` (absolute) in `mode` (ro, rw); `immutable`:
    as on media nothing can change (no locks, no -wal or -shm file made beside it).

    Characters a URI gives a meaning to (`?`, `#`, `%`, spaces, non-ASCII) are %-escaped;
    on Windows a drive path is `file:///C:/…` and a UNC path `file:////server/share/…`."""
    if windows:
        text = path.replace("\\", "/")
        prefix = "file://" if text.startswith("//") else "file:///"
        address = prefix + quote(text, safe="/:")
    else:
        address = "file://" + quote(path, safe="/")
    return address + f"?mode={mode}" + ("&immutable=1" if immutable else "")


def writable(path: Path) -> bool:
    """Whether SQLite could write the file and make its journal beside it: the file and its
    folder may be written, and (Windows) the drive is not a CD or DVD."""
    if sys.platform == "win32":
        drive = os.path.splitdrive(os.path.abspath(path))[0]
        if _drive_type(drive + "\\") == DRIVE_CDROM:
            return False
    if path.exists() and not os.access(path, os.W_OK):
        return False
    return os.access(path.parent, os.W_OK)


def uri_to_read(path: Path) -> str:
    """The URI that opens the existing file at `path` to be read only; the connection also
    sets `PRAGMA query_only`, which refuses every write.

    Where the file and its folder can be written it is opened read-write all the same
    (never created: `mode=rw`): SQLite, closing the last connection, then removes the -wal
    and -shm files that reading a WAL file makes, as a read-only connection could not.
    Where they cannot (read-only media, a CD, a write-protected stick), it is opened
    `immutable`, so that no side file is even attempted; unless a write-ahead log with
    content lies there, which holds committed changes an immutable reader would not see."""
    absolute = os.path.abspath(path)
    if writable(path):
        return sqlite_uri(absolute, mode="rw")
    log = path.with_name(path.name + "-wal")
    try:
        unfinished_log = log.stat().st_size > 0
    except OSError:
        unfinished_log = False
    return sqlite_uri(absolute, immutable=not unfinished_log)


def connect_to_read(path: Path, *, timeout: float = BUSY_TIMEOUT_SECONDS) -> sqlite3.Connection:
    """A sqlite3 connection to the file at `path` that only reads (see `uri_to_read`)."""
    connection = sqlite3.connect(uri_to_read(path), uri=True, timeout=timeout)
    connection.execute("PRAGMA query_only=ON")
    return connection


@contextmanager
def transactional_ddl(connection: Connection) -> Iterator[None]:
    """Make SQLite run `CREATE`, `ALTER` and `DROP` inside the connection's transactions.

    Python's sqlite3 module only opens a transaction before a data change, so a schema
    change runs outside one and stays even when what follows fails. Within the block it
    opens none itself (`isolation_level = None`) and SQLAlchemy's own begin emits SQLite's
    BEGIN (SQLAlchemy's documented recipe for pysqlite, on this connection only, so the
    program's other connections are left as they are). IMMEDIATE takes the write lock at
    once: a second program creating or migrating the same file waits instead of failing
    half-way. Nothing changes on PostgreSQL, where schema changes are transactional anyway.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    if connection.in_transaction():
        connection.commit()
    driver = connection.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    previous = driver.isolation_level
    driver.isolation_level = None

    def begin(conn: Connection) -> None:
        if not driver.in_transaction:  # unless an engine-wide listener began one already
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    event.listen(connection, "begin", begin)
    try:
        yield
    finally:
        event.remove(connection, "begin", begin)
        if connection.in_transaction():
            connection.rollback()
        driver.isolation_level = previous


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
        return _sqlite_path(self.url)

    def describe(self) -> str:
        return describe(self.url)

    @contextmanager
    def _explained(self, errors: tuple[type[BaseException], ...] = (DBAPIError,)) -> Iterator[None]:
        """Raise an error of `errors` the environment caused as `StorageUnavailable` (see
        `classify`); any other (a bug) passes through as it is."""
        try:
            yield
        except errors as exc:
            problem = classify(exc, self.url)
            if problem is not None:
                raise problem from exc
            raise

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
        session.info["database"] = self  # whose identity the audit log's lines carry
        self._local.session = session
        try:
            with self._explained(), session.begin():
                if self.backend == "sqlite":
                    # The write lock first: SQLite lets a transaction that has read an older
                    # state of the file not write at all (SQLITE_BUSY_SNAPSHOT, at once and
                    # without waiting), so two desks' saves would fail as "locked" rather
                    # than one waiting for the other and then seeing its newer version.
                    session.connection().exec_driver_sql("BEGIN IMMEDIATE")
                yield session
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
        session.info["database"] = self
        try:
            with self._explained():
                yield session
        finally:
            session.rollback()
            session.close()

    def stored_revision(self) -> str | None:
        """The schema revision the database says it has, without loading Alembic."""
        with self._explained(), self.engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            if "alembic_version" not in tables:
                return None
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        return str(rows[0][0]) if len(rows) == 1 else None

    def schema_state(self) -> SchemaState:
        from alembic.runtime.migration import MigrationContext
        from alembic.util.exc import CommandError

        with self._explained(), self.engine.connect() as connection:
            try:
                current = MigrationContext.configure(connection).get_current_revision()
            except CommandError:
                # Two rows in alembic_version: written by hand or by another program.
                raise StorageUnavailable(
                    StorageProblem.CORRUPT,
                    _(
                        "The database records more than one schema version, so it cannot be "
                        "read safely. Restore a backup, or ask whoever keeps the database to "
                        "leave one row in its table alembic_version."
                    ),
                ) from None
            tables = set(inspect(connection).get_table_names()) - {"alembic_version"}
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

        with self._explained((DBAPIError, sqlite3.Error, OSError)):
            if state.is_empty:
                self._create_schema()
            else:
                command.upgrade(alembic_config(self.engine), "head")
        return copy

    def _create_schema(self) -> None:
        """Create a new database's tables and stamp it with the newest revision, in one
        transaction: a failure or a crash leaves it empty, and the next start creates it.

        The tables are `schema`'s, as Alembic's recipe for a new database has it; a test
        holds them equal to what the migrations make of an older database.
        """
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        from exchange_desk.storage.schema import metadata

        script = ScriptDirectory.from_config(alembic_config())
        with (
            self.engine.connect() as connection,
            transactional_ddl(connection),
            connection.begin(),
        ):
            metadata.create_all(connection)
            MigrationContext.configure(connection).stamp(script, "head")

    def backup(self, label: str) -> Path:
        """Copy the SQLite file aside with SQLite's online backup (safe while open).

        A copy already made of the same content under the same label is reused, so an
        upgrade tried again after a failure does not copy the file once per attempt.
        """
        assert self.path is not None
        fingerprint = _fingerprint(self.path)
        if fingerprint is not None:
            for earlier in sorted(
                self.path.parent.glob(
                    f"{glob.escape(self.path.stem)}.{glob.escape(label)}.*.backup.sqlite"
                ),
                reverse=True,
            ):
                if _same_size(earlier, fingerprint[0]) and (
                    _fingerprint(earlier, checkpoint=False) == fingerprint
                ):
                    return earlier
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.stem}.{label}.{stamp}.backup.sqlite")
        number = 1
        while target.exists():  # another copy in the same second: keep both
            number += 1
            target = self.path.with_name(f"{self.path.stem}.{label}.{stamp}-{number}.backup.sqlite")
        try:
            source = sqlite3.connect(self.path)
            try:
                destination = sqlite3.connect(target)
                try:
                    source.backup(destination)
                finally:
                    destination.close()
            finally:
                source.close()
        except (sqlite3.Error, OSError) as exc:
            # A half-written copy is no backup: it must not be taken for one next time.
            target.unlink(missing_ok=True)
            problem = classify(exc, self.url)
            if problem is not None:
                raise problem from exc
            raise
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


# Bytes of a SQLite file's header that change without its content changing: the file change
# counter (24-27), the schema cookie (40-43, which SQLite's backup counts up in the copy) and
# the version-valid-for number with the writer's SQLite version (92-99).
_VOLATILE_HEADER = ((24, 28), (40, 44), (92, 100))


def _fingerprint(path: Path, *, checkpoint: bool = True) -> tuple[int, str] | None:
    """The size and SHA-256 of a SQLite file's content, its volatile header bytes left out;
    equal for a file and the copy SQLite's backup makes of it. None when it cannot be told:
    the file is missing, or (with `checkpoint`) part of its content is still only in the
    write-ahead log because another program is reading an older state of it.
    """
    try:
        if checkpoint:
            # PASSIVE: copy what the log holds into the file without waiting for readers.
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)
            try:
                busy, logged, copied = connection.execute(
                    "PRAGMA wal_checkpoint(PASSIVE)"
                ).fetchone()
            finally:
                connection.close()
            if busy or logged != copied:
                return None
        size = path.stat().st_size
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            header = bytearray(handle.read(100))
            for start, end in _VOLATILE_HEADER:
                header[start:end] = bytes(end - start)
            digest.update(header)
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except (OSError, sqlite3.Error):
        return None
    return size, digest.hexdigest()


def _same_size(path: Path, size: int) -> bool:
    try:
        return path.stat().st_size == size
    except OSError:
        return False


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
        # Refused before SQLite opens it (and writes its journal beside it), with the
        # words SQLite itself would use.
        raise _damaged(path, "file is not a database")


def open_database(
    location: str | os.PathLike[str] | URL | None = None,
    *,
    migrate: bool = True,
    create: bool = True,
    read_only: bool = False,
) -> Database:
    """Open the database, creating or migrating it as needed (see the module docstring).

    A PostgreSQL database shared by several desks is only created automatically when empty;
    an older schema there is upgraded by `exchange-desk db upgrade`, so one desk never
    migrates a shared database behind the others' backs.

    `read_only`: nothing is created, migrated or written, not even SQLite's journal mode
    (see `make_engine`); a missing file is refused. A database that is empty or at an older
    schema is refused with what to do, unless `migrate=False` asks for it as it is.
    """
    url = location if isinstance(location, URL) else resolve_url(location)
    path = _sqlite_path(url)
    if path is not None:
        _check_sqlite_file(path, create=create and not read_only)
    # Called with the URL alone unless reading only (tests wrap `make_engine(url)`).
    engine = make_engine(url, read_only=True) if read_only else make_engine(url)
    database = Database(url, engine)
    try:
        if database.stored_revision() == SCHEMA_HEAD:
            return database
        state = database.schema_state()
        database._refuse_foreign(state)
        if not migrate or state.is_current:
            return database
        if read_only:
            raise _not_readable_as_it_is(database, state)
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


def _not_readable_as_it_is(database: Database, state: SchemaState) -> StorageUnavailable:
    """Why a database opened only to read cannot be read: it is empty, or its schema is
    older than this program's (an upgrade would write it)."""
    if state.is_empty:
        message = _(
            "{where} holds no Exchange Desk database yet. Open it in Exchange Desk, or run "
            "'exchange-desk db upgrade', to set one up there."
        ).format(where=database.describe())
    else:
        message = _(
            "{where} uses an older schema ({revision}) and was opened only to read. Run "
            "'exchange-desk db upgrade' (a backup copy is made first), then try again."
        ).format(where=database.describe(), revision=state.current)
    return StorageUnavailable(StorageProblem.NEEDS_UPGRADE, message)


def ping(database: Database) -> None:
    with database.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
