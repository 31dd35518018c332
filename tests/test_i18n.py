"""Translation plumbing: languages in one place, catalogs looked up at call time."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from exchange_desk.domain.enums import Direction, PartnershipTier
from exchange_desk.i18n.catalog import _, active_language, load_translations, ngettext, set_language
from exchange_desk.i18n.languages import LANGUAGES, find_language
from exchange_desk.i18n.system import system_language
from exchange_desk.paths import i18n_dir, resources_dir

CATALOGS = {
    language.code: i18n_dir() / language.code / "LC_MESSAGES" / "exchange_desk.po"
    for language in LANGUAGES
}


def test_three_languages_and_their_direction() -> None:
    assert [language.code for language in LANGUAGES] == ["en", "zh_CN", "he"]
    hebrew = find_language("he")
    assert hebrew is not None
    assert hebrew.is_rtl
    chinese = find_language("zh")
    assert chinese is not None
    assert chinese.code == "zh_CN"
    assert not chinese.is_rtl
    assert find_language("fr") is None


def test_each_language_has_a_catalog() -> None:
    assert (i18n_dir() / "exchange_desk.pot").is_file()
    assert (i18n_dir() / "babel.cfg").is_file()
    for path in CATALOGS.values():
        assert path.is_file(), path


def test_the_program_finds_its_files() -> None:
    assert resources_dir().is_dir()
    assert i18n_dir().is_dir()


def test_translation_is_looked_up_at_call_time() -> None:
    label = PartnershipTier.SISTER_CITY
    assert label.label == "sister city"
    set_language("zh_CN")
    assert active_language() == "zh_CN"
    assert label.label == "友好城市"
    set_language("he")
    assert label.label == "עיר תאומה"
    assert Direction.OUTGOING.label == "יוצאת"
    set_language("en")
    assert label.label == "sister city"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="xx"):
        set_language("xx")


def test_plurals_follow_the_language() -> None:
    singular, plural = (
        "{count} {kind} would be deleted with it",
        "{count} {kind} would be deleted with it",
    )
    assert ngettext(singular, plural, 1) == singular
    set_language("he")
    one, two, many = (ngettext(singular, plural, n) for n in (1, 2, 7))
    for form in (one, two, many):
        assert "{count}" in form
        assert "{kind}" in form
    assert one != singular


def test_po_compiled_in_memory_equals_mo(tmp_path: Path) -> None:
    """A checkout without compiled catalogs reads the .po files directly."""
    from babel.messages.mofile import write_mo

    language = find_language("he")
    assert language is not None
    folder = tmp_path / "he" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with CATALOGS["he"].open("rb") as handle:
        catalog = read_po(handle, locale="he")
    with (folder / "exchange_desk.mo").open("wb") as handle:
        write_mo(handle, catalog)
    from_mo = load_translations(language, tmp_path)
    from_po = load_translations(language, i18n_dir())
    assert isinstance(from_mo, gettext.GNUTranslations)
    assert from_mo.gettext("sister city") == from_po.gettext("sister city") == "עיר תאומה"


def test_english_is_the_source() -> None:
    assert _("sister city") == "sister city"


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
        ({"LANG": "he_IL.UTF-8"}, "he"),
        ({"LANGUAGE": "he:en", "LANG": "en_US.UTF-8"}, "he"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
        ({"EXCHANGE_DESK_LANG": "zh", "LANG": "he_IL.UTF-8"}, "zh_CN"),
    ],
)
def test_system_language(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], expected: str
) -> None:
    for name in ("EXCHANGE_DESK_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("locale.getlocale", lambda: (None, None))
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert system_language() == expected


def _placeholders(text: str) -> list[str]:
    """The replacement fields of a message: str.format's ({name}, {seq:04}, {0!r}) and
    %-formatting's (%(prog)s, %s, %r), which argparse's messages use; "%%" is a percent sign."""
    import re

    fields = re.findall(r"\{[A-Za-z_0-9]*(?:![rsa])?(?::[^{}]*)?\}", text)
    percents = re.findall(r"%(?:\([a-z_]+\))?[sdrf]", text.replace("%%", ""))
    return sorted(fields) + sorted(percents)


def test_placeholders_are_found() -> None:
    assert _placeholders("{count} of {total:,}: {0!r} %(prog)s %s 100%%") == [
        "{0!r}",
        "{count}",
        "{total:,}",
        "%(prog)s",
        "%s",
    ]


def test_the_template_holds_every_marked_string() -> None:
    """No string marked in the source is missing from the template (and so from the
    catalogs, which the test below checks against the template): `make catalogs` was run."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    source = Path(__file__).resolve().parents[1] / "src" / "exchange_desk"
    if not source.is_dir():
        pytest.skip("no source tree beside the tests (an installed copy)")
    marked = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(source), method_map=[("**.py", "python")], keywords=DEFAULT_KEYWORDS
        )
    }
    with (i18n_dir() / "exchange_desk.pot").open("rb") as handle:
        template = {
            message.id if isinstance(message.id, str) else message.id[0]
            for message in read_po(handle)
            if message.id
        }
    assert sorted(marked - template) == [], "marked but not extracted: run make catalogs"
    assert sorted(template - marked) == [], "extracted but no longer marked: run make catalogs"


