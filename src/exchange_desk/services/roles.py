"""Who may do what: the role of the user a database was opened as, the refusal of what that
role may not do (before the database itself would refuse it), and, on PostgreSQL, the
server's roles and GRANTs behind the office's roles.

On SQLite there is one user, an administrator, and no roles to manage. On PostgreSQL the
role is read from the server: membership of the office's group roles
(`exchange_desk_viewer`, `_editor`, `_administrator`), a superuser or the database's owner
being an administrator. Each group role holds the privileges of its office role on every
table and sequence of the schema (`ensure_group_roles`), so that a viewer cannot write even
from psql; `grant` makes a login role one of them (`exchange-desk db grant`).

Group roles are the server's, shared by every database on it: two Exchange Desk databases on
one server share the groups, and each grants them the privileges on its own tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from exchange_desk.domain.errors import NotAllowed
from exchange_desk.domain.roles import Role
from exchange_desk.i18n.catalog import _

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from exchange_desk.storage.database import Database

__all__ = [
    "GROUP_PREFIX",
    "Granted",
    "OfficeUser",
    "Role",
    "SignedIn",
    "ensure_group_roles",
    "grant",
    "group_role",
    "refusal",
    "require",
    "require_user_administration",
    "revoke",
    "role_of",
    "signed_in",
    "users",
]

GROUP_PREFIX = "exchange_desk_"

# A login as PostgreSQL writes one without quotes: folded to lower case, at most 63 bytes.
_LOGIN = re.compile(r"[a-z_][a-z0-9_]*")
_NAME_BYTES = 63
# Taken for the transaction that changes the roles or their privileges: two desks granting at
# once would otherwise both try to create a group, or collide updating the same privileges.
_LOCK = "SELECT pg_advisory_xact_lock(hashtext('exchange_desk_roles'))"
# Of the office profile, the columns an editor's writes touch: an import sets the home city,
# deleting a city or an attachment clears the profile's reference to it (and its undo puts it
# back), and any change moves the row's version and time stamp. The office's names, the
# signatory, the forewords and the certificate numbering stay the administrators'.
EDITOR_PROFILE_COLUMNS = (
    "home_city_id",
    "seal_attachment_id",
    "logo_attachment_id",
    "updated_at",
    "version",
)
# PostgreSQL's error codes met here.
_DUPLICATE_OBJECT = "42710"
_UNIQUE_VIOLATION = "23505"  # two transactions creating the same role at once
_INSUFFICIENT_PRIVILEGE = "42501"


def group_role(role: Role) -> str:
    """The server's group role behind an office role: `exchange_desk_editor`."""
    return f"{GROUP_PREFIX}{role.key}"


def _group_names() -> list[str]:
    return [group_role(role) for role in Role]


def _role_of_group(name: str) -> Role:
    return Role.named(name.removeprefix(GROUP_PREFIX))


# --- the role of who is signed in ------------------------------------------------------------


def role_of(database: Database) -> Role:
    """The role of the user `database` was opened as; asked of the server once."""
    found = getattr(database, "_role", None)
    if isinstance(found, Role):
        return found
    role = Role.ADMINISTRATOR if database.backend != "postgresql" else _server_role(database)
    database._role = role  # type: ignore[attr-defined]
    return role


