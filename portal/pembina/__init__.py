"""Tim Pembina Posyandu at every level and the register of OPD (issue 15)."""
