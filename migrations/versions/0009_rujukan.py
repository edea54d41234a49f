"""Register rujukan (issue 16): the cases a Posyandu refers to an office (OPD) of its kabupaten/kota (rujukan) and their
timeline (langkah_rujukan)

New tables only: nothing existing changes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 23:05:45.410131

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rujukan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('posyandu_id', sa.Integer(), nullable=False),
    sa.Column('desa_kode', sa.String(length=13).with_variant(sa.String(length=13, collation='C'), 'postgresql'), nullable=False),
    sa.Column('bidang', sa.String(length=20), nullable=False),
    sa.Column('jenis', sa.String(length=30), nullable=False),
    sa.Column('nama_warga', sa.String(length=120), nullable=True),
    sa.Column('nik', sa.String(length=16), nullable=True),
    sa.Column('alamat_singkat', sa.String(length=200), nullable=True),
    sa.Column('uraian', sa.Text(), nullable=False),
    sa.Column('opd_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('dicatat_pada', sa.Date(), nullable=False),
    sa.Column('diteruskan_pada', sa.Date(), nullable=True),
    sa.Column('batas_waktu', sa.Date(), nullable=True),
    sa.Column('rahasia', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('pelapor_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['desa_kode'], ['wilayah.kode'], name=op.f('fk_rujukan_desa_kode_wilayah')),
    sa.ForeignKeyConstraint(['opd_id'], ['opd.id'], name=op.f('fk_rujukan_opd_id_opd')),
    sa.ForeignKeyConstraint(['pelapor_id'], ['users.id'], name=op.f('fk_rujukan_pelapor_id_users')),
    sa.ForeignKeyConstraint(['posyandu_id'], ['posyandu.id'], name=op.f('fk_rujukan_posyandu_id_posyandu')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rujukan'))
    )
    with op.batch_alter_table('rujukan', schema=None) as batch_op:
        batch_op.create_index('ix_rujukan_desa_bidang', ['desa_kode', 'bidang', 'jenis', 'status'], unique=False)
        batch_op.create_index('ix_rujukan_opd_status', ['opd_id', 'status'], unique=False)
        batch_op.create_index('ix_rujukan_posyandu', ['posyandu_id', 'dicatat_pada'], unique=False)

    op.create_table('langkah_rujukan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rujukan_id', sa.Integer(), nullable=False),
    sa.Column('aksi', sa.String(length=30), nullable=False),
    sa.Column('dari', sa.String(length=24), nullable=True),
    sa.Column('ke', sa.String(length=24), nullable=False),
    sa.Column('oleh_id', sa.Integer(), nullable=True),
    sa.Column('peran', sa.String(length=20), nullable=True),
    sa.Column('pada', sa.DateTime(), nullable=False),
    sa.Column('catatan', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['oleh_id'], ['users.id'], name=op.f('fk_langkah_rujukan_oleh_id_users')),
    sa.ForeignKeyConstraint(['rujukan_id'], ['rujukan.id'], name=op.f('fk_langkah_rujukan_rujukan_id_rujukan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_langkah_rujukan'))
    )
    with op.batch_alter_table('langkah_rujukan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_langkah_rujukan_rujukan_id'), ['rujukan_id'], unique=False)



def downgrade():
    with op.batch_alter_table('langkah_rujukan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_langkah_rujukan_rujukan_id'))

    op.drop_table('langkah_rujukan')
    with op.batch_alter_table('rujukan', schema=None) as batch_op:
        batch_op.drop_index('ix_rujukan_posyandu')
        batch_op.drop_index('ix_rujukan_opd_status')
        batch_op.drop_index('ix_rujukan_desa_bidang')

    op.drop_table('rujukan')
