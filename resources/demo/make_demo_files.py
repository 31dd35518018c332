"""Make the demo data's pictures and its scanned agreement, the files in this folder.

    python resources/demo/make_demo_files.py

Everything is drawn here with Pillow (and the bundled fonts of `resources/fonts/`), so the
files are the project's own work, under its licence, and say on their face that they are
samples. The program never runs this: it reads the files it wrote (`services/demo_gifts.py`).
The output is the same on every run (fixed seeds and PDF dates), so a re-run shows no change
in version control unless the drawing changed. Drawn at twice the size and scaled down, so
edges are smooth; saved as JPEG (and the scan as a PDF of JPEG pages), so the folder stays
under 300 KB.

Hebrew is shaped right to left by Pillow's Raqm layout when Pillow has it; otherwise the
text is put in visual order with python-bidi first.
"""

from __future__ import annotations

import io
import math
import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont, features

HERE = Path(__file__).resolve().parent
FONTS = HERE.parent / "fonts"
WIDTH, HEIGHT = 640, 427  # 3:2, a photo's shape
SCALE = 2  # drawn at twice the size, then scaled down: smooth edges without antialiasing
QUALITY = 80
Colour = tuple[int, int, int]

RAQM = features.check("raqm")


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / name), size)


def hebrew(text: str) -> str:
    """Text for Pillow to draw: as it is with Raqm (which shapes right to left), else in
    visual order."""
    if RAQM:
        return text
    from bidi import get_display

    return str(get_display(text))


def direction(text: str) -> str | None:
    if RAQM and any("\u0590" <= c <= "\u05ff" for c in text):
        return "rtl"
    return None


def mix(a: Colour, b: Colour, t: float) -> Colour:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def gradient(size: tuple[int, int], top: Colour, bottom: Colour) -> Image.Image:
    """A vertical gradient, eased so it has no visible band."""
    width, height = size
    column = Image.new("RGB", (1, height))
    for y in range(height):
        t = y / max(height - 1, 1)
        column.putpixel((0, y), mix(top, bottom, t * t * (3 - 2 * t)))
    return column.resize((width, height))


def glow(
    image: Image.Image, centre: tuple[float, float], radius: float, colour: Colour, strength: float
) -> None:
    """A soft round light (the sun, a spotlight on the floor) blended into `image`."""
    layer = Image.new("L", image.size, 0)
    ImageDraw.Draw(layer).ellipse(
        (centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius),
        fill=round(255 * strength),
    )
    layer = layer.filter(ImageFilter.GaussianBlur(radius / 2))
    image.paste(Image.new("RGB", image.size, colour), (0, 0), layer)


def soft_shadow(image: Image.Image, box: tuple[float, float, float, float], alpha: int) -> None:
    layer = Image.new("L", image.size, 0)
    ImageDraw.Draw(layer).ellipse(box, fill=alpha)
    layer = layer.filter(ImageFilter.GaussianBlur(14 * SCALE))
    image.paste(Image.new("RGB", image.size, (40, 34, 30)), (0, 0), layer)


def sample_mark(image: Image.Image) -> None:
    """A small "SAMPLE" label in the lower right corner, in the three languages."""
    draw = ImageDraw.Draw(image, "RGBA")
    latin = font("WenQuanYiMicroHei.ttf", 11 * SCALE)
    hebrew_font = font("Heebo-Regular.ttf", 11 * SCALE)
    pieces = [("SAMPLE · 示例 · ", latin), (hebrew("דוגמה"), hebrew_font)]
    widths = [draw.textlength(text, font=f, direction=direction(text)) for text, f in pieces]
    pad = 6 * SCALE
    width = sum(widths) + 2 * pad
    height = 20 * SCALE
    right, bottom = image.width - 8 * SCALE, image.height - 8 * SCALE
    left, top = right - width, bottom - height
    draw.rounded_rectangle((left, top, right, bottom), radius=5 * SCALE, fill=(255, 255, 255, 190))
    x = left + pad
    for (text, f), w in zip(pieces, widths, strict=True):
        draw.text(
            (x, top + height / 2),
            text,
            font=f,
            fill=(90, 84, 78, 255),
            anchor="lm",
            direction=direction(text),
        )
        x += w


def canvas(top: Colour, bottom: Colour) -> Image.Image:
    return gradient((WIDTH * SCALE, HEIGHT * SCALE), top, bottom)


def finish(image: Image.Image, name: str) -> None:
    sample_mark(image)
    small = image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    small.save(HERE / name, "JPEG", quality=QUALITY, optimize=True)


def s(value: float) -> float:
    return value * SCALE


# --- the gifts -------------------------------------------------------------------------------


