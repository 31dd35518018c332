"""`python -m exchange_desk`: the same as the `exchange-desk` command."""

from __future__ import annotations

import sys

from exchange_desk.launcher import main

if __name__ == "__main__":
    sys.exit(main())
