"""The office's records as plain dataclasses: what services take in and hand out.

A record refers to others by id (`city_id`); `id` is None until the record is stored.
Field names are the column names of `storage.models`, which the services rely on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from exchange_desk.domain.certificate_numbers import DEFAULT_PATTERN
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


@dataclass(kw_only=True, slots=True)
class City:
    id: int | None = None
    # The stored version it was read at, counted up by each change; None until stored.
    version: int | None = None
    name_en: str
    name_zh: str = ""
    name_he: str = ""
    name_local: str = ""
    country: str
    region: str = ""
    latitude: float | None = None
    longitude: float | None = None
    population: int | None = None
    # The formal name, for certificates and letters: 以色列克法尔萨巴市 / the City of Kfar Saba.
    formal_name_en: str = ""
    formal_name_zh: str = ""
    formal_name_he: str = ""
    is_sample: bool = False


@dataclass(kw_only=True, slots=True)
class Partnership:
    """The home city's formal tie with one partner city."""

    id: int | None = None
    # The stored version it was read at, counted up by each change; None until stored.
    version: int | None = None
    city_id: int
    tier: PartnershipTier
    established: PartialDate | None = None
    signed_at: str = ""
    status: PartnershipStatus = PartnershipStatus.ACTIVE
    ended: PartialDate | None = None
    areas: tuple[CooperationArea, ...] = ()
    notes: str = ""
    is_sample: bool = False


@dataclass(kw_only=True, slots=True)
class TierChange:
    """One step in a partnership's history: established as, or upgraded to, a tier."""

    id: int | None = None
    partnership_id: int
    changed_on: PartialDate
    from_tier: PartnershipTier | None = None
    to_tier: PartnershipTier
    note: str = ""


@dataclass(kw_only=True, slots=True)
class Organization:
    id: int | None = None
    # The stored version it was read at, counted up by each change; None until stored.
    version: int | None = None
    name_en: str
    name_zh: str = ""
    name_he: str = ""
    kind: OrganizationKind
    city_id: int | None = None
    notes: str = ""
    formal_name_en: str = ""
    formal_name_zh: str = ""
    formal_name_he: str = ""
    # The body's own seal, printed on the certificates of the honours it confers.
    seal_attachment_id: int | None = None
    is_sample: bool = False


@dataclass(kw_only=True, slots=True)
class Person:
    """A contact: someone who leads a delegation, signs, or receives an award."""

    id: int | None = None
    # The stored version it was read at, counted up by each change; None until stored.
    version: int | None = None
    name: str
    name_zh: str = ""
    name_he: str = ""
    title: str = ""
    organization_id: int | None = None
    email: str = ""
    phone: str = ""
    is_sample: bool = False


@dataclass(kw_only=True, slots=True)
class Delegation:
    id: int | None = None
    # The stored version it was read at, counted up by each change; None until stored.
    version: int | None = None
    direction: Direction
    city_id: int
    start_date: PartialDate | None = None
    end_date: PartialDate | None = None
    leader: str = ""
    leader_title: str = ""
    members: int | None = None
    purpose: str = ""
    outcome: str = ""
    status: DelegationStatus = DelegationStatus.DONE
    organization_ids: tuple[int, ...] = ()
    is_sample: bool = False


@dataclass(kw_only=True, slots=True)
class Agreement:
    """A memorandum of understanding or cooperation agreement between two authorities."""

    id: int | None = None
    # The stored version it was read at, counted up by each change; None until stored.
    version: int | None = None
    title_en: str
    title_zh: str = ""
    title_he: str = ""
    city_id: int | None = None
    signed_on: PartialDate | None = None
    expires_on: PartialDate | None = None
    area: CooperationArea | None = None
    party_ids: tuple[int, ...] = ()
    scan_attachment_id: int | None = None
    notes: str = ""
    is_sample: bool = False


