"""The cleaning stages, in order. Conservation is checked after each one."""

from __future__ import annotations

from dataclasses import dataclass, field

from cleanup.clean.base import Context, Stage
from cleanup.clean.conservation import check_conservation
from cleanup.clean.grammar import grammar
from cleanup.clean.notes import notes
from cleanup.clean.paragraphs import paragraphs
from cleanup.clean.sentences import sentences
from cleanup.clean.spacing import spacing
from cleanup.clean.spelling import spelling
from cleanup.model import Change, Document, Flag

STAGES: tuple[tuple[str, Stage], ...] = (
    ("spacing", spacing),
    ("notes", notes),
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


MAX_PASSES = 3


def clean(doc: Document, ctx: Context) -> Cleaned:
    """Run the stages in order. A pass that removed a word ("Instead Instead") gives the earlier
    stages new neighbours to judge, so the stages run again until a pass removes nothing: the
    result is a fixed point, and cleaning it again changes nothing."""
    result = Cleaned(doc)
    check_conservation(doc, [], "read")
    for _ in range(MAX_PASSES):
        flags_this_pass: list[Flag] = []
        removed = False
        for name, stage in STAGES:
            doc, changes, flags = stage(doc, ctx)
            result.changes.extend(changes)
            flags_this_pass.extend(flags)
            removed = removed or any(not c.after for c in changes)
            check_conservation(doc, result.changes, name)
        result.flags = flags_this_pass
        if not removed:
            break
    result.doc = doc
    return result
