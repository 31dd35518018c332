"""The printer test page: crosses 20 mm in from each corner, rulers along two edges.

Printed with the current offset on plain paper and held against the light over a sheet of
certificate stock, it shows how far the printer's output must move.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import A4, landscape

from exchange_desk.documents.fonts import Family, FontLibrary, font_library
from exchange_desk.documents.text import Style, TextEngine

MM = 72 / 25.4


def render_test_page(
    lines: Sequence[str], *, turned: bool = True, fonts: FontLibrary | None = None
) -> bytes:
    """An A4 page (landscape unless `turned` is False) with crosses and millimetre rulers.

    `lines` are the explanations printed in the middle, in the user's language.
    """
    from exchange_desk.documents.certificates import new_canvas

    engine = TextEngine(fonts or font_library())
    width, height = landscape(A4) if turned else A4
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, (width, height), engine.fonts)
    canvas.setTitle("Exchange Desk printer test page")
    canvas.setLineWidth(0.3)
    for x, y in (
        (20, 20),
        (width / MM - 20, 20),
        (20, height / MM - 20),
        (width / MM - 20, height / MM - 20),
    ):
        cx, cy = x * MM, y * MM
        canvas.line(cx - 8 * MM, cy, cx + 8 * MM, cy)
        canvas.line(cx, cy - 8 * MM, cx, cy + 8 * MM)
        canvas.circle(cx, cy, 3 * MM)
    # Millimetre rulers along the top and left edges, numbered every centimetre.
    style = Style(Family.SANS, 6)
    for mm in range(int(width / MM) + 1):
        tick = 4 if mm % 10 == 0 else 2 if mm % 5 == 0 else 1
        canvas.line(mm * MM, height, mm * MM, height - tick * MM)
        if mm % 10 == 0 and mm:
            line = engine.wrap(str(mm), style, 40)[0]
            engine.draw_line(canvas, line, mm * MM, height - 7 * MM, "center")
    for mm in range(int(height / MM) + 1):
        tick = 4 if mm % 10 == 0 else 2 if mm % 5 == 0 else 1
        canvas.line(0, height - mm * MM, tick * MM, height - mm * MM)
        if mm % 10 == 0 and mm:
            line = engine.wrap(str(mm), style, 40)[0]
            engine.draw_line(canvas, line, 6 * MM, height - mm * MM - 2, "left")
    y = height / 2 + 30
    for text in lines:
        for line in engine.wrap(text, Style(Family.SANS, 12), width - 80 * MM):
            engine.draw_line(canvas, line, width / 2, y, "center")
            y -= line.height
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
