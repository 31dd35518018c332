"""The walls between layers (architecture.md). Third-party libraries: Qt only in ui/,
ReportLab only in documents/, no SQLAlchemy in ui/. And the program's own layers:

- domain/ imports nothing of ours outside domain/;
- i18n/ imports only domain/ and i18n/ (and paths, for its catalogs);
- storage/ imports only domain/ and storage/ (and paths);
- documents/ imports no storage/, services/, ui/ nor the command line;
- services/ imports no ui/ nor the command line;
- ui/ imports no storage/ (nor SQLAlchemy, nor Alembic) and not the command line;
- the command line (cli.py) imports no ui/ and no Qt: the launcher alone opens the window.

Imports are read from the source, so a lazy import inside a function counts as much as one
at the top, and so does one under `if TYPE_CHECKING:`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "exchange_desk"
ROOT = ""  # the package itself (`from exchange_desk import __version__`): anyone may


def _modules(path: Path) -> set[str]:
    """Every module `path` imports, by its full dotted name; `from package import name`
    counts as importing `package.name` too (it may be a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _imports(path: Path) -> set[str]:
    """The top-level packages `path` imports (third-party and ours alike)."""
    return {name.split(".")[0] for name in _modules(path)}


def _unit(name: str) -> str:
    """The layer a module of ours belongs to: "domain", "ui"..., "cli", "launcher",
    "paths" for a top-level module, ROOT for the package itself."""
    parts = name.split(".")[1:]
    if not parts:
        return ROOT
    first = parts[0]
    if (PACKAGE / first).is_dir() or (PACKAGE / f"{first}.py").is_file():
        return first
    return ROOT  # a name defined in the package's __init__ (`__version__`)


def _our_layers(path: Path) -> set[str]:
    """The layers of ours that `path` imports (its own included)."""
    return {
        _unit(name)
        for name in _modules(path)
        if name == "exchange_desk" or name.startswith("exchange_desk.")
    } - {ROOT}


def _layer(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    if len(relative.parts) > 1:
        return relative.parts[0]
    return ROOT if relative.name == "__init__.py" else relative.stem


SOURCES = sorted(PACKAGE.rglob("*.py"))

# Which layers of ours each layer may import ("only these"), or must not ("none of these").
ONLY: dict[str, set[str]] = {
    "domain": {"domain"},
    "i18n": {"domain", "i18n", "paths"},
    "storage": {"domain", "storage", "paths"},
}
NEVER: dict[str, set[str]] = {
    "documents": {"storage", "services", "ui", "cli", "launcher", "__main__"},
    "services": {"ui", "cli", "launcher", "__main__"},
    "ui": {"storage", "cli", "launcher", "__main__"},
    "cli": {"ui", "launcher", "__main__"},
}


def test_the_package_has_sources() -> None:
    assert len(SOURCES) > 20
    # Every layer a rule names exists, so a renamed folder cannot empty a rule silently.
    for layer in {*ONLY, *NEVER}:
        assert any(_layer(path) == layer for path in SOURCES), layer


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layer_walls(path: Path) -> None:
    imports = _imports(path)
    layer = _layer(path)
    if layer != "ui":
        assert "PySide6" not in imports, f"{path.name} imports Qt outside ui/"
    else:
        assert "sqlalchemy" not in imports, f"{path.name} imports SQLAlchemy inside ui/"
        assert "alembic" not in imports
    if layer != "documents":
        assert "reportlab" not in imports, f"{path.name} imports ReportLab outside documents/"
    if layer == "domain":
        assert not imports & {"sqlalchemy", "alembic", "PySide6", "reportlab", "psycopg"}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_internal_walls(path: Path) -> None:
    layer = _layer(path)
    ours = _our_layers(path) - {layer}
    if layer in ONLY:
        assert ours <= ONLY[layer], f"{layer}/ imports {sorted(ours - ONLY[layer])}"
    if layer in NEVER:
        assert not ours & NEVER[layer], f"{layer} imports {sorted(ours & NEVER[layer])}"


def test_the_launcher_alone_opens_the_window() -> None:
    """Outside ui/, only the launcher imports ui/ (and __main__ starts the launcher)."""
    importers = {
        _layer(path) for path in SOURCES if _layer(path) != "ui" and "ui" in _our_layers(path)
    }
    assert importers <= {"launcher"}, importers


def test_the_wall_check_sees_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from PySide6 import QtCore\n", encoding="utf-8")
    assert "PySide6" in _imports(bad)


def test_the_wall_check_sees_our_own_layers(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from exchange_desk import __version__, cli\n"
        "from exchange_desk.i18n.catalog import _\n"
        "def f():\n"
        "    import exchange_desk.storage.database\n"
        "    from exchange_desk.ui import app\n",
        encoding="utf-8",
    )
    assert _our_layers(bad) == {"cli", "i18n", "storage", "ui"}


def test_the_window_starts_without_the_orm() -> None:
    """Mapping the ORM classes costs about 0.2 s: the path to the first window must read
    through the Core tables only (bench/startup.py measures what this protects)."""
    import os
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from exchange_desk.launcher import _load_data_layer\n"
        "_load_data_layer()\n"
        "import exchange_desk.ui.app, exchange_desk.ui.main_window\n"
        "print(sorted(m for m in sys.modules if m.startswith('exchange_desk.storage.models')\n"
        "             or m.startswith('exchange_desk.services.records')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.stdout.strip() == "[]", done.stdout
