"""Benchmark: the gifts register and attached files on a large database.

A demo database with `--scale N` synthetic delegations (`services.demo.add_scale_load`) gets
N/5 synthetic gifts, given and received, spread over its partner cities and people, and is
measured for:

- the Gifts tab's load (every gift with its From and To, `services.tables`) against the
  Partner cities tab's load in the same run, per row;
- the repeat warning's read for a partner with many gifts (`services.gifts.gift_history`),
  which the gift form runs as the partner or the description is typed;
- the year's declaration (`services.gifts.declarations`) and its PDF and .xlsx;
- attaching a 12-megapixel photo (stored, hashed, made smaller once) against decoding the
  same JPEG with Pillow, and reading a record's twelve thumbnails for the detail pane.

Targets: the Gifts tab within 3x the Partner cities tab's load per row; the warning's read
under 50 ms; attaching a photo within 3x one decode of it; twelve thumbnails under 50 ms.

    python bench/gifts.py [--scale 100000] [--quick]
"""

from __future__ import annotations

import io
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from _scaled import scale_from_arguments, scaled_database
from _timing import best_of

OUT = Path(__file__).resolve().parent / "out"


def _photo(seed: int) -> bytes:
    """A 4000x3000 JPEG with detail in it (a flat image would compress to nothing)."""
    from PIL import Image

    rng = random.Random(seed)
    noise = Image.frombytes("L", (1000, 750), rng.randbytes(1000 * 750))
    image = Image.merge("RGB", (noise, noise.rotate(90, expand=False), noise.transpose(0)))
    image = image.resize((4000, 3000))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def _add_gifts(database: Any, count: int) -> int:
    """Bulk-insert `count` sample gifts (valid by construction), half given, half received."""
    from sqlalchemy import func, insert, select

    from exchange_desk.storage import schema as s

    rng = random.Random(count)
    with database.unit_of_work() as session:
        cities = list(session.scalars(select(s.cities.c.id)))
        people = list(session.scalars(select(s.persons.c.id)))
        now = s.utcnow()
        rows = []
        for i in range(count):
            given = i % 2 == 0
            rows.append(
                {
                    "given_on": f"{2000 + i % 26:04d}-{1 + i % 12:02d}",
                    "direction": "given" if given else "received",
                    "description_en": f"Synthetic gift {i:06d}",
                    "description_zh": f"样例礼品{i:06d}",
                    "description_he": f"מתנה לדוגמה {i:06d}",
                    "category": "other",
                    "partner_city_id": rng.choice(cities),
                    "partner_person_id": rng.choice(people) if i % 3 == 0 else None,
                    "official_person_id": None if given else rng.choice(people),
                    "estimated_value": float(rng.randrange(20, 5000)),
                    "currency": "CNY",
                    "declaration_status": "not_required" if given else "to_declare",
                    "declaration_reference": "",
                    "notes": "",
                    "created_at": now,
                    "updated_at": now,
                    "is_sample": True,
                }
            )
        for start in range(0, len(rows), 5000):
            session.execute(insert(s.gifts), rows[start : start + 5000])
        # The partner with the most gifts: the warning's hardest read.
        busiest = session.execute(
            select(s.gifts.c.partner_city_id)
            .group_by(s.gifts.c.partner_city_id)
            .order_by(func.count().desc())
            .limit(1)
        ).scalar()
    return int(busiest or cities[0])


def main() -> int:
    scale = scale_from_arguments()

    from PIL import Image

    from exchange_desk.i18n.catalog import set_language
    from exchange_desk.services import records
    from exchange_desk.services.attaching import NewFile, attach_files
    from exchange_desk.services.attachments import thumbnails_of
    from exchange_desk.services.gifts import declarations, gift_history
    from exchange_desk.services.names import Names
    from exchange_desk.services.records import ListQuery
    from exchange_desk.services.tables import load_table

    set_language("en")
    started = time.perf_counter()
    with scaled_database(scale) as database:
        busiest = _add_gifts(database, scale // 5)
        built = time.perf_counter() - started
        gifts = records.list_records(database, "gifts", ListQuery(limit=1)).total
        cities = records.list_records(database, "partnerships", ListQuery(limit=1)).total

        cities_tab = best_of(lambda: load_table(database, "partner_cities"), 3)
        gifts_tab = best_of(lambda: load_table(database, "gifts"), 3)
        partner_gifts = len(gift_history(database, partner_city_id=busiest).gifts)
        warning = best_of(
            lambda: gift_history(
                database, partner_city_id=busiest, description=Names(en="Synthetic gift 000042")
            ),
            5,
        )
        declaration = best_of(lambda: declarations(database, 2025), 3)
        declared = declarations(database, 2025).count

        photo = _photo(1)

        def decode() -> None:
            with Image.open(io.BytesIO(photo)) as image:
                image.load()

        decoded = best_of(decode, 3)
        owner = records.list_records(database, "delegations", ListQuery(limit=1)).rows[0].record
        # Each attach of different bytes: the same bytes would be stored once and not redone.
        photos = [_photo(seed) for seed in range(2, 14)]
        times = []
        for index, content in enumerate(photos):
            began = time.perf_counter()
            attach_files(database, "delegations", owner.id, [NewFile(f"p{index}.jpg", content)])
            times.append(time.perf_counter() - began)
        attach_one = min(times)
        thumbnails = best_of(lambda: thumbnails_of(database, "delegations", owner.id), 5)
        database.dispose()

    per_row = (gifts_tab / max(gifts, 1)) / (cities_tab / max(cities, 1))
    result = {
        "scale": scale,
        "build_s": round(built, 1),
        "gifts": gifts,
        "partnerships": cities,
        "gifts_tab_s": round(gifts_tab, 3),
        "partner_cities_tab_s": round(cities_tab, 3),
        "gifts_tab_per_row_ratio": round(per_row, 2),
        "busiest_partner_gifts": partner_gifts,
        "repeat_warning_s": round(warning, 4),
        "declaration_s": round(declaration, 3),
        "declared_gifts": declared,
        "photo_mb": round(len(photo) / 1e6, 1),
        "decode_photo_s": round(decoded, 3),
        "attach_photo_s": round(attach_one, 3),
        "attach_vs_decode": round(attach_one / decoded, 2),
        "twelve_thumbnails_s": round(thumbnails, 4),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "gifts.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))
    ok = per_row <= 3 and warning < 0.05 and attach_one / decoded <= 3 and thumbnails < 0.05
    print("targets met" if ok else "targets missed", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
