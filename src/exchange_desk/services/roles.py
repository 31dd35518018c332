"""Who may do what: the role of the user a database was opened as, and the refusal of what
that role may not do (before the database itself would refuse it).

On SQLite there is one user, an administrator. On PostgreSQL the role is read from the
server: membership of the office's group roles (`exchange_desk_viewer`, `_editor`,
`_administrator`), a superuser being an administrator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from exchange_desk.domain.errors import NotAllowed
from exchange_desk.domain.roles import Role
from exchange_desk.i18n.catalog import _

if TYPE_CHECKING:
    from exchange_desk.storage.database import Database

__all__ = ["GROUP_PREFIX", "Role", "group_role", "require", "role_of"]

GROUP_PREFIX = "exchange_desk_"


def group_role(role: Role) -> str:
    """The server's group role behind an office role: `exchange_desk_editor`."""
    return f"{GROUP_PREFIX}{role.key}"


def role_of(database: Database) -> Role:
    """The role of the user `database` was opened as; asked of the server once."""
    found = getattr(database, "_role", None)
    if isinstance(found, Role):
        return found
    role = Role.ADMINISTRATOR if database.backend != "postgresql" else _server_role(database)
    database._role = role  # type: ignore[attr-defined]
    return role


def _server_role(database: Database) -> Role:
    from sqlalchemy import text

    with database.engine.connect() as connection:
        superuser = connection.execute(
            text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        ).scalar()
        if superuser:
            return Role.ADMINISTRATOR
        for role in sorted(Role, reverse=True):
            member = connection.execute(
                text(
                    "SELECT pg_has_role(current_user, oid, 'MEMBER') FROM pg_roles "
                    "WHERE rolname = :name"
                ),
                {"name": group_role(role)},
            ).scalar()
            if member:
                return role
        # Not one of the office's roles: the owner of the database (who made it) administers
        # it; anyone else is a viewer until an administrator grants more.
        owner = connection.execute(
            text(
                "SELECT pg_get_userbyid(datdba) = current_user FROM pg_database "
                "WHERE datname = current_database()"
            )
        ).scalar()
    return Role.ADMINISTRATOR if owner else Role.VIEWER


def require(database: Database, role: Role) -> None:
    """Refuse with `NotAllowed` unless the user's role is at least `role`."""
    have = role_of(database)
    if have >= role:
        return
    if role is Role.EDITOR:
        message = _(
            "Your role ({role}) lets you read, print and export, not change records. "
            "An administrator can make you an editor."
        )
    else:
        message = _("Only an administrator may do this; your role is {role}.")
    raise NotAllowed(message.format(role=have.label()))
