"""What every cleaning stage shares: its signature, its context, and the token edits.

A stage is ``stage(doc, ctx) -> (doc, changes, flags)``: pure, deterministic, no I/O. The edit
helpers here are the only ways a stage alters tokens, so provenance (source spans) survives
every edit and every edit can be explained.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from cleanup.model import Change, Document, Flag, Token, split_affixes, token_span

if TYPE_CHECKING:
    from cleanup.clean.decisions import Decisions
    from cleanup.engines import GrammarEngine


@dataclass(frozen=True)
class Context:
    """Options and resources a stage may read. Never mutated by a stage."""

    protected: frozenset[str] = frozenset()
    """User words (``--words``), lower-cased: never changed."""
    engine: GrammarEngine | None = None
    """The grammar engine (Harper in-process by default, or a LanguageTool server)."""
    max_paragraph_sentences: int = 8
    options: dict[str, str] = field(default_factory=dict)
    decisions: Decisions | None = None
    """An editor's review decisions (``--decisions``): rejected changes are undone after their
    stage, resolved flags applied after the pipeline (see :mod:`cleanup.clean.decisions`)."""


StageResult = tuple[Document, list[Change], list[Flag]]
Stage = Callable[[Document, Context], StageResult]


def change_for(tok: Token, kind: str, after_text: str, reason: str, stage: str, confidence: float = 1.0) -> Change:
    return Change(kind, tok.text, after_text, token_span(tok), reason, stage, confidence)


def split_token(tok: Token, parts: Sequence[str]) -> list[Token]:
    """Split a token into several; each part keeps the slice of the source it came from when
    the parts are, letter for letter, consecutive pieces of the original text."""
    out: list[Token] = []
    joined = "".join(parts)
    exact = len(tok.src) == 1 and joined == tok.text
    pos = tok.src[0][0] if tok.src else 0
    for k, part in enumerate(parts):
        if exact:
            src: tuple[tuple[int, int], ...] = ((pos, pos + len(part)),)
            pos += len(part)
        else:
            src = tok.src
        last = k == len(parts) - 1
        out.append(
            replace(
                tok,
                text=part,
                src=src,
                boundary=tok.boundary if last else "",
                sentence_end=tok.sentence_end if last else False,
                paragraph_start=tok.paragraph_start if k == 0 else False,
                list_marker=tok.list_marker if k == 0 else "",
            )
        )
    return out


def merged(prev: Token, cur: Token) -> Token:
    """``cur`` (punctuation) attached to the token before it."""
    return replace(
        prev,
        text=prev.text + cur.text,
        src=prev.src + cur.src,
        boundary=cur.boundary,
        sentence_end=prev.sentence_end or cur.sentence_end,
    )


def merge_into_previous(tokens: list[Token], i: int) -> None:
    """Attach token ``i`` (punctuation) to the token before it, in place on a working list."""
    tokens[i - 1] = merged(tokens[i - 1], tokens[i])
    del tokens[i]


def took_paragraph_start(tok: Token, gone: Token) -> Token:
    """``tok`` opening the paragraph (and list item) that the removed token ``gone`` opened."""
    return replace(tok, paragraph_start=True, list_marker=gone.list_marker or tok.list_marker)


def delete_token(tokens: list[Token], i: int) -> Token:
    """Remove token ``i`` from a working list; its sentence end and cue boundary move to the
    token before it, its paragraph start to the token after it."""
    gone = tokens.pop(i)
    if i > 0 and (gone.sentence_end or gone.boundary):
        prev = tokens[i - 1]
        tokens[i - 1] = replace(
            prev,
            sentence_end=prev.sentence_end or gone.sentence_end,
            boundary=gone.boundary or prev.boundary,
        )
    if gone.paragraph_start and i < len(tokens):
        tokens[i] = took_paragraph_start(tokens[i], gone)
    return gone


def delete_tokens(tokens: list[Token], indices: Iterable[int]) -> None:
    """Remove several tokens from a working list in one pass, exactly as :func:`delete_token` on
    each, the last first, would: a removed token's sentence end and cue boundary move to the token
    before it, its paragraph start to the first token after it that stays."""
    gone = set(indices)
    if not gone:
        return
    work = list(tokens)
    kept: list[Token] = []  # the tokens that stay, last first
    for k in range(len(work) - 1, -1, -1):
        tok = work[k]
        if k not in gone:
            kept.append(tok)
            continue
        if k > 0 and (tok.sentence_end or tok.boundary):
            prev = work[k - 1]
            work[k - 1] = replace(prev, sentence_end=prev.sentence_end or tok.sentence_end, boundary=tok.boundary or prev.boundary)
        if tok.paragraph_start and kept:
            kept[-1] = took_paragraph_start(kept[-1], tok)
    tokens[:] = kept[::-1]


def first_alpha_index(text: str) -> int:
    for k, ch in enumerate(text):
        if ch.isalpha():
            return k
    return -1


_OPEN_DOUBLE = ("\u201c", '"')
_CLOSE_DOUBLE = ("\u201d", '"')
MAX_QUOTE_TOKENS = 150


def quoted_mask(tokens: Sequence[Token]) -> list[bool]:
    """For each token, whether it stands inside a double-quoted quotation or parentheses
    (a quotation, a citation): text whose words are someone else's, or a reference.

    Only a quotation that closes is one: an opening quote with no closing quote within
    MAX_QUOTE_TOKENS tokens, before a paragraph starts or before another opening quote, and a
    parenthesis that does not close within its sentence, mark nothing (a stray or unbalanced mark
    does not make the rest of the text "quoted")."""
    n = len(tokens)
    out = [False] * n
    quote_open: int | None = None
    paren_opens: list[int] = []
    for i, tok in enumerate(tokens):
        if quote_open is not None and (i - quote_open > MAX_QUOTE_TOKENS or (tok.paragraph_start and i > quote_open)):
            quote_open = None
        if tok.paragraph_start:
            paren_opens.clear()
        lead, _, trail = split_affixes(tok.text)
        oq = sum(lead.count(c) for c in _OPEN_DOUBLE)
        cq = sum(trail.count(c) for c in _CLOSE_DOUBLE)
        if oq:
            quote_open = i  # a second opening quote: the first never closed
        if cq and quote_open is not None:
            for k in range(quote_open, i + 1):
                out[k] = True
            quote_open = None
        paren_opens.extend([i] * lead.count("("))
        for _ in range(trail.count(")")):
            if paren_opens:
                first = paren_opens.pop()
                for k in range(first, i + 1):
                    out[k] = True
        if tok.sentence_end:
            paren_opens.clear()  # a parenthesis open at its sentence's end never closes
    return out


IN_CAPITALS_MIN_WORDS = 4
"""A run of at least this many words in capitals (two letters or more; a one-letter word such as
"A" or "I" may stand between them), at least half of them dictionary words, is text written in
capitals (caption files often are), not a row of acronyms."""


def in_capitals(cores: Sequence[str], is_word: Callable[[str], bool]) -> set[int]:
    """The indices of the words of ``cores`` that stand in text written in capitals (see
    ``IN_CAPITALS_MIN_WORDS``): there a word in capitals is no acronym for being one."""
    found: set[int] = set()
    run: list[int] = []
    for i, c in enumerate([*cores, ""]):
        if c.replace("'", "").isalpha() and c.isupper():
            run.append(i)
            continue
        words = [cores[j] for j in run if len(cores[j]) >= 2]
        if len(words) >= IN_CAPITALS_MIN_WORDS and 2 * sum(map(is_word, words)) >= len(words):
            found.update(run)
        run = []
    return found


PACKAGE_MANAGERS = frozenset(
    {"pip", "pip3", "pipx", "uv", "poetry", "conda", "npm", "pnpm", "yarn", "apt", "apt-get", "brew", "cargo", "gem", "dnf", "yum"}
)
"""Commands whose ``install`` (``add``, ``uninstall``, ``remove``) takes package names (not ``go get``:
"go get some milk" is English)."""
INSTALL_VERBS = frozenset({"install", "add", "uninstall", "remove"})


def code_mask(tokens: Sequence[Token]) -> list[bool]:
    """For each token, whether it stands inside backticks (`` `ulabel` ``, `` `from x import y` ``):
    code or a command quoted in the text, never English to correct. Only a span that closes
    within its sentence is one. A command-line option (``-fexceptions``, ``--clamp-mtime``), a
    variable (``$argc``), a function called (``readdir()``), a markup tag (``<img``), a path and a
    dotfile (``/healthz``, ``.env``) are code too, and so are the packages a package manager is
    told to install, to the end of the clause (``pip install fastapi uvicorn and httpx``)."""
    out = [False] * len(tokens)
    opened: int | None = None
    installing: int | None = None
    for i, tok in enumerate(tokens):
        lead, _, trail = split_affixes(tok.text)
        # (a command-line option, a variable, a function called)
        option = tok.text.startswith("-") and tok.text.lstrip("-")[:1].isalpha()
        # (a path or a dotfile: "/healthz", "~/.bashrc", ".env"; not an ellipsis, "...and")
        path = lead.endswith("/") or lead in (".", "~/.", "./.")
        out[i] = option or path or lead.endswith(("$", "%", "<", "</")) or trail.startswith("()")
        if installing is not None:
            out[i] = out[i] or tok.core.lower() not in ("and", "or", "then")
            if tok.sentence_end or trail.endswith((".", ",", ";", ":", "!", "?")):
                installing = None
        elif i > 0 and tok.core.lower() in INSTALL_VERBS and tokens[i - 1].core.lower() in PACKAGE_MANAGERS:
            installing = i  # "pip install fastapi uvicorn and httpx": package names, to the clause's end
        if opened is None and lead.endswith("`"):
            opened = i
        if opened is not None and ("`" in trail or trail.startswith("'")):  # (`quoted' the GNU way too)
            for k in range(opened, i + 1):
                out[k] = True
            opened = None
        elif tok.sentence_end:
            opened = None
    return out
