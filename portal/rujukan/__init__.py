"""Register rujukan (issue 16): the cases a Posyandu refers to an office (OPD) of its kabupaten/kota, followed until
they are handled. service.py records and reads them, workflow.py moves them, hitung.py counts them for the monthly
report. No pages yet."""