def _server_role(database: Database) -> Role:
    # One query (a window asks it as it opens, over the network).
    from sqlalchemy import text

    with database.engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT current_user AS login, "
                "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser, "
                "ARRAY(SELECT rolname FROM pg_roles WHERE rolname = ANY(:groups) "
                "AND pg_has_role(current_user, oid, 'MEMBER')) AS groups, "
                "(SELECT pg_get_userbyid(datdba) = current_user FROM pg_database "
                "WHERE datname = current_database()) AS owner"
            ),
            {"groups": _group_names()},
        ).one()
    database._login = str(row.login)  # type: ignore[attr-defined]
    if row.superuser:
        return Role.ADMINISTRATOR
    held = [_role_of_group(name) for name in row.groups or ()]
    if held:
        return max(held)
    # Not one of the office's roles: the owner of the database (who made it) administers
    # it; anyone else is a viewer until an administrator grants more.
    return Role.ADMINISTRATOR if row.owner else Role.VIEWER


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Who the window and the command line work as."""

    user: str  # the server's login; empty on SQLite, where there is one user
    role: Role
    shared: bool  # a shared PostgreSQL database: roles exist and are shown


def signed_in(database: Database) -> SignedIn:
    """The login and role of the user `database` was opened as (one query, once)."""
    role = role_of(database)
    if database.backend != "postgresql":
        return SignedIn("", role, shared=False)
    login = getattr(database, "_login", None)
    if not isinstance(login, str):  # the role was set without asking the server
        from sqlalchemy import text

        with database.engine.connect() as connection:
            login = str(connection.execute(text("SELECT current_user")).scalar() or "")
        database._login = login  # type: ignore[attr-defined]
    return SignedIn(login, role, shared=True)


def refusal(have: Role, needed: Role) -> str:
    """Why a user of role `have` may not do what needs `needed`, and who can help."""
    if needed is Role.EDITOR:
        message = _(
            "Your role ({role}) lets you read, print and export, not change records. "
            "An administrator can make you an editor."
        )
    else:
        message = _("Only an administrator may do this; your role is {role}.")
    return message.format(role=have.label())


def require(database: Database, role: Role) -> None:
    """Refuse with `NotAllowed` unless the user's role is at least `role`."""
    have = role_of(database)
    if have >= role:
        return
    raise NotAllowed(refusal(have, role))


# --- the server's roles ------------------------------------------------------------------------


def require_user_administration(database: Database) -> None:
    """Refuse unless the office's users can be managed here, by this user: a shared
    PostgreSQL database, and an administrator."""
    if database.backend != "postgresql":
        raise NotAllowed(
            _(
                "Roles exist only on a shared PostgreSQL database: {where} is a SQLite file, "
                "which has one user, who may do everything."
            ).format(where=database.describe())
        )
    require(database, Role.ADMINISTRATOR)


def _sqlstate(exc: BaseException) -> str:
    original = getattr(exc, "orig", None) or exc
    return str(getattr(original, "sqlstate", "") or "")


def _explained(database: Database, exc: BaseException) -> Exception | None:
    """The user's words for a refusal of the server's (NotAllowed) or a failure of the
    environment (StorageUnavailable); None for a bug."""
    if _sqlstate(exc) == _INSUFFICIENT_PRIVILEGE:
        return _server_refused(exc)
    from exchange_desk.storage.database import classify

    return classify(exc, database.url)


def _server_refused(exc: BaseException) -> NotAllowed:
    original = getattr(exc, "orig", None) or exc
    lines = str(original).strip().splitlines()
    return NotAllowed(
        _("The database server refused it: {reason}").format(
            reason=lines[0] if lines else type(original).__name__
        )
    )


def _ddl(connection: Connection, template: str, *parts: Any) -> None:
    """Run a statement that takes no parameters (GRANT, CREATE ROLE), its names quoted by
    psycopg."""
    from psycopg import sql

    driver = connection.connection.driver_connection
    statement = sql.SQL(template).format(*parts).as_string(driver)
    connection.exec_driver_sql(statement)


def _create_groups(connection: Connection) -> None:
    from psycopg import sql
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    for name in _group_names():
        if connection.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}
        ).first():
            continue
        try:
            # A savepoint: the desk of another database on the same server may create the
            # role meanwhile (the lock is per database), which is as good.
            with connection.begin_nested():
                _ddl(connection, "CREATE ROLE {} NOLOGIN", sql.Identifier(name))
        except DBAPIError as exc:
            if _sqlstate(exc) in (_DUPLICATE_OBJECT, _UNIQUE_VIOLATION):
                continue
            if _sqlstate(exc) == _INSUFFICIENT_PRIVILEGE:
                raise NotAllowed(
                    _(
                        "The office's roles do not exist on the database server yet, and you "
                        "may not create roles. The database's owner (or the server's "
                        "administrator) runs 'exchange-desk db grant' first."
                    )
                ) from exc
            raise


