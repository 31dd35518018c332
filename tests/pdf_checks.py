"""Reading PDFs back in tests: characters with their positions and fonts (pdfminer), the
fonts' embedding (pypdf), and the bundled fonts' character maps (fontTools)."""

from __future__ import annotations

import io
from collections.abc import Iterator

from fontTools.ttLib import TTFont
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTComponent, LTContainer
from pypdf import PdfReader

from exchange_desk.paths import resources_dir


def chars(pdf: bytes, pages: list[int] | None = None) -> list[LTChar]:
    """Every drawn character (of the given 0-based pages, else all)."""

    def walk(item: LTComponent) -> Iterator[LTChar]:
        if isinstance(item, LTChar):
            yield item
        elif isinstance(item, LTContainer):
            for child in item:
                yield from walk(child)

    found: list[LTChar] = []
    for page in extract_pages(io.BytesIO(pdf), page_numbers=pages):
        found.extend(walk(page))
    return found


def lines_of(pdf: bytes, pages: list[int] | None = None) -> list[str]:
    """Each printed line as it reads on paper, left to right (by the glyphs' x)."""
    result: list[str] = []
    for page in extract_pages(io.BytesIO(pdf), page_numbers=pages):
        rows: dict[float, list[LTChar]] = {}
        for char in chars_of_page(page):
            rows.setdefault(round(char.matrix[5], 1), []).append(char)  # by baseline
        result.extend(
            "".join(c.get_text() for c in sorted(row, key=lambda c: c.x0))
            for _y, row in sorted(rows.items(), reverse=True)
        )
    return result


def chars_of_page(page: LTComponent) -> Iterator[LTChar]:
    if isinstance(page, LTChar):
        yield page
    elif isinstance(page, LTContainer):
        for child in page:
            yield from chars_of_page(child)


def page_lines(pdf: bytes) -> list[list[str]]:
    """The lines of each page, page by page."""
    pages = []
    for page in extract_pages(io.BytesIO(pdf)):
        rows: dict[float, list[LTChar]] = {}
        for char in chars_of_page(page):
            rows.setdefault(round(char.matrix[5], 1), []).append(char)
        pages.append(
            [
                "".join(c.get_text() for c in sorted(row, key=lambda c: c.x0))
                for _y, row in sorted(rows.items(), reverse=True)
            ]
        )
    return pages


def font_names_in(pdf: bytes) -> dict[str, set[int]]:
    """Each font's PostScript name and the characters drawn with it.

    pypdf checks that every font of every page is embedded; pdfminer says which font drew
    each character.
    """
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            descriptor = font.get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, f"{font['/BaseFont']} is not embedded"
    drawn: dict[str, set[int]] = {}
    for char in chars(pdf):
        name = char.fontname.split("+", 1)[-1]
        drawn.setdefault(name, set()).update(ord(c) for c in char.get_text())
    return drawn


def bundled_cmaps() -> dict[str, set[int]]:
    cmaps = {}
    for path in (resources_dir() / "fonts").glob("*.ttf"):
        with TTFont(path, lazy=True) as font:  # lazy keeps the file open until closed
            cmaps[font["name"].getDebugName(6)] = set(font.getBestCmap())
    return cmaps


def assert_every_character_in_its_font(pdf: bytes) -> dict[str, set[int]]:
    """Every font embedded, every drawn character in the cmap of the font that drew it."""
    drawn = font_names_in(pdf)
    cmaps = bundled_cmaps()
    assert drawn, "no text found"
    for name, characters in drawn.items():
        assert name in cmaps, f"{name} is not a bundled font"
        missing = {chr(c) for c in characters} - {chr(c) for c in cmaps[name]}
        assert not missing, f"{name} drew characters it has no glyph for: {missing}"
    return drawn


def page_cells(pdf: bytes, gap: float = 5.0) -> list[list[list[str]]]:
    """Each page's lines, each line cut into the pieces that stand apart by more than `gap`
    points (the cells of a table row), left to right."""
    pages = []
    for page in extract_pages(io.BytesIO(pdf)):
        rows: dict[float, list[LTChar]] = {}
        for char in chars_of_page(page):
            rows.setdefault(round(char.matrix[5], 1), []).append(char)
        lines = []
        for _y, row in sorted(rows.items(), reverse=True):
            pieces: list[str] = []
            right = None
            for char in sorted(row, key=lambda c: c.x0):
                if right is None or char.x0 - right > gap:
                    pieces.append("")
                pieces[-1] += char.get_text()
                right = char.x1
            lines.append([piece.strip() for piece in pieces if piece.strip()])
        pages.append(lines)
    return pages
