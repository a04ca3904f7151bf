"""SRT and WebVTT files as cues with exact source positions: the one parser that the timed
readers and ``cleanup check`` share.

Written by hand rather than with pysrt or webvtt-py: every word must keep its character span
in the decoded input (the report's positions and the conservation check depend on it), and
neither library gives positions; pysrt also refuses real files this parser has to read (a cue
without milliseconds, ``00:01:39``; a two-digit fraction, ``,04``; a blank line inside a cue),
and webvtt-py drops a cue timed without milliseconds.

What is accepted, in both formats: a BOM (removed by the decoder), CRLF, LF and bare-CR line
ends (positions stay exact: the text is never normalised), a missing final blank line, cue
numbers with gaps or none at all, ``,`` or ``.`` before a fraction of one to three digits (or
none), hours missing (``01:39.000``), cue settings or SubRip coordinates after the end time,
a text line with no timing line before it (taken as more text of the cue before: a blank line
inside a cue), and a timing line with no blank line before it (malformed youtube-dl files).
WebVTT: the header lines after ``WEBVTT`` (``Kind:``, ``Language:``, youtube-dl's ``Style:``
block), ``NOTE``, ``STYLE`` and ``REGION`` blocks, legacy ``Region:`` lines, cue identifiers.

A line that is meant as a timing line (it has ``-->`` and starts with a digit, or stands where a
timing line must) but does not parse is an error naming its line number.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from cleanup.errors import CleanupError

_LINE_RE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")
_TS_RE = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d+))?")
_VTT_HEAD_RE = re.compile(r"^\ufeff?WEBVTT(?=$|[ \t])(.*)$")
_TIMING_SHAPE_RE = re.compile(r"\d+:\d.*[-\u2013\u2014=]>")
_FIRST_LINE_RE = re.compile(r"[^\r\n]*")
_VTT_BLOCK_RE = re.compile(r"^(?:NOTE|STYLE|REGION)(?:$|[ \t])")
_HEADER_FIELD_RE = re.compile(r"^([A-Za-z][\w-]*)[ \t]*:[ \t]*(\S.*?)\s*$")

# markup inside cue text: inline timestamps, tags (voice, class, styling, font), ASS overrides
# that SRT files borrow ({\an8}), and character references
_MARKUP_RE = re.compile(
    r"<(?P<stamp>\d[\d:.,]*)>"
    r"|<(?P<close>/)?(?P<tag>[A-Za-z][A-Za-z0-9]*)(?P<rest>[^<>]*)>"
    r"|(?P<ass>\{\\[^{}\r\n]*\})"
    r"|(?P<entity>&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)"
)
_STAMP_TAG_RE = re.compile(r"<\d[\d:.,]*>")
_INVISIBLE = {"\u200e", "\u200f", "\u200b", "\ufeff"}


@dataclass(frozen=True)
class Line:
    """One line of the source, without its line end."""

    text: str
    start: int
    """Offset of its first character in the decoded text."""
    number: int
    """1-based line number (CRLF, LF and a bare CR each end a line)."""

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class RawCue:
    """A cue as written: its times as they stand (not repaired) and its text lines."""

    index: int
    """0-based position among the file's cues."""
    ident: str | None
    start: int
    end: int
    timing: Line
    """The timing line (its span is where a repair of these times points)."""
    timing_text: str
    """``start --> end`` as written, without the settings."""
    settings: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class CueFile:
    fmt: str
    """``srt`` or ``webvtt``."""
    cues: tuple[RawCue, ...]
    header: dict[str, str] = field(default_factory=dict)
    """WebVTT header fields (``kind``, ``language``, ...), keys lower-case."""
    title: str | None = None
    """The text after ``WEBVTT`` on the first line (``WEBVTT - Title``)."""


def split_lines(text: str) -> list[Line]:
    """Every line of the text with where it starts; CRLF, LF and a bare CR all end a line."""
    out: list[Line] = []
    for number, m in enumerate(_LINE_RE.finditer(text), start=1):
        if m.start() == len(text) and not m.group(0):
            break
        out.append(Line(m.group(1), m.start(), number))
    return out


