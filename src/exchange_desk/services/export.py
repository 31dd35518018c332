"""Records as JSON text, built by the database itself (SQLite's JSON1, PostgreSQL's json).

`exchange-desk list KIND --json` on 100,000 delegations must take well under two seconds on
an office PC; building 100,000 Python objects and encoding them again cost more than that, so
the database writes each record's JSON object in C and Python only joins the lines. The
content, filters and order are those of `records.list_records`; a test holds them equal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Text, case, cast, func, literal_column, select

from exchange_desk.i18n.catalog import active_language
from exchange_desk.i18n.languages import NAME_LANGUAGES, name_order
from exchange_desk.services.kinds import KINDS, Collection, Kind, kind_named
from exchange_desk.services.records import ListQuery, _filtered, _ordered, _table, label_key

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
    return case((reference.is_(None), None), else_=func.coalesce(*ranked, ""))


def json_records(
    database: Database, kind_name: str, query: ListQuery | None = None, language: str | None = None
) -> list[str]:
    """Each record as one line of JSON: its fields (dates as ISO text, kinds as their
    values, lists of ids), and each reference's name in `language` under `label_key`."""
    kind: Kind = kind_named(kind_name)
    query = query or ListQuery()
    json = _Json(database.backend)
    table = _table(kind)
    statement, sort_columns = _filtered(kind, query)
    pairs: list[tuple[str, Any]] = [("id", table.c.id)]
    pairs += [(name, json.value(table.c[name])) for name in kind.scalar_fields]
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
    statement = _ordered(kind, statement.with_only_columns(record), query, sort_columns)
    if query.offset:
        statement = statement.offset(query.offset)
    if query.limit is not None:
        statement = statement.limit(query.limit)
    with database.reading() as session:
        return list(session.scalars(statement))
