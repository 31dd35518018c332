"""Certificates of honor: what each one says, its PDF, batches, and the register entry.

The wording printed on a certificate is the certificate's language, not the window's: a
Hebrew-speaking clerk prints a Chinese certificate. So the fixed phrases below are kept per
language here (reviewed wording, not interface text), and dates are formatted in each
language's own long form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from exchange_desk.documents.certificates import (
    CancelledError,
    CertificateRenderer,
    UnreadableImage,
)
from exchange_desk.documents.fonts import MissingGlyphs
from exchange_desk.domain.certificates import (
    CertificateContent,
    CertificateSide,
    mode_languages,
)
from exchange_desk.domain.enums import AwardRole, Design, LanguageMode, Orientation
from exchange_desk.domain.errors import NotFound
from exchange_desk.domain.records import Award, Certificate, OfficeProfile
from exchange_desk.i18n.catalog import N_, _
from exchange_desk.i18n.formatting import chinese_numeral_date, format_long_date
from exchange_desk.services.attachments import read_attachment
from exchange_desk.services.certificate_register import (
    certificate_for_award,
    next_certificate_number,
)
from exchange_desk.services.names import Names
from exchange_desk.services.office import office_profile
from exchange_desk.services.output import DocumentProblem
from exchange_desk.services.records import Listed, get_listed, names_of
from exchange_desk.storage import models as m

if TYPE_CHECKING:
    from exchange_desk.storage.database import Database

# The certificate's own words, per language.
TITLE = {"zh": "荣誉证书", "en": "Certificate of Honor", "he": "תעודת הוקרה"}
PRESENTED_TO = {
    "zh": "兹授予",
    "en": "This certificate is presented to",
    "he": "תעודה זו מוענקת ל־",
}
NUMBER_LABEL = {"zh": "证书编号", "en": "No.", "he": "מס׳"}
PLACE_DATE_SEPARATOR = {"zh": "，", "en": ", ", "he": ", "}
# The honour by name, and the conference where it was conferred (left out where the award's
# title already names it): 兹授予 X 2018中国国际友好城市大会“…奖” / X is awarded the … Award
# at the … Conference / X זוכה ב… ב….
_HONOUR = {"zh": "“{award}”", "en": "is awarded the {award}", "he": "זוכה {award}"}
_HONOUR_AT = {
    "zh": "{conference}“{award}”",
    "en": "is awarded the {award} at the {conference}",
    "he": "זוכה {award} {conference}",
}
# Printed small in the signing block when the office prints for the body that confers.
_ON_BEHALF = {
    "zh": "{office}代{body}印制",
    "en": "Printed by the {office} on behalf of the {body}",
    "he": "הודפס בידי {office} בשם {body}",
}
# A preview has no number yet.
_NUMBER_NOTE = {
    "zh": "编号于打印时给出",
    "en": "number given when printed",
    "he": "המספר יינתן בהדפסה",
}


# Certificates' problems are the documents' problems: one kind of error for the callers.
CertificateProblem = DocumentProblem


class AwardReceived(DocumentProblem):
    """The home city received this award: the giver certified it, not the office."""


@dataclass(frozen=True, slots=True)
class _OfficeParts:
    """What every certificate of the office shares: read once for a whole batch."""

    profile: OfficeProfile
    home: Names
    seal: bytes | None


def _office_parts(database: Database) -> _OfficeParts:
    profile = office_profile(database)
    home = (
        names_of(database, "cities", profile.home_city_id)
        if profile.home_city_id is not None
        else Names()
    )
    seal = None
    if profile.seal_attachment_id is not None:
        seal = read_attachment(database, profile.seal_attachment_id)
    return _OfficeParts(profile, home, seal)


@dataclass(frozen=True, slots=True)
class Bodies:
    """The formal names and seals of the bodies that awards name, and where their
    conferences were held: read in a few queries for a whole batch."""

    formal: dict[tuple[str, int], Names] = field(default_factory=dict)  # (kind, id) → names
    seals: dict[int, bytes] = field(default_factory=dict)  # organization id → its seal
    venues: dict[int, Names] = field(default_factory=dict)  # conference id → host city


def bodies_of(database: Database, awards: Sequence[Award]) -> Bodies:
    """Formal names of the awards' recipients and givers, the givers' seals and the host
    cities of their conferences, in one query per table."""
    city_ids = {a.recipient_city_id for a in awards if a.recipient_city_id is not None}
    organization_ids = {
        i for a in awards for i in (a.recipient_organization_id, a.giver_organization_id) if i
    }
    conference_ids = {a.conference_id for a in awards if a.conference_id is not None}
    formal: dict[tuple[str, int], Names] = {}
    seals: dict[int, bytes] = {}
    venues: dict[int, Names] = {}
    seal_ids: dict[int, int] = {}
    city, organization, conference = m.CityRow, m.OrganizationRow, m.ConferenceRow
    with database.reading() as session:
        for kind, row_class, ids in (
            ("cities", city, city_ids),
            ("organizations", organization, organization_ids),
        ):
            if not ids:
                continue
            rows = session.execute(
                select(
                    row_class.id,
                    row_class.formal_name_en,
                    row_class.formal_name_zh,
                    row_class.formal_name_he,
                    row_class.name_en,
                    row_class.name_zh,
                    row_class.name_he,
                ).where(row_class.id.in_(ids))
            )
            for row in rows:
                formal[(kind, row[0])] = _formal_or_short(row[1:4], row[4:7])
        if organization_ids:
            for org_id, seal_id in session.execute(
                select(organization.id, organization.seal_attachment_id).where(
                    organization.id.in_(organization_ids),
                    organization.seal_attachment_id.is_not(None),
                )
            ):
                if seal_id is not None:
                    seal_ids[org_id] = seal_id
        if conference_ids:
            for conference_id, *names in session.execute(
                select(conference.id, city.name_en, city.name_zh, city.name_he)
                .join(city, city.id == conference.host_city_id)
                .where(conference.id.in_(conference_ids))
            ):
                venues[conference_id] = Names.of(names)
    for org_id, seal_id in seal_ids.items():
        seals[org_id] = read_attachment(database, seal_id)
    return Bodies(formal, seals, venues)


def _formal_or_short(formal: Sequence[str], short: Sequence[str]) -> Names:
    """The formal name in each language, the short one where no formal one is recorded
    (a formal English name with a short Chinese one would mix registers otherwise only
    where the office left it so)."""
    return Names(*(f or s or "" for f, s in zip(formal, short, strict=True)))


def award_titles(award: Award) -> Names:
    """The award's title in each language."""
    return Names(award.title_en, award.title_zh, award.title_he)


