"""List, read, create, update and delete any kind of record, through `kinds.KINDS`.

Writes validate with the domain's rules, check references and uniqueness with field-level
messages, and run in one transaction. Deleting a record that others depend on is refused
with the list of what depends on it, or, with `cascade=True`, deletes the records that cannot
exist without it, clears optional references and unlinks it from lists, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy import (
    Select,
    String,
    delete,
    false,
    func,
    insert,
    literal_column,
    or_,
    select,
    type_coerce,
)
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import PartnershipTier
from exchange_desk.domain.errors import (
    Conflict,
    ConflictError,
    FieldProblem,
    InvalidInput,
    NotFound,
)
from exchange_desk.domain.field_rules import field_problems
from exchange_desk.domain.records import Partnership, TierChange
from exchange_desk.domain.text_rules import cleaned_fields
from exchange_desk.domain.validation import has_rules, require_valid
from exchange_desk.i18n.catalog import _, ngettext
from exchange_desk.services import audit
from exchange_desk.services.attachments import delete_owned
from exchange_desk.services.changes import Changes
from exchange_desk.services.kinds import KIND_OF_TABLE, KINDS, Kind, kind_named, kind_of
from exchange_desk.services.names import Names
from exchange_desk.storage import models as m
from exchange_desk.storage.schema import (
    NAME,
    audit_log,
    delegation_members,
    delegations,
    utcnow,
)

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.orm import Session

    from exchange_desk.storage.database import Database

T = TypeVar("T")

__all__ = [
    "ListQuery",
    "Listed",
    "Names",
    "Page",
    "create",
    "create_in",
    "delete_record",
    "delete_record_in",
    "get_record",
    "list_records",
    "put_tier_rows_in",
    "resolve_search",
    "restore",
    "restore_in",
    "snapshot_changes",
    "tier_rows_in",
    "transaction",
    "update",
    "update_in",
]


@dataclass(frozen=True, slots=True)
class Listed(Generic[T]):
    """One record of a list, with the names of the records it refers to."""

    record: T
    labels: dict[str, Names]


@dataclass(slots=True)
class ListQuery:
    """What to list: a search text, a year, equality filters, order and a page. `ids`: only
    these records (what `resolve_search` found for a search text)."""

    search: str = ""
    year: int | None = None
    filters: Mapping[str, Any] = field(default_factory=dict)
    order_by: str | None = None
    descending: bool = False
    offset: int = 0
    limit: int | None = None
    ids: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    rows: list[Listed[T]]
    total: int


@dataclass(frozen=True, slots=True)
class Dependent:
    """Records of one kind that depend on the record to delete, and what deleting does."""

    kind: str
    ids: tuple[int, ...]
    action: str  # "delete", "clear" (the reference becomes empty) or "unlink"

    def describe(self) -> str:
        kind = KINDS[self.kind].label(len(self.ids)) if self.kind in KINDS else self.kind
        count = len(self.ids)
        if self.action == "delete":
            template = ngettext(
                "{count} {kind} would be deleted with it",
                "{count} {kind} would be deleted with it",
                count,
            )
        elif self.action == "clear":
            template = ngettext(
                "{count} {kind} refers to it (the reference would be cleared)",
                "{count} {kind} refer to it (the reference would be cleared)",
                count,
            )
        else:
            template = ngettext(
                "{count} {kind} lists it (it would be removed from the list)",
                "{count} {kind} list it (it would be removed from the list)",
                count,
            )
        return template.format(count=count, kind=kind)


@dataclass(frozen=True, slots=True)
class Deletion:
    """What a delete did: the record, what depended on it, and what it takes to undo it."""

    kind: str
    id: int
    dependents: tuple[Dependent, ...]
    snapshot: Snapshot

    @property
    def changes(self) -> Changes:
        """The records deleted, and those whose references or lists it changed."""
        return snapshot_changes(self.snapshot)


# --- reading -----------------------------------------------------------------------------


def _table(kind: Kind) -> Table:
    return kind.row.__table__  # type: ignore[return-value]


def _coerce_filter(kind: Kind, column: str, value: Any) -> Any:
    python_type = _table(kind).c[column].type.python_type
    if isinstance(value, str) and python_type is int:
        try:
            return int(value)
        except ValueError:
            raise InvalidInput(
                [FieldProblem(column, _("Not a whole number: {value}").format(value=value))]
            ) from None
    if isinstance(value, str) and python_type is bool:
        return value.strip().lower() in ("1", "true", "yes")
    if isinstance(value, str) and issubclass(python_type, StrEnum):
        try:
            return python_type(value)
        except ValueError:
            allowed = ", ".join(member.value for member in python_type)
            raise InvalidInput(
                [FieldProblem(column, _("Choose one of: {allowed}").format(allowed=allowed))]
            ) from None
    return value


def _filtered(
    kind: Kind, query: ListQuery, *, searching: bool = False
) -> tuple[Select[Any], dict[str, Any]]:
    """The SELECT of a list (the kind's columns, WHERE) and the column to sort each reference
    by. Referred tables are joined only when the search or the order needs their names:
    fetching names separately is much faster for long lists.

    A search text not yet resolved into `ids` (see `resolve_search`) is looked for with the
    database's own case-insensitive LIKE, which folds neither accents nor scripts.
    `searching`: the columns searched are selected after the id instead of the kind's
    (`resolve_search` reads them), and the text itself is not looked for."""
    table = _table(kind)
    columns: list[Any] = [table.c.id] + [table.c[name] for name in kind.scalar_fields]
    if kind.versioned:
        columns.append(table.c.version)  # after the fields: `_record` reads it there
    text = query.search.strip()
    sort_columns: dict[str, Any] = {}
    searchable = [table.c[name] for name in kind.search_columns]
    joins: list[tuple[Any, Any]] = []
    for reference in kind.references:
        if not text and not searching and query.order_by != reference.column:
            continue
        target = KINDS[reference.kind]
        alias = _table(target).alias(f"ref_{reference.column}")
        joins.append((alias, alias.c.id == table.c[reference.column]))
        sort_columns[reference.column] = alias.c[target.name_columns[0]]
        searchable.extend(alias.c[name] for name in target.name_columns)
    if searching:
        columns = [table.c.id, *searchable]
    statement = select(*columns).select_from(table)
    for alias, on in joins:
        statement = statement.outerjoin(alias, on)
    if text and not searching:
        statement = statement.where(
            or_(*(column.icontains(text, autoescape=True) for column in searchable))
        )
    if query.ids is None:
        pass
    elif not query.ids:
        statement = statement.where(false())
    else:
        # Written out as numbers: a search may find 100,000 records, more than either
        # backend takes as bound parameters, and SQLAlchemy's own inlining of them took
        # longer than the query (ints only, so nothing else can get into the text).
        listed = ",".join(str(int(record_id)) for record_id in query.ids)
        statement = statement.where(table.c.id.op("IN")(literal_column(f"({listed})")))
    if query.year is not None:
        if kind.date_column is None:
            raise InvalidInput([FieldProblem("year", _("This list has no dates to filter by."))])
        date = table.c[kind.date_column]
        statement = statement.where(date >= f"{query.year:04d}", date < f"{query.year + 1:04d}")
    for column, value in query.filters.items():
        if column not in kind.filters and column != "id":
            raise InvalidInput(
                [
                    FieldProblem(
                        column, _("This list cannot be filtered by {column}.").format(column=column)
                    )
                ]
            )
        statement = statement.where(table.c[column] == _coerce_filter(kind, column, value))
    return statement, sort_columns


def resolve_search(database: Database, kind_name: str, query: ListQuery) -> ListQuery:
    """`query` with its search text turned into the ids of the records it finds, as the
    window's search box finds them (`matching.search_fold`: any case, no accents, Hebrew
    points, any geresh; a Chinese name by its pinyin or its traditional characters) in the
    kind's searched fields and the names of the records it refers to.

    Folding needs Python, not SQL: the searched columns of the records that the query's
    other conditions leave are read once, each distinct value folded once."""
    # Imported here: rapidfuzz, which the module loads, is for imports, not for every command.
    from exchange_desk.services.matching import search_fold, search_needle, search_text

    needle = search_needle(query.search)
    if needle is None:
        return replace(query, search="")
    kind = kind_named(kind_name)
    statement, _sort = _filtered(kind, query, searching=True)
    folded: dict[Any, str] = {}
    # Pinyin is Latin letters: text typed in another script never meets it, and is spared
    # loading pypinyin's dictionaries (a quarter of a second).
    fold = search_text if needle.pinyin else search_fold

    def found(values: Sequence[Any]) -> bool:
        pieces = []
        for value in values:
            if not value:
                continue
            piece = folded.get(value)
            if piece is None:
                piece = folded[value] = fold(str(value))
            pieces.append(piece)
        return needle.found_in("\x1f".join(pieces))

    with database.reading() as session:
        ids = tuple(row[0] for row in session.execute(statement) if found(row[1:]))
    # The query's own `ids`, if any, were a condition of the statement already.
    return replace(query, search="", ids=ids)


_CHUNK = 500  # ids per IN (...): far below every backend's limit on bound parameters


def _reference_names(
    session: Session, kind: Kind, rows: Sequence[Sequence[Any]]
) -> dict[str, dict[int, Sequence[Any]]]:
    """For each reference column, the names of the records the rows refer to, by id."""
    positions = {name: index + 1 for index, name in enumerate(kind.scalar_fields)}
    found: dict[str, dict[int, Sequence[Any]]] = {}
    for reference in kind.references:
        position = positions[reference.column]
        wanted = sorted({row[position] for row in rows} - {None})
        target = KINDS[reference.kind]
        table = _table(target)
        names: dict[int, Sequence[Any]] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            for record_id, *values in session.execute(
                select(table.c.id, *(table.c[n] for n in target.name_columns)).where(
                    table.c.id.in_(chunk)
                )
            ):
                names[record_id] = values
        found[reference.column] = names
    return found


def _ordered(
    kind: Kind, statement: Select[Any], query: ListQuery, sort_columns: Mapping[str, Any]
) -> Select[Any]:
    table = _table(kind)
    names = [query.order_by] if query.order_by else list(kind.default_order)
    order = []
    for name in names:
        if name not in table.c:
            raise InvalidInput(
                [FieldProblem("order_by", _("Cannot sort by {column}.").format(column=name))]
            )
        # A reference sorts by the referred record's name, not by its meaningless id.
        column = sort_columns.get(name, table.c[name])
        order.append(column.desc() if query.descending else column.asc())
    order.append(table.c.id.desc() if query.descending else table.c.id.asc())
    return statement.order_by(*order)


def _record(kind: Kind, values: Sequence[Any], collections: Mapping[str, Any]) -> Any:
    count = len(kind.scalar_fields)
    scalars = dict(zip(kind.scalar_fields, values[1 : 1 + count], strict=True))
    if kind.versioned:
        scalars["version"] = values[1 + count]
    return kind.record(id=values[0], **scalars, **collections)


def _collections_for(
    session: Session, kind: Kind, ids: Select[Any] | Iterable[int]
) -> dict[int, dict[str, tuple[Any, ...]]]:
    found: dict[int, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    # A subquery goes in whole; a list of ids in chunks, under every backend's parameter limit.
    if isinstance(ids, Select):
        batches: list[Select[Any] | list[int]] = [ids]
    else:
        listed = list(ids)
        batches = [listed[i : i + _CHUNK] for i in range(0, len(listed), _CHUNK)]
    for collection in kind.collections:
        row_table = collection.row.__table__
        parent = row_table.c[collection.parent_column]
        for batch in batches:
            statement = (
                select(collection.row)
                .where(parent.in_(batch))
                .order_by(parent, row_table.c[collection.order_column])
            )
            for row in session.scalars(statement):
                found[getattr(row, collection.parent_column)][collection.field].append(
                    collection.to_value(row)
                )
    return {
        parent_id: {name: tuple(values) for name, values in per_field.items()}
        for parent_id, per_field in found.items()
    }


def list_records(database: Database, kind_name: str, query: ListQuery | None = None) -> Page[Any]:
    """One page of records of a kind, filtered and sorted in the database, searched as the
    window searches (`resolve_search`)."""
    kind = kind_named(kind_name)
    query = resolve_search(database, kind_name, query or ListQuery())
    statement, sort_columns = _filtered(kind, query)
    with database.reading() as session:
        total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
        statement = _ordered(kind, statement, query, sort_columns)
        if query.offset:
            statement = statement.offset(query.offset)
        if query.limit is not None:
            statement = statement.limit(query.limit)
        rows = session.execute(statement).all()
        collections: dict[int, dict[str, tuple[Any, ...]]] = {}
        if kind.collections and rows:
            ids: Select[Any] | list[int]
            if query.limit is None and not query.offset:
                ids = statement.with_only_columns(_table(kind).c.id).order_by(None)
            else:
                ids = [row[0] for row in rows]
            collections = _collections_for(session, kind, ids)
        references = _reference_names(session, kind, rows)
    listed = _listed(kind, rows, collections, references)
    return Page(listed, total)


def all_records(database: Database, kind_name: str) -> list[Any]:
    """Every record of a kind, in its order (export, the import's look-ups)."""
    return [listed.record for listed in list_records(database, kind_name).rows]


def stored_values(
    database: Database,
    kind_name: str,
    columns: Sequence[str],
    *,
    where_in: tuple[str, Iterable[Any]] | None = None,
) -> list[tuple[Any, ...]]:
    """(id, *columns) of the records of a kind, as stored: dates and kinds as their text,
    no objects made; with `where_in` (column, values) only those whose column holds one of
    the values (compared as stored text). What an import compares records by."""
    table = _table(kind_named(kind_name))
    selected = [type_coerce(table.c[name], String()) for name in columns]
    statement = select(table.c.id, *selected)
    with database.reading() as session:
        if where_in is None:
            return list(session.execute(statement).all())
        column = type_coerce(table.c[where_in[0]], String())
        wanted = sorted({str(v) for v in where_in[1] if v is not None})
        found: list[tuple[Any, ...]] = []
        for chunk in _chunks(wanted, 900):
            found.extend(session.execute(statement.where(column.in_(chunk))).all())
        return found


def label_key(column: str) -> str:
    """The key under which a reference's name appears next to its id (`city_id` -> `city`)."""
    return column.removesuffix("_id")


def _listed(
    kind: Kind,
    rows: Sequence[Any],
    collections: Mapping[int, Mapping[str, Any]],
    references: Mapping[str, Mapping[int, Sequence[Any]]],
) -> list[Listed[Any]]:
    """Records made from their rows, each with the names of the records it refers to (one
    `Names` per referred record, shared by every row that refers to it)."""
    listed = []
    cache: dict[tuple[str, int], Names] = {}
    for row in rows:
        record = _record(kind, row, collections.get(row[0], {}))
        labels = {}
        for column, names in references.items():
            value = getattr(record, column)
            if value is not None and value in names:
                key = (column, value)
                if key not in cache:
                    cache[key] = Names.of(names[value])
                labels[column] = cache[key]
        listed.append(Listed(record, labels))
    return listed


def get_record(database: Database, kind_name: str, record_id: int) -> Any:
    """The record of `kind_name` with `record_id`; NotFound if there is none."""
    kind = kind_named(kind_name)
    page = list_records(database, kind.name, ListQuery(filters={"id": record_id}))
    if not page.rows:
        raise NotFound(kind.label(), record_id)
    return page.rows[0].record


def get_listed(database: Database, kind_name: str, record_id: int) -> Listed[Any]:
    kind = kind_named(kind_name)
    page = list_records(database, kind.name, ListQuery(filters={"id": record_id}))
    if not page.rows:
        raise NotFound(kind.label(), record_id)
    return page.rows[0]


def names_of(database: Database, kind_name: str, record_id: int) -> Names:
    """What a record is called (`record_names_in`); NotFound for a record that is gone."""
    with database.reading() as session:
        found = _names_of_row(session, kind_name, record_id)
    if found is None:
        raise NotFound(kind_named(kind_name).label(), record_id)
    return found


@dataclass(frozen=True, slots=True)
class NamedRow:
    """A record as a picker lists it: its id, names and, for a kind told by a text rather
    than names, that text (a delegation's purpose)."""

    id: int
    names: Names
    summary: str = ""


def named_rows(database: Database, kind_name: str) -> list[NamedRow]:
    """Every record of a kind with what names it (`named_rows_in`): what a dialog's pickers
    choose from. 25,000 people read whole took a second; their names alone a tenth of it."""
    with database.reading() as session:
        return named_rows_in(session, kind_name)


def named_rows_in(
    session: Session, kind_name: str, ids: Collection[int] | None = None
) -> list[NamedRow]:
    """The records of a kind (all, or those of `ids` that are stored) with what names them,
    as `record_names_in` names one: its own names; a delegation its partner city and when it
    started; a partnership, a delegation member or a guest whom it is about. A query of
    those columns alone, one per 500 ids."""
    kind = kind_named(kind_name)
    table = _table(kind)
    summary = kind.declaration.summary_field
    extra = (table.c[summary],) if summary else ()
    joined: Any = table
    when: tuple[Any, ...] = ()
    if kind.name_columns:
        names: tuple[Any, ...] = tuple(table.c[name] for name in kind.name_columns)
    elif kind.name == "delegations" or kind.name in _NAMED_BY:
        column, target = _NAMED_BY.get(kind.name, ("city_id", "cities"))
        other = _table(kind_named(target))
        names = tuple(other.c[name] for name in kind_named(target).name_columns)
        joined = table.outerjoin(other, other.c.id == table.c[column])
        if kind.name == "delegations":
            when = (table.c.start_date,)
    else:
        names = ()
    statement = select(table.c.id, *names, *when, *extra).select_from(joined)
    if ids is None:
        chunks: list[Any] = [statement]
    else:
        chosen = sorted(ids)
        chunks = [
            statement.where(table.c.id.in_(chosen[start : start + _CHUNK]))
            for start in range(0, len(chosen), _CHUNK)
        ]
    size = len(names)
    found = []
    for chunk in chunks:
        for row in session.execute(chunk):
            named = Names.of(row[1 : 1 + size])
            if when:
                named = _dated(named, row[1 + size])
            text = str(row[1 + size + len(when)] or "") if summary else ""
            found.append(NamedRow(row[0], named, text))
    return found


def version_of(database: Database, kind_name: str, record_id: int) -> int | None:
    """The record's stored version; None for a kind without versions or a record gone."""
    kind = kind_named(kind_name)
    if not kind.versioned:
        return None
    table = _table(kind)
    with database.reading() as session:
        found = session.scalar(select(table.c.version).where(table.c.id == record_id))
    return int(found) if found is not None else None


def names_of_in(session: Session, kind_name: str, record_id: int) -> Names:
    """A record's names read in an open session (`record_names_in`); empty names for a
    record that is gone."""
    return record_names_in(session, kind_name, record_id)


# --- what messages call a record -----------------------------------------------------------

# Kinds without names of their own are called by the record they are about.
_NAMED_BY = {
    "partnerships": ("city_id", "cities"),  # by its partner city, as everywhere
    "delegation_members": ("person_id", "persons"),
    "guests": ("person_id", "persons"),
}


def record_names_in(session: Session, kind_name: str, record_id: int) -> Names:
    """What messages call a record, in each language: the one function for refusals, undo
    texts and status messages, which never say "delegation 84". Its own names (a city's,
    an award's title); a partnership its partner city's; a delegation its partner city and
    when it started ("Kfar Saba, June 2018"); a delegation member or a guest the person's.
    Empty names for a record that is gone."""
    found = _names_of_row(session, kind_name, record_id)
    return found if found is not None else Names()


def _names_of_row(session: Session, kind_name: str, record_id: int) -> Names | None:
    """`record_names_in`, None for a record that is gone."""
    found = named_rows_in(session, kind_name, {record_id})
    if not found:
        return None
    (row,) = found
    kind = kind_named(kind_name)
    if kind.name_columns or kind.name == "delegations" or kind.name in _NAMED_BY:
        return row.names
    # A kind told by a text (none today but a delegation, named above by city and date).
    return Names(row.summary[:NAME]) if row.summary else Names()


def record_names(database: Database, kind_name: str, record_id: int) -> Names:
    """`record_names_in` in a session of its own."""
    with database.reading() as session:
        return record_names_in(session, kind_name, record_id)


def record_name(database: Database, kind_name: str, record_id: int) -> str:
    """What messages call a record in the user's language ("" for one that is gone)."""
    return record_names(database, kind_name, record_id).best()


def _dated(city: Names, start: PartialDate | None) -> Names:
    """A city's names with a date in each language, as precise as it is recorded: "Kfar
    Saba, June 2018", "克法尔萨巴，2018年6月16日", "כפר סבא, 16 ביוני 2018" (two visits in one
    month are told apart by their day)."""
    if start is None:
        return city
    from exchange_desk.i18n.catalog import N_, translator
    from exchange_desk.i18n.formatting import format_long_date

    texts = []
    for code in ("en", "zh", "he"):
        name = city.best(code)
        when = format_long_date(start, code)
        # The comma and the order are the language's: 克法尔萨巴，2018年6月.
        template = translator(code).gettext(N_("{city}, {date}"))
        texts.append(template.format(city=name, date=when) if name else when)
    return Names(*texts)


# --- writing -----------------------------------------------------------------------------


def _check_references(session: Session, kind: Kind, record: Any) -> list[FieldProblem]:
    problems = []
    for reference in kind.references:
        value = getattr(record, reference.column)
        if value is None:
            continue
        target = KINDS[reference.kind]
        if session.get(target.row, value) is None:
            problems.append(
                FieldProblem(
                    reference.column,
                    _("There is no {kind} with id {id}.").format(kind=target.label(), id=value),
                )
            )
    for collection in kind.collections:
        foreign = [
            fk
            for fk in collection.row.__table__.foreign_keys
            if fk.parent.name != collection.parent_column
        ]
        if not foreign:
            continue
        target_table = foreign[0].column.table
        target_kind = KIND_OF_TABLE[target_table.name]
        wanted = {
            getattr(value, "organization_id", value) for value in getattr(record, collection.field)
        }
        if not wanted:
            continue
        present = set(
            session.scalars(select(target_table.c.id).where(target_table.c.id.in_(wanted)))
        )
        for missing in sorted(wanted - present):
            problems.append(
                FieldProblem(
                    collection.field,
                    _("There is no {kind} with id {id}.").format(
                        kind=target_kind.label(), id=missing
                    ),
                )
            )
    return problems


def _check_unique(session: Session, kind: Kind, record: Any) -> list[FieldProblem]:
    problems = []
    table = _table(kind)
    for rule in kind.unique:
        if any(getattr(record, column) is None for column in rule.columns):
            continue  # as in the database: NULL equals nothing (a guest of an event)
        statement = select(table.c.id).where(
            *(table.c[column] == getattr(record, column) for column in rule.columns)
        )
        if record.id is not None:
            statement = statement.where(table.c.id != record.id)
        other = session.scalar(statement.limit(1))
        if other is not None:
            values = {name: getattr(record, name) for name in kind.scalar_fields}
            problems.append(
                FieldProblem(
                    rule.field,
                    _(rule.message).format(other_id=_other_name(session, kind, other), **values),
                )
            )
    return problems


def _other_name(session: Session, kind: Kind, record_id: int) -> str:
    """The record a unique rule found already there, by name in quotes ("(partnership
    “Kfar Saba”)"), never by its number."""
    name = record_names_in(session, kind.name, record_id).best()
    return f"“{name}”" if name else str(record_id)


def _write_collections(
    session: Session, kind: Kind, row_id: int, record: Any, *, replace_existing: bool
) -> None:
    for collection in kind.collections:
        if replace_existing:
            row_table = collection.row.__table__
            session.execute(
                delete(row_table).where(  # type: ignore[arg-type]
                    row_table.c[collection.parent_column] == row_id
                )
            )
        session.add_all(
            collection.to_row(row_id, value) for value in getattr(record, collection.field)
        )


def check_record(kind: Kind, record: Any) -> None:
    """Raise `InvalidInput` with every problem of `record`: its fields' declared types and
    limits first, then the kind's own rules, all at once so a dialog marks them together."""
    problems = field_problems(kind.declaration, record)
    try:
        if has_rules(record):
            require_valid(record)
    except InvalidInput as exc:
        seen = {(p.field, p.message) for p in problems}
        problems += [p for p in exc.problems if (p.field, p.message) not in seen]
    except (TypeError, AttributeError, ValueError, LookupError):
        # A value of the wrong type can trip a kind's rule; its field is named already.
        if not problems:
            raise
    if problems:
        raise InvalidInput(problems)


def recount_members(session: Session, delegation_ids: Iterable[int | None]) -> None:
    """Keep the member count of each delegation that lists its members equal to their
    number: derived, so the tab, the reports and the brief all count the same. A delegation
    that lists none keeps the count typed in (older records, visits not itemised). Not a
    change of the delegation's own (no new version): it follows from its members'."""
    wanted = sorted({i for i in delegation_ids if i is not None})
    if not wanted:
        return
    members = delegation_members
    count = (
        select(func.count())
        .select_from(members)
        .where(members.c.delegation_id == delegations.c.id)
        .scalar_subquery()
    )
    for chunk in _chunks(wanted):
        session.execute(
            sql_update(delegations)
            .where(
                delegations.c.id.in_(chunk),
                count > 0,
                delegations.c.members.is_distinct_from(count),
            )
            .values(members=count)
        )


def _members_touched(kind: Kind, records: Iterable[Any]) -> set[int]:
    """The delegations whose member count writing `records` of `kind` may change."""
    if kind.name == "delegation_members":
        return {r.delegation_id for r in records}
    if kind.name == "delegations":
        return {r.id for r in records}
    return set()


def _members_in(snapshot: Snapshot) -> set[int]:
    return {
        values["delegation_id"] for name, values in snapshot.rows if name == "delegation_members"
    }


def cleaned(kind: Kind, record: T) -> T:
    """`record` without the hidden direction characters of its text fields (see
    `domain.text_rules`): what every write stores, before any rule judges it."""
    values = cleaned_fields(kind.declaration, record)
    return replace(record, **values) if values else record  # type: ignore[type-var]


def cleaned_text_fields(record: Any) -> tuple[str, ...]:
    """The text fields of `record` that storing it will clean of hidden direction
    characters: what the window tells the user after a save (`cleaning_notice`)."""
    return tuple(cleaned_fields(kind_of(record).declaration, record))


def cleaning_notice(kind_name: str, fields: Sequence[str]) -> str:
    """The notice that hidden direction characters were removed from `fields` of a record
    of `kind_name`, naming the fields as the detail pane does ("Name (English)")."""
    from exchange_desk.i18n.formatting import format_list
    from exchange_desk.services.history_text import field_label

    kind = kind_named(kind_name)
    return _("Hidden direction characters were removed from {field}.").format(
        field=format_list(field_label(kind, name) for name in fields)
    )


def derived(kind: Kind, record: T) -> T:
    """`record` with what the program keeps from its own fields (a name's pinyin) set,
    its text cleaned first (the pinyin is of the name as stored)."""
    record = cleaned(kind, record)
    derive = kind.declaration.derive
    if derive is None:
        return record
    values = derive(record)
    if all(getattr(record, name) == value for name, value in values.items()):
        return record
    return replace(record, **values)  # type: ignore[type-var]


def from_profile(session: Session, kind: Kind, records_: Sequence[T]) -> list[T]:
    """`records_` with their empty fields that the office profile fills (a gift's currency
    is the office's when none is said: a notebook or a sheet seldom says it)."""
    wanted = kind.declaration.profile_defaults
    if not wanted:
        return list(records_)
    profile = m.table_of(m.OfficeProfileRow)
    row = session.execute(
        select(*(profile.c[column] for column in wanted.values())).where(profile.c.id == 1)
    ).first()
    if row is None:
        return list(records_)
    values = dict(zip(wanted, row, strict=True))
    filled = []
    for record in records_:
        empty = {
            name: value
            for name, value in values.items()
            if value not in (None, "") and getattr(record, name) in (None, "")
        }
        filled.append(replace(record, **empty) if empty else record)  # type: ignore[type-var]
    return filled


def _prepare(session: Session, kind: Kind, record: Any) -> None:
    check_record(kind, record)
    missing = _check_references(session, kind, record)
    if missing:
        raise InvalidInput(missing)
    duplicates = _check_unique(session, kind, record)
    if duplicates:
        raise Conflict(duplicates[0].message, duplicates)


def _integrity(kind: Kind, exc: IntegrityError) -> Conflict:
    return Conflict(
        _("The {kind} could not be saved: it conflicts with what is stored ({reason}).").format(
            kind=kind.label(), reason=str(exc.orig).splitlines()[0]
        )
    )


def _today() -> PartialDate:
    return PartialDate.from_date(dt.date.today())


@contextmanager
def transaction(database: Database, kind_name: str | None = None) -> Iterator[Session]:
    """One unit of work for a use case that composes the `..._in` functions below; a
    conflict the database finds (a unique index, a foreign key) becomes `Conflict`, worded
    for `kind_name` when given. Only an editor (or an administrator) may write records."""
    from exchange_desk.services.roles import Role, require

    require(database, Role.EDITOR)
    try:
        with database.unit_of_work() as session:
            yield session
    except IntegrityError as exc:
        if kind_name is None:
            raise Conflict(
                _(
                    "The change could not be saved: it conflicts with what is stored ({reason})."
                ).format(reason=str(exc.orig).splitlines()[0])
            ) from exc
        raise _integrity(kind_named(kind_name), exc) from exc


def _add_tier_change(
    session: Session,
    partnership_id: int,
    changed_on: PartialDate,
    from_tier: PartnershipTier | None,
    to_tier: PartnershipTier,
    note: str,
) -> None:
    session.add(
        m.TierChangeRow(
            partnership_id=partnership_id,
            changed_on=changed_on,
            from_tier=from_tier,
            to_tier=to_tier,
            note=note,
        )
    )


def create_in(session: Session, record: T) -> T:
    """Store a new record (its `id` must be None) in the caller's transaction; returns it
    with its new id. A partnership starts its tier history."""
    kind = kind_of(record)
    if getattr(record, "id", None) is not None:
        raise InvalidInput([FieldProblem("id", _("A new record cannot have an id yet."))])
    record = from_profile(session, kind, [derived(kind, record)])[0]
    _prepare(session, kind, record)
    row: Any = kind.row(**{name: getattr(record, name) for name in kind.scalar_fields})
    session.add(row)
    session.flush()
    _write_collections(session, kind, row.id, record, replace_existing=False)
    if isinstance(record, Partnership):
        _add_tier_change(session, row.id, record.established or _today(), None, record.tier, "")
    session.flush()
    stored = replace(record, id=row.id)  # type: ignore[type-var]
    recount_members(session, _members_touched(kind, [stored]))
    if kind.versioned:
        stored = replace(stored, version=row.version)  # type: ignore[type-var]
    audit.log_in(
        session,
        audit.Action.CREATE,
        kind=kind.name,
        record_id=row.id,
        summary=_summary_in(session, kind, row.id, stored),
        details={"fields": _on_record(kind, _values_of(kind, stored))},
    )
    return stored


HIDDEN = "••••••"


def _on_record(kind: Kind, values: dict[str, Any]) -> dict[str, Any]:
    """Fields as the audit log keeps them: personal data (passport) never in clear, only
    that it was there or changed."""
    hidden = kind.declaration.sensitive_fields
    if not hidden:
        return values
    return {
        name: (
            [_hidden(v) for v in value]
            if name in hidden and isinstance(value, list) and len(value) == 2
            else _hidden(value)
            if name in hidden
            else value
        )
        for name, value in values.items()
    }


def _hidden(value: Any) -> Any:
    return HIDDEN if value not in (None, "") else value


def _values_of(kind: Kind, record: Any) -> dict[str, Any]:
    """A record's fields and lists as the audit log keeps them (JSON values); a list in its
    stored order, which is not the order it was chosen in."""
    values = {name: audit.jsonable(getattr(record, name)) for name in kind.scalar_fields}
    for collection in kind.collections:
        items = audit.jsonable(getattr(record, collection.field))
        values[collection.field] = sorted(items, key=repr)
    return values


def _own_name(kind: Kind, value_of: Callable[[str], Any]) -> str:
    """A record's name from its own fields (a delegation: its purpose); "" if it has none
    there (a partnership is called by its partner city)."""
    summary = kind.declaration.summary_field
    for name in (*kind.name_columns, *((summary,) if summary else ())):
        value = value_of(name)
        if isinstance(value, str) and value:
            return value[:NAME]
    return ""


def _summary_in(session: Session, kind: Kind, record_id: int, record: Any = None) -> str:
    """What the audit log calls a record: its name (a partnership its partner city's, a
    delegation its purpose), in English where it has one; from `record` when it says."""
    if record is not None:
        own = _own_name(kind, lambda name: getattr(record, name, ""))
        if own:
            return own
    if kind.name_columns:
        names = names_of_in(session, kind.name, record_id)
        return names.en or names.zh or names.he or f"{kind.name} {record_id}"
    from exchange_desk.services.history_text import names_in

    found = names_in(session, {kind.name: {record_id}})
    return found.get((kind.name, record_id)) or f"{kind.name} {record_id}"


def _message_name(session: Session, kind: Kind, record_id: int, record: Any = None) -> str:
    """What a message in the user's language calls a record (`record_names_in`); one that is
    gone by what `record` or the log says of it."""
    found = record_names_in(session, kind.name, record_id).best()
    return found or _summary_in(session, kind, record_id, record)


def record_in(
    session: Session, kind_name: str, record_id: int, *, for_update: bool = False
) -> Any | None:
    """The record as stored now, read in an open session (its lists too); None if gone.
    `for_update`: its row locked until the transaction ends (PostgreSQL; SQLite's unit of
    work holds the whole file's write lock already)."""
    kind = kind_named(kind_name)
    statement, _sort = _filtered(kind, ListQuery(filters={"id": record_id}))
    if for_update:
        statement = statement.with_for_update(of=_table(kind))
    row = session.execute(statement).first()
    if row is None:
        return None
    collections = _collections_for(session, kind, [record_id]) if kind.collections else {}
    return _record(kind, row, collections.get(record_id, {}))


def _differing(kind: Kind, stored: Any, record: Any) -> tuple[str, ...]:
    """The fields and lists in which two versions of a record differ."""
    before, after = _values_of(kind, stored), _values_of(kind, record)
    return tuple(name for name in after if before[name] != after[name])


def stale(session: Session, kind: Kind, record: Any, *, deleting: bool = False) -> ConflictError:
    """The conflict of saving (or deleting) `record` read at an older version than stored."""
    record_id = record.id
    stored = record_in(session, kind.name, record_id)
    last = session.execute(
        select(audit_log.c.user_name, audit_log.c.at)
        .where(audit_log.c.kind == kind.name, audit_log.c.record_id == record_id)
        .order_by(audit_log.c.id.desc())
        .limit(1)
    ).first()
    who, when = (last[0], last[1]) if last is not None else ("", None)
    name = _message_name(session, kind, record_id, record)
    if stored is None:
        message = _("The {kind} “{name}” was deleted by someone else meanwhile.").format(
            kind=kind.label(), name=name
        )
    elif who and when is not None:
        local = when.replace(tzinfo=dt.UTC).astimezone()
        message = (
            _(
                "The {kind} “{name}” was changed by {user} at {time} while you had it open; "
                "nothing was deleted."
            )
            if deleting
            else _(
                "The {kind} “{name}” was changed by {user} at {time} while you were editing "
                "it; nothing was saved."
            )
        ).format(kind=kind.label(), name=name, user=who, time=local.strftime("%H:%M"))
    else:
        message = (
            _("The {kind} “{name}” was changed by someone else; nothing was deleted.")
            if deleting
            else _("The {kind} “{name}” was changed by someone else; nothing was saved.")
        ).format(kind=kind.label(), name=name)
    fields = _differing(kind, stored, record) if stored is not None else ()
    if fields and not deleting:
        from exchange_desk.i18n.formatting import format_list
        from exchange_desk.services.history_text import field_label

        message = "{message}\n{fields}".format(
            message=message,
            fields=_("Differs from what is stored: {fields}").format(
                fields=format_list(field_label(kind, name) for name in fields)
            ),
        )
    return ConflictError(
        message,
        kind=kind.name,
        record_id=record_id,
        expected_version=getattr(record, "version", None),
        stored=stored,
        fields=fields,
        changed_by=who,
        changed_at=when,
    )


def _chunks(values: Sequence[Any], size: int = 5000) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _present(session: Session, table: Table, ids: set[int]) -> set[int]:
    found: set[int] = set()
    for chunk in _chunks(sorted(ids)):
        found.update(session.scalars(select(table.c.id).where(table.c.id.in_(chunk))))
    return found


def _check_references_many(
    session: Session, kind: Kind, batch: Sequence[Any]
) -> dict[int, list[FieldProblem]]:
    """`_check_references` for many records: one query per kind referred to."""
    problems: dict[int, list[FieldProblem]] = defaultdict(list)
    wanted: dict[str, set[int]] = defaultdict(set)
    fields: list[tuple[str, str, bool]] = []  # (field, target kind, is a list)
    for reference in kind.references:
        fields.append((reference.column, reference.kind, False))
    for collection in kind.collections:
        foreign = [
            fk
            for fk in collection.row.__table__.foreign_keys
            if fk.parent.name != collection.parent_column
        ]
        if foreign:
            fields.append(
                (collection.field, KIND_OF_TABLE[foreign[0].column.table.name].name, True)
            )
    for name, target, many in fields:
        for record in batch:
            value = getattr(record, name)
            if many:
                wanted[target].update(getattr(v, "organization_id", v) for v in value)
            elif value is not None:
                wanted[target].add(value)
    present = {
        target: _present(session, _table(KINDS[target]), ids) for target, ids in wanted.items()
    }
    for index, record in enumerate(batch):
        for name, target, many in fields:
            value = getattr(record, name)
            values = [getattr(v, "organization_id", v) for v in value] if many else [value]
            for missing in sorted(
                {v for v in values if v is not None} - present.get(target, set())
            ):
                problems[index].append(
                    FieldProblem(
                        name,
                        _("There is no {kind} with id {id}.").format(
                            kind=KINDS[target].label(), id=missing
                        ),
                    )
                )
    return problems


def _check_unique_many(
    session: Session, kind: Kind, batch: Sequence[Any]
) -> dict[int, list[FieldProblem]]:
    """`_check_unique` for many new records: against what is stored and each other."""
    problems: dict[int, list[FieldProblem]] = defaultdict(list)
    table = _table(kind)
    for rule in kind.unique:
        keys = [tuple(getattr(record, c) for c in rule.columns) for record in batch]
        stored: dict[tuple[Any, ...], int] = {}
        if len(rule.columns) == 1:
            column = table.c[rule.columns[0]]
            values = sorted({key[0] for key in keys if key[0] is not None}, key=str)
            for chunk in _chunks(values):
                for other, value in session.execute(
                    select(table.c.id, column).where(column.in_(chunk))
                ):
                    stored[(value,)] = other
        else:
            for other, *stored_key in session.execute(
                select(table.c.id, *(table.c[c] for c in rule.columns))
            ):
                stored[tuple(stored_key)] = other
        for index, (record, key) in enumerate(zip(batch, keys, strict=True)):
            other = stored.get(key)
            if other is not None:
                fields = {name: getattr(record, name) for name in kind.scalar_fields}
                problems[index].append(
                    FieldProblem(
                        rule.field,
                        _(rule.message).format(
                            other_id=_other_name(session, kind, other), **fields
                        ),
                    )
                )
    return problems


def create_many_in(session: Session, batch: Sequence[Any], *, checked: bool = False) -> list[Any]:
    """Store many new records of one kind in the caller's transaction, with the checks of
    `create_in` made for all of them at once (a query per kind referred to and per unique
    rule, one insert), and return them with their ids: what an import of 10,000 rows needs.
    Raises `InvalidInput` naming the first refused record's problems (with its position).
    `checked`: the caller has just put each record through `check_record` (an import's
    plan), which is not done twice; what is stored (references, unique rules) still is."""
    if not batch:
        return []
    kind = kind_of(batch[0])
    batch = from_profile(session, kind, [derived(kind, record) for record in batch])
    for index, record in enumerate(batch):
        if getattr(record, "id", None) is not None:
            raise InvalidInput([FieldProblem("id", _("A new record cannot have an id yet."))])
        if checked:
            continue
        try:
            check_record(kind, record)
        except InvalidInput as exc:
            exc.position = index  # type: ignore[attr-defined]
            raise
    for found in (
        _check_references_many(session, kind, batch),
        _check_unique_many(session, kind, batch),
    ):
        if found:
            first = min(found)
            refused = InvalidInput(found[first])
            refused.position = first  # type: ignore[attr-defined]
            raise refused
    table = _table(kind)
    values = [{name: getattr(record, name) for name in kind.scalar_fields} for record in batch]
    ids: list[int] = []
    if session.get_bind().dialect.name == "sqlite":
        # One executemany, then the ids read back: in a write transaction nobody else
        # inserts, and SQLite gives each new row the next id in turn. (RETURNING with its
        # order kept runs one statement per row on SQLite: ten times slower.)
        last = session.scalar(select(func.max(table.c.id))) or 0
        session.execute(insert(table), values)
        ids = list(
            session.scalars(select(table.c.id).where(table.c.id > last).order_by(table.c.id))
        )
    else:
        for chunk in _chunks(values, 2000):
            ids.extend(
                session.scalars(
                    insert(table).returning(table.c.id, sort_by_parameter_order=True), list(chunk)
                )
            )
    stored = [replace(record, id=row_id) for record, row_id in zip(batch, ids, strict=True)]
    if kind.versioned:
        stored = [replace(record, version=1) for record in stored]
    for collection in kind.collections:
        rows = [
            collection.to_row(record.id, value)
            for record in stored
            for value in getattr(record, collection.field)
        ]
        session.add_all(rows)
    if kind.name == "partnerships":
        today = _today()
        session.add_all(
            m.TierChangeRow(
                partnership_id=record.id,
                changed_on=record.established or today,
                from_tier=None,
                to_tier=record.tier,
                note="",
            )
            for record in stored
        )
    session.flush()
    # A line per record, with its name: its History starts with where it came from.
    audit.log_many_in(
        session,
        audit.Action.CREATE,
        (
            (
                kind.name,
                record.id,
                _own_name(kind, partial(getattr, record)) or f"{kind.name} {record.id}",
                None,
            )
            for record in stored
        ),
    )
    recount_members(session, _members_touched(kind, stored))
    return stored


def delete_many_in(session: Session, kind_name: str, ids: Sequence[int]) -> Snapshot:
    """Delete records that nothing else refers to (what an import made, undone), with their
    lists and history, in the caller's transaction; keep a `Snapshot` to put them back.
    Refused with `Conflict` if a record stored since refers to one of them."""
    kind = kind_named(kind_name)
    table = _table(kind)
    snapshot = Snapshot()
    associations = _association_parents()
    for chunk in _chunks(list(ids)):
        where = table.c.id.in_(chunk)
        for other in m.Base.metadata.sorted_tables:
            for fk in other.foreign_keys:
                if fk.column.table is not table:
                    continue
                owned = other.name in associations and associations[other.name][0] is kind
                if owned or fk.ondelete == "CASCADE":
                    snapshot.keep(session, other, fk.parent.in_(chunk))
                    session.execute(delete(other).where(fk.parent.in_(chunk)))
                elif session.scalar(
                    select(func.count()).select_from(other).where(fk.parent.in_(chunk))
                ):
                    raise Conflict(
                        _(
                            "The import cannot be undone: records saved since refer to the "
                            "{kind} it brought in."
                        ).format(kind=kind.label(2))
                    )
        snapshot.keep(session, table, where)
        session.execute(delete(table).where(where))
    audit.log_many_in(
        session,
        audit.Action.DELETE,
        (
            (
                kind.name,
                values["id"],
                _own_name(kind, values.get) or f"{kind.name} {values['id']}",
                None,
            )
            for name, values in snapshot.rows
            if name == table.name
        ),
    )
    recount_members(session, _members_in(snapshot))
    return snapshot


def create(database: Database, record: T) -> T:
    """Store a new record (its `id` must be None); returns it with its new id."""
    with transaction(database, kind_of(record).name) as session:
        return create_in(session, record)


def update_in(
    session: Session,
    record: T,
    *,
    tier_changed_on: PartialDate | None = None,
    tier_note: str = "",
    record_tier_change: bool = True,
    before: Any | None = None,
) -> T:
    """Store the changed fields of an existing record in the caller's transaction; a
    partnership's new tier is recorded in its history (dated `tier_changed_on`, else today)
    unless `record_tier_change` is False (undo and redo put the history back themselves).
    `before`: the record as stored, read in this transaction already (not read again)."""
    kind = kind_of(record)
    record = from_profile(session, kind, [derived(kind, record)])[0]
    record_id = getattr(record, "id", None)
    if record_id is None:
        raise InvalidInput([FieldProblem("id", _("The record to change has no id."))])
    # FOR UPDATE: on PostgreSQL a second desk saving the same record waits here until the
    # first commits, then reads its version (SQLite's unit of work holds the write lock).
    # A caller that read `before` with the row locked has done it already.
    if before is None:
        row: Any = session.get(kind.row, record_id, with_for_update=True, populate_existing=True)
    else:
        row = session.get(kind.row, record_id, populate_existing=True)
    expected = getattr(record, "version", None)
    if row is None:
        if expected is not None:
            raise stale(session, kind, record)
        raise NotFound(kind.label(), record_id)
    if expected is not None and kind.versioned and row.version != expected:
        raise stale(session, kind, record)
    _prepare(session, kind, record)
    previous_tier = getattr(row, "tier", None)
    if before is None:
        before = record_in(session, kind.name, record_id)
    # What changes, field by field: for the audit log, and for the version below.
    changed = audit.field_changes(
        _values_of(kind, before) if before is not None else {}, _values_of(kind, record)
    )
    for name in kind.scalar_fields:
        setattr(row, name, getattr(record, name))
    if kind.versioned and changed:
        # Lists live in tables of their own: a change to them alone is a change of the
        # record too (a new version). Set before any statement makes the session flush.
        row.updated_at = utcnow()
    _write_collections(session, kind, record_id, record, replace_existing=True)
    if record_tier_change and isinstance(record, Partnership) and previous_tier != record.tier:
        _add_tier_change(
            session,
            record_id,
            tier_changed_on or _today(),
            previous_tier,
            record.tier,
            tier_note,
        )
    try:
        session.flush()
    except StaleDataError as exc:  # changed between the read and the write: never silent
        raise ConflictError(
            _("The {kind} was changed by someone else; nothing was saved.").format(
                kind=kind.label()
            ),
            kind=kind.name,
            record_id=record_id,
            expected_version=expected,
            stored=None,
        ) from exc
    if changed:
        audit.log_in(
            session,
            audit.Action.UPDATE,
            kind=kind.name,
            record_id=record_id,
            summary=_summary_in(session, kind, record_id, record),
            details={"fields": _on_record(kind, changed)},
        )
    recount_members(session, _members_touched(kind, [x for x in (record, before) if x is not None]))
    if kind.versioned:
        return replace(record, version=row.version)  # type: ignore[type-var]
    return record


def update(
    database: Database,
    record: T,
    *,
    tier_changed_on: PartialDate | None = None,
    tier_note: str = "",
    record_tier_change: bool = True,
) -> T:
    """Store the changed fields of an existing record; a partnership's new tier is recorded
    in its history (dated `tier_changed_on`, else today)."""
    with transaction(database, kind_of(record).name) as session:
        return update_in(
            session,
            record,
            tier_changed_on=tier_changed_on,
            tier_note=tier_note,
            record_tier_change=record_tier_change,
        )


def tier_history_in(session: Session, partnership_id: int) -> list[TierChange]:
    rows = session.scalars(
        select(m.TierChangeRow)
        .where(m.TierChangeRow.partnership_id == partnership_id)
        .order_by(m.TierChangeRow.changed_on, m.TierChangeRow.id)
    ).all()
    return [
        TierChange(
            id=row.id,
            partnership_id=row.partnership_id,
            changed_on=row.changed_on,
            from_tier=PartnershipTier(row.from_tier) if row.from_tier else None,
            to_tier=PartnershipTier(row.to_tier),
            note=row.note,
        )
        for row in rows
    ]


def tier_history(database: Database, partnership_id: int) -> list[TierChange]:
    with database.reading() as session:
        return tier_history_in(session, partnership_id)


def replace_tier_history_in(
    session: Session, partnership_id: int, history: Sequence[TierChange]
) -> None:
    """Make a partnership's tier history exactly `history`, ids included (undo and redo)."""
    session.execute(delete(m.TierChangeRow).where(m.TierChangeRow.partnership_id == partnership_id))
    session.add_all(
        m.TierChangeRow(
            id=change.id,
            partnership_id=partnership_id,
            changed_on=change.changed_on,
            from_tier=change.from_tier,
            to_tier=change.to_tier,
            note=change.note,
        )
        for change in history
    )
    session.flush()


def tier_rows_in(session: Session, partnership_id: int) -> Snapshot:
    """A partnership's tier history as stored, whole rows (their times included), to be put
    back exactly by `put_tier_rows_in` (undo and redo of an edit)."""
    rows = Snapshot()
    tier_changes = m.table_of(m.TierChangeRow)
    rows.keep(session, tier_changes, tier_changes.c.partnership_id == partnership_id)
    return rows


def put_tier_rows_in(session: Session, partnership_id: int, rows: Snapshot) -> None:
    """Make a partnership's tier history exactly the rows `tier_rows_in` kept."""
    session.execute(delete(m.TierChangeRow).where(m.TierChangeRow.partnership_id == partnership_id))
    restore_in(session, rows)


def replace_tier_history(
    database: Database, partnership_id: int, history: list[TierChange]
) -> None:
    """Make a partnership's tier history exactly `history` (undo and redo of an edit)."""
    with transaction(database, "partnerships") as session:
        replace_tier_history_in(session, partnership_id, history)


# --- deleting ----------------------------------------------------------------------------


def _association_parents() -> dict[str, tuple[Kind, str]]:
    """Association table name -> (the kind that owns the list, its parent column)."""
    parents = {}
    for kind in KINDS.values():
        for collection in kind.collections:
            parents[m.table_of(collection.row).name] = (kind, collection.parent_column)
    return parents


def dependents(session: Session, kind: Kind, record_id: int) -> list[Dependent]:
    """What refers to the record, by kind and by what deleting it would do to them."""
    target = _table(kind)
    associations = _association_parents()
    found: list[Dependent] = []
    for table in m.Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table is not target:
                continue
            column = fk.parent
            if table.name in associations:
                owner, parent_column = associations[table.name]
                if column.name == parent_column:
                    continue  # the record's own list: goes with it
                ids = tuple(
                    session.scalars(
                        select(table.c[parent_column]).where(column == record_id).distinct()
                    )
                )
                if ids:
                    found.append(Dependent(owner.name, ids, "unlink"))
                continue
            if fk.ondelete == "CASCADE":
                continue  # part of the record (e.g. tier history)
            ids = tuple(session.scalars(select(table.c.id).where(column == record_id)))
            if not ids:
                continue
            referrer = KIND_OF_TABLE.get(table.name)
            reference = referrer.reference(column.name) if referrer else None
            required = not column.nullable or (reference is not None and reference.required)
            name = referrer.name if referrer else table.name
            found.append(Dependent(name, ids, "delete" if required else "clear"))
    return found


@dataclass(slots=True)
class Snapshot:
    """Everything a delete removed or changed, so that it can be put back (undo).

    `rows` are whole rows, by table, as they were; `cleared` are rows whose references were
    set to empty: (table, row id, the values to put back, its time of last change included).
    """

    rows: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    cleared: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)

    def keep(self, session: Session, table: Table, where: Any) -> None:
        for row in session.execute(select(table).where(where)).mappings():
            self.rows.append((table.name, dict(row)))

    def keep_reference(self, session: Session, table: Table, column: str, where: Any) -> None:
        stamp = [table.c.updated_at] if "updated_at" in table.c else []
        for row_id, value, *changed in session.execute(
            select(table.c.id, table.c[column], *stamp).where(where)
        ):
            values = {column: value}
            if changed:
                values["updated_at"] = changed[0]
            self.cleared.append((table.name, row_id, values))


