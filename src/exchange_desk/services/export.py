"""Records as JSON text, built by the database itself (SQLite's JSON1, PostgreSQL's json).

`exchange-desk list KIND --json` on 100,000 delegations must take well under two seconds on
an office PC; building 100,000 Python objects and encoding them again cost more than that, so
the database writes each record's JSON object in C and Python only joins the lines. The
content, filters and order are those of `records.list_records`; a test holds them equal.

What a list leaves out and adds: a person's passport data (the declaration's sensitive
fields) goes out only when asked for, and then on record in the audit log, as a reveal in
the window is; the name's pinyin, a search key the program keeps, never does; and the name
as in the passport (WANG Zhe) is added, as `domain.protocol` writes it.
"""

from __future__ import annotations

import json as json_text
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Text, case, cast, func, literal_column, select

from exchange_desk.domain import records as r
from exchange_desk.domain.errors import NotAllowed
from exchange_desk.domain.protocol import passport_name
from exchange_desk.i18n.catalog import _, active_language
from exchange_desk.i18n.languages import NAME_LANGUAGES, name_order
from exchange_desk.services import audit
from exchange_desk.services.kinds import KINDS, Collection, Kind, kind_named
from exchange_desk.services.records import (
    ListQuery,
    _filtered,
    _ordered,
    _table,
    label_key,
    resolve_search,
)
from exchange_desk.services.registry import DECLARED

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

    from exchange_desk.storage.database import Database


def _key(name: str) -> Any:
    return literal_column(f"'{name}'")


class _Json:
    """The JSON functions of one backend."""

    def __init__(self, backend: str) -> None:
        self.postgres = backend == "postgresql"

    def object(self, pairs: list[tuple[str, Any]]) -> Any:
        arguments = [part for key, value in pairs for part in (_key(key), value)]
        if self.postgres:
            return func.json_build_object(*arguments)
        return func.json_object(*arguments)

    def value(self, column: Any) -> Any:
        if isinstance(column.type, Boolean) and not self.postgres:
            # SQLite stores 0/1; JSON wants true/false.
            return func.json(case((column.is_(None), None), (column == 1, "true"), else_="false"))
        return column

    def grouped(self, item: Any, order: Any) -> Any:
        """The aggregate that gathers a list's items into a JSON array, in order."""
        if self.postgres:
            from sqlalchemy.dialects.postgresql import aggregate_order_by

            return func.json_agg(aggregate_order_by(item, order))
        # SQLite groups by walking the association's primary key, so items come in order.
        return func.json_group_array(item)

    def array_or_empty(self, column: Any) -> Any:
        if self.postgres:
            return func.coalesce(column, literal_column("'[]'::json"))
        # json() keeps the array an array inside the outer object, not a quoted string.
        return func.json(func.coalesce(column, "[]"))


def _collection(json: _Json, collection: Collection) -> Any:
    """A subquery of (parent id, JSON array of the list's items), one row per parent.

    Joined once instead of a subquery per record: a third faster on 100,000 records.
    """
    table: Any = collection.row.__table__
    parent = table.c[collection.parent_column]
    values = [c for c in table.c if c.name != collection.parent_column]
    item = values[0] if len(values) == 1 else json.object([(c.name, c) for c in values])
    items = json.grouped(item, table.c[collection.order_column])
    return (
        select(parent.label("parent_id"), items.label("items"))
        .group_by(parent)
        .subquery(f"list_{collection.field}")
    )


def _best_name(
    alias: Any, columns: tuple[str, ...], order: tuple[int, ...], reference: Any
) -> ColumnElement[Any]:
    ranked = [func.nullif(alias.c[columns[i]], "") for i in order if i < len(columns)]
    if not ranked:  # a kind without a name (a delegation), as the lists show it
        return case((reference.is_(None), None), else_="")
    return case((reference.is_(None), None), else_=func.coalesce(*ranked, ""))


@dataclass(frozen=True, slots=True)
class Computed:
    """A value a list gives beside a kind's fields, computed from some of them."""

    key: str
    columns: tuple[str, ...]
    value: Callable[..., str]


def _passport_name(name: str, family_name: str, given_name: str) -> str:
    return passport_name(r.Person(name=name, family_name=family_name, given_name=given_name))


COMPUTED: dict[str, tuple[Computed, ...]] = {
    "persons": (Computed("passport_name", ("name", "family_name", "given_name"), _passport_name),),
}


def list_aliases() -> dict[str, str]:
    """The names `exchange-desk list` takes besides the kinds' own: a tab's name on the
    command line where it differs from its kind's (people: persons), unless a kind has
    that name itself (`cities` are the cities, though the Partner cities tab lists
    partnerships)."""
    return {
        d.tab.cli_name: d.name
        for d in DECLARED.values()
        if d.listable
        and d.tab is not None
        and d.tab.cli_name
        and d.tab.cli_name != d.name
        and d.tab.cli_name not in DECLARED
    }


def listed_kind(name: str) -> str:
    """The kind a name given to `exchange-desk list` means (people: persons)."""
    return list_aliases().get(name, name)


