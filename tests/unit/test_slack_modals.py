"""The interactive Block Kit: card buttons, modals and the Home tab, checked by slack_sdk's own
models (what Slack would refuse, they refuse) and by what a recruiter reads in them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bots.slack import home, modals
from bots.slack.cards import card
from matching.fit import Fit
from matching.service import MatchResult, MatchRow
from pipeline.summary import ResumeOutcome


def _valid_view(view: dict[str, Any]) -> dict[str, Any]:
    View(**view).to_dict()  # raises SlackObjectFormationError on what Slack refuses
    for raw in view["blocks"]:
        parsed = Block.parse(raw)
        assert parsed is not None and type(parsed) is not Block, raw
        parsed.to_dict()
    return view


def _state(**fields: Any) -> dict[str, Any]:
    """A submitted view's `state.values` for the job modal's inputs."""
    values: dict[str, Any] = {}
    for (block, action), value in fields.values():
        values[block] = {action: value}
    return {"state": {"values": values}}


def test_every_card_has_match_and_open_and_open_links_to_the_web_door_when_there_is_one() -> None:
    item = ResumeOutcome(resume_id=1, filename="a.pdf", status="parsed", candidate_id=42,
                         name="Ann")
    [local] = [b for b in card(item) if b.get("block_id") == "candidate-42"]
    assert [(e["action_id"], e["value"], e.get("url")) for e in local["elements"]] == [
        ("candidate_match", "42", None), ("candidate_open", "42", None)]
    [linked] = [b for b in card(item, "https://hotgigs.example/") if b.get("block_id") ==
                "candidate-42"]
    assert linked["elements"][1]["url"] == "https://hotgigs.example/candidates/42"
    # a failed resume has no candidate, so no buttons
    assert not [b for b in card(item.model_copy(update={"candidate_id": None}))
                if b["type"] == "actions"]


def test_the_job_modal_is_valid_and_its_errors_name_the_fields_to_fix() -> None:
    view = _valid_view(modals.job_add("home"))
    assert [b["block_id"] for b in view["blocks"]] == [
        "job_title", "job_description", "job_location", "job_remote"]
    assert modals.metadata(view) == {"origin": "home"}
    blank = _state(title=(modals.TITLE, {"type": "plain_text_input", "value": "  "}),
                   description=(modals.DESCRIPTION, {"type": "plain_text_input",
                                                     "value": "short"}))
    errors = modals.job_add_errors(blank)
    assert set(errors) == {"job_title", "job_description"}
    assert "title" in errors["job_title"] and "20 characters" in errors["job_description"]
    good = _state(title=(modals.TITLE, {"type": "plain_text_input", "value": "Data Engineer"}),
                  description=(modals.DESCRIPTION, {"type": "plain_text_input",
                                                    "value": "Python, SQL and Airflow pipelines"}),
                  location=(modals.LOCATION, {"type": "plain_text_input", "value": "x" * 201}),
                  remote=(modals.REMOTE, {"type": "checkboxes", "selected_options": [
                      {"value": "remote"}]}))
    assert modals.job_add_errors(good) == {"job_location": "Keep the location under 200 "
                                                           "characters."}
    assert modals.value(good, modals.REMOTE) == ["remote"]


def test_match_and_candidate_modals_escape_data_and_stay_within_slacks_limits() -> None:
    jobs = [(i, f"Job <{i}>", f"job-{i}") for i in range(1, 150)]
    view = _valid_view(modals.candidate_match(7, "Ann & <Bob>", jobs))
    assert "Ann &amp; &lt;Bob&gt;" in view["blocks"][0]["text"]["text"]
    assert len(view["blocks"][1]["element"]["options"]) == 100  # Slack's limit, newest kept
    assert modals.metadata(view) == {"candidate": 7}
    assert "submit" not in _valid_view(modals.candidate_match(7, "Ann", []))

    found = Fit(candidate_id=7, name="Ann", job_id=1, job_title="Data <Engineer>",
                job_slug="data-engineer", score=81.6, summary="Strong fit",
                reasons=["Python: 5 years", "SQL"])
    text = _valid_view(modals.fit_result(found))["blocks"][0]["text"]["text"]
    assert "*82/100*" in text and "Data &lt;Engineer&gt;" in text and "• SQL" in text

    shown = _valid_view(modals.candidate(7, {
        "name": "Ann", "email": "ann@x.test", "skills": ["Python", "SQL"],
        "experience": [{"title": "Engineer", "company": "Acme", "start_date": "2019-03",
                        "end_date": "present"}],
        "education": [{"degree": "BSc", "institution": "Bristol", "graduation_date": "2015"}]}))
    flat = str(shown["blocks"])
    assert "Skills: Python, SQL" in flat and "Engineer at Acme (2019-03 – present)" in flat
    assert "BSc, Bristol (2015)" in flat and "Phone: —" in flat


def test_match_results_offer_ten_more_only_when_the_list_was_full() -> None:
    rows = [MatchRow(rank=i, candidate_id=i, name=f"P{i}", email=None, title=None,
                     score=90 - i, summary="fit", reasons=["Python"]) for i in range(1, 11)]
    result = MatchResult(ref="3", slug="data-engineer", title="Data Engineer", rows=rows)
    full = _valid_view(modals.match_results(result, more=True))
    [button] = full["blocks"][-1]["elements"]
    assert button["action_id"] == "job_match_more" and '"shown": 10' in button["value"]
    assert "actions" not in str(modals.match_results(result, more=False)["blocks"][-1]["type"])


def test_the_home_tab_lists_imports_jobs_address_and_folders() -> None:
    at = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
    data = home.HomeData("T1", "U1", imports=[
        {"filename": "a<1>.pdf", "status": "parsed", "reason": None, "name": "Ann", "at": at},
        {"filename": "b.exe", "status": "failed", "reason": "not a resume", "name": None,
         "at": at}] * 10,
        jobs=[{"title": "Data Engineer", "slug": "data-engineer", "new": 1}],
        address="resumes+abc@hotgigs.test",
        folders=[{"name": "CVs", "id": "F1", "state": "broken", "reason": "not shared",
                  "synced": None}])
    view = _valid_view(home.view(data, strong=70))
    flat = str(view["blocks"])
    assert "a&lt;1&gt;.pdf → Ann · parsed" in flat and "b.exe · failed (not a resume)" in flat
    assert "*Data Engineer* (`data-engineer`) — 1 new strong match" in flat
    assert "resumes+abc@hotgigs.test" in flat and "CVs (`F1`) — broken (not shared)" in flat
    buttons = [e["action_id"] for b in view["blocks"] if b["type"] == "actions"
               for e in b["elements"]]
    assert buttons == ["home_add_job", "home_match_job", "home_drive"]
    empty = str(_valid_view(home.view(home.HomeData("T1", "U2"), strong=70))["blocks"])
    assert "Nothing imported yet" in empty and "--slack-user T1/U2" in empty
    linked = home.view(home.HomeData("T1", "U2"), strong=70, public_url="https://h.example")
    assert "https://h.example/drive/connect" in str(linked["blocks"][1])
