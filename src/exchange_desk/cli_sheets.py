"""The command line's sheets: `import` an office's sheet or CSV file, `export` a tab (or the
whole database) to .xlsx, CSV or PDF, and write an import `template`.

    exchange-desk import FILE [--kind KIND] [--sheet NAME] [--dry-run] [--skip-invalid]
                              [--update] [--home-city NAME] [--encoding CODEC] [--json]
    exchange-desk export KIND|all --format xlsx|csv|pdf [--year Y] [--search TEXT]
                              [--lang LANG] -o FILE
    exchange-desk template KIND [--lang LANG] -o FILE.xlsx

An import with an error row writes nothing and exits with 2, the report saying why;
`--skip-invalid` writes the valid rows. Like every command, it never loads Qt.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from exchange_desk.cli_args import year
from exchange_desk.i18n.catalog import _, active_language, ngettext

if TYPE_CHECKING:
    from exchange_desk.services.importing import ImportPlan

EXIT_IMPORT_REFUSED = 2
_FORMATS = ("xlsx", "csv", "pdf")


def add_parsers(commands: Any, common: Any, tabs: tuple[str, ...], kinds: tuple[str, ...]) -> None:
    """Add `import`, `export` and `template` to the command line's subcommands."""
    importing = commands.add_parser(
        "import", help=_("import records from an Excel sheet (.xlsx, .xls, .ods) or a CSV file")
    )
    common(importing, top=False)
    importing.add_argument("file", metavar="FILE")
    importing.add_argument("--kind", choices=kinds, help=_("the kind of records the sheet holds"))
    importing.add_argument("--sheet", metavar="NAME", help=_("only this sheet of the workbook"))
    importing.add_argument(
        "--dry-run", action="store_true", help=_("check and report, write nothing")
    )
    importing.add_argument(
        "--skip-invalid",
        action="store_true",
        help=_("import the valid rows and report the others (default: all or nothing)"),
    )
    importing.add_argument(
        "--update",
        action="store_true",
        help=_("update the records that rows duplicate (default: skip them)"),
    )
    importing.add_argument(
        "--home-city",
        metavar="NAME",
        help=_("the office's home city, on a database without one (“Jinan” or “Jinan, CN”)"),
    )
    importing.add_argument(
        "--encoding",
        metavar="CODEC",
        help=_("the CSV file's encoding: utf-8, gb18030, cp1255, cp1252 (default: detected)"),
    )
    importing.add_argument("--json", action="store_true", help=_("print the report as JSON"))

    exporting = commands.add_parser(
        "export", help=_("write a list (as its tab shows it) or the whole database to a file")
    )
    common(exporting, top=False)
    exporting.add_argument(
        "kind",
        choices=(*tabs, "all"),
        metavar="KIND",
        help=_("a tab ({tabs}) or all").format(tabs=", ".join(tabs)),
    )
    exporting.add_argument("--format", choices=_FORMATS, help=_("default: the file's extension"))
    exporting.add_argument("--year", type=year, help=_("only records of this year"))
    exporting.add_argument("--search", default="", help=_("only records containing this text"))
    exporting.add_argument(
        "--sensitive",
        action="store_true",
        help=_("with `all`: include people's passport data (editors; put on record)"),
    )
    exporting.add_argument("-o", "--output", required=True, metavar="FILE")

    template = commands.add_parser(
        "template", help=_("write an empty sheet to fill in and import, for one kind")
    )
    common(template, top=False)
    template.add_argument("kind", choices=kinds, metavar="KIND")
    template.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")


def _lines(plan: ImportPlan, out: TextIO) -> None:
    from exchange_desk.services.importing import RowStatus

    for sheet in plan.sheets:
        out.write(
            _("Sheet {sheet}: {kind}, header in row {row}").format(
                sheet=sheet.sheet, kind=sheet.kind, row=sheet.header_row
            )
            + "\n"
        )
        for column in sheet.columns:
            shown = column.label if column.target else _("(not imported)")
            out.write(f"  {column.header or '—'} → {shown}\n")
        for row in sheet.rows:
            if row.status is RowStatus.NEW and not row.notes:
                continue
            status = {
                RowStatus.NEW: _("new"),
                RowStatus.UPDATE: _("update"),
                RowStatus.DUPLICATE: _("duplicate"),
                RowStatus.ERROR: _("error"),
            }[row.status]
            messages = list(row.problems) + list(row.notes)
            if row.match is not None:
                messages.append(row.match.describe())
            out.write(
                _("  row {row} ({status}): {summary}").format(
                    row=row.row, status=status, summary=row.summary
                )
                + "\n"
            )
            for message in messages:
                out.write(f"      {message}\n")
    for problem in plan.problems:
        out.write(problem + "\n")


