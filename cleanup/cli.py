"""The command line: thin. It finds inputs, calls :func:`cleanup.process.process` per file,
shows progress and a summary, and maps errors to exit codes (0 ok, 1 a file failed, 2 usage)."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cleanup import __version__
from cleanup.errors import CleanupError
from cleanup.subtitles.timing import DEFAULT_WPM, MAX_WPM, MIN_WPM

if TYPE_CHECKING:
    from rich.progress import Progress

    from cleanup.plan import Job
    from cleanup.process import Options, Result
    from cleanup.run import Outcome, Runner
    from cleanup.subtitles.rules import SubtitleRules

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn raw caption transcripts into clean prose and a report of every change.",
    pretty_exceptions_enable=False,
)


def _err(message: str) -> None:
    print(f"cleanup: {message}", file=sys.stderr)


def _progress() -> Progress:
    """A progress bar on stderr that leaves nothing behind, and is not drawn at all when stderr is
    not a terminal (a log file would get a stray blank line where the bar was)."""
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    return Progress(console=console, transient=True, disable=not console.is_terminal)


def _say(exc: CleanupError) -> None:
    _err(f"{exc.path}: {exc.message}" if exc.path else exc.message)


def _version(value: bool) -> None:
    if value:
        print(f"cleanup {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", help="Show the version and exit.", callback=_version, is_eager=True, expose_value=True)
    ] = False,
) -> None:
    """Turn raw caption transcripts into clean prose and a report of every change."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C is (exit 143 instead of 130)."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated()


def _clock(ms: int) -> str:
    h, rest = divmod(round(ms / 1000), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}"


def _note_times(result: Result, limit: int = 4) -> str:
    timed = result.notes
    kinds = {"editorial": "editor's note", "pronunciation": "pronunciation guide"}
    parts = [f"{kinds.get(kind, kind)} at {_clock(t)}" for kind, t in timed[:limit]]
    if len(timed) > limit:
        parts.append(f"{len(timed) - limit} more")
    return ", ".join(parts)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _encoding_doubt(result: Result) -> str:
    if result.encoding_confidence >= 0.95:
        return ""
    return f"encoding guessed: {result.encoding} (confidence {result.encoding_confidence:.2f})"


def _single_summary(job: Job, result: Result) -> None:
    base = job.base
    names = ", ".join(p.name for p in result.outputs)
    print(f"{job.label} -> {base.parent}{os.sep}: {names}")
    review = [_plural(result.flagged, "doubt") + " flagged"]
    if result.notes:
        review.append(_plural(len(result.notes), "note") + f" removed ({_note_times(result)})")
    else:
        review.append("no notes removed")
    if result.repairs:
        review.append(_plural(result.repairs, "timing repair") + " of the input")
    if result.rule_errors:
        review.append(_plural(result.rule_errors, "subtitle rule") + " broken (a word longer than a line? listed under subtitles.check)")
    doubt = _encoding_doubt(result)
    if doubt:
        review.append(doubt + ": check accented letters and quotes")
    print(f"to review: {'; '.join(review)}; open {base.name}.review.html to see and decide each change")
    times = _times_said(result)
    if times:
        print(f"times: {times}")
    if result.stale_removed:
        _err(f"{job.label}: removed the earlier run's {', '.join(result.stale_removed)} (not asked for this time, unchanged since written)")
    if result.stale_left:
        _err(f"{job.label}: left the earlier run's {', '.join(result.stale_left)}: not asked for this time, and changed since written")
    if result.unmatched_decisions:
        _err(
            f"{job.label}: {_plural(result.unmatched_decisions, 'review decision')} matched nothing in this run "
            f"(listed under decisions.unmatched in {base.name}.report.json)"
        )


SOURCE_NAMES = {
    "source-word": "the input's word times",
    "source-cue": "the input's cue times",
    "audio": "the audio",
    "estimated": "estimated",
}


def _times_said(result: Result) -> str:
    """Where the cues' times came from, when any came from the input: an editor must see which to trust."""
    sources = result.time_sources or {}
    if set(sources) <= {"estimated"}:
        return ""
    said = ", ".join(f"{n} cues from {SOURCE_NAMES.get(k, k)}" if k != "estimated" else f"{n} estimated" for k, n in sources.items())
    if result.too_fast:
        said += f"; {_plural(result.too_fast, 'cue')} faster than the reading speed (listed in the report)"
    return said


def _times_short(result: Result) -> str:
    short = {"source-word": "word", "source-cue": "cue", "audio": "audio", "estimated": "est."}
    sources = result.time_sources or {}
    return ", ".join(f"{short.get(k, k)} {n}" for k, n in sorted(sources.items(), key=lambda kv: -kv[1]))


