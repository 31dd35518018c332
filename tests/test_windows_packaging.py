"""Windows for real, as far as Linux can check it: the workflows (Windows and Linux, Python
3.11 and 3.12, on every push and pull request; PostgreSQL on Windows), the installer's
version numbers, names, silent runs and running-program checks, makensis and signtool found
where Windows puts them, Qt's settings in an INI file of the test's own (never the registry),
Qt's own translations found in both layouts of the frozen folder, and `tools/dev.py`, the
README's two commands without make.

tests/test_packaging.py covers the rest of packaging/; tests/test_frozen.py freezes.
"""

from __future__ import annotations

import json
import os
import re
import runpy
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from pytestqt.qtbot import QtBot

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
WORKFLOWS = ROOT / ".github" / "workflows"
WINDOWS_WORKFLOW = WORKFLOWS / "windows-installer.yml"
LINUX_WORKFLOW = WORKFLOWS / "tests.yml"

build: dict[str, Any] = runpy.run_path(str(PACKAGING / "build.py"))  # defines only
dev: dict[str, Any] = runpy.run_path(str(ROOT / "tools" / "dev.py"))


# The workflows ------------------------------------------------------------------------------


def _parsed(path: Path) -> dict[Any, Any] | None:
    """The workflow as YAML, when PyYAML is installed (it is not a test dependency)."""
    try:
        import yaml
    except ImportError:
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _triggers(text: str) -> str:
    """The `on:` block of a workflow."""
    found = re.search(r"^on:\n((?:[ \t]+.*\n|\n)+)", text, re.MULTILINE)
    assert found is not None, "no on: block"
    return found.group(1)