def _cascade_children(session: Session, table: Table, where: Any, snapshot: Snapshot) -> None:
    """Keep the rows that the database deletes with `table`'s rows (ON DELETE CASCADE), and
    theirs in turn (a delegation's programme items take their guest lists with them)."""
    ids = (
        [row[0] for row in session.execute(select(table.c.id).where(where))]
        if "id" in table.c
        else []
    )
    if not ids:
        return
    for child in m.Base.metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.column.table is table and fk.ondelete == "CASCADE":
                snapshot.keep(session, child, fk.parent.in_(ids))
                _cascade_children(session, child, fk.parent.in_(ids), snapshot)


def _delete_in(
    session: Session, kind: Kind, record_id: int, seen: set[tuple[str, int]], snapshot: Snapshot
) -> None:
    if (kind.name, record_id) in seen:
        return
    seen.add((kind.name, record_id))
    for dependent in dependents(session, kind, record_id):
        if dependent.action == "delete":
            for child_id in dependent.ids:
                _delete_in(session, KINDS[dependent.kind], child_id, seen, snapshot)
    associations = _association_parents()
    target = _table(kind)
    for table in m.Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table is not target or fk.ondelete == "CASCADE":
                continue
            if table.name in associations:
                snapshot.keep(session, table, fk.parent == record_id)
                session.execute(delete(table).where(fk.parent == record_id))
            elif fk.parent.nullable:
                snapshot.keep_reference(session, table, fk.parent.name, fk.parent == record_id)
                cleared: dict[str, Any] = {fk.parent.name: None}
                if "version" in table.c:  # a change to the record: an editor of it must know
                    cleared["version"] = table.c.version + 1
                session.execute(sql_update(table).where(fk.parent == record_id).values(cleared))
    delete_owned(session, kind.name, record_id, snapshot)
    where = target.c.id == record_id
    summary = _summary_in(session, kind, record_id)
    kept = len(snapshot.rows)
    snapshot.keep(session, target, where)
    audit.log_in(
        session,
        audit.Action.DELETE,
        kind=kind.name,
        record_id=record_id,
        summary=summary,
        details={
            "fields": _on_record(
                kind,
                {
                    name: audit.jsonable(value)
                    for name, value in snapshot.rows[kept][1].items()
                    if name in kind.scalar_fields
                },
            )
        }
        if len(snapshot.rows) > kept
        else None,
    )
    _cascade_children(session, target, where, snapshot)
    session.execute(delete(target).where(where))


