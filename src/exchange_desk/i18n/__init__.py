"""Languages, gettext catalogs and Babel formats.

`exchange_desk.i18n.catalog` is a leaf module (standard library only) so that every layer,
the domain's validation messages included, can mark and translate strings.
"""
