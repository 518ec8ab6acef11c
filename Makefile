# sitrep: every task starts here. `make` lists them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help demo test lint format bench bench-quick fixtures mutation clean

help: ## list the tasks
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Error: $(PYTHON) not found (install Python 3.11, or run make PYTHON=python3)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip uninstall --quiet --yes sitrep 2>/dev/null || true  # 0.1's distribution name; its stale editable finder maps crawler/index/search
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP) ## set up, serve the sample archive on 127.0.0.1, crawl it into demo-data/, index, search
	$(BIN)/sitrep demo

test: $(STAMP) ## run the whole test suite (reliability runs included)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: $(STAMP) ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP) ## benchmarks against FTS5 and tantivy in the same run (10k and 100k records); README table
	$(BIN)/python bench/run.py
	$(BIN)/python bench/readme.py

bench-quick: $(BENCH_STAMP) ## a small benchmark run for development (a few minutes; README untouched)
	$(BIN)/python bench/run.py --quick

mutation: $(STAMP) ## mutation testing of dates, countries, URL rules, parser, record, query, facets, store (slow; MODULES="dates urls" for some)
	$(BIN)/python -m pip install --quiet -e '.[mutation]'
	$(BIN)/python tests/mutation/run.py $(MODULES)

fixtures: $(STAMP) ## rewrite the expected JSON beside each fixture page, for review in the diff
	$(BIN)/python tests/pages/regenerate.py

clean: ## remove the virtualenv, data and caches
	rm -rf $(VENV) data demo-data .pytest_cache .ruff_cache bench/_work
