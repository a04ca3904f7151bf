# The two set-up commands of the README: `make out` (the main job on seeds/ into out/) and
# `make test` (ruff, mypy and the whole test suite). Both create .venv and install into it.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: out test lint players audio-debs eval bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

out: $(STAMP) audio-debs
	$(VENV)/bin/cleanup run seeds --out out

# --audio needs ffmpeg (decoding) and espeak-ng (pronunciations), and spelling reads non-words aloud with
# espeak-ng (misspellings written as they sound) and reads SCOWL's large word lists (wbritish-large,
# wamerican-large: which words English writes in lower case): Debian packages, installed when missing
DICTS = /usr/share/dict/british-english-large /usr/share/dict/american-english-large
audio-debs:
	@if ! command -v ffmpeg >/dev/null || ! command -v espeak-ng >/dev/null || ! ls $(DICTS) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ffmpeg espeak-ng wbritish-large wamerican-large >/dev/null; \
	  else echo "ffmpeg/espeak-ng/word lists missing (cleanup run --audio needs them, spelling uses espeak-ng and the lists): sudo apt-get install ffmpeg espeak-ng wbritish-large wamerican-large"; fi; \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff check cleanup tests eval
	$(VENV)/bin/ruff format --check cleanup tests eval
	$(VENV)/bin/mypy

# Debian packages, installed when missing: ffmpeg and Chromium read the subtitles back in the
# tests; ffmpeg decodes narrations and espeak-ng gives the aligner pronunciations (and speaks the
# tests' narrations); the word lists are spelling's (see audio-debs)
players:
	@if ! command -v ffmpeg >/dev/null || ! command -v chromium >/dev/null || ! command -v espeak-ng >/dev/null || ! ls $(DICTS) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ffmpeg chromium espeak-ng wbritish-large wamerican-large >/dev/null; \
	  else echo "ffmpeg/chromium/espeak-ng/word lists missing: sudo apt-get install ffmpeg chromium espeak-ng wbritish-large wamerican-large (their tests are skipped)"; fi; \
	fi

test: lint players
	$(VENV)/bin/pytest

eval: $(STAMP)
	$(PY) eval/run_eval.py

bench: $(STAMP)
	$(PY) eval/bench.py
	$(PY) eval/bench_jobs.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
