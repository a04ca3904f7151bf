"""Timeline markers for editing programs: the editor's notes, pronunciation guides and doubts of a
run, and the stretches whose times are only estimated, at their place in the program.

:func:`markers` builds a neutral list from a report and the cleaned document; three pure writers
turn it into what editors import:

- :func:`render_markers_csv`: a spreadsheet (``time,timecode,kind,text,duration``);
- :func:`render_edl`: a CMX 3600 EDL that DaVinci Resolve imports as timeline markers
  (Timeline > Import > Timeline Markers from EDL), one event and one ``|C: |M: |D:`` comment each;
- :func:`render_fcpxml`: FCPXML 1.9 for Final Cut Pro: one gap the length of the program holding a
  ``marker`` each (doubts are to-do markers, ``completed="0"``).

Every time is on the frame grid of the run's frame rate. The report's times already include the
``--start`` offset, so they are the program's (record) times as they are.
"""

from __future__ import annotations

import bisect
import csv
import io
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from cleanup.model import Document, token_span
from cleanup.subtitles.rules import exact_fps, format_vtt

KINDS = ("note", "pronunciation", "doubt", "estimated")

RESOLVE_COLOURS = {
    "note": "ResolveColorBlue",
    "pronunciation": "ResolveColorGreen",
    "doubt": "ResolveColorRed",
    "estimated": "ResolveColorPurple",
}
"""Resolve's marker colours by kind (its EDL names them ``ResolveColor<Name>``)."""

EDL_TITLE_MAX = 70
"""CMX 3600 allows a title of 70 characters at most."""


@dataclass(frozen=True)
class Marker:
    """One point (or stretch, ``duration_ms`` > 0) of the program an editor should see."""

    time_ms: int
    kind: str
    """``note`` (an editorial note, or a sound tag of a caption file), ``pronunciation``, ``doubt``
    (a flagged word or phrase) or ``estimated`` (cues timed from the speech rate in a timed input)."""
    text: str
    duration_ms: int = 0


# ----- the neutral list -------------------------------------------------------------------------


def parse_clock(text: str) -> int:
    """Milliseconds from the report's ``HH:MM:SS.mmm``."""
    h, m, s = text.split(":")
    return round((int(h) * 3600 + int(m) * 60 + float(s)) * 1000)


def _first_token_at(doc: Document, offset: int) -> int:
    """The first token whose source reaches ``offset`` (a doubt may start inside a token, after an
    opening quote): the token before :meth:`Document.first_token_from` when its span covers it."""
    i = doc.first_token_from(offset)
    if i > 0 and doc.tokens[i - 1].src and token_span(doc.tokens[i - 1])[1] > offset:
        return i - 1
    return i


class _CueIndex:
    """Which cue holds a token: the cues that hold words (a sound-tag cue holds none), by first token."""

    def __init__(self, cues: Sequence[dict[str, Any]]) -> None:
        spoken = sorted((c for c in cues if c["words"][1] > c["words"][0]), key=lambda c: c["words"][0])
        self.firsts = [c["words"][0] for c in spoken]
        self.cues = spoken

    def start_of(self, token: int) -> int | None:
        """Start (ms) of the cue holding ``token``, or of the nearest cue before it (a token between
        cues), or of the first cue; None without cues."""
        if not self.cues:
            return None
        k = max(bisect.bisect_right(self.firsts, token) - 1, 0)
        return parse_clock(self.cues[k]["start"])


def _doubt_text(flag: dict[str, Any]) -> str:
    head = f"doubt ({flag['kind']}): {flag['text']}"
    if flag.get("suggestions"):
        return f"{head} -> {' / '.join(flag['suggestions'])}"
    return f"{head} ({flag['reason']})" if flag.get("reason") else head


