# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PACKAGES := -e shared -e testsupport -e services/scheduling -e services/performance -e services/recognition -e services/escalation
SERVICES := scheduling performance recognition escalation

.PHONY: help install run seed test test-fast test-postgres lint format token asyncapi messages bench images clean

$(STAMP): requirements-dev.txt deploy/requirements-test.txt constraints.txt shared/pyproject.toml testsupport/pyproject.toml $(wildcard services/*/pyproject.toml)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -r requirements-dev.txt $(PACKAGES)
	touch $(STAMP)

# Letters of praise embed this CJK font (REC-11): Debian's fonts-wqy-microhei, as the Dockerfile installs it.
# Elsewhere install WenQuanYi Micro Hei by hand and point LETTER_FONT_PATH at it.
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

$(CJK_FONT):
	@command -v apt-get >/dev/null || { echo "Install the WenQuanYi Micro Hei font (fonts-wqy-microhei) at $@, or set LETTER_FONT_PATH" >&2; exit 1; }
	$(SUDO) apt-get update -q
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends fonts-wqy-microhei

# The browser test (tests/browser) drives Debian's Chromium through chromium-driver. Installed once per
# .venv where apt-get runs as root or with passwordless sudo; elsewhere the test skips, saying why
# (install both packages by hand, then `rm $(VENV)/.chromium`). Never a reason for install to fail.
CHROMIUM := $(VENV)/.chromium
SUDO_N := $(if $(filter 0,$(shell id -u)),,sudo -n)

$(CHROMIUM):
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	elif command -v apt-get >/dev/null && $(SUDO_N) true 2>/dev/null; then \
	  { $(SUDO_N) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO_N) apt-get install -y -q \
	    --no-install-recommends chromium chromium-driver; } || echo "chromium was not installed: tests/browser will skip" >&2; \
	else echo "no apt-get as root: install chromium and chromium-driver, or tests/browser skips" >&2; fi
	@mkdir -p $(VENV) && touch $@

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: $(STAMP) $(CJK_FONT) $(CHROMIUM) ## Create .venv and install everything (the letters' CJK font, Chromium for tests/browser)

run: $(STAMP) $(CJK_FONT) ## NATS + the four services on SQLite (Ctrl-C stops all)
	$(BIN)/python scripts/devstack.py $(if $(SEED),--seed,)

seed: $(STAMP) $(CJK_FONT) ## Same as run, loading a demo organization first
	$(BIN)/python scripts/devstack.py --seed

# Tests run in parallel (pytest-xdist), each worker with its own databases and nats-servers,
# handed a test or two at a time so the long ones (marker `slow`, started first) spread out.
# `make test` runs one worker more than there are cores: its slow tests spend seconds waiting
# (a lease lapsing, a redelivery, a process starting) while another worker uses the core. The
# quick tier only computes, and the PostgreSQL run is bound by the server's connections (a
# concurrency test's four apps alone open dozens): one worker per core for those.
# TEST_WORKERS=N sets them all (0: in this process).
# Bytecode is cached even where PYTHONDONTWRITEBYTECODE is set: every worker and every service
# process a test starts would otherwise compile the services and rewrite the test modules again.
TEST_WORKERS ?=
SUITE_WORKERS := $(or $(TEST_WORKERS),$(shell echo $$(( $$(getconf _NPROCESSORS_ONLN) + 1 ))))
CORE_WORKERS := $(or $(TEST_WORKERS),auto)
PYTEST := PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -q --maxschedchunk 2

test: $(STAMP) $(CJK_FONT) $(CHROMIUM) ## The whole suite (SQLite and a bundled nats-server; TEST_POSTGRES_URL for PostgreSQL)
	$(PYTEST) -n $(SUITE_WORKERS)

test-fast: $(STAMP) $(CJK_FONT) ## The shared library's and services' own tests: no cross-service, fault or deploy tests
	$(PYTEST) -n $(CORE_WORKERS) -m "not slow" shared/tests services tests/architecture

test-postgres: $(STAMP) $(CJK_FONT) $(CHROMIUM) ## The suite against PostgreSQL on 127.0.0.1:5432
	TEST_POSTGRES_URL=$${TEST_POSTGRES_URL:-postgresql+asyncpg://postgres@127.0.0.1:5432} $(PYTEST) -n $(CORE_WORKERS)

lint: $(STAMP) ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy shared/src testsupport/src $(foreach s,$(SERVICES),services/$(s)/src)

format: $(STAMP) ## Fix what ruff can fix and format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

token: $(STAMP) ## make token EMPLOYEE=<employee id or login>, or CLIENT=<service account>
	@$(BIN)/python -m callcenter_shared.auth $(if $(CLIENT),--client $(CLIENT),--employee $(EMPLOYEE))

asyncapi: $(STAMP) ## Regenerate docs/events.asyncapi.yaml from the event models
	$(BIN)/python -m callcenter_shared.contracts.asyncapi > docs/events.asyncapi.yaml.new
	mv docs/events.asyncapi.yaml.new docs/events.asyncapi.yaml

MESSAGE_PACKAGES := shared/src/callcenter_shared $(foreach s,scheduling performance recognition escalation,services/$(s)/src/$(s))

messages: $(STAMP) ## Extract the t("...") messages into each package's Chinese catalog (then translate the new ones)
	@for package in $(MESSAGE_PACKAGES); do \
	  catalog=$$package/locale/zh_CN/LC_MESSAGES/messages.po; template=$$(mktemp); \
	  mkdir -p $$(dirname $$catalog); \
	  $(BIN)/pybabel -q extract --no-default-keywords -k t --add-location=file --sort-by-file \
	    --project=callcenter --ignore-dirs=migrations -o $$template $$package || exit 1; \
	  if [ -f $$catalog ]; then \
	    $(BIN)/pybabel -q update --ignore-obsolete --no-fuzzy-matching --ignore-pot-creation-date -l zh_CN \
	      -i $$template -o $$catalog || exit 1; \
	  else \
	    $(BIN)/pybabel -q init -l zh_CN -i $$template -o $$catalog || exit 1; \
	  fi; \
	  rm $$template; \
	done

bench: $(STAMP) ## Benchmarks, each beside its peers or ceiling in the same run (HTTP on PostgreSQL, wrk); writes docs/performance.md
	$(BIN)/pip install -q -c constraints.txt -r bench/requirements.txt
	$(BIN)/python -m bench.run_all

VERSION ?= $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' shared/src/callcenter_shared/__init__.py)
REGISTRY ?= ghcr.io/callcenter
images: ## Build the four service images (needs a Docker engine): make images VERSION=0.2.0
	for service in $(SERVICES); do \
		docker build --build-arg SERVICE=$$service -t $(REGISTRY)/$$service:$(VERSION) . || exit 1; \
	done

clean: ## Remove the local SQLite databases (var/)
	rm -rf var
