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
import os
import pickle
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cleanup.align import audio as au
from cleanup.align.pronounce import ARPABET_VOWELS, normalise, pronunciations
from cleanup.cores import cores, stop_with_parent

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
    added: list[tuple[str, str]] = field(default_factory=list)  # (dictionary name, phones) given to the decoder

    def part(self, a: int, b: int) -> Prepared:
        """Words [a, b) as a text of their own (word a starts it, as a sentence does)."""
        boundary = self.boundary[a:b]
        if boundary:
            boundary[0] = True
        return Prepared(self.words[a:b], self.keys[a:b], self.phones[a:b], self.syllables[a:b], boundary, [], self.added)


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
    return Prepared(words, keys, phones, syll, boundaries(words), unknown, added)


def teach(dec: Any, prep: Prepared) -> None:
    """Give a decoder (another process's) the pronunciations `prepare` made for this text."""
    missing = [(name, said) for name, said in prep.added if dec.lookup_word(name) is None]
    for i, (name, said) in enumerate(missing):
        dec.add_word(name, said, i == len(missing) - 1)


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
    cmn: str | None = None,
) -> tuple[list[Hit | None], int]:
    """Every word's hit (None where no window placed it) and how many windows were decoded.

    After each window, `progress(share of the audio done)` and `check(words placed so far, frames
    done)`, which may raise to stop early. `cmn`: the cepstral mean to start from (the recording's,
    when the audio given starts in its middle)."""
    dec = decoder(params)
    dec.set_cmn(cmn or _CMN[id(dec)])  # the live mean carries over between utterances: not from another recording
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


SPLIT_MIN_WINDOWS = 4
"""A recording of at least this many windows is aligned as two halves at once, one per core."""
ANCHOR_WORDS = 6
"""The second half starts at a sentence of at least this many words that its probe window placed whole."""


def align_split(
    prep: Prepared,
    pcm: bytes,
    params: Params,
    progress: Callable[[float], None] | None = None,
    check: Callable[[int, int], None] | None = None,
) -> tuple[list[Hit | None], int]:
    """`align_windows`, on two cores when the recording is long: the windows must follow one another
    (each starts where the last kept word ends), so a long recording is cut in two where a sentence
    starts, and the halves are aligned at the same time, the first in another process.

    Where to cut is found, not guessed: the sentence start nearest the middle of the text (by phones)
    is expected at the same share of the audio; a probe window from 30 s before that point, whose
    grammar may skip sentences and absorb speech it does not have, places the text there, and the
    first sentence it places whole (``ANCHOR_WORDS`` words or more, each at a plausible cost) is
    where the second half begins: its first word's start in the audio. When the probe finds none
    (a recording that does not follow the text there), the whole is aligned in one pass."""
    total = au.frame_count(pcm)
    n = len(prep.keys)
    if cores() < 2 or total < SPLIT_MIN_WINDOWS * params.window:
        return align_windows(prep, pcm, params, progress, check)
    anchor = _anchor(prep, pcm, params, total)
    if anchor is None:
        return align_windows(prep, pcm, params, progress, check)
    word, frame, cmn = anchor
    cut = frame * au.FRAME_BYTES
    first_half = prep.part(0, word)
    child = _start_part(first_half, pcm[:cut], params)
    try:

        def second_progress(share: float) -> None:
            if progress is not None:
                progress(min(0.99, share))

        second, windows_b = align_windows(prep.part(word, n), pcm[cut:], params, second_progress, check, cmn)
        part = _finish_part(child)
        first, windows_a = part if part is not None else align_windows(first_half, pcm[:cut], params)
    finally:
        if child is not None and child.poll() is None:
            child.kill()
            child.wait()
    hits: list[Hit | None] = [*first, *(Hit(h.start + frame, h.end + frame, h.cost) if h is not None else None for h in second)]
    if progress is not None:
        progress(1.0)
    return hits, windows_a + windows_b + 1


def _start_part(prep: Prepared, pcm: bytes, params: Params) -> subprocess.Popen[bytes] | None:
    """The first half's alignment in a child interpreter of its own (no fork of this process, no
    re-import of the caller's main module), fed and answered by pickles through pipes."""
    try:
        child = subprocess.Popen(
            [sys.executable, "-c", "from cleanup.align.sphinx import _part_main; _part_main()", str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return None
    assert child.stdin is not None
    try:
        child.stdin.write(pickle.dumps((prep, pcm, params), protocol=pickle.HIGHEST_PROTOCOL))
        child.stdin.close()
    except OSError:
        child.kill()
        child.wait()
        return None
    return child


def _finish_part(child: subprocess.Popen[bytes] | None) -> tuple[list[Hit | None], int] | None:
    """The child's answer, or None when it failed (then the half is aligned here)."""
    if child is None:
        return None
    assert child.stdout is not None
    data = child.stdout.read()
    if child.wait() != 0 or not data:
        return None
    try:
        hits, windows = pickle.loads(data)
    except Exception:  # a broken answer: align that half here
        return None
    return hits, windows


def _part_main() -> None:
    """The child's side of `_start_part` (it stops when its parent is gone, not at its half's end)."""
    stop_with_parent(int(sys.argv[1]))
    prep, pcm, params = pickle.loads(sys.stdin.buffer.read())
    sys.stdout.buffer.write(pickle.dumps(_align_part(prep, pcm, params), protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()


def _align_part(prep: Prepared, pcm: bytes, params: Params) -> tuple[list[Hit | None], int]:
    dec = decoder(params)
    teach(dec, prep)
    return align_windows(prep, pcm, params)


def _anchor(prep: Prepared, pcm: bytes, params: Params, total: int) -> tuple[int, int, str] | None:
    """(word, frame) where the second half begins, and the cepstral mean the probe ended with (the
    voice's there, for the second half to start from), or None (see `align_split`)."""
    n = len(prep.keys)
    cum = list(itertools.accumulate(prep.phones))
    speakable = cum[-1] if cum else 0
    starts = [i for i in range(1, n) if prep.boundary[i] and prep.phones[i]]
    if not speakable or not starts:
        return None
    middle = min(starts, key=lambda i: abs(cum[i - 1] - speakable / 2))
    expected = int(total * cum[middle - 1] / speakable)
    pos = max(0, expected - params.window // 3)
    end = min(total, pos + params.window)
    dec = decoder(params)
    dec.set_cmn(_CMN[id(dec)])
    placed = dict(_window(dec, prep, pcm, pos, end, middle, params))
    cmn = str(dec.get_cmn())
    limit = pos + int((end - pos) * params.keep)
    for i in sorted(placed):
        if not prep.boundary[i] or i == 0:
            continue
        j = i + 1
        while j < n and not prep.boundary[j]:
            j += 1
        sentence = [k for k in range(i, j) if prep.phones[k]]
        hits = [placed.get(k) for k in sentence]
        if len(sentence) < ANCHOR_WORDS or any(h is None for h in hits):
            continue
        sure = [h for h in hits if h is not None]
        if sure[0].start <= pos + 50 or sure[-1].end > limit:
            continue  # at the probe's edges the decoder is least sure
        if any(b.start < a.end for a, b in itertools.pairwise(sure)):
            continue
        per_frame = sorted(h.cost / max(1, h.end - h.start) for h in sure)
        if per_frame[len(per_frame) // 2] > ANCHOR_MAX_COST:
            continue
        return i, sure[0].start, cmn
    return None


ANCHOR_MAX_COST = 4.0
"""The probe's sentence must be placed at a median cost a frame (nats) a read word has: no more than the
cost above which the judge doubts any word."""
