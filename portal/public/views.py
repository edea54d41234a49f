from flask import Blueprint, jsonify, render_template
from sqlalchemy import text

from portal import access, caching, rekap
from portal.extensions import db

bp = Blueprint("public", __name__)


@bp.get("/")
@access.public
@caching.bersyarat()
def home():
    return render_template("public/home.html", totals=rekap.wilayah())


@bp.get("/healthz")
@access.public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means the database is not usable
        db.session.rollback()
        database = "error"
    ok = database == "ok"
    response = jsonify(status="ok" if ok else "error", database=database, dialect=db.engine.dialect.name)
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