@pytest.mark.parametrize("path", [WINDOWS_WORKFLOW, LINUX_WORKFLOW], ids=["windows", "linux"])
def test_each_workflow_runs_on_every_push_to_main_and_every_pull_request(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    triggers = _triggers(text)
    assert re.search(r"^  push:\n    branches: \[main\]", triggers, re.MULTILINE), triggers
    # Every pull request: no paths filter limits it to packaging changes.
    assert re.search(r"^  pull_request:\n(?!    )", triggers, re.MULTILINE), triggers
    assert "paths:" not in triggers
    data = _parsed(path)
    if data is not None:
        on = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
        assert on["push"]["branches"] == ["main"]
        assert "pull_request" in on
        assert not (on["pull_request"] or {}).get("paths")


def test_the_windows_workflow_tests_python_3_11_and_3_12_then_builds() -> None:
    text = WINDOWS_WORKFLOW.read_text(encoding="utf-8")
    tests = text[text.index("  tests:") : text.index("  installer:")]
    installer = text[text.index("  installer:") :]
    assert "runs-on: windows-latest" in tests
    assert 'python: ["3.11", "3.12"]' in tests
    assert "python-version: ${{ matrix.python }}" in tests
    # The whole suite, not a chosen few files.
    assert re.search(r"run: python -m pytest -n auto\n", tests)
    assert "needs: tests" in installer
    assert "runs-on: windows-latest" in installer
    assert "python packaging/build.py --gui --installer" in installer
    # The installed copy is smoke-tested too, and a silent update while it runs is checked.
    assert 'python packaging/smoke.py "$installed" --gui' in installer
    assert "a silent update while $program runs" in installer
    assert "WaitForExit(120000)" in installer
    # build.py finds Chocolatey's NSIS by itself, as it will on a staff member's machine.
    assert "NSIS;$env:PATH" not in installer
    data = _parsed(WINDOWS_WORKFLOW)
    if data is not None:
        jobs = data["jobs"]
        assert jobs["tests"]["strategy"]["matrix"]["python"] == ["3.11", "3.12"]
        assert jobs["installer"]["needs"] == "tests"


def test_the_windows_tests_have_a_postgresql_server_and_require_it() -> None:
    """The runner image's PostgreSQL is started, and its absence fails the run: the PG tests
    do not silently skip on Windows."""
    text = WINDOWS_WORKFLOW.read_text(encoding="utf-8")
    tests = text[text.index("  tests:") : text.index("  installer:")]
    assert "EXCHANGE_DESK_TEST_PG_URL: postgresql+psycopg://postgres:root@127.0.0.1:5432/" in tests
    assert 'EXCHANGE_DESK_REQUIRE_PG: "1"' in tests
    assert "Start-Service" in tests
    assert "createdb.exe" in tests
    assert "GITHUB_PATH" in tests  # pg_dump for the backup tests


def test_the_linux_workflow_tests_python_3_11_and_3_12_with_postgresql() -> None:
    text = LINUX_WORKFLOW.read_text(encoding="utf-8")
    assert "runs-on: ubuntu-latest" in text
    assert 'python: ["3.11", "3.12"]' in text
    assert "image: postgres:" in text
    assert 'EXCHANGE_DESK_REQUIRE_PG: "1"' in text
    assert re.search(r"run: python -m pytest -n auto\n", text)
    assert "EXCHANGE_DESK_TEST_FREEZE: ${{ matrix.python == '3.12' && '1' || '0' }}" in text


def test_signing_happens_only_with_a_certificate_and_says_so_without() -> None:
    text = WINDOWS_WORKFLOW.read_text(encoding="utf-8")
    assert "secrets.WINDOWS_SIGNING_CERTIFICATE" in text
    assert "secrets.WINDOWS_SIGNING_PASSWORD" in text
    assert "::notice title=Not signed::" in text
    assert "if: env.EXCHANGE_DESK_SIGN_PFX != ''" in text
    assert "Get-AuthenticodeSignature" in text


def test_without_a_server_the_postgresql_tests_skip_saying_why(tmp_path: Path) -> None:
    """What a Windows machine without PostgreSQL sees: skipped, with the reason."""
    env = {
        **os.environ,
        "EXCHANGE_DESK_TEST_PG_URL": "postgresql+psycopg://postgres@127.0.0.1:9/test",
    }
    env.pop("EXCHANGE_DESK_REQUIRE_PG", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:randomly", "-p", "no:cacheprovider",
         "tests/test_storage.py::test_a_new_database_is_at_the_newest_schema"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed, 1 skipped" in result.stdout, result.stdout
    assert "no PostgreSQL server at postgresql+psycopg://postgres@127.0.0.1:9/test" in (
        result.stdout
    )


# Version numbers and names -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("0.1.0", "0.1.0.0"),
        ("0.2.0rc1", "0.2.0.0"),
        ("0.2.0a3", "0.2.0.0"),
        ("0.2.0.dev3", "0.2.0.0"),
        ("0.2.0.post1", "0.2.0.0"),
        ("0.2.0+local.7", "0.2.0.0"),
        ("1.2", "1.2.0.0"),
        ("3", "3.0.0.0"),
        ("1.2.3.4.5", "1.2.3.4"),
        ("1!2.0", "2.0.0.0"),
        ("v1.0.1", "1.0.1.0"),
        ("2024.10.1", "2024.10.1.0"),
    ],
)
def test_windows_version_numbers_from_pep_440(version: str, expected: str) -> None:
    assert build["windows_version"](version) == expected


@pytest.mark.parametrize("version", ["", "rc1", "1.70000.0"])
def test_windows_version_refuses_what_windows_cannot_hold(version: str) -> None:
    with pytest.raises(ValueError, match="version"):
        build["windows_version"](version)


def test_the_programs_version_resource_uses_the_same_numbers() -> None:
    spec = (PACKAGING / "exchange_desk.spec").read_text(encoding="utf-8")
    assert '["windows_version"](VERSION)' in spec
    assert "WINDOWS_VERSION.split" in spec


def test_only_a_windows_build_gets_the_release_name() -> None:
    name = build["installer_name"]
    assert name("0.2.0", windows=True) == "ExchangeDesk-0.2.0-setup.exe"
    linux = name("0.2.0", windows=False)
    assert linux == "ExchangeDesk-0.2.0-linux-test-build.exe"
    assert "setup" not in linux