def _batch_summary(jobs: list[Job], results: dict[Job, Result], failed: dict[Job, str], out: Path) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    rows = []
    for job in jobs:
        if job in results:
            r = results[job]
            times = ", ".join(_clock(t) for _, t in r.notes[:3]) + (", ..." if len(r.notes) > 3 else "")
            noted = f"{len(r.notes)} ({times})" if r.notes else "0"
            doubt = _encoding_doubt(r)
            rows.append(
                [
                    job.label,
                    str(r.words),
                    str(r.changes),
                    str(r.flagged),
                    noted,
                    str(r.cues),
                    _times_short(r),
                    ", ".join(
                        ["ok"]
                        + ([_plural(r.repairs, "timing repair")] if r.repairs else [])
                        + ([f"{r.too_fast} too fast to read"] if r.too_fast else [])
                        + ([f"{_plural(r.rule_errors, 'subtitle rule')} broken (in the report)"] if r.rule_errors else [])
                        + ([doubt] if doubt else [])
                    ),
                ]
            )
        elif job in failed:
            rows.append([job.label, "", "", "", "", "", "", f"failed: {failed[job]}"])
    header = ["input", "words", "changes", "flagged", "notes", "cues", "times", "status"]
    title = f"cleanup: {len(results)} done, {len(failed)} failed; outputs in {out}{os.sep}"
    terminal = sys.stdout.isatty()
    if terminal:
        console = Console()
    else:  # piped: wide enough that no name is cut
        widths = [max(len(h), *(len(row[k]) for row in rows)) for k, h in enumerate(header)]
        console = Console(width=max(80, sum(widths) + 3 * len(widths) + 1))
    console.print(title, highlight=False, soft_wrap=True, markup=False)
    table = Table()
    for col in header:
        table.add_column(col, justify="left" if col in ("input", "status", "notes", "times") else "right", overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))  # names may hold [brackets]: never markup
    console.print(table)
    flagged = sum(r.flagged for r in results.values())
    removed = sum(len(r.notes) for r in results.values())
    repaired = sum(r.repairs for r in results.values())
    if repaired:
        print(f"timing repairs: {repaired} in {sum(1 for r in results.values() if r.repairs)} inputs (listed in their reports)")
    print(
        f"to review: {_plural(flagged, 'doubt')} flagged and {_plural(removed, 'note') if removed else 'no notes'} removed; "
        "open the .review.html pages to see and decide each change"
    )


