"""Importing the office's sheets: read a file, find its table, map its columns, read each row
as a record, find the duplicates, show all of it before anything is written, then write it in
one transaction that one undo step takes back.

The GUI's wizard and `exchange-desk import` both go through here:

    source = read_import(path, options)          # SheetFileError if it cannot be read
    plan = plan_import(database, source, options) # every row: new, update, duplicate, error
    result = apply_import(database, plan)          # ImportRefused if an error row forbids it

A plan holds no open transaction; applying it checks every record again through `records`
(the one write path), so nothing stale is written. All or nothing by default: any error row
refuses the whole import unless `skip_invalid`. A SQLite file is copied aside first.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.declaration import INT_MAX, Field, FieldType, record_class
from exchange_desk.domain.enums import ParticipantRole, RecipientKind
from exchange_desk.domain.errors import ExchangeDeskError, InvalidInput
from exchange_desk.domain.records import City, EventParticipant, OfficeProfile
from exchange_desk.i18n.catalog import _, ngettext
from exchange_desk.services import cell_values as cv
from exchange_desk.services import import_layouts, records
from exchange_desk.services.changes import Changes
from exchange_desk.services.editing import Step
from exchange_desk.services.kinds import kind_named
from exchange_desk.services.matching import NameIndex, fold_name
from exchange_desk.services.office import office_profile
from exchange_desk.services.record_sheets import (
    ANY_NAME,
    CITY_PREFIX,
    DATED_REFERENCES,
    IMPORT_ORDER,
    Target,
    auto_mapping,
    guess_kind,
    importable_kinds,
    known_header,
    name_and_year,
    target,
    targets,
)
from exchange_desk.services.registry import DECLARED
from exchange_desk.services.sheet_files import (
    CellError,
    FoundTable,
    SheetFileError,
    SourceFile,
    find_table,
    read_source,
)

if TYPE_CHECKING:
    from exchange_desk.storage.database import Database

__all__ = [
    "ColumnChoice",
    "ImportFailed",
    "ImportOptions",
    "ImportPlan",
    "ImportRefused",
    "ImportResult",
    "ImportStep",
    "OnDuplicate",
    "PlannedRow",
    "RowStatus",
    "SheetFileError",
    "SheetPlan",
    "apply_import",
    "kind_choices",
    "plan_import",
    "read_import",
    "target_choices",
]

_SCRIPTS = ("en", "zh", "he")


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

    @property
    def cells(self) -> list[str]:
        """The row's cells as text, column by column (made when shown, not for every row)."""
        return [_as_text(cell) for cell in self.raw]


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


# --- choices for the user ------------------------------------------------------------------


def kind_choices() -> list[tuple[str, str]]:
    """(kind, its name in the user's language) for every kind a sheet can bring in."""
    return [(kind, kind_named(kind).label(2)) for kind in importable_kinds()]


def _target_label(item: Target) -> str:
    if item.key.startswith(ANY_NAME):
        return _("{label} (any language)").format(label=_(item.label))
    return item.header(_)


def target_choices(kind: str) -> list[tuple[str, str]]:
    """(target key, label) for the columns of a `kind` sheet, for the mapping's pickers."""
    return [(item.key, _target_label(item)) for item in targets(kind)]


# --- reading -------------------------------------------------------------------------------


def read_import(path: str | Path, options: ImportOptions | None = None) -> SourceFile:
    """Read the file (every sheet, or `options.sheet`); SheetFileError if it cannot be."""
    options = options or ImportOptions()
    return read_source(Path(path), encoding=options.encoding, sheet=options.sheet)


def _as_text(value: Any) -> str:
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


# --- what is already stored ----------------------------------------------------------------


_PROPER_NAMES = frozenset({"cities", "organizations", "persons"})


@dataclass(slots=True)
class _Known:
    """Stored records a row may name or duplicate, read once per plan, and the rows of the
    file planned so far (with negative placeholder ids) so that later rows find them."""

    database: Database
    names: dict[str, NameIndex] = field(default_factory=dict)
    labels: dict[str, dict[int, str]] = field(default_factory=dict)
    rows_of: dict[int, int] = field(default_factory=dict)  # placeholder -> row number
    cities_of: dict[tuple[str, int], int] = field(default_factory=dict)  # keyed records' city
    years: dict[str, dict[int, int | None]] = field(default_factory=dict)  # DATED_REFERENCES
    next_placeholder: int = -1

    def placeholder(self, row: int) -> int:
        value = self.next_placeholder
        self.next_placeholder -= 1
        self.rows_of[value] = row
        return value

    def index(self, kind: str) -> NameIndex:
        found = self.names.get(kind)
        if found is None:
            # Titles of events, agreements and awards differ by a word ("first year",
            # "second year") where similar names of places and people are typing slips.
            found = NameIndex() if kind in _PROPER_NAMES else NameIndex(fuzzy_limit=0)
            self.labels[kind] = {}
            declaration = DECLARED[kind]
            columns = declaration.name_columns
            scope = "country" if kind == "cities" else None
            extra = ("name_local",) if kind == "cities" else ()
            for item in records.all_records(self.database, kind):
                names = [getattr(item, c) for c in (*columns, *extra)]
                names = [n for n in names if n]
                found.add(item.id, names, scope=getattr(item, scope) if scope else None)
                self.labels[kind][item.id] = names[0] if names else str(item.id)
                self.note_year(kind, item.id, item)
            self.names[kind] = found
        return found

    def note_year(self, kind: str, record_id: int, record: Any) -> None:
        field_name = DECLARED[kind].date_field
        if kind in DATED_REFERENCES and field_name:
            date = getattr(record, field_name)
            self.years.setdefault(kind, {})[record_id] = date.year if date is not None else None

    def key_index(self, kind: str, rows: Sequence[PlannedRow]) -> _Keys:
        """The stored records that `rows` could repeat, by what makes two of them one (see
        `_duplicate_key`): only those of the same start (a delegation) or city (a
        partnership), read as stored text, not the 100,000 others."""
        found = _Keys()
        columns = _KEY_COLUMNS.get(kind, ())
        if not columns:
            return found
        narrow = "start_date" if kind == "delegations" else "city_id"
        values: set[Any] | None = {
            _date_key(v) if isinstance(v, PartialDate) else v
            for v in (r.values.get(narrow) for r in rows if r.record is not None or r.incomplete)
        }
        if not values:
            return found
        if None in values or "" in values:
            values = None  # rows without a start: compare with every stored one
        city_at = columns.index("city_id")
        stored = records.stored_values(
            self.database, kind, columns, where_in=(narrow, values) if values is not None else None
        )
        for record_id, *row in stored:
            found.add_stored(kind, record_id, row)
            self.cities_of[(kind, record_id)] = int(row[city_at])
        return found


