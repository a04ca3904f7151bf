"""Player-level checks for the subtitle files: what real players make of an .srt or .vtt file.

* ffmpeg (libavformat's srt/webvtt demuxers, which mpv and most transcoders use):
  ``ffmpeg_to_ass`` converts a file to .ass and returns everything ffmpeg printed at ``-loglevel warning``,
  ``ass_dialogue_count`` counts the events it produced.
* Chromium (the WebVTT parser of the HTML <track> element): ``chromium_vtt_cues`` / ``chromium_vtt_cue_count``
  load the file as a <track> of a <video> in Debian's headless Chromium, over HTTP on 127.0.0.1, and read back
  the cues the browser parsed.
* ``require_tool`` finds an executable, skipping the test when it is missing (failing it when CI=true).

Only loopback addresses are used; every child process is killed and every temporary directory removed, also on a
timeout. On Debian: ``apt-get install -y ffmpeg chromium``.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

TIMEOUT_S = 60.0
"""Upper bound for one ffmpeg run and for one Chromium run."""

CHROMIUM_ATTEMPTS = 3
"""Chromium runs before giving up when the page has not written a result yet (a load slower than the virtual time budget)."""

APT_PACKAGES = {"ffmpeg": "ffmpeg", "ffprobe": "ffmpeg", "chromium": "chromium", "chromedriver": "chromium-driver"}
"""Debian package providing each executable."""


class PlayerCheckError(RuntimeError):
    """A player could not be run, or it rejected the file outright (no output, an error event, no result)."""


@dataclass(frozen=True)
class Cue:
    """One cue as a player parsed it: times in seconds, text as the player holds it (raw cue text for Chromium)."""

    id: str
    start: float
    end: float
    text: str


def require_tool(name: str) -> str:
    """The path of executable ``name``. Missing: the test fails when the environment variable CI is "true"
    (the CI machine must have it; .ci/run installs it), otherwise it is skipped with the command that installs it."""
    found = shutil.which(name)
    if found is not None:
        return found
    package = APT_PACKAGES.get(name, name)
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} is not installed: .ci/run should install it (apt-get install -y {package})", pytrace=False)
    pytest.skip(f"{name} is not installed (on Debian: apt-get update && apt-get install -y {package})")


def _run_bounded(argv: list[str], *, env: dict[str, str] | None = None, timeout: float = TIMEOUT_S) -> tuple[int, str, str]:
    """Run ``argv`` in its own process group, with stdin closed; return (exit status, stdout, stderr).
    On a timeout the whole group is killed and PlayerCheckError raised; any process left in the group
    after the leader exits (a browser's helpers) is killed too."""
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    try:
        out_b, err_b = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid)
        out_b, err_b = proc.communicate()
        err = err_b.decode("utf-8", errors="replace")
        raise PlayerCheckError(f"{Path(argv[0]).name} did not finish within {timeout:g} s; stderr ends:\n{err[-2000:]}") from None
    except BaseException:
        _kill_group(proc.pid)
        proc.communicate()
        raise
    _kill_group(proc.pid)
    return proc.returncode, out_b.decode("utf-8", errors="replace"), err_b.decode("utf-8", errors="replace")


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


# --- ffmpeg ---------------------------------------------------------------------------------------------------------


def ffmpeg_to_ass(sub_path: Path, out_dir: Path) -> tuple[Path, str]:
    """Convert ``sub_path`` (.srt or .vtt, format detected by ffmpeg as a player would) to
    ``out_dir/<name>.ass`` (``talk.srt`` → ``talk.srt.ass``, so an .srt and a .vtt of one stem do not collide).
    Returns the .ass path and everything ffmpeg wrote on stderr at ``-loglevel warning`` ("" when it had
    nothing to say). Raises PlayerCheckError when ffmpeg fails or writes no file."""
    ffmpeg = require_tool("ffmpeg")
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{sub_path.name}.ass"
    argv = [ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "warning", "-y", "-i", str(sub_path), str(out)]
    status, _, stderr = _run_bounded(argv)
    if status != 0 or not out.is_file():
        raise PlayerCheckError(f"ffmpeg could not convert {sub_path} (exit status {status}):\n{stderr}")
    return out, stderr


