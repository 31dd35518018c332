"""The office's tables as SQLAlchemy Core `Table`s: the schema, and all that reading needs.

The database itself enforces what must always hold (foreign keys, uniqueness, checks), so a
bug above cannot store an end before a start or a negative member count. Partial dates are
text (see `types.PartialDateType`); the period checks compare an end with the start cut to
the end's precision, which is exactly "the end is certainly before the start".

The ORM classes in `models.py` map onto these tables. They are kept apart because mapping
them costs SQLAlchemy about 0.2 s: the window's tables and the command line's lists read
through these Core tables, and the ORM is loaded when a record is first written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    DDL,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    false,
)

from exchange_desk.domain.certificate_numbers import (
    DEFAULT_LETTER_PATTERN,
    DEFAULT_PATTERN,
    PATTERN_MAX,
)
from exchange_desk.domain.enums import (
    CooperationArea,
    DeclarationStatus,
    DelegationStatus,
    Direction,
    DressCode,
    EventKind,
    GiftCategory,
    GiftDirection,
    GiftDisposition,
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

metadata = MetaData(naming_convention=NAMING)


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


# PostgreSQL's INTEGER: SQLite would store any 64-bit value, which PostgreSQL then refuses.
INT4_MIN = -2_147_483_648
INT4_MAX = 2_147_483_647


def partial_date_sql(column: str, dialect: str) -> str:
    """A condition true of `YYYY`, `YYYY-MM` and `YYYY-MM-DD` (month 01-12, day 01-31),
    false of any other text: a regular expression on PostgreSQL, GLOB patterns on SQLite."""
    if dialect == "postgresql":
        return f"{column} ~ '^[0-9]{{4}}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$'"
    year = "[0-9][0-9][0-9][0-9]"
    month = f"substr({column}, 6, 2) BETWEEN '01' AND '12'"
    return (
        f"{column} GLOB '{year}'"
        f" OR ({column} GLOB '{year}-[01][0-9]' AND {month})"
        f" OR ({column} GLOB '{year}-[01][0-9]-[0-3][0-9]' AND {month}"
        f" AND substr({column}, 9, 2) BETWEEN '01' AND '31')"
    )


def partial_date_checks(column: str) -> list[CheckConstraint]:
    """CHECKs that a partial date column holds an ISO prefix, one per backend (same name)."""
    return [
        CheckConstraint(
            f"{column} IS NULL OR ({partial_date_sql(column, dialect)})", name=f"{column}_format"
        ).ddl_if(dialect=dialect)
        for dialect in ("sqlite", "postgresql")
    ]


def int4_check(column: str) -> CheckConstraint:
    """CHECK, on SQLite, what PostgreSQL's INTEGER refuses by itself: a value out of its range."""
    return CheckConstraint(
        f"{column} BETWEEN {INT4_MIN} AND {INT4_MAX}", name=f"{column}_range"
    ).ddl_if(dialect="sqlite")


# Integers only the program writes, counting up from 1 (versions) or naming a row (the audit
# log's record ids): never typed in, so there is nothing to check.
_COUNTED = frozenset({"version", "record_id"})


def _value_checks(table: Table) -> None:
    """Give every partial date column its format CHECK and every integer column that is
    not a key its range CHECK. Keys hold ids: the database assigns them (SQLite counts up
    from the largest) and a reference must equal one."""
    for column in list(table.columns):
        if isinstance(column.type, PartialDateType):
            for check in partial_date_checks(column.name):
                table.append_constraint(check)
        elif (
            type(column.type) is Integer
            and not column.primary_key
            and not column.foreign_keys
            and column.name not in _COUNTED
        ):
            table.append_constraint(int4_check(column.name))


def _stamps() -> list[Column[Any]]:
    """When a record was created and last changed, whether it is invented sample data, and
    its version: counted up by every change, so that a save based on an older version is
    refused (two desks editing one record) rather than overwriting what the other stored."""
    return [
        Column("created_at", DateTime(), nullable=False, default=utcnow),
        Column("updated_at", DateTime(), nullable=False, default=utcnow, onupdate=utcnow),
        Column("is_sample", Boolean(), nullable=False, default=False),
        version_column(),
    ]


