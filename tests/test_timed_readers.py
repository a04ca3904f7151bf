"""Timed inputs: SRT, WebVTT, YouTube auto-captions and "Show transcript" text (issue 12, readers).

Small inline texts for every case the readers must handle; the MIT-licensed real files in
``tests/data``; and, when ``../shared/bench/real`` is present, every real file there, the YouTube
ones checked word by word against ``../shared/eval/yt_words.py`` (an independent reader)."""

from __future__ import annotations

import codecs
import json
import re
import subprocess
import sys
import time
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest

from cleanup.clean.conservation import check_conservation
from cleanup.errors import CleanupError
from cleanup.model import EOL, LINE, SPACE, Document, words_of
from cleanup.readers import read, read_text
from cleanup.readers.cues import parse_cues, parse_timestamp, rolls_up
from cleanup.readers.sniff import sniff
from cleanup.subtitles.check import TimedCue, check_cues, parse_subtitles, read_subtitles
from cleanup.subtitles.rules import SubtitleRules

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
BENCH = ROOT.parent / "shared" / "bench" / "real"
YT_WORDS = ROOT.parent / "shared" / "eval" / "yt_words.py"
BENCH_FILES = sorted([*BENCH.glob("*.srt"), *BENCH.glob("*.vtt")]) if BENCH.is_dir() else []


def doc_of(text: str, fmt: str | None = None) -> Document:
    doc = read_text(text, "t", fmt=fmt)
    check_conservation(doc, [], "read")  # every input word is a token's or a note's
    return doc


def texts(doc: Document) -> list[str]:
    return [t.text for t in doc.tokens]


def source_words(doc: Document) -> list[str]:
    return [doc.source[s:e] for s, e in doc.input_words]


def exact_sources(doc: Document) -> None:
    """Every token's source is exactly its text (when it came from one stretch of the input)."""
    for tok in doc.tokens:
        assert "".join(doc.source[s:e] for s, e in tok.src) == tok.text


# ----- timestamps -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,ms",
    [
        ("00:01:39,000", 99_000),
        ("00:01:39.000", 99_000),
        ("01:39.000", 99_000),  # hours missing
        ("00:01:39", 99_000),  # no milliseconds
        ("00:01:41,04", 101_040),  # a two-digit fraction is hundredths
        ("00:01:41,4", 101_400),  # one digit: tenths
        ("00:00:0,000", 0),  # a one-digit second (pysrt's overlapping-dialogues.srt)
        ("1:02:03.5", 3_723_500),
        ("100:00:00.000", 360_000_000),
    ],
)
def test_timestamps_in_every_form_files_use(text: str, ms: int) -> None:
    assert parse_timestamp(text) == ms


@pytest.mark.parametrize("text", ["00:61:00,000", "00:00:75,000", "0x:00:01,000", "00:01", "", "1.5"])
def test_what_is_not_a_timestamp(text: str) -> None:
    if text == "00:01":
        assert parse_timestamp(text) == 1000  # MM:SS is a time
    else:
        assert parse_timestamp(text) is None


# ----- SRT --------------------------------------------------------------------------------

SRT = "1\n00:00:01,000 --> 00:00:03,000\nHello there,\nmy friend.\n\n2\n00:00:04,000 --> 00:00:05,000\nGoodbye\n"


def test_srt_words_cues_boundaries_and_times() -> None:
    doc = doc_of(SRT)
    assert doc.fmt == "srt"
    assert texts(doc) == ["Hello", "there,", "my", "friend.", "Goodbye"]
    assert [t.cue for t in doc.tokens] == [0, 0, 0, 0, 1]
    # a space between words, a display-line break inside a cue, a cue end
    assert [t.boundary for t in doc.tokens] == [SPACE, LINE, SPACE, EOL, EOL]
    assert all(t.time_source == "source-cue" for t in doc.tokens)
    # times fill the cue in proportion to syllables: Hel-lo (2) there (1) my (1) friend (1)
    assert [t.time for t in doc.tokens] == [(1000, 1800), (1800, 2200), (2200, 2600), (2600, 3000), (4000, 5000)]
    # cue numbers and timing lines are not words
    assert source_words(doc) == ["Hello", "there", "my", "friend", "Goodbye"]
    exact_sources(doc)
    assert doc.repairs == ()


def test_srt_styling_tags_positions_and_ass_overrides() -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:02,000 X1:40 X2:600 Y1:20 Y2:50\n"
        '<font color="#00ff00"><b>Bold</b> words</font> and <i>italic\n'
        "{\\an8}unterminated <u>tags"
    )
    doc = doc_of(text)
    assert texts(doc) == ["Bold", "words", "and", "italic", "unterminated", "tags"]
    exact_sources(doc)
    assert source_words(doc) == ["Bold", "words", "and", "italic", "unterminated", "tags"]
    assert doc.tokens[-1].boundary == EOL  # no final blank line, no final newline


