"""cleanup.align: words aligned to a narration. The audio tests synthesize a short clip with espeak-ng
(a few seconds each) and skip, saying why, when espeak-ng, ffmpeg or PocketSphinx is missing."""

from __future__ import annotations

import array
import dataclasses
import itertools
import json
import math
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from cleanup.align import WordTime, align, align_words, decode_audio, missing, sphinx
from cleanup.align import core as align_core
from cleanup.align.pronounce import ipa_to_arpabet, normalise, readings
from cleanup.errors import CleanupError

MISSING = missing()
needs_audio = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")

RATE = 16000
VOICE = "en-us+klatt2"  # espeak-ng's default voice is too buzzy for the acoustic model: this one is heard as speech
SENTENCES = [
    "The river rose quickly after the storm, and the old bridge was closed.",
    "In 1970, Vera Rubin measured how fast the stars were moving.",
    "Nobody expected the answer to change astronomy for fifty years.",
]
LEAD, GAPS, TAIL = 0.5, (0.8, 1.1), 0.6  # seconds of silence before, between and after the sentences
ADDED = "A sentence the narrator never read sits here in the script."


# ---------------------------------------------------------------- no audio needed


def test_normalise_keeps_what_the_dictionary_spells() -> None:
    assert normalise("Kubernetes,") == "kubernetes"
    assert normalise("\u201cDon\u2019t") == "don't"
    assert normalise("1970s.") == "1970s"
    assert normalise("well-known") == "well-known"
    assert normalise("p99") == "p99"
    assert normalise("\u2014") == ""
    assert normalise("(Andromeda)") == "andromeda"


def test_years_are_read_as_years_first() -> None:
    assert readings("1970")[0] == "19 70"
    assert readings("1905")[0] == "19 oh 5"
    assert readings("1100s")[0] == "11 hundred s"
    assert readings("430") == ["430"]
    assert readings("p99") == ["p99"]


def test_ipa_maps_to_the_models_phones() -> None:
    # espeak-ng -q --ipa -v en-us --sep=_ for "kubernetes" and "430"
    assert ipa_to_arpabet("k_j_ˈuː_b_ɚ_n_ˌiː_t_s") == ["K", "Y", "UW", "B", "ER", "N", "IY", "T", "S"]
    four_thirty = ["F", "AO", "R", "HH", "AH", "N", "D", "R", "IH", "D", "TH", "ER", "T", "IY"]
    assert ipa_to_arpabet("f_ˈoːɹ_h_ˈʌ_n_d_ɹ_ɪ_d θ_ˈɜː_ɾ_i") == four_thirty


def test_boundaries_fall_at_sentence_starts_and_inside_long_unpunctuated_runs() -> None:
    words = "One two. Three four five.".split()
    assert sphinx.boundaries(words) == [True, False, True, False, False]
    long = ["word"] * 50
    marks = sphinx.boundaries(long)
    assert marks[0] and 2 <= sum(marks) <= 6


def test_missing_names_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(align_core.shutil, "which", lambda name: None)
    text = missing()
    assert text is not None and "\n" not in text
    assert "ffmpeg" in text and "espeak-ng" in text and "apt-get install" in text


def test_decode_without_ffmpeg_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from cleanup.align import audio

    monkeypatch.setattr(audio.shutil, "which", lambda name: None)
    with pytest.raises(CleanupError) as err:
        decode_audio(tmp_path / "x.wav")
    assert "ffmpeg" in err.value.message and "\n" not in err.value.message


# ---------------------------------------------------------------- a synthesized narration


def _espeak_pcm(text: str, tmp: Path) -> bytes:
    wav = tmp / "s.wav"
    subprocess.run(["espeak-ng", "-v", VOICE, "-s", "160", "-w", str(wav), text], check=True, capture_output=True)
    return decode_audio(wav)


def _silence(seconds: float) -> bytes:
    return bytes(2 * int(seconds * RATE))


def _rms(pcm: bytes) -> list[float]:
    samples = array.array("h")
    samples.frombytes(pcm)
    return [math.sqrt(sum(x * x for x in samples[k : k + 160]) / 160) for k in range(0, len(samples) - 159, 160)]


