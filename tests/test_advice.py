"""Advice that is wrong is worse than none: flags whose suggestions the evidence does not bear out
lose them, or go; and a sentence run into the next without a space ("in.Then") is split."""

from __future__ import annotations

import re

from cleanup.clean.base import Context
from cleanup.clean.grammar import grammar
from cleanup.clean.lexicon import get_lexicon
from cleanup.clean.pipeline import Cleaned, drop_contradicted
from cleanup.clean.spacing import spacing
from cleanup.engines import Issue
from cleanup.engines.harper import HarperEngine
from cleanup.model import Change, Flag
from cleanup.readers import read_text
from cleanup.writers.prose import render_prose
from tests.conftest import caption, prose, run_clean


class ItsStandin:
    """An engine that says what Harper's ItsPossessive says, about every "It's"."""

    name = "standin"
    safe_rules: frozenset[str] = frozenset()
    quiet_categories: frozenset[str] = frozenset()
    quiet_rules: frozenset[str] = frozenset()

    def check(self, text: str) -> list[Issue]:
        return [
            Issue(m.start(), m.end(), "ItsPossessive", "Agreement", "Use the possessive pronoun `its`.", ("Its",))
            for m in re.finditer(r"\bIt's\b", text)
        ]


def grammar_flags(text: str, engine: object) -> list[Flag]:
    doc = read_text(caption(text))
    _, _, flags = grammar(doc, Context(engine=engine))  # type: ignore[arg-type]
    return flags


# 1. a closed compound must be a common word, and the two words not a common bigram
def test_implausible_closed_compound_is_not_suggested(harper_engine: HarperEngine) -> None:
    lex = get_lexicon()
    assert not lex.plausible_join(["be", "taking"], "betaking")  # a rare word, and a common bigram
    assert not lex.plausible_join(["a", "lot"], "alot")
    assert not lex.plausible_join(["may", "be"], "maybe")  # "may be" is English in its own right
    assert lex.plausible_join(["note", "book"], "notebook")
    flags = grammar_flags("Some of us will soon be taking that for granted", harper_engine)
    assert all("betaking" not in f.suggestions for f in flags)
    assert all(f.text != "be taking" for f in flags)  # its only advice was wrong: the flag went
    kept = grammar_flags("She wrote it down in a note book", harper_engine)
    assert any(f.text == "note book" and f.suggestions == ("notebook",) for f in kept)


# 2. a finding that cuts a hyphenated word is the engine reading another text
def test_no_join_across_a_hyphenated_word(harper_engine: HarperEngine) -> None:
    flags = grammar_flags("The council voted against the re-zoning of the old harbour", harper_engine)
    assert all(f.text != "the re" and "there" not in f.suggestions for f in flags)
    out = run_clean(caption("They fought over the re-zoning plan for years"), engine=harper_engine)
    assert "re-zoning" in prose(out.doc)
    assert all("there" not in [s.lower() for s in f.suggestions] for f in out.flags)


# 3. "It's" before a word that never follows the possessive is right: no flag
def test_its_before_a_closed_class_word_is_not_flagged() -> None:
    engine = ItsStandin()
    for text in ("It's what keeps the village alive", "It's not over yet", "It's how we learned", "It's also true"):
        assert grammar_flags(text, engine) == [], text
    # a word that can follow the possessive, or an adjective: the doubt stays
    for text in ("It's central idea was simple", "It's very nature is change"):
        (flag,) = grammar_flags(text, engine)
        assert flag.text == "It's" and flag.suggestions == ("Its",), text
    # "It's own" is no doubt: always the possessive, fixed before the engine reads it
    _, changes, flags = grammar(read_text(caption("It's own weight broke it")), Context(engine=engine))  # type: ignore[arg-type]
    assert [c.after for c in changes] == ["Its"] and flags == []


def test_its_before_what_through_the_pipeline(harper_engine: HarperEngine) -> None:
    out = run_clean(caption("The river floods every spring. It's what keeps the valley green"), engine=harper_engine)
    assert "It's what keeps" in prose(out.doc)
    assert not [f for f in out.flags if "Its" in f.suggestions]


# 4. a capital once and lower case once: a tie, no direction is suggested unless Harper says
def test_capital_tie_gives_no_direction() -> None:
    out = run_clean(caption("We walked into one big Apple store downtown", "and later into an apple store at the mall"))
    caps = [f for f in out.flags if f.kind == "capitalisation"]
    assert {f.text for f in caps} == {"Apple", "apple"}
    assert all(f.suggestions == () for f in caps)
    by_text = {f.text: f for f in caps}
    assert "written 'apple' at line 5 too" in by_text["Apple"].reason
    assert "written 'Apple' at line 4 too" in by_text["apple"].reason
    assert not [c for c in out.changes if c.kind == "capitalisation" and c.before.lower().startswith("apple")]


def test_capital_tie_where_lower_case_is_no_word_points_at_the_slip() -> None:
    out = run_clean(caption("Next spring we fly to lovely Paris again", "because lovely paris was so warm"))
    caps = [f for f in out.flags if f.kind == "capitalisation"]
    assert [(f.text, f.suggestions) for f in caps] == [("paris", ("Paris",))]


def test_lower_case_twice_still_wins() -> None:
    out = run_clean(caption("the garden grows well", "and every garden needs rain", "so Garden plants got some today"))
    assert ("Garden", "garden") in {(c.before, c.after) for c in out.changes if c.kind == "capitalisation"}


