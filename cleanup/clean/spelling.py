"""Plain misspellings: non-words, run-together words, mis-capitalised words.

Precision before recall. A word is only ever changed when it is not a word (not in the
dictionary, not a derivation or compound of dictionary words, not a user word, not a loanword),
it is not protected (a name: capitalised inside a sentence or all capitals; a word inside a
quotation or a citation), and one correction is clearly best. Everything else that looks wrong
is flagged with its suggestions and left as it is.

Evidence, strongest first:
1. codespell's list of common misspellings (``occured`` → occurred), applied when it gives one
   correction, or when the scorer below picks the same one of several.
2. A noisy-channel score for every dictionary word within two edits, and for words that occur
   elsewhere in the same document: log frequency, minus a weighted typing-slip distance, plus a
   bonus when the candidate sounds the same (Metaphone). The best must beat the word itself and
   the runner-up by clear margins.
3. Run-together words: a split into two common dictionary words when no single word fits.
4. Mis-capitalisation such as ``HIghest``: two capitals then lower case, where the word in
   ordinary case is a dictionary word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from cleanup.clean.base import Context, StageResult, change_for, quoted_mask, split_token
from cleanup.clean.lexicon import PREFIXES, WORDISH, Lexicon, get_lexicon, typo_cost
from cleanup.model import Change, Document, Flag, Token, core_span

STAGE = "spelling"
FREQ_CAP = 6.0
EDIT_WEIGHT = 2.5
SOUNDS_ALIKE_BONUS = 1.0
SAME_ENDING_BONUS = 0.5
# A misspelling usually keeps its word's grammatical ending: "steadly" is an adverb, "survied" a past tense.
ENDINGS = ("ly", "ed", "ing", "tion", "sion", "ness", "ment", "ful", "ous", "ive", "ity", "ism", "ist")
NON_WORD_DISCOUNT = 0.5
MIN_GAIN = 0.5
MIN_MARGIN = 0.6
MAX_COST = 1.6
SPLIT_MIN_ZIPF = 3.5
SPLIT_PENALTY = 0.5
DOC_WORD_FLOOR = 3.0
_MISCAPS = re.compile(r"^[A-Z]{2}[a-z]+$")


@dataclass(frozen=True)
class Candidate:
    text: str
    score: float
    cost: float
    source: str


def _match_case(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _channel_score(lex: Lexicon, word: str, cand: str, cost: float, freq: float) -> float:
    """The noisy-channel score of one single-word correction: frequency, minus the typing slips,
    plus the bonuses for sounding alike and keeping the word's ending."""
    score = freq - EDIT_WEIGHT * cost + (SOUNDS_ALIKE_BONUS if lex.sounds_alike(word, cand) else 0.0)
    if any(word.endswith(e) and cand.endswith(e) for e in ENDINGS):
        score += SAME_ENDING_BONUS
    return score


def _split_score(lex: Lexicon, parts: list[str]) -> float:
    return min(min(lex.zipf(p) for p in parts), FREQ_CAP) - SPLIT_PENALTY


class DocWords(frozenset[str]):
    """The document's own words (a frozenset), indexed by first letter and length, so that the
    candidates near a word are found without reading them all."""

    _index: dict[tuple[str, int], list[str]]

    def near(self, word: str) -> set[str]:
        """The words with the same first letter as ``word`` and a length within two of its."""
        if not hasattr(self, "_index"):
            index: dict[tuple[str, int], list[str]] = {}
            for w in self:
                index.setdefault((w[:1], len(w)), []).append(w)
            self._index = index
        first = word[:1]
        return {w for n in range(len(word) - 2, len(word) + 3) for w in self._index.get((first, n), ())}


def rank_candidates(lex: Lexicon, word: str, doc_words: frozenset[str]) -> list[Candidate]:
    """Single-word corrections for a lower-case non-word, best first."""
    pool = set(lex.near_words(word))
    if isinstance(doc_words, DocWords):
        pool |= doc_words.near(word)
    else:
        pool |= {w for w in doc_words if abs(len(w) - len(word)) <= 2 and w[:1] == word[:1]}
    out = []
    for cand in pool:
        if cand == word or "'" in cand:
            continue
        cost = typo_cost(word, cand)
        if cost > 2.0:
            continue
        freq = min(FREQ_CAP, lex.zipf(cand))
        source = "dictionary"
        if cand in doc_words and not lex.in_dictionary(cand):
            freq = max(freq, DOC_WORD_FLOOR)
            source = "document"
        out.append(Candidate(cand, round(_channel_score(lex, word, cand, cost, freq), 3), cost, source))
    out.sort(key=lambda c: (-c.score, c.cost, c.text))
    return out


