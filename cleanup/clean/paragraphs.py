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
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import replace
from itertools import pairwise

from cleanup.clean.base import Context, StageResult, quoted_mask
from cleanup.model import Change, Document, Flag
from cleanup.readers.timed import speaker_label

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
    return depths_of(sims)


def depths_of(sims: list[float]) -> list[float]:
    """How far each gap's similarity dips below the peaks on either side of it.

    The peak on each side: climb from a gap while the similarity does not fall. A climb from gap
    g that takes its first step goes on as the climb from its neighbour does, so both sides take
    one pass each (a long flat stretch is not climbed again from every gap on it)."""
    m = len(sims)
    lpeaks = sims[:]
    for g in range(1, m):
        if sims[g - 1] >= sims[g]:
            lpeaks[g] = lpeaks[g - 1]
    rpeaks = sims[:]
    for g in range(m - 2, -1, -1):
        if sims[g + 1] >= sims[g]:
            rpeaks[g] = rpeaks[g + 1]
    return [(lpeak - s) + (rpeak - s) for s, lpeak, rpeak in zip(sims, lpeaks, rpeaks, strict=True)]


def choose_breaks(depths: list[float], max_len: int, allowed: set[int] | None = None, topics: bool = True) -> list[int]:
    """Sentence indices that start a new paragraph (0 excluded); only ``allowed`` ones if given.
    ``topics``: break at topic shifts; without, only a paragraph longer than ``max_len`` is split."""
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
    bounds = _Bounds(n)  # the paragraph starts chosen so far, with 0 and n
    for g in sorted(range(len(depths)), key=lambda g: (-depths[g], g)) if topics else ():
        if depths[g] <= cutoff or depths[g] <= 0:
            break
        start = g + 1
        lo, hi = bounds.around(start)
        if start - lo >= MIN_SENTENCES and hi - start >= MIN_SENTENCES:
            chosen.add(start)
            bounds.add(start)
    # split paragraphs that are still too long at their deepest gap (the split of one paragraph
    # does not depend on the others, so each is split on its own, its halves after it)
    deepest = _DeepestGap(depths)
    todo = list(pairwise(sorted(chosen | {0, n})))[::-1]
    while todo:
        lo, hi = todo.pop()
        if hi - lo > max_len:
            best = deepest.best(lo + MIN_SENTENCES, hi - MIN_SENTENCES, (lo + hi) / 2)
            chosen.add(best)
            todo += [(best, hi), (lo, best)]
    return sorted(chosen)


class _Bounds:
    """A set of positions in ``0..n`` (0 and n always in it) with the nearest members on either
    side of a position, each in O(log n): a Fenwick tree of counts."""

    def __init__(self, n: int) -> None:
        self.size = n + 1
        self.tree = [0] * (self.size + 1)
        self.top = 1 << self.size.bit_length()
        self.add(0)
        if n:
            self.add(n)

    def add(self, pos: int) -> None:
        k = pos + 1
        while k <= self.size:
            self.tree[k] += 1
            k += k & -k

    def _count(self, pos: int) -> int:
        """Members at or before ``pos``."""
        total, k = 0, pos + 1
        while k > 0:
            total += self.tree[k]
            k -= k & -k
        return total

    def _nth(self, rank: int) -> int:
        """The ``rank``-th member (from 1), by binary lifting."""
        k, step = 0, self.top
        while step:
            if k + step <= self.size and self.tree[k + step] < rank:
                k += step
                rank -= self.tree[k]
            step >>= 1
        return k  # 1-based tree index k + 1 holds position k

    def around(self, pos: int) -> tuple[int, int]:
        """The greatest member below ``pos`` and the least above it (0 < pos < n)."""
        below = self._count(pos - 1)
        above = self._count(pos) + 1
        return self._nth(below), self._nth(above)


class _DeepestGap:
    """Where to split a paragraph of sentences ``[lo, hi)``: among the sentence starts ``s`` in
    ``[first, last]``, the one after the deepest gap (``depths[s - 1]``), the one nearest the middle
    among equals, the earlier one of two as near: what ``max`` over the range with the key
    ``(depths[s - 1], -abs(middle - s))`` picks, found with a sparse table in O(log n)."""

    def __init__(self, depths: list[float]) -> None:
        self.depths = depths
        self.table = [depths[:]]
        width = 1
        while 2 * width <= len(depths):
            prev = self.table[-1]
            self.table.append([max(prev[k], prev[k + width]) for k in range(len(prev) - width)])
            width *= 2
        self.where: dict[float, list[int]] = {}
        for g, d in enumerate(depths):
            self.where.setdefault(d, []).append(g)

    def _max(self, a: int, b: int) -> float:
        """The greatest depth among gaps ``a..b`` (inclusive)."""
        level = (b - a + 1).bit_length() - 1
        row = self.table[level]
        return max(row[a], row[b - (1 << level) + 1])

    def best(self, first: int, last: int, middle: float) -> int:
        deepest = self._max(first - 1, last - 1)
        gaps = self.where[deepest]  # the gaps of that depth, in order
        k = bisect_left(gaps, first - 1)
        end = bisect_right(gaps, last - 1)
        near = bisect_left(gaps, math.floor(middle) - 1, k, end)
        options = [gaps[j] + 1 for j in (near - 1, near, near + 1) if k <= j < end]
        return min(options, key=lambda s: (abs(middle - s), s))


def paragraphs(doc: Document, ctx: Context) -> StageResult:
    # the writer's paragraphs (blank lines in a plain or pasted transcript) are kept where a sentence
    # starts, and only one too long is split; a text without them is divided by its topics
    marked = {i for i, t in enumerate(doc.tokens) if t.paragraph_start}
    authored = doc.fmt in ("plain", "caption-paste") and bool(marked - {0})
    # sentences from the sentence ends alone: paragraph starts left by an earlier pass must not cut them
    doc = doc.with_tokens([replace(t, paragraph_start=False) if t.paragraph_start else t for t in doc.tokens])
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
    # a new speaker's turn always starts a paragraph (a change of the speaker the input named, or, in
    # a plain transcript, a line that opens with a label: "MEHMET: Honestly, ..."); within each turn,
    # the text decides
    turns = [
        k
        for k, (s, _) in enumerate(sents)
        if k
        and (
            doc.tokens[s].speaker != doc.tokens[s - 1].speaker
            or (doc.tokens[s].cue != doc.tokens[s - 1].cue and speaker_label(doc.tokens[s].text) is not None)
            # (the writer's paragraphs; in a timed input the reader marks only turns, a dialogue dash
            # among them: a speaker it cannot name)
            or (s in marked and (authored or doc.fmt not in ("plain", "caption-paste")))
        )
    ]
    depths = gap_depths(bags)
    breaks: list[int] = []
    longest = max(ctx.max_paragraph_sentences, 2 * MIN_SENTENCES)
    for lo, hi in pairwise([0, *turns, len(sents)]):
        inner = choose_breaks(depths[lo : hi - 1], longest, {k - lo for k in allowed if lo <= k < hi}, topics=not authored)
        breaks.extend([lo, *(lo + b for b in inner)] if lo else [lo + b for b in inner])
    starts = {0} | {sents[b][0] for b in breaks}
    if authored:
        # (a blank line inside a sentence is the writer's too: a stanza that ends in a semicolon)
        starts |= marked
    tokens = [replace(t, paragraph_start=True) if i in starts else t for i, t in enumerate(doc.tokens)]  # copies only what changes
    changes: list[Change] = []
    flags: list[Flag] = []
    return doc.with_tokens(tokens), changes, flags
