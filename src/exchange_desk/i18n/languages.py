"""The languages Exchange Desk speaks, and their writing direction: the one place to add one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class Language:
    """A user-interface language: gettext code, Babel locale, own name and direction."""

    code: str
    babel_locale: str
    native_name: str
    direction: Literal["ltr", "rtl"]

    @property
    def is_rtl(self) -> bool:
        return self.direction == "rtl"


LANGUAGES: tuple[Language, ...] = (
    Language("en", "en", "English", "ltr"),
    Language("zh_CN", "zh_Hans_CN", "中文", "ltr"),
    Language("he", "he", "עברית", "rtl"),
)
SOURCE_LANGUAGE = "en"
DOMAIN = "exchange_desk"

_ALIASES = {
    "zh": "zh_CN",
    "zh_cn": "zh_CN",
    "zh-cn": "zh_CN",
    "zh_hans": "zh_CN",
    "zh-hans": "zh_CN",
    "he_il": "he",
    "he-il": "he",
    "iw": "he",
    "en_us": "en",
    "en-us": "en",
    "en_gb": "en",
    "en-gb": "en",
}


def find_language(code: str) -> Language | None:
    """The language for a code such as `he`, `zh`, `zh_CN` or `en-US`; None if unknown."""
    wanted = _ALIASES.get(code.strip().lower(), code.strip())
    for language in LANGUAGES:
        if language.code.lower() == wanted.lower():
            return language
    return None


def language_codes() -> list[str]:
    return [language.code for language in LANGUAGES]
