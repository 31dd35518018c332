"""The live view: other desks' changes reach this window's screens within a second.

A `LiveView` runs a `services.watching.ChangeWatcher` on a thread of its own (no Qt there,
only the watcher's waiting and reading) and hands what it finds to the GUI thread through a
queued signal. There it goes out on the window's one `change_hub().changed` signal, which the
tabs, the detail pane and open dialogs already follow for the desk's own changes, then on
`change_hub().remote` with the log's lines (for "changed by NAME at 10:42: reload?"), and the
status bar says who changed what for a few seconds.

Bursts are told as one: while the GUI thread has not taken the last news yet, and for
`QUIET_SECONDS` after it, what arrives is merged; an import of 10,000 rows at another desk is
a signal or two, not 10,000.

The window starts one for its database and stops it when it closes; any still running when
the application quits are stopped then (`stop_all`), so no thread outlives the program.
"""

from __future__ import annotations

import atexit
import dataclasses
import logging
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QStatusBar

from exchange_desk.i18n.catalog import _, ngettext
from exchange_desk.services.audit import Action, AuditEntry
from exchange_desk.services.registry import DECLARED
from exchange_desk.services.watching import ChangeWatcher, Remote
from exchange_desk.ui.operations import change_hub

if TYPE_CHECKING:
    from exchange_desk.services.database import Database

__all__ = ["LiveView", "announcement", "stop_all"]

log = logging.getLogger("exchange_desk.ui.live_view")

# The watcher's wait between looks at whether the view is stopping (it returns at once when
# asked to stop; this bounds the wait on PostgreSQL's socket).
WAIT_SECONDS = 0.5
# After telling the window of a change, news is gathered this long before the next telling.
QUIET_SECONDS = 0.3
# How often news waiting to be told is looked at (the GUI thread busy, or too soon).
TELL_SECONDS = 0.05
# How long the status bar says who changed what.
MESSAGE_MS = 6000
# The longest closing a window waits for the thread to end.
STOP_SECONDS = 2.0
# Waiting after a failed read before reading again, doubled up to the most.
RETRY_FIRST, RETRY_MOST = 1.0, 30.0


class _Loop:
    """The thread's side: waits, reads, merges and posts. Plain Python, so that stopping it
    never touches a Qt object (it may run at exit, after Qt is gone)."""

    def __init__(self, watcher: ChangeWatcher, post: _Post) -> None:
        self.watcher = watcher
        self._post = post
        self.stopping = threading.Event()
        # Set while the GUI thread has news it has not taken yet: nothing more is posted.
        self.in_flight = threading.Event()
        self.thread = threading.Thread(target=self._run, name="live-view", daemon=True)

    def start(self) -> None:
        _loops.add(self)
        self.thread.start()

    def stop(self) -> None:
        """Stop the thread and wait for it (a moment: it returns from waiting at once)."""
        self.stopping.set()
        self.watcher.stop_waiting()
        if self.thread.is_alive() and self.thread is not threading.current_thread():
            # It returns from waiting at once; only a read from a server that stopped
            # answering holds it longer. The window does not wait for that: the thread ends
            # when the read does (and with the program: it is a daemon).
            self.thread.join(timeout=STOP_SECONDS)
            if self.thread.is_alive():
                log.warning("The live view's thread is still reading; left to end by itself")
        _loops.discard(self)

    def taken(self) -> None:
        self.in_flight.clear()

    def _run(self) -> None:
        pending: Remote | None = None
        posted_at = float("-inf")
        retry_at: float | None = None  # a read failed: read again then, woken or not
        retry_wait = RETRY_FIRST
        try:
            while not self.stopping.is_set():
                # With news to tell, look again soon whether it can be told.
                timeout = WAIT_SECONDS if pending is None else TELL_SECONDS
                if retry_at is not None:
                    timeout = max(0.0, min(timeout, retry_at - time.monotonic()))
                woken = self.watcher.wait(timeout)
                if self.stopping.is_set():
                    break
                if woken or (retry_at is not None and time.monotonic() >= retry_at):
                    try:
                        found = self.watcher.poll()
                    except Exception as exc:  # the database is away: read again later
                        if retry_at is None:
                            log.warning("Reading other desks' changes failed: %s", exc)
                        retry_at = time.monotonic() + retry_wait
                        retry_wait = min(retry_wait * 2, RETRY_MOST)
                        continue
                    retry_at, retry_wait = None, RETRY_FIRST
                    if found is not None:
                        pending = found if pending is None else pending | found
                if (
                    pending is not None
                    and not self.watcher.behind
                    and not self.in_flight.is_set()
                    and time.monotonic() - posted_at >= QUIET_SECONDS
                ):
                    self.in_flight.set()
                    if not self._post(pending):
                        break  # the window is gone
                    pending, posted_at = None, time.monotonic()
        except Exception:  # a bug: logged with its traceback; the window goes on without
            log.exception("The live view stopped")
        finally:
            self.watcher.close()
            _loops.discard(self)