SHORT_WORDS = {
    "a",
    "i",
    "an",
    "as",
    "at",
    "be",
    "by",
    "do",
    "go",
    "he",
    "if",
    "in",
    "is",
    "it",
    "me",
    "my",
    "no",
    "of",
    "on",
    "or",
    "so",
    "to",
    "up",
    "us",
    "we",
}


def _split_part_ok(part: str) -> bool:
    return len(part) >= 3 or part in SHORT_WORDS


def best_split(lex: Lexicon, word: str) -> Candidate | None:
    best: Candidate | None = None
    for k in range(1, len(word)):
        a, b = word[:k], word[k:]
        if not (_split_part_ok(a) and _split_part_ok(b)):
            continue
        if not (lex.in_dictionary(a) and lex.in_dictionary(b)):
            continue
        if min(lex.zipf(a), lex.zipf(b)) < SPLIT_MIN_ZIPF:
            continue
        score = _split_score(lex, [a, b])
        if best is None or score > best.score:
            best = Candidate(f"{a} {b}", round(score, 3), 1.0, "split")
    return best


def _option_score(lex: Lexicon, word: str, option: str) -> float:
    parts = option.split()
    if len(parts) > 1:
        return _split_score(lex, parts)
    return _channel_score(lex, word, option, typo_cost(word, option), min(FREQ_CAP, lex.zipf(option)))


@dataclass(frozen=True)
class Verdict:
    fix: str | None
    suggestions: tuple[str, ...]
    reason: str
    confidence: float


def judge(lex: Lexicon, word: str, doc_words: frozenset[str], strict: bool = False) -> Verdict:
    """Decide about one lower-case non-word: a fix, or only suggestions."""
    own = lex.zipf(word) - NON_WORD_DISCOUNT
    gain_needed = MIN_GAIN + (1.0 if strict else 0.0)
    ranked = rank_candidates(lex, word, doc_words)
    split = best_split(lex, word)
    known = lex.known_misspelling(word)
    suggestions = tuple(dict.fromkeys([c.text for c in ranked[:3]] + ([split.text] if split else [])))[:4]

    if known and not strict:
        options = [o.lower() for o in known]
        if len(options) == 1:
            return Verdict(options[0], (options[0],), "a common misspelling (codespell's list)", 0.95)
        scored = sorted(((_option_score(lex, word, o), o) for o in options), reverse=True)
        if scored[0][0] - scored[1][0] >= MIN_MARGIN:
            return Verdict(scored[0][1], tuple(options), "a common misspelling (codespell's list); the likeliest of its corrections", 0.9)
    if ranked:
        best = ranked[0]
        second = ranked[1].score if len(ranked) > 1 else -99.0
        if best.score - own >= gain_needed and best.score - second >= MIN_MARGIN and best.cost <= MAX_COST:
            reason = f"not a word; '{best.text}' is {best.cost:g} typing slips away and clearly the likeliest ({best.source})"
            return Verdict(best.text, suggestions, reason, 0.8)
        if best.score - own >= gain_needed and best.cost <= MAX_COST:
            return Verdict(None, suggestions, "not a word; no single correction is clearly best", 0.4)
    if split and split.score - own >= gain_needed and (not ranked or split.score > ranked[0].score):
        return Verdict(split.text, suggestions, "two words run together", 0.85)
    return Verdict(None, suggestions, "not in the dictionary; no confident correction (a name or a rare word?)", 0.2)


def _fix_compound(lex: Lexicon, core: str, doc_words: frozenset[str]) -> tuple[str, str] | None:
    """A hyphenated compound with exactly one misspelt part, confidently fixed."""
    parts = core.split("-")
    bad = [k for k, p in enumerate(parts) if p and not (p.lower() in PREFIXES or lex.is_word(p))]
    if len(bad) != 1 or not parts[bad[0]].islower():
        return None
    verdict = judge(lex, parts[bad[0]], doc_words, strict=True)  # "de-facto" is not "de-fact"
    if verdict.fix is None or " " in verdict.fix:
        return None
    parts[bad[0]] = verdict.fix
    return "-".join(parts), f"a misspelt part of a compound: {verdict.reason}"