@pytest.fixture
def captured_makensis(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[list[str]]:
    """build.installer with a stand-in makensis that only writes the file it is told to."""
    commands: list[list[str]] = []

    def run(command: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        commands.append(command)
        target = next(part for part in command if part.startswith("-DOUTFILE="))
        Path(target.removeprefix("-DOUTFILE=")).write_bytes(b"MZ")
        return subprocess.CompletedProcess(command, 0)

    installer: Callable[..., Path] = build["installer"]
    monkeypatch.setitem(installer.__globals__, "find_makensis", lambda: tmp_path / "makensis")
    monkeypatch.setattr(subprocess, "run", run)
    monkeypatch.delenv("EXCHANGE_DESK_SIGN_PFX", raising=False)
    return commands


def test_make_installer_on_linux_names_a_test_build(
    captured_makensis: list[list[str]], tmp_path: Path
) -> None:
    from exchange_desk import __version__

    target = build["installer"](tmp_path / "bundle", tmp_path, windows=False)
    assert target.name == f"ExchangeDesk-{__version__}-linux-test-build.exe"
    (command,) = captured_makensis
    assert "-DTEST_BUILD" in command
    assert f"-DWINDOWS_VERSION={build['windows_version'](__version__)}" in command
    assert not any(part.startswith("-DSIGN_INCLUDE") for part in command)


def test_a_windows_build_gets_the_release_name(
    captured_makensis: list[list[str]], tmp_path: Path
) -> None:
    from exchange_desk import __version__

    target = build["installer"](tmp_path / "bundle", tmp_path, windows=True)
    assert target.name == f"ExchangeDesk-{__version__}-setup.exe"
    assert "-DTEST_BUILD" not in captured_makensis[0]


# makensis and signtool where Windows puts them ---------------------------------------------


def _program(folder: Path, *parts: str) -> Path:
    path = folder.joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"MZ")
    return path


@pytest.mark.parametrize("variable", ["ProgramFiles(x86)", "ProgramFiles"])
def test_makensis_is_found_in_nsis_standard_folder(tmp_path: Path, variable: str) -> None:
    """`choco install nsis` leaves makensis off PATH, in %ProgramFiles(x86)%\\NSIS."""
    makensis = _program(tmp_path, "pf", "NSIS", "makensis.exe")
    environ = {"ProgramFiles(x86)": str(tmp_path / "none"), "ProgramFiles": str(tmp_path / "none")}
    environ[variable] = str(tmp_path / "pf")
    assert build["find_makensis"](environ, lambda _name: None) == makensis


def test_makensis_on_path_comes_first(tmp_path: Path) -> None:
    _program(tmp_path, "pf", "NSIS", "makensis.exe")
    environ = {"ProgramFiles(x86)": str(tmp_path / "pf")}
    assert build["find_makensis"](environ, lambda _name: "/usr/bin/makensis") == Path(
        "/usr/bin/makensis"
    )


def test_without_nsis_the_build_says_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert build["find_makensis"]({"ProgramFiles": str(tmp_path)}, lambda _name: None) is None
    installer: Callable[..., Path] = build["installer"]
    monkeypatch.setitem(installer.__globals__, "find_makensis", lambda: None)
    with pytest.raises(
        SystemExit, match=r"makensis not found on PATH nor in %ProgramFiles\(x86\)%"
    ):
        installer(tmp_path, tmp_path)


def test_signtool_is_found_in_the_newest_windows_sdk(tmp_path: Path) -> None:
    kits = ("pf", "Windows Kits", "10", "bin")
    _program(tmp_path, *kits, "10.0.19041.0", "x64", "signtool.exe")
    newest = _program(tmp_path, *kits, "10.0.22621.0", "x64", "signtool.exe")
    _program(tmp_path, *kits, "10.0.22621.0", "x86", "signtool.exe")
    environ = {"ProgramFiles(x86)": str(tmp_path / "pf")}
    assert build["find_signtool"](environ, lambda _name: None) == newest
    chosen = tmp_path / "my-signtool.exe"
    environ["EXCHANGE_DESK_SIGNTOOL"] = str(chosen)
    assert build["find_signtool"](environ, lambda _name: None) == chosen


def test_signing_uses_the_certificate_sha256_and_a_timestamp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands: list[list[str]] = []
    monkeypatch.setattr(subprocess, "run", lambda command, **_: commands.append(command))
    environ = {
        "EXCHANGE_DESK_SIGN_PFX": str(tmp_path / "office.pfx"),
        "EXCHANGE_DESK_SIGN_PASSWORD": "secret",
        "EXCHANGE_DESK_SIGNTOOL": "signtool.exe",
    }
    build["sign"]([tmp_path / "ExchangeDesk.exe"], environ)
    (command,) = commands
    assert command[:4] == ["signtool.exe", "sign", "/f", str(tmp_path / "office.pfx")]
    assert command[command.index("/fd") + 1] == "SHA256"
    assert command[command.index("/tr") + 1] == "http://timestamp.digicert.com"
    assert command[command.index("/p") + 1] == "secret"
    assert command[-1] == str(tmp_path / "ExchangeDesk.exe")
    assert not build["signing_configured"]({})


# The installer script ----------------------------------------------------------------------


def _script() -> str:
    return (PACKAGING / "installer.nsi").read_text(encoding="utf-8")


def _instructions(text: str) -> list[str]:
    return [line.split(";")[0].strip() for line in text.splitlines() if line.split(";")[0].strip()]


def test_no_message_box_can_hang_a_silent_run() -> None:
    boxes = [line for line in _instructions(_script()) if line.startswith("MessageBox")]
    assert boxes
    for box in boxes:
        assert " /SD ID" in box, box


def test_installer_and_uninstaller_check_both_programs() -> None:
    script = _script()
    install = script[script.index('Section "Exchange Desk"') : script.index('Section "Uninstall"')]
    uninstall = script[script.index('Section "Uninstall"') :]
    for section in (install, uninstall):
        lines = _instructions(section)
        checks = [line for line in lines if "WAIT_UNTIL_CLOSED" in line]
        assert any('"${APP_EXE}"' in line for line in checks), section
        assert any('"${CLI_EXE}"' in line for line in checks), section
        # Both checked before anything is removed or copied.
        changes = [
            n for n, line in enumerate(lines) if line.startswith(("RMDir", "File", "Delete"))
        ]
        assert max(lines.index(line) for line in checks) < min(changes)
    assert '!define APP_EXE "ExchangeDesk.exe"' in script
    assert '!define CLI_EXE "exchange-desk.exe"' in script


def test_the_version_resource_takes_four_numbers() -> None:
    script = _script()
    assert 'VIProductVersion "${WINDOWS_VERSION}"' in script
    assert '"${VERSION}.0"' in script  # only when build.py does not give the numbers


def _fake_bundle(folder: Path) -> Path:
    for name in ("ExchangeDesk.exe", "exchange-desk.exe", "_internal/base_library.zip"):
        _program(folder, *name.split("/"))
    return folder


@pytest.mark.skipif(build["find_makensis"]() is None, reason="NSIS (makensis) not installed")
def test_a_release_candidate_compiles(tmp_path: Path) -> None:
    """`0.2.0rc1` used to stop makensis (VIProductVersion "0.2.0rc1.0")."""
    target = tmp_path / "ExchangeDesk-0.2.0rc1-linux-test-build.exe"
    result = subprocess.run(
        [str(build["find_makensis"]()), "-V2", "-DVERSION=0.2.0rc1",
         f"-DWINDOWS_VERSION={build['windows_version']('0.2.0rc1')}",
         f"-DBUNDLE={_fake_bundle(tmp_path / 'bundle')}", f"-DOUTFILE={target}", "-DNOCOMPRESS",
         "-DTEST_BUILD", str(PACKAGING / "installer.nsi")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warning" not in result.stdout.lower(), result.stdout
    data = target.read_bytes()
    assert data[:2] == b"MZ"
    assert "0.2.0rc1".encode("utf-16-le") in data  # ProductVersion, the text
    assert "Linux test build".encode("utf-16-le") in data


@pytest.mark.skipif(
    shutil.which("makensis") is None or os.name == "nt", reason="makensis, and a shell signtool"
)
def test_makensis_signs_the_installer_and_the_uninstaller(tmp_path: Path) -> None:
    """With a certificate configured, makensis has build.py sign the uninstaller before it
    goes in, and the installer once written (a stand-in signtool records the calls)."""
    log = tmp_path / "signed.log"
    signtool = tmp_path / "signtool"
    signtool.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\n', encoding="utf-8")
    signtool.chmod(0o755)
    env = {
        **os.environ,
        "EXCHANGE_DESK_SIGN_PFX": str(tmp_path / "office.pfx"),
        "EXCHANGE_DESK_SIGN_PASSWORD": "secret",
        "EXCHANGE_DESK_SIGNTOOL": str(signtool),
    }
    code = (
        "import runpy, sys; from pathlib import Path;"
        f"b = runpy.run_path({str(PACKAGING / 'build.py')!r});"
        f"b['installer'](Path({str(_fake_bundle(tmp_path / 'bundle'))!r}), "
        f"Path({str(tmp_path)!r}), compress=False, work=Path({str(tmp_path / 'work')!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    calls = log.read_text(encoding="utf-8").splitlines()
    assert len(calls) == 2, calls  # the uninstaller, then the installer
    assert calls[1].endswith("-linux-test-build.exe")
    assert all("/p secret" in call for call in calls)
    assert "secret" not in (tmp_path / "work" / "sign.nsh").read_text(encoding="utf-8")


# Settings: an INI file, never the registry -------------------------------------------------


def test_tests_keep_qt_settings_in_an_ini_file_of_their_own(tmp_path: Path) -> None:
    folder = Path(os.environ["EXCHANGE_DESK_SETTINGS_DIR"])
    assert folder.is_relative_to(tmp_path.parent)  # pytest's folder for this run
    settings = QSettings()
    assert settings.format() == QSettings.Format.IniFormat
    assert Path(settings.fileName()).is_relative_to(folder)
    assert settings.fileName().endswith(".ini")
    settings.setValue("printing/offset_x", 1.5)  # what the printer calibration writes
    settings.sync()
    assert "offset_x" in Path(settings.fileName()).read_text(encoding="utf-8")


def test_on_windows_the_program_keeps_its_settings_in_an_ini_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """On Windows Qt's settings go to %APPDATA%\\ExchangeDesk\\Exchange Desk.ini (here the
    folder the tests name), not to the registry."""
    from exchange_desk.ui import app

    folder = tmp_path / "AppData" / "Roaming"
    monkeypatch.setenv("EXCHANGE_DESK_SETTINGS_DIR", str(folder))
    monkeypatch.setattr(app, "ON_WINDOWS", True)
    names = QCoreApplication.organizationName(), QCoreApplication.applicationName()
    QSettings.setDefaultFormat(QSettings.Format.NativeFormat)  # as a fresh program starts
    try:
        QCoreApplication.setOrganizationName("ExchangeDesk")  # as make_application does
        QCoreApplication.setApplicationName("Exchange Desk")
        app.use_settings_file()
        settings = QSettings()
    finally:
        QCoreApplication.setOrganizationName(names[0])
        QCoreApplication.setApplicationName(names[1])
    assert settings.format() == QSettings.Format.IniFormat
    assert Path(settings.fileName()) == folder / "ExchangeDesk" / "Exchange Desk.ini"


def test_elsewhere_qt_settings_stay_native(monkeypatch: pytest.MonkeyPatch) -> None:
    from exchange_desk.ui import app

    monkeypatch.setattr(app, "ON_WINDOWS", False)
    QSettings.setDefaultFormat(QSettings.Format.NativeFormat)
    app.use_settings_file()
    assert QSettings.defaultFormat() == QSettings.Format.NativeFormat


def test_settings_an_earlier_version_kept_in_the_registry_are_moved_once(tmp_path: Path) -> None:
    from exchange_desk.ui import app

    earlier = QSettings(str(tmp_path / "registry.ini"), QSettings.Format.IniFormat)
    earlier.setValue("language", "he")
    earlier.setValue("printing/offset_x", 2.5)
    earlier.sync()
    app._move_from_registry(earlier)
    moved = QSettings()
    assert moved.value("language") == "he"
    assert float(str(moved.value("printing/offset_x"))) == 2.5
    earlier.setValue("language", "zh_CN")
    app._move_from_registry(earlier)  # the file exists now: never again
    assert QSettings().value("language") == "he"


# Qt's own translations in the frozen layouts -----------------------------------------------


@pytest.fixture
def qt_layout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[[str], Path]:
    """Lay out Qt's Hebrew catalog as a frozen folder would, with Qt's own idea of where its
    translations are pointing at an empty folder; returns where the catalog went."""
    import PySide6

    from exchange_desk.ui import language

    real = language.find_qt_catalog("he")
    assert real is not None
    monkeypatch.setattr(language, "_qt_reported_folder", lambda: tmp_path / "qt-says")
    monkeypatch.setattr(PySide6, "__file__", str(tmp_path / "elsewhere" / "PySide6" / "x.py"))

    def lay_out(layout: str) -> Path:
        internal = tmp_path / "ExchangeDesk" / "_internal"
        monkeypatch.setattr(sys, "_MEIPASS", str(internal), raising=False)
        folder = (
            internal / "PySide6" / ("translations" if layout == "windows" else "Qt/translations")
        )
        folder.mkdir(parents=True)
        return Path(shutil.copyfile(real, folder / real.name))

    return lay_out


@pytest.mark.parametrize("layout", ["windows", "linux"])
def test_qt_catalogs_are_found_in_both_frozen_layouts(
    qt_layout: Callable[[str], Path], layout: str
) -> None:
    from exchange_desk.ui.language import find_qt_catalog

    placed = qt_layout(layout)
    assert find_qt_catalog("he") == placed
    assert find_qt_catalog("fr") is None


def test_where_qt_says_comes_first(tmp_path: Path) -> None:
    from exchange_desk.ui import language
    from exchange_desk.ui.language import find_qt_catalog, qt_translation_folders

    folders = qt_translation_folders()
    assert len(folders) == len(set(folders)) >= 2
    assert folders[0] == language._qt_reported_folder()
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        _program(folder, "qtbase_he.qm")
    assert find_qt_catalog("he", [first, second]) == first / "qtbase_he.qm"


def test_the_hebrew_save_dialog_is_translated_from_the_windows_layout(
    qtbot: QtBot, qt_layout: Callable[[str], Path]
) -> None:
    from exchange_desk.ui.language import apply_language

    qt_layout("windows")
    try:
        apply_language("he")
        assert QCoreApplication.translate("QFileDialog", "&Save") == "&שמור"
        assert QCoreApplication.translate("QFileDialog", "Look in:") == "חפש בתוך:"
    finally:
        apply_language("en")
    assert QCoreApplication.translate("QFileDialog", "&Save") == "&Save"


def test_the_smoke_test_can_ask_the_program_for_qt_texts() -> None:
    """packaging/launch.py's hook that smoke.py runs in the frozen program."""
    result = subprocess.run(
        [sys.executable, str(PACKAGING / "launch.py"), "--smoke-qt-translation", "he"],
        capture_output=True, text=True, check=False, timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["catalog"].endswith("qtbase_he.qm")
    assert found["texts"]["&Save"] == "&שמור"
    assert found["texts"]["Save As"] == "שמירה בשם"


def test_the_spec_bundles_qt_catalogs_where_the_platform_keeps_them() -> None:
    spec = (PACKAGING / "exchange_desk.spec").read_text(encoding="utf-8")
    assert '"PySide6/Qt/translations"' not in spec  # the Linux layout is no longer assumed
    assert "(str(path), QT_TRANSLATIONS)" in spec
    assert 'destination.startswith(QT_TRANSLATIONS + "/")' in spec


# tools/dev.py: make run and make test without make ------------------------------------------


def test_dev_finds_the_environments_python_on_each_system(tmp_path: Path) -> None:
    venv_python = dev["venv_python"]
    assert venv_python(tmp_path, windows=True) == tmp_path / "Scripts" / "python.exe"
    assert venv_python(tmp_path, windows=False) == tmp_path / "bin" / "python"


def test_dev_reinstalls_when_the_project_changed(tmp_path: Path) -> None:
    marker, project = tmp_path / ".installed", tmp_path / "pyproject.toml"
    project.write_text("", encoding="utf-8")
    assert dev["stale"](marker, project)
    marker.touch()
    os.utime(project, (marker.stat().st_mtime - 10,) * 2)
    assert not dev["stale"](marker, project)
    os.utime(project, (marker.stat().st_mtime + 10,) * 2)
    assert dev["stale"](marker, project)


def test_dev_without_a_command_shows_how_to_use_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert dev["main"]([]) == 2
    assert "python tools/dev.py test" in capsys.readouterr().err


def test_dev_builds_the_installer_as_make_does(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ran: list[list[str]] = []

    class Finished:
        returncode = 0

    def record(command: list[Any], **_options: Any) -> Finished:
        ran.append([str(part) for part in command])
        return Finished()

    python = tmp_path / "python"
    # runpy gives a copy of the script's globals: its functions look names up in their own.
    monkeypatch.setitem(dev["installer"].__globals__, "ensure_environment", lambda: python)
    monkeypatch.setattr(dev["subprocess"], "run", record)
    assert dev["main"](["installer", "--no-smoke"]) == 0
    install, build = ran
    assert install[:2] == [str(python), "-m"]
    assert install[-1] == ".[test,package]"
    assert build[0] == str(python)
    assert Path(build[1]) == dev["ROOT"] / "packaging" / "build.py"
    assert build[2:] == ["--gui", "--installer", "--no-smoke"]
