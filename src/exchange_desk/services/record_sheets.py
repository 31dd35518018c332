"""A kind of record as the columns of a sheet: what a column of an office's sheet can mean
(`targets`), which column a header names in any of the three languages (`recognise`), which
kind a sheet holds (`guess_kind`), and a kind's full sheet for export and templates
(`sheet_targets`, `record_cells`).

Everything here is read off the declarations (`domain.kinds`): a field's label in English,
Chinese and Hebrew names its column; a name group's columns are "Name (English)" and so on;
the office's own words for the same columns (城市, 关系类别, 结好日期, עיר...) are the
synonyms below. So a sheet exported in any language imports back, and a kind declared
tomorrow is importable without a line here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from exchange_desk.domain.countries import country_name
from exchange_desk.domain.declaration import Field, FieldType, KindDeclaration
from exchange_desk.domain.messages import N_
from exchange_desk.i18n.catalog import translator
from exchange_desk.i18n.languages import find_language
from exchange_desk.services.names import Names
from exchange_desk.services.registry import DECLARED, IMPORT_ORDER

LANGUAGES = ("en", "zh_CN", "he")
# The column of a name in whichever script it is written (the script tells the language).
ANY_NAME = "@"
# A partnership's row may describe its partner city, which the import creates if unknown.
CITY_PREFIX = "city_id."
CITY_DETAILS = ("country", "region", "name_local", "population", "latitude", "longitude")
_SCRIPT_SUFFIX = {
    "en": N_("{label} (English)"),
    "zh": N_("{label} (Chinese)"),
    "he": N_("{label} (Hebrew)"),
}
LIST_SEPARATOR = "; "


@dataclass(frozen=True, slots=True)
class Target:
    """What a column can hold: a field, one language of a name (`language`), a name in any
    script (`key` "@name"), or a partner city's detail (`key` "city_id.country")."""

    key: str
    kind: str
    field: Field | None
    label: str  # N_-marked
    language: str | None = None  # "en", "zh", "he" for one column of a name group

    def header(self, gettext: Callable[[str], str]) -> str:
        if self.key.startswith(CITY_PREFIX):
            return gettext(N_("Partner city: {label}")).format(label=gettext(self.label))
        if self.field is not None and self.field.group and self.language:
            if self.field.detail_label:
                return gettext(self.field.detail_label)
            return gettext(_SCRIPT_SUFFIX[self.language]).format(label=gettext(self.label))
        return gettext(self.label)

    @property
    def group(self) -> str | None:
        if self.key.startswith(ANY_NAME):
            return self.key[len(ANY_NAME) :]
        return self.field.group if self.field is not None else None


def _languages_of(declaration: KindDeclaration, group: str) -> dict[str, str]:
    columns = declaration.group(group)
    return dict(zip(("en", "zh", "he"), columns, strict=False))


@cache
def targets(kind: str) -> tuple[Target, ...]:
    """Every meaning a column of a `kind` sheet can have, in the order a person reads them:
    the kind's fields (images excepted: a sheet cannot hold them), a name in any script
    beside each name group, and for partnerships the partner city's own details."""
    declaration = DECLARED[kind]
    found: list[Target] = []
    groups_seen: set[str] = set()
    for item in declaration.fields:
        # Nor what the program keeps from other fields (a name's pinyin).
        if item.type is FieldType.IMAGE or not (item.in_form or item.in_detail):
            continue
        if item.group:
            if item.group not in groups_seen:
                groups_seen.add(item.group)
                found.append(Target(ANY_NAME + item.group, kind, None, item.label))
            language = {v: k for k, v in _languages_of(declaration, item.group).items()}
            found.append(Target(item.name, kind, item, item.label, language[item.name]))
            continue
        found.append(Target(item.name, kind, item, item.label))
        if kind == "partnerships" and item.name == "city_id":
            cities = DECLARED["cities"]
            for detail in CITY_DETAILS:
                city_field = cities.field(detail)
                found.append(Target(CITY_PREFIX + detail, kind, city_field, city_field.label))
    return tuple(found)


