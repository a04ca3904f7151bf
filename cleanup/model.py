"""The document model: every word knows where it came from.

A :class:`Document` is an immutable sequence of :class:`Token` plus the notes that left the
text. Stages never edit a document in place: they build a new one with the helpers below and
return the :class:`Change` records that explain the difference. Sentence ends and paragraph
starts are flags on the tokens (not index sets), so that splitting or deleting a token keeps
them attached to the right word without any re-indexing.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import accumulate

Span = tuple[int, int]
"""A half-open character range ``[start, end)`` in the decoded input."""

# What followed a token in the source: a plain space; a display-line break inside a caption cue
# (NBSP + space); a cue end marked as running on (NBSP NBSP); a bare cue end (ends a sentence);
# a plain line end whose meaning the reader could not tell (the sentences stage decides).
SPACE, LINE, RUNON, BARE, EOL = "", "line", "runon", "bare", "eol"

WORD_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
"""A word, as the conservation check and the scorer count them: letters and digits, with inner apostrophes."""

_PARTS_RE = re.compile(r"^([\W_]*?)([^\W_](?:.*[^\W_])?)?([\W_]*)$", re.S)


def split_affixes(text: str) -> tuple[str, str, str]:
    """Split a token's text into leading punctuation, the word core and trailing punctuation.

    >>> split_affixes('"definition."')
    ('"', 'definition', '."')
    """
    m = _PARTS_RE.match(text)
    if m is None:  # pragma: no cover - the pattern matches every string
        return "", text, ""
    return m.group(1), m.group(2) or "", m.group(3)


NUMBERED_ITEM = re.compile(r"\d{1,3}[.)]")
"""A numbered list item's number ("1.", "2)"): it opens the item, it ends no sentence."""


def words_of(text: str) -> list[str]:
    """The words in a piece of text, apostrophes unified."""
    return [w.replace("\u2019", "'") for w in WORD_RE.findall(text)]


@dataclass(frozen=True, slots=True)
class Token:
    """One whitespace-delimited piece of the text, with its attached punctuation. (Slots: a long
    transcript holds a million of them, and a dict each would double their memory.)"""

    text: str
    src: tuple[Span, ...] = ()
    """Source spans this token came from; empty for text the cleanup inserted."""
    cue: int | None = None
    """Index of the source caption cue (or line) it came from."""
    boundary: str = SPACE
    """What followed it in the source: SPACE, LINE, RUNON, BARE or EOL."""
    sentence_end: bool = False
    paragraph_start: bool = False
    list_marker: str = ""
    """The bullet (``-``, ``*``, ``\u2022``) that opened the typed list item this token starts: the prose
    writes it before the item, subtitles never show it."""
    line_break: bool = False
    """A line of verse ends here: the prose breaks the line after it (subtitles break as they will)."""
    time: tuple[int, int] | None = None
    """Start and end in milliseconds, when the source or an aligner gave one."""
    time_source: str | None = None
    """Where ``time`` came from: ``source-word`` (the input timed this word, as YouTube's word tags
    do), ``source-cue`` (interpolated inside its input cue), ``audio`` (aligned to the narration)
    or ``estimated`` (from the speech rate)."""
    speaker: str | None = None
    """Who speaks it, when the input said (a ``<v Name>`` voice tag, a ``NAME:`` label)."""
    time_confidence: float | None = None
    """How sure ``time`` is (0-1), when its source says (the aligner's per-word confidence)."""

    @property
    def core(self) -> str:
        return split_affixes(self.text)[1]

    def with_core(self, core: str) -> Token:
        lead, _, trail = split_affixes(self.text)
        return replace(self, text=lead + core + trail)


@dataclass(frozen=True)
class Note:
    """Editor's material that left the prose: a production note or a pronunciation guide."""

    kind: str  # "editorial" | "pronunciation" | "sound" ([Music], [Applause] in captions)
    text: str
    span: Span
    time: tuple[int, int] | None = None
    """When it stood, when the input timed it (a sound tag in a caption file)."""


@dataclass(frozen=True)
class Change:
    """One explained edit. ``span`` is where in the input the changed text came from."""

    kind: str
    before: str
    after: str
    span: Span
    reason: str
    stage: str
    confidence: float = 1.0


@dataclass(frozen=True)
class Flag:
    """A doubt left in the text: nothing was changed, a person should look."""

    kind: str
    text: str
    suggestions: tuple[str, ...]
    span: Span
    reason: str
    stage: str
    confidence: float = 0.0


