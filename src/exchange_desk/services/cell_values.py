"""Cell values as the office writes them in its Excel sheets, read into the program's types.

A sheet kept by hand for years holds the same thing in many forms: a date as an Excel date,
a serial number, `2004年9月3日`, `3.9.2004` or `Sept 2004`; a tier as 友好城市, "twin town"
or עיר תאומה; a country as 美国, USA or ארה"ב. Each `read_*` function takes one cell's value
(str, int, float, bool, date or None, as the file readers give them) and returns the
program's value, or raises `CellProblem` whose message tells the user, in the window's
language, what is wrong and what to write instead.

The importer calls these for every cell of sheets with tens of thousands of rows, so the
lookup tables are built once (`functools.cache`) and the readings of text are cached per
distinct text: a column holds a few hundred distinct values among its thousands of cells.
Messages are never cached: they are made when raised, in the language active then.

Nothing is guessed where the writer's meaning is unclear: a two-digit year, `1.200` in a
count, "partner city" in a tier column or "visit" in a direction column is a problem to
show, not a value to invent.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache, lru_cache
from typing import TypeVar, cast

from babel.lists import format_list

from exchange_desk.domain.countries import country_codes, country_name
from exchange_desk.domain.dates import MAX_YEAR, MIN_YEAR, PartialDate, read_typed
from exchange_desk.domain.enums import (
    CooperationArea,
    DelegationStatus,
    Direction,
    EventKind,
    Labelled,
    OrganizationKind,
    ParticipantRole,
    PartnershipStatus,
    PartnershipTier,
    RecipientKind,
)
from exchange_desk.i18n.catalog import _, active_language, translator
from exchange_desk.i18n.languages import find_language

__all__ = [
    "CellProblem",
    "read_choice",
    "read_choices",
    "read_country",
    "read_date",
    "read_decimal",
    "read_flag",
    "read_integer",
    "read_text",
    "script_of",
    "split_names",
]

L = TypeVar("L", bound=Labelled)

# --------------------------------------------------------------------------------------
# The office's words for the fixed vocabularies, besides each member's value and its label
# in English, Chinese and Hebrew (which are always accepted). Matching ignores case, spaces
# and punctuation, so "Twin-town" and "twin town" are one entry.

_SYNONYMS: dict[type[Labelled], dict[str, tuple[str, ...]]] = {
    PartnershipTier: {
        "sister_city": (
            "友好城市", "姐妹城市", "友好城市关系", "国际友好城市", "友好省州", "结好城市",
            "sister city", "sister cities", "sister-city relationship", "twin town",
            "twin towns", "twin city", "twinned city", "friendship city", "town twinning",
            "twinning",
            "עיר תאומה", "ערים תאומות", "עיר אחות", "ערים אחיות", "עיר אחות תאומה",
        ),
        "friendly_cooperative_city": (
            "友好合作城市", "友好合作关系城市", "友好交流城市", "友好交往城市", "友好合作关系",
            "友好交流关系", "友好合作",
            "friendly cooperative city", "friendly cooperative cities",
            "friendly cooperation city", "friendly-cooperation city", "cooperative city",
            "cooperation city", "friendship and cooperation city", "friendly exchange city",
            "עיר ידידות ושיתוף פעולה", "ערי ידידות ושיתוף פעולה", "עיר ידידות",
            "עיר שותפה לשיתוף פעולה",
        ),
    },
    PartnershipStatus: {
        "active": ("活跃", "有效", "正常", "现行", "active", "current", "live", "פעיל", "פעילה"),
        "dormant": (
            "休眠", "不活跃", "停滞", "dormant", "inactive", "idle", "רדום", "רדומה",
            "לא פעיל", "לא פעילה",
        ),
        "ended": (
            "终止", "已终止", "结束", "已结束", "解除", "已解除", "ended", "terminated",
            "ceased", "closed", "הסתיים", "הסתיימה", "הופסק", "הופסקה", "בוטל",
        ),
    },
    CooperationArea: {
        "government": (
            "政府", "政务", "政府间", "官方", "government", "governmental", "official",
            "municipal", "ממשל", "ממשלה", "שלטון", "שלטון מקומי",
        ),
        "culture": (
            "文化", "人文", "文艺", "文化艺术", "culture", "cultural", "arts", "culture and arts",
            "תרבות", "אמנות",
        ),
        "education": ("教育", "教育交流", "education", "educational", "חינוך", "השכלה"),
        "commerce": (
            "商业", "商务", "商贸", "经济", "commerce", "commercial", "business", "economy",
            "economic", "מסחר", "עסקים", "כלכלה",
        ),
        "trade": ("贸易", "经贸", "经济贸易", "trade", "economy and trade", "סחר", "סחר חוץ"),
        "science": (
            "科技", "科学", "技术", "科学技术", "科技创新", "science", "technology",
            "science and technology", "innovation", "מדע", "טכנולוגיה", "מדע וטכנולוגיה",
            "חדשנות",
        ),
        "agriculture": ("农业", "agriculture", "agricultural", "farming", "חקלאות"),
        "health": (
            "卫生", "卫生健康", "健康", "医疗", "医疗卫生", "health", "healthcare",
            "health care", "medicine", "medical", "בריאות", "רפואה",
        ),
        "tourism": ("旅游", "旅游业", "tourism", "travel", "תיירות"),
        "sport": ("体育", "体育运动", "sport", "sports", "ספורט"),
        "youth": ("青少年", "青年", "youth", "young people", "נוער", "צעירים"),
    },
    OrganizationKind: {
        "school": (
            "学校", "中学", "小学", "高中", "初中", "school", "high school", "middle school",
            "primary school", "secondary school", "בית ספר", "בית ספר תיכון", "תיכון",
        ),
        "university": (
            "大学", "高校", "学院", "高等院校", "university", "college", "אוניברסיטה",
            "מכללה",
        ),
        "company": (
            "企业", "公司", "集团", "company", "enterprise", "firm", "corporation", "business",
            "חברה", "חברה בעמ", "תאגיד",
        ),
        "government_bureau": (
            "政府部门", "政府机构", "政府机关", "局", "委员会", "government", "government bureau",
            "government agency", "government department", "bureau", "municipality",
            "city government", "גוף ממשלתי", "משרד ממשלתי", "עירייה", "רשות",
        ),
        "development_zone": (
            "开发区", "高新区", "经济开发区", "高新技术产业开发区", "园区", "development zone",
            "high-tech zone", "economic development zone", "industrial park",
            "technology park", "אזור פיתוח", "פארק תעשייה", "אזור תעשייה",
        ),
        "choir": ("合唱团", "合唱队", "choir", "chorus", "choral group", "מקהלה"),
        "art_group": (
            "艺术团", "艺术团体", "剧团", "文工团", "乐团", "舞蹈团", "art group", "art troupe",
            "arts group", "troupe", "ensemble", "orchestra", "dance company",
            "להקת אמנות", "להקה", "תזמורת", "להקת מחול",
        ),
        "association": (
            "协会", "学会", "商会", "联合会", "association", "society", "chamber of commerce",
            "federation", "אגודה", "עמותה", "איגוד", "לשכת מסחר",
        ),
        "other": ("其他", "其他机构", "其它", "other", "other organization", "אחר", "ארגון אחר"),
    },
    Direction: {
        "outgoing": (
            "出访", "出国", "派出", "出访团", "出国访问", "出境", "出", "outgoing", "outbound",
            "sent", "out", "visit abroad", "יוצאת", "יוצא", "משלחת יוצאת", "יציאה",
        ),
        "incoming": (
            "来访", "来华", "接待", "来访团", "来华访问", "入境", "来", "incoming", "inbound",
            "received", "in", "hosted", "נכנסת", "נכנס", "משלחת נכנסת", "קבלה",
            "קבלת משלחת",
        ),
    },
    DelegationStatus: {
        "planned": (
            "计划", "计划中", "拟", "拟出访", "拟来访", "筹备中", "待出访", "planned", "plan",
            "scheduled", "upcoming", "מתוכננת", "מתוכנן", "מתוכננות",
        ),
        "done": (
            "已完成", "完成", "已成行", "已出访", "已来访", "已访问", "已举行", "done",
            "held", "completed", "complete", "took place", "התקיימה", "התקיים", "בוצעה",
        ),
        "cancelled": (
            "取消", "已取消", "未成行", "cancelled", "canceled", "called off", "בוטלה", "בוטל",
        ),
    },
    EventKind: {
        "arts_festival": (
            "艺术节", "文化艺术节", "arts festival", "art festival", "festival of arts",
            "פסטיבל אמנויות", "פסטיבל אמנות",
        ),
        "choral_festival": (
            "合唱节", "合唱比赛", "合唱艺术节", "choral festival", "choir festival",
            "choir competition", "פסטיבל מקהלות", "פסטיבל זמר מקהלתי",
        ),
        "exhibition": ("展览", "展", "画展", "图片展", "exhibition", "exhibit", "תערוכה"),
        "celebration": (
            "庆祝活动", "庆典", "庆祝", "联欢会", "招待会", "celebration", "reception", "gala",
            "חגיגה", "חגיגות", "קבלת פנים",
        ),
        "sports": (
            "体育赛事", "体育比赛", "体育活动", "运动会", "比赛", "sports", "sport",
            "sports event", "sports competition", "tournament", "אירוע ספורט", "תחרות ספורט",
            "טורניר",
        ),
        "youth_exchange": (
            "青少年交流", "青年交流", "youth exchange", "youth camp", "夏令营", "חילופי נוער",
            "משלחת נוער",
        ),
        "education_exchange": (
            "教育交流", "education exchange", "educational exchange", "student exchange",
            "学生交流", "חילופי חינוך", "חילופי תלמידים",
        ),
        "fair": (
            "博览会", "展会", "交易会", "洽谈会", "fair", "expo", "trade fair", "trade show",
            "יריד", "יריד סחר",
        ),
        "other": ("其他", "其他活动", "其它", "other", "other event", "אחר", "אירוע אחר"),
    },
    ParticipantRole: {
        "host": ("主办", "主办方", "主办单位", "东道主", "host", "hosts", "מארח", "מארחת"),
        "participant": (
            "参与", "参与方", "参加", "参加方", "参加单位", "participant", "participating",
            "attendee", "משתתף", "משתתפת",
        ),
        "performer": ("演出", "演出方", "表演", "表演者", "performer", "מופיע", "מופיעה"),
        "organizer": (
            "组织方", "组织", "承办", "承办方", "承办单位", "协办", "协办方", "organizer",
            "organiser", "co-organizer", "מארגן", "מארגנת",
        ),
        "sponsor": ("赞助", "赞助方", "赞助商", "sponsor", "נותן חסות", "נותנת חסות", "ספונסר"),
    },
    RecipientKind: {
        "city": ("城市", "city", "town", "municipality", "עיר", "עירייה"),
        "organization": (
            "机构", "单位", "组织", "organization", "organisation", "institution", "ארגון",
            "מוסד",
        ),
        "person": ("个人", "人员", "individual", "person", "אדם פרטי", "אדם", "יחיד"),
    },
}  # fmt: skip

# Words that name more than one member: taking one would be a guess that changes the
# office's key figures (the count of sister cities), so they are refused with the choices.
# The glossary's "partner city" (友城, עיר שותפה) is either tier; "visit" (访问, ביקור) is
# any delegation, whichever way it went.
_AMBIGUOUS: dict[type[Labelled], tuple[str, ...]] = {
    PartnershipTier: (
        "友城", "国际友城", "伙伴城市", "友城关系", "partner city", "partner cities",
        "partnership", "עיר שותפה", "ערים שותפות", "קשר ערים",
    ),
    Direction: ("访问", "交流", "visit", "exchange", "ביקור", "משלחת"),
}  # fmt: skip

# The names of countries, besides their names in English, Chinese (simplified and
# traditional) and Hebrew from CLDR, their ISO alpha-2 codes and (from CLDR's aliases) their
# alpha-3 codes: short forms, official long forms, older names and the countries' own names.
_COUNTRY_VARIANTS: dict[str, tuple[str, ...]] = {
    "US": (
        "美利坚合众国", "美利坚", "美", "USA", "U.S.", "U.S.A.", "US of A", "United States",
        "United States of America", "the United States", "America", "ארה\"ב", "ארה״ב",
        "ארצות הברית של אמריקה", "אמריקה",
    ),
    "GB": (
        "英", "大不列颠", "联合王国", "大不列颠及北爱尔兰联合王国", "英格兰", "苏格兰", "威尔士",
        "UK", "U.K.", "Britain", "Great Britain", "England", "Scotland", "Wales",
        "Northern Ireland", "United Kingdom of Great Britain and Northern Ireland",
        "הממלכה המאוחדת", "אנגליה", "סקוטלנד", "בריטניה הגדולה",
    ),
    "KR": (
        "南韩", "南朝鲜", "大韩民国", "韩", "Korea", "South Korea", "Republic of Korea", "ROK",
        "Korea (South)", "Korea, South", "한국", "대한민국", "קוריאה", "דרום קוריאה",
        "קוריאה הדרומית",
    ),
    "KP": (
        "朝鲜", "北韩", "北朝鲜", "朝鲜民主主义人民共和国", "North Korea", "DPRK", "D.P.R.K.",
        "Democratic People's Republic of Korea", "Korea (North)", "Korea, North",
        "צפון קוריאה", "קוריאה הצפונית",
    ),
    "RU": ("俄国", "俄", "俄罗斯联邦", "Russia", "Russian Federation", "Россия", "רוסיה"),
    "IL": ("以色列国", "State of Israel", "מדינת ישראל", "ישראל"),
    "CN": (
        "中华人民共和国", "中国大陆", "中国内地", "PRC", "P.R.C.", "P.R. China", "PR China",
        "People's Republic of China", "China", "Mainland China", "סין", "הרפובליקה העממית של סין",
    ),
    "DE": (
        "德意志联邦共和国", "德意志", "Deutschland", "Germany", "Federal Republic of Germany",
        "FRG", "גרמניה",
    ),
    "JP": ("日本国", "Nippon", "Nihon", "Japan", "יפן"),
    "NL": ("荷兰王国", "Holland", "The Netherlands", "Nederland", "הולנד"),
    "CZ": ("捷克共和国", "Czech Republic", "Czechia", "Česko", "צ'כיה"),
    "TR": ("土耳其共和国", "Turkey", "Türkiye", "Turkiye", "טורקיה"),
    "VN": ("越南社会主义共和国", "Viet Nam", "Vietnam", "Việt Nam", "וייטנאם", "ויאטנם"),
    "IR": ("伊朗伊斯兰共和国", "Iran", "Islamic Republic of Iran", "Persia", "איראן"),
    "LA": (
        "老挝人民民主共和国", "寮国", "Lao", "Laos", "Lao PDR", "Lao People's Democratic Republic",
        "לאוס",
    ),
    "FR": ("法兰西", "法兰西共和国", "France", "République française", "צרפת"),
    "IT": ("义大利", "Italia", "Italy", "איטליה"),
    "ES": ("España", "Spain", "ספרד"),
    "PT": ("Portugal", "פורטוגל"),
    "AT": ("Österreich", "Austria", "אוסטריה"),
    "CH": ("Schweiz", "Suisse", "Svizzera", "Switzerland", "שווייץ", "שוויץ"),
    "SE": ("Sverige", "Sweden", "שוודיה"),
    "NO": ("Norge", "Norway", "נורווגיה"),
    "DK": ("Danmark", "Denmark", "דנמרק"),
    "FI": ("Suomi", "Finland", "פינלנד"),
    "PL": ("Polska", "Poland", "פולין"),
    "HU": ("Magyarország", "Hungary", "הונגריה"),
    "RO": ("România", "Romania", "רומניה"),
    "GR": ("Ελλάδα", "Hellas", "Greece", "יוון"),
    "UA": ("Україна", "Ukraine", "the Ukraine", "אוקראינה"),
    "BY": ("Беларусь", "Belarus", "Byelorussia", "白俄", "בלארוס", "בלרוס"),
    "BE": ("België", "Belgique", "Belgium", "比国", "בלגיה"),
    "IE": ("Éire", "Eire", "Republic of Ireland", "爱尔兰共和国", "אירלנד"),
    "HR": ("Hrvatska", "Croatia", "קרואטיה"),
    "RS": ("Srbija", "Србија", "Serbia", "סרביה"),
    "SK": ("Slovensko", "Slovak Republic", "Slovakia", "斯洛伐克共和国", "סלובקיה"),
    "SI": ("Slovenija", "Slovenia", "סלובניה"),
    "BG": ("България", "Bulgaria", "בולגריה"),
    "KZ": ("Қазақстан", "Казахстан", "Kazakhstan", "哈萨克", "קזחסטן"),
    "MN": ("蒙古国", "Монгол Улс", "Mongolia", "מונגוליה"),
    "TH": ("泰王国", "ประเทศไทย", "Thailand", "Siam", "תאילנד"),
    "ID": ("印尼", "Indonesia", "אינדונזיה"),
    "MY": ("大马", "Malaysia", "מלזיה"),
    "PH": ("菲律宾共和国", "Philippines", "the Philippines", "Pilipinas", "הפיליפינים"),
    "SG": ("星加坡", "Singapore", "סינגפור"),
    "IN": ("Bharat", "India", "הודו"),
    "PK": ("Pakistan", "巴基斯坦伊斯兰共和国", "פקיסטן"),
    "BD": ("孟加拉", "Bangladesh", "בנגלדש"),
    "MM": ("Burma", "Myanmar", "缅甸联邦", "מיאנמר", "בורמה"),
    "KH": ("Cambodia", "Kampuchea", "柬埔寨王国", "קמבודיה"),
    "AU": ("澳洲", "Australia", "Commonwealth of Australia", "אוסטרליה"),
    "NZ": ("纽西兰", "Aotearoa", "New Zealand", "ניו זילנד"),
    "CA": ("Canada", "קנדה"),
    "MX": ("México", "Mexico", "墨国", "מקסיקו"),
    "BR": ("Brasil", "Brazil", "巴西联邦共和国", "ברזיל"),
    "AR": ("Argentina", "阿根廷共和国", "ארגנטינה"),
    "ZA": ("South Africa", "RSA", "南非共和国", "דרום אפריקה"),
    "EG": ("Egypt", "مصر", "埃及阿拉伯共和国", "מצרים"),
    "MA": ("Morocco", "المغرب", "摩洛哥王国", "מרוקו"),
    "AE": ("UAE", "U.A.E.", "Emirates", "阿联酋", "האמירויות", "איחוד האמירויות"),
    "SA": ("沙特", "Saudi", "KSA", "Saudi Arabia", "ערב הסעודית", "סעודיה"),
    "JO": ("Jordan", "约旦哈希姆王国", "ירדן"),
    "SY": ("Syria", "Syrian Arab Republic", "סוריה"),
    "PS": (
        "Palestine", "State of Palestine", "巴勒斯坦", "巴勒斯坦国", "פלסטין",
        "הרשות הפלסטינית",
    ),
    "MD": ("Moldova", "Republic of Moldova", "מולדובה"),
    "MK": ("Macedonia", "North Macedonia", "FYROM", "马其顿", "מקדוניה"),
    "BA": ("Bosnia", "Bosnia and Herzegovina", "波黑", "בוסניה"),
    "CD": (
        "DR Congo", "DRC", "Democratic Republic of the Congo", "Congo-Kinshasa",
        "Congo (Kinshasa)", "刚果民主共和国", "刚果金",
    ),
    "CG": (
        "Republic of the Congo", "Congo-Brazzaville", "Congo (Brazzaville)", "刚果共和国",
        "刚果布",
    ),
    "CI": ("Ivory Coast", "Cote d'Ivoire", "象牙海岸"),
    "CV": ("Cape Verde", "佛得角共和国"),
    "SZ": ("Swaziland", "Eswatini", "斯威士兰王国"),
    "TL": ("East Timor", "Timor-Leste", "东帝汶"),
    "VA": ("Vatican", "Holy See", "the Holy See", "梵蒂冈城国", "教廷", "הוותיקן"),
    "TW": ("Taiwan", "中国台湾", "台湾地区", "臺灣", "טייוואן", "טאיוואן"),
    "HK": ("Hong Kong", "Hongkong", "香港", "中国香港", "הונג קונג"),
    "MO": ("Macao", "Macau", "澳门", "中国澳门", "מקאו"),
    "TZ": ("Tanzania", "United Republic of Tanzania"),
    "BO": ("Bolivia", "Plurinational State of Bolivia"),
    "VE": ("Venezuela", "Bolivarian Republic of Venezuela"),
    "KG": ("Kyrgyzstan", "Kyrgyz Republic", "Kirghizia"),
    "BS": ("Bahamas", "The Bahamas"),
    "GM": ("Gambia", "The Gambia"),
    "BN": ("Brunei", "Brunei Darussalam"),
    "FM": ("Micronesia", "Federated States of Micronesia"),
    "XK": ("Kosovo", "科索沃", "קוסובו"),
}  # fmt: skip

# Names that look like countries but name none today, refused rather than mapped onto a
# successor the writer may not have meant.
_NOT_COUNTRIES = (
    "Republic of China", "中华民国", "Soviet Union", "USSR", "U.S.S.R.", "苏联",
    "ברית המועצות", "Yugoslavia", "南斯拉夫", "יוגוסלביה", "Czechoslovakia", "捷克斯洛伐克",
    "צ'כוסלובקיה", "East Germany", "GDR", "东德",
)  # fmt: skip

# What cells write for "no value": they read as empty (None, False, "", ()).
_BLANK_WORDS = frozenset(
    {"na", "nan", "null", "none", "unknown", "tbd", "tba", "不详", "未知", "待定", "暂无", "לאידוע"}
)
_PUNCTUATION_ONLY = re.compile(r"[\s\-‐‑‒–—―_/\\?？.。…·*]*")

_FLAGS: dict[str, bool] = {
    **dict.fromkeys(
        (
            "yes", "y", "true", "t", "1", "x", "v", "✓", "✔", "√", "☑", "☒", "是", "是的",
            "对", "有", "כן", "sample", "sample data", "示例", "示例数据", "demo", "演示",
            "דוגמה", "לדוגמה",
        ),
        True,
    ),
    **dict.fromkeys(
        (
            "no", "n", "false", "f", "0", "×", "✗", "✘", "☐", "否", "不是", "不", "非", "无",
            "没有", "错", "לא", "none",
        ),
        False,
    ),
}  # fmt: skip

_LABEL_LANGUAGES = ("en", "zh_CN", "he")
_MAX_LISTED = 8  # choices named in a message: more would not be read


class CellProblem(ValueError):
    """A cell's value the program cannot read; `message` says why, in the user's language."""

    def __init__(self, message: str, *, value: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.value = value  # the cell's value as read from the file, for the importer's log

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------------------
# Text

# Zero-width and direction marks: invisible, left by copying from web pages and Hebrew
# documents, and they would keep "Kfar Saba" from matching "Kfar Saba".
_INVISIBLE = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad\u061c\u2060]")
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\u0085]")
_SPACES = re.compile("[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_SPACES_AND_LINES = re.compile("[\\s\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")


def read_text(value: object, *, multiline: bool = False) -> str:
    """The cell as text: None is "", 1983.0 is "1983", runs of spaces (tabs, no-break and
    ideographic spaces too) are one space, ends stripped. With `multiline` the line breaks
    stay (at most one empty line in a row); without, they are spaces too."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _clean_text(value, multiline)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # as Excel shows a logical cell
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return _clean_text(str(value), multiline)


