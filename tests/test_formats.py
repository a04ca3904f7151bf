"""TTML, SCC and ASS writers, each read back by a reader we do not write with: ttconv's IMSC and SCC readers,
xml.etree, ffmpeg's ASS demuxer and decoder."""

from __future__ import annotations

import re
import xml.etree.ElementTree as et
from fractions import Fraction
from pathlib import Path

import pytest
from ttconv import model
from ttconv import style_properties as styles
from ttconv.imsc import reader as imsc_reader
from ttconv.scc import reader as scc_reader

from cleanup.model import Document
from cleanup.process import Options, render, timing_options
from cleanup.subtitles import Subtitles, make_subtitles
from cleanup.subtitles.rules import SubtitleRules, preset
from cleanup.subtitles.segment import Cue
from cleanup.writers.formats import SCC_MAX_CHARS, fps_fraction, plain, render_ass, render_scc, render_ttml, scc_showable
from tests.players import ffmpeg_to_ass, require_tool

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_6b06ca91f54c6f31.txt"
TTML = "http://www.w3.org/ns/ttml"
TTP = "http://www.w3.org/ns/ttml#parameter"
IMSC11_TEXT = "http://www.w3.org/ns/ttml/profile/imsc1.1/text"
NTSC = Fraction(30000, 1001)


@pytest.fixture(scope="module")
def seed_doc() -> Document:
    doc = render(SEED, Options()).doc
    assert doc is not None
    return doc


@pytest.fixture(scope="module")
def netflix(seed_doc: Document) -> Subtitles:
    return make_subtitles(seed_doc, preset("netflix", 25), timing_options(Options()))


@pytest.fixture(scope="module")
def cea608(seed_doc: Document) -> Subtitles:
    return make_subtitles(seed_doc, preset("cea608"), timing_options(Options()))


def cue(lines: tuple[str, ...], start: int, end: int) -> Cue:
    return Cue(first=0, last=0, lines=lines, start=start, end=end, source="estimated", confidence=1.0, speaker=None, voices=())


def paragraphs(doc: model.ContentDocument) -> list[tuple[Fraction, Fraction, str]]:
    """(begin, end, text with "\\n" at each <br>) of each <p>, as the reader holds them."""
    body = doc.get_body()
    assert body is not None
    out = []
    for element in body.dfs_iterator():
        if isinstance(element, model.P):
            text = "".join(
                e.get_text() if isinstance(e, model.Text) else "\n" for e in element.dfs_iterator() if isinstance(e, model.Text | model.Br)
            )
            offset = Fraction(0)  # a time in the model is relative to the parent's begin (None: 0)
            parent = element.parent()
            while parent is not None:
                offset += Fraction(parent.get_begin() or 0)
                parent = parent.parent()
            out.append((offset + Fraction(element.get_begin() or 0), offset + Fraction(element.get_end()), text))
    return out


def frames(seconds: Fraction, fps: Fraction) -> Fraction:
    return seconds * fps


# --- TTML -----------------------------------------------------------------------------------------------------------


def check_ttml(cues: list[Cue], rules: SubtitleRules, text: str) -> et.Element:
    doc = imsc_reader.to_model(et.ElementTree(et.fromstring(text)))
    assert doc is not None
    read = paragraphs(doc)
    assert len(read) == len(cues)
    fps = fps_fraction(rules.fps)
    for (begin, end, body), c in zip(read, cues, strict=True):
        assert body == "\n".join(plain(line) for line in c.lines)
        assert abs(frames(begin, fps) - frames(Fraction(c.start, 1000), fps)) <= 1
        assert abs(frames(end, fps) - frames(Fraction(c.end, 1000), fps)) <= 1
    root = et.fromstring(text)
    assert root.tag == f"{{{TTML}}}tt"
    assert IMSC11_TEXT in root.get(f"{{{TTP}}}contentProfiles", "").split()
    assert root.find(f"{{{TTML}}}body/{{{TTML}}}div/{{{TTML}}}p") is not None
    return root


def test_ttml_seed_reads_back(netflix: Subtitles) -> None:
    text = render_ttml(list(netflix.cues), netflix.rules, "The Meaning of Socialism")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = check_ttml(list(netflix.cues), netflix.rules, text)
    assert root.get(f"{{{TTP}}}frameRate") == "25"
    assert root.get(f"{{{TTP}}}frameRateMultiplier") is None
    assert root.find(f"{{{TTML}}}head/{{{TTML}}}metadata/{{http://www.w3.org/ns/ttml#metadata}}title").text == "The Meaning of Socialism"  # type: ignore[union-attr]


