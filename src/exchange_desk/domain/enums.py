"""The office's fixed vocabularies: tiers, directions, statuses, kinds, areas, roles.

Each value is stored in the database as its lower-case text; the labels shown to people are
marked for translation here and translated where they are shown (through the translator
that i18n installs in `domain.messages`).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from exchange_desk.domain.messages import N_, translate


class Labelled(StrEnum):
    """A StrEnum whose members carry a translatable label."""

    @property
    def label(self) -> str:
        """The label in the active language."""
        return translate(self.label_msgid)

    @property
    def label_msgid(self) -> str:
        """The label's msgid: the English label, untranslated."""
        return _LABELS[(type(self).__name__, self.value)]

    def label_in(self, gettext: Callable[[str], str]) -> str:
        """The label translated by `gettext`: a document's language, not the window's."""
        return gettext(self.label_msgid)


class PartnershipTier(Labelled):
    SISTER_CITY = "sister_city"
    FRIENDLY_COOPERATIVE_CITY = "friendly_cooperative_city"


class PartnershipStatus(Labelled):
    ACTIVE = "active"
    DORMANT = "dormant"
    ENDED = "ended"


class CooperationArea(Labelled):
    GOVERNMENT = "government"
    CULTURE = "culture"
    EDUCATION = "education"
    COMMERCE = "commerce"
    TRADE = "trade"
    SCIENCE = "science"
    AGRICULTURE = "agriculture"
    HEALTH = "health"
    TOURISM = "tourism"
    SPORT = "sport"
    YOUTH = "youth"


class OrganizationKind(Labelled):
    SCHOOL = "school"
    UNIVERSITY = "university"
    COMPANY = "company"
    GOVERNMENT_BUREAU = "government_bureau"
    DEVELOPMENT_ZONE = "development_zone"
    CHOIR = "choir"
    ART_GROUP = "art_group"
    ASSOCIATION = "association"
    OTHER = "other"


class Direction(Labelled):
    OUTGOING = "outgoing"
    INCOMING = "incoming"


class DelegationStatus(Labelled):
    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"


class EventKind(Labelled):
    ARTS_FESTIVAL = "arts_festival"
    CHORAL_FESTIVAL = "choral_festival"
    EXHIBITION = "exhibition"
    CELEBRATION = "celebration"
    SPORTS = "sports"
    YOUTH_EXCHANGE = "youth_exchange"
    EDUCATION_EXCHANGE = "education_exchange"
    FAIR = "fair"
    OTHER = "other"


class ParticipantRole(Labelled):
    HOST = "host"
    PARTICIPANT = "participant"
    PERFORMER = "performer"
    ORGANIZER = "organizer"
    SPONSOR = "sponsor"


class RecipientKind(Labelled):
    CITY = "city"
    ORGANIZATION = "organization"
    PERSON = "person"


class AwardRole(Labelled):
    """Whose honour an award is, seen from the office: it decides who may certify it.

    The office certifies what it confers itself, and prints on behalf of another body what
    that body conferred; what the home city received was certified by the giver.
    """

    CONFERRED = "conferred"  # given by us: no other conferring body recorded
    RECEIVED = "received"  # received by us: the home city is the recipient
    CONFERRED_BY_OTHERS = "conferred_by_others"  # given by another body, e.g. at a conference

    @classmethod
    def of(
        cls,
        *,
        giver_organization_id: int | None,
        recipient_kind: RecipientKind,
        recipient_city_id: int | None,
        home_city_id: int | None,
    ) -> AwardRole:
        if (
            recipient_kind is RecipientKind.CITY
            and home_city_id is not None
            and recipient_city_id == home_city_id
        ):
            return cls.RECEIVED
        if giver_organization_id is None:
            return cls.CONFERRED
        return cls.CONFERRED_BY_OTHERS


