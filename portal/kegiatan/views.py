"""Kegiatan pages: the list, the event, its peserta, attendance per day (one tap per mark), QR check-in, the
printable daftar hadir, kartu and sertifikat, the recap and the exports; and the public sertifikat check."""
from __future__ import annotations

from datetime import date
from functools import wraps

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from portal import access, caching, halaman, tautan
from portal.domain import DomainError
from portal.extensions import db
from portal.formatting import hari_ini
from portal.kegiatan import laporan, service
from portal.kegiatan import riwayat as riwayat_kegiatan
from portal.kegiatan.forms import BatalForm, DiTempatForm, KegiatanForm
from portal.models.kegiatan import STATUS_HADIR, Kegiatan, Kehadiran, Peserta
from portal.models.wilayah import Wilayah, within_clause
from portal.formulir import pilihan
from portal.domain import ConflictError

bp = Blueprint("kegiatan", __name__, url_prefix="/kegiatan")
sertifikat_bp = Blueprint("sertifikat", __name__)
PER_HALAMAN = 25


def _kegiatan(kid: int, run: bool = False) -> Kegiatan:
    k = db.session.get(Kegiatan, kid)
    if k is None or not access.may_view_kegiatan(current_user, k):
        abort(404)
    if run and not access.may_run_kegiatan(current_user, k):
        access.deny(visible=True)
    return k


def _peserta(k: Kegiatan, pid: int) -> Peserta:
    p = db.session.get(Peserta, pid)
    if p is None or p.kegiatan_id != k.id:
        abort(404)
    return p


def _hari(k: Kegiatan, tanggal: str) -> date:
    try:
        day = date.fromisoformat(tanggal)
    except ValueError:
        abort(404)
    if day not in k.hari:
        abort(404)
    return day


def _errors(form, error: DomainError) -> int:
    """Puts a refusal beside its fields (or on top); returns the status to answer with."""
    if isinstance(error, ConflictError):
        flash(error.message)
        return 409
    errors = getattr(error, "errors", {})
    placed = "sasaran" in errors
    for name, message in errors.items():
        if hasattr(form, name):
            getattr(form, name).errors = [message]
            placed = True
    if not placed:
        flash(error.message)
    return 422


def _raw(form_class) -> dict:
    data = {name: request.form.get(name) for name in form_class().data if name != "csrf_token"}
    data["sasaran"] = request.form.getlist("sasaran")
    return data


# --- list, create, change -------------------------------------------------------------------------------------------

