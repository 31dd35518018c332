"""The audit log as a person reads it: each `AuditEntry` as a line of the detail pane's
History and of `exchange-desk history` and `exchange-desk audit`.

A line says when (local time, in the language's own form), who (the office user, and the
computer's user behind a PostgreSQL role), what was done to which record, and for a change
each field's old and new value, shown as the detail pane shows them: field labels from the
kind's declaration, dates in the language's form, choices by their labels, records referred
to by their names, long text shortened.

The GUI and the command line share it; the GUI passes `own_direction` (each name and value
kept in its own direction in a right-to-left window) and `right_to_left` (the arrow from old
to new points the way the window reads).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from babel.dates import format_date, format_time, get_datetime_format
from sqlalchemy import select

from exchange_desk.domain.countries import country_name
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.declaration import Field, FieldType
from exchange_desk.domain.errors import NotFound
from exchange_desk.i18n.catalog import N_, _, active_language
from exchange_desk.i18n.formatting import (
    format_day,
    format_list,
    format_number,
    format_partial_date,
)
from exchange_desk.i18n.languages import find_language
from exchange_desk.services import audit
from exchange_desk.services.audit import Action, AuditEntry
from exchange_desk.services.kinds import KINDS, Kind
from exchange_desk.storage import schema

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from exchange_desk.storage.database import Database

__all__ = [
    "LANGUAGE_LABELS",
    "FieldChange",
    "HistoryLine",
    "describe",
    "field_label",
    "format_moment",
    "names_in",
    "office_log",
    "record_exists",
    "record_history",
    "value_text",
]

# How much of a long text a line shows: enough to recognise it, short enough for a line.
SHORT_TEXT = 60
EMPTY = "—"
# The name group's columns in the order English, Chinese, Hebrew (see `declaration.names`).
# A label of a field of one language, by the language's code (the suffix of its column:
# name_en is "Name (English)"); a group of three is in this order.
LANGUAGE_LABELS = {
    "en": N_("{label} (English)"),
    "zh": N_("{label} (Chinese)"),
    "he": N_("{label} (Hebrew)"),
}
_LANGUAGE_LABELS = tuple(LANGUAGE_LABELS.values())
# Bidirectional marks around the arrow: it stands in the line's direction, whatever the
# direction of the values on each side of it.
_LRM, _RLM = "\u200e", "\u200f"

NameTable = Mapping[tuple[str, int], str]  # (kind, id) -> the record's name in the language


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a change: its label, and its old and new value as the pane shows them."""

    name: str
    label: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """An `AuditEntry` in words, in the active language.

    `what` is the action's own detail for a table's "What changed" column (the fields'
    changes, a certificate's number, a file); `sentence` is the whole line without the time
    ("alice changed Leader: A → B; Members: 5 → 7"); `headline` the same without the fields
    ("changed by alice"), and `changed` each field's change ("Leader: A → B"), for a layout
    that lists them under it."""

    entry: AuditEntry
    when: str
    who: str
    action: str
    kind: str
    record: str
    changes: tuple[FieldChange, ...]
    what: str
    sentence: str
    headline: str
    changed: tuple[str, ...]


# --- time and people -------------------------------------------------------------------------


def _babel_locale(language: str | None = None) -> str:
    found = find_language(language or active_language())
    return found.babel_locale if found else "en"


def format_moment(at: dt.datetime, language: str | None = None) -> str:
    """A time stamp of the log (UTC) as the computer's local date and time, to the minute,
    in the language's form ("Dec 7, 2026, 10:42 AM", "2026年12月7日 10:42")."""
    local = at.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)
    locale = _babel_locale(language)
    # The locale says how a date and a time are joined ("{1}, {0}", "{1} {0}"...).
    joined = str(get_datetime_format("medium", locale=locale))
    return joined.replace("{1}", format_date(local, "medium", locale=locale)).replace(
        "{0}", format_time(local, "short", locale=locale)
    )


def _who(entry: AuditEntry) -> str:
    """The office user, with the computer's user behind a PostgreSQL role when they differ."""
    user = entry.user_name or entry.os_user or "?"
    if entry.os_user and entry.os_user != user:
        return f"{user} ({entry.os_user})"
    return user


# --- values ----------------------------------------------------------------------------------


def _shortened(text: str) -> str:
    one_line = " ".join(text.split())  # a multi-line note on one line
    if len(one_line) <= SHORT_TEXT:
        return one_line
    return one_line[: SHORT_TEXT - 1].rstrip() + "…"


