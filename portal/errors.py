"""Friendly error pages in Indonesian; never a stack trace."""
from flask import current_app, render_template
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from portal.extensions import db

MESSAGES = {
    400: ("Permintaan tidak valid", "Permintaan yang dikirim tidak dapat diproses. Muat ulang halaman lalu coba lagi."),
    403: ("Akses ditolak", "Akun Anda tidak berwenang melakukan tindakan ini."),
    404: ("Halaman tidak ditemukan", "Alamat yang Anda buka tidak ada."),
    405: ("Metode tidak diizinkan", "Tindakan ini tidak dapat dilakukan dengan cara tersebut."),
    413: ("Berkas terlalu besar", "Berkas yang diunggah melebihi batas ukuran. Kembali ke halaman sebelumnya, lalu "
                                  "pilih berkas yang lebih kecil (dokumen PDF atau foto paling besar {DOKUMEN_MAKS_MB} MB)."),
    415: ("Isian tidak dikenali", "Portal hanya menerima isian dari formulirnya (bukan JSON atau jenis isi lain). Buka "
                                  "halamannya, lalu kirim formulir di sana."),
    422: ("Data belum benar", "Periksa kembali isian Anda."),
    429: ("Terlalu banyak percobaan", "Terlalu banyak permintaan dalam waktu singkat. Tunggu beberapa menit lalu coba lagi."),
    500: ("Terjadi kesalahan", "Terjadi kesalahan di server. Tidak ada data yang berubah. Coba lagi nanti; "
                               "bila berulang, hubungi admin portal."),
}


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if code == 413:  # the limit it states is the configuration's (registrasi/dokumen.py refuses by it)
        message = message.format(DOKUMEN_MAKS_MB=current_app.config["DOKUMEN_MAKS_MB"])
    if code == 404 and current_user.is_authenticated:
        message = "Alamat yang Anda buka tidak ada, atau berada di luar wilayah kerja Anda."
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def init_app(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_error(400, "Sesi formulir sudah kedaluwarsa atau tidak sah. Muat ulang halaman lalu kirim lagi.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code and error.code < 400:
            return error
        return render_error(error.code or 500)

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):
        """The database went away (a restart, a failover): a clear 503 that needs no database itself (no layout,
        which would load the user). The transaction was not committed, so nothing changed."""
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - the connection is gone; the pool replaces it on the next checkout
            db.session.invalidate()
        app.logger.warning("Database unavailable: %s", error.orig)
        # Straight from Jinja: render_template's context processors would load current_user from the database.
        return app.jinja_env.get_template("errors/basis_data.html").render(), 503, {"Retry-After": "10"}

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error", exc_info=error)
        return render_error(500)
