"""The command line's protocol documents: a delegation's letters, programme, badges and
place cards, and a partnership's letter of congratulation.

    exchange-desk letter invitation|visa|congratulation ID --lang zh+en -o FILE.pdf|.docx
    exchange-desk programme DELEGATION_ID --lang zh+en+he -o FILE.pdf|.ics
    exchange-desk badges DELEGATION_ID [--stock a4-8] -o FILE.pdf
    exchange-desk placecards DELEGATION_ID | --event ID | --reception ID -o FILE.pdf

Each goes through its service (`services.letters`, `programme`, `badges`), which refuses bad
input (a visa letter for members without passport data) before anything is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from exchange_desk.cli_args import record_id
from exchange_desk.i18n.catalog import _
from exchange_desk.i18n.languages import find_language

DOCUMENT_LANGUAGES = ("zh", "en", "he")


def document_languages(text: str) -> list[str]:
    """`zh+en`, `zh,en` or `he` as the short codes of the languages, in the order given."""
    found: list[str] = []
    for piece in text.replace(",", "+").split("+"):
        language = find_language(piece.strip()) if piece.strip() else None
        if language is None or language.short_code not in DOCUMENT_LANGUAGES:
            raise argparse.ArgumentTypeError(
                _("not a document language: {text} (use zh, en, he or e.g. zh+en)").format(
                    text=piece.strip() or text
                )
            )
        if language.short_code not in found:
            found.append(language.short_code)
    return found


def _languages_option(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument(
        "--lang",
        dest="document_languages",
        type=document_languages,
        default=None,
        metavar="LANGUAGES",
        help=_("the document's languages, e.g. zh, en+he or zh+en+he (default: {default})").format(
            default=default
        ),
    )


def add_parsers(commands: Any, common: Any) -> None:
    """Add `letter`, `programme`, `badges` and `placecards` to the subcommands."""
    letter = commands.add_parser(
        "letter",
        help=_(
            "an invitation or visa invitation letter for a delegation, or a letter of "
            "congratulation for a partnership's anniversary"
        ),
    )
    common(letter, top=False, language=False)
    letter.add_argument("letter", choices=("invitation", "visa", "congratulation"))
    letter.add_argument(
        "record_id",
        type=record_id,
        metavar="ID",
        help=_("the delegation (invitation, visa) or the partnership (congratulation)"),
    )
    _languages_option(letter, "zh")
    letter.add_argument(
        "--by", default=None, help=_("who writes it, for the register (default: your user name)")
    )
    letter.add_argument("-o", "--output", required=True, metavar="FILE.pdf|.docx", type=Path)

    programme = commands.add_parser(
        "programme", help=_("a delegation's visit programme, as a PDF or an .ics calendar")
    )
    common(programme, top=False, language=False)
    programme.add_argument("delegation_id", type=record_id, metavar="DELEGATION_ID")
    _languages_option(programme, "zh+en")
    programme.add_argument("-o", "--output", required=True, metavar="FILE.pdf|.ics", type=Path)

    badges = commands.add_parser("badges", help=_("name badges for a delegation's members"))
    common(badges, top=False, language=False)
    badges.add_argument("delegation_id", type=record_id, metavar="DELEGATION_ID")
    # The stocks are checked by the service: listing them here would load it (and ReportLab)
    # for every command.
    badges.add_argument(
        "--stock",
        default=None,
        metavar="STOCK",
        help=_("the label sheet, e.g. a4-8 (8 per A4 sheet, the default), a4-10, letter-6"),
    )
    _host_option(badges)
    badges.add_argument("-o", "--output", required=True, metavar="FILE.pdf", type=Path)

    cards = commands.add_parser(
        "placecards",
        help=_("folded place cards for a delegation, a cultural event's or a reception's guests"),
    )
    common(cards, top=False, language=False)
    cards.add_argument("delegation_id", type=record_id, nargs="?", metavar="DELEGATION_ID")
    cards.add_argument(
        "--event", type=record_id, metavar="EVENT_ID", help=_("a cultural event's guests")
    )
    cards.add_argument(
        "--reception",
        type=record_id,
        metavar="ITEM_ID",
        help=_("a reception's guests (programme item)"),
    )
    _host_option(cards)
    cards.add_argument("-o", "--output", required=True, metavar="FILE.pdf", type=Path)


def _host_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host-lang",
        dest="host_language",
        type=lambda text: document_languages(text)[0],
        default=None,
        metavar="{zh,en,he}",
        help=_("the hosts' script, printed under each name (default: the home city's)"),
    )


def _done(out: TextIO, path: Path, warnings: list[str]) -> int:
    for warning in warnings:
        print(_("Warning: {warning}").format(warning=warning), file=sys.stderr)
    out.write(_("Written: {path}").format(path=path) + "\n")
    return 0


def run_letter(args: argparse.Namespace, database: Any, out: TextIO) -> int:
    from exchange_desk.domain.enums import LetterKind
    from exchange_desk.services.certificate_register import default_issuer
    from exchange_desk.services.letters import write_letter

    made = write_letter(
        database,
        LetterKind(args.letter),
        args.record_id,
        args.document_languages or ["zh"],
        args.output,
        issued_by=args.by or default_issuer(database),
    )
    out.write(_("Reference number: {number}").format(number=made.number) + "\n")
    return _done(out, args.output, made.warnings)


def run_programme(args: argparse.Namespace, database: Any, out: TextIO) -> int:
    from exchange_desk.services.programme import write_programme

    warnings = write_programme(
        database, args.delegation_id, args.document_languages or ["zh", "en"], args.output
    )
    return _done(out, args.output, warnings)


def run_badges(args: argparse.Namespace, database: Any, out: TextIO) -> int:
    from exchange_desk.services.badges import DEFAULT_STOCK, write_badges

    made = write_badges(
        database,
        args.delegation_id,
        args.output,
        stock=args.stock or DEFAULT_STOCK,
        host_language=args.host_language,
    )
    return _done(out, args.output, made.warnings)


def run_placecards(args: argparse.Namespace, database: Any, out: TextIO) -> int:
    from exchange_desk.domain.errors import FieldProblem, InvalidInput
    from exchange_desk.services.badges import write_place_cards

    chosen = [v for v in (args.delegation_id, args.event, args.reception) if v is not None]
    if len(chosen) != 1:
        raise InvalidInput(
            [
                FieldProblem(
                    "delegation_id",
                    _("Name one delegation, or one event (--event) or reception (--reception)."),
                )
            ]
        )
    made = write_place_cards(
        database,
        args.output,
        delegation_id=args.delegation_id,
        event_id=args.event,
        programme_item_id=args.reception,
        host_language=args.host_language,
    )
    return _done(out, args.output, made.warnings)
