"""What each kind of record's dialog shows: its fields in order, their widgets and labels,
read from the kind's declaration (`domain.kinds`).

Adding a field to a record means adding it to the declaration; its row follows. Labels are
gettext message ids, translated when the dialog is built, because the language can change
while the program runs. Nothing here needs Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from exchange_desk.domain.declaration import FieldType, KindDeclaration
from exchange_desk.domain.enums import Labelled
from exchange_desk.i18n.catalog import _, ngettext
from exchange_desk.services.names import Names
from exchange_desk.services.registry import DECLARED

# What stands for a value that is hidden (passport data not revealed), in a field or a fact.
MASK = "••••••"


class Widget(StrEnum):
    """How a field is edited."""

    TEXT = "text"  # one line
    MULTILINE = "multiline"  # a few lines of free text
    NAMES = "names"  # one line per language: English, Chinese, Hebrew
    MULTILINE_NAMES = "multiline_names"  # a few lines per language (citations)
    DATE = "date"  # a partial date: YYYY, YYYY-MM or YYYY-MM-DD
    DAY = "day"  # a full calendar date (a certificate is issued on a day)
    OPTIONAL_DAY = "optional_day"  # a full calendar date that may be left empty (birth)
    TIME = "time"  # a time of day, HH:MM (a programme item's start)
    NUMBER = "number"  # an optional whole number
    COUNT = "count"  # a whole number that is always there (reprints)
    DECIMAL = "decimal"  # an optional decimal number (coordinates)
    ENUM = "enum"  # one of a fixed vocabulary, shown by its translated label
    FLAG = "flag"  # a check box
    COUNTRY = "country"  # an ISO 3166 code, chosen by the country's name
    REFERENCE = "reference"  # the id of a record of another kind
    REFERENCES = "references"  # a list of ids of records of another kind
    AREAS = "areas"  # a set of areas of cooperation
    PARTICIPANTS = "participants"  # organizations with their role at an event
    IMAGE = "image"  # an image stored as an attachment of the record (a seal)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One row of a record dialog."""

    fields: tuple[str, ...]  # the record's attributes it edits: one, or three for names
    label: str  # N_-marked
    widget: Widget
    enum: type[Labelled] | None = None
    kind: str | None = None  # the kind referred to (references and lists of them)
    required: bool = False  # the dialog refuses an empty value before asking the services
    enabled_when: tuple[str, str] | None = None  # (enum field, value) that switches it on
    # Personal data (a passport number): masked in an existing record until revealed.
    sensitive: bool = False

    @property
    def name(self) -> str:
        return self.fields[0]


_WIDGETS = {
    FieldType.TEXT: Widget.TEXT,
    FieldType.MULTILINE: Widget.MULTILINE,
    FieldType.INTEGER: Widget.NUMBER,
    FieldType.COUNT: Widget.COUNT,
    FieldType.DECIMAL: Widget.DECIMAL,
    FieldType.PARTIAL_DATE: Widget.DATE,
    FieldType.DAY: Widget.DAY,
    FieldType.TIME: Widget.TIME,
    FieldType.ENUM: Widget.ENUM,
    FieldType.FLAG: Widget.FLAG,
    FieldType.COUNTRY: Widget.COUNTRY,
    FieldType.REFERENCE: Widget.REFERENCE,
    FieldType.IMAGE: Widget.IMAGE,
    FieldType.REFERENCES: Widget.REFERENCES,
    FieldType.AREAS: Widget.AREAS,
    FieldType.PARTICIPANTS: Widget.PARTICIPANTS,
}

# Kinds whose picker must be filled before the services are asked: a record cannot be
# chosen "later" the way a name can be corrected after the services' message.
_CHECKED_BY_THE_DIALOG = {
    FieldType.ENUM,
    FieldType.COUNTRY,
    FieldType.REFERENCE,
}


def form_from(declaration: KindDeclaration) -> tuple[FieldSpec, ...]:
    """The dialog rows of a declared kind, in the order of its fields: the three language
    columns of a name group make one row."""
    specs: list[FieldSpec] = []
    seen_groups: set[str] = set()
    for item in declaration.fields:
        if not item.in_form:
            continue
        if item.group is not None:
            if item.group in seen_groups:
                continue
            seen_groups.add(item.group)
            widget = Widget.MULTILINE_NAMES if item.multiline else Widget.NAMES
            specs.append(FieldSpec(declaration.group(item.group), item.label, widget))
            continue
        widget = _WIDGETS[item.type]
        if widget is Widget.DAY and not item.required:
            widget = Widget.OPTIONAL_DAY
        specs.append(
            FieldSpec(
                (item.name,),
                item.label,
                widget,
                enum=item.enum
                if isinstance(item.enum, type) and issubclass(item.enum, Labelled)
                else None,
                kind=item.kind if item.type is not FieldType.IMAGE else None,
                required=item.required and item.type in _CHECKED_BY_THE_DIALOG,
                enabled_when=item.enabled_when,
                sensitive=item.sensitive,
            )
        )
    return tuple(specs)


def form_of(kind: str) -> tuple[FieldSpec, ...]:
    """The fields of `kind`'s dialog; ValueError for a kind that has none."""
    try:
        declaration = DECLARED[kind]
    except KeyError:
        raise ValueError(_("Unknown kind of record: {name}").format(name=kind)) from None
    return form_from(declaration)


def new_title(kind: str) -> str:
    """The N_-marked title of the dialog that makes a record of `kind`."""
    return DECLARED[kind].new_title


def edit_title(kind: str) -> str:
    """The N_-marked title, with `{name}`, of the dialog that changes a record of `kind`."""
    return DECLARED[kind].edit_title


def record_label(kind: str, record: Any) -> str:
    """The record's name in the user's language, as pickers and titles show it."""
    declaration = DECLARED[kind]
    values = tuple(getattr(record, column) for column in declaration.name_columns)
    summary = declaration.summary_field
    return label_of(
        kind,
        record.id,
        Names.of(values) if values else Names(),
        str(getattr(record, summary, "") or "") if summary else "",
    )


def label_of(kind: str, record_id: int, names: Names, summary: str = "") -> str:
    """`record_label` of a record read as its names and summary alone (`records.named_rows`)."""
    # A kind without names is told by its summary (a delegation by its purpose), and still
    # told apart by its number without one.
    noun = DECLARED[kind].noun
    return names.best() or summary or f"{ngettext(noun.singular, noun.plural, 1)} {record_id}"