def markers(report: dict[str, Any], doc: Document) -> list[Marker]:
    """The markers of one run, in time order (stable: notes, then doubts, then estimated stretches
    at the same time).

    - every note of the report (``editorial`` as ``note``, ``pronunciation`` with the word before
      it, a caption file's sound tags as ``note``) at the report's time for it;
    - every flagged doubt at the start of the cue holding its first token;
    - only when the subtitles are timed from the input or the narration (some cue's source is not
      ``estimated``): one ``estimated`` marker per run of consecutive estimated cues, from the start
      of its first cue for as long as the run lasts. A plain text input gets none: every time in it
      is estimated from the speech rate, and a marker over the whole program would say nothing.
    """
    subs = report.get("subtitles") or {}
    cues: list[dict[str, Any]] = list(subs.get("cues") or [])
    index = _CueIndex(cues)
    out: list[Marker] = []
    for note in report.get("notes", []):
        at = parse_clock(note["time"]) if note.get("time") else index.start_of(doc.first_token_from(note["position"]["start"]))
        text = note["text"]
        if note["kind"] == "pronunciation":
            before = doc.first_token_from(note["position"]["start"]) - 1
            word = doc.tokens[before].core if 0 <= before < len(doc.tokens) else ""
            out.append(Marker(at or 0, "pronunciation", f"pronunciation: {word} {text}" if word else f"pronunciation: {text}"))
        else:
            out.append(Marker(at or 0, "note", f"note: {text}"))
    for flag in report.get("flagged", []):
        at = index.start_of(_first_token_at(doc, flag["position"]["start"]))
        out.append(Marker(at or 0, "doubt", _doubt_text(flag)))
    if any(c["source"] != "estimated" for c in cues):
        out.extend(_estimated_runs(cues))
    return sorted(out, key=lambda m: m.time_ms)


def _estimated_runs(cues: Sequence[dict[str, Any]]) -> Iterable[Marker]:
    run: list[dict[str, Any]] = []
    for cue in [*cues, None]:
        if cue is not None and cue["source"] == "estimated":
            run.append(cue)
            continue
        if run:
            start, end = parse_clock(run[0]["start"]), parse_clock(run[-1]["end"])
            first, last = run[0]["index"], run[-1]["index"]
            which = f"cue {first}" if first == last else f"cues {first}-{last}"
            yield Marker(start, "estimated", f"estimated times: {which} (no time in the input or the narration)", max(end - start, 0))
            run = []


def program_span(report: dict[str, Any]) -> tuple[int, int]:
    """The program's start (the ``--start`` offset) and end (the last cue's end, or the start when
    there is no cue), in ms: what :func:`render_edl` and :func:`render_fcpxml` take."""
    subs = report.get("subtitles") or {}
    start = parse_clock(subs["offset"]) if subs.get("offset") else 0
    ends = [parse_clock(c["end"]) for c in subs.get("cues") or []]
    return start, max([start, *ends])


# ----- frames and timecode ----------------------------------------------------------------------


def frame_rate(fps: float) -> Fraction:
    """The exact rate: 29.97 is 30000/1001 (as :func:`cleanup.subtitles.rules.exact_fps` takes it)."""
    exact = exact_fps(fps)
    for nominal in (24, 30, 48, 60, 120):
        if exact == nominal * 1000 / 1001:
            return Fraction(nominal * 1000, 1001)
    return Fraction(exact).limit_denominator(1001)


def to_frames(ms: int, fps: float) -> int:
    """The frame a time falls on (the run's times are on the grid already: this only rounds)."""
    return round(Fraction(ms, 1000) * frame_rate(fps))


def can_drop(fps: float) -> bool:
    """Drop-frame timecode exists for 29.97 and 59.94 only."""
    rate = frame_rate(fps)
    return rate.denominator == 1001 and rate.numerator in (30000, 60000)


