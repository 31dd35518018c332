"""The frozen program, built by the same spec as the Windows one (packaging/), on Linux:
it passes the smoke commands, carries every resource, keeps a portable copy's data beside
it, and its folder makes a Windows installer with NSIS.

Freezing takes about a minute, so these run when EXCHANGE_DESK_TEST_FREEZE=1 (`.ci/run`
sets it); the README's quick `make test` skips them, saying so.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"

pytestmark = [
    pytest.mark.frozen,
    pytest.mark.skipif(
        os.environ.get("EXCHANGE_DESK_TEST_FREEZE") != "1",
        reason="freezing takes a minute: set EXCHANGE_DESK_TEST_FREEZE=1 (.ci/run does)",
    ),
]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("PyInstaller", reason="pip install '.[package]' to freeze")
    folder = tmp_path_factory.mktemp("frozen")
    subprocess.run(
        [
            sys.executable,
            str(PACKAGING / "build.py"),
            "--dist",
            str(folder / "dist"),
            "--work",
            str(folder / "work"),
            "--no-smoke",
        ],
        check=True,
        cwd=ROOT,
    )
    built = folder / "dist" / "ExchangeDesk"
    assert built.is_dir()
    return built


def _clean_environment(home: Path) -> dict[str, str]:
    """No database named, and the user's folders in a fresh place."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("EXCHANGE_DESK_DB", "XDG_DATA_HOME", "XDG_CONFIG_HOME")
    }
    environment.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        QT_QPA_PLATFORM="offscreen",
    )
    return environment


def test_the_frozen_program_passes_the_smoke_commands(bundle: Path) -> None:
    """--version, demo, a three-language certificate, the Hebrew annual report, and the
    window in Hebrew: the very commands the Windows workflow runs."""
    result = subprocess.run(
        [sys.executable, str(PACKAGING / "smoke.py"), str(bundle), "--gui"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke: all passed" in result.stdout
    # The demo's 2018 report in Hebrew: cover, contents, figures, partners, conferences…
    written = re.search(r"(\d+)-page Hebrew annual report", result.stdout)
    assert written is not None, result.stdout
    assert int(written.group(1)) >= 8


def test_the_bundle_carries_every_resource(bundle: Path) -> None:
    inside = bundle / "_internal"
    for font in (ROOT / "resources" / "fonts").iterdir():
        assert (inside / "resources" / "fonts" / font.name).is_file(), font.name
    for icon in (ROOT / "resources" / "icons").iterdir():
        assert (inside / "resources" / "icons" / icon.name).is_file(), icon.name
    for code in ("zh_CN", "he"):
        assert (inside / "i18n" / code / "LC_MESSAGES" / "exchange_desk.mo").is_file()
        assert (inside / "PySide6" / "Qt" / "translations" / f"qtbase_{code}.qm").is_file()
    migrations = inside / "exchange_desk" / "storage" / "migrations"
    assert (migrations / "env.py").is_file()
    assert len(list((migrations / "versions").glob("*.py"))) >= 2
    # Two programs share the folder: the window and the command line.
    assert (bundle / "ExchangeDesk").is_file()
    assert (bundle / "exchange-desk").is_file()
    # Left out on purpose: other languages' data, and Qt Quick pulled in by the keyboard.
    assert not (inside / "babel" / "locale-data" / "fr.dat").exists()
    assert not list(inside.rglob("libQt6Quick*"))


@pytest.fixture
def portable(bundle: Path) -> Iterator[Path]:
    """The bundle made portable by a marker file beside it, for one test."""
    marker = bundle / "portable.txt"
    marker.write_text("Keep the data beside the program.\n", encoding="utf-8")
    yield bundle
    marker.unlink()
    shutil.rmtree(bundle / "data", ignore_errors=True)


def test_a_portable_copy_keeps_its_data_beside_it(portable: Path, tmp_path: Path) -> None:
    environment = _clean_environment(tmp_path)
    subprocess.run(
        [str(portable / "exchange-desk"), "--lang", "en", "demo"],
        check=True,
        env=environment,
        capture_output=True,
    )
    assert (portable / "data" / "exchange-desk.sqlite").is_file()
    assert not (tmp_path / "data").exists(), "nothing in the user's folders"
    shown = subprocess.run(
        [str(portable / "exchange-desk"), "--lang", "en", "stats"],
        check=True,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert "25" in shown.stdout  # the demo's sister cities, read back from beside it


@pytest.mark.skipif(shutil.which("makensis") is None, reason="NSIS (makensis) not installed")
def test_the_installer_script_builds_from_the_bundle(bundle: Path, tmp_path: Path) -> None:
    """NSIS on Linux builds the same Windows installer: the script, its three languages,
    icon and licence pages are checked by compiling it (uncompressed, to be quick)."""
    target = tmp_path / "ExchangeDesk-setup.exe"
    result = subprocess.run(
        [
            "makensis",
            "-V2",
            "-DVERSION=0.1.0",
            f"-DBUNDLE={bundle}",
            f"-DOUTFILE={target}",
            "-DNOCOMPRESS",
            str(PACKAGING / "installer.nsi"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warning" not in result.stdout.lower(), result.stdout
    assert target.read_bytes()[:2] == b"MZ"  # a Windows program
    assert target.stat().st_size > 100_000_000  # with the whole folder inside


def test_the_version_resource_carries_the_projects_version(bundle: Path) -> None:
    """The Windows version resource is written by the spec in PyInstaller's version-file
    form; read back with stand-ins for PyInstaller's classes (theirs need Windows)."""
    from exchange_desk import __version__

    text = (ROOT / "build" / "pyinstaller-staging" / "version-info.txt").read_text("utf-8")
    kinds = (
        "VSVersionInfo",
        "FixedFileInfo",
        "StringFileInfo",
        "StringTable",
        "StringStruct",
        "VarFileInfo",
        "VarStruct",
    )

    def stand_in(kind: str) -> object:
        return lambda *args, **kwargs: (kind, args, kwargs)

    info = eval(text, {"__builtins__": {}}, {kind: stand_in(kind) for kind in kinds})
    assert info[0] == "VSVersionInfo"
    fixed = info[2]["ffi"]
    numbers = tuple(int(part) for part in __version__.split(".")[:3])
    assert fixed[2]["filevers"][:3] == numbers
    assert fixed[2]["prodvers"][:3] == numbers
    strings = dict(entry[1] for entry in info[2]["kids"][0][1][0][0][1][1])
    assert strings["ProductVersion"] == __version__
    assert strings["ProductName"] == "Exchange Desk"
