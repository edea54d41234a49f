"""The Posyandu 6 SPM portal."""
import os

from flask import Flask, has_request_context, request
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from portal.models.base import ID_MAKS
from portal.extensions import compress, csrf, db, limiter, login_manager, migrate, talisman
from portal import transaksi

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


class RecordId(IntegerConverter):
    """<int:…> in every URL: a number beyond the integer keys' range is simply not found (404), never a database
    error; so is one written with other digits than 0-9 ('２', '٢': werkzeug's \\d takes them) or with leading zeros
    (one record, one address)."""
    regex = r"[1-9][0-9]*"

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", ID_MAKS)
        super().__init__(url_map, *args, **kwargs)


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True, static_folder=None,
                template_folder=os.path.join(os.path.dirname(__file__), os.pardir, "templates"))
    app.url_map.converters["int"] = RecordId
    _configure(app, test_config)
    _init_extensions(app)

    from portal import access, assets, caching, cli, errors, formatting, formulir, rekap
    from portal.auth.views import bp as auth_bp
    from portal.beranda.views import bp as beranda_bp
    from portal.direktori.views import bp as direktori_bp
    from portal.kelola.impor.views import bp as impor_bp
    from portal.kegiatan.views import bp as kegiatan_bp
    from portal.sertifikat.views import bp as sertifikat_bp
    from portal.pembina.views import bp as pembina_bp, publik as tim_pembina_bp
    from portal.pengguna.views import bp as pengguna_bp
    from portal.kelola.views import bp as kelola_bp
    from portal.laporan.views import bp as laporan_bp
    from portal.public.views import bp as public_bp
    from portal.registrasi.views import bp as registrasi_bp
    from portal.wilayah.views import bp as wilayah_bp

    for bp in (public_bp, direktori_bp, wilayah_bp, auth_bp, beranda_bp, pengguna_bp, kelola_bp, impor_bp, kegiatan_bp,
               sertifikat_bp, registrasi_bp, pembina_bp, tim_pembina_bp, laporan_bp):
        app.register_blueprint(bp)
    assets.init_app(app, os.path.join(app.root_path, os.pardir, "static"))
    app.config.setdefault("SIDIK_KODE", caching.sidik_kode(os.path.join(app.root_path, os.pardir)))
    formatting.init_app(app)
    app.context_processor(access.template_questions)
    errors.init_app(app)
    cli.init_app(app)
    rekap.init_app(app)
    app.before_request(formulir.hanya_formulir)
    app.after_request(_vary_on_htmx)
    app.after_request(caching.staf)
    return app


def _configure(app: Flask, test_config) -> None:
    app.config.from_object("portal.config")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("PORTAL")
        app.config.from_prefixed_env("FLASK")
        app.config.update({k: os.environ[k] for k in app.config["ENVIRONMENT_KEYS"] if os.environ.get(k)})
    else:
        app.config.from_mapping(test_config)

    url = app.config.get("SQLALCHEMY_DATABASE_URI") or app.config.get("DATABASE_URL")
    if not url:
        os.makedirs(app.instance_path, exist_ok=True)
        url = "sqlite:///" + os.path.join(app.instance_path, "portal.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(url)
    if url.startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**app.config["SQLALCHEMY_ENGINE_OPTIONS"],
                                                   "connect_args": {"timeout": 15}}

    if not app.config.get("SECRET_KEY"):
        if not (app.debug or app.testing):
            raise RuntimeError("SECRET_KEY belum diatur: set SECRET_KEY (atau PORTAL_SECRET_KEY) sebelum menjalankan "
                               "portal di luar mode debug.")
        app.config["SECRET_KEY"] = os.urandom(32).hex()
    if app.debug:
        app.config["SESSION_COOKIE_SECURE"] = False
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]

    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def normalize_database_url(url: str) -> str:
    """postgres:// and postgresql:// both mean psycopg 3 here."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, os.pardir, "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CSP,
        frame_options="DENY",
        referrer_policy="same-origin",
        strict_transport_security=True,
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Silakan masuk untuk membuka halaman itu."

    from portal.auth.service import load_user
    login_manager.user_loader(load_user)

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
            event.listen(db.engine, "begin", _sqlite_begin)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn) -> None:
    """A request that may write takes SQLite's write lock when its transaction starts. Left to the driver, it reads
    first and asks for the lock at its first write; that fails at once (SQLITE_BUSY_SNAPSHOT, no waiting) when another
    request committed in between. Taken up front, it waits its turn (busy_timeout): concurrent writes queue instead
    of failing. Reads (GET, the command line, a POST's phase marked transaksi.tanpa_kunci()) keep the driver's lazy
    transactions."""
    if has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS") and not transaksi.membaca():
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _vary_on_htmx(response):
    response.vary.add("HX-Request")
    return response