class _Post:
    """Posts news to the view's signal from the thread; False once the view is gone."""

    def __init__(self, view: LiveView) -> None:
        self._view = view

    def __call__(self, remote: Remote) -> bool:
        try:
            self._view.arrived.emit(remote)  # queued: the view lives on the GUI thread
        except RuntimeError:  # its C++ object was deleted with the window
            return False
        return True


_loops: set[_Loop] = set()
_hooked: QCoreApplication | None = None  # the application whose quitting stops them all


def stop_all() -> None:
    """Stop every live view still running (the application is quitting)."""
    for loop in list(_loops):
        loop.stop()


atexit.register(stop_all)


class LiveView(QObject):
    """Other desks' changes to `database`, told to this program's screens (see the module
    docstring). `start()` once; `stop()` when the window closes or leaves the database."""

    arrived = Signal(object)  # a Remote, from the thread

    def __init__(
        self,
        database: Database,
        parent: QObject | None = None,
        *,
        status_bar: QStatusBar | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self._status_bar = status_bar
        self._loop: _Loop | None = None
        self.arrived.connect(self._arrived)

    @property
    def running(self) -> bool:
        return self._loop is not None and self._loop.thread.is_alive()

    def start(self) -> bool:
        """Start watching; False (and logged) when the database cannot be read now."""
        global _hooked
        if self._loop is not None:
            return True
        try:
            watcher = ChangeWatcher(self.database)
        except Exception as exc:  # the window reports the database's troubles itself
            log.warning("Not watching for other desks' changes: %s", exc)
            return False
        loop = _Loop(watcher, _Post(self))
        self._loop = loop
        # Stopped however the view ends: closed, deleted with its window, or at quit.
        self.destroyed.connect(loop.stop)
        app = QCoreApplication.instance()
        if app is not None and app is not _hooked:
            app.aboutToQuit.connect(stop_all)
            _hooked = app
        loop.start()
        return True

    def stop(self) -> None:
        """Stop watching; news already on its way is dropped."""
        loop, self._loop = self._loop, None
        if loop is not None:
            loop.stop()

    def _arrived(self, remote: Remote) -> None:
        loop = self._loop
        if loop is None:
            return  # stopped meanwhile: the news is of a database this window has left
        try:
            hub = change_hub()
            hub.changed.emit(dataclasses.replace(remote.changes, remote=True))
            hub.remote.emit(tuple(remote.entries))
            bar = self._status_bar
            if bar is not None and shiboken6.isValid(bar) and remote.entries:
                bar.showMessage(
                    announcement(remote.entries, everything=remote.everything), MESSAGE_MS
                )
        finally:
            loop.taken()


def _names(entries: Sequence[AuditEntry]) -> str:
    names = list(dict.fromkeys(entry.user_name or entry.os_user for entry in entries))
    shown = ", ".join(names[:3])
    return shown + ("…" if len(names) > 3 else "")


def announcement(entries: Sequence[AuditEntry], *, everything: bool = False) -> str:
    """What the status bar says of other desks' changes: who, at what time (the computer's),
    and what, when it is one record."""
    last = entries[-1]
    name = _names(entries)
    time_text = last.local_time().strftime("%H:%M")
    records = {(entry.kind, entry.record_id) for entry in entries}
    if everything or len(records) > 1:
        if everything:
            return _("Many records changed by {name} at {time}").format(name=name, time=time_text)
        return ngettext(
            "{count} record changed by {name} at {time}",
            "{count} records changed by {name} at {time}",
            len(records),
        ).format(count=len(records), name=name, time=time_text)
    what = _what(last)
    action = last.details.get("did", last.action)
    if action == Action.CREATE:
        text = _("Added by {name} at {time}: {what}")
    elif action == Action.DELETE:
        text = _("Deleted by {name} at {time}: {what}")
    else:
        text = _("Changed by {name} at {time}: {what}")
    return text.format(name=name, time=time_text, what=what)


def _what(entry: AuditEntry) -> str:
    """The record a line is about, as "delegation “Berlin 2025”"."""
    if entry.action == Action.PROFILE or entry.kind == "office":
        return _("the office profile")
    declaration = DECLARED.get(entry.kind or "")
    if declaration is None:
        return entry.summary or entry.action_label()
    kind = ngettext(declaration.noun.singular, declaration.noun.plural, 1)
    if not entry.summary:
        return kind
    return _("{kind} “{name}”").format(kind=kind, name=entry.summary)
