"""Benchmark: switching the window's language from the Language menu, from the click to the
last text set, with the main window showing three tabs and the certificate, register and
annual report dialogs open.

On the demo database and on `demo --scale 100000` (the Delegations tab then holds 100,000
rows, sorted by partner city, which the new language sorts again with its collator). Each
as a ratio against a baseline measured in the same run: building and showing the same main
window in English (what a restart in the other language would at least cost).

No target is named by the issue; the switch should feel immediate (a restart is what it
replaces).

    python bench/language_switch.py [--scale 100000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from table_100k import _database


def _measure(path: Path, rounds: int) -> dict[str, Any]:
    from PySide6.QtCore import QSettings, Qt, QThreadPool
    from PySide6.QtWidgets import QApplication

    from exchange_desk.services.database import open_office_database
    from exchange_desk.ui.main_window import MainWindow

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    database = open_office_database(str(path))
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "bench.ini"), QSettings.Format.IniFormat)

    def settle() -> None:
        pool = QThreadPool.globalInstance()
        while pool.activeThreadCount() or any(
            not tab.complete for tab in window.record_tabs.values()
        ):
            app.processEvents()
            time.sleep(0.005)
        app.processEvents()

    start = time.perf_counter()
    window = MainWindow(database, settings, remember=False)
    window.show()
    app.processEvents()
    opened = time.perf_counter() - start
    for key in ("partner_cities", "awards", "delegations"):
        window.tabs.setCurrentWidget(window._pages[key])
        window.tab(key).load_all()
    settle()
    delegations = window.tab("delegations")
    delegations.view.sortByColumn(
        delegations.model.table.column_index("city"), Qt.SortOrder.AscendingOrder
    )
    dialogs = [window.show_register(), window.annual_report(2018), window.print_certificates()]
    settle()
    switches: list[float] = []
    for _round in range(rounds):
        for code in ("zh_CN", "he", "en"):
            start = time.perf_counter()
            window.language_actions[code].trigger()
            app.processEvents()
            switches.append(time.perf_counter() - start)
    for dialog in dialogs:
        dialog.close()
    window.close()
    database.dispose()
    return {
        "rows_in_delegations": len(delegations.model.table),
        "window_open_s": round(opened, 3),
        "switch_median_ms": round(statistics.median(switches) * 1000, 1),
        "switch_max_ms": round(max(switches) * 1000, 1),
        "switch_max_ratio": round(max(switches) / opened, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from exchange_desk.ui.app import make_application

    make_application("en")
    demo_path = Path(tempfile.mkdtemp()) / "demo.sqlite"
    from exchange_desk.services.database import open_office_database
    from exchange_desk.services.demo import fill_demo

    database = open_office_database(str(demo_path))
    fill_demo(database)
    database.dispose()
    results = {
        "demo": _measure(demo_path, args.rounds),
        f"scale_{args.scale}": _measure(_database(args.scale), args.rounds),
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
