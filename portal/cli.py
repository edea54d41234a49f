"""flask commands: wilayah import, rekap bangun, user create, demo seed / accounts / scale, pembina opd-bawaan,
db backup / restore."""
import os
import time

import click
from flask import current_app
from flask.cli import AppGroup

from portal import cadangan, demo, kelengkapan, rekap
from portal.demo import skala
from portal.extensions import db
from portal.domain import DomainError
from portal.formatting import angka
from portal.models.user import ROLES
from portal.models.wilayah import is_valid_kode, level_of
from portal.pembina import opd
from portal.pengguna import service as pengguna
from portal import wilayah_baca
from portal.wilayah import impor as wilayah

wilayah_cli = AppGroup("wilayah", help="Wilayah Kemendagri.")
user_cli = AppGroup("user", help="Akun pengguna.")
demo_cli = AppGroup("demo", help="Data demo.")
rekap_cli = AppGroup("rekap", help="Rekap wilayah dan indeks pencarian (data turunan).")
pembina_cli = AppGroup("pembina", help="Tim Pembina Posyandu dan daftar OPD.")


@wilayah_cli.command("import")
@click.option("--only", default="", help="Hanya wilayah ini beserta induknya, mis. 63 (Kalimantan Selatan).")
def wilayah_import(only):
    """Impor/perbarui wilayah dari daftar Kemendagri (idempoten)."""
    if only and not is_valid_kode(only):
        raise click.BadParameter(f"kode wilayah '{only}' tidak sah (contoh: 63 atau 63.09)", param_hint="--only")
    started = time.perf_counter()
    result = wilayah.import_wilayah(only)
    click.echo(f"Wilayah ({wilayah.SOURCE}): {result.added} baru, {result.renamed} berubah nama, "
               f"{result.unchanged} tetap, {result.absent} tidak ada lagi di daftar "
               f"({time.perf_counter() - started:.1f} detik).")
    # A new provinsi or kabupaten/kota starts its OPD register from the default list (a region that has one keeps it).
    click.echo(f"Daftar OPD bawaan: {angka(opd.isi_bawaan_semua())} wilayah baru.")


@pembina_cli.command("opd-bawaan")
@click.option("--wilayah", "kode", default="", help="Hanya provinsi atau kabupaten/kota ini, mis. 63.09; kosong: "
                                                    "setiap wilayah yang belum punya daftar OPD.")
def pembina_opd_bawaan(kode):
    """Lengkapi daftar OPD dengan OPD bawaan yang belum ada (menurut singkatannya). Aman diulang."""
    if not kode:
        click.echo(f"Daftar OPD bawaan: {angka(opd.isi_bawaan_semua())} wilayah baru.")
        return
    kode = wilayah_baca.parse_kode(kode)
    if level_of(kode) not in (1, 2) or wilayah_baca.get(kode) is None:
        raise click.BadParameter(f"'{kode}' bukan kode provinsi atau kabupaten/kota yang dikenal (contoh: 63 atau "
                                 "63.09)", param_hint="--wilayah")
    click.echo(f"Daftar OPD {kode}: {angka(opd.isi_bawaan(None, kode))} OPD bawaan ditambahkan.")


@rekap_cli.command("bangun")
@click.option("--if-empty", is_flag=True, help="Hanya bila rekap belum pernah dibangun (setelah `flask db upgrade`).")
def rekap_bangun(if_empty):
    """Bangun ulang rekap wilayah, kelengkapan dan kata pencarian setiap Posyandu dari data kelembagaan.

    Jalankan setelah `flask db upgrade` dan setelah KADER_MINIMUM diubah. Aman diulang; satu transaksi.
    """
    if if_empty and rekap.sudah_dibangun():
        click.echo("Rekap sudah ada: tidak dibangun ulang.")
        return
    started = time.perf_counter()
    rows = rekap.bangun()
    db.session.commit()
    click.echo(f"Rekap: {angka(rows)} wilayah dibangun ulang ({f'{time.perf_counter() - started:.1f}'.replace('.', ',')} "
               f"detik).")


