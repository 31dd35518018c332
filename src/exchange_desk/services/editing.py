"""Editing the office's records: each use case in one transaction, returning what it changed
(`Changes`) and the step that undoes it.

The GUI runs these off its thread and never opens a transaction itself; the command line can
call them as they are. A use case composes the session-level writes of `records` (`create_in`,
`update_in`, `delete_record_in`, ...) inside one `records.transaction`, so that it is all done
or, on any error, not at all:

- `save_record` creates or updates a record, with a partnership's tier history and the
  images newly chosen for it (a seal, a scan);
- `deletion_preview` says what deleting a record would delete, clear and unlink, and
  `delete_record` does it (with `cascade`), keeping a snapshot to put it all back;
- `save_profile` stores the office profile with its new seal and logo and forgets the
  images it no longer uses.

Undo and redo are plain objects (`Step`): `undo(database)` and `redo(database)` each run in
one transaction of their own and return what they changed. `ui.undo` merely wraps them in Qt's
undo stack.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.errors import FieldProblem, InvalidInput, NotFound
from exchange_desk.domain.records import OfficeProfile, Partnership
from exchange_desk.i18n.catalog import _
from exchange_desk.services import audit, records
from exchange_desk.services.attachments import attach, delete_attachment
from exchange_desk.services.changes import Changes
from exchange_desk.services.kinds import kind_named, kind_of
from exchange_desk.services.names import Names
from exchange_desk.services.office import office_profile, save_office_profile
from exchange_desk.services.records import Deletion, Dependent, Snapshot

if TYPE_CHECKING:
    from exchange_desk.storage.database import Database

T = TypeVar("T")

__all__ = [
    "CreateStep",
    "DeleteStep",
    "Deleted",
    "DeletionPreview",
    "NewAttachment",
    "ProfileSaved",
    "Saved",
    "Step",
    "UpdateStep",
    "delete_record",
    "deletion_preview",
    "new_values",
    "save_profile",
    "save_record",
]


@dataclass(frozen=True, slots=True)
class NewAttachment:
    """A file chosen in a dialog, to be stored with the record when it is saved."""

    file_name: str
    content: bytes
    media_type: str | None = None


# --- undo and redo ---------------------------------------------------------------------------


class Step:
    """One undoable step of the session's history: what `text` says, undone and redone
    through the services, each time in one transaction, returning what it changed."""

    text: str = ""

    def undo(self, database: Database) -> Changes:
        raise NotImplementedError

    def redo(self, database: Database) -> Changes:
        raise NotImplementedError


class CreateStep(Step):
    """A record created: undone by deleting it (refused if something has come to depend on
    it since), redone by putting it back with the same id."""

    def __init__(self, record: Any) -> None:
        kind = kind_of(record)
        self.kind = kind.name
        self.record = record
        self.text = _("New {kind}").format(kind=kind.label())
        self.snapshot: Snapshot | None = None

    def undo(self, database: Database) -> Changes:
        # Refused (ConflictError) if another desk has changed the record since: its changes
        # would go with it.
        with records.transaction(database, self.kind) as session:
            session.info["audit_action"] = audit.Action.UNDO
            deletion = records.delete_record_in(
                session, self.kind, self.record.id, version=getattr(self.record, "version", None)
            )
        self.snapshot = deletion.snapshot
        return deletion.changes

    def redo(self, database: Database) -> Changes:
        assert self.snapshot is not None, "redo before undo"
        with records.transaction(database, self.kind) as session:
            session.info["audit_action"] = audit.Action.REDO
            records.restore_in(session, self.snapshot)
        return records.snapshot_changes(self.snapshot).undone()


class UpdateStep(Step):
    """A record edited: each side stores the record as it was then, and a partnership's
    tier history exactly as it was, row for row (the undo adds no tier change of its own)."""

    def __init__(
        self,
        before: Any,
        after: Any,
        history: tuple[Snapshot, Snapshot] | None = None,
    ) -> None:
        kind = kind_of(after)
        self.kind = kind.name
        self.before = before
        self.after = after
        self.history = history
        self.current = getattr(after, "version", None)  # the version stored now
        self.text = _("Edit {kind}").format(kind=kind.label())

    def _store(self, database: Database, record: Any, side: int, action: audit.Action) -> Changes:
        # Based on the version this step left (`current`): a record another desk has changed
        # since is not put back over their change (ConflictError).
        with records.transaction(database, self.kind) as session:
            session.info["audit_action"] = action
            stored = records.update_in(
                session, replace(record, version=self.current), record_tier_change=False
            )
            if self.history is not None:
                records.put_tier_rows_in(session, record.id, self.history[side])
        self.current = getattr(stored, "version", None)
        return Changes.of_updated(self.kind, record.id)

    def undo(self, database: Database) -> Changes:
        return self._store(database, self.before, 0, audit.Action.UNDO)

    def redo(self, database: Database) -> Changes:
        return self._store(database, self.after, 1, audit.Action.REDO)


class DeleteStep(Step):
    """A record deleted (with what depended on it): undone by putting back every row the
    snapshot kept, redone by deleting it again."""

    def __init__(self, deletion: Deletion) -> None:
        self.deletion = deletion
        self.cascade = bool(deletion.dependents)
        self.text = _("Delete {kind}").format(kind=kind_named(deletion.kind).label())

    def undo(self, database: Database) -> Changes:
        with records.transaction(database, self.deletion.kind) as session:
            session.info["audit_action"] = audit.Action.UNDO
            records.restore_in(session, self.deletion.snapshot)
        return self.deletion.changes.undone()

    def redo(self, database: Database) -> Changes:
        with records.transaction(database, self.deletion.kind) as session:
            session.info["audit_action"] = audit.Action.REDO
            self.deletion = records.delete_record_in(
                session, self.deletion.kind, self.deletion.id, cascade=self.cascade
            )
        return self.deletion.changes


# --- saving a record -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Saved(Generic[T]):
    """A record as stored, what saving it changed, and the step that undoes it."""

    record: T
    changes: Changes
    step: Step


def _attached(
    database: Database, kind: str, record: Any, attachments: Mapping[str, NewAttachment]
) -> Any:
    """`record` with each new file stored as its attachment and referred to by its field."""
    values = {}
    for field, new in attachments.items():
        try:
            stored = attach(
                database, kind, record.id, new.file_name, new.content, media_type=new.media_type
            )
        except InvalidInput as exc:
            # attach() names its own arguments (file_name, content): they belong to the field.
            raise InvalidInput([FieldProblem(field, p.message) for p in exc.problems]) from exc
        values[field] = stored.id
    return replace(record, **values) if values else record


def save_record(
    database: Database,
    record: T,
    *,
    tier_changed_on: PartialDate | None = None,
    tier_note: str = "",
    attachments: Mapping[str, NewAttachment] | None = None,
) -> Saved[T]:
    """Create `record` (its id is None) or store its changes, in one transaction with a
    partnership's tier history (a new tier is dated `tier_changed_on`, else today) and the
    `attachments` newly chosen for its fields. Nothing is stored if any part fails."""
    kind = kind_of(record)
    record_id = getattr(record, "id", None)
    with records.transaction(database, kind.name) as session:
        if record_id is None:
            stored: Any = records.create_in(session, record)
            if attachments:
                stored = _attached(database, kind.name, stored, attachments)
                stored = records.update_in(session, stored, record_tier_change=False)
            return Saved(stored, Changes.of_created(kind.name, stored.id), CreateStep(stored))
        # Read once, in this transaction: the undo step's "before" and the audit's old values.
        before = records.record_in(session, kind.name, record_id, for_update=True)
        expected = getattr(record, "version", None)
        if before is None:
            if expected is not None:
                raise records.stale(session, kind, record)
            raise NotFound(kind.label(), record_id)
        partnership = isinstance(record, Partnership)
        history_before = records.tier_rows_in(session, record_id) if partnership else None
        if expected is not None and before.version != expected:
            raise records.stale(session, kind, record)  # before any file is stored for it
        stored = _attached(database, kind.name, record, attachments or {})
        stored = records.update_in(
            session,
            stored,
            tier_changed_on=tier_changed_on,
            tier_note=tier_note,
            before=before,
        )
        history = None
        if history_before is not None:
            history = (history_before, records.tier_rows_in(session, record_id))
    return Saved(
        stored, Changes.of_updated(kind.name, record_id), UpdateStep(before, stored, history)
    )


def new_values(database: Database, kind_name: str) -> dict[str, Any]:
    """What a new record of the kind starts with beyond its declaration's defaults: the
    office profile's values its declaration names (a gift's value is estimated in the
    office's currency)."""
    wanted = kind_named(kind_name).declaration.profile_defaults
    if not wanted:
        return {}
    profile = office_profile(database)
    found = {name: getattr(profile, column) for name, column in wanted.items()}
    return {name: value for name, value in found.items() if value not in (None, "")}


