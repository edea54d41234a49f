"""Forms render the fields and carry the CSRF token; the rules live in portal/kegiatan/service.py."""
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from portal.formulir import Formulir
from portal.models.kegiatan import JENIS_KEGIATAN, PERAN
from portal.models.posyandu import BIDANG
from portal.formulir import pilihan


class KegiatanForm(Formulir):
    """The sasaran checkboxes are drawn by the template (SASARAN) and read with getlist."""
    version = HiddenField()
    jenis = SelectField("Jenis kegiatan", choices=pilihan(JENIS_KEGIATAN), validate_choice=False)
    judul = StringField("Judul", description="Mis. Bimtek Peningkatan Kapasitas Kader Posyandu 6 SPM")
    penyelenggara = StringField("Penyelenggara", description="Instansi yang menyelenggarakan, mis. DPMD Kabupaten "
                                                             "Tabalong")
    tempat = StringField("Tempat")
    tanggal_mulai = StringField("Tanggal mulai", render_kw={"type": "date"})
    tanggal_selesai = StringField("Tanggal selesai", render_kw={"type": "date"},
                                  description="Setiap hari menjadi satu sesi dengan daftar hadirnya sendiri. "
                                              "Kegiatan satu hari: boleh dikosongkan.")
    wilayah_kode = StringField("Kode wilayah sasaran", render_kw={"inputmode": "decimal", "autocomplete": "off"},
                               description="Peserta berasal dari wilayah ini, mis. 63.09.12 (satu kecamatan).")
    kuota = StringField("Kuota peserta (opsional)", render_kw={"inputmode": "numeric"})
    syarat_hadir = StringField("Syarat sertifikat: hari hadir (opsional)", render_kw={"inputmode": "numeric"},
                               description="Kosongkan bila peserta harus hadir setiap hari.")
    penandatangan = StringField("Penandatangan (opsional)", description="Nama pejabat yang menandatangani daftar "
                                                                        "hadir dan sertifikat.")
    jabatan_penandatangan = StringField("Jabatan penandatangan (opsional)",
                                        description="Mis. Kepala DPMD Kabupaten Tabalong")
    keterangan = TextAreaField("Keterangan (opsional)")


class DiTempatForm(Formulir):
    nama = StringField("Nama peserta")
    asal_kode = SelectField("Asal", validate_choice=False)
    peran = SelectField("Peran", choices=pilihan(PERAN), validate_choice=False)
    bidang = SelectField("Bidang (untuk kader)", choices=pilihan(BIDANG, "—"), validate_choice=False)
    jabatan = StringField("Jabatan (opsional)", description="Seperti ditulis di daftar hadir, mis. Ketua TP Posyandu "
                                                            "Kecamatan Tanta")


class BatalForm(Formulir):
    version = HiddenField()
    alasan_batal = TextAreaField("Alasan pembatalan")
