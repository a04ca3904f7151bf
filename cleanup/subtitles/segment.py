"""Cues and line breaks, cut from the cleaned document without re-parsing it.

Each sentence is cut into cues by dynamic programming over the gaps between its words: a cue
must fit in ``max_lines`` lines of ``max_chars_per_line`` and be speakable within the longest
duration; among the cuts that fit, the cheapest wins. What a break costs depends on where it
falls, judged the way a subtitler does from the words' classes (a part-of-speech tagger reads
each sentence, :mod:`cleanup.subtitles.words`): after punctuation or a dash it is free; before a
conjunction, a relative or a preposition it is cheap; between a subject and its verb or a verb
and its object it costs more; inside a phrase (after an article, a preposition, an auxiliary, a
subject pronoun, between an adjective and its noun, a first and a last name, a number and its
unit, inside ``kind of``, ``a lot of``, ``going to``) it costs almost as much as nothing else
fitting. A cue break and a line break are weighed apart: a comma or a clause boundary is where a
subtitler starts a new cue, a phrase boundary is enough for a line. Each cue is laid out in one
line when it fits, else in two balanced lines (a top line under half the bottom one, or the
reverse, is a stub, paid for). Cues never span two sentences, so a cue holds one sentence or a
part of one (two whole short sentences may share one: :func:`_share_short_sentences`).

With the speech's own times (a timed input), a pause of ``STRONG_PAUSE_MS`` or more is nearly as
good a cue break as a full stop, a cue that runs through one pays for it, and a pause of
``LONG_PAUSE_MS`` or more is never inside a cue.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, pairwise

from cleanup.model import Document, Token, split_affixes
from cleanup.subtitles.rules import SubtitleRules
from cleanup.subtitles.words import WordClass, sentence_classes

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
OF_HEADS = frozenset(
    """kind kinds sort sorts type types lot lots instead because out front couple bit number amount plenty spite
    terms one all many none both much half most some each any few several""".split()
)
"""``kind of``, ``a lot of``, ``instead of``, ``one of``: the pair is one word to a reader."""
TO_HEADS = frozenset(
    """going gonna have has had having used able ought got supposed according due order next thanks close up
    prior""".split()
)
"""``going to``, ``have to``, ``used to``, ``according to``: semi-modals and fixed prepositions."""
FIXED_PAIRS = frozenset(
    {("such", "as"), ("as", "well"), ("at", "least"), ("of", "course"), ("each", "other"), ("one", "another"),
     ("rather", "than"), ("even", "though"), ("even", "if"), ("so", "that"), ("as", "if"), ("at", "all"),
     ("no", "one"), ("a", "few"), ("as", "though"), ("right", "now"), ("no", "longer"), ("any", "more")}
)  # fmt: skip
FOCUS = frozenset("just even only especially right long shortly soon exactly precisely mainly mostly partly simply particularly".split())
"""``just | because``, ``right | after``: the adverb belongs to what follows."""
INTENSIFIERS = frozenset("very so too really quite rather pretty extremely most more less least fairly incredibly truly much far".split())

# What a break costs (a line break; a cue break costs CUE_WEIGHT times as much inside a sentence's
# phrases, nothing after punctuation). The figures were set on the MuST-Cinema benchmark's human
# subtitles (../shared/bench/segmentation, a handful of global weights, no sentence of it in here).
NEVER = 10.0
HARD = 8.0
"""Inside a phrase that reads as one word (``kind of``, first and last name): only when nothing else fits."""
NEUTRAL = 2.0
"""Between two words nothing more is known about."""
VERB_ADP = 2.6
"""Between a verb and a preposition or ``to`` that opens its own complement (``depend | on``)."""
VERB_CLAUSE = 3.2
"""Between a verb and the clause it introduces (``knew | that``, ``ask | why``)."""
SUBJECT_VERB = 2.0
"""Between a noun phrase and the verb after it (``the women | face``)."""
OF_COST = 2.0
"""Before ``of``: its phrase belongs to the noun before more often than another preposition's."""
CUE_WEIGHT = 1.3
"""A cue break inside a phrase interrupts more than a line break there."""
COMMA_LINE = 0.65
STOP_LINE = 1.35
"""A line break after a comma, and after a colon, semicolon, dash or a quoted sentence's end: good,
but a cue break there is better still (free): subtitlers start a new cue at punctuation far more
often than a new line."""
LIST_COMMA = 1.75
"""A comma between two words of one class (``simple, white light``) is inside a list: a phrase break."""
CUE_COST = 1.25
"""What one more cue costs: fewer, fuller cues against more, shorter ones."""
FULL_CHARS = 58
FULL_COST = 1.0
LENGTH_COST = 0.7
"""A cue over ``FULL_CHARS`` pays up to ``FULL_COST`` more as it fills, and every cue
``LENGTH_COST`` times the square of its share of the room: a long sentence is cut into cues of
like length, at its best boundary, rather than into a full cue and a scrap."""
SCRAP_CHARS = 15
SCRAP_COST = 2.4
"""A fragment of a sentence shorter than this, or spoken in less than the shortest duration, alone
on screen flashes by (a single word pays twice)."""
SPEED_COST = 2.0
"""With the speech's own times (a timed input), a cue whose words are said faster than the preset's
reading speed allows: the timer cannot stretch it past the next cue, so fewer cues read better."""
LINE_COST = 0.3
"""Two lines rather than one."""
BALANCE_COST = 5.5
STUB_COST = 3.0
"""Two lines should be about as long: ``BALANCE_COST`` times the square of their difference over
their sum, and ``STUB_COST`` more when one is under half the other."""


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