# --- deleting a record -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeletionPreview:
    """What deleting a record would do, to ask before doing it: its kind and name, and the
    records that would be deleted with it, cleared or unlinked (`Dependent.describe`)."""

    kind: str
    id: int
    name: Names
    dependents: tuple[Dependent, ...]
    # The version the user is asked about: `delete_record(..., version=)` is refused if
    # another desk changes the record before the user says yes.
    version: int | None = None

    @property
    def kind_label(self) -> str:
        return kind_named(self.kind).label()


@dataclass(frozen=True, slots=True)
class Deleted:
    """What a delete did (with its snapshot), what it changed, and the step that undoes it."""

    deletion: Deletion
    changes: Changes
    step: Step


def deletion_preview(database: Database, kind_name: str, record_id: int) -> DeletionPreview:
    """The record's name and what depends on it; NotFound if it is gone."""
    kind = kind_named(kind_name)
    version = records.version_of(database, kind.name, record_id)  # first: what was asked about
    name = records.names_of(database, kind.name, record_id)
    found = records.dependents_of(database, kind.name, record_id)
    # What is part of it (a delegation's members and programme) is named too.
    found += records.parts_of(database, kind.name, record_id)
    return DeletionPreview(kind.name, record_id, name, tuple(found), version)


def delete_record(
    database: Database,
    kind_name: str,
    record_id: int,
    *,
    cascade: bool = False,
    version: int | None = None,
) -> Deleted:
    """Delete the record, and with `cascade` what depends on it (see `deletion_preview`),
    in one transaction; refused with `Conflict` when something depends on it otherwise, and
    with `ConflictError` when `version` (the one the user saw) is no longer the stored one:
    someone changed it since, and the user is asked again."""
    with records.transaction(database, kind_named(kind_name).name) as session:
        deletion = records.delete_record_in(
            session, kind_name, record_id, cascade=cascade, version=version
        )
    return Deleted(deletion, deletion.changes, DeleteStep(deletion))


