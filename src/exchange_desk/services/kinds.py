"""The kinds of record the office keeps, made from their declarations (`domain.kinds`), and
how each maps onto its tables.

One description per kind lets one piece of code list, read, write and delete them all: the
CLI's `list cities` and the GUI's tabs ask the same registry. Everything here is derived from
the declaration and the storage table it names; a kind declared by a test or a later version
is registered with `register` and gets the same treatment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table

from exchange_desk.domain import records as r
from exchange_desk.domain.declaration import FieldType, KindDeclaration, record_class
from exchange_desk.domain.enums import ParticipantRole
from exchange_desk.i18n.catalog import _, ngettext
from exchange_desk.services import registry
from exchange_desk.storage import models as m
from exchange_desk.storage import schema


@dataclass(frozen=True, slots=True)
class Collection:
    """A list-valued field kept in an association table (areas, organizations, parties)."""

    field: str
    row: type[m.Base]
    parent_column: str
    to_value: Callable[[Any], Any]
    to_row: Callable[[int, Any], m.Base]
    order_column: str


@dataclass(frozen=True, slots=True)
class Reference:
    """A column that names another record, shown by that record's name. `required`: the
    record cannot be without it, so deleting the one referred to deletes this one too."""

    column: str
    kind: str
    required: bool = False


@dataclass(frozen=True, slots=True)
class UniqueRule:
    columns: tuple[str, ...]
    field: str
    message: str  # N_-marked; formatted with the record's attributes and `other_id`


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    declaration: KindDeclaration
    record: type[Any]
    row: type[m.Base]
    references: tuple[Reference, ...] = ()
    collections: tuple[Collection, ...] = ()
    unique: tuple[UniqueRule, ...] = ()
    scalar_fields: tuple[str, ...] = field(default=())

    @property
    def name_columns(self) -> tuple[str, ...]:
        return self.declaration.name_columns

    @property
    def search_columns(self) -> tuple[str, ...]:
        return self.declaration.search

    @property
    def date_column(self) -> str | None:
        return self.declaration.date_field

    @property
    def default_order(self) -> tuple[str, ...]:
        return self.declaration.order

    @property
    def filters(self) -> tuple[str, ...]:
        return self.declaration.list_filters

    @property
    def versioned(self) -> bool:
        """Whether its records carry the version they were read at (see `storage.models`)."""
        return "version" in schema.metadata.tables[self.declaration.table].c and (
            "version" in getattr(self.record, "__dataclass_fields__", {})
        )

    def label(self, count: int = 1) -> str:
        """The kind's name for `count` records, in the active language."""
        return ngettext(self.declaration.noun.singular, self.declaration.noun.plural, count)

    def reference(self, column: str) -> Reference | None:
        return next((ref for ref in self.references if ref.column == column), None)


def _row_class(table: Table) -> type[m.Base]:
    """The ORM class mapped onto `table`: the one in `storage.models`, or one mapped now for
    a kind that has no class of its own."""
    for mapper in m.Base.registry.mappers:
        if mapper.local_table is table:
            return mapper.class_
    name = "".join(part.capitalize() for part in table.name.split("_")) + "Row"
    return type(name, (m.Base,), {"__table__": table, "__mapper_args__": m.versioned(table)})


def _collection(declaration: KindDeclaration, name: str) -> Collection:
    item = declaration.field(name)
    assert item.link is not None, f"{declaration.name}.{name} is a list without a link table"
    link = item.link
    row_class = _row_class(schema.metadata.tables[link.table])
    if item.type is FieldType.PARTICIPANTS:
        # Each item is an organization with its role: a value of its own, not a bare id.
        return Collection(
            field=name,
            row=row_class,
            parent_column=link.owner_column,
            to_value=lambda row: r.EventParticipant(
                organization_id=getattr(row, link.value_column), role=ParticipantRole(row.role)
            ),
            to_row=lambda parent_id, value: row_class(
                **{
                    link.owner_column: parent_id,
                    link.value_column: value.organization_id,
                    "role": value.role,
                }
            ),
            order_column=link.value_column,
        )
    return Collection(
        field=name,
        row=row_class,
        parent_column=link.owner_column,
        to_value=lambda row: getattr(row, link.value_column),
        to_row=lambda parent_id, value: row_class(
            **{link.owner_column: parent_id, link.value_column: value}
        ),
        order_column=link.value_column,
    )


def kind_from(declaration: KindDeclaration) -> Kind:
    """The services' view of a declared kind."""
    table = schema.metadata.tables[declaration.table]
    return Kind(
        name=declaration.name,
        declaration=declaration,
        record=record_class(declaration),
        row=_row_class(table),
        references=tuple(
            Reference(f.name, f.kind or "", f.owned_by_reference) for f in declaration.references
        ),
        collections=tuple(_collection(declaration, f.name) for f in declaration.lists),
        unique=tuple(UniqueRule(u.fields, u.field, u.message) for u in declaration.unique),
        scalar_fields=tuple(f.name for f in declaration.columns),
    )


KINDS: dict[str, Kind] = {}
KIND_OF_RECORD: dict[type[Any], Kind] = {}
KIND_OF_TABLE: dict[str, Kind] = {}


def register(declaration: KindDeclaration) -> Kind:
    """Add a declared kind to every registry: its tab, form, detail, list and JSON follow."""
    registry.declare(declaration)
    kind = kind_from(declaration)
    KINDS[kind.name] = kind
    KIND_OF_RECORD[kind.record] = kind
    KIND_OF_TABLE[declaration.table] = kind
    return kind


def unregister(name: str) -> None:
    """Remove a kind `register` added (tests declare kinds of their own)."""
    registry.forget(name)
    kind = KINDS.pop(name)
    KIND_OF_RECORD.pop(kind.record, None)
    KIND_OF_TABLE.pop(kind.declaration.table, None)


for _declaration in list(registry.DECLARED.values()):
    register(_declaration)

CITIES = KINDS["cities"]
PARTNERSHIPS = KINDS["partnerships"]
ORGANIZATIONS = KINDS["organizations"]
PERSONS = KINDS["persons"]
DELEGATIONS = KINDS["delegations"]
AGREEMENTS = KINDS["agreements"]
EVENTS = KINDS["events"]
CONFERENCES = KINDS["conferences"]
AWARDS = KINDS["awards"]
CERTIFICATES = KINDS["certificates"]


def listable() -> tuple[str, ...]:
    """The kinds `exchange-desk list` offers, in the order of their declarations."""
    return tuple(kind.name for kind in KINDS.values() if kind.declaration.listable)


LISTABLE = listable()


def kind_named(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(_("Unknown kind of record: {name}").format(name=name)) from None


def kind_of(record: Any) -> Kind:
    return KIND_OF_RECORD[type(record)]