def test_ttml_ntsc_and_markup_characters() -> None:
    rules = preset("netflix", 29.97)
    ms = [round(f * 1001 / 30) for f in (31, 95, 120, 200, 1799, 1830)]  # frame times, past the first minute
    cues = [cue(("<b>Tom & Jerry</b>", '5 > 3 "quoted"'), ms[0], ms[1]), cue(("second",), ms[2], ms[3]), cue(("{x} \\ y",), ms[4], ms[5])]
    text = render_ttml(cues, rules)
    root = check_ttml(cues, rules, text)
    assert root.get(f"{{{TTP}}}frameRate") == "30"
    assert root.get(f"{{{TTP}}}frameRateMultiplier") == "1000 1001"
    assert root.find(f"{{{TTML}}}head/{{{TTML}}}metadata") is None  # no title, no metadata


def test_ttml_emphasis_is_italic_across_a_line_break() -> None:
    rules = preset("netflix", 25)
    text = render_ttml([cue(("it was <i>really", "good</i> and plain"), 1000, 3000)], rules)
    doc = imsc_reader.to_model(et.ElementTree(et.fromstring(text)))
    assert doc is not None and doc.get_body() is not None
    spans = [e for e in doc.get_body().dfs_iterator() if isinstance(e, model.Span)]
    styled = [
        ("".join(t.get_text() for t in s.dfs_iterator() if isinstance(t, model.Text)), s.get_style(styles.StyleProperties.FontStyle))
        for s in spans
    ]
    italic = styles.FontStyleType.italic
    assert [(t, f == italic) for t, f in styled] == [("it was ", False), ("really", True), ("good", True), (" and plain", False)]
    assert paragraphs(doc)[0][2] == "it was really\ngood and plain"


# --- SCC ------------------------------------------------------------------------------------------------------------


def read_scc(text: str) -> list[tuple[Fraction, Fraction, str]]:
    doc = scc_reader.to_model(text)
    assert doc is not None
    return [(b, e, "\n".join(line.strip() for line in t.split("\n"))) for b, e, t in paragraphs(doc)]


def test_scc_seed_reads_back(cea608: Subtitles) -> None:
    rules = cea608.rules
    assert rules.name == "cea608" and abs(rules.fps - 30000 / 1001) < 1e-9
    cues = list(cea608.cues)
    text, replaced = render_scc(cues, rules.fps)
    assert text.startswith("Scenarist_SCC V1.0\n")
    assert all(";" in line.split("\t")[0] for line in text.splitlines()[2:] if line)  # drop-frame timecodes
    read = read_scc(text)
    assert len(read) == len(cues)
    table = dict(replaced)
    late = 0
    for (begin, end, body), c in zip(read, cues, strict=True):
        expected = "\n".join("".join(table.get(ch, ch) for ch in plain(line)) for line in c.lines)
        rewrapped = any(len(line) > SCC_MAX_CHARS for line in expected.split("\n"))  # transliteration made it too long
        assert (" ".join(body.split()) == " ".join(expected.split())) if rewrapped else (body == expected)
        assert len(body.split("\n")) <= 4
        assert all(len(line) <= SCC_MAX_CHARS for line in body.split("\n"))
        assert all(scc_showable(ch) for ch in body.replace("\n", ""))
        assert abs(frames(end, NTSC) - frames(Fraction(c.end, 1000), NTSC)) <= 1
        shift = frames(begin, NTSC) - frames(Fraction(c.start, 1000), NTSC)
        if abs(shift) > 1:  # only a caption that could not be loaded in time may start later, never earlier
            assert 0 < shift <= 60 and c.start < 5000
            late += 1
    assert late <= 2  # the first cue starts at 0 s: it and the one after it start a little late


