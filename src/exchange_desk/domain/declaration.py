"""The vocabulary in which a kind of record is declared once: its fields with their types and
limits, labels, tab columns and filters, detail and list columns.

A declaration (see `domain.kinds`) is plain data. Storage checks its tables against it (a
test), services derive validation, tab loading, details, lists and JSON from it, and the
dialog builds its form from it; so adding a kind is its declaration, its table (a migration)
and only the widgets that are truly special.

Labels are gettext message ids marked with `N_` (Babel extracts them); they are translated
where they are shown, in the language of the window or of the document.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any

# The marker labels are written with, re-exported for the declarations that import it here.
from exchange_desk.domain.messages import N_ as N_

# Two's-complement 32-bit: the range of PostgreSQL's `integer`. SQLite would store more, so
# the same limit holds on both backends (a CHECK in the database backs it).
INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
NAME_MAX = 200
TEXT_MAX = 20_000
EnumClass = type[Enum]  # `type` is a field's name below, so the alias is spelled out here


@dataclass(frozen=True, slots=True)
class Noun:
    """A kind's name for one record and for several (gettext msgids of one plural entry)."""

    singular: str
    plural: str


def ngettext(singular: str, plural: str) -> Noun:
    """Mark a noun's plural pair: named as gettext's function so that Babel extracts the two
    as one plural entry; i18n chooses the form for a count."""
    return Noun(singular, plural)


class FieldType(StrEnum):
    """What a field holds, which says how it is validated, stored, edited and shown."""

    TEXT = "text"  # one line
    MULTILINE = "multiline"  # a few lines of free text
    INTEGER = "integer"  # an optional whole number
    COUNT = "count"  # a whole number that is always there (reprints)
    DECIMAL = "decimal"  # an optional decimal number (coordinates)
    PARTIAL_DATE = "partial_date"  # YYYY, YYYY-MM or YYYY-MM-DD (`domain.dates.PartialDate`)
    DAY = "day"  # a full calendar date (`datetime.date`)
    TIME = "time"  # a time of day, "HH:MM" (a programme item's start and end)
    ENUM = "enum"  # one member of a `Labelled` enum
    FLAG = "flag"  # true or false
    COUNTRY = "country"  # an ISO 3166 alpha-2 code
    REFERENCE = "reference"  # the id of a record of another kind
    IMAGE = "image"  # the id of an attachment of the record (a seal, a scan)
    REFERENCES = "references"  # ids of records of another kind, kept in a link table
    AREAS = "areas"  # a set of areas of cooperation, kept in a link table
    PARTICIPANTS = "participants"  # organizations with their role, kept in a link table


# Fields kept in a link table rather than a column of the kind's own table.
LIST_TYPES = frozenset({FieldType.REFERENCES, FieldType.AREAS, FieldType.PARTICIPANTS})
NUMBER_TYPES = frozenset({FieldType.INTEGER, FieldType.COUNT, FieldType.DECIMAL})


@dataclass(frozen=True, slots=True)
class Link:
    """Where a list-valued field is kept: the link table, the column naming the owner, the
    column holding each value, and any further columns of an item (a participant's role)."""

    table: str
    owner_column: str
    value_column: str


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a kind: a column of its table, or a list kept in a link table.

    `group` ties the three language columns of a name together (`name` for name_en, name_zh,
    name_he): forms show them as one row, lists and titles as one `Names`.
    """

    name: str
    type: FieldType
    label: str  # N_-marked
    required: bool = False
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    enum: EnumClass | None = None
    kind: str | None = None  # the kind referred to (references and lists of them)
    link: Link | None = None  # for LIST_TYPES
    group: str | None = None  # the name group of a language column
    multiline: bool = False  # a name group edited on several lines (citations)
    enabled_when: tuple[str, str] | None = None  # (enum field, value) that switches it on
    detail_label: str | None = None  # the label in the detail pane, where it differs
    in_form: bool = True
    in_detail: bool = True
    # Deleting the record referred to deletes this one (an award goes with its recipient).
    owned_by_reference: bool = False
    # Personal data a consulate asks for (passport number, date of birth): masked in the
    # window until revealed (each reveal on record), exported only when asked for.
    sensitive: bool = False

    @property
    def is_list(self) -> bool:
        return self.type in LIST_TYPES

    @property
    def is_column(self) -> bool:
        return not self.is_list

    @property
    def nullable(self) -> bool:
        """Whether the column may hold NULL; text is stored as '' rather than NULL."""
        if self.required:
            return False
        return self.type in {
            FieldType.INTEGER,
            FieldType.DECIMAL,
            FieldType.PARTIAL_DATE,
            FieldType.DAY,
            FieldType.TIME,
            FieldType.REFERENCE,
            FieldType.IMAGE,
            FieldType.ENUM,
        }


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a tab. `source` says where its value comes from:

    - a field name: the field's raw value (ISO text of a date, an enum member, a number);
    - `"@group"`: the `Names` of a name group (`"@name"`, `"@title"`);
    - `"field->"`: the `Names` of the record a reference field names;
    - `"field->country"`: the country code of the city a reference field names;
    - a key of the declaration's `computed`: a value computed from the row.

    `shows` is how the window draws it: `text`, `names`, `date`, `number`, `year`, `enum`,
    `country`.
    """

    key: str
    header: str  # N_-marked
    shows: str
    source: str


