# Two commands do all set-up on a fresh machine:
#   make run    builds .venv, trains the model if its inputs changed, creates the demo database,
#               and starts the action server and the Rasa server (Ctrl-C stops both).
#   make test   builds .venv, trains the model if needed, and runs the whole test suite.
PY := .venv/bin/python
RASA := .venv/bin/rasa

.PHONY: setup model db run run-prod test lint eval bench bench-prod bench-text

setup:
	@bash scripts/bootstrap.sh

model: setup
	@$(PY) -m bot model ensure

db: setup
	@$(PY) -m bot db init --demo

run: model db
	@$(PY) -m bot run

# The production profile on this machine: REPLICAS Rasa servers (2) and two action servers behind
# nginx on PORT (8080), on PostgreSQL, Redis and RabbitMQ (docs/deploy.md).
run-prod: model
	@$(PY) -m bot run-prod

eval: model
	@$(PY) -m bot eval --gate

# Load benchmark against the stock `rasa init` assistant (several minutes; run it alone).
bench: model
	@$(PY) bench/load.py

# The text functions on 10,000-character pastes: time and growth (a backtracking pattern shows).
bench-text: setup
	@$(PY) bench/long_inputs.py

# The production profile's throughput on 1 and 2 Rasa replicas behind nginx (~4 minutes).
bench-prod: model
	@$(PY) bench/prod.py

lint: setup
	$(PY) -m ruff check bot actions scripts tests
	$(PY) -m mypy bot actions

# The conversation set is played a second time on stock Rasa (HEATING_RASA_PATCHES=none): the
# speed-ups must change speed, never answers (tests/e2e/test_dialogue_set.py compares the two runs
# turn by turn). Only that comparison needs stock Rasa; the other end-to-end tests run once.
test: lint model
	$(PY) -m pytest -p no:cacheprovider --durations=25
	HEATING_RASA_PATCHES=none $(PY) -m pytest -p no:cacheprovider -m e2e tests/e2e/test_dialogue_set.py
