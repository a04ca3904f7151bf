"""The command line, in-process through ``main(argv)`` and once as a real subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cleanup.cli import main
from tests.conftest import SEED, caption
from tests.lt_standin import languagetool_standin


def outputs(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_run_writes_prose_and_report(tmp_path: Path) -> None:
    src = tmp_path / "talk.txt"
    src.write_text(caption("It occured to us~", "that words matter [b-roll: a crowd]", "the end"), encoding="utf-8")
    assert main(["run", str(src), "--out", str(tmp_path / "out")]) == 0
    assert outputs(tmp_path / "out") == ["talk.report.json", "talk.review.html", "talk.srt", "talk.txt", "talk.vtt"]
    prose = (tmp_path / "out" / "talk.txt").read_text(encoding="utf-8")
    assert prose == "A Title\n2024-01-01\n\nIt occurred to us that words matter. The end.\n"
    report = json.loads((tmp_path / "out" / "talk.report.json").read_text(encoding="utf-8"))
    assert report["schema"] == "cleanup.report/1"
    kinds = {(c["kind"], c["before"], c["after"]) for c in report["changes"]}
    assert ("spelling", "occured", "occurred") in kinds
    (note,) = report["notes"]
    assert note["kind"] == "editorial" and note["text"] == "[b-roll: a crowd]"
    assert note["position"]["line"] == 5 and note["word_index"] == 7
    change = next(c for c in report["changes"] if c["before"] == "occured")
    start = src.read_text(encoding="utf-8").index("occured")
    assert change["position"] == {"start": start, "end": start + 7, "line": 4, "column": 4}


@pytest.mark.parametrize(
    "content,message",
    [
        (None, "no such file"),
        (b"", "empty file"),
        (b"\x00\x01\x02\x03binary\x00\xff" * 40, "binary file"),
        (b"Title\n\n2021-01-01\n", "no transcript text"),
        (bytes([0x81, 0x8D, 0x8F, 0x90]) * 40, "undecodable"),
    ],
)
def test_bad_input_one_line_exit_1_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    bad = tmp_path / "bad.txt"
    if content is not None:
        bad.write_bytes(content)
    code = main(["run", str(bad), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and err.startswith(f"cleanup: {bad}: ") and message in err
    assert "Traceback" not in err
    assert outputs(tmp_path / "out") == []


def test_batch_goes_on_past_a_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(caption("first text here"), encoding="utf-8")
    (folder / "b.txt").write_bytes(b"")
    (folder / "c.txt").write_text(caption("third text here"), encoding="utf-8")
    code = main(["run", str(folder), "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert code == 1
    assert outputs(tmp_path / "out") == [f"{s}.{e}" for s in "ac" for e in ("report.json", "review.html", "srt", "txt", "vtt")]
    assert "b.txt: empty file" in captured.err
    assert "2 done, 1 failed" in captured.out


def test_words_file_protects(tmp_path: Path) -> None:
    src = tmp_path / "t.txt"
    src.write_text(caption("the outter regions"), encoding="utf-8")
    words = tmp_path / "words.txt"
    words.write_text("# names and terms\noutter\n", encoding="utf-8")
    assert main(["run", str(src), "--out", str(tmp_path / "o"), "--words", str(words)]) == 0
    assert "outter" in (tmp_path / "o" / "t.txt").read_text(encoding="utf-8")


def test_outputs_are_replaced_whole(tmp_path: Path) -> None:
    src = tmp_path / "t.txt"
    src.write_text(caption("version one"), encoding="utf-8")
    out = tmp_path / "o"
    assert main(["run", str(src), "--out", str(out)]) == 0
    src.write_text(caption("version two"), encoding="utf-8")
    assert main(["run", str(src), "--out", str(out)]) == 0
    assert "Version two." in (out / "t.txt").read_text(encoding="utf-8")
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == []


def test_languagetool_server_through_language_tool_python(tmp_path: Path) -> None:
    src = tmp_path / "t.txt"
    src.write_text(caption("its a very unique idea and and a good one"), encoding="utf-8")
    with languagetool_standin() as (url, requests):
        assert main(["run", str(src), "--out", str(tmp_path / "o"), "--languagetool", url]) == 0
    assert requests, "the engine never called the server"
    prose = (tmp_path / "o" / "t.txt").read_text(encoding="utf-8")
    assert "It's a very unique idea and a good one." in prose
    report = json.loads((tmp_path / "o" / "t.report.json").read_text(encoding="utf-8"))
    assert report["engine"] == "languagetool"
    assert any("VERY_UNIQUE" in f["reason"] for f in report["flagged"])


def test_languagetool_unreachable_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "t.txt"
    src.write_text(caption("text"), encoding="utf-8")
    code = main(["run", str(src), "--out", str(tmp_path / "o"), "--languagetool", "http://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("cleanup: LanguageTool server at http://127.0.0.1:9") and err.count("\n") == 1
    assert outputs(tmp_path / "o") == []


def test_help_imports_no_engine() -> None:
    heavy = "('harper', 'wordfreq', 'symspellpy', 'language_tool_python')"
    code = f"import sys, cleanup.cli; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_real_subprocess(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "cleanup"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "cleanup"]
    done = subprocess.run([*cmd, "run", str(SEED), "--out", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert outputs(tmp_path) == [f"{SEED.stem}.{e}" for e in ("report.json", "review.html", "srt", "txt", "vtt")]
    usage = subprocess.run([*cmd, "run"], capture_output=True, text=True)
    assert usage.returncode == 2


def test_a_missing_espeak_is_one_line_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "t.txt"
    src.write_text(caption("he sat down and thort to himself"), encoding="utf-8")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert main(["run", str(src), "--out", str(tmp_path / "o"), "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if "espeak-ng" in line] == [
        "cleanup: espeak-ng is missing: spelling will not hear misspellings written as they sound (sudo apt-get install espeak-ng)"
    ]
    assert (tmp_path / "o" / "t.txt").exists()


def test_languagetool_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "t.txt"
    src.write_text(caption("its a good idea"), encoding="utf-8")
    with languagetool_standin() as (url, requests):
        monkeypatch.setenv("CLEANUP_LANGUAGETOOL_URL", url)
        assert main(["run", str(src), "--out", str(tmp_path / "o")]) == 0
    assert requests
    assert json.loads((tmp_path / "o" / "t.report.json").read_text(encoding="utf-8"))["engine"] == "languagetool"


def test_a_subtitle_rule_the_cues_still_break_is_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A word longer than a line (a URL) breaks the line length whatever the breaks: the run says
    so, where it would otherwise say nothing but "ok", and the report lists it."""
    src = tmp_path / "t.txt"
    src.write_text(caption("the steps are in the wiki at https://wiki.example.com/platform/rbac-rollout-steps today"), encoding="utf-8")
    assert main(["run", str(src), "--out", str(tmp_path / "o"), "--jobs", "1"]) == 0
    assert "1 subtitle rule broken" in capsys.readouterr().out
    check = json.loads((tmp_path / "o" / "t.report.json").read_text(encoding="utf-8"))["subtitles"]["check"]
    assert [v["rule"] for v in check["violations"]] == ["line-length"]