@lru_cache(maxsize=65_536)
def _clean_text(text: str, multiline: bool) -> str:
    text = _INVISIBLE.sub("", text)
    if not multiline:
        return _SPACES_AND_LINES.sub(" ", text).strip()
    lines = [_SPACES.sub(" ", line).strip() for line in _LINE_BREAKS.sub("\n", text).split("\n")]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept)


def _shown(value: object) -> str:
    """The value as a message quotes it: one line, not too long."""
    text = read_text(value)
    return text if len(text) <= 60 else text[:57] + "…"


@lru_cache(maxsize=65_536)
def _fold(text: str) -> str:
    """The matching key: compatibility-decomposed (full-width letters are ASCII, accents and
    Hebrew points are apart), case-folded, with everything but letters and digits dropped
    (spaces, hyphens, dots, apostrophes, quotes, geresh, gershayim, maqaf, brackets); "&"
    is "and", so "Bosnia & Herzegovina" is "Bosnia and Herzegovina"."""
    folded = unicodedata.normalize("NFKD", text).casefold().replace("&", "and")
    return _NOT_WORD.sub("", folded)


# \W drops combining marks too (they are not alphanumeric), so "Côte" folds to "cote".
_NOT_WORD = re.compile(r"[\W_]+")


def _is_blank(text: str) -> bool:
    return _PUNCTUATION_ONLY.fullmatch(text) is not None or _fold(text) in _BLANK_WORDS


