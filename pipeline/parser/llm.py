"""Optional LLM step: let a model fill what the rules were unsure of, and trust nothing unchecked.

The rules run first and score each field; only fields scored below `LOW_CONFIDENCE` (or not
scored) are sent back for the model to fill, plus a summary when there is none and categories
for skills the taxonomy does not know. Every value the model returns must be found in the
résumé text itself, or it is rejected with a warning: a model that invents an employer is worse
than a blank. Any API trouble leaves the rule-based result as it was, with a warning.
"""

from __future__ import annotations

import json
import logging
import re

import openai
from pydantic import BaseModel, ConfigDict, ValidationError

from pipeline.models import Education, Experience, ParsedResume
from pipeline.parser import skills

log = logging.getLogger(__name__)

LOW_CONFIDENCE = 0.6
MAX_TEXT_CHARS = 24_000  # a long résumé fits; a 200-page PDF does not go out whole
_SCALARS = ("name", "email", "phone", "location")
_DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2]))?|present")
_PHONE_CHUNK = re.compile(r"\+?\d[\d\s().\-/]{5,}\d")


class _Strict(BaseModel):
    # every key required (null when unknown) and no extras: what OpenAI's strict mode accepts
    model_config = ConfigDict(extra="forbid")


class LLMExperience(_Strict):
    title: str | None
    company: str | None
    start_date: str | None
    end_date: str | None


class LLMEducation(_Strict):
    degree: str | None
    institution: str | None
    graduation_date: str | None


class LLMSkill(_Strict):
    name: str
    category: str | None


class LLMAnswer(_Strict):
    """What the model must answer; its JSON schema is sent as the response format."""

    name: str | None
    email: str | None
    phone: str | None
    location: str | None
    summary: str | None
    experience: list[LLMExperience]
    education: list[LLMEducation]
    skills: list[LLMSkill]


SYSTEM_PROMPT = (
    "You extract fields from a resume. Copy every value exactly as it is written in the resume "
    "text; use null (or an empty list) when the text does not say. Never guess or complete a "
    "value. Dates are YYYY-MM, or YYYY when only the year is written, or 'present' for a current "
    "role. The summary is two or three factual sentences based only on the resume. For each "
    "skill give the category from this list, or null: {categories}."
)


class LLMEnhancer:
    """The real `Enhancer` port: OpenAI chat completions with a JSON-schema response format."""

    def __init__(
        self,
        api_key: str,
        base_url: str | None = None,
        model: str = "gpt-4o-mini",
        timeout: float = 30.0,
        *,
        max_retries: int = 1,
    ) -> None:
        self._client = openai.OpenAI(
            api_key=api_key, base_url=base_url, timeout=timeout, max_retries=max_retries
        )
        self._model = model

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> LLMEnhancer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def enhance(self, parsed: ParsedResume, text: str) -> ParsedResume:
        """A copy of `parsed` with low-confidence fields filled from checked model answers."""
        result = parsed.model_copy(deep=True)
        if not text.strip():
            result.meta.warnings.append("LLM step skipped: no text to send")
            return result
        try:
            answer = self._ask(text[:MAX_TEXT_CHARS], _wanted(parsed))
        except openai.APIStatusError as exc:
            return _failed(result, f"HTTP {exc.status_code}")
        except openai.APITimeoutError:
            return _failed(result, "timeout")
        except openai.APIConnectionError:
            return _failed(result, "connection error")
        except openai.OpenAIError as exc:
            return _failed(result, type(exc).__name__)
        except (ValidationError, ValueError):
            return _failed(result, "answer did not match the schema")
        _merge(result, answer, text)
        return result

    def _ask(self, text: str, wanted: list[str]) -> LLMAnswer:
        schema = LLMAnswer.model_json_schema()
        completion = self._client.chat.completions.create(
            model=self._model,
            temperature=0,
            messages=[
                {
                    "role": "system",
                    "content": SYSTEM_PROMPT.format(categories=", ".join(skills.categories())),
                },
                {
                    "role": "user",
                    "content": f"Fields needed: {', '.join(wanted)}.\n\nResume text:\n{text}",
                },
            ],
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "resume_fields", "schema": schema, "strict": True},
            },
        )
        content = completion.choices[0].message.content if completion.choices else None
        if not content:
            raise ValueError("empty answer")
        return LLMAnswer.model_validate(json.loads(content))


def _failed(result: ParsedResume, reason: str) -> ParsedResume:
    log.warning("LLM step failed: %s", reason)
    result.meta.warnings.append(f"LLM step failed: {reason}")
    return result


