"""Options are checked before any work, each problem in one line; runs say what happened;
Ctrl-C stops a batch cleanly; a guessed encoding is said."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleanup import __version__
from cleanup.cli import main
from cleanup.errors import CleanupError
from cleanup.plan import OUTPUT_SUFFIXES
from cleanup.readers.decode import decode
from cleanup.subtitles.rules import parse_time
from tests.conftest import SEED, caption

SUFFIXES = tuple(sorted(OUTPUT_SUFFIXES))


def cmd() -> list[str]:
    exe = Path(sys.executable).parent / "cleanup"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "cleanup"]


def talk(path: Path, text: str = "the words of a talk") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(caption(text, "[b-roll: the harbour]", "and then the end of it"), encoding="utf-8")
    return path


# --duration -----------------------------------------------------------------------------------


def test_a_duration_that_needs_an_implausible_rate_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = talk(tmp_path / "t.txt")
    assert main(["run", str(src), "--out", str(tmp_path / "o"), "--duration", "10:00:00"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"cleanup: {src}: ") and "40 words a minute" in err
    assert not (tmp_path / "o").exists() or list((tmp_path / "o").iterdir()) == []
    assert main(["run", str(src), "--out", str(tmp_path / "o"), "--duration", "00:00:01"]) == 1
    assert "cannot fit" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["0", "00:00:00", "abc", "-5", "00:61:00", "nan"])
def test_a_bad_duration_is_a_usage_error_before_any_input_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str) -> None:
    missing = tmp_path / "missing.txt"  # never read: the option is refused first
    assert main(["run", str(missing), "--out", str(tmp_path / "o"), "--duration", value]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing.txt" not in err and ("duration" in err or "not a time" in err)
    assert not (tmp_path / "o").exists()


def test_a_duration_within_the_plausible_rates_fits(tmp_path: Path) -> None:
    src = talk(tmp_path / "t.txt")
    assert main(["run", str(src), "--out", str(tmp_path / "o"), "--duration", "00:00:05"]) == 0
    report = json.loads((tmp_path / "o" / "t.report.json").read_text(encoding="utf-8"))
    assert 40 <= report["subtitles"]["wpm"] <= 400
    last = report["subtitles"]["cues"][-1]["end"]
    assert last == "00:00:05.000"


# drop-frame timecode ----------------------------------------------------------------------------


def test_drop_frame_timecode_is_read_by_its_frames() -> None:
    # 29.97 fps drop-frame: labels keep to the clock; 01:00:00;00 is frame 107,892
    assert parse_time("01:00:00;00", 29.97) == round(107_892 * 1001 / 30)
    assert parse_time("00:10:00;00", 29.97) == round(17_982 * 1001 / 30)
    assert parse_time("00:01:00;02", 29.97) == round(1_800 * 1001 / 30)
    # non-drop timecode at 29.97 counts 30 labels a second of a slower clock
    assert parse_time("01:00:00:00", 29.97) == 3_603_600
    assert parse_time("01:00:00:00", 25) == 3_600_000
    for bad, fps in (("00:01:00;00", 29.97), ("00:00:01;00", 25.0), ("00:00:00;30", 29.97)):
        with pytest.raises(CleanupError):
            parse_time(bad, fps)


def test_drop_frame_start_and_duration_from_the_command_line(tmp_path: Path) -> None:
    src = talk(tmp_path / "t.txt")
    args = ["run", str(src), "--out", str(tmp_path / "o"), "--fps", "29.97", "--start", "01:00:00;00", "--duration", "00:00:10;00"]
    assert main(args) == 0
    report = json.loads((tmp_path / "o" / "t.report.json").read_text(encoding="utf-8"))
    cues = report["subtitles"]["cues"]
    assert cues[0]["start"] == "00:59:59.996"
    assert report["subtitles"]["offset"] == "00:59:59.996"
    assert main([*args[:-1], "00:01:00;00"]) == 2  # a label drop-frame skips


# --words ----------------------------------------------------------------------------------------


def test_a_missing_word_list_is_one_usage_error_before_any_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = talk(tmp_path / "a.txt"), talk(tmp_path / "b.txt")
    code = main(["run", str(a), str(b), "--out", str(tmp_path / "o"), "--words", str(tmp_path / "nowords.txt")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "nowords.txt" in err and "word list" in err
    assert not (tmp_path / "o").exists()


def test_an_unreadable_word_list_is_one_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = talk(tmp_path / "a.txt")
    words = tmp_path / "words.txt"
    words.write_bytes(b"\xff\xfe\x00bad")
    assert main(["run", str(a), "--out", str(tmp_path / "o"), "--words", str(words)]) == 2
    assert "words.txt" in capsys.readouterr().err
    assert main(["run", str(a), "--out", str(tmp_path / "o"), "--words", str(tmp_path)]) == 2
    assert "word list" in capsys.readouterr().err


def test_a_comment_may_follow_a_protected_word(tmp_path: Path) -> None:
    src = tmp_path / "t.txt"
    src.write_text(caption("the phenomenona we saw"), encoding="utf-8")
    words = tmp_path / "words.txt"
    words.write_text("# terms of the talk\nphenomenona  # keep: the speaker's coinage\n\n", encoding="utf-8")
    assert main(["run", str(src), "--out", str(tmp_path / "o"), "--words", str(words)]) == 0
    assert "phenomenona" in (tmp_path / "o" / "t.txt").read_text(encoding="utf-8")
    assert main(["run", str(src), "--out", str(tmp_path / "p")]) == 0
    assert "phenomenona" not in (tmp_path / "p" / "t.txt").read_text(encoding="utf-8")


# the output folder ------------------------------------------------------------------------------


def test_out_that_is_a_file_is_a_clear_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = talk(tmp_path / "t.txt")
    (tmp_path / "o.txt").write_text("mine", encoding="utf-8")
    assert main(["run", str(src), "--out", str(tmp_path / "o.txt")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "o.txt" in err and "is a file, not a folder" in err
    assert main(["run", str(src), "--out", str(tmp_path / "o.txt" / "sub")]) == 2
    assert "cannot create the folder" in capsys.readouterr().err


@contextlib.contextmanager
def unwritable_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder no file can be created in, by the kernel's say: mode 0555 for a user; for root
    (CI), to whom modes mean nothing, an immutable folder (chattr +i), or else /sys."""
    locked = tmp_path / "locked"
    locked.mkdir()
    if os.getuid() != 0:
        locked.chmod(0o555)
        try:
            yield locked
        finally:
            locked.chmod(0o755)
        return
    if shutil.which("chattr") and subprocess.run(["chattr", "+i", str(locked)], capture_output=True).returncode == 0:
        try:
            yield locked
        finally:
            subprocess.run(["chattr", "-i", str(locked)], check=True)
        return
    yield Path("/sys")