def vase() -> None:
    """A blue-and-white porcelain vase on a table."""
    image = canvas((246, 240, 229), (228, 218, 201))
    draw = ImageDraw.Draw(image)
    table = s(330)
    draw.rectangle((0, table, image.width, image.height), fill=(205, 186, 160))
    draw.rectangle((0, table, image.width, table + s(3)), fill=(190, 170, 143))
    glow(image, (s(320), s(150)), s(170), (255, 250, 240), 0.55)
    cx, foot, lip = s(320), s(338), s(70)
    soft_shadow(image, (cx - s(95), foot - s(14), cx + s(120), foot + s(16)), 120)

    # The vase's profile, half widths (unscaled) from the lip (0) to the foot (1): a flared
    # lip, a narrow neck, a broad shoulder, tapering to a steady foot.
    profile = (
        (0.0, 28),
        (0.04, 30),
        (0.1, 19),
        (0.18, 34),
        (0.32, 80),
        (0.46, 88),
        (0.62, 80),
        (0.82, 54),
        (0.93, 41),
        (0.97, 45),
        (1.0, 45),
    )

    def half_width(t: float) -> float:
        """Through the profile's points on a Catmull-Rom curve: round, with no flat spots."""
        points = (profile[0], *profile, profile[-1])
        for k in range(1, len(points) - 2):
            (_t0, w0), (t1, w1), (t2, w2), (_t3, w3) = points[k - 1 : k + 3]
            if t1 <= t <= t2:
                u = (t - t1) / (t2 - t1)
                return 0.5 * (
                    2 * w1
                    + (w2 - w0) * u
                    + (2 * w0 - 5 * w1 + 4 * w2 - w3) * u * u
                    + (3 * w1 - w0 - 3 * w2 + w3) * u**3
                )
        return profile[-1][1]

    steps = 160
    heights = [lip + (foot - lip) * i / steps for i in range(steps + 1)]
    left = [(cx - s(half_width(i / steps)), y) for i, y in enumerate(heights)]
    right = [(cx + s(half_width(i / steps)), y) for i, y in enumerate(heights)]
    outline = [*left, *reversed(right)]
    draw.polygon(outline, fill=(247, 246, 241))
    mask = Image.new("L", image.size, 0)
    ImageDraw.Draw(mask).polygon(outline, fill=255)
    blue = (36, 66, 132)
    # The painting: bands at the shoulder and the foot, a scroll of leaves between them.
    pattern = Image.new("RGB", image.size, (247, 246, 241))
    paint = ImageDraw.Draw(pattern)
    for y0, y1 in ((s(112), s(122)), (s(128), s(132)), (s(300), s(312)), (s(318), s(322))):
        paint.rectangle((0, y0, image.width, y1), fill=blue)
    paint.rectangle((0, s(76), image.width, s(84)), fill=blue)
    for k in range(7):
        x = cx - s(150) + k * s(50)
        paint.arc((x - s(26), s(170), x + s(26), s(230)), 200, 340, fill=blue, width=round(s(4)))
        paint.ellipse((x - s(9), s(192), x + s(9), s(210)), outline=blue, width=round(s(3)))
        paint.ellipse((x + s(14), s(235), x + s(30), s(251)), fill=blue)
        paint.arc((x - s(20), s(245), x + s(40), s(285)), 20, 160, fill=blue, width=round(s(3)))
    image.paste(pattern, (0, 0), mask)
    # Light from the upper left: the body rounds away into shade towards its edges, most on
    # the right, with a soft highlight down the lit side.
    across = Image.new("L", (image.width, 1))
    centre = cx - s(28)
    for x in range(image.width):
        d = (x - centre) / s(120 if x < centre else 100)
        across.putpixel((x, 0), min(255, round(150 * min(abs(d), 1.1) ** 2.4)))
    shade = Image.composite(across.resize(image.size), Image.new("L", image.size), mask)
    image.paste(Image.new("RGB", image.size, (96, 102, 122)), (0, 0), shade)
    light = Image.new("L", image.size, 0)
    ImageDraw.Draw(light).rounded_rectangle(
        (cx - s(52), s(140), cx - s(40), s(300)), radius=s(6), fill=170
    )
    light = Image.composite(
        light.filter(ImageFilter.GaussianBlur(s(6))), Image.new("L", image.size), mask
    )
    image.paste(Image.new("RGB", image.size, (255, 255, 255)), (0, 0), light)
    finish(image, "gift-vase.jpg")


