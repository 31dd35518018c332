"""Letters as Word documents (.docx), for offices that finish a letter in Word: the same
letter as the PDF, with the letterhead, the paragraphs, the members as a table, the
signature, and the logo and seal as pictures.

Written with python-docx, and a little of the WordprocessingML it does not cover, so that the
file opens right in Word on Windows: Chinese runs name an East Asian font (`w:eastAsia`,
宋体) and the Chinese language; Hebrew paragraphs are right to left (`w:bidi`), their Hebrew
runs too (`w:rtl`, with the complex-script font David and its own size), and a Hebrew table
runs from right to left (`w:bidiVisual`). Alignment is written as Word reads it in a
right-to-left paragraph: "left" is the paragraph's start. The seal floats over the signature
(`wp:anchor`, in front of the text) as a stamp does; python-docx itself only places pictures
in the line.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.image.exceptions import UnrecognizedImageError
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Emu, Length, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from exchange_desk.documents.certificates import UnreadableImage
from exchange_desk.documents.fonts import Script, script_of
from exchange_desk.domain.letters import LetterContent, LetterSide, LetterTable

# Fonts every Windows has: a serif for Latin, 宋体 for Chinese, David for Hebrew.
LATIN_FONT = "Times New Roman"
EAST_ASIAN_FONT = "SimSun"
HEBREW_FONT = "David"
LANGUAGE_TAGS = {"zh": "zh-CN", "en": "en-GB", "he": "he-IL"}

INK = RGBColor(0x17, 0x19, 0x1F)
MUTED = RGBColor(0x5C, 0x61, 0x6B)
RED = RGBColor(0xC7, 0x12, 0x12)
NAVY = RGBColor(0x17, 0x33, 0x61)
TEXT_WIDTH_MM = 210 - 2 * 24
SEAL_MM = 40


def _check_images(content: LetterContent) -> None:
    """python-docx reads a picture's header only: a broken logo or seal is refused here."""
    from docx.image.image import Image

    for data in (content.logo, content.seal):
        if data:
            try:
                Image.from_blob(data)
            except (UnrecognizedImageError, ValueError, KeyError, IndexError) as exc:
                raise UnreadableImage(str(exc)) from exc


def render_letter_docx(content: LetterContent) -> bytes:
    """The letter as .docx bytes: each language from a new page."""
    _check_images(content)
    document = Document()
    _page_setup(document)
    properties = document.core_properties
    properties.title = content.title
    properties.author = content.author
    properties.comments = content.record_label
    for index, side in enumerate(content.sides):
        if index:
            section = document.add_section(WD_SECTION.NEW_PAGE)
            _margins(section)
        _side(document, side, content)
    # python-docx's template starts with an empty paragraph; the letter starts at the top.
    first = document.paragraphs[0] if document.paragraphs else None
    if first is not None and not first.text and not first.runs:
        first._element.getparent().remove(first._element)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _page_setup(document: DocumentObject) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    _margins(section)
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(11.5)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    fonts.set(qn("w:cs"), HEBREW_FONT)
    normal.paragraph_format.space_after = Pt(0)


def _margins(section: Section) -> None:
    section.left_margin = section.right_margin = Mm(24)
    section.top_margin = Mm(16)
    section.bottom_margin = Mm(20)


# --- runs and paragraphs ----------------------------------------------------------------------


def _segments(text: str) -> list[tuple[str, bool]]:
    """Text cut into runs by direction: Hebrew runs (with the spaces and signs between their
    letters) right to left, the rest left to right, as Word itself writes a mixed line."""
    found: list[tuple[str, bool]] = []
    for char in text:
        if script_of(char) is Script.HEBREW:
            rtl: bool | None = True
        elif char.isalpha() or char.isdigit() or char in "\u202a\u202d\u2066":
            # An embedding or isolate left to right starts a run of its own.
            rtl = False
        else:
            rtl = None  # a neutral goes with the run it follows
        if found and (rtl is None or found[-1][1] == rtl):
            found[-1] = (found[-1][0] + char, found[-1][1])
        else:
            found.append((char, bool(rtl)))
    return found