class _Keys:
    """Records by their duplicate key. Stored ones are kept by the key's first parts as
    stored, the free texts (leader, purpose) folded only when a row's first parts match:
    folding 100,000 stored texts for a few hundred candidates would cost more than the
    import."""

    def __init__(self) -> None:
        self.coarse: dict[tuple[Any, ...], list[tuple[int, tuple[Any, ...]]]] = {}

    def add_stored(self, kind: str, record_id: int, values: Sequence[Any]) -> None:
        if kind == "partnerships":
            self.coarse.setdefault((int(values[0]),), []).append((record_id, ()))
            return
        direction, city_id, start, leader, purpose = values
        self.coarse.setdefault((direction, int(city_id), start or ""), []).append(
            (record_id, (leader, purpose))
        )

    def add(self, key: tuple[Any, ...], record_id: int) -> None:
        head, tail = key[:3], key[3:]
        self.coarse.setdefault(head, []).append((record_id, tail))

    def find(self, key: tuple[Any, ...]) -> int | None:
        head, tail = key[:3], key[3:]
        for record_id, texts in self.coarse.get(head, ()):
            if tuple(_fold_free(t) for t in texts) == tail:
                return record_id
        return None


# The stored columns `_duplicate_key` reads, in its order.
_KEY_COLUMNS = {
    "partnerships": ("city_id",),
    "delegations": ("direction", "city_id", "start_date", "leader", "purpose"),
}


def _fold_free(text: str | None) -> str:
    # Free text (a leader, a purpose) compared without case and spacing: cheap, as it runs
    # over every stored delegation.
    return " ".join(text.casefold().split()) if text else ""