def target(kind: str, key: str) -> Target:
    for candidate in targets(kind):
        if candidate.key == key:
            return candidate
    raise KeyError(f"{kind} has no column {key}")


@cache
def sheet_targets(kind: str, *, sensitive: bool = True) -> tuple[Target, ...]:
    """The columns of a kind's full sheet (export of the whole database, templates): every
    field a sheet can hold, each name in its own column, the sample mark last; personal
    data (passport) only if `sensitive` (a template asks for it, an export only when the
    user does)."""
    left_out = () if sensitive else DECLARED[kind].sensitive_fields
    chosen = [
        t
        for t in targets(kind)
        if not t.key.startswith((ANY_NAME, CITY_PREFIX)) and t.key not in left_out
    ]
    chosen.sort(key=lambda t: t.key == "is_sample")
    return tuple(chosen)


# --- recognising headers -------------------------------------------------------------------

_PUNCTUATION = re.compile(r"[\s\-_.,:;'\"`’“”‘*#/\\|()\[\]（）【】：，。、·•]+")


def fold_header(text: str) -> str:
    """A header as compared: width-folded, lower case, without spaces and punctuation (so
    "城市（中文）", "城市(中文)" and "城市 中文" are one)."""
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", str(text)).casefold())


# The office's own words for columns, beyond the labels the program uses itself (which are
# recognised in all three languages anyway). Keys are targets; "*" holds those of any kind.
_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "*": {
        "@name": ("名称", "名字", "Name", "שם"),
        "@title": ("名称", "标题", "Title", "כותרת", "שם"),
        "notes": ("备注", "说明", "附注", "Notes", "Note", "Remarks", "Comments", "הערות", "הערה"),
        "is_sample": ("示例", "样例", "Sample", "דוגמה"),
    },
    "cities": {
        "@name": (
            "城市",
            "城市名称",
            "城市名",
            "友城",
            "友好城市",
            "City",
            "City name",
            "עיר",
            "שם העיר",
        ),
        "name_zh": (
            "城市（中文）",
            "中文名",
            "中文名称",
            "中文",
            "Chinese name",
            "Chinese",
            "שם בסינית",
        ),
        "name_en": (
            "城市（英文）",
            "英文名",
            "英文名称",
            "英文",
            "English name",
            "English",
            "שם באנגלית",
        ),
        "name_he": (
            "城市（希伯来文）",
            "希伯来文名",
            "希伯来文",
            "Hebrew name",
            "Hebrew",
            "שם בעברית",
        ),
        "name_local": ("当地名称", "外文名", "原文名", "Local name", "Native name", "שם מקומי"),
        "country": (
            "国家",
            "国别",
            "所在国",
            "所在国家",
            "国家/地区",
            "国家和地区",
            "Country",
            "Nation",
            "מדינה",
            "ארץ",
        ),
        "region": (
            "省/州",
            "省州",
            "所属省州",
            "地区",
            "州",
            "省",
            "Region",
            "State",
            "Province",
            "מחוז",
            "אזור",
        ),
        "population": ("人口", "Population", "אוכלוסייה"),
        "latitude": ("纬度", "Latitude", "Lat", "קו רוחב"),
        "longitude": ("经度", "Longitude", "Lon", "Lng", "קו אורך"),
    },
    "partnerships": {
        "city_id": (
            "城市",
            "城市名称",
            "友城",
            "友好城市",
            "友城名称",
            "伙伴城市",
            "外方城市",
            "城市（中文）",
            "City",
            "City name",
            "Partner",
            "Partner city",
            "Sister city",
            "עיר",
            "עיר שותפה",
            "עיר תאומה",
            "שם העיר",
        ),
        "city_id.country": (
            "国家",
            "国别",
            "所在国",
            "所在国家",
            "国家/地区",
            "Country",
            "מדינה",
            "ארץ",
        ),
        "city_id.region": (
            "省/州",
            "省州",
            "所属省州",
            "地区",
            "Region",
            "State",
            "Province",
            "מחוז",
        ),
        "city_id.name_local": ("当地名称", "外文名", "Local name", "שם מקומי"),
        "city_id.population": ("人口", "Population", "אוכלוסייה"),
        "tier": (
            "关系类别",
            "关系类型",
            "类型",
            "类别",
            "级别",
            "关系",
            "Tier",
            "Type",
            "Relationship",
            "Relation",
            "סוג",
            "סוג הקשר",
            "דרג",
        ),
        "established": (
            "结好日期",
            "结好时间",
            "建立时间",
            "缔结时间",
            "缔结日期",
            "建交时间",
            "结好年份",
            "建立日期",
            "Since",
            "Established",
            "Date established",
            "Twinned since",
            "Year",
            "מאז",
            "תאריך כינון",
            "שנת כינון",
        ),
        "signed_at": ("签约地点", "签字地点", "Signed at", "Place signed", "מקום החתימה"),
        "status": ("状态", "Status", "סטטוס", "מצב"),
        "areas": ("合作领域", "领域", "Areas", "Areas of cooperation", "תחומים"),
    },
    "delegations": {
        "direction": (
            "方向",
            "类型",
            "出访/来访",
            "出访或来访",
            "来访/出访",
            "Direction",
            "Type",
            "כיוון",
            "סוג",
        ),
        "city_id": (
            "城市",
            "友城",
            "出访城市",
            "来访城市",
            "对方城市",
            "City",
            "Partner city",
            "עיר",
            "עיר שותפה",
        ),
        "start_date": (
            "日期",
            "时间",
            "出访日期",
            "来访日期",
            "出访时间",
            "来访时间",
            "开始日期",
            "起始日期",
            "Date",
            "Start",
            "Start date",
            "From",
            "תאריך",
            "התחלה",
        ),
        "end_date": ("结束日期", "返回日期", "End", "End date", "To", "סיום"),
        "leader": (
            "团长",
            "带队领导",
            "率团领导",
            "Leader",
            "Head",
            "Head of delegation",
            "ראש המשלחת",
        ),
        "leader_title": ("职务", "团长职务", "Title", "Position", "Leader title", "תפקיד"),
        "members": (
            "人数",
            "团组人数",
            "团员人数",
            "Members",
            "Size",
            "Persons",
            "חברים",
            "מספר משתתפים",
        ),
        "purpose": ("事由", "目的", "任务", "出访事由", "来访事由", "Purpose", "Subject", "מטרה"),
        "outcome": ("成果", "结果", "Outcome", "Results", "תוצאות"),
        "organization_ids": ("单位", "参与单位", "Organizations", "ארגונים"),
    },
    "events": {
        "@name": ("活动名称", "活动", "名称", "Event", "Event name", "אירוע", "שם האירוע"),
        "kind": ("类型", "活动类型", "Type", "Kind", "סוג"),
        "start_date": ("日期", "时间", "开始日期", "Date", "Start", "תאריך"),
        "city_id": ("地点", "举办地", "举办城市", "Where", "Place", "City", "מקום", "עיר"),
        "host_organization_id": ("主办单位", "主办", "承办单位", "Host", "Organizer", "מארח"),
        "attendance": ("人数", "参加人数", "参与人数", "Attendance", "Participants", "משתתפים"),
        "description": ("内容", "简介", "描述", "Description", "תיאור"),
    },
    "agreements": {
        "@title": (
            "协议名称",
            "备忘录名称",
            "协议",
            "名称",
            "Agreement",
            "MOU",
            "הסכם",
            "שם ההסכם",
        ),
        "signed_on": (
            "签署日期",
            "签约日期",
            "签订日期",
            "签署时间",
            "Signed",
            "Date signed",
            "תאריך חתימה",
        ),
        "expires_on": (
            "有效期至",
            "到期日期",
            "到期",
            "截止日期",
            "Expires",
            "Valid until",
            "תוקף עד",
        ),
        "area": ("领域", "合作领域", "Area", "Field", "תחום"),
        "city_id": ("城市", "友城", "City", "Partner city", "עיר"),
        "party_ids": ("签约方", "签署单位", "签约单位", "Parties", "Signatories", "צדדים"),
    },
    "organizations": {
        "@name": (
            "单位名称",
            "机构名称",
            "单位",
            "机构",
            "组织",
            "名称",
            "Organization",
            "Organisation",
            "Body",
            "ארגון",
            "שם הארגון",
        ),
        "kind": ("类型", "单位类型", "性质", "Type", "Kind", "סוג"),
        "city_id": ("城市", "所在城市", "所在地", "City", "עיר"),
    },
    "conferences": {
        "@name": ("会议名称", "会议", "大会", "名称", "Conference", "כנס", "שם הכנס"),
        "edition": ("届次", "届", "Edition", "מהדורה"),
        "host_city_id": ("举办城市", "举办地", "地点", "Host city", "Where", "עיר מארחת"),
        "start_date": ("日期", "时间", "开幕日期", "Date", "Start", "תאריך"),
        "attendance": ("人数", "参会人数", "Attendance", "משתתפים"),
        "countries": ("国家数", "国家数量", "Countries", "מדינות"),
        "organizer_ids": ("主办单位", "主办方", "Organizers", "Sponsors", "מארגנים"),
    },
    "awards": {
        "@title": ("奖项名称", "荣誉名称", "奖项", "荣誉", "Award", "Honour", "Honor", "פרס"),
        "awarded_on": ("颁奖日期", "获奖日期", "日期", "时间", "Date", "Awarded", "תאריך"),
        "conference_id": ("会议", "大会", "Conference", "כנס"),
        "giver_organization_id": (
            "颁发单位",
            "颁奖单位",
            "授予单位",
            "Given by",
            "Giver",
            "Awarded by",
            "הוענק על ידי",
        ),
        "recipient_city_id": ("获奖城市", "受奖城市", "Recipient city", "עיר זוכה"),
        "recipient_organization_id": (
            "获奖单位",
            "受奖单位",
            "Recipient organization",
            "ארגון זוכה",
        ),
        "recipient_person_id": ("获奖人", "获奖者", "受奖人", "Recipient person", "Person", "זוכה"),
        "recipient_kind": ("获奖者类型", "Recipient kind", "Recipient type", "סוג הזוכה"),
    },
    "persons": {
        "@name": ("姓名", "名字", "Name", "Full name", "שם", "שם מלא"),
        "title": ("职务", "职位", "Title", "Position", "Job title", "תפקיד"),
        "organization_id": ("单位", "工作单位", "机构", "Organization", "Organisation", "ארגון"),
        "email": (
            "邮箱",
            "电子邮件",
            "电子邮箱",
            "Email",
            "E-mail",
            "Mail",
            'דוא"ל',
            "דואר אלקטרוני",
        ),
        "phone": ("电话", "联系电话", "手机", "Phone", "Telephone", "Tel", "טלפון"),
    },
}


