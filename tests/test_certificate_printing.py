"""Certificates from the demo database: the service, the command line, the dialogs and the
printer (QPrinter in PDF mode, offscreen)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from pdfminer.high_level import extract_text
from pypdf import PdfReader
from PySide6.QtCore import QThreadPool
from PySide6.QtPrintSupport import QPrinter

from exchange_desk.cli import EXIT_REFUSED, EXIT_USAGE, main
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import Design, LanguageMode, Orientation
from exchange_desk.domain.errors import NotFound
from exchange_desk.domain.records import Award
from exchange_desk.services import records
from exchange_desk.services.certificate_content import (
    CertificateProblem,
    certificate_content,
    preview_pdf,
)
from exchange_desk.services.certificate_issue import (
    awards_for_batch,
    issue_certificate_pdf,
    print_batch,
)
from exchange_desk.services.certificate_register import certificate_for_award, register
from exchange_desk.storage.database import Database, open_database
from exchange_desk.ui.workers import Cancelled

# The offscreen platform's complaint when a window is shown; harmless.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

KFAR_SABA_AWARD = 1  # the demo's award at the 2018 conference in Wuhan
CHOIR_AWARD = 3  # conferred by the office itself: it carries the office's seal
RECEIVED_AWARD = 2  # received by Jinan, the demo's home city: not the office's to certify
ISSUED_IN_2018 = 5  # the demo's awards of 2018, less the one Jinan received


def pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def text_of(data: bytes) -> str:
    return extract_text(io.BytesIO(data))


@pytest.fixture
def demo_path(demo_file: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "certificates.sqlite"
    shutil.copyfile(demo_file, copy)
    return copy


def rare_award(database: Database) -> int:
    """An award whose Chinese citation has characters no font has (emoji)."""
    city = records.get_record(database, "awards", KFAR_SABA_AWARD)
    award = Award(
        title_en="Friendship Award",
        title_zh="友谊奖",
        awarded_on=PartialDate(2018, 12),
        recipient_kind=city.recipient_kind,
        recipient_city_id=city.recipient_city_id,
        citation_zh="授予吉田先生🎉",
    )
    created = records.create(database, award)
    assert created.id is not None
    return created.id


# --- the service ---------------------------------------------------------------------------


def test_the_content_comes_from_the_award_and_the_office_profile(demo_db: Database) -> None:
    content = certificate_content(demo_db, KFAR_SABA_AWARD, LanguageMode.ZH_EN_HE)
    zh, en, he = content.sides
    assert (zh.title, en.title, he.title) == ("荣誉证书", "Certificate of Honor", "תעודת הוקרה")
    assert "克法尔萨巴" in zh.recipient
    assert "Kfar Saba" in en.recipient
    assert "כפר סבא" in he.recipient
    assert "2018年11月" in zh.place_and_date
    assert en.place_and_date.endswith("November 2018")
    assert "נובמבר 2018" in he.place_and_date
    assert content.number == "JN-2018-0001"  # what issuing would assign; nothing reserved
    assert certificate_for_award(demo_db, KFAR_SABA_AWARD) is None


def test_issuing_registers_and_a_reprint_reuses_the_number(demo_db: Database) -> None:
    first = issue_certificate_pdf(
        demo_db, KFAR_SABA_AWARD, LanguageMode.ZH_EN, Design.FORMAL, Orientation.LANDSCAPE, "li"
    )
    again = issue_certificate_pdf(
        demo_db, KFAR_SABA_AWARD, LanguageMode.HE_EN, Design.MODERN, Orientation.PORTRAIT, "dana"
    )
    assert first.numbers == again.numbers == ("JN-2018-0001",)
    assert (first.reprints, again.reprints) == (0, 1)
    assert "JN-2018-0001" in text_of(again.data)
    (entry,) = register(demo_db)
    assert entry.certificate.reprints == 1
    assert [(p.printed_by, p.is_reprint) for p in entry.printings] == [
        ("li", False),
        ("dana", True),
    ]


def test_a_character_no_font_has_stops_printing_and_leaves_the_register_alone(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXCHANGE_DESK_FONT_DIRS", "")
    import exchange_desk.documents.fonts as fonts

    monkeypatch.setattr(fonts, "_shared", None)
    award_id = rare_award(demo_db)
    with pytest.raises(CertificateProblem) as caught:
        issue_certificate_pdf(
            demo_db, award_id, LanguageMode.ZH, Design.FORMAL, Orientation.LANDSCAPE, "li"
        )
    message = caught.value.user_message()
    assert "🎉" in message
    assert "award “Friendship Award”" in message  # by its title, never its number
    assert "citation (Chinese)" in message
    assert certificate_for_award(demo_db, award_id) is None
    # Without the Chinese side the same award prints.
    data = preview_pdf(demo_db, award_id, LanguageMode.EN, Design.FORMAL, Orientation.PORTRAIT)
    assert pages(data) == 1


def test_a_broken_seal_image_is_named_and_nothing_is_registered(demo_db: Database) -> None:
    from dataclasses import replace

    from exchange_desk.services.attachments import attach
    from exchange_desk.services.office import office_profile, save_office_profile

    broken = attach(
        demo_db, "office", 1, "seal.png", b"\x89PNG but not really", media_type="image/png"
    )
    save_office_profile(demo_db, replace(office_profile(demo_db), seal_attachment_id=broken.id))
    with pytest.raises(CertificateProblem, match="seal image cannot be read"):
        issue_certificate_pdf(
            demo_db, CHOIR_AWARD, LanguageMode.EN, Design.FORMAL, Orientation.LANDSCAPE, "li"
        )
    assert certificate_for_award(demo_db, CHOIR_AWARD) is None


def test_a_batch_is_one_transaction_and_cancelling_registers_nothing(
    demo_db: Database, tmp_path: Path
) -> None:
    award_ids = awards_for_batch(demo_db, year=2018)
    assert len(award_ids) == ISSUED_IN_2018 + 1
    seen: list[int] = []

    def cancel_after_first(done: int, total: int) -> bool:
        seen.append(done)
        if done >= 1:
            raise Cancelled
        return True

    with pytest.raises(Cancelled):
        print_batch(
            demo_db,
            award_ids,
            LanguageMode.ZH_EN_HE,
            Design.FORMAL,
            Orientation.LANDSCAPE,
            "li",
            tmp_path / "all.pdf",
            progress=cancel_after_first,
        )
    assert register(demo_db) == []
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(Cancelled):
        print_batch(
            demo_db,
            award_ids,
            LanguageMode.EN,
            Design.FORMAL,
            Orientation.LANDSCAPE,
            "li",
            out / "each",
            one_file_each=True,
            progress=cancel_after_first,
        )
    assert not list(out.iterdir())
    assert register(demo_db) == []
    result = print_batch(
        demo_db,
        award_ids,
        LanguageMode.ZH_EN_HE,
        Design.FORMAL,
        Orientation.LANDSCAPE,
        "li",
        out / "all.pdf",
    )
    assert result.files == (out / "all.pdf",)
    assert pages((out / "all.pdf").read_bytes()) == ISSUED_IN_2018
    assert sorted(result.numbers) == [f"JN-2018-000{n}" for n in range(1, ISSUED_IN_2018 + 1)]
    # The award Jinan received is left out, and said so.
    assert [award_id for award_id, _title in result.skipped] == [RECEIVED_AWARD]
    # A combined file named without ".pdf" is written where it was checked: with ".pdf".
    again = print_batch(
        demo_db,
        award_ids,
        LanguageMode.EN,
        Design.FORMAL,
        Orientation.LANDSCAPE,
        "li",
        out / "again",
    )
    assert again.files == (out / "again.pdf",)
    assert (out / "again.pdf").is_file()
    assert not (out / "again").exists()


def test_issuing_and_batches_on_each_database(db: Database, tmp_path: Path) -> None:
    """The same register and batch on SQLite and, when a server is given, PostgreSQL."""
    from exchange_desk.services.demo import fill_demo

    fill_demo(db)
    award_ids = awards_for_batch(db, year=2018)
    first = print_batch(
        db,
        award_ids,
        LanguageMode.ZH_EN,
        Design.FORMAL,
        Orientation.PORTRAIT,
        "li",
        tmp_path / "all.pdf",
    )
    assert sorted(first.numbers) == [f"JN-2018-000{n}" for n in range(1, ISSUED_IN_2018 + 1)]
    again = issue_certificate_pdf(
        db, award_ids[0], LanguageMode.HE, Design.MODERN, Orientation.LANDSCAPE, "dana"
    )
    assert again.reprints == 1
    assert again.numbers[0] == first.numbers[0]
    assert pages((tmp_path / "all.pdf").read_bytes()) == ISSUED_IN_2018
    assert sorted(len(entry.printings) for entry in register(db)) == [1] * 4 + [2]


def test_one_file_per_recipient(demo_db: Database, tmp_path: Path) -> None:
    award_ids = awards_for_batch(demo_db, year=2018)
    result = print_batch(
        demo_db,
        award_ids,
        LanguageMode.EN,
        Design.MODERN,
        Orientation.PORTRAIT,
        "li",
        tmp_path / "out",
        one_file_each=True,
    )
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(names) == ISSUED_IN_2018
    assert all(n.endswith(".pdf") for n in names)
    assert {n.split(" ", 1)[0] for n in names} == set(result.numbers)
    assert any("Kfar Saba" in n for n in names)


def test_unknown_award_and_empty_batches_are_refused(demo_db: Database) -> None:
    with pytest.raises(NotFound):
        preview_pdf(demo_db, 999, LanguageMode.EN, Design.FORMAL, Orientation.LANDSCAPE)
    with pytest.raises(CertificateProblem):
        awards_for_batch(demo_db)
    assert awards_for_batch(demo_db, year=1990) == []


# --- the command line -------------------------------------------------------------------------


def test_certificate_command_issues_then_reprints(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "kfar-saba.pdf"
    argv = ["--db", str(demo_path), "certificate", str(KFAR_SABA_AWARD), "--lang", "zh+en"]
    assert main([*argv, "-o", str(target), "--by", "li"], out=io.StringIO()) == 0
    text = text_of(target.read_bytes())
    assert "Kfar Saba" in text
    assert "克法尔萨巴" in text
    assert "JN-2018-0001" in text
    out = io.StringIO()
    assert main([*argv, "--design", "modern", "-o", str(target)], out=out) == 0
    assert "Reprint" in out.getvalue()
    assert "JN-2018-0001" in out.getvalue()


def test_certificate_preview_registers_nothing(demo_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "preview.pdf"
    argv = ["--db", str(demo_path), "certificate", "3", "--lang", "en+he", "--preview"]
    assert main([*argv, "-o", str(target)], out=io.StringIO()) == 0
    assert pages(target.read_bytes()) == 1
    database = open_database(demo_path)
    try:
        assert register(database) == []
    finally:
        database.dispose()


def test_an_unwritable_output_is_refused_before_a_number_is_issued(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "no such folder" / "x.pdf"
    argv = ["--db", str(demo_path), "certificate", "1", "-o", str(target)]
    assert main(argv, out=io.StringIO()) == EXIT_REFUSED
    assert "does not exist" in capsys.readouterr().err
    batch = ["--db", str(demo_path), "certificates", "--year", "2018", "-o", str(target)]
    assert main(batch, out=io.StringIO()) == EXIT_REFUSED
    database = open_database(demo_path)
    try:
        assert register(database) == []
    finally:
        database.dispose()


def test_certificates_command_prints_a_year(demo_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "2018.pdf"
    argv = ["--db", str(demo_path), "certificates", "--year", "2018", "--lang", "zh+en+he"]
    out = io.StringIO()
    assert main([*argv, "-o", str(target)], out=out) == 0
    assert pages(target.read_bytes()) == ISSUED_IN_2018
    assert f"{ISSUED_IN_2018} certificates" in out.getvalue()
    assert f"Skipped award {RECEIVED_AWARD}," in out.getvalue()


@pytest.mark.parametrize(
    ("argv", "status"),
    [
        (["certificate", "1", "--lang", "fr", "-o", "x.pdf"], EXIT_USAGE),
        (["certificate", "1", "--design", "baroque", "-o", "x.pdf"], EXIT_USAGE),
        (["certificates", "-o", "x.pdf"], EXIT_USAGE),
        (["certificate", "999", "-o", "x.pdf"], EXIT_REFUSED),
    ],
)
def test_certificate_command_refuses_bad_input(
    demo_path: Path,
    tmp_path: Path,
    argv: list[str],
    status: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = [a if a != "x.pdf" else str(tmp_path / "x.pdf") for a in argv]
    try:
        result = main(["--db", str(demo_path), *argv], out=io.StringIO())
    except SystemExit as exit_:
        result = int(exit_.code or 0)
    assert result == status
    assert capsys.readouterr().err.strip()
    assert not (tmp_path / "x.pdf").exists()


# --- the dialogs and the printer ----------------------------------------------------------


def wait_preview(qtbot: Any, dialog: Any) -> None:
    qtbot.waitUntil(lambda: dialog.preview_ready, timeout=20_000)


@pytest.fixture(autouse=True)
def _no_work_left_behind() -> Any:
    yield
    assert QThreadPool.globalInstance().waitForDone(30_000)


def test_the_dialog_previews_saves_and_prints(
    qtbot: Any, demo_db: Database, tmp_path: Path
) -> None:
    from exchange_desk.ui.certificate_dialog import CertificateDialog

    dialog = CertificateDialog(demo_db, KFAR_SABA_AWARD)
    qtbot.addWidget(dialog)
    wait_preview(qtbot, dialog)
    assert dialog.pdf is not None
    assert pages(dialog.pdf) == 1
    assert not dialog.preview.pixmap().isNull()
    dialog.languages_box.setCurrentIndex(dialog.languages_box.findData("zh+en+he"))
    dialog.refresh_preview()
    wait_preview(qtbot, dialog)
    assert "Kfar Saba" in text_of(dialog.pdf)

    # Issued and written off the GUI thread; `issued` follows.
    with qtbot.waitSignal(dialog.issued, timeout=30_000):
        dialog.save_pdf(str(tmp_path / "certificate"))
    saved = dialog.saved_path
    assert saved == tmp_path / "certificate.pdf"
    assert "JN-2018-0001" in text_of(saved.read_bytes())
    assert "JN-2018-0001" in dialog.register_label.text()

    dialog.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    dialog.printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    with qtbot.waitSignal(dialog.printed, timeout=30_000) as printed:
        dialog.print_certificate(ask=False)
    assert printed.args == [1]
    assert pages((tmp_path / "printed.pdf").read_bytes()) == 1
    (entry,) = register(demo_db)
    assert entry.certificate.reprints == 1
    wait_preview(qtbot, dialog)


def test_printing_paints_every_page_through_qprinter(
    qtbot: Any, demo_db: Database, tmp_path: Path
) -> None:
    from exchange_desk.services.certificate_content import render_contents
    from exchange_desk.ui.printing import print_pdf

    data = render_contents(
        [certificate_content(demo_db, award, LanguageMode.ZH_EN_HE) for award in (1, 3)],
        Design.FORMAL,
        Orientation.LANDSCAPE,
    )
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert print_pdf(printer, data, offset_mm=(2.5, -1.0), dpi=150) == 2
    printed = PdfReader(tmp_path / "printed.pdf")
    assert len(printed.pages) == 2
    # Each page carries the certificate as an image of the page.
    assert printed.pages[0].images


def test_the_printer_offset_is_saved_per_printer(qtbot: Any) -> None:
    from exchange_desk.ui.printing import PrinterOffsetDialog, offset_for

    printer = QPrinter()
    printer.setPrinterName("")
    dialog = PrinterOffsetDialog(printer, lambda: b"")
    qtbot.addWidget(dialog)
    dialog.x_box.setValue(1.5)
    dialog.y_box.setValue(-2.0)
    dialog.accept()
    assert offset_for(printer.printerName()) == (1.5, -2.0)
    assert offset_for("Some other printer") == (0.0, 0.0)


def test_the_batch_dialog_writes_one_combined_file(
    qtbot: Any, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from exchange_desk.ui import batch_dialog
    from exchange_desk.ui.batch_dialog import BatchCertificatesDialog

    monkeypatch.setattr(batch_dialog.QMessageBox, "open", lambda box: None)

    dialog = BatchCertificatesDialog(demo_db, year=2018)
    qtbot.addWidget(dialog)
    assert f"{ISSUED_IN_2018 + 1} awards" in dialog.count_label.text()
    target = tmp_path / "batch.pdf"
    dialog.start(target=target)
    qtbot.waitUntil(lambda: bool(dialog.result_files), timeout=30_000)
    assert pages(target.read_bytes()) == ISSUED_IN_2018
    assert len(register(demo_db)) == ISSUED_IN_2018
    assert f"{ISSUED_IN_2018} certificates done" in dialog.last_notice
    assert f"Skipped award {RECEIVED_AWARD}," in dialog.last_notice


def test_the_certificate_action_needs_an_award(qtbot: Any, demo_db: Database) -> None:
    from PySide6.QtCore import QSettings

    from exchange_desk.ui.main_window import MainWindow

    window = MainWindow(demo_db, QSettings())
    qtbot.addWidget(window)
    awards = window.tab("awards")
    window.tabs.setCurrentWidget(window._pages["awards"])
    qtbot.waitUntil(lambda: awards.complete, timeout=20_000)
    assert awards.select_record(KFAR_SABA_AWARD)
    offered = window.context_actions("awards")
    assert window.act_certificate in offered
    assert window.act_register in offered
    assert window.act_batch in window.context_actions("conferences")
    assert window._current_award() == KFAR_SABA_AWARD
    dialog = window.open_certificate(KFAR_SABA_AWARD)
    qtbot.addWidget(dialog)
    wait_preview(qtbot, dialog)
    assert dialog.pdf is not None
    dialog.close()


def test_the_text_only_choice_reaches_the_preview_and_the_command_line(
    qtbot: Any, demo_db: Database, demo_path: Path, tmp_path: Path
) -> None:
    from exchange_desk.ui.certificate_dialog import CertificateDialog

    dialog = CertificateDialog(demo_db, KFAR_SABA_AWARD)
    qtbot.addWidget(dialog)
    wait_preview(qtbot, dialog)
    assert dialog.pdf is not None
    assert "/XObject" in PdfReader(io.BytesIO(dialog.pdf)).pages[0]["/Resources"]
    dialog.text_only_box.setChecked(True)
    dialog.refresh_preview()
    wait_preview(qtbot, dialog)
    resources = PdfReader(io.BytesIO(dialog.pdf)).pages[0]["/Resources"]
    # Only the seal is left as an image: no frame form.
    assert all("frame" not in str(name) for name in resources.get("/XObject", {}))
    dialog.close()

    target = tmp_path / "stock.pdf"
    argv = ["--db", str(demo_path), "certificate", "3", "--text-only", "--preview"]
    assert main([*argv, "-o", str(target)], out=io.StringIO()) == 0
    assert "Jinan" in text_of(target.read_bytes())


def test_the_seal_is_embedded_once_however_many_pages(demo_db: Database, tmp_path: Path) -> None:
    award_ids = awards_for_batch(demo_db, year=2018)
    one = preview_pdf(demo_db, award_ids[0], LanguageMode.EN, Design.FORMAL, Orientation.PORTRAIT)
    print_batch(
        demo_db,
        award_ids * 5,
        LanguageMode.EN,
        Design.FORMAL,
        Orientation.PORTRAIT,
        "li",
        tmp_path / "ten.pdf",
    )
    ten = (tmp_path / "ten.pdf").read_bytes()
    assert pages(ten) == ISSUED_IN_2018 * 5
    images = one.count(b"/Subtype /Image")
    assert images >= 1  # the demo's sample seal (and its transparency mask)
    assert ten.count(b"/Subtype /Image") == images
