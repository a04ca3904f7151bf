"""Sentence ends and sentence capitals.

The caption paste says where sentences end: a cue that ends bare ends one (its full stop is often
missing), except where it leads into a quotation on the next line, which takes a colon or nothing.
Plain lines do not say, so a line end counts as a sentence end when the next line starts with a
capital and the line does not end on a word that cannot end a sentence, unless PocketSphinx's
trigram model finds the line running on far likelier (``the United / Kingdom``). Where capitals say
nothing (text written in capitals; a text typed one utterance a line in lower case, with no full
stops) the model judges each bare line end alone. Inside a line, a full stop, question or
exclamation mark ends a sentence unless it closes an abbreviation.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import replace

from cleanup.clean.base import Context, StageResult, change_for, code_mask, first_alpha_index, in_capitals
from cleanup.clean.lexicon import get_context_model, get_lexicon
from cleanup.clean.restore import is_question, is_wrapped
from cleanup.model import BARE, EOL, NUMBERED_ITEM, Change, Document, Flag, Token, split_affixes, token_span
from cleanup.readers.timed import speaker_label

STAGE = "sentences"
_END_RE = re.compile(r"[.?!\u2026]+[\"'\u201d\u2019)\]*]*$")
_OPEN_QUOTES = "\"'\u201c\u2018"
_CLOSERS = '"\u201d)]*'
_CLOSE_QUOTES = ('"', "\u201d")
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "eg", "e.g", "ie", "i.e", "ch",
    "chap", "vol", "vols", "no", "nos", "pp", "p", "fig", "figs", "ed", "eds", "cf", "approx", "inc",
    "ltd", "co", "corp", "dept", "gen", "gov", "sen", "rep", "rev", "col", "lt", "sgt", "capt",
    "mt", "ft", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.k", "a.m", "p.m", "al", "op", "cit", "ibid", "viz", "esp", "est",
}  # fmt: skip
# Abbreviations that often close a sentence: before a capital, their full stop ends it too.
ABBREVIATIONS_THAT_END = {"etc", "al", "ibid", "inc", "ltd", "co", "corp", "esp", "approx", "est"}
# Words a sentence cannot end on: a line ending on one runs on, and a line leading into a
# quotation after one takes no colon ("it became evident to / "Pope and Tsar ...").
CONTINUATION_WORDS = {
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "from", "into", "onto",
    "upon", "about", "as", "than", "and", "or", "but", "nor", "that", "which", "who", "whom",
    "whose", "how", "what", "when", "where", "why", "whether", "if", "because", "though",
    "although", "while", "my", "your", "his", "her", "its", "our", "their", "this", "these",
    "those", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "will",
    "would", "can", "could", "should", "may", "might", "must", "shall", "very", "such",
    "like", "unlike", "between", "through", "toward", "towards", "under", "over", "without",
    "within", "against", "during", "before", "after", "since", "until", "corresponding",
}  # fmt: skip
DETERMINERS = {
    "the",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "our",
    "their",
    "its",
    "his",
    "her",
    "my",
    "your",
    "whose",
    "any",
    "each",
    "every",
    "no",
}
PRONOUNS = {"i", "it", "he", "she", "we", "they", "you", "there", "so", "then", "now", "yet"}
# Words after which a capitalised word is a title, not a slip ("his 2020 work Trust, argues").
TITLE_INTRODUCERS = {
    "work", "works", "book", "books", "novel", "novels", "essay", "essays", "film", "films", "movie",
    "album", "song", "poem", "paper", "article", "play", "series", "show", "magazine", "journal",
    "newspaper", "treatise", "pamphlet", "titled", "entitled", "called", "named", "dubbed",
}  # fmt: skip
# Function words that open sentences: one capitalised inside a "sentence" marks a sentence end the
# text lacks ("Boston roll An uramaki California roll"), not a stray capital.
SENTENCE_OPENERS = {
    "a",
    "an",
    "the",
    "this",
    "these",
    "those",
    "it",
    "he",
    "she",
    "we",
    "they",
    "you",
    "i",
    "in",
    "on",
    "at",
    "for",
    "but",
    "and",
    "or",
    "so",
    "if",
    "when",
    "there",
}
# Words that are never names: capitalised inside a sentence they are a slip ("And Instead of").
NEVER_CAPITALISED_MIDSENTENCE = {
    "instead", "however", "therefore", "because", "although", "though", "meanwhile", "moreover",
    "furthermore", "nevertheless", "nonetheless", "also", "actually", "basically", "really",
    "whereas", "whereby", "thus", "hence", "rather", "either", "neither", "otherwise",
}  # fmt: skip

# Words English always writes with a capital, and that are no other word in lower case: the days of
# the week, the months that are not also words ("may", "march", "august" are), and the holidays.
# Speech recognisers and hurried typists write them in lower case ("see you on monday").
ALWAYS_CAPITALISED = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mondays",
    "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays", "january", "february",
    "april", "june", "july", "september", "october", "november", "december", "christmas", "easter",
}  # fmt: skip


def _is_abbreviation(text: str, prev: Token | None = None, nxt: Token | None = None) -> bool:
    core = split_affixes(text)[1]
    if core.lower() in ABBREVIATIONS:
        return True
    # An initial, "John F. Kennedy": a capital letter between a capitalised word and a name. Decided
    # by the neighbours alone, so that the prose reads back the same ("plan A. The", "a. Vaush").
    return (
        len(core) == 1
        and core.isupper()
        and prev is not None
        and not prev.sentence_end
        and prev.core[:1].isupper()
        and nxt is not None
        and nxt.core[:1].isupper()
        and nxt.core.lower() not in CONTINUATION_WORDS
        and nxt.core.lower() not in PRONOUNS
    )


def _starts_lower(tok: Token) -> bool:
    k = first_alpha_index(tok.text)
    return k >= 0 and tok.text[k].islower()


def _starts_upper(tok: Token) -> bool:
    k = first_alpha_index(tok.text)
    return k >= 0 and tok.text[k].isupper()


def _opens_quote(tok: Token) -> bool:
    return tok.text[:1] in _OPEN_QUOTES


def _punct_ends(tok: Token, nxt: Token | None, prev: Token | None = None) -> bool:
    """Whether the token's own punctuation ends a sentence, wherever it stands."""
    if not _END_RE.search(tok.text):
        return False
    if tok.paragraph_start and NUMBERED_ITEM.fullmatch(tok.text):
        return False  # a numbered list item's number: "1. Release status"
    if not tok.core:  # "--." ends a sentence; an elision "[...]" does not
        return "[" not in tok.text and "(" not in tok.text and (nxt is None or not _starts_lower(nxt))
    if not tok.text.rstrip(_CLOSERS).endswith("."):
        # ? ! and the ellipsis; but a quoted question inside a sentence goes on in lower case:
        # 'questions like "What is a good citizen?" in three ways'
        return not (tok.text.endswith(_CLOSE_QUOTES) and nxt is not None and _starts_lower(nxt))
    if _is_abbreviation(tok.text, prev, nxt):
        return nxt is None or (_starts_upper(nxt) and tok.core.lower() in ABBREVIATIONS_THAT_END)
    # "p. 5" and "etc. and" stay inside a sentence; a full stop after a plain word ends one even where
    # the writer went on in lower case ("fair point honestly. we agreed"), as an ellipsis does not
    return nxt is None or not _starts_lower(nxt) or _word_stop(tok)


