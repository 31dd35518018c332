"""How the window calls the services: small operations off the GUI thread, in the shape of
Anki's `CollectionOp` and `QueryOp` (qt/aqt/operations).

- `CollectionOp(parent, op)` is a write: `op(database)` runs on the thread pool and returns
  `Changes`, or a result that carries them (`.changes`: `editing.Saved`, `IssuedPdf`...).
  `.success(callback)` and `.failure(callback)` are called back on the GUI thread; then the
  changes are emitted on the one `changed(Changes)` signal of `change_hub()`, to which every
  tab, detail pane, open record dialog and the certificate register listen, each reading
  again only what the changes touch.
- `QueryOp(parent, op)` is a read: the same, with the result and no signal.

Either can show a progress dialog (`.with_progress(label)`, after 400 ms, so quick work never
flashes one) with a Cancel button where the service can stop (`cancellable=True`: the work
passes the operation's `report(text)` to the service as its progress callback; it raises
`workers.Cancelled` once Cancel was pressed).
A failure goes to the `failure` callback, or else to `ui.errors.report_failure` over the
parent; a dialog that started an operation stays open with everything typed.

The database is the parent's (`parent.database`, or a parent's parent's), or `database=`.

Service calls left on the GUI thread, each under 16 ms on the database `bench/table_100k.py`
makes (100,083 delegations, 2,013 organizations, 1,073 cities, 2,006 awards), which measures
them again (`gui_thread_calls_ms`: medians of five, on the slowest record where it matters):

- the first page of a tab, `tables.load_table(limit=300)`: 3-6 ms, so that a tab shows rows
  at once (the whole table is then read in the background, as before);
- the detail pane, `details.record_detail`: 1-3 ms, 7 ms at most for the partner city with
  the most delegations (its timeline stops at 500);
- `records.get_record` (the partner city of the selection, a record to go to) and a
  partnership by its city (following a link): 0.7 ms; `records.names_of`,
  `certificate_register.certificate_for_award`, `office.office_profile`,
  `attachments.read_attachment` (a seal): 0.2-0.3 ms;
- `database.is_empty` (offering the demo): 0.2 ms; `tables.conference_choices` (the awards
  tab's filter): 0.2 ms;
- the batch dialog's choices and count, `certificate_content.batch_choices` and
  `certificate_issue.awards_for_batch`: 2.2 ms and 0.4 ms;
  `certificate_content.printer_test_page`: 4 ms;
- the report dialog's years, `report_choices.report_years`: 11-15 ms (one UNION over the
  dated tables; the dialog needs them to open on the right year), and its subject,
  `city_label` or `delegation_label`: 0.2 ms;
- the lists a record dialog's pickers choose from are read with the record in a `QueryOp`
  before the dialog opens (`fields.read_choices`: organizations and awards take 21-22 ms); a
  nested "New…" dialog shares them. They are read by their naming columns alone
  (`records.named_rows`): 25,000 people in 0.19 s on the 100,000-delegation database (0.63 s
  when every person was read whole). Only a dialog built on its own (the tests) reads them
  when first needed, on the GUI thread: cities 4 ms, the 25,000 people that 0.19 s.

Everything that writes runs as a `CollectionOp` however quick, because a write can wait for
a lock (SQLite's busy timeout) for seconds. The register (69 ms with 2,006 certificates),
statistics (75 ms), the database check (230 ms), anniversaries (2 x 5 ms), deletion previews,
certificate previews, reports and batches run as `QueryOp`s or `CollectionOp`s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from exchange_desk.i18n.catalog import _
from exchange_desk.services.changes import Changes
from exchange_desk.ui.workers import Cancelled, Progress, start_task

if TYPE_CHECKING:
    from exchange_desk.services.database import Database

T = TypeVar("T")

__all__ = ["ChangeHub", "CollectionOp", "QueryOp", "change_hub", "changes_in", "pending"]


class ChangeHub(QObject):
    """The one object that says the data changed. Every screen that shows records listens
    to `changed` and reads again what the `Changes` touch (`Changes.touches`).

    `remote` follows `changed` when the change was another desk's (seen in the audit log by
    the live view): a tuple of `services.audit.AuditEntry`, for who and when ("changed by
    NAME at 10:42")."""

    changed = Signal(object)
    remote = Signal(object)


_hub: ChangeHub | None = None


def change_hub() -> ChangeHub:
    """The application's hub (made on first use, on the GUI thread)."""
    global _hub
    if _hub is None or not shiboken6.isValid(_hub):
        _hub = ChangeHub()
    return _hub


def changes_in(result: Any) -> Changes | None:
    """The changes an operation's result reports: itself, or its `changes`."""
    if isinstance(result, Changes):
        return result
    found = getattr(result, "changes", None)
    return found if isinstance(found, Changes) else None


_in_flight: set[_Operation[Any]] = set()  # kept alive until their callbacks have run


def pending() -> int:
    """How many operations have not finished yet (tests wait for none)."""
    return len(_in_flight)


def _database_of(parent: QObject | None) -> Database:
    widget = parent
    while widget is not None:
        database = getattr(widget, "database", None)
        if database is not None:
            return database  # type: ignore[no-any-return]
        widget = widget.parent()
    raise ValueError("an operation needs a database: pass database=, or a parent that has one")


class _Operation(Generic[T]):
    def __init__(
        self,
        parent: QWidget | None,
        op: Callable[[Database], T],
        *,
        database: Database | None = None,
    ) -> None:
        self._parent = parent
        self._op = op
        self._database = database if database is not None else _database_of(parent)
        self._on_success: Callable[[T], Any] | None = None
        self._on_failure: Callable[[BaseException], Any] | None = None
        self._label: str | None = None
        self._cancellable = False
        self.progress: Progress | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.done = False

    def success(self, callback: Callable[[T], Any]) -> Self:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], Any]) -> Self:
        self._on_failure = callback
        return self

    def with_progress(self, label: str | None = None, *, cancellable: bool = False) -> Self:
        """Show a progress dialog over the parent if the work takes more than a moment;
        with `cancellable`, its Cancel button stops the work at its next report."""
        self._label = label if label is not None else _("Working…")
        self._cancellable = cancellable
        return self

    def report(self, text: str) -> None:
        """For the work, on its thread: say what it does now (and stop if cancelled)."""
        if self.progress is not None:
            self.progress.report(text)

    def run_in_background(self) -> Self:
        _in_flight.add(self)
        on_progress = None
        if self._label is not None:
            dialog = QProgressDialog(
                self._label, _("Cancel") if self._cancellable else "", 0, 0, self._parent
            )
            dialog.setWindowTitle(self._label)
            dialog.setMinimumDuration(400)
            if not self._cancellable:
                dialog.setCancelButton(None)
            self.progress_dialog = dialog
            on_progress = dialog.setLabelText
        database, op = self._database, self._op

        def work(progress: Progress) -> T:
            self.progress = progress  # before the work can report
            return op(database)

        progress = start_task(work, self._done, self._failed, on_progress)
        if self.progress_dialog is not None and self._cancellable:
            self.progress_dialog.canceled.connect(progress.cancel)
        return self

    def _parent_alive(self) -> bool:
        return self._parent is None or shiboken6.isValid(self._parent)

    def _finish(self) -> None:
        self.done = True
        _in_flight.discard(self)
        if self.progress_dialog is not None and shiboken6.isValid(self.progress_dialog):
            self.progress_dialog.reset()
            self.progress_dialog.deleteLater()

    def _done(self, result: T) -> None:
        self._finish()
        try:
            if self._on_success is not None and self._parent_alive():
                self._on_success(result)
        finally:
            self._after(result)

    def _after(self, result: T) -> None:
        """What follows a success, after the callback (a write tells the screens)."""

    def _failed(self, error: BaseException) -> None:
        self._finish()
        alive = self._parent_alive()
        if self._on_failure is not None and alive:
            self._on_failure(error)
        elif not isinstance(error, Cancelled):
            self._report(error, self._parent if alive else None)

    def _report(self, error: BaseException, parent: QWidget | None) -> None:
        from exchange_desk.ui.errors import report_failure

        report_failure(error, parent)


class CollectionOp(_Operation[T]):
    """A write through the services, off the GUI thread; the `Changes` it returns go out on
    `change_hub().changed` after the success callback, even if its parent has closed."""

    def _after(self, result: T) -> None:
        changes = changes_in(result)
        if changes:
            change_hub().changed.emit(changes)


class QueryOp(_Operation[T]):
    """A read through the services, off the GUI thread. Nothing is called back once its
    parent is gone, not even a failure: nobody is left to show it to."""

    def _report(self, error: BaseException, parent: QWidget | None) -> None:
        if self._parent_alive():
            super()._report(error, parent)
