"""The one place that answers "may this user do this to this object".

Scope is a kode wilayah; an object lies in a user's scope when its code has the user's code as a dotted prefix.
Views ask here, then answer 403 for an object in scope they may not touch and 404 for one outside scope
(deny(visible=False)), so nobody learns that an object outside their region exists.

Every view is marked with one of the decorators below; a test walks the URL map and fails on any unmarked view.
"""
from __future__ import annotations

import inspect
from functools import cache, partial, wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db
from portal.models.kegiatan import Kegiatan
from portal.models.posyandu import Posyandu
from portal.models.user import ROLE_LEVELS, ROLES, User
from portal.models.wilayah import desa_clause, kode_within, level_of, within_clause

# Who outranks whom when managing accounts. Penyelenggara runs kegiatan and manages nobody.
RANK = {"admin": 4, "kabupaten": 3, "kecamatan": 2, "desa": 1, "penyelenggara": 1}
USER_MANAGERS = ("admin", "kabupaten")


def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def in_scope(user, kode: str | None) -> bool:
    """The object with this kode wilayah lies inside the user's region."""
    return is_staff(user) and kode_within(kode, user.scope)


def role_fits_kode(role: str, kode: str) -> bool:
    """A role holds a code of its own level: desa a desa code, kabupaten a kabupaten code…"""
    return role in ROLES and level_of(kode) in ROLE_LEVELS[role]


# --- accounts -----------------------------------------------------------------------------------------------------

def may_manage_users(user) -> bool:
    return is_staff(user) and user.role in USER_MANAGERS


def may_assign(user, role: str, kode: str) -> bool:
    """May the user give an account this role and this scope? Never above their own role or outside their scope."""
    if not may_manage_users(user) or not role_fits_kode(role, kode) or not kode_within(kode, user.scope):
        return False
    if RANK[role] < RANK[user.role]:
        return True
    # An admin may appoint admins for a narrower region (national → provinsi), never a peer.
    return role == user.role == "admin" and level_of(kode) > level_of(user.scope)


def assignable_levels(user, role: str) -> list[int]:
    """The levels of kode wilayah the user may give an account of this role: at or below the user's own scope
    (an admin appoints admins only below it); none when the role is not the user's to hand out."""
    if not may_manage_users(user) or role not in ROLES:
        return []
    own = level_of(user.scope)
    if role == user.role == "admin":
        return [lv for lv in ROLE_LEVELS[role] if lv > own]
    if RANK[role] < RANK[user.role]:
        return [lv for lv in ROLE_LEVELS[role] if lv >= own]
    return []


def assignable_roles(user) -> list[str]:
    """The roles the user may hand out: those with some level at or below the user's own scope."""
    return [role for role in ROLES if assignable_levels(user, role)]


def may_see_user(user, target: User) -> bool:
    """The account lies in the manager's region (else: 404)."""
    return may_manage_users(user) and kode_within(target.scope, user.scope)


def may_manage_user(user, target: User) -> bool:
    """Deactivate, reactivate, reset password. Nobody manages their own account this way."""
    return target.id != user.id and may_assign(user, target.role, target.scope)


def users_in_scope(user):
    """WHERE clause for the accounts a manager may list."""
    return within_clause(User.wilayah_kode, user.scope)


# --- kelola: Posyandu, pengurus, kader, the catalogue, the import -------------------------------------------------

# Who keeps the institutional record. Penyelenggara may read it (for attendance), never change it.
EDITORS = ("admin", "kabupaten", "kecamatan", "desa")


def may_view_posyandu(user, posyandu) -> bool:
    """Staff view of a Posyandu (with its people). Outside one's region: 404."""
    return in_scope(user, posyandu.desa_kode)


def may_edit_posyandu(user, posyandu) -> bool:
    """Profile, services, pengurus and kader. Staff above the desa edit on the desa's behalf (audited so)."""
    return in_scope(user, posyandu.desa_kode) and user.role in EDITORS


def may_create_posyandu(user, desa_kode: str) -> bool:
    return level_of(desa_kode) == 4 and in_scope(user, desa_kode) and user.role in EDITORS


def may_choose_pilots(user) -> bool:
    """Pilot projects are chosen by the kabupaten (and the province): may the user flag any at all?"""
    return is_staff(user) and user.role in ("admin", "kabupaten")


def may_set_pilot(user, posyandu) -> bool:
    return may_choose_pilots(user) and in_scope(user, posyandu.desa_kode)


def own_desa(user) -> str:
    """The desa a desa account works for (where it creates a Posyandu without choosing); '' for any other role."""
    return user.wilayah_kode if is_staff(user) and user.role == "desa" else ""


# Who may see the personal data of a region's people: phone, birth date, home address and (masked) NIK of kader and
# pengurus, and a Posyandu's contact number (usually the ketua's own). Those who keep the record; a penyelenggara
# sees names, bidang and level only (what attendance needs), the public nothing. Riwayat follows the same rule.
PEMEGANG_DATA_PRIBADI = EDITORS


