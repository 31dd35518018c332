"""The database checks the values themselves: a partial date is `YYYY`, `YYYY-MM` or
`YYYY-MM-DD` (month 01-12, day 01-31), and on SQLite an integer fits PostgreSQL's INTEGER.

A value an older release let through ("2018-13-45") would make adding the checks fail, so it
is repaired first: set to NULL, or where the column must hold a value to the nearest one
allowed, and the old value kept in the new table `repairs` for `db check` to report.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-14 10:00:00
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INT4_MIN = -2_147_483_648
INT4_MAX = 2_147_483_647

# The partial date columns and the integer columns that are not keys, as of 0003.
DATES: dict[str, tuple[str, ...]] = {
    "conferences": ("start_date", "end_date"),
    "delegations": ("start_date", "end_date"),
    "partnerships": ("established", "ended"),
    "agreements": ("signed_on", "expires_on"),
    "cultural_events": ("start_date", "end_date"),
    "tier_changes": ("changed_on",),
    "awards": ("awarded_on",),
}
INTEGERS: dict[str, tuple[str, ...]] = {
    "cities": ("population",),
    "attachments": ("owner_id", "size"),
    "conferences": ("edition", "attendance", "countries"),
    "delegations": ("members",),
    "cultural_events": ("attendance",),
    "certificates": ("reprints",),
}
# Columns that must hold a value: repaired to the nearest one allowed rather than to NULL.
REQUIRED = {
    ("tier_changes", "changed_on"),
    ("attachments", "owner_id"),
    ("attachments", "size"),
    ("certificates", "reprints"),
}

_DATE = re.compile(r"[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?")


def _date_sql(column: str, dialect: str) -> str:
    if dialect == "postgresql":
        return f"{column} ~ '^[0-9]{{4}}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$'"
    year = "[0-9][0-9][0-9][0-9]"
    month = f"substr({column}, 6, 2) BETWEEN '01' AND '12'"
    return (
        f"{column} GLOB '{year}'"
        f" OR ({column} GLOB '{year}-[01][0-9]' AND {month})"
        f" OR ({column} GLOB '{year}-[01][0-9]-[0-3][0-9]' AND {month}"
        f" AND substr({column}, 9, 2) BETWEEN '01' AND '31')"
    )


def _date_check(column: str, dialect: str) -> str:
    return f"{column} IS NULL OR ({_date_sql(column, dialect)})"


def _integer_check(column: str) -> str:
    return f"{column} BETWEEN {INT4_MIN} AND {INT4_MAX}"


def _checks(dialect: str) -> dict[str, list[tuple[str, str]]]:
    """Per table: (constraint name, condition) of every check this revision adds."""
    checks: dict[str, list[tuple[str, str]]] = {}
    for table, columns in DATES.items():
        for column in columns:
            checks.setdefault(table, []).append(
                (f"ck_{table}_{column}_format", _date_check(column, dialect))
            )
    if dialect == "sqlite":  # PostgreSQL's INTEGER refuses such values by itself
        for table, columns in INTEGERS.items():
            for column in columns:
                checks.setdefault(table, []).append(
                    (f"ck_{table}_{column}_range", _integer_check(column))
                )
    return checks


def _repaired_date(value: Any, created_at: Any) -> str:
    """For a date column that must hold one: the longest valid start of the old text, else
    the year the row was made."""
    text = str(value)
    for length in (10, 7, 4):
        if _DATE.fullmatch(text[:length]):
            return text[:length]
    year = str(created_at)[:4]
    return year if _DATE.fullmatch(year) else str(dt.date.today().year)


def _repaired_integer(value: Any) -> int:
    """For an integer column that must hold one: the nearest value in range, 0 for text."""
    if not isinstance(value, int | float):
        return 0
    try:
        return max(INT4_MIN, min(INT4_MAX, int(value)))
    except (OverflowError, ValueError):  # an infinity SQLite kept as REAL
        return INT4_MAX if value > 0 else INT4_MIN


def _repair(connection: sa.Connection, dialect: str) -> None:
    """Set aside what the new checks would refuse, and record it in `repairs`."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    repairs = sa.table(
        "repairs",
        sa.column("table_name", sa.String()),
        sa.column("row_id", sa.Integer()),
        sa.column("column_name", sa.String()),
        sa.column("old_value", sa.Text()),
        sa.column("new_value", sa.Text()),
        sa.column("repaired_at", sa.DateTime()),
    )
    columns = [(table, column, "date") for table, names in DATES.items() for column in names]
    if dialect == "sqlite":
        columns += [
            (table, column, "integer") for table, names in INTEGERS.items() for column in names
        ]
    for table, column, kind in columns:
        condition = _date_check(column, dialect) if kind == "date" else _integer_check(column)
        found = connection.execute(
            sa.text(
                f"SELECT id, {column}, created_at FROM {table}"
                f" WHERE {column} IS NOT NULL AND NOT ({condition}) ORDER BY id"
            )
        ).all()
        for row_id, value, created_at in found:
            new: Any = None
            if (table, column) in REQUIRED:
                new = (
                    _repaired_date(value, created_at)
                    if kind == "date"
                    else _repaired_integer(value)
                )
            connection.execute(
                sa.text(f"UPDATE {table} SET {column} = :new WHERE id = :id"),
                {"new": new, "id": row_id},
            )
            connection.execute(
                repairs.insert().values(
                    table_name=table,
                    row_id=row_id,
                    column_name=column,
                    old_value=value if isinstance(value, str) else str(value),
                    new_value=None if new is None else str(new),
                    repaired_at=now,
                )
            )


def upgrade() -> None:
    connection = op.get_bind()
    dialect = connection.dialect.name
    op.create_table(
        "repairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("column_name", sa.String(length=64), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=False),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("repaired_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repairs")),
        *(
            [sa.CheckConstraint(_integer_check("row_id"), name=op.f("ck_repairs_row_id_range"))]
            if dialect == "sqlite"
            else []
        ),
    )
    _repair(connection, dialect)
    # On SQLite each table is copied with its checks added (every row, index, foreign key
    # and constraint of the old one kept); PostgreSQL adds them in place.
    checks = _checks(dialect)
    tables = _reflected(connection, list(checks))
    for table, added in checks.items():
        with op.batch_alter_table(table, schema=None, copy_from=tables.get(table)) as batch_op:
            for name, condition in added:
                batch_op.create_check_constraint(op.f(name), condition)


def downgrade() -> None:
    # The repaired values stay as they are: the copy made before the upgrade holds the old.
    connection = op.get_bind()
    checks = _checks(connection.dialect.name)
    tables = _reflected(connection, list(checks))
    for table, added in checks.items():
        with op.batch_alter_table(table, schema=None, copy_from=tables.get(table)) as batch_op:
            for name, _condition in added:
                batch_op.drop_constraint(op.f(name), type_="check")
    op.drop_table("repairs")


def _reflected(connection: sa.Connection, names: list[str]) -> dict[str, sa.Table]:
    """SQLite's tables to copy, read at once (batch mode would read each table and every
    table it refers to again, which is most of the migration's time)."""
    if connection.dialect.name != "sqlite":
        return {}
    metadata = sa.MetaData()
    metadata.reflect(connection, only=names, resolve_fks=False)
    return dict(metadata.tables)
