"""Make the sheet fixtures that tests cannot make themselves (tests/test_sheet_files.py).

Run from the repository's root with the project's Python; the files land beside this script:

    .venv/bin/python tests/data/sheets/make_sheets.py

- office.ods, office.xls: LibreOffice (`soffice --headless --convert-to`) converts an .xlsx
  written here with xlsxwriter, as an office's sheet looks: a merged title, a date line, a
  blank row, a Chinese header, records (a date, a formula giving #DIV/0!, a record with a
  single value), a blank row and two notes.
- password.xls: LibreOffice saves the same workbook with the password "secret" (a FILEPASS
  record, RC4), through its UNO interface: the system's python3 with the `uno` module
  drives a headless soffice.
- password.xlsx: Excel's encrypted workbook (the zip encrypted inside an OLE2 file with
  EncryptionInfo and EncryptedPackage streams). LibreOffice 7.4 saves .xlsx unencrypted
  even with a password, so msoffcrypto-tool encrypts it ("agile" encryption, as Excel
  does). It is not a dependency of the project: install it aside for this one run,
    pip install --target /tmp/msoffcrypto msoffcrypto-tool
    PYTHONPATH=/tmp/msoffcrypto .venv/bin/python tests/data/sheets/make_sheets.py
  (without it, password.xlsx is left as it is).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).resolve().parent


def write_office_xlsx(path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("友好城市")
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.merge_range("A1:E1", "友好城市一览表")
    sheet.write("A2", "制表日期：2024年3月1日")
    sheet.write_row("A4", ["城市", "国家", "关系类别", "结好日期", "备注"])
    sheet.write_row("A5", ["海法", "以色列", "友好城市"])
    sheet.write_datetime("D5", dt.datetime(1983, 5, 12), day)
    sheet.write_row("A6", ["特拉维夫", "以色列", "友好交流城市"])
    sheet.write_datetime("D6", dt.datetime(2010, 6, 1), day)
    sheet.write_formula("E6", "=1/0", None, "#DIV/0!")
    sheet.write("A7", "埃拉特")
    sheet.write_row("A8", ["阿什杜德", "以色列", "友好城市"])
    sheet.write_number("D8", 1990)
    sheet.write("E8", "港口城市")
    sheet.write("A10", "注：本表仅供参考。")
    sheet.write("A11", "制表人：张三")
    workbook.close()


def convert(source: Path, target_format: str, target: Path, profile: Path) -> None:
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                target_format,
                "--outdir",
                out,
                str(source),
            ],
            check=True,
            capture_output=True,
        )
        produced = next(Path(out).iterdir())
        shutil.copyfile(produced, target)


UNO_SAVE = textwrap.dedent(
    """
    import os, subprocess, sys, time
    import uno
    from com.sun.star.beans import PropertyValue

    def prop(name, value):
        p = PropertyValue()
        p.Name, p.Value = name, value
        return p

    source, target, filter_name, profile = sys.argv[1:5]
    office = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--norestore",
         "-env:UserInstallation=" + profile,
         "--accept=socket,host=127.0.0.1,port=20213;urp;"],
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(120):
        try:
            context = resolver.resolve(
                "uno:socket,host=127.0.0.1,port=20213;urp;StarOffice.ComponentContext")
            break
        except Exception:
            time.sleep(0.5)
    desktop = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.frame.Desktop", context)
    document = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(source), "_blank", 0, (prop("Hidden", True),))
    document.storeToURL(
        uno.systemPathToFileUrl(target),
        (prop("FilterName", filter_name), prop("Password", "secret")))
    document.close(True)
    try:
        desktop.terminate()
    except Exception:
        pass
    office.wait(60)
    """
)


def save_with_password(source: Path, target: Path, filter_name: str, profile: Path) -> None:
    subprocess.run(
        [
            "/usr/bin/python3",
            "-c",
            UNO_SAVE,
            str(source),
            str(target),
            filter_name,
            profile.as_uri(),
        ],
        check=True,
        timeout=300,
    )


def encrypt_xlsx(source: Path, target: Path) -> bool:
    try:
        from msoffcrypto.format.ooxml import OOXMLFile  # type: ignore[import-not-found]
    except ImportError:
        print("msoffcrypto-tool is not installed: password.xlsx left as it is", file=sys.stderr)
        return False
    with source.open("rb") as plain, target.open("wb") as encrypted:
        OOXMLFile(plain).encrypt("secret", encrypted)
    return True


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        profile = folder / "profile"
        source = folder / "office.xlsx"
        write_office_xlsx(source)
        convert(source, "ods", HERE / "office.ods", profile)
        convert(source, "xls:MS Excel 97", HERE / "office.xls", profile)
        save_with_password(source, HERE / "password.xls", "MS Excel 97", profile)
        encrypt_xlsx(source, HERE / "password.xlsx")
    for name in ("office.ods", "office.xls", "password.xls", "password.xlsx"):
        path = HERE / name
        if path.exists():
            print(f"{name}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
