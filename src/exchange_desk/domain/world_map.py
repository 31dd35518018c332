"""The partners' world map as geometry, shared by the window (`ui/world_map.py`) and the
report (`documents/world_map.py`) so that both draw the same map: the projection, the part
of the world shown, the countries' outlines once projected, a circle's size for a value,
the tiers' colours, and which names go on the map and where.

The projection is **Equal Earth** (Šavrič, Patterson and Jenny, 2018), by its published
formula. Chosen over the plain equirectangular one because a small map shows the whole world
at once: equirectangular stretches the north (Europe, Russia, Canada, where many partners
are) wide and flat, while Equal Earth keeps every country's area true and its shape
recognisable, with the rounded sides of a globe; and over the Natural Earth projection
because it is equal-area (a circle's size is read against the land around it) and its
formula is a short polynomial, the same in the window and on paper.

Antarctica is left out (no partner city is there, and it would be a wide band under the
map): the map runs from 58° S (below Cape Horn) to 84° N (the north of Greenland).

Projected coordinates: the origin is (0° E, 0° N); x grows to the east and y to the north;
the scale makes the equator run from x = -1 (180° W) to x = 1 (180° E). `Frame` places them
in a box of pixels or points, keeping the proportions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Equal Earth's coefficients (Šavrič et al. 2018, "The Equal Earth map projection").
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2
_X_SCALE = math.pi / (_M * _A1)  # Equal Earth's x at 180° on the equator: scaled to 1 here

SOUTH = -58.0  # the latitudes the map shows (Antarctica left out)
NORTH = 84.0


def project(longitude: float, latitude: float) -> tuple[float, float]:
    """Equal Earth: (x, y) with (0°, 0°) at (0, 0), east to the right (+x), north up (+y),
    180° E on the equator at x = 1. Latitudes outside ±90 and longitudes outside ±180 are
    held at the edge."""
    lam = math.radians(max(-180.0, min(180.0, longitude)))
    phi = math.radians(max(-90.0, min(90.0, latitude)))
    theta = math.asin(_M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x / _X_SCALE, y / _X_SCALE


@dataclass(frozen=True, slots=True)
class Bounds:
    """A box in projected coordinates."""

    west: float
    south: float
    east: float
    north: float

    @property
    def width(self) -> float:
        return self.east - self.west

    @property
    def height(self) -> float:
        return self.north - self.south

    @property
    def aspect(self) -> float:
        """Width over height (about 2.29 for the whole map)."""
        return self.width / self.height


BOUNDS = Bounds(-1.0, project(0.0, SOUTH)[1], 1.0, project(0.0, NORTH)[1])


@dataclass(frozen=True, slots=True)
class Frame:
    """Where the map stands in a box of `width` by `height` (pixels or points, y down from
    the top): as large as fits with its proportions kept, centred."""

    left: float
    top: float
    scale: float  # pixels per projected unit
    bounds: Bounds = BOUNDS

    @classmethod
    def fit(cls, width: float, height: float, bounds: Bounds = BOUNDS) -> Frame:
        scale = max(min(width / bounds.width, height / bounds.height), 1e-9)
        left = (width - bounds.width * scale) / 2
        top = (height - bounds.height * scale) / 2
        return cls(left, top, scale, bounds)

    @property
    def width(self) -> float:
        return self.bounds.width * self.scale

    @property
    def height(self) -> float:
        return self.bounds.height * self.scale

    def place(self, x: float, y: float) -> tuple[float, float]:
        """A projected point in the box, y down (a point north of the map's top is held
        at the top, one south of its bottom at the bottom)."""
        y = max(self.bounds.south, min(self.bounds.north, y))
        across = self.left + (x - self.bounds.west) * self.scale
        down = self.top + (self.bounds.north - y) * self.scale
        return across, down

    def locate(self, longitude: float, latitude: float) -> tuple[float, float]:
        """A place on the earth in the box, y down."""
        return self.place(*project(longitude, latitude))


def edge(steps: int = 48) -> tuple[tuple[float, float], ...]:
    """The outline of the map (the globe between SOUTH and NORTH) in projected coordinates,
    a closed polygon: what the sea is filled in."""
    west = [project(-180.0, NORTH + (SOUTH - NORTH) * index / steps) for index in range(steps + 1)]
    east = [project(180.0, SOUTH + (NORTH - SOUTH) * index / steps) for index in range(steps + 1)]
    # Down the east edge, up the west one; the top and the bottom close it with straight
    # lines (Equal Earth draws the parallels straight).
    return (*east[::-1], *west[::-1])


@dataclass(frozen=True, slots=True)
class CountryOutline:
    """A country's rings in projected coordinates, each flat: (x0, y0, x1, y1, ...).
    Islands and holes alike: draw them with the even-odd rule."""

    code: str  # ISO 3166 alpha-2
    rings: tuple[tuple[float, ...], ...]


@dataclass(frozen=True, slots=True, eq=False)
class World:
    """The countries' outlines, projected; made once and shared (compared by identity)."""

    countries: tuple[CountryOutline, ...]
    source: str = ""

    def country(self, code: str) -> CountryOutline | None:
        return next((c for c in self.countries if c.code == code), None)