@cache
def _header_index(kind: str) -> dict[str, str]:
    """Folded header -> target key: the program's own headers in the three languages first,
    then the office's words (which never displace one of the program's own)."""
    index: dict[str, str] = {}
    own = targets(kind)
    for code in LANGUAGES:
        gettext = translator(code).gettext
        for item in own:
            index.setdefault(fold_header(item.header(gettext)), item.key)
    # A name group's bare label ("Name", "名称") means a name in any script.
    keys = {item.key for item in own}
    for source in (_SYNONYMS["*"], _SYNONYMS.get(kind, {})):
        for key, words in source.items():
            if key not in keys:
                continue
            for word in words:
                index.setdefault(fold_header(word), key)
    for code in LANGUAGES:
        gettext = translator(code).gettext
        for item in own:
            if item.key.startswith(ANY_NAME):
                index[fold_header(gettext(item.label))] = item.key
    return index


def recognise(kind: str, header: str) -> str | None:
    """The target a header names for `kind`, or None if it is not one we know."""
    folded = fold_header(header)
    if not folded:
        return None
    return _header_index(kind).get(folded)


def auto_mapping(kind: str, headers: Sequence[str]) -> list[str | None]:
    """Each header's target (None: not known); a target taken by an earlier column is not
    given twice (the second "名称" is left for the user to place)."""
    taken: set[str] = set()
    found: list[str | None] = []
    for header in headers:
        key = recognise(kind, header)
        if key is not None and key in taken:
            key = None
        if key is not None:
            taken.add(key)
        found.append(key)
    return found