def _style_run(
    run: Run,
    language: str,
    *,
    size: float,
    bold: bool = False,
    color: RGBColor = INK,
    rtl: bool = False,
    underline: bool = False,
) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.underline = underline
    run.font.color.rgb = color
    properties = run._r.get_or_add_rPr()
    fonts = properties.get_or_add_rFonts()
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    fonts.set(qn("w:cs"), HEBREW_FONT)
    if language == "zh":
        fonts.set(qn("w:hint"), "eastAsia")
    # The complex-script size and weight, which Word uses for Hebrew.
    properties.append(parse_xml(f'<w:szCs {nsdecls("w")} w:val="{round(size * 2)}"/>'))
    if bold:
        properties.append(parse_xml(f"<w:bCs {nsdecls('w')}/>"))
    if rtl:
        properties.append(parse_xml(f"<w:rtl {nsdecls('w')}/>"))
    # Spelling and line breaking by language: Latin text as English, Han as Chinese,
    # Hebrew as Hebrew.
    properties.append(
        parse_xml(
            f'<w:lang {nsdecls("w")} w:val="{LANGUAGE_TAGS["en"]}" '
            f'w:eastAsia="{LANGUAGE_TAGS["zh"]}" w:bidi="{LANGUAGE_TAGS["he"]}"/>'
        )
    )
    _order_run_properties(properties)


# The order WordprocessingML requires of a run's properties (CT_RPr's sequence).
_RPR_ORDER = [
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
    "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden",
    "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect",
    "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout",
    "specVanish", "oMath",
]  # fmt: skip


def _in_order(element: BaseOxmlElement, order: Sequence[str]) -> None:
    """Put an element's children in the order the schema requires (Word refuses a file
    whose properties stand in another order); unknown ones last, as they were."""
    rank = {qn(f"w:{name}"): index for index, name in enumerate(order)}
    children = sorted(element, key=lambda child: rank.get(child.tag, len(rank)))
    for child in children:
        element.remove(child)
        element.append(child)


def _order_run_properties(properties: BaseOxmlElement) -> None:
    _in_order(properties, _RPR_ORDER)


def _add_text(
    paragraph: Paragraph,
    text: str,
    language: str,
    *,
    size: float,
    bold: bool = False,
    color: RGBColor = INK,
    underline: bool = False,
) -> None:
    """`text` as runs of `paragraph`; a line break inside it stays a line break."""
    for number, line in enumerate(text.split("\n")):
        if number:
            paragraph.add_run().add_break(WD_BREAK.LINE)
        pieces = _segments(line) if language == "he" else [(line, False)]
        for piece, rtl in pieces:
            run = paragraph.add_run(piece)
            _style_run(
                run, language, size=size, bold=bold, color=color, rtl=rtl, underline=underline
            )


def _paragraph(
    container: DocumentObject | _Cell,
    side: LetterSide,
    text: str = "",
    *,
    size: float | None = None,
    bold: bool = False,
    color: RGBColor = INK,
    align: str = "start",
    after: float = 0,
    before: float = 0,
    underline: bool = False,
    line_spacing: float | None = None,
) -> Paragraph:
    paragraph: Paragraph = container.add_paragraph()
    _aligned(paragraph, side, text, align)
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(before)
    if line_spacing:
        fmt.line_spacing = line_spacing
    if text:
        _add_text(
            paragraph,
            text,
            side.language,
            size=size or _body_size(side),
            bold=bold,
            color=color,
            underline=underline,
        )
    return paragraph


def _aligned(paragraph: Paragraph, side: LetterSide, text: str, align: str) -> None:
    """Direction and alignment. In a Hebrew letter a paragraph is right to left, unless it
    has no Hebrew at all (an address in Latin letters, a time, a passport number): that one
    runs left to right, set at the right as the rest, or its leading "1" or the order of
    09:30–10:30 would be turned around."""
    rtl = side.rtl and (not text or any(script_of(c) is Script.HEBREW for c in text))
    _direction(paragraph, rtl)
    if side.rtl and not rtl and align in ("start", "end"):
        align = "end" if align == "start" else "start"
    paragraph.alignment = {
        "start": WD_ALIGN_PARAGRAPH.LEFT,  # the start: the right of a bidi paragraph
        "end": WD_ALIGN_PARAGRAPH.RIGHT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]


