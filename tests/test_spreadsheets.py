"""The sheet and CSV writers: files read back with openpyxl and the csv module, as Excel and
the importer will see them: real dates and numbers, text that never turns into a formula,
Chinese and Hebrew intact, right-to-left sheets, demo rows marked, drop-downs, and a failed
write that leaves the old file as it was."""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from exchange_desk.domain.dates import PartialDate
from exchange_desk.services import spreadsheets
from exchange_desk.services.spreadsheets import (
    ExportError,
    SheetCell,
    SheetColumn,
    SheetTable,
    display_width,
    neutralised,
    sheet_name,
    unneutralised,
    view_table,
    write_csv,
    write_xlsx,
)
from exchange_desk.services.views import ListedView, ViewColumn

FORMULAS = ("=1+2", "@SUM(A1)", "+1", "-x", "\tx", "\rx", '=HYPERLINK("http://x","y")')


def _table(
    rows: Sequence[Sequence[SheetCell]],
    *columns: SheetColumn,
    name: str = "List",
    **options: Any,
) -> SheetTable:
    if not columns:
        columns = tuple(SheetColumn(f"Column {n + 1}", "text") for n in range(len(rows[0])))
    return SheetTable(name=name, columns=columns, rows=rows, **options)


def _xlsx(tmp_path: Path, *tables: SheetTable, **options: Any) -> openpyxl.Workbook:
    path = tmp_path / "out.xlsx"
    write_xlsx(list(tables), path, **options)
    return openpyxl.load_workbook(path)


