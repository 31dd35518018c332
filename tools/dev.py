"""The README's two commands without `make` (on Windows, where there is none):

    python tools/dev.py run [ARGS...]     like `make run`: Exchange Desk on the demo database
    python tools/dev.py test [ARGS...]    like `make test`: the whole test suite, on every core
    python tools/dev.py installer         like `make installer`: the frozen program and its
                                          installer (needs NSIS: packaging/README)

Each first creates the virtual environment `.venv` from `pyproject.toml` when it is missing
or stale, exactly as the Makefile does (the same `.venv/.installed` marker), so the two ways
can be mixed. `run` makes the demo database `.demo/demo.sqlite` on first use (under another
name, moved into place when complete); ARGS go to the program (`--lang he`) or to pytest
(`-m "not gui"`, `tests/test_gui.py`). Needs only Python 3.11+ and its standard library.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
MARKER = VENV / ".installed"
DEMO_DB = ROOT / ".demo" / "demo.sqlite"


def venv_python(venv: Path = VENV, *, windows: bool = os.name == "nt") -> Path:
    """The virtual environment's Python: `Scripts\\python.exe` on Windows, `bin/python`."""
    return venv / "Scripts" / "python.exe" if windows else venv / "bin" / "python"


def stale(marker: Path = MARKER, project: Path = ROOT / "pyproject.toml") -> bool:
    """Whether the environment must be (re)installed: never installed, or older than the
    project's dependencies (the Makefile's `$(VENV)/.installed: pyproject.toml` rule)."""
    return not marker.is_file() or marker.stat().st_mtime < project.stat().st_mtime


def call(command: list[str | Path]) -> None:
    print("dev:", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], check=True, cwd=ROOT)


def ensure_environment() -> Path:
    python = venv_python()
    if not python.is_file():
        call([sys.executable, "-m", "venv", VENV])
    if stale():
        call([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
        call([python, "-m", "pip", "install", "--quiet", "-e", ".[test]"])
        MARKER.touch()
    return python


def run(arguments: list[str]) -> int:
    python = ensure_environment()
    if not DEMO_DB.is_file():
        DEMO_DB.parent.mkdir(exist_ok=True)
        unfinished = DEMO_DB.with_name(DEMO_DB.name + ".new")
        unfinished.unlink(missing_ok=True)
        call([python, "-m", "exchange_desk", "--db", unfinished, "demo"])
        os.replace(unfinished, DEMO_DB)
    command = [str(python), "-m", "exchange_desk", "--db", str(DEMO_DB), *arguments]
    return subprocess.run(command, cwd=ROOT, check=False).returncode


def test(arguments: list[str]) -> int:
    python = ensure_environment()
    command = [str(python), "-m", "pytest", "-n", "auto", *arguments]
    return subprocess.run(command, cwd=ROOT, check=False).returncode


def installer(arguments: list[str]) -> int:
    python = ensure_environment()
    # PyInstaller and the rest of the packaging extra, as the Makefile's .packaging step.
    call([python, "-m", "pip", "install", "--quiet", "-e", ".[test,package]"])
    build = ROOT / "packaging" / "build.py"
    command = [str(python), str(build), "--gui", "--installer", *arguments]
    return subprocess.run(command, cwd=ROOT, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    commands = {"run": run, "test": test, "installer": installer}
    if not argv or argv[0] not in commands:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        return commands[argv[0]](argv[1:])
    except subprocess.CalledProcessError as error:
        print(f"dev: failed ({error.returncode}): {error.cmd}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