def may_see_personal_data(user, kode: str | None) -> bool:
    """kode: the region of the people (a Posyandu's desa, a kegiatan's target)."""
    return in_scope(user, kode) and user.role in PEMEGANG_DATA_PRIBADI


def may_import(user) -> bool:
    return is_staff(user) and user.role in EDITORS


def may_edit_katalog(user) -> bool:
    """The catalogue of activities is national: only a national admin (empty scope) changes it."""
    return is_staff(user) and user.role == "admin" and not user.scope


def posyandu_in_scope(user):
    """WHERE clause for the Posyandu a user may see."""
    return desa_clause(Posyandu.desa_kode, user.scope)


# --- kegiatan -------------------------------------------------------------------------------------------------------

# Who creates and runs kegiatan in their region. A penyelenggara runs only its own; kabupaten and admin run any.
PENYELENGGARA = ("admin", "kabupaten", "penyelenggara")
# Who may follow (read, print, export) the kegiatan held in their region without running them.
PENGAMAT_KEGIATAN = ("admin", "kabupaten", "kecamatan")


def may_create_kegiatan(user, wilayah_kode: str | None = None) -> bool:
    """Without a code: may the user create kegiatan at all; with one: aimed at that wilayah."""
    if not (is_staff(user) and user.role in PENYELENGGARA):
        return False
    return wilayah_kode is None or in_scope(user, wilayah_kode)


def _own_kegiatan(user, kegiatan) -> bool:
    return kegiatan.dibuat_oleh_id == user.id and user.role in PENYELENGGARA


def may_view_kegiatan(user, kegiatan) -> bool:
    """Its pages, daftar hadir, recap and exports. Others' kegiatan stay hidden from a penyelenggara (404)."""
    return in_scope(user, kegiatan.wilayah_kode) and (
        _own_kegiatan(user, kegiatan) or user.role in PENGAMAT_KEGIATAN)


def may_run_kegiatan(user, kegiatan) -> bool:
    """Change it, list peserta, mark attendance."""
    return in_scope(user, kegiatan.wilayah_kode) and (
        _own_kegiatan(user, kegiatan) or user.role in ("admin", "kabupaten"))


def kegiatan_in_scope(user):
    """WHERE clause for the kegiatan a user may see."""
    clause = within_clause(Kegiatan.wilayah_kode, user.scope)
    if user.role in PENGAMAT_KEGIATAN:
        return clause
    return clause & (Kegiatan.dibuat_oleh_id == user.id)


# --- registrasi ------------------------------------------------------------------------------------------------------

# Who follow the registration of the Posyandu of their region: the dossier, its documents, its timeline. Which of them
# may take which step is the state machine's own rule (registrasi/workflow.py).
REGISTRASI = EDITORS
# Who put the tahap to the ministry together, send it and record the numbers.
PENGUSUL = ("admin", "kabupaten")
# Who start an usulan (the workflow's step "buat" is theirs).
PEMBUAT_USULAN = ("desa", "admin")


def may_follow_registrasi(user) -> bool:
    """The queues and the Beranda's list of what waits: those who follow the registration of their region."""
    return is_staff(user) and user.role in REGISTRASI


def may_create_usulan(user) -> bool:
    """Does the user's role start usulan at all (the button in the queue; each Posyandu is judged by the workflow)?"""
    return is_staff(user) and user.role in PEMBUAT_USULAN


def must_pick_kabupaten(user) -> bool:
    """A provinsi or national admin chooses the kabupaten whose tahap to open."""
    return is_staff(user) and user.role in PENGUSUL and level_of(user.scope) < 2


def may_view_usulan(user, posyandu) -> bool:
    """The dossier and its documents: only for users whose region covers the Posyandu (else 404)."""
    return in_scope(user, posyandu.desa_kode) and user.role in REGISTRASI


def may_manage_tahap(user, kabupaten_kode: str | None) -> bool:
    return (is_staff(user) and user.role in PENGUSUL and level_of(kabupaten_kode or "") == 2
            and in_scope(user, kabupaten_kode))


# --- tim pembina and the OPD register ---------------------------------------------------------------------------

# Staff who keep the Tim Pembina of their level and see those below, with the members' contacts.
PEMBINA = EDITORS
# Who keep the register of OPD of a provinsi or kabupaten/kota.
PENGELOLA_OPD = ("admin", "kabupaten")


def _akun_aktif(kode: str) -> bool:
    """Has the region an active account of its own level's role (the one that keeps its tim)?"""
    role = {1: "admin", 2: "kabupaten", 3: "kecamatan", 4: "desa"}.get(level_of(kode))
    return db.session.scalar(select(User.id).where(User.role == role, User.wilayah_kode == kode,
                                                   User.active.is_(True)).limit(1)) is not None


