"""The office's letters: their placeholders, the program's own wording in Chinese, English and
Hebrew, the check of a template the office writes, and what a letter is made of for print.

A template is text with named placeholders in braces, as Python's `str.format` writes them:
`{partner_city}`, `{members}`. A brace that is to be printed is doubled: `{{` and `}}`. Three
placeholders are blocks (`{members}`, `{programme}`, `{milestones}`): standing alone in a
paragraph they print as a table; inside a sentence they print as a short list.

The wording below is the letter's, not the window's (a Hebrew-speaking clerk writes a Chinese
letter), so it is kept per language here, as the certificates keep theirs, and not in the
interface's catalogs. It is the register a foreign affairs office writes in: 邀请函 with
此致敬礼, "Yours sincerely", בכבוד רב. The Hebrew avoids verbs that would need the signer's
gender ("we" speaks for the office) and avoids a one-letter prefix before a name that may be
printed in Latin letters ("בעיר {home_city}", not "ב{home_city}").
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from exchange_desk.domain.enums import LetterKind, PartnershipTier, Sex
from exchange_desk.domain.errors import FieldProblem
from exchange_desk.domain.messages import N_, Message, _

LANGUAGES = ("zh", "en", "he")


@dataclass(frozen=True, slots=True)
class Placeholder:
    """A name a template may use, what it stands for (a msgid, translated where shown), and
    whether it is a block (a table when it stands alone in a paragraph)."""

    name: str
    description: str
    block: bool = False


_COMMON = (
    Placeholder("today", N_("The letter's date")),
    Placeholder("office", N_("The office's name")),
    Placeholder("home_city", N_("Our city's name")),
    Placeholder("home_city_formal", N_("Our city's formal name, as a body (济南市人民政府)")),
    Placeholder("home_country", N_("Our country")),
    Placeholder("partner_city", N_("The partner city's name")),
    Placeholder(
        "partner_city_formal",
        N_("The partner city's formal name, as a body (the City of Kfar Saba)"),
    ),
    Placeholder("partner_country", N_("The partner city's country")),
    Placeholder("signatory", N_("Who signs the letter")),
    Placeholder("signatory_title", N_("The signer's position")),
    Placeholder("contact", N_("The office's telephone and e-mail")),
)

_DELEGATION = (
    Placeholder(
        "delegation", N_("The delegation, as a letter names it (the delegation of the City of …)")
    ),
    Placeholder("head", N_("The head of the delegation")),
    Placeholder("head_addressed", N_("The head of the delegation with honorific (Mr …)")),
    Placeholder("head_title", N_("The head of the delegation's position")),
    Placeholder("member_count", N_("How many members the delegation has")),
    Placeholder(
        "members",
        N_("The members: a table when alone in a paragraph (names and positions)"),
        block=True,
    ),
    Placeholder("purpose", N_("The purpose of the visit")),
    Placeholder("arrival", N_("The first day of the visit")),
    Placeholder("departure", N_("The last day of the visit")),
    Placeholder("destination", N_("The city visited")),
    Placeholder(
        "host_city_formal",
        N_("The host city's formal name: ours for a delegation we receive, the partner's else"),
    ),
    Placeholder("places", N_("The city visited and the places of the programme")),
    Placeholder(
        "programme",
        N_("The programme, day by day: a table when alone in a paragraph"),
        block=True,
    ),
    Placeholder(
        "costs",
        N_(
            "Who pays for travel, lodging and board: the program's sentence; write your own "
            "sentence in its place to change it"
        ),
    ),
)

_VISA = (
    Placeholder(
        "consulate",
        N_("The embassy or consulate that issues the visas (of the country visited)"),
    ),
)

_CONGRATULATION = (
    Placeholder("partner_mayor", N_("The partner city's mayor")),
    Placeholder("partner_mayor_addressed", N_("The partner city's mayor with honorific (Mr …)")),
    Placeholder("partner_mayor_title", N_("The partner city's mayor's position")),
    Placeholder("relationship", N_("The relationship (sister-city relationship …)")),
    Placeholder("established", N_("The year the partnership began")),
    Placeholder("years", N_("How many years the partnership is this year")),
    Placeholder("ordinal", N_("The anniversary as an ordinal number (10th)")),
    Placeholder(
        "milestones",
        N_("The partnership's milestones: a list when alone in a paragraph"),
        block=True,
    ),
)

PLACEHOLDERS: dict[LetterKind, tuple[Placeholder, ...]] = {
    LetterKind.INVITATION: _COMMON + _DELEGATION,
    LetterKind.VISA: _COMMON + _DELEGATION + _VISA,
    LetterKind.CONGRATULATION: _COMMON + _CONGRATULATION,
}

BLOCKS = frozenset(p.name for group in PLACEHOLDERS.values() for p in group if p.block)


def placeholder_names(letter: LetterKind) -> tuple[str, ...]:
    return tuple(p.name for p in PLACEHOLDERS[LetterKind(letter)])


# --- the program's wording ----------------------------------------------------------------

# Chinese paragraphs begin with two ideographic spaces (首行缩进两字), as offices type them in
# Word; the salutation and 敬礼 stand at the margin. The PDF keeps such an indent.
_INDENT = "\u3000\u3000"

_DEFAULTS: dict[tuple[LetterKind, str], tuple[str, str]] = {
    (LetterKind.INVITATION, "zh"): (
        "邀请函",
        f"""尊敬的{{head_addressed}}：

