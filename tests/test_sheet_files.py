"""Reading the office's sheets into raw tables (services/sheet_files.py): files made the way
offices make them, in every format and encoding the office meets, and every way a file can
fail to be a sheet. The .ods, .xls and password-protected fixtures in tests/data/sheets/
were made once by make_sheets.py there (LibreOffice, msoffcrypto-tool)."""

from __future__ import annotations

import datetime as dt
import random
import struct
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from exchange_desk.services import sheet_files
from exchange_desk.services.sheet_files import (
    CSV_ENCODINGS,
    CellError,
    RawSheet,
    SheetFileError,
    find_table,
    read_source,
    unquote_csv_cell,
)

FIXTURES = Path(__file__).parent / "data" / "sheets"
HEADER = ["城市", "国家", "关系类别", "结好日期", "备注"]


def office_workbook(path: Path) -> Path:
    """An office's sheet: merged title, date line, blank row, header, records (one with a
    single value, in the middle), a blank row and notes; as make_sheets.py makes it."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("友好城市")
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.merge_range("A1:E1", "友好城市一览表")
    sheet.write("A2", "制表日期：2024年3月1日")
    sheet.write_row("A4", HEADER)
    sheet.write_row("A5", ["海法", "以色列", "友好城市"])
    sheet.write_datetime("D5", dt.datetime(1983, 5, 12), day)
    sheet.write_row("A6", ["特拉维夫", "以色列", "友好交流城市"])
    sheet.write_datetime("D6", dt.datetime(2010, 6, 1), day)
    sheet.write_formula("E6", "=1/0", None, "#DIV/0!")
    sheet.write("A7", "埃拉特")
    sheet.write_row("A8", ["阿什杜德", "以色列", "友好城市"])
    sheet.write_number("D8", 1990)
    sheet.write("E8", "港口城市")
    sheet.write("A10", "注：本表仅供参考。")
    sheet.write("A11", "制表人：张三")
    workbook.close()
    return path


def write_rows(path: Path, rows: list[list[Any]], *, name: str = "Sheet1") -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet(name)
    for index, row in enumerate(rows):
        sheet.write_row(index, 0, row)
    workbook.close()
    return path


def message_of(path: Path, **options: Any) -> str:
    with pytest.raises(SheetFileError) as caught:
        read_source(path, **options)
    assert path.name in caught.value.message
    return caught.value.message


OFFICE_RECORDS = [
    (5, ["海法", "以色列", "友好城市", dt.date(1983, 5, 12), None]),
    (6, ["特拉维夫", "以色列", "友好交流城市", dt.date(2010, 6, 1), CellError("#DIV/0!")]),
    (7, ["埃拉特", None, None, None, None]),
    (8, ["阿什杜德", "以色列", "友好城市", 1990, "港口城市"]),
]


# --- workbooks -------------------------------------------------------------------------------


def test_office_sheet_title_header_records_and_notes(tmp_path: Path) -> None:
    source = read_source(office_workbook(tmp_path / "友好城市.xlsx"))
    assert source.format == "xlsx"
    assert source.encoding is None
    assert source.encoding_guessed is False
    (raw,) = source.sheets
    assert raw.name == "友好城市"
    # The merged title's other cells are not copied: it stays a one-cell row.
    assert raw.rows[0] == ["友好城市一览表"]
    assert raw.rows[2] == []
    table = find_table(raw)
    assert table.sheet == "友好城市"
    assert table.header_row == 4
    assert table.headers == HEADER
    assert table.rows == OFFICE_RECORDS
    # Title and date line above, the two notes below; the blank rows are not listed.
    assert table.skipped == [1, 2, 10, 11]


@pytest.mark.parametrize(("fixture", "kind"), [("office.ods", "ods"), ("office.xls", "xls")])
def test_libreoffice_conversions_read_as_the_xlsx(fixture: str, kind: str) -> None:
    source = read_source(FIXTURES / fixture)
    assert source.format == kind
    (raw,) = source.sheets
    assert raw.name == "友好城市"
    table = find_table(raw)
    assert (table.header_row, table.headers, table.skipped) == (4, HEADER, [1, 2, 10, 11])
    # The #DIV/0! comes back though calamine's binding gives "" for an error value.
    assert table.rows == OFFICE_RECORDS


def test_formulas_give_their_cached_values_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "formulas.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row("A1", ["number", "text", "truth", "ref", "na", "value", "typed"])
    sheet.write_formula("A2", "=2+2", None, 4)
    sheet.write_formula("B2", '="Hai"&"fa"', None, "Haifa")
    sheet.write_formula("C2", "=1=1", None, True)
    sheet.write_formula("D2", "=#REF!+1", None, "#REF!")
    sheet.write_formula("E2", "=NA()", None, "#N/A")
    sheet.write_formula("F2", '="a"+1', None, "#VALUE!")
    sheet.write_formula("G2", "=0.5*3", None, 1.5)
    workbook.close()
    (raw,) = read_source(path).sheets
    assert raw.rows[1] == [
        4,
        "Haifa",
        True,
        CellError("#REF!"),
        CellError("#N/A"),
        CellError("#VALUE!"),
        1.5,
    ]
    assert type(raw.rows[1][0]) is int


def test_dates_times_and_numbers(tmp_path: Path) -> None:
    path = tmp_path / "dates.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_datetime(
        "A1", dt.datetime(1983, 5, 12), workbook.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
    )
    sheet.write_datetime(
        "B1",
        dt.datetime(2020, 1, 2, 13, 45),
        workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
    )
    sheet.write_datetime("C1", dt.time(9, 30), workbook.add_format({"num_format": "hh:mm"}))
    sheet.write_number("D1", 1983)  # stored as 1983.0
    sheet.write_number("E1", 2.5)
    sheet.write_number("F1", 2.0**60)  # past 2**53 a float has lost digits: kept a float
    sheet.write_number("G1", 1.5, workbook.add_format({"num_format": "[h]:mm"}))
    sheet.write_number("H1", 45000)  # a date's serial number without a date format
    sheet.write_string("I1", "   ")
    sheet.write_string("J1", "0012")
    workbook.close()
    (raw,) = read_source(path).sheets
    (row,) = raw.rows
    assert row[:3] == [dt.date(1983, 5, 12), dt.datetime(2020, 1, 2, 13, 45), dt.time(9, 30)]
    assert type(row[0]) is dt.date
    assert row[3] == 1983
    assert type(row[3]) is int
    assert row[4] == 2.5
    assert row[5] == 2.0**60
    assert type(row[5]) is float
    assert row[6] == "36:00"  # a duration over a day, as Excel shows it
    assert row[7] == 45000
    assert type(row[7]) is int
    assert row[8] is None  # a cell of spaces is empty
    assert row[9] == "0012"
    assert len(row) == 10


def test_long_cell_read_intact(tmp_path: Path) -> None:
    text = "".join(random.Random(7).choice("海法以色列友好城市abc ") for _ in range(10_000))
    (raw,) = read_source(write_rows(tmp_path / "long.xlsx", [["备注"], [text]])).sheets
    assert raw.rows[1] == [text]
    csv = tmp_path / "long.csv"
    csv.write_text(f"城市,备注\n海法,{text}\n", encoding="utf-8")
    (raw,) = read_source(csv).sheets
    assert raw.rows[1] == ["海法", text]


def test_cell_merged_down_is_given_to_each_row(tmp_path: Path) -> None:
    path = tmp_path / "merged.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.merge_range("A1:C1", "Partner cities")
    sheet.write_row("A2", ["Country", "City"])
    sheet.merge_range("A3:A5", "Israel")
    sheet.write_column("B3", ["Haifa", "Eilat", "Ashdod"])
    sheet.write_row("A6", ["France", "Lyon"])
    workbook.close()
    (raw,) = read_source(path).sheets
    assert raw.rows[0] == ["Partner cities"]
    table = find_table(raw)
    assert table.rows == [
        (3, ["Israel", "Haifa"]),
        (4, ["Israel", "Eilat"]),
        (5, ["Israel", "Ashdod"]),
        (6, ["France", "Lyon"]),
    ]


def test_sheets_hidden_and_chosen(tmp_path: Path) -> None:
    path = tmp_path / "several.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("Cities").write_row("A1", ["City", "Country"])
    workbook.add_worksheet("Events").write_row("A1", ["Event", "Date"])
    lists = workbook.add_worksheet("Lists")
    lists.write_column("A1", ["sister city", "friendly city"])
    lists.hide()
    workbook.close()
    assert [raw.name for raw in read_source(path).sheets] == ["Cities", "Events"]
    (events,) = read_source(path, sheet="Events").sheets
    assert events.rows == [["Event", "Date"]]
    # A hidden sheet is read when asked for by name.
    assert read_source(path, sheet="Lists").sheets[0].rows[1] == ["friendly city"]
    message = message_of(path, sheet="Awards")
    assert "Awards" in message
    assert "Cities, Events, Lists" in message


def test_format_is_told_by_content_not_name(tmp_path: Path) -> None:
    xlsx = office_workbook(tmp_path / "office.xlsx")
    renamed = tmp_path / "old-name.xls"
    renamed.write_bytes(xlsx.read_bytes())
    source = read_source(renamed)
    assert source.format == "xlsx"
    assert find_table(source.sheets[0]).rows == OFFICE_RECORDS
    xls = tmp_path / "office.xlsx"
    xls.write_bytes((FIXTURES / "office.xls").read_bytes())
    assert read_source(xls).format == "xls"
    text = tmp_path / "export.xlsx"
    text.write_text("City,Country\nHaifa,Israel\n", encoding="utf-8")
    source = read_source(text)
    assert source.format == "csv"
    assert source.sheets[0].rows == [["City", "Country"], ["Haifa", "Israel"]]


def test_macro_enabled_workbook(tmp_path: Path) -> None:
    plain = write_rows(tmp_path / "plain.xlsx", [["City", "Country"], ["Haifa", "Israel"]])
    path = tmp_path / "macros.xlsm"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
                )
            target.writestr(item, data)
    source_file = read_source(path)
    assert source_file.format == "xlsm"
    assert source_file.sheets[0].rows[1] == ["Haifa", "Israel"]


# --- files that are not sheets -----------------------------------------------------------


@pytest.mark.parametrize("fixture", ["password.xlsx", "password.xls"])
def test_password_protected(tmp_path: Path, fixture: str) -> None:
    path = tmp_path / f"加密 {fixture}"
    path.write_bytes((FIXTURES / fixture).read_bytes())
    message = message_of(path)
    assert message == (
        f"The file {path.name} is protected with a password; save it without one and import "
        "it again."
    )


def compound_file(*streams: str) -> bytes:
    """A minimal OLE2 compound file ([MS-CFB], version 3) holding `streams`, each of 4,096
    zero bytes: the container of .xls, .doc and Excel's encrypted workbooks."""
    sector = 512
    chain_length = 4096 // sector
    fat = [0xFFFFFFFD, 0xFFFFFFFE]  # sector 0: the FAT itself; sector 1: the directory
    for _stream in streams:
        first = len(fat)
        fat += [*range(first + 1, first + chain_length), 0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (sector // 4 - len(fat))
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    header += struct.pack("<109I", 0, *[0xFFFFFFFF] * 108)

    def entry(name: str, kind: int, start: int, size: int, child: int = 0xFFFFFFFF) -> bytes:
        label = (name + "\0").encode("utf-16-le")
        return (
            label.ljust(64, b"\0")
            + struct.pack("<HBB", len(label), kind, 1)
            + struct.pack("<III", 0xFFFFFFFF, 0xFFFFFFFF, child)
            + bytes(36)
            + struct.pack("<IIi", start, size, 0)
        )

    # The streams hang off the root as a chain of right siblings (a valid, if lopsided, tree).
    entries = [entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1)]
    for number, name in enumerate(streams):
        data = entry(name, 2, 2 + number * chain_length, 4096)
        if number + 1 < len(streams):
            data = data[:72] + struct.pack("<I", number + 2) + data[76:]
        entries.append(data)
    directory = b"".join(entries).ljust(sector * ((len(entries) + 3) // 4), b"\0")
    assert len(directory) == sector, "the test's builder holds three streams at most"
    body = struct.pack(f"<{sector // 4}I", *fat) + directory + bytes(4096 * len(streams))
    return header + body


def test_compound_files_told_apart(tmp_path: Path) -> None:
    encrypted = tmp_path / "encrypted.xlsx"
    encrypted.write_bytes(compound_file("EncryptionInfo", "EncryptedPackage"))
    assert "is protected with a password" in message_of(encrypted)
    word = tmp_path / "letter.xls"
    word.write_bytes(compound_file("WordDocument", "1Table"))
    assert "is a Word document, not a spreadsheet" in message_of(word)
    other = tmp_path / "drawing.xls"
    other.write_bytes(compound_file("VisioDocument"))
    assert message_of(other) == f"The file {other.name} is not a spreadsheet or CSV file."
    # An empty "Workbook" stream: an .xls cut to nothing.
    broken = tmp_path / "broken.xls"
    broken.write_bytes(compound_file("Workbook"))
    assert "is damaged" in message_of(broken)


def test_truncated_xls_is_damaged(tmp_path: Path) -> None:
    whole = (FIXTURES / "office.xls").read_bytes()
    path = tmp_path / "copied.xls"
    path.write_bytes(whole[: len(whole) // 2])
    assert "is damaged (it may not have been copied completely)" in message_of(path)


def test_word_document_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "cities.xlsx"
    with zipfile.ZipFile(path, "w") as document:
        document.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"/>',
        )
        document.writestr("word/document.xml", "<w:document/>")
    assert "is a Word document, not a spreadsheet" in message_of(path)


def test_truncated_workbook_is_damaged(tmp_path: Path) -> None:
    whole = office_workbook(tmp_path / "whole.xlsx").read_bytes()
    path = tmp_path / "copied.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    assert "is damaged (it may not have been copied completely)" in message_of(path)


def test_damaged_member_is_damaged(tmp_path: Path) -> None:
    whole = office_workbook(tmp_path / "whole.xlsx")
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]
            target.writestr(item, data)
    assert "is damaged" in message_of(path)


def test_random_bytes_empty_file_and_other_zip(tmp_path: Path) -> None:
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(random.Random(1).randbytes(4096))
    assert message_of(junk) == f"The file {junk.name} is not a spreadsheet or CSV file."
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert message_of(empty) == f"The file {empty.name} is empty."
    archive = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(archive, "w") as photos:
        photos.writestr("photo.jpg", b"\xff\xd8\xff")
    assert message_of(archive) == f"The file {archive.name} is not a spreadsheet or CSV file."
    lock = tmp_path / "~$友好城市.xlsx"
    lock.write_bytes(b"\x05Admin" + b"\x00" * 150)
    assert "choose the workbook itself" in message_of(lock)


def test_web_page_saved_as_xls(tmp_path: Path) -> None:
    path = tmp_path / "导出.xls"
    path.write_text(
        "<html><body><table><tr><td>城市</td><td>国家</td></tr></table></body></html>",
        encoding="utf-8",
    )
    assert "is a web page or XML file" in message_of(path)


def test_missing_folder_and_locked_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "gone.xlsx"
    assert "does not exist" in message_of(missing)
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    assert "is a folder" in message_of(folder)
    locked = office_workbook(tmp_path / "open in Excel.xlsx")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    # Tests run as root, whom file modes do not stop: Excel's lock on Windows raises this.
    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert message_of(locked) == (
        f"The file {locked.name} is open in another program (Excel?) or you may not read it: "
        "close it and try again."
    )


def test_too_many_rows_refused_before_rows_are_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sheet_files, "MAX_ROWS", 50)
    rows: list[list[Any]] = [["City", "Country"]] + [[f"City {n}", "Israel"] for n in range(59)]
    path = write_rows(tmp_path / "many.xlsx", rows, name="Cities")
    message = message_of(path)
    assert message == (
        f"The sheet Cities of {path.name} has 60 rows; at most 50 can be imported at once: "
        "split it into smaller files."
    )
    csv = tmp_path / "many.csv"
    csv.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")
    assert "has 60 rows; at most 50" in message_of(csv)
    # Quotes may hold line breaks: records are counted, not lines.
    quoted = tmp_path / "quoted.csv"
    quoted.write_text(
        "City,Note\n" + "".join(f'City {n},"two\nlines"\n' for n in range(49)), encoding="utf-8"
    )
    assert len(read_source(quoted).sheets[0].rows) == 50
    write_rows(tmp_path / "fifty.xlsx", rows[:50])
    assert len(read_source(tmp_path / "fifty.xlsx").sheets[0].rows) == 50


def test_million_line_csv_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_text("城市,国家,备注\n" + "海法,以色列,友好城市\n" * 1_000_000, encoding="utf-8")
    started = time.perf_counter()
    message = message_of(path)
    elapsed = time.perf_counter() - started
    assert "has 1,000,001 rows; at most 200,000 can be imported" in message
    assert elapsed < 2.0


# --- CSV -----------------------------------------------------------------------------------


def csv_file(tmp_path: Path, name: str, text: str, encoding: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        # Chinese: GBK bytes that also decode as cp1252 and cp1255 gibberish.
        ("城市,国家\n北京,中国\n海法,以色列\n", "gb18030", "gb18030"),
        ("北京,中国\n", "gb18030", "gb18030"),
        # Hebrew: words of even length decode as rare Chinese characters too.
        ("עיר,מדינה\nחיפה,ישראל\nתל אביב,ישראל\n", "cp1255", "cp1255"),
        ("שלום,חיפה\nתודה,עכשו\n", "cp1255", "cp1255"),
        # Western: "é" decodes as a Hebrew letter and, before a letter, as Chinese.
        ("City,Country\nMontréal,Canada\nZürich,Schweiz\n", "cp1252", "cp1252"),
        ("Ciudad,País\nSevilla,España\n", "cp1252", "cp1252"),
        ("城市,国家\n海法,以色列\n", "utf-8", "utf-8-sig"),
        ("城市,国家\n海法,以色列\n", "utf-8-sig", "utf-8-sig"),
    ],
)
def test_csv_encoding_detected(tmp_path: Path, text: str, encoding: str, expected: str) -> None:
    source = read_source(csv_file(tmp_path, "cities.csv", text, encoding))
    assert (source.format, source.encoding, source.encoding_guessed) == ("csv", expected, True)
    (raw,) = source.sheets
    assert raw.name == "cities"
    assert raw.rows == [line.split(",") for line in text.splitlines()]


def test_csv_decoding_checked_on_more_than_letters(tmp_path: Path) -> None:
    # The test above means something only if the other codecs decode those bytes too.
    "שלום,חיפה\nתודה,עכשו\n".encode("cp1255").decode("gb18030")
    "北京,中国\n".encode("gb18030").decode("cp1255")
    "Montréal,Canada\n".encode("cp1252").decode("gb18030")


def test_csv_utf8_bom_is_not_part_of_the_first_header(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "bom.csv", "城市,国家\r\n海法,以色列\r\n", "utf-8-sig")
    table = find_table(read_source(path).sheets[0])
    assert table.headers == ["城市", "国家"]
    assert table.rows == [(2, ["海法", "以色列"])]


def test_csv_encoding_given(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "western.csv", "City,Country\nMontréal,Canada\n", "cp1252")
    source = read_source(path, encoding="cp1255")
    assert (source.encoding, source.encoding_guessed) == ("cp1255", False)
    assert source.sheets[0].rows[1] == ["Montrיal", "Canada"]
    source = read_source(path, encoding="cp1252")
    assert source.sheets[0].rows[1] == ["Montréal", "Canada"]
    message = message_of(path, encoding="utf-8-sig")
    assert message == (
        f"The file {path.name} cannot be read as Unicode (UTF-8): choose another encoding."
    )
    with pytest.raises(ValueError, match="no-such-codec"):
        read_source(path, encoding="no-such-codec")
    assert read_source(path, sheet="western").sheets[0].name == "western"
    assert message_of(path, sheet="Sheet1") == (
        f"The file {path.name} has no sheet named Sheet1; its sheets are: western."
    )
    assert [codec for codec, _label in CSV_ENCODINGS] == [
        "utf-8-sig",
        "gb18030",
        "cp1255",
        "cp1252",
    ]


def test_csv_delimiters(tmp_path: Path) -> None:
    # Excel in Europe: semicolons, and commas in numbers.
    semicolons = csv_file(
        tmp_path, "semicolons.csv", "Stadt;Land;Fläche\nMünchen;Deutschland;310,4\n", "cp1252"
    )
    assert read_source(semicolons).sheets[0].rows == [
        ["Stadt", "Land", "Fläche"],
        ["München", "Deutschland", "310,4"],
    ]
    tabs = csv_file(tmp_path, "tabs.txt", "城市\t国家\n海法\t以色列, 北部\n", "utf-8")
    assert read_source(tabs).sheets[0].rows == [["城市", "国家"], ["海法", "以色列, 北部"]]
    quoted = csv_file(tmp_path, "quoted.csv", 'City,Note\n"Haifa","Carmel; port, north"\n', "utf-8")
    assert read_source(quoted).sheets[0].rows[1] == ["Haifa", "Carmel; port, north"]


def test_excel_unicode_text(tmp_path: Path) -> None:
    # Excel's "Unicode Text (*.txt)": UTF-16 with a BOM, tab-separated.
    path = csv_file(tmp_path, "unicode.txt", "\ufeffעיר\tמדינה\r\nחיפה\tישראל\r\n", "utf-16-le")
    source = read_source(path)
    assert source.encoding == "utf-16"
    assert source.sheets[0].rows == [["עיר", "מדינה"], ["חיפה", "ישראל"]]


def test_csv_cells(tmp_path: Path) -> None:
    text = "City,Formula,Plain,Empty\n'=Haifa,'+972,'quoted,\n,'@home,   ,\n\n'-5,x,,\n"
    rows = read_source(csv_file(tmp_path, "cells.csv", text, "utf-8")).sheets[0].rows
    assert rows == [
        ["City", "Formula", "Plain", "Empty"],
        ["=Haifa", "+972", "'quoted"],
        [None, "@home"],
        [],
        ["-5", "x"],
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'=SUM(A1)", "=SUM(A1)"),
        ("'+972 4 123", "+972 4 123"),
        ("'-5", "-5"),
        ("'@SUM(A1)", "@SUM(A1)"),
        ("'\tx", "\tx"),
        ("'\rx", "\rx"),
        ("'quoted'", "'quoted'"),
        ("'", "'"),
        ("=1+1", "=1+1"),
        ("", ""),
    ],
)
def test_unquote_csv_cell(text: str, expected: str) -> None:
    assert unquote_csv_cell(text) == expected


