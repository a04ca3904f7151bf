"""A tiny driver for Debian's headless Chromium over the DevTools protocol, on a pipe.

``--remote-debugging-pipe``: Chromium reads commands from its fd 3 and writes replies and events to
its fd 4, one JSON message each, ended by a NUL byte (no websocket, no port). Usage::

    with Browser() as browser:
        page = browser.new_page()
        page.navigate(path.as_uri())
        page.eval("document.title")

Every wait has a timeout (``TimeoutError``). On exit, or when the interpreter exits, Chromium's whole
process group is killed and its temporary profile removed.
"""

from __future__ import annotations

import atexit
import base64
import fcntl
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TIMEOUT_S = 15.0
"""Upper bound for one command's reply and for one wait."""

_live: set[Browser] = set()


class CDPError(RuntimeError):
    """Chromium answered a command with an error, or went away."""


def chromium_argv(chromium: str, profile: Path) -> list[str]:
    """Flags for a quiet, offline headless Chromium driven over the pipe (as tests/players.py runs it)."""
    argv = [
        chromium,
        "--headless=new",
        "--remote-debugging-pipe",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--no-proxy-server",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--mute-audio",
        f"--user-data-dir={profile}",
        "about:blank",
    ]
    if os.geteuid() == 0:
        argv.insert(1, "--no-sandbox")
    return argv


def _high_fd(fd: int) -> int:
    """A close-on-exec copy of ``fd`` numbered 10 or more (out of the way of the child's fds 3 and 4)."""
    return fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)


