"""Delivery formats beyond SRT and WebVTT, each written through a library that knows the format:

* TTML, IMSC 1.1 Text Profile, through ttconv's document model and its IMSC writer;
* SCC (CEA-608 pop-on captions), through ttconv's SCC writer, after transliterating what 608 cannot show;
* ASS (Advanced SubStation Alpha), through pysubs2, with a plain style for burning in.

All are pure: cues in, text out. Cue times are used as they are (they already include any start offset)."""

from __future__ import annotations

import logging
import re
import unicodedata
import xml.etree.ElementTree as et
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from fractions import Fraction
from typing import Any

import pysubs2
from ttconv import model
from ttconv import style_properties as styles
from ttconv.imsc import config as imsc_config
from ttconv.imsc import writer as imsc_writer
from ttconv.imsc.designators import IMSC_11_TEXT_PROFILE_DESIGNATOR
from ttconv.scc import writer as scc_writer
from ttconv.scc.codes.characters import unicode_to_scc
from ttconv.scc.config import SCCFrameRate, SccWriterConfiguration

from cleanup.errors import CleanupError
from cleanup.subtitles.rules import SubtitleRules, exact_fps
from cleanup.subtitles.segment import Cue

TTML_NS = "http://www.w3.org/ns/ttml"
TTM_NS = "http://www.w3.org/ns/ttml#metadata"
SCC_MAX_CHARS = 32
SCC_MAX_ROWS = 4

LANGUAGE = "en"
"""The language of every file we deliver (xml:lang): cleanup cleans English transcripts."""


def fps_fraction(fps: float) -> Fraction:
    """The frame rate as an exact fraction: 29.97 is 30000/1001, 23.976 is 24000/1001, 25 is 25."""
    fps = exact_fps(fps)
    for nominal in (24, 30, 48, 60, 120):
        if abs(fps - nominal * 1000 / 1001) < 1e-6:
            return Fraction(nominal * 1000, 1001)
    return Fraction(fps).limit_denominator(1001)


def _frame(ms: int, fps: Fraction) -> int:
    """The frame a time in ms falls on (the cues are already on the grid: this only removes the ms rounding)."""
    return round(Fraction(ms, 1000) * fps)


_ITALIC = re.compile(r"(</?i>)")


def italic_runs(lines: Sequence[str]) -> list[list[tuple[str, bool]]]:
    """Each line as (text, italic) runs: the segmenter marks emphasis with ``<i>``/``</i>``, balanced within a cue
    but possibly open across a line break. Nothing else in a line is markup."""
    italic = False
    out: list[list[tuple[str, bool]]] = []
    for line in lines:
        runs: list[tuple[str, bool]] = []
        for part in _ITALIC.split(line):
            if part in ("<i>", "</i>"):
                italic = part == "<i>"
            elif part:
                runs.append((part, italic))
        out.append(runs)
    return out


def plain(line: str) -> str:
    """A line without its emphasis marks."""
    return _ITALIC.sub("", line)


# --- TTML / IMSC 1.1 Text Profile -----------------------------------------------------------------------------------


def _bottom_document(*region_styles: tuple[Any, Any]) -> tuple[model.ContentDocument, model.Div]:
    """A ttconv document in English with one region, text bottom-centred (plus ``region_styles``), and the
    empty div the captions go into."""
    doc = model.ContentDocument()
    doc.set_lang(LANGUAGE)
    region = model.Region("bottom", doc)
    region.set_style(styles.StyleProperties.DisplayAlign, styles.DisplayAlignType.after)
    region.set_style(styles.StyleProperties.TextAlign, styles.TextAlignType.center)
    for prop, value in region_styles:
        region.set_style(prop, value)
    doc.put_region(region)
    body = model.Body(doc)
    body.set_region(region)
    doc.set_body(body)
    div = model.Div(doc)
    body.push_child(div)
    return doc, div


