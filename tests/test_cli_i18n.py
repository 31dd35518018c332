"""argparse's own texts of the command line ("usage: ", "options", its error messages) come out
in the chosen language (exchange_desk.i18n.argparse_texts).

The expected texts are read from the catalogs, so these tests hold whatever words the
translators chose; they fail while argparse's msgids are not translated in i18n/zh_CN and
i18n/he.
"""

from __future__ import annotations

import argparse
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file

from exchange_desk.cli import EXIT_USAGE, build_parser, main
from exchange_desk.i18n import argparse_texts
from exchange_desk.i18n.catalog import set_language, translator

# A letter of the language's own script: the output is in it, not in English.
SCRIPT = {"he": re.compile("[\u0590-\u05ff]"), "zh_CN": re.compile("[\u4e00-\u9fff]")}


@pytest.fixture(autouse=True)
def _argparse_as_found() -> Iterator[None]:
    """Leave the language English and argparse's translation as each test found them."""
    was_installed = argparse_texts.installed()
    yield
    set_language("en")
    if not was_installed:
        argparse_texts.uninstall()


def translated(code: str, message: str) -> str:
    """`message` in the catalog of `code`; fails while it is not translated there."""
    text = translator(code).gettext(message)
    assert text != message, f"{message!r} is not translated in i18n/{code} yet"
    assert SCRIPT[code].search(text), (code, text)
    return text


def run_exit(argv: list[str]) -> int:
    """Run a command line that ends in argparse's SystemExit; returns the exit code."""
    with pytest.raises(SystemExit) as exited:
        main(argv, out=io.StringIO())
    code = exited.value.code
    assert isinstance(code, int)
    return code