@app.command()
def run(
    inputs: Annotated[list[Path], typer.Argument(help="Transcript files, or folders of them.", show_default=False)],
    out_name: Annotated[str, typer.Option("--out", "-o", help="Folder for the outputs.")] = "out",
    words: Annotated[Path | None, typer.Option("--words", help="Protected words, one a line: never changed.")] = None,
    languagetool: Annotated[
        str | None,
        typer.Option("--languagetool", help="URL of a LanguageTool server to use instead of Harper (or set CLEANUP_LANGUAGETOOL_URL)."),
    ] = None,
    max_paragraph: Annotated[int, typer.Option("--max-paragraph", min=2, help="Most sentences in a paragraph.")] = 8,
    wpm: Annotated[
        float, typer.Option("--wpm", min=MIN_WPM, max=MAX_WPM, help="Narration speed for estimated times, words a minute.")
    ] = DEFAULT_WPM,
    fps: Annotated[float, typer.Option("--fps", min=1, max=240, help="Frame rate: times snap to its frames, gaps count them.")] = 25.0,
    duration: Annotated[
        str | None,
        typer.Option("--duration", help="Fit the whole transcript to this runtime, HH:MM:SS[.mmm] or timecode.", show_default=False),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="Time of the first cue: HH:MM:SS[.mmm], timecode HH:MM:SS:FF or drop-frame HH:MM:SS;FF.")
    ] = None,
    preset_name: Annotated[str, typer.Option("--preset", help="Subtitle rules: netflix, bbc or vertical.")] = "netflix",
    force: Annotated[bool, typer.Option("--force", help="Replace existing output files that cleanup did not write.")] = False,
    source_format: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="The inputs' format: srt, webvtt, youtube, show-transcript, caption-paste or plain (default: from the content).",
            show_default=False,
        ),
    ] = None,
    keep_fillers: Annotated[bool, typer.Option("--keep-fillers", help="Keep uh, um and erm of speech-to-text input.")] = False,
    keep_sound_tags: Annotated[bool, typer.Option("--keep-sound-tags", help="Keep [Music], [Applause] ... in the subtitles.")] = False,
    audio: Annotated[
        Path | None,
        typer.Option(
            "--audio", help="The narration (audio or video): time the cues to the voice. One transcript at a time.", show_default=False
        ),
    ] = None,
    formats_text: Annotated[
        str,
        typer.Option(
            "--formats",
            help="Delivery files, comma-separated: srt, vtt, ttml, scc, ass, edl, fcpxml, csv; markers = edl,fcpxml,csv; all.",
        ),
    ] = "srt,vtt",
    decisions: Annotated[
        Path | None,
        typer.Option(
            "--decisions",
            help="An editor's decisions from the review page (<stem>.decisions.json): re-applied. One transcript at a time.",
            show_default=False,
        ),
    ] = None,
    jobs_n: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Worker processes for a batch (default: all cores).", show_default=False),
    ] = None,
    cluster: Annotated[
        str | None, typer.Option("--cluster", help="Run on a Dask cluster: the scheduler's address, tcp://HOST:8786.", show_default=False)
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on an internal error.")] = False,
) -> None:
    """Clean transcripts into OUT/<stem>.txt, .srt, .vtt (and the --formats asked for), .review.html and .report.json."""
    from cleanup.cores import cores
    from cleanup.engines import languagetool_url
    from cleanup.plan import FOLDER_SUFFIXES, output_suffixes, parse_formats, plan, prepare_out_dir
    from cleanup.process import Options, load_words, timing_options
    from cleanup.readers import format_name
    from cleanup.subtitles.rules import preset

    # Everything about the call itself is checked before any input is read: one line, exit 2.
    out = Path(out_name)
    try:
        if not out_name.strip():
            raise CleanupError(None, "--out is empty: name a folder for the outputs (--out . for this one)")
        preset(preset_name, fps)
        options = Options(
            out_dir=out,
            words=load_words(words) if words is not None else frozenset(),
            languagetool=languagetool_url(languagetool),
            max_paragraph_sentences=max_paragraph,
            wpm=wpm,
            fps=fps,
            duration=duration,
            start=start,
            preset=preset_name,
            source_format=format_name(source_format) if source_format is not None else None,
            keep_fillers=keep_fillers,
            keep_sound_tags=keep_sound_tags,
            audio=audio,
            decisions=decisions,
            formats=parse_formats(formats_text),
        )
        timing_options(options)
        if out.exists() and not out.is_dir():
            raise CleanupError(None, f"--out {out}: is a file, not a folder")
        found = plan(inputs, out, force, output_suffixes(options.formats))
        if audio is not None:
            _check_audio(audio, len(found.jobs), cluster)
        if decisions is not None:
            _check_decisions(decisions, found.jobs)
        for note in found.notes:
            _err(note)
        if not found.jobs:
            folders = ", ".join(str(p) for p in found.empty)
            _err(f"no input files found in {folders} (looked for {', '.join(FOLDER_SUFFIXES)} files)")
            raise typer.Exit(1)
        created = not out.exists()
        prepare_out_dir(out)
    except CleanupError as exc:
        _say(exc)
        raise typer.Exit(2) from None
    if found.empty:
        _err(f"no input files found in {', '.join(str(p) for p in found.empty)} (looked for {', '.join(FOLDER_SUFFIXES)} files)")
    jobs = found.jobs
    from cleanup.align.pronounce import espeak_available

    if not espeak_available() and cluster is None:
        _err("espeak-ng is missing: spelling will not hear misspellings written as they sound (sudo apt-get install espeak-ng)")
    from cleanup.clean.lexicon import SCOWL_LISTS

    if not any(os.path.exists(p) for p in SCOWL_LISTS) and cluster is None:
        _err("SCOWL's large word lists are missing: a noun a product shares is taken for a name (sudo apt-get install wbritish-large)")
    try:
        code = _run_jobs(jobs, options, debug, cores() if jobs_n is None else jobs_n, cluster)
    finally:
        if created:  # a run that wrote nothing leaves no empty folder of its own behind
            with contextlib.suppress(OSError):
                out.rmdir()
    raise typer.Exit(code)