def award_role(award: Award, home_city_id: int | None) -> AwardRole:
    """Given by us, received by us, or given by another body."""
    return AwardRole.of(
        giver_organization_id=award.giver_organization_id,
        recipient_kind=award.recipient_kind,
        recipient_city_id=award.recipient_city_id,
        home_city_id=home_city_id,
    )


def received_message(label: str) -> str:
    """Why an award the home city received gets no certificate from the office."""
    return _(
        "{award} was received by our city: the body that gave it issued its certificate. "
        "Nothing was printed and no number was taken. Keep the scan of the certificate you "
        "received with the award instead (Edit award > Scan of the certificate received)."
    ).format(award=label)


def certificate_content(
    database: Database,
    award_id: int,
    mode: LanguageMode,
    *,
    number: str | None = None,
    on: dt.date | None = None,
    preview: bool = False,
) -> CertificateContent:
    """What the award's certificate says in the mode's languages.

    `number` defaults to the registered one, or the one issuing would assign now; a
    `preview` carries no number unless the certificate was issued already. Raises
    AwardReceived for an award the home city received.
    """
    listed = get_listed(database, "awards", award_id)
    office = _office_parts(database)
    _refuse_received(listed.record, office)
    existing = certificate_for_award(database, award_id)
    if existing is not None:
        number = existing.number
    elif preview:
        number = ""
    elif number is None:
        number = next_certificate_number(database, award_id, on)
    # The certificate is dated when the honor was given, as precisely as that is known;
    # only an award without a date is dated the day it is printed.
    day = existing.issued_on if existing is not None else on or dt.date.today()
    bodies = bodies_of(database, [listed.record])
    return _content(listed, mode, office, number, day, bodies, preview=preview)


def _refuse_received(award: Award, office: _OfficeParts) -> None:
    if award_role(award, office.profile.home_city_id) is AwardRole.RECEIVED:
        raise AwardReceived(received_message(award_titles(award).best()))


def _issued_content(
    database: Database,
    certificate: Certificate,
    mode: LanguageMode,
    office: _OfficeParts,
) -> CertificateContent:
    """The content of a certificate just issued or reprinted: its own number and day."""
    listed = get_listed(database, "awards", certificate.award_id)
    bodies = bodies_of(database, [listed.record])
    return _content(listed, mode, office, certificate.number, certificate.issued_on, bodies)


