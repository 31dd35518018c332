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


# --- one place for the languages' codes ------------------------------------------------------


@pytest.mark.parametrize(
    ("spelling", "code", "short"),
    [
        ("en", "en", "en"),
        ("en-US", "en", "en"),
        ("en_GB", "en", "en"),
        ("zh", "zh_CN", "zh"),
        ("zh_CN", "zh_CN", "zh"),
        ("zh-cn", "zh_CN", "zh"),
        ("zh_Hans", "zh_CN", "zh"),
        ("zh_Hans_CN", "zh_CN", "zh"),
        ("zh-Hans-CN", "zh_CN", "zh"),
        ("he", "he", "he"),
        ("he_IL", "he", "he"),
        ("iw", "he", "he"),
        (" HE ", "he", "he"),
    ],
)
def test_every_spelling_of_a_language_finds_it(spelling: str, code: str, short: str) -> None:
    from exchange_desk.i18n.languages import catalog_code, short_code

    language = find_language(spelling)
    assert language is not None
    assert (language.code, language.short_code) == (code, short)
    assert catalog_code(spelling) == code
    assert short_code(spelling) == short


@pytest.mark.parametrize("spelling", ["fr", "zh_TW", "", "english"])
def test_a_language_we_do_not_speak_is_none_or_english(spelling: str) -> None:
    from exchange_desk.i18n.languages import catalog_code, name_order, short_code

    assert find_language(spelling) is None
    assert (catalog_code(spelling), short_code(spelling)) == ("en", "en")
    assert name_order(spelling) == ("en", "zh", "he")


def test_names_are_chosen_in_the_order_of_the_language() -> None:
    """The services' names, JSON export, reports and certificates all choose a record's name
    through `name_order`: the language's own, then English, then the rest."""
    from exchange_desk.i18n.languages import NAME_LANGUAGES, name_order
    from exchange_desk.services.names import Names
    from exchange_desk.services.report_choices import interface_language_of, report_language_of

    assert NAME_LANGUAGES == ("en", "zh", "he")
    assert name_order("zh_Hans_CN") == ("zh", "en", "he")
    assert name_order("iw") == ("he", "en", "zh")
    names = Names(en="Kfar Saba", zh="克法尔萨巴", he="כפר סבא")
    assert [names.best(code) for code in ("zh", "zh_CN", "he", "iw", "en", "fr")] == [
        "克法尔萨巴",
        "克法尔萨巴",
        "כפר סבא",
        "כפר סבא",
        "Kfar Saba",
        "Kfar Saba",
    ]
    assert Names(zh="济南").best("he") == "济南"
    assert Names(he="חיפה", zh="海法").best("en") == "海法"
    assert Names().best("he") == ""
    set_language("he")
    assert names.best() == "כפר סבא"
    assert [report_language_of(code) for code in ("zh_CN", "he_IL", "en-US", "fr")] == [
        "zh",
        "he",
        "en",
        "en",
    ]
    assert [interface_language_of(code) for code in ("zh", "he", "en")] == ["zh_CN", "he", "en"]


# --- the domain's messages, translated by i18n -------------------------------------------------


def test_a_domain_message_is_translated_when_shown() -> None:
    from exchange_desk.domain import messages
    from exchange_desk.domain.messages import Message

    required = messages._("This field is required.")
    too_long = messages._("Too long: {length} characters, at most {limit} are allowed.").format(
        length=250, limit=200
    )
    assert required == Message("This field is required.")
    assert str(required) == "This field is required."
    assert str(too_long) == "Too long: 250 characters, at most 200 are allowed."
    set_language("he")
    assert str(required) == _("This field is required.") != "This field is required."
    assert "250" in str(too_long)
    assert str(too_long) == _("Too long: {length} characters, at most {limit} are allowed.").format(
        length=250, limit=200
    )
    # Plurals follow the count in the language, and a message may hold another.
    assert str(messages.ngettext("delegation", "delegations", 2)) == "משלחות"
    held = messages._("{label}: {count}").format(
        label=messages.ngettext("delegation", "delegations", 1), count=3
    )
    assert str(held) == _("{label}: {count}").format(
        label=ngettext("delegation", "delegations", 1), count=3
    )
    set_language("en")
    assert str(held) == "delegation: 3"
    # Braces of a message without arguments are its own text.
    assert str(messages._("{seq}")) == "{seq}"


def test_a_domain_message_in_a_document_language() -> None:
    """A document's language translates a message without touching the window's."""
    from exchange_desk.domain import messages
    from exchange_desk.i18n.document_language import document_language

    hebrew = document_language("iw")
    assert hebrew is document_language("he")
    assert (hebrew.code, hebrew.ui, hebrew.locale, hebrew.is_rtl) == ("he", "he", "he", True)
    chinese = document_language("zh_CN")
    assert (chinese.code, chinese.ui, chinese.locale) == ("zh", "zh_CN", "zh_Hans_CN")
    assert chinese.message(messages._("sister city")) == "友好城市"
    assert hebrew.message(messages.ngettext("delegation", "delegations", 2)) == "משלחות"
    assert hebrew.label(PartnershipTier.SISTER_CITY) == "עיר תאומה"
    assert chinese.month_names()[10] == "11月"
    assert active_language() == "en"
    assert PartnershipTier.SISTER_CITY.label == "sister city"
    with pytest.raises(ValueError, match="fr"):
        document_language("fr")


def test_field_problems_follow_the_language_they_are_read_in() -> None:
    from exchange_desk.domain.errors import FieldProblem, InvalidInput, NotFound
    from exchange_desk.domain.records import City
    from exchange_desk.domain.validation import problems

    [problem] = problems(City(name_en="", country="IL"))
    assert isinstance(problem, FieldProblem)
    assert problem.message == "This field is required."
    set_language("zh_CN")
    assert problem.message == _("This field is required.") != "This field is required."
    assert InvalidInput([problem]).for_field("name_en") == [problem.message]
    assert str(NotFound("city", 7)) == _("No {kind} record with id {id}.").format(kind="city", id=7)
    # A text a service already translated is kept as it is.
    assert FieldProblem("x", "as typed").message == "as typed"