# --- the office profile ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProfileSaved:
    profile: OfficeProfile
    changes: Changes


_IMAGE_FIELDS = ("seal_attachment_id", "logo_attachment_id")


def save_profile(
    database: Database,
    profile: OfficeProfile,
    *,
    images: Mapping[str, NewAttachment] | None = None,
) -> ProfileSaved:
    """Store the office profile with its newly chosen images (by field: `seal_attachment_id`,
    `logo_attachment_id`), in one transaction; an image the profile no longer uses is
    deleted with it."""
    from exchange_desk.services.roles import Role, require

    require(database, Role.ADMINISTRATOR)  # the office's names, signatory, seal, numbering
    with records.transaction(database):
        previous = office_profile(database)
        stored = profile
        for field, new in (images or {}).items():
            if field not in _IMAGE_FIELDS:
                raise ValueError(field)
            try:
                image = attach(
                    database, "office", 1, new.file_name, new.content, media_type=new.media_type
                )
            except InvalidInput as exc:
                raise InvalidInput([FieldProblem(field, p.message) for p in exc.problems]) from exc
            changed: dict[str, Any] = {field: image.id}
            stored = replace(stored, **changed)
        saved = save_office_profile(database, stored)
        kept = {getattr(saved, field) for field in _IMAGE_FIELDS}
        for field in _IMAGE_FIELDS:
            old = getattr(previous, field)
            if old is not None and old not in kept:
                with contextlib.suppress(NotFound):  # gone already: nothing to forget
                    delete_attachment(database, old)
    return ProfileSaved(saved, Changes(profile=True))