# A person's title: the word after it is a name ("Dr. smith" -> Dr. Smith).
_TITLES = frozenset({"Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Mr", "Mrs", "Ms", "Dr", "mr.", "mrs.", "ms.", "mr", "mrs"})

# Abbreviations typed inside a sentence, before a lower-case word ("2 tbsp. sugar", "approx. five"),
# beyond ABBREVIATIONS; a word of letters with no vowel ("hrs.", "pts.") is taken for one too.
SHORTENED = {
    "min", "mins", "max", "sec", "secs", "oz", "avg", "incl", "resp", "ca", "misc", "govt", "tbsp",
    "tsp", "cal", "kcal", "temp", "approx", "asst", "assoc", "univ", "ave", "ext", "tel", "abbr",
    "ref", "refs", "cont", "esp", "seq", "var", "orig", "div", "ver", "ans",
}  # fmt: skip


def _word_stop(tok: Token) -> bool:
    """Whether ``tok`` is a word of two letters or more, no abbreviation, closed by one full stop.
    Decided by the word's letters and fixed lists, never by a dictionary: the spelling stage may
    correct the word, and the sentence must end in the same place when the text is cleaned again."""
    text = tok.text.rstrip(_CLOSERS)
    core = tok.core
    return (
        text.endswith(".")
        and not text.endswith("..")
        and len(core) >= 2
        and core.isalpha()
        and core.lower() not in ABBREVIATIONS
        and core.lower() not in SHORTENED
        and bool(set(core.lower()) & set("aeiouy"))
        and (core.islower() or core[1:].islower())
    )


