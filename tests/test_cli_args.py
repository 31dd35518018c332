"""The command line refuses what cannot be meant with one line and an exit code, never a
traceback: numbers beyond the database, bytes that are not text, a NUL, direction characters
in a name for the register, a folder for a file; and it writes UTF-8 whatever the code page."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from exchange_desk.cli import main
from exchange_desk.storage.database import Database

HUGE = "99999999999999999999"


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_file, copy)
    return copy


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    out = io.StringIO()
    try:
        code = main(list(argv), out=out)
    except SystemExit as stopped:  # argparse's usage errors
        code = int(stopped.code or 0)
    errors = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    return code, errors


@pytest.mark.parametrize(
    "argv",
    [
        ("list", "cities", "--limit", HUGE + "999"),
        ("certificate", HUGE, "-o", "x.pdf"),
        ("certificates", "--conference", HUGE, "-o", "x.pdf"),
        ("report", "city", HUGE, "-o", "x.pdf"),
        ("report", "delegation", HUGE, "-o", "x.pdf"),
        ("report", "annual", "--year", "0", "-o", "x.pdf"),
        ("history", "cities", HUGE),
        ("attachment", "get", HUGE, "-o", "x"),
        ("list", "cities", "--limit", "-1"),
    ],
)
def test_numbers_that_cannot_be_are_usage_errors(
    demo: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    code, errors = _run(capsys, "--db", str(demo), *argv)
    assert code == 2
    assert not any("Traceback" in line for line in errors)
    assert "must be" in errors[-1]


def test_bytes_that_are_not_text_are_refused(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    undecodable = b"caf\xff".decode("utf-8", "surrogateescape")  # as Python keeps argv bytes
    code, errors = _run(capsys, "--db", str(demo), "list", "cities", "--search", undecodable)
    assert code == 2
    assert errors == ["exchange-desk: --search: “caf\\xff” is not text in the system's encoding."]
    code, errors = _run(
        capsys, "--db", str(demo), "certificate", "1", "--by", undecodable, "-o", "x"
    )
    assert code == 2
    assert len(errors) == 1


def test_a_nul_in_search_text_is_refused_on_both_backends(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code, errors = _run(capsys, "--db", str(db.url), "list", "cities", "--search", "a\x00b")
    assert code == 2
    assert errors == ["exchange-desk: --search: “a\\0b” holds a NUL character."]


@pytest.mark.parametrize("name", ["\u202eevil\u202c", "Li\u2066Wei", "tab\there"])
def test_a_name_for_the_register_has_no_hidden_characters(
    demo: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    target = tmp_path / "c.pdf"
    code, errors = _run(
        capsys, "--db", str(demo), "certificate", "1", "--by", name, "-o", str(target)
    )
    assert code == 2
    assert "control or text-direction characters" in errors[-1]
    assert not target.exists()


def test_a_certificate_to_a_folder_or_a_name_without_ending(
    demo: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, errors = _run(
        capsys, "--db", str(demo), "certificate", "3", "--preview", "-o", str(tmp_path)
    )
    assert code == 2
    assert errors == [
        f"exchange-desk: {tmp_path} is a folder: name the file to write, as in "
        f"{tmp_path / 'certificate.pdf'}."
    ]
    code, _errors = _run(
        capsys, "--db", str(demo), "certificate", "3", "--preview", "-o", str(tmp_path / "honour")
    )
    assert code == 0
    assert (tmp_path / "honour.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("code_page", ["cp1252", "cp936", "cp1255"])
def test_output_is_utf8_whatever_the_code_page(
    demo: Path, monkeypatch: pytest.MonkeyPatch, code_page: str
) -> None:
    """A Windows console's output redirected to a file: Python writes in the ANSI code page,
    which has no 克 (cp1252), no כ (cp936) or no 克 (cp1255)."""
    for argv in (["list", "cities", "--json"], ["--lang", "zh_CN", "stats"]):
        raw = io.BytesIO()
        stream = io.TextIOWrapper(raw, encoding=code_page)
        monkeypatch.setattr(sys, "stdout", stream)
        assert main(["--db", str(demo), *argv]) == 0
        sys.stdout.flush()
        text = raw.getvalue().decode("utf-8")
        if "--json" in argv:
            names = {city["name_zh"] for city in json.loads(text)}
            assert "克法尔萨巴" in names
        else:
            assert "友好城市" in text


def test_two_rows_in_alembic_version_is_one_line(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(demo) as connection:
        connection.execute("INSERT INTO alembic_version VALUES ('0001')")
    for argv in (("list", "cities"), ("db", "check")):
        code, errors = _run(capsys, "--db", str(demo), *argv)
        assert code == 3  # the database is damaged: the exit code the README gives for it
        assert errors == [
            "exchange-desk: The database records more than one schema version, so it cannot "
            "be read safely. Restore a backup, or ask whoever keeps the database to leave one "
            "row in its table alembic_version."
        ]


def test_a_folder_name_with_percent_and_question_mark(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = tmp_path / "50% off?#1"
    odd.mkdir()
    shutil.copyfile(demo, odd / "office.sqlite")
    out = io.StringIO()
    assert (
        main(["--db", str(odd / "office.sqlite"), "list", "partnerships", "--json"], out=out) == 0
    )
    assert len(json.loads(out.getvalue())) == 70
