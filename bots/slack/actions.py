"""What the buttons and modals do: candidate cards, the Home tab, `/hotgigs job add`.

Each click or submission runs as the Slack user who made it (`slack:<team>/<user>`): a
candidate is only scored or shown to the recruiter who owns it. A click Slack delivers twice
(same `action_ts`) is answered once; a card whose candidate was merged away or erased, or a
modal whose job was closed meanwhile, is answered politely and changes nothing. Modal
submissions are acknowledged within Slack's 3 s (`response_action`): validation errors appear
under the fields, slow work shows "Saving…" and fills the modal in with `views.update`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bots.slack import messages, modals, seen
from bots.slack.cards import esc
from bots.slack.commands import Asker, Commands
from bots.slack.home import Home
from matching import create_job
from matching.fit import FitRefused, Gone, NotYours, fit, open_jobs_for, owned_candidate
from matching.service import match_for, recruiter_id
from storage import audit
from storage.db import Database
from storage.models import Candidate
from storage.recruiters import recruiter_for

log = logging.getLogger(__name__)

Ack = Callable[..., Any]
Respond = Callable[..., Any]
PAGE = 10


@dataclass(frozen=True)
class Click:
    """Who clicked what, and where an answer can go."""

    team: str
    user: str
    action_id: str
    value: str
    action_ts: str
    trigger_id: str
    channel: str | None  # set for a click on a message
    view_id: str | None  # set for a click inside a modal or the Home tab

    @property
    def identity(self) -> str:
        return f"slack:{self.team}/{self.user}"

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> Click:
        action = (body.get("actions") or [{}])[0]
        user = body.get("user") or {}
        container = body.get("container") or {}
        return cls(
            team=str((body.get("team") or {}).get("id") or user.get("team_id") or ""),
            user=str(user.get("id") or ""), action_id=str(action.get("action_id") or ""),
            value=str(action.get("value") or ""), action_ts=str(action.get("action_ts") or ""),
            trigger_id=str(body.get("trigger_id") or ""),
            channel=(body.get("channel") or {}).get("id") or container.get("channel_id"),
            view_id=(body.get("view") or {}).get("id") or container.get("view_id"))


def submitter(body: dict[str, Any]) -> tuple[str, str]:
    """(team, user) of a view submission."""
    user = body.get("user") or {}
    return str((body.get("team") or {}).get("id") or user.get("team_id") or ""), str(
        user.get("id") or "")


class Interactions:
    """The work behind every button and modal; `bots.slack.interactive` routes to it."""

    def __init__(self, db: Database, commands: Commands, home: Home, *,
                 public_url: str | None = None) -> None:
        self.db = db
        self.commands = commands
        self.home = home
        self.public_url = public_url

    # -- answering -------------------------------------------------------------------------
    def tell(self, click: Click, client: WebClient, respond: Respond | None, text: str) -> None:
        """A private answer: ephemeral under a message, else a small modal, else a DM."""
        if click.channel:
            try:
                client.chat_postEphemeral(channel=click.channel, user=click.user, text=text)
                return
            except SlackApiError as exc:
                log.info("slack %s: ephemeral not sent (%s)", click.identity,
                         exc.response.get("error"))
                if respond is not None:
                    respond(text=text, response_type="ephemeral", replace_original=False)
                    return
        if self._open(click, client, modals.notice(messages.NOTICE_TITLE, text),
                      fallback=False):
            return
        try:
            client.chat_postMessage(channel=click.user, text=text)
        except SlackApiError as exc:
            log.warning("slack %s: could not be answered: %s", click.identity,
                        exc.response.get("error"))

    def _open(self, click: Click, client: WebClient, view: dict[str, Any], *,
              fallback: bool = True) -> bool:
        """views.open on the click's trigger; an expired trigger is explained to the user."""
        try:
            client.views_open(trigger_id=click.trigger_id, view=view)
            return True
        except SlackApiError as exc:
            error = exc.response.get("error")
            log.info("slack %s: views.open failed: %s", click.identity, error)
            if fallback:
                self.tell(click, client, None, messages.TRIGGER_EXPIRED
                          if error == "expired_trigger_id" else messages.FAILED_COMMAND.format(
                              reason=error))
            return False

    def _fresh(self, click: Click) -> bool:
        """False for a click already handled (Slack delivered the same action twice)."""
        if not click.action_ts:
            return True
        return seen.claim(self.db, f"slack:action:{click.team}/{click.user}/"
                                   f"{click.action_id}/{click.action_ts}")

    def _candidate(self, click: Click, client: WebClient, respond: Respond | None
                   ) -> tuple[int | None, Candidate | None]:
        """(owner id, candidate) when the clicker owns the card's candidate; else answered."""
        if not self._fresh(click):
            self.tell(click, client, respond, messages.REPLAYED)
            return None, None
        try:
            candidate_id = int(click.value)
        except ValueError:
            self.tell(click, client, respond, messages.BAD_BUTTON)
            return None, None
        owner = recruiter_id(self.db, click.identity)
        try:
            return owner, owned_candidate(self.db, candidate_id, owner)
        except NotYours as exc:
            log.info("slack %s: refused candidate %s (not theirs)", click.identity,
                     candidate_id)
            self.tell(click, client, respond, messages.NOT_YOURS.format(reason=str(exc)))
        except Gone as exc:
            self.tell(click, client, respond, messages.STALE.format(reason=str(exc)))
        return None, None

    # -- candidate cards -------------------------------------------------------------------
    def card_match(self, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        """"Match to a job…": a modal with the clicker's open jobs."""
        click = Click.from_body(body)
        owner, candidate = self._candidate(click, client, respond)
        if candidate is None:
            return
        view = modals.candidate_match(candidate.id, candidate.name or f"#{candidate.id}",
                                      open_jobs_for(self.db, owner))
        self._open(click, client, view)

    def card_open(self, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        """"Open": Slack opens the page itself when the button has a URL; else the fields."""
        click = Click.from_body(body)
        if self.public_url:
            return  # a link button: the web page checks who may see the candidate
        _owner, candidate = self._candidate(click, client, respond)
        if candidate is None:
            return
        with self.db.session() as session:
            audit.record(session, "viewed", actor=click.identity, source="slack",
                         candidate_id=candidate.id)
        self._open(click, client, modals.candidate(candidate.id, candidate.data or {}))

    def candidate_match_submitted(self, ack: Ack, body: dict[str, Any]) -> None:
        view = body.get("view") or {}
        team, user = submitter(body)
        identity = f"slack:{team}/{user}"
        try:
            found = fit(self.db, candidate_id=int(modals.metadata(view).get("candidate") or 0),
                        job_id=int(modals.value(view, modals.PICK_JOB) or 0),
                        owner_id=recruiter_id(self.db, identity), actor=identity,
                        source="slack")
        except (FitRefused, ValueError) as exc:
            reason = str(exc) if isinstance(exc, FitRefused) else messages.BAD_BUTTON
            ack(response_action="errors", errors={modals.PICK_JOB[0]: reason[:150]})
            return
        ack(response_action="update", view=modals.fit_result(found))

    # -- jobs ------------------------------------------------------------------------------
    def open_job_modal(self, client: WebClient, trigger_id: str, origin: str) -> bool:
        try:
            client.views_open(trigger_id=trigger_id, view=modals.job_add(origin))
            return True
        except SlackApiError as exc:
            log.info("slack: job modal not opened: %s", exc.response.get("error"))
            return False

    def job_add_submitted(self, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        view = body.get("view") or {}
        errors = modals.job_add_errors(view)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack(response_action="update", view=modals.notice(messages.SAVING_TITLE,
                                                         messages.SAVING_TEXT))
        team, user = submitter(body)
        identity = f"slack:{team}/{user}"
        remote = "remote" in (modals.value(view, modals.REMOTE) or [])
        with self.db.session() as session:
            owner = recruiter_for(session, identity)
            job = create_job(session, title=str(modals.value(view, modals.TITLE)).strip(),
                             description=str(modals.value(view, modals.DESCRIPTION)).strip(),
                             location=str(modals.value(view, modals.LOCATION) or "").strip()
                             or None, remote=remote, owner_id=owner.id)
            analysis = job.analysis or {}
            text = messages.JOB_SAVED.format(
                title=esc(job.title), slug=esc(job.slug), id=job.id,
                required=esc(", ".join(analysis.get("required_skills", []))) or messages.NONE,
                nice=esc(", ".join(analysis.get("nice_skills", []))) or messages.NONE)
            slug = job.slug
        log.info("slack %s: job %s saved from the modal", identity, slug)
        self._update(client, view, modals.notice(messages.SAVED_TITLE, text))
        if modals.metadata(view).get("origin") == "home":
            self.home.publish(client, team, user)

    def _update(self, client: WebClient, view: dict[str, Any], new: dict[str, Any]) -> None:
        try:
            client.views_update(view_id=str(view.get("id")), hash=None, view=new)
        except SlackApiError as exc:  # the user closed the modal meanwhile: nothing to show
            log.info("slack: views.update failed: %s", exc.response.get("error"))

    # -- the Home tab ----------------------------------------------------------------------
    def home_button(self, body: dict[str, Any], client: WebClient) -> None:
        click = Click.from_body(body)
        if click.action_id == modals.HOME_ADD_JOB:
            self._open(click, client, modals.job_add("home"))
        elif click.action_id == modals.HOME_MATCH_JOB:
            owner = recruiter_id(self.db, click.identity)
            self._open(click, client, modals.job_match(open_jobs_for(self.db, owner)))
        elif click.action_id == modals.HOME_DRIVE and not self.public_url:
            self._open(click, client, modals.drive_connect())

    def job_match_submitted(self, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        view = body.get("view") or {}
        team, user = submitter(body)
        identity = f"slack:{team}/{user}"
        owner = recruiter_id(self.db, identity)
        picked = str(modals.value(view, modals.PICK_JOB) or "")
        if not any(str(job_id) == picked for job_id, _t, _s in open_jobs_for(self.db, owner)):
            ack(response_action="errors", errors={modals.PICK_JOB[0]: messages.STALE.format(
                reason="that job is closed or no longer exists")})
            return
        ack(response_action="update", view=modals.notice(messages.SEARCH_RESULTS_TITLE,
                                                         messages.SEARCHING_TEXT))
        self._update(client, view, self._results(identity, owner, picked, PAGE))

    def _results(self, identity: str, owner: int | None, job_ref: str,
                 top: int) -> dict[str, Any]:
        # owner None would mean "an operator: everyone's candidates"; a Slack user who has
        # imported nothing yet has no candidates, and id -1 owns none
        result = match_for(self.db, job_ref, top=top, owner_id=owner if owner is not None
                           else -1, actor=identity, source="slack")
        return modals.match_results(result, more=len(result.rows) == top)

    def more(self, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        """"Show 10 more" under a job's match list (a modal's, or `/hotgigs match`'s private
        answer): the same list, ten longer, in place."""
        click = Click.from_body(body)
        if not self._fresh(click):
            return  # the modal already shows the longer list
        try:
            asked = json.loads(click.value)
            job_ref, shown = str(asked["job"]), int(asked["shown"])
        except (ValueError, KeyError, TypeError):
            self.tell(click, client, respond, messages.BAD_BUTTON)
            return
        owner = recruiter_id(self.db, click.identity)
        if not any(slug == job_ref or str(i) == job_ref
                   for i, _t, slug in open_jobs_for(self.db, owner)):
            self.tell(click, client, respond, messages.STALE.format(
                reason="that job is closed or no longer exists"))
            return
        if click.view_id:
            self._update(client, {"id": click.view_id},
                         self._results(click.identity, owner, job_ref, shown + PAGE))
            return
        answer = self.commands.match(Asker(team=click.team, user=click.user,
                                           channel=click.channel or ""), job_ref,
                                     top=shown + PAGE)
        respond(text=answer.text, blocks=answer.blocks, response_type="ephemeral",
                replace_original=True)

    def drive_submitted(self, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        view = body.get("view") or {}
        ref = str(modals.value(view, modals.FOLDER) or "").strip()
        if not ref:
            ack(response_action="errors", errors={modals.FOLDER[0]: messages.DRIVE_ERROR_EMPTY})
            return
        ack(response_action="update", view=modals.notice(messages.DRIVE_RESULT_TITLE,
                                                         messages.CHECKING_FOLDER))
        team, user = submitter(body)
        answer = self.commands.drive_add(Asker(team=team, user=user, channel=""), f"add {ref}")
        self._update(client, view, modals.notice(messages.DRIVE_RESULT_TITLE, answer.text))
        self.home.publish(client, team, user)
