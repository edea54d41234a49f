"""Laporan bulanan 6 SPM (issue 16): the indicator catalogue per year (indikator), the monthly reports (laporan), their
values with the indicator copied in (nilai_laporan) and their timeline (langkah_laporan)

New tables only: nothing existing changes. The national catalogue of a year is written by the service the first time
that year is asked for (portal/laporan/katalog.py), not by this migration.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 22:59:43.689659

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('indikator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tahun', sa.Integer(), nullable=False),
    sa.Column('wilayah_kode', sa.String(length=13).with_variant(sa.String(length=13, collation='C'), 'postgresql'), nullable=True),
    sa.Column('bidang', sa.String(length=20), nullable=False),
    sa.Column('kode', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('satuan', sa.String(length=30), nullable=False),
    sa.Column('jenis', sa.String(length=10), nullable=False),
    sa.Column('sumber', sa.String(length=12), nullable=False),
    sa.Column('rumus', sa.String(length=80), nullable=True),
    sa.Column('urutan', sa.Integer(), nullable=False),
    sa.Column('aktif', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['wilayah_kode'], ['wilayah.kode'], name=op.f('fk_indikator_wilayah_kode_wilayah')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indikator')),
    sa.UniqueConstraint('tahun', 'wilayah_kode', 'kode', name='uq_indikator_tahun_wilayah_kode')
    )
    with op.batch_alter_table('indikator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indikator_tahun'), ['tahun'], unique=False)
        batch_op.create_index('uq_indikator_nasional', ['tahun', 'kode'], unique=True,
                              sqlite_where=sa.text('wilayah_kode IS NULL'),
                              postgresql_where=sa.text('wilayah_kode IS NULL'))

    op.create_table('laporan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('posyandu_id', sa.Integer(), nullable=False),
    sa.Column('desa_kode', sa.String(length=13).with_variant(sa.String(length=13, collation='C'), 'postgresql'), nullable=False),
    sa.Column('periode', sa.String(length=7), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('hari_buka', sa.JSON(), nullable=False),
    sa.Column('kader_hadir', sa.Integer(), nullable=True),
    sa.Column('catatan', sa.JSON(), nullable=False),
    sa.Column('dibuat_oleh_id', sa.Integer(), nullable=True),
    sa.Column('dikirim_pada', sa.DateTime(), nullable=True),
    sa.Column('diterima_pada', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['desa_kode'], ['wilayah.kode'], name=op.f('fk_laporan_desa_kode_wilayah')),
    sa.ForeignKeyConstraint(['dibuat_oleh_id'], ['users.id'], name=op.f('fk_laporan_dibuat_oleh_id_users')),
    sa.ForeignKeyConstraint(['posyandu_id'], ['posyandu.id'], name=op.f('fk_laporan_posyandu_id_posyandu')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_laporan')),
    sa.UniqueConstraint('posyandu_id', 'periode', name='uq_laporan_posyandu_periode')
    )
    with op.batch_alter_table('laporan', schema=None) as batch_op:
        batch_op.create_index('ix_laporan_periode_desa', ['periode', 'desa_kode', 'status'], unique=False)

    op.create_table('langkah_laporan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('laporan_id', sa.Integer(), nullable=False),
    sa.Column('aksi', sa.String(length=30), nullable=False),
    sa.Column('dari', sa.String(length=24), nullable=True),
    sa.Column('ke', sa.String(length=24), nullable=False),
    sa.Column('oleh_id', sa.Integer(), nullable=True),
    sa.Column('peran', sa.String(length=20), nullable=True),
    sa.Column('pada', sa.DateTime(), nullable=False),
    sa.Column('catatan', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['laporan_id'], ['laporan.id'], name=op.f('fk_langkah_laporan_laporan_id_laporan')),
    sa.ForeignKeyConstraint(['oleh_id'], ['users.id'], name=op.f('fk_langkah_laporan_oleh_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_langkah_laporan'))
    )
    with op.batch_alter_table('langkah_laporan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_langkah_laporan_laporan_id'), ['laporan_id'], unique=False)

    op.create_table('nilai_laporan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('laporan_id', sa.Integer(), nullable=False),
    sa.Column('kode', sa.String(length=40), nullable=False),
    sa.Column('bidang', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('satuan', sa.String(length=30), nullable=False),
    sa.Column('jenis', sa.String(length=10), nullable=False),
    sa.Column('sumber', sa.String(length=12), nullable=False),
    sa.Column('urutan', sa.Integer(), nullable=False),
    sa.Column('nilai', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['laporan_id'], ['laporan.id'], name=op.f('fk_nilai_laporan_laporan_id_laporan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nilai_laporan')),
    sa.UniqueConstraint('laporan_id', 'kode', name='uq_nilai_laporan_kode')
    )


def downgrade():
    op.drop_table('nilai_laporan')
    with op.batch_alter_table('langkah_laporan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_langkah_laporan_laporan_id'))

    op.drop_table('langkah_laporan')
    with op.batch_alter_table('laporan', schema=None) as batch_op:
        batch_op.drop_index('ix_laporan_periode_desa')

    op.drop_table('laporan')
    with op.batch_alter_table('indikator', schema=None) as batch_op:
        batch_op.drop_index('uq_indikator_nasional')
        batch_op.drop_index(batch_op.f('ix_indikator_tahun'))

    op.drop_table('indikator')