def _counts_line(created: int, updated: int, skipped: int, errors: int) -> str:
    return _(
        "{created} created, {updated} updated, {skipped} duplicates skipped, {errors} errors."
    ).format(created=created, updated=updated, skipped=skipped, errors=errors)


def run_import(args: argparse.Namespace, database: Any, out: TextIO) -> int:
    from exchange_desk.services.importing import (
        ImportOptions,
        ImportRefused,
        OnDuplicate,
        RowStatus,
        apply_import,
        plan_import,
        read_import,
        report_json,
    )
    from exchange_desk.services.sheet_files import SheetFileError

    options = ImportOptions(
        kind=args.kind,
        sheet=args.sheet,
        encoding=args.encoding,
        on_duplicate=OnDuplicate.UPDATE if args.update else OnDuplicate.SKIP,
        skip_invalid=args.skip_invalid,
        home_city=args.home_city,
    )
    try:
        source = read_import(args.file, options)
        plan = plan_import(database, source, options)
    except SheetFileError as exc:
        print(f"exchange-desk: {exc.message}", file=sys.stderr)
        return EXIT_IMPORT_REFUSED
    if not args.json:
        _lines(plan, out)
    try:
        result = apply_import(database, plan, dry_run=args.dry_run)
    except ImportRefused as exc:
        if args.json:
            out.write(report_json(plan, None) + "\n")
        print(f"exchange-desk: {exc.user_message()}", file=sys.stderr)
        return EXIT_IMPORT_REFUSED
    if args.json:
        out.write(report_json(plan, result) + "\n")
        return 0
    counts = plan.counts()
    line = _counts_line(
        sum(result.created.values()),
        sum(result.updated.values()),
        result.skipped,
        counts[RowStatus.ERROR],
    )
    if result.dry_run:
        line = _("Dry run, nothing written: {counts}").format(counts=line)
    out.write(line + "\n")
    if cleaned := plan.cleaned_line():
        out.write(cleaned + "\n")
    if result.backup is not None:
        out.write(_("Backup copy: {path}").format(path=result.backup) + "\n")
    return 0


def run_export(args: argparse.Namespace, database: Any, out: TextIO) -> int:
    from exchange_desk.services.exporting import export_all, export_view
    from exchange_desk.services.spreadsheets import ExportError

    output = Path(args.output)
    chosen = args.format or output.suffix.lower().lstrip(".")
    if chosen not in _FORMATS:
        print(
            "exchange-desk: "
            + _("Give --format xlsx, csv or pdf, or a file name ending in one of them."),
            file=sys.stderr,
        )
        return EXIT_IMPORT_REFUSED
    language = active_language()
    try:
        if args.kind == "all":
            if chosen != "xlsx":
                print(
                    "exchange-desk: " + _("The whole database is exported to .xlsx only."),
                    file=sys.stderr,
                )
                return EXIT_IMPORT_REFUSED
            counts = export_all(database, output, language=language, sensitive=args.sensitive)
            total = sum(counts.values())
            out.write(
                ngettext(
                    "{count} record written to {path}.", "{count} records written to {path}.", total
                ).format(count=total, path=output)
                + "\n"
            )
            return 0
        from exchange_desk.services.views import tab_for, tab_view

        try:
            view = tab_view(
                database, tab_for(args.kind), language=language, year=args.year, search=args.search
            )
        except KeyError:
            print("exchange-desk: " + _("This list has no year to choose by."), file=sys.stderr)
            return EXIT_IMPORT_REFUSED
        export_view(database, view, output, format=chosen, sample_header=_("Sample"))
    except ExportError as exc:
        print(f"exchange-desk: {exc.message}", file=sys.stderr)
        return 1
    out.write(
        ngettext(
            "{count} record written to {path}.", "{count} records written to {path}.", len(view)
        ).format(count=len(view), path=output)
        + "\n"
    )
    return 0


def run_template(args: argparse.Namespace, out: TextIO) -> int:
    from exchange_desk.services.spreadsheets import ExportError
    from exchange_desk.services.templates import write_template

    try:
        path = write_template(args.kind, active_language(), args.output)
    except ExportError as exc:
        print(f"exchange-desk: {exc.message}", file=sys.stderr)
        return 1
    out.write(_("Template written to {path}.").format(path=path) + "\n")
    return 0
