"""All outputs of an input, or none: temp files in the target folder, then renames."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from cleanup.errors import CleanupError


def write_all(files: dict[Path, str], origin: str) -> None:
    """Write every file's text (UTF-8, no BOM, LF). Either all end up in place or none do."""
    temps: list[tuple[Path, Path]] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temps.append((Path(name), path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        for tmp, target in temps:
            os.replace(tmp, target)
    except OSError as exc:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
        raise CleanupError(origin, f"cannot write outputs: {exc.strerror or exc}") from None
