from __future__ import annotations

from pathlib import Path

import pytest

from cleanup.clean.base import Context
from cleanup.clean.pipeline import Cleaned, clean
from cleanup.engines.harper import HarperEngine
from cleanup.model import Document
from cleanup.readers import read_text

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_6b06ca91f54c6f31.txt"
SHARED_EVAL = ROOT.parent / "shared" / "eval"
NBSP = "\u00a0"


@pytest.fixture(scope="session")
def harper_engine() -> HarperEngine:
    return HarperEngine()


@pytest.fixture(scope="session")
def seed_cleaned(harper_engine: HarperEngine) -> Cleaned:
    return clean(read_text(SEED.read_text(encoding="utf-8")), Context(engine=harper_engine))


def caption(*cues: str, title: str = "A Title", date: str = "2024-01-01") -> str:
    """A caption-paste transcript: cues ending in '~' run on (NBSP NBSP), '|' joins display lines."""
    lines = []
    for cue in cues:
        text = cue.replace("|", NBSP + " ")
        lines.append(text[:-1] + NBSP + NBSP if text.endswith("~") else text)
    return f"{title}\n\n{date}\n" + "\n".join(lines) + "\n"


def run_clean(text: str, engine: object | None = None, protected: frozenset[str] = frozenset()) -> Cleaned:
    return clean(read_text(text), Context(engine=engine, protected=protected))  # type: ignore[arg-type]


def prose(doc: Document) -> str:
    return doc.body_text()
