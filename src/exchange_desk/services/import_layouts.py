"""The column mappings a user chose, remembered per file layout: the next file with the same
headers for the same kind is read the same way, in the window and on the command line.

A layout is the kind and its headers, folded as `record_sheets` compares them; what is kept
is each column's target (or that it is ignored). The file is small JSON in the settings
folder (`paths.settings_dir`); a damaged or unreadable one is ignored and written anew.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from exchange_desk.paths import settings_dir
from exchange_desk.services.record_sheets import auto_mapping, fold_header

FILE_NAME = "import-layouts.json"
_KEPT = 200  # layouts remembered; the oldest are forgotten first


def _path() -> Path:
    return settings_dir() / FILE_NAME


def layout_key(kind: str, headers: Sequence[str]) -> str:
    folded = "\x1f".join(fold_header(h) for h in headers)
    return kind + ":" + hashlib.sha256(folded.encode("utf-8")).hexdigest()[:32]


def _load() -> dict[str, Any]:
    try:
        data = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def recall(kind: str, headers: Sequence[str]) -> dict[int, str | None] | None:
    """The mapping chosen before for this layout (column index -> target or None)."""
    entry = _load().get(layout_key(kind, headers))
    if not isinstance(entry, dict):
        return None
    found: dict[int, str | None] = {}
    for index, value in entry.items():
        with contextlib.suppress(ValueError):
            found[int(index)] = value if isinstance(value, str) or value is None else None
    return found


def remember(kind: str, headers: Sequence[str], mapping: Mapping[int, str | None]) -> None:
    """Keep `mapping` for this layout, if it differs from what would be found anyway;
    a settings folder that cannot be written only means it is not remembered."""
    automatic = dict(enumerate(auto_mapping(kind, headers)))
    key = layout_key(kind, headers)
    data = _load()
    if dict(mapping) == automatic:
        if data.pop(key, None) is None:
            return
    else:
        data.pop(key, None)
        data[key] = {str(index): target for index, target in mapping.items()}
    while len(data) > _KEPT:
        data.pop(next(iter(data)))
    path = _path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(data, stream, ensure_ascii=False)
        os.replace(temporary, path)
    except OSError:
        return
