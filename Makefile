# The two commands of the README, on a fresh machine:
#   make run    start Exchange Desk on the demo database (made on first use)
#   make test   run the whole test suite
# Both create the virtual environment .venv from pyproject.toml when it is missing or stale.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB ?= .demo/demo.sqlite

.PHONY: run test lint catalogs screenshots bench wheel bundle installer clean

# The demo database is made under another name and moved into place when complete, so an
# interrupted first run is simply made again next time.
run: $(VENV)/.installed
	@test -f $(DEMO_DB) || { rm -f $(DEMO_DB).new && \
		$(BIN)/exchange-desk --db $(DEMO_DB).new demo && mv $(DEMO_DB).new $(DEMO_DB); }
	$(BIN)/exchange-desk --db $(DEMO_DB)

# On every core (pytest-xdist): each test has its own database (a temporary file, or a
# PostgreSQL schema of its own), so they run side by side.
test: $(VENV)/.installed
	$(BIN)/pytest -n auto

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/mypy --strict packaging/build.py packaging/smoke.py packaging/launch.py packaging/make_icons.py \
		tools/dev.py

# Extract marked strings to the .pot, update the .po files, compile them with statistics.
catalogs: $(VENV)/.installed
	$(BIN)/pybabel extract -F i18n/babel.cfg -o i18n/exchange_desk.pot --project "Exchange Desk" \
		--copyright-holder "Exchange Desk developers" --no-location --sort-output .
	$(BIN)/pybabel update -D exchange_desk -i i18n/exchange_desk.pot -d i18n --no-fuzzy-matching \
		--ignore-obsolete
	$(BIN)/pybabel compile -D exchange_desk -d i18n --statistics

# Every tab in each language, from the demo database, into build/screenshots (offscreen).
TABS := cities delegations events awards agreements organizations conferences
screenshots: $(VENV)/.installed
	@test -f $(DEMO_DB) || { rm -f $(DEMO_DB).new && \
		$(BIN)/exchange-desk --db $(DEMO_DB).new demo && mv $(DEMO_DB).new $(DEMO_DB); }
	mkdir -p build/screenshots
	for lang in en zh he; do for tab in $(TABS); do \
		QT_QPA_PLATFORM=offscreen $(BIN)/exchange-desk --db $(DEMO_DB) --lang $$lang \
			--tab $$tab --screenshot build/screenshots/$$tab-$$lang.png || exit 1; \
	done; done

# Every benchmark but the frozen program's (bench/frozen_startup.py, after `make bundle`);
# the live-changes and save benchmarks take --pg URL for PostgreSQL too.
bench: $(VENV)/.installed
	$(BIN)/python bench/list_delegations.py
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/table_100k.py
	$(BIN)/python bench/certificates.py
	$(BIN)/python bench/reports.py
	$(BIN)/python bench/language_switch.py
	$(BIN)/python bench/export_xlsx.py
	$(BIN)/python bench/import_xlsx.py
	$(BIN)/python bench/save_version.py
	$(BIN)/python bench/live_changes.py
	$(BIN)/python bench/people.py
	$(BIN)/python bench/gifts.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/home.py

# The frozen one-folder program (dist/ExchangeDesk), smoke-tested; `installer` also wraps it
# with NSIS (makensis) into dist/ExchangeDesk-VERSION-setup.exe on Windows. On Linux the
# programs inside are Linux ones: the file is named ExchangeDesk-VERSION-linux-test-build.exe,
# never like a release. On Windows without make: `python tools/dev.py installer`.
$(VENV)/.packaging: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test,package]'
	touch $@

bundle: $(VENV)/.packaging
	$(BIN)/python packaging/build.py --gui

installer: $(VENV)/.packaging
	$(BIN)/python packaging/build.py --gui --installer

wheel: $(VENV)/.installed
	$(BIN)/python -m build --wheel --outdir dist .

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) .demo dist build .pytest_cache .mypy_cache .ruff_cache
