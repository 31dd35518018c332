"""The fonts a document may draw with, and which one draws a given character.

ReportLab has no font fallback: a character missing from the current font prints as an empty
box. So every character is given a font that has its glyph, chosen from a stack per script
(Han, Hebrew, everything else) and family (serif, sans). After the bundled fonts come the
system's own (SimSun, Microsoft YaHei and SimSun-ExtB on Windows) for rare characters, and
last a bundled face for CJK Extension B (HanaMinB, 22 MB: opened only when a character of
that block asks for it). A character that no font has is reported, never drawn.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from exchange_desk.paths import resources_dir

_reportlab_to_unicode = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode map of a font subset, with characters beyond the BMP written
    as UTF-16 surrogate pairs. ReportLab writes them as 5 hex digits, which a PDF reader
    takes for another character: 𠮷 (U+20BB7) was copied and searched as ₻ (U+20BB)."""
    text: str = _reportlab_to_unicode(fontname, subset)
    for index, code in enumerate(subset):
        if code > 0xFFFF:
            high = 0xD800 + ((code - 0x10000) >> 10)
            low = 0xDC00 + ((code - 0x10000) & 0x3FF)
            text = text.replace(
                f"<{index:02X}> <{code:04X}>", f"<{index:02X}> <{high:04X}{low:04X}>"
            )
    return text


# ReportLab calls it by its module name when it writes a font into a PDF.
ttfonts.makeToUnicodeCMap = _to_unicode_cmap


class Script(Enum):
    HAN = "han"  # ideographs, kana, CJK punctuation and full-width forms
    HEBREW = "hebrew"
    OTHER = "other"  # Latin, digits, ASCII punctuation, everything else


class Family(Enum):
    SERIF = "serif"
    SANS = "sans"


_HAN_RANGES = (
    (0x2E80, 0x2FDF),  # radicals
    (0x2FF0, 0x303F),  # description characters, CJK symbols and punctuation
    (0x3040, 0x31FF),  # kana, bopomofo, strokes
    (0x3200, 0x4DBF),  # enclosed, compatibility, extension A
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),  # full-width forms
    (0x20000, 0x3134F),  # extensions B-G
)


def script_of(char: str) -> Script:
    code = ord(char)
    if 0x0590 <= code <= 0x05FF or 0xFB1D <= code <= 0xFB4F:
        return Script.HEBREW
    if code >= 0x2E80:
        for low, high in _HAN_RANGES:
            if low <= code <= high:
                return Script.HAN
    return Script.OTHER


@dataclass(frozen=True, slots=True)
class Face:
    """One font file, registered with ReportLab under `name` when first needed."""

    name: str
    path: Path
    subfont_index: int = 0
    bold: bool = False  # a real bold face, so no stroke is added to fake one


_BUNDLED = {
    "EBGaramond": "EBGaramond-Regular.ttf",
    "EBGaramond-SemiBold": "EBGaramond-SemiBold.ttf",
    "EBGaramond-Italic": "EBGaramond-Italic.ttf",
    "FrankRuhlLibre": "FrankRuhlLibre-Regular.ttf",
    "FrankRuhlLibre-Bold": "FrankRuhlLibre-Bold.ttf",
    "Heebo": "Heebo-Regular.ttf",
    "Heebo-Bold": "Heebo-Bold.ttf",
    "ARPLUMingCN": "ARPLUMingCN.ttf",
    "WenQuanYiMicroHei": "WenQuanYiMicroHei.ttf",
}
# The last fallback, for the CJK Extension B ideographs of people's and companies' names
# (𠮷 U+20BB7 in 𠮷田, 𠮷野家): a large face, so it is registered (0.2 s) only when a character
# in its block is asked for, and never searched for anything else.
_EXT_B = "HanaMinB-ExtB"
_EXT_B_FILE = "HanaMinB-ExtB.ttf"
_EXT_B_RANGE = (0x20000, 0x2A6DF)

_REAL_BOLD = {"EBGaramond-SemiBold", "FrankRuhlLibre-Bold", "Heebo-Bold"}

