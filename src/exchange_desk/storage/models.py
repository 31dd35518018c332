"""The office's records as typed SQLAlchemy 2 ORM classes, mapped onto `schema`'s tables.

Services write through these classes; reading long lists goes through the Core tables in
`schema` directly. Importing this module maps every class (about 0.2 s of SQLAlchemy's
time), so code on the window's start-up path imports it only when it first needs it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import (
    CooperationArea,
    DelegationStatus,
    Direction,
    DressCode,
    EventKind,
    GuestSide,
    LanguageMode,
    LetterKind,
    LetterLanguage,
    MemberRole,
    NameOrder,
    OrganizationKind,
    ParticipantRole,
    PartnershipStatus,
    PartnershipTier,
    ProtocolCategory,
    RecipientKind,
    Sex,
)
from exchange_desk.storage import schema
from exchange_desk.storage.schema import NAME, TEXT, utcnow

__all__ = ["NAME", "TEXT", "Base", "table_of", "utcnow", "versioned"]


class Base(DeclarativeBase):
    metadata = schema.metadata


class Stamped:
    """The columns `schema._stamps()` gives a table, for type checkers, and the version the
    ORM checks and counts up: an UPDATE names the version it read (`WHERE version = ?`), so a
    change committed by another desk in between makes it fail instead of being overwritten."""

    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    is_sample: Mapped[bool]
    version: Mapped[int]

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - SQLAlchemy's own form
        return versioned(cls.__table__)  # type: ignore[attr-defined]


def versioned(table: Any) -> dict[str, Any]:
    """Mapper arguments that make the ORM check and count up `table`'s version column."""
    return {"version_id_col": table.c.version} if "version" in table.c else {}


def table_of(row: type[Base]) -> Table:
    """The Core table a class is mapped onto."""
    table = row.__table__
    assert isinstance(table, Table)
    return table


class AttachmentBlobRow(Base):
    """File contents, stored once per SHA-256 so a shared PostgreSQL serves every desk."""

    __table__ = schema.attachment_blobs

    sha256: Mapped[str]
    content: Mapped[bytes]


class CityRow(Stamped, Base):
    __table__ = schema.cities

    id: Mapped[int]
    name_en: Mapped[str]
    name_zh: Mapped[str]
    name_he: Mapped[str]
    name_local: Mapped[str]
    country: Mapped[str]
    region: Mapped[str]
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    population: Mapped[int | None]
    formal_name_en: Mapped[str]
    formal_name_zh: Mapped[str]
    formal_name_he: Mapped[str]
    photo_attachment_id: Mapped[int | None]


class AttachmentRow(Base):
    __table__ = schema.attachments

    id: Mapped[int]
    owner_kind: Mapped[str]
    owner_id: Mapped[int]
    file_name: Mapped[str]
    media_type: Mapped[str]
    size: Mapped[int]
    sha256: Mapped[str]
    description: Mapped[str]
    created_at: Mapped[dt.datetime]
    caption_zh: Mapped[str]
    caption_he: Mapped[str]
    width: Mapped[int | None]
    height: Mapped[int | None]


class AttachmentPreviewRow(Base):
    """An image attached, made smaller once: a thumbnail and a picture for documents."""

    __table__ = schema.attachment_previews

    sha256: Mapped[str]
    thumbnail: Mapped[bytes]
    picture: Mapped[bytes]
    media_type: Mapped[str]


class ConferenceRow(Stamped, Base):
    __table__ = schema.conferences

    id: Mapped[int]
    name_en: Mapped[str]
    name_zh: Mapped[str]
    name_he: Mapped[str]
    edition: Mapped[int | None]
    host_city_id: Mapped[int | None]
    start_date: Mapped[PartialDate | None]
    end_date: Mapped[PartialDate | None]
    attendance: Mapped[int | None]
    countries: Mapped[int | None]


class DelegationRow(Stamped, Base):
    __table__ = schema.delegations

    id: Mapped[int]
    direction: Mapped[Direction]
    city_id: Mapped[int]
    start_date: Mapped[PartialDate | None]
    end_date: Mapped[PartialDate | None]
    leader: Mapped[str]
    leader_title: Mapped[str]
    members: Mapped[int | None]
    purpose: Mapped[str]
    outcome: Mapped[str]
    status: Mapped[DelegationStatus]