def test_a_tag_inside_a_word_leaves_each_part_its_own_source() -> None:
    doc = doc_of("1\n00:00:01,000 --> 00:00:02,000\n<b>W</b>ord and x<sup>2</sup>\n")
    exact_sources(doc)  # the conservation check (in doc_of) compares a token's words with its source's


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_srt_line_ends_and_bom_keep_positions_exact(newline: str) -> None:
    text = SRT.replace("\n", newline)
    doc = read(Path("x.srt"), codecs.BOM_UTF8 + text.encode("utf-8"))
    assert texts(doc) == ["Hello", "there,", "my", "friend.", "Goodbye"]
    assert doc.source == text  # the decoder took the BOM; the line ends are as they were
    exact_sources(doc)
    assert doc.tokens[1].boundary == LINE


def test_srt_numbering_gaps_no_numbers_and_no_blank_line_before_a_cue() -> None:
    gaps = "7\n00:00:01,000 --> 00:00:02,000\none\n\n12\n00:00:03,000 --> 00:00:04,000\ntwo\n"
    none = "00:00:01,000 --> 00:00:02,000\none\n\n00:00:03,000 --> 00:00:04,000\ntwo\n"
    squeezed = "1\n00:00:01,000 --> 00:00:02,000\none\n2\n00:00:03,000 --> 00:00:04,000\ntwo"
    for text in (gaps, none, squeezed):
        doc = doc_of(text)
        assert doc.fmt == "srt"
        assert texts(doc) == ["one", "two"]
        assert [t.time for t in doc.tokens] == [(1000, 2000), (3000, 4000)]


def test_srt_separators_fractions_and_missing_hours() -> None:
    text = "1\n00:01:39 --> 00:01:41,04\nfirst\n\n2\n00:02:12.16 --> 00:02:15.2\nsecond\n\n3\n02:20.240 --> 02:22.280\nthird\n"
    doc = doc_of(text)
    assert [t.time for t in doc.tokens] == [(99_000, 101_040), (132_160, 135_200), (140_240, 142_280)]


def test_a_blank_line_inside_a_cue_keeps_its_text() -> None:
    doc = doc_of("1\n00:00:01,000 --> 00:00:02,000\n\nafter a blank line\n\n2\n00:00:03,000 --> 00:00:04,000\nnext\n")
    assert texts(doc) == ["after", "a", "blank", "line", "next"]
    assert doc.tokens[0].time == (1000, 1400)  # af-ter: 2 of 5 syllables


@pytest.mark.parametrize(
    "text,line,shown",
    [
        ("1\n00:00:01,000 --> 00:00:0x,000\nHello\n", 2, "'00:00:0x,000'"),
        ("1\n00:00:01,000 --> 00:00:02,000\nHi\n\n2\n00:00:03,000 --> 00:00:99,000\nthere\n", 6, "'00:00:99,000'"),
        ("1\n00:00:01,000 -> 00:00:02,000\nHello\n", 2, "'00:00:01,000 -> 00:00:02,000'"),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n\n00:03.000 --> soon\nthere\n", 6, "'soon'"),
    ],
)
def test_a_timestamp_that_does_not_parse_is_one_line_naming_the_line(text: str, line: int, shown: str) -> None:
    with pytest.raises(CleanupError) as exc:
        read_text(text, "talk.srt")
    assert exc.value.path == "talk.srt"
    assert exc.value.message == f"line {line}: not a timestamp: {shown}"
    assert "\n" not in str(exc.value)


# ----- repairs ----------------------------------------------------------------------------


def test_a_cue_that_ends_before_it_starts_is_given_time() -> None:
    text = "1\n00:00:05,000 --> 00:00:04,000\nHello world\n\n2\n00:00:09,000 --> 00:00:10,000\nNext\n"
    doc = doc_of(text)
    (fix,) = doc.repairs
    assert (fix.kind, fix.before, fix.after, fix.stage) == (
        "timing",
        "00:00:05,000 --> 00:00:04,000",
        "00:00:05,000 --> 00:00:05,800",
        "reader",
    )
    assert text[fix.span[0] : fix.span[1]] == "00:00:05,000 --> 00:00:04,000"
    assert "ends before it starts" in fix.reason
    assert doc.tokens[0].time == (5000, 5533) and doc.tokens[1].time == (5533, 5800)


def test_overlapping_cues_are_cut_at_the_next_start() -> None:
    text = "1\n00:00:01,000 --> 00:00:04,000\nfirst cue\n\n2\n00:00:03,000 --> 00:00:05,000\nsecond\n"
    doc = doc_of(text)
    (fix,) = doc.repairs
    assert (fix.before, fix.after) == ("00:00:01,000 --> 00:00:04,000", "00:00:01,000 --> 00:00:03,000")
    assert "overlaps the next cue" in fix.reason
    assert [t.time for t in doc.tokens] == [(1000, 2000), (2000, 3000), (3000, 5000)]


