"""Timed inputs through the cleanup: fillers, sentences restored for unpunctuated captions, the
options that name a format or keep what is removed, and `cleanup check` on folders."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cleanup.clean.base import Context
from cleanup.clean.pipeline import clean
from cleanup.cli import main
from cleanup.readers import read_text
from cleanup.writers.prose import render_prose
from tests.conftest import SHARED_EVAL, caption

SRT = """1
00:00:01,000 --> 00:00:03,000
So, um, we went to the harbour.

2
00:00:03,500 --> 00:00:06,000
It was uh cold and we left um.
"""


def report(folder: Path, stem: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((folder / f"{stem}.report.json").read_text(encoding="utf-8"))
    return data


def test_fillers_in_speech_to_text_input_are_removed_and_explained(tmp_path: Path) -> None:
    src = tmp_path / "talk.srt"
    src.write_text(SRT, encoding="utf-8")
    assert main(["run", str(src), "--out", str(tmp_path / "o")]) == 0
    prose = (tmp_path / "o" / "talk.txt").read_text(encoding="utf-8")
    assert "So, we went to the harbour. It was cold and we left." in prose
    fillers = [c for c in report(tmp_path / "o", "talk")["changes"] if c["kind"] == "filler"]  # type: ignore[attr-defined]
    assert sorted(c["before"] for c in fillers) == ["uh", "um,", "um."] and all(c["after"] == "" for c in fillers)
    assert main(["run", str(src), "--out", str(tmp_path / "k"), "--keep-fillers"]) == 0
    assert "um" in (tmp_path / "k" / "talk.txt").read_text(encoding="utf-8")


def test_a_typed_transcript_keeps_its_um(tmp_path: Path) -> None:
    out = clean(read_text(caption("and then um we left")), Context())
    assert "um" in render_prose(out.doc)


def yt_doc(words: list[tuple[str, float]]) -> str:
    """A tiny YouTube auto-caption file: one rolling line per word group, with word times."""

    def ts(t: float) -> str:
        return f"00:00:{t:06.3f}"

    lines = ["WEBVTT", "Kind: captions", "Language: en", ""]
    for k in range(0, len(words), 5):
        group = words[k : k + 5]
        end = words[k + 5][1] if k + 5 < len(words) else group[-1][1] + 0.5
        tagged = group[0][0] + "".join(f"<{ts(t)}><c> {w}</c>" for w, t in group[1:])
        lines += [f"{ts(group[0][1])} --> {ts(end)} align:start position:0%", tagged, ""]
    return "\n".join(lines) + "\n"


SPOKEN = (
    "so today i want to talk about the harbour and the ships that come in every morning "
    "|the first ship arrives at six and it brings fish from the north "
    "|what do you think happens to all that fish when it lands here "
    "|most of it goes straight to the market in london before noon"
)


def _timed(text: str) -> list[tuple[str, float]]:
    out, t = [], 0.5
    for sentence in text.split("|"):
        for w in sentence.split():
            out.append((w, round(t, 3)))
            t += 0.12 + 0.06 * len(w)
        t += 0.9  # a pause between sentences
    return out


def test_unpunctuated_captions_get_sentences_capitals_and_names(tmp_path: Path) -> None:
    src = tmp_path / "yt.vtt"
    src.write_text(yt_doc(_timed(SPOKEN)), encoding="utf-8")
    assert main(["run", str(src), "--out", str(tmp_path / "o")]) == 0
    prose = (tmp_path / "o" / "yt.txt").read_text(encoding="utf-8")
    assert "So today I want to talk about the harbour and the ships that come in every morning." in prose
    assert "What do you think happens to all that fish when it lands here?" in prose
    assert "London" in prose
    data = report(tmp_path / "o", "yt")
    assert data["input"]["format"] == "youtube"  # type: ignore[index]
    # the restored prose reads back unchanged
    again = tmp_path / "again.txt"
    again.write_text(prose, encoding="utf-8")
    assert main(["run", str(again), "--out", str(tmp_path / "p")]) == 0
    assert (tmp_path / "p" / "again.txt").read_text(encoding="utf-8") == prose


def test_punctuated_text_is_never_re_punctuated() -> None:
    text = caption("this is a sentence that has its own punctuation, and a long one at that, running on and on~", "and on.")
    out = clean(read_text(text), Context())
    assert not [c for c in out.changes if c.stage == "restore"]


def test_from_names_the_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "talk.txt"
    src.write_text(SRT, encoding="utf-8")
    assert main(["run", str(src), "--out", str(tmp_path / "o"), "--from", "srt"]) == 0
    assert report(tmp_path / "o", "talk")["input"]["format"] == "srt"  # type: ignore[index]
    assert main(["run", str(src), "--out", str(tmp_path / "o2"), "--from", "subrip-ish"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown format" in err
    plain = tmp_path / "plain.txt"
    plain.write_text("Just words here.\n", encoding="utf-8")
    assert main(["run", str(plain), "--out", str(tmp_path / "o3"), "--from", "srt"]) == 1
    assert "cannot read it as srt" in capsys.readouterr().err


def test_check_takes_folders_and_shows_where_each_violation_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "subs"
    (folder / "a").mkdir(parents=True)
    (folder / "a" / "bad.srt").write_text(
        "1\n00:00:01,000 --> 00:00:01,200\nThis line is much too long for the forty-two character rule\n", encoding="utf-8"
    )
    (folder / "good.vtt").write_text("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nA short line.\n", encoding="utf-8")
    assert main(["check", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "good.vtt: 1 cues, no violations" in out and "bad.srt" in out and "00:00:01,000" in out and "line-length" in out
    assert main(["check", str(tmp_path / "missing.srt")]) == 2


@pytest.mark.skipif(not (SHARED_EVAL / "make_ytvtt.py").exists(), reason="../shared/eval is not beside this checkout")
def test_a_generated_youtube_file_keeps_every_word_once(tmp_path: Path) -> None:
    gold = tmp_path / "p4.gold.json"
    raw = tmp_path / "p4.raw.txt"
    py = sys.executable
    subprocess.run([py, str(SHARED_EVAL / "make_raw.py"), str(SHARED_EVAL / "devset" / "p4_space.txt"), str(raw), str(gold)], check=True)
    vtt, words = tmp_path / "p4.vtt", tmp_path / "p4.words.json"
    subprocess.run([py, str(SHARED_EVAL / "make_ytvtt.py"), str(gold), str(vtt), str(words)], check=True)
    assert main(["run", str(vtt), "--out", str(tmp_path / "o")]) == 0
    done = subprocess.run(
        [py, str(SHARED_EVAL / "score_yt.py"), str(gold), str(words), str(tmp_path / "o"), "p4"], capture_output=True, text=True, check=True
    )
    score = json.loads(done.stdout)
    assert score["word_diffs"] == 0 and score["source_words"] == score["output_words"]


def _ms(stamp: str) -> int:
    h, m, s = stamp.replace(",", ".").split(":")
    return round((int(h) * 3600 + int(m) * 60 + float(s)) * 1000)


INTERVIEW = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Ann Lee>Welcome back to the show, it is good to see you.

00:00:04.500 --> 00:00:06.000
<v Bo Park>Thank you.

00:00:06.100 --> 00:00:09.500
<v Bo Park>It is a pleasure to be here with you today.

00:00:12.000 --> 00:00:13.000
[Applause]

00:00:14.000 --> 00:00:11.000
<v Ann Lee>So tell me where it all began.
"""


