"""Widgets that set their texts again when the language changes while they are open.

A class lists `Retranslating` before its Qt base and implements `retranslate()`, which sets
every text it shows through `_()` at call time. Qt delivers `LanguageChange` to a dialog
twice (as a window and as the child of the main window), and to each nested widget of ours:
the language last applied is remembered so each widget does the work once per switch.
"""

from __future__ import annotations

import re
from typing import Any, cast

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QWidget

from exchange_desk.i18n.catalog import active_language


class Retranslating:
    """Mixin for a QWidget subclass: `retranslate()` runs on each change of language."""

    _translated_as: str = ""

    def retranslate(self) -> None:  # pragma: no cover - every user defines its own
        raise NotImplementedError

    def translate_now(self) -> None:
        """Set the texts in the active language (called at the end of `__init__`)."""
        self._translated_as = active_language()
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and self._translated_as != active_language():
            self.translate_now()
        super().changeEvent(event)  # type: ignore[misc]


def plain_label(text: str) -> str:
    """A menu entry's text as a button shows it: "&New…" → "New", "新建(&N)…" → "新建"."""
    text = re.sub(r"\s*\(&[^&\s]\)", "", text)
    text = re.sub(r"&([^&])", r"\1", text).replace("&&", "&")
    return text.removesuffix("…").removesuffix("...").strip()


def relabel(box: QComboBox, label_of: Any) -> None:
    """Set each item's text of `box` again from its data (`label_of(data) -> str`), keeping
    the choice: the items stay, only their words change."""
    for index in range(box.count()):
        box.setItemText(index, str(label_of(box.itemData(index))))


def set_form_labels(form: QFormLayout, labels: list[tuple[QWidget, str]]) -> None:
    """Set the label of each field's row in `form`, making it the first time (a row added
    with an empty text has none), with the field as its buddy for the mnemonic."""
    for field, text in labels:
        label = form.labelForField(field)
        if not isinstance(label, QLabel):
            # PySide6 gives (row, role) where Qt fills two out-parameters.
            position = cast(tuple[int, Any], form.getWidgetPosition(field))
            row = position[0]
            if row < 0:
                continue
            label = QLabel()
            label.setBuddy(field)
            form.setWidget(row, QFormLayout.ItemRole.LabelRole, label)
        label.setText(text)
