# Two commands for a fresh machine: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin
FLASK = $(BIN)/flask --app survey
CATALOGS = $(patsubst %.po,%.mo,$(wildcard survey/translations/*/LC_MESSAGES/messages.po))

.PHONY: run test install browser messages check bench clean

run: install $(CATALOGS)  ## Install, create the database with demo data, serve on http://127.0.0.1:5000
	$(FLASK) init-db
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install $(CATALOGS) browser  ## Install, check the house style and run every test
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/pytest

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

# The browser tests drive Debian's Chromium (Playwright cannot download a browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "Chromium is missing: sudo apt-get install -y chromium"; fi; }

messages: install  ## Extract the strings to translate and update the catalogs
	$(BIN)/pybabel extract -F babel.cfg -k _l -k say -o survey/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i survey/translations/messages.pot -d survey/translations --ignore-obsolete --no-wrap

check: install  ## Check every questionnaire file
	$(FLASK) check-questionnaires

bench: install $(CATALOGS)  ## Print performance figures
	$(BIN)/python bench/bench_core.py
	$(BIN)/python bench/bench_web.py

clean:
	rm -rf $(VENV) $(CATALOGS)
