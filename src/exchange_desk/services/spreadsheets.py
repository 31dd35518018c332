"""Writing tables to .xlsx workbooks and CSV files: any list as shown, export-all's sheets and
the import templates. Generic: a `SheetTable` is headers, cell values and a few hints; this
module knows no database and no record kind.

What a file must be, and why:

- It reads back. The header stays in row 1 (a title goes into the print header and the
  document properties, never into the rows), dates are real dates where the day is known,
  a month stays the text "2004-09" (a date cell would invent the 1st), a year alone is the
  number 2004, so the importer gets back what was shown.
- It is safe to open. No text ever becomes a formula: xlsx text goes through
  `write_string` (in Excel's quote-prefix style when it starts like a formula, so it stays
  text even when edited), and CSV text that starts like a formula gets a leading "'"
  (OWASP's CSV-injection rule, `neutralised`). Characters XML cannot hold become U+FFFD.
- It is whole or not at all. The file is written under a temporary name in its own folder
  and renamed into place, so a failure (the file open in Excel, a full disk) leaves the old
  file as it was and no half file; the user gets an `ExportError` in their language.
- 100,000 rows in little memory. xlsxwriter's constant-memory mode writes each row to disk
  as the next one starts, so rows must come in order and every format is made beforehand.
  Column widths and the autofilter may still be set after the rows: xlsxwriter writes
  `<cols>` and `<autoFilter>` when it assembles the sheet at `close()`, so widths are
  measured over every row written, in the same single pass.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import errno
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.errors import ExchangeDeskError
from exchange_desk.i18n.catalog import _
from exchange_desk.services.output import clean_partials, discard, partial_path
from exchange_desk.services.views import Cell, ListedView

# What a sheet cell may hold: a view's cells, and the dates and flags other callers have.
SheetCell = Cell | bool | dt.date


@dataclass(frozen=True)
class SheetColumn:
    """A column: its header, what it shows (`text`, `names`, `enum`, `country`, `date`,
    `number`, `year`, `flag`), a drop-down list for its cells (templates), a forced width in
    characters (else fitted to the content), and a comment on the header cell."""

    header: str
    shows: str
    choices: tuple[str, ...] = ()
    width: float | None = None
    note: str = ""


@dataclass(frozen=True)
class SheetTable:
    """One sheet's worth: a name (made valid for Excel by the writer), columns, the rows
    (read once, in order), which rows are invented demo records (grey italic, and a last
    column headed `sample_header` saying so, when there is a header and such a row), and
    for printing a title. `empty_rows` formats that many rows below the data (templates:
    typed rows get the date format and the drop-downs)."""

    name: str
    columns: tuple[SheetColumn, ...]
    rows: Iterable[Sequence[SheetCell]]
    sample: Sequence[bool] | None = None
    sample_header: str = ""
    title: str = ""
    empty_rows: int = 0


class ExportError(ExchangeDeskError):
    """A sheet or CSV file could not be written; `message` says why, in the user's
    language, naming the file."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def user_message(self) -> str:
        return self.message


# --- text rules ------------------------------------------------------------------------------

# What a spreadsheet program reads as the start of a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_SET = frozenset(FORMULA_STARTS)
# Characters XML 1.0 cannot hold (tab, line feed and carriage return it can), lone
# surrogates (which UTF-8 cannot encode either) and the two non-characters U+FFFE/U+FFFF.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"
# Excel holds at most 32,767 UTF-16 code units in a cell.
EXCEL_TEXT_LIMIT = 32_767
ELLIPSIS = "…"
# Below this many characters a text cannot exceed the limit (each is at most 2 units).
_SURELY_SHORT = EXCEL_TEXT_LIMIT // 2
# An xlsx sheet's rows, the header's included.
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384


def neutralised(text: str) -> str:
    """`text` as a CSV cell that no spreadsheet runs as a formula: with a leading "'" when it
    starts with = + - @, a tab or a carriage return, also after "'"s of its own (so that
    `unneutralised` gives back exactly `text`: "'=x" is written "''=x")."""
    if text.lstrip("'")[:1] in _FORMULA_SET:
        return "'" + text
    return text


