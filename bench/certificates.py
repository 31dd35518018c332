# ruff: noqa: E501
"""Certificates: 1,000 formal zh+en+he certificates in one PDF, and one dialog preview.

Measured against a bare ReportLab canvas script run in the same session: it draws the same
strings (already in visual order) with the same fonts, one drawString per string, with no
wrapping, fitting, font runs, frame or register. Each certificate has its own recipient
("Kfar Saba 0001", ...), as in a real batch, so no page is a copy of the one before. Both run as fresh processes, imports
included, so the ratio is "whole process against whole process". Target: at most 5x.

The preview figures: `preview_*` is the service alone (read the award and the office profile,
draw one page); `dialog_preview_*` is the Certificate dialog, offscreen, from a change of
languages to the page image shown (the PDF drawn on a worker thread, then rendered by QtPdf).
"first" includes loading the fonts. Target: at most 300 ms.

The registered batch, `cli_*`: `exchange-desk certificates --year 2030 --lang zh+en+he
--design formal -o FILE` as a fresh process on a copy of the demo database with `--count`
awards of 2030 added (conferred by the office, each to a city of its own): numbering,
reading the awards, drawing and writing, as the office runs it. Its ratio is against the
same bare script. Target: at most 3x.

With `--register N` (e.g. 100000) the register is also measured when it is long: N
certificates already on file (all of one year and pattern, the worst case for finding the
next number), then issuing one more and numbering a batch of `--count` (the register's
data side only: `issue_many`, no drawing), each against the same on an empty register in
the same run. Ratios near 1 mean the register's length does not matter.

    .venv/bin/python bench/certificates.py [--count 1000] [--register 100000]
        [--register-years 1] [--only-register]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

BARE = r"""
import sys, time
start = time.perf_counter()
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.lib.pagesizes import A4, landscape
fonts = sys.argv[3]
for name, file in [("UMing", "ARPLUMingCN.ttf"), ("Garamond", "EBGaramond-Regular.ttf"),
                   ("GaramondBold", "EBGaramond-SemiBold.ttf"), ("Frank", "FrankRuhlLibre-Regular.ttf"),
                   ("FrankBold", "FrankRuhlLibre-Bold.ttf")]:
    pdfmetrics.registerFont(TTFont(name, f"{fonts}/{file}"))
zh = ["荣 誉 证 书", "兹授予", "克法尔萨巴", "在2018中国国际友好城市大会上荣获对华友好城市交流合作奖。",
      "济南市人民政府外事办公室", "济南，2018年11月", "主任", "证书编号 JN-2018-0001"]
en = ["CERTIFICATE OF HONOR", "This certificate is presented to", "Kfar Saba",
      "For its governmental, cultural and educational exchanges with Jinan since 2009.",
      "Foreign Affairs Office of the Jinan Municipal People's Government", "Jinan, November 2018",
      "Director"]
he = ["הרקוה תדועת", "־ל תקנעומ וז הדועת", "אבס רפכ", "2009 זאמ ןאני'ג םע ךוניחהו תוברתה ,ןוטלשה ילופליח לע",
      "ןאני'ג לש חוץ ירשקל הקלחמה", "2018 רבמבונ ,ןאני'ג", "הקלחמה להנמ"]
c = Canvas(sys.argv[2], pagesize=landscape(A4), pageCompression=1)
for i in range(int(sys.argv[1])):
    y = 560
    for font, lines in (("UMing", zh), ("Garamond", en), ("Frank", he)):
        for index, text in enumerate(lines):
            if index == 2:  # each certificate its own recipient, as in a real batch
                text = f"{i:04d} {text}" if font == "Frank" else f"{text} {i:04d}"
            c.setFont(font, 12)
            c.drawCentredString(421, y, text)
            y -= 16
    c.showPage()
c.save()
print(time.perf_counter() - start)
"""

OURS = r"""
import sys, time
start = time.perf_counter()
from exchange_desk.services.database import open_office_database
from exchange_desk.services.certificate_content import certificate_content, render_contents
from exchange_desk.domain.enums import Design, LanguageMode, Orientation
database = open_office_database(sys.argv[3])
from dataclasses import replace
one = certificate_content(database, 1, LanguageMode.ZH_EN_HE)
contents = [
    replace(one, sides=tuple(replace(s, recipient=f"{s.recipient} {i:04d}") for s in one.sides))
    for i in range(int(sys.argv[1]))
]
data = render_contents(contents, Design.FORMAL, Orientation.LANDSCAPE)
open(sys.argv[2], "wb").write(data)
print(time.perf_counter() - start)
"""

PREVIEW = r"""
import sys, time, json
from exchange_desk.services.database import open_office_database
from exchange_desk.services.certificate_content import preview_pdf
from exchange_desk.documents.certificates import CertificateRenderer
from exchange_desk.domain.enums import Design, LanguageMode, Orientation
database = open_office_database(sys.argv[1])
t = time.perf_counter()
renderer = CertificateRenderer()
preview_pdf(database, 1, LanguageMode.ZH_EN_HE, Design.FORMAL, Orientation.LANDSCAPE, renderer)
first = time.perf_counter() - t
times = []
for mode in [LanguageMode.ZH_EN_HE, LanguageMode.ZH_EN, LanguageMode.HE_EN, LanguageMode.ZH] * 3:
    t = time.perf_counter()
    preview_pdf(database, 1, mode, Design.FORMAL, Orientation.LANDSCAPE)
    times.append(time.perf_counter() - t)
