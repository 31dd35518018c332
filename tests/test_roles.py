"""Roles: viewer, editor, administrator. On PostgreSQL each is a group role of the server with
GRANTs on the office's tables, so the database itself refuses what a role may not do (even
from psql); the services refuse it first with a clear message; `exchange-desk db grant`
makes a login one of them; the window greys out what the role may not use. On SQLite there
is one user, an administrator, and no roles to manage.

The PostgreSQL tests make login roles of their own (`xd_test_<role>_<random>`, the server's
roles being shared by all its databases) and drop them at the end.
"""

from __future__ import annotations

import io
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import redirect_stderr
from dataclasses import replace
from typing import Any

import psycopg
import pytest
from psycopg import errors
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from exchange_desk.cli import main
from exchange_desk.domain.errors import NotAllowed
from exchange_desk.domain.records import City
from exchange_desk.services import audit, editing, records, roles
from exchange_desk.services.office import office_profile, save_office_profile
from exchange_desk.services.roles import Role, role_of
from exchange_desk.storage.database import Database, open_database

SUPERUSER = "postgres"


# --- PostgreSQL: the office, its logins, connecting as them ------------------------------------


class Office:
    """A database at the newest schema in a schema of its own, opened as the server's
    superuser, and the logins made for the test (dropped at the end)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.database = open_database(url)
        self.logins: list[str] = []
        self._opened: list[Database] = []

    def login(self, role: Role | None) -> str:
        """A new login with `role` (granted by the superuser); None: no office role."""
        name = f"xd_test_{role.key if role else 'none'}_{uuid.uuid4().hex[:8]}"
        self.logins.append(name)
        if role is None:
            with self.database.engine.begin() as connection:
                connection.exec_driver_sql(f'CREATE ROLE "{name}" LOGIN')
        else:
            roles.grant(self.database, name, role)
        return name

    def url_of(self, login: str) -> str:
        return make_url(self.url).set(username=login).render_as_string(hide_password=False)

    def open_as(self, login: str) -> Database:
        database = open_database(self.url_of(login), migrate=False, create=False)
        self._opened.append(database)
        return database

    def raw(self, login: str) -> psycopg.Connection[Any]:
        """A psycopg connection as `login`, as psql would make one: no services in between."""
        url = make_url(self.url)
        return psycopg.connect(
            host=url.host,
            port=url.port or 5432,
            dbname=url.database,
            user=login,
            options=str(url.query["options"]),
            autocommit=True,
        )

    def close(self) -> None:
        for database in self._opened:
            database.dispose()
        self.database.dispose()
        engine = create_engine(self.url)
        try:
            with engine.begin() as connection:
                for login in self.logins:
                    exists = connection.execute(
                        text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": login}
                    ).first()
                    if exists:
                        connection.exec_driver_sql(f'REASSIGN OWNED BY "{login}" TO {SUPERUSER}')
                        connection.exec_driver_sql(f'DROP OWNED BY "{login}"')
                        connection.exec_driver_sql(f'DROP ROLE "{login}"')
        finally:
            engine.dispose()


@pytest.fixture
def office(pg_url: str) -> Iterator[Office]:
    made = Office(pg_url)
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def home(office: Office) -> int:
    """A city's id, stored by the superuser."""
    city = records.create(office.database, City(name_en="Jinan", name_zh="济南", country="CN"))
    assert city.id is not None
    return city.id


def _refused(connection: psycopg.Connection[Any], statement: str) -> None:
    with pytest.raises(errors.InsufficientPrivilege):
        connection.execute(statement)


def _reads_nothing(connection: psycopg.Connection[Any]) -> None:
    """Not one of the office's roles: the tables are refused (or, in the test's own schema,
    which is not `public`, not even seen)."""
    with pytest.raises((errors.InsufficientPrivilege, errors.UndefinedTable)):
        connection.execute("SELECT * FROM cities")


# --- viewer --------------------------------------------------------------------------------------


