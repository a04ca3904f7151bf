"""All outputs of an input, or none: the old set whole or the new set whole, never a mix.

1. Every new file is written to a temporary file beside its target (created like any file, so
   the umask applies; an existing target's permissions, owner and group are kept where the
   system allows it).
2. Commit: each existing target is moved aside to a backup name, then its temporary file is
   renamed into place. Renames within a folder are atomic.
3. On any exception, KeyboardInterrupt included, every target already replaced gets its backup
   back, every target that did not exist before is removed, and the temporary files go.
4. On success the backups are removed.

SIGINT and SIGTERM are held back during the commit and the roll-back (a few renames), so a
Ctrl-C lands before or after them, never in the middle; the tests also raise inside each step.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

from cleanup.errors import CleanupError

_HELD = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for a short critical section (main thread, POSIX only)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _side_name(target: Path, tag: str) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.{tag}")


def _write_temp(target: Path, text: str) -> Path:
    """A new file beside ``target`` holding ``text`` (UTF-8, LF), created as an ordinary file is."""
    tmp = _side_name(target, "tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies, as for open(..., "w")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        try:
            old = os.stat(target)
        except OSError:
            old = None
        if old is not None:  # keep the permissions, owner and group an earlier output was given
            with contextlib.suppress(OSError):
                os.chown(tmp, old.st_uid, old.st_gid)
            with contextlib.suppress(OSError):
                os.chown(tmp, -1, old.st_gid)  # not root: the group, when we are in it
            with contextlib.suppress(OSError):
                os.chmod(tmp, stat.S_IMODE(old.st_mode))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def write_all(files: dict[Path, str], origin: str) -> None:
    """Write every file's text (UTF-8, no BOM, LF). Either all end up in place or none do."""
    temps: dict[Path, Path] = {}
    backups: dict[Path, Path] = {}
    placed: list[Path] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            temps[path] = _write_temp(path, text)
        with signals_held():
            for path, tmp in temps.items():
                if path.exists() or path.is_symlink():
                    backup = _side_name(path, "old")
                    os.replace(path, backup)
                    backups[path] = backup
                os.replace(tmp, path)
                placed.append(path)
    except BaseException as exc:
        with signals_held():
            _roll_back(temps, backups, placed)
        if isinstance(exc, OSError):
            raise CleanupError(origin, f"cannot write outputs: {exc.strerror or exc}") from None
        raise
    for backup in backups.values():
        with contextlib.suppress(OSError):
            backup.unlink()


def _roll_back(temps: dict[Path, Path], backups: dict[Path, Path], placed: list[Path]) -> None:
    """Put the old set back whole: restore each backup, remove what was new, drop the temps."""
    for path in placed:
        if path not in backups:
            with contextlib.suppress(OSError):
                path.unlink()
    for path, backup in backups.items():
        with contextlib.suppress(OSError):
            os.replace(backup, path)
    for tmp in temps.values():
        with contextlib.suppress(OSError):
            tmp.unlink()
