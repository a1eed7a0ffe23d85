# newstrace: two commands. `make demo` runs the main job on examples/; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
OUT ?= demo-out

.PHONY: demo test install clean

$(VENV)/.installed: pyproject.toml requirements-accurate.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,bench,accurate]'
	$(PY) -m pip install -q --no-deps --require-hashes -r requirements-accurate.txt
	touch $@

install: $(VENV)/.installed

demo: $(VENV)/.installed
	$(VENV)/bin/newstrace demo examples --out $(OUT)

test: $(VENV)/.installed
	@if [ -x .ci/install-browser ]; then .ci/install-browser; fi
	$(PY) -m pytest -q -p no:cacheprovider

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