def unneutralised(text: str) -> str:
    """The text `neutralised` was given: one leading "'" dropped where it added one."""
    if text.startswith("'") and text.lstrip("'")[:1] in _FORMULA_SET:
        return text[1:]
    return text


def writable_text(text: str) -> str:
    """`text` with the characters XML cannot hold replaced by U+FFFD."""
    return _UNWRITABLE.sub(REPLACEMENT, text)


def cut_to_cell(text: str) -> str:
    """`text` cut to what an Excel cell holds, ending in "…" when cut."""
    if len(text) <= _SURELY_SHORT:
        return text
    units = text.encode("utf-16-le", "surrogatepass")
    if len(units) <= 2 * EXCEL_TEXT_LIMIT:
        return text
    # "ignore" drops half of a surrogate pair cut at the end.
    head = units[: 2 * (EXCEL_TEXT_LIMIT - 1)].decode("utf-16-le", "ignore")
    return head + ELLIPSIS


# Roughly Unicode's East Asian Wide and Fullwidth characters (Hangul Jamo, CJK symbols and
# punctuation, kana, ideographs, Hangul syllables, compatibility ideographs, fullwidth forms,
# the supplementary ideographic planes; emoji too): a spreadsheet draws them two digits wide.
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
    "\U0001f300-\U0001f64f\U0001f900-\U0001f9ff\U00020000-\U0003fffd]"
)


def display_width(text: str) -> int:
    """How many digit widths `text` takes in a cell: wide East Asian characters count 2."""
    if text.isascii():
        return len(text)
    return len(text) + len(_WIDE.findall(text))


# --- sheet names -----------------------------------------------------------------------------

_SHEET_NAME_LIMIT = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f\ud800-\udfff]")
LISTS_SHEET = "Lists"


def _units(text: str) -> int:
    """How many UTF-16 code units `text` takes (what Excel's limits count)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _cut_units(text: str, units: int) -> str:
    """`text` cut to at most `units` UTF-16 code units (Excel counts those)."""
    encoded = text.encode("utf-16-le", "surrogatepass")
    if len(encoded) <= 2 * units:
        return text
    return encoded[: 2 * units].decode("utf-16-le", "ignore")


def sheet_name(name: str, taken: set[str]) -> str:
    """`name` made a valid sheet name not in `taken` (compared as Excel does, ignoring case),
    which it is added to: at most 31 characters, none of []:*?/\\, no "'" at either end,
    not Excel's reserved "History"; "Sheet" if nothing is left, " (2)" on a repeat."""
    base = _SHEET_NAME_FORBIDDEN.sub("_", name).strip().strip("'").strip() or "Sheet"
    if base.casefold() == "history":
        base += "_"
    candidate = _cut_units(base, _SHEET_NAME_LIMIT).rstrip().rstrip("'")
    number = 1
    while candidate.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = _cut_units(base, _SHEET_NAME_LIMIT - len(suffix)).rstrip() + suffix
    taken.add(candidate.casefold())
    return candidate


# --- writing in place ------------------------------------------------------------------------


def _write_problem(path: Path, exc: OSError) -> ExportError:
    name = path.name
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ExportError(
            _(
                "The file {name} could not be written: it is open in another program (Excel?)"
                " or the folder is read-only. Close it or choose another name."
            ).format(name=name)
        )
    if isinstance(exc, FileNotFoundError) and not path.parent.is_dir():
        return ExportError(
            _("The file {name} could not be written: the folder {folder} does not exist.").format(
                name=name, folder=path.parent
            )
        )
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return ExportError(
            _("The file {name} could not be written: the disk is full.").format(name=name)
        )
    return ExportError(
        _("The file {name} could not be written: {reason}").format(
            name=name, reason=exc.strerror or exc
        )
    )


