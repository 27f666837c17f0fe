# Carnet: `make run` serves the blog, `make test` runs the whole suite.
# Both create the virtual environment and install everything on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2

.PHONY: install run test lint format translations db bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) translations

translations: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -q -d app/translations

db: install
	$(BIN)/flask --app wsgi db upgrade

run: db
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) \
		--access-logfile - wsgi:app

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python bench/bench_index.py
	$(BIN)/python bench/bench_http.py

clean:
	rm -rf $(VENV) .pytest_cache
