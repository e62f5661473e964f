# `make serve` and `make test` work on a fresh machine: each creates .venv if missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test lint bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/ldcv serve data/ --host 127.0.0.1 --port 8000

test: $(STAMP)
	$(BIN)/ruff check ldcv tests bench
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check ldcv tests bench
	$(BIN)/ruff format --check ldcv tests bench

bench: $(STAMP)
	$(BIN)/python bench/validate.py

clean:
	rm -rf $(VENV) build site *.egg-info