def spelling(doc: Document, ctx: Context) -> StageResult:
    lex = get_lexicon()
    tokens = list(doc.tokens)
    changes: list[Change] = []
    flags: list[Flag] = []
    quoted = quoted_mask(tokens)
    starts = {0} | {i + 1 for i, t in enumerate(tokens) if t.sentence_end}
    cores = [t.core for t in tokens]
    mid_caps = {c for i, c in enumerate(cores) if i not in starts and c[:1].isupper()}
    doc_words = DocWords(c.lower() for c in cores if WORDISH.match(c) and c.islower() and lex.is_word(c) and not lex.in_dictionary(c))
    verdicts: dict[tuple[str, bool], Verdict] = {}
    compounds: dict[str, tuple[str, str] | None] = {}

    def judged(word: str, strict: bool) -> Verdict:
        """``judge``, once per word (a misspelling is often repeated)."""
        key = (word, strict)
        if key not in verdicts:
            verdicts[key] = judge(lex, word, doc_words, strict)
        return verdicts[key]

    unknown = {c for c in cores if c and WORDISH.match(c) and not lex.is_word(c)}
    second_opinion = lex.harper_known(unknown)
    # A speech recogniser makes no typing slips: a word it wrote that no dictionary knows is a name
    # or a rare word in lower case ("mordehai", "kiloparsecs"), so it is only ever flagged. Subtitle
    # files are a recogniser's output or a subtitler's proofread work: in them too, flagged only.
    machine = doc.fmt in ("youtube", "srt", "webvtt", "show-transcript") or doc.meta.get("captions") == "machine"
    out: list[Token] = []
    for i, tok in enumerate(tokens):
        core = cores[i]
        if not core or not WORDISH.match(core) or core.lower() in ctx.protected or len(core) < 3:
            out.append(tok)
            continue
        # 4. mis-capitalised word
        if (
            _MISCAPS.match(core)
            and lex.in_dictionary(core.lower())
            and (len(core) > 3 or (lex.zipf(core.lower()) >= 5 and not core.endswith("s")))
        ):
            fixed = core[0] + core[1:].lower()
            new = tok.with_core(fixed)
            changes.append(change_for(tok, "spelling", new.text, "mis-capitalised: a capital inside the word", STAGE, 0.9))
            out.append(new)
            continue
        if core not in unknown or core in second_opinion:
            out.append(tok)
            continue
        capitalised = core[:1].isupper()
        if core.isupper() or any(ch.isupper() for ch in core[1:]):
            out.append(tok)  # an acronym or a brand: not ours to judge
            continue
        if capitalised and (i not in starts or core in mid_caps):
            out.append(tok)  # a name
            continue
        if "-" in core or "'" in core or "\u2019" in core:
            if "-" in core and not quoted[i]:
                if core not in compounds:
                    compounds[core] = _fix_compound(lex, core, doc_words)
                fixed_compound = compounds[core]
            else:
                fixed_compound = None
            if fixed_compound is None:
                bad = [p for p in re.split(r"[-'\u2019]", core) if p and not lex.is_word(p)]
                flags.append(Flag("spelling", core, (), core_span(tok), f"unknown part(s) {', '.join(bad)} in a compound", STAGE, 0.2))
                out.append(tok)
            else:
                new = tok.with_core(fixed_compound[0])
                changes.append(change_for(tok, "spelling", new.text, fixed_compound[1], STAGE, 0.8))
                out.append(new)
            continue
        low = core.lower()
        verdict = judged(low, capitalised)
        if verdict.fix is not None and lex.is_loanword(low):
            verdict = Verdict(None, verdict.suggestions, "not English, but common in another language: a loanword?", 0.2)
        if verdict.fix is None or quoted[i] or machine:
            reason = verdict.reason
            if verdict.fix is not None:
                why = (
                    "subtitles or machine captions, where a non-word is a name more often than a slip"
                    if machine
                    else "inside a quotation or citation"
                )
                reason = f"{why}: {reason}"
            flags.append(
                Flag(
                    "spelling",
                    core,
                    tuple(_match_case(core, s) for s in verdict.suggestions),
                    core_span(tok),
                    reason,
                    STAGE,
                    verdict.confidence,
                )
            )
            out.append(tok)
            continue
        fixed = _match_case(core, verdict.fix)
        new_text = tok.with_core(fixed).text
        kind = "split" if " " in fixed else "spelling"
        changes.append(change_for(tok, kind, new_text, verdict.reason, STAGE, verdict.confidence))
        if " " in fixed:
            lead = tok.text[: tok.text.find(core)]
            trail = tok.text[tok.text.find(core) + len(core) :]
            parts = fixed.split(" ")
            pieces = [lead + parts[0], *parts[1:-1], parts[-1] + trail]
            out.extend(split_token(tok, pieces))
        else:
            out.append(replace(tok, text=new_text))
    return doc.with_tokens(out), changes, flags
