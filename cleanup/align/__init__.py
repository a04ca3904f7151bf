"""Word times from a narration: the cleaned words aligned to the audio with PocketSphinx.

    pcm = decode_audio(Path("narration.mp3"))          # ffmpeg -> 16 kHz mono s16le
    times = align_words(words, pcm, progress=bar.update)  # one WordTime per word, same order

`missing()` says in one line what to install when PocketSphinx, ffmpeg or espeak-ng is absent.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cleanup.align.audio import decode_audio
from cleanup.align.core import AlignResult, WordTime, align, missing

__all__ = ["AlignResult", "WordTime", "align", "align_words", "decode_audio", "missing"]


def align_words(words: list[str], pcm: bytes, progress: Callable[[float], None] | None = None, path: Path | None = None) -> list[WordTime]:
    """One WordTime per word of `words`, in order. `words` are what the narrator reads (punctuation and
    capitals are fine). Raises CleanupError(path, one line) when the recording is far too short for
    the text or most words cannot be found in it."""
    return align(words, pcm, progress=progress, path=path).times
