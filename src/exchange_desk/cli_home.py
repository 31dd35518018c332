"""The command line's start screen: what is due and how each partnership is doing.

    exchange-desk due [--on DATE] [--days N] [--json]
    exchange-desk calendar [--on DATE] [--days N] -o FILE.ics
    exchange-desk health [--on DATE] [--json]

`--on` sets "today" (to plan ahead, or for tests); `--days N` looks N days ahead for every
kind of item instead of each kind's own window (agreements 180 days, anniversaries 24 months,
delegations and events 60 days). All three only read the database.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from exchange_desk.cli_args import day
from exchange_desk.i18n.catalog import _

if TYPE_CHECKING:
    from exchange_desk.services.due import DueItem
    from exchange_desk.services.health import PartnershipHealth
    from exchange_desk.storage.database import Database

COMMANDS = ("due", "calendar", "health")
DAYS_MAX = 3660  # ten years ahead: more is a typing slip, and dates past 9999 do not exist


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= DAYS_MAX:
        raise argparse.ArgumentTypeError(
            _("a number of days from 0 to {most}: {text}").format(most=DAYS_MAX, text=text)
        )
    return value


def add_parsers(commands: Any, common: Any) -> None:
    due = commands.add_parser(
        "due", help=_("what is due soon: agreements, anniversaries, visits, certificates")
    )
    common(due, top=False)
    calendar = commands.add_parser(
        "calendar", help=_("the due dates as an .ics calendar, for Outlook")
    )
    common(calendar, top=False)
    health = commands.add_parser(
        "health", help=_("how each partnership is doing against the office's norms")
    )
    common(health, top=False)
    for parser in (due, calendar, health):
        parser.add_argument(
            "--on", type=day, metavar="DATE", help=_("the day taken as today (YYYY-MM-DD)")
        )
    for parser in (due, calendar):
        parser.add_argument(
            "--days", type=_days, metavar="N", help=_("look N days ahead for every kind of item")
        )
    for parser in (due, health):
        parser.add_argument("--json", action="store_true", help=_("print JSON"))
    calendar.add_argument(
        "-o", "--output", type=Path, required=True, metavar="FILE.ics", help=_("the file to write")
    )


def run(args: argparse.Namespace, database: Database, out: TextIO) -> int:
    if args.command == "health":
        return _health(args, database, out)
    from exchange_desk.services.due import due_items

    due = due_items(database, on=args.on, days=args.days)
    if args.command == "calendar":
        from exchange_desk.services.due_calendar import write_calendar

        path = write_calendar(due, args.output)
        out.write(
            _("Calendar written to {path} ({count} due dates).").format(path=path, count=len(due))
            + "\n"
        )
        return 0
    if args.json:
        _print_json([due_dict(item) for item in due.items], out)
        return 0
    from exchange_desk.services.due import date_text, when_text

    if not due.items:
        out.write(_("Nothing is due.") + "\n")
        return 0
    _table(
        [_("Date"), _("When"), _("What"), _("Record")],
        [
            [date_text(item), when_text(item.days, item.date), item.sentence(), _record(item)]
            for item in due.items
        ],
        out,
    )
    return 0


def _record(item: DueItem) -> str:
    return f"{item.record_kind} {item.record_id}" + (" *" if item.is_sample else "")


def due_dict(item: DueItem) -> dict[str, Any]:
    """An item as JSON: codes and ids for programs, the sentence for people."""
    return {
        "kind": item.kind.value,
        "date": item.date.isoformat(),
        "days": item.days,
        "what": item.sentence(),
        "record_kind": item.record_kind,
        "record_id": item.record_id,
        "city_id": item.city_id,
        "partnership_id": item.partnership_id,
        "years": item.years,
        "direction": item.direction.value if item.direction else None,
        "number": item.number or None,
        "actions": [action.value for action in item.actions],
        "is_sample": item.is_sample,
    }


def health_dict(health: PartnershipHealth) -> dict[str, Any]:
    return {
        "partnership_id": health.partnership_id,
        "city_id": health.city_id,
        "city": {"en": health.city.en, "zh": health.city.zh, "he": health.city.he},
        "country": health.country,
        "tier": health.tier.value,
        "status": health.status.value,
        "established": health.established.isoformat() if health.established else None,
        "last_exchange": health.last_exchange.isoformat() if health.last_exchange else None,
        "years_quiet": health.years_quiet,
        "per_year": dict(zip(map(str, health.years), health.per_year, strict=True)),
        "sent": health.sent,
        "received": health.received,
        "areas": [area.value for area in health.areas],
        "norm": health.norm,
        "rate": health.rate,
        "signals": [signal.value for signal in health.signals],
        "is_sample": health.is_sample,
    }


def _health(args: argparse.Namespace, database: Database, out: TextIO) -> int:
    from exchange_desk.i18n.formatting import format_list, format_number, format_partial_date
    from exchange_desk.services.health import partnership_health

    found = partnership_health(database, on=args.on)
    if args.json:
        _print_json([health_dict(health) for health in found], out)
        return 0
    if not found:
        out.write(_("No partnerships.") + "\n")
        return 0
    years = found[0].years
    rows = []
    for health in found:
        rows.append(
            [
                health.city.best() + (" *" if health.is_sample else ""),
                health.tier.label,
                format_partial_date(health.last_exchange) if health.last_exchange else "—",
                " ".join(str(count) for count in health.per_year),
                f"{health.sent}/{health.received}",
                format_number(health.rate),
                format_list(signal.label for signal in health.signals),
            ]
        )
    _table(
        [
            _("Partner city"),
            _("Tier"),
            _("Last exchange"),
            _("{first}–{last}").format(first=years[0], last=years[-1]),
            _("Sent/received"),
            _("A year"),
            _("To notice"),
        ],
        rows,
        out,
    )
    return 0


def _print_json(data: Any, out: TextIO) -> None:
    from exchange_desk.cli import _print_json as print_json

    print_json(data, out)


def _table(headers: list[str], rows: list[list[str]], out: TextIO) -> None:
    from exchange_desk.cli import _table as table

    table(headers, rows, out)
