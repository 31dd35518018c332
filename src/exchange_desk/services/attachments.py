"""Files linked to records (an agreement's scan, the office's seal): stored with their hash.

The bytes live in the database, once per SHA-256, so an office sharing one PostgreSQL
database shares its files too, and a backup of the database is a backup of everything.
Reading checks the hash, so a damaged file is reported instead of printed.
"""

from __future__ import annotations

import hashlib
import mimetypes
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

MAX_SIZE = 50 * 1024 * 1024


def _record(row: m.AttachmentRow) -> Attachment:
    return Attachment(
        id=row.id,
        owner_kind=row.owner_kind,
        owner_id=row.owner_id,
        file_name=row.file_name,
        media_type=row.media_type,
        size=row.size,
        sha256=row.sha256,
        description=row.description,
        created_at=row.created_at,
    )


def attach(
    database: Database,
    owner_kind: str,
    owner_id: int,
    file_name: str,
    content: bytes,
    *,
    media_type: str | None = None,
    description: str = "",
) -> Attachment:
    """Link `content` to a record; the same bytes attached twice are stored once."""
    from exchange_desk.services.kinds import KINDS

    problems = []
    if owner_kind not in KINDS and owner_kind != "office":
        problems.append(FieldProblem("owner_kind", _("Unknown kind of record.")))
    name = Path(file_name).name.strip()
    if not name or len(name) > m.NAME:
        problems.append(
            FieldProblem("file_name", _("The file needs a name of at most 200 characters."))
        )
    if len(content) > MAX_SIZE:
        problems.append(
            FieldProblem(
                "content",
                _("The file is larger than {limit} MB.").format(limit=MAX_SIZE // (1024 * 1024)),
            )
        )
    if problems:
        raise InvalidInput(problems)
    digest = hashlib.sha256(content).hexdigest()
    kind = media_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    with database.unit_of_work() as session:
        if owner_kind in KINDS and session.get(KINDS[owner_kind].row, owner_id) is None:
            raise NotFound(KINDS[owner_kind].label(), owner_id)
        if session.get(m.AttachmentBlobRow, digest) is None:
            session.add(m.AttachmentBlobRow(sha256=digest, content=content))
            session.flush()
        row = m.AttachmentRow(
            owner_kind=owner_kind,
            owner_id=owner_id,
            file_name=name,
            media_type=kind,
            size=len(content),
            sha256=digest,
            description=description,
        )
        session.add(row)
        session.flush()
        return _record(row)


def attachments_of(database: Database, owner_kind: str, owner_id: int) -> list[Attachment]:
    with database.reading() as session:
        rows = session.scalars(
            select(m.AttachmentRow)
            .where(m.AttachmentRow.owner_kind == owner_kind, m.AttachmentRow.owner_id == owner_id)
            .order_by(m.AttachmentRow.id)
        ).all()
        return [_record(row) for row in rows]


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


def _remove(session: Session, which: ColumnElement[bool], snapshot: Snapshot | None = None) -> None:
    """Delete the attachments matching `which`, clear references to them, drop unused bytes;
    what is removed is kept in `snapshot` when one is given (undo)."""
    digests = set(session.scalars(select(m.AttachmentRow.sha256).where(which)))
    if not digests:
        return
    ids = select(m.AttachmentRow.id).where(which)
    # References from agreements or the office profile to these files become empty.
    for column in (
        m.AgreementRow.scan_attachment_id,
        m.OfficeProfileRow.seal_attachment_id,
        m.OfficeProfileRow.logo_attachment_id,
    ):
        if snapshot is not None:
            table: Any = column.table
            snapshot.keep_reference(session, table, column.key, column.in_(ids))
        session.execute(update(column.table).where(column.in_(ids)).values({column.key: None}))
    if snapshot is not None:
        snapshot.keep(
            session,
            m.AttachmentBlobRow.__table__,
            m.AttachmentBlobRow.sha256.in_(digests),
        )
        snapshot.keep(session, m.AttachmentRow.__table__, which)
    session.execute(delete(m.AttachmentRow).where(which))
    still_used = set(
        session.scalars(select(m.AttachmentRow.sha256).where(m.AttachmentRow.sha256.in_(digests)))
    )
    orphans = digests - still_used
    if orphans:
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


def delete_attachment(database: Database, attachment_id: int) -> None:
    with database.unit_of_work() as session:
        if session.get(m.AttachmentRow, attachment_id) is None:
            raise NotFound(_("attachment"), attachment_id)
        _remove(session, m.AttachmentRow.id == attachment_id)
