"""The one error type users see."""

from __future__ import annotations

from pathlib import Path


class CleanupError(Exception):
    """A user-facing failure: the CLI prints ``cleanup: PATH: message`` and exits 1."""

    def __init__(self, path: str | Path | None, message: str) -> None:
        self.path = str(path) if path is not None else None
        self.message = message
        super().__init__(f"{self.path}: {message}" if self.path else message)


class ConservationError(RuntimeError):
    """A stage lost a word without accounting for it: a bug, never the user's fault."""


class UsageError(CleanupError):
    """A problem with how the command was called (an option, the output folder, inputs that would
    clash): found before any work, one line, exit 2."""


def read_user_text(path: Path, what: str, encoding: str = "utf-8-sig") -> str:
    """A small text file the user names (a word list, a decisions file): its text, or one line saying why not."""
    try:
        return path.read_text(encoding=encoding)
    except UnicodeDecodeError:
        raise CleanupError(path, f"cannot read the {what}: not UTF-8 text") from None
    except OSError as exc:
        raise CleanupError(path, f"cannot read the {what}: {exc.strerror or exc}") from None
