# Risorsa — the README's commands. Needs only python3, pip and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
E2E ?= 1
WORKERS ?= auto

.PHONY: run test e2e lint fmt install demo messages clean

$(BIN)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	touch $@

install: $(BIN)/.installed

run: install
	@mkdir -p var/static
	DEBUG=1 RISORSA_DEMO=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 RISORSA_DEMO=1 $(BIN)/python manage.py load_demo
	DEBUG=1 RISORSA_DEMO=1 $(BIN)/python manage.py giornaliero
	@# The background worker runs the imports uploaded through the web (without the reloader,
	@# restarted if it ever exits), and the daily follow-up runs again every hour; both stop with
	@# the server.
	@trap 'kill 0' EXIT INT TERM; \
	while true; do DEBUG=1 RISORSA_DEMO=1 $(BIN)/python manage.py db_worker --interval 1 --no-reload; sleep 1; done & \
	while sleep 3600; do DEBUG=1 RISORSA_DEMO=1 $(BIN)/python manage.py giornaliero; done & \
	DEBUG=1 RISORSA_DEMO=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole suite: everything but the browser, on one worker per core (pytest-xdist; each worker
# has its own test database, and a file's tests stay on one worker), then the browser journeys on
# a file database (a live server's threads and an in-memory SQLite database do not mix). E2E=0
# leaves them out; WORKERS=0 runs the suite in this process.
test: install
	$(BIN)/pytest -m "not e2e" -n $(WORKERS) --dist loadfile $(PYTEST_ARGS)
ifeq ($(E2E),1)
	@$(MAKE) --no-print-directory e2e PYTEST_ARGS='$(PYTEST_ARGS)'
endif

e2e: install
	@mkdir -p var
	SQLITE_TEST_NAME=var/test-e2e.sqlite3 $(BIN)/pytest -m e2e tests/e2e $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/mypy
	$(BIN)/lint-imports --no-cache

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install
	cd risorsa && DEBUG=1 ../$(BIN)/python ../manage.py makemessages -l en --no-obsolete --no-location
	cd risorsa && DEBUG=1 ../$(BIN)/python ../manage.py compilemessages -l en

clean:
	rm -rf $(VENV) var