class LanguageMode(Labelled):
    """Which languages a certificate carries, in the order they are printed."""

    ZH = "zh"
    EN = "en"
    HE = "he"
    ZH_EN = "zh+en"
    HE_EN = "he+en"
    ZH_HE = "zh+he"
    ZH_EN_HE = "zh+en+he"


class Design(Labelled):
    """The look of a certificate of honor."""

    FORMAL = "formal"
    MODERN = "modern"


class Orientation(Labelled):
    """How an A4 sheet is turned."""

    LANDSCAPE = "landscape"
    PORTRAIT = "portrait"


class NameOrder(Labelled):
    """How a name in Latin letters is written: given name first (Zhe Wang) unless the
    person's own usage puts the family name first (WANG Zhe on official lists)."""

    GIVEN_FIRST = "given_first"
    FAMILY_FIRST = "family_first"


class Sex(Labelled):
    """As in the passport: F, M or X."""

    FEMALE = "female"
    MALE = "male"
    UNSPECIFIED = "unspecified"


class ProtocolCategory(Labelled):
    """The kind of standing a person's protocol rank is counted in."""

    ELECTED = "elected"
    GOVERNMENT = "government"
    DIPLOMAT = "diplomat"
    BUSINESS = "business"
    ACADEMIC = "academic"
    CULTURE = "culture"
    CIVIL_SOCIETY = "civil_society"
    OTHER = "other"


class MemberRole(Labelled):
    """A member's part in a delegation, in the order of precedence of the roles."""

    HEAD = "head"
    DEPUTY_HEAD = "deputy_head"
    MEMBER = "member"
    INTERPRETER = "interpreter"
    STAFF = "staff"
    SECURITY = "security"


class DressCode(Labelled):
    BUSINESS = "business"
    FORMAL = "formal"
    SMART_CASUAL = "smart_casual"
    CASUAL = "casual"
    NATIONAL = "national"


class GuestSide(Labelled):
    """Which side of a reception a guest sits on: the hosts, or the guests they receive."""

    HOST = "host"
    GUEST = "guest"


class LetterKind(Labelled):
    """The letters the office writes from its templates."""

    INVITATION = "invitation"
    VISA = "visa"
    CONGRATULATION = "congratulation"


class LetterLanguage(Labelled):
    """The language of one letter template (a letter is printed in one or more)."""

    ZH = "zh"
    EN = "en"
    HE = "he"


class GiftDirection(Labelled):
    """Whether the office (or one of its officials) gave the gift or received it."""

    GIVEN = "given"
    RECEIVED = "received"


class GiftCategory(Labelled):
    """What kind of thing a gift is: what the repeat warning and the register group by."""

    ART = "art"
    PORCELAIN = "porcelain"
    TEXTILE = "textile"
    BOOK = "book"
    PLAQUE = "plaque"
    CRAFT = "craft"
    FOOD = "food"
    DEVICE = "device"
    OTHER = "other"


class GiftDisposition(Labelled):
    """What became of a gift received: the rules of most offices ask that it be said."""

    KEPT = "kept"
    ARCHIVED = "archived"
    DISPLAYED = "displayed"
    HANDED_OVER = "handed_over"


class DeclarationStatus(Labelled):
    """Where a received gift stands with the official's declaration."""

    NOT_REQUIRED = "not_required"
    TO_DECLARE = "to_declare"
    DECLARED = "declared"


class DueKind(Labelled):
    """What is coming that the office must act on (the start screen's "Due soon")."""

    AGREEMENT_EXPIRING = "agreement_expiring"
    AGREEMENT_EXPIRED = "agreement_expired"
    ANNIVERSARY = "anniversary"
    DELEGATION = "delegation"
    EVENT = "event"
    CERTIFICATE_UNPRINTED = "certificate_unprinted"


class PartnershipSignal(Labelled):
    """How a partnership is doing against the office's norm for its tier."""

    DORMANT = "dormant"
    BELOW_NORM = "below_norm"
    UNBALANCED = "unbalanced"


