"""Files linked to records (an agreement's scan, photos of a visit, a gift, the seal): stored
with their hash, their caption in three languages and, for images, a preview made once.

The bytes live in the database, once per SHA-256, so an office sharing one PostgreSQL
database shares its files too, and a backup of the database is a backup of everything.
Reading checks the hash, so a damaged file is reported instead of printed.

A file's name is kept as it was given, for showing, and never used as a path: a copy written
to disk is named by `safe_file_name`, which makes `..`, NUL or `CON.pdf` harmless on Windows.
An image is made smaller once, when attached: a thumbnail for the window and a picture for
documents, so that neither a detail pane nor a report reads a 12-megapixel photo again.
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
import os
import re
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, delete, select, update

from exchange_desk.domain.errors import (
    FieldProblem,
    InvalidInput,
    NotFound,
    StorageProblem,
    StorageUnavailable,
)
from exchange_desk.domain.records import Attachment
from exchange_desk.i18n.catalog import _
from exchange_desk.storage import models as m

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from exchange_desk.services.records import Snapshot
    from exchange_desk.storage.database import Database

# The office profile's limit unless it says otherwise, and the most it may say: PostgreSQL
# holds up to 1 GB in a value, but a file of hundreds of megabytes in every backup is not
# what an office wants.
DEFAULT_LIMIT_MB = 20
MAX_LIMIT_MB = 500
# Decimal, as Windows Explorer's "Size on disk" is not but as every size this program shows is
# (`backups.format_size`): a file shown as 20.4 MB is over a 20 MB limit.
MEGABYTE = 1000 * 1000
THUMBNAIL_SIDE = 320  # pixels: a detail pane draws them at 96-160, twice that on 4K screens
PICTURE_SIDE = 1600  # pixels: a photo a third of an A4 page wide at 300 dpi, or a page at 150
# Pillow refuses images larger than this (a decompression bomb): such a file is kept, without
# a preview.
MAX_PIXELS = 120_000_000
_ORIENTATION = 0x0112  # EXIF: how the camera was held
_TURNED = frozenset({5, 6, 7, 8})  # a quarter turn: width and height swap

__all__ = [
    "DEFAULT_LIMIT_MB",
    "MEGABYTE",
    "Preview",
    "attach",
    "attach_in",
    "attachments_of",
    "check_size",
    "clean_name",
    "delete_attachment",
    "delete_owned",
    "get_attachment",
    "picture_of",
    "read_attachment",
    "remove_in",
    "safe_file_name",
    "set_caption",
    "size_limit",
    "thumbnails_of",
]


def _record(row: m.AttachmentRow, has_preview: bool = False) -> Attachment:
    return Attachment(
        id=row.id,
        owner_kind=row.owner_kind,
        owner_id=row.owner_id,
        file_name=row.file_name,
        media_type=row.media_type,
        size=row.size,
        sha256=row.sha256,
        description=row.description,
        caption_zh=row.caption_zh,
        caption_he=row.caption_he,
        created_at=row.created_at,
        width=row.width,
        height=row.height,
        has_preview=has_preview,
    )


# --- names -----------------------------------------------------------------------------------


def clean_name(file_name: str) -> str:
    """The name to keep: as given without its folders (`C:\\scans\\a.pdf` is `a.pdf`; a
    desk's folders mean nothing to another), except characters no database or screen holds
    (NUL and other controls become U+FFFD), at most 200 characters with the extension kept."""
    last = re.split(r"[\\/]", file_name)[-1]
    file_name = last if last.strip() else file_name
    cleaned = "".join(
        "\ufffd" if unicodedata.category(char) == "Cc" else char for char in file_name
    ).strip()
    if len(cleaned) > m.NAME:
        stem, dot, extension = cleaned.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            cleaned = stem[: m.NAME - len(extension) - 1] + "." + extension
        else:
            cleaned = cleaned[: m.NAME]
    return cleaned


def safe_file_name(file_name: str, media_type: str = "", *, fallback: str = "") -> str:
    """A name a copy of the file may be written under, on Windows as elsewhere: no folder
    parts, no reserved device name (CON, NUL, COM1...), no characters Windows refuses, no
    trailing dots or spaces; the extension kept, or guessed from the media type."""
    from pathvalidate import sanitize_filename

    # Folder separators of both systems are characters of the name, not folders.
    flat = clean_name(file_name).replace("/", "_").replace("\\", "_").replace("\ufffd", "_")
    safe = sanitize_filename(flat, replacement_text="_", platform="windows", max_len=180)
    safe = safe.strip(" .")
    if not safe.strip("_") or set(safe) <= {".", "_"}:
        extension = mimetypes.guess_extension(media_type) if media_type else None
        safe = (fallback or _("attachment")) + (extension or "")
        safe = sanitize_filename(safe, replacement_text="_", platform="windows")
    stem, _dot, _extension = safe.partition(".")
    if stem.upper() in _RESERVED:  # `sanitize_filename` keeps "CON.txt" on some versions
        safe = "_" + safe
    return safe


_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{n}" for n in range(10)}
    | {f"LPT{n}" for n in range(10)}
    | {f"COM{n}" for n in "¹²³"}
    | {f"LPT{n}" for n in "¹²³"}
)


# --- the size limit --------------------------------------------------------------------------


def _limit_in(session: Session) -> int:
    found = session.scalar(
        select(m.OfficeProfileRow.attachment_limit_mb).where(m.OfficeProfileRow.id == 1)
    )
    return int(found or DEFAULT_LIMIT_MB) * MEGABYTE


def size_limit(database: Database) -> int:
    """The largest file, in bytes, a record may have attached (the office profile's)."""
    with database.reading() as session:
        return _limit_in(session)


def _too_large(file_name: str, size: int, limit: int) -> InvalidInput:
    from exchange_desk.services.backups import format_size

    return InvalidInput(
        [
            FieldProblem(
                "content",
                _(
                    "{name} is {size}; the office accepts files of up to {limit} MB (set in "
                    "the office profile)."
                ).format(
                    name=clean_name(file_name) or _("The file"),
                    size=format_size(size),
                    limit=limit // MEGABYTE,
                ),
            )
        ]
    )


def check_size(database: Database, file_name: str, size: int) -> None:
    """Refuse (InvalidInput, naming the limit) a file larger than the office accepts: asked
    before the file is read, so that a 100 MB video is refused without being loaded."""
    limit = size_limit(database)
    if size > limit:
        raise _too_large(file_name, size, limit)


# --- previews --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Preview:
    """An image made smaller: a thumbnail and a picture, both in `media_type`."""

    thumbnail: bytes
    picture: bytes
    media_type: str
    width: int
    height: int


def make_preview(content: bytes) -> Preview | None:
    """The thumbnail and picture of an image (turned upright as its camera says), or None
    for what is not an image Pillow reads, a damaged one or one too large to open safely."""
    from PIL import Image, ImageOps

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = MAX_PIXELS
            with Image.open(io.BytesIO(content)) as opened:
                width, height = opened.size
                if opened.getexif().get(_ORIENTATION) in _TURNED:
                    width, height = height, width
                # A JPEG is decoded straight at the largest size wanted (its DCT scales by
                # 1/2, 1/4, 1/8): a 12-megapixel photo in a third of the time.
                raw_width, raw_height = opened.size
                scale = PICTURE_SIDE / max(raw_width, raw_height, 1)
                opened.draft("RGB", (int(raw_width * scale), int(raw_height * scale)))
                opened.load()
                image = ImageOps.exif_transpose(opened)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning):
        return None
    # Transparency is kept (a logo, a scanned seal) in PNG; a photo goes to JPEG.
    alpha = image.mode in {"RGBA", "LA", "PA"} or (
        image.mode == "P" and "transparency" in image.info
    )
    options: dict[str, Any]
    if alpha:
        image = image.convert("RGBA")
        # Not `optimize`: it tries every filter, ten times slower for a few percent.
        media_type, form, options = "image/png", "PNG", {"compress_level": 6}
    else:
        image = image.convert("RGB")
        media_type, form, options = "image/jpeg", "JPEG", {"quality": 85, "optimize": True}

    def encoded(picture: Any) -> bytes:
        out = io.BytesIO()
        picture.save(out, form, **options)
        return out.getvalue()

    # The picture first, then the thumbnail from it: each resize reads the fewest pixels.
    image.thumbnail((PICTURE_SIDE, PICTURE_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    picture = encoded(image)
    image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return Preview(encoded(image), picture, media_type, width, height)


# --- attaching -------------------------------------------------------------------------------


def _media_type(name: str, content: bytes, given: str | None) -> str:
    if given:
        return given
    guessed = mimetypes.guess_type(name.replace("\\", "/"))[0]
    if guessed:
        return guessed
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    return "application/octet-stream"


def attach_in(
    session: Session,
    owner_kind: str,
    owner_id: int,
    file_name: str,
    content: bytes,
    *,
    media_type: str | None = None,
    description: str = "",
    caption_zh: str = "",
    caption_he: str = "",
) -> Attachment:
    """Link `content` to a record in the caller's transaction (the same bytes attached twice
    are stored once), with an image's preview; on the record's History."""
    from exchange_desk.services import audit
    from exchange_desk.services.kinds import KINDS
    from exchange_desk.services.records import names_of_in

    problems = []
    if owner_kind not in KINDS and owner_kind != "office":
        problems.append(FieldProblem("owner_kind", _("Unknown kind of record.")))
    name = clean_name(file_name)
    if not name:
        problems.append(
            FieldProblem("file_name", _("The file needs a name of at most 200 characters."))
        )
    for field, caption in (
        ("description", description),
        ("caption_zh", caption_zh),
        ("caption_he", caption_he),
    ):
        if len(caption) > m.NAME:
            problems.append(FieldProblem(field, _("A caption has at most 200 characters.")))
    limit = _limit_in(session)
    if len(content) > limit:
        problems.extend(_too_large(name, len(content), limit).problems)
    if problems:
        raise InvalidInput(problems)
    if owner_kind in KINDS and session.get(KINDS[owner_kind].row, owner_id) is None:
        raise NotFound(KINDS[owner_kind].label(), owner_id)
    digest = hashlib.sha256(content).hexdigest()
    kind = _media_type(name, content, media_type)
    if session.get(m.AttachmentBlobRow, digest) is None:
        session.add(m.AttachmentBlobRow(sha256=digest, content=content))
        session.flush()
    preview = session.get(m.AttachmentPreviewRow, digest)
    width = height = None
    if kind.startswith("image/"):
        made = None if preview is not None else make_preview(content)
        if made is not None:
            session.add(
                m.AttachmentPreviewRow(
                    sha256=digest,
                    thumbnail=made.thumbnail,
                    picture=made.picture,
                    media_type=made.media_type,
                )
            )
            width, height = made.width, made.height
        elif preview is not None:
            width, height = _size_of(session, digest)
    row = m.AttachmentRow(
        owner_kind=owner_kind,
        owner_id=owner_id,
        file_name=name,
        media_type=kind,
        size=len(content),
        sha256=digest,
        description=description.strip(),
        caption_zh=caption_zh.strip(),
        caption_he=caption_he.strip(),
        width=width,
        height=height,
    )
    session.add(row)
    session.flush()
    if owner_kind in KINDS:
        audit.log_in(
            session,
            audit.Action.ATTACH,
            kind=owner_kind,
            record_id=owner_id,
            summary=_owner_summary(session, owner_kind, owner_id, names_of_in),
            details={"file": name, "size": len(content), "sha256": digest, "attachment": row.id},
        )
    return _record(row, session.get(m.AttachmentPreviewRow, digest) is not None)


def _owner_summary(session: Session, owner_kind: str, owner_id: int, names_of_in: Any) -> str:
    try:
        return str(names_of_in(session, owner_kind, owner_id).best("en"))
    except NotFound:
        return ""


def _size_of(session: Session, digest: str) -> tuple[int | None, int | None]:
    found = session.execute(
        select(m.AttachmentRow.width, m.AttachmentRow.height)
        .where(m.AttachmentRow.sha256 == digest, m.AttachmentRow.width.is_not(None))
        .limit(1)
    ).first()
    return (found[0], found[1]) if found else (None, None)


def attach(
    database: Database,
    owner_kind: str,
    owner_id: int,
    file_name: str,
    content: bytes,
    *,
    media_type: str | None = None,
    description: str = "",
    caption_zh: str = "",
    caption_he: str = "",
) -> Attachment:
    """Link `content` to a record in a transaction of its own (see `attach_in`)."""
    from exchange_desk.services.roles import Role, require

    require(database, Role.EDITOR)
    with database.unit_of_work() as session:
        return attach_in(
            session,
            owner_kind,
            owner_id,
            file_name,
            content,
            media_type=media_type,
            description=description,
            caption_zh=caption_zh,
            caption_he=caption_he,
        )


def _unreadable(path: Path, exc: OSError) -> InvalidInput:
    return InvalidInput(
        [
            FieldProblem(
                "file",
                _("{name} cannot be read: {reason}").format(
                    name=path.name, reason=exc.strerror or exc
                ),
            )
        ]
    )


def check_file(database: Database, path: Path, limit: int | None = None) -> int:
    """A file's size, after making sure it can be attached: it is there, it is a file and
    it is no larger than the office accepts (`limit`, else the profile's). Nothing is read."""
    try:
        if path.is_dir():
            raise InvalidInput(
                [FieldProblem("file", _("{name} is a folder, not a file.").format(name=path.name))]
            )
        size = path.stat().st_size
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    wanted = size_limit(database) if limit is None else limit
    if size > wanted:
        raise _too_large(path.name, size, wanted)
    return size


def read_file(database: Database, path: Path) -> bytes:
    """A file's bytes for attaching, refused before reading when it is larger than the office
    accepts; an unreadable file is bad input, in the user's words."""
    check_file(database, path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc) from exc


# --- reading ---------------------------------------------------------------------------------


def _with_previews(session: Session, rows: list[m.AttachmentRow]) -> list[Attachment]:
    digests = {row.sha256 for row in rows}
    previewed = (
        set(
            session.scalars(
                select(m.AttachmentPreviewRow.sha256).where(
                    m.AttachmentPreviewRow.sha256.in_(digests)
                )
            )
        )
        if digests
        else set()
    )
    return [_record(row, row.sha256 in previewed) for row in rows]


def attachments_of(database: Database, owner_kind: str, owner_id: int) -> list[Attachment]:
    """A record's files in the order they were attached."""
    with database.reading() as session:
        rows = list(
            session.scalars(
                select(m.AttachmentRow)
                .where(
                    m.AttachmentRow.owner_kind == owner_kind, m.AttachmentRow.owner_id == owner_id
                )
                .order_by(m.AttachmentRow.id)
            )
        )
        return _with_previews(session, rows)


def get_attachment(database: Database, attachment_id: int) -> Attachment:
    with database.reading() as session:
        row = session.get(m.AttachmentRow, attachment_id)
        if row is None:
            raise NotFound(_("attachment"), attachment_id)
        return _with_previews(session, [row])[0]


def thumbnails_of(database: Database, owner_kind: str, owner_id: int) -> dict[int, bytes]:
    """The thumbnails of a record's images, by attachment id, in one query."""
    with database.reading() as session:
        rows = session.execute(
            select(m.AttachmentRow.id, m.AttachmentPreviewRow.thumbnail)
            .join(m.AttachmentPreviewRow, m.AttachmentPreviewRow.sha256 == m.AttachmentRow.sha256)
            .where(m.AttachmentRow.owner_kind == owner_kind, m.AttachmentRow.owner_id == owner_id)
        ).all()
    return {row_id: bytes(thumbnail) for row_id, thumbnail in rows}


def picture_of(database: Database, attachment_id: int) -> bytes | None:
    """An attached image made document-sized, or None for what is not an image."""
    with database.reading() as session:
        found = session.execute(
            select(m.AttachmentPreviewRow.picture)
            .join(m.AttachmentRow, m.AttachmentPreviewRow.sha256 == m.AttachmentRow.sha256)
            .where(m.AttachmentRow.id == attachment_id)
        ).first()
    return bytes(found[0]) if found else None


def pictures_in(session: Session, attachment_ids: list[int]) -> dict[int, bytes]:
    """Document-sized images by attachment id, in the caller's session (reports)."""
    if not attachment_ids:
        return {}
    rows = session.execute(
        select(m.AttachmentRow.id, m.AttachmentPreviewRow.picture)
        .join(m.AttachmentPreviewRow, m.AttachmentPreviewRow.sha256 == m.AttachmentRow.sha256)
        .where(m.AttachmentRow.id.in_(attachment_ids))
    ).all()
    return {row_id: bytes(picture) for row_id, picture in rows}


def read_attachment(database: Database, attachment_id: int) -> bytes:
    """The file's bytes, after checking them against the hash they were stored with."""
    with database.reading() as session:
        found = session.execute(
            select(m.AttachmentRow.sha256, m.AttachmentRow.file_name, m.AttachmentBlobRow.content)
            .outerjoin(m.AttachmentBlobRow, m.AttachmentBlobRow.sha256 == m.AttachmentRow.sha256)
            .where(m.AttachmentRow.id == attachment_id)
        ).first()
    if found is None:
        raise NotFound(_("attachment"), attachment_id)
    digest, file_name, content = found
    if content is None or hashlib.sha256(content).hexdigest() != digest:
        raise StorageUnavailable(
            StorageProblem.CORRUPT,
            _("The stored file {name} is damaged (its content no longer matches its hash).").format(
                name=file_name
            ),
        )
    return bytes(content)


def save_copy(database: Database, attachment_id: int, target: Path) -> Path:
    """Write the file's bytes (checked) to `target`, or into `target` when it is a folder,
    under its safe name; returns where. The write goes to a temporary file first, so an
    interrupted copy leaves no half file under the real name."""
    content = read_attachment(database, attachment_id)
    if target.is_dir():
        found = get_attachment(database, attachment_id)
        target = target / safe_file_name(found.file_name, found.media_type)
    partial = target.with_name(target.name + ".part")
    try:
        partial.write_bytes(content)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InvalidInput(
            [
                FieldProblem(
                    "file",
                    _("{name} cannot be written: {reason}").format(
                        name=str(target), reason=exc.strerror or exc
                    ),
                )
            ]
        ) from exc
    return target


# --- captions and removal --------------------------------------------------------------------


def set_caption(
    database: Database,
    attachment_id: int,
    *,
    description: str,
    caption_zh: str = "",
    caption_he: str = "",
) -> Attachment:
    """Change a file's caption in its three languages."""
    from exchange_desk.services.roles import Role, require

    require(database, Role.EDITOR)
    problems = [
        FieldProblem(field, _("A caption has at most 200 characters."))
        for field, caption in (
            ("description", description),
            ("caption_zh", caption_zh),
            ("caption_he", caption_he),
        )
        if len(caption.strip()) > m.NAME
    ]
    if problems:
        raise InvalidInput(problems)
    with database.unit_of_work() as session:
        row = session.get(m.AttachmentRow, attachment_id)
        if row is None:
            raise NotFound(_("attachment"), attachment_id)
        row.description = description.strip()
        row.caption_zh = caption_zh.strip()
        row.caption_he = caption_he.strip()
        session.flush()
        return _with_previews(session, [row])[0]


def _attachment_references() -> list[Any]:
    """Every column that names an attachment (an agreement's scan, a person's photo, the
    office's seal): found in the schema, so that a kind declared later is covered too."""
    target = m.AttachmentRow.__table__
    return [
        fk.parent
        for table in m.Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table is target
    ]


def _remove(session: Session, which: ColumnElement[bool], snapshot: Snapshot | None = None) -> None:
    """Delete the attachments matching `which`, clear references to them, drop unused bytes;
    what is removed is kept in `snapshot` when one is given (undo)."""
    digests = set(session.scalars(select(m.AttachmentRow.sha256).where(which)))
    if not digests:
        return
    ids = select(m.AttachmentRow.id).where(which)
    # References from records or the office profile to these files become empty.
    for column in _attachment_references():
        if snapshot is not None:
            snapshot.keep_reference(session, column.table, column.key, column.in_(ids))
        session.execute(update(column.table).where(column.in_(ids)).values({column.key: None}))
    if snapshot is not None:
        snapshot.keep(
            session,
            m.AttachmentBlobRow.__table__,
            m.AttachmentBlobRow.sha256.in_(digests),
        )
        snapshot.keep(
            session,
            m.AttachmentPreviewRow.__table__,
            m.AttachmentPreviewRow.sha256.in_(digests),
        )
        snapshot.keep(session, m.AttachmentRow.__table__, which)
    session.execute(delete(m.AttachmentRow).where(which))
    still_used = set(
        session.scalars(select(m.AttachmentRow.sha256).where(m.AttachmentRow.sha256.in_(digests)))
    )
    orphans = digests - still_used
    if orphans:
        session.execute(
            delete(m.AttachmentPreviewRow).where(m.AttachmentPreviewRow.sha256.in_(orphans))
        )
        session.execute(delete(m.AttachmentBlobRow).where(m.AttachmentBlobRow.sha256.in_(orphans)))


def delete_owned(
    session: Session, owner_kind: str, owner_id: int, snapshot: Snapshot | None = None
) -> None:
    """Delete a record's attachments inside the caller's transaction."""
    _remove(
        session,
        and_(m.AttachmentRow.owner_kind == owner_kind, m.AttachmentRow.owner_id == owner_id),
        snapshot,
    )


def remove_in(session: Session, attachment_id: int, snapshot: Snapshot) -> Attachment:
    """Remove one file in the caller's transaction, keeping in `snapshot` what undo puts
    back; on its record's History."""
    from exchange_desk.services import audit
    from exchange_desk.services.kinds import KINDS
    from exchange_desk.services.records import names_of_in

    row = session.get(m.AttachmentRow, attachment_id)
    if row is None:
        raise NotFound(_("attachment"), attachment_id)
    removed = _record(row)
    _remove(session, m.AttachmentRow.id == attachment_id, snapshot)
    if removed.owner_kind in KINDS:
        audit.log_in(
            session,
            audit.Action.DETACH,
            kind=removed.owner_kind,
            record_id=removed.owner_id,
            summary=_owner_summary(session, removed.owner_kind, removed.owner_id, names_of_in),
            details={"file": removed.file_name, "attachment": attachment_id},
        )
    return removed


def delete_attachment(database: Database, attachment_id: int) -> None:
    with database.unit_of_work() as session:
        if session.get(m.AttachmentRow, attachment_id) is None:
            raise NotFound(_("attachment"), attachment_id)
        _remove(session, m.AttachmentRow.id == attachment_id)