def _date_key(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def _duplicate_key(kind: str, record: Any) -> tuple[Any, ...] | None:
    """What makes two records of a kind without names the same: a partnership is its city;
    a delegation its direction, city, start, leader and purpose."""
    if kind == "partnerships":
        return (record.city_id,)
    if kind == "delegations":
        direction = record.direction
        return (
            direction.value if direction is not None else None,
            record.city_id,
            _date_key(record.start_date),
            _fold_free(record.leader),
            _fold_free(record.purpose),
        )
    return None


# Named kinds that are the same only on the same date as well (one festival each year).
_DATED = {"events": "start_date", "conferences": "start_date", "agreements": "signed_on",
          "awards": "awarded_on"}  # fmt: skip


# --- reading a row as a record -------------------------------------------------------------


class _RowReader:
    """Reads the rows of one sheet as records of its kind."""

    def __init__(
        self,
        known: _Known,
        sheet: SheetPlan,
        options: ImportOptions,
        created_cities: dict[str, tuple[int, City]],
    ) -> None:
        self.known = known
        self.sheet = sheet
        self.kind = sheet.kind
        self.declaration = DECLARED[sheet.kind]
        self.options = options
        self.columns = [
            (c.index, c.header, target(sheet.kind, c.target)) for c in sheet.columns if c.target
        ]
        self.created_cities = created_cities
        self.cls = record_class(self.declaration)
        self.cache: dict[tuple[str, type, Any], Any] = {}

    def _cached(self, item: Field, cell: Any) -> Any:
        """`_value`, remembered per field and cell: a sheet names the same few cities,
        directions and kinds thousands of times."""
        if item.type in (FieldType.TEXT, FieldType.MULTILINE) or isinstance(cell, CellError):
            return self._value(item, cell)
        key = (item.name, type(cell), cell)
        try:
            found = self.cache[key]
        except KeyError:
            try:
                found = self._value(item, cell)
            except cv.CellProblem as exc:
                found = exc
            except TypeError:  # an unhashable cell: not remembered
                return self._value(item, cell)
            self.cache[key] = found
        if isinstance(found, cv.CellProblem):
            raise found
        return found

    # Each field's reader turns a cell into the field's value or raises CellProblem.
    def _value(self, item: Field, cell: Any) -> Any:
        if isinstance(cell, CellError):
            raise cv.CellProblem(_("the formula gives an error ({code}).").format(code=cell.code))
        kind = item.type
        if kind in (FieldType.TEXT, FieldType.MULTILINE):
            return cv.read_text(cell, multiline=kind is FieldType.MULTILINE)
        if kind in (FieldType.INTEGER, FieldType.COUNT):
            return cv.read_integer(cell)
        if kind is FieldType.DECIMAL:
            return cv.read_decimal(cell)
        if kind is FieldType.PARTIAL_DATE:
            return cv.read_date(cell)
        if kind is FieldType.DAY:
            date = cv.read_date(cell)
            if date is None:
                return None
            if date.day is None:
                raise cv.CellProblem(_("a whole date with its day is needed here."))
            return date.earliest()
        if kind is FieldType.ENUM:
            assert item.enum is not None
            return cv.read_choice(item.enum, cell)
        if kind is FieldType.FLAG:
            return cv.read_flag(cell)
        if kind is FieldType.COUNTRY:
            text = cv.read_text(cell)
            return cv.read_country(text) if text else ""
        if kind is FieldType.REFERENCE:
            text = cv.read_text(cell)
            return self._reference(item.kind or "", text) if text else None
        if kind is FieldType.REFERENCES:
            return tuple(self._reference(item.kind or "", n) for n in _split(cell))
        if kind is FieldType.AREAS:
            assert item.enum is not None
            return cv.read_choices(item.enum, cell)
        if kind is FieldType.PARTICIPANTS:
            return tuple(self._participant(part) for part in _split(cell))
        raise cv.CellProblem(_("this column cannot be imported."))

    def _reference(self, kind: str, name: str) -> int:
        index = self.known.index(kind)
        year = None
        if kind in DATED_REFERENCES:
            name, year = name_and_year(name)
        candidates = index.find_all([name])
        if year is not None:
            years = self.known.years.get(kind, {})
            candidates = [c for c in candidates if years.get(c.record_id) == year]
        if not candidates and kind == "cities":
            made = self.created_cities.get(fold_name(name))
            if made is not None:
                return made[0]
        if not candidates:
            raise cv.CellProblem(
                _("there is no {kind} named “{name}”: import or add it first.").format(
                    kind=kind_named(kind).label(), name=name
                )
            )
        return candidates[0].record_id

    def _participant(self, text: str) -> EventParticipant:
        role = ParticipantRole.PARTICIPANT
        name = text
        if text.endswith((")", "）")) and ("(" in text or "（" in text):
            cut = max(text.rfind("("), text.rfind("（"))
            try:
                role = cv.read_choice(ParticipantRole, text[cut + 1 : -1]) or role
                name = text[:cut].strip()
            except cv.CellProblem:
                name = text
        return EventParticipant(organization_id=self._reference("organizations", name), role=role)

    def read(self, number: int, cells: list[Any]) -> PlannedRow:
        planned = PlannedRow(number, RowStatus.NEW, "", cells)
        values: dict[str, Any] = {}
        names_any: dict[str, dict[str, str]] = defaultdict(dict)
        city_details: dict[str, Any] = {}
        city_name = ""
        given: set[str] = set()
        failed: set[str] = set()
        for index, header, item in self.columns:
            cell = cells[index] if index < len(cells) else None
            if cell is None or (isinstance(cell, str) and not cell.strip()):
                continue
            try:
                if item.key.startswith(ANY_NAME):
                    text = cv.read_text(cell)
                    # A name without letters ("=1+2", "1001") is kept as typed, as English.
                    for script, name in (cv.split_names(text) or {"en": text}).items():
                        names_any[item.key[len(ANY_NAME) :]].setdefault(script, name)
                    continue
                assert item.field is not None
                if item.key.startswith(CITY_PREFIX):
                    city_details[item.field.name] = self._value(item.field, cell)
                    continue
                if self.kind == "partnerships" and item.key == "city_id":
                    city_name = cv.read_text(cell)
                    continue
                values[item.field.name] = self._cached(item.field, cell)
                given.add(item.field.name)
            except cv.CellProblem as exc:
                failed.add(item.key)
                planned.problems.append(
                    _("column {column}: {problem}").format(column=header, problem=exc.message)
                )
        self._names(values, names_any, given, planned)
        if self.kind == "partnerships" and city_name and CITY_PREFIX + "country" not in failed:
            self._partner_city(city_name, city_details, values, given, planned)
        elif self.kind == "partnerships" and not city_name:
            planned.problems.append(_("the partner city is missing."))
        if self.kind == "awards" and "recipient_kind" not in values:
            for column, recipient in (
                ("recipient_city_id", RecipientKind.CITY),
                ("recipient_organization_id", RecipientKind.ORGANIZATION),
                ("recipient_person_id", RecipientKind.PERSON),
            ):
                if values.get(column) is not None:
                    values["recipient_kind"] = recipient
                    break
        planned.given = frozenset(given)
        planned.values = values
        if planned.problems:
            planned.status = RowStatus.ERROR
            planned.summary = self._summary(values)
            return planned
        planned.record = self._record(values, planned)
        planned.summary = self._summary(values)
        if planned.record is None:
            planned.status = RowStatus.ERROR
        return planned

    def _names(
        self,
        values: dict[str, Any],
        names_any: Mapping[str, Mapping[str, str]],
        given: set[str],
        planned: PlannedRow,
    ) -> None:
        for group, by_script in names_any.items():
            columns = dict(zip(_SCRIPTS, self.declaration.group(group), strict=False))
            for script, name in by_script.items():
                column = columns.get(script)
                if column is None and script == "local" and self.kind == "cities":
                    column = "name_local"
                if column is None:
                    column = columns["en"]
                if not values.get(column):
                    values[column] = name
                    given.add(column)
        group = self.declaration.name_group
        if group:
            columns = self.declaration.group(group)
            english = columns[0]
            if not values.get(english):
                other = next((values[c] for c in columns[1:] if values.get(c)), "")
                if not other and self.kind == "cities":
                    other = values.get("name_local", "")
                if other:
                    values[english] = other
                    given.add(english)
                    planned.notes.append(
                        _("no English name: “{name}” stands in for it until one is added.").format(
                            name=other
                        )
                    )

    def _partner_city(
        self,
        name: str,
        details: dict[str, Any],
        values: dict[str, Any],
        given: set[str],
        planned: PlannedRow,
    ) -> None:
        scripts = cv.split_names(name)
        names = [n for n in scripts.values() if n]
        index = self.known.index("cities")
        country = details.get("country") or None
        found = index.find(names, scope=country) if country else index.find(names)
        given.add("city_id")
        if found is not None:
            values["city_id"] = found.record_id
            return
        key = fold_name(names[0]) if names else ""
        made = self.created_cities.get(key)
        if made is not None:
            values["city_id"] = made[0]
            return
        if not country:
            planned.problems.append(
                _(
                    "“{name}” is not a city we know yet: give its country in a Country "
                    "column so that it can be added."
                ).format(name=name)
            )
            return
        english = scripts.get("en") or next(iter(names), name)
        city = City(
            name_en=english,
            name_zh=scripts.get("zh", ""),
            name_he=scripts.get("he", ""),
            name_local=scripts.get("local", "") or details.get("name_local", ""),
            country=country,
            region=details.get("region", "") or "",
            population=details.get("population"),
            latitude=details.get("latitude"),
            longitude=details.get("longitude"),
        )
        if "en" not in scripts:
            planned.notes.append(
                _("no English name: “{name}” stands in for it until one is added.").format(
                    name=english
                )
            )
        try:
            records.check_record(kind_named("cities"), city)
        except InvalidInput as exc:
            planned.problems.extend(p.message for p in exc.problems)
            return
        placeholder = self.known.placeholder(planned.row)
        planned.extra.append(("cities", placeholder, city))
        planned.notes.append(_("adds the city {name}.").format(name=english))
        self.created_cities[key] = (placeholder, city)
        for other in names:
            self.created_cities.setdefault(fold_name(other), (placeholder, city))
        index.add(placeholder, names, scope=country)
        values["city_id"] = placeholder

    def _record(self, values: dict[str, Any], planned: PlannedRow) -> Any:
        headers = {item.field.name: header for _i, header, item in self.columns if item.field}
        # Fields the sheet does not give take the record's defaults; those without any are
        # required and named.
        missing = [
            f
            for f in dataclasses.fields(self.cls)
            if f.name not in values
            and f.name != "id"
            and f.default is dataclasses.MISSING
            and f.default_factory is dataclasses.MISSING
        ]
        if missing:
            for f in missing:
                label = (
                    _(self.declaration.field(f.name).label)
                    if self.declaration.has_field(f.name)
                    else f.name
                )
                planned.problems.append(_("{field} is missing.").format(field=label))
            planned.incomplete = True
            return None
        try:
            record = self.cls(**values)
        except (TypeError, ValueError) as exc:
            planned.problems.append(str(exc))
            return None
        checked = record
        try:
            # References to rows of this file are placeholders: checked when written.
            records.check_record(
                kind_named(self.kind), _without_placeholders(self.declaration, checked)
            )
        except InvalidInput as exc:
            for problem in exc.problems:
                name = problem.field
                column = headers.get(name)
                if column is None and self.declaration.has_field(name):
                    column = _(self.declaration.field(name).label)
                planned.problems.append(
                    _("column {column}: {problem}").format(
                        column=column or name, problem=problem.message
                    )
                    if column
                    else problem.message
                )
            return None
        return record

    def _summary(self, values: Mapping[str, Any]) -> str:
        declaration = self.declaration
        parts: list[str] = []
        for column in declaration.name_columns:
            if values.get(column):
                parts.append(str(values[column]))
                break
        if declaration.summary_field and values.get(declaration.summary_field):
            parts.append(str(values[declaration.summary_field])[:60])
        if self.kind in ("partnerships", "delegations") and values.get("city_id") is not None:
            parts.insert(0, self._city_label(values["city_id"]))
        if declaration.date_field and values.get(declaration.date_field):
            parts.append(_date_key(values[declaration.date_field]))
        return " · ".join(p for p in parts if p)

    def _city_label(self, city_id: int) -> str:
        if city_id < 0:
            for _key, (placeholder, city) in self.created_cities.items():
                if placeholder == city_id:
                    return city.name_en
            return ""
        self.known.index("cities")
        return self.known.labels["cities"].get(city_id, "")


def _stand_in(value: int) -> int:
    # A distinct positive id per placeholder: the checks refuse negative ids and a list that
    # names one record twice, and must tell two different rows of the file apart.
    return INT_MAX + value if value < 0 else value


_LINKING: dict[str, tuple[Field, ...]] = {}


def _linking_fields(declaration: Any) -> tuple[Field, ...]:
    found = _LINKING.get(declaration.name)
    if found is None:
        found = _LINKING[declaration.name] = tuple(
            item
            for item in declaration.fields
            if item.type in (FieldType.REFERENCE, FieldType.REFERENCES, FieldType.PARTICIPANTS)
        )
    return found


def _without_placeholders(declaration: Any, record: Any) -> Any:
    """`record` with references to rows of this file (negative placeholders) standing in as
    valid ids for the checks; they are resolved when written."""
    changes: dict[str, Any] = {}
    for item in _linking_fields(declaration):
        value = getattr(record, item.name, None)
        if item.type is FieldType.REFERENCE:
            if isinstance(value, int) and value < 0:
                changes[item.name] = _stand_in(value)
        elif item.type is FieldType.REFERENCES:
            if any(v < 0 for v in value):
                changes[item.name] = tuple(_stand_in(v) for v in value)
        elif any(p.organization_id < 0 for p in value):
            changes[item.name] = tuple(
                replace(p, organization_id=_stand_in(p.organization_id)) for p in value
            )
    return replace(record, **changes) if changes else record


def _split(cell: Any) -> list[str]:
    text = cv.read_text(cell, multiline=True)
    parts = [text]
    for separator in (";", "；", "\n", "、"):
        parts = [piece for part in parts for piece in part.split(separator)]
    return [p.strip() for p in parts if p.strip()]


# --- planning ------------------------------------------------------------------------------


def _column_choices(
    kind: str,
    headers: Sequence[str],
    chosen: Mapping[int, str | None] | None,
    layout: Mapping[int, str | None] | None,
) -> list[ColumnChoice]:
    automatic = auto_mapping(kind, headers)
    valid = {item.key for item in targets(kind)}
    found = []
    for index, header in enumerate(headers):
        key = automatic[index]
        remembered = False
        if (
            layout is not None
            and index in layout
            and (layout[index] is None or layout[index] in valid)
        ):
            key, remembered = layout[index], True
        if chosen is not None and index in chosen:
            key = chosen[index] if chosen[index] in valid else None
        label = _target_label(target(kind, key)) if key else ""
        found.append(ColumnChoice(index, header, key, label, remembered))
    return found


def _also(kind: str, record: Any) -> str | None:
    """What else two records of a named kind must share to be one: the date of a dated
    kind (a festival is held every year), and an award's recipient (one title, many)."""
    parts = []
    dated = _DATED.get(kind)
    if dated:
        parts.append(_date_key(getattr(record, dated)))
    if kind == "awards":
        parts.append(
            f"{record.recipient_kind}:{record.recipient_city_id}:"
            f"{record.recipient_organization_id}:{record.recipient_person_id}"
        )
    return "|".join(parts) if parts else None


def _match_named(
    kind: str, known: _Known, record: Any, scope: str | None, also: dict[int, str | None]
) -> tuple[int, str, str] | None:
    declaration = DECLARED[kind]
    names = [getattr(record, c) for c in declaration.name_columns if getattr(record, c, "")]
    if kind == "cities" and record.name_local:
        names.append(record.name_local)
    if not names:
        return None
    wanted = _also(kind, record)
    for found in known.index(kind).find_all(names, scope=scope):
        if wanted is not None and also.get(found.record_id) != wanted:
            continue
        return found.record_id, found.matched, found.describe()
    return None


def _also_of_stored(known: _Known, kind: str) -> dict[int, str | None]:
    if kind not in _DATED and kind != "awards":
        return {}
    return {item.id: _also(kind, item) for item in records.all_records(known.database, kind)}


def _find_duplicates(known: _Known, plan: SheetPlan, options: ImportOptions) -> None:
    kind = plan.kind
    named = bool(DECLARED[kind].name_group)
    also = _also_of_stored(known, kind)
    keys = known.key_index(kind, plan.rows) if not named else _Keys()
    for row in plan.rows:
        if row.record is None and not row.incomplete:
            continue
        # A row that gives too little for a new record may still name one to update.
        record = row.record if row.record is not None else _partial(kind, row.values)
        scope = getattr(record, "country", None) if kind == "cities" else None
        found: tuple[int, str, str] | None = None
        if named:
            found = _match_named(kind, known, record, scope, also)
        else:
            key = _duplicate_key(kind, record)
            other_key = keys.find(key) if key is not None else None
            if other_key is not None:
                found = (other_key, "", _("the same {what}").format(what=_duplicate_words(kind)))
        if row.incomplete:
            _incomplete_row(known, plan, row, found, options)
            continue
        placeholder = known.placeholder(row.row)
        row.placeholder = placeholder
        if found is not None:
            other, matched, how = found
            if other < 0:
                row.match = Match(kind, None, known.rows_of.get(other), matched, how)
            else:
                label = matched or _stored_label(known, kind, other)
                row.match = Match(kind, other, None, label, how)
            choice = options.choices.get((plan.sheet, row.row), options.on_duplicate)
            if other < 0 and choice is OnDuplicate.UPDATE:
                choice = OnDuplicate.SKIP  # an earlier row of the file is not stored yet
            row.choice = choice
            if choice is OnDuplicate.SKIP:
                row.status = RowStatus.DUPLICATE
                continue
            if choice is OnDuplicate.UPDATE:
                _to_update(known, kind, row)
                continue
            if kind == "partnerships":
                row.status = RowStatus.ERROR
                row.problems.append(_("this city has a partnership already; it cannot have two."))
                continue
        # Later rows find this one.
        if named:
            declaration = DECLARED[kind]
            names = [getattr(record, c) for c in declaration.name_columns if getattr(record, c, "")]
            known.index(kind).add(placeholder, names, scope=scope)
            known.note_year(kind, placeholder, record)
            also[placeholder] = _also(kind, record)
        else:
            key = _duplicate_key(kind, record)
            if key is not None:
                keys.add(key, placeholder)


def _partial(kind: str, values: Mapping[str, Any]) -> Any:
    """The fields a row gives, with the rest empty: enough to find the record it names."""
    names = {f.name: None for f in dataclasses.fields(record_class(DECLARED[kind]))}
    names.update(values)
    for column in DECLARED[kind].name_columns:
        names[column] = names.get(column) or ""
    if kind == "cities":
        names["name_local"] = names.get("name_local") or ""
    return SimpleNamespace(**names)


def _to_update(known: _Known, kind: str, row: PlannedRow) -> None:
    """Make the row update the stored record it matches, if that record with the row's
    fields over it passes every check; else the row is an error saying why."""
    assert row.match is not None
    assert row.match.record_id is not None
    stored = records.get_record(known.database, kind, row.match.record_id)
    merged = _merged(stored, row)
    try:
        records.check_record(kind_named(kind), _without_placeholders(DECLARED[kind], merged))
    except InvalidInput as exc:
        row.status = RowStatus.ERROR
        row.problems = [p.message for p in exc.problems]
        return
    row.problems = []
    row.record = merged
    row.status = RowStatus.UPDATE


def _incomplete_row(
    known: _Known,
    plan: SheetPlan,
    row: PlannedRow,
    found: tuple[int, str, str] | None,
    options: ImportOptions,
) -> None:
    if found is None or found[0] < 0:
        return  # stays an error: it cannot be a new record
    other, matched, how = found
    row.match = Match(
        plan.kind, other, None, matched or _stored_label(known, plan.kind, other), how
    )
    row.choice = options.choices.get((plan.sheet, row.row), options.on_duplicate)
    if row.choice is OnDuplicate.UPDATE:
        _to_update(known, plan.kind, row)
    elif row.choice is OnDuplicate.SKIP:
        row.problems = []
        row.status = RowStatus.DUPLICATE


def _duplicate_words(kind: str) -> str:
    if kind == "partnerships":
        return _("partner city")
    return _("direction, partner city, start, leader and purpose")


def _stored_label(known: _Known, kind: str, record_id: int) -> str:
    city_id = known.cities_of.get((kind, record_id))
    if city_id is not None:
        known.index("cities")
        return known.labels["cities"].get(city_id, str(record_id))
    return str(record_id)


def _home_city(known: _Known, plan: ImportPlan, options: ImportOptions) -> None:
    profile = office_profile(known.database)
    if profile.home_city_id is not None:
        return
    needs = any(sheet.kind in ("partnerships", "awards") for sheet in plan.sheets)
    text = (options.home_city or "").strip()
    if not text:
        if needs:
            plan.problems.append(
                _(
                    "Partnerships are the home city's: set the home city in the office "
                    "profile first, or name it for the import (--home-city)."
                )
            )
        return
    name, _sep, country_text = text.partition(",")
    name = name.strip()
    names = list(cv.split_names(name).values()) or [name]
    country: str | None = None
    if country_text.strip():
        try:
            country = cv.read_country(country_text.strip())
        except cv.CellProblem as exc:
            plan.problems.append(exc.message)
            return
    index = known.index("cities")
    found = index.find(names, scope=country) if country else index.find(names)
    if found is not None and found.record_id > 0:
        plan.home_city_id = found.record_id
        return
    if found is not None:
        plan.home_city_placeholder = found.record_id  # a city of the file, created with it
        return
    if country is None:
        script = cv.script_of(name)
        country = {"zh": "CN", "he": "IL"}.get(script or "")
    if country is None:
        plan.problems.append(
            _(
                "The home city {name} is not recorded yet: give its country too, as in "
                "“{name}, DE”."
            ).format(name=name)
        )
        return
    scripts = cv.split_names(name)
    english = scripts.get("en") or name
    plan.home_city = City(
        name_en=english,
        name_zh=scripts.get("zh", ""),
        name_he=scripts.get("he", ""),
        country=country,
    )


def plan_import(
    database: Database, source: SourceFile, options: ImportOptions | None = None
) -> ImportPlan:
    """What importing `source` would do, row by row, writing nothing."""
    options = options or ImportOptions()
    plan = ImportPlan(
        path=source.path,
        format=source.format,
        encoding=source.encoding,
        encoding_guessed=source.encoding_guessed,
        sheets=[],
        options=options,
    )
    tables: list[tuple[FoundTable, str]] = []
    for raw in source.sheets:
        if options.sheet is not None and raw.name != options.sheet:
            continue
        try:
            table = find_table(raw, known_header=known_header)
        except SheetFileError as exc:
            if options.sheet is not None or len(source.sheets) == 1:
                raise
            plan.ignored_sheets.append(raw.name)
            del exc
            continue
        kind = options.kind or guess_kind(raw.name, table.headers)
        if kind is None:
            if options.sheet is not None or len(source.sheets) == 1:
                plan.problems.append(
                    _(
                        "The kind of records on sheet {sheet} could not be told from its "
                        "headers: choose it (--kind)."
                    ).format(sheet=raw.name)
                )
            else:
                plan.ignored_sheets.append(raw.name)
            continue
        tables.append((table, kind))
    if not tables and not plan.problems:
        plan.problems.append(_("No sheet of the file holds records to import."))
    tables.sort(key=lambda item: IMPORT_ORDER.index(item[1]))
    known = _Known(database)
    created_cities: dict[str, tuple[int, City]] = {}
    for table, kind in tables:
        layout = import_layouts.recall(kind, table.headers)
        columns = _column_choices(kind, table.headers, options.mappings.get(table.sheet), layout)
        sheet = SheetPlan(
            sheet=table.sheet,
            kind=kind,
            header_row=table.header_row,
            headers=table.headers,
            columns=columns,
            rows=[],
            skipped_rows=table.skipped,
            samples=[[_as_text(c) for c in cells] for _n, cells in table.rows[:5]],
        )
        plan.sheets.append(sheet)
    for sheet, (table, _kind) in zip(plan.sheets, tables, strict=True):
        if not any(c.target for c in sheet.columns):
            plan.problems.append(
                _("No column of sheet {sheet} could be matched: map them by hand.").format(
                    sheet=sheet.sheet
                )
            )
            continue
        reader = _RowReader(known, sheet, options, created_cities)
        sheet.rows = [reader.read(number, cells) for number, cells in table.rows]
        _find_duplicates(known, sheet, options)
    # After the rows: the home city may be one of the file's own cities.
    _home_city(known, plan, options)
    return plan


# --- applying ------------------------------------------------------------------------------


@dataclass(slots=True)
class ImportResult:
    created: dict[str, int]
    updated: dict[str, int]
    skipped: int  # duplicates left out
    errors: list[str]  # rows left out with --skip-invalid
    changes: Changes
    step: Step | None
    backup: Path | None = None
    dry_run: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "created": sum(self.created.values()),
            "updated": sum(self.updated.values()),
            "skipped_duplicates": self.skipped,
            "errors": len(self.errors),
            "created_by_kind": self.created,
            "updated_by_kind": self.updated,
            "error_rows": self.errors,
            "backup": str(self.backup) if self.backup else None,
        }


