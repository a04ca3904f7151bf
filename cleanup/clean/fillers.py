"""Fillers in speech-to-text input: ``uh``, ``um``, ``erm`` are hesitations, not words.

Only in timed speech-to-text input (SRT, WebVTT, YouTube captions, "Show transcript" text): a
typed transcript that writes "um" means it. Each removal is a change of kind ``filler``; its
time is left as a gap (the subtitles are timed from the words that stay). A comma that only set
the filler apart goes with it ("so, um, we" -> "so, we"); a full stop or question mark stays, on
the word before. ``--keep-fillers`` (``ctx.options["keep_fillers"]``) keeps them all.
"""

from __future__ import annotations

from dataclasses import replace

from cleanup.clean.base import Context, StageResult, change_for, delete_tokens
from cleanup.model import Change, Document, Flag, Token, split_affixes

STAGE = "fillers"
FILLERS = frozenset({"uh", "um", "umm", "uhm", "uhh", "erm", "er", "ehm", "hmm"})
"""Hesitation sounds. "er" and "hmm" are fillers only in speech-to-text output, where they stand alone."""
SPEECH_TO_TEXT = frozenset({"srt", "webvtt", "youtube", "show-transcript"})


def fillers(doc: Document, ctx: Context) -> StageResult:
    changes: list[Change] = []
    flags: list[Flag] = []
    if doc.fmt not in SPEECH_TO_TEXT or ctx.options.get("keep_fillers"):
        return doc, changes, flags
    tokens = list(doc.tokens)
    gone: list[int] = []
    for i, tok in enumerate(tokens):
        lead, core, trail = split_affixes(tok.text)
        if core.lower() not in FILLERS or lead or core not in (core.lower(), core.capitalize()):
            continue  # "ER" is the emergency room
        keep = trail.replace(",", "").replace("\u2026", "").replace("...", "")
        gone.append(i)
        changes.append(change_for(tok, "filler", "", f"'{core}' is a hesitation, not a word (--keep-fillers keeps it)", STAGE, 0.95))
        if keep and i > 0 and (i - 1) not in gone:
            prev = tokens[i - 1]
            _, p_core, p_trail = split_affixes(prev.text)
            if p_core and not p_trail.rstrip("\"'\u201d\u2019)"):
                new = prev.text + keep
                changes.append(change_for(prev, "punctuation", new, f"the sentence's end stays when the filler '{core}' goes", STAGE))
                tokens[i - 1] = _with_text(prev, new)
    delete_tokens(tokens, gone)
    return doc.with_tokens(tokens), changes, flags


def _with_text(tok: Token, text: str) -> Token:
    return replace(tok, text=text)
