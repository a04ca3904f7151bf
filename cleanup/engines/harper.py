"""Harper (harper-py), in-process and offline: the default grammar engine."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from cleanup.engines import Issue


@contextlib.contextmanager
def native_output_muted() -> Iterator[None]:
    """Harper's native library prints debugging lines to the process's standard output on some
    words ("gerund_form: -tilling- ..."), where they would mix with the summary an editor pipes on:
    while it runs, file descriptor 1 points at /dev/null."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):
        yield
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 1)
        finally:
            os.close(null)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


@functools.cache
def shared_linter() -> Any:
    """One Harper linter for the process (building its dictionary takes about 0.4 s): the grammar
    engine lints with it and the lexicon asks it about words. Nothing changes its configuration."""
    import harper

    return harper.Linter(harper.Dialect.AMERICAN)


# Where a long text may be cut for Harper without changing what it finds: after a sentence that
# ends on an ordinary lower-case word ("...the end."; not an abbreviation such as "etc."), before an
# ordinary capitalised word ("The ..."), and never inside a quotation: Harper pairs its double
# quotes (" \u201c \u201d) in order over the whole text it is given, so a cut is taken only where
# an even number of them stand before it. Harper's rules look no further than their sentence.
_CUT = re.compile(r"(?<!\S)([a-z\u00df-\u00ff]{2,})[.?!]( )(?=[A-Z][a-z\u00df-\u00ff]+[,;:]? )")
_HARPER_QUOTES = re.compile('["\u201c\u201d]')
_ABBREVIATIONS = frozenset(
    """etc vs cf al ibid approx eg ie viz esp est no nos pp vol vols ch chap ed eds fig figs op cit inc ltd co corp
    dept st mt ft jr sr dr mr mrs ms prof gen gov sen rep rev col lt sgt capt jan feb mar apr jun jul aug sep sept
    oct nov dec""".split()
)
# Text that Harper reads as more than prose: a URL or an e-mail address (its lexer looks ahead
# for an "@" anywhere further on), code, markup. Such a text is linted whole.
_NOT_PROSE = re.compile(r"[@`<>{}|\\]|://|www\.")
WINDOW_CUTS = 12
"""Safe cuts (sentence ends as above) per window: about 300 words."""


def windows(text: str, every: int = WINDOW_CUTS) -> list[tuple[int, int]]:
    """The text cut into windows of ``every`` safe cuts each: (start, end) offsets; the space at
    a cut belongs to no window. Counted in cuts, not characters, so that an edit inside one
    window (a removed repeated word) leaves the others as they were. A text that is not plain
    prose is one window."""
    if _NOT_PROSE.search(text):
        return [(0, len(text))]
    quotes = [m.start() for m in _HARPER_QUOTES.finditer(text)]
    out: list[tuple[int, int]] = []
    start, seen, q = 0, 0, 0
    for m in _CUT.finditer(text):
        pos = m.start(2)
        while q < len(quotes) and quotes[q] < pos:
            q += 1
        if q % 2 or m.group(1) in _ABBREVIATIONS:
            continue
        seen += 1
        if seen >= every:
            out.append((start, pos))
            start, seen = pos + 1, 0
    out.append((start, len(text)))
    return out


class HarperEngine:
    name = "harper"
    # Rules precise enough to apply: each is a closed pattern (a doubled word, its/it's,
    # there/their before a noun, "could of", "1990's"), checked again by the grammar stage.
    # ItsPossessive is applied only behind a guard (grammar.GUARDED): on the seed it also wants
    # "It's what allows people ..." -> "Its".
    safe_rules = frozenset(
        {
            "RepeatedWords", "ItsContraction", "ItsPossessive", "ThereToTheir", "TheirToThere", "TheirToTheyre",
            "ThenThan", "ModalOf", "PluralDecades",
        }
    )  # fmt: skip
    # Spelling is the spelling stage's job (Harper's suggestions there are unsafe: Vaush ->
    # Vanish); readability, style and typography are preferences, not doubts about the text.
    quiet_categories = frozenset({"Spelling", "Typo", "Readability", "Style", "Formatting", "Enhancement"})
    # A dialect's word is not a doubt: British "coriander", "lorry" are right in British text.
    quiet_rules = frozenset({"Regionalisms"})
    window_cuts = WINDOW_CUTS

    def __init__(self) -> None:
        import harper

        self._harper = harper
        self._linter: Any = shared_linter()
        self._seen: dict[str, list[Issue]] = {}
        """The findings of each window of the last text checked: the grammar stage checks again
        after a fix, and only the windows that changed are linted again."""

    def check(self, text: str) -> list[Issue]:
        """Harper's findings, sorted. A long text is linted window by window (Harper's own time
        grows faster than the text on a whole book); the findings are the same as on the whole."""
        seen: dict[str, list[Issue]] = {}
        out: list[Issue] = []
        for start, end in windows(text, self.window_cuts):
            part = text[start:end]
            found = seen.get(part)
            if found is None:
                found = self._seen.get(part)
            if found is None:
                found = self._lint(part)
            seen[part] = found
            out += [replace(i, start=i.start + start, end=i.end + start) for i in found] if start else found
        self._seen = seen
        out.sort(key=lambda i: (i.start, i.end, i.rule))
        return out

    def _lint(self, text: str) -> list[Issue]:
        out = []
        with native_output_muted():
            found = self._linter.organized_lints(text, language=self._harper.Language.PLAINTEXT)
        for rule, lints in found.items():
            for lint in lints:
                out.append(
                    Issue(
                        lint.span.start,
                        lint.span.end,
                        rule,
                        lint.lint_kind,
                        lint.message,
                        tuple(s.replacement_text for s in lint.suggestions),
                    )
                )
        return out
