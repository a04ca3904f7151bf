"""What is an English word, how common it is, and which real words a non-word may have meant.

Three installed word lists, each doing what it is good at:

- SymSpell's English dictionary (shipped inside ``symspellpy``): 82,765 words, the intersection
  of SCOWL and Google Books n-grams, British and American spellings both. Clean enough to say
  "this is a word" (web frequency lists also hold ``alot``, ``thier`` and ``occured``), and
  SymSpell finds every dictionary word within two edits of a non-word in microseconds.
- wordfreq: how common a word is in English (and in French, German, ... to spot a loanword
  such as *ancien* that must not be "corrected" into English).
- jellyfish's Metaphone: whether a candidate sounds like the misspelling (``wich`` → which,
  not with), the signal spell checkers such as Aspell call "soundslike".
- PocketSphinx's English trigram model (``en-us.lm.bin``, shipped inside ``pocketsphinx``): how
  well a word fits between its neighbours (``my essy`` is my essay, ``any chane`` any chance), see
  :class:`ContextModel`. Without PocketSphinx, SymSpell's bigram counts stand in.
"""

from __future__ import annotations

import functools
import importlib.resources
import itertools
import math
import os
import re
from collections.abc import Iterable
from typing import Any

from cleanup.cache import cached

PREFIXES = (
    "anti", "auto", "bi", "co", "counter", "cross", "de", "dis", "extra", "hyper", "inter", "intra",
    "kilo", "macro", "mega", "meta", "micro", "mid", "mis", "multi", "neo", "non", "out", "over",
    "post", "pre", "proto", "pseudo", "quasi", "re", "self", "semi", "sub", "super", "trans",
    "ultra", "un", "under",
)  # fmt: skip
# Derivational suffixes that make new words from old ones (proletarian -> proletarianization).
# Not -ly, -able/-ible, -ian, -ical: the dictionary has the real words of those shapes, and the
# misspellings look just like them (basicly, truely, fashionible, certian).
SUFFIXES = (
    "ization", "izations", "isation", "isations", "ize", "izes", "ized", "izing", "ise", "ised",
    "ising", "ism", "isms", "ist", "ists", "istic", "ity", "ities", "ness", "nesses", "less", "ful",
    "ment", "ments", "dom", "ship", "hood", "wise", "like", "al", "s", "es",
)  # fmt: skip
_ES_STEMS = ("s", "x", "z", "ch", "sh", "o")
"""The endings after which a plural or a verb takes -es (boxes, watches, heroes): "johnes", "corres"
are no forms of john or corr."""
_FOREIGN_LANGS = ("fr", "de", "es", "it")
_CONTRACTION_BASES = {
    "don", "didn", "doesn", "aren", "isn", "wasn", "weren", "couldn", "shouldn", "wouldn", "won",
    "can", "ain", "haven", "hasn", "hadn", "mustn", "needn", "shan", "mightn", "daren", "oughtn", "mayn",
}  # fmt: skip
_CONTRACTION_TAILS = ("'s", "'t", "'re", "'ve", "'ll", "'d", "'m", "'")
_VOWELS = set("aeiouy")
NAME_MIN_ZIPF = 3.0
"""How common a lower-case word Harper knows only capitalised must be to be taken for a name."""
SCOWL_LISTS = ("/usr/share/dict/british-english-large", "/usr/share/dict/american-english-large")
"""SCOWL's large word lists, from Debian's ``wbritish-large`` and ``wamerican-large`` (see ``Lexicon.common_nouns``)."""
BIGRAM_FILE = "frequency_bigramdictionary_en_243_342.txt"
JOIN_MIN_ZIPF = 3.0
"""A closed compound suggested for two words must be at least this common (once a million words)."""
BIGRAM_COMMON_ZIPF = 4.5
"""A bigram this common is English whatever the compound ("in to", "a lot", "may be")."""
BIGRAM_MARGIN = 1.5
"""A bigram within this many Zipf points of the compound is common enough to be meant ("a part", "be coming")."""


