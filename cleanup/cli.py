"""The command line: thin. It finds inputs, calls :func:`cleanup.process.process` per file,
shows progress and a summary, and maps errors to exit codes (0 ok, 1 a file failed, 2 usage)."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer

from cleanup import __version__
from cleanup.errors import CleanupError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn raw caption transcripts into clean prose and a report of every change.",
    pretty_exceptions_enable=False,
)

INPUT_SUFFIXES = {".txt", ".srt", ".vtt", ".text", ""}


def _err(message: str) -> None:
    print(f"cleanup: {message}", file=sys.stderr)


def find_inputs(paths: list[Path]) -> list[Path]:
    """Files as given; a folder gives its transcript files, sorted (hidden files skipped)."""
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found.extend(
                sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in INPUT_SUFFIXES and not f.name.startswith("."))
            )
        else:
            found.append(p)
    return found


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    if version:
        print(__version__)
        raise typer.Exit(0)


@app.command()
def run(
    inputs: Annotated[list[Path], typer.Argument(help="Transcript files, or folders of them.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the outputs.")] = Path("out"),
    words: Annotated[Path | None, typer.Option("--words", help="Protected words, one a line: never changed.")] = None,
    languagetool: Annotated[
        str | None,
        typer.Option("--languagetool", help="URL of a LanguageTool server to use instead of Harper (or set CLEANUP_LANGUAGETOOL_URL)."),
    ] = None,
    max_paragraph: Annotated[int, typer.Option("--max-paragraph", min=2, help="Most sentences in a paragraph.")] = 8,
    wpm: Annotated[float, typer.Option("--wpm", min=40, max=400, help="Narration speed for estimated times, words a minute.")] = 155.0,
    fps: Annotated[float, typer.Option("--fps", min=1, max=240, help="Frame rate: times snap to its frames, gaps count them.")] = 25.0,
    duration: Annotated[
        str | None, typer.Option("--duration", help="Fit the whole transcript to this runtime, HH:MM:SS[.mmm].", show_default=False)
    ] = None,
    start: Annotated[str | None, typer.Option("--start", help="Time of the first cue: HH:MM:SS[.mmm] or timecode HH:MM:SS:FF.")] = None,
    preset_name: Annotated[str, typer.Option("--preset", help="Subtitle rules: netflix, bbc or vertical.")] = "netflix",
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on an internal error.")] = False,
) -> None:
    """Clean transcripts into OUT/<stem>.txt, .srt, .vtt and .report.json."""
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from cleanup.process import Options, Result, process

    files = find_inputs(inputs)
    if not files:
        _err("no input files found")
        raise typer.Exit(1)
    options = Options(
        out_dir=out,
        words_file=words,
        languagetool=languagetool,
        max_paragraph_sentences=max_paragraph,
        wpm=wpm,
        fps=fps,
        duration=duration,
        start=start,
        preset=preset_name,
    )
    try:  # option values that are wrong for every file: one line, before any work
        from cleanup.process import timing_options
        from cleanup.subtitles.rules import preset

        preset(preset_name, fps)
        timing_options(options)
    except CleanupError as exc:
        _err(exc.message)
        raise typer.Exit(2) from None
    results: list[Result] = []
    failed: list[tuple[Path, str]] = []

    def one(path: Path) -> None:
        try:
            results.append(process(path, options))
        except CleanupError as exc:
            failed.append((path, exc.message))
            _err(f"{exc.path}: {exc.message}" if exc.path else exc.message)
            if exc.path is None:  # a problem with the run itself (engine, word list): stop
                raise typer.Exit(1) from None
        except Exception as exc:
            failed.append((path, f"internal error: {exc}"))
            _err(f"{path}: internal error: {type(exc).__name__}: {exc}" + ("" if debug else " (run with --debug for details)"))
            if debug:
                traceback.print_exc()

    if len(files) == 1:
        one(files[0])
    else:
        console = Console(stderr=True)
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("cleaning", total=len(files))
            for f in files:
                progress.update(task, description=f.name)
                one(f)
                progress.advance(task)
        table = Table(title=f"cleanup: {len(results)} done, {len(failed)} failed")
        for col in ("input", "words", "changes", "flagged", "notes", "cues", "status"):
            table.add_column(col, justify="left" if col in ("input", "status") else "right")
        for r in results:
            table.add_row(str(r.path), str(len(r.doc.input_words)), str(r.changes), str(r.flagged), str(r.notes), str(r.cues), "ok")
        for p, why in failed:
            table.add_row(str(p), "", "", "", "", "", f"failed: {why}")
        Console().print(table)
    if failed:
        raise typer.Exit(1)


@app.command()
def check(
    files: Annotated[list[Path], typer.Argument(help="SRT or WebVTT files.", show_default=False)],
    preset_name: Annotated[str, typer.Option("--preset", help="Subtitle rules: netflix, bbc or vertical.")] = "netflix",
    fps: Annotated[float, typer.Option("--fps", min=1, max=240, help="Frame rate for the gap rule.")] = 25.0,
) -> None:
    """Lint subtitle files against the broadcast rules; exit 1 when any rule is broken."""
    from rich.console import Console
    from rich.table import Table

    from cleanup.subtitles.check import check_cues, read_subtitles
    from cleanup.subtitles.rules import preset

    try:
        rules = preset(preset_name, fps)
    except CleanupError as exc:
        _err(exc.message)
        raise typer.Exit(2) from None
    broken = False
    console = Console()
    for path in files:
        try:
            cues = read_subtitles(path)
        except CleanupError as exc:
            _err(f"{exc.path}: {exc.message}")
            broken = True
            continue
        found = check_cues(cues, rules)
        errors = [v for v in found if v.severity == "error"]
        broken = broken or bool(errors)
        if not found:
            console.print(f"{path}: {len(cues)} cues, no violations of the {rules.name} rules")
            continue
        table = Table(title=f"{path}: {len(cues)} cues, {len(errors)} violations, {len(found) - len(errors)} warnings ({rules.name} rules)")
        for col in ("rule", "cue", "value", "limit", "severity"):
            table.add_column(col)
        for v in found:
            table.add_row(v.rule, str(v.cue), v.value, v.limit, v.severity)
        console.print(table)
    if broken:
        raise typer.Exit(1)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (the function the console script and tests call)."""
    try:
        app(args=argv if argv is not None else sys.argv[1:], prog_name="cleanup")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0