def scroll() -> None:
    """A hanging silk scroll with a landscape in ink."""
    image = canvas((226, 230, 224), (204, 210, 202))
    draw = ImageDraw.Draw(image)
    cx = s(320)
    top, bottom = s(46), s(392)
    half = s(98)
    soft_shadow(image, (cx - half - s(10), top, cx + half + s(26), bottom + s(16)), 90)
    draw.line((cx, s(14), cx - s(60), top - s(2)), fill=(120, 96, 70), width=round(s(2)))
    draw.line((cx, s(14), cx + s(60), top - s(2)), fill=(120, 96, 70), width=round(s(2)))
    draw.rectangle((cx - half, top, cx + half, bottom), fill=(170, 190, 178))  # silk mounting
    paper = (cx - half + s(14), top + s(40), cx + half - s(14), bottom - s(46))
    draw.rectangle(paper, fill=(240, 231, 211))
    # Mountains in layers of ink, palest far away.
    rng = random.Random(2017)
    for layer, (grey, base) in enumerate(((206, 190), (174, 240), (140, 285))):
        points = [(paper[0], paper[3])]
        x = paper[0]
        while x < paper[2]:
            points.append((x, s(base) - s(rng.uniform(10, 60 + 20 * layer))))
            x += s(rng.uniform(16, 34))
        points += [(paper[2], s(base) - s(20)), (paper[2], paper[3])]
        ink = Image.new("L", image.size, 0)
        ImageDraw.Draw(ink).polygon(points, fill=255)
        ink = ink.filter(ImageFilter.GaussianBlur(s(2.5)))
        clip = Image.new("L", image.size, 0)
        ImageDraw.Draw(clip).rectangle(paper, fill=255)
        ink = Image.composite(ink, Image.new("L", image.size), clip)
        image.paste(Image.new("RGB", image.size, (grey, grey - 4, grey - 10)), (0, 0), ink)
    # Water at the foot of the hills, a boat, a line of calligraphy and a red seal.
    draw.rectangle((paper[0], s(300), paper[2], paper[3]), fill=(236, 228, 210))
    for k in range(4):
        y = s(312 + 10 * k)
        draw.line(
            (cx - s(60) + k * s(8), y, cx + s(20) + k * s(8), y),
            fill=(196, 188, 172),
            width=round(s(1.5)),
        )
    draw.polygon(
        [(cx + s(24), s(336)), (cx + s(52), s(336)), (cx + s(47), s(341)), (cx + s(29), s(341))],
        fill=(70, 64, 58),
    )
    for k in range(5):
        y = s(112 + 20 * k)
        draw.rounded_rectangle(
            (paper[2] - s(26), y, paper[2] - s(20), y + s(12)), radius=s(2), fill=(60, 56, 52)
        )
    draw.rectangle((paper[2] - s(30), s(222), paper[2] - s(16), s(236)), fill=(176, 46, 40))
    # The wooden rods, with their knobs.
    for y in (top - s(4), bottom - s(6)):
        draw.rounded_rectangle(
            (cx - half - s(16), y, cx + half + s(16), y + s(12)), radius=s(5), fill=(96, 62, 38)
        )
        for x in (cx - half - s(24), cx + half + s(16)):
            draw.ellipse((x, y - s(2), x + s(10), y + s(14)), fill=(70, 44, 26))
    finish(image, "gift-scroll.jpg")


def plate() -> None:
    """A ceramic plate painted with the Dead Sea: the water, the mountains, the sun."""
    image = canvas((236, 224, 204), (214, 196, 170))
    draw = ImageDraw.Draw(image)
    cx, cy, r = s(320), s(208), s(168)
    soft_shadow(image, (cx - r + s(10), cy - r + s(24), cx + r + s(24), cy + r + s(30)), 130)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(37, 120, 136))  # the rim
    for radius, colour in ((r - s(10), (244, 240, 228)), (r - s(18), (37, 120, 136))):
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=colour)
    inner = r - s(24)
    picture = Image.new("RGB", image.size)
    picture.paste(
        gradient((image.width, int(inner * 2)), (252, 214, 150), (246, 178, 120)),
        (0, int(cy - inner)),
    )
    paint = ImageDraw.Draw(picture)
    paint.ellipse((cx + s(30), cy - s(90), cx + s(90), cy - s(30)), fill=(250, 238, 200))
    hills = [(cx - inner, cy + s(10))]
    for k in range(13):
        x = cx - inner + k * (2 * inner / 12)
        hills.append((x, cy - s(8) - s(28) * abs(math.sin(k * 1.3))))
    hills += [(cx + inner, cy + s(10))]
    paint.polygon(hills, fill=(196, 126, 96))
    paint.rectangle((cx - inner, cy + s(6), cx + inner, cy + inner), fill=(64, 150, 170))
    for k in range(5):
        y = cy + s(26 + 18 * k)
        paint.arc(
            (cx - s(110) + k * s(12), y - s(6), cx + s(110) - k * s(12), y + s(6)),
            200,
            340,
            fill=(150, 206, 214),
            width=round(s(2)),
        )
    paint.rectangle((cx - inner, cy + s(84), cx + inner, cy + inner), fill=(236, 226, 200))  # salt
    mask = Image.new("L", image.size, 0)
    ImageDraw.Draw(mask).ellipse((cx - inner, cy - inner, cx + inner, cy + inner), fill=255)
    image.paste(picture, (0, 0), mask)
    # A dotted ring around the picture, as the painter would.
    for k in range(72):
        angle = 2 * math.pi * k / 72
        x, y = cx + (r - s(14)) * math.cos(angle), cy + (r - s(14)) * math.sin(angle)
        draw.ellipse((x - s(2), y - s(2), x + s(2), y + s(2)), fill=(244, 240, 228))
    light = Image.new("L", image.size, 0)
    ImageDraw.Draw(light).arc(
        (cx - r + s(6), cy - r + s(6), cx + r - s(6), cy + r - s(6)),
        200,
        260,
        fill=140,
        width=round(s(6)),
    )
    image.paste(
        Image.new("RGB", image.size, (255, 255, 255)),
        (0, 0),
        light.filter(ImageFilter.GaussianBlur(s(3))),
    )
    finish(image, "gift-plate.jpg")