@dataclass(frozen=True, slots=True)
class Filter:
    """A filter a tab offers over one of its values (`source` as for `Column`); `year`
    filters on the year of the kind's date field. `choices` come from the field's enum
    unless given; `lookup` names a kind whose records are the choices (conferences)."""

    key: str
    label: str  # N_-marked
    source: str
    lookup: str | None = None
    enum: type[Enum] | None = None  # the choices of a computed value


@dataclass(frozen=True, slots=True)
class Computed:
    """A value computed from the row's fields (and what the `Context` knows), for a column,
    a filter or the detail pane: an award's recipient, whether it was given or received."""

    needs: tuple[str, ...]
    compute: Callable[[Mapping[str, Any], Context], Any]
    reads: tuple[str, ...] = ()  # the kinds whose names it asks the context for
    reads_profile: bool = False  # whether it asks for the home city


class Context:
    """What a computed value may ask beyond its own row: other records' names, the home
    city. Services provide it; the domain only asks."""

    def name_of(self, kind: str, record_id: int | None) -> Any:
        raise NotImplementedError

    @property
    def home_city_id(self) -> int | None:
        raise NotImplementedError

    @property
    def this_year(self) -> int:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Tab:
    """The main window's tab for a kind: its key (what `--tab` takes), title, columns and
    filters. A kind without a tab is still listed, edited and shown in details."""

    key: str
    title: str  # N_-marked
    columns: tuple[Column, ...]
    filters: tuple[Filter, ...] = ()
    cli_name: str = ""  # what `exchange-desk --tab` calls it, if not the kind's name
    position: int = 1000  # tabs are shown in the order of their positions
    # Text fields the search box also looks in, though no column shows them (pinyin).
    search_also: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Unique:
    """Fields whose values no two records may share, and the message naming the other one
    (formatted with the record's fields and `other_id`)."""

    fields: tuple[str, ...]
    field: str
    message: str  # N_-marked


