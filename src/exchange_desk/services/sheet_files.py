"""Reading the office's spreadsheets and CSV files into raw tables, and finding the table in one.

`read_source` turns a file into `RawSheet`s: rows of plain Python values, as the file holds
them. It decides what the file is by its content, not its name (offices rename files, and
old systems export web pages as ".xls"), and says in the user's language what to do when a
file cannot be read: a password, a Word document, a file cut short by a copy...

`find_table` finds the header and the records in a sheet made for people rather than for a
program: a merged title, a date line, blank rows, then the header and the data, then notes.

Workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) are read by calamine (Rust), which gives the
cached value of every formula. Its Python binding turns a formula's error value into an
empty cell, which would import as a value left blank; the error cells are looked up in the
file itself (`_xlsx_errors`, `_ods_errors`, `_biff_fixes`) and given as `CellError`.

Nothing here interprets a value (that is the importer's work): a date stays a date, a text
stays a text, a CSV gives only texts.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import gc
import io
import itertools
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import python_calamine

from exchange_desk.domain.errors import ExchangeDeskError
from exchange_desk.domain.messages import N_
from exchange_desk.i18n.catalog import _
from exchange_desk.i18n.formatting import format_number
from exchange_desk.services.spreadsheets import unneutralised

__all__ = [
    "CSV_ENCODINGS",
    "MAX_ROWS",
    "CellError",
    "FoundTable",
    "RawSheet",
    "SheetFileError",
    "SourceFile",
    "find_table",
    "read_source",
    "unquote_csv_cell",
]

MAX_ROWS = 200_000

CSV_ENCODINGS: tuple[tuple[str, str], ...] = (
    ("utf-8-sig", N_("Unicode (UTF-8)")),
    ("gb18030", N_("Chinese (GB18030/GBK)")),
    ("cp1255", N_("Hebrew (Windows-1255)")),
    ("cp1252", N_("Western (Windows-1252)")),
)

# The header is looked for among the first rows only: a title, a date line, a few notes
# above the table are usual; thirty rows of them are not.
HEADER_SEARCH_ROWS = 30
# How far below the first row that could be the header the real one may be (under lines
# such as "填报单位：…  日期：…").
_HEADER_SPREAD = 5


class SheetFileError(ExchangeDeskError):
    """A file that cannot be read as a sheet: `.message` in the user's language names the
    file and says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def user_message(self) -> str:
        return self.message


@dataclass(frozen=True)
class CellError:
    """A formula whose cached value is an error: "#REF!", "#DIV/0!", "#N/A", "#VALUE!"..."""

    code: str


@dataclass
class RawSheet:
    """One sheet as the file holds it: `rows[0]` is row 1. Cells are None (empty, or only
    spaces), str, int, float, bool, date, datetime, time or `CellError`; trailing empty
    cells are left out, so rows differ in length."""

    name: str
    rows: list[list[Any]]
    # The file's name, for find_table's messages ("" when the sheet was made by hand).
    file_name: str = ""


@dataclass
class SourceFile:
    path: Path
    format: str  # "xlsx", "xlsm", "xlsb", "xls", "ods", "csv"
    sheets: list[RawSheet]
    encoding: str | None = None  # csv: the codec used
    encoding_guessed: bool = False  # csv: True when detected rather than given


@dataclass
class FoundTable:
    sheet: str
    header_row: int  # 1-based, as Excel numbers rows
    headers: list[str]  # stripped; "" for an empty header cell
    rows: list[tuple[int, list[Any]]]  # (1-based row number, cells aligned to headers)
    skipped: list[int]  # title and notes rows left out (blank rows are not listed)


# --- reading -----------------------------------------------------------------------------


def read_source(
    path: str | Path, *, encoding: str | None = None, sheet: str | None = None
) -> SourceFile:
    """Read `path` into raw sheets: every visible worksheet, or only `sheet`.

    `encoding` forces a CSV file's codec (one of CSV_ENCODINGS, or any Python codec);
    without it the codec is detected. Raises SheetFileError, with a message for the user,
    for anything that cannot be read.
    """
    path = Path(path)
    name = path.name
    data = _read_bytes(path)
    if not data:
        raise SheetFileError(_("The file {name} is empty.").format(name=name))
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return _read_zip(path, data, sheet)
    if data.startswith(_CFB_SIGNATURE):
        return _read_compound(path, data, sheet)
    return _read_text(path, data, encoding, sheet)


def _read_bytes(path: Path) -> bytes:
    name = path.name
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SheetFileError(
            _("The file {name} does not exist (it may have been moved or renamed).").format(
                name=name
            )
        ) from None
    except IsADirectoryError:
        raise SheetFileError(
            _("{name} is a folder: choose a spreadsheet or CSV file.").format(name=name)
        ) from None
    except PermissionError:
        # Windows: Excel holds an open workbook locked; elsewhere, the file's permissions.
        raise SheetFileError(
            _(
                "The file {name} is open in another program (Excel?) or you may not read "
                "it: close it and try again."
            ).format(name=name)
        ) from None
    except OSError as exc:
        raise SheetFileError(
            _("The file {name} could not be read: {reason}").format(
                name=name, reason=exc.strerror or exc
            )
        ) from None


