"""Rendering digests made in the test: subject, counts, failures, matches, chart, escaping."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from digests.collect import (
    BrokenFolder,
    Count,
    DigestData,
    Failure,
    JobMatches,
    MatchLine,
    NewCandidate,
    Scope,
)
from digests.render import render_email, slack_message, subject
from digests.schedule import When, zone

END = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def digest(**fields: object) -> DigestData:
    scope = Scope("email", "ann@agency.test", When(zone("Europe/Berlin"), 9), recruiter_id=1)
    data = DigestData(scope=scope, day=date(2026, 12, 1), start=END - timedelta(days=1),
                      end=END)
    for name, value in fields.items():
        setattr(data, name, value)
    return data


def full() -> DigestData:
    strong = [MatchLine("Alice Example", 91.4, "5/5 required skills · 7 yrs", True, True),
              MatchLine("Bo Merged", 72, "4/5 required skills", False, True)]
    return digest(
        total=14, parsed=12, failed=2, new=9, merged=3,
        sources=[Count("Email", 8), Count("Drive folder “Resumes”", 6)],
        failures=[Failure("scan.pdf", "no text found (OCR found nothing)",
                          "email from ann@agency.test “Two for backend”"),
                  Failure("cv.exe", "not a resume file type", "Drive folder “Resumes”")],
        jobs=[JobMatches("Backend Engineer", "backend-engineer", strong),
              JobMatches("Data Analyst", "data-analyst",
                         [MatchLine("Cy Low", 41, "1/4 required skills", True, False),
                          MatchLine("Di High", 80, "3/3 required skills", True, True)])],
        broken=[BrokenFolder("Old CVs", "the folder is no longer shared with us")],
        week=[Count(f"D{i}", n) for i, n in enumerate([0, 3, 5, 1, 0, 10, 14])],
    )


def test_the_subject_counts_resumes_failures_and_strong_matches() -> None:
    assert subject(full()) == "HotGigs daily digest — 14 resumes, 2 failed, 3 strong matches"
    assert subject(digest(total=1)) == "HotGigs daily digest — 1 resume, 0 failed, 0 strong matches"


def test_the_text_part_lists_counts_sources_failures_matches_and_broken_folders() -> None:
    text = render_email(full()).text
    assert "14 resumes — 12 parsed, 2 failed" in text
    assert "9 new, 3 merged" in text
    assert "  - Email: 8" in text and "  - Drive folder “Resumes”: 6" in text
    assert ("  - scan.pdf — no text found (OCR found nothing) "
            "(email from ann@agency.test “Two for backend”)") in text
    assert "    - Alice Example — 91 (new): 5/5 required skills · 7 yrs" in text
    assert "    - Bo Merged — 72: 4/5 required skills" in text
    assert "  - Old CVs: the folder is no longer shared with us" in text
    assert "Since Mon 30 Nov 09:00 CET" in text  # the recruiter's own timezone
    assert "<" not in text and "&lt;" not in text


def test_the_html_part_has_inline_styles_and_a_bar_per_day() -> None:
    html = render_email(full()).html
    assert "<style" not in html and 'style="' in html  # inline CSS only
    assert "Alice Example" in html and "91" in html and "Old CVs" in html
    assert html.count("background-color:#0969da") == 5  # days with imports get a bar
    assert "height:60px" in html  # the busiest day is the tallest bar
    assert "Tuesday 1 December 2026" in html


def test_a_hostile_candidate_name_renders_as_text() -> None:
    evil = "<script>alert('x')</script>"
    data = digest(total=1, parsed=1, new=1, jobs=[JobMatches(
        "Dev <b>", "dev", [MatchLine(evil, 90, "<img src=x onerror=alert(1)>", True, True)])],
        failures=[Failure("<i>f.pdf</i>", "bad & worse", "x")], failed=1)
    rendered = render_email(data)
    assert "<script>" not in rendered.html and "<img" not in rendered.html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in rendered.html
    assert "Dev &lt;b&gt;" in rendered.html and "bad &amp; worse" in rendered.html
    assert evil in rendered.text  # plain text shows the name as it is
    _, blocks = slack_message(data)
    posted = json.dumps(blocks)
    assert "<script>" not in posted and "&lt;script&gt;" in posted
    assert "<img" not in posted


def test_the_slack_post_has_blocks_and_a_text_fallback() -> None:
    text, blocks = slack_message(full())
    assert text == ("HotGigs daily digest for Tuesday 1 December 2026: 14 resumes, 2 failed, "
                    "3 strong matches")
    assert blocks[0]["type"] == "header"
    fields = [f["text"] for b in blocks if b["type"] == "section" for f in b.get("fields", [])]
    assert "*Arrived*\n14" in fields and "*Parsed / failed*\n12 / 2" in fields
    sections = "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section"
                         and "text" in b)
    assert "*Alice Example* — 91 (new): 5/5 required skills · 7 yrs" in sections
    assert "`scan.pdf` — no text found" in sections and "Old CVs" in sections
    assert len(blocks) <= 50


def test_the_slack_post_names_the_candidates_with_links_and_escapes_them() -> None:
    people = [NewCandidate(7, "Nia <!channel>", "Data Engineer", "Acme & Co", "drive", True),
              NewCandidate(8, "Kim Known", None, None, "cli", False)]
    data = digest(total=2, parsed=2, candidates=people, candidates_total=14,
                  public_url="https://hotgigs.example.com/")
    _, blocks = slack_message(data)
    section = next(b["text"]["text"] for b in blocks if b["type"] == "section"
                   and "text" in b and b["text"]["text"].startswith("*Candidates*"))
    assert section.splitlines() == [
        "*Candidates* (14)",
        "• <https://hotgigs.example.com/candidates/7|Nia &lt;!channel&gt;> — "
        "Data Engineer at Acme &amp; Co _(drive, new)_",
        "• <https://hotgigs.example.com/candidates/8|Kim Known> _(cli, updated)_",
        "… and 12 more"]
    data.public_url = None
    _, blocks = slack_message(data)
    assert "*Kim Known* _(cli, updated)_" in json.dumps(blocks, ensure_ascii=False)
    assert "<script>" not in render_email(digest(candidates=[NewCandidate(
        1, "<script>", None, None, "email", True)], candidates_total=1)).html


def test_an_empty_day_says_so() -> None:
    data = digest(week=[Count(f"D{i}", 0) for i in range(7)])
    assert data.empty
    rendered = render_email(data)
    assert "Nothing arrived since the last digest." in rendered.text
    assert "background-color:#0969da" not in rendered.html
    assert not digest(broken=[BrokenFolder("x", "y")]).empty
