"""Long inputs and cold starts: the per-user cache, and the pieces that were made linear, each held
to a plain (quadratic) reference or counted on 1x against 4x input. Behaviour only, never timings:
the figures are in eval/bench.py."""

from __future__ import annotations

import importlib
import math
import os
import random
import stat
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest

from cleanup import cache
from cleanup.clean import lexicon as lexicon_module
from cleanup.clean.base import delete_token, delete_tokens
from cleanup.clean.paragraphs import choose_breaks, depths_of, gap_depths
from cleanup.engines.harper import HarperEngine, windows
from cleanup.model import Document, Token
from cleanup.readers import read_text
from cleanup.subtitles.rules import SubtitleRules
from cleanup.subtitles.timing import _speech
from cleanup.writers.report import note_word_index
from tests.conftest import SEED, caption

segment_module = importlib.import_module("cleanup.subtitles.segment")  # the package exports a function of that name

# ----- the per-user cache ---------------------------------------------------------------------


def _builder(calls: list[int], value: object) -> object:
    def build() -> object:
        calls.append(1)
        return value

    return build


def _is_dict(value: object) -> bool:
    return isinstance(value, dict)


def test_cache_is_written_then_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    calls: list[int] = []
    first = cache.cached("entry", ("data 1",), _builder(calls, {"a": (1, 2)}), _is_dict)
    assert first == {"a": (1, 2)} and calls == [1]
    assert (tmp_path / "cleanup" / "entry.cache").is_file()
    assert not [p for p in (tmp_path / "cleanup").iterdir() if p.name.endswith(".tmp")]  # no temporary file left
    again = cache.cached("entry", ("data 1",), _builder(calls, {"b": 0}), _is_dict)
    assert again == {"a": (1, 2)} and calls == [1]  # read back: the builder was not called


def test_cache_is_rebuilt_for_another_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    calls: list[int] = []
    cache.cached("entry", ("symspellpy 6.10",), _builder(calls, {"old": 1}), _is_dict)
    value = cache.cached("entry", ("symspellpy 6.11",), _builder(calls, {"new": 1}), _is_dict)
    assert value == {"new": 1} and calls == [1, 1]
    assert cache.cached("entry", ("symspellpy 6.11",), _builder(calls, {}), _is_dict) == {"new": 1} and calls == [1, 1]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-1] + bytes([data[-1] ^ 0xFF]),  # one byte of the body changed
        lambda data: b"\x00garbage" * 50,  # not a cache file at all
        lambda data: b"",  # empty
        lambda data: data.replace(cache.MAGIC, b"cleanup-cache 0\n"),  # another format
    ],
    ids=["truncated", "flipped-byte", "garbage", "empty", "old-format"],
)
def test_damaged_cache_is_rebuilt_not_fatal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: object) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    calls: list[int] = []
    cache.cached("entry", ("k",), _builder(calls, {"x": list(range(1000))}), _is_dict)
    path = tmp_path / "cleanup" / "entry.cache"
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    assert cache.cached("entry", ("k",), _builder(calls, {"x": [1]}), _is_dict) == {"x": [1]}
    assert calls == [1, 1]
    assert cache.cached("entry", ("k",), _builder(calls, {}), _is_dict) == {"x": [1]} and calls == [1, 1]  # rewritten whole


def test_a_value_of_the_wrong_shape_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    calls: list[int] = []
    cache.cached("entry", ("k",), _builder(calls, ["a list"]), lambda v: True)
    assert cache.cached("entry", ("k",), _builder(calls, {"d": 1}), _is_dict) == {"d": 1} and calls == [1, 1]


def test_unwritable_cache_dir_still_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod does not stop root: a cache folder under a regular file can never be created
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))
    calls: list[int] = []
    assert cache.cached("entry", ("k",), _builder(calls, {"v": 1}), _is_dict) == {"v": 1}
    assert cache.cached("entry", ("k",), _builder(calls, {"v": 1}), _is_dict) == {"v": 1}
    assert calls == [1, 1]  # built in memory each time, no error
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_read_only_cache_dir_still_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "/proc/cleanup-test")  # /proc refuses new folders, even to root
    calls: list[int] = []
    assert cache.cached("entry", ("k",), _builder(calls, {"v": 2}), _is_dict) == {"v": 2} and calls == [1]
    folder = tmp_path / "ro"
    (folder / "cleanup").mkdir(parents=True)
    (folder / "cleanup").chmod(stat.S_IRUSR | stat.S_IXUSR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    assert cache.cached("entry", ("k",), _builder(calls, {"v": 3}), _is_dict) == {"v": 3}
    assert not [p for p in (folder / "cleanup").iterdir() if p.name.endswith(".tmp")]


def test_missing_home_means_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "no-such-home"))
    assert cache.cache_dir() is None
    calls: list[int] = []
    assert cache.cached("entry", ("k",), _builder(calls, {"v": 1}), _is_dict) == {"v": 1}
    assert not (tmp_path / "no-such-home").exists()  # a missing home is never created
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # the XDG spec: a relative path is ignored
    assert cache.cache_dir() is None


