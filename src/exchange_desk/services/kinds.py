"""The kinds of record the office keeps, and how each maps onto its tables.

One description per kind lets one piece of code list, read, write and delete them all: the
CLI's `list cities` and the GUI's tabs ask the same registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from exchange_desk.domain import records as r
from exchange_desk.domain.enums import ParticipantRole
from exchange_desk.i18n.catalog import N_, _, ngettext
from exchange_desk.storage import models as m


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
    """A column that names another record, shown by that record's name."""

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
    counted: Callable[[int], str]  # the kind's name for a count, in the active language
    record: type[Any]
    row: type[m.Base]
    name_columns: tuple[str, ...]
    search_columns: tuple[str, ...]
    date_column: str | None
    default_order: tuple[str, ...]
    references: tuple[Reference, ...] = ()
    collections: tuple[Collection, ...] = ()
    unique: tuple[UniqueRule, ...] = ()
    filters: tuple[str, ...] = ()
    scalar_fields: tuple[str, ...] = field(default=())

    def label(self, count: int = 1) -> str:
        return self.counted(count)

    def reference(self, column: str) -> Reference | None:
        return next((ref for ref in self.references if ref.column == column), None)


def _scalars(record: type[Any], collections: tuple[Collection, ...]) -> tuple[str, ...]:
    skip = {"id"} | {collection.field for collection in collections}
    return tuple(f.name for f in fields(record) if f.name not in skip)


def _kind(**values: Any) -> Kind:
    collections = values.get("collections", ())
    return Kind(scalar_fields=_scalars(values["record"], collections), **values)


def _ids(row_class: type[m.Base], parent: str, column: str) -> Collection:
    return Collection(
        field="",
        row=row_class,
        parent_column=parent,
        to_value=lambda row: getattr(row, column),
        to_row=lambda parent_id, value: row_class(**{parent: parent_id, column: value}),
        order_column=column,
    )


def _named(collection: Collection, name: str) -> Collection:
    return Collection(
        field=name,
        row=collection.row,
        parent_column=collection.parent_column,
        to_value=collection.to_value,
        to_row=collection.to_row,
        order_column=collection.order_column,
    )


CITIES = _kind(
    name="cities",
    counted=lambda n: ngettext("city", "cities", n),
    record=r.City,
    row=m.CityRow,
    name_columns=("name_en", "name_zh", "name_he"),
    search_columns=("name_en", "name_zh", "name_he", "name_local", "region", "country"),
    date_column=None,
    default_order=("name_en",),
    filters=("country", "is_sample"),
    unique=(
        UniqueRule(
            ("country", "name_en"),
            "name_en",
            N_("{name_en} ({country}) is already recorded as city {other_id}."),
        ),
    ),
)

PARTNERSHIPS = _kind(
    name="partnerships",
    counted=lambda n: ngettext("partnership", "partnerships", n),
    record=r.Partnership,
    row=m.PartnershipRow,
    name_columns=(),
    search_columns=("signed_at", "notes"),
    date_column="established",
    default_order=("established", "id"),
    references=(Reference("city_id", "cities", required=True),),
    collections=(_named(_ids(m.PartnershipAreaRow, "partnership_id", "area"), "areas"),),
    filters=("tier", "status", "city_id", "is_sample"),
    unique=(
        UniqueRule(
            ("city_id",),
            "city_id",
            N_("This city already has a partnership (partnership {other_id})."),
        ),
    ),
)

ORGANIZATIONS = _kind(
    name="organizations",
    counted=lambda n: ngettext("organization", "organizations", n),
    record=r.Organization,
    row=m.OrganizationRow,
    name_columns=("name_en", "name_zh", "name_he"),
    search_columns=("name_en", "name_zh", "name_he"),
    date_column=None,
    default_order=("name_en", "id"),
    references=(Reference("city_id", "cities"),),
    filters=("kind", "city_id", "is_sample"),
)

PERSONS = _kind(
    name="persons",
    counted=lambda n: ngettext("person", "people", n),
    record=r.Person,
    row=m.PersonRow,
    name_columns=("name", "name_zh", "name_he"),
    search_columns=("name", "name_zh", "name_he", "title"),
    date_column=None,
    default_order=("name", "id"),
    references=(Reference("organization_id", "organizations"),),
    filters=("organization_id", "is_sample"),
)

DELEGATIONS = _kind(
    name="delegations",
    counted=lambda n: ngettext("delegation", "delegations", n),
    record=r.Delegation,
    row=m.DelegationRow,
    name_columns=(),
    search_columns=("leader", "purpose", "outcome"),
    date_column="start_date",
    default_order=("start_date", "id"),
    references=(Reference("city_id", "cities", required=True),),
    collections=(
        _named(
            _ids(m.DelegationOrganizationRow, "delegation_id", "organization_id"),
            "organization_ids",
        ),
    ),
    filters=("direction", "status", "city_id", "is_sample"),
)

