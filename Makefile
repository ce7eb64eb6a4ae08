PYTHON3 = python3

# Extra arguments for pytest, e.g. make test PYTEST_ARGS="-x -k routing"
export PYTEST_ARGS

.PHONY: test test-newest bench clean

# Run the whole suite on every Python 3.9-3.15 this machine has (pyenv's, or python3.X
# on PATH), each in its own venv .venv/test-3.X; see test/run_all.py.
test:
	$(PYTHON3) test/run_all.py

# Run the whole suite on Python 3.14 and 3.15 inside a minimal Debian sid root
# (built once by .ci/sid-root into /var/cache/bottle-sid-root, then reused). Needs root
# and Debian's package archive; skips with the reason where it cannot run.
test-newest:
	$(PYTHON3) test/run_all.py --newest

# Run the benchmark (bench/run.py): req/s and callgrind instruction counts on this Python and
# on the newest one found (the Debian sid root's 3.15 when `make test-newest` has built it, else
# pyenv's newest); valgrind is installed with apt-get when missing. Extra arguments in
# BENCH_ARGS, e.g. BENCH_ARGS=--quick, BENCH_ARGS=--instructions-only (for a busy machine) or
# BENCH_ARGS="--pythons current,3.13,3.14,3.15"; bench/hotspots.py shows where a request's
# instructions go.
bench:
	$(PYTHON3) bench/run.py --instructions $(BENCH_ARGS)

clean:
	rm -rf .venv build dist *.egg-info .pytest_cache
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

# Build the manual (docs/) as HTML into build/docs with Sphinx from its own venv,
# .venv/docs (made again from the pinned docs/requirements.txt when that changes).
# Warnings and broken references are errors (-W -n); quiet unless something fails.
.PHONY: docs
DOCS_VENV = .venv/docs
docs: $(DOCS_VENV)/installed.stamp
	@$(DOCS_VENV)/bin/sphinx-build -W -n -E -q --keep-going -b html docs build/docs

$(DOCS_VENV)/installed.stamp: docs/requirements.txt
	@rm -rf $(DOCS_VENV)
	@$(PYTHON3) -m venv $(DOCS_VENV)
	@$(DOCS_VENV)/bin/pip install -q --disable-pip-version-check -r docs/requirements.txt >$(DOCS_VENV)/pip.log 2>&1 \
		|| { cat $(DOCS_VENV)/pip.log; exit 1; }
	@touch $@

# Hostile input and long runs (issue 14), from their own venv .venv/fuzz with the packages of
# test/requirements.txt (made again when that file changes).
# make fuzz: the properties of test/fuzz_props.py far longer (test/fuzz.py); parameters
#   FUZZ_REQUESTS (1000000), FUZZ_PROCESSES (CPU count), FUZZ_SEED, FUZZ_PROPERTIES, FUZZ_BATCH.
# make soak: the fuzz app under gunicorn (sync, gthread) and waitress on 127.0.0.1 (test/soak.py);
#   parameters SOAK_SECONDS (60 per server), SOAK_SERVERS, SOAK_CLIENTS.
.PHONY: fuzz soak
export FUZZ_REQUESTS FUZZ_PROCESSES FUZZ_SEED FUZZ_PROPERTIES FUZZ_BATCH FUZZ_SAVE
export SOAK_SECONDS SOAK_SERVERS SOAK_CLIENTS
FUZZ_VENV = .venv/fuzz
fuzz: $(FUZZ_VENV)/installed.stamp
	$(FUZZ_VENV)/bin/python test/fuzz.py

soak: $(FUZZ_VENV)/installed.stamp
	$(FUZZ_VENV)/bin/python test/soak.py

$(FUZZ_VENV)/installed.stamp: test/requirements.txt
	@rm -rf $(FUZZ_VENV)
	@$(PYTHON3) -m venv $(FUZZ_VENV)
	@$(FUZZ_VENV)/bin/pip install -q --disable-pip-version-check -r test/requirements.txt >$(FUZZ_VENV)/pip.log 2>&1 \
		|| { cat $(FUZZ_VENV)/pip.log; exit 1; }
	@touch $@

# The demo in headless Chromium and the deployments of docs/deployment.rst (Apache +
# mod_wsgi, nginx + two gunicorn instances) started for real on 127.0.0.1: installs the
# Debian packages it needs when run as root, and Selenium and gunicorn into .venv/deploy
# (made again when test/requirements-deploy.txt changes); see test/run_deploy.py.
# Extra pytest arguments in PYTEST_ARGS.
.PHONY: deploy-test
deploy-test:
	$(PYTHON3) test/run_deploy.py $(PYTEST_ARGS)
