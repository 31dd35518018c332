"""Attaching files to a record and removing them: each use case in one transaction, returning
what it changed and the step that undoes it (as `services.editing` does for records).

- `attach_files` stores one file or several dropped at once (all or none), each refused
  with a message when it is larger than the office accepts, before it is read;
- `remove_file` removes one, keeping what undo puts back: the bytes, the preview, the caption,
  and the record's reference to it (a gift's photo, a city's dossier photo);
- `choose_photo` makes one of a city's (or a person's, or a gift's) images its photo.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exchange_desk.domain.errors import FieldProblem, InvalidInput, NotFound
from exchange_desk.domain.records import Attachment
from exchange_desk.i18n.catalog import _, ngettext
from exchange_desk.services import audit, records
from exchange_desk.services.attachments import (
    attach_in,
    check_file,
    get_attachment,
    read_file,
    remove_in,
    set_caption,
    size_limit,
)
from exchange_desk.services.changes import Changes
from exchange_desk.services.editing import Saved, Step, save_record
from exchange_desk.services.kinds import kind_named
from exchange_desk.services.records import Snapshot

if TYPE_CHECKING:
    from exchange_desk.storage.database import Database

__all__ = [
    "AttachStep",
    "Attached",
    "CaptionStep",
    "Captioned",
    "DetachStep",
    "NewFile",
    "Removed",
    "attach_files",
    "attach_paths",
    "change_caption",
    "choose_photo",
    "remove_file",
]

# The field a kind's chosen photo is kept in.
PHOTO_FIELD = "photo_attachment_id"


@dataclass(frozen=True, slots=True)
class NewFile:
    """A file to attach: its name as given, its bytes, and its caption."""

    file_name: str
    content: bytes
    description: str = ""
    caption_zh: str = ""
    caption_he: str = ""
    media_type: str | None = None


@dataclass(frozen=True, slots=True)
class Attached:
    """The files as stored, what attaching them changed, and the step that undoes it."""

    attachments: tuple[Attachment, ...]
    changes: Changes
    step: Step


@dataclass(frozen=True, slots=True)
class Removed:
    attachment: Attachment
    changes: Changes
    step: Step


def _changes(owner_kind: str, owner_id: int) -> Changes:
    if owner_kind == "office":
        return Changes.of(profile=True)
    return Changes.of_updated(owner_kind, owner_id)


class DetachStep(Step):
    """Files removed: undone by putting back what the snapshot kept, redone by removing them
    again."""

    def __init__(self, removed: Sequence[Attachment], snapshot: Snapshot) -> None:
        self.removed = tuple(removed)
        self.snapshot = snapshot
        self.text = ngettext("Remove file", "Remove {count} files", len(self.removed)).format(
            count=len(self.removed)
        )

    @property
    def owner(self) -> tuple[str, int]:
        return self.removed[0].owner_kind, self.removed[0].owner_id

    def undo(self, database: Database) -> Changes:
        with records.transaction(database) as session:
            session.info["audit_action"] = audit.Action.UNDO
            records.restore_in(session, self.snapshot)
            for attachment in self.removed:
                audit.log_in(
                    session,
                    audit.Action.ATTACH,
                    kind=attachment.owner_kind,
                    record_id=attachment.owner_id,
                    details={"file": attachment.file_name, "attachment": attachment.id},
                )
        return _changes(*self.owner)

    def redo(self, database: Database) -> Changes:
        snapshot = Snapshot()
        with records.transaction(database) as session:
            for attachment in self.removed:
                assert attachment.id is not None
                remove_in(session, attachment.id, snapshot)
        self.snapshot = snapshot
        return _changes(*self.owner)


class AttachStep(Step):
    """Files attached: undone by removing them (kept for redo), redone by putting them back
    with the same ids."""

    def __init__(self, attached: Sequence[Attachment]) -> None:
        self.attached = tuple(attached)
        self.snapshot: Snapshot | None = None
        self.text = ngettext("Attach file", "Attach {count} files", len(self.attached)).format(
            count=len(self.attached)
        )

    @property
    def owner(self) -> tuple[str, int]:
        return self.attached[0].owner_kind, self.attached[0].owner_id

    def undo(self, database: Database) -> Changes:
        snapshot = Snapshot()
        with records.transaction(database) as session:
            session.info["audit_action"] = audit.Action.UNDO
            for attachment in self.attached:
                assert attachment.id is not None
                remove_in(session, attachment.id, snapshot)
        self.snapshot = snapshot
        return _changes(*self.owner)

    def redo(self, database: Database) -> Changes:
        assert self.snapshot is not None, "redo before undo"
        with records.transaction(database) as session:
            session.info["audit_action"] = audit.Action.REDO
            records.restore_in(session, self.snapshot)
        return _changes(*self.owner)


def attach_files(
    database: Database, owner_kind: str, owner_id: int, files: Sequence[NewFile]
) -> Attached:
    """Attach `files` to the record in one transaction: all of them, or (on any problem) none,
    with every file's problem named."""
    if not files:
        raise InvalidInput([FieldProblem("file", _("No file was chosen."))])
    if owner_kind != "office":
        kind_named(owner_kind)  # an unknown kind is refused before anything is read
    stored: list[Attachment] = []
    with records.transaction(database) as session:
        problems: list[FieldProblem] = []
        for new in files:
            try:
                stored.append(
                    attach_in(
                        session,
                        owner_kind,
                        owner_id,
                        new.file_name,
                        new.content,
                        media_type=new.media_type,
                        description=new.description,
                        caption_zh=new.caption_zh,
                        caption_he=new.caption_he,
                    )
                )
            except InvalidInput as exc:
                problems.extend(exc.problems)
        if problems:
            raise InvalidInput(problems)
    return Attached(tuple(stored), _changes(owner_kind, owner_id), AttachStep(stored))