# --- occasions -------------------------------------------------------------------------------


def stage() -> None:
    """A concert stage: curtains, spotlights, a choir in rows."""
    image = canvas((34, 30, 62), (18, 16, 32))
    draw = ImageDraw.Draw(image)
    floor = s(300)
    draw.polygon(
        [
            (0, image.height),
            (s(70), floor),
            (image.width - s(70), floor),
            (image.width, image.height),
        ],
        fill=(92, 58, 40),
    )
    draw.rectangle((s(70), s(60), image.width - s(70), floor), fill=(44, 40, 78))
    for x in (s(200), s(320), s(440)):
        beam = Image.new("L", image.size, 0)
        ImageDraw.Draw(beam).polygon(
            [(x - s(8), 0), (x + s(8), 0), (x + s(70), floor + s(30)), (x - s(70), floor + s(30))],
            fill=60,
        )
        image.paste(
            Image.new("RGB", image.size, (255, 236, 190)),
            (0, 0),
            beam.filter(ImageFilter.GaussianBlur(s(10))),
        )
        glow(image, (x, floor + s(26)), s(70), (255, 232, 180), 0.35)
    # The choir on three risers, the back row highest: robed singers with white collars.
    for row, y in enumerate((s(178), s(214), s(250))):
        draw.rectangle(
            (s(150) - row * s(12), y + s(44), s(490) + row * s(12), y + s(50)), fill=(70, 50, 40)
        )
    for row, (y, robe) in enumerate(
        ((s(178), (40, 44, 84)), (s(214), (46, 50, 92)), (s(250), (52, 56, 100)))
    ):
        count = 10 - row
        span = s(320) + row * s(24)
        offset = (span / count) / 2 * (row % 2)
        for k in range(count):
            x = s(320) - span / 2 + span * (k + 0.5) / count + offset / 3
            draw.rounded_rectangle(
                (x - s(13), y + s(12), x + s(13), y + s(46)), radius=s(11), fill=robe
            )
            draw.polygon(
                [(x - s(6), y + s(13)), (x + s(6), y + s(13)), (x, y + s(22))], fill=(238, 236, 230)
            )
            draw.ellipse((x - s(7), y - s(4), x + s(7), y + s(12)), fill=(64, 52, 50))
    # The curtains, gathered at the sides, and their pelmet.
    red, dark = (150, 28, 40), (104, 16, 28)
    for side in (0, 1):
        for k in range(6):
            x0 = s(k * 16) if side == 0 else image.width - s((k + 1) * 16)
            draw.rectangle((x0, 0, x0 + s(16), image.height), fill=red if k % 2 else dark)
    draw.rectangle((0, 0, image.width, s(56)), fill=dark)
    for k in range(16):
        x = k * s(40)
        draw.chord((x, s(30), x + s(40), s(74)), 0, 180, fill=red)
    finish(image, "event-stage.jpg")