class OrganizationRow(Stamped, Base):
    __table__ = schema.organizations

    id: Mapped[int]
    name_en: Mapped[str]
    name_zh: Mapped[str]
    name_he: Mapped[str]
    kind: Mapped[OrganizationKind]
    city_id: Mapped[int | None]
    notes: Mapped[str]
    formal_name_en: Mapped[str]
    formal_name_zh: Mapped[str]
    formal_name_he: Mapped[str]
    seal_attachment_id: Mapped[int | None]


class PartnershipRow(Stamped, Base):
    __table__ = schema.partnerships

    id: Mapped[int]
    city_id: Mapped[int]
    tier: Mapped[PartnershipTier]
    established: Mapped[PartialDate | None]
    signed_at: Mapped[str]
    status: Mapped[PartnershipStatus]
    ended: Mapped[PartialDate | None]
    notes: Mapped[str]


class AgreementRow(Stamped, Base):
    __table__ = schema.agreements

    id: Mapped[int]
    title_en: Mapped[str]
    title_zh: Mapped[str]
    title_he: Mapped[str]
    city_id: Mapped[int | None]
    signed_on: Mapped[PartialDate | None]
    expires_on: Mapped[PartialDate | None]
    area: Mapped[CooperationArea | None]
    scan_attachment_id: Mapped[int | None]
    notes: Mapped[str]


class ConferenceOrganizerRow(Base):
    __table__ = schema.conference_organizers

    conference_id: Mapped[int]
    organization_id: Mapped[int]


class CulturalEventRow(Stamped, Base):
    __table__ = schema.cultural_events

    id: Mapped[int]
    name_en: Mapped[str]
    name_zh: Mapped[str]
    name_he: Mapped[str]
    kind: Mapped[EventKind]
    start_date: Mapped[PartialDate | None]
    end_date: Mapped[PartialDate | None]
    city_id: Mapped[int | None]
    partner_city_id: Mapped[int | None]
    host_organization_id: Mapped[int | None]
    attendance: Mapped[int | None]
    description: Mapped[str]


class DelegationOrganizationRow(Base):
    __table__ = schema.delegation_organizations

    delegation_id: Mapped[int]
    organization_id: Mapped[int]


class OfficeProfileRow(Base):
    """The office's own identity: a single row, id 1."""

    __table__ = schema.office_profile
    __mapper_args__ = versioned(schema.office_profile)

    id: Mapped[int]
    home_city_id: Mapped[int | None]
    office_name_en: Mapped[str]
    office_name_zh: Mapped[str]
    office_name_he: Mapped[str]
    signatory_en: Mapped[str]
    signatory_zh: Mapped[str]
    signatory_he: Mapped[str]
    signatory_title_en: Mapped[str]
    signatory_title_zh: Mapped[str]
    signatory_title_he: Mapped[str]
    seal_attachment_id: Mapped[int | None]
    logo_attachment_id: Mapped[int | None]
    updated_at: Mapped[dt.datetime]
    certificate_number_pattern: Mapped[str]
    foreword_en: Mapped[str]
    foreword_zh: Mapped[str]
    foreword_he: Mapped[str]
    chinese_numeral_dates: Mapped[bool]
    address_en: Mapped[str]
    address_zh: Mapped[str]
    address_he: Mapped[str]
    phone: Mapped[str]
    email: Mapped[str]
    letter_number_pattern: Mapped[str]
    version: Mapped[int]
    gift_threshold: Mapped[float | None]
    gift_currency: Mapped[str]
    attachment_limit_mb: Mapped[int]
    sister_city_norm: Mapped[float]
    friendly_city_norm: Mapped[float]
    dormant_after_years: Mapped[int]


class PartnershipAreaRow(Base):
    __table__ = schema.partnership_areas

    partnership_id: Mapped[int]
    area: Mapped[CooperationArea]


class PersonRow(Stamped, Base):
    __table__ = schema.persons

    id: Mapped[int]
    name: Mapped[str]
    name_zh: Mapped[str]
    name_he: Mapped[str]
    title: Mapped[str]
    organization_id: Mapped[int | None]
    email: Mapped[str]
    phone: Mapped[str]
    family_name: Mapped[str]
    given_name: Mapped[str]
    name_order: Mapped[NameOrder]
    honorific_en: Mapped[str]
    honorific_zh: Mapped[str]
    honorific_he: Mapped[str]
    title_zh: Mapped[str]
    title_he: Mapped[str]
    city_id: Mapped[int | None]
    rank: Mapped[int | None]
    category: Mapped[ProtocolCategory | None]
    photo_attachment_id: Mapped[int | None]
    notes: Mapped[str]
    passport_number: Mapped[str]
    nationality: Mapped[str]
    date_of_birth: Mapped[dt.date | None]
    sex: Mapped[Sex | None]
    name_pinyin: Mapped[str]


