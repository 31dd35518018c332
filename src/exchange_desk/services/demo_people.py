"""The demo's people: officials of Jinan and Kfar Saba, school heads, a choir conductor and
interpreters, and two of the sample Kfar Saba visits told in full (members, a two-day
programme, a welcome banquet with its guest list), with the choral festival's guest list.

The seed names no one, so every person here is invented and flagged as a sample, and so
are their passport data ("S0000001"...): enough for the demo to make every document of a
visit (programme, visa letter, badges, place cards, the brief). Nothing here contradicts
the seed: the visits are two of the sample delegations `demo._add_facts` adds anyway.

Records go in with `records.create_many_in`, a batch per kind: checked as one at a time
would be, at a fraction of the cost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from exchange_desk.domain.enums import DressCode, GuestSide, LetterKind, MemberRole, NameOrder, Sex
from exchange_desk.domain.enums import ProtocolCategory as Category
from exchange_desk.domain.records import DelegationMember, Guest, Letter, Person, ProgrammeItem
from exchange_desk.services import records

if TYPE_CHECKING:
    from exchange_desk.storage.database import Database

Texts = tuple[str, str, str]  # English, Chinese, Hebrew

MR: Texts = ("Mr", "先生", "מר")
MS: Texts = ("Ms", "女士", "גב׳")


@dataclass(frozen=True, slots=True)
class Passport:
    """Invented passport data: the numbers say so (S0000001...)."""

    number: str
    nationality: str
    born: dt.date


@dataclass(frozen=True, slots=True)
class SamplePerson:
    key: str
    names: Texts  # as each script writes the name
    family: str  # as in the passport, Latin letters
    given: str
    order: NameOrder
    sex: Sex
    honorific: Texts
    title: Texts
    organization: str | None  # a key of the demo's organizations
    city: str  # a key of the demo's cities
    rank: int | None
    category: Category
    email: str = ""
    passport: Passport | None = None


def _chinese(
    key: str,
    zh: str,
    family: str,
    given: str,
    he: str,
    sex: Sex,
    title: Texts,
    organization: str | None,
    rank: int,
    category: Category,
    passport: tuple[str, dt.date] | None = None,
) -> SamplePerson:
    """A person of Jinan: the English name family name first, as Chinese names are written
    in English; the Hebrew one too, as it is transliterated."""
    return SamplePerson(
        key=key,
        names=(f"{family} {given}", zh, he),
        family=family,
        given=given,
        order=NameOrder.FAMILY_FIRST,
        sex=sex,
        honorific=MR if sex is Sex.MALE else MS,
        title=title,
        organization=organization,
        city="jinan",
        rank=rank,
        category=category,
        email=f"{given.lower()}.{family.lower()}@jinan.example.org",
        passport=Passport(passport[0], "CN", passport[1]) if passport else None,
    )


def _israeli(
    key: str,
    given: str,
    family: str,
    zh: str,
    he: str,
    sex: Sex,
    title: Texts,
    organization: str | None,
    rank: int,
    category: Category,
    passport: tuple[str, dt.date] | None = None,
) -> SamplePerson:
    """A person of Kfar Saba: given name first in English and Hebrew; the Chinese name a
    transliteration with the middle dot between its parts."""
    return SamplePerson(
        key=key,
        names=(f"{given} {family}", zh, he),
        family=family,
        given=given,
        order=NameOrder.GIVEN_FIRST,
        sex=sex,
        honorific=MR if sex is Sex.MALE else MS,
        title=title,
        organization=organization,
        city="kfar_saba",
        rank=rank,
        category=category,
        email=f"{given.lower()}.{family.lower()}@kfar-saba.example.org",
        passport=Passport(passport[0], "IL", passport[1]) if passport else None,
    )


# Ranks on one scale for both cities: 1 the mayors, 2 their deputies, 3 the head of the
# foreign affairs office, 4 heads of bureaus and divisions, 5-6 other hosts, 8 staff,
# 9 interpreters.
PEOPLE: tuple[SamplePerson, ...] = (
    # Jinan
    _chinese(
        "li_minghua",
        "李明华",
        "Li",
        "Minghua",
        "לי מינגחואה",
        Sex.MALE,
        ("Mayor of Jinan", "济南市市长", "ראש העיר ג'ינאן"),
        None,
        1,
        # Elected by the municipal people's congress: the mayor who signs the city's letters.
        Category.ELECTED,
    ),
    _chinese(
        "zhang_huimin",
        "张慧敏",
        "Zhang",
        "Huimin",
        "ג'אנג הוימין",
        Sex.FEMALE,
        ("Vice Mayor of Jinan", "济南市副市长", "סגנית ראש העיר ג'ינאן"),
        None,
        2,
        Category.GOVERNMENT,
        ("S0000001", dt.date(1969, 4, 12)),
    ),
    _chinese(
        "wang_zhe",
        "王喆",
        "Wang",
        "Zhe",
        "ואנג ג'ה",
        Sex.MALE,
        ("Director", "主任", "מנהל"),
        "jinan_fao",
        3,
        Category.GOVERNMENT,
        ("S0000002", dt.date(1972, 9, 3)),
    ),
    _chinese(
        "liu_xiaoyan",
        "刘晓燕",
        "Liu",
        "Xiaoyan",
        "ליו שיאויאן",
        Sex.FEMALE,
        ("Director", "局长", "מנהלת"),
        "jinan_culture",
        4,
        Category.GOVERNMENT,
        ("S0000003", dt.date(1975, 1, 28)),
    ),
    _chinese(
        "chen_jianguo",
        "陈建国",
        "Chen",
        "Jianguo",
        "צ'ן ג'יאנגואו",
        Sex.MALE,
        ("Principal", "校长", "מנהל בית הספר"),
        "yuying",
        6,
        Category.ACADEMIC,
        ("S0000004", dt.date(1966, 11, 5)),
    ),
    _chinese(
        "zhao_li",
        "赵丽",
        "Zhao",
        "Li",
        "ג'או לי",
        Sex.FEMALE,
        ("Principal", "校长", "מנהלת בית הספר"),
        "sdu_high",
        6,
        Category.ACADEMIC,
        ("S0000005", dt.date(1970, 6, 17)),
    ),
    _chinese(
        "sun_yue",
        "孙悦",
        "Sun",
        "Yue",
        "סון יואה",
        Sex.FEMALE,
        ("Interpreter (Chinese–Hebrew)", "翻译（汉语—希伯来语）", "מתורגמנית סינית–עברית"),
        "jinan_fao",
        9,
        Category.GOVERNMENT,
        ("S0000006", dt.date(1988, 3, 9)),
    ),
    _chinese(
        "zhou_qiang",
        "周强",
        "Zhou",
        "Qiang",
        "ג'ואו צ'יאנג",
        Sex.MALE,
        ("Section Chief", "科长", "ראש מדור"),
        "jinan_fao",
        8,
        Category.GOVERNMENT,
        ("S0000007", dt.date(1983, 8, 21)),
    ),
    _chinese(
        "huang_wei",
        "黄伟",
        "Huang",
        "Wei",
        "הואנג ויי",
        Sex.MALE,
        (
            "Deputy Director of the Administrative Committee",
            "管委会副主任",
            "סגן יושב ראש ועדת הניהול",
        ),
        "hightech",
        5,
        Category.GOVERNMENT,
    ),
    _chinese(
        "gao_peng",
        "高鹏",
        "Gao",
        "Peng",
        "גאו פנג",
        Sex.MALE,
        ("Vice President", "副总经理", "סגן נשיא"),
        "sinotruk",
        6,
        Category.BUSINESS,
    ),
    # Kfar Saba
    _israeli(
        "ronen_dagan",
        "Ronen",
        "Dagan",
        "罗南·达甘",
        "רונן דגן",
        Sex.MALE,
        ("Mayor of Kfar Saba", "克法尔萨巴市市长", "ראש עיריית כפר סבא"),
        "ks_municipality",
        1,
        Category.ELECTED,
        ("S0000008", dt.date(1964, 2, 14)),
    ),
    _israeli(
        "michal_avrahami",
        "Michal",
        "Avrahami",
        "米哈尔·阿夫拉哈米",
        "מיכל אברהמי",
        Sex.FEMALE,
        ("Deputy Mayor", "副市长", "סגנית ראש העירייה"),
        "ks_municipality",
        2,
        Category.ELECTED,
        ("S0000009", dt.date(1973, 10, 30)),
    ),
    _israeli(
        "oren_katz",
        "Oren",
        "Katz",
        "奥伦·卡茨",
        "אורן כץ",
        Sex.MALE,
        ("Director of Economic Development", "经济发展部门主任", "מנהל היחידה לפיתוח כלכלי"),
        "ks_municipality",
        4,
        Category.GOVERNMENT,
        ("S0000010", dt.date(1978, 5, 6)),
    ),
    _israeli(
        "tamar_levin",
        "Tamar",
        "Levin",
        "塔玛·莱文",
        "תמר לוין",
        Sex.FEMALE,
        ("Director", "主任", "מנהלת האגף"),
        "ks_education",
        4,
        Category.GOVERNMENT,
        ("S0000011", dt.date(1971, 12, 2)),
    ),
    _israeli(
        "shira_hadad",
        "Shira",
        "Hadad",
        "希拉·哈达德",
        "שירה חדד",
        Sex.FEMALE,
        ("Interpreter (Hebrew–Chinese)", "翻译（希伯来语—汉语）", "מתורגמנית עברית–סינית"),
        None,
        9,
        Category.OTHER,
        ("S0000012", dt.date(1985, 7, 19)),
    ),
    _israeli(
        "yonatan_azoulay",
        "Yonatan",
        "Azoulay",
        "约纳坦·阿祖莱",
        "יונתן אזולאי",
        Sex.MALE,
        ("Foreign Relations Coordinator", "对外关系协调员", "רכז קשרי חוץ"),
        "ks_municipality",
        8,
        Category.GOVERNMENT,
        ("S0000013", dt.date(1990, 1, 24)),
    ),
    _israeli(
        "dana_shapira",
        "Dana",
        "Shapira",
        "达娜·夏皮拉",
        "דנה שפירא",
        Sex.FEMALE,
        ("Director", "主任", "מנהלת האגף"),
        "ks_culture",
        4,
        Category.GOVERNMENT,
    ),
    _israeli(
        "noa_peretz",
        "Noa",
        "Peretz",
        "诺阿·佩雷茨",
        "נועה פרץ",
        Sex.FEMALE,
        ("Conductor", "指挥", "מנצחת"),
        "ks_choir",
        6,
        Category.CULTURE,
    ),
)

PEOPLE_BY_KEY = {person.key: person for person in PEOPLE}


@dataclass(frozen=True, slots=True)
class SampleItem:
    """One item of a sample programme; `day` counts from the programme's first day."""

    day: int
    starts: str
    ends: str
    activity: Texts
    place: Texts
    host: str | None
    interpreter: str | None
    dress: DressCode
    guests: tuple[str, ...] = ()  # a reception's: the guests it receives
    hosts: tuple[str, ...] = ()  # and the hosts at the table


