"""The optional LLM step, driven through the real `openai` client against a local fake server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pipeline.models import Experience, ParsedResume, ParseMeta
from pipeline.parser.llm import LLMEnhancer
from tests.fakes.openai_server import FakeOpenAI

RESUME_TEXT = """Dana Okafor
dana.okafor@example.org | (415) 555-0123 | Oakland, CA

Experience
Staff Engineer, Brightwater Analytics, 2019 - present
Built billing services in Python and Rust.

Skills
Python, Rust, Quantum Widgets
"""


def answer(**overrides: Any) -> dict[str, Any]:
    """A schema-valid model answer: everything null/empty unless a test says otherwise."""
    base: dict[str, Any] = {
        "name": None, "email": None, "phone": None, "location": None, "summary": None,
        "experience": [], "education": [], "skills": [],
    }
    return base | overrides


def rule_based(**fields: Any) -> ParsedResume:
    confidence = {"name": 0.9, "email": 0.99, "phone": 0.95, "location": 0.8,
                  "experience": 0.9, "education": 0.0, "skills": 0.8}
    confidence.update(fields.pop("confidence", {}))
    meta = ParseMeta(confidence=confidence, skill_categories={"Python": "Programming languages"})
    defaults: dict[str, Any] = {
        "name": "Dana Okafor", "email": "dana.okafor@example.org", "phone": "+14155550123",
        "location": "Oakland, CA", "skills": ["Python"],
        "experience": [Experience(title="Staff Engineer", company="Brightwater Analytics",
                                  start_date="2019", end_date="present")],
    }
    return ParsedResume(**(defaults | fields), meta=meta)


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def enhancer(fake: FakeOpenAI) -> Iterator[LLMEnhancer]:
    with LLMEnhancer(api_key="sk-test", base_url=fake.base_url, model="fake-model",
                     timeout=2.0, max_retries=0) as llm:
        yield llm


def test_fills_a_low_confidence_field_and_sends_the_schema(
    fake: FakeOpenAI, enhancer: LLMEnhancer
) -> None:
    fake.reply_with(answer(name="Dana Okafor", location="Oakland, CA"))
    parsed = rule_based(name=None, confidence={"name": 0.0})

    result = enhancer.enhance(parsed, RESUME_TEXT)

    assert result.name == "Dana Okafor"
    assert parsed.name is None  # the input is not modified
    assert len(fake.requests) == 1
    body = fake.requests[0].body
    assert body["model"] == "fake-model"
    schema = body["response_format"]["json_schema"]["schema"]
    assert body["response_format"]["type"] == "json_schema"
    assert set(schema["required"]) >= {"name", "email", "phone", "experience", "skills"}
    assert "Staff Engineer, Brightwater Analytics" in fake.requests[0].user_text
    assert fake.requests[0].headers.get("authorization") == "Bearer sk-test"


def test_confident_fields_are_not_overwritten(fake: FakeOpenAI, enhancer: LLMEnhancer) -> None:
    fake.reply_with(answer(email="someone.else@example.org", location="Oakland"))
    result = enhancer.enhance(rule_based(), RESUME_TEXT)
    assert result.email == "dana.okafor@example.org"
    assert result.location == "Oakland, CA"


def test_rejects_a_hallucinated_value(fake: FakeOpenAI, enhancer: LLMEnhancer) -> None:
    fake.reply_with(answer(
        name="Dana Q. Okafor-Smith",
        experience=[{"title": "Staff Engineer", "company": "Globex Corporation",
                     "start_date": "2019-03", "end_date": "present"}],
    ))
    parsed = rule_based(name=None, confidence={"name": 0.0, "experience": 0.2})

    result = enhancer.enhance(parsed, RESUME_TEXT)

    assert result.name is None
    assert "LLM value for name not found in text: rejected" in result.meta.warnings
    assert "LLM value for experience[0].company not found in text: rejected" in (
        result.meta.warnings
    )
    assert result.experience[0].company is None
    assert result.experience[0].start_date == "2019-03"  # the year 2019 is in the text


def test_phone_compares_digits_and_summary_is_written(
    fake: FakeOpenAI, enhancer: LLMEnhancer
) -> None:
    fake.reply_with(answer(phone="+1 415-555-0123", summary="Staff engineer building billing."))
    parsed = rule_based(phone=None, confidence={"phone": 0.0})

    result = enhancer.enhance(parsed, RESUME_TEXT)

    assert result.phone == "+1 415-555-0123"
    assert result.summary == "Staff engineer building billing."


def test_wrong_phone_is_rejected(fake: FakeOpenAI, enhancer: LLMEnhancer) -> None:
    fake.reply_with(answer(phone="+1 212 555 0199"))
    result = enhancer.enhance(rule_based(phone=None, confidence={"phone": 0.0}), RESUME_TEXT)
    assert result.phone is None
    assert "LLM value for phone not found in text: rejected" in result.meta.warnings


def test_categorises_skills_the_taxonomy_does_not_know(
    fake: FakeOpenAI, enhancer: LLMEnhancer
) -> None:
    fake.reply_with(answer(skills=[{"name": "Quantum Widgets", "category": "Developer tools"},
                                   {"name": "Python", "category": "Soft skills"}]))
    parsed = rule_based(skills=["Python", "Quantum Widgets"])

    result = enhancer.enhance(parsed, RESUME_TEXT)

    assert result.meta.skill_categories == {
        "Python": "Programming languages",  # the taxonomy's answer stands
        "Quantum Widgets": "Developer tools",
    }


def test_empty_text_is_never_sent(fake: FakeOpenAI, enhancer: LLMEnhancer) -> None:
    fake.reply_with(answer(name="Invented Person"))
    parsed = rule_based(name=None, confidence={"name": 0.0})

    result = enhancer.enhance(parsed, "  \n\t ")

    assert fake.requests == []
    assert result.name is None
    assert "LLM step skipped: no text to send" in result.meta.warnings


@pytest.mark.parametrize("status", [500, 429])
def test_server_error_leaves_the_rule_based_result(
    fake: FakeOpenAI, enhancer: LLMEnhancer, status: int
) -> None:
    fake.fail_with(status)
    parsed = rule_based(name=None, confidence={"name": 0.0})

    result = enhancer.enhance(parsed, RESUME_TEXT)

    assert result.model_dump(exclude={"meta"}) == parsed.model_dump(exclude={"meta"})
    assert result.meta.warnings == [f"LLM step failed: HTTP {status}"]
    assert len(fake.requests) == 1


def test_timeout_leaves_the_rule_based_result(fake: FakeOpenAI) -> None:
    fake.reply_with(answer(name="Dana Okafor"), delay=1.0)
    with LLMEnhancer(api_key="sk-test", base_url=fake.base_url, model="m",
                     timeout=0.2, max_retries=0) as slow:
        result = slow.enhance(rule_based(name=None, confidence={"name": 0.0}), RESUME_TEXT)
    assert result.name is None
    assert result.meta.warnings == ["LLM step failed: timeout"]


def test_answer_outside_the_schema_is_a_failure(fake: FakeOpenAI, enhancer: LLMEnhancer) -> None:
    fake.reply_with("this is not JSON")
    result = enhancer.enhance(rule_based(name=None, confidence={"name": 0.0}), RESUME_TEXT)
    assert result.name is None
    assert result.meta.warnings == ["LLM step failed: answer did not match the schema"]


def test_unreachable_server_is_a_failure_not_a_crash() -> None:
    with FakeOpenAI() as gone:
        url = gone.base_url
    with LLMEnhancer(api_key="sk-test", base_url=url, model="m", timeout=1.0,
                     max_retries=0) as llm:
        result = llm.enhance(rule_based(), RESUME_TEXT)
    assert result.meta.warnings == ["LLM step failed: connection error"]
