from flask import Blueprint, render_template

from portal import access

bp = Blueprint("impor", __name__, url_prefix="/kelola/impor")


@bp.get("")
@access.staff(roles=access.EDITORS)
def index():
    return render_template("impor/index.html")
