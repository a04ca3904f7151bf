"""Timed text to a Document: the part the SRT, WebVTT, YouTube and "Show transcript" readers share.

A reader turns its input into :class:`Segment` s: a stretch of new text on screen (a cue, or what a
roll-up cue adds) with the time it was shown. This module then

1. reads each segment's visible text (:func:`cleanup.readers.cues.visible`): speaker changes
   (a ``<v Name>`` voice tag; a ``NAME:`` label or a ``[Name]`` at the start of a line; a ``>>``
   or a dialogue dash ``- `` at the start of a line, which start a turn of an unnamed speaker),
   sound tags (``[Music]``, ``[dog barking]``; in subtitle files also a whole line in parentheses,
   ``(deep rumbling)``), which become notes of kind ``sound``, and the words, split at white space;
2. repairs the segments' times (:func:`repair_times`), each repair a ``timing`` change;
3. gives every word and sound tag a time: an inline timestamp (YouTube's word times) is the
   item's own start; the first item starts with its segment; items between two such anchors share
   the time between them in proportion to their syllables; each item ends where the next starts,
   the last at its segment's end;
4. sets what followed each token: a space, a display-line break inside a cue (``LINE``), a cue end
   (``EOL``: the sentences stage decides from capitals and punctuation). Captions that roll up
   (YouTube's) wrap lines wherever the width runs out, so their line and cue ends are spaces; so
   are the cue ends of a text with no sentence punctuation at all (machine captions), where a
   capital ("I", a name) at a cue start is no evidence of a sentence end.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

from cleanup.model import EOL, LINE, SPACE, WORD_RE, Change, Document, Note, Span, Token, words_of
from cleanup.readers.cues import CueFile, Line, rolls_up, rollup_new_lines, visible
from cleanup.subtitles.timing import syllables

MIN_CUE_MS = 500
"""The shortest time a repaired cue is given."""
MS_PER_WORD = 400
"""Speaking time a word is given when the input does not say (about 150 words a minute)."""

# a speaker's label at the start of a line: all capitals ("MAN", "DR. SMITH", "MAN 2", "Q") or a
# capitalised name of one to three words ("Sarah", "Michael Young"), then a colon and white space
_CAPS_LABEL = r"[A-Z][A-Z0-9'\u2019.\- ]{0,30}[A-Z0-9.]|[A-Z]"
_NAME_LABEL = r"(?:(?:Dr|Mr|Mrs|Ms|Prof)\.\s)?[A-Z][a-z]+(?:[ '\-][A-Z][a-z]+){0,2}"
_LABEL_RE = re.compile(rf"[ \t]*(?P<name>{_CAPS_LABEL}|{_NAME_LABEL})[ \t]*:(?=\s|$)")
_BRACKET_LABEL_RE = re.compile(r"[ \t]*\[(?P<name>[A-Z][\w.'\u2019\-]*(?:[ \t][A-Z][\w.'\u2019\-]*){0,2})\][ \t]*:?(?=[ \t]*\S)")
_TURN_RE = re.compile(r"[ \t]*(?:>>+|[\-\u2013\u2014](?=[ \t]+\S))[ \t]*")
_RUN_RE = re.compile(r"\S+")
_BRACKET_RE = re.compile(r"\[[^\[\]]*\]")
_PAREN_LINE_RE = re.compile(r"^[ \t]*\([^()]*\)[ \t]*$", re.M)
_SENTENCE_PUNCT_RE = re.compile(r"[.?!\u2026][\"'\u201d\u2019)\]]*$")
# words that start a line with a colon without naming anyone ("Note: ...", "Remember: ...")
_NOT_NAMES = frozenset(
    "note notes nb warning caution remember example examples look listen well so now yes no okay ok and but "
    "then first second third finally also update edit tip tips step answer question reason result rule "
    "lesson summary conclusion hint hello hi hey oh wow why what how who when where quote chapter part "
    "title subject re fact truth problem solution source definition attention important bonus spoiler "
    "correction disclaimer ps p.s i time date location place".split()
)
# sound words: a bracket of these is a sound tag, not a speaker ("[Music]" vs "[Terrill]")
_SOUND_WORDS = frozenset(
    "music applause laughter laughs laugh laughing cheering cheers cheer silence inaudible crosstalk noise "
    "sighs sigh coughs cough gasps gasp static beep beeps beeping indistinct unintelligible foreign chuckles "
    "chuckle chuckling screaming screams scream crying cries clapping whistling thunder footsteps groans "
    "groan sound sounds singing sings humming hums whispering whispers shouting shouts background ambient "
    "instrumental upbeat dramatic soft sfx intro outro bell bells ringing rings phone door knocking "
    "knock breathing".split()
)


@dataclass
class Segment:
    """New text shown for a while: a cue, or what a roll-up cue adds to the screen."""

    cue: int
    """Index of the source cue."""
    start: int
    end: int
    lines: Sequence[Line]
    timing_span: Span
    """Where the segment's times are written (its timing line): where a repair points."""
    timing_text: str
    """The times as written (``00:00:01,000 --> 00:00:02,000``), a repair's ``before``."""