def test_times_that_run_backwards_keep_the_text_order_and_move_the_fewest_cues() -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:02,000\none\n\n"
        "2\n00:10:03,000 --> 00:10:04,000\ntwo\n\n"  # a mistyped minute
        "3\n00:00:05,000 --> 00:00:06,000\nthree\n\n"
        "4\n00:00:07,000 --> 00:00:08,000\nfour\n"
    )
    doc = doc_of(text)
    assert texts(doc) == ["one", "two", "three", "four"]
    (fix,) = doc.repairs
    assert (fix.before, fix.after) == ("00:10:03,000 --> 00:10:04,000", "00:00:04,000 --> 00:00:05,000")
    assert "runs backwards" in fix.reason
    starts = [t.time[0] for t in doc.tokens if t.time]
    ends = [t.time[1] for t in doc.tokens if t.time]
    assert starts == sorted(starts) and all(e <= s for e, s in zip(ends, starts[1:], strict=False))
    assert doc.tokens[2].time == (5000, 6000) and doc.tokens[3].time == (7000, 8000)


def test_an_empty_cue_is_left_out_and_recorded() -> None:
    text = "1\n00:00:01,000 --> 00:00:02,000\n\n2\n00:00:03,000 --> 00:00:04,000\nwords\n"
    doc = doc_of(text)
    (fix,) = doc.repairs
    assert (fix.before, fix.after) == ("00:00:01,000 --> 00:00:02,000", "")
    assert "empty cue" in fix.reason
    assert texts(doc) == ["words"]


def test_word_times_stay_in_order_whatever_the_cues_say() -> None:
    text = (
        "1\n00:00:00,000 --> 00:00:01,000\nfirst\n\n"
        "2\n00:00:00,500 --> 00:00:02,500\nsecond line\n\n"
        "3\n00:00:00,250 --> 00:00:02,300\nthird one here\n\n"
        "4\n00:00:02,000 --> 00:00:03,000\nfourth\n"
    )
    doc = doc_of(text)
    times = [t.time for t in doc.tokens if t.time]
    assert all(s <= e for s, e in times)
    assert all(a[1] <= b[0] for a, b in pairwise(times))
    assert len(doc.repairs) == 3


# ----- speakers and sound tags ------------------------------------------------------------


def test_speaker_labels_start_paragraphs_and_are_not_words() -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:02,000\nMAN:\nHow did we get here?\n\n"
        "2\n00:00:03,000 --> 00:00:04,000\nMAN: No idea.\n\n"
        "3\n00:00:05,000 --> 00:00:06,000\nSarah Jones: We met at 10:30.\nNote: this is speech.\n"
    )
    doc = doc_of(text)
    assert "MAN" not in source_words(doc) and "Sarah" not in source_words(doc)
    assert [(t.text, t.speaker, t.paragraph_start) for t in doc.tokens[:2]] == [("How", "MAN", True), ("did", "MAN", False)]
    no = doc.tokens[5]
    assert (no.text, no.speaker, no.paragraph_start) == ("No", "MAN", False)  # the same speaker goes on
    we = doc.tokens[7]
    assert (we.text, we.speaker, we.paragraph_start) == ("We", "Sarah Jones", True)
    assert "10:30." in texts(doc) and "Note:" in texts(doc)  # a time, and "Note:", are not labels


def test_voice_tags_name_the_speaker_until_the_next() -> None:
    text = (
        "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Project> Wanna finish me?\n\n"
        "00:03.000 --> 00:04.000\nStill me.\n\n"
        "00:05.000 --> 00:06.000\n<v.loud Mary Smith>Later</v>\n"
    )
    doc = doc_of(text)
    assert [(t.text, t.speaker, t.paragraph_start) for t in doc.tokens] == [
        ("Wanna", "Project", True),
        ("finish", "Project", False),
        ("me?", "Project", False),
        ("Still", "Project", False),
        ("me.", "Project", False),
        ("Later", "Mary Smith", True),
    ]
    assert "Project" not in source_words(doc) and "Mary" not in source_words(doc)


def test_dialogue_dashes_are_turns_but_a_dash_in_a_sentence_is_a_dash() -> None:
    doc = doc_of("1\n00:00:01,000 --> 00:00:02,000\n- Who are you?\n- Nobody.\n")
    assert [(t.text, t.paragraph_start) for t in doc.tokens] == [("Who", True), ("are", False), ("you?", False), ("Nobody.", True)]
    doc = doc_of("1\n00:00:01,000 --> 00:00:02,000\nin the whole community\n- faculty, staff\n")
    assert "-" in texts(doc) and not any(t.paragraph_start for t in doc.tokens)


