# qmsdoc: docs-as-code QMS for medical-device software.
# On a fresh clone `make dossier` and `make test` are the only commands needed:
# the first target that needs it creates .venv and installs the engine.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SPHINXBUILD := $(BIN)/sphinx-build
QMS := $(BIN)/qms
SPHINXOPTS ?= -q

.PHONY: all html check matrix gaps evidence evidence-record release-record test test-engine test-serenya test-lowest lint typecheck bytecode dossier preview preview-command bench clean distclean help

all: dossier

help:
	@echo "make dossier   set up .venv, build HTML and PDF from the committed records, run the gate, assemble the dossiers"
	@echo "make test      lint (ruff), type-check (mypy --strict), then the engine's tests and Serenya's tests (two runs)"
	@echo "make test-engine   the engine's tests only (tests/ without Serenya's): what a team using the engine runs"
	@echo "make test-serenya  the reference device Serenya's tests only (tests/serenya, tests/test_serenya*.py)"
	@echo "make test-lowest  the Sphinx tests against the lowest supported Sphinx, docutils and sphinx-needs (second venv; .ci/run runs it)"
	@echo "make html      build the device file as HTML into _build/html"
	@echo "make preview   live preview: rebuild the HTML on every save and serve it (PREVIEW_PORT=8000; installs sphinx-autobuild)"
	@echo "make check     the gate: qms check (findings.json), qms gaps (gaps.json) and a strict Sphinx build"
	@echo "make evidence-record  run the Serenya tests in a clean clone of HEAD and import a record meant to be committed"
	@echo "make release-record TAG=v1.2.3  build the dossier of release tag TAG in a clean clone and write its release record (commit it)"
	@echo "make matrix    write the traceability workbook traceability/traceability.xlsx"
	@echo "make evidence  run the Serenya tests and import their JUnit result as a local run (never released)"
	@echo "make fuzz      a longer random fuzz campaign of every input reader (FUZZ_EXAMPLES=2000)"
	@echo "make bench     benchmark against stock sphinx-needs (BENCHOPTS=--quick for a smoke run)"
	@echo "make clean     remove _build"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "qmsdoc needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=23.2"
	$(BIN)/python -m pip install --quiet -e '.[test,preview]'
	@touch $(STAMP)

html: $(STAMP)
	@echo "make html: building the HTML of the device file into _build/html (sphinx-build)"
	$(SPHINXBUILD) -b html $(SPHINXOPTS) . _build/html

singlehtml: $(STAMP)
	@echo "make singlehtml: building the single-page HTML the PDF is printed from"
	$(SPHINXBUILD) -b singlehtml $(SPHINXOPTS) . _build/singlehtml

# Live preview while writing: sphinx-autobuild rebuilds the HTML when a page changes
# and reloads the browser. It ignores what the builds and the gate write (so a
# rebuild does not trigger another) and the virtual environments. `make
# preview-command` prints the command line (the test of the preview runs it).
PREVIEW_HOST ?= 127.0.0.1
PREVIEW_PORT ?= 8000
PREVIEW_SOURCE ?= .
PREVIEW_OUTPUT ?= _build/preview
PREVIEW_IGNORE := '*/_build/*' '*/.venv*' '*/.git/*' '*/traceability/findings.json' \
	'*/traceability/gaps.json'
PREVIEW_COMMAND = $(BIN)/sphinx-autobuild $(PREVIEW_SOURCE) $(PREVIEW_OUTPUT) \
	--host $(PREVIEW_HOST) --port $(PREVIEW_PORT) \
	$(foreach pattern,$(PREVIEW_IGNORE),--ignore $(pattern)) $(SPHINXOPTS)
preview: $(STAMP)
	@test -x $(BIN)/sphinx-autobuild || { echo "installing the preview extra (sphinx-autobuild)"; \
		$(BIN)/python -m pip install --quiet -e '.[preview]'; }
	@echo "preview: http://$(PREVIEW_HOST):$(PREVIEW_PORT)/ (Ctrl-C stops it)"
	$(PREVIEW_COMMAND)

preview-command:
	@echo "$(PREVIEW_COMMAND)"

