"""The offline review page (``<stem>.review.html``): the prose with every change, flag and removed
note marked in place, filters, keyboard review, a subtitle timeline, and an export of the
reviewer's decisions (``<stem>.decisions.json``, schema ``cleanup-decisions/1``).

One self-contained HTML file: inline CSS and JS only, allowed by a Content-Security-Policy that
names their SHA-256 hashes and nothing else, so no injected script or outside load can run. Every
piece of transcript text goes through Jinja2's autoescape or, as data, through an escaped JSON
block that the script reads with ``textContent`` and writes back with ``textContent`` only.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from cleanup.model import Document

TEMPLATE = "review.html.j2"
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


@dataclass(frozen=True)
class Piece:
    """One step of the prose as the template writes it: ``p``/``/p`` (paragraph), ``open``/``close``
    (a mark around tokens), ``text`` (a token), ``sp`` (a space), ``gone`` (a change with no token
    left), ``flagmark`` (a flag with no token), ``note`` (a removed note)."""

    op: str
    text: str = ""
    item: dict[str, Any] | None = None


@functools.cache
def _environment() -> jinja2.Environment:
    loader = jinja2.FileSystemLoader(str(Path(__file__).parent / "templates"))
    return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def json_for_script(data: Any) -> Markup:
    """JSON safe inside a ``<script type="application/json">`` element: no ``</script``, no ``<!--``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup("".join(_JSON_ESCAPES.get(ch, ch) for ch in text))


def parse_ms(stamp: str) -> int:
    """Milliseconds of an ``HH:MM:SS.mmm`` time."""
    hms, _, frac = stamp.partition(".")
    h, m, s = (int(x) for x in hms.split(":"))
    return ((h * 60 + m) * 60 + s) * 1000 + int((frac + "000")[:3])


def _tokens_over(doc: Document, start: int, end: int) -> list[int]:
    """Tokens whose source overlaps ``[start, end)`` (an empty span: the token holding ``start``)."""
    first = max(0, doc.first_token_from(start) - 1)
    out = []
    for k in range(first, len(doc.tokens)):
        spans = doc.tokens[k].src
        if spans and min(s for s, _ in spans) >= max(end, start + 1):
            break
        if any((s < end and start < e) or (start == end and s <= start < e) for s, e in spans):
            out.append(k)
    return out


def _pieces(report: dict[str, Any], doc: Document) -> list[Piece]:
    n = len(doc.tokens)
    before: dict[int, list[Piece]] = {}  # markers written before token k (k == n: at the end)
    ranges: list[tuple[int, int, int, dict[str, Any]]] = []  # (first, end, order, item)
    for order, (group, key, prefix) in enumerate((("change", "changes", "c"), ("flag", "flagged", "f"))):
        for i, entry in enumerate(report.get(key, [])):
            item = {"id": f"{prefix}{i}", "group": group, "kind": entry.get("kind", ""), "entry": entry}
            pos = entry.get("position", {})
            hit = _tokens_over(doc, int(pos.get("start", 0)), int(pos.get("end", 0)))
            if hit:
                ranges.append((hit[0], hit[-1] + 1, order + 1, item))
            else:
                at = min(doc.first_token_from(int(pos.get("start", 0))), n)
                before.setdefault(at, []).append(Piece("gone" if group == "change" else "flagmark", item=item))
    for i, entry in enumerate(report.get("notes", [])):
        item = {"id": f"n{i}", "group": "note", "kind": entry.get("kind", ""), "entry": entry}
        at = min(doc.first_token_from(int(entry.get("position", {}).get("start", 0))), n)
        before.setdefault(at, []).append(Piece("note", item=item))
    for s, e in doc.paragraphs():
        ranges.append((s, e, 0, {"id": "", "group": "p"}))
    # clip the ranges so that they nest (an HTML element cannot cross another's end); paragraphs outermost
    ranges.sort(key=lambda r: (r[0], r[2] != 0, -r[1], r[2]))
    opens: dict[int, list[tuple[int, dict[str, Any]]]] = {}
    ends: list[int] = []
    for s, e, _, item in ranges:
        while ends and ends[-1] <= s:
            ends.pop()
        if ends and e > ends[-1]:
            e = ends[-1]
        ends.append(e)
        opens.setdefault(s, []).append((e, item))
    if n == 0:
        return [Piece("p"), *before.get(0, []), Piece("/p")]
    out: list[Piece] = []
    stack: list[tuple[int, str]] = []
    for k, tok in enumerate(doc.tokens):
        starting = opens.get(k, [])
        for e, item in starting:
            if item["group"] == "p":
                out.append(Piece("p"))
                stack.append((e, "p"))
        out.extend(before.get(k, []))
        for e, item in starting:
            if item["group"] != "p":
                out.append(Piece("open", item=item))
                stack.append((e, item["group"]))
        out.append(Piece("text", tok.text))
        while stack and stack[-1][0] <= k + 1:
            _, group = stack.pop()
            if group == "p":
                if k + 1 == n:
                    out.extend(before.get(n, []))
                out.append(Piece("/p"))
            else:
                out.append(Piece("close"))
        if stack and k + 1 < n:
            out.append(Piece("sp"))
    return out


