"""What a certificate must say, and how its page is laid out (issue 12), read back from the
PDF: the honour in every language, the signing block (Chinese practice for a Chinese-only
certificate), a searchable title, the preview mark, the modern design's unprinted margin,
balanced lines that keep citations readable, the weight of a Chinese name, and measuring
each line once in a batch.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import math
import re
from collections.abc import Iterator

import pytest
from bidi.algorithm import get_display
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTComponent, LTContainer, LTCurve, LTImage, LTLine
from PIL import Image, ImageDraw
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, landscape

from exchange_desk.documents.certificates import MM, CertificateRenderer
from exchange_desk.documents.fonts import FontLibrary, MissingGlyphs
from exchange_desk.domain.certificates import CertificateContent, CertificateSide, mode_languages
from exchange_desk.domain.enums import Design, LanguageMode, Orientation
from pdf_checks import chars, lines_of

FONTS = FontLibrary(system_dirs=[])

WORDS = {
    "zh": {
        "title": "荣誉证书",
        "presented_to": "兹授予",
        "recipient": "克法尔萨巴市",
        "honour": "荣获友好城市交流合作奖",
        "citation": "以表彰其为促进中以两国城市间友好交流与合作作出的杰出贡献。",
        "issuer": "中国人民对外友好协会",
        "place_and_date": "2018年11月16日",
        "signatory": "王喆",
        "signatory_title": "会长",
        "on_behalf": "济南市人民政府外事办公室代为印制",
    },
    "en": {
        "title": "Certificate of Honour",
        "presented_to": "This certificate is presented to",
        "recipient": "the City of Kfar Saba",
        "honour": "Friendship City Award 2018",
        "citation": "In recognition of its contribution to friendship between cities.",
        "issuer": "Chinese People's Association for Friendship with Foreign Countries",
        "place_and_date": "Wuhan, November 16, 2018",
        "signatory": "Wang Zhe",
        "signatory_title": "President",
        "on_behalf": "Printed by the Foreign Affairs Office of Jinan on behalf of the "
        "conferring body",
    },
    "he": {
        "title": "תעודת הוקרה",
        "presented_to": "תעודה זו מוענקת ל־",
        "recipient": "עיריית כפר סבא",
        "honour": "פרס ערים תאומות",
        "citation": "כהוקרה על תרומתה לידידות בין הערים.",
        "issuer": "האגודה העממית של סין לידידות עם מדינות זרות",
        "place_and_date": "ווהאן, 16 בנובמבר 2018",
        "signatory": "ואנג ג'ה",
        "signatory_title": "נשיא",
        "on_behalf": "הודפס על ידי המחלקה לקשרי חוץ של ג'ינאן",
    },
}

# Long citations: the English takes several lines, the Chinese and Hebrew would run on.
LONG = {
    "zh": "以表彰其多年来为促进中以两国城市间在经贸、文化、教育、科技、卫生、体育和青少年"
    "交流等领域的友好交流与务实合作作出的杰出贡献，特颁此证，以资鼓励，愿友谊长存。",
    "en": "in recognition of its outstanding contribution over many years to friendly "
    "exchanges and practical cooperation between Chinese and Israeli cities in trade, "
    "culture, education, science, health, sport and youth exchanges, and of the lasting "
    "friendship between the peoples of the two cities.",
    "he": "כהוקרה על תרומתה הרבה במשך שנים רבות לחילופי ידידות ולשיתוף פעולה מעשי בין ערים "
    "בסין ובישראל בתחומי הסחר התרבות החינוך המדע הבריאות הספורט ונוער ועל הידידות "
    "המתמשכת בין תושבי שתי הערים.",
}


def seal_png() -> bytes:
    """A red seal: a ring and a star on a transparent background."""
    image = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (200, 16, 30, 255)
    draw.ellipse((10, 10, 290, 290), outline=red, width=12)
    points = []
    for index in range(10):
        radius = 60 if index % 2 == 0 else 24
        angle = -math.pi / 2 + index * math.pi / 5
        points.append((150 + radius * math.cos(angle), 150 + radius * math.sin(angle)))
    draw.polygon(points, fill=red)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def content(
    mode: LanguageMode,
    *,
    preview: bool = False,
    seal: bytes | None = None,
    on_behalf: bool = False,
    **overrides: str,
) -> CertificateContent:
    sides = []
    for language in mode_languages(mode):
        words = dict(WORDS[language])
        if not on_behalf:
            words["on_behalf"] = ""
        for name, text in overrides.items():
            if name.endswith(f"_{language}"):
                words[name.removesuffix(f"_{language}")] = text
        sides.append(CertificateSide(language=language, **words))
    return CertificateContent(
        award_id=1,
        number="" if preview else "JN-2018-0007",
        sides=tuple(sides),
        issued_on=dt.date(2018, 11, 16),
        seal_image=seal,
        record_label="award 1",
        preview=preview,
        number_note="number given when printed" if preview else "",
    )


def render(
    item: CertificateContent,
    design: Design = Design.FORMAL,
    orientation: Orientation = Orientation.LANDSCAPE,
) -> tuple[bytes, CertificateRenderer]:
    renderer = CertificateRenderer(FONTS)
    return renderer.render([item], design, orientation), renderer


def visual(text: str, language: str) -> str:
    return get_display(text, base_dir="R") if language == "he" else text


def leaves(pdf: bytes) -> Iterator[LTComponent]:
    """Every drawn thing of the first page, forms opened: characters, paths, images."""

    def walk(item: LTComponent) -> Iterator[LTComponent]:
        if isinstance(item, LTContainer) and not isinstance(item, LTChar):
            for child in item:
                yield from walk(child)
        else:
            yield item

    for page in extract_pages(io.BytesIO(pdf), page_numbers=[0]):
        yield from walk(page)


def rows(pdf: bytes) -> list[tuple[float, list[LTChar]]]:
    """The characters of each baseline, left to right, top row first."""
    found: dict[float, list[LTChar]] = {}
    for char in chars(pdf, [0]):
        found.setdefault(round(char.matrix[5], 1), []).append(char)
    return [(y, sorted(row, key=lambda c: c.x0)) for y, row in sorted(found.items(), reverse=True)]


def find(pdf: bytes, text: str) -> tuple[float, float, float]:
    """Left, right and baseline of the first row holding `text` (as drawn, left to right)."""
    for y, row in rows(pdf):
        joined = "".join(c.get_text() for c in row)
        at = joined.find(text)
        if at >= 0:
            return row[at].x0, row[at + len(text) - 1].x1, y
    raise AssertionError(f"{text!r} not found in {lines_of(pdf)}")


def colour_of(char: LTChar) -> tuple[float, ...]:
    colour = char.graphicstate.ncolor
    assert isinstance(colour, tuple)
    return tuple(float(c) for c in colour)  # type: ignore[arg-type]


ALL_MODES = list(LanguageMode)


# -- what it says ---------------------------------------------------------------------
@pytest.mark.parametrize("design", list(Design))
@pytest.mark.parametrize("mode", ALL_MODES)
def test_every_language_names_the_honour_after_the_name_and_before_the_citation(
    design: Design, mode: LanguageMode
) -> None:
    pdf, _ = render(content(mode), design)
    for language in mode_languages(mode):
        words = WORDS[language]
        _, _, name_y = find(pdf, visual(words["recipient"], language))
        _, _, honour_y = find(pdf, visual(words["honour"], language))
        assert honour_y < name_y, (language, "the honour stands under the name")
        citation_start = words["citation"].split()[0] if language != "zh" else "以表彰"
        _, _, citation_y = find(pdf, visual(citation_start, language))
        assert citation_y < honour_y, (language, "the citation follows the honour")


@pytest.mark.parametrize("mode", [LanguageMode.ZH, LanguageMode.ZH_EN, LanguageMode.HE_EN])
def test_on_behalf_is_printed_small_and_muted_only_when_given(mode: LanguageMode) -> None:
    plain, _ = render(content(mode))
    printed, _ = render(content(mode, on_behalf=True))
    first = mode_languages(mode)[0]
    note = WORDS[first]["on_behalf"]
    expected = visual(note, first)
    assert expected not in "\n".join(lines_of(plain))
    assert expected in "\n".join(lines_of(printed))
    row = next(row for _, row in rows(printed) if expected in "".join(c.get_text() for c in row))
    assert max(c.size for c in row) <= 9  # small
    colours = {colour_of(c) for c in row}
    assert all(max(colour) - min(colour) < 0.2 and max(colour) > 0.2 for colour in colours)


# -- the signing block ----------------------------------------------------------------
def horizontal_lines(pdf: bytes, below: float) -> list[LTComponent]:
    return [
        item
        for item in leaves(pdf)
        if isinstance(item, LTLine) and abs(item.y1 - item.y0) < 0.5 and item.y1 < below
    ]


@pytest.mark.parametrize("design", list(Design))
@pytest.mark.parametrize("orientation", list(Orientation))
def test_a_chinese_certificate_is_sealed_over_the_body_and_date_without_a_signature_line(
    design: Design, orientation: Orientation
) -> None:
    pdf, renderer = render(content(LanguageMode.ZH, seal=seal_png()), design, orientation)
    page_width = renderer.pages[0].frame.x * 2 + renderer.pages[0].frame.width
    issuer = find(pdf, WORDS["zh"]["issuer"])
    date = find(pdf, WORDS["zh"]["place_and_date"])
    # At the lower right, the date under the body's name.
    assert issuer[0] > page_width / 2
    assert date[2] < issuer[2]
    assert issuer[2] < renderer.pages[0].frame.y + renderer.pages[0].frame.height / 3
    images = [item for item in leaves(pdf) if isinstance(item, LTImage)]
    assert len(images) == 1
    seal = images[0]
    for left, right, baseline in (issuer, date):
        assert seal.x0 < right, "the seal overlaps the text sideways"
        assert left < seal.x1, "the seal overlaps the text sideways"
        assert seal.y0 < baseline < seal.y1, "and up and down, as a stamp does"
    frame = renderer.pages[0].frame
    assert frame.x <= seal.x0
    assert seal.x1 <= frame.x + frame.width
    assert frame.y <= seal.y0
    assert seal.y1 <= frame.y + frame.height
    # The modern frame has a short accent rule at its top; no line lower down.
    assert horizontal_lines(pdf, below=frame.y + frame.height / 2) == []
    # The signatory's name stands under the title.
    title = find(pdf, WORDS["zh"]["signatory_title"])
    name = find(pdf, WORDS["zh"]["signatory"])
    assert name[2] < title[2]


@pytest.mark.parametrize("mode", [m for m in ALL_MODES if m is not LanguageMode.ZH])
def test_other_certificates_have_a_signature_line_above_title_and_name(
    mode: LanguageMode,
) -> None:
    pdf, renderer = render(content(mode, seal=seal_png()))
    frame = renderer.pages[0].frame
    lines = horizontal_lines(pdf, below=frame.y + frame.height / 2)
    assert len(lines) == 1
    line = lines[0]
    for language in mode_languages(mode):
        words = WORDS[language]
        title = find(pdf, visual(words["signatory_title"], language))
        name = find(pdf, visual(words["signatory"], language))
        assert name[2] < title[2] < line.y0, language  # line, then title, then name
        assert line.x0 < title[0]
        assert title[1] < line.x1
        issuer = find(pdf, visual(words["issuer"].split()[0], language))
        assert not (line.x0 < issuer[0] < line.x1), "the conferring body stands apart"


# -- the title is text ----------------------------------------------------------------
@pytest.mark.parametrize("design", list(Design))
@pytest.mark.parametrize("mode", [LanguageMode.ZH, LanguageMode.ZH_EN, LanguageMode.ZH_EN_HE])
def test_the_spaced_chinese_title_is_found_by_a_text_search(
    design: Design, mode: LanguageMode
) -> None:
    pdf, _ = render(content(mode), design)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "荣誉证书" in text
    assert "荣 誉" not in text
    # Still set spaced: the glyphs stand apart by more than a quarter of their size.
    title = next(row for _, row in rows(pdf) if "".join(c.get_text() for c in row) == "荣誉证书")
    size = title[0].size
    gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(title)]
    assert min(gaps) > size * 0.2, gaps


# -- a preview is not a certificate ---------------------------------------------------
@pytest.mark.parametrize("design", list(Design))
@pytest.mark.parametrize("orientation", list(Orientation))
def test_a_preview_carries_the_mark_and_no_number(design: Design, orientation: Orientation) -> None:
    item = content(LanguageMode.ZH_EN_HE, preview=True)
    pdf, renderer = render(item, design, orientation)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    for word in ("样张", "PREVIEW"):
        assert word in text
    assert "number given when printed" in text
    assert "JN-" not in text
    assert "No." not in text
    # The mark: large, turned, light, Hebrew in its own order; inside the frame.
    marked = [c for c in chars(pdf, [0]) if abs(c.matrix[1]) > 0.1]  # turned glyphs
    cos, sin = marked[0].matrix[0], marked[0].matrix[1]
    marked.sort(key=lambda c: c.matrix[4] * cos + c.matrix[5] * sin)  # along the mark
    drawn = "".join(c.get_text() for c in marked)
    assert "PREVIEW" in drawn
    assert "样张" in drawn
    assert get_display("דוגמה") in drawn
    assert min(c.height for c in marked if c.get_text() != " ") > 40
    frame = renderer.pages[0].frame
    for char in marked:
        assert frame.x <= char.x0
        assert char.x1 <= frame.x + frame.width
        assert frame.y <= char.y0
        assert char.y1 <= frame.y + frame.height
    fills = {colour_of(c) for c in marked}
    assert all(min(color) > 0.75 for color in fills), fills  # light: the text reads through
    # A certificate has no mark.
    issued, _ = render(content(LanguageMode.ZH_EN_HE), design, orientation)
    assert "PREVIEW" not in PdfReader(io.BytesIO(issued)).pages[0].extract_text()


def test_a_preview_number_is_never_printed_even_if_given() -> None:
    item = content(LanguageMode.EN, preview=True)
    item = CertificateContent(**{**{f: getattr(item, f) for f in item.__slots__}, "number": "X-1"})
    pdf, _ = render(item)
    assert "X-1" not in "\n".join(lines_of(pdf))


# -- the modern design's margin -------------------------------------------------------
@pytest.mark.parametrize("orientation", list(Orientation))
@pytest.mark.parametrize("mode", [LanguageMode.ZH_EN, LanguageMode.HE_EN])
def test_the_modern_design_leaves_five_millimetres_unprinted(
    orientation: Orientation, mode: LanguageMode
) -> None:
    item = content(mode, seal=seal_png(), on_behalf=True, preview=True)
    pdf, _ = render(item, Design.MODERN, orientation)
    width, height = landscape(A4) if orientation is Orientation.LANDSCAPE else A4
    edge = 5 * MM - 0.01
    drawn = [x for x in leaves(pdf) if isinstance(x, LTChar | LTCurve | LTImage)]
    assert len(drawn) > 100
    assert any(isinstance(x, LTCurve) and x.height > height * 0.9 for x in drawn)  # the band
    for item_ in drawn:
        assert item_.x0 >= edge, item_
        assert item_.y0 >= edge, item_
        assert item_.x1 <= width - edge, item_
        assert item_.y1 <= height - edge, item_


# -- balanced lines, readable citations ------------------------------------------------
def citation_rows(pdf: bytes) -> dict[str, list[list[LTChar]]]:
    """The rows of each language's long citation."""
    words = {language: set(text.split()) for language, text in LONG.items()}
    found: dict[str, list[list[LTChar]]] = {"zh": [], "en": [], "he": []}
    for _, row in rows(pdf):
        text = "".join(c.get_text() for c in row)
        parts = text.split()
        if len(text) > 12 and text in LONG["zh"]:
            found["zh"].append(row)
        elif len(parts) >= 3 and set(parts) <= words["en"]:
            found["en"].append(row)
        elif len(parts) >= 3 and {p[::-1] for p in parts} <= words["he"]:
            found["he"].append(row)
    return found


