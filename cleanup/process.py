"""One input file to its outputs: the Python API the CLI calls once per file.

:class:`Options` is a plain value (settings only, picklable); the grammar engine and the
dictionaries are per-process resources, built once when first needed (:func:`engine_for`).
:func:`render` turns an input into the text of its outputs without touching the disk;
:func:`process` also writes them, all or none.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from cleanup.clean.base import Context
from cleanup.clean.pipeline import clean
from cleanup.engines import GrammarEngine, languagetool_url, make_engine
from cleanup.errors import CleanupError
from cleanup.model import Document, Note
from cleanup.plan import OUTPUT_SUFFIXES
from cleanup.readers import read
from cleanup.subtitles import TimingOptions, make_subtitles
from cleanup.subtitles.rules import parse_time, preset
from cleanup.subtitles.timing import DEFAULT_WPM
from cleanup.writers.atomic import write_all
from cleanup.writers.prose import render_prose
from cleanup.writers.report import build_report, render_report
from cleanup.writers.srt import render_srt
from cleanup.writers.vtt import render_vtt


@dataclass(frozen=True)
class Options:
    """Settings of a run: the same for every input."""

    out_dir: Path = Path("out")
    words: frozenset[str] = frozenset()
    """Protected words (lower case): never changed. :func:`load_words` reads a ``--words`` file."""
    languagetool: str | None = None
    max_paragraph_sentences: int = 8
    wpm: float = DEFAULT_WPM
    fps: float = 25.0
    duration: str | None = None
    start: str | None = None
    preset: str = "netflix"


@dataclass
class Result:
    path: Path
    outputs: list[Path]
    doc: Document
    changes: int
    flagged: int
    notes: int
    cues: int = 0
    note_times: list[int] = field(default_factory=list)
    """When each removed note stood (ms), in the order of ``doc.notes``."""

    def timed_notes(self) -> list[tuple[Note, int]]:
        return list(zip(self.doc.notes, self.note_times, strict=True))


@dataclass
class Rendered:
    """The outputs of one input as text, keyed by suffix (``.txt``, ``.srt``, ``.vtt``, ``.report.json``)."""

    texts: dict[str, str]
    result: Result


@functools.cache
def engine_for(languagetool: str | None) -> GrammarEngine:
    """The grammar engine, built once per process."""
    return make_engine(languagetool)


def load_words(path: Path) -> frozenset[str]:
    """A protected-word list: one word or phrase a line; ``#`` starts a comment anywhere on a line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CleanupError(path, "cannot read the word list: not UTF-8 text") from None
    except OSError as exc:
        raise CleanupError(path, f"cannot read the word list: {exc.strerror or exc}") from None
    words = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return frozenset(w for w in words if w)


def timing_options(options: Options) -> TimingOptions:
    duration = parse_time(options.duration, options.fps) if options.duration is not None else None
    if duration is not None and duration <= 0:
        raise CleanupError(None, f"--duration must be longer than zero, not {options.duration!r}")
    return TimingOptions(
        wpm=options.wpm,
        duration_ms=duration,
        offset_ms=parse_time(options.start, options.fps) if options.start else 0,
    )


def render(path: Path, options: Options) -> Rendered:
    """Read, clean and cut one input; return the text of its outputs (nothing is written)."""
    rules = preset(options.preset, options.fps)
    timing = timing_options(options)
    doc = read(path)
    engine = engine_for(languagetool_url(options.languagetool))
    ctx = Context(protected=options.words, engine=engine, max_paragraph_sentences=options.max_paragraph_sentences)
    cleaned = clean(doc, ctx)
    try:
        subs = make_subtitles(cleaned.doc, rules, timing)
    except CleanupError as exc:
        raise CleanupError(path, exc.message) from None
    report = build_report(str(path), subs.doc, cleaned.changes, cleaned.flags, engine.name, subs)
    texts = {
        ".txt": render_prose(cleaned.doc),
        ".srt": render_srt(subs.cues),
        ".vtt": render_vtt(subs.cues, subs.editor_notes(), cleaned.doc.title),
        ".report.json": render_report(report),
    }
    assert tuple(texts) == OUTPUT_SUFFIXES
    result = Result(
        path, [], cleaned.doc, len(cleaned.changes), len(cleaned.flags), len(cleaned.doc.notes), len(subs.cues), subs.note_times
    )
    return Rendered(texts, result)


def process(path: Path, options: Options, base: Path | None = None) -> Result:
    """One input to its four outputs at ``base`` + suffix (default ``OUT/<stem>``), all or none."""
    rendered = render(path, options)
    base = base if base is not None else options.out_dir / path.stem
    files = {base.with_name(base.name + suffix): text for suffix, text in rendered.texts.items()}
    write_all(files, str(path))
    rendered.result.outputs = list(files)
    return rendered.result
