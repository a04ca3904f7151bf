"""The change report (``<stem>.report.json``); its schema is documented in the README."""

from __future__ import annotations

import io
import json
from collections import Counter
from dataclasses import asdict
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from cleanup.model import Document, Span, words_of

if TYPE_CHECKING:
    from cleanup.subtitles import Subtitles

SCHEMA = "cleanup.report/1"


def position(doc: Document, span: Span) -> dict[str, int]:
    line, col = doc.line_col(span[0])
    return {"start": span[0], "end": span[1], "line": line, "column": col}


def word_prefix(doc: Document) -> list[int]:
    """How many prose words come before each token (and, last, in all)."""
    return list(accumulate((len(words_of(t.text)) for t in doc.tokens), initial=0))


def note_word_index(doc: Document, offset: int, prefix: list[int] | None = None) -> int:
    """How many prose words come before a point of the source: the words before the first token
    that stood at or after it. ``prefix``: :func:`word_prefix` of the document, when known."""
    prefix = prefix if prefix is not None else word_prefix(doc)
    return prefix[doc.first_token_from(offset)]


TIMES = {
    "estimated": "estimated from the speech rate",
    "source-cue": "from the input's cue times, shared among each cue's words by syllables",
    "source-word": "from the input's own word times",
    "audio": "aligned to the narration",
}


def subtitles_section(subs: Subtitles) -> dict[str, Any]:
    from cleanup.subtitles.check import summary
    from cleanup.subtitles.rules import format_vtt

    sources = Counter(c.source for c in subs.cues)
    section: dict[str, Any] = {
        "rules": asdict(subs.rules),
        "times": "estimated from speech rate"
        if not subs.timed_input
        else "; ".join(f"{n} cue{'' if n == 1 else 's'} {TIMES.get(k, k)}" for k, n in sources.items()),
        "wpm": round(subs.wpm, 1),
        "wpm_overall": subs.overall_wpm(),
        "offset": format_vtt(subs.offset_ms),
        "check": summary(subs.timed(), subs.violations),
    }
    if subs.timed_input:
        section["sources"] = dict(sorted(sources.items()))
        section["reading_speed_warnings"] = [
            {"index": k + 1, "start": format_vtt(subs.cues[k].start), "text": " / ".join(subs.cues[k].lines)} for k in subs.too_fast
        ]
    section["cues"] = [
        {"index": n, "start": format_vtt(c.start), "end": format_vtt(c.end), "source": c.source, "words": [c.first, c.last]}
        | ({"confidence": c.confidence} if subs.timed_input else {})
        for n, c in enumerate(subs.cues, start=1)
    ]
    return section


def build_report(
    path: str, doc: Document, changes: list[Any], flags: list[Any], engine: str, subs: Subtitles | None = None
) -> dict[str, Any]:
    by_kind = Counter(c.kind for c in changes)
    prefix = word_prefix(doc)
    note_times = subs.note_times if subs else [None] * len(doc.notes)
    report: dict[str, Any] = {
        "schema": SCHEMA,
        "input": {
            "path": path,
            "format": doc.fmt,
            "encoding": doc.encoding,
            "encoding_confidence": doc.encoding_confidence,
            "encoding_reason": doc.encoding_reason,
            "title": doc.title,
            "date": doc.date,
            "words": len(doc.input_words),
        },
        "output": {
            "words": prefix[-1],
            "sentences": len(doc.sentences()),
            "paragraphs": len(doc.paragraphs()),
        },
        "engine": engine,
        "summary": {
            "changes": len(changes),
            "changes_by_kind": dict(sorted(by_kind.items())),
            "flagged": len(flags),
            "notes": len(doc.notes),
        },
        "changes": [
            {
                "kind": c.kind,
                "before": c.before,
                "after": c.after,
                "position": position(doc, c.span),
                "reason": c.reason,
                "stage": c.stage,
                "confidence": c.confidence,
            }
            for c in changes
        ],
        "flagged": [
            {
                "kind": f.kind,
                "text": f.text,
                "suggestions": list(f.suggestions),
                "position": position(doc, f.span),
                "reason": f.reason,
                "stage": f.stage,
                "confidence": f.confidence,
            }
            for f in flags
        ],
        "notes": [
            {
                "kind": n.kind,
                "text": n.text,
                "position": position(doc, n.span),
                "word_index": note_word_index(doc, n.span[0], prefix),
                "time": _timestamp(t),
            }
            for n, t in zip(doc.notes, note_times, strict=True)
        ],
    }
    if "audio" in doc.meta:
        report["audio"] = {
            "path": doc.meta["audio"],
            "words_aligned": int(doc.meta.get("audio_words", 0)),
            "words_unreliable": int(doc.meta.get("audio_unreliable", 0)),
        }
    speakers = list(dict.fromkeys(t.speaker for t in doc.tokens if t.speaker))
    if speakers:
        report["speakers"] = speakers
    if doc.repairs:
        report["repairs"] = [
            {"kind": r.kind, "before": r.before, "after": r.after, "position": position(doc, r.span), "reason": r.reason}
            for r in doc.repairs
        ]
    if subs is not None:
        report["subtitles"] = subtitles_section(subs)
    return report


def _timestamp(ms: int | None) -> str | None:
    from cleanup.subtitles.rules import format_vtt

    return None if ms is None else format_vtt(ms)


def render_report(report: dict[str, Any]) -> str:
    """The report as JSON text. Written piece by piece into a buffer: ``json.dumps`` with an indent
    first holds every piece of the text in one list, several times the size of the text itself."""
    buf = io.StringIO()
    json.dump(report, buf, ensure_ascii=False, indent=2)
    buf.write("\n")
    return buf.getvalue()