def field_label(kind: Kind | None, name: str) -> str:
    """A field's label as the detail pane shows it; a name column says its language."""
    if kind is None or not kind.declaration.has_field(name):
        return name
    item = kind.declaration.field(name)
    if item.detail_label:
        return _(item.detail_label)
    if item.group is not None:
        group = kind.declaration.group(item.group)
        if len(group) == len(_LANGUAGE_LABELS) and name in group:
            return _(_LANGUAGE_LABELS[group.index(name)]).format(label=_(item.label))
    return _(item.label)


def _enum_label(enum: type[Enum] | None, value: Any) -> str:
    if enum is None:
        return str(value)
    try:
        member = enum(value)
    except ValueError:
        return str(value)
    label = getattr(member, "label", None)
    return str(label) if label is not None else str(value)


def _reference(kind_name: str | None, record_id: Any, names: NameTable) -> str:
    if not isinstance(record_id, int) or isinstance(record_id, bool):
        return str(record_id)
    name = names.get((kind_name or "", record_id))
    if name:
        return name
    kind = KINDS.get(kind_name or "")
    return f"{kind.label()} {record_id}" if kind is not None else f"#{record_id}"


def value_text(item: Field | None, value: Any, names: NameTable) -> str:
    """A value as the log keeps it (JSON) shown as the detail pane shows the field."""
    if value is None or value == "" or value == []:
        return EMPTY
    if item is None:
        return (
            _shortened(str(value)) if not isinstance(value, list) else format_list(map(str, value))
        )
    try:
        match item.type:
            case FieldType.PARTIAL_DATE:
                return format_partial_date(PartialDate.parse(str(value)))
            case FieldType.DAY:
                return format_day(dt.date.fromisoformat(str(value)))
            case FieldType.ENUM:
                return _enum_label(item.enum, value)
            case FieldType.FLAG:
                return _("yes") if value else _("no")
            case FieldType.COUNTRY:
                return country_name(str(value), _babel_locale())
            case FieldType.INTEGER | FieldType.COUNT | FieldType.DECIMAL:
                return format_number(value) if isinstance(value, int | float) else str(value)
            case FieldType.REFERENCE:
                return _reference(item.kind, value, names)
            case FieldType.IMAGE:  # an attached file, by its name while it is there
                return names.get((ATTACHED, value)) or f"#{value}"
            case FieldType.REFERENCES:
                return format_list(_reference(item.kind, one, names) for one in value)
            case FieldType.AREAS:
                return format_list(_enum_label(item.enum, one) for one in value)
            case FieldType.PARTICIPANTS:
                return format_list(_participant(one, names) for one in value)
    except (ValueError, TypeError):  # a value the log kept from an older form of the field
        return _shortened(str(value))
    return _shortened(str(value))


def _participant(value: Any, names: NameTable) -> str:
    if not isinstance(value, Mapping):
        return str(value)
    from exchange_desk.domain.enums import ParticipantRole

    organization = _reference("organizations", value.get("organization_id"), names)
    role = value.get("role")
    return f"{organization} ({_enum_label(ParticipantRole, role)})" if role else organization


def _changes(entry: AuditEntry, names: NameTable) -> tuple[FieldChange, ...]:
    """An update's fields in the order of the kind's declaration, the others after."""
    kind = KINDS.get(entry.kind or "")
    changed = {
        name: pair
        for name, pair in entry.fields.items()
        if isinstance(pair, Sequence) and not isinstance(pair, str) and len(pair) == 2
    }
    order = [f.name for f in kind.declaration.fields] if kind is not None else []
    ranked = sorted(changed, key=lambda name: order.index(name) if name in order else len(order))
    found = []
    for name in ranked:
        old, new = changed[name]
        item = (
            kind.declaration.field(name)
            if kind is not None and kind.declaration.has_field(name)
            else None
        )
        found.append(
            FieldChange(
                name,
                field_label(kind, name),
                value_text(item, old, names),
                value_text(item, new, names),
            )
        )
    return tuple(found)


def _is_update(entry: AuditEntry) -> bool:
    """Whether the line changed fields of an existing record ({field: [old, new]})."""
    did = entry.details.get("did", entry.action)
    return did == Action.UPDATE and bool(entry.fields)


# --- lines -----------------------------------------------------------------------------------


def _identity(text: str) -> str:
    return text


