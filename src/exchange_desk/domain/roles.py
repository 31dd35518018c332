"""What a member of the office's staff may do: view, edit, or administer.

- viewer: reads, prints and exports;
- editor: also creates, changes and deletes records, imports, issues certificates;
- administrator: also the office's users and roles, the office profile, the certificate
  register's settings, and restoring a backup.

On a SQLite file there is one user, an administrator. On PostgreSQL each role is a group
role of the server's (`services.roles`), so the database itself refuses what a role may not.
"""

from __future__ import annotations

from enum import IntEnum

from exchange_desk.domain.messages import _, text_of


class Role(IntEnum):
    """Ordered: each role may do all that the roles below it may."""

    VIEWER = 1
    EDITOR = 2
    ADMINISTRATOR = 3

    @property
    def key(self) -> str:
        """The name on the command line (`--role editor`) and in the server's group role."""
        return self.name.lower()

    def label(self) -> str:
        """The role in the user's language."""
        return text_of(
            {
                Role.VIEWER: _("viewer"),
                Role.EDITOR: _("editor"),
                Role.ADMINISTRATOR: _("administrator"),
            }[self]
        )

    @classmethod
    def named(cls, key: str) -> Role:
        return cls[key.upper()]
