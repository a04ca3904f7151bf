"""Paragraphs at topic shifts: lexical cohesion between neighbouring blocks of sentences.

A compact TextTiling (Hearst 1997) with sentences as the units: the similarity of the content
words in the ``BLOCK`` sentences before each gap and the ``BLOCK`` after it; a gap's depth is how
far it dips below the nearest peaks on either side; gaps deeper than the document's mean depth
minus half a standard deviation are topic shifts. Paragraphs are kept between ``MIN_SENTENCES``
and the context's maximum (8 by default), splitting a long one at its deepest gap.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import replace
from itertools import pairwise

from cleanup.clean.base import Context, StageResult, quoted_mask
from cleanup.model import Change, Document, Flag

STAGE = "paragraphs"
BLOCK = 3
MIN_SENTENCES = 2
STOP = set(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each even ever every few for from
    further had has have having he her here hers him his how i if in into is it its itself just like
    made make many may me might more most much must my no nor not now of off on once only or other our
    out over own people really same she should so some such than that the their them then there these
    they thing things this those through to too under until up upon us very was way we were what when
    where which while who whom why will with would you your one two first new even still well back""".split()
)


def _stem(word: str) -> str:
    w = word.lower().replace("\u2019", "'")
    w = re.sub(r"'s$", "", w)
    for suf in ("ization", "ation", "ness", "ment", "ing", "ies", "ed", "es", "ly", "s"):
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            return w[: -len(suf)]
    return w


def _bag(words: list[str]) -> Counter[str]:
    return Counter(_stem(w) for w in words if w.lower() not in STOP and len(w) > 2 and w.isalpha())


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    num = sum(a[k] * b[k] for k in a.keys() & b.keys())
    den = math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))
    return num / den if den else 0.0


def gap_depths(bags: list[Counter[str]]) -> list[float]:
    """Depth score of the gap after each sentence but the last."""
    n = len(bags)
    sims = []
    for g in range(n - 1):
        left: Counter[str] = Counter()
        right: Counter[str] = Counter()
        for b in bags[max(0, g - BLOCK + 1) : g + 1]:
            left.update(b)
        for b in bags[g + 1 : g + 1 + BLOCK]:
            right.update(b)
        sims.append(_cosine(left, right))
    depths = []
    for g, s in enumerate(sims):
        lpeak = s
        for k in range(g - 1, -1, -1):
            if sims[k] < lpeak:
                break
            lpeak = sims[k]
        rpeak = s
        for k in range(g + 1, len(sims)):
            if sims[k] < rpeak:
                break
            rpeak = sims[k]
        depths.append((lpeak - s) + (rpeak - s))
    return depths


def choose_breaks(depths: list[float], max_len: int, allowed: set[int] | None = None) -> list[int]:
    """Sentence indices that start a new paragraph (0 excluded); only ``allowed`` ones if given."""
    n = len(depths) + 1
    if n <= 1:
        return []
    ok = [d for g, d in enumerate(depths) if allowed is None or g + 1 in allowed] or [0.0]
    mean = sum(ok) / len(ok)
    std = math.sqrt(sum((d - mean) ** 2 for d in ok) / len(ok))
    cutoff = mean - std / 2
    # a gap where no paragraph may start is taken only when a paragraph is too long otherwise
    depths = [d if allowed is None or g + 1 in allowed else -1.0 for g, d in enumerate(depths)]
    chosen: set[int] = set()
    for g in sorted(range(len(depths)), key=lambda g: (-depths[g], g)):
        if depths[g] <= cutoff or depths[g] <= 0:
            break
        start = g + 1
        bounds = sorted(chosen | {0, n})
        lo = max(b for b in bounds if b < start)
        hi = min(b for b in bounds if b > start)
        if start - lo >= MIN_SENTENCES and hi - start >= MIN_SENTENCES:
            chosen.add(start)
    # split paragraphs that are still too long at their deepest gap
    changed = True
    while changed:
        changed = False
        bounds = sorted(chosen | {0, n})
        for lo, hi in pairwise(bounds):
            if hi - lo > max_len:
                inner = range(lo + MIN_SENTENCES, hi - MIN_SENTENCES + 1)
                best = max(inner, key=lambda s: (depths[s - 1], -abs((lo + hi) / 2 - s)))
                chosen.add(best)
                changed = True
                break
    return sorted(chosen)


def paragraphs(doc: Document, ctx: Context) -> StageResult:
    # sentences from the sentence ends alone: paragraph starts left by an earlier pass must not cut them
    doc = doc.with_tokens([replace(t, paragraph_start=False) for t in doc.tokens])
    sents = doc.sentences()
    bags = [_bag([t.core for t in doc.tokens[s:e]]) for s, e in sents]
    # a sentence that is only a citation, "(Capital Vol. 1, Ch. 26).", stays with the quotation before it
    # and no paragraph starts inside a quotation that runs over several sentences
    inside = quoted_mask(doc.tokens)
    allowed = {
        k
        for k, (s, _) in enumerate(sents)
        if not doc.tokens[s].text.startswith("(") and not (inside[s] and not doc.tokens[s].text.startswith(('"', "\u201c")))
    }
    breaks = choose_breaks(gap_depths(bags), max(ctx.max_paragraph_sentences, 2 * MIN_SENTENCES), allowed)
    starts = {0} | {sents[b][0] for b in breaks}
    tokens = [replace(t, paragraph_start=i in starts) for i, t in enumerate(doc.tokens)]
    changes: list[Change] = []
    flags: list[Flag] = []
    return doc.with_tokens(tokens), changes, flags
