"""One input file to its outputs: the Python API the CLI calls once per file.

:class:`Options` is a plain value (settings only, picklable); the grammar engine and the
dictionaries are per-process resources, built once when first needed (:func:`engine_for`).
:func:`render` turns an input into the text of its outputs without touching the disk;
:func:`process` also writes them, all or none.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from cleanup.clean.base import Context
from cleanup.clean.pipeline import clean
from cleanup.engines import GrammarEngine, languagetool_url, make_engine
from cleanup.errors import CleanupError, read_user_text
from cleanup.model import Document
from cleanup.plan import DEFAULT_FORMATS, FORMAT_SUFFIXES, origin, output_suffixes, stale_outputs
from cleanup.readers import read
from cleanup.subtitles import Subtitles, TimingOptions, make_subtitles
from cleanup.subtitles.check import summary as check_summary
from cleanup.subtitles.rules import SubtitleRules, parse_time, preset
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
    source_format: str | None = None
    """The input format when the user names it (``--from``); sniffed from the content when None."""
    keep_fillers: bool = False
    keep_sound_tags: bool = False
    audio: Path | None = None
    """The narration (any audio or video ffmpeg reads): the cues are timed to the voice (``--audio``)."""
    decisions: Path | None = None
    """An editor's review decisions (``--decisions``, exported by the review page): re-applied."""
    formats: tuple[str, ...] = DEFAULT_FORMATS
    """The delivery formats written beside the prose, the review page and the report (``--formats``)."""


@dataclass
class Result:
    """What a run of one input did, small enough to send between processes and machines."""

    path: Path
    outputs: list[Path]
    words: int
    """Words in the input body."""
    changes: int
    flagged: int
    notes: list[tuple[str, int]]
    """Each removed note's kind (``editorial`` or ``pronunciation``) and when it stood (ms)."""
    cues: int
    encoding: str = "utf-8"
    encoding_confidence: float = 1.0
    time_sources: dict[str, int] | None = None
    """How many cues have each source of times (``estimated``, ``source-cue``, ``source-word``, ``audio``)."""
    too_fast: int = 0
    """Cues still faster than the reading speed (timed inputs: no word is dropped to make them readable)."""
    rule_errors: int = 0
    """Subtitle rules the cues still break, beyond reading speed (a word longer than a line: a URL)."""
    repairs: int = 0
    """Times in the input that had to be repaired (running backwards, overlapping, empty cues)."""
    timed: bool = False
    """The input gave the times (``--wpm`` and ``--duration`` did not apply)."""
    unmatched_decisions: int = 0
    """Review decisions (``--decisions``) that matched no change or doubt of this run."""
    stale_removed: list[str] = field(default_factory=list)
    """Delivery files of an earlier run this run does not write (fewer ``--formats``), removed."""
    stale_left: list[str] = field(default_factory=list)
    """The same, but changed since they were written: left where they are."""


@dataclass
class Rendered:
    """The outputs of one input: the text of the prose and subtitles, keyed by suffix (``.txt``,
    ``.srt``, ``.vtt``), and the report, finished when it is written (:func:`write_outputs`)."""

    texts: dict[str, str]
    report: dict[str, Any]
    result: Result
    doc: Document | None = None
    """The cleaned document the subtitles were cut from (in-process callers; not sent between processes)."""


@functools.cache
def engine_for(languagetool: str | None) -> GrammarEngine:
    """The grammar engine, built once per process."""
    return make_engine(languagetool)


def load_words(path: Path) -> frozenset[str]:
    """A protected-word list: one word or phrase a line; ``#`` starts a comment anywhere on a line."""
    text = read_user_text(path, "word list")
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
        keep_sound_tags=options.keep_sound_tags,
    )


