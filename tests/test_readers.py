from __future__ import annotations

import codecs

import pytest

from cleanup.errors import CleanupError
from cleanup.model import BARE, EOL, LINE, RUNON
from cleanup.readers import read_text
from cleanup.readers.decode import decode
from cleanup.readers.sniff import sniff
from tests.conftest import SEED, caption

TEXT = "Title\n\n2021-01-15\nHello world, this is a caption\nAnd another one\n"


@pytest.mark.parametrize(
    "data,encoding",
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.replace("Hello", "Café").encode("latin-1"), "cp1252"),
        (TEXT.replace("Hello", "\u201cHi\u201d").encode("cp1252"), "cp1252"),
        (TEXT.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
    ],
)
def test_decodes_the_encodings_transcripts_arrive_in(data: bytes, encoding: str) -> None:
    decoded = decode(data, "x.txt")
    text, found = decoded.text, decoded.encoding
    assert found == encoding
    assert "world, this is a caption" in text
    assert not text.startswith("\ufeff")


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "empty"),
        (b"  \n\n \t", "empty"),
        (codecs.BOM_UTF8, "empty"),
        (bytes(range(256)) * 4, "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary"),
        (bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 50, "undecodable"),
        ("日本語のテキストです。".encode("shift_jis") * 20, "undecodable"),
    ],
)
def test_refuses_what_is_not_a_transcript(data: bytes, message: str) -> None:
    with pytest.raises(CleanupError) as exc:
        decode(data, "bad.txt")
    assert message in exc.value.message
    assert exc.value.path == "bad.txt"


def test_caption_paste_header_and_markers() -> None:
    doc = read_text(caption("one two|three~", "four five", title="The Title", date="2021-01-15"))
    assert (doc.title, doc.date, doc.fmt) == ("The Title", "2021-01-15", "caption-paste")
    bounds = [(t.text, t.boundary) for t in doc.tokens]
    assert bounds == [("one", ""), ("two", LINE), ("three", RUNON), ("four", ""), ("five", BARE)]
    assert [t.cue for t in doc.tokens] == [0, 0, 0, 1, 1]


def test_every_token_points_at_its_source() -> None:
    text = SEED.read_text(encoding="utf-8")
    doc = read_text(text)
    for tok in doc.tokens:
        ((s, e),) = tok.src
        assert text[s:e] == tok.text
    assert len(doc.input_words) > 5000


def test_plain_lines_leave_line_ends_open() -> None:
    doc = read_text("Title\n\nJanuary 15, 2021\nthe first line\nruns on here\n\nNew paragraph\n")
    assert doc.fmt == "plain" and doc.date == "January 15, 2021"
    assert [t.boundary for t in doc.tokens if t.boundary] == [EOL, BARE, BARE]


def test_own_prose_output_reads_back_with_its_header() -> None:
    doc = read_text("The Title\n2021-01-15\n\nFirst paragraph. Two.\n\nSecond one.\n")
    assert (doc.title, doc.date) == ("The Title", "2021-01-15")
    assert doc.tokens[0].text == "First"


def test_sniff() -> None:
    assert sniff("WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n") == "webvtt"
    assert sniff("1\n00:00:01,000 --> 00:00:02,000\nhi\n") == "srt"
    assert sniff("a\u00a0 b\n") == "caption-paste"
    assert sniff("just text\n") == "plain"
    doc = read_text("1\n00:00:01,000 --> 00:00:02,000\nhi there\n", "x.srt")
    assert doc.fmt == "srt" and [t.text for t in doc.tokens] == ["hi", "there"] and doc.tokens[0].time_source == "source-cue"


def test_from_caption_paste_reads_each_line_as_a_cue_without_nbsps() -> None:
    text = "A Short Talk\n\n3 June 2024\n\nso today we cut an interview\nthe first thing i do is watch\n"
    forced = read_text(text, fmt="caption-paste")
    assert forced.fmt == "caption-paste" and forced.tokens[5].boundary == BARE  # (a cue's end ends its sentence)
    sniffed = read_text(text)
    assert sniffed.fmt == "plain" and sniffed.tokens[5].boundary != BARE
    assert read_text(text, fmt="plain").fmt == "plain"
