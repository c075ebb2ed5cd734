# Two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup system-deps demo test lint bench model clean

setup: system-deps $(STAMP)

# Debian packages the project needs (installed with apt-get when missing).
system-deps:
	@scripts/ensure-system-packages system-packages.txt

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@# every extra: requirements.lock already holds their packages (--no-deps)
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e ".[print,radio,analysis,train,console,network]"
	@touch $@

demo: setup
	$(BIN)/cinq demo --out demo-out

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -q

# BENCH_ARGS: e.g. --quick (smaller sizes), --only text,pad, --radio, --json PATH.
bench: setup
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

# The digit recogniser's models (src/cinq/radio/models/<lang>.npz), trained again from
# every installed voice; MODEL_ARGS: e.g. --lang en --report model-report.json.
model: setup
	$(BIN)/python scripts/train_recogniser.py $(MODEL_ARGS)

clean:
	rm -rf $(VENV) demo-out .pytest_cache .mypy_cache .ruff_cache .hypothesis
