"""What the report dialogs offer before a report is made: the years that have anything to
report (gifts received, for their declaration), and a short line naming the city or
delegation a document is about.

These read through the Core tables, not the ORM, so opening a report dialog costs no more
than a query.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import func, select, union

from exchange_desk.domain.countries import country_name
from exchange_desk.domain.enums import Direction, GiftDirection
from exchange_desk.domain.errors import NotFound
from exchange_desk.i18n.catalog import _, active_language, ngettext
from exchange_desk.i18n.formatting import format_partial_date
from exchange_desk.i18n.languages import catalog_code, find_language, short_code
from exchange_desk.services.names import Names
from exchange_desk.storage import schema as s

if TYPE_CHECKING:
    from exchange_desk.storage.database import Database


def report_years(database: Database) -> list[int]:
    """Every year in which a delegation started, an event began, an agreement was signed or
    an award was given, newest first."""
    # Partial dates are ISO text, so the year is the first four characters on every backend;
    # one UNION leaves the distinct years to the database, whatever the number of rows.
    dated = [
        (s.delegations, s.delegations.c.start_date),
        (s.cultural_events, s.cultural_events.c.start_date),
        (s.agreements, s.agreements.c.signed_on),
        (s.awards, s.awards.c.awarded_on),
    ]
    years = union(
        *(
            select(func.substr(column, 1, 4).label("year")).where(column.is_not(None))
            for _table, column in dated
        )
    ).subquery()
    with database.reading() as session:
        found = session.scalars(select(years.c.year).order_by(years.c.year.desc())).all()
    return [int(year) for year in found if str(year).isdigit()]


def gift_years(database: Database) -> list[int]:
    """Every year in which a gift was received, newest first: the years a declaration of
    gifts can be asked for."""
    gift = s.gifts
    year = func.substr(gift.c.given_on, 1, 4)
    with database.reading() as session:
        found = session.scalars(
            select(year)
            .where(gift.c.direction == GiftDirection.RECEIVED)
            .group_by(year)
            .order_by(year.desc())
        ).all()
    return [int(value) for value in found if str(value).isdigit()]


def default_report_year(years: list[int], today: dt.date | None = None) -> int:
    """The year an annual report is most likely wanted for: the newest year with records
    that is not in the future (planned delegations make later years look busy), else this
    year, which gives a short but correct report."""
    this_year = (today or dt.date.today()).year
    past = [year for year in years if year <= this_year]
    if past:
        return max(past)
    return min(years) if years else this_year


def city_label(database: Database, city_id: int) -> str:
    """The city's name in the window's language, with its country."""
    with database.reading() as session:
        row = session.execute(
            select(
                s.cities.c.name_en, s.cities.c.name_zh, s.cities.c.name_he, s.cities.c.country
            ).where(s.cities.c.id == city_id)
        ).first()
    if row is None:
        raise NotFound(ngettext("city", "cities", 1), city_id)
    name = Names.of(row[:3]).best()
    if not row[3]:
        return name
    language = find_language(active_language())
    country = country_name(row[3], language.babel_locale if language else "en")
    return _("{city}, {country}").format(city=name, country=country)


def delegation_label(database: Database, delegation_id: int) -> str:
    """A delegation as the office speaks of it: its direction, partner city and dates."""
    d, c = s.delegations, s.cities
    with database.reading() as session:
        row = session.execute(
            select(d.c.direction, d.c.start_date, c.c.name_en, c.c.name_zh, c.c.name_he)
            .join(c, c.c.id == d.c.city_id)
            .where(d.c.id == delegation_id)
        ).first()
    if row is None:
        raise NotFound(ngettext("delegation", "delegations", 1), delegation_id)
    direction, start, *names = row
    city = Names.of(names).best()
    when = format_partial_date(start) if start is not None else _("date unknown")
    if Direction(direction) == Direction.OUTGOING:
        text = _("Delegation {id}: to {city}, {when}")
    else:
        text = _("Delegation {id}: from {city}, {when}")
    return text.format(id=delegation_id, city=city, when=when)


# A report's languages, by their two-letter codes (`i18n.languages`), in the order the office
# lists them.
REPORT_LANGUAGES: tuple[str, ...] = ("zh", "en", "he")
# Each report language by its own name.
REPORT_LANGUAGE_NAMES: tuple[tuple[str, str], ...] = tuple(
    (code, language.native_name)
    for code in REPORT_LANGUAGES
    if (language := find_language(code)) is not None
)


def report_language_of(code: str) -> str:
    """The report language (zh, en, he) that matches a user-interface language code."""
    return short_code(code)


def interface_language_of(report_language: str) -> str:
    """The user-interface code (en, zh_CN, he) of a report language."""
    return catalog_code(report_language)
