"""Spacing and typography: dashes between clauses, stray spaces before punctuation, quotes.

NBSPs, double spaces and caption-line breaks never reach the prose: the reader splits on any
white space and the writers join tokens with one space. What is left for this stage is the
typography that the reader keeps: ``--`` and a spaced hyphen become an em dash, punctuation
that stood apart after a space is attached to its word, and quotes take one style, the style
most of the document already uses (so the fewest marks change).
"""

from __future__ import annotations

import re
from dataclasses import replace

from cleanup.clean.base import Context, StageResult, change_for, first_alpha_index, merged, split_token
from cleanup.clean.lexicon import get_lexicon
from cleanup.clean.sentences import ABBREVIATIONS
from cleanup.model import BARE, EOL, NUMBERED_ITEM, Change, Document, Flag, Token

STAGE = "spacing"
EM_DASH = "\u2014"
_DASH_TOKENS = {"-", "--", "---", "\u2013", "\u2013\u2013", "\u2014"}
_INNER_DOUBLE_HYPHEN = re.compile(r"^(.*[^\W_][^\w\-/=|]*)(-{2,})([^\w\-]*[^\W_].*)$")
"""``life--including``; not a command's long option after a slash, an equals sign or a bar (``-r/--root-command``)."""
# "in.Then": a lower-case word, a sentence's full stop (? !), a capitalised word, no space between.
# Letters only on both sides, so that "3.14", "v2.Final", "Node.js", "e.g.", "U.S.", "Ph.D." and
# "www.Example.com" never match.
_RUN_ON_SENTENCE = re.compile(
    r"^([\"'\u201c\u2018(\[]*([a-z]{2,}(?:['\u2019][a-z]+)?)[.?!])"
    r"(([A-Z][a-z]+)(?:['\u2019][a-z]+)?[.,;:!?\"'\u201d\u2019)\]]*)$"
)
# The right part of a domain or a file name, never a sentence's first word.
_NOT_A_SENTENCE_START = frozenset(
    """com org net edu gov mil int info biz io co uk us ca au de fr eu tv me app dev ai ly js ts py rb
    go rs java txt md pdf doc docx xls xlsx csv json xml html htm css php exe zip png jpg jpeg gif svg mp3
    mp4 wav mov avi""".split()
)
_DETACHED_PUNCT = re.compile(r"^[,.;:!?)\]\u201d]+$")

STRAIGHT_TO_CURLY_DOUBLE = ("\u201c", "\u201d")
STRAIGHT_TO_CURLY_SINGLE = ("\u2018", "\u2019")
_CURLY = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}


def quote_style(tokens: tuple[Token, ...] | list[Token]) -> str:
    """ "curly" or "straight": whichever the document already uses more."""
    straight = curly = 0
    for tok in tokens:
        straight += tok.text.count("'") + tok.text.count('"')
        curly += sum(tok.text.count(c) for c in _CURLY)
    return "curly" if curly > straight else "straight"


def to_straight(text: str) -> str:
    return "".join(_CURLY.get(ch, ch) for ch in text)


def to_curly(text: str) -> str:
    """Straight quotes to curly ones, opening or closing by position in the token."""
    out = []
    n = len(text)
    for k, ch in enumerate(text):
        if ch not in "'\"":
            out.append(ch)
            continue
        before = text[k - 1] if k else ""
        after = text[k + 1] if k + 1 < n else ""
        opening = (not before or before in "([{\u2014\u201c\u2018\"'") and bool(after) and not after.isspace()
        if ch == "'" and opening and after.isdigit():
            opening = False  # '90s: an apostrophe, not a quote
        if ch == '"':
            out.append(STRAIGHT_TO_CURLY_DOUBLE[0] if opening else STRAIGHT_TO_CURLY_DOUBLE[1])
        else:
            out.append(STRAIGHT_TO_CURLY_SINGLE[0] if opening else STRAIGHT_TO_CURLY_SINGLE[1])
    return "".join(out)


def _run_on_parts(text: str) -> list[str] | None:
    """The two sentences of a token such as "in.Then", or None. Only a lower-case word the
    lexicon knows (or a known misspelling of one) on the left, never an abbreviation ("no.",
    "mr."), and on the right a capitalised word that is not a domain or a file extension."""
    m = _RUN_ON_SENTENCE.match(text)
    if m is None:
        return None
    left, word, right, head = m.groups()
    lex = get_lexicon()
    if word in ABBREVIATIONS or head.lower() in _NOT_A_SENTENCE_START:
        return None
    if not (lex.is_word(word) or lex.known_misspelling(word)) or not lex.is_word(head.lower()):
        return None
    return [left, right]


_CARRIED_ELLIPSIS = re.compile(r"^(?:\.{3}|\u2026)\s*")
_CLOSING = "\"'\u201d\u2019)]"
_LIST_MARKERS = {"-", "*", "\u2022", "\u2013"}


