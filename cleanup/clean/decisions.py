"""An editor's review decisions, re-applied on a later run (``cleanup-decisions/1``).

The editor's page exports one decision per change or flag of a report: a change is accepted or
rejected, a flag is resolved (with the editor's replacement) or left. A decision names its change
or flag by where it stood in the input and what it said, never by its place in the report's
list, so the decisions still apply after the cleanup itself improves:

- a change by ``(start, end, kind, before)``;
- a flag by ``(start, end, kind, text)``.

A rejected change is undone right after the stage that proposed it, every time it is proposed
(the stages run up to three passes): the stage's output tokens that came from the change's span
are replaced by the stage's input tokens there, which undoes an edit, a split, a join and a
deletion alike. A resolved flag is applied after the pipeline as a change of kind ``review``.
"accept" and "leave" change no word; a doubt left is settled (the editor looked at it) and drops
out of the doubts to review, listed under the decisions applied. A decision that matches nothing, or that cannot be applied
without losing a word, is listed in :attr:`Cleaned.unmatched`; applying decisions never raises.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cleanup.clean.base import split_token
from cleanup.clean.conservation import check_conservation
from cleanup.errors import CleanupError, ConservationError, read_user_text
from cleanup.model import Change, Document, Flag, Token, split_affixes, token_span, words_of

SCHEMA = "cleanup-decisions/1"
CHANGE_DECISIONS = ("accept", "reject")
FLAG_DECISIONS = ("resolve", "leave")
REVIEW_STAGE = "review"

Key = tuple[int, int, str, str]
"""(start, end, kind, before) of a change, (start, end, kind, text) of a flag."""


@dataclass(frozen=True)
class Decision:
    about: str
    """ "change" or "flag"."""
    kind: str
    start: int
    end: int
    text: str
    """The change's ``before``, or the flag's ``text``."""
    decision: str
    """ "accept" or "reject" for a change; "resolve" or "leave" for a flag."""
    replacement: str | None = None
    """The editor's text for a resolved flag."""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """The decision object as loaded (what :attr:`Cleaned.unmatched` lists)."""

    @property
    def key(self) -> Key:
        return (self.start, self.end, self.kind, self.text)


@dataclass(frozen=True)
class Decisions:
    input: str
    decisions: tuple[Decision, ...] = ()

    @classmethod
    def from_json(cls, obj: object, path: str | Path | None = None) -> Decisions:
        """Validate a parsed decisions file; any problem is a :class:`CleanupError` naming it in one line."""
        if not isinstance(obj, dict):
            raise CleanupError(path, f"a decisions file is a JSON object, not {_type_name(obj)}")
        schema = obj.get("schema")
        if schema != SCHEMA:
            raise CleanupError(path, f"not a decisions file: 'schema' is {schema!r}, expected {SCHEMA!r}")
        inp = obj.get("input", "")
        if not isinstance(inp, str):
            raise CleanupError(path, f"'input' must be a string, not {_type_name(inp)}")
        items = obj.get("decisions")
        if not isinstance(items, list):
            raise CleanupError(path, f"'decisions' must be a list, not {_type_name(items)}")
        return cls(inp, tuple(_decision(item, k, path) for k, item in enumerate(items)))

    def rejected(self) -> dict[Key, int]:
        """Rejected changes by key, each with the index of its (first) decision."""
        out: dict[Key, int] = {}
        for k, d in enumerate(self.decisions):
            if d.about == "change" and d.decision == "reject":
                out.setdefault(d.key, k)
        return out