def _os_error(exc: BaseException) -> OSError | None:
    """The OSError behind `exc`: itself, or what xlsxwriter wrapped (FileCreateError)."""
    seen = exc
    for _depth in range(4):
        if isinstance(seen, OSError):
            return seen
        inner = seen.args[0] if seen.args else None
        if isinstance(inner, OSError):
            return inner
        if seen.__cause__ is None:
            return None
        seen = seen.__cause__
    return None


@contextlib.contextmanager
def _staged(path: Path) -> Iterator[Path]:
    """A temporary path next to `path` to write the whole file to; renamed into place when
    the block ends well, removed when it fails. The temporary file is made first, so a
    read-only or missing folder is reported before any work. OSErrors become ExportError."""
    clean_partials(path.parent)
    partial = partial_path(path)
    try:
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except OSError as exc:
        raise _write_problem(path, exc) from exc
    try:
        yield partial
        _flush_to_disk(partial)
        os.replace(partial, path)
    except BaseException as exc:
        discard(partial)
        found = _os_error(exc)
        if found is not None and not isinstance(exc, ExportError):
            raise _write_problem(path, found) from exc
        raise


def _flush_to_disk(path: Path) -> None:
    # The rename is only as good as the data under it: a crash just after it must not
    # leave an empty file in place of the old one.
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


# --- xlsx ------------------------------------------------------------------------------------

_HEADER_STYLE = {"bold": True, "bg_color": "#D9D9D9", "border": 1, "border_color": "#A6A6A6"}
_SAMPLE_STYLE = {"italic": True, "font_color": "#808080"}
_DATE = "yyyy-mm-dd"
_DATETIME = "yyyy-mm-dd hh:mm"
_GROUPED = "#,##0"
_PLAIN = "0"
_WIDTH_MIN = 6
_WIDTH_MAX = 60
# A fitted column gets this much beyond its widest text (cell padding, proportional fonts).
_WIDTH_SLACK = 2
# Header text is bold and shares its cell with the autofilter's button.
_HEADER_SLACK = 4
# Past the cap nothing changes a column's width: this value stops measuring it.
_MEASURED_ENOUGH = 1 << 30
# Excel's day 0 is 1899-12-30 for every date from 1900-03-01 on (before, its phantom
# 29 February 1900 shifts the count): such dates are written as ISO text.
_EXCEL_EPOCH = dt.date(1899, 12, 30).toordinal()
_FIRST_EXCEL_DATE = dt.date(1900, 3, 1)
# Numbers beyond 15 digits lose digits as a spreadsheet's double: written as text.
_EXACT_LIMIT = 10**15
# A drop-down's values inline in the validation itself may take this many characters.
_INLINE_CHOICES = 255
# A print header holds 255 characters, codes included: a title's "&"s are doubled.
_PRINT_TITLE_LIMIT = 120
_LANDSCAPE_FROM = 7
# Document property "Language", as a language tag.
_LANGUAGE_TAGS = {"en": "en", "zh_CN": "zh-CN", "he": "he"}


class _Styles:
    """The formats of one sheet's cells in one state (ordinary or sample row): made before
    the first row, as constant-memory mode requires."""

    def __init__(self, workbook: Any, columns: Sequence[SheetColumn], sample: bool) -> None:
        base = dict(_SAMPLE_STYLE) if sample else {}

        def made(**properties: Any) -> Any:
            return workbook.add_format({**base, **properties})

        # None writes an ordinary cell without a style of its own (smaller files).
        self.text: Any = made() if sample else None
        self.font: Any = made()  # a rich text run (see _write_text)
        self.quoted = made(quote_prefix=True)
        # Text that stands for a date or a number (a month, a date before 1900, a number
        # of more digits than a double keeps) lines up with the numbers around it.
        self.figures = made(align="right")
        self.date = made(num_format=_DATE)
        self.datetime = made(num_format=_DATETIME)
        self.plain = made(num_format=_PLAIN)
        self.grouped = made(num_format=_GROUPED)
        self.ints = [self.grouped if c.shows == "number" else self.plain for c in columns]
        # Blank cells below the data of a template, formatted for what is typed there.
        self.typed = [
            self.date
            if c.shows == "date"
            else self.ints[i]
            if c.shows in ("number", "year")
            else None
            for i, c in enumerate(columns)
        ]


