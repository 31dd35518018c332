"""What other desks changed: waiting for a change to the office's database and reading it.

A `ChangeWatcher` starts at the newest line of the audit log (`audit.latest_id`). `wait`
blocks until the database may have changed:

- on SQLite, a connection of its own asks `PRAGMA data_version` every 150 ms, which reads
  no data and changes whenever another connection committed, in any journal mode (the
  program's own engine's connections count as others: its own saves wake it too);
- on PostgreSQL, a connection of its own listens on `storage.schema.AUDIT_CHANNEL`, on which
  the audit log's trigger notifies once per transaction that wrote a line; when the server
  goes away it connects again, waiting longer each time, and logs it.

`poll` then reads the lines written since (`audit.entries_since`) and returns what other desks
changed as `Remote`: the `Changes` the window's screens read again, and the lines themselves,
for who and when ("changed by NAME at 10:42"). The desk's own lines are passed over: its
screens heard of them from the operation that made them. A log that went back (the database
restored from a backup) is "everything changed", and reading goes on from its newest line.

The watcher is made on one thread and used from one other (the live view's); `stop_waiting`
and `close` may be called from any.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from exchange_desk.services import audit
from exchange_desk.services.audit import Action, AuditEntry
from exchange_desk.services.changes import Changes
from exchange_desk.services.registry import DECLARED
from exchange_desk.storage.schema import AUDIT_CHANNEL

if TYPE_CHECKING:
    from exchange_desk.storage.database import Database

__all__ = ["ChangeWatcher", "Remote", "changes_of"]

log = logging.getLogger("exchange_desk.watching")

# How often SQLite's data_version is asked: a change shows within this, and asking costs
# a few microseconds (no page of the file is read).
SQLITE_INTERVAL = 0.15
# The longest a PostgreSQL wait blocks before looking whether it was asked to stop.
LISTEN_SLICE = 0.2
# Waiting between attempts to reach a database that went away: doubled each time.
RETRY_FIRST, RETRY_MOST = 1.0, 30.0
# More lines than this at once (an import of thousands of rows) are read as "everything
# changed": every screen reads again rather than the watcher listing ids.
MANY = 2000
# The lines a `Remote` carries at most (its changes cover them all).
KEPT = 500
# A line id skipped on PostgreSQL may be a transaction that has not committed yet (ids are
# handed out when a line is written, not when it commits): looked for again on each wake for
# this long, then taken for a rollback.
GAP_SECONDS = 120.0
GAPS_KEPT = 1000

# Actions that say what was done to a record themselves; the others (undo, redo, import)
# carry it in details["did"].
_DONE: Mapping[str, str] = MappingProxyType(
    {
        Action.CREATE: "created",
        Action.UPDATE: "updated",
        Action.DELETE: "deleted",
        Action.CERTIFICATE_ISSUED: "updated",
        Action.CERTIFICATE_PRINTED: "updated",
    }
)


@dataclass(frozen=True, slots=True)
class Remote:
    """What other desks changed: the records to read again, and the log's lines that say
    who changed them and when (oldest first; the newest `KEPT` of them)."""

    changes: Changes
    entries: tuple[AuditEntry, ...]

    def __or__(self, other: Remote) -> Remote:
        """Both, as one (changes arriving in a burst are told once)."""
        return Remote(self.changes | other.changes, (self.entries + other.entries)[-KEPT:])

    @property
    def everything(self) -> bool:
        """Whether every list is to be read again (too many lines to name the records)."""
        return _is_everything(self.changes)


def _runs(ids: list[int]) -> list[tuple[int, int]]:
    """Sorted ids as runs of consecutive ones: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for number in ids:
        if runs and runs[-1][1] == number - 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs


def _everything() -> Changes:
    return Changes.everything(DECLARED)  # the declared kinds: no ORM needed to name them


def _is_everything(changes: Changes) -> bool:
    # Only `Changes.everything` puts a kind with no ids in `updated` (`Changes.of` drops them).
    return any(not ids for ids in changes.updated.values())


def _key(entry: AuditEntry) -> tuple[int, dt.datetime, str]:
    """What tells a line from another that has its id (in a log restored from a backup)."""
    return entry.id, entry.at, entry.desk


