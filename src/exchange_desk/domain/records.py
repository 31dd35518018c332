"""The office's records as plain dataclasses: what services take in and hand out.

A record refers to others by id (`city_id`); `id` is None until the record is stored.
Field names are the column names of `storage.models`, which the services rely on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from exchange_desk.domain.certificate_numbers import DEFAULT_LETTER_PATTERN, DEFAULT_PATTERN
from exchange_desk.domain.dates import PartialDate
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
    # The photo the partner's dossier opens with: one of the city's attachments.
    photo_attachment_id: int | None = None
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
    """A contact: someone who comes with a delegation, receives one, signs, or is honoured.

    Each script's name is kept as that script writes it (王喆 family name first, נתלי אפרה
    given name first); the name as in the passport is kept in its parts, in Latin letters,
    so that a visa letter can print WANG Zhe and a letter to a partner Zhe Wang.
    """

    id: int | None = None
    # The stored version it was read at, counted up by each change; None until stored.
    version: int | None = None
    name: str  # in English (Latin letters), as the person writes it
    name_zh: str = ""
    name_he: str = ""
    family_name: str = ""  # as in the passport, Latin letters
    given_name: str = ""
    name_order: NameOrder = NameOrder.GIVEN_FIRST
    honorific_en: str = ""  # Mr, Ms, Dr, H.E.
    honorific_zh: str = ""  # 先生, 女士, 博士 (printed after the name)
    honorific_he: str = ""  # מר, גב׳, ד״ר (printed before it)
    title: str = ""  # position, in English
    title_zh: str = ""
    title_he: str = ""
    organization_id: int | None = None
    city_id: int | None = None
    email: str = ""
    phone: str = ""
    rank: int | None = None  # protocol rank on the office's scale: 1 goes first
    category: ProtocolCategory | None = None
    photo_attachment_id: int | None = None
    notes: str = ""
    # What a consulate asks for: masked in the window, exported only when asked for.
    passport_number: str = ""
    nationality: str = ""  # ISO 3166 alpha-2
    date_of_birth: dt.date | None = None
    sex: Sex | None = None
    # Kept by the program: the Chinese name in pinyin, for search (wang zhe, wangzhe).
    name_pinyin: str = ""
    is_sample: bool = False


@dataclass(kw_only=True, slots=True)
class DelegationMember:
    """A person in a delegation, with their part in it and their own arrival and departure
    (where they differ from the delegation's dates)."""

    id: int | None = None
    version: int | None = None
    delegation_id: int
    person_id: int
    role: MemberRole = MemberRole.MEMBER
    arrival: dt.date | None = None
    departure: dt.date | None = None
    notes: str = ""
    is_sample: bool = False


@dataclass(kw_only=True, slots=True)
class ProgrammeItem:
    """One item of a visit's programme: a meeting, a visit, a banquet. Texts in the three
    languages, printed in those the delegation's programme is made in."""

    id: int | None = None
    version: int | None = None
    delegation_id: int
    day: dt.date
    starts_at: str | None = None  # "09:30"
    ends_at: str | None = None
    activity_en: str
    activity_zh: str = ""
    activity_he: str = ""
    place_en: str = ""
    place_zh: str = ""
    place_he: str = ""
    host_person_id: int | None = None  # our host
    interpreter_person_id: int | None = None
    dress_code: DressCode | None = None
    # A reception or banquet has a guest list and a seating plan.
    is_reception: bool = False
    notes_en: str = ""
    notes_zh: str = ""
    notes_he: str = ""
    is_sample: bool = False


@dataclass(kw_only=True, slots=True)
class Guest:
    """A person on the guest list of a cultural event or of a reception in a programme."""

    id: int | None = None
    version: int | None = None
    event_id: int | None = None
    programme_item_id: int | None = None
    person_id: int
    side: GuestSide = GuestSide.GUEST
    notes: str = ""
    is_sample: bool = False


@dataclass(kw_only=True, slots=True)
class LetterTemplate:
    """The office's own wording of one letter in one language: text with named
    placeholders ({partner_city}, {members}); where none is stored the program's is used."""

    id: int | None = None
    version: int | None = None
    letter: LetterKind
    language: LetterLanguage
    subject: str = ""
    body: str
    is_sample: bool = False


@dataclass(kw_only=True, slots=True)
class Letter:
    """A letter the office wrote, on its register: the reference number it was given."""

    id: int | None = None
    version: int | None = None
    number: str
    letter: LetterKind
    languages: str  # "zh+en"
    delegation_id: int | None = None
    partnership_id: int | None = None
    issued_on: dt.date
    issued_by: str = ""
    subject: str = ""
    is_sample: bool = False


@dataclass(kw_only=True, slots=True)
class Gift:
    """A gift the office gave a partner or one of its officials received: the register that
    keeps a partner from receiving the same gift twice and the declarations the rules ask."""

    id: int | None = None
    version: int | None = None
    given_on: PartialDate
    direction: GiftDirection
    description_en: str
    description_zh: str = ""
    description_he: str = ""
    category: GiftCategory = GiftCategory.OTHER
    # The other side: the partner city, its organization and the person, as far as known.
    partner_city_id: int | None = None
    partner_organization_id: int | None = None
    partner_person_id: int | None = None
    # Our side: the official who gave it or received it (whose declaration it is).
    official_person_id: int | None = None
    # The occasion: a delegation (a visit, either way) or a cultural event.
    delegation_id: int | None = None
    event_id: int | None = None
    estimated_value: float | None = None
    currency: str = ""
    photo_attachment_id: int | None = None
    disposition: GiftDisposition | None = None
    declaration_status: DeclarationStatus = DeclarationStatus.NOT_REQUIRED
    declared_on: dt.date | None = None
    declaration_reference: str = ""
    notes: str = ""
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
    # The letterhead: the office's address per language, its telephone and e-mail.
    address_en: str = ""
    address_zh: str = ""
    address_he: str = ""
    phone: str = ""
    email: str = ""
    # How letters are numbered, as certificates are (domain.certificate_numbers).
    letter_number_pattern: str = DEFAULT_LETTER_PATTERN
    # Gifts received at or above this value (in `gift_currency`) are declared; None: every
    # gift received is.
    gift_threshold: float | None = None
    gift_currency: str = ""
    # The largest file that may be attached to a record, in megabytes.
    attachment_limit_mb: int = 20
    # How often the office means to meet each tier of partner: exchanges a year (a sister
    # city at least one, a friendly cooperative city one every two years), and after how
    # many years without any exchange a partnership counts as dormant.
    sister_city_norm: float = 1.0
    friendly_city_norm: float = 0.5
    dormant_after_years: int = 3


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
    # The caption: `description` as typed (and in English), with Chinese and Hebrew.
    description: str = ""
    caption_zh: str = ""
    caption_he: str = ""
    created_at: dt.datetime | None = None
    # An image's size in pixels, and whether a thumbnail was made of it.
    width: int | None = None
    height: int | None = None
    has_preview: bool = False

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")

    @property
    def is_pdf(self) -> bool:
        return self.media_type == "application/pdf"

    def caption(self, language: str) -> str:
        """The caption in `language` ("zh", "en", "he"), else the one typed."""
        chosen = {"zh": self.caption_zh, "he": self.caption_he}.get(language, "")
        return chosen or self.description


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
    | Gift
)
