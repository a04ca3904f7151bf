"""A per-user cache of what is slow to build and never changes between runs: SymSpell's index of
deletions, codespell's list parsed, the common words of the loanword languages.

Where: ``$XDG_CACHE_HOME/cleanup`` (an absolute ``XDG_CACHE_HOME`` only, as the XDG spec says),
else ``~/.cache/cleanup``. Each entry is one file: a header (a magic line, the key, a checksum of
the body) and a pickled body. The key names everything the value was built from (this package's
version, the installed versions of the data packages, the build's parameters, the Python version),
so a new version of any of them builds the entry again.

A cache may be missing, stale, truncated, garbage or unwritable: none of that is an error. A file
that does not read back whole, with its key and checksum, is built again (and replaced); an entry
that cannot be written (a read-only or missing home) is only built in memory. Writing is atomic
(a temporary file in the cache folder, then ``os.replace``), so a reader never sees half a file.
The files are this tool's own, in the user's own folder (created 0700, files 0600); a body is
unpickled only from a file the user owns and no one else may write, after its key and its
checksum match (the checksum catches damage, not malice: whoever can write the user's files can
run code as the user anyway).
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from cleanup import __version__

T = TypeVar("T")
MAGIC = b"cleanup-cache 1\n"
ENV = "XDG_CACHE_HOME"


def cache_dir() -> Path | None:
    """The cache folder (not created here), or None when there is no home to put it in: a home
    folder that does not exist is never created."""
    xdg = os.environ.get(ENV, "")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "cleanup"
    try:
        home = Path.home()
        return home / ".cache" / "cleanup" if home.is_dir() else None
    except (RuntimeError, KeyError, OSError):
        return None


def package_version(name: str) -> str:
    """The installed version of a distribution, or "unknown"."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def full_key(parts: tuple[str, ...]) -> bytes:
    base = (f"cleanup {__version__}", f"python {sys.version_info[0]}.{sys.version_info[1]}", f"pickle {pickle.HIGHEST_PROTOCOL}")
    return "|".join(base + parts).encode("utf-8")


def _path(name: str) -> Path | None:
    folder = cache_dir()
    return folder / f"{name}.cache" if folder is not None else None


def load(name: str, key: tuple[str, ...]) -> object | None:
    """The cached value of an entry, or None when it is missing, stale or damaged in any way."""
    path = _path(name)
    if path is None:
        return None
    try:
        with open(path, "rb") as fh:
            info = os.fstat(fh.fileno())
            if info.st_uid != os.getuid() or info.st_mode & 0o022:
                return None  # not this user's own file, or others may write it: never unpickled
            data = fh.read()
    except (OSError, ValueError):
        return None
    try:
        head, body = _split(data)
        if head[0] != full_key(key) or hashlib.blake2b(body, digest_size=32).hexdigest().encode() != head[1]:
            return None
        enabled = gc.isenabled()
        gc.disable()  # a large dict of lists unpickles several times faster without the collector
        try:
            value: object = pickle.loads(body)
            return value
        finally:
            if enabled:
                gc.enable()
    except Exception:  # a damaged or foreign file: build again
        return None


def _split(data: bytes) -> tuple[tuple[bytes, bytes], bytes]:
    if not data.startswith(MAGIC):
        raise ValueError("not a cache file")
    rest = data[len(MAGIC) :]
    key, _, rest = rest.partition(b"\n")
    digest, _, body = rest.partition(b"\n")
    return (key, digest), body


def store(name: str, key: tuple[str, ...], value: object) -> bool:
    """Write an entry atomically; False (and nothing left behind) when it cannot be written."""
    path = _path(name)
    if path is None:
        return False
    tmp: str | None = None
    try:
        body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        data = MAGIC + full_key(key) + b"\n" + hashlib.blake2b(body, digest_size=32).hexdigest().encode() + b"\n" + body
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        tmp = None
        return True
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return False
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def cached(name: str, key: tuple[str, ...], build: Callable[[], T], valid: Callable[[object], bool]) -> T:
    """The value of an entry: from the cache when it holds a valid one for ``key``, else built
    (and stored for the next run when the cache can be written). ``valid`` checks what was read
    back (its type, its shape) before it is used."""
    found = load(name, key)
    if found is not None and valid(found):
        return found  # type: ignore[return-value]
    value = build()
    store(name, key, value)
    return value
