"""Shared fixtures: an empty database on SQLite and on PostgreSQL, and the demo database.

PostgreSQL tests run against `EXCHANGE_DESK_TEST_PG_URL` (default: the local server at
127.0.0.1:5432, database `test`); each test gets a schema of its own, dropped afterwards.
When no server answers, those tests are skipped with the reason (CI sets
EXCHANGE_DESK_REQUIRE_PG=1, which turns the skip into a failure).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

# Before anything imports Qt: tests never open a real window, nor touch the user's settings.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="exchange-desk-settings-")
os.environ.pop("EXCHANGE_DESK_DB", None)
os.environ.setdefault("EXCHANGE_DESK_LANG", "en")

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from exchange_desk.i18n.catalog import set_language
from exchange_desk.storage.database import Database, open_database

PG_URL = os.environ.get(
    "EXCHANGE_DESK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
_pg_state: dict[str, str | None] = {}


def _pg_unavailable() -> str | None:
    """None when the PostgreSQL server answers, else why not (checked once per run)."""
    if "reason" not in _pg_state:
        try:
            engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            engine.dispose()
            _pg_state["reason"] = None
        except Exception as exc:  # any failure means: skip, and say why
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            _pg_state["reason"] = f"no PostgreSQL server at {PG_URL}: {first}"
    return _pg_state["reason"]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Every test starts in English and leaves the language as it found it."""
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'office.sqlite'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search path is a new, empty schema."""
    reason = _pg_unavailable()
    if reason is not None:
        if os.environ.get("EXCHANGE_DESK_REQUIRE_PG"):
            pytest.fail(reason)  # CI has a server: its absence is a failure, not a skip
        pytest.skip(reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """An empty database's URL, once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """A new, migrated, empty database on each backend."""
    database = open_database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(sqlite_url: str) -> Iterator[Database]:
    database = open_database(sqlite_url)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the demo data, made once per run. Copy it before changing it."""
    from exchange_desk.services.demo import fill_demo

    set_language("en")
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    database = open_database(path)
    fill_demo(database)
    database.dispose()
    return path


@pytest.fixture
def demo_db(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    """A private copy of the demo database, free to change."""
    copy = tmp_path / "demo-copy.sqlite"
    shutil.copyfile(demo_file, copy)
    database = open_database(copy)
    yield database
    database.dispose()