def render_ttml(cues: Sequence[Cue], rules: SubtitleRules, title: str | None = None) -> str:
    """IMSC 1.1 Text Profile TTML, built as a ttconv document (body/div/p/span/br) and written by ttconv's IMSC
    writer: times in frames at ``rules.fps`` (``ttp:frameRate`` and, for NTSC rates, ``ttp:frameRateMultiplier``),
    the profile signalled in ``ttp:contentProfiles``, bottom-centred white text with a black outline in the
    80 % safe area. ``title`` goes into ``head/metadata/ttm:title``."""
    fps = fps_fraction(rules.fps)
    pct = styles.LengthType.Units.pct
    doc, div = _bottom_document(
        (styles.StyleProperties.Origin, styles.CoordinateType(x=styles.LengthType(10, pct), y=styles.LengthType(10, pct))),
        (styles.StyleProperties.Extent, styles.ExtentType(height=styles.LengthType(80, pct), width=styles.LengthType(80, pct))),
        (styles.StyleProperties.Color, styles.NamedColors.white.value),
        (styles.StyleProperties.TextOutline, styles.TextOutlineType(styles.LengthType(5, pct), styles.NamedColors.black.value)),
    )
    doc.set_content_profiles({IMSC_11_TEXT_PROFILE_DESIGNATOR})
    for cue in cues:
        p = model.P(doc)
        p.set_begin(Fraction(_frame(cue.start, fps)) / fps)
        p.set_end(Fraction(_frame(cue.end, fps)) / fps)
        for n, runs in enumerate(italic_runs(cue.lines)):
            if n:
                p.push_child(model.Br(doc))
            for text, italic in runs:
                span = model.Span(doc)
                if italic:
                    span.set_style(styles.StyleProperties.FontStyle, styles.FontStyleType.italic)
                span.push_child(model.Text(doc, text))
                p.push_child(span)
        div.push_child(p)
    config = imsc_config.IMSCWriterConfiguration(fps=fps, profile_signaling=imsc_config.ContentProfilesSignaling.CONTENT_PROFILES)
    root = imsc_writer.from_model(doc, config).getroot()
    if title and title.strip():
        et.register_namespace("ttm", TTM_NS)
        head = root.find(f"{{{TTML_NS}}}head")
        if head is None:
            head = et.Element(f"{{{TTML_NS}}}head")
            root.insert(0, head)
        metadata = et.Element(f"{{{TTML_NS}}}metadata")
        et.SubElement(metadata, f"{{{TTM_NS}}}title").text = " ".join(title.split())
        head.insert(0, metadata)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + et.tostring(root, encoding="unicode") + "\n"


# --- SCC / CEA-608 --------------------------------------------------------------------------------------------------

_TRANSLITERATE = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u00b4": "'",
    "`": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2039": "'",
    "\u203a": "'",
    "\u2014": "--",
    "\u2015": "--",
    "\u2013": "-",
    "\u2012": "-",
    "\u2010": "-",
    "\u2011": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u2007": " ",
    "\t": " ",
    "\u00d7": "x",
    "\u00df": "ss",
    "\u00e6": "ae",
    "\u00c6": "AE",
    "\u0153": "oe",
    "\u0152": "OE",
    "\u00f8": "o",
    "\u00d8": "O",
    "\u0142": "l",
    "\u0141": "L",
    "*": "+",
    "\\": "/",
    "|": "/",
    "_": "-",
    "~": "-",
    "^": "",
    "{": "(",
    "}": ")",
    "\u2022": "-",
    "\u20ac": "EUR",
    "\u00a9": "(C)",
}
"""What 608 cannot show, by hand; anything else is decomposed (NFKD) and stripped of its accents, else "?"."""


def scc_showable(char: str) -> bool:
    """Whether ttconv's SCC writer sends ``char`` as itself: 608's basic set (where ``*``, ``\\``, ``^``, ``_``, `` ` ``,
    ``{``, ``|``, ``}``, ``~`` are accented letters) and its special characters (®, °, ½, ¿, ™, ¢, £, ♪, à, è, â, ...);
    it writes anything else as a space."""
    return char == " " or unicode_to_scc(char) != b" "


