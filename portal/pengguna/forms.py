from wtforms import SearchField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length

from portal.formulir import Formulir
from portal.models.user import ROLE_LABEL

WAJIB = "Wajib diisi."


class UserForm(Formulir):
    username = StringField("Nama pengguna", validators=[InputRequired(WAJIB), Length(max=64, message="Maksimal 64 karakter.")],
                           description="Huruf kecil, angka, titik, garis bawah atau tanda hubung. Contoh: desa.hapalah",
                           render_kw={"autocapitalize": "none", "spellcheck": "false", "autocomplete": "off"})
    name = StringField("Nama lengkap", validators=[InputRequired(WAJIB), Length(max=120, message="Maksimal 120 karakter.")])
    role = SelectField("Peran", validators=[InputRequired(WAJIB)], validate_choice=False)
    # The region is picked from a search (wilayah_cari, then a radio wilayah_pilih); the typed code stays for those
    # who know it. A region picked in the list wins over the typed code.
    wilayah_cari = SearchField("Cari wilayah", validators=[Length(max=100, message="Maksimal 100 karakter.")],
                               description="Ketik minimal 3 huruf nama desa, kelurahan, kecamatan atau kabupaten, "
                                           "lalu pilih dari daftar.",
                               render_kw={"autocomplete": "off", "placeholder": "mis. Tanjung"})
    wilayah_kode = StringField("Atau ketik kode wilayah", validators=[Length(max=13, message="Maksimal 13 karakter.")],
                               description="Kode Kemendagri bertitik, mis. 63.09.12 (kecamatan) atau 63.09.12.2003 "
                                           "(desa). Wilayah yang dipilih dari daftar di atas didahulukan.",
                               render_kw={"inputmode": "decimal", "autocomplete": "off"})

    def set_roles(self, roles: list[str]) -> None:
        # An empty first choice: nobody gets a role by not looking (and a required select must start with one).
        self.role.choices = [SelectChoice("", "Pilih peran…")] + [SelectChoice(r, ROLE_LABEL[r]) for r in roles]