print(json.dumps({"first": first, "times": times}))
"""


PREVIEW_GUI = r"""
import os, sys, time, json
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from exchange_desk.ui.app import make_application
from exchange_desk.services.database import open_office_database
app = make_application("en")
from exchange_desk.ui.certificate_dialog import CertificateDialog
database = open_office_database(sys.argv[1])
dialog = CertificateDialog(database, 1)
dialog.resize(1200, 800)
dialog.show()
def wait():
    start = time.perf_counter()
    while not dialog.preview_ready:
        app.processEvents()
        time.sleep(0.001)
    return time.perf_counter() - start
first = wait()
times = []
for mode in ["zh+en+he", "zh+en", "he+en", "zh"] * 3:
    start = time.perf_counter()
    dialog.languages_box.blockSignals(True)
    dialog.languages_box.setCurrentIndex(dialog.languages_box.findData(mode))
    dialog.languages_box.blockSignals(False)
    dialog.refresh_preview()
    wait()
    times.append(time.perf_counter() - start)
print(json.dumps({"first": first, "times": times}))
"""


FILL = r"""
import sys, datetime as dt
from sqlalchemy import insert, select
from exchange_desk.services.database import open_office_database
from exchange_desk.storage import models as m
from exchange_desk.storage import schema as s
database = open_office_database(sys.argv[1])
awards, certificates, year = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
years = int(sys.argv[5]) if len(sys.argv) > 5 else 1
now = m.utcnow()
stamps = {"created_at": now, "updated_at": now, "is_sample": True}
with database.unit_of_work() as session:
    first_city = (session.scalar(select(s.cities.c.id).order_by(s.cities.c.id.desc()).limit(1)) or 0) + 1
    total = awards + certificates
    session.execute(insert(s.cities), [
        {"id": first_city + n, "name_en": f"Bench Town {year} {n:06d}", "name_zh": "", "name_he": "",
         "country": "IL", **stamps} for n in range(total)])
    first_award = (session.scalar(select(s.awards.c.id).order_by(s.awards.c.id.desc()).limit(1)) or 0) + 1
    session.execute(insert(s.awards), [
        # As the bare script draws them: one honour and citation, a recipient of its own.
        {"id": first_award + n, "title_en": "Friendship Award", "title_zh": "友谊奖",
         "title_he": "פרס הידידות", "awarded_on": f"{year if n < awards else year - 1}-11",
         "recipient_kind": "city", "recipient_city_id": first_city + n,
         "citation_en": "For its governmental, cultural and educational exchanges with Jinan since 2009.",
         "citation_zh": "表彰其自2009年以来与济南开展的政府、文化和教育交流。",
         "citation_he": "על חילופי השלטון, התרבות והחינוך עם ג'ינאן מאז 2009.", **stamps} for n in range(total)])
    # Certificates already on file, for the awards after the first `awards`, and their
    # printings: numbered in `year` alone (the longest run to search), or spread over the
    # `years` up to it.
    per_year = -(-certificates // years) if certificates else 1
    if certificates:
        session.execute(insert(s.certificates), [
            {"id": 1_000_000 + n, "number": f"JN-{year - n // per_year}-{n % per_year + 1:04d}", "award_id": first_award + awards + n,
             "language_mode": "zh+en+he", "design": "formal", "issued_on": dt.date(year, 1, 1),
             "issued_by": "bench", "reprints": 0, **stamps} for n in range(certificates)])
        session.execute(insert(s.certificate_printings), [
            {"certificate_id": 1_000_000 + n, "printed_at": now, "printed_by": "bench",
             "language_mode": "zh+en+he", "design": "formal", "is_reprint": False, "failed": False}
            for n in range(certificates)])
print(first_award)
"""

ISSUE = r"""
import sys, time, json
from exchange_desk.services.database import open_office_database
from exchange_desk.domain.enums import LanguageMode
try:
    from exchange_desk.services.certificate_register import issue_many
except ImportError:  # an older version, for a before-and-after: one at a time, as its batch did
    from exchange_desk.services.certificate_register import issue_or_reprint
    def issue_many(database, award_ids, *args):
        with database.unit_of_work():
            return [issue_or_reprint(database, a, *args) for a in award_ids]
database = open_office_database(sys.argv[1])
first, count = int(sys.argv[2]), int(sys.argv[3])
t = time.perf_counter()
issue_many(database, [first], LanguageMode.ZH_EN_HE, "formal", "bench")
one = time.perf_counter() - t
t = time.perf_counter()
issued = issue_many(database, list(range(first + 1, first + 1 + count)), LanguageMode.ZH_EN_HE, "formal", "bench")
batch = time.perf_counter() - t
last = issued[-1]
print(json.dumps({"one": one, "batch": batch, "last": (last.certificate if hasattr(last, "certificate") else last[0]).number}))
"""


def _demo_copy(demo: Path, target: Path) -> Path:
    shutil.copyfile(demo, target)
    return target


def cli_batch(
    demo: Path, tmp: Path, count: int, rounds: int, bare_times: list[float]
) -> dict[str, object]:
    """The registered batch through the command line, each round on a fresh copy."""
    filled = _demo_copy(demo, tmp / "cli-template.sqlite")
    run(FILL, str(filled), str(count), "0", "2030")
    times = []
    for round_ in range(rounds):
        database = _demo_copy(filled, tmp / f"cli-{round_}.sqlite")
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "exchange_desk",
                "--db",
                str(database),
                "certificates",
                "--year",
                "2030",
                "--lang",
                "zh+en+he",
                "--design",
                "formal",
                "-o",
                str(tmp / "cli.pdf"),
            ],
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - started)
    return {
        "cli_batch_s": round(min(times), 2),
        "cli_ratio": round(min(times) / min(bare_times), 2),
        "cli_target_ratio": 3.0,
        "cli_pdf_bytes": (tmp / "cli.pdf").stat().st_size,
    }


def long_register(
    demo: Path, tmp: Path, count: int, on_file: int, years: int = 1
) -> dict[str, object]:
    """Issuing one and a batch of `count` with `on_file` certificates registered (over
    `years` years), against the same with none, in the same run."""
    found = {}
    for label, certificates in (("empty", 0), ("long", on_file)):
        database = _demo_copy(demo, tmp / f"register-{label}.sqlite")
        first = run(FILL, str(database), str(count + 1), str(certificates), "2030", str(years))
        found[label] = json.loads(run(ISSUE, str(database), first, str(count)))
    empty, long = found["empty"], found["long"]
    return {
        "register_on_file": on_file,
        "register_years": years,
        "issue_one_empty_ms": round(empty["one"] * 1000, 1),
        "issue_one_long_ms": round(long["one"] * 1000, 1),
        "issue_one_ratio": round(long["one"] / empty["one"], 2),
        f"issue_{count}_empty_s": round(empty["batch"], 3),
        f"issue_{count}_long_s": round(long["batch"], 3),
        f"issue_{count}_ratio": round(long["batch"] / empty["batch"], 2),
        "last_number_long": long["last"],
    }


def run(script: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--register", type=int, default=0, metavar="N", help="also measure N certificates on file"
    )
    parser.add_argument(
        "--register-years",
        type=int,
        default=1,
        metavar="K",
        help="spread those certificates over K years (default 1: all in the year issued in)",
    )
    parser.add_argument(
        "--only-register", action="store_true", help="measure the long register only"
    )
    args = parser.parse_args()
    result: dict[str, object] = {"certificates": args.count}
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "demo.sqlite"
        subprocess.run(
            [sys.executable, "-m", "exchange_desk", "--db", str(database), "demo"],
            check=True,
            capture_output=True,
        )
        if not args.only_register:
            result.update(measure(database, Path(tmp), args))
        if args.register:
            result.update(
                long_register(database, Path(tmp), args.count, args.register, args.register_years)
            )
    print(json.dumps(result, indent=2))
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    name = "certificates-register.json" if args.only_register else "certificates.json"
    (out / name).write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


def measure(database: Path, tmp_path: Path, args: argparse.Namespace) -> dict[str, object]:
    tmp = str(tmp_path)
    fonts = str(ROOT / "resources" / "fonts")
    bare, ours = [], []
    for _round in range(args.rounds):  # interleaved, so both see the same noise
        bare_wall = time.perf_counter()
        run(BARE, str(args.count), str(Path(tmp) / "bare.pdf"), fonts)
        bare.append(time.perf_counter() - bare_wall)
        ours_wall = time.perf_counter()
        run(OURS, str(args.count), str(Path(tmp) / "ours.pdf"), str(database))
        ours.append(time.perf_counter() - ours_wall)
    cli = cli_batch(database, tmp_path, args.count, args.rounds, bare)
    preview = json.loads(run(PREVIEW, str(database)))
    shown = json.loads(run(PREVIEW_GUI, str(database)))
    sizes = {name: (Path(tmp) / f"{name}.pdf").stat().st_size for name in ("bare", "ours")}
    return {
        "bare_script_s": round(min(bare), 2),
        "exchange_desk_s": round(min(ours), 2),
        "ratio": round(min(ours) / min(bare), 2),
        "target_ratio": 5.0,
        "pdf_bytes": sizes,
        **cli,
        "preview_first_ms": round(preview["first"] * 1000),
        "preview_median_ms": round(statistics.median(preview["times"]) * 1000),
        "preview_worst_ms": round(max(preview["times"]) * 1000),
        "dialog_preview_first_ms": round(shown["first"] * 1000),
        "dialog_preview_median_ms": round(statistics.median(shown["times"]) * 1000),
        "dialog_preview_worst_ms": round(max(shown["times"]) * 1000),
        "target_preview_ms": 300,
    }


if __name__ == "__main__":
    raise SystemExit(main())