def _list(items: Iterable[str]) -> str:
    """Items joined as the user's language joins a list ("a, b or c", "a、b或c")."""
    language = find_language(active_language())
    locale = language.babel_locale if language is not None else "en"
    return str(format_list(list(items), style="or", locale=locale))


# --------------------------------------------------------------------------------------
# Dates

_DATE_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0, as every reader counts it after day 60
_MAX_SERIAL = 2_958_465  # 9999-12-31, Excel's last date
_TIME_SUFFIX = re.compile(r"(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:am|pm)?$", re.I)
_DOTTED = re.compile(r"^(\d{1,2})\s*\.\s*(?:(\d{1,2})\s*\.\s*)?(\d{4})\.?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_TWO_DIGIT_YEAR = re.compile(r"^\d{1,2}\s*[-./]\s*\d{1,2}\s*[-./]\s*\d{2}$")
_CHINESE_NUMERALS = re.compile("[〇零一二三四五六七八九十]+")
_CHINESE_DIGITS = {ch: str(i) for i, ch in enumerate("〇一二三四五六七八九")} | {"零": "0"}
_WORD_OR_NUMBER = re.compile(r"\d+|[^\W\d_]+")
_DATE_NOISE = frozenset({"st", "nd", "rd", "th", "of", "the"})
_MONTHS: dict[str, int] = {
    **{
        name: number
        for number, names in enumerate(
            (
                ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
                ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
                ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
                ("december", "dec"),
            ),
            start=1,
        )
        for name in names
    },
    **{
        name: number
        for number, names in enumerate(
            (
                ("ינואר",), ("פברואר",), ("מרץ", "מרס"), ("אפריל",), ("מאי",), ("יוני",),
                ("יולי",), ("אוגוסט",), ("ספטמבר",), ("אוקטובר",), ("נובמבר",), ("דצמבר",),
            ),
            start=1,
        )
        for name in names
    },
}  # fmt: skip


def read_date(value: object, *, day_first: bool = True) -> PartialDate | None:
    """A date known to the day, the month or the year: an Excel date, a year (1983), an
    Excel serial number (38233 is 2004-09-03), or text as people write it (`2004年9月3日`,
    `2004-09`, `3.9.2004`, `3/9/2004`, `Sept 2004`, `3 בספטמבר 2004`). A slashed or
    dashed date with the year last is read day first unless `day_first` is False; a dotted
    one is always day first. Empty is None."""
    if value is None:
        return None
    if isinstance(value, str):
        return _date_from_text(value, day_first)
    if isinstance(value, dt.datetime):
        return _date_of(value.date())
    if isinstance(value, dt.date):
        return _date_of(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _date_from_number(value)
    raise _not_a_date(value)


def _not_a_date(value: object) -> CellProblem:
    return CellProblem(
        _("“{value}” is not a date: use 2018-05-12, 2018年5月12日, 12.5.2018 or 2018.").format(
            value=_shown(value)
        ),
        value=value,
    )


@lru_cache(maxsize=65_536)
def _date_of(day: dt.date) -> PartialDate:
    try:
        return PartialDate.from_date(day)
    except ValueError:
        raise _not_a_date(day) from None


@lru_cache(maxsize=65_536)
def _date_from_number(number: float) -> PartialDate:
    if not math.isfinite(number):
        raise _not_a_date(number)
    if MIN_YEAR <= number <= MAX_YEAR:
        # A year: the serials of 1902-1908 give way, as nobody types those as numbers.
        if not float(number).is_integer():
            raise _not_a_date(number)
        return PartialDate(int(number))
    if not 1 <= number <= _MAX_SERIAL:
        raise _not_a_date(number)
    serial = int(number)  # the fraction is the time of day
    if serial == 60:
        raise _not_a_date(number)  # Excel's 29 February 1900, a day that never was
    # Excel counts 1900 as a leap year: days before its false 29 February are one day later.
    epoch = _DATE_EPOCH if serial > 60 else _DATE_EPOCH + dt.timedelta(days=1)
    try:
        return PartialDate.from_date(epoch + dt.timedelta(days=serial))
    except ValueError:  # past 2999
        raise _not_a_date(number) from None


@lru_cache(maxsize=65_536)
def _date_from_text(raw: str, day_first: bool) -> PartialDate | None:
    text = raw.strip()
    if not text.isascii():  # full-width digits, 年月日, Chinese numerals, marks
        text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).strip()
        if _CHINESE_NUMERALS.search(text) is not None:
            text = _CHINESE_NUMERALS.sub(_chinese_number, text)
        text = text.replace("号", "日")
    if not text:
        return None
    if ":" in text:
        text = _TIME_SUFFIX.sub("", text)
    try:
        dotted = _DOTTED.match(text)
        if dotted is not None:
            first, second, year = dotted.groups()
            if second is None:
                return PartialDate(int(year), int(first))
            return PartialDate(int(year), int(second), int(first))
        compact = _COMPACT.match(text)
        if compact is not None:
            return PartialDate(*(int(part) for part in compact.groups()))
        return read_typed(text, day_first=day_first)
    except ValueError:
        pass
    if _is_blank(text):
        return None
    named = _date_with_month_name(text)
    if named is not None:
        return named
    if _TWO_DIGIT_YEAR.match(text):
        raise CellProblem(
            _("“{value}” has a two-digit year: write the year in full, as in 12.5.2018.").format(
                value=_shown(raw)
            ),
            value=raw,
        )
    raise _not_a_date(raw)


def _chinese_number(match: re.Match[str]) -> str:
    """二〇〇四 → 2004 (digit by digit, as years are written); 十二 → 12, 三十一 → 31."""
    run = match.group()
    if "十" not in run:
        return "".join(_CHINESE_DIGITS[ch] for ch in run)
    tens, _ten, ones = run.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return run  # not a month or a day: left for the parse to refuse
    return str(
        int(_CHINESE_DIGITS.get(tens, "1")) * 10 + (int(_CHINESE_DIGITS[ones]) if ones else 0)
    )


def _date_with_month_name(text: str) -> PartialDate | None:
    """`Sept 2004`, `September 3, 2004`, `3 Sep. 2004`, `3-Sep-2004`, `3rd of September
    2004`, `3 בספטמבר 2004`: the month is named, so the order of day and year is plain."""
    month = year = day = None
    for token in _WORD_OR_NUMBER.findall(text.casefold()):
        if token.isdigit():
            if len(token) == 4 and year is None:
                year = int(token)
            elif len(token) <= 2 and day is None:
                day = int(token)
            else:
                return None
            continue
        if token in _DATE_NOISE:
            continue
        number = _MONTHS.get(token)
        if number is None and token.startswith("ב"):  # Hebrew "in": בספטמבר
            number = _MONTHS.get(token[1:])
        if number is None or month is not None:
            return None
        month = number
    if month is None or year is None:
        return None
    try:
        return PartialDate(year, month, day)
    except ValueError:
        return None


# --------------------------------------------------------------------------------------
# Numbers

# "About 800": the office records the number it has; the approximation is the source's.
_APPROXIMATELY = (
    r"(?:approximately|approx|about|around|roughly|nearly|almost|over|more\s+than|at\s+least"
    r"|some|circa|ca|c|大约|大概|大致|将近|接近|超过|不少于|至少|约|近|逾|כמעט|בערך|מעל|לפחות"
    r"|יותר\s+מ|כ|~|≈)"
)
_INTEGER_CELL = re.compile(
    rf"^(?:{_APPROXIMATELY}\.?\s*[-־]?\s*)?(?P<sign>[-+−])?\s*"
    r"(?P<number>\d{1,3}(?:[,' ’]\d{3})+|\d+)(?:\.0+)?"
    r"\s*(?:\+|余|多|以上|左右|来|许)?\s*(?P<unit>[^\W\d_][^\d]*)?$"
)
_DECIMAL_CELL = re.compile(
    rf"^(?:{_APPROXIMATELY}\.?\s*[-־]?\s*)?"
    r"(?P<before>北纬|南纬|东经|西经|[nsew](?![a-z]))?\s*(?P<sign>[-+−])?\s*"
    r"(?P<number>\d[\d.,' ’]*\d|\d|[.,]\d+)\s*°?\s*"
    r"(?P<after>[nsew]|北纬|南纬|东经|西经)?\.?$"
)
_SOUTH_OR_WEST = frozenset({"s", "w", "南纬", "西经"})


def read_integer(
    value: object, *, minimum: int | None = None, maximum: int | None = None
) -> int | None:
    """A whole number: 800, 800.0, "1,200", "1 200", "约800人", "about 800", "c. 800",
    "~800", "800+", "800 people". Empty is None; 800.5 or "many" is a problem, and so is
    a number outside `minimum`..`maximum`."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise _not_whole(value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise _not_whole(value)
        number = int(value)
    elif isinstance(value, str):
        found = _integer_from_text(value)
        if found is None:
            return None
        number = found
    else:
        raise _not_whole(value)
    _check_range(value, number, minimum, maximum)
    return number


def _not_whole(value: object) -> CellProblem:
    return CellProblem(
        _("“{value}” is not a whole number: write it in digits, as in 800.").format(
            value=_shown(value)
        ),
        value=value,
    )


@lru_cache(maxsize=65_536)
def _integer_from_text(raw: str) -> int | None:
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", raw)).strip().casefold()
    if _is_blank(text):
        return None
    match = _INTEGER_CELL.match(text)
    if match is None:
        raise _not_whole(raw)
    number = int(re.sub(r"\D", "", match["number"]))
    return -number if match["sign"] in ("-", "−") else number


def _check_range(
    value: object, number: float, minimum: float | None, maximum: float | None
) -> None:
    if minimum is not None and number < minimum:
        raise CellProblem(
            _("“{value}” is less than {minimum}, the smallest number allowed here.").format(
                value=_shown(value), minimum=minimum
            ),
            value=value,
        )
    if maximum is not None and number > maximum:
        raise CellProblem(
            _("“{value}” is more than {maximum}, the largest number allowed here.").format(
                value=_shown(value), maximum=maximum
            ),
            value=value,
        )


def read_decimal(
    value: object, *, minimum: float | None = None, maximum: float | None = None
) -> float | None:
    """A number with decimals: 34.23, "34.23", "34,23" (a lone comma not followed by three
    digits is a decimal comma), "1,234.5", "1.234,5", "约34.2", and coordinates as
    "34.23° N", "117.0°E" or "北纬36.67" (south and west negative). Empty is None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise _not_a_number(value)
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number):
            raise _not_a_number(value)
    elif isinstance(value, str):
        found = _decimal_from_text(value)
        if found is None:
            return None
        number = found
    else:
        raise _not_a_number(value)
    _check_range(value, number, minimum, maximum)
    return number


