"""Caption-paste transcripts (the seed's format) and the same text as plain lines or prose.

Caption paste: a title line, a blank line, a date line, then one caption cue a line. Inside a
cue the display lines are joined by NBSP + space; a cue ending in NBSP NBSP runs on into the
next line's sentence; a cue ending bare ends a sentence. Plain lines carry no such markers, so
their line ends are left for the sentences stage to read (``EOL``); a line followed by a blank
line ends a paragraph, as in this tool's own prose output, which therefore reads back in.
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace

from cleanup.model import BARE, EOL, LINE, RUNON, SPACE, WORD_RE, Document, Span, Token

NBSP = "\u00a0"
_LINE_RE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
DATE_RE = re.compile(
    r"^\s*(?:"
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"
    rf"|(?:\w+,?\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s+\d{{4}}"
    rf"|(?:\w+,?\s+)?{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r")\s*$",
    re.I,
)


def _lines(text: str) -> list[tuple[str, int]]:
    """Lines with the offset where each starts (line ends not included)."""
    out = []
    for m in _LINE_RE.finditer(text):
        if m.start() == len(text) and not m.group(0):
            break
        out.append((m.group(1), m.start()))
    return out


def is_caption_paste(text: str) -> bool:
    return NBSP + " " in text or NBSP + NBSP in text


def read_transcript(text: str, encoding: str = "utf-8", caption: bool | None = None) -> Document:
    """A caption paste or plain text; ``caption`` says which (``--from``), else its NBSPs tell."""
    lines = _lines(text)
    title = date = None
    body_from = 0
    nonblank = [ln.strip() for ln, _ in lines[:4]]

    def at(i: int) -> str:
        return nonblank[i] if i < len(nonblank) else ""

    if at(0) and not at(1) and DATE_RE.match(at(2)):
        title, date, body_from = at(0), at(2), 3
    elif at(0) and DATE_RE.match(at(1)) and not at(2):
        title, date, body_from = at(0), at(1), 3
    elif DATE_RE.match(at(0)) and not at(1):
        date, body_from = at(0), 2
    elif at(0) and not at(1) and len(at(0)) <= 120 and not re.search(r"[.?!,;:]$", at(0)) and len(lines) > 2:
        title, body_from = at(0), 2

    if caption is None:
        caption = is_caption_paste(text)
    tokens: list[Token] = []
    words: list[Span] = []
    cue = -1
    spans: dict[Span, Span] = {}
    new_paragraph = False
    for idx in range(body_from, len(lines)):
        line, offset = lines[idx]
        if not line.strip(" \t" + NBSP):
            # a blank line ends the paragraph before it (the writer's paragraph: the paragraphs
            # stage keeps it)
            if tokens and tokens[-1].boundary in (EOL, RUNON, SPACE):
                tokens[-1] = _with_boundary(tokens[-1], BARE)
            new_paragraph = bool(tokens)
            continue
        cue += 1
        stripped = line.rstrip(" \t")
        if stripped.endswith(NBSP + NBSP) or stripped.endswith(NBSP):
            end_mark = RUNON
        elif caption:
            end_mark = BARE
        else:
            end_mark = EOL
        pieces = list(re.finditer(r"\S+", line))
        for k, m in enumerate(pieces):
            start, end = offset + m.start(), offset + m.end()
            if k + 1 < len(pieces):
                gap = line[m.end() : pieces[k + 1].start()]
                boundary = LINE if NBSP in gap else SPACE
            else:
                boundary = end_mark
            span = (start, end)
            spans[span] = span
            # (one "the" string for all the tokens: sys.intern)
            tokens.append(Token(text=sys.intern(m.group(0)), src=(span,), cue=cue, boundary=boundary, paragraph_start=new_paragraph))
            new_paragraph = False
        # a word that is a whole token shares its span (one object, not two: a long transcript has
        # a million words)
        for m in WORD_RE.finditer(line):
            span = (offset + m.start(), offset + m.end())
            words.append(spans.get(span, span))
        spans.clear()
    if tokens and tokens[-1].boundary != BARE:
        tokens[-1] = _with_boundary(tokens[-1], BARE)
    return Document(
        source=text,
        tokens=tuple(tokens),
        input_words=tuple(words),
        title=title,
        date=date,
        fmt="caption-paste" if caption else "plain",
        encoding=encoding,
    )


def _with_boundary(tok: Token, boundary: str) -> Token:
    return replace(tok, boundary=boundary)
