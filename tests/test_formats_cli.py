"""`cleanup run --formats`: which files a run writes, through the real command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cleanup.plan import FORMAT_SUFFIXES, output_suffixes, parse_formats
from tests.conftest import ROOT, caption

SEED = ROOT / "seeds" / "000_6b06ca91f54c6f31.txt"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "cleanup"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "cleanup"]
    return subprocess.run([*cmd, "run", *args], capture_output=True, text=True, timeout=300)


def test_formats_all_writes_every_file_and_says_what_each_was_cut_with(tmp_path: Path) -> None:
    done = run(str(SEED), "--formats", "all", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(SEED.stem + s for s in output_suffixes(tuple(FORMAT_SUFFIXES)))
    report = json.loads((tmp_path / f"{SEED.stem}.report.json").read_text(encoding="utf-8"))
    assert report["deliveries"] == {".srt": "netflix", ".vtt": "netflix", ".ttml": "netflix", ".ass": "netflix", ".scc": "cea608"}
    assert report["cea608"]["check"]["errors"] == 0 and report["cea608"]["rules"]["max_chars_per_line"] == 32
    assert set(report["outputs"]) == set(names) - {f"{SEED.stem}.report.json"}  # every file has its checksum


def test_marker_files_only(tmp_path: Path) -> None:
    src = tmp_path / "talk.txt"
    src.write_text(caption("It occured to us~", "that words matter [b-roll: a crowd]", "the end"), encoding="utf-8")
    done = run(str(src), "--formats", "markers", "--out", str(tmp_path / "o"))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == sorted(
        f"talk{s}" for s in (".txt", ".markers.edl", ".fcpxml", ".markers.csv", ".review.html", ".report.json")
    )
    assert "|C:ResolveColorBlue |M:note: [b-roll: a crowd]" in (tmp_path / "o" / "talk.markers.edl").read_text(encoding="utf-8")


def test_an_unknown_format_is_one_line_before_any_work(tmp_path: Path) -> None:
    done = run(str(SEED), "--formats", "srt,docx", "--out", str(tmp_path / "o"))
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "unknown format 'docx'" in lines[0] and "ttml" in lines[0]
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_parse_formats_orders_and_expands() -> None:
    assert parse_formats("VTT, srt") == ("srt", "vtt")
    assert parse_formats("markers,ass") == ("ass", "edl", "fcpxml", "csv")
    assert parse_formats("all") == tuple(FORMAT_SUFFIXES)


def test_a_rerun_with_fewer_formats_removes_the_earlier_files_it_does_not_write(tmp_path: Path) -> None:
    """`--formats all`, then `--formats srt`, then `all` again: the second run removes the earlier
    .vtt, .ttml ... (a stale .scc must not be handed over), keeps one changed by hand, and the
    third run is not refused as if they were hand edits."""
    src = tmp_path / "talk.txt"
    src.write_text(caption("It occured to us~", "that words matter [b-roll: a crowd]", "the end"), encoding="utf-8")
    out = tmp_path / "o"
    assert run(str(src), "--formats", "all", "--out", str(out)).returncode == 0
    (out / "talk.ass").write_text((out / "talk.ass").read_text(encoding="utf-8") + "; my style\n", encoding="utf-8")
    second = run(str(src), "--formats", "srt", "--out", str(out))
    assert second.returncode == 0, second.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"talk{s}" for s in (".txt", ".srt", ".ass", ".review.html", ".report.json"))
    assert "removed the earlier run's talk.vtt, talk.ttml, talk.scc" in second.stderr
    assert "left the earlier run's talk.ass" in second.stderr
    report = json.loads((out / "talk.report.json").read_text(encoding="utf-8"))
    assert report["earlier_outputs"]["left_changed"] == ["talk.ass"]
    (out / "talk.ass").unlink()
    third = run(str(src), "--formats", "all", "--out", str(out))
    assert third.returncode == 0, third.stderr