def _not_a_number(value: object) -> CellProblem:
    return CellProblem(
        _("“{value}” is not a number: write it in digits, as in 34.23.").format(
            value=_shown(value)
        ),
        value=value,
    )


@lru_cache(maxsize=65_536)
def _decimal_from_text(raw: str) -> float | None:
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", raw)).strip().casefold()
    if _is_blank(text):
        return None
    match = _DECIMAL_CELL.match(text)
    if match is None or (match["before"] and match["after"]):
        raise _not_a_number(raw)
    digits = _decimal_digits(match["number"])
    if digits is None:
        raise _not_a_number(raw)
    number = float(digits)
    negative = match["sign"] in ("-", "−")
    if (match["before"] or match["after"]) in _SOUTH_OR_WEST:
        negative = not negative
    return -number if negative else number


_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+$")
_DOT_GROUPED = re.compile(r"^\d{1,3}(?:\.\d{3})+$")


def _decimal_digits(text: str) -> str | None:
    """ "1,234.5" and "1.234,5" → "1234.5"; "34,23" → "34.23"; "1,200" → "1200" (a comma
    before three digits groups thousands); None when the separators make no number."""
    text = re.sub(r"(?<=\d)[' ’](?=\d{3}(?!\d))", "", text)
    if not re.fullmatch(r"[\d.,]+", text):
        return None
    comma, dot = text.rfind(","), text.rfind(".")
    if comma >= 0 and dot >= 0:
        decimal, group = (".", ",") if dot > comma else (",", ".")
        whole, _sep, fraction = text.rpartition(decimal)
        if group == "," and not _GROUPED.match(whole):
            return None
        if group == "." and not _DOT_GROUPED.match(whole):
            return None
        return whole.replace(group, "") + "." + fraction
    if comma >= 0:
        if text.count(",") == 1 and len(text) - comma - 1 != 3:
            return text.replace(",", ".") if comma > 0 else "0" + text.replace(",", ".")
        return text.replace(",", "") if _GROUPED.match(text) else None
    if text.count(".") > 1:
        return text.replace(".", "") if _DOT_GROUPED.match(text) else None
    return text


