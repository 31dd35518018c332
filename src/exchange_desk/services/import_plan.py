"""What an import will do, row by row, before anything is written: the user's choices
(`ImportOptions`), each sheet's columns and rows (`SheetPlan`, `PlannedRow`) with their
status, and the errors that refuse an import. Plain data, shown by the wizard, printed by
the command line and written by `importing.apply_import`."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exchange_desk.domain.errors import ExchangeDeskError
from exchange_desk.domain.records import City
from exchange_desk.i18n.catalog import _, ngettext
from exchange_desk.services.kinds import kind_named
from exchange_desk.services.sheet_files import (
    CellError,
)

if TYPE_CHECKING:
    pass


class RowStatus(StrEnum):
    NEW = "new"  # will be created
    UPDATE = "update"  # will update the record it matches
    DUPLICATE = "duplicate"  # matches a stored record or an earlier row: skipped
    ERROR = "error"  # cannot be read as a record


class OnDuplicate(StrEnum):
    SKIP = "skip"
    UPDATE = "update"
    CREATE = "create"  # create anyway


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What the user chose: `kind`, `sheet` and `encoding` override what is detected;
    `mappings` a sheet's columns (sheet name -> column index -> target key or None to
    ignore); `choices` single duplicates ((sheet, row number) -> choice)."""

    kind: str | None = None
    sheet: str | None = None
    encoding: str | None = None
    on_duplicate: OnDuplicate = OnDuplicate.SKIP
    skip_invalid: bool = False
    home_city: str | None = None
    mappings: Mapping[str, Mapping[int, str | None]] = field(default_factory=dict)
    choices: Mapping[tuple[str, int], OnDuplicate] = field(default_factory=dict)
    remember: bool = True  # remember the mapping for files of the same layout


@dataclass(frozen=True, slots=True)
class ColumnChoice:
    """One column of the sheet and what it is read as (`target` None: ignored)."""

    index: int
    header: str
    target: str | None
    label: str  # the target's name in the user's language; "" when ignored
    remembered: bool = False  # chosen by the user for this layout before


@dataclass(frozen=True, slots=True)
class Match:
    """The record a row duplicates: a stored one (`record_id` > 0) or an earlier row."""

    kind: str
    record_id: int | None  # None: an earlier row of the file
    row: int | None  # that earlier row's number
    name: str
    how: str  # why it is thought the same, in the user's language

    def describe(self) -> str:
        if self.record_id is None:
            return _("the same as row {row} ({name}): {how}").format(
                row=self.row, name=self.name, how=self.how
            )
        return _("already recorded as {kind} {id} ({name}): {how}").format(
            kind=kind_named(self.kind).label(), id=self.record_id, name=self.name, how=self.how
        )


@dataclass(slots=True)
class PlannedRow:
    """One row of the sheet and what the import will do with it."""

    row: int  # the sheet's row number, as Excel shows it
    status: RowStatus
    summary: str  # the record in a few words
    raw: list[Any]  # the row's cells as read
    problems: list[str] = field(default_factory=list)  # "column 国家: ...", user's language
    notes: list[str] = field(default_factory=list)  # what does not stop it
    match: Match | None = None
    choice: OnDuplicate = OnDuplicate.SKIP
    record: Any = None  # the record to create, or the stored one updated
    given: frozenset[str] = frozenset()  # the fields the row gives (an update sets only them)
    extra: list[tuple[str, int, Any]] = field(default_factory=list)  # (kind, placeholder, record)
    placeholder: int | None = None  # the negative id other rows refer to it by
    values: dict[str, Any] = field(default_factory=dict)  # the fields as the row gives them
    incomplete: bool = False  # only required fields are missing: may still update a record
    cleaned: int = 0  # cells read without the hidden direction characters they held

    @property
    def cells(self) -> list[str]:
        """The row's cells as text, column by column (made when shown, not for every row)."""
        return [as_text(cell) for cell in self.raw]


@dataclass(slots=True)
class SheetPlan:
    sheet: str
    kind: str
    header_row: int
    headers: list[str]
    columns: list[ColumnChoice]
    rows: list[PlannedRow]
    skipped_rows: list[int] = field(default_factory=list)
    samples: list[list[str]] = field(default_factory=list)  # first rows' cells, per column

    @property
    def unknown(self) -> list[str]:
        """The headers of the columns that will not be read."""
        return [c.header for c in self.columns if c.target is None and c.header]

    def counts(self) -> Counter[RowStatus]:
        return Counter(row.status for row in self.rows)


@dataclass(slots=True)
class ImportPlan:
    path: Path
    format: str
    encoding: str | None
    encoding_guessed: bool
    sheets: list[SheetPlan]
    options: ImportOptions
    problems: list[str] = field(default_factory=list)  # what stops the whole import
    home_city: City | None = None  # to be created and made the office's home city
    home_city_id: int | None = None  # the stored home city to be set in the profile
    home_city_placeholder: int | None = None  # or a city of the file, once created
    ignored_sheets: list[str] = field(default_factory=list)

    def counts(self) -> Counter[RowStatus]:
        total: Counter[RowStatus] = Counter()
        for sheet in self.sheets:
            total.update(sheet.counts())
        return total

    def cleaned_values(self) -> int:
        """How many values of the rows to be written (new or updating) lose hidden direction
        characters (`domain.text_rules`): each such row says which column in its notes."""
        return sum(
            row.cleaned
            for sheet in self.sheets
            for row in sheet.rows
            if row.status in (RowStatus.NEW, RowStatus.UPDATE)
        )

    def cleaned_line(self) -> str:
        """`cleaned_values` as a line for the import's result; "" when there were none."""
        count = self.cleaned_values()
        if not count:
            return ""
        return ngettext(
            "Hidden direction characters were removed from {count} value.",
            "Hidden direction characters were removed from {count} values.",
            count,
        ).format(count=count)

    @property
    def ok(self) -> bool:
        """Whether applying it would write it all: no problem and no error row."""
        return not self.problems and not self.counts()[RowStatus.ERROR]

    def error_lines(self) -> list[str]:
        lines = list(self.problems)
        for sheet in self.sheets:
            for row in sheet.rows:
                if row.status is RowStatus.ERROR:
                    for problem in row.problems:
                        lines.append(
                            _("Sheet {sheet}, row {row}: {problem}").format(
                                sheet=sheet.sheet, row=row.row, problem=problem
                            )
                        )
        return lines


class ImportFailed(ExchangeDeskError):
    """Writing a checked plan failed on what is stored now: nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def user_message(self) -> str:
        return self.message


class ImportRefused(ExchangeDeskError):
    """The plan has errors and the import is all or nothing: nothing was written."""

    def __init__(self, plan: ImportPlan) -> None:
        self.plan = plan
        errors = plan.counts()[RowStatus.ERROR]
        lines = plan.error_lines()
        head = (
            ngettext(
                "Nothing was imported: {count} row has an error.",
                "Nothing was imported: {count} rows have errors.",
                errors,
            ).format(count=errors)
            if errors
            else _("Nothing was imported.")
        )
        shown = lines[:20]
        more = len(lines) - len(shown)
        text = "\n".join([head, *shown])
        if more:
            text += "\n" + _("… and {count} more.").format(count=more)
        super().__init__(text)
        self.message = text

    def user_message(self) -> str:
        return self.message


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, CellError):
        return value.code
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
