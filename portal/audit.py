"""Recording changes. Every service function that changes data calls record() in the same transaction."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.models.audit import AuditLog


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for every field whose value changed."""
    return {k: [_plain(before.get(k)), _plain(after.get(k))]
            for k in after if _plain(before.get(k)) != _plain(after.get(k))}


def on_behalf_of(actor, desa_kode: str) -> str | None:
    """Staff above the desa who change a desa's data do it on the desa's behalf; the audit says so."""
    return None if actor is None or actor.role == "desa" else desa_kode


def record(actor, action: str, obj, *, wilayah_kode: str | None, changes: dict | None = None,
           on_behalf_of: str | None = None, posyandu_id: int | None = None,
           kegiatan_id: int | None = None) -> AuditLog:
    entry = AuditLog(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=obj.__tablename__,
        object_id=str(obj.id),
        wilayah_kode=wilayah_kode,
        on_behalf_of=on_behalf_of,
        posyandu_id=posyandu_id,
        kegiatan_id=kegiatan_id,
        changes=changes or {},
    )
    db.session.add(entry)
    return entry


def history(object_type: str, object_id, limit: int = 50) -> list[AuditLog]:
    return list(db.session.scalars(
        select(AuditLog).where(AuditLog.object_type == object_type, AuditLog.object_id == str(object_id))
        .order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit)))


def history_of_posyandu(posyandu_id: int, limit: int = 200) -> list[AuditLog]:
    """Everything that happened to a Posyandu, its pengurus and its kader, newest first."""
    return list(db.session.scalars(
        select(AuditLog).where(AuditLog.posyandu_id == posyandu_id)
        .order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit)))
