"""For bench/startup.py: Exchange Desk's own start, up to the main window showing the data
of its first tab, then quit. Same path as `exchange-desk` without a command."""

from __future__ import annotations

import sys
import time

# isort: off
# As `exchange-desk` does (launcher.py): the data layer before Qt.
from exchange_desk.launcher import _load_data_layer

_load_data_layer()
from exchange_desk.services.database import open_office_database  # noqa: E402
from exchange_desk.ui.app import make_application  # noqa: E402
from exchange_desk.ui.main_window import MainWindow  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402

# isort: on

app = make_application("en")
window = MainWindow(open_office_database(sys.argv[1]), remember=False)
window.show()
tab = window.current_tab()


def quit_when_shown() -> None:
    if tab.complete and tab.model.rowCount() > 0:
        window.repaint()
        print(f"shown {time.time():.6f}", flush=True)
        app.quit()
    else:
        QTimer.singleShot(5, quit_when_shown)


QTimer.singleShot(0, quit_when_shown)
sys.exit(app.exec())
