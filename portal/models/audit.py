"""Every change, who made it, when, on whose behalf, and each field before and after."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import utcnow
from portal.models.user import User
from portal.models.wilayah import KodeWilayah


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # None when the change came from the command line.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(40))
    # The region the object belongs to, so a history can be scoped like the object itself.
    wilayah_kode: Mapped[str | None] = mapped_column(KodeWilayah, index=True)
    # Set when staff edit a desa's data for it: the desa the change was made for.
    on_behalf_of: Mapped[str | None] = mapped_column(KodeWilayah)
    # The Posyandu the change belongs to (itself, or one of its pengurus or kader): its "Riwayat".
    posyandu_id: Mapped[int | None] = mapped_column(index=True)
    # The kegiatan the change belongs to (itself, a peserta, an attendance mark): the kegiatan's "Riwayat".
    kegiatan_id: Mapped[int | None] = mapped_column(index=True)
    # {field: [before, after]}
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()

    __table_args__ = (db.Index("ix_audit_log_object", "object_type", "object_id"),)
