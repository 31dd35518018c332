"""Numbers and files never disagree: a certificate's file is in place and its number
registered, or neither. A full disk, a failed render, write, flush, commit or rename, a
cancel or a kill leave no file (temporary or not) and no number, and the next certificate
takes the number that was not used. Batches leave out awards the home city received, name
every record that cannot be drawn at once, and number many awards in one go, safely when
desks issue at the same time. A print job that fails after the commit is logged as failed.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import SessionTransaction

from exchange_desk.documents.certificates import CertificateRenderer
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import Design, LanguageMode, Orientation, RecipientKind
from exchange_desk.domain.errors import ExchangeDeskError
from exchange_desk.domain.records import Award, City
from exchange_desk.services import certificate_issue, certificate_register, output
from exchange_desk.services.certificate_content import CertificateProblem
from exchange_desk.services.certificate_issue import (
    issue_certificate_pdf,
    mark_printing_failed,
    print_batch,
)
from exchange_desk.services.certificate_register import (
    certificate_for_award,
    issue_many,
    register,
)
from exchange_desk.services.output import DocumentProblem, clean_partials, partial_path
from exchange_desk.services.records import create
from exchange_desk.storage import models as m
from exchange_desk.storage.database import Database

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

EN = LanguageMode.EN
FORMAL, LANDSCAPE = Design.FORMAL, Orientation.LANDSCAPE
AWARDS_2018 = [4, 5, 3, 1, 6]  # the demo's 2018 awards the office certifies, in date order
RECEIVED = 2  # the demo's award Jinan (the home city) received
CHOIR = 3


def _counts(database: Database) -> tuple[int, int]:
    with database.reading() as session:
        certificates = session.scalar(select(func.count()).select_from(m.CertificateRow))
        printings = session.scalar(select(func.count()).select_from(m.CertificatePrintingRow))
    return certificates or 0, printings or 0


def _left_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def _full_disk(*_args: Any) -> int:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _single(database: Database, target: Path, award_id: int = CHOIR) -> Any:
    return issue_certificate_pdf(database, award_id, EN, FORMAL, LANDSCAPE, "li", target=target)


def _batch(database: Database, target: Path, *, each: bool = False, **kwargs: Any) -> Any:
    return print_batch(
        database, AWARDS_2018, EN, FORMAL, LANDSCAPE, "li", target, one_file_each=each, **kwargs
    )


# --- a failure at each step leaves no file and no number --------------------------------------


def _fail_render(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> bytes:
        raise CertificateProblem("the renderer broke")

    monkeypatch.setattr(CertificateRenderer, "render", broken)
    monkeypatch.setattr(certificate_issue, "render_contents", broken)


def _fail_write(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output.os, "write", _full_disk)


def _fail_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output.os, "fsync", _full_disk)


def _fail_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(self: Any) -> None:
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(SessionTransaction, "commit", refused)


def _fail_rename(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(source: Any, target: Any) -> None:
        raise OSError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(output.os, "replace", refused)


STEPS = {
    "render": _fail_render,
    "write": _fail_write,
    "fsync": _fail_fsync,
    "commit": _fail_commit,
    "rename": _fail_rename,
}


@pytest.mark.parametrize("step", list(STEPS))
def test_a_single_certificate_failing_at_any_step_leaves_no_file_and_no_number(
    demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with monkeypatch.context() as patched:
        STEPS[step](patched)
        with pytest.raises((DocumentProblem, ExchangeDeskError)) as caught:
            _single(demo_db, folder / "choir.pdf")
    assert _left_in(folder) == []
    assert certificate_for_award(demo_db, CHOIR) is None
    assert _counts(demo_db) == (0, 0)
    if step == "write":
        assert "No space left on device" in caught.value.user_message()
    if step == "rename":
        assert "taken back out of the register" in caught.value.user_message()
    # The number that was not used is the next certificate's.
    issued = _single(demo_db, folder / "choir.pdf")
    assert issued.numbers == ("JN-2018-0001",)
    assert _left_in(folder) == ["choir.pdf"]


@pytest.mark.parametrize("each", [False, True], ids=["combined", "each"])
@pytest.mark.parametrize("step", list(STEPS))
def test_a_batch_failing_at_any_step_leaves_no_file_and_no_number(
    demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str, each: bool
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / ("each" if each else "all.pdf")
    with monkeypatch.context() as patched:
        STEPS[step](patched)
        with pytest.raises((DocumentProblem, ExchangeDeskError)):
            _batch(demo_db, target, each=each)
    assert _left_in(folder) == []
    assert _counts(demo_db) == (0, 0)
    result = _batch(demo_db, target, each=each)
    assert sorted(result.numbers) == [f"JN-2018-000{n}" for n in range(1, 6)]
    assert len(result.files) == (5 if each else 1)
    assert all(path.is_file() for path in result.files)


def test_a_rename_failing_halfway_keeps_what_was_put_in_place(
    demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One file per recipient: the files renamed before the failure keep their numbers;
    the others' numbers are taken back. Every file on disk is registered, every number
    registered has its file."""
    real = os.replace
    renamed: list[str] = []

    def third_refused(source: Any, target: Any) -> None:
        if len(renamed) == 2:
            raise OSError(errno.EACCES, os.strerror(errno.EACCES))
        renamed.append(Path(target).name)
        real(source, target)

    monkeypatch.setattr(output.os, "replace", third_refused)
    folder = tmp_path / "each"
    with pytest.raises(DocumentProblem, match="taken back"):
        _batch(demo_db, folder, each=True)
    on_disk = _left_in(folder)
    assert on_disk == sorted(renamed)
    registered = sorted(entry.certificate.number for entry in register(demo_db))
    assert registered == sorted(name.split(" ", 1)[0] for name in on_disk)
    assert _counts(demo_db) == (2, 2)