# The PDF route prints the single-page HTML with headless Chromium (Debian package
# `chromium`); installed here when missing, as root (the machines of this project are).
pdf-toolchain:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
		{ echo "installing chromium (PDF toolchain)"; \
		  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The gate: the core check (fast, writes findings.json), the gap report (gaps.json)
# and a strict Sphinx build from scratch, so that rST errors and unknown directives
# fail too. All always run; any failure fails the gate.
check: $(STAMP)
	@status=0; \
	echo "make check: [1/3] qms check (findings.json)"; $(QMS) check || status=1; \
	echo "make check: [2/3] qms gaps (gaps.json)"; $(QMS) gaps || status=1; \
	echo "make check: [3/3] strict Sphinx build from scratch"; \
	$(SPHINXBUILD) -b dummy -E -W --keep-going $(SPHINXOPTS) -d _build/check-doctrees . _build/check || status=1; \
	exit $$status

# Verification evidence of the reference device, run locally: run the tests of
# serenya_core and import the JUnit result as a *local* run of this commit. Local runs
# go to traceability/evidence/local/ (git-ignored); no build, gate or dossier reads
# them (`qms evidence status --with-local` shows them). Records meant for the file
# come from CI or a clean checkout of the tested commit, are imported with
# `qms evidence import FILE --commit SHA --run ID --tree-clean` and committed.
EVIDENCE_XML := _build/evidence/serenya-junit.xml
evidence: $(STAMP)
	@mkdir -p _build/evidence
	-$(BIN)/pytest tests/serenya -q -p no:cacheprovider --junitxml=$(EVIDENCE_XML)
	$(QMS) evidence import $(EVIDENCE_XML) --local --replace \
		--commit "$$(git rev-parse HEAD 2>/dev/null)" \
		--run "local-$$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)" \
		--environment "$$(uname -sm), Python $$($(BIN)/python -c 'import platform; print(platform.python_version())')" \
		--executor "$$(git config user.email 2>/dev/null || echo unknown)"

# A record of the Serenya tests meant for the file: HEAD cloned into a clean folder,
# its tests run there, the result imported as run serenya-<commit> of that commit with
# a clean tree (refused if that run id exists). Commit the record it writes.
RECORD_CLONE := _build/evidence/clean-clone
evidence-record: $(STAMP)
	@rm -rf $(RECORD_CLONE) && mkdir -p _build/evidence
	git clone -q . $(RECORD_CLONE)
	@test -z "$$(git -C $(RECORD_CLONE) status --porcelain)"
	-cd $(RECORD_CLONE) && $(abspath $(BIN))/pytest tests/serenya -q -p no:cacheprovider \
		--junitxml=$(abspath _build/evidence/serenya-record.xml)
	$(QMS) evidence import _build/evidence/serenya-record.xml --tree-clean \
		--commit "$$(git -C $(RECORD_CLONE) rev-parse HEAD)" \
		--run "serenya-$$(git -C $(RECORD_CLONE) rev-parse --short=12 HEAD)" \
		--date "$$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
		--environment "clean clone of HEAD; $$(uname -sm), Python $$($(BIN)/python -c 'import platform; print(platform.python_version())')" \
		--executor "make evidence-record ($$(git config user.email 2>/dev/null || echo unknown))"

# The record of a release (21 CFR 11.10(e)): tag TAG cloned into a clean folder, its
# dossier built there as `make dossier` builds it (HTML and single-page HTML from
# scratch, the PDF, `qms dossier --release TAG`, SOURCE_DATE_EPOCH = the tag's commit
# time), then `qms release record` writes <[release] records>/TAG.json into this
# checkout (refused if it exists, or if the release gate fails). Commit that file;
# `qms release verify TAG` rebuilds the dossier the same way and compares.
RELEASE_CLONE := _build/release/clone
release-record: $(STAMP) pdf-toolchain
	@test -n "$(TAG)" || { echo "usage: make release-record TAG=<release tag>" >&2; exit 2; }
	@rm -rf $(RELEASE_CLONE) && mkdir -p _build/release
	git clone -q . $(RELEASE_CLONE)
	git -C $(RELEASE_CLONE) checkout -q --detach "refs/tags/$(TAG)"
	cd $(RELEASE_CLONE) && export SOURCE_DATE_EPOCH="$$(git log -1 --format=%ct)" && \
		$(abspath $(SPHINXBUILD)) -b html -q -E . _build/html && \
		$(abspath $(SPHINXBUILD)) -b singlehtml -q -E . _build/singlehtml && \
		$(abspath $(QMS)) dossier --release "$(TAG)" --singlehtml _build/singlehtml && \
		$(abspath $(QMS)) release record "$(TAG)" --into "$(CURDIR)"

matrix: $(STAMP)
	@echo "make matrix: writing the traceability workbook"
	$(QMS) matrix

gaps: $(STAMP)
	$(QMS) gaps

lint: $(STAMP)
	$(BIN)/ruff check tools tests design-controls/serenya_core
	$(BIN)/ruff format --check tools tests design-controls/serenya_core

typecheck: $(STAMP)
	$(BIN)/mypy

# the suite runs on every core (pytest-xdist): 2 workers on the 2-core machines of
# this project take the suite from about 580 s to about 350 s
# Each test that runs qms starts a Python process: compiled bytecode is written first,
# because machines that set PYTHONDONTWRITEBYTECODE otherwise compile the engine's
# sources on every start (about 0.25 s of each qms command).
# The engine's tests and the reference device's are two runs: a team using the engine
# runs `make test-engine` and never Serenya's. `make test` runs both (each even when
# the other failed) and fails if either does.
SERENYA_TESTS := tests/serenya tests/test_serenya.py tests/test_serenya_release.py
TEST_ENGINE = $(BIN)/pytest -n auto $(addprefix --ignore=,$(SERENYA_TESTS))
TEST_SERENYA = $(BIN)/pytest -n auto $(SERENYA_TESTS)
test: lint typecheck pdf-toolchain bytecode
	@status=0; \
	echo "make test: the engine's tests"; $(TEST_ENGINE) || status=1; \
	echo "make test: Serenya's tests (the reference device file)"; $(TEST_SERENYA) || status=1; \
	exit $$status

test-engine: pdf-toolchain bytecode
	$(TEST_ENGINE)

test-serenya: pdf-toolchain bytecode
	$(TEST_SERENYA)

bytecode: $(STAMP)
	$(BIN)/python -m compileall -q tools/qmsdoc

# The Sphinx tests against the lowest versions pyproject.toml supports, in a second
# virtual environment (.ci/run runs it after make test): the speed-ups switch
# themselves off there (qmsdoc.sphinxext.speedups) and everything else must pass.
LOWEST := "sphinx==8.2.3" "docutils==0.21.2" "sphinx-needs==8.0.0"
VENV_LOWEST := .venv-lowest
$(VENV_LOWEST)/.installed-stamp: pyproject.toml
	$(PYTHON) -m venv $(VENV_LOWEST)
	$(VENV_LOWEST)/bin/python -m pip install --quiet --upgrade "pip>=23.2"
	$(VENV_LOWEST)/bin/python -m pip install --quiet -e '.[test]' $(LOWEST)
	@touch $@

test-lowest: $(VENV_LOWEST)/.installed-stamp bytecode
	$(VENV_LOWEST)/bin/pytest -n auto -q tests/sphinxext

# A longer, random fuzz campaign of every reader of outside input (tests/fuzz; make
# test runs the same properties on a small fixed set of examples).
FUZZ_EXAMPLES ?= 2000
fuzz: $(STAMP)
	QMS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) QMS_FUZZ_RANDOM=1 $(BIN)/pytest -q -W ignore tests/fuzz

# The dossier is built from committed records only: it runs no test and imports
# nothing, so two runs on one commit give byte-identical dossiers. Its HTML is built
# from scratch (-E, also for the prerequisites): Sphinx's incremental search index
# drops the glossary's index entries of pages it does not re-read.
dossier: SPHINXOPTS += -E
dossier: bytecode html singlehtml check matrix pdf-toolchain
	@echo "make dossier: assembling each pathway's technical file (qms dossier)"
	$(QMS) dossier --singlehtml _build/singlehtml
	@echo "dossier: _build/dossier/<pathway>/index.html, sealed by MANIFEST.sha256"

# Performance against stock sphinx-needs on the synthetic corpus of ../shared/gen_corpus.py:
# writes bench/results.md (see bench/README.md). Options: BENCHOPTS="--quick" or
# BENCHOPTS="--sizes 500,2000 --repeat 5 --with-10k".
BENCHOPTS ?=
bench: $(STAMP)
	$(BIN)/python bench/run_bench.py $(BENCHOPTS)

clean:
	rm -rf _build

distclean: clean
	rm -rf $(VENV) $(VENV_LOWEST)