# --- finding the table ---------------------------------------------------------------------


def sheet_of(rows: list[list[Any]]) -> RawSheet:
    return RawSheet("名单", rows, "名单.xlsx")


def table_message(rows: list[list[Any]]) -> str:
    with pytest.raises(SheetFileError) as caught:
        find_table(sheet_of(rows))
    assert "名单.xlsx" in caught.value.message
    return caught.value.message


def test_empty_sheet(tmp_path: Path) -> None:
    path = tmp_path / "empty sheet.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("Cities")
    workbook.close()
    (raw,) = read_source(path).sheets
    assert raw.rows == []
    with pytest.raises(SheetFileError) as caught:
        find_table(raw)
    assert caught.value.message == f"The sheet Cities of {path.name} is empty."
    assert table_message([[None, ""], []]) == "The sheet 名单 of 名单.xlsx is empty."


def test_header_without_records() -> None:
    message = table_message([["友好城市一览表"], [], HEADER, [], ["注：无"]])
    assert message == "The sheet 名单 of 名单.xlsx has a header but no records below it."


def test_no_header() -> None:
    message = table_message([["友好城市一览表"], ["海法"], ["埃拉特"]])
    assert "has no header row" in message


def test_header_chosen_by_known_names() -> None:
    rows: list[list[Any]] = [
        ["填报单位：外事办", None, None, "日期：2024-03-01"],
        ["City", "Country", "Partner since", "Notes"],
        ["Haifa", "Israel", 1983, None],
    ]
    known = {"city", "country", "partner since"}
    table = find_table(sheet_of(rows), known_header=lambda text: text.lower() in known)
    assert table.header_row == 2
    assert table.skipped == [1]
    # Without known names, the line above is passed over too: a header names most of the
    # cells the row below it fills, and two texts over four cells do not.
    assert find_table(sheet_of(rows)).header_row == 2
    # Known names that no row holds: the usual rule decides.
    assert find_table(sheet_of(rows), known_header=lambda text: False).header_row == 2


