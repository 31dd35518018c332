"""Baseline for bench/startup.py: a bare PySide6 program that imports sqlalchemy.orm and shows
a QMainWindow with four empty table tabs, then quits once it is on screen."""

from __future__ import annotations

import sys
import time

import sqlalchemy.orm  # noqa: F401 - part of what the baseline is defined to load
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView, QTabWidget

app = QApplication(sys.argv)
window = QMainWindow()
tabs = QTabWidget()
for title in ("Partner cities", "Delegations", "Cultural events", "Awards"):
    tabs.addTab(QTableView(), title)
window.setCentralWidget(tabs)
window.resize(1280, 800)
window.show()


def shown() -> None:
    # The moment the window is on screen, for the parent to subtract its launch time from.
    print(f"shown {time.time():.6f}", flush=True)
    app.quit()


QTimer.singleShot(0, shown)
sys.exit(app.exec())
