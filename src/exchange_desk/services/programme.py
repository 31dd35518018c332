"""A visit's programme as the delegation receives it: printed (日程安排 / Programme /
תוכנית הביקור, in one to three languages) and as a calendar (.ics) to import into Outlook or
a phone.

Everything comes from `services.visits.visit`, so the programme names and orders people as
the other documents of the visit do. The PDF's texts are written here in each of the chosen
languages (`i18n.document_language`); `documents/programme_pdf.py` lays them out.

- A record's text missing in a chosen language (an activity with no Hebrew) is printed in
  the language it falls back to (English, then any), unless another chosen language already
  shows that very text: a zh+en programme does not print the English twice.
- The calendar's events are in the host city's time: the home city's for an incoming
  delegation, the partner city's for an outgoing one. A country with a single time zone
  gets it (with a VTIMEZONE, as Outlook wants); elsewhere the times are floating, the
  local time wherever the calendar is opened. Items without times are all-day events.
- Warnings (items of one day that overlap, items outside the delegation's dates, an empty
  programme) are for the person making it, in the window's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date

from exchange_desk import __version__
from exchange_desk.documents.fonts import MissingGlyphs
from exchange_desk.documents.programme_pdf import (
    Day,
    ItemRow,
    MemberRow,
    ProgrammeSheet,
    render_programme,
)
from exchange_desk.domain import records as r
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import Direction, LetterLanguage
from exchange_desk.domain.errors import FieldProblem, InvalidInput
from exchange_desk.domain.protocol import name_in
from exchange_desk.i18n.catalog import N_, _
from exchange_desk.i18n.document_language import DocumentLanguage, document_language
from exchange_desk.i18n.formatting import format_day, format_partial_date
from exchange_desk.services import visits
from exchange_desk.services.database import Database
from exchange_desk.services.names import Names
from exchange_desk.services.office import office_profile
from exchange_desk.services.output import (
    DocumentProblem,
    no_font_message,
    writable_problem,
    write_whole,
)
from exchange_desk.services.report_choices import REPORT_LANGUAGES

SUFFIXES = (".pdf", ".ics")
MAX_LANGUAGES = 3

# Countries with one time zone for the whole country (as the office's cities lie), by ISO
# code; the others (the United States, Russia, Brazil, Australia, Spain with the Canaries...)
# get floating times rather than a guess.
COUNTRY_ZONES: dict[str, str] = {
    "AE": "Asia/Dubai",
    "AT": "Europe/Vienna",
    "BE": "Europe/Brussels",
    "BG": "Europe/Sofia",
    "CH": "Europe/Zurich",
    "CN": "Asia/Shanghai",
    "CZ": "Europe/Prague",
    "DE": "Europe/Berlin",
    "DK": "Europe/Copenhagen",
    "EE": "Europe/Tallinn",
    "EG": "Africa/Cairo",
    "ET": "Africa/Addis_Ababa",
    "FI": "Europe/Helsinki",
    "FR": "Europe/Paris",
    "GB": "Europe/London",
    "GE": "Asia/Tbilisi",
    "GR": "Europe/Athens",
    "HK": "Asia/Hong_Kong",
    "HR": "Europe/Zagreb",
    "HU": "Europe/Budapest",
    "IE": "Europe/Dublin",
    "IL": "Asia/Jerusalem",
    "IN": "Asia/Kolkata",
    "IS": "Atlantic/Reykjavik",
    "IT": "Europe/Rome",
    "JO": "Asia/Amman",
    "JP": "Asia/Tokyo",
    "KE": "Africa/Nairobi",
    "KR": "Asia/Seoul",
    "LT": "Europe/Vilnius",
    "LU": "Europe/Luxembourg",
    "LV": "Europe/Riga",
    "MA": "Africa/Casablanca",
    "MO": "Asia/Macau",
    "MT": "Europe/Malta",
    "NL": "Europe/Amsterdam",
    "NO": "Europe/Oslo",
    "PH": "Asia/Manila",
    "PL": "Europe/Warsaw",
    "RO": "Europe/Bucharest",
    "RS": "Europe/Belgrade",
    "SE": "Europe/Stockholm",
    "SG": "Asia/Singapore",
    "SI": "Europe/Ljubljana",
    "SK": "Europe/Bratislava",
    "TH": "Asia/Bangkok",
    "TR": "Europe/Istanbul",
    "TW": "Asia/Taipei",
    "VN": "Asia/Ho_Chi_Minh",
    "ZA": "Africa/Johannesburg",
}

_DIRECTION_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c"), None)
_UID_DOMAIN = "programme.exchange-desk"


# --- languages -------------------------------------------------------------------------------


def programme_languages(languages: Sequence[str] | str) -> tuple[DocumentLanguage, ...]:
    """The programme's languages in the order given ("zh+en" or ["zh", "en"]): one to three
    of Chinese, English and Hebrew, each once; InvalidInput otherwise."""
    codes = languages.split("+") if isinstance(languages, str) else list(languages)
    found: list[DocumentLanguage] = []
    for code in codes:
        try:
            language: DocumentLanguage | None = document_language(code.strip())
        except ValueError:
            language = None
        if (
            language is None
            or language.code not in REPORT_LANGUAGES
            or any(language.code == other.code for other in found)
        ):
            found = []
            break
        found.append(language)
    if not 1 <= len(found) <= MAX_LANGUAGES:
        raise InvalidInput(
            [
                FieldProblem(
                    "languages",
                    _("Choose one to three of {allowed}, each once (for example zh+en).").format(
                        allowed=", ".join(REPORT_LANGUAGES)
                    ),
                )
            ]
        )
    return tuple(found)


# --- texts in each language --------------------------------------------------------------------


def _own_texts(names: Names, chosen: Sequence[DocumentLanguage]) -> tuple[str, ...]:
    """A record's text in each chosen language. A language without its own text gets the
    one it falls back to (English, then any), unless a chosen language printed beside it
    (one of the same direction: the PDF stacks those in one table) already shows that
    text: a zh+en programme prints an English-only note once, under the English."""
    values = [getattr(names, w.code).strip() for w in chosen]
    texts = []
    for w, value in zip(chosen, values, strict=True):
        if not value:
            fallback = names.best(w.ui).strip()
            beside = {
                v for other, v in zip(chosen, values, strict=True) if other.is_rtl == w.is_rtl
            }
            if fallback not in beside:
                value = fallback
        texts.append(value)
    return tuple(texts)


def _has_han(text: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in text)


def _own_title(person: r.Person, code: str) -> str:
    own = person.title if code == "en" else getattr(person, f"title_{code}", "")
    return str(own or "").strip()


def _person_with_title(person: r.Person, w: DocumentLanguage, english_too: bool) -> str:
    """A person as a programme names our host or the head of a delegation: 济南市市长孙述涛,
    Sun Shutao, Mayor of Jinan, ראש העיר ג'ינאן סון שוטאו. The name in the language's
    script or else in Latin letters; the position in the language, else in English when
    English is not printed beside it anyway."""
    name = name_in(person, w.code) or name_in(person, "en")
    title = _own_title(person, w.code)
    if not title and not english_too:
        title = person.title.strip()
    if not title:
        return name
    if _has_han(title):
        # Chinese puts the position before the name, without a space between characters.
        return f"{title}{name}" if _has_han(name) else f"{title} {name}"
    if any("\u0590" <= c <= "\u05ff" for c in title):
        return f"{title} {name}"
    return f"{name}, {title}"


def _names(person: r.Person | None, chosen: Sequence[DocumentLanguage]) -> tuple[str, ...]:
    """The person's name in each language's script, else as written in English (the PDF
    prints it once where two languages of a block would repeat it)."""
    if person is None:
        return tuple("" for _w in chosen)
    return tuple(name_in(person, w.code) or name_in(person, "en") for w in chosen)


def _positions(person: r.Person, chosen: Sequence[DocumentLanguage]) -> tuple[str, ...]:
    return tuple(_own_title(person, w.code) or person.title.strip() for w in chosen)


def _hosts(person: r.Person | None, chosen: Sequence[DocumentLanguage]) -> tuple[str, ...]:
    if person is None:
        return tuple("" for _w in chosen)
    # English printed beside a language (in the same block of the PDF) carries the English
    # position; a language printed alone falls back to it.
    return tuple(
        _person_with_title(person, w, any(o.code == "en" and o.is_rtl == w.is_rtl for o in chosen))
        for w in chosen
    )


def _time_span(item: r.ProgrammeItem) -> str:
    if item.starts_at and item.ends_at:
        return f"{item.starts_at}–{item.ends_at}"
    if item.starts_at:
        return item.starts_at
    if item.ends_at:
        return f"–{item.ends_at}"
    return ""


def _full_date(day: dt.date, w: DocumentLanguage) -> str:
    """The day with its weekday, as the language writes it: 2019年5月20日星期一, Monday,
    May 20, 2019, יום שני, 20 במאי 2019 (direction marks left out: the PDF engine orders
    the text itself)."""
    return str(format_date(day, "full", locale=w.locale)).translate(_DIRECTION_MARKS)


def _dates(visit: visits.Visit) -> tuple[PartialDate | None, PartialDate | None]:
    """The delegation's dates, else the first and last day its programme and members say."""
    start, end = visit.delegation.start_date, visit.delegation.end_date
    if start is None and visit.first_day is not None:
        start = PartialDate.from_date(visit.first_day)
    if end is None and visit.last_day is not None:
        end = PartialDate.from_date(visit.last_day)
    return start, end


