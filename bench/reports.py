"""Reports: the demo's 2018 annual report, and the busiest year's on 100,000 delegations.

Each report is made by the command line in a fresh process, whole (imports, data, both
layout passes, writing the file), as the office would run it. Targets: the demo report at
most 1.5 s; the busiest year of `demo --scale 100000` at most 10 s with a peak memory
(maximum resident set) of at most 500 MB. The machine's own speed is given by a baseline
measured in the same run: `exchange-desk stats` on the demo database, a process that
starts, opens the database and counts.

    .venv/bin/python bench/reports.py [--scale 100000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
COMMAND = [sys.executable, "-m", "exchange_desk"]


# The command line in a fresh interpreter that says its own peak resident memory at exit.
PEAK = (
    "import resource, sys\n"
    "from exchange_desk.cli import main\n"
    "status = main(sys.argv[1:])\n"
    "print('peak-kb', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(status)\n"
)


def timed(arguments: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident megabytes of one fresh process."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK, *arguments], check=True, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    peak_kb = next(
        int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("peak-kb")
    )
    return elapsed, peak_kb / 1024


def busiest_year(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        year, _count = connection.execute(
            "SELECT substr(start_date, 1, 4) AS y, count(*) FROM delegations "
            "WHERE start_date IS NOT NULL GROUP BY y ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
    return int(year)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        demo, big = folder / "demo.sqlite", folder / "big.sqlite"
        subprocess.run([*COMMAND, "--db", str(demo), "demo"], check=True, capture_output=True)
        subprocess.run(
            [*COMMAND, "--db", str(big), "demo", "--scale", str(args.scale)],
            check=True,
            capture_output=True,
        )
        baseline, demo_times = [], {}
        for _round in range(args.rounds):
            baseline.append(timed(["--db", str(demo), "stats"])[0])
            for language in ("zh", "en", "he"):
                out = folder / f"demo-{language}.pdf"
                seconds, _peak = timed(
                    [
                        "--db",
                        str(demo),
                        "report",
                        "annual",
                        "--year",
                        "2018",
                        "--lang",
                        language,
                        "-o",
                        str(out),
                    ]
                )
                demo_times.setdefault(language, []).append(seconds)
        year = busiest_year(big)
        big_seconds, big_peak = timed(
            [
                "--db",
                str(big),
                "report",
                "annual",
                "--year",
                str(year),
                "--lang",
                "en",
                "-o",
                str(folder / "big.pdf"),
            ]
        )
        pages = (folder / "big.pdf").read_bytes().count(b"/Type /Page\n")
        result = {
            "baseline_stats_s": round(min(baseline), 2),
            "demo_2018_s": {k: round(min(v), 2) for k, v in demo_times.items()},
            "demo_target_s": 1.5,
            "scale": args.scale,
            "busiest_year": year,
            "busiest_year_s": round(big_seconds, 2),
            "busiest_year_peak_mb": round(big_peak),
            "busiest_year_pages": pages,
            "busiest_target_s": 10,
            "busiest_target_mb": 500,
            "cpu_count": os.cpu_count(),
        }
    print(json.dumps(result, indent=2))
    out_dir = HERE / "out"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "reports.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