SYMSPELL_DICT = "frequency_dictionary_en_82_765.txt"
EDGE_PAIR_COUNT = 1_000_000
SYMSPELL_PREFIX = 5
"""SymSpell's prefix length: 5 finds the same words as the default 7 and builds its index in a third of the time."""
HARPER_BATCH = 400
"""Words a Harper lint asks about at once (see ``Lexicon.harper_known``)."""
AMERICAN_MIN_ZIPF = 3.0
"""How common (wordfreq Zipf) a word SymSpell lacks must be to be offered as a correction (see ``Lexicon.american_words``)."""
LOANWORD_ZIPF = 4.0
"""How common a word must be in another language (Zipf) to be taken for a loanword."""
LOANWORD_EN_ZIPF = 2.0
"""How common a word common abroad must be in English text (Zipf; 2.0 is once in ten million words)
to be taken for a loanword: English writing that uses "ancien" (2.3) or "nicht" (2.9) borrows them;
"turm" (1.4), "hause" (1.9) or "seid" (1.9) it hardly ever writes, so there they are slips of
"term", "house" and "said" (real_typos: 8 such fixes held back, none wrong, at 1.0)."""
ABROAD_MIN_ZIPF = 3.5
INTERNATIONAL_EN_ZIPF = 1.0
"""A word English text writes less than ``LOANWORD_EN_ZIPF`` is still a loanword when it is common
(``LOANWORD_ZIPF``) in one of the other languages and written (``ABROAD_MIN_ZIPF``) in another, and
English text writes it at all (this Zipf): an international word, ``sauce tomate`` (English 1.65;
Spanish 4.1, French 3.8, German 3.4), where ``turm`` and ``hause`` are German alone (real_typos
unchanged; the extra eval passages' one false change, tomate -> tomato, gone). A learner's
``importante`` is flagged with important first, no longer fixed."""
_TOP_BUCKETS = round((9.0 - ABROAD_MIN_ZIPF) * 100)
"""wordfreq's frequency lists are in buckets of one centibel below Zipf 9: the words of the first
551 buckets are those with a Zipf frequency of 3.5 or more."""


def _versions(*packages: str) -> tuple[str, ...]:
    from cleanup.cache import package_version

    return tuple(f"{p} {package_version(p)}" for p in packages)


def _is_str_dict(value: object) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) for k in itertools.islice(value, 10))


