"""Smoke-test a frozen Exchange Desk folder: the commands an office would run first.

    python packaging/smoke.py dist/ExchangeDesk [--gui]

Runs the console program: `--version`, `demo` into a temporary database, a certificate in
Chinese, English and Hebrew, the Hebrew annual report, and a visit's visa letter, programme
calendar and badges; each must succeed and write what it says (a PDF with its fonts
embedded, a report of several pages). Chinese and Hebrew output redirected to a file (`--lang
zh_CN stats > out.txt`, `list cities --json > cities.json`) must be UTF-8 whatever the
system's code page (the Windows runner's cp1252; on Linux the C locale, where Python may
choose UTF-8 by itself, so the Windows run is the real test). Qt's own
Chinese and Hebrew catalogs must be found where the frozen folder keeps them: the Save
dialog's texts come out translated. With `--gui`, the windowed program also opens the
Hebrew and the Chinese window on the demo and saves a picture of each (offscreen). Needs
only the standard library, so it runs with any Python beside the bundle (the Windows
workflow, the Linux test, a developer's shell). Exit status 0 when all passed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path


def program(bundle: Path, name: str) -> Path:
    path = bundle / (name + ".exe" if os.name == "nt" else name)
    if not path.is_file():
        raise SystemExit(f"smoke: no program {path}")
    return path


def run(command: list[str | Path], *, env: dict[str, str] | None = None) -> str:
    started = time.perf_counter()
    result = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        timeout=300,
        check=False,
    )
    shown = " ".join(str(part) for part in command[1:])
    print(f"smoke: {shown} ({time.perf_counter() - started:.1f} s) -> {result.returncode}")
    if result.returncode != 0:
        print(result.stdout, result.stderr, sep="\n", file=sys.stderr)
        raise SystemExit(f"smoke: failed: {shown}")
    return result.stdout


def run_to_file(command: list[str | Path], target: Path) -> str:
    """Run with standard output redirected to `target`, as `command > target` does, in the
    system's own encoding (on Linux the C locale, standing in for a Windows code page that
    is not UTF-8); the file's bytes must be UTF-8. Returns the text."""
    env = dict(os.environ)
    if os.name != "nt":
        env.update(LC_ALL="C", LANG="C")
    env.pop("PYTHONIOENCODING", None)
    env.pop("PYTHONUTF8", None)
    started = time.perf_counter()
    with target.open("wb") as output:
        result = subprocess.run(
            [str(part) for part in command],
            stdout=output,
            stderr=subprocess.PIPE,
            env=env,
            timeout=300,
            check=False,
        )
    shown = " ".join(str(part) for part in command[1:])
    print(f"smoke: {shown} > {target.name} ({time.perf_counter() - started:.1f} s)")
    if result.returncode != 0:
        print(result.stderr.decode("utf-8", "replace"), file=sys.stderr)
        raise SystemExit(f"smoke: failed: {shown} > {target.name}")
    try:
        return target.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise SystemExit(f"smoke: {shown} > {target.name} is not UTF-8: {error}") from None


def check_qt_translations(console: Path) -> None:
    """Qt's own texts (the Save dialog) in Chinese and Hebrew, from the catalogs the frozen
    folder carries, found the way the window finds them."""
    for code, script in (("he", ("\u0590", "\u05ff")), ("zh_CN", ("\u4e00", "\u9fff"))):
        found = json.loads(run([console, "--smoke-qt-translation", code]))
        if not found["catalog"]:
            raise SystemExit(f"smoke: no Qt catalog qtbase_{code}.qm in the frozen folder")
        for source, text in found["texts"].items():
            if text in ("", source) or not any(script[0] <= c <= script[1] for c in text):
                raise SystemExit(f"smoke: Qt's {source!r} is not translated to {code}: {text!r}")
        print(f"smoke: Qt's Save dialog in {code}: {found['texts']['&Save']!a}")


def check_pdf(path: Path, *, pages_at_least: int) -> int:
    data = path.read_bytes()
    if not data.startswith(b"%PDF"):
        raise SystemExit(f"smoke: {path.name} is not a PDF")
    pages = data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type /Page>")
    if pages < pages_at_least:
        raise SystemExit(f"smoke: {path.name} has {pages} pages, expected {pages_at_least}+")
    if b"/FontFile2" not in data:
        raise SystemExit(f"smoke: {path.name} embeds no TrueType font")
    return pages