@dataclass(frozen=True, slots=True)
class KindDeclaration:
    """Everything the program needs to know about one kind of record."""

    name: str  # "cities": the CLI's word and the key of every registry
    table: str  # the storage table it lives in
    noun: Noun  # ngettext("city", "cities")
    fields: tuple[Field, ...]
    new_title: str  # N_-marked whole sentence: "New city"
    edit_title: str  # N_-marked, with {name}: "Edit city: {name}"
    record: type[Any] | None = None  # the domain dataclass; made from the fields if None
    name_group: str | None = None  # the name group that names a record (titles, pickers)
    title_field: str | None = None  # a text field naming a record that has no names
    summary_field: str | None = None  # a text that titles its detail (a delegation's purpose)
    date_field: str | None = None  # the date a record is ordered and filtered by
    order: tuple[str, ...] = ("id",)
    search: tuple[str, ...] = ()  # fields the CLI's --search looks in
    tab: Tab | None = None
    list_columns: tuple[str, ...] = ()  # the CLI's table: field names or "field->"
    list_filters: tuple[str, ...] = ()  # fields the CLI may filter on
    unique: tuple[Unique, ...] = ()
    computed: Mapping[str, Computed] = field(default_factory=dict)
    detail_computed: tuple[tuple[str, str], ...] = ()  # (label, computed key) first in facts
    listable: bool = True  # offered by `exchange-desk list`
    # Values the program keeps from the record's own (a name's pinyin, for search): called
    # with the record before every write, it returns the fields to set.
    derive: Callable[[Any], Mapping[str, Any]] | None = None
    # The kind's records belong to one record of another kind (a delegation's members): the
    # reference field naming it. Edited within their owner's window rather than in a tab.
    owner_field: str | None = None
    # Fields that, left empty, take a value of the office profile when stored (by the
    # profile's column): a gift valued without a currency is valued in the office's.
    profile_defaults: Mapping[str, str] = field(default_factory=dict)

    @property
    def sensitive_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.sensitive)

    def field(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(f"{self.name} has no field {name}")

    def has_field(self, name: str) -> bool:
        return any(candidate.name == name for candidate in self.fields)

    @property
    def columns(self) -> tuple[Field, ...]:
        """Fields stored in the kind's own table, in declaration order."""
        return tuple(f for f in self.fields if f.is_column)

    @property
    def lists(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.is_list)

    def group(self, name: str) -> tuple[str, ...]:
        """The columns of a name group, in the order English, Chinese, Hebrew."""
        return tuple(f.name for f in self.fields if f.group == name)

    @property
    def name_columns(self) -> tuple[str, ...]:
        if self.name_group:
            return self.group(self.name_group)
        return (self.title_field,) if self.title_field else ()

    @property
    def references(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.type is FieldType.REFERENCE)


def text(
    name: str,
    label: str,
    *,
    required: bool = False,
    limit: int = NAME_MAX,
    sensitive: bool = False,
) -> Field:
    return Field(
        name, FieldType.TEXT, label, required=required, max_length=limit, sensitive=sensitive
    )


def multiline(name: str, label: str, *, limit: int = TEXT_MAX) -> Field:
    return Field(name, FieldType.MULTILINE, label, max_length=limit)


def names(
    prefix: str,
    label: str,
    *,
    english: str | None = None,
    required: bool = True,
    limit: int = NAME_MAX,
    multiline: bool = False,
    detail_labels: tuple[str, str, str] | None = None,
) -> tuple[Field, Field, Field]:
    """A name in English (required unless said otherwise) and in Chinese and Hebrew."""
    columns = (english or f"{prefix}_en", f"{prefix}_zh", f"{prefix}_he")
    kind = FieldType.MULTILINE if multiline else FieldType.TEXT
    made = tuple(
        Field(
            column,
            kind,
            label,
            required=required and index == 0,
            max_length=limit,
            group=prefix,
            multiline=multiline,
            detail_label=detail_labels[index] if detail_labels else None,
        )
        for index, column in enumerate(columns)
    )
    return made[0], made[1], made[2]


def integer(
    name: str,
    label: str,
    *,
    minimum: int = 0,
    maximum: int = INT_MAX,
    required: bool = False,
) -> Field:
    return Field(
        name,
        FieldType.COUNT if required else FieldType.INTEGER,
        label,
        required=required,
        minimum=minimum,
        maximum=maximum,
    )


def decimal(name: str, label: str, *, minimum: float, maximum: float) -> Field:
    return Field(name, FieldType.DECIMAL, label, minimum=minimum, maximum=maximum)


def partial_date(name: str, label: str, *, required: bool = False) -> Field:
    return Field(name, FieldType.PARTIAL_DATE, label, required=required)


def day(name: str, label: str, *, required: bool = True, sensitive: bool = False) -> Field:
    return Field(name, FieldType.DAY, label, required=required, sensitive=sensitive)


def time_of_day(name: str, label: str) -> Field:
    return Field(name, FieldType.TIME, label, max_length=5)


def choice(
    name: str,
    label: str,
    enum: type[Enum],
    *,
    required: bool = True,
    sensitive: bool = False,
    detail_label: str | None = None,
) -> Field:
    return Field(
        name,
        FieldType.ENUM,
        label,
        required=required,
        enum=enum,
        sensitive=sensitive,
        detail_label=detail_label,
    )


def flag(name: str, label: str) -> Field:
    return Field(name, FieldType.FLAG, label)


def country(name: str, label: str, *, required: bool = True, sensitive: bool = False) -> Field:
    return Field(
        name, FieldType.COUNTRY, label, required=required, max_length=2, sensitive=sensitive
    )


def reference(
    name: str,
    label: str,
    kind: str,
    *,
    required: bool = False,
    owned: bool = False,
    enabled_when: tuple[str, str] | None = None,
    detail_label: str | None = None,
) -> Field:
    return Field(
        name,
        FieldType.REFERENCE,
        label,
        required=required,
        kind=kind,
        owned_by_reference=owned or required,
        enabled_when=enabled_when,
        detail_label=detail_label,
    )


def image(name: str, label: str, *, detail_label: str | None = None) -> Field:
    return Field(
        name, FieldType.IMAGE, label, kind="attachments", detail_label=detail_label, in_detail=False
    )


def references(name: str, label: str, kind: str, link: Link) -> Field:
    return Field(name, FieldType.REFERENCES, label, kind=kind, link=link)


SAMPLE = Field("is_sample", FieldType.FLAG, N_("Sample (invented) record"), in_detail=False)


def record_class(declaration: KindDeclaration) -> type[Any]:
    """The declaration's dataclass, or one made from its fields for a kind declared without
    one (a kind added by a plug-in or a test)."""
    if declaration.record is not None:
        return declaration.record
    defaults: dict[FieldType, Any] = {
        FieldType.TEXT: "",
        FieldType.MULTILINE: "",
        FieldType.FLAG: False,
        FieldType.COUNT: 0,
        FieldType.REFERENCES: (),
        FieldType.AREAS: (),
        FieldType.PARTICIPANTS: (),
    }
    specs: list[tuple[str, Any, Any]] = [
        ("id", int | None, dataclasses.field(default=None)),
        ("version", int | None, dataclasses.field(default=None)),
    ]
    for item in declaration.fields:
        if item.required and item.type not in {FieldType.FLAG, FieldType.COUNT}:
            specs.append((item.name, Any, dataclasses.field()))
        else:
            specs.append((item.name, Any, dataclasses.field(default=defaults.get(item.type))))
    title = "".join(part.capitalize() for part in declaration.name.split("_"))
    return dataclasses.make_dataclass(title, specs, kw_only=True, slots=True)
