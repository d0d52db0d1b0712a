"""submission files

Revision ID: 0008_submission_files
Revises: 0007_gamification
Create Date: 2026-12-04 19:35:00

A submission may be several files: the main file's name beside its text (`source`), and the
other files as JSON. Existing rows are one-file submissions: an empty name and no files.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_submission_files'
down_revision = '0007_gamification'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_name', sa.String(length=120), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('files', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('files')
        batch_op.drop_column('source_name')
