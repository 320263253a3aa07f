"""The trained span model, loaded once per process and asked for evidence, never for answers.

`span_train` writes a small spaCy NER to `pipeline/data/span_model/`. Here it is loaded once
(a worker loads it at start) and run over a document's text; the field rules ask it whether a
piece they found is a NAME, TITLE, COMPANY, SCHOOL, DEGREE or LOCATION. When the model is
absent (not built, or removed to save memory) the parser runs on its rules alone and says so
in a warning.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).resolve().parent.parent / "data" / "span_model"
LABELS = ("NAME", "TITLE", "COMPANY", "SCHOOL", "DEGREE", "LOCATION")
ABSENT_WARNING = "span model not installed: fields found by rules alone"


class Spans:
    """The model's entities over some text, found the first time anyone asks.

    The rules ask only where they cannot decide (two name candidates alike, a title and a
    company that no word list tells apart), so most résumés never run the model at all.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._by_label: dict[str, frozenset[str]] | None = None
        # fields whose value the model, not the rules, decided: their confidence says so
        self.decided: set[str] = set()

    def says(self, text: str, label: str) -> bool:
        """Whether the model tagged exactly this text (spaces and case folded) as `label`."""
        return _key(text) in self.by_label().get(label, frozenset())

    def by_label(self) -> dict[str, frozenset[str]]:
        if self._by_label is None:
            self._by_label = _run(self._text)
        return self._by_label


def _key(text: str) -> str:
    return " ".join(text.casefold().split()).strip(" .,;:-|")


_model_dir: Path | None = MODEL_DIR


def configure(model_dir: Path | None) -> None:
    """Use the model in `model_dir` (None: none at all, rules alone) from the next parse on."""
    global _model_dir
    _model_dir = model_dir
    _load.cache_clear()


@cache
def _load(model_dir: Path | None) -> Any | None:
    if model_dir is None or not (model_dir / "meta.json").exists():
        log.warning("%s (%s)", ABSENT_WARNING, model_dir)
        return None
    import spacy

    return spacy.load(model_dir)


def pipeline() -> Any | None:
    """The loaded spaCy pipeline (the same object for every call in a process), or None."""
    return _load(_model_dir)


def available() -> bool:
    return pipeline() is not None


def load() -> None:
    """Load now: a worker does this at start, so the first résumé does not wait."""
    pipeline()


def find(text: str) -> Spans | None:
    """The model's spans over `text` (run on first use), or None when it is not installed."""
    return Spans(text) if available() else None


def _run(text: str) -> dict[str, frozenset[str]]:
    nlp = pipeline()
    found: dict[str, set[str]] = {}
    if nlp is not None:
        for doc in nlp.pipe(_pieces(text)):
            for ent in doc.ents:
                found.setdefault(ent.label_, set()).add(_key(ent.text))
    return {label: frozenset(v) for label, v in found.items()}


def _pieces(text: str, size: int = 3000) -> list[str]:
    """The text in pieces the size the model was trained on, cut at line ends."""
    out: list[str] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind("\n", start + size // 2, end)
            end = cut if cut > 0 else end
        out.append(text[start:end])
        start = end
    return out
