"""Forms render the fields and carry the CSRF token; the rules live in the services (portal/pembina/opd.py)."""
from wtforms import HiddenField, SelectChoice, SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget

from portal.formulir import Formulir
from portal.models.posyandu import BIDANG


class OpdForm(Formulir):
    """An office of the register. bidang: checkboxes, any key sent reaches the service, which refuses the unknown.
    asal: the values the edit form showed, for the three-way merge of a conflict (as kelola's EditForm)."""
    asal: dict[str, str] | None = None
    clashes: list[str] | None = None

    version = HiddenField()
    nama = StringField("Nama OPD", description="Mis. Dinas Kesehatan", render_kw={"maxlength": 200})
    singkatan = StringField("Singkatan", description="Mis. Dinkes. Tidak boleh sama dengan OPD lain di daftar ini.",
                            render_kw={"maxlength": 40, "autocapitalize": "none"})
    bidang = SelectMultipleField("Bidang SPM yang ditangani", choices=[SelectChoice(k, v) for k, v in BIDANG.items()], validate_choice=False,
                                 widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                 description="Boleh lebih dari satu, atau tidak ada (mis. Bappeda).")