def render(path: Path, options: Options, data: bytes | None = None) -> Rendered:
    """Read, clean and cut one input; return the text of its outputs (nothing is written).
    ``data``: the input's bytes, when the caller read them (a worker with no access to the disk)."""
    rules = preset(options.preset, options.fps)
    timing = timing_options(options)
    doc = read(path, data, options.source_format)
    engine = engine_for(languagetool_url(options.languagetool))
    decisions = None
    if options.decisions is not None:
        from cleanup.clean.decisions import load_decisions

        decisions = load_decisions(options.decisions)
    ctx = Context(
        protected=options.words,
        engine=engine,
        max_paragraph_sentences=options.max_paragraph_sentences,
        options={"keep_fillers": "yes"} if options.keep_fillers else {},
        decisions=decisions,
    )
    cleaned = clean(doc, ctx)
    if options.audio is not None:
        cleaned.doc = with_audio_times(cleaned.doc, options.audio)
    try:
        subs = make_subtitles(cleaned.doc, rules, timing)
    except CleanupError as exc:
        raise CleanupError(path, exc.message) from None
    report = build_report(str(path), subs.doc, cleaned.changes, cleaned.flags, engine.name, subs)
    if decisions is not None:
        unmatched = list(cleaned.unmatched)
        report["decisions"] = {
            "file": str(options.decisions),
            "applied": [d.raw for d in decisions.decisions if d.decision in ("reject", "resolve") and d.raw not in unmatched],
            "unmatched": unmatched,
        }
    from cleanup.writers.review import render_review

    made = _deliveries(subs, cleaned.doc, report, rules, timing, options.formats, path, ";" in (options.start or ""))
    texts = {".txt": render_prose(cleaned.doc)}
    texts.update((suffix, made[suffix]) for suffix in output_suffixes(options.formats) if suffix in made)
    # the page names its input by the file's name only: it stays the same wherever the input was given from
    texts[".review.html"] = render_review({**report, "input": {**report["input"], "path": path.name}}, subs.doc, path.stem)
    result = Result(
        path,
        [],
        words=len(doc.input_words),
        changes=len(cleaned.changes),
        flagged=len(cleaned.flags),
        notes=[(n.kind, t) for n, t in zip(cleaned.doc.notes, subs.note_times, strict=True)],
        cues=len(subs.cues),
        encoding=doc.encoding,
        encoding_confidence=doc.encoding_confidence,
        time_sources=dict(Counter(c.source for c in subs.cues)),
        too_fast=len(subs.too_fast),
        rule_errors=sum(1 for v in subs.violations if v.severity == "error" and v.rule != "reading-speed"),
        repairs=len(doc.repairs),
        timed=subs.timed_input,
        unmatched_decisions=len(cleaned.unmatched),
    )
    return Rendered(texts, report, result, subs.doc)


def _deliveries(
    subs: Subtitles,
    doc: Document,
    report: dict[str, Any],
    rules: SubtitleRules,
    timing: TimingOptions,
    formats: tuple[str, ...],
    path: Path,
    drop_frame: bool = False,
) -> dict[str, str]:
    """The text of each delivery file ``formats`` asks for, keyed by suffix; what each was cut with
    goes into the report (``deliveries``)."""
    made: dict[str, str] = {}
    cut_with: dict[str, str] = {}
    if "srt" in formats:
        made[".srt"] = render_srt(subs.cues)
    if "vtt" in formats:
        made[".vtt"] = render_vtt(subs.cues, subs.editor_notes(), doc.title)
    if "ttml" in formats:
        from cleanup.writers.formats import render_ttml

        made[".ttml"] = render_ttml(subs.cues, rules, doc.title)
    if "ass" in formats:
        from cleanup.writers.formats import render_ass

        made[".ass"] = render_ass(subs.cues, doc.title)
    for suffix in made:
        cut_with[suffix] = rules.name
    if "scc" in formats:
        from cleanup.writers.formats import render_scc

        rules608 = preset("cea608")
        try:
            subs608 = make_subtitles(doc, rules608, timing)
        except CleanupError as exc:
            raise CleanupError(path, f"the CEA-608 captions: {exc.message}") from None
        made[".scc"], swapped = render_scc(subs608.cues, rules608.fps)
        cut_with[".scc"] = rules608.name
        report["cea608"] = {
            "rules": asdict(rules608),
            "cues": len(subs608.cues),
            "check": check_summary(subs608.timed(), subs608.violations),
            "transliterated": [{"from": a, "to": b} for a, b in swapped],
        }
    if {"edl", "fcpxml", "csv"} & set(formats):
        from cleanup.writers.markers import render_marker_files

        marker_files = render_marker_files(report, subs.doc, doc.title or path.stem, rules.fps, drop=drop_frame)
        for fmt in ("edl", "fcpxml", "csv"):
            if fmt in formats:
                (suffix,) = FORMAT_SUFFIXES[fmt]
                made[suffix] = marker_files[suffix]
    report["deliveries"] = cut_with
    return made


