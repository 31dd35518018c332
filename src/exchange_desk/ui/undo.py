"""Undo and redo of creating, editing and deleting records within the session.

The steps are the services' (`services.editing.Step`: each undoes and redoes itself in one
transaction and says what it changed). Here they are only wrapped for Qt's undo stack, and
run as operations: the step works off the GUI thread, and only once it has succeeded does
the stack move (a `StepCommand`'s own `undo()` and `redo()` do nothing). A step that fails
(someone changed the records meanwhile) no longer fits the history: it is cleared, and
`failed` says why.

The Edit menu names what a step takes back ("Undo delete of delegation “Kfar Saba, June
2018”"): `name_step` words a record's step with the record's name (`records.record_name`),
which the operation that made the step reads off the GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from exchange_desk.i18n.catalog import _
from exchange_desk.ui.operations import CollectionOp

if TYPE_CHECKING:
    from exchange_desk.services.changes import Changes
    from exchange_desk.services.database import Database
    from exchange_desk.services.editing import Step


def name_step(step: Step, name: str) -> Step:
    """Word a step of one record (created, edited or deleted) with the record's `name`, as
    the Edit menu shows it after "Undo" and "Redo"; other steps, or no name, keep their
    text. Plain Python: callable off the GUI thread, before the step is pushed."""
    from exchange_desk.services.editing import CreateStep, DeleteStep, UpdateStep
    from exchange_desk.services.kinds import kind_named

    if not name:
        return step
    if isinstance(step, DeleteStep):
        kind, template = step.deletion.kind, _("delete of {kind} “{name}”")
    elif isinstance(step, UpdateStep):
        kind, template = step.kind, _("edit of {kind} “{name}”")
    elif isinstance(step, CreateStep):
        kind, template = step.kind, _("new {kind} “{name}”")
    else:
        return step
    step.text = template.format(kind=kind_named(kind).label(), name=name)
    return step


class StepCommand(QUndoCommand):
    """Qt's face of a service step. The operation has done the work by the time the stack
    calls `undo()` or `redo()` (and `push()` calls `redo()` on a step already done): they
    only move the stack."""

    def __init__(self, step: Step) -> None:
        super().__init__(step.text)
        self.step = step

    def undo(self) -> None:
        pass

    def redo(self) -> None:
        pass


class UndoHistory(QObject):
    """The session's undo stack, whose steps run as operations over `parent`."""

    failed = Signal(object)  # the error of a step that could not be undone or redone

    def __init__(self, parent: QWidget, database: Database) -> None:
        super().__init__(parent)
        self.widget = parent
        self.database = database
        self.stack = QUndoStack(self)
        self.running: CollectionOp[Changes] | None = None

    def push(self, step: Step) -> None:
        """A step done (a save, a delete) enters the history."""
        self.stack.push(StepCommand(step))

    def clear(self) -> None:
        self.stack.clear()

    def undo(self) -> CollectionOp[Changes] | None:
        """Undo the last step, off the GUI thread (None: nothing to undo, or busy)."""
        if self.running is not None or not self.stack.canUndo():
            return None
        command = self.stack.command(self.stack.index() - 1)
        assert isinstance(command, StepCommand)
        return self._run(command.step.undo, self.stack.undo)

    def redo(self) -> CollectionOp[Changes] | None:
        """Redo the step undone last (None: nothing to redo, or busy)."""
        if self.running is not None or not self.stack.canRedo():
            return None
        command = self.stack.command(self.stack.index())
        assert isinstance(command, StepCommand)
        return self._run(command.step.redo, self.stack.redo)

    def _run(self, work: Any, move: Any) -> CollectionOp[Changes]:
        def done(_changes: Changes) -> None:
            self.running = None
            move()

        def failed(error: BaseException) -> None:
            self.running = None
            # The records no longer match the history (someone changed them meanwhile).
            self.stack.clear()
            self.failed.emit(error)

        operation: CollectionOp[Changes] = CollectionOp(self.widget, work, database=self.database)
        self.running = operation.success(done).failure(failed)
        return operation.run_in_background()
