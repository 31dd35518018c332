"""Cell values as offices write them: dates, numbers, flags, choices, countries and names
in Chinese, English and Hebrew, read into the program's values or refused with a message
that names the value.

Speed (not a timed test, as machines differ): 10,000 calls of read_date and read_country
over a column's usual few hundred distinct values took 17 ms on a 2024 laptop, the cached
readings answering in about a microsecond; 10,000 distinct ISO dates, none cached, 110 ms.
The first read_country builds its table from CLDR (0.15 s), the first read_choice loads the
three catalogs (0.2 s), once per run.
"""

from __future__ import annotations

import datetime as dt

import pytest

from exchange_desk.domain.dates import PartialDate
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
from exchange_desk.i18n.catalog import set_language, translator
from exchange_desk.services import cell_values
from exchange_desk.services.cell_values import (
    CellProblem,
    read_choice,
    read_choices,
    read_country,
    read_date,
    read_decimal,
    read_flag,
    read_integer,
    read_text,
    script_of,
    split_names,
)

ALL_ENUMS: tuple[type[Labelled], ...] = (
    PartnershipTier,
    PartnershipStatus,
    CooperationArea,
    OrganizationKind,
    Direction,
    DelegationStatus,
    EventKind,
    ParticipantRole,
    RecipientKind,
)

# --------------------------------------------------------------------------------------
# Text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("  Kfar   Saba ", "Kfar Saba"),
        ("Kfar\tSaba", "Kfar Saba"),
        ("Kfar\u00a0Saba", "Kfar Saba"),
        ("济南\u3000市", "济南 市"),
        ("\u200fכפר סבא\u200e", "כפר סבא"),
        ("line one\nline two", "line one line two"),
        (1983.0, "1983"),
        (1983, "1983"),
        (34.23, "34.23"),
        (True, "TRUE"),
        (dt.datetime(2004, 9, 3), "2004-09-03"),
        (dt.date(2004, 9, 3), "2004-09-03"),
    ],
)
def test_read_text(value: object, expected: str) -> None:
    assert read_text(value) == expected


def test_read_text_multiline_keeps_line_breaks() -> None:
    value = "\n  First  line \r\nsecond\u3000line\n\n\n\nthird\n\n"
    assert read_text(value, multiline=True) == "First line\nsecond line\n\nthird"


# --------------------------------------------------------------------------------------
# Dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1983", "1983"),
        ("2002年", "2002"),
        ("2004年9月", "2004-09"),
        ("2004年9月3日", "2004-09-03"),
        ("2004 年 9 月 3 日", "2004-09-03"),
        ("２００４年９月３日", "2004-09-03"),
        ("2004年09月03日", "2004-09-03"),
        ("2004年9月3号", "2004-09-03"),
        ("二〇〇四年", "2004"),
        ("二〇〇四年九月三十日", "2004-09-30"),
        ("二零零四年十二月", "2004-12"),
        ("2004/9/3", "2004-09-03"),
        ("2004-09-03", "2004-09-03"),
        ("2004-9-3", "2004-09-03"),
        ("2004-09", "2004-09"),
        ("2004.9", "2004-09"),
        ("3.9.2004", "2004-09-03"),
        ("03.09.2004", "2004-09-03"),
        ("9.2004", "2004-09"),
        ("3/9/2004", "2004-09-03"),
        ("20040903", "2004-09-03"),
        ("2004-09-03 00:00:00", "2004-09-03"),
        ("2004-09-03T14:30", "2004-09-03"),
        ("Sept 2004", "2004-09"),
        ("Sep. 2004", "2004-09"),
        ("September 2004", "2004-09"),
        ("September 3, 2004", "2004-09-03"),
        ("3 September 2004", "2004-09-03"),
        ("3rd of September 2004", "2004-09-03"),
        ("3-Sep-2004", "2004-09-03"),
        ("ספטמבר 2004", "2004-09"),
        ("3 בספטמבר 2004", "2004-09-03"),
        ("  2009 ", "2009"),
    ],
)
def test_read_date_from_text(value: str, expected: str) -> None:
    result = read_date(value)
    assert result is not None
    assert result.isoformat() == expected


