"""Benchmark: a save with the version check and the audit log, against today's save.

Issue 15's number: "a save with the version check within 1.2 times today's save". Today's
save is the program before that work, commit 034d568 (no version check, no audit log); its
`src` is taken out of git (`git archive`) into a temporary folder, so both are measured in
the same run, on the same machine, in the same way.

Each run is a process of its own, with `PYTHONPATH` set to the `src` it measures: it makes a
demo database with that code's own `fill_demo` (a temporary SQLite file, or a new schema on
the PostgreSQL server `--pg URL` names), saves 20 times to warm up, then N times reads a
delegation (`records.get_record`), changes its `outcome` (delegations have no notes) and
saves it (`editing.save_record`), timing each save. The runs of the two programs alternate
(this machine is noisy); the medians per save over all runs are compared.

    python bench/save_version.py [--saves 300] [--rounds 5] [--pg postgresql+psycopg://...]
        [--quick]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _postgres import pg_schema

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
BASELINE = "034d568"  # the program before issue 15's work
TARGET_RATIO = 1.2
WARM_UP = 20


# --- the run, in a process of its own ----------------------------------------------------


def _run(url: str, saves: int, expected_src: str) -> None:
    """Make the demo database at `url`, then time `saves` saves; print them as JSON."""
    import dataclasses
    import time

    import exchange_desk
    from exchange_desk.i18n.catalog import set_language
    from exchange_desk.services import records
    from exchange_desk.services.demo import fill_demo
    from exchange_desk.services.editing import save_record
    from exchange_desk.storage.database import open_database

    # The program measured is the one asked for, not the one installed in the environment.
    loaded = Path(exchange_desk.__file__).resolve()
    if Path(expected_src).resolve() not in loaded.parents:
        raise SystemExit(f"measured {loaded}, not the program in {expected_src}")
    set_language("en")
    database = open_database(url)
    try:
        fill_demo(database)
        ids = [listed.record.id for listed in records.list_records(database, "delegations").rows]
        ids = ids[:20]
        taken = []
        for number in range(WARM_UP + saves):
            delegation = records.get_record(database, "delegations", ids[number % len(ids)])
            changed = dataclasses.replace(delegation, outcome=f"Save {number}")
            started = time.perf_counter()
            save_record(database, changed)
            if number >= WARM_UP:
                taken.append(time.perf_counter() - started)
    finally:
        database.dispose()
    print(json.dumps({"saves_s": taken}))


# --- the measurement ---------------------------------------------------------------------


def _baseline_src(folder: Path) -> Path:
    """The `src` folder of commit BASELINE, extracted under `folder` with the `resources` and
    `i18n` folders the program looks for beside it."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", BASELINE, "src", "resources", "i18n"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


def _measure_once(src: Path, url: str, saves: int, scratch: Path) -> list[float]:
    """One run of the program in `src` on `url`: each save's time, in milliseconds."""
    env = {
        **os.environ,
        "PYTHONPATH": str(src),
        "EXCHANGE_DESK_LANG": "en",
        # Nothing of the user's: settings, logs and the default database stay in `scratch`.
        "XDG_CONFIG_HOME": str(scratch / "config"),
        "XDG_STATE_HOME": str(scratch / "state"),
        "EXCHANGE_DESK_SETTINGS_DIR": str(scratch / "settings"),
    }
    env.pop("EXCHANGE_DESK_DB", None)
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--run", url, str(saves), str(src)],
        check=False,
        capture_output=True,
        text=True,
        env=env,
    )
    if done.returncode != 0:
        raise SystemExit(f"the run of {src} failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return [seconds * 1000 for seconds in result["saves_s"]]


@contextmanager
def _database(backend: str, pg: str | None, scratch: Path) -> Iterator[str]:
    """A new, empty database for one run."""
    if backend == "sqlite":
        yield str(scratch / f"office-{uuid.uuid4().hex[:8]}.sqlite")
    else:
        assert pg is not None
        with pg_schema(pg) as url:
            yield url


def measure(
    backend: str, programs: dict[str, Path], saves: int, rounds: int, pg: str | None, scratch: Path
) -> dict[str, Any]:
    """Alternate runs of the programs; the median save of each, in milliseconds."""
    times: dict[str, list[float]] = {name: [] for name in programs}
    per_run: dict[str, list[float]] = {name: [] for name in programs}
    for round_number in range(rounds):
        names = list(programs)
        if round_number % 2:
            names.reverse()  # neither always runs first
        for name in names:
            with _database(backend, pg, scratch) as url:
                taken = _measure_once(programs[name], url, saves, scratch)
            times[name] += taken
            per_run[name].append(round(statistics.median(taken), 2))
    baseline = statistics.median(times["baseline"])
    current = statistics.median(times["current"])
    return {
        "saves_per_run": saves,
        "runs": rounds,
        "baseline_ms": round(baseline, 2),
        "current_ms": round(current, 2),
        "ratio": round(current / baseline, 2),
        "baseline_p90_ms": round(sorted(times["baseline"])[int(0.9 * len(times["baseline"]))], 2),
        "current_p90_ms": round(sorted(times["current"])[int(0.9 * len(times["current"]))], 2),
        "baseline_run_medians_ms": per_run["baseline"],
        "current_run_medians_ms": per_run["current"],
        "within_target": current / baseline <= TARGET_RATIO,
    }


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--run":
        _run(sys.argv[2], int(sys.argv[3]), sys.argv[4])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5, help="runs of each program")
    parser.add_argument("--pg", metavar="URL", help="a PostgreSQL server to measure too")
    parser.add_argument("--quick", action="store_true", help="100 saves, 2 runs of each")
    args = parser.parse_args()
    saves, rounds = (100, 2) if args.quick else (args.saves, args.rounds)
    results: dict[str, Any] = {"baseline_commit": BASELINE, "target_ratio": TARGET_RATIO}
    with tempfile.TemporaryDirectory(prefix="save-version-") as folder:
        scratch = Path(folder)
        programs = {"baseline": _baseline_src(scratch / "baseline"), "current": ROOT / "src"}
        backends = ["sqlite"] + (["postgresql"] if args.pg else [])
        for backend in backends:
            results[backend] = measure(backend, programs, saves, rounds, args.pg, scratch)
    print(f"{'backend':<12}{'034d568 ms':>11}{'now ms':>9}{'ratio':>7}{'target':>8}")
    for backend in ("sqlite", "postgresql"):
        if backend in results:
            row = results[backend]
            print(
                f"{backend:<12}{row['baseline_ms']:>11}{row['current_ms']:>9}"
                f"{row['ratio']:>7}{TARGET_RATIO:>8}"
            )
    print(json.dumps(results, indent=1))
    OUT.mkdir(exist_ok=True)
    (OUT / "save_version.json").write_text(json.dumps(results, indent=1))
    ok = all(results[b]["within_target"] for b in ("sqlite", "postgresql") if b in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