def lanterns() -> None:
    """Red lanterns on a string against the evening sky: a New Year celebration."""
    image = canvas((30, 40, 78), (70, 56, 92))
    draw = ImageDraw.Draw(image)
    points = [
        (s(x), s(70 + 40 * math.sin(math.pi * x / WIDTH))) for x in range(-10, WIDTH + 20, 20)
    ]
    draw.line(points, fill=(30, 26, 36), width=round(s(2)))
    for k, x in enumerate((80, 200, 320, 440, 560)):
        top = 70 + 40 * math.sin(math.pi * x / WIDTH)
        size = 1.0 if k % 2 == 0 else 0.82
        w, h = 70 * size, 58 * size
        cy = top + 30 + h / 2
        glow(image, (s(x), s(cy)), s(w), (255, 150, 90), 0.35)
        draw = ImageDraw.Draw(image)
        draw.line((s(x), s(top), s(x), s(cy - h / 2)), fill=(30, 26, 36), width=round(s(2)))
        draw.ellipse((s(x - w / 2), s(cy - h / 2), s(x + w / 2), s(cy + h / 2)), fill=(214, 40, 40))
        for rib in (0.3, 0.62):  # the ribs of the frame
            draw.ellipse(
                (s(x - w / 2 * rib), s(cy - h / 2), s(x + w / 2 * rib), s(cy + h / 2)),
                outline=(176, 26, 30),
                width=round(s(1.5)),
            )
        for y0, y1 in ((cy - h / 2 - 5, cy - h / 2 + 3), (cy + h / 2 - 3, cy + h / 2 + 5)):
            draw.rounded_rectangle(
                (s(x - w / 4), s(y0), s(x + w / 4), s(y1)), radius=s(2), fill=(222, 176, 70)
            )
        for dx in (-4, 0, 4):  # the tassel
            draw.line(
                (s(x + dx), s(cy + h / 2 + 5), s(x + dx), s(cy + h / 2 + 30)),
                fill=(222, 176, 70),
                width=round(s(1.5)),
            )
    finish(image, "event-lanterns.jpg")


def skyline() -> None:
    """Kfar Saba at dusk: a park, trees and the town's buildings against the sky."""
    image = canvas((250, 206, 170), (170, 164, 206))
    glow(image, (s(470), s(250)), s(80), (255, 236, 196), 0.9)
    draw = ImageDraw.Draw(image)
    rng = random.Random(2009)
    for layer, (colour, base, tall) in enumerate(
        (((176, 160, 190), 300, 120), ((124, 112, 150), 318, 90), ((82, 74, 106), 336, 70))
    ):
        x = -s(10)
        while x < image.width:
            width = s(rng.uniform(28, 70))
            height = s(rng.uniform(20, tall)) if rng.random() > 0.15 else s(tall + 40 - 20 * layer)
            draw.rectangle((x, s(base) - height, x + width, s(base) + s(40)), fill=colour)
            if layer == 2:  # lit windows in the nearest row
                for wy in range(int(s(base) - height + s(8)), int(s(base)), int(s(12))):
                    for wx in range(int(x + s(6)), int(x + width - s(6)), int(s(11))):
                        if rng.random() < 0.35:
                            draw.rectangle((wx, wy, wx + s(4), wy + s(5)), fill=(250, 214, 150))
            x += width + s(rng.uniform(0, 10))
    draw.rectangle((0, s(352), image.width, image.height), fill=(70, 96, 70))  # the park
    for k in range(14):
        x = s(20 + 46 * k + rng.uniform(-8, 8))
        size = s(rng.uniform(18, 30))
        draw.line((x, s(356), x, s(356) - size), fill=(52, 44, 40), width=round(s(3)))
        draw.ellipse(
            (x - size * 0.8, s(356) - size * 2, x + size * 0.8, s(356) - size * 0.6),
            fill=(48, 78, 56),
        )
    draw.rectangle((0, s(380), image.width, s(384)), fill=(214, 196, 170))  # a path
    finish(image, "kfar-saba-skyline.jpg")


def star(cx: float, cy: float, radius: float, turn: float = 0.0) -> list[tuple[float, float]]:
    """A five-pointed star's outline, its first point `turn` radians from straight up."""
    inner = radius * math.sin(math.pi / 10) / math.sin(7 * math.pi / 10)
    return [
        (
            cx + (radius if k % 2 == 0 else inner) * math.sin(turn + k * math.pi / 5),
            cy - (radius if k % 2 == 0 else inner) * math.cos(turn + k * math.pi / 5),
        )
        for k in range(10)
    ]


def china_flag(draw: ImageDraw.ImageDraw, left: float, top: float, width: float) -> None:
    """The national flag of China (3:2): on red, a large yellow star and four small ones,
    each pointing at the large one's centre (on a grid of 30 by 20)."""
    unit = width / 30
    draw.rectangle((left, top, left + width, top + 20 * unit), fill=(238, 28, 37))
    big = (left + 5 * unit, top + 5 * unit)
    draw.polygon(star(*big, 3 * unit), fill=(255, 255, 0))
    for gx, gy in ((10, 2), (12, 4), (12, 7), (10, 9)):
        cx, cy = left + gx * unit, top + gy * unit
        turn = math.atan2(big[0] - cx, -(big[1] - cy))
        draw.polygon(star(cx, cy, unit, turn), fill=(255, 255, 0))