def _damaged(name: str) -> SheetFileError:
    return SheetFileError(
        _(
            "The file {name} is damaged (it may not have been copied completely): copy it "
            "again, or open it in Excel and save it anew."
        ).format(name=name)
    )


def _password(name: str) -> SheetFileError:
    return SheetFileError(
        _(
            "The file {name} is protected with a password; save it without one and import it again."
        ).format(name=name)
    )


def _not_a_sheet(name: str) -> SheetFileError:
    if name.startswith("~$"):
        # Excel's lock file beside an open workbook: small, binary, and easy to pick by
        # mistake in a file dialog.
        return SheetFileError(
            _(
                "The file {name} is the mark Excel leaves beside a workbook that is open: "
                "choose the workbook itself (its name without ~$)."
            ).format(name=name)
        )
    return SheetFileError(_("The file {name} is not a spreadsheet or CSV file.").format(name=name))


def _word_document(name: str) -> SheetFileError:
    return SheetFileError(
        _(
            "The file {name} is a Word document, not a spreadsheet: copy its table into "
            "Excel, save it as .xlsx and import that."
        ).format(name=name)
    )


def _too_many_rows(name: str, sheet: str, count: int) -> SheetFileError:
    return SheetFileError(
        _(
            "The sheet {sheet} of {name} has {count} rows; at most {limit} can be imported "
            "at once: split it into smaller files."
        ).format(sheet=sheet, name=name, count=format_number(count), limit=format_number(MAX_ROWS))
    )


# --- workbooks ---------------------------------------------------------------------------

# Which suffixes calamine's `from_path` reads as which format: it chooses its reader by the
# suffix, so a file whose suffix says otherwise is handed over as bytes, to be sniffed.
_SUFFIXES = {
    "xlsx": (".xlsx", ".xltx"),
    "xlsm": (".xlsm", ".xltm", ".xlam"),
    "xlsb": (".xlsb",),
    "xls": (".xls", ".xlt", ".xla"),
    "ods": (".ods", ".ots"),
}

# Fixes to apply after calamine: sheet name -> [(row index, column index, value)].
_Fixes = dict[str, list[tuple[int, int, Any]]]


def _read_zip(path: Path, data: bytes, sheet: str | None) -> SourceFile:
    name = path.name
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, ValueError):
        # The central directory sits at the end of a zip: a copy cut short loses it first.
        raise _damaged(name) from None
    with archive:
        names = set(archive.namelist())
        if "xl/workbook.bin" in names:
            kind = "xlsb"
        elif any(member.startswith("xl/") for member in names):
            kind = "xlsm" if _macro_enabled(archive) else "xlsx"
        elif "word/document.xml" in names:
            raise _word_document(name)
        elif "content.xml" in names and _zip_text(archive, "mimetype").startswith(
            "application/vnd.oasis.opendocument.spreadsheet"
        ):
            kind = "ods"
        else:
            raise _not_a_sheet(name)

        def fixes(sheets: list[str]) -> _Fixes:
            try:
                if kind in ("xlsx", "xlsm"):
                    return _xlsx_errors(archive, sheets)
                if kind == "ods":
                    return _ods_errors(archive, sheets)
            except (
                KeyError,
                OSError,
                ValueError,
                zipfile.BadZipFile,
                zlib.error,
                ElementTree.ParseError,
            ):
                pass  # a part calamine read but this cannot: calamine has the last word
            return {}

        return _read_workbook(path, data, kind, sheet, fixes)


def _zip_text(archive: zipfile.ZipFile, member: str) -> str:
    try:
        return archive.read(member)[:200].decode("ascii", "replace").strip()
    except (KeyError, OSError, zipfile.BadZipFile, zlib.error):
        return ""


def _macro_enabled(archive: zipfile.ZipFile) -> bool:
    try:
        types = archive.read("[Content_Types].xml")
    except (KeyError, OSError, zipfile.BadZipFile, zlib.error):
        return False
    return b"macroEnabled.main+xml" in types


def _read_compound(path: Path, data: bytes, sheet: str | None) -> SourceFile:
    """An OLE2 compound file: an .xls, an encrypted .xlsx (Excel wraps the encrypted zip in
    one), or an old Word document."""
    name = path.name
    try:
        compound: _Compound | None = _Compound(data)
    except ValueError:
        compound = None  # calamine may still make sense of it, or say it is damaged
    biff: bytes | None = None
    if compound is not None:
        entries = compound.names()
        if "EncryptedPackage" in entries or "EncryptionInfo" in entries:
            raise _password(name)
        stream = "Workbook" if "Workbook" in entries else "Book" if "Book" in entries else None
        if stream is None:
            raise _word_document(name) if "WordDocument" in entries else _not_a_sheet(name)
        try:
            biff = compound.stream(stream)
        except ValueError:
            biff = None
        if biff is not None and not biff.startswith(_BIFF_STARTS):
            raise _damaged(name)  # a workbook stream begins with a BOF record, always
        if biff is not None and _biff_encrypted(biff):
            raise _password(name)
    found = biff

    def fixes(sheets: list[str]) -> _Fixes:
        if found is None:
            return {}
        try:
            return _biff_fixes(found, sheets)
        except (struct.error, IndexError, UnicodeDecodeError):
            return {}

    return _read_workbook(path, data, "xls", sheet, fixes)


