# eggfast developer entry points.  `make run` and `make test` work on a fresh
# machine with Python 3.11+, pip and gcc: each creates .venv and builds first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
PORT ?= 7001
HOST ?= 127.0.0.1

.PHONY: venv build run test test-deps test-compiled test-pure test-cluster bench bench-egg bench-micro bench-deps bench-deps-egg info clean

BENCH_VENV := .venv-bench
BENCH_ROUNDS ?= 5
BENCH_DURATION ?= 5
BENCH_EGG_ROUNDS ?= 3
BENCH_EGG_DURATION ?= 4
EGGJS := bench/eggjs

$(STAMP): pyproject.toml setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip "setuptools>=77" wheel "Cython>=3.1"
	# Dependencies and the editable install only: the compiled twins are built
	# once, by `build` below (EGGFAST_NO_EXTENSIONS makes this step compile nothing).
	EGGFAST_NO_EXTENSIONS=1 $(PY) -m pip install -q --no-build-isolation -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

# Compiles every compiled twin of eggfast/twins.py next to its pure twin, two at a
# time (cythonize and the C compiler both skip what is up to date).
build: $(STAMP)
	$(PY) setup.py -q build_ext --inplace --parallel 2
	$(PY) -m eggfast info

# Serves examples/hello in the foreground until Ctrl-C; PORT= and HOST= override.
run: build
	$(PY) -m eggfast serve-example --host $(HOST) --port $(PORT)

# The session_redis tests run against a real redis-server (tests/conftest.py
# starts its own on a free loopback port); under `make test` they may not skip.
test: build test-deps
	EGGFAST_REQUIRE_REDIS=1 $(MAKE) --no-print-directory test-compiled test-pure

test-deps:
	command -v redis-server >/dev/null || (apt-get update -qq && apt-get install -y -qq redis-server) || \
		(sudo apt-get update -qq && sudo apt-get install -y -qq redis-server)

test-compiled:
	@echo "=== compiled twins (EGGFAST_REQUIRE_EXTENSIONS=1) ==="
	EGGFAST_REQUIRE_EXTENSIONS=1 $(PY) -m pytest -q $(PYTEST_ARGS)

test-pure:
	@echo "=== pure twins (EGGFAST_NO_EXTENSIONS=1) ==="
	EGGFAST_NO_EXTENSIONS=1 $(PY) -m pytest -q $(PYTEST_ARGS)

# The cluster tests alone (real processes and signals; both runs above include them).
test-cluster: build
	EGGFAST_REQUIRE_EXTENSIONS=1 $(PY) -m pytest -q tests/cluster $(PYTEST_ARGS)

# End-to-end: eggfast (compiled, pure), the raw ceiling, five peers, and Egg.js
# against eggfast's Egg app, under wrk; writes bench/RESULTS.md.  Installs wrk
# (apt), the peers (separate venv) and Egg.js (npm, when Node is there).
bench: build bench-deps
	$(PY) bench/run_e2e.py --rounds $(BENCH_ROUNDS) --duration $(BENCH_DURATION)

# Only Egg.js's default app against eggfast's Egg app (compiled, pure; as
# shipped and with csrf off): a few minutes.  Rewrites only its part of bench/RESULTS.md.
bench-egg: build bench-deps-egg
	$(PY) bench/run_e2e.py --only egg --rounds $(BENCH_EGG_ROUNDS) --duration $(BENCH_EGG_DURATION)

bench-deps: bench-deps-egg
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install -q sanic starlette "uvicorn[standard]" blacksheep falcon aiohttp uvloop httptools orjson

# wrk, and bench/eggjs's node_modules from its lockfile when node and npm exist
# (without them this says so and the benchmark skips Egg.js).
bench-deps-egg:
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk) || \
		(sudo apt-get update -qq && sudo apt-get install -y -qq wrk)
	@if command -v node >/dev/null && command -v npm >/dev/null; then \
		if [ $(EGGJS)/node_modules/.package-lock.json -nt $(EGGJS)/package-lock.json ] && \
		   [ $(EGGJS)/node_modules/.package-lock.json -nt $(EGGJS)/package.json ]; then \
			echo "$(EGGJS): node_modules up to date"; \
		else \
			echo "$(EGGJS): npm ci (Node $$(node --version))"; \
			cd $(EGGJS) && npm ci --no-audit --no-fund --loglevel=error; \
		fi; \
	else \
		echo "Node.js or npm not found: Egg.js is not installed, and the benchmark skips it (eggfast's Egg app still runs)."; \
	fi

bench-micro: build
	$(PY) -m pip install -q -e '.[bench]' --no-build-isolation
	EGGFAST_REQUIRE_EXTENSIONS=1 $(PY) -m pytest bench -q --benchmark-only --benchmark-columns=min,median,mean,ops -p no:randomly

info: build

clean:
	rm -rf build dist *.egg-info eggfast/*.so src/*.c src/*.html
