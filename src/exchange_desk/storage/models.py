"""The office's tables as typed SQLAlchemy 2 models.

The database itself enforces what must always hold (foreign keys, uniqueness, checks), so a
bug above cannot store an end before a start or a negative member count. Partial dates are
text (see `types.PartialDateType`); the period checks compare an end with the start cut to
the end's precision, which is exactly "the end is certainly before the start".
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import (
    CooperationArea,
    DelegationStatus,
    Direction,
    EventKind,
    LanguageMode,
    OrganizationKind,
    ParticipantRole,
    PartnershipStatus,
    PartnershipTier,
    RecipientKind,
)
from exchange_desk.storage.types import PartialDateType, text_enum

NAME = 200
TEXT = 20_000

# Deterministic constraint names: Alembic can then alter them on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def period_check(start: str, end: str, name: str = "period") -> CheckConstraint:
    """CHECK that the partial date `end` is not certainly before `start`."""
    return CheckConstraint(
        f"{end} IS NULL OR {start} IS NULL OR {end} >= substr({start}, 1, length({end}))",
        name=name,
    )


def not_negative(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} IS NULL OR {column} >= 0", name=f"{column}_not_negative")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {PartialDate: PartialDateType()}


class Stamped:
    """Created and updated times, and whether the record is invented sample data."""

    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)


class CityRow(Stamped, Base):
    __tablename__ = "cities"
    __table_args__ = (
        UniqueConstraint("country", "name_en"),
        CheckConstraint(
            "latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="latitude"
        ),
        CheckConstraint(
            "longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name="longitude"
        ),
        CheckConstraint("length(country) = 2", name="country"),
        CheckConstraint("length(name_en) > 0", name="name_en"),
        not_negative("population"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name_en: Mapped[str] = mapped_column(String(NAME))
    name_zh: Mapped[str] = mapped_column(String(NAME), default="")
    name_he: Mapped[str] = mapped_column(String(NAME), default="")
    name_local: Mapped[str] = mapped_column(String(NAME), default="")
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str] = mapped_column(String(NAME), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    population: Mapped[int | None] = mapped_column(Integer)


class PartnershipRow(Stamped, Base):
    __tablename__ = "partnerships"
    __table_args__ = (period_check("established", "ended"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="RESTRICT"), unique=True)
    tier: Mapped[PartnershipTier] = mapped_column(text_enum(PartnershipTier, "tier"))
    established: Mapped[PartialDate | None] = mapped_column(index=True)
    signed_at: Mapped[str] = mapped_column(String(NAME), default="")
    status: Mapped[PartnershipStatus] = mapped_column(text_enum(PartnershipStatus, "status"))
    ended: Mapped[PartialDate | None]
    notes: Mapped[str] = mapped_column(Text, default="")


class PartnershipAreaRow(Base):
    __tablename__ = "partnership_areas"

    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), primary_key=True
    )
    area: Mapped[CooperationArea] = mapped_column(
        text_enum(CooperationArea, "area"), primary_key=True
    )


class TierChangeRow(Base):
    __tablename__ = "tier_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    changed_on: Mapped[PartialDate]
    from_tier: Mapped[PartnershipTier | None] = mapped_column(
        text_enum(PartnershipTier, "from_tier")
    )
    to_tier: Mapped[PartnershipTier] = mapped_column(text_enum(PartnershipTier, "to_tier"))
    note: Mapped[str] = mapped_column(String(NAME), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class OrganizationRow(Stamped, Base):
    __tablename__ = "organizations"
    __table_args__ = (CheckConstraint("length(name_en) > 0", name="name_en"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name_en: Mapped[str] = mapped_column(String(NAME), index=True)
    name_zh: Mapped[str] = mapped_column(String(NAME), default="")
    name_he: Mapped[str] = mapped_column(String(NAME), default="")
    kind: Mapped[OrganizationKind] = mapped_column(text_enum(OrganizationKind, "kind"))
    city_id: Mapped[int | None] = mapped_column(
        ForeignKey("cities.id", ondelete="RESTRICT"), index=True
    )
    notes: Mapped[str] = mapped_column(Text, default="")


class PersonRow(Stamped, Base):
    __tablename__ = "persons"
    __table_args__ = (CheckConstraint("length(name) > 0", name="name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME), index=True)
    name_zh: Mapped[str] = mapped_column(String(NAME), default="")
    name_he: Mapped[str] = mapped_column(String(NAME), default="")
    title: Mapped[str] = mapped_column(String(NAME), default="")
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    email: Mapped[str] = mapped_column(String(NAME), default="")
    phone: Mapped[str] = mapped_column(String(NAME), default="")


class DelegationRow(Stamped, Base):
    __tablename__ = "delegations"
    __table_args__ = (period_check("start_date", "end_date"), not_negative("members"))

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[Direction] = mapped_column(text_enum(Direction, "direction"))
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="RESTRICT"), index=True)
    start_date: Mapped[PartialDate | None] = mapped_column(index=True)
    end_date: Mapped[PartialDate | None]
    leader: Mapped[str] = mapped_column(String(NAME), default="")
    leader_title: Mapped[str] = mapped_column(String(NAME), default="")
    members: Mapped[int | None] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[DelegationStatus] = mapped_column(text_enum(DelegationStatus, "status"))


class DelegationOrganizationRow(Base):
    __tablename__ = "delegation_organizations"

    delegation_id: Mapped[int] = mapped_column(
        ForeignKey("delegations.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), primary_key=True, index=True
    )


class AttachmentBlobRow(Base):
    """File contents, stored once per SHA-256 so a shared PostgreSQL serves every desk."""

    __tablename__ = "attachment_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class AttachmentRow(Base):
    __tablename__ = "attachments"
    __table_args__ = (
        Index("ix_attachments_owner", "owner_kind", "owner_id"),
        not_negative("size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_kind: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(NAME))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(
        ForeignKey("attachment_blobs.sha256", ondelete="RESTRICT"), index=True
    )
    description: Mapped[str] = mapped_column(String(NAME), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AgreementRow(Stamped, Base):
    __tablename__ = "agreements"
    __table_args__ = (
        period_check("signed_on", "expires_on"),
        CheckConstraint("length(title_en) > 0", name="title_en"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title_en: Mapped[str] = mapped_column(String(NAME))
    title_zh: Mapped[str] = mapped_column(String(NAME), default="")
    title_he: Mapped[str] = mapped_column(String(NAME), default="")
    city_id: Mapped[int | None] = mapped_column(
        ForeignKey("cities.id", ondelete="RESTRICT"), index=True
    )
    signed_on: Mapped[PartialDate | None] = mapped_column(index=True)
    expires_on: Mapped[PartialDate | None]
    area: Mapped[CooperationArea | None] = mapped_column(text_enum(CooperationArea, "area"))
    scan_attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachments.id", ondelete="SET NULL")
    )
    notes: Mapped[str] = mapped_column(Text, default="")


class AgreementPartyRow(Base):
    __tablename__ = "agreement_parties"

    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), primary_key=True, index=True
    )


class CulturalEventRow(Stamped, Base):
    __tablename__ = "cultural_events"
    __table_args__ = (
        period_check("start_date", "end_date"),
        not_negative("attendance"),
        CheckConstraint("length(name_en) > 0", name="name_en"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name_en: Mapped[str] = mapped_column(String(NAME))
    name_zh: Mapped[str] = mapped_column(String(NAME), default="")
    name_he: Mapped[str] = mapped_column(String(NAME), default="")
    kind: Mapped[EventKind] = mapped_column(text_enum(EventKind, "kind"))
    start_date: Mapped[PartialDate | None] = mapped_column(index=True)
    end_date: Mapped[PartialDate | None]
    city_id: Mapped[int | None] = mapped_column(
        ForeignKey("cities.id", ondelete="RESTRICT"), index=True
    )
    partner_city_id: Mapped[int | None] = mapped_column(
        ForeignKey("cities.id", ondelete="RESTRICT"), index=True
    )
    host_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    attendance: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")


class EventParticipantRow(Base):
    __tablename__ = "event_participants"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("cultural_events.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    role: Mapped[ParticipantRole] = mapped_column(text_enum(ParticipantRole, "role"))


class ConferenceRow(Stamped, Base):
    __tablename__ = "conferences"
    __table_args__ = (
        period_check("start_date", "end_date"),
        not_negative("attendance"),
        not_negative("countries"),
        CheckConstraint("edition IS NULL OR edition >= 1", name="edition"),
        CheckConstraint("length(name_en) > 0", name="name_en"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name_en: Mapped[str] = mapped_column(String(NAME))
    name_zh: Mapped[str] = mapped_column(String(NAME), default="")
    name_he: Mapped[str] = mapped_column(String(NAME), default="")
    edition: Mapped[int | None] = mapped_column(Integer)
    host_city_id: Mapped[int | None] = mapped_column(
        ForeignKey("cities.id", ondelete="RESTRICT"), index=True
    )
    start_date: Mapped[PartialDate | None] = mapped_column(index=True)
    end_date: Mapped[PartialDate | None]
    attendance: Mapped[int | None] = mapped_column(Integer)
    countries: Mapped[int | None] = mapped_column(Integer)


class ConferenceOrganizerRow(Base):
    __tablename__ = "conference_organizers"

    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conferences.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), primary_key=True, index=True
    )


class AwardRow(Stamped, Base):
    __tablename__ = "awards"
    __table_args__ = (
        CheckConstraint(
            "(recipient_kind = 'city' AND recipient_city_id IS NOT NULL"
            " AND recipient_organization_id IS NULL AND recipient_person_id IS NULL)"
            " OR (recipient_kind = 'organization' AND recipient_organization_id IS NOT NULL"
            " AND recipient_city_id IS NULL AND recipient_person_id IS NULL)"
            " OR (recipient_kind = 'person' AND recipient_person_id IS NOT NULL"
            " AND recipient_city_id IS NULL AND recipient_organization_id IS NULL)",
            name="one_recipient",
        ),
        CheckConstraint("length(title_en) > 0", name="title_en"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title_en: Mapped[str] = mapped_column(String(NAME))
    title_zh: Mapped[str] = mapped_column(String(NAME), default="")
    title_he: Mapped[str] = mapped_column(String(NAME), default="")
    conference_id: Mapped[int | None] = mapped_column(
        ForeignKey("conferences.id", ondelete="RESTRICT"), index=True
    )
    awarded_on: Mapped[PartialDate | None] = mapped_column(index=True)
    giver_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    recipient_kind: Mapped[RecipientKind] = mapped_column(
        text_enum(RecipientKind, "recipient_kind")
    )
    recipient_city_id: Mapped[int | None] = mapped_column(
        ForeignKey("cities.id", ondelete="RESTRICT"), index=True
    )
    recipient_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    recipient_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="RESTRICT"), index=True
    )
    citation_en: Mapped[str] = mapped_column(Text, default="")
    citation_zh: Mapped[str] = mapped_column(Text, default="")
    citation_he: Mapped[str] = mapped_column(Text, default="")


class CertificateRow(Stamped, Base):
    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("number"),
        not_negative("reprints"),
        CheckConstraint("length(number) > 0", name="number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40))
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="RESTRICT"), index=True)
    language_mode: Mapped[LanguageMode] = mapped_column(text_enum(LanguageMode, "language_mode"))
    design: Mapped[str] = mapped_column(String(40))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    issued_by: Mapped[str] = mapped_column(String(NAME), default="")
    reprints: Mapped[int] = mapped_column(Integer, default=0)


class OfficeProfileRow(Base):
    """The office's own identity: a single row, id 1."""

    __tablename__ = "office_profile"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    home_city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="RESTRICT"))
    office_name_en: Mapped[str] = mapped_column(String(NAME), default="")
    office_name_zh: Mapped[str] = mapped_column(String(NAME), default="")
    office_name_he: Mapped[str] = mapped_column(String(NAME), default="")
    signatory_en: Mapped[str] = mapped_column(String(NAME), default="")
    signatory_zh: Mapped[str] = mapped_column(String(NAME), default="")
    signatory_he: Mapped[str] = mapped_column(String(NAME), default="")
    signatory_title_en: Mapped[str] = mapped_column(String(NAME), default="")
    signatory_title_zh: Mapped[str] = mapped_column(String(NAME), default="")
    signatory_title_he: Mapped[str] = mapped_column(String(NAME), default="")
    seal_attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachments.id", ondelete="SET NULL")
    )
    logo_attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachments.id", ondelete="SET NULL")
    )
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
