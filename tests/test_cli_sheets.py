"""`exchange-desk import`, `export` and `template` as a clerk types them: the all-or-nothing
rule and its exit code, the JSON report, a dry run, bad files with a clear message and no
traceback, lists exported as shown (year, search, language) to .xlsx, CSV and PDF."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest

from exchange_desk.cli import main
from office_sheets import office_partner_sheet


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


@pytest.fixture
def demo_path(demo_file: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_file, copy)
    return copy


def _count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute(f"select count(*) from {table}").fetchone()[0])


def test_an_error_row_refuses_the_import_with_exit_2(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = office_partner_sheet(tmp_path / "友城.xlsx")
    before = _count(demo_path, "partnerships")
    code, out = run("--db", str(demo_path), "import", str(sheet))
    assert code == 2
    err = capsys.readouterr().err
    assert "Nothing was imported" in err
    assert "row 11" in err
    assert "亚特兰蒂斯" in err
    assert "Traceback" not in err
    assert _count(demo_path, "partnerships") == before
    assert "row 5 (duplicate)" in out


def test_skip_invalid_and_the_json_report(demo_path: Path, tmp_path: Path) -> None:
    sheet = office_partner_sheet(tmp_path / "partners.xlsx")
    code, out = run("--db", str(demo_path), "import", str(sheet), "--skip-invalid", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["result"]["created"] == 8
    assert report["result"]["skipped_duplicates"] == 2
    assert report["result"]["errors"] == 1
    (error,) = [row for row in report["rows"] if row["status"] == "error"]
    assert error["row"] == 11
    assert "亚特兰蒂斯" in error["messages"][0]
    assert report["sheets"][0]["columns"]["关系类别"] == "tier"


def test_refused_json_report(demo_path: Path, tmp_path: Path) -> None:
    sheet = office_partner_sheet(tmp_path / "partners.xlsx")
    code, out = run("--db", str(demo_path), "import", str(sheet), "--json")
    assert code == 2
    report = json.loads(out)
    assert report["result"]["refused"] is True
    assert report["counts"]["error"] == 1


def test_a_dry_run_writes_nothing(demo_path: Path, tmp_path: Path) -> None:
    sheet = office_partner_sheet(tmp_path / "partners.xlsx")
    before = _count(demo_path, "cities")
    code, out = run("--db", str(demo_path), "import", str(sheet), "--skip-invalid", "--dry-run")
    assert code == 0
    assert "Dry run" in out
    assert "8 created" in out
    assert _count(demo_path, "cities") == before
    assert not list(tmp_path.glob("*.backup.sqlite"))


def test_the_result_says_how_many_values_lost_hidden_direction_characters(
    demo_path: Path, tmp_path: Path
) -> None:
    # An override that shows "evil name" as "live name", and an isolate around a name.
    path = tmp_path / "cities.csv"
    path.write_text(
        "Name,Country\n\u202eeman live\u202c,DE\nTampere,FI\n\u2067Oulu\u2069,FI\n",
        encoding="utf-8",
    )
    code, out = run("--db", str(demo_path), "import", str(path), "--kind", "cities")
    assert code == 0, out
    lines = out.splitlines()
    counts = lines.index("3 created, 0 updated, 0 duplicates skipped, 0 errors.")
    # Under the counts, before the backup's path.
    assert lines[counts + 1] == "Hidden direction characters were removed from 2 values."
    assert lines[counts + 2].startswith("Backup copy: ")
    code, out = run(
        "--db", str(demo_path), "import", str(path), "--kind", "cities", "--dry-run", "--json"
    )
    assert code == 0
    report = json.loads(out)
    # The same names are duplicates now: nothing of them would be written again.
    assert report["cleaned_values"] == 0
    assert report["counts"]["duplicate"] == 3


def test_home_city_on_an_empty_database(tmp_path: Path) -> None:
    empty = tmp_path / "new.sqlite"
    sheet = office_partner_sheet(tmp_path / "partners.xlsx")
    code, _out = run("--db", str(empty), "import", str(sheet), "--skip-invalid")
    assert code == 2
    code, out = run(
        "--db", str(empty), "import", str(sheet), "--skip-invalid", "--home-city", "Jinan, 中国"
    )
    assert code == 0, out
    with sqlite3.connect(empty) as connection:
        home = connection.execute(
            "select c.name_en, c.country from office_profile p "
            "join cities c on c.id = p.home_city_id"
        ).fetchone()
    assert home == ("Jinan", "CN")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("report.xlsx", None, "Word document"),
        ("cut.xlsx", "truncated", "damaged"),
        ("empty.csv", b"", "empty"),
        ("noise.xlsx", bytes(range(256)) * 40, "not a spreadsheet"),
        ("header.csv", b"City,Country\n", "no records"),
    ],
)
def test_bad_files_get_a_clear_message_and_nothing_is_written(
    demo_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes | str | None,
    expected: str,
) -> None:
    path = tmp_path / name
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<document/>")
    elif content == "truncated":
        whole = office_partner_sheet(tmp_path / "whole.xlsx").read_bytes()
        path.write_bytes(whole[: len(whole) // 2])
    else:
        assert isinstance(content, bytes)
        path.write_bytes(content)
    before = _count(demo_path, "cities")
    code, _out = run("--db", str(demo_path), "import", str(path))
    err = capsys.readouterr().err
    assert code == 2
    assert expected in err, err
    assert "Traceback" not in err
    assert _count(demo_path, "cities") == before


def test_a_password_protected_workbook(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = Path(__file__).parent / "data" / "sheets" / "password.xlsx"
    code, _out = run("--db", str(demo_path), "import", str(path))
    assert code == 2
    assert "password" in capsys.readouterr().err


def test_export_a_year_of_delegations_to_xlsx_in_chinese(demo_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "团组.xlsx"
    code, out = run(
        "--db", str(demo_path), "--lang", "zh", "export", "delegations", "--year", "2018",
        "-o", str(target),
    )  # fmt: skip
    assert code == 0, out
    with sqlite3.connect(demo_path) as connection:
        expected = connection.execute(
            "select count(*) from delegations where start_date like '2018%'"
        ).fetchone()[0]
    book = openpyxl.load_workbook(target)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["开始日期", "方向", "友城"]
    assert sheet.max_row == expected + 1
    directions = {sheet.cell(row, 2).value for row in range(2, sheet.max_row + 1)}
    assert directions <= {"出访", "来访"}


def test_export_a_search_to_csv_with_bom(demo_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "cities.csv"
    code, _out = run(
        "--db", str(demo_path), "--lang", "he", "export", "cities", "--search", "kfar",
        "-o", str(target),
    )  # fmt: skip
    assert code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][0] == "כפר סבא"


def test_export_a_list_as_pdf(demo_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "awards.pdf"
    code, _out = run("--db", str(demo_path), "export", "awards", "-o", str(target))
    assert code == 0
    assert target.read_bytes().startswith(b"%PDF")


def test_export_all_and_import_it_back(demo_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "office.xlsx"
    code, out = run("--db", str(demo_path), "export", "all", "-o", str(target))
    assert code == 0
    assert "records written" in out
    empty = tmp_path / "copy.sqlite"
    code, out = run("--db", str(empty), "import", str(target), "--home-city", "Jinan")
    assert code == 0, out
    for table in ("cities", "partnerships", "delegations", "awards", "organizations"):
        assert _count(empty, table) == _count(demo_path, table), table


def test_template_imports_its_own_example(tmp_path: Path) -> None:
    target = tmp_path / "template.xlsx"
    code, _out = run("--lang", "zh", "template", "partnerships", "-o", str(target))
    assert code == 0
    book = openpyxl.load_workbook(target)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1] if cell.value]
    assert "友城" in header[0] or "友城" in "".join(header)
    assert sheet.data_validations.dataValidation, "drop-down lists for the choices"
    empty = tmp_path / "new.sqlite"
    code, out = run("--db", str(empty), "import", str(target), "--home-city", "济南")
    assert code == 0, out
    assert _count(empty, "partnerships") == 1


def test_year_on_a_list_without_dates(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out = run(
        "--db", str(demo_path), "export", "organizations", "--year", "2018", "-o", "x.xlsx"
    )
    assert code != 0
    assert "year" in capsys.readouterr().err
