"""Timeline markers (CSV, Resolve's EDL, FCPXML) read back with parsers of the test's own."""

from __future__ import annotations

import copy
import csv
import io
import re
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from cleanup.process import Options, Rendered, render
from cleanup.subtitles.rules import timecode_frames
from cleanup.writers.markers import (
    RESOLVE_COLOURS,
    Marker,
    markers,
    program_span,
    render_edl,
    render_fcpxml,
    render_marker_files,
    render_markers_csv,
    timecode,
)

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_6b06ca91f54c6f31.txt"
HOSTILE = '"|M:x |C:" <tag> & \n café ‘q’\r\n|D:9'

TC = r"(\d\d:\d\d:\d\d[:;]\d\d)"
EVENT = re.compile(rf"^(\d{{3,4}})\s+(\S+)\s+V\s+C\s+{TC} {TC} {TC} {TC}$")
COMMENT = re.compile(r"^ \|C:(ResolveColor[A-Za-z]+) \|M:([^|]*) \|D:(\d+)$")


@pytest.fixture(scope="module")
def seed() -> Rendered:
    return render(SEED, Options())


def clock(text: str) -> int:
    h, m, s = text.split(":")
    return round((int(h) * 3600 + int(m) * 60 + float(s)) * 1000)


def tc_frames(tc: str, nominal: int) -> int:
    h, m, s, f = (int(x) for x in re.split("[:;]", tc))
    return (h * 3600 + m * 60 + s) * nominal + f


def parse_edl(text: str) -> tuple[list[str], list[tuple[list[str], tuple[str, str, int]]]]:
    """Header lines, and each event with the marker comment that follows it."""
    lines = text.splitlines()
    header = [ln for ln in lines if ln.startswith(("TITLE:", "FCM:"))]
    events: list[tuple[list[str], tuple[str, str, int]]] = []
    for k, line in enumerate(lines):
        if line.startswith(("TITLE:", "FCM:")) or not line.strip():
            continue
        if (e := EVENT.match(line)) is not None:
            c = COMMENT.match(lines[k + 1])
            assert c is not None, lines[k + 1]
            events.append((list(e.groups()), (c.group(1), c.group(2), int(c.group(3)))))
        else:
            assert COMMENT.match(line), f"a line that is neither event nor marker comment: {line!r}"
    assert sum(1 for ln in lines if "|M:" in ln) == len(events)
    return header, events


def seconds(value: str) -> Fraction:
    assert value.endswith("s"), value
    return Fraction(value[:-1])


# ----- the neutral list ----------------------------------------------------------------------


def test_one_marker_per_note_and_per_doubt_in_time_order(seed: Rendered) -> None:
    assert seed.doc is not None
    found = markers(seed.report, seed.doc)
    kinds = [m.kind for m in found]
    notes = seed.report["notes"]
    assert kinds.count("note") == sum(n["kind"] == "editorial" for n in notes)
    assert kinds.count("pronunciation") == sum(n["kind"] == "pronunciation" for n in notes)
    assert kinds.count("doubt") == len(seed.report["flagged"]) > 0
    assert "estimated" not in kinds  # a plain text input: every time is estimated, nothing to mark
    assert [m.time_ms for m in found] == sorted(m.time_ms for m in found)
    for note in notes:
        assert any(m.time_ms == clock(note["time"]) and note["text"] in m.text for m in found)
    assert any(m.text == "doubt (spelling): ancien -> ancient / ancients / alien" for m in found)
    assert any(m.text == "pronunciation: Fourier (foo-yeh)" for m in found)


def test_a_doubt_is_at_the_cue_that_holds_its_word(seed: Rendered) -> None:
    assert seed.doc is not None
    found = [m for m in markers(seed.report, seed.doc) if m.kind == "doubt"]
    cues = seed.report["subtitles"]["cues"]
    for flag in seed.report["flagged"]:
        word = flag["text"].split()[0]
        mine = next(m for m in found if m.text.startswith(f"doubt ({flag['kind']}): {flag['text']}"))
        cue = next(c for c in cues if clock(c["start"]) == mine.time_ms)
        held = " ".join(t.text for t in seed.doc.tokens[cue["words"][0] : cue["words"][1]])
        assert word.lower() in held.lower(), (flag, held)


