"""Benchmark: launch to the main window showing the demo data, against a bare PySide6 script
that imports sqlalchemy.orm and shows a QMainWindow with four empty table tabs.
Target: at most 1.5 times the bare script. Medians of alternating runs, offscreen.

Each program prints the moment its window is shown; the time counted runs from the launch
to that moment (how long the process then takes to exit is reported apart).

    python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(launch to window shown, launch to process end), in seconds."""
    start = time.time()
    done = subprocess.run(command, check=True, env=env, capture_output=True, text=True)
    end = time.time()
    shown = next(
        float(line.split()[1]) for line in done.stdout.splitlines() if line.startswith("shown ")
    )
    return shown - start, end - start


def _compile_package() -> None:
    """Byte-compile the package as an installed program has it: this machine sets
    PYTHONDONTWRITEBYTECODE, so without this every run would compile the sources again."""
    import compileall

    import exchange_desk

    compileall.compile_dir(Path(exchange_desk.__file__).parent, quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    _compile_package()
    OUT.mkdir(exist_ok=True)
    demo = OUT / "demo.sqlite"
    if not demo.exists():
        subprocess.run(
            [sys.executable, "-m", "exchange_desk", "--db", str(demo), "demo"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(OUT / "config")}
    bare = [sys.executable, str(HERE / "_bare_window.py")]
    app = [sys.executable, str(HERE / "_app_window.py"), str(demo)]
    _timed(bare, env)  # warm the file cache for both
    _timed(app, env)
    bares, apps = [], []
    for _ in range(args.runs):
        bares.append(_timed(bare, env))
        apps.append(_timed(app, env))
    bare_s = statistics.median(shown for shown, _end in bares)
    app_s = statistics.median(shown for shown, _end in apps)
    print(
        json.dumps(
            {
                "bare_window_s": round(bare_s, 3),
                "exchange_desk_s": round(app_s, 3),
                "ratio": round(app_s / bare_s, 2),
                "bare_process_s": round(statistics.median(end for _shown, end in bares), 3),
                "exchange_desk_process_s": round(statistics.median(end for _shown, end in apps), 3),
                "target_ratio": 1.5,
                "within_target": app_s / bare_s <= 1.5,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