def test_header_text_cleaned() -> None:
    rows: list[list[Any]] = [[" 城市 ", "结好\n日期", None, 2024], ["海法", 1983, None, 5]]
    table = find_table(sheet_of(rows))
    assert table.headers == ["城市", "结好 日期", "", "2024"]


def test_records_wider_than_header_keep_their_cells() -> None:
    rows: list[list[Any]] = [["City", "Country"], ["Haifa", "Israel", None, "north"]]
    table = find_table(sheet_of(rows))
    assert table.headers == ["City", "Country", "", ""]
    assert table.rows == [(2, ["Haifa", "Israel", None, "north"])]


def test_notes_and_totals_below_the_records() -> None:
    rows: list[list[Any]] = [
        ["עיר", "מדינה", "שנה"],
        ["חיפה", "ישראל", 1983],
        ["אילת", None, None],  # one value in the middle: a record
        ["אשדוד", "ישראל", 1990],
        ["סה״כ", None, 3],
        [],
        ["הערה: הנתונים חלקיים"],
        ["Source: city registry", None, "2024"],
        ["* provisional"],
        ["制表人：张三", None, "审核人：李四"],
        ["Prepared by the office"],
    ]
    table = find_table(sheet_of(rows))
    assert [number for number, _cells in table.rows] == [2, 3, 4]
    assert table.rows[1] == (3, ["אילת", None, None])
    assert table.skipped == [5, 7, 8, 9, 10, 11]


def test_last_record_with_one_value_under_a_one_column_header() -> None:
    rows: list[list[Any]] = [["List"], ["City"], ["Haifa"], ["Eilat"], [], ["Note: two cities"]]
    table = find_table(sheet_of(rows), known_header=lambda text: text == "City")
    assert table.header_row == 2
    assert table.rows == [(3, ["Haifa"]), (4, ["Eilat"])]
    assert table.skipped == [1, 6]


def test_find_table_is_cheap(tmp_path: Path) -> None:
    # Ten thousand rows of eight cells: linear, no per-cell Python work beyond the copy.
    rows: list[list[Any]] = [["友好城市一览表"], [], [f"列{n}" for n in range(8)]]
    rows += [
        [f"城市{n}", "以色列", 1983, dt.date(2000, 1, 1), None, 1.5, "x", n] for n in range(10_000)
    ]
    rows += [[], ["注：仅供参考"]]
    started = time.perf_counter()
    table = find_table(sheet_of(rows))
    elapsed = time.perf_counter() - started
    assert len(table.rows) == 10_000
    assert table.rows[-1][0] == 10_003
    assert table.skipped == [1, 10_005]
    assert elapsed < 0.5