def attach_paths(
    database: Database,
    owner_kind: str,
    owner_id: int,
    paths: Sequence[Path],
    *,
    description: str = "",
    caption_zh: str = "",
    caption_he: str = "",
) -> Attached:
    """Attach files from disk (dropped on the detail pane, chosen with Attach…, or named on
    the command line): each is refused before it is read when it is too large; a caption
    given applies to each."""
    # Every file is looked at before any is read: one too large refuses them all, and a
    # dropped video is never loaded.
    problems: list[FieldProblem] = []
    limit = size_limit(database)
    for path in paths:
        try:
            check_file(database, path, limit)
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems)
    files = [
        NewFile(path.name, read_file(database, path), description, caption_zh, caption_he)
        for path in paths
    ]
    return attach_files(database, owner_kind, owner_id, files)


@dataclass(frozen=True, slots=True)
class Captioned:
    attachment: Attachment
    changes: Changes
    step: Step


def _captions(attachment: Attachment) -> dict[str, str]:
    return {
        "description": attachment.description,
        "caption_zh": attachment.caption_zh,
        "caption_he": attachment.caption_he,
    }


class CaptionStep(Step):
    """A file's caption changed: each side puts its three captions back."""

    def __init__(self, before: Attachment, after: Attachment) -> None:
        self.before = before
        self.after = after
        self.text = _("Change caption")

    def _store(self, database: Database, side: Attachment) -> Changes:
        assert side.id is not None
        set_caption(database, side.id, **_captions(side))
        return _changes(side.owner_kind, side.owner_id)

    def undo(self, database: Database) -> Changes:
        return self._store(database, self.before)

    def redo(self, database: Database) -> Changes:
        return self._store(database, self.after)


def change_caption(
    database: Database,
    attachment_id: int,
    *,
    description: str,
    caption_zh: str = "",
    caption_he: str = "",
) -> Captioned:
    """Change a file's caption in its three languages (undoable)."""
    before = get_attachment(database, attachment_id)
    after = set_caption(
        database,
        attachment_id,
        description=description,
        caption_zh=caption_zh,
        caption_he=caption_he,
    )
    return Captioned(after, _changes(after.owner_kind, after.owner_id), CaptionStep(before, after))


def remove_file(database: Database, attachment_id: int) -> Removed:
    """Remove one file (undoable): the record's reference to it is cleared with it."""
    snapshot = Snapshot()
    with records.transaction(database) as session:
        removed = remove_in(session, attachment_id, snapshot)
    return Removed(
        removed,
        _changes(removed.owner_kind, removed.owner_id),
        DetachStep([removed], snapshot),
    )


def choose_photo(
    database: Database, owner_kind: str, owner_id: int, attachment_id: int | None
) -> Saved[Any]:
    """Make one of a record's images its photo (a city's in its dossier, a gift's, a
    person's), or none with None: a change of the record like any other (undoable, on its
    History). The image must be the record's own."""
    kind = kind_named(owner_kind)
    if not kind.declaration.has_field(PHOTO_FIELD):
        raise InvalidInput([FieldProblem(PHOTO_FIELD, _("This kind of record has no photo."))])
    record = records.get_record(database, kind.name, owner_id)
    if attachment_id is not None:
        found = get_attachment(database, attachment_id)
        if (found.owner_kind, found.owner_id) != (owner_kind, owner_id):
            raise NotFound(_("attachment"), attachment_id)
        if not found.is_image:
            raise InvalidInput([FieldProblem(PHOTO_FIELD, _("Only an image can be the photo."))])
    return save_record(database, replace(record, **{PHOTO_FIELD: attachment_id}))