def _city_names(city: r.City) -> Names:
    return Names(city.name_en, city.name_zh, city.name_he)


def _subtitle(visit: visits.Visit, gettext: Callable[[str], str], city: str) -> str:
    if visit.delegation.direction is Direction.INCOMING:
        return gettext("Delegation from {city}").format(city=city)
    return gettext("Delegation to {city}").format(city=city)


def programme_sheet(
    database: Database,
    delegation_id: int,
    languages: Sequence[str] | str,
    *,
    members: bool = True,
) -> ProgrammeSheet:
    """The programme's content in each chosen language, as the PDF prints it."""
    chosen = programme_languages(languages)
    visit = visits.visit(database, delegation_id)
    profile = office_profile(database)
    delegation = visit.delegation
    incoming = delegation.direction is Direction.INCOMING

    def each(message: str) -> tuple[str, ...]:
        """A message (marked with N_) in each chosen language."""
        return tuple(w.gettext(message) for w in chosen)

    city = _city_names(visit.city)
    start, end = _dates(visit)
    head = visit.head
    if head is not None:
        head_texts = _hosts(head.person, chosen)
    else:
        # No members listed: the leader as recorded on the delegation (in one language).
        head_texts = tuple(w.with_note(delegation.leader, delegation.leader_title) for w in chosen)
    facts = (
        (each(N_("Partner city")), tuple(w.name(city) for w in chosen)),
        (
            each(N_("Direction")),
            each(N_("Incoming delegation") if incoming else N_("Outgoing delegation")),
        ),
        (each(N_("Dates")), tuple(w.period(start, end) for w in chosen)),
        (each(N_("Head of delegation")), head_texts),
    )
    note = (
        each(
            N_(
                "Sample record: this visit was invented for the demonstration data and did "
                "not take place."
            )
        )
        if delegation.is_sample
        else tuple("" for _w in chosen)
    )
    return ProgrammeSheet(
        languages=tuple(w.code for w in chosen),
        title=each(N_("Programme")),
        subtitle=tuple(_subtitle(visit, w.gettext, w.name(city)) for w in chosen),
        office=_own_texts(
            Names(profile.office_name_en, profile.office_name_zh, profile.office_name_he), chosen
        ),
        facts=facts,
        note=note,
        members_heading=each(N_("Members of the delegation")),
        member_columns=(
            each(N_("No.")),
            each(N_("Full name")),
            each(N_("Position")),
            each(N_("Role in the delegation")),
        ),
        members=tuple(_member_row(m, chosen) for m in visit.members) if members else (),
        schedule_heading=each(N_("Schedule")),
        columns=(
            each(N_("Time")),
            each(N_("Activity")),
            each(N_("Place")),
            each(N_("Hosted by")),
            each(N_("Interpreter")),
            each(N_("Dress code")),
        ),
        days=tuple(_day(visit, day, chosen) for day in visit.days),
        empty=each(N_("No programme items are recorded for this visit yet.")),
        page_label=each(N_("Page {page} of {pages}")),
        record_label=_subtitle(visit, _, city.best()),
    )


