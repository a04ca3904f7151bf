"""Nothing is lost: the invariant the pipeline checks after every stage.

Every word of the input body is covered by an output token's source span, by a removed note, or
by a recorded removal (a change whose ``after`` is empty); and every output token whose words differ from the source text it came
from is covered by a recorded change. A stage that breaks either is a bug, and the run stops
with the stage's name and the word.
"""

from __future__ import annotations

from collections.abc import Sequence

from cleanup.errors import ConservationError
from cleanup.model import Change, Document, words_of


def _mark(n: int, spans: Sequence[tuple[int, int]]) -> bytearray:
    """A byte per source character, 1 where a span covers it (each span filled in one slice)."""
    marks = bytearray(n + 1)
    for s, e in spans:
        lo, hi = max(0, s), min(n, e)
        if lo < hi:
            marks[lo:hi] = b"\x01" * (hi - lo)
    return marks


def _fold(words: list[str]) -> list[str]:
    return [w.replace("\u2019", "'") for w in words]


def check_conservation(doc: Document, changes: Sequence[Change], stage: str) -> None:
    n = len(doc.source)
    # a character is accounted for when an output token, a removed note or a recorded removal covers it
    covered = _mark(
        n, [sp for tok in doc.tokens for sp in tok.src] + [note.span for note in doc.notes] + [c.span for c in changes if not c.after]
    )
    changed = _mark(n, [c.span for c in changes])
    for s, e in doc.input_words:
        if covered.find(1, s, e) < 0:
            raise ConservationError(f"stage '{stage}' lost the word {doc.source[s:e]!r} at offset {s} without accounting for it")
    source = doc.source
    for tok in doc.tokens:
        if not tok.src:
            if words_of(tok.text):
                raise ConservationError(f"stage '{stage}' inserted {tok.text!r} with no source and no change")
            continue
        if len(tok.src) == 1 and source[tok.src[0][0] : tok.src[0][1]] == tok.text:
            continue  # the token is its source text: the same words
        source_words = _fold(words_of(" ".join(source[s:e] for s, e in tok.src)))
        if _fold(words_of(tok.text)) != source_words and not any(changed.find(1, s, e) >= 0 for s, e in tok.src):
            raise ConservationError(f"stage '{stage}' changed {source_words} into {tok.text!r} without a recorded change")
