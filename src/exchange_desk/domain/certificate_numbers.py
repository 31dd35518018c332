"""Certificate numbers made from the office's pattern: check a pattern, make a number from
it, and read the running number back out of a stored one.

A pattern is plain text with `{seq}` exactly once (or `{seq:0N}`, the running number padded
with zeros to N digits) and `{year}` wherever the year goes: `JN-{year}-{seq:04}` makes the
seventh certificate of 2018 `JN-2018-0007`. Nothing else may stand in braces, and the text
around the placeholders keeps to what a certificate number may hold, so that every number a
valid pattern makes is itself a valid certificate number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exchange_desk.domain.messages import Message, _

DEFAULT_PATTERN = "{year}-{seq:04}"
# Letters have a register of their own: L for letter, so the two never look alike.
DEFAULT_LETTER_PATTERN = "L{year}-{seq:03}"
PATTERN_MAX = 80  # the column's width
NUMBER_MAX = 40  # certificates.number's width
NUMBER_RULE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-/.]*$")

_NUMBER_PARTS = re.compile(r"\d+|\D+")
_PLACEHOLDER = re.compile(r"\{(?:(?P<year>year)|seq(?::0(?P<width>[1-9]))?)\}")
_LITERAL = re.compile(r"^[A-Za-z0-9\-/.]*$")
# Years are 1000-2999 (see domain.dates): four digits, which the length check relies on.
_EXAMPLE_YEAR = 2018


@dataclass(frozen=True, slots=True)
class _Part:
    """A piece of a pattern: literal text, the year, or the running number (`width` 0:
    unpadded)."""

    text: str = ""
    is_year: bool = False
    is_seq: bool = False
    width: int = 0


def _parts(pattern: str) -> list[_Part]:
    parts: list[_Part] = []
    position = 0
    for found in _PLACEHOLDER.finditer(pattern):
        if found.start() > position:
            parts.append(_Part(text=pattern[position : found.start()]))
        if found.group("year"):
            parts.append(_Part(is_year=True))
        else:
            parts.append(_Part(is_seq=True, width=int(found.group("width") or 0)))
        position = found.end()
    if position < len(pattern):
        parts.append(_Part(text=pattern[position:]))
    return parts


def pattern_problems(pattern: str) -> list[str]:
    """What is wrong with a numbering pattern, in the user's language (empty: it is good)."""
    return [message.text() for message in pattern_messages(pattern)]


def pattern_messages(pattern: str) -> list[Message]:
    """What is wrong with a numbering pattern, as messages (empty: it is good)."""
    if len(pattern) > PATTERN_MAX:
        return [
            _("Too long: {length} characters, at most {limit} are allowed.").format(
                length=len(pattern), limit=PATTERN_MAX
            )
        ]
    found: list[Message] = []
    parts = _parts(pattern)
    literal = "".join(part.text for part in parts)
    if "{" in literal or "}" in literal:
        found.append(
            _("Only {year_code} and {seq_code} (or {padded_code}) may stand in braces.").format(
                year_code="{year}", seq_code="{seq}", padded_code="{seq:04}"
            )
        )
    elif not _LITERAL.match(literal):
        found.append(_("Besides the placeholders, use letters A-Z, digits, '-', '/' and '.' only."))
    sequences = sum(1 for part in parts if part.is_seq)
    if sequences != 1:
        found.append(
            _(
                "Put {seq_code} (or {padded_code}) in the pattern exactly once: it stands for "
                "the running number of the year."
            ).format(seq_code="{seq}", padded_code="{seq:04}")
        )
    if found:
        return found
    example = format_certificate_number(pattern, _EXAMPLE_YEAR, 1)
    if not NUMBER_RULE.match(example):
        found.append(_("Begin the pattern with a letter, a digit or a placeholder."))
    elif len(example) > NUMBER_MAX:
        found.append(
            _("The numbers would be too long: {example} has more than {limit} characters.").format(
                example=example, limit=NUMBER_MAX
            )
        )
    return found


def _numbering_parts(pattern: str) -> list[_Part]:
    """The pattern's parts; ValueError when it has no `{seq}` or has it more than once."""
    parts = _parts(pattern)
    if sum(1 for part in parts if part.is_seq) != 1:
        raise ValueError(f"not a certificate number pattern: {pattern!r}")
    return parts


def format_certificate_number(pattern: str, year: int, seq: int) -> str:
    """The number `pattern` gives the `seq`-th certificate of `year`.

    ``format_certificate_number("JN-{year}-{seq:04}", 2018, 7) == "JN-2018-0007"``. Raises
    ValueError when the pattern has no `{seq}` or has it more than once.
    """
    texts = []
    for part in _numbering_parts(pattern):
        if part.is_year:
            texts.append(str(year))
        elif part.is_seq:
            texts.append(f"{seq:0{part.width}d}" if part.width else str(seq))
        else:
            texts.append(part.text)
    return "".join(texts)


def number_reader(pattern: str, year: int) -> re.Pattern[str]:
    """A regular expression that matches the numbers `pattern` makes for `year`, with the
    running number in the group `seq`.

    Any count of digits matches `{seq:04}`, so that numbers made before the padding was
    changed still count. A pattern without `{year}` matches the numbers of every year: its
    running number then never restarts (it could not, without repeating numbers).
    """
    pieces = []
    for part in _numbering_parts(pattern):
        if part.is_year:
            pieces.append(re.escape(str(year)))
        elif part.is_seq:
            pieces.append(r"(?P<seq>\d+)")
        else:
            pieces.append(re.escape(part.text))
    return re.compile("^" + "".join(pieces) + "$")


def like_prefix(pattern: str, year: int) -> str:
    """The literal start of every number `pattern` makes for `year` (for a LIKE 'prefix%')."""
    prefix = []
    for part in _parts(pattern):
        if part.is_seq:
            break
        prefix.append(str(year) if part.is_year else part.text)
    return "".join(prefix)


def sequence_of(pattern: str, year: int, number: str) -> int | None:
    """The running number in `number` if `pattern` made it for `year`; None otherwise."""
    found = number_reader(pattern, year).match(number)
    return int(found.group("seq")) if found else None


def number_sort_key(number: str) -> tuple[tuple[int, int, str], ...]:
    """Orders numbers as people read them: JN-2018-9 before JN-2018-10."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in _NUMBER_PARTS.findall(number)
    )
