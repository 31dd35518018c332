"""People's personal data: what a consulate asks for (passport number, nationality, date of
birth, sex) is masked in the window, and each time someone has it shown the audit log says
who saw which fields of whom (never the values).

`reveal` is the one door to those values for the window: the detail pane's and the edit
dialog's Reveal both go through it, so no reveal goes unrecorded. Only an editor or an
administrator may reveal; a viewer reads who a person is, not their passport.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from exchange_desk.domain.errors import NotAllowed, NotFound
from exchange_desk.domain.roles import Role
from exchange_desk.i18n.catalog import _
from exchange_desk.services import audit
from exchange_desk.services.kinds import kind_named
from exchange_desk.services.records import record_in
from exchange_desk.services.roles import role_of

if TYPE_CHECKING:
    from exchange_desk.storage.database import Database

__all__ = [
    "REVEAL_ROLE",
    "has_hidden_values",
    "reveal",
    "reveal_record",
    "revealed_fields",
    "sensitive_fields",
]

# Personal data is for those who write the letters that need it.
REVEAL_ROLE = Role.EDITOR


def sensitive_fields(kind: str) -> tuple[str, ...]:
    """The fields of `kind` that are masked until revealed (none for most kinds)."""
    return kind_named(kind).declaration.sensitive_fields


def _stored(value: Any) -> bool:
    return value not in (None, "")


def has_hidden_values(kind: str, record: Any) -> tuple[str, ...]:
    """The sensitive fields of `record` that hold a value (what a Reveal would show)."""
    return tuple(name for name in sensitive_fields(kind) if _stored(getattr(record, name, None)))


def _refusal(have: Role) -> str:
    return _(
        "Your role ({role}) lets you see who a person is, not their passport data. "
        "An editor or an administrator can reveal it."
    ).format(role=have.label())


def reveal_record(database: Database, kind: str, record_id: int) -> dict[str, Any]:
    """The sensitive fields of a record as stored ({field: value}, every one of them, empty
    ones too), read in the transaction that writes the audit line saying who saw which of
    them. NotAllowed for a viewer, NotFound for a record that is gone; a database that
    cannot take the line (opened read-only) refuses too: no reveal goes unrecorded."""
    fields = sensitive_fields(kind)
    if not fields:
        return {}
    have = role_of(database)
    if have < REVEAL_ROLE:
        raise NotAllowed(_refusal(have))
    declared = kind_named(kind)
    with database.unit_of_work() as session:
        record = record_in(session, kind, record_id)
        if record is None:
            raise NotFound(declared.label(), record_id)
        values = {name: getattr(record, name) for name in fields}
        shown = [name for name in fields if _stored(values[name])]
        names = [getattr(record, column, "") for column in declared.name_columns]
        summary = next((name for name in names if isinstance(name, str) and name), "")
        audit.log_in(
            session,
            audit.Action.REVEAL,
            kind=kind,
            record_id=record_id,
            summary=summary or f"{kind} {record_id}",
            details={"revealed": shown},
        )
    return values


def reveal(database: Database, person_id: int) -> dict[str, Any]:
    """A person's passport number, nationality, date of birth and sex, on record as shown
    to the user (see `reveal_record`)."""
    return reveal_record(database, "persons", person_id)


def revealed_fields(entry: audit.AuditEntry) -> tuple[str, ...]:
    """The fields a reveal's line says were shown."""
    found = entry.details.get("revealed") if isinstance(entry.details, Mapping) else None
    return tuple(str(name) for name in found) if isinstance(found, list) else ()