def plan_report(plan: ImportPlan) -> dict[str, Any]:
    """The plan as the JSON report's rows: each with its sheet, number, status, messages."""
    counts = plan.counts()
    rows = []
    for sheet in plan.sheets:
        for row in sheet.rows:
            entry: dict[str, Any] = {
                "sheet": sheet.sheet,
                "kind": sheet.kind,
                "row": row.row,
                "status": str(row.status),
                "summary": row.summary,
            }
            if row.problems:
                entry["messages"] = row.problems
            if row.notes:
                entry["notes"] = row.notes
            if row.match is not None:
                entry["matches"] = row.match.describe()
            rows.append(entry)
    return {
        "file": str(plan.path),
        "format": plan.format,
        "encoding": plan.encoding,
        "sheets": [
            {
                "sheet": s.sheet,
                "kind": s.kind,
                "header_row": s.header_row,
                "columns": {c.header: c.target for c in s.columns},
                "ignored_columns": s.unknown,
            }
            for s in plan.sheets
        ],
        "problems": plan.problems,
        "counts": {str(status): counts[status] for status in RowStatus},
        "rows": rows,
    }


def _resolve(record: Any, declaration: Any, ids: Mapping[int, int]) -> Any:
    """`record` with its references to rows of the file replaced by the ids they got."""
    changes: dict[str, Any] = {}
    for item in _linking_fields(declaration):
        value = getattr(record, item.name, None)
        if item.type is FieldType.REFERENCE:
            if isinstance(value, int) and value < 0:
                changes[item.name] = ids[value]
        elif item.type is FieldType.REFERENCES:
            if any(v < 0 for v in value):
                changes[item.name] = tuple(ids.get(v, v) for v in value)
        elif any(p.organization_id < 0 for p in value):
            changes[item.name] = tuple(
                replace(p, organization_id=ids.get(p.organization_id, p.organization_id))
                for p in value
            )
    return replace(record, **changes) if changes else record


