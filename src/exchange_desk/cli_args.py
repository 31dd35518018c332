"""Argument types of the command line: record numbers, counts, years and days, refused with
a one-line usage error (exit 2) when they cannot be what they name.

A number beyond what the database holds (PostgreSQL's INTEGER, and SQLite's own limit for a
bound value) is refused here, before any query: `certificate 99999999999999999999` is a
typing slip, not a reason for a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt

from exchange_desk.domain.declaration import INT_MAX
from exchange_desk.domain.text_rules import DIRECTION_CONTROLS
from exchange_desk.i18n.catalog import _

YEAR_MIN, YEAR_MAX = 1, 9999  # what a date can hold


def whole_number(text: str, minimum: int, maximum: int = INT_MAX) -> int:
    """`text` as a whole number from `minimum` to `maximum`, or a usage error."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("not a whole number: {text}").format(text=text)
        ) from None
    if value < minimum:
        raise argparse.ArgumentTypeError(
            _("must be {minimum} or more: {text}").format(minimum=minimum, text=text)
        )
    if value > maximum:
        raise argparse.ArgumentTypeError(
            _("must be at most {maximum}: {text}").format(maximum=maximum, text=text)
        )
    return value


def record_id(text: str) -> int:
    """A record's number: 1 or more, and small enough for the database."""
    return whole_number(text, 1)


def count(text: str) -> int:
    """How many: 0 or more, and small enough for the database."""
    return whole_number(text, 0)


def year(text: str) -> int:
    return whole_number(text, YEAR_MIN, YEAR_MAX)


def day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("not a date: {text} (write it as 2018-12-01)").format(text=text)
        ) from None


def _text_problem(text: str) -> str | None:
    if any("\udc80" <= letter <= "\udcff" for letter in text):
        # Bytes the system's encoding could not read, kept as stand-ins by Python.
        return _("“{text}” is not text in the system's encoding.").format(
            text=text.encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace")
        )
    if "\x00" in text:
        return _("“{text}” holds a NUL character.").format(text=text.replace("\x00", "\\0"))
    return None


def argument_problems(args: argparse.Namespace) -> list[str]:
    """What is wrong with the words typed, before any of them reaches a service: bytes
    that are not text, a NUL, and in a name for the register (`--by`) any control or
    direction-changing character."""
    problems = []
    for name, value in sorted(vars(args).items()):
        texts = [value] if isinstance(value, str) else []
        texts += [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
        for text in texts:
            problem = _text_problem(text)
            if problem:
                problems.append(f"--{name.replace('_', '-')}: {problem}")
    by = getattr(args, "by", None)
    if (
        isinstance(by, str)
        and not _text_problem(by)
        and any(letter in DIRECTION_CONTROLS or letter < " " or letter == "\x7f" for letter in by)
    ):
        problems.append(
            _("--by: a name for the register cannot hold control or text-direction characters.")
        )
    return problems
