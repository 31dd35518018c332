"""Which existing record (or earlier row of a file being imported) a name means, across scripts.

The office writes one city as "Augsburg", "Augsburg ", "奥格斯堡" or "奥格斯堡市", and one
body as "City of Kfar Saba" or "עיריית כפר סבא". The importer asks this module, for each row,
which record its names already belong to, and shows the evidence to the clerk:

1. the same name once folded (`fold_name`: case, spaces, punctuation, diacritics and the
   affixes that tell no two cities apart, such as 市, "City of", עיריית) — a dict lookup;
2. the same name in pinyin: a Chinese name against a stored Latin name ("济南" / "Jinan") or
   against another Chinese spelling of it ("濟南" / "济南") — a dict lookup too;
3. a similar name (rapidfuzz's `fuzz.ratio`) in the same script, for spelling variants
   ("Kfar Sava" / "Kfar Saba"), only while the names to compare are few (cities, bodies).

Plain values in, plain values out: no Qt and no database here; the importer feeds it the names
it read from the database and from the file.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import compress

from rapidfuzz import fuzz, process

from exchange_desk.i18n.catalog import _

__all__ = [
    "PINYIN_SCORE",
    "NameIndex",
    "NameMatch",
    "SearchNeedle",
    "fold_name",
    "pinyin_key",
    "prepare_search",
    "search_fold",
    "search_needle",
    "search_pinyin",
    "search_text",
    "similar_text",
]

# Han ideographs: the unified blocks, extension A and the supplementary planes' extensions.
# Compatibility ideographs need no range: NFKC turns them into unified ones first.
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f]")
_HEBREW = re.compile("[\u05d0-\u05ea]")
# Diacritics to drop once decomposed: Latin, Greek and Cyrillic accents, and Hebrew points and
# cantillation (U+0591-U+05C7 less the maqaf, paseq, sof pasuq and nun hafukha, which are
# punctuation and go with the separators). Not every combining mark: the Japanese voicing
# marks (が = か + ゙) tell names apart.
_DIACRITICS = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
    "\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7]"
)
# Letters that carry their "diacritic" in the glyph, so that NFD leaves them whole.
_PLAIN_LETTERS = str.maketrans(
    {"ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ł": "l", "æ": "ae", "œ": "oe", "þ": "th"}
)
# A word: letters and digits. Everything else (spaces, - . ' ’ " ״ ׳ · ・ ( ) （ ）, commas,
# invisible direction marks pasted from Excel) only separates words and is dropped.
_WORD = re.compile(r"[^\W_]+")
_NOT_ASCII_ALNUM = re.compile("[^a-z0-9]")

# Words before or after a name that say what kind of place or body it is, not which one.
# Longest first, so that "the city of" goes before "city of" could leave "the" behind.
_PREFIXES: tuple[tuple[str, ...], ...] = (
    ("the", "city", "of"),
    ("the", "municipality", "of"),
    ("city", "of"),
    ("municipality", "of"),
    ("town", "of"),
    ("borough", "of"),
    ("מועצה", "מקומית"),  # local council
    ("מועצה", "אזורית"),  # regional council
    ("municipality",),
    ("stadt",),
    # The official German names: "Landeshauptstadt München", "Hansestadt Lübeck".
    ("landeshauptstadt",),
    ("hansestadt",),
    ("עיריית",),  # municipality of
    ("עירית",),  # the same, spelled without the second yod (common)
    ("עיר",),  # city
)
# "Kfar Saba Municipality", "Augsburg City", and the German lists' "Augsburg, Stadt".
_SUFFIXES: tuple[tuple[str, ...], ...] = (("municipality",), ("city",), ("stadt",))
# Chinese administrative suffixes (simplified and traditional), longest first. Stripped only
# when two characters or more remain: 广州 is one city, 广 none, and 朝阳区 is 朝阳 but 区 alone
# is no name.
_HAN_SUFFIXES = (
    "特别市",
    "特別市",
    "自治市",
    "广域市",
    "廣域市",
    "市",
    "县",
    "縣",
    "区",
    "區",
    "州",
)

# --- search ---------------------------------------------------------------------------------
#
# A search box finds a name by what the user can type, which is less than what is stored:
# `search_fold` reduces both the text searched and the text typed to the same form, and
# `search_text` adds what a Chinese name is found by in Latin letters (its pinyin).

# The apostrophes a keyboard gives for a Hebrew geresh (ג׳ינאן, ג'ינאן, ג’ינאן) are one
# apostrophe; the quotation marks for a gershayim (צה״ל, צה"ל, צה”ל) are two, as many type
# it. Two, not one quotation mark: what a prefix of the typed text finds must include what
# the whole finds (the window narrows the rows it shows as each letter is typed), and "צה'"
# is a prefix of "צה''ל".
_GERESH = "\u05f3'\u2019\u2018\u201b`\u2032\u02bc"
_GERSHAYIM = '\u05f4"\u201d\u201c\u201e\u201f\u2033'
# Hyphens and middle dots inside a name tell nothing apart (Ben-Hamo, benhamo; the Hebrew
# maqaf; 罗南·达甘, 罗南达甘); invisible characters are not typed (direction marks and
# controls pasted from a web page or a Hebrew document, zero-width spaces, soft hyphens).
_SEARCH_DROPPED = (
    "-\u2010\u2011\u05be\u00b7\u30fb\u2027\u2022"
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2066\u2067\u2068\u2069\ufeff\u00ad\u061c"
)
_SEARCH_TABLE: dict[int, str | None] = {
    **{ord(ch): "'" for ch in _GERESH},
    **{ord(ch): "''" for ch in _GERSHAYIM},
    **dict.fromkeys(map(ord, _SEARCH_DROPPED)),
    **_PLAIN_LETTERS,
}
_ASCII_SEARCH_TABLE: dict[int, str | None] = {ord("-"): None, ord("`"): "'", ord('"'): "''"}


@functools.cache
def _simplified() -> dict[int, str]:
    """Traditional Chinese characters to their simplified form (濟 to 济, 臺 to 台), one
    character for one: OpenCC's table, as the opencc-python-reimplemented package ships it.
    Empty if it is not installed: a traditional name is then still found by its pinyin."""
    try:
        from importlib.resources import files

        text = files("opencc").joinpath("dictionary", "TSCharacters.txt").read_text("utf-8")
    except (ImportError, OSError, ValueError):
        return {}
    table: dict[int, str] = {}
    for line in text.splitlines():
        traditional, _tab, simplified = line.partition("\t")
        # The first of several is the usual one (乾 is 干 more often than 乾).
        first = simplified.split(" ", 1)[0]
        if len(traditional) == 1 and first and first != traditional:
            table[ord(traditional)] = first
    return table


def search_fold(text: str) -> str:
    """`text` as a search compares it, reduced to what a user types: NFKC (full-width
    letters are plain ones), without case, accents, Hebrew points and cantillation,
    hyphens, middle dots and invisible characters; every geresh an apostrophe and every
    gershayim two; traditional Chinese characters simplified. "Łódź" is "lodz", "ZÜRICH"
    "zurich", "שָׁלוֹם" "שלום", "ג׳ינאן" "ג'ינאן", "צה״ל" "צה''ל", "濟南" "济南"."""
    if text.isascii():
        return text.casefold().translate(_ASCII_SEARCH_TABLE)
    # The acute accent alone (U+00B4), typed for a geresh, would become a space and a
    # combining accent under NFKC.
    text = unicodedata.normalize("NFKC", text.replace("\u00b4", "'")).casefold()
    text = unicodedata.normalize("NFD", text)
    text = _DIACRITICS.sub("", text).translate(_SEARCH_TABLE)
    if _HAN.search(text):
        text = text.translate(_simplified())
    return unicodedata.normalize("NFC", text)


def prepare_search() -> None:
    """Load the tables search folds with (traditional characters, pinyin readings: a tenth
    of a second, once): what a window can do in the background as it starts, rather than
    in its first page of a tab with Chinese names."""
    _simplified()
    _readings()


# Pinyin is kept in capitals after U+001E, one copy from each word of a name on ("济南" is
# "\x1eJINAN", "罗南·达甘" "\x1eLUONANDAGAN\x1eDAGAN"): a folded text has no capitals, so what is
# typed (folded, small letters) meets pinyin only as `SearchNeedle.pinyin` looks for it, from
# the start of a name or of a word in it, as a name is typed. Each character's reading joined
# and searched as plain text found "zhe" inside "zhang he" and nine people for one; from the
# start of any syllable, "zhe" still found every body named 市政府 (shi zheng fu).
_SYLLABLE = "\x1e"
# What separates the words of a name before folding drops it: spaces, hyphens, the maqaf and
# the middle dots of transliterated names (达娜·夏皮拉), and punctuation.
_WORD_BREAK = re.compile(
    r"[\s\-\u2010\u2011\u05be\u00b7\u30fb\u2027\u2022/,;:()\uff08\uff09\u3001\uff0c]+"
)
# Text with more Chinese characters than this is a sentence (a purpose, a note), not a name:
# found by its characters, not by pinyin, which nobody types from a sentence's start.
_PINYIN_LONGEST = 16


def search_text(text: str) -> str:
    """What a text is found by: `search_fold(text)`, and for a text with Chinese characters
    (a name: at most sixteen of them) also its pinyin from each of its words on, without tones
    or spaces (`search_pinyin`), after a separator (U+001F, which nobody types): "济南市" is
    found by "jinan", "ji nan" or "jin", 罗南·达甘 by "luonan" or "dagan", and 王喆 by
    "wangzhe" but not by "zhe" alone, nor 克法尔萨巴 by "efa"."""
    folded = search_fold(text)
    if not 0 < len(_HAN.findall(folded)) <= _PINYIN_LONGEST:
        return folded
    words = [word for word in map(search_fold, _WORD_BREAK.split(text)) if word]
    # From each word on to the end: 罗南·达甘 is typed "luonandagan" or "dagan".
    sound = "".join(
        search_pinyin("".join(words[start:]))
        for start, word in enumerate(words)
        if _HAN.search(word)
    )
    return f"{folded}\x1f{sound}" if sound else folded


# At most this many spellings of one text in pinyin (see search_pinyin): each makes every
# keystroke's scan of the rows longer.
_SPELLINGS = 4


@functools.cache
def _readings() -> dict[int, tuple[str, ...]]:
    """Each Chinese character's readings, toneless, the most common first: pypinyin's own
    table (pinyin_dict.json), read without importing pypinyin, whose phrase dictionary costs
    45 MB and a quarter of a second, holding the window's thread (the GIL) while the table
    loads. Empty if the file cannot be found: `_syllables_of` then asks pypinyin itself."""
    import importlib.util
    import json
    from pathlib import Path

    spec = importlib.util.find_spec("pypinyin")  # finds the package, does not import it
    if spec is None or not spec.submodule_search_locations:
        return {}
    folder = Path(next(iter(spec.submodule_search_locations)))
    try:
        text = (folder / "pinyin_dict.json").read_text("utf-8")
    except OSError:
        return {}
    # The tones off the whole file at once (its only letters beyond ASCII are pinyin's, ü
    # too becomes u): one by one, the 40,000 characters' readings took a fifth of a second.
    toneless = _DIACRITICS.sub("", unicodedata.normalize("NFD", text))
    try:
        raw = json.loads(toneless)
    except ValueError:
        return {}
    table: dict[int, tuple[str, ...]] = {}
    for code, readings in raw.items():
        found = tuple(dict.fromkeys(filter(None, readings.split(","))))
        if found:
            table[int(code)] = found
    return table


@functools.lru_cache(maxsize=1 << 16)
def search_pinyin(folded: str) -> str:
    """The pinyin a search finds a folded word with Chinese characters by: each spelling's
    toneless syllables in capitals after U+001E ("济南" is "\\x1eJINAN"); "" for none. A
    spelling is each character's most common reading, and one more for each character with
    a second reading (重 is zhong or chong: 重庆 is "ZHONGQING" and "CHONGQING"), at most
    four. A run of Latin letters or digits in the word is one syllable.

    By character, not by phrase as `pinyin_key`: a search would rather find a name by a
    reading it does not have than miss it by the one it has, and the phrase dictionary
    that knows which is which is large and slow to load (`_readings`)."""
    spellings = dict.fromkeys("".join(syllables) for syllables in _spellings(folded))
    return "".join(_SYLLABLE + spelling.upper() for spelling in spellings)


def _spellings(folded: str) -> list[list[str]]:
    """The ways `search_pinyin` spells `folded`, as syllables: [] if nothing has a reading."""
    table = _readings()
    if not table:
        whole = _syllables_of(folded)
        return [whole] if whole else []
    base: list[str] = []
    others: list[tuple[int, str]] = []
    latin = False  # whether the last syllable is a run of Latin letters and digits
    for character in folded:
        readings = table.get(ord(character))
        if readings:
            if len(readings) > 1:
                others.append((len(base), readings[1]))
            base.append(readings[0])
            latin = False
        elif character.isascii() and character.isalnum():
            if latin:
                base[-1] += character
            else:
                base.append(character)
            latin = True
        else:
            latin = False
    if not base:
        return []
    spellings = [base]
    for position, reading in others[: _SPELLINGS - 1]:
        spelling = base.copy()
        spelling[position] = reading
        spellings.append(spelling)
    return spellings


@dataclass(frozen=True, slots=True)
class SearchNeedle:
    """What a search looks for in `search_text`s, made once from the typed text
    (`search_needle`): the folded text; the same without its spaces ("ben hamo" finds
    Ben-Hamo, kept as "benhamo"); and, for Latin letters, the same as pinyin from the start
    of a word ("jinan", "ji nan" and "xi'an" as "\\x1eJINAN" and "\\x1eXIAN")."""

    folded: str
    joined: str
    pinyin: str

    def found_in(self, text: str) -> bool:
        return (
            self.folded in text
            or self.joined in text
            or (self.pinyin != "" and self.pinyin in text)
        )

    def rows_among(
        self,
        parts: Sequence[Sequence[str]],
        values: Sequence[Sequence[str]],
        among: Iterable[int],
    ) -> list[int]:
        """The rows of `among` found by what is looked for in any of `parts` (a column of
        `search_text`s per searched column of a table, row by row; `values`, each column's
        distinct texts). Each distinct text is searched once; then the rows are found by set
        lookups in the columns where something was: a keystroke's whole cost on a tab of
        100,000 rows."""
        hits = []
        for column, distinct in zip(parts, values, strict=True):
            found = {text for text in distinct if self.found_in(text)}
            if len(found) == len(distinct) and distinct:
                return list(among)  # every value of a column holds it: every row is found
            if found:
                hits.append((column, found))
        if not hits:
            return []
        if len(hits) == 1:
            ((column, found),) = hits
            return [i for i in among if column[i] in found]
        # Several columns: each one's rows at C speed (compress, map), then in `among`'s order.
        rows: set[int] = set()
        for column, found in hits:
            rows.update(compress(range(len(column)), map(found.__contains__, column)))
        return [i for i in among if i in rows]


def search_needle(typed: str) -> SearchNeedle | None:
    """What `typed` is looked for as (`SearchNeedle`); None for blank text, which finds
    everything."""
    folded = search_fold(typed).strip()
    if not folded:
        return None
    joined = folded.replace(" ", "")
    sound = joined.replace("'", "")  # "xi'an" is how pinyin writes 西安 apart from 先
    pinyin = _SYLLABLE + sound.upper() if sound.isascii() and sound.isalnum() else ""
    return SearchNeedle(folded, joined, pinyin)


# The kinds of evidence, strongest first: a match of a stronger kind beats any weaker one.
_STRENGTH = {"same": 0, "pinyin": 1, "similar": 2}
# The score of a pinyin match: exact in sound, but homophones share it (台州 and 泰州 are both
# Taizhou), so it ranks below the same name and, by its kind, above any similar one.
PINYIN_SCORE = 95.0

_DIGITS = re.compile(r"\d+")


def fold_name(text: str) -> str:
    """`text` reduced to what tells one city or body from another.

    NFKC, case-folded, without spaces, punctuation and diacritics ("Saint-Étienne" and
    "Saint Etienne" are both "saintetienne"), and without the affixes that name the kind of
    place ("City of", "Stadt", "עיריית", 市...). Never "" for a name: when only an affix or
    only punctuation is left, that is kept ("City" is "city"). "" only for blank text.
    """
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFD", text)
        text = _DIACRITICS.sub("", text).translate(_PLAIN_LETTERS)
        text = unicodedata.normalize("NFC", text)
    words = _WORD.findall(text)
    if not words:
        return text  # punctuation alone ("-"): kept as it is rather than lost
    return _strip_han_suffixes("".join(_strip_words(words)))


def _strip_words(words: list[str]) -> list[str]:
    """`words` without the kind-of-place words at either end, at least one word left."""
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            size = len(prefix)
            if len(words) > size and tuple(words[:size]) == prefix:
                words = words[size:]
                changed = True
                break
        for suffix in _SUFFIXES:
            size = len(suffix)
            if len(words) > size and tuple(words[-size:]) == suffix:
                words = words[:-size]
                changed = True
                break
    return words


def _strip_han_suffixes(text: str) -> str:
    # Repeated: 北京市区 is 北京 once 区 and then 市 are gone; 广州市 stops at 广州.
    changed = True
    while changed:
        changed = False
        for suffix in _HAN_SUFFIXES:
            if text.endswith(suffix) and len(text) - len(suffix) >= 2:
                text = text[: -len(suffix)]
                changed = True
                break
    return text


def pinyin_key(text: str) -> str | None:
    """The pinyin of `text`'s folded form, toneless, joined, ASCII lower case; None when it
    has no Han character. "济南" and "濟南" are "jinan", "奥格斯堡市" is "aogesibao"."""
    folded = fold_name(text)
    if not _HAN.search(folded):
        return None
    return _pinyin_of(folded) or None


@functools.lru_cache(maxsize=1 << 17)
def _pinyin_of(folded: str) -> str:
    """The pinyin key of a folded name with Han characters ("" if none of them has a reading).

    Cached: pypinyin takes some 40 µs a name, and an import asks for the same names again.
    """
    # Imported here: loading its dictionaries takes a quarter of a second, which only a file
    # with Chinese names needs to pay.
    from pypinyin import Style, lazy_pinyin

    # With its tone marks, as the dictionary has it: half the time of pypinyin's toneless
    # style, which strips them one syllable at a time. _ascii_key strips them all at once, and
    # 吕's "lǚ" becomes "lu" as Latin names spell it (the toneless style's "lv" would meet none).
    return _ascii_key("".join(lazy_pinyin(folded, style=Style.TONE)))


def _syllables_of(folded: str) -> list[str]:
    """`folded`'s pinyin syllables by pypinyin itself (a run of other letters is one), for
    when its table cannot be read alone (`_readings`)."""
    from pypinyin import Style, lazy_pinyin

    return [key for key in map(_ascii_key, lazy_pinyin(folded, style=Style.TONE)) if key]


def _ascii_key(text: str) -> str:
    """`text`'s ASCII letters and digits, accents dropped; characters without pinyin go."""
    text = unicodedata.normalize("NFD", text.casefold())
    return _NOT_ASCII_ALNUM.sub("", _DIACRITICS.sub("", text))


