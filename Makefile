# The two commands a new user needs (see README.md):
#   make demo   install everything, start the project's Neo4j, run the pipeline on a demo scenario
#   make test   install what the tests need, lint and type-check, start a separate test Neo4j, run the whole suite
#   make test-fast   the tests that need no server (no Neo4j, no Prefect), while changing a pure function
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: demo test test-fast check install neo4j clean system-packages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

# Prefect's first start migrates its database (minutes on a busy machine): done here, not in the first run.
install: $(STAMP)
	$(BIN)/duanka neo4j install
	PREFECT_HOME=$${PREFECT_HOME:-$(CURDIR)/.prefect} $(BIN)/prefect server database upgrade -y

demo: install
	$(BIN)/duanka demo

# Debian packages the tests look through: Chromium for screenshots, a CJK font for Chinese labels.
system-packages:
	@command -v chromium >/dev/null && fc-list | grep -qi "wenquanyi\|noto sans cjk" || \
	  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-wqy-microhei)

# Lint, format and types: seconds, before the suite.
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# After `check`, the suite against its own servers so it never touches the demo's data: TEST_WORKERS pytest-xdist
# workers, each a whole session with its own Neo4j (.neo4j/test-gw0, ports 17697/17484; .neo4j/test-gw1,
# 17707/17494); how tests are dealt to them: tests/conftest.py.
TEST_WORKERS ?= 2
test: install system-packages check
	DUANKA_NEO4J_HOME=$(CURDIR)/.neo4j/test DUANKA_NEO4J_LIB=$(CURDIR)/.neo4j/lib \
	DUANKA_NEO4J_BOLT_PORT=17687 DUANKA_NEO4J_HTTP_PORT=17474 \
	DUANKA_NEO4J_HEAP=2g DUANKA_NEO4J_PAGECACHE=2g \
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# Every test that reaches no server and is not marked slow: the `neo4j` mark is derived from the fixtures a
# test uses (tests/conftest.py), and a test without it that reaches the test Neo4j or runs a flow fails.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not neo4j and not slow" $(PYTEST_ARGS)

clean:
	-$(BIN)/duanka neo4j stop
	rm -rf .neo4j .duanka data/generated exports
