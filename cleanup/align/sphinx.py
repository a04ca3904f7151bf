"""Windowed word alignment with PocketSphinx 5.1.1 (see ../shared/notes/aligners.md).

The whole-utterance alignment grows superlinearly with the audio, so the text is aligned in windows
(90 s: a 60 s window decodes a third of the audio twice, a 90 s one a sixth, at the same accuracy).
Each window's grammar (an FSG) is the next words in order, with

- an exit after every word, so that the window may end anywhere;
- at every sentence start (or every 12 words of unpunctuated text), a skip to the next one, so that
  a sentence the narrator left out is not squeezed into the audio but left unplaced, and a detour
  through a loop of single phones, so that speech the text lacks (an added sentence, a retake,
  music) is absorbed there instead of stretching the words around it.

The words that end before 85 % of the window are kept, back to the last sentence start, and the next
window starts where the last kept word ends. Time and memory are linear in the audio.
"""

from __future__ import annotations

import importlib
import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cleanup.align import audio as au
from cleanup.align.pronounce import ARPABET_VOWELS, normalise, pronunciations

FILLERS = frozenset({"<s>", "</s>", "<sil>", "[NOISE]", "[SPEECH]", "(NULL)"})
_ALT = re.compile(r"\(\d+\)$")
_SENTENCE_END = re.compile(r"[.?!…][\"'”’)\]]*$")
_CLAUSE_END = re.compile(r"[,;:—–][\"'”’)\]]*$")


# The phone loop that stands for speech the text lacks. '#' never survives normalise(): no clash with a text word.
ALL_PHONES = tuple("AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH".split())


@dataclass(frozen=True)
class Params:
    window: int = 9000  # frames (90 s)
    keep: float = 0.85  # keep words ending before this fraction of a window ...
    keep_at_least: float = 0.4  # ... back to the last sentence start, if that is after this fraction
    tail: int = 300  # frames at a window's end too close to the cut to judge the words in them
    max_words: int = 500  # most words in one window's grammar (90 s of very fast speech)
    exit_prob: float = 0.5  # the grammar's way out after any word
    skip_prob: float = 1e-6  # skipping a whole sentence (text not in the audio)
    beam: float = 1e-48
    wbeam: float = 7e-29
    pbeam: float = 1e-48
    garbage_enter: float = 1e-3  # leaving the text for speech it does not have (at a sentence start)
    garbage_phones: tuple[str, ...] = ALL_PHONES
    garbage_phone: float = 1e-12  # each phone of that speech (a phone loop is always locally better than
    # the text: a cheaper phone lets it win the beam and swallow well-read sentences)
    topn: int = 2  # Gaussians a frame (the default 4 is 15 % slower, no more accurate here)
    pad: int = 30  # frames of silence after each window's audio, so that the grammar can end cleanly
    fillprob: float = 1e-8
    silprob: float = 0.005


@dataclass
class Hit:
    """A word the decoder placed: frames [start, end), and its acoustic cost in nats (the negative log
    likelihood relative to the best senone the search had active in each frame: 0 is a perfect match)."""

    start: int
    end: int
    cost: float


@dataclass
class Prepared:
    words: list[str]
    keys: list[str]
    phones: list[int]  # phones in the shortest pronunciation (0: nothing to say)
    syllables: list[int]
    boundary: list[bool]  # a sentence start (or a place like one): skips and detours start here
    unknown: list[str] = field(default_factory=list)  # keys pronounced by espeak-ng


_DECODERS: dict[tuple[Any, ...], Any] = {}
_CMN: dict[int, str] = {}  # each decoder's initial cepstral mean: every alignment starts from it


def decoder(params: Params) -> Any:
    """One decoder per process and setting (loading the model and the 135,000-word dictionary takes a moment)."""
    key = (params.beam, params.wbeam, params.pbeam, params.fillprob, params.silprob, params.topn, params.garbage_phones)
    dec = _DECODERS.get(key)
    if dec is None:
        # imported here, and untyped: an optional dependency that mypy may not find installed
        pocketsphinx: Any = importlib.import_module("pocketsphinx")
        dec = pocketsphinx.Decoder(
            lm=None,
            bestpath=False,
            loglevel="FATAL",
            beam=params.beam,
            wbeam=params.wbeam,
            pbeam=params.pbeam,
            fillprob=params.fillprob,
            silprob=params.silprob,
            topn=params.topn,
        )
        add_garbage(dec, params.garbage_phones)
        _CMN[id(dec)] = dec.get_cmn()
        _DECODERS[key] = dec
    return dec


