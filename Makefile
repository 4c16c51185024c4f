# The essay as a book. `make` or `make help` lists the targets.
# `make html` and `make test` create .venv from pyproject.toml on first use.

PYTHON     ?= python3
VENV       ?= .venv
BIN        := $(VENV)/bin
BUILDDIR   ?= _build
SPHINXOPTS ?= -W --keep-going -n
PORT       ?= 8000
# sphinx-build, in a process that ends without freeing what the build held (src/essaybook/sphinx_ext/build.py).
SPHINX     := $(BIN)/python -m essaybook.sphinx_ext.build -d $(BUILDDIR)/doctrees $(SPHINXOPTS)
STAGE      := $(BUILDDIR)/.staging
STAMP      := $(VENV)/.installed
VNU_JAR    := tests/vnu/node_modules/vnu-jar/build/dist/vnu.jar
ACE_CLI    := tests/ace/node_modules/.bin/ace-cli
CITATIONJS := tests/citationjs/node_modules/@citation-js/core/package.json

.DEFAULT_GOAL := help
.PHONY: venv system-packages pdf-packages help html epub pdf linkcheck singlehtml serve livehtml test fuzz screenshots vnu ace citationjs check release convert lint clean

help: ## Show this list of targets
	@echo "Usage: make <target>"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-zA-Z_-]*:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml docs/requirements.txt tests/requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r docs/requirements.txt -r tests/requirements.txt -e '.[test,dev]'
	touch $@

venv: $(STAMP) ## Create .venv with the pinned build and test tools

# Our modules as bytecode, as pip leaves an installed package's: where PYTHONDONTWRITEBYTECODE
# is set, Python would compile them again at every start (0.15 s of each build's process).
# A module edited since is compiled in memory, as before, until the next build compiles it.
# Not the new book's files (project_files/), which the wheel packs whole.
COMPILED := $(VENV)/.compiled
$(COMPILED): $(STAMP) $(shell find src -name '*.py' 2>/dev/null)
	$(BIN)/python -m compileall -q -x /project_files/ src
	touch $@

# Each builder writes into a staging folder and is published only on success,
# so a failed build leaves the last good output in $(BUILDDIR) untouched.
html: $(COMPILED) ## Build the HTML book into _build/html
	$(SPHINX) -b html docs $(STAGE)/html
	$(BIN)/python -m essaybook publish $(STAGE)/html $(BUILDDIR)/html
	@echo "The book is in $(BUILDDIR)/html/index.html ('make serve' to read it with search)."

singlehtml: $(COMPILED) ## Build the whole book as one page into _build/singlehtml
	$(SPHINX) -b singlehtml docs $(STAGE)/singlehtml
	$(BIN)/python -m essaybook publish $(STAGE)/singlehtml $(BUILDDIR)/singlehtml

epub: $(COMPILED) ## Build the EPUB into _build/epub
	$(SPHINX) -b epub docs $(STAGE)/epub
	$(BIN)/python -m essaybook publish $(STAGE)/epub $(BUILDDIR)/epub

# The PDF's system packages (essaybook.typeset.PDF_PACKAGES), checked and installed as `make test`
# installs the tests': a fresh machine's `make pdf` gets LuaLaTeX and the fonts, or the command that does.
pdf-packages: $(STAMP)
	.ci/system-packages $$($(BIN)/python -c 'from essaybook.typeset import PDF_PACKAGES; print(*PDF_PACKAGES)')