@dataclass(frozen=True, slots=True)
class SampleVisit:
    """One of the generated Kfar Saba delegations (`index` in the order they are made),
    told in full. Its start date stays the generator's; the end is where the programme
    ends."""

    index: int
    end: dt.date
    first_day: dt.date
    members: tuple[tuple[str, MemberRole], ...]
    programme: tuple[SampleItem, ...]

    @property
    def head(self) -> SamplePerson:
        return next(PEOPLE_BY_KEY[key] for key, role in self.members if role is MemberRole.HEAD)


_KS_CITY_HALL: Texts = ("Kfar Saba City Hall", "克法尔萨巴市政厅", "בניין עיריית כפר סבא")
_LONGAO: Texts = (
    "Longao Building, Jinan Municipal People's Government",
    "济南市人民政府龙奥大厦",
    "בניין לונגאאו, ממשלת העירייה של ג'ינאן",
)

# Jinan to Kfar Saba, June 2017: the Vice Mayor with the heads of the foreign affairs
# office, the culture bureau and the two schools of the arts festival.
OUTGOING = SampleVisit(
    index=18,
    end=dt.date(2017, 6, 20),
    first_day=dt.date(2017, 6, 18),
    members=(
        ("zhang_huimin", MemberRole.HEAD),
        ("wang_zhe", MemberRole.DEPUTY_HEAD),
        ("liu_xiaoyan", MemberRole.MEMBER),
        ("chen_jianguo", MemberRole.MEMBER),
        ("zhao_li", MemberRole.MEMBER),
        ("sun_yue", MemberRole.INTERPRETER),
        ("zhou_qiang", MemberRole.STAFF),
    ),
    programme=(
        SampleItem(
            0,
            "09:30",
            "10:30",
            (
                "Courtesy call on the Mayor of Kfar Saba",
                "拜会克法尔萨巴市市长",
                "ביקור נימוסין אצל ראש עיריית כפר סבא",
            ),
            _KS_CITY_HALL,
            "ronen_dagan",
            "sun_yue",
            DressCode.BUSINESS,
        ),
        SampleItem(
            0,
            "10:45",
            "12:30",
            (
                "Meeting with the Culture and Education Divisions: school and cultural exchanges",
                "与克法尔萨巴市文化、教育部门座谈校际和文化交流",
                "פגישה עם אגפי התרבות והחינוך: חילופי בתי ספר ותרבות",
            ),
            _KS_CITY_HALL,
            "dana_shapira",
            "sun_yue",
            DressCode.BUSINESS,
        ),
        SampleItem(
            0,
            "14:30",
            "16:00",
            (
                "Visit to a secondary school of Kfar Saba",
                "参观克法尔萨巴市一所中学",
                "ביקור בבית ספר תיכון בכפר סבא",
            ),
            (
                "Municipal secondary school, Kfar Saba",
                "克法尔萨巴市立中学",
                "בית ספר תיכון עירוני, כפר סבא",
            ),
            "tamar_levin",
            "shira_hadad",
            DressCode.SMART_CASUAL,
        ),
        SampleItem(
            0,
            "19:00",
            "21:00",
            (
                "Welcome dinner given by the Mayor of Kfar Saba",
                "克法尔萨巴市市长欢迎晚宴",
                "ארוחת ערב לכבוד המשלחת בהזמנת ראש עיריית כפר סבא",
            ),
            (
                "Kfar Saba City Hall, reception hall",
                "克法尔萨巴市政厅宴会厅",
                "אולם הקבלות, בניין עיריית כפר סבא",
            ),
            "ronen_dagan",
            "shira_hadad",
            DressCode.FORMAL,
            guests=(
                "zhang_huimin",
                "wang_zhe",
                "liu_xiaoyan",
                "chen_jianguo",
                "zhao_li",
                "sun_yue",
            ),
            hosts=(
                "ronen_dagan",
                "michal_avrahami",
                "dana_shapira",
                "tamar_levin",
                "noa_peretz",
                "yael_levi",
                "shira_hadad",
            ),
        ),
        SampleItem(
            1,
            "10:00",
            "11:30",
            (
                "Meeting with the Kfar Saba choir: the choral festival in Jinan",
                "与克法尔萨巴合唱团交流，商谈参加济南国际合唱节事宜",
                "מפגש עם מקהלת כפר סבא לקראת פסטיבל המקהלות בג'ינאן",
            ),
            (
                "Kfar Saba choir, rehearsal hall",
                "克法尔萨巴合唱团排练厅",
                "אולם החזרות של מקהלת כפר סבא",
            ),
            "noa_peretz",
            "sun_yue",
            DressCode.SMART_CASUAL,
        ),
        SampleItem(
            1,
            "12:00",
            "13:30",
            (
                "Lunch with the Kfar Saba–Jinan friendship society",
                "与克法尔萨巴—济南友好协会共进午餐",
                "ארוחת צהריים עם אגודת הידידות כפר סבא–ג'ינאן",
            ),
            ("Kfar Saba", "克法尔萨巴", "כפר סבא"),
            "yael_levi",
            "shira_hadad",
            DressCode.SMART_CASUAL,
        ),
        SampleItem(
            1,
            "15:00",
            "16:30",
            (
                "Working talks with the Deputy Mayor: the 10th anniversary in 2019",
                "与副市长工作会谈：筹备2019年结好十周年",
                "שיחות עבודה עם סגנית ראש העירייה: עשור לקשר בשנת 2019",
            ),
            _KS_CITY_HALL,
            "michal_avrahami",
            "sun_yue",
            DressCode.BUSINESS,
        ),
    ),
)