@pytest.mark.parametrize("design", list(Design))
@pytest.mark.parametrize("orientation", list(Orientation))
def test_long_citations_in_three_languages_stay_readable_and_balanced(
    design: Design, orientation: Orientation
) -> None:
    item = content(
        LanguageMode.ZH_EN_HE,
        on_behalf=True,
        citation_zh=LONG["zh"],
        citation_en=LONG["en"],
        citation_he=LONG["he"],
    )
    pdf, renderer = render(item, design, orientation)
    found = citation_rows(pdf)
    widths = {}
    for language, lines in found.items():
        assert len(lines) >= 2, (language, "wrapped, not one long line")
        joined = "".join(c.get_text() for row in lines for c in row).replace(" ", "")
        expected = LONG[language].replace(" ", "")
        assert len(joined) == len(expected), language  # every line of it was found
        for row in lines:
            for char in row:
                assert char.size >= 10 - 1e-6, (language, char.get_text(), char.size)
        widths[language] = max(row[-1].x1 - row[0].x0 for row in lines)
    for language in ("zh", "he"):
        ratio = widths[language] / widths["en"]
        assert 0.6 <= ratio <= 1.1, (language, widths)
    # And it all still fits the frame.
    frame = renderer.pages[0].frame
    for line in renderer.pages[0].lines:
        assert frame.x <= line.left
        assert line.right <= frame.x + frame.width
        assert frame.y <= line.baseline - 0.22 * line.size
        assert line.baseline + 0.8 * line.size <= frame.y + frame.height