def _list_marker(doc: Document, tokens: list[Token], i: int) -> bool:
    """Whether token ``i`` is a list item's bullet: in a plain text or a caption paste, a lone ``-``,
    ``*``, ``•`` or a number (``1.``, ``2)``) opening a line, with a word after it on the same line
    ("- Jörg: finalise the plan"; in a caption paste, a dialogue dash, which a new speaker's
    paragraph replaces too)."""
    return (
        doc.fmt in ("plain", "caption-paste")
        and (tokens[i].text in _LIST_MARKERS or bool(NUMBERED_ITEM.fullmatch(tokens[i].text)))
        and (i == 0 or tokens[i - 1].boundary in (EOL, BARE))
        and i + 1 < len(tokens)
        and tokens[i + 1].cue == tokens[i].cue
        and first_alpha_index(tokens[i + 1].text) >= 0
    )


_UNDERLINE = re.compile(r"([=~^#*_-])\1{2,}")


def _underline(doc: Document, tokens: list[Token], i: int) -> bool:
    """Whether token ``i`` underlines the line above it (``=====``, ``-----``) in typed text: a run of
    one such character, alone on its line, right under a line of words."""
    return (
        doc.fmt == "plain"
        and bool(_UNDERLINE.fullmatch(tokens[i].text))
        and i > 0
        and tokens[i - 1].boundary == EOL
        and first_alpha_index(tokens[i - 1].text) >= 0
        and tokens[i].boundary in (EOL, BARE)
    )


def spacing(doc: Document, ctx: Context) -> StageResult:
    changes: list[Change] = []
    tokens = list(doc.tokens)

    # Each step reads the tokens once and builds a new list: a token split or merged in place
    # would shift the whole rest of the list each time.
    # 1. dashes between clauses
    out: list[Token] = []
    last = len(tokens) - 1
    item: str | None = None
    heading_ends = False
    for i, tok in enumerate(tokens):
        if item is not None:  # the first word of a list item starts a paragraph
            tok = replace(tok, paragraph_start=True, list_marker=item)
            item = None
        if heading_ends:  # (the line after a heading's underline starts a paragraph)
            tok = replace(tok, paragraph_start=True)
            heading_ends = False
        if _underline(doc, tokens, i) and out:
            # "Agenda" over "======": the line above is a heading, a paragraph of its own
            changes.append(
                change_for(tok, "layout", "", "a heading's underline: the line above is a heading, a paragraph of its own", STAGE)
            )
            out[-1] = replace(out[-1], boundary=BARE)
            heading_ends = True
            continue
        if _list_marker(doc, tokens, i):
            if NUMBERED_ITEM.fullmatch(tok.text):  # "1." stays: the number is the item's
                out.append(replace(tok, paragraph_start=True))
                continue
            if doc.fmt == "plain":
                item = tok.text  # (typed notes: the prose keeps the bullet, before an item that is a paragraph of its own)
            else:
                changes.append(
                    change_for(tok, "list", "", "a list item's marker or a dialogue dash: what follows is a paragraph of its own", STAGE)
                )
                item = ""
            continue
        carried = _CARRIED_ELLIPSIS.match(tok.text)
        if carried and out and out[-1].text.rstrip(_CLOSING).endswith(("...", "\u2026")) and first_alpha_index(tok.text) >= 0:
            # "skip this step..." / "...but honestly": the ellipsis a subtitler carries into the next cue, once is enough
            new_text = tok.text[carried.end() :]
            changes.append(change_for(tok, "punctuation", new_text, "an ellipsis carried over from the cue before: once is enough", STAGE))
            tok = replace(tok, text=new_text)
        if tok.text in _DASH_TOKENS and tok.text != EM_DASH and out and i < last:
            changes.append(change_for(tok, "dash", EM_DASH, "a dash between clauses is an em dash", STAGE))
            out.append(replace(tok, text=EM_DASH))
            continue
        m = _INNER_DOUBLE_HYPHEN.match(tok.text)
        if m:
            parts = [m.group(1), m.group(2), m.group(3)]
            new = split_token(tok, parts)
            new[1] = replace(new[1], text=EM_DASH)
            changes.append(
                change_for(tok, "dash", f"{parts[0]} {EM_DASH} {parts[2]}", "a double hyphen between words is a spaced em dash", STAGE)
            )
            out.extend(new)
        else:
            out.append(tok)
    tokens = out

    # 2. a missing space after a sentence's end: "we live in.Then it happened"
    out = []
    for tok in tokens:
        halves = _run_on_parts(tok.text)
        if halves is None:
            out.append(tok)
            continue
        changes.append(change_for(tok, "spacing", " ".join(halves), "a space is missing after the end of a sentence", STAGE))
        out.extend(split_token(tok, halves))
    tokens = out

    # 3. punctuation standing apart after a space
    out = tokens[:1]
    for tok in tokens[1:]:
        if _DETACHED_PUNCT.match(tok.text) and out[-1].text != EM_DASH:
            prev = out[-1]
            changes.append(change_for(prev, "spacing", prev.text + tok.text, "no space before punctuation", STAGE))
            out[-1] = merged(prev, tok)
        else:
            out.append(tok)
    tokens = out

    # 4. one quote style
    style = quote_style(tokens)
    convert = to_curly if style == "curly" else to_straight
    for i, tok in enumerate(tokens):
        new_text = convert(tok.text)
        if new_text != tok.text:
            changes.append(
                change_for(tok, "quotes", new_text, f"quotes made consistent ({style}, the style most of the document uses)", STAGE)
            )
            tokens[i] = replace(tok, text=new_text)
    flags: list[Flag] = []
    return doc.with_tokens(tokens), changes, flags