# Stacks: the first font that has a character draws it. Digits and Latin inside Hebrew
# text come from the Hebrew face when the "other" stack starts with it, so a Hebrew line
# keeps one typeface; Chinese lines take their Latin from the Latin face.
_STACKS: dict[tuple[Family, bool, Script], tuple[str, ...]] = {
    (Family.SERIF, False, Script.OTHER): (
        "EBGaramond",
        "FrankRuhlLibre",
        "Heebo",
        "ARPLUMingCN",
        "WenQuanYiMicroHei",
    ),
    (Family.SERIF, True, Script.OTHER): (
        "EBGaramond-SemiBold",
        "FrankRuhlLibre-Bold",
        "Heebo-Bold",
        "ARPLUMingCN",
        "WenQuanYiMicroHei",
    ),
    (Family.SERIF, False, Script.HEBREW): ("FrankRuhlLibre", "Heebo"),
    (Family.SERIF, True, Script.HEBREW): ("FrankRuhlLibre-Bold", "Heebo-Bold"),
    (Family.SERIF, False, Script.HAN): ("ARPLUMingCN", "WenQuanYiMicroHei"),
    (Family.SERIF, True, Script.HAN): ("ARPLUMingCN", "WenQuanYiMicroHei"),
    (Family.SANS, False, Script.OTHER): (
        "Heebo",
        "WenQuanYiMicroHei",
        "EBGaramond",
        "FrankRuhlLibre",
        "ARPLUMingCN",
    ),
    (Family.SANS, True, Script.OTHER): (
        "Heebo-Bold",
        "WenQuanYiMicroHei",
        "EBGaramond-SemiBold",
        "FrankRuhlLibre-Bold",
        "ARPLUMingCN",
    ),
    (Family.SANS, False, Script.HEBREW): ("Heebo", "FrankRuhlLibre"),
    (Family.SANS, True, Script.HEBREW): ("Heebo-Bold", "FrankRuhlLibre-Bold"),
    (Family.SANS, False, Script.HAN): ("WenQuanYiMicroHei", "ARPLUMingCN"),
    (Family.SANS, True, Script.HAN): ("WenQuanYiMicroHei", "ARPLUMingCN"),
}

# System fonts worth trying for what the bundled ones lack, by file name, in this order.
# SimSun-ExtB and MingLiU-ExtB carry the supplementary ideographs (e.g. U+20BB7).
_SYSTEM_FILES = (
    "simsun.ttc",
    "simsunb.ttf",
    "msyh.ttc",
    "simhei.ttf",
    "mingliub.ttc",
    "mingliu.ttc",
    "msjh.ttc",
    "david.ttf",
    "arial.ttf",
    "seguisym.ttf",
    "uming.ttc",
    "ukai.ttc",
    "wqy-zenhei.ttc",
    "DejaVuSans.ttf",
    "DejaVuSerif.ttf",
)