def test_sound_tags_are_notes_with_their_time() -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:02,000\n[dog barking]\n\n"
        "2\n00:00:03,000 --> 00:00:05,000\n(computer playing\nelectronic melody)\n\n"
        "3\n00:00:06,000 --> 00:00:07,000\n[Terrill] It's important.\n"
    )
    doc = doc_of(text)
    assert [(n.kind, n.text, n.time) for n in doc.notes] == [
        ("sound", "[dog barking]", (1000, 2000)),
        ("sound", "(computer playing electronic melody)", (3000, 5000)),
    ]
    assert [text[n.span[0] : n.span[1]] for n in doc.notes] == ["[dog barking]", "(computer playing\nelectronic melody)"]
    assert "barking" in source_words(doc)  # a note's words are input words, covered by its span
    assert [(t.text, t.speaker) for t in doc.tokens] == [("It's", "Terrill"), ("important.", "Terrill")]


# ----- WebVTT -----------------------------------------------------------------------------

VTT = """\ufeffWEBVTT - A Talk
Kind: captions
Language: en

NOTE a comment
with --> in it? no, but two lines

STYLE
::cue(b) { color: peachpuff; }

REGION
id:fred width:40%

Region: id=bill width=40% lines=3

intro
00:01.000 --> 00:02.000 region:fred position:10%,line-left align:left size:35%
<c.yellow>Hello</c> &amp; <b>welcome</b>

NOTE between cues

00:00:03.000 --> 00:00:04.000
second cue
00:00:04.000 --> 00:00:05.000 align:start
no blank line before me
"""


def test_webvtt_header_blocks_ids_settings_and_tags() -> None:
    doc = doc_of(VTT)
    assert doc.fmt == "webvtt"
    assert doc.title == "A Talk"
    assert doc.meta["kind"] == "captions" and doc.meta["language"] == "en"
    assert texts(doc) == ["Hello", "&", "welcome", "second", "cue", "no", "blank", "line", "before", "me"]
    # header lines, NOTE, STYLE and REGION blocks, cue ids and a reference are no words
    assert source_words(doc) == ["Hello", "welcome", "second", "cue", "no", "blank", "line", "before", "me"]
    assert [t.cue for t in doc.tokens] == [0, 0, 0, 1, 1, 2, 2, 2, 2, 2]
    assert doc.tokens[0].time == (1000, 1500)  # Hel-lo 2, & 0, wel-come 2


def test_inline_timestamps_in_a_webvtt_cue_time_their_words() -> None:
    doc = doc_of("WEBVTT\n\n00:01.000 --> 00:03.000\nkaraoke <00:00:02.000>words here\n")
    assert doc.fmt == "webvtt"
    assert [(t.text, t.time, t.time_source) for t in doc.tokens] == [
        ("karaoke", (1000, 2000), "source-cue"),
        ("words", (2000, 2500), "source-word"),
        ("here", (2500, 3000), "source-cue"),
    ]


# ----- YouTube auto-captions --------------------------------------------------------------

YT = """WEBVTT
Kind: captions
Language: en

00:00:00.000 --> 00:00:02.000 align:start position:0%
[Music]

00:00:02.000 --> 00:00:03.909 align:start position:0%
[Music]
this<00:00:02.320><c> audiobook</c><00:00:02.880><c> is</c><00:00:02.960><c> free</c>

00:00:03.909 --> 00:00:03.919 align:start position:0%
this audiobook is free
_

00:00:03.919 --> 00:00:05.349 align:start position:0%
this audiobook is free
you<00:00:04.080><c> can</c><00:00:04.240><c> find</c><00:00:04.480><c> it</c>

00:00:05.349 --> 00:00:05.359 align:start position:0%
you can find it
_

00:00:05.359 --> 00:00:06.000 align:start position:0%
you can find it
well

00:00:06.000 --> 00:00:06.010 align:start position:0%
well
_

00:00:06.010 --> 00:00:07.000 align:start position:0%
well
[Applause] i<00:00:06.500><c> think</c>
""".replace("\n_\n", "\n \n")  # "_": the one-space lines yt-dlp writes


def test_youtube_every_word_once_with_its_own_time() -> None:
    doc = doc_of(YT)
    assert sniff(YT) == "youtube" and doc.fmt == "youtube"
    assert [(t.text, t.time) for t in doc.tokens] == [
        ("this", (2000, 2320)),
        ("audiobook", (2320, 2880)),
        ("is", (2880, 2960)),
        ("free", (2960, 3909)),
        ("you", (3919, 4080)),
        ("can", (4080, 4240)),
        ("find", (4240, 4480)),
        ("it", (4480, 5349)),
        ("well", (5359, 6000)),  # a line with no word times: its one word is timed by its cue
        ("i", (6337, 6500)),  # after [Applause], by syllables: ap-plause 2, i 1
        ("think", (6500, 7000)),
    ]
    # its own time, or its line's start; "i" shares the time after [Applause] with it
    assert [t.text for t in doc.tokens if t.time_source != "source-word"] == ["i"]
    # lower-case, unpunctuated, wrapped wherever the width ran out: no line or cue end is a sentence end
    assert all(t.boundary == SPACE for t in doc.tokens[:-1]) and doc.tokens[-1].boundary == EOL
    assert [(n.kind, n.text, n.time) for n in doc.notes] == [
        ("sound", "[Music]", (0, 2000)),
        ("sound", "[Applause]", (6010, 6337)),
    ]
    # the roll-up repeats are not input words: each spoken word counts once
    assert source_words(doc) == ["Music", "this", "audiobook", "is", "free", "you", "can", "find", "it", "well", "Applause", "i", "think"]
    exact_sources(doc)


