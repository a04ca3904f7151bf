"""One input file to its outputs: the Python API the CLI calls once per file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cleanup.clean.base import Context
from cleanup.clean.pipeline import clean
from cleanup.engines import GrammarEngine, make_engine
from cleanup.errors import CleanupError
from cleanup.model import Document
from cleanup.readers import read
from cleanup.subtitles import TimingOptions, make_subtitles
from cleanup.subtitles.rules import parse_time, preset
from cleanup.subtitles.timing import DEFAULT_WPM
from cleanup.writers.atomic import write_all
from cleanup.writers.prose import render_prose
from cleanup.writers.report import build_report, render_report
from cleanup.writers.srt import render_srt
from cleanup.writers.vtt import render_vtt


@dataclass
class Options:
    out_dir: Path = Path("out")
    words_file: Path | None = None
    languagetool: str | None = None
    max_paragraph_sentences: int = 8
    wpm: float = DEFAULT_WPM
    fps: float = 25.0
    duration: str | None = None
    start: str | None = None
    preset: str = "netflix"
    _engine: GrammarEngine | None = field(default=None, repr=False)
    _protected: frozenset[str] | None = field(default=None, repr=False)

    def engine(self) -> GrammarEngine:
        if self._engine is None:
            self._engine = make_engine(self.languagetool)
        return self._engine

    def protected(self) -> frozenset[str]:
        if self._protected is None:
            self._protected = load_words(self.words_file) if self.words_file else frozenset()
        return self._protected


@dataclass
class Result:
    path: Path
    outputs: list[Path]
    doc: Document
    changes: int
    flagged: int
    notes: int
    cues: int = 0


def load_words(path: Path) -> frozenset[str]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CleanupError(path, f"cannot read the word list: {getattr(exc, 'strerror', None) or exc}") from None
    return frozenset(w.strip().lower() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def timing_options(options: Options) -> TimingOptions:
    return TimingOptions(
        wpm=options.wpm,
        duration_ms=parse_time(options.duration, options.fps) if options.duration else None,
        offset_ms=parse_time(options.start, options.fps) if options.start else 0,
    )


def process(path: Path, options: Options) -> Result:
    rules = preset(options.preset, options.fps)
    timing = timing_options(options)
    doc = read(path)
    ctx = Context(protected=options.protected(), engine=options.engine(), max_paragraph_sentences=options.max_paragraph_sentences)
    cleaned = clean(doc, ctx)
    subs = make_subtitles(cleaned.doc, rules, timing)
    stem = path.stem
    out = options.out_dir
    report = build_report(str(path), subs.doc, cleaned.changes, cleaned.flags, ctx.engine.name if ctx.engine else "none", subs)
    files = {
        out / f"{stem}.txt": render_prose(cleaned.doc),
        out / f"{stem}.srt": render_srt(subs.cues),
        out / f"{stem}.vtt": render_vtt(subs.cues, subs.editor_notes(), cleaned.doc.title),
        out / f"{stem}.report.json": render_report(report),
    }
    write_all(files, str(path))
    return Result(path, list(files), cleaned.doc, len(cleaned.changes), len(cleaned.flags), len(cleaned.doc.notes), len(subs.cues))
