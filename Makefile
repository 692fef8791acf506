# marsad — make targets. Everything runs inside .venv, created on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
OUT ?= demo-out
DB ?= demo-out/marsad.db
SHARED ?= ../shared
# the full SaudiNewsNet store that bench/web_bench.py builds once and serves (kept between runs)
WEB_BENCH_DB ?= /tmp/marsad-web-bench.db

.PHONY: install dev demo test lint bench eval clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(DEVSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev,spark]'
	touch $(STAMP) $@

install: $(STAMP)
dev: $(DEVSTAMP)

demo: $(STAMP)
	@mkdir -p $(OUT)
	$(BIN)/marsad digest examples/pages --db $(DB) --out $(OUT)
	@echo "Report: $(abspath $(OUT))/index.html"

test: $(DEVSTAMP)
	$(BIN)/python -m pytest -q

lint: $(DEVSTAMP)
	$(BIN)/ruff check src tests bench scripts

bench: $(DEVSTAMP)
	$(BIN)/python bench/run.py --shared $(SHARED) --workers 2 --e2e 1000,0
	nice -n 10 $(BIN)/python bench/hostile_bench.py --shared $(SHARED) --kills 3
	nice -n 10 $(BIN)/python bench/web_bench.py --shared $(SHARED) --build all --db $(WEB_BENCH_DB)
	nice -n 10 $(BIN)/python bench/watch_soak.py --shared $(SHARED) --pages 10000 --rate 4 --kill-pages 300 --kills 4

eval: $(DEVSTAMP)
	$(BIN)/python bench/extraction_eval.py --shared $(SHARED)
	$(BIN)/python bench/similarity_eval.py --shared $(SHARED)
	$(BIN)/python bench/cluster_eval.py --shared $(SHARED)
	$(BIN)/python bench/recognizers_eval.py --shared $(SHARED)
	$(BIN)/python bench/dates_eval.py --shared $(SHARED)
	$(BIN)/python bench/news_ner_eval.py --shared $(SHARED)

clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache
