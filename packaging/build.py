"""Build Exchange Desk's one-folder bundle with PyInstaller, smoke-test it, sign it when a
certificate is configured, and (on Windows, or with --installer where makensis is installed)
wrap it in the installer.

    python packaging/build.py [--dist DIR] [--work DIR] [--installer] [--no-smoke] [--gui]
    python packaging/build.py --sign-file FILE     (signs one file; used by the installer)

Needs the project installed with its packaging extra (`pip install .[package]`), and for
the installer NSIS 3 (`makensis`: on PATH, or in NSIS's standard folder
`%ProgramFiles(x86)%\\NSIS`, where `choco install nsis` puts it without touching PATH; `apt
install nsis` on Debian). Prints the bundle's size, the installer's path and size. The bundle
is `DIST/ExchangeDesk/`; the installer `DIST/ExchangeDesk-VERSION-setup.exe`.

On Linux the bundle holds Linux programs, so the installer made around it cannot run on
Windows: it only proves the script compiles, and is named
`ExchangeDesk-VERSION-linux-test-build.exe`, never like a release.

Signing: with `EXCHANGE_DESK_SIGN_PFX` naming a code-signing certificate (.pfx) and
`EXCHANGE_DESK_SIGN_PASSWORD` its password, both programs, the installer and its uninstaller
are signed with `signtool` (from PATH, `EXCHANGE_DESK_SIGNTOOL`, or the Windows SDK) and
time-stamped (`EXCHANGE_DESK_SIGN_TIMESTAMP`, default DigiCert's server). Without it they are
not signed, and the build says so.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
# The folders Windows' 32- and 64-bit program trees give NSIS's own installer (Chocolatey's
# package runs it): makensis is there even when PATH does not say so.
PROGRAM_FOLDERS = ("ProgramFiles(x86)", "ProgramFiles", "ProgramW6432")
SIGN_PFX = "EXCHANGE_DESK_SIGN_PFX"
SIGN_PASSWORD = "EXCHANGE_DESK_SIGN_PASSWORD"
SIGN_TIMESTAMP = "EXCHANGE_DESK_SIGN_TIMESTAMP"
SIGNTOOL = "EXCHANGE_DESK_SIGNTOOL"
DEFAULT_TIMESTAMP = "http://timestamp.digicert.com"


def version() -> str:
    # The project is installed in the Python that builds it (PyInstaller freezes it from
    # there), so its own version is at hand.
    from exchange_desk import __version__

    return __version__


def windows_version(text: str) -> str:
    """The four numbers Windows' version resources take (`VIProductVersion`, the programs'
    FixedFileInfo) from a PEP 440 version: its release numbers, padded or cut to four.

    `0.2.0rc1`, `0.2.0.dev3` and `0.2.0+local` all give `0.2.0.0`; a pre-release is told from
    the release by the text versions, which keep the whole string.
    """
    match = re.match(r"\s*v?(?:\d+!)?(\d+(?:\.\d+)*)", text, re.IGNORECASE)
    if match is None:
        raise ValueError(f"not a version: {text!r}")
    numbers = [int(part) for part in match.group(1).split(".")][:4]
    if any(number > 0xFFFF for number in numbers):
        raise ValueError(f"{text!r}: Windows' version numbers stop at 65535")
    numbers += [0] * (4 - len(numbers))
    return ".".join(str(number) for number in numbers)


def installer_name(project_version: str, *, windows: bool) -> str:
    """The installer's file name: the release's name only when built on Windows, around
    Windows programs; elsewhere a name that says it is a test of the script."""
    if windows:
        return f"ExchangeDesk-{project_version}-setup.exe"
    return f"ExchangeDesk-{project_version}-linux-test-build.exe"


def find_makensis(
    environ: Mapping[str, str] | None = None,
    which: Callable[[str], str | None] = shutil.which,
) -> Path | None:
    """makensis on PATH, else in NSIS's standard folders (`%ProgramFiles(x86)%\\NSIS`...)."""
    found = which("makensis")
    if found:
        return Path(found)
    environ = os.environ if environ is None else environ
    for variable in PROGRAM_FOLDERS:
        folder = environ.get(variable)
        if folder:
            candidate = Path(folder) / "NSIS" / "makensis.exe"
            if candidate.is_file():
                return candidate
    return None