# Kfar Saba to Jinan, June 2018: the Mayor, for trade and investment, with the visits to
# the high-tech zone and Sinotruk that the seed says Kfar Saba supported in Israel.
INCOMING = SampleVisit(
    index=21,
    end=dt.date(2018, 6, 13),
    first_day=dt.date(2018, 6, 11),
    members=(
        ("ronen_dagan", MemberRole.HEAD),
        ("michal_avrahami", MemberRole.DEPUTY_HEAD),
        ("oren_katz", MemberRole.MEMBER),
        ("tamar_levin", MemberRole.MEMBER),
        ("shira_hadad", MemberRole.INTERPRETER),
        ("yonatan_azoulay", MemberRole.STAFF),
    ),
    programme=(
        SampleItem(
            0,
            "09:30",
            "10:30",
            ("Meeting with the Mayor of Jinan", "济南市市长会见代表团", "פגישה עם ראש העיר ג'ינאן"),
            _LONGAO,
            "li_minghua",
            "sun_yue",
            DressCode.BUSINESS,
        ),
        SampleItem(
            0,
            "10:45",
            "12:00",
            (
                "Working talks on the 10th anniversary of the sister-city relationship",
                "关于结好十周年纪念活动的工作会谈",
                "שיחות עבודה לקראת עשור לקשרי הערים התאומות",
            ),
            (
                "Jinan Foreign Affairs Office, meeting room",
                "济南市外办会议室",
                "חדר הישיבות של המחלקה לקשרי חוץ",
            ),
            "wang_zhe",
            "sun_yue",
            DressCode.BUSINESS,
        ),
        SampleItem(
            0,
            "14:30",
            "16:30",
            (
                "Visit to the Jinan High-tech Zone",
                "参观济南高新技术产业开发区",
                "ביקור באזור ההייטק של ג'ינאן",
            ),
            (
                "Jinan High-tech Zone, exhibition centre",
                "济南高新区展示中心",
                "מרכז התצוגה של אזור ההייטק",
            ),
            "huang_wei",
            "sun_yue",
            DressCode.BUSINESS,
        ),
        SampleItem(
            0,
            "18:30",
            "20:30",
            (
                "Welcome banquet given by the Mayor of Jinan",
                "济南市市长欢迎宴会",
                "ארוחת ערב לכבוד המשלחת בהזמנת ראש העיר ג'ינאן",
            ),
            ("Shandong Hotel", "山东大厦", "מלון שאנדונג"),
            "li_minghua",
            "sun_yue",
            DressCode.FORMAL,
            guests=("ronen_dagan", "michal_avrahami", "oren_katz", "tamar_levin", "shira_hadad"),
            hosts=("li_minghua", "wang_zhe", "huang_wei", "gao_peng", "sun_yue"),
        ),
        SampleItem(
            1,
            "09:00",
            "11:00",
            (
                "Visit to Sinotruk (China National Heavy Duty Truck Group)",
                "参观中国重型汽车集团",
                "ביקור בסינוטרוק (קבוצת המשאיות הכבדות הלאומית של סין)",
            ),
            ("Sinotruk headquarters", "中国重汽集团总部", "מטה סינוטרוק"),
            "gao_peng",
            "sun_yue",
            DressCode.BUSINESS,
        ),
        SampleItem(
            1,
            "11:30",
            "12:30",
            (
                "Visit to Jinan Yuying Middle School",
                "参观济南育英中学",
                "ביקור בחטיבת הביניים יואינג ג'ינאן",
            ),
            ("Jinan Yuying Middle School", "济南育英中学", "חטיבת הביניים יואינג ג'ינאן"),
            "chen_jianguo",
            "sun_yue",
            DressCode.SMART_CASUAL,
        ),
        SampleItem(
            1,
            "14:30",
            "16:00",
            ("Walk in Baotu Spring Park", "游览趵突泉公园", "סיור בפארק מעיין באוטו"),
            ("Baotu Spring Park", "趵突泉公园", "פארק מעיין באוטו"),
            "zhou_qiang",
            "sun_yue",
            DressCode.CASUAL,
        ),
    ),
)