def test_youtube_old_colour_classes() -> None:
    text = (
        "WEBVTT\nKind: captions\nLanguage: en\nStyle:\n::cue(c.colorCCCCCC) { color: rgb(204,204,204);\n }\n##\n\n"
        "00:00:13.670 --> 00:00:16.640 align:start position:0%\n \n"
        "today's<c.colorCCCCCC><00:00:14.670><c> fire</c><00:00:14.940><c> income</c></c>"
        "<c.colorE5E5E5><00:00:16.320><c> details</c></c>\n\n"
        "00:00:16.640 --> 00:00:16.650 align:start position:0%\n"
        "today's<c.colorCCCCCC> fire income</c><c.colorE5E5E5> details\n </c>\n\n"
        "00:00:16.650 --> 00:00:18.680 align:start position:0%\n"
        "today's<c.colorCCCCCC> fire income</c><c.colorE5E5E5> details</c>\n"
        "<c.colorCCCCCC>survivor</c><c.colorE5E5E5><00:00:17.190><c> rumor</c></c>\n"
    )
    doc = doc_of(text)
    assert [(t.text, t.time[0] if t.time else None) for t in doc.tokens] == [
        ("today's", 13670),
        ("fire", 14670),
        ("income", 14940),
        ("details", 16320),
        ("survivor", 16650),
        ("rumor", 17190),
    ]
    assert "style" not in doc.meta or doc.meta["style"] == ""


def test_roll_up_is_recognised_in_any_format_but_not_in_ordinary_subtitles() -> None:
    rolling = "".join(
        f"{k}\n00:00:{k:02d},000 --> 00:00:{k + 1:02d},000\n{prev}\n{line}\n\n"
        for k, (prev, line) in enumerate(zip(["", "a b", "c d", "e f", "g h"], ["a b", "c d", "e f", "g h", "i j"], strict=True), start=1)
    )
    doc = doc_of(rolling)
    assert doc.fmt == "srt" and doc.meta.get("roll-up") == "yes"
    assert texts(doc) == list("abcdefghij")
    ordinary = parse_cues(
        "WEBVTT\n\n00:01.000 --> 00:02.000\nOh!\n\n00:03.000 --> 00:04.000\nOh!\n\n00:05.000 --> 00:06.000\nWhy?\n\n"
        "00:07.000 --> 00:08.000\nNo.\n\n00:09.000 --> 00:10.000\nYes.\n",
        "t",
        "webvtt",
    )
    assert not rolls_up(ordinary.cues)


# ----- "Show transcript" ------------------------------------------------------------------


def test_show_transcript_alternating_lines() -> None:
    text = "My Video\n0:03\nso today we're going\n3 seconds\nto talk\n0:07\nabout timing\n1:02:33\nthe end\n"
    doc = doc_of(text)
    assert doc.fmt == "show-transcript" and doc.title == "My Video"
    assert texts(doc) == ["so", "today", "we're", "going", "to", "talk", "about", "timing", "the", "end"]
    assert doc.tokens[0].time is not None and doc.tokens[0].time[0] == 3000
    assert doc.tokens[6].time is not None and doc.tokens[6].time[0] == 7000
    assert doc.tokens[8].time == (3_753_000, 3_753_400)
    assert "seconds" not in source_words(doc) and "My" not in source_words(doc)
    assert [t.cue for t in doc.tokens] == [0] * 6 + [1, 1, 2, 2]


def test_show_transcript_one_line_each() -> None:
    text = "0:00 [Music]\n0:03 welcome back everyone\n0:05 JOHN: today we\n12:04 talk\n"
    doc = doc_of(text)
    assert doc.fmt == "show-transcript"
    assert texts(doc) == ["welcome", "back", "everyone", "today", "we", "talk"]
    assert doc.notes[0].text == "[Music]" and doc.notes[0].time == (0, 3000)
    assert doc.tokens[3].speaker == "JOHN" and doc.tokens[3].paragraph_start
    assert doc.tokens[-1].time == (724_000, 724_500)  # the last: 0.4 s a word, 0.5 s at least


@pytest.mark.parametrize(
    "text",
    [
        "We met at 10:30 and left at 11:15.\nIt was late.\n",
        "Title\n\n2021-01-15\n10:30 is when the meeting started.\nWe talked for hours.\nThen at 12:15 we ate.\nAnd so on.\n",
        "The talk\n\nIt starts here and goes on.\nAnother line of plain text.\n",
    ],
)
def test_a_transcript_that_merely_has_times_is_not_a_show_transcript(text: str) -> None:
    assert sniff(text) in ("plain", "caption-paste")


