"""The demo accounts: one per role in Kabupaten Tabalong, their passwords generated once per install and kept in
instance/demo-akun.json, so a re-seed keeps them."""
from __future__ import annotations

import json
import os

from sqlalchemy import func, select

from portal.extensions import db
from portal.models.user import User
from portal.pengguna import service as pengguna

DEMO_ACCOUNTS = [
    # username, role, kode wilayah, name. Desa → kecamatan → kabupaten form a chain, so each verifies what the one
    # below submits; the desa is one of the 7 of Bintang Ara that sent kader to the demo bimtek (demo/kegiatan.py).
    ("admin", "admin", "63", "Admin Dinas PMD Provinsi Kalimantan Selatan"),
    ("kabupaten", "kabupaten", "63.09", "DPMD Kabupaten Tabalong"),
    ("kecamatan", "kecamatan", "63.09.12", "Tim Pembina Posyandu Kecamatan Bintang Ara"),
    ("desa", "desa", "63.09.12.2003", "Operator Desa Bintang Ara"),
    ("penyelenggara", "penyelenggara", "63.09", "Panitia Bimtek Kabupaten Tabalong"),
]
DEMO_PENYELENGGARA = "penyelenggara"
# The `desa` account's desa: several Posyandu, complete and not, so the operator has something to do; and the
# kecamatan account's kecamatan, which holds it.
DEMO_DESA = next(kode for _u, role, kode, _n in DEMO_ACCOUNTS if role == "desa")
DEMO_KECAMATAN = next(kode for _u, role, kode, _n in DEMO_ACCOUNTS if role == "kecamatan")
assert DEMO_DESA.startswith(DEMO_KECAMATAN + ".")
# The accounts whose region holds the demo desa: the registration demo records their steps under their names.
DEMO_RANTAI = ("desa", "kecamatan", "kabupaten")


def _password_file(instance_path: str) -> str:
    return os.path.join(instance_path, "demo-akun.json")


def demo_passwords(instance_path: str) -> dict[str, str]:
    path = _password_file(instance_path)
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    passwords = {username: pengguna.generate_password() for username, *_ in DEMO_ACCOUNTS}
    os.makedirs(instance_path, exist_ok=True)
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as f:
        json.dump(passwords, f, indent=1)
    return passwords


def is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(User))


def seed_accounts(instance_path: str) -> list[str]:
    """Creates the demo accounts that do not exist yet; returns the usernames created. Idempotent."""
    passwords = demo_passwords(instance_path)
    created = []
    for username, role, kode, name in DEMO_ACCOUNTS:
        if db.session.scalar(select(User.id).where(User.username == username)) is None:
            pengguna.create_user(None, username=username, name=name, role=role, wilayah_kode=kode,
                                 password=passwords[username])
            created.append(username)
    return created


def penyelenggara() -> User | None:
    return db.session.scalar(select(User).where(User.username == DEMO_PENYELENGGARA))


def rantai() -> dict[str, User]:
    """The demo accounts of the chain that holds the demo desa, by role."""
    return {u.role: u for u in db.session.scalars(select(User).where(User.username.in_(DEMO_RANTAI)))}
