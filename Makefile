# Carnet: `make run` serves the blog, `make test` runs the whole suite
# (`make test-fast` the quick part of it).
# Both create the virtual environment and install everything on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The W3C Nu Html Checker (vnu-jar) and axe-core come from npm.
NODE_STAMP := node_modules/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2

.PHONY: install run test test-fast lint format translations messages db bench clean web-checks

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# --ignore-scripts: vnu-jar's postinstall would download a Java runtime; the
# tests use the machine's own java (and skip without it). Without npm the
# HTML validity and accessibility tests skip too, saying why.
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --silent --no-audit --no-fund --ignore-scripts && touch $(NODE_STAMP); \
	else \
		echo "npm not found: HTML validity and accessibility checks will be skipped"; \
	fi

install: $(STAMP) $(NODE_STAMP) translations

translations: $(STAMP)
	$(BIN)/pybabel compile -d app/translations

# After changing user-facing strings: refresh the template and the catalogues,
# translate the new entries in app/translations/en/LC_MESSAGES/messages.po.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --project=Carnet \
		--ignore-dirs=".* ._ node_modules tests bench migrations" \
		-o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations \
		--no-fuzzy-matching

# Serving needs no npm: only the test suite's page checkers do.
db: $(STAMP) translations
	$(BIN)/flask --app wsgi db upgrade

# gunicorn.conf.py holds gunicorn's settings; these two come from make's variables.
# Bytecode first: with PYTHONDONTWRITEBYTECODE set, each start would compile the app.
run: db
	$(BIN)/python -m compileall -q app wsgi.py >/dev/null
	CARNET_BIND=$(HOST):$(PORT) CARNET_WORKERS=$(WORKERS) \
		$(BIN)/gunicorn --config gunicorn.conf.py

# The whole suite, after ruff: branch coverage of app/ and tests/ (see
# [tool.coverage.run]) and the reason of every skipped test are printed.
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -rs --cov --cov-report=term-missing:skip-covered

# Everything but the tests in Chromium and those that start servers, spread
# over the machine's cores (pytest-xdist): for the edit-and-check loop.
test-fast: install
	$(BIN)/pytest -m "not browser and not slow" -n auto

# The web's own checkers alone: Nu Html Checker, axe-core, feeds, headers, phones.
web-checks: install
	$(BIN)/pytest -q tests/test_html_validity.py tests/test_accessibility.py \
		tests/test_feed_conformance.py tests/test_security_headers.py \
		tests/test_error_pages.py tests/test_screenshots.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Figures, not tests (bench/README.md): needs wrk; Isso and Pelican are compared
# when their virtual environments exist (bench/README.md says how to make
# them). `make bench HUGE=1` also starts a blog of 100,000 posts.
# The benchmarks' peers, each in its own environment (not Carnet's): Pelican
# builds the same posts, Isso takes comments under the same gunicorn; py-spy
# samples Carnet's workers (bench_comments.py --profile).
PEERS := .bench
$(PEERS)/pelican/bin/pelican:
	$(PYTHON) -m venv $(PEERS)/pelican
	$(PEERS)/pelican/bin/pip install --quiet 'pelican[markdown]==4.12.0'

$(PEERS)/isso/bin/gunicorn:
	$(PYTHON) -m venv $(PEERS)/isso
	$(PEERS)/isso/bin/pip install --quiet 'isso==0.14.0' 'gunicorn>=23'

bench: install $(PEERS)/pelican/bin/pelican $(PEERS)/isso/bin/gunicorn
	$(BIN)/python -m pip install --quiet 'py-spy>=0.4'
	$(BIN)/python bench/bench_index.py
	$(BIN)/python bench/bench_scale.py --pelican $(PEERS)/pelican $(if $(HUGE),--huge)
	$(BIN)/python bench/bench_http.py
	$(BIN)/python bench/bench_comments.py --isso $(PEERS)/isso

clean:
	rm -rf $(VENV) $(PEERS) .pytest_cache node_modules screenshots