def israel_flag(draw: ImageDraw.ImageDraw, left: float, top: float, width: float) -> None:
    """The flag of Israel (8:11): on white, two blue stripes and the blue Star of David
    (on a grid of 220 by 160)."""
    unit = width / 220
    blue = (0, 56, 184)
    draw.rectangle((left, top, left + width, top + 160 * unit), fill=(255, 255, 255))
    for y in (15, 120):
        draw.rectangle((left, top + y * unit, left + width, top + (y + 25) * unit), fill=blue)
    cx, cy, radius = left + 110 * unit, top + 80 * unit, 29 * unit
    for turn in (0.0, math.pi):
        points = [
            (
                cx + radius * math.sin(turn + k * 2 * math.pi / 3),
                cy - radius * math.cos(turn + k * 2 * math.pi / 3),
            )
            for k in range(3)
        ]
        draw.polygon(points, outline=blue, width=max(1, round(5.5 * unit)))


def signing() -> None:
    """A signing table: two desk flags, two folders, flowers between them."""
    image = canvas((232, 226, 214), (206, 198, 184))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, image.width, s(36)), fill=(214, 206, 190))
    for panel in range(0, WIDTH, 80):  # wall panels
        draw.rectangle(
            (s(panel + 8), s(50), s(panel + 72), s(220)), outline=(218, 210, 196), width=round(s(2))
        )
    table_top = s(250)
    soft_shadow(image, (s(30), table_top + s(90), s(610), table_top + s(150)), 90)
    draw.rectangle((s(40), table_top, s(600), s(360)), fill=(250, 250, 246))
    draw.rectangle((s(40), s(360), s(600), s(372)), fill=(226, 224, 216))
    draw.rectangle((s(40), table_top, s(600), table_top + s(4)), fill=(236, 234, 226))
    # The flowers.
    draw.ellipse((s(290), s(224), s(350), s(256)), fill=(200, 196, 186))
    rng = random.Random(18)
    for _k in range(16):
        x, y = s(320 + rng.uniform(-36, 36)), s(218 + rng.uniform(-26, 10))
        r = s(rng.uniform(7, 11))
        colour = rng.choice(((214, 70, 80), (240, 180, 70), (250, 240, 230), (230, 120, 140)))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    for x in (s(300), s(340)):
        draw.ellipse((x - s(10), s(230), x + s(14), s(242)), fill=(80, 130, 80))
    # The two cities' countries' flags on desk poles, drawn to their specifications.
    for x in (s(150), s(490)):
        draw.line((x, s(140), x, table_top + s(4)), fill=(160, 150, 130), width=round(s(3)))
        draw.ellipse((x - s(4), s(134), x + s(4), s(142)), fill=(200, 176, 100))
        draw.ellipse(
            (x - s(16), table_top - s(4), x + s(16), table_top + s(6)), fill=(150, 138, 110)
        )
    china_flag(draw, s(152), s(144), s(78))
    israel_flag(draw, s(492), s(144), s(78))
    # The folders, open at the page to sign, and a pen on each.
    for x in (s(150), s(400)):
        draw.polygon(
            [(x, s(290)), (x + s(90), s(284)), (x + s(96), s(334)), (x + s(4), s(340))],
            fill=(120, 36, 44),
        )
        draw.polygon(
            [(x + s(8), s(292)), (x + s(84), s(287)), (x + s(89), s(330)), (x + s(12), s(335))],
            fill=(252, 250, 244),
        )
        for k in range(4):
            y = s(300 + 8 * k)
            draw.line(
                (x + s(18), y, x + s(70), y - s(2)), fill=(200, 196, 186), width=round(s(1.5))
            )
        draw.line((x + s(60), s(326), x + s(110), s(312)), fill=(40, 40, 48), width=round(s(4)))
    finish(image, "visit-signing.jpg")


