# The two commands: `make run` (the whole product) and `make test` (lint + every test).
# Both install what they need: a virtualenv with the pinned requirements, bun for Reflex,
# and (for tests) Debian's chromium, nginx and pgbouncer. `make scaled` runs the product as several
# machines would (README, «Scaled topology»).

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := .tools
BUN_VERSION := 1.4.4

export PATH := $(CURDIR)/$(TOOLS)/node_modules/.bin:$(PATH)
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
# Reflex probes a mirror unless the registry is named: name the one npm is configured with.
export NPM_CONFIG_REGISTRY := $(shell npm config get registry 2>/dev/null)

.PHONY: run scaled test lint format bootstrap chromium proxies

run: bootstrap
	$(PY) -m compraagil run

scaled: bootstrap proxies
	$(PY) -m compraagil run --scaled

test: bootstrap chromium proxies
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

lint: bootstrap
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: bootstrap
	$(VENV)/bin/ruff format .

bootstrap: $(VENV)/.installed $(TOOLS)/.installed-$(BUN_VERSION)

$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(TOOLS)/.installed-$(BUN_VERSION):
	npm install --prefix $(TOOLS) --no-audit --no-fund --loglevel=error bun@$(BUN_VERSION)
	touch $@

chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

proxies:
	@test -x /usr/sbin/nginx -a -x /usr/sbin/pgbouncer || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light pgbouncer; }