@dataclass(frozen=True)
class Document:
    source: str
    """The decoded input, the frame of every span."""
    tokens: tuple[Token, ...]
    input_words: tuple[Span, ...]
    """Every word of the input body: the conservation check accounts for each one."""
    notes: tuple[Note, ...] = ()
    title: str | None = None
    date: str | None = None
    fmt: str = "plain"
    encoding: str = "utf-8"
    encoding_confidence: float = 1.0
    """1.0 when the bytes said which encoding; lower when it was guessed."""
    encoding_reason: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    repairs: tuple[Change, ...] = ()
    """What a reader had to repair in the input's timing (times running backwards, overlapping or
    empty cues), each as a change of kind ``timing`` for the report."""

    # ----- views -------------------------------------------------------------------------
    def sentences(self) -> list[tuple[int, int]]:
        """Half-open token ranges of the sentences (a trailing unfinished one included)."""
        out: list[tuple[int, int]] = []
        start = 0
        for i, tok in enumerate(self.tokens):
            if tok.paragraph_start and i > start:
                out.append((start, i))
                start = i
            if tok.sentence_end:
                out.append((start, i + 1))
                start = i + 1
        if start < len(self.tokens):
            out.append((start, len(self.tokens)))
        return out

    def paragraphs(self) -> list[tuple[int, int]]:
        """Half-open token ranges of the paragraphs."""
        starts = [i for i, t in enumerate(self.tokens) if t.paragraph_start]
        if not starts or starts[0] != 0:
            starts.insert(0, 0)
        ends = [*starts[1:], len(self.tokens)]
        return [(s, e) for s, e in zip(starts, ends, strict=True) if e > s]

    def text_of(self, start: int, end: int) -> str:
        out: list[str] = []
        for k, t in enumerate(self.tokens[start:end]):
            if k:
                out.append("\n" if self.tokens[start + k - 1].line_break else " ")
            out.append(f"{t.list_marker} {t.text}" if t.list_marker else t.text)
        return "".join(out)

    def body_text(self) -> str:
        """The prose body: paragraphs separated by a blank line; the items of a list, and the line that
        leads into it with a colon, by a line break."""
        out: list[str] = []
        was_item = False
        for s, e in self.paragraphs():
            item = bool(self.tokens[s].list_marker) or bool(NUMBERED_ITEM.fullmatch(self.tokens[s].text))
            if out:
                out.append("\n" if item and (was_item or out[-1].endswith(":")) else "\n\n")
            out.append(self.text_of(s, e))
            was_item = item
        return "".join(out)

    def source_text(self, span: Span) -> str:
        return self.source[span[0] : span[1]]

    @cached_property
    def _newlines(self) -> list[int]:
        """Offsets of the source's line feeds, found once (the report asks for many positions)."""
        return [m.start() for m in re.finditer("\n", self.source)]

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a source offset, in O(log n): the line feeds before it."""
        newlines = self._newlines
        # the line feeds strictly before ``offset``, as ``source.count("\n", 0, offset)`` counts them
        # (a negative offset counts from the end, as slicing does)
        end = offset if offset >= 0 else max(0, len(self.source) + offset)
        before = bisect_left(newlines, end)
        line_start = newlines[before - 1] + 1 if before else 0
        return before + 1, offset - line_start + 1

    @cached_property
    def _src_start_max(self) -> list[int]:
        """For each token, the greatest first source offset of the tokens up to it (-1 before any
        token with a source): non-decreasing, so the first token at or after an offset is a bisection."""
        starts = (t.src[0][0] if t.src else -1 for t in self.tokens)
        return list(accumulate(starts, max, initial=-1))[1:]

    def first_token_from(self, offset: int) -> int:
        """Index of the first token whose source starts at or after ``offset`` (tokens without a
        source skipped), or ``len(tokens)`` when there is none. O(log n)."""
        return bisect_left(self._src_start_max, max(offset, 0))

    def with_tokens(self, tokens: Sequence[Token]) -> Document:
        return replace(self, tokens=tuple(tokens))


def token_span(tok: Token) -> Span:
    """The overall source span of a token, or (0, 0) when it has none."""
    if not tok.src:
        return (0, 0)
    return (min(s for s, _ in tok.src), max(e for _, e in tok.src))


def merge_spans(tokens: Sequence[Token]) -> Span:
    spans = [token_span(t) for t in tokens if t.src]
    if not spans:
        return (0, 0)
    return (min(s for s, _ in spans), max(e for _, e in spans))


def core_span(tok: Token) -> Span:
    """The source span of the word core of a token, when its source is a single span."""
    if len(tok.src) != 1:
        return token_span(tok)
    s, e = tok.src[0]
    lead, core, _ = split_affixes(tok.text)
    return (s + len(lead), min(e, s + len(lead) + len(core)))