def test_read_date_keeps_precision() -> None:
    assert read_date("2004年9月") == PartialDate(2004, 9)
    assert read_date("2002年") == PartialDate(2002)


def test_slashed_date_follows_day_first_but_dotted_is_always_day_first() -> None:
    assert read_date("3/9/2004", day_first=True) == PartialDate(2004, 9, 3)
    assert read_date("3/9/2004", day_first=False) == PartialDate(2004, 3, 9)
    assert read_date("3.9.2004", day_first=False) == PartialDate(2004, 9, 3)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2004, 9, 3), PartialDate(2004, 9, 3)),
        (dt.datetime(2004, 9, 3, 17, 45), PartialDate(2004, 9, 3)),
        (1983, PartialDate(1983)),
        (1983.0, PartialDate(1983)),
        (38233, PartialDate(2004, 9, 3)),
        (38233.75, PartialDate(2004, 9, 3)),  # the fraction is the time of day
        (43420, PartialDate(2018, 11, 16)),
        (1, PartialDate(1900, 1, 1)),
        (59, PartialDate(1900, 2, 28)),
        (61, PartialDate(1900, 3, 1)),
    ],
)
def test_read_date_from_excel_values(value: object, expected: PartialDate) -> None:
    assert read_date(value) == expected


@pytest.mark.parametrize("value", [None, "", "   ", "-", "—", "?", "n/a", "不详", "未知"])
def test_empty_date_is_none(value: object) -> None:
    assert read_date(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "2018-13-45",
        "yesterday",
        "2004年13月",
        "2023-02-29",
        "9/13/2004",  # day first: there is no 13th month
        "Smarch 2004",
        "2004-2005",
        60,  # Excel's 29 February 1900
        1999.5,
        0,
        -5,
        True,
        dt.time(10, 30),
    ],
)
def test_read_date_refuses(value: object) -> None:
    with pytest.raises(CellProblem):
        read_date(value)


def test_date_message_names_the_value_and_the_forms() -> None:
    with pytest.raises(CellProblem) as caught:
        read_date("2018-13-45")
    assert caught.value.message == (
        "“2018-13-45” is not a date: use 2018-05-12, 2018年5月12日, 12.5.2018 or 2018."
    )
    assert str(caught.value) == caught.value.message
    assert caught.value.value == "2018-13-45"
    assert isinstance(caught.value, ValueError)


def test_two_digit_year_is_not_guessed() -> None:
    with pytest.raises(CellProblem, match="two-digit year") as caught:
        read_date("3/9/04")
    assert "“3/9/04”" in caught.value.message


# --------------------------------------------------------------------------------------
# Numbers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (800, 800),
        (800.0, 800),
        ("800", 800),
        ("８００", 800),
        ("1,200", 1200),
        ("1 200", 1200),
        ("1\u00a0200", 1200),
        ("1,234,567", 1234567),
        ("约800", 800),
        ("大约800", 800),
        ("近800人", 800),
        ("about 800", 800),
        ("About 800", 800),
        ("c. 800", 800),
        ("ca. 800", 800),
        ("approx. 800", 800),
        ("~800", 800),
        ("～800", 800),
        ("800人", 800),
        ("800多人", 800),
        ("800余人", 800),
        ("约800人次", 800),
        ("800 people", 800),
        ("800+", 800),
        ("800.0", 800),
        ("כ-800", 800),
        ("800 איש", 800),
        ("0", 0),
    ],
)
def test_read_integer(value: object, expected: int) -> None:
    assert read_integer(value) == expected


@pytest.mark.parametrize("value", [None, "", "  ", "-", "不详"])
def test_empty_integer_is_none(value: object) -> None:
    assert read_integer(value) is None


@pytest.mark.parametrize(
    "value", [800.5, "800.5", "many", "800-900", "800?", "1.200", "1,20", True, "八百"]
)
def test_read_integer_refuses(value: object) -> None:
    with pytest.raises(CellProblem, match="is not a whole number"):
        read_integer(value)


def test_integer_message_names_the_value() -> None:
    with pytest.raises(CellProblem) as caught:
        read_integer("many")
    assert caught.value.message == "“many” is not a whole number: write it in digits, as in 800."


