"""The trained span model: reproducible training, loaded once, and optional."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.parser import parse_document, span_model
from pipeline.parser.span_train import evaluate, read_labelled, train
from tests.unit.parser import docgen

_PEOPLE = [("Maren Solberg", "Data Engineer", "Fjord Analytics AS", "University of Oslo"),
           ("Tomás Okafor", "Nurse", "St Anne Hospital", "Lagos State University"),
           ("Priya Raman", "Accountant", "Ledger & Co", "Anna University")]


def _write_corpus(root: Path) -> Path:
    """A tiny corpus in the dotin format (inline labels), written by the test."""
    for split in ("train", "test"):
        (root / split).mkdir(parents=True)
        for n, (name, title, company, school) in enumerate(_PEOPLE):
            (root / split / f"{n}.xml").write_text(
                f'<cv>\n<label type="Name">{name}</label>\n'
                f'<label type="Designation">{title}</label> at '
                f'<label type="Companies worked at">{company}</label>\n\nEDUCATION\n'
                f'<label type="Degree">BSc</label> from <label type="College Name">{school}'
                f"</label>\n</cv>\n", encoding="utf-8")
    return root


def test_labels_become_spans_of_the_plain_text(tmp_path: Path) -> None:
    corpus = _write_corpus(tmp_path)
    text, spans = read_labelled(corpus / "train" / "0.xml")
    assert "<label" not in text
    assert [(text[s:e], label) for s, e, label in spans] == [
        ("Maren Solberg", "NAME"), ("Data Engineer", "TITLE"),
        ("Fjord Analytics AS", "COMPANY"), ("BSc", "DEGREE"), ("University of Oslo", "SCHOOL")]


def test_training_is_reproducible_from_its_seed(tmp_path: Path) -> None:
    corpus = _write_corpus(tmp_path)
    first = train(corpus, epochs=2, seed=3, log=False)
    second = train(corpus, epochs=2, seed=3, log=False)
    assert first.get_pipe("ner").model.to_bytes() == second.get_pipe("ner").model.to_bytes()
    assert set(evaluate(first, corpus)) >= {"ALL"}


@pytest.fixture
def model_off() -> Iterator[None]:
    span_model.configure(None)
    yield
    span_model.configure(span_model.MODEL_DIR)


def test_the_parser_works_on_rules_alone_without_the_model(model_off: None) -> None:
    lines: list[str | tuple[str, float, bool]] = [
        ("Maren Solberg", 18.0, True), "maren@example.org", "", docgen.h("Experience"),
        "Data Engineer | Fjord Analytics AS | 2019 - Present"]
    res = parse_document(docgen.pdf([docgen.column(50, 60, lines)]), "cv.pdf")
    assert res.name == "Maren Solberg"
    assert res.experience[0].company == "Fjord Analytics AS"
    assert span_model.ABSENT_WARNING in res.meta.warnings


@pytest.mark.skipif(not (span_model.MODEL_DIR / "meta.json").exists(),
                    reason="the shipped span model is built by make")
def test_the_shipped_model_is_loaded_once_and_tips_a_title_company_tie() -> None:
    span_model.configure(span_model.MODEL_DIR)
    assert span_model.pipeline() is span_model.pipeline()
    spans = span_model.find("Software Engineer\nInfosys Limited")
    assert spans is not None and spans.says("Infosys Limited", "COMPANY")


@pytest.mark.skipif(not (span_model.MODEL_DIR / "meta.json").exists(),
                    reason="the shipped span model is built by make")
def test_a_role_the_model_decided_has_low_confidence_and_says_so() -> None:
    """No word list knows 'Clínica Santa Aurelia' or 'Physiotherapist': the model decides, the
    confidence drops below the LLM step's threshold and a warning names the field."""
    span_model.configure(span_model.MODEL_DIR)
    lines: list[str | tuple[str, float, bool]] = [
        ("Maren Solberg", 18.0, True), "maren@example.org", "", docgen.h("Experience"),
        ("Clínica Santa Aurelia", 10.0, True), "Physiotherapist\t2019 - 2021",
        "• Treated patients", ("Infosys Limited", 10.0, True), "Technology Lead\t2016 - 2019"]
    res = parse_document(docgen.pdf([docgen.column(50, 60, lines, step=13)]), "cv.pdf")
    assert [(e.title, e.company) for e in res.experience] == [
        ("Physiotherapist", "Clínica Santa Aurelia"), ("Technology Lead", "Infosys Limited")]
    assert res.meta.confidence["experience"] < 0.6
    assert "decided by the span model, not the rules: experience" in res.meta.warnings