def _voice_span(pcm: bytes) -> tuple[float, float]:
    """First and last 10 ms frame of a synthesized sentence louder than 2 % of its loudest frame."""
    rms = _rms(pcm)
    floor = 0.02 * max(rms)
    loud = [k for k, r in enumerate(rms) if r > floor]
    return loud[0] / 100, (loud[-1] + 1) / 100


@dataclasses.dataclass(frozen=True)
class Clip:
    pcm: bytes
    wav: Path
    spans: list[tuple[float, float]]  # each sentence's voice, in seconds
    words: list[list[str]]  # each sentence's words


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Clip:
    if MISSING is not None:
        pytest.skip(MISSING)
    tmp = tmp_path_factory.mktemp("align")
    parts = [_silence(LEAD)]
    spans: list[tuple[float, float]] = []
    at = LEAD
    for k, sentence in enumerate(SENTENCES):
        pcm = _espeak_pcm(sentence, tmp)
        on, off = _voice_span(pcm)
        spans.append((at + on, at + off))
        parts.append(pcm)
        at += len(pcm) / (2 * RATE)
        pause = GAPS[k] if k < len(GAPS) else TAIL
        parts.append(_silence(pause))
        at += pause
    pcm = b"".join(parts)
    wav = tmp / "clip.wav"
    with wave.open(str(wav), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm)
    return Clip(pcm, wav, spans, [s.split() for s in SENTENCES])


@pytest.fixture(scope="module")
def aligned(clip: Clip) -> list[WordTime]:
    return align_words([w for s in clip.words for w in s], decode_audio(clip.wav))


@needs_audio
def test_decode_gives_16k_mono_pcm(clip: Clip) -> None:
    assert decode_audio(clip.wav) == clip.pcm


@needs_audio
def test_every_word_gets_a_time_in_order(clip: Clip, aligned: list[WordTime]) -> None:
    assert len(aligned) == sum(len(s) for s in clip.words)
    for before, after in itertools.pairwise(aligned):
        assert before.start_ms <= before.end_ms <= after.start_ms <= after.end_ms
    assert aligned[-1].end_ms <= len(clip.pcm) // 32
    assert sum(t.reliable for t in aligned) >= 0.9 * len(aligned)  # a synthetic voice: a word or two may be doubted
    assert all(0.5 <= t.confidence <= 1.0 for t in aligned if t.reliable)


def _on_the_voice(clip: Clip, times: list[WordTime]) -> None:
    """Each sentence's first word starts within 0.05 s of its voice, its last ends within 0.15 s."""
    first = 0
    for (on, off), words in zip(clip.spans, clip.words, strict=True):
        last = first + len(words) - 1
        assert abs(times[first].start_ms / 1000 - on) <= 0.05, (words[0], times[first], on)
        assert abs(times[last].end_ms / 1000 - off) <= 0.15, (words[-1], times[last], off)
        first = last + 1


@needs_audio
def test_sentences_start_and_end_on_the_voice(clip: Clip, aligned: list[WordTime]) -> None:
    _on_the_voice(clip, aligned)


@needs_audio
def test_a_sentence_the_audio_lacks_comes_back_unreliable_and_moves_nothing(clip: Clip, aligned: list[WordTime]) -> None:
    added = ADDED.split()
    words = [*clip.words[0], *added, *clip.words[1], *clip.words[2]]
    times = align_words(words, clip.pcm)
    n0 = len(clip.words[0])
    extra = times[n0 : n0 + len(added)]
    assert all(not t.reliable and t.confidence <= 0.3 for t in extra)
    rest = times[:n0] + times[n0 + len(added) :]
    for mine, plain in zip(rest, aligned, strict=True):  # a short word next to a doubted one may shift a few frames, no more
        assert mine.reliable == plain.reliable
        assert abs(mine.start_ms - plain.start_ms) <= 100 and abs(mine.end_ms - plain.end_ms) <= 100, (mine, plain)
    # the sentences around it start and end where they did
    for k in (0, n0 - 1, n0 + len(added), n0 + len(added) + len(clip.words[1]) - 1):
        plain = aligned[k if k < n0 else k - len(added)]
        assert abs(times[k].start_ms - plain.start_ms) <= 20 and abs(times[k].end_ms - plain.end_ms) <= 20
    # the interpolated words sit between the trusted words around them
    assert times[n0 - 1].end_ms <= extra[0].start_ms and extra[-1].end_ms <= times[n0 + len(added)].start_ms


