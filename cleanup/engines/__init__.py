"""Grammar engines behind one small interface, each imported only when it is used.

- ``harper``: Harper in-process (harper-py), the default: offline, no server, no download.
- ``languagetool``: a LanguageTool server the user runs, through language-tool-python
  (``--languagetool URL`` or ``CLEANUP_LANGUAGETOOL_URL``). Nothing is downloaded: without a
  reachable server the run stops with one clear line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Protocol

from cleanup.errors import CleanupError

LANGUAGETOOL_ENV = "CLEANUP_LANGUAGETOOL_URL"


@dataclass(frozen=True)
class Issue:
    """One finding of an engine, in code points of the text it was given."""

    start: int
    end: int
    rule: str
    category: str
    message: str
    suggestions: tuple[str, ...]


class GrammarEngine(Protocol):
    name: str
    safe_rules: frozenset[str]
    """Rules whose first suggestion is applied; everything else an engine says is a flag."""
    quiet_categories: frozenset[str]
    """Categories left out of the report altogether (style preferences, not doubts)."""
    quiet_rules: frozenset[str]
    """Rules left out of the report altogether (a dialect's preferences)."""

    def check(self, text: str) -> list[Issue]: ...


def languagetool_url(given: str | None = None) -> str | None:
    """The LanguageTool server to use: the one given, else ``CLEANUP_LANGUAGETOOL_URL``, else none."""
    return given or os.environ.get(LANGUAGETOOL_ENV) or None


def make_engine(languagetool_url_given: str | None = None) -> GrammarEngine:
    url = languagetool_url(languagetool_url_given)
    if url:
        from cleanup.engines.languagetool import LanguageToolEngine

        return LanguageToolEngine(url)
    from cleanup.engines.harper import HarperEngine

    return HarperEngine()


__all__ = ["LANGUAGETOOL_ENV", "CleanupError", "GrammarEngine", "Issue", "languagetool_url", "make_engine"]
