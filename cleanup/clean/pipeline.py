"""The cleaning stages, in order. Conservation is checked after each one."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace
from typing import Any

from cleanup.clean.base import Context, Stage
from cleanup.clean.conservation import check_conservation
from cleanup.clean.decisions import Review
from cleanup.clean.fillers import fillers
from cleanup.clean.grammar import grammar
from cleanup.clean.notes import notes
from cleanup.clean.paragraphs import paragraphs
from cleanup.clean.restore import restore
from cleanup.clean.sentences import sentences
from cleanup.clean.spacing import spacing
from cleanup.clean.spelling import spelling
from cleanup.model import Change, Document, Flag, words_of

STAGES: tuple[tuple[str, Stage], ...] = (
    ("spacing", spacing),
    ("notes", notes),
    ("fillers", fillers),
    ("restore", restore),
    ("sentences", sentences),
    ("spelling", spelling),
    ("grammar", grammar),
    ("paragraphs", paragraphs),
)


@dataclass
class Cleaned:
    doc: Document
    changes: list[Change] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    """The review decisions (``ctx.decisions``) that matched no change or flag of this run, or
    could not be applied, as loaded."""


MAX_PASSES = 3


def clean(doc: Document, ctx: Context) -> Cleaned:
    """Run the stages in order. A pass that removed a word ("Instead Instead") gives the earlier
    stages new neighbours to judge, so the stages run again until a pass removes nothing: the
    result is a fixed point, and cleaning it again changes nothing."""
    result = Cleaned(doc)
    review = Review(ctx.decisions) if ctx.decisions is not None else None
    check_conservation(doc, [], "read")
    for _ in range(MAX_PASSES):
        flags_this_pass: list[Flag] = []
        removed = False
        for name, stage in STAGES:
            before = doc
            doc, changes, flags = stage(doc, ctx)
            if review is not None:  # the editor's rejected changes are undone as soon as they are made
                doc, changes = review.after_stage(before, doc, changes, result.changes, name)
            result.changes.extend(changes)
            flags_this_pass.extend(flags)
            removed = removed or any(not c.after for c in changes)
            check_conservation(doc, result.changes, name)
        result.flags = flags_this_pass
        if not removed:
            break
    result.doc = doc
    result.changes = outside_notes(result.changes, doc)
    result.flags = one_per_place(drop_contradicted(result.changes, result.flags))
    if review is not None:
        result.doc, result.changes, result.flags = review.resolve(result.doc, result.changes, result.flags)
        check_conservation(result.doc, result.changes, "review")
        result.unmatched = review.unmatched()
    return result


def outside_notes(changes: list[Change], doc: Document) -> list[Change]:
    """The changes that show in the output: one made inside an editor's note or a pronunciation
    guide (a dash or a quote mark tidied before the note was lifted out) went with the note, and
    the report keeps the note as it was written."""
    spans = sorted(n.span for n in doc.notes)
    if not spans:
        return changes
    starts = [a for a, _ in spans]
    out = []
    for c in changes:
        k = bisect.bisect_right(starts, c.span[0]) - 1
        if k >= 0 and spans[k][0] <= c.span[0] and c.span[1] <= spans[k][1] and c.span[1] > c.span[0]:
            continue
        out.append(c)
    return out


def one_per_place(flags: list[Flag]) -> list[Flag]:
    """One doubt per place: when two stages doubt the same words ("socialisms" for its spelling and
    its grammar), the first keeps its reason and gains the other's suggestions."""
    out: list[Flag] = []
    at: dict[int, int] = {}
    for flag in flags:
        k = at.get(flag.span[0])
        if k is None:
            at[flag.span[0]] = len(out)
            out.append(flag)
        else:
            first = out[k]
            merged = tuple(dict.fromkeys([*first.suggestions, *flag.suggestions]))
            out[k] = replace(first, suggestions=merged, reason=f"{first.reason}; {flag.stage}: {flag.reason}")
    return out


def _words(text: str) -> str:
    return " ".join(words_of(text)).lower()


def drop_contradicted(changes: list[Change], flags: list[Flag]) -> list[Flag]:
    """Advice the same stage contradicts elsewhere in the text goes: a flag suggesting A -> B
    loses that suggestion when a change or another flag of its stage went B -> A (words compared
    case-insensitively), and the flag goes with it when that was all it suggested. Suggestions
    that only change case are left to the stage that made them: compared case-insensitively, a
    capital at a sentence start would "contradict" every capitalisation doubt."""
    went: set[tuple[str, str, str]] = {(c.stage, _words(c.before), _words(c.after)) for c in changes}
    went |= {(f.stage, _words(f.text), _words(s)) for f in flags for s in f.suggestions}
    out: list[Flag] = []
    for flag in flags:
        a = _words(flag.text)
        kept = tuple(s for s in flag.suggestions if a == _words(s) or (flag.stage, _words(s), a) not in went)
        if flag.suggestions and not kept:
            continue
        out.append(replace(flag, suggestions=kept) if kept != flag.suggestions else flag)
    return out
