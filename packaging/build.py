"""Build Exchange Desk's one-folder bundle with PyInstaller, smoke-test it, and (on Windows,
or with --installer where makensis is installed) wrap it in the installer.

    python packaging/build.py [--dist DIR] [--work DIR] [--installer] [--no-smoke] [--gui]

Needs the project installed with its packaging extra (`pip install .[package]`), and for
the installer NSIS 3 (`makensis`; `choco install nsis` on Windows, `apt install nsis` on
Debian, where it builds the same Windows installer). Prints the bundle's size, the
installer's path and size. The bundle is `DIST/ExchangeDesk/`; the installer
`DIST/ExchangeDesk-VERSION-setup.exe`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"


def version() -> str:
    # The project is installed in the Python that builds it (PyInstaller freezes it from
    # there), so its own version is at hand.
    from exchange_desk import __version__

    return __version__


def folder_size(folder: Path) -> int:
    return sum(
        path.stat().st_size
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink()
    )


def freeze(dist: Path, work: Path) -> Path:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(PACKAGING / "exchange_desk.spec"),
        ],
        check=True,
        cwd=ROOT,
    )
    bundle = dist / "ExchangeDesk"
    size = folder_size(bundle) / 1e6
    print(f"build: {bundle} ({size:.0f} MB) in {time.perf_counter() - started:.0f} s")
    return bundle


def installer(bundle: Path, dist: Path, *, compress: bool = True) -> Path:
    makensis = shutil.which("makensis")
    if makensis is None:
        raise SystemExit("build: makensis not found; install NSIS 3 for the installer")
    target = dist / f"ExchangeDesk-{version()}-setup.exe"
    command = [
        makensis,
        "-V2",
        f"-DVERSION={version()}",
        f"-DBUNDLE={bundle.resolve()}",
        f"-DOUTFILE={target.resolve()}",
    ]
    if not compress:
        command.append("-DNOCOMPRESS")
    command.append(str(PACKAGING / "installer.nsi"))
    started = time.perf_counter()
    subprocess.run(command, check=True)
    size = target.stat().st_size / 1e6
    print(f"build: {target} ({size:.0f} MB) in {time.perf_counter() - started:.0f} s")
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description="Build the bundle and the installer.")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    parser.add_argument(
        "--installer",
        action="store_true",
        default=os.name == "nt",
        help="also make the installer with makensis (the default on Windows)",
    )
    parser.add_argument(
        "--no-compress", action="store_true", help="store the installer's files uncompressed"
    )
    parser.add_argument("--no-smoke", action="store_true", help="skip the smoke test")
    parser.add_argument("--gui", action="store_true", help="smoke-test the window too")
    args = parser.parse_args()
    bundle = freeze(args.dist.resolve(), args.work.resolve())
    if not args.no_smoke:
        command = [sys.executable, str(PACKAGING / "smoke.py"), str(bundle)]
        subprocess.run(command + (["--gui"] if args.gui else []), check=True)
    if args.installer:
        installer(bundle, args.dist.resolve(), compress=not args.no_compress)
    return 0


if __name__ == "__main__":
    sys.exit(main())