STRONG_PAUSE_MS = 300.0
"""A pause this long in the speech is a strong boundary: the best place for a cue to end."""
LONG_SILENCE_MS = 1000.0
"""Two sentences this far apart never share a cue: a line would be on screen before it is said."""
LONG_PAUSE_MS = LONG_SILENCE_MS
"""A pause this long is never inside a cue."""
PAUSE_INSIDE_COST = 1.5
"""A cue that runs on through a strong pause shows its words before they are said."""

_CLOSERS = "*\"'\u201d\u2019)]"
_ABBREVIATION = re.compile(r"^(?:[A-Za-z]|(?:[A-Za-z]\.)+[A-Za-z]|Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof|Gen|Rev|No|Vol|Ch|vs|etc|approx)$")
DASHES = frozenset({"\u2014", "\u2013", "--", "-"})


def visible(text: str) -> str:
    """What a viewer sees of a token: emphasis asterisks and tags removed."""
    return re.sub(r"<[^>]+>", "", text.replace("*", ""))


def _punctuation_after(prev: Token) -> str:
    """The punctuation that ends ``prev`` as a viewer reads it (closing quotes and brackets looked
    through): ``,``, ``;``, ``.`` ...; empty when none, or when the full stop is an abbreviation's."""
    if prev.text in DASHES or prev.text.endswith("\u2014"):
        return "\u2014"
    _, core, trail = split_affixes(prev.text)
    mark = trail.rstrip(_CLOSERS)[-1:]
    if mark == "." and trail.rstrip(_CLOSERS) == "." and _ABBREVIATION.match(core):
        return ""  # U.S., Mr., J. Smith
    return mark if mark in ".,;:?!\u2026" else ""


def break_penalty(prev: Token, nxt: Token) -> float:
    """How bad it is to end a line or a cue between ``prev`` and ``nxt``, as far as their
    punctuation and the words themselves tell (the words' classes in context refine the middle
    of the scale: :func:`class_penalty`)."""
    if _punctuation_after(prev):
        return 0.0
    if nxt.text in DASHES:
        return 3.0  # the dash ends the line before the break: "a stranger —" / "sometimes"
    _, core, trail = split_affixes(prev.text)
    word = core.lower().replace("\u2019", "'")
    nword = nxt.core.lower().replace("\u2019", "'")
    if word in WEAK_END and not trail:
        return NEVER
    if (word.endswith("'s") and not trail) or nword in ("'s", "s"):
        return NEVER
    if core[:1].isdigit() and (nword in UNITS or nxt.core[:1] == "%"):
        return NEVER  # 34 | percent
    if word in SUBJECT_PRONOUNS:
        return NEVER  # they | were
    if word.endswith("n't"):
        return 7.5  # didn't | have (but wasn't | because: the words' classes tell)
    if (word, nword) in FIXED_PAIRS or (nword == "of" and word in OF_HEADS) or (nword == "to" and word in TO_HEADS):
        return HARD  # kind | of, going | to, a lot | of
    if core[:1].isupper() and nxt.core[:1].isupper() and nxt.text[:1] not in "\"'\u201c\u2018(":
        return HARD  # Bernie | Sanders
    if trail:  # a closing quote or bracket
        return 0.5
    if nword in GOOD_BEFORE:
        return 0.5
    if nword in PHRASE_STARTS:
        return 0.8
    if nword.endswith("ly"):
        return 1.5
    return NEUTRAL