@dataclass
class Style:
    """How a reader's text is read."""

    fmt: str
    wrapped: bool = False
    """Line and cue ends are where the width ran out (roll-up captions): spaces, not line ends."""
    labels: bool = True
    """``NAME:`` and ``[Name]`` at a line's start name a speaker."""
    paren_sounds: bool = True
    """A whole line in parentheses is a sound tag (subtitles for the deaf and hard of hearing)."""
    word_times: bool = False
    """The first word of each segment has its own time (YouTube: a line's first word starts with its cue)."""
    format_time: Callable[[int], str] = str


@dataclass
class _Item:
    kind: str  # "tok", "note" (a sound tag) or "turn" (a label with no words after it in its segment)
    text: str
    src: tuple[Span, ...]
    line: int
    stamp: tuple[int, Span] | None
    weight: float
    turn: tuple[str | None, bool] | None = None
    """A speaker change before this token: (name or None for an unnamed speaker, explicit marker)."""
    start: int = 0
    end: int = 0
    own_time: bool = False


@dataclass
class _Scanned:
    seg: Segment
    items: list[_Item] = field(default_factory=list)
    words: list[Span] = field(default_factory=list)
    weight: float = 0.0
    start: int = 0
    end: int = 0


def _is_name(label: str) -> bool:
    return label.lower().rstrip(".") not in _NOT_NAMES and label.lower() not in _NOT_NAMES


def speaker_label(text: str) -> str | None:
    """The speaker a leading ``NAME:`` names (``INTERVIEWER:``, ``Michael Young:``), or None
    (``Note:`` names no one)."""
    m = _LABEL_RE.match(text)
    return m.group("name").strip() if m and _is_name(m.group("name")) else None


def _is_sound(inner: str) -> bool:
    words = [w.lower() for w in words_of(inner)]
    return not words or words[0] in _SOUND_WORDS or words[-1] in _SOUND_WORDS or inner == inner.lower() or words[0].endswith("ing")