# -- the weight of a Chinese name -----------------------------------------------------
@pytest.mark.parametrize("design", list(Design))
def test_a_chinese_name_is_outlined_heavier_than_other_fake_bold_text(design: Design) -> None:
    pdf, renderer = render(content(LanguageMode.ZH_EN), design)
    name = next(line for line in renderer.pages[0].lines if line.text == "克法尔萨巴市")
    stream = PdfReader(io.BytesIO(pdf)).pages[0].get_contents()
    assert stream is not None
    data = stream.get_data().decode("latin-1")
    widths = [float(w) for w in re.findall(r"([\d.]+) w\b", data)]
    assert max(widths) >= name.size * 0.038, (name.size, widths)


# -- every text is checked before drawing ---------------------------------------------
@pytest.mark.parametrize("field", ["honour", "on_behalf"])
def test_a_missing_character_in_the_new_fields_is_named_before_drawing(field: str) -> None:
    texts: dict[str, str] = {f"{field}_en": "Award 😀"}
    item = content(LanguageMode.ZH_EN, on_behalf=True, **texts)  # type: ignore[arg-type]
    renderer = CertificateRenderer(FONTS)
    with pytest.raises(MissingGlyphs) as caught:
        renderer.render([item], Design.FORMAL, Orientation.LANDSCAPE)
    assert caught.value.places == (f"en:{field}",)
    assert renderer.pages == []