def _direction(paragraph: Paragraph, rtl: bool) -> None:
    if rtl:
        properties = paragraph._p.get_or_add_pPr()
        properties.insert(0, parse_xml(f"<w:bidi {nsdecls('w')}/>"))
        _order_paragraph_properties(properties)


_PPR_ORDER = [
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku",
    "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi",
    "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
    "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
    "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
]  # fmt: skip


def _order_paragraph_properties(properties: BaseOxmlElement) -> None:
    _in_order(properties, _PPR_ORDER)


def _border_below(paragraph: Paragraph, color: RGBColor, *, double: bool) -> None:
    style = 'w:val="thickThinSmallGap" w:sz="24"' if double else 'w:val="single" w:sz="8"'
    properties = paragraph._p.get_or_add_pPr()
    properties.append(
        parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:bottom {style} w:space="4" w:color="{color}"/></w:pBdr>'
        )
    )
    _order_paragraph_properties(properties)


def _body_size(side: LetterSide) -> float:
    return 12.0 if side.language == "zh" else 11.5


# --- the letter -------------------------------------------------------------------------------


def _side(document: DocumentObject, side: LetterSide, content: LetterContent) -> None:
    chinese = side.language == "zh"
    _letterhead(document, side, content)
    number = f"{side.number_label}{'' if chinese else ' '}{side.number}"
    _paragraph(document, side, number, size=11, align="end", before=6)
    if chinese:
        size = 20 if len(side.subject) <= 8 else 16
        _paragraph(
            document, side, side.subject, size=size, bold=True, align="center", before=10, after=14
        )
    else:
        _paragraph(document, side, side.date, size=11, align="end", after=14)
        for index, line in enumerate(side.recipient):
            final = index == len(side.recipient) - 1
            _paragraph(document, side, line, after=14 if final else 0)
        subject = f"{side.subject_label} {side.subject}".strip()
        _paragraph(document, side, subject, bold=True, underline=side.language == "he", after=10)
    spacing = 1.5 if chinese else 1.15
    last: Paragraph | None = None
    for paragraph in side.body:
        if isinstance(paragraph, LetterTable):
            _table(document, side, paragraph)
            last = None
        else:
            last = _paragraph(document, side, paragraph, after=6, line_spacing=spacing)
    if last is not None:
        # The closing goes to the page of the signature (Word's "keep with next").
        last.paragraph_format.keep_with_next = True
    _signature(document, side, content)


def _letterhead(document: DocumentObject, side: LetterSide, content: LetterContent) -> None:
    chinese = side.language == "zh"
    if chinese:
        if content.logo:
            logo = _paragraph(document, side, align="center")
            logo.add_run().add_picture(io.BytesIO(content.logo), height=Mm(14))
        _paragraph(document, side, side.office, size=20, bold=True, color=RED, align="center")
        details = _paragraph(
            document, side, "　".join(side.office_details), size=8, color=MUTED, align="center"
        )
        _border_below(details, RED, double=True)
        return
    if content.logo:
        table = document.add_table(rows=1, cols=2)
        _no_borders(table)
        if side.rtl:
            _bidi_table(table)
        _order_table_properties(table)
        logo_cell, text_cell = table.rows[0].cells
        _column_widths(table, [Mm(28), Mm(TEXT_WIDTH_MM - 28)])
        logo_cell.paragraphs[0].add_run().add_picture(io.BytesIO(content.logo), height=Mm(20))
        _direction(logo_cell.paragraphs[0], side.rtl)
        head = text_cell.paragraphs[0]
        _direction(head, side.rtl)
        _add_text(head, side.office, side.language, size=12.5, bold=True, color=NAVY)
        for detail in side.office_details:
            _paragraph(text_cell, side, detail, size=8, color=MUTED)
        rule = _paragraph(document, side, after=4)
    else:
        rule = _paragraph(document, side, side.office, size=12.5, bold=True, color=NAVY)
        for detail in side.office_details:
            rule = _paragraph(document, side, detail, size=8, color=MUTED)
    _border_below(rule, NAVY, double=False)


