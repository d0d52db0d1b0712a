"""challenge published at

Revision ID: 0011_challenge_published_at
Revises: 0010_test_result_score
Create Date: 2026-12-05 10:00:00

When a challenge was first published: its release, which the early-bird badge counts from
(created_at is when the draft was made, and publishing needs tests and a passed validation,
so that can be days earlier). Challenges already published get their created_at, the only
time known for them; drafts get none until they are published.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_challenge_published_at'
down_revision = '0010_test_result_score'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('challenges', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_at', sa.DateTime(), nullable=True))
    challenges = sa.table(
        'challenges',
        sa.column('published', sa.Boolean()),
        sa.column('published_at', sa.DateTime()),
        sa.column('created_at', sa.DateTime()),
    )
    op.execute(
        challenges.update()
        .where(challenges.c.published == sa.true())
        .values(published_at=challenges.c.created_at)
    )


def downgrade():
    with op.batch_alter_table('challenges', schema=None) as batch_op:
        batch_op.drop_column('published_at')