def version_column() -> Column[Any]:
    """The row's version (see `_stamps`); the server default gives an older row version 1."""
    return Column("version", Integer(), nullable=False, default=1, server_default="1")


def _names(prefix: str, *, index: bool = False) -> list[Column[Any]]:
    """A name in English (required, the key) and in Chinese and Hebrew."""
    return [
        Column(f"{prefix}_en", String(NAME), nullable=False, index=index),
        Column(f"{prefix}_zh", String(NAME), nullable=False, default=""),
        Column(f"{prefix}_he", String(NAME), nullable=False, default=""),
    ]


def _text_columns(*names: str, length: int = NAME) -> list[Column[Any]]:
    """Optional one-line texts, '' when empty (with a server default for older rows)."""
    return [
        Column(name, String(length), nullable=False, default="", server_default="")
        for name in names
    ]


def _formal_names() -> list[Column[Any]]:
    """The formal name of a body, for certificates and letters (以色列克法尔萨巴市 / the
    City of Kfar Saba / עיריית כפר סבא); empty where the short name serves."""
    return [
        Column(
            f"formal_name_{language}", String(NAME), nullable=False, default="", server_default=""
        )
        for language in ("en", "zh", "he")
    ]


def _reference(
    name: str,
    table: str,
    *,
    ondelete: str = "RESTRICT",
    required: bool = False,
    index: bool = True,
    primary_key: bool = False,
) -> Column[Any]:
    """A column naming a row of `table` by id. RESTRICT by default: deleting what others
    refer to is the services' decision (refuse, or cascade explicitly), never silent."""
    return Column(
        name,
        Integer(),
        ForeignKey(f"{table}.id", ondelete=ondelete),
        nullable=not (required or primary_key),
        index=index,
        primary_key=primary_key,
    )


def _link_owner(name: str, table: str) -> Column[Any]:
    """The first half of a link table's key: the record the link belongs to, which takes its
    links with it when deleted. The key's own index serves it."""
    return _reference(name, table, ondelete="CASCADE", index=False, primary_key=True)


def _linked_organization() -> Column[Any]:
    """The second half of the key of a link to an organization, indexed for the way back."""
    return _reference("organization_id", "organizations", primary_key=True)


_ONE_RECIPIENT = (
    "(recipient_kind = 'city' AND recipient_city_id IS NOT NULL"
    " AND recipient_organization_id IS NULL AND recipient_person_id IS NULL)"
    " OR (recipient_kind = 'organization' AND recipient_organization_id IS NOT NULL"
    " AND recipient_city_id IS NULL AND recipient_person_id IS NULL)"
    " OR (recipient_kind = 'person' AND recipient_person_id IS NOT NULL"
    " AND recipient_city_id IS NULL AND recipient_organization_id IS NULL)"
)


attachment_blobs = Table(
    "attachment_blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("content", LargeBinary(), nullable=False),
)

cities = Table(
    "cities",
    metadata,
    Column("id", Integer(), primary_key=True),
    *_names("name"),
    Column("name_local", String(NAME), nullable=False, default=""),
    Column("country", String(2), nullable=False),
    Column("region", String(NAME), nullable=False, default=""),
    Column("latitude", Float(), nullable=True),
    Column("longitude", Float(), nullable=True),
    Column("population", Integer(), nullable=True),
    *_formal_names(),
    *_stamps(),
    # The photo its dossier opens with (migration 0007): one of the city's attachments.
    _reference("photo_attachment_id", "attachments", ondelete="SET NULL", index=False),
    UniqueConstraint("country", "name_en"),
    CheckConstraint("length(name_en) > 0", name="name_en"),
    CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="latitude"),
    not_negative("population"),
    CheckConstraint("length(country) = 2", name="country"),
    CheckConstraint(
        "longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name="longitude"
    ),
)

