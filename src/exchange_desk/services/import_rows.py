"""Reading an import's rows as records: each cell through the value readers
(`cell_values`), names in any script into their language's column, references by name to
stored records or to rows of the same file (negative placeholders until written), a
partnership's unknown partner city added with it; and what is already stored that rows name
or repeat (`Known`)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.declaration import INT_MAX, Field, FieldType, record_class
from exchange_desk.domain.enums import ParticipantRole, RecipientKind
from exchange_desk.domain.errors import InvalidInput
from exchange_desk.domain.records import City, EventParticipant
from exchange_desk.domain.text_rules import has_direction_characters
from exchange_desk.i18n.catalog import _
from exchange_desk.services import cell_values as cv
from exchange_desk.services import records
from exchange_desk.services.kinds import kind_named
from exchange_desk.services.matching import NameIndex, fold_name
from exchange_desk.services.record_sheets import (
    ANY_NAME,
    CITY_DATED_REFERENCES,
    CITY_PREFIX,
    DATED_REFERENCES,
    city_and_date,
    name_and_year,
    target,
)
from exchange_desk.services.registry import DECLARED
from exchange_desk.services.sheet_files import (
    CellError,
)

if TYPE_CHECKING:
    from exchange_desk.storage.database import Database

from exchange_desk.services.import_plan import (
    ImportOptions,
    PlannedRow,
    RowStatus,
    SheetPlan,
)

# --- what is already stored ----------------------------------------------------------------


SCRIPTS = ("en", "zh", "he")
PROPER_NAMES = frozenset({"cities", "organizations", "persons"})


@dataclass(slots=True)
class Known:
    """Stored records a row may name or duplicate, read once per plan, and the rows of the
    file planned so far (with negative placeholder ids) so that later rows find them."""

    database: Database
    names: dict[str, NameIndex] = field(default_factory=dict)
    labels: dict[str, dict[int, str]] = field(default_factory=dict)
    rows_of: dict[int, int] = field(default_factory=dict)  # placeholder -> row number
    summaries: dict[int, str] = field(default_factory=dict)  # placeholder -> its row's record
    cities_of: dict[tuple[str, int], int] = field(default_factory=dict)  # keyed records' city
    years: dict[str, dict[int, int | None]] = field(default_factory=dict)  # DATED_REFERENCES
    # CITY_DATED_REFERENCES: records by (partner city, start as written), stored and planned.
    started: dict[str, dict[tuple[int, str], list[int]]] = field(default_factory=dict)
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
            found = NameIndex() if kind in PROPER_NAMES else NameIndex(fuzzy_limit=0)
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

    def starts(self, kind: str) -> dict[tuple[int, str], list[int]]:
        """The records of a kind referred to by city and start (`CITY_DATED_REFERENCES`),
        read as stored text the first time a row refers to one."""
        found = self.started.get(kind)
        if found is None:
            found = {}
            for record_id, city_id, start in records.stored_values(
                self.database, kind, ("city_id", "start_date")
            ):
                if city_id is not None and start:
                    found.setdefault((int(city_id), str(start)), []).append(record_id)
            self.started[kind] = found
        return found

    def note_start(self, kind: str, record_id: int, record: Any) -> None:
        """A planned record that later rows may refer to by its city and start."""
        city_id, start = getattr(record, "city_id", None), getattr(record, "start_date", None)
        if kind in CITY_DATED_REFERENCES and city_id is not None and start is not None:
            self.starts(kind).setdefault((city_id, date_key(start)), []).append(record_id)

    def note_year(self, kind: str, record_id: int, record: Any) -> None:
        field_name = DECLARED[kind].date_field
        if kind in DATED_REFERENCES and field_name:
            date = getattr(record, field_name)
            self.years.setdefault(kind, {})[record_id] = date.year if date is not None else None

    def key_index(self, kind: str, rows: Sequence[PlannedRow]) -> Keys:
        """The stored records that `rows` could repeat, by what makes two of them one (see
        `duplicate_key`): only those of the same start (a delegation) or city (a
        partnership), read as stored text, not the 100,000 others."""
        found = Keys()
        columns = KEY_COLUMNS.get(kind, ())
        if not columns:
            return found
        narrow = "start_date" if kind == "delegations" else "city_id"
        values: set[Any] | None = {
            date_key(v) if isinstance(v, PartialDate) else v
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


class Keys:
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
            if tuple(fold_free(t) for t in texts) == tail:
                return record_id
        return None


# The stored columns `duplicate_key` reads, in its order.
KEY_COLUMNS = {
    "partnerships": ("city_id",),
    "delegations": ("direction", "city_id", "start_date", "leader", "purpose"),
}


def fold_free(text: str | None) -> str:
    # Free text (a leader, a purpose) compared without case and spacing: cheap, as it runs
    # over every stored delegation.
    return " ".join(text.casefold().split()) if text else ""


def date_key(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def duplicate_key(kind: str, record: Any) -> tuple[Any, ...] | None:
    """What makes two records of a kind without names the same: a partnership is its city;
    a delegation its direction, city, start, leader and purpose."""
    if kind == "partnerships":
        return (record.city_id,)
    if kind == "delegations":
        direction = record.direction
        return (
            direction.value if direction is not None else None,
            record.city_id,
            date_key(record.start_date),
            fold_free(record.leader),
            fold_free(record.purpose),
        )
    return None


# Named kinds that are the same only on the same date as well (one festival each year).
DATED = {"events": "start_date", "conferences": "start_date", "agreements": "signed_on",
          "awards": "awarded_on"}  # fmt: skip


# --- reading a row as a record -------------------------------------------------------------


class RowReader:
    """Reads the rows of one sheet as records of its kind."""

    def __init__(
        self,
        known: Known,
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
        if kind in CITY_DATED_REFERENCES:
            return self._city_dated(kind, name)
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

    def _city_dated(self, kind: str, text: str) -> int:
        """A delegation named as its partner city and start ("Kfar Saba, 2018-06-11")."""
        parts = city_and_date(text)
        label = kind_named(kind).label()
        if parts is None:
            raise cv.CellProblem(
                _("“{text}” does not name a {kind}: write its partner city and its start, "
                  "as in “Kfar Saba, 2018-06-11”.").format(text=text, kind=label)
            )  # fmt: skip
        city, start = parts
        starts = self.known.starts(kind)
        cities = [c.record_id for c in self.known.index("cities").find_all([city])]
        made = self.created_cities.get(fold_name(city))
        if made is not None:
            cities.append(made[0])
        found = list(dict.fromkeys(r for c in cities for r in starts.get((c, start), ())))
        if len(found) == 1:
            return found[0]
        if not found:
            raise cv.CellProblem(
                _("there is no {kind} of {city} starting on {date}: import or add it first.")
                .format(kind=label, city=city, date=start)
            )  # fmt: skip
        raise cv.CellProblem(
            _("{city} has more than one {kind} starting on {date}; link the right one in "
              "the window.").format(city=city, kind=label, date=start)
        )  # fmt: skip

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
            # A partner city's name is stored too: as the name of the city the row creates.
            stored = _stores_text(item) or (self.kind == "partnerships" and item.key == "city_id")
            if isinstance(cell, str) and stored and has_direction_characters(cell):
                # Read without them (`cell_values.read_text`): said, never silently.
                planned.notes.append(
                    _("Hidden direction characters were removed from {field}.").format(field=header)
                )
                planned.cleaned += 1
            try:
                if item.key.startswith(ANY_NAME):
                    text = cv.read_text(cell)
                    # A name in one script is kept exactly as typed ("-minus", "=1+2" as
                    # English); only a cell holding several scripts is split.
                    parts = cv.split_names(text)
                    if len(parts) <= 1:
                        parts = {next(iter(parts), None) or cv.script_of(text) or "en": text}
                    for script, name in parts.items():
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
            columns = dict(zip(SCRIPTS, self.declaration.group(group), strict=False))
            for script, name in by_script.items():
                column: str | None = columns.get(script)
                if column is None and script == "local" and self.kind == "cities":
                    column = "name_local"
                if column is None:
                    column = columns["en"]
                if not values.get(column):
                    values[column] = name
                    given.add(column)
        name_group = self.declaration.name_group
        if name_group:
            group_columns = self.declaration.group(name_group)
            english = group_columns[0]
            if not values.get(english):
                other: str = next((values[c] for c in group_columns[1:] if values.get(c)), "")
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
                kind_named(self.kind), without_placeholders(self.declaration, checked)
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
            parts.append(date_key(values[declaration.date_field]))
        return " · ".join(p for p in parts if p)

    def _city_label(self, city_id: int) -> str:
        if city_id < 0:
            for _key, (placeholder, city) in self.created_cities.items():
                if placeholder == city_id:
                    return city.name_en
            return ""
        self.known.index("cities")
        return self.known.labels["cities"].get(city_id, "")


def _stores_text(item: Any) -> bool:
    """Whether a column's cells are stored as text (a name in any script, a text field, a
    partner city's own name or region), rather than read as a number, a choice or the
    name of another record."""
    if item.key.startswith(ANY_NAME):
        return True
    return item.field is not None and item.field.type in (FieldType.TEXT, FieldType.MULTILINE)


def _stand_in(value: int) -> int:
    # A distinct positive id per placeholder: the checks refuse negative ids and a list that
    # names one record twice, and must tell two different rows of the file apart.
    return INT_MAX + value if value < 0 else value


_LINKING: dict[str, tuple[Field, ...]] = {}


def linking_fields(declaration: Any) -> tuple[Field, ...]:
    found = _LINKING.get(declaration.name)
    if found is None:
        found = _LINKING[declaration.name] = tuple(
            item
            for item in declaration.fields
            if item.type in (FieldType.REFERENCE, FieldType.REFERENCES, FieldType.PARTICIPANTS)
        )
    return found


def replace_placeholders(declaration: Any, record: Any, new_id: Callable[[int], int]) -> Any:
    """`record` with each reference to a row of this file (a negative placeholder), single,
    in a list or a participant, replaced by `new_id(placeholder)`."""
    changes: dict[str, Any] = {}
    for item in linking_fields(declaration):
        value = getattr(record, item.name, None)
        if item.type is FieldType.REFERENCE:
            if isinstance(value, int) and value < 0:
                changes[item.name] = new_id(value)
        elif value is None:
            continue
        elif item.type is FieldType.REFERENCES:
            if any(v < 0 for v in value):
                changes[item.name] = tuple(new_id(v) if v < 0 else v for v in value)
        elif any(p.organization_id < 0 for p in value):
            changes[item.name] = tuple(
                replace(p, organization_id=new_id(p.organization_id))
                if p.organization_id < 0
                else p
                for p in value
            )
    return replace(record, **changes) if changes else record


def without_placeholders(declaration: Any, record: Any) -> Any:
    """`record` with references to rows of this file standing in as valid ids for the
    checks; they are resolved when written."""
    return replace_placeholders(declaration, record, _stand_in)


def _split(cell: Any) -> list[str]:
    text = cv.read_text(cell, multiline=True)
    parts = [text]
    for separator in (";", "；", "\n", "、"):
        parts = [piece for part in parts for piece in part.split(separator)]
    return [p.strip() for p in parts if p.strip()]


def merged(stored: Any, row: PlannedRow) -> Any:
    """The stored record with what the row gives (and nothing else) over it."""
    values = {name: row.values[name] for name in row.given if name in row.values}
    return replace(stored, **{k: v for k, v in values.items() if hasattr(stored, k)})
