"""A record's names in the three languages, and which one to show (no database needed)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from exchange_desk.i18n.catalog import active_language
from exchange_desk.i18n.languages import name_order


@dataclass(frozen=True, slots=True)
class Names:
    """A record's name in each language; `best()` picks one with a fixed fallback order."""

    en: str = ""
    zh: str = ""
    he: str = ""

    def best(self, language: str | None = None) -> str:
        """The name in `language` (any code of it: `zh`, `zh_CN`; default the window's),
        else in English, else in any language it has."""
        for code in name_order(language or active_language()):
            name: str = getattr(self, code)
            if name:
                return name
        return ""

    @classmethod
    def of(cls, values: Sequence[Any]) -> Names:
        if len(values) == 3:
            return cls(values[0] or "", values[1] or "", values[2] or "")
        texts = [str(v) if v is not None else "" for v in values] + ["", "", ""]
        return cls(texts[0], texts[1], texts[2])