def parse_timestamp(text: str) -> int | None:
    """Milliseconds from ``[H:]MM:SS[,.]fff`` (the fraction of one or more digits, or none), or None."""
    m = _TS_RE.fullmatch(text.strip())
    if m is None:
        return None
    hours, minutes, seconds, frac = m.groups()
    if int(seconds) >= 60 or (hours is not None and int(minutes) >= 60):
        return None
    ms = round(int(frac) * 1000 / 10 ** len(frac)) if frac else 0
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + ms


def looks_like_timing(text: str) -> bool:
    """A line meant as a timing line: ``-->`` after something that starts with a digit."""
    return "-->" in text and text.lstrip()[:1].isdigit()


def parse_timing(line: Line, path: str) -> tuple[int, int, str, str]:
    """(start, end, the times as written, the settings) of a timing line, or a one-line error."""
    left, _, right = line.text.partition("-->")
    fields = right.split(None, 1)
    end_text = fields[0] if fields else ""
    settings = fields[1].strip() if len(fields) > 1 else ""
    start = parse_timestamp(left)
    if start is None:
        raise CleanupError(path, f"line {line.number}: not a timestamp: {left.strip()[:40]!r}")
    end = parse_timestamp(end_text)
    if end is None:
        raise CleanupError(path, f"line {line.number}: not a timestamp: {end_text[:40]!r}")
    return start, end, f"{left.strip()} --> {end_text}", settings


def is_webvtt(text: str) -> bool:
    """Whether the text starts as WebVTT does: ``WEBVTT`` alone or followed by a space or tab."""
    first = _FIRST_LINE_RE.match(text.lstrip("\ufeff"))
    return first is not None and _VTT_HEAD_RE.match(first.group(0)) is not None


def is_srt(text: str) -> bool:
    """Whether the text starts as SRT does: its first non-blank line a timing line, or a cue number
    with a timing line after it. Judged by shape, not by whether the times parse: a file with a
    broken timestamp is SRT, and its reader says which line is wrong."""
    lines = [ln for ln in (m.group(1).strip() for m in _LINE_RE.finditer(text[:2000].lstrip("\ufeff"))) if ln][:2]
    if not lines:
        return False
    if looks_like_timing(lines[0]):
        return True
    return lines[0].isdigit() and len(lines) > 1 and _TIMING_SHAPE_RE.match(lines[1]) is not None


