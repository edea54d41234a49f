"""What the public pages read that is not a rekap: the health of the database."""
from sqlalchemy import text

from portal.extensions import db


def database_ok() -> bool:
    """The database answers a query (a failed one is rolled back, so the session stays usable)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means the database is not usable
        db.session.rollback()
        return False
    return True


def dialect() -> str:
    return db.engine.dialect.name