def _transliterate_char(char: str) -> str:
    if scc_showable(char) and char not in _TRANSLITERATE:
        return char
    if char in _TRANSLITERATE:
        return _TRANSLITERATE[char]
    decomposed = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    if decomposed and decomposed != char and all(scc_showable(c) and c not in _TRANSLITERATE for c in decomposed):
        return decomposed
    return "?"


def transliterate_608(text: str, seen: dict[str, str] | None = None) -> str:
    """``text`` with only characters 608 can show; ``seen`` collects each replaced character and its replacement."""
    out = []
    for char in text:
        rep = _transliterate_char(char)
        if rep != char and seen is not None:
            seen.setdefault(char, rep)
        out.append(rep)
    return "".join(out)


def _wrap(lines: Sequence[str], width: int = SCC_MAX_CHARS) -> list[str]:
    """The lines as they are when they fit, else their words again, greedily, in lines of at most ``width``."""
    lines = [" ".join(line.split()) for line in lines]
    if all(len(line) <= width for line in lines):
        return [line for line in lines if line]
    words = [w[k : k + width] for w in " ".join(lines).split() for k in range(0, len(w), width)]
    out: list[str] = []
    for word in words:
        if out and len(out[-1]) + 1 + len(word) <= width:
            out[-1] += " " + word
        else:
            out.append(word)
    return out


def _load_frames(lines: Sequence[str]) -> int:
    """The frames ttconv's pop-on chunk for ``lines`` (centred) takes: RCL, ENM, a PAC a row, indent spaces,
    the characters, EOC; each control code doubled, special characters two bytes, padded to a byte pair."""
    size = 8
    for line in lines:
        size += size % 2 + 4 + (SCC_MAX_CHARS - len(line)) // 2 % 4
        for char in line:
            code = unicode_to_scc(char)
            size += len(code) + (size % 2 if len(code) > 1 else 0)
    size += size % 2 + 4
    return (size + 1) // 2


class _Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _ttconv_warnings(name: str) -> Iterator[_Captured]:
    logger = logging.getLogger(name)
    handler = _Captured()
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def render_scc(cues: Sequence[Cue], fps: float) -> tuple[str, list[tuple[str, str]]]:
    """Scenarist SCC, CEA-608 pop-on captions on channel 1, written by ttconv, and the characters that were
    transliterated (each once: original, replacement), so that they can be reported.

    Timecodes are 29.97 fps drop-frame (30 fps non-drop when ``fps`` is 30); cue times are taken to that frame
    grid whatever ``fps`` the cues were cut at. Lines are centred at the bottom; a line that transliteration
    made longer than 32 characters is wrapped again (up to 4 rows). 608 loads a pop-on caption off-screen before
    it shows it, at one character pair a frame: a cue that starts before its caption can be loaded (at the very
    start, or too soon after the previous one) starts later, by the frames it needs."""
    rate = SCCFrameRate.FPS_30_NDF if abs(fps - 30) < 0.005 else SCCFrameRate.FPS_2997_DF
    grid = rate.fps
    seen: dict[str, str] = {}
    doc, div = _bottom_document()
    captions: list[tuple[int, int, list[str]]] = []  # start frame, end frame, rows
    for cue in cues:
        lines = _wrap([transliterate_608(plain(line), seen) for line in cue.lines])  # 608 italics: not written by ttconv
        if not lines:
            continue
        if len(lines) > SCC_MAX_ROWS:
            raise CleanupError(None, f"a caption at {cue.start / 1000:.3f} s needs {len(lines)} rows: 608 shows at most {SCC_MAX_ROWS}")
        load = _load_frames(lines)
        # the chunk that loads a caption starts ``load - 2`` frames before it shows; ttconv skips a caption whose
        # chunk would begin before the previous caption's chunk and its erase (2 frames) are sent
        earliest = load if not captions else captions[-1][0] + load + 2
        start = max(_frame(cue.start, grid), earliest)
        captions.append((start, max(_frame(cue.end, grid), start + 1), lines))
    for k, (start, end, lines) in enumerate(captions):
        # ttconv puts an erase that falls into the next caption's loading chunk (which begins ``load - 2`` frames
        # before that caption shows) into that chunk, 2 frames before the later of the two: ask 2 frames later
        if k + 1 < len(captions):
            next_start, _, next_lines = captions[k + 1]
            if next_start - _load_frames(next_lines) <= end <= next_start:
                end += 2
        p = model.P(doc)
        p.set_begin(Fraction(start) / grid)
        p.set_end(Fraction(end) / grid)
        for n, line in enumerate(lines):
            if n:
                p.push_child(model.Br(doc))
            span = model.Span(doc)
            span.push_child(model.Text(doc, line))
            p.push_child(span)
        div.push_child(p)
    config = SccWriterConfiguration(allow_reflow=False, force_popon=True, frame_rate=rate)
    with _ttconv_warnings(scc_writer.__name__) as captured:
        text = scc_writer.from_model(doc, config)
    if captured.messages:  # a skipped or merged caption: never deliver it silently
        raise CleanupError(None, "the SCC writer could not place every caption: " + "; ".join(captured.messages))
    return text + "\n", list(seen.items())


