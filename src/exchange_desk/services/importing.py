"""Importing the office's sheets: read a file, find its table, map its columns, read each row
as a record, find the duplicates, show all of it before anything is written, then write it in
one transaction that one undo step takes back.

The GUI's wizard and `exchange-desk import` both go through here:

    source = read_import(path, options)          # SheetFileError if it cannot be read
    plan = plan_import(database, source, options) # every row: new, update, duplicate, error
    result = apply_import(database, plan)          # ImportRefused if an error row forbids it

A plan holds no open transaction; applying it checks every record again through `records`
(the one write path), so nothing stale is written. All or nothing by default: any error row
refuses the whole import unless `skip_invalid`. A SQLite file is copied aside first.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exchange_desk.domain.errors import ConflictError, InvalidInput
from exchange_desk.domain.records import City, OfficeProfile
from exchange_desk.i18n.catalog import _, ngettext
from exchange_desk.services import audit, import_layouts, records
from exchange_desk.services import cell_values as cv
from exchange_desk.services.changes import Changes
from exchange_desk.services.editing import Step
from exchange_desk.services.import_duplicates import find_duplicates
from exchange_desk.services.import_plan import (
    ColumnChoice,
    ImportFailed,
    ImportOptions,
    ImportPlan,
    ImportRefused,
    Match,
    OnDuplicate,
    PlannedRow,
    RowStatus,
    SheetPlan,
    as_text,
)
from exchange_desk.services.import_rows import Known, RowReader, merged, replace_placeholders
from exchange_desk.services.kinds import kind_named
from exchange_desk.services.office import office_profile, store_profile_in
from exchange_desk.services.record_sheets import (
    ANY_NAME,
    Target,
    auto_mapping,
    guess_kind,
    importable_kinds,
    known_header,
    target,
    targets,
)
from exchange_desk.services.registry import DECLARED, IMPORT_ORDER
from exchange_desk.services.sheet_files import (
    FoundTable,
    SheetFileError,
    SourceFile,
    find_table,
    read_source,
)

if TYPE_CHECKING:
    from exchange_desk.storage.database import Database

# The plan's types are the import's vocabulary: callers take them from here.
__all__ = [
    "ColumnChoice",
    "ImportFailed",
    "ImportOptions",
    "ImportPlan",
    "ImportRefused",
    "ImportResult",
    "ImportStep",
    "Match",
    "OnDuplicate",
    "PlannedRow",
    "RowStatus",
    "SheetFileError",
    "SheetPlan",
    "apply_import",
    "kind_choices",
    "plan_import",
    "plan_report",
    "read_import",
    "report_json",
    "target_choices",
]

# --- choices for the user ------------------------------------------------------------------


def kind_choices() -> list[tuple[str, str]]:
    """(kind, its name in the user's language) for every kind a sheet can bring in."""
    return [(kind, kind_named(kind).label(2)) for kind in importable_kinds()]


def _target_label(item: Target) -> str:
    if item.key.startswith(ANY_NAME):
        return _("{label} (any language)").format(label=_(item.label))
    return item.header(_)


def target_choices(kind: str) -> list[tuple[str, str]]:
    """(target key, label) for the columns of a `kind` sheet, for the mapping's pickers."""
    return [(item.key, _target_label(item)) for item in targets(kind)]


# --- reading -------------------------------------------------------------------------------


def read_import(path: str | Path, options: ImportOptions | None = None) -> SourceFile:
    """Read the file (every sheet, or `options.sheet`); SheetFileError if it cannot be."""
    options = options or ImportOptions()
    return read_source(Path(path), encoding=options.encoding, sheet=options.sheet)


# --- planning ------------------------------------------------------------------------------


def _column_choices(
    kind: str,
    headers: Sequence[str],
    chosen: Mapping[int, str | None] | None,
    layout: Mapping[int, str | None] | None,
) -> list[ColumnChoice]:
    automatic = auto_mapping(kind, headers)
    valid = {item.key for item in targets(kind)}
    found = []
    for index, header in enumerate(headers):
        key = automatic[index]
        remembered = False
        if (
            layout is not None
            and index in layout
            and (layout[index] is None or layout[index] in valid)
        ):
            key, remembered = layout[index], True
        if chosen is not None and index in chosen:
            key = chosen[index] if chosen[index] in valid else None
        label = _target_label(target(kind, key)) if key else ""
        found.append(ColumnChoice(index, header, key, label, remembered))
    return found


def _home_city(known: Known, plan: ImportPlan, options: ImportOptions) -> None:
    profile = office_profile(known.database)
    if profile.home_city_id is not None:
        return
    needs = any(sheet.kind in ("partnerships", "awards") for sheet in plan.sheets)
    text = (options.home_city or "").strip()
    if not text:
        if needs:
            plan.problems.append(
                _(
                    "Partnerships are the home city's: set the home city in the office "
                    "profile first, or name it for the import."
                )
            )
        return
    name, _sep, country_text = text.partition(",")
    name = name.strip()
    names = list(cv.split_names(name).values()) or [name]
    country: str | None = None
    if country_text.strip():
        try:
            country = cv.read_country(country_text.strip())
        except cv.CellProblem as exc:
            plan.problems.append(exc.message)
            return
    index = known.index("cities")
    found = index.find(names, scope=country) if country else index.find(names)
    if found is not None and found.record_id > 0:
        plan.home_city_id = found.record_id
        return
    if found is not None:
        plan.home_city_placeholder = found.record_id  # a city of the file, created with it
        return
    if country is None:
        script = cv.script_of(name)
        country = {"zh": "CN", "he": "IL"}.get(script or "")
    if country is None:
        plan.problems.append(
            _(
                "The home city {name} is not recorded yet: give its country too, as in "
                "“{name}, DE”."
            ).format(name=name)
        )
        return
    scripts = cv.split_names(name)
    english = scripts.get("en") or name
    plan.home_city = City(
        name_en=english,
        name_zh=scripts.get("zh", ""),
        name_he=scripts.get("he", ""),
        country=country,
    )


def plan_import(
    database: Database, source: SourceFile, options: ImportOptions | None = None
) -> ImportPlan:
    """What importing `source` would do, row by row, writing nothing."""
    options = options or ImportOptions()
    plan = ImportPlan(
        path=source.path,
        format=source.format,
        encoding=source.encoding,
        encoding_guessed=source.encoding_guessed,
        sheets=[],
        options=options,
    )
    tables: list[tuple[FoundTable, str]] = []
    for raw in source.sheets:
        if options.sheet is not None and raw.name != options.sheet:
            continue
        try:
            table = find_table(raw, known_header=known_header)
        except SheetFileError as exc:
            if options.sheet is not None or len(source.sheets) == 1:
                raise
            plan.ignored_sheets.append(raw.name)
            del exc
            continue
        kind = options.kind or guess_kind(raw.name, table.headers)
        if kind is None:
            if options.sheet is not None or len(source.sheets) == 1:
                plan.problems.append(
                    _(
                        "The kind of records on sheet {sheet} could not be told from its "
                        "headers: choose it."
                    ).format(sheet=raw.name)
                )
            else:
                plan.ignored_sheets.append(raw.name)
            continue
        tables.append((table, kind))
    if not tables and not plan.problems:
        plan.problems.append(_("No sheet of the file holds records to import."))
    tables.sort(key=lambda item: IMPORT_ORDER.index(item[1]))
    known = Known(database)
    created_cities: dict[str, tuple[int, City]] = {}
    for table, kind in tables:
        layout = import_layouts.recall(kind, table.headers)
        columns = _column_choices(kind, table.headers, options.mappings.get(table.sheet), layout)
        sheet = SheetPlan(
            sheet=table.sheet,
            kind=kind,
            header_row=table.header_row,
            headers=table.headers,
            columns=columns,
            rows=[],
            skipped_rows=table.skipped,
            samples=[[as_text(c) for c in cells] for _n, cells in table.rows[:5]],
        )
        plan.sheets.append(sheet)
    for sheet, (table, _kind) in zip(plan.sheets, tables, strict=True):
        if not any(c.target for c in sheet.columns):
            plan.problems.append(
                _("No column of sheet {sheet} could be matched: map them by hand.").format(
                    sheet=sheet.sheet
                )
            )
            continue
        reader = RowReader(known, sheet, options, created_cities)
        sheet.rows = [reader.read(number, cells) for number, cells in table.rows]
        find_duplicates(known, sheet, options)
    # After the rows: the home city may be one of the file's own cities.
    _home_city(known, plan, options)
    return plan


# --- applying ------------------------------------------------------------------------------


@dataclass(slots=True)
class ImportResult:
    created: dict[str, int]
    updated: dict[str, int]
    skipped: int  # duplicates left out
    errors: list[str]  # rows left out with --skip-invalid
    changes: Changes
    step: Step | None
    backup: Path | None = None
    dry_run: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "created": sum(self.created.values()),
            "updated": sum(self.updated.values()),
            "skipped_duplicates": self.skipped,
            "errors": len(self.errors),
            "created_by_kind": self.created,
            "updated_by_kind": self.updated,
            "error_rows": self.errors,
            "backup": str(self.backup) if self.backup else None,
        }


