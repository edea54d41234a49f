"""Kegiatan (issue 5): bimtek and sosialisasi, their peserta, attendance per day, QR check-in, daftar hadir,
sertifikat and recaps."""