def _tables(connection: Connection) -> list[str]:
    """The schema's tables of Exchange Desk's that exist (an older schema lacks some)."""
    from sqlalchemy import text

    from exchange_desk.storage.schema import metadata

    wanted = [*sorted(metadata.tables), "alembic_version"]
    present = set(
        connection.execute(
            text(
                "SELECT c.relname FROM pg_class c "
                "WHERE c.relnamespace = current_schema()::regnamespace "
                "AND c.relkind IN ('r', 'p') AND c.relname = ANY(:names)"
            ),
            {"names": wanted},
        ).scalars()
    )
    return [name for name in wanted if name in present]


def _sequences(connection: Connection, tables: list[str]) -> dict[str, list[str]]:
    """The sequences of the tables' columns (serial or identity), by table."""
    from sqlalchemy import text

    found: dict[str, list[str]] = {}
    for table, sequence in connection.execute(
        text(
            "SELECT t.relname, s.relname FROM pg_class s "
            "JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid "
            "AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
            "JOIN pg_class t ON t.oid = d.refobjid "
            "WHERE s.relkind = 'S' AND t.relnamespace = current_schema()::regnamespace "
            "AND t.relname = ANY(:names) ORDER BY t.relname, s.relname"
        ),
        {"names": tables},
    ):
        found.setdefault(table, []).append(sequence)
    return found


def _owns(connection: Connection, tables: list[str]) -> bool:
    """Whether the user may grant on every table: their owner (or a superuser)."""
    from sqlalchemy import text

    return bool(
        connection.execute(
            text(
                "SELECT coalesce(bool_and(pg_has_role(current_user, c.relowner, 'USAGE')), false) "
                "FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace "
                "AND c.relname = ANY(:names)"
            ),
            {"names": tables},
        ).scalar()
    )


def _apply_privileges(connection: Connection, tables: list[str]) -> None:
    """Each group's privileges on the schema's tables and sequences, exactly: whatever was
    granted before (by hand, or by an older version) is revoked first."""
    from psycopg import sql
    from sqlalchemy import text

    from exchange_desk.storage.schema import audit_log, office_profile

    schema = str(connection.execute(text("SELECT current_schema()")).scalar())
    sequences = _sequences(connection, tables)
    viewer, editor, administrator = (sql.Identifier(group_role(role)) for role in Role)
    everyone = sql.SQL(", ").join([viewer, editor, administrator])
    writers = sql.SQL(", ").join([editor, administrator])

    def names(items: list[str]) -> sql.Composable:
        return sql.SQL(", ").join(sql.Identifier(schema, item) for item in items)

    log, profile = audit_log.name, office_profile.name
    every_sequence = [sequence for table in tables for sequence in sequences.get(table, [])]
    # Records: every table but the log (appended to only), the profile (the administrators',
    # a few columns aside) and Alembic's (the owner's, who upgrades the schema).
    records = [name for name in tables if name not in (log, profile, "alembic_version")]

    _ddl(connection, "REVOKE ALL ON TABLE {} FROM PUBLIC, {}", names(tables), everyone)
    _ddl(connection, "GRANT USAGE ON SCHEMA {} TO {}", sql.Identifier(schema), everyone)
    _ddl(connection, "GRANT SELECT ON TABLE {} TO {}", names(tables), everyone)
    if log in tables:
        # Everyone writes to the log: exports and printed lists are on record too. Never
        # UPDATE, DELETE or TRUNCATE, for anyone.
        _ddl(connection, "GRANT INSERT ON TABLE {} TO {}", names([log]), everyone)
    if records:
        _ddl(
            connection,
            "GRANT INSERT, UPDATE, DELETE ON TABLE {} TO {}",
            names(records),
            writers,
        )
    if profile in tables:
        columns = sql.SQL(", ").join(sql.Identifier(c) for c in EDITOR_PROFILE_COLUMNS)
        _ddl(connection, "GRANT UPDATE ({}) ON TABLE {} TO {}", columns, names([profile]), editor)
        _ddl(
            connection,
            "GRANT INSERT, UPDATE, DELETE ON TABLE {} TO {}",
            names([profile]),
            administrator,
        )
    if every_sequence:
        _ddl(
            connection, "REVOKE ALL ON SEQUENCE {} FROM PUBLIC, {}", names(every_sequence), everyone
        )
        _ddl(connection, "GRANT USAGE, SELECT ON SEQUENCE {} TO {}", names(every_sequence), writers)
    if sequences.get(log):
        _ddl(connection, "GRANT USAGE ON SEQUENCE {} TO {}", names(sequences[log]), viewer)
    schema_owner = connection.execute(
        text(
            "SELECT pg_has_role(current_user, nspowner, 'USAGE') FROM pg_namespace "
            "WHERE nspname = current_schema()"
        )
    ).scalar()
    if schema_owner:
        # No one but the owner makes tables of their own beside the office's.
        _ddl(connection, "REVOKE CREATE ON SCHEMA {} FROM PUBLIC", sql.Identifier(schema))


