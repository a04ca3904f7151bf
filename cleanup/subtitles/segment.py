"""Cues and line breaks, cut from the cleaned document without re-parsing it.

Each sentence is cut into cues by dynamic programming over the gaps between its words: a cue
must fit in ``max_lines`` lines of ``max_chars_per_line`` and be speakable within the longest
duration; among the cuts that fit, the cheapest wins, where a cut after punctuation is free, one
before a conjunction or preposition is cheap, and one after an article, a preposition, a
possessive or an auxiliary, between a first and a last name or between a number and its unit
costs a lot. Each cue gets the same treatment for its line break, preferring one line when the
text fits and, between equally good breaks, the shorter top line (bottom-heavy). Cues never span
two sentences, so a cue holds one sentence or a part of one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, pairwise

from cleanup.model import Document, Token, split_affixes
from cleanup.subtitles.rules import SubtitleRules

WEAK_END = frozenset(
    """a an the of to and or but nor in on at for with from by as into onto upon about my your his her its our
    their this that these those is are was were be been being has have had will would can could should shall
    may might must do does did not than if very such no every each any some whose whether more most less least
    own""".split()
)
GOOD_BEFORE = frozenset(
    """and but or nor so yet because although though while whereas which who whom whose where when whenever if
    unless until since that to of in on at for with from by into about through without between after before
    during under over against like than as""".split()
)
UNITS = frozenset(
    """percent per cent km kilometres kilometers miles metres meters feet inches kg kilograms grams tonnes tons
    degrees seconds minutes hours days weeks months years dollars pounds euros million billion thousand
    hundred""".split()
)
SUBJECT_PRONOUNS = frozenset("i we they he she".split())
PHRASE_STARTS = frozenset("a an the this these those what who which it they we you he she there not never".split())
ADJECTIVE_ENDING = re.compile(r"(?:al|ive|ous|ic|ful|less|ary|ible|able|ian)$")
NEVER = 10.0
NEUTRAL = 2.0
CUE_COST = 1.0
CUE_END_WEIGHT = 1.5  # a cue boundary is a longer interruption than a line break
SCRAP_CHARS = 20
SCRAP_COST = 2.5


@dataclass(frozen=True)
class Cue:
    """A subtitle: tokens ``[first, last)`` of the document, their display lines, their time."""

    first: int
    last: int
    lines: tuple[str, ...]
    start: int = 0
    end: int = 0
    source: str = "estimated"
    """Where its times came from: ``estimated``, ``source-cue``, ``source-word`` or ``audio``."""
    confidence: float = 0.3
    """How sure its times are, 0-1 (times estimated from the speech rate: 0.3)."""
    speaker: str | None = None
    """Who speaks, when the input said (the VTT writes it as a voice tag)."""
    voices: tuple[str | None, ...] = ()
    """A dialogue cue's speaker of each line (two people, a hyphen before each line); empty otherwise."""

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def visible(text: str) -> str:
    """What a viewer sees of a token: emphasis asterisks and tags removed."""
    return re.sub(r"<[^>]+>", "", text.replace("*", ""))


def break_penalty(prev: Token, nxt: Token) -> float:
    """How bad it is to end a line or a cue between ``prev`` and ``nxt``."""
    _, core, trail = split_affixes(prev.text)
    if trail.rstrip("*\"'\u201d\u2019)]").endswith((".", ",", ";", ":", "?", "!", "\u2026")) or nxt.text == "\u2014":
        return 0.0
    if prev.text == "\u2014":
        return 0.3
    word = core.lower().replace("\u2019", "'")
    nword = nxt.core.lower()
    if word in WEAK_END or (word.endswith("'s") and not trail):
        return NEVER
    if core[:1].isdigit() and (nword in UNITS or nxt.core[:1] == "%"):
        return NEVER  # 34 | percent
    if core[:1].isupper() and nxt.core[:1].isupper() and nxt.text[:1] not in "\"'\u201c\u2018(":
        return NEVER * 0.8  # Bernie | Sanders
    if word.endswith("n't") or word in SUBJECT_PRONOUNS:
        return NEVER  # didn't | have, they | were
    if nword in GOOD_BEFORE:
        return 0.5
    if trail:  # a closing quote or bracket
        return 0.5
    if nword in PHRASE_STARTS:
        return 0.8
    if ADJECTIVE_ENDING.search(word) and nxt.core[:1].islower() and nword.isalpha():
        return 4.0  # revolutionary | class struggle: an adjective before its noun, as far as spelling tells
    if nword.endswith("ly"):
        return 1.5
    return NEUTRAL


