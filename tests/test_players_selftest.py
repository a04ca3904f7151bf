"""Self-test of tests/players.py on hand-written SRT and WebVTT samples: the player checks pass on good files and
catch broken ones. Needs ffmpeg and Debian's chromium (skipped without them, failed without them when CI=true)."""

from __future__ import annotations

import os
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.players import (
    PlayerCheckError,
    _run_bounded,
    ass_dialogue_count,
    chromium_vtt_cue_count,
    chromium_vtt_cues,
    ffmpeg_to_ass,
    require_tool,
    serve_directory,
    timing_line_count,
)

GOOD_VTT = """WEBVTT

NOTE Written by hand for the player self-test;
a NOTE block may run over several lines.

1
00:00:01.000 --> 00:00:02.500
Hello there.

2
00:00:03.000 --> 00:00:04.000
This is <i>italic</i> text.

00:00:05.000 --> 00:00:06.000
Two lines
of text.
"""

GOOD_SRT = """1
00:00:01,000 --> 00:00:02,500
Hello there.

2
00:00:03,000 --> 00:00:04,000
This is <i>italic</i> text.

3
00:00:05,000 --> 00:00:06,000
Two lines
of text.
"""

SAMPLES = {"vtt": GOOD_VTT, "srt": GOOD_SRT}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def no_proxy_urlopen(url: str) -> bytes:
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(url, timeout=10) as response:
        data: bytes = response.read()
    return data


def processes_mentioning(marker: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", errors="replace")
        except OSError:
            continue
        if marker in cmdline:
            found.append(f"{proc.name}: {cmdline[:200]}")
    return found


# --- the small helpers ------------------------------------------------------------------------------------------------


def test_ass_dialogue_count_counts_only_dialogue_events(tmp_path: Path) -> None:
    ass = write(
        tmp_path,
        "x.ass",
        "\ufeff[Script Info]\nScriptType: v4.00+\n\n[Events]\n"
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
        "Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,One\n"
        "Comment: 0,0:00:02.00,0:00:03.00,Default,,0,0,0,,Not shown\n"
        "Dialogue: 0,0:00:03.00,0:00:04.00,Default,,0,0,0,,Dialogue: two\n",
    )
    assert ass_dialogue_count(ass) == 2


@pytest.mark.parametrize("ext", ["vtt", "srt"])
def test_timing_line_count(tmp_path: Path, ext: str) -> None:
    assert timing_line_count(write(tmp_path, f"x.{ext}", SAMPLES[ext])) == 3


def test_require_tool_finds_an_executable() -> None:
    assert Path(require_tool("sh")).name == "sh"


def test_require_tool_skips_off_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"apt-get update && apt-get install -y chromium-driver"):
        monkeypatch.setenv("PATH", "/nonexistent")
        require_tool("chromedriver")


def test_require_tool_fails_on_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(pytest.fail.Exception, match=r"\.ci/run should install it \(apt-get install -y ffmpeg\)"):
        require_tool("ffmpeg")


def test_serve_directory_serves_on_loopback_and_stops(tmp_path: Path) -> None:
    write(tmp_path, "x.vtt", GOOD_VTT)
    with serve_directory(tmp_path) as base:
        assert base.startswith("http://127.0.0.1:")
        assert no_proxy_urlopen(f"{base}/x.vtt").decode("utf-8") == GOOD_VTT
    with pytest.raises(urllib.error.URLError):
        no_proxy_urlopen(f"{base}/x.vtt")


