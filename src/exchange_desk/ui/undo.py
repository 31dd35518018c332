"""Undo and redo of creating, editing and deleting records within the session.

Each command does its work through the services. A create is undone by deleting the new
record and redone by restoring it with the same id; a delete is undone by restoring the
snapshot the services took; an edit is undone by storing the record as it was before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from exchange_desk.domain.errors import ExchangeDeskError
from exchange_desk.domain.records import TierChange
from exchange_desk.i18n.catalog import _
from exchange_desk.services.database import Database
from exchange_desk.services.kinds import kind_of
from exchange_desk.services.records import (
    Deletion,
    Snapshot,
    delete_record,
    get_record,
    replace_tier_history,
    restore,
    update,
)

Changed = Callable[[str, int | None], None]  # kind and id of what changed


class _RecordCommand(QUndoCommand):
    """A command whose first `redo()` (called by QUndoStack.push) is the work already done:
    the window does the work first so that a refused write never enters the history."""

    def __init__(self, database: Database, changed: Changed, text: str) -> None:
        super().__init__(text)
        self.database = database
        self.changed = changed
        self._first = True
        # Qt calls undo() and redo() and cannot pass an exception on: a failure is kept
        # here for the window to report (it then clears the history, which no longer fits).
        self.error: ExchangeDeskError | None = None

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self.error = None
        try:
            self.do()
        except ExchangeDeskError as exc:
            self.error = exc

    def undo(self) -> None:
        self.error = None
        try:
            self.revert()
        except ExchangeDeskError as exc:
            self.error = exc

    def do(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError


class CreateCommand(_RecordCommand):
    def __init__(self, database: Database, changed: Changed, record: Any) -> None:
        self.kind = kind_of(record).name
        super().__init__(database, changed, _("New {kind}").format(kind=kind_of(record).label()))
        self.record = record
        self.snapshot: Snapshot | None = None

    def revert(self) -> None:
        self.snapshot = delete_record(self.database, self.kind, self.record.id).snapshot
        self.changed(self.kind, None)

    def do(self) -> None:
        assert self.snapshot is not None
        restore(self.database, self.snapshot)
        self.changed(self.kind, self.record.id)


class UpdateCommand(_RecordCommand):
    """An edit. A partnership's tier history is put back exactly as it was on each side,
    not extended by the undo itself."""

    def __init__(
        self,
        database: Database,
        changed: Changed,
        before: Any,
        after: Any,
        history: tuple[list[TierChange], list[TierChange]] | None = None,
    ) -> None:
        self.kind = kind_of(after).name
        super().__init__(database, changed, _("Edit {kind}").format(kind=kind_of(after).label()))
        self.before = before
        self.after = after
        self.history = history

    def _store(self, record: Any, side: int) -> None:
        with self.database.unit_of_work():
            update(self.database, record, record_tier_change=False)
            if self.history is not None:
                replace_tier_history(self.database, record.id, self.history[side])
        self.changed(self.kind, record.id)

    def revert(self) -> None:
        self._store(self.before, 0)

    def do(self) -> None:
        self._store(self.after, 1)


class DeleteCommand(_RecordCommand):
    def __init__(self, database: Database, changed: Changed, deletion: Deletion) -> None:
        from exchange_desk.services.kinds import kind_named

        super().__init__(
            database, changed, _("Delete {kind}").format(kind=kind_named(deletion.kind).label())
        )
        self.deletion = deletion
        self.cascade = bool(deletion.dependents)

    def revert(self) -> None:
        restore(self.database, self.deletion.snapshot)
        self.changed(self.deletion.kind, self.deletion.id)

    def do(self) -> None:
        self.deletion = delete_record(
            self.database, self.deletion.kind, self.deletion.id, cascade=self.cascade
        )
        self.changed(self.deletion.kind, None)


def stored_before(database: Database, record: Any) -> Any:
    """The record as it is stored now (to undo an edit)."""
    return get_record(database, kind_of(record).name, record.id)