def test_cues_sit_on_their_words_and_say_where_their_times_came_from(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "interview.vtt"
    src.write_text(INTERVIEW, encoding="utf-8")
    assert main(["run", str(src), "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "times:" in out and "from the input's cue times" in out
    data = report(tmp_path / "o", "interview")
    subs = data["subtitles"]
    assert isinstance(subs, dict)
    cues = subs["cues"]
    assert {c["source"] for c in cues} == {"source-cue"} and all(0 < c["confidence"] <= 1 for c in cues)
    assert subs["sources"] == {"source-cue": len(cues)}
    assert _ms(cues[0]["start"]) >= 1000  # never before its first word
    starts = [_ms(c["start"]) for c in cues]
    ends = [_ms(c["end"]) for c in cues]
    assert all(e2 > s2 >= e1 for e1, s2, e2 in zip(ends, starts[1:], ends[1:], strict=False))  # no overlap
    assert data["speakers"] == ["Ann Lee", "Bo Park"]
    (repair,) = data["repairs"]  # type: ignore[misc]
    assert repair["kind"] == "timing" and "00:00:14.000 --> 00:00:11.000" in repair["before"]
    vtt = (tmp_path / "o" / "interview.vtt").read_text(encoding="utf-8")
    assert "<v Ann Lee>Welcome back" in vtt and "<v Bo Park>" in vtt
    assert "[Applause]" not in vtt
    prose = (tmp_path / "o" / "interview.txt").read_text(encoding="utf-8")
    assert "\n\nThank you." in prose  # a new speaker starts a paragraph


def test_sound_tags_show_only_when_asked(tmp_path: Path) -> None:
    src = tmp_path / "interview.vtt"
    src.write_text(INTERVIEW, encoding="utf-8")
    assert main(["run", str(src), "--out", str(tmp_path / "o"), "--keep-sound-tags"]) == 0
    srt_text = (tmp_path / "o" / "interview.srt").read_text(encoding="utf-8")
    assert "[Applause]" in srt_text
    data = report(tmp_path / "o", "interview")
    assert any(n["kind"] == "sound" and n["time"] == "00:00:12.000" for n in data["notes"])  # type: ignore[attr-defined]


def test_speech_too_fast_to_read_keeps_every_word_and_is_listed(tmp_path: Path) -> None:
    fast = "1\n00:00:01,000 --> 00:00:02,000\nThis is far too many words to read in a single second of speech time.\n"
    src = tmp_path / "fast.srt"
    src.write_text(fast, encoding="utf-8")
    assert main(["run", str(src), "--out", str(tmp_path / "o")]) == 0
    data = report(tmp_path / "o", "fast")
    assert data["output"]["words"] == 15  # type: ignore[index]
    warnings = data["subtitles"]["reading_speed_warnings"]  # type: ignore[index]
    assert warnings and all(_ms(w["start"]) >= 1000 for w in warnings)
    assert all(_ms(c["end"]) <= 2000 + 1000 + 40 for c in data["subtitles"]["cues"])  # type: ignore[index]


def test_short_sentences_share_a_cue() -> None:
    from cleanup.subtitles import TimingOptions, make_subtitles
    from cleanup.subtitles.rules import preset

    doc = clean(
        read_text(caption("Significant?", "Check.", "Concrete?", "Yes.", "And then we went on to the next part of the plan.")), Context()
    ).doc
    subs = make_subtitles(doc, preset("netflix"), TimingOptions())
    texts = [" / ".join(c.lines) for c in subs.cues]
    assert texts[:2] == ["Significant? Check.", "Concrete? Yes."]


def test_a_second_run_on_our_own_subtitles_changes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "interview.vtt"
    src.write_text(INTERVIEW, encoding="utf-8")
    yt = tmp_path / "yt.vtt"
    yt.write_text(yt_doc(_timed(SPOKEN)), encoding="utf-8")
    assert main(["run", str(src), str(yt), "--out", str(tmp_path / "one")]) == 0
    again = tmp_path / "again"
    again.mkdir()
    for stem in ("interview", "yt"):
        for ext in ("srt", "vtt"):
            (again / f"{stem}-{ext}.{ext}").write_bytes((tmp_path / "one" / f"{stem}.{ext}").read_bytes())
    assert main(["run", str(again), "--out", str(tmp_path / "two")]) == 0
    for stem in ("interview", "yt"):
        for ext in ("srt", "vtt"):
            first = (tmp_path / "one" / f"{stem}.{ext}").read_text(encoding="utf-8")
            second = (tmp_path / "two" / f"{stem}-{ext}.{ext}").read_text(encoding="utf-8")
            if ext == "vtt":  # the header names the input's title
                first, second = first.split("\n", 1)[1], second.split("\n", 1)[1]
            assert second == first, f"{stem}.{ext} changed on a second run"


def test_timed_inputs_that_would_share_outputs_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "talks"
    folder.mkdir()
    (folder / "talk.srt").write_text(SRT, encoding="utf-8")
    (folder / "talk.vtt").write_text(INTERVIEW, encoding="utf-8")
    assert main(["run", str(folder), "--out", str(tmp_path / "o")]) == 2
    assert "would both write" in capsys.readouterr().err
    (folder / "talk.vtt").rename(folder / "talk.en.vtt")
    assert main(["run", str(folder), "--out", str(tmp_path / "o")]) == 0
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == sorted(
        f"{stem}.{ext}" for stem in ("talk", "talk.en") for ext in ("report.json", "review.html", "srt", "txt", "vtt")
    )


def test_a_timestamp_that_does_not_parse_is_one_line_with_its_line_number(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "bad.srt"
    src.write_text("1\n00:00:01,000 --> 00:00:02,000\nHello there.\n\n2\n00:00:03,000 --> 00:00:99,000\nAgain.\n", encoding="utf-8")
    assert main(["run", str(src), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"cleanup: {src}: line 6: ") and "timestamp" in err
    assert not (tmp_path / "o").exists()  # nothing written, not even the folder this run would have made


def test_two_speakers_short_turns_share_a_cue_with_hyphens(tmp_path: Path) -> None:
    src = tmp_path / "quick.vtt"
    src.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:01.400\n<v Ann>Ready?\n\n00:00:01.450 --> 00:00:01.800\n<v Bo>Yes.\n\n"
        "00:00:02.500 --> 00:00:05.000\n<v Ann>Then we start with the first question of the night.\n",
        encoding="utf-8",
    )
    assert main(["run", str(src), "--out", str(tmp_path / "o")]) == 0
    vtt = (tmp_path / "o" / "quick.vtt").read_text(encoding="utf-8")
    assert "<v Ann>- Ready?\n<v Bo>- Yes.\n" in vtt
    srt_text = (tmp_path / "o" / "quick.srt").read_text(encoding="utf-8")
    assert "- Ready?\n- Yes.\n" in srt_text
    assert main(["check", str(tmp_path / "o" / "quick.srt")]) == 0


# found by a new user's trial ------------------------------------------------------------------


def test_a_show_transcript_segment_lasts_as_long_as_its_words(tmp_path: Path) -> None:
    src = tmp_path / "st.txt"
    src.write_text("0:03 so first we open the color page\n0:09 and then we grade the shot\n1:02:33 and export it\n", encoding="utf-8")
    assert main(["run", str(src), "--out", str(tmp_path / "o")]) == 0
    cues = report(tmp_path / "o", "st")["subtitles"]["cues"]  # type: ignore[index]
    assert all(_ms(c["end"]) - _ms(c["start"]) <= 7000 for c in cues)
    assert max(_ms(c["end"]) for c in cues if _ms(c["start"]) < 3_600_000) < 20_000  # not spread over the hour's silence


def test_a_short_sentence_of_one_cue_stays_one_cue(tmp_path: Path) -> None:
    src = tmp_path / "simple.srt"
    src.write_text(
        "1\n00:00:01,000 --> 00:00:04,000\nHey, sit still.\n\n2\n00:00:10,000 --> 00:00:13,500\nYou are closer than you know.\n",
        encoding="utf-8",
    )
    assert main(["run", str(src), "--out", str(tmp_path / "o")]) == 0
    srt_text = (tmp_path / "o" / "simple.srt").read_text(encoding="utf-8")
    assert "\nHey, sit still.\n" in srt_text and "\nYou are closer than you know.\n" in srt_text


def test_sentences_apart_in_time_never_share_a_cue(tmp_path: Path) -> None:
    src = tmp_path / "sig.srt"
    src.write_text(
        "1\n00:00:01,000 --> 00:00:03,000\nSignificant? Check.\n\n2\n00:00:05,000 --> 00:00:07,200\nOh yeah! Now is the time!\n",
        encoding="utf-8",
    )
    assert main(["run", str(src), "--out", str(tmp_path / "o")]) == 0
    cues = report(tmp_path / "o", "sig")["subtitles"]["cues"]  # type: ignore[index]
    assert all(not (_ms(c["start"]) < 4000 < _ms(c["end"])) for c in cues)


def test_repairs_and_ignored_options_are_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "broken.srt"
    src.write_text(
        "1\n00:00:05,000 --> 00:00:04,000\nThe end comes before the start.\n\n2\n00:00:06,000 --> 00:00:08,000\nAnd this one is fine.\n",
        encoding="utf-8",
    )
    assert main(["run", str(src), "--out", str(tmp_path / "o"), "--wpm", "120"]) == 0
    captured = capsys.readouterr()
    assert "1 timing repair" in captured.out
    assert "--wpm applies to inputs without times" in captured.err


def test_one_speaker_whatever_the_case(tmp_path: Path) -> None:
    src = tmp_path / "v.vtt"
    src.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Ann>Hello there, good evening.\n\n"
        "00:00:03.500 --> 00:00:06.000\nBO: Good evening to you too.\n\n00:00:06.500 --> 00:00:09.000\nANN: Shall we begin then?\n",
        encoding="utf-8",
    )
    assert main(["run", str(src), "--out", str(tmp_path / "o")]) == 0
    assert report(tmp_path / "o", "v")["speakers"] == ["Ann", "BO"]
    assert "<v ANN>" not in (tmp_path / "o" / "v.vtt").read_text(encoding="utf-8")


def test_check_uses_the_preset_the_report_records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "t.srt"
    src.write_text(SRT, encoding="utf-8")
    assert main(["run", str(src), "--out", str(tmp_path / "o"), "--preset", "bbc"]) == 0
    capsys.readouterr()
    assert main(["check", str(tmp_path / "o" / "t.srt")]) == 0
    assert "bbc rules" in capsys.readouterr().out
    assert main(["check", str(tmp_path / "o" / "t.srt"), "--preset", "vertical"]) in (0, 1)
    assert "vertical rules" in capsys.readouterr().out


def test_the_native_library_cannot_print_into_our_summary(tmp_path: Path) -> None:
    code = (
        "import os, sys; from cleanup.engines.harper import native_output_muted\n"
        "print('ours', flush=True)\n"
        "with native_output_muted():\n    os.write(1, b'gerund_form: noise\\n')\n"
        "print('ours again')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "ours\nours again\n"


def test_a_cue_takes_its_source_and_confidence_from_its_first_and_last_words() -> None:
    from cleanup.model import Token
    from cleanup.subtitles.rules import preset
    from cleanup.subtitles.segment import Cue
    from cleanup.subtitles.timed import time_from_words, word_clock

    # the middle word has no time of its own (placed between its neighbours): it moves neither edge
    tokens = [
        Token("one", time=(1000, 1300), time_source="audio", time_confidence=0.9),
        Token("two", time=None),
        Token("three", time=(1800, 2100), time_source="audio", time_confidence=0.8),
        Token("four", time=(3000, 3300), time_source="audio", time_confidence=0.9),
        Token("five", time=None),
    ]
    clock = word_clock(tokens)
    assert clock.sources[1] == "estimated"
    cues, _ = time_from_words([Cue(0, 3, ("one two three",)), Cue(3, 5, ("four five",))], clock, preset("netflix", 25.0))
    assert (cues[0].source, cues[0].confidence) == ("audio", 0.8)
    assert cues[0].start == 1000
    # a cue that ends on a word placed by interpolation is as sure as that word
    assert (cues[1].source, cues[1].confidence) == ("estimated", 0.3)


def test_a_contraction_without_its_apostrophe_is_fixed_in_a_subtitle_file_too() -> None:
    from cleanup.clean.base import Context
    from cleanup.clean.pipeline import clean
    from cleanup.readers import read_text

    srt = "1\n00:00:01,000 --> 00:00:03,000\nI dont think we recieved it\n\n2\n00:00:03,500 --> 00:00:05,000\nbut im sure\n"
    result = clean(read_text(srt, "t.srt"), Context())
    assert [(c.before, c.after) for c in result.changes if c.kind == "spelling"] == [("dont", "don't")]
    assert {f.text for f in result.flags} >= {"recieved", "im"}  # (a slip, a name? flagged only)
