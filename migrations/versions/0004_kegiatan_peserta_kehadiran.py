"""kegiatan, peserta, kehadiran; audit_log.kegiatan_id; rekap_wilayah.kader_terlatih

kader_terlatih starts at 0 everywhere, which is right: no kegiatan exists before this revision.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 16:36:54.865467

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('kegiatan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jenis', sa.String(length=20), nullable=False),
    sa.Column('judul', sa.String(length=200), nullable=False),
    sa.Column('penyelenggara', sa.String(length=200), nullable=False),
    sa.Column('tempat', sa.String(length=200), nullable=False),
    sa.Column('tanggal_mulai', sa.Date(), nullable=False),
    sa.Column('tanggal_selesai', sa.Date(), nullable=False),
    sa.Column('wilayah_kode', sa.String(length=13).with_variant(sa.String(length=13, collation='C'), 'postgresql'), nullable=False),
    sa.Column('sasaran', sa.String(length=300), nullable=False),
    sa.Column('kuota', sa.Integer(), nullable=True),
    sa.Column('syarat_hadir', sa.Integer(), nullable=True),
    sa.Column('penandatangan', sa.String(length=120), nullable=True),
    sa.Column('jabatan_penandatangan', sa.String(length=200), nullable=True),
    sa.Column('keterangan', sa.Text(), nullable=True),
    sa.Column('dibatalkan', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('alasan_batal', sa.Text(), nullable=True),
    sa.Column('dibuat_oleh_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['dibuat_oleh_id'], ['users.id'], name=op.f('fk_kegiatan_dibuat_oleh_id_users')),
    sa.ForeignKeyConstraint(['wilayah_kode'], ['wilayah.kode'], name=op.f('fk_kegiatan_wilayah_kode_wilayah')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kegiatan'))
    )
    with op.batch_alter_table('kegiatan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kegiatan_dibuat_oleh_id'), ['dibuat_oleh_id'], unique=False)
        batch_op.create_index('ix_kegiatan_mulai', ['tanggal_mulai', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kegiatan_wilayah_kode'), ['wilayah_kode'], unique=False)

    op.create_table('peserta',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kegiatan_id', sa.Integer(), nullable=False),
    sa.Column('nama', sa.String(length=120), nullable=False),
    sa.Column('nama_lipat', sa.String(length=120), nullable=False),
    sa.Column('asal_kode', sa.String(length=13).with_variant(sa.String(length=13, collation='C'), 'postgresql'), nullable=False),
    sa.Column('peran', sa.String(length=20), nullable=False),
    sa.Column('bidang', sa.String(length=20), nullable=True),
    sa.Column('jabatan', sa.String(length=120), nullable=True),
    sa.Column('kader_id', sa.Integer(), nullable=True),
    sa.Column('pengurus_id', sa.Integer(), nullable=True),
    sa.Column('posyandu_id', sa.Integer(), nullable=True),
    sa.Column('kode_sertifikat', sa.String(length=16), nullable=False),
    sa.Column('hari_hadir', sa.Integer(), server_default='0', nullable=False),
    sa.Column('lulus', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('aktif', sa.Boolean(), nullable=False),
    sa.Column('didaftarkan_oleh_id', sa.Integer(), nullable=True),
    sa.Column('cara_daftar', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['asal_kode'], ['wilayah.kode'], name=op.f('fk_peserta_asal_kode_wilayah')),
    sa.ForeignKeyConstraint(['didaftarkan_oleh_id'], ['users.id'], name=op.f('fk_peserta_didaftarkan_oleh_id_users')),
    sa.ForeignKeyConstraint(['kader_id'], ['kader.id'], name=op.f('fk_peserta_kader_id_kader')),
    sa.ForeignKeyConstraint(['kegiatan_id'], ['kegiatan.id'], name=op.f('fk_peserta_kegiatan_id_kegiatan')),
    sa.ForeignKeyConstraint(['pengurus_id'], ['pengurus.id'], name=op.f('fk_peserta_pengurus_id_pengurus')),
    sa.ForeignKeyConstraint(['posyandu_id'], ['posyandu.id'], name=op.f('fk_peserta_posyandu_id_posyandu')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peserta')),
    sa.UniqueConstraint('kegiatan_id', 'kader_id', name='uq_peserta_kegiatan_kader'),
    sa.UniqueConstraint('kegiatan_id', 'pengurus_id', name='uq_peserta_kegiatan_pengurus'),
    sa.UniqueConstraint('kode_sertifikat', name=op.f('uq_peserta_kode_sertifikat'))
    )
    with op.batch_alter_table('peserta', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peserta_asal_kode'), ['asal_kode'], unique=False)
        batch_op.create_index(batch_op.f('ix_peserta_kader_id'), ['kader_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_peserta_kegiatan_id'), ['kegiatan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_peserta_pengurus_id'), ['pengurus_id'], unique=False)

    op.create_table('kehadiran',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('peserta_id', sa.Integer(), nullable=False),
    sa.Column('tanggal', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('cara', sa.String(length=10), nullable=False),
    sa.Column('dicatat_oleh_id', sa.Integer(), nullable=True),
    sa.Column('dicatat_pada', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['dicatat_oleh_id'], ['users.id'], name=op.f('fk_kehadiran_dicatat_oleh_id_users')),
    sa.ForeignKeyConstraint(['peserta_id'], ['peserta.id'], name=op.f('fk_kehadiran_peserta_id_peserta')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kehadiran')),
    sa.UniqueConstraint('peserta_id', 'tanggal', name=op.f('uq_kehadiran_peserta_id'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kegiatan_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_log_kegiatan_id'), ['kegiatan_id'], unique=False)

    with op.batch_alter_table('rekap_wilayah', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kader_terlatih', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('rekap_wilayah', schema=None) as batch_op:
        batch_op.drop_column('kader_terlatih')

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_kegiatan_id'))
        batch_op.drop_column('kegiatan_id')

    op.drop_table('kehadiran')
    with op.batch_alter_table('peserta', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peserta_pengurus_id'))
        batch_op.drop_index(batch_op.f('ix_peserta_kegiatan_id'))
        batch_op.drop_index(batch_op.f('ix_peserta_kader_id'))
        batch_op.drop_index(batch_op.f('ix_peserta_asal_kode'))

    op.drop_table('peserta')
    with op.batch_alter_table('kegiatan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kegiatan_wilayah_kode'))
        batch_op.drop_index('ix_kegiatan_mulai')
        batch_op.drop_index(batch_op.f('ix_kegiatan_dibuat_oleh_id'))

    op.drop_table('kegiatan')
