"""Benchmark: exporting the Delegations tab of `demo --scale 100000` (100,000 delegations) to
.xlsx as the command line does it, `tab_view` then `write_xlsx([view_table(...)])`, against
a baseline measured in the same run: xlsxwriter in constant-memory mode writing the same
cells bare (the values it ends up with, already in a list, `write_row` per row, no formats,
no widths, no checks).

Also the writer alone (`write_xlsx` of a view already made) against the same baseline, and
the peak memory (ru_maxrss) of a child process that makes the whole export, beside one that
only makes the view. The demo's records are all marked as invented, so every row here gets
the sample format and the sample column: the writer's most expensive case. The machine may
be shared, so the runs alternate, each figure is the median, and the ratios are of processor
time (the wall-clock times are given too).

Targets: the whole export at most 2.0 times the baseline; its peak memory under 500 MB.

    python bench/export_xlsx.py [--scale 100000] [--runs 3] [--language en]

The result is printed and written to bench/out/export_xlsx-LANGUAGE.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from table_100k import OUT, _database

TARGET_RATIO = 2.0
TARGET_MEMORY_MB = 500
SAMPLE_WORD = "Sample"
_EPOCH = dt.date(1899, 12, 30).toordinal()


def _bare_cells(view: Any) -> list[tuple[object, ...]]:
    """The values `write_xlsx` writes for `view`, as plain Python values xlsxwriter takes:
    a date known to the day as its serial number, a month as text, a year as a number, and
    the sample column's word."""
    from exchange_desk.domain.dates import PartialDate

    def bare(value: object) -> object:
        if isinstance(value, PartialDate):
            if value.day is not None:
                return dt.date(value.year, value.month or 1, value.day).toordinal() - _EPOCH
            return value.isoformat() if value.month is not None else value.year
        return value

    marked = any(view.sample)
    return [
        (*(bare(value) for value in row), *((SAMPLE_WORD if sample else None,) if marked else ()))
        for row, sample in zip(view.rows, view.sample, strict=True)
    ]


def _bare_write(rows: list[tuple[object, ...]], path: Path) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    for number, row in enumerate(rows):
        sheet.write_row(number, 0, row)
    workbook.close()


def _export(database_path: Path, language: str, path: Path, view: Any = None) -> int:
    """The export as the command line makes it (the view too, unless given); the rows."""
    from exchange_desk.services.database import open_office_database
    from exchange_desk.services.spreadsheets import view_table, write_xlsx
    from exchange_desk.services.views import tab_view

    if view is None:
        view = tab_view(open_office_database(database_path), "delegations", language=language)
    write_xlsx(
        [view_table(view, sample_header=SAMPLE_WORD)],
        path,
        right_to_left=view.right_to_left,
        language=view.language,
    )
    return len(view)


def _timed(work: Callable[[], object]) -> tuple[float, float]:
    """Seconds of processor time and of the clock that `work` took. Ratios use processor
    time (this process's, system time included, the writing of files too), which other
    programs on a shared machine do not stretch as they stretch the clock."""
    gc.collect()
    started, clock = time.process_time(), time.perf_counter()
    work()
    return time.process_time() - started, time.perf_counter() - clock


def _child_peak_mb(database_path: Path, language: str, path: Path, *, write: bool) -> float:
    """The peak resident memory of a fresh process making the view and, with `write`, the
    whole export: what the command line needs."""
    command = [
        sys.executable,
        __file__,
        "--child",
        "export" if write else "view",
        "--database",
        str(database_path),
        "--language",
        language,
        "--output",
        str(path),
    ]
    found = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return float(json.loads(found)["peak_mb"])


def _child(kind: str, database_path: Path, language: str, path: Path) -> int:
    if kind == "export":
        _export(database_path, language, path)
    else:
        from exchange_desk.services.database import open_office_database
        from exchange_desk.services.views import tab_view

        tab_view(open_office_database(database_path), "delegations", language=language)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peak_mb": round(peak_mb, 1)}))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--language", default="en")
    parser.add_argument("--child", choices=("export", "view"), help=argparse.SUPPRESS)
    parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return _child(args.child, args.database, args.language, args.output)

    from exchange_desk.services.database import open_office_database
    from exchange_desk.services.views import tab_view

    database_path = _database(args.scale)
    OUT.mkdir(exist_ok=True)
    exported = OUT / f"export-{args.language}.xlsx"
    bare_path = OUT / "export-bare.xlsx"

    view = tab_view(open_office_database(database_path), "delegations", language=args.language)
    rows = _bare_cells(view)
    cells = sum(len(row) for row in rows)

    runs: dict[str, list[tuple[float, float]]] = {
        "baseline": [],
        "export": [],
        "writer": [],
        "view": [],
    }
    work: dict[str, Callable[[], object]] = {
        "baseline": lambda: _bare_write(rows, bare_path),
        "export": lambda: _export(database_path, args.language, exported),
        "writer": lambda: _export(database_path, args.language, exported, view),
        "view": lambda: tab_view(
            open_office_database(database_path), "delegations", language=args.language
        ),
    }
    for _ in range(args.runs):
        for name, call in work.items():
            runs[name].append(_timed(call))
    cpu = {name: statistics.median(t[0] for t in found) for name, found in runs.items()}
    best = {name: min(t[0] for t in found) for name, found in runs.items()}
    clock = {name: statistics.median(t[1] for t in found) for name, found in runs.items()}
    baseline, export, writer = cpu["baseline"], cpu["export"], cpu["writer"]

    peak_mb = _child_peak_mb(database_path, args.language, exported, write=True)
    view_peak_mb = _child_peak_mb(database_path, args.language, exported, write=False)
    result = {
        "records": len(view),
        "language": args.language,
        "cells": cells,
        "runs": args.runs,
        "baseline_bare_xlsxwriter_cpu_s": round(baseline, 3),
        "export_cpu_s": round(export, 3),
        "export_ratio": round(export / baseline, 2),
        "writer_only_cpu_s": round(writer, 3),
        "writer_only_ratio": round(writer / baseline, 2),
        "view_cpu_s": round(cpu["view"], 3),
        "export_ratio_of_best_runs": round(best["export"] / best["baseline"], 2),
        "wall_clock_s": {name: round(value, 3) for name, value in clock.items()},
        "export_peak_memory_mb": peak_mb,
        "view_only_peak_memory_mb": view_peak_mb,
        "file_mb": round(exported.stat().st_size / 1e6, 2),
        "all_runs_cpu_s": {name: [round(t[0], 3) for t in found] for name, found in runs.items()},
        "targets": {"export_ratio": TARGET_RATIO, "memory_mb": TARGET_MEMORY_MB},
        "within_targets": export / baseline <= TARGET_RATIO and peak_mb < TARGET_MEMORY_MB,
    }
    text = json.dumps(result, indent=2)
    (OUT / f"export_xlsx-{args.language}.json").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