def smoke(bundle: Path, gui: bool) -> None:
    console = program(bundle, "exchange-desk")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        database = work / "demo.sqlite"
        version = run([console, "--version"]).strip()
        if not version.startswith("Exchange Desk "):
            raise SystemExit(f"smoke: unexpected version line {version!r}")
        run([console, "--db", database, "--lang", "en", "demo"])
        certificate = work / "certificate.pdf"
        run(
            [console, "--db", database, "--lang", "en", "certificate", "1",
             "--lang", "zh+en+he", "--by", "smoke", "-o", certificate]
        )  # fmt: skip
        check_pdf(certificate, pages_at_least=1)
        report = work / "annual-he.pdf"
        run(
            [console, "--db", database, "--lang", "en", "report", "annual", "--year", "2018",
             "--lang", "he", "-o", report]
        )  # fmt: skip
        pages = check_pdf(report, pages_at_least=5)
        print(f"smoke: certificate and a {pages}-page Hebrew annual report written")
        # Chinese and Hebrew on standard output, redirected to files as staff would.
        for code, expected in (("zh_CN", "友好城市"), ("he", "עיר תאומה")):
            command: list[str | Path] = [console, "--db", database, "--lang", code, "stats"]
            stats = run_to_file(command, work / f"stats-{code}.txt")
            if expected not in stats:
                raise SystemExit(f"smoke: {code} statistics lack {expected}: {stats[:200]!r}")
        listed = run_to_file(
            [console, "--db", database, "list", "cities", "--json"], work / "cities.json"
        )
        names = {row["name_en"]: (row["name_zh"], row["name_he"]) for row in json.loads(listed)}
        if names.get("Kfar Saba") != ("克法尔萨巴", "כפר סבא"):
            raise SystemExit(f"smoke: list cities --json lost Kfar Saba's names: {names}")
        print("smoke: Chinese and Hebrew output redirected to files, in UTF-8")
        check_qt_translations(console)
        # Excel in and out: calamine, pypinyin, rapidfuzz and xlsxwriter in the frozen folder.
        sheet = work / "partners.xlsx"
        run([console, "--db", database, "export", "cities", "-o", sheet])
        partners = work / "partners.csv"
        partners.write_bytes(
            "城市,国家,关系类别,结好日期\n奥格斯堡市,德国,友好城市,1983\n"
            "Tampere,芬兰,友好合作关系城市,2004年9月3日\n".encode("gb18030")
        )
        report_json = run([console, "--db", database, "import", partners, "--dry-run", "--json"])
        counts = json.loads(report_json)["counts"]
        if counts != {"new": 1, "update": 0, "duplicate": 1, "error": 0}:
            raise SystemExit(f"smoke: the import read the sheet wrongly: {counts}")
        if not zipfile.is_zipfile(sheet):
            raise SystemExit("smoke: the exported sheet is not a workbook")
        print("smoke: a list exported to .xlsx and a GB18030 sheet checked for import")
        # A shared office: the audit log, and a backup that restores.
        lines = json.loads(run([console, "--db", database, "audit", "--json"]))
        if not any(line["action"] == "export" for line in lines):
            raise SystemExit("smoke: the export is not in the audit log")
        copy = work / "backup.sqlite"
        run([console, "--db", database, "db", "backup", "-o", copy])
        run([console, "--db", database, "db", "restore", copy, "--force"])
        print("smoke: the audit log read, a backup made and restored")
        # People and protocol: python-docx's template, icalendar and the zone database in
        # the frozen folder (the demo's incoming visit is delegation 22).
        letter = work / "visa.docx"
        run([console, "--db", database, "letter", "visa", "22", "--lang", "zh+he", "-o", letter])
        if not zipfile.is_zipfile(letter):
            raise SystemExit("smoke: the visa letter is not a Word document")
        calendar = work / "programme.ics"
        run([console, "--db", database, "programme", "22", "--lang", "en", "-o", calendar])
        if "TZID:Asia/Shanghai" not in calendar.read_text(encoding="utf-8"):
            raise SystemExit("smoke: the programme's calendar has no time zone")
        badges = work / "badges.pdf"
        run([console, "--db", database, "badges", "22", "-o", badges])
        check_pdf(badges, pages_at_least=1)
        print("smoke: a visa letter (.docx), a programme (.ics) and badges written")
        if gui:
            env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
            for code, tab in (("he", "awards"), ("zh_CN", "cities")):
                picture = work / f"window-{code}.png"
                run(
                    [program(bundle, "ExchangeDesk"), "--db", database, "--lang", code,
                     "--tab", tab, "--screenshot", picture],
                    env=env,
                )  # fmt: skip
                if not picture.is_file() or picture.stat().st_size < 10_000:
                    raise SystemExit(f"smoke: the {code} window's picture was not saved")
            print("smoke: the windowed program opened the Hebrew and the Chinese window")


def main() -> int:
    parser = argparse.ArgumentParser(description="Smoke-test a frozen Exchange Desk folder.")
    parser.add_argument("bundle", type=Path, help="the folder PyInstaller made (ExchangeDesk)")
    parser.add_argument("--gui", action="store_true", help="also open the window (offscreen)")
    args = parser.parse_args()
    smoke(args.bundle.resolve(), args.gui)
    print("smoke: all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
