"""Laporan bulanan 6 SPM (issue 16): the indicator catalogue (katalog.py), a report's entry (service.py) and its one
state machine (workflow.py)."""
