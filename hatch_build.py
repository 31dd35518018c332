"""Build hook: compile the gettext catalogs (`i18n/*/LC_MESSAGES/*.po`) into `.mo` files.

The `.mo` files are build products, never committed: a wheel gets them inside
`exchange_desk/_data/i18n`, next to the `.po` files that `pyproject.toml` already includes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogs(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        out = Path(tempfile.mkdtemp(prefix="exchange-desk-mo-"))
        for po_path in sorted((root / "i18n").glob("*/LC_MESSAGES/*.po")):
            language = po_path.parent.parent.name
            with po_path.open("rb") as handle:
                catalog = read_po(handle, locale=language)
            mo_path = out / language / "LC_MESSAGES" / po_path.with_suffix(".mo").name
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            with mo_path.open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)
            relative = mo_path.relative_to(out).as_posix()
            build_data["force_include"][str(mo_path)] = f"exchange_desk/_data/i18n/{relative}"
