# The two commands: `make run` serves the blog, `make test` proves it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export FLASK_APP := blog
# Where `make run` serves: `make run PORT=5001 HOST=...`. Only the command line changes them: a
# PORT exported for gunicorn, or a shell's HOST naming the machine, does not.
HOST = 127.0.0.1
PORT = 5000

.PHONY: help install run test lint format migration seed screenshots clean lock requirements conformance fuzz mutation bench soak faults

help:
	@echo "make run        create .venv, install, migrate and serve http://$(HOST):$(PORT) (make run PORT=5001 HOST=...)"
	@echo "make test       lint, then the test suite (SQLite, or PostgreSQL when TEST_DATABASE_URL is set)"
	@echo "make lint       ruff check and format check, bandit on blog/"
	@echo "make format     ruff format and fix"
	@echo "make seed       demo content: 20 authors, 500 posts"
	@echo "make migration  autogenerate a migration after a model change (make migration m='what changed')"
	@echo "make screenshots  retake docs/screenshots/ with the browser tests (needs chromium)"
	@echo "make lock       re-pin requirements.lock (and requirements.txt) from pyproject.toml"
	@echo "make requirements  regenerate requirements.txt (runtime pins) from requirements.lock"
	@echo "make conformance  the official RealWorld API suite (../shared/realworld) on SQLite, PostgreSQL and MariaDB"
	@echo "make fuzz       fuzz the JSON API with schemathesis from its OpenAPI document (schemathesis.toml)"
	@echo "make mutation  mutation testing of blog/domain and blog/markdown.py (mutmut; docs/testing.md)"
	@echo "make bench     the benchmark: 1k and 1M posts, SQLite and PostgreSQL, under gunicorn and wrk"
	@echo "               (make bench BENCH_ARGS=--quick: the small datasets, under two minutes)"
	@echo "make soak      writers and readers at once for DURATION seconds (60), then every"
	@echo "               acknowledged write checked in the database (make soak DURATION=20)"
	@echo "make faults    the soak while PostgreSQL restarts, a worker dies, Redis stops, uploads"
	@echo "               can't be stored: each recovered, nothing lost (about two minutes)"

$(BIN)/flask: pyproject.toml requirements.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

install: $(BIN)/flask

# scripts/serve checks that HOST:PORT is free, migrates, says where the blog is, runs flask run.
run: install
	@VENV=$(VENV) scripts/serve --host '$(HOST)' --port '$(PORT)'

# PYTEST_WORKERS: how many processes share the tests (pytest-xdist; 0 runs them in this one);
# PYTEST_ARGS go to pytest (e.g. PYTEST_ARGS='tests/api -x').
PYTEST_WORKERS ?= auto
test: install lint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# CONFORMANCE_DATABASES="sqlite" limits the databases; HURL_ARGS go to hurl (e.g. HURL_ARGS=--verbose).
conformance: install
	VENV=$(VENV) scripts/conformance $(HURL_ARGS)

# Mutation testing, not part of `make test` (about ten minutes on two cores): every mutant mutmut
# makes of blog/domain and blog/markdown.py is tried against tests/domain, from scratch, then
# scripts/mutation-score prints the score per module and the survivors (docs/testing.md).
# MUTATION_JOBS: processes trying mutants; MUTMUT_ARGS go to `mutmut run`.
MUTATION_JOBS ?= 2
mutation: install
	rm -rf mutants
	$(BIN)/mutmut run --max-children $(MUTATION_JOBS) $(MUTMUT_ARGS)
	$(BIN)/python scripts/mutation-score

# The benchmark, not part of `make test` (docs/performance.md): datasets built once into
# bench/data/ and PostgreSQL, the blog under gunicorn, driven by wrk; the tables are printed and
# written to bench/results/. BENCH_ARGS go to `python -m bench` (e.g. BENCH_ARGS='--quick',
# BENCH_ARGS='--databases sqlite --sizes small --only home,tag'; `--help` lists them).
bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

# The soak and the faults, not part of `make test` (docs/testing.md): gunicorn on a PostgreSQL
# cluster and a redis-server of their own (free ports of 127.0.0.1), SOAK_CLIENTS threads half
# writing, half reading. DURATION: the soak's seconds of load; for the faults, the seconds of
# calm load before, between and after them (10 unless given).
DURATION ?= 60
SOAK_CLIENTS ?= 16
soak: install
	$(BIN)/python -m soak --duration $(DURATION) --clients $(SOAK_CLIENTS)

faults: install
	$(BIN)/python -m soak --faults --clients $(SOAK_CLIENTS) \
		--duration $(if $(filter command line environment,$(origin DURATION)),$(DURATION),10)

# FUZZ_ARGS go to `schemathesis run` (e.g. FUZZ_ARGS='--seed 7 -n 500'); FUZZ_TIMEOUT in seconds.
fuzz: install
	VENV=$(VENV) scripts/fuzz-api $(FUZZ_ARGS)

# bandit: no finding of medium severity or worse in blog/ (low ones are reviewed, not blocking).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit --quiet --recursive blog --severity-level medium

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

seed: install
	$(BIN)/flask blog seed --users 20 --posts 500

screenshots: install
	SCREENSHOTS_DIR=docs/screenshots $(BIN)/python -m pytest tests/browser/test_layout.py -k screenshots

migration: install
	$(BIN)/flask db migrate -m "$(m)"

lock: install
	$(BIN)/python -m pip freeze --exclude-editable > requirements.lock
	scripts/requirements

requirements: install
	scripts/requirements

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