{_INDENT}谨代表{{home_city_formal}}，诚挚邀请您率{{delegation}}一行{{member_count}}人于\
{{arrival}}至{{departure}}访问{{destination}}。

{_INDENT}访问事由：{{purpose}}

{_INDENT}代表团成员名单如下：

{{members}}

{_INDENT}访问日程安排如下：

{{programme}}

{_INDENT}{{costs}}

{_INDENT}我们热忱期待您和代表团成员的到来，相信此访必将进一步增进两市人民的友谊，推动双方\
在各领域的交流与合作。如有任何问题，请与我办联系（{{contact}}）。

{_INDENT}此致
敬礼！""",
    ),
    (LetterKind.INVITATION, "en"): (
        "Invitation to visit {destination}",
        """Dear {head_addressed},

On behalf of {home_city_formal}, I have the honour to invite you to lead {delegation} on an \
official visit to {destination} from {arrival} to {departure}.

Purpose of the visit: {purpose}

The delegation will comprise the following {member_count} members:

{members}

The proposed programme of the visit is as follows:

{programme}

{costs}

We look forward to welcoming you and your colleagues to {destination}, and are confident that \
the visit will further strengthen the friendship and cooperation between our two cities. \
Should you have any questions about the visit, please do not hesitate to contact our office \
({contact}).

Yours sincerely,""",
    ),
    (LetterKind.INVITATION, "he"): (
        "הזמנה לביקור רשמי בעיר {destination}",
        """שלום רב,

בשם {home_city_formal}, אנו מתכבדים להזמינך לעמוד בראש {delegation} בביקור רשמי בעיר \
{destination}, מיום {arrival} ועד יום {departure}.

מטרת הביקור: {purpose}

המשלחת תמנה {member_count} חברים, כמפורט להלן:

{members}

תוכנית הביקור המוצעת:

{programme}

{costs}

נשמח לקבל את פניך ואת פני חברי המשלחת בעיר {destination}, ואנו בטוחים כי הביקור יעמיק את \
הידידות ואת שיתוף הפעולה בין שתי ערינו. לכל שאלה בנוגע לביקור ניתן לפנות אל משרדנו \
({contact}).

בכבוד רב,""",
    ),
    (LetterKind.VISA, "zh"): (
        "邀请函",
        f"""{{consulate}}：

{_INDENT}应{{host_city_formal}}邀请，{{delegation}}一行{{member_count}}人拟于{{arrival}}至\
{{departure}}赴{{destination}}进行友好访问。请贵馆为代表团成员办理签证手续为盼。

{_INDENT}代表团成员名单：

{{members}}

{_INDENT}访问事由：{{purpose}}
{_INDENT}抵离日期：{{arrival}}至{{departure}}
{_INDENT}访问地点：{{places}}
{_INDENT}费用说明：{{costs}}

