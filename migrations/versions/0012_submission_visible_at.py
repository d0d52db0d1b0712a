"""submission visible at

Revision ID: 0012_submission_visible_at
Revises: 0011_challenge_published_at
Create Date: 2026-12-04 23:10:00

When a submission was committed, if well after its own time (a jury's submission sent with a
past time, a slow transaction): the CLICS event feed keys it no earlier, so a client holding a
token from meanwhile still gets it. Existing rows have none: they are keyed by their time.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_submission_visible_at'
down_revision = '0011_challenge_published_at'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visible_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('visible_at')