def test_default_cache_dir_is_under_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / ".cache" / "cleanup"


def test_lexicon_builds_its_indexes_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second process (a fresh Lexicon) reads SymSpell's index, codespell's list and the loanword
    languages' common words from the cache: none of the builders runs again, and the answers agree."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = lexicon_module.Lexicon()
    expected = (first.near_words("teh"), first.known_misspelling("occured"), first.is_loanword("ancien"), first.is_loanword("aparthied"))
    names = sorted(p.name for p in (tmp_path / "cleanup").iterdir())
    assert names == ["codespell.cache", "symspell-index.cache", "symspell-words.cache", "wordfreq-common.cache"]

    def refuse(*args: object) -> object:
        raise AssertionError("built again although the cache holds it")

    monkeypatch.setattr(lexicon_module, "_read_codespell", refuse)
    monkeypatch.setattr(lexicon_module, "_common_abroad", refuse)
    monkeypatch.setattr(lexicon_module.Lexicon, "_read_counts", refuse)
    import symspellpy

    monkeypatch.setattr(symspellpy.SymSpell, "load_dictionary", refuse)
    second = lexicon_module.Lexicon()
    assert (
        second.near_words("teh"),
        second.known_misspelling("occured"),
        second.is_loanword("ancien"),
        second.is_loanword("aparthied"),
    ) == expected


def test_loanword_shortcut_agrees_with_wordfreq() -> None:
    """The loanword test looks a word up in another language's whole list only when each of its
    tokens is among that language's common words; otherwise it cannot reach Zipf 4.0 there."""
    import wordfreq

    lex = lexicon_module.get_lexicon()
    rnd = random.Random(7)
    words = rnd.sample(sorted(lex.counts), 400)
    words += ["ancien", "regime", "fiesta", "zeitgeist", "pasta", "l'eau", "eau-de-vie", "deja", "2020", "aparthied", "qzx"]
    for word in words:
        for lang in lexicon_module._FOREIGN_LANGS:
            assert (lex._zipf_abroad(word, lang) >= 4.0) == (wordfreq.zipf_frequency(word, lang) >= 4.0), (word, lang)


def test_loanwords_never_load_a_whole_foreign_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-token word common abroad takes its frequency from the cached common words: looking up
    `x` once loaded four languages' whole lists (160 MB) into every run."""
    import wordfreq

    lex = lexicon_module.get_lexicon()
    lex.is_loanword("ancien")  # the common words, from the cache or built now

    english = wordfreq.get_frequency_dict

    def english_only(lang: str, *args: object, **kwargs: object) -> object:
        assert lang == "en", f"the whole {lang} word list loaded"
        return english(lang, *args, **kwargs)

    monkeypatch.setattr(wordfreq, "get_frequency_dict", english_only)
    lexicon_module.Lexicon.zipf.cache_clear()
    for word in ("x", "de", "bon", "pasta", "ancien", "nori", "machina", "regime"):
        for lang in lexicon_module._FOREIGN_LANGS:
            lex._zipf_abroad(word, lang)
        lex.is_loanword(word)
    lexicon_module.Lexicon.zipf.cache_clear()


def test_harper_known_in_batches_matches_one_lint(monkeypatch: pytest.MonkeyPatch) -> None:
    words = {"labor", "analyzing", "aparthied", "Vaush", "colour", "exoplanet", "teh", "Marikana", "kolkhozes", "the", "recieve"}
    whole = lexicon_module.Lexicon.__new__(lexicon_module.Lexicon)
    whole._harper_cache, whole._harper_doubts = {}, {}
    expected = lexicon_module.Lexicon.harper_known(whole, words)
    expected_strict = lexicon_module.Lexicon.harper_known(whole, words, strict=True)
    monkeypatch.setattr(lexicon_module, "HARPER_BATCH", 3)
    batched = lexicon_module.Lexicon.__new__(lexicon_module.Lexicon)
    batched._harper_cache, batched._harper_doubts = {}, {}
    assert lexicon_module.Lexicon.harper_known(batched, words) == expected
    assert lexicon_module.Lexicon.harper_known(batched, words, strict=True) == expected_strict
    assert "labor" in expected and "aparthied" not in expected