def describe(
    entry: AuditEntry,
    names: NameTable | None = None,
    *,
    own_direction: Callable[[str], str] | None = None,
    right_to_left: bool = False,
) -> HistoryLine:
    """`entry` in words. `names` gives the records' names by (kind, id) (see
    `record_history`); without them a record is called by the name it had then, and one
    referred to by its kind and id. `own_direction` wraps each name and value the user
    typed (the GUI keeps each in its own direction); `right_to_left` turns the arrow."""
    names = names or {}
    keep = own_direction or _identity
    if right_to_left:
        arrow = f"{_RLM} ← {_RLM}"
    elif own_direction is not None:  # shown by Qt: kept between two right-to-left values too
        arrow = f"{_LRM} → {_LRM}"
    else:
        arrow = " → "
    kind = KINDS.get(entry.kind or "")
    changes = _changes(entry, names) if _is_update(entry) else ()
    changed = tuple(
        _("{label}: {value}").format(
            label=change.label, value=f"{keep(change.old)}{arrow}{keep(change.new)}"
        )
        for change in changes
    )
    listed = "; ".join(changed)
    who = _who(entry)
    record = ""
    if entry.kind is not None and entry.record_id is not None:
        record = names.get((entry.kind, entry.record_id)) or entry.summary
    what, sentence = _what(entry, listed, keep(who), keep)
    headline = sentence
    if changed:
        headline = _("{action} by {user}").format(action=entry.action_label(), user=keep(who))
    return HistoryLine(
        entry=entry,
        when=format_moment(entry.at),
        who=who,
        action=entry.action_label(),
        kind=kind.label() if kind is not None else (entry.kind or ""),
        record=record,
        changes=changes,
        what=what,
        sentence=sentence,
        headline=headline,
        changed=changed,
    )


def _what(entry: AuditEntry, listed: str, user: str, keep: Callable[[str], str]) -> tuple[str, str]:
    """The action's detail (for a table's column) and the whole sentence."""
    details = entry.details
    did = details.get("did")
    file = str(details.get("file") or "")
    number = details.get("number") or ", ".join(map(str, details.get("numbers") or ()))
    if not number and entry.kind == "certificates":
        number = entry.summary  # a certificate's line is summarised by its number
    action = entry.action
    if action == Action.CREATE:
        return "", _("created by {user}").format(user=user)
    if action == Action.REVEAL:
        kind = KINDS.get(entry.kind or "")
        shown = format_list(
            [field_label(kind, str(name)) for name in details.get("revealed") or ()]
        )
        return shown, _("{user} revealed {fields}").format(
            user=user, fields=shown or _("personal data")
        )
    if action == Action.UPDATE:
        return listed, _("{user} changed {changes}").format(user=user, changes=listed)
    if action == Action.DELETE:
        return "", _("deleted by {user}").format(user=user)
    if action in (Action.UNDO, Action.REDO):
        undo = action == Action.UNDO
        if did == Action.UPDATE and listed:
            text = (
                _("{user} undid a change: {changes}")
                if undo
                else _("{user} redid a change: {changes}")
            )
            return listed, text.format(user=user, changes=listed)
        if did == Action.CREATE:
            text = _("{user} undid its deletion") if undo else _("{user} redid its creation")
            return "", text.format(user=user)
        if did == Action.DELETE:
            text = _("{user} undid its creation") if undo else _("{user} redid its deletion")
            return "", text.format(user=user)
        return listed, _("{action} by {user}").format(action=entry.action_label(), user=user)
    if action == Action.IMPORT:
        if listed:
            sentence = (
                _("{user} changed {changes} by importing {file}")
                if file
                else _("{user} changed {changes} by an import")
            )
            return listed, sentence.format(user=user, changes=listed, file=keep(file))
        if file:
            return file, _("imported by {user} from {file}").format(user=user, file=keep(file))
        return "", _("imported by {user}").format(user=user)
    if action in (Action.CERTIFICATE_ISSUED, Action.CERTIFICATE_PRINTED):
        issued = action == Action.CERTIFICATE_ISSUED
        if number:
            text = (
                _("certificate {number} issued by {user}")
                if issued
                else _("certificate {number} printed by {user}")
            )
            return str(number), text.format(number=keep(str(number)), user=user)
        text = _("certificate issued by {user}") if issued else _("certificate printed by {user}")
        return "", text.format(user=user)
    if action == Action.ATTACH and file:
        return keep(file), _("{user} attached {file}").format(user=user, file=keep(file))
    if action == Action.DETACH and file:
        return keep(file), _("{user} removed the file {file}").format(user=user, file=keep(file))
    if action == Action.EXPORT and file:
        return file, _("exported by {user} to {file}").format(user=user, file=keep(file))
    sentence = _("{action} by {user}").format(action=entry.action_label(), user=user)
    if listed:
        return listed, _("{label}: {value}").format(label=sentence, value=listed)
    return file, sentence


# --- reading ---------------------------------------------------------------------------------


# The key under which `names_in` keeps attached files' names (an image field's value).
ATTACHED = "attachments"


