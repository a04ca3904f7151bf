"""Harper (harper-py), in-process and offline: the default grammar engine."""

from __future__ import annotations

import functools
from typing import Any

from cleanup.engines import Issue


@functools.cache
def shared_linter() -> Any:
    """One Harper linter for the process (building its dictionary takes about 0.4 s): the grammar
    engine lints with it and the lexicon asks it about words. Nothing changes its configuration."""
    import harper

    return harper.Linter(harper.Dialect.AMERICAN)


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

    def __init__(self) -> None:
        import harper

        self._harper = harper
        self._linter: Any = shared_linter()

    def check(self, text: str) -> list[Issue]:
        out = []
        for rule, lints in self._linter.organized_lints(text, language=self._harper.Language.PLAINTEXT).items():
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
        out.sort(key=lambda i: (i.start, i.end, i.rule))
        return out
