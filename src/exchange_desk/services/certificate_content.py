"""Certificates of honor: what each one says, its PDF, batches, and the register entry.

The wording printed on a certificate is the certificate's language, not the window's: a
Hebrew-speaking clerk prints a Chinese certificate. So the fixed phrases below are kept per
language here (reviewed wording, not interface text), and dates are formatted in each
language's own long form.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, select, type_coerce

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
from exchange_desk.domain.enums import Design, LanguageMode, Orientation
from exchange_desk.domain.errors import NotFound
from exchange_desk.domain.records import Certificate, OfficeProfile
from exchange_desk.i18n.catalog import N_, _
from exchange_desk.i18n.formatting import format_long_date
from exchange_desk.services.attachments import read_attachment
from exchange_desk.services.certificate_register import (
    certificate_for_award,
    issue_or_reprint,
    next_certificate_number,
)
from exchange_desk.services.names import Names
from exchange_desk.services.office import office_profile
from exchange_desk.services.output import DocumentProblem, checked_target, write_whole
from exchange_desk.services.records import Listed, get_listed, get_record, names_of
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
# Used when the award has no citation in a language: the honor and where it was given.
_AWARDED_AT = {
    "zh": "在{conference}上荣获“{award}”。",
    "en": "{award}, conferred at the {conference}.",
    "he": "{award}, שהוענק ב{conference}.",
}
_AWARDED = {"zh": "荣获“{award}”。", "en": "{award}.", "he": "{award}."}
_BABEL = {"zh": "zh_CN", "en": "en", "he": "he"}


# Certificates' problems are the documents' problems: one kind of error for the callers.
CertificateProblem = DocumentProblem


@dataclass(frozen=True, slots=True)
class CertificatePdf:
    """A finished PDF and the register numbers in it."""

    data: bytes
    numbers: tuple[str, ...]
    reprints: int = 0


def _name(names: Names, language: str) -> str:
    return names.best(_BABEL[language])


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


def certificate_content(
    database: Database,
    award_id: int,
    mode: LanguageMode,
    *,
    number: str | None = None,
    on: dt.date | None = None,
) -> CertificateContent:
    """What the award's certificate says in the mode's languages.

    `number` defaults to the registered one, or the one issuing would assign now.
    """
    listed = get_listed(database, "awards", award_id)
    existing = certificate_for_award(database, award_id)
    if number is None:
        number = existing.number if existing else next_certificate_number(database, award_id, on)
    # The certificate is dated when the honor was given, as precisely as that is known;
    # only an award without a date is dated the day it is printed.
    day = existing.issued_on if existing is not None else on or dt.date.today()
    return _content(listed, mode, _office_parts(database), number, day)


def _issued_content(
    database: Database,
    certificate: Certificate,
    mode: LanguageMode,
    office: _OfficeParts,
) -> CertificateContent:
    """The content of a certificate just issued or reprinted: its own number and day."""
    listed = get_listed(database, "awards", certificate.award_id)
    return _content(listed, mode, office, certificate.number, certificate.issued_on)


def _content(
    listed: Listed[Any], mode: LanguageMode, office: _OfficeParts, number: str, day: dt.date
) -> CertificateContent:
    award, labels = listed.record, listed.labels
    profile = office.profile
    # The award's listing carries the names of the records it refers to.
    recipient = labels[f"recipient_{award.recipient_kind.value}_id"]
    titles = Names(award.title_en, award.title_zh, award.title_he)
    conference = labels["conference_id"] if award.conference_id is not None else None
    dated = award.awarded_on if award.awarded_on is not None else day
    citations = {"en": award.citation_en, "zh": award.citation_zh, "he": award.citation_he}
    sides = []
    for language in mode_languages(mode):
        citation = citations[language].strip()
        if not citation:
            template = _AWARDED_AT[language] if conference else _AWARDED[language]
            citation = template.format(
                award=_name(titles, language),
                conference=_name(conference, language) if conference else "",
            )
        place = _name(office.home, language)
        date_text = format_long_date(dated, _BABEL[language])
        sides.append(
            CertificateSide(
                language=language,
                title=TITLE[language],
                presented_to=PRESENTED_TO[language],
                recipient=_name(recipient, language),
                citation=citation,
                issuer=_office(profile, "office_name", language),
                place_and_date=PLACE_DATE_SEPARATOR[language].join(
                    t for t in (place, date_text) if t
                ),
                signatory=_office(profile, "signatory", language),
                signatory_title=_office(profile, "signatory_title", language),
            )
        )
    first = mode_languages(mode)[0]
    return CertificateContent(
        award_id=award.id,
        number=number,
        sides=tuple(sides),
        issued_on=day,
        seal_image=office.seal,
        number_label=NUMBER_LABEL[first],
        record_label=_("award {id}: {title}").format(id=award.id, title=titles.best()),
        sample=award.is_sample,
    )


def _office(profile: object, field: str, language: str) -> str:
    value = str(getattr(profile, f"{field}_{language}") or "")
    return value or str(getattr(profile, f"{field}_en") or "")


_PLACES = {
    "title": N_("title"),
    "presented_to": N_("presentation line"),
    "recipient": N_("recipient's name"),
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
    return _(
        "{record}: no font on this computer has the characters {characters} (in: {where}). "
        "Nothing was printed. Install a font that has them (on Windows, SimSun-ExtB has most "
        "rare Chinese characters) or change the text."
    ).format(record=error.record or _("certificate"), characters=characters, where=where)


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
    """The certificate as it would print now, without touching the register."""
    content = certificate_content(database, award_id, mode)
    renderer = renderer or CertificateRenderer(text_only=text_only)
    return render_contents([content], design, orientation, renderer=renderer)


def issue_certificate_pdf(
    database: Database,
    award_id: int,
    mode: LanguageMode,
    design: Design,
    orientation: Orientation,
    issued_by: str,
    renderer: CertificateRenderer | None = None,
    *,
    text_only: bool = False,
) -> CertificatePdf:
    """Register and render in one transaction: a first print takes the next number, a
    reprint reuses it. If the certificate cannot be drawn (characters no font has), the
    transaction is rolled back and the register is untouched.
    """
    renderer = renderer or CertificateRenderer(text_only=text_only)
    with database.unit_of_work():
        certificate, reprint = issue_or_reprint(database, award_id, mode, design.value, issued_by)
        content = _issued_content(database, certificate, mode, _office_parts(database))
        data = render_contents([content], design, orientation, renderer=renderer)
    return CertificatePdf(data, (certificate.number,), int(reprint))


def awards_for_batch(
    database: Database, *, year: int | None = None, conference_id: int | None = None
) -> list[int]:
    """The awards of a year and/or a conference, in date order."""
    if year is None and conference_id is None:
        raise CertificateProblem(_("Choose a year or a conference."))
    if conference_id is not None:
        get_record(database, "conferences", conference_id)  # NotFound if unknown
    award = m.AwardRow
    query = select(award.id).order_by(award.awarded_on, award.id)
    if conference_id is not None:
        query = query.where(award.conference_id == conference_id)
    if year is not None:
        # Partial dates are stored as ISO prefixes: "2018", "2018-11" or "2018-11-16".
        query = query.where(type_coerce(award.awarded_on, String).like(f"{year:04d}%"))
    with database.reading() as session:
        return list(session.scalars(query))


@dataclass(frozen=True, slots=True)
class BatchResult:
    files: tuple[Path, ...]
    numbers: tuple[str, ...]
    reprints: int


def print_batch(
    database: Database,
    award_ids: Sequence[int],
    mode: LanguageMode,
    design: Design,
    orientation: Orientation,
    issued_by: str,
    target: Path,
    *,
    one_file_each: bool = False,
    progress: Callable[[int, int], bool] | None = None,
    text_only: bool = False,
) -> BatchResult:
    """Certificates for many awards: one combined PDF at `target`, or one file per
    recipient in the folder `target`. `progress(done, total)` returning False cancels.

    The batch is one transaction: if a certificate cannot be drawn or the person cancels,
    no number is registered and no file is written. Files are written only at the end, each
    under a temporary name first, so nothing half-written is ever left behind.
    """
    if not award_ids:
        raise CertificateProblem(_("There are no awards to print."))
    # The path written is the one checked: "all" becomes "all.pdf", as for a single one.
    target = checked_target(target, folder=one_file_each)
    renderer = CertificateRenderer(text_only=text_only)
    total = len(award_ids)

    def step(done: int) -> None:
        if progress is not None and not progress(done, total):
            raise CancelledError

    outputs: list[tuple[Path, bytes]] = []
    numbers: list[str] = []
    reprints = 0
    with database.unit_of_work():
        contents = []
        office = None
        for award_id in award_ids:
            certificate, reprint = issue_or_reprint(
                database, award_id, mode, design.value, issued_by
            )
            reprints += int(reprint)
            numbers.append(certificate.number)
            # The office's profile, home city and seal are the same on every page.
            office = office or _office_parts(database)
            contents.append(_issued_content(database, certificate, mode, office))
        with _drawing_problems():
            for content in contents:
                renderer.check(content, design)
        if one_file_each:
            for done, content in enumerate(contents, start=1):
                data = render_contents([content], design, orientation, renderer=renderer)
                name = f"{_safe(content.number)} {_safe(content.sides[0].recipient)}.pdf"
                outputs.append((target / name, data))
                step(done)
        else:
            data = render_contents(
                contents,
                design,
                orientation,
                renderer=renderer,
                progress=lambda done: progress is None or progress(done, total),
            )
            outputs.append((target, data))
        if one_file_each:
            target.mkdir(parents=True, exist_ok=True)
        for path, data in outputs:
            write_whole(path, data)
    return BatchResult(tuple(path for path, _data in outputs), tuple(numbers), reprints)


def _safe(text: str) -> str:
    """A file-name-safe piece of text (Windows forbids <>:"/\\|?* and trailing dots)."""
    cleaned = re.sub(r'[<>:"/\\|?*\x00-\x1f]+', "_", text).strip(" .")
    return cleaned[:60] or "certificate"


__all__ = [
    "BatchChoices",
    "BatchResult",
    "CancelledError",
    "CertificatePdf",
    "CertificateProblem",
    "NotFound",
    "awards_for_batch",
    "batch_choices",
    "certificate_content",
    "issue_certificate_pdf",
    "preview_pdf",
    "print_batch",
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