NAME_JOINERS = frozenset({"and", "&", "of", "de", "du", "la", "van", "von", "der", "del", "da", "di"})
"""Words that join capitalised words into one name: no line or cue break before them there."""
NOMINAL = frozenset({"NOUN", "PROPN", "PRON", "NUM"})
VERBAL = frozenset({"VERB", "VBN", "VBG", "AUX"})


def class_penalty(left: str, right: str, word: str, nword: str) -> float:
    """How bad a break is between a word of class ``left`` and one of class ``right`` (the classes
    of :mod:`cleanup.subtitles.words`; ``word`` and ``nword`` lower case): high inside a phrase,
    low where a phrase or a clause starts."""
    # the word before needs what follows it
    if left in ("DET", "POS", "OF", "TO", "EX") or right == "POS":
        return NEVER
    if left == "ADP":
        return NEVER
    if left in ("CCONJ", "SCONJ"):
        return HARD
    if left == "NEG" and (right in VERBAL or right in ("ADV", "ADJ", "DET", "NEG")):
        return 7.0  # didn't | have, not | really
    if left == "AUX":
        if right in VERBAL or right == "NEG":
            return HARD  # has | been, will | go
        if right == "ADV":
            return 6.0  # is | really
    if left == "PRON" and (right in VERBAL or right in ("NEG", "ADV")):
        return HARD  # it | was
    if left == "WH":
        return 5.0
    if left == "ADJ" and right in ("NOUN", "PROPN", "ADJ", "NUM"):
        return 7.0  # small | village
    if left in ("VBN", "VBG") and right in ("NOUN", "PROPN"):
        return 4.5  # extended | family
    if left == "NUM" and right in ("NOUN", "NUM", "ADJ"):
        return 6.0  # 20 | million, three | years
    if left in ("NOUN", "PROPN") and right in ("NOUN", "PROPN"):
        return 8.0 if left == right == "PROPN" else 6.0  # energy | burdens
    if left == "ADV" and (right == "ADJ" or (right == "ADV" and word in INTENSIFIERS)):
        return 7.0  # very | small, uniquely | American
    if left == "ADV" and right in ("SCONJ", "ADP", "WH") and word in FOCUS:
        return 6.0  # just | because, right | after
    if right == "PRT":
        return 6.0  # turn | off
    # the word after opens a phrase or a clause
    if right == "CCONJ":
        return 0.6
    if right in ("SCONJ", "WH"):
        return VERB_CLAUSE if left in VERBAL else 0.5  # knew | that: the verb's own clause
    if right == "ADP":
        return VERB_ADP if left in VERBAL or left == "ADJ" else 1.0  # depend | on, unique | to: the word's own phrase
    if right == "TO":
        return VERB_ADP if left in VERBAL or left == "ADJ" else 1.2
    if right == "OF":
        return VERB_ADP if left == "ADJ" else OF_COST  # aware | of
    if right == "INTJ" or left == "INTJ":
        return 0.5
    if left in NOMINAL and right in VERBAL:
        return SUBJECT_VERB  # the women | face
    if left == "AUX":
        return 3.0
    if left in VERBAL and (right in NOMINAL or right in ("DET", "ADJ")):
        return 3.0  # supported | my ambitions
    if left == "ADV" and right in VERBAL:
        return 4.0  # really | supported
    return NEUTRAL


