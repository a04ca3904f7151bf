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
# espeak-ng (misspellings written as they sound): Debian packages, installed when missing
audio-debs:
	@if ! command -v ffmpeg >/dev/null || ! command -v espeak-ng >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ffmpeg espeak-ng >/dev/null; \
	  else echo "ffmpeg/espeak-ng missing (cleanup run --audio needs them, spelling uses espeak-ng): sudo apt-get install ffmpeg espeak-ng"; fi; \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff check cleanup tests eval
	$(VENV)/bin/ruff format --check cleanup tests eval
	$(VENV)/bin/mypy

# Debian packages, installed when missing: ffmpeg and Chromium read the subtitles back in the
# tests; ffmpeg decodes narrations and espeak-ng gives the aligner pronunciations (and speaks the
# tests' narrations)
players:
	@if ! command -v ffmpeg >/dev/null || ! command -v chromium >/dev/null || ! command -v espeak-ng >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ffmpeg chromium espeak-ng >/dev/null; \
	  else echo "ffmpeg/chromium/espeak-ng missing: sudo apt-get install ffmpeg chromium espeak-ng (their tests are skipped)"; fi; \
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
