"""The main window's tables: every record of a tab in memory, searched, filtered and sorted
in Python so that each keystroke answers in milliseconds even at 100,000 records.

Loading reads only the columns a tab shows (plus what its search and filters need) with one
query per table; names of referred records come from small lookup queries. A `RecordTable`
holds raw values (ISO date text, enums, `Names`, numbers); the window formats them for the
user's language when they are drawn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, select, type_coerce

from exchange_desk.domain.declaration import Context, FieldType, Filter, KindDeclaration
from exchange_desk.services.matching import search_needle, search_text
from exchange_desk.services.names import Names
from exchange_desk.services.registry import DECLARED
from exchange_desk.storage import schema as s

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from exchange_desk.storage.database import Database


@dataclass(frozen=True, slots=True)
class TableColumn:
    """A column: its key, its header (marked with N_), and how its values are to be shown:
    `text`, `names`, `date` (ISO text of a partial date), `number`, `year`, `enum`,
    `country`."""

    key: str
    header: str
    shows: str


@dataclass(frozen=True, slots=True)
class Facet:
    """A filter a tab offers: `year`, or the values of one column (`direction`, `tier`...);
    `lookup` names the kind whose records are its choices (see `lookup_choices`)."""

    key: str
    label: str
    choices: tuple[Any, ...] = ()
    lookup: str | None = None


@dataclass(slots=True)
class RecordTable:
    """Records of one tab, stored by column: `data[column][row]`, in the database's order.

    `complete` is False for a first page loaded to show something at once; the window then
    loads the whole table in the background.
    """

    tab: str
    kind: str
    columns: tuple[TableColumn, ...]
    facets: tuple[Facet, ...]
    ids: list[int] = field(default_factory=list)
    data: list[list[Any]] = field(default_factory=list)
    sample: list[bool] = field(default_factory=list)
    # What each row is found by, a list per searched column (names, texts, the names of the
    # records it refers to), each value folded (`matching.search_text`) and shared by the
    # rows that hold it; and each column's distinct values, searched first. Kept apart, not
    # joined per row: 100,000 joined texts took 36 MB.
    search_parts: list[list[str]] = field(default_factory=list)
    search_values: list[list[str]] = field(default_factory=list)
    facet_values: dict[str, list[Any]] = field(default_factory=dict)
    complete: bool = True

    def __len__(self) -> int:
        return len(self.ids)

    def column_index(self, key: str) -> int:
        return next(i for i, column in enumerate(self.columns) if column.key == key)

    def row_of(self, record_id: int) -> int | None:
        try:
            return self.ids.index(record_id)
        except ValueError:
            return None

    def matching(
        self, order: Sequence[int], search: str = "", filters: dict[str, Any] | None = None
    ) -> list[int]:
        """The row numbers of `order` that contain `search` (in any language, any case, as
        `matching.search_fold` folds it; a Chinese name by its pinyin too) and have every
        filter's value; `year` matches the year of the tab's date."""
        found = list(order)
        for key, wanted in (filters or {}).items():
            values = self.facet_values.get(key)
            if wanted is not None and values is not None:
                found = [i for i in found if values[i] == wanted]
        needle = search_needle(search)
        if needle is not None:
            found = needle.rows_among(self.search_parts, self.search_values, found)
        return found


# --- loading -------------------------------------------------------------------------------


def _raw(column: Any) -> Any:
    """The column as the text it is stored as: parsing 100,000 dates or kinds into Python
    objects would cost more than the whole query."""
    return type_coerce(column, String())


def _names_by_id(session: Session, table: Any, columns: Sequence[str]) -> dict[int, Names]:
    return {
        record_id: Names(*(value or "" for value in values))
        for record_id, *values in session.execute(
            select(table.c.id, *(table.c[name] for name in columns))
        )
    }


@dataclass(frozen=True, slots=True)
class _Cities:
    names: dict[int, Names]
    country: dict[int, str]
    local: dict[int, str]  # the name in its own language: a row is found by it too

    def name(self, city_id: int | None) -> Names:
        return self.names.get(city_id, _NO_NAMES) if city_id is not None else _NO_NAMES


def _cities(session: Session) -> _Cities:
    names: dict[int, Names] = {}
    country: dict[int, str] = {}
    local: dict[int, str] = {}
    for city_id, en, zh, he, own, code in session.execute(
        select(
            s.cities.c.id,
            s.cities.c.name_en,
            s.cities.c.name_zh,
            s.cities.c.name_he,
            s.cities.c.name_local,
            s.cities.c.country,
        )
    ):
        names[city_id] = Names(en, zh, he)
        country[city_id] = code
        local[city_id] = own
    return _Cities(names, country, local)


_NO_NAMES = Names()


def _fold(*parts: Any) -> str:
    """One text of everything a row can be found by, each part as `matching.search_text`
    makes it (folded, a Chinese name's pinyin beside it)."""
    pieces: list[str] = []
    for part in parts:
        if isinstance(part, Names):
            pieces.extend(search_text(text) for text in (part.en, part.zh, part.he) if text)
        elif part:
            pieces.append(search_text(str(part)))
    return "\x1f".join(pieces)


def _folded_column(values: Sequence[Any]) -> list[str]:
    """`_fold` of each value of a column, computed once per distinct value: a tab of
    100,000 rows names a few hundred cities and repeats its leaders and purposes."""
    seen: dict[Any, str] = {}
    found: list[str] = []
    for value in values:
        try:
            folded = seen.get(value)
        except TypeError:  # a computed value that cannot be a key: folded every time
            found.append(_fold(value))
            continue
        if folded is None:
            folded = seen[value] = _fold(value)
        found.append(folded)
    return found


def _columns(rows: Sequence[Sequence[Any]], width: int) -> list[list[Any]]:
    """Rows turned into columns (in C, by zip)."""
    if not rows:
        return [[] for _ in range(width)]
    return [list(column) for column in zip(*rows, strict=True)]


def _years(dates: Sequence[str | None]) -> list[int | None]:
    return [int(date[:4]) if date else None for date in dates]


def _members(enum_class: type[Any], values: Sequence[str | None]) -> list[Any]:
    lookup = {member.value: member for member in enum_class}
    return [lookup.get(value) if value is not None else None for value in values]


def _limited(statement: Any, limit: int | None) -> Any:
    return statement if limit is None else statement.limit(limit)


class _Lookups(Context):
    """Names of referred records, read once per kind per load, and the home city: what
    computed columns may ask (`domain.declaration.Context`)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cities = _cities(session)
        self._names: dict[str, dict[int, Names]] = {"cities": self.cities.names}
        self._folded: dict[str, dict[int, str]] = {}
        self._home: tuple[int | None] | None = None
        self._year = dt.date.today().year

    def names(self, kind: str) -> dict[int, Names]:
        if kind not in self._names:
            declaration = DECLARED[kind]
            table = s.metadata.tables[declaration.table]
            self._names[kind] = _names_by_id(self.session, table, declaration.name_columns)
        return self._names[kind]

    def folded(self, kind: str, record_id: int | None) -> str:
        """What a row is found by through the record it names: folded when first asked
        (a first page names a few of the 1,000 cities)."""
        if record_id is None:
            return ""
        folded = self._folded.setdefault(kind, {})
        found = folded.get(record_id)
        if found is None:
            local = self.cities.local.get(record_id, "") if kind == "cities" else ""
            found = _fold(self.name_of(kind, record_id), local)
            folded[record_id] = found
        return found

    def name_of(self, kind: str, record_id: int | None) -> Names:
        if record_id is None:
            return _NO_NAMES
        return self.names(kind).get(record_id, _NO_NAMES)

    @property
    def home_city_id(self) -> int | None:
        if self._home is None:
            self._home = (self.session.execute(select(s.office_profile.c.home_city_id)).scalar(),)
        return self._home[0]

    @property
    def this_year(self) -> int:
        return self._year


def _needed(declaration: KindDeclaration) -> list[str]:
    """The fields a tab's columns, filters and computed values read, in a stable order."""
    assert declaration.tab is not None
    wanted: dict[str, None] = {}
    sources = [c.source for c in declaration.tab.columns]
    sources += [f.source for f in declaration.tab.filters]
    sources += list(declaration.tab.search_also)
    for source in sources:
        if source == "year":
            if declaration.date_field:
                wanted[declaration.date_field] = None
        elif source.startswith("@"):
            wanted.update(dict.fromkeys(declaration.group(source[1:])))
        elif "->" in source:
            wanted[source.split("->")[0]] = None
        elif source in declaration.computed:
            wanted.update(dict.fromkeys(declaration.computed[source].needs))
        else:
            wanted[source] = None
    return list(wanted)


def _values(
    declaration: KindDeclaration,
    source: str,
    raw: dict[str, list[Any]],
    lookups: _Lookups,
    cache: dict[str, list[Any]],
) -> list[Any]:
    """One column's values for every row, from its declared source (see `Column`)."""
    if source in cache:
        return cache[source]
    if source == "year":
        assert declaration.date_field is not None
        values: list[Any] = _years(raw[declaration.date_field])
    elif source.startswith("@"):
        parts = [raw[name] for name in declaration.group(source[1:])]
        values = [Names(*(text or "" for text in texts)) for texts in zip(*parts, strict=True)]
    elif source.endswith("->country"):
        country = lookups.cities.country
        values = [country.get(ref, "") for ref in raw[source.split("->")[0]]]
    elif source.endswith("->"):
        field_name = source[:-2]
        target = declaration.field(field_name).kind or ""
        names = lookups.names(target)
        values = [
            names.get(ref, _NO_NAMES) if ref is not None else _NO_NAMES for ref in raw[field_name]
        ]
    elif source in declaration.computed:
        computed = declaration.computed[source]
        needs = computed.needs
        values = [
            computed.compute(dict(zip(needs, row, strict=True)), lookups)
            for row in zip(*(raw[name] for name in needs), strict=True)
        ]
    else:
        values = raw[source]
    cache[source] = values
    return values


def _search_parts(
    declaration: KindDeclaration,
    raw: dict[str, list[Any]],
    lookups: _Lookups,
    cache: dict[str, list[Any]],
) -> list[list[str]]:
    """For each text a row is found by, its folded value per row: names and texts shown,
    and everything the records it refers to are found by (a city's local name too)."""
    assert declaration.tab is not None
    parts: list[list[str]] = []
    for column in declaration.tab.columns:
        source = column.source
        if source.endswith("->"):
            field_name = source[:-2]
            target = declaration.field(field_name).kind or ""
            parts.append([lookups.folded(target, ref) for ref in raw[field_name]])
        elif column.shows in ("names", "text", "country"):
            parts.append(_folded_column(cache[source]))
    for name in declaration.tab.search_also:
        parts.append(_folded_column(raw[name]))
    return parts


def _load_declared(
    declaration: KindDeclaration, session: Session, table: RecordTable, limit: int | None
) -> None:
    """Load a tab from its kind's declaration: one query for the kind's own columns, one
    small query per kind of record it names."""
    stored = s.metadata.tables[declaration.table]
    fields = _needed(declaration)
    lookups = _Lookups(session)
    order = [stored.c[name] for name in declaration.order]
    statement = select(
        stored.c.id, *(_raw(stored.c[name]) for name in fields), stored.c.is_sample
    ).order_by(*order, stored.c.id)
    rows = session.execute(_limited(statement, limit)).all()
    ids, *columns, sample = _columns(rows, len(fields) + 2)
    raw: dict[str, list[Any]] = {}
    for name, values in zip(fields, columns, strict=True):
        item = declaration.field(name)
        if item.enum is not None and item.type is FieldType.ENUM:
            raw[name] = _members(item.enum, values)
        else:
            raw[name] = values
    cache: dict[str, list[Any]] = {}
    assert declaration.tab is not None
    table.ids = ids
    table.data = [
        _values(declaration, column.source, raw, lookups, cache)
        for column in declaration.tab.columns
    ]
    table.sample = [bool(value) for value in sample]
    table.search_parts = _search_parts(declaration, raw, lookups, cache)
    table.search_values = [list(dict.fromkeys(part)) for part in table.search_parts]
    for facet in declaration.tab.filters:
        table.facet_values[facet.key] = _values(declaration, facet.source, raw, lookups, cache)


def _facet(declaration: KindDeclaration, facet: Filter) -> Facet:
    choices: tuple[Any, ...] = ()
    if facet.enum is not None:
        choices = tuple(facet.enum)
    elif declaration.has_field(facet.source):
        item = declaration.field(facet.source)
        if item.enum is not None and item.type is FieldType.ENUM:
            choices = tuple(item.enum)
    return Facet(facet.key, facet.label, choices, facet.lookup)


@dataclass(frozen=True, slots=True)
class TabSpec:
    """A tab of the main window as its kind declares it."""

    key: str
    kind: str
    title: str  # N_-marked
    cli_name: str
    columns: tuple[TableColumn, ...]
    facets: tuple[Facet, ...]
    # The kinds whose records it shows or names, and whether it reads the office profile:
    # a change to any of them means reading the tab again.
    reads: tuple[str, ...] = ()
    reads_profile: bool = False


def _reads(declaration: KindDeclaration) -> tuple[tuple[str, ...], bool]:
    assert declaration.tab is not None
    kinds = {declaration.name: None}
    profile = False
    sources = [c.source for c in declaration.tab.columns]
    sources += [f.source for f in declaration.tab.filters]
    sources += list(declaration.tab.search_also)
    for source in sources:
        if source.endswith("->country"):
            kinds["cities"] = None
        elif source.endswith("->"):
            kinds[declaration.field(source[:-2]).kind or ""] = None
        elif source in declaration.computed:
            computed = declaration.computed[source]
            kinds.update(dict.fromkeys(computed.reads))
            profile = profile or computed.reads_profile
    for facet in declaration.tab.filters:
        if facet.lookup:
            kinds[facet.lookup] = None
    return tuple(kinds), profile


# A declaration's tab, made once: `shows(changes)` and every load ask for it again.
_SPECS: dict[str, tuple[KindDeclaration, TabSpec]] = {}


def _spec_of(declaration: KindDeclaration) -> TabSpec:
    cached = _SPECS.get(declaration.name)
    if cached is not None and cached[0] is declaration:
        return cached[1]
    tab = declaration.tab
    assert tab is not None
    reads, reads_profile = _reads(declaration)
    spec = TabSpec(
        key=tab.key,
        kind=declaration.name,
        title=tab.title,
        cli_name=tab.cli_name or declaration.name,
        columns=tuple(TableColumn(c.key, c.header, c.shows) for c in tab.columns),
        facets=tuple(_facet(declaration, f) for f in tab.filters),
        reads=reads,
        reads_profile=reads_profile,
    )
    _SPECS[declaration.name] = (declaration, spec)
    return spec


def tab_specs() -> list[TabSpec]:
    """Every declared kind's tab, in the order of their positions."""
    declared = [d for d in DECLARED.values() if d.tab is not None]
    declared.sort(key=lambda declaration: declaration.tab.position if declaration.tab else 0)
    return [_spec_of(declaration) for declaration in declared]


def tab_spec(key: str) -> TabSpec:
    for declaration in DECLARED.values():
        if declaration.tab is not None and declaration.tab.key == key:
            return _spec_of(declaration)
    raise KeyError(key)


def load_table(database: Database, tab: str, *, limit: int | None = None) -> RecordTable:
    """The records of a tab (see `tab_specs`), ready to search, filter and sort in memory;
    with `limit`, only the first ones in the tab's order, to show at once."""
    spec = tab_spec(tab)
    table = RecordTable(tab=tab, kind=spec.kind, columns=spec.columns, facets=spec.facets)
    with database.reading() as session:
        _load_declared(DECLARED[spec.kind], session, table, limit)
    table.complete = limit is None or len(table) < limit
    return table


def lookup_choices(database: Database, kind: str) -> list[tuple[int, Names]]:
    """The records of `kind` by name, for a filter whose choices are records (a facet's
    `lookup`: the awards tab's conferences)."""
    declaration = DECLARED[kind]
    with database.reading() as session:
        names = _names_by_id(
            session, s.metadata.tables[declaration.table], declaration.name_columns
        )
    return sorted(names.items(), key=lambda item: item[1].en)


def conference_choices(database: Database) -> list[tuple[int, Names]]:
    """The conferences, for the awards tab's filter."""
    return lookup_choices(database, "conferences")