@user_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, help=f"Salah satu: {', '.join(ROLES)}.")
@click.option("--wilayah", "kode", default="", help="Kode wilayah bertitik, kosong untuk admin nasional.")
@click.option("--name", default="", help="Nama lengkap.")
def user_create(username, role, kode, name):
    """Buat akun. Kata sandi dari PORTAL_PASSWORD, atau ditanyakan."""
    try:
        pengguna.validate_account(username.strip().lower(), role, wilayah_baca.parse_kode(kode))
    except DomainError as e:
        raise click.ClickException(e.message) from None
    password = os.environ.get("PORTAL_PASSWORD") or click.prompt(
        "Kata sandi", hide_input=True, confirmation_prompt="Ulangi kata sandi")
    try:
        user, _ = pengguna.create_user(None, username=username, name=name, role=role, wilayah_kode=kode,
                                       password=password, min_length=current_app.config["PASSWORD_MIN_LENGTH"])
    except DomainError as e:
        raise click.ClickException(e.message) from None
    click.echo(f"Akun '{user.username}' ({user.role}, wilayah {user.wilayah_kode or 'nasional'}) dibuat.")


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Hanya bila belum ada akun sama sekali.")
def demo_seed(if_empty):
    """Isi data demo (idempoten)."""
    if if_empty and not demo.is_empty():
        click.echo("Basis data sudah berisi akun: data demo dilewati.")
        return
    result = demo.seed(current_app.instance_path)
    click.echo(f"Data demo: {len(result.accounts)} akun baru ({', '.join(result.accounts) or 'semua sudah ada'}).")
    for line in result.kelembagaan:
        click.echo(f"Data demo: {line}")
    if not result.kelembagaan:
        click.echo("Data demo: Kalimantan Selatan sudah berisi Posyandu, data kelembagaan demo dilewati.")
    for line in result.kegiatan + result.registrasi + result.pembina:
        click.echo(f"Data demo: {line}")


@demo_cli.command("accounts")
def demo_accounts():
    """Tampilkan akun demo dan kata sandinya."""
    passwords = demo.demo_passwords(current_app.instance_path)
    click.echo("Akun demo (kata sandi tersimpan di instance/demo-akun.json):")
    for username, role, kode, _name in demo.DEMO_ACCOUNTS:
        click.echo(f"  {username:<14} {role:<14} {kode:<14} {passwords[username]}")


@demo_cli.command("scale")
@click.option("--posyandu", "n", type=click.IntRange(min=1), required=True, help="Jumlah Posyandu uji yang dibuat.")
@click.option("--kader-per-posyandu", type=click.IntRange(min=0), default=12, show_default=True,
              help="Rata-rata kader per Posyandu (bervariasi).")
@click.option("--seed", type=int, default=skala.SEED, show_default=True, help="Benih acak (hasil dapat diulang).")
def demo_scale(n, kader_per_posyandu, seed):
    """Tambah N Posyandu uji sintetis di desa/kelurahan seluruh Indonesia, untuk benchmark.

    Setiap kali dijalankan MENAMBAH N Posyandu lagi (pembangkit beban); data yang sudah ada tidak pernah diubah.
    Nama "Posyandu Uji 000123" menandai data buatan. Butuh wilayah yang sudah diimpor.
    """
    try:
        result = skala.generate(n, kader_per_posyandu, seed, kelengkapan.kader_minimum())
    except ValueError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Data uji (batch {result.batch}): {angka(result.posyandu)} Posyandu di {angka(result.desa)} "
               f"desa/kelurahan dari {result.provinsi} provinsi, {angka(result.kader)} kader, "
               f"{angka(result.pengurus)} pengurus, {angka(result.layanan)} layanan "
               f"({f'{result.seconds:.1f}'.replace('.', ',')} detik).")


@click.command("backup")
@click.argument("path", type=click.Path())
def db_backup(path):
    """Cadangkan basis data dan dokumen usulan ke folder baru PATH, sambil portal tetap melayani."""
    try:
        hasil = cadangan.backup(path)
    except cadangan.BackupError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Cadangan tersimpan di {hasil.path}: {angka(sum(hasil.tables.values()))} baris dari "
               f"{len(hasil.tables)} tabel, {angka(hasil.files)} dokumen.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, file_okay=False))
@click.option("--ya", is_flag=True, help="Jangan bertanya lagi (untuk skrip).")
def db_restore(path, ya):
    """Pulihkan basis data dan dokumen dari folder cadangan PATH. Hentikan portal dulu: isi basis data sekarang
    diganti isi cadangan."""
    try:
        manifest = cadangan.baca_manifest(path)
    except cadangan.BackupError as e:
        raise click.ClickException(str(e)) from None
    if not ya:
        click.confirm(f"Ganti seluruh isi basis data dengan cadangan {manifest['dibuat']} "
                      f"({angka(sum(manifest['tabel'].values()))} baris)?", abort=True)
    try:
        hasil = cadangan.restore(path)
    except cadangan.BackupError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Dipulihkan dari {hasil.path}: {angka(sum(hasil.tables.values()))} baris, "
               f"{angka(hasil.files)} dokumen.")


def init_app(app) -> None:
    for group in (wilayah_cli, rekap_cli, user_cli, demo_cli, pembina_cli):
        app.cli.add_command(group)
    # Beside Flask-Migrate's upgrade: `flask db backup PATH` and `flask db restore PATH`.
    from flask_migrate.cli import db as db_cli
    db_cli.add_command(db_backup)
    db_cli.add_command(db_restore)