# --------------------------------------------------------------------------------------
# Flags


def read_flag(value: object) -> bool:
    """Yes or no: yes/no, true/false, y/n, 1/0, x, v, ✓, √, ×, 是/否, 对/不是, כן/לא, and
    "sample" (示例, דוגמה) for the column that marks sample records. Empty is False."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise _not_a_flag(value)
    if isinstance(value, str):
        return _flag_from_text(value)
    raise _not_a_flag(value)


def _not_a_flag(value: object) -> CellProblem:
    return CellProblem(
        _("“{value}” is not a yes or a no: write yes or no, or leave the cell empty.").format(
            value=_shown(value)
        ),
        value=value,
    )


@lru_cache(maxsize=4096)
def _flag_from_text(raw: str) -> bool:
    text = _clean_text(unicodedata.normalize("NFKC", raw), False).casefold()
    # Symbols first: folding drops them, and ✓ must not read as an empty cell.
    found = _FLAGS.get(text.rstrip(".。!！"))
    if found is not None:
        return found
    if _is_blank(text):
        return False
    found = _flag_table().get(_fold(text))
    if found is None:
        raise _not_a_flag(raw)
    return found


@cache
def _flag_table() -> dict[str, bool]:
    return {_fold(word): flag for word, flag in _FLAGS.items() if _fold(word)}


# --------------------------------------------------------------------------------------
# Choices


def read_choice(enum_class: type[L], value: object) -> L | None:
    """The member of `enum_class` the cell names: its value (`sister_city`), its label in
    English, Chinese or Hebrew, or one of the office's words for it (友城 aside: see
    `_AMBIGUOUS`), ignoring case, spaces and punctuation. Empty is None."""
    if value is None:
        return None
    text = value if isinstance(value, str) else read_text(value)
    return cast("L | None", _choice_from_text(enum_class, text))


@lru_cache(maxsize=16_384)
def _choice_from_text(enum_class: type[Labelled], text: str) -> Labelled | None:
    key = _fold(text)
    table, ambiguous = _choice_table(enum_class)
    found = table.get(key)
    if found is not None:
        return found
    if _is_blank(text):
        return None
    if key in ambiguous:
        raise CellProblem(
            _("“{value}” may mean {choices}: write the one it is.").format(
                value=_shown(text), choices=_list(_labels(enum_class))
            ),
            value=text,
        )
    labels = _labels(enum_class)
    if len(labels) > _MAX_LISTED:  # "government, culture, …, or youth"
        labels = [*labels[: _MAX_LISTED - 2], "…", labels[-1]]
    raise CellProblem(
        _("“{value}” is not one of the choices here: write {choices}.").format(
            value=_shown(text), choices=_list(labels)
        ),
        value=text,
    )


def _labels(enum_class: type[Labelled]) -> list[str]:
    """The members' labels in the user's language, in the enum's order."""
    return [_(member.label_msgid) for member in enum_class]


