"""Subtitles: segmentation, timing, writers read back by independent parsers, and `cleanup check`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import srt
import webvtt
from hypothesis import HealthCheck, given, settings

from cleanup.clean.base import Context
from cleanup.clean.pipeline import Cleaned, clean
from cleanup.cli import main
from cleanup.readers import read_text
from cleanup.subtitles import Subtitles, TimingOptions, make_subtitles
from cleanup.subtitles.check import check_cues, parse_subtitles
from cleanup.subtitles.rules import PRESETS, SubtitleRules, format_vtt, parse_time
from cleanup.subtitles.segment import WEAK_END, visible
from cleanup.writers.srt import render_srt
from cleanup.writers.vtt import render_vtt
from tests.conftest import caption
from tests.test_properties import transcripts

RULES = SubtitleRules()


@pytest.fixture(scope="module")
def seed_subs(seed_cleaned: Cleaned) -> Subtitles:
    return make_subtitles(seed_cleaned.doc, RULES, TimingOptions())


def subs_for(text: str, rules: SubtitleRules = RULES, timing: TimingOptions | None = None) -> Subtitles:
    return make_subtitles(clean(read_text(text), Context()).doc, rules, timing or TimingOptions())


def test_seed_cues_obey_every_rule(seed_subs: Subtitles) -> None:
    assert seed_subs.violations == [] or all(v.severity == "warning" for v in seed_subs.violations)
    for cue in seed_subs.cues:
        assert 1 <= len(cue.lines) <= 2
        assert all(len(visible(line)) <= 42 for line in cue.lines)
        assert 833 <= cue.end - cue.start <= 7000
        assert len(visible(cue.text)) / ((cue.end - cue.start) / 1000) <= 20
        assert cue.start % 40 == 0 and cue.end % 40 == 0  # 25 fps frame grid
    gaps = [b.start - a.end for a, b in zip(seed_subs.cues, seed_subs.cues[1:], strict=False)]
    assert min(gaps) >= 80


def test_subtitle_text_is_the_prose(seed_subs: Subtitles, seed_cleaned: Cleaned) -> None:
    shown = " ".join(visible(c.text) for c in seed_subs.cues)
    prose = " ".join(visible(seed_cleaned.doc.text_of(s, e)) for s, e in seed_cleaned.doc.paragraphs())
    assert shown == prose


def test_cues_hold_one_sentence_or_part_of_one(seed_subs: Subtitles) -> None:
    tokens = seed_subs.doc.tokens
    for cue in seed_subs.cues:
        assert not any(t.sentence_end for t in tokens[cue.first : cue.last - 1])


def test_line_breaks_are_linguistic(seed_subs: Subtitles) -> None:
    two = [c for c in seed_subs.cues if len(c.lines) == 2]
    weak = [
        c for c in two if re.findall(r"[\w']+", visible(c.lines[0]))[-1].lower() in WEAK_END and not re.search(r"[,.;:?!]$", c.lines[0])
    ]
    assert len(weak) <= 0.05 * len(two)
    for cue in seed_subs.cues:
        for a, b in zip(cue.lines, cue.lines[1:], strict=False):
            assert not (a.endswith("Bernie") and b.startswith("Sanders"))
    all_text = [line for c in seed_subs.cues for line in c.lines]
    assert not any(line.endswith(" 34") for line in all_text)  # "34 striking miners" stays together


def test_one_line_when_it_fits_and_bottom_heavy_when_not() -> None:
    subs = subs_for(
        caption("What is socialism?", "The miners were already barely getting by with poor pay in communities rampant with unemployment")
    )
    assert subs.cues[0].lines == ("What is socialism?",)
    for cue in subs.cues[1:]:
        if len(cue.lines) == 2:
            assert len(cue.lines[0]) <= len(cue.lines[1]) + 8


def test_emphasis_becomes_italic_tags() -> None:
    subs = subs_for(caption("what this ownership would *mean*, and the *living being* of the people"))
    text = "\n".join(line for c in subs.cues for line in c.lines)
    assert "<i>mean</i>" in text and "<i>living being</i>" in text.replace("\n", " ")
    assert text.count("<i>") == text.count("</i>")


def test_rate_and_duration_options(seed_cleaned: Cleaned) -> None:
    slow = make_subtitles(seed_cleaned.doc, RULES, TimingOptions(wpm=130))
    fast = make_subtitles(seed_cleaned.doc, RULES, TimingOptions(wpm=175))
    assert slow.overall_wpm() < fast.overall_wpm()
    assert 115 <= slow.overall_wpm() <= 145 and 160 <= fast.overall_wpm() <= 195
    fitted = make_subtitles(
        seed_cleaned.doc, RULES, TimingOptions(duration_ms=parse_time("00:40:00", 25), offset_ms=parse_time("01:00:00:00", 25))
    )
    assert fitted.cues[0].start == 3_600_000
    assert fitted.cues[-1].end == 3_600_000 + 40 * 60_000
    assert check_cues(fitted.timed(), RULES) == [] or all(v.severity == "warning" for v in check_cues(fitted.timed(), RULES))


def test_parse_time() -> None:
    assert parse_time("01:00:00:00", 25) == 3_600_000
    assert parse_time("00:00:01:12", 25) == 1480
    assert parse_time("00:01:02.5", 25) == 62_500
    assert parse_time("90", 25) == 90_000


def test_other_frame_rates_and_presets(seed_cleaned: Cleaned) -> None:
    rules = SubtitleRules(fps=30.0)
    subs = make_subtitles(seed_cleaned.doc, rules, TimingOptions())
    frame = 1000 / 30
    assert all(abs(c.start / frame - round(c.start / frame)) < 0.02 for c in subs.cues)
    assert not [v for v in subs.violations if v.severity == "error"]
    for name, preset in PRESETS.items():
        got = make_subtitles(seed_cleaned.doc, preset, TimingOptions())
        assert not [v for v in got.violations if v.severity == "error"], name


def test_writers_read_back_with_independent_parsers(seed_subs: Subtitles, tmp_path: Path) -> None:
    srt_text = render_srt(seed_subs.cues)
    vtt_text = render_vtt(seed_subs.cues, seed_subs.editor_notes(), "A title")
    parsed = list(srt.parse(srt_text))
    (tmp_path / "x.vtt").write_text(vtt_text, encoding="utf-8")
    captions = webvtt.read(str(tmp_path / "x.vtt")).captions
    assert len(parsed) == len(captions) == len(seed_subs.cues)
    for cue, s, v in zip(seed_subs.cues, parsed, captions, strict=True):
        assert round(s.start.total_seconds() * 1000) == cue.start and round(s.end.total_seconds() * 1000) == cue.end
        assert s.content == v.raw_text == "\n".join(cue.lines)
        assert (v.start, v.end) == (format_vtt(cue.start), format_vtt(cue.end))
    assert vtt_text.startswith("WEBVTT - A title\n\n")
    assert vtt_text.count("\nNOTE ") == 1 and "NOTE editorial note at" in vtt_text
    assert "foo-yeh" not in vtt_text  # a pronunciation guide is for the narrator: report only
    assert "-->" not in "".join(b for b in vtt_text.split("\n\n") if b.startswith("NOTE"))


def test_run_writes_five_files_and_the_report_has_the_subtitle_check(tmp_path: Path) -> None:
    src = tmp_path / "t.txt"
    src.write_text(caption("It occured to us~", "that words matter [b-roll: a crowd]", "the end"), encoding="utf-8")
    out = tmp_path / "o"
    assert main(["run", str(src), "--out", str(out), "--start", "00:00:10"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["t.report.json", "t.review.html", "t.srt", "t.txt", "t.vtt"]
    raw = (out / "t.srt").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
    report = json.loads((out / "t.report.json").read_text(encoding="utf-8"))
    subs = report["subtitles"]
    assert subs["check"]["errors"] == 0 and subs["times"] == "estimated from speech rate"
    assert subs["cues"][0]["start"] == "00:00:10.000" and all(c["source"] == "estimated" for c in subs["cues"])
    assert report["notes"][0]["time"] is not None
    assert "NOTE editorial" in (out / "t.vtt").read_text(encoding="utf-8")


def test_check_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.srt"
    good.write_text("1\n00:00:01,000 --> 00:00:03,000\nA short line.\n\n2\n00:00:03,200 --> 00:00:05,000\nAnother one.\n", encoding="utf-8")
    assert main(["check", str(good)]) == 0
    bad = tmp_path / "bad.vtt"
    bad.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:01.300\nThis line is much too long for the forty-two character rule\n\n"
        "00:00:01.250 --> 00:00:09.000\nOverlapping and far too long on screen\n",
        encoding="utf-8",
    )
    assert main(["check", str(bad)]) == 1
    out = capsys.readouterr().out
    for rule in ("line-length", "min-duration", "reading-speed", "overlap", "max-duration"):
        assert rule in out
    junk = tmp_path / "junk.srt"
    junk.write_text("hello\nworld\n", encoding="utf-8")
    assert main(["check", str(junk)]) == 2  # a file that cannot be read
    assert capsys.readouterr().err.startswith(f"cleanup: {junk}: ")


def test_check_parses_what_run_writes(seed_subs: Subtitles) -> None:
    cues = parse_subtitles(render_srt(seed_subs.cues), "x.srt")
    assert [(c.start, c.end, c.lines) for c in cues] == [(c.start, c.end, c.lines) for c in seed_subs.cues]


def test_bad_timing_options_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "t.txt"
    src.write_text(caption("text here"), encoding="utf-8")
    assert main(["run", str(src), "--out", str(tmp_path / "o"), "--duration", "soon"]) == 2
    assert main(["run", str(src), "--out", str(tmp_path / "o"), "--preset", "cinema"]) == 2
    assert not (tmp_path / "o").exists()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(transcripts())
def test_any_transcript_gives_subtitles_that_pass_check(text: str) -> None:
    subs = subs_for(text)
    assert not [v for v in subs.violations if v.severity == "error" and v.rule != "line-length"]
    shown = " ".join(visible(c.text) for c in subs.cues)
    assert shown == " ".join(visible(t.text) for t in subs.doc.tokens)
    assert len(list(srt.parse(render_srt(subs.cues)))) == len(subs.cues)
