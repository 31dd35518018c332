"""Every change on record: the audit log, written in the transaction that makes the change.

Each write of the services adds its lines here (`log_in`): who (the office user: the
PostgreSQL role a desk connects as, on SQLite the computer's user; and the computer's user
and machine behind it), when, what (kind, id, action) and, for an update, each field's old and
new value. Nothing ever changes a line once written: the database refuses it (see
`storage.schema.audit_log`).

The log is read three ways: a record's history (`history`, the detail pane's History and
`exchange-desk history`), the office's log (`audit`, `exchange-desk audit`), and what other
desks changed since a line (`entries_since`, for the live view).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import json
import os
import socket
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, text

from exchange_desk.domain.dates import PartialDate
from exchange_desk.i18n.catalog import _
from exchange_desk.storage.schema import NAME, audit_log, utcnow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from exchange_desk.storage.database import Database

__all__ = [
    "Action",
    "AuditEntry",
    "Identity",
    "audit",
    "entries_since",
    "history",
    "identity_of",
    "last_change",
    "latest_id",
    "log",
    "log_in",
]


class Action(StrEnum):
    """What a line of the log says was done."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    UNDO = "undo"
    REDO = "redo"
    IMPORT = "import"
    CERTIFICATE_ISSUED = "certificate-issued"
    CERTIFICATE_PRINTED = "certificate-printed"
    EXPORT = "export"
    PROFILE = "profile"
    BACKUP = "backup"
    RESTORE = "restore"
    GRANT = "grant"
    REVOKE = "revoke"
    # Personal data (a passport number) shown to someone: which fields, never their values.
    REVEAL = "reveal"
    # A file attached to a record or removed from it (its name, size and hash).
    ATTACH = "attach"
    DETACH = "detach"

    def label(self) -> str:
        """The action in the user's language (History, the audit list)."""
        labels = {
            Action.CREATE: _("created"),
            Action.UPDATE: _("changed"),
            Action.DELETE: _("deleted"),
            Action.UNDO: _("undone"),
            Action.REDO: _("redone"),
            Action.IMPORT: _("imported"),
            Action.CERTIFICATE_ISSUED: _("certificate issued"),
            Action.CERTIFICATE_PRINTED: _("certificate printed"),
            Action.EXPORT: _("exported"),
            Action.PROFILE: _("office profile changed"),
            Action.BACKUP: _("backed up"),
            Action.RESTORE: _("restored"),
            Action.GRANT: _("role granted"),
            Action.REVOKE: _("role revoked"),
            Action.REVEAL: _("personal data revealed"),
            Action.ATTACH: _("file attached"),
            Action.DETACH: _("file removed"),
        }
        return labels[self]


# This program's run: lines it wrote are its own, which the live view does not announce.
DESK = uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is writing: the office user, and the computer's user and machine behind it."""

    user_name: str
    os_user: str
    host: str
    desk: str = DESK


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment (a service account)
        return os.environ.get("USERNAME", "")


def identity_of(database: Database) -> Identity:
    """The identity lines written through `database` carry; asked of the server once."""
    found = getattr(database, "_identity", None)
    if found is not None:
        return found  # type: ignore[no-any-return]
    os_user = _os_user()
    user_name = os_user
    if database.backend == "postgresql":
        with database.engine.connect() as connection:
            user_name = str(connection.execute(text("SELECT current_user")).scalar() or "")
    identity = Identity(user_name[:NAME], os_user[:NAME], socket.gethostname()[:NAME])
    database._identity = identity  # type: ignore[attr-defined]
    return identity


