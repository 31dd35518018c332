"""Writing the office's documents to files: checked before the work, written whole after.

Certificates and reports share these rules. A target is checked before anything is
registered or drawn (a number issued for a file that then cannot be written is a
certificate nobody holds; a typo in a folder should cost no wait), and a file is written
under a temporary name and renamed, so a viewer never opens half a PDF and a failure leaves
nothing behind.
"""

from __future__ import annotations

import os
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
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise DocumentProblem(
            _("Cannot write {path}: {reason}").format(path=path, reason=exc.strerror or exc)
        ) from exc
    return path
