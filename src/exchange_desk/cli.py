"""The `exchange-desk` command line: demo data, lists, statistics, certificates, reports and
database upkeep, headless. It never loads Qt: without a subcommand it asks the launcher
(`exchange_desk.launcher`, the program's entry point) to open the window.

User errors print one line to stderr and exit non-zero: 1 for refused input or a conflict,
2 for a wrong command line, 3 when the database cannot be used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from exchange_desk import __version__, cli_args
from exchange_desk.i18n import argparse_texts
from exchange_desk.i18n.catalog import _, active_language, ngettext, set_language
from exchange_desk.i18n.languages import find_language, language_codes
from exchange_desk.i18n.system import system_language

EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_STORAGE = 3


def _common_options(parser: argparse.ArgumentParser, *, top: bool, language: bool = True) -> None:
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        default=default,
        help=_(
            "SQLite file or postgresql+psycopg:// URL (default: EXCHANGE_DESK_DB, "
            "else a file in your data folder)"
        ),
    )
    if not language:
        return
    parser.add_argument(
        "--lang",
        type=_interface_language,
        choices=language_codes(),
        default=default,
        help=_("language of messages and names (default: the system's)"),
    )


def _interface_language(text: str) -> str:
    """Any spelling of a language (zh, he_IL, iw, zh-Hans-CN) as its catalog's code; other
    text as typed, for argparse to refuse as not one of the choices."""
    language = find_language(text)
    return language.code if language is not None else text


def _language_mode(text: str) -> Any:
    from exchange_desk.domain.certificates import parse_language_mode

    try:
        return parse_language_mode(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("not a language mode: {text} (use zh, en, he or a combination like zh+en+he)").format(
                text=text
            )
        ) from None


def _certificate_options(parser: argparse.ArgumentParser) -> None:
    from exchange_desk.domain.enums import Design, Orientation

    _common_options(parser, top=False, language=False)
    parser.add_argument(
        "--lang",
        dest="languages",
        type=_language_mode,
        default="zh+en",
        metavar="LANGUAGES",
        help=_("the certificate's languages: zh, en, he, zh+en, en+he, zh+he or zh+en+he"),
    )
    parser.add_argument("--design", choices=[d.value for d in Design], default="formal")
    parser.add_argument(
        "--orientation", choices=[o.value for o in Orientation], default="landscape"
    )
    parser.add_argument(
        "--by", default=None, help=_("who issues it, for the register (default: your user name)")
    )
    parser.add_argument(
        "--text-only",
        action="store_true",
        help=_("leave out the paper colour, border and emblem, for paper printed with them"),
    )
    parser.add_argument("-o", "--output", required=True, metavar="FILE.pdf", type=Path)


def _report_language(text: str) -> str:
    """zh, en or he; the window's codes (zh_CN, he_IL, en-US...) name the same languages."""
    from exchange_desk.services.report_choices import REPORT_LANGUAGES

    language = find_language(text)
    if language is None or language.short_code not in REPORT_LANGUAGES:
        raise argparse.ArgumentTypeError(
            _("not a report language: {text} (use zh, en or he)").format(text=text)
        )
    return language.short_code


def _report_options(parser: argparse.ArgumentParser, output: str = "FILE.pdf") -> None:
    _common_options(parser, top=False, language=False)
    parser.add_argument(
        "--lang",
        dest="report_language",
        type=_report_language,
        default=None,
        metavar="{zh,en,he}",
        help=_("the report's language (default: the language of the messages)"),
    )
    parser.add_argument("-o", "--output", required=True, metavar=output, type=Path)


