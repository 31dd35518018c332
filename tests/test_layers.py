"""The walls between layers (architecture.md): Qt only in ui/, ReportLab only in documents/,
no SQLAlchemy in ui/. Imports are read from the source, so a lazy import inside a function
counts as much as one at the top."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "exchange_desk"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def _layer(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0]


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_the_package_has_sources() -> None:
    assert len(SOURCES) > 20


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


def test_the_wall_check_sees_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from PySide6 import QtCore\n", encoding="utf-8")
    assert "PySide6" in _imports(bad)


def test_the_window_starts_without_the_orm() -> None:
    """Mapping the ORM classes costs about 0.2 s: the path to the first window must read
    through the Core tables only (bench/startup.py measures what this protects)."""
    import os
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from exchange_desk.cli import _load_data_layer\n"
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