AGREEMENTS = _kind(
    name="agreements",
    counted=lambda n: ngettext("agreement", "agreements", n),
    record=r.Agreement,
    row=m.AgreementRow,
    name_columns=("title_en", "title_zh", "title_he"),
    search_columns=("title_en", "title_zh", "title_he", "notes"),
    date_column="signed_on",
    default_order=("signed_on", "id"),
    references=(Reference("city_id", "cities"),),
    collections=(
        _named(_ids(m.AgreementPartyRow, "agreement_id", "organization_id"), "party_ids"),
    ),
    filters=("area", "city_id", "is_sample"),
)

EVENTS = _kind(
    name="events",
    counted=lambda n: ngettext("cultural event", "cultural events", n),
    record=r.CulturalEvent,
    row=m.CulturalEventRow,
    name_columns=("name_en", "name_zh", "name_he"),
    search_columns=("name_en", "name_zh", "name_he", "description"),
    date_column="start_date",
    default_order=("start_date", "id"),
    references=(
        Reference("city_id", "cities"),
        Reference("partner_city_id", "cities"),
        Reference("host_organization_id", "organizations"),
    ),
    collections=(
        Collection(
            field="participants",
            row=m.EventParticipantRow,
            parent_column="event_id",
            to_value=lambda row: r.EventParticipant(
                organization_id=row.organization_id, role=ParticipantRole(row.role)
            ),
            to_row=lambda parent_id, value: m.EventParticipantRow(
                event_id=parent_id, organization_id=value.organization_id, role=value.role
            ),
            order_column="organization_id",
        ),
    ),
    filters=("kind", "city_id", "partner_city_id", "is_sample"),
)

CONFERENCES = _kind(
    name="conferences",
    counted=lambda n: ngettext("conference", "conferences", n),
    record=r.Conference,
    row=m.ConferenceRow,
    name_columns=("name_en", "name_zh", "name_he"),
    search_columns=("name_en", "name_zh", "name_he"),
    date_column="start_date",
    default_order=("start_date", "id"),
    references=(Reference("host_city_id", "cities"),),
    collections=(
        _named(_ids(m.ConferenceOrganizerRow, "conference_id", "organization_id"), "organizer_ids"),
    ),
    filters=("host_city_id", "is_sample"),
)

AWARDS = _kind(
    name="awards",
    counted=lambda n: ngettext("award", "awards", n),
    record=r.Award,
    row=m.AwardRow,
    name_columns=("title_en", "title_zh", "title_he"),
    search_columns=(
        "title_en",
        "title_zh",
        "title_he",
        "citation_en",
        "citation_zh",
        "citation_he",
    ),
    date_column="awarded_on",
    default_order=("awarded_on", "id"),
    references=(
        Reference("conference_id", "conferences"),
        Reference("giver_organization_id", "organizations"),
        # An award without its recipient means nothing: deleting the recipient deletes it.
        Reference("recipient_city_id", "cities", required=True),
        Reference("recipient_organization_id", "organizations", required=True),
        Reference("recipient_person_id", "persons", required=True),
    ),
    filters=("conference_id", "recipient_kind", "is_sample"),
)

CERTIFICATES = _kind(
    name="certificates",
    counted=lambda n: ngettext("certificate", "certificates", n),
    record=r.Certificate,
    row=m.CertificateRow,
    name_columns=("number",),
    search_columns=("number", "issued_by"),
    date_column=None,
    default_order=("number",),
    references=(Reference("award_id", "awards", required=True),),
    filters=("award_id", "language_mode", "is_sample"),
    unique=(
        UniqueRule(
            ("number",),
            "number",
            N_("Certificate number {number} is already used (certificate {other_id})."),
        ),
        UniqueRule(
            ("award_id",),
            "award_id",
            N_(
                "This award has its certificate already (certificate {other_id}); "
                "print it again to make a reprint."
            ),
        ),
    ),
)

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        CITIES,
        PARTNERSHIPS,
        ORGANIZATIONS,
        PERSONS,
        DELEGATIONS,
        AGREEMENTS,
        EVENTS,
        CONFERENCES,
        AWARDS,
        CERTIFICATES,
    )
}
KIND_OF_RECORD: dict[type[Any], Kind] = {kind.record: kind for kind in KINDS.values()}
KIND_OF_TABLE: dict[str, Kind] = {m.table_of(kind.row).name: kind for kind in KINDS.values()}
LISTABLE = (
    "cities",
    "partnerships",
    "delegations",
    "events",
    "agreements",
    "organizations",
    "conferences",
    "awards",
)


def kind_named(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(_("Unknown kind of record: {name}").format(name=name)) from None


def kind_of(record: Any) -> Kind:
    return KIND_OF_RECORD[type(record)]
