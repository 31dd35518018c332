"""The anniversary kit: for a partnership's coming round anniversary, the letter of
congratulation, the certificate of friendship and the partner city's dossier, made in one
action and written to a folder, ready to review.

Nothing in the kit is final. The letter is a draft without a reference number (the numbered
one is made from the congratulation dialog once the wording is approved); the certificate is
a preview without a number (it is issued from the award). What the kit does store is the
award the certificate is of: the home city's honour for the partner city on the
anniversary, made once and found again by later kits for the same city and year.

All or nothing. The award is found or created, the certificate and the dossier are drawn
and every file is written under a temporary name in one transaction; only once it has
committed are the files renamed into place. So a document that cannot be drawn (a character
no font has) or written (a full disk) leaves neither an award nor a file behind, and the
award is never visible to another desk while its documents may still fail. Drawing inside
the transaction holds the database's write lock for the time of a certificate and a
dossier (well under a second on the demo); that is the price of not having to take back a
committed award. Only a rename that fails after the commit does: then the files already
renamed are removed and an award this call created is deleted again through the services.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from exchange_desk.domain import records as r
from exchange_desk.domain.anniversaries import (
    ROUND_YEARS,
    anniversary_date,
    is_round,
    next_round,
)
from exchange_desk.domain.certificates import parse_language_mode
from exchange_desk.domain.enums import Design, LanguageMode, LetterKind, Orientation, RecipientKind
from exchange_desk.domain.errors import ExchangeDeskError, FieldProblem, InvalidInput
from exchange_desk.domain.letters import ordinal
from exchange_desk.i18n.catalog import N_, _, active_language, translator
from exchange_desk.i18n.document_language import document_language
from exchange_desk.i18n.languages import find_language
from exchange_desk.services import editing, letters, records
from exchange_desk.services.attachments import safe_file_name
from exchange_desk.services.badges import city_language
from exchange_desk.services.certificate_content import certificate_warnings, preview_pdf
from exchange_desk.services.changes import Changes
from exchange_desk.services.names import Names
from exchange_desk.services.office import office_profile
from exchange_desk.services.output import (
    DocumentProblem,
    clean_partials,
    discard,
    put_in_place,
    stage,
    writable_problem,
)
from exchange_desk.services.records import ListQuery
from exchange_desk.services.report_output import report_pdf
from exchange_desk.services.reports.dossier import city_dossier

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from exchange_desk.storage.database import Database

__all__ = [
    "CITATION",
    "CITATION_NO_HOME",
    "DESIGN",
    "KIT_LANGUAGES",
    "ORIENTATION",
    "TITLE",
    "AnniversaryKit",
    "default_languages",
    "kit_year",
    "make_anniversary_kit",
]

Progress = Callable[[str], None]  # told what is being done; may raise to cancel

KIT_LANGUAGES = ("zh", "en", "he")
# The office's language when no home city is recorded: the office is a Chinese city's.
OFFICE_LANGUAGE = "zh"
# How the certificate is drawn: the certificate dialog's defaults; the office chooses
# otherwise when it issues the certificate.
DESIGN = Design.FORMAL
ORIENTATION = Orientation.LANDSCAPE
# The key of the PostgreSQL advisory lock under which a kit looks for its award and makes
# it, so that two desks making the same kit at once make one award (SQLite's write lock
# does the same there).
KIT_LOCK = 0x4B4954  # "KIT"

# The award's words, in each language through the catalogs (`translator(code)`), never the
# window's: the certificate prints them. `{ordinal}` is 10th / 第10 / ה-10, `{years}` the
# plain number; a translation uses whichever reads well. The title is the honour's name: a
# certificate says "X is awarded the {title}", 兹授予X“{title}”, X זוכה ב{title}.
TITLE = N_("Friendship Award on the {ordinal} Anniversary of Our Partnership")
CITATION = N_(
    "In celebration of {years} years of friendship between {home} and {partner}, {since}–{year}."
)
# When the office has not recorded its home city.
CITATION_NO_HOME = N_(
    "In celebration of {years} years of friendship with {partner}, {since}–{year}."
)


@dataclass(frozen=True, slots=True)
class AnniversaryKit:
    """What a kit made: the partnership and its partner city's names, the anniversary
    (`years` of friendship, reached in `year`), the folder and the files written there (the
    letter, the certificate, the dossier, in that order), the certificate's award and whether
    this kit created it, what that changed, and what the office should check (in the
    window's language). `step` undoes the award's creation (None when an earlier kit's
    award was used)."""

    partnership_id: int
    city: Names
    years: int
    year: int
    folder: Path
    files: tuple[Path, ...]
    award_id: int
    award_created: bool
    changes: Changes = field(default_factory=Changes)
    warnings: tuple[str, ...] = ()
    step: editing.Step | None = None


# --- which anniversary, which languages ---------------------------------------------------------


def _rounds() -> str:
    return ", ".join(str(years) for years in ROUND_YEARS)


def kit_year(partnership: r.Partnership, city: Names, year: int | None, on: dt.date) -> int:
    """The anniversary's year: `year` if it is a round anniversary of the partnership, else
    (no year) the next one in or after `on`'s year. InvalidInput, in the window's language,
    for a partnership without a date of establishment, a year that is not a round
    anniversary, or no round anniversary ahead."""
    established = partnership.established
    name = city.best()
    if established is None:
        raise InvalidInput(
            [
                FieldProblem(
                    "established",
                    _(
                        "The partnership with {city} has no date of establishment, so its "
                        "anniversaries cannot be counted. Record the date first."
                    ).format(city=name),
                )
            ]
        )
    if year is not None:
        if is_round(year - established.year):
            return year
        ahead = next_round(established, year)
        message = _(
            "{year} is not a round anniversary of the partnership with {city}, established in "
            "{since}: the office marks {rounds} years."
        ).format(year=year, city=name, since=established.year, rounds=_rounds())
        if ahead is not None:
            message += " " + _("The next one is in {year} ({years} years).").format(
                year=ahead[0], years=ahead[1]
            )
        raise InvalidInput([FieldProblem("year", message)])
    ahead = next_round(established, on.year)
    if ahead is None:
        raise InvalidInput(
            [
                FieldProblem(
                    "year",
                    _(
                        "The partnership with {city}, established in {since}, has passed its "
                        "last round anniversary ({years} years, in {year})."
                    ).format(
                        city=name,
                        since=established.year,
                        years=ROUND_YEARS[-1],
                        year=established.year + ROUND_YEARS[-1],
                    ),
                )
            ]
        )
    return ahead[0]


def default_languages(home: r.City | None, partner: r.City) -> tuple[str, ...]:
    """The office's language, then the partner city's (Hebrew in Israel, Chinese in China,
    else English), each once."""
    office = city_language(home) if home is not None else OFFICE_LANGUAGE
    return tuple(dict.fromkeys((office, city_language(partner))))


def _language_codes(languages: Sequence[str] | str) -> tuple[str, ...]:
    """ "zh+he" or ["zh", "he"] as codes, each once, one to three of them."""
    items = languages.split("+") if isinstance(languages, str) else list(languages)
    codes: list[str] = []
    for item in items:
        found = find_language(str(item).strip())
        codes.append(found.short_code if found is not None else "")
    if not codes or "" in codes or len(set(codes)) != len(codes):
        raise InvalidInput(
            [
                FieldProblem(
                    "languages",
                    _("Choose one to three languages, each once: zh, en, he (e.g. zh+en)."),
                )
            ]
        )
    if not set(codes) <= set(KIT_LANGUAGES):
        raise InvalidInput(
            [
                FieldProblem(
                    "languages",
                    _("Choose one of: {allowed}").format(allowed=", ".join(KIT_LANGUAGES)),
                )
            ]
        )
    return tuple(codes)


# --- the award --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Wording:
    """The award's title and citation in each language."""

    title: Names
    citation: Names


def _wording(home: Names | None, partner: Names, since: int, year: int) -> _Wording:
    years = year - since
    titles: dict[str, str] = {}
    citations: dict[str, str] = {}
    for code in KIT_LANGUAGES:
        catalog = translator(code)
        titles[code] = catalog.gettext(TITLE).format(ordinal=ordinal(years, code), years=years)
        values = {
            "years": years,
            "ordinal": ordinal(years, code),
            "partner": partner.best(code),
            "home": home.best(code) if home is not None else "",
            "since": since,
            "year": year,
        }
        pattern = CITATION if home is not None else CITATION_NO_HOME
        citations[code] = catalog.gettext(pattern).format(**values)
    return _Wording(Names(**titles), Names(**citations))


def _lock(session: Session) -> None:
    """One kit at a time looks for its award and makes it (PostgreSQL: an advisory lock to
    the transaction's end; SQLite's transaction holds the write lock already)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(KIT_LOCK)))


def _earlier_award(
    database: Database, city_id: int, year: int, wording: _Wording
) -> r.Award | None:
    """The award an earlier kit made for the partner city's anniversary in `year`: the home
    city's own honour for the city, dated that year, with the kit's title in any language
    (the office may have reworded the others since)."""
    page = records.list_records(
        database,
        "awards",
        ListQuery(filters={"recipient_kind": RecipientKind.CITY.value}, year=year),
    )
    for listed in page.rows:
        award: r.Award = listed.record
        if (
            award.recipient_city_id == city_id
            and award.giver_organization_id is None
            and award.conference_id is None
            and any(
                getattr(award, f"title_{code}") == getattr(wording.title, code)
                for code in KIT_LANGUAGES
            )
        ):
            return award
    return None


def _new_award(partnership: r.Partnership, city_id: int, year: int, wording: _Wording) -> r.Award:
    assert partnership.established is not None
    return r.Award(
        title_en=wording.title.en,
        title_zh=wording.title.zh,
        title_he=wording.title.he,
        awarded_on=anniversary_date(partnership.established, year),
        # No giver: the home city gives it, so the office prints its certificate.
        giver_organization_id=None,
        recipient_kind=RecipientKind.CITY,
        recipient_city_id=city_id,
        citation_en=wording.citation.en,
        citation_zh=wording.citation.zh,
        citation_he=wording.citation.he,
        is_sample=partnership.is_sample,
    )


def _in_script(text: str, code: str) -> bool:
    """Whether `text` is written in the script of `code` (Chinese, Hebrew, else Latin)."""
    if code == "zh":
        return any("\u3400" <= c <= "\u9fff" for c in text)
    if code == "he":
        return any("\u0590" <= c <= "\u05ff" for c in text)
    return True


def _untranslated(award: r.Award, codes: Sequence[str], years: int) -> list[str]:
    """A side of the certificate whose title is the kit's English wording or not in its
    language's script: this version's catalog has no translation of the wording (or the
    award was reworded so), and that side prints English words."""

    def english(code: str) -> bool:
        title = getattr(award, f"title_{code}")
        untranslated = TITLE.format(ordinal=ordinal(years, code), years=years)
        return title == untranslated or not _in_script(title, code)

    return [
        _(
            "The award's title has no {language} wording: the {language} side of the "
            "certificate prints it in English. Edit the award to word it."
        ).format(language=LanguageMode(code).label)
        for code in codes
        if code != "en" and english(code)
    ]


# --- the files ----------------------------------------------------------------------------------


def _names_of_files(city: Names, years: int) -> tuple[str, str, str]:
    """The letter's, the certificate's and the dossier's file names, in the window's
    language: "Kfar Saba 10th anniversary – letter (draft).pdf"."""
    language = find_language(active_language())
    code = language.short_code if language is not None else "en"
    anniversary = _("{city} {ordinal} anniversary").format(
        city=city.best(),
        ordinal=ordinal(years, code if code in KIT_LANGUAGES else "en"),
        years=years,
    )
    names = (
        _("{anniversary} – letter (draft)"),
        _("{anniversary} – certificate (preview)"),
        _("{anniversary} – dossier"),
    )
    fallback = _("anniversary")
    letter, certificate, dossier = (
        safe_file_name(name.format(anniversary=anniversary) + ".pdf", fallback=fallback)
        for name in names
    )
    return letter, certificate, dossier


def _free(folder: Path, name: str, taken: set[Path]) -> Path:
    """`folder/name`, or with " (2)", " (3)"... before its ending where that is taken: an
    existing file is never replaced."""
    stem, suffix = os.path.splitext(name)
    candidate = folder / name
    number = 2
    while candidate in taken or candidate.exists():
        candidate = folder / f"{stem} ({number}){suffix}"
        number += 1
    return candidate


def _ready(folder: Path) -> bool:
    """Make the folder if it is missing (and say so: it is removed again on failure);
    DocumentProblem if it cannot be made or written to."""
    made = False
    if not folder.is_dir():
        try:
            folder.mkdir(parents=True)
            made = True
        except FileExistsError:
            pass
        except OSError as exc:
            raise DocumentProblem(
                _("Cannot make the folder {folder}: {reason}").format(
                    folder=folder, reason=exc.strerror or exc
                )
            ) from exc
    problem = writable_problem(folder, folder=True)
    if problem:
        raise DocumentProblem(problem)
    return made


def _letter_day(on: dt.date, day: dt.date) -> dt.date:
    """The letter's date: `on` in the anniversary's year, else the anniversary itself (its
    first possible day when only the year or the month is known)."""
    return on if on.year == day.year else day


def _draft_letter(
    database: Database, partnership_id: int, codes: Sequence[str], day: dt.date
) -> letters.MadeLetter:
    """The congratulation as a draft (no number, not registered), dated `day`: the letter
    counts the years from its date, and a kit drafted in December for next year's
    anniversary must congratulate on next year's."""
    return letters.preview_letter(
        database, LetterKind.CONGRATULATION, partnership_id, codes, today=day
    )


def _place(staged: Sequence[tuple[Path, Path]], taken: set[Path]) -> tuple[Path, ...]:
    """Rename each staged file into place, under a free name; on a failure the files placed
    so far are removed again and the rest discarded (DocumentProblem)."""
    placed: list[Path] = []
    try:
        for partial, wanted in staged:
            # Looked at again: a file of that name may have appeared since it was chosen.
            target = wanted if not wanted.exists() else _free(wanted.parent, wanted.name, taken)
            taken.add(target)
            put_in_place(partial, target)
            placed.append(target)
    except BaseException:
        for path in placed:
            discard(path)
        for partial, _wanted in staged:
            discard(partial)
        raise
    return tuple(placed)


# --- the kit ------------------------------------------------------------------------------------


def make_anniversary_kit(
    database: Database,
    partnership_id: int,
    folder: Path,
    *,
    year: int | None = None,
    languages: Sequence[str] | None = None,
    on: dt.date | None = None,
    progress: Progress | None = None,
) -> AnniversaryKit:
    """Write the anniversary kit of the partnership to `folder` (made if missing).

    `year` is the anniversary's (default: the next round one in or after `on`'s year; `on`
    defaults to today); `languages` the documents' ("zh", "en", "he"; default the office's
    and the partner city's, e.g. zh and he for a city in Israel). Three PDF files are
    written, named after the city and the anniversary, never over an existing file: the
    letter of congratulation as a draft, the certificate of the kit's award as a preview,
    and the city's dossier in the first language.

    Raises NotFound (no such partnership), InvalidInput (no date of establishment, a year
    that is no round anniversary, unknown languages) and DocumentProblem (a character no
    font has, a folder that cannot be written); then nothing is stored or written.
    """
    step = progress or (lambda _text: None)
    on = on or dt.date.today()
    partnership: r.Partnership = records.get_record(database, "partnerships", partnership_id)
    partner: r.City = records.get_record(database, "cities", partnership.city_id)
    city = Names(partner.name_en, partner.name_zh, partner.name_he)
    year = kit_year(partnership, city, year, on)
    assert partnership.established is not None  # kit_year refuses a partnership without one
    years = year - partnership.established.year
    profile = office_profile(database)
    home = (
        records.get_record(database, "cities", profile.home_city_id)
        if profile.home_city_id is not None
        else None
    )
    codes = _language_codes(languages) if languages else default_languages(home, partner)
    mode = parse_language_mode("+".join(codes))
    folder = Path(folder)

    step(_("Writing the letter of congratulation…"))
    day = anniversary_date(partnership.established, year).earliest()
    letter = _draft_letter(database, partnership_id, codes, _letter_day(on, day))

    made_folder = _ready(folder)
    clean_partials(folder)
    taken: set[Path] = set()
    targets = [_free(folder, name, taken) for name in _names_of_files(city, years)]
    for target in targets:
        taken.add(target)
    home_names = Names(home.name_en, home.name_zh, home.name_he) if home is not None else None
    wording = _wording(home_names, city, partnership.established.year, year)
    staged: list[tuple[Path, Path]] = []
    saved: editing.Saved[r.Award] | None = None
    try:
        staged.append((stage(targets[0], letter.content), targets[0]))
        with records.transaction(database, "awards") as session:
            _lock(session)
            award = _earlier_award(database, partner.id or 0, year, wording)
            if award is None:
                saved = editing.save_record(
                    database, _new_award(partnership, partner.id or 0, year, wording)
                )
                award = saved.record
            assert award.id is not None
            step(_("Drawing the certificate…"))
            certificate = preview_pdf(database, award.id, mode, DESIGN, ORIENTATION)
            staged.append((stage(targets[1], certificate), targets[1]))
            step(_("Writing the dossier…"))
            report = city_dossier(
                database, partner.id or 0, document_language(codes[0]), today=_letter_day(on, day)
            )
            staged.append((stage(targets[2], report_pdf(report)), targets[2]))
            warnings = [
                *letter.warnings,
                *certificate_warnings(database, award.id, mode),
                *_untranslated(award, codes, years),
            ]
    except BaseException:
        for partial, _target in staged:
            discard(partial)
        if made_folder:
            _remove_if_empty(folder)
        raise
    step(_("Saving the files…"))
    try:
        files = _place(staged, taken)
    except DocumentProblem as problem:
        if made_folder:
            _remove_if_empty(folder)
        if saved is not None:
            _take_back(database, award.id, problem)
        raise
    return AnniversaryKit(
        partnership_id=partnership_id,
        city=city,
        years=years,
        year=year,
        folder=folder,
        files=files,
        award_id=award.id,
        award_created=saved is not None,
        changes=saved.changes if saved is not None else Changes(),
        warnings=tuple(dict.fromkeys(warnings)),
        step=saved.step if saved is not None else None,
    )


def _remove_if_empty(folder: Path) -> None:
    # Not empty, or gone: either way nothing of the kit is left in it.
    with contextlib.suppress(OSError):
        folder.rmdir()


def _take_back(database: Database, award_id: int, problem: DocumentProblem) -> None:
    """The files could not be put in place after the commit: the award this kit created
    goes again, so that a kit is all there or not at all. Always raises."""
    try:
        editing.delete_record(database, "awards", award_id)
    except (ExchangeDeskError, SQLAlchemyError, OSError) as exc:
        raise DocumentProblem(
            _(
                "{problem} The award made for the certificate could not be deleted again: "
                "award {id} stays recorded."
            ).format(problem=problem.message, id=award_id)
        ) from exc
    raise DocumentProblem(
        _("{problem} The award made for the certificate was deleted again.").format(
            problem=problem.message
        )
    ) from problem