class Lexicon:
    """The word lists, each loaded once and only when first needed. What is slow to build (SymSpell's
    index, codespell's list parsed, the loanword languages' common words) is kept in the per-user
    cache (:mod:`cleanup.cache`) for the next run."""

    def __init__(self) -> None:
        self._dict_path = str(importlib.resources.files("symspellpy") / SYMSPELL_DICT)
        self.counts: dict[str, int] = cached("symspell-words", (*_versions("symspellpy"), SYMSPELL_DICT), self._read_counts, _is_str_dict)
        self._symspell: Any = None
        self._misspellings: dict[str, tuple[str, ...]] | None = None
        self._harper_cache: dict[str, bool] = {}
        self._harper_doubts: dict[str, bool] = {}
        self._irregular: dict[str, tuple[str, ...]] = {}
        self._bigrams: dict[str, int] | None = None
        self._bigram_total = 1
        self._common_abroad: dict[str, dict[str, float]] | None = None
        self._american: frozenset[str] | None = None
        self._common_nouns: frozenset[str] | None = None
        self._sound_index: dict[str, tuple[str, ...]] | None = None
        self._heard: dict[str, str] = {}

    def _read_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        with open(self._dict_path, encoding="utf-8") as fh:
            for line in fh:
                word, _, count = line.partition(" ")
                counts[word] = int(count)
        return counts

    def known_misspelling(self, word: str) -> tuple[str, ...]:
        """Corrections codespell's list gives for a common misspelling (empty when none)."""
        if self._misspellings is None:
            self._misspellings = cached("codespell", _versions("codespell"), _read_codespell, _is_str_dict)
        return self._misspellings.get(word.lower(), ())

    # ----- knowing words --------------------------------------------------------------------
    def in_dictionary(self, word: str) -> bool:
        return word.lower().replace("\u2019", "'") in self.counts

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one lexicon lives for the process
    def is_word(self, word: str, depth: int = 0) -> bool:
        """A dictionary word, an inflection or derivation of one, or a compound of known parts."""
        w = word.lower().replace("\u2019", "'")
        if not w:
            return False
        if w in self.counts or not any(ch.isalpha() for ch in w):
            return True
        if self.known_misspelling(w):
            return False
        if "-" in w:
            parts = [p for p in w.split("-") if p]
            return bool(parts) and all(p in PREFIXES or self.is_word(p, depth) for p in parts)
        if "'" in w:
            for tail in _CONTRACTION_TAILS:
                if w.endswith(tail):
                    base = w[: -len(tail)]
                    if tail == "'t":  # (only the negatives: "mean't" is no form of mean, "carn't" none of car)
                        return base in _CONTRACTION_BASES
                    return base in _CONTRACTION_BASES or self.is_word(base, depth)
            return False
        if depth >= 2:
            return False
        return self._derived(w, depth + 1)

    def _derived(self, w: str, depth: int) -> bool:
        for p in PREFIXES:
            rest = w[len(p) :]
            if w.startswith(p) and len(rest) >= 5 and self.is_word(rest, depth):
                return True
        for s in SUFFIXES:
            if not w.endswith(s):
                continue
            stem = w[: -len(s)]
            if len(stem) < (3 if len(s) <= 2 else 4):
                continue
            if len(s) <= 2:
                # plural -s/-es only on a dictionary word, or it would bless "crisiss"
                if stem in self.counts and stem[-1] != s[0] and (s == "s" or stem.endswith(_ES_STEMS)):
                    return True
                continue
            variants = {stem, stem + "e", stem[:-1] + "y" if stem.endswith("i") else stem}
            if any(v in self.counts or self.is_word(v, depth) for v in variants):
                return True
        return False

    def harper_known(self, words: set[str], strict: bool = False) -> set[str]:
        """The words Harper's curated (American) dictionary accepts: a second opinion for words
        SymSpell's list lacks (``labor``, ``analyzing``, ``exoplanet``). Batched lints, each word a
        paragraph of its own, ``HARPER_BATCH`` words a lint (Harper's time grows faster than the
        text it is given: 11,600 words take 29 s in one lint, 12 s in batches, with the same answers).
        ``strict``: a word Harper offers to replace with another word (a ``WordChoice`` or ``Grammar``
        lint over the whole word: ``babys`` → babies, ``imployment``, ``untill``) is not accepted either."""
        todo = sorted(w for w in words if w not in self._harper_cache)
        if todo:
            import harper

            from cleanup.engines.harper import native_output_muted, shared_linter

            for first in range(0, len(todo), HARPER_BATCH):
                batch = todo[first : first + HARPER_BATCH]
                bad: set[int] = set()
                doubted: set[tuple[int, int]] = set()
                with native_output_muted():
                    lints = shared_linter().lint("\n\n".join(batch), language=harper.Language.PLAINTEXT)
                for lint in lints:
                    if lint.lint_kind in ("Spelling", "Typo", "BoundaryError"):
                        bad.add(lint.span.start)
                        bad.add(lint.span.end - 1)
                    elif lint.lint_kind in ("WordChoice", "Grammar") and any(
                        sug.replacement_text and sug.replacement_text.lower() != "" for sug in lint.suggestions
                    ):
                        doubted.add((lint.span.start, lint.span.end))
                pos = 0
                for w in batch:
                    self._harper_cache[w] = not any(k in bad for k in range(pos, pos + len(w)))
                    self._harper_doubts[w] = (pos, pos + len(w)) in doubted
                    pos += len(w) + 2
        return {w for w in words if self._harper_cache[w] and not (strict and self._harper_doubts.get(w))}

    def irregular_forms(self, word: str) -> tuple[str, ...]:
        """The irregular forms Harper's ``RegularIrregulars`` rule gives for an irregular verb given
        the regular ending (``knowed``: known, knew; ``buyed``: bought) or a noun given the regular
        plural (``babys``: babies), empty for any other word."""
        w = word.lower()
        if not w.endswith(("ed", "ys")) or not w.isalpha():
            return ()
        if w not in self._irregular:
            import harper

            from cleanup.engines.harper import native_output_muted, shared_linter

            frame = f"They {w} it." if w.endswith("ed") else f"The {w} came."
            with native_output_muted():
                found = shared_linter().organized_lints(frame, language=harper.Language.PLAINTEXT)
            forms = [s.replacement_text.lower() for lint in found.get("RegularIrregulars", []) for s in lint.suggestions]
            self._irregular[w] = tuple(dict.fromkeys(f for f in forms if f.isalpha()))
        return self._irregular[w]

    # ----- frequencies ----------------------------------------------------------------------
    @staticmethod
    @functools.lru_cache(maxsize=65536)
    def zipf(word: str, lang: str = "en") -> float:
        import wordfreq

        return float(wordfreq.zipf_frequency(word, lang))

    def is_loanword(self, word: str) -> bool:
        """Common in another major European language and used in English text: not a typo."""
        low = word.lower()
        en = self.zipf(low)
        if en < INTERNATIONAL_EN_ZIPF:
            return False  # (most non-words: not looked up abroad at all)
        abroad = [self._zipf_abroad(low, lang) for lang in _FOREIGN_LANGS]
        if en >= LOANWORD_EN_ZIPF:
            return any(z >= LOANWORD_ZIPF and z >= en + 1.5 for z in abroad)
        # an international word: common in one language and written in another too ("sauce tomate")
        return max(abroad) >= LOANWORD_ZIPF and sum(z >= ABROAD_MIN_ZIPF for z in abroad) >= 2

    def _zipf_abroad(self, word: str, lang: str) -> float:
        """``zipf(word, lang)`` when it can reach ``ABROAD_MIN_ZIPF``; 0.0 when it cannot: when one of
        the word's tokens (as wordfreq splits it) is not among that language's common words. The
        common words come from the cache; the whole list (a quarter of a second a language) is
        loaded only for a word of several tokens that are each common there (``cul-de-sac``)."""
        from wordfreq.numbers import smash_numbers
        from wordfreq.tokens import lossy_tokenize

        if self._common_abroad is None:
            key = (*_versions("wordfreq"), f"zipf>={ABROAD_MIN_ZIPF}", "with-zipf")
            self._common_abroad = cached("wordfreq-common", key, _common_abroad, _is_set_dict)
        common = self._common_abroad[lang]
        tokens = [smash_numbers(t) for t in lossy_tokenize(word, lang)]
        if not tokens or any(t not in common for t in tokens):
            return 0.0  # a missing or rarer token: the word's frequency there is below the common words'
        if len(tokens) == 1:
            return common[tokens[0]]
        return self.zipf(word, lang)

    def _unigram_total(self) -> int:
        if not hasattr(self, "_total"):
            self._total = sum(self.counts.values())
        return self._total

    def american_words(self) -> frozenset[str]:
        """Common words SymSpell's list lacks and Harper's (American) dictionary has: mostly American
        spellings (``favorite``, ``harbor``, ``theater``, ``whiskey``), which a misspelling may have
        meant as much as the British ones SymSpell holds. wordfreq's English words of Zipf
        ``AMERICAN_MIN_ZIPF`` or more, four letters or longer, that codespell does not list as a
        misspelling; Harper is asked once, and the answer kept in the cache."""
        if self._american is None:
            key = (*_versions("wordfreq", "symspellpy", "harper-py", "codespell"), f"zipf>={AMERICAN_MIN_ZIPF}, buckets below 9")
            self._american = cached("american-words", key, self._build_american, lambda v: isinstance(v, frozenset))
        return self._american

    def _build_american(self) -> frozenset[str]:
        import wordfreq

        top = round((9.0 - AMERICAN_MIN_ZIPF) * 100)  # (wordfreq's buckets are centibels below Zipf 9: see _TOP_BUCKETS)
        words = {
            w
            for bucket in wordfreq.get_frequency_list("en")[: top + 1]
            for w in bucket
            if len(w) >= 4 and w.isalpha() and w.isascii() and w not in self.counts and not self.known_misspelling(w)
        }
        return frozenset(self.harper_known(words))

    def common_nouns(self) -> frozenset[str]:
        """The lower-case words of SCOWL's large English lists (Debian's ``wbritish-large`` and
        ``wamerican-large``), which keep a word's case as English writes it: ``redshift`` is a
        common noun there, ``Redshift`` a product too, ``fred`` no word at all. Empty when neither
        package is installed."""
        if self._common_nouns is None:
            paths = [p for p in SCOWL_LISTS if os.path.exists(p)]
            key = tuple(f"{p} {os.path.getsize(p)} {int(os.path.getmtime(p))}" for p in paths)
            self._common_nouns = cached("scowl-lower", key, lambda: _read_lower_case(paths), lambda v: isinstance(v, frozenset))
        return self._common_nouns

    def capitalised_names(self, words: set[str], min_zipf: float = NAME_MIN_ZIPF) -> set[str]:
        """The lower-case ``words`` that are names: Harper's dictionary knows them only with a
        capital (``london``: London; not ``bill``, not ``ebay``, whose name is eBay), SCOWL's lists
        do not write them in lower case, and they are common enough (wordfreq) not to be a term
        Harper happens to know as a brand (``redshift``)."""
        # (nor a word SCOWL's lists write in lower case: Harper lacks "electron", knows "Electron";
        # asked first, it leaves Harper few words to be asked about)
        unknown = {w for w in words if w.isalpha() and w.islower() and len(w) > 1} - self.common_nouns()
        unknown = {w for w in unknown if self.zipf(w) >= min_zipf}
        unknown -= self.harper_known(unknown)
        return {w for w in unknown if w.capitalize() in self.harper_known({w.capitalize() for w in unknown})}

    def bigram_zipf(self, first: str, second: str) -> float:
        """How common a two-word sequence is, on wordfreq's Zipf scale (log10 per billion), from
        SymSpell's list of the 242,342 commonest English bigrams (loaded once, on first use);
        0.0 when the pair is not in the list."""
        if self._bigrams is None:
            self._bigrams = cached("symspell-bigrams", (*_versions("symspellpy"), BIGRAM_FILE), _read_bigrams, _is_str_dict)
            self._bigram_total = sum(self._bigrams.values())
        count = self._bigrams.get(f"{first.lower()} {second.lower()}", 0)
        return math.log10(count * 1e9 / self._bigram_total) if count else 0.0

    def plausible_join(self, words: list[str], joined: str) -> bool:
        """Whether joining ``words`` into the closed compound ``joined`` is advice worth giving:
        the compound is a reasonably common word, and no pair of the words is a common bigram
        in its own right (at least a thirtieth as common as the compound, or common outright):
        "be taking" is English, "betaking" is not; "note book" is a slip for "notebook"."""
        z = self.zipf(joined.lower())
        if z < JOIN_MIN_ZIPF:
            return False
        for a, b in itertools.pairwise(words):
            bz = self.bigram_zipf(a, b)
            if bz and (bz >= BIGRAM_COMMON_ZIPF or bz >= z - BIGRAM_MARGIN):
                return False
        return True

    @functools.cached_property
    def edge_pairs(self) -> tuple[frozenset[str], frozenset[str]]:
        """The two-letter starts and ends of common dictionary words (counted a million times or
        more in Google Books): an English word can begin with ``gr`` or end with ``ps``; none
        begins with ``cg`` or ends with ``cd``."""
        common = [w for w, n in self.counts.items() if n >= EDGE_PAIR_COUNT and len(w) > 2 and w.isalpha()]
        return frozenset(w[:2] for w in common), frozenset(w[-2:] for w in common)

    # ----- candidates -----------------------------------------------------------------------
    def _speller(self) -> Any:
        if self._symspell is None:
            from symspellpy import SymSpell

            def build() -> Any:
                sym = SymSpell(max_dictionary_edit_distance=2, prefix_length=SYMSPELL_PREFIX)
                sym.load_dictionary(self._dict_path, term_index=0, count_index=1)
                return sym

            key = (*_versions("symspellpy"), SYMSPELL_DICT, f"distance 2, prefix {SYMSPELL_PREFIX}")
            self._symspell = cached("symspell-index", key, build, lambda v: isinstance(v, SymSpell) and bool(v.words))
        return self._symspell

    def near_words(self, word: str, max_distance: int = 2) -> list[str]:
        from symspellpy import Verbosity

        found = self._speller().lookup(word.lower(), Verbosity.ALL, max_edit_distance=max_distance, transfer_casing=False)
        return [s.term for s in found if s.term != word.lower()]

    # ----- sound twins (see cleanup.clean.sounds) ----------------------------------------------
    def _build_sound_index(self) -> dict[str, tuple[str, ...]]:
        from cleanup.clean.sounds import SOUND_MIN_ZIPF, arpabet_key, cmu_entries

        index: dict[str, set[str]] = {}
        for word, phones in cmu_entries():
            if (word in self.counts or word in self.american_words()) and self.zipf(word) >= SOUND_MIN_ZIPF:
                index.setdefault(arpabet_key(phones), set()).add(word)
        return {k: tuple(sorted(v)) for k, v in index.items()}

    def read_aloud(self, words: Iterable[str]) -> None:
        """Read the (lower-case) non-words of a document aloud at once, for ``sound_twins``."""
        from cleanup.clean.sounds import read_aloud

        todo = [w for w in words if w not in self._heard]
        heard = read_aloud(todo) if todo else None
        if heard is not None:  # (without espeak-ng nothing is kept: it may be installed later in the process's life)
            self._heard.update({w: heard.get(w, "") for w in todo})

    def sound_twins(self, word: str, near: bool = False) -> frozenset[str]:
        """The common dictionary words that sound as ``word`` does, read aloud (``sor``: saw, soar,
        sore), or (``near``) one sound away; empty without espeak-ng or pocketsphinx."""
        from cleanup.clean.sounds import SOUND_MIN_ZIPF, near_keys

        if word not in self._heard:
            self.read_aloud([word])
        key = self._heard.get(word, "")
        if not key:
            return frozenset()
        if self._sound_index is None:
            built_from = (*_versions("pocketsphinx", "wordfreq", "symspellpy"), f"british key 2, first readings, zipf>={SOUND_MIN_ZIPF}")
            self._sound_index = cached("sound-twins", built_from, self._build_sound_index, lambda v: isinstance(v, dict) and bool(v))
        if near:
            index = self._sound_index
            return frozenset(w for k in near_keys(key) for w in index.get(k, ())) - {word}
        return frozenset(self._sound_index.get(key, ())) - {word}

    @staticmethod
    @functools.lru_cache(maxsize=65536)
    def sounds_alike(a: str, b: str) -> bool:
        import jellyfish

        return bool(jellyfish.metaphone(a) == jellyfish.metaphone(b))


