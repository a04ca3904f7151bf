"""Editor's material out of the prose: production notes in square brackets and pronunciation
guides in parentheses. Both go into the report with their source position.

What stays: an elision or an editorial insertion inside a quotation (``"[...] America was"``,
``[sic]``), and parentheses that are text, such as a citation ``(Communist Manifesto, Preamble)``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from cleanup.clean.base import Context, StageResult, took_paragraph_start
from cleanup.clean.lexicon import Lexicon, get_lexicon
from cleanup.model import Change, Document, Flag, Note, Token

STAGE = "notes"
_ELISION = re.compile(r"^\s*(?:\.\s*){3}\s*$|^\s*\u2026\s*$|^\s*sic\s*$", re.I)
_GUIDE_PREFIX = re.compile(r"^(?:pronounced|pron\.|say|said|rhymes with)\s*:?\s+", re.I)
_CHUNK = re.compile(r"^[A-Za-z\u00c0-\u024f']{1,8}$")
_OPEN_DQ = '\u201c"'


def _quote_depth(text: str, depth: int) -> int:
    """The double-quote depth after a token's text, from the depth before it."""
    for k, ch in enumerate(text):
        if ch == "\u201c":
            depth += 1
        elif ch == "\u201d":
            depth = max(0, depth - 1)
        elif ch == '"':
            opening = k == 0 or (not text[k - 1].isalnum() and text[k - 1] not in ".,;:!?")
            if opening and k + 1 < len(text):
                depth += 1
            else:
                depth = max(0, depth - 1)
    return depth


class _QuoteDepth:
    """The double-quote depth before the next token to read, kept up to date as the stage moves
    through the tokens: every token read is counted once, and only the last one can still change
    (a removed note leaves its trailing punctuation on it), so it is counted again when asked."""

    def __init__(self) -> None:
        self.counted = 0
        self.depth = 0

    def before_next(self, done: list[Token]) -> int:
        """The depth after all of ``done``, the tokens before the next one."""
        while self.counted < len(done) - 1:
            self.depth = _quote_depth(done[self.counted].text, self.depth)
            self.counted += 1
        return _quote_depth(done[-1].text, self.depth) if done else 0


def _in_quotation(depth_before: int, tok: Token) -> bool:
    """Whether a token stands inside a double-quoted passage, from the quote depth of the tokens
    before it (quotes are counted from the start of the text)."""
    return depth_before + (1 if tok.text[:1] in _OPEN_DQ else 0) > 0


def is_pronunciation_guide(content: str, lex: Lexicon) -> bool:
    """A narrator's pronunciation guide such as ``foo-yeh`` or ``TSVIK-ee``."""
    body = _GUIDE_PREFIX.sub("", content.strip())
    prefixed = body != content.strip()
    if not body or any(ch.isdigit() for ch in body) or "," in body:
        return False
    chunks = [c for c in re.split(r"[\s\-\u2010]+", body) if c]
    if not 1 <= len(chunks) <= 6 or not all(_CHUNK.match(c) for c in chunks):
        return False
    if not prefixed and "-" not in body and "\u2010" not in body:
        return False
    stressed = any(len(c) >= 2 and c.isupper() for c in chunks)
    unknown = sum(1 for c in chunks if not lex.is_word(c.lower()))
    return prefixed or stressed or unknown * 2 >= len(chunks)


def _find_close(ahead: list[Token], close: str, limit: int) -> int:
    """How many tokens after the next one (``ahead[-1]``) the first holding ``close`` stands, or -1.
    ``ahead`` holds the tokens still to read, last first."""
    for k in range(min(len(ahead), limit)):
        text = ahead[-1 - k].text
        start = text.find("[") + 1 if k == 0 and close == "]" else 0
        if close in text[start:]:
            return k
    return -1


def _source_span(doc: Document, first: Token, opener: str, closer: str) -> tuple[int, int] | None:
    if not first.src:
        return None
    start = doc.source.find(opener, first.src[0][0])
    if start < 0:
        return None
    end = doc.source.find(closer, start)
    if end < 0:
        return None
    return start, end + 1


def notes(doc: Document, ctx: Context) -> StageResult:
    lex = get_lexicon()
    # The tokens read so far, and those still to read, last first: removing a note at the reading
    # point is a few pops, never a shift of the whole list.
    done: list[Token] = []
    ahead = list(reversed(doc.tokens))
    quotes = _QuoteDepth()
    found: list[Note] = []
    while ahead:
        tok = ahead[-1]
        lead = tok.text[: len(tok.text) - len(tok.text.lstrip("\"'\u201c\u2018([*"))]
        if "[" in lead:
            j = _find_close(ahead, "]", 200)
            if j >= 0:
                span = _source_span(doc, tok, "[", "]")
                content = doc.source[span[0] + 1 : span[1] - 1] if span else ""
                if (
                    span
                    and not _ELISION.match(content)
                    and not (len(content.split()) <= 3 and _in_quotation(quotes.before_next(done), tok))
                    and _only_punctuation_after(ahead, j, "[", "]")
                ):
                    found.append(Note("editorial", " ".join(doc.source[span[0] : span[1]].split()), span))
                    _remove(done, ahead, j, "[", "]")
                    continue
        elif lead.startswith("(") and done:
            j = _find_close(ahead, ")", 6)
            if j >= 0:
                span = _source_span(doc, tok, "(", ")")
                content = doc.source[span[0] + 1 : span[1] - 1] if span else ""
                if span and is_pronunciation_guide(" ".join(content.split()), lex) and _only_punctuation_after(ahead, j, "(", ")"):
                    found.append(Note("pronunciation", " ".join(doc.source[span[0] : span[1]].split()), span))
                    _remove(done, ahead, j, "(", ")")
                    continue
        done.append(ahead.pop())
    changes: list[Change] = []
    flags: list[Flag] = []
    return replace(doc, tokens=tuple(done), notes=doc.notes + tuple(found)), changes, flags


def _after_close(ahead: list[Token], j: int, opener: str, closer: str) -> str:
    """What follows the note's closing bracket in the token that holds it (``,`` in ``[laughs],``)."""
    last = ahead[-1 - j].text
    start = last.find(opener) + 1 if j == 0 else 0
    return last[last.find(closer, start) + 1 :]


def _only_punctuation_after(ahead: list[Token], j: int, opener: str, closer: str) -> bool:
    """Whether the note's token holds nothing but punctuation after it: ``[a-z][0-9]`` is one
    piece of text (a pattern), not a note with words glued on."""
    return not any(ch.isalnum() for ch in _after_close(ahead, j, opener, closer))


def _remove(done: list[Token], ahead: list[Token], j: int, opener: str, closer: str) -> None:
    """Remove the next token and the ``j`` after it (the note), keeping any punctuation glued
    outside the brackets. As :func:`delete_token` does, each removed token's sentence end and cue
    boundary move to the token before it, its paragraph start to the token after it."""
    before = ahead[-1].text[: ahead[-1].text.find(opener)]
    after = _after_close(ahead, j, opener, closer)
    for _ in range(j + 1):
        gone = ahead.pop()
        if done and (gone.sentence_end or gone.boundary):
            prev = done[-1]
            done[-1] = replace(prev, sentence_end=prev.sentence_end or gone.sentence_end, boundary=gone.boundary or prev.boundary)
        if gone.paragraph_start and ahead:
            ahead[-1] = took_paragraph_start(ahead[-1], gone)
    if after and done:
        prev = done[-1]
        done[-1] = replace(prev, text=prev.text + after)
    if before and ahead:
        nxt = ahead[-1]
        ahead[-1] = replace(nxt, text=before + nxt.text)
