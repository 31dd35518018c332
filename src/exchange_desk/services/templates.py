"""Import templates: an empty workbook per kind whose headers the import recognises, in the
chosen language, with drop-down lists for tiers, countries, directions and the other choices,
date-formatted columns and one example row (File ▸ Import template…, `exchange-desk
template KIND --lang LANG -o FILE.xlsx`).

The example row is the office's own case, Kfar Saba; the import treats it as any other row,
so the user overwrites or deletes it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from exchange_desk.domain.countries import country_codes, country_name
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.declaration import FieldType
from exchange_desk.domain.enums import (
    CooperationArea,
    DelegationStatus,
    Direction,
    EventKind,
    OrganizationKind,
    PartnershipStatus,
    PartnershipTier,
    RecipientKind,
)
from exchange_desk.domain.messages import N_
from exchange_desk.i18n.catalog import translator
from exchange_desk.i18n.languages import find_language
from exchange_desk.services.record_sheets import (
    CITY_PREFIX,
    LIST_SEPARATOR,
    Target,
    importable_kinds,
    sheet_name,
    sheet_targets,
    shows_of,
    target,
    yes_no,
)
from exchange_desk.services.spreadsheets import SheetColumn, SheetTable, write_xlsx

# Rows formatted below the example, so that typed dates and picked choices get them.
EMPTY_ROWS = 500
_DATE_NOTE = N_("A date: 2004-09-03, 2004-09 or 2004 (2004年9月3日 and 3.9.2004 are read too).")

_KFAR_SABA = {"en": "Kfar Saba", "zh": "克法尔萨巴", "he": "כפר סבא"}
_JINAN = {"en": "Jinan", "zh": "济南", "he": "ג'ינאן"}
_CHOIR = {"en": "Kfar Saba Choir", "zh": "克法尔萨巴合唱团", "he": "מקהלת כפר סבא"}
_CONFERENCE = {
    "en": "China International Friendship Cities Conference",
    "zh": "中国国际友好城市大会",
    "he": "כנס ערי הידידות הבינלאומי של סין",
}
_FESTIVAL = {
    "en": "International Choral Festival",
    "zh": "国际合唱节",
    "he": "פסטיבל מקהלות בינלאומי",
}
_MOU = {
    "en": "MOU on cultural exchange",
    "zh": "文化交流谅解备忘录",
    "he": "מזכר הבנות לחילופי תרבות",
}
_AWARD = {"en": "Certificate of Honor", "zh": "荣誉证书", "he": "תעודת הוקרה"}
_PERSON = {"en": "Li Ming", "zh": "李明", "he": "לי מינג"}

# Each kind's example, by target key; names are given per language.
_EXAMPLES: dict[str, dict[str, Any]] = {
    "cities": {
        "name": _KFAR_SABA, "name_local": "כפר סבא", "country": "IL",
        "region": "Central District", "population": 110000,
        "latitude": 32.18, "longitude": 34.91,
    },
    "partnerships": {
        "city_id": _KFAR_SABA, "city_id.country": "IL", "city_id.region": "Central District",
        "tier": PartnershipTier.SISTER_CITY, "established": PartialDate(2009),
        "status": PartnershipStatus.ACTIVE,
        "areas": (CooperationArea.CULTURE, CooperationArea.EDUCATION),
    },
    "delegations": {
        "direction": Direction.INCOMING, "city_id": _KFAR_SABA,
        "start_date": PartialDate(2018, 11, 12), "end_date": PartialDate(2018, 11, 16),
        "status": DelegationStatus.DONE, "leader": "Yehuda Ben Hamo", "leader_title": "Mayor",
        "members": 6, "purpose": "Tenth anniversary talks",
    },
    "events": {
        "name": _FESTIVAL, "kind": EventKind.CHORAL_FESTIVAL,
        "start_date": PartialDate(2018, 7), "city_id": _JINAN, "partner_city_id": _KFAR_SABA,
        "attendance": 1200,
    },
    "agreements": {
        "title": _MOU, "city_id": _KFAR_SABA, "signed_on": PartialDate(2015, 5, 20),
        "area": CooperationArea.CULTURE,
    },
    "organizations": {
        "name": _CHOIR, "kind": OrganizationKind.CHOIR, "city_id": _KFAR_SABA,
    },
    "conferences": {
        "name": _CONFERENCE, "edition": 6, "host_city_id": {"en": "Wuhan", "zh": "武汉",
        "he": "ווהאן"}, "start_date": PartialDate(2018, 11, 16), "attendance": 800,
        "countries": 60,
    },
    "awards": {
        "title": _AWARD, "conference_id": _CONFERENCE, "awarded_on": PartialDate(2018, 11, 16),
        "recipient_kind": RecipientKind.CITY, "recipient_city_id": _KFAR_SABA,
    },
    "persons": {
        "name": _PERSON, "title": "Director", "title_zh": "主任",
        "honorific_en": "Mr", "honorific_zh": "先生",
        "family_name": "Li", "given_name": "Ming", "name_order": "family_first",
        "email": "li.ming@example.org", "rank": 4, "category": "government",
    },
}  # fmt: skip


def _choices(item: Target, gettext: Any, locale: str) -> tuple[str, ...]:
    if item.field is None:
        return ()
    kind = item.field.type
    if kind is FieldType.ENUM and item.field.enum is not None:
        return tuple(member.label_in(gettext) for member in item.field.enum)  # type: ignore[attr-defined]
    if kind is FieldType.COUNTRY:
        return tuple(sorted(country_name(code, locale) for code in country_codes()))
    if kind is FieldType.FLAG:
        return (yes_no(True, gettext), yes_no(False, gettext))
    return ()


def _example(item: Target, value: Any, script: str, gettext: Any, locale: str) -> Any:
    if value is None:
        return None
    if isinstance(value, dict):
        return value.get(script) or value["en"]
    if item.field is not None and item.field.type is FieldType.COUNTRY:
        return country_name(value, locale)
    if hasattr(value, "label_in"):
        return value.label_in(gettext)
    if isinstance(value, tuple):
        return LIST_SEPARATOR.join(v.label_in(gettext) for v in value)
    return value


def template_table(kind: str, language: str) -> SheetTable:
    """The template of `kind` in `language` as a sheet."""
    found = find_language(language)
    if found is None:
        raise ValueError(language)
    gettext = translator(found.code).gettext
    locale = found.babel_locale
    chosen = [t for t in sheet_targets(kind) if t.key != "is_sample"]
    if kind == "partnerships":
        at = next(i for i, t in enumerate(chosen) if t.key == "city_id") + 1
        chosen[at:at] = [
            target(kind, CITY_PREFIX + "country"),
            target(kind, CITY_PREFIX + "region"),
        ]
    example = _EXAMPLES.get(kind, {})
    script = found.code[:2]
    cells: list[Any] = []
    columns = []
    for item in chosen:
        header = item.header(gettext)
        shows = shows_of(item)
        columns.append(
            SheetColumn(
                header,
                shows,
                choices=_choices(item, gettext, locale),
                note=gettext(_DATE_NOTE) if shows == "date" else "",
            )
        )
        group = item.field.group if item.field is not None else None
        if group and item.language:
            value = example.get(group)
            cells.append(value.get(item.language) if isinstance(value, dict) else None)
        else:
            cells.append(_example(item, example.get(item.key), script, gettext, locale))
    return SheetTable(
        name=sheet_name(kind, found.code),
        columns=tuple(columns),
        rows=[tuple(cells)],
        title=sheet_name(kind, found.code),
        empty_rows=EMPTY_ROWS,
    )


def write_template(kind: str, language: str, path: str | Path) -> Path:
    """Write the template of `kind` in `language` to `path` (.xlsx)."""
    if kind not in importable_kinds():
        raise KeyError(kind)
    found = find_language(language)
    write_xlsx(
        [template_table(kind, language)],
        path,
        right_to_left=bool(found and found.is_rtl),
        language=found.code if found else language,
    )
    return Path(path)


__all__ = ["EMPTY_ROWS", "template_table", "write_template"]