class Browser:
    """One headless Chromium and its pipe. Commands are sent with :meth:`send`; events are kept in
    :attr:`events` (method, params, sessionId) for the tests to read."""

    def __init__(self, chromium: str = "/usr/bin/chromium", timeout: float = TIMEOUT_S) -> None:
        self.timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="cdp-chromium-")
        self._next_id = 0
        self._replies: dict[int, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self._closed = False
        self._stderr = tempfile.TemporaryFile()
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        child_in, child_out = _high_fd(to_child_r), _high_fd(from_child_w)

        def wire() -> None:  # in the child, before exec: its fds 3 and 4 become the pipe's ends
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        try:
            self.proc = subprocess.Popen(
                chromium_argv(chromium, Path(self._profile)),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self._stderr,
                preexec_fn=wire,  # only dup2 runs there
                close_fds=False,
                start_new_session=True,
            )
        except BaseException:
            for fd in (to_child_r, to_child_w, from_child_r, from_child_w, child_in, child_out):
                os.close(fd)
            shutil.rmtree(self._profile, ignore_errors=True)
            raise
        for fd in (to_child_r, from_child_w, child_in, child_out):
            os.close(fd)
        self._out = os.fdopen(to_child_w, "wb", buffering=0)
        self._in = os.fdopen(from_child_r, "rb", buffering=0)
        _live.add(self)
        self._reader = threading.Thread(target=self._read, name="cdp-reader", daemon=True)
        self._reader.start()

    # ----- plumbing -----------------------------------------------------------------------------
    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = self._in.read(65536)
            except OSError:
                chunk = b""
            if not chunk:
                break
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                with self._cond:
                    if "id" in msg:
                        self._replies[msg["id"]] = msg
                    else:
                        self.events.append(msg)
                    self._cond.notify_all()
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None, timeout: float | None = None) -> Any:
        """Send a command and wait for its result (``CDPError`` on an error reply)."""
        with self._cond:
            self._next_id += 1
            msg_id = self._next_id
        msg: dict[str, Any] = {"id": msg_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        try:
            self._out.write(json.dumps(msg).encode("utf-8") + b"\0")
        except OSError as exc:
            raise CDPError(f"{method}: Chromium's pipe is closed ({exc}){self._stderr_tail()}") from None
        deadline = time.monotonic() + (timeout or self.timeout)
        with self._cond:
            while msg_id not in self._replies:
                left = deadline - time.monotonic()
                if self._closed:
                    raise CDPError(f"{method}: Chromium went away{self._stderr_tail()}")
                if left <= 0:
                    raise TimeoutError(f"{method}: no reply within {timeout or self.timeout:g} s")
                self._cond.wait(left)
            reply = self._replies.pop(msg_id)
        if "error" in reply:
            raise CDPError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def wait_event(
        self, method: str, predicate: Callable[[dict[str, Any]], bool] | None = None, since: int = 0, timeout: float | None = None
    ) -> dict[str, Any]:
        """The first event ``method`` (its params) at or after index ``since`` of :attr:`events` that passes ``predicate``."""
        deadline = time.monotonic() + (timeout or self.timeout)
        with self._cond:
            while True:
                for ev in self.events[since:]:
                    if ev.get("method") == method and (predicate is None or predicate(ev.get("params", {}))):
                        return dict(ev.get("params", {}))
                left = deadline - time.monotonic()
                if self._closed or left <= 0:
                    raise TimeoutError(f"no {method} event within {timeout or self.timeout:g} s")
                self._cond.wait(left)

    def _stderr_tail(self) -> str:
        try:
            self._stderr.seek(0)
            return "; stderr ends: " + self._stderr.read()[-1500:].decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""

    # ----- pages ----------------------------------------------------------------------------------
    def new_page(self, width: int = 1280, height: int = 900) -> Page:
        """A new tab, attached (flat session), with the Page, Runtime and Network domains on."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        for domain in ("Page", "Runtime", "Network", "Log"):
            page.send(f"{domain}.enable")
        page.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        return page

    # ----- life -------------------------------------------------------------------------------------
    def close(self) -> None:
        """Kill Chromium's process group and remove its profile (idempotent)."""
        _live.discard(self)
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL does not wait
            pass
        for f in (self._out, self._in):
            try:
                f.close()
            except OSError:
                pass
        self._reader.join(timeout=5)
        self._stderr.close()
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@atexit.register
def _close_all() -> None:
    for browser in list(_live):
        browser.close()


class Page:
    """One tab: commands go to its session."""

    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float | None = None) -> Any:
        return self.browser.send(method, params, self.session, timeout)

    def mark(self) -> int:
        """The index the next event will have (for :meth:`wait_event`'s ``since``)."""
        with self.browser._cond:
            return len(self.browser.events)

    def wait_event(self, method: str, since: int = 0, timeout: float | None = None) -> dict[str, Any]:
        return self.browser.wait_event(method, since=since, timeout=timeout)

    def events(self, method: str) -> list[dict[str, Any]]:
        """The params of every event ``method`` of this tab so far."""
        with self.browser._cond:
            return [
                dict(e.get("params", {})) for e in self.browser.events if e.get("method") == method and e.get("sessionId") == self.session
            ]

    def navigate(self, url: str, timeout: float | None = None) -> None:
        """Load ``url`` and wait for its load event."""
        since = self.mark()
        self.send("Page.navigate", {"url": url})
        self.browser.wait_event("Page.loadEventFired", since=since, timeout=timeout)

    def reload(self, timeout: float | None = None) -> None:
        since = self.mark()
        self.send("Page.reload", {"ignoreCache": True})
        self.browser.wait_event("Page.loadEventFired", since=since, timeout=timeout)

    def eval(self, expression: str) -> Any:
        """The value of a JS expression (promises awaited); a thrown exception is a CDPError."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise CDPError(f"{expression!r} threw: {result['exceptionDetails']}")
        return result.get("result", {}).get("value")

    def key(self, key: str) -> None:
        """Press and release one key (a character such as ``j`` or a name: ArrowDown, Enter, Escape)."""
        named = {"ArrowDown": 40, "ArrowUp": 38, "ArrowLeft": 37, "ArrowRight": 39, "Enter": 13, "Escape": 27, "Tab": 9}
        params: dict[str, Any] = {"key": key}
        if key in named:
            params |= {"code": key, "windowsVirtualKeyCode": named[key]}
            if key == "Enter":
                params["text"] = "\r"
        else:
            code = f"Key{key.upper()}" if key.isalpha() else f"Digit{key}" if key.isdigit() else ""
            params |= {"code": code, "text": key, "windowsVirtualKeyCode": ord(key.upper())}
        self.send("Input.dispatchKeyEvent", {"type": "keyDown", **params})
        self.send("Input.dispatchKeyEvent", {"type": "keyUp", **{k: v for k, v in params.items() if k != "text"}})

    def type(self, text: str) -> None:
        """Type text into the focused field."""
        self.send("Input.insertText", {"text": text})

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the first element matching ``selector`` (scrolled into view)."""
        rect = self.eval(
            f"(() => {{ const el = document.querySelector({json.dumps(selector)}); el.scrollIntoView({{block: 'center'}});"
            " const r = el.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()"
        )
        x, y = rect
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})

    def screenshot(self, path: Path) -> None:
        """The viewport as a PNG."""
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        path.write_bytes(base64.b64decode(data))