def plan_report(plan: ImportPlan) -> dict[str, Any]:
    """The plan as the JSON report's rows: each with its sheet, number, status, messages."""
    counts = plan.counts()
    rows = []
    for sheet in plan.sheets:
        for row in sheet.rows:
            entry: dict[str, Any] = {
                "sheet": sheet.sheet,
                "kind": sheet.kind,
                "row": row.row,
                "status": str(row.status),
                "summary": row.summary,
            }
            if row.problems:
                entry["messages"] = row.problems
            if row.notes:
                entry["notes"] = row.notes
            if row.match is not None:
                entry["matches"] = row.match.describe()
            rows.append(entry)
    return {
        "file": str(plan.path),
        "format": plan.format,
        "encoding": plan.encoding,
        "sheets": [
            {
                "sheet": s.sheet,
                "kind": s.kind,
                "header_row": s.header_row,
                "columns": {c.header: c.target for c in s.columns},
                "ignored_columns": s.unknown,
            }
            for s in plan.sheets
        ],
        "problems": plan.problems,
        "counts": {str(status): counts[status] for status in RowStatus},
        # Values of the rows to be written that lose hidden direction characters.
        "cleaned_values": plan.cleaned_values(),
        "rows": rows,
    }


def _resolve(record: Any, declaration: Any, ids: Mapping[int, int]) -> Any:
    """`record` with its references to rows of the file replaced by the ids they got."""
    return replace_placeholders(declaration, record, lambda placeholder: ids[placeholder])