{_INDENT}日程安排：

{{programme}}

{_INDENT}我办对上述邀请负责。如需核实，请与我办联系（{{contact}}）。

{_INDENT}此致
敬礼！""",
    ),
    (LetterKind.VISA, "en"): (
        "Invitation letter for visa applications: {delegation}",
        """Dear Sir or Madam,

At the invitation of {host_city_formal}, {delegation}, {member_count} persons in all, will \
make an official visit to {destination} from {arrival} to {departure}. We should be grateful if \
entry visas could be issued to the members of the delegation listed below.

Members of the delegation:

{members}

Purpose of the visit: {purpose}
Dates of entry and exit: {arrival} to {departure}
Places to be visited: {places}
Expenses: {costs}

Itinerary:

{programme}

Our office takes full responsibility for this invitation. To verify it, please contact us \
({contact}).

Yours faithfully,""",
    ),
    (LetterKind.VISA, "he"): (
        "מכתב הזמנה לצורך הנפקת אשרות: {delegation}",
        """א.ג.נ.,

{delegation} ({member_count} חברים) הוזמנה על ידי {host_city_formal} לביקור רשמי בעיר \
{destination}, מיום {arrival} ועד יום {departure}. נודה לכם על הנפקת אשרות כניסה לחברי המשלחת \
המפורטים להלן.

חברי המשלחת:

{members}

מטרת הביקור: {purpose}
מועדי הכניסה והיציאה: {arrival} – {departure}
המקומות שיבוקרו: {places}
הוצאות: {costs}

מסלול הביקור:

{programme}

משרדנו נושא באחריות מלאה להזמנה זו. לאימות פרטיה ניתן לפנות אלינו ({contact}).

בכבוד רב,""",
    ),
    (LetterKind.CONGRATULATION, "zh"): (
        "贺信",
        f"""尊敬的{{partner_mayor_addressed}}：

{_INDENT}值此{{home_city}}与{{partner_city}}建立{{relationship}}{{years}}周年之际，我谨代表\
{{home_city_formal}}和{{home_city}}人民，向您并通过您向{{partner_city}}人民致以热烈的祝贺和\
诚挚的问候！

{_INDENT}自{{established}}年两市建立{{relationship}}以来，双方在各领域的交流与合作不断深化，\
友谊日益加深。其间的重要时刻包括：

{{milestones}}

{_INDENT}{{years}}年来，两市人民的友谊与日俱增，为今后的合作奠定了坚实基础。我相信，在双方的\
共同努力下，两市的友好合作必将取得更加丰硕的成果。

{_INDENT}衷心祝愿{{partner_city}}繁荣昌盛，人民幸福安康！

{_INDENT}此致
敬礼！""",
    ),
    (LetterKind.CONGRATULATION, "en"): (
        "Congratulations on the {ordinal} anniversary of our {relationship}",
        """Dear {partner_mayor_addressed},

On behalf of {home_city_formal} and the people of {home_city}, I extend my warmest \
congratulations to you and, through you, to the people of {partner_city} on the {ordinal} \
anniversary of the {relationship} between our two cities.

Since {home_city} and {partner_city} established their {relationship} in {established}, our \
cities have built a friendship rich in exchanges and achievements. Among its milestones:

{milestones}

These {years} years have brought our peoples closer together and laid a solid foundation for \
the years ahead. I am confident that, building on this friendship, our cooperation will \
continue to grow in every field, to the benefit of both our cities.

I wish you and the people of {partner_city} peace, health and prosperity.

Yours sincerely,""",
    ),
    (LetterKind.CONGRATULATION, "he"): (
        "ברכה לרגל {years} שנים ל{relationship} בין העיר {home_city} לבין העיר {partner_city}",
        """שלום רב,

בשם {home_city_formal} ותושבי העיר {home_city}, ברצוני להעביר לך, ובאמצעותך לתושבי העיר \
{partner_city}, את ברכותינו החמות לרגל מלאת {years} שנים ל{relationship} בין שתי ערינו.