pdf: pdf-packages $(COMPILED) ## Build the PDF (LuaLaTeX, latexmk, the Noto fonts; installs what is missing) into _build/pdf
	$(SPHINX) -b latex docs $(STAGE)/latex
	$(MAKE) -C $(STAGE)/latex LATEXMKOPTS="-halt-on-error -interaction=nonstopmode"
	rm -rf $(STAGE)/pdf && mkdir -p $(STAGE)/pdf && cp $(STAGE)/latex/*.pdf $(STAGE)/pdf/
	$(BIN)/python -m essaybook publish $(STAGE)/pdf $(BUILDDIR)/pdf
	@echo "The PDF is in $(BUILDDIR)/pdf/."

# The EPUB and the PDF carry a date: the last commit's, so two builds of one
# commit are the same file (https://reproducible-builds.org/specs/source-date-epoch/).
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
ifneq ($(strip $(SOURCE_DATE_EPOCH)),)
epub pdf: export SOURCE_DATE_EPOCH := $(SOURCE_DATE_EPOCH)
endif

linkcheck: $(COMPILED) ## Check links: internal ones always, web addresses only with EXTERNAL=1 (needs network)
	$(SPHINX) -b linkcheck $(if $(EXTERNAL),,-D 'linkcheck_ignore=^https?://') docs $(STAGE)/linkcheck
	$(BIN)/python -m essaybook publish $(STAGE)/linkcheck $(BUILDDIR)/linkcheck
	@echo "The report is in $(BUILDDIR)/linkcheck/output.txt."

serve: ## Serve _build/html on http://127.0.0.1:$(PORT)/ (search needs http)
	@test -f $(BUILDDIR)/html/index.html || { echo "No book yet: run 'make html' first."; exit 1; }
	$(PYTHON) -m http.server --bind 127.0.0.1 --directory $(BUILDDIR)/html $(PORT)

# The extension rewrites docs/book/ during every build, so watching it would start a
# second build after each change. sphinx-autobuild resolves --ignore against this
# folder, so the path is given as it is (a glob such as '*/docs/book/*' never matches).
livehtml: $(COMPILED) ## Rebuild on every change to seeds/, conf/, docs/ or src/, with live reload
	$(BIN)/sphinx-autobuild docs $(BUILDDIR)/livehtml $(SPHINXOPTS) --host 127.0.0.1 --port $(PORT) \
		--watch seeds --watch conf --watch src --ignore docs/book

check: $(COMPILED) ## Check seeds/ and conf/ and print every problem, without building (STRICT=1: fail on findings)
	$(BIN)/python -m essaybook check $(if $(STRICT),--strict)

release: $(COMPILED) ## Keep this edition's editorial layer in conf/releases/<version>/, to commit and tag v<version>
	$(BIN)/python -m essaybook release

convert: $(COMPILED) ## Write the generated MyST pages into docs/book without building
	$(BIN)/python -m essaybook convert

# Chromium, epubcheck, TeX and fonts, poppler, Java and npm: listed once, in
# .ci/system-packages, which installs what is missing (Debian, Ubuntu) or stops
# before any test, naming what to install.
system-packages: ## Install the system packages the tests need (Debian/Ubuntu; lists them elsewhere)
	.ci/system-packages

test: system-packages $(COMPILED) $(VNU_JAR) $(ACE_CLI) $(CITATIONJS) ## Run every test (unit, fixtures, Sphinx projects, builds, browser)
	$(BIN)/python -m pytest

fuzz: $(STAMP) ## Run the escaping property tests with 10,000 examples each (minutes)
	ESSAYBOOK_FUZZ_EXAMPLES=10000 $(BIN)/python -m pytest tests/test_property.py -p no:randomly

# MkDocs Material and matplotlib are for the benchmark only: their own venv, pinned.
BENCH_VENV := tests/bench/.venv-mkdocs
.PHONY: bench
$(BENCH_VENV)/.installed: tests/bench/requirements.txt
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet -r tests/bench/requirements.txt
	touch $@

bench: $(COMPILED) $(BENCH_VENV)/.installed ## Benchmark builds against bare Sphinx and MkDocs, and Read the Docs' three formats (~90 min), into tests/bench/results/
	$(BIN)/python tests/bench/bench.py --mkdocs-python $(BENCH_VENV)/bin/python

screenshots: $(COMPILED) ## Screenshots of each kind of page (light, dark, desktop, phone) into _build/screenshots
	$(BIN)/python -m pytest tests/browser/test_screenshots.py -q

# The W3C Nu HTML Checker the site tests run, pinned in tests/vnu/package-lock.json.
# --ignore-scripts: its install script may fetch a Java runtime from the network; the system Java is used.
vnu: $(VNU_JAR) ## Install the HTML checker the site tests use (needs npm and Java 11+)
$(VNU_JAR): tests/vnu/package.json tests/vnu/package-lock.json | system-packages
	@if command -v npm >/dev/null; then \
		npm ci --prefix tests/vnu --ignore-scripts --no-audit --no-fund && touch $@; \
	else echo "npm is missing: the HTML checker cannot be installed and its test will fail (Debian: apt-get install npm)"; fi

# Ace by DAISY, the EPUB accessibility checker the format tests run, pinned in tests/ace/package-lock.json.
# --ignore-scripts: Puppeteer's install script would download a browser; Ace drives Debian's Chromium.
ace: $(ACE_CLI) ## Install the EPUB accessibility checker the tests use (needs npm and Chromium)
$(ACE_CLI): tests/ace/package.json tests/ace/package-lock.json | system-packages
	@if command -v npm >/dev/null; then \
		PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix tests/ace --ignore-scripts --no-audit --no-fund && touch $@; \
	else echo "npm is missing: Ace cannot be installed and the EPUB accessibility tests will fail (Debian: apt-get install npm)"; fi

# Citation.js and its BibTeX, RIS and CSL plugins: the reference-manager reader the citation
# tests run on the edition's files, pinned in tests/citationjs/package-lock.json.
citationjs: $(CITATIONJS) ## Install Citation.js, which the citation-file tests read the files with (needs npm)
$(CITATIONJS): tests/citationjs/package.json tests/citationjs/package-lock.json | system-packages
	@if command -v npm >/dev/null; then \
		npm ci --prefix tests/citationjs --ignore-scripts --no-audit --no-fund && touch $@; \
	else echo "npm is missing: Citation.js cannot be installed and the citation-file tests will fail (Debian: apt-get install npm)"; fi

# The pins make every build the same; this shows the book still builds, without a
# warning, on the newest releases pyproject.toml admits (its upper bounds guard the
# reaches into other projects' internals: essaybook/sphinx_ext/reaches.py).
NEWEST_VENV := $(BUILDDIR)/.venv-newest
.PHONY: newest
newest: ## Build the HTML book with the newest releases pyproject.toml admits, not the pins
	rm -rf $(NEWEST_VENV) && $(PYTHON) -m venv $(NEWEST_VENV)
	$(NEWEST_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(NEWEST_VENV)/bin/python -m pip install --quiet --upgrade .
	$(NEWEST_VENV)/bin/python -m pip list --format=freeze | grep -iE '^(sphinx|docutils|furo|myst-parser|citeproc-py)=='
	$(NEWEST_VENV)/bin/python -m sphinx -T $(SPHINXOPTS) -b html -d $(BUILDDIR)/newest/doctrees docs $(BUILDDIR)/newest/html

lint: $(STAMP) ## Check the code with ruff, and the package's layers with import-linter (pyproject.toml)
	$(BIN)/ruff check src tests docs/conf.py
	$(BIN)/ruff format --check src tests docs/conf.py
	$(BIN)/lint-imports

clean: ## Remove builds and generated pages (never a file the generator did not write)
	rm -rf $(BUILDDIR)
	test ! -x $(BIN)/python || $(BIN)/python -m essaybook clean
