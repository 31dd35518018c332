"""Each kind is declared once (domain.kinds): the domain dataclass, the storage table and the
ORM class are checked against the declaration here, so none of them can drift from it."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import Boolean, Date, Float, Integer, String, Text

from exchange_desk.domain.declaration import FieldType, KindDeclaration, record_class
from exchange_desk.domain.kinds import DECLARATIONS
from exchange_desk.storage import schema
from exchange_desk.storage.types import PartialDateType

BY_NAME = {declaration.name: declaration for declaration in DECLARATIONS}


@pytest.mark.parametrize("declaration", DECLARATIONS, ids=lambda d: d.name)
def test_the_record_class_has_exactly_the_declared_fields(declaration: KindDeclaration) -> None:
    record = record_class(declaration)
    # id and version are every record's, given by the database, not declared per kind.
    names = [f.name for f in dataclasses.fields(record) if f.name not in ("id", "version")]
    assert sorted(names) == sorted(f.name for f in declaration.fields)
    for item in declaration.fields:
        field = next(f for f in dataclasses.fields(record) if f.name == item.name)
        has_default = (
            field.default is not dataclasses.MISSING
            or field.default_factory is not dataclasses.MISSING
        )
        # A field the user must give has no default; an optional one always has one.
        if item.required and item.type not in {FieldType.COUNT, FieldType.DAY}:
            assert not has_default or item.type is FieldType.ENUM, item.name
        if not item.required:
            assert has_default, item.name


_COLUMN_TYPES = {
    FieldType.TEXT: String,
    FieldType.MULTILINE: (Text, String),
    FieldType.INTEGER: Integer,
    FieldType.COUNT: Integer,
    FieldType.DECIMAL: Float,
    FieldType.PARTIAL_DATE: PartialDateType,
    FieldType.DAY: Date,
    FieldType.TIME: String,
    FieldType.ENUM: String,
    FieldType.FLAG: Boolean,
    FieldType.COUNTRY: String,
    FieldType.REFERENCE: Integer,
    FieldType.IMAGE: Integer,
}


@pytest.mark.parametrize("declaration", DECLARATIONS, ids=lambda d: d.name)
def test_the_table_matches_the_declaration(declaration: KindDeclaration) -> None:
    table = schema.metadata.tables[declaration.table]
    stored = {column.name for column in table.columns} - {
        "id",
        "created_at",
        "updated_at",
        "version",
    }
    assert stored == {f.name for f in declaration.columns}
    for item in declaration.columns:
        column = table.c[item.name]
        assert isinstance(column.type, _COLUMN_TYPES[item.type]), item.name
        assert column.nullable == item.nullable, item.name
        if isinstance(column.type, String) and not isinstance(column.type, Text):
            if column.type.length is not None and item.max_length is not None:
                assert item.max_length <= column.type.length, item.name
            elif item.type is not FieldType.ENUM:
                assert column.type.length is None or item.max_length is not None, item.name
        if item.type in {FieldType.REFERENCE, FieldType.IMAGE}:
            (foreign,) = column.foreign_keys
            target = BY_NAME[item.kind].table if item.kind in BY_NAME else item.kind
            assert foreign.column.table.name == target, item.name


@pytest.mark.parametrize("declaration", DECLARATIONS, ids=lambda d: d.name)
def test_every_list_has_its_link_table(declaration: KindDeclaration) -> None:
    for item in declaration.lists:
        assert item.link is not None
        table = schema.metadata.tables[item.link.table]
        owner = table.c[item.link.owner_column]
        (foreign,) = owner.foreign_keys
        assert foreign.column.table.name == declaration.table
        assert item.link.value_column in table.c


@pytest.mark.parametrize("declaration", DECLARATIONS, ids=lambda d: d.name)
def test_what_a_declaration_names_exists(declaration: KindDeclaration) -> None:
    fields = {f.name for f in declaration.fields}
    for name in (*declaration.search, *declaration.order, *declaration.list_filters):
        assert name in fields or name == "id", name
    if declaration.date_field:
        assert declaration.field(declaration.date_field).type is FieldType.PARTIAL_DATE
    for column in declaration.list_columns:
        source = column.lstrip("@").split("->")[0]
        assert source in fields or declaration.group(source), column
    if declaration.tab is not None:
        for tab_column in declaration.tab.columns:
            source = tab_column.source.lstrip("@").split("->")[0]
            assert (
                source in fields or declaration.group(source) or source in declaration.computed
            ), tab_column.key
        for item in declaration.fields:
            if item.enabled_when is not None:
                assert item.enabled_when[0] in fields


def test_tabs_have_distinct_keys_and_positions() -> None:
    tabs = [d.tab for d in DECLARATIONS if d.tab is not None]
    assert len({tab.key for tab in tabs}) == len(tabs)
    assert len({tab.position for tab in tabs}) == len(tabs)


def test_a_record_class_is_made_for_a_kind_declared_without_one() -> None:
    from exchange_desk.domain.declaration import N_, names, ngettext, partial_date, text

    declaration = KindDeclaration(
        name="gifts",
        table="gifts",
        noun=ngettext("gift", "gifts"),
        new_title=N_("New gift"),
        edit_title=N_("Edit gift: {name}"),
        fields=(*names("name", N_("Name")), partial_date("given_on", N_("Date"))),
    )
    declaration = dataclasses.replace(declaration, fields=(*declaration.fields, text("x", "X")))
    made = record_class(declaration)
    gift = made(name_en="Vase", given_on=None)
    assert gift.id is None
    assert gift.name_zh == ""
    assert gift.x == ""
    with pytest.raises(TypeError):
        made(name_zh="花瓶")  # the English name is required
    assert dt  # the module imports what annotations need
