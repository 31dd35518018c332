"""The program's entry point: `exchange-desk`, `python -m exchange_desk` and the frozen
programs all start here.

It reads the command line through `cli` (which never loads Qt) and only when that asks for
the window, with no command given, loads the GUI. So `exchange-desk list cities` runs
without PySide6, and the launcher is the one place outside `ui/` that opens the window.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from exchange_desk import cli


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run a command, or open the window when none is given; returns the exit status."""
    return cli.main(argv, out, open_window=open_window)


def open_window(request: cli.WindowRequest) -> int:
    """Open the main window as the command line asked for (database, language, tab, picture)."""
    _load_data_layer()
    from exchange_desk.ui.app import run_gui

    return run_gui(
        database_location=request.database_location,
        language=request.language,
        screenshot=request.screenshot,
        tab=request.tab,
    )


def _load_data_layer() -> None:
    """Import what the window will need of the data layer before Qt: once PySide6 is loaded
    it inspects every later import, which made SQLAlchemy's few hundred modules, its SQLite
    dialect and Babel's formats load 0.1-0.3 s slower (bench/startup.py)."""
    import sqlalchemy.dialects.sqlite  # noqa: F401 - loaded by create_engine otherwise

    import exchange_desk.i18n.formatting
    import exchange_desk.logs
    import exchange_desk.services.changes
    import exchange_desk.services.database
    import exchange_desk.services.tables  # noqa: F401
