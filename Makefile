# `make serve` and `make test` work on a fresh machine: each creates .venv if missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := tests/node/node_modules/.installed

.PHONY: serve test test-quick lint bench clean node-readers

$(STAMP): pyproject.toml setup.py
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# jsonld.js (and other JavaScript readers) for the tests, where npm is installed.
$(NODE_STAMP): tests/node/package.json tests/node/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/node --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: the Node.js tests will skip (apt-get install nodejs npm)"; \
	fi

node-readers: $(NODE_STAMP)

serve: $(STAMP)
	$(BIN)/ldcv serve data/ --host 127.0.0.1 --port 8000

test: $(STAMP) node-readers
	$(BIN)/ruff check ldcv tests bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest

# The tests that start no server process, browser or subprocess: under a minute.
test-quick: $(STAMP)
	$(BIN)/python -m pytest -m 'not slow'

lint: $(STAMP)
	$(BIN)/ruff check ldcv tests bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff format --check ldcv tests bench

bench: $(STAMP)
	$(BIN)/python bench/validate.py

clean:
	rm -rf $(VENV) build site *.egg-info tests/node/node_modules
