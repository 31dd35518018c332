"""Table cells read in their own text's direction, whatever the window's.

Qt lays a cell's text out in the view's direction: in the English window a Hebrew purpose
"פגישה עם John Smith (UK) ב-15.3.2025" would read with its runs in the wrong places, and the
same in the Hebrew window for an English sentence holding a Hebrew title. People type such
mixed texts every day, so a cell whose first strong character (the Unicode rule for a
paragraph) runs against the window is shown inside an embedding of its own direction: it
then reads as typed and still stands at the column's usual edge.

An embedding in the text, not a delegate: overriding a delegate's `paint` or
`initStyleOption` in PySide6 6.12 drops a reference to None on every cell painted, which
ends the program after a few thousand repaints.
"""

from __future__ import annotations

import re
import unicodedata

from exchange_desk.domain.messages import Message

_RIGHT_TO_LEFT = frozenset({"R", "AL"})
LEFT_TO_RIGHT_EMBEDDING = "\u202a"
RIGHT_TO_LEFT_EMBEDDING = "\u202b"
POP_DIRECTIONAL_FORMATTING = "\u202c"
MARKS = LEFT_TO_RIGHT_EMBEDDING + RIGHT_TO_LEFT_EMBEDDING + POP_DIRECTIONAL_FORMATTING


def is_right_to_left(text: str) -> bool | None:
    """Whether `text`'s first strong character is right to left; None when it has none
    (digits and punctuation only)."""
    if text.isascii():
        return False if any(character.isalpha() for character in text) else None
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return False
        if kind in _RIGHT_TO_LEFT:
            return True
    return None


def in_own_direction(text: str, window_right_to_left: bool) -> str:
    """`text` as a cell of a window running the given way shows it: unchanged when it runs
    the same way (or has no direction), else in an embedding of its own direction."""
    if not text or (text.isascii() and not window_right_to_left):
        return text  # the common case, decided without looking at each character
    own = is_right_to_left(text)
    if own is None or own == window_right_to_left:
        return text
    opening = RIGHT_TO_LEFT_EMBEDDING if own else LEFT_TO_RIGHT_EMBEDDING
    return opening + text + POP_DIRECTIONAL_FORMATTING


def as_typed(text: str) -> str:
    """A cell's text without the embedding added for display."""
    return text.strip(MARKS)


# A Windows path (C:\…, \\server\…) or a POSIX one (/home/…): runs of what paths hold.
_PATH = re.compile(r"(?:\b[A-Za-z]:[\\/]|\\\\|(?<![\w/.])/)(?:[^\s\"“”„«»]*[^\s\"“”„«».,;:)])?")


# The arguments of the storage's messages that hold a path, a folder or a disk.
PATH_ARGUMENTS = frozenset({"path", "folder", "backup", "disk", "where", "url"})


def isolated(value: object) -> str:
    # An embedding rather than an isolate (U+2066): Qt's layout of a label reorders the
    # slashes of a path wrapped in an isolate as if it were not there.
    return LEFT_TO_RIGHT_EMBEDDING + str(value) + POP_DIRECTIONAL_FORMATTING


def message_with_paths_isolated(message: Message) -> str:
    """A domain or storage message in the active language, its path arguments isolated
    left to right (a path with spaces in it stays whole, which a pattern could not know)."""
    if not message.arguments:
        return message.text()
    return Message(
        message.msgid,
        message.plural,
        message.count,
        tuple(
            (name, isolated(value) if name in PATH_ARGUMENTS else value)
            for name, value in message.arguments
        ),
    ).text()


def isolate_paths(text: str) -> str:
    """`text` with each file path in it isolated left to right: in a Hebrew message a path's
    slashes and dots would otherwise be reordered with the words around it
    ("/C:/Users/…" read backwards)."""
    return _PATH.sub(lambda found: isolated(found.group(0)), text)
