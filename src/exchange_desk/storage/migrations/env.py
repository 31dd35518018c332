"""Alembic's environment: runs the migrations on the engine the program hands over.

Each migration is one transaction, on PostgreSQL and on SQLite alike: a migration that
fails, or a program killed in the middle of one, leaves the database at the revision before
it, never half-way. Python's sqlite3 module commits schema changes as it goes unless told
otherwise; `transactional_ddl` makes it leave the transactions to SQLAlchemy.

SQLite cannot alter most constraints in place, so migrations run in batch mode there: a
table is copied, the old one dropped and the copy renamed. Dropping a table that other rows
refer to fails SQLite's foreign key check, so the check is off while migrations run (as
SQLite's own procedure for schema changes says; the pragma cannot change inside a
transaction, so it is set before the first and after the last) and every reference is
verified at the end of each migration, before it commits: a migration that broke one is
rolled back.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from alembic import context
from alembic.runtime.migration import MigrationContext, MigrationInfo
from sqlalchemy import Connection, Engine, create_engine

from exchange_desk.storage.database import transactional_ddl
from exchange_desk.storage.models import Base

config = context.config
target_metadata = Base.metadata


def _check_references(
    ctx: MigrationContext, step: MigrationInfo, heads: Collection[Any], run_args: Mapping[str, Any]
) -> None:
    """Called by Alembic after each migration's last statement, inside its transaction."""
    assert ctx.connection is not None
    broken = ctx.connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"references broken by the migration: {broken[:5]}")


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        transactional_ddl=True,
        transaction_per_migration=True,
        on_version_apply=_check_references if sqlite else None,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine: Engine | None = config.attributes.get("engine")
    if engine is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A pragma SQLite ignores inside a transaction: set before the migrations begin.
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            connection.commit()
        try:
            with transactional_ddl(connection):
                _run(connection)
                # Only the version table's creation can be left when nothing was to be done.
                connection.commit()
        finally:
            if sqlite:
                connection.rollback()
                connection.exec_driver_sql("PRAGMA foreign_keys = ON")
                connection.commit()


if context.is_offline_mode():
    raise SystemExit("Exchange Desk's migrations run online only.")
run_migrations_online()
