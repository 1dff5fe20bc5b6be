# `make demo` and `make test` each do the whole set-up first (scripts/setup.sh).
VENV := .venv
PY := $(VENV)/bin/python
FORMKIT := $(VENV)/bin/formkit

.PHONY: setup demo test lint bench clean

setup:
	bash scripts/setup.sh

demo: setup
	bash scripts/demo.sh

test: setup
	$(VENV)/bin/ruff check formkit tests benchmarks
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check formkit tests benchmarks

bench: setup
	$(PY) benchmarks/build_forms.py

clean:
	rm -rf $(VENV) exports/forms exports/20*