def _content(
    listed: Listed[Any],
    mode: LanguageMode,
    office: _OfficeParts,
    number: str,
    day: dt.date,
    bodies: Bodies | None = None,
    *,
    preview: bool = False,
) -> CertificateContent:
    award, labels = listed.record, listed.labels
    bodies = bodies or Bodies()
    profile = office.profile
    _refuse_received(award, office)
    kind = award.recipient_kind.value
    recipient_id = getattr(award, f"recipient_{kind}_id")
    # Certificates name the recipient formally: 以色列克法尔萨巴市, the City of Kfar Saba.
    recipient = bodies.formal.get(
        ({"city": "cities", "organization": "organizations"}.get(kind, ""), recipient_id),
        labels[f"recipient_{kind}_id"],
    )
    titles = award_titles(award)
    conference = labels["conference_id"] if award.conference_id is not None else None
    dated = award.awarded_on if award.awarded_on is not None else day
    citations = {"en": award.citation_en, "zh": award.citation_zh, "he": award.citation_he}
    by_others = award_role(award, profile.home_city_id) is AwardRole.CONFERRED_BY_OTHERS
    giver = (
        bodies.formal.get(
            ("organizations", award.giver_organization_id), labels["giver_organization_id"]
        )
        if by_others
        else None
    )
    # Where the honour was conferred: the conference's city, else the office's own.
    place_names = (
        bodies.venues.get(award.conference_id, office.home)
        if award.conference_id is not None
        else office.home
    )
    sides = []
    for language in mode_languages(mode):
        office_name = _office(profile, "office_name", language)
        body = giver.best(language) if giver is not None else office_name
        date_text = (
            chinese_numeral_date(dated)
            if language == "zh" and profile.chinese_numeral_dates
            else format_long_date(dated, language)
        )
        place = place_names.best(language)
        sides.append(
            CertificateSide(
                language=language,
                title=TITLE[language],
                presented_to=PRESENTED_TO[language],
                recipient=recipient.best(language),
                honour=_honour(language, titles.best(language), conference),
                citation=citations[language].strip(),
                issuer=body,
                place_and_date=PLACE_DATE_SEPARATOR[language].join(
                    t for t in (place, date_text) if t
                ),
                # The office's signatory signs only what the office confers.
                signatory="" if by_others else _office(profile, "signatory", language),
                signatory_title="" if by_others else _office(profile, "signatory_title", language),
                on_behalf=_ON_BEHALF[language].format(office=office_name, body=body)
                if by_others and office_name
                else "",
            )
        )
    first = mode_languages(mode)[0]
    seal = office.seal
    if by_others:
        # Another body's honour carries that body's seal, never the office's own.
        seal = bodies.seals.get(award.giver_organization_id or 0)
    return CertificateContent(
        award_id=award.id,
        number=number,
        sides=tuple(sides),
        issued_on=day,
        seal_image=seal,
        number_label=NUMBER_LABEL[first],
        # Messages name the award by its title, never by its number ("award 3").
        record_label=_("award “{title}”").format(title=titles.best()),
        sample=award.is_sample,
        preview=preview,
        number_note=_NUMBER_NOTE[first] if preview and not number else "",
    )


def _honour(language: str, award: str, conference: Names | None) -> str:
    """The line naming the honour, and the conference unless the title names it."""
    held_at = conference.best(language) if conference is not None else ""
    if held_at and held_at in award:
        held_at = ""
    if language == "en" and award[:4].lower() == "the ":
        award = award[4:]
    if language == "he":
        # The preposition joins a Hebrew word directly and a foreign one with a maqaf.
        award = _hebrew_prefixed("ב", award)
        held_at = _hebrew_prefixed("ב", held_at) if held_at else ""
    template = _HONOUR_AT[language] if held_at else _HONOUR[language]
    return template.format(award=award, conference=held_at)


def _hebrew_prefixed(prefix: str, word: str) -> str:
    first = word[:1]
    return prefix + word if "\u05d0" <= first <= "\u05ea" else f"{prefix}־{word}"


def certificate_warnings(database: Database, award_id: int, mode: LanguageMode) -> list[str]:
    """What the person should know before printing, in the user's language: a signatory
    without a name, a recipient without a name in one of the certificate's languages."""
    content = certificate_content(database, award_id, mode, preview=True)
    warnings = []
    for side in content.sides:
        language = LanguageMode(side.language).label
        if side.signatory_title and not side.signatory:
            warnings.append(
                _(
                    "The signatory's name in {language} is missing: the certificate would "
                    "show the title with no name. Fill it in under File > Office profile."
                ).format(language=language)
            )
        if not side.issuer:
            warnings.append(
                _(
                    "The issuing office's name in {language} is missing. Fill it in under "
                    "File > Office profile."
                ).format(language=language)
            )
    return warnings


