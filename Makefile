# Two commands matter: `make run` (the assistant on embedded defaults) and `make test`
# (`make test-all` adds the slow tests that train models; CI runs it).
# Both set everything up first: a Python 3.10 venv in .venv with pinned packages.
SHELL := /bin/bash
# The first Python 3.10 that really runs (a pyenv shim may exist without its version active).
PYTHON310 ?= $(shell for p in "$$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)"/versions/3.10.*/bin/python python3.10; do "$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { echo "$$p"; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup setup-dev train run validate test test-all lint typecheck eval bench bench-escalation bench-kb bench-hostile bench-load clean

PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

# What `make run` needs (requirements.lock); the tests' tools come on top (requirements-dev.lock).
# Every package is pinned with its hashes, so a changed or substituted file stops the install.
setup: $(VENV)/.installed
setup-dev: $(VENV)/.installed-dev

$(VENV)/.installed: pyproject.toml requirements.lock
	@test -n "$(PYTHON310)" || { echo "Cần Python 3.10 (Rasa 3.6 chạy trên phiên bản này): cài bằng, ví dụ, pyenv install 3.10" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON310) -m venv $(VENV)
	$(PIP) --require-hashes -r requirements.lock
	$(PIP) --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(PIP) --require-hashes -r requirements.lock -r requirements-dev.lock
	@touch $@

train: setup
	$(BIN)/helpdesk kb validate
	$(BIN)/helpdesk train

run: train
	$(BIN)/helpdesk run

lint: setup-dev
	$(BIN)/ruff check bot actions tests benchmarks
	$(BIN)/ruff format --check bot actions tests benchmarks

typecheck: setup-dev
	$(BIN)/mypy

# The knowledge base and the training data Rasa would train on.
validate: setup-dev
	$(BIN)/helpdesk kb validate $(if $(wildcard ../shared/kb_topics.yml),--catalogue ../shared/kb_topics.yml)
	$(BIN)/helpdesk kb build > /dev/null
	$(BIN)/rasa data validate --domain build/generated/domain.yml --data nlu_data build/generated/data --config config.yml > build/data-validate.log 2>&1 || (cat build/data-validate.log; exit 1)

# The fast tier: every module's tests but those that train a model or start all of
# `helpdesk run` (marked slow), in TEST_WORKERS processes (pytest-xdist; 0: in this one).
TEST_WORKERS ?= 2
test: lint typecheck validate
	$(BIN)/python -m pytest -q -p no:cacheprovider -m "not slow" -n $(TEST_WORKERS) --dist worksteal

# The slow tier's browser tests (tests/browser) drive Debian's Chromium through Playwright, which
# never downloads a browser of its own. Installed here only when missing (as root, on Debian).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@test "$$(id -u)" = 0 || { echo "Các bài kiểm thử trên trình duyệt cần Chromium, anh/chị vui lòng cài bằng: sudo apt-get install -y --no-install-recommends chromium" >&2; exit 1; }
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium

# Everything `make test` does, then the slow tier (trains models: ten minutes or more), in one
# process: its tests share the trained model and `helpdesk run`s. CI runs it.
test-all: test $(CHROMIUM)
	$(BIN)/python -m pytest -q -p no:cacheprovider -m slow

eval: setup
	$(BIN)/helpdesk eval

bench: setup bench-escalation bench-hostile
	$(BIN)/python -m benchmarks.assistant
	$(BIN)/python -m benchmarks.nlu_parts
	$(BIN)/python -m benchmarks.delivery

bench-escalation: setup
	$(BIN)/python -m benchmarks.escalation

# Many officials at once (docs/benchmarks.md, "Many officials at once"): our stack with 1 and 2
# Rasa replicas on SQLite and on PostgreSQL + Redis, and a stock Rasa server, in one run.
bench-load: setup
	$(BIN)/python -m benchmarks.load

bench-kb: setup
	$(BIN)/python -m benchmarks.live_kb

# 10,000 hostile requests at a real gateway and desk (docs/benchmarks.md, "Hostile campaign");
# fails if any was not refused as it should be, reached the assistant or the desk, or grew memory.
bench-hostile: setup
	$(BIN)/python -m benchmarks.hostile

clean:
	rm -rf build models .pytest_cache .mypy_cache .ruff_cache