def test_integer_limits() -> None:
    assert read_integer("20", minimum=1, maximum=1000) == 20
    with pytest.raises(CellProblem) as low:
        read_integer(0, minimum=1)
    assert low.value.message == "“0” is less than 1, the smallest number allowed here."
    with pytest.raises(CellProblem) as high:
        read_integer("约5000人", maximum=1000)
    assert "“约5000人”" in high.value.message
    assert "1000" in high.value.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (34.23, 34.23),
        (34, 34.0),
        ("34.23", 34.23),
        ("34,23", 34.23),
        ("1,200", 1200.0),
        ("1,234.5", 1234.5),
        ("1.234,5", 1234.5),
        ("-0.5", -0.5),
        (".5", 0.5),
        ("约34.2", 34.2),
        ("34.23° N", 34.23),
        ("34.2 S", -34.2),
        ("117.0°E", 117.0),
        ("W 122.4", -122.4),
        ("北纬36.67", 36.67),
        ("西经74.0", -74.0),
    ],
)
def test_read_decimal(value: object, expected: float) -> None:
    assert read_decimal(value) == pytest.approx(expected)


def test_read_decimal_refuses_and_limits() -> None:
    assert read_decimal("") is None
    for value in ("abc", "1.2.3", "1,2,3"):
        with pytest.raises(CellProblem, match="is not a number"):
            read_decimal(value)
    with pytest.raises(CellProblem, match=r"“95\.5” is more than 90"):
        read_decimal("95.5", maximum=90)


# --------------------------------------------------------------------------------------
# Flags


@pytest.mark.parametrize(
    "value",
    [
        "yes", "Yes", "YES", "y", "true", "TRUE", "1", 1, 1.0, True, "x", "X", "v",
        "✓", "✔", "√", "是", "是的", "对", "有", "כן", "示例", "sample", "Sample", "דוגמה",
    ],
)  # fmt: skip
def test_flag_yes(value: object) -> None:
    assert read_flag(value) is True


@pytest.mark.parametrize(
    "value",
    [
        "no", "No", "n", "false", "FALSE", "0", 0, 0.0, False, "×", "✗", "否", "不是", "无",
        "לא", "", "  ", None, "-",
    ],
)  # fmt: skip
def test_flag_no(value: object) -> None:
    assert read_flag(value) is False


@pytest.mark.parametrize("value", ["maybe", "也许", 2, "★"])
def test_flag_refuses(value: object) -> None:
    with pytest.raises(CellProblem) as caught:
        read_flag(value)
    assert f"“{value}”" in caught.value.message


# --------------------------------------------------------------------------------------
# Choices


@pytest.mark.parametrize("enum_class", ALL_ENUMS)
def test_every_member_by_value_and_three_labels(enum_class: type[Labelled]) -> None:
    for member in enum_class:
        assert read_choice(enum_class, member.value) is member
        for code in ("en", "zh_CN", "he"):
            label = member.label_in(translator(code).gettext)
            assert read_choice(enum_class, label) is member, (code, label)
            assert read_choice(enum_class, f"  {label.upper()} ") is member


def test_labels_are_translated_so_the_test_above_covers_three_languages() -> None:
    assert PartnershipTier.SISTER_CITY.label_in(translator("zh_CN").gettext) == "友好城市"
    assert PartnershipTier.SISTER_CITY.label_in(translator("he").gettext) == "עיר תאומה"


@pytest.mark.parametrize(
    "word",
    [
        "友好城市", "姐妹城市", "友好城市关系", "国际友好城市",
        "sister city", "Sister Cities", "sister-city", "twin town", "Twin-Town", "twin city",
        "twinned city", "friendship city", "town twinning",
        "עיר תאומה", "עיר אחות", "ערים תאומות", "עיר אחות תאומה",
    ],
)  # fmt: skip
def test_sister_city_synonyms(word: str) -> None:
    assert read_choice(PartnershipTier, word) is PartnershipTier.SISTER_CITY