def project_ring(lon_lat: list[float] | tuple[float, ...]) -> tuple[float, ...]:
    """A flat ring of degrees (lon0, lat0, lon1, lat1, ...) projected."""
    flat: list[float] = []
    for index in range(0, len(lon_lat) - 1, 2):
        flat.extend(project(lon_lat[index], lon_lat[index + 1]))
    return tuple(flat)


# A circle's radius for a value: its area grows with the value (radius with the square
# root), from MIN_RADIUS for none to MAX_RADIUS for the largest on the map. As shares of
# the map's width, so that the window and the page draw the same map at any size.
MIN_RADIUS = 0.0045
MAX_RADIUS = 0.022


def radius(value: int, largest: int, width: float) -> float:
    """The radius of a partner's circle on a map `width` wide."""
    if largest <= 0 or value <= 0:
        return MIN_RADIUS * width
    share = math.sqrt(min(value, largest) / largest)
    return (MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * share) * width


# The two tiers' colours, the same in the window and in the report (as the report's charts
# colour them): a deep teal and an amber, told apart by lightness as well as hue, so that
# readers who do not see red and green apart (or print in grey) see two kinds.
TIER_COLOURS: dict[str, tuple[int, int, int]] = {
    "sister_city": (0, 107, 120),
    "friendly_cooperative_city": (219, 148, 51),
}
LAND = (222, 229, 231)
SEA = (244, 248, 249)
BORDER = (255, 255, 255)


def labelled_count(values: list[int] | tuple[int, ...], most: int) -> int:
    """How many of the busiest partners (values in falling order) get a label: at most
    `most`, none without exchanges, and a run of equal values all or none, so that no
    label picks one of equals by its name (a demo of one busy partner and forty with two
    exchanges each labels the one)."""
    count = 0
    index = 0
    while index < len(values) and values[index] > 0:
        end = index
        while end < len(values) and values[end] == values[index]:
            end += 1
        if end > most:
            break
        count = index = end
    return count


Box = tuple[float, float, float, float]  # left, top, right, bottom (y down)


@dataclass(frozen=True, slots=True)
class LabelBox:
    """A label to place beside its circle: the circle's centre and radius, the text's size
    (all y down, in the units of the drawing)."""

    key: int
    x: float
    y: float
    radius: float
    width: float
    height: float


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _covers(box: Box, x: float, y: float, r: float) -> bool:
    """Whether `box` touches the circle at (x, y) of radius r."""
    nearest_x = max(box[0], min(x, box[2]))
    nearest_y = max(box[1], min(y, box[3]))
    return (nearest_x - x) ** 2 + (nearest_y - y) ** 2 < r * r


def place_labels(
    labels: list[LabelBox] | tuple[LabelBox, ...],
    *,
    area: Box,
    avoid: tuple[Box, ...] = (),
    circles: tuple[tuple[float, float, float], ...] = (),
    start_left: bool = False,
    gap: float = 3.0,
) -> dict[int, Box]:
    """Where each label goes (its box), in the order given (the most important first): the
    first of beside, across, above and below its circle that stays inside `area`, clear of
    `avoid` (the legend), of the labels placed before and of the other circles' cores. A
    label with no free place is left out rather than drawn over another. `start_left`
    tries the left side first (a right-to-left window)."""
    placed: dict[int, Box] = {}
    for label in labels:
        w, h, x, y, r = label.width, label.height, label.x, label.y, label.radius
        right = (x + r + gap, y - h / 2)
        left = (x - r - gap - w, y - h / 2)
        above = (x - w / 2, y - r - gap - h)
        below = (x - w / 2, y + r + gap)
        sides = [left, right] if start_left else [right, left]
        for corner_x, corner_y in (*sides, above, below):
            box = (corner_x, corner_y, corner_x + w, corner_y + h)
            if box[0] < area[0] or box[1] < area[1] or box[2] > area[2] or box[3] > area[3]:
                continue
            if any(_overlaps(box, other) for other in (*avoid, *placed.values())):
                continue
            if any(_covers(box, cx, cy, cr * 0.8) for cx, cy, cr in circles if (cx, cy) != (x, y)):
                continue
            placed[label.key] = box
            break
    return placed
