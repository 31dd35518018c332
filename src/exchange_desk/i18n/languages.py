"""The languages Exchange Desk speaks, and their writing direction: the one place to add one.

A language goes by several codes, and this is the one place that maps them:

- `code`, its catalog's (gettext) code and the window's: `en`, `zh_CN`, `he`;
- `short_code`, two letters (ISO 639-1): a document's language (a report, a certificate
  side) and the ending of a record's name columns (`name_zh`);
- `babel_locale`, Babel's locale for dates, numbers and country names: `zh_Hans_CN`;
- and what people and systems also write: `zh`, `zh-CN`, `zh_Hans`, `he_IL`, `iw`, `en-US`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal


@dataclass(frozen=True, slots=True)
class Language:
    """A user-interface language: gettext code, Babel locale, own name and direction, and
    the two-letter code of its documents and name columns."""

    code: str
    babel_locale: str
    native_name: str
    direction: Literal["ltr", "rtl"]
    short_code: str

    @property
    def is_rtl(self) -> bool:
        return self.direction == "rtl"


LANGUAGES: tuple[Language, ...] = (
    Language("en", "en", "English", "ltr", short_code="en"),
    Language("zh_CN", "zh_Hans_CN", "中文", "ltr", short_code="zh"),
    Language("he", "he", "עברית", "rtl", short_code="he"),
)
SOURCE_LANGUAGE = "en"
DOMAIN = "exchange_desk"
# The languages of a record's names, in the order of its name columns (name_en, name_zh,
# name_he): the short codes of LANGUAGES.
NAME_LANGUAGES: tuple[str, ...] = tuple(language.short_code for language in LANGUAGES)

# Other spellings of the same languages, written lower case with "_" (see `_normalized`).
_ALIASES = {
    "zh_hans": "zh_CN",
    "zh_hans_cn": "zh_CN",
    "iw": "he",  # Hebrew's code before 1989, which Java and old systems still give
    "iw_il": "he",
    "he_il": "he",
    "en_us": "en",
    "en_gb": "en",
}


def _normalized(code: str) -> str:
    return code.strip().replace("-", "_").lower()


@cache
def _by_code() -> dict[str, Language]:
    found: dict[str, Language] = {}
    for language in LANGUAGES:
        for spelling in (language.code, language.short_code, language.babel_locale):
            found[_normalized(spelling)] = language
    for alias, code in _ALIASES.items():
        found[alias] = found[_normalized(code)]
    return found


def find_language(code: str) -> Language | None:
    """The language for a code such as `he`, `iw`, `zh`, `zh_CN`, `zh_Hans_CN` or `en-US`;
    None if unknown."""
    return _by_code().get(_normalized(code))


def language_codes() -> list[str]:
    return [language.code for language in LANGUAGES]


def catalog_code(code: str) -> str:
    """The catalog's (the window's) code of a language: `zh` → `zh_CN`; English for a code
    of no language Exchange Desk speaks."""
    language = find_language(code)
    return language.code if language is not None else SOURCE_LANGUAGE


def short_code(code: str) -> str:
    """The two-letter code of a language: `zh_CN` → `zh`, `iw` → `he`; English for a code
    of no language Exchange Desk speaks."""
    language = find_language(code)
    return language.short_code if language is not None else SOURCE_LANGUAGE


@cache
def name_order(code: str) -> tuple[str, ...]:
    """Which of a record's names to show in the language `code`: its own first, then
    English, then the others in column order (short codes: `he` → he, en, zh)."""
    own = short_code(code)
    rest = [SOURCE_LANGUAGE, *NAME_LANGUAGES]
    return tuple(dict.fromkeys([own, *rest]))