_TBLPR_ORDER = [
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
    "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
    "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription",
]  # fmt: skip


def _order_table_properties(table: Table) -> None:
    _in_order(table._tbl.tblPr, _TBLPR_ORDER)


def _column_widths(table: Table, widths: Sequence[Length]) -> None:
    """Each cell's width and the table grid's, and a fixed layout: Word (and LibreOffice)
    would otherwise fit the columns to the text again and wrap a passport number."""
    properties = table._tbl.tblPr
    for old in properties.findall(qn("w:tblW")) + properties.findall(qn("w:tblLayout")):
        properties.remove(old)
    total = sum(int(width) for width in widths) // 635  # EMU to twentieths of a point
    properties.append(parse_xml(f'<w:tblW {nsdecls("w")} w:type="dxa" w:w="{total}"/>'))
    properties.append(parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>'))
    _in_order(properties, _TBLPR_ORDER)
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=False):
        column.w = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = width


def _no_borders(table: Table) -> None:
    properties = table._tbl.tblPr
    properties.append(
        parse_xml(
            f"<w:tblBorders {nsdecls('w')}>"
            + "".join(
                f'<w:{edge} w:val="nil"/>'
                for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
            )
            + "</w:tblBorders>"
        )
    )


def _bidi_table(table: Table) -> None:
    table._tbl.tblPr.append(parse_xml(f"<w:bidiVisual {nsdecls('w')}/>"))


def _column_weights(table: LetterTable) -> list[float]:
    """Shares of the width, from the cells' lengths (a Chinese character counts twice):
    python-docx cannot measure text, and Word takes these as the columns' widths."""

    def length(text: str) -> float:
        return max(
            (
                sum(2 if script_of(c) is Script.HAN else 1 for c in line)
                for line in text.split("\n")
            ),
            default=0,
        )

    weights = []
    for column, weight in enumerate(table.widths):
        cells = [row[column] for row in table.rows if column < len(row)]
        if column in table.narrow:
            words = table.columns[column].split() if column < len(table.columns) else []
            need = max([length(c) for c in cells] + [length(w) for w in words] + [2])
            weights.append(need * 1.2 + 4)
        else:
            weights.append(weight * 14)
    return weights


