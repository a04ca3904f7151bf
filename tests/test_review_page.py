"""The offline review page (cleanup/writers/review.py), in real headless Chromium (tests/cdp.py).

``REVIEW_SCREENSHOT=1 pytest tests/test_review_page.py`` also rewrites docs/review-page.png.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cleanup.model import Document
from cleanup.process import Options, render
from cleanup.writers.review import render_review
from tests.cdp import Browser, Page
from tests.conftest import caption
from tests.players import require_tool

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_6b06ca91f54c6f31.txt"

HOSTILE = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=2">',
    "</textarea>",
    "{{ 7*7 }}",
    "</script><script>window.__pwned=3</script>",
    "javascript:alert(1)",
]


def report_and_doc(path: Path) -> tuple[dict[str, Any], Document]:
    """The report ``render`` makes for ``path``, and the document its positions refer to."""
    rendered = render(path, Options())
    assert rendered.doc is not None
    return rendered.report, rendered.doc


def write_page(path: Path, out: Path) -> tuple[dict[str, Any], Document, Path]:
    """The page `cleanup run` writes for ``path`` (render's own), with the report and document behind it."""
    rendered = render(path, Options())
    assert rendered.doc is not None
    page = out / f"{path.stem}.review.html"
    page.write_text(rendered.texts[".review.html"], encoding="utf-8")
    return rendered.report, rendered.doc, page


@pytest.fixture
def browser() -> Iterator[Browser]:
    chromium = require_tool("chromium")
    with Browser(chromium) as b:
        yield b


def open_page(browser: Browser, path: Path) -> Page:
    page = browser.new_page()
    page.navigate(path.as_uri())
    assert page.eval("document.documentElement.dataset.ready") == "1", "the page's script did not run (CSP hash?)"
    return page


def goto(page: Page, item_id: str) -> None:
    """Move the keyboard focus to an item with j/k only."""
    order: list[str] = page.eval("Array.from(document.querySelectorAll('.item'), (el) => el.dataset.id)")
    target = order.index(item_id)
    for _ in range(len(order) + 2):
        here = page.eval("document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.id || '' : ''")
        at = order.index(here) if here in order else -1
        if at == target:
            return
        page.key("j" if at < target else "k")
    raise AssertionError(f"could not reach {item_id} with j/k")


def item_counts(page: Page) -> tuple[int, int, int]:
    counts = [int(page.eval(f"document.querySelectorAll('.item.{kind}').length")) for kind in ("change", "flag", "note")]
    return counts[0], counts[1], counts[2]


def test_seed_page_review_export_and_reload(browser: Browser, tmp_path: Path) -> None:
    report, _, html = write_page(SEED, tmp_path)
    page = open_page(browser, html)
    assert item_counts(page) == (len(report["changes"]), len(report["flagged"]), len(report["notes"]))

    # nothing leaves the page: the one request is the page itself, and the CSP reports nothing
    urls = [e["request"]["url"] for e in page.events("Network.requestWillBeSent")]
    assert urls == [html.as_uri()], urls
    assert not [e for e in page.events("Log.entryAdded") if e["entry"].get("level") == "error"]
    assert not page.events("Runtime.exceptionThrown")

    spelling = next(i for i, c in enumerate(report["changes"]) if c["kind"] == "spelling")
    flag = next(i for i, f in enumerate(report["flagged"]) if f["suggestions"])
    goto(page, f"c{spelling}")
    page.key("r")
    goto(page, f"f{flag}")
    page.key("1")
    assert page.eval(f"document.querySelector('[data-id=c{spelling}]').classList.contains('rejected')")

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.send("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads), "eventsEnabled": True})
    since = page.mark()
    page.click("#export")
    browser.wait_event("Browser.downloadProgress", lambda p: p.get("state") == "completed", since=since)
    saved = downloads / f"{SEED.stem}.decisions.json"
    for _ in range(50):  # the file is renamed into place right after the event
        if saved.is_file():
            break
        time.sleep(0.1)
    got = json.loads(saved.read_text(encoding="utf-8"))
    c, f = report["changes"][spelling], report["flagged"][flag]
    expected = {
        "schema": "cleanup-decisions/1",
        "input": SEED.name,  # the page names its input by the file name only
        "decisions": [
            {
                "about": "change",
                "kind": "spelling",
                "start": c["position"]["start"],
                "end": c["position"]["end"],
                "before": c["before"],
                "after": c["after"],
                "decision": "reject",
            },
            {
                "about": "flag",
                "kind": f["kind"],
                "start": f["position"]["start"],
                "end": f["position"]["end"],
                "text": f["text"],
                "decision": "resolve",
                "replacement": f["suggestions"][0],
            },
        ],
    }
    assert got == expected
    assert page.eval("window.cleanupDecisions()") == expected
    _rerun_with_decisions(saved, c, f, tmp_path / "again")

    page.reload()
    assert page.eval("document.documentElement.dataset.ready") == "1"
    assert page.eval("window.cleanupDecisions()") == expected
    assert page.eval(f"document.querySelector('[data-id=c{spelling}]').classList.contains('rejected')")
    assert page.eval(f"document.querySelector('[data-id=f{flag}]').classList.contains('resolved')")

    # r toggles back; t types a replacement; l leaves
    goto(page, f"c{spelling}")
    page.key("r")
    goto(page, f"f{flag}")
    page.key("t")
    assert page.eval("document.activeElement.id") == "typed"
    page.eval("document.activeElement.value = ''")
    page.type("Typed <b>word</b>")
    page.key("Enter")
    decisions = page.eval("window.cleanupDecisions()")["decisions"]
    assert [(d["about"], d["decision"], d.get("replacement")) for d in decisions] == [("flag", "resolve", "Typed <b>word</b>")]
    page.key("l")
    assert page.eval("window.cleanupDecisions()")["decisions"][0]["decision"] == "leave"


def _rerun_with_decisions(saved: Path, change: dict[str, Any], flag: dict[str, Any], out: Path) -> None:
    """`cleanup run --decisions` with the exported file: the rejected word is back as it was in the
    input, the doubt resolved with its first suggestion is a change of kind review, nothing unmatched."""
    exe = Path(sys.executable).parent / "cleanup"
    done = subprocess.run(
        [str(exe), "run", str(SEED), "--decisions", str(saved), "--out", str(out)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "matched nothing" not in done.stderr
    report = json.loads((out / f"{SEED.stem}.report.json").read_text(encoding="utf-8"))
    assert report["decisions"]["unmatched"] == []
    assert [d["decision"] for d in report["decisions"]["applied"]] == ["reject", "resolve"]  # the rejection leaves a trace
    assert not [x for x in report["changes"] if x["position"]["start"] == change["position"]["start"] and x["kind"] == change["kind"]]
    review = [x for x in report["changes"] if x["kind"] == "review"]
    assert [(x["position"]["start"], x["before"], x["after"]) for x in review] == [
        (flag["position"]["start"], flag["text"], flag["suggestions"][0])
    ]
    assert not [x for x in report["flagged"] if x["position"]["start"] == flag["position"]["start"]]
    before = (ROOT / "out" / f"{SEED.stem}.txt").read_text(encoding="utf-8")
    after = (out / f"{SEED.stem}.txt").read_text(encoding="utf-8")
    assert after.count(change["before"]) == before.count(change["before"]) + 1
    assert after.count(f" {flag['text']} ") == before.count(f" {flag['text']} ") - 1


def test_filters_hide_kinds_from_navigation(browser: Browser, tmp_path: Path) -> None:
    report, _, html = write_page(SEED, tmp_path)
    page = open_page(browser, html)
    page.eval("document.querySelector('.chip[data-group=change][data-kind=quotes]').click()")
    order = page.eval("Array.from(document.querySelectorAll('.item:not(.filtered)'), (el) => el.dataset.id)")
    quotes = sum(1 for c in report["changes"] if c["kind"] == "quotes")
    assert len(order) == len(report["changes"]) + len(report["flagged"]) + len(report["notes"]) - quotes
    page.key("j")
    page.key("ArrowDown")
    assert page.eval("document.activeElement.dataset.id") == order[1]
    page.key("ArrowUp")
    assert page.eval("document.activeElement.dataset.id") == order[0]


def test_hostile_transcript_stays_text(browser: Browser, tmp_path: Path) -> None:
    src = tmp_path / "hostile.txt"
    src.write_text(caption(*(f"Here is {h} in the text." for h in HOSTILE), title="A <script>window.__pwned=4</script> title"), "utf-8")
    report, doc, html = write_page(src, tmp_path)
    page = open_page(browser, html)
    assert page.eval("typeof window.__pwned") == "undefined"
    assert not page.events("Page.javascriptDialogOpening")
    text = page.eval("document.body.innerText")
    prose = doc.body_text()
    for hostile in HOSTILE:
        assert hostile in prose, f"the cleanup changed {hostile!r}; the test needs it verbatim"
        assert hostile in text
    assert "<script>window.__pwned=4</script>" in text
    csp = page.eval("document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content")
    assert re.fullmatch(
        r"default-src 'none'; img-src data:; style-src 'sha256-[A-Za-z0-9+/=]+'; script-src 'sha256-[A-Za-z0-9+/=]+'; "
        r"base-uri 'none'; form-action 'none'",
        csp,
    )
    assert page.eval("document.scripts.length") == 2  # the data block and the page's own script
    assert item_counts(page) == (len(report["changes"]), len(report["flagged"]), len(report["notes"]))


def test_csp_hashes_and_data_block(tmp_path: Path) -> None:
    """Without a browser: the policy names exactly the inline style and script; the data block has no markup."""
    report, doc = report_and_doc(SEED)
    report["flagged"].append({**report["flagged"][0], "text": "</script><!-- \u2028 & >"})
    html = render_review(report, doc, SEED.stem)
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    script = re.search(r"<script>(.*?)</script>", html, re.S)
    data = re.search(r'<script type="application/json" id="review-data">(.*?)</script>', html, re.S)
    assert style and script and data
    for block, directive in ((style.group(1), "style-src"), (script.group(1), "script-src")):
        digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
        assert f"{directive} &#39;sha256-{digest}&#39;" in html
    assert not re.search(r"[<>&\u2028\u2029]", data.group(1))
    assert json.loads(data.group(1))["flags"][-1]["text"] == "</script><!-- \u2028 & >"


@pytest.mark.skipif(not os.environ.get("REVIEW_SCREENSHOT"), reason="set REVIEW_SCREENSHOT=1 to rewrite docs/review-page.png")
def test_screenshot(browser: Browser, tmp_path: Path) -> None:
    report, _, html = write_page(SEED, tmp_path)
    page = open_page(browser, html)
    flag = next(i for i, f in enumerate(report["flagged"]) if f["suggestions"])
    goto(page, f"f{flag}")
    page.key("k")
    if page.eval("document.activeElement.classList.contains('change')"):
        page.key("r")
    page.key("j")
    page.eval("document.activeElement.scrollIntoView({block: 'center'})")
    time.sleep(0.3)
    out = ROOT / "docs" / "review-page.png"
    out.parent.mkdir(exist_ok=True)
    page.screenshot(out)
