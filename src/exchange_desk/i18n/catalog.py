"""gettext plumbing: `_`, `N_` and `ngettext` that look the active catalog up at call time.

The active language can change while the program runs (the GUI's Language menu), so no
translated string may be computed at import time: mark such strings with `N_` and pass them
through `_` where they are shown.

A document has a language of its own (a Hebrew report made from a Chinese window):
`translator(code)` gives that language's catalog without touching the active one.

The domain speaks no language: its rules return `domain.messages.Message`s, which translate
through the catalog that `set_language` installs there.
"""

from __future__ import annotations

import gettext
import io
import threading
from dataclasses import dataclass
from pathlib import Path

from exchange_desk.domain import messages
from exchange_desk.i18n.languages import DOMAIN, SOURCE_LANGUAGE, Language, find_language

_active: gettext.NullTranslations = gettext.NullTranslations()
_active_code: str = SOURCE_LANGUAGE


def _(message: str) -> str:
    """Translate `message` into the active language."""
    return _active.gettext(message)


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it now."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate the singular or plural form that fits `n` in the active language."""
    return _active.ngettext(singular, plural, n)


def active_language() -> str:
    """The code of the language now in use (`en`, `zh_CN`, `he`)."""
    return _active_code


def load_translations(language: Language, i18n_dir: Path) -> gettext.NullTranslations:
    """Load the catalog of `language` from `i18n_dir`.

    A built program has compiled `.mo` files; a source checkout may only have the `.po`,
    which is compiled in memory with Babel so that running from a checkout needs no build step.
    A `.mo` older than its `.po` is stale (the `.po` was edited since) and is passed over.
    """
    if language.code == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    folder = i18n_dir / language.code / "LC_MESSAGES"
    mo_path = folder / f"{DOMAIN}.mo"
    po_path = folder / f"{DOMAIN}.po"
    po_time = po_path.stat().st_mtime if po_path.is_file() else 0.0
    if mo_path.is_file() and mo_path.stat().st_mtime >= po_time:
        with mo_path.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if po_path.is_file():
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=language.babel_locale)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return gettext.GNUTranslations(buffer)
    return gettext.NullTranslations()


def set_language(code: str, i18n_dir: Path | None = None) -> Language:
    """Make `code` the active language; raise ValueError for an unknown code."""
    global _active, _active_code
    language = find_language(code)
    if language is None:
        raise ValueError(code)
    if i18n_dir is None:
        from exchange_desk.paths import i18n_dir as default_i18n_dir

        i18n_dir = default_i18n_dir()
    _active = load_translations(language, i18n_dir)
    _active_code = language.code
    messages.set_translator(_active.gettext, _active.ngettext)
    return language


@dataclass(frozen=True, slots=True)
class Translator:
    """One language's catalog, independent of the active language (for documents)."""

    code: str  # the catalog's language code: "en", "zh_CN", "he"
    catalog: gettext.NullTranslations

    def gettext(self, message: str) -> str:
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalog.ngettext(singular, plural, n)


_translators: dict[str, Translator] = {}
# Reports are made on a worker thread while the window may ask for the same language.
_translators_lock = threading.Lock()


def translator(code: str) -> Translator:
    """The catalog of the language `code` ("zh", "zh_CN", "en", "he"), loaded once per
    language; raise ValueError for an unknown code."""
    language = find_language(code)
    if language is None:
        raise ValueError(code)
    with _translators_lock:
        found = _translators.get(language.code)
        if found is None:
            from exchange_desk.paths import i18n_dir

            found = Translator(language.code, load_translations(language, i18n_dir()))
            _translators[language.code] = found
        return found
