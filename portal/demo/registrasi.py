"""Demo registration data for Kabupaten Tabalong, as reported (DOMAIN.md §5): "Usulan Tahap I" sent to Kemendagri
with 206 Posyandu in 87 desa/kelurahan, some of them numbered since; the other 82 Posyandu spread over draf, diajukan,
dikembalikan and the verified states.

Tahap I was put together on paper before the portal: its usulan carry one step "recorded from the paper tahap" and no
uploaded documents. The 82 later ones went through the portal's steps, recorded under the demo account whose region
holds the Posyandu (the desa submits, the kecamatan checks or returns, the kabupaten verifies), else as the system,
since the demo has no account for most desa; those past draf carry placeholder PDF documents that say they are demo
data. The demo desa has one complete draf ready to submit (its documents uploaded), one dossier waiting for the
kecamatan, and one returned by the kecamatan with its reason.

The reports do not say which 87 desa, nor how many numbers came back: the desa are drawn by the seed, all
their Posyandu adding up to 206 (DOMAIN.md §5 gives the remaining 82 in 36 desa; with a Posyandu in each of Tabalong's
131 desa, the remaining 82 here lie in the other 44), and TAHAP_I_BERNOMOR is an assumption.
"""
from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import access, kelengkapan
from portal.demo.baris import utc
from portal.demo.provinsi import TABALONG
from portal.extensions import db
from portal.formatting import angka
from portal.models.posyandu import Posyandu
from portal.models.registrasi import JENIS_DOKUMEN, DokumenUsulan, LangkahUsulan, Tahap, Usulan
from portal.models.user import User
from portal.models.wilayah import desa_clause
from portal import dokumen
from portal.registrasi import berkas, workflow

SEED = 6309_0005
TAHAP_I_POSYANDU = 206
TAHAP_I_DESA = 87
TAHAP_I_DIKIRIM = date(2025, 9, 30)
TAHAP_I_BERNOMOR = 73  # [U]
NOMOR_TERBIT = date(2025, 11, 14)
CATATAN_KERTAS = "Usulan Tahap I disusun di luar portal (berkas kertas); dicatat sebagai data demo."
# How the complete ones among the remaining are spread; the incomplete ones are draf or dikembalikan.
LENGKAP = {"diajukan": 4, "diverifikasi_kecamatan": 3, "diverifikasi_kabupaten": 3}
JALAN = ["draf", "diajukan", "diverifikasi_kecamatan", "diverifikasi_kabupaten"]
AKSI = {"diajukan": "ajukan", "diverifikasi_kecamatan": "verifikasi_kecamatan",
        "diverifikasi_kabupaten": "verifikasi_kabupaten", "dikembalikan": "kembalikan", "diusulkan": "usulkan",
        "teregistrasi": "registrasi", "draf": "buat"}
# Whose step each is, when a demo account's region holds the Posyandu.
PELAKU = {"buat": "desa", "ajukan": "desa", "verifikasi_kecamatan": "kecamatan", "kembalikan": "kecamatan",
          "verifikasi_kabupaten": "kabupaten"}
SK_BURAM = "Scan SK pembentukan tidak terbaca; unggah ulang dengan resolusi lebih baik."


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1", "replace").decode()


def pdf_contoh(*lines: str) -> bytes:
    """A one-page PDF that says what it stands for: the demo's documents."""
    content = "BT /F1 16 Tf 60 780 Td 22 TL " + " ".join(f"({_pdf_escape(line)}) Tj T*" for line in lines) + " ET"
    objects = [
        "<</Type/Catalog/Pages 2 0 R>>",
        "<</Type/Pages/Kids[3 0 R]/Count 1>>",
        "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>",
        f"<</Length {len(content)}>>stream\n{content}\nendstream",
        "<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out, offsets = "%PDF-1.4\n", []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n" + "".join(f"{o:010d} 00000 n \n" for o in offsets)
    out += f"trailer\n<</Size {len(objects) + 1}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")