def _family(folded: str) -> str:
    """The script a folded name is compared within: "han", "hebrew", "latin" or "other"."""
    if _HAN.search(folded):
        return "han"
    if _HEBREW.search(folded):
        return "hebrew"
    if folded.isascii():
        return "latin"
    return "other"


def similar_text(a: str, b: str) -> float:
    """How alike two free texts are (a delegation's leader), 0 to 100: `fuzz.ratio` of their
    folded forms. A Chinese text is also compared by its pinyin with a Latin one ("王伟" and
    "Wang Wei" are 100). 0 when either is blank: two missing leaders are not one leader."""
    folded_a, folded_b = fold_name(a), fold_name(b)
    if not folded_a or not folded_b:
        return 0.0
    score = float(fuzz.ratio(folded_a, folded_b))
    sound_a, sound_b = _sound(folded_a), _sound(folded_b)
    if sound_a and sound_b and (sound_a, sound_b) != (folded_a, folded_b):
        score = max(score, float(fuzz.ratio(sound_a, sound_b)))
    return score


def _sound(folded: str) -> str | None:
    """A folded name as Latin letters: the pinyin of a Chinese one, a Latin one as it is."""
    family = _family(folded)
    if family == "han":
        return _pinyin_of(folded) or None
    return folded if family == "latin" else None