class Widths:
    """Visible widths of token runs in O(1), from prefix sums."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.prefix = [0]
        for t in tokens:
            self.prefix.append(self.prefix[-1] + len(visible(t.text)))

    def __call__(self, i: int, j: int) -> int:
        return self.prefix[j] - self.prefix[i] + (j - i - 1)


STRONG_PAUSE_MS = 300.0
"""A pause this long in the speech is a strong boundary: the best place for a cue to end."""
LONG_SILENCE_MS = 1000.0
"""Two sentences this far apart never share a cue: a line would be on screen before it is said."""


class Gaps:
    """``break_penalty`` of the gap before each token, each worked out once: the dynamic programme
    weighs the same gap for many cues and many line layouts. With the speech's real pauses (a
    timed input), a pause of ``STRONG_PAUSE_MS`` or more makes a gap nearly as good as a full
    stop, a shorter one somewhat better; a pause after a word that cannot end a phrase ("the")
    is a hesitation, and changes nothing."""

    def __init__(self, tokens: Sequence[Token], pauses: Sequence[float] | None = None) -> None:
        self.tokens = tokens
        self.pauses = pauses
        self.cache: list[float | None] = [None] * len(tokens)

    def __call__(self, k: int) -> float:
        """The penalty of a break between tokens ``k - 1`` and ``k``."""
        found = self.cache[k]
        if found is None:
            found = break_penalty(self.tokens[k - 1], self.tokens[k])
            if self.pauses is not None and found < NEVER * 0.8:
                pause = self.pauses[k - 1]
                if pause >= STRONG_PAUSE_MS:
                    found = min(found, 0.2)
                elif pause >= STRONG_PAUSE_MS / 2:
                    found *= 0.7
            self.cache[k] = found
        return found


def best_lines(
    tokens: Sequence[Token], i: int, j: int, rules: SubtitleRules, widths: Widths | None = None, gaps: Gaps | None = None
) -> tuple[float, list[int]]:
    """The cheapest way to lay tokens [i, j) out in lines: (cost, indices where lines start)."""
    _width = widths or Widths(tokens)
    _gap = gaps or Gaps(tokens)
    width = _width(i, j)
    if width <= rules.max_chars_per_line or j - i == 1:
        return 0.0, [i]
    if rules.max_lines < 2:
        return math.inf, [i]
    best: tuple[float, list[int]] = (math.inf, [i])
    for k in range(i + 1, j):
        top, bottom = _width(i, k), _width(k, j)
        if top > rules.max_chars_per_line:
            break
        if bottom > rules.max_chars_per_line:
            if rules.max_lines >= 3:
                fewer = SubtitleRules(max_chars_per_line=rules.max_chars_per_line, max_lines=rules.max_lines - 1)
                rest, starts = best_lines(tokens, k, j, fewer, _width, _gap)
                cost = _gap(k) + rest + 0.5
                if cost < best[0]:
                    best = (cost, [i, *starts])
            continue
        cost = 0.3 + _gap(k)
        cost += 0.6 + 0.02 * (top - bottom) if top > bottom else 0.005 * (bottom - top)  # bottom-heavy
        if cost < best[0]:
            best = (cost, [i, k])
    return best


def _render_lines(tokens: Sequence[Token], starts: list[int], j: int) -> tuple[str, ...]:
    bounds = [*starts, j]
    return tuple(" ".join(t.text for t in tokens[a:b]) for a, b in pairwise(bounds))


def cut_sentence(
    tokens: Sequence[Token],
    a: int,
    b: int,
    speech_ms: Sequence[float],
    rules: SubtitleRules,
    widths: Widths | None = None,
    gaps: Gaps | None = None,
    pauses: Sequence[float] | None = None,
) -> list[tuple[int, int, list[int]]]:
    """Cues for the sentence of tokens [a, b): (first, last, line starts) each."""
    _width = widths or Widths(tokens)
    _gap = gaps or Gaps(tokens)
    spoken = [0.0]
    for ms in speech_ms[a:b]:
        spoken.append(spoken[-1] + ms)
    n = b - a
    best = [math.inf] * (n + 1)
    back: list[tuple[int, list[int]]] = [(0, [])] * (n + 1)
    best[0] = 0.0
    max_len = rules.max_chars_per_line * rules.max_lines
    for j in range(1, n + 1):
        for i in range(j - 1, -1, -1):
            width = _width(a + i, a + j)
            if width > max_len and j - i > 1:
                break
            if best[i] == math.inf:
                continue
            duration = spoken[j] - spoken[i] - (pauses[a + j - 1] if pauses is not None else 0.0)  # not the silence after it
            if duration > rules.max_duration_ms and j - i > 1:
                break
            line_cost, starts = best_lines(tokens, a + i, a + j, rules, _width, _gap)
            if line_cost == math.inf:
                continue
            cost = best[i] + CUE_COST + line_cost
            if j < n:
                cost += CUE_END_WEIGHT * _gap(a + j)
            if width < SCRAP_CHARS and (i > 0 or j < n):
                cost += SCRAP_COST  # a scrap of a sentence alone on screen
            if duration < rules.min_duration_ms:
                cost += 1.0
            if cost < best[j]:
                best[j] = cost
                back[j] = (i, starts)
    cues = []
    j = n
    while j > 0:
        i, starts = back[j]
        cues.append((a + i, a + j, starts))
        j = i
    return cues[::-1]


def emphasis_before(tokens: Sequence[Token]) -> list[bool]:
    """Whether emphasis is open before each token (and, last, after them all), in one pass."""
    out = [False]
    for tok in tokens:
        out.append(_emphasis_state(tok.text, out[-1]))
    return out


def italicise(tokens: Sequence[Token], first: int, last: int, lines: tuple[str, ...], open_before: bool | None = None) -> tuple[str, ...]:
    """Emphasis marks (``*mean*``) become ``<i>mean</i>``, balanced within the cue. ``open_before``:
    whether emphasis is open before token ``first`` (:func:`emphasis_before`); read from the tokens
    before it when not given."""
    if open_before is None:
        open_before = emphasis_before(tokens[:first])[-1]
    opened = open_before
    out = []
    for k, line in enumerate(lines):
        text = line
        start_open = opened
        for word in line.split(" "):
            opened = _emphasis_state(word, opened)
        text = re.sub(r"(?<![\w*])\*(?=\S)", "<i>", text)
        text = re.sub(r"(?<=\S)\*(?![\w*])", "</i>", text)
        if start_open and k == 0:
            text = "<i>" + text
        if opened and k == len(lines) - 1:
            text += "</i>"
        out.append(text)
    return tuple(out)


def _emphasis_state(word: str, opened: bool) -> bool:
    lead, _, trail = split_affixes(word)
    if "*" in lead:
        opened = True
    if "*" in trail:
        opened = False
    return opened


def segment(doc: Document, rules: SubtitleRules, speech_ms: Sequence[float], pauses: Sequence[float] | None = None) -> list[Cue]:
    """Cut the whole document into cues (times are set by the timer). ``pauses``: the real pause
    after each token, when the input timed its words."""
    tokens = doc.tokens
    widths = Widths(tokens)
    gaps = Gaps(tokens, pauses)
    emphasis = emphasis_before(tokens)
    spans: list[Span] = []
    for a, b in doc.sentences():
        cut = cut_sentence(tokens, a, b, speech_ms, rules, widths, gaps, pauses)
        spans.extend(Span(first, last, starts, len(cut) == 1) for first, last, starts in cut)
    spans = _share_short_sentences(spans, tokens, speech_ms, rules, widths, pauses)
    cues = []
    for span in spans:
        lines = italicise(tokens, span.first, span.last, _render_lines(tokens, span.starts, span.last), emphasis[span.first])
        voices: tuple[str | None, ...] = ()
        if span.dialogue:  # two speakers in one cue: a leading hyphen on each line (the Netflix convention)
            lines = tuple(f"- {line}" for line in lines)
            voices = tuple(tokens[k].speaker for k in span.starts)
        cues.append(Cue(span.first, span.last, lines, speaker=tokens[span.first].speaker, voices=voices))
    return cues


@dataclass
class Span:
    """A cue before it is rendered: tokens [first, last), where its lines start, whether it is one
    whole sentence, and whether it holds two speakers' sentences (a dialogue cue)."""

    first: int
    last: int
    starts: list[int]
    whole: bool
    dialogue: bool = False