def _day(visit: visits.Visit, day: dt.date, chosen: Sequence[DocumentLanguage]) -> Day:
    """One day's band and items. Days are counted from the visit's first day (its
    arrival), so a programme that starts on the second day says so."""
    first = visit.first_day or day
    number = (day - first).days + 1
    heading = tuple(
        w.gettext("Day {number} · {date}").format(number=w.number(number), date=_full_date(day, w))
        for w in chosen
    )
    items = tuple(_item_row(entry, chosen) for entry in visit.programme if entry.item.day == day)
    return Day(heading, items)


def _item_row(entry: visits.ProgrammeEntry, chosen: Sequence[DocumentLanguage]) -> ItemRow:
    item = entry.item
    return ItemRow(
        time=_time_span(item),
        activity=_own_texts(Names(item.activity_en, item.activity_zh, item.activity_he), chosen),
        notes=_own_texts(Names(item.notes_en, item.notes_zh, item.notes_he), chosen),
        place=_own_texts(Names(item.place_en, item.place_zh, item.place_he), chosen),
        host=_hosts(entry.host, chosen),
        interpreter=_names(entry.interpreter, chosen),
        dress_code=tuple(_capitalized(w.label(item.dress_code)) for w in chosen),
    )


def _member_row(member: visits.Member, chosen: Sequence[DocumentLanguage]) -> MemberRow:
    return MemberRow(
        name=_names(member.person, chosen),
        position=_positions(member.person, chosen),
        role=tuple(_capitalized(w.label(member.member.role)) for w in chosen),
    )