def timed_report(seed_srt: Path) -> tuple[dict[str, Any], Rendered]:
    seed_srt.write_text(
        "".join(
            f"{k}\n00:00:{2 * k:02d},000 --> 00:00:{2 * k + 1:02d},500\nLine {k} of the harbour story is here.\n\n" for k in range(1, 9)
        ),
        encoding="utf-8",
    )
    rendered = render(seed_srt, Options(start="01:00:00:00"))
    return rendered.report, rendered


def test_estimated_markers_only_where_a_timed_input_has_estimated_cues(tmp_path: Path) -> None:
    report, rendered = timed_report(tmp_path / "talk.srt")
    assert rendered.doc is not None
    cues = report["subtitles"]["cues"]
    assert len(cues) >= 5 and {c["source"] for c in cues} == {"source-cue"}
    assert [m for m in markers(report, rendered.doc) if m.kind == "estimated"] == []
    # as a timed input whose cues 2-3 and the last one had no time of their own
    mixed = copy.deepcopy(report)
    for k in (1, 2, len(cues) - 1):
        mixed["subtitles"]["cues"][k]["source"] = "estimated"
    runs = [m for m in markers(mixed, rendered.doc) if m.kind == "estimated"]
    c = mixed["subtitles"]["cues"]
    assert [(m.time_ms, m.duration_ms) for m in runs] == [
        (clock(c[1]["start"]), clock(c[2]["end"]) - clock(c[1]["start"])),
        (clock(c[-1]["start"]), clock(c[-1]["end"]) - clock(c[-1]["start"])),
    ]
    assert runs[0].text.startswith("estimated times: cues 2-3") and runs[1].text.startswith(f"estimated times: cue {len(c)}")
    # every cue estimated: the whole program is, and no marker says it
    for cue in mixed["subtitles"]["cues"]:
        cue["source"] = "estimated"
    assert [m for m in markers(mixed, rendered.doc) if m.kind == "estimated"] == []
    # the EDL of a timed input with --start 01:00:00:00 keeps its record times in the program
    start, end = program_span(report)
    edl = render_edl([*markers(report, rendered.doc), *runs], "talk", 25, start)
    assert start == 3_600_000
    for (_, _, _, _, rec_in, _), _ in parse_edl(edl)[1]:
        assert start / 40 <= tc_frames(rec_in, 25) <= end / 40


# ----- CSV -----------------------------------------------------------------------------------


def test_csv_reads_back_sorted_with_timecodes(seed: Rendered) -> None:
    assert seed.doc is not None
    found = markers(seed.report, seed.doc)
    rows = list(csv.DictReader(io.StringIO(render_markers_csv(found, 25))))
    assert len(rows) == len(seed.report["notes"]) + len(seed.report["flagged"])
    assert list(rows[0]) == ["time", "timecode", "kind", "text", "duration"]
    assert [clock(r["time"]) for r in rows] == sorted(clock(r["time"]) for r in rows)
    for row in rows:
        assert tc_frames(row["timecode"], 25) == round(clock(row["time"]) / 40)
    hostile = list(csv.DictReader(io.StringIO(render_markers_csv([Marker(1000, "note", HOSTILE)]))))
    assert hostile[0]["text"] == HOSTILE  # the csv module quotes it and keeps it whole


# ----- EDL -----------------------------------------------------------------------------------