def _end_mark(tokens: list[Token], i: int) -> str:
    """Token ``i``'s text with the mark that ends its sentence: a question mark where the sentence
    opens as a question does ("can I jump in", "what if we", see restore), else a full stop."""
    k = i
    while k > 0 and not tokens[k - 1].sentence_end:
        k -= 1
    if tokens[k].text.endswith(":") and speaker_label(tokens[k].text) is not None:
        k += 1
    cores = [t.core.lower().replace("\u2019", "'") for t in tokens[k : i + 1]]
    return _add_full_stop(tokens[i].text, "?" if is_question(cores) else ".")


def _add_full_stop(text: str, mark: str = ".") -> str:
    """Insert a full stop (or ``mark``), inside a closing double quote, after a bracket or emphasis mark."""
    m = re.search(r"[\"\u201d]+$", text)
    if m:
        return text[: m.start()] + mark + text[m.start() :]
    return text + mark


CAPS_END_MARGIN = -1.5
CAPS_END_MARGIN_PUNCTUATED = 0.0
PUNCTUATED_SHARE = 0.2
"""In text written in capitals, where every line starts with one, a line end with no punctuation
is a sentence end unless the trigram model finds the line running on likelier (log10) than an end
and a new sentence, by ``-CAPS_END_MARGIN``; in a text that punctuates its line ends (a
``PUNCTUATED_SHARE`` of them or more: subtitles do) a line end left bare is more often inside a
sentence, and the model's preference alone decides. Measured on the clean-prose benchmark's texts
wrapped at 55 characters, each sentence's full stop dropped, in capitals: sentence ends added at
line ends P 0.46 -> 0.67 at R 0.99 -> 0.97; on six real subtitle files put in capitals, the ends
of the files as written kept (R 0.99) at P 0.67 -> 0.97 (`HINDER PEOPLE / AND HINDER PROGRESS`)."""
UNMARKED_MIN_LINES = 5
LOWER_CASE_NAME_MIN_ZIPF = 4.0
"""A lower-case word Harper's dictionary knows only capitalised is a name to capitalise when it is
this common (``london``, ``paris``, ``google``): a rarer one is as often a slip (``and bing you``:
big) or a term written so on purpose (``django``). Raw captions take 3.0 (see restore)."""
UNMARKED_EVERYDAY_ZIPF = 5.0
MIXED_MARGIN = -2.0
"""In ordinary text a line end before a capital is a sentence end unless the model finds the line
running on far likelier, by ``-MIXED_MARGIN``: a name broken over two lines (``the seat of the
Scottish / Government``, ``the United / Kingdom``). Same wrapped texts in their own case: P 0.84
-> 0.90 at R 0.99."""


def _runs_on(tokens: list[Token], i: int, margin: float) -> bool:
    """Whether the trigram model reads the line ending at token ``i`` as running on into the next
    (``HINDER PEOPLE / AND HINDER PROGRESS``), where capitals cannot say; False when it does not
    know the words."""
    cm = get_context_model()
    w1 = tokens[i].core.lower()
    w2 = tokens[i - 1].core.lower() if i > 0 and not tokens[i - 1].sentence_end and tokens[i - 1].core else "<s>"
    nxt = tokens[i + 1].core.lower()
    on = cm.logp(nxt, w2, w1)
    end, start = cm.logp("</s>", w2, w1), cm.logp(nxt, "<s>")
    if on is None or end is None or start is None:
        return False
    return end + start < on + margin


