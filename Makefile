# ash_lightning — `make help` lists the targets.
VENV ?= .venv
PYTHON := $(VENV)/bin/python
# The CPU build of torch; a bare `torch` requirement would pull a multi-GB CUDA build.
TORCH_SPEC ?= torch==2.13.0
ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install run test test-full sweep lint clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 12

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check "$(TORCH_SPEC)"
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

install: $(VENV)/.installed  ## create .venv and install the package (CPU torch) with dev tools

run: install  ## train ASH-U on synthetic ASOCT data and print the retrieval table (ARGS=overrides)
	$(PYTHON) -m ash_lightning $(ARGS)

test: install  ## the fast test suite, then a regular install run from outside the checkout
	$(PYTHON) -m pytest -q
	$(PYTHON) -m pytest -q -m install

test-full: install  ## every test, the slow (DDP, sweep, notebook) and install ones included
	$(PYTHON) -m pytest -q -m "slow or not slow"

sweep: install  ## the paper's Table I sweep: r x bits (ARGS=more overrides)
	$(PYTHON) -m ash_lightning -m r=0.3,0.5,0.7 bits=12,24,36,48 $(ARGS)

lint: install  ## ruff and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

clean:  ## remove run outputs and caches (keeps .venv)
	rm -rf outputs multirun lightning_logs .pytest_cache .ruff_cache .mypy_cache
	find . -name __pycache__ -type d -prune -not -path './$(VENV)/*' -exec rm -rf {} +