def test_a_viewer_cannot_write_even_from_psql(office: Office, home: int) -> None:
    viewer = office.login(Role.VIEWER)
    with office.raw(viewer) as connection:
        _refused(connection, "INSERT INTO cities (name_en, country) VALUES ('Haifa', 'IL')")
        _refused(connection, f"UPDATE cities SET name_en = 'Jinan!' WHERE id = {home}")
        _refused(connection, f"DELETE FROM cities WHERE id = {home}")
        _refused(connection, "UPDATE office_profile SET office_name_en = 'Mine'")
        _refused(connection, "CREATE TABLE mine (id integer)")
        assert connection.execute("SELECT name_en FROM cities").fetchall() == [("Jinan",)]
    assert records.get_record(office.database, "cities", home).name_en == "Jinan"


def test_a_viewers_writes_are_refused_by_the_services_with_a_clear_message(
    office: Office, home: int
) -> None:
    database = office.open_as(office.login(Role.VIEWER))
    with pytest.raises(NotAllowed, match=r"viewer.*not change records"):
        records.create(database, City(name_en="Haifa", country="IL"))
    stored = records.get_record(database, "cities", home)
    with pytest.raises(NotAllowed, match="viewer"):
        records.update(database, replace(stored, name_en="Jinan!"))
    with pytest.raises(NotAllowed, match="viewer"):
        records.delete_record(database, "cities", home)
    assert [row.record.name_en for row in records.list_records(database, "cities").rows] == [
        "Jinan"
    ]


def test_a_viewer_reads_and_its_exports_are_on_record(office: Office, home: int) -> None:
    viewer = office.login(Role.VIEWER)
    database = office.open_as(viewer)
    assert records.get_record(database, "cities", home).name_en == "Jinan"
    audit.log(database, audit.Action.EXPORT, summary="cities.xlsx")
    [line] = [entry for entry in audit.audit(database) if entry.action == "export"]
    assert (line.user_name, line.summary) == (viewer, "cities.xlsx")
    # What the viewer wrote stays written: not even its author may take it back.
    with office.raw(viewer) as connection:
        _refused(connection, f"DELETE FROM audit_log WHERE id = {line.id}")


# --- editor --------------------------------------------------------------------------------------


def test_an_editor_changes_records_through_the_services(office: Office, home: int) -> None:
    database = office.open_as(office.login(Role.EDITOR))
    made = records.create(database, City(name_en="Kfar Saba", country="IL"))
    assert made.id is not None
    changed = records.update(database, replace(made, name_en="Kfar Sava"))
    assert records.get_record(office.database, "cities", made.id).name_en == "Kfar Sava"
    records.delete_record(database, "cities", made.id, version=changed.version)
    assert [row.record.id for row in records.list_records(office.database, "cities").rows] == [home]
    assert [entry.action for entry in audit.history(office.database, "cities", made.id)] == [
        "delete",
        "update",
        "create",
    ]


def test_an_editor_cannot_change_the_log_nor_the_office_name(office: Office, home: int) -> None:
    save_office_profile(
        office.database, replace(office_profile(office.database), office_name_en="FAO")
    )
    editor = office.login(Role.EDITOR)
    records.create(office.open_as(editor), City(name_en="Haifa", country="IL"))
    with office.raw(editor) as connection:
        _refused(connection, "UPDATE audit_log SET summary = 'nothing happened'")
        _refused(connection, "DELETE FROM audit_log")
        _refused(connection, "TRUNCATE audit_log")
        _refused(connection, "UPDATE office_profile SET office_name_en = 'Mine'")
        _refused(connection, "UPDATE office_profile SET certificate_number_pattern = 'X-{seq}'")
        _refused(connection, "DELETE FROM office_profile")
        _refused(connection, "UPDATE alembic_version SET version_num = '9999'")
        # An import may set the home city: that column is the editors' too.
        connection.execute(f"UPDATE office_profile SET home_city_id = {home}")
    database = office.open_as(editor)
    profile = office_profile(database)
    assert (profile.office_name_en, profile.home_city_id) == ("FAO", home)
    with pytest.raises(NotAllowed, match="Only an administrator"):
        editing.save_profile(database, replace(profile, office_name_en="Mine"))
    assert office_profile(office.database).office_name_en == "FAO"


def test_an_editor_deletes_the_home_city_which_clears_the_profiles_reference(
    office: Office, home: int
) -> None:
    save_office_profile(
        office.database, replace(office_profile(office.database), home_city_id=home)
    )
    database = office.open_as(office.login(Role.EDITOR))
    records.delete_record(database, "cities", home, cascade=True)
    assert office_profile(office.database).home_city_id is None