@dataclass(frozen=True, slots=True)
class EventParticipant:
    organization_id: int
    role: ParticipantRole = ParticipantRole.PARTICIPANT


@dataclass(kw_only=True, slots=True)
class CulturalEvent:
    id: int | None = None
    # The stored version it was read at, counted up by each change; None until stored.
    version: int | None = None
    name_en: str
    name_zh: str = ""
    name_he: str = ""
    kind: EventKind
    start_date: PartialDate | None = None
    end_date: PartialDate | None = None
    city_id: int | None = None
    partner_city_id: int | None = None
    host_organization_id: int | None = None
    attendance: int | None = None
    description: str = ""
    participants: tuple[EventParticipant, ...] = ()
    is_sample: bool = False


@dataclass(kw_only=True, slots=True)
class Conference:
    id: int | None = None
    # The stored version it was read at, counted up by each change; None until stored.
    version: int | None = None
    name_en: str
    name_zh: str = ""
    name_he: str = ""
    edition: int | None = None
    host_city_id: int | None = None
    start_date: PartialDate | None = None
    end_date: PartialDate | None = None
    attendance: int | None = None
    countries: int | None = None
    organizer_ids: tuple[int, ...] = ()
    is_sample: bool = False


@dataclass(kw_only=True, slots=True)
class Award:
    """An honor given to a city, an organization or a person, usually at a conference."""

    id: int | None = None
    # The stored version it was read at, counted up by each change; None until stored.
    version: int | None = None
    title_en: str
    title_zh: str = ""
    title_he: str = ""
    conference_id: int | None = None
    awarded_on: PartialDate | None = None
    giver_organization_id: int | None = None
    recipient_kind: RecipientKind
    recipient_city_id: int | None = None
    recipient_organization_id: int | None = None
    recipient_person_id: int | None = None
    citation_en: str = ""
    citation_zh: str = ""
    citation_he: str = ""
    # The scan of the certificate the home city received (the giver's, not ours to print).
    scan_attachment_id: int | None = None
    is_sample: bool = False


@dataclass(kw_only=True, slots=True)
class Certificate:
    """A printed certificate of honor: numbered, registered, reprintable."""

    id: int | None = None
    # The stored version it was read at, counted up by each change; None until stored.
    version: int | None = None
    number: str
    award_id: int
    language_mode: LanguageMode
    design: str = "formal"  # a `Design` value
    issued_on: dt.date
    issued_by: str = ""
    reprints: int = 0
    is_sample: bool = False


@dataclass(kw_only=True, slots=True)
class OfficeProfile:
    """Who the office is: printed on every certificate and report."""

    home_city_id: int | None = None
    office_name_en: str = ""
    office_name_zh: str = ""
    office_name_he: str = ""
    signatory_en: str = ""
    signatory_zh: str = ""
    signatory_he: str = ""
    signatory_title_en: str = ""
    signatory_title_zh: str = ""
    signatory_title_he: str = ""
    seal_attachment_id: int | None = None
    logo_attachment_id: int | None = None
    # How certificates are numbered: see domain.certificate_numbers.
    certificate_number_pattern: str = DEFAULT_PATTERN
    # The office's foreword to its reports, printed after the contents.
    foreword_en: str = ""
    foreword_zh: str = ""
    foreword_he: str = ""
    # Chinese certificates dated in Chinese numerals: 二〇一八年十一月十六日.
    chinese_numeral_dates: bool = False


@dataclass(kw_only=True, slots=True)
class Attachment:
    """A file linked to a record; its bytes are stored once per content hash."""

    id: int | None = None
    owner_kind: str
    owner_id: int
    file_name: str
    media_type: str = "application/octet-stream"
    size: int = 0
    sha256: str = ""
    description: str = ""
    created_at: dt.datetime | None = None


Record = (
    City
    | Partnership
    | Organization
    | Person
    | Delegation
    | Agreement
    | CulturalEvent
    | Conference
    | Award
    | Certificate
)