מאז כוננו {relationship} בין ערינו בשנת {established}, ידעה הידידות בינינו חילופי משלחות, \
שיתופי פעולה והישגים רבים. בין אבני הדרך:

{milestones}

{years} השנים שחלפו קירבו בין תושבי שתי הערים והניחו יסוד איתן לשנים הבאות. אנו בטוחים כי על \
בסיס ידידות זו ימשיכו שיתופי הפעולה בינינו להתרחב בכל התחומים, לטובת שתי ערינו.

איחוליי לך ולתושבי העיר {partner_city} לשלום, לבריאות ולשגשוג.

בכבוד רב,""",
    ),
}


def default_wording(letter: LetterKind, language: str) -> tuple[str, str]:
    """The program's (subject, body) of `letter` in `language` ("zh", "en", "he")."""
    return _DEFAULTS[(LetterKind(letter), language)]


# The default value of {costs} ({destination}: the city visited): the office replaces the
# placeholder with its own sentence.
COSTS = {
    "zh": "代表团在{destination}期间的食宿及当地交通费用由我方负担，国际旅费由代表团自理。",
    "en": (
        "During the delegation's stay in {destination}, board, lodging and local transport will "
        "be provided by our side; international travel expenses will be borne by the delegation."
    ),
    "he": (
        "הוצאות הלינה, הכלכלה והתחבורה המקומית במהלך שהות המשלחת בעיר {destination} יחולו עלינו; "
        "הוצאות הטיסות הבין־לאומיות יחולו על המשלחת."
    ),
}


# --- the letter's fixed words, per language -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Words:
    """What a letter says around its template's text, in one language."""

    number_label: str
    subject_label: str  # "" in Chinese: the subject is the letter's title
    recipient_prefix: str  # לכבוד on a line of its own above a Hebrew recipient
    continuation: str  # the header of a second page: {number}, {page}
    unnumbered: str  # a preview's stand-in for the number
    sex: Mapping[Sex, str]
    visa_columns: tuple[str, ...]
    member_columns: tuple[str, ...]
    programme_columns: tuple[str, ...]
    contact: str  # {phone}, {email}
    phone: str  # letterhead: {phone}
    email: str  # letterhead: {email}
    consulate: str  # {destination_country}, {origin_country}
    delegation: str  # {body}: the delegation of …
    formal_city: str  # {name}: a city as a body, when no formal name is recorded
    mayor: str  # {city}: the mayor, when no mayor is recorded
    relationship: Mapping[PartnershipTier, str]
    established_milestone: str  # {relationship}
    upgraded_milestone: str  # {relationship}
    agreement_milestone: str  # {title}
    event_milestone: str  # {name}
    visit_milestone: str  # {visitor}, {host}
    list_separator: str
    range_separator: str  # between two times


