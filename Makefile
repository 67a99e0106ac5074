# The two commands a newcomer runs: `make run` and `make test`.
# Each creates .venv and installs what it needs on first use.
# `make run PORT=8123` serves on another port (8000 by default, alliance/devenv.py); the app's links follow it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test fuzz chaos audit lint bench bench-api bench-pages shell

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m alliance.devenv run $(if $(PORT),--port $(PORT))

test: $(STAMP)
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m alliance.devenv test $(ARGS)

# The API conformance test at length: many examples per operation, chosen at random.
fuzz: $(STAMP)
	CONFORMANCE_EXAMPLES=$${CONFORMANCE_EXAMPLES:-50} $(PY) -m alliance.devenv test -s tests/test_api_conformance.py $(ARGS)

# Faults injected at length into a private copy of the production shape (tests/faults/): the mail server,
# Redis and PostgreSQL stopped, the worker killed and stopped, with production's timings; prints what was
# delivered, lost, doubled and how long recovery took. `make test` runs short versions of the same.
chaos: $(STAMP)
	CHAOS=1 $(PY) -m alliance.devenv test -s -p no:cacheprovider tests/faults/ $(ARGS)

# Known vulnerabilities in the installed dependencies (pip-audit reads PyPI's advisories; --strict fails when
# a dependency cannot be checked, rather than passing it unchecked), then Django's deployment checks with the
# production settings.
audit: $(STAMP)
	$(VENV)/bin/pip-audit --strict --skip-editable --progress-spinner off
	$(PY) -m alliance.devenv test -q tests/alliance/test_settings.py -k check_deploy

bench: $(STAMP)
	$(PY) -m alliance.devenv bench $(ARGS)

bench-api: $(STAMP)
	$(PY) -m alliance.devenv bench-api $(ARGS)

bench-pages: $(STAMP)
	$(PY) -m alliance.devenv bench-pages $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

shell: $(STAMP)
	$(PY) -m alliance.devenv manage shell