def prepare(words: list[str], dec: Any) -> Prepared:
    keys = [normalise(w) for w in words]

    def lookup(key: str) -> list[str] | None:
        found = dec.lookup_word(key)
        return str(found).split() if found else None

    prons = pronunciations(keys, lookup)
    added: list[tuple[str, str]] = []
    for key, alts in prons.items():
        if not alts or not alts[0] or dec.lookup_word(key) is not None:
            continue
        for i, alt in enumerate(alts):
            added.append((key if i == 0 else f"{key}({i + 1})", " ".join(alt)))
    for i, (name, said) in enumerate(added):
        dec.add_word(name, said, i == len(added) - 1)

    phones: list[int] = []
    syll: list[int] = []
    cache: dict[str, tuple[int, int]] = {}
    for key in keys:
        if key not in cache:
            variants = _variants(dec, key)
            if variants:
                shortest = min(variants, key=len)
                cache[key] = (len(shortest), max(1, sum(1 for p in shortest if p in ARPABET_VOWELS)))
            else:
                cache[key] = (0, 0)
        n, s = cache[key]
        phones.append(n)
        syll.append(s)
    unknown = [k for k, alts in prons.items() if alts and alts[0]]
    return Prepared(words, keys, phones, syll, boundaries(words), unknown)


def boundaries(words: list[str], longest: int = 20, step: int = 12) -> list[bool]:
    """Where the grammar may skip ahead or take a detour: sentence starts, and in a run of more than
    `longest` words without one (text without punctuation, as speech-to-text gives), clause starts
    or every `step` words."""
    starts = [True] + [bool(_SENTENCE_END.search(w)) for w in words[:-1]]
    clause = [False] + [bool(_CLAUSE_END.search(w)) for w in words[:-1]]
    out = list(starts)
    i = 0
    n = len(words)
    while i < n:
        j = i + 1
        while j < n and not starts[j]:
            j += 1
        if j - i > longest:
            last = i
            for k in range(i + 1, j):
                if (clause[k] and k - last >= 4 and j - k >= 4) or k - last >= step:
                    out[k] = True
                    last = k
        i = j
    return out


def _variants(dec: Any, key: str) -> list[list[str]]:
    out: list[list[str]] = []
    if not key:
        return out
    name = key
    i = 1
    while True:
        found = dec.lookup_word(name)
        if not found:
            break
        out.append(str(found).split())
        i += 1
        name = f"{key}({i})"
    return out


def garbage_word(phone: str) -> str:
    return f"#g_{phone.lower()}"


def add_garbage(dec: Any, phones: tuple[str, ...]) -> None:
    todo = [p for p in phones if dec.lookup_word(garbage_word(p)) is None]
    for i, phone in enumerate(todo):
        dec.add_word(garbage_word(phone), phone, i == len(todo) - 1)


def _grammar(prep: Prepared, first: int, params: Params) -> tuple[list[int], list[tuple[Any, ...]]]:
    """The window's words (indices into the text) and its grammar's transitions: state s -> s+1 says
    word s; every state may exit; a sentence start may jump to the next sentence start (skip one),
    or take a detour through a phone loop (speech the text does not have: an added sentence, a retake)."""
    idx: list[int] = []
    j = first
    while j < len(prep.keys) and len(idx) < params.max_words:
        if prep.phones[j]:
            idx.append(j)
        j += 1
    m = len(idx)
    trans: list[tuple[Any, ...]] = [(s, s + 1, 1.0, prep.keys[w]) for s, w in enumerate(idx)]
    trans += [(s, m, params.exit_prob) for s in range(m)]
    if params.skip_prob > 0:
        bounds = [s for s, w in enumerate(idx) if prep.boundary[w]]
        if bounds and bounds[0] != 0:
            bounds.insert(0, 0)
        for a, b in itertools.pairwise(bounds):
            trans.append((a, b, params.skip_prob))
    if params.garbage_enter > 0:
        bounds = [s for s, w in enumerate(idx) if prep.boundary[w]]
        extra = m + 1
        for a in bounds:
            g = extra
            extra += 1
            trans.append((a, g, params.garbage_enter))
            trans += [(g, g, params.garbage_phone, garbage_word(p)) for p in params.garbage_phones]
            trans.append((g, a, 1.0))
    return idx, trans