def _csv(tmp_path: Path, table: SheetTable) -> list[list[str]]:
    path = tmp_path / "out.csv"
    write_csv(table, path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _write(kind: str, table: SheetTable, path: Path, *before: SheetTable) -> None:
    """Write `table` as `kind`: after the tables `before` in a workbook."""
    if kind == "xlsx":
        write_xlsx([*before, table], path)
    else:
        write_csv(table, path)


def _no_leftovers(folder: Path) -> None:
    assert [entry.name for entry in folder.iterdir() if entry.name.startswith(".~")] == []


# --- layout ----------------------------------------------------------------------------------


def test_the_header_is_bold_grey_frozen_and_filtered(tmp_path: Path) -> None:
    table = _table([("Augsburg", 3), ("Kfar Saba", 12)], *_columns("text", "number"))
    sheet = _xlsx(tmp_path, table).active
    assert [cell.value for cell in sheet[1]] == ["text", "number"]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet["A1"].fill.fgColor.rgb == "FFD9D9D9"
    assert not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B3"


def _columns(*shows: str) -> tuple[SheetColumn, ...]:
    return tuple(SheetColumn(kind, kind) for kind in shows)


def test_widths_fit_the_content_within_bounds(tmp_path: Path) -> None:
    columns = (
        SheetColumn("A", "text"),
        SheetColumn("B", "text"),
        SheetColumn("C", "text"),
        SheetColumn("D", "text", width=33),
        SheetColumn("E", "text"),
    )
    rows = [
        ("x", "Tel Aviv-Yafo Municipality, External Relations", "y" * 500, "z", "北京市外事办公室")
    ]
    widths = {
        key: dimension.width
        for key, dimension in _xlsx(
            tmp_path, _table(rows, *columns)
        ).active.column_dimensions.items()
    }
    # Fitted: wider than Excel's default 8.43 for a long text, the narrow at least 6.
    assert 6 <= widths["A"] < 8.43
    assert 46 < widths["B"] < 52
    assert 60 <= widths["C"] < 61  # capped
    assert 33 <= widths["D"] < 34  # forced
    # Eight Chinese characters take the room of sixteen digits.
    assert 16 < widths["E"] < 20


def test_widths_come_from_every_row_not_only_the_first(tmp_path: Path) -> None:
    rows = [("short",)] * 3000 + [("a much longer text at the very end",)]
    width = _xlsx(tmp_path, _table(rows)).active.column_dimensions["A"].width
    assert width > len("a much longer text at the very end")


def test_display_width_counts_wide_characters_twice() -> None:
    assert display_width("Augsburg") == 8
    assert display_width("北京") == 4
    assert display_width("כפר סבא") == 7
    assert display_width("ＡＢ") == 4  # fullwidth forms


# --- values ----------------------------------------------------------------------------------


def test_dates_numbers_and_years_are_real_cells(tmp_path: Path) -> None:
    columns = _columns("date", "date", "date", "date", "number", "year", "number", "flag")
    row: tuple[SheetCell, ...] = (
        PartialDate(2004, 9, 3),
        PartialDate(2004, 9),
        PartialDate(2004),
        dt.date(2018, 11, 16),
        12345,
        2009,
        2.5,
        True,
    )
    sheet = _xlsx(tmp_path, _table([row], *columns)).active
    day, month, year, date, number, year_number, fraction, flag = sheet[2]
    assert day.is_date
    assert day.value == dt.datetime(2004, 9, 3)
    assert day.number_format == "yyyy-mm-dd"
    assert (month.data_type, month.value) == ("s", "2004-09")  # a month, not its 1st
    assert month.alignment.horizontal == "right"  # in line with the dates
    assert (year.data_type, year.value, year.number_format) == ("n", 2004, "0")
    assert date.is_date
    assert date.value == dt.datetime(2018, 11, 16)
    assert (number.data_type, number.value, number.number_format) == ("n", 12345, "#,##0")
    assert (year_number.value, year_number.number_format) == (2009, "0")
    assert (fraction.data_type, fraction.value) == ("n", 2.5)
    assert (flag.data_type, flag.value) == ("b", True)


def test_what_a_spreadsheet_cannot_hold_as_a_number_or_date_is_text(tmp_path: Path) -> None:
    row: tuple[SheetCell, ...] = (PartialDate(1850, 6, 1), 12345678901234567, float("nan"))
    sheet = _xlsx(tmp_path, _table([row], *_columns("date", "number", "number"))).active
    old, huge, nan = sheet[2]
    assert (old.data_type, old.value) == ("s", "1850-06-01")  # before Excel's calendar
    assert (huge.data_type, huge.value) == ("s", "12345678901234567")  # all its digits
    assert nan.value is None


@pytest.mark.parametrize("text", FORMULAS)
def test_text_like_a_formula_stays_text_in_xlsx(tmp_path: Path, text: str) -> None:
    sheet = _xlsx(tmp_path, _table([(text, -5)], *_columns("text", "number"))).active
    cell = sheet["A2"]
    assert cell.data_type == "s"
    if text.startswith("\r"):
        # XML reads a carriage return as a line feed, which starts no formula.
        assert cell.value == "\n" + text[1:]
    else:
        assert cell.value == text
        assert cell.quotePrefix  # stays text when edited in Excel, too
    assert sheet["B2"].value == -5
    with zipfile.ZipFile(tmp_path / "out.xlsx") as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


@pytest.mark.parametrize("text", FORMULAS)
def test_text_like_a_formula_is_neutralised_in_csv(tmp_path: Path, text: str) -> None:
    rows = _csv(tmp_path, _table([(text, -5, "plain")], *_columns("text", "number", "text")))
    assert rows[1] == ["'" + text, "-5", "plain"]  # numbers are no formulas: not touched


@given(st.text(max_size=12))
def test_neutralised_text_comes_back_whole(text: str) -> None:
    written = neutralised(text)
    assert written.lstrip("'")[:1] not in spreadsheets.FORMULA_STARTS or written.startswith("'")
    assert unneutralised(written) == text


def test_a_name_with_an_apostrophe_is_left_alone() -> None:
    assert neutralised("'s-Hertogenbosch") == "'s-Hertogenbosch"
    assert neutralised("'=x") == "''=x"


def test_text_in_excels_own_markup_is_written_as_text(tmp_path: Path) -> None:
    """xlsxwriter copies inline text of the form <r>…</r> into the sheet's XML unescaped in
    constant-memory mode; such text must neither corrupt the file nor add cells."""
    tricky = '<r><t>x</t></r></is></c><c r="Z9"><f>1+1</f></c><c><is><r><t>y</t></r>'
    plain = "<r>not markup</r>"
    sheet = _xlsx(tmp_path, _table([(tricky,), (plain,)])).active
    assert [sheet.cell(row, 1).value for row in (2, 3)] == [tricky, plain]
    assert sheet["Z9"].value is None


def test_text_like_excels_escapes_reads_back_as_typed(tmp_path: Path) -> None:
    """Excel writes a control character as _x0001_; text that looks like one is escaped in
    turn. openpyxl does not undo that escape in inline text: read as the importer reads."""
    calamine = pytest.importorskip("python_calamine")
    path = tmp_path / "out.xlsx"
    write_xlsx([_table([("_x0041_",), ("_x005F_",), ("a_x000D_b",)])], path)
    rows = calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[1:] == [["_x0041_"], ["_x005F_"], ["a_x000D_b"]]


def test_control_characters_are_replaced(tmp_path: Path) -> None:
    text = "a\x00b\x07c\x1fd\ud800e\ufffff\tg\nh"
    sheet = _xlsx(tmp_path, _table([(text,)])).active
    assert sheet["A2"].value == "a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf\tg\nh"
    rows = _csv(tmp_path, _table([(text,)]))
    assert rows[1] == ["a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf\tg\nh"]


def test_text_beyond_excels_limit_is_cut(tmp_path: Path) -> None:
    long = "言" * 20_000 + "x" * 20_000
    sheet = _xlsx(tmp_path, _table([(long,), ("=" + long,)])).active
    for row in (2, 3):
        value = sheet.cell(row, 1).value
        assert len(value) == 32_767
        assert value.endswith("…")
        assert long[:1000] in value
    assert sheet["A3"].value.startswith("=")
    # A CSV file has no such limit.
    assert _csv(tmp_path, _table([(long,)]))[1] == [long]


def test_text_cut_between_the_halves_of_a_pair_loses_the_pair() -> None:
    text = "x" + "😀" * 20_000  # each two UTF-16 units
    cut = spreadsheets.cut_to_cell(text)
    assert len(cut.encode("utf-16-le")) <= 2 * 32_767
    assert cut.endswith("😀…")


# --- languages -------------------------------------------------------------------------------


CHINESE = ("北京市", "访问", PartialDate(2018, 11, 16), "王小明 (团长)")
HEBREW = ("כפר סבא", "משלחת נכנסת", PartialDate(2019, 5), 'ד"ר כהן – ראש העיר')


@pytest.mark.parametrize("row", [CHINESE, HEBREW])
def test_chinese_and_hebrew_come_back_intact(tmp_path: Path, row: tuple[SheetCell, ...]) -> None:
    columns = (
        SheetColumn("城市 / עיר", "names"),
        SheetColumn("类型", "enum"),
        SheetColumn("日期", "date"),
        SheetColumn("团长", "text"),
    )
    sheet = _xlsx(tmp_path, _table([row], *columns, name="代表团 משלחות")).active
    assert sheet.title == "代表团 משלחות"
    assert [cell.value for cell in sheet[1]] == [column.header for column in columns]
    assert [sheet["A2"].value, sheet["B2"].value, sheet["D2"].value] == [row[0], row[1], row[3]]
    lines = _csv(tmp_path, _table([row], *columns))
    assert lines[0] == [column.header for column in columns]
    assert lines[1] == [row[0], row[1], str(row[2]), row[3]]


def test_a_csv_file_is_utf8_with_a_byte_order_mark_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    table = _table(
        [
            ("北京", None, PartialDate(2004, 9), 1234567, 2.5, "a,b"),
            ("כפר סבא", 0, None, -5, 3.0, 'x"y'),
        ],
        *_columns("text", "number", "date", "number", "number", "text"),
    )
    write_csv(table, path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == 3
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "text,number,date,number,number,text"
    assert lines[1] == '北京,,2004-09,1234567,2.5,"a,b"'  # no grouping of digits
    assert lines[2] == 'כפר סבא,0,,-5,3,"x""y"'


def test_right_to_left_sheets(tmp_path: Path) -> None:
    tables = (_table([("א",)], name="one"), _table([("ב",)], name="two"))
    book = _xlsx(tmp_path, *tables, right_to_left=True, language="he")
    assert [book[name].sheet_view.rightToLeft for name in ("one", "two")] == [True, True]
    assert not _xlsx(tmp_path, *tables).active.sheet_view.rightToLeft


# --- demo rows -------------------------------------------------------------------------------


def test_sample_rows_are_grey_italic_with_a_column_saying_so(tmp_path: Path) -> None:
    table = _table(
        [("Augsburg", PartialDate(2004, 9, 3), 3), ("Kfar Saba", PartialDate(2004), 4)],
        *_columns("text", "date", "number"),
        sample=[True, False],
        sample_header="Sample",
    )
    sheet = _xlsx(tmp_path, table).active
    assert [cell.value for cell in sheet[1]] == ["text", "date", "number", "Sample"]
    assert [cell.value for cell in sheet[2]][3] == "Sample"
    assert sheet["D3"].value is None
    assert all(cell.font.i for cell in sheet[2])
    assert sheet["A2"].font.color.rgb == "FF808080"
    assert sheet["B2"].number_format == "yyyy-mm-dd"  # italic, and still a date
    assert sheet["C2"].number_format == "#,##0"
    assert not any(cell.font.i for cell in sheet[3])
    assert sheet.auto_filter.ref == "A1:D3"
    lines = _csv(tmp_path, table)
    assert [line[3] for line in lines] == ["Sample", "Sample", ""]


def test_no_sample_column_without_sample_rows_or_a_header(tmp_path: Path) -> None:
    for options in (
        {"sample_header": "Sample"},
        {"sample_header": "Sample", "sample": [False, False]},
        {"sample": [True, False]},
    ):
        table = _table([("x",), ("y",)], **options)
        sheet = _xlsx(tmp_path, table).active
        assert sheet.max_column == 1
        assert sheet["A2"].font.i == bool(options.get("sample", [False])[0])
        assert [len(line) for line in _csv(tmp_path, table)] == [1, 1, 1]


# --- sheets ----------------------------------------------------------------------------------


def test_sheet_names_are_made_valid_and_unique() -> None:
    taken: set[str] = set()
    names = [
        sheet_name(name, taken)
        for name in (
            "Year: 2018/19 [draft]?*\\",
            "Delegations",
            "delegations",
            "DELEGATIONS",
            "",
            "'quoted'",
            "History",
            "A name far longer than the thirty-one characters Excel allows",
            "A name far longer than the thirty-one characters Excel allows",
            "代表团" * 20,
        )
    ]
    assert names[:7] == [
        "Year_ 2018_19 _draft____",
        "Delegations",
        "delegations (2)",
        "DELEGATIONS (3)",
        "Sheet",
        "quoted",
        "History_",
    ]
    assert names[7] == "A name far longer than the thirt"[:31]
    assert names[8] == "A name far longer than the (2)"
    assert names[9] == "代表团" * 10 + "代"
    assert all(len(name) <= 31 for name in names)
    assert len({name.casefold() for name in names}) == len(names)


def test_two_tables_make_two_sheets_in_order(tmp_path: Path) -> None:
    book = _xlsx(
        tmp_path, _table([("a",)], name="Delegations"), _table([("b",)], name="Delegations")
    )
    assert book.sheetnames == ["Delegations", "Delegations (2)"]
    assert [book[name]["A2"].value for name in book.sheetnames] == ["a", "b"]


# --- templates -------------------------------------------------------------------------------


def _validations(sheet: Any) -> dict[str, Any]:
    return {str(rule.sqref): rule for rule in sheet.data_validations.dataValidation}


def test_long_choices_go_to_a_hidden_lists_sheet(tmp_path: Path) -> None:
    countries = tuple(f"Country {n:03d}, the {n}th" for n in range(250))
    columns = (
        SheetColumn("Country", "country", choices=countries),
        SheetColumn("Direction", "enum", choices=("incoming", "outgoing")),
        SheetColumn("Also a country", "country", choices=countries),
        SheetColumn("Start", "date", note="2004-09-03, 2004-09 or 2004"),
    )
    table = _table(
        [("Country 001, the 1th", "incoming", None, None)], *columns, name="Lists", empty_rows=50
    )
    book = _xlsx(tmp_path, table)
    assert book.sheetnames == ["Lists (2)", "Lists"]
    data, lists = book["Lists (2)"], book["Lists"]
    assert lists.sheet_state == "hidden"
    assert data.sheet_state == "visible"
    assert [lists.cell(row, 1).value for row in (1, 250)] == [countries[0], countries[249]]
    assert lists.max_column == 1  # the same list once
    rules = _validations(data)
    assert set(rules) == {"A2:A52", "B2:B52", "C2:C52"}
    assert rules["A2:A52"].formula1 == "Lists!$A$1:$A$250"
    assert rules["C2:C52"].formula1 == "Lists!$A$1:$A$250"
    assert rules["A2:A52"].errorStyle == "warning"
    assert rules["B2:B52"].formula1 == '"incoming,outgoing"'  # short: inline
    assert rules["B2:B52"].errorStyle in (None, "stop")
    assert data["D1"].comment.text == "2004-09-03, 2004-09 or 2004"
    # The rows below the data are formatted for what will be typed there.
    assert data["D40"].number_format == "yyyy-mm-dd"
    assert data["A40"].value is None


def test_a_template_without_data_rows(tmp_path: Path) -> None:
    columns = (SheetColumn("Direction", "enum", choices=("incoming", "outgoing")),)
    sheet = _xlsx(tmp_path, _table([], *columns, empty_rows=10)).active
    assert sheet.max_row >= 1
    assert [cell.value for cell in sheet[1]] == ["Direction"]
    assert set(_validations(sheet)) == {"A2:A11"}


# --- printing and properties -----------------------------------------------------------------


def test_print_setup_and_document_properties(tmp_path: Path) -> None:
    wide = _table([tuple("abcdefg")], name="Wide", title="Delegations · Year: 2018 & more")
    narrow = _table([tuple("abc")], name="Narrow")
    book = _xlsx(tmp_path, wide, narrow, language="zh_CN")
    first, second = book["Wide"], book["Narrow"]
    assert first.page_setup.orientation == "landscape"
    assert second.page_setup.orientation != "landscape"
    for sheet in (first, second):
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToHeight == 0
        assert sheet.print_title_rows == "$1:$1"
        assert sheet.oddFooter.center.text == "&P / &N"
    assert first.oddHeader.center.text == "Delegations · Year: 2018 && more"
    assert first["A1"].value == "Column 1"  # the title is not a row
    assert book.properties.title == "Delegations · Year: 2018 & more"
    assert {prop.name: prop.value for prop in book.custom_doc_props.props} == {"Language": "zh-CN"}


# --- failures --------------------------------------------------------------------------------


def _as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.mark.skipif(os.name == "nt", reason="chmod does not make a folder read-only on Windows")
def test_a_read_only_folder_is_an_export_error_and_the_old_file_stays(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    old = folder / "list.xlsx"
    old.write_bytes(b"the old file")
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("this user writes to read-only folders (root): simulated below")
        for path in (old, folder / "list.csv"):
            with pytest.raises(ExportError) as caught:
                _write(path.suffix[1:], _table([("x",)]), path)
            assert path.name in caught.value.message
            assert "read-only" in caught.value.message
    finally:
        folder.chmod(0o755)
    assert old.read_bytes() == b"the old file"
    _no_leftovers(folder)


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_read_only_folder_as_root_sees_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """The folder refuses the new file: before any row is written, the old file intact."""
    old = tmp_path / f"list.{kind}"
    old.write_bytes(b"the old file")
    opened = os.open

    def refused(path: Any, *args: Any, **options: Any) -> int:
        if Path(path).parent == tmp_path and Path(path).name.startswith(".~"):
            raise PermissionError(13, "Permission denied", str(path))
        return opened(path, *args, **options)

    class Untouched:
        def __iter__(self) -> Iterator[tuple[str]]:
            raise AssertionError("rows read before the file could be made")

    monkeypatch.setattr(os, "open", refused)
    with pytest.raises(ExportError, match="the folder is read-only"):
        _write(kind, SheetTable("b", _columns("text"), Untouched()), old)
    assert old.read_bytes() == b"the old file"
    _no_leftovers(tmp_path)


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_file_open_in_excel_is_an_export_error_and_stays_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """Windows refuses to replace a file Excel has open: the rename fails, as here."""
    old = tmp_path / f"list.{kind}"
    old.write_bytes(b"the old file")

    def refused(source: object, target: object) -> None:
        raise PermissionError(13, "Permission denied", str(target))

    monkeypatch.setattr(os, "replace", refused)
    with pytest.raises(ExportError) as caught:
        _write(kind, _table([("x",)] * 10), old)
    assert caught.value.message == (
        f"The file list.{kind} could not be written: it is open in another program (Excel?)"
        " or the folder is read-only. Close it or choose another name."
    )
    assert caught.value.user_message() == caught.value.message
    assert old.read_bytes() == b"the old file"
    _no_leftovers(tmp_path)


def test_a_missing_folder_is_an_export_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not exist") as caught:
        write_xlsx([_table([("x",)])], tmp_path / "gone" / "list.xlsx")
    assert "list.xlsx" in caught.value.message
    with pytest.raises(ExportError, match="does not exist"):
        write_csv(_table([("x",)]), tmp_path / "gone" / "list.csv")


def test_a_failure_while_writing_leaves_the_old_file_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nor the row files constant-memory mode keeps in the temporary folder, left open."""
    temporary = tmp_path / "temp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    old = tmp_path / "list.xlsx"
    old.write_bytes(b"the old file")

    def rows() -> Iterator[tuple[SheetCell, ...]]:
        yield ("fine",)
        raise RuntimeError("the database went away")

    for kind in ("xlsx", "csv"):
        table = SheetTable("b", _columns("text"), rows())
        with pytest.raises(RuntimeError, match="went away"):
            _write(kind, table, old, _table([("x",)], name="a"))
        assert old.read_bytes() == b"the old file"
        _no_leftovers(tmp_path)
        assert list(temporary.iterdir()) == []


def test_too_many_rows_for_a_sheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spreadsheets, "EXCEL_MAX_ROWS", 5)
    with pytest.raises(ExportError, match="more rows than a spreadsheet holds"):
        write_xlsx([_table([("x",)] * 5, name="Delegations")], tmp_path / "list.xlsx")
    assert not (tmp_path / "list.xlsx").exists()


def test_the_old_file_is_replaced_when_all_goes_well(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"the old file")
    write_xlsx([_table([("new",)])], path)
    assert openpyxl.load_workbook(path).active["A2"].value == "new"
    _no_leftovers(tmp_path)


# --- views -----------------------------------------------------------------------------------


def _view(sample: list[bool], conditions: tuple[str, ...] = ()) -> ListedView:
    return ListedView(
        kind="delegations",
        tab="delegations",
        title="Delegations",
        language="en",
        columns=(ViewColumn("Start", "date"), ViewColumn("Members", "number")),
        rows=[(PartialDate(2018, 11, 16), 5), (PartialDate(2019), 7)],
        sample=sample,
        conditions=conditions,
    )


def test_a_view_as_a_table(tmp_path: Path) -> None:
    table = view_table(
        _view([False, True], ("Year: 2018", "Search: Augsburg")), sample_header="Sample"
    )
    assert table.name == "Delegations"
    assert table.title == "Delegations · Year: 2018 · Search: Augsburg"
    assert table.columns == (SheetColumn("Start", "date"), SheetColumn("Members", "number"))
    assert list(table.sample or ()) == [False, True]
    assert table.sample_header == "Sample"
    sheet = _xlsx(tmp_path, table).active
    assert [cell.value for cell in sheet[3]] == [2019, 7, "Sample"]
    plain = view_table(_view([False, False]), sample_header="Sample")
    assert plain.sample is None
    assert plain.title == "Delegations"


def test_limits_of_print_headers_and_drop_downs_are_kept(tmp_path: Path) -> None:
    """xlsxwriter only warns and leaves out a header or an inline list past Excel's 255
    characters (a warning fails this suite): the writer keeps within them."""
    emoji = tuple("😀" * 30 for _ in range(4))  # 123 characters, 243 UTF-16 units
    more = (*emoji, "😀" * 7)  # 131 characters but 258 units: the Lists sheet
    columns = (SheetColumn("a", "enum", choices=emoji), SheetColumn("b", "enum", choices=more))
    table = _table([("x", "y")], *columns, title="R&D " * 100, empty_rows=2)
    book = _xlsx(tmp_path, table)
    sheet = book["List"]
    assert len(sheet.oddHeader.center.text) <= 255
    assert sheet.oddHeader.center.text.startswith("R&&D R&&D")
    rules = _validations(sheet)
    assert rules["A2:A4"].formula1.startswith('"😀')
    assert rules["B2:B4"].formula1 == "Lists!$A$1:$A$5"
