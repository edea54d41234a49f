"""Registrasi nasional: usulan, langkah_usulan (the timeline), dokumen_usulan, tahap

Posyandu.status_registrasi stays as it is: before this revision nothing could move it but the synthetic-data
generator, whose rows carry no dossier.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 18:09:40.459902

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tahap',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kabupaten_kode', sa.String(length=13).with_variant(sa.String(length=13, collation='C'), 'postgresql'), nullable=False),
    sa.Column('nomor', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('nomor_surat', sa.String(length=120), nullable=True),
    sa.Column('dikirim_tanggal', sa.Date(), nullable=True),
    sa.Column('dikirim_oleh_id', sa.Integer(), nullable=True),
    sa.Column('dibuat_oleh_id', sa.Integer(), nullable=True),
    sa.Column('keterangan', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['dibuat_oleh_id'], ['users.id'], name=op.f('fk_tahap_dibuat_oleh_id_users')),
    sa.ForeignKeyConstraint(['dikirim_oleh_id'], ['users.id'], name=op.f('fk_tahap_dikirim_oleh_id_users')),
    sa.ForeignKeyConstraint(['kabupaten_kode'], ['wilayah.kode'], name=op.f('fk_tahap_kabupaten_kode_wilayah')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tahap')),
    sa.UniqueConstraint('kabupaten_kode', 'nomor', name='uq_tahap_kabupaten_nomor')
    )
    op.create_table('usulan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('posyandu_id', sa.Integer(), nullable=False),
    sa.Column('percobaan', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('tahap_id', sa.Integer(), nullable=True),
    sa.Column('nomor_registrasi', sa.String(length=40), nullable=True),
    sa.Column('potret', sa.JSON(), nullable=True),
    sa.Column('dibuat_oleh_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['dibuat_oleh_id'], ['users.id'], name=op.f('fk_usulan_dibuat_oleh_id_users')),
    sa.ForeignKeyConstraint(['posyandu_id'], ['posyandu.id'], name=op.f('fk_usulan_posyandu_id_posyandu')),
    sa.ForeignKeyConstraint(['tahap_id'], ['tahap.id'], name=op.f('fk_usulan_tahap_id_tahap')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_usulan')),
    sa.UniqueConstraint('nomor_registrasi', name=op.f('uq_usulan_nomor_registrasi')),
    sa.UniqueConstraint('posyandu_id', 'percobaan', name='uq_usulan_posyandu_percobaan')
    )
    with op.batch_alter_table('usulan', schema=None) as batch_op:
        batch_op.create_index('ix_usulan_status', ['status', 'posyandu_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_usulan_tahap_id'), ['tahap_id'], unique=False)

    op.create_table('dokumen_usulan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('usulan_id', sa.Integer(), nullable=False),
    sa.Column('jenis', sa.String(length=20), nullable=False),
    sa.Column('nama_berkas', sa.String(length=200), nullable=False),
    sa.Column('berkas', sa.String(length=64), nullable=False),
    sa.Column('tipe', sa.String(length=40), nullable=False),
    sa.Column('ukuran', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('aktif', sa.Boolean(), nullable=False),
    sa.Column('diunggah_oleh_id', sa.Integer(), nullable=True),
    sa.Column('diunggah_pada', sa.DateTime(), nullable=False),
    sa.Column('dinonaktifkan_pada', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['diunggah_oleh_id'], ['users.id'], name=op.f('fk_dokumen_usulan_diunggah_oleh_id_users')),
    sa.ForeignKeyConstraint(['usulan_id'], ['usulan.id'], name=op.f('fk_dokumen_usulan_usulan_id_usulan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dokumen_usulan')),
    sa.UniqueConstraint('berkas', name=op.f('uq_dokumen_usulan_berkas'))
    )
    with op.batch_alter_table('dokumen_usulan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dokumen_usulan_usulan_id'), ['usulan_id'], unique=False)

    op.create_table('langkah_usulan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('usulan_id', sa.Integer(), nullable=False),
    sa.Column('aksi', sa.String(length=30), nullable=False),
    sa.Column('dari', sa.String(length=24), nullable=True),
    sa.Column('ke', sa.String(length=24), nullable=False),
    sa.Column('oleh_id', sa.Integer(), nullable=True),
    sa.Column('peran', sa.String(length=20), nullable=True),
    sa.Column('pada', sa.DateTime(), nullable=False),
    sa.Column('catatan', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['oleh_id'], ['users.id'], name=op.f('fk_langkah_usulan_oleh_id_users')),
    sa.ForeignKeyConstraint(['usulan_id'], ['usulan.id'], name=op.f('fk_langkah_usulan_usulan_id_usulan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_langkah_usulan'))
    )
    with op.batch_alter_table('langkah_usulan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_langkah_usulan_usulan_id'), ['usulan_id'], unique=False)



def downgrade():
    with op.batch_alter_table('langkah_usulan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_langkah_usulan_usulan_id'))

    op.drop_table('langkah_usulan')
    with op.batch_alter_table('dokumen_usulan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dokumen_usulan_usulan_id'))

    op.drop_table('dokumen_usulan')
    with op.batch_alter_table('usulan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_usulan_tahap_id'))
        batch_op.drop_index('ix_usulan_status')

    op.drop_table('usulan')
    op.drop_table('tahap')
