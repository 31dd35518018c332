"""Messages of the domain's rules and errors, translated only when they are shown.

The domain imports nothing of the program outside `domain/`, so it cannot look a catalog up
itself. It says what it means as a `Message`: the msgid (the English text) and its named
arguments, with the plural and the count where the wording depends on a number. Turning a
message into text (`str(message)` or `message.text()`) goes through the translator that
`i18n.catalog` installs with `set_translator` whenever the language is set; a document in a
language of its own passes its own `gettext` and `ngettext` to `text()`.

The markers have the names `pybabel extract` looks for, so the msgids written here land in
the catalogs as any other:

- `_("...")` makes a message; `.format(name=value)` gives it its arguments, as `str.format`
  would, and returns a new message (nothing is translated yet);
- `ngettext("...", "...", count)` makes a message whose wording follows `count`;
- `N_("...")` marks a msgid that is kept as text and translated later (labels).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Gettext = Callable[[str], str]
Ngettext = Callable[[str, str, int], str]


def _source_gettext(message: str) -> str:
    return message


def _source_ngettext(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


# English, the source language, until i18n installs the active catalog.
_gettext: Gettext = _source_gettext
_ngettext: Ngettext = _source_ngettext


def set_translator(gettext: Gettext, ngettext: Ngettext) -> None:
    """Translate every message from now on with `gettext` and `ngettext` (i18n calls this
    when the language is set)."""
    global _gettext, _ngettext
    _gettext, _ngettext = gettext, ngettext


def translate(msgid: str) -> str:
    """`msgid` in the active language (for a msgid kept as text, marked with `N_`)."""
    return _gettext(msgid)


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it now."""
    return message


@dataclass(frozen=True, slots=True)
class Message:
    """A msgid with its named arguments (and plural form and count), not yet translated."""

    msgid: str
    plural: str | None = None
    count: int = 1
    # None: the text is not formatted (its braces are literal), as `_("...")` without
    # `.format`; else the named arguments, in the order given.
    arguments: tuple[tuple[str, object], ...] | None = None

    def format(self, **arguments: object) -> Message:
        """This message with named arguments for its placeholders, as `str.format` takes."""
        return Message(self.msgid, self.plural, self.count, tuple(arguments.items()))

    def text(self, gettext: Gettext | None = None, ngettext: Ngettext | None = None) -> str:
        """The message in the active language, or in the language of `gettext` and
        `ngettext` when they are given (a document's own). Arguments that are messages
        themselves are translated the same way."""
        if self.plural is None:
            template = (gettext or _gettext)(self.msgid)
        else:
            template = (ngettext or _ngettext)(self.msgid, self.plural, self.count)
        if self.arguments is None:
            return template
        values = {
            name: value.text(gettext, ngettext) if isinstance(value, Message) else value
            for name, value in self.arguments
        }
        return template.format(**values)

    def __str__(self) -> str:
        return self.text()


def _(message: str) -> Message:
    """A message to translate when it is shown; `.format(...)` adds its arguments."""
    return Message(message)


def ngettext(singular: str, plural: str, n: int) -> Message:
    """A message whose singular or plural form is picked by `n` when it is shown."""
    return Message(singular, plural, n)


def text_of(message: str | Message) -> str:
    """A message's text in the active language; a text already made is returned as it is."""
    return message if isinstance(message, str) else message.text()
