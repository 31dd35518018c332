"""What packaging/ promises without freezing anything: a portable copy's data beside the
program, the installer's per-user and data-keeping rules in its script, the app icon in
every size, and the launcher's streams (tests/test_frozen.py freezes the real thing)."""

from __future__ import annotations

import io
import re
import runpy
import struct
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from exchange_desk import paths
from exchange_desk.storage import database as storage

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
ICONS = ROOT / "resources" / "icons"


@pytest.fixture
def frozen_at(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """As if this process were the frozen program in `tmp_path`."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "ExchangeDesk.exe"))
    return tmp_path


def test_not_portable_without_a_marker(frozen_at: Path) -> None:
    assert paths.program_dir() == frozen_at
    assert paths.portable_data_dir() is None
    assert storage.user_data_dir() != frozen_at / "data"


@pytest.mark.parametrize("marker", ["portable", "portable.txt"])
def test_a_marker_beside_the_program_keeps_the_data_beside_it(frozen_at: Path, marker: str) -> None:
    (frozen_at / marker).write_text("", encoding="utf-8")
    assert paths.portable_data_dir() == frozen_at / "data"
    assert storage.user_data_dir() == frozen_at / "data"
    assert storage.default_database_path() == frozen_at / "data" / "exchange-desk.sqlite"


def test_running_from_python_is_never_portable() -> None:
    assert not getattr(sys, "frozen", False)
    assert paths.program_dir() is None
    assert paths.portable_data_dir() is None


def test_the_installer_installs_per_user_and_keeps_the_data() -> None:
    script = (PACKAGING / "installer.nsi").read_text(encoding="utf-8")
    assert "RequestExecutionLevel user" in script
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\${APP_NAME}"' in script
    assert "$SMPROGRAMS\\${APP_NAME}.lnk" in script
    for language in ("English", "SimpChinese", "Hebrew"):
        assert f'!insertmacro MUI_LANGUAGE "{language}"' in script
    uninstall = "\n".join(
        line.split(";")[0]  # the instructions, not the comments
        for line in script[script.index('Section "Uninstall"') :].splitlines()
    )
    # Only the program's own files go: never the folder wholesale, never the user's data.
    assert 'RMDir /r "$INSTDIR"' not in uninstall
    assert "APPDATA" not in uninstall.replace("$(DATA_KEPT)", "")
    assert 'RMDir "$INSTDIR"' in uninstall
    # Every text the installer adds of its own is in all three languages.
    names = set(re.findall(r"LangString (\w+) ", script))
    for name in names:
        assert len(re.findall(rf"LangString {name} \$\{{LANG_\w+\}}", script)) == 3, name


def test_the_icon_comes_in_every_size() -> None:
    sizes = (16, 24, 32, 48, 64, 128, 256)
    for size in sizes:
        image = QImage(str(ICONS / f"exchange-desk-{size}.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()
    data = (ICONS / "exchange-desk.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    found = {data[6 + 16 * index] or 256 for index in range(count)}  # 0 means 256
    assert found == set(sizes)
    assert (ICONS / "exchange-desk.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_the_windowed_launcher_has_somewhere_to_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """A windowed program on Windows starts with no stdout: the command line must not fail
    writing to it."""
    launcher = runpy.run_path(str(PACKAGING / "launch.py"))  # not as __main__: defines only
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    launcher["_streams"]()
    assert sys.stdout is not None
    print("goes nowhere")
    sys.stdout.close()  # the launcher's devnull, before the test's own stdout comes back
