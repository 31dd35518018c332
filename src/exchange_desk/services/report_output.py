"""Reports as PDF files: drawn by `documents/`, written whole or not at all.

Characters no font has are named with the report before anything is written, as for
certificates.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from exchange_desk.documents.fonts import MissingGlyphs
from exchange_desk.domain.reports import Report
from exchange_desk.services.output import (
    DocumentProblem,
    checked_target,
    no_font_message,
    write_whole,
)

# Reports' problems are the documents' problems: one kind of error for the callers.
ReportProblem = DocumentProblem


def report_pdf(report: Report, *, progress: Callable[[int, int], None] | None = None) -> bytes:
    """The report as PDF bytes. `progress(page, pages)` is called for every page laid out
    (`pages` 0: not known yet) and then drawn; it may raise to cancel."""
    from exchange_desk.documents.report_pdf import render_report

    try:
        return render_report(report, progress=progress)
    except MissingGlyphs as error:
        raise ReportProblem(
            no_font_message(report.record_label or report.title, error.listing())
        ) from None


def write_report(
    report: Report, target: Path, *, progress: Callable[[int, int], None] | None = None
) -> Path:
    """Draw the report and write it to `target` (".pdf" added if missing), under a
    temporary name first, so a cancelled or failed report leaves no half file."""
    target = checked_target(target)
    return write_whole(target, report_pdf(report, progress=progress))