@bp.get("")
@access.staff(roles=access.PENYELENGGARA + access.PENGAMAT_KEGIATAN)
@caching.bersyarat()
def index():
    page = halaman.nomor()
    where = access.kegiatan_in_scope(current_user)
    total = db.session.scalar(select(func.count()).select_from(Kegiatan).where(where))
    today = hari_ini()
    rows = service.daftar_kegiatan(where, today, PER_HALAMAN, (page - 1) * PER_HALAMAN)
    return render_template("kegiatan/index.html", rows=rows, total=total, page=page, today=today,
                           pages=max((total + PER_HALAMAN - 1) // PER_HALAMAN, 1),
                           may_create=access.may_create_kegiatan(current_user))


def _form_page(form, k: Kegiatan | None, sasaran: list[str], error: DomainError | None, status: int):
    sasaran_error = getattr(error, "errors", {}).get("sasaran") if error else None
    return render_template("kegiatan/form.html", form=form, k=k, sasaran=sasaran,
                           sasaran_error=sasaran_error), status


@bp.route("/baru", methods=["GET", "POST"])
@access.staff(roles=access.PENYELENGGARA)
def create():
    form = KegiatanForm()
    status, error, sasaran = 200, None, request.form.getlist("sasaran")
    if request.method == "GET":
        form.wilayah_kode.data = current_user.wilayah_kode
        sasaran = ["kader"]
    else:
        try:
            k = service.buat(current_user, _raw(KegiatanForm))
        except DomainError as e:
            status, error = _errors(form, e), e
        else:
            flash("Kegiatan sudah dibuat. Tambahkan pesertanya.")
            return redirect(url_for(".detail", kid=k.id), 303)
    return _form_page(form, None, sasaran, error, status)


@bp.get("/<int:kid>")
@access.staff
def detail(kid: int):
    k = _kegiatan(kid)
    r = laporan.rekap(k)
    return render_template("kegiatan/detail.html", k=k, r=r, today=hari_ini(),
                           may_run=access.may_run_kegiatan(current_user, k))


@bp.route("/<int:kid>/ubah", methods=["GET", "POST"])
@access.staff(roles=access.PENYELENGGARA)
def edit(kid: int):
    k = _kegiatan(kid, run=True)
    status, error = 200, None
    if request.method == "GET":
        form, sasaran = KegiatanForm(obj=k), k.sasaran_list
    else:
        form, sasaran = KegiatanForm(), request.form.getlist("sasaran")
        try:
            service.ubah(current_user, k, _raw(KegiatanForm), form.version.data)
        except DomainError as e:
            status, error = _errors(form, e), e
            form.version.data = k.version
        else:
            flash("Kegiatan sudah disimpan.")
            return redirect(url_for(".detail", kid=k.id), 303)
    return _form_page(form, k, sasaran, error, status)


@bp.route("/<int:kid>/batal", methods=["GET", "POST"])
@access.staff(roles=access.PENYELENGGARA)
def cancel(kid: int):
    k = _kegiatan(kid, run=True)
    form = BatalForm(obj=k) if request.method == "GET" else BatalForm()
    status = 200
    if request.method == "POST":
        try:
            service.batalkan(current_user, k, form.alasan_batal.data, form.version.data)
        except DomainError as e:
            status = _errors(form, e)
        else:
            flash("Kegiatan dibatalkan. Datanya tetap tersimpan.")
            return redirect(url_for(".detail", kid=k.id), 303)
    return render_template("kegiatan/batal.html", k=k, form=form), status


# --- peserta --------------------------------------------------------------------------------------------------------

@bp.get("/<int:kid>/peserta")
@access.staff
@caching.pribadi
def peserta(kid: int):
    k = _kegiatan(kid)
    semua = laporan.peserta(k, aktif=False)
    return render_template("kegiatan/peserta.html", k=k, daftar=[p for p in semua if p.aktif],
                           keluar=[p for p in semua if not p.aktif],
                           may_run=access.may_run_kegiatan(current_user, k))


@bp.route("/<int:kid>/peserta/pilih", methods=["GET", "POST"])
@access.staff(roles=access.PENYELENGGARA)
@caching.pribadi
def pilih(kid: int):
    """Pick many kader or pengurus on record at once, by desa, role and name. The ticks travel in the form: a new
    filter, another page or 'pilih semua di desa ini' posts them and comes back with them still ticked; only
    'Tambahkan' (aksi=tambah, also the default of a bare post) adds them. Works the same without JavaScript."""
    k = _kegiatan(kid, run=True)
    args = request.form if request.method == "POST" else request.args  # a post's filters are the form's own
    peran = args.get("peran") if args.get("peran") in service.PILIHAN_PERAN else service.peran_bawaan(k)
    # No NUL or other control character reaches a query (PostgreSQL refuses NUL in text: a 500 found by the hostile suite).
    desa = "".join(c for c in str(args.get("desa", "")) if c.isprintable())[:13]
    q = "".join(c for c in str(args.get("q", "")) if c.isprintable()).strip()[:60]
    pilihan = service.Pilihan.dari_form(request.form.getlist("kader"), request.form.getlist("pengurus"))
    aksi = request.form.get("aksi", "tambah") if request.method == "POST" else None
    status, catatan = 200, None
    if aksi == "tambah":
        try:
            hasil = service.tambah_dari_data(current_user, k, request.form.getlist("kader"),
                                             request.form.getlist("pengurus"))
        except DomainError as e:
            flash(e.message)
            status = 422
        else:
            message = f"{len(hasil.ditambah)} peserta ditambahkan."
            if hasil.sudah:
                message += f" Sudah terdaftar sebelumnya: {', '.join(hasil.sudah)}."
            flash(message)
            if request.form.get("kembali") == "baru":  # from the registration desk's "same person?" offer
                return redirect(url_for(".daftar_baru", kid=k.id), 303)
            return redirect(url_for(".pilih", kid=k.id, peran=peran, desa=desa or None, q=q or None), 303)
    elif aksi == "hitung":  # a tick with JavaScript on: the running count only, the ticks stay as they are
        return render_template("kegiatan/_dipilih.html", jumlah=len(pilihan))
    elif aksi == "semua_desa":
        baru = pilihan.tambah(service.semua_di_desa(k, peran, desa, q))
        catatan = f"{baru} orang lagi dipilih di desa ini." if baru else "Semua di desa ini sudah dipilih."
    elif aksi == "kosongkan":
        pilihan = service.Pilihan()
    kandidat, total, page = service.kandidat_halaman(k, peran, desa, q, halaman.nomor(), PER_HALAMAN)
    pilihan, dipilih = service.terpilih(k, pilihan)
    shown = {(c.jenis, c.id) for c in kandidat}
    context = dict(k=k, kandidat=kandidat, total=total, page=page,
                   pages=max((total + PER_HALAMAN - 1) // PER_HALAMAN, 1), peran=peran, desa=desa, q=q,
                   pilihan=pilihan, catatan=catatan,
                   dipilih_lain=[c for c in dipilih if (c.jenis, c.id) not in shown],
                   pilihan_desa=laporan.desa_sasaran(k, limit=500), jumlah=service.jumlah_peserta(k),
                   pilihan_peran=service.PILIHAN_PERAN)
    if caching.fragmen():
        return render_template("kegiatan/_kandidat.html", **context), status
    return render_template("kegiatan/pilih.html", **context), status


@bp.route("/<int:kid>/peserta/baru", methods=["GET", "POST"])
@access.staff(roles=access.PENYELENGGARA)
@caching.pribadi
def daftar_baru(kid: int):
    """Register someone at the venue who is not on record (or whose record the organiser cannot find)."""
    k = _kegiatan(kid, run=True)
    form = DiTempatForm()
    desa = laporan.desa_sasaran(k, limit=500)
    # Tim Pembina come from a kecamatan: the target's own, or those inside it (none for a desa target).
    kecamatan = list(db.session.scalars(select(Wilayah).where(Wilayah.level == 3,
                                                              within_clause(Wilayah.kode, k.wilayah_kode))
                                        .order_by(Wilayah.kode)))
    form.asal_kode.choices = pilihan({w.kode: f"{w.nama_lengkap} ({w.kode})" for w in kecamatan + desa})
    status, mirip = 200, []
    if request.method == "POST":
        try:
            p = service.daftar_di_tempat(current_user, k, {f: request.form.get(f) for f in service.DI_TEMPAT}
                                         | {"asal_kode": request.form.get("asal_kode")},
                                         tetap_baru=request.form.get("tetap_baru") == "1")
        except service.MungkinSama as e:
            mirip, status = e.kandidat, 422
        except DomainError as e:
            status = _errors(form, e)
        else:
            flash(f"{p.nama} terdaftar sebagai peserta.")
            return redirect(url_for(".daftar_baru", kid=k.id), 303)
    return render_template("kegiatan/daftar_baru.html", k=k, form=form, mirip=mirip), status


@bp.post("/<int:kid>/peserta/<int:pid>/keluarkan")
@access.staff(roles=access.PENYELENGGARA)
def keluarkan(kid: int, pid: int):
    k = _kegiatan(kid, run=True)
    p = _peserta(k, pid)
    try:
        service.keluarkan(current_user, p)
    except DomainError as e:
        flash(e.message)
    else:
        flash(f"{p.nama} dikeluarkan dari daftar peserta. Data dan kehadirannya tetap tersimpan; tambahkan lagi "
              "(dari data, atau daftarkan di tempat) untuk memulihkannya.")
    return redirect(url_for(".peserta", kid=k.id), 303)


# --- attendance -----------------------------------------------------------------------------------------------------

@bp.get("/<int:kid>/hadir")
@access.staff
def hadir_hari_ini(kid: int):
    """The sesi of today when the kegiatan runs today, else its first day."""
    k = _kegiatan(kid)
    today = hari_ini()
    day = today if today in k.hari else k.tanggal_mulai
    return redirect(url_for(".hadir", kid=k.id, tanggal=day.isoformat()))


def _hitung(k: Kegiatan, day: date) -> dict[str, int]:
    counts = dict(db.session.execute(
        select(Kehadiran.status, func.count()).join(Peserta)
        .where(Peserta.kegiatan_id == k.id, Peserta.aktif.is_(True), Kehadiran.tanggal == day)
        .group_by(Kehadiran.status)).all())
    total = service.jumlah_peserta(k)
    return {"peserta": total, **{s: counts.get(s, 0) for s in STATUS_HADIR},
            "belum": total - sum(counts.get(s, 0) for s in STATUS_HADIR)}


@bp.get("/<int:kid>/hadir/<tanggal>")
@access.staff
@caching.pribadi
def hadir(kid: int, tanggal: str):
    k = _kegiatan(kid)
    day = _hari(k, tanggal)
    q = request.args.get("q", "").strip()[:60]
    daftar = laporan.peserta(k)
    if q:
        daftar = [p for p in daftar if q.lower() in p.nama.lower()]
    desa = laporan.nama_wilayah({p.asal_kode for p in daftar})
    belum_tiba = day > hari_ini()  # a day to come is shown read-only: nobody can be marked yet
    context = dict(k=k, day=day, daftar=daftar, q=q, desa=desa, hitung=_hitung(k, day), belum_tiba=belum_tiba,
                   marks={p.id: laporan.tanda_per_hari(p).get(day) for p in daftar},
                   may_run=access.may_run_kegiatan(current_user, k) and not k.dibatalkan and not belum_tiba)
    if caching.fragmen():
        return render_template("kegiatan/_hadir_list.html", **context)
    return render_template("kegiatan/hadir.html", **context)


@bp.post("/<int:kid>/hadir/<tanggal>")
@access.staff(roles=access.PENYELENGGARA)
@caching.pribadi
def tandai(kid: int, tanggal: str):
    """One tap: t = '<peserta id>:<status>'. htmx gets the peserta's row back (and the day's counts); without
    JavaScript the list reloads at that row."""
    k = _kegiatan(kid, run=True)
    day = _hari(k, tanggal)
    pid, _, status = (request.form.get("t") or "").partition(":")
    p = _peserta(k, service.baca_id(pid) or abort(400))
    try:
        tanda = service.tandai(current_user, p, day, status, hari_ini=hari_ini())
    except DomainError as e:
        if not caching.fragmen():
            flash(e.message)
            return redirect(url_for(".hadir", kid=k.id, tanggal=day.isoformat(), q=request.form.get("q") or None),
                            303)
        return render_template("kegiatan/_hadir_row.html", k=k, day=day, p=p, mark=_mark(p, day),
                               may_run=day <= hari_ini() and not k.dibatalkan, notice=e.message), 422
    if caching.fragmen():
        return render_template("kegiatan/_hadir_row.html", k=k, day=day, p=p, mark=tanda.kehadiran, may_run=True,
                               hitung_baru=_hitung(k, day))
    return redirect(url_for(".hadir", kid=k.id, tanggal=day.isoformat(), q=request.form.get("q") or None,
                            _anchor=f"p{p.id}"), 303)


def _mark(p: Peserta, day: date) -> Kehadiran | None:
    return db.session.scalar(select(Kehadiran).where(Kehadiran.peserta_id == p.id, Kehadiran.tanggal == day))


def _kartu_untuk_panitia(view):
    """Someone not logged in who scans a peserta's card (often the peserta) learns what the card is for, and a
    panitia is offered the login that comes back here; nothing about the peserta is shown."""
    @wraps(view)
    def wrapper(token: str):
        if request.method == "GET" and not access.is_staff(current_user):
            return render_template("kegiatan/qr_tamu.html", masuk=url_for("auth.login", next=request.path)), 200, \
                {"Cache-Control": "no-store"}
        return view(token)
    return wrapper


@bp.route("/qr/<token>", methods=["GET", "POST"])
@_kartu_untuk_panitia
@access.staff(roles=access.PENYELENGGARA)
@caching.pribadi
def qr(token: str):
    """The URL on a peserta's card. Opening it shows who it is and today's mark; one tap marks them present."""
    try:
        p = service.peserta_dari_token(token)
    except DomainError as e:
        return render_template("kegiatan/qr.html", error=e.message, p=None, k=None), 404
    k = p.kegiatan
    if not access.may_view_kegiatan(current_user, k):
        abort(404)
    if not access.may_run_kegiatan(current_user, k):
        access.deny(visible=True)
    today, error, status = hari_ini(), None, 200
    try:
        service.berlaku_hari_ini(k, today)
        if request.method == "POST":
            tanda = service.check_in(current_user, p, today)
            flash(f"{p.nama} tercatat hadir." if tanda.berubah else f"{p.nama} sudah tercatat hadir sebelumnya.")
            return redirect(url_for(".qr", token=token), 303)
    except DomainError as e:
        error, status = e.message, 422 if request.method == "POST" else 410
    return render_template("kegiatan/qr.html", p=p, k=k, error=error, today=today,
                           mark=_mark(p, today) if today in k.hari else None), status


# --- outputs --------------------------------------------------------------------------------------------------------

@bp.get("/<int:kid>/kartu")
@access.staff
@caching.pribadi
def kartu(kid: int):
    """Printable cards, eight to an A4 page: name, asal, and the QR code that checks the peserta in (inline: the
    page is one request)."""
    k = _kegiatan(kid)
    daftar = laporan.peserta(k)
    qr = {p.id: laporan.qr_inline(tautan.cetak(".qr", token=service.token_qr(p)),
                                  f"Kode QR check-in {p.nama}") for p in daftar}
    return render_template("kegiatan/kartu.html", k=k, daftar=daftar, qr=qr)


@bp.get("/<int:kid>/daftar-hadir")
@access.staff
@caching.pribadi
def daftar_hadir(kid: int):
    k = _kegiatan(kid)
    daftar = laporan.peserta(k)
    return render_template("kegiatan/daftar_hadir.html", k=k, daftar=daftar, tempat_terbit=laporan.tempat_terbit(k),
                           kecamatan=laporan.nama_wilayah({p.asal_kode[:8] for p in daftar}))


def _sertifikat(k: Kegiatan, daftar: list[Peserta]):
    qr = {p.id: laporan.qr_inline(tautan.cetak("sertifikat.verifikasi", kode=p.kode_sertifikat),
                                  "Kode QR verifikasi sertifikat") for p in daftar}
    kecamatan = laporan.nama_wilayah({p.asal_kode[:8] for p in daftar})
    return render_template("kegiatan/sertifikat.html", k=k, daftar=daftar, tampil_kode=service.tampil_kode, qr=qr,
                           nomor=laporan.nomor_sertifikat(k), tempat_terbit=laporan.tempat_terbit(k),
                           logo=laporan.logo_sertifikat(), kecamatan=kecamatan, cek=tautan.cetak("sertifikat.cek"))


@bp.get("/<int:kid>/sertifikat")
@access.staff
@caching.pribadi
def sertifikat_semua(kid: int):
    """Every sertifikat earned, one A4 landscape page each, to print in one go."""
    k = _kegiatan(kid)
    return _sertifikat(k, [p for p in laporan.peserta(k) if p.lulus and not k.dibatalkan])


@bp.get("/<int:kid>/sertifikat/<int:pid>")
@access.staff
@caching.pribadi
def sertifikat(kid: int, pid: int):
    k = _kegiatan(kid)
    p = _peserta(k, pid)
    if not p.lulus or not p.aktif or k.dibatalkan:
        flash(f"{p.nama} belum memenuhi syarat sertifikat: hadir {p.hari_hadir} dari {k.syarat} hari yang "
              "disyaratkan.")
        return redirect(url_for(".peserta", kid=k.id), 303)
    return _sertifikat(k, [p])


@bp.get("/<int:kid>/rekap")
@access.staff
@caching.pribadi
def rekap(kid: int):
    k = _kegiatan(kid)
    return render_template("kegiatan/rekap.html", k=k, r=laporan.rekap(k))


def _nama_berkas(k: Kegiatan, ext: str) -> str:
    return f"kehadiran-kegiatan-{k.id}-{k.tanggal_mulai.isoformat()}.{ext}"


EKSPOR = {"csv": ("text/csv", laporan.csv_kehadiran),
          "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", laporan.xlsx_kehadiran)}


@bp.get("/<int:kid>/kehadiran.<any(csv, xlsx):ext>")
@access.staff
@caching.pribadi
def kehadiran(kid: int, ext: str):
    """Attendance, one row per peserta and one column per day: CSV, or XLSX under a title block."""
    k = _kegiatan(kid)
    mimetype, isi = EKSPOR[ext]
    return Response(isi(k), mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{_nama_berkas(k, ext)}"',
                             "Cache-Control": "private, no-store"})