def _write_text(sheet: Any, row: int, col: int, text: str, styles: _Styles) -> str:
    """Write a text needing care (see `_put_text`); returns the text as written."""
    if "\r" in text:
        # XML reads a carriage return as a line feed (and CR LF as one), and xlsxwriter has
        # no escape for it: said here, so that what is checked is what will be read.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = cut_to_cell(writable_text(text))
    if text.startswith("<r>") and text.endswith("</r>"):
        # In constant-memory mode xlsxwriter copies an inline string that looks like this
        # into the sheet's XML unescaped (its own rich-text form): typed text could corrupt
        # the file or inject cells. As two rich-text runs it is escaped like any text.
        runs = [text[:3], styles.font, text[3:]]
        if styles.text is not None:
            runs.append(styles.text)
        sheet.write_rich_string(row, col, *runs)
    elif text[:1] in _FORMULA_SET:
        sheet.write_string(row, col, text, styles.quoted)
    else:
        sheet.write_string(row, col, text, styles.text)
    return text


def _write_other(
    sheet: Any, row: int, col: int, value: object, styles: _Styles, numbers: list[float]
) -> int:
    """Write a cell that is not text (nor None); returns its width in characters."""
    if isinstance(value, PartialDate):
        if value.day is not None:
            return _write_day(
                sheet, row, col, dt.date(value.year, value.month or 1, value.day), styles
            )
        if value.month is not None:
            # A month alone stays text, so it reads back as a month, not as its 1st.
            sheet.write_string(row, col, value.isoformat(), styles.figures)
            return 7
        sheet.write_number(row, col, value.year, styles.plain)
        return 4
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value, styles.text)
        return 5
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return 0  # a spreadsheet has no NaN or infinity: left blank
        if abs(value) >= _EXACT_LIMIT:
            text = repr(value) if isinstance(value, float) else str(value)
            sheet.write_string(row, col, text, styles.figures)
            return len(text)
        if isinstance(value, int) or value.is_integer():
            sheet.write_number(row, col, value, styles.ints[col])
        else:
            sheet.write_number(row, col, value, styles.text)
        size = abs(value)
        if size <= numbers[col]:
            return 0
        numbers[col] = size
        # As shown: digits grouped, and a minus sign.
        return len(f"{value:,.0f}") if isinstance(value, int) or value.is_integer() else 12
    if isinstance(value, dt.datetime):
        if value.date() < _FIRST_EXCEL_DATE:
            text = value.isoformat(sep=" ", timespec="minutes")
            sheet.write_string(row, col, text, styles.figures)
            return len(text)
        sheet.write_datetime(row, col, value.replace(tzinfo=None), styles.datetime)
        return 16
    if isinstance(value, dt.date):
        return _write_day(sheet, row, col, value, styles)
    raise TypeError(f"a sheet cell cannot hold {type(value).__name__}: {value!r}")


def _write_day(sheet: Any, row: int, col: int, day: dt.date, styles: _Styles) -> int:
    if day < _FIRST_EXCEL_DATE:
        sheet.write_string(row, col, day.isoformat(), styles.figures)
    else:
        # The serial number itself: write_datetime's conversion costs more, to the same end.
        sheet.write_number(row, col, day.toordinal() - _EXCEL_EPOCH, styles.date)
    return 10


def _has_sample_column(table: SheetTable) -> bool:
    """Whether the table ends in the column that marks demo rows: when it has a header and
    a row to mark (sample rows are grey and italic either way)."""
    return bool(table.sample_header) and table.sample is not None and any(table.sample)


def _undecorated(sheet: Any, name: str) -> Any:
    """xlsxwriter's write method `name` without its decorator, which tries each call's row
    as an int to allow "A1" notation (a tenth of the export's time): rows and columns here
    are always ints. The public method where a version has no such private one."""
    return getattr(sheet, "_" + name, None) or getattr(sheet, name)


