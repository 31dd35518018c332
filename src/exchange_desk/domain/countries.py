"""ISO 3166-1 alpha-2 country codes and their names in each language, from Babel's CLDR data."""

from __future__ import annotations

from functools import cache

from babel import Locale

# CLDR lists some codes that are not ISO 3166-1 countries (regions, exceptional reservations,
# private use). Kosovo's XK is not ISO either, but every office and registry uses it, so it stays.
_NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "IC", "TA", "EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"}
)


@cache
def country_codes() -> frozenset[str]:
    territories = Locale("en").territories
    codes = (str(code) for code in territories)
    return frozenset(
        code for code in codes if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    )


def is_country_code(code: str) -> bool:
    return code in country_codes()


@cache
def _territories(babel_locale: str) -> dict[str, str]:
    return {str(code): str(name) for code, name in Locale.parse(babel_locale).territories.items()}


def country_name(code: str, babel_locale: str = "en") -> str:
    """The country's name in the language of `babel_locale`, or the code if unknown."""
    return _territories(babel_locale).get(code, code)


# The continents as UN M.49 regions, whose names CLDR has in every language.
AFRICA, AMERICAS, ASIA, EUROPE, OCEANIA = "002", "019", "142", "150", "009"
CONTINENTS = (ASIA, EUROPE, AFRICA, AMERICAS, OCEANIA)
_ZONE_CONTINENT = {
    "Africa": AFRICA,
    "America": AMERICAS,
    "Asia": ASIA,
    "Europe": EUROPE,
    "Australia": OCEANIA,
    "Pacific": OCEANIA,
}
# Countries whose first time zone is an ocean's or another continent's; the rest follow it.
_CONTINENT_OF = {
    "IS": EUROPE,
    "FO": EUROPE,
    "PT": EUROPE,
    "BM": AMERICAS,
    "FK": AMERICAS,
    "GS": AMERICAS,
    "CV": AFRICA,
    "SH": AFRICA,
    "MU": AFRICA,
    "RE": AFRICA,
    "KM": AFRICA,
    "SC": AFRICA,
    "YT": AFRICA,
    "MG": AFRICA,
    "MV": ASIA,
    "IO": ASIA,
    "CX": OCEANIA,
    "CC": OCEANIA,
    "TF": AFRICA,
    "AQ": OCEANIA,
    "TR": ASIA,
    "CY": ASIA,
    "RU": EUROPE,
    "XK": EUROPE,
    "SJ": EUROPE,
    "BV": AFRICA,  # UN M.49 places Bouvet Island under sub-Saharan Africa
    "HM": OCEANIA,
}


def continent_of(code: str) -> str | None:
    """The M.49 continent of a country (Asia "142", Europe "150"...), or None if unknown.

    Babel carries no region containment, but it carries each country's time zones, whose
    names start with the continent ("Asia/Jerusalem"); the few that start with an ocean
    are listed above, with Russia, Turkey and Cyprus placed as the UN places them.
    """
    if code in _CONTINENT_OF:
        return _CONTINENT_OF[code]
    zones = _territory_zones().get(code, ())
    for zone in zones:
        continent = _ZONE_CONTINENT.get(zone.split("/", 1)[0])
        if continent is not None:
            return continent
    return None


@cache
def _territory_zones() -> dict[str, tuple[str, ...]]:
    from babel.core import get_global

    return {str(k): tuple(v) for k, v in get_global("territory_zones").items()}


def continent_name(m49: str, babel_locale: str = "en") -> str:
    return _territories(babel_locale).get(m49, m49)