def _unmarked_lines(tokens: list[Token]) -> bool:
    """Whether a plain text's lines say nothing of where its sentences end: no punctuation ends
    its lines (under ``PUNCTUATED_SHARE`` of them) and no line starts with a capitalised everyday
    word (``So``, ``The``: names, ``I`` and words in capitals say nothing), as in a transcript
    typed one utterance a line in lower case."""
    ends = [k for k, t in enumerate(tokens[:-1]) if t.boundary == EOL and not tokens[k + 1].paragraph_start]
    if len(ends) < UNMARKED_MIN_LINES:
        return False
    if sum(1 for k in ends if _END_RE.search(tokens[k].text)) >= PUNCTUATED_SHARE * len(ends):
        return False
    lex = get_lexicon()
    for k in ends:
        core = tokens[k + 1].core
        if len(core) > 1 and core[0].isupper() and core[1:].islower() and lex.zipf(core.lower()) >= UNMARKED_EVERYDAY_ZIPF:
            if lex.harper_known({core.lower()}):
                return False
    return True


_CODE_LIKE = re.compile(r"://|^\W*www\.|::|\(\)|\w_\w|\w/\w|[a-z]\.[a-z]{1,4}\b(?!\.)")
"""A URL, a file name, a function, an identifier or a path opening a sentence keeps its case
(``http://...``, ``libz.so``, ``compress()``, ``dh_testroot``, ``debian/rules``); ``e.g.`` is no file."""
FILLED_MIN_ENDS = 3
"""Full stops inside lines (before a capital) that make wrapped text one that punctuates its sentences."""
HEADING_MAX_WORDS = 5
HEADING_BODY_WORDS = 12
SPEECH_WORDS = frozenset(
    """i you he she it we they me him her us them my your our is are was were am be been do does did
    have has had will would can could shall should may might must not no yes yeah yep nope okay ok oh
    ah um uh hmm wow hello hi hey bye goodbye thanks thank please sorry right well sure great good
    fine cool welcome cheers indeed absolutely exactly really maybe perhaps definitely course enough
    true agreed love see let go come look wait""".split()
)
"""Words of something said, not of a heading: a short line of them alone is a reply ("Thank you",
"Fair enough", "Good morning") and takes its full stop."""
_HEADING_WORD = re.compile(r"^\(?[A-Za-z0-9](?:[A-Za-z0-9&'\u2019/.-]*[A-Za-z0-9])?\)?$")


def heading_lines(tokens: list[Token], paragraphs: list[tuple[int, int]], source: str) -> set[int]:
    """The last tokens of the lines of typed text that are headings: a line standing alone between
    blank lines (or before a list), or opening a paragraph over a long line that starts with a
    capital; at most ``HEADING_MAX_WORDS`` words with a capital first and no punctuation, none of
    them a word of speech (``SPEECH_WORDS``), in a text whose paragraphs are longer
    (``HEADING_BODY_WORDS``): "Agenda", "Next steps", "Part 2". A heading takes no full stop.
    (A list item is no heading: its marker opens the line.) ``paragraphs``: the typed text's."""
    if not paragraphs or max(e - s for s, e in paragraphs) < HEADING_BODY_WORDS:
        return set()
    out = set()
    for s, e in paragraphs:
        # the paragraph's first line: all of it, or one over a line of its body that opens with a capital
        k = next((k for k in range(s, e) if tokens[k].boundary == EOL), e - 1)
        if k < e - 1 and (e - k - 1 < HEADING_BODY_WORDS or not tokens[k + 1].core[:1].isupper()):
            continue
        line = tokens[s : k + 1]
        if k + 1 >= len(tokens) or len(line) > HEADING_MAX_WORDS:
            continue
        if not line[0].core[:1].isupper() or not all(_HEADING_WORD.match(t.text) for t in line):
            continue
        at = line[0].src[0][0] if line[0].src else 0
        if line[0].src and source[source.rfind("\n", 0, at) + 1 : at].strip():
            continue  # (a list item: "- Hire two engineers")
        if any(t.core.lower().replace("\u2019", "'").split("'")[0] in SPEECH_WORDS for t in line):
            continue
        out.add(k)
    return out


VERSE_MIN_LINES = 3
VERSE_MAX_WORDS = 12


def _line_widths(tokens: list[Token], s: int, e: int) -> list[int]:
    """The lengths of the lines of tokens ``s`` to ``e``, as typed (words and one space between)."""
    widths = [0]
    for t in tokens[s:e]:
        widths[-1] += len(t.text) + (1 if widths[-1] else 0)
        if t.boundary in (EOL, BARE):
            widths.append(0)
    return [w for w in widths if w]