@pytest.mark.parametrize(
    "word",
    [
        "友好合作城市", "友好合作关系城市", "友好交流城市", "友好交往城市", "友好合作关系",
        "friendly cooperative city", "Friendly Cooperation City", "cooperative city",
        "friendship and cooperation city",
        "עיר ידידות ושיתוף פעולה", "עיר ידידות", "עיר שותפה לשיתוף פעולה",
    ],
)  # fmt: skip
def test_friendly_cooperative_city_synonyms(word: str) -> None:
    assert read_choice(PartnershipTier, word) is PartnershipTier.FRIENDLY_COOPERATIVE_CITY


@pytest.mark.parametrize("word", ["友城", "partner city", "Partner Cities", "עיר שותפה"])
def test_partner_city_is_either_tier_so_it_is_refused(word: str) -> None:
    with pytest.raises(CellProblem) as caught:
        read_choice(PartnershipTier, word)
    assert caught.value.message == (
        f"“{word}” may mean sister city or friendly cooperative city: write the one it is."
    )


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("出访", Direction.OUTGOING),
        ("出国", Direction.OUTGOING),
        ("派出", Direction.OUTGOING),
        ("outgoing", Direction.OUTGOING),
        ("Sent", Direction.OUTGOING),
        ("out", Direction.OUTGOING),
        ("visit abroad", Direction.OUTGOING),
        ("יוצאת", Direction.OUTGOING),
        ("משלחת יוצאת", Direction.OUTGOING),
        ("יציאה", Direction.OUTGOING),
        ("来访", Direction.INCOMING),
        ("来华", Direction.INCOMING),
        ("接待", Direction.INCOMING),
        ("Incoming", Direction.INCOMING),
        ("received", Direction.INCOMING),
        ("in", Direction.INCOMING),
        ("נכנסת", Direction.INCOMING),
        ("משלחת נכנסת", Direction.INCOMING),
        ("קבלה", Direction.INCOMING),
    ],
)
def test_directions(word: str, expected: Direction) -> None:
    assert read_choice(Direction, word) is expected


def test_visit_alone_has_no_direction() -> None:
    with pytest.raises(CellProblem, match="may mean outgoing or incoming"):
        read_choice(Direction, "visit")


@pytest.mark.parametrize(
    ("enum_class", "word", "expected"),
    [
        (DelegationStatus, "完成", DelegationStatus.DONE),
        (DelegationStatus, "Held", DelegationStatus.DONE),
        (DelegationStatus, "התקיימה", DelegationStatus.DONE),
        (DelegationStatus, "取消", DelegationStatus.CANCELLED),
        (DelegationStatus, "canceled", DelegationStatus.CANCELLED),
        (DelegationStatus, "בוטלה", DelegationStatus.CANCELLED),
        (DelegationStatus, "计划", DelegationStatus.PLANNED),
        (DelegationStatus, "מתוכננת", DelegationStatus.PLANNED),
        (PartnershipStatus, "inactive", PartnershipStatus.DORMANT),
        (PartnershipStatus, "已终止", PartnershipStatus.ENDED),
        (EventKind, "合唱节", EventKind.CHORAL_FESTIVAL),
        (EventKind, "choir festival", EventKind.CHORAL_FESTIVAL),
        (EventKind, "博览会", EventKind.FAIR),
        (EventKind, "Expo", EventKind.FAIR),
        (OrganizationKind, "艺术团", OrganizationKind.ART_GROUP),
        (OrganizationKind, "art troupe", OrganizationKind.ART_GROUP),
        (OrganizationKind, "高新区", OrganizationKind.DEVELOPMENT_ZONE),
        (OrganizationKind, "עמותה", OrganizationKind.ASSOCIATION),
        (CooperationArea, "经贸", CooperationArea.TRADE),
        (CooperationArea, "科学技术", CooperationArea.SCIENCE),
        (CooperationArea, "science & technology", CooperationArea.SCIENCE),
        (ParticipantRole, "承办方", ParticipantRole.ORGANIZER),
        (ParticipantRole, "主办单位", ParticipantRole.HOST),
        (RecipientKind, "person", RecipientKind.PERSON),
        (RecipientKind, "个人", RecipientKind.PERSON),
    ],
)
def test_other_vocabularies(enum_class: type[Labelled], word: str, expected: Labelled) -> None:
    assert read_choice(enum_class, word) is expected


