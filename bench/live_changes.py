"""Benchmark: a change saved at one desk, seen by another, on SQLite and on PostgreSQL.

Two processes share one database. Desk A saves a city (`editing.save_record`) N times at
random intervals; desk B runs the live view's loop (`ChangeWatcher.wait`, then `poll`) and
notes when each change arrives. The latency is from the moment A's save returned (committed)
to the moment B has read the change's line; the baseline, measured in the same run, is the
time of one plain save on the same machine (median of A's saves).

SQLite runs on a temporary file; PostgreSQL on the server `--pg URL` names, in a schema of
its own that is dropped afterwards (skipped when no URL is given).
Target: median latency under 1000 ms on both.

    python bench/live_changes.py [--changes 30] [--pg postgresql+psycopg://...] [--quick]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _postgres import pg_schema

OUT = Path(__file__).resolve().parent / "out"
TARGET_MS = 1000.0


def _writer(
    url: str, city_id: int, changes: int, pause: tuple[float, float], ready: Any, out: Any
) -> None:
    """Desk A: save the city `changes` times; report (number, saved at, seconds taken)."""
    from exchange_desk.i18n.catalog import set_language
    from exchange_desk.services import records
    from exchange_desk.services.editing import save_record
    from exchange_desk.storage.database import open_database

    set_language("en")
    database = open_database(url)
    try:
        save_record(database, records.get_record(database, "cities", city_id))  # warm up
        ready.wait()
        rng = random.Random(15)
        for number in range(changes):
            time.sleep(rng.uniform(*pause))
            current = records.get_record(database, "cities", city_id)
            started = time.time()
            save_record(database, _renamed(current, number))
            saved = time.time()
            out.put((number, saved, saved - started))
    finally:
        database.dispose()
        out.put(None)


def _renamed(city: Any, number: int) -> Any:
    import dataclasses

    return dataclasses.replace(city, name_en=f"Change {number}")


def _watcher(url: str, changes: int, ready: Any, out: Any) -> None:
    """Desk B: the live view's loop; report (number, seen at) for each change read."""
    from exchange_desk.services.watching import ChangeWatcher
    from exchange_desk.storage.database import open_database

    database = open_database(url)
    watcher = ChangeWatcher(database)
    try:
        watcher.wait(5.0)  # connected
        watcher.poll()
        ready.set()
        seen = 0
        deadline = time.monotonic() + changes * 3 + 30
        while seen < changes and time.monotonic() < deadline:
            if not watcher.wait(0.5):
                continue
            remote = watcher.poll()
            now = time.time()
            for entry in remote.entries if remote is not None else ():
                name = entry.fields.get("name_en", [None, None])[1]
                if isinstance(name, str) and name.startswith("Change "):
                    out.put((int(name.split()[1]), now))
                    seen += 1
    finally:
        watcher.close()
        database.dispose()
        out.put(None)


def _drain(queue: Any) -> list[Any]:
    found = []
    while (item := queue.get(timeout=300)) is not None:
        found.append(item)
    return found


def measure(url: str, changes: int, pause: tuple[float, float]) -> dict[str, Any]:
    """Run the two desks on `url`; the latencies and the baseline, in milliseconds."""
    from exchange_desk.domain.records import City
    from exchange_desk.services.editing import save_record
    from exchange_desk.storage.database import open_database

    database = open_database(url)
    try:
        city_id = save_record(database, City(name_en="Benchville", country="CN")).record.id
    finally:
        database.dispose()
    context = mp.get_context("spawn")  # as on Windows, the users' platform
    ready = context.Event()
    saves, seen = context.Queue(), context.Queue()
    desks = [
        context.Process(target=_watcher, args=(url, changes, ready, seen)),
        context.Process(target=_writer, args=(url, city_id, changes, pause, ready, saves)),
    ]
    for desk in desks:
        desk.start()
    saved = {number: (at, taken) for number, at, taken in _drain(saves)}
    arrived: dict[int, float] = dict(_drain(seen))
    for desk in desks:
        desk.join(timeout=60)
    latencies = sorted(
        (arrived[number] - at) * 1000 for number, (at, _taken) in saved.items() if number in arrived
    )
    baseline = statistics.median(taken * 1000 for _at, taken in saved.values())
    median = statistics.median(latencies) if latencies else float("nan")
    return {
        "changes": changes,
        "seen": len(latencies),
        "median_ms": round(median, 1),
        "p90_ms": round(latencies[int(0.9 * (len(latencies) - 1))], 1) if latencies else None,
        "max_ms": round(latencies[-1], 1) if latencies else None,
        "save_baseline_ms": round(baseline, 1),
        "ratio_to_save": round(median / baseline, 1),
        "within_target": len(latencies) == changes and median < TARGET_MS,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--pg", metavar="URL", help="a PostgreSQL server to measure too")
    parser.add_argument("--quick", action="store_true", help="8 changes, shorter pauses")
    args = parser.parse_args()
    changes = 8 if args.quick else args.changes
    pause = (0.1, 0.4) if args.quick else (0.2, 1.0)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = measure(str(Path(folder) / "office.sqlite"), changes, pause)
    if args.pg:
        with pg_schema(args.pg) as url:
            results["postgresql"] = measure(url, changes, pause)
    results["target_median_ms"] = TARGET_MS
    print(f"{'backend':<12}{'seen':>6}{'median ms':>11}{'p90 ms':>9}{'save ms':>9}")
    for backend in ("sqlite", "postgresql"):
        if backend in results:
            row = results[backend]
            print(
                f"{backend:<12}{row['seen']:>3}/{row['changes']:<3}{row['median_ms']:>10}"
                f"{row['p90_ms']:>9}{row['save_baseline_ms']:>9}"
            )
    print(json.dumps(results, indent=1))
    OUT.mkdir(exist_ok=True)
    (OUT / "live_changes.json").write_text(json.dumps(results, indent=1))
    ok = all(results[b]["within_target"] for b in ("sqlite", "postgresql") if b in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