def _write_rows(
    sheet: Any, table: SheetTable, styles: tuple[_Styles, _Styles], widths: list[int]
) -> int:
    """Write the table's rows from row 2 on, widening `widths` to the widest cell of each
    column; returns how many rows were written.

    The inner loop is the export's cost, so the common cells are written inline: text that
    needs no care, and dates known to the day. Text that is not printable as it is, starts
    like a formula or "<", or may be over Excel's length goes to `_write_text`, the other
    values to `_write_other`. Widths: only a text that could be wider than the widest so far
    is measured (an ASCII text is as wide as it is long, others at most twice)."""
    count = len(table.columns)
    sample = table.sample
    sample_count = len(sample) if sample is not None else 0
    word = writable_text(table.sample_header) if _has_sample_column(table) else ""
    write_string = _undecorated(sheet, "write_string")
    write_number = _undecorated(sheet, "write_number")
    numbers = [0.0] * count
    epoch = _EXCEL_EPOCH
    first_day = _FIRST_EXCEL_DATE
    date = dt.date
    row = 0
    for index, values in enumerate(table.rows):
        row = index + 1
        if row >= EXCEL_MAX_ROWS:
            raise ExportError(
                _(
                    "The sheet {name} has more rows than a spreadsheet holds ({limit})."
                    " Narrow the list, or export it as CSV."
                ).format(name=table.name, limit=f"{EXCEL_MAX_ROWS - 1:,}")
            )
        if len(values) != count:
            raise ValueError(f"row {row} has {len(values)} cells for {count} columns")
        is_sample = index < sample_count and bool(sample[index])  # type: ignore[index]
        state = styles[is_sample]
        text_format = state.text
        for col, value in enumerate(values):
            if value.__class__ is str:
                if not value:
                    continue
                if value.isprintable() and value[0] not in "=+-@<" and len(value) <= _SURELY_SHORT:
                    write_string(row, col, value, text_format)
                else:
                    value = _write_text(sheet, row, col, value, state)
                size = len(value)
                widest = widths[col]
                if size > widest or (size + size > widest and not value.isascii()):
                    width = display_width(value)
                    if width > widest:
                        # Past the widest a column gets, stop measuring it.
                        widths[col] = width if width < _WIDTH_MAX else _MEASURED_ENOUGH
            elif value is None:
                continue
            elif value.__class__ is PartialDate and value.day is not None:
                day = date(value.year, value.month or 1, value.day)
                if day < first_day:
                    _write_day(sheet, row, col, day, state)
                else:
                    write_number(row, col, day.toordinal() - epoch, state.date)
                if widths[col] < 10:
                    widths[col] = 10
            else:
                width = _write_other(sheet, row, col, value, state, numbers)
                if width > widths[col]:
                    widths[col] = width
        if is_sample and word:
            write_string(row, count, word, text_format)
    return row


@dataclass(frozen=True)
class _ListPlan:
    """Where the drop-down lists too long to hold inline go: a column each on the hidden
    "Lists" sheet."""

    columns: dict[tuple[str, ...], int]
    sheet: str

    def source(self, choices: tuple[str, ...]) -> str:
        from xlsxwriter.utility import xl_range_abs

        column = self.columns[choices]
        return f"={self.sheet}!{xl_range_abs(0, column, len(choices) - 1, column)}"


def _inline(choices: tuple[str, ...]) -> bool:
    """Whether a drop-down's values can be written in the validation itself: short enough
    together, and none with the comma that separates them or a quote."""
    return _units(",".join(choices)) <= _INLINE_CHOICES and not any(
        "," in choice or '"' in choice for choice in choices
    )


def _apply_choices(
    sheet: Any, column: int, last_row: int, column_spec: SheetColumn, lists: _ListPlan | None
) -> None:
    choices = column_spec.choices
    if not choices or last_row < 1:
        return
    source: Any
    if _inline(choices):
        source = [writable_text(choice) for choice in choices]
    else:
        assert lists is not None
        source = lists.source(choices)
    sheet.data_validation(
        1,
        column,
        last_row,
        column,
        {
            "validate": "list",
            "source": source,
            "ignore_blank": True,
            # A kind's few values must be one of them; a list of countries or cities only
            # warns, as a place missing from it may still be right.
            "error_type": "stop" if column_spec.shows in ("enum", "flag") else "warning",
        },
    )


