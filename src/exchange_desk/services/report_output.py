"""Reports as PDF files: drawn by `documents/`, written whole or not at all.

Characters no font has are named with the report before anything is written, as for
certificates.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from exchange_desk.documents.fonts import MissingGlyphs
from exchange_desk.domain.errors import ExchangeDeskError
from exchange_desk.domain.reports import Report
from exchange_desk.i18n.catalog import _
from exchange_desk.services.certificate_content import writable_problem


class ReportProblem(ExchangeDeskError):
    """A report cannot be written as asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def user_message(self) -> str:
        return self.message


def report_pdf(report: Report, *, progress: Callable[[int, int], None] | None = None) -> bytes:
    """The report as PDF bytes. `progress(page, pages)` is called for every page laid out
    (`pages` 0: not known yet) and then drawn; it may raise to cancel."""
    from exchange_desk.documents.report_pdf import render_report

    try:
        return render_report(report, progress=progress)
    except MissingGlyphs as error:
        characters = ", ".join(f"{c} (U+{ord(c):04X})" for c in error.characters)
        raise ReportProblem(
            _(
                "{record}: no font on this computer has the characters {characters}. Nothing "
                "was written. Install a font that has them (on Windows, SimSun-ExtB has most "
                "rare Chinese characters) or change the text."
            ).format(record=report.record_label or report.title, characters=characters)
        ) from None


def write_report(
    report: Report, target: Path, *, progress: Callable[[int, int], None] | None = None
) -> Path:
    """Draw the report and write it to `target` (".pdf" added if missing), under a
    temporary name first, so a cancelled or failed report leaves no half file."""
    if target.suffix.lower() != ".pdf":
        target = target.with_name(target.name + ".pdf")
    problem = writable_problem(target)
    if problem:
        raise ReportProblem(problem)
    data = report_pdf(report, progress=progress)
    partial = target.with_name(target.name + ".partial")
    try:
        partial.write_bytes(data)
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ReportProblem(
            _("Cannot write {path}: {reason}").format(path=target, reason=exc.strerror or exc)
        ) from exc
    return target
