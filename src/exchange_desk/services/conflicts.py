"""Two desks edited one record: what each changed, and the record that keeps both.

A save based on an older version is refused (`ConflictError`); the edit dialog then shows,
field by field, the value the user started from (`base`), the one stored meanwhile
(`theirs`) and the user's (`yours`). A field only one side changed takes that side's value
by itself; a field both changed differently is the user's choice. Nothing is merged
silently: the user sees the merge and saves it (a new version, checked again).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from exchange_desk.domain.errors import ConflictError
from exchange_desk.i18n.catalog import _
from exchange_desk.services.kinds import Kind, kind_named

if TYPE_CHECKING:
    from exchange_desk.storage.database import Database

__all__ = [
    "ConflictField",
    "ConflictPlan",
    "Side",
    "field_labels",
    "merged_record",
    "plan_conflict",
    "plan_reload",
]


class Side(StrEnum):
    """Whose change a field holds."""

    THEIRS = "theirs"  # only the other desk changed it: theirs is taken
    YOURS = "yours"  # only you changed it: yours is kept
    BOTH = "both"  # both changed it, differently: the user chooses


@dataclass(frozen=True, slots=True)
class ConflictField:
    """A field that differs, with its three values as the detail pane shows them."""

    name: str
    label: str
    base: str
    theirs: str
    yours: str
    side: Side


@dataclass(frozen=True, slots=True)
class ConflictPlan:
    """What a refused save found: the record as stored now and the fields that differ."""

    kind: str
    record_id: int
    base: Any
    theirs: Any
    yours: Any
    fields: tuple[ConflictField, ...]
    changed_by: str
    changed_at: dt.datetime | None  # local time

    @property
    def deleted(self) -> bool:
        return self.theirs is None

    @property
    def choices_needed(self) -> tuple[ConflictField, ...]:
        return tuple(f for f in self.fields if f.side is Side.BOTH)

    def headline(self) -> str:
        """Who changed the record and when, in the user's language."""
        if self.theirs is None:
            return _("Someone else deleted this record while you were editing it.")
        if self.changed_by and self.changed_at is not None:
            return _("{user} changed this record at {time} while you were editing it.").format(
                user=self.changed_by, time=self.changed_at.strftime("%H:%M")
            )
        return _("Someone else changed this record while you were editing it.")


def _values(kind: Kind, record: Any) -> dict[str, Any]:
    from exchange_desk.services.records import _values_of

    return _values_of(kind, record)


def plan_conflict(database: Database, base: Any, yours: Any, error: ConflictError) -> ConflictPlan:
    """Compare what the user started from, what is stored now and what the user typed."""
    from exchange_desk.services import history_text

    kind = kind_named(error.kind)
    theirs = error.stored
    at = error.changed_at
    local = (
        at.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)
        if isinstance(at, dt.datetime)
        else None
    )
    if theirs is None:
        return ConflictPlan(
            kind.name, error.record_id, base, None, yours, (), error.changed_by, local
        )
    before, stored, typed = _values(kind, base), _values(kind, theirs), _values(kind, yours)
    wanted: dict[str, set[int]] = {}
    for name in stored:
        item = kind.declaration.field(name) if kind.declaration.has_field(name) else None
        if item is None or item.kind is None:
            continue
        for values in (before, stored, typed):
            value = values[name]
            for one in value if isinstance(value, list) else [value]:
                if isinstance(one, int) and not isinstance(one, bool):
                    wanted.setdefault(item.kind, set()).add(one)
    with database.reading() as session:
        names = history_text.names_in(session, wanted)
    found = []
    for name in stored:
        theirs_changed = stored[name] != before[name]
        yours_changed = typed[name] != before[name]
        if not theirs_changed and not yours_changed:
            continue
        if theirs_changed and yours_changed:
            if stored[name] == typed[name]:
                continue  # both made the same change: nothing to choose
            side = Side.BOTH
        else:
            side = Side.THEIRS if theirs_changed else Side.YOURS
        item = kind.declaration.field(name) if kind.declaration.has_field(name) else None
        found.append(
            ConflictField(
                name=name,
                label=history_text.field_label(kind, name),
                base=history_text.value_text(item, before[name], names),
                theirs=history_text.value_text(item, stored[name], names),
                yours=history_text.value_text(item, typed[name], names),
                side=side,
            )
        )
    return ConflictPlan(
        kind.name, error.record_id, base, theirs, yours, tuple(found), error.changed_by, local
    )


def merged_record(plan: ConflictPlan, choices: Mapping[str, Side] | None = None) -> Any:
    """The record that keeps both desks' changes: the stored one (at its version) with the
    user's own changes over it, and for a field both changed, the side `choices` names
    (yours unless it says theirs)."""
    if plan.theirs is None:
        raise ValueError("the record was deleted: there is nothing to merge with")
    choices = choices or {}
    values = {}
    for item in plan.fields:
        keep_yours = item.side is Side.YOURS or (
            item.side is Side.BOTH and choices.get(item.name, Side.YOURS) is Side.YOURS
        )
        if keep_yours:
            values[item.name] = getattr(plan.yours, item.name)
    return replace(plan.theirs, **values)


def field_labels(kind_name: str, names: list[str]) -> list[str]:
    """The labels of a kind's fields, as the detail pane shows them."""
    from exchange_desk.services import history_text

    kind = kind_named(kind_name)
    return [history_text.field_label(kind, name) for name in names]


def plan_reload(database: Database, base: Any, yours: Any) -> ConflictPlan:
    """What "Reload" in an open edit dialog brings: the record as stored now against what
    the user started from and has typed, as a refused save would find it."""
    from exchange_desk.domain.errors import NotFound
    from exchange_desk.services import audit, records
    from exchange_desk.services.kinds import kind_of

    kind = kind_of(base)
    try:
        stored = records.get_record(database, kind.name, base.id)
    except NotFound:
        stored = None
    last = audit.last_change(database, kind.name, base.id)
    error = ConflictError(
        "",
        kind=kind.name,
        record_id=base.id,
        expected_version=getattr(base, "version", None),
        stored=stored,
        changed_by=last.user_name if last is not None else "",
        changed_at=last.at if last is not None else None,
    )
    return plan_conflict(database, base, yours, error)