def _read_codespell() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    path = importlib.resources.files("codespell_lib") / "data" / "dictionary.txt"
    with open(str(path), encoding="utf-8") as fh:
        for line in fh:
            wrong, _, right = line.rstrip("\n").partition("->")
            options = tuple(o.strip() for o in right.split(",") if o.strip())
            if options:
                table[wrong] = options
    return table


def _read_lower_case(paths: list[str]) -> frozenset[str]:
    words: set[str] = set()
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as fh:
            words.update(w for w in (line.strip() for line in fh) if w.isalpha() and w.islower() and w.isascii())
    return frozenset(words)


def _read_bigrams() -> dict[str, int]:
    path = importlib.resources.files("symspellpy") / BIGRAM_FILE
    table: dict[str, int] = {}
    with open(str(path), encoding="utf-8") as fh:
        for line in fh:
            a, b, n = line.split()
            table[f"{a} {b}"] = int(n)
    return table


def _common_abroad() -> dict[str, dict[str, float]]:
    """For each loanword language, the words wordfreq gives a Zipf frequency of ``ABROAD_MIN_ZIPF``
    or more, with that frequency (so that a run never loads a whole foreign list: 40 MB a language)."""
    import wordfreq

    out = {}
    for lang in _FOREIGN_LANGS:
        words = (w for bucket in wordfreq.get_frequency_list(lang)[: _TOP_BUCKETS + 1] for w in bucket)
        out[lang] = {w: float(wordfreq.zipf_frequency(w, lang)) for w in words}
    return out