def _ensure_profile_row(connection: Connection) -> None:
    """The office profile's row, empty, if the office has not filled it in yet: an editor may
    set its home city (by an import) but not add the row."""
    from sqlalchemy.dialects.postgresql import insert

    from exchange_desk.storage.schema import office_profile

    connection.execute(insert(office_profile).values(id=1).on_conflict_do_nothing())


def ensure_group_roles(database: Database) -> bool:
    """Create the office's group roles if missing, and (re)apply their privileges on every
    table and sequence of the schema; returns whether the privileges were applied, which
    only the tables' owner (or a superuser) can do. Administrators only."""
    require_user_administration(database)
    from sqlalchemy.exc import DBAPIError

    from exchange_desk.storage.schema import office_profile

    try:
        with database.engine.connect() as connection, connection.begin():
            connection.exec_driver_sql(_LOCK)
            _create_groups(connection)
            tables = _tables(connection)
            if not tables or not _owns(connection, tables):
                return False
            _apply_privileges(connection, tables)
            if office_profile.name in tables:
                _ensure_profile_row(connection)
            return True
    except DBAPIError as exc:
        problem = _explained(database, exc)
        if problem is not None:
            raise problem from exc
        raise


def _privileges_applied(connection: Connection) -> bool:
    from sqlalchemy import text

    from exchange_desk.storage.schema import cities

    return bool(
        connection.execute(
            text(
                "SELECT has_table_privilege(:group, "
                "quote_ident(current_schema()) || '.' || quote_ident(:table), 'INSERT')"
            ),
            {"group": group_role(Role.EDITOR), "table": cities.name},
        ).scalar()
    )


# --- the office's users ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OfficeUser:
    """A user of the shared database: a login role of the server."""

    login: str
    role: Role
    can_login: bool
    owner: bool = False  # the database's owner: an administrator without a group

    def as_dict(self) -> dict[str, Any]:
        return {
            "login": self.login,
            "role": self.role.key,
            "can_login": self.can_login,
            "owner": self.owner,
        }


@dataclass(frozen=True, slots=True)
class Granted:
    """What `grant` or `revoke` did."""

    login: str
    role: Role | None  # None: the login holds no office role any more
    previous: Role | None
    created: bool

    def message(self) -> str:
        if self.role is None:
            if self.previous is None:
                return _("{login} had no role in the office; nothing changed.").format(
                    login=self.login
                )
            return _("{login} no longer has a role in the office (was: {previous}).").format(
                login=self.login, previous=self.previous.label()
            )
        if self.created:
            return _("Created the user {login} with the role {role}.").format(
                login=self.login, role=self.role.label()
            )
        if self.previous is None or self.previous == self.role:
            return _("{login} has the role {role}.").format(
                login=self.login, role=self.role.label()
            )
        return _("{login} now has the role {role} (was: {previous}).").format(
            login=self.login, role=self.role.label(), previous=self.previous.label()
        )