class ImportStep(Step):
    """An import as one undoable step: undone by deleting what it created and putting back
    what it updated (and the office profile, if it set the home city); redone likewise."""

    def __init__(
        self,
        file_name: str,
        created: dict[str, list[int]],
        updated: list[tuple[Any, Any]],
        profile: tuple[OfficeProfile, OfficeProfile] | None,
    ) -> None:
        count = sum(len(ids) for ids in created.values()) + len(updated)
        self.text = ngettext(
            "Import of {count} record from {file}", "Import of {count} records from {file}", count
        ).format(count=count, file=file_name)
        self.created = created
        self.updated = updated
        self.profile = profile
        self.snapshots: list[records.Snapshot] = []

    def _changes(self, undone: bool) -> Changes:
        changes = Changes.of(
            created={kind: set(ids) for kind, ids in self.created.items()},
            updated=_updated_ids(self.updated),
            profile=self.profile is not None,
        )
        return changes.undone() if undone else changes

    def undo(self, database: Database) -> Changes:
        with records.transaction(database) as session:
            session.info["audit_action"] = audit.Action.UNDO
            if self.profile is not None:
                store_profile_in(session, self.profile[0])
            # Each record back as it was, if nobody has changed it since the import (its
            # version is still the one the import left); the versions go on counting up.
            restored = []
            for before, after in reversed(self.updated):
                back = records.update_in(
                    session, replace(before, version=after.version), record_tier_change=False
                )
                restored.append((back, after))
            self.updated = list(reversed(restored))
            self.snapshots = []
            for kind in reversed(IMPORT_ORDER):
                ids = self.created.get(kind)
                if ids:
                    self.snapshots.append(records.delete_many_in(session, kind, ids))
        return self._changes(undone=True)

    def redo(self, database: Database) -> Changes:
        with records.transaction(database) as session:
            session.info["audit_action"] = audit.Action.REDO
            for snapshot in reversed(self.snapshots):
                records.restore_in(session, snapshot)
            again = []
            for before, after in self.updated:
                stored = records.update_in(
                    session, replace(after, version=before.version), record_tier_change=False
                )
                again.append((before, stored))
            self.updated = again
            if self.profile is not None:
                store_profile_in(session, self.profile[1])
        return self._changes(undone=False)


