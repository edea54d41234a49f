from wtforms import PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from portal.formulir import Formulir

WAJIB = "Wajib diisi."


class LoginForm(Formulir):
    username = StringField("Nama pengguna", validators=[InputRequired(WAJIB), Length(max=64)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})
    password = PasswordField("Kata sandi", validators=[InputRequired(WAJIB), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})


class PasswordForm(Formulir):
    current_password = PasswordField("Kata sandi saat ini", validators=[InputRequired(WAJIB), Length(max=200)],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField("Kata sandi baru", validators=[InputRequired(WAJIB), Length(max=200)],
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Ulangi kata sandi baru", validators=[
        InputRequired(WAJIB), EqualTo("new_password", "Ulangan kata sandi tidak sama.")],
        render_kw={"autocomplete": "new-password"})