def _low(parsed: ParsedResume, field: str) -> bool:
    score = parsed.meta.confidence.get(field)
    return score is None or score < LOW_CONFIDENCE


def _wanted(parsed: ParsedResume) -> list[str]:
    wanted = [f for f in _SCALARS if _low(parsed, f)]
    wanted += [f for f in ("experience", "education", "skills") if _low(parsed, f)]
    if not parsed.summary:
        wanted.append("summary")
    if any(s not in parsed.meta.skill_categories for s in parsed.skills):
        wanted.append("skill categories")
    return wanted or ["skill categories"]


def _squash(value: str) -> str:
    return " ".join(value.casefold().split())


class _Checker:
    """Decides whether a model value really occurs in the résumé text."""

    def __init__(self, text: str, warnings: list[str]) -> None:
        self.text = _squash(text)
        self.phones = {re.sub(r"\D", "", m) for m in _PHONE_CHUNK.findall(text)}
        self.has_present = bool(re.search(r"(?i)\b(present|current|now|today)\b", text))
        self.warnings = warnings

    def _reject(self, field: str) -> None:
        self.warnings.append(f"LLM value for {field} not found in text: rejected")

    def text_value(self, field: str, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if _squash(value) in self.text:
            return value.strip()
        self._reject(field)
        return None

    def phone(self, value: str | None) -> str | None:
        digits = re.sub(r"\D", "", value or "")
        if not digits:
            return None
        for seen in self.phones:  # "+14155550123" matches "(415) 555-0123" written in the text
            shorter = min(seen, digits, key=len)
            if len(shorter) >= 7 and (digits.endswith(seen) or seen.endswith(digits)):
                return value
        self._reject("phone")
        return None

    def date(self, field: str, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().lower()
        if _DATE.fullmatch(value) and (
            (value == "present" and self.has_present) or value[:4] in self.text
        ):
            return value
        self._reject(field)
        return None


def _merge(result: ParsedResume, answer: LLMAnswer, text: str) -> None:
    """Take the checked answers for low-confidence fields; leave confident ones alone."""
    meta = result.meta
    check = _Checker(text, meta.warnings)
    for field in _SCALARS:
        if not _low(result, field):
            continue
        raw = getattr(answer, field)
        value = check.phone(raw) if field == "phone" else check.text_value(field, raw)
        if value is not None:
            setattr(result, field, value)
            meta.confidence[field] = LOW_CONFIDENCE
    if not result.summary and answer.summary and answer.summary.strip():
        result.summary = answer.summary.strip()[:1000]
        meta.confidence["summary"] = 0.5  # written by the model, not copied from the text
    if _low(result, "experience") and answer.experience:
        jobs = [_experience(check, i, e) for i, e in enumerate(answer.experience)]
        if kept := [j for j in jobs if j.title or j.company]:
            result.experience = kept
            meta.confidence["experience"] = LOW_CONFIDENCE
    if _low(result, "education") and answer.education:
        schools = [_education(check, i, e) for i, e in enumerate(answer.education)]
        if kept_edu := [s for s in schools if s.degree or s.institution]:
            result.education = kept_edu
            meta.confidence["education"] = LOW_CONFIDENCE
    _merge_skills(result, answer, check)


def _experience(check: _Checker, i: int, job: LLMExperience) -> Experience:
    at = f"experience[{i}]"
    return Experience(
        title=check.text_value(f"{at}.title", job.title),
        company=check.text_value(f"{at}.company", job.company),
        start_date=check.date(f"{at}.start_date", job.start_date),
        end_date=check.date(f"{at}.end_date", job.end_date),
    )


def _education(check: _Checker, i: int, school: LLMEducation) -> Education:
    at = f"education[{i}]"
    return Education(
        degree=check.text_value(f"{at}.degree", school.degree),
        institution=check.text_value(f"{at}.institution", school.institution),
        graduation_date=check.date(f"{at}.graduation_date", school.graduation_date),
    )


def _merge_skills(result: ParsedResume, answer: LLMAnswer, check: _Checker) -> None:
    """Categorise skills the taxonomy left bare; add skills only when the rules found none."""
    known = set(skills.categories())
    cats = result.meta.skill_categories
    add_new = _low(result, "skills")
    for item in answer.skills:
        name = skills.canonical_skill(item.name) or item.name.strip()
        if name not in result.skills:
            if not add_new or check.text_value("skills", item.name) is None:
                continue
            result.skills.append(name)
        info = skills.skill_info(name)
        if name not in cats and info is not None:
            cats[name] = info.category
        elif name not in cats and item.category is not None and item.category in known:
            cats[name] = item.category
