"""test result score

Revision ID: 0010_test_result_score
Revises: 0009_clics_changes
Create Date: 2026-12-04 20:12:00

A test's points from a custom output validator's score.txt or score_multiplier.txt (2025-09
scoring problems). Existing rows have none: their verdict alone decides, as before.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_test_result_score'
down_revision = '0009_clics_changes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('test_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('score', sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table('test_results', schema=None) as batch_op:
        batch_op.drop_column('score')