def _is_set_dict(value: object) -> bool:
    return (
        isinstance(value, dict)
        and set(value) == set(_FOREIGN_LANGS)
        and all(isinstance(v, dict) and all(isinstance(z, float) for z in v.values()) for v in value.values())
    )


@functools.cache
def get_lexicon() -> Lexicon:
    return Lexicon()


LM_FILE = ("en-us", "en-us.lm.bin")
LM_FLOOR = -8.0
"""log10 probability below which the model is taken to know nothing (its log zero is -23,000)."""
_LOG10_BASE = math.log10(1.0001)
"""PocketSphinx's log base (1.0001): its scores times this are log10 probabilities."""


class ContextModel:
    """How well a word fits between its neighbours: PocketSphinx's English trigram language model
    (``en-us.lm.bin``, 27 MB, a memory-mapped binary that opens in a tenth of a second), or, when
    PocketSphinx is not installed, SymSpell's bigram counts with the SymSpell unigram counts
    (stupid backoff). Words are lower case; ``<s>`` and ``</s>`` stand for a sentence's start and end.

    The measure is the pointwise mutual information of a word with its context, in log10 units:
    log P(word | two words before) + log P(next | word before, word) + log P(one after | word, next)
    minus the same without the word's own influence (the word's and the next words' plain
    probabilities). 0 when the model does not know the word: no evidence either way."""

    def __init__(self, lex: Lexicon) -> None:
        self._lex = lex
        self._lm: Any = None
        self._tried = False
        self._cache: dict[tuple[str, ...], float | None] = {}
        self._forms: dict[str, str] = {}

    def _model(self) -> Any:
        if not self._tried:
            self._tried = True
            try:
                import os

                from pocketsphinx import NGramModel, get_model_path

                self._lm = NGramModel.readfile(os.path.join(get_model_path(), *LM_FILE))
            except Exception:  # not installed, or the model file missing: the bigram counts stand in
                self._lm = None
        return self._lm

    @property
    def source(self) -> str:
        return "PocketSphinx's English trigram model" if self._model() is not None else "SymSpell's bigram counts"

    def logp(self, word: str, *history: str) -> float | None:
        """log10 P(word | history), history oldest first; None for a word the model does not know."""
        key = (word, *history)
        if key in self._cache:
            return self._cache[key]
        lm = self._model()
        value: float | None
        if lm is not None:
            raw = lm.prob([self._lm_form(w) for w in (word, *reversed(history))])
            value = raw * _LOG10_BASE if raw > _UNKNOWN else None
            if value is not None and value < LM_FLOOR:
                value = LM_FLOOR
        else:
            value = self._bigram_logp(word, history[-1] if history else "")
        if len(self._cache) > 200_000:
            self._cache.clear()
        self._cache[key] = value
        return value

    def _lm_form(self, word: str) -> str:
        """The word as the (American) model spells it: ``organised`` is read as organized, ``colour``
        as color, when the model lacks the British form and has the American one."""
        form = self._forms.get(word)
        if form is None:
            form = word
            lm = self._lm
            if word and word.isalpha() and lm.prob([word]) <= _UNKNOWN:
                for american in _american_forms(word):
                    if lm.prob([american]) > _UNKNOWN:
                        form = american
                        break
            self._forms[word] = form
        return form

    def _bigram_logp(self, word: str, prev: str) -> float | None:
        counts = self._lex.counts
        if word in ("<s>", "</s>"):
            return -1.3
        if word not in counts:
            return None
        self._lex.bigram_zipf("a", "b")  # loads the bigrams
        bigrams = self._lex._bigrams or {}
        total = self._lex._unigram_total()
        pair = bigrams.get(f"{prev} {word}", 0)
        if pair and counts.get(prev):
            return math.log10(pair / counts[prev])
        return math.log10(0.4 * counts[word] / total)

    def knows(self, word: str) -> bool:
        return self.logp(word) is not None

    def fit(self, words: tuple[str, ...], left: tuple[str, str], right: tuple[str, str]) -> float:
        """The pointwise mutual information (log10) of ``words`` (one, or a split's two) with
        their context: ``left`` the two words before (oldest first), ``right`` the two after.
        Positive: the context expects them; negative: it does not. 0 when a word is unknown to
        the model."""
        total = 0.0
        hist = [h for h in left if h]
        for w in words:
            p = self.logp(w, *hist[-2:])
            u = self.logp(w)
            if p is None or u is None:
                return 0.0
            total += p - u
            hist.append(w)
        seen = 0
        for r in right:
            if not r or seen >= 2:
                break
            p = self.logp(r, *hist[-2:])
            base = self.logp(r, *hist[-1:]) if seen else self.logp(r)
            if p is None or base is None:
                break
            total += p - base
            hist.append(r)
            seen += 1
        return total


