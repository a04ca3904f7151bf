"""Line and cue breaks where a subtitler puts them: word classes, fixed phrases, balanced lines,
punctuation, dashes, short sentences, the speech's pauses, and a cost linear in the length."""

from __future__ import annotations

import importlib
import random
import re
from itertools import pairwise
from typing import Any

import pytest

from cleanup.model import Document, Token
from cleanup.subtitles import words as word_classes
from cleanup.subtitles.rules import PRESETS, SubtitleRules
from cleanup.subtitles.segment import Cue, Gaps, best_lines, segment, visible

segment_module = importlib.import_module("cleanup.subtitles.segment")  # the package exports a function of the same name
RULES = SubtitleRules()


def doc_of(*sentences: str) -> Document:
    """A document of whole sentences, one token a word (what the cleanup hands the segmenter)."""
    tokens: list[Token] = []
    for sentence in sentences:
        words = sentence.split()
        tokens += [Token(w, sentence_end=k == len(words) - 1) for k, w in enumerate(words)]
    return Document(source=" ".join(sentences), tokens=tuple(tokens), input_words=())


def cues_of(*sentences: str, rules: SubtitleRules = RULES, pauses: list[float] | None = None, ms: float = 280.0) -> list[Cue]:
    doc = doc_of(*sentences)
    return segment(doc, rules, [ms] * len(doc.tokens), pauses)


def breaks(cues: list[Cue]) -> list[str]:
    """The text with ``/`` at each line break and ``//`` at each cue break."""
    return [" / ".join(c.lines) for c in cues]


def pairs_broken(cues: list[Cue]) -> set[tuple[str, str]]:
    """(last word before, first word after) of every line and cue break."""
    out = set()
    lines = [line for c in cues for line in c.lines]
    for a, b in pairwise(lines):
        out.add((a.split()[-1].lower().strip(",.;:"), b.split()[0].lower()))
    return out


# ----- word classes ------------------------------------------------------------------------------


def test_tokens_split_into_the_words_a_tagger_reads() -> None:
    assert word_classes.tagger_words("didn't") == (["did", "n't"], 0, 1)
    assert word_classes.tagger_words("can't,") == (["can", "n't", ","], 0, 1)
    assert word_classes.tagger_words('"campaign"),') == (['"', "campaign", '"', ")", ","], 1, 1)
    assert word_classes.tagger_words("Sanders'") == (["Sanders", "'"], 0, 1)
    assert word_classes.tagger_words("it\u2019s") == (["it", "'s"], 0, 1)
    assert word_classes.tagger_words("\u2014") == (["\u2014"], -1, -1)


def test_word_classes_are_read_in_context() -> None:
    doc = doc_of("They sell fish and she will not fish today because the elders of my extended family object.")
    classes = word_classes.sentence_classes(doc.tokens, 0, len(doc.tokens))
    by_word = [(t.core, c) for t, c in zip(doc.tokens, classes, strict=True)]
    assert by_word[2] == ("fish", ("NOUN", "NOUN"))
    assert by_word[7] == ("fish", ("VERB", "VERB"))
    assert by_word[5] == ("will", ("AUX", "AUX"))
    assert by_word[6] == ("not", ("NEG", "NEG"))
    assert by_word[9] == ("because", ("SCONJ", "SCONJ"))
    assert by_word[12][1] == ("OF", "OF")


def test_the_fast_search_agrees_with_the_taggers_own() -> None:
    from HanTa import HanoverTagger as hanta  # type: ignore[import-untyped]

    theirs = hanta.HanoverTagger("morphmodel_en.pgz")
    ours = word_classes.backend()
    rnd = random.Random(4)
    vocabulary = (
        "the a my of to in and but because that which who was is has been will not n't going kind lot "
        "people women goal users family energy village law rights year million Pakistan Andy Grove "
        "run runs ran set sets fast small extended high very really , . ; : ?"
    ).split()
    sentences = [["It", "'s", "a", "lot", "of", "work", ",", "and", "I", "'m", "not", "going", "to", "do", "it", "."]]
    sentences += [[rnd.choice(vocabulary) for _ in range(rnd.randint(1, 30))] for _ in range(150)]
    for words in sentences:
        assert ours(words) == [word_classes.CLAWS5.get(t, "X") for t in theirs.tag_sent(words, taglevel=0)], words


