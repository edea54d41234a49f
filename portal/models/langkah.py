"""The columns of one move on a workflow's timeline (portal/alur.py's timeline model: the report's, the referral's):
which step, from which state to which, by whom in which role, when, with which note. Written once, never changed."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from portal.models.base import utcnow
from portal.models.user import User


class Langkah:
    id: Mapped[int] = mapped_column(primary_key=True)
    aksi: Mapped[str] = mapped_column(String(30))
    dari: Mapped[str | None] = mapped_column(String(24))
    ke: Mapped[str] = mapped_column(String(24))
    oleh_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the system
    peran: Mapped[str | None] = mapped_column(String(20))
    pada: Mapped[datetime] = mapped_column(default=utcnow)
    catatan: Mapped[str | None] = mapped_column(Text)

    @declared_attr
    def oleh(cls) -> Mapped[User | None]:
        return relationship()
