"""Sentences and capitals for text that has none: YouTube's auto-captions and other raw
speech-to-text output are lower-case and unpunctuated.

Runs only on such text (almost no sentence punctuation and almost no capitals), so that a
transcript someone punctuated is never re-punctuated, and this stage's own output reads back
unchanged. Where a sentence ends is judged at every gap between two words from

- the pause: how much longer the gap between the two words' start times is than the first
  word's syllables need at this speaker's own pace (the median time a syllable takes in the
  document), when the words have times;
- the trigram model (PocketSphinx's, as the spelling stage uses): how much likelier it finds the
  sentence ending there (``... leave on the table </s> <s> to find``) than running on (``a pretty
  sleek little machine``);
- the words on either side: a sentence does not end on an article, a preposition, a conjunction,
  an auxiliary or a possessive ("the", "of", "and", "was", "my"), nor start with a word that
  only continues one ("of", "than", "n't"); it often starts with "so", "but", "and", "i", "we",
  "what" ...;
- length: a sentence of more than ``MAX_WORDS`` words is split at its best gap.

A sentence gets a full stop, or a question mark when it opens as a question does ("what is",
"do you", "can we"); the next word gets its capital. Then capitals: ``i`` (and ``i'm``,
``i've`` ...) is ``I``, and a word that Harper's dictionary knows only capitalised is a name
(``europe``, ``london``, ``monday``). Every edit is a change with its reason.
"""

from __future__ import annotations

import bisect
import itertools
import statistics
from dataclasses import replace

from cleanup.clean.base import Context, StageResult, change_for
from cleanup.clean.lexicon import ContextModel, get_context_model, get_lexicon
from cleanup.model import EOL, Change, Document, Flag, Token, split_affixes, words_of

STAGE = "restore"
MIN_WORDS = 20
"""Shorter texts are judged by their punctuation alone: too little to tell."""
MAX_WORDS = 35
"""A sentence longer than this is split at its best gap."""
PAUSE_UNIT_MS = 250.0
"""A pause this much longer than the words need counts one point towards a sentence end."""
THRESHOLD = 1.0
SURE = 4.0
"""A gap this strong ends a sentence however short."""
MIN_SENTENCE = 3

CANNOT_END = frozenset(
    """a an the of to in on at for with from by into onto about over under between through during without within
    and or but nor so because that which who whom whose than as if when while although though unless until since
    whether where my your his her its our their this these those is are was were be been being am have has had do
    does did will would can could should may might must shall very really just not no quite rather too also more
    most less least some any every each both either neither such what how why i we you he she they it's i'm
    you're we're they're he's she's there's that's let's i've you've we've they've i'll you'll we'll they'll
    i'd you'd we'd they'd gonna wanna gotta kind sort lot couple bit""".split()
)
CANNOT_START = frozenset("of than n't 's 're 've 'll 'd nor whom".split())
STARTERS = frozenset(
    """so but and now then well okay ok alright yeah yes no i we you he she they it this that there here what how
    why when where who if because let's let first second third next finally also however actually basically anyway
    today right remember look imagine think""".split()
)
WH = frozenset("what how why when where who which whose".split())
AUX = frozenset(
    """is are was were do does did can could would will should shall may might must have has had am isn't aren't
    don't doesn't didn't can't won't""".split()
)
PRONOUNS = frozenset("i you we he she it they there this that".split())
I_FORMS = {"i": "I", "i'm": "I'm", "i've": "I've", "i'll": "I'll", "i'd": "I'd"}