class Widths:
    """Visible widths of token runs in O(1), from prefix sums."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.prefix = [0]
        for t in tokens:
            self.prefix.append(self.prefix[-1] + len(visible(t.text)))

    def __call__(self, i: int, j: int) -> int:
        return self.prefix[j] - self.prefix[i] + (j - i - 1)


def _document_classes(tokens: Sequence[Token]) -> list[WordClass]:
    """Word classes of every token, each sentence tagged on its own."""
    out: list[WordClass] = []
    start = 0
    for k, tok in enumerate(tokens):
        if tok.paragraph_start and k > start:
            out += sentence_classes(tokens, start, k)
            start = k
        if tok.sentence_end:
            out += sentence_classes(tokens, start, k + 1)
            start = k + 1
    out += sentence_classes(tokens, start, len(tokens))
    return out


class Gaps:
    """What a line break and a cue break cost at each gap, each worked out once: the dynamic
    programme weighs the same gap for many cues and many line layouts. ``g(k)`` is a line break
    between tokens ``k - 1`` and ``k``, ``g.cue(k)`` a cue break there.

    Punctuation makes a cue break free and a line break nearly so (a subtitler starts a new cue
    after a comma more often than a new line); elsewhere a cue break costs ``CUE_WEIGHT`` times
    the line break. With the speech's real pauses (a timed input), a pause of ``STRONG_PAUSE_MS``
    or more makes a cue break nearly free, a shorter one somewhat cheaper; a pause after a word
    that cannot end a phrase ("the") is a hesitation and changes nothing. ``classes``: each
    token's word classes (tagged here, a sentence at a time, when not given)."""

    def __init__(self, tokens: Sequence[Token], pauses: Sequence[float] | None = None, classes: Sequence[WordClass] | None = None) -> None:
        self.tokens = tokens
        self.pauses = pauses
        self.classes = classes
        self.cache: list[tuple[float, float] | None] = [None] * len(tokens)

    def _weigh(self, k: int) -> tuple[float, float]:
        prev, nxt = self.tokens[k - 1], self.tokens[k]
        base = break_penalty(prev, nxt)
        mark = _punctuation_after(prev)
        if mark == "," and self._list_comma(k):
            line, cue = LIST_COMMA, LIST_COMMA * CUE_WEIGHT  # mistakes, fears, weaknesses: one phrase
        elif mark:
            line, cue = (COMMA_LINE if mark == "," else STOP_LINE), 0.0
        elif self._inside_name(k):
            line, cue = HARD, HARD * CUE_WEIGHT  # the Victoria | and Albert Museum, the Society | of Arts
        else:
            if 0.3 < base < HARD:
                if self.classes is None:
                    self.classes = _document_classes(self.tokens)
                left, right = self.classes[k - 1][1], self.classes[k][0]
                word = split_affixes(prev.text)[1].lower().replace("\u2019", "'")
                syntax = class_penalty(left, right, word, nxt.core.lower())
                base = syntax if nxt.text not in DASHES else max(base, min(syntax, base))
            line, cue = base, base * CUE_WEIGHT
        if self.pauses is not None and base < HARD:
            pause = self.pauses[k - 1]
            if pause >= STRONG_PAUSE_MS:
                cue = min(cue, 0.1)
                line = min(line, 1.0)
            elif pause >= STRONG_PAUSE_MS / 2:
                cue *= 0.7
        return line, cue

    def _inside_name(self, k: int) -> bool:
        """Whether token ``k`` joins two capitalised words inside a sentence into one name
        ("Victoria and Albert", "Society of Arts", "Ludwig van Beethoven")."""
        t = self.tokens
        if k < 2 or k + 1 >= len(t) or t[k - 2].sentence_end or t[k].core.lower() not in NAME_JOINERS:
            return False
        return t[k - 1].core[:1].isupper() and t[k + 1].core[:1].isupper() and not _punctuation_after(t[k])

    def _list_comma(self, k: int) -> bool:
        """Whether the comma before token ``k`` separates items of a list of words of one class
        (``simple, white light``; ``every day, week or month``) rather than phrases or clauses."""
        if self.classes is None:
            self.classes = _document_classes(self.tokens)
        left, right = self.classes[k - 1][1], self.classes[k][0]
        return left == right and left in ("ADJ", "NOUN", "NUM")

    def __call__(self, k: int) -> float:
        """The cost of a line break between tokens ``k - 1`` and ``k``."""
        found = self.cache[k]
        if found is None:
            found = self.cache[k] = self._weigh(k)
        return found[0]

    def cue(self, k: int) -> float:
        """The cost of a cue break between tokens ``k - 1`` and ``k``."""
        found = self.cache[k]
        if found is None:
            found = self.cache[k] = self._weigh(k)
        return found[1]


