"""Which files a run reads and which it writes, decided and checked before any work.

- A file given by name is read whatever its extension; its outputs go to ``OUT/<stem>.*``.
- A folder gives every transcript file below it (``FOLDER_SUFFIXES``), walked in sorted order,
  without following links to folders; hidden files and folders, the output folder and this tool's
  own earlier outputs are skipped. Its outputs mirror its tree: ``talks/a/x.txt`` gives ``OUT/a/x.*``.
- The same file given twice (also through a link) is read once.
- Refused before anything is written (:class:`~cleanup.errors.UsageError`, exit 2): an output
  that would replace an input of the run; two inputs that would write the same output; an
  existing file in the way that this tool did not write (unless ``force``).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from cleanup.errors import UsageError

FOLDER_SUFFIXES = (".txt", ".text")
"""What a folder walk takes: plain-text transcripts (caption paste, plain lines, prose)."""
OUTPUT_SUFFIXES = (".txt", ".srt", ".vtt", ".report.json")
REPORT_SCHEMA_PREFIX = "cleanup.report/"


@dataclass(frozen=True)
class Job:
    """One input and where its outputs go: ``base`` plus each of ``OUTPUT_SUFFIXES``."""

    path: Path
    base: Path
    label: str
    """How the input is named in messages: as given, or relative to the folder it was found in."""

    def outputs(self) -> list[Path]:
        return [self.base.with_name(self.base.name + suffix) for suffix in OUTPUT_SUFFIXES]


def _real(path: Path) -> str:
    return os.path.realpath(path)


_OUR_REPORT = re.compile(r'^\{\s*"schema"\s*:\s*"' + re.escape(REPORT_SCHEMA_PREFIX))


def written_by_us(base: Path) -> bool:
    """True when ``base.report.json`` is a report of this tool (its first key is our schema): the
    set of outputs beside it is ours to replace."""
    report = base.with_name(base.name + ".report.json")
    try:
        with report.open(encoding="utf-8") as fh:
            head = fh.read(200)
    except (OSError, UnicodeDecodeError):
        return False
    return bool(_OUR_REPORT.match(head))


def _is_our_output(path: Path) -> bool:
    """A ``.txt`` (or ``.srt``/``.vtt``) that sits beside a report of ours with the same stem."""
    name = path.name
    for suffix in OUTPUT_SUFFIXES:
        if name.endswith(suffix) and suffix != ".report.json":
            return written_by_us(path.with_name(name[: -len(suffix)]))
    return False


def walk(folder: Path, skip: set[str]) -> list[Path]:
    """Transcript files below ``folder`` in sorted order, skipping hidden entries, links to
    folders, the folders in ``skip`` (real paths) and this tool's own outputs."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and _real(Path(root) / d) not in skip)
        for name in sorted(files):
            path = Path(root) / name
            if name.startswith(".") or not name.lower().endswith(FOLDER_SUFFIXES):
                continue
            if path.is_file() and not _is_our_output(path):
                found.append(path)
    return found


def plan(inputs: list[Path], out_dir: Path, force: bool = False) -> tuple[list[Job], list[Path]]:
    """The jobs of a run, checked; and the folders given that held no transcript."""
    out_real = _real(out_dir)
    jobs: list[Job] = []
    empty: list[Path] = []
    seen: set[str] = set()

    def add(path: Path, base: Path, label: str) -> None:
        key = _real(path)
        if key not in seen:
            seen.add(key)
            jobs.append(Job(path, base, label))

    for given in inputs:
        if given.is_dir():
            files = walk(given, {out_real})
            if not files:
                empty.append(given)
            for f in files:
                rel = f.relative_to(given)
                add(f, out_dir / rel.parent / f.stem, str(rel))
        else:
            add(given, out_dir / given.stem, str(given))
    check(jobs, force)
    return jobs, empty


def check(jobs: list[Job], force: bool = False) -> None:
    """Refuse a plan that would lose data: an output replacing an input, two inputs writing the
    same output, or replacing a file this tool did not write."""
    inputs = {_real(j.path): j for j in jobs}
    identities = {ident: j for j in jobs if (ident := _identity(j.path)) is not None}
    writers: dict[str, Job] = {}
    for job in jobs:
        for out in job.outputs():
            key = _real(out)
            victim = inputs.get(key)
            if victim is None:  # a hard link to an input is the input too
                ident = _identity(out)
                victim = identities.get(ident) if ident is not None else None
            if victim is not None:
                raise UsageError(
                    victim.path,
                    f"the output {out} would replace this input: choose an output folder apart from the inputs "
                    f"(e.g. --out {_suggest(victim.path)})",
                )
            other = writers.get(key)
            if other is not None:
                raise UsageError(
                    None,
                    f"{other.path} and {job.path} would both write {job.base}.*: rename one, or run them apart with other --out folders",
                )
            writers[key] = job
        if not force and not written_by_us(job.base):
            taken = [out for out in job.outputs() if out.exists() or out.is_symlink()]
            if taken:
                raise UsageError(
                    taken[0],
                    "exists and was not written by cleanup: move it away, choose another --out, or add --force to replace it",
                )


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def _suggest(path: Path) -> str:
    return str(path.parent / "clean") if str(path.parent) not in ("", ".") else "clean"


def prepare_out_dir(out_dir: Path) -> None:
    """Create the output folder and make sure a file can be written in it, before any work."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(None, f"--out {out_dir}: is a file, not a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(None, f"--out {out_dir}: cannot create the folder: {exc.strerror or exc}") from None
    probe = out_dir / f".cleanup-write-test.{secrets.token_hex(4)}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
    except OSError as exc:
        raise UsageError(None, f"--out {out_dir}: cannot write in the folder: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()
