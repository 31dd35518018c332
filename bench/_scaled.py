"""For the benchmarks on a large database: `--scale N` (or `--quick`, 10,000) on the command
line, and the demo with N synthetic delegations and the rest in proportion
(`services.demo.add_scale_load`) in a temporary folder, gone after the run."""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from exchange_desk.storage.database import Database


def scale_from_arguments() -> int:
    """How many synthetic delegations the command line asks for (100,000 by default)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="a 10,000-delegation database")
    args = parser.parse_args()
    return 10_000 if args.quick else int(args.scale)


@contextmanager
def scaled_database(scale: int) -> Iterator[Database]:
    """A new office database with the demo data and `scale` synthetic delegations."""
    # Imported here: a benchmark sets its environment (the Qt platform) before the program.
    from exchange_desk.services.database import open_office_database
    from exchange_desk.services.demo import add_scale_load, fill_demo

    with tempfile.TemporaryDirectory() as folder:
        database = open_office_database(Path(folder) / "office.sqlite")
        fill_demo(database)
        add_scale_load(database, scale)
        yield database
