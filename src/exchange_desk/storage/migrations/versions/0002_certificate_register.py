"""The certificate register: the office's numbering pattern and the log of printings.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 02:44:22.355957
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "certificate_printings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("printed_at", sa.DateTime(), nullable=False),
        sa.Column("printed_by", sa.String(length=200), nullable=False),
        sa.Column(
            "language_mode",
            sa.Enum(
                "zh",
                "en",
                "he",
                "zh+en",
                "he+en",
                "zh+he",
                "zh+en+he",
                name="language_mode",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("design", sa.String(length=40), nullable=False),
        sa.Column("is_reprint", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name=op.f("fk_certificate_printings_certificate_id_certificates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_printings")),
    )
    with op.batch_alter_table("certificate_printings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certificate_printings_certificate_id"), ["certificate_id"], unique=False
        )

    # No release before this one could issue certificates, so no award has two yet.
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_certificates_award_id"), ["award_id"])

    # The server default gives an existing office profile the default pattern.
    with op.batch_alter_table("office_profile", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "certificate_number_pattern",
                sa.String(length=80),
                server_default="{year}-{seq:04}",
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("office_profile", schema=None) as batch_op:
        batch_op.drop_column("certificate_number_pattern")

    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_certificates_award_id"), type_="unique")

    with op.batch_alter_table("certificate_printings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificate_printings_certificate_id"))

    op.drop_table("certificate_printings")