# ----- positions, in O(log n) -------------------------------------------------------------------


def test_line_col_matches_counting_from_the_start() -> None:
    rnd = random.Random(3)
    source = "".join(rnd.choice("ab \n\n\u00e9") for _ in range(3000))
    doc = Document(source=source, tokens=(), input_words=())
    offsets = [0, 1, len(source), len(source) - 1, *(rnd.randrange(len(source) + 1) for _ in range(500))]
    offsets += [k for k, ch in enumerate(source) if ch == "\n"][:50]
    for offset in offsets:
        line = source.count("\n", 0, offset) + 1
        col = offset - (source.rfind("\n", 0, offset) + 1) + 1
        assert doc.line_col(offset) == (line, col), offset


def test_first_token_from_matches_a_scan() -> None:
    rnd = random.Random(4)
    tokens = []
    for k in range(400):
        if rnd.random() < 0.1:
            tokens.append(Token("\u2014"))  # inserted: no source
        else:
            start = k * 5 + rnd.choice([0, 0, 0, -30])  # mostly in order, now and then out of it
            tokens.append(Token("word", src=((max(0, start), max(0, start) + 4),)))
    doc = Document(source="x" * 3000, tokens=tuple(tokens), input_words=())
    for offset in [0, 1, 2999, 3000, 5000, *(rnd.randrange(2100) for _ in range(300))]:
        naive = next((k for k, t in enumerate(tokens) if t.src and t.src[0][0] >= offset), len(tokens))
        assert doc.first_token_from(offset) == naive, offset


def test_note_word_index_matches_a_scan(seed_doc: Document) -> None:
    from cleanup.model import words_of

    for offset in [0, 100, 5000, 20000, len(seed_doc.source)]:
        count = 0
        for tok in seed_doc.tokens:
            if tok.src and tok.src[0][0] >= offset:
                break
            count += len(words_of(tok.text))
        assert note_word_index(seed_doc, offset) == count


@pytest.fixture(scope="module")
def seed_doc() -> Document:
    return read_text(SEED.read_text(encoding="utf-8"))


# ----- token edits in one pass -------------------------------------------------------------------


def test_delete_tokens_equals_deleting_one_by_one() -> None:
    rnd = random.Random(5)
    for _ in range(300):
        n = rnd.randint(1, 12)
        tokens = [
            Token(
                f"w{k}", boundary=rnd.choice(["", "", "line", "bare"]), sentence_end=rnd.random() < 0.3, paragraph_start=rnd.random() < 0.2
            )
            for k in range(n)
        ]
        gone = set(rnd.sample(range(n), rnd.randint(0, n)))
        one_by_one = list(tokens)
        for k in sorted(gone, reverse=True):
            delete_token(one_by_one, k)
        batch = list(tokens)
        delete_tokens(batch, gone)
        assert batch == one_by_one


# ----- paragraphs: peaks and breaks --------------------------------------------------------------


def _naive_depths(sims: list[float]) -> list[float]:
    depths = []
    for g, s in enumerate(sims):
        lpeak = s
        for k in range(g - 1, -1, -1):
            if sims[k] < lpeak:
                break
            lpeak = sims[k]
        rpeak = s
        for k in range(g + 1, len(sims)):
            if sims[k] < rpeak:
                break
            rpeak = sims[k]
        depths.append((lpeak - s) + (rpeak - s))
    return depths


