"""Make the app icon's PNG sizes and the Windows ICO from resources/icons/exchange-desk.svg.

Qt's SVG renderer draws each size from the vector source (small sizes are not scaled down
from a large bitmap, so they stay sharp); Pillow writes the multi-size ICO that Windows
uses for the programs, the Start menu and the installer.

    python packaging/make_icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SOURCE = ICONS / "exchange-desk.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"cannot read {SOURCE}", file=sys.stderr)
        return 1
    written = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        path = ICONS / f"exchange-desk-{size}.png"
        image.save(str(path))
        written.append(path)
    images = [Image.open(path) for path in written]
    images[-1].save(
        ICONS / "exchange-desk.ico", sizes=[(size, size) for size in SIZES], append_images=images
    )
    del app
    print(f"wrote {len(written)} PNG sizes and exchange-desk.ico to {ICONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
