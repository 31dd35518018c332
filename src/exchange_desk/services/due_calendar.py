"""The due list as an iCalendar file, for Outlook: one all-day event per item.

An item dated to its day is an event on that day; one known only to its month or year (a
partnership "since 2009" has its tenth anniversary "in 2019") is an event on the first day
it can mean, and its description says how precisely the date is known. Each event's UID is
made from the item, so importing the calendar again updates the events instead of adding
them twice.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from exchange_desk.i18n.catalog import _
from exchange_desk.services.due import DueItem, DueList, date_text
from exchange_desk.services.output import DocumentProblem, writable_problem, write_whole


def _uid(item: DueItem) -> str:
    what = f"{item.kind.value}-{item.record_kind}-{item.record_id}"
    return f"{what}-{item.date.isoformat()}@exchange-desk"


def _description(item: DueItem) -> str:
    lines = [item.kind.label]
    if item.date.day is None:
        lines.append(_("The date is known only as {date}.").format(date=date_text(item)))
    if item.is_sample:
        lines.append(_("Sample record: invented for the demo, not a fact."))
    return "\n".join(lines)


def calendar_bytes(due: DueList) -> bytes:
    """The items of `due` as an .ics file's bytes, texts in the active language."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Exchange Desk//Due soon//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Exchange Desk: due soon"))
    stamp = dt.datetime.now(dt.UTC)
    for item in due.items:
        event = Event()
        event.add("uid", _uid(item))
        event.add("dtstamp", stamp)
        day = item.date.earliest()
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", item.sentence())
        event.add("description", _description(item))
        event.add("categories", [item.kind.label])
        event.add("transp", "TRANSPARENT")  # a reminder, not time taken
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def write_calendar(due: DueList, path: Path) -> Path:
    """`calendar_bytes` written to `path` (`.ics` added to a name without an ending) whole:
    no half-written file. DocumentProblem when the folder cannot be written."""
    path = Path(path)
    if not path.suffix:
        path = path.with_suffix(".ics")
    problem = writable_problem(path)
    if problem:
        raise DocumentProblem(problem)
    return write_whole(path, calendar_bytes(due))
