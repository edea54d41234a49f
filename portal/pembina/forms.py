"""Forms render the fields and carry the CSRF token; the rules live in portal/pembina/aturan.py (the import uses them
too) and portal/pembina/opd.py, and the services check them again."""
from wtforms import (BooleanField, FileField, HiddenField, RadioField, SelectChoice, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.widgets import CheckboxInput, ListWidget

from portal.formulir import Formulir, pilihan
from portal.models.pembina import JABATAN_PEMBINA, UNSUR
from portal.models.posyandu import BIDANG

_TANGGAL = {"type": "date"}


class TimForm(Formulir):
    """A period of a tim: its SK. The file is optional here (it may come later on the tim's page)."""
    version = HiddenField()
    sk_nomor = StringField("Nomor SK", description="Seperti tertulis di SK, mis. 188.45/123/2025")
    sk_tanggal = StringField("Tanggal SK", render_kw=_TANGGAL)
    sk_penandatangan = StringField("Penandatangan SK", description="Gubernur, Bupati/Wali Kota, Camat, atau "
                                                                   "Kepala Desa/Lurah")
    masa_bakti_mulai = StringField("Masa bakti mulai", render_kw=_TANGGAL)
    masa_bakti_selesai = StringField("Masa bakti selesai", render_kw=_TANGGAL)
    pengukuhan_tanggal = StringField("Tanggal pengukuhan (opsional)", render_kw=_TANGGAL)
    keterangan = TextAreaField("Keterangan (opsional)", description="Tampil di halaman publik: jangan tulis "
                                                                    "nomor HP atau alamat.")


class TimBaruForm(TimForm):
    sebelumnya = HiddenField()  # the current period the form showed (service.buat_tim)
    salin_semua = BooleanField("Salin semua anggota periode sebelumnya",
                               description="Kursi ex officio selalu dibawa ke periode baru beserta pemegangnya.")
    berkas = FileField("Berkas SK (PDF atau foto, opsional)")


class BerkasForm(Formulir):
    berkas = FileField("Berkas SK (PDF atau foto)")


class KursiForm(Formulir):
    """A seat and the person in it. Bidang is for a koordinator, OPD for the unsur OPD; without JavaScript every field
    shows and the hints say when each applies."""
    version = HiddenField()
    jabatan = SelectField("Jabatan", choices=pilihan(JABATAN_PEMBINA), validate_choice=False)
    bidang = SelectField("Bidang (untuk koordinator bidang)", choices=pilihan(BIDANG, "—"), validate_choice=False)
    unsur = SelectField("Unsur", choices=pilihan(UNSUR), validate_choice=False)
    opd_id = SelectField("OPD (bila unsur perangkat daerah)", validate_choice=False)
    jabatan_dinas = StringField("Jabatan di dinas/lembaga (opsional)",
                                description="Seperti tertulis di SK, mis. Kepala DPMD Kabupaten Tabalong")
    ex_officio = BooleanField("Ex officio (kursi melekat pada jabatan)",
                              description="Bila pejabatnya berganti, kursi tetap dan pindah ke pejabat baru.")
    nama = StringField("Nama")
    telepon = StringField("Nomor HP (opsional)", render_kw={"inputmode": "tel", "autocomplete": "off"},
                          description="Hanya terlihat oleh petugas; tidak pernah tampil di halaman publik.")
    email = StringField("Email (opsional)", render_kw={"inputmode": "email", "autocomplete": "off"})
    mulai = StringField("Menjabat sejak (opsional)", render_kw=_TANGGAL)


class GantiForm(Formulir):
    version = HiddenField()
    nama = StringField("Nama pemegang baru")
    telepon = StringField("Nomor HP (opsional)", render_kw={"inputmode": "tel", "autocomplete": "off"})
    email = StringField("Email (opsional)", render_kw={"inputmode": "email", "autocomplete": "off"})
    mulai = StringField("Mulai menjabat", render_kw=_TANGGAL, description="Kosongkan untuk hari ini. Pemegang lama "
                                                                          "tetap tercatat di riwayat.")


class LepasForm(Formulir):
    version = HiddenField()
    cara = RadioField("Yang terjadi", choices=[
        SelectChoice("kosongkan", "Hanya pemegangnya berhenti: kursi tetap ada, kosong sampai ada pengganti"),
        SelectChoice("lepas", "Kursi dikeluarkan dari susunan tim (sifat ex officio-nya ikut hilang)")],
        default="lepas", validate_choice=False)
    alasan = TextAreaField("Alasan (opsional)", description="Mis. pensiun, mutasi, menunggu SK pengganti.")


class OpdForm(Formulir):
    """An office of the register. bidang: checkboxes, any key sent reaches the service, which refuses the unknown.
    asal: the values the edit form showed, for the three-way merge of a conflict (as kelola's EditForm)."""
    asal: dict[str, str] | None = None
    clashes: list[str] | None = None

    version = HiddenField()
    nama = StringField("Nama OPD", description="Mis. Dinas Kesehatan", render_kw={"maxlength": 200})
    singkatan = StringField("Singkatan", description="Mis. Dinkes. Tidak boleh sama dengan OPD lain di daftar ini.",
                            render_kw={"maxlength": 40, "autocapitalize": "none"})
    bidang = SelectMultipleField("Bidang SPM yang ditangani", choices=[SelectChoice(k, v) for k, v in BIDANG.items()],
                                 validate_choice=False, widget=ListWidget(prefix_label=False),
                                 option_widget=CheckboxInput(),
                                 description="Boleh lebih dari satu, atau tidak ada (mis. Bappeda).")
