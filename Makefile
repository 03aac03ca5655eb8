# Two commands matter: `make run` (the assistant on embedded defaults) and `make test`.
# Both set everything up first: a Python 3.10 venv in .venv with pinned packages.
SHELL := /bin/bash
# The first Python 3.10 that really runs (a pyenv shim may exist without its version active).
PYTHON310 ?= $(shell for p in "$$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)"/versions/3.10.*/bin/python python3.10; do "$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { echo "$$p"; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup train run test lint typecheck eval bench bench-escalation bench-kb clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	@test -n "$(PYTHON310)" || { echo "Python 3.10 is needed (Rasa 3.6 runs on it): install it, e.g. pyenv install 3.10" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON310) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

train: setup
	$(BIN)/helpdesk kb validate
	$(BIN)/helpdesk train

run: train
	$(BIN)/helpdesk run

lint: setup
	$(BIN)/ruff check bot actions tests benchmarks
	$(BIN)/ruff format --check bot actions tests benchmarks

typecheck: setup
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/helpdesk kb validate $(if $(wildcard ../shared/kb_topics.yml),--catalogue ../shared/kb_topics.yml)
	$(BIN)/helpdesk kb build > /dev/null
	$(BIN)/rasa data validate --domain build/generated/domain.yml --data nlu_data build/generated/data --config config.yml > build/data-validate.log 2>&1 || (cat build/data-validate.log; exit 1)
	$(BIN)/python -m pytest -q -p no:cacheprovider

eval: setup
	$(BIN)/helpdesk eval

bench: setup bench-escalation
	$(BIN)/python -m benchmarks.assistant

bench-escalation: setup
	$(BIN)/python -m benchmarks.escalation

clean:
	rm -rf build models .pytest_cache .mypy_cache .ruff_cache
bench-kb: setup
	$(BIN)/python -m benchmarks.live_kb
