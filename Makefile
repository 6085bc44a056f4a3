# Two commands for a new user:
#   make demo   set up .venv (the light install), count people in the PETS 2009 sample clip, export, report
#   make test   set up .venv with every extra (and Debian's chromium, postgresql, mosquitto, LibreOffice Calc), lint,
#               type-check and run the tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SHARED ?= ../shared
VIDEO  ?= sample_videos/vtest.avi
OUT    ?= out
.PHONY: demo test lint system clean

# demo: the light install (no torch, no Ultralytics); test: with every extra, so every test runs.
$(VENV)/.installed-demo: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,cluster,ultralytics,pdf]'
	touch $@

$(VIDEO):
	scripts/get_sample_video.sh $@

demo: $(VENV)/.installed-demo $(VIDEO)
	$(BIN)/crowdcount demo --video $(VIDEO) --out $(OUT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	@! grep -rnE "fmt: *(skip|off)" src tests scripts || (echo "the formatter decides the layout: remove these markers"; exit 1)
	$(BIN)/mypy
	$(BIN)/lint-imports

system:
	scripts/ensure_debian_packages.sh

test: lint system $(VIDEO)
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
