"""scoring's submission indexes: (round, challenge) and (participant, challenge)

A verdict's cell reads one participant's tries on one problem, first-to-solve everyone's on one
problem. With one index per column, PostgreSQL without fresh statistics combined the round's
index (every submission of the round) with the other: milliseconds per verdict.

Revision ID: 0005
Revises: 0004
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index('ix_submissions_round_id_challenge_id', ['round_id', 'challenge_id'])
        batch_op.create_index('ix_submissions_participant_id_challenge_id',
                              ['participant_id', 'challenge_id'])
        batch_op.drop_index('ix_submissions_round_id')
        batch_op.drop_index('ix_submissions_participant_id')


def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index('ix_submissions_participant_id', ['participant_id'])
        batch_op.create_index('ix_submissions_round_id', ['round_id'])
        batch_op.drop_index('ix_submissions_participant_id_challenge_id')
        batch_op.drop_index('ix_submissions_round_id_challenge_id')
