from wtforms import SelectChoice, SelectField, StringField
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
    wilayah_kode = StringField("Kode wilayah", validators=[Length(max=13, message="Maksimal 13 karakter.")],
                               description="Kode Kemendagri bertitik, mis. 63.09.12 (kecamatan) atau 63.09.12.2003 "
                                           "(desa). Cari kode di halaman Wilayah.",
                               render_kw={"inputmode": "decimal", "autocomplete": "off"})

    def set_roles(self, roles: list[str]) -> None:
        # An empty first choice: nobody gets a role by not looking (and a required select must start with one).
        self.role.choices = [SelectChoice("", "Pilih peran…")] + [SelectChoice(r, ROLE_LABEL[r]) for r in roles]