def jsonable(value: Any) -> Any:
    """A field's value as JSON holds it: dates as ISO text, choices as their value."""
    if isinstance(value, (PartialDate, dt.date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (tuple, list, frozenset, set)):
        items = [jsonable(item) for item in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _identity_in(session: Session) -> Identity:
    database = session.info.get("database")
    if database is None:
        return Identity(_os_user(), _os_user(), socket.gethostname())
    return identity_of(database)


def _line(
    identity: Identity,
    action: str,
    kind: str | None,
    record_id: int | None,
    summary: str,
    details: Mapping[str, Any] | None,
    at: dt.datetime,
) -> dict[str, Any]:
    return {
        "at": at,
        "user_name": identity.user_name,
        "os_user": identity.os_user,
        "host": identity.host,
        "desk": identity.desk,
        "action": str(action),
        "kind": kind,
        "record_id": record_id,
        "summary": summary[:NAME],
        "details": json.dumps(details, ensure_ascii=False, sort_keys=True) if details else "",
    }


def acting_as(session: Session) -> str | None:
    """The action a use case writes its records' lines as (an undo's updates are "undo")."""
    return session.info.get("audit_action")


def log_in(
    session: Session,
    action: Action | str,
    *,
    kind: str | None = None,
    record_id: int | None = None,
    summary: str = "",
    details: Mapping[str, Any] | None = None,
) -> None:
    """Add a line in the caller's transaction: it is kept if and only if the change is.

    Within a use case that says what it is (`session.info["audit_action"]`: an undo, an
    import), a record's create, update and delete are written as that action, with what was
    done to the record in `details["did"]`."""
    log_many_in(session, action, [(kind, record_id, summary, details)])


def log_many_in(
    session: Session,
    action: Action | str,
    lines: Iterable[tuple[str | None, int | None, str, Mapping[str, Any] | None]],
) -> None:
    """Add many lines of one action at once (an import's records): one INSERT."""
    identity = _identity_in(session)
    acting = acting_as(session)
    at = utcnow()
    rows = []
    for kind, record_id, summary, details in lines:
        shown, extra = str(action), details
        if acting is not None and shown in (Action.CREATE, Action.UPDATE, Action.DELETE):
            extra = {**(details or {}), "did": shown}
            shown = acting
        rows.append(_line(identity, shown, kind, record_id, summary, extra, at))
    if rows:
        session.execute(insert(audit_log), rows)


def log(
    database: Database,
    action: Action | str,
    *,
    kind: str | None = None,
    record_id: int | None = None,
    summary: str = "",
    details: Mapping[str, Any] | None = None,
) -> None:
    """Add a line in a transaction of its own: for what changes no record (an export)."""
    with database.unit_of_work() as session:
        log_in(session, action, kind=kind, record_id=record_id, summary=summary, details=details)


def log_export(
    database: Database,
    path: str | os.PathLike[str],
    *,
    kind: str | None,
    rows: int,
    sensitive: bool = False,
) -> bool:
    """Record that records went out to a file (an export, a printed list): the file's name,
    what and how many, and whether people's passport data went with them. Said if it can
    be: a database opened only for reading (a backup on a CD) keeps no log, and the file is
    written all the same. Returns whether it was."""
    from exchange_desk.domain.errors import NotAllowed, StorageUnavailable

    name = os.path.basename(os.fspath(path))
    try:
        log(
            database,
            Action.EXPORT,
            kind=kind,
            summary=name,
            details={
                "file": name,
                "rows": rows,
                **({"kind": kind} if kind else {}),
                **({"sensitive": True} if sensitive else {}),
            },
        )
    except (StorageUnavailable, NotAllowed):
        return False
    return True


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for each field whose value differs, as JSON holds them."""
    changed = {}
    for name, new in after.items():
        old = before.get(name)
        old_json, new_json = jsonable(old), jsonable(new)
        if old_json != new_json:
            changed[name] = [old_json, new_json]
    return changed


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """A line of the log as read back; `at` in UTC."""

    id: int
    at: dt.datetime
    user_name: str
    os_user: str
    host: str
    desk: str
    action: str
    kind: str | None
    record_id: int | None
    summary: str
    details: Mapping[str, Any]

    @property
    def fields(self) -> Mapping[str, Sequence[Any]]:
        """An update's fields: {field: [old, new]}."""
        found = self.details.get("fields")
        return found if isinstance(found, Mapping) else {}

    def action_label(self) -> str:
        try:
            return Action(self.action).label()
        except ValueError:
            return self.action

    def local_time(self) -> dt.datetime:
        """When, in the computer's time zone."""
        return self.at.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)

    def as_dict(self) -> dict[str, Any]:
        """For `--json`: the time in ISO form with its zone."""
        return {
            "id": self.id,
            "at": self.at.replace(tzinfo=dt.UTC).isoformat(),
            "user": self.user_name,
            "os_user": self.os_user,
            "host": self.host,
            "action": self.action,
            "kind": self.kind,
            "record_id": self.record_id,
            "summary": self.summary,
            "details": dict(self.details),
        }


def _entry(row: Any) -> AuditEntry:
    try:
        details = json.loads(row.details) if row.details else {}
    except ValueError:
        details = {"text": row.details}
    return AuditEntry(
        id=row.id,
        at=row.at,
        user_name=row.user_name,
        os_user=row.os_user,
        host=row.host,
        desk=row.desk,
        action=row.action,
        kind=row.kind,
        record_id=row.record_id,
        summary=row.summary,
        details=details if isinstance(details, dict) else {"value": details},
    )


def history(
    database: Database, kind: str, record_id: int, *, limit: int | None = None
) -> list[AuditEntry]:
    """A record's lines, newest first."""
    statement = (
        select(audit_log)
        .where(audit_log.c.kind == kind, audit_log.c.record_id == record_id)
        .order_by(audit_log.c.id.desc())
    )
    if limit is not None:
        statement = statement.limit(limit)
    with database.reading() as session:
        return [_entry(row) for row in session.execute(statement)]


def last_change(database: Database, kind: str, record_id: int) -> AuditEntry | None:
    """The newest line about a record: who changed it last, and when."""
    found = history(database, kind, record_id, limit=1)
    return found[0] if found else None


def audit(
    database: Database,
    *,
    since: dt.date | dt.datetime | None = None,
    user: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
) -> list[AuditEntry]:
    """The office's log, oldest first: from `since` (a day, in the computer's time zone),
    by `user` (the office user or the computer's user), of `kind`; the newest `limit`."""
    statement = select(audit_log)
    if since is not None:
        start = since if isinstance(since, dt.datetime) else dt.datetime.combine(since, dt.time())
        if start.tzinfo is None:
            start = start.astimezone()  # the computer's zone: "since Monday" is its Monday
        statement = statement.where(audit_log.c.at >= start.astimezone(dt.UTC).replace(tzinfo=None))
    if user:
        statement = statement.where((audit_log.c.user_name == user) | (audit_log.c.os_user == user))
    if kind:
        statement = statement.where(audit_log.c.kind == kind)
    statement = statement.order_by(audit_log.c.id.desc())
    if limit is not None:
        statement = statement.limit(limit)
    with database.reading() as session:
        found = [_entry(row) for row in session.execute(statement)]
    found.reverse()
    return found


def latest_id(database: Database) -> int:
    """The newest line's id (0 when the log is empty): where a live view starts reading."""
    with database.reading() as session:
        newest = session.scalar(select(audit_log.c.id).order_by(audit_log.c.id.desc()).limit(1))
    return int(newest or 0)


def entries_since(
    database: Database, after_id: int, *, limit: int = 5000, include_own: bool = False
) -> list[AuditEntry]:
    """Lines added after `after_id`, oldest first, other desks' only unless `include_own`;
    at most `limit` (an import of 100,000 rows is read as "everything changed")."""
    statement = select(audit_log).where(audit_log.c.id > after_id)
    if not include_own:
        statement = statement.where(audit_log.c.desk != DESK)
    statement = statement.order_by(audit_log.c.id).limit(limit)
    with database.reading() as session:
        return [_entry(row) for row in session.execute(statement)]
