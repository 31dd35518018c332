"""The window's language while the program runs: which one to start in, switching to another
at once (our catalog, Qt's own strings, the writing direction), remembering the choice, and
the bundled fonts that let Chinese and Hebrew display on a machine without such fonts.

Every widget of ours sets its texts in a `retranslate()` that runs from `changeEvent` on
`QEvent.LanguageChange`; Qt sends that event to every window and down to every child when
the language is switched here, so open dialogs follow the main window.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QSettings, Qt, QTranslator
from PySide6.QtGui import QFontDatabase, QGuiApplication

from exchange_desk.i18n.catalog import set_language
from exchange_desk.i18n.languages import SOURCE_LANGUAGE, Language, find_language
from exchange_desk.i18n.system import system_language

SETTINGS_KEY = "language"
# The faces the window falls back to when the system has none for the script: small sans
# faces that read well at window sizes (the Ming face is kept for print).
UI_FONTS = {
    QFontDatabase.WritingSystem.Hebrew: ("Heebo-Regular.ttf", "Heebo-Bold.ttf"),
    QFontDatabase.WritingSystem.SimplifiedChinese: ("WenQuanYiMicroHei.ttf",),
}

_qt_translators: list[QTranslator] = []
_fallback_families: list[str] | None = None  # set once the bundled fonts are registered


def startup_language(chosen: str | None = None, settings: QSettings | None = None) -> Language:
    """The language to start in: the command line's `--lang`, else the one chosen last time
    in the Language menu, else the operating system's (Chinese, Hebrew, or else English)."""
    candidates = [chosen or ""]
    remembered = (settings or QSettings()).value(SETTINGS_KEY, "")
    candidates.append(str(remembered or ""))
    candidates.append(system_language())
    for candidate in candidates:
        language = find_language(candidate) if candidate else None
        if language is not None:
            return language
    fallback = find_language(SOURCE_LANGUAGE)
    assert fallback is not None
    return fallback


def remember_language(code: str, settings: QSettings | None = None) -> None:
    """Keep the Language menu's choice for the next start."""
    store = settings or QSettings()
    store.setValue(SETTINGS_KEY, code)
    store.sync()


def apply_language(code: str) -> Language:
    """Make `code` the language of the whole program now.

    Our catalog, Qt's qtbase catalog and the layout direction change together, then every
    open window gets `LanguageChange` before this returns, so the caller sees the new texts.
    """
    language = find_language(code)
    if language is None:
        raise ValueError(code)
    set_language(language.code)
    app = QCoreApplication.instance()
    if app is None:
        return language
    _install_qt_translation(app, language.code)
    if isinstance(app, QGuiApplication):
        app.setLayoutDirection(
            Qt.LayoutDirection.RightToLeft if language.is_rtl else Qt.LayoutDirection.LeftToRight
        )
    # Installing a translator posts LanguageChange only when one changed (not from English
    # to English with none installed): post it always, and deliver it now.
    QCoreApplication.postEvent(app, QEvent(QEvent.Type.LanguageChange))
    for posted in (QEvent.Type.ApplicationLayoutDirectionChange, QEvent.Type.LanguageChange):
        QCoreApplication.sendPostedEvents(None, posted.value)
    return language


def _install_qt_translation(app: QCoreApplication, code: str) -> None:
    """Qt's own strings (OK, Cancel, the file and print dialogs) from Qt's qtbase catalogs."""
    for translator in _qt_translators:
        app.removeTranslator(translator)
    _qt_translators.clear()
    if code == SOURCE_LANGUAGE:
        return
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{code}", folder):
        app.installTranslator(translator)
        _qt_translators.append(translator)


def register_bundled_fonts() -> list[str]:
    """Give Qt the bundled Hebrew and Chinese sans faces, and make them the application
    font's fallbacks for the scripts the system has no font for.

    Registering alone is not enough everywhere: Windows' own fallback does not look at fonts
    an application registered, so the families go into the application font's list too.
    Where the system has a font for the script (Microsoft YaHei, Arial's Hebrew) the window
    keeps the native look. Returns the families put in the fallback list.
    """
    global _fallback_families
    if _fallback_families is not None:
        return list(_fallback_families)
    from exchange_desk.paths import resources_dir

    folder = resources_dir() / "fonts"
    fallbacks: list[str] = []
    for system, files in UI_FONTS.items():
        has_own = bool(QFontDatabase.families(system))
        families: list[str] = []
        for name in files:
            font_id = QFontDatabase.addApplicationFont(str(folder / name))
            if font_id >= 0:
                families += QFontDatabase.applicationFontFamilies(font_id)
        if not has_own:
            fallbacks += [family for family in dict.fromkeys(families) if family]
    if fallbacks and isinstance(QCoreApplication.instance(), QGuiApplication):
        font = QGuiApplication.font()
        font.setFamilies([*font.families(), *fallbacks])
        QGuiApplication.setFont(font)
    _fallback_families = fallbacks
    return list(fallbacks)


__all__ = [
    "apply_language",
    "register_bundled_fonts",
    "remember_language",
    "startup_language",
]
