"""Where uploads live: UPLOAD_FOLDER (default instance/uploads; with several machines, a shared volume)."""
import os

from flask import current_app


def folder(*parts: str) -> str:
    """The upload folder, or a folder inside it (dokumen, impor, nomor)."""
    base = current_app.config["UPLOAD_FOLDER"] or os.path.join(current_app.instance_path, "uploads")
    return os.path.join(base, *parts)