_UNKNOWN = -500_000_000
"""PocketSphinx's log probability of a word its model does not know (far below any real one)."""
_BRITISH_ENDINGS = (
    ("isation", "ization"), ("isations", "izations"), ("ise", "ize"), ("ised", "ized"), ("ises", "izes"),
    ("ising", "izing"), ("yse", "yze"), ("ysed", "yzed"), ("our", "or"), ("ours", "ors"), ("oured", "ored"),
    ("tre", "ter"), ("tres", "ters"), ("ogue", "og"), ("ence", "ense"), ("lled", "led"), ("lling", "ling"),
)  # fmt: skip


@functools.cache
def _british_to_american() -> dict[str, str]:
    """codespell's table of British spellings and their American forms."""
    path = importlib.resources.files("codespell_lib") / "data" / "dictionary_en-GB_to_en-US.txt"
    table: dict[str, str] = {}
    with open(str(path), encoding="utf-8") as fh:
        for line in fh:
            british, _, american = line.rstrip("\n").partition("->")
            if american and "," not in american:
                table[british] = american
    return table


def _american_forms(word: str) -> list[str]:
    """The American spellings a British word may have: codespell's table, then the regular endings."""
    forms = [_british_to_american().get(word, "")]
    forms += [word[: -len(gb)] + us for gb, us in _BRITISH_ENDINGS if word.endswith(gb) and len(word) > len(gb) + 2]
    return [f for f in forms if f]


