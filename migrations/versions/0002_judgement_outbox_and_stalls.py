"""judgement outbox (enqueued_at) and stalls

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 20:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('judgements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enqueued_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('stalls', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('stalled_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('stall_reason', sa.Text(), server_default='', nullable=False))
    # Judgements from before the outbox were enqueued when they were created.
    op.execute("UPDATE judgements SET enqueued_at = created_at")


def downgrade():
    with op.batch_alter_table('judgements', schema=None) as batch_op:
        batch_op.drop_column('stall_reason')
        batch_op.drop_column('stalled_at')
        batch_op.drop_column('stalls')
        batch_op.drop_column('enqueued_at')
