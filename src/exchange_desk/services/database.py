"""Opening, upgrading and checking the office's database, for the GUI and the command line."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.engine import URL

from exchange_desk.storage.database import (
    Database,
    default_database_path,
    open_database,
    resolve_url,
)

__all__ = [
    "CheckReport",
    "Database",
    "check_database",
    "default_database_path",
    "is_empty",
    "open_office_database",
    "resolve_url",
    "upgrade_database",
]


def open_office_database(
    location: str | os.PathLike[str] | URL | None = None,
    *,
    migrate: bool = True,
    create: bool = True,
) -> Database:
    """Open (and create or migrate, see `storage.database.open_database`) the database;
    with `create=False` a missing SQLite file is reported instead of made."""
    return open_database(location, migrate=migrate, create=create)


def upgrade_database(
    location: str | os.PathLike[str] | None = None,
) -> tuple[Database, Path | None]:
    """Migrate to the newest schema; returns the database and the backup copy made, if any."""
    database = open_database(location, migrate=False)
    backup = database.upgrade()
    return database, backup


def is_empty(database: Database) -> bool:
    """True when no record of any kind is stored (the office profile aside)."""
    from exchange_desk.services.kinds import KINDS

    with database.reading() as session:
        return all(
            session.scalar(select(func.count()).select_from(kind.row)) == 0
            for kind in KINDS.values()
        )


@dataclass(slots=True)
class CheckReport:
    """What `exchange-desk db check` found."""

    location: str
    backend: str
    current_revision: str | None
    head_revision: str
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems and self.current_revision == self.head_revision


def check_database(database: Database) -> CheckReport:
    """Check the schema version, the file's integrity, references and stored files."""
    from exchange_desk.services.kinds import KINDS
    from exchange_desk.storage import models as m

    state = database.schema_state()
    report = CheckReport(
        location=database.describe(),
        backend=database.backend,
        current_revision=state.current,
        head_revision=state.head,
    )
    if not state.is_current:
        return report
    with database.reading() as session:
        if database.backend == "sqlite":
            for (line,) in session.execute(text("PRAGMA integrity_check")):
                if line != "ok":
                    report.problems.append(f"integrity: {line}")
            for row in session.execute(text("PRAGMA foreign_key_check")):
                report.problems.append(
                    f"reference: {row[0]} row {row[1]} points to a missing {row[2]} row"
                )
        for kind in KINDS.values():
            report.counts[kind.name] = (
                session.scalar(select(func.count()).select_from(kind.row)) or 0
            )
        for digest, content in session.execute(
            select(m.AttachmentBlobRow.sha256, m.AttachmentBlobRow.content)
        ):
            if hashlib.sha256(content).hexdigest() != digest:
                report.problems.append(f"attachment: stored file {digest[:12]}… is damaged")
    return report
