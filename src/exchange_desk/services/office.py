"""The office profile: home city, the office's names, signatory, seal and logo."""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

from exchange_desk.domain.errors import FieldProblem, InvalidInput
from exchange_desk.domain.records import OfficeProfile
from exchange_desk.domain.validation import require_valid
from exchange_desk.i18n.catalog import _
from exchange_desk.storage import models as m

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from exchange_desk.storage.database import Database

_FIELDS = tuple(f.name for f in fields(OfficeProfile))


def office_profile(database: Database) -> OfficeProfile:
    """The stored profile, or an empty one before the office has filled it in."""
    with database.reading() as session:
        row = session.get(m.OfficeProfileRow, 1)
        if row is None:
            return OfficeProfile()
        return OfficeProfile(**{name: getattr(row, name) for name in _FIELDS})


def save_office_profile(database: Database, profile: OfficeProfile) -> OfficeProfile:
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
