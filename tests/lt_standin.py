"""A local stand-in for a LanguageTool server: it speaks LanguageTool's HTTP API (``GET
/v2/languages``, ``POST /v2/check``) with canned, rule-based answers, so that the LanguageTool
engine can be tested on a machine where LanguageTool itself cannot be installed. It listens on
127.0.0.1 only, on a free port, and stops with the test."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

LANGUAGES = [{"name": "English (US)", "code": "en", "longCode": "en-US"}, {"name": "English", "code": "en", "longCode": "en"}]


def _match(text: str, m: re.Match[str], rule: str, category: str, message: str, replacements: list[str]) -> dict[str, object]:
    return {
        "message": message,
        "replacements": [{"value": r} for r in replacements],
        "offset": m.start(1),
        "length": m.end(1) - m.start(1),
        "context": {"text": text, "offset": m.start(1), "length": m.end(1) - m.start(1)},
        "sentence": text,
        "rule": {"id": rule, "description": message, "issueType": "grammar", "category": {"id": category, "name": category}},
    }


def check(text: str) -> list[dict[str, object]]:
    """LanguageTool-shaped matches for a few patterns: a doubled word, "its" before "a",
    and a style remark that must end up flagged, never applied."""
    out = []
    for m in re.finditer(r"\b((\w+) \2)\b", text):
        out.append(_match(text, m, "ENGLISH_WORD_REPEAT_RULE", "MISC", "Possible typo: you repeated a word", [m.group(2)]))
    for m in re.finditer(r"\b([Ii]ts) a\b", text):
        out.append(_match(text, m, "IT_IS", "GRAMMAR", 'Did you mean "it\'s"?', [m.group(1)[0] + "t's"]))
    for m in re.finditer(r"\b(very unique)\b", text):
        out.append(_match(text, m, "VERY_UNIQUE", "GRAMMAR", "'Unique' is absolute", ["unique"]))
    return out


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # quiet
        return

    def _send(self, payload: object) -> None:
        body = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path.startswith("/v2/languages"):
            self._send(LANGUAGES)
        else:
            self.send_error(404)

    def do_POST(self) -> None:
        if not self.path.startswith("/v2/check"):
            self.send_error(404)
            return
        length = int(self.headers.get("Content-Length", "0"))
        form = parse_qs(self.rfile.read(length).decode("utf-8"))
        text = form.get("text", [""])[0]
        self.server.requests.append(form)  # type: ignore[attr-defined]
        self._send({"software": {"name": "LanguageTool stand-in"}, "language": {"code": "en-US"}, "matches": check(text)})


@contextmanager
def languagetool_standin() -> Iterator[tuple[str, list[dict[str, list[str]]]]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.requests  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
