# make run   — build the demo database if there is none, then start the dashboard
# make test  — every test, browser tests included (needs /usr/bin/chromium)
# make lock  — requirements.lock again after editing requirements*.txt; make upgrade — newer versions
# make serve REPLICAS=2 — several app processes behind HAProxy, for a board reading at once
# Needs only python3, make and npm; everything else is installed into .venv and node_modules.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV ?= .venv
LOCK := requirements.lock
QA_DASHBOARD_DB ?= data/qa.duckdb
REPLICAS ?= 2
PORT ?= 8501
ADDRESS ?= 127.0.0.1

.PHONY: venv lock upgrade node_modules demo-db run serve test bench clean distclean

venv: $(VENV)/.installed

# Exact versions with their hashes from the lock (pip refuses any other file), then this project
# itself, editable (the `qa-dashboard` command, running this folder's code). The stamp is newer
# than the lock and pyproject.toml once they are installed, so pip runs again only when they change.
$(VENV)/.installed: $(LOCK) pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# The lock from requirements-dev.txt (which takes in requirements.txt), for Python 3.11 on Linux
# as CI runs it: pins already in the lock are kept where the requirements still allow them.
# `make upgrade` moves every pin to the newest version allowed, `make upgrade PACKAGE=streamlit` one.
UV_COMPILE = $(VENV)/bin/uv pip compile requirements-dev.txt --quiet --generate-hashes \
	--python-version 3.11 --python-platform linux --custom-compile-command "make lock" -o $(LOCK)

lock: $(VENV)/.installed
	$(UV_COMPILE)

upgrade: $(VENV)/.installed
	$(UV_COMPILE) $(if $(PACKAGE),--upgrade-package $(PACKAGE),--upgrade)

node_modules: node_modules/.package-lock.json

# npm ci writes node_modules/.package-lock.json; touching it records this install.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Builds the demo only when the database file is missing: an existing database, demo or
# real, is never overwritten.
demo-db: $(QA_DASHBOARD_DB)

$(QA_DASHBOARD_DB): | $(VENV)/.installed
	mkdir -p "$(dir $@)"
	$(VENV)/bin/python -m qa_dashboard demo --db "$@"

# make run PORT=8502 serves on another port; Ctrl+C stops it.
run: venv demo-db
	QA_DASHBOARD_DB="$(QA_DASHBOARD_DB)" $(VENV)/bin/streamlit run app.py --server.port $(PORT)

# REPLICAS app processes on ports PORT+1.. behind HAProxy on PORT (apt-get install haproxy);
# ADDRESS=0.0.0.0 opens the proxy to the network. A replica that stops is started again;
# Ctrl-C stops them all.
serve: venv demo-db
	QA_DASHBOARD_DB="$(QA_DASHBOARD_DB)" $(VENV)/bin/python deploy/serve.py --replicas "$(REPLICAS)" --port "$(PORT)" --address "$(ADDRESS)"

test: venv node_modules
	$(VENV)/bin/python -m pytest -q

bench: venv
	$(VENV)/bin/python bench/ingest.py

# Caches and test output only; databases under data/ are never deleted.
clean:
	rm -rf .pytest_cache screenshots test-results
	find . -path ./$(VENV) -prune -o -path ./node_modules -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) node_modules
