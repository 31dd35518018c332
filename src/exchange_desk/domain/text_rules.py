"""Text as it is stored: without the invisible characters that make it read as something else.

Unicode's direction controls change the order in which the letters around them are shown
without being seen themselves: "evil name" typed between a right-to-left override (U+202E)
and a pop (U+202C) is shown as "live name", while it is stored, searched and printed as
"evil name". No name or note of the office needs them (the
program isolates the texts it puts together itself when it shows them), so every text field
loses them when it is stored:

- the embeddings and overrides, U+202A to U+202E (LRE, RLE, PDF, LRO, RLO), and the isolates,
  U+2066 to U+2069 (LRI, RLI, FSI, PDI), always;
- the direction marks (LRM U+200E, RLM U+200F, and ALM U+061C) except where one sits
  between runs of different direction, the only place where a mark decides something: after
  "ORT" and before "כפר סבא" it keeps the space on the right side. At either end, or between
  two runs of one direction, a mark changes nothing that a reader sees, and only keeps the
  text from being found by what it looks like ("Kfar", LRM, "Saba").

A mark cannot reorder letters: an invisible strong character, it only steers the neutral
characters (spaces, punctuation) next to it. That is why marks may stay where they work.

Plain values in, plain values out: the services clean every record before its rules are
checked (`services.records`), and say which fields they cleaned.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from exchange_desk.domain.declaration import FieldType, KindDeclaration

__all__ = [
    "DIRECTION_CONTROLS",
    "DIRECTION_MARKS",
    "TEXT_TYPES",
    "clean_text",
    "cleaned_fields",
    "cleaned_value",
    "direction_characters",
    "has_direction_characters",
    "text_fields",
]

DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
DIRECTION_MARKS = frozenset("\u200e\u200f\u061c")
_ANY = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# The field types that hold free text: what a user types or pastes.
TEXT_TYPES = frozenset({FieldType.TEXT, FieldType.MULTILINE})


def has_direction_characters(text: str) -> bool:
    """Whether `text` holds any direction control or mark (kept or not)."""
    return _ANY.search(text) is not None


def direction_characters(text: str) -> list[str]:
    """The direction controls and marks `clean_text` removes from `text`, as code points
    ("U+202E"), each once, in the order they first appear."""
    cleaned, removed = clean_text(text)
    if not removed:
        return []
    # Cleaning only deletes: walk both texts, what the cleaned one lacks was removed.
    found: dict[str, None] = {}
    position = 0
    for ch in text:
        if position < len(cleaned) and cleaned[position] == ch:
            position += 1
        else:
            found.setdefault(f"U+{ord(ch):04X}", None)
    return list(found)


def _strong(ch: str) -> str | None:
    """A letter's fixed direction, "L" or "R" (Hebrew and Arabic); None for anything else."""
    kind = unicodedata.bidirectional(ch)
    if kind == "L":
        return "L"
    if kind in ("R", "AL"):
        return "R"
    return None


def clean_text(text: str) -> tuple[str, bool]:
    """`text` without its direction controls and without the direction marks that sit
    anywhere but between runs of different direction; and whether anything was removed.

    "evil name" between U+202E and U+202C is ("evil name", True): the letters in the order
    they were typed, which is the order they are searched and printed in (what the override
    showed, "live name", was the trick). "ORT", RLM, " כפר סבא" keeps its mark. Text without
    any of them comes back as it is, at the cost of one regex scan.
    """
    if _ANY.search(text) is None:
        return text, False
    # Without the controls first: a mark's neighbours are judged as they will be stored.
    letters = [ch for ch in text if ch not in DIRECTION_CONTROLS]
    strong = [_strong(ch) for ch in letters]
    before: list[str | None] = []
    last: str | None = None
    for ch, direction in zip(letters, strong, strict=True):
        before.append(last)
        if direction is not None and ch not in DIRECTION_MARKS:
            last = direction
    after: list[str | None] = [None] * len(letters)
    last = None
    for index in range(len(letters) - 1, -1, -1):
        after[index] = last
        if strong[index] is not None and letters[index] not in DIRECTION_MARKS:
            last = strong[index]
    kept: list[str] = []
    previous_was_mark = False
    for index, ch in enumerate(letters):
        if ch in DIRECTION_MARKS:
            wanted = (
                not previous_was_mark
                and before[index] is not None
                and after[index] is not None
                and before[index] != after[index]
            )
            previous_was_mark = True
            if wanted:
                kept.append(ch)
            continue
        previous_was_mark = False
        kept.append(ch)
    cleaned = "".join(kept)
    return cleaned, cleaned != text


def text_fields(declaration: KindDeclaration) -> tuple[str, ...]:
    """The fields of a kind that hold free text, which `cleaned_fields` looks at."""
    return tuple(item.name for item in declaration.fields if item.type in TEXT_TYPES)


def cleaned_fields(declaration: KindDeclaration, record: Any) -> dict[str, str]:
    """The text fields of `record` that `clean_text` changes, with their cleaned values
    (empty when there is nothing to remove). A one-line field loses the spaces the controls
    hid at its ends too, as the form strips them from any name ("Kfar Saba " would be a
    second Kfar Saba). A value that is no text is left to the field's own rule to refuse."""
    found: dict[str, str] = {}
    for item in declaration.fields:
        if item.type not in TEXT_TYPES:
            continue
        value = getattr(record, item.name, None)
        if isinstance(value, str):
            cleaned = cleaned_value(value, one_line=item.type is FieldType.TEXT)
            if cleaned is not None:
                found[item.name] = cleaned
    return found


def cleaned_value(value: str, *, one_line: bool) -> str | None:
    """`value` as it is stored (`clean_text`), None when nothing is removed. A one-line value
    loses the spaces the controls hid at its ends too."""
    cleaned, removed = clean_text(value)
    if not removed:
        return None
    return cleaned.strip() if one_line else cleaned
