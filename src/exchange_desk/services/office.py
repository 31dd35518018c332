"""The office profile: home city, the office's names, signatory, seal and logo."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import TYPE_CHECKING

from exchange_desk.domain.errors import FieldProblem, InvalidInput
from exchange_desk.domain.records import OfficeProfile
from exchange_desk.domain.text_rules import cleaned_value
from exchange_desk.domain.validation import require_valid
from exchange_desk.i18n.catalog import _
from exchange_desk.storage import models as m

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from exchange_desk.storage.database import Database

_FIELDS = tuple(f.name for f in fields(OfficeProfile))
# The profile's texts of several lines: the others lose the spaces hidden controls left at
# their ends, as a record's one-line fields do (`domain.text_rules.cleaned_fields`).
_MULTILINE = frozenset(
    {"foreword_en", "foreword_zh", "foreword_he", "address_en", "address_zh", "address_he"}
)


def cleaned_profile_fields(profile: OfficeProfile) -> dict[str, str]:
    """The profile's texts that lose hidden direction characters on save (a signatory's
    name that an override shows reversed on every certificate), with their cleaned values:
    the profile's part of what `records.derived` does for every record."""
    found: dict[str, str] = {}
    for name in _FIELDS:
        value = getattr(profile, name)
        if isinstance(value, str):
            cleaned = cleaned_value(value, one_line=name not in _MULTILINE)
            if cleaned is not None:
                found[name] = cleaned
    return found


def office_profile(database: Database) -> OfficeProfile:
    """The stored profile, or an empty one before the office has filled it in."""
    with database.reading() as session:
        row = session.get(m.OfficeProfileRow, 1)
        if row is None:
            return OfficeProfile()
        return OfficeProfile(**{name: getattr(row, name) for name in _FIELDS})


def save_office_profile(database: Database, profile: OfficeProfile) -> OfficeProfile:
    """Store the profile, its texts without hidden direction characters
    (`cleaned_profile_fields`); the profile as stored."""
    cleaned = cleaned_profile_fields(profile)
    if cleaned:
        profile = replace(profile, **cleaned)  # type: ignore[arg-type]
    require_valid(profile)
    with database.unit_of_work() as session:
        problems = []
        if (
            profile.home_city_id is not None
            and session.get(m.CityRow, profile.home_city_id) is None
        ):
            problems.append(
                FieldProblem(
                    "home_city_id",
                    _("There is no city with id {id}.").format(id=profile.home_city_id),
                )
            )
        for name in ("seal_attachment_id", "logo_attachment_id"):
            value = getattr(profile, name)
            if value is not None and session.get(m.AttachmentRow, value) is None:
                problems.append(
                    FieldProblem(name, _("There is no attachment with id {id}.").format(id=value))
                )
        if problems:
            raise InvalidInput(problems)
        store_profile_in(session, profile)
    return profile


def store_profile_in(session: Session, profile: OfficeProfile) -> None:
    """Write the profile's row in the caller's transaction (its references checked by the
    caller: an import's undo puts back a profile that was stored before)."""
    row = session.get(m.OfficeProfileRow, 1)
    if row is None:
        row = m.OfficeProfileRow(id=1)
        session.add(row)
    for name in _FIELDS:
        setattr(row, name, getattr(profile, name))
    session.flush()