def timecode(frames: int, fps: float, drop: bool = False) -> str:
    """SMPTE timecode ``HH:MM:SS:FF`` of a frame number (``HH:MM:SS;FF`` drop-frame, 29.97 or 59.94
    only): the inverse of :func:`cleanup.subtitles.rules.timecode_frames`. Non-drop timecode at an
    NTSC rate counts ``round(fps)`` frames a second, as editors' timelines do."""
    nominal = round(frame_rate(fps))
    if drop and can_drop(fps):
        skip = nominal // 15
        per_minute = nominal * 60 - skip
        per_ten = nominal * 600 - skip * 9
        tens, rest = divmod(frames, per_ten)
        frames += skip * 9 * tens + (skip * ((rest - skip) // per_minute) if rest > skip else 0)
    else:
        drop = False
    ff = frames % nominal
    total = frames // nominal
    return f"{total // 3600:02d}:{total // 60 % 60:02d}:{total % 60:02d}{';' if drop else ':'}{ff:02d}"


def distinct_frames(markers: Sequence[Marker], fps: float, first: int = 0, last: int | None = None) -> list[int]:
    """Each marker's frame, at ``first`` at the earliest and ``last`` at the
    latest, a frame after the one before when two would share it: Resolve keeps one marker a frame,
    so two doubts in one cue would otherwise lose one on import."""
    frames = [0] * len(markers)
    taken = first - 1
    for k in sorted(range(len(markers)), key=lambda k: markers[k].time_ms):
        taken = max(to_frames(markers[k].time_ms, fps), first, taken + 1)
        frames[k] = taken if last is None else min(taken, last)
    return frames


# ----- text -------------------------------------------------------------------------------------


def clean_text(text: str, ascii_only: bool = False) -> str:
    """One line for a marker: line breaks, tabs and other control characters as spaces, ``|`` (the
    field separator of Resolve's marker comments) as ``/``, runs of spaces as one. ``ascii_only``:
    accents dropped (é -> e), curly quotes and dashes as their ASCII forms, anything else as ``?``."""
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") else ch for ch in text)
    text = " ".join(text.replace("|", "/").split())
    if ascii_only:
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text.translate(_ASCII)) if not unicodedata.combining(ch))
        text = text.encode("ascii", "replace").decode("ascii")
    return text


_ASCII = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "—": "-", "–": "-", "…": "...", "\u00a0": " "})


# ----- CSV ------------------------------------------------------------------------------------


def render_markers_csv(markers: Sequence[Marker], fps: float = 25.0, drop: bool = False) -> str:
    """A spreadsheet of the markers: ``time`` (``HH:MM:SS.mmm``), ``timecode`` (``HH:MM:SS:FF`` at
    ``fps``; ``;`` before the frames when ``drop``), ``kind``, ``text`` (as it is: the csv module
    quotes what needs it) and ``duration`` (ms). UTF-8, LF line ends, no BOM."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["time", "timecode", "kind", "text", "duration"])
    for m in markers:
        writer.writerow([format_vtt(m.time_ms), timecode(to_frames(m.time_ms, fps), fps, drop), m.kind, m.text, m.duration_ms])
    return buf.getvalue()


# ----- EDL ------------------------------------------------------------------------------------


def render_edl(
    markers: Sequence[Marker], title: str, fps: float = 25.0, start_ms: int = 0, drop: bool = False, ascii_only: bool = False
) -> str:
    """A CMX 3600 EDL of the markers, as DaVinci Resolve writes and reads timeline markers: one cut
    event each, source and record both at the marker's time (record times are the program's, the
    ``--start`` offset included; a marker before ``start_ms`` is put at it), then the comment
    `` |C:ResolveColor<Colour> |M:<name> |D:<frames>``. ``drop``: drop-frame timecode (29.97 and
    59.94 only; other rates stay non-drop). Marker names are one line without ``|``; they are UTF-8
    (recent Resolve versions read it; ``ascii_only`` for older ones). Events are numbered from 001;
    past 999 the numbers take four digits."""
    drop = drop and can_drop(fps)
    start = to_frames(start_ms, fps)
    lines = [f"TITLE: {clean_text(title, True)[:EDL_TITLE_MAX]}", f"FCM: {'DROP FRAME' if drop else 'NON-DROP FRAME'}", ""]
    for n, (m, first) in enumerate(zip(markers, distinct_frames(markers, fps, start), strict=True), start=1):
        length = max(to_frames(m.duration_ms, fps), 1)
        tc_in, tc_out = timecode(first, fps, drop), timecode(first + 1, fps, drop)
        lines.append(f"{n:03d}  001      V     C        {tc_in} {tc_out} {tc_in} {tc_out}")
        name = clean_text(m.text, ascii_only) or m.kind
        lines.append(f" |C:{RESOLVE_COLOURS.get(m.kind, 'ResolveColorBlue')} |M:{name} |D:{length}")
        lines.append("")
    return "\n".join(lines)


# ----- FCPXML ---------------------------------------------------------------------------------


def frame_duration(fps: float) -> tuple[int, int]:
    """One frame as Final Cut Pro writes it: ``100/2500`` s at 25 fps, ``1001/30000`` s at 29.97."""
    rate = frame_rate(fps)
    if rate.denominator == 1:
        return 100, rate.numerator * 100
    if rate.denominator == 1001:
        return 1001, rate.numerator
    step = 1 / rate
    return step.numerator, step.denominator


def rational(frames: int, fps: float) -> str:
    """A time of ``frames`` frames as FCPXML's rational seconds, on the frame grid (``0s`` for 0)."""
    num, den = frame_duration(fps)
    return "0s" if frames == 0 else f"{frames * num}/{den}s"