@needs_audio
def test_small_windows_give_the_same_times(clip: Clip, aligned: list[WordTime]) -> None:
    """The windowing (restarts, the grammar's exits) on a clip long enough for several 6 s windows."""
    seen: list[float] = []
    params = dataclasses.replace(sphinx.Params(), window=600)
    result = align([w for s in clip.words for w in s], clip.pcm, progress=seen.append, params=params)
    assert result.windows >= 3
    assert seen == sorted(seen) and seen[-1] == 1.0
    for mine, plain in zip(result.times, aligned, strict=True):
        assert abs(mine.start_ms - plain.start_ms) <= 40, (mine, plain)


@needs_audio
def test_a_recording_far_too_short_is_refused(clip: Clip) -> None:
    words = [w for s in clip.words for w in s] * 6
    with pytest.raises(CleanupError) as err:
        align_words(words, clip.pcm[: 2 * RATE * 3])
    assert "needs at least" in err.value.message and "\n" not in err.value.message


@needs_audio
def test_another_text_is_refused(clip: Clip) -> None:
    other = (
        "Markets opened lower on Monday as investors weighed fresh data on prices and wages. "
        "Shares of banks fell sharply while energy companies gained ground in early trading. "
        "Analysts said the central bank would probably wait before changing its policy again."
    ).split()
    with pytest.raises(CleanupError) as err:
        align_words(other, clip.pcm)
    assert "could be found" in err.value.message


@needs_audio
def test_a_text_file_given_as_audio_is_one_line(tmp_path: Path) -> None:
    text = tmp_path / "script.txt"
    text.write_text("This is not audio at all.\n", encoding="utf-8")
    with pytest.raises(CleanupError) as err:
        decode_audio(text)
    assert err.value.path == str(text)
    assert "\n" not in err.value.message
    assert err.value.message == "not an audio or video file ffmpeg can read"


@needs_audio
def test_a_video_without_sound_is_one_line(tmp_path: Path) -> None:
    video = tmp_path / "silent.mp4"
    made = subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=black:s=64x64:d=1", "-c:v", "mpeg4", str(video)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip("this ffmpeg cannot write mpeg4: " + made.stderr.decode(errors="replace").strip()[:80])
    with pytest.raises(CleanupError) as err:
        decode_audio(video)
    assert err.value.message == "no audio stream in this file"


@needs_audio
def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(CleanupError) as err:
        decode_audio(tmp_path / "nowhere.mp3")
    assert err.value.message == "no such audio file"


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_words_the_dictionary_lacks_are_pronounced() -> None:
    from cleanup.align.pronounce import espeak_batch

    got = espeak_batch(["kubernetes", "1970s", "p99"])
    assert got["kubernetes"][0][:3] == ["K", "Y", "UW"]
    assert got["1970s"][0] == ["N", "AY", "N", "T", "IY", "N", "S", "EH", "V", "AH", "N", "T", "IY", "Z"]
    assert all(len(alts) >= 1 and all(alts) for alts in got.values())


@needs_audio
def test_a_word_with_nothing_to_say_sits_between_its_neighbours(clip: Clip, aligned: list[WordTime]) -> None:
    first = clip.words[0]
    words = [*first[:6], "\u2014", *first[6:], *clip.words[1], *clip.words[2]]
    times = align_words(words, clip.pcm)
    dash = times[6]
    assert not dash.reliable and dash.confidence <= 0.1
    assert times[5].end_ms <= dash.start_ms <= dash.end_ms <= times[7].start_ms
    assert abs(times[7].start_ms - aligned[6].start_ms) <= 50


# ---------------------------------------------------------------- cleanup run --audio, a real process


def _cmd() -> list[str]:
    exe = Path(sys.executable).parent / "cleanup"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "cleanup"]


