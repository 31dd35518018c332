"""Make `world-110m.json`, the outline of the world that the partners' map is drawn on.

    PYTHONPATH=/path/to/pyshp-and-pycountry python resources/maps/make_world_map.py \
        /path/to/naturalearth_lowres.shp

The input is Natural Earth's 1:110m Admin 0 countries as the geopandas 0.14.4 wheel ships
them (`geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp`, made by its
`naturalearth_creation.py` from `ne_110m_admin_0_countries`); see README.md here. It needs
pyshp (to read the shapefile) and pycountry (ISO 3166 alpha-3 to alpha-2); neither is a
dependency of the program, which only reads the JSON this writes.

What it does to the data, and nothing more:

- every coordinate is rounded to 0.1 degree (about 11 km at the equator: far below a pixel
  of a map the width of a window or of a page), and a point that rounds onto the point
  before it is dropped, as is a ring's closing point (a ring is closed by definition);
  a ring left with fewer than three points (an islet smaller than the rounding) is dropped;
- Antarctica is left out: no partner city is there, and at the map's size it would be a
  wide white band under everything else;
- the country is named by its ISO 3166 alpha-2 code, looked up from Natural Earth's
  alpha-3. The file's "-99" (no ISO code) is Kosovo, which gets "XK" as the program's own
  country list has it; France and Norway, "-99" in Natural Earth itself, were already given
  their codes by geopandas' script (from ADM0_A3). Northern Cyprus and Somaliland have no
  ISO code: their outlines are kept under Cyprus (CY) and Somalia (SO), as ISO 3166 counts
  them.

The output is the same on every run (countries sorted by code, rings in the file's order),
one country a line, so that a re-run shows no change in version control.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import pycountry  # type: ignore[import-not-found]
import shapefile  # type: ignore[import-not-found]

HERE = Path(__file__).resolve().parent
OUT = HERE / "world-110m.json"
SOURCE = (
    "Natural Earth 1:110m Cultural Vectors, Admin 0 - Countries (public domain), as shipped "
    "by geopandas 0.14.4 (naturalearth_lowres); coordinates rounded to 0.1 degree, "
    "Antarctica left out; see README.md"
)
# Natural Earth's names for what has no alpha-3 of ISO 3166 (or the "-99" of none).
NO_ISO_CODE = {
    "Kosovo": "XK",
    "N. Cyprus": "CY",
    "Somaliland": "SO",
}
LEFT_OUT = {"ATA"}  # Antarctica


def alpha_2(name: str, alpha_3: str) -> str:
    if name in NO_ISO_CODE:
        return NO_ISO_CODE[name]
    country = pycountry.countries.get(alpha_3=alpha_3)
    if country is None:
        raise SystemExit(f"no ISO 3166 code for {name!r} ({alpha_3}): add it to NO_ISO_CODE")
    return str(country.alpha_2)


def rounded_ring(points: list[tuple[float, float]]) -> list[float]:
    """A ring as [lon, lat, lon, lat, ...] at 0.1 degree, without repeats or closing point;
    empty when fewer than three points are left."""
    kept: list[tuple[float, float]] = []
    for lon, lat in points:
        point = (round(lon, 1), round(lat, 1))
        if not kept or point != kept[-1]:
            kept.append(point)
    while len(kept) > 1 and kept[-1] == kept[0]:
        kept.pop()
    if len(set(kept)) < 3:
        return []
    return [value for point in kept for value in point]


def number(value: float) -> str:
    """0.1-degree JSON numbers without a useless ".0" or a "-0"."""
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def main(shapefile_path: str) -> None:
    reader = shapefile.Reader(shapefile_path)
    rings_of: dict[str, list[list[float]]] = {}
    for shape_record in reader.iterShapeRecords():
        record = shape_record.record
        if record["iso_a3"] in LEFT_OUT:
            continue
        code = alpha_2(record["name"], record["iso_a3"])
        shape = shape_record.shape
        starts = [*shape.parts, len(shape.points)]
        for start, end in itertools.pairwise(starts):
            ring = rounded_ring([(x, y) for x, y in shape.points[start:end]])
            if ring:
                rings_of.setdefault(code, []).append(ring)
    lines = []
    for code in sorted(rings_of):
        rings = ",".join(
            "[" + ",".join(number(value) for value in ring) + "]" for ring in rings_of[code]
        )
        lines.append(f'{{"a2":{json.dumps(code)},"rings":[{rings}]}}')
    text = (
        f'{{"source":{json.dumps(SOURCE)},\n"precision":0.1,\n"countries":[\n'
        + ",\n".join(lines)
        + "\n]}\n"
    )
    json.loads(text)  # what is written must read back
    OUT.write_text(text, encoding="utf-8")
    points = sum(len(ring) // 2 for rings in rings_of.values() for ring in rings)
    print(f"{OUT.name}: {len(rings_of)} countries, {points} points, {len(text):,} bytes")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
