"""Badges, place cards and seating plans for a visit's people, as PDF.

Who is printed, in what order and in which scripts is decided here, from the visit
(`services.visits`, which orders people by precedence); `documents/badges.py` draws it.

Each person's name is printed in their own script large and in the other side's script
below it: a member of a delegation from Kfar Saba received in Jinan reads יהודה בן חמו with
耶胡达·本-哈莫 under it, his host 孙述涛 with Sun Shutao (the host has no Hebrew name) under
his. "Own script" is `domain.protocol.own_language`; a person with names in both Chinese
and Hebrew takes the script of their side. The other side's script falls back to Latin
letters when the person has no name in it.

The sides: a delegation's members are its city's people; the hosts are the receiving
city's (the home city for a delegation received, the partner city for one sent). The
host language defaults to the receiving city's (CN zh, IL he, else en).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from exchange_desk.documents.badges import (
    DEFAULT_STOCK,
    STOCKS,
    LabelStock,
    NameCard,
    Seat,
    SeatingSheet,
    SeatingWords,
    Shrunk,
    render_badges,
    render_place_cards,
    render_seating_plan,
)
from exchange_desk.documents.fonts import MissingGlyphs
from exchange_desk.domain import records as r
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import Direction, GuestSide
from exchange_desk.domain.errors import FieldProblem, InvalidInput
from exchange_desk.domain.protocol import (
    guest_precedence,
    name_in,
    own_language,
    seating_plan,
    title_in,
)
from exchange_desk.i18n.catalog import _, active_language, ngettext
from exchange_desk.i18n.document_language import DocumentLanguage
from exchange_desk.services import records
from exchange_desk.services.database import Database
from exchange_desk.services.names import Names
from exchange_desk.services.output import (
    DocumentProblem,
    checked_target,
    no_font_message,
    write_whole,
)
from exchange_desk.services.visits import (
    GuestEntry,
    GuestList,
    Visit,
    event_guest_list,
    reception_guest_list,
    visit,
)

__all__ = [
    "DEFAULT_STOCK",
    "STOCKS",
    "LabelStock",
    "Made",
    "badges_pdf",
    "city_language",
    "place_cards_pdf",
    "seating_plan_pdf",
    "write_badges",
    "write_place_cards",
    "write_seating_plan",
]

LANGUAGES = ("zh", "en", "he")
_COUNTRY_LANGUAGE = {"CN": "zh", "TW": "zh", "HK": "zh", "MO": "zh", "IL": "he"}


@dataclass(frozen=True, slots=True)
class Made:
    """A document made: its bytes and what the office should know about it (in the
    window's language)."""

    content: bytes
    warnings: list[str]


def city_language(city: r.City | None) -> str:
    """The language of a city's people on paper: Chinese in China, Hebrew in Israel,
    else English."""
    if city is None:
        return "en"
    return _COUNTRY_LANGUAGE.get(city.country.upper(), "en")


# --- who is printed, and how ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Side:
    """One side of a visit: its language and its city's names (for the badge's band)."""

    language: str
    city: Names | None


@dataclass(frozen=True, slots=True)
class _Printed:
    """A person to print, with their side and the other side's."""

    person: r.Person
    organization: Names
    own_side: _Side
    other_side: _Side
    host: bool


def _own_script(person: r.Person, side_language: str) -> str:
    """The person's own script; a name in both Chinese and Hebrew (or in neither) is
    printed in the script of the person's side when they have a name in it."""
    own = own_language(person)
    if own == "en" and side_language != "en" and name_in(person, side_language):
        return side_language
    return own


def _second_script(person: r.Person, own: str, other: str) -> str | None:
    """The other side's script, else Latin letters, else none."""
    for language in (other, "en"):
        if language != own and name_in(person, language):
            return language
    return None


def _display_name(person: r.Person, language: str) -> str:
    """The name in `language`'s script, else as recorded in English (Liu Qiang), else in
    Latin letters from the passport's parts."""
    return name_in(person, language) or name_in(person, "en")


def _distinct(texts: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.strip() for t in texts if t and t.strip()))


