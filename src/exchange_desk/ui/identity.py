"""Who you are, in the window: your login and role in the status bar (on a shared PostgreSQL
database; a SQLite file has one user and shows none), and the actions your role may not use
greyed out, with a tooltip that says why.

The services refuse those anyway (`services.roles.require`), and on PostgreSQL the database
itself; greying them only spares the user a refusal. `apply_role` is called once, when the
window's actions exist; an action that the window's own code enables again later (Undo when
the history changes) is greyed again at once.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from exchange_desk.domain.roles import Role
from exchange_desk.i18n.catalog import _
from exchange_desk.services.roles import SignedIn, refusal, signed_in
from exchange_desk.ui.translated import Retranslating

__all__ = ["NEEDS", "IdentityLabel", "RoleGuard", "apply_role"]

# The least role that may use each of the window's actions that write, by attribute name
# (one the window does not have is skipped). What is not listed (reading, printing lists,
# exports, reports) every role may do.
NEEDS: dict[str, Role] = {
    "act_new": Role.EDITOR,
    "act_edit": Role.EDITOR,
    "act_edit_enter": Role.EDITOR,
    "act_duplicate": Role.EDITOR,
    "act_delete": Role.EDITOR,
    "act_import": Role.EDITOR,
    "act_attach": Role.EDITOR,
    "act_undo": Role.EDITOR,
    "act_redo": Role.EDITOR,
    "act_certificate": Role.EDITOR,  # a certificate printed is numbered and on the register
    "act_batch": Role.EDITOR,
    # The demo data replace the office profile as well as the records.
    "act_demo": Role.ADMINISTRATOR,
    "act_profile": Role.ADMINISTRATOR,
    "act_restore": Role.ADMINISTRATOR,
}


class IdentityLabel(Retranslating, QLabel):
    """The status bar's "zhang_wei · editor"."""

    def __init__(self, who: SignedIn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.who = who
        self.setObjectName("identity")
        self.translate_now()

    def retranslate(self) -> None:
        # The login isolated left to right: a Hebrew line keeps "zhang_wei" whole.
        user = "\u2066" + self.who.user + "\u2069"
        role = self.who.role.label()
        self.setText(_("{user} · {role}").format(user=user, role=role))
        self.setToolTip(
            _("You work on the shared database as {user}, with the role {role}.").format(
                user=user, role=role
            )
        )


class RoleGuard(QObject):
    """Keeps the actions a role may not use disabled, whatever enables them again, each with
    a tooltip and status tip that say why (in the language of the moment)."""

    def __init__(self, parent: QObject, role: Role, refused: dict[QAction, Role]) -> None:
        super().__init__(parent)
        self.role = role
        self.refused = refused
        for action in refused:
            action.changed.connect(lambda action=action: self._hold(action))
            self._hold(action)

    def _hold(self, action: QAction) -> None:
        if not shiboken6.isValid(self) or not shiboken6.isValid(action):
            return  # the window is being taken down
        why = refusal(self.role, self.refused[action])
        # Each change sends `changed` again: only what differs is set, so this ends.
        if action.isEnabled():
            action.setEnabled(False)
        if action.toolTip() != why:
            action.setToolTip(why)
        if action.statusTip() != why:
            action.setStatusTip(why)


def apply_role(window: QMainWindow, database: Any) -> RoleGuard:
    """Show who is signed in to `database` in `window`'s status bar (on PostgreSQL) and grey
    out the window's actions their role may not use. Reads the role once (one small query
    on PostgreSQL, none on SQLite)."""
    who = signed_in(database)
    if who.shared:
        label = IdentityLabel(who)
        window.statusBar().addPermanentWidget(label)
    refused: dict[QAction, Role] = {}
    for name, needed in NEEDS.items():
        action = getattr(window, name, None)
        if isinstance(action, QAction) and who.role < needed:
            refused[action] = needed
    return RoleGuard(window, who.role, refused)
