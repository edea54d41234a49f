"""Entry point for `flask --app wsgi` and gunicorn (`gunicorn wsgi:app`)."""
import gc

from portal import create_app

app = create_app()
# What start-up made (modules, the app, the code tables) lives as long as the process: moved out of the collector's
# sight, a full collection no longer walks it again and again (it cost ~45 ms on every other directory search;
# bench/directory.md).
gc.freeze()
