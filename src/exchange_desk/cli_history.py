"""The command line's audit log: a record's history and the office's log, read only.

    exchange-desk history KIND ID [--json]
    exchange-desk audit [--since YYYY-MM-DD] [--user NAME] [--kind KIND] [--limit N] [--json]

`history` lists what was done to one record, newest first (a deleted record keeps its
history); an id that names no record and has no history is a usage error (exit 2). `audit`
lists the office's log, oldest first, the newest 100 lines unless `--limit` says otherwise
(0: all). Text is a table in the user's language; `--json` prints each line as the log keeps
it (`AuditEntry.as_dict`). Neither writes anything, nor migrates the database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from exchange_desk.cli_args import count, record_id
from exchange_desk.i18n.catalog import _

if TYPE_CHECKING:
    from exchange_desk.services.database import Database
    from exchange_desk.services.history_text import HistoryLine

EXIT_UNKNOWN_RECORD = 2
DEFAULT_LIMIT = 100
# A column of the table is cut at this width, except the last, "What changed", which is
# printed whole: it is what the command is read for.
COLUMN_WIDTH = 40


def _day(text: str) -> dt.date:
    """A `--since` day, as YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("not a day: {text} (write it as YYYY-MM-DD, for example 2026-03-15)").format(
                text=text
            )
        ) from None


def add_parsers(commands: Any, common: Any, kinds: tuple[str, ...]) -> None:
    """Add `history` and `audit` to the command line's subcommands; `kinds` are the kinds
    `list` takes."""
    history = commands.add_parser(
        "history", help=_("what was done to one record: who, when, each field's old and new value")
    )
    common(history, top=False)
    history.add_argument("kind", choices=kinds, metavar="KIND", help=", ".join(kinds))
    history.add_argument("record_id", type=record_id, metavar="ID")
    history.add_argument("--json", action="store_true", help=_("print JSON"))

    log = commands.add_parser(
        "audit", help=_("the office's log of changes: who changed what, and when")
    )
    common(log, top=False)
    log.add_argument(
        "--since",
        type=_day,
        metavar="YYYY-MM-DD",
        help=_("only changes on or after this day (in this computer's time zone)"),
    )
    log.add_argument(
        "--user",
        metavar="NAME",
        help=_("only changes by this user (the office user or the computer's user)"),
    )
    log.add_argument("--kind", choices=kinds, metavar="KIND", help=_("only records of this kind"))
    log.add_argument(
        "--limit",
        type=count,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=_("the newest N lines (default: {count}; 0: all)").format(count=DEFAULT_LIMIT),
    )
    log.add_argument("--json", action="store_true", help=_("print JSON"))


def open_for_reading(location: str | None) -> Database:
    """The database as these commands use it: opened as it is to read only, never created,
    migrated nor written."""
    from exchange_desk.domain.errors import StorageProblem, StorageUnavailable
    from exchange_desk.services.database import open_office_database

    database = open_office_database(location, migrate=False, create=False, read_only=True)
    from exchange_desk.storage.database import SCHEMA_HEAD

    if database.stored_revision() != SCHEMA_HEAD:
        # An older schema has no log yet (a newer one was refused on opening).
        database.dispose()
        raise StorageUnavailable(
            StorageProblem.NEEDS_UPGRADE,
            _("The schema is not the newest: run 'exchange-desk db upgrade'."),
        )
    return database


def run_history(args: argparse.Namespace, database: Database, out: TextIO) -> int:
    from exchange_desk.services.history_text import record_exists, record_history
    from exchange_desk.services.kinds import kind_named

    lines = record_history(database, args.kind, args.record_id)
    if not lines and not record_exists(database, args.kind, args.record_id):
        print(
            "exchange-desk: "
            + _("There is no {kind} with id {id}.").format(
                kind=kind_named(args.kind).label(), id=args.record_id
            ),
            file=sys.stderr,
        )
        return EXIT_UNKNOWN_RECORD
    if args.json:
        _print_json([line.entry.as_dict() for line in lines], out)
        return 0
    _table(
        [_("Time"), _("User"), _("Action"), _("Record"), _("What changed")],
        [[line.when, line.who, line.action, line.record, line.what] for line in lines],
        out,
    )
    return 0


def run_audit(args: argparse.Namespace, database: Database, out: TextIO) -> int:
    from exchange_desk.services.history_text import office_log

    lines = office_log(
        database,
        since=args.since,
        user=args.user,
        kind=args.kind,
        limit=args.limit or None,
    )
    if args.json:
        _print_json([line.entry.as_dict() for line in lines], out)
        return 0
    _table(
        [_("Time"), _("User"), _("Action"), _("Kind"), _("Id"), _("Record"), _("What changed")],
        [_audit_row(line) for line in lines],
        out,
    )
    return 0


def _audit_row(line: HistoryLine) -> list[str]:
    entry = line.entry
    record_id = "" if entry.record_id is None else str(entry.record_id)
    return [line.when, line.who, line.action, line.kind, record_id, line.record, line.what]


def _print_json(data: Any, out: TextIO) -> None:
    out.write(json.dumps(data, ensure_ascii=False, indent=1))
    out.write("\n")


def _width(text: str) -> int:
    """Columns a text takes in a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cut(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    kept = ""
    for character in text:
        if _width(kept + character) > width - 1:
            break
        kept += character
    return kept + "…"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], out: TextIO) -> None:
    """As `list` prints its table, with the last column whole and wide characters counted
    as the two columns a terminal gives them."""
    last = len(headers) - 1
    widths = [
        min(max([_width(h)] + [_width(r[i]) for r in rows]), COLUMN_WIDTH)
        for i, h in enumerate(headers)
    ]

    def line(cells: Sequence[str]) -> str:
        shown = [
            cell if index == last else _cut(cell, widths[index]) for index, cell in enumerate(cells)
        ]
        padded = [
            cell if index == last else cell + " " * (widths[index] - _width(cell))
            for index, cell in enumerate(shown)
        ]
        return "  ".join(padded).rstrip() + "\n"

    out.write(line(headers))
    for row in rows:
        out.write(line(row))