@cache
def _sheet_names() -> dict[str, str]:
    """Folded sheet names (a kind's noun and its tab's title in each language) -> kind."""
    names: dict[str, str] = {}
    for kind in IMPORT_ORDER:
        if kind not in DECLARED:
            continue
        declaration = DECLARED[kind]
        noun = declaration.noun
        for code in LANGUAGES:
            language = translator(code)
            words = [language.ngettext(noun.singular, noun.plural, n) for n in (1, 2, 5)]
            if declaration.tab is not None:
                words.append(language.gettext(declaration.tab.title))
            for word in words:
                names.setdefault(fold_header(word), kind)
    names.setdefault(fold_header("友城"), "partnerships")
    names.setdefault(fold_header("友好城市"), "partnerships")
    return names


def sheet_name(kind: str, language: str) -> str:
    """A kind's sheet in a workbook: its plural noun in `language` ("Cities", "城市")."""
    noun = DECLARED[kind].noun
    return translator(language).ngettext(noun.singular, noun.plural, 2)


def importable_kinds() -> tuple[str, ...]:
    return tuple(kind for kind in IMPORT_ORDER if kind in DECLARED)


def guess_kind(sheet_name: str, headers: Sequence[str]) -> str | None:
    """The kind a sheet most likely holds: the one whose columns its headers name most,
    its name breaking ties (a sheet called "Delegations" with a Date and a City column)."""
    named = _sheet_names().get(fold_header(sheet_name))
    best: tuple[int, int, str] | None = None
    for kind in importable_kinds():
        score = sum(1 for key in auto_mapping(kind, headers) if key is not None)
        # A sheet of partner cities names cities; its columns fit cities as well as
        # partnerships, and the partnership is what the office means by it.
        bonus = 2 if kind == named else 0
        if kind == "partnerships" and any(
            recognise("partnerships", h) in ("tier", "established") for h in headers
        ):
            bonus += 1
        candidate = (score + bonus, -IMPORT_ORDER.index(kind), kind)
        if score and (best is None or candidate > best):
            best = candidate
    return best[2] if best is not None else named