# --- help ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["he", "zh_CN"])
def test_help_is_in_the_chosen_language(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_exit(["--lang", code, "--help"]) == 0
    printed = capsys.readouterr().out
    lines = printed.splitlines()
    assert lines[0].startswith(translated(code, "usage: ") + "exchange-desk ")
    headings = {line.rstrip(":：") for line in lines if line and not line[0].isspace()}
    assert translated(code, "options") in headings
    assert translated(code, "positional arguments") in headings
    help_line = next(line for line in lines if line.lstrip().startswith("-h, --help"))
    assert translated(code, "show this help message and exit") in help_line
    version_line = next(line for line in lines if line.lstrip().startswith("--version"))
    assert translated(code, "show program's version number and exit") in version_line
    for english in ("usage:", "options:", "positional arguments", "show this help message"):
        assert english not in printed


@pytest.mark.parametrize("code", ["he", "zh_CN"])
def test_help_of_a_subcommand_too(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_exit(["--lang", code, "list", "--help"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(translated(code, "usage: ") + "exchange-desk list ")
    assert translated(code, "show this help message and exit") in printed
    assert "usage:" not in printed
    assert "show this help message" not in printed


def test_help_stays_english_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_exit(["--lang", "en", "--help"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("usage: exchange-desk ")
    assert "\noptions:\n" in printed
    assert "show this help message and exit" in printed
    assert "show program's version number and exit" in printed


# --- errors ----------------------------------------------------------------------------


# Stands for a part whose form may differ between Python versions (the value, the choices).
ANY = "\x00"


def _error_line(code: str, prog: str, message: str) -> str:
    return translated(code, "%(prog)s: error: %(message)s\n") % {"prog": prog, "message": message}


def _argument(code: str, name: str, message: str) -> str:
    return translated(code, "argument %(argument_name)s: %(message)s") % {
        "argument_name": name,
        "message": message,
    }


def _assert_translated_error(code: str, err: str, expected_line: str, prog: str) -> None:
    """`err` is the translated usage, then `expected_line` (where ANY matches anything)."""
    assert err.startswith(translated(code, "usage: ") + prog + " ")
    last = err.splitlines(keepends=True)[-1]
    assert re.fullmatch(".+?".join(map(re.escape, expected_line.split(ANY))), last, re.S), last
    for english in ("usage:", "error:", "invalid choice", "arguments are required"):
        assert english not in err


def _invalid_choice(code: str) -> str:
    template = translated(code, "invalid choice: %(value)r (choose from %(choices)s)")
    return template.replace("%(value)r", ANY) % {"choices": ANY}


@pytest.mark.parametrize("code", ["he", "zh_CN"])
def test_unknown_subcommand(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_exit(["--lang", code, "bogus"]) == EXIT_USAGE
    err = capsys.readouterr().err
    line = _error_line(code, "exchange-desk", _argument(code, "COMMAND", _invalid_choice(code)))
    _assert_translated_error(code, err, line, "exchange-desk")
    assert "'bogus'" in err
    assert "'certificates'" in err


@pytest.mark.parametrize("code", ["he", "zh_CN"])
def test_invalid_choice(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_exit(["--lang", code, "list", "bogus"]) == EXIT_USAGE
    err = capsys.readouterr().err
    line = _error_line(code, "exchange-desk list", _argument(code, "kind", _invalid_choice(code)))
    _assert_translated_error(code, err, line, "exchange-desk list")
    assert "'bogus'" in err
    assert "'partnerships'" in err


@pytest.mark.parametrize("code", ["he", "zh_CN"])
def test_missing_argument(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_exit(["--lang", code, "anniversaries"]) == EXIT_USAGE
    err = capsys.readouterr().err
    required = translated(code, "the following arguments are required: %s") % "--year"
    line = _error_line(code, "exchange-desk anniversaries", required)
    _assert_translated_error(code, err, line, "exchange-desk anniversaries")


@pytest.mark.parametrize("code", ["he", "zh_CN"])
def test_option_without_its_value(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_exit(["--lang", code, "list", "cities", "--limit"]) == EXIT_USAGE
    err = capsys.readouterr().err
    missing = _argument(code, "--limit", translated(code, "expected one argument"))
    _assert_translated_error(
        code, err, _error_line(code, "exchange-desk list", missing), "exchange-desk list"
    )


@pytest.mark.parametrize("code", ["he", "zh_CN"])
def test_unrecognized_argument(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_exit(["--lang", code, "--nope"]) == EXIT_USAGE
    err = capsys.readouterr().err
    unknown = translated(code, "unrecognized arguments: %s") % "--nope"
    _assert_translated_error(
        code, err, _error_line(code, "exchange-desk", unknown), "exchange-desk"
    )


def test_errors_stay_english_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_exit(["--lang", "en", "list", "bogus"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("usage: exchange-desk list ")
    assert "exchange-desk list: error: argument kind: invalid choice: 'bogus' (choose from" in err
    assert run_exit(["--lang", "en", "anniversaries"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.endswith(
        "exchange-desk anniversaries: error: the following arguments are required: --year\n"
    )


# --- the plumbing ----------------------------------------------------------------------


def test_english_output_is_argparse_own() -> None:
    """In English, installed or not, argparse says exactly the same."""
    argparse_texts.uninstall()
    own = build_parser().format_help()
    argparse_texts.install()
    argparse_texts.install()  # idempotent
    assert argparse_texts.installed()
    assert build_parser().format_help() == own


def test_untranslated_and_empty_messages_pass_through() -> None:
    set_language("he")
    argparse_texts.install()
    gettext = vars(argparse)["_"]
    assert gettext("no such message in any catalog %s") == "no such message in any catalog %s"
    assert gettext("") == ""
    assert gettext(None) is None
    ngettext = vars(argparse)["ngettext"]
    assert ngettext("no such %s thing", "no such %s things", 2) == "no such %s things"


def test_uninstall_gives_argparse_its_own_gettext() -> None:
    set_language("he")
    argparse_texts.install()
    argparse_texts.uninstall()
    assert not argparse_texts.installed()
    assert build_parser().format_usage().startswith("usage: ")
    argparse_texts.install()


def _extracted(path: Path, keywords: dict[str, Any]) -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for _lineno, message, _comments, _context in extract_from_file(
        "python", str(path), keywords=keywords
    ):
        if isinstance(message, tuple):
            found.add((message[0], message[1]))
        elif message:
            found.add(message)
    return found


def test_every_argparse_msgid_of_this_python_is_marked() -> None:
    """What argparse of the running Python translates is all in argparse_texts."""
    used = _extracted(Path(argparse.__file__), {"_": None, "ngettext": (1, 2)})
    marked = {*argparse_texts.MESSAGES, *argparse_texts.PLURALS}
    assert used - marked == set()


def test_pybabel_extracts_the_marks() -> None:
    """With Babel's default keywords (babel.cfg sets none): N_ for the messages, and the
    never-called ngettext calls for the plurals, which must match PLURALS."""
    module = Path(argparse_texts.__file__)
    found = _extracted(module, dict(DEFAULT_KEYWORDS))
    assert {*argparse_texts.MESSAGES, *argparse_texts.PLURALS} <= found
    assert {m for m in found if isinstance(m, tuple)} == set(argparse_texts.PLURALS)