def build_parser() -> argparse.ArgumentParser:
    from exchange_desk.services.kinds import listable

    # Asked now, not at import: a kind registered since is listed too.
    LISTABLE = listable()  # noqa: N806

    parser = argparse.ArgumentParser(
        prog="exchange-desk",
        description=_(
            "Exchange Desk: partner cities, delegations, events and awards of a "
            "city's international exchange office. Without a command, opens the "
            "window."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"Exchange Desk {__version__}",
        # argparse translates this help itself only from Python 3.13.
        help=_("show program's version number and exit"),
    )
    _common_options(parser, top=True)
    parser.add_argument(
        "--screenshot",
        metavar="FILE.png",
        help=_("open the window, save a picture of it once the data is shown, and exit"),
    )
    from exchange_desk.services.registry import DECLARED as _DECLARED

    # A tab by its kind (persons), its command-line name (people) or its own key.
    tab_names = sorted(
        {
            name
            for d in _DECLARED.values()
            if d.tab is not None
            for name in (d.name, d.tab.cli_name or d.name, d.tab.key)
        }
        | {"home"}  # the start screen: what is due, the partnerships' health, the map
    )
    parser.add_argument(
        "--tab",
        choices=tab_names,
        metavar="TAB",
        help=_("the tab to show (with --screenshot, or to start on): {tabs}").format(
            tabs=", ".join(tab_names)
        ),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser("demo", help=_("fill an empty database with the demo data"))
    _common_options(demo, top=False)
    demo.add_argument(
        "--force",
        action="store_true",
        help=_("replace the records of a non-empty database (after a backup)"),
    )
    demo.add_argument(
        "--scale",
        type=cli_args.count,
        default=0,
        metavar="N",
        help=_("also add N synthetic delegations, with cities, events and awards in proportion"),
    )

    from exchange_desk.services.export import list_aliases

    listing = commands.add_parser("list", help=_("list records of one kind"))
    _common_options(listing, top=False)
    # A tab's command-line name too: `list people` is `list persons`.
    listing.add_argument("kind", choices=(*LISTABLE, *list_aliases()))
    listing.add_argument("--year", type=cli_args.year, help=_("only records of this year"))
    listing.add_argument("--search", default="", help=_("only records whose names contain this"))
    listing.add_argument("--limit", type=cli_args.count, help=_("at most this many records"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.add_argument(
        "--sensitive",
        action="store_true",
        help=_(
            "include passport data (passport number, nationality, date of birth, sex); "
            "the listing is logged in the audit log"
        ),
    )

    stats = commands.add_parser("stats", help=_("counts per tier, country, direction and year"))
    _common_options(stats, top=False)
    stats.add_argument("--json", action="store_true", help=_("print JSON"))

    anniversaries = commands.add_parser(
        "anniversaries", help=_("partnerships reaching a round anniversary in a year")
    )
    _common_options(anniversaries, top=False)
    anniversaries.add_argument("--year", type=cli_args.year, required=True)
    anniversaries.add_argument("--json", action="store_true", help=_("print JSON"))

    kit = commands.add_parser(
        "anniversary-kit",
        help=_(
            "for a partnership's round anniversary: the letter of congratulation (draft), "
            "the certificate (preview) and the partner's dossier, in a folder"
        ),
    )
    kit.add_argument("partnership_id", type=cli_args.record_id, metavar="PARTNERSHIP_ID")
    kit.add_argument(
        "--year", type=cli_args.year, help=_("the anniversary's year (default: the next round one)")
    )
    _common_options(kit, top=False, language=False)
    kit.add_argument(
        "--lang",
        dest="languages",
        default=None,
        metavar="LANGUAGES",
        help=_(
            "the documents' languages, e.g. zh+he (default: ours and the partner city's); "
            "the dossier is in the first"
        ),
    )
    kit.add_argument(
        "--on", type=cli_args.day, metavar="DATE", help=_("the day taken as today (YYYY-MM-DD)")
    )
    kit.add_argument("-o", "--output", required=True, metavar="FOLDER", type=Path)

    certificate = commands.add_parser(
        "certificate", help=_("print the certificate of honor of one award to a PDF file")
    )
    certificate.add_argument("award_id", type=cli_args.record_id, metavar="AWARD_ID")
    _certificate_options(certificate)
    certificate.add_argument(
        "--preview",
        action="store_true",
        help=_("draw it without registering a number or logging a print"),
    )
    certificates = commands.add_parser(
        "certificates",
        help=_("print the certificates of a year's or a conference's awards"),
    )
    certificates.add_argument("--year", type=cli_args.year, help=_("the awards of this year"))
    certificates.add_argument(
        "--conference",
        type=cli_args.record_id,
        metavar="ID",
        help=_("the awards of this conference"),
    )
    certificates.add_argument(
        "--each",
        action="store_true",
        help=_("one PDF per recipient in the folder given by -o, instead of one file"),
    )
    _certificate_options(certificates)

    report = commands.add_parser(
        "report",
        help=_("write the annual report, a partner city's dossier or a delegation's brief"),
    )
    documents = report.add_subparsers(dest="report_kind", metavar="DOCUMENT", required=True)
    annual = documents.add_parser("annual", help=_("the office's annual report of a year"))
    annual.add_argument(
        "--year", type=cli_args.year, required=True, help=_("the year to report on")
    )
    _report_options(annual)
    city = documents.add_parser(
        "city", help=_("a partner city's dossier: history, exchanges, contacts, agreements")
    )
    city.add_argument("city_id", type=cli_args.record_id, metavar="CITY_ID")
    _report_options(city)
    delegation = documents.add_parser(
        "delegation", help=_("a delegation's briefing sheet, with the city's earlier exchanges")
    )
    delegation.add_argument("delegation_id", type=cli_args.record_id, metavar="ID")
    _report_options(delegation)
    gifts = documents.add_parser(
        "gifts",
        help=_("the declaration of gifts received in a year, as PDF or as a sheet (.xlsx)"),
    )
    gifts.add_argument("--year", type=cli_args.year, required=True, help=_("the year to report on"))
    _report_options(gifts, output="FILE.pdf|FILE.xlsx")
    _common_options(report, top=False, language=False)

    from exchange_desk.cli_sheets import add_parsers
    from exchange_desk.services.registry import DECLARED, IMPORT_ORDER

    tabbed = sorted((d for d in DECLARED.values() if d.tab), key=lambda d: d.tab.position)  # type: ignore[union-attr]
    tabs = tuple(dict.fromkeys(d.tab.cli_name or d.name for d in tabbed if d.tab))
    add_parsers(commands, _common_options, tabs, tuple(k for k in IMPORT_ORDER if k in DECLARED))

    from exchange_desk import cli_history

    cli_history.add_parsers(commands, _common_options, LISTABLE)

    from exchange_desk import cli_protocol

    cli_protocol.add_parsers(commands, _common_options)

    from exchange_desk import cli_files

    cli_files.add_parsers(commands, _common_options, (*LISTABLE, *list_aliases()))

    from exchange_desk import cli_home

    cli_home.add_parsers(commands, _common_options)

    db = commands.add_parser("db", help=_("database upkeep"))
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_commands.add_parser("upgrade", help=_("migrate to the newest schema"))
    _common_options(upgrade, top=False)
    check = db_commands.add_parser("check", help=_("check integrity and migration state"))
    _common_options(check, top=False)
    _backup_parsers(db_commands)
    _role_parsers(db_commands)
    _common_options(db, top=False)
    return parser


def _print_json(data: Any, out: TextIO) -> None:
    out.write(json.dumps(data, ensure_ascii=False, indent=1))
    out.write("\n")


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], out: TextIO) -> None:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    widths = [min(w, 60) for w in widths]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out.write(line.rstrip() + "\n")
    for row in rows:
        cells = [c if len(c) <= w else c[: w - 1] + "…" for c, w in zip(row, widths, strict=True)]
        out.write("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
        out.write("\n")


def _text_columns(kind: str) -> list[tuple[str, Callable[[Any], str]]]:
    """The columns `list` prints for `kind`, as its declaration's `list_columns` name them:
    a field, a name group (`@name`) or the record a reference names (`city_id->`)."""
    from exchange_desk.services.names import Names
    from exchange_desk.services.records import Listed
    from exchange_desk.services.registry import declared

    declaration = declared(kind)

    def label(column: str) -> Callable[[Any], str]:
        def get(listed: Listed[Any]) -> str:
            names = listed.labels.get(column)
            return names.best() if names is not None else ""

        return get

    def text(attribute: str) -> Callable[[Any], str]:
        def get(listed: Listed[Any]) -> str:
            value = getattr(listed.record, attribute)
            if value is None:
                return ""
            return value.label if hasattr(value, "label") else str(value)

        return get

    def name(group: tuple[str, ...]) -> Callable[[Any], str]:
        def get(listed: Listed[Any]) -> str:
            return Names.of(tuple(getattr(listed.record, column) for column in group)).best()

        return get

    def sample(listed: Listed[Any]) -> str:
        return _("sample") if listed.record.is_sample else ""

    columns: list[tuple[str, Callable[[Any], str]]] = [(_("Id"), text("id"))]
    for source in declaration.list_columns:
        if source.startswith("@"):
            group = declaration.group(source[1:])
            columns.append((_(declaration.field(group[0]).label), name(group)))
        elif source.endswith("->"):
            item = declaration.field(source[:-2])
            columns.append((_(item.detail_label or item.label), label(item.name)))
        else:
            item = declaration.field(source)
            columns.append((_(item.detail_label or item.label), text(item.name)))
    return [*columns, (_("Sample"), sample)]


def _list(args: argparse.Namespace, out: TextIO) -> int:
    from exchange_desk.services import export
    from exchange_desk.services.records import ListQuery, list_records
    from exchange_desk.services.registry import declared

    kind = export.listed_kind(args.kind)
    personal = args.sensitive and bool(declared(kind).sensitive_fields)
    if personal:
        # Not read-only: passport data goes out only on record in the audit log.
        from exchange_desk.domain.errors import StorageUnavailable
        from exchange_desk.services.database import open_office_database

        try:
            database = open_office_database(args.db, create=False)
        except StorageUnavailable:
            database = open_office_database(args.db, read_only=True)
        _opened.append(database)
        _say_network_share(database)
    else:
        database = _open(args, read_only=True)
    query = ListQuery(search=args.search, year=args.year, limit=args.limit)
    if args.json:
        lines = export.json_records(database, kind, query, args.lang, sensitive=personal)
        out.write("[\n" + ",\n".join(lines) + ("\n]\n" if lines else "]\n"))
        return 0
    if personal:
        export.check_may_list_personal_data(database)
    page = list_records(database, kind, query)
    columns = _text_columns(kind)
    if personal:
        columns[-1:-1] = [
            (_(declared(kind).field(name).label), _cell_of(name))
            for name in declared(kind).sensitive_fields
        ]
        export.log_personal_data_listed(database, kind, len(page.rows))
    _table(
        [h for h, _get in columns],
        [[get(listed) for _h, get in columns] for listed in page.rows],
        out,
    )
    return 0


def _cell_of(attribute: str) -> Callable[[Any], str]:
    """A listed record's field as a cell: a kind's label, a date in ISO, else as text."""

    def get(listed: Any) -> str:
        value = getattr(listed.record, attribute)
        if value is None:
            return ""
        return value.label if hasattr(value, "label") else str(value)

    return get


def _stats(args: argparse.Namespace, out: TextIO) -> int:
    from exchange_desk.domain.enums import Direction
    from exchange_desk.services.statistics import statistics

    figures = statistics(_open(args, read_only=True))
    if args.json:
        _print_json(
            {
                "partnerships_by_tier": {
                    k.value: v for k, v in figures.partnerships_by_tier.items()
                },
                "partnerships_by_status": {
                    k.value: v for k, v in figures.partnerships_by_status.items()
                },
                "partnerships_by_country": figures.partnerships_by_country,
                "delegations_by_direction": {
                    k.value: v for k, v in figures.delegations_by_direction.items()
                },
                "delegations_by_year": {
                    str(year): {k.value: v for k, v in counts.items()}
                    for year, counts in figures.delegations_by_year.items()
                },
                "events_by_year": {str(k): v for k, v in figures.events_by_year.items()},
                "awards_by_year": {str(k): v for k, v in figures.awards_by_year.items()},
            },
            out,
        )
        return 0
    for tier, count in figures.partnerships_by_tier.items():
        # Through the catalog: Chinese writes the colon full-width, as in the lines below.
        out.write(_("{label}: {count}").format(label=tier.label, count=count) + "\n")
    by_direction = figures.delegations_by_direction
    out.write(
        _("Outgoing delegations: {count}").format(count=by_direction[Direction.OUTGOING]) + "\n"
    )
    out.write(
        _("Incoming delegations: {count}").format(count=by_direction[Direction.INCOMING]) + "\n"
    )
    return 0


def _anniversaries(args: argparse.Namespace, out: TextIO) -> int:
    from exchange_desk.services.statistics import anniversaries

    found = anniversaries(_open(args, read_only=True), args.year)
    if args.json:
        _print_json(
            [
                {
                    "partnership_id": a.partnership_id,
                    "city_id": a.city_id,
                    "city": a.city.best(args.lang),
                    "country": a.country,
                    "tier": a.tier.value,
                    "established": str(a.established),
                    "years": a.years,
                    "is_sample": a.is_sample,
                }
                for a in found
            ],
            out,
        )
        return 0
    _table(
        [_("Years"), _("City"), _("Tier"), _("Since")],
        [[str(a.years), a.city.best(), a.tier.label, str(a.established)] for a in found],
        out,
    )
    return 0


def _anniversary_kit(args: argparse.Namespace, out: TextIO) -> int:
    from exchange_desk.services.anniversary_kit import make_anniversary_kit

    database = _open(args)  # the certificate's award is recorded
    kit = make_anniversary_kit(
        database,
        args.partnership_id,
        args.output,
        year=args.year,
        languages=args.languages.split("+") if args.languages else None,
        on=args.on,
        progress=lambda text: print(text, file=sys.stderr),
    )
    for warning in kit.warnings:
        print(_("warning: {message}").format(message=warning), file=sys.stderr)
    letter, certificate, dossier = kit.files
    lines = [
        _("Anniversary kit for {city}: {years} years of partnership in {year}.").format(
            city=kit.city.best(), years=kit.years, year=kit.year
        ),
        _("Letter of congratulation (draft, not numbered): {path}").format(path=letter),
        _("Certificate (preview, not numbered): {path}").format(path=certificate),
        _("Dossier: {path}").format(path=dossier),
        (
            _(
                "Award {id} was recorded for the certificate: issue the certificate from it "
                "once the wording is approved."
            )
            if kit.award_created
            else _("The certificate is of award {id}, recorded by an earlier kit.")
        ).format(id=kit.award_id),
    ]
    out.write("\n".join(lines) + "\n")
    return 0


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    from exchange_desk.services.demo import fill_demo

    database = _open(args)
    result = fill_demo(
        database,
        force=args.force,
        scale=args.scale,
        progress=lambda message: print(message, file=sys.stderr),
    )
    out.write(
        _(
            "Demo data added to {where}: sister cities {sister}, friendly cooperative "
            "cities {friendly}, delegations {delegations}."
        ).format(
            where=database.describe(),
            sister=result.sister_cities,
            friendly=result.friendly_cities,
            delegations=result.delegations + result.synthetic_delegations,
        )
        + "\n"
    )
    return 0


def _issuer(args: argparse.Namespace, database: Any) -> str:
    from exchange_desk.services.certificate_register import default_issuer

    return str(args.by) if args.by else default_issuer(database)


def _warn_before_printing(database: Any, award_id: int, mode: Any) -> None:
    """What the certificate will lack (a signatory's name), said on stderr first."""
    from exchange_desk.services.certificate_content import certificate_warnings

    for warning in certificate_warnings(database, award_id, mode):
        sys.stderr.write(_("warning: {message}").format(message=warning) + "\n")


def _certificate(args: argparse.Namespace, out: TextIO) -> int:
    from exchange_desk.domain.enums import Design, LanguageMode, Orientation
    from exchange_desk.services.certificate_content import preview_pdf
    from exchange_desk.services.certificate_issue import issue_certificate_pdf
    from exchange_desk.services.output import pdf_path, write_whole

    if args.output.is_dir():
        print(
            "exchange-desk: "
            + _("{path} is a folder: name the file to write, as in {example}.").format(
                path=args.output, example=args.output / "certificate.pdf"
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    args.output = pdf_path(args.output)  # "-o honour" writes honour.pdf, as reports do
    database = _open(args)
    mode = LanguageMode(args.languages)
    design, orientation = Design(args.design), Orientation(args.orientation)
    _warn_before_printing(database, args.award_id, mode)
    if args.preview:
        data = preview_pdf(
            database, args.award_id, mode, design, orientation, text_only=args.text_only
        )
        write_whole(args.output, data)
        out.write(_("Preview written to {path} (not registered).").format(path=args.output))
        out.write("\n")
        return 0
    # Checked before a number is issued; written before the register commits.
    result = issue_certificate_pdf(
        database,
        args.award_id,
        mode,
        design,
        orientation,
        _issuer(args, database),
        text_only=args.text_only,
        target=args.output,
    )
    message = (
        _("Reprint of certificate {number} written to {path}.")
        if result.reprints
        else _("Certificate {number} issued and written to {path}.")
    )
    out.write(message.format(number=result.numbers[0], path=result.path) + "\n")
    return 0


def _certificates(args: argparse.Namespace, out: TextIO) -> int:
    from exchange_desk.domain.enums import Design, LanguageMode, Orientation
    from exchange_desk.services.certificate_issue import awards_for_batch, print_batch

    if args.year is None and args.conference is None:
        print(
            "exchange-desk: " + _("certificates needs --year or --conference (or both)."),
            file=sys.stderr,
        )
        return EXIT_USAGE
    database = _open(args)
    award_ids = awards_for_batch(database, year=args.year, conference_id=args.conference)
    shown = -1

    def progress(done: int, total: int) -> bool:
        nonlocal shown
        if done == total or done - shown >= max(total // 10, 1):
            shown = done
            print(
                _("{done} of {total} certificates").format(done=done, total=total), file=sys.stderr
            )
        return True

    result = print_batch(
        database,
        award_ids,
        LanguageMode(args.languages),
        Design(args.design),
        Orientation(args.orientation),
        _issuer(args, database),
        args.output,
        one_file_each=args.each,
        progress=progress,
        text_only=args.text_only,
    )
    for award_id, title in result.skipped:
        out.write(
            _("Skipped award {id}, {title}: our city received it, its giver certifies it.").format(
                id=award_id, title=title
            )
            + "\n"
        )
    out.write(
        _("{count} certificates ({reprints} reprints) written to {path}.").format(
            count=len(result.numbers),
            reprints=result.reprints,
            # The file written: "all" is written as "all.pdf".
            path=args.output if args.each or not result.files else result.files[0],
        )
        + "\n"
    )
    return 0


def _report(args: argparse.Namespace, out: TextIO) -> int:
    from exchange_desk.i18n.document_language import document_language
    from exchange_desk.services import reports
    from exchange_desk.services.output import checked_target
    from exchange_desk.services.report_choices import city_label, delegation_label
    from exchange_desk.services.report_output import write_report

    database = _open(args, read_only=True)
    # The report's language, resolved once: the report is written in it throughout.
    language = document_language(args.report_language or active_language())
    if args.report_kind == "gifts" and args.output.suffix.lower() == ".xlsx":
        # The declaration as a sheet: no pages to lay out.
        path = reports.write_gift_declaration_sheet(database, args.year, language, args.output)
        out.write(_("Report written to {path}.").format(path=path) + "\n")
        return 0
    # Refused before the first progress line, so a wrong id or folder is one line on stderr.
    checked_target(args.output)
    if args.report_kind == "city":
        city_label(database, args.city_id)
    elif args.report_kind == "delegation":
        delegation_label(database, args.delegation_id)

    def stage(text: str) -> None:
        print(text, file=sys.stderr)

    if args.report_kind == "annual":
        report = reports.annual_report(database, args.year, language, progress=stage)
    elif args.report_kind == "city":
        report = reports.city_dossier(database, args.city_id, language, progress=stage)
    elif args.report_kind == "gifts":
        report = reports.gift_declaration(database, args.year, language, progress=stage)
    else:
        report = reports.delegation_brief(database, args.delegation_id, language, progress=stage)
    drawn = 0
    shown = 0

    def page(done: int, total: int) -> None:
        nonlocal drawn, shown
        if total == 0:  # the layout pass: the page count is not known yet
            return
        drawn = max(drawn, total)
        # A line per tenth of the pages: a long report says it is alive without flooding.
        if done == total or done - shown >= max(total // 10, 1):
            shown = done
            print(_("Page {page} of {pages}").format(page=done, pages=total), file=sys.stderr)

    path = write_report(report, args.output, progress=page)
    out.write(
        ngettext(
            "Report written to {path} ({pages} page).",
            "Report written to {path} ({pages} pages).",
            drawn,
        ).format(path=path, pages=drawn)
        + "\n"
    )
    return 0


def _role_parsers(db_commands: Any) -> None:
    """`db grant` and `db users`: the office's users on a shared PostgreSQL database."""
    from exchange_desk.domain.roles import Role

    grant = db_commands.add_parser(
        "grant",
        help=_("give a user of a shared PostgreSQL database a role (administrators only)"),
    )
    grant.add_argument("login", metavar="LOGIN", help=_("the user's name on the server"))
    which = grant.add_mutually_exclusive_group(required=True)
    which.add_argument("--role", choices=[role.key for role in Role])
    which.add_argument(
        "--revoke", action="store_true", help=_("take every role of the office from the user")
    )
    grant.add_argument(
        "--password-prompt",
        action="store_true",
        help=_("ask for the user's new password (it is never typed on the command line)"),
    )
    _common_options(grant, top=False)
    users = db_commands.add_parser(
        "users", help=_("list the users of a shared PostgreSQL database and their roles")
    )
    users.add_argument("--json", action="store_true", help=_("print JSON"))
    _common_options(users, top=False)


def _db_roles(args: argparse.Namespace, out: TextIO) -> int:
    """`db grant` and `db users`; a SQLite file or a user who is no administrator: exit 2."""
    import getpass

    from exchange_desk.domain.errors import NotAllowed
    from exchange_desk.domain.roles import Role
    from exchange_desk.services import roles
    from exchange_desk.services.database import open_office_database

    database = open_office_database(args.db, migrate=False, create=False)
    _opened.append(database)
    try:
        roles.require_user_administration(database)
        if args.db_command == "users":
            found = roles.users(database)
            if args.json:
                _print_json([user.as_dict() for user in found], out)
                out.write("\n")
                return 0
            for user in found:
                notes = [] if user.can_login else [_("cannot log in")]
                notes += [_("owner of the database")] if user.owner else []
                out.write(f"{user.login}\t{user.role.label()}")
                out.write(f"\t({', '.join(notes)})\n" if notes else "\n")
            return 0
        password = None
        if args.password_prompt:
            password = getpass.getpass(_("Password for {login}: ").format(login=args.login))
            if getpass.getpass(_("The same password again: ")) != password:
                message = _("The two passwords differ; nothing changed.")
                print(f"exchange-desk: {message}", file=sys.stderr)
                return EXIT_USAGE
        if args.revoke:
            done = roles.revoke(database, args.login)
        else:
            done = roles.grant(database, args.login, Role.named(args.role), password=password)
    except NotAllowed as exc:
        print(f"exchange-desk: {exc.user_message()}", file=sys.stderr)
        return EXIT_USAGE
    out.write(done.message() + "\n")
    return 0


def _backup_parsers(db_commands: Any) -> None:
    """`db backup`, `db restore` and `db backups`."""
    backup = db_commands.add_parser(
        "backup", help=_("write a complete backup of the database to a file")
    )
    backup.add_argument("-o", "--output", required=True, metavar="FILE", type=Path)
    _common_options(backup, top=False)
    restore = db_commands.add_parser(
        "restore", help=_("replace the database with a backup (administrators only)")
    )
    restore.add_argument("file", metavar="FILE", type=Path)
    restore.add_argument(
        "--force",
        action="store_true",
        help=_("replace without asking (the database is backed up first)"),
    )
    _common_options(restore, top=False)
    listing = db_commands.add_parser("backups", help=_("list the backups of the database"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    _common_options(listing, top=False)


def _moment(value: dt.datetime) -> str:
    from exchange_desk.i18n.formatting import format_day

    return f"{format_day(value.date())} {value:%H:%M}"


def _db_backups(args: argparse.Namespace, out: TextIO) -> int:
    """`db backup -o FILE`, `db restore FILE [--force]` and `db backups`."""
    import os

    from exchange_desk.services import backups
    from exchange_desk.services.database import resolve_url

    if args.db_command == "backups":
        url = resolve_url(args.db)
        found = backups.list_backups(url)  # the database itself may be lost
        if args.json:
            _print_json(
                [
                    {
                        "path": str(item.path),
                        "made": item.made.isoformat(timespec="seconds"),
                        "kind": item.kind.value,
                        "size": item.size,
                    }
                    for item in found
                ],
                out,
            )
            return 0
        folder = backups.backup_folder(url)
        if not found:
            out.write(_("No backups yet in {folder}.").format(folder=folder) + "\n")
            return 0
        # Named from the database's folder, which holds the backups folder: short enough
        # for a line, and what `db restore` takes from there.
        base = folder.parent
        out.write(_("Backups in {folder}:").format(folder=base) + "\n")
        _table(
            [_("Made"), _("Kind"), _("Size"), _("File")],
            [
                [
                    _moment(item.made),
                    item.kind.label(),
                    backups.format_size(item.size),
                    os.path.relpath(item.path, base),
                ]
                for item in found
            ],
            out,
        )
        return 0
    if args.db_command == "backup":
        database = backups.open_for_backup(args.db)
        _opened.append(database)
        _say_network_share(database)
        made = backups.back_up(database, args.output)
        out.write(
            _("Backup of {where} written to {path} ({size}).").format(
                where=database.describe(), path=made.path, size=backups.format_size(made.size)
            )
            + "\n"
        )
        if database.backend == "postgresql" and made.method == backups.SQLITE:
            out.write(
                _(
                    "pg_dump was not found, so this is Exchange Desk's own export of every "
                    "table, a SQLite file that 'exchange-desk db restore' takes back."
                )
                + "\n"
            )
        return 0
    from exchange_desk.domain.roles import Role
    from exchange_desk.services.roles import require

    if not args.force:
        from exchange_desk.domain.errors import StorageProblem, StorageUnavailable

        try:
            database = _open(args)
        except StorageUnavailable as exc:
            if exc.problem is not StorageProblem.CORRUPT:
                raise
            contents = backups.inspect_backup(args.file)
            out.write(exc.user_message() + "\n")
            out.write(
                _(
                    "Restoring moves the damaged file aside into the backups folder and puts "
                    "the backup in its place."
                )
                + "\n"
            )
        else:
            require(database, Role.ADMINISTRATOR)
            contents = backups.inspect_backup(args.file)
            out.write(
                _("Restoring replaces everything in {where}, which now holds:").format(
                    where=database.describe()
                )
                + "\n"
            )
            held = backups.count_lines(backups.current_counts(database))
            for line in held or [_("no records")]:
                out.write(f"  {line}\n")
        out.write(
            _("The backup {path} of {date} holds:").format(
                path=contents.path, date=_moment(contents.made)
            )
            + "\n"
        )
        for line in backups.count_lines(contents.counts) or [_("no records")]:
            out.write(f"  {line}\n")
        print(
            "exchange-desk: "
            + _(
                "Nothing was changed. To restore, run the command again with --force "
                "(the database as it is now is backed up first)."
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    database, aside = backups.open_for_restore(args.db)
    _opened.append(database)
    if aside is not None:
        out.write(_("The damaged database was moved aside to {path}.").format(path=aside) + "\n")
    restored = backups.restore(
        database, args.file, progress=lambda text: print(text, file=sys.stderr)
    )
    out.write(
        _("{where} was restored from {path}.").format(
            where=database.describe(), path=restored.source
        )
        + "\n"
    )
    if restored.migrated:
        out.write(_("The restored data was brought to the newest schema.") + "\n")
    out.write(
        _("The database as it was before is kept in {path}.").format(path=restored.before) + "\n"
    )
    return 0


def _db(args: argparse.Namespace, out: TextIO) -> int:
    from exchange_desk.services.database import (
        check_database,
        open_office_database,
        upgrade_database,
    )

    if args.db_command in ("grant", "users"):
        return _db_roles(args, out)
    if args.db_command in ("backup", "restore", "backups"):
        return _db_backups(args, out)
    if args.db_command == "upgrade":
        database, backup = upgrade_database(args.db)
        _opened.append(database)
        if backup is not None:
            out.write(_("Backup copy: {path}").format(path=backup) + "\n")
        out.write(_("{where} is at the newest schema.").format(where=database.describe()) + "\n")
        return 0
    database = open_office_database(args.db, read_only=True, migrate=False)
    _opened.append(database)
    report = check_database(database)
    out.write(
        _("Database: {where} ({backend})").format(where=report.location, backend=report.backend)
        + "\n"
    )
    out.write(
        _("Schema: {current} (newest: {head})").format(
            current=report.current_revision or _("none"), head=report.head_revision
        )
        + "\n"
    )
    for kind, count in report.counts.items():
        out.write(f"  {kind}: {count}\n")
    for problem in report.problems:
        out.write(_("Problem: {problem}").format(problem=problem) + "\n")
    if report.current_revision != report.head_revision:
        out.write(_("The schema is not the newest: run 'exchange-desk db upgrade'.") + "\n")
    out.write((_("OK") if report.ok else _("Problems found")) + "\n")
    return 0 if report.ok else EXIT_REFUSED


def _import(args: argparse.Namespace, out: TextIO) -> int:
    from exchange_desk.cli_sheets import run_import

    return run_import(args, _open(args), out)


def _export(args: argparse.Namespace, out: TextIO) -> int:
    from exchange_desk.cli_sheets import run_export
    from exchange_desk.domain.errors import StorageUnavailable
    from exchange_desk.services.database import open_office_database

    # Not read-only: the export is logged (a database that cannot be written to is still
    # exported from, unlogged). Never created: a missing file is an error.
    try:
        database = open_office_database(args.db, create=False)
    except StorageUnavailable:
        database = open_office_database(args.db, read_only=True)
    _opened.append(database)
    return run_export(args, database, out)


def _template(args: argparse.Namespace, out: TextIO) -> int:
    from exchange_desk.cli_sheets import run_template

    return run_template(args, out)


def _history(args: argparse.Namespace, out: TextIO) -> int:
    from exchange_desk.cli_history import open_for_reading, run_history

    database = open_for_reading(args.db)
    _opened.append(database)
    return run_history(args, database, out)


def _audit(args: argparse.Namespace, out: TextIO) -> int:
    from exchange_desk.cli_history import open_for_reading, run_audit

    database = open_for_reading(args.db)
    _opened.append(database)
    return run_audit(args, database, out)


def _protocol_document(args: argparse.Namespace, out: TextIO) -> int:
    from exchange_desk import cli_protocol

    run = {
        "letter": cli_protocol.run_letter,
        "programme": cli_protocol.run_programme,
        "badges": cli_protocol.run_badges,
        "placecards": cli_protocol.run_placecards,
    }[args.command]
    # Letters are registered (a reference number): the database is written to.
    return run(args, _open(args, read_only=args.command != "letter"), out)


def _files(args: argparse.Namespace, out: TextIO) -> int:
    from exchange_desk import cli_files

    if not cli_files.writes(args):
        return cli_files.run(args, _open(args, read_only=True), out)
    from exchange_desk.services.database import open_office_database

    # Written to, but never created: a mistyped --db is an error, not a new database.
    database = open_office_database(args.db, create=False)
    _opened.append(database)
    _say_network_share(database)
    return cli_files.run(args, database, out)


def _home(args: argparse.Namespace, out: TextIO) -> int:
    from exchange_desk import cli_home

    return cli_home.run(args, _open(args, read_only=True), out)


# What a command opened, closed when it ends: run in-process (the tests, a script), the
# command leaves no connection to a server behind.
_opened: list[Any] = []


def _open(args: argparse.Namespace, *, read_only: bool = False) -> Any:
    """The database the command works on. `read_only` (the commands that only read): never
    created, migrated or written; a missing file is an error, not a new database."""
    from exchange_desk.services.database import open_office_database

    if read_only:
        database = open_office_database(args.db, read_only=True)
    else:
        database = open_office_database(args.db)
    _opened.append(database)
    _say_network_share(database)
    return database


def _say_network_share(database: Any) -> None:
    """Once per file: a SQLite database on a network share is not the way to share."""
    from exchange_desk.services.backups import network_share_notice

    notice = network_share_notice(database, "cli")
    if notice:
        print(_("warning: {message}").format(message=notice), file=sys.stderr)


@dataclass(frozen=True, slots=True)
class WindowRequest:
    """The window asked for by a command line without a command, with its options."""

    database_location: str | None
    language: str | None
    screenshot: str | None
    tab: str | None


def write_utf8() -> None:
    """Make standard output and error write UTF-8, whatever the console's code page: a list
    of Chinese and Hebrew names piped to a file on a Windows in cp1252, cp936 or cp1255 would
    otherwise stop at the first character that code page lacks (UnicodeEncodeError)."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        reconfigure = getattr(stream, "reconfigure", None)
        if encoding != "utf8" and reconfigure is not None:
            reconfigure(encoding="utf-8", errors="backslashreplace")


def main(
    argv: Sequence[str] | None = None,
    out: TextIO | None = None,
    *,
    open_window: Callable[[WindowRequest], int] | None = None,
) -> int:
    """Run the command line; returns the exit status.

    Without a command the window is asked for: `open_window` opens it (the launcher passes
    the GUI's, so that the command line itself never loads Qt); without one, the help is
    printed instead.
    """
    from exchange_desk.logs import configure_logging

    configure_logging()
    write_utf8()
    out = out or sys.stdout
    arguments = list(sys.argv[1:] if argv is None else argv)
    set_language(_early_language(arguments))
    argparse_texts.install()  # argparse's own texts (usage, errors) in that language
    parser = build_parser()
    args = parser.parse_args(arguments)
    refused = cli_args.argument_problems(args)
    if refused:
        for problem in refused:
            print(f"exchange-desk: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if args.lang:
        args.lang = set_language(args.lang).code
    elif active_language() != system_language():
        # The early guess read a `--lang` after `certificate` or `report`, which names the
        # document's languages: the messages stay in the system's language.
        set_language(system_language())
    if args.command is None:
        if open_window is None:
            parser.print_help(out)
            return EXIT_USAGE
        return open_window(
            WindowRequest(
                database_location=args.db,
                language=args.lang,
                screenshot=args.screenshot,
                tab=args.tab,
            )
        )
    handlers: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
        "demo": _demo,
        "list": _list,
        "stats": _stats,
        "anniversaries": _anniversaries,
        "anniversary-kit": _anniversary_kit,
        "db": _db,
        "certificate": _certificate,
        "certificates": _certificates,
        "report": _report,
        "import": _import,
        "export": _export,
        "template": _template,
        "history": _history,
        "audit": _audit,
        "letter": _protocol_document,
        "programme": _protocol_document,
        "badges": _protocol_document,
        "placecards": _protocol_document,
        "attach": _files,
        "attachments": _files,
        "attachment": _files,
        "due": _home,
        "calendar": _home,
        "health": _home,
    }
    from exchange_desk.domain.errors import ExchangeDeskError, StorageUnavailable

    try:
        return handlers[args.command](args, out)
    except StorageUnavailable as exc:
        print(f"exchange-desk: {exc.user_message()}", file=sys.stderr)
        return EXIT_STORAGE
    except ExchangeDeskError as exc:
        print(f"exchange-desk: {exc.user_message()}", file=sys.stderr)
        return EXIT_REFUSED
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
    finally:
        while _opened:
            _opened.pop().dispose()


def _early_language(arguments: list[str]) -> str:
    """The language for help texts, read before the parser exists (it is translated too)."""
    for index, argument in enumerate(arguments):
        if argument == "--lang" and index + 1 < len(arguments):
            return _valid_or_default(arguments[index + 1])
        if argument.startswith("--lang="):
            return _valid_or_default(argument.split("=", 1)[1])
    return system_language()


def _valid_or_default(code: str) -> str:
    language = find_language(code)
    return language.code if language else system_language()