VISITS = (OUTGOING, INCOMING)
VISIT_OF_INDEX = {visit.index: visit for visit in VISITS}

# The international choral festival in Jinan: the Kfar Saba choir's guest list.
CHORAL_FESTIVAL_HOSTS = ("liu_xiaoyan", "wang_zhe")
CHORAL_FESTIVAL_GUESTS = ("noa_peretz", "dana_shapira", "yael_levi")


def _person(sample: SamplePerson, city: dict[str, int], org: dict[str, int]) -> Person:
    en, zh, he = sample.names
    passport = sample.passport
    return Person(
        name=en,
        name_zh=zh,
        name_he=he,
        family_name=sample.family,
        given_name=sample.given,
        name_order=sample.order,
        honorific_en=sample.honorific[0],
        honorific_zh=sample.honorific[1],
        honorific_he=sample.honorific[2],
        title=sample.title[0],
        title_zh=sample.title[1],
        title_he=sample.title[2],
        organization_id=org[sample.organization] if sample.organization else None,
        city_id=city[sample.city],
        email=sample.email,
        rank=sample.rank,
        category=sample.category,
        # Sex as in the passport: recorded with the rest of the passport data only.
        passport_number=passport.number if passport else "",
        nationality=passport.nationality if passport else "",
        date_of_birth=passport.born if passport else None,
        sex=sample.sex if passport else None,
        is_sample=True,
    )