def test_edl_has_one_resolve_marker_per_marker_inside_the_program(seed: Rendered) -> None:
    assert seed.doc is not None
    found = markers(seed.report, seed.doc)
    start, _ = program_span(seed.report)
    header, events = parse_edl(render_edl(found, "The Meaning of Socialism", 25, start))
    assert header == ["TITLE: The Meaning of Socialism", "FCM: NON-DROP FRAME"]
    assert len(events) == len(found)
    last_cue_end = clock(seed.report["subtitles"]["cues"][-1]["end"])
    for ((_, reel, src_in, src_out, rec_in, rec_out), (colour, name, frames)), m in zip(events, found, strict=True):
        assert reel == "001" and src_in == rec_in and src_out == rec_out
        assert tc_frames(rec_out, 25) == tc_frames(rec_in, 25) + 1
        assert start <= tc_frames(rec_in, 25) * 40 <= last_cue_end
        assert tc_frames(rec_in, 25) * 40 == m.time_ms  # the seed's times are on the 25 fps grid
        assert colour == RESOLVE_COLOURS[m.kind] and frames == 1
        assert name == m.text  # the seed's texts have nothing to clean but newlines
    assert {c for _, (c, _, _) in events} == {"ResolveColorBlue", "ResolveColorGreen", "ResolveColorRed"}


def test_edl_offsets_colours_durations_and_drop_frame() -> None:
    ms = [
        Marker(3_600_000, "note", "a"),
        Marker(3_605_000, "pronunciation", "b"),
        Marker(3_606_000, "doubt", "c"),
        Marker(3_610_000, "estimated", "d", 2_000),
        Marker(10, "note", "before the start"),
    ]
    header, events = parse_edl(render_edl(ms, "t", 25, start_ms=3_600_000))
    # the marker before the start is put at it, and the one already there moves a frame on
    assert [e[4] for e, _ in events] == ["01:00:00:01", "01:00:05:00", "01:00:06:00", "01:00:10:00", "01:00:00:00"]
    assert [c for _, (c, _, _) in events] == [
        "ResolveColorBlue",
        "ResolveColorGreen",
        "ResolveColorRed",
        "ResolveColorPurple",
        "ResolveColorBlue",
    ]
    assert [d for _, (_, _, d) in events] == [1, 1, 1, 50, 1]
    header, events = parse_edl(render_edl(ms[:1], "t", 29.97, start_ms=3_600_000, drop=True))
    assert header[1] == "FCM: DROP FRAME" and events[0][0][4] == "01:00:00;00"
    header, events = parse_edl(render_edl(ms[:1], "t", 25, drop=True))  # no drop-frame at 25 fps
    assert header[1] == "FCM: NON-DROP FRAME" and events[0][0][4] == "01:00:00:00"


@pytest.mark.parametrize("fps", [29.97, 59.94])
def test_drop_frame_timecode_is_the_inverse_of_the_parser(fps: float) -> None:
    for frame in [*range(0, 4000), *range(17_970, 18_010), *range(107_800, 108_100), 2_589_407]:
        label = timecode(frame, fps, drop=True)
        h, m, s, f = (int(x) for x in re.split("[:;]", label))
        assert ";" in label and timecode_frames(h, m, s, f, fps, True) == frame, label
        h, m, s, f = (int(x) for x in timecode(frame, fps).split(":"))
        assert timecode_frames(h, m, s, f, fps, False) == frame


def test_hostile_text_cannot_break_the_edl() -> None:
    ms = [Marker(1000, "note", HOSTILE), Marker(2000, "doubt", "|\n|")]
    text = render_edl(ms, "evil\n|title", 25)
    header, events = parse_edl(text)
    assert header[0] == "TITLE: evil /title" and len(events) == 2
    assert events[0][1] == ("ResolveColorBlue", '"/M:x /C:" <tag> & café ‘q’ /D:9', 1)
    assert events[1][1][1] == "/ /"
    ascii_events = parse_edl(render_edl(ms, "t", 25, ascii_only=True))[1]
    assert ascii_events[0][1][1] == "\"/M:x /C:\" <tag> & cafe 'q' /D:9"


# ----- FCPXML --------------------------------------------------------------------------------


