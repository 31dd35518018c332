"""Issuing certificates: the register and the files, so that they never disagree.

One rule for a single certificate and a batch. In one transaction the numbers are
registered, the certificates drawn and written under temporary names in the target's folder
and flushed to the disk; then the transaction commits, and only then are the files renamed
into place. A failure at any step before the commit (a character no font has, a full disk,
a cancel, a refused commit) rolls the register back and removes the temporary files: no
file and no number. A rename that fails after the commit (rare: the target was locked or
removed meanwhile) is compensated: what was registered for the files that could not be put
in place is taken back out of the register in a second transaction (see `undo_issue`), and
the message says so; files already in place keep their registered numbers.

A process killed between writing and renaming leaves hidden temporary files behind; the
next run into the same folder removes them (`output.clean_partials`).

Printing on paper has no file to rename: the certificate is issued and committed first,
then printed; a print job that fails afterwards is logged as failed with
`certificate_register.mark_printing_failed`, not as printed.

These functions commit their own transaction: called inside a caller's unit of work they
would rename the files before that caller commits, so they are not meant to be.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import String, select, type_coerce
from sqlalchemy.exc import SQLAlchemyError

from exchange_desk.documents.certificates import CancelledError, CertificateRenderer
from exchange_desk.documents.fonts import MissingGlyphs
from exchange_desk.domain.certificates import CertificateContent
from exchange_desk.domain.enums import AwardRole, Design, LanguageMode, Orientation
from exchange_desk.domain.errors import ExchangeDeskError
from exchange_desk.i18n.catalog import _
from exchange_desk.services.certificate_content import (
    CertificateProblem,
    _content,
    _drawing_problems,
    _issued_content,
    _missing_message,
    _office_parts,
    award_role,
    award_titles,
    bodies_of,
    render_contents,
)
from exchange_desk.services.certificate_register import (
    Issued,
    issue_many,
    mark_printing_failed,
    undo_issue,
)
from exchange_desk.services.changes import Changes
from exchange_desk.services.output import (
    DocumentProblem,
    checked_target,
    clean_partials,
    discard,
    put_in_place,
    stage,
)
from exchange_desk.services.records import get_listed_many, get_record
from exchange_desk.storage import models as m

if TYPE_CHECKING:
    from exchange_desk.storage.database import Database

__all__ = [
    "BatchResult",
    "CancelledError",
    "IssuedPdf",
    "awards_for_batch",
    "issue_certificate_pdf",
    "mark_printing_failed",
    "print_batch",
    "record_printing_failed",
]


@dataclass(frozen=True, slots=True)
class IssuedPdf:
    """A certificate issued (or reprinted): its PDF, its number, whether it was a reprint,
    its line in the printing log (to mark it failed if the printer fails), and the file it
    was written to, if any."""

    data: bytes
    numbers: tuple[str, ...]
    reprints: int = 0
    printing_ids: tuple[int, ...] = ()
    path: Path | None = None
    changes: Changes = field(default_factory=Changes)


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What a batch printed: its files (none when the PDF goes to a printer: `data`), the
    numbers, how many were reprints, the printing log's lines, and the awards left out
    because the home city received them (id and title)."""

    files: tuple[Path, ...]
    numbers: tuple[str, ...]
    reprints: int
    skipped: tuple[tuple[int, str], ...] = ()
    printing_ids: tuple[int, ...] = ()
    data: bytes | None = None
    changes: Changes = field(default_factory=Changes)


@dataclass(slots=True)
class _Output:
    """A file to put in place, the printings it carries, and once written, where."""

    path: Path
    entries: list[Issued]
    partial: Path | None = None


def _write_committed(
    database: Database,
    work: Callable[[Callable[[_Output, bytes], None]], list[Issued]],
) -> tuple[list[Issued], list[_Output]]:
    """Run `work` in one transaction; it registers, draws, and hands each file's bytes to
    the `write` it is given, which stages them. After the commit the staged files are
    renamed into place. See the module's doc for what each failure leaves."""
    outputs: list[_Output] = []

    def write(output: _Output, data: bytes) -> None:
        outputs.append(output)
        output.partial = stage(output.path, data)

    try:
        with database.unit_of_work():
            issued = work(write)
    except BaseException:
        for output in outputs:
            if output.partial is not None:
                discard(output.partial)
        raise
    for index, output in enumerate(outputs):
        assert output.partial is not None
        try:
            put_in_place(output.partial, output.path)
        except DocumentProblem as problem:
            left = outputs[index:]
            for unplaced in left:
                if unplaced.partial is not None:
                    discard(unplaced.partial)
            _take_back(database, [entry for out in left for entry in out.entries], problem)
    return issued, outputs