@dataclass(frozen=True)
class NameMatch:
    """A record that a name means, and why: the kind of evidence and the name it met."""

    record_id: int
    score: float  # 100 for the same folded name, PINYIN_SCORE for pinyin, fuzz.ratio below
    how: str  # "same", "pinyin" or "similar"
    matched: str  # the stored name it met, as it was given

    def describe(self) -> str:
        """The evidence in the user's language, to show beside the record."""
        if self.how == "same":
            return _("same name as “{name}”").format(name=self.matched)
        if self.how == "pinyin":
            return _("same name in pinyin as “{name}”").format(name=self.matched)
        # Rounded down: "100%" would claim the names are equal, which a similar one is not.
        return _("similar to “{name}” ({score}%)").format(
            name=self.matched, score=math.floor(self.score)
        )


class _Pool:
    """The folded names of one script in one scope that rapidfuzz compares, by length.

    Two names can be `cutoff`% alike by `fuzz.ratio` only if their lengths are close enough
    (2·shorter / (sum of lengths) >= cutoff), so a search compares only the names of those
    lengths: about half of a pool's names, the same matches.
    """

    __slots__ = ("by_length", "size")

    def __init__(self) -> None:
        self.by_length: dict[int, list[str]] = {}
        self.size = 0

    def add(self, folded: str) -> None:
        self.by_length.setdefault(len(folded), []).append(folded)
        self.size += 1

    def search(self, folded: str, cutoff: float) -> Iterator[tuple[str, float]]:
        """The names at least `cutoff` similar to `folded`, with their `fuzz.ratio`."""
        share = cutoff / 100
        length = len(folded)
        if share <= 0:
            shortest, longest = 0.0, float("inf")
        else:  # a hair wider than the bound: a name exactly at the cutoff is found
            shortest = length * share / (2 - share) - 1e-9
            longest = length * (2 - share) / share + 1e-9
        for size, names in self.by_length.items():
            if not shortest <= size <= longest:
                continue
            # fuzz.ratio, not WRatio: WRatio scores a name inside a longer one as 90
            # ("Augsburg" in "Augsburg University Friends"), which for bodies is another
            # body. `extract`, not `extractOne`: equally similar records are all wanted (the
            # lowest id wins, not the first in the list); the same cost, one pass.
            hits = process.extract(
                folded, names, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
            )
            for choice, score, _position in hits:
                yield choice, float(score)


