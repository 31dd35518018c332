"""`exchange-desk report annual|city|delegation`: the PDF is written, says what it is, and a
refused command leaves no file."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from pdfminer.high_level import extract_text
from pypdf import PdfReader

from exchange_desk.cli import EXIT_REFUSED, EXIT_USAGE, main

KFAR_SABA_CITY = 2  # the demo's sister city since 2009 (partnership 1)
GOVERNMENT_VISIT = 1  # the demo's delegation to Kfar Saba in May 2009


@pytest.fixture
def demo_path(demo_file: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "reports.sqlite"
    shutil.copyfile(demo_file, copy)
    return copy


def run(*argv: str) -> tuple[int, str]:
    """The exit status and what was printed; a usage error's SystemExit counts as its code."""
    out = io.StringIO()
    try:
        code = main(list(argv), out=out)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue()


def text_of(path: Path) -> str:
    return extract_text(io.BytesIO(path.read_bytes()))


def test_the_annual_report_in_english(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "annual.pdf"
    # --db after the command, as the other commands take it.
    argv = ["report", "annual", "--year", "2018", "--lang", "en", "-o", str(target)]
    code, out = run(*argv, "--db", str(demo_path))
    assert code == 0, capsys.readouterr().err
    pages = len(PdfReader(target).pages)
    assert pages > 1
    assert "2018" in text_of(target)
    assert str(target) in out
    assert f"{pages} pages" in out
    assert len(out.splitlines()) == 1
    assert "Page" in capsys.readouterr().err  # progress goes to stderr, the result to stdout
    assert not list(tmp_path.glob("*.partial"))


def test_pdf_is_added_to_the_file_name(demo_path: Path, tmp_path: Path) -> None:
    code, out = run(
        "--db", str(demo_path), "report", "annual", "--year", "2018", "-o", str(tmp_path / "r")
    )
    assert code == 0
    assert (tmp_path / "r.pdf").is_file()
    assert str(tmp_path / "r.pdf") in out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["city", str(KFAR_SABA_CITY)], "Kfar Saba"),
        (["delegation", str(GOVERNMENT_VISIT)], "Kfar Saba"),
    ],
)
def test_the_city_dossier_and_the_delegation_brief(
    demo_path: Path, tmp_path: Path, argv: list[str], expected: str
) -> None:
    target = tmp_path / "document.pdf"
    code, _out = run("--db", str(demo_path), "report", *argv, "--lang", "en", "-o", str(target))
    assert code == 0
    assert expected in text_of(target)


@pytest.mark.parametrize("language", ["zh", "zh_CN", "he", "he_IL"])
def test_the_report_languages_and_their_aliases(
    demo_path: Path, tmp_path: Path, language: str
) -> None:
    target = tmp_path / "brief.pdf"
    argv = ["report", "delegation", str(GOVERNMENT_VISIT), "--lang", language]
    code, _out = run("--db", str(demo_path), *argv, "-o", str(target))
    assert code == 0
    text = text_of(target)
    if language.startswith("zh"):
        assert "克法尔萨巴" in text
    else:
        # The PDF text of Hebrew is in visual order; the name is there either way round.
        assert "כפר סבא" in text or "אבס רפכ" in text


def test_the_report_language_defaults_to_the_messages_language(
    demo_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "brief.pdf"
    argv = ["report", "delegation", str(GOVERNMENT_VISIT), "-o", str(target)]
    code, _out = run("--lang", "zh_CN", "--db", str(demo_path), *argv)
    assert code == 0
    assert "克法尔萨巴" in text_of(target)


def test_a_report_language_after_the_command_leaves_the_messages_alone(
    demo_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "brief.pdf"
    argv = ["report", "delegation", str(GOVERNMENT_VISIT), "--lang", "he", "-o", str(target)]
    code, out = run("--db", str(demo_path), *argv)
    assert code == 0
    assert out.startswith("Report written to")


@pytest.mark.parametrize(
    ("argv", "status"),
    [
        (["city", "999"], EXIT_REFUSED),
        (["delegation", "999"], EXIT_REFUSED),
        (["annual", "--year", "2018", "--lang", "fr"], EXIT_USAGE),
        (["annual", "--lang", "en"], EXIT_USAGE),
        (["city", "x"], EXIT_USAGE),
        (["brochure"], EXIT_USAGE),
    ],
)
def test_refused_reports_say_why_and_leave_no_file(
    demo_path: Path,
    tmp_path: Path,
    argv: list[str],
    status: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    code, out = run("--db", str(demo_path), "report", *argv, "-o", str(folder / "x.pdf"))
    assert code == status
    err = capsys.readouterr().err.strip()
    assert err
    if status == EXIT_REFUSED:
        assert len(err.splitlines()) == 1
        assert "999" in err
    assert out == ""
    assert list(folder.iterdir()) == []


def test_an_unwritable_target_is_refused(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "no such folder" / "annual.pdf"
    argv = ["report", "annual", "--year", "2018", "-o", str(target)]
    code, _out = run("--db", str(demo_path), *argv)
    assert code == EXIT_REFUSED
    assert capsys.readouterr().err.strip().count("\n") == 0
    assert not target.parent.exists()


def test_an_empty_year_gives_a_short_report(demo_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "1990.pdf"
    argv = ["report", "annual", "--year", "1990", "--lang", "en", "-o", str(target)]
    code, _out = run("--db", str(demo_path), *argv)
    assert code == 0
    assert "1990" in text_of(target)
