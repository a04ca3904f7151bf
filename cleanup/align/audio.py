"""Any audio or video file -> 16 kHz mono s16le PCM (ffmpeg), and the frame energies the aligner reads.

Times are 10 ms frames throughout (the acoustic model's frame rate): frame `f` is samples
`160 f .. 160 f + 159`, bytes `320 f .. 320 f + 319`.
"""

from __future__ import annotations

import array
import math
import re
import shutil
import subprocess
from operator import mul
from pathlib import Path

from cleanup.errors import CleanupError

RATE = 16000
FRAME = 160  # samples in a 10 ms frame
FRAME_BYTES = 2 * FRAME


def ffmpeg_path() -> str | None:
    return shutil.which("ffmpeg")


def decode_audio(path: Path) -> bytes:
    """The first audio stream of `path` as 16 kHz mono signed 16-bit little-endian PCM.

    Raises CleanupError(path, one line) when ffmpeg is missing, the file has no audio stream, or it
    cannot be decoded."""
    exe = ffmpeg_path()
    if exe is None:
        raise CleanupError(path, "ffmpeg is needed to read audio: install it (Debian: apt-get install ffmpeg)")
    if not Path(path).is_file():
        raise CleanupError(path, "no such audio file" if not Path(path).exists() else "a folder, not an audio file")
    cmd = [
        exe,
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-i",
        str(path),
        "-map",
        "0:a:0",
        "-vn",
        "-sn",
        "-dn",
        "-ac",
        "1",
        "-ar",
        str(RATE),
        "-f",
        "s16le",
        "-acodec",
        "pcm_s16le",
        "-",
    ]
    try:
        done = subprocess.run(cmd, capture_output=True, check=False)
    except OSError as err:
        raise CleanupError(path, f"could not run ffmpeg: {err.strerror or err}") from None
    err_text = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        raise CleanupError(path, _ffmpeg_problem(err_text))
    pcm = done.stdout
    if len(pcm) < FRAME_BYTES:
        raise CleanupError(path, "the audio stream is empty")
    if len(pcm) % 2:
        pcm = pcm[:-1]
    return pcm


def _ffmpeg_problem(stderr: str) -> str:
    """ffmpeg's stderr -> one line a person can act on."""
    text = stderr.lower()
    if "matches no streams" in text or "does not contain any stream" in text:
        return "no audio stream in this file"
    if "invalid data found" in text or "could not find codec parameters" in text or "invalid argument" in text:
        return "not an audio or video file ffmpeg can read"
    if "permission denied" in text:
        return "permission denied"
    if "no such file" in text:
        return "no such audio file"
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    last = lines[-1] if lines else "unknown error"
    last = re.sub(r"^\[[^\]]*\]\s*", "", last)
    return f"ffmpeg could not decode the audio: {last[:160]}"


def frame_count(pcm: bytes) -> int:
    return len(pcm) // FRAME_BYTES


def frame_rms(pcm: bytes) -> array.array[float]:
    """RMS of every 10 ms frame (every other sample: plenty for an onset, twice as fast in pure Python),
    a minute of samples at a time so that an hour of audio needs no second copy of itself."""
    out = array.array("f")
    append = out.append
    sqrt = math.sqrt
    half = FRAME // 2
    view = memoryview(pcm)[: frame_count(pcm) * FRAME_BYTES]
    block = 6000 * FRAME_BYTES
    for at in range(0, len(view), block):
        samples = array.array("h")
        samples.frombytes(view[at : at + block])
        for k in range(0, len(samples), FRAME):
            s = samples[k : k + FRAME : 2]
            append(sqrt(sum(map(mul, s, s)) / half))
    return out


_ZERO = bytes(FRAME_BYTES)
# the same faint noise (+-2 of 32767) for every silent frame: digital silence has no log spectrum, and
# the decoder's own dither draws from a generator whose state would make results depend on history
_HISS = array.array("h", [(((k + 1) * 2654435761) >> 13) % 5 - 2 for k in range(FRAME)]).tobytes()


def dither(pcm: bytes) -> bytes:
    """`pcm` with every all-zero 10 ms frame replaced by a fixed, inaudible hiss."""
    if _ZERO not in pcm:
        return pcm
    view = memoryview(pcm)
    frames = [_HISS if view[k : k + FRAME_BYTES] == _ZERO else view[k : k + FRAME_BYTES] for k in range(0, len(pcm), FRAME_BYTES)]
    return b"".join(frames)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(q * len(values))))]
