"""What goes out to a file, on record in the audit log: a tab's list as .xlsx, .csv or PDF
(`export_view`: File ▸ Export view… and Save list as PDF…, `exchange-desk export KIND`), and
the whole database as one workbook (`export_all`).

The whole database: a sheet per kind, every field a sheet can hold, names of the records
referred to instead of their ids, in one language (File ▸ Export all…,
`exchange-desk export all`).

It is the import's own layout (`record_sheets.sheet_targets`): the workbook imports back
into an empty database record for record (a test holds it to that). What a sheet cannot
hold stays behind: images (seals, scans), certificates issued and their register, a
partnership's tier history before its present tier, and the office profile.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exchange_desk.i18n.catalog import translator
from exchange_desk.i18n.languages import find_language
from exchange_desk.services import records
from exchange_desk.services.audit import log_export
from exchange_desk.services.kinds import KINDS
from exchange_desk.services.names import Names
from exchange_desk.services.record_sheets import (
    CITY_DATED_REFERENCES,
    DATED_REFERENCES,
    NameBook,
    city_dated_name,
    importable_kinds,
    record_cells,
    sheet_name,
    sheet_targets,
    shows_of,
)
from exchange_desk.services.registry import DECLARED
from exchange_desk.services.spreadsheets import (
    SheetColumn,
    SheetTable,
    view_table,
    write_csv,
    write_xlsx,
)

if TYPE_CHECKING:
    from exchange_desk.services.views import ListedView
    from exchange_desk.storage.database import Database


def export_view(
    database: Database,
    view: ListedView,
    path: str | Path,
    *,
    format: str,
    sample_header: str,
    office: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write a tab's list to `path` as `format` ("xlsx", "csv" or "pdf"), and put the export
    on record; returns the number of rows. A PDF is headed with `office` and tells
    `progress` how far its drawing is (which may raise to cancel it)."""
    if format == "pdf":
        from exchange_desk.services.list_output import save_list_pdf

        written = save_list_pdf(view, path, office=office, progress=progress)
    else:
        written = Path(path)
        table = view_table(view, sample_header=sample_header)
        if format == "csv":
            write_csv(table, written)
        else:
            write_xlsx([table], written, right_to_left=view.right_to_left, language=view.language)
    log_export(database, written, kind=view.kind, rows=len(view))
    return len(view)


def _names(kind: str, items: list[Any]) -> tuple[dict[int, Names], dict[int, int | None]]:
    declaration = DECLARED[kind]
    columns = declaration.name_columns
    names: dict[int, Names] = {}
    years: dict[int, int | None] = {}
    for item in items:
        names[item.id] = Names.of([getattr(item, c) for c in columns])
        if kind in DATED_REFERENCES and declaration.date_field:
            date = getattr(item, declaration.date_field)
            years[item.id] = date.year if date is not None else None
    return names, years


def export_tables(
    database: Database, language: str, *, sensitive: bool = False
) -> list[SheetTable]:
    """The database's records as one `SheetTable` per kind, in `language`; people's
    passport data only if `sensitive`."""
    found = find_language(language)
    if found is None:
        raise ValueError(language)
    gettext = translator(found.code).gettext
    kinds = importable_kinds()
    referred = {f.kind for kind in kinds for f in DECLARED[kind].fields if f.kind} & set(KINDS)
    # Each kind is read once: the kinds referred to are mostly exported too.
    stored = {
        kind: records.all_records(database, kind) for kind in dict.fromkeys((*kinds, *referred))
    }
    read = {kind: _names(kind, stored[kind]) for kind in referred}
    for kind in referred & CITY_DATED_REFERENCES:
        cities = read["cities"][0] if "cities" in read else _names("cities", stored["cities"])[0]
        read[kind] = (
            {
                item.id: city_dated_name(cities.get(item.city_id, Names()), item.start_date)
                for item in stored[kind]
            },
            {},
        )
    book = NameBook(
        {kind: names for kind, (names, _years) in read.items()},
        found.code,
        {kind: years for kind, (_names, years) in read.items()},
    )
    tables = []
    for kind in kinds:
        items = stored[kind]
        columns = tuple(
            SheetColumn(target.header(gettext), shows_of(target))
            for target in sheet_targets(kind, sensitive=sensitive)
        )
        tables.append(
            SheetTable(
                name=sheet_name(kind, found.code),
                columns=columns,
                rows=list(record_cells(kind, items, book, found.code, sensitive=sensitive)),
                sample=[bool(getattr(item, "is_sample", False)) for item in items],
                title=sheet_name(kind, found.code),
            )
        )
    return tables


def export_all(
    database: Database,
    path: str | Path,
    *,
    language: str,
    progress: Callable[[int, int], None] | None = None,
    sensitive: bool = False,
) -> dict[str, int]:
    """Write the whole database to the workbook `path`; returns the count of each kind.
    People's passport data goes in only if `sensitive` (an editor's choice, on record)."""
    if sensitive:
        from exchange_desk.services.export import check_may_list_personal_data

        check_may_list_personal_data(database)
    tables = export_tables(database, language, sensitive=sensitive)
    found = find_language(language)
    write_xlsx(
        tables,
        path,
        right_to_left=bool(found and found.is_rtl),
        language=found.code if found else language,
    )
    if progress is not None:
        progress(1, 1)
    counts: dict[str, int] = {}
    for kind, table in zip(importable_kinds(), tables, strict=True):
        rows: Any = table.rows
        counts[kind] = len(rows)
    log_export(database, path, kind=None, rows=sum(counts.values()), sensitive=sensitive)
    return counts
