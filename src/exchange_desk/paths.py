"""Where the program's own files are: a source checkout, an installed wheel, or a frozen build;
and, for a portable copy, where its data is kept.

`resources/` and `i18n/` live at the top of the repository. A wheel carries them inside the
package as `_data/` (see pyproject.toml); PyInstaller puts them under `sys._MEIPASS`.

A frozen program with a file named `portable` or `portable.txt` beside it keeps its data
(database, settings, log) in a `data` folder next to it instead of the user's folders: the
whole office on a USB stick.

The log file lives in the user's local (not roaming) folder for logs: on Windows
`%LOCALAPPDATA%\\ExchangeDesk\\Logs`.
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


PORTABLE_MARKERS = ("portable", "portable.txt")
# The folder name under the user's folders; the same as storage.database.APP_NAME.
APP_NAME = "ExchangeDesk"
LOG_FILE_NAME = "exchange-desk.log"


def program_dir() -> Path | None:
    """The folder of the frozen program's executable; None when running from Python."""
    if not getattr(sys, "frozen", False):
        return None
    return Path(sys.executable).resolve().parent


def portable_data_dir() -> Path | None:
    """The data folder of a portable copy (`data` beside the program), or None when this is
    not one: not frozen, or no marker file beside the executable."""
    folder = program_dir()
    if folder is None or not any((folder / name).is_file() for name in PORTABLE_MARKERS):
        return None
    return folder / "data"


def resources_dir() -> Path:
    return data_root() / "resources"


def i18n_dir() -> Path:
    return data_root() / "i18n"


def log_dir() -> Path:
    """The folder of the log file: `data/logs` of a portable copy, else the user's local
    folder for logs (a log that roams with the profile would only slow down every logon)."""
    portable = portable_data_dir()
    if portable is not None:
        return portable / "logs"
    from platformdirs import user_log_dir

    return Path(user_log_dir(APP_NAME, appauthor=False))


def settings_dir() -> Path:
    """The folder of the program's own settings files (what Qt's settings do not hold, so
    the command line shares them: the import's remembered column layouts): `data/settings`
    of a portable copy, else the user's roaming settings folder (on Windows
    `%APPDATA%\\ExchangeDesk`). `EXCHANGE_DESK_SETTINGS_DIR` overrides it (tests)."""
    import os

    forced = os.environ.get("EXCHANGE_DESK_SETTINGS_DIR")
    if forced:
        return Path(forced)
    portable = portable_data_dir()
    if portable is not None:
        return portable / "settings"
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False, roaming=True))


def log_file() -> Path:
    return log_dir() / LOG_FILE_NAME