def _card(printed: _Printed) -> NameCard:
    person = printed.person
    own = _own_script(person, printed.own_side.language)
    second = _second_script(person, own, printed.other_side.language)
    languages = (own,) if second is None else (own, second)
    city = printed.own_side.city
    return NameCard(
        person=_display_name(person, active_language()),
        name=_display_name(person, own),
        second_name=name_in(person, second) if second else "",
        titles=_distinct(title_in(person, language) for language in languages),
        organization="  ·  ".join(
            _distinct(printed.organization.best(language) for language in languages)
        ),
        delegation="  ·  ".join(_distinct(city.best(language) for language in languages))
        if city is not None
        else "",
        host=printed.host,
    )


def _language(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    code = value.split("_")[0].split("-")[0].lower()
    code = "he" if code == "iw" else code
    if code not in LANGUAGES:
        raise InvalidInput(
            [
                FieldProblem(
                    field, _("Choose one of: {allowed}").format(allowed=", ".join(LANGUAGES))
                )
            ]
        )
    return code


def _home_city(database: Database) -> r.City | None:
    from exchange_desk.services.office import office_profile

    profile = office_profile(database)
    if profile.home_city_id is None:
        return None
    city: r.City = records.get_record(database, "cities", profile.home_city_id)
    return city


def _city_names(city: r.City | None) -> Names | None:
    return None if city is None else Names(city.name_en, city.name_zh, city.name_he)


def _visit_sides(the_visit: Visit, host_language: str | None) -> tuple[_Side, _Side]:
    """The delegation's side and the receiving side of a visit."""
    home = the_visit.home_city
    visitors: r.City | None
    receivers: r.City | None
    if the_visit.delegation.direction is Direction.OUTGOING:
        visitors, receivers = home, the_visit.city
    else:
        visitors, receivers = the_visit.city, home
    delegation = _Side(city_language(visitors), _city_names(visitors))
    hosting = _Side(host_language or city_language(receivers), _city_names(receivers))
    return delegation, hosting


def _organization_of(database: Database, person: r.Person) -> Names:
    if person.organization_id is None:
        return Names()
    return records.names_of(database, "organizations", person.organization_id)


def _visit_people(
    database: Database,
    the_visit: Visit,
    host_language: str | None,
    *,
    hosts: bool,
    reception_guests: bool,
) -> list[_Printed]:
    """The members in precedence order; then (`reception_guests`) the others received at
    its receptions; then (`hosts`) the hosts of its programme, each person once."""
    delegation, hosting = _visit_sides(the_visit, host_language)
    found: list[_Printed] = []
    seen: set[int | None] = set()
    for member in the_visit.members:
        if member.person.id in seen:
            continue
        seen.add(member.person.id)
        found.append(_Printed(member.person, member.organization, delegation, hosting, False))
    listed = [entry for item in the_visit.programme for entry in item.guests]
    if reception_guests:
        received = [e for e in listed if e.guest.side is GuestSide.GUEST]
        received.sort(key=lambda e: guest_precedence(e.guest.side, e.person))
        for entry in received:
            if entry.person.id not in seen:
                seen.add(entry.person.id)
                found.append(_Printed(entry.person, entry.organization, delegation, hosting, False))
    if hosts:
        hosting_people = [
            (e.person, e.organization) for e in listed if e.guest.side is GuestSide.HOST
        ]
        hosting_people += [
            (item.host, _organization_of(database, item.host))
            for item in the_visit.programme
            if item.host is not None
        ]
        hosting_people.sort(key=lambda pair: guest_precedence(GuestSide.HOST, pair[0]))
        for person, organization in hosting_people:
            if person.id not in seen:
                seen.add(person.id)
                found.append(_Printed(person, organization, hosting, delegation, True))
    return found


def _list_sides(
    database: Database, guests: GuestList, host_city: r.City | None, host_language: str | None
) -> tuple[_Side, _Side]:
    """The received side and the hosting side of an event's guest list: the hosts speak
    the language of the city where it is held (else the home city's); the guests that of
    most of them."""
    home = _home_city(database)
    hosting_city = host_city or home
    hosting = _Side(host_language or city_language(hosting_city), _city_names(hosting_city))
    scripts = Counter(
        own_language(entry.person)
        for entry in guests.received
        if own_language(entry.person) != "en"
    )
    if scripts:
        received = _Side(scripts.most_common(1)[0][0], None)
    elif home is not None and city_language(home) != hosting.language:
        received = _Side(city_language(home), _city_names(home))
    else:
        received = _Side("en", None)
    return received, hosting


def _list_people(entries: Sequence[GuestEntry], received: _Side, hosting: _Side) -> list[_Printed]:
    found = []
    seen: set[int | None] = set()
    for entry in entries:
        if entry.person.id in seen:
            continue
        seen.add(entry.person.id)
        host = entry.guest.side is GuestSide.HOST
        own, other = (hosting, received) if host else (received, hosting)
        found.append(_Printed(entry.person, entry.organization, own, other, host))
    return found


def _shrunk_warnings(shrunk: Sequence[Shrunk], what: str) -> list[str]:
    if what == "badge":
        message = _("{person}: the name is too long for the badge; printed at {size} pt.")
    else:
        message = _("{person}: the name is too long for the place card; printed at {size} pt.")
    return [message.format(person=s.person, size=f"{s.size:g}") for s in shrunk]


def _missing_problem(error: MissingGlyphs) -> DocumentProblem:
    return DocumentProblem(no_font_message(error.record, error.listing()))


def _one_target(**targets: int | None) -> tuple[str, int]:
    given = [(name, value) for name, value in targets.items() if value is not None]
    if len(given) != 1:
        raise InvalidInput(
            [FieldProblem("target", _("Give one delegation, cultural event or reception."))]
        )
    return given[0]


# --- badges --------------------------------------------------------------------------------


def stock_named(key: str) -> LabelStock:
    """The label stock `key`; InvalidInput naming the stocks there are otherwise."""
    found = STOCKS.get(key)
    if found is None:
        raise InvalidInput(
            [FieldProblem("stock", _("Choose one of: {allowed}").format(allowed=", ".join(STOCKS)))]
        )
    return found


def badges_pdf(
    database: Database,
    delegation_id: int,
    *,
    stock: str = DEFAULT_STOCK,
    host_language: str | None = None,
    hosts: bool = False,
    start_label: int = 1,
) -> Made:
    """Name badges for a delegation's members in precedence order (and, with `hosts`,
    for the hosts of its programme after them) on the labels of `stock`, starting at
    label `start_label` of the first sheet (1 the top left, counted along the rows: a
    sheet partly used already). Warns of names printed smaller than is read at 1.5 m."""
    sheet = stock_named(stock)
    language = _language(host_language, "host_language")
    if not 1 <= start_label <= sheet.per_sheet:
        raise InvalidInput(
            [
                FieldProblem(
                    "start_label",
                    _("Give a label from 1 to {count}.").format(count=sheet.per_sheet),
                )
            ]
        )
    the_visit = visit(database, delegation_id)
    people = _visit_people(database, the_visit, language, hosts=hosts, reception_guests=False)
    if not the_visit.members:
        raise DocumentProblem(
            _("The delegation lists no members: there is no one to make a badge for.")
        )
    cards = [_card(printed) for printed in people]
    city = Names(the_visit.city.name_en, the_visit.city.name_zh, the_visit.city.name_he)
    try:
        drawn = render_badges(
            cards,
            sheet,
            title=_("Badges: {delegation}").format(delegation=city.best(active_language())),
            first_label=start_label - 1,
        )
    except MissingGlyphs as error:
        raise _missing_problem(error) from None
    return Made(drawn.content, _shrunk_warnings(drawn.shrunk, "badge"))


def write_badges(
    database: Database,
    delegation_id: int,
    path: Path,
    *,
    stock: str = DEFAULT_STOCK,
    host_language: str | None = None,
    hosts: bool = False,
    start_label: int = 1,
) -> Made:
    """`badges_pdf` written to `path` (".pdf" added if missing), whole or not at all."""
    target = checked_target(path)
    made = badges_pdf(
        database,
        delegation_id,
        stock=stock,
        host_language=host_language,
        hosts=hosts,
        start_label=start_label,
    )
    write_whole(target, made.content)
    return made


# --- place cards ---------------------------------------------------------------------------


def _place_card_people(
    database: Database,
    delegation_id: int | None,
    event_id: int | None,
    programme_item_id: int | None,
    host_language: str | None,
) -> tuple[list[_Printed], str]:
    """Who gets a place card, in order, and what the cards are for (their PDF title)."""
    target, target_id = _one_target(
        delegation_id=delegation_id, event_id=event_id, programme_item_id=programme_item_id
    )
    if target == "delegation_id":
        the_visit = visit(database, target_id)
        people = _visit_people(
            database, the_visit, host_language, hosts=True, reception_guests=True
        )
        return people, the_visit.city.name_en
    if target == "programme_item_id":
        item: r.ProgrammeItem = records.get_record(database, "programme_items", target_id)
        the_visit = visit(database, item.delegation_id)
        received, hosting = _visit_sides(the_visit, host_language)
        guests = reception_guest_list(database, target_id)
        return _list_people(guests.guests, received, hosting), guests.title.best(active_language())
    event: r.CulturalEvent = records.get_record(database, "events", target_id)
    guests = event_guest_list(database, target_id)
    host_city = (
        records.get_record(database, "cities", event.city_id) if event.city_id is not None else None
    )
    received, hosting = _list_sides(database, guests, host_city, host_language)
    return _list_people(guests.guests, received, hosting), guests.title.best(active_language())


def place_cards_pdf(
    database: Database,
    *,
    delegation_id: int | None = None,
    event_id: int | None = None,
    programme_item_id: int | None = None,
    host_language: str | None = None,
) -> Made:
    """Folded place cards, two to an A4 sheet: for a delegation, its members, the others
    received at its receptions and its hosts; for a cultural event or a reception, its
    guest list. Give exactly one of the three."""
    language = _language(host_language, "host_language")
    people, what = _place_card_people(
        database, delegation_id, event_id, programme_item_id, language
    )
    if not people:
        raise DocumentProblem(_("No one is listed: there is no one to make a place card for."))
    cards = [_card(printed) for printed in people]
    try:
        drawn = render_place_cards(cards, title=_("Place cards: {what}").format(what=what))
    except MissingGlyphs as error:
        raise _missing_problem(error) from None
    return Made(drawn.content, _shrunk_warnings(drawn.shrunk, "place card"))


def write_place_cards(
    database: Database,
    path: Path,
    *,
    delegation_id: int | None = None,
    event_id: int | None = None,
    programme_item_id: int | None = None,
    host_language: str | None = None,
) -> Made:
    """`place_cards_pdf` written to `path` (".pdf" added if missing), whole or not at all."""
    target = checked_target(path)
    made = place_cards_pdf(
        database,
        delegation_id=delegation_id,
        event_id=event_id,
        programme_item_id=programme_item_id,
        host_language=host_language,
    )
    write_whole(target, made.content)
    return made


# --- seating plan --------------------------------------------------------------------------


def _when(w: DocumentLanguage, when: object) -> str:
    if isinstance(when, PartialDate):
        return w.date(when)
    if isinstance(when, dt.date):
        return w.long_date(when)
    return ""


def _seating_words(w: DocumentLanguage) -> SeatingWords:
    return SeatingWords(
        hosts=w.gettext("Hosts"),
        guests=w.gettext("Guests"),
        order=w.gettext("Order of honour"),
        number=w.gettext("No."),
        name=w.gettext("Name"),
        position=w.gettext("Position"),
        not_seated=w.gettext("Not seated:"),
        note=w.gettext(
            "1 is the host and 2 the guest of honour, facing each other; the others follow "
            "by rank, the host's right first."
        ),
    )


def seating_plan_pdf(
    database: Database,
    *,
    seats: int,
    event_id: int | None = None,
    programme_item_id: int | None = None,
    language: str = "en",
) -> Made:
    """The seating plan of a reception's or an event's guest list at a long table of
    `seats` in `language`: the host and the guest of honour facing each other in the
    middle, the others alternating by rank from the host's right. Warns of those the
    table has no room for."""
    from exchange_desk.services.reports.shared import report_language

    w = report_language(language)
    if seats < 2:
        raise InvalidInput([FieldProblem("seats", _("A table seats at least two."))])
    target, target_id = _one_target(event_id=event_id, programme_item_id=programme_item_id)
    guests = (
        event_guest_list(database, target_id)
        if target == "event_id"
        else reception_guest_list(database, target_id)
    )
    if not guests.guests:
        raise DocumentProblem(_("The guest list is empty: there is no one to seat."))
    warnings: list[str] = []
    if not guests.hosts:
        warnings.append(_("The guest list names no host: the host's seat is left empty."))
    if not guests.received:
        warnings.append(
            _("The guest list names no guest: the seat of the guest of honour is left empty.")
        )

    def seat_of(entry: GuestEntry, number: int) -> Seat:
        return Seat(
            number,
            _display_name(entry.person, w.code),
            title_in(entry.person, w.code),
            entry.guest.side is GuestSide.HOST,
        )

    plan = seating_plan(list(guests.hosts), list(guests.received), seats)
    numbers = {id(entry): number for entry, number in plan.order}

    def row(side: tuple[object, ...]) -> tuple[Seat | None, ...]:
        return tuple(
            seat_of(entry, numbers[id(entry)]) if isinstance(entry, GuestEntry) else None
            for entry in side
        )

    unseated = tuple(seat_of(entry, 0) for entry in plan.unseated)
    if unseated:
        names = ", ".join(_display_name(s.person, active_language()) for s in plan.unseated)
        warnings.append(
            ngettext(
                "{count} person has no seat at a table of {seats}: {names}.",
                "{count} people have no seat at a table of {seats}: {names}.",
                len(unseated),
            ).format(count=len(unseated), seats=seats, names=names)
        )
    title = guests.title.best(w.ui)
    when = _when(w, guests.when)
    sheet = SeatingSheet(
        title=w.gettext("Seating plan"),
        subtitle="  ·  ".join(part for part in (title, when) if part),
        far=row(plan.far),
        near=row(plan.near),
        legend=tuple(seat_of(entry, number) for entry, number in plan.order),
        unseated=unseated,
        words=_seating_words(w),
        rtl=w.is_rtl,
    )
    try:
        content = render_seating_plan(sheet)
    except MissingGlyphs as error:
        raise _missing_problem(error) from None
    return Made(content, warnings)


def write_seating_plan(
    database: Database,
    path: Path,
    *,
    seats: int,
    event_id: int | None = None,
    programme_item_id: int | None = None,
    language: str = "en",
) -> Made:
    """`seating_plan_pdf` written to `path` (".pdf" added if missing), whole or not at all."""
    target = checked_target(path)
    made = seating_plan_pdf(
        database,
        seats=seats,
        event_id=event_id,
        programme_item_id=programme_item_id,
        language=language,
    )
    write_whole(target, made.content)
    return made