def unpunctuated(doc: Document) -> bool:
    """Raw speech-to-text: hardly a sentence mark, hardly a capital (``I`` and the first word aside)."""
    words = [w for t in doc.tokens for w in words_of(t.text)]
    if len(words) < MIN_WORDS:
        return False
    marks = sum(1 for t in doc.tokens if split_affixes(t.text)[2].rstrip("\"'\u201d\u2019)]").endswith((".", "?", "!", ",", ";", ":")))
    capitals = sum(1 for w in words[1:] if w[:1].isupper() and w.lower() not in I_FORMS)
    return marks <= max(1, len(words) // 60) and capitals <= max(1, len(words) // 40)


def _syllables(word: str) -> float:
    from cleanup.subtitles.timing import syllables

    return syllables(word)


def _pauses(tokens: list[Token]) -> list[float]:
    """For each gap after token i: how much longer (ms) than the word needed, at the document's own
    pace; 0 where the words have no times."""
    steps: list[tuple[int, float, float]] = []
    for i in range(len(tokens) - 1):
        a, b = tokens[i].time, tokens[i + 1].time
        if a is None or b is None:
            continue
        syl = max(1.0, _syllables(tokens[i].core))
        steps.append((i, float(b[0] - a[0]), syl))
    out = [0.0] * max(0, len(tokens) - 1)
    if not steps:
        return out
    pace = statistics.median(step / syl for _, step, syl in steps)
    for i, step, syl in steps:
        out[i] = step - pace * syl
    return out


BIGRAM_BASE = 2.5
BIGRAM_WEIGHT = 0.3


def _gap_score(prev: str, nxt: str, pause: float, pair_zipf: float, veto: bool = True) -> float:
    """Evidence that a sentence ends between ``prev`` and ``nxt``: the pause, a word that often
    starts one, and against it, how common the two words are together ("tells you")."""
    if veto and (prev in CANNOT_END or nxt in CANNOT_START or not prev or not nxt):
        return float("-inf")
    score = pause / PAUSE_UNIT_MS
    if nxt in STARTERS:
        score += 0.5
    score -= BIGRAM_WEIGHT * max(0.0, pair_zipf - BIGRAM_BASE)
    return score


LM_WEIGHT = 0.6
"""How much the trigram model's preference (log10, see ``_lm_gain``) counts against a pause (one
point per 250 ms). Measured with ``eval/run_restore.py``: on human captions stripped of their
punctuation, where a pause is often a phrase break, sentence-end F1 rose from 0.42 to 0.57 (weights
of 0.3 to 1.0 all helped, 0.6 most); on generated captions, whose pauses are exactly the sentence
ends, it stayed 0.83."""


def _lm_gain(cm: ContextModel, cores: list[str], i: int) -> float:
    """How much likelier (log10) the trigram model finds a sentence end after token ``i`` than the
    words running on: P(</s> | two before) P(next | <s>) P(one after | <s> next) against
    P(next | two before) P(one after | before, next). 0 where a word is unknown to the model."""
    a, b = (cores[i - 1] if i else "<s>"), cores[i]
    c = cores[i + 1]
    d = cores[i + 2] if i + 2 < len(cores) else "</s>"
    parts_end = [cm.logp("</s>", a, b), cm.logp(c, "<s>"), cm.logp(d, "<s>", c)]
    parts_on = [cm.logp(c, a, b), cm.logp(d, b, c)]
    if any(p is None for p in parts_end + parts_on):
        return 0.0
    return sum(p for p in parts_end if p is not None) - sum(p for p in parts_on if p is not None)


LINE_END_POINTS = 2.0
"""A line end of a text typed one utterance a line counts as a pause of 500 ms (the points of
``PAUSE_UNIT_MS``): the writer's own break, most often a sentence's end. Not in a text whose lines
were wrapped to a width (see ``is_wrapped``), nor in captions, whose cue ends are no such break."""
WRAPPED_SHARE = 0.8
NEVER_END = frozenset("a an the of to and or nor but my your his her our their its with from for at by than".split())
"""Words no typed line ends a sentence on; on any other word of ``CANNOT_END`` it may, at a cost
of ``LINE_END_UNLIKELY`` points."""
LINE_END_UNLIKELY = 0.5


def is_wrapped(tokens: list[Token]) -> bool:
    """Whether the text's lines were filled to a width: for most of them (``WRAPPED_SHARE``), the
    next line's first word would not have fitted after them within the longest line."""
    lines: list[list[str]] = [[]]
    for t in tokens:
        lines[-1].append(t.text)
        if t.boundary == EOL:
            lines.append([])
    lines = [ln for ln in lines if ln]
    if len(lines) < 3:
        return False
    width = max(len(" ".join(ln)) for ln in lines)
    full = sum(1 for a, b in itertools.pairwise(lines) if len(" ".join(a)) + 1 + len(b[0]) > width)
    return full >= WRAPPED_SHARE * (len(lines) - 1)


def _boundaries(cores: list[str], pauses: list[float], line_ends: frozenset[int] = frozenset()) -> set[int]:
    """Gaps (after token i) where a sentence ends; ``line_ends``: the tokens that end a typed line."""
    lex = get_lexicon()
    cm = get_context_model()
    scores = [_gap_score(cores[i], cores[i + 1], pauses[i], lex.bigram_zipf(cores[i], cores[i + 1])) for i in range(len(cores) - 1)]
    for i in line_ends & set(range(len(scores))):
        if scores[i] == float("-inf") and cores[i] not in NEVER_END and cores[i] and cores[i + 1] and cores[i + 1] not in CANNOT_START:
            # (a typed line may end on a word a sentence rarely ends on: "everything i do", "she read about")
            scores[i] = _gap_score("", cores[i + 1], pauses[i], 0.0, veto=False) - LINE_END_UNLIKELY
        scores[i] += LINE_END_POINTS
    scores = [s + LM_WEIGHT * _lm_gain(cm, cores, i) if s > float("-inf") else s for i, s in enumerate(scores)]
    # the strongest ends first; one that would leave a sentence of fewer than MIN_SENTENCE words (a
    # list read out with pauses: "english french german") is taken only on a long pause
    taken: list[int] = []  # sorted
    for i in sorted((i for i, s in enumerate(scores) if s > THRESHOLD), key=lambda i: -scores[i]):
        k = bisect.bisect_left(taken, i)
        before = taken[k - 1] if k else -1
        after = taken[k] if k < len(taken) else len(cores) - 1
        if scores[i] >= SURE or (i - before >= MIN_SENTENCE and after - i >= MIN_SENTENCE):
            taken.insert(k, i)
    ends = set(taken)
    # split sentences that run too long at their best gap, again and again
    todo = [(0, len(cores))]
    while todo:
        start, stop = todo.pop()
        inner = sorted(e for e in ends if start <= e < stop - 1)
        cuts = [start - 1, *inner, stop - 1]
        for a, b in itertools.pairwise(cuts):
            if b - a <= MAX_WORDS:
                continue
            lo, hi = a + 1 + 3, b - 3  # leave at least 4 words on each side
            best = max(range(lo, hi), key=lambda k: scores[k], default=None)
            if best is not None and scores[best] > float("-inf"):
                ends.add(best)
                todo.append((a + 1, b + 1))
    return ends


QUESTION_LEADS = frozenset("okay ok so and but well now right then oh".split())
"""Words a question may open with before its question word ("okay so does that mean")."""


def is_question(cores: list[str]) -> bool:
    """Whether a sentence's words open as a question does: a question word and an auxiliary ("what
    is"), an auxiliary and a pronoun ("can we"), or "what if", "how about"; after up to two words
    that lead into it ("okay so does that mean")."""
    k = 0
    while k < 2 and k < len(cores) and cores[k] in QUESTION_LEADS:
        k += 1
    if len(cores) - k < 3:
        return False
    first, second = cores[k], cores[k + 1]
    return (first in WH and second in AUX) or (first in AUX and second in PRONOUNS) or (first, second) in (("what", "if"), ("how", "about"))


def restore(doc: Document, ctx: Context) -> StageResult:
    changes: list[Change] = []
    flags: list[Flag] = []
    if not unpunctuated(doc):
        return doc, changes, flags
    tokens = list(doc.tokens)
    cores = [t.core.lower().replace("\u2019", "'") for t in tokens]
    pauses = _pauses(tokens)
    line_ends = frozenset() if is_wrapped(tokens) else frozenset(i for i, t in enumerate(tokens) if t.boundary == EOL and t.time is None)
    ends = _boundaries(cores, pauses, line_ends)
    ends.add(len(tokens) - 1)
    start = 0
    for i in sorted(ends):
        sentence = cores[start : i + 1]
        mark = "?" if is_question(sentence) else "."
        tok = tokens[i]
        lead, core, trail = split_affixes(tok.text)
        if core and not trail.endswith((".", "?", "!")):
            why = f"a pause of {pauses[i]:.0f} ms more than the words need" if i < len(pauses) and pauses[i] > 0 else "the end of the text"
            if i < len(pauses) and pauses[i] <= 0:
                why = f"a sentence of more than {MAX_WORDS} words split at its likeliest end"
            if mark == "?":
                why += "; it opens as a question"
            new = lead + core + mark + trail
            changes.append(change_for(tok, "sentence-end", new, f"unpunctuated speech-to-text: {why}", STAGE, 0.6))
            tokens[i] = replace(tok, text=new)
        first = tokens[start]
        lead, core, trail = split_affixes(first.text)
        if core[:1].islower():
            new = lead + core[0].upper() + core[1:] + trail
            changes.append(change_for(first, "capitalisation", new, "a sentence starts with a capital", STAGE, 0.6))
            tokens[start] = replace(first, text=new)
        start = i + 1
    tokens = _capitals(tokens, changes)
    return replace(doc, tokens=tuple(tokens), meta={**doc.meta, "captions": "machine"}), changes, flags


def _capitals(tokens: list[Token], changes: list[Change]) -> list[Token]:
    """``I``; names Harper's dictionary knows only capitalised; and two words side by side that no
    dictionary knows at all ("mordehai milgrom"): a first and a last name, far more often than two
    rare words in a row. A lone unknown word ("kiloparsecs") keeps its case."""
    lowers = {t.core for t in tokens if t.core.isalpha() and t.core.islower() and len(t.core) > 1}
    lex = get_lexicon()
    unknown = lowers - lex.harper_known(lowers)
    names = lex.capitalised_names(lowers)
    strange = {w for w in unknown - names if not lex.is_word(w)}
    paired: set[int] = set()
    for i in range(len(tokens) - 1):
        a, b = tokens[i].core, tokens[i + 1].core
        if (a in strange or a in names) and (b in strange or b in names) and (a in strange or b in strange):
            if not split_affixes(tokens[i].text)[2]:  # "milgrom, mond": a comma parts them
                paired.update((i, i + 1))
    out = []
    for k, tok in enumerate(tokens):
        lead, core, trail = split_affixes(tok.text)
        key = core.lower().replace("\u2019", "'")
        fixed = None
        if key in I_FORMS and core == core.lower():
            fixed = I_FORMS[key].replace("'", "\u2019") if "\u2019" in core else I_FORMS[key]
            why = "the pronoun 'I' is always a capital"
        elif core in names:
            fixed = core.capitalize()
            why = f"a name: Harper's dictionary knows '{fixed}' only with a capital"
        elif k in paired and core.islower():
            fixed = core.capitalize()
            why = "two words side by side that no dictionary knows: a name"
        if fixed and fixed != core:
            new = lead + fixed + trail
            changes.append(change_for(tok, "capitalisation", new, why, STAGE, 0.6 if k in paired else 0.8))
            tok = replace(tok, text=new)
        out.append(tok)
    return out