def _match(prep: Prepared, idx: list[int], decoded: list[tuple[str, int, int, float]]) -> list[tuple[int, Hit]]:
    """The decoded words in order -> (text index, hit).

    The grammar only allows the window's words in order, whole segments (boundary to boundary)
    skipped, and an exit anywhere: the decoded words are some of the segments, the last perhaps cut
    short. Which segments is found from the back (a small table: segments x decoded words), taking a
    segment rather than skipping it whenever both explain the words."""
    n, m = len(idx), len(decoded)
    if not m:
        return []
    seg_starts = [s for s in range(n) if s == 0 or prep.boundary[idx[s]]]
    segs = [(a, b) for a, b in zip(seg_starts, [*seg_starts[1:], n], strict=True)]
    words = [prep.keys[i] for i in idx]
    said = [d[0] for d in decoded]
    # ok[s][p]: segments s.. can produce said[p:]
    ok = [[False] * (m + 1) for _ in range(len(segs) + 1)]
    for s in range(len(segs), -1, -1):
        ok[s][m] = True
        if s == len(segs):
            continue
        a, b = segs[s]
        for p in range(m - 1, -1, -1):
            size = b - a
            if said[p : p + size] == words[a:b] and ok[s + 1][p + size]:
                ok[s][p] = True
            elif p + size > m and said[p:] == words[a : a + m - p]:
                ok[s][p] = True  # the window ended inside this segment
            elif ok[s + 1][p]:
                ok[s][p] = True
    out: list[tuple[int, Hit]] = []
    if not ok[0][0]:
        # cannot happen with our grammars; keep the longest common prefix rather than guess
        for k, (word, start, end, cost) in enumerate(decoded):
            if k >= n or words[k] != word:
                break
            out.append((idx[k], Hit(start, end, cost)))
        return out
    s, p = 0, 0
    while p < m and s < len(segs):
        a, b = segs[s]
        size = b - a
        if said[p : p + size] == words[a:b] and ok[s + 1][p + size]:
            take = size
        elif p + size > m and said[p:] == words[a : a + m - p]:
            take = m - p
        else:
            s += 1
            continue
        for k in range(take):
            _, start, end, cost = decoded[p + k]
            out.append((idx[a + k], Hit(start, end, cost)))
        p += take
        s += 1
    return out


def align_windows(
    prep: Prepared,
    pcm: bytes,
    params: Params,
    progress: Callable[[float], None] | None = None,
    check: Callable[[int, int], None] | None = None,
) -> tuple[list[Hit | None], int]:
    """Every word's hit (None where no window placed it) and how many windows were decoded.

    After each window, `progress(share of the audio done)` and `check(words placed so far, frames
    done)`, which may raise to stop early."""
    dec = decoder(params)
    dec.set_cmn(_CMN[id(dec)])  # the live mean carries over between utterances: not from another recording
    total = au.frame_count(pcm)
    n = len(prep.keys)
    hits: list[Hit | None] = [None] * n
    placed_so_far = 0
    pos = 0
    first = 0
    windows = 0
    while first < n and pos < total:
        while first < n and not prep.phones[first]:
            first += 1
        if first >= n:
            break
        end = min(total, pos + params.window)
        last = end >= total or total - end < params.window // 4
        if last:
            end = total
        limit = end if last else pos + int((end - pos) * params.keep)
        placed = _window(dec, prep, pcm, pos, end, first, params)
        windows += 1
        kept = [(i, h) for i, h in placed if h.end <= limit]
        if not last:
            # end the window before a sentence start, so that the next one may skip or detour from its first word
            cut = next((k for k in range(len(kept) - 1, 0, -1) if prep.boundary[kept[k][0]]), 0)
            if cut and kept[cut][1].start >= pos + int((end - pos) * params.keep_at_least):
                kept = kept[:cut]
        for i, h in kept:
            hits[i] = h
        placed_so_far += len(kept)
        if check is not None:
            check(placed_so_far, kept[-1][1].end if kept else limit)
        if progress is not None:
            progress(min(1.0, (kept[-1][1].end if kept and not last else limit) / max(1, total)))
        if last:
            break
        if kept:
            first = kept[-1][0] + 1
            pos = kept[-1][1].end
        else:
            pos = limit
    return hits, windows


def _window(dec: Any, prep: Prepared, pcm: bytes, pos: int, end: int, first: int, params: Params) -> list[tuple[int, Hit]]:
    idx, trans = _grammar(prep, first, params)
    return _match(prep, idx, _decode(dec, pcm, pos, end, idx, trans, params.pad))


def _decode(
    dec: Any, pcm: bytes, pos: int, end: int, idx: list[int], trans: list[tuple[Any, ...]], pad: int = 0
) -> list[tuple[str, int, int, float]]:
    m = len(idx)
    fsg = dec.create_fsg("window", start_state=0, final_state=m, transitions=trans)
    dec.add_fsg("window", fsg)
    dec.activate_search("window")
    chunk = au.dither(pcm[pos * au.FRAME_BYTES : end * au.FRAME_BYTES] + bytes(pad * au.FRAME_BYTES))
    dec.start_utt()
    dec.process_raw(chunk, full_utt=True)
    dec.end_utt()
    segs = dec.seg()
    out: list[tuple[str, int, int, float]] = []
    if segs is None:
        return out
    for s in segs:
        word = str(s.word)
        if word in FILLERS or word.startswith("#g_") or int(s.start_frame) >= end - pos:
            continue
        out.append((_ALT.sub("", word), pos + int(s.start_frame), pos + int(s.end_frame) + 1, _cost(s.ascore)))
    return out


def _cost(ascore: float) -> float:
    """The Python API gives exp(acoustic score) with the decoder's internal scaling (2^-10 of nats):
    its negative log is the word's acoustic cost relative to the best senone of each frame (0: perfect)."""
    return -math.log(ascore) * 1024.0 if ascore > 0 else 1e9