def _shows(entry: AuditEntry) -> bool:
    """Whether a line changes what a screen shows: a record's, the profile's, a restore."""
    if entry.action in (Action.RESTORE, Action.PROFILE):
        return True
    return entry.kind is not None and entry.record_id is not None


def changes_of(entries: Iterable[AuditEntry]) -> Changes:
    """The records the log's lines say were created, updated and deleted.

    An undo, redo or import line says what it did to its record in details["did"]; a line
    about no record (an export, a backup, a role granted) changes nothing on screen; the
    office profile's line changes the profile; a restore changes everything.
    """
    found: dict[str, dict[str, set[int]]] = {"created": {}, "updated": {}, "deleted": {}}
    profile = False
    for entry in entries:
        if entry.action == Action.RESTORE:
            return _everything()
        if entry.action == Action.PROFILE or entry.kind == "office":
            profile = True
            continue
        if entry.kind is None or entry.record_id is None or entry.action == Action.REVEAL:
            continue  # a reveal reads a record: nothing changed on screen
        done = _DONE.get(entry.action)
        if done is None:
            did = entry.details.get("did")
            done = _DONE.get(did, "updated") if isinstance(did, str) else "updated"
        found[done].setdefault(entry.kind, set()).add(entry.record_id)
    return Changes.of(
        created=found["created"],
        updated=found["updated"],
        deleted=found["deleted"],
        profile=profile,
    )