def _merged(stored: Any, row: PlannedRow) -> Any:
    """The stored record with what the row gives (and nothing else) over it."""
    values = {name: row.values[name] for name in row.given if name in row.values}
    return replace(stored, **{k: v for k, v in values.items() if hasattr(stored, k)})


class ImportStep(Step):
    """An import as one undoable step: undone by deleting what it created and putting back
    what it updated (and the office profile, if it set the home city); redone likewise."""

    def __init__(
        self,
        file_name: str,
        created: dict[str, list[int]],
        updated: list[tuple[Any, Any]],
        profile: tuple[OfficeProfile, OfficeProfile] | None,
    ) -> None:
        count = sum(len(ids) for ids in created.values()) + len(updated)
        self.text = ngettext(
            "Import of {count} record from {file}", "Import of {count} records from {file}", count
        ).format(count=count, file=file_name)
        self.created = created
        self.updated = updated
        self.profile = profile
        self.snapshots: list[records.Snapshot] = []

    def _changes(self, undone: bool) -> Changes:
        changes = Changes.of(
            created={kind: set(ids) for kind, ids in self.created.items()},
            updated=_updated_ids(self.updated),
            profile=self.profile is not None,
        )
        return changes.undone() if undone else changes

    def undo(self, database: Database) -> Changes:
        with records.transaction(database) as session:
            if self.profile is not None:
                _store_profile(session, self.profile[0])
            for before, _after in reversed(self.updated):
                records.update_in(session, before, record_tier_change=False)
            self.snapshots = []
            for kind in reversed(IMPORT_ORDER):
                ids = self.created.get(kind)
                if ids:
                    self.snapshots.append(records.delete_many_in(session, kind, ids))
        return self._changes(undone=True)

    def redo(self, database: Database) -> Changes:
        with records.transaction(database) as session:
            for snapshot in reversed(self.snapshots):
                records.restore_in(session, snapshot)
            for _before, after in self.updated:
                records.update_in(session, after, record_tier_change=False)
            if self.profile is not None:
                _store_profile(session, self.profile[1])
        return self._changes(undone=False)


