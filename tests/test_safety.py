"""Never lose an editor's data: outputs never replace inputs, folder walks never re-read our own
outputs, two inputs never write the same outputs, a set of outputs is replaced whole or not at
all, and outputs get the permissions an ordinary file write gives."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cleanup.cli import main
from cleanup.plan import OUTPUT_SUFFIXES
from cleanup.writers import atomic
from cleanup.writers.atomic import write_all
from tests.conftest import caption

SUFFIXES = tuple(sorted(OUTPUT_SUFFIXES))


def names(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def cmd() -> list[str]:
    exe = Path(sys.executable).parent / "cleanup"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "cleanup"]


def talk(folder: Path, name: str, text: str = "the words of a talk") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(caption(text, "[note: cut here]", "and the end"), encoding="utf-8")
    return path


# 1. an output never replaces an input ---------------------------------------------------------


def test_out_pointing_at_the_inputs_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = talk(tmp_path / "talks", "p4.txt")
    before = src.read_bytes()
    code = main(["run", str(src), "--out", str(tmp_path / "talks")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and f"cleanup: {src}: " in err and "would replace this input" in err and "--out" in err
    assert src.read_bytes() == before
    assert names(tmp_path / "talks") == ["p4.txt"]


def test_out_reaching_the_input_through_a_link_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = talk(tmp_path / "talks", "p4.txt")
    before = src.read_bytes()
    (tmp_path / "alias").symlink_to(tmp_path / "talks", target_is_directory=True)
    assert main(["run", str(src), "--out", str(tmp_path / "alias")]) == 2
    assert "would replace this input" in capsys.readouterr().err
    # a hard link to the input where an output would go is the input too
    (tmp_path / "o").mkdir()
    os.link(src, tmp_path / "o" / "p4.txt")
    assert main(["run", str(src), "--out", str(tmp_path / "o")]) == 2
    assert src.read_bytes() == before
    assert names(tmp_path / "talks") == ["p4.txt"]


def test_one_inputs_output_never_replaces_another_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = talk(tmp_path, "a.txt")
    b = talk(tmp_path / "sub", "a.txt", "another talk entirely")
    before = b.read_bytes()
    # alone, the other transcript is a file cleanup did not write: kept
    assert main(["run", str(a), "--out", str(tmp_path / "sub")]) == 2
    assert "not written by cleanup" in capsys.readouterr().err
    # given together, the second input is an output of the first: refused before anything is written
    assert main(["run", str(a), str(b), "--out", str(tmp_path / "sub")]) == 2
    assert "would replace this input" in capsys.readouterr().err
    assert b.read_bytes() == before
    assert names(tmp_path / "sub") == ["a.txt"]


# 2. folder walks skip the output folder and our own outputs -----------------------------------


def report_of(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_running_twice_into_a_folder_inside_the_inputs_reads_only_the_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    talks = tmp_path / "talks"
    talk(talks, "p4.txt", "it occured to us")
    (talks / "README").write_text("not a transcript\n", encoding="utf-8")
    (talks / "notes.md").write_text("not a transcript\n", encoding="utf-8")
    subs = talks / "subs"
    assert main(["run", str(talks), "--out", str(subs)]) == 0
    first = report_of(subs / "p4.report.json")
    assert main(["run", str(talks), "--out", str(subs)]) == 0
    out = capsys.readouterr().out
    assert out.count("p4.txt -> ") == 2  # one input each time, never its own outputs
    assert names(subs) == [f"p4{s}" for s in SUFFIXES]
    second = report_of(subs / "p4.report.json")
    assert second == first and second["summary"]["notes"] == 1  # type: ignore[index]


def test_earlier_outputs_elsewhere_in_the_tree_are_not_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    talks = tmp_path / "talks"
    talk(talks, "p4.txt")
    assert main(["run", str(talks), "--out", str(talks / "old")]) == 0
    assert main(["run", str(talks), "--out", str(tmp_path / "new")]) == 0
    assert names(tmp_path / "new") == [f"p4{s}" for s in SUFFIXES]
    assert capsys.readouterr().out.count("p4.txt -> ") == 2


def test_a_folder_gives_txt_and_text_files_and_hidden_ones_are_skipped(tmp_path: Path) -> None:
    talks = tmp_path / "talks"
    talk(talks, "a.txt")
    talk(talks, "b.TEXT")
    talk(talks, ".hidden.txt")
    talk(talks / ".git", "c.txt")
    talk(talks, "noext")
    assert main(["run", str(talks), "--out", str(tmp_path / "o")]) == 0
    assert names(tmp_path / "o") == sorted(f"{s}{x}" for s in "ab" for x in SUFFIXES)


def test_no_input_files_names_the_folders_and_what_was_looked_for(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "x.md").write_text("x", encoding="utf-8")
    assert main(["run", str(tmp_path / "empty"), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(tmp_path / "empty") in err and ".txt" in err and ".text" in err


# 3. mirrored tree, collisions refused, duplicates read once -------------------------------------


def test_folder_inputs_mirror_their_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    talks = tmp_path / "talks"
    talk(talks / "a", "x.txt", "the first talk")
    talk(talks / "b", "x.txt", "the second talk")
    assert main(["run", str(talks), "--out", str(tmp_path / "o")]) == 0
    assert names(tmp_path / "o") == sorted(f"{d}/x{s}" for d in "ab" for s in SUFFIXES)
    assert "first talk" in (tmp_path / "o" / "a" / "x.txt").read_text(encoding="utf-8")
    assert "second talk" in (tmp_path / "o" / "b" / "x.txt").read_text(encoding="utf-8")
    out = capsys.readouterr().out
    assert "a/x.txt" in out and "b/x.txt" in out


def test_two_inputs_writing_the_same_outputs_are_refused_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = talk(tmp_path / "a", "x.txt")
    b = talk(tmp_path / "b", "x.txt")
    assert main(["run", str(a), str(b), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(a) in err and str(b) in err and "both write" in err
    assert names(tmp_path / "o") == []
    talk(tmp_path / "c", "x.txt")
    talk(tmp_path / "c", "x.text")
    assert main(["run", str(tmp_path / "c"), "--out", str(tmp_path / "o")]) == 2
    assert names(tmp_path / "o") == []


def test_the_same_input_twice_is_processed_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = talk(tmp_path / "talks", "x.txt")
    (tmp_path / "link.txt").symlink_to(a)
    again = tmp_path / "talks" / ".." / "talks" / "x.txt"
    assert main(["run", str(a), str(again), str(tmp_path / "link.txt"), "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "cleanup:" not in out  # one input: the single-file summary, no batch table
    assert names(tmp_path / "o") == [f"x{s}" for s in SUFFIXES]


def test_a_file_cleanup_did_not_write_is_not_replaced_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = talk(tmp_path, "x.txt")
    out = tmp_path / "o"
    out.mkdir()
    (out / "x.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nmy own subtitles\n", encoding="utf-8")
    assert main(["run", str(a), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "x.srt" in err and "not written by cleanup" in err and "--force" in err
    assert (out / "x.srt").read_text(encoding="utf-8").endswith("my own subtitles\n")
    assert main(["run", str(a), "--out", str(out), "--force"]) == 0
    assert names(out) == [f"x{s}" for s in SUFFIXES]
    assert main(["run", str(a), "--out", str(out)]) == 0  # our own outputs are replaced on a rerun


# 4. all four replaced whole, or none ----------------------------------------------------------


def _sets(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()}


@pytest.mark.parametrize("existing", [True, False], ids=["replacing", "new"])
@pytest.mark.parametrize("error", [KeyboardInterrupt, OSError, RuntimeError])
def test_write_all_interrupted_at_each_step_leaves_a_whole_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: bool, error: type[BaseException]
) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    files = {folder / f"x{s}": f"new {s}\n" for s in SUFFIXES}
    old = {p.name: f"old {p.suffix}\n" for p in files}
    steps = 0
    real_replace, real_open = os.replace, os.open

    def counting_replace(a: object, b: object) -> None:
        nonlocal steps
        steps += 1
        real_replace(a, b)  # type: ignore[arg-type]

    monkeypatch.setattr(atomic.os, "replace", counting_replace)
    write_all({tmp_path / "probe" / p.name: t for p, t in files.items()}, "probe")
    write_all({tmp_path / "probe" / p.name: t for p, t in files.items()}, "probe")
    total_steps = steps + len(files)  # the second write replaced an existing set: the most renames
    monkeypatch.setattr(atomic.os, "replace", real_replace)

    for fail_at in range(1, total_steps + 1):
        for p in folder.iterdir():
            p.unlink()
        if existing:
            for p in files:
                p.write_text(old[p.name], encoding="utf-8")
        calls = 0

        def failing_replace(a: object, b: object, fail_at: int = fail_at) -> None:
            nonlocal calls
            calls += 1
            if calls == fail_at:
                raise error("interrupted") if error is not OSError else OSError(28, "No space left on device")
            real_replace(a, b)  # type: ignore[arg-type]

        monkeypatch.setattr(atomic.os, "replace", failing_replace)
        try:
            write_all(files, "x.txt")
            finished = True
        except BaseException:
            finished = False
        finally:
            monkeypatch.setattr(atomic.os, "replace", real_replace)
        got = _sets(folder)  # hidden temporary files included
        new = {p.name: t for p, t in files.items()}
        if finished:
            assert got == new
        else:
            assert got == (old if existing else {}), f"failure at rename {fail_at} left a mixed set: {sorted(got)}"

    # a failure while the temp files are being written (disk full on the third file)
    opened = 0

    def failing_open(path: str, flags: int, mode: int = 0o777) -> int:
        nonlocal opened
        opened += 1
        if opened == 3:
            raise OSError(28, "No space left on device")
        return real_open(path, flags, mode)

    for p in folder.iterdir():
        p.unlink()
    monkeypatch.setattr(atomic.os, "open", failing_open)
    with pytest.raises(Exception, match="No space left"):
        write_all(files, "x.txt")
    monkeypatch.setattr(atomic.os, "open", real_open)
    assert _sets(folder) == {}


# 5. permissions as an ordinary write gives them ------------------------------------------------


@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_outputs_respect_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    src = talk(tmp_path, "x.txt")
    done = subprocess.run(
        [*cmd(), "run", str(src), "--out", str(tmp_path / "o")], capture_output=True, text=True, preexec_fn=lambda: os.umask(umask)
    )
    assert done.returncode == 0, done.stderr
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "o").iterdir()}
    assert modes == {f"x{s}": mode for s in SUFFIXES}


def test_a_rerun_keeps_the_permissions_the_user_gave(tmp_path: Path) -> None:
    src = talk(tmp_path, "x.txt")
    out = tmp_path / "o"
    assert main(["run", str(src), "--out", str(out)]) == 0
    (out / "x.srt").chmod(0o640)
    assert main(["run", str(src), "--out", str(out)]) == 0
    assert stat.S_IMODE((out / "x.srt").stat().st_mode) == 0o640


# found by a new user's trial ------------------------------------------------------------------


def test_another_input_of_the_same_name_does_not_replace_earlier_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = talk(tmp_path / "small", "a.txt", "the first show")
    other = talk(tmp_path / "other", "a.txt", "a different show")
    out = tmp_path / "v1"
    assert main(["run", str(first), "--out", str(out)]) == 0
    kept = (out / "a.txt").read_bytes()
    capsys.readouterr()
    assert main(["run", str(other), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "written from another input" in err and "--force" in err
    assert (out / "a.txt").read_bytes() == kept
    assert main(["run", str(first), "--out", str(out)]) == 0  # the same input again: replaced
    assert main(["run", str(other), "--out", str(out), "--force"]) == 0
    assert "different show" in (out / "a.txt").read_text(encoding="utf-8")


def test_hand_edits_are_not_replaced_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = talk(tmp_path, "a.txt")
    out = tmp_path / "o"
    assert main(["run", str(src), "--out", str(out)]) == 0
    with (out / "a.srt").open("a", encoding="utf-8") as fh:
        fh.write("\n3\n00:00:09,000 --> 00:00:10,000\nHAND EDIT\n")
    capsys.readouterr()
    assert main(["run", str(src), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "a.srt" in err and "changed since cleanup wrote it" in err
    assert "HAND EDIT" in (out / "a.srt").read_text(encoding="utf-8")
    assert main(["run", str(src), "--out", str(out), "--force"]) == 0
    assert "HAND EDIT" not in (out / "a.srt").read_text(encoding="utf-8")


def test_a_report_without_checksums_does_not_make_a_file_ours(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = talk(tmp_path, "a.txt")
    out = tmp_path / "o"
    out.mkdir()
    (out / "a.vtt").write_text("mine\n", encoding="utf-8")
    (out / "a.report.json").write_text('{"schema": "cleanup.report/1"}\n', encoding="utf-8")
    assert main(["run", str(src), "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert (out / "a.vtt").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.skipif(os.getuid() != 0, reason="changing a file's owner needs root")
def test_a_rerun_keeps_owner_and_group(tmp_path: Path) -> None:
    src = talk(tmp_path, "x.txt")
    out = tmp_path / "o"
    assert main(["run", str(src), "--out", str(out)]) == 0
    os.chown(out / "x.srt", 65534, 1)
    assert main(["run", str(src), "--out", str(out)]) == 0
    st = (out / "x.srt").stat()
    assert (st.st_uid, st.st_gid) == (65534, 1)


def test_transcripts_in_the_output_folder_are_not_skipped_silently(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tree = tmp_path / "tree"
    talk(tree / "s1", "x.txt")
    talk(tree / "s2", "x.txt")
    assert main(["run", str(tree), "--out", str(tree / "s1")]) == 0
    err = capsys.readouterr().err
    assert "not read, it is the output folder" in err and "x.txt" in err


def test_a_file_and_a_link_to_it_are_read_once_under_the_files_own_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = talk(tmp_path / "small", "a.txt")
    (tmp_path / "alias.txt").symlink_to(src)
    assert main(["run", str(tmp_path / "alias.txt"), str(src), "--out", str(tmp_path / "o")]) == 0
    assert names(tmp_path / "o") == [f"a{s}" for s in SUFFIXES]
    err = capsys.readouterr().err
    assert "the same file as" in err and "alias.txt" in err and "read once" in err


def test_an_empty_out_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    src = talk(tmp_path / "in", "a.txt")
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(src), "--out", ""]) == 2
    assert "--out is empty" in capsys.readouterr().err
    assert names(tmp_path) == ["in/a.txt"]


def test_names_with_brackets_are_shown_as_they_are(tmp_path: Path) -> None:
    folder = tmp_path / "brk"
    talk(folder, "[bold red]take 2.txt")
    talk(folder, "ep[1].txt")
    done = subprocess.run([*cmd(), "run", str(folder), "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "[bold red]take 2.txt" in done.stdout and "ep[1].txt" in done.stdout


def test_several_folders_name_their_files_with_the_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    talk(tmp_path / "tw" / "a", "x.txt")
    talk(tmp_path / "tw" / "b", "y.txt")
    assert main(["run", str(tmp_path / "tw" / "a"), str(tmp_path / "tw" / "b"), "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert str(tmp_path / "tw" / "a" / "x.txt") in out and str(tmp_path / "tw" / "b" / "y.txt") in out


def test_a_link_to_a_missing_folder_as_out_is_named_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = talk(tmp_path, "a.txt")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere", target_is_directory=True)
    assert main(["run", str(src), "--out", str(tmp_path / "dangling")]) == 2
    assert "a link to a folder that does not exist" in capsys.readouterr().err
