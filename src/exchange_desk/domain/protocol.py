"""Protocol rules: how a person's name is written in each script and context, the order of
precedence of a delegation and of a guest list, and the seating of a table.

Pure rules on plain values (see `../shared/docs/protocol.md`): services gather the people,
documents print what these functions decide.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from exchange_desk.domain.enums import GuestSide, MemberRole, NameOrder

LANGUAGES = ("en", "zh", "he")
UNRANKED = 10_000  # after every ranked person


class Named(Protocol):
    """What the name rules read of a person (`records.Person` has it all)."""

    name: str
    name_zh: str
    name_he: str
    family_name: str
    given_name: str
    name_order: NameOrder
    honorific_en: str
    honorific_zh: str
    honorific_he: str
    title: str
    title_zh: str
    title_he: str
    rank: int | None


# --- names ---------------------------------------------------------------------------------


def passport_name(person: Named) -> str:
    """The name as official lists write a passport's: family name in capitals first
    (WANG Zhe); the English name where the passport's parts are not recorded."""
    family, given = person.family_name.strip(), person.given_name.strip()
    if family or given:
        return " ".join(part for part in (family.upper(), given) if part)
    return person.name.strip()


def latin_name(person: Named) -> str:
    """The name in Latin letters for a letter or a badge: given name first (Zhe Wang)
    unless the person writes the family name first; the English name if no parts."""
    family, given = person.family_name.strip(), person.given_name.strip()
    if not (family and given):
        return person.name.strip() or passport_name(person)
    if person.name_order is NameOrder.FAMILY_FIRST:
        return f"{family} {given}"
    return f"{given} {family}"


def name_in(person: Named, language: str) -> str:
    """The name in `language`'s script, as that script writes it (王喆, נתלי אפרה, Zhe
    Wang); empty when the person has no name in that script."""
    if language.startswith("zh"):
        return person.name_zh.strip()
    if language.startswith("he"):
        return person.name_he.strip()
    return person.name.strip() or latin_name(person)


def best_name(person: Named, language: str) -> str:
    """The name in `language`'s script, else the English name as recorded (the person's
    own spelling and order), else the passport's parts in Latin letters."""
    return name_in(person, language) or name_in(person, "en")


def own_language(person: Named) -> str:
    """The script a person's own name is best read in: Chinese for a person with a Chinese
    name and no Hebrew one, Hebrew for one with a Hebrew name and no Chinese one, else
    English. (Nationality would say more; it is sensitive and not always known.)"""
    if person.name_zh.strip() and not person.name_he.strip():
        return "zh"
    if person.name_he.strip() and not person.name_zh.strip():
        return "he"
    return "en"


def honorific_in(person: Named, language: str) -> str:
    code = _language(language)
    return str(getattr(person, f"honorific_{code}", "") or "").strip()


def title_in(person: Named, language: str) -> str:
    """The person's position in `language`, else in English."""
    code = _language(language)
    own = person.title if code == "en" else getattr(person, f"title_{code}", "")
    return str(own or person.title or "").strip()


def addressed(person: Named, language: str) -> str:
    """The name with its honorific as `language` places it: after the name in Chinese
    (王喆先生), before it in English and Hebrew (Mr Zhe Wang, מר יובל ארד)."""
    name = best_name(person, language)
    honorific = honorific_in(person, language)
    if not honorific:
        return name
    if _language(language) == "zh":
        return f"{name}{honorific}"
    return f"{honorific} {name}"


def _language(language: str) -> str:
    for code in LANGUAGES:
        if language.startswith(code):
            return code
    return "en"


def pinyin_keys(text: str) -> str:
    """What a Chinese name is found by in Latin letters: its pinyin with and without spaces
    ("wang zhe wangzhe"); empty for a name without Chinese characters."""
    if not any(_is_han(character) for character in text):
        return ""
    from pypinyin import Style, lazy_pinyin

    syllables = [s for s in lazy_pinyin(text, style=Style.NORMAL, errors="ignore") if s.strip()]
    if not syllables:
        return ""
    return f"{' '.join(syllables)} {''.join(syllables)}"


def _is_han(character: str) -> bool:
    return unicodedata.name(character, "").startswith("CJK UNIFIED IDEOGRAPH")


def person_derived(person: Any) -> Mapping[str, Any]:
    """What the program keeps from a person's own fields (`KindDeclaration.derive`); nothing
    from a name that is no text (the field's own rule refuses it)."""
    name = getattr(person, "name_zh", "")
    if not isinstance(name, str) or any(0xD800 <= ord(ch) <= 0xDFFF for ch in name):
        return {}
    return {"name_pinyin": pinyin_keys(name)[:600]}


