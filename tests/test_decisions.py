"""An editor's review decisions re-applied: rejected changes undone after their stage, resolved
flags applied as changes of kind ``review``, and every decision that met nothing listed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleanup.clean.base import Context
from cleanup.clean.decisions import SCHEMA, Decisions, load_decisions
from cleanup.clean.pipeline import Cleaned, clean
from cleanup.engines.harper import HarperEngine
from cleanup.errors import CleanupError
from cleanup.model import Change, Flag
from cleanup.readers import read_text
from tests.conftest import caption, prose, run_clean
from tests.test_properties import transcripts

ENGINE = HarperEngine()


def reject(c: Change, decision: str = "reject") -> dict[str, Any]:
    return {
        "about": "change",
        "kind": c.kind,
        "start": c.span[0],
        "end": c.span[1],
        "before": c.before,
        "after": c.after,
        "decision": decision,
    }


def resolve(f: Flag, replacement: str | None = None) -> dict[str, Any]:
    d: dict[str, Any] = {"about": "flag", "kind": f.kind, "start": f.span[0], "end": f.span[1], "text": f.text}
    d.update({"decision": "resolve", "replacement": replacement} if replacement is not None else {"decision": "leave"})
    return d


def decisions(*items: dict[str, Any]) -> Decisions:
    return Decisions.from_json({"schema": SCHEMA, "input": "talk.txt", "decisions": list(items)})


def with_decisions(text: str, *items: dict[str, Any], engine: HarperEngine | None = None) -> Cleaned:
    return clean(read_text(text), Context(engine=engine, decisions=decisions(*items)))


def only(changes: list[Change], kind: str, before: str) -> Change:
    found = [c for c in changes if c.kind == kind and c.before == before]
    assert len(found) == 1, changes
    return found[0]


def keys(changes: list[Change]) -> set[tuple[int, int, str, str]]:
    return {(c.span[0], c.span[1], c.kind, c.before) for c in changes}


TEXT = caption("so the realityjust occured here -- and zorblax was|fine~", "and it was good.")


def test_reject_a_spelling_change_keeps_the_word_and_the_other_changes() -> None:
    first = run_clean(TEXT)
    assert "occurred" in prose(first.doc)
    rejected = only(first.changes, "spelling", "occured")
    out = with_decisions(TEXT, reject(rejected))
    assert "reality just occured here" in prose(out.doc)
    assert keys(out.changes) == keys(first.changes) - keys([rejected])
    assert out.unmatched == []


@pytest.mark.parametrize(
    ("kind", "before", "expected"),
    [
        ("split", "realityjust", "So the realityjust occurred here"),
        ("capitalisation", "so", "so the reality just occurred here"),
        ("dash", "--", "occurred here -- and"),
    ],
)
def test_reject_a_split_a_capital_a_dash(kind: str, before: str, expected: str) -> None:
    first = run_clean(TEXT)
    rejected = only(first.changes, kind, before)
    out = with_decisions(TEXT, reject(rejected))
    assert expected in prose(out.doc)
    assert keys(out.changes) == keys(first.changes) - keys([rejected])
    assert out.unmatched == []


def test_reject_a_removed_repeated_word() -> None:
    text = caption("They put there money in the the fund and had had enough.")
    first = run_clean(text, engine=ENGINE)
    assert "in the fund" in prose(first.doc)
    rejected = only(first.changes, "grammar", "the")
    assert rejected.after == ""
    out = with_decisions(text, reject(rejected), engine=ENGINE)
    assert "put their money in the the fund and had had enough." in prose(out.doc)
    assert keys(out.changes) == keys(first.changes) - keys([rejected])
    assert out.unmatched == []


def test_reject_a_removed_word_that_took_the_full_stop() -> None:
    # the removed word's full stop went to the word before it: it comes back with its word
    text = caption("They put money in the the. Then it grew.")
    first = run_clean(text, engine=ENGINE)
    rejected = only(first.changes, "grammar", "the.")
    out = with_decisions(text, reject(rejected), engine=ENGINE)
    assert "put money in the the. Then it grew." in prose(out.doc)


def test_resolve_a_flag_gives_a_review_change_and_no_flag() -> None:
    first = run_clean(TEXT)
    flag = next(f for f in first.flags if f.text == "zorblax")
    out = with_decisions(TEXT, resolve(flag, "Zorblax"))
    assert "and Zorblax was fine" in prose(out.doc)
    assert not [f for f in out.flags if f.span == flag.span]
    review = [c for c in out.changes if c.kind == "review"]
    assert review == [Change("review", "zorblax", "Zorblax", flag.span, "resolved in review: 'Zorblax'", "review", 1.0)]
    assert out.unmatched == []


def test_resolve_keeps_punctuation_and_may_give_several_words() -> None:
    text = caption("and then zorblax, was fine.")
    flag = next(f for f in run_clean(text).flags if f.text == "zorblax")
    out = with_decisions(text, resolve(flag, "Zorb Lax"))
    assert "then Zorb Lax, was fine." in prose(out.doc)
    assert [c.after for c in out.changes if c.kind == "review"] == ["Zorb Lax,"]


def test_accept_and_leave_change_no_word_and_a_doubt_left_is_settled() -> None:
    first = run_clean(TEXT)
    flag = next(f for f in first.flags if f.text == "zorblax")
    out = with_decisions(TEXT, reject(first.changes[0], "accept"), resolve(flag))
    assert prose(out.doc) == prose(first.doc)
    assert out.changes == first.changes and out.flags == [f for f in first.flags if f != flag]
    assert out.unmatched == []


def test_decisions_that_match_nothing_are_listed() -> None:
    first = run_clean(TEXT)
    spelling = only(first.changes, "spelling", "occured")
    flag = next(f for f in first.flags if f.text == "zorblax")
    stale = [
        {**reject(spelling), "before": "ocured"},  # the text differs
        {**reject(spelling), "start": spelling.span[0] + 1},  # the place differs
        {**reject(spelling), "kind": "grammar"},  # the kind differs
        {**reject(spelling, "accept"), "end": 9999},
        {**resolve(flag, "Zorblax"), "text": "zorblix"},
        {**resolve(flag), "start": 0},
    ]
    out = with_decisions(TEXT, *stale)
    assert out.unmatched == stale
    assert prose(out.doc) == prose(first.doc)


def test_same_decisions_same_result() -> None:
    first = run_clean(TEXT)
    items = [reject(c) for c in first.changes[::2]]
    a, b = with_decisions(TEXT, *items), with_decisions(TEXT, *items)
    assert (prose(a.doc), a.changes, a.flags, a.unmatched) == (prose(b.doc), b.changes, b.flags, b.unmatched)


# ----- the file ------------------------------------------------------------------------------


def write(tmp_path: Path, obj: object) -> Path:
    path = tmp_path / "d.json"
    path.write_text(obj if isinstance(obj, str) else json.dumps(obj), encoding="utf-8")
    return path


GOOD = {"about": "change", "kind": "spelling", "start": 1, "end": 8, "before": "occured", "after": "occurred", "decision": "reject"}
FLAG = {"about": "flag", "kind": "spelling", "start": 5, "end": 12, "text": "zorblax", "decision": "resolve", "replacement": "Zorblax"}


def test_load_a_good_file(tmp_path: Path) -> None:
    loaded = load_decisions(write(tmp_path, {"schema": SCHEMA, "input": "a.txt", "decisions": [GOOD, FLAG]}))
    assert loaded.input == "a.txt"
    assert [d.key for d in loaded.decisions] == [(1, 8, "spelling", "occured"), (5, 12, "spelling", "zorblax")]
    assert loaded.decisions[1].replacement == "Zorblax"
    assert loaded.decisions[0].raw == GOOD


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{not json", "not JSON"),
        ([], "a JSON object"),
        ({"schema": "cleanup-decisions/2", "input": "a", "decisions": []}, "schema"),
        ({"input": "a", "decisions": []}, "schema"),
        ({"schema": SCHEMA, "input": "a", "decisions": {}}, "'decisions' must be a list"),
        ({"schema": SCHEMA, "input": "a", "decisions": [{k: v for k, v in FLAG.items() if k != "replacement"}]}, "replacement"),
        ({"schema": SCHEMA, "input": "a", "decisions": [{**FLAG, "replacement": " "}]}, "'replacement' must not be empty"),
        ({"schema": SCHEMA, "input": "a", "decisions": [{**GOOD, "decision": "maybe"}]}, "'decision'"),
        ({"schema": SCHEMA, "input": "a", "decisions": [{**GOOD, "decision": "resolve"}]}, "'decision'"),
        ({"schema": SCHEMA, "input": "a", "decisions": [{**FLAG, "decision": "reject"}]}, "'decision'"),
        ({"schema": SCHEMA, "input": "a", "decisions": [{**GOOD, "about": "note"}]}, "'about'"),
        ({"schema": SCHEMA, "input": "a", "decisions": [{**GOOD, "start": "1"}]}, "'start'"),
        ({"schema": SCHEMA, "input": "a", "decisions": [{**GOOD, "end": True}]}, "'end'"),
        ({"schema": SCHEMA, "input": "a", "decisions": [{**GOOD, "start": 9}]}, "before 'start'"),
        ({"schema": SCHEMA, "input": "a", "decisions": [{**GOOD, "kind": ""}]}, "'kind' must not be empty"),
        ({"schema": SCHEMA, "input": "a", "decisions": [{**GOOD, "before": None}]}, "'before' must be a string"),
        ({"schema": SCHEMA, "input": "a", "decisions": [GOOD, "reject"]}, "decisions[1] must be an object"),
        ({"schema": SCHEMA, "input": 3, "decisions": []}, "'input'"),
    ],
)
def test_bad_files_are_refused_in_one_line(tmp_path: Path, content: object, says: str) -> None:
    path = write(tmp_path, content)
    with pytest.raises(CleanupError) as caught:
        load_decisions(path)
    assert caught.value.path == str(path)
    assert says in caught.value.message
    assert "\n" not in str(caught.value)


def test_a_file_that_is_not_utf8_or_missing(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_bytes(b'{"schema": "\xff"}')
    with pytest.raises(CleanupError, match="UTF-8"):
        load_decisions(path)
    with pytest.raises(CleanupError, match="cannot read"):
        load_decisions(tmp_path / "missing.json")


# ----- on any transcript ----------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(transcripts(), st.data())
def test_rejecting_any_changes_undoes_them(text: str, data: st.DataObject) -> None:
    first = clean(read_text(text), Context(engine=ENGINE))
    chosen = data.draw(st.lists(st.sampled_from(first.changes), unique_by=id) if first.changes else st.just([]))
    flags = data.draw(st.lists(st.sampled_from(first.flags), unique_by=id) if first.flags else st.just([]))
    d = decisions(*(reject(c) for c in chosen), *(resolve(f, "Zorblax") for f in flags))
    second = clean(read_text(text), Context(engine=ENGINE, decisions=d))  # conservation is checked inside
    assert not keys(second.changes) & keys(chosen)
    unmatched = [(u["start"], u["end"], u["kind"], u["text"]) for u in second.unmatched if u["about"] == "flag"]
    left = {(f.span[0], f.span[1], f.kind, f.text) for f in second.flags}
    assert all((f.span[0], f.span[1], f.kind, f.text) not in left for f in flags if (f.span[0], f.span[1], f.kind, f.text) not in unmatched)
    again = clean(read_text(text), Context(engine=ENGINE, decisions=d))
    assert prose(again.doc) == prose(second.doc)
    assert again.changes == second.changes and again.flags == second.flags and again.unmatched == second.unmatched


def test_decisions_made_for_another_transcript_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cleanup.cli import main

    talk = tmp_path / "talk2.txt"
    talk.write_text(caption("we went home"), encoding="utf-8")
    saved = tmp_path / "talk1.decisions.json"
    saved.write_text(json.dumps({"schema": SCHEMA, "input": "talk1.txt", "decisions": []}), encoding="utf-8")
    assert main(["run", str(talk), "--decisions", str(saved), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "made for 'talk1.txt', not 'talk2.txt'" in err
    assert not (tmp_path / "o").exists()
    # renamed on purpose: the file says so, and the run goes ahead
    saved.write_text(json.dumps({"schema": SCHEMA, "input": "talk2.txt", "decisions": []}), encoding="utf-8")
    assert main(["run", str(talk), "--decisions", str(saved), "--out", str(tmp_path / "o")]) == 0


def test_resolve_a_doubt_in_the_title_changes_the_title() -> None:
    text = caption("we cook the rice and then we wait", title="hwo to Cook Rice Perfectley")
    flags = {f.text: f for f in run_clean(text).flags}
    out = with_decisions(text, resolve(flags["hwo"], "How"), resolve(flags["Perfectley"], "Perfectly"))
    assert out.doc.title == "How to Cook Rice Perfectly"
    assert [(c.before, c.after) for c in out.changes if c.kind == "review"] == [("hwo", "How"), ("Perfectley", "Perfectly")]
    assert not {"hwo", "Perfectley"} & {f.text for f in out.flags}
    assert prose(out.doc) == prose(run_clean(text).doc)  # (the text itself as before)