def balance_cost(top: int, bottom: int) -> float:
    """Two lines of a cue should be about as long: a small cost as they differ, and a stub (a line
    under half the other) pays ``STUB_COST`` more. Between equal layouts the shorter top line wins."""
    x = (top - bottom) / (top + bottom or 1)
    cost = BALANCE_COST * x * x + (0.001 * x)
    if 2 * top < bottom or 2 * bottom < top:
        cost += STUB_COST
    return cost


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
    most = rules.max_chars_per_line
    if rules.max_lines >= 3:
        for k in range(i + 1, j):
            top, bottom = _width(i, k), _width(k, j)
            if top > most:
                break
            if bottom > most:
                fewer = SubtitleRules(max_chars_per_line=most, max_lines=rules.max_lines - 1)
                rest, starts = best_lines(tokens, k, j, fewer, _width, _gap)
                if _gap(k) + rest + 0.5 < best[0]:
                    best = (_gap(k) + rest + 0.5, [i, *starts])
            elif LINE_COST + _gap(k) + balance_cost(top, bottom) < best[0]:
                best = (LINE_COST + _gap(k) + balance_cost(top, bottom), [i, k])
        return best
    # two lines: only the breaks that leave both lines short enough (widths from the prefix sums)
    prefix = _width.prefix
    left = prefix[i] + i + 1  # top line [i, k): prefix[k] + k - left
    right = prefix[j] + j - 1  # bottom line [k, j): right - prefix[k] - k
    k = i + 1
    while k < j and right - prefix[k] - k > most:
        k += 1
    found, where = math.inf, i
    while k < j:
        top = prefix[k] + k - left
        if top > most:
            break
        bottom = right - prefix[k] - k
        x = (top - bottom) / (top + bottom)  # balance_cost, inlined: this is the innermost loop
        cost = LINE_COST + _gap(k) + BALANCE_COST * x * x + 0.001 * x
        if 2 * top < bottom or 2 * bottom < top:
            cost += STUB_COST
        if cost < found:
            found, where = cost, k
        k += 1
    return (found, [i, where]) if where > i else best


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
    _gap = gaps or Gaps(tokens, pauses)
    spoken = [0.0]
    for ms in speech_ms[a:b]:
        spoken.append(spoken[-1] + ms)
    n = b - a
    # the pauses a cue would run through: strong ones cost, long ones are never inside a cue
    held = [0.0] * (n + 1)  # held[m]: cost of the strong pauses at the gaps before tokens a+1 .. a+m-1
    long_ = [0] * (n + 1)
    if pauses is not None:
        for m in range(1, n):
            pause = pauses[a + m - 1]
            held[m + 1] = held[m] + (PAUSE_INSIDE_COST if pause >= STRONG_PAUSE_MS else 0.0)
            long_[m + 1] = long_[m] + (pause >= LONG_PAUSE_MS)
    best = [math.inf] * (n + 1)
    back: list[tuple[int, list[int]]] = [(0, [])] * (n + 1)
    best[0] = 0.0
    max_len = rules.max_chars_per_line * rules.max_lines
    for j in range(1, n + 1):
        cue_end = _gap.cue(a + j) if j < n else 0.0
        for i in range(j - 1, -1, -1):
            width = _width(a + i, a + j)
            if width > max_len and j - i > 1:
                break
            if pauses is not None and long_[j] - long_[i + 1] > 0:
                break  # a long pause inside: this cue and every longer one
            if best[i] == math.inf:
                continue
            duration = spoken[j] - spoken[i] - (pauses[a + j - 1] if pauses is not None else 0.0)  # not the silence after it
            if duration > rules.max_duration_ms and j - i > 1:
                break
            line_cost, starts = best_lines(tokens, a + i, a + j, rules, _width, _gap)
            if line_cost == math.inf:
                continue
            cost = best[i] + CUE_COST + line_cost + cue_end
            if pauses is not None:
                cost += held[j] - held[i + 1]
            if width > FULL_CHARS:
                cost += FULL_COST * (width - FULL_CHARS) / max(1, max_len - FULL_CHARS)
            cost += LENGTH_COST * (width / max_len) ** 2
            if pauses is not None and width * 1000.0 > rules.max_cps * (duration - rules.gap_ms):
                cost += SPEED_COST  # the speech's own times leave it too little time to be read
            if (width < SCRAP_CHARS or duration < rules.min_duration_ms) and (i > 0 or j < n):
                cost += SCRAP_COST * (2 if j - i == 1 else 1)  # a scrap of a sentence alone on screen
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
    sentences = doc.sentences()
    classes: list[WordClass] = []
    for a, b in sentences:
        classes += sentence_classes(tokens, a, b)
    gaps = Gaps(tokens, pauses, classes)
    emphasis = emphasis_before(tokens)
    spans: list[Span] = []
    for a, b in sentences:
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
