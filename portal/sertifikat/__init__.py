"""Public: is this sertifikat real? The check by the code printed on a kegiatan's sertifikat (the rule is
kegiatan's own: portal/kegiatan/sertifikat.py)."""
