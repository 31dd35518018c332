"""Writing the office's documents to files: checked before the work, written whole after.

Certificates and reports share these rules. A target is checked before anything is
registered or drawn (a number issued for a file that then cannot be written is a
certificate nobody holds; a typo in a folder should cost no wait), and a file is written
under a temporary name and renamed, so a viewer never opens half a PDF and a failure leaves
nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import socket
import time
from pathlib import Path

from exchange_desk.domain.errors import ExchangeDeskError
from exchange_desk.i18n.catalog import _


class DocumentProblem(ExchangeDeskError):
    """A certificate or report cannot be made or written as asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def user_message(self) -> str:
        return self.message


_BINARY = getattr(os, "O_BINARY", 0)  # Windows would otherwise translate line ends


def pdf_path(target: Path) -> Path:
    """`target` with ".pdf" added when it has no such ending."""
    return target if target.suffix.lower() == ".pdf" else target.with_name(target.name + ".pdf")


def writable_problem(target: Path, *, folder: bool = False) -> str | None:
    """Why a file (or, with `folder`, a folder of files) cannot be written at `target`."""
    place = target if folder and target.is_dir() else target.parent
    if not place.is_dir():
        return _("The folder {folder} does not exist.").format(folder=place)
    if not os.access(place, os.W_OK) or (
        not folder and target.exists() and (target.is_dir() or not os.access(target, os.W_OK))
    ):
        return _("Cannot write {path}: permission denied.").format(path=target)
    return None


def checked_target(target: Path, *, folder: bool = False) -> Path:
    """The PDF path for `target` (or the folder), once it is known to be writable; raises
    DocumentProblem otherwise."""
    if not folder:
        target = pdf_path(target)
    problem = writable_problem(target, folder=folder)
    if problem:
        raise DocumentProblem(problem)
    return target


def write_whole(path: Path, data: bytes) -> Path:
    """Write under a temporary name, then rename; DocumentProblem if the disk refuses."""
    clean_partials(path.parent)
    partial = stage(path, data)
    try:
        put_in_place(partial, path)
    except DocumentProblem:
        discard(partial)
        raise
    return path


# --- staged files ----------------------------------------------------------------------------
#
# A file is first written whole under a temporary name in its own folder and flushed to the
# disk (`stage`); only once what it records is committed is it renamed into place
# (`put_in_place`), which is atomic within a folder. A process killed in between leaves its
# temporary file behind; `clean_partials` removes such leftovers on the next run. The name
# says whose it is (host and process), so a run never removes another live run's file.

PARTIAL_SUFFIX = ".partial"
_PARTIAL_MARK = ".~exchange-desk"
_PARTIAL_NAME = re.compile(
    r"^"
    + re.escape(_PARTIAL_MARK)
    + r"\.(?P<pid>\d+)\.(?P<host>[A-Za-z0-9-]*)\..+"
    + re.escape(PARTIAL_SUFFIX)
    + r"$"
)
# A leftover of another computer (a shared folder) is removed once it is this old.
FOREIGN_PARTIAL_AGE_S = 24 * 3600


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40]


def partial_path(path: Path) -> Path:
    """The temporary name `path` is written under: hidden, in the same folder."""
    token = secrets.token_hex(3)
    name = f"{_PARTIAL_MARK}.{os.getpid()}.{_host()}.{token}.{path.name}{PARTIAL_SUFFIX}"
    return path.with_name(name)


def _cannot_write(path: Path, exc: OSError) -> DocumentProblem:
    return DocumentProblem(
        _("Cannot write {path}: {reason}").format(path=path, reason=exc.strerror or exc)
    )


def stage(path: Path, data: bytes) -> Path:
    """Write `data` whole under a temporary name next to `path` and flush it to the disk;
    returns the temporary path. Nothing is left behind if the disk refuses (DocumentProblem).
    """
    partial = partial_path(path)
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o666)
    except OSError as exc:
        raise _cannot_write(path, exc) from exc
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(descriptor, view)
                view = view[written:]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError as exc:
        discard(partial)
        raise _cannot_write(path, exc) from exc
    return partial


def put_in_place(partial: Path, path: Path) -> None:
    """Rename a staged file to its final name (replacing what was there), and make the
    rename itself durable; DocumentProblem if the rename is refused (the staged file stays:
    the caller decides)."""
    try:
        os.replace(partial, path)
    except OSError as exc:
        raise _cannot_write(path, exc) from exc
    _sync_folder(path.parent)


def discard(partial: Path) -> None:
    """Remove a staged file that will not be used; a failure to remove it is ignored (the
    next run's `clean_partials` tries again)."""
    with contextlib.suppress(OSError):
        partial.unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows makes a rename durable on its own and cannot open a folder
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename still happened
    finally:
        os.close(descriptor)


def _alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # never signal on Windows: os.kill would end the process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: alive
    return True


def clean_partials(folder: Path) -> list[Path]:
    """Remove the temporary files that runs killed before they finished left in `folder`:
    this computer's whose process is gone, other computers' after a day. On Windows a file
    still being written cannot be removed, so there every leftover is simply tried. Returns
    what was removed."""
    removed: list[Path] = []
    try:
        candidates = [entry for entry in folder.iterdir() if entry.name.startswith(_PARTIAL_MARK)]
    except OSError:
        return removed
    host = _host()
    now = time.time()
    for entry in candidates:
        found = _PARTIAL_NAME.match(entry.name)
        if found is None:
            continue
        pid = int(found.group("pid"))
        if found.group("host") == host:
            stale = pid != os.getpid() and not _alive(pid)
        else:
            try:
                stale = now - entry.stat().st_mtime > FOREIGN_PARTIAL_AGE_S
            except OSError:
                continue
        if stale:
            try:
                entry.unlink()
            except OSError:
                continue
            removed.append(entry)
    return removed


def no_font_message(record: str, characters: str) -> str:
    """What a document says when no font has some of its characters (`characters`, listed
    by `MissingGlyphs.listing`), in the user's language: nothing was written, and what to do."""
    return _(
        "{record}: no font on this computer has the characters {characters}. Nothing "
        "was written. Install a font that has them (on Windows, SimSun-ExtB has most "
        "rare Chinese characters) or change the text."
    ).format(record=record, characters=characters)