def sort_key_of_name(person: Named) -> str:
    """Alphabetical within equal rank: by the name in Latin letters, as official lists are."""
    return unicodedata.normalize("NFKD", passport_name(person)).casefold()


# --- precedence ----------------------------------------------------------------------------

_ROLE_ORDER = {
    MemberRole.HEAD: 0,
    MemberRole.DEPUTY_HEAD: 1,
    MemberRole.MEMBER: 2,
    MemberRole.INTERPRETER: 3,
    MemberRole.STAFF: 4,
    MemberRole.SECURITY: 5,
}

T = TypeVar("T")


def rank_of(person: Named) -> int:
    return person.rank if person.rank is not None else UNRANKED


def member_precedence(role: MemberRole, person: Named) -> tuple[int, int, str]:
    """A delegation's order: the head, the deputy head, then the members by rank (then
    alphabetically); interpreters, staff and security last, each by rank."""
    group = _ROLE_ORDER[MemberRole(role)]
    # Members of every standing share one group: rank decides among them.
    return (group, rank_of(person), sort_key_of_name(person))


def guest_precedence(side: GuestSide, person: Named) -> tuple[int, int, str]:
    """A guest list: the guests received first, then the hosts; each by rank, then
    alphabetically (the same order for each side as a delegation's members)."""
    return (
        0 if GuestSide(side) is GuestSide.GUEST else 1,
        rank_of(person),
        sort_key_of_name(person),
    )


# --- seating -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TablePlan:
    """A long table seen from above: `near` is the host's side and `far` the guest of
    honour's, each listed left to right as the page shows them (None: an empty seat).
    The two rows have the same length and face each other seat for seat; with an odd
    number of seats one end of the far row is None. `order` is each seated person's place
    in the order of honour (1 the host, 2 the guest of honour, 3 the host's right...);
    `unseated` those the table had no room for."""

    near: tuple[Any | None, ...]
    far: tuple[Any | None, ...]
    order: tuple[tuple[Any, int], ...]
    unseated: tuple[Any, ...]


def _seat_offsets(count: int) -> list[int]:
    """Seats of one side by honour, as offsets from the middle seen by the one seated
    there: the middle, then right 1, left 1, right 2, left 2..."""
    offsets = [0]
    step = 1
    while len(offsets) < count:
        offsets.append(step)
        if len(offsets) < count:
            offsets.append(-step)
        step += 1
    return offsets


def seating_plan(hosts: Sequence[T], guests: Sequence[T], seats: int) -> TablePlan:
    """Seat a table of `seats`: the host (first of `hosts`) and the guest of honour (first
    of `guests`) face each other in the middle; the others, alternating guest and host in
    their own orders of precedence, take the seats in order of honour: the host's right,
    the guest of honour's right, the host's left, the guest of honour's left, and so on
    outwards. Both lists come in precedence order already."""
    if seats < 2:
        raise ValueError("a table seats at least two")
    per_side = math.ceil(seats / 2)
    near_count, far_count = per_side, seats - per_side
    others: list[T] = []
    rest_hosts, rest_guests = list(hosts[1:]), list(guests[1:])
    while rest_hosts or rest_guests:
        if rest_guests:
            others.append(rest_guests.pop(0))
        if rest_hosts:
            others.append(rest_hosts.pop(0))
    heads: list[T | None] = [hosts[0] if hosts else None, guests[0] if guests else None]
    near_offsets = _seat_offsets(near_count)
    columns = sorted(near_offsets)  # the page's columns, left to right: near offsets
    # The far side faces the near one seat for seat: its offsets are the near columns
    # mirrored (its occupants' right is the page's left), taken middle first, then right
    # before left.
    far_offsets = sorted((-c for c in columns), key=lambda o: (abs(o), -o))[:far_count]
    # Seats in order of honour, alternating sides after the two middle seats.
    honour: list[tuple[str, int]] = [("near", 0), ("far", 0)]
    for index in range(1, max(len(near_offsets), len(far_offsets))):
        if index < len(near_offsets):
            honour.append(("near", near_offsets[index]))
        if index < len(far_offsets):
            honour.append(("far", far_offsets[index]))
    people: list[T | None] = [*heads, *others]
    placed: dict[tuple[str, int], T] = {}
    order: list[tuple[Any, int]] = []
    for position, (seat, person) in enumerate(zip(honour, people, strict=False), start=1):
        if person is not None:
            placed[seat] = person
            order.append((person, position))
    unseated = tuple(p for p in people[len(honour) :] if p is not None)
    near_row = tuple(placed.get(("near", column)) for column in columns)
    far_row = tuple(placed.get(("far", -column)) for column in columns)
    return TablePlan(near=near_row, far=far_row, order=tuple(order), unseated=unseated)
