"""The frozen programs' entry point: the same `exchange-desk` command as the wheel installs.

Both programs of the bundle run this script: `ExchangeDesk` (windowed: without arguments it
opens the window) and `exchange-desk` (console: the command line). A windowed program on
Windows has no standard streams, so output it is asked for goes nowhere instead of failing.
"""

from __future__ import annotations

import os
import sys


def _streams() -> None:
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


if __name__ == "__main__":
    _streams()
    from exchange_desk.launcher import main

    sys.exit(main())
