# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test lint setup clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# instance/config.py holds this install's secret key; it is created once and never committed.
instance/config.py:
	@mkdir -p instance
	@$(BIN)/python -c "import secrets; print('# Created by make run for this install. Never commit it.'); \
	print('SECRET_KEY = %r' % secrets.token_hex(32)); \
	print('# The demo is served over plain http on this machine; behind HTTPS in production leave this out.'); \
	print('SESSION_COOKIE_SECURE = False')" > $@
	@echo "instance/config.py dibuat (SECRET_KEY baru)."

setup: $(VENV)/.runtime instance/config.py
	$(FLASK) db upgrade
	$(FLASK) wilayah import
	$(FLASK) rekap bangun --if-empty
	$(FLASK) demo seed --if-empty

run: setup
	@$(FLASK) demo accounts
	@echo "Portal: http://$(HOST):$(PORT)/"
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 1 --threads 8 --timeout 120 --access-logfile - wsgi:app

test: $(VENV)/.dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check --select F,E9 portal tests bench migrations wsgi.py

clean:
	rm -rf $(VENV) .pytest_cache
