"""High-precision grammar: a short list of safe patterns, applied; everything else, flagged.

Two sources. The engine (Harper in-process, or a LanguageTool server) lints the text; a finding
is applied only when its rule is on the engine's safe list, its span is exactly whole words, and
the guards below agree (``had had`` and ``that that`` are English). This module's own fixed-phrase
patterns catch a wrong word form inside a fixed phrase (``had been accustom to``). Every other
finding goes to ``flagged`` with the engine's suggestions.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import replace

from cleanup.clean.base import Context, StageResult, change_for, code_mask, delete_tokens, in_capitals
from cleanup.clean.lexicon import get_context_model, get_lexicon
from cleanup.clean.spacing import quote_style, to_curly, to_straight
from cleanup.engines import Issue
from cleanup.model import Change, Document, Flag, Token, merge_spans, split_affixes, words_of

STAGE = "grammar"
_BE = r"(?:am|is|are|was|were|be|been|being|get|gets|got|getting|become|became|becoming)"
# (pattern over lower-case words joined by single spaces, index of the word to fix, its fix, why)
FIXED_PHRASES: tuple[tuple[re.Pattern[str], int, str, str], ...] = (
    (re.compile(rf"^{_BE} accustom to$"), 1, "accustomed", "fixed phrase 'accustomed to'"),
    (re.compile(rf"^{_BE} suppose to$"), 1, "supposed", "fixed phrase 'supposed to'"),
    (re.compile(rf"^{_BE} use to$"), 1, "used", "fixed phrase 'used to'"),
    (
        re.compile(r"^(?:could|would|should|must|might) of (?:been|had|gone|done|seen|known|made|taken|got|gotten)$"),
        1,
        "have",
        "'of' for 'have' after a modal verb",
    ),
)
PHRASE_LEN = 3
# Adjectives after which "its" can only be "it's" when a clause boundary follows ("its true that").
IT_IS_PREDICATES = frozenset(
    """true clear obvious possible impossible likely unlikely important hard easy difficult simple fine okay
    ok over done gone boring amazing interesting exciting confusing surprising annoying frustrating fascinating
    shocking disappointing tempting worrying tiring exhausting great funny weird strange normal unfair enough
    necessary essential crucial dangerous safe cheap expensive nice terrible awful incredible ridiculous
    amazing obvious crazy insane sad true""".split()
)
# Words that commonly follow "it is": before one of them "it's" is never the possessive.
IT_IS_FOLLOWERS = frozenset(
    """a an the not no so very too also just really only all most more less still always never quite pretty
    actually probably definitely certainly clearly obviously basically simply almost already about because
    like what how why when where who which that this these those been being going time here there now up
    out in on off over at by for from to with as if than then one two my your his her our their its me you
    him us them i we they he she it""".split()
)
# After "its", these adverbs can only mean "it is" ("Its really good", "its not fair").
IT_IS_ADVERBS = frozenset(
    """not really also always never actually probably definitely certainly clearly obviously basically simply
    almost already been going getting becoming""".split()
)
WORTH_OBJECTS = frozenset("the a an it every all your my our their this that".split())
CLAUSE_WORDS = frozenset("and but or so because that to if when as since though although what how who why where whether".split())
# Words that can never follow the possessive "its": before one of them "it's" is right, and advice
# to write "its" is wrong ("It's what matters", "It's not", "It's also"). Left out on purpose, since
# they can follow the possessive: very, own, only, most, one, every, all, no, being, will, might,
# can, may, must, like, past, near, while, so, as, yet, still, even, now, up, down, on, off, out.
NEVER_AFTER_POSSESSIVE_ITS = frozenset(
    """a an the i you he she we they me him her us them it my your his our their mine yours hers ours
    theirs itself this that these those what who whom whose which where when why how whether of in at
    by for from to with about into onto upon through between among against during without within toward
    towards than and but or nor because although though if unless whereas since is are was were am be
    been has have had do does did would could should shall not also just really already always never
    actually probably definitely certainly clearly obviously basically simply almost too there here""".split()
)
POSSESSIVE_AFTER = frozenset("of at with from into onto during within without upon throughout towards toward about has have had".split())
"""Prepositions (and the verb "have") after which "it's" is the possessive its ("at it's most
vulnerable", "proud of it's history", "the garden has it's bad days"). Not those that are often a
verb's particle, where a new sentence may follow unpunctuated ("come in it's cold", "hold on it's",
"stop by it's"): in, on, by, over, through, for, to."""
LEGITIMATE_REPEATS = {"had", "that", "is", "do", "bye", "very", "so", "no", "yeah", "ha", "well", "really"}


CASE_RULES = frozenset({"AnA", "OrthographicConsistency", "UseTitleCase"})
"""Harper's rules that read capitals as a word's spelling ("an" before an acronym said letter by
letter, a name's own capitals): wrong in text written in capitals throughout, and skipped there."""


def _render(tokens: list[Token]) -> tuple[str, list[int]]:
    starts, pos = [], 0
    for tok in tokens:
        starts.append(pos)
        pos += len(tok.text) + 1
    return " ".join(t.text for t in tokens), starts


def _overlapping(start: int, end: int, tokens: list[Token], starts: list[int]) -> range:
    """Indices of the tokens of the rendered text that overlap ``[start, end)``: those that begin
    before ``end`` and end after ``start``, found by bisection (token starts and ends both grow)."""
    lo = max(0, bisect_right(starts, start) - 1)
    while lo < len(tokens) and starts[lo] + len(tokens[lo].text) <= start:
        lo += 1
    return range(lo, max(lo, bisect_left(starts, end)))


def _tokens_of(issue: Issue, tokens: list[Token], starts: list[int]) -> list[int]:
    """Indices of the tokens an issue covers, when it covers whole word cores exactly."""
    idx = list(_overlapping(issue.start, issue.end, tokens, starts))
    if not idx:
        return []
    first, last = tokens[idx[0]], tokens[idx[-1]]
    f_lead = len(first.text) - len(first.text.lstrip("\"'\u201c\u2018(["))
    core_start = starts[idx[0]] + f_lead
    core_end = starts[idx[-1]] + first_core_end(last)
    return idx if issue.start == core_start and issue.end == core_end else []


def first_core_end(tok: Token) -> int:
    core = tok.core
    return tok.text.find(core) + len(core) if core else len(tok.text)


def grammar(doc: Document, ctx: Context) -> StageResult:
    tokens = list(doc.tokens)
    changes: list[Change] = []
    flags: list[Flag] = []

    # 1. fixed phrases (engine-independent)
    for i in range(len(tokens) - PHRASE_LEN + 1):
        window = tokens[i : i + PHRASE_LEN]
        if any(t.sentence_end for t in window[:-1]) or any(t.text != t.core for t in window[:-1]):
            continue
        words = " ".join(t.core.lower() for t in window)
        for pattern, k, fix, why in FIXED_PHRASES:
            if pattern.match(words):
                tok = tokens[i + k]
                new = tok.with_core(fix)
                changes.append(change_for(tok, "grammar", new.text, why, STAGE, 0.9))
                tokens[i + k] = new

    # 2. "its" where "it's" is meant: "Its boring, and ...", "its true that ..."
    style = quote_style(tokens)
    for i in range(len(tokens) - 1):
        tok, nxt = tokens[i], tokens[i + 1]
        if tok.core.lower() != "its" or tok.text != tok.core or tok.sentence_end:
            continue
        after = tokens[i + 2].core.lower() if i + 2 < len(tokens) else ""
        # ("its worth the effort", "its worth it", "its worth asking": the possessive's worth is a noun, "its worth is")
        worth = nxt.core.lower() == "worth" and nxt.text == nxt.core and (after in WORTH_OBJECTS or after.endswith("ing"))
        if nxt.core.lower() not in IT_IS_PREDICATES and nxt.core.lower() not in IT_IS_ADVERBS and not worth:
            continue
        closes = nxt.text != nxt.core and nxt.text.rstrip("\"'\u201d\u2019").endswith((",", ".", ";", ":", "!", "?"))
        if worth or nxt.core.lower() in IT_IS_ADVERBS or closes or (nxt.text == nxt.core and after in CLAUSE_WORDS):
            fixed = tok.core[0] + "t's"
            new = tok.with_core(to_curly(fixed) if style == "curly" else fixed)
            reason = f"'its {nxt.core.lower()}' can only be 'it is' (or 'it has'), not the possessive"
            changes.append(change_for(tok, "grammar", new.text, reason, STAGE, 0.85))
            tokens[i] = new

    # 2b. "it's" where "its" is meant: "at it's most vulnerable", "has it's own rules"
    for i in range(len(tokens) - 1):
        tok, nxt = tokens[i], tokens[i + 1]
        if tok.text[:2].lower() != "it" or tok.core.lower().replace("\u2019", "'") != "it's" or tok.text != tok.core:
            continue
        prev = tokens[i - 1] if i else None
        after_preposition = prev is not None and not prev.sentence_end and prev.text == prev.core and prev.core.lower() in POSSESSIVE_AFTER
        if nxt.core.lower() == "own" or (after_preposition and nxt.core.lower() not in NEVER_AFTER_POSSESSIVE_ITS):
            new = tok.with_core(tok.core[0] + "ts")
            if nxt.core.lower() == "own":
                reason = "'it's own' is the possessive 'its own' ('it is own' says nothing)"
            else:
                reason = f"after '{tokens[i - 1].core.lower()}' comes the possessive 'its', not 'it is'"
            changes.append(change_for(tok, "grammar", new.text, reason, STAGE, 0.85))
            tokens[i] = new

    # 3. the engine, to a fixed point: a fix can reveal another ("the the the")
    engine = ctx.engine
    if engine is None:
        return doc.with_tokens(tokens), changes, flags
    quotes = QuoteCount(tokens)
    lex = get_lexicon()
    for _ in range(len(tokens) + 1):  # each round that changes something removes or fixes a word
        applied_before = len(changes)
        flags = []
        text, starts = _render(tokens)
        deletions: set[int] = set()
        capitals = in_capitals([t.core for t in tokens], lex.in_dictionary)
        code = code_mask(tokens)
        for issue in engine.check(text):
            if _cuts_a_word(issue.start, tokens, starts) or _cuts_a_word(issue.end, tokens, starts):
                continue  # "the re-parcelization" read as "the re": the engine read another text
            idx = _tokens_of(issue, tokens, starts)
            if any(code[k] for k in _overlapping(issue.start, issue.end, tokens, starts)):
                continue  # (code, a path, a dotfile: ".env" is no sentence's end before "env")
            if issue.rule in CASE_RULES and any(k in capitals or k + 1 in capitals for k in idx):
                continue  # ("A SPOKESMAN": no acronym read letter by letter, in text written in capitals)
            span = merge_spans([tokens[k] for k in idx]) if idx else _span_at(issue, tokens, starts)
            applied = False
            if issue.rule in engine.safe_rules and idx and issue.suggestions and not deletions & set(idx):
                applied = _apply(issue, idx, tokens, changes, deletions, engine.name, quotes)
            if not applied and issue.category not in engine.quiet_categories and issue.rule not in engine.quiet_rules:
                advice = _sound_advice(text[issue.start : issue.end], issue.suggestions, tokens, idx)
                if advice is None:
                    continue  # its only advice was wrong: no flag is better than a wrong one
                flags.append(
                    Flag("grammar", text[issue.start : issue.end], advice[:3], span,
                         f"{engine.name} {issue.rule}: {issue.message}", STAGE, 0.5)
                )  # fmt: skip
        for k in deletions:
            quotes.remove(tokens[k].text)
        delete_tokens(tokens, deletions)
        if len(changes) == applied_before:
            break
    return doc.with_tokens(tokens), changes, flags


def _cuts_a_word(pos: int, tokens: list[Token], starts: list[int]) -> bool:
    """Whether an offset of the rendered text falls strictly inside a token's word core, as at
    the hyphen of "re-parcelization": a finding that starts or ends there rewrites across a cut
    that is not in the text."""
    k = bisect_right(starts, pos) - 1
    if k < 0:
        return False
    lead, core, _ = split_affixes(tokens[k].text)
    first = starts[k] + len(lead)
    return first < pos < first + len(core)


def _sound_advice(flagged: str, suggestions: tuple[str, ...], tokens: list[Token], idx: list[int]) -> tuple[str, ...] | None:
    """The suggestions worth giving for a flagged finding; None when it had suggestions and none
    of them survives (the flag then goes: its only content was wrong advice). Dropped:
    - a closed compound that joins the flagged words ("be taking" -> "betaking") unless the
      compound is a common word and the words are not a common bigram themselves;
    - "its" for "it's" before a word that can never follow the possessive ("It's what ...");
    - another case of a lower-case dictionary word ("my nan" -> NaN: a grandmother, not a number);
    - a split of one dictionary word into a word and a particle ("tendon" -> "tend on")."""
    words = words_of(flagged)
    joined = "".join(words).lower()
    nxt = ""
    if idx and idx[-1] + 1 < len(tokens):
        last = tokens[idx[-1]]
        if not last.sentence_end and last.text.endswith(last.core):
            nxt = tokens[idx[-1] + 1].core.lower()
    kept: list[str] = []
    for sug in suggestions:
        if len(words) >= 2 and sug.lower() == joined and not get_lexicon().plausible_join(words, sug):
            continue
        if [w.lower() for w in words] == ["it's"] and sug.lower() == "its" and nxt in NEVER_AFTER_POSSESSIVE_ITS:
            continue
        if len(words) == 1 and flagged.islower() and get_lexicon().in_dictionary(flagged):
            if sug.lower() == flagged or sug.replace(" ", "").lower() == flagged:
                continue
        kept.append(sug)
    if suggestions and not kept:
        return None
    return tuple(kept)


def _span_at(issue: Issue, tokens: list[Token], starts: list[int]) -> tuple[int, int]:
    near = [tokens[k] for k in _overlapping(issue.start, max(issue.end, issue.start + 1), tokens, starts)]
    return merge_spans(near)


class QuoteCount:
    """The straight and curly quote marks of a working token list, kept up to date as tokens
    change, so that the style in force (``spacing.quote_style``) is known without a recount."""

    def __init__(self, tokens: list[Token]) -> None:
        self.straight = self.curly = 0
        for tok in tokens:
            self.add(tok.text)

    def add(self, text: str) -> None:
        straight, curly = _quote_marks(text)
        self.straight += straight
        self.curly += curly

    def remove(self, text: str) -> None:
        straight, curly = _quote_marks(text)
        self.straight -= straight
        self.curly -= curly

    def replace(self, old: str, new: str) -> None:
        self.remove(old)
        self.add(new)

    def style(self) -> str:
        return "curly" if self.curly > self.straight else "straight"


def _quote_marks(text: str) -> tuple[int, int]:
    return text.count("'") + text.count('"'), sum(text.count(c) for c in "\u2018\u2019\u201c\u201d")


def _apply(
    issue: Issue, idx: list[int], tokens: list[Token], changes: list[Change], deletions: set[int], engine: str, quotes: QuoteCount
) -> bool:
    fix = issue.suggestions[0]
    reason = f"{engine} {issue.rule}: {issue.message}"
    words = fix.split()
    covered = [tokens[k] for k in idx]
    if len(covered) == 2 and len(words) == 1 and covered[0].core.lower() == covered[1].core.lower() == fix.lower():
        # a repeated word: drop the second, unless the repeat is English ("had had", "that that")
        if fix.lower() in LEGITIMATE_REPEATS or covered[0].text != covered[0].core or not covered[1].text.startswith(covered[1].core):
            return False
        gone = covered[1]
        changes.append(change_for(gone, "grammar", "", f"{reason} (repeated word removed)", STAGE, 0.9))
        trail = gone.text[len(gone.core) :]
        if trail:  # the sentence's punctuation stays, on the word that stays
            tokens[idx[0]] = replace(covered[0], text=covered[0].text + trail)
            quotes.replace(covered[0].text, tokens[idx[0]].text)
        deletions.add(idx[1])
        return True
    if len(covered) != len(words) or any(t.text != t.core for t in covered[:-1]):
        return False
    if issue.rule in GUARDED and not GUARDED[issue.rule](tokens, idx):
        return False
    convert = to_curly if quotes.style() == "curly" else to_straight
    done = False
    for k, word in zip(idx, words, strict=True):
        tok = tokens[k]
        new = tok.with_core(convert(word))  # the engine's apostrophe, in the document's style
        if new.text != tok.text:
            changes.append(change_for(tok, "grammar", new.text, reason, STAGE, 0.8))
            tokens[k] = new
            quotes.replace(tok.text, new.text)
            done = True
    return done


def _possessive_its_ok(tokens: list[Token], idx: list[int]) -> bool:
    """Harper's "it's" -> "its" only before a word that cannot follow "it is" ("it's effects").
    On the seed it would turn "It's what allows people" into "Its"."""
    k = idx[-1] + 1
    if k >= len(tokens) or tokens[idx[-1]].text != tokens[idx[-1]].core:
        return False
    nxt = tokens[k].core.lower()
    if not nxt or nxt in IT_IS_FOLLOWERS or nxt in IT_IS_PREDICATES or nxt.endswith(("ing", "ed", "ly")):
        return False
    # and only where the trigram model expects the next word far more after "its" than after "it's"
    # ("its effects", "its own"; not "it's plenty salty", "it's cold", "it's worth")
    cm = get_context_model()
    possessive, contraction = cm.logp(nxt, "its"), cm.logp(nxt, "it's")
    return possessive is None or contraction is None or possessive - contraction >= ITS_MARGIN


ITS_MARGIN = 0.75
"""log10: how much likelier the next word must be after "its" than after "it's" (the trigram model's
bigrams) for Harper's possessive to be applied: effects 0.9, name 1.4, own 1.3 are; plenty 0.0,
cold 0.2, best 0.5, time -0.1, worth -1.2 are not (a new user's "it's plenty salty" had become
"its")."""


GUARDED = {"ItsPossessive": _possessive_its_ok}
