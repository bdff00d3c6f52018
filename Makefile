# benchsuite — `make help` lists the targets.
# The first target that needs Python creates .venv and installs the suite into it.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# The CPU wheel of torch lies on this machine's disk; on a GPU machine the same pin takes the CUDA wheel.
TORCH  ?= torch==2.13.0
TASK   ?=
SEEDS  ?= 3
PRESET ?= standard
ARGS   ?=
TRIALS ?= 30
SUITE  ?= default
WORKERS ?= 1
EXECUTOR ?= local
RESULTS ?= results
STAGES ?= supervised rl-quoted rl-suite compression

STAMP := $(VENV)/.installed
# Set-up prints one line per step; pip's own output goes here, and its last lines are shown if a step fails.
SETUP_LOG := $(VENV)/setup.log

.PHONY: help bench sweep tune test test-slow report list lint format clean venv baselines data docs

help: ## show this help
	@awk 'BEGIN{FS=":.*## "} /^[a-zA-Z_-]+:.*## /{printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo ""
	@echo "  variables: TASK=<id> SEEDS=<count 3, list 0,1,2, range 0-4; 0, is seed 0 alone> PRESET=smoke|standard"
	@echo "             ARGS=\"key=value ...\" SUITE=<name> WORKERS=<k> TRIALS=<n, for tune>"
	@echo "  example:   make bench TASK=cartpole_dqn SEEDS=3"

# $(call step,what it does,command): one line on the terminal, the command's output in $(SETUP_LOG)
# (neither argument may hold a comma or a single quote).
define step
	@echo '$(1)'
	@echo '== $(1)' >>$(SETUP_LOG)
	@( $(2) ) >>$(SETUP_LOG) 2>&1 || { status=$$?; echo 'make: failed: $(1); the last lines of $(SETUP_LOG):' >&2; \
		tail -n 15 $(SETUP_LOG) >&2; echo 'make: the full log is $(SETUP_LOG)' >&2; exit $$status; }
endef

$(STAMP): pyproject.toml
	@mkdir -p $(VENV) && : >$(SETUP_LOG)
	$(if $(wildcard $(BIN)/python),,$(call step,creating $(VENV) with $(PYTHON),$(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --upgrade pip))
	$(call step,installing $(TORCH) (the largest download: minutes on first use),$(BIN)/python -m pip install "$(TORCH)")
	$(call step,installing the suite and its dependencies,$(BIN)/python -m pip install -e ".[dev]")
	@touch $(STAMP)

venv: $(STAMP) ## create or update .venv (done automatically by the other targets)

DOCS_STAMP := $(VENV)/.docs-installed

$(DOCS_STAMP): pyproject.toml $(STAMP)
	$(call step,installing the docs extra (MkDocs Material and mkdocstrings),$(BIN)/python -m pip install -e ".[docs]")
	@touch $(DOCS_STAMP)

# Offline, and --strict: a broken link, a missing reference or snippet, or a stale generated page
# (scripts/docs_hooks.py names the command that rewrites it) fails the build.
docs: $(DOCS_STAMP) ## build the documentation site into site/ (open site/index.html)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site
	@echo "docs built: site/index.html"

bench: $(STAMP) ## run TASK (or the default suite) for SEEDS seeds, then refresh the report
ifeq ($(strip $(TASK)),)
	$(BIN)/bench sweep $(SUITE) --seeds $(SEEDS) --preset $(PRESET) --workers $(WORKERS) --results $(RESULTS) $(ARGS)
else
	$(BIN)/bench run $(TASK) --seeds $(SEEDS) --preset $(PRESET) --results $(RESULTS) $(ARGS)
endif
	$(BIN)/bench report --results $(RESULTS) --format md,csv,html --quiet

sweep: $(STAMP) ## run SUITE over SEEDS seeds with WORKERS processes (EXECUTOR=local|ray)
	$(BIN)/bench sweep $(SUITE) --seeds $(SEEDS) --preset $(PRESET) --executor $(EXECUTOR) --workers $(WORKERS) --results $(RESULTS) $(ARGS)

tune: $(STAMP) ## search TASK's hyperparameters with Optuna (TRIALS trials, WORKERS processes), then rerun the best
	@[ -n "$(strip $(TASK))" ] || { echo "make tune: say which task, e.g. make tune TASK=digits_mlp TRIALS=30 WORKERS=2" >&2; exit 2; }
	$(BIN)/bench tune $(TASK) --trials $(TRIALS) --workers $(WORKERS) --executor $(EXECUTOR) --results $(RESULTS) $(ARGS)

report: $(STAMP) ## write leaderboards and the HTML page from results/
	$(BIN)/bench report --results $(RESULTS) --format md,csv,html

baselines: $(STAMP) ## regenerate reports/baseline/ from a clean commit (STAGES="supervised rl-quoted rl-suite compression"; hours)
	STAGES="$(STAGES)" bash scripts/regenerate-baselines

# Debian/Ubuntu ship Fashion-MNIST's original files (30 MB) in a package; the suite reads them where they lie.
FASHION_DIR := /usr/share/datasets/fashion-mnist
FASHION_HOW := pip install 'benchsuite[vision]' and run a fashion_mnist task once online (torchvision downloads it), \
	or put the four IDX files in DIR/FashionMNIST/raw/ and set BENCH_DATA=DIR

data: ## install Fashion-MNIST from the system package (apt-get install dataset-fashion-mnist)
	@if [ -f $(FASHION_DIR)/train-images-idx3-ubyte.gz ]; then echo "Fashion-MNIST is installed in $(FASHION_DIR)/"; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
		echo "make data: no apt-get on this machine; $(FASHION_HOW)" >&2; exit 1; \
	else \
		sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		echo "installing dataset-fashion-mnist with apt-get"; \
		{ $$sudo apt-get install -y -qq dataset-fashion-mnist >/dev/null 2>&1 || \
		  { $$sudo apt-get update -qq && $$sudo apt-get install -y -qq dataset-fashion-mnist >/dev/null; }; } && \
		echo "Fashion-MNIST is installed in $(FASHION_DIR)/" || \
		{ echo "make data: apt-get could not install dataset-fashion-mnist (root or sudo needed; not in this release?); $(FASHION_HOW)" >&2; exit 1; }; \
	fi

list: $(STAMP) ## list the tasks
	$(BIN)/bench list

test: $(STAMP) ## run the test suite (slow tests excluded)
	$(BIN)/python -m pytest -m "not slow" -q

test-slow: $(STAMP) ## run only the slow tests
	$(BIN)/python -m pytest -m slow -q

lint: $(STAMP) ## ruff check and format check
	$(BIN)/ruff check suite cli tasks reports tests benchmarks examples
	$(BIN)/ruff format --check suite cli tasks reports tests benchmarks examples

format: $(STAMP) ## ruff fix and format
	$(BIN)/ruff check --fix suite cli tasks reports tests benchmarks examples
	$(BIN)/ruff format suite cli tasks reports tests benchmarks examples

clean: ## remove results and caches (keeps .venv)
	rm -rf results .pytest_cache .ruff_cache
