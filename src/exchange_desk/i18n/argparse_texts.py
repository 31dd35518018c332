"""argparse's own texts ("usage: ", "options", its error messages) in the active language.

argparse translates them with `gettext.gettext`: the process-wide default domain, which knows
nothing of our catalogs. `install()` makes it use `exchange_desk.i18n.catalog` instead, and
this module marks argparse's msgids (Python 3.11 to 3.14) so that `pybabel extract` puts them
into our catalogs.

Why rebinding `argparse._` and `argparse.ngettext`: argparse does
`from gettext import gettext as _, ngettext` once at import, and its functions look these two
names up among the module's globals each time they run. Replacing those globals therefore
reaches every text argparse translates, also those made deep inside `parse_args()`
(ArgumentError messages), with no subclass of ArgumentParser or HelpFormatter, which could
only reach some of them ("usage: ", the error line). The alternative, a gettext domain bound
with `gettext.bindtextdomain`, would need compiled `.mo` files in a locale tree and would
follow the environment (LANGUAGE, LANG), not `--lang` nor our in-memory `.po` compilation.
`_` and `ngettext` are private to argparse, but they have had these names since Python 3.2;
tests/test_cli_i18n.py checks that every msgid of the running Python's argparse is marked here.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, overload

from exchange_desk.i18n.catalog import N_, _, ngettext

MESSAGES: tuple[str, ...] = (
    # Help output.
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    # Through `_` from 3.13; on 3.11/3.12 cli.py passes it as the help of --version.
    N_("show program's version number and exit"),
    N_("subcommands"),
    N_("%(heading)s:"),  # 3.13+: a section heading
    N_(" (default: %(default)s)"),  # 3.13+: ArgumentDefaultsHelpFormatter
    # A wrong command line.
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    # 3.14+: ArgumentParser(suggest_on_error=True)
    N_("invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("unexpected option string: %s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_('argument "-" with mode %r'),
    N_("can't open '%(filename)s': %(error)s"),
    # 3.13+: deprecated=True
    N_("%(prog)s: warning: %(message)s\n"),
    N_("command '%(parser_name)s' is deprecated"),
    N_("option '%(option)s' is deprecated"),
    N_("argument '%(argument_name)s' is deprecated"),
    # A wrong parser (a programming error, raised as an exception): translated all the same.
    N_(".__call__() not defined"),
    N_("conflicting subparser: %s"),
    N_("conflicting subparser alias: %s"),
    N_("cannot merge actions - two groups are named %r"),
    N_("'required' is an invalid argument for positionals"),
    N_("invalid option string %(option)r: must start with a character %(prefix_chars)r"),
    N_("dest= is required for options like %r"),
    N_("invalid conflict_resolution value: %r"),
    N_("mutually exclusive arguments must be optional"),
    N_("cannot have multiple subparser arguments"),
    N_("%r is not callable"),
)

# argparse's plural messages (singular, plural); `_plural_marks` marks them for extraction.
PLURALS: tuple[tuple[str, str], ...] = (
    ("expected %s argument", "expected %s arguments"),
    ("conflicting option string: %s", "conflicting option strings: %s"),
)


def _plural_marks(n: int) -> tuple[str, ...]:
    """Never called: Babel has no `N_` for plural messages, so these `ngettext` calls are
    what `pybabel extract` reads to put PLURALS into the catalogs (with their msgid_plural)."""
    return (
        ngettext("expected %s argument", "expected %s arguments", n),
        ngettext("conflicting option string: %s", "conflicting option strings: %s", n),
    )


@overload
def _argparse_gettext(message: str) -> str: ...
@overload
def _argparse_gettext(message: None) -> None: ...
def _argparse_gettext(message: str | None) -> str | None:
    """argparse's `_`: the active catalog, looked up at call time.

    "" and None come back unchanged (3.11 and 3.12 pass `add_subparsers(title=...)`'s absent
    description through `_`; gettext("") would be the catalog's header). A message that is
    not in the catalog comes back unchanged too, as gettext does.
    """
    if not message:
        return message
    return _(message)


def _argparse_ngettext(singular: str, plural: str, n: int) -> str:
    """argparse's `ngettext`: the active catalog, looked up at call time."""
    return ngettext(singular, plural, n)


# argparse's globals, which its functions read at call time (see the module docstring).
_ARGPARSE_GLOBALS: dict[str, Any] = vars(argparse)
_ORIGINALS: dict[str, Callable[..., Any]] = {
    "_": _ARGPARSE_GLOBALS["_"],
    "ngettext": _ARGPARSE_GLOBALS["ngettext"],
}


def install() -> None:
    """Make argparse translate its texts with the active catalog of `exchange_desk`.

    Idempotent, and harmless in English: the English catalog is a NullTranslations, so every
    text comes out exactly as argparse's own gettext (with no domain bound) gives it.
    Texts of a parser are translated when it is built (headings, the help of -h) or when it
    reports an error, so set the language before building the parser.
    """
    _ARGPARSE_GLOBALS["_"] = _argparse_gettext
    _ARGPARSE_GLOBALS["ngettext"] = _argparse_ngettext


def uninstall() -> None:
    """Give argparse back its own `_` and `ngettext` (for tests)."""
    _ARGPARSE_GLOBALS.update(_ORIGINALS)


def installed() -> bool:
    """Whether argparse translates with our catalog."""
    return _ARGPARSE_GLOBALS["_"] is _argparse_gettext
