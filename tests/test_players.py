"""The seed's subtitles as players and editors read them: ffmpeg converts both files to ASS
without a warning, and Chromium loads the VTT in a <track> with every cue (and the same times)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleanup.process import Options, Result, process
from tests.conftest import SEED
from tests.players import ass_dialogue_count, chromium_vtt_cues, ffmpeg_to_ass, require_tool


@pytest.fixture(scope="module")
def seed_outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    out = tmp_path_factory.mktemp("seed_out")
    return process(SEED, Options(out_dir=out)), out


@pytest.mark.parametrize("suffix", ["srt", "vtt"])
def test_ffmpeg_converts_to_ass_without_warnings(seed_outputs: tuple[Result, Path], tmp_path: Path, suffix: str) -> None:
    require_tool("ffmpeg")
    result, out = seed_outputs
    ass, stderr = ffmpeg_to_ass(out / f"{SEED.stem}.{suffix}", tmp_path)
    assert stderr.strip() == ""
    assert ass_dialogue_count(ass) == result.cues


def test_chromium_loads_every_cue_of_the_vtt(seed_outputs: tuple[Result, Path]) -> None:
    require_tool("chromium")
    result, out = seed_outputs
    cues = chromium_vtt_cues(out / f"{SEED.stem}.vtt")
    assert len(cues) == result.cues
    srt_text = (out / f"{SEED.stem}.srt").read_text(encoding="utf-8")
    first_timing = srt_text.splitlines()[1]
    start = first_timing.split(" --> ")[0]
    h, m, s = start.replace(",", ".").split(":")
    assert abs(cues[0].start - (int(h) * 3600 + int(m) * 60 + float(s))) < 0.001