def _share_short_sentences(
    spans: list[Span],
    tokens: Sequence[Token],
    speech_ms: Sequence[float],
    rules: SubtitleRules,
    widths: Widths,
    pauses: Sequence[float] | None = None,
) -> list[Span]:
    """Two whole sentences, one of them too short to stay on screen alone ("Significant?" "Check."),
    share a cue when each fits on a line of its own (or, said by the same person, both on one line)
    and the cue stays within the longest duration: no one-word cue flashes by. When two named
    speakers say them, each line starts with a hyphen; a new paragraph of one speaker is kept apart."""
    spoken = list(accumulate(speech_ms, initial=0.0))

    def said(x: Span) -> float:  # how long the sentence is spoken (a real pause after it not counted)
        return spoken[x.last] - spoken[x.first] - (pauses[x.last - 1] if pauses is not None else 0.0)

    out: list[Span] = []
    for span in spans:
        if out:
            a, b = out[-1], span
            short = min(said(a), said(b)) < rules.min_duration_ms
            who_a, who_b = tokens[a.first].speaker, tokens[b.first].speaker
            two = who_a != who_b and who_a is not None and who_b is not None
            if (
                a.whole
                and b.whole
                and not a.dialogue
                and short
                and a.last == b.first
                and (two or not tokens[b.first].paragraph_start)
                and spoken[b.last] - spoken[a.first] - (pauses[b.last - 1] if pauses is not None else 0.0) <= rules.max_duration_ms
                and (pauses is None or pauses[a.last - 1] < LONG_SILENCE_MS)
            ):
                if not two and widths(a.first, b.last) <= rules.max_chars_per_line:
                    out[-1] = Span(a.first, b.last, [a.first], True)
                    continue
                dash = 2 if two else 0
                if rules.max_lines >= 2 and max(widths(a.first, a.last), widths(b.first, b.last)) + dash <= rules.max_chars_per_line:
                    out[-1] = Span(a.first, b.last, [a.first, b.first], True, dialogue=two)
                    continue
        out.append(span)
    return out
