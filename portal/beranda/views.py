from flask import Blueprint, render_template
from flask_login import current_user

from portal import access, rollup

bp = Blueprint("beranda", __name__, url_prefix="/beranda")


@bp.get("")
@access.staff
def index():
    return render_template("beranda/index.html", totals=rollup.totals(current_user.scope),
                           may_manage_users=access.may_manage_users(current_user))
