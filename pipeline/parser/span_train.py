"""Train the span model (names, titles, companies, schools, degrees, places) on the corpus.

Run: `python -m pipeline.parser.span_train --corpus ../shared/data/corpus/dotin` (writes
`pipeline/data/span_model/`, prints per-entity P/R/F1 on the corpus's `test/` split). The
corpus holds 360 CC0 résumés with inline labels (see its README); the 20 of them that were
re-laid out into the parse-dev set are held out, so the dev score never grades a model on its
own training text. Training is seeded and single-threaded: the same corpus and seed give the
same weights.

A small spaCy NER (hash embeddings + CNN, the library's default) is enough here: the model is
evidence beside the rules, not the parser, and it must load in well under a second.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import compounding, filter_spans, fix_random_seed, minibatch

from pipeline.parser.span_model import LABELS, MODEL_DIR

# corpus label → our label (skills, years and emails are the rules' job)
CORPUS_LABELS = {
    "Name": "NAME", "Designation": "TITLE", "Companies worked at": "COMPANY",
    "College Name": "SCHOOL", "Degree": "DEGREE", "Location": "LOCATION",
}
# re-laid out into ../parse-dev (see the corpus README): never trained on
HELD_OUT = {f"train/{n}.xml" for n in (2, 3, 8, 10, 14, 16, 18, 24, 26, 27, 33, 38, 40, 42,
                                       51, 61)} | {f"test/Indeed_{n}.xml" for n in (1, 2, 3, 10)}
_LABEL = re.compile(r'<label type="([^"]+)">(.*?)</label>', re.S)
_MAX_CHARS = 3000


def read_labelled(path: Path) -> tuple[str, list[tuple[int, int, str]]]:
    """A corpus file → its plain text and (start, end, label) spans of the labels we keep."""
    xml = path.read_text(encoding="utf-8")
    xml = re.sub(r"<\?xml[^>]*\?>|</?cv>", "", xml)
    text: list[str] = []
    spans: list[tuple[int, int, str]] = []
    pos = 0
    length = 0
    for m in _LABEL.finditer(xml):
        before = xml[pos:m.start()]
        text.append(before)
        length += len(before)
        value = m.group(2)
        label = CORPUS_LABELS.get(m.group(1))
        # a label wrapped over lines becomes one span per line (no entity holds a newline)
        offset = 0
        for part in value.split("\n"):
            stripped = part.strip(" \t.,;:-()")
            if label and stripped:
                at = offset + part.find(stripped)
                spans.append((length + at, length + at + len(stripped), label))
            offset += len(part) + 1
        text.append(value)
        length += len(value)
        pos = m.end()
    text.append(xml[pos:])
    return "".join(text), spans


def _chunks(text: str, spans: list[tuple[int, int, str]]) -> Iterator[tuple[str, list]]:
    """Cut a long résumé at blank lines into pieces of at most ~3,000 characters."""
    start = 0
    while start < len(text):
        end = min(len(text), start + _MAX_CHARS)
        if end < len(text):
            cut = text.rfind("\n\n", start + 500, end)
            end = cut if cut > 0 else end
        # never cut through a labelled span
        for s, e, _ in spans:
            if s < end < e:
                end = e
        yield text[start:end], [(s - start, e - start, lab) for s, e, lab in spans
                                if s >= start and e <= end]
        start = end


def examples(nlp: Language, files: list[Path]) -> list[Example]:
    out: list[Example] = []
    for path in files:
        text, spans = read_labelled(path)
        for chunk, chunk_spans in _chunks(text, spans):
            doc = nlp.make_doc(chunk)
            ents: list[Span] = []
            for s, e, label in chunk_spans:
                span = doc.char_span(s, e, label=label, alignment_mode="contract")
                if span is not None and len(span) and not (
                        span[0].is_space or span[-1].is_space or span[0].is_punct
                        or span[-1].is_punct):
                    ents.append(span)
            ref = Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_)
                                                                       for t in doc])
            ref.ents = [Span(ref, sp.start, sp.end, label=sp.label_) for sp in filter_spans(ents)]
            out.append(Example(doc, ref))
    return out


def corpus_files(corpus: Path, split: str) -> list[Path]:
    return [p for p in sorted((corpus / split).glob("*.xml"))
            if f"{split}/{p.name}" not in HELD_OUT]


def train(corpus: Path, *, epochs: int = 12, seed: int = 0, limit: int | None = None,
          log: bool = True) -> Language:
    """A trained pipeline (blank English tokenizer + NER) from the corpus's train split."""
    fix_random_seed(seed)
    nlp = spacy.blank("en")
    ner = cast(EntityRecognizer, nlp.add_pipe("ner"))
    for label in LABELS:
        ner.add_label(label)
    files = corpus_files(corpus, "train")[:limit]
    train_set = examples(nlp, files)
    optimizer = nlp.initialize(lambda: train_set)
    rng = random.Random(seed)
    for epoch in range(epochs):
        t0 = time.perf_counter()
        rng.shuffle(train_set)
        losses: dict[str, float] = {}
        for batch in minibatch(train_set, size=compounding(4.0, 32.0, 1.001)):
            nlp.update(batch, sgd=optimizer, drop=0.2, losses=losses)
        if log:
            print(f"epoch {epoch + 1:2d}  loss {losses.get('ner', 0.0):9.1f}  "
                  f"{time.perf_counter() - t0:5.1f} s", flush=True)
    return nlp


def evaluate(nlp: Language, corpus: Path) -> dict[str, dict[str, float]]:
    """Per-entity precision/recall/F1 on the corpus's test split (held-out files excluded)."""
    scores = nlp.evaluate(examples(nlp, corpus_files(corpus, "test")))
    per_type: dict[str, dict[str, float]] = scores.get("ents_per_type") or {}
    per_type["ALL"] = {"p": scores["ents_p"], "r": scores["ents_r"], "f": scores["ents_f"]}
    return per_type


def main() -> None:
    here = Path(__file__).resolve().parents[2]
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=here.parent / "shared/data/corpus/dotin")
    ap.add_argument("--out", type=Path, default=MODEL_DIR)
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    nlp = train(args.corpus, epochs=args.epochs, seed=args.seed)
    nlp.meta.update({"name": "hotgigs_spans", "version": "1.0.0", "license": "CC0-1.0 data",
                     "description": "Résumé spans trained on the dotin CC0 corpus"})
    nlp.to_disk(args.out)
    print(f"{'entity':10} {'P':>6} {'R':>6} {'F1':>6}")
    for label, s in sorted(evaluate(nlp, args.corpus).items()):
        print(f"{label:10} {s['p']:6.3f} {s['r']:6.3f} {s['f']:6.3f}")


if __name__ == "__main__":
    main()
