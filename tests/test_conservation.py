"""The conservation check catches a stage that loses or silently changes a word."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cleanup.clean.base import Context, StageResult
from cleanup.clean.conservation import check_conservation
from cleanup.clean.pipeline import STAGES, clean
from cleanup.errors import ConservationError
from cleanup.model import Document
from cleanup.readers import read_text
from tests.conftest import caption


def _drop_last_word(doc: Document, ctx: Context) -> StageResult:
    return doc.with_tokens(doc.tokens[:-1]), [], []


def _silent_edit(doc: Document, ctx: Context) -> StageResult:
    tokens = list(doc.tokens)
    tokens[0] = replace(tokens[0], text="Changed")
    return doc.with_tokens(tokens), [], []


@pytest.mark.parametrize("stage,message", [(_drop_last_word, "lost the word 'end'"), (_silent_edit, "without a recorded change")])
def test_a_bad_stage_is_caught(monkeypatch: pytest.MonkeyPatch, stage: object, message: str) -> None:
    monkeypatch.setattr("cleanup.clean.pipeline.STAGES", (*STAGES, ("bad", stage)))
    with pytest.raises(ConservationError, match=message) as exc:
        clean(read_text(caption("It was the end")), Context())
    assert "stage 'bad'" in str(exc.value)


def test_a_good_run_accounts_for_every_word() -> None:
    out = clean(read_text(caption("The outter regions [b-roll: stars] and the the end")), Context())
    check_conservation(out.doc, out.changes, "final")