def add_people(
    database: Database,
    *,
    city: dict[str, int],
    org: dict[str, int],
    delegations: dict[int, int],
    choral_festival: int,
    ambassador: int,
) -> dict[str, int]:
    """Store the sample people, the two visits' members and programmes, and the guest
    lists; `delegations` are the ids of the visits' delegations by generator index, and
    `ambassador` the friendship society's chair, already stored. Returns the people's
    ids by key."""
    with database.unit_of_work() as session:
        stored = records.create_many_in(session, [_person(p, city, org) for p in PEOPLE])
        people = {
            sample.key: person.id
            for sample, person in zip(PEOPLE, stored, strict=True)
            if person.id is not None
        }
        people["yael_levi"] = ambassador
        members = [
            DelegationMember(
                delegation_id=delegations[visit.index],
                person_id=people[key],
                role=role,
                # All arrive the day before the programme starts and leave on its last day.
                arrival=visit.first_day - dt.timedelta(days=1),
                departure=visit.end,
                is_sample=True,
            )
            for visit in VISITS
            for key, role in visit.members
        ]
        records.create_many_in(session, members)
        planned = [(visit, item) for visit in VISITS for item in visit.programme]
        items = records.create_many_in(
            session,
            [
                ProgrammeItem(
                    delegation_id=delegations[visit.index],
                    day=visit.first_day + dt.timedelta(days=item.day),
                    starts_at=item.starts,
                    ends_at=item.ends,
                    activity_en=item.activity[0],
                    activity_zh=item.activity[1],
                    activity_he=item.activity[2],
                    place_en=item.place[0],
                    place_zh=item.place[1],
                    place_he=item.place[2],
                    host_person_id=people[item.host] if item.host else None,
                    interpreter_person_id=people[item.interpreter] if item.interpreter else None,
                    dress_code=item.dress,
                    is_reception=bool(item.guests),
                    is_sample=True,
                )
                for visit, item in planned
            ],
        )
        guests = [
            Guest(
                programme_item_id=stored_item.id, person_id=people[key], side=side, is_sample=True
            )
            for (_visit, item), stored_item in zip(planned, items, strict=True)
            for keys, side in ((item.guests, GuestSide.GUEST), (item.hosts, GuestSide.HOST))
            for key in keys
        ]
        guests += [
            Guest(event_id=choral_festival, person_id=people[key], side=side, is_sample=True)
            for keys, side in (
                (CHORAL_FESTIVAL_GUESTS, GuestSide.GUEST),
                (CHORAL_FESTIVAL_HOSTS, GuestSide.HOST),
            )
            for key in keys
        ]
        records.create_many_in(session, guests)
        # The incoming visit was invited by letter: its entry in the register.
        records.create_many_in(
            session,
            [
                Letter(
                    number="JNWB-2018-007",
                    letter=LetterKind.INVITATION,
                    languages="zh+he",
                    delegation_id=delegations[INCOMING.index],
                    issued_on=dt.date(2018, 4, 20),
                    issued_by="Foreign Affairs Office",
                    subject="Invitation to visit Jinan",
                    is_sample=True,
                )
            ],
        )
    return people
