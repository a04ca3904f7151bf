"""Which files a run reads and which it writes, decided and checked before any work.

- A file given by name is read whatever its extension; its outputs go to ``OUT/<stem>.*``.
- A folder gives every transcript file below it (``FOLDER_SUFFIXES``), walked in sorted order,
  without following links to folders; hidden files and folders and this tool's own earlier
  outputs are skipped, and so is the output folder (with a warning when it holds transcripts
  this tool did not write). Its outputs mirror its tree: ``talks/a/x.txt`` gives ``OUT/a/x.*``.
- The same file given twice (also through a link) is read once, under its own name rather than
  a link's.
- Refused before anything is written (:class:`~cleanup.errors.UsageError`, exit 2): an output
  that would replace an input of the run; two inputs that would write the same output; and,
  unless ``force``, an existing file in the way that this tool did not write, that was written
  for another input, or that was changed since it was written (hand edits).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleanup.errors import CleanupError, UsageError

FOLDER_SUFFIXES = (".txt", ".text", ".srt", ".vtt")
"""What a folder walk takes: transcripts (caption paste, plain lines, prose, "Show transcript" text)
and timed subtitle files (SRT, WebVTT, YouTube's auto-captions)."""
FORMAT_SUFFIXES: dict[str, tuple[str, ...]] = {
    "srt": (".srt",),
    "vtt": (".vtt",),
    "ttml": (".ttml",),
    "scc": (".scc",),
    "ass": (".ass",),
    "edl": (".markers.edl",),
    "fcpxml": (".fcpxml",),
    "csv": (".markers.csv",),
}
"""The delivery formats ``--formats`` names, and the files each writes beside the prose, the review page and the report."""
FORMAT_GROUPS = {"markers": ("edl", "fcpxml", "csv"), "all": tuple(FORMAT_SUFFIXES)}
DEFAULT_FORMATS = ("srt", "vtt")


def parse_formats(text: str) -> tuple[str, ...]:
    """``srt,vtt,ttml`` -> the formats in their canonical order; ``markers`` is edl, fcpxml and csv; ``all`` every one."""
    chosen: set[str] = set()
    for name in (part.strip().lower() for part in text.split(",")):
        if not name:
            continue
        if name in FORMAT_GROUPS:
            chosen.update(FORMAT_GROUPS[name])
        elif name in FORMAT_SUFFIXES:
            chosen.add(name)
        else:
            names = ", ".join([*FORMAT_SUFFIXES, *FORMAT_GROUPS])
            raise CleanupError(None, f"--formats: unknown format {name!r}: choose from {names}")
    if not chosen:
        names = ", ".join([*FORMAT_SUFFIXES, *FORMAT_GROUPS])
        raise CleanupError(None, f"--formats is empty: name at least one of {names}")
    return tuple(f for f in FORMAT_SUFFIXES if f in chosen)


def output_suffixes(formats: tuple[str, ...] = DEFAULT_FORMATS) -> tuple[str, ...]:
    """Every file an input gives, in the order they are written: the prose, the formats, the review page, the report."""
    return (".txt", *(s for f in FORMAT_SUFFIXES if f in formats for s in FORMAT_SUFFIXES[f]), ".review.html", ".report.json")


OUTPUT_SUFFIXES = output_suffixes()
"""The files of a run with the default formats."""
ALL_SUFFIXES = output_suffixes(tuple(FORMAT_SUFFIXES))
REPORT_SCHEMA_PREFIX = "cleanup.report/"
_OUR_REPORT = re.compile(r'^\{\s*"schema"\s*:\s*"' + re.escape(REPORT_SCHEMA_PREFIX))


@dataclass(frozen=True)
class Job:
    """One input and where its outputs go: ``base`` plus each of ``OUTPUT_SUFFIXES``."""

    path: Path
    base: Path
    label: str
    """How the input is named in messages: as given, or relative to the folder it was found in."""

    suffixes: tuple[str, ...] = OUTPUT_SUFFIXES
    """What this run writes for it (``--formats``)."""

    def outputs(self) -> list[Path]:
        return [self.base.with_name(self.base.name + suffix) for suffix in self.suffixes]


@dataclass
class Plan:
    jobs: list[Job]
    empty: list[Path] = field(default_factory=list)
    """Folders given that held no transcript to read."""
    notes: list[str] = field(default_factory=list)
    """Things the user should know before the run: what was skipped, what was read once."""


def _real(path: Path) -> str:
    return os.path.realpath(path)


def origin(input_path: Path, base: Path) -> str:
    """The input's real path as seen from its outputs' real folder (``../talks/x.txt``): the same
    wherever the two are moved together, and different for a different input of the same name."""
    return os.path.relpath(_real(input_path), _real(base.parent))


def written_by_us(base: Path) -> bool:
    """True when ``base.report.json`` is a report of this tool (its first key is our schema)."""
    report = base.with_name(base.name + ".report.json")
    try:
        with report.open(encoding="utf-8") as fh:
            head = fh.read(200)
    except (OSError, UnicodeDecodeError):
        return False
    return bool(_OUR_REPORT.match(head))


def read_report(base: Path) -> dict[str, Any] | None:
    """``base.report.json`` when it is one of ours, else None."""
    if not written_by_us(base):
        return None
    try:
        data = json.loads(base.with_name(base.name + ".report.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _is_our_output(path: Path) -> bool:
    """A ``.txt`` (or ``.srt``/``.vtt``) that sits beside a report of ours with the same stem."""
    name = path.name
    for suffix in ALL_SUFFIXES:
        if name.endswith(suffix) and suffix != ".report.json":
            return written_by_us(path.with_name(name[: -len(suffix)]))
    return False


def _takes(name: str) -> bool:
    return not name.startswith(".") and name.lower().endswith(FOLDER_SUFFIXES)


def walk(folder: Path, skip: set[str], notes: list[str]) -> list[Path]:
    """Transcript files below ``folder`` in sorted order, skipping hidden entries, links to
    folders, the folders in ``skip`` (real paths) and this tool's own outputs."""
    found: list[Path] = []
    ours = 0
    for root, dirs, files in os.walk(folder, followlinks=False):
        kept = []
        for d in sorted(dirs):
            if d.startswith("."):
                continue
            if _real(Path(root) / d) in skip:
                _note_skipped_out_dir(Path(root) / d, notes)
                continue
            kept.append(d)
        dirs[:] = kept
        for name in sorted(files):
            path = Path(root) / name
            if not _takes(name) or not path.is_file():
                continue
            if _is_our_output(path):
                ours += 1
            else:
                found.append(path)
    if ours:
        notes.append(f"{folder}: skipped {ours} file{'s' if ours > 1 else ''} that cleanup wrote (beside their .report.json)")
    return found


def _note_skipped_out_dir(folder: Path, notes: list[str]) -> None:
    theirs = [p for p in sorted(folder.rglob("*")) if _takes(p.name) and p.is_file() and not _is_our_output(p)]
    if theirs:
        shown = ", ".join(str(p.relative_to(folder)) for p in theirs[:3]) + (" ..." if len(theirs) > 3 else "")
        notes.append(
            f"{folder}: not read, it is the output folder; it holds {len(theirs)} transcript{'s' if len(theirs) > 1 else ''} "
            f"cleanup did not write ({shown}): give them as inputs to clean them"
        )


def plan(inputs: list[Path], out_dir: Path, force: bool = False, suffixes: tuple[str, ...] = OUTPUT_SUFFIXES) -> Plan:
    """The jobs of a run, checked (:func:`check`). ``suffixes``: the files each input gives (``--formats``)."""
    out_real = _real(out_dir)
    found = Plan([])
    candidates: list[Job] = []
    several = len(inputs) > 1
    for given in inputs:
        if given.is_dir():
            files = walk(given, {out_real}, found.notes)
            if not files:
                found.empty.append(given)
            for f in files:
                rel = f.relative_to(given)
                candidates.append(Job(f, out_dir / rel.parent / f.stem, str(f) if several else str(rel), suffixes))
        else:
            candidates.append(Job(given, out_dir / given.stem, str(given), suffixes))
    found.jobs = _once(candidates, found.notes)
    check(found.jobs, force)
    return found


def _once(candidates: list[Job], notes: list[str]) -> list[Job]:
    """Each real file once, in the place of its first mention, under its own name when it was
    also given through a link."""
    groups: dict[str, list[Job]] = {}
    for job in candidates:
        groups.setdefault(_real(job.path), []).append(job)
    jobs = []
    for group in groups.values():
        chosen = next((j for j in group if not j.path.is_symlink()), group[0])
        jobs.append(chosen)
        others = sorted({str(j.path) for j in group if j is not chosen and j.path != chosen.path})
        if others:
            notes.append(f"{chosen.path}: the same file as {', '.join(others)}; read once")
    return jobs


def check(jobs: list[Job], force: bool = False) -> None:
    """Refuse a plan that would lose data: an output replacing an input, two inputs writing the
    same output, or (unless ``force``) replacing a file that is not this input's untouched output."""
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
        if not force:
            _check_replaceable(job)


def _check_replaceable(job: Job) -> None:
    """An existing output may be replaced only when it is this input's, as this tool wrote it."""
    taken = [out for out in job.outputs() if out.exists() or out.is_symlink()]
    if not taken:
        return
    report = read_report(job.base)
    if report is None:
        raise UsageError(
            taken[0], "exists and was not written by cleanup: move it away, choose another --out, or add --force to replace it"
        )
    was = report.get("input", {}).get("relative_to_outputs") if isinstance(report.get("input"), dict) else None
    now = origin(job.path, job.base)
    if was is not None and was != now:
        raise UsageError(
            job.path,
            f"{job.base}.* were written from another input ({was}, seen from {job.base.parent}): "
            "choose another --out, or add --force to replace them",
        )
    sums = report.get("outputs")
    if not isinstance(sums, dict):
        raise UsageError(
            taken[0], "was written by an earlier version of cleanup that kept no checksums: add --force to replace it, or move it away"
        )
    for out in taken:
        if out.name.endswith(".report.json"):
            continue
        want = sums.get(out.name)
        if want is None or _sha256(out) != want:
            raise UsageError(out, "was changed since cleanup wrote it (hand edits?): move it away, or add --force to replace it")


def stale_outputs(base: Path, writing: set[Path]) -> tuple[list[Path], list[Path]]:
    """Files an earlier run of ours wrote at ``base`` that this run will not write (fewer
    ``--formats``): (untouched since, by its report's checksums: to remove; changed since: to leave)."""
    report = read_report(base)
    earlier = report.get("outputs") if report is not None else None
    if not isinstance(earlier, dict):
        return [], []
    stale: list[Path] = []
    kept: list[Path] = []
    for suffix in ALL_SUFFIXES:
        path = base.with_name(base.name + suffix)
        if path in writing or suffix == ".report.json" or path.name not in earlier or not path.is_file() or path.is_symlink():
            continue
        (stale if _sha256(path) == earlier[path.name] else kept).append(path)
    return stale, kept


def _sha256(path: Path) -> str | None:
    try:
        return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


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
    if out_dir.is_symlink() and not out_dir.exists():
        raise UsageError(None, f"--out {out_dir}: a link to a folder that does not exist ({os.readlink(out_dir)})")
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
