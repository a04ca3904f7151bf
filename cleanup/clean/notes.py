"""Editor's material out of the prose: production notes in square brackets and pronunciation
guides in parentheses. Both go into the report with their source position.

What stays: an elision or an editorial insertion inside a quotation (``"[...] America was"``,
``[sic]``), and parentheses that are text, such as a citation ``(Communist Manifesto, Preamble)``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from cleanup.clean.base import Context, StageResult, delete_token
from cleanup.clean.lexicon import Lexicon, get_lexicon
from cleanup.model import Change, Document, Flag, Note, Token

STAGE = "notes"
_ELISION = re.compile(r"^\s*(?:\.\s*){3}\s*$|^\s*\u2026\s*$|^\s*sic\s*$", re.I)
_GUIDE_PREFIX = re.compile(r"^(?:pronounced|pron\.|say|said|rhymes with)\s*:?\s+", re.I)
_CHUNK = re.compile(r"^[A-Za-z\u00c0-\u024f']{1,8}$")
_OPEN_DQ = '\u201c"'


def _in_quotation(tokens: list[Token], i: int) -> bool:
    """Whether token ``i`` stands inside a double-quoted passage that opened in its paragraph
    of the source (quotes are counted back to the last bare cue end before an opening one)."""
    depth = 0
    for tok in tokens[:i]:
        t = tok.text
        for k, ch in enumerate(t):
            if ch == "\u201c":
                depth += 1
            elif ch == "\u201d":
                depth = max(0, depth - 1)
            elif ch == '"':
                opening = k == 0 or (not t[k - 1].isalnum() and t[k - 1] not in ".,;:!?")
                if opening and k + 1 < len(t):
                    depth += 1
                else:
                    depth = max(0, depth - 1)
    lead = tokens[i].text
    if lead[:1] in _OPEN_DQ:
        depth += 1
    return depth > 0


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


def _find_close(tokens: list[Token], i: int, close: str, limit: int) -> int:
    for j in range(i, min(len(tokens), i + limit)):
        start = tokens[j].text.find("[") + 1 if j == i and close == "]" else 0
        if close in tokens[j].text[start:]:
            return j
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
    tokens = list(doc.tokens)
    found: list[Note] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        lead = tok.text[: len(tok.text) - len(tok.text.lstrip("\"'\u201c\u2018([*"))]
        if "[" in lead:
            j = _find_close(tokens, i, "]", 200)
            if j >= 0:
                span = _source_span(doc, tok, "[", "]")
                content = doc.source[span[0] + 1 : span[1] - 1] if span else ""
                if span and not _ELISION.match(content) and not (_in_quotation(tokens, i) and len(content.split()) <= 3):
                    found.append(Note("editorial", " ".join(doc.source[span[0] : span[1]].split()), span))
                    _remove(tokens, i, j, "[", "]")
                    continue
        elif lead.startswith("(") and i > 0:
            j = _find_close(tokens, i, ")", 6)
            if j >= 0:
                span = _source_span(doc, tok, "(", ")")
                content = doc.source[span[0] + 1 : span[1] - 1] if span else ""
                if span and is_pronunciation_guide(" ".join(content.split()), lex):
                    found.append(Note("pronunciation", " ".join(doc.source[span[0] : span[1]].split()), span))
                    _remove(tokens, i, j, "(", ")")
                    continue
        i += 1
    changes: list[Change] = []
    flags: list[Flag] = []
    return replace(doc, tokens=tuple(tokens), notes=doc.notes + tuple(found)), changes, flags


def _remove(tokens: list[Token], i: int, j: int, opener: str, closer: str) -> None:
    """Remove tokens i..j (the note), keeping any punctuation glued outside the brackets."""
    before = tokens[i].text[: tokens[i].text.find(opener)]
    after = tokens[j].text[tokens[j].text.rfind(closer) + 1 :]
    for _ in range(j - i + 1):
        delete_token(tokens, i)
    if after and i > 0:
        prev = tokens[i - 1]
        tokens[i - 1] = replace(prev, text=prev.text + after)
    if before and i < len(tokens):
        nxt = tokens[i]
        tokens[i] = replace(nxt, text=before + nxt.text)