def _print_setup(sheet: Any, table: SheetTable, columns: int, right_to_left: bool) -> None:
    if right_to_left:
        sheet.right_to_left()
    if columns >= _LANDSCAPE_FROM:
        sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.hide_gridlines(0)  # 0: shown on screen and printed, a list is read along them
    if table.title:
        # "&" starts a header code, so it is doubled.
        title = _cut_units(writable_text(table.title), _PRINT_TITLE_LIMIT).replace("&", "&&")
        sheet.set_header("&C" + title)
    sheet.set_footer("&C&P / &N")


def _write_table(
    workbook: Any,
    sheet: Any,
    table: SheetTable,
    lists: _ListPlan | None,
    right_to_left: bool,
) -> None:
    columns = table.columns
    count = len(columns)
    if count == 0 or count >= EXCEL_MAX_COLUMNS:
        raise ValueError(f"a sheet needs 1 to {EXCEL_MAX_COLUMNS - 1} columns, not {count}")
    styles = (_Styles(workbook, columns, False), _Styles(workbook, columns, True))
    header_format = workbook.add_format(_HEADER_STYLE)
    headers = [column.header for column in columns]
    if _has_sample_column(table):
        headers.append(table.sample_header)
    widths = [0] * len(headers)
    for col, header in enumerate(headers):
        text = cut_to_cell(writable_text(header))
        sheet.write_string(0, col, text, header_format)
        if col < count and columns[col].note:
            note = cut_to_cell(writable_text(columns[col].note))
            sheet.write_comment(0, col, note, {"x_scale": 1.6, "y_scale": 1.2})
    header_widths = [display_width(header) * 11 // 10 + _HEADER_SLACK for header in headers]

    last_row = _write_rows(sheet, table, styles, widths)

    for offset in range(table.empty_rows):
        row = last_row + 1 + offset
        if row >= EXCEL_MAX_ROWS:
            break
        for col, cell_format in enumerate(styles[0].typed):
            if cell_format is not None:
                sheet.write_blank(row, col, None, cell_format)
    formatted_to = min(last_row + table.empty_rows, EXCEL_MAX_ROWS - 1)
    for col, column in enumerate(columns):
        _apply_choices(sheet, col, formatted_to, column, lists)

    for col, header_width in enumerate(header_widths):
        forced = columns[col].width if col < count else None
        if forced is not None:
            width = float(forced)
        else:
            content = widths[col] + _WIDTH_SLACK if widths[col] else 0
            width = float(min(_WIDTH_MAX, max(_WIDTH_MIN, header_width, content)))
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, last_row, len(headers) - 1)
    _print_setup(sheet, table, len(headers), right_to_left)


def _list_plan(tables: Sequence[SheetTable], taken: set[str]) -> _ListPlan | None:
    long_lists: dict[tuple[str, ...], int] = {}
    for table in tables:
        for column in table.columns:
            if column.choices and not _inline(column.choices) and column.choices not in long_lists:
                long_lists[column.choices] = len(long_lists)
    if not long_lists:
        return None
    return _ListPlan(long_lists, sheet_name(LISTS_SHEET, taken))


def _write_lists(workbook: Any, plan: _ListPlan) -> None:
    """The hidden sheet of long drop-down lists, a list per column, written row by row as
    constant-memory mode requires."""
    sheet = workbook.add_worksheet(plan.sheet)
    quoted = workbook.add_format({"quote_prefix": True})
    lists = sorted(plan.columns.items(), key=lambda item: item[1])
    longest = max(len(choices) for choices, _column in lists)
    for row in range(longest):
        for choices, col in lists:
            if row < len(choices):
                text = cut_to_cell(writable_text(choices[row]))
                sheet.write_string(row, col, text, quoted if text[:1] in _FORMULA_SET else None)
    sheet.hide()