def _naive_breaks(depths: list[float], max_len: int, allowed: set[int] | None = None) -> list[int]:
    """choose_breaks as first written: every step re-sorts or rescans what was chosen."""
    n = len(depths) + 1
    if n <= 1:
        return []
    ok = [d for g, d in enumerate(depths) if allowed is None or g + 1 in allowed] or [0.0]
    mean = sum(ok) / len(ok)
    std = math.sqrt(sum((d - mean) ** 2 for d in ok) / len(ok))
    cutoff = mean - std / 2
    depths = [d if allowed is None or g + 1 in allowed else -1.0 for g, d in enumerate(depths)]
    chosen: set[int] = set()
    for g in sorted(range(len(depths)), key=lambda g: (-depths[g], g)):
        if depths[g] <= cutoff or depths[g] <= 0:
            break
        start = g + 1
        bounds = sorted(chosen | {0, n})
        lo = max(b for b in bounds if b < start)
        hi = min(b for b in bounds if b > start)
        if start - lo >= 2 and hi - start >= 2:
            chosen.add(start)
    changed = True
    while changed:
        changed = False
        for lo, hi in pairwise(sorted(chosen | {0, n})):
            if hi - lo > max_len:
                best = max(range(lo + 2, hi - 1), key=lambda s: (depths[s - 1], -abs((lo + hi) / 2 - s)))
                chosen.add(best)
                changed = True
                break
    return sorted(chosen)


def test_gap_depths_match_climbing_from_every_gap() -> None:
    rnd = random.Random(6)
    for _ in range(500):  # plateaus and ties, where the climb used to run far
        sims = [rnd.choice([0.0, 0.0, 0.1, 0.25, 0.5, 0.5, 1.0]) for _ in range(rnd.randint(0, 40))]
        assert depths_of(sims) == _naive_depths(sims)
    bags = [Counter(rnd.sample("abcdefgh", rnd.randint(0, 3))) for _ in range(60)]
    assert len(gap_depths(bags)) == 59


def test_choose_breaks_matches_the_rescanning_version() -> None:
    rnd = random.Random(8)
    for _ in range(400):
        n = rnd.randint(0, 70)
        depths = [rnd.choice([0.0, 0.0, 0.0, 0.2, 0.5, 0.5, 0.9, 1.3]) for _ in range(n)]
        allowed = None if rnd.random() < 0.5 else {k for k in range(1, n + 1) if rnd.random() < 0.7}
        max_len = rnd.choice([4, 5, 8])
        assert choose_breaks(depths, max_len, allowed) == _naive_breaks(depths, max_len, allowed), (depths, max_len, allowed)


# ----- subtitles -------------------------------------------------------------------------------


def _emphasised(times: int) -> Document:
    cues = [
        "The *first* idea is *simple|and it runs* on",
        "over *two lines of the same|cue* and ends.~",
        "Then *one more~",
        "word* closes it",
    ]
    return read_text(caption(*(cues * times)))


