"""The start screen's data in one read: what is due, how each partnership is doing, and where
the partners are. The window runs `home_view` off the GUI thread and only draws the result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from exchange_desk.services.due import DueList, due_items
from exchange_desk.services.health import PartnershipHealth, partnership_health

if TYPE_CHECKING:
    from exchange_desk.domain.world_map import World
    from exchange_desk.services.partner_map import MapPoints
    from exchange_desk.storage.database import Database


@dataclass(frozen=True, slots=True)
class HomeView:
    on: dt.date
    due: DueList
    health: tuple[PartnershipHealth, ...]
    points: MapPoints  # the partners on the map
    world: World  # the countries' outline (read once, cached)


def home_view(database: Database, *, on: dt.date | None = None) -> HomeView:
    """Everything the Home tab shows, as of `on` (default today)."""
    # The map's module (and its 100 KB outline) is read when the Home tab first shows.
    from exchange_desk.services.partner_map import load_world, partner_points

    on = on or dt.date.today()
    return HomeView(
        on=on,
        due=due_items(database, on=on),
        health=tuple(partnership_health(database, on=on)),
        points=partner_points(database),
        world=load_world(),
    )
