"""The change report (``<stem>.report.json``); its schema is documented in the README."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from cleanup.model import Document, Span, words_of

SCHEMA = "cleanup.report/1"


def position(doc: Document, span: Span) -> dict[str, int]:
    line, col = doc.line_col(span[0])
    return {"start": span[0], "end": span[1], "line": line, "column": col}


def note_word_index(doc: Document, offset: int) -> int:
    """How many prose words come before a point of the source."""
    count = 0
    for tok in doc.tokens:
        if tok.src and tok.src[0][0] >= offset:
            break
        count += len(words_of(tok.text))
    return count


def build_report(path: str, doc: Document, changes: list[Any], flags: list[Any], engine: str) -> dict[str, Any]:
    by_kind = Counter(c.kind for c in changes)
    return {
        "schema": SCHEMA,
        "input": {
            "path": path,
            "format": doc.fmt,
            "encoding": doc.encoding,
            "title": doc.title,
            "date": doc.date,
            "words": len(doc.input_words),
        },
        "output": {
            "words": sum(len(words_of(t.text)) for t in doc.tokens),
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
            {"kind": n.kind, "text": n.text, "position": position(doc, n.span), "word_index": note_word_index(doc, n.span[0])}
            for n in doc.notes
        ],
    }


def render_report(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
