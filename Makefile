# Two commands for a fresh machine: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin
FLASK = $(BIN)/flask --app survey
CATALOGS = $(patsubst %.po,%.mo,$(wildcard survey/translations/*/LC_MESSAGES/messages.po))
BUNDLES = survey/bundles
CHART_SCRIPTS = $(patsubst %,survey/static/build/plotly-%.min.js,radar dashboard)
NODE_MODULES = $(BUNDLES)/node_modules/.package-lock.json

.PHONY: run test build install charts browser nginx messages check bench clean

run: install $(CATALOGS) charts  ## Install, create the database with demo data, serve on http://127.0.0.1:5000
	$(FLASK) init-db
	SURVEY_DEMO=true $(FLASK) seed-demo --if-empty --with-users
	SURVEY_DEMO=true $(FLASK) run --host 127.0.0.1 --port 5000  # a demonstration: exports hold the demo firms

test: install $(CATALOGS) charts browser nginx  ## Install, check the house style and run every test
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/pytest

build: install $(CATALOGS) charts  ## Install and build what a server needs (no database, no demo): see docs/operations.md

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

# The chart scripts: plotly.js's core and the traces each page's charts draw (plotly-<kind>.js:
# radar for the results, dashboard for a programme's), bundled with esbuild from the versions
# pinned in survey/bundles/package-lock.json, then precompressed (brotli and gzip).
# Without Node.js (and not root to install it) the app serves the plotly package's full bundle.
charts: $(CHART_SCRIPTS)

# One `npm ci` for every bundle (it empties node_modules first: never two at once).
$(NODE_MODULES): $(BUNDLES)/package-lock.json
	@command -v npm >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || { apt-get update -qq && apt-get install -y -qq nodejs npm; }
	@if command -v npm >/dev/null 2>&1; then cd $(BUNDLES) && npm ci --no-audit --no-fund --loglevel=error; fi

survey/static/build/plotly-%.min.js: $(BUNDLES)/plotly-%.js $(NODE_MODULES) $(VENV)/.installed
	@if command -v npm >/dev/null 2>&1; then \
	  set -e; cd $(BUNDLES); \
	  node_modules/.bin/esbuild plotly-$*.js --bundle --minify --format=iife --global-name=Plotly \
	    --define:global=window --loader:.css=empty --legal-comments=none --log-level=warning \
	    --outfile=../static/build/plotly-$*.min.js; \
	  cd ../..; $(BIN)/python -c "from survey.web.static_files import precompress; precompress('$@')"; \
	  ls -l $@ $@.gz $@.br; \
	else echo "No Node.js: the $* charts will use the plotly package's full plotly.js (1.47 MB gzipped)"; fi

# The browser tests drive Debian's Chromium (Playwright cannot download a browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "Chromium is missing: sudo apt-get install -y chromium"; fi; }

# The deployment test runs the shipped nginx configuration (deploy/nginx/) in front of gunicorn.
nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq nginx; \
	  else echo "nginx is missing: sudo apt-get install -y nginx"; fi; }

messages: install  ## Extract the strings to translate and update the catalogs
	$(BIN)/pybabel extract -F babel.cfg -k _l -k say -o survey/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i survey/translations/messages.pot -d survey/translations --ignore-obsolete --no-wrap

check: install  ## Check every questionnaire file
	$(FLASK) check-questionnaires

bench: install $(CATALOGS)  ## Print performance figures
	$(BIN)/python bench/bench_core.py
	$(BIN)/python bench/bench_web.py
	$(BIN)/python bench/bench_slow_clients.py

clean:
	rm -rf $(VENV) $(CATALOGS) survey/static/build $(BUNDLES)/node_modules
