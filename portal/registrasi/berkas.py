"""The dossier's picture of a Posyandu: taken when the desa submits, compared with the profile of today by the
verifiers, and the source of the generated list of pengurus and kader and of the counts sent to the ministry."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from portal.formatting import tanggal
from portal.models.posyandu import BIDANG, JENIS_KELAMIN, LEVEL_KADER, Posyandu

PROFIL = {
    "nama": "Nama", "desa_kode": "Kode desa", "alamat": "Alamat", "dusun": "Dusun", "rt": "RT", "rw": "RW",
    "sk_nomor": "Nomor SK", "sk_tanggal": "Tanggal SK", "musdes_tanggal": "Tanggal musyawarah desa",
    "hari_buka": "Hari buka",
}


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def potret(p: Posyandu) -> dict:
    """The profile and the active pengurus and kader, as plain JSON. No NIK, phone or birth date: not needed to
    verify an institution, so not copied."""
    return {
        "profil": {name: _plain(getattr(p, name)) for name in PROFIL},
        "pengurus": [{"id": x.id, "nama": x.nama, "jabatan": x.jabatan_label, "jenis_kelamin": x.jenis_kelamin}
                     for x in p.pengurus if x.aktif],
        "kader": [{"id": k.id, "nama": k.nama, "bidang": k.bidang, "level": k.level, "jenis_kelamin": k.jenis_kelamin}
                  for k in sorted(p.kader, key=lambda k: (list(BIDANG).index(k.bidang), k.nama)) if k.aktif],
    }


def jumlah(data: dict | None) -> tuple[int, int]:
    """(pengurus, kader) in a picture."""
    if not data:
        return 0, 0
    return len(data["pengurus"]), len(data["kader"])


def _tampil(name: str, value) -> str:
    if value in (None, ""):
        return "–"
    if name.endswith("tanggal"):
        return tanggal(date.fromisoformat(value))
    return str(value)


@dataclass
class Perbedaan:
    profil: list[tuple[str, str, str]] = field(default_factory=list)  # (label, submitted, today)
    pengurus_baru: list[str] = field(default_factory=list)
    pengurus_keluar: list[str] = field(default_factory=list)
    kader_baru: list[str] = field(default_factory=list)
    kader_keluar: list[str] = field(default_factory=list)
    berubah: list[str] = field(default_factory=list)  # the same person, another name, seat or bidang

    def __bool__(self) -> bool:
        return any((self.profil, self.pengurus_baru, self.pengurus_keluar, self.kader_baru, self.kader_keluar,
                    self.berubah))


def _orang(x: dict, kader: bool) -> str:
    return f"{x['nama']} ({BIDANG[x['bidang']] if kader else x['jabatan']})"


def bandingkan(data: dict, p: Posyandu) -> Perbedaan:
    """What changed in the profile since the picture was taken."""
    now = potret(p)
    beda = Perbedaan()
    for name, label in PROFIL.items():
        then, today = data["profil"].get(name), now["profil"].get(name)
        if (then or None) != (today or None):
            beda.profil.append((label, _tampil(name, then), _tampil(name, today)))
    for kind, baru, keluar in (("pengurus", beda.pengurus_baru, beda.pengurus_keluar),
                               ("kader", beda.kader_baru, beda.kader_keluar)):
        is_kader = kind == "kader"
        then = {x["id"]: x for x in data[kind]}
        today = {x["id"]: x for x in now[kind]}
        baru.extend(_orang(x, is_kader) for i, x in today.items() if i not in then)
        keluar.extend(_orang(x, is_kader) for i, x in then.items() if i not in today)
        for i in then.keys() & today.keys():
            if _orang(then[i], is_kader) != _orang(today[i], is_kader):
                beda.berubah.append(f"{_orang(then[i], is_kader)} → {_orang(today[i], is_kader)}")
    return beda


def label_kader(x: dict) -> tuple[str, str, str]:
    """(bidang, level, jenis kelamin) of a kader in a picture, for the printed list."""
    return (BIDANG[x["bidang"]], LEVEL_KADER.get(x.get("level") or "", "–"),
            JENIS_KELAMIN.get(x.get("jenis_kelamin") or "", "–"))