def _script(folder: Path) -> Path:
    """The clip's text as a caption paste, lower case and with an editor's note before the second sentence."""
    first, second, third = SENTENCES
    script = folder / "script.txt"
    script.write_text(f"Narration\n\n2024-01-01\n{first.lower()} [note: check this date]\n{second}\n{third}\n", encoding="utf-8")
    return script


def _srt_starts(path: Path) -> list[tuple[float, float, str]]:
    cues = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        lines = block.splitlines()
        start, end = (
            sum(float(x) * f for x, f in zip(t.replace(",", ".").split(":"), (3600, 60, 1), strict=True)) for t in lines[1].split(" --> ")
        )
        cues.append((start, end, " ".join(lines[2:])))
    return cues


@needs_audio
def test_run_with_audio_times_the_cues_to_the_voice(clip: Clip, tmp_path: Path) -> None:
    script = _script(tmp_path)
    done = subprocess.run(
        [*_cmd(), "run", str(script), "--audio", str(clip.wav), "--out", str(tmp_path / "o")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "from the audio" in done.stdout
    cues = _srt_starts(tmp_path / "o" / "script.srt")
    sentence_starts = [k for k, (_, _, text) in enumerate(cues) if text[:1].isupper()]
    assert len(sentence_starts) == len(SENTENCES)
    for k, (on, off) in zip(sentence_starts, clip.spans, strict=True):
        assert abs(cues[k][0] - on) <= 0.08, (cues[k], on)
        assert cues[k][1] >= min(off, cues[k + 1][0] if k + 1 < len(cues) else off) - 0.2
    report = json.loads((tmp_path / "o" / "script.report.json").read_text(encoding="utf-8"))
    assert report["audio"]["words_aligned"] == sum(len(s) for s in clip.words)
    assert report["subtitles"]["sources"] == {"audio": len(cues)}
    assert all(0.5 <= c["confidence"] <= 1.0 for c in report["subtitles"]["cues"])
    # the editor's note is not spoken: its time is the second sentence's start in the recording
    (note,) = report["notes"]
    h, m, s = note["time"].split(":")
    assert abs(int(h) * 3600 + int(m) * 60 + float(s) - clip.spans[1][0]) <= 0.1


@needs_audio
@pytest.mark.parametrize(
    ("case", "code", "message"),
    [
        ("two inputs", 2, "--audio goes with one transcript, not 2"),
        ("missing audio", 2, "nowhere.wav: no such file"),
        ("text as audio", 1, "not an audio or video file ffmpeg can read"),
        ("another text", 1, "could be found in the recording"),
        ("with --cluster", 2, "--audio runs on this machine: leave out --cluster"),
    ],
)
def test_run_with_audio_refuses_in_one_line_and_writes_nothing(clip: Clip, tmp_path: Path, case: str, code: int, message: str) -> None:
    script = _script(tmp_path)
    inputs, audio, extra = [str(script)], str(clip.wav), []
    if case == "two inputs":
        other = tmp_path / "other.txt"
        other.write_text(script.read_text(encoding="utf-8"), encoding="utf-8")
        inputs.append(str(other))
    elif case == "missing audio":
        audio = str(tmp_path / "nowhere.wav")
    elif case == "text as audio":
        audio = str(script)
    elif case == "another text":
        script.write_text(
            "Markets\n\n2024-01-01\nMarkets opened lower on Monday as investors weighed fresh data on prices and wages.\n"
            "Shares of banks fell sharply while energy companies gained ground in early trading.\n",
            encoding="utf-8",
        )
    else:
        extra = ["--cluster", "tcp://127.0.0.1:9"]
    out = tmp_path / "o"
    done = subprocess.run([*_cmd(), "run", *inputs, "--audio", audio, "--out", str(out), *extra], capture_output=True, text=True)
    assert done.returncode == code, done.stderr
    lines = done.stderr.splitlines()  # one line: not even a blank one where the progress bar was
    assert len(lines) == 1 and message in lines[0], done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()  # not even the empty folder


@needs_audio
def test_a_long_recording_aligned_in_two_halves_at_once_gives_the_same_times(clip: Clip, monkeypatch: pytest.MonkeyPatch) -> None:
    """The split (`sphinx.align_split`) on the clip with windows small enough for it: the second half
    runs here, the first in a child interpreter; the times are those of one pass."""
    words = [w for s in clip.words for w in s]
    params = dataclasses.replace(sphinx.Params(), window=1000)
    monkeypatch.setattr(sphinx, "SPLIT_MIN_WINDOWS", 1)
    monkeypatch.setattr(sphinx, "cores", lambda: 1)
    one_pass = align(words, clip.pcm, params=params)
    monkeypatch.setattr(sphinx, "cores", lambda: 2)
    started: list[object] = []
    real_start = sphinx._start_part

    def start_part(*args: object) -> object:
        child = real_start(*args)  # type: ignore[arg-type]
        started.append(child)
        return child

    monkeypatch.setattr(sphinx, "_start_part", start_part)
    seen: list[float] = []
    split = align(words, clip.pcm, progress=seen.append, params=params)
    assert started and started[0] is not None, "the first half did not run in a child"
    assert split.windows == one_pass.windows + 1  # the probe
    assert seen[-1] == 1.0
    _on_the_voice(clip, split.times)
    _same_but_for_a_word_at_the_threshold(split.times, one_pass.times)


def _same_but_for_a_word_at_the_threshold(mine: list[WordTime], plain: list[WordTime]) -> None:
    """The same times within 6 frames where both passes trust a word, and the same words trusted but
    for two at most (the two passes' windows differ, and the judge's limit is learned from the costs)."""
    assert len(mine) == len(plain)
    assert sum(a.reliable != b.reliable for a, b in zip(mine, plain, strict=True)) <= 2
    for a, b in zip(mine, plain, strict=True):
        if a.reliable and b.reliable:
            assert abs(a.start_ms - b.start_ms) <= 60 and abs(a.end_ms - b.end_ms) <= 60, (a, b)


@needs_audio
def test_a_failed_child_leaves_the_first_half_to_this_process(clip: Clip, monkeypatch: pytest.MonkeyPatch) -> None:
    words = [w for s in clip.words for w in s]
    params = dataclasses.replace(sphinx.Params(), window=1000)
    monkeypatch.setattr(sphinx, "SPLIT_MIN_WINDOWS", 1)
    monkeypatch.setattr(sphinx, "cores", lambda: 2)
    monkeypatch.setattr(sphinx.sys, "executable", "/bin/false")  # the child exits at once, with no answer
    answers: list[object] = []
    real_finish = sphinx._finish_part

    def finish_part(child: object) -> object:
        answers.append(real_finish(child))  # type: ignore[arg-type]
        return answers[-1]

    monkeypatch.setattr(sphinx, "_finish_part", finish_part)
    split = align(words, clip.pcm, params=params)
    assert answers == [None]  # the split happened, the child failed, and this process aligned its half
    monkeypatch.setattr(sphinx, "cores", lambda: 1)
    one_pass = align(words, clip.pcm, params=params)
    _on_the_voice(clip, split.times)
    _same_but_for_a_word_at_the_threshold(split.times, one_pass.times)


def test_the_second_interpreter_stops_when_its_parent_is_killed_outright() -> None:
    import psutil

    # A parent that starts the aligner's child the way align_split does, then waits (SIGKILLed below).
    # The child's input stays open in a `sleep` (as if the parent were still writing its half), so
    # nothing but its watch on the parent can end it.
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, subprocess, sys, time\n"
            "r, w = os.pipe()\n"
            "holder = subprocess.Popen(['sleep', '60'], pass_fds=(w,))\n"
            "child = subprocess.Popen([sys.executable, '-c', 'from cleanup.align.sphinx import _part_main; _part_main()',"
            " str(os.getpid())], stdin=r)\n"
            "print(child.pid, holder.pid, flush=True)\n"
            "time.sleep(120)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    child_pid, holder_pid = map(int, parent.stdout.readline().split())
    child, holder = psutil.Process(child_pid), psutil.Process(holder_pid)
    try:
        parent.kill()  # SIGKILL: the parent can stop nothing; the child must not run on to its half's end
        parent.wait()
        _, alive = psutil.wait_procs([child], timeout=10)
        assert alive == []
    finally:
        holder.kill()
