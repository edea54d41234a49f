"""Forms render the fields and carry the CSRF token; the rules themselves live in rules.py (shared with the import)."""
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from portal.formulir import Formulir, pilihan
from portal.models.posyandu import BIDANG, JABATAN, JENIS_KELAMIN, LEVEL_KADER


class EditForm(Formulir):
    """A form of a stored record: asal holds the values it showed, for the three-way merge of a conflict."""
    asal: dict[str, str] | None = None
    clashes: list[str] | None = None


class ProfilForm(EditForm):
    version = HiddenField()
    nama = StringField("Nama Posyandu", description="Mis. Posyandu Melati 1")
    dusun = StringField("Dusun / lingkungan")
    rt = StringField("RT", render_kw={"inputmode": "numeric", "maxlength": 3})
    rw = StringField("RW", render_kw={"inputmode": "numeric", "maxlength": 3})
    alamat = StringField("Alamat / patokan", description="Nama jalan atau bangunan yang mudah dikenali.")
    hari_buka = StringField("Hari buka", description="Mis. Setiap tanggal 10, pukul 08.00–12.00")
    kontak = StringField("Telepon Posyandu", render_kw={"inputmode": "tel", "autocomplete": "off"},
                         description="Tidak ditampilkan di halaman publik.")
    sk_nomor = StringField("Nomor SK pembentukan")
    sk_tanggal = StringField("Tanggal SK", render_kw={"type": "date"})
    musdes_tanggal = StringField("Tanggal musyawarah desa (berita acara)", render_kw={"type": "date"})
    latitude = StringField("Lintang (opsional)", render_kw={"inputmode": "decimal"}, description="Mis. -2.1534")
    longitude = StringField("Bujur (opsional)", render_kw={"inputmode": "decimal"}, description="Mis. 115.3821")


class KaderForm(EditForm):
    version = HiddenField()
    nama = StringField("Nama kader")
    jenis_kelamin = SelectField("Jenis kelamin", choices=pilihan(JENIS_KELAMIN), validate_choice=False)
    bidang = SelectField("Bidang", choices=pilihan(BIDANG), validate_choice=False,
                         description="Setiap kader melayani satu bidang saja.")
    level = SelectField("Level Kemenkes (kader kesehatan)", choices=pilihan(LEVEL_KADER, "—"), validate_choice=False)
    tanggal_lahir = StringField("Tanggal lahir (opsional)", render_kw={"type": "date"})
    telepon = StringField("Telepon (opsional)", render_kw={"inputmode": "tel", "autocomplete": "off"},
                          description="Kosongkan bila kader tidak punya ponsel.")
    nik = StringField("NIK (opsional)", render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 20})


class PengurusForm(EditForm):
    version = HiddenField()
    jabatan = SelectField("Jabatan", choices=pilihan(JABATAN), validate_choice=False)
    bidang = SelectField("Bidang (untuk koordinator)", choices=pilihan(BIDANG, "—"),
                         validate_choice=False)
    nama = StringField("Nama")
    jenis_kelamin = SelectField("Jenis kelamin", choices=pilihan(JENIS_KELAMIN, "—"),
                                validate_choice=False)
    telepon = StringField("Telepon (opsional)", render_kw={"inputmode": "tel", "autocomplete": "off"})
    alamat = StringField("Alamat (opsional)", description="Pengurus boleh tinggal di luar desa.")


class TutupForm(Formulir):
    version = HiddenField()
    ditutup_tanggal = StringField("Tanggal nonaktif", render_kw={"type": "date"})
    alasan_tutup = TextAreaField("Alasan", description="Mis. digabung ke Posyandu Melati 1 sesuai SK Kepala Desa …")


class VersionForm(Formulir):
    """The buttons that change state (pilot, deactivate): the CSRF token and the version seen."""
    version = HiddenField()