def test_a_register_that_cannot_be_corrected_says_which_numbers_have_no_file(
    demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fail_rename(monkeypatch)

    def unreachable(*_args: Any) -> None:
        raise OperationalError("DELETE", {}, Exception("server closed the connection"))

    monkeypatch.setattr(certificate_issue, "undo_issue", unreachable)
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(DocumentProblem) as caught:
        _single(demo_db, folder / "choir.pdf")
    assert "JN-2018-0001" in caught.value.user_message()
    assert "Print them again" in caught.value.user_message()
    assert _left_in(folder) == []


# --- a really full disk ------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 200 KB tmpfs (root only); skipped where it cannot be mounted."""
    folder = tmp_path / "small"
    folder.mkdir()
    if not sys.platform.startswith("linux") or shutil.which("mount") is None:
        pytest.skip("tmpfs needs Linux")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def _fill(descriptor: int) -> None:
    while True:
        os.write(descriptor, b"\0" * 4096)


def test_a_really_full_disk_leaves_no_file_and_no_number(
    demo_db: Database, small_disk: Path
) -> None:
    # Fill the disk but for a few kilobytes: no certificate fits.
    filler = small_disk / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        with pytest.raises(OSError, match="No space left"):
            _fill(descriptor)
    finally:
        os.close(descriptor)
    with pytest.raises(DocumentProblem, match="No space left"):
        _single(demo_db, small_disk / "choir.pdf")
    with pytest.raises(DocumentProblem, match="No space left"):
        _batch(demo_db, small_disk / "each", each=True)
    with pytest.raises(DocumentProblem, match="No space left"):
        _batch(demo_db, small_disk / "all.pdf")
    assert _left_in(small_disk) == ["filler"]
    assert _counts(demo_db) == (0, 0)
    filler.unlink()
    assert _single(demo_db, small_disk / "choir.pdf").numbers == ("JN-2018-0001",)


def test_one_file_each_filling_the_disk_midway_leaves_nothing(
    demo_db: Database, small_disk: Path
) -> None:
    """200 KB take a file or two, not five: the batch fails midway, nothing is left."""
    with pytest.raises(DocumentProblem, match="No space left"):
        print_batch(
            demo_db,
            AWARDS_2018 * 4,
            LanguageMode.ZH_EN_HE,
            FORMAL,
            LANDSCAPE,
            "li",
            small_disk / "each",
            one_file_each=True,
        )
    assert _left_in(small_disk) == []
    assert _counts(demo_db) == (0, 0)


# --- a kill leaves temporary files that the next run removes ----------------------------------


KILLED = r"""
import os, signal, sys
from pathlib import Path
from exchange_desk.services.output import stage
stage(Path(sys.argv[1]) / "JN-2018-0001 Kfar Saba choir.pdf", b"%PDF-1.3 half")
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_the_next_run_removes_what_a_killed_run_left(demo_db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "each"
    folder.mkdir()
    killed = subprocess.run([sys.executable, "-c", KILLED, str(folder)], check=False)
    assert killed.returncode == -9
    [left] = _left_in(folder)
    assert left.endswith(".partial")
    # A run still writing (this process) keeps its own; a file merely named alike stays.
    ours = partial_path(folder / "mine.pdf")
    ours.write_bytes(b"in progress")
    (folder / "notes.partial").write_bytes(b"not ours")
    assert clean_partials(folder) == [folder / left]
    ours.unlink()
    result = _batch(demo_db, folder, each=True)
    assert _left_in(folder) == sorted([path.name for path in result.files] + ["notes.partial"])


def test_a_cancelled_batch_leaves_no_partial_and_no_folder(
    demo_db: Database, tmp_path: Path
) -> None:
    from exchange_desk.ui.workers import Cancelled

    def cancel_at_third(done: int, total: int) -> bool:
        if done == 3:
            raise Cancelled
        return True

    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(Cancelled):
        _batch(demo_db, folder / "each", each=True, progress=cancel_at_third)
    assert _left_in(folder) == []
    assert _counts(demo_db) == (0, 0)


# --- what a batch prints -----------------------------------------------------------------------


def test_a_batch_skips_what_our_city_received_and_says_so(
    demo_db: Database, tmp_path: Path
) -> None:
    result = print_batch(
        demo_db, [RECEIVED, *AWARDS_2018], EN, FORMAL, LANDSCAPE, "li", tmp_path / "all.pdf"
    )
    [(award_id, title)] = result.skipped
    assert award_id == RECEIVED
    assert "Sino-Japan-South Korea" in title
    assert len(result.numbers) == len(AWARDS_2018)
    assert certificate_for_award(demo_db, RECEIVED) is None
    with pytest.raises(CertificateProblem, match="received all of these awards"):
        print_batch(demo_db, [RECEIVED], EN, FORMAL, LANDSCAPE, "li", tmp_path / "none.pdf")


def test_a_single_award_our_city_received_takes_no_number(
    demo_db: Database, tmp_path: Path
) -> None:
    with pytest.raises(CertificateProblem, match="received by our city"):
        _single(demo_db, tmp_path / "received.pdf", RECEIVED)
    assert not (tmp_path / "received.pdf").exists()
    assert _counts(demo_db) == (0, 0)


def test_a_batch_names_every_record_that_cannot_be_drawn(demo_db: Database, tmp_path: Path) -> None:
    city = create(demo_db, City(name_en="Hadera", country="IL")).id
    bad = [
        create(
            demo_db,
            Award(
                title_en=f"Emoji Award {n}",
                awarded_on=PartialDate(2018, 12),
                recipient_kind=RecipientKind.CITY,
                recipient_city_id=city,
                citation_en=f"For the party {'🎉' * n}",
            ),
        ).id
        for n in (1, 2)
    ]
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(CertificateProblem) as caught:
        print_batch(demo_db, [*AWARDS_2018, *bad], EN, FORMAL, LANDSCAPE, "li", folder / "all.pdf")
    message = caught.value.user_message()
    assert "award “Emoji Award 1”" in message  # by their titles, never their numbers
    assert "award “Emoji Award 2”" in message
    assert _counts(demo_db) == (0, 0)
    assert _left_in(folder) == []


def test_to_a_printer_nothing_is_written_and_a_failure_is_logged(
    demo_db: Database, tmp_path: Path
) -> None:
    result = print_batch(demo_db, AWARDS_2018, EN, FORMAL, LANDSCAPE, "li", None)
    assert result.files == ()
    assert result.data is not None
    assert result.data.startswith(b"%PDF")
    assert len(result.printing_ids) == len(AWARDS_2018)
    mark_printing_failed(demo_db, result.printing_ids)
    entries = register(demo_db)
    assert [p.failed for e in entries for p in e.printings] == [True] * len(AWARDS_2018)
    # The numbers stay; printing them again is their first printing, not a reprint.
    again = print_batch(demo_db, AWARDS_2018, EN, FORMAL, LANDSCAPE, "li", None)
    assert sorted(again.numbers) == sorted(result.numbers)
    assert again.reprints == 0


# --- the failed printing in the register -------------------------------------------------------


def test_a_failed_reprint_is_not_counted_and_the_register_shows_it(
    qtbot: Any, demo_db: Database
) -> None:
    from exchange_desk.ui.register_dialog import CertificateRegisterDialog

    first = issue_certificate_pdf(demo_db, CHOIR, EN, FORMAL, LANDSCAPE, "li")
    again = issue_certificate_pdf(demo_db, CHOIR, EN, FORMAL, LANDSCAPE, "dana")
    assert again.reprints == 1
    mark_printing_failed(demo_db, again.printing_ids)
    mark_printing_failed(demo_db, again.printing_ids)  # twice: still one failure
    stored = certificate_for_award(demo_db, CHOIR)
    assert stored is not None
    assert stored.reprints == 0
    [entry] = register(demo_db)
    assert [(p.printed_by, p.is_reprint, p.failed) for p in entry.printings] == [
        ("li", False, False),
        ("dana", True, True),
    ]
    assert first.numbers == again.numbers
    dialog = CertificateRegisterDialog(demo_db, award_id=CHOIR)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.read_once, timeout=20_000)  # read off the GUI thread
    rows = dialog.shown_printings()
    assert rows[0][-1] == "first print"
    assert rows[1][-1] == "failed, not printed"


def test_the_certificate_dialog_logs_a_printer_failure(
    qtbot: Any, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from exchange_desk.ui import certificate_dialog
    from exchange_desk.ui.certificate_dialog import CertificateDialog

    def jammed(*_args: Any, **_kwargs: Any) -> int:
        raise OSError("The printer could not be started.")

    warnings: list[str] = []
    monkeypatch.setattr(certificate_dialog, "print_pdf", jammed)
    monkeypatch.setattr(
        certificate_dialog.QMessageBox,
        "warning",
        lambda _parent, _title, text: warnings.append(text),
    )
    dialog = CertificateDialog(demo_db, CHOIR)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview_ready, timeout=20_000)
    # Issued and printed off the GUI thread; `printed` says how many pages made it.
    with qtbot.waitSignal(dialog.printed, timeout=30_000) as printed:
        dialog.print_certificate(ask=False)
    assert printed.args == [0]
    assert "logs this printing as failed" in warnings[-1]
    [entry] = register(demo_db)
    assert [p.failed for p in entry.printings] == [True]
    from PySide6.QtCore import QThreadPool

    assert QThreadPool.globalInstance().waitForDone(30_000)


@pytest.mark.parametrize("jammed", [False, True], ids=["printed", "jammed"])
def test_the_batch_dialog_prints_without_a_file_and_logs_a_jam(
    qtbot: Any, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jammed: bool
) -> None:
    from PySide6.QtPrintSupport import QPrinter

    from exchange_desk.ui import batch_dialog
    from exchange_desk.ui.batch_dialog import BatchCertificatesDialog

    monkeypatch.setattr(batch_dialog.QMessageBox, "open", lambda box: None)
    if jammed:

        def jam(*_args: Any, **_kwargs: Any) -> int:
            raise OSError("The printer could not be started.")

        monkeypatch.setattr(batch_dialog, "print_pdf", jam)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "paper.pdf"))
    dialog = BatchCertificatesDialog(demo_db, year=2018)
    qtbot.addWidget(dialog)
    dialog.printer_choice.setChecked(True)
    dialog.start(printer=printer)
    qtbot.waitUntil(lambda: dialog.last_result is not None, timeout=30_000)
    qtbot.waitUntil(lambda: bool(dialog.last_notice), timeout=30_000)
    printings = [p for entry in register(demo_db) for p in entry.printings]
    assert len(printings) == len(AWARDS_2018)
    assert all(p.failed for p in printings) == jammed
    assert (tmp_path / "paper.pdf").exists() != jammed
    assert ("logs these printings as failed" in dialog.last_notice) == jammed
    # No file on the way to the printer (there used to be one in the last folder used).
    folder = Path(str(batch_dialog.QSettings().value("certificate/folder", str(Path.home()))))
    assert not (folder / ".exchange-desk-print.pdf").exists()


# --- many at once ------------------------------------------------------------------------------


def _awards(database: Database, count: int, year: int = 2030) -> list[int]:
    city = create(database, City(name_en=f"Town {year}", country="IL")).id
    return [
        create(
            database,
            Award(
                title_en=f"Award {n}",
                awarded_on=PartialDate(year, 1 + n % 12),
                recipient_kind=RecipientKind.CITY,
                recipient_city_id=city,
            ),
        ).id
        for n in range(count)
    ]


def test_a_batch_is_numbered_in_order_with_reprints_for_repeats(db: Database) -> None:
    awards = _awards(db, 6)
    issue_many(db, awards[:2], EN, "formal", "li")
    issued = issue_many(db, [awards[3], awards[0], awards[3], *awards[4:]], EN, "formal", "li")
    assert [(e.certificate.number, e.reprint, e.new) for e in issued] == [
        ("2030-0003", False, True),
        ("2030-0001", True, False),
        ("2030-0003", True, False),
        ("2030-0004", False, True),
        ("2030-0005", False, True),
    ]
    assert issued[2].certificate.reprints == 1
    assert len({e.printing_id for e in issued}) == 5


def test_a_race_lost_by_a_batch_numbers_it_again(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    awards = _awards(db, 4)
    issue_many(db, awards[:1], EN, "formal", "other desk")
    real = certificate_register._next_sequence
    calls: list[int] = []

    def stale_once(session: Any, pattern: str, year: int) -> int:
        calls.append(year)
        return 1 if len(calls) == 1 else real(session, pattern, year)

    monkeypatch.setattr(certificate_register, "_next_sequence", stale_once)
    issued = issue_many(db, awards[1:], EN, "formal", "this desk")
    assert [e.certificate.number for e in issued] == ["2030-0002", "2030-0003", "2030-0004"]
    assert calls == [2030, 2030]


def test_desks_issuing_at_once_never_share_a_number_or_an_award(db: Database) -> None:
    """Four threads (four desks) issue overlapping batches at the same moment: every award
    gets one certificate, every number is used once, and the numbers leave no gap."""
    awards = _awards(db, 40)
    batches = [awards[0:25], awards[15:40], awards[5:35], awards[::2]]
    errors: list[BaseException] = []
    start = threading.Barrier(len(batches))

    def desk(batch: list[int]) -> None:
        try:
            start.wait()
            issue_many(db, batch, EN, "formal", "desk")
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=desk, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    entries = register(db)
    assert sorted(e.certificate.award_id for e in entries) == sorted(awards)
    assert sorted(e.certificate.number for e in entries) == [f"2030-{n:04d}" for n in range(1, 41)]
    assert sum(len(e.printings) for e in entries) == sum(len(b) for b in batches)


def test_the_highest_number_is_found_among_many_and_odd_ones(db: Database) -> None:
    """The database finds the highest running number: padding changed since, numbers typed
    by hand, other years and other patterns do not confuse it."""
    awards = _awards(db, 8, year=2031)
    with db.unit_of_work() as session:
        for award_id, number in zip(
            awards[:7],
            ["2031-0009", "2031-10", "2031-0010A", "X2031-0099", "2030-0500", "2031-", "2031-0-1"],
            strict=True,
        ):
            session.add(
                m.CertificateRow(
                    number=number,
                    award_id=award_id,
                    language_mode=EN,
                    design="formal",
                    issued_on=dt.date(2031, 1, 1),
                    issued_by="",
                    reprints=0,
                )
            )
    [issued] = issue_many(db, awards[7:], EN, "formal", "li")
    assert issued.certificate.number == "2031-0011"


def test_numbers_padded_longer_than_the_highest_do_not_hide_it(db: Database) -> None:
    """More long numbers than are read first, all padded with zeros (the padding was wider
    once), and the highest is a short one: every number is then read."""
    awards = _awards(db, 72, year=2032)
    with db.unit_of_work() as session:
        for n, award_id in enumerate(awards[:71], start=1):
            number = f"2032-{n:06d}" if n <= 70 else "2032-99"
            session.add(
                m.CertificateRow(
                    number=number,
                    award_id=award_id,
                    language_mode=EN,
                    design="formal",
                    issued_on=dt.date(2032, 1, 1),
                    issued_by="",
                    reprints=0,
                )
            )
    [issued] = issue_many(db, awards[71:], EN, "formal", "li")
    assert issued.certificate.number == "2032-0100"