def test_emphasis_state_is_read_once_per_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether emphasis is open before a cue used to be found by re-reading every token before it:
    calls grew with the square of the input. Now each token is read a fixed number of times."""
    counts = []
    real = segment_module._emphasis_state
    for times in (1, 4):
        calls = [0]

        def counting(word: str, opened: bool, calls: list[int] = calls) -> bool:
            calls[0] += 1
            return real(word, opened)

        monkeypatch.setattr(segment_module, "_emphasis_state", counting)
        doc = _emphasised(times)
        cues = segment_module.segment(doc, SubtitleRules(), [300.0] * len(doc.tokens))
        counts.append((calls[0], len(doc.tokens), cues))
    (small, n1, cues1), (large, n4, cues4) = counts
    assert n4 == 4 * n1
    assert small <= 3 * n1 and large <= 3 * n4  # linear: a few reads a token, whatever the length
    assert any("<i>" in line for cue in cues1 for line in cue.lines)
    assert any("<i>" in line for cue in cues4 for line in cue.lines)


def test_italicise_with_known_state_matches_reading_back() -> None:
    doc = _emphasised(3)
    opened = segment_module.emphasis_before(doc.tokens)
    for cue in segment_module.segment(doc, SubtitleRules(), [300.0] * len(doc.tokens)):
        plain = tuple(" ".join(t.text for t in doc.tokens[a:b]) for a, b in pairwise([cue.first, cue.last]))
        assert segment_module.italicise(doc.tokens, cue.first, cue.last, plain) == segment_module.italicise(
            doc.tokens, cue.first, cue.last, plain, opened[cue.first]
        )


def test_each_gap_is_weighed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = [0]
    real = segment_module.break_penalty

    def counting(prev: Token, nxt: Token) -> float:
        calls[0] += 1
        return real(prev, nxt)

    monkeypatch.setattr(segment_module, "break_penalty", counting)
    doc = read_text(SEED.read_text(encoding="utf-8"))
    segment_module.segment(doc, SubtitleRules(), [250.0] * len(doc.tokens))
    assert 0 < calls[0] < len(doc.tokens)


def test_speech_clock_is_the_step_by_step_sum() -> None:
    rnd = random.Random(9)
    for n in (0, 1, 7, 3000):
        sylls = [float(rnd.choice([0, 1, 1, 2, 3, 4.5])) for _ in range(n)]
        pauses = [rnd.choice([0.0, 0.0, 150.0, 250.0, 450.0, 900.0]) for _ in range(n)]
        for wpm in (40.0, 155.0, 233.33, 400.0):
            speech = _speech(sylls, pauses, max(1, n), wpm)
            total = max(1, n) * 60000.0 / wpm
            per_syll = max(total - sum(pauses), total * 0.5) / (sum(sylls) or 1.0)
            starts, ends, t = [], [], 0.0
            for k in range(n):
                starts.append(t)
                t += sylls[k] * per_syll if sylls[k] else 120.0
                ends.append(t)
                t += pauses[k]
            assert speech.starts == tuple(starts) and speech.ends == tuple(ends)


# ----- Harper, window by window --------------------------------------------------------------------


def test_windows_cut_only_between_plain_sentences_outside_quotes() -> None:
    text = 'It was the end. Then "a quote. With two sentences." After that came more. Mr. Smith left. The end.'
    cuts = [end for _, end in windows(text, every=1)[:-1]]
    assert cuts, "no cut found"
    for cut in cuts:
        assert text[cut] == " " and text[cut - 1] in ".?!" and text[cut + 1].isupper()
        assert (text[:cut].count('"') + text[:cut].count("\u201c") + text[:cut].count("\u201d")) % 2 == 0
        assert text[:cut].split()[-1] not in ("Mr.",)
    url = "See https://example.com now. Then go there. More here."
    assert windows(url, every=1) == [(0, len(url))]  # not plain prose: linted whole


def test_windowed_lint_finds_what_one_lint_finds(harper_engine: HarperEngine) -> None:
    """Linted window by window (the smallest windows: a cut at every safe sentence end), the seed and
    an eval passage give exactly the findings of one lint of the whole text."""
    from cleanup.clean import pipeline
    from cleanup.clean.base import Context
    from cleanup.clean.grammar import _render

    for text in (
        SEED.read_text(encoding="utf-8"),
        caption("It was the the end. Its true that he came.", "Then they're house was sold. It's what keeps us going."),
    ):
        doc = read_text(text)
        for name, stage in pipeline.STAGES:
            if name == "grammar":
                break
            doc, _, _ = stage(doc, Context(engine=harper_engine))
        rendered, _ = _render(list(doc.tokens))
        whole = sorted(harper_engine._lint(rendered), key=lambda i: (i.start, i.end, i.rule))
        engine = HarperEngine()
        engine.window_cuts = 1
        assert len(windows(rendered, 1)) > 1
        assert engine.check(rendered) == whole


def test_a_second_check_lints_only_the_changed_windows(harper_engine: HarperEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    text = " ".join(f"Sentence number {k} is here and it is fine." for k in range(60))
    engine = HarperEngine()
    linted: list[str] = []
    real = engine._lint

    def counting(part: str) -> list[object]:
        linted.append(part)
        return real(part)  # type: ignore[return-value]

    monkeypatch.setattr(engine, "_lint", counting)
    first = engine.check(text)
    n_windows = len(windows(text, engine.window_cuts))
    assert n_windows > 2 and len(linted) == n_windows
    changed = text.replace("number 30 is", "number 30 is is")
    engine.check(changed)
    assert len(linted) == n_windows + 1  # one window changed, one lint
    assert engine.check(text) == first


def test_cache_dir_mode_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    cache.store("entry", ("k",), {"a": 1})
    assert stat.S_IMODE(os.stat(tmp_path / "x" / "cleanup").st_mode) == 0o700


def test_a_cache_file_others_may_write_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    calls: list[int] = []
    cache.cached("entry", ("k",), _builder(calls, {"v": 1}), _is_dict)
    (tmp_path / "cleanup" / "entry.cache").chmod(0o666)
    assert cache.load("entry", ("k",)) is None
    assert cache.cached("entry", ("k",), _builder(calls, {"v": 2}), _is_dict) == {"v": 2} and calls == [1, 1]
    assert stat.S_IMODE(os.stat(tmp_path / "cleanup" / "entry.cache").st_mode) == 0o600  # replaced by a private file
