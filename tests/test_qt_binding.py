"""The Qt binding keeps Python's reference counts: PySide6 6.12.0 dropped a reference to
None at every call from Qt into a Python override (changeEvent, sizeHint, resizeEvent), so
on Python 3.11, where None is counted like any object, the program died after a few
thousand such calls ("Fatal Python error: none_dealloc"). pyproject.toml excludes that
version; this test refuses any other with the same fault."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QEvent, QSize
from PySide6.QtWidgets import QApplication, QWidget


class _Overriding(QWidget):
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)

    def sizeHint(self) -> QSize:
        return QSize(10, 10)


def test_overrides_called_from_qt_keep_none_alive(qtbot: Any, qapp: QApplication) -> None:
    widget = _Overriding()
    qtbot.addWidget(widget)
    before = sys.getrefcount(None)
    for turn in range(500):
        widget.setEnabled(turn % 2 == 0)  # Qt calls changeEvent
        widget.adjustSize()  # Qt calls sizeHint
    qapp.processEvents()
    # Other code may hold a few more references meanwhile; a leak loses one per call.
    assert sys.getrefcount(None) > before - 100