# A folded name's records by scope: scope -> record id -> the name as it was given.
_Holders = dict[str | None, dict[int, str]]


class NameIndex:
    """Records' names (any scripts), found again by any of their names in any script.

    Names are kept folded, so the same name and the same pinyin are dict lookups; similar
    names are searched with rapidfuzz among the folded names of the same script, only while
    there are at most `fuzzy_limit` of them to search (cities and bodies are few; persons,
    by the ten thousand, are matched by the same name or pinyin only).
    """

    def __init__(self, *, fuzzy_cutoff: float = 85.0, fuzzy_limit: int = 20_000) -> None:
        self._cutoff = fuzzy_cutoff
        self._limit = fuzzy_limit
        self._names: dict[str, _Holders] = {}  # folded name -> holders
        self._sounds: dict[str, _Holders] = {}  # pinyin of a stored Chinese name -> holders
        # Each record's names' pinyin keys: see _romanizations_differ.
        self._record_pinyin: dict[int, set[str]] = {}
        # The folded names rapidfuzz searches: by (scope, script), and by script for a search
        # in every scope.
        self._pools: dict[tuple[str | None, str], _Pool] = {}
        self._all_pools: dict[str, _Pool] = {}
        self._order: dict[int, int] = {}  # record id -> when it was first added
        self._size = 0

    def __len__(self) -> int:
        """How many names are held (a record's names that fold alike count once)."""
        return self._size

    def add(self, record_id: int, names: Iterable[str], *, scope: str | None = None) -> None:
        """Hold `names` as names of `record_id`, in `scope` (a city's country code, a body's
        city id as text; None: found from any scope). Blank names are passed over.

        A row of the file being imported is added under a provisional negative id as it is
        read, so that later rows find it."""
        self._order.setdefault(record_id, len(self._order))
        for name in names:
            folded = fold_name(name)
            if not folded:
                continue
            holders = self._names.setdefault(folded, {})
            family = _family(folded)
            if not holders:
                self._all_pools.setdefault(family, _Pool()).add(folded)
            records = holders.get(scope)
            if records is None:
                records = holders[scope] = {}
                self._pools.setdefault((scope, family), _Pool()).add(folded)
            if record_id in records:
                continue
            records[record_id] = name.strip()
            self._size += 1
            if family == "han" and (sound := _pinyin_of(folded)):
                sounds = self._sounds.setdefault(sound, {}).setdefault(scope, {})
                sounds.setdefault(record_id, name.strip())
                self._record_pinyin.setdefault(record_id, set()).add(sound)

    def find(self, names: Iterable[str], *, scope: str | None = None) -> NameMatch | None:
        """The record `names` (one row's names, any scripts) most likely mean, or None.

        Between records matched equally well, the one in the database (id >= 0) with the
        lowest id, else the file's row added first; `find_all` gives all of them."""
        matches = self.find_all(names, scope=scope)
        return matches[0] if matches else None

    def find_all(self, names: Iterable[str], *, scope: str | None = None) -> list[NameMatch]:
        """Every record `names` mean by the strongest kind of evidence found, best first.

        The kinds are tried in turn (the same name, the same pinyin, a similar name) and the
        first that finds any record decides: a record known by the same name is not listed
        with others that are only similar. With `scope`, only records added in that scope or
        in none are found: Springfield in "US" is not Springfield in "AU". Without it, all.
        """
        queries: dict[str, str] = {}  # folded name -> script, in the row's order
        for name in names:
            folded = fold_name(name)
            if folded:
                queries.setdefault(folded, _family(folded))
        if not queries:
            return []
        found: dict[int, NameMatch] = {}
        for folded in queries:
            self._collect(found, self._names.get(folded), scope, 100.0, "same")
        if not found:
            self._find_pinyin(found, queries, scope)
        if not found:
            self._find_similar(found, queries, scope)
        return sorted(found.values(), key=self._rank)

    def _find_pinyin(
        self, found: dict[int, NameMatch], queries: dict[str, str], scope: str | None
    ) -> None:
        for folded, family in queries.items():
            if family == "han":
                sound = _pinyin_of(folded)
                if sound:
                    # Its pinyin as a Latin name ("Jinan"), and other Chinese names read alike
                    # (濟南 for 济南).
                    self._collect(found, self._names.get(sound), scope, PINYIN_SCORE, "pinyin")
                    self._collect(found, self._sounds.get(sound), scope, PINYIN_SCORE, "pinyin")
            elif family == "latin":
                # A Latin name as the pinyin of a stored Chinese one ("Jinan" for 济南).
                self._collect(found, self._sounds.get(folded), scope, PINYIN_SCORE, "pinyin")

    def _find_similar(
        self, found: dict[int, NameMatch], queries: dict[str, str], scope: str | None
    ) -> None:
        row_pinyin = {
            sound for f, fam in queries.items() if fam == "han" and (sound := _pinyin_of(f))
        }
        for folded, family in queries.items():
            if scope is None:
                pools = [self._all_pools.get(family)]
            else:
                pools = [self._pools.get((scope, family)), self._pools.get((None, family))]
            held = [pool for pool in pools if pool is not None]
            if sum(pool.size for pool in held) > self._limit:
                continue  # too many to compare one by one for every row: persons, not cities
            for pool in held:
                for choice, score in pool.search(folded, self._cutoff):
                    if _DIGITS.findall(choice) != _DIGITS.findall(folded):
                        continue  # "Testville 2" is not "Testville 1", nor Route 66 Route 67
                    for record_id, stored in self._holders(self._names[choice], scope):
                        if family == "latin" and self._romanizations_differ(
                            folded, row_pinyin, choice, record_id
                        ):
                            continue
                        self._keep(found, NameMatch(record_id, score, "similar", stored))

    def _romanizations_differ(
        self, folded: str, row_pinyin: set[str], choice: str, record_id: int
    ) -> bool:
        """True when two similar Latin names are each the exact pinyin of its own side's
        Chinese name: two Chinese places, not one spelled two ways. Changzhou (常州) and
        Cangzhou (沧州) are 94% alike and 200 km apart."""
        return folded in row_pinyin and choice in self._record_pinyin.get(record_id, ())

    def _collect(
        self,
        found: dict[int, NameMatch],
        holders: _Holders | None,
        scope: str | None,
        score: float,
        how: str,
    ) -> None:
        if holders:
            for record_id, stored in self._holders(holders, scope):
                self._keep(found, NameMatch(record_id, score, how, stored))

    @staticmethod
    def _holders(holders: _Holders, scope: str | None) -> Iterable[tuple[int, str]]:
        """The records holding a name that `scope` may see: its own and the unscoped."""
        if scope is None:
            for records in holders.values():
                yield from records.items()
            return
        for key in (scope, None):
            if scoped := holders.get(key):
                yield from scoped.items()

    def _keep(self, found: dict[int, NameMatch], match: NameMatch) -> None:
        """Keep a record's best evidence only."""
        held = found.get(match.record_id)
        if held is None or self._strength(match) < self._strength(held):
            found[match.record_id] = match

    @staticmethod
    def _strength(match: NameMatch) -> tuple[int, float]:
        return _STRENGTH[match.how], -match.score

    def _rank(self, match: NameMatch) -> tuple[int, float, int, int]:
        # Ties: a database record (id >= 0) before a row of the file (negative, provisional
        # id), the lowest id among records, the earliest added among rows.
        record_id = match.record_id
        if record_id >= 0:
            return (*self._strength(match), 0, record_id)
        return (*self._strength(match), 1, self._order.get(record_id, 0))