def _check_decisions(decisions: Path, jobs: list[Job]) -> None:
    """``--decisions`` before any work: one transcript (decisions are keyed by its positions), a valid
    file, made for a transcript of that name (another one's decisions would match nothing, or the
    wrong words)."""
    if len(jobs) != 1:
        raise CleanupError(None, f"--decisions goes with one transcript, not {len(jobs)}: its decisions are about that transcript")
    from cleanup.clean.decisions import load_decisions

    made_for = load_decisions(decisions).input
    if made_for and made_for != jobs[0].path.name:
        raise CleanupError(
            decisions,
            f"made for '{made_for}', not '{jobs[0].path.name}' (if the transcript was renamed, change the file's 'input')",
        )


def _check_audio(audio: Path, inputs: int, cluster: str | None) -> None:
    """``--audio`` before any work: one transcript, a readable file, the aligner installed."""
    if inputs != 1:
        raise CleanupError(None, f"--audio goes with one transcript, not {inputs}: run each transcript with its own narration")
    if cluster:
        raise CleanupError(None, "--audio runs on this machine: leave out --cluster")
    if not audio.is_file():
        raise CleanupError(audio, "no such file" if not audio.exists() else "is not a file")
    from cleanup.align import missing

    lacking = missing()
    if lacking:
        raise CleanupError(None, f"--audio: {lacking}")


def _runner(jobs: list[Job], options: Options, workers: int, cluster: str | None) -> Runner:
    if cluster:
        from cleanup.run.dask import DaskCluster

        return DaskCluster(jobs, options, cluster)
    from cleanup.run.local import InProcess, ProcessPool

    if workers > 1 and len(jobs) > 1:
        return ProcessPool(jobs, options, workers)
    return InProcess(jobs, options)


def _run_jobs(jobs: list[Job], options: Options, debug: bool, workers: int = 1, cluster: str | None = None) -> int:
    """Render every job with a runner and write each input's outputs as they come; Ctrl-C (or
    SIGTERM) stops the workers and leaves every finished set whole: exit 130 (143)."""
    import signal

    from rich.markup import escape

    from cleanup.process import write_outputs
    from cleanup.writers.atomic import signals_held

    results: dict[Job, Result] = {}
    failed: dict[Job, str] = {}
    stop_run = False

    def take(outcome: Outcome) -> None:
        nonlocal stop_run
        job = outcome.job
        if outcome.rendered is not None:
            try:
                results[job] = write_outputs(outcome.rendered, job.base)
            except CleanupError as exc:
                failed[job] = exc.message
                _say(exc)
            return
        failed[job] = str(outcome.error)
        hint = " (run with --debug for details)" if outcome.trace and not debug else ""
        _err(outcome.line() + hint)
        if debug and outcome.trace:
            print(outcome.trace, file=sys.stderr, end="")
        stop_run = stop_run or outcome.fatal

    in_main = threading.current_thread() is threading.main_thread()
    old_term = signal.signal(signal.SIGTERM, _terminate) if in_main else None
    runner: Runner | None = None
    try:
        try:
            runner = _runner(jobs, options, workers, cluster)
        except CleanupError as exc:
            _say(exc)
            return 1
        if len(jobs) == 1 and options.audio is not None:  # the aligner's progress, on stderr
            import cleanup.process

            with _progress() as progress:
                task = progress.add_task(f"aligning to {escape(options.audio.name)}", total=1.0)
                cleanup.process.progress_hook = lambda done: progress.update(task, completed=done)
                try:
                    for outcome in runner:
                        take(outcome)
                finally:
                    cleanup.process.progress_hook = None
            if jobs[0] in results:
                _single_summary(jobs[0], results[jobs[0]])
        elif len(jobs) == 1:
            for outcome in runner:
                take(outcome)
            if jobs[0] in results:
                _single_summary(jobs[0], results[jobs[0]])
        else:
            with _progress() as progress:
                task = progress.add_task("cleaning", total=len(jobs))
                for outcome in runner:
                    take(outcome)
                    progress.update(task, description=escape(outcome.job.label), advance=1)
                    if stop_run:
                        break
            _batch_summary(jobs, results, failed, options.out_dir)
        runner.close(abort=stop_run)
        timed = sum(1 for r in results.values() if r.timed)
        given = [name for name, on in (("--wpm", options.wpm != DEFAULT_WPM), ("--duration", options.duration is not None)) if on]
        if timed and given:
            verb = "applies" if len(given) == 1 else "apply"
            if options.audio is not None:
                _err(f"note: {' and '.join(given)} {verb} to inputs without times; the narration gave the times")
            else:
                _err(
                    f"note: {' and '.join(given)} {verb} to inputs without times; "
                    f"{_plural(timed, 'timed input')} kept {'its' if timed == 1 else 'their'} own times"
                )
    except KeyboardInterrupt as exc:
        if runner is not None:
            with signals_held():
                runner.close(abort=True)
        left = [j.label for j in jobs if j not in results and j not in failed]
        shown = ", ".join(left[:3]) + (f" and {len(left) - 3} more" if len(left) > 3 else "")
        _err(
            f"interrupted: {len(results)} of {len(jobs)} done (outputs kept), {len(failed)} failed, "
            f"{len(left)} not done ({shown}); no partial file written"
        )
        return 143 if isinstance(exc, Terminated) else 130
    finally:
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)
    return 1 if failed or stop_run else 0


