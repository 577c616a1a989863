# The two commands: `make run` (set up, ingest the demo shop, serve) and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export SHOPBOT_DATA_DIR ?= $(CURDIR)/.shopbot-data
export HF_HUB_OFFLINE := 1

.PHONY: install run test lint typecheck bench eval lock clean

$(BIN)/shopbot: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $@

$(VENV)/.llm-installed: $(BIN)/shopbot
	$(BIN)/python -m pip install -q --disable-pip-version-check -c requirements.lock -e '.[dev,llm]'
	touch $@

install: $(BIN)/shopbot

run: install
	$(BIN)/shopbot serve --demo

test: install $(VENV)/.llm-installed
	$(BIN)/ruff check bot guardrails evals benchmarks tests
	$(BIN)/mypy bot guardrails evals
	$(BIN)/pytest -q
	$(BIN)/shopbot ingest
	$(BIN)/shopbot eval retrieval --min-recall 0.85 --min-lang-recall 0.80
	$(BIN)/shopbot eval triage --min-macro-f1 0.90 --min-approval-recall 0.97 > /dev/null
	$(BIN)/shopbot eval replies --split all --gate > /dev/null
	$(BIN)/shopbot eval answers --min-accuracy 0.75 > /dev/null

typecheck: install
	$(BIN)/mypy bot guardrails evals

bench: install
	$(BIN)/python -m benchmarks.retrieval
	$(BIN)/python -m benchmarks.triage
	$(BIN)/python -m benchmarks.drafting
	$(BIN)/python -m benchmarks.workspace
	$(BIN)/python -m benchmarks.platform

eval: install
	$(BIN)/shopbot ingest
	$(BIN)/shopbot eval retrieval
	$(BIN)/shopbot eval triage
	$(BIN)/shopbot eval replies
	$(BIN)/shopbot eval answers

lock:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

clean:
	rm -rf $(VENV) .shopbot-data .pytest_cache