def _read_workbook(
    path: Path,
    data: bytes,
    kind: str,
    sheet: str | None,
    fixes: Callable[[list[str]], _Fixes],
) -> SourceFile:
    name = path.name
    try:
        if path.suffix.lower() in _SUFFIXES[kind]:
            workbook = python_calamine.CalamineWorkbook.from_path(path)
        else:
            workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise _password(name) from None
    except PermissionError:
        raise SheetFileError(
            _(
                "The file {name} is open in another program (Excel?) or you may not read "
                "it: close it and try again."
            ).format(name=name)
        ) from None
    except BaseException as exc:
        _reraise_unless_calamine(exc)
        raise _damaged(name) from None
    with workbook:
        worksheets = [
            meta
            for meta in workbook.sheets_metadata
            if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        ]
        if sheet is not None:
            chosen = [meta.name for meta in worksheets if meta.name == sheet]
            if not chosen:
                raise SheetFileError(
                    _(
                        "The file {name} has no sheet named {sheet}; its sheets are: {sheets}."
                    ).format(
                        name=name,
                        sheet=sheet,
                        sheets=", ".join(meta.name for meta in worksheets),
                    )
                )
        else:
            # Hidden sheets hold drop-down lists and workings, not records; a workbook has
            # at least one visible sheet (Excel refuses to hide the last one).
            visible = python_calamine.SheetVisibleEnum.Visible
            chosen = [meta.name for meta in worksheets if meta.visible == visible]
            chosen = chosen or [meta.name for meta in worksheets]
        if not chosen:
            raise SheetFileError(
                _("The file {name} has no sheet that can be read.").format(name=name)
            )
        sheets: list[RawSheet] = []
        loaded = []
        for sheet_name in chosen:
            try:
                loaded.append(workbook.get_sheet_by_name(sheet_name))
            except python_calamine.PasswordError:
                raise _password(name) from None
            except BaseException as exc:
                _reraise_unless_calamine(exc)
                raise _damaged(name) from None
        # Only the sheet's extent is known here: calamine holds the cells in Rust, and a
        # sheet over the limit is refused before a single Python row is made of it.
        for loaded_sheet in loaded:
            end = loaded_sheet.end
            if end is not None and end[0] + 1 > MAX_ROWS:
                raise _too_many_rows(name, loaded_sheet.name, end[0] + 1)
        corrections = fixes(chosen)
        for loaded_sheet in loaded:
            with _collector_paused():
                rows = (
                    loaded_sheet.to_python(skip_empty_area=False)
                    if loaded_sheet.end is not None
                    else []
                )
            for row_index, column, value in corrections.get(loaded_sheet.name, ()):
                if row_index < len(rows) and column < len(rows[row_index]):
                    rows[row_index][column] = value
            _clean(rows)
            _fill_merged_down(rows, loaded_sheet.merged_cell_ranges)
            sheets.append(RawSheet(loaded_sheet.name, rows, name))
    return SourceFile(path=path, format=kind, sheets=sheets)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a sheet's rows are made: each of the tens of
    thousands of new lists counts towards a collection, and the full ones that follow walk
    every row made so far, which doubled the time of reading ten thousand rows. The rows
    hold no cycles: nothing is left for the collector to find."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _reraise_unless_calamine(exc: BaseException) -> None:
    """Let through what is not a reading failure. calamine reports a file it cannot parse
    with a CalamineError, an OSError or ValueError, and a file that trips one of its
    assertions with pyo3's PanicException, a BaseException; KeyboardInterrupt and the
    like must still stop the program."""
    if isinstance(exc, Exception) or type(exc).__name__ == "PanicException":
        return
    raise exc


def _clean(rows: list[list[Any]]) -> None:
    """Turn calamine's values into the ones RawSheet promises, in place: "" and spaces into
    None, whole floats into int (Excel stores 1983 as 1983.0), durations into time or text;
    trailing empty cells dropped."""
    for row in rows:
        for index, value in enumerate(row):
            kind = value.__class__
            if kind is str:
                if not value or value.isspace():
                    row[index] = None
            elif kind is float:
                # Beyond 2**53 a float no longer holds every whole number: an ID card number
                # typed as a number has lost digits, and an int would hide that.
                if value.is_integer() and -_EXACT <= value <= _EXACT:
                    row[index] = int(value)
            elif kind is dt.timedelta:
                row[index] = _duration(value)
        while row and row[-1] is None:
            row.pop()


_EXACT = float(2**53)


def _duration(value: dt.timedelta) -> dt.time | str:
    """A cell formatted as a duration ([h]:mm): a time of day under 24 hours (what offices
    mean by it), else its text as Excel shows it, "36:30"."""
    seconds = round(value.total_seconds())
    if 0 <= seconds < 86400:
        return dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    text = f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}"
    return text + (f":{seconds % 60:02d}" if seconds % 60 else "")


def _fill_merged_down(
    rows: list[list[Any]], merged: list[tuple[tuple[int, int], tuple[int, int]]] | None
) -> None:
    """Give each row of a cell merged down one column the merged value, as a reader sees it:
    offices merge a country's cell over all its cities. Merges across columns are left
    alone: they are titles and grouped headers, whose copies would look like data."""
    for (top, column), (bottom, right) in merged or ():
        if right != column or bottom <= top or top >= len(rows):
            continue
        anchor = rows[top]
        value = anchor[column] if column < len(anchor) else None
        if value is None:
            continue
        for row in rows[top + 1 : bottom + 1]:
            if len(row) <= column:
                row.extend([None] * (column + 1 - len(row)))
            if row[column] is None:
                row[column] = value