def test_same_value_in_two_enums_gives_each_its_own_member() -> None:
    # OrganizationKind.OTHER == EventKind.OTHER as strings: the tables must not mix them.
    assert type(read_choice(OrganizationKind, "其他")) is OrganizationKind
    assert type(read_choice(EventKind, "其他")) is EventKind


def test_empty_choice_is_none() -> None:
    assert read_choice(PartnershipTier, None) is None
    assert read_choice(PartnershipTier, "") is None
    assert read_choice(PartnershipTier, " - ") is None


def test_unknown_choice_lists_the_labels() -> None:
    with pytest.raises(CellProblem) as caught:
        read_choice(DelegationStatus, "postponed")
    assert caught.value.message == (
        "“postponed” is not one of the choices here: write planned, done, or cancelled."
    )


def test_unknown_choice_lists_at_most_eight_labels() -> None:
    with pytest.raises(CellProblem) as caught:
        read_choice(CooperationArea, "weather")
    message = caught.value.message
    assert message.startswith("“weather” is not one of the choices here: write government,")
    assert "…" in message
    assert message.endswith("or youth.")
    assert "agriculture" not in message


def test_unknown_choice_lists_labels_in_the_users_language() -> None:
    set_language("zh_CN")  # the autouse fixture sets English back
    with pytest.raises(CellProblem) as caught:
        read_choice(DelegationStatus, "postponed")
    assert "计划中" in caught.value.message
    assert "已取消" in caught.value.message
    assert "“postponed”" in caught.value.message


@pytest.mark.parametrize("enum_class", ALL_ENUMS)
def test_choice_tables_have_no_word_for_two_members(enum_class: type[Labelled]) -> None:
    table, ambiguous = cell_values._choice_table(enum_class)  # raises on a clash
    assert not ambiguous & table.keys()
    synonyms = cell_values._SYNONYMS[enum_class]
    assert set(synonyms) <= {member.value for member in enum_class}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("文化、教育、经贸", ("culture", "education", "trade")),
        ("culture; education; trade", ("culture", "education", "trade")),
        ("Culture, Education", ("culture", "education")),
        ("文化，教育", ("culture", "education")),
        ("文化/教育", ("culture", "education")),
        ("culture\neducation", ("culture", "education")),
        ("culture, education and trade", ("culture", "education", "trade")),
        ("文化和教育", ("culture", "education")),
        ("science and technology", ("science",)),
        ("תרבות; חינוך", ("culture", "education")),
        ("文化、文化、教育", ("culture", "education")),
        ("", ()),
        (None, ()),
    ],
)
def test_read_choices(value: object, expected: tuple[str, ...]) -> None:
    found = read_choices(CooperationArea, value)
    assert tuple(member.value for member in found) == expected
    assert all(type(member) is CooperationArea for member in found)


def test_read_choices_names_the_bad_part() -> None:
    with pytest.raises(CellProblem) as caught:
        read_choices(CooperationArea, "文化、天气、教育")
    assert caught.value.message.startswith("“天气” is not one of the choices here")


