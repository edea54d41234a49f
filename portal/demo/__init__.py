"""Generated data, outside the request path: only the CLI (portal/cli.py) imports this package.

- `flask demo seed` (`seed()` here, for `make run`): the demo accounts (akun.py), the institutional data of Kalimantan
  Selatan (provinsi.py), the kegiatan (kegiatan.py), the registration (registrasi.py) and the Tim Pembina (pembina.py) of
  Kabupaten Tabalong, all
  from fixed seeds: every install gets the same data; each part is skipped when its data is there already.
- `flask demo scale` (skala.py): synthetic Posyandu at national scale, for benchmarks.

Both generators build their rows with baris.py from the one name pool in nama.py, and leave kelengkapan and the search
words to the kernel's rules (portal/kelengkapan.py, portal/teks.py, portal/rekap.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from portal.demo import kegiatan, pembina, registrasi
from portal.demo.akun import (DEMO_ACCOUNTS, DEMO_DESA, DEMO_KECAMATAN, demo_passwords, is_empty, penyelenggara,
                              rantai, seed_accounts)
from portal.demo.provinsi import seed_kelembagaan

__all__ = ["DEMO_ACCOUNTS", "DEMO_DESA", "DEMO_KECAMATAN", "SeedResult", "demo_passwords", "is_empty", "seed",
           "seed_accounts", "seed_kelembagaan"]


@dataclass
class SeedResult:
    accounts: list[str]  # the usernames created
    kelembagaan: list[str]  # what institutional data was generated, one line each (empty: skipped)
    kegiatan: list[str] = field(default_factory=list)  # the demo kegiatan created, one line each
    registrasi: list[str] = field(default_factory=list)  # the demo usulan and tahap, one line
    pembina: list[str] = field(default_factory=list)  # the demo OPD registers and Tim Pembina, one line each


def seed(instance_path: str) -> SeedResult:
    """The demo accounts that do not exist yet, and the institutional data of Kalimantan Selatan when the province
    has no Posyandu yet, then the kegiatan, the registration and the Tim Pembina of Tabalong when it has none. Idempotent."""
    accounts, kelembagaan = seed_accounts(instance_path), seed_kelembagaan()
    organiser, chain = penyelenggara(), rantai()
    return SeedResult(accounts, kelembagaan, kegiatan.seed(organiser),
                      registrasi.seed(DEMO_DESA, DEMO_KECAMATAN, chain), pembina.seed())