# --- administrator ---------------------------------------------------------------------------


def test_an_administrator_changes_the_profile_and_grants_roles(office: Office) -> None:
    administrator = office.login(Role.ADMINISTRATOR)
    database = office.open_as(administrator)
    saved = editing.save_profile(database, replace(office_profile(database), office_name_en="FAO"))
    assert saved.profile.office_name_en == office_profile(office.database).office_name_en == "FAO"

    newcomer = f"xd_test_new_{uuid.uuid4().hex[:8]}"
    office.logins.append(newcomer)
    made = roles.grant(database, newcomer, Role.VIEWER)
    assert (made.created, made.role, made.previous) == (True, Role.VIEWER, None)
    assert role_of(office.open_as(newcomer)) is Role.VIEWER
    changed = roles.grant(database, newcomer, Role.EDITOR)
    assert (changed.created, changed.role, changed.previous) == (False, Role.EDITOR, Role.VIEWER)
    assert role_of(office.open_as(newcomer)) is Role.EDITOR
    # An administrator made by an administrator may make others in turn.
    promoted = roles.grant(database, newcomer, Role.ADMINISTRATOR)
    assert promoted.message() == f"{newcomer} now has the role administrator (was: editor)."
    assert role_of(office.open_as(newcomer)) is Role.ADMINISTRATOR
    third = f"xd_test_third_{uuid.uuid4().hex[:8]}"
    office.logins.append(third)
    roles.grant(office.open_as(newcomer), third, Role.EDITOR)
    listed = {user.login: user for user in roles.users(database)}
    assert (listed[newcomer].role, listed[third].role) == (Role.ADMINISTRATOR, Role.EDITOR)
    assert listed[newcomer].can_login

    taken = roles.revoke(database, newcomer)
    assert (taken.role, taken.previous) == (None, Role.ADMINISTRATOR)
    assert newcomer not in {user.login for user in roles.users(database)}
    with office.raw(newcomer) as connection:
        _reads_nothing(connection)
        assert connection.execute(
            "SELECT rolcreaterole FROM pg_roles WHERE rolname = current_user"
        ).fetchall() == [(False,)]

    lines = [e for e in audit.audit(office.database) if e.action in ("grant", "revoke")]
    mine = [
        (e.user_name, e.action, e.summary, e.details["role"])
        for e in lines
        if e.summary == newcomer
    ]
    assert mine == [
        (administrator, "grant", newcomer, "viewer"),
        (administrator, "grant", newcomer, "editor"),
        (administrator, "grant", newcomer, "administrator"),
        (administrator, "revoke", newcomer, None),
    ]


def test_role_of_reports_each_role(office: Office) -> None:
    assert role_of(office.database) is Role.ADMINISTRATOR  # the server's superuser
    for role in Role:
        login = office.login(role)
        who = roles.signed_in(office.open_as(login))
        assert (who.user, who.role, who.shared) == (login, role, True)
    # A login the office never granted anything: a viewer who can read nothing.
    stranger = office.login(None)
    assert role_of(office.open_as(stranger)) is Role.VIEWER
    with office.raw(stranger) as connection:
        _reads_nothing(connection)


