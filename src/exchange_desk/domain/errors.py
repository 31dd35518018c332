"""The project's own errors, so that callers can tell bad input from a failing environment.

- `InvalidInput`: the user typed something the rules refuse; carries field-level problems.
- `NotFound`: the record asked for does not exist (any more).
- `Conflict`: the write would break uniqueness or leave dependent records dangling.
- `ConflictError`: the record was changed by someone else since it was read (a `Conflict`).
- `NotAllowed`: the user's role may not do this (a viewer writing, an editor restoring).
- `StorageUnavailable`: the database cannot be used now (locked, corrupt, unreachable, too
  new, or a shared database waiting for `db upgrade`).
Anything else that escapes the services is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from exchange_desk.domain.messages import Message, _, text_of


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One refused field: which field, and why, as a `Message` (the domain's rules) or a
    text already in the user's language."""

    field: str
    reason: str | Message

    @property
    def message(self) -> str:
        """Why the field is refused, in the active language."""
        return text_of(self.reason)


class ExchangeDeskError(Exception):
    """Base of every error the program expects and explains to the user.

    Its message may be a `Message`: `str(error)` translates it into the active language.
    """

    def user_message(self) -> str:
        return str(self)


class InvalidInput(ExchangeDeskError):
    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))

    def for_field(self, field: str) -> list[str]:
        return [p.message for p in self.problems if p.field == field]

    def user_message(self) -> str:
        return "\n".join(f"{p.field}: {p.message}" for p in self.problems)


class NotFound(ExchangeDeskError):
    def __init__(self, kind: str, record_id: int) -> None:
        self.kind = kind
        self.record_id = record_id
        super().__init__(_("No {kind} record with id {id}.").format(kind=kind, id=record_id))


class Conflict(ExchangeDeskError):
    """The write collides with what is stored: a duplicate, or records that depend on it."""

    def __init__(
        self,
        message: str | Message,
        problems: list[FieldProblem] | None = None,
        dependents: list[str] | None = None,
    ) -> None:
        self.problems = problems or []
        self.dependents = dependents or []
        super().__init__(message)

    def for_field(self, field: str) -> list[str]:
        return [p.message for p in self.problems if p.field == field]

    def user_message(self) -> str:
        lines = [str(self)]
        lines.extend(f"- {dependent}" for dependent in self.dependents)
        return "\n".join(lines)


class ConflictError(Conflict):
    """A save or delete based on an older version of a record than the one stored: another
    desk changed it since. Nothing was written.

    `stored` is the record as it is now (None when it was deleted), `fields` the fields in
    which it differs from what was to be saved, `changed_by` and `changed_at` (UTC) who stored
    the newer version and when, if the audit log says."""

    def __init__(
        self,
        message: str | Message,
        *,
        kind: str,
        record_id: int,
        expected_version: int | None,
        stored: object | None,
        fields: tuple[str, ...] = (),
        changed_by: str = "",
        changed_at: object | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.record_id = record_id
        self.expected_version = expected_version
        self.stored = stored
        self.fields = fields
        self.changed_by = changed_by
        self.changed_at = changed_at

    @property
    def stored_version(self) -> int | None:
        return getattr(self.stored, "version", None)


class NotAllowed(ExchangeDeskError):
    """The user's role does not allow it; the services refuse before the database would."""


class StorageProblem(StrEnum):
    LOCKED = "locked"
    CORRUPT = "corrupt"
    UNREACHABLE = "unreachable"
    TOO_NEW = "too_new"
    NEEDS_UPGRADE = "needs_upgrade"
    READ_ONLY = "read_only"
    DISK_FULL = "disk_full"


class StorageUnavailable(ExchangeDeskError):
    def __init__(self, problem: StorageProblem, message: str | Message) -> None:
        self.problem = problem
        super().__init__(message)
