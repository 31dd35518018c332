"""A tab's list as a PDF: to print from the window or to save as a file.

The list is drawn by `documents.list_pdf` in the list's own language and written whole or
not at all (a temporary file renamed into place), as reports are. Characters that no font
has are named before anything is written, with the same message as for reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from exchange_desk.documents.fonts import MissingGlyphs
from exchange_desk.services.output import (
    DocumentProblem,
    checked_target,
    no_font_message,
    write_whole,
)
from exchange_desk.services.views import ListedView

# A list's problems are the documents' problems: one kind of error for the callers.
ListProblem = DocumentProblem


def list_pdf_bytes(
    view: ListedView,
    *,
    office: str = "",
    printed_on: dt.date | None = None,
    page_size: str = "A4",
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The list as PDF bytes, for printing from the window. `progress(done, steps)` is told
    how far the work is and may raise to cancel (see `documents.list_pdf.list_pdf`)."""
    from exchange_desk.documents.list_pdf import list_pdf

    try:
        return list_pdf(
            view, office=office, printed_on=printed_on, page_size=page_size, progress=progress
        )
    except MissingGlyphs as error:
        raise ListProblem(no_font_message(view.title, error.listing())) from None


def save_list_pdf(
    view: ListedView,
    path: str | Path,
    *,
    office: str = "",
    printed_on: dt.date | None = None,
    page_size: str = "A4",
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Draw the list and write it to `path` (".pdf" added if missing) under a temporary
    name first, renamed into place once whole; returns the path written. The folder is
    checked before the drawing, so a typo costs no wait; DocumentProblem says what went
    wrong in the user's words."""
    target = checked_target(Path(path))
    data = list_pdf_bytes(
        view, office=office, printed_on=printed_on, page_size=page_size, progress=progress
    )
    return write_whole(target, data)


__all__ = ["ListProblem", "list_pdf_bytes", "save_list_pdf"]
