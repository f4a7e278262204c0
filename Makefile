# 版面 banmian task runner. `make` = install into .venv and run every notebook.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: all setup notebooks test lab bench evaluate clean

all: notebooks

setup: $(STAMP)

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# Execute notebooks/NN_*.ipynb in order, save them executed, write output/html/*.html
notebooks: $(STAMP)
	$(BIN)/python tools/run_notebooks.py

test: $(STAMP)
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP)
	$(BIN)/python bench/bench.py $(if $(CORPUS),--corpus $(CORPUS))

# Headline recovery and extra articles per layout on tests/devset; CRAWL=folder adds a real crawl
evaluate: $(STAMP)
	$(BIN)/python bench/evaluate.py $(if $(CRAWL),--crawl $(CRAWL))

clean:
	rm -rf output .cache .pytest_cache
