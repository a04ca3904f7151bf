"""Word classes for the segmenter: where a line or a cue may break depends on what the words are.

Each token of a sentence gets the part of speech of its first and of its last word, read in
context by a tagger whose model ships inside its pip package (nothing is downloaded, ever). The
tagger is loaded once per process, the first time a sentence is tagged.

Tokens are split into the words a tagger expects: leading and trailing punctuation apart, and
contractions apart as the treebanks write them (``didn't`` is ``did n't``, ``it's`` is
``it 's``), so that ``n't`` reads as a negation and ``'s`` as a verb or a possessive.

The classes are coarse, the ones a subtitler's rules speak of:

``DET`` article, determiner, possessive (a, the, this, my) · ``ADJ`` adjective, ordinal ·
``NOUN`` · ``PROPN`` name · ``NUM`` · ``PRON`` pronoun · ``EX`` existential *there* ·
``VERB`` lexical verb · ``VBN``/``VBG`` its participles · ``AUX`` be, have, do and modals ·
``ADV`` · ``ADP`` preposition · ``PRT`` adverb particle (turn *off*) · ``TO`` infinitive *to* ·
``OF`` · ``CCONJ`` and, or, but · ``SCONJ`` because, if, that (complementiser) · ``WH`` who,
which, where · ``NEG`` not, n't · ``POS`` possessive 's · ``INTJ`` · ``PUNCT`` · ``X`` other.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from functools import cache

from cleanup.model import Token

WordClass = tuple[str, str]
"""The class of a token's first word and of its last word (the same for a one-word token)."""

# CLAWS5 (the British National Corpus tagset, which HanTa's English model uses) to the coarse classes
CLAWS5 = {
    "AJ0": "ADJ", "AJC": "ADJ", "AJS": "ADJ", "ORD": "ADJ",
    "AT0": "DET", "DPS": "DET", "DT0": "DET", "DTQ": "WH",
    "AV0": "ADV", "AVP": "PRT", "AVQ": "WH",
    "CJC": "CCONJ", "CJS": "SCONJ", "CJT": "SCONJ",
    "CRD": "NUM",
    "EX0": "EX", "ITJ": "INTJ",
    "NN0": "NOUN", "NN1": "NOUN", "NN2": "NOUN", "NP0": "PROPN",
    "PNI": "PRON", "PNP": "PRON", "PNX": "PRON", "PNQ": "WH",
    "POS": "POS", "PRF": "OF", "PRP": "ADP", "TO0": "TO", "XX0": "NEG",
    "PUL": "PUNCT", "PUN": "PUNCT", "PUQ": "PUNCT", "PUR": "PUNCT",
    "UNC": "X", "ZZ0": "X",
}  # fmt: skip
for _form in "BDGINZ":
    CLAWS5[f"VB{_form}"] = CLAWS5[f"VD{_form}"] = CLAWS5[f"VH{_form}"] = "AUX"
    CLAWS5[f"VV{_form}"] = {"G": "VBG", "N": "VBN"}.get(_form, "VERB")
CLAWS5["VM0"] = "AUX"

_CONTRACTION = re.compile(r"^(.*[^\W\d_])(n't|'s|'re|'ve|'ll|'d|'m)$", re.I)
_IRREGULAR_NEG = {"ca": "can", "wo": "will", "sha": "shall"}
_EDGE = re.compile(r"^([\W_]*)(.*?)([\W_]*)$", re.S)


def tagger_words(text: str) -> tuple[list[str], int, int]:
    """The words a tagger reads for one token, and the indices of its first and last word
    (-1, -1 when it has none: a dash, a lone quote)."""
    t = text.replace("\u2019", "'").replace("\u2018", "'").replace("*", "")
    m = _EDGE.match(t)
    lead, core, trail = (m.group(1), m.group(2), m.group(3)) if m else ("", t, "")
    out = [ch for ch in lead if not ch.isspace()]
    first = len(out)
    if core:
        c = _CONTRACTION.match(core)
        if c:
            stem, clitic = c.group(1), c.group(2)
            if clitic.lower() == "n't":
                stem = _IRREGULAR_NEG.get(stem.lower(), stem)
            out += [stem, clitic]
        else:
            out.append(core)
        if trail.startswith("'") and core[-1:].lower() == "s":  # the voters' (a plural possessive)
            out.append("'")
            trail = trail[1:]
    last = len(out) - 1
    out += re.findall(r"\.\.\.|\S", trail)
    if not core:
        return out, -1, -1
    return out, first, last