def _cues(report: dict[str, Any], doc: Document) -> list[dict[str, Any]]:
    subs = report.get("subtitles") or {}
    bad: dict[int, list[dict[str, Any]]] = {}
    for v in (subs.get("check") or {}).get("violations", []):
        bad.setdefault(int(v.get("cue", 0)), []).append(
            {"rule": v.get("rule", ""), "value": v.get("value", ""), "limit": v.get("limit", ""), "severity": v.get("severity", "")}
        )
    slow = {int(w.get("index", 0)) for w in subs.get("reading_speed_warnings") or []}
    out = []
    for cue in subs.get("cues", []):
        index = int(cue.get("index", 0))
        first, last = (cue.get("words") or [0, 0])[:2]
        out.append(
            {
                "i": index,
                "s": parse_ms(cue["start"]),
                "e": parse_ms(cue["end"]),
                "src": cue.get("source", "estimated"),
                "text": doc.text_of(int(first), int(last)),
                "bad": bad.get(index, []),
                "slow": index in slow,
            }
        )
    return out


def _changes_hash(report: dict[str, Any]) -> str:
    text = json.dumps(report.get("changes", []), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _slim(entry: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    pos = entry.get("position", {})
    return {f: entry.get(f) for f in fields} | {"start": pos.get("start"), "end": pos.get("end"), "line": pos.get("line")}


def render_review(report: dict[str, Any], doc: Document, stem: str) -> str:
    """The review page of one input: ``report`` as written to ``<stem>.report.json``, ``doc`` the
    document the report's positions and cue word ranges refer to (the subtitled, cleaned document)."""
    env = _environment()
    template = env.get_template(TEMPLATE)
    module = template.module
    css = str(module.style()).strip("\n")  # type: ignore[attr-defined]
    js = str(module.script()).strip("\n")  # type: ignore[attr-defined]
    inp = report.get("input", {})
    path = str(inp.get("path", stem))
    changes = report.get("changes", [])
    flags = report.get("flagged", [])
    notes = report.get("notes", [])
    data = {
        "stem": stem,
        "input": path,
        "key": f"cleanup-review:{path}:{_changes_hash(report)}",
        "changes": [_slim(c, ("kind", "before", "after", "reason", "stage", "confidence")) for c in changes],
        "flags": [_slim(f, ("kind", "text", "suggestions", "reason", "stage", "confidence")) for f in flags],
        "notes": [_slim(x, ("kind", "text", "time", "word_index")) for x in notes],
        "cues": _cues(report, doc),
    }
    chip_groups = []  # (label, [(group, kind, count)]): the filters
    for group, label, entries in (("change", "Changes", changes), ("flag", "Flags", flags), ("note", "Notes", notes)):
        kinds = sorted(Counter(str(e.get("kind", "")) for e in entries).items())
        if kinds:
            chip_groups.append((label, [(group, kind, count) for kind, count in kinds]))
    csp = f"default-src 'none'; img-src data:; style-src {_sha256(css)}; script-src {_sha256(js)}; base-uri 'none'; form-action 'none'"
    return template.render(
        page=True,
        csp=csp,
        css=Markup(css),
        js=Markup(js),
        data=json_for_script(data),
        title=inp.get("title") or stem,
        stem=stem,
        report=report,
        pieces=_pieces(report, doc),
        chip_groups=chip_groups,
        n_changes=len(changes),
        n_flags=len(flags),
        n_notes=len(notes),
        n_cues=len(data["cues"]),
    )
