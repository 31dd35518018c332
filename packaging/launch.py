"""The frozen programs' entry point: the same `exchange-desk` command as the wheel installs.

Both programs of the bundle run this script: `ExchangeDesk` (windowed: without arguments it
opens the window) and `exchange-desk` (console: the command line). A windowed program on
Windows has no standard streams, so output it is asked for goes nowhere instead of failing.

`exchange-desk --smoke-qt-translation LANG` is for packaging/smoke.py only: it installs
LANG's Qt catalog the way the window does and prints, as ASCII JSON, the catalog it found
and Qt's own file-dialog texts in LANG, so the smoke test sees what the frozen folder's
layout gives the window (PySide6\\translations on Windows, PySide6/Qt/translations on
Linux).
"""

from __future__ import annotations

import json
import os
import sys

SMOKE_QT_TRANSLATION = "--smoke-qt-translation"
# Texts of Qt's file dialog in Qt's own context: the Save dialog's button and title, and
# Qt 6's "Look in" and "Files of type" labels (whose "&" Qt's catalogs lack: ui/language.py
# fills them in).
FILE_DIALOG_TEXTS = ("&Save", "Save As", "&Look in:", "Files of &type:")


def _streams() -> None:
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


def _smoke_qt_translation(code: str) -> int:
    from PySide6.QtCore import QCoreApplication

    from exchange_desk.ui.language import apply_language, find_qt_catalog

    app = QCoreApplication([sys.argv[0]])
    apply_language(code)
    catalog = find_qt_catalog(code)
    texts = {text: QCoreApplication.translate("QFileDialog", text) for text in FILE_DIALOG_TEXTS}
    print(json.dumps({"language": code, "catalog": str(catalog or ""), "texts": texts}))
    del app
    return 0


if __name__ == "__main__":
    _streams()
    if len(sys.argv) == 3 and sys.argv[1] == SMOKE_QT_TRANSLATION:
        sys.exit(_smoke_qt_translation(sys.argv[2]))
    from exchange_desk.launcher import main

    sys.exit(main())