@cache
def _choice_table(enum_class: type[Labelled]) -> tuple[dict[str, Labelled], frozenset[str]]:
    """The folded words for each member, and the folded words that name several."""
    gettexts: list[Callable[[str], str]] = [translator(code).gettext for code in _LABEL_LANGUAGES]
    synonyms = _SYNONYMS.get(enum_class, {})
    table: dict[str, Labelled] = {}
    for member in enum_class:
        words = [member.value, *(member.label_in(g) for g in gettexts)]
        words += synonyms.get(member.value, ())
        for word in words:
            key = _fold(word)
            other = table.setdefault(key, member)
            if other is not member:
                raise RuntimeError(f"{enum_class.__name__}: {word!r} names {other} and {member}")
    ambiguous = frozenset(_fold(word) for word in _AMBIGUOUS.get(enum_class, ()))
    clash = ambiguous & table.keys()
    if clash:
        raise RuntimeError(f"{enum_class.__name__}: ambiguous words are also choices: {clash}")
    return table, ambiguous


# Separators between several choices in one cell: "文化、教育、经贸", "culture; education".
_CHOICE_SEPARATORS = re.compile(r"[;；,，、/／|｜\n]+")
_CHOICE_JOINERS = re.compile(r"\s+and\s+|\s*[&+]\s*|以及|和|及|与")