def search_keys(kind_name: str) -> tuple[str, ...]:
    """What the program keeps from a record's own fields to find it by (a name's pinyin):
    searched, never shown or given out."""
    declaration = kind_named(kind_name).declaration
    also = declaration.tab.search_also if declaration.tab is not None else ()
    return tuple(
        name
        for name in also
        if not (declaration.field(name).in_form or declaration.field(name).in_detail)
    )


def listed_fields(kind_name: str, *, sensitive: bool = False) -> tuple[str, ...]:
    """The fields of a kind a list gives out: all but its search keys, and but its
    sensitive fields (passport data) unless `sensitive`."""
    kind = kind_named(kind_name)
    left_out = set(search_keys(kind_name))
    if not sensitive:
        left_out |= set(kind.declaration.sensitive_fields)
    return tuple(name for name in kind.scalar_fields if name not in left_out)


def check_may_list_personal_data(database: Database) -> None:
    """NotAllowed unless the user may see passport data (an editor or an administrator,
    as for a reveal in the window)."""
    from exchange_desk.services.people import REVEAL_ROLE
    from exchange_desk.services.roles import role_of

    have = role_of(database)
    if have < REVEAL_ROLE:
        raise NotAllowed(
            _(
                "Your role ({role}) lets you list who people are, not their passport data. "
                "An editor or an administrator can list it."
            ).format(role=have.label())
        )


def log_personal_data_listed(database: Database, kind_name: str, rows: int) -> None:
    """Put on record that a list with personal data went out: which kind, which fields and
    how many records, never the values. NotAllowed where the line cannot be written (a
    database opened only for reading): personal data never goes out unrecorded."""
    from exchange_desk.domain.errors import StorageUnavailable

    fields = list(kind_named(kind_name).declaration.sensitive_fields)
    try:
        audit.log(
            database,
            audit.Action.EXPORT,
            kind=kind_name,
            summary=f"list {kind_name} --sensitive",
            details={"kind": kind_name, "rows": rows, "sensitive": True, "fields": fields},
        )
    except (StorageUnavailable, NotAllowed):
        raise NotAllowed(
            _(
                "Passport data is listed only on record in the audit log, and this database "
                "cannot take the line (it is open only for reading). Nothing was listed."
            )
        ) from None


def json_records(
    database: Database,
    kind_name: str,
    query: ListQuery | None = None,
    language: str | None = None,
    *,
    sensitive: bool = False,
) -> list[str]:
    """Each record as one line of JSON: its fields (dates as ISO text, kinds as their
    values, lists of ids), each reference's name in `language` under `label_key`, and what
    `COMPUTED` adds (a person's `passport_name`).

    A kind's sensitive fields (passport data) are left out, key and all, unless
    `sensitive`: then the user must be allowed to see them and the listing goes on record
    in the audit log (`log_personal_data_listed`), or nothing is returned."""
    kind: Kind = kind_named(kind_name)
    personal = sensitive and bool(kind.declaration.sensitive_fields)
    if personal:
        check_may_list_personal_data(database)
    query = resolve_search(database, kind_name, query or ListQuery())  # folded, as the window
    json = _Json(database.backend)
    table = _table(kind)
    statement, sort_columns = _filtered(kind, query)
    pairs: list[tuple[str, Any]] = [("id", table.c.id)]
    pairs += [
        (name, json.value(table.c[name])) for name in listed_fields(kind_name, sensitive=sensitive)
    ]
    for collection in kind.collections:
        lists = _collection(json, collection)
        statement = statement.outerjoin(lists, lists.c.parent_id == table.c.id)
        pairs.append((collection.field, json.array_or_empty(lists.c["items"])))
    # Which name column comes first for the language, then the fallbacks.
    order = tuple(NAME_LANGUAGES.index(code) for code in name_order(language or active_language()))
    for reference in kind.references:
        target = KINDS[reference.kind]
        alias = _table(target).alias(f"name_{reference.column}")
        statement = statement.outerjoin(alias, alias.c.id == table.c[reference.column])
        pairs.append(
            (
                label_key(reference.column),
                _best_name(alias, target.name_columns, order, table.c[reference.column]),
            )
        )
    record = json.object(pairs)
    if json.postgres:
        record = cast(record, Text)  # psycopg would parse json into dicts: keep the text
    computed = COMPUTED.get(kind.name, ())
    inputs = [table.c[column] for item in computed for column in item.columns]
    statement = _ordered(kind, statement.with_only_columns(record, *inputs), query, sort_columns)
    if query.offset:
        statement = statement.offset(query.offset)
    if query.limit is not None:
        statement = statement.limit(query.limit)
    with database.reading() as session:
        if computed:
            lines = [_with_computed(row, computed) for row in session.execute(statement)]
        else:
            lines = list(session.scalars(statement))
    if personal:
        log_personal_data_listed(database, kind.name, len(lines))
    return lines


def _with_computed(row: Any, computed: tuple[Computed, ...]) -> str:
    """The record's JSON line with the computed values added at its end: spliced into the
    text the database wrote, not decoded and encoded again."""
    line: str = row[0]
    values = iter(row[1:])
    added = "".join(
        f",{json_text.dumps(item.key)}:"
        + json_text.dumps(
            item.value(*(next(values) or "" for _column in item.columns)), ensure_ascii=False
        )
        for item in computed
    )
    return f"{line[:-1]}{added}}}"
