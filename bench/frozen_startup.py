"""Benchmark: start-up of the frozen program (packaging/, PyInstaller one-folder) against
the same program run from source (this checkout's virtual environment), in the same run.

Two starts are timed, each the median of several whole processes:
- the command line: `exchange-desk --version`;
- the window: `--screenshot` on the demo database, offscreen, which opens the window, waits
  for the tab's data, saves a picture and quits (a fixed 0.4 s wait before the picture is in
  both sides alike).

    python bench/frozen_startup.py [BUNDLE] [--rounds 5]

BUNDLE is the folder PyInstaller made (default dist/ExchangeDesk; `make bundle`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _timed(command: list[str], rounds: int, env: dict[str, str]) -> float:
    times = []
    for _round in range(rounds):
        start = time.perf_counter()
        subprocess.run(command, check=True, env=env, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _folder_mb(folder: Path) -> float:
    return (
        sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", nargs="?", type=Path, default=ROOT / "dist" / "ExchangeDesk")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    suffix = ".exe" if os.name == "nt" else ""
    frozen_cli = args.bundle / f"exchange-desk{suffix}"
    frozen_gui = args.bundle / f"ExchangeDesk{suffix}"
    if not frozen_cli.is_file():
        raise SystemExit(f"no frozen program in {args.bundle}: run `make bundle` first")
    source = [sys.executable, "-m", "exchange_desk"]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    work = Path(tempfile.mkdtemp())
    database = work / "demo.sqlite"
    subprocess.run([*source, "--db", str(database), "demo"], check=True, capture_output=True)
    window = ["--db", str(database), "--lang", "en", "--tab", "delegations", "--screenshot"]
    results = {}
    for name, frozen, from_source in (
        ("cli_version", [str(frozen_cli), "--version"], [*source, "--version"]),
        (
            "window_screenshot",
            [str(frozen_gui), *window, str(work / "frozen.png")],
            [*source, *window, str(work / "source.png")],
        ),
    ):
        # Once each first: the disk cache is then warm for both sides alike.
        subprocess.run(frozen, check=True, env=env, capture_output=True)
        subprocess.run(from_source, check=True, env=env, capture_output=True)
        frozen_s = _timed(frozen, args.rounds, env)
        source_s = _timed(from_source, args.rounds, env)
        results[name] = {
            "frozen_s": round(frozen_s, 3),
            "source_s": round(source_s, 3),
            "ratio": round(frozen_s / source_s, 2),
        }
    results["bundle_mb"] = round(_folder_mb(args.bundle), 1)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