# ----- forced formats ---------------------------------------------------------------------


def test_a_forced_format_reads_what_sniffing_would_not() -> None:
    text = "0:03 only one stamped line here\n"
    assert sniff(text) == "plain"
    doc = doc_of(text, fmt="show-transcript")
    assert doc.fmt == "show-transcript" and doc.tokens[0].time is not None and doc.tokens[0].time[0] == 3000
    assert doc_of(YT, fmt="vtt").fmt == "webvtt"  # YouTube read as plain WebVTT: every cue as it stands
    assert doc_of(SRT, fmt="SRT").fmt == "srt"


@pytest.mark.parametrize(
    "text,fmt,message",
    [
        ("just words\n", "srt", "cannot read it as srt: line 1: not SRT: text before the first cue: 'just words'"),
        (SRT, "webvtt", "cannot read it as webvtt: not WebVTT: the first line is not 'WEBVTT'"),
        (SRT, "youtube", "cannot read it as youtube: not WebVTT: the first line is not 'WEBVTT'"),
        ("just words\n", "show-transcript", "cannot read it as show-transcript: not a 'Show transcript' text"),
        ("just words\n", "ass", "unknown format 'ass'"),
    ],
)
def test_a_forced_format_that_does_not_parse_is_one_clear_line(text: str, fmt: str, message: str) -> None:
    with pytest.raises(CleanupError) as exc:
        read_text(text, "in.txt", fmt=fmt)
    assert exc.value.path == "in.txt" and exc.value.message.startswith(message)
    assert "\n" not in exc.value.message


def test_sniffing_picks_exactly_one_format() -> None:
    assert sniff("WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n") == "webvtt"
    assert sniff("\ufeffWEBVTT - title\n\n00:00.000 --> 00:01.000\nhi\n") == "webvtt"
    assert sniff("WEBVTTX\n") == "plain"
    assert sniff("1\n00:00:01,000 --> 00:00:02,000\nhi\n") == "srt"
    assert sniff("\n\n00:01.000 --> 00:02.000\nhi\n") == "srt"  # no numbers, no hours
    assert sniff("1\n00:00:01,000 --> 00:00:0x,000\nhi\n") == "srt"  # then its reader names the line
    assert sniff("0:03\nhello\n0:05\nthere\n") == "show-transcript"
    assert sniff(YT) == "youtube"
    with pytest.raises(CleanupError, match="no spoken words"):
        read_text("WEBVTT\n\n00:01.000 --> 00:02.000\n[Music]\n", "x.vtt")


# ----- cleanup check reads with the same parser --------------------------------------------


def test_check_reads_cue_lines_as_shown_with_their_timecode() -> None:
    text = "WEBVTT\n\nNOTE x\n\n00:01.000 --> 00:02.000 align:start\n<v Bob>Hi <i>there</i> &amp; you\n{\\an8}second line  \n"
    cues = parse_subtitles(text, "x.vtt")
    assert cues == [TimedCue(1, 1000, 2000, ("Hi <i>there</i> & you", "second line"), "00:01.000 --> 00:02.000", 5)]
    assert check_cues(cues, SubtitleRules())  # a one-second cue is too short for the rules


def test_check_refuses_what_is_not_subtitles() -> None:
    with pytest.raises(CleanupError, match="not an SRT or WebVTT file"):
        parse_subtitles("plain words\n", "x.txt")


# ----- the real files kept in tests/data (MIT) ---------------------------------------------


def test_data_astisub_srt() -> None:
    doc = read(DATA / "astisub-example-in.srt")
    check_conservation(doc, [], "read")
    assert doc.fmt == "srt"
    assert [n.text for n in doc.notes] == ["(deep rumbling)", "(computer playing electronic melody)"]
    assert doc.tokens[0].text == "How" and doc.tokens[0].speaker == "MAN" and doc.tokens[0].paragraph_start
    assert doc.notes[0].time == (99_000, 101_040)  # 00:01:39 --> 00:01:41,04
    assert len(doc.tokens) == 19
    assert [c.timing for c in read_subtitles(DATA / "astisub-example-in.srt")][:2] == [
        "00:01:39 --> 00:01:41,04",
        "00:02:04,08 --> 00:02:07,12",
    ]


def test_data_astisub_vtt_reads_as_the_srt_does() -> None:
    srt, vtt = read(DATA / "astisub-example-in.srt"), read(DATA / "astisub-example-in.vtt")
    assert vtt.fmt == "webvtt"
    assert texts(vtt) == texts(srt)
    assert [t.time for t in vtt.tokens] == [t.time for t in srt.tokens]
    assert "comment" not in " ".join(source_words(vtt))  # NOTE blocks are not text