# --------------------------------------------------------------------------------------
# Countries


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("IL", "IL"), ("il", "IL"), (" Il ", "IL"), ("DE", "DE"), ("JP", "JP"),
        ("ISR", "IL"), ("CHN", "CN"), ("USA", "US"), ("DEU", "DE"), ("JPN", "JP"),
        ("KOR", "KR"), ("GBR", "GB"), ("FRA", "FR"), ("RUS", "RU"), ("isr", "IL"),
    ],
)  # fmt: skip
def test_country_by_code(value: str, expected: str) -> None:
    assert read_country(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # CLDR's names in English, Chinese (simplified, traditional) and Hebrew
        ("Israel", "IL"), ("以色列", "IL"), ("ישראל", "IL"),
        ("Germany", "DE"), ("德国", "DE"), ("德國", "DE"), ("גרמניה", "DE"),
        ("Japan", "JP"), ("日本", "JP"), ("יפן", "JP"),
        ("France", "FR"), ("法国", "FR"), ("צרפת", "FR"),
        ("Brazil", "BR"), ("巴西", "BR"), ("ברזיל", "BR"),
        ("South Africa", "ZA"), ("南非", "ZA"), ("דרום אפריקה", "ZA"),
        ("New Zealand", "NZ"), ("新西兰", "NZ"),
        ("Czechia", "CZ"), ("捷克", "CZ"), ("צ׳כיה", "CZ"), ("צ'כיה", "CZ"),
        ("Côte d’Ivoire", "CI"), ("Cote d'Ivoire", "CI"), ("科特迪瓦", "CI"),
        ("Bosnia & Herzegovina", "BA"), ("Bosnia and Herzegovina", "BA"),
        ("St. Kitts & Nevis", "KN"), ("Saint Kitts and Nevis", "KN"),
        ("Myanmar (Burma)", "MM"), ("Myanmar", "MM"), ("Burma", "MM"),
        ("united states", "US"), ("UNITED KINGDOM", "GB"),
    ],
)  # fmt: skip
def test_country_by_name(value: str, expected: str) -> None:
    assert read_country(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("美国", "US"), ("美利坚合众国", "US"), ("USA", "US"), ("U.S.", "US"),
        ("U.S.A.", "US"), ("United States of America", "US"), ("America", "US"),
        ("ארה\"ב", "US"), ("ארה״ב", "US"), ("ארצות הברית", "US"),
        ("英国", "GB"), ("UK", "GB"), ("U.K.", "GB"), ("Britain", "GB"),
        ("Great Britain", "GB"), ("England", "GB"), ("בריטניה", "GB"), ("אנגליה", "GB"),
        ("韩国", "KR"), ("南韩", "KR"), ("大韩民国", "KR"), ("Republic of Korea", "KR"),
        ("Korea", "KR"), ("South Korea", "KR"), ("קוריאה הדרומית", "KR"),
        ("Korea, Republic of", "KR"),
        ("朝鲜", "KP"), ("North Korea", "KP"), ("DPRK", "KP"),
        ("Democratic People's Republic of Korea", "KP"),
        ("俄罗斯", "RU"), ("Russian Federation", "RU"), ("Russia", "RU"), ("רוסיה", "RU"),
        ("以色列", "IL"), ("מדינת ישראל", "IL"), ("State of Israel", "IL"),
        ("中国", "CN"), ("中华人民共和国", "CN"), ("PRC", "CN"),
        ("People's Republic of China", "CN"), ("China", "CN"), ("סין", "CN"),
        ("Deutschland", "DE"), ("Nippon", "JP"),
        ("荷兰", "NL"), ("Holland", "NL"), ("Netherlands", "NL"), ("The Netherlands", "NL"),
        ("Czech Republic", "CZ"),
        ("土耳其", "TR"), ("Türkiye", "TR"), ("Turkey", "TR"),
        ("越南", "VN"), ("Viet Nam", "VN"), ("Vietnam", "VN"),
        ("伊朗", "IR"), ("Iran", "IR"), ("Iran, Islamic Republic of", "IR"),
        ("老挝", "LA"), ("Lao", "LA"), ("Laos", "LA"),
        ("Hong Kong", "HK"), ("香港", "HK"), ("中国台湾", "TW"),
        ("蒙古国", "MN"), ("以色列国", "IL"),
        ("ＵＳＡ", "US"),
    ],
)  # fmt: skip
def test_country_variants(value: str, expected: str) -> None:
    assert read_country(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Israel 以色列", "IL"), ("以色列 (Israel)", "IL"), ("Germany (DE)", "DE"),
     ("Israel / ישראל / 以色列", "IL")],
)  # fmt: skip
def test_country_named_in_several_languages(value: str, expected: str) -> None:
    assert read_country(value) == expected


def test_empty_country() -> None:
    assert read_country(None) == ""
    assert read_country("  ") == ""


def test_unknown_country_message() -> None:
    with pytest.raises(CellProblem) as caught:
        read_country("Atlantis")
    assert caught.value.message == (
        "“Atlantis” is not a country we know: write its name or its two-letter ISO code "
        "(IL, DE, JP)."
    )