class ChangeWatcher:
    """Waits for the database to change and reads what other desks changed (see the module
    docstring). Starts at the log's newest line: what was written before is not reported."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.start_id = audit.latest_id(database)
        self.last_id = self.start_id  # every line up to here has been read (or was a rollback)
        self._gaps: dict[int, float] = {}  # ids skipped, maybe not committed yet: when seen
        self._more = False  # the last read stopped at its limit: read on without waiting
        # The line at `last_id` as read (id, time, desk); None: take it at the next poll.
        # Gone or another line there means the log was restored from a backup.
        self._anchor: tuple[int, dt.datetime, str] | None = None
        self._desk: str | None = None
        self._stopped = threading.Event()
        self._lock = threading.Lock()  # close() from another thread than the waiting one
        self._sqlite: sqlite3.Connection | None = None
        self._data_version: int | None = None
        self._listener: Any = None  # psycopg.Connection, imported only for PostgreSQL
        self._retry_at = 0.0
        self._retry_wait = RETRY_FIRST
        self._failing = False

    # --- waiting ---------------------------------------------------------------------------

    def wait(self, timeout: float) -> bool:
        """Block until the database may have changed (True) or `timeout` seconds have
        passed, or `stop_waiting` was called (False). Never raises: a database that cannot
        be reached is logged and tried again later.

        The first wait, and the first after reaching the database again, returns True at
        once: what was written meanwhile is read by the next `poll`."""
        if self._more:
            return True
        if self.database.backend != "postgresql" and self.database.path is None:
            self._stopped.wait(timeout)  # a database in memory: no other desk can see it
            return False
        deadline = time.monotonic() + max(timeout, 0.0)
        while not self._stopped.is_set():
            if not self._connected():
                # Connected (again): True, to catch up on what was written meanwhile.
                return self._connect_when_due(deadline)
            postgresql = self.database.backend == "postgresql"
            try:
                if postgresql:
                    slice_ = min(deadline - time.monotonic(), LISTEN_SLICE)
                    if self._notified(max(slice_, 0.0)):
                        return True
                elif self._sqlite_changed():
                    return True
            except Exception as exc:  # the connection broke: say so, and connect again later
                self._lost(exc)
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if not postgresql:
                self._stopped.wait(min(remaining, SQLITE_INTERVAL))
        return False

    @property
    def behind(self) -> bool:
        """Whether the last poll stopped at its limit: more is read at the next, at once."""
        return self._more

    def stop_waiting(self) -> None:
        """Make `wait` return False at once, now and from then on (before `close`)."""
        self._stopped.set()

    def _connected(self) -> bool:
        if self.database.backend == "postgresql":
            return self._listener is not None
        return self._sqlite is not None

    def _connect_when_due(self, deadline: float) -> bool:
        """Connect if the time to try again has come (waiting for it until `deadline`)."""
        while True:
            now = time.monotonic()
            if now >= self._retry_at:
                break
            if now >= deadline or self._stopped.wait(min(self._retry_at, deadline) - now):
                return False
        try:
            with self._lock:
                if self._stopped.is_set():
                    return False
                if self.database.backend == "postgresql":
                    self._listener = self._listen()
                else:
                    self._sqlite = self._open_sqlite()
        except Exception as exc:
            self._lost(exc)
            return False
        if self._failing:
            log.info("Watching %s for other desks' changes again", self.database.describe())
        self._failing = False
        self._retry_wait = RETRY_FIRST
        return True

    def _lost(self, exc: BaseException) -> None:
        """The watching connection failed: close it and try again later, longer each time."""
        if self._stopped.is_set():  # closed under the wait by another thread: no failure
            self._close_connections()
            return
        if not self._failing:
            log.warning(
                "Cannot watch %s for other desks' changes (trying again): %s",
                self.database.describe(),
                exc,
            )
        else:
            log.debug("Still cannot watch %s: %s", self.database.describe(), exc)
        self._failing = True
        self._close_connections()
        self._retry_at = time.monotonic() + self._retry_wait
        self._retry_wait = min(self._retry_wait * 2, RETRY_MOST)

    # SQLite -------------------------------------------------------------------------------

    def _open_sqlite(self) -> sqlite3.Connection:
        path = self.database.path
        assert path is not None  # see wait()
        # Not read-only by URI: a read-only connection cannot make the write-ahead log's
        # index when no other connection has it open. query_only keeps it from writing.
        connection = sqlite3.connect(
            path, timeout=5.0, check_same_thread=False, isolation_level=None
        )
        try:
            connection.execute("PRAGMA query_only=ON")
            self._data_version = self._read_data_version(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    @staticmethod
    def _read_data_version(connection: sqlite3.Connection) -> int:
        return int(connection.execute("PRAGMA data_version").fetchone()[0])

    def _sqlite_changed(self) -> bool:
        connection = self._sqlite
        assert connection is not None
        version = self._read_data_version(connection)
        if version == self._data_version:
            return False
        self._data_version = version
        return True

    # PostgreSQL ---------------------------------------------------------------------------

    def _listen(self) -> Any:
        import psycopg

        # The engine's own connection arguments (host, user, password, options), on a
        # connection outside its pool: a listener holds its connection for good.
        args, kwargs = self.database.engine.dialect.create_connect_args(self.database.url)
        kwargs.pop("context", None)
        kwargs.setdefault("connect_timeout", 5)
        # Keep-alives find a server whose network went away, which an idle socket does not.
        kwargs.setdefault("keepalives", 1)
        kwargs.setdefault("keepalives_idle", 30)
        kwargs.setdefault("keepalives_interval", 10)
        kwargs.setdefault("keepalives_count", 3)
        connection = psycopg.connect(*args, autocommit=True, **kwargs)
        try:
            connection.execute(f'LISTEN "{AUDIT_CHANNEL}"')
        except BaseException:
            connection.close()
            raise
        return connection

    def _notified(self, timeout: float) -> bool:
        for _notification in self._listener.notifies(timeout=timeout, stop_after=1):
            return True  # one is enough: poll reads every line since
        return False

    # --- reading ---------------------------------------------------------------------------

    def poll(self) -> Remote | None:
        """What other desks changed since the last poll; None if nothing (or only this
        desk's own changes). May raise `StorageUnavailable` (read again at the next wake)."""
        if self._desk is None:
            self._desk = audit.identity_of(self.database).desk
        self._more = False
        replaced = self._log_replaced()
        if replaced is not None:
            return replaced
        found = self._lines_missed()
        lines = audit.entries_since(self.database, self.last_id, limit=MANY, include_own=True)
        if len(lines) >= MANY:
            others = self._skip_ahead()
            everything = len(others) >= MANY
        else:
            self._note_gaps(lines)
            if lines:
                self.last_id = lines[-1].id
                self._anchor = _key(lines[-1])
            others, everything = [line for line in lines if line.desk != self._desk], False
        # Lines that change nothing on screen (an export, a backup) are not news.
        others = [line for line in found + others if _shows(line)]
        if not others:
            return None
        changes = _everything() if everything else changes_of(others)
        return Remote(changes, tuple(others[-KEPT:]))

    def _log_replaced(self) -> Remote | None:
        """Everything, if the line read last is gone or is another line: the database was
        restored from a backup, whose log is older (its next lines reuse ids already read).
        Then reading goes on from the restored log's newest line."""
        if self.last_id == 0:
            return None  # an empty log: whatever a restore brings is read as lines
        found = audit.entries_since(self.database, self.last_id - 1, limit=1, include_own=True)
        key = _key(found[0]) if found and found[0].id == self.last_id else None
        anchor = self._anchor
        if key is not None and (anchor is None or key == anchor):
            self._anchor = key
            return None
        log.info("The audit log of %s was replaced (a restore)", self.database.describe())
        self.last_id = audit.latest_id(self.database)
        self._anchor = None
        self._gaps.clear()
        # The restore's own line, if written already (else it comes as the next news).
        since = anchor[1] if anchor is not None else None
        restores = [
            line
            for line in audit.audit(self.database, limit=20)
            if line.action == Action.RESTORE
            and line.desk != self._desk
            and (since is None or line.at >= since)
        ]
        return Remote(_everything(), tuple(restores[-1:]))

    def _skip_ahead(self) -> list[AuditEntry]:
        """Past thousands of lines at once (this desk's import): other desks' lines only,
        picked out by the database, and on to the newest line."""
        newest = audit.latest_id(self.database)
        others = audit.entries_since(self.database, self.last_id, limit=MANY)
        self.last_id = max(newest, others[-1].id if others else 0, self.last_id)
        self._anchor = None
        self._gaps.clear()
        self._more = True  # lines written since `newest` are read without waiting
        return [line for line in others if line.desk != self._desk]

    def _note_gaps(self, lines: list[AuditEntry]) -> None:
        """Remember ids skipped between the lines read: a transaction on PostgreSQL may
        have written them and not committed yet (it wakes the watcher when it does)."""
        if self.database.backend != "postgresql":
            return  # SQLite writes one transaction at a time: ids come in commit order
        now = time.monotonic()
        expected = self.last_id + 1
        for line in lines:
            for missing in range(expected, min(line.id, expected + GAPS_KEPT)):
                self._gaps.setdefault(missing, now)
            expected = line.id + 1
        for oldest in sorted(self._gaps)[: max(len(self._gaps) - GAPS_KEPT, 0)]:
            del self._gaps[oldest]

    def _lines_missed(self) -> list[AuditEntry]:
        """Lines of other desks that have since appeared where ids were skipped: one read
        per run of skipped ids (a rolled-back import leaves one run)."""
        if not self._gaps:
            return []
        now = time.monotonic()
        found = []
        for first, last in _runs(sorted(self._gaps)):
            lines = audit.entries_since(
                self.database, first - 1, limit=last - first + 1, include_own=True
            )
            for line in lines:
                missed = line.id <= last and self._gaps.pop(line.id, None) is not None
                if missed and line.desk != self._desk:
                    found.append(line)
        for missing, noticed in list(self._gaps.items()):
            if now - noticed > GAP_SECONDS:
                del self._gaps[missing]  # rolled back, or written by a desk that crashed
        return found

    # --- closing ---------------------------------------------------------------------------

    def close(self) -> None:
        """Stop waiting and close the watcher's connection (the database stays open)."""
        self._stopped.set()
        with self._lock:
            self._close_connections()

    def _close_connections(self) -> None:
        sqlite, self._sqlite = self._sqlite, None
        listener, self._listener = self._listener, None
        for connection in (sqlite, listener):
            if connection is not None:
                try:
                    connection.close()
                except Exception as exc:  # closing a broken connection: nothing to keep
                    log.debug("Closing the watching connection: %s", exc)