def test_data_bare_cr_and_bom() -> None:
    doc = read(DATA / "astisub-carriage-return.srt")
    exact_sources(doc)
    assert doc.tokens[0].text == "Did" and doc.tokens[0].time == (0, 198)
    assert "don\u2019t" in texts(doc)
    assert len(doc.tokens) == 39 and len(read_subtitles(DATA / "astisub-carriage-return.srt")) == 3


def test_data_voice_tags_and_no_final_newline() -> None:
    doc = read(DATA / "ableplayer-deadline.vtt")
    turns = [t.speaker for t in doc.tokens if t.paragraph_start]
    assert turns == ["Project", "Boy", "Project", "Boy", "Project", "Boy", "Project", "Boy", "Project", "Boy"]
    assert [n.text for n in doc.notes] == ["[ Both screaming !!! ]", "[ Climactic symphonic ending ]", "[ Mellow acoustic music ]"]
    assert doc.tokens[-1].text == "I!"


def test_data_old_youtube_dl_file() -> None:
    doc = read(DATA / "webvtt-py-youtube_dl.vtt")
    assert doc.fmt == "youtube"
    assert texts(doc) == ["yeah", "what", "this", "will", "happen", "is", "I'm", "telling"]
    assert doc.tokens[1].time == (286_470, 304_080)  # a line with no word times, after no blank line
    assert doc.tokens[4].time == (304_379, 304_620)


def test_independent_readers_agree_on_the_words() -> None:
    """webvtt-py (not used by the project) reads the same words: ours are its words less labels."""
    import webvtt

    for name in ("ableplayer-deadline.vtt", "astisub-example-in.vtt"):
        doc = read(DATA / name)
        theirs = Counter(w for c in webvtt.read(str(DATA / name)).captions for w in words_of(c.text))
        ours = Counter(w for t in doc.tokens for w in words_of(t.text))
        ours += Counter(w for n in doc.notes for w in words_of(n.text))
        ours += Counter(w for t in doc.tokens if t.paragraph_start and t.speaker == "MAN" for w in ["MAN"])
        missing = theirs - ours
        # webvtt-py drops the cue timed '00:01:39' (no milliseconds); nothing else differs
        assert not (ours - theirs - Counter(["deep", "rumbling"])) and not missing


# ----- every real file in ../shared/bench/real -------------------------------------------------

# spoken words (words_of over the tokens) expected where an independent count exists: pysrt's
# text for the plain SRT files, and all the words of itaccess (no labels or sound tags: its
# voice tags are not text); the YouTube files are compared with yt_words.py below, and each
# YouTube VTT with the SRT that renders the same captions (same words, once)
EXPECTED_WORDS = {
    "readbeyond__aeneas__sonnet001.srt": 108,
    "meyer1994__srt__sintel_en.srt": 110,
    "byroot__pysrt__bom-utf-8.srt": 111,
    "byroot__pysrt__overlapping-dialogues.srt": 38,
    "asticode__go-astisub__example-in-carriage-return.srt": 39,
    "antiboredom__videogrep__manifesto.srt": 208,
    "antiboredom__videogrep__manifesto.bb.vtt": 208,
    "EthanSK__Youtuber-Speech-Word-Detection-Bot__test.srt": 444,
    "EthanSK__Youtuber-Speech-Word-Detection-Bot__test.en.vtt": 444,
    "ableplayer__ableplayer__itaccess_captions_en.vtt": 878,
}
PYSRT_ORACLE = [name for name in EXPECTED_WORDS if name.endswith(".srt") and "EthanSK" not in name]


@pytest.mark.skipif(not BENCH_FILES, reason="../shared/bench/real is not here")
@pytest.mark.parametrize("path", BENCH_FILES, ids=lambda p: p.name)
def test_every_real_file_reads_with_run_and_with_check(path: Path) -> None:
    doc = read(path)
    check_conservation(doc, [], "read")
    assert doc.tokens and doc.input_words
    assert all(t.time is not None and t.time[0] <= t.time[1] for t in doc.tokens)
    times = [t.time for t in doc.tokens if t.time]
    assert all(a[0] <= b[0] for a, b in pairwise(times))
    cues = read_subtitles(path)
    assert cues and all(c.timing and c.line > 0 for c in cues)
    if path.name in EXPECTED_WORDS:
        assert sum(len(words_of(t.text)) for t in doc.tokens) == EXPECTED_WORDS[path.name]


@pytest.mark.skipif(not BENCH_FILES, reason="../shared/bench/real is not here")
def test_plain_srt_files_have_the_words_pysrt_reads() -> None:
    import pysrt

    for name in PYSRT_ORACLE:
        subs = pysrt.open(str(BENCH / name), encoding="utf-8-sig")
        theirs = [w for s in subs for w in words_of(re.sub(r"<[^>]+>", "", s.text))]
        assert [w for t in read(BENCH / name).tokens for w in words_of(t.text)] == theirs