@pytest.mark.parametrize(("fps", "frame"), [(25, "100/2500s"), (29.97, "1001/30000s"), (24, "100/2400s"), (23.976, "1001/24000s")])
def test_fcpxml_has_one_marker_each_on_the_frame_grid(seed: Rendered, fps: float, frame: str) -> None:
    assert seed.doc is not None
    found = markers(seed.report, seed.doc)
    start, end = program_span(seed.report)
    text = render_fcpxml(found, "The Meaning of Socialism", fps, end - start, start)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n')
    root = ET.fromstring(text.split("\n", 2)[2])
    assert root.tag == "fcpxml" and root.get("version") == "1.9"
    fmt = root.find("resources/format")
    assert fmt is not None and fmt.get("frameDuration") == frame
    step = seconds(frame)
    assert abs(1 / step - Fraction(fps).limit_denominator(1001)) < Fraction(1, 100)
    sequence = root.find("library/event/project/sequence")
    assert sequence is not None and sequence.get("format") == fmt.get("id")
    gaps = sequence.findall("spine/gap")
    assert len(gaps) == 1
    gap = gaps[0]
    g_start, g_len = seconds(gap.get("start", "")), seconds(gap.get("duration", ""))
    assert abs(g_len - Fraction(end - start, 1000)) <= step
    marks = gap.findall("marker")
    assert len(list(root.iter("marker"))) == len(marks) == len(found)
    values = [m.get("value") for m in marks]
    for note in seed.report["notes"]:
        assert sum(1 for v in values if v is not None and note["text"] in v) == 1
    assert sum(1 for m in marks if m.get("completed") == "0") == len(seed.report["flagged"])
    for mark in marks:
        at, length = seconds(mark.get("start", "")), seconds(mark.get("duration", ""))
        assert g_start <= at < g_start + g_len
        for t in (at, length, g_start, g_len):
            assert (t / step).denominator == 1, (t, step)
        assert length >= step


def test_fcpxml_offset_durations_and_hostile_text() -> None:
    ms = [Marker(3_600_000, "note", HOSTILE), Marker(3_602_000, "estimated", "stretch", 1_000), Marker(9_999_999, "doubt", "past the end")]
    text = render_fcpxml(ms, 'a "title" <&>', 25, 10_000, 3_600_000)
    root = ET.fromstring(text.split("\n", 2)[2])
    event = root.find("library/event")
    assert event is not None and event.get("name") == 'a "title" <&>'
    sequence = root.find("library/event/project/sequence")
    assert sequence is not None and sequence.get("tcStart") == "9000000/2500s"
    gap = root.find(".//gap")
    assert gap is not None and gap.get("offset") == gap.get("start") == "9000000/2500s" and gap.get("duration") == "25000/2500s"
    marks = gap.findall("marker")
    assert marks[0].get("value") == '"/M:x /C:" <tag> & café ‘q’ /D:9'
    assert marks[1].get("start") == "9005000/2500s" and marks[1].get("duration") == "2500/2500s"
    assert marks[2].get("start") == "9024900/2500s" and marks[2].get("completed") == "0"  # the program's last frame


def test_all_three_files_of_a_run(seed: Rendered) -> None:
    assert seed.doc is not None
    files = render_marker_files(seed.report, seed.doc, "x", 25)
    assert list(files) == [".markers.csv", ".markers.edl", ".fcpxml"]
    n = len(seed.report["notes"]) + len(seed.report["flagged"])
    assert len(files[".markers.csv"].splitlines()) == n + 1
    assert len(parse_edl(files[".markers.edl"])[1]) == n
    assert len(ET.fromstring(files[".fcpxml"].split("\n", 2)[2]).findall(".//marker")) == n


def test_markers_that_would_share_a_frame_are_a_frame_apart() -> None:
    # Resolve keeps one marker a frame: two doubts in one cue must not land on the same one
    ms = [Marker(2_000, "doubt", "a"), Marker(2_000, "doubt", "b"), Marker(2_010, "note", "c"), Marker(5_000, "note", "d")]
    _, events = parse_edl(render_edl(ms, "t", 25))
    assert [e[4] for e, _ in events] == ["00:00:02:00", "00:00:02:01", "00:00:02:02", "00:00:05:00"]
    assert [n for _, (_, n, _) in events] == ["a", "b", "c", "d"]
    root = ET.fromstring(render_fcpxml(ms, "t", 25, 6_000).split("\n", 3)[3])
    starts = [m.get("start") for m in root.iter("marker")]
    assert starts == [f"{frame * 100}/2500s" for frame in (50, 51, 52, 125)]
