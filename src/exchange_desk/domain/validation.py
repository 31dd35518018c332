"""The rules a record must satisfy before it is stored, with messages for each field.

The messages are `domain.messages.Message`s, translated when they are read
(`FieldProblem.message`).

Every check collects all problems at once, so a dialog can mark every wrong field together.
The database enforces the same invariants again (constraints), so a write that bypasses
these rules still cannot break them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from exchange_desk.domain.certificate_numbers import NUMBER_MAX, NUMBER_RULE, pattern_messages
from exchange_desk.domain.countries import is_country_code
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import DeclarationStatus, GiftDirection, RecipientKind
from exchange_desk.domain.errors import FieldProblem, InvalidInput
from exchange_desk.domain.messages import Message, _
from exchange_desk.domain.records import (
    Agreement,
    Award,
    Certificate,
    City,
    Conference,
    CulturalEvent,
    Delegation,
    DelegationMember,
    Gift,
    Guest,
    LetterTemplate,
    OfficeProfile,
    Organization,
    Partnership,
    Person,
    ProgrammeItem,
    Record,
)

NAME_MAX = 200
TEXT_MAX = 20_000
CERTIFICATE_NUMBER_MAX = NUMBER_MAX
_CERTIFICATE_NUMBER = NUMBER_RULE
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
# The largest file an office may allow to be attached, in megabytes (services.attachments).
ATTACHMENT_LIMIT_MAX = 500
# A partnership norm: at most weekly; dormant after 1 to 50 quiet years.
NORM_MAX = 52
DORMANT_YEARS_MAX = 50


@dataclass
class _Problems:
    found: list[FieldProblem] = field(default_factory=list)

    def add(self, field_name: str, message: Message) -> None:
        self.found.append(FieldProblem(field_name, message))

    def text(
        self, field_name: str, value: str, *, required: bool = False, limit: int = NAME_MAX
    ) -> None:
        if required and not value.strip():
            self.add(field_name, _("This field is required."))
            return
        if len(value) > limit:
            self.add(
                field_name,
                _("Too long: {length} characters, at most {limit} are allowed.").format(
                    length=len(value), limit=limit
                ),
            )
            return
        if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in value):
            self.add(field_name, _("Contains control characters that cannot be printed."))

    def count(self, field_name: str, value: int | None, *, minimum: int = 0) -> None:
        if value is not None and value < minimum:
            self.add(
                field_name,
                _("Must be {minimum} or more.").format(minimum=minimum),
            )

    def period(
        self, start_field: str, start: PartialDate | None, end_field: str, end: PartialDate | None
    ) -> None:
        if start is not None and end is not None and end.certainly_before(start):
            self.add(
                end_field,
                _("The end ({end}) is before the start ({start}).").format(end=end, start=start),
            )

    def raise_if_any(self) -> None:
        if self.found:
            raise InvalidInput(self.found)


def _names(p: _Problems, record: Any, prefix: str, *, required_en: bool = True) -> None:
    p.text(f"{prefix}_en", getattr(record, f"{prefix}_en"), required=required_en)
    p.text(f"{prefix}_zh", getattr(record, f"{prefix}_zh"))
    p.text(f"{prefix}_he", getattr(record, f"{prefix}_he"))


def _city(record: City, p: _Problems) -> None:
    _names(p, record, "name")
    p.text("name_local", record.name_local)
    p.text("region", record.region)
    if not is_country_code(record.country):
        p.add(
            "country",
            _(
                "Unknown country code {code!r}: use the two letters of ISO 3166 (e.g. IL, CN)."
            ).format(code=record.country[:20]),
        )
    if record.latitude is not None and not -90.0 <= record.latitude <= 90.0:
        p.add("latitude", _("Latitude must lie between -90 and 90."))
    if record.longitude is not None and not -180.0 <= record.longitude <= 180.0:
        p.add("longitude", _("Longitude must lie between -180 and 180."))
    p.count("population", record.population)


def _partnership(record: Partnership, p: _Problems) -> None:
    p.text("signed_at", record.signed_at)
    p.text("notes", record.notes, limit=TEXT_MAX)
    p.period("established", record.established, "ended", record.ended)
    if len(set(record.areas)) != len(record.areas):
        p.add("areas", _("An area of cooperation is listed twice."))


def _organization(record: Organization, p: _Problems) -> None:
    _names(p, record, "name")
    p.text("notes", record.notes, limit=TEXT_MAX)


def _person(record: Person, p: _Problems) -> None:
    p.text("name", record.name, required=True)
    p.text("name_zh", record.name_zh)
    p.text("name_he", record.name_he)
    p.text("title", record.title)
    p.text("phone", record.phone)
    p.text("email", record.email)
    if record.email and not _EMAIL.match(record.email):
        p.add("email", _("Not an e-mail address."))
    if record.nationality and not is_country_code(record.nationality):
        p.add(
            "nationality",
            _(
                "Unknown country code {code!r}: use the two letters of ISO 3166 (e.g. IL, CN)."
            ).format(code=record.nationality[:20]),
        )
    if record.date_of_birth is not None and record.date_of_birth > dt.date.today():
        p.add("date_of_birth", _("The date of birth is in the future."))
    for name in ("family_name", "given_name"):
        if not _all_latin(getattr(record, name)):
            p.add(name, _("Write the name as in the passport, in Latin letters."))


def _all_latin(text: str) -> bool:
    """Whether every letter of `text` is a Latin one (É and Ü are; 王 and א are not)."""
    return all(
        unicodedata.category(ch)[0] != "L" or "LATIN" in unicodedata.name(ch, "") for ch in text
    )


def _member(record: DelegationMember, p: _Problems) -> None:
    p.text("notes", record.notes)
    if (
        record.arrival is not None
        and record.departure is not None
        and record.departure < record.arrival
    ):
        p.add(
            "departure",
            _("The departure ({end}) is before the arrival ({start}).").format(
                end=record.departure.isoformat(), start=record.arrival.isoformat()
            ),
        )


def _programme_item(record: ProgrammeItem, p: _Problems) -> None:
    _names(p, record, "activity")
    _names(p, record, "place", required_en=False)
    if record.starts_at and record.ends_at and record.ends_at < record.starts_at:
        p.add(
            "ends_at",
            _("The item ends ({end}) before it starts ({start}).").format(
                end=record.ends_at, start=record.starts_at
            ),
        )


def _guest(record: Guest, p: _Problems) -> None:
    if (record.event_id is None) == (record.programme_item_id is None):
        p.add(
            "event_id" if record.event_id is None else "programme_item_id",
            _("A guest is on the list of one event or one reception."),
        )


def _letter_template(record: LetterTemplate, p: _Problems) -> None:
    p.text("subject", record.subject, limit=400)
    p.text("body", record.body, required=True, limit=TEXT_MAX)
    try:
        from exchange_desk.domain.letters import template_problems
    except ImportError:  # pragma: no cover - the letters module is part of the program
        return
    for problem in template_problems(record):
        p.found.append(problem)


def _delegation(record: Delegation, p: _Problems) -> None:
    p.text("leader", record.leader)
    p.text("leader_title", record.leader_title)
    p.text("purpose", record.purpose, limit=TEXT_MAX)
    p.text("outcome", record.outcome, limit=TEXT_MAX)
    p.count("members", record.members)
    p.period("start_date", record.start_date, "end_date", record.end_date)
    if len(set(record.organization_ids)) != len(record.organization_ids):
        p.add("organization_ids", _("An organization is listed twice."))


def _agreement(record: Agreement, p: _Problems) -> None:
    _names(p, record, "title")
    p.text("notes", record.notes, limit=TEXT_MAX)
    p.period("signed_on", record.signed_on, "expires_on", record.expires_on)
    if len(set(record.party_ids)) != len(record.party_ids):
        p.add("party_ids", _("A party is listed twice."))


def _event(record: CulturalEvent, p: _Problems) -> None:
    _names(p, record, "name")
    p.text("description", record.description, limit=TEXT_MAX)
    p.count("attendance", record.attendance)
    p.period("start_date", record.start_date, "end_date", record.end_date)
    organizations = [participant.organization_id for participant in record.participants]
    if len(set(organizations)) != len(organizations):
        p.add("participants", _("An organization is listed twice."))


def _conference(record: Conference, p: _Problems) -> None:
    _names(p, record, "name")
    p.count("edition", record.edition, minimum=1)
    p.count("attendance", record.attendance)
    p.count("countries", record.countries)
    p.period("start_date", record.start_date, "end_date", record.end_date)
    if len(set(record.organizer_ids)) != len(record.organizer_ids):
        p.add("organizer_ids", _("An organizer is listed twice."))


_RECIPIENT_FIELDS = {
    RecipientKind.CITY: "recipient_city_id",
    RecipientKind.ORGANIZATION: "recipient_organization_id",
    RecipientKind.PERSON: "recipient_person_id",
}


def _award(record: Award, p: _Problems) -> None:
    _names(p, record, "title")
    for suffix in ("en", "zh", "he"):
        p.text(f"citation_{suffix}", getattr(record, f"citation_{suffix}"), limit=TEXT_MAX)
    wanted = _RECIPIENT_FIELDS[record.recipient_kind]
    if getattr(record, wanted) is None:
        p.add(wanted, _("Choose who receives the award."))
    for other in _RECIPIENT_FIELDS.values():
        if other != wanted and getattr(record, other) is not None:
            p.add(other, _("An award has one recipient; clear this field."))


def _certificate(record: Certificate, p: _Problems) -> None:
    p.text("number", record.number, required=True, limit=CERTIFICATE_NUMBER_MAX)
    if record.number.strip() and not _CERTIFICATE_NUMBER.match(record.number):
        p.add("number", _("Use letters, digits, '-', '/' and '.' only."))
    p.text("design", record.design, required=True, limit=40)
    p.text("issued_by", record.issued_by)
    p.count("reprints", record.reprints)


def _currency(p: _Problems, field_name: str, value: str) -> None:
    # A longer code is refused as too long by its field's limit: one message is enough.
    if value and len(value) <= 3 and not _CURRENCY.match(value):
        p.add(
            field_name, _("Use the three capital letters of the currency's code (CNY, ILS, EUR).")
        )


def _gift(record: Gift, p: _Problems) -> None:
    _names(p, record, "description")
    _currency(p, "currency", record.currency)
    # Only what our officials received is declared and handed over.
    if record.direction is GiftDirection.GIVEN and record.disposition is not None:
        p.add("disposition", _("Only a gift received is kept, archived or handed over."))
    if (
        record.direction is GiftDirection.GIVEN
        and record.declaration_status is not DeclarationStatus.NOT_REQUIRED
    ):
        p.add("declaration_status", _("Only a gift received is declared."))
    if (
        record.partner_person_id is not None
        and record.partner_person_id == record.official_person_id
    ):
        p.add("official_person_id", _("Our official and the partner person are the same person."))
    p.text("declaration_reference", record.declaration_reference, limit=80)
    p.text("notes", record.notes, limit=TEXT_MAX)


def _office(record: OfficeProfile, p: _Problems) -> None:
    for name in ("office_name", "signatory", "signatory_title"):
        _names(p, record, name, required_en=False)
    for message in pattern_messages(record.certificate_number_pattern):
        p.add("certificate_number_pattern", message)
    for message in pattern_messages(record.letter_number_pattern):
        p.add("letter_number_pattern", message)
    if record.email and not _EMAIL.match(record.email):
        p.add("email", _("Not an e-mail address."))
    _currency(p, "gift_currency", record.gift_currency)
    if record.gift_threshold is not None and record.gift_threshold < 0:
        p.add("gift_threshold", _("Must be 0 or more."))
    if record.gift_threshold is not None and not record.gift_currency:
        p.add("gift_currency", _("Say in which currency the threshold is."))
    if not 1 <= record.attachment_limit_mb <= ATTACHMENT_LIMIT_MAX:
        p.add(
            "attachment_limit_mb",
            _("Between 1 and {limit} MB.").format(limit=ATTACHMENT_LIMIT_MAX),
        )
    for name in ("sister_city_norm", "friendly_city_norm"):
        value = getattr(record, name)
        if not 0 <= value <= NORM_MAX:
            p.add(name, _("Between 0 and {most} exchanges a year.").format(most=NORM_MAX))
    if not 1 <= record.dormant_after_years <= DORMANT_YEARS_MAX:
        p.add(
            "dormant_after_years",
            _("Between 1 and {most} years.").format(most=DORMANT_YEARS_MAX),
        )


_RULES: dict[type[Any], Callable[[Any, _Problems], None]] = {
    City: _city,
    Partnership: _partnership,
    Organization: _organization,
    Person: _person,
    Delegation: _delegation,
    Agreement: _agreement,
    CulturalEvent: _event,
    Conference: _conference,
    Award: _award,
    Certificate: _certificate,
    OfficeProfile: _office,
    DelegationMember: _member,
    ProgrammeItem: _programme_item,
    Guest: _guest,
    LetterTemplate: _letter_template,
    Gift: _gift,
}


def problems(record: Record | OfficeProfile) -> list[FieldProblem]:
    """Every rule `record` breaks, as field-level problems (empty when it is valid)."""
    found = _Problems()
    _RULES[type(record)](record, found)
    return found.found


def require_valid(record: Record | OfficeProfile) -> None:
    """Raise `InvalidInput` with every problem of `record`, or return if it is valid."""
    found = _Problems(problems(record))
    found.raise_if_any()


def has_rules(record: object) -> bool:
    """Whether the record's kind has rules of its own here (a newly declared kind may have
    only the rules of its fields' types, `domain.field_rules`)."""
    return type(record) in _RULES