def test_scc_transliterates_and_reports() -> None:
    cues = [cue(("\u201cIt\u2019s \u2014 caf\u00e9\u2026\u201d",), 2000, 4000), cue(("na\u00efve \u00c9cole \u2013 \u266a",), 5000, 7000)]
    text, replaced = render_scc(cues, 30000 / 1001)
    assert dict(replaced) == {
        "\u201c": '"',
        "\u2019": "'",
        "\u2014": "--",
        "\u2026": "...",
        "\u201d": '"',
        "\u00ef": "i",
        "\u00c9": "E",
        "\u2013": "-",
    }
    assert len(replaced) == len(set(replaced))
    read = read_scc(text)
    assert [t for _, _, t in read] == ['"It\'s -- caf\u00e9..."', "naive Ecole - \u266a"]
    for (begin, end, _), c in zip(read, cues, strict=True):
        assert abs(frames(begin, NTSC) - frames(Fraction(c.start, 1000), NTSC)) <= 1
        assert abs(frames(end, NTSC) - frames(Fraction(c.end, 1000), NTSC)) <= 1


def test_scc_drops_emphasis_marks() -> None:
    line = "was what would be <i>entailed</i>"  # 33 characters with the marks, 26 shown
    text, replaced = render_scc([cue(("The real point", line), 3000, 6000)], 30000 / 1001)
    assert replaced == []
    assert read_scc(text)[0][2] == "The real point\nwas what would be entailed"


def test_scc_rewraps_lines_transliteration_made_too_long() -> None:
    line = "Wait\u2026 so it\u2019s all \u2014 all of it\u2026"  # 32 characters before, 37 after
    assert len(line) <= 32
    text, _ = render_scc([cue((line, "and then"), 3000, 6000)], 30000 / 1001)
    (_, _, body) = read_scc(text)[0]
    assert all(len(row) <= SCC_MAX_CHARS for row in body.split("\n"))
    assert " ".join(body.split()) == "Wait... so it's all -- all of it... and then"


# --- ASS ------------------------------------------------------------------------------------------------------------


def srt_texts(path: Path) -> list[str]:
    """The cue texts of an .srt file ffmpeg wrote, without the <font size> it wraps each in."""
    blocks = [b for b in path.read_text(encoding="utf-8").strip().split("\n\n") if b.strip()]
    return [re.sub(r"^<font size=\"\d+\">|</font>$", "", "\n".join(b.split("\n")[2:])) for b in blocks]


def test_ass_seed_converts_with_ffmpeg(netflix: Subtitles, tmp_path: Path) -> None:
    require_tool("ffmpeg")
    path = tmp_path / "seed.ass"
    path.write_text(render_ass(list(netflix.cues), "Seed"), encoding="utf-8")
    out, warnings = ffmpeg_to_ass(path, tmp_path / "out")  # ASS in, ASS out through ffmpeg's decoder and encoder
    assert warnings == ""
    assert sum(1 for line in out.read_text(encoding="utf-8-sig").splitlines() if line.startswith("Dialogue:")) == len(netflix.cues)
    srt = tmp_path / "seed.srt"
    converted = convert(path, srt)
    assert len(converted) == len(netflix.cues)
    assert converted == ["\n".join(c.lines) for c in netflix.cues]  # emphasis comes back as <i>...</i>


def convert(src: Path, dst: Path) -> list[str]:
    import subprocess

    ffmpeg = require_tool("ffmpeg")
    run = subprocess.run(
        [ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "warning", "-y", "-i", str(src), str(dst)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0 and run.stderr == "", run.stderr
    return srt_texts(dst)


def test_ass_override_tags_and_backslashes_are_literal(tmp_path: Path) -> None:
    cues = [cue(("a {\\b1}bold{\\i1} x\\y", "C:\\New \\h {x}"), 1000, 3000), cue(("next",), 4000, 5000)]
    text = render_ass(cues)
    assert "Style: Default,Arial," in text and "\\N" in text
    path = tmp_path / "tags.ass"
    path.write_text(text, encoding="utf-8")
    converted = convert(path, tmp_path / "tags.srt")
    assert len(converted) == 2
    # no override was applied (no <b>/<i> from ffmpeg); ffmpeg 5.1's converter does not know libass's \{ \} escapes,
    # so it keeps their backslash; the word joiner after a backslash that would start an escape is invisible
    shown = converted[0].replace("\\{", "{").replace("\\}", "}").replace("\u2060", "")
    assert "<b>" not in converted[0] and "<i>" not in converted[0]
    assert shown == "a {\\b1}bold{\\i1} x\\y\nC:\\New \\h {x}"


def test_ttml_says_its_language() -> None:
    from cleanup.subtitles.rules import preset
    from cleanup.subtitles.segment import Cue

    ttml = render_ttml([Cue(0, 1, ("Hello there.",), 0, 1000)], preset("netflix", 25))
    assert 'xml:lang="en"' in ttml
