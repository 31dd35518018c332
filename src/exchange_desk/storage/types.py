"""Column types that carry the domain's values: partial dates and text enums."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Dialect, Enum, String, TypeDecorator

from exchange_desk.domain.dates import PartialDate


class PartialDateType(TypeDecorator[PartialDate]):
    """A `PartialDate` stored as its ISO prefix text (`2009`, `2009-05`, `2009-05-12`).

    Text keeps "2009" distinct from "2009-01-01" and sorts in date order, on every backend.
    """

    impl = String(10)
    cache_ok = True

    def process_bind_param(self, value: PartialDate | str | None, dialect: Dialect) -> str | None:
        # Text is accepted as-is so that queries can compare with a prefix ("2018" <= d).
        if value is None or isinstance(value, str):
            return value
        return value.isoformat()

    def process_result_value(self, value: Any | None, dialect: Dialect) -> PartialDate | None:
        return None if value is None else PartialDate.parse(str(value))


def text_enum(enum_class: type[StrEnum], name: str) -> Enum:
    """A VARCHAR with a CHECK of the allowed values (no native enum: migrations stay simple)."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.value) for member in enum_class),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