def _capitalized(text: str) -> str:
    """A label at the head of a table cell: "Business attire" (Chinese and Hebrew have no
    capitals, and stay as they are)."""
    return text[:1].upper() + text[1:]


# --- the PDF ---------------------------------------------------------------------------------


def programme_pdf(
    database: Database, delegation_id: int, languages: Sequence[str], *, members: bool = True
) -> bytes:
    """The programme as PDF bytes in `languages` (one to three of "zh", "en", "he", in the
    order given; the first sets the direction); `members` adds the member list.
    DocumentProblem names characters no font has, before anything is drawn."""
    sheet = programme_sheet(database, delegation_id, languages, members=members)
    try:
        return render_programme(sheet)
    except MissingGlyphs as error:
        raise DocumentProblem(no_font_message(sheet.record_label, error.listing())) from None


# --- the calendar ----------------------------------------------------------------------------


def host_zone(visit: visits.Visit) -> ZoneInfo | None:
    """The time zone of the city where the visit happens (the home city for an incoming
    delegation, the partner city for an outgoing one), when its country has only one;
    None otherwise, or when this computer has no time zone data."""
    city = visit.home_city if visit.delegation.direction is Direction.INCOMING else visit.city
    key = COUNTRY_ZONES.get((city.country if city is not None else "").upper())
    if key is None:
        return None
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _clock(text: str) -> dt.time:
    hours, _sep, minutes = text.partition(":")
    return dt.time(int(hours), int(minutes or 0))


def event_uid(item: r.ProgrammeItem) -> str:
    """The event's identity across exports: the same item keeps its UID, so importing the
    calendar again updates the event instead of adding a second one."""
    return f"item-{item.id}.delegation-{item.delegation_id}@{_UID_DOMAIN}"


def _colon(w: DocumentLanguage) -> str:
    return "：" if w.code == "zh" else ": "