def _full_to(tokens: list[Token], s: int, e: int, width: int) -> bool:
    """Whether every line of the paragraph ``s`` to ``e`` but its last (two lines or more) was full:
    the next line's first word would not have fitted after it within ``width``."""
    firsts = [k + 1 for k in range(s, e - 1) if tokens[k].boundary == EOL]
    widths = _line_widths(tokens, s, e)
    return bool(firsts) and all(w + 1 + len(tokens[k].text) > width for w, k in zip(widths, firsts, strict=False))


def verse_line_starts(tokens: list[Token], paragraphs: list[tuple[int, int]]) -> set[int]:
    """The first tokens of the lines of verse in typed text: a paragraph of ``VERSE_MIN_LINES`` lines
    or more, none over ``VERSE_MAX_WORDS`` words, each opening with a capital, where a line that
    ends in a comma or semicolon is followed by one that opens with a capital all the same (prose
    goes on in lower case there). A verse line's end is no sentence's, and its capital no slip.
    ``paragraphs``: the typed text's."""
    out: set[int] = set()
    for s, e in paragraphs:
        lines = [s] + [k + 1 for k in range(s, e - 1) if tokens[k].boundary == EOL]
        if len(lines) < VERSE_MIN_LINES:
            continue
        sizes = [b - a for a, b in zip(lines, [*lines[1:], e], strict=True)]
        if max(sizes) > VERSE_MAX_WORDS or not all(tokens[k].core[:1].isupper() for k in lines):
            continue
        if any(tokens[k - 1].text.rstrip(_CLOSERS).endswith((",", ";")) for k in lines[1:]):
            out.update(lines)
    return out


def _resolve_end(
    tokens: list[Token],
    i: int,
    capitals: frozenset[int] = frozenset(),
    margin: float = CAPS_END_MARGIN,
    unmarked: bool = False,
    typed: bool = False,
    filled: bool = False,
) -> tuple[bool, str | None, str]:
    """For token i at a line end: (ends a sentence?, new text or None, reason). ``capitals``: the
    tokens in text written in capitals, where a capital says nothing of a sentence's start; ``typed``:
    plain text, whose bare line ends are its paragraphs' (a caption paste's are its cues'); ``filled``:
    prose wrapped to a width that marks its own sentence ends, where a line's end is the width's."""
    tok = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    core = split_affixes(tok.text)[1].lower()
    trail = split_affixes(tok.text)[2]
    if _END_RE.search(tok.text):
        prev = tokens[i - 1] if i > 0 else None
        shortened = tok.core.lower() in SHORTENED and nxt is not None and _starts_lower(nxt)  # "2 tbsp." / "sugar"
        abbreviation = bool(tok.core) and (_is_abbreviation(tok.text, prev, nxt) or shortened) and tok.text.rstrip(_CLOSERS).endswith(".")
        bracket = not tok.core and ("[" in tok.text or "(" in tok.text)
        # (a list item or the writer's paragraph after "etc." opens a sentence too)
        new_block = nxt is not None and nxt.paragraph_start and tok.boundary in (EOL, BARE)
        return (
            _punct_ends(tok, nxt, prev)
            or ((tok.boundary == BARE or new_block) and not abbreviation and not bracket)
            or (new_block and tok.core.lower() in ABBREVIATIONS_THAT_END),
            None,
            "",
        )
    if trail.rstrip(_CLOSERS).endswith(":") and nxt is not None and nxt.paragraph_start:
        return True, None, ""  # a lead-in before the writer's paragraph or list: "Action items:"
    if trail.rstrip(_CLOSERS).endswith((":", ";", ",", "\u2014", "-")) or tok.text.endswith("\u2014"):
        return False, None, ""
    if tok.boundary == EOL and nxt is not None and speaker_label(nxt.text) is not None:
        return True, _end_mark(tokens, i), "the speaker's turn ended (the next line opens with another's label) without a full stop"
    # the writer's paragraph or a list item after the line ends the sentence, whatever its case
    new_block = nxt is not None and nxt.paragraph_start and core not in CONTINUATION_WORDS
    if tok.boundary == EOL and not new_block and nxt is not None:
        if core in CONTINUATION_WORDS or filled:
            return False, None, ""
        if not _starts_upper(nxt) and not (unmarked and _starts_lower(nxt) and not _runs_on(tokens, i, CAPS_END_MARGIN)):
            return False, None, ""
        # (where capitals say nothing, the model alone; in ordinary text, only where it is far surer)
        in_caps = i in capitals and i + 1 in capitals
        mixed = i not in capitals and i + 1 not in capitals
        if nxt.core and (in_caps or mixed) and _runs_on(tokens, i, margin if in_caps else MIXED_MARGIN):
            return False, None, ""
    if nxt is not None and _opens_quote(nxt) and not _opens_quote(tok):
        if core in CONTINUATION_WORDS or _starts_lower(nxt):
            return False, None, ""
        return False, tok.text + ":", "a line that leads into a quotation takes a colon"
    if tok.boundary == BARE:
        reason = f"the {'paragraph' if typed else 'caption cue'} ended the sentence without a full stop"
    elif new_block:
        reason = "the line ended the sentence (a paragraph or a list item follows) without a full stop"
    else:
        reason = "the line ended the sentence (the next starts with a capital) without a full stop"
    return True, _end_mark(tokens, i), reason