def _scan(seg: Segment, style: Style, after_sentence: bool = True) -> _Scanned:
    """Items of a segment. ``after_sentence``: whether the text before it ended a sentence (a dash
    at a line's start is a new speaker's turn only there: ``community\n- faculty, staff`` is a dash)."""
    vis = visible(seg.lines)
    text = vis.text
    n = len(text)
    hidden: list[tuple[int, int]] = []  # labels and turn markers: neither words nor tokens
    turns: dict[int, tuple[str | None, bool]] = {at: (voice, False) for at, voice in vis.voices.items() if voice is not None}
    newlines = [k for k, ch in enumerate(text) if ch == "\n"]
    ended = after_sentence
    starts = [0] + [k + 1 for k in newlines]
    # two lines or more that start with a dash: a cue of two speakers, each line a turn
    dialogue = sum(1 for ls in starts if (m := _TURN_RE.match(text, ls)) and ">" not in m.group(0) and m.end() <= n) >= 2
    for ls in starts:
        le = text.find("\n", ls)
        le = n if le < 0 else le
        pos = ls
        m = _TURN_RE.match(text, pos, le)
        if m and (ended or dialogue or ">" in m.group(0)):
            hidden.append((pos, m.end()))
            turns[m.end()] = (None, True)
            pos = m.end()
        if text[ls:le].strip():
            ended = bool(_SENTENCE_PUNCT_RE.search(text[ls:le].rstrip()))
        if not style.labels:
            continue
        m = _LABEL_RE.match(text, pos, le)
        if not (m and _is_name(m.group("name"))):
            m = _BRACKET_LABEL_RE.match(text, pos, le)
            if m and _is_sound(m.group("name")):
                m = None
        if m:
            hidden.append((pos, m.end()))
            turns[m.end()] = (m.group("name").strip(), True)
    masked = list(text)
    for hs, he in hidden:
        masked[hs:he] = " " * (he - hs)
    sounds: list[tuple[int, int]] = []
    for m in _BRACKET_RE.finditer(text):
        if masked[m.start()] == "[" and any(ch.isalnum() for ch in m.group(0)):
            sounds.append((m.start(), m.end()))
    if style.paren_sounds:
        for m in _PAREN_LINE_RE.finditer(text):
            start = text.index("(", m.start())
            if masked[start] == "(":
                sounds.append((start, text.rindex(")", 0, m.end()) + 1))
    spans, literal = vis.spans, vis.literal
    out = _Scanned(seg)
    # the words a reader must account for: every word of the visible text but labels
    labels = "".join(masked)
    for m in WORD_RE.finditer(labels):
        out.words.append((spans[m.start()][0], spans[m.end() - 1][1]))
    for ss, se in sounds:
        masked[ss:se] = " " * (se - ss)
    plain_text = "".join(masked)

    # items in text order: (start, end, kind)
    found: list[tuple[int, int, str]] = [(ss, se, "note") for ss, se in sounds]
    for m in _RUN_RE.finditer(plain_text):
        a, b = m.span()
        if spans[b - 1][1] - spans[a][0] == b - a:
            found.append((a, b, "tok"))  # one stretch of source: the common case
            continue
        for x, y in _split_at_markup(text, spans, a, b):
            found.append((x, y, "tok"))
    found.sort()
    stamps = sorted(vis.stamps.items())
    turn_at = sorted(turns.items())
    si = ti = 0
    prev_end = 0
    pending: tuple[str | None, bool] | None = None
    for start, end, kind in found:
        stamp: tuple[int, Span] | None = None
        while si < len(stamps) and stamps[si][0] <= start:
            if stamps[si][0] >= prev_end:
                stamp = stamps[si][1]  # (a time inside the word before, karaoke-style, is left out)
            si += 1
        while ti < len(turn_at) and turn_at[ti][0] <= start:
            pending = turn_at[ti][1]
            ti += 1
        line = bisect_right(newlines, start)
        piece = text[start:end]
        if kind == "note":
            note_text = " ".join(piece.split())
            span = (spans[start][0], spans[end - 1][1])
            out.items.append(_Item("note", note_text, (span,), line, stamp, max(1.0, _weight(note_text))))
        else:
            out.items.append(_Item("tok", piece, _source(spans, literal, start, end), line, stamp, _weight(piece), pending))
            pending = None
        prev_end = end
    if ti < len(turn_at):
        pending = turn_at[-1][1]
    if pending is not None:
        # a label with nothing after it in this segment ("MAN:" alone on its cue) names the next words
        out.items.append(_Item("turn", "", (), len(newlines), None, 0.0, pending))
    out.weight = sum(item.weight for item in out.items)
    return out


