"""What each kind of record's dialog shows: its fields in order, their widgets and labels.

The dialog is built from these specifications, so adding a field to a record means adding one
line here. Labels are marked with `N_` and translated when the dialog is built, because the
language can change while the program runs. Nothing here needs Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from exchange_desk.domain.enums import (
    CooperationArea,
    DelegationStatus,
    Direction,
    EventKind,
    Labelled,
    LanguageMode,
    OrganizationKind,
    PartnershipStatus,
    PartnershipTier,
    RecipientKind,
)
from exchange_desk.i18n.catalog import N_, _
from exchange_desk.services.kinds import KINDS
from exchange_desk.services.names import Names


class Widget(StrEnum):
    """How a field is edited."""

    TEXT = "text"  # one line
    MULTILINE = "multiline"  # a few lines of free text
    NAMES = "names"  # one line per language: English, Chinese, Hebrew
    MULTILINE_NAMES = "multiline_names"  # a few lines per language (citations)
    DATE = "date"  # a partial date: YYYY, YYYY-MM or YYYY-MM-DD
    DAY = "day"  # a full calendar date (a certificate is issued on a day)
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

    @property
    def name(self) -> str:
        return self.fields[0]


def _text(name: str, label: str) -> FieldSpec:
    return FieldSpec((name,), label, Widget.TEXT)


def _multiline(name: str, label: str) -> FieldSpec:
    return FieldSpec((name,), label, Widget.MULTILINE)


def _names(prefix: str, label: str, *, english: str | None = None) -> FieldSpec:
    # A person's English name is the plain `name` column; everything else is `<prefix>_en`.
    return FieldSpec(
        (english or f"{prefix}_en", f"{prefix}_zh", f"{prefix}_he"), label, Widget.NAMES
    )


def _date(name: str, label: str) -> FieldSpec:
    return FieldSpec((name,), label, Widget.DATE)


def _number(name: str, label: str) -> FieldSpec:
    return FieldSpec((name,), label, Widget.NUMBER)


def _enum(name: str, label: str, enum: type[Labelled], *, required: bool = True) -> FieldSpec:
    return FieldSpec((name,), label, Widget.ENUM, enum=enum, required=required)


def _reference(
    name: str,
    label: str,
    kind: str,
    *,
    required: bool = False,
    enabled_when: tuple[str, str] | None = None,
) -> FieldSpec:
    return FieldSpec(
        (name,), label, Widget.REFERENCE, kind=kind, required=required, enabled_when=enabled_when
    )


def _references(name: str, label: str, kind: str) -> FieldSpec:
    return FieldSpec((name,), label, Widget.REFERENCES, kind=kind)


SAMPLE = FieldSpec(("is_sample",), N_("Sample (invented) record"), Widget.FLAG)

FORMS: dict[str, tuple[FieldSpec, ...]] = {
    "cities": (
        _names("name", N_("Name")),
        _names("formal_name", N_("Formal name (certificates)")),
        _text("name_local", N_("Name in the local language")),
        FieldSpec(("country",), N_("Country"), Widget.COUNTRY, required=True),
        _text("region", N_("Region")),
        FieldSpec(("latitude",), N_("Latitude"), Widget.DECIMAL),
        FieldSpec(("longitude",), N_("Longitude"), Widget.DECIMAL),
        _number("population", N_("Population")),
        SAMPLE,
    ),
    "partnerships": (
        _reference("city_id", N_("Partner city"), "cities", required=True),
        _enum("tier", N_("Tier"), PartnershipTier),
        _date("established", N_("Established")),
        _text("signed_at", N_("Signed at")),
        _enum("status", N_("Status"), PartnershipStatus),
        _date("ended", N_("Ended")),
        FieldSpec(("areas",), N_("Areas of cooperation"), Widget.AREAS, enum=CooperationArea),
        _multiline("notes", N_("Notes")),
        SAMPLE,
    ),
    "delegations": (
        _enum("direction", N_("Direction"), Direction),
        _reference("city_id", N_("Partner city"), "cities", required=True),
        _date("start_date", N_("Start")),
        _date("end_date", N_("End")),
        _enum("status", N_("Status"), DelegationStatus),
        _text("leader", N_("Leader")),
        _text("leader_title", N_("Leader's title")),
        _number("members", N_("Members")),
        _references("organization_ids", N_("Organizations"), "organizations"),
        _multiline("purpose", N_("Purpose")),
        _multiline("outcome", N_("Outcome")),
        SAMPLE,
    ),
    "events": (
        _names("name", N_("Name")),
        _enum("kind", N_("Kind"), EventKind),
        _date("start_date", N_("Start")),
        _date("end_date", N_("End")),
        _reference("city_id", N_("Where"), "cities"),
        _reference("partner_city_id", N_("Partner city"), "cities"),
        _reference("host_organization_id", N_("Host organization"), "organizations"),
        _number("attendance", N_("Attendance")),
        FieldSpec(("participants",), N_("Participants"), Widget.PARTICIPANTS, kind="organizations"),
        _multiline("description", N_("Description")),
        SAMPLE,
    ),
    "agreements": (
        _names("title", N_("Title")),
        _reference("city_id", N_("Partner city"), "cities"),
        _date("signed_on", N_("Signed")),
        _date("expires_on", N_("Expires")),
        _enum("area", N_("Area"), CooperationArea, required=False),
        _references("party_ids", N_("Parties"), "organizations"),
        _multiline("notes", N_("Notes")),
        SAMPLE,
    ),
    "organizations": (
        _names("name", N_("Name")),
        _enum("kind", N_("Kind"), OrganizationKind),
        _reference("city_id", N_("City"), "cities"),
        _names("formal_name", N_("Formal name (certificates)")),
        # Printed on the certificates of honours this body confers (AwardRole).
        FieldSpec(("seal_attachment_id",), N_("Seal"), Widget.IMAGE),
        _multiline("notes", N_("Notes")),
        SAMPLE,
    ),
    "conferences": (
        _names("name", N_("Name")),
        _number("edition", N_("Edition")),
        _reference("host_city_id", N_("Host city"), "cities"),
        _date("start_date", N_("Start")),
        _date("end_date", N_("End")),
        _number("attendance", N_("Attendance")),
        _number("countries", N_("Countries represented")),
        _references("organizer_ids", N_("Organizers"), "organizations"),
        SAMPLE,
    ),
    "awards": (
        _names("title", N_("Title")),
        _reference("conference_id", N_("Conference"), "conferences"),
        _date("awarded_on", N_("Date")),
        # Empty means the office confers the honour itself (see AwardRole).
        _reference("giver_organization_id", N_("Given by (empty: our office)"), "organizations"),
        _enum("recipient_kind", N_("Recipient"), RecipientKind),
        _reference(
            "recipient_city_id",
            N_("Recipient city"),
            "cities",
            enabled_when=("recipient_kind", RecipientKind.CITY.value),
        ),
        _reference(
            "recipient_organization_id",
            N_("Recipient organization"),
            "organizations",
            enabled_when=("recipient_kind", RecipientKind.ORGANIZATION.value),
        ),
        _reference(
            "recipient_person_id",
            N_("Recipient person"),
            "persons",
            enabled_when=("recipient_kind", RecipientKind.PERSON.value),
        ),
        FieldSpec(
            ("citation_en", "citation_zh", "citation_he"), N_("Citation"), Widget.MULTILINE_NAMES
        ),
        # What our city received was certified by the giver: its scan is kept here.
        FieldSpec(("scan_attachment_id",), N_("Scan of the certificate received"), Widget.IMAGE),
        SAMPLE,
    ),
    "persons": (
        _names("name", N_("Name"), english="name"),
        _text("title", N_("Position")),
        _reference("organization_id", N_("Organization"), "organizations"),
        _text("email", N_("E-mail")),
        _text("phone", N_("Phone")),
        SAMPLE,
    ),
    "certificates": (
        _text("number", N_("Certificate number")),
        _reference("award_id", N_("Award"), "awards", required=True),
        _enum("language_mode", N_("Languages"), LanguageMode),
        _text("design", N_("Design")),
        FieldSpec(("issued_on",), N_("Issued on"), Widget.DAY),
        _text("issued_by", N_("Issued by")),
        FieldSpec(("reprints",), N_("Reprints"), Widget.COUNT),
        SAMPLE,
    ),
}

# Whole sentences per kind rather than "New {kind}": Chinese and Hebrew word order and
# Hebrew gender differ per noun, so translators need each title as one message.
NEW_TITLES: dict[str, str] = {
    "cities": N_("New city"),
    "partnerships": N_("New partnership"),
    "delegations": N_("New delegation"),
    "events": N_("New cultural event"),
    "agreements": N_("New agreement"),
    "organizations": N_("New organization"),
    "conferences": N_("New conference"),
    "awards": N_("New award"),
    "persons": N_("New person"),
    "certificates": N_("New certificate of honor"),
}
EDIT_TITLES: dict[str, str] = {
    "cities": N_("Edit city: {name}"),
    "partnerships": N_("Edit partnership: {name}"),
    "delegations": N_("Edit delegation: {name}"),
    "events": N_("Edit cultural event: {name}"),
    "agreements": N_("Edit agreement: {name}"),
    "organizations": N_("Edit organization: {name}"),
    "conferences": N_("Edit conference: {name}"),
    "awards": N_("Edit award: {name}"),
    "persons": N_("Edit person: {name}"),
    "certificates": N_("Edit certificate of honor: {name}"),
}


def form_of(kind: str) -> tuple[FieldSpec, ...]:
    """The fields of `kind`'s dialog; ValueError for a kind that has none."""
    try:
        return FORMS[kind]
    except KeyError:
        raise ValueError(_("Unknown kind of record: {name}").format(name=kind)) from None


def record_label(kind: str, record: Any) -> str:
    """The record's name in the user's language, as pickers and titles show it."""
    found = KINDS[kind]
    values = tuple(getattr(record, column) for column in found.name_columns)
    text = Names.of(values).best() if values else ""
    # Kinds without names (a delegation) are still told apart by their number.
    return text or f"{found.label()} {record.id}"