WORDS: dict[str, Words] = {
    "zh": Words(
        number_label="编号：",
        subject_label="",
        recipient_prefix="",
        continuation="{number}　第{page}页",
        unnumbered="（打印时编号）",
        sex={Sex.MALE: "男", Sex.FEMALE: "女", Sex.UNSPECIFIED: "X"},
        visa_columns=(
            "序号",
            "姓名",
            "性别",
            "出生日期",
            "国籍",
            "护照号码",
            "职务及工作单位",
        ),
        member_columns=("序号", "姓名", "职务及工作单位"),
        programme_columns=("日期", "时间", "活动", "地点"),
        contact="电话：{phone}，电子邮箱：{email}",
        phone="电话：{phone}",
        email="电子邮箱：{email}",
        consulate="{destination_country}驻{origin_country}大使馆（总领事馆）",
        delegation="{body}代表团",
        formal_city="{name}市",
        mayor="{city}市长",
        relationship={
            PartnershipTier.SISTER_CITY: "友好城市关系",
            PartnershipTier.FRIENDLY_COOPERATIVE_CITY: "友好合作关系",
        },
        established_milestone="两市正式建立{relationship}",
        upgraded_milestone="两市关系提升为{relationship}",
        agreement_milestone="签署《{title}》",
        event_milestone="举办{name}",
        visit_milestone="{visitor}代表团访问{host}",
        list_separator="、",
        range_separator="—",
    ),
    "en": Words(
        number_label="Ref.:",
        subject_label="Subject:",
        recipient_prefix="",
        continuation="{number} · page {page}",
        unnumbered="(number given when printed)",
        sex={Sex.MALE: "Male", Sex.FEMALE: "Female", Sex.UNSPECIFIED: "X"},
        visa_columns=(
            "No.",
            "Name as in passport",
            "Sex",
            "Date of birth",
            "Nationality",
            "Passport No.",
            "Position and employer",
        ),
        member_columns=("No.", "Name", "Position and employer"),
        programme_columns=("Date", "Time", "Programme", "Place"),
        contact="telephone {phone}, e-mail {email}",
        phone="Tel. {phone}",
        email="E-mail {email}",
        consulate="The Embassy or Consulate General of {destination_country} in {origin_country}",
        delegation="the delegation of {body}",
        formal_city="the City of {name}",
        mayor="Mayor of {city}",
        relationship={
            PartnershipTier.SISTER_CITY: "sister-city relationship",
            PartnershipTier.FRIENDLY_COOPERATIVE_CITY: "friendly cooperative relationship",
        },
        established_milestone="Establishment of the {relationship}",
        upgraded_milestone="The relationship is raised to a {relationship}",
        agreement_milestone="Signing of the {title}",
        event_milestone="{name}",
        visit_milestone="Visit of a delegation of {visitor} to {host}",
        list_separator=", ",
        range_separator="–",
    ),
    "he": Words(
        number_label="סימוכין:",
        subject_label="הנדון:",
        recipient_prefix="לכבוד",
        continuation="{number} · עמוד {page}",
        unnumbered="(המספר יינתן בהדפסה)",
        sex={Sex.MALE: "זכר", Sex.FEMALE: "נקבה", Sex.UNSPECIFIED: "X"},
        visa_columns=(
            "מס׳",
            "שם כבדרכון",
            "מין",
            "תאריך לידה",
            "אזרחות",
            "מס׳ דרכון",
            "תפקיד ומקום עבודה",
        ),
        member_columns=("מס׳", "שם", "תפקיד ומקום עבודה"),
        programme_columns=("תאריך", "שעה", "פעילות", "מקום"),
        contact="טלפון {phone}, דוא״ל {email}",
        phone="טל׳ {phone}",
        email="דוא״ל {email}",
        consulate="השגרירות או הקונסוליה הכללית של {destination_country} ב{origin_country}",
        delegation="משלחת {body}",
        formal_city="עיריית {name}",
        mayor="ראש העיר {city}",
        relationship={
            PartnershipTier.SISTER_CITY: "קשרי ערים תאומות",
            PartnershipTier.FRIENDLY_COOPERATIVE_CITY: "קשרי ידידות ושיתוף פעולה",
        },
        established_milestone="כינון {relationship}",
        upgraded_milestone="שדרוג הקשרים ל{relationship}",
        agreement_milestone="חתימה על {title}",
        event_milestone="{name}",
        visit_milestone="ביקור משלחת מהעיר {visitor} בעיר {host}",
        list_separator=", ",
        range_separator="–",
    ),
}


def ordinal(number: int, language: str) -> str:
    """An anniversary's ordinal: 10th, 21st; 第10; ה-10."""
    if language == "zh":
        return f"第{number}"
    if language == "he":
        return f"ה-{number}"
    if number % 100 in (11, 12, 13):
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


# --- what a letter is made of, for the documents ----------------------------------------------


