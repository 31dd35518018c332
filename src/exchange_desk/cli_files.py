"""The command line's files on records: scans, photos and documents attached to a record.

    exchange-desk attach KIND ID FILE [FILE...] [--caption TEXT] [--caption-zh TEXT]
                                                [--caption-he TEXT]
    exchange-desk attachments KIND ID [--json]
    exchange-desk attachment get ATTACHMENT_ID -o FILE|FOLDER [--force]
    exchange-desk attachment remove ATTACHMENT_ID

KIND is a kind's name or its name on the command line, as `list` takes them (`people` or
`persons`). Each goes through its service (`services.attaching`, `services.attachments`),
which refuses a file larger than the office accepts before reading it. Several files are
attached all or none.

A file that cannot be attached (too large, missing, a folder) or a copy that would overwrite
a file without `--force` is bad input: one line per problem on stderr, exit 2, nothing
stored or written. A record or an attachment that does not exist is reported like any
refused input of the other commands (exit 1). `get` writes a file under the name given, or
into the folder given under the file's safe name (never `..`, `CON` or a path of the stored
name's making).

The messages use only characters a Windows console in cp1252 prints; names of files and
records are printed as stored.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from exchange_desk.cli_args import record_id
from exchange_desk.i18n.catalog import _, ngettext

if TYPE_CHECKING:
    from exchange_desk.domain.errors import InvalidInput
    from exchange_desk.domain.records import Attachment
    from exchange_desk.storage.database import Database

EXIT_BAD_FILE = 2
SHORT_HASH = 12  # hex digits of the SHA-256 shown in tables: enough to tell files apart

COMMANDS = ("attach", "attachments", "attachment")


def add_parsers(commands: Any, common: Any, kinds: tuple[str, ...]) -> None:
    """Add `attach`, `attachments` and `attachment` to the subcommands; `kinds` are the
    names `list` takes."""
    attach = commands.add_parser(
        "attach", help=_("attach files (a scan, photos, documents) to a record")
    )
    common(attach, top=False)
    attach.add_argument("kind", choices=kinds, metavar="KIND", help=", ".join(kinds))
    attach.add_argument("record_id", type=record_id, metavar="ID")
    attach.add_argument("files", nargs="+", type=Path, metavar="FILE")
    attach.add_argument(
        "--caption", default="", metavar="TEXT", help=_("the caption of each file (English)")
    )
    attach.add_argument(
        "--caption-zh", default="", metavar="TEXT", help=_("the caption in Chinese")
    )
    attach.add_argument("--caption-he", default="", metavar="TEXT", help=_("the caption in Hebrew"))

    listing = commands.add_parser("attachments", help=_("list the files attached to a record"))
    common(listing, top=False)
    listing.add_argument("kind", choices=kinds, metavar="KIND", help=", ".join(kinds))
    listing.add_argument("record_id", type=record_id, metavar="ID")
    listing.add_argument("--json", action="store_true", help=_("print JSON"))

    one = commands.add_parser(
        "attachment", help=_("copy an attached file to disk, or remove it from its record")
    )
    common(one, top=False)
    actions = one.add_subparsers(dest="attachment_command", metavar="ACTION", required=True)
    get = actions.add_parser("get", help=_("write a copy of an attached file"))
    common(get, top=False)
    get.add_argument("attachment_id", type=record_id, metavar="ATTACHMENT_ID")
    get.add_argument(
        "-o",
        "--output",
        required=True,
        type=Path,
        metavar="FILE",
        help=_("the file to write, or a folder to write it into under its own name"),
    )
    get.add_argument(
        "--force", action="store_true", help=_("replace a file of that name if there is one")
    )
    remove = actions.add_parser("remove", help=_("remove an attached file from its record"))
    common(remove, top=False)
    remove.add_argument("attachment_id", type=record_id, metavar="ATTACHMENT_ID")


def writes(args: argparse.Namespace) -> bool:
    """Whether the command changes the database (`attach`, `attachment remove`)."""
    return bool(
        args.command == "attach"
        or (args.command == "attachment" and args.attachment_command == "remove")
    )


def run(args: argparse.Namespace, database: Database, out: TextIO) -> int:
    from exchange_desk.domain.errors import InvalidInput

    try:
        if args.command == "attach":
            return _attach(args, database, out)
        if args.command == "attachments":
            return _list(args, database, out)
        if args.attachment_command == "get":
            return _get(args, database, out)
        return _remove(args, database, out)
    except InvalidInput as exc:
        return _refused(exc)


def _refused(exc: InvalidInput) -> int:
    """Each problem on a line of its own, without the field's internal name."""
    for problem in exc.problems:
        print(f"exchange-desk: {problem.message}", file=sys.stderr)
    return EXIT_BAD_FILE


def _kind(args: argparse.Namespace) -> str:
    from exchange_desk.services.export import listed_kind

    return listed_kind(args.kind)