def system_font_dirs() -> list[Path]:
    """Where the operating system keeps fonts (overridable with EXCHANGE_DESK_FONT_DIRS)."""
    configured = os.environ.get("EXCHANGE_DESK_FONT_DIRS")
    if configured is not None:
        return [Path(p) for p in configured.split(os.pathsep) if p]
    if sys.platform == "win32":
        windows = Path(os.environ.get("WINDIR", r"C:\Windows"))
        local = Path(os.environ.get("LOCALAPPDATA", "")) / "Microsoft" / "Windows" / "Fonts"
        return [windows / "Fonts", local]
    if sys.platform == "darwin":
        return [
            Path("/System/Library/Fonts"),
            Path("/Library/Fonts"),
            Path.home() / "Library/Fonts",
        ]
    return [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts"]


# Emoji and pictographs, which no bundled font draws, so that a message can name them as
# such rather than as unknown characters. Blocks, not the full Emoji property (which also
# covers digits and '#'): these are the characters a name or citation typed on a phone brings.
_EMOJI_RANGES = (
    (0x2300, 0x23FF),  # miscellaneous technical (⌚ ⏰)
    (0x2600, 0x27BF),  # miscellaneous symbols, dingbats (☀ ✈ ❤)
    (0x2B00, 0x2BFF),  # arrows and stars (⭐)
    (0x1F000, 0x1FAFF),  # mahjong to symbols and pictographs extended-A (😀 🎉 🇨)
    (0xFE0E, 0xFE0F),  # text / emoji presentation selectors
    (0x1F3FB, 0x1F3FF),  # skin tones
    (0xE0020, 0xE007F),  # tag characters of flag sequences
)


def is_emoji(char: str) -> bool:
    """Whether `char` is an emoji or pictograph (by its Unicode block)."""
    code = ord(char)
    return any(low <= code <= high for low, high in _EMOJI_RANGES)


class MissingGlyphs(Exception):
    """Characters that no available font can draw, with the record they came from."""

    def __init__(
        self, characters: Iterable[str], record: str = "", places: Iterable[str] = ()
    ) -> None:
        self.characters = tuple(sorted(set(characters)))
        self.record = record
        self.places = tuple(places)  # where they are, e.g. ("zh:citation",)
        super().__init__(self.describe())

    @property
    def emoji(self) -> frozenset[str]:
        """The missing characters that are emoji: a message can say emoji cannot be printed."""
        return frozenset(c for c in self.characters if is_emoji(c))

    def listing(self) -> str:
        """The characters with their code points: "𠮷 (U+20BB7), 㐀 (U+3400)"."""
        return ", ".join(f"{c} (U+{ord(c):04X})" for c in self.characters)

    def describe(self) -> str:
        names = self.listing()
        return f"{self.record}: {names}" if self.record else names


class FontLibrary:
    """Knows every usable font and answers "which font draws this character?" (cached).

    One library serves a whole process; ReportLab's registry is global, so faces are
    registered once under their own names.
    """

    def __init__(self, system_dirs: Iterable[Path] | None = None) -> None:
        folder = resources_dir() / "fonts"
        self._faces = {
            name: Face(name, folder / file, bold=name in _REAL_BOLD)
            for name, file in _BUNDLED.items()
        }
        self._faces[_EXT_B] = Face(_EXT_B, folder / _EXT_B_FILE)
        self._system_dirs = list(system_font_dirs() if system_dirs is None else system_dirs)
        self._system_faces: list[str] | None = None
        self._cmaps: dict[str, frozenset[int] | dict[int, int]] = {}
        self._choice: dict[tuple[Family, bool, str], str | None] = {}
        self._lock = threading.RLock()

    # -- faces ---------------------------------------------------------------------------
    def face(self, name: str) -> Face:
        return self._faces[name]

    def register(self, name: str) -> None:
        """Make a face known to ReportLab (idempotent)."""
        with self._lock:
            if name in pdfmetrics.getRegisteredFontNames():
                self._cmaps.setdefault(name, pdfmetrics.getFont(name).face.charToGlyph)
                return
            face = self._faces[name]
            font = TTFont(name, str(face.path), subfontIndex=face.subfont_index)
            pdfmetrics.registerFont(font)
            self._cmaps[name] = font.face.charToGlyph

    def has_glyph(self, name: str, char: str) -> bool:
        cmap = self._cmaps.get(name)
        if cmap is None:
            self.register(name)
            cmap = self._cmaps[name]
        return ord(char) in cmap

    def is_real_bold(self, name: str) -> bool:
        return self._faces[name].bold

    def bundled_names(self) -> list[str]:
        """The bundled faces of the stacks (not the Extension B fallback, read on need)."""
        return list(_BUNDLED)

    # -- choosing ------------------------------------------------------------------------
    def font_for(self, char: str, family: Family, bold: bool = False) -> str | None:
        """The font that draws `char` in this family, or None when no font has it."""
        key = (family, bold, char)
        try:
            return self._choice[key]
        except KeyError:
            pass
        with self._lock:
            choice = self._search(char, family, bold)
            self._choice[key] = choice
            return choice

    def _search(self, char: str, family: Family, bold: bool) -> str | None:
        if char in "\n\t":
            char = " "
        for name in _STACKS[(family, bold, script_of(char))]:
            if self.has_glyph(name, char):
                return name
        for name in self._system_fonts():
            if self.has_glyph(name, char):
                return name
        # The range test first: the 22 MB face is read only for a character it may have.
        in_block = _EXT_B_RANGE[0] <= ord(char) <= _EXT_B_RANGE[1]
        if in_block and self._faces[_EXT_B].path.is_file() and self.has_glyph(_EXT_B, char):
            return _EXT_B
        return None

    def missing(self, text: str, family: Family = Family.SERIF) -> set[str]:
        """The characters of `text` that no font can draw (spaces and controls aside)."""
        return {
            c
            for c in set(text)
            if c.isprintable() and not c.isspace() and self.font_for(c, family) is None
        }

    # -- system fonts --------------------------------------------------------------------
    def _system_fonts(self) -> list[str]:
        """Registered names of the usable system fonts; found on first need only."""
        if self._system_faces is None:
            self._system_faces = []
            for path in self._system_candidates():
                # ReportLab's registry is global and keeps the first font of a name: two
                # folders may hold different files of one name (the system's and the user's).
                digest = hashlib.sha1(str(path).encode("utf-8")).hexdigest()[:8]
                name = f"System-{path.stem}-{digest}"
                if name in self._faces:
                    continue
                face = Face(name, path)
                self._faces[name] = face
                try:
                    self.register(name)
                except (TTFError, OSError, ValueError, KeyError, IndexError):
                    # CFF outlines, a broken file or a format ReportLab cannot embed.
                    del self._faces[name]
                    continue
                self._system_faces.append(name)
        return self._system_faces

    def _system_candidates(self) -> Iterator[Path]:
        wanted = {name.lower(): index for index, name in enumerate(_SYSTEM_FILES)}
        found: dict[int, Path] = {}
        for folder in self._system_dirs:
            if not folder.is_dir():
                continue
            for root, _dirs, files in os.walk(folder):
                for file in files:
                    index = wanted.get(file.lower())
                    if index is not None and index not in found:
                        found[index] = Path(root) / file
        for index in sorted(found):
            yield found[index]


_shared: FontLibrary | None = None
_shared_lock = threading.Lock()


def font_library() -> FontLibrary:
    """The process's font library, made on first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = FontLibrary()
        return _shared