def may_see_tim(user, kode: str | None = None) -> bool:
    """The staff pages of the tim of a wilayah (and its members' contacts): one's own and those below (else 404)."""
    return is_staff(user) and user.role in PEMBINA and (kode is None or kode_within(kode, user.scope))


def may_see_tim_of(user, kode: str) -> bool:
    """may_see_tim of one wilayah, for templates (may.see_tim_of(kode)); may.see_tim asks about any tim at all."""
    return may_see_tim(user, kode)


def may_keep_tim(user, kode: str) -> bool:
    """Record a period, its SK and its members. Each level keeps its own tim; an admin keeps any in scope; the
    level directly above keeps the tim of a region that has no active account of its own (audited "atas nama")."""
    if not (may_see_tim(user, kode) and 1 <= level_of(kode) <= 4):
        return False
    if kode == user.wilayah_kode or user.role == "admin":
        return True
    parent = kode.rsplit(".", 1)[0] if "." in kode else ""
    return parent == user.wilayah_kode and not _akun_aktif(kode)


def keeps_tim_atas_nama(user, kode: str) -> bool:
    """The user keeps this tim for a region without an active account of its own (may_keep_tim's last case)."""
    return may_keep_tim(user, kode) and kode != user.wilayah_kode and user.role != "admin"


def may_see_opd(user, kode: str) -> bool:
    """The register of a provinsi or kabupaten: those inside it (to choose a member's unsur) and those above."""
    return is_staff(user) and user.role in PEMBINA and (kode_within(kode, user.scope) or kode_within(user.scope, kode))


def may_keep_opd(user, kode: str | None = None) -> bool:
    """Without a code: may the user keep any register at all."""
    if not (is_staff(user) and user.role in PENGELOLA_OPD):
        return False
    return kode is None or (level_of(kode) in (1, 2) and kode_within(kode, user.scope))


def may_isi_laporan(user, desa_kode: str) -> bool:
    """Make and fill in the monthly report of a Posyandu of this desa (its steps: laporan/workflow.py)."""
    return is_staff(user) and user.role in PENGISI_LAPORAN and in_scope(user, desa_kode)


# Who fill in a Posyandu's monthly report (issue 16): the desa (a Posyandu's own kader account to come), admin support.
PENGISI_LAPORAN = ("desa", "admin")
# Who see the monthly reports of their region (and take their steps: laporan/workflow.py).
LAPORAN = ("admin", "kabupaten", "kecamatan", "desa")


def may_see_laporan(user, desa_kode: str | None = None) -> bool:
    """The monthly reports' pages; with a desa: that desa's reports lie inside the user's region (else 404)."""
    return is_staff(user) and user.role in LAPORAN and (desa_kode is None or in_scope(user, desa_kode))


# --- beranda and the menu (shared) ---------------------------------------------------------------------------------

def may_see_kegiatan(user) -> bool:
    """The list of kegiatan: those who run them and those who follow them."""
    return is_staff(user) and user.role in PENYELENGGARA + PENGAMAT_KEGIATAN


def may_add_posyandu(user) -> bool:
    """May the user create a Posyandu at all (in which desa: may_create_posyandu)."""
    return is_staff(user) and user.role in EDITORS


# --- templates ------------------------------------------------------------------------------------------------------

class Questions:
    """`may` in every template: may.X is may_X(current_user) asked here. A question about the user alone is a bool
    ({% if may.manage_users %}); one about an object too is a function of the rest ({% if may.edit_posyandu(p) %}).
    A question that does not exist fails loudly rather than hiding a link."""

    def __getattr__(self, name: str):
        question = globals().get("may_" + name)
        if question is None or name.startswith("_"):
            raise NameError(f"access.may_{name} does not exist")
        if _asks_only_the_user(question):
            return question(current_user)
        return partial(question, current_user)


@cache
def _asks_only_the_user(question) -> bool:
    params = list(inspect.signature(question).parameters.values())[1:]
    return all(p.default is not p.empty for p in params)


MAY = Questions()


def template_questions() -> dict:
    """The context processor (portal/__init__.py registers it)."""
    return {"may": MAY}


# --- view decorators ------------------------------------------------------------------------------------------------

def public(view):
    """Anyone, logged in or not. Public views never show personal data."""
    view.access = "public"
    return view


def staff(view=None, *, roles: tuple[str, ...] | None = None, allow_password_change_pending: bool = False):
    """A logged-in, active account (optionally of one of these roles)."""
    def decorate(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            if not is_staff(current_user):
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if current_user.must_change_password and not allow_password_change_pending:
                return redirect(url_for("auth.password"))
            if roles and current_user.role not in roles:
                abort(403)
            return fn(*args, **kwargs)
        wrapper.access = "staff"
        return wrapper
    return decorate(view) if view else decorate


def deny(visible: bool):
    """403 when the user may see the object but not do this; 404 when it lies outside their region."""
    abort(403 if visible else 404)