@pytest.mark.skipif(not BENCH_FILES, reason="../shared/bench/real is not here")
def test_the_manifesto_oracle() -> None:
    """videogrep's own test: first cue "this audiobook is in the public domain" 1.599-3.909 s,
    first word "this" 1.599-1.92, last word "danish" 84.479-84.87."""
    doc = read(BENCH / "antiboredom__videogrep__manifesto.bb.vtt")
    first = doc.tokens[:7]
    assert " ".join(t.text for t in first) == "this audiobook is in the public domain"
    assert first[0].time == (1599, 1920) and first[-1].time is not None and first[-1].time[1] == 3909
    danish = [t for t in doc.tokens if t.text == "danish"][-1]
    assert danish.time == (84479, 84870)
    srt = read(BENCH / "antiboredom__videogrep__manifesto.srt")  # YouTube's own SRT of the same captions
    assert texts(srt) == texts(doc)
    cue7 = [t for t in srt.tokens if t.cue == 6]
    assert " ".join(t.text for t in cue7) == "preamble a spectre is haunting europe"
    assert cue7[0].time is not None and cue7[0].time[0] == 19039 and cue7[-1].time is not None and cue7[-1].time[1] == 22960


def _yt_words(path: Path, tmp_path: Path) -> list[dict[str, object]]:
    out = tmp_path / (path.stem + ".words.json")
    subprocess.run([sys.executable, str(YT_WORDS), str(path), str(out)], check=True)
    words: list[dict[str, object]] = json.loads(out.read_text(encoding="utf-8"))
    return words


def _counted_by_yt_words(line: str) -> bool:
    """The lines yt_words.py reads: word-timed ones (it leaves out a line with no word times)."""
    return ("<c>" in line or "<c." in line) and re.search(r"<\d", line) is not None


def compare_with_yt_words(path: Path, tmp_path: Path) -> tuple[int, int]:
    """Our words against yt_words.py's, in order: the same words, each once, with the same start,
    except the words of lines with no word times, which yt_words.py leaves out and we keep.
    Returns (our words, its words)."""
    doc = read(path)
    theirs = _yt_words(path, tmp_path)
    lines = doc.source.splitlines(keepends=True)
    starts = [0]
    for ln in lines:
        starts.append(starts[-1] + len(ln))

    def line_of(offset: int) -> str:
        lo, hi = 0, len(lines) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lines[lo]

    ours: list[tuple[str, int, bool, str]] = []  # (word, start, counted by yt_words, time source)
    for tok in doc.tokens:
        assert tok.time is not None and tok.src
        counted = _counted_by_yt_words(line_of(tok.src[0][0]))
        ours += [(w.lower(), tok.time[0], counted, tok.time_source or "") for w in words_of(tok.text)]
    kept = [o for o in ours if o[2]]
    assert [o[0] for o in kept] == [str(w["w"]) for w in theirs]  # no word lost, none doubled
    # a word's time repaired by the reader (after its cue's end) is the one allowed difference
    repaired = {parse_timestamp(c.before.strip("<>")) for c in doc.repairs if c.before.startswith("<")}
    for (word, start, _, source), w in zip(kept, theirs, strict=True):
        t = round(float(str(w["t"])) * 1000)
        if source == "source-word":
            assert start == t or t in repaired, (word, start, t)
    # the words yt_words.py leaves out come from lines without word times, and only those
    extra = [o for o in ours if not o[2]]
    assert all(o[3] in ("source-word", "source-cue") for o in extra)
    assert len(ours) == len(theirs) + len(extra)
    return len(ours), len(theirs)


YT_FILES = [p for p in BENCH_FILES if p.suffix == ".vtt" and sniff(p.read_text(encoding="utf-8-sig")) == "youtube"]


@pytest.mark.skipif(not YT_FILES or not YT_WORDS.exists(), reason="../shared is not here")
@pytest.mark.parametrize("path", [p for p in YT_FILES if "ArminRezz" not in p.name], ids=lambda p: p.name)
def test_youtube_files_every_word_once_against_yt_words(path: Path, tmp_path: Path) -> None:
    compare_with_yt_words(path, tmp_path)


@pytest.mark.skipif(not (BENCH / "ArminRezz__YoutubeHarvester__subtitles.en.vtt").exists(), reason="the 2-hour file is not here")
def test_a_two_hour_youtube_file(tmp_path: Path) -> None:
    """About 22,000 words and 7,145 cues, read in one pass (linear: the roll-up is matched cue to
    cue, times repaired in O(n log n)); the time is printed, not asserted."""
    path = BENCH / "ArminRezz__YoutubeHarvester__subtitles.en.vtt"
    started = time.perf_counter()
    doc = read(path)
    took = time.perf_counter() - started
    print(f"\n{path.name}: {len(doc.tokens)} tokens, {len(doc.notes)} sound tags, read in {took:.2f} s")
    ours, theirs = compare_with_yt_words(path, tmp_path)
    assert ours >= theirs > 20_000
