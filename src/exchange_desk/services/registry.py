"""The declared kinds of record by name: the office's own (`domain.kinds`) and any a test or
a later version declares. Reading it needs no ORM, so the window's first tab can be loaded
before SQLAlchemy maps a class (`services.kinds` adds the mapping when writing needs it)."""

from __future__ import annotations

from exchange_desk.domain.declaration import KindDeclaration
from exchange_desk.domain.kinds import DECLARATIONS

DECLARED: dict[str, KindDeclaration] = {d.name: d for d in DECLARATIONS}


def declare(declaration: KindDeclaration) -> None:
    """Add a kind (or replace the one of that name)."""
    DECLARED[declaration.name] = declaration


def forget(name: str) -> None:
    DECLARED.pop(name, None)


def declared(name: str) -> KindDeclaration:
    return DECLARED[name]


# The kinds a sheet can bring in, in the order a workbook of several is imported: what is
# referred to before what refers to it (`record_sheets`, `importing`, the CLI's choices).
IMPORT_ORDER = (
    "cities",
    "organizations",
    "persons",
    "conferences",
    "partnerships",
    "delegations",
    "events",
    "agreements",
    "awards",
    # The office's notebook or sheet of gifts: after the partners and occasions it names.
    "gifts",
)