def finish_report(rendered: Rendered, base: Path) -> dict[Path, str]:
    """The four files of an input at ``base`` + each suffix. The report is finished here, where the
    outputs' place is known: it records the input's path as seen from the output folder and a
    SHA-256 of each other output, so that a later run can tell its own untouched outputs from a
    different input's or from hand edits (:func:`cleanup.plan.check`)."""
    files = {base.with_name(base.name + suffix): text for suffix, text in rendered.texts.items()}
    report = dict(rendered.report)
    report["input"] = {**report["input"], "relative_to_outputs": origin(rendered.result.path, base)}
    report["outputs"] = {path.name: "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest() for path, text in files.items()}
    files[base.with_name(base.name + ".report.json")] = render_report(report)
    assert next(iter(files)).name.endswith(".txt") and list(files)[-1].name.endswith(".report.json")
    return files


progress_hook: Callable[[float], None] | None = None
"""Called with the fraction done while a long step runs in this process (the aligner): the CLI's
progress bar for a single input. Never set in worker processes."""


def release_cleaning_resources() -> None:
    """Let go of what the cleaning stages loaded (Harper's linter, the dictionaries, the trigram
    model: some 250 MB) before a long step that needs none of it (the aligner), and hand the freed
    memory back to the system where the C library can (glibc's ``malloc_trim``). The next input
    that needs them loads them again."""
    import ctypes
    import ctypes.util
    import gc

    from cleanup.clean import lexicon, spelling
    from cleanup.engines import harper

    engine_for.cache_clear()
    harper.shared_linter.cache_clear()
    lexicon.get_lexicon.cache_clear()
    lexicon.get_context_model.cache_clear()
    spelling._american.cache_clear()
    for member in vars(lexicon.Lexicon).values():
        clear = getattr(getattr(member, "__func__", member), "cache_clear", None)
        if clear is not None:
            clear()
    gc.collect()
    libc = ctypes.util.find_library("c")
    if libc:
        try:
            ctypes.CDLL(libc).malloc_trim(0)
        except (OSError, AttributeError):  # not glibc: the memory is reused by this process instead
            pass


def with_audio_times(doc: Document, audio: Path) -> Document:
    """The cleaned words (what the narrator reads: notes and pronunciation guides are already out
    of the tokens) aligned to the narration: each token's time from the audio (``audio``, with the
    aligner's confidence), or, where the audio and the text disagree, placed between the trusted
    words around it (``estimated``). A token with no word in it (a dash) is timed by its neighbours."""
    from cleanup.align import align_words, decode_audio

    release_cleaning_resources()
    spoken = [k for k, t in enumerate(doc.tokens) if t.core]
    pcm = decode_audio(audio)
    times = align_words([doc.tokens[k].text for k in spoken], pcm, progress=progress_hook, path=audio)
    tokens = list(doc.tokens)
    for k, wt in zip(spoken, times, strict=True):
        source = "audio" if wt.reliable else "estimated"
        tokens[k] = replace(tokens[k], time=(wt.start_ms, wt.end_ms), time_source=source, time_confidence=wt.confidence)
    for k, tok in enumerate(tokens):
        if not tok.core:
            tokens[k] = replace(tok, time=None, time_source=None)
    unreliable = sum(1 for wt in times if not wt.reliable)
    meta = {**doc.meta, "audio": str(audio), "audio_words": str(len(times)), "audio_unreliable": str(unreliable)}
    return replace(doc, tokens=tuple(tokens), meta=meta)


def write_outputs(rendered: Rendered, base: Path) -> Result:
    """Write a rendered input's outputs at ``base`` + each suffix, all or none. Delivery files an
    earlier run wrote for this input that this run does not (fewer ``--formats``) are removed
    after, when they are as that run wrote them (its report's checksums): a stale ``.vtt`` or
    ``.scc`` must not be handed over by mistake. A file changed since is left, and said."""
    stale, kept = stale_outputs(base, {base.with_name(base.name + s) for s in rendered.texts})
    if stale or kept:
        rendered.report["earlier_outputs"] = {"removed": [p.name for p in stale], "left_changed": [p.name for p in kept]}
    files = finish_report(rendered, base)
    write_all(files, str(rendered.result.path))
    for path in stale:
        with contextlib.suppress(OSError):
            path.unlink()
    rendered.result.outputs = list(files)
    rendered.result.stale_removed = [p.name for p in stale]
    rendered.result.stale_left = [p.name for p in kept]
    return rendered.result


def process(path: Path, options: Options, base: Path | None = None) -> Result:
    """One input to its four outputs at ``base`` + suffix (default ``OUT/<stem>``), all or none."""
    return write_outputs(render(path, options), base if base is not None else options.out_dir / path.stem)