def delete_record_in(
    session: Session,
    kind_name: str,
    record_id: int,
    *,
    cascade: bool = False,
    version: int | None = None,
) -> Deletion:
    """Delete a record in the caller's transaction. Refused with `Conflict` when others
    depend on it, unless `cascade`; with `ConflictError` when `version` (the one the user
    saw) is not the stored one. The `Deletion` carries a `Snapshot` for `restore_in`."""
    kind = kind_named(kind_name)
    row: Any = session.get(kind.row, record_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound(kind.label(), record_id)
    if version is not None and kind.versioned and row.version != version:
        current = record_in(session, kind.name, record_id)
        assert current is not None  # its row was just read
        raise stale(session, kind, replace(current, version=version), deleting=True)
    found = dependents(session, kind, record_id)
    if found and not cascade:
        raise Conflict(
            _("The {kind} “{name}” cannot be deleted: other records depend on it.").format(
                kind=kind.label(), name=_message_name(session, kind, record_id)
            ),
            dependents=[dependent.describe() for dependent in found],
        )
    snapshot = Snapshot()
    _delete_in(session, kind, record_id, set(), snapshot)
    recount_members(session, _members_in(snapshot))
    return Deletion(kind.name, record_id, tuple(found), snapshot)


def delete_record(
    database: Database,
    kind_name: str,
    record_id: int,
    *,
    cascade: bool = False,
    version: int | None = None,
) -> Deletion:
    """Delete a record. Refused with `Conflict` when others depend on it, unless `cascade`,
    and with `ConflictError` when `version` is given and another desk has changed it since.

    The returned `Deletion` carries a `Snapshot` that `restore` puts back (undo).
    """
    with transaction(database, kind_named(kind_name).name) as session:
        return delete_record_in(session, kind_name, record_id, cascade=cascade, version=version)


# Rows kept once per file content: put back only if no other attachment brought them back.
_BY_HASH: dict[str, type[m.Base]] = {
    "attachment_blobs": m.AttachmentBlobRow,
    "attachment_previews": m.AttachmentPreviewRow,
}


def restore_in(session: Session, snapshot: Snapshot) -> None:
    """Put back what a delete removed, in the caller's transaction: rows parents first,
    then the cleared references."""
    tables = m.Base.metadata.tables
    order = {table.name: index for index, table in enumerate(m.Base.metadata.sorted_tables)}
    rows = sorted(snapshot.rows, key=lambda item: order[item[0]])
    try:
        for name, values in rows:
            table = tables[name]
            if name in _BY_HASH and session.get(_BY_HASH[name], values["sha256"]) is not None:
                continue  # the same bytes are stored for another attachment
            session.execute(insert(table).values(values))
        # Last cleared first: a row cleared twice gets its oldest state back last.
        for name, row_id, values in reversed(snapshot.cleared):
            table = tables[name]
            restored: dict[str, Any] = dict(values)
            if "version" in table.c:
                restored["version"] = table.c.version + 1
            session.execute(sql_update(table).where(table.c.id == row_id).values(restored))
        session.flush()
    except IntegrityError as exc:
        raise Conflict(
            _("The deleted records cannot be put back: {reason}").format(
                reason=str(exc.orig).splitlines()[0]
            )
        ) from exc
    # Each record put back is created again, as far as its History goes.
    audit.log_many_in(
        session,
        audit.Action.CREATE,
        (
            (
                kind.name,
                values["id"],
                _own_name(kind, values.get) or f"{kind.name} {values['id']}",
                None,
            )
            for name, values in rows
            if (kind := KIND_OF_TABLE.get(name)) is not None
        ),
    )
    recount_members(session, _members_in(snapshot))


def restore(database: Database, snapshot: Snapshot) -> None:
    """Put back what a delete removed: rows parents first, then the cleared references."""
    with database.unit_of_work() as session:
        restore_in(session, snapshot)


def snapshot_changes(snapshot: Snapshot) -> Changes:
    """What the delete that took `snapshot` changed: the records it deleted, the records
    whose reference to them it cleared or whose lists it took them out of, and whether the
    office profile lost a reference (its home city, its seal)."""
    deleted: dict[str, set[int]] = defaultdict(set)
    updated: dict[str, set[int]] = defaultdict(set)
    associations = _association_parents()
    for table_name, values in snapshot.rows:
        kind = KIND_OF_TABLE.get(table_name)
        if kind is not None:
            deleted[kind.name].add(values["id"])
        elif table_name in associations:
            owner, parent_column = associations[table_name]
            updated[owner.name].add(values[parent_column])
    profile_table = m.table_of(m.OfficeProfileRow).name
    profile = False
    for table_name, row_id, _values in snapshot.cleared:
        kind = KIND_OF_TABLE.get(table_name)
        if kind is not None:
            updated[kind.name].add(row_id)
        profile = profile or table_name == profile_table
    for kind_name, ids in deleted.items():
        updated[kind_name] -= ids  # gone, not changed
    return Changes.of(deleted=deleted, updated=updated, profile=profile)


def dependents_of(database: Database, kind_name: str, record_id: int) -> list[Dependent]:
    kind = kind_named(kind_name)
    with database.reading() as session:
        return dependents(session, kind, record_id)


def parts_of(database: Database, kind_name: str, record_id: int) -> list[Dependent]:
    """The records of other kinds that are part of this one and go with it when it is
    deleted (ON DELETE CASCADE: a delegation's members and programme items), to say so
    before deleting; undo brings them back with it."""
    target = _table(kind_named(kind_name))
    found: list[Dependent] = []
    with database.reading() as session:
        for table in m.Base.metadata.sorted_tables:
            referrer = KIND_OF_TABLE.get(table.name)
            if referrer is None:
                continue
            for fk in table.foreign_keys:
                if fk.column.table is target and fk.ondelete == "CASCADE":
                    ids = tuple(session.scalars(select(table.c.id).where(fk.parent == record_id)))
                    if ids:
                        found.append(Dependent(referrer.name, ids, "delete"))
    return found


def get_listed_many(
    database: Database, kind_name: str, record_ids: Iterable[int]
) -> dict[int, Listed[Any]]:
    """Records of a kind by id, each with the names of the records it refers to, as
    `get_listed` gives them, in a few queries for all of them (a batch of certificates reads
    its awards at once). NotFound names the first id that has no record."""
    kind = kind_named(kind_name)
    wanted = list(dict.fromkeys(record_ids))
    table = _table(kind)
    statement, _sort_columns = _filtered(kind, ListQuery())
    with database.reading() as session:
        rows: list[Any] = []
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            rows.extend(session.execute(statement.where(table.c.id.in_(chunk))).all())
        collections: dict[int, dict[str, tuple[Any, ...]]] = {}
        if kind.collections and rows:
            collections = _collections_for(session, kind, [row[0] for row in rows])
        references = _reference_names(session, kind, rows)
    found = {listed.record.id: listed for listed in _listed(kind, rows, collections, references)}
    for record_id in wanted:
        if record_id not in found:
            raise NotFound(kind.label(), record_id)
    return found