def read_choices(enum_class: type[L], value: object) -> tuple[L, ...]:
    """Several members in one cell, separated by ; , 、 ， / or line breaks (and "and", 和
    where the whole part is not a choice itself), each at most once, in the cell's order."""
    if value is None:
        return ()
    text = value if isinstance(value, str) else read_text(value)
    return cast("tuple[L, ...]", _choices_from_text(enum_class, text))


@lru_cache(maxsize=16_384)
def _choices_from_text(enum_class: type[Labelled], text: str) -> tuple[Labelled, ...]:
    table, _ambiguous = _choice_table(enum_class)
    whole = table.get(_fold(text))
    if whole is not None:
        return (whole,)
    found: dict[Labelled, None] = {}
    for part in _CHOICE_SEPARATORS.split(text):
        if _is_blank(part):
            continue
        member = table.get(_fold(part))
        if member is not None:
            found[member] = None
            continue
        pieces = [p for p in _CHOICE_JOINERS.split(part) if not _is_blank(p)]
        members = [table.get(_fold(piece)) for piece in pieces]
        if len(pieces) > 1 and all(m is not None for m in members):
            found.update((m, None) for m in members if m is not None)
            continue
        member = _choice_from_text(enum_class, part.strip())  # raises, naming the part
        if member is not None:
            found[member] = None
    return tuple(found)


# --------------------------------------------------------------------------------------
# Countries

_COUNTRY_PREFIXES = ("the", "republicof", "kingdomof", "stateof", "מדינת")
_COUNTRY_SUFFIXES = ("共和国", "王国", "联邦", "国")
_COUNTRY_PARTS = re.compile(r"[/|()（）\[\]【】,，;；、\n]+")