def _title_follows(tokens: list[Token], i: int) -> bool:
    """Whether a capitalised word follows within a title's reach ("Socialism with Chinese Characteristics")."""
    for tok in tokens[i + 1 : i + 4]:
        if tok.core[:1].isupper():
            return True
        if tok.core.lower() not in CONTINUATION_WORDS or tok.sentence_end:
            return False
    return False


def _title_precedes(tokens: list[Token], i: int, starts: set[int]) -> bool:
    """Whether a capitalised word stands just before, past function words only ("Disclaimer of
    Warranty"); the capital of a sentence's first word does not count."""
    for k in range(i - 1, max(-1, i - 4), -1):
        tok = tokens[k]
        if tok.sentence_end:
            return False
        if tok.core[:1].isupper():
            return k not in starts
        if tok.core.lower() not in CONTINUATION_WORDS:
            return False
    return False


def _capital_or_not(doc: Document, tokens: list[Token], i: int, lower: list[int]) -> list[Flag]:
    """A word capitalised once inside a sentence and lower-case once elsewhere: a tie, so the
    direction of the slip is not the count's to say. When Harper's dictionary knows no lower-case
    word of that spelling ("paris"), the capital is a name and the lower-case form is the slip;
    otherwise ("amazon", "apple") both are flagged, with no suggestion. ``lower``: where the word
    stands in lower case inside a sentence, in order."""
    tok = tokens[i]
    name, low = tok.core, tok.core.lower()
    if not lower:
        return []

    def line(j: int) -> int:
        return doc.line_col(token_span(tokens[j])[0])[0]

    if low not in get_lexicon().harper_known({low}):
        reason = f"'{low}' is not a word, '{name}' (line {line(i)}) is a name: a capital is missing"
        return [Flag("capitalisation", low, (name,), token_span(tokens[j]), reason, STAGE, 0.6) for j in lower]
    out = [Flag("capitalisation", name, (), token_span(tok),
                f"written '{low}' at line {line(lower[0])} too: one of them is a slip", STAGE, 0.4)]  # fmt: skip
    out += [Flag("capitalisation", low, (), token_span(tokens[j]),
                 f"written '{name}' at line {line(i)} too: one of them is a slip", STAGE, 0.4) for j in lower]  # fmt: skip
    return out