def test_the_tagger_is_loaded_once() -> None:
    assert word_classes.backend() is word_classes.backend()


# ----- where lines and cues break ------------------------------------------------------------


def test_fixed_phrases_stay_whole() -> None:
    cues = cues_of(
        "It kind of rolls off the tongue and keeps on rolling down the hill for a very long time, doesn't it?",
        "We are not going to be able to finish a lot of the work that we had planned for today instead of resting at home.",
        "Instead of a simple answer, they gave us a sort of riddle that nobody in the room could solve at all.",
    )
    broken = pairs_broken(cues)
    for pair in [("kind", "of"), ("going", "to"), ("lot", "of"), ("instead", "of"), ("sort", "of"), ("able", "to")]:
        assert pair not in broken, breaks(cues)


def test_no_break_inside_a_phrase() -> None:
    cues = cues_of(
        "The elders of my extended family didn't allow their women to pursue their higher education or their careers.",
        "Families with high energy burdens spend a larger share of their income on heating their small homes in winter.",
        "His goal was to reach 20 million users before the end of the year, and he did it with a tiny team.",
    )
    broken = pairs_broken(cues)
    for pair in [("extended", "family"), ("high", "energy"), ("energy", "burdens"), ("20", "million"), ("million", "users")]:
        assert pair not in broken, breaks(cues)
    weak = {"the", "a", "an", "of", "to", "my", "their", "his", "didn't", "and", "or", "with", "was"}
    assert not any(a in weak for a, _ in broken), breaks(cues)


def test_a_name_joined_by_and_or_of_stays_whole() -> None:
    # (a new user's history lecture: "which became the site of the Victoria" | "and Albert Museum")
    cues = cues_of(
        "The profits bought the land in South Kensington which became the site of the Victoria and Albert Museum in the end.",
        "It was organised by the Royal Society of Arts and championed above all by the prince himself that year.",
    )
    broken = pairs_broken(cues)
    assert ("victoria", "and") not in broken and ("society", "of") not in broken, breaks(cues)


def test_two_lines_are_balanced_never_a_stub() -> None:
    cues = cues_of(
        "So he had this one three-year-long objective: to build the best computer company in the world.",
        "I come from a very small village in Punjab, where women are not allowed to pursue their higher education.",
        "Now, the United States spends over three billion dollars a year on energy bill payment assistance.",
        "Pakistan is also the birthplace of the youngest Nobel Peace Prize winner, who was shot for going to school.",
    )
    two = [c for c in cues if len(c.lines) == 2]
    assert two
    for cue in two:
        top, bottom = (len(visible(line)) for line in cue.lines)
        assert 2 * min(top, bottom) >= max(top, bottom), cue.lines


def test_one_line_when_it_fits() -> None:
    cues = cues_of("What is socialism?", "It is a word that many people use.")
    assert [c.lines for c in cues] == [("What is socialism?",), ("It is a word that many people use.",)]


def test_punctuation_beats_filling_the_line() -> None:
    cues = cues_of("Safe access to the internet is an access to knowledge, and knowledge is freedom for everyone.")
    assert any(c.lines[-1].endswith("knowledge,") for c in cues), breaks(cues)


def test_a_dash_ends_the_line_before_the_break() -> None:
    cues = cues_of(
        "Imagine waking up to a stranger \u2014 sometimes multiple strangers \u2014 questioning your right to existence "
        "for something that you wrote online."
    )
    lines = [line for c in cues for line in c.lines]
    assert not any(line.startswith("\u2014") for line in lines), lines
    assert any(line.endswith("\u2014") for line in lines[:-1]), lines