# --- error values that calamine's binding drops ------------------------------------------

_CELL_REFERENCE = re.compile(rb"""\br\s*=\s*["']([A-Z]{1,3})([0-9]{1,7})["']""")
_XLSX_ERROR_CELL = re.compile(rb"""<(?:\w+:)?c\s[^>]*?\bt\s*=\s*["']e["'][^>]*>""")
_XLSX_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_XLSX_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_SPREADSHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_OFFICE_RELATIONSHIPS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _xlsx_errors(archive: zipfile.ZipFile, sheets: list[str]) -> _Fixes:
    """The cells of `sheets` whose value is an error (t="e"), read from the sheets' XML.

    Most sheets have none: the XML is then only searched for the attribute, without
    parsing, which costs a few milliseconds for ten thousand rows."""
    parts = _xlsx_sheet_parts(archive)
    found: _Fixes = {}
    for sheet in sheets:
        part = parts.get(sheet)
        if part is None or part not in archive.NameToInfo:
            continue
        xml = archive.read(part)
        if b't="e"' not in xml and b"t='e'" not in xml:
            continue
        cells = []
        for match in _XLSX_ERROR_CELL.finditer(xml):
            tag = match.group()
            reference = _CELL_REFERENCE.search(tag)
            if reference is None or tag.endswith(b"/>"):
                continue
            end = _XLSX_CELL_END.search(xml, match.end())
            if end is None:
                continue
            value = _XLSX_VALUE.search(xml, match.end(), end.start())
            code = value.group(1).decode("utf-8", "replace").strip() if value else ""
            cells.append(
                (
                    int(reference.group(2)) - 1,
                    _column_index(reference.group(1)),
                    CellError(code or "#VALUE!"),
                )
            )
        found[sheet] = cells
    return found


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _xlsx_sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part in the zip ("xl/worksheets/sheet1.xml")."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets: dict[str | None, str] = {}
    for relation in relations.iter(f"{_RELATIONSHIPS}Relationship"):
        target = relation.get("Target", "")
        # Targets are relative to xl/, or absolute from the zip's root.
        targets[relation.get("Id")] = target[1:] if target.startswith("/") else "xl/" + target
    parts: dict[str, str] = {}
    for element in workbook.iter(f"{_SPREADSHEET}sheet"):
        part = targets.get(element.get(f"{_OFFICE_RELATIONSHIPS}id"))
        if part is not None:
            parts[element.get("name", "")] = part
    return parts


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"


