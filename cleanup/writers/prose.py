"""The clean prose: title line, date line, a blank line, paragraphs separated by blank lines."""

from __future__ import annotations

from cleanup.model import Document


def render_prose(doc: Document) -> str:
    head = [line for line in (doc.title, doc.date) if line]
    parts = ["\n".join(head)] if head else []
    body = doc.body_text()
    if body:
        parts.append(body)
    return "\n\n".join(parts) + "\n"
