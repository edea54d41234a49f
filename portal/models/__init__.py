"""All models, imported once so Alembic and the app see the whole schema."""
from portal.models.audit import AuditLog
from portal.models.posyandu import BIDANG, Kader, Posyandu
from portal.models.user import ROLE_LABEL, ROLE_LEVELS, ROLES, User
from portal.models.wilayah import Wilayah

__all__ = ["AuditLog", "BIDANG", "Kader", "Posyandu", "ROLES", "ROLE_LABEL", "ROLE_LEVELS", "User", "Wilayah"]