def _last_names(session: Session, kind_name: str, ids: set[int]) -> dict[int, str]:
    """The name the office log last gave each of `ids` (records of `kind_name` deleted since:
    their delete line keeps their summary)."""
    log = schema.audit_log
    chosen = sorted(ids)
    found: dict[int, str] = {}
    for start in range(0, len(chosen), 500):
        statement = (
            select(log.c.record_id, log.c.summary)
            .where(log.c.kind == kind_name, log.c.record_id.in_(chosen[start : start + 500]))
            .order_by(log.c.id)
        )
        for record_id, summary in session.execute(statement):
            if summary:
                found[record_id] = _shortened(summary)  # the newest wins
    return found


def _wanted(entries: Iterable[AuditEntry]) -> dict[str, set[int]]:
    """The records whose names the lines show: each entry's own, and those its changes
    refer to."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        kind = KINDS.get(entry.kind or "")
        if kind is None:
            continue
        if entry.record_id is not None:
            wanted[kind.name].add(entry.record_id)
        if not _is_update(entry):
            continue
        for name, pair in entry.fields.items():
            if not kind.declaration.has_field(name) or not isinstance(pair, Sequence):
                continue
            item = kind.declaration.field(name)
            for value in pair:
                if item.type is FieldType.REFERENCE and isinstance(value, int):
                    wanted[item.kind or ""].add(value)
                elif item.type is FieldType.IMAGE and isinstance(value, int):
                    wanted[ATTACHED].add(value)
                elif item.type is FieldType.REFERENCES and isinstance(value, list):
                    wanted[item.kind or ""].update(v for v in value if isinstance(v, int))
                elif item.type is FieldType.PARTICIPANTS and isinstance(value, list):
                    wanted["organizations"].update(
                        one["organization_id"]
                        for one in value
                        if isinstance(one, Mapping) and isinstance(one.get("organization_id"), int)
                    )
    return wanted


def names_in(session: Session, wanted: Mapping[str, set[int]]) -> dict[tuple[str, int], str]:
    """The records' names in the active language, as messages name them
    (`records.named_rows_in`: a partnership by its partner city, a delegation by its city
    and date), a query per 500 records of a kind; a record that is gone by the name the log
    last gave it."""
    found: dict[tuple[str, int], str] = {}
    files = schema.attachments
    attached = sorted(wanted.get(ATTACHED, ()))
    for start in range(0, len(attached), 500):
        statement = select(files.c.id, files.c.file_name).where(
            files.c.id.in_(attached[start : start + 500])
        )
        found.update(((ATTACHED, row[0]), _shortened(row[1])) for row in session.execute(statement))
    # Imported here: records imports this module's labels.
    from exchange_desk.services.records import named_rows_in

    for kind_name, ids in wanted.items():
        if KINDS.get(kind_name) is None or not ids:
            continue
        for row in named_rows_in(session, kind_name, ids):
            name = _shortened(row.names.best() or row.summary)
            if name:
                found[(kind_name, row.id)] = name
        # A record deleted since is called by the name the log last gave it, not "city 12".
        gone = ids - {key[1] for key in found if key[0] == kind_name}
        found.update(
            ((kind_name, record_id), name)
            for record_id, name in _last_names(session, kind_name, gone).items()
        )
    return found


def _lines(
    database: Database,
    entries: list[AuditEntry],
    own_direction: Callable[[str], str] | None,
    right_to_left: bool,
) -> list[HistoryLine]:
    with database.reading() as session:
        names = names_in(session, _wanted(entries))
    return [
        describe(entry, names, own_direction=own_direction, right_to_left=right_to_left)
        for entry in entries
    ]


def record_history(
    database: Database,
    kind: str,
    record_id: int,
    *,
    limit: int | None = None,
    also: Sequence[tuple[str, int]] = (),
    own_direction: Callable[[str], str] | None = None,
    right_to_left: bool = False,
) -> list[HistoryLine]:
    """A record's history in words, newest first; with `also`, the lines of other records
    shown with it (a partner city's, beside its partnership's), merged in time order."""
    entries = audit.history(database, kind, record_id, limit=limit)
    for other_kind, other_id in also:
        entries += audit.history(database, other_kind, other_id, limit=limit)
    entries.sort(key=lambda entry: entry.id, reverse=True)
    if limit is not None:
        entries = entries[:limit]
    return _lines(database, entries, own_direction, right_to_left)


def office_log(
    database: Database,
    *,
    since: dt.date | dt.datetime | None = None,
    user: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
) -> list[HistoryLine]:
    """The office's log in words, oldest first (see `audit.audit`)."""
    entries = audit.audit(database, since=since, user=user, kind=kind, limit=limit)
    return _lines(database, entries, None, False)


def record_exists(database: Database, kind: str, record_id: int) -> bool:
    """Whether the record is stored now (a deleted one still has its history)."""
    from exchange_desk.services.records import get_record

    try:
        get_record(database, kind, record_id)
    except NotFound:
        return False
    return True
