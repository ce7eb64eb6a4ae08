PYTHON3 = python3

# Extra arguments for pytest, e.g. make test PYTEST_ARGS="-x -k routing"
export PYTEST_ARGS

.PHONY: test bench clean

# Run the whole suite on every Python 3.9-3.13 that pyenv has, each in its own venv.
test:
	$(PYTHON3) test/run_all.py

# Run the benchmark (bench/run.py); extra arguments in BENCH_ARGS.
bench:
	$(PYTHON3) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf .venv build dist *.egg-info .pytest_cache
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