def _kind_name(record: Any) -> str:
    from exchange_desk.services.kinds import kind_of

    return kind_of(record).name


def apply_import(
    database: Database,
    plan: ImportPlan,
    *,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Write the plan: every new row created and every update stored, in one transaction
    (a SQLite file copied aside first). Refused with `ImportRefused` when the plan has a
    problem, or an error row and not `skip_invalid`; `dry_run` writes nothing at all."""
    options = plan.options
    counts = plan.counts()
    if plan.problems or (counts[RowStatus.ERROR] and not options.skip_invalid):
        raise ImportRefused(plan)
    errors = plan.error_lines()
    new: dict[str, list[tuple[int | None, Any]]] = defaultdict(list)  # (placeholder, record)
    rows_of: dict[str, list[tuple[str, int]]] = defaultdict(list)  # (sheet, row) of each
    updates: list[tuple[str, PlannedRow]] = []
    sheet_of: dict[int, str] = {}
    for sheet in plan.sheets:
        for row in sheet.rows:
            if row.status is RowStatus.NEW:
                for kind, placeholder, extra in row.extra:
                    new[kind].append((placeholder, extra))
                    rows_of[kind].append((sheet.sheet, row.row))
                new[sheet.kind].append((row.placeholder, row.record))
                rows_of[sheet.kind].append((sheet.sheet, row.row))
            elif row.status is RowStatus.UPDATE:
                updates.append((sheet.kind, row))
                sheet_of[id(row)] = sheet.sheet
    created_counts = {kind: len(items) for kind, items in new.items() if items}
    updated_counts = dict(Counter(kind for kind, _row in updates))
    skipped = counts[RowStatus.DUPLICATE]
    if dry_run:
        return ImportResult(
            created_counts, updated_counts, skipped, errors, Changes(), None, None, True
        )
    writes = bool(new or updates or plan.home_city or plan.home_city_id)
    if not writes:
        return ImportResult(
            created_counts, updated_counts, skipped, errors, Changes(), None, None, False
        )
    backup = None
    if database.path is not None:
        backup = database.backup("before-import")
    total = sum(len(items) for items in new.values()) + len(updates)
    done = 0
    ids: dict[int, int] = {}
    created: dict[str, list[int]] = {}
    updated: list[tuple[Any, Any]] = []
    profile_change: tuple[OfficeProfile, OfficeProfile] | None = None
    with records.transaction(database) as session:
        session.info["audit_action"] = audit.Action.IMPORT
        audit.log_in(
            session,
            audit.Action.IMPORT,
            summary=plan.path.name,
            details={"file": plan.path.name, "created": created_counts, "updated": updated_counts},
        )
        before_profile = office_profile(database)
        if plan.home_city is not None:
            (city,) = records.create_many_in(session, [plan.home_city])
            created["cities"] = [city.id]
            plan_home = city.id
        else:
            plan_home = plan.home_city_id
        for kind in IMPORT_ORDER:
            items = new.get(kind)
            if not items:
                continue
            declaration = DECLARED[kind]
            batch = [_resolve(record, declaration, ids) for _p, record in items]
            try:
                stored = records.create_many_in(session, batch, checked=True)
            except InvalidInput as exc:
                # The plan checked these rows; what is stored changed since (another desk).
                where = rows_of[kind][getattr(exc, "position", 0)]
                raise ImportFailed(
                    _("Nothing was imported: sheet {sheet}, row {row}: {problem}").format(
                        sheet=where[0],
                        row=where[1],
                        problem="; ".join(p.message for p in exc.problems),
                    )
                ) from exc
            for (slot, _record), made in zip(items, stored, strict=True):
                if slot is not None:
                    ids[slot] = made.id
            created.setdefault(kind, []).extend(r.id for r in stored)
            done += len(items)
            if progress is not None:
                progress(done, total)
        if plan.home_city_placeholder is not None:
            plan_home = ids[plan.home_city_placeholder]
        if plan_home is not None:
            after_profile = replace(before_profile, home_city_id=plan_home)
            store_profile_in(session, after_profile)
            profile_change = (before_profile, after_profile)
        for kind, row in updates:
            assert row.match is not None
            assert row.match.record_id is not None
            before = records.get_record(database, kind, row.match.record_id)
            after = _resolve(merged(before, row), DECLARED[kind], ids)
            # The version the plan read: a record another desk changed since is not
            # overwritten with what the sheet says of its older state.
            planned = getattr(row.record, "version", None)
            if planned is not None:
                after = replace(after, version=planned)
            try:
                after = records.update_in(session, after)
            except ConflictError as exc:
                exc.args = (
                    _("Nothing was imported: sheet {sheet}, row {row}: {problem}").format(
                        sheet=sheet_of[id(row)], row=row.row, problem=exc.user_message()
                    ),
                )
                raise
            updated.append((before, after))
            done += 1
            if progress is not None and done % 200 == 0:
                progress(done, total)
    changes = Changes.of(
        created={kind: set(values) for kind, values in created.items()},
        updated=_updated_ids(updated),
        profile=profile_change is not None,
    )
    step = ImportStep(plan.path.name, created, updated, profile_change)
    if options.remember:
        for sheet in plan.sheets:
            import_layouts.remember(
                sheet.kind, sheet.headers, {c.index: c.target for c in sheet.columns}
            )
    return ImportResult(
        {k: len(v) for k, v in created.items()},
        updated_counts,
        skipped,
        errors,
        changes,
        step,
        backup,
    )


def _updated_ids(updated: Iterable[tuple[Any, Any]]) -> dict[str, set[int]]:
    found: dict[str, set[int]] = defaultdict(set)
    for _before, after in updated:
        found[_kind_name(after)].add(after.id)
    return found


def report_json(plan: ImportPlan, result: ImportResult | None) -> str:
    """The JSON report `exchange-desk import --json` prints."""
    report = plan_report(plan)
    if result is not None:
        report["result"] = result.as_json()
    else:
        counts = plan.counts()
        report["result"] = {
            "dry_run": False,
            "created": 0,
            "updated": 0,
            "skipped_duplicates": counts[RowStatus.DUPLICATE],
            "errors": counts[RowStatus.ERROR],
            "error_rows": plan.error_lines(),
            "refused": True,
        }
    return json.dumps(report, ensure_ascii=False, indent=2)