_LABELS: dict[tuple[str, str], str] = {
    ("Design", "formal"): N_("Formal"),
    ("Design", "modern"): N_("Modern"),
    ("Orientation", "landscape"): N_("Landscape"),
    ("Orientation", "portrait"): N_("Portrait"),
    ("PartnershipTier", "sister_city"): N_("sister city"),
    ("PartnershipTier", "friendly_cooperative_city"): N_("friendly cooperative city"),
    ("PartnershipStatus", "active"): N_("active"),
    ("PartnershipStatus", "dormant"): N_("dormant"),
    ("PartnershipStatus", "ended"): N_("ended"),
    ("CooperationArea", "government"): N_("government"),
    ("CooperationArea", "culture"): N_("culture"),
    ("CooperationArea", "education"): N_("education"),
    ("CooperationArea", "commerce"): N_("commerce"),
    ("CooperationArea", "trade"): N_("trade"),
    ("CooperationArea", "science"): N_("science"),
    ("CooperationArea", "agriculture"): N_("agriculture"),
    ("CooperationArea", "health"): N_("health"),
    ("CooperationArea", "tourism"): N_("tourism"),
    ("CooperationArea", "sport"): N_("sport"),
    ("CooperationArea", "youth"): N_("youth"),
    ("OrganizationKind", "school"): N_("school"),
    ("OrganizationKind", "university"): N_("university"),
    ("OrganizationKind", "company"): N_("company"),
    ("OrganizationKind", "government_bureau"): N_("government bureau"),
    ("OrganizationKind", "development_zone"): N_("development zone"),
    ("OrganizationKind", "choir"): N_("choir"),
    ("OrganizationKind", "art_group"): N_("art group"),
    ("OrganizationKind", "association"): N_("association"),
    ("OrganizationKind", "other"): N_("other organization"),
    ("Direction", "outgoing"): N_("outgoing"),
    ("Direction", "incoming"): N_("incoming"),
    ("DelegationStatus", "planned"): N_("planned"),
    ("DelegationStatus", "done"): N_("done"),
    ("DelegationStatus", "cancelled"): N_("cancelled"),
    ("EventKind", "arts_festival"): N_("arts festival"),
    ("EventKind", "choral_festival"): N_("choral festival"),
    ("EventKind", "exhibition"): N_("exhibition"),
    ("EventKind", "celebration"): N_("celebration"),
    ("EventKind", "sports"): N_("sports event"),
    ("EventKind", "youth_exchange"): N_("youth exchange"),
    ("EventKind", "education_exchange"): N_("education exchange"),
    ("EventKind", "fair"): N_("fair"),
    ("EventKind", "other"): N_("other event"),
    ("ParticipantRole", "host"): N_("host"),
    ("ParticipantRole", "participant"): N_("participant"),
    ("ParticipantRole", "performer"): N_("performer"),
    ("ParticipantRole", "organizer"): N_("organizer"),
    ("ParticipantRole", "sponsor"): N_("sponsor"),
    ("RecipientKind", "city"): N_("city"),
    ("RecipientKind", "organization"): N_("organization"),
    # Not "person": that msgid is the record kind (a contact), which Hebrew calls איש קשר.
    ("RecipientKind", "person"): N_("individual"),
    ("AwardRole", "conferred"): N_("given by us"),
    ("AwardRole", "received"): N_("received by us"),
    ("AwardRole", "conferred_by_others"): N_("given by others"),
    ("LanguageMode", "zh"): N_("Chinese"),
    ("LanguageMode", "en"): N_("English"),
    ("LanguageMode", "he"): N_("Hebrew"),
    ("LanguageMode", "zh+en"): N_("Chinese and English"),
    ("LanguageMode", "he+en"): N_("Hebrew and English"),
    ("LanguageMode", "zh+he"): N_("Chinese and Hebrew"),
    ("LanguageMode", "zh+en+he"): N_("Chinese, English and Hebrew"),
    ("NameOrder", "given_first"): N_("given name first"),
    ("NameOrder", "family_first"): N_("family name first"),
    ("Sex", "female"): N_("female"),
    ("Sex", "male"): N_("male"),
    ("Sex", "unspecified"): N_("unspecified (X)"),
    ("ProtocolCategory", "elected"): N_("elected official"),
    ("ProtocolCategory", "government"): N_("government official"),
    ("ProtocolCategory", "diplomat"): N_("diplomat"),
    ("ProtocolCategory", "business"): N_("business"),
    ("ProtocolCategory", "academic"): N_("academic"),
    ("ProtocolCategory", "culture"): N_("culture and arts"),
    ("ProtocolCategory", "civil_society"): N_("civil society"),
    ("ProtocolCategory", "other"): N_("other standing"),
    ("MemberRole", "head"): N_("head of delegation"),
    ("MemberRole", "deputy_head"): N_("deputy head"),
    ("MemberRole", "member"): N_("member"),
    ("MemberRole", "interpreter"): N_("interpreter"),
    ("MemberRole", "staff"): N_("staff"),
    ("MemberRole", "security"): N_("security"),
    ("DressCode", "business"): N_("business attire"),
    ("DressCode", "formal"): N_("formal attire"),
    ("DressCode", "smart_casual"): N_("smart casual"),
    ("DressCode", "casual"): N_("casual"),
    ("DressCode", "national"): N_("national dress"),
    ("GuestSide", "host"): N_("host side"),
    ("GuestSide", "guest"): N_("guest side"),
    ("LetterKind", "invitation"): N_("invitation letter"),
    ("LetterKind", "visa"): N_("visa invitation letter"),
    ("LetterKind", "congratulation"): N_("letter of congratulation"),
    ("LetterLanguage", "zh"): N_("Chinese"),
    ("LetterLanguage", "en"): N_("English"),
    ("LetterLanguage", "he"): N_("Hebrew"),
    ("GiftDirection", "given"): N_("given"),
    ("GiftDirection", "received"): N_("received"),
    ("GiftCategory", "art"): N_("painting or calligraphy"),
    ("GiftCategory", "porcelain"): N_("porcelain or ceramics"),
    ("GiftCategory", "textile"): N_("silk or textile"),
    ("GiftCategory", "book"): N_("book or album"),
    ("GiftCategory", "plaque"): N_("plaque, medal or emblem"),
    ("GiftCategory", "craft"): N_("handicraft"),
    ("GiftCategory", "food"): N_("food or drink"),
    ("GiftCategory", "device"): N_("device or instrument"),
    ("GiftCategory", "other"): N_("other gift"),
    ("GiftDisposition", "kept"): N_("kept by the office"),
    ("GiftDisposition", "archived"): N_("handed to the archive"),
    ("GiftDisposition", "displayed"): N_("on display"),
    ("GiftDisposition", "handed_over"): N_("handed over under the rules"),
    ("DeclarationStatus", "not_required"): N_("no declaration needed"),
    ("DeclarationStatus", "to_declare"): N_("to be declared"),
    ("DeclarationStatus", "declared"): N_("declared"),
    ("DueKind", "agreement_expiring"): N_("agreement expires"),
    ("DueKind", "agreement_expired"): N_("agreement expired, not renewed"),
    ("DueKind", "anniversary"): N_("round anniversary"),
    ("DueKind", "delegation"): N_("delegation"),
    ("DueKind", "event"): N_("cultural event"),
    ("DueKind", "certificate_unprinted"): N_("certificate issued, not printed"),
    ("PartnershipSignal", "dormant"): N_("dormant"),
    ("PartnershipSignal", "below_norm"): N_("below the norm"),
    ("PartnershipSignal", "unbalanced"): N_("one-sided"),
}
