"""A record's names in the three languages, and which one to show (no database needed)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from exchange_desk.i18n.catalog import active_language


@dataclass(frozen=True, slots=True)
class Names:
    """A record's name in each language; `best()` picks one with a fixed fallback order."""

    en: str = ""
    zh: str = ""
    he: str = ""

    def best(self, language: str | None = None) -> str:
        language = language or active_language()
        preferred = {"zh_CN": self.zh, "he": self.he}.get(language, self.en)
        return preferred or self.en or self.zh or self.he

    @classmethod
    def of(cls, values: Sequence[Any]) -> Names:
        if len(values) == 3:
            return cls(values[0] or "", values[1] or "", values[2] or "")
        texts = [str(v) if v is not None else "" for v in values] + ["", "", ""]
        return cls(texts[0], texts[1], texts[2])