def _ods_errors(archive: zipfile.ZipFile, sheets: list[str]) -> _Fixes:
    """The cells of `sheets` whose formula gives an error. LibreOffice writes them as an
    empty string value with calcext:value-type="error" and the code as the cell's text;
    calamine reads the empty string."""
    content = archive.read("content.xml")
    if b'value-type="error"' not in content:
        return {}
    wanted = set(sheets)
    found: _Fixes = {}
    table = ""
    row = column = 0
    row_errors: list[tuple[int, CellError]] = []
    for event, element in ElementTree.iterparse(io.BytesIO(content), events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == f"{_TABLE}table":
                table, row = element.get(f"{_TABLE}name", ""), 0
            elif tag == f"{_TABLE}table-row":
                column, row_errors = 0, []
            continue
        if tag in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
            repeat = int(element.get(f"{_TABLE}number-columns-repeated", "1"))
            if element.get(f"{_CALCEXT}value-type") == "error" and table in wanted:
                code = CellError("".join(element.itertext()).strip() or "#VALUE!")
                row_errors.extend((column + offset, code) for offset in range(min(repeat, 100)))
            column += repeat
            element.clear()
        elif tag == f"{_TABLE}table-row":
            repeat = int(element.get(f"{_TABLE}number-rows-repeated", "1"))
            if row_errors:
                cells = found.setdefault(table, [])
                for offset in range(min(repeat, 100)):
                    cells.extend((row + offset, col, code) for col, code in row_errors)
            row += repeat
            element.clear()
    return found


# --- OLE2 compound files and BIFF (.xls) ---------------------------------------------------

_CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_CHAIN = 0xFFFFFFFE
_SPECIAL = 0xFFFFFFFA  # from here up: no sector number but a marker


class _Compound:
    """Just enough of an OLE2 compound file ([MS-CFB]) to list its streams and read one.
    Any inconsistency raises ValueError."""

    def __init__(self, data: bytes) -> None:
        if len(data) < 512:
            raise ValueError("too short")
        self.data = data
        self.sector = 1 << struct.unpack_from("<H", data, 0x1E)[0]
        self.mini_sector = 1 << struct.unpack_from("<H", data, 0x20)[0]
        if self.sector not in (512, 4096) or self.mini_sector != 64:
            raise ValueError("unknown sector size")
        (fat_count, directory_start) = struct.unpack_from("<II", data, 0x2C)
        (self.cutoff, mini_fat_start, mini_fat_count) = struct.unpack_from("<III", data, 0x38)
        (difat_start, difat_count) = struct.unpack_from("<II", data, 0x44)
        fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s < _SPECIAL]
        per_sector = self.sector // 4
        sector = difat_start
        for _step in range(difat_count):
            if sector >= _SPECIAL:
                break
            entries = struct.unpack_from(f"<{per_sector}I", self._sector(sector))
            fat_sectors.extend(s for s in entries[:-1] if s < _SPECIAL)
            sector = entries[-1]
        fat_sectors = fat_sectors[:fat_count]
        self.fat: tuple[int, ...] = struct.unpack(
            f"<{per_sector * len(fat_sectors)}I",
            b"".join(self._sector(s) for s in fat_sectors),
        )
        directory = self._chain(directory_start)
        self.entries: list[tuple[str, int, int, int]] = []
        for offset in range(0, len(directory) - 127, 128):
            length, kind = struct.unpack_from("<HB", directory, offset + 64)
            start, size = struct.unpack_from("<II", directory, offset + 116)
            label = directory[offset : offset + max(0, min(length, 64) - 2)]
            self.entries.append((label.decode("utf-16-le", "replace"), kind, start, size))
        if not self.entries or self.entries[0][1] != 5:
            raise ValueError("no root entry")
        self.mini_fat: tuple[int, ...] = ()
        if mini_fat_count:
            table = self._chain(mini_fat_start)
            self.mini_fat = struct.unpack(f"<{len(table) // 4}I", table[: len(table) // 4 * 4])

    def _sector(self, number: int) -> bytes:
        start = (number + 1) * self.sector
        if start + self.sector > len(self.data):
            raise ValueError("sector past the end")
        return self.data[start : start + self.sector]

    def _chain(self, start: int) -> bytes:
        parts: list[bytes] = []
        sector = start
        for _step in range(len(self.fat) + 1):
            if sector == _END_OF_CHAIN:
                return b"".join(parts)
            if sector >= len(self.fat):
                raise ValueError("broken chain")
            parts.append(self._sector(sector))
            sector = self.fat[sector]
        raise ValueError("chain loops")

    def names(self) -> set[str]:
        return {label for label, kind, _start, _size in self.entries if kind in (1, 2)}

    def stream(self, name: str) -> bytes:
        for label, kind, start, size in self.entries:
            if kind == 2 and label == name:
                if size >= self.cutoff:
                    return self._chain(start)[:size]
                return self._mini_stream(start, size)
        raise ValueError("no such stream")

    def _mini_stream(self, start: int, size: int) -> bytes:
        _label, _kind, root_start, _root_size = self.entries[0]
        container = self._chain(root_start)
        parts: list[bytes] = []
        sector = start
        for _step in range(len(self.mini_fat) + 1):
            if sector == _END_OF_CHAIN:
                return b"".join(parts)[:size]
            if sector >= len(self.mini_fat):
                raise ValueError("broken mini chain")
            parts.append(container[sector * 64 : sector * 64 + 64])
            sector = self.mini_fat[sector]
        raise ValueError("mini chain loops")


_BIFF_BOF = 0x0809
# A workbook stream opens with a BOF record: 0x0809 (BIFF5, BIFF8), 0x0409, 0x0209, 0x0009.
_BIFF_STARTS = (b"\x09\x08", b"\x09\x04", b"\x09\x02", b"\x09\x00")
_BIFF_EOF = 0x000A
_BIFF_FILEPASS = 0x002F
_BIFF_BOUNDSHEET = 0x0085
_BIFF_FORMULA = 0x0006
_BIFF_BOOLERR = 0x0205
_BIFF_ERRORS = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
    0x2B: "#GETTING_DATA",
}


def _biff_records(stream: bytes) -> Iterator[tuple[int, int, int]]:
    """(record type, offset of its data, its length) of each record of a BIFF stream."""
    position, end = 0, len(stream) - 4
    unpack = struct.Struct("<HH").unpack_from
    while position <= end:
        kind, length = unpack(stream, position)
        yield kind, position + 4, length
        position += 4 + length


def _biff_encrypted(stream: bytes) -> bool:
    """Whether the workbook's globals hold a FILEPASS record: its cells are encrypted."""
    for kind, _start, _length in _biff_records(stream):
        if kind == _BIFF_FILEPASS:
            return True
        if kind == _BIFF_EOF:
            return False
    return False


def _biff_fixes(stream: bytes, sheets: list[str]) -> _Fixes:
    """The error values of an .xls's formulas (and typed-in errors), which calamine's
    binding gives as empty cells."""
    if len(stream) < 8:
        return {}
    kind, _length, version = struct.unpack_from("<HHH", stream, 0)
    if kind != _BIFF_BOF or version != 0x0600:
        return {}  # not BIFF8 (Excel 97 and later): BIFF5's records differ
    positions: dict[int, str] = {}
    found: _Fixes = {}
    wanted = set(sheets)
    cells: list[tuple[int, int, Any]] | None = None
    # A chart drawn on a sheet is a substream of its own (BOF ... EOF) inside the sheet's.
    outer: list[list[tuple[int, int, Any]] | None] = []
    for kind, start, _length in _biff_records(stream):
        if kind == _BIFF_BOUNDSHEET:
            (offset,) = struct.unpack_from("<I", stream, start)
            count, flags = stream[start + 6], stream[start + 7]
            raw = stream[start + 8 : start + 8 + count * (2 if flags & 1 else 1)]
            positions[offset] = raw.decode("utf-16-le" if flags & 1 else "latin-1")
        elif kind == _BIFF_BOF:
            outer.append(cells)
            sheet = positions.get(start - 4)
            cells = found.setdefault(sheet, []) if sheet in wanted and sheet else None
        elif kind == _BIFF_EOF:
            cells = outer.pop() if outer else None
        elif cells is None:
            continue
        elif kind == _BIFF_FORMULA:
            # The cached result: a double, or, when its last two bytes are FF FF, a tag in
            # the first byte (2: an error, whose code is the third byte).
            if stream[start + 12 : start + 14] == b"\xff\xff" and stream[start + 6] == 2:
                row, column = struct.unpack_from("<HH", stream, start)
                code = _BIFF_ERRORS.get(stream[start + 8], "#VALUE!")
                cells.append((row, column, CellError(code)))
        elif kind == _BIFF_BOOLERR and stream[start + 7]:
            row, column = struct.unpack_from("<HH", stream, start)
            cells.append((row, column, CellError(_BIFF_ERRORS.get(stream[start + 6], "#VALUE!"))))
    return found


# --- CSV -----------------------------------------------------------------------------------


# A CSV cell our export neutralised ("'=SUM(A1)", OWASP's rule against CSV injection) reads
# back as typed: the exact inverse of `spreadsheets.neutralised`. An apostrophe before
# anything else is the text's own and stays.
unquote_csv_cell = unneutralised


_SAMPLE = 256 * 1024
_CANDIDATES = ("gb18030", "cp1255", "cp1252")
# Text that no CSV file holds: an old system's "Excel export" that is really a web page,
# and Excel 2003's XML spreadsheet.
_MARKUP = ("<html", "<!doctype", "<?xml", "<table", "<workbook", "<head", "<meta")


def _read_text(path: Path, data: bytes, encoding: str | None, sheet: str | None) -> SourceFile:
    name = path.name
    sample = data[:_SAMPLE]
    has_bom16 = sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if encoding is None and not has_bom16 and b"\x00" in sample:
        raise _not_a_sheet(name)
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except LookupError:
            raise ValueError(f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError:
            label = dict(CSV_ENCODINGS).get(encoding)
            raise SheetFileError(
                _("The file {name} cannot be read as {encoding}: choose another encoding.").format(
                    name=name, encoding=_(label) if label else encoding
                )
            ) from None
        used, guessed = encoding, False
    else:
        decoded = _decode(data, has_bom16)
        if decoded is None:
            raise _not_a_sheet(name)
        used, text = decoded
        guessed = True
    text = text.removeprefix("\ufeff")
    head = text[:_SAMPLE]
    if _control_characters(head):
        raise _not_a_sheet(name)
    if head.lstrip()[:12].lower().startswith(_MARKUP):
        raise SheetFileError(
            _(
                "The file {name} is a web page or XML file under a spreadsheet's name: open "
                "it in Excel, save it as an Excel workbook (.xlsx) and import that."
            ).format(name=name)
        )
    sheet_name = path.stem
    if sheet is not None and sheet != sheet_name:
        raise SheetFileError(
            _("The file {name} has no sheet named {sheet}; its sheets are: {sheets}.").format(
                name=name, sheet=sheet, sheets=sheet_name
            )
        )
    delimiter = _delimiter(head)
    count = _csv_record_count(name, text, delimiter)
    if count > MAX_ROWS:
        raise _too_many_rows(name, sheet_name, count)
    with _collector_paused():
        rows: list[list[Any]] = [
            [
                None
                if not cell or cell.isspace()
                else unquote_csv_cell(cell)
                if cell[0] == "'"
                else cell
                for cell in row
            ]
            for row in _csv_rows(name, text, delimiter)
        ]
    for row in rows:
        while row and row[-1] is None:
            row.pop()
    return SourceFile(
        path=path,
        format="csv",
        sheets=[RawSheet(sheet_name, rows, name)],
        encoding=used,
        encoding_guessed=guessed,
    )


def _csv_record_count(name: str, text: str, delimiter: str) -> int:
    """How many records `text` holds, counted before any row is made.

    Without quotes a record is a line, and lines are counted in C: a million of them in
    milliseconds, where the csv module takes a second. With quotes (a quoted cell may span
    lines) a file that may be over the limit is read through once, keeping nothing."""
    lines = text.count("\n") + text.count("\r") - text.count("\r\n")
    if text and not text.endswith(("\n", "\r")):
        lines += 1
    if lines <= MAX_ROWS or '"' not in text:
        return lines
    count = 0
    for _row in _csv_rows(name, text, delimiter):
        count += 1
    return count


def _csv_rows(name: str, text: str, delimiter: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:
        # An unclosed quote swallows the rest of the file into one cell, past the csv
        # module's limit on a cell's size.
        raise SheetFileError(
            _("The file {name} could not be read as CSV (line {line}: {reason}).").format(
                name=name, line=reader.line_num, reason=exc
            )
        ) from None


def _control_characters(text: str) -> bool:
    """Whether `text` holds the control characters of a binary file rather than a text."""
    sample = text[:65536]
    count = sum(sample.count(chr(code)) for code in range(32) if code not in (9, 10, 12, 13))
    return count > max(2, len(sample) // 1000)


def _decode(data: bytes, has_bom16: bool) -> tuple[str, str] | None:
    """(codec, text) for a file whose encoding is not given; None if none fits.

    UTF-8 first: it rarely decodes anything else. Then the offices' legacy codepages, each
    judged on whether its letters make sense (`_plausibility`): bytes of Hebrew text decode
    as Western accented letters and often as rare Chinese characters too, but only cp1255
    makes Hebrew words of them."""
    if has_bom16:
        try:
            return "utf-16", data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    try:
        return "utf-8-sig", data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    decoded = {}
    for codec in _CANDIDATES:
        try:
            decoded[codec] = data.decode(codec)
        except UnicodeDecodeError:
            continue
    if not decoded:
        return None
    if len(decoded) == 1:
        ((codec, text),) = decoded.items()
        return codec, text
    scores = {codec: _plausibility(codec, text[:_SAMPLE]) for codec, text in decoded.items()}
    ranked = sorted(scores.values(), reverse=True)
    best = max(scores, key=lambda codec: scores[codec])
    if ranked[0] - ranked[1] < 0.2:
        # Too close to call on letters alone: ask charset-normalizer, among these codecs.
        guess = _normalizer_guess(data[:_SAMPLE], list(decoded))
        if guess is not None and scores[guess] >= ranked[0] - 0.2:
            best = guess
    return best, decoded[best]


def _normalizer_guess(sample: bytes, codecs_: list[str]) -> str | None:
    # Imported here: most files are UTF-8 or told apart by their letters, and the import
    # costs more than reading a small file.
    from charset_normalizer import from_bytes

    match = from_bytes(sample, cp_isolation=codecs_).best()
    if match is None:
        return None
    found = codecs.lookup(match.encoding).name
    for codec in codecs_:
        if codecs.lookup(codec).name == found:
            return codec
    return None


def _plausibility(codec: str, text: str) -> float:
    """The share of the non-ASCII characters of `text` that make sense in `codec`'s script:
    common Chinese characters for gb18030; Hebrew letters standing apart from Latin ones
    for cp1255; Latin letters inside Latin words for cp1252. Punctuation common to the
    three (dashes, quotes, the euro and shekel signs) counts for none."""
    counted = plausible = 0.0
    last = len(text) - 1
    # The regular expression skips ASCII in C: a Python loop over every character of a
    # quarter of a megabyte would cost a tenth of a second.
    for found in itertools.islice(_NON_ASCII.finditer(text), 20_000):
        char, index = found.group(), found.start()
        code = ord(char)
        if 0x2000 <= code <= 0x206F or char in _NEUTRAL:
            continue
        previous = text[index - 1] if index else " "
        following = text[index + 1] if index < last else " "
        counted += 1
        if codec == "gb18030":
            plausible += _chinese_weight(char)
        elif codec == "cp1255":
            if 0x05D0 <= code <= 0x05EA or 0x05B0 <= code <= 0x05C7:
                plausible += not (_is_latin(previous) or _is_latin(following))
        elif char.isalpha() and (
            _is_latin(previous)
            or _is_latin(following)
            or not (previous.isalpha() or following.isalpha())
        ):
            plausible += 1
    return plausible / counted if counted else 0.0


_NON_ASCII = re.compile("[^\x00-\x7f]")
_NEUTRAL = frozenset("\u00a0\u00a9\u00ae\u00b0\u00b7\u00d7\u00f7\u20aa\u20ac\u00ab\u00bb")


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _chinese_weight(char: str) -> float:
    """1 for a character of GB2312's first level (the 3,755 commonest) or Chinese
    punctuation, 0.5 for a rarer character, 0 for anything else."""
    code = ord(char)
    if 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF:
        return 1.0
    if not 0x4E00 <= code <= 0x9FFF:
        return 0.0
    try:
        lead = char.encode("gb2312")[0]
    except UnicodeEncodeError:
        return 0.5
    return 1.0 if 0xB0 <= lead <= 0xD7 else 0.5


def _delimiter(text: str) -> str:
    """The delimiter that splits the first records into the same number of cells most
    often, and into more of them on a tie: a semicolon file whose numbers have decimal
    commas splits evenly on semicolons only."""
    lines = text.splitlines(keepends=True)[:50]
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may cut the last line short
    sample = "".join(lines)
    best, best_score = ",", (0.0, 0)
    for delimiter in (",", ";", "\t"):
        if delimiter not in sample:
            continue
        try:
            counts = [
                len(row) for row in csv.reader(io.StringIO(sample), delimiter=delimiter) if row
            ]
        except csv.Error:
            continue
        if not counts:
            continue
        common = max(set(counts), key=counts.count)
        if common < 2:
            continue
        score = (counts.count(common) / len(counts), common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


# --- finding the table -------------------------------------------------------------------

# How a note under a table begins. The words are looked for only below the last record.
_NOTE_STARTS = (
    "注",
    "备注",
    "说明",
    "附注",
    "附：",
    "制表",
    "填表",
    "填报",
    "审核",
    "负责人",
    "联系人",
    "数据来源",
    "资料来源",
    "来源：",
    "来源:",
    "*",
    "※",
    "†",
    "note:",
    "note ",
    "notes:",
    "notes ",
    "source:",
    "sources:",
    "source ",
    "prepared by",
    "הערה",
    "הערות",
    "מקור:",
    "מקורות:",
    "הוכן",
)
# A totals row sums the records: it is not one.
_TOTALS = frozenset(
    ("合计", "总计", "小计", "共计", "total", "totals", "sum", "סה״כ", 'סה"כ', "סך הכל")
)


def _is_note(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    text = value.strip().lower()
    return text.startswith(_NOTE_STARTS) or text.rstrip(":：") in _TOTALS


def _header_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, CellError):
        return value.code
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    # A header typed on two lines (Alt+Enter) reads as one.
    return " ".join(str(value).split())


def _filled(value: Any) -> bool:
    return value is not None and not (value.__class__ is str and (not value or value.isspace()))


def find_table(sheet: RawSheet, *, known_header: Callable[[str], bool] | None = None) -> FoundTable:
    """The header and the records of `sheet`, leaving out the title above and the notes below.

    The header is looked for in the first 30 rows: the row with the most cells that
    `known_header` recognises, when it is given and recognises any; else, among the rows of
    two texts or more followed by a non-empty row, the one with the most texts (the first
    such row and the five below it compete; the first wins a tie); else the first row of
    two texts or more. Records are the non-empty rows
    below it, up to the last that looks like data (two cells or more): one-cell rows after
    it, and rows that begin like a note ("注：", "Note:", "* ...", a totals row), are notes.
    A cell is empty when it is None or "" (read_source gives None for a cell of spaces).
    Raises SheetFileError when there is no table.
    """
    rows = sheet.rows
    name = sheet.file_name or sheet.name
    # The filled cells of every row, counted in C: a Python loop over each cell would cost
    # as much as calamine's reading. read_source gives None for every empty cell.
    counts = [len(row) - row.count(None) - row.count("") for row in rows]
    if not any(counts):
        raise SheetFileError(
            _("The sheet {sheet} of {name} is empty.").format(sheet=sheet.name, name=name)
        )
    header = _find_header(rows, counts, known_header)
    if header is None:
        raise SheetFileError(
            _(
                "The sheet {sheet} of {name} has no header row: none of its first {count} rows "
                "holds two column names or more above a row of data."
            ).format(sheet=sheet.name, name=name, count=HEADER_SEARCH_ROWS)
        )
    named = sum(1 for value in rows[header] if _filled(value))
    # Below the header: the last row that looks like data ends the records.
    last = header
    for index in range(len(rows) - 1, header, -1):
        count = counts[index]
        if count == 0:
            continue
        first = next((value for value in rows[index] if _filled(value)), None)
        if _is_note(first) or (count == 1 and named > 1):
            continue
        last = index
        break
    skipped = [index + 1 for index in range(header) if counts[index]]
    skipped += [index + 1 for index in range(last + 1, len(rows)) if counts[index]]
    records = [index for index in range(header + 1, last + 1) if counts[index]]
    if not records:
        raise SheetFileError(
            _("The sheet {sheet} of {name} has a header but no records below it.").format(
                sheet=sheet.name, name=name
            )
        )
    width = _end(rows[header], 0)
    for index in records:
        width = _end(rows[index], width)
    headers = [_header_text(value) for value in rows[header][:width]]
    headers += [""] * (width - len(headers))
    found = []
    with _collector_paused():
        for index in records:
            cells = rows[index][:width]
            if len(cells) < width:
                cells += [None] * (width - len(cells))
            found.append((index + 1, cells))
    return FoundTable(
        sheet=sheet.name,
        header_row=header + 1,
        headers=headers,
        rows=found,
        skipped=skipped,
    )


def _end(row: list[Any], at_least: int) -> int:
    """The length of `row` without its trailing empty cells, or `at_least` if greater."""
    end = len(row)
    while end > at_least and (row[end - 1] is None or row[end - 1] == ""):
        end -= 1
    return max(end, at_least)


def _find_header(
    rows: list[list[Any]], counts: list[int], known_header: Callable[[str], bool] | None
) -> int | None:
    window = range(min(HEADER_SEARCH_ROWS, len(rows)))
    if known_header is not None:
        best, best_count = None, 0
        for index in window:
            count = sum(
                1
                for value in rows[index]
                if isinstance(value, str) and value.strip() and known_header(_header_text(value))
            )
            if count > best_count:
                best, best_count = index, count
        if best is not None:
            return best
    texts = [
        sum(1 for value in rows[index] if isinstance(value, str) and value.strip())
        for index in window
    ]
    candidates = [
        index
        for index in window
        if texts[index] >= 2 and index + 1 < len(rows) and counts[index + 1] > 0
    ]
    if candidates:
        # A line such as "填报单位：…  日期：…" just above the header has two texts too, and
        # a group row above a two-row header a few: the header names every column, where
        # records have numbers, dates and blanks among their texts. The first on a tie;
        # only rows close to the first candidate compete, not records far down.
        near = [index for index in candidates if index <= candidates[0] + _HEADER_SPREAD]
        return max(near, key=lambda index: (texts[index], -index))
    # A header with nothing under it is still a header: its sheet has no records, which
    # says more than "no header".
    return next((index for index in window if texts[index] >= 2), None)
