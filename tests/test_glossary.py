"""The catalogs use the office's own words: i18n/GLOSSARY.md is the single source.

For every term of the glossary table, every catalog entry whose English text contains the
term (word boundaries, any case, plurals and possessives) must contain the glossary's
Chinese, resp. Hebrew, word in every translated form. Chinese words must appear as
written; Hebrew words may take prefix letters and regular plural or construct endings,
and irregular forms are listed in the glossary itself. Genuine exceptions are listed in
EXEMPTIONS below, each with its reason; an exemption that is no longer needed fails too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "i18n" / "GLOSSARY.md"
SHARED_GLOSSARY = ROOT.parent / "shared" / "docs" / "domain.md"
CATALOGS = {
    code: ROOT / "i18n" / code / "LC_MESSAGES" / "exchange_desk.po" for code in ("zh_CN", "he")
}

# Genuine exceptions, in both catalogs: (English msgid, or the singular of a plural entry;
# glossary term; why the translation does not use the glossary's word).
_EXCEPTIONS = [
    (
        "certificates needs --year or --conference (or both).",
        "certificate",
        "'certificates' is the name of the command, kept in Latin letters",
    ),
    (
        "Load the demo data (the 2018 Jinan–Kfar Saba report, with sample partners marked "
        "as such) to look around, or start with an empty database for your office.",
        "report",
        "here 'report' is the 2018 news item (报道, הדיווח), not one of the office's reports",
    ),
    (
        "Recipient person",
        "person",
        "an award's recipient is an individual (获奖个人, אדם זוכה), not a contact person",
    ),
]
EXEMPTIONS = {
    (msgid, code, term): reason for msgid, term, reason in _EXCEPTIONS for code in CATALOGS
}

HEBREW_LETTER = "[\u05d0-\u05ea]"
HEBREW_PREFIXES = "[ובכלמשה]{0,3}"
FINAL_FORMS = str.maketrans("םןץףך", "מנצפכ")
SEPARATOR = " / "


@dataclass(frozen=True)
class Term:
    english: str
    chinese: tuple[str, ...]
    hebrew: tuple[str, ...]
    note: str

    def wanted(self, code: str) -> tuple[str, ...]:
        return self.chinese if code == "zh_CN" else self.hebrew


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _plain(cell: str) -> str:
    return re.sub(r"[*`]", "", cell).strip()


def read_glossary(text: str) -> list[Term]:
    """The rows of the table under '## Terms'."""
    lines = text.splitlines()
    start = lines.index("## Terms")
    rows = []
    for line in lines[start + 1 :]:
        if line.startswith("## "):
            break
        if line.startswith("|"):
            rows.append(_cells(line))
    header, rule, *body = rows
    assert header == ["English", "中文", "עברית", "Note"], header
    assert set("".join(rule)) <= {"-", ":"}, rule
    terms = []
    for cells in body:
        assert len(cells) == 4, cells
        english, chinese, hebrew, note = cells
        terms.append(
            Term(
                english=_plain(english),
                chinese=tuple(_plain(c) for c in chinese.split(SEPARATOR)),
                hebrew=tuple(_plain(h) for h in hebrew.split(SEPARATOR)),
                note=note,
            )
        )
    return terms


TERMS = read_glossary(GLOSSARY.read_text(encoding="utf-8"))


def english_pattern(term: str) -> re.Pattern[str]:
    """The term at word boundaries; every word may be possessive, the last one plural."""
    words = term.lower().split()
    parts = []
    for index, word in enumerate(words):
        stem = re.escape(word)
        if index == len(words) - 1:
            if word.endswith("y") and not word.endswith(("ay", "ey", "oy")):
                stem = re.escape(word[:-1]) + "(?:y|ies)"
            else:
                stem += "(?:e?s)?"
        parts.append(stem + "(?:['’]s)?")
    return re.compile(r"(?<![\w-])" + r"\s+".join(parts) + r"(?![\w-])", re.IGNORECASE)


def hebrew_word_forms(word: str) -> list[str]:
    """A Hebrew word with its regular plural and construct forms."""
    if not re.fullmatch(f"{HEBREW_LETTER}+", word) or word.endswith("ות"):
        return [word]
    if word.endswith("ה"):
        return [word, word[:-1] + "ת", word[:-1] + "ות"]
    if word.endswith("ת"):
        return [word, word[:-1] + "ות"]
    stem = word[:-1] + word[-1].translate(FINAL_FORMS)
    if word.endswith("י"):
        return [word, stem + "ים", stem + "ת", stem + "ות"]
    return [word, stem + "ים", stem + "י", stem + "ות"]


def hebrew_pattern(phrase: str) -> re.Pattern[str]:
    """The phrase with prefix letters on each word and regular inflection."""
    parts = []
    for word in phrase.split():
        forms = "|".join(re.escape(form) for form in hebrew_word_forms(word))
        prefix = HEBREW_PREFIXES if re.match(HEBREW_LETTER, word) else ""
        parts.append(f"{prefix}(?:{forms})")
    return re.compile(f"(?<!{HEBREW_LETTER})" + r"\s+".join(parts) + f"(?!{HEBREW_LETTER})")


def contains_term(translation: str, wanted: Iterable[str], code: str) -> bool:
    translation = translation.replace("&", "")
    if code == "zh_CN":
        return any(word in translation for word in wanted)
    return any(hebrew_pattern(phrase).search(translation) for phrase in wanted)


def english_text(msgid: str) -> str:
    """The msgid as words: no mnemonics, placeholders or command-line options."""
    text = msgid.replace("&", "")
    text = re.sub(r"\{[^}]*\}|%\([^)]*\)[sd]", " ", text)
    return re.sub(r"(?<![\w])--?[a-z][\w-]*", " ", text)


def terms_in(msgid: str, terms: list[Term]) -> list[Term]:
    """The terms the text uses; a longer term decides for the stretch it covers."""
    text = english_text(msgid)
    found = []
    for term in terms:
        for match in english_pattern(term.english).finditer(text):
            found.append((match.start(), match.end(), term))
    found.sort(key=lambda hit: hit[0] - hit[1])
    kept: list[tuple[int, int, Term]] = []
    for start, end, term in found:
        if not any(start >= s and end <= e for s, e, _t in kept):
            kept.append((start, end, term))
    result: list[Term] = []
    for _s, _e, term in kept:
        if term not in result:
            result.append(term)
    return result


def _forms(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def _sources(message: Message) -> tuple[str, ...]:
    return _forms(message.id)


@dataclass(frozen=True)
class Violation:
    msgid: str
    code: str
    term: str
    translation: str

    def __str__(self) -> str:
        return f"[{self.code}] {self.term!r} in {self.msgid!r}: {self.translation!r}"


def violations(catalog: Catalog, code: str, terms: list[Term]) -> Iterator[Violation]:
    for message in catalog:
        if not message.id:
            continue
        sources = _sources(message)
        used = {term.english: term for source in sources for term in terms_in(source, terms)}
        for term in used.values():
            for translation in _forms(message.string):
                if translation and not contains_term(translation, term.wanted(code), code):
                    yield Violation(sources[0], code, term.english, translation)


def load(code: str) -> Catalog:
    with CATALOGS[code].open("rb") as handle:
        return read_po(handle, locale=code)


# --- the glossary itself -------------------------------------------------------------


def test_the_glossary_table_is_complete() -> None:
    assert len(TERMS) >= 40
    english = [term.english.lower() for term in TERMS]
    assert len(english) == len(set(english)), "a term is listed twice"
    for term in TERMS:
        assert term.english, term
        assert all(re.search("[\u4e00-\u9fff]", word) for word in term.chinese), term
        assert all(re.search(HEBREW_LETTER, word) for word in term.hebrew), term


def _shared_rows() -> list[list[str]]:
    text = SHARED_GLOSSARY.read_text(encoding="utf-8")
    section = text.split("## Words in three languages", 1)[1].split("\n## ", 1)[0]
    rows = [_cells(line) for line in section.splitlines() if line.startswith("|")]
    return rows[2:]


@pytest.mark.skipif(not SHARED_GLOSSARY.is_file(), reason="the shared docs are not checked out")
def test_the_glossary_extends_the_shared_one() -> None:
    """Every shared term is here; where our words differ, the note says it departs."""
    ours = {term.english.lower(): term for term in TERMS}
    for english, chinese, hebrew in _shared_rows():
        name = re.sub(r"\s*\(.*?\)", "", english).strip().lower()
        assert name in ours, f"{english!r} of the shared glossary is missing"
        term = ours[name]
        same = set(chinese.split(SEPARATOR)) <= set(term.chinese) and set(
            hebrew.split(SEPARATOR)
        ) <= set(term.hebrew)
        assert same or "Departs" in term.note, (english, term)


# --- the matching rules --------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "text"),
    [
        ("delegation", "Delegations per month"),
        ("delegation", "Select a delegation in the Delegations tab"),
        ("award", "{year_code} stands for the award's year"),
        ("printer offset", "the difference is the printer's offset."),
        ("partner city", "…and {count} more partner cities"),
        ("party", "Parties"),
        ("delegation brief", "Dele&gation brief…"),
    ],
)
def test_english_terms_are_found_in_their_forms(term: str, text: str) -> None:
    assert english_pattern(term).search(english_text(text))


@pytest.mark.parametrize(
    ("term", "text"),
    [
        ("conference", "certificates needs --year or --conference (or both)."),
        ("award", "Awarded on"),
        ("record", "No agreements are recorded."),
        ("tab", "Table"),
        ("delegation", "{delegation}"),
    ],
)
def test_english_terms_are_not_found_in_other_words(term: str, text: str) -> None:
    assert not english_pattern(term).search(english_text(text))


def test_the_longer_term_decides() -> None:
    by_name = {term.english: term for term in TERMS}
    found = [term.english for term in terms_in("Exchange Desk printer test page", TERMS)]
    assert found == ["Exchange Desk", "test page"]
    found = [term.english for term in terms_in("Edit certificate of honor: {name}", TERMS)]
    assert found == ["certificate of honor"]
    assert by_name["certificate"] not in terms_in("Certificate &register…", TERMS)


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("משלחת", "משלחות יוצאות"),
        ("משלחת", "דף רקע למשלחת"),
        ("תעודת הוקרה", "הדפסת תעודת ההוקרה של פרס אחד"),
        ("מספר תעודה", "מספרי התעודות הבאים"),
        ("הסכם", "לא נרשמו הסכמים."),
        ("פרס", "בשנת {year} לא הוענקו פרסים."),
        ("עיר תאומה", "כעיר תאומה"),
        ("ערים תאומות", "{count} ערים תאומות"),
        ("קשר ערים", "קשרי הערים"),
        ("דוח שנתי", "הדוח השנתי של המחלקה"),
        ("תחום שיתוף פעולה", "בכל אחד מתחומי שיתוף הפעולה"),
        ('דוא"ל', 'כתובת דוא"ל'),
    ],
)
def test_hebrew_words_match_their_inflected_forms(phrase: str, text: str) -> None:
    assert hebrew_pattern(phrase).search(text)


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("מזכר הבנות", "נחתם מזכר הבנה"),
        ("כנס", "ועידה"),
        ("כנס", "נכנסת"),
        ("פרס", "פרסום"),
        ("משלחת", "משלחתם"),
        ("תעודת הוקרה", "תעודת הצטיינות"),
        ("מספר תעודה", "מספור תעודות"),
    ],
)
def test_hebrew_words_do_not_match_other_words(phrase: str, text: str) -> None:
    assert not hebrew_pattern(phrase).search(text)


# --- the catalogs --------------------------------------------------------------------


def _without_exemptions(found: Iterable[Violation]) -> list[Violation]:
    return [v for v in found if (v.msgid, v.code, v.term) not in EXEMPTIONS]


@pytest.mark.parametrize("code", sorted(CATALOGS))
def test_the_catalog_uses_the_glossary(code: str) -> None:
    found = _without_exemptions(violations(load(code), code, TERMS))
    assert not found, "\n".join(map(str, found))


def test_every_exemption_is_still_needed() -> None:
    found = {
        (v.msgid, v.code, v.term) for code in CATALOGS for v in violations(load(code), code, TERMS)
    }
    assert set(EXEMPTIONS) <= found, set(EXEMPTIONS) - found


@pytest.mark.parametrize(
    ("msgid", "translation"),
    [
        ("Memorandum of understanding signed in {year}", "מזכר הבנה נחתם בשנת {year}"),
        ("Agreement", "אמנה"),
        ("Conference", "ועידה"),
        ("Outgoing delegations: {count}", "משלחות יוצאים: {count}"),
        ("Delegations", "צירים"),
    ],
)
def test_a_wrong_hebrew_word_is_caught(msgid: str, translation: str) -> None:
    catalog = load("he")
    catalog.delete(msgid)
    catalog.add(msgid, translation)
    found = [v for v in violations(catalog, "he", TERMS) if v.msgid == msgid]
    assert found, f"{translation!r} was accepted for {msgid!r}"


def test_a_wrong_chinese_word_is_caught() -> None:
    catalog = load("zh_CN")
    catalog.delete("Delegations received")
    catalog.add("Delegations received", "来访团组")
    found = [v for v in violations(catalog, "zh_CN", TERMS) if v.msgid == "Delegations received"]
    assert [v.term for v in found] == ["delegation"]