def _take_back(database: Database, entries: list[Issued], problem: DocumentProblem) -> None:
    """Compensate for files that could not be put in place after the commit: take their
    printings (and numbers new with them) back out of the register; always raises."""
    try:
        undo_issue(database, entries)
    except (ExchangeDeskError, SQLAlchemyError, OSError):
        numbers = ", ".join(dict.fromkeys(entry.certificate.number for entry in entries))
        raise DocumentProblem(
            _(
                "{problem} The register could not be corrected: {numbers} stay registered "
                "without a file. Print them again to write their files."
            ).format(problem=problem.message, numbers=numbers)
        ) from problem
    raise DocumentProblem(
        _("{problem} What could not be written was taken back out of the register.").format(
            problem=problem.message
        )
    ) from problem


# --- one certificate -------------------------------------------------------------------------


def issue_certificate_pdf(
    database: Database,
    award_id: int,
    mode: LanguageMode,
    design: Design,
    orientation: Orientation,
    issued_by: str,
    renderer: CertificateRenderer | None = None,
    *,
    text_only: bool = False,
    target: Path | None = None,
) -> IssuedPdf:
    """Register, draw and (with `target`) write the award's certificate: a first print takes
    the next number, a reprint reuses it.

    With `target` (".pdf" added if missing) the file is in place and the register committed,
    or neither (see the module's doc). Without it the register is committed and the PDF
    returned, for a printer: if that then fails, pass `printing_ids` to
    `mark_printing_failed`. If the certificate cannot be drawn (characters no font has, an
    award the home city received), nothing is registered.
    """
    renderer = renderer or CertificateRenderer(text_only=text_only)
    if target is not None:
        target = checked_target(target)
        clean_partials(target.parent)
    drawn: list[bytes] = []

    def work(write: Callable[[_Output, bytes], None]) -> list[Issued]:
        issued = issue_many(database, [award_id], mode, design.value, issued_by)
        content = _issued_content(database, issued[0].certificate, mode, _office_parts(database))
        data = render_contents([content], design, orientation, renderer=renderer)
        drawn.append(data)
        if target is not None:
            write(_Output(target, issued), data)
        return issued

    [issued], _outputs = _write_committed(database, work)
    return IssuedPdf(
        drawn[0],
        (issued.certificate.number,),
        int(issued.reprint),
        (issued.printing_id,),
        target,
        _issued_changes([issued]),
    )


def _issued_changes(issued: Sequence[Issued]) -> Changes:
    """The register's certificates that issuing created (a first number) or changed (a
    reprint logged)."""
    created = {entry.certificate.id for entry in issued if entry.new}
    updated = {entry.certificate.id for entry in issued} - created
    return Changes.of(
        created={"certificates": {i for i in created if i is not None}},
        updated={"certificates": {i for i in updated if i is not None}},
    )


def record_printing_failed(database: Database, printing_ids: Sequence[int]) -> Changes:
    """Log the printings as failed (issued, but the printer broke: see
    `certificate_register.mark_printing_failed`); the certificates whose log changed."""
    if not printing_ids:
        return Changes()
    printing = m.CertificatePrintingRow
    with database.unit_of_work() as session:
        certificates = set(
            session.scalars(
                select(printing.certificate_id).where(printing.id.in_(list(printing_ids)))
            )
        )
        mark_printing_failed(database, printing_ids)  # joins this transaction
    return Changes.of(updated={"certificates": certificates})


# --- batches ---------------------------------------------------------------------------------


def awards_for_batch(
    database: Database, *, year: int | None = None, conference_id: int | None = None
) -> list[int]:
    """The awards of a year and/or a conference, in date order."""
    if year is None and conference_id is None:
        raise CertificateProblem(_("Choose a year or a conference."))
    if conference_id is not None:
        get_record(database, "conferences", conference_id)  # NotFound if unknown
    award = m.AwardRow
    query = select(award.id).order_by(award.awarded_on, award.id)
    if conference_id is not None:
        query = query.where(award.conference_id == conference_id)
    if year is not None:
        # Partial dates are stored as ISO prefixes: "2018", "2018-11" or "2018-11-16".
        query = query.where(type_coerce(award.awarded_on, String).like(f"{year:04d}%"))
    with database.reading() as session:
        return list(session.scalars(query))


def _check_all(
    renderer: CertificateRenderer, contents: Sequence[CertificateContent], design: Design
) -> None:
    """Every certificate that cannot be drawn, in one CertificateProblem (one paragraph
    each)."""
    problems = []
    with _drawing_problems():
        for content in contents:
            try:
                renderer.check(content, design)
            except MissingGlyphs as error:
                problems.append(_missing_message(error))
    if problems:
        raise CertificateProblem("\n\n".join(problems))