def _discard_workbook(workbook: Any) -> None:
    """Close and remove the row files of a workbook that will not be finished (constant
    memory keeps one per sheet open until close())."""
    workbook.fileclosed = True
    for sheet in workbook.worksheets():
        handle = getattr(sheet, "row_data_fh", None)
        if handle is not None and not getattr(sheet, "row_data_fh_closed", True):
            handle.close()
            sheet.row_data_fh_closed = True
        name = getattr(sheet, "row_data_filename", None)
        if name:
            with contextlib.suppress(OSError):
                os.unlink(name)


def write_xlsx(
    tables: Sequence[SheetTable],
    path: str | Path,
    *,
    right_to_left: bool = False,
    language: str = "en",
) -> None:
    """Write `tables` as the sheets of a workbook at `path`, replacing any file there only
    once the new one is whole; ExportError if it cannot be written. `right_to_left` lays
    every sheet out from the right (Hebrew); `language` goes into the document properties.
    """
    import xlsxwriter

    if not tables:
        raise ValueError("a workbook needs at least one table")
    target = Path(path)
    taken: set[str] = set()
    lists = _list_plan(tables, taken)
    names = [sheet_name(table.name, taken) for table in tables]
    title = next((table.title for table in tables if table.title), names[0])
    with _staged(target) as partial:
        workbook = xlsxwriter.Workbook(
            str(partial),
            {
                "constant_memory": True,
                # Belt and braces: write_string never converts, but nothing else may either.
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        try:
            workbook.set_properties({"title": writable_text(title)})
            workbook.set_custom_property("Language", _LANGUAGE_TAGS.get(language, language))
            sheets = [workbook.add_worksheet(name) for name in names]
            for sheet, table in zip(sheets, tables, strict=True):
                _write_table(workbook, sheet, table, lists, right_to_left)
            if lists is not None:
                _write_lists(workbook, lists)
            workbook.close()
        except BaseException:
            _discard_workbook(workbook)
            raise


# --- CSV -------------------------------------------------------------------------------------


def _csv_text(value: SheetCell) -> str:
    if value is None:
        return ""
    if value.__class__ is str:
        return neutralised(writable_text(value))
    if isinstance(value, PartialDate):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < _EXACT_LIMIT else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralised(writable_text(value))
    raise TypeError(f"a sheet cell cannot hold {type(value).__name__}: {value!r}")


def write_csv(table: SheetTable, path: str | Path) -> None:
    """Write `table` as a CSV file at `path`: UTF-8 with a byte order mark (so Excel reads
    Chinese and Hebrew right), CRLF line ends, the header row first; dates as ISO text,
    numbers plain, text that starts like a formula neutralised. Replaces any file there only
    once the new one is whole; ExportError if it cannot be written."""
    target = Path(path)
    marked = _has_sample_column(table)
    sample = table.sample or ()
    word = neutralised(writable_text(table.sample_header))
    count = len(table.columns)
    header = [neutralised(writable_text(column.header)) for column in table.columns]
    if marked:
        header.append(word)
    convert: Callable[[SheetCell], str] = _csv_text
    with _staged(target) as partial, partial.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        for index, values in enumerate(table.rows):
            if len(values) != count:
                raise ValueError(f"row {index + 1} has {len(values)} cells for {count} columns")
            line = [convert(value) for value in values]
            if marked:
                line.append(word if index < len(sample) and sample[index] else "")
            writer.writerow(line)


# --- views -----------------------------------------------------------------------------------


def view_table(view: ListedView, *, sample_header: str) -> SheetTable:
    """A list as shown, as one sheet: named after its tab, titled with the tab and what
    narrowed it ("Delegations · Year: 2018"), its demo records marked when it has any."""
    return SheetTable(
        name=view.title,
        columns=tuple(SheetColumn(column.header, column.shows) for column in view.columns),
        rows=view.rows,
        sample=view.sample if any(view.sample) else None,
        sample_header=sample_header,
        title=" · ".join((view.title, *view.conditions)),
    )
