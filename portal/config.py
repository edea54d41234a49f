"""Defaults. instance/config.py, then PORTAL_* / FLASK_* environment variables, override them.

The settings marked [U] in DOMAIN.md are assumptions: they live here so a deployment can change them.
"""

# The plain environment variables DATABASE_URL, SECRET_KEY and RATELIMIT_STORAGE_URI override these too (create_app).
ENVIRONMENT_KEYS = ("DATABASE_URL", "SECRET_KEY", "RATELIMIT_STORAGE_URI")

# Database: SQLite at instance/portal.sqlite3 unless DATABASE_URL points elsewhere, e.g.
# postgresql://user:pass@host/dbname (psycopg 3).
DATABASE_URL = None
SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

# Required outside debug; create_app refuses to start without it.
SECRET_KEY = None

# Sessions live in signed cookies, so several workers on several machines share nothing.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = True  # relaxed only in debug; see create_app
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
PERMANENT_SESSION_LIFETIME = 60 * 60 * 12

# Redirect plain HTTP to HTTPS (leave off when nginx already does it).
FORCE_HTTPS = False
# Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto we trust (nginx: 1).
TRUSTED_PROXIES = 0
# The portal's public address, scheme and host (https://posyandu.example.go.id): the base of every absolute URL in an
# answer, e.g. "sumber" in /posyandu.json. Never taken from the Host header; unset, such URLs stay relative.
PUBLIC_URL = None

# CSRF tokens last as long as the session: a desa operator on a slow link may keep a form open for a long time.
WTF_CSRF_TIME_LIMIT = None
WTF_CSRF_HEADERS = ["X-CSRFToken"]

# Rate limits (Flask-Limiter). memory:// is per process; production uses Redis: redis://host:6379/0
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_HEADERS_ENABLED = False
# Failed logins only; a successful login costs nothing.
LOGIN_LIMIT_PER_USERNAME = "5 per 15 minutes"
LOGIN_LIMIT_PER_IP = "30 per 15 minutes"
# Wrong current passwords on /akun/password, per account (a stolen session cannot guess the password behind it).
PASSWORD_CHECK_LIMIT = "5 per 15 minutes"

# Compression (Flask-Compress): HTML, CSS, JS, JSON, CSV, SVG.
COMPRESS_MIMETYPES = [
    "text/html", "text/css", "text/csv", "application/javascript", "text/javascript",
    "application/json", "image/svg+xml",
]
COMPRESS_ALGORITHM = ["br", "gzip"]
COMPRESS_ALGORITHM_STREAMING = ["br", "deflate"]

# Times are stored in UTC and shown in this zone (Kalimantan Selatan: WITA).
TIMEZONE = "Asia/Makassar"
TIMEZONE_LABEL = "WITA"
# Days off beyond the public holidays the `holidays` package knows (cuti bersama, set yearly by joint decree), as ISO
# dates: due dates in hari kerja skip them too (portal/hari_kerja.py).
HARI_LIBUR_TAMBAHAN: list[str] = []

# Uploads (spreadsheet import, one dossier document): the largest request body accepted. Well above
# DOKUMEN_MAKS_MB, so a document a little too large is refused beside its field, not by a bare 413 page.
MAX_CONTENT_LENGTH = 12 * 1024 * 1024
# A dossier document (PDF, JPG or PNG) may be at most this large.
DOKUMEN_MAKS_MB = 5
# Where uploads wait (import files between preview and confirmation). None: instance/uploads. With several
# machines, a shared volume.
UPLOAD_FOLDER = None

PASSWORD_MIN_LENGTH = 10
# Werkzeug's scrypt: memory-hard, the strongest it offers.
PASSWORD_HASH_METHOD = "scrypt"
# Every paged list (directory, queues, kegiatan, peserta, accounts, histories) shows this many rows a page.
PER_HALAMAN = 25

# Domain assumptions [U] (DOMAIN.md): configurable, never law.
KADER_MINIMUM = 15
PILOT_TARGET_PER_KABUPATEN = 3
# The longest kegiatan (days; each day is a sesi with its own attendance column).
KEGIATAN_MAKS_HARI = 14
# The logo printed on every sertifikat: a path to an SVG, PNG or JPEG file (at most 100 KB; relative paths are read
# from the instance folder), inlined into the page. None: no logo.
SERTIFIKAT_LOGO = None
# A nomor registrasi from Kemendagri: {desa} stands for the Posyandu's own desa code (reportedly PP.KK.CC.DDDD.NNN).
NOMOR_REGISTRASI_PATTERN = r"^{desa}\.[0-9]{3}$"
# The documents a dossier needs before the desa may submit it (keys of models/registrasi.py JENIS_DOKUMEN). The list
# of pengurus and kader is not among them by default: the portal prints it from the profile.
REGISTRASI_DOKUMEN_WAJIB = ("berita_acara", "sk")
