"""Tim Pembina pages. bp: the staff pages under /pembina (the tim, its seats, the OPD register, the member import);
publik: /tim-pembina, the public pages and JSON."""
from flask import Blueprint

bp = Blueprint("pembina", __name__, url_prefix="/pembina")
publik = Blueprint("tim_pembina", __name__)

from portal.pembina.views import impor, kursi, opd, tim, umum  # noqa: E402,F401  (the routes)
