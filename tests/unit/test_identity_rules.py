"""The proof a merge needs, judged on the parser's JSON (no database)."""

from __future__ import annotations

from typing import Any

from pipeline.identity_rules import facts_of, judge, key
from pipeline.links import describe


def resume(name: str | None = "Priya Raman", *, confidence: float = 0.9,
           email: str | None = None, phone: str | None = None, title: str = "Data Engineer",
           company: str = "Vandelay Industries", start: str = "2017-03",
           location: str | None = None, school: str = "University of Leeds",
           skills: list[str] | None = None) -> dict[str, Any]:
    return {"name": name, "email": email, "phone": phone, "location": location,
            "experience": [{"title": title, "company": company, "start_date": start,
                            "end_date": "present"}],
            "education": [{"degree": "BSc", "institution": school}],
            "skills": skills or [], "meta": {"confidence": {"name": confidence}}}


def verdict(a: dict[str, Any], b: dict[str, Any]) -> str:
    return judge(facts_of(a), facts_of(b)).verdict


def test_placeholders_are_no_fact() -> None:
    assert key("Company Name") is None
    assert key("Company Name ï¼ City , State") is None
    assert key("City, State") is None
    assert key("Vandelay Industries") == "industries vandelay"


def test_junk_names_and_a_placeholder_company_prove_nothing() -> None:
    for junk in ("Skill Highlights", "Microsoft Office", "Customer Service"):
        a = resume(junk, company="Company Name", title="Cashier", start="2012-05")
        b = resume(junk, company="Company Name", title="Cook", start="2015-01",
                   school="Leeds College of Art")
        assert verdict(a, b) == "different", junk
    # a "name" that is the resume's own title, however confident the parser was
    a = resume("Patient Advocate", title="Patient Advocate", company="Company Name")
    assert not facts_of(a).name_plausible
    assert verdict(a, a) == "different"


def test_email_or_phone_alone_prove_it() -> None:
    assert verdict(resume(None, email="p@x.test"), resume("Other Person", email="P@X.test",
                                                          title="Cook")) == "same"
    assert verdict(resume(None, phone="+441134960000"),
                   resume(None, phone="+441134960000")) == "same"


def test_a_confident_name_needs_two_agreeing_facts() -> None:
    two = judge(facts_of(resume(school="University of York", start="2018-01")),
                facts_of(resume()))
    assert two.verdict == "same" and two.same == ("name", "company", "title")
    one = judge(facts_of(resume(title="Cook", school="X University", start="2010-01")),
                facts_of(resume()))
    assert one.verdict == "possible" and one.same == ("name", "company")
    assert describe(one.evidence()) == "same name, company (industries vandelay)"
    doubtful = resume(confidence=0.5)  # the span model, not the rules, chose the name
    assert verdict(doubtful, resume()) == "possible"
    # two facts, but each has an email and they differ: a recruiter decides
    conflict = judge(facts_of(resume(email="a@x.test")), facts_of(resume(email="b@y.test")))
    assert conflict.verdict == "possible" and conflict.differs == ("email",)