def test_an_output_folder_that_cannot_be_written_is_found_before_any_work(tmp_path: Path) -> None:
    src = talk(tmp_path / "t.txt")
    with unwritable_folder(tmp_path) as locked:
        before = sorted(p.name for p in locked.iterdir())
        for out, why in ((locked, "cannot write in the folder"), (locked / "new", "cannot create the folder")):
            done = subprocess.run([*cmd(), "run", str(src), "--out", str(out)], capture_output=True, text=True)
            assert done.returncode == 2, done.stderr
            assert done.stderr.count("\n") == 1 and str(out) in done.stderr and why in done.stderr
            assert "Traceback" not in done.stderr
        assert sorted(p.name for p in locked.iterdir()) == before


# presets, --version ------------------------------------------------------------------------------


def test_preset_names_are_case_insensitive(tmp_path: Path) -> None:
    src = talk(tmp_path / "t.txt")
    assert main(["run", str(src), "--out", str(tmp_path / "o"), "--preset", "BBC"]) == 0
    report = json.loads((tmp_path / "o" / "t.report.json").read_text(encoding="utf-8"))
    assert report["subtitles"]["rules"]["name"] == "bbc" and report["subtitles"]["rules"]["max_chars_per_line"] == 37


def test_version_prints_the_version() -> None:
    done = subprocess.run([*cmd(), "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == f"cleanup {__version__}"


# saying what happened ------------------------------------------------------------------------------


def test_a_single_run_says_where_the_outputs_went_and_what_needs_a_person(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "t.txt"
    src.write_text(caption("the words of the talk", "[b-roll: the harbour]", "an we go on (pronounced GO-on) to the end"), encoding="utf-8")
    assert main(["run", str(src), "--out", str(tmp_path / "o")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert str(tmp_path / "o") in lines[0] and all(f"t{s}" in lines[0] for s in SUFFIXES)
    report = json.loads((tmp_path / "o" / "t.report.json").read_text(encoding="utf-8"))
    flagged, notes = len(report["flagged"]), report["notes"]
    assert len(notes) == 2
    assert f"{flagged} doubt" in lines[1] and "2 notes removed" in lines[1]
    for note in notes:
        h, m, s = note["time"].split(":")
        assert f"{int(h)}:{m}:{round(float(s)):02d}" in lines[1]


def test_a_piped_batch_table_keeps_whole_names(tmp_path: Path) -> None:
    folder = tmp_path / "talks"
    long_names = [f"{k}-an-interview-with-a-very-long-descriptive-file-name-from-the-archive-2021.txt" for k in "ab"]
    for name in long_names:
        talk(folder / "season-one" / name)
    done = subprocess.run([*cmd(), "run", str(folder), "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for name in long_names:
        assert f"season-one/{name}" in done.stdout
    assert "2 done, 0 failed" in done.stdout and "2 notes removed" in done.stdout


def test_ctrl_c_in_a_batch_stops_cleanly(tmp_path: Path) -> None:
    folder = tmp_path / "talks"
    text = SEED.read_text(encoding="utf-8")
    for k in range(6):
        (folder / f"t{k}.txt").parent.mkdir(parents=True, exist_ok=True)
        (folder / f"t{k}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "o"
    proc = subprocess.Popen([*cmd(), "run", str(folder), "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120

    def finished() -> bool:  # (any file: on a busy machine the workers need not finish t0 first)
        return any((out / f"t{k}.report.json").exists() for k in range(6))

    while time.monotonic() < deadline and not finished():
        time.sleep(0.05)
    assert finished(), "no file ever finished"
    time.sleep(0.3)  # somewhere inside the next files
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert time.monotonic() - sent < 5
    assert proc.returncode == 130, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cleanup: interrupted: ") and "Traceback" not in stderr
    done = int(re.search(r"interrupted: (\d+) of 6 done", lines[0]).group(1))  # type: ignore[union-attr]
    assert 1 <= done < 6 and "not done" in lines[0]
    files = sorted(p.name for p in out.iterdir())
    stems = {name.split(".")[0] for name in files}
    assert files == sorted(f"{stem}{s}" for stem in stems for s in SUFFIXES)  # whole sets, no temp files
    assert len(stems) == done


# encodings we only guess ---------------------------------------------------------------------------------

MAC = "Title\n\n2021-01-15\nIt\u2019s the caf\u00e9 where \u201cwe\u201d met\nand Zo\u00eb said na\u00efve things\n"


@pytest.mark.parametrize("encoding,expected", [("mac_roman", "mac_roman"), ("cp1252", "cp1252")])
def test_legacy_encodings_are_told_apart_and_said_to_be_guesses(encoding: str, expected: str) -> None:
    decoded = decode(MAC.encode(encoding), "x.txt")
    assert decoded.text == MAC
    assert decoded.encoding == expected and 0.5 < decoded.confidence < 1 and decoded.reason.startswith("guessed")


def test_a_guessed_encoding_is_in_the_report_and_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "mac.txt"
    src.write_bytes(MAC.encode("mac_roman"))
    assert main(["run", str(src), "--out", str(tmp_path / "o")]) == 0
    report = json.loads((tmp_path / "o" / "mac.report.json").read_text(encoding="utf-8"))
    assert report["input"]["encoding"] == "mac_roman" and report["input"]["encoding_confidence"] < 1
    assert "guessed" in report["input"]["encoding_reason"]
    assert "caf\u00e9" in (tmp_path / "o" / "mac.txt").read_text(encoding="utf-8")
    assert "encoding guessed: mac_roman" in capsys.readouterr().out
    utf8 = tmp_path / "u.txt"
    utf8.write_text(MAC, encoding="utf-8")
    assert main(["run", str(utf8), "--out", str(tmp_path / "o")]) == 0
    assert json.loads((tmp_path / "o" / "u.report.json").read_text(encoding="utf-8"))["input"]["encoding_confidence"] == 1.0
    assert "encoding guessed" not in capsys.readouterr().out


def test_macroman_names_are_not_read_as_windows_1252() -> None:
    text = "Title\n\n2021-01-15\nHerr M\u00fcller and Se\u00f1or Pe\u00f1a met in Z\u00fcrich\n"
    decoded = decode(text.encode("mac_roman"), "x.txt")
    assert (decoded.encoding, decoded.text) == ("mac_roman", text)
    decoded = decode(text.encode("cp1252"), "x.txt")
    assert (decoded.encoding, decoded.text) == ("cp1252", text)


def test_a_batch_piped_to_a_file_leaves_no_progress_bar_behind(tmp_path: Path) -> None:
    # stderr is not a terminal: no bar is drawn, so no blank line is left where it was
    inputs = [str(talk(tmp_path / f"t{k}.txt")) for k in range(2)]
    done = subprocess.run([*cmd(), "run", *inputs, "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "" not in done.stderr.splitlines() and done.stderr.strip() == ""
