from flask import Blueprint, jsonify, render_template

from portal import access, caching, rekap
from portal.public import service

bp = Blueprint("public", __name__)


@bp.get("/")
@access.public
@caching.bersyarat()
def home():
    return render_template("public/home.html", totals=rekap.wilayah())


@bp.get("/healthz")
@access.public
def healthz():
    ok = service.database_ok()
    response = jsonify(status="ok" if ok else "error", database="ok" if ok else "error", dialect=service.dialect())
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