def _split_at_markup(text: str, spans: list[Span], a: int, b: int) -> list[tuple[int, int]]:
    """A run of visible characters split where markup stood between two letters or digits
    (``wo<b>rd``): each part is then its own source, as the conservation check compares them."""
    out: list[tuple[int, int]] = []
    start = a
    for k in range(a + 1, b):
        if spans[k][0] != spans[k - 1][1] and text[k].isalnum() and text[k - 1].isalnum():
            out.append((start, k))
            start = k
    out.append((start, b))
    return out


def _source(spans: list[Span], literal: list[bool], a: int, b: int) -> tuple[Span, ...]:
    """The source spans of visible characters ``a:b``, joined where they touch; a character decoded
    from a reference (``&amp;``) has none (its source is not its text)."""
    if spans[b - 1][1] - spans[a][0] == b - a:
        return ((spans[a][0], spans[b - 1][1]),)
    src: list[Span] = []
    for j in range(a, b):
        if not literal[j]:
            continue
        s, e = spans[j]
        if src and src[-1][1] == s:
            src[-1] = (src[-1][0], e)
        else:
            src.append((s, e))
    return tuple(src)


def _weight(text: str) -> float:
    return sum(syllables(w) for w in words_of(text))


def _longest_run_in_order(values: Sequence[int]) -> set[int]:
    """Indices of a longest non-decreasing subsequence, the earliest cues preferred among equals:
    the cues whose times are kept as written when some run backwards (the fewest cues are moved).
    O(n log n): patience sorting, run from the end (a non-decreasing run read backwards is a
    non-increasing one, negated a non-decreasing one again)."""
    n = len(values)
    tails: list[int] = []
    tail_at: list[int] = []
    before = [-1] * n
    for i in range(n - 1, -1, -1):
        v = -values[i]
        j = bisect_right(tails, v)
        if j == len(tails):
            tails.append(v)
            tail_at.append(i)
        else:
            tails[j] = v
            tail_at[j] = i
        before[i] = tail_at[j - 1] if j else -1
    keep: set[int] = set()
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        keep.add(k)
        k = before[k]
    return keep


def repair_times(segs: list[_Scanned], format_time: Callable[[int], str]) -> list[Change]:
    """Make the segments' times usable, in order, each repair recorded:

    - a cue that ends before it starts (or when it starts) ends ``max(0.5 s, 0.4 s a word)`` later;
    - cues whose start runs backwards: a longest run of cues in time order keeps its times (the
      earliest cues preferred), and each other cue is moved into the gap between the end of the
      cue before it and the start of the next cue kept, as near its own time as the gap allows and
      no longer than it; when there is no gap it starts with the cue before it. The text order of
      the file is kept: a mistyped time is likelier than misplaced text;
    - a cue that overlaps the next one ends where the next starts; two that start together share
      their joint time in proportion to their syllables.
    """
    reasons: dict[int, list[str]] = defaultdict(list)
    before = [(s.start, s.end) for s in segs]
    for k, s in enumerate(segs):
        if s.end <= s.start:
            words = sum(1 for it in s.items if it.kind == "tok")
            s.end = s.start + max(MIN_CUE_MS, MS_PER_WORD * words)
            what = "ends before it starts" if before[k][1] < before[k][0] else "lasts no time"
            reasons[k].append(f"the cue {what}: it is given {(s.end - s.start) / 1000:g} s")
    keep = _longest_run_in_order([s.start for s in segs])
    if len(keep) < len(segs):
        next_kept: list[int | None] = [None] * len(segs)
        nxt: int | None = None
        for k in range(len(segs) - 1, -1, -1):
            next_kept[k] = nxt
            if k in keep:
                nxt = segs[k].start
        for k, s in enumerate(segs):
            if k in keep:
                continue
            length = s.end - s.start
            gap = segs[k - 1].end if k else 0  # the gap between the cue before and the next one kept
            hi = next_kept[k]
            if hi is None or hi - gap >= MIN_CUE_MS:
                length = length if hi is None else min(length, hi - gap)
                new = max(s.start, gap) if hi is None else min(max(s.start, gap), hi - length)
            else:  # no room: it starts with the one before, and the two share their time (below)
                lo = segs[k - 1].start if k else 0
                new = min(max(s.start, lo), hi)
            s.start, s.end = new, new + length
            reasons[k].append("its time runs backwards (before the cue before it): moved between its neighbours")
    for k in range(1, len(segs)):
        a, b = segs[k - 1], segs[k]
        if b.start >= a.end:
            continue
        if b.start > a.start:
            a.end = b.start
            reasons[k - 1].append("it overlaps the next cue: cut to end where the next starts")
        else:
            whole = max(a.end, b.end)
            share = a.weight / (a.weight + b.weight) if a.weight + b.weight else 0.5
            mid = a.start + round((whole - a.start) * share)
            a.end, b.start, b.end = mid, mid, whole
            reasons[k - 1].append("it starts with the next cue: the two share their time by syllables")
            reasons[k].append("it starts with the cue before it: the two share their time by syllables")
    changes = []
    for k, why in sorted(reasons.items()):
        s = segs[k]
        if (s.start, s.end) == before[k]:
            continue
        after = f"{format_time(s.start)} --> {format_time(s.end)}"
        changes.append(Change("timing", s.seg.timing_text, after, s.seg.timing_span, "; ".join(why), "reader"))
    return changes