def _kind_name(record: Any) -> str:
    from exchange_desk.services.kinds import kind_of

    return kind_of(record).name


def _store_profile(session: Any, profile: OfficeProfile) -> None:
    from exchange_desk.storage import models as m

    row = session.get(m.OfficeProfileRow, 1)
    if row is None:
        row = m.OfficeProfileRow(id=1)
        session.add(row)
    for item in dataclasses.fields(OfficeProfile):
        setattr(row, item.name, getattr(profile, item.name))
    session.flush()


def apply_import(
    database: Database,
    plan: ImportPlan,
    *,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Write the plan: every new row created and every update stored, in one transaction
    (a SQLite file copied aside first). Refused with `ImportRefused` when the plan has a
    problem, or an error row and not `skip_invalid`; `dry_run` writes nothing at all."""
    options = plan.options
    counts = plan.counts()
    if plan.problems or (counts[RowStatus.ERROR] and not options.skip_invalid):
        raise ImportRefused(plan)
    errors = plan.error_lines()
    new: dict[str, list[tuple[int | None, Any]]] = defaultdict(list)  # (placeholder, record)
    rows_of: dict[str, list[tuple[str, int]]] = defaultdict(list)  # (sheet, row) of each
    updates: list[tuple[str, PlannedRow]] = []
    for sheet in plan.sheets:
        for row in sheet.rows:
            if row.status is RowStatus.NEW:
                for kind, placeholder, extra in row.extra:
                    new[kind].append((placeholder, extra))
                    rows_of[kind].append((sheet.sheet, row.row))
                new[sheet.kind].append((row.placeholder, row.record))
                rows_of[sheet.kind].append((sheet.sheet, row.row))
            elif row.status is RowStatus.UPDATE:
                updates.append((sheet.kind, row))
    created_counts = {kind: len(items) for kind, items in new.items() if items}
    updated_counts = dict(Counter(kind for kind, _row in updates))
    skipped = counts[RowStatus.DUPLICATE]
    if dry_run:
        return ImportResult(
            created_counts, updated_counts, skipped, errors, Changes(), None, None, True
        )
    writes = bool(new or updates or plan.home_city or plan.home_city_id)
    if not writes:
        return ImportResult(
            created_counts, updated_counts, skipped, errors, Changes(), None, None, False
        )
    backup = None
    if database.path is not None:
        backup = database.backup("before-import")
    total = sum(len(items) for items in new.values()) + len(updates)
    done = 0
    ids: dict[int, int] = {}
    created: dict[str, list[int]] = {}
    updated: list[tuple[Any, Any]] = []
    profile_change: tuple[OfficeProfile, OfficeProfile] | None = None
    with records.transaction(database) as session:
        before_profile = office_profile(database)
        if plan.home_city is not None:
            (city,) = records.create_many_in(session, [plan.home_city])
            created["cities"] = [city.id]
            plan_home = city.id
        else:
            plan_home = plan.home_city_id
        for kind in IMPORT_ORDER:
            items = new.get(kind)
            if not items:
                continue
            declaration = DECLARED[kind]
            batch = [_resolve(record, declaration, ids) for _p, record in items]
            try:
                stored = records.create_many_in(session, batch, checked=True)
            except InvalidInput as exc:
                # The plan checked these rows; what is stored changed since (another desk).
                where = rows_of[kind][getattr(exc, "position", 0)]
                raise ImportFailed(
                    _("Nothing was imported: sheet {sheet}, row {row}: {problem}").format(
                        sheet=where[0],
                        row=where[1],
                        problem="; ".join(p.message for p in exc.problems),
                    )
                ) from exc
            for (placeholder, _record), record in zip(items, stored, strict=True):
                if placeholder is not None:
                    ids[placeholder] = record.id
            created.setdefault(kind, []).extend(r.id for r in stored)
            done += len(items)
            if progress is not None:
                progress(done, total)
        if plan.home_city_placeholder is not None:
            plan_home = ids[plan.home_city_placeholder]
        if plan_home is not None:
            after_profile = replace(before_profile, home_city_id=plan_home)
            _store_profile(session, after_profile)
            profile_change = (before_profile, after_profile)
        for kind, row in updates:
            assert row.match is not None
            assert row.match.record_id is not None
            before = records.get_record(database, kind, row.match.record_id)
            after = _resolve(_merged(before, row), DECLARED[kind], ids)
            records.update_in(session, after)
            updated.append((before, after))
            done += 1
            if progress is not None and done % 200 == 0:
                progress(done, total)
    changes = Changes.of(
        created={kind: set(values) for kind, values in created.items()},
        updated=_updated_ids(updated),
        profile=profile_change is not None,
    )
    step = ImportStep(plan.path.name, created, updated, profile_change)
    if options.remember:
        for sheet in plan.sheets:
            import_layouts.remember(
                sheet.kind, sheet.headers, {c.index: c.target for c in sheet.columns}
            )
    return ImportResult(
        {k: len(v) for k, v in created.items()},
        updated_counts,
        skipped,
        errors,
        changes,
        step,
        backup,
    )


def _updated_ids(updated: Iterable[tuple[Any, Any]]) -> dict[str, set[int]]:
    found: dict[str, set[int]] = defaultdict(set)
    for _before, after in updated:
        found[_kind_name(after)].add(after.id)
    return found


def report_json(plan: ImportPlan, result: ImportResult | None) -> str:
    """The JSON report `exchange-desk import --json` prints."""
    report = plan_report(plan)
    if result is not None:
        report["result"] = result.as_json()
    else:
        counts = plan.counts()
        report["result"] = {
            "dry_run": False,
            "created": 0,
            "updated": 0,
            "skipped_duplicates": counts[RowStatus.DUPLICATE],
            "errors": counts[RowStatus.ERROR],
            "error_rows": plan.error_lines(),
            "refused": True,
        }
    return json.dumps(report, ensure_ascii=False, indent=2)