@pytest.mark.parametrize(
    "value",
    [
        "Congo",  # two countries (CD, CG) go by it
        "Soviet Union",
        "Republic of China",
        "Israel / Germany",
        "ZZ",
        "EU",
        42,
    ],
)
def test_countries_refused(value: object) -> None:
    with pytest.raises(CellProblem, match="is not a country we know"):
        read_country(value)


def test_every_cldr_name_in_the_three_languages_reads_back() -> None:
    from exchange_desk.domain.countries import country_codes, country_name

    ambiguous = {"CD", "CG"}  # "Congo - Kinshasa": read, but not the cut "Congo"
    for code in sorted(country_codes()):
        for locale in ("en", "zh_Hans", "zh_Hant", "he"):
            assert read_country(country_name(code, locale)) == code, (code, locale)
        assert read_country(code.lower()) == code
    assert ambiguous <= country_codes()


# --------------------------------------------------------------------------------------
# Scripts and names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("济南", "zh"),
        ("和歌山", "zh"),  # a Japanese name all in kanji cannot be told from Chinese
        ("כפר סבא", "he"),
        ("Augsburg", "en"),
        ("Saint-Étienne", "en"),
        ("Hà Nội", "en"),
        ("Москва", "local"),
        ("さいたま市", "local"),
        ("東京都 とうきょう", "local"),
        ("서울", "local"),
        ("القاهرة", "local"),
        ("Αθήνα", "local"),
        ("กรุงเทพ", "local"),
        ("", None),
        ("123 - 45", None),
        ("济南市 Jinan", "en"),  # the letters decide: split_names tells them apart
    ],
)
def test_script_of(text: str, expected: str | None) -> None:
    assert script_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Augsburg", {"en": "Augsburg"}),
        ("奥格斯堡", {"zh": "奥格斯堡"}),
        ("כפר סבא", {"he": "כפר סבא"}),
        ("奥格斯堡 Augsburg", {"zh": "奥格斯堡", "en": "Augsburg"}),
        ("Augsburg (奥格斯堡)", {"en": "Augsburg", "zh": "奥格斯堡"}),
        ("奥格斯堡（Augsburg）", {"zh": "奥格斯堡", "en": "Augsburg"}),
        (
            "Kfar Saba / כפר סבא / 克法尔萨巴",
            {"en": "Kfar Saba", "he": "כפר סבא", "zh": "克法尔萨巴"},
        ),
        ("和歌山", {"zh": "和歌山"}),
        ("さいたま市", {"local": "さいたま市"}),
        ("Москва Moscow 莫斯科", {"local": "Москва", "en": "Moscow", "zh": "莫斯科"}),
        ("서울 Seoul", {"local": "서울", "en": "Seoul"}),
        ("St. Petersburg", {"en": "St. Petersburg"}),
        ("Baden-Baden 巴登-巴登", {"en": "Baden-Baden", "zh": "巴登-巴登"}),
        ("Saint-Étienne", {"en": "Saint-Étienne"}),
        ("Washington, D.C. 华盛顿", {"en": "Washington, D.C.", "zh": "华盛顿"}),
        ("Augsburg (Bavaria) 奥格斯堡", {"en": "Augsburg (Bavaria)", "zh": "奥格斯堡"}),
        ("רעננה (Ra’anana)", {"he": "רעננה", "en": "Ra’anana"}),
        ("Ra'anana רעננה", {"en": "Ra'anana", "he": "רעננה"}),
        ("צ׳רלסטון Charleston", {"he": "צ׳רלסטון", "en": "Charleston"}),
        ("Augsburg\n奥格斯堡", {"en": "Augsburg", "zh": "奥格斯堡"}),
        ("  Kfar   Saba  ", {"en": "Kfar Saba"}),
        ("(Augsburg)", {"en": "Augsburg"}),
        ("", {}),
    ],
)
def test_split_names(text: str, expected: dict[str, str]) -> None:
    assert split_names(text) == expected


def test_split_names_joins_two_stretches_of_one_script() -> None:
    assert split_names("Kfar Saba 克法尔萨巴 Kfar-Saba") == {
        "en": "Kfar Saba / Kfar-Saba",
        "zh": "克法尔萨巴",
    }
