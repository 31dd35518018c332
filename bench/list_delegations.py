"""Benchmark: `exchange-desk list delegations --json` on a database made with
`demo --scale 100000`, against the time to import the package in the same run.

The baseline is a fresh interpreter importing what the command needs (the package's CLI,
services and storage, so SQLAlchemy and the models) and nothing else; the machine is noisy,
so each figure is the median of several runs taken alternately, and the ratio is what to
compare between machines. Target: the list under 2 s.

    python bench/list_delegations.py [--scale 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
IMPORT = (
    "import exchange_desk.cli, exchange_desk.services.export, "
    "exchange_desk.services.database, exchange_desk.storage.models"
)


def _timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _compile_package() -> None:
    """Byte-compile the package as an installed program has it: this machine sets
    PYTHONDONTWRITEBYTECODE, so without this every run would compile the sources again."""
    import compileall

    import exchange_desk

    compileall.compile_dir(Path(exchange_desk.__file__).parent, quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    _compile_package()

    OUT.mkdir(exist_ok=True)
    database = OUT / f"scale-{args.scale}.sqlite"
    if not database.exists():
        print(f"making {database.name} (demo --scale {args.scale}) …", file=sys.stderr)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "exchange_desk",
                "--db",
                str(database),
                "demo",
                "--scale",
                str(args.scale),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    listing = [
        sys.executable,
        "-m",
        "exchange_desk",
        "--db",
        str(database),
        "list",
        "delegations",
        "--json",
    ]
    importing = [sys.executable, "-c", IMPORT]

    output = subprocess.run(listing, check=True, capture_output=True, text=True).stdout
    count = len(json.loads(output))
    imports, lists = [], []
    for _ in range(args.runs):
        imports.append(_timed(importing))
        lists.append(_timed(listing))
    import_s = statistics.median(imports)
    list_s = statistics.median(lists)
    result = {
        "records": count,
        "import_s": round(import_s, 3),
        "list_s": round(list_s, 3),
        "ratio": round(list_s / import_s, 2),
        "target_list_s": 2.0,
        "within_target": list_s < 2.0,
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
