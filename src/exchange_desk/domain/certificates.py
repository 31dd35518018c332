"""What a certificate of honor says, in each of its languages, ready to be laid out.

The services gather it from the award and the office profile; `documents/` draws it. Every
text here is plain user text: the drawing code escapes nothing because it uses no markup.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from exchange_desk.domain.enums import LanguageMode

# The three languages a certificate can carry, by their short codes.
CERTIFICATE_LANGUAGES = ("zh", "en", "he")


def mode_languages(mode: LanguageMode) -> tuple[str, ...]:
    """The languages of a mode, in the order they are printed: ``zh+en+he`` → zh, en, he."""
    return tuple(mode.value.split("+"))


def parse_language_mode(text: str) -> LanguageMode:
    """A mode from what a person types: ``zh+en``, ``en+he`` or ``he+en``, ``ZH + EN``.

    The order of the languages typed does not matter; the printed order is the mode's own.
    Raises ValueError for anything else.
    """
    wanted = frozenset(part.strip().lower() for part in text.split("+"))
    if not wanted or not wanted <= set(CERTIFICATE_LANGUAGES):
        raise ValueError(text)
    for mode in LanguageMode:
        if frozenset(mode_languages(mode)) == wanted:
            return mode
    raise ValueError(text)


@dataclass(frozen=True, slots=True)
class CertificateSide:
    """Everything printed in one language. Empty strings are simply left out.

    Read in order, a side says: title; presented_to recipient; honour (the award by name,
    and the conference where it was conferred); citation; then, in the signing block, the
    issuer (the body that confers the honour), place and date, signatory title and name,
    and `on_behalf` when the office prints the certificate for another body.
    """

    language: str
    title: str
    presented_to: str
    recipient: str
    citation: str
    issuer: str
    place_and_date: str
    signatory: str
    signatory_title: str
    honour: str = ""
    on_behalf: str = ""


@dataclass(frozen=True, slots=True)
class CertificateContent:
    """One certificate: its sides in printing order, number, seal and where it came from."""

    award_id: int
    number: str
    sides: tuple[CertificateSide, ...]
    issued_on: dt.date
    seal_image: bytes | None = None
    number_label: str = "No."
    record_label: str = ""  # names the award in messages ("award 12: Kfar Saba")
    sample: bool = False
    # A preview is not a certificate: it carries a diagonal PREVIEW mark and no number;
    # `number_note` then stands where the number would ("number given when printed").
    preview: bool = False
    number_note: str = ""
    extra: dict[str, str] = field(default_factory=dict)
