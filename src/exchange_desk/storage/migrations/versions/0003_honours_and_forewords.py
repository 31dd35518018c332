"""Who confers an honour and how it is printed: formal names of cities and organizations,
an organization's own seal, the scan of an award the city received, the office's report
foreword, Chinese-numeral dates, and failed print jobs in the certificate register.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 22:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LANGUAGES = ("en", "zh", "he")


def _formal_names() -> list[sa.Column[str]]:
    return [
        sa.Column(
            f"formal_name_{language}", sa.String(length=200), server_default="", nullable=False
        )
        for language in _LANGUAGES
    ]


def upgrade() -> None:
    for table in ("cities", "organizations"):
        for formal_name in _formal_names():
            op.add_column(table, formal_name)
    # A new foreign key copies the table on SQLite (see env.py for why that is safe).
    for table, column in (
        ("organizations", "seal_attachment_id"),
        ("awards", "scan_attachment_id"),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                f"fk_{table}_{column}_attachments",
                "attachments",
                [column],
                ["id"],
                ondelete="SET NULL",
            )

    for language in _LANGUAGES:
        op.add_column(
            "office_profile",
            sa.Column(f"foreword_{language}", sa.Text(), server_default="", nullable=False),
        )
    op.add_column(
        "office_profile",
        sa.Column("chinese_numeral_dates", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column(
        "certificate_printings",
        sa.Column("failed", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("certificate_printings", schema=None) as batch_op:
        batch_op.drop_column("failed")

    with op.batch_alter_table("office_profile", schema=None) as batch_op:
        batch_op.drop_column("chinese_numeral_dates")
        for language in reversed(_LANGUAGES):
            batch_op.drop_column(f"foreword_{language}")

    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.drop_constraint("fk_awards_scan_attachment_id_attachments", type_="foreignkey")
        batch_op.drop_column("scan_attachment_id")

    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_constraint(
            "fk_organizations_seal_attachment_id_attachments", type_="foreignkey"
        )
        batch_op.drop_column("seal_attachment_id")
        for language in reversed(_LANGUAGES):
            batch_op.drop_column(f"formal_name_{language}")

    with op.batch_alter_table("cities", schema=None) as batch_op:
        for language in reversed(_LANGUAGES):
            batch_op.drop_column(f"formal_name_{language}")
