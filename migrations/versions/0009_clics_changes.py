"""clics changes and external ids

Revision ID: 0009_clics_changes
Revises: 0008_submission_files
Create Date: 2026-12-04 19:30:00

The CLICS feed's append-only change log (changes that leave no time in their own row), and
the CLICS ids an imported contest package gave its teams, problems, submissions and
judgements (served in place of codedev's own, so an export imports back with the same ids),
and its groups, organizations, team labels and clarification ids, which codedev has no
rows for.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_clics_changes'
down_revision = '0008_submission_files'
branch_labels = None
depends_on = None

TABLES = ('participants', 'round_problems', 'submissions', 'judgements')


def upgrade():
    op.create_table('clics_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=24), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_clics_changes_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clics_changes'))
    )
    with op.batch_alter_table('clics_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clics_changes_round_id'), ['round_id'], unique=False)
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('external_id', sa.String(length=64), nullable=True))
    for table in ('rounds', 'participants', 'clarifications'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('clics', sa.JSON(), nullable=False, server_default='{}'))


def downgrade():
    for table in ('clarifications', 'participants', 'rounds'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('clics')
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('external_id')
    with op.batch_alter_table('clics_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clics_changes_round_id'))
    op.drop_table('clics_changes')