def checked_login(login: str) -> str:
    """`login` as the server's role name (folded to lower case, as PostgreSQL folds a name
    written without quotes); refused unless a plain name that is not one of the office's
    group roles nor the server's own."""
    name = login.strip().lower()
    if (
        not _LOGIN.fullmatch(name)
        or len(name.encode()) > _NAME_BYTES
        or name.startswith(("pg_", GROUP_PREFIX))
        or name == "public"
    ):
        raise NotAllowed(
            _(
                "“{login}” cannot be a user's name: use letters, digits and underscores, "
                "starting with a letter (for example zhang_wei)."
            ).format(login=login)
        )
    return name


def _memberships(connection: Connection, login: str) -> list[str]:
    """The office's groups `login` is a direct member of."""
    from sqlalchemy import text

    return list(
        connection.execute(
            text(
                "SELECT g.rolname FROM pg_auth_members am "
                "JOIN pg_roles g ON g.oid = am.roleid JOIN pg_roles m ON m.oid = am.member "
                "WHERE m.rolname = :login AND g.rolname = ANY(:groups) ORDER BY g.rolname"
            ),
            {"login": login, "groups": _group_names()},
        ).scalars()
    )


def _prepare(database: Database, login: str) -> str:
    require_user_administration(database)
    name = checked_login(login)
    if name == signed_in(database).user:
        raise NotAllowed(_("You cannot change your own role: another administrator can."))
    if not ensure_group_roles(database):
        with database.engine.connect() as connection:
            if not _privileges_applied(connection):
                raise NotAllowed(
                    _(
                        "The office's roles have no rights on its tables yet, and only the "
                        "tables' owner can give them: the database's owner runs "
                        "'exchange-desk db grant' once first."
                    )
                )
    return name


def grant(database: Database, login: str, role: Role, *, password: str | None = None) -> Granted:
    """Make the login role `login` a `role` of the office: created (with `password`, if
    given) when missing, taken out of the office's other roles, put in this one (an
    administrator may also create and change roles: CREATEROLE, and the groups WITH ADMIN
    OPTION). On the record as a `grant` line. Administrators only, on PostgreSQL only."""
    from psycopg import sql
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from exchange_desk.services import audit

    name = _prepare(database, login)
    try:
        with database.unit_of_work() as session:
            connection = session.connection()
            connection.exec_driver_sql(_LOCK)
            found = connection.execute(
                text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :n"), {"n": name}
            ).first()
            if found is not None and not found.rolcanlogin:
                raise NotAllowed(
                    _(
                        "{login} is a group of the database server, not a user who logs in; "
                        "choose another name."
                    ).format(login=name)
                )
            held = _memberships(connection, name)
            previous = max((_role_of_group(group) for group in held), default=None)
            who = sql.Identifier(name)
            secret = _encrypted(connection, name, password) if password is not None else None
            if found is None:
                if secret is None:
                    _ddl(connection, "CREATE ROLE {} LOGIN", who)
                else:
                    _ddl(connection, "CREATE ROLE {} LOGIN PASSWORD {}", who, sql.Literal(secret))
            elif secret is not None:
                _ddl(connection, "ALTER ROLE {} PASSWORD {}", who, sql.Literal(secret))
            if held:
                groups = sql.SQL(", ").join(sql.Identifier(group) for group in held)
                _ddl(connection, "REVOKE {} FROM {}", groups, who)
            if role is Role.ADMINISTRATOR:
                # Each group with ADMIN OPTION: PostgreSQL 16 and later let one grant a role
                # only to those who hold it so (15 asks only for CREATEROLE).
                groups = sql.SQL(", ").join(sql.Identifier(g) for g in _group_names())
                _ddl(connection, "GRANT {} TO {} WITH ADMIN OPTION", groups, who)
                _ddl(connection, "ALTER ROLE {} CREATEROLE", who)
            else:
                _ddl(connection, "GRANT {} TO {}", sql.Identifier(group_role(role)), who)
                if previous is Role.ADMINISTRATOR:
                    _ddl(connection, "ALTER ROLE {} NOCREATEROLE", who)
            audit.log_in(
                session,
                audit.Action.GRANT,
                summary=name,
                details={
                    "role": role.key,
                    "previous": previous.key if previous is not None else None,
                    "created": found is None,
                },
            )
    except DBAPIError as exc:
        problem = _explained(database, exc)
        if problem is not None:
            raise problem from exc
        raise
    return Granted(name, role, previous, created=found is None)


