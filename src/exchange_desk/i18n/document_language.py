"""A document's own language: its words, names, dates, numbers and countries.

A report is written in the language asked for, whatever the window speaks (a Hebrew report
made from a Chinese window). The language is resolved once, where the document is asked
for, into a `DocumentLanguage`; the code that writes the document takes everything it says
from that one object and never looks at the active language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Protocol

from babel.dates import get_month_names

from exchange_desk.domain.countries import continent_name, country_name
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import Labelled
from exchange_desk.domain.messages import Message
from exchange_desk.i18n.catalog import Translator, translator
from exchange_desk.i18n.formatting import format_long_date, format_number, format_partial_date
from exchange_desk.i18n.languages import Language, find_language


class Named(Protocol):
    """A record's names in several languages (`services.names.Names`)."""

    def best(self, language: str | None = None) -> str: ...


# Babel takes about 30 µs a date or number; a busy year's tables hold a few hundred distinct
# dates and member counts among thousands of cells, so each is formatted once.
@lru_cache(maxsize=8192)
def _date_text(value: PartialDate | None, catalog_code: str) -> str:
    # Marks are stripped: the PDF text engine orders the text itself.
    return format_partial_date(value, catalog_code, strip_marks=True)


@lru_cache(maxsize=8192)
def _number_text(value: int | None, catalog_code: str) -> str:
    return format_number(value, catalog_code)


@dataclass(frozen=True, slots=True)
class DocumentLanguage:
    """Translations, names, dates and numbers in a document's language.

    The methods are called `gettext` and `ngettext` so that `pybabel extract` finds the
    messages passed to them, as it finds those passed to `_`.
    """

    language: Language
    catalog: Translator

    @property
    def code(self) -> str:
        """The document's code: "zh", "en", "he"."""
        return self.language.short_code

    @property
    def ui(self) -> str:
        """The catalog's code, which the window uses: "zh_CN", "en", "he"."""
        return self.language.code

    @property
    def locale(self) -> str:
        """Babel's locale: "zh_Hans_CN", "en", "he"."""
        return self.language.babel_locale

    @property
    def is_rtl(self) -> bool:
        return self.language.is_rtl

    def gettext(self, message: str) -> str:
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalog.ngettext(singular, plural, n)

    def message(self, message: Message) -> str:
        """A domain message in this language."""
        return message.text(self.catalog.gettext, self.catalog.ngettext)

    def date(self, value: PartialDate | None) -> str:
        return _date_text(value, self.ui)

    def long_date(self, value: dt.date | PartialDate) -> str:
        """A day (or month) in the language's long form: 2018年11月16日, 16 November 2018."""
        return format_long_date(value, self.ui)

    def period(self, start: PartialDate | None, end: PartialDate | None) -> str:
        if start is None or end is None or end == start:
            return self.date(start or end)
        return f"{self.date(start)} – {self.date(end)}"

    def number(self, value: int | None) -> str:
        return _number_text(value, self.ui)

    def month_names(self) -> tuple[str, ...]:
        """January to December, abbreviated, as a chart's axis names them."""
        return _month_names(self.locale)

    def name(self, names: Named) -> str:
        return names.best(self.ui)

    def label(self, value: Labelled | None) -> str:
        return value.label_in(self.gettext) if value is not None else ""

    def country(self, code: str) -> str:
        return country_name(code, self.locale) if code else ""

    def continent(self, m49: str) -> str:
        return continent_name(m49, self.locale)

    def listing(self, items: Iterable[str]) -> str:
        return ("、" if self.code == "zh" else ", ").join(item for item in items if item)

    def with_note(self, text: str, note: str) -> str:
        """Text with a note after it, as "Li Wei (Deputy Mayor)"; Chinese has full-width
        parentheses."""
        if not note:
            return text
        if not text:
            return note
        return f"{text}（{note}）" if self.code == "zh" else f"{text} ({note})"

    def sentences(self, items: Iterable[str]) -> str:
        # Chinese runs sentences together; the others put a space after the full stop.
        return ("" if self.code == "zh" else " ").join(item for item in items if item)


@cache
def _month_names(locale: str) -> tuple[str, ...]:
    names = get_month_names("abbreviated", "stand-alone", locale=locale)
    return tuple(str(names[number]) for number in range(1, 13))


def document_language(code: str) -> DocumentLanguage:
    """The language `code` ("zh", "zh_CN", "en", "he", "iw"...) for a document; raise
    ValueError for a language Exchange Desk does not speak."""
    language = find_language(code)
    if language is None:
        raise ValueError(code)
    return _document_language(language.code)


@cache
def _document_language(catalog_code: str) -> DocumentLanguage:
    language = find_language(catalog_code)
    assert language is not None
    return DocumentLanguage(language, translator(catalog_code))