def spring() -> None:
    """A spring in a park: three fountains in a pool, a pavilion, willows."""
    image = canvas((206, 226, 236), (226, 236, 228))
    draw = ImageDraw.Draw(image)
    # The pavilion across the water: a curved roof on red columns.
    draw.rectangle((s(410), s(170), s(560), s(250)), fill=(236, 232, 222))
    for x in (s(420), s(470), s(500), s(550)):
        draw.rectangle((x - s(4), s(178), x + s(4), s(250)), fill=(168, 48, 40))
    # The roof: slopes that sag towards eaves turned up at the corners.
    top_edge = []
    for k in range(41):
        u = abs(k - 20) / 20
        lift = 9 * max(0.0, (u - 0.8) / 0.2) ** 2
        top_edge.append((s(485 + 105 * (k - 20) / 20), s(128 + 38 * (2 * u - u * u) - lift)))
    eaves = [(s(565), s(176)), (s(405), s(176))]
    draw.polygon([*top_edge, *eaves], fill=(62, 66, 70))
    draw.line((s(470), s(127), s(500), s(127)), fill=(62, 66, 70), width=round(s(5)))
    draw.rectangle((s(400), s(250), s(570), s(258)), fill=(200, 196, 186))
    # The pool, its stone rim and three springs welling up.
    draw.rectangle((0, s(258), image.width, image.height), fill=(104, 160, 168))
    glow(image, (s(250), s(320)), s(120), (170, 214, 214), 0.6)
    draw.rectangle((0, s(252), image.width, s(262)), fill=(190, 184, 170))
    for x in (s(170), s(250), s(330)):
        for k in range(4):
            r = s(30 - 6 * k)
            draw.ellipse(
                (x - r, s(300) - r * 0.45, x + r, s(300) + r * 0.45),
                fill=mix((150, 200, 204), (250, 252, 250), k / 3),
            )
        draw.ellipse((x - s(9), s(278), x + s(9), s(298)), fill=(250, 252, 250))
    for k in range(6):
        y = s(340 + 14 * k)
        draw.arc(
            (s(60 + 30 * k), y - s(4), s(520 - 20 * k), y + s(4)),
            200,
            340,
            fill=(150, 198, 204),
            width=round(s(2)),
        )
    # A willow on the left: a leaning trunk, a crown of long hanging branches.
    draw.line(
        [(s(70), s(258)), (s(78), s(180)), (s(96), s(110)), (s(104), s(70))],
        fill=(86, 70, 56),
        width=round(s(9)),
        joint="curve",
    )
    rng = random.Random(21)
    greens = ((104, 150, 80), (126, 168, 92), (88, 130, 70), (146, 180, 104))
    for _k in range(70):
        angle = rng.uniform(-2.6, -0.5)
        x0 = s(100) + s(90) * math.cos(angle) * rng.uniform(0.4, 1)
        y0 = s(80) + s(40) * math.sin(angle) * rng.uniform(0.4, 1)
        length = s(rng.uniform(80, 170))
        sway = s(rng.uniform(-8, 8))
        points = [(x0 + sway * (t / 12) ** 2, y0 + length * t / 12) for t in range(13)]
        draw.line(points, fill=rng.choice(greens), width=round(s(1.6)))
    finish(image, "visit-spring.jpg")


# --- the scanned agreement ---------------------------------------------------------------------

PAGE = (827, 1169)  # A4 at 100 dpi: a scan read on screen, not printed


def _lines(
    draw: ImageDraw.ImageDraw, rng: random.Random, x: int, y: float, width: int, count: int
) -> float:
    """Grey bars where a scan's small print would be: it reads as text and says nothing."""
    for k in range(count):
        length = width if k < count - 1 else int(width * rng.uniform(0.3, 0.7))
        xx = x
        while xx < x + length:
            word = int(rng.uniform(18, 70))
            draw.rounded_rectangle(
                (xx, y + 1, min(xx + word, x + length), y + 6), radius=2, fill=(176, 176, 172)
            )
            xx += word + 8
        y += 19
    return y + 12