def _time_items(scanned: _Scanned, style: Style, changes: list[Change]) -> None:
    """Each item's start and end inside its segment's (repaired) time."""
    items = [it for it in scanned.items if it.kind != "turn"]
    if not items:
        return
    ws, we = scanned.start, scanned.end
    anchors: list[tuple[int, int]] = []
    last = ws
    for k, it in enumerate(items):
        if it.stamp is not None:
            t, span = it.stamp
            fixed = min(max(t, last), we)
            if fixed != t:
                where = "before the word before it" if t < last else "after its cue's end"
                changes.append(
                    Change("timing", f"<{style.format_time(t)}>", f"<{style.format_time(fixed)}>", span, f"a word time {where}", "reader")
                )
            anchors.append((k, fixed))
            it.own_time = True
            last = fixed
        elif k == 0:
            anchors.append((0, ws))
            it.own_time = style.word_times
    anchors.append((len(items), we))
    for (a, ta), (b, tb) in pairwise(anchors):
        run = items[a:b]
        weights = [it.weight for it in run] if any(it.weight for it in run) else [1.0] * len(run)
        total, cum = sum(weights), 0.0
        for it, weight in zip(run, weights, strict=True):
            it.start = ta + round((tb - ta) * cum / total)
            cum += weight
            it.end = ta + round((tb - ta) * cum / total)