def _record_label(kind: str, record_id: int) -> str:
    """What the messages name a record by: "delegation 19", in the user's language."""
    from exchange_desk.services.kinds import kind_named

    return _("{kind} {id}").format(kind=kind_named(kind).label(), id=record_id)


def _size(size: int) -> str:
    from exchange_desk.services.backups import format_size

    return format_size(size)


def _added(attachment: Attachment) -> str:
    """When it was attached, in the computer's time, to the minute."""
    from exchange_desk.i18n.formatting import format_day

    if attachment.created_at is None:
        return ""
    local = attachment.created_at.replace(tzinfo=dt.UTC).astimezone()
    return f"{format_day(local.date())} {local:%H:%M}"


def _attach(args: argparse.Namespace, database: Database, out: TextIO) -> int:
    from exchange_desk.cli_history import _table
    from exchange_desk.services.attaching import attach_paths
    from exchange_desk.services.records import get_record

    kind = _kind(args)
    # Asked first, so that a record that is not there is said before any file is read.
    get_record(database, kind, args.record_id)
    done = attach_paths(
        database,
        kind,
        args.record_id,
        list(args.files),
        description=args.caption,
        caption_zh=args.caption_zh,
        caption_he=args.caption_he,
    )
    stored = done.attachments
    out.write(
        ngettext(
            "{count} file attached to {record}:",
            "{count} files attached to {record}:",
            len(stored),
        ).format(count=len(stored), record=_record_label(kind, args.record_id))
        + "\n"
    )
    _table(
        [_("Id"), _("Size"), _("SHA-256"), _("File")],
        [
            [str(item.id), _size(item.size), item.sha256[:SHORT_HASH], item.file_name]
            for item in stored
        ],
        out,
    )
    return 0


def _list(args: argparse.Namespace, database: Database, out: TextIO) -> int:
    from exchange_desk.cli_history import _print_json, _table
    from exchange_desk.services.attachments import attachments_of
    from exchange_desk.services.records import get_record

    kind = _kind(args)
    get_record(database, kind, args.record_id)  # NotFound for a record that is not there
    found = attachments_of(database, kind, args.record_id)
    if args.json:
        _print_json([as_dict(item) for item in found], out)
        return 0
    if not found:
        out.write(
            _("No files are attached to {record}.").format(
                record=_record_label(kind, args.record_id)
            )
            + "\n"
        )
        return 0
    _table(
        # The caption last: the table prints the last column whole.
        [_("Id"), _("File"), _("Type"), _("Size"), _("Added"), _("Caption")],
        [
            [
                str(item.id),
                item.file_name,
                item.media_type,
                _size(item.size),
                _added(item),
                _caption(item),
            ]
            for item in found
        ],
        out,
    )
    return 0


def _caption(attachment: Attachment) -> str:
    from exchange_desk.i18n.catalog import active_language
    from exchange_desk.i18n.languages import find_language

    language = find_language(active_language())
    return attachment.caption(language.short_code if language else "en")


def as_dict(attachment: Attachment) -> dict[str, Any]:
    """An attachment for `--json`: every field, the time in ISO form with its zone."""
    return {
        "id": attachment.id,
        "kind": attachment.owner_kind,
        "record_id": attachment.owner_id,
        "file_name": attachment.file_name,
        "media_type": attachment.media_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "caption": attachment.description,
        "caption_zh": attachment.caption_zh,
        "caption_he": attachment.caption_he,
        "added": attachment.created_at.replace(tzinfo=dt.UTC).isoformat()
        if attachment.created_at
        else None,
        "width": attachment.width,
        "height": attachment.height,
        "is_image": attachment.is_image,
        "has_preview": attachment.has_preview,
    }


def _get(args: argparse.Namespace, database: Database, out: TextIO) -> int:
    from exchange_desk.services.attachments import get_attachment, safe_file_name, save_copy

    found = get_attachment(database, args.attachment_id)
    target: Path = args.output
    if target.is_dir():
        # Into the folder under a name Windows accepts, whatever the stored name holds.
        target = target / safe_file_name(found.file_name, found.media_type)
    if not args.force and (target.exists() or target.is_symlink()):
        print(
            "exchange-desk: "
            + _("{path} exists already; nothing was written (--force replaces it).").format(
                path=target
            ),
            file=sys.stderr,
        )
        return EXIT_BAD_FILE
    written = save_copy(database, args.attachment_id, target)
    out.write(_("Written: {path} ({size})").format(path=written, size=_size(found.size)) + "\n")
    return 0


def _remove(args: argparse.Namespace, database: Database, out: TextIO) -> int:
    from exchange_desk.services.attaching import remove_file

    removed = remove_file(database, args.attachment_id).attachment
    out.write(
        _("Removed {name} (attachment {id}) from {record}.").format(
            name=removed.file_name,
            id=removed.id,
            record=_record_label(removed.owner_kind, removed.owner_id)
            if removed.owner_kind != "office"
            else _("the office profile"),
        )
        + "\n"
    )
    return 0