def _pilih(rng: random.Random, per_desa: dict[str, list[Posyandu]], lengkap: set[int], demo_desa: str,
           demo_kecamatan: str) -> tuple[list, list]:
    """(Tahap I, the rest): every Posyandu of 87 desa, 206 in all; the rest lie in the other desa, among them the
    demo desa and two more of its kecamatan with complete profiles (dossiers waiting for the kecamatan)."""
    n = {k: len(v) for k, v in per_desa.items()}
    lengkap_di_kecamatan = [k for k in sorted(per_desa) if k.startswith(demo_kecamatan + ".") and k != demo_desa
                            and any(p.id in lengkap for p in per_desa[k])]
    paksa = {demo_desa, *sorted(lengkap_di_kecamatan, key=lambda k: (n[k], k))[:2]}
    others = sorted((k for k in per_desa if k not in paksa), key=lambda k: (n[k], rng.random()))
    sisa = paksa | set(others[:len(per_desa) - TAHAP_I_DESA - len(paksa)])
    target = sum(n.values()) - TAHAP_I_POSYANDU
    # Swap a desa of the rest for one of the tahap with one Posyandu more (or less) until the rest holds the target.
    for _ in range(10_000):
        diff = target - sum(n[k] for k in sisa)
        if not diff:
            break
        step = 1 if diff > 0 else -1
        pairs = [(a, b) for a in sorted(sisa - paksa) for b in sorted(set(per_desa) - sisa) if n[b] == n[a] + step]
        if not pairs:
            break
        a, b = rng.choice(pairs)
        sisa = (sisa - {a}) | {b}
    tahap = [p for k in sorted(per_desa) if k not in sisa for p in per_desa[k]]
    if len(tahap) != TAHAP_I_POSYANDU or len(per_desa) - len(sisa) != TAHAP_I_DESA:
        raise RuntimeError(f"Data demo tidak muat: {len(tahap)} Posyandu di {len(per_desa) - len(sisa)} desa")
    return tahap, [p for k in sorted(sisa) for p in per_desa[k]]


def _langkah(u: Usulan, aksi: str, dari: str | None, ke: str, pada: datetime, catatan: str | None = None,
             oleh: User | None = None, **rincian) -> None:
    db.session.add(LangkahUsulan(usulan=u, aksi=aksi, dari=dari, ke=ke, pada=pada, catatan=catatan,
                                 oleh_id=oleh.id if oleh else None, peran=oleh.role if oleh else None, **rincian))


def _pelaku(akun: dict[str, User], aksi: str, p: Posyandu) -> User | None:
    user = akun.get(PELAKU.get(aksi, ""))
    return user if user is not None and access.in_scope(user, p.desa_kode) else None


def _dokumen(u: Usulan, p: Posyandu, pada: datetime) -> None:
    for jenis in current_app.config["REGISTRASI_DOKUMEN_WAJIB"]:
        data = pdf_contoh("DOKUMEN CONTOH - DATA DEMO", JENIS_DOKUMEN[jenis], p.nama, f"Desa {p.desa.nama} ({p.desa_kode})",
                          "Bukan dokumen asli.")
        name = dokumen.simpan_berkas(data)
        db.session.add(DokumenUsulan(usulan=u, jenis=jenis, nama_berkas=f"{jenis}-{p.desa_kode}.pdf", berkas=name,
                                     tipe="application/pdf", ukuran=len(data), sha256=hashlib.sha256(data).hexdigest(),
                                     diunggah_pada=pada))


def _alasan(p: Posyandu) -> str:
    kurang = [s.label for s in kelengkapan.untuk(p) if not s.ok]
    if kurang:
        return "Belum lengkap: " + "; ".join(kurang) + ". Lengkapi lalu ajukan kembali."
    return SK_BURAM