def sentences(doc: Document, ctx: Context) -> StageResult:
    tokens = list(doc.tokens)
    changes: list[Change] = []
    flags: list[Flag] = []
    n = len(tokens)
    capitals = frozenset(in_capitals([t.core for t in tokens], get_lexicon().is_word))
    line_ends = [t for k, t in enumerate(tokens) if k in capitals and t.boundary in (BARE, EOL)]
    punctuated = sum(1 for t in line_ends if _END_RE.search(t.text)) >= PUNCTUATED_SHARE * len(line_ends) > 0
    margin = CAPS_END_MARGIN_PUNCTUATED if punctuated else CAPS_END_MARGIN
    unmarked = _unmarked_lines(tokens)
    # typed text's layout: its headings, its verse, and whether it is prose wrapped to a width that
    # ends its sentences with full stops inside its lines, where an unpunctuated line end is the
    # width's ("you should change / ZLIB_VERSION", "the United / Kingdom"), not a sentence's
    typed = doc.paragraphs() if doc.fmt == "plain" else []
    headings = heading_lines(tokens, typed, doc.source)
    verse = verse_line_starts(tokens, typed)
    filled = [False] * n
    inside_ends = (
        sum(1 for k, t in enumerate(tokens[:-1]) if t.boundary != EOL and _END_RE.search(t.text) and _starts_upper(tokens[k + 1]))
        if typed
        else 0
    )
    if inside_ends >= FILLED_MIN_ENDS:
        whole = is_wrapped(tokens)
        width = max(_line_widths(tokens, 0, n))
        for s, e in typed:
            # (the text's width, or its paragraph's: a FAQ's answers; or every line of the paragraph full
            # to the text's width, where code blocks' short lines keep the text from counting as filled)
            if whole or is_wrapped(tokens[s:e]) or _full_to(tokens, s, e, width):
                filled[s:e] = [True] * (e - s)
    # 1. where sentences end (a turn of another speaker ends the sentence before it, as a bare cue end does)
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < n else None
        if nxt is not None and nxt.speaker != tok.speaker and tok.boundary != BARE:
            tok = tokens[i] = replace(tok, boundary=BARE)
        if i + 1 in verse and tok.boundary == EOL:
            # (a line of verse: "He will not see me stopping here / To watch ...", its line kept)
            end, new_text = _punct_ends(tok, nxt, tokens[i - 1] if i > 0 else None), None
            tok = replace(tok, line_break=True)
        elif i in headings:
            end, new_text = True, None  # (a heading: "Agenda", "Next steps"), a paragraph of its own
            if nxt is not None and not nxt.paragraph_start:
                tokens[i + 1] = replace(nxt, paragraph_start=True)
        elif tok.boundary in (BARE, EOL) or nxt is None:
            end, new_text, reason = _resolve_end(tokens, i, capitals, margin, unmarked, doc.fmt == "plain", filled[i])
            if new_text is not None:
                kind = "sentence-end" if end else "punctuation"
                changes.append(change_for(tok, kind, new_text, reason, STAGE))
                tok = replace(tok, text=new_text)
        else:
            end = _punct_ends(tok, nxt, tokens[i - 1] if i > 0 else None)
        tokens[i] = replace(tok, sentence_end=end) if tok.sentence_end != end else tok  # unchanged: no copy

    # 2. capitals: sentence starts up, never-a-name words inside a sentence down
    code = code_mask(tokens)
    lower_seen = Counter(t.core for t in tokens if t.core and t.core[0].islower())
    starts = {0} | {i + 1 for i, t in enumerate(tokens) if t.sentence_end}
    # (a turn's first word after its speaker's label in capitals: "ANNA: okay so" -> "ANNA: Okay so";
    # "Jo: finalise the plan" in typed notes keeps the writer's case)
    labels = {i for i in starts if i + 1 < n and tokens[i].text.endswith(":") and tokens[i].core.isupper()}
    starts |= {i + 1 for i in labels if speaker_label(tokens[i].text) is not None}
    # (and a numbered item's first word: "1. Move the button", no slip of the "move" elsewhere)
    starts |= {i + 1 for i in starts if i + 1 < n and tokens[i].paragraph_start and NUMBERED_ITEM.fullmatch(tokens[i].text)}
    mid_caps = Counter(t.core for i, t in enumerate(tokens) if i not in starts and t.core[:1].isupper())
    # where each word stands inside a sentence, kept up to date as capitals go below
    inside: dict[str, set[int]] = defaultdict(set)
    for i, tok in enumerate(tokens):
        if i not in starts:
            inside[tok.core].add(i)

    lower_case = {t.core for t in tokens if t.core.islower()} - set(ALWAYS_CAPITALISED)
    names = get_lexicon().capitalised_names(lower_case, LOWER_CASE_NAME_MIN_ZIPF)

    def lowered(i: int, tok: Token, new: str) -> None:
        tokens[i] = replace(tok, text=new)
        inside[tok.core].discard(i)
        inside[tokens[i].core].add(i)

    def raised(i: int, tok: Token, k: int, reason: str) -> None:
        """Token ``i`` with a capital at its first letter (``k``), and the change that says why."""
        new = tok.text[:k] + tok.text[k].upper() + tok.text[k + 1 :]
        changes.append(change_for(tok, "capitalisation", new, reason, STAGE))
        tokens[i] = replace(tok, text=new)

    for i, tok in enumerate(tokens):
        core = tok.core
        k = first_alpha_index(tok.text)
        if k < 0 or not core:
            continue
        if i in starts:
            # (`code` keeps its case, and so does "19th")
            if (
                tok.text[k].islower()
                and not any(ch.isupper() for ch in core[1:])
                and not any(ch in "`0123456789" for ch in tok.text[:k])
                and not code[i]
                and not _CODE_LIKE.search(tok.text)
            ):
                raised(i, tok, k, "a sentence starts with a capital")
            continue
        if (
            i > 0
            and tokens[i - 1].text in _TITLES
            and k == 0
            and core.isalpha()
            and core.islower()
            and tok.text.startswith(core)
            and core not in CONTINUATION_WORDS
        ):
            # "Dr. smith": the word after a person's title is the person's name
            raised(i, tok, k, f"a name after '{tokens[i - 1].text}' takes a capital")
            continue
        if k == 0 and core in ALWAYS_CAPITALISED and tok.text.startswith(core) and core not in ctx.protected and not code[i]:
            raised(i, tok, k, f"'{core.capitalize()}' is always written with a capital")
            continue
        if k == 0 and core in names and tok.text.startswith(core) and core not in ctx.protected and not code[i]:
            raised(i, tok, k, f"a name: Harper's dictionary knows '{core.capitalize()}' only with a capital")
            continue
        prev = tokens[i - 1]
        if i in verse:
            continue  # a verse line's capital ("To watch his woods fill up with snow")
        after_break = prev.text.rstrip(_CLOSERS).endswith((":", ";")) or _opens_quote(tok) or prev.text.endswith("\u2014")
        if not core[0].isupper() or core[1:] != core[1:].lower() or after_break:
            continue
        if core == "I" or core.startswith(("I'", "I\u2019")):
            continue  # the pronoun: its capital is never the slip ("then i said ... then I said")
        nxt_ok = i + 1 >= n or _starts_lower(tokens[i + 1]) or not tokens[i + 1].core
        prev_ok = (i - 1) in starts or _starts_lower(prev)
        if core.lower() in NEVER_CAPITALISED_MIDSENTENCE and nxt_ok and prev_ok:
            new = tok.with_core(core.lower()).text
            changes.append(change_for(tok, "capitalisation", new, f"'{core.lower()}' is never a name: no capital inside a sentence", STAGE))
            lowered(i, tok, new)
        elif _title_follows(tokens, i) or _title_precedes(tokens, i, starts):
            continue  # inside a name of several words ("the Royal Society of Arts"): no change, no doubt
        elif (
            prev_ok
            and nxt_ok
            and mid_caps[core] == 1
            and lower_seen[core.lower()] >= 2
            and not prev.text.endswith((")", ">", "]"))  # a list item "b) Give ...", a heading
            and prev.core.lower() not in DETERMINERS  # "the State", "the Warranty": a named concept
            and prev.core.lower() not in TITLE_INTRODUCERS  # "his 2020 work Trust": a title
            and core.lower() not in SENTENCE_OPENERS  # "Boston roll An uramaki ...": a sentence's end is missing, not a capital
        ):
            new = tok.with_core(core.lower()).text
            changes.append(
                change_for(
                    tok,
                    "capitalisation",
                    new,
                    f"capitalised inside a sentence only here; '{core.lower()}' is lower-case elsewhere in the document",
                    STAGE,
                    0.7,
                )
            )
            lowered(i, tok, new)
        elif prev_ok and nxt_ok and lower_seen[core.lower()] >= 2 and mid_caps[core] == 1:
            flags.append(
                Flag("capitalisation", core, (core.lower(),), token_span(tok),
                     "capitalised inside a sentence, lower-case elsewhere in the document: a name, or a slip?", STAGE, 0.5)
            )  # fmt: skip
        elif prev_ok and nxt_ok and lower_seen[core.lower()] and mid_caps[core] == 1:
            flags.extend(_capital_or_not(doc, tokens, i, sorted(inside.get(core.lower(), ()))))
    return doc.with_tokens(tokens), changes, flags
