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