def test_short_sentences_share_a_cue() -> None:
    cues = cues_of("Significant?", "Check.", "And then we went on to the next part of the plan that we had made.")
    assert breaks(cues)[0] == "Significant? Check."


# ----- times --------------------------------------------------------------------------------------


def _pauses(doc: Document, at: dict[str, float]) -> list[float]:
    return [at.get(t.core, 0.0) for t in doc.tokens]


def test_a_strong_pause_is_where_the_cue_ends() -> None:
    text = "We walked along the river for hours and hours until the sun went down behind the hills and the town."
    doc = doc_of(text)
    untimed = segment(doc, RULES, [280.0] * len(doc.tokens))
    timed = segment(doc, RULES, [280.0] * len(doc.tokens), _pauses(doc, {"hours": 0.0, "until": 0.0, "down": 600.0}))
    assert not any(c.lines[-1].endswith("down") for c in untimed[:-1])
    assert any(c.lines[-1].endswith("down") for c in timed[:-1]), breaks(timed)


def test_a_long_pause_is_never_inside_a_cue() -> None:
    rnd = random.Random(7)
    sentence = "The committee met on Tuesday and decided that the new bridge would be built before the winter."
    doc = doc_of(sentence, sentence, sentence)
    for _ in range(30):
        pauses = [rnd.choice([0.0, 0.0, 0.0, 120.0, 400.0, 1200.0, 2500.0]) for _ in doc.tokens]
        cues = segment(doc, RULES, [300.0] * len(doc.tokens), pauses)
        for cue in cues:
            inside = pauses[cue.first : cue.last - 1]
            assert all(p < segment_module.LONG_PAUSE_MS for p in inside), (cue.lines, inside)
        assert [t for c in cues for t in range(c.first, c.last)] == list(range(len(doc.tokens)))


# ----- the rules, and the cost ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_cue_inside_the_preset(name: str) -> None:
    rules = PRESETS[name]
    rnd = random.Random(name)
    vocabulary = "the a of to and but because which people women energy extended family small village, very said: \u2014 running".split()
    sentences = [" ".join(rnd.choice(vocabulary) for _ in range(rnd.randint(1, 60))) + "." for _ in range(60)]
    sentences.append("Incomprehensibilities " * 3 + "end.")  # words longer than a line still get a cue
    cues = cues_of(*sentences, rules=rules)
    for cue in cues:
        assert 1 <= len(cue.lines) <= rules.max_lines
        for line in cue.lines:
            assert len(visible(line)) <= rules.max_chars_per_line or " " not in line


def test_cost_is_linear_in_the_length(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = [0]
    real = segment_module.best_lines

    def counting(*args: Any, **kwargs: Any) -> tuple[float, list[int]]:
        calls[0] += 1
        found: tuple[float, list[int]] = real(*args, **kwargs)
        return found

    monkeypatch.setattr(segment_module, "best_lines", counting)
    sentence = "In the end the committee decided, after a long debate about money, that the bridge would be built before winter."
    counts = []
    for times in (2, 8):
        calls[0] = 0
        cues_of(*([sentence] * times))
        counts.append(calls[0])
    assert counts[1] <= 4 * counts[0] + 4


def test_gaps_and_lines_on_their_own() -> None:
    doc = doc_of("The miners were already barely getting by with poor pay in their towns.")
    gaps = Gaps(doc.tokens)  # tags the sentence itself when no classes are given
    assert gaps(1) >= segment_module.HARD  # The | miners
    cost, starts = best_lines(doc.tokens, 0, len(doc.tokens), RULES, gaps=gaps)
    assert cost < segment_module.HARD and len(starts) == 2
    assert re.match(r"^\w", doc.tokens[starts[1]].text)