def parse_cues(text: str, path: str, fmt: str) -> CueFile:
    """The cues of an SRT (``fmt="srt"``) or WebVTT (``fmt="webvtt"``) text, in file order.

    Errors (one line each): a WebVTT text that does not start with ``WEBVTT``; text before the
    first cue of an SRT text; a timing line that does not parse; no cue at all."""
    lines = split_lines(text)
    n = len(lines)
    header: dict[str, str] = {}
    title: str | None = None
    i = 0
    if fmt == "webvtt":
        first = lines[0].text.lstrip("\ufeff") if lines else ""
        m = _VTT_HEAD_RE.match(first)
        if m is None:
            raise CleanupError(path, "not WebVTT: the first line is not 'WEBVTT'")
        title = re.sub(r"^[\s\-\u2013\u2014:]+", "", m.group(1)).strip() or None
        i = 1
        while i < n and lines[i].text.strip() and not looks_like_timing(lines[i].text):
            hm = _HEADER_FIELD_RE.match(lines[i].text)
            if hm:
                header.setdefault(hm.group(1).lower(), hm.group(2))
            i += 1
    cues: list[RawCue] = []
    current: list[Line] | None = None
    ident: str | None = None
    block_start = True
    skipping = False  # inside a WebVTT NOTE, STYLE or REGION block

    def close() -> None:
        if current is not None and cues:
            cues[-1] = _with_lines(cues[-1], current)

    while i < n:
        line = lines[i]
        s = line.text
        if not s.strip():
            block_start, skipping = True, False
            i += 1
            continue
        if looks_like_timing(s) or (block_start and "-->" in s and not (fmt == "webvtt" and _VTT_BLOCK_RE.match(s))):
            close()
            start, end, timing_text, settings = parse_timing(line, path)
            cues.append(RawCue(len(cues), ident, start, end, line, timing_text, settings, ()))
            current, ident, block_start, skipping = [], None, False, False
            i += 1
            continue
        if fmt == "webvtt" and block_start and not skipping and _VTT_BLOCK_RE.match(s):
            skipping, block_start = True, False
            i += 1
            continue
        nxt = lines[i + 1].text if i + 1 < n else ""
        if not skipping and (block_start or s.strip().isdigit()) and "-->" in nxt:
            ident = s.strip()  # a cue number or WebVTT cue identifier: not text
            block_start = True  # what follows must be this cue's timing line
            i += 1
            continue
        if fmt == "srt" and block_start and s.strip().isdigit() and nxt.lstrip()[:1].isdigit() and ":" in nxt:
            # a cue number, then something that wants to be a timing line but has no arrow
            raise CleanupError(path, f"line {line.number + 1}: not a timestamp: {nxt.strip()[:40]!r}")
        if skipping:
            i += 1
            continue
        if current is None:
            if fmt == "srt":
                raise CleanupError(path, f"line {line.number}: not SRT: text before the first cue: {s.strip()[:40]!r}")
            i += 1  # WebVTT: a legacy 'Region:' line or other header matter before the first cue
            continue
        current.append(line)
        block_start = False
        i += 1
    close()
    if not cues:
        what = "SRT" if fmt == "srt" else "WebVTT"
        raise CleanupError(path, f"no {what} cues in it (no 'start --> end' timing line)")
    return CueFile(fmt, tuple(cues), header, title)


def _with_lines(cue: RawCue, lines: list[Line]) -> RawCue:
    return RawCue(cue.index, cue.ident, cue.start, cue.end, cue.timing, cue.timing_text, cue.settings, tuple(lines))


# ----- cue text: what a viewer sees, with where each character came from ----------------------


@dataclass
class Visible:
    """The visible text of some cue lines, one entry per character.

    ``chars[k]`` came from ``source[spans[k][0]:spans[k][1]]``; a line break between two lines is
    ``"\\n"`` with the span ``(-1, -1)``. ``literal[k]`` is False for a character decoded from a
    reference (``&amp;``): its span is the whole reference. ``stamps`` maps a character index to the
    inline timestamp (ms) written just before it; ``voices`` maps an index to the voice (``<v
    Name>``) that starts there, or None where a ``</v>`` ends one.
    """

    chars: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    literal: list[bool] = field(default_factory=list)
    stamps: dict[int, tuple[int, tuple[int, int]]] = field(default_factory=dict)
    voices: dict[int, str | None] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "".join(self.chars)

    def add(self, ch: str, span: tuple[int, int], literal: bool = True) -> None:
        self.chars.append(ch)
        self.spans.append(span)
        self.literal.append(literal)


def voice_name(rest: str) -> str:
    """The name in a voice tag's remainder: ``<v.loud Mary Smith>`` -> ``Mary Smith``."""
    parts = rest.split(None, 1)
    if rest[:1] in (" ", "\t"):
        return rest.strip()
    return parts[1].strip() if len(parts) > 1 else ""


def _decode_entity(ref: str) -> str | None:
    """The character a reference stands for, or None to keep it as written: one that decodes to a
    letter, digit or apostrophe would join words whose source does not (the conservation check
    compares a token's words with its source's)."""
    ch = html.unescape(ref)
    if ch == ref or len(ch) != 1:
        return None
    if ch.isalnum() or ch in "'\u2019":
        return None
    return ch


