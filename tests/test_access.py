"""access.py for every role × scope case, without HTTP."""
import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from portal import access
from portal.models.user import ROLES, User
from portal.models.wilayah import kode_within


def account(role, kode, id=1, active=True):
    return User(id=id, username=f"u{id}", name="U", role=role, wilayah_kode=kode or None, active=active)


HOME = {"admin": "63", "kabupaten": "63.09", "kecamatan": "63.09.12", "desa": "63.09.12.2003",
        "penyelenggara": "63.09"}

# Objects at every distance from a Tabalong user's region.
TARGETS = {
    "desa in Bintang Ara": "63.09.12.2003",
    "other desa in Bintang Ara": "63.09.12.2001",
    "kecamatan Bintang Ara": "63.09.12",
    "other kecamatan in Tabalong": "63.09.01",
    "desa in other kecamatan": "63.09.01.2001",
    "Tabalong": "63.09",
    "other kabupaten": "63.11",
    "desa in other kabupaten": "63.11.01.2001",
    "Kalimantan Selatan": "63",
    "other provinsi": "64",
}


@pytest.mark.parametrize("kode, scope, inside", [
    ("63.09.12.2003", "63.09.12", True), ("63.09.12.2003", "63.09", True), ("63.09.12.2003", "63", True),
    ("63.09.12.2003", "", True), ("63.09.12", "63.09.12", True),
    ("63.09.12.2003", "63.09.1", False),  # not a dotted prefix
    ("63.09.12", "63.09.12.2003", False), ("63.091", "63.09", False), ("64.09", "63", False),
    (None, "63", False), ("", "63", False),
])
def test_prefix_rule(kode, scope, inside):
    assert kode_within(kode, scope) is inside


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", TARGETS)
def test_in_scope_for_every_role(role, target):
    user = account(role, HOME[role])
    expected = TARGETS[target] == HOME[role] or TARGETS[target].startswith(HOME[role] + ".")
    assert access.in_scope(user, TARGETS[target]) is expected


def test_national_admin_sees_everything_anonymous_and_inactive_nothing():
    assert all(access.in_scope(account("admin", ""), k) for k in TARGETS.values())
    assert not any(access.in_scope(AnonymousUserMixin(), k) for k in TARGETS.values())
    assert not any(access.in_scope(account("admin", "", active=False), k) for k in TARGETS.values())


@pytest.mark.parametrize("role, kode, fits", [
    ("admin", "", True), ("admin", "63", True), ("admin", "63.09", False),
    ("kabupaten", "63.09", True), ("kabupaten", "63", False), ("kabupaten", "63.09.12", False),
    ("kecamatan", "63.09.12", True), ("kecamatan", "63.09", False),
    ("desa", "63.09.12.2003", True), ("desa", "63.09", False), ("desa", "", False),
    ("penyelenggara", "63", True), ("penyelenggara", "63.09.12.2003", True), ("penyelenggara", "", False),
    ("bupati", "63.09", False),
])
def test_role_fits_kode(role, kode, fits):
    assert access.role_fits_kode(role, kode) is fits


# (manager role, manager scope) → (role, kode) pairs it may and may not hand out
ASSIGN_CASES = [
    # national admin: provincial admins and everything below, never a national peer
    ("admin", "", "admin", "63", True), ("admin", "", "admin", "", False), ("admin", "", "kabupaten", "64.01", True),
    # provincial admin: everything below it in its province, no admin peer, nothing in another province
    ("admin", "63", "admin", "63", False), ("admin", "63", "admin", "", False),
    ("admin", "63", "kabupaten", "63.09", True), ("admin", "63", "kabupaten", "64.01", False),
    ("admin", "63", "penyelenggara", "63", True), ("admin", "63", "desa", "63.09.12.2003", True),
    # kabupaten: kecamatan, desa, penyelenggara of its kabupaten; never a kabupaten peer, never above
    ("kabupaten", "63.09", "kecamatan", "63.09.12", True), ("kabupaten", "63.09", "desa", "63.09.12.2003", True),
    ("kabupaten", "63.09", "penyelenggara", "63.09", True), ("kabupaten", "63.09", "penyelenggara", "63", False),
    ("kabupaten", "63.09", "kabupaten", "63.09", False), ("kabupaten", "63.09", "admin", "63", False),
    ("kabupaten", "63.09", "desa", "63.11.01.2001", False), ("kabupaten", "63.09", "kecamatan", "63.09", False),
    # nobody else manages accounts
    ("kecamatan", "63.09.12", "desa", "63.09.12.2003", False), ("desa", "63.09.12.2003", "desa", "63.09.12.2003", False),
    ("penyelenggara", "63.09", "desa", "63.09.12.2003", False),
]


@pytest.mark.parametrize("role, scope, new_role, kode, allowed", ASSIGN_CASES)
def test_may_assign(role, scope, new_role, kode, allowed):
    assert access.may_assign(account(role, scope), new_role, kode) is allowed


@pytest.mark.parametrize("role, scope, roles", [
    ("admin", "", ["admin", "kabupaten", "kecamatan", "desa", "penyelenggara"]),
    ("admin", "63", ["kabupaten", "kecamatan", "desa", "penyelenggara"]),
    ("kabupaten", "63.09", ["kecamatan", "desa", "penyelenggara"]),
    ("kecamatan", "63.09.12", []), ("desa", "63.09.12.2003", []), ("penyelenggara", "63.09", []),
])
def test_assignable_roles(role, scope, roles):
    assert access.assignable_roles(account(role, scope)) == roles


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", TARGETS)
def test_see_and_manage_accounts_for_every_role_and_scope(role, target):
    manager = account(role, HOME[role], id=1)
    kode = TARGETS[target]
    target_role = {1: "penyelenggara", 2: "kabupaten", 3: "kecamatan", 4: "desa"}[kode.count(".") + 1]
    other = account(target_role, kode, id=2)
    inside = kode == HOME[role] or kode.startswith(HOME[role] + ".")
    assert access.may_see_user(manager, other) is (role in ("admin", "kabupaten") and inside)
    assert access.may_manage_user(manager, other) is access.may_assign(manager, target_role, kode)
    if role in ("kecamatan", "desa", "penyelenggara"):
        assert not access.may_manage_user(manager, other)


def test_nobody_manages_their_own_account():
    me = account("admin", "", id=7)
    assert access.may_see_user(me, me) and not access.may_manage_user(me, me)


def test_users_in_scope_clause(ctx, users):
    from portal.extensions import db
    listed = lambda u: set(db.session.scalars(select(User.username).where(access.users_in_scope(u))))  # noqa: E731
    tabalong = db.session.get(User, users["kab_tabalong"])
    assert listed(tabalong) == {"kab_tabalong", "kec_bintangara", "kec_banualawas", "desa_hapalah",
                                "desa_pamarangan", "peny_tabalong"}
    assert "admin_kaltim" not in listed(db.session.get(User, users["admin_kalsel"]))
    assert listed(db.session.get(User, users["admin_nasional"])) == set(users)