@bp.get("/<int:kid>/riwayat")
@access.staff
@caching.pribadi
def riwayat(kid: int):
    k = _kegiatan(kid)
    page = halaman.nomor()
    entries, pages = riwayat_kegiatan.entries(k.id, page, access.may_see_personal_data(current_user, k.wilayah_kode))
    return render_template("kegiatan/riwayat.html", k=k, entries=entries, page=page, pages=pages)


# --- public: is this sertifikat real? -------------------------------------------------------------------------------

@sertifikat_bp.get("/sertifikat")
@access.public
def cek():
    kode = service.baca_kode(request.args.get("kode"))
    if kode:
        return redirect(url_for(".verifikasi", kode=kode))
    if "kode" in request.args:
        flash("Tulis kode verifikasi yang tercetak pada sertifikat.")
    return render_template("kegiatan/verifikasi.html", p=None, kode="", dicari=False)


@sertifikat_bp.get("/sertifikat/<kode>")
@access.public
def verifikasi(kode: str):
    """Confirms a sertifikat by the code printed on it. The name is shown masked: the person holding the paper can
    compare it, nobody can harvest names (UU 27/2022)."""
    wanted = service.baca_kode(kode)
    p = db.session.scalar(select(Peserta).where(Peserta.kode_sertifikat == wanted)) if wanted else None
    sah = p is not None and p.lulus and p.aktif and not p.kegiatan.dibatalkan
    return render_template("kegiatan/verifikasi.html", p=p if sah else None, kode=service.tampil_kode(wanted),
                           dicari=True, tampil_kode=service.tampil_kode), 200 if sah else 404