def known_header(header: str) -> bool:
    """Whether any kind knows the header: what finds a table's header row in a sheet."""
    folded = fold_header(header)
    return bool(folded) and any(folded in _header_index(kind) for kind in importable_kinds())


# --- a kind's records as cells (export of the whole database) -------------------------------


def yes_no(value: bool, gettext: Callable[[str], str]) -> str:
    """A flag as a sheet writes it and the import reads it back: "yes" or "no"."""
    return gettext(N_("yes")) if value else gettext(N_("no"))


# Kinds whose records share names from one year to the next (a conference's editions): a
# reference to one is written with its year, "China International Friendship Cities
# Conference (2018)", and read back by name and year.
DATED_REFERENCES = frozenset({"conferences"})
_WITH_YEAR = re.compile(r"^(.*?)\s*[(（]\s*(\d{4})\s*[)）]$")
# Kinds without names that other records refer to (a gift's occasion, a delegation): a
# reference to one is written as its partner city and its start, "Kfar Saba, 2018-06-11",
# and read back by both.
CITY_DATED_REFERENCES = frozenset({"delegations"})
_CITY_AND_DATE = re.compile(r"^(.*?)\s*[,，、]?\s*(\d{4}(?:-\d{2}(?:-\d{2})?)?)$")


def city_and_date(text: str) -> tuple[str, str] | None:
    """A reference's city name and its start as written (`2018`, `2018-06`, `2018-06-11`);
    None if it does not end in a date."""
    found = _CITY_AND_DATE.match(text.strip())
    if found is None or not found.group(1):
        return None
    return found.group(1).strip(), found.group(2)


