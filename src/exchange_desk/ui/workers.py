"""Work slower than a blink runs off the GUI thread, so the window never freezes.

`start_task` runs a function on Qt's thread pool and delivers its result (or its error) to
the GUI thread, with a `Progress` the work can report to and that a Cancel button stops;
`ui.operations` builds the window's operations on it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QDialog, QMessageBox


class Cancelled(Exception):
    """Raised inside the work when the user pressed Cancel."""


class Progress:
    """Given to a long task: `report(text)` says what it does and stops it if cancelled."""

    def __init__(self, signals: TaskSignals) -> None:
        self._signals = signals
        self._cancelled = threading.Event()

    def report(self, text: str) -> None:
        if self._cancelled.is_set():
            raise Cancelled
        self._signals.progress.emit(text)

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()


class TaskSignals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(str)


class _Task(QRunnable):
    def __init__(self, work: Callable[[], Any], signals: TaskSignals) -> None:
        super().__init__()
        self._work = work
        self.signals = signals

    def run(self) -> None:
        try:
            result = self._work()
        except BaseException as exc:  # delivered to the GUI thread, which decides
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


_running: set[TaskSignals] = set()  # keeps the signal objects alive until they have fired


def start_task(
    work: Callable[[Progress], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[BaseException], None],
    on_progress: Callable[[str], None] | None = None,
) -> Progress:
    """Run `work(progress)` on the thread pool; `on_done(result)` or `on_failed(error)` is
    called on the GUI thread, and `on_progress(text)` for what the work reports. Returns
    the `Progress`, whose `cancel()` stops the work at its next report."""
    signals = TaskSignals()
    progress = Progress(signals)
    _running.add(signals)
    if on_progress is not None:
        signals.progress.connect(on_progress)

    @Slot(object)
    def done(result: Any) -> None:
        _running.discard(signals)
        on_done(result)

    @Slot(object)
    def failed(error: Any) -> None:
        _running.discard(signals)
        on_failed(error)

    signals.done.connect(done)
    signals.failed.connect(failed)
    QThreadPool.globalInstance().start(_Task(lambda: work(progress), signals))
    return progress


def notice(dialog: QDialog, title: str, text: str, icon: QMessageBox.Icon) -> str:
    """Tell how background work ended, without blocking: it may end while the person works
    elsewhere, and a blocking box would wait for them (and hang an offscreen test). Shown
    over the dialog, or over its parent when the dialog has closed. Returns the text."""
    accepted = dialog.result() == QDialog.DialogCode.Accepted
    parent = dialog.parentWidget() if accepted else dialog
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return text