def visible(lines: list[Line] | tuple[Line, ...] | Sequence[Line]) -> Visible:
    """The visible text of cue lines: tags, inline timestamps and ASS overrides removed (their
    information kept in ``stamps`` and ``voices``), references decoded."""
    out = Visible()
    chars, spans, literal = out.chars, out.spans, out.literal

    def copy(text: str, base: int, a: int, b: int) -> None:
        if a < b:
            chars.extend(text[a:b])
            spans.extend((j, j + 1) for j in range(base + a, base + b))
            literal.extend([True] * (b - a))

    for k, line in enumerate(lines):
        if k:
            out.add("\n", (-1, -1))
        text, base, pos = line.text, line.start, 0
        for m in _MARKUP_RE.finditer(text):
            copy(text, base, pos, m.start())
            pos = m.end()
            span = (base + m.start(), base + m.end())
            if m.group("stamp") is not None:
                ms = parse_timestamp(m.group("stamp"))
                if ms is not None:
                    out.stamps[len(chars)] = (ms, span)
            elif m.group("tag") is not None:
                if m.group("tag") == "v" and (m.group("rest")[:1] in ("", " ", "\t", ".")):
                    out.voices[len(chars)] = None if m.group("close") else (voice_name(m.group("rest")) or None)
            elif m.group("entity") is not None:
                ch = _decode_entity(m.group("entity"))
                if ch is None:
                    copy(text, base, m.start(), m.end())
                elif ch not in _INVISIBLE:
                    out.add(ch, span, literal=False)
        copy(text, base, pos, len(text))
    return out


def shown_text(line: str) -> str:
    """A cue line as ``cleanup check`` measures it: voice tags and ASS overrides removed,
    references decoded, styling tags kept (the rules' ``visible`` drops them when counting)."""

    def sub(m: re.Match[str]) -> str:
        if m.group("tag") == "v" and (m.group("rest")[:1] in ("", " ", "\t", ".")):
            return ""
        if m.group("ass") is not None:
            return ""
        if m.group("entity") is not None:
            ch = html.unescape(m.group("entity"))
            return "" if ch in _INVISIBLE else ch
        return m.group(0)

    return _MARKUP_RE.sub(sub, line).rstrip()


def _plain_markup(m: re.Match[str]) -> str:
    if m.group("entity") is not None:
        ch = _decode_entity(m.group("entity"))
        return m.group(0) if ch is None else ("" if ch in _INVISIBLE else ch)
    return ""


def plain(line: Line) -> str:
    """A line's visible text with white space folded: how roll-up repeats are recognised."""
    return " ".join(_MARKUP_RE.sub(_plain_markup, line.text).split())


def has_stamp(line: Line) -> bool:
    return _STAMP_TAG_RE.search(line.text) is not None


def rollup_new_lines(cues: tuple[RawCue, ...] | list[RawCue]) -> Iterator[tuple[RawCue, list[Line]]]:
    """Each cue with the lines it adds to the screen, for captions that roll up (each cue shows the
    line before it again, then a new one). A cue's first lines that repeat the previous cue's last
    lines (compared as visible text) are the roll-up; a line with inline word times is always new
    (repeats never carry them). Blank lines are left out."""
    prev: list[str] = []
    for cue in cues:
        lines = [ln for ln in cue.lines if plain(ln)]
        texts = [plain(ln) for ln in lines]
        timed = [has_stamp(ln) for ln in lines]
        carried = 0
        for k in range(min(len(prev), len(texts)), 0, -1):
            if texts[:k] == prev[-k:] and not any(timed[:k]):
                carried = k
                break
        yield cue, lines[carried:]
        prev = texts


def rolls_up(cues: tuple[RawCue, ...]) -> bool:
    """Whether a caption file rolls up: most cues (at least half of those after a cue with text)
    start with the previous cue's last line. Ordinary subtitles repeat a line now and then ("Oh!"
    after "Oh!"), never as the rule."""
    eligible = repeated = 0
    prev: list[str] = []
    for cue in cues:
        texts = [t for t in (plain(ln) for ln in cue.lines) if t]
        if prev and texts:
            eligible += 1
            repeated += texts[0] == prev[-1]
        prev = texts
    return eligible >= 4 and repeated * 2 >= eligible