# -- measured once --------------------------------------------------------------------
def test_a_batch_measures_its_repeated_wording_once(monkeypatch: pytest.MonkeyPatch) -> None:
    renderer = CertificateRenderer(FONTS)
    calls = {"count": 0, "wrap": 0}
    count, wrap = renderer.text.line_count, renderer.text.wrap

    def counting(*args: object, **kwargs: object) -> int:
        calls["count"] += 1
        return count(*args, **kwargs)  # type: ignore[arg-type]

    def wrapping(*args: object, **kwargs: object) -> object:
        calls["wrap"] += 1
        return wrap(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(renderer.text, "line_count", counting)
    monkeypatch.setattr(renderer.text, "wrap", wrapping)

    def batch(first: int, size: int) -> list[CertificateContent]:
        items = []
        for index in range(first, first + size):
            item = content(LanguageMode.ZH_EN_HE)
            sides = tuple(
                CertificateSide(
                    **{
                        **{f: getattr(s, f) for f in s.__slots__},
                        "recipient": f"{s.recipient} {index:04d}",
                    }
                )
                for s in item.sides
            )
            items.append(
                CertificateContent(
                    **{**{f: getattr(item, f) for f in item.__slots__}, "sides": sides}
                )
            )
        return items

    renderer.render(batch(0, 2), Design.FORMAL, Orientation.LANDSCAPE)
    first = dict(calls)
    renderer.render(batch(2, 20), Design.FORMAL, Orientation.LANDSCAPE)
    later = {k: calls[k] - first[k] for k in calls}
    # Only the names are new on each page: three lines wrapped, nothing else measured.
    assert later["count"] <= 20, later
    assert later["wrap"] <= 3 * 20, later


def test_the_signing_band_of_a_batch_is_drawn_once_and_shown_on_every_page() -> None:
    items = [content(LanguageMode.ZH_EN_HE, seal=seal_png()) for _ in range(3)]
    renderer = CertificateRenderer(FONTS)
    pdf = renderer.render(items, Design.FORMAL, Orientation.LANDSCAPE)
    reader = PdfReader(io.BytesIO(pdf))
    bands = set()
    for page in reader.pages:
        forms = page["/Resources"]["/XObject"]  # type: ignore[index]
        names = [name for name in forms if "band" in name]
        assert len(names) == 1
        bands.add(forms.raw_get(names[0]).idnum)
    assert len(bands) == 1
    # Every page still has its text, and the record of every line drawn.
    for index in range(3):
        assert WORDS["zh"]["issuer"] in lines_of(pdf, [index])
    assert [len(page.lines) for page in renderer.pages] == [len(renderer.pages[0].lines)] * 3


def test_another_body_s_honour_has_no_empty_signature_line() -> None:
    """Printed on another body's behalf, nobody of ours signs: no signature line is drawn,
    and each language's conferring body stands in its own column, in reading order."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTLine

    sides = tuple(
        CertificateSide(
            language=language,
            title="T",
            presented_to="",
            recipient="R",
            citation="",
            issuer=issuer,
            place_and_date="2018",
            signatory="",
            signatory_title="",
            on_behalf=f"on behalf {language}",
        )
        for language, issuer in (("zh", "中国人民对外友好协会"), ("en", "CPAFFC"))
    )
    item = CertificateContent(
        award_id=1, number="N-1", sides=sides, issued_on=dt.date(2018, 11, 16)
    )
    pdf = CertificateRenderer().render([item], Design.FORMAL, Orientation.LANDSCAPE)
    page = next(extract_pages(io.BytesIO(pdf)))

    def walk(node: object) -> list[object]:
        found = [node]
        for child in getattr(node, "_objs", []):
            found.extend(walk(child))
        return found

    lines = [o for o in walk(page) if isinstance(o, LTLine) and o.height < 1 and o.width > 80]
    assert lines == []
    found = {c.get_text(): c.x0 for c in chars(pdf)}
    assert found["中"] < found["C"]  # zh first, then en, left to right