def _page(number: int, rng: random.Random) -> Image.Image:
    page = Image.new("RGB", PAGE, (252, 251, 247))
    draw = ImageDraw.Draw(page)
    zh = font("WenQuanYiMicroHei.ttf", 30)
    zh_small = font("WenQuanYiMicroHei.ttf", 19)
    en = font("EBGaramond-SemiBold.ttf", 24)
    en_small = font("EBGaramond-Regular.ttf", 17)
    he = font("FrankRuhlLibre-Bold.ttf", 24)
    he_small = font("FrankRuhlLibre-Regular.ttf", 17)
    ink = (40, 40, 44)
    y: float = 90
    if number == 1:
        for text, face in (
            ("谅解备忘录", zh),
            ("济南市与克法尔萨巴市文化部门文化交流", zh_small),
            ("Memorandum of Understanding on Cultural Exchange", en),
            ("between the culture authorities of Jinan and Kfar Saba", en_small),
        ):
            draw.text((PAGE[0] / 2, y), text, font=face, fill=ink, anchor="mt")
            y += face.size + 16
        for text, face in (
            (hebrew("מזכר הבנות לחילופי תרבות"), he),
            (hebrew("בין רשויות התרבות של ג'ינאן וכפר סבא"), he_small),
        ):
            draw.text(
                (PAGE[0] / 2, y), text, font=face, fill=ink, anchor="mt", direction=direction(text)
            )
            y += face.size + 16
        y += 24
        for article in range(1, 5):
            draw.text((90, y), f"{article}.", font=en_small, fill=ink)
            y = _lines(draw, rng, 120, y + 6, 610, rng.randint(3, 6))
    else:
        for article in range(5, 8):
            draw.text((90, y), f"{article}.", font=en_small, fill=ink)
            y = _lines(draw, rng, 120, y + 6, 610, rng.randint(3, 5))
        y += 40
        # The signatures: each side's authority, a signature and its seal; no date, which
        # the source does not give.
        for x, name, face in (
            (110, "济南市文化局", zh_small),
            (450, "Kfar Saba Municipality, Culture Division", en_small),
        ):
            draw.text((x, y), name, font=face, fill=ink)
            draw.line((x, y + 110, x + 260, y + 110), fill=(120, 120, 120), width=2)
            points = []
            for t in range(60):
                angle = t / 59 * math.pi * 3.2
                points.append(
                    (
                        x + 30 + t * 3.2,
                        y + 85 - 18 * math.sin(angle) * (1 - t / 80) + 6 * math.cos(angle * 2.3),
                    )
                )
            draw.line(points, fill=(30, 40, 110), width=3, joint="curve")
        cx, cy = 250, y + 70
        seal = Image.new("L", PAGE, 0)
        stamp = ImageDraw.Draw(seal)
        stamp.ellipse((cx - 62, cy - 62, cx + 62, cy + 62), outline=190, width=6)
        star = [
            (
                cx + (26 if k % 2 == 0 else 11) * math.sin(k * math.pi / 5),
                cy - (26 if k % 2 == 0 else 11) * math.cos(k * math.pi / 5),
            )
            for k in range(10)
        ]
        stamp.polygon(star, fill=190)
        page.paste(
            Image.new("RGB", PAGE, (200, 40, 48)),
            (0, 0),
            seal.filter(ImageFilter.GaussianBlur(0.8)),
        )
    # The page number and, across the page, what this is.
    draw.text((PAGE[0] / 2, PAGE[1] - 60), f"- {number} -", font=en_small, fill=ink, anchor="mm")
    label = font("WenQuanYiMicroHei.ttf", 40)
    label_he = font("Heebo-Bold.ttf", 40)
    latin_part = "SAMPLE SCAN · 示例扫描件 · "
    hebrew_part = hebrew("סריקה לדוגמה")
    measure = ImageDraw.Draw(Image.new("L", (1, 1)))
    first = measure.textlength(latin_part, font=label)
    width = round(
        first + measure.textlength(hebrew_part, font=label_he, direction=direction(hebrew_part))
    )
    mark = Image.new("L", (width + 40, 90), 0)
    marker = ImageDraw.Draw(mark)
    marker.text((20, 45), latin_part, font=label, fill=70, anchor="lm")
    marker.text(
        (20 + first, 45),
        hebrew_part,
        font=label_he,
        fill=70,
        anchor="lm",
        direction=direction(hebrew_part),
    )
    mark = mark.rotate(35, expand=True, resample=Image.Resampling.BICUBIC)
    page.paste(
        Image.new("RGB", mark.size, (90, 120, 200)),
        ((PAGE[0] - mark.width) // 2, (PAGE[1] - mark.height) // 2),
        mark,
    )
    # As it came off the scanner: a little askew, on a grey bed, slightly soft.
    page = page.rotate(
        0.35 if number == 1 else -0.25, resample=Image.Resampling.BICUBIC, fillcolor=(214, 214, 210)
    )
    return page.filter(ImageFilter.GaussianBlur(0.4))


def agreement_scan() -> None:
    rng = random.Random(2009)
    pages = [_page(1, rng), _page(2, rng)]
    fixed = time.gmtime(1_704_067_200)  # 2024-01-01: the same file on every run
    out = io.BytesIO()
    pages[0].save(
        out,
        "PDF",
        save_all=True,
        append_images=pages[1:],
        resolution=100.0,
        quality=45,
        title="Sample scan: MOU on cultural exchange (Exchange Desk demo data)",
        author="Exchange Desk demo data",
        creationDate=fixed,
        modDate=fixed,
    )
    (HERE / "agreement-culture-scan.pdf").write_bytes(out.getvalue())


MAKERS: Sequence[Callable[[], None]] = (
    vase,
    scroll,
    plate,
    stage,
    lanterns,
    skyline,
    signing,
    spring,
    agreement_scan,
)


def main() -> None:
    for make in MAKERS:
        make()
    total = sum(path.stat().st_size for path in HERE.iterdir() if path.suffix in {".jpg", ".pdf"})
    print(f"{len(MAKERS)} files, {total / 1024:.0f} KB in {HERE}")


if __name__ == "__main__":
    main()