def seed(demo_desa: str, demo_kecamatan: str, akun: dict[str, User]) -> list[str]:
    """Tahap I and the later usulan of Tabalong, unless Tabalong has an usulan already or no Posyandu. Commits.
    demo_desa, demo_kecamatan: the places of the desa and kecamatan accounts; akun: the demo accounts by role."""
    scope = desa_clause(Posyandu.desa_kode, TABALONG)
    if db.session.scalar(select(Usulan.id).join(Posyandu).where(scope).limit(1)) is not None:
        return []
    posyandu = list(db.session.scalars(select(Posyandu).where(scope, Posyandu.aktif.is_(True))
                                       .options(selectinload(Posyandu.pengurus), selectinload(Posyandu.kader),
                                                selectinload(Posyandu.desa)).order_by(Posyandu.desa_kode, Posyandu.id)))
    if len(posyandu) < TAHAP_I_POSYANDU:
        return []
    rng = random.Random(SEED)
    lengkap = {p.id for p in posyandu if p.lengkap}
    per_desa: dict[str, list[Posyandu]] = {}
    for p in posyandu:
        per_desa.setdefault(p.desa_kode, []).append(p)
    tahap_i, rest = _pilih(rng, per_desa, lengkap, demo_desa, demo_kecamatan)
    # The demo desa: its first complete Posyandu ready to submit, the second waiting for the kecamatan, the first
    # incomplete one returned by the kecamatan (with an SK to replace besides what is missing).
    di_demo = [p for p in rest if p.desa_kode == demo_desa]
    demo_akhir = dict(zip([p.id for p in di_demo if p.id in lengkap], ["draf", "diajukan"]))
    demo_akhir.update(dict(zip([p.id for p in di_demo if p.id not in lengkap], ["dikembalikan"])))

    tahap = Tahap(kabupaten_kode=TABALONG, nomor=1, status="dikirim", dikirim_tanggal=TAHAP_I_DIKIRIM,
                  keterangan=CATATAN_KERTAS, created_at=utc(TAHAP_I_DIKIRIM), updated_at=utc(TAHAP_I_DIKIRIM))
    db.session.add(tahap)
    semua: list[Usulan] = []
    bernomor = {p.id for p in rng.sample(tahap_i, TAHAP_I_BERNOMOR)}
    urut: dict[str, int] = {}
    for p in tahap_i:
        u = Usulan(posyandu=p, status="diusulkan", tahap=tahap, potret=berkas.potret(p),
                   created_at=utc(TAHAP_I_DIKIRIM), updated_at=utc(TAHAP_I_DIKIRIM))
        _langkah(u, "usulkan", None, "diusulkan", utc(TAHAP_I_DIKIRIM), CATATAN_KERTAS)
        if p.id in bernomor:
            urut[p.desa_kode] = urut.get(p.desa_kode, 0) + 1
            u.nomor_registrasi, u.status = f"{p.desa_kode}.{urut[p.desa_kode]:03d}", "teregistrasi"
            u.updated_at = utc(NOMOR_TERBIT, 14)
            _langkah(u, "registrasi", "diusulkan", "teregistrasi", u.updated_at,
                     "Nomor dari daftar Kemendagri (data demo).", nomor=u.nomor_registrasi)
        semua.append(u)

    awal = date(2025, 10, 20)
    for p in rest:
        if p.id in demo_akhir:
            akhir = demo_akhir[p.id]
        elif p.desa_kode == demo_desa:
            akhir = rng.choice(["draf", "dikembalikan"])
        elif p.id in lengkap:
            akhir = "diajukan" if p.desa_kode.startswith(demo_kecamatan + ".") else \
                rng.choices(list(LENGKAP), weights=list(LENGKAP.values()))[0]
        else:
            akhir = rng.choices(["draf", "dikembalikan"], weights=[6, 4])[0]
        hari = awal + timedelta(days=rng.randint(0, 14))
        pembuat = _pelaku(akun, "buat", p)
        u = Usulan(posyandu=p, status=akhir, created_at=utc(hari, 9), dibuat_oleh_id=pembuat.id if pembuat else None)
        _langkah(u, "buat", None, "draf", utc(hari, 9), oleh=pembuat)
        jalan = JALAN[:JALAN.index(akhir) + 1] if akhir in JALAN else ["draf", "diajukan", "dikembalikan"]
        for dari, ke in zip(jalan, jalan[1:]):
            hari += timedelta(days=rng.randint(1, 6))
            rincian = {}
            catatan = _alasan(p) if ke == "dikembalikan" else None
            if ke == "dikembalikan" and demo_akhir.get(p.id) == "dikembalikan":
                catatan = f"{catatan} {SK_BURAM}" if catatan != SK_BURAM else catatan
                rincian["perbaikan"] = ["sk"]
            _langkah(u, AKSI[ke], dari, ke, utc(hari, rng.randint(8, 15), rng.randint(0, 59)), catatan,
                     oleh=_pelaku(akun, AKSI[ke], p), **rincian)
        if akhir != "draf" or demo_akhir.get(p.id) == "draf":  # the desa's ready draf has its documents too
            if akhir != "draf":
                u.potret = berkas.potret(p)
            _dokumen(u, p, u.created_at + timedelta(hours=1))
        u.updated_at = u.langkah[-1].pada
        semua.append(u)
    db.session.flush()
    workflow.mirror(semua)
    db.session.commit()
    tahap_desa = len({p.desa_kode for p in tahap_i})
    return [f"Registrasi Kabupaten Tabalong: {tahap.nama} {angka(len(tahap_i))} Posyandu di {angka(tahap_desa)} "
            f"desa/kelurahan ({angka(TAHAP_I_BERNOMOR)} sudah bernomor); {angka(len(rest))} Posyandu lain dalam "
            "proses (draf, diajukan, dikembalikan, terverifikasi)."]
