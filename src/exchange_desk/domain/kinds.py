"""The office's kinds of record, each declared once (see `domain.declaration`).

The order of `DECLARATIONS` is the order of the main window's tabs and of `exchange-desk
list`'s choices. The smallest declaration, `LETTER_TEMPLATES`, is the README's example.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from exchange_desk.domain import records as r
from exchange_desk.domain.anniversaries import next_round_anniversary
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.declaration import (
    INT_MAX,
    N_,
    NAME_MAX,
    SAMPLE,
    TEXT_MAX,
    Column,
    Computed,
    Context,
    Field,
    FieldType,
    Filter,
    KindDeclaration,
    Link,
    Tab,
    Unique,
    choice,
    country,
    day,
    decimal,
    image,
    integer,
    multiline,
    names,
    ngettext,
    partial_date,
    reference,
    references,
    text,
    time_of_day,
)
from exchange_desk.domain.enums import (
    AwardRole,
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
    PartnershipStatus,
    PartnershipTier,
    ProtocolCategory,
    RecipientKind,
    Sex,
)
from exchange_desk.domain.protocol import person_derived

_YEAR = Filter("year", N_("Year"), "year")


# The formal name of a city or a body, for certificates and letters (以色列克法尔萨巴市 / the
# City of Kfar Saba / עיריית כפר סבא); empty where the short name serves.
_FORMAL_NAMES = names(
    "formal_name",
    N_("Formal name (certificates)"),
    required=False,
    detail_labels=(
        N_("Formal name (English)"),
        N_("Formal name (Chinese)"),
        N_("Formal name (Hebrew)"),
    ),
)


def _country(reference_field: str) -> Filter:
    return Filter("country", N_("Country"), f"{reference_field}->country")


CITIES = KindDeclaration(
    name="cities",
    table="cities",
    noun=ngettext("city", "cities"),
    new_title=N_("New city"),
    edit_title=N_("Edit city: {name}"),
    record=r.City,
    fields=(
        *names("name", N_("Name")),
        *_FORMAL_NAMES,
        Field(
            "name_local",
            FieldType.TEXT,
            N_("Name in the local language"),
            max_length=NAME_MAX,
            detail_label=N_("Local name"),
        ),
        country("country", N_("Country")),
        text("region", N_("Region")),
        decimal("latitude", N_("Latitude"), minimum=-90, maximum=90),
        decimal("longitude", N_("Longitude"), minimum=-180, maximum=180),
        integer("population", N_("Population")),
        image("photo_attachment_id", N_("Photo for the dossier")),
        SAMPLE,
    ),
    name_group="name",
    order=("name_en",),
    search=("name_en", "name_zh", "name_he", "name_local", "region", "country"),
    list_columns=("@name", "country", "region"),
    list_filters=("country", "is_sample"),
    unique=(
        Unique(
            ("country", "name_en"),
            "name_en",
            N_("{name_en} ({country}) is already recorded as city {other_id}."),
        ),
    ),
)


def _next_anniversary(row: Mapping[str, Any], context: Context) -> int | None:
    since, status = row["established"], row["status"]
    if not since or status == PartnershipStatus.ENDED:
        return None
    return next_round_anniversary(PartialDate.parse(str(since)), context.this_year)[0]


PARTNERSHIPS = KindDeclaration(
    name="partnerships",
    table="partnerships",
    noun=ngettext("partnership", "partnerships"),
    new_title=N_("New partnership"),
    edit_title=N_("Edit partnership: {name}"),
    record=r.Partnership,
    fields=(
        reference("city_id", N_("Partner city"), "cities", required=True),
        choice("tier", N_("Tier"), PartnershipTier),
        partial_date("established", N_("Established")),
        text("signed_at", N_("Signed at")),
        choice("status", N_("Status"), PartnershipStatus),
        partial_date("ended", N_("Ended")),
        Field(
            "areas",
            FieldType.AREAS,
            N_("Areas of cooperation"),
            enum=CooperationArea,
            link=Link("partnership_areas", "partnership_id", "area"),
        ),
        multiline("notes", N_("Notes")),
        SAMPLE,
    ),
    date_field="established",
    order=("established", "id"),
    search=("signed_at", "notes"),
    tab=Tab(
        "partner_cities",
        N_("Partner cities"),
        (
            Column("city", N_("Partner city"), "names", "city_id->"),
            Column("country", N_("Country"), "country", "city_id->country"),
            Column("tier", N_("Tier"), "enum", "tier"),
            Column("established", N_("Since"), "date", "established"),
            Column("status", N_("Status"), "enum", "status"),
            Column("next_anniversary", N_("Next anniversary"), "year", "next_anniversary"),
        ),
        (
            Filter("tier", N_("Tier"), "tier"),
            Filter("status", N_("Status"), "status"),
            _country("city_id"),
        ),
        cli_name="cities",
        position=10,
    ),
    computed={"next_anniversary": Computed(("established", "status"), _next_anniversary)},
    list_columns=("city_id->", "tier", "established", "status"),
    list_filters=("tier", "status", "city_id", "is_sample"),
    unique=(
        Unique(
            ("city_id",),
            "city_id",
            N_("This city already has a partnership (partnership {other_id})."),
        ),
    ),
)

DELEGATIONS = KindDeclaration(
    name="delegations",
    table="delegations",
    noun=ngettext("delegation", "delegations"),
    new_title=N_("New delegation"),
    edit_title=N_("Edit delegation: {name}"),
    record=r.Delegation,
    fields=(
        choice("direction", N_("Direction"), Direction),
        reference("city_id", N_("Partner city"), "cities", required=True),
        partial_date("start_date", N_("Start")),
        partial_date("end_date", N_("End")),
        choice("status", N_("Status"), DelegationStatus),
        text("leader", N_("Leader")),
        text("leader_title", N_("Leader's title")),
        integer("members", N_("Members")),
        references(
            "organization_ids",
            N_("Organizations"),
            "organizations",
            Link("delegation_organizations", "delegation_id", "organization_id"),
        ),
        multiline("purpose", N_("Purpose")),
        multiline("outcome", N_("Outcome")),
        SAMPLE,
    ),
    summary_field="purpose",
    date_field="start_date",
    order=("start_date", "id"),
    search=("leader", "purpose", "outcome"),
    tab=Tab(
        "delegations",
        N_("Delegations"),
        (
            Column("start_date", N_("Start"), "date", "start_date"),
            Column("direction", N_("Direction"), "enum", "direction"),
            Column("city", N_("Partner city"), "names", "city_id->"),
            Column("members", N_("Members"), "number", "members"),
            Column("leader", N_("Leader"), "text", "leader"),
            Column("status", N_("Status"), "enum", "status"),
            Column("purpose", N_("Purpose"), "text", "purpose"),
        ),
        (
            _YEAR,
            Filter("direction", N_("Direction"), "direction"),
            Filter("status", N_("Status"), "status"),
            _country("city_id"),
        ),
        position=20,
    ),
    list_columns=("start_date", "direction", "city_id->", "members", "purpose"),
    list_filters=("direction", "status", "city_id", "is_sample"),
)

EVENTS = KindDeclaration(
    name="events",
    table="cultural_events",
    noun=ngettext("cultural event", "cultural events"),
    new_title=N_("New cultural event"),
    edit_title=N_("Edit cultural event: {name}"),
    record=r.CulturalEvent,
    fields=(
        *names("name", N_("Name")),
        choice("kind", N_("Kind"), EventKind),
        partial_date("start_date", N_("Start")),
        partial_date("end_date", N_("End")),
        reference("city_id", N_("Where"), "cities"),
        reference("partner_city_id", N_("Partner city"), "cities"),
        reference(
            "host_organization_id",
            N_("Host organization"),
            "organizations",
            detail_label=N_("Host"),
        ),
        integer("attendance", N_("Attendance")),
        Field(
            "participants",
            FieldType.PARTICIPANTS,
            N_("Participants"),
            kind="organizations",
            link=Link("event_participants", "event_id", "organization_id"),
        ),
        multiline("description", N_("Description")),
        SAMPLE,
    ),
    name_group="name",
    date_field="start_date",
    order=("start_date", "id"),
    search=("name_en", "name_zh", "name_he", "description"),
    tab=Tab(
        "events",
        N_("Cultural events"),
        (
            Column("start_date", N_("Start"), "date", "start_date"),
            Column("name", N_("Name"), "names", "@name"),
            Column("kind", N_("Kind"), "enum", "kind"),
            Column("city", N_("Where"), "names", "city_id->"),
            Column("partner_city", N_("Partner city"), "names", "partner_city_id->"),
            Column("attendance", N_("Attendance"), "number", "attendance"),
        ),
        (_YEAR, Filter("kind", N_("Kind"), "kind"), _country("city_id")),
        position=30,
    ),
    list_columns=("start_date", "@name", "kind", "city_id->"),
    list_filters=("kind", "city_id", "partner_city_id", "is_sample"),
)


def _recipient(row: Mapping[str, Any], context: Context) -> Any:
    kind = row["recipient_kind"]
    if kind == RecipientKind.CITY:
        return context.name_of("cities", row["recipient_city_id"])
    if kind == RecipientKind.ORGANIZATION:
        return context.name_of("organizations", row["recipient_organization_id"])
    return context.name_of("persons", row["recipient_person_id"])


def _role(row: Mapping[str, Any], context: Context) -> AwardRole:
    # Given by us, received by us, or given by another body: only the first are ours to
    # certify, the second we attach a scan of.
    return AwardRole.of(
        giver_organization_id=row["giver_organization_id"],
        recipient_kind=RecipientKind(row["recipient_kind"]),
        recipient_city_id=row["recipient_city_id"],
        home_city_id=context.home_city_id,
    )


_RECIPIENT_FIELDS = (
    "recipient_kind",
    "recipient_city_id",
    "recipient_organization_id",
    "recipient_person_id",
)

AWARDS = KindDeclaration(
    name="awards",
    table="awards",
    noun=ngettext("award", "awards"),
    new_title=N_("New award"),
    edit_title=N_("Edit award: {name}"),
    record=r.Award,
    fields=(
        *names("title", N_("Title")),
        reference("conference_id", N_("Conference"), "conferences"),
        partial_date("awarded_on", N_("Date")),
        # Empty means the office confers the honour itself (see AwardRole).
        reference(
            "giver_organization_id",
            N_("Given by (empty: our office)"),
            "organizations",
            detail_label=N_("Given by"),
        ),
        Field(
            "recipient_kind",
            FieldType.ENUM,
            N_("Recipient"),
            required=True,
            enum=RecipientKind,
            detail_label=N_("Recipient is a"),
        ),
        # An award without its recipient means nothing: deleting the recipient deletes it.
        reference(
            "recipient_city_id",
            N_("Recipient city"),
            "cities",
            owned=True,
            enabled_when=("recipient_kind", RecipientKind.CITY.value),
            detail_label=N_("Recipient"),
        ),
        reference(
            "recipient_organization_id",
            N_("Recipient organization"),
            "organizations",
            owned=True,
            enabled_when=("recipient_kind", RecipientKind.ORGANIZATION.value),
            detail_label=N_("Recipient"),
        ),
        reference(
            "recipient_person_id",
            N_("Recipient person"),
            "persons",
            owned=True,
            enabled_when=("recipient_kind", RecipientKind.PERSON.value),
            detail_label=N_("Recipient"),
        ),
        *names(
            "citation",
            N_("Citation"),
            required=False,
            limit=20_000,
            multiline=True,
            detail_labels=(
                N_("Citation (English)"),
                N_("Citation (Chinese)"),
                N_("Citation (Hebrew)"),
            ),
        ),
        # What our city received was certified by the giver: its scan is kept here.
        image(
            "scan_attachment_id",
            N_("Scan of the certificate received"),
            detail_label=N_("Scanned copy"),
        ),
        SAMPLE,
    ),
    name_group="title",
    date_field="awarded_on",
    order=("awarded_on", "id"),
    search=("title_en", "title_zh", "title_he", "citation_en", "citation_zh", "citation_he"),
    tab=Tab(
        "awards",
        N_("Awards"),
        (
            Column("awarded_on", N_("Date"), "date", "awarded_on"),
            Column("title", N_("Title"), "names", "@title"),
            Column("recipient", N_("Recipient"), "names", "recipient"),
            Column("role", N_("Given or received"), "enum", "role"),
            Column("conference", N_("Conference"), "names", "conference_id->"),
        ),
        (
            _YEAR,
            Filter("role", N_("Given or received"), "role", enum=AwardRole),
            Filter("conference", N_("Conference"), "conference_id", lookup="conferences"),
        ),
        position=40,
    ),
    computed={
        "recipient": Computed(
            _RECIPIENT_FIELDS, _recipient, reads=("cities", "organizations", "persons")
        ),
        "role": Computed(("giver_organization_id", *_RECIPIENT_FIELDS), _role, reads_profile=True),
    },
    detail_computed=((N_("Given or received"), "role"),),
    list_columns=("awarded_on", "@title", "conference_id->"),
    list_filters=("conference_id", "recipient_kind", "is_sample"),
)

AGREEMENTS = KindDeclaration(
    name="agreements",
    table="agreements",
    noun=ngettext("agreement", "agreements"),
    new_title=N_("New agreement"),
    edit_title=N_("Edit agreement: {name}"),
    record=r.Agreement,
    fields=(
        *names("title", N_("Title")),
        reference("city_id", N_("Partner city"), "cities"),
        partial_date("signed_on", N_("Signed")),
        partial_date("expires_on", N_("Expires")),
        choice("area", N_("Area"), CooperationArea, required=False),
        references(
            "party_ids",
            N_("Parties"),
            "organizations",
            Link("agreement_parties", "agreement_id", "organization_id"),
        ),
        Field(
            "scan_attachment_id",
            FieldType.IMAGE,
            N_("Scanned copy"),
            kind="attachments",
            in_form=False,
            in_detail=False,
        ),
        multiline("notes", N_("Notes")),
        SAMPLE,
    ),
    name_group="title",
    date_field="signed_on",
    order=("signed_on", "id"),
    search=("title_en", "title_zh", "title_he", "notes"),
    tab=Tab(
        "agreements",
        N_("Agreements"),
        (
            Column("signed_on", N_("Signed"), "date", "signed_on"),
            Column("title", N_("Title"), "names", "@title"),
            Column("area", N_("Area"), "enum", "area"),
            Column("city", N_("Partner city"), "names", "city_id->"),
            Column("expires_on", N_("Expires"), "date", "expires_on"),
        ),
        (_YEAR, Filter("area", N_("Area"), "area")),
        position=50,
    ),
    list_columns=("signed_on", "@title", "area"),
    list_filters=("area", "city_id", "is_sample"),
)

ORGANIZATIONS = KindDeclaration(
    name="organizations",
    table="organizations",
    noun=ngettext("organization", "organizations"),
    new_title=N_("New organization"),
    edit_title=N_("Edit organization: {name}"),
    record=r.Organization,
    fields=(
        *names("name", N_("Name")),
        choice("kind", N_("Kind"), OrganizationKind),
        reference("city_id", N_("City"), "cities"),
        *_FORMAL_NAMES,
        # Printed on the certificates of honours this body confers (AwardRole).
        image("seal_attachment_id", N_("Seal")),
        multiline("notes", N_("Notes")),
        SAMPLE,
    ),
    name_group="name",
    order=("name_en", "id"),
    search=("name_en", "name_zh", "name_he"),
    tab=Tab(
        "organizations",
        N_("Organizations"),
        (
            Column("name", N_("Name"), "names", "@name"),
            Column("kind", N_("Kind"), "enum", "kind"),
            Column("city", N_("City"), "names", "city_id->"),
        ),
        (Filter("kind", N_("Kind"), "kind"), _country("city_id")),
        position=60,
    ),
    list_columns=("@name", "kind", "city_id->"),
    list_filters=("kind", "city_id", "is_sample"),
)

CONFERENCES = KindDeclaration(
    name="conferences",
    table="conferences",
    noun=ngettext("conference", "conferences"),
    new_title=N_("New conference"),
    edit_title=N_("Edit conference: {name}"),
    record=r.Conference,
    fields=(
        *names("name", N_("Name")),
        integer("edition", N_("Edition"), minimum=1),
        reference("host_city_id", N_("Host city"), "cities"),
        partial_date("start_date", N_("Start")),
        partial_date("end_date", N_("End")),
        integer("attendance", N_("Attendance")),
        Field(
            "countries",
            FieldType.INTEGER,
            N_("Countries represented"),
            minimum=0,
            maximum=INT_MAX,
            detail_label=N_("Countries"),
        ),
        references(
            "organizer_ids",
            N_("Organizers"),
            "organizations",
            Link("conference_organizers", "conference_id", "organization_id"),
        ),
        SAMPLE,
    ),
    name_group="name",
    date_field="start_date",
    order=("start_date", "id"),
    search=("name_en", "name_zh", "name_he"),
    tab=Tab(
        "conferences",
        N_("Conferences"),
        (
            Column("start_date", N_("Start"), "date", "start_date"),
            Column("name", N_("Name"), "names", "@name"),
            Column("edition", N_("Edition"), "number", "edition"),
            Column("host_city", N_("Host city"), "names", "host_city_id->"),
            Column("attendance", N_("Attendance"), "number", "attendance"),
            Column("countries", N_("Countries"), "number", "countries"),
        ),
        (_YEAR,),
        position=70,
    ),
    list_columns=("start_date", "@name", "host_city_id->"),
    list_filters=("host_city_id", "is_sample"),
)

PERSONS = KindDeclaration(
    name="persons",
    table="persons",
    noun=ngettext("person", "people"),
    new_title=N_("New person"),
    edit_title=N_("Edit person: {name}"),
    record=r.Person,
    fields=(
        *names("name", N_("Name"), english="name"),
        *names(
            "honorific",
            N_("Honorific"),
            required=False,
            limit=40,
            detail_labels=(
                N_("Honorific (English)"),
                N_("Honorific (Chinese)"),
                N_("Honorific (Hebrew)"),
            ),
        ),
        *names(
            "title",
            N_("Position"),
            english="title",
            required=False,
            detail_labels=(
                N_("Position (English)"),
                N_("Position (Chinese)"),
                N_("Position (Hebrew)"),
            ),
        ),
        text("family_name", N_("Family name as in the passport")),
        text("given_name", N_("Given names as in the passport")),
        choice("name_order", N_("Name order in Latin letters"), NameOrder),
        reference("organization_id", N_("Organization"), "organizations"),
        reference("city_id", N_("City"), "cities"),
        text("email", N_("E-mail")),
        text("phone", N_("Phone")),
        integer("rank", N_("Protocol rank (1 goes first)"), minimum=1, maximum=9999),
        choice("category", N_("Protocol category"), ProtocolCategory, required=False),
        image("photo_attachment_id", N_("Photo")),
        multiline("notes", N_("Notes")),
        text("passport_number", N_("Passport number"), limit=40, sensitive=True),
        country("nationality", N_("Nationality"), required=False, sensitive=True),
        day("date_of_birth", N_("Date of birth"), required=False, sensitive=True),
        choice("sex", N_("Sex (as in the passport)"), Sex, required=False, sensitive=True),
        Field(
            "name_pinyin",
            FieldType.TEXT,
            N_("Name in pinyin"),
            max_length=NAME_MAX * 3,
            in_form=False,
            in_detail=False,
        ),
        SAMPLE,
    ),
    name_group="name",
    order=("name", "id"),
    search=("name", "name_zh", "name_he", "name_pinyin", "family_name", "given_name", "title"),
    tab=Tab(
        "people",
        N_("People"),
        (
            Column("name", N_("Name"), "names", "@name"),
            Column("title", N_("Position"), "names", "@title"),
            Column("organization", N_("Organization"), "names", "organization_id->"),
            Column("city", N_("City"), "names", "city_id->"),
            Column("rank", N_("Rank"), "number", "rank"),
            Column("category", N_("Category"), "enum", "category"),
        ),
        (Filter("category", N_("Category"), "category"), _country("city_id")),
        cli_name="people",
        position=65,
        search_also=("name_pinyin", "family_name", "given_name"),
    ),
    list_columns=("@name", "@title", "organization_id->", "rank"),
    list_filters=("organization_id", "city_id", "category", "is_sample"),
    derive=person_derived,
)

DELEGATION_MEMBERS = KindDeclaration(
    name="delegation_members",
    table="delegation_members",
    noun=ngettext("delegation member", "delegation members"),
    new_title=N_("New delegation member"),
    edit_title=N_("Edit delegation member: {name}"),
    record=r.DelegationMember,
    fields=(
        reference("delegation_id", N_("Delegation"), "delegations", required=True),
        reference("person_id", N_("Person"), "persons", required=True),
        choice("role", N_("Role"), MemberRole),
        day("arrival", N_("Arrival"), required=False),
        day("departure", N_("Departure"), required=False),
        text("notes", N_("Notes")),
        SAMPLE,
    ),
    order=("delegation_id", "id"),
    list_columns=("delegation_id", "person_id->", "role", "arrival", "departure"),
    list_filters=("delegation_id", "person_id", "role", "is_sample"),
    unique=(
        Unique(
            ("delegation_id", "person_id"),
            "person_id",
            N_("This person is already a member of the delegation (member {other_id})."),
        ),
    ),
    owner_field="delegation_id",
)

PROGRAMME_ITEMS = KindDeclaration(
    name="programme_items",
    table="programme_items",
    noun=ngettext("programme item", "programme items"),
    new_title=N_("New programme item"),
    edit_title=N_("Edit programme item: {name}"),
    record=r.ProgrammeItem,
    fields=(
        reference("delegation_id", N_("Delegation"), "delegations", required=True),
        day("day", N_("Day")),
        time_of_day("starts_at", N_("Starts")),
        time_of_day("ends_at", N_("Ends")),
        *names(
            "activity",
            N_("Activity"),
            detail_labels=(
                N_("Activity (English)"),
                N_("Activity (Chinese)"),
                N_("Activity (Hebrew)"),
            ),
        ),
        *names(
            "place",
            N_("Place"),
            required=False,
            detail_labels=(N_("Place (English)"), N_("Place (Chinese)"), N_("Place (Hebrew)")),
        ),
        reference("host_person_id", N_("Our host"), "persons"),
        reference("interpreter_person_id", N_("Interpreter"), "persons"),
        choice("dress_code", N_("Dress code"), DressCode, required=False),
        Field("is_reception", FieldType.FLAG, N_("A reception or banquet (has a guest list)")),
        *names(
            "notes",
            N_("Notes"),
            required=False,
            limit=2000,
            multiline=True,
            detail_labels=(N_("Notes (English)"), N_("Notes (Chinese)"), N_("Notes (Hebrew)")),
        ),
        SAMPLE,
    ),
    name_group="activity",
    order=("delegation_id", "day", "starts_at", "id"),
    search=("activity_en", "activity_zh", "activity_he", "place_en", "place_zh", "place_he"),
    list_columns=("delegation_id", "day", "starts_at", "ends_at", "@activity", "@place"),
    list_filters=("delegation_id", "host_person_id", "is_reception", "is_sample"),
    owner_field="delegation_id",
)

GUESTS = KindDeclaration(
    name="guests",
    table="guests",
    noun=ngettext("guest", "guests"),
    new_title=N_("New guest"),
    edit_title=N_("Edit guest: {name}"),
    record=r.Guest,
    fields=(
        reference("event_id", N_("Cultural event"), "events", owned=True),
        reference("programme_item_id", N_("Reception"), "programme_items", owned=True),
        reference("person_id", N_("Person"), "persons", required=True),
        choice("side", N_("Side"), GuestSide),
        text("notes", N_("Notes")),
        SAMPLE,
    ),
    order=("id",),
    list_columns=("event_id", "programme_item_id", "person_id->", "side"),
    list_filters=("event_id", "programme_item_id", "person_id", "side", "is_sample"),
    unique=(
        Unique(
            ("event_id", "person_id"),
            "person_id",
            N_("This person is already on the guest list (guest {other_id})."),
        ),
        Unique(
            ("programme_item_id", "person_id"),
            "person_id",
            N_("This person is already on the guest list (guest {other_id})."),
        ),
    ),
)

LETTER_TEMPLATES = KindDeclaration(
    name="letter_templates",
    table="letter_templates",
    noun=ngettext("letter template", "letter templates"),
    new_title=N_("New letter template"),
    edit_title=N_("Edit letter template: {name}"),
    record=r.LetterTemplate,
    fields=(
        choice("letter", N_("Letter"), LetterKind),
        choice("language", N_("Language"), LetterLanguage),
        text("subject", N_("Subject"), limit=400),
        Field("body", FieldType.MULTILINE, N_("Text"), required=True, max_length=TEXT_MAX),
        SAMPLE,
    ),
    title_field="subject",
    order=("letter", "language"),
    list_columns=("letter", "language", "subject"),
    list_filters=("letter", "language"),
    unique=(
        Unique(
            ("letter", "language"),
            "language",
            N_("This letter has its template in this language already (template {other_id})."),
        ),
    ),
    listable=False,
)

LETTERS = KindDeclaration(
    name="letters",
    table="letters",
    noun=ngettext("letter", "letters"),
    new_title=N_("New letter"),
    edit_title=N_("Edit letter: {name}"),
    record=r.Letter,
    fields=(
        text("number", N_("Reference number"), required=True, limit=40),
        choice("letter", N_("Letter"), LetterKind),
        text("languages", N_("Languages"), required=True, limit=20),
        reference("delegation_id", N_("Delegation"), "delegations"),
        reference("partnership_id", N_("Partnership"), "partnerships"),
        day("issued_on", N_("Date")),
        text("issued_by", N_("Written by")),
        text("subject", N_("Subject"), limit=400),
        SAMPLE,
    ),
    title_field="number",
    order=("issued_on", "id"),
    search=("number", "subject"),
    list_columns=("number", "letter", "issued_on", "subject"),
    list_filters=("letter", "delegation_id", "partnership_id", "is_sample"),
    unique=(
        Unique(
            ("number",),
            "number",
            N_("Reference number {number} is already used (letter {other_id})."),
        ),
    ),
)


def _gift_partner(row: Mapping[str, Any], context: Context) -> Any:
    # The most particular of the other side: the person, else the body, else the city.
    if row["partner_person_id"] is not None:
        return context.name_of("persons", row["partner_person_id"])
    if row["partner_organization_id"] is not None:
        return context.name_of("organizations", row["partner_organization_id"])
    return context.name_of("cities", row["partner_city_id"])


def _gift_ours(row: Mapping[str, Any], context: Context) -> Any:
    # Our side: the official, else the home city itself.
    if row["official_person_id"] is not None:
        return context.name_of("persons", row["official_person_id"])
    return context.name_of("cities", context.home_city_id)


def _gift_from(row: Mapping[str, Any], context: Context) -> Any:
    given = row["direction"] == GiftDirection.GIVEN
    return _gift_ours(row, context) if given else _gift_partner(row, context)


def _gift_to(row: Mapping[str, Any], context: Context) -> Any:
    given = row["direction"] == GiftDirection.GIVEN
    return _gift_partner(row, context) if given else _gift_ours(row, context)


_GIFT_SIDES = (
    "direction",
    "partner_city_id",
    "partner_organization_id",
    "partner_person_id",
    "official_person_id",
)
_RECEIVED = ("direction", GiftDirection.RECEIVED.value)

GIFTS = KindDeclaration(
    name="gifts",
    table="gifts",
    noun=ngettext("gift", "gifts"),
    new_title=N_("New gift"),
    edit_title=N_("Edit gift: {name}"),
    record=r.Gift,
    fields=(
        partial_date("given_on", N_("Date"), required=True),
        choice("direction", N_("Given / received"), GiftDirection),
        # The gift itself in three languages ("Porcelain vase"): what the register lists.
        *names(
            "description",
            N_("Gift"),
            detail_labels=(N_("Gift (English)"), N_("Gift (Chinese)"), N_("Gift (Hebrew)")),
        ),
        choice("category", N_("Category"), GiftCategory),
        reference("partner_city_id", N_("Partner city"), "cities"),
        reference("partner_organization_id", N_("Partner organization"), "organizations"),
        reference("partner_person_id", N_("Partner person"), "persons"),
        reference(
            "official_person_id",
            N_("Our official who gave or received it"),
            "persons",
            detail_label=N_("Our official"),
        ),
        reference("delegation_id", N_("Occasion: delegation or visit"), "delegations"),
        reference("event_id", N_("Occasion: cultural event"), "events"),
        decimal("estimated_value", N_("Estimated value"), minimum=0, maximum=1e12),
        text("currency", N_("Currency"), limit=3),
        image("photo_attachment_id", N_("Photo")),
        Field(
            "disposition",
            FieldType.ENUM,
            N_("What became of it"),
            enum=GiftDisposition,
            enabled_when=_RECEIVED,
        ),
        # Not switched off for a gift given (a switched-off field is emptied): its rule says
        # that a gift given needs no declaration.
        choice("declaration_status", N_("Declaration"), DeclarationStatus),
        Field(
            "declared_on",
            FieldType.DAY,
            N_("Declared on"),
            enabled_when=_RECEIVED,
        ),
        Field(
            "declaration_reference",
            FieldType.TEXT,
            N_("Declaration reference"),
            max_length=80,
            enabled_when=_RECEIVED,
        ),
        multiline("notes", N_("Notes")),
        SAMPLE,
    ),
    name_group="description",
    date_field="given_on",
    order=("given_on", "id"),
    search=(
        "description_en",
        "description_zh",
        "description_he",
        "declaration_reference",
        "notes",
    ),
    tab=Tab(
        "gifts",
        N_("Gifts"),
        (
            Column("given_on", N_("Date"), "date", "given_on"),
            Column("direction", N_("Given / received"), "enum", "direction"),
            Column("description", N_("Gift"), "names", "@description"),
            Column("from", N_("Giver"), "names", "from"),
            Column("to", N_("Receiver"), "names", "to"),
            Column("value", N_("Estimated value"), "text", "value"),
            Column("declaration", N_("Declaration"), "enum", "declaration"),
        ),
        (
            _YEAR,
            # Keyed as the awards' "role": the same question, "Given and received" for all.
            Filter("role", N_("Given / received"), "direction"),
            Filter("category", N_("Category"), "category"),
            Filter("declaration", N_("Declaration"), "declaration_status"),
            _country("partner_city_id"),
        ),
        position=45,
    ),
    computed={
        "from": Computed(
            _GIFT_SIDES,
            _gift_from,
            reads=("cities", "organizations", "persons"),
            reads_profile=True,
        ),
        "to": Computed(
            _GIFT_SIDES, _gift_to, reads=("cities", "organizations", "persons"), reads_profile=True
        ),
        "value": Computed(("estimated_value", "currency"), lambda row, _c: _value_text(row)),
        "declaration": Computed(
            ("direction", "declaration_status"),
            lambda row, _c: (
                DeclarationStatus(row["declaration_status"])
                if row["direction"] == GiftDirection.RECEIVED
                else None
            ),
        ),
    },
    list_columns=(
        "given_on",
        "direction",
        "@description",
        "partner_city_id->",
        "estimated_value",
        "currency",
    ),
    profile_defaults={"currency": "gift_currency"},
    list_filters=(
        "direction",
        "category",
        "partner_city_id",
        "partner_person_id",
        "official_person_id",
        "declaration_status",
        "is_sample",
    ),
)


def _value_text(row: Mapping[str, Any]) -> str:
    """An estimated value with its currency, as the register writes it: "1,200 CNY"."""
    value = row["estimated_value"]
    if value is None:
        return ""
    shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return f"{shown} {row['currency']}".strip()


CERTIFICATES = KindDeclaration(
    name="certificates",
    table="certificates",
    noun=ngettext("certificate", "certificates"),
    new_title=N_("New certificate of honor"),
    edit_title=N_("Edit certificate of honor: {name}"),
    record=r.Certificate,
    fields=(
        text("number", N_("Certificate number"), required=True, limit=40),
        reference("award_id", N_("Award"), "awards", required=True),
        choice("language_mode", N_("Languages"), LanguageMode),
        text("design", N_("Design"), limit=40),
        day("issued_on", N_("Issued on")),
        text("issued_by", N_("Issued by")),
        integer("reprints", N_("Reprints"), required=True),
        SAMPLE,
    ),
    title_field="number",
    order=("number",),
    search=("number", "issued_by"),
    list_columns=("number", "award_id->", "issued_on"),
    list_filters=("award_id", "language_mode", "is_sample"),
    unique=(
        Unique(
            ("number",),
            "number",
            N_("Certificate number {number} is already used (certificate {other_id})."),
        ),
        Unique(
            ("award_id",),
            "award_id",
            N_(
                "This award has its certificate already (certificate {other_id}); "
                "print it again to make a reprint."
            ),
        ),
    ),
    listable=False,
)

# The order of `exchange-desk list`'s choices; tabs are ordered by their `position`.
DECLARATIONS: tuple[KindDeclaration, ...] = (
    CITIES,
    PARTNERSHIPS,
    DELEGATIONS,
    EVENTS,
    AGREEMENTS,
    ORGANIZATIONS,
    CONFERENCES,
    AWARDS,
    PERSONS,
    CERTIFICATES,
    DELEGATION_MEMBERS,
    PROGRAMME_ITEMS,
    GUESTS,
    LETTER_TEMPLATES,
    LETTERS,
    GIFTS,
)
