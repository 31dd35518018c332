"""The language the operating system asks for, mapped onto the ones Exchange Desk speaks."""

from __future__ import annotations

import contextlib
import locale
import os

from exchange_desk.i18n.languages import SOURCE_LANGUAGE, find_language

LANGUAGE_VARIABLE = "EXCHANGE_DESK_LANG"


def windows_ui_language() -> str:
    """The Windows user's display language as a locale name ("zh_CN", "he_IL"), or "" on
    other systems or when Windows does not say."""
    import ctypes

    windll = getattr(ctypes, "windll", None)  # only on Windows
    if windll is None:
        return ""
    try:
        lcid = int(windll.kernel32.GetUserDefaultUILanguage())
    except (AttributeError, OSError):
        return ""
    return str(locale.windows_locale.get(lcid, ""))


def system_language() -> str:
    """`zh_CN` or `he` when the system prefers Chinese or Hebrew; otherwise English."""
    candidates = [os.environ.get(LANGUAGE_VARIABLE, "")]
    candidates += os.environ.get("LANGUAGE", "").split(":")
    candidates += [
        os.environ.get("LC_ALL", ""),
        os.environ.get("LC_MESSAGES", ""),
        os.environ.get("LANG", ""),
    ]
    # Windows sets none of the variables above; its display language is asked for instead
    # (locale.getlocale() there gives names like "Chinese (Simplified)_China").
    candidates.append(windows_ui_language())
    with contextlib.suppress(ValueError):
        candidates.append(locale.getlocale()[0] or "")
    for candidate in candidates:
        code = candidate.split(".")[0].split("@")[0].strip()
        if not code or code in ("C", "POSIX"):
            continue
        language = find_language(code) or find_language(code.split("_")[0])
        if language is not None:
            return language.code
    return SOURCE_LANGUAGE