def programme_ics(database: Database, delegation_id: int, language: str = "en") -> bytes:
    """The programme as an iCalendar file (RFC 5545): one event per item, in `language`
    ("zh", "en" or "he")."""
    from icalendar import Calendar, Event

    (w,) = programme_languages([language])
    visit = visits.visit(database, delegation_id)
    zone = host_zone(visit)
    city = w.name(_city_names(visit.city))
    calendar = Calendar()
    calendar.add("prodid", f"-//Exchange Desk//Exchange Desk {__version__}//{w.code.upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    title = w.gettext("Programme")
    calendar.add("x-wr-calname", f"{title} · {_subtitle(visit, w.gettext, city)}")
    if zone is not None:
        calendar.add("x-wr-timezone", zone.key)
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for entry in visit.programme:
        item = entry.item
        event = Event()
        event.add("uid", event_uid(item))
        event.add("dtstamp", stamp)
        # Each change of the item counts up its version: calendars take the higher
        # sequence as the newer event.
        event.add("sequence", max((item.version or 1) - 1, 0))
        event.add("summary", w.name(Names(item.activity_en, item.activity_zh, item.activity_he)))
        place = w.name(Names(item.place_en, item.place_zh, item.place_he))
        if place:
            event.add("location", place)
        description = _description(entry, w)
        if description:
            event.add("description", description)
        if item.starts_at:
            start = dt.datetime.combine(item.day, _clock(item.starts_at), tzinfo=zone)
            event.add("dtstart", start)
            if item.ends_at and _clock(item.ends_at) > _clock(item.starts_at):
                event.add("dtend", dt.datetime.combine(item.day, _clock(item.ends_at), tzinfo=zone))
        else:
            # No time fixed: an all-day event on its day (DTEND is the day after).
            event.add("dtstart", item.day)
            event.add("dtend", item.day + dt.timedelta(days=1))
        calendar.add_component(event)
    if zone is not None and visit.programme:
        # The zone's rules around the visit only (a year either side), not since 1970.
        days = [entry.item.day for entry in visit.programme]
        calendar.add_missing_timezones(
            first_date=min(days) - dt.timedelta(days=366),
            last_date=max(days) + dt.timedelta(days=366),
        )
    return bytes(calendar.to_ical())


def _description(entry: visits.ProgrammeEntry, w: DocumentLanguage) -> str:
    item = entry.item
    colon = _colon(w)
    lines = []
    if entry.host is not None:
        label = w.gettext("Hosted by")
        lines.append(f"{label}{colon}{_person_with_title(entry.host, w, False)}")
    if entry.interpreter is not None:
        name = name_in(entry.interpreter, w.code) or name_in(entry.interpreter, "en")
        label = w.gettext("Interpreter")
        lines.append(f"{label}{colon}{name}")
    if item.dress_code is not None:
        label = w.gettext("Dress code")
        lines.append(f"{label}{colon}{_capitalized(w.label(item.dress_code))}")
    notes = w.name(Names(item.notes_en, item.notes_zh, item.notes_he))
    if notes:
        lines.append(notes)
    return "\n".join(lines)


# --- warnings and files ------------------------------------------------------------------------


def programme_warnings(database: Database, delegation_id: int) -> list[str]:
    """What the person entering or sending the programme should look at, in the window's
    language: items of one day that overlap, and items outside the delegation's dates."""
    return _warnings_of(visits.visit(database, delegation_id))


def _warnings_of(visit: visits.Visit) -> list[str]:
    items = [entry.item for entry in visit.programme]

    def activity(item: r.ProgrammeItem) -> str:
        return Names(item.activity_en, item.activity_zh, item.activity_he).best()

    found = []
    for first, second in visits.overlapping(items):
        found.append(
            _("{day}: “{first}” ({first_time}) and “{second}” ({second_time}) overlap.").format(
                day=format_day(first.day),
                first=activity(first),
                first_time=_time_span(first),
                second=activity(second),
                second_time=_time_span(second),
            )
        )
    start, end = visit.delegation.start_date, visit.delegation.end_date
    if start is not None or end is not None:
        earliest = start.earliest() if start is not None else None
        latest = end.latest() if end is not None else None
        dates = (
            f"{format_partial_date(start)} – {format_partial_date(end)}"
            if start is not None and end is not None and start != end
            else format_partial_date(start or end)
        )
        for item in items:
            if (earliest is not None and item.day < earliest) or (
                latest is not None and item.day > latest
            ):
                found.append(
                    _("{day}: “{activity}” is outside the delegation's dates ({dates}).").format(
                        day=format_day(item.day), activity=activity(item), dates=dates
                    )
                )
    return found


def write_programme(
    database: Database,
    delegation_id: int,
    languages: Sequence[str],
    path: Path,
    *,
    members: bool = True,
) -> list[str]:
    """Write the programme to `path`: a PDF for ".pdf", a calendar in the first language
    for ".ics" (DocumentProblem for any other ending). The file is written under a
    temporary name and renamed, so a failure leaves what was there before. Returns the
    warnings (`programme_warnings`), for the person to read."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DocumentProblem(
            _(
                "A programme is written as a PDF (.pdf) or a calendar (.ics) file; "
                "{name} is neither."
            ).format(name=path.name)
        )
    chosen = programme_languages(languages)
    problem = writable_problem(path)
    if problem:
        raise DocumentProblem(problem)
    visit = visits.visit(database, delegation_id)
    warnings = _warnings_of(visit)
    if not visit.programme:
        # Said when the file is made, not while the programme is being entered.
        warnings.append(_("The delegation has no programme items yet: the programme lists none."))
    if suffix == ".pdf":
        data = programme_pdf(database, delegation_id, [w.code for w in chosen], members=members)
    else:
        data = programme_ics(database, delegation_id, chosen[0].code)
        if len(chosen) > 1:
            warnings.append(
                _("A calendar has one language: its events are in {language}.").format(
                    language=LetterLanguage(chosen[0].code).label
                )
            )
    write_whole(path, data)
    return warnings