def ass_dialogue_count(path: Path) -> int:
    """The number of ``Dialogue:`` events in an .ass file."""
    return sum(1 for line in path.read_text(encoding="utf-8-sig").splitlines() if line.startswith("Dialogue:"))


def timing_line_count(path: Path) -> int:
    """The number of cue timing lines (lines containing ``-->``) in an .srt or .vtt file: its cue count when it is
    well formed (WebVTT forbids ``-->`` in NOTE blocks and cue text; SRT text containing it is already broken)."""
    return sum(1 for line in path.read_text(encoding="utf-8-sig").splitlines() if "-->" in line)


# --- Chromium ---------------------------------------------------------------------------------------------------------

_TRACK_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>WebVTT track</title></head>
<body>
<video id="video" preload="none"><track id="track" kind="subtitles" srclang="en" label="Subtitles" src="x.vtt" default></video>
<pre id="result">pending</pre>
<script>
const track = document.getElementById('track');
const result = document.getElementById('result');
track.addEventListener('load', () => {
  const cues = Array.from(track.track.cues || [], (c) => ({id: c.id, start: c.startTime, end: c.endTime, text: c.text}));
  result.textContent = 'cues ' + JSON.stringify(cues);
});
track.addEventListener('error', () => {
  result.textContent = 'error the track element fired "error" (readyState ' + track.readyState + '): not a WebVTT file, or not served';
});
track.track.mode = 'hidden';
</script>
</body></html>
"""

_RESULT = re.compile(r'<pre id="result">(.*?)</pre>', re.DOTALL)


class _QuietHandler(SimpleHTTPRequestHandler):
    def guess_type(self, path: str | os.PathLike[str]) -> str:
        return "text/vtt; charset=utf-8" if os.fspath(path).endswith(".vtt") else super().guess_type(path)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """Serve ``directory`` over HTTP on 127.0.0.1, on a free port, from a thread; yields the base URL (no final slash)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _chromium_argv(chromium: str, profile: Path, url: str) -> list[str]:
    return [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--no-proxy-server",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=5000",
        "--dump-dom",
        url,
    ]


def chromium_vtt_cues(vtt_path: Path, *, timeout: float = TIMEOUT_S) -> list[Cue]:
    """The cues Chromium parses from ``vtt_path`` when it is the default <track> of a <video>.
    Raises PlayerCheckError when the track fires "error" (e.g. no WEBVTT signature) or no result appears."""
    chromium = require_tool("chromium")
    with tempfile.TemporaryDirectory(prefix="vtt-chromium-", ignore_cleanup_errors=True) as tmp:
        root = Path(tmp)
        www = root / "www"
        www.mkdir()
        shutil.copyfile(vtt_path, www / "x.vtt")
        (www / "index.html").write_text(_TRACK_PAGE, encoding="utf-8")
        env = {**os.environ, "HOME": str(root), "XDG_CONFIG_HOME": str(root / "config"), "XDG_CACHE_HOME": str(root / "cache")}
        report = ""
        with serve_directory(www) as base:
            for attempt in range(CHROMIUM_ATTEMPTS):
                profile = root / f"profile{attempt}"
                status, dom, stderr = _run_bounded(_chromium_argv(chromium, profile, f"{base}/index.html"), env=env, timeout=timeout)
                found = _RESULT.search(dom)
                result = html.unescape(found.group(1)) if found else ""
                if result.startswith("cues "):
                    return [Cue(str(c["id"]), float(c["start"]), float(c["end"]), str(c["text"])) for c in json.loads(result[5:])]
                if result.startswith("error "):
                    raise PlayerCheckError(f"Chromium could not load {vtt_path} as a <track>: {result[6:]}")
                report = f"attempt {attempt + 1}: exit status {status}, result {result or 'absent'!r}; stderr ends:\n{stderr[-2000:]}"
        raise PlayerCheckError(f"Chromium wrote no cue count for {vtt_path} in {CHROMIUM_ATTEMPTS} attempts; last {report}")


def chromium_vtt_cue_count(vtt_path: Path) -> int:
    """The number of cues Chromium parses from ``vtt_path`` (see chromium_vtt_cues)."""
    return len(chromium_vtt_cues(vtt_path))
