"""Registrasi: the ministry's refusal (state ditolak, counted in rekap_wilayah.status_ditolak), corrected numbers
(langkah_usulan.nomor, .nomor_lama), verification on behalf of a kecamatan without an account (.atas_nama), and the
documents a return asks to replace (.perbaikan)

status_ditolak starts at 0 everywhere, which is right: no state could be ditolak before this revision. The numbers
recorded so far are copied onto their registrasi steps: no number was ever corrected before this revision, so each
usulan's number is the one its registrasi step recorded.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

KODE = sa.String(length=13).with_variant(sa.String(length=13, collation='C'), 'postgresql')


def upgrade():
    with op.batch_alter_table('langkah_usulan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nomor', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('nomor_lama', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('atas_nama', KODE, nullable=True))
        batch_op.add_column(sa.Column('perbaikan', sa.JSON(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_langkah_usulan_atas_nama_wilayah'), 'wilayah', ['atas_nama'],
                                    ['kode'])

    with op.batch_alter_table('rekap_wilayah', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_ditolak', sa.Integer(), server_default='0', nullable=False))

    op.execute("UPDATE langkah_usulan SET nomor = (SELECT usulan.nomor_registrasi FROM usulan "
               "WHERE usulan.id = langkah_usulan.usulan_id) WHERE aksi = 'registrasi'")


def downgrade():
    # 0005 knows no state ditolak: going back would leave Posyandu in a state nothing counts.
    if op.get_bind().execute(sa.text("SELECT 1 FROM usulan WHERE status = 'ditolak' LIMIT 1")).first():
        raise RuntimeError("Ada usulan berstatus ditolak; revisi 0005 tidak mengenal status itu.")
    with op.batch_alter_table('rekap_wilayah', schema=None) as batch_op:
        batch_op.drop_column('status_ditolak')

    with op.batch_alter_table('langkah_usulan', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_langkah_usulan_atas_nama_wilayah'), type_='foreignkey')
        batch_op.drop_column('perbaikan')
        batch_op.drop_column('atas_nama')
        batch_op.drop_column('nomor_lama')
        batch_op.drop_column('nomor')
