"""Alembic's environment: runs the migrations on the engine the program hands over.

SQLite cannot alter most constraints in place, so migrations run in batch mode there: a
table is copied, the old one dropped and the copy renamed. Dropping a table that other rows
refer to fails SQLite's foreign key check, so the check is off while migrations run (as
SQLite's own procedure for schema changes says) and every reference is verified after.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, Engine, create_engine

from exchange_desk.storage.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
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
            _run(connection)
            connection.commit()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"references broken by the migration: {broken[:5]}")
        finally:
            if sqlite:
                connection.rollback()
                connection.exec_driver_sql("PRAGMA foreign_keys = ON")
                connection.commit()


if context.is_offline_mode():
    raise SystemExit("Exchange Desk's migrations run online only.")
run_migrations_online()