def _table(document: DocumentObject, side: LetterSide, block: LetterTable) -> None:
    header = block.ruled and any(block.columns)
    rows = ([block.columns] if header else []) + list(block.rows)
    table = document.add_table(rows=len(rows), cols=len(block.widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if side.rtl:
        _bidi_table(table)
    if block.ruled:
        table._tbl.tblPr.append(
            parse_xml(
                f"<w:tblBorders {nsdecls('w')}>"
                '<w:top w:val="single" w:sz="8" w:color="17191F"/>'
                '<w:left w:val="nil"/>'
                '<w:bottom w:val="single" w:sz="8" w:color="17191F"/>'
                '<w:right w:val="nil"/>'
                '<w:insideH w:val="single" w:sz="2" w:color="B8BCC4"/>'
                '<w:insideV w:val="nil"/>'
                "</w:tblBorders>"
            )
        )
    else:
        _no_borders(table)
    _order_table_properties(table)
    weights = _column_weights(block)
    total = sum(weights) or 1.0
    widths = [Emu(int(Mm(TEXT_WIDTH_MM) * weight / total)) for weight in weights]
    _column_widths(table, widths)
    for row_index, (row, values) in enumerate(zip(table.rows, rows, strict=True)):
        is_header = header and row_index == 0
        if is_header:
            row._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
        for cell, text in zip(row.cells, values, strict=False):
            paragraph = cell.paragraphs[0]
            first, _newline, rest = text.partition("\n")
            _aligned(paragraph, side, first, "start")
            if first:
                _add_text(paragraph, first, side.language, size=9, bold=is_header)
            if rest:
                more = cell.add_paragraph()
                _aligned(more, side, rest, "start")
                _add_text(more, rest, side.language, size=9, color=MUTED)
            if is_header:
                cell._tc.get_or_add_tcPr().append(
                    parse_xml(
                        f"<w:tcBorders {nsdecls('w')}>"
                        '<w:bottom w:val="single" w:sz="6" w:color="17191F"/></w:tcBorders>'
                    )
                )
    _paragraph(document, side, after=4)


def _signature(document: DocumentObject, side: LetterSide, content: LetterContent) -> None:
    chinese = side.language == "zh"
    sealed = side.sealed and bool(content.seal)
    if chinese:
        lines = list(side.signature) + ([side.date] if side.date else [])
        _paragraph(document, side, after=18).paragraph_format.keep_with_next = True
        anchor: Paragraph | None = None
        for index, line in enumerate(lines):
            paragraph = _paragraph(document, side, line, align="end")
            paragraph.paragraph_format.right_indent = Mm(8)
            paragraph.paragraph_format.keep_with_next = index < len(lines) - 1
            if index == len(lines) - 2 or (len(lines) == 1 and index == 0):
                anchor = paragraph
        if sealed and anchor is not None:
            # Over the office's name and the date, as the stamp falls.
            _floating_picture(anchor, content.seal or b"", Mm(TEXT_WIDTH_MM - 8 - 46), -Mm(14))
        return
    space = _paragraph(document, side, after=0)
    space.paragraph_format.space_after = Pt(30)
    space.paragraph_format.keep_with_next = True
    paragraphs = []
    for index, line in enumerate(side.signature):
        paragraph = _paragraph(document, side, line, bold=index == 0)
        paragraph.paragraph_format.keep_with_next = index < len(side.signature) - 1
        paragraphs.append(paragraph)
    if sealed and paragraphs:
        # Beside the signature, over its space and the office's name, as in the PDF.
        size = SEAL_MM * 0.9
        left = Mm(TEXT_WIDTH_MM - 22 - size) if side.rtl else Mm(22)
        _floating_picture(paragraphs[0], content.seal or b"", left, -Mm(size / 2), size)


def _floating_picture(
    paragraph: Paragraph, data: bytes, left: int, top: int, size: float = SEAL_MM
) -> None:
    """The picture in front of the text, at (`left`, `top`) EMU from the column's left and
    the paragraph's top: python-docx places it in the line, and its `wp:inline` becomes a
    `wp:anchor` that does not push the text aside."""
    run = paragraph.add_run()
    run.add_picture(io.BytesIO(data), width=Mm(size), height=Mm(size))
    inline = run._r.xpath(".//wp:inline")[0]
    extent = inline.find(qn("wp:extent"))
    doc_properties = inline.find(qn("wp:docPr"))
    graphic = inline.find(qn("a:graphic"))
    anchor = parse_xml(
        f'<wp:anchor {nsdecls("wp", "a", "pic", "r")} distT="0" distB="0" distL="0" '
        'distR="0" simplePos="0" relativeHeight="251659264" behindDoc="0" locked="0" '
        'layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="column"><wp:posOffset>{int(left)}</wp:posOffset>'
        "</wp:positionH>"
        f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>{int(top)}</wp:posOffset>'
        "</wp:positionV>"
        "</wp:anchor>"
    )
    anchor.append(copy.deepcopy(extent))
    anchor.append(parse_xml(f'<wp:effectExtent {nsdecls("wp")} l="0" t="0" r="0" b="0"/>'))
    anchor.append(parse_xml(f"<wp:wrapNone {nsdecls('wp')}/>"))
    anchor.append(copy.deepcopy(doc_properties))
    anchor.append(parse_xml(f"<wp:cNvGraphicFramePr {nsdecls('wp')}/>"))
    anchor.append(copy.deepcopy(graphic))
    inline.getparent().replace(inline, anchor)


__all__ = ["render_letter_docx"]
