"""The rules every field obeys by its declared type, whoever writes: a date is a real date,
a number a number within the column's range on both backends, text has no NUL or broken
surrogate and fits its column.

`domain.validation` adds each kind's own rules (a period's end after its start, one
recipient per award); these come first, so a value of the wrong type never reaches them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from enum import Enum
from typing import Any

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.declaration import INT_MAX, INT_MIN, Field, FieldType, KindDeclaration
from exchange_desk.domain.errors import FieldProblem
from exchange_desk.domain.messages import Message, _

_NUL_OR_SURROGATE = _("Contains a character that cannot be stored (U+{code:04X}).")


def _text_problem(item: Field, value: Any) -> Message | None:
    if not isinstance(value, str):
        return _("Not a text: {value}").format(value=repr(value))
    if item.required and not value.strip():
        return _("This field is required.")
    if item.max_length is not None and len(value) > item.max_length:
        return _("Too long: {length} characters, at most {limit} are allowed.").format(
            length=len(value), limit=item.max_length
        )
    for character in value:
        code = ord(character)
        # NUL ends a C string (and PostgreSQL refuses it); a lone surrogate cannot be encoded
        # in UTF-8 at all, so neither backend could store it.
        if code == 0 or 0xD800 <= code <= 0xDFFF:
            return _NUL_OR_SURROGATE.format(code=code)
    return None


def _whole_number_problem(item: Field, value: Any) -> Message | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return _("Not a whole number: {value}").format(value=value)
    low = INT_MIN if item.minimum is None else max(INT_MIN, int(item.minimum))
    high = INT_MAX if item.maximum is None else min(INT_MAX, int(item.maximum))
    if value < low:
        return _("Must be {minimum} or more.").format(minimum=low)
    if value > high:
        return _("Must be {maximum} or less.").format(maximum=high)
    return None


def _decimal_problem(item: Field, value: Any) -> Message | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _("Not a number: {value}").format(value=value)
    if not math.isfinite(value):
        return _("Not a number: {value}").format(value=value)
    if item.minimum is not None and value < item.minimum:
        return _("Must be {minimum} or more.").format(minimum=item.minimum)
    if item.maximum is not None and value > item.maximum:
        return _("Must be {maximum} or less.").format(maximum=item.maximum)
    return None


def _date_problem(value: Any) -> Message | None:
    if isinstance(value, PartialDate):
        return None
    if isinstance(value, str):
        try:
            PartialDate.parse(value)
        except ValueError:
            pass
        else:
            return None
    return _("Not a date: {value}. Write YYYY, YYYY-MM or YYYY-MM-DD.").format(value=value)


def _day_problem(value: Any) -> Message | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return None
    return _("Not a day of the calendar: {value}").format(value=value)


def _time_problem(value: Any) -> Message | None:
    if isinstance(value, str) and parse_time(value) == value:
        return None
    return _("Not a time of day: {value}. Write HH:MM, e.g. 09:30.").format(value=value)


def parse_time(text: str) -> str | None:
    """A time of day typed as 9:30, 09.30, 0930 or 9 as the stored "09:30"; None if it is
    none."""
    cleaned = text.strip().replace(".", ":").replace("：", ":")
    if ":" in cleaned:
        hours, _sep, minutes = cleaned.partition(":")
    elif cleaned.isdigit() and len(cleaned) in (3, 4):
        hours, minutes = cleaned[:-2], cleaned[-2:]
    else:
        hours, minutes = cleaned, "00"
    if not (hours.isascii() and hours.isdigit() and minutes.isascii() and minutes.isdigit()):
        return None
    if len(minutes) != 2 or not 1 <= len(hours) <= 2:
        return None
    if int(hours) > 23 or int(minutes) > 59:
        return None
    return f"{int(hours):02d}:{minutes}"


def _enum_problem(item: Field, value: Any) -> Message | None:
    enum = item.enum
    assert enum is not None
    if isinstance(value, enum):
        return None
    if isinstance(value, str) and value in {member.value for member in enum}:
        return None
    return _("Not one of the choices: {value}").format(value=value)


def _id_problem(value: Any) -> Message | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= INT_MAX:
        return _("Not a record's number: {value}").format(value=value)
    return None


def _list_problem(item: Field, value: Any) -> Message | None:
    if not isinstance(value, tuple | list):
        return _("Not a list: {value}").format(value=repr(value))
    for element in value:
        if item.type is FieldType.REFERENCES:
            problem = _id_problem(element)
        elif item.type is FieldType.AREAS:
            problem = _enum_problem(item, element)
        else:  # participants: an organization with its role
            problem = _id_problem(getattr(element, "organization_id", None))
        if problem is not None:
            return problem
    return None


def value_problem(item: Field, value: Any) -> Message | None:
    """Why `value` cannot be stored in `item`, or None if it can."""
    if value is None:
        # Text is stored as '' when empty: None there, as in a list, is a caller's mistake.
        return None if item.nullable else _("This field is required.")
    kind = item.type
    if kind in {FieldType.TEXT, FieldType.MULTILINE, FieldType.COUNTRY}:
        return _text_problem(item, value)
    if kind in {FieldType.INTEGER, FieldType.COUNT}:
        return _whole_number_problem(item, value)
    if kind is FieldType.DECIMAL:
        return _decimal_problem(item, value)
    if kind is FieldType.PARTIAL_DATE:
        return _date_problem(value)
    if kind is FieldType.DAY:
        return _day_problem(value)
    if kind is FieldType.TIME:
        return _time_problem(value)
    if kind is FieldType.ENUM:
        return _enum_problem(item, value)
    if kind is FieldType.FLAG:
        return None if isinstance(value, bool) else _("Not yes or no: {value}").format(value=value)
    if kind in {FieldType.REFERENCE, FieldType.IMAGE}:
        return _id_problem(value)
    return _list_problem(item, value)


def field_problems(declaration: KindDeclaration, record: Any) -> list[FieldProblem]:
    """Every field of `record` whose value its declared type refuses."""
    found = []
    for item in declaration.fields:
        problem = value_problem(item, getattr(record, item.name, None))
        if problem is not None:
            found.append(FieldProblem(item.name, problem))
    return found


def row_problems(
    declaration: KindDeclaration, values: dict[str, Any]
) -> Iterable[tuple[str, Message]]:
    """The problems of a stored row (column name -> value as read back), for `db check`:
    the same rules, with dates as the text they are stored as."""
    for item in declaration.columns:
        if item.name not in values:
            continue
        value = values[item.name]
        if isinstance(value, Enum) and item.type is FieldType.ENUM:
            value = value.value
        problem = value_problem(item, value)
        if problem is not None:
            yield item.name, problem