def city_dated_name(city: Names, start: Any) -> Names:
    """How a reference to a delegation is written: its city's name, then its start."""
    when = start.isoformat() if start is not None else ""

    def one(name: str) -> str:
        return f"{name}, {when}" if name and when else name

    return Names(one(city.en), one(city.zh), one(city.he))


def name_and_year(text: str) -> tuple[str, int | None]:
    """A reference's name and the year written after it, if any."""
    found = _WITH_YEAR.match(text.strip())
    if found is None:
        return text.strip(), None
    return found.group(1).strip(), int(found.group(2))


class NameBook:
    """The names of records that records refer to, in one language, for export; with the
    year of those that need it (`DATED_REFERENCES`)."""

    def __init__(
        self,
        names: Mapping[str, Mapping[int, Names]],
        language: str,
        years: Mapping[str, Mapping[int, int | None]] | None = None,
    ) -> None:
        self.names = names
        self.language = language
        self.years = years or {}

    def name(self, kind: str, record_id: int | None) -> str:
        if record_id is None:
            return ""
        found = self.names.get(kind, {}).get(record_id)
        text = found.best(self.language) if found is not None else ""
        year = self.years.get(kind, {}).get(record_id)
        return f"{text} ({year})" if text and year else text


def record_cells(
    kind: str, records: Iterable[Any], book: NameBook, language: str, *, sensitive: bool = True
) -> Iterable[tuple[Any, ...]]:
    """Each record as the cells of its kind's full sheet (`sheet_targets`), in `language`:
    names of records referred to, labels of choices, names of countries; dates as
    `PartialDate` and days as dates, numbers as numbers."""
    found = find_language(language)
    if found is None:
        raise ValueError(language)
    gettext = translator(found.code).gettext
    locale = found.babel_locale
    columns = sheet_targets(kind, sensitive=sensitive)

    def cell(item: Field, value: Any) -> Any:
        kind_of_field = item.type
        if value is None:
            return None
        if kind_of_field is FieldType.ENUM:
            return value.label_in(gettext)
        if kind_of_field is FieldType.FLAG:
            return yes_no(bool(value), gettext)
        if kind_of_field is FieldType.COUNTRY:
            return country_name(value, locale) if value else None
        if kind_of_field is FieldType.REFERENCE:
            return book.name(item.kind or "", value) or None
        if kind_of_field is FieldType.REFERENCES:
            return LIST_SEPARATOR.join(book.name(item.kind or "", v) for v in value) or None
        if kind_of_field is FieldType.AREAS:
            return LIST_SEPARATOR.join(v.label_in(gettext) for v in value) or None
        if kind_of_field is FieldType.PARTICIPANTS:
            parts = [
                f"{book.name('organizations', p.organization_id)} ({p.role.label_in(gettext)})"
                for p in value
            ]
            return LIST_SEPARATOR.join(parts) or None
        if kind_of_field in (FieldType.TEXT, FieldType.MULTILINE):
            return value or None
        return value

    fields = [column.field for column in columns]
    for record in records:
        yield tuple(cell(item, getattr(record, item.name)) for item in fields if item is not None)


def shows_of(item: Target) -> str:
    """How a sheet shows a target's values (`spreadsheets.SheetColumn.shows`)."""
    if item.field is None:
        return "text"
    return {
        FieldType.PARTIAL_DATE: "date",
        FieldType.DAY: "date",
        FieldType.INTEGER: "number",
        FieldType.COUNT: "number",
        FieldType.DECIMAL: "number",
        FieldType.ENUM: "enum",
        FieldType.COUNTRY: "country",
        FieldType.FLAG: "flag",
    }.get(item.field.type, "text")