# 5. advice the same stage contradicts elsewhere goes
def test_contradicted_suggestion_is_dropped() -> None:
    span = (0, 1)
    changes = [Change("grammar", "their", "there", span, "harper TheirToThere", "grammar")]
    flags = [
        Flag("grammar", "there", ("their",), span, "harper ThereToTheir", "grammar"),  # B -> A: goes
        Flag("grammar", "There,", ("their", "they're"), span, "two suggestions", "grammar"),  # loses one
        Flag("spelling", "there", ("their",), span, "another stage", "spelling"),  # not the same stage
        Flag("grammar", "one", ("won",), span, "x", "grammar"),
        Flag("grammar", "won", ("one",), span, "y", "grammar"),  # two flags contradict each other
        Flag("grammar", "nothing", (), span, "no suggestion", "grammar"),
        Flag("capitalisation", "Apple", ("apple",), span, "case only", "sentences"),
        Flag("capitalisation", "apple", ("Apple",), span, "case only", "sentences"),
    ]
    kept = drop_contradicted(changes, flags)
    assert [(f.text, f.suggestions) for f in kept] == [
        ("There,", ("they're",)),
        ("there", ("their",)),
        ("nothing", ()),
        ("Apple", ("apple",)),
        ("apple", ("Apple",)),
    ]


# 6. "in.Then": a sentence run into the next without a space
def test_missing_space_after_a_sentence_end_is_split() -> None:
    doc = read_text(caption("We fixed the roof in.Then the rain came back"))
    out, changes, _ = spacing(doc, Context())
    texts = [t.text for t in out.tokens]
    k = texts.index("in.")
    assert texts[k + 1] == "Then"
    for tok in out.tokens[k : k + 2]:
        (span,) = tok.src
        assert doc.source[span[0] : span[1]] == tok.text  # exact source slices
    (change,) = changes
    assert (change.kind, change.before, change.after) == ("spacing", "in.Then", "in. Then")
    assert change.reason
    cleaned = run_clean(caption("We fixed the roof in.Then the rain came back"))
    assert prose(cleaned.doc) == "We fixed the roof in. Then the rain came back."
    assert len(cleaned.doc.sentences()) == 2
    again = run_clean(render_prose(cleaned.doc))
    assert again.changes == []


def test_abbreviations_numbers_and_names_with_dots_are_not_split() -> None:
    kept = "the U.S. and e.g. a Ph.D. in Node.js at example.com or www.Example.com with 3.14 and v2.Final or no.Five"
    out, changes, _ = spacing(read_text(caption(kept)), Context())
    assert changes == []
    assert prose(out) == kept
    for token in ("reddit.Com", "report.Pdf", "mr.Smith", "a.Then", "in.THEN", "work.Xyzzy"):
        _, changes, _ = spacing(read_text(caption(f"see {token} now")), Context())
        assert changes == [], token


def test_seed_flags_give_no_wrong_advice(seed_cleaned: Cleaned) -> None:
    flags = seed_cleaned.flags
    assert all("betaking" not in [s.lower() for s in f.suggestions] for f in flags)
    assert not [f for f in flags if f.text.lower() == "the re"]
    assert not [f for f in flags if f.text == "It's" and "Its" in f.suggestions]
    assert not [f for f in flags if f.text == "Amazon" and "amazon" in f.suggestions]
    amazon = [f for f in flags if f.text.lower() == "amazon"]
    assert amazon and all(f.suggestions == () and "one of them is a slip" in f.reason for f in amazon)


def test_its_possessive_only_where_the_model_expects_the_next_word_after_its(harper_engine: HarperEngine) -> None:
    """Harper's "it's" -> "its" is applied only where the next word is far likelier after "its" (a
    new user's "I think it's plenty salty" had become "its"); "changed it's name" still is fixed."""
    out = run_clean(caption("Taste it first, but I think it's plenty salty already"), engine=harper_engine)
    assert "it's plenty salty" in prose(out.doc)
    out = run_clean(caption("The company changed it's name last year"), engine=harper_engine)
    assert "changed its name" in prose(out.doc)


def test_its_after_a_preposition_and_before_own_is_the_possessive() -> None:
    """ "at it's most vulnerable", "out of it's pram", "It's own rules": the possessive (a real
    child's "out of it's pram" in the benchmark). After a verb's particle a new sentence may follow
    unpunctuated ("come in it's cold"): left alone, as is "it's" before a word the possessive never
    takes ("proud of it's a" is no possessive)."""
    out = prose(run_clean(caption("The team is at it's most vulnerable. It's own rules are strict. Come in it's cold")).doc)
    assert out == "The team is at its most vulnerable. Its own rules are strict. Come in it's cold."
    out = run_clean(caption("we were proud of it\u2019s history and of it's a kind"))
    assert "of its\u2019s" not in prose(out.doc) and "of it\u2019s history" not in prose(out.doc)
    assert [c.after for c in out.changes if c.kind == "grammar"] == ["its"]
    # a new user's blog: "has it's bad days", "about it's moods"; and the other way, "Its amazing
    # what", "whether its worth the effort" (but "its worth is" is the possessive's noun)
    out = prose(run_clean(caption("The garden has it's bad days and I worry about it's moods. Its amazing what rain does")).doc)
    assert out == "The garden has its bad days and I worry about its moods. It's amazing what rain does."
    out = prose(run_clean(caption("I wonder whether its worth the effort, since its worth is hard to measure")).doc)
    assert out == "I wonder whether it's worth the effort, since its worth is hard to measure."