@functools.cache
def get_context_model() -> ContextModel:
    return ContextModel(get_lexicon())


_KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
_KEY_POS = {ch: (r, c) for r, row in enumerate(_KEYBOARD) for c, ch in enumerate(row)}


def _sub_cost(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if a in _VOWELS and b in _VOWELS:
        return 0.7
    pa, pb = _KEY_POS.get(a), _KEY_POS.get(b)
    if pa and pb and abs(pa[0] - pb[0]) <= 1 and abs(pa[1] - pb[1]) <= 1:
        return 0.8
    return 1.0


FIRST_EXTRA_COST = 1.2
FIRST_SUB_EXTRA = 0.3


def typo_cost(wrong: str, right: str) -> float:
    """A weighted Damerau edit distance in which the typist's usual slips cost less: a doubled or
    undoubled letter 0.4, two swapped letters 0.6, a vowel for a vowel 0.7, a neighbouring key 0.8,
    a dropped or extra letter 0.8, any other letter 1.0. The first letter is the one people get
    right (7% of the real_typos errors change it): a wrong first consonant costs FIRST_SUB_EXTRA
    more, and an extra letter before the word, far from its first on the keyboard, FIRST_EXTRA_COST
    (``mtime``, ``gunzip`` are terms, not slips of "time", "unzip"). Measured on real_typos: recall
    65.3% -> 65.7%, precision 95.0% -> 95.5%, JFLEG recall 87.4% -> 88.5%."""
    a, b = wrong.lower(), right.lower()
    n, m = len(a), len(b)
    d = [[0.0] * (m + 1) for _ in range(n + 1)]
    # a letter before the word, far from its first on the keyboard, is a prefix ("mtime")
    prefix = n > 1 and a[0] != a[1] and _sub_cost(a[0], a[1]) > 0.8
    for i in range(1, n + 1):
        d[i][0] = d[i - 1][0] + (FIRST_EXTRA_COST if i == 1 and prefix else 0.8)
    for j in range(1, m + 1):
        d[0][j] = d[0][j - 1] + 0.8
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            # a letter of `a` not in `b`: cheap if it doubles its neighbour
            dele = 0.4 if (i > 1 and a[i - 1] == a[i - 2]) or (i < n and a[i - 1] == a[i]) else 0.8
            ins = 0.4 if (j > 1 and b[j - 1] == b[j - 2]) or (j < m and b[j - 1] == b[j]) else 0.8
            sub = _sub_cost(a[i - 1], b[j - 1])
            if i == 1 and j == 1 and a[0] != b[0] and not (a[0] in _VOWELS and b[0] in _VOWELS):
                sub += FIRST_SUB_EXTRA  # (a first letter is rarely mistyped; a vowel for a vowel is misspelt: "imotions")
            best = min(d[i - 1][j] + dele, d[i][j - 1] + ins, d[i - 1][j - 1] + sub)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1] and a[i - 1] != a[i - 2]:
                best = min(best, d[i - 2][j - 2] + 0.6)
            d[i][j] = best
    return round(d[n][m], 3)


WORDISH = re.compile(r"^[A-Za-z\u00c0-\u024f]+(?:['\u2019-][A-Za-z\u00c0-\u024f]+)*$")
