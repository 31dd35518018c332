"""Benchmark: the Home tab on a large database.

A demo database with `--scale N` synthetic delegations (`services.demo.add_scale_load`,
100,000 by default) is measured for:

- the start screen's read (`services.home.home_view`: what is due, every partnership's
  health, the partners on the map), off the GUI thread in the window;
- the Home tab shown: from `HomeTab.load()` to its `loaded` signal on the offscreen platform,
  the read in the background and the tables, buttons and map drawn;
- the Partner cities tab's load in the same run, as the baseline of this machine's speed.

Target: the Home tab shows within 300 ms; the ratio to the baseline says how it would fare on
a slower or faster machine.

    QT_QPA_PLATFORM=offscreen python bench/home.py [--scale 100000] [--quick]
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from _scaled import scale_from_arguments, scaled_database
from _timing import best_of

OUT = Path(__file__).resolve().parent / "out"
TARGET_S = 0.3


def main() -> int:
    scale = scale_from_arguments()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from exchange_desk.i18n.catalog import set_language
    from exchange_desk.services.home import home_view
    from exchange_desk.services.tables import load_table

    set_language("en")
    started = time.perf_counter()
    with scaled_database(scale) as database:
        built = time.perf_counter() - started

        baseline = best_of(lambda: load_table(database, "partner_cities"), 3)
        read = best_of(lambda: home_view(database), 5)
        view = home_view(database)

        from PySide6.QtWidgets import QApplication

        from exchange_desk.ui.home_tab import HomeTab

        app = QApplication.instance() or QApplication([])
        home = HomeTab(database)
        home.resize(1400, 850)
        home.show()
        shown = []
        for _ in range(3):
            done: list[float] = []
            home.loaded.connect(lambda done=done: done.append(time.perf_counter()))
            began = time.perf_counter()
            home.load()
            while not done:
                app.processEvents()
                time.sleep(0.001)
            home.loaded.disconnect()
            shown.append(done[0] - began)
        home.close()
        database.dispose()

    show = min(shown)
    result = {
        "scale": scale,
        "build_s": round(built, 1),
        "due_items": len(view.due.items),
        "partnerships": len(view.health),
        "home_read_s": round(read, 3),
        "home_shown_s": round(show, 3),
        "partner_cities_tab_s": round(baseline, 3),
        "shown_vs_partner_cities": round(show / baseline, 1),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "home.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))
    ok = show < TARGET_S
    print("target met" if ok else "target missed", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