def render_fcpxml(
    markers: Sequence[Marker], title: str, fps: float = 25.0, duration_ms: int = 0, start_ms: int = 0, drop: bool = False
) -> str:
    """FCPXML 1.9 (Final Cut Pro 10.4.9 and later): a library with one event and one project whose
    sequence (starting at ``start_ms``, the ``--start`` offset) holds one gap ``duration_ms`` long
    (the program: the offset to the last cue's end) with a ``marker`` each, at its frame, one frame
    long or as long as its stretch. Doubts are to-do markers (``completed="0"``). Markers outside the
    program are put at its nearest end. 1920x1080; ``drop``: drop-frame timecode (29.97, 59.94)."""
    num, den = frame_duration(fps)
    start = to_frames(start_ms, fps)
    length = max(to_frames(duration_ms, fps), 1)
    root = ET.Element("fcpxml", version="1.9")
    resources = ET.SubElement(root, "resources")
    ET.SubElement(resources, "format", id="r1", frameDuration=f"{num}/{den}s", width="1920", height="1080")
    name = clean_text(title) or "cleanup"
    event = ET.SubElement(ET.SubElement(root, "library"), "event", name=name)
    project = ET.SubElement(event, "project", name=name)
    sequence = ET.SubElement(
        project,
        "sequence",
        format="r1",
        duration=rational(length, fps),
        tcStart=rational(start, fps),
        tcFormat="DF" if drop and can_drop(fps) else "NDF",
    )
    gap = ET.SubElement(
        ET.SubElement(sequence, "spine"),
        "gap",
        name="Markers",
        offset=rational(start, fps),
        start=rational(start, fps),
        duration=rational(length, fps),
    )
    for m, at in zip(markers, distinct_frames(markers, fps, start, start + length - 1), strict=True):
        frames = min(max(to_frames(m.duration_ms, fps), 1), start + length - at)
        attrs = {"start": rational(at, fps), "duration": rational(frames, fps), "value": clean_text(m.text) or m.kind}
        if m.kind == "doubt":
            attrs["completed"] = "0"
        ET.SubElement(gap, "marker", attrs)
    ET.indent(root, space="    ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n\n{body}\n'


# ----- all three ------------------------------------------------------------------------------

SUFFIXES = (".markers.csv", ".markers.edl", ".fcpxml")


def render_marker_files(report: dict[str, Any], doc: Document, title: str, fps: float, drop: bool = False) -> dict[str, str]:
    """The three marker files of one run, keyed by suffix (:data:`SUFFIXES`), from its report and
    cleaned document: the program runs from the report's offset to its last cue's end."""
    found = markers(report, doc)
    start, end = program_span(report)
    return {
        ".markers.csv": render_markers_csv(found, fps, drop),
        ".markers.edl": render_edl(found, title, fps, start, drop),
        ".fcpxml": render_fcpxml(found, title, fps, end - start, start, drop),
    }