attachments = Table(
    "attachments",
    metadata,
    Column("id", Integer(), primary_key=True),
    Column("owner_kind", String(40), nullable=False),
    Column("owner_id", Integer(), nullable=False),
    Column("file_name", String(NAME), nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("size", Integer(), nullable=False),
    Column(
        "sha256",
        String(64),
        ForeignKey("attachment_blobs.sha256", ondelete="RESTRICT"),
        nullable=False,
        index=True,
    ),
    Column("description", String(NAME), nullable=False, default=""),
    Column("created_at", DateTime(), nullable=False, default=utcnow),
    # Migration 0007: the caption in Chinese and Hebrew (`description` is the one typed, and
    # the English), and an image's size in pixels.
    *_text_columns("caption_zh", "caption_he"),
    Column("width", Integer(), nullable=True),
    Column("height", Integer(), nullable=True),
    not_negative("size"),
    Index("ix_attachments_owner", "owner_kind", "owner_id"),
)

# An image made smaller once, when it is attached: a thumbnail for the window and a picture
# for the documents (a 12-megapixel photo would make every report that shows it 5 MB).
attachment_previews = Table(
    "attachment_previews",
    metadata,
    Column(
        "sha256",
        String(64),
        ForeignKey("attachment_blobs.sha256", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("thumbnail", LargeBinary(), nullable=False),
    Column("picture", LargeBinary(), nullable=False),
    Column("media_type", String(100), nullable=False),
)

conferences = Table(
    "conferences",
    metadata,
    Column("id", Integer(), primary_key=True),
    *_names("name"),
    Column("edition", Integer(), nullable=True),
    _reference("host_city_id", "cities"),
    Column("start_date", PartialDateType(), nullable=True, index=True),
    Column("end_date", PartialDateType(), nullable=True),
    Column("attendance", Integer(), nullable=True),
    Column("countries", Integer(), nullable=True),
    *_stamps(),
    CheckConstraint("edition IS NULL OR edition >= 1", name="edition"),
    CheckConstraint("length(name_en) > 0", name="name_en"),
    period_check("start_date", "end_date"),
    not_negative("countries"),
    not_negative("attendance"),
)

delegations = Table(
    "delegations",
    metadata,
    Column("id", Integer(), primary_key=True),
    Column("direction", text_enum(Direction, "direction"), nullable=False),
    _reference("city_id", "cities", required=True),
    Column("start_date", PartialDateType(), nullable=True, index=True),
    Column("end_date", PartialDateType(), nullable=True),
    Column("leader", String(NAME), nullable=False, default=""),
    Column("leader_title", String(NAME), nullable=False, default=""),
    Column("members", Integer(), nullable=True),
    Column("purpose", Text(), nullable=False, default=""),
    Column("outcome", Text(), nullable=False, default=""),
    Column("status", text_enum(DelegationStatus, "status"), nullable=False),
    *_stamps(),
    not_negative("members"),
    period_check("start_date", "end_date"),
)

organizations = Table(
    "organizations",
    metadata,
    Column("id", Integer(), primary_key=True),
    *_names("name", index=True),
    Column("kind", text_enum(OrganizationKind, "kind"), nullable=False),
    _reference("city_id", "cities"),
    Column("notes", Text(), nullable=False, default=""),
    *_formal_names(),
    # The body's own seal, printed when it confers an honour the office prints for it.
    _reference("seal_attachment_id", "attachments", ondelete="SET NULL", index=False),
    *_stamps(),
    CheckConstraint("length(name_en) > 0", name="name_en"),
)

partnerships = Table(
    "partnerships",
    metadata,
    Column("id", Integer(), primary_key=True),
    Column(
        "city_id",
        Integer(),
        ForeignKey("cities.id", ondelete="RESTRICT"),
        nullable=False,
        unique=True,
    ),
    Column("tier", text_enum(PartnershipTier, "tier"), nullable=False),
    Column("established", PartialDateType(), nullable=True, index=True),
    Column("signed_at", String(NAME), nullable=False, default=""),
    Column("status", text_enum(PartnershipStatus, "status"), nullable=False),
    Column("ended", PartialDateType(), nullable=True),
    Column("notes", Text(), nullable=False, default=""),
    *_stamps(),
    period_check("established", "ended"),
)

agreements = Table(
    "agreements",
    metadata,
    Column("id", Integer(), primary_key=True),
    *_names("title"),
    _reference("city_id", "cities"),
    Column("signed_on", PartialDateType(), nullable=True, index=True),
    Column("expires_on", PartialDateType(), nullable=True),
    Column("area", text_enum(CooperationArea, "area"), nullable=True),
    _reference("scan_attachment_id", "attachments", ondelete="SET NULL", index=False),
    Column("notes", Text(), nullable=False, default=""),
    *_stamps(),
    period_check("signed_on", "expires_on"),
    CheckConstraint("length(title_en) > 0", name="title_en"),
)

conference_organizers = Table(
    "conference_organizers",
    metadata,
    _link_owner("conference_id", "conferences"),
    _linked_organization(),
)

cultural_events = Table(
    "cultural_events",
    metadata,
    Column("id", Integer(), primary_key=True),
    *_names("name"),
    Column("kind", text_enum(EventKind, "kind"), nullable=False),
    Column("start_date", PartialDateType(), nullable=True, index=True),
    Column("end_date", PartialDateType(), nullable=True),
    _reference("city_id", "cities"),
    _reference("partner_city_id", "cities"),
    _reference("host_organization_id", "organizations"),
    Column("attendance", Integer(), nullable=True),
    Column("description", Text(), nullable=False, default=""),
    *_stamps(),
    period_check("start_date", "end_date"),
    not_negative("attendance"),
    CheckConstraint("length(name_en) > 0", name="name_en"),
)

delegation_organizations = Table(
    "delegation_organizations",
    metadata,
    _link_owner("delegation_id", "delegations"),
    _linked_organization(),
)

office_profile = Table(
    "office_profile",
    metadata,
    # Always 1 (the single_row check; services.office writes it so). No default here, so that
    # PostgreSQL gives a new database the sequence migration 0001 gave every other one.
    Column("id", Integer(), primary_key=True),
    _reference("home_city_id", "cities", index=False),
    Column("office_name_en", String(NAME), nullable=False, default=""),
    Column("office_name_zh", String(NAME), nullable=False, default=""),
    Column("office_name_he", String(NAME), nullable=False, default=""),
    Column("signatory_en", String(NAME), nullable=False, default=""),
    Column("signatory_zh", String(NAME), nullable=False, default=""),
    Column("signatory_he", String(NAME), nullable=False, default=""),
    Column("signatory_title_en", String(NAME), nullable=False, default=""),
    Column("signatory_title_zh", String(NAME), nullable=False, default=""),
    Column("signatory_title_he", String(NAME), nullable=False, default=""),
    _reference("seal_attachment_id", "attachments", ondelete="SET NULL", index=False),
    _reference("logo_attachment_id", "attachments", ondelete="SET NULL", index=False),
    Column("updated_at", DateTime(), nullable=False, default=utcnow, onupdate=utcnow),
    # The server default fills the row of a database made before numbering patterns existed.
    Column(
        "certificate_number_pattern",
        String(PATTERN_MAX),
        nullable=False,
        default=DEFAULT_PATTERN,
        server_default=DEFAULT_PATTERN,
    ),
    # The office's foreword to its reports, a paragraph per language.
    Column("foreword_en", Text(), nullable=False, default="", server_default=""),
    Column("foreword_zh", Text(), nullable=False, default="", server_default=""),
    Column("foreword_he", Text(), nullable=False, default="", server_default=""),
    # Chinese certificates dated in Chinese numerals (二〇一八年十一月) rather than digits.
    Column(
        "chinese_numeral_dates",
        Boolean(),
        nullable=False,
        default=False,
        server_default=false(),
    ),
    # The letterhead (migration 0006): address per language, telephone, e-mail, and how
    # letters are numbered.
    *_text_columns("address_en", "address_zh", "address_he", length=400),
    *_text_columns("phone", "email"),
    Column(
        "letter_number_pattern",
        String(PATTERN_MAX),
        nullable=False,
        default=DEFAULT_LETTER_PATTERN,
        server_default=DEFAULT_LETTER_PATTERN,
    ),
    version_column(),
    # Migration 0007: the gift declaration threshold and its currency, and the largest file
    # a record may have attached (megabytes).
    Column("gift_threshold", Float(), nullable=True),
    *_text_columns("gift_currency", length=3),
    Column("attachment_limit_mb", Integer(), nullable=False, default=20, server_default="20"),
    # Migration 0008: the norm of exchanges a year per tier, and the years without an
    # exchange after which a partnership is dormant (the start screen's health).
    Column("sister_city_norm", Float(), nullable=False, default=1.0, server_default="1"),
    Column("friendly_city_norm", Float(), nullable=False, default=0.5, server_default="0.5"),
    Column("dormant_after_years", Integer(), nullable=False, default=3, server_default="3"),
    CheckConstraint("id = 1", name="single_row"),
    CheckConstraint(
        "sister_city_norm >= 0 AND sister_city_norm <= 52 "
        "AND friendly_city_norm >= 0 AND friendly_city_norm <= 52",
        name="partnership_norms",
    ),
    CheckConstraint("dormant_after_years >= 1 AND dormant_after_years <= 50", name="dormant_years"),
    not_negative("gift_threshold"),
    CheckConstraint(
        "attachment_limit_mb >= 1 AND attachment_limit_mb <= 500", name="attachment_limit"
    ),
)

partnership_areas = Table(
    "partnership_areas",
    metadata,
    _link_owner("partnership_id", "partnerships"),
    Column("area", text_enum(CooperationArea, "area"), primary_key=True),
)

persons = Table(
    "persons",
    metadata,
    Column("id", Integer(), primary_key=True),
    Column("name", String(NAME), nullable=False, index=True),
    Column("name_zh", String(NAME), nullable=False, default=""),
    Column("name_he", String(NAME), nullable=False, default=""),
    Column("title", String(NAME), nullable=False, default=""),
    _reference("organization_id", "organizations"),
    Column("email", String(NAME), nullable=False, default=""),
    Column("phone", String(NAME), nullable=False, default=""),
    *_stamps(),
    # Added by migration 0006 (people and protocol): the server defaults fill older rows.
    *_text_columns(
        "family_name",
        "given_name",
        "title_zh",
        "title_he",
    ),
    *_text_columns("passport_number", length=40),
    *_text_columns("nationality", length=2),
    *_text_columns("honorific_en", "honorific_zh", "honorific_he", length=40),
    Column(
        "name_order",
        text_enum(NameOrder, "name_order"),
        nullable=False,
        default=NameOrder.GIVEN_FIRST,
        server_default=NameOrder.GIVEN_FIRST.value,
    ),
    _reference("city_id", "cities"),
    Column("rank", Integer(), nullable=True),
    Column("category", text_enum(ProtocolCategory, "category"), nullable=True),
    _reference("photo_attachment_id", "attachments", ondelete="SET NULL", index=False),
    Column("notes", Text(), nullable=False, default="", server_default=""),
    Column("date_of_birth", Date(), nullable=True),
    Column("sex", text_enum(Sex, "sex"), nullable=True),
    Column("name_pinyin", String(3 * NAME), nullable=False, default="", server_default=""),
    CheckConstraint("length(name) > 0", name="name"),
    CheckConstraint("rank IS NULL OR rank >= 1", name="rank_positive"),
)

# A delegation's members: who came (or went), in what part. Deleting the delegation takes
# its members with it; a person who is a member cannot be deleted before leaving it.
delegation_members = Table(
    "delegation_members",
    metadata,
    Column("id", Integer(), primary_key=True),
    _reference("delegation_id", "delegations", ondelete="CASCADE", required=True),
    _reference("person_id", "persons", required=True),
    Column("role", text_enum(MemberRole, "role"), nullable=False),
    Column("arrival", Date(), nullable=True),
    Column("departure", Date(), nullable=True),
    Column("notes", String(NAME), nullable=False, default=""),
    *_stamps(),
    UniqueConstraint("delegation_id", "person_id"),
    CheckConstraint("departure IS NULL OR arrival IS NULL OR departure >= arrival", name="stay"),
)

# A visit's programme: one row an item, texts in the three languages.
programme_items = Table(
    "programme_items",
    metadata,
    Column("id", Integer(), primary_key=True),
    _reference("delegation_id", "delegations", ondelete="CASCADE", required=True),
    Column("day", Date(), nullable=False),
    Column("starts_at", String(5), nullable=True),
    Column("ends_at", String(5), nullable=True),
    *_names("activity"),
    *_text_columns("place_en", "place_zh", "place_he"),
    _reference("host_person_id", "persons"),
    _reference("interpreter_person_id", "persons"),
    Column("dress_code", text_enum(DressCode, "dress_code"), nullable=True),
    Column("is_reception", Boolean(), nullable=False, default=False),
    *_text_columns("notes_en", "notes_zh", "notes_he", length=2000),
    *_stamps(),
    Index("ix_programme_items_day", "delegation_id", "day"),
    CheckConstraint("length(activity_en) > 0", name="activity_en"),
    # Times are "HH:MM", so text order is time order.
    CheckConstraint("ends_at IS NULL OR starts_at IS NULL OR ends_at >= starts_at", name="period"),
)

# Guest lists: of a cultural event, or of a reception in a visit's programme (one of them).
guests = Table(
    "guests",
    metadata,
    Column("id", Integer(), primary_key=True),
    _reference("event_id", "cultural_events", ondelete="CASCADE"),
    _reference("programme_item_id", "programme_items", ondelete="CASCADE"),
    _reference("person_id", "persons", required=True),
    Column("side", text_enum(GuestSide, "side"), nullable=False),
    Column("notes", String(NAME), nullable=False, default=""),
    *_stamps(),
    UniqueConstraint("event_id", "person_id"),
    UniqueConstraint("programme_item_id", "person_id"),
    CheckConstraint("(event_id IS NULL) <> (programme_item_id IS NULL)", name="one_occasion"),
)

# The office's own wording of its letters, one row per letter and language.
letter_templates = Table(
    "letter_templates",
    metadata,
    Column("id", Integer(), primary_key=True),
    Column("letter", text_enum(LetterKind, "letter"), nullable=False),
    Column("language", text_enum(LetterLanguage, "language"), nullable=False),
    Column("subject", String(400), nullable=False, default=""),
    Column("body", Text(), nullable=False),
    *_stamps(),
    UniqueConstraint("letter", "language"),
    CheckConstraint("length(body) > 0", name="body"),
)

# The register of letters written, by reference number (numbered from the office's pattern).
letters = Table(
    "letters",
    metadata,
    Column("id", Integer(), primary_key=True),
    Column("number", String(40), nullable=False),
    Column("letter", text_enum(LetterKind, "letter"), nullable=False),
    Column("languages", String(20), nullable=False),
    _reference("delegation_id", "delegations", ondelete="SET NULL"),
    _reference("partnership_id", "partnerships", ondelete="SET NULL"),
    Column("issued_on", Date(), nullable=False),
    Column("issued_by", String(NAME), nullable=False, default=""),
    Column("subject", String(400), nullable=False, default=""),
    *_stamps(),
    UniqueConstraint("number"),
    CheckConstraint("length(number) > 0", name="number"),
)

gifts = Table(
    "gifts",
    metadata,
    Column("id", Integer(), primary_key=True),
    Column("given_on", PartialDateType(), nullable=False, index=True),
    Column("direction", text_enum(GiftDirection, "direction"), nullable=False),
    *_names("description"),
    Column("category", text_enum(GiftCategory, "category"), nullable=False),
    _reference("partner_city_id", "cities"),
    _reference("partner_organization_id", "organizations"),
    _reference("partner_person_id", "persons"),
    _reference("official_person_id", "persons"),
    _reference("delegation_id", "delegations"),
    _reference("event_id", "cultural_events"),
    Column("estimated_value", Float(), nullable=True),
    Column("currency", String(3), nullable=False, default=""),
    _reference("photo_attachment_id", "attachments", ondelete="SET NULL", index=False),
    Column("disposition", text_enum(GiftDisposition, "disposition"), nullable=True),
    Column(
        "declaration_status",
        text_enum(DeclarationStatus, "declaration_status"),
        nullable=False,
    ),
    Column("declared_on", Date(), nullable=True),
    Column("declaration_reference", String(80), nullable=False, default=""),
    Column("notes", Text(), nullable=False, default=""),
    *_stamps(),
    CheckConstraint("length(description_en) > 0", name="description_en"),
    not_negative("estimated_value"),
)

tier_changes = Table(
    "tier_changes",
    metadata,
    Column("id", Integer(), primary_key=True),
    _reference("partnership_id", "partnerships", ondelete="CASCADE", required=True),
    Column("changed_on", PartialDateType(), nullable=False),
    Column("from_tier", text_enum(PartnershipTier, "from_tier"), nullable=True),
    Column("to_tier", text_enum(PartnershipTier, "to_tier"), nullable=False),
    Column("note", String(NAME), nullable=False, default=""),
    Column("created_at", DateTime(), nullable=False, default=utcnow),
)

agreement_parties = Table(
    "agreement_parties",
    metadata,
    _link_owner("agreement_id", "agreements"),
    _linked_organization(),
)

awards = Table(
    "awards",
    metadata,
    Column("id", Integer(), primary_key=True),
    *_names("title"),
    _reference("conference_id", "conferences"),
    Column("awarded_on", PartialDateType(), nullable=True, index=True),
    _reference("giver_organization_id", "organizations"),
    Column("recipient_kind", text_enum(RecipientKind, "recipient_kind"), nullable=False),
    _reference("recipient_city_id", "cities"),
    _reference("recipient_organization_id", "organizations"),
    _reference("recipient_person_id", "persons"),
    Column("citation_en", Text(), nullable=False, default=""),
    Column("citation_zh", Text(), nullable=False, default=""),
    Column("citation_he", Text(), nullable=False, default=""),
    # The scan of a certificate the home city received: the giver's, not ours to print.
    _reference("scan_attachment_id", "attachments", ondelete="SET NULL", index=False),
    *_stamps(),
    CheckConstraint(_ONE_RECIPIENT, name="one_recipient"),
    CheckConstraint("length(title_en) > 0", name="title_en"),
)

event_participants = Table(
    "event_participants",
    metadata,
    _link_owner("event_id", "cultural_events"),
    _linked_organization(),
    Column("role", text_enum(ParticipantRole, "role"), nullable=False),
)

certificates = Table(
    "certificates",
    metadata,
    Column("id", Integer(), primary_key=True),
    Column("number", String(40), nullable=False),
    _reference("award_id", "awards", required=True),
    Column("language_mode", text_enum(LanguageMode, "language_mode"), nullable=False),
    Column("design", String(40), nullable=False),
    Column("issued_on", Date(), nullable=False),
    Column("issued_by", String(NAME), nullable=False, default=""),
    Column("reprints", Integer(), nullable=False, default=0),
    *_stamps(),
    CheckConstraint("length(number) > 0", name="number"),
    UniqueConstraint("number"),
    # One certificate per award: later prints are reprints of it, so two desks printing an
    # award's first certificate at the same moment cannot give it two numbers.
    UniqueConstraint("award_id"),
    not_negative("reprints"),
)

# The register's log: every time a certificate was printed, the first time and each reprint.
certificate_printings = Table(
    "certificate_printings",
    metadata,
    Column("id", Integer(), primary_key=True),
    _reference("certificate_id", "certificates", ondelete="CASCADE", required=True),
    Column("printed_at", DateTime(), nullable=False),
    Column("printed_by", String(NAME), nullable=False, default=""),
    Column("language_mode", text_enum(LanguageMode, "language_mode"), nullable=False),
    Column("design", String(40), nullable=False),
    Column("is_reprint", Boolean(), nullable=False),
    # A print job that failed after the number was registered: logged, not counted as printed.
    Column("failed", Boolean(), nullable=False, default=False, server_default=false()),
)

# What migration 0004 changed in an older database to let it take the checks above: a value
# no release could read (a date "2018-13-45", a number beyond PostgreSQL's INTEGER) was set to
# NULL, or in a column that must hold one to the nearest value allowed ("2016-00" to "2016"),
# and the old value kept here, for `db check` to report.
repairs = Table(
    "repairs",
    metadata,
    Column("id", Integer(), primary_key=True),
    Column("table_name", String(64), nullable=False),
    Column("row_id", Integer(), nullable=False),
    Column("column_name", String(64), nullable=False),
    Column("old_value", Text(), nullable=False),
    Column("new_value", Text(), nullable=True),
    Column("repaired_at", DateTime(), nullable=False, default=utcnow),
)

# Every change on record: who changed what and when, appended in the transaction that made
# the change and never changed afterwards (triggers refuse UPDATE and DELETE on both
# backends; on PostgreSQL the office's roles are granted INSERT and SELECT only). It is also
# how one desk learns of another's changes (`services.watching`).
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer(), primary_key=True),
    Column("at", DateTime(), nullable=False, default=utcnow),
    # The office user (the PostgreSQL role a desk connects as; on SQLite the computer's user)
    # and the computer's user and machine behind it.
    Column("user_name", String(NAME), nullable=False, default=""),
    Column("os_user", String(NAME), nullable=False, default=""),
    Column("host", String(NAME), nullable=False, default=""),
    # The program that wrote it, so that a desk can tell its own changes from others'.
    Column("desk", String(64), nullable=False, default=""),
    # create, update, delete, undo, redo, import, certificate-issued, certificate-printed,
    # export, restore, grant...
    Column("action", String(40), nullable=False),
    Column("kind", String(40), nullable=True),
    Column("record_id", Integer(), nullable=True),
    # The record's name as it was then (it may be deleted since).
    Column("summary", String(NAME), nullable=False, default=""),
    # JSON: an update's fields with their old and new values, a file's name, counts.
    Column("details", Text(), nullable=False, default=""),
    Index("ix_audit_log_record", "kind", "record_id"),
    Index("ix_audit_log_at", "at"),
    CheckConstraint("length(action) > 0", name="action"),
)

# The audit log is append-only on both backends, for every role, the owner's included; and on
# PostgreSQL each committed statement that adds to it notifies the desks listening (one
# notification per transaction: PostgreSQL folds equal payloads), which then read what is new.
AUDIT_CHANNEL = "exchange_desk_changes"
AUDIT_TRIGGERS: dict[str, tuple[str, ...]] = {
    "sqlite": tuple(
        f"CREATE TRIGGER audit_log_no_{action.lower()} BEFORE {action} ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        for action in ("UPDATE", "DELETE")
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RAISE EXCEPTION 'the audit log is append-only' "
        "USING ERRCODE = 'insufficient_privilege'; END $$",
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
        "CREATE OR REPLACE FUNCTION audit_log_notify() RETURNS trigger LANGUAGE plpgsql "
        f"AS $$ BEGIN PERFORM pg_notify('{AUDIT_CHANNEL}', ''); RETURN NULL; END $$",
        "CREATE TRIGGER audit_log_notify AFTER INSERT ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_notify()",
    ),
}
for _dialect, _statements in AUDIT_TRIGGERS.items():
    for _statement in _statements:
        ddl = DDL(_statement).execute_if(dialect=_dialect)  # type: ignore[no-untyped-call]
        event.listen(audit_log, "after_create", ddl)

for _table in metadata.tables.values():
    _value_checks(_table)
