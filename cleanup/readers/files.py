"""An input's bytes, or a one-line reason why not."""

from __future__ import annotations

from pathlib import Path

from cleanup.errors import CleanupError

MAX_BYTES = 50 * 1024 * 1024


def read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise CleanupError(path, "no such file")
    if path.is_dir():
        raise CleanupError(path, "is a folder, not a file")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise CleanupError(path, f"too large for a transcript ({path.stat().st_size} bytes)")
        return path.read_bytes()
    except PermissionError:
        raise CleanupError(path, "permission denied") from None
    except OSError as exc:
        raise CleanupError(path, f"cannot read: {exc.strerror or exc}") from None