def read_country(value: object) -> str:
    """The ISO 3166-1 alpha-2 code of the country the cell names: by its code (IL, il, ISR),
    its name in English, Chinese or Hebrew, or a common other name (USA, 南韩, ארה"ב,
    Deutschland). Empty is ""."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else read_text(value)
    return _country_from_text(text)


@lru_cache(maxsize=16_384)
def _country_from_text(text: str) -> str:
    code = _country_lookup(text)
    if code is not None:
        return code
    if _is_blank(text):
        return ""
    # "Korea, Republic of", as ISO and the UN list them.
    head, comma, tail = text.partition(",")
    if comma:
        code = _country_lookup(tail + " " + head)
        if code is not None:
            return code
    # A cell naming it in several languages: "Israel 以色列", "Germany (DE)".
    parts = [part for part in _COUNTRY_PARTS.split(text) if not _is_blank(part)]
    pieces = [name for part in parts for name in split_names(part).values()]
    codes = {_country_lookup(piece) for piece in pieces}
    if len(pieces) > 1 and len(codes) == 1 and None not in codes:
        return codes.pop()  # type: ignore[return-value]
    raise CellProblem(
        _(
            "“{value}” is not a country we know: write its name or its two-letter ISO code "
            "(IL, DE, JP)."
        ).format(value=_shown(text)),
        value=text,
    )


def _country_lookup(text: str) -> str | None:
    table, refused = _country_table()
    key = _fold(text)
    if key in refused:
        return None
    code = table.get(key)
    if code is not None:
        return code
    for prefix in _COUNTRY_PREFIXES:
        if key.startswith(prefix) and key[len(prefix) :] in table:
            return table[key[len(prefix) :]]
    for suffix in _COUNTRY_SUFFIXES:
        if key.endswith(suffix) and key[: -len(suffix)] in table:
            return table[key[: -len(suffix)]]
    return None


@cache
def _country_table() -> tuple[dict[str, str], frozenset[str]]:
    """Folded names and codes → alpha-2 code; and the folded names refused."""
    from babel.core import get_global

    codes = country_codes()
    found: dict[str, set[str]] = {}

    def add(word: str, code: str) -> None:
        key = _fold(word)
        if key:
            found.setdefault(key, set()).add(code)

    for code in codes:
        add(code, code)
        for locale in ("en", "zh_Hans", "zh_Hant", "he"):
            name = country_name(code, locale)
            for variant in _name_variants(name):
                add(variant, code)
    for alias, targets in get_global("territory_aliases").items():
        if len(alias) == 3 and alias.isalpha() and len(targets) == 1 and targets[0] in codes:
            add(alias, targets[0])
    # A name two countries share ("Congo", "Guinea" cut from "Guinea-Bissau"?) names neither.
    table = {key: next(iter(names)) for key, names in found.items() if len(names) == 1}
    for code, variants in _COUNTRY_VARIANTS.items():
        for word in variants:
            table[_fold(word)] = code
    refused = frozenset(_fold(word) for word in _NOT_COUNTRIES)
    for key in refused:
        table.pop(key, None)
    return table, refused


def _name_variants(name: str) -> list[str]:
    """A CLDR name and the forms people write for it: "Myanmar (Burma)" also as "Myanmar"
    and "Burma", "St. Kitts & Nevis" as "Saint Kitts & Nevis", "Congo - Kinshasa" as
    "Congo" (dropped later, as two countries give it)."""
    variants = [name]
    bare = re.sub(r"\s*[(（][^)）]*[)）]", "", name).strip()
    if bare and bare != name:
        variants.append(bare)
        # "Burma" from "Myanmar (Burma)"; not the 金 of 刚果（金）, too short to name it.
        variants += [v for v in re.findall(r"[(（]([^)）]*)[)）]", name) if len(v) >= 3]
    if " - " in name:
        variants.append(name.split(" - ", 1)[0])
    for variant in list(variants):
        spelled = re.sub(r"\bSt\.\s", "Saint ", variant)
        if spelled != variant:
            variants.append(spelled)
    return variants


# --------------------------------------------------------------------------------------
# Scripts and names


@lru_cache(maxsize=4096)
def _script_of_char(ch: str) -> str | None:
    """ "zh", "he", "en", "kana", "local", "mark" (combining: joins its letter), or None
    (digits, spaces, punctuation)."""
    code = ord(ch)
    if (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x323AF
        or 0xF900 <= code <= 0xFAFF
        or code in (0x3005, 0x3007)  # 々 and 〇
    ):
        return "zh"
    if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
        return "kana"
    category = unicodedata.category(ch)
    if category[0] == "M":
        return "mark"
    if category[0] != "L":
        return None
    if 0x0590 <= code <= 0x05FF or 0xFB1D <= code <= 0xFB4F:
        return "he"
    if (
        code < 0x0250
        or 0x1E00 <= code <= 0x1EFF
        or 0x2C60 <= code <= 0x2C7F
        or 0xA720 <= code <= 0xA7FF
        or 0xFF21 <= code <= 0xFF5A
    ):
        return "en"
    return "local"


def _letter_scripts(text: str) -> list[tuple[int, str]]:
    """(index, script) of each letter; Han with kana around is Japanese, so "local"."""
    letters = [
        (i, s) for i, ch in enumerate(text) if (s := _script_of_char(ch)) not in (None, "mark")
    ]
    japanese = any(s == "kana" for _i, s in letters)
    return [(i, "local" if s == "kana" or (japanese and s == "zh") else s) for i, s in letters]


_ORDER = {"zh": 0, "he": 1, "en": 2, "local": 3}


def script_of(text: str) -> str | None:
    """The script of most of the text's letters: "zh" (Han, also a Japanese name all in
    kanji such as 和歌山), "he", "en" (Latin), "local" (Cyrillic, kana, Hangul, Arabic,
    Greek, Thai ...); None when it has no letters."""
    counts: dict[str, int] = {}
    for _i, script in _letter_scripts(text):
        counts[script] = counts.get(script, 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda s: (counts[s], -_ORDER[s]))


_OPENERS = "([{（【「『《"
_CLOSERS = ")]}）】」』》"
_EDGE = " \t\n/|\\,，、;；:：-–—·・"


def split_names(text: str) -> dict[str, str]:
    """A cell holding a name in one or several scripts, one per script: "奥格斯堡 Augsburg",
    "Augsburg (奥格斯堡)", "Kfar Saba / כפר סבא / 克法尔萨巴" give {"zh": ..., "en": ...,
    "he": ...}; other scripts are "local". Punctuation inside a name stays (St. Petersburg,
    Baden-Baden). Two stretches in one script are joined with " / "."""
    return dict(_split_names(text))


@lru_cache(maxsize=16_384)
def _split_names(raw: str) -> tuple[tuple[str, str], ...]:
    text = _clean_text(raw, False)
    runs: list[tuple[str, int, int]] = []  # script, index of its first and last letter
    for index, script in _letter_scripts(text):
        if runs and runs[-1][0] == script:
            runs[-1] = (script, runs[-1][1], index)
        else:
            runs.append((script, index, index))
    names: dict[str, list[str]] = {}
    start = 0
    for number, (script, _first, last) in enumerate(runs):
        end = len(text)
        if number + 1 < len(runs):
            # Up to the next run: this one keeps the punctuation stuck to its last letter
            # ("D.C.", "Bavaria)"), the next one gets the rest ("（Augsburg").
            next_first = runs[number + 1][1]
            end = last + 1
            while end < next_first and not text[end].isspace() and text[end] not in _OPENERS:
                end += 1
        name = _trim(text[start:end])
        if name:
            names.setdefault(script, []).append(name)
        start = end
    return tuple((script, " / ".join(parts)) for script, parts in names.items())


def _trim(text: str) -> str:
    """Separators and unmatched brackets off the ends; "(Augsburg)" unwrapped."""
    while True:
        text = text.strip(_EDGE)
        if not text:
            return text
        first, last = text[0], text[-1]
        if first in _OPENERS and last == _CLOSERS[_OPENERS.index(first)] and _wraps(text):
            text = text[1:-1]
        elif last in _OPENERS:
            text = text[:-1]
        elif first in _CLOSERS:
            text = text[1:]
        elif last in _CLOSERS and _depth(text) < 0:
            text = text[:-1]
        elif first in _OPENERS and _depth(text) > 0:
            text = text[1:]
        else:
            return text


def _depth(text: str) -> int:
    return sum(ch in _OPENERS for ch in text) - sum(ch in _CLOSERS for ch in text)


def _wraps(text: str) -> bool:
    """Whether the first bracket closes at the last character (not "(a) b (c)")."""
    depth = 0
    for index, ch in enumerate(text):
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth -= 1
            if depth == 0:
                return index == len(text) - 1
    return False