def build(
    source: str,
    segments: Sequence[Segment],
    style: Style,
    encoding: str,
    *,
    title: str | None = None,
    date: str | None = None,
    meta: dict[str, str] | None = None,
    extra_repairs: Sequence[Change] = (),
) -> Document:
    """The Document of a timed input, from its segments in file order."""
    scanned: list[_Scanned] = []
    after_sentence = True
    for seg in segments:
        scanned.append(_scan(seg, style, after_sentence))
        toks = [it for it in scanned[-1].items if it.kind == "tok"]
        if toks:
            after_sentence = bool(_SENTENCE_PUNCT_RE.search(toks[-1].text))
        elif scanned[-1].items:
            after_sentence = True
    speech = [s for s in scanned if s.items]
    for s in speech:
        s.start, s.end = s.seg.start, s.seg.end
    changes = list(extra_repairs) + repair_times(speech, style.format_time)
    for s in speech:
        _time_items(s, style, changes)

    tokens: list[Token] = []
    notes: list[Note] = []
    where: list[tuple[int, int]] = []  # (segment, line) of each token
    speaker: str | None = None
    pending: tuple[str | None, bool] | None = None
    names: dict[str, str] = {}  # one speaker whatever the case: <v Ann> and ANN: are Ann
    for n, s in enumerate(speech):
        for it in s.items:
            if it.turn is not None:
                pending = it.turn
            if it.kind == "note":
                notes.append(Note("sound", it.text, it.src[0], (it.start, it.end)))
                continue
            if it.kind != "tok":
                continue
            para = False
            if pending is not None:
                name, explicit = pending
                name = names.setdefault(name.casefold(), name) if name is not None else None
                para = (name is None and explicit) or name != speaker
                speaker, pending = name, None
            tokens.append(
                Token(
                    text=it.text,
                    src=it.src,
                    cue=s.seg.cue,
                    boundary=SPACE,
                    paragraph_start=para,
                    time=(it.start, it.end),
                    time_source="source-word" if it.own_time else "source-cue",
                    speaker=speaker,
                )
            )
            where.append((n, it.line))
    punctuated = len(tokens) < 20 or any(_SENTENCE_PUNCT_RE.search(t.text) for t in tokens)
    for k in range(len(tokens) - 1):
        (sa, la), (sb, lb) = where[k], where[k + 1]
        if sa != sb:
            boundary = EOL if punctuated and not style.wrapped else SPACE
        elif la != lb:
            boundary = SPACE if style.wrapped else LINE
        else:
            continue
        if boundary != SPACE:
            tokens[k] = _bound(tokens[k], boundary)
    if tokens:
        tokens[-1] = _bound(tokens[-1], EOL)
    words = sorted(w for s in scanned for w in s.words)
    return Document(
        source=source,
        tokens=tuple(tokens),
        input_words=tuple(words),
        notes=tuple(notes),
        title=title,
        date=date,
        fmt=style.fmt,
        encoding=encoding,
        meta=dict(meta or {}),
        repairs=tuple(sorted(changes, key=lambda c: c.span)),
    )


def _bound(tok: Token, boundary: str) -> Token:
    return replace(tok, boundary=boundary)


def read_cue_file(
    source: str, parsed: CueFile, encoding: str, fmt: str, format_time: Callable[[int], str], *, youtube: bool = False
) -> Document:
    """The Document of a parsed SRT or WebVTT file.

    Captions that roll up (YouTube's always; any other file when most cues start with the previous
    cue's last line) are read for what each cue adds (:func:`~cleanup.readers.cues.rollup_new_lines`):
    the repeats and the 10 ms transition cues add nothing. Elsewhere a cue with no text is an
    empty cue, left out and recorded as a repair."""
    rollup = youtube or rolls_up(parsed.cues)
    segments: list[Segment] = []
    repairs: list[Change] = []
    if rollup:
        for cue, new in rollup_new_lines(parsed.cues):
            if new:
                segments.append(Segment(cue.index, cue.start, cue.end, new, (cue.timing.start, cue.timing.end), cue.timing_text))
    else:
        for cue in parsed.cues:
            span = (cue.timing.start, cue.timing.end)
            if not visible(cue.lines).text.strip():
                repairs.append(Change("timing", cue.timing_text, "", span, "an empty cue (no text): left out", "reader"))
                continue
            segments.append(Segment(cue.index, cue.start, cue.end, cue.lines, span, cue.timing_text))
    style = Style(
        fmt,
        wrapped=rollup,
        labels=not youtube,
        paren_sounds=not youtube,
        word_times=youtube,
        format_time=format_time,
    )
    meta = dict(parsed.header)
    if rollup:
        meta["roll-up"] = "yes"
    return build(source, segments, style, encoding, title=parsed.title, meta=meta, extra_repairs=repairs)