def load_decisions(path: Path) -> Decisions:
    """Read and validate a decisions file (``cleanup-decisions/1``)."""
    text = read_user_text(path, "decisions file")
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CleanupError(path, f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    return Decisions.from_json(obj, path)


def _type_name(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}.get(
        type(value), "null" if value is None else type(value).__name__
    )


def _decision(item: object, k: int, path: str | Path | None) -> Decision:
    where = f"decisions[{k}]"
    if not isinstance(item, dict):
        raise CleanupError(path, f"{where} must be an object, not {_type_name(item)}")

    def string(name: str, empty: bool = False) -> str:
        value = item.get(name)
        if not isinstance(value, str):
            raise CleanupError(path, f"{where}: '{name}' must be a string, not {_type_name(value)}")
        if not empty and not value.strip():
            raise CleanupError(path, f"{where}: '{name}' must not be empty")
        return value

    def offset(name: str) -> int:
        value = item.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise CleanupError(path, f"{where}: '{name}' must be a whole number >= 0, not {value!r}")
        return value

    about = item.get("about")
    if about not in ("change", "flag"):
        raise CleanupError(path, f"{where}: 'about' must be 'change' or 'flag', not {about!r}")
    kind = string("kind")
    start, end = offset("start"), offset("end")
    if end < start:
        raise CleanupError(path, f"{where}: 'end' ({end}) is before 'start' ({start})")
    allowed = CHANGE_DECISIONS if about == "change" else FLAG_DECISIONS
    decision = item.get("decision")
    if decision not in allowed:
        raise CleanupError(path, f"{where}: 'decision' on a {about} must be {' or '.join(map(repr, allowed))}, not {decision!r}")
    assert isinstance(decision, str)
    replacement: str | None = None
    if about == "change":
        text = string("before")
        if "after" in item:
            string("after", empty=True)
    else:
        text = string("text")
        if decision == "resolve":
            if "replacement" not in item:
                raise CleanupError(path, f"{where}: a resolved flag needs a 'replacement'")
            replacement = string("replacement")
    return Decision(about, kind, start, end, text, decision, replacement, dict(item))


# ----- applying them ------------------------------------------------------------------------


def _overlaps(tok: Token, lo: int, hi: int) -> bool:
    return any(a < hi and b > lo for a, b in tok.src)


_MARGIN = 16


def _overlapping(doc: Document, lo: int, hi: int) -> list[int]:
    """Indices of the tokens whose source overlaps ``[lo, hi)``: found by bisection in a window
    around the span (tokens run in source order), the whole document read only when the window's
    edge overlaps too."""
    toks = doc.tokens
    a = max(0, doc.first_token_from(lo) - _MARGIN)
    b = min(len(toks), doc.first_token_from(hi) + _MARGIN)
    ids = [i for i in range(a, b) if _overlaps(toks[i], lo, hi)]
    if ids and ((ids[0] == a and a > 0) or (ids[-1] == b - 1 and b < len(toks))):
        return [i for i, t in enumerate(toks) if _overlaps(t, lo, hi)]
    return ids


def change_key(c: Change) -> Key:
    return (c.span[0], c.span[1], c.kind, c.before)


def flag_key(f: Flag) -> Key:
    return (f.span[0], f.span[1], f.kind, f.text)


class Review:
    """The decisions' state during one :func:`cleanup.clean.pipeline.clean` run: which decisions
    met their change or flag. One per run, so the same input and decisions give the same result."""

    def __init__(self, decisions: Decisions) -> None:
        self.decisions = decisions
        self.rejected = decisions.rejected()
        self.proposed: set[Key] = set()
        """Every change a stage proposed (rejected ones included)."""
        self.applied: set[int] = set()
        """Indices of the decisions that took effect."""
        self.failed: set[int] = set()
        """Indices of rejections that could not be undone without losing a word."""

    # -- rejected changes, after each stage --
    def after_stage(
        self, before: Document, after: Document, changes: list[Change], done: Sequence[Change], stage: str
    ) -> tuple[Document, list[Change]]:
        """Undo the stage's rejected changes. ``done`` holds the changes of the earlier stages,
        for the conservation check that guards the undo."""
        for c in changes:
            self.proposed.add(change_key(c))
        hits = [(c, self.rejected[change_key(c)]) for c in changes if change_key(c) in self.rejected]
        if not hits:
            return after, changes
        # all at once, checked once; only when that fails, one by one, each checked
        doc, kept, undone = self._undo_all(before, after, changes, hits)
        if self._conserves(doc, [*done, *kept], stage):
            self.applied.update(undone)
            self.failed.update(k for _, k in hits if k not in undone)
            return doc, kept
        doc, kept = after, list(changes)
        for c, index in hits:
            step = _undo(before, doc, kept, c)
            if step is None or not self._conserves(step[0], [*done, *step[1]], stage):
                self.failed.add(index)
                continue
            doc, kept = step
            self.applied.add(index)
        return doc, kept

    @staticmethod
    def _undo_all(
        before: Document, after: Document, changes: list[Change], hits: list[tuple[Change, int]]
    ) -> tuple[Document, list[Change], set[int]]:
        doc, kept, undone = after, list(changes), set()
        for c, index in hits:
            if not any(k is c for k in kept):
                undone.add(index)  # already undone with another rejected change's tokens
                continue
            step = _undo(before, doc, kept, c)
            if step is not None:
                doc, kept = step
                undone.add(index)
        return doc, kept, undone

    @staticmethod
    def _conserves(doc: Document, changes: Sequence[Change], stage: str) -> bool:
        try:
            check_conservation(doc, changes, stage)
        except ConservationError:
            return False
        return True

    # -- resolved flags, after the pipeline --
    def resolve(self, doc: Document, changes: list[Change], flags: list[Flag]) -> tuple[Document, list[Change], list[Flag]]:
        """Apply the resolved flags (each a change of kind ``review``) and drop them from the flags."""
        by_key = {flag_key(f): f for f in flags}
        todo: list[tuple[int, Decision]] = []
        seen: set[Key] = set()
        left: set[Key] = set()  # doubts the editor looked at and left as they are: settled, no longer to review
        for k, d in enumerate(self.decisions.decisions):
            if d.about != "flag" or d.key not in by_key or d.key in seen:
                continue
            seen.add(d.key)  # the first decision on a flag is the one that counts
            if d.decision == "leave":
                self.applied.add(k)
                left.add(d.key)
            else:
                todo.append((k, d))
        if not todo:
            return doc, changes, [f for f in flags if flag_key(f) not in left]
        # all at once, checked once; only when that fails, one by one, each checked
        new_doc, new_changes, gone, done = self._resolve_all(doc, changes, by_key, todo)
        if not self._conserves(new_doc, new_changes, REVIEW_STAGE):
            new_doc, new_changes, gone, done = doc, changes, set(), set()
            for k, d in todo:
                step = self._resolve_all(new_doc, new_changes, by_key, [(k, d)])
                if self._conserves(step[0], step[1], REVIEW_STAGE):
                    new_doc, new_changes = step[0], step[1]
                    gone |= step[2]
                    done |= step[3]
        self.applied |= done
        return new_doc, new_changes, [f for f in flags if flag_key(f) not in gone | left]

    @staticmethod
    def _resolve_all(
        doc: Document, changes: list[Change], by_key: dict[Key, Flag], todo: list[tuple[int, Decision]]
    ) -> tuple[Document, list[Change], set[Key], set[int]]:
        gone: set[Key] = set()
        done: set[int] = set()
        changes = list(changes)
        for k, d in todo:
            assert d.replacement is not None
            step = _resolve(doc, by_key[d.key], d.replacement)
            if step is None:
                continue
            doc, change = step
            if change is not None:
                changes.append(change)
            gone.add(d.key)
            done.add(k)
        return doc, changes, gone, done

    def unmatched(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for k, d in enumerate(self.decisions.decisions):
            if d.about == "change" and d.decision == "accept":
                matched = d.key in self.proposed
            elif d.about == "change":  # a rejection: met its change, and undone each time it was proposed
                matched = self.rejected.get(d.key) in self.applied and self.rejected.get(d.key) not in self.failed
            else:
                matched = k in self.applied
            if not matched:
                out.append(dict(d.raw))
        return out


def _undo(before: Document, after: Document, changes: list[Change], rejected: Change) -> tuple[Document, list[Change]] | None:
    """The stage's output with ``rejected`` undone, and its changes without it (and without any
    other change whose tokens the undo restored), or None when it cannot be located."""
    inp, out = before.tokens, list(after.tokens)
    lo, hi = rejected.span
    if hi <= lo:
        return None
    in_ids = _overlapping(before, lo, hi)
    out_ids = _overlapping(after, lo, hi)
    if not in_ids:
        return None
    # grow to a closed group: every input token and output token sharing source with the group
    while True:
        group = [inp[i] for i in in_ids] + [out[j] for j in out_ids]
        spans = [token_span(t) for t in group if t.src]
        lo2, hi2 = min(s for s, _ in spans), max(e for _, e in spans)
        i0, i1 = min(in_ids), max(in_ids)
        new_in = sorted({*range(i0, i1 + 1), *_overlapping(before, lo2, hi2)})
        new_out = out_ids
        if out_ids:
            j0, j1 = min(out_ids), max(out_ids)
            new_out = sorted({*range(j0, j1 + 1), *_overlapping(after, lo2, hi2)})
        else:
            new_out = _overlapping(after, lo2, hi2)
        if (lo2, hi2) == (lo, hi) and new_in == in_ids and new_out == out_ids:
            break
        lo, hi, in_ids, out_ids = lo2, hi2, new_in, new_out
    restored = list(inp[in_ids[0] : in_ids[-1] + 1])
    kept = [c for c in changes if c is not rejected and not (c.span[0] < hi and c.span[1] > lo)]
    if out_ids:
        j0, j1 = out_ids[0], out_ids[-1] + 1
    else:  # a deletion: the tokens come back at their place, by source order
        j0 = j1 = after.first_token_from(lo)
        _restore_neighbours(before, out, restored, j0, kept)
    out[j0:j1] = restored
    return after.with_tokens(out), kept


def _restore_neighbours(before: Document, out: list[Token], restored: list[Token], j: int, kept: list[Change]) -> None:
    """A deleted token's punctuation, sentence end and cue boundary went to the token before it,
    its paragraph start to the token after it: they go back with it (unless a kept change of the
    stage explains that neighbour)."""

    def original(tok: Token) -> Token | None:
        if not tok.src:
            return None
        found = [before.tokens[i] for i in _overlapping(before, *token_span(tok)) if before.tokens[i].src == tok.src]
        return found[0] if found else None

    def explained(tok: Token) -> bool:
        s, e = token_span(tok)
        return any(c.span[0] < e and c.span[1] > s for c in kept)

    if j > 0:
        prev = out[j - 1]
        orig = original(prev)
        if orig is not None and prev != orig and not explained(prev) and words_of(prev.text) == words_of(orig.text):
            out[j - 1] = replace(prev, text=orig.text, sentence_end=orig.sentence_end, boundary=orig.boundary)
    if j < len(out) and restored and restored[0].paragraph_start:
        nxt = out[j]
        orig = original(nxt)
        if orig is not None and nxt.paragraph_start and not orig.paragraph_start:
            out[j] = replace(nxt, paragraph_start=False)


def _resolve(doc: Document, flag: Flag, replacement: str) -> tuple[Document, Change | None] | None:
    """The document with the flag's tokens given the replacement and the change that says so
    (None when the replacement is what stands already), or None when the flag's tokens are not found."""
    lo, hi = flag.span
    if hi <= lo:
        return None
    ids = _overlapping(doc, lo, hi)
    if not ids:
        return _resolve_title(doc, flag, replacement)
    if ids != list(range(ids[0], ids[-1] + 1)):
        return None
    old = doc.tokens[ids[0] : ids[-1] + 1]
    first, last = old[0], old[-1]
    lead = split_affixes(first.text)[0]
    trail = split_affixes(last.text)[2]
    if not split_affixes(first.text)[1] and len(old) == 1:
        lead = trail = ""  # a token of punctuation only: the replacement is the whole token
    whole = replace(
        last,
        text=lead + replacement.strip() + trail,
        src=tuple(sp for t in old for sp in t.src),
        paragraph_start=first.paragraph_start,
        list_marker=first.list_marker,
        sentence_end=any(t.sentence_end for t in old),
        cue=first.cue,
        time=(first.time[0], last.time[1]) if first.time and last.time else first.time or last.time,
    )
    parts = whole.text.split()
    new = split_token(whole, parts) if len(parts) > 1 else [whole]
    tokens = [*doc.tokens[: ids[0]], *new, *doc.tokens[ids[-1] + 1 :]]
    before = " ".join(t.text for t in old)
    after = " ".join(t.text for t in new)
    if before == after:
        return doc, None
    change = Change("review", before, after, (lo, hi), f"resolved in review: '{replacement}'", REVIEW_STAGE, 1.0)
    return doc.with_tokens(tokens), change


def _resolve_title(doc: Document, flag: Flag, replacement: str) -> tuple[Document, Change | None] | None:
    """A resolved flag on a word of the title (the spelling stage's doubts there): the title with the
    editor's word, or None when the flag is not on the title. The title may already hold earlier
    replacements, so the word is found as the same occurrence of its text as in the input's title."""
    lo, hi = flag.span
    line_start = doc.source.rfind("\n", 0, lo) + 1
    first = doc.tokens[0].src[0][0] if doc.tokens and doc.tokens[0].src else len(doc.source)
    if not doc.title or doc.source[lo:hi] != flag.text or first < lo:
        return None  # (the title comes before the text's first word)
    pattern = re.compile(rf"(?<!\w){re.escape(flag.text)}(?!\w)")
    nth = len(pattern.findall(doc.source[line_start:lo]))
    found = list(pattern.finditer(doc.title))
    if nth >= len(found):
        return None
    m = found[nth]
    title = doc.title[: m.start()] + replacement.strip() + doc.title[m.end() :]
    if title == doc.title:
        return doc, None
    change = Change(
        "review", flag.text, replacement.strip(), (lo, hi), f"resolved in review (the title): '{replacement}'", REVIEW_STAGE, 1.0
    )
    return replace(doc, title=title), change


__all__ = ["SCHEMA", "Decision", "Decisions", "Review", "load_decisions"]