class DelegationMemberRow(Stamped, Base):
    __table__ = schema.delegation_members

    id: Mapped[int]
    delegation_id: Mapped[int]
    person_id: Mapped[int]
    role: Mapped[MemberRole]
    arrival: Mapped[dt.date | None]
    departure: Mapped[dt.date | None]
    notes: Mapped[str]


class ProgrammeItemRow(Stamped, Base):
    __table__ = schema.programme_items

    id: Mapped[int]
    delegation_id: Mapped[int]
    day: Mapped[dt.date]
    starts_at: Mapped[str | None]
    ends_at: Mapped[str | None]
    activity_en: Mapped[str]
    activity_zh: Mapped[str]
    activity_he: Mapped[str]
    place_en: Mapped[str]
    place_zh: Mapped[str]
    place_he: Mapped[str]
    host_person_id: Mapped[int | None]
    interpreter_person_id: Mapped[int | None]
    dress_code: Mapped[DressCode | None]
    is_reception: Mapped[bool]
    notes_en: Mapped[str]
    notes_zh: Mapped[str]
    notes_he: Mapped[str]


class GuestRow(Stamped, Base):
    __table__ = schema.guests

    id: Mapped[int]
    event_id: Mapped[int | None]
    programme_item_id: Mapped[int | None]
    person_id: Mapped[int]
    side: Mapped[GuestSide]
    notes: Mapped[str]


class LetterTemplateRow(Stamped, Base):
    __table__ = schema.letter_templates

    id: Mapped[int]
    letter: Mapped[LetterKind]
    language: Mapped[LetterLanguage]
    subject: Mapped[str]
    body: Mapped[str]


class LetterRow(Stamped, Base):
    __table__ = schema.letters

    id: Mapped[int]
    number: Mapped[str]
    letter: Mapped[LetterKind]
    languages: Mapped[str]
    delegation_id: Mapped[int | None]
    partnership_id: Mapped[int | None]
    issued_on: Mapped[dt.date]
    issued_by: Mapped[str]
    subject: Mapped[str]


class TierChangeRow(Base):
    __table__ = schema.tier_changes

    id: Mapped[int]
    partnership_id: Mapped[int]
    changed_on: Mapped[PartialDate]
    from_tier: Mapped[PartnershipTier | None]
    to_tier: Mapped[PartnershipTier]
    note: Mapped[str]
    created_at: Mapped[dt.datetime]


class AgreementPartyRow(Base):
    __table__ = schema.agreement_parties

    agreement_id: Mapped[int]
    organization_id: Mapped[int]


class AwardRow(Stamped, Base):
    __table__ = schema.awards

    id: Mapped[int]
    title_en: Mapped[str]
    title_zh: Mapped[str]
    title_he: Mapped[str]
    conference_id: Mapped[int | None]
    awarded_on: Mapped[PartialDate | None]
    giver_organization_id: Mapped[int | None]
    recipient_kind: Mapped[RecipientKind]
    recipient_city_id: Mapped[int | None]
    recipient_organization_id: Mapped[int | None]
    recipient_person_id: Mapped[int | None]
    citation_en: Mapped[str]
    citation_zh: Mapped[str]
    citation_he: Mapped[str]
    scan_attachment_id: Mapped[int | None]


class EventParticipantRow(Base):
    __table__ = schema.event_participants

    event_id: Mapped[int]
    organization_id: Mapped[int]
    role: Mapped[ParticipantRole]


class CertificateRow(Stamped, Base):
    __table__ = schema.certificates

    id: Mapped[int]
    number: Mapped[str]
    award_id: Mapped[int]
    language_mode: Mapped[LanguageMode]
    design: Mapped[str]
    issued_on: Mapped[dt.date]
    issued_by: Mapped[str]
    reprints: Mapped[int]


class CertificatePrintingRow(Base):
    """One printing of a certificate: the first, or a reprint."""

    __table__ = schema.certificate_printings

    id: Mapped[int]
    certificate_id: Mapped[int]
    printed_at: Mapped[dt.datetime]
    printed_by: Mapped[str]
    language_mode: Mapped[LanguageMode]
    design: Mapped[str]
    is_reprint: Mapped[bool]
    failed: Mapped[bool]