def _rules_for(path: Path, preset_name: str | None, fps: float | None) -> SubtitleRules:
    """The rules to check a file against: the preset given, else the one its report (a file this
    tool wrote) records, else netflix."""
    from cleanup.plan import read_report
    from cleanup.subtitles.rules import preset

    if preset_name is None:
        report = read_report(path.with_suffix(""))
        rules = report.get("subtitles", {}).get("rules", {}) if report else {}
        if isinstance(rules, dict) and isinstance(rules.get("name"), str):
            return preset(rules["name"], fps or float(rules.get("fps", 25.0)))
    return preset(preset_name or "netflix", fps or 25.0)


@app.command()
def check(
    files: Annotated[list[Path], typer.Argument(help="SRT or WebVTT files, or folders of them.", show_default=False)],
    preset_name: Annotated[
        str | None,
        typer.Option(
            "--preset", help="Subtitle rules: netflix, bbc or vertical (default: the preset a file's report records, else netflix)."
        ),
    ] = None,
    fps: Annotated[
        float | None, typer.Option("--fps", min=1, max=240, help="Frame rate for the gap rule (default: 25, or the report's).")
    ] = None,
) -> None:
    """Lint subtitle files against the broadcast rules: exit 1 when a rule is broken, 2 when a file cannot be read."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from cleanup.subtitles.check import check_cues, read_subtitles
    from cleanup.subtitles.rules import format_srt

    try:
        _rules_for(Path("-"), preset_name or "netflix", fps)
    except CleanupError as exc:
        _err(exc.message)
        raise typer.Exit(2) from None
    paths: list[Path] = []
    for given in files:
        if given.is_dir():
            found = sorted(
                Path(root) / name
                for root, dirs, names in os.walk(given)
                for name in names
                if name.lower().endswith((".srt", ".vtt"))
                and not name.startswith(".")
                and not any(p.startswith(".") for p in Path(root).parts[len(given.parts) :])
            )
            if not found:
                _err(f"{given}: no .srt or .vtt files in it")
            paths.extend(found)
        else:
            paths.append(given)
    unreadable = 0
    totals = [0, 0, 0]  # files with errors, errors, warnings
    console = Console(soft_wrap=True)
    for path in paths:
        try:
            cues = read_subtitles(path)
        except CleanupError as exc:
            _err(f"{exc.path}: {exc.message}")
            unreadable += 1
            continue
        rules = _rules_for(path, preset_name, fps)
        found_v = check_cues(cues, rules)
        errors = [v for v in found_v if v.severity == "error"]
        totals[0] += bool(errors)
        totals[1] += len(errors)
        totals[2] += len(found_v) - len(errors)
        if not found_v:
            console.print(Text(f"{path}: {len(cues)} cues, no violations of the {rules.name} rules"))
            continue
        by_index = {c.index: c for c in cues}  # each violation with its cue's line and start time, to find it
        console.print(
            Text(f"{path}: {len(cues)} cues, {len(errors)} violations, {len(found_v) - len(errors)} warnings ({rules.name} rules)")
        )
        table = Table()
        for col in ("rule", "cue", "line", "starts", "value", "limit", "severity"):
            table.add_column(col, no_wrap=col in ("rule", "starts"))
        for v in found_v:
            cue = by_index.get(v.cue)
            table.add_row(
                v.rule,
                str(v.cue),
                str(cue.line) if cue and cue.line else "",
                format_srt(cue.start) if cue else "",
                v.value,
                v.limit,
                v.severity,
            )
        console.print(table)
    if len(paths) > 1:
        console.print(
            Text(
                f"checked {len(paths) - unreadable} of {len(paths)} files: {totals[0]} with violations "
                f"({totals[1]} in all), {totals[2]} warnings" + (f", {unreadable} unreadable" if unreadable else "")
            )
        )
    if unreadable or not paths:
        raise typer.Exit(2)
    if totals[1]:
        raise typer.Exit(1)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (the function the console script and tests call)."""
    try:
        app(args=argv if argv is not None else sys.argv[1:], prog_name="cleanup")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0