@pytest.mark.parametrize("code", ["zh_CN", "he"])
def test_catalogs_are_complete_and_keep_placeholders(code: str) -> None:
    """Every message of the template is translated, not fuzzy, with the same placeholders."""
    with (i18n_dir() / "exchange_desk.pot").open("rb") as handle:
        template = read_po(handle)
    with CATALOGS[code].open("rb") as handle:
        catalog = read_po(handle, locale=code)
    wanted = {message.id for message in template if message.id}
    present = {message.id for message in catalog if message.id}
    assert wanted - present == set(), "missing from the catalog: run make catalogs"
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(forms), f"untranslated: {message.id!r}"
        expected = _placeholders(sources[-1])
        for form in forms:
            assert _placeholders(form) == expected, (message.id, form)


@pytest.mark.parametrize(("lcid", "expected"), [(0x0804, "zh_CN"), (0x040D, "he"), (0x0409, "en")])
def test_windows_display_language(
    monkeypatch: pytest.MonkeyPatch, lcid: int, expected: str
) -> None:
    """Windows sets no LANG: its display language (GetUserDefaultUILanguage) decides."""
    import ctypes
    from types import SimpleNamespace

    for name in ("EXCHANGE_DESK_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    # What locale.getlocale() says on a Windows desktop: not a code we could map.
    monkeypatch.setattr("locale.getlocale", lambda: ("English_United States", "1252"))
    kernel32 = SimpleNamespace(GetUserDefaultUILanguage=lambda: lcid)
    monkeypatch.setattr(ctypes, "windll", SimpleNamespace(kernel32=kernel32), raising=False)
    assert system_language() == expected


@pytest.mark.parametrize(
    ("code", "forms", "picked"),
    [
        # Chinese has one form; Hebrew one, two and many (CLDR: 1, 2, other).
        ("zh_CN", 1, {1: 0, 2: 0, 5: 0, 20: 0}),
        ("he", 3, {0: 2, 1: 0, 2: 1, 3: 2, 10: 2, 20: 2, 101: 2}),
        ("en", 2, {0: 1, 1: 0, 2: 1}),
    ],
)
def test_plural_rules_of_each_catalog(code: str, forms: int, picked: dict[int, int]) -> None:
    """The catalog's Plural-Forms header says how many forms the language has and which
    one each number takes; every plural message has exactly that many."""
    with CATALOGS[code].open("rb") as handle:
        catalog = read_po(handle, locale=code)
    assert catalog.num_plurals == forms
    rule = gettext.c2py(catalog.plural_expr)
    assert {n: rule(n) for n in picked} == picked
    plurals = [message for message in catalog if isinstance(message.id, tuple)]
    assert plurals, "no plural messages"
    if code != "en":
        assert all(len(message.string) == forms for message in plurals)
