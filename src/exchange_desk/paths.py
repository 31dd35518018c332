"""Where the program's own files are: a source checkout, an installed wheel, or a frozen build.

`resources/` and `i18n/` live at the top of the repository. A wheel carries them inside the
package as `_data/` (see pyproject.toml); PyInstaller puts them under `sys._MEIPASS`.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    """The folder that holds `resources/` and `i18n/`."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    candidates = []
    if frozen_root is not None:
        candidates.append(Path(frozen_root))
    candidates.append(_PACKAGE_DIR / "_data")
    candidates.append(_PACKAGE_DIR.parent.parent)  # src/exchange_desk -> repository root
    for candidate in candidates:
        if (candidate / "resources").is_dir() and (candidate / "i18n").is_dir():
            return candidate
    searched = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"Exchange Desk's resources are missing (looked in {searched})")


def resources_dir() -> Path:
    return data_root() / "resources"


def i18n_dir() -> Path:
    return data_root() / "i18n"