@dataclass(frozen=True, slots=True)
class LetterTable:
    """A block of the body: the members, the programme, the milestones. `lines` is how it
    reads as plain text (a preview), `inline` how it reads inside a sentence. A `ruled`
    table has a header row and lines between rows; an unruled one is a list."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    lines: tuple[str, ...]
    inline: str
    ruled: bool = True
    # Columns whose cells are short and stay on one line if they can (numbers, dates).
    narrow: tuple[int, ...] = ()


Paragraph = str | LetterTable


@dataclass(frozen=True, slots=True)
class LetterSide:
    """The letter in one language, as printed."""

    language: str  # "zh", "en", "he"
    rtl: bool
    office: str
    office_details: tuple[str, ...]  # the letterhead's address and contact lines
    number_label: str
    number: str
    date: str
    recipient: tuple[str, ...]
    subject_label: str
    subject: str
    body: tuple[Paragraph, ...]
    signature: tuple[str, ...]  # under the space for the signature (Chinese: the office)
    continuation: str  # header of the following pages, with {page}
    sealed: bool  # the office's seal goes over the signature


@dataclass(frozen=True, slots=True)
class LetterContent:
    """A letter in one or more languages, one after the other, with the office's images."""

    sides: tuple[LetterSide, ...]
    title: str
    author: str
    record_label: str  # names the letter in a message ("visa invitation letter: …")
    logo: bytes | None = None
    seal: bytes | None = None


# --- templates: checking and filling --------------------------------------------------------

_FORMATTER = string.Formatter()
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")


def template_problems(template: object) -> list[FieldProblem]:
    """What is wrong with a letter template (a `records.LetterTemplate`): braces that do not
    pair, placeholders this letter does not know, a format or conversion after a name, a
    block in the subject. Empty: it is good."""
    try:
        letter = LetterKind(getattr(template, "letter", ""))
    except ValueError:
        return []  # the letter's own field says so
    known = placeholder_names(letter)
    problems: list[FieldProblem] = []
    for field in ("subject", "body"):
        text = getattr(template, field, "") or ""
        for reason in _text_problems(text, known, in_subject=field == "subject"):
            problems.append(FieldProblem(field, reason))
    return problems


def _text_problems(text: str, known: Sequence[str], *, in_subject: bool) -> list[Message]:
    found: list[Message] = []
    try:
        parts = list(_FORMATTER.parse(text))
    except ValueError:
        return [
            _(
                "A brace has no partner. A placeholder is written {example}; a brace to be "
                "printed is written twice: {open_code} or {close_code}."
            ).format(example="{partner_city}", open_code="{{", close_code="}}")
        ]
    listed = ", ".join("{" + name + "}" for name in known)
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        written = (
            "{"
            + name
            + (f"!{conversion}" if conversion else "")
            + (f":{spec}" if spec else "")
            + "}"
        )
        if name not in known:
            found.append(
                _("{placeholder} is not a placeholder of this letter. It knows: {known}.").format(
                    placeholder=written, known=listed
                )
            )
        elif spec or conversion:
            found.append(
                _("Write the placeholder as {plain}, without anything after its name.").format(
                    plain="{" + name + "}"
                )
            )
        elif in_subject and name in BLOCKS:
            found.append(
                _("{placeholder} is a table and cannot stand in the subject.").format(
                    placeholder=written
                )
            )
    return found


def fill(text: str, values: Mapping[str, str]) -> tuple[str, list[str]]:
    """`text` with its placeholders replaced by `values`, and the placeholders that had no
    value. Those stay as written ({purpose}), so a letter printed without them shows the
    gap rather than hiding it; doubled braces print single."""
    out: list[str] = []
    missing: list[str] = []
    for literal, name, _spec, _conversion in _FORMATTER.parse(text):
        out.append(literal)
        if name is None:
            continue
        value = values.get(name, "")
        if value:
            out.append(value)
        else:
            missing.append(name)
            out.append("{" + name + "}")
    return "".join(out), list(dict.fromkeys(missing))


def paragraphs(body: str) -> list[str]:
    """A body's paragraphs: text between blank lines (a single line break stays inside the
    paragraph, as in 此致 / 敬礼)."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    return [part.strip("\n") for part in _PARAGRAPH_BREAK.split(text) if part.strip()]


def block_alone(paragraph: str) -> str | None:
    """The block placeholder a paragraph consists of ("members" for "{members}"), if any."""
    stripped = paragraph.strip().strip("\u3000")
    if stripped.startswith("{") and stripped.endswith("}"):
        name = stripped[1:-1]
        if name in BLOCKS:
            return name
    return None
