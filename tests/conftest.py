"""Shared fixtures: an empty database on SQLite and on PostgreSQL, and the demo database;
the `gui` mark on every test that needs a QApplication; the log file, in a folder of its own.

PostgreSQL tests run against `EXCHANGE_DESK_TEST_PG_URL` (default: the local server at
127.0.0.1:5432, database `test`); each test gets a schema of its own, dropped afterwards.
When no server answers, those tests are skipped with the reason (CI sets
EXCHANGE_DESK_REQUIRE_PG=1, which turns the skip into a failure).

`pytest -m "not gui"` runs the core suite: no test that needs a QApplication (one that
uses `qtbot` or `qapp`, directly or through a fixture, or lives in a GUI test module).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

# Before anything imports Qt: tests never open a real window, nor touch the user's settings.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="exchange-desk-settings-")
# Nor the user's log: the programs the tests start log under this folder (XDG), this one
# to the file configured below.
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="exchange-desk-state-")
os.environ.pop("EXCHANGE_DESK_DB", None)
os.environ.setdefault("EXCHANGE_DESK_LANG", "en")

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from exchange_desk.i18n.catalog import set_language
from exchange_desk.logs import configure_logging
from exchange_desk.storage.database import Database, open_database

configure_logging(Path(os.environ["XDG_STATE_HOME"]) / "exchange-desk-tests.log")

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


# Fixtures that give a test a QApplication (pytest-qt's); any fixture built on them counts
# too, as pytest lists every fixture a test needs, however indirectly, in `fixturenames`.
_QT_FIXTURES = frozenset({"qapp", "qtbot", "qtmodeltester"})
# Modules whose every test is about the window, with or without one of those fixtures.
# (test_dialogs.py has a test that makes a dialog without asking for a QApplication.)
_GUI_MODULES = frozenset(
    {
        "test_certificate_gui.py",
        "test_dialogs.py",
        "test_editing.py",
        "test_gui.py",
        "test_qt_binding.py",
        "test_register_dialog.py",
        "test_report_gui.py",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & _QT_FIXTURES or item.path.name in _GUI_MODULES:
            item.add_marker(pytest.mark.gui)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A test without the `gui` mark that makes a QApplication fails: under `-m "not gui"`
    it would depend on which test ran before it (or abort the run without one)."""
    had_application = _qt_application_exists()
    result = yield
    if not had_application and _qt_application_exists() and not item.get_closest_marker("gui"):
        pytest.fail(
            "this test made a QApplication: use the qapp or qtbot fixture, or add its module "
            "to _GUI_MODULES in tests/conftest.py",
            pytrace=False,
        )
    return result


def _qt_application_exists() -> bool:
    qt_core = sys.modules.get("PySide6.QtCore")  # never imports Qt for the core suite
    return qt_core is not None and qt_core.QCoreApplication.instance() is not None


@pytest.fixture(autouse=True)
def _own_settings(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The program's settings in a folder of the test's own, never the user's: its settings
    files (remembered import layouts), and Qt's settings (window, language, the printer's
    offset) as an INI file there on every system. XDG_CONFIG_HOME above covers Linux only;
    on Windows Qt's native store is the registry."""
    from PySide6.QtCore import QSettings

    folder = tmp_path_factory.mktemp("settings")
    monkeypatch.setenv("EXCHANGE_DESK_SETTINGS_DIR", str(folder))
    ini = QSettings.Format.IniFormat
    QSettings.setDefaultFormat(ini)
    QSettings.setPath(ini, QSettings.Scope.UserScope, str(folder))
    QSettings.setPath(ini, QSettings.Scope.SystemScope, str(folder / "system"))


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