def _encrypted(connection: Connection, login: str, password: str) -> str:
    """The password as the server stores it (SCRAM, or what `password_encryption` says),
    made here: the plain password never reaches the server, nor its log."""
    if not password:
        raise NotAllowed(_("An empty password is not allowed."))
    driver: Any = connection.connection.driver_connection
    encrypted: bytes = driver.pgconn.encrypt_password(password.encode(), login.encode())
    return encrypted.decode("ascii")


def revoke(database: Database, login: str) -> Granted:
    """Take the login role `login` out of the office's roles (it stays on the server, able to
    log in, but reads nothing of the office's). On the record as a `grant` line."""
    from psycopg import sql
    from sqlalchemy.exc import DBAPIError

    from exchange_desk.services import audit

    name = _prepare(database, login)
    try:
        with database.unit_of_work() as session:
            connection = session.connection()
            connection.exec_driver_sql(_LOCK)
            held = _memberships(connection, name)
            previous = max((_role_of_group(group) for group in held), default=None)
            if held:
                who = sql.Identifier(name)
                groups = sql.SQL(", ").join(sql.Identifier(group) for group in held)
                _ddl(connection, "REVOKE {} FROM {}", groups, who)
                if previous is Role.ADMINISTRATOR:
                    _ddl(connection, "ALTER ROLE {} NOCREATEROLE", who)
                audit.log_in(
                    session,
                    audit.Action.REVOKE,
                    summary=name,
                    details={"role": None, "previous": previous.key if previous else None},
                )
    except DBAPIError as exc:
        problem = _explained(database, exc)
        if problem is not None:
            raise problem from exc
        raise
    return Granted(name, None, previous, created=False)


def users(database: Database) -> list[OfficeUser]:
    """The office's users, by login: the members of its group roles (with the highest role
    each holds) and the database's owner. Administrators only, on PostgreSQL only."""
    from sqlalchemy import text

    require_user_administration(database)
    found: dict[str, OfficeUser] = {}
    with database.engine.connect() as connection:
        for login, group, can_login in connection.execute(
            text(
                "SELECT m.rolname, g.rolname, m.rolcanlogin FROM pg_auth_members am "
                "JOIN pg_roles g ON g.oid = am.roleid JOIN pg_roles m ON m.oid = am.member "
                "WHERE g.rolname = ANY(:groups)"
            ),
            {"groups": _group_names()},
        ):
            role = _role_of_group(group)
            known = found.get(login)
            if known is None or known.role < role:
                found[login] = OfficeUser(login, role, bool(can_login))
        owner = connection.execute(
            text(
                "SELECT r.rolname, r.rolcanlogin FROM pg_database d "
                "JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname = current_database()"
            )
        ).first()
    if owner is not None:
        found[owner.rolname] = OfficeUser(
            owner.rolname, Role.ADMINISTRATOR, bool(owner.rolcanlogin), owner=True
        )
    return [found[login] for login in sorted(found)]
