"""The office's norms for its partnerships, for the start screen's health of each one.

`office_profile` gains how many exchanges a year the office means to have with a sister city
(1 unless it says otherwise) and with a friendly cooperative city (0.5: one every two years),
and after how many years without an exchange a partnership is dormant (3).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 11:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INT4_RANGE = "BETWEEN -2147483648 AND 2147483647"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.add_column(
        "office_profile",
        sa.Column("sister_city_norm", sa.Float(), server_default="1", nullable=False),
    )
    op.add_column(
        "office_profile",
        sa.Column("friendly_city_norm", sa.Float(), server_default="0.5", nullable=False),
    )
    op.add_column(
        "office_profile",
        sa.Column("dormant_after_years", sa.Integer(), server_default="3", nullable=False),
    )
    # SQLite adds a check only by copying the table; PostgreSQL alters it in place.
    with op.batch_alter_table(
        "office_profile", recreate="always" if dialect == "sqlite" else "auto"
    ) as batch:
        batch.create_check_constraint(
            op.f("ck_office_profile_partnership_norms"),
            "sister_city_norm >= 0 AND sister_city_norm <= 52 "
            "AND friendly_city_norm >= 0 AND friendly_city_norm <= 52",
        )
        batch.create_check_constraint(
            op.f("ck_office_profile_dormant_years"),
            "dormant_after_years >= 1 AND dormant_after_years <= 50",
        )
        if dialect == "sqlite":
            batch.create_check_constraint(
                op.f("ck_office_profile_dormant_after_years_range"),
                f"dormant_after_years {INT4_RANGE}",
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("office_profile") as batch:
        batch.drop_constraint(op.f("ck_office_profile_partnership_norms"), "check")
        batch.drop_constraint(op.f("ck_office_profile_dormant_years"), "check")
        if dialect == "sqlite":
            batch.drop_constraint(op.f("ck_office_profile_dormant_after_years_range"), "check")
        for column in ("sister_city_norm", "friendly_city_norm", "dormant_after_years"):
            batch.drop_column(column)