def _office(profile: object, field: str, language: str) -> str:
    value = str(getattr(profile, f"{field}_{language}") or "")
    return value or str(getattr(profile, f"{field}_en") or "")


_PLACES = {
    "title": N_("title"),
    "presented_to": N_("presentation line"),
    "recipient": N_("recipient's name"),
    "honour": N_("honour"),
    "on_behalf": N_("printed on behalf of"),
    "citation": N_("citation"),
    "issuer": N_("office name"),
    "place_and_date": N_("place and date"),
    "signatory": N_("signatory"),
    "signatory_title": N_("signatory's title"),
    "number": N_("certificate number"),
    "number_label": N_("certificate number"),
}


def _place(place: str) -> str:
    """ "zh:citation" → "citation (Chinese)", in the user's language."""
    language, _sep, field = place.rpartition(":")
    label = _(_PLACES.get(field, field))
    if not language:
        return label
    return _("{field} ({language})").format(field=label, language=LanguageMode(language).label)


def _missing_message(error: MissingGlyphs) -> str:
    characters = error.listing()
    where = ", ".join(dict.fromkeys(_place(p) for p in error.places))
    if _all_emoji(error):
        return _(
            "{record}: emoji cannot be printed on a certificate ({characters}, in: {where}). "
            "Nothing was printed. Remove them from the text."
        ).format(record=error.record or _("certificate"), characters=characters, where=where)
    return _(
        "{record}: no font on this computer has the characters {characters} (in: {where}). "
        "Nothing was printed. Install a font that has them or change the text."
    ).format(record=error.record or _("certificate"), characters=characters, where=where)


def _all_emoji(error: MissingGlyphs) -> bool:
    """Whether every character no font has is an emoji (no font of ours could help)."""
    return bool(error.characters) and set(error.characters) == error.emoji


def render_contents(
    contents: Sequence[CertificateContent],
    design: Design,
    orientation: Orientation,
    *,
    renderer: CertificateRenderer | None = None,
    progress: Callable[[int], bool] | None = None,
) -> bytes:
    """The PDF of these certificates; CertificateProblem names missing characters."""
    renderer = renderer or CertificateRenderer()
    with _drawing_problems():
        return renderer.render(contents, design, orientation, progress=progress)


@contextmanager
def _drawing_problems() -> Iterator[None]:
    """What stops a certificate from being drawn, as a CertificateProblem for the user."""
    try:
        yield
    except MissingGlyphs as error:
        raise CertificateProblem(_missing_message(error)) from None
    except UnreadableImage:
        raise CertificateProblem(
            _(
                "The office's seal image cannot be read. Choose it again in File > Office "
                "profile, or remove it there to print without a seal."
            )
        ) from None


def preview_pdf(
    database: Database,
    award_id: int,
    mode: LanguageMode,
    design: Design,
    orientation: Orientation,
    renderer: CertificateRenderer | None = None,
    *,
    text_only: bool = False,
) -> bytes:
    """The certificate as it would print now, without touching the register: marked as a
    preview, with no number unless it was issued before."""
    content = certificate_content(database, award_id, mode, preview=True)
    renderer = renderer or CertificateRenderer(text_only=text_only)
    return render_contents([content], design, orientation, renderer=renderer)


__all__ = [
    "BatchChoices",
    "CancelledError",
    "CertificateProblem",
    "NotFound",
    "batch_choices",
    "certificate_content",
    "preview_pdf",
    "printer_test_page",
    "render_contents",
]


def printer_test_page(lines: Sequence[str]) -> bytes:
    """The printer-offset test page, with explanations in the user's language."""
    from exchange_desk.documents.test_page import render_test_page

    return render_test_page(lines)


@dataclass(frozen=True, slots=True)
class BatchChoices:
    """What a batch can be chosen by: the years that have awards, and the conferences."""

    years: tuple[int, ...]
    conferences: tuple[tuple[int, Names], ...]


def batch_choices(database: Database) -> BatchChoices:
    award, conference = m.AwardRow, m.ConferenceRow
    with database.reading() as session:
        dates = session.scalars(select(award.awarded_on).where(award.awarded_on.is_not(None)))
        years = sorted({d.year for d in dates if d is not None}, reverse=True)
        rows = session.execute(
            select(conference.id, conference.name_en, conference.name_zh, conference.name_he)
            .where(select(award.id).where(award.conference_id == conference.id).exists())
            .order_by(conference.start_date.desc(), conference.id)
        ).all()
    return BatchChoices(tuple(years), tuple((row[0], Names.of(row[1:])) for row in rows))
