"""Opening, upgrading and checking the office's database, for the GUI and the command line."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, func, select, text, type_coerce
from sqlalchemy.engine import URL

from exchange_desk.domain.declaration import FieldType
from exchange_desk.domain.field_rules import row_problems
from exchange_desk.domain.text_rules import TEXT_TYPES, direction_characters
from exchange_desk.i18n.catalog import _, ngettext
from exchange_desk.storage import schema
from exchange_desk.storage.database import (
    Database,
    default_database_path,
    open_database,
    resolve_url,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

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
    read_only: bool = False,
) -> Database:
    """Open (and create or migrate, see `storage.database.open_database`) the database;
    with `create=False` a missing SQLite file is reported instead of made; `read_only`
    opens it to read only, creating, migrating and writing nothing."""
    return open_database(location, migrate=migrate, create=create, read_only=read_only)


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
        report.problems.extend(rule_breaches(session))
        report.problems.extend(_repairs(session))
    return report


# Read as stored: a date that is not one would make SQLAlchemy's own conversion fail.
_AS_TEXT = {FieldType.PARTIAL_DATE, FieldType.ENUM, FieldType.DAY}


def _as_checked(kind: FieldType, value: Any) -> Any:
    if kind is FieldType.DAY and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10]) if len(value) >= 10 else value
        except ValueError:
            return value
    if kind is FieldType.FLAG and isinstance(value, int) and not isinstance(value, bool):
        return bool(value) if value in (0, 1) else value  # SQLite keeps 0/1
    return value


def rule_breaches(session: Session, *, limit: int = 200) -> list[str]:
    """Rows that break their kind's declared rules (a date that is not one, a number out of
    range, text too long or with a NUL), and text with hidden direction characters that a
    save now removes (`domain.text_rules`): what an older version or another program
    stored. At most `limit` are named."""
    from exchange_desk.services.history_text import field_label
    from exchange_desk.services.kinds import KINDS
    from exchange_desk.services.registry import DECLARED

    found: list[str] = []
    for declaration in DECLARED.values():
        table = schema.metadata.tables.get(declaration.table)
        if table is None:
            continue
        items = declaration.columns
        columns = [
            type_coerce(table.c[item.name], String())
            if item.type in _AS_TEXT
            else table.c[item.name]
            for item in items
        ]
        for record_id, *values in session.execute(select(table.c.id, *columns)):
            row = {
                item.name: _as_checked(item.type, value)
                for item, value in zip(items, values, strict=True)
            }
            problems: list[tuple[str, object]] = list(row_problems(declaration, row))
            for item in items:
                value = row[item.name]
                if item.type in TEXT_TYPES and isinstance(value, str):
                    hidden = direction_characters(value)
                    if hidden:
                        problems.append((item.name, _hidden_message(hidden)))
            for name, problem in problems:
                noun = declaration.noun
                found.append(
                    _("{kind} {id}, {field}: {problem}").format(
                        kind=ngettext(noun.singular, noun.plural, 1),
                        id=record_id,
                        # As the detail pane names it: "Name (English)", not "Name".
                        field=field_label(KINDS.get(declaration.name), name),
                        problem=problem,
                    )
                )
                if len(found) >= limit:
                    return found
    return found


def _hidden_message(codes: list[str]) -> str:
    return _(
        "Holds hidden direction characters ({codes}), which can make it read as something "
        "else. Open the record and save it to remove them."
    ).format(codes=", ".join(codes))


def _repairs(session: Session) -> list[str]:
    """Values an upgrade had to clear because the new rules refuse them (see migration
    0004's `repairs` table): named so that someone can put them right by hand."""
    repairs = schema.metadata.tables.get("repairs")
    if repairs is None:
        return []
    return [
        _("{table} {id}, {column}: the value {value} was not valid and was cleared").format(
            table=row.table_name, id=row.row_id, column=row.column_name, value=row.old_value
        )
        for row in session.execute(select(repairs)).all()
    ]