def print_batch(
    database: Database,
    award_ids: Sequence[int],
    mode: LanguageMode,
    design: Design,
    orientation: Orientation,
    issued_by: str,
    target: Path | None,
    *,
    one_file_each: bool = False,
    progress: Callable[[int, int], bool] | None = None,
    text_only: bool = False,
) -> BatchResult:
    """Certificates for many awards: one combined PDF at `target`, one file per recipient
    in the folder `target`, or (`target` None) one PDF returned in the result for a printer.
    `progress(done, total)` returning False cancels.

    Awards the home city received are not the office's to certify: they are left out and
    listed in `skipped`. The batch is one transaction: if any certificate cannot be drawn
    (all of those are named at once), the disk is full or the person cancels, no number is
    registered and no file is left behind (see the module's doc).
    """
    if not award_ids:
        raise CertificateProblem(_("There are no awards to print."))
    if target is not None:
        # The path written is the one checked: "all" becomes "all.pdf", as for a single one.
        target = checked_target(target, folder=one_file_each)
        folder = target if one_file_each else target.parent
        if folder.is_dir():
            clean_partials(folder)
    unique = list(dict.fromkeys(award_ids))
    listings = get_listed_many(database, "awards", unique)
    office = _office_parts(database)
    home = office.profile.home_city_id
    received = {
        award_id
        for award_id in unique
        if award_role(listings[award_id].record, home) is AwardRole.RECEIVED
    }
    skipped = tuple(
        (award_id, award_titles(listings[award_id].record).best()) for award_id in sorted(received)
    )
    wanted = [award_id for award_id in award_ids if award_id not in received]
    if not wanted:
        raise CertificateProblem(
            _(
                "Our city received all of these awards: their givers certify them. Nothing "
                "was printed."
            )
        )
    bodies = bodies_of(database, [listings[a].record for a in unique if a not in received])
    renderer = CertificateRenderer(text_only=text_only)
    total = len(wanted)
    made_folder = False
    pdfs: list[bytes] = []

    def step(done: int) -> bool:
        return progress is None or progress(done, total)

    def work(write: Callable[[_Output, bytes], None]) -> list[Issued]:
        nonlocal made_folder
        issued = issue_many(database, wanted, mode, design.value, issued_by)
        contents = [
            _content(
                listings[entry.certificate.award_id],
                mode,
                office,
                entry.certificate.number,
                entry.certificate.issued_on,
                bodies,
            )
            for entry in issued
        ]
        if target is None:
            pdfs.append(_render(renderer, contents, design, orientation, step, contents))
        elif one_file_each:
            if not target.is_dir():
                target.mkdir(parents=True)
                made_folder = True
            for done, (entry, content) in enumerate(zip(issued, contents, strict=True), 1):
                data = _render(renderer, [content], design, orientation, None, contents)
                name = f"{_safe(content.number)} {_safe(content.sides[0].recipient)}.pdf"
                write(_Output(target / name, [entry]), data)
                if not step(done):
                    raise CancelledError
        else:
            data = _render(renderer, contents, design, orientation, step, contents)
            write(_Output(target, issued), data)
        return issued

    try:
        issued, outputs = _write_committed(database, work)
    except BaseException:
        if made_folder and target is not None:
            with contextlib.suppress(OSError):
                target.rmdir()  # only if empty: it was made for this batch
        raise
    return BatchResult(
        files=tuple(output.path for output in outputs),
        numbers=tuple(entry.certificate.number for entry in issued),
        reprints=sum(entry.reprint for entry in issued),
        skipped=skipped,
        printing_ids=tuple(entry.printing_id for entry in issued),
        data=pdfs[0] if pdfs else None,
        changes=_issued_changes(issued),
    )


def _render(
    renderer: CertificateRenderer,
    contents: Sequence[CertificateContent],
    design: Design,
    orientation: Orientation,
    step: Callable[[int], bool] | None,
    batch: Sequence[CertificateContent],
) -> bytes:
    """Draw `contents` (part of `batch`). The renderer checks what it draws; when a
    certificate cannot be drawn, the whole batch is checked, to name every such record in
    one message rather than one per attempt."""
    with _drawing_problems():
        try:
            return renderer.render(contents, design, orientation, progress=step)
        except MissingGlyphs:
            _check_all(renderer, batch, design)
            raise


def _safe(text: str) -> str:
    """A file-name-safe piece of text (Windows forbids <>:"/\\|?* and trailing dots)."""
    cleaned = re.sub(r'[<>:"/\\|?*\x00-\x1f]+', "_", text).strip(" .")
    return cleaned[:60] or "certificate"
