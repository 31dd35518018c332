"""Benchmark: importing 10,000 delegation rows from an .xlsx file into the database of
`demo --scale 100000` (100,000 delegations), with the duplicate check, against a baseline
measured in the same run: openpyxl (read-only mode) reading the same file's cells, and
calamine reading them too, for reference.

The file is what an office would bring: a title row, a blank row, Chinese headers, dates as
Excel dates and as typed text, partner cities named in Chinese or English, and a few
hundred rows that repeat delegations already stored (they are found and skipped).

Target: the whole import (reading, mapping, reading values, duplicate check, writing in one
transaction) at most 3 times openpyxl's read of the same file.

    python bench/import_xlsx.py [--rows 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from table_100k import OUT, _database


def make_file(database: Path, path: Path, rows: int) -> int:
    """Write the office's sheet; returns how many rows repeat stored delegations."""
    import xlsxwriter

    connection = sqlite3.connect(database)
    cities = connection.execute("select id, name_en, name_zh from cities").fetchall()
    stored = connection.execute(
        "select d.direction, c.name_en, d.start_date, d.leader, d.purpose from delegations d "
        "join cities c on c.id = d.city_id where d.start_date like '____-__-__' limit 500"
    ).fetchall()
    connection.close()
    random.seed(14)
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("团组")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write(0, 0, "2025年出访来访团组统计表")
    headers = ["出访/来访", "城市", "日期", "团长", "职务", "人数", "事由"]
    sheet.write_row(2, 0, headers)
    repeats = 0
    for index in range(rows):
        row = 3 + index
        if index % 20 == 0 and stored:
            direction, city, start, leader, purpose = stored[index // 20 % len(stored)]
            values = ["出访" if direction == "outgoing" else "来访", city, start, leader]
            sheet.write_row(row, 0, values)
            sheet.write(row, 6, purpose)
            repeats += 1
            continue
        _id, name_en, name_zh = random.choice(cities)
        day = dt.date(2025, 1, 1) + dt.timedelta(days=random.randrange(365))
        sheet.write(row, 0, random.choice(["出访", "来访"]))
        sheet.write(row, 1, name_zh if index % 2 and name_zh else name_en)
        if index % 3:
            sheet.write_datetime(row, 2, dt.datetime.combine(day, dt.time()), dates)
        else:
            sheet.write(row, 2, f"{day.year}年{day.month}月{day.day}日")
        sheet.write(row, 3, f"团长{index}")
        sheet.write(row, 4, "副市长")
        sheet.write_number(row, 5, random.randrange(3, 30))
        sheet.write(row, 6, f"友好交流 {index}")
    book.close()
    return repeats


def read_openpyxl(path: Path) -> float:
    import openpyxl

    started = time.perf_counter()
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    cells = 0
    for row in book.active.iter_rows(values_only=True):
        cells += len(row)
    book.close()
    return time.perf_counter() - started


def read_calamine(path: Path) -> float:
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    book = CalamineWorkbook.from_path(str(path))
    book.get_sheet_by_index(0).to_python()
    return time.perf_counter() - started


def import_once(database: Path, path: Path, work: Path) -> tuple[float, dict[str, object]]:
    from exchange_desk.i18n.catalog import set_language
    from exchange_desk.services.database import open_office_database
    from exchange_desk.services.importing import (
        ImportOptions,
        apply_import,
        plan_import,
        read_import,
    )

    set_language("en")
    copy = work / "import.sqlite"
    shutil.copyfile(database, copy)
    office = open_office_database(copy)
    try:
        options = ImportOptions()
        started = time.perf_counter()
        plan = plan_import(office, read_import(path, options), options)
        planned = time.perf_counter() - started
        result = apply_import(office, plan)
        elapsed = time.perf_counter() - started
    finally:
        office.dispose()
    return elapsed, {
        "plan_s": round(planned, 3),
        "created": result.created,
        "skipped": result.skipped,
        "errors": len(result.errors),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale", type=int, default=100_000)
    args = parser.parse_args()
    database = _database(args.scale)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        sheet = work / "delegations.xlsx"
        repeats = make_file(database, sheet, args.rows)
        # Warm the imports and catalogs once, as a running program has them.
        import_once(database, sheet, work)
        baseline, calamine, imports = [], [], []
        details: dict[str, object] = {}
        for _round in range(args.rounds):
            baseline.append(read_openpyxl(sheet))
            calamine.append(read_calamine(sheet))
            seconds, details = import_once(database, sheet, work)
            imports.append(seconds)
    base = statistics.median(baseline)
    taken = statistics.median(imports)
    result = {
        "rows": args.rows,
        "repeated_rows": repeats,
        "openpyxl_read_s": round(base, 3),
        "calamine_read_s": round(statistics.median(calamine), 3),
        "import_s": round(taken, 3),
        "ratio_to_openpyxl": round(taken / base, 2),
        "target_ratio": 3.0,
        **details,
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    OUT.mkdir(exist_ok=True)
    (OUT / "import_xlsx.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    return 0 if result["ratio_to_openpyxl"] <= 3.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