# --- ASS ------------------------------------------------------------------------------------------------------------


def escape_ass(text: str) -> str:
    r"""Text that libass shows as it is: ``{`` and ``}`` as ``\{`` and ``\}`` (not an override block), and a
    backslash that would start an escape (``\N``, ``\n``, ``\h``, ``\{``, ``\}``) followed by a word joiner (U+2060)."""
    out = []
    for k, char in enumerate(text):
        after = text[k + 1 : k + 2]
        if char == "\\":
            out.append("\\\u2060" if after in ("N", "n", "h", "{", "}") else "\\")
        elif char in "{}":
            # a word joiner also after ``\{`` before a backslash: ffmpeg's ASS parser (not libass) takes ``{\`` for a tag
            out.append("\\" + char + ("\u2060" if after == "\\" else ""))
        else:
            out.append(char)
    return "".join(out)


def _ass_text(lines: Sequence[str]) -> str:
    parts = []
    for runs in italic_runs(lines):
        parts.append("".join(("{\\i1}" + escape_ass(text) + "{\\i0}") if italic else escape_ass(text) for text, italic in runs))
    return "\\N".join(parts)


def render_ass(cues: Sequence[Cue], title: str | None = None, play_res: tuple[int, int] = (1920, 1080)) -> str:
    r"""Advanced SubStation Alpha through pysubs2: one style "Default" for burning in (sans-serif, white with a
    black outline and a soft shadow, bottom-centred, 10 % side margins), sized for ``play_res``; one Dialogue a
    cue, lines joined with ``\N``, the text escaped so that braces and backslashes show as they are."""
    width, height = play_res
    subs = pysubs2.SSAFile()
    subs.info["Title"] = " ".join(title.split()) if title else "cleanup"
    subs.info["PlayResX"] = str(width)
    subs.info["PlayResY"] = str(height)
    subs.info["WrapStyle"] = "2"  # no automatic wrapping: the lines are already broken
    subs.info["ScaledBorderAndShadow"] = "yes"
    scale = height / 1080
    subs.styles["Default"] = pysubs2.SSAStyle(
        fontname="Arial",
        fontsize=round(58 * scale),
        primarycolor=pysubs2.Color(255, 255, 255, 0),
        secondarycolor=pysubs2.Color(255, 255, 255, 0),
        outlinecolor=pysubs2.Color(0, 0, 0, 0),
        backcolor=pysubs2.Color(0, 0, 0, 128),
        bold=False,
        borderstyle=1,
        outline=round(3 * scale, 1),
        shadow=round(1.5 * scale, 1),
        alignment=pysubs2.Alignment.BOTTOM_CENTER,
        marginl=round(width * 0.1),
        marginr=round(width * 0.1),
        marginv=round(60 * scale),
    )
    for cue in cues:
        subs.append(pysubs2.SSAEvent(start=cue.start, end=cue.end, style="Default", text=_ass_text(cue.lines)))
    return subs.to_string("ass")
