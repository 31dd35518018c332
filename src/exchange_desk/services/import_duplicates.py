"""Finding the rows of an import that repeat a stored record or an earlier row: by name in
any script for named kinds (with the date of a dated kind and an award's recipient), by
direction, city, start, leader and purpose for a delegation, by city for a partnership; and
what a duplicate becomes (skipped, an update, created anyway)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from exchange_desk.domain.declaration import record_class
from exchange_desk.domain.errors import InvalidInput
from exchange_desk.i18n.catalog import _
from exchange_desk.services import records
from exchange_desk.services.kinds import kind_named
from exchange_desk.services.registry import DECLARED

if TYPE_CHECKING:
    pass

from exchange_desk.services.import_plan import (
    ImportOptions,
    Match,
    OnDuplicate,
    PlannedRow,
    RowStatus,
    SheetPlan,
)
from exchange_desk.services.import_rows import (
    DATED,
    Keys,
    Known,
    date_key,
    duplicate_key,
    merged,
    without_placeholders,
)


def _also(kind: str, record: Any) -> str | None:
    """What else two records of a named kind must share to be one: the date of a dated
    kind (a festival is held every year), and an award's recipient (one title, many)."""
    parts = []
    dated = DATED.get(kind)
    if dated:
        parts.append(date_key(getattr(record, dated)))
    if kind == "awards":
        parts.append(
            f"{record.recipient_kind}:{record.recipient_city_id}:"
            f"{record.recipient_organization_id}:{record.recipient_person_id}"
        )
    return "|".join(parts) if parts else None


def _match_named(
    kind: str, known: Known, record: Any, scope: str | None, also: dict[int, str | None]
) -> tuple[int, str, str] | None:
    declaration = DECLARED[kind]
    names = [getattr(record, c) for c in declaration.name_columns if getattr(record, c, "")]
    if kind == "cities" and record.name_local:
        names.append(record.name_local)
    if not names:
        return None
    wanted = _also(kind, record)
    for found in known.index(kind).find_all(names, scope=scope):
        if wanted is not None and also.get(found.record_id) != wanted:
            continue
        return found.record_id, found.matched, found.describe()
    return None


def _also_of_stored(known: Known, kind: str) -> dict[int, str | None]:
    if kind not in DATED and kind != "awards":
        return {}
    return {item.id: _also(kind, item) for item in records.all_records(known.database, kind)}


def find_duplicates(known: Known, plan: SheetPlan, options: ImportOptions) -> None:
    kind = plan.kind
    named = bool(DECLARED[kind].name_group)
    also = _also_of_stored(known, kind)
    keys = known.key_index(kind, plan.rows) if not named else Keys()
    for row in plan.rows:
        if row.record is None and not row.incomplete:
            continue
        # A row that gives too little for a new record may still name one to update.
        record = row.record if row.record is not None else _partial(kind, row.values)
        scope = getattr(record, "country", None) if kind == "cities" else None
        found: tuple[int, str, str] | None = None
        if named:
            found = _match_named(kind, known, record, scope, also)
        else:
            key = duplicate_key(kind, record)
            other_key = keys.find(key) if key is not None else None
            if other_key is not None:
                found = (other_key, "", _("the same {what}").format(what=_duplicate_words(kind)))
        if row.incomplete:
            _incomplete_row(known, plan, row, found, options)
            continue
        placeholder = known.placeholder(row.row)
        known.summaries[placeholder] = row.summary
        row.placeholder = placeholder
        if found is not None:
            other, matched, how = found
            if other < 0:
                name = matched or known.summaries.get(other, "")
                row.match = Match(kind, None, known.rows_of.get(other), name, how)
            else:
                label = matched or stored_label(known, kind, other)
                row.match = Match(kind, other, None, label, how)
            choice = options.choices.get((plan.sheet, row.row), options.on_duplicate)
            if other < 0 and choice is OnDuplicate.UPDATE:
                choice = OnDuplicate.SKIP  # an earlier row of the file is not stored yet
            row.choice = choice
            if choice is OnDuplicate.SKIP:
                row.status = RowStatus.DUPLICATE
                continue
            if choice is OnDuplicate.UPDATE:
                _to_update(known, kind, row)
                continue
            if kind == "partnerships":
                row.status = RowStatus.ERROR
                row.problems.append(_("this city has a partnership already; it cannot have two."))
                continue
        # Later rows find this one.
        if named:
            declaration = DECLARED[kind]
            names = [getattr(record, c) for c in declaration.name_columns if getattr(record, c, "")]
            known.index(kind).add(placeholder, names, scope=scope)
            known.note_year(kind, placeholder, record)
            also[placeholder] = _also(kind, record)
        else:
            key = duplicate_key(kind, record)
            if key is not None:
                keys.add(key, placeholder)
            known.note_start(kind, placeholder, record)


def _partial(kind: str, values: Mapping[str, Any]) -> Any:
    """The fields a row gives, with the rest empty: enough to find the record it names."""
    names: dict[str, Any] = {f.name: None for f in dataclasses.fields(record_class(DECLARED[kind]))}
    names.update(values)
    for column in DECLARED[kind].name_columns:
        names[column] = names.get(column) or ""
    if kind == "cities":
        names["name_local"] = names.get("name_local") or ""
    return SimpleNamespace(**names)


def _to_update(known: Known, kind: str, row: PlannedRow) -> None:
    """Make the row update the stored record it matches, if that record with the row's
    fields over it passes every check; else the row is an error saying why."""
    assert row.match is not None
    assert row.match.record_id is not None
    stored = records.get_record(known.database, kind, row.match.record_id)
    updated = merged(stored, row)
    try:
        records.check_record(kind_named(kind), without_placeholders(DECLARED[kind], updated))
    except InvalidInput as exc:
        row.status = RowStatus.ERROR
        row.problems = [p.message for p in exc.problems]
        return
    row.problems = []
    row.record = updated
    row.status = RowStatus.UPDATE


def _incomplete_row(
    known: Known,
    plan: SheetPlan,
    row: PlannedRow,
    found: tuple[int, str, str] | None,
    options: ImportOptions,
) -> None:
    if found is None or found[0] < 0:
        return  # stays an error: it cannot be a new record
    other, matched, how = found
    row.match = Match(plan.kind, other, None, matched or stored_label(known, plan.kind, other), how)
    row.choice = options.choices.get((plan.sheet, row.row), options.on_duplicate)
    if row.choice is OnDuplicate.UPDATE:
        _to_update(known, plan.kind, row)
    elif row.choice is OnDuplicate.SKIP:
        row.problems = []
        row.status = RowStatus.DUPLICATE


def _duplicate_words(kind: str) -> str:
    if kind == "partnerships":
        return _("partner city")
    return _("direction, partner city, start, leader and purpose")


def stored_label(known: Known, kind: str, record_id: int) -> str:
    city_id = known.cities_of.get((kind, record_id))
    if city_id is not None:
        known.index("cities")
        return known.labels["cities"].get(city_id, str(record_id))
    return str(record_id)
