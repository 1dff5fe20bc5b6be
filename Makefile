# `make demo` and `make test` each do the whole set-up first (scripts/setup.sh).
VENV := .venv
PY := $(VENV)/bin/python
FORMKIT := $(VENV)/bin/formkit

.PHONY: setup demo test lint bench samples clean

setup:
	bash scripts/setup.sh

demo: setup
	bash scripts/demo.sh

test: setup
	$(VENV)/bin/ruff check formkit formkit_dev tests benchmarks
	$(VENV)/bin/lint-imports  # the layers and forbidden imports of pyproject.toml
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check formkit formkit_dev tests benchmarks
	$(VENV)/bin/lint-imports

bench: setup
	$(PY) benchmarks/build_forms.py
	$(PY) benchmarks/omr_accuracy.py
	$(PY) benchmarks/foreign_scans.py
	$(PY) benchmarks/hand_marks.py
	$(PY) benchmarks/ocr_accuracy.py
	$(PY) benchmarks/register_io.py
	$(PY) benchmarks/report_speed.py

samples: setup
	$(PY) scripts/make_samples.py

clean:
	rm -rf $(VENV) exports/forms exports/20*