def find_signtool(
    environ: Mapping[str, str] | None = None,
    which: Callable[[str], str | None] = shutil.which,
) -> Path | None:
    """signtool: `EXCHANGE_DESK_SIGNTOOL`, PATH, else the newest Windows 10/11 SDK's x64 one."""
    environ = os.environ if environ is None else environ
    if environ.get(SIGNTOOL):
        return Path(environ[SIGNTOOL])
    found = which("signtool")
    if found:
        return Path(found)
    candidates: list[Path] = []
    for variable in PROGRAM_FOLDERS:
        folder = environ.get(variable)
        if folder:
            candidates += Path(folder, "Windows Kits", "10", "bin").glob("*/x64/signtool.exe")

    def sdk_version(path: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", path.parent.parent.name))

    return max(candidates, key=sdk_version, default=None)


def signing_configured(environ: Mapping[str, str] | None = None) -> bool:
    environ = os.environ if environ is None else environ
    return bool(environ.get(SIGN_PFX))


def sign(files: list[Path], environ: Mapping[str, str] | None = None) -> None:
    """Sign and time-stamp `files` with the configured certificate (SHA-256)."""
    environ = os.environ if environ is None else environ
    signtool = find_signtool(environ)
    if signtool is None:
        raise SystemExit("build: signtool not found (Windows SDK); set EXCHANGE_DESK_SIGNTOOL")
    command = [
        str(signtool),
        "sign",
        "/f",
        environ[SIGN_PFX],
        "/fd",
        "SHA256",
        "/tr",
        environ.get(SIGN_TIMESTAMP) or DEFAULT_TIMESTAMP,
        "/td",
        "SHA256",
        "/d",
        "Exchange Desk",
    ]
    if environ.get(SIGN_PASSWORD):
        command += ["/p", environ[SIGN_PASSWORD]]
    # The password stays out of what is printed; the file names are shown.
    subprocess.run([*command, *(str(path) for path in files)], check=True)
    print("build: signed " + ", ".join(path.name for path in files))


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


def signing_include(work: Path) -> Path:
    """An NSIS include that has makensis sign the installer and the uninstaller it writes
    (`!finalize`, `!uninstfinalize`) by running this script again: the password stays in the
    environment, never on a command line makensis would print."""
    command = f'"{sys.executable}" "{Path(__file__).resolve()}" --sign-file "%1"'
    work.mkdir(parents=True, exist_ok=True)
    include = work / "sign.nsh"
    include.write_text(
        f"!finalize '{command}' = 0\n!uninstfinalize '{command}' = 0\n", encoding="utf-8"
    )
    return include


def installer(
    bundle: Path,
    dist: Path,
    *,
    compress: bool = True,
    work: Path | None = None,
    windows: bool = os.name == "nt",
) -> Path:
    makensis = find_makensis()
    if makensis is None:
        folders = ", ".join(f"%{variable}%\\NSIS" for variable in PROGRAM_FOLDERS)
        raise SystemExit(
            f"build: makensis not found on PATH nor in {folders}; install NSIS 3 for the "
            "installer (choco install nsis, apt install nsis)"
        )
    project_version = version()
    target = dist / installer_name(project_version, windows=windows)
    command = [
        str(makensis),
        "-V2",
        f"-DVERSION={project_version}",
        f"-DWINDOWS_VERSION={windows_version(project_version)}",
        f"-DBUNDLE={bundle.resolve()}",
        f"-DOUTFILE={target.resolve()}",
    ]
    if not windows:
        command.append("-DTEST_BUILD")
    if not compress:
        command.append("-DNOCOMPRESS")
    if signing_configured():
        command.append(f"-DSIGN_INCLUDE={signing_include(work or dist).resolve()}")
    command.append(str(PACKAGING / "installer.nsi"))
    started = time.perf_counter()
    subprocess.run(command, check=True)
    size = target.stat().st_size / 1e6
    print(f"build: {target} ({size:.0f} MB) in {time.perf_counter() - started:.0f} s")
    if not windows:
        print("build: a Linux test build of the installer: its programs do not run on Windows")
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
    parser.add_argument(
        "--sign-file", type=Path, metavar="FILE", help="only sign FILE (makensis calls this)"
    )
    args = parser.parse_args()
    if args.sign_file is not None:
        sign([args.sign_file])
        return 0
    bundle = freeze(args.dist.resolve(), args.work.resolve())
    if signing_configured():
        suffix = ".exe" if os.name == "nt" else ""
        sign([bundle / f"ExchangeDesk{suffix}", bundle / f"exchange-desk{suffix}"])
    else:
        print(f"build: not signed ({SIGN_PFX} is not set)")
    if not args.no_smoke:
        command = [sys.executable, str(PACKAGING / "smoke.py"), str(bundle)]
        subprocess.run(command + (["--gui"] if args.gui else []), check=True)
    if args.installer:
        installer(
            bundle, args.dist.resolve(), compress=not args.no_compress, work=args.work.resolve()
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
