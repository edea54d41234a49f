"""directory, registration status, rekap

The derived data (rekap_wilayah, posyandu_kata, posyandu.lengkap and .layanan_bidang) is built from the records by
`flask rekap bangun`, which `make run` and the deployment steps in README.md run after `flask db upgrade`.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 15:09:50.729857

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rekap_wilayah',
    sa.Column('kode', sa.String(length=13).with_variant(sa.String(length=13, collation='C'), 'postgresql'), nullable=False),
    sa.Column('desa', sa.Integer(), server_default='0', nullable=False),
    sa.Column('desa_berposyandu', sa.Integer(), server_default='0', nullable=False),
    sa.Column('posyandu', sa.Integer(), server_default='0', nullable=False),
    sa.Column('kader', sa.Integer(), server_default='0', nullable=False),
    sa.Column('pengurus', sa.Integer(), server_default='0', nullable=False),
    sa.Column('pilot', sa.Integer(), server_default='0', nullable=False),
    sa.Column('lengkap', sa.Integer(), server_default='0', nullable=False),
    sa.Column('status_belum', sa.Integer(), server_default='0', nullable=False),
    sa.Column('status_draf', sa.Integer(), server_default='0', nullable=False),
    sa.Column('status_dikembalikan', sa.Integer(), server_default='0', nullable=False),
    sa.Column('status_diajukan', sa.Integer(), server_default='0', nullable=False),
    sa.Column('status_diverifikasi_kecamatan', sa.Integer(), server_default='0', nullable=False),
    sa.Column('status_diverifikasi_kabupaten', sa.Integer(), server_default='0', nullable=False),
    sa.Column('status_diusulkan', sa.Integer(), server_default='0', nullable=False),
    sa.Column('status_teregistrasi', sa.Integer(), server_default='0', nullable=False),
    sa.Column('layanan_pendidikan', sa.Integer(), server_default='0', nullable=False),
    sa.Column('layanan_kesehatan', sa.Integer(), server_default='0', nullable=False),
    sa.Column('layanan_pu', sa.Integer(), server_default='0', nullable=False),
    sa.Column('layanan_perumahan', sa.Integer(), server_default='0', nullable=False),
    sa.Column('layanan_trantibumlinmas', sa.Integer(), server_default='0', nullable=False),
    sa.Column('layanan_sosial', sa.Integer(), server_default='0', nullable=False),
    sa.Column('kader_pendidikan', sa.Integer(), server_default='0', nullable=False),
    sa.Column('kader_kesehatan', sa.Integer(), server_default='0', nullable=False),
    sa.Column('kader_pu', sa.Integer(), server_default='0', nullable=False),
    sa.Column('kader_perumahan', sa.Integer(), server_default='0', nullable=False),
    sa.Column('kader_trantibumlinmas', sa.Integer(), server_default='0', nullable=False),
    sa.Column('kader_sosial', sa.Integer(), server_default='0', nullable=False),
    sa.Column('diperbarui', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['kode'], ['wilayah.kode'], name=op.f('fk_rekap_wilayah_kode_wilayah')),
    sa.PrimaryKeyConstraint('kode', name=op.f('pk_rekap_wilayah'))
    )
    op.create_table('posyandu_kata',
    sa.Column('kata', sa.String(length=40).with_variant(sa.String(length=40, collation='C'), 'postgresql'), nullable=False),
    sa.Column('posyandu_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['posyandu_id'], ['posyandu.id'], name=op.f('fk_posyandu_kata_posyandu_id_posyandu')),
    sa.PrimaryKeyConstraint('kata', 'posyandu_id', name=op.f('pk_posyandu_kata'))
    )
    with op.batch_alter_table('posyandu_kata', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_posyandu_kata_posyandu_id'), ['posyandu_id'], unique=False)

    with op.batch_alter_table('posyandu', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_registrasi', sa.String(length=24), server_default='belum', nullable=False))
        batch_op.add_column(sa.Column('nomor_registrasi', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('lengkap', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('layanan_bidang', sa.Integer(), server_default='0', nullable=False))
        batch_op.drop_index(batch_op.f('ix_posyandu_desa_kode'))
        batch_op.create_index('ix_posyandu_desa_nama', ['desa_kode', 'nama', 'id'], unique=False)
        batch_op.create_index('ix_posyandu_nama', ['nama', 'id'], unique=False)
        batch_op.create_index('ix_posyandu_updated_at', ['updated_at', 'id'], unique=False)
        batch_op.create_index('ix_posyandu_status', ['status_registrasi', 'desa_kode', 'nama', 'id'], unique=False)
        batch_op.create_index('ix_posyandu_pilot', ['desa_kode', 'nama', 'id'], unique=False,
                              sqlite_where=sa.text('pilot = 1'), postgresql_where=sa.text('pilot'))
        batch_op.create_unique_constraint(batch_op.f('uq_posyandu_nomor_registrasi'), ['nomor_registrasi'])



def downgrade():
    with op.batch_alter_table('posyandu', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_posyandu_nomor_registrasi'), type_='unique')
        batch_op.drop_index('ix_posyandu_pilot')
        batch_op.drop_index('ix_posyandu_status')
        batch_op.drop_index('ix_posyandu_updated_at')
        batch_op.drop_index('ix_posyandu_nama')
        batch_op.drop_index('ix_posyandu_desa_nama')
        batch_op.create_index(batch_op.f('ix_posyandu_desa_kode'), ['desa_kode'], unique=False)
        batch_op.drop_column('layanan_bidang')
        batch_op.drop_column('lengkap')
        batch_op.drop_column('nomor_registrasi')
        batch_op.drop_column('status_registrasi')

    with op.batch_alter_table('posyandu_kata', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_posyandu_kata_posyandu_id'))

    op.drop_table('posyandu_kata')
    op.drop_table('rekap_wilayah')
