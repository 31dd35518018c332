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

    .venv/bin/python bench/certificates.py [--count 1000]
"""

from __future__ import annotations

import argparse
import json
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


def run(script: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "demo.sqlite"
        subprocess.run(
            [sys.executable, "-m", "exchange_desk", "--db", str(database), "demo"],
            check=True,
            capture_output=True,
        )
        fonts = str(ROOT / "resources" / "fonts")
        bare, ours = [], []
        for _round in range(args.rounds):  # interleaved, so both see the same noise
            bare_wall = time.perf_counter()
            run(BARE, str(args.count), str(Path(tmp) / "bare.pdf"), fonts)
            bare.append(time.perf_counter() - bare_wall)
            ours_wall = time.perf_counter()
            run(OURS, str(args.count), str(Path(tmp) / "ours.pdf"), str(database))
            ours.append(time.perf_counter() - ours_wall)
        preview = json.loads(run(PREVIEW, str(database)))
        shown = json.loads(run(PREVIEW_GUI, str(database)))
        sizes = {name: (Path(tmp) / f"{name}.pdf").stat().st_size for name in ("bare", "ours")}
    result = {
        "certificates": args.count,
        "bare_script_s": round(min(bare), 2),
        "exchange_desk_s": round(min(ours), 2),
        "ratio": round(min(ours) / min(bare), 2),
        "target_ratio": 5.0,
        "pdf_bytes": sizes,
        "preview_first_ms": round(preview["first"] * 1000),
        "preview_median_ms": round(statistics.median(preview["times"]) * 1000),
        "preview_worst_ms": round(max(preview["times"]) * 1000),
        "dialog_preview_first_ms": round(shown["first"] * 1000),
        "dialog_preview_median_ms": round(statistics.median(shown["times"]) * 1000),
        "dialog_preview_worst_ms": round(max(shown["times"]) * 1000),
        "target_preview_ms": 300,
    }
    print(json.dumps(result, indent=2))
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "certificates.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