Backend = Callable[[list[str]], list[str]]
"""Coarse classes of a sentence's words, in order."""


@cache
def _hanta() -> Backend:
    """HanTa's English model (a trigram tagger over a morphological analysis, trained on the British
    National Corpus's CLAWS5 tags), read once. Its Viterbi search is done here, the same search as
    ``HanoverTagger.tag_sent`` (a test checks they agree) but looking up only the tags a word can
    have instead of every tag that may follow, and remembering each word's analysis: five times
    faster on a long transcript."""
    from HanTa import HanoverTagger as hanta  # type: ignore[import-untyped]  # loaded on first use (0.2 s)

    model = hanta.HanoverTagger("morphmodel_en.pgz")
    empty, start, end, unknown = hanta.EMPTY, hanta.START, hanta.END, hanta.UNKNOWN
    transitions = model.LP_trans_word
    names = model.int2tag
    seen: dict[tuple[str, bool], dict[int, float]] = {}

    def word_tags(word: str, case: bool) -> dict[int, float]:
        found = seen.get((word, case))
        if found is None:
            found = dict(model._tag_word(word, cutoff=5, casesensitive=case, conditional=True))
            if len(found) == 1 and unknown in found:
                found = {}
            seen[(word, case)] = found
        return found

    def tag(words: list[str]) -> list[str]:
        floor = -1e6
        rows: list[dict[tuple[int, int], float]] = []
        backs: list[dict[tuple[int, int], tuple[int, int]]] = []
        row: dict[tuple[int, int], float] = {(empty, start): 0.0}
        for i, word in enumerate(words):
            probs = word_tags(word, i > 0)
            bound = sorted(row.values(), reverse=True)[5] - 1 if len(row) > 5 else floor
            new: dict[tuple[int, int], float] = {}
            back: dict[tuple[int, int], tuple[int, int]] = {}
            for state, lp0 in row.items():
                if lp0 < bound:
                    continue
                follow = transitions[state]
                pairs = (
                    ((c, lp, 0.0) for c, lp in follow.items())
                    if not probs
                    else ((c, follow[c], p) for c, p in probs.items() if c in follow)
                )
                for c, lp_c, lp_w in pairs:
                    if c == end:
                        continue
                    lp = lp0 + lp_c + lp_w
                    if lp > floor:
                        key = (state[1], c)
                        if key not in new or lp > new[key]:
                            new[key] = lp
                            back[key] = state
            rows.append(new)
            backs.append(back)
            row = new
        best, last = -math.inf, None
        for state, lp0 in row.items():
            lp = lp0 + transitions[state].get(end, -math.inf)
            if lp > best:
                best, last = lp, state
        if last is None:
            return ["X"] * len(words)
        tags = []
        state = last
        for i in range(len(words) - 1, -1, -1):
            tags.append(state[1])
            state = backs[i][state]
        return [CLAWS5.get(names[t], "X") for t in reversed(tags)]

    return tag


def backend() -> Backend:
    """The tagger, loaded once per process."""
    return _hanta()


def sentence_classes(tokens: Sequence[Token], a: int, b: int) -> list[WordClass]:
    """The word classes of tokens ``[a, b)`` (one sentence), read in context."""
    words: list[str] = []
    spans: list[tuple[int, int]] = []
    for tok in tokens[a:b]:
        w, first, last = tagger_words(tok.text)
        base = len(words)
        words += w
        spans.append((base + first, base + last) if first >= 0 else (-1, -1))
    if not words:
        return []
    tags = backend()(words)
    return [(tags[first], tags[last]) if first >= 0 else ("PUNCT", "PUNCT") for first, last in spans]