def test_group_roles_made_by_two_desks_at_once_are_made_once(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Roles are the server's: desks of two databases (whose locks do not meet) may create
    the groups at the same moment; the second waits for the first and takes its roles."""
    prefix = f"xd_test_{uuid.uuid4().hex[:8]}_"
    monkeypatch.setattr(roles, "GROUP_PREFIX", prefix)
    names = [roles.group_role(role) for role in Role]
    office.logins.extend(names)
    first = office.database.engine.connect()
    second = office.database.engine.connect()
    errors_seen: list[BaseException] = []
    try:
        first.begin()
        roles._create_groups(first)  # made, not yet committed
        second_pid = second.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        second.commit()

        def make() -> None:
            try:
                with second.begin():
                    roles._create_groups(second)
            except BaseException as exc:  # reported by the test's thread below
                errors_seen.append(exc)

        worker = threading.Thread(target=make)
        worker.start()
        # The second desk waits on the first's new role before the first commits.
        while (
            worker.is_alive()
            and not first.exec_driver_sql(
                f"SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = {second_pid}"
            ).scalar()
        ):
            time.sleep(0.01)
        first.commit()
        worker.join()
    finally:
        first.close()
        second.close()
    assert errors_seen == []
    with office.database.engine.connect() as connection:
        made = connection.execute(
            text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p ORDER BY rolname"),
            {"p": prefix + "%"},
        ).scalars()
        assert list(made) == sorted(names)


def test_grant_refuses_non_administrators_odd_names_and_ones_own_role(office: Office) -> None:
    editor = office.login(Role.EDITOR)
    with pytest.raises(NotAllowed, match="Only an administrator"):
        roles.grant(office.open_as(editor), f"xd_test_x_{uuid.uuid4().hex[:8]}", Role.VIEWER)
    with pytest.raises(NotAllowed, match="Only an administrator"):
        roles.users(office.open_as(editor))
    administrator = office.login(Role.ADMINISTRATOR)
    database = office.open_as(administrator)
    for odd in ('bob"; DROP TABLE cities; --', "pg_monitor", "exchange_desk_editor", "1abc", ""):
        with pytest.raises(NotAllowed, match="cannot be a user's name"):
            roles.grant(database, odd, Role.VIEWER)
    with pytest.raises(NotAllowed, match="your own role"):
        roles.grant(database, administrator, Role.VIEWER)
    group = f"xd_test_group_{uuid.uuid4().hex[:8]}"
    office.logins.append(group)
    with office.database.engine.begin() as connection:
        connection.exec_driver_sql(f'CREATE ROLE "{group}" NOLOGIN')
    with pytest.raises(NotAllowed, match="not a user who logs in"):
        roles.grant(database, group, Role.VIEWER)


# --- the command line ------------------------------------------------------------------------


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stderr(err):
        status = main(list(argv), out)
    return status, out.getvalue(), err.getvalue()


def test_db_grant_creates_then_changes_a_role(office: Office, monkeypatch: Any) -> None:
    login = f"xd_test_cli_{uuid.uuid4().hex[:8]}"
    office.logins.append(login)
    answers = iter(["s3cret pass", "s3cret pass"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    status, out, err = _run(
        "db", "grant", login.upper(), "--role", "viewer", "--password-prompt", "--db", office.url
    )
    assert (status, err) == (0, "")
    assert out == f"Created the user {login} with the role viewer.\n"
    with office.database.engine.connect() as connection:
        stored = connection.execute(
            text("SELECT rolpassword FROM pg_authid WHERE rolname = :n"), {"n": login}
        ).scalar()
    assert str(stored).startswith("SCRAM-SHA-256$")  # hashed here: the server never saw it

    status, out, _err = _run("db", "grant", login, "--role", "editor", "--db", office.url)
    assert (status, out) == (0, f"{login} now has the role editor (was: viewer).\n")
    status, out, _err = _run("db", "users", "--json", "--db", office.url)
    assert status == 0
    listed = {user["login"]: user for user in json.loads(out)}
    assert listed[login] == {"login": login, "role": "editor", "can_login": True, "owner": False}
    status, out, _err = _run("db", "users", "--db", office.url)
    assert f"{login}\teditor\n" in out

    # The editor may not grant: exit 2 and why.
    status, out, err = _run(
        "db", "grant", "xd_test_nobody", "--role", "viewer", "--db", office.url_of(login)
    )
    assert (status, out) == (2, "")
    assert "Only an administrator may do this; your role is editor." in err


def test_db_grant_with_two_different_passwords_changes_nothing(
    office: Office, monkeypatch: Any
) -> None:
    login = f"xd_test_cli_{uuid.uuid4().hex[:8]}"
    answers = iter(["one", "two"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    status, _out, err = _run(
        "db", "grant", login, "--role", "viewer", "--password-prompt", "--db", office.url
    )
    assert status == 2
    assert "differ" in err
    assert login not in {user.login for user in roles.users(office.database)}


# --- SQLite: one user ----------------------------------------------------------------------------


def test_sqlite_has_one_user_an_administrator(sqlite_db: Database) -> None:
    assert role_of(sqlite_db) is Role.ADMINISTRATOR
    assert roles.signed_in(sqlite_db) == roles.SignedIn("", Role.ADMINISTRATOR, shared=False)
    for attempt in (
        lambda: roles.grant(sqlite_db, "zhang_wei", Role.EDITOR),
        lambda: roles.users(sqlite_db),
        lambda: roles.ensure_group_roles(sqlite_db),
    ):
        with pytest.raises(NotAllowed, match="only on a shared PostgreSQL database"):
            attempt()


def test_db_grant_on_sqlite_says_why_and_exits_2(sqlite_db: Database) -> None:
    location = str(sqlite_db.path)
    for argv in (
        ("db", "grant", "zhang_wei", "--role", "editor", "--db", location),
        ("db", "users", "--db", location),
    ):
        status, out, err = _run(*argv)
        assert (status, out) == (2, "")
        assert "Roles exist only on a shared PostgreSQL database" in err


def test_services_refuse_by_role_on_sqlite_too(sqlite_db: Database) -> None:
    """The services ask the role, whatever the backend (a role set as a viewer's here)."""
    sqlite_db._role = Role.VIEWER  # type: ignore[attr-defined]
    with pytest.raises(NotAllowed, match="viewer"):
        records.create(sqlite_db, City(name_en="Haifa", country="IL"))
    sqlite_db._role = Role.EDITOR  # type: ignore[attr-defined]
    with pytest.raises(NotAllowed, match="Only an administrator"):
        editing.save_profile(sqlite_db, replace(office_profile(sqlite_db), office_name_en="X"))


# --- the window ----------------------------------------------------------------------------------

WRITES = ("act_new", "act_edit", "act_duplicate", "act_delete", "act_import", "act_undo")
ADMINISTERING = ("act_profile", "act_demo")
READS = ("act_export_view", "act_print_list", "act_export_all", "act_statistics", "act_register")


def _window(qtbot: Any, database: Database) -> Any:
    from exchange_desk.ui.main_window import MainWindow

    window = MainWindow(database, remember=False)
    qtbot.addWidget(window)
    window.show_tab("partner_cities")  # past the start screen, where record actions are off
    return window


def _settled(qtbot: Any, window: Any) -> None:
    from PySide6.QtCore import QThreadPool

    tab = window.current_tab()
    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0)
    qtbot.waitUntil(lambda: tab.complete and not tab._loading)


@pytest.mark.parametrize(
    ("role", "greyed", "usable"),
    [
        (Role.VIEWER, WRITES + ADMINISTERING + ("act_certificate", "act_batch"), READS),
        (Role.EDITOR, ADMINISTERING, READS + WRITES[:-1] + ("act_certificate",)),
    ],
    ids=["viewer", "editor"],
)
def test_the_window_greys_out_what_the_role_may_not_do(
    qtbot: Any, demo_db: Database, role: Role, greyed: tuple[str, ...], usable: tuple[str, ...]
) -> None:
    from PySide6.QtWidgets import QLabel

    demo_db._role = role  # type: ignore[attr-defined]
    window = _window(qtbot, demo_db)
    _settled(qtbot, window)
    window.current_tab().view.selectRow(0)
    for name in greyed:
        action = getattr(window, name)
        assert not action.isEnabled(), name
        assert role.label() in action.toolTip(), name
        # What enables it again (the undo history, a selection) does not.
        action.setEnabled(True)
        assert not action.isEnabled(), name
    if "act_undo" in greyed:
        window.undo_stack.canUndoChanged.emit(True)
        assert not window.act_undo.isEnabled()
    for name in usable:
        assert getattr(window, name).isEnabled(), name
    # A SQLite file has one user: no name and role in the status bar.
    assert window.statusBar().findChild(QLabel, "identity") is None


def test_an_administrators_window_greys_nothing(qtbot: Any, demo_db: Database) -> None:
    window = _window(qtbot, demo_db)
    _settled(qtbot, window)
    for name in (*WRITES[:-1], *ADMINISTERING, "act_certificate", *READS):
        assert getattr(window, name).isEnabled(), name
    assert window.role_guard.refused == {}


def test_the_window_shows_who_you_are_on_postgresql(qtbot: Any, office: Office) -> None:
    from PySide6.QtWidgets import QLabel

    editor = office.login(Role.EDITOR)
    window = _window(qtbot, office.open_as(editor))
    _settled(qtbot, window)
    label = window.statusBar().findChild(QLabel, "identity")
    assert label is not None
    assert label.text() == f"\u2066{editor}\u2069 · editor"
    assert not window.act_profile.isEnabled()
    assert window.act_new.isEnabled()
    window.close()
