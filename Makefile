# 版面 banmian task runner. `make` = install into .venv and run every notebook.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: all setup notebooks report check-report test lab bench bench-notebooks bench-year bench-ten-years evaluate evaluate-real train train-stacks clean

all: notebooks

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# Execute notebooks/NN_*.ipynb in order, save them executed, write output/html/*.html
notebooks: $(STAMP)
	$(BIN)/python tools/run_notebooks.py

# Every notebook run on CORPUS=path into output/report-NAME/: index.html, html/, tables/ (zip it, send it)
report: $(STAMP)
	@test -n "$(CORPUS)" || { echo "make report CORPUS=path/to/pages (a folder, a page file or a table)"; exit 2; }
	$(BIN)/python tools/make_report.py $(CORPUS) $(if $(NAME),--name $(NAME))

# Open a report in headless Chromium with the network off: pages load, tables are interactive and sort
# (needs pip install -e .[browser] and Debian's chromium). REPORT=output/report-NAME
check-report: $(STAMP)
	$(BIN)/python tools/check_report.py $(REPORT)

test: $(STAMP)
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP)
	$(BIN)/python bench/bench.py $(if $(CORPUS),--corpus $(CORPUS))

# Every notebook on a crawl folder of day folders: first run, rerun, one new day (time, peak memory,
# slowest cell). CORPUS=folder (bench/realtext.py writes one from a fetched repository)
bench-notebooks: $(STAMP)
	$(BIN)/python bench/notebooks.py --corpus $(CORPUS)

# Every notebook on a generated year of a daily (≈ 30,000 article files, 35 M characters; written once
# into .cache/bench/year by bench/generated_corpus.py): first run, rerun, one new day
bench-year: $(STAMP)
	test -d .cache/bench/year || $(BIN)/python bench/generated_corpus.py .cache/bench/year
	$(BIN)/python bench/notebooks.py --corpus .cache/bench/year

# Notebooks 02 and 05 with ENGINE = "dask" on ten generated years (≈ 317,000 article files, 350 M
# characters, written once into .cache/bench/ten-years): first run and rerun, memory of the kernel
# and its Dask workers
bench-ten-years: $(STAMP)
	test -d .cache/bench/ten-years || $(BIN)/python bench/generated_corpus.py .cache/bench/ten-years --years 10
	$(BIN)/python bench/notebooks.py --corpus .cache/bench/ten-years --only 02,05 --engine dask --in-place

# Headline recovery and extra articles per layout on tests/devset; CRAWL=folder adds a real crawl
evaluate: $(STAMP)
	$(BIN)/python bench/evaluate.py $(if $(CRAWL),--crawl $(CRAWL))

# Formulations on real pages (stand-off labels in tests/formulations_real): REPOS = the folder of the
# fetched repositories, each as <owner>+<name>/repo (see tests/formulations_real/README.md)
REPOS ?= $(BANMIAN_REPOS)
# Headline stacks on the slot crawl's development and test months (or CRAWL=month folders) come first
evaluate-real: $(STAMP)
	$(BIN)/pip install --quiet -e ".[real]"
	$(BIN)/python bench/evaluate_headlines.py $(if $(REPOS),--repos $(REPOS)) $(if $(CRAWL),--crawl $(CRAWL))
	$(BIN)/python bench/evaluate_real.py $(if $(REPOS),--repos $(REPOS)) $(if $(YEAR),--year)

# Retrain the formulation scorer from the development labels; writes banmian/formulation_model.json
train: $(STAMP)
	$(BIN)/python bench/train_formulations.py $(if $(REPOS),--repos $(REPOS))

# Retrain the headline-stack model from the slot crawl's development months; writes banmian/stack_model.json
train-stacks: $(STAMP)
	$(BIN)/pip install --quiet -e ".[real]"
	$(BIN)/python bench/train_stacks.py $(if $(REPOS),--repos $(REPOS))

clean:
	rm -rf output .cache .pytest_cache
