# Everything runs inside .venv so a fresh machine needs only python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench bench-batch clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,dask]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/recovery/make_clips.py
	$(BIN)/montage render examples/recovery/recovery.yaml

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff check montage tests bench examples
	$(BIN)/ruff format --check montage tests bench examples

bench: $(STAMP)
	$(BIN)/python bench/bench_render.py

bench-batch: $(STAMP)
	$(BIN)/python bench/bench_batch.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache examples/recovery/clips examples/recovery/out
