"""Values of records as text for the window, in the user's language."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from babel.dates import format_date, format_time, get_datetime_format

from exchange_desk.domain.countries import country_name
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.records import TierChange
from exchange_desk.i18n.catalog import _, active_language, ngettext
from exchange_desk.i18n.formatting import format_day, format_number, format_partial_date
from exchange_desk.i18n.languages import find_language
from exchange_desk.services.names import Names


def babel_locale() -> str:
    language = find_language(active_language())
    return language.babel_locale if language else "en"


def format_moment(value: dt.datetime | None) -> str:
    """A stored time stamp (UTC without a zone) as the local date and time, minutes only."""
    if value is None:
        return ""
    local = value.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)
    locale = babel_locale()
    # The locale says how a date and a time are joined ("{1}, {0}", "{1} {0}"...).
    joined = str(get_datetime_format("medium", locale=locale))
    return joined.replace("{1}", format_date(local, "medium", locale=locale)).replace(
        "{0}", format_time(local, "short", locale=locale)
    )


def show(value: Any) -> str:
    """A fact's value as the user reads it."""
    if value is None:
        return ""
    if isinstance(value, Names):
        return value.best()
    if isinstance(value, PartialDate):
        return format_partial_date(value)
    if isinstance(value, dt.date):
        return format_day(value)
    if isinstance(value, Enum) and hasattr(value, "label"):
        return str(value.label)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "country":
        return country_name(value[1], babel_locale())
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int) for v in value):
        year, years = value
        return ngettext("{year}: {years} year", "{year}: {years} years", years).format(
            year=year, years=years
        )
    if isinstance(value, tuple) and value and isinstance(value[0], TierChange):
        return "; ".join(
            f"{format_partial_date(change.changed_on)}: {change.to_tier.label}" for change in value
        )
    if isinstance(value, tuple):
        return ", ".join(show(item) for item in value)
    return str(value)