def test_run_bounded_kills_the_whole_process_group_on_timeout() -> None:
    marker = f"players-selftest-{os.getpid()}-{time.monotonic_ns()}"
    started = time.monotonic()
    with pytest.raises(PlayerCheckError, match=r"did not finish within 0\.5 s"):
        _run_bounded(["sh", "-c", f"sh -c 'sleep 30; : {marker}' & sleep 31; : {marker}"], timeout=0.5)
    assert time.monotonic() - started < 5
    deadline = time.monotonic() + 5
    while processes_mentioning(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_mentioning(marker) == []


# --- ffmpeg -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("final_newline", [True, False], ids=["final-newline", "no-final-newline"])
@pytest.mark.parametrize("ext", ["vtt", "srt"])
def test_ffmpeg_converts_good_files_silently(tmp_path: Path, ext: str, final_newline: bool) -> None:
    text = SAMPLES[ext] if final_newline else SAMPLES[ext].rstrip("\n")
    sub = write(tmp_path, f"talk.{ext}", text)
    ass, stderr = ffmpeg_to_ass(sub, tmp_path / "out")
    assert stderr == ""
    assert ass == tmp_path / "out" / f"talk.{ext}.ass"
    assert ass_dialogue_count(ass) == timing_line_count(sub) == 3
    events = ass.read_text(encoding="utf-8-sig")
    assert "This is {\\i1}italic{\\i0} text." in events
    assert "Two lines\\Nof text." in events
    assert "NOTE" not in events


def test_ffmpeg_warns_on_an_unknown_srt_tag(tmp_path: Path) -> None:
    sub = write(tmp_path, "talk.srt", GOOD_SRT.replace("<i>italic</i>", "<x>italic</x>"))
    _, stderr = ffmpeg_to_ass(sub, tmp_path)
    assert "Unrecognized tag x" in stderr


def test_ffmpeg_loses_cues_after_a_broken_srt_timing_line(tmp_path: Path) -> None:
    sub = write(tmp_path, "talk.srt", GOOD_SRT.replace("00:00:03,000 --> 00:00:04,000", "00:00:03,0x0 --> 00:00:04,000"))
    ass, _ = ffmpeg_to_ass(sub, tmp_path)
    assert ass_dialogue_count(ass) != timing_line_count(sub)


def test_ffmpeg_loses_cues_after_a_broken_vtt_arrow(tmp_path: Path) -> None:
    sub = write(tmp_path, "talk.vtt", GOOD_VTT.replace("00:00:03.000 --> 00:00:04.000", "00:00:03.000 -> 00:00:04.000"))
    ass, stderr = ffmpeg_to_ass(sub, tmp_path)
    assert stderr != "" or ass_dialogue_count(ass) < 3


def test_ffmpeg_fails_or_warns_without_the_webvtt_signature(tmp_path: Path) -> None:
    sub = write(tmp_path, "talk.vtt", GOOD_VTT.replace("WEBVTT\n", "WEBVT\n", 1))
    try:
        ass, stderr = ffmpeg_to_ass(sub, tmp_path)
    except PlayerCheckError:
        return
    assert stderr != "" or ass_dialogue_count(ass) != 3


# --- Chromium ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("final_newline", [True, False], ids=["final-newline", "no-final-newline"])
def test_chromium_parses_the_good_vtt(tmp_path: Path, final_newline: bool) -> None:
    sub = write(tmp_path, "talk.vtt", GOOD_VTT if final_newline else GOOD_VTT.rstrip("\n"))
    cues = chromium_vtt_cues(sub)
    assert [(c.id, c.start, c.end, c.text) for c in cues] == [
        ("1", 1.0, 2.5, "Hello there."),
        ("2", 3.0, 4.0, "This is <i>italic</i> text."),
        ("", 5.0, 6.0, "Two lines\nof text."),
    ]


def test_chromium_vtt_cue_count_and_cleanup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No process of this call's Chromium survives it, and its temporary directory is gone (the helper's temporary
    directory is put under tmp_path, so that Chromiums of concurrent test runs do not count)."""
    work = tmp_path / "tmp"
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(work))
    sub = write(tmp_path, "talk.vtt", GOOD_VTT)
    assert chromium_vtt_cue_count(sub) == 3
    assert processes_mentioning(str(work)) == []
    assert list(work.iterdir()) == []


def test_chromium_drops_a_cue_with_an_invalid_timestamp(tmp_path: Path) -> None:
    """ffmpeg reads 00:00:03.0x0 as 00:00:03.000 without a word; Chromium drops the cue as the WebVTT parser must."""
    sub = write(tmp_path, "talk.vtt", GOOD_VTT.replace("00:00:03.000 --> 00:00:04.000", "00:00:03.0x0 --> 00:00:04.000"))
    assert chromium_vtt_cue_count(sub) == 2


def test_chromium_keeps_only_the_first_part_of_a_cue_split_by_a_blank_line(tmp_path: Path) -> None:
    sub = write(tmp_path, "talk.vtt", GOOD_VTT.replace("Hello there.", "Hello\n\nthere."))
    cues = chromium_vtt_cues(sub)
    assert len(cues) == 3
    assert cues[0].text == "Hello"


def test_chromium_rejects_a_file_without_the_webvtt_signature(tmp_path: Path) -> None:
    sub = write(tmp_path, "talk.vtt", GOOD_VTT.replace("WEBVTT\n", "WEBVT\n", 1))
    with pytest.raises(PlayerCheckError, match='fired "error"'):
        chromium_vtt_cue_count(sub)
