"""Tim Pembina Posyandu: the OPD register (opd), the tims and their periods (tim_pembina), seats (kursi_pembina),
the people in them (anggota_pembina), the SK documents (dokumen_sk_pembina), and peserta taken from a tim's members
(peserta.anggota_pembina_id)

New tables only, and one nullable column: nothing existing changes. The OPD register is filled by `flask wilayah
import` (and the button on the register page) for every provinsi and kabupaten/kota that has none.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 23:32:01.989229

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('opd',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wilayah_kode', sa.String(length=13).with_variant(sa.String(length=13, collation='C'), 'postgresql'), nullable=False),
    sa.Column('nama', sa.String(length=200), nullable=False),
    sa.Column('singkatan', sa.String(length=40), nullable=False),
    sa.Column('bidang', sa.String(length=120), nullable=False),
    sa.Column('urutan', sa.Integer(), nullable=False),
    sa.Column('aktif', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['wilayah_kode'], ['wilayah.kode'], name=op.f('fk_opd_wilayah_kode_wilayah')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opd')),
    sa.UniqueConstraint('wilayah_kode', 'singkatan', name='uq_opd_wilayah_singkatan')
    )
    op.create_table('tim_pembina',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wilayah_kode', sa.String(length=13).with_variant(sa.String(length=13, collation='C'), 'postgresql'), nullable=False),
    sa.Column('aktif', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('sk_nomor', sa.String(length=120), nullable=False),
    sa.Column('sk_tanggal', sa.Date(), nullable=False),
    sa.Column('sk_penandatangan', sa.String(length=120), nullable=False),
    sa.Column('masa_bakti_mulai', sa.Date(), nullable=False),
    sa.Column('masa_bakti_selesai', sa.Date(), nullable=False),
    sa.Column('pengukuhan_tanggal', sa.Date(), nullable=True),
    sa.Column('keterangan', sa.Text(), nullable=True),
    sa.Column('berakhir_pada', sa.DateTime(), nullable=True),
    sa.Column('ketua_terisi', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('bidang_kurang', sa.String(length=120), nullable=False),
    sa.Column('berkas_sk', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('dibuat_oleh_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['dibuat_oleh_id'], ['users.id'], name=op.f('fk_tim_pembina_dibuat_oleh_id_users')),
    sa.ForeignKeyConstraint(['wilayah_kode'], ['wilayah.kode'], name=op.f('fk_tim_pembina_wilayah_kode_wilayah')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tim_pembina'))
    )
    with op.batch_alter_table('tim_pembina', schema=None) as batch_op:
        batch_op.create_index('ix_tim_pembina_selesai', ['aktif', 'masa_bakti_selesai'], unique=False)
        batch_op.create_index('ix_tim_pembina_wilayah', ['wilayah_kode', 'aktif'], unique=False)
        batch_op.create_index('uq_tim_pembina_aktif', ['wilayah_kode'], unique=True, sqlite_where=sa.text('aktif'), postgresql_where=sa.text('aktif'))

    op.create_table('dokumen_sk_pembina',
    sa.Column('tim_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nama_berkas', sa.String(length=200), nullable=False),
    sa.Column('berkas', sa.String(length=64), nullable=False),
    sa.Column('tipe', sa.String(length=40), nullable=False),
    sa.Column('ukuran', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('aktif', sa.Boolean(), nullable=False),
    sa.Column('diunggah_oleh_id', sa.Integer(), nullable=True),
    sa.Column('diunggah_pada', sa.DateTime(), nullable=False),
    sa.Column('dinonaktifkan_pada', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['diunggah_oleh_id'], ['users.id'], name=op.f('fk_dokumen_sk_pembina_diunggah_oleh_id_users')),
    sa.ForeignKeyConstraint(['tim_id'], ['tim_pembina.id'], name=op.f('fk_dokumen_sk_pembina_tim_id_tim_pembina')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dokumen_sk_pembina')),
    sa.UniqueConstraint('berkas', name=op.f('uq_dokumen_sk_pembina_berkas'))
    )
    with op.batch_alter_table('dokumen_sk_pembina', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dokumen_sk_pembina_tim_id'), ['tim_id'], unique=False)

    op.create_table('kursi_pembina',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tim_id', sa.Integer(), nullable=False),
    sa.Column('jabatan', sa.String(length=20), nullable=False),
    sa.Column('bidang', sa.String(length=20), nullable=True),
    sa.Column('unsur', sa.String(length=20), nullable=False),
    sa.Column('opd_id', sa.Integer(), nullable=True),
    sa.Column('jabatan_dinas', sa.String(length=200), nullable=True),
    sa.Column('ex_officio', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('urutan', sa.Integer(), nullable=False),
    sa.Column('aktif', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['opd_id'], ['opd.id'], name=op.f('fk_kursi_pembina_opd_id_opd')),
    sa.ForeignKeyConstraint(['tim_id'], ['tim_pembina.id'], name=op.f('fk_kursi_pembina_tim_id_tim_pembina')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kursi_pembina'))
    )
    with op.batch_alter_table('kursi_pembina', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kursi_pembina_opd_id'), ['opd_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kursi_pembina_tim_id'), ['tim_id'], unique=False)

    op.create_table('anggota_pembina',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kursi_id', sa.Integer(), nullable=False),
    sa.Column('nama', sa.String(length=120), nullable=False),
    sa.Column('telepon', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=120), nullable=True),
    sa.Column('mulai', sa.Date(), nullable=True),
    sa.Column('selesai', sa.Date(), nullable=True),
    sa.Column('aktif', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('dicatat_oleh_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['dicatat_oleh_id'], ['users.id'], name=op.f('fk_anggota_pembina_dicatat_oleh_id_users')),
    sa.ForeignKeyConstraint(['kursi_id'], ['kursi_pembina.id'], name=op.f('fk_anggota_pembina_kursi_id_kursi_pembina')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_anggota_pembina'))
    )
    with op.batch_alter_table('anggota_pembina', schema=None) as batch_op:
        batch_op.create_index('ix_anggota_pembina_kursi', ['kursi_id', 'aktif'], unique=False)
        batch_op.create_index('uq_anggota_pembina_aktif', ['kursi_id'], unique=True, sqlite_where=sa.text('aktif'), postgresql_where=sa.text('aktif'))

    with op.batch_alter_table('peserta', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anggota_pembina_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_peserta_anggota_pembina_id'), ['anggota_pembina_id'], unique=False)
        batch_op.create_unique_constraint('uq_peserta_kegiatan_anggota_pembina', ['kegiatan_id', 'anggota_pembina_id'])
        batch_op.create_foreign_key(batch_op.f('fk_peserta_anggota_pembina_id_anggota_pembina'), 'anggota_pembina', ['anggota_pembina_id'], ['id'])



def downgrade():
    with op.batch_alter_table('peserta', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_peserta_anggota_pembina_id_anggota_pembina'), type_='foreignkey')
        batch_op.drop_constraint('uq_peserta_kegiatan_anggota_pembina', type_='unique')
        batch_op.drop_index(batch_op.f('ix_peserta_anggota_pembina_id'))
        batch_op.drop_column('anggota_pembina_id')

    with op.batch_alter_table('anggota_pembina', schema=None) as batch_op:
        batch_op.drop_index('uq_anggota_pembina_aktif', sqlite_where=sa.text('aktif'), postgresql_where=sa.text('aktif'))
        batch_op.drop_index('ix_anggota_pembina_kursi')

    op.drop_table('anggota_pembina')
    with op.batch_alter_table('kursi_pembina', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kursi_pembina_tim_id'))
        batch_op.drop_index(batch_op.f('ix_kursi_pembina_opd_id'))

    op.drop_table('kursi_pembina')
    with op.batch_alter_table('dokumen_sk_pembina', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dokumen_sk_pembina_tim_id'))

    op.drop_table('dokumen_sk_pembina')
    with op.batch_alter_table('tim_pembina', schema=None) as batch_op:
        batch_op.drop_index('uq_tim_pembina_aktif', sqlite_where=sa.text('aktif'), postgresql_where=sa.text('aktif'))
        batch_op.drop_index('ix_tim_pembina_wilayah')
        batch_op.drop_index('ix_tim_pembina_selesai')

    op.drop_table('tim_pembina')
    op.drop_table('opd')
