"""The Slack bot over real HTTP: our WSGI server with the Bolt app, a fake Slack, signed posts.

Payloads are built from Slack's real shapes in `../shared/data/slack/` (read at test time)
and signed the way Slack signs them: `v0=` HMAC-SHA256 of `v0:<timestamp>:<body>`.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import select

from hotgigs.bootstrap import Services, bootstrap
from hotgigs.web.http import HttpServer, new_app
from hotgigs.web.slack import RunningSlack, start_slack
from storage.models import Batch
from tests.fakes.slack_api import FakeSlack
from tests.integration.pipeline_harness import Harness

SHAPES = Path(__file__).resolve().parents[3] / "shared" / "data" / "slack"
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-111-222-hotgigs"
TEAM = "T111"
CHANNEL = "C111"
USER = "U111"


def shape(name: str) -> Any:
    """A payload shape from the shared data (JSON, or a form body as a dict)."""
    path = SHAPES / name
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    return dict(parse_qsl(text.strip()))


def signed_headers(body: str, *, secret: str = SECRET, timestamp: int | None = None,
                   content_type: str = "application/json") -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": f"v0={digest}"}


@dataclass
class Reply:
    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


def post(url: str, body: str, headers: dict[str, str]) -> Reply:
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Reply(response.status, response.read().decode())
    except urllib.error.HTTPError as exc:
        return Reply(exc.code, exc.read().decode())


@dataclass
class SlackRig:
    """A harness (intake + workers) and our HTTP server with the Slack app, on a fake Slack."""

    harness: Harness
    slack: FakeSlack
    services: Services
    running: RunningSlack
    http: HttpServer

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http.port}/slack/events"

    def send_event(self, payload: dict[str, Any], *, retry: int | None = None) -> Reply:
        body = json.dumps(payload)
        headers = signed_headers(body)
        if retry is not None:
            headers.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason":
                            "http_timeout"})
        return post(self.url, body, headers)

    def send_command(self, text: str, *, user: str = USER, name: str = "1") -> Reply:
        form = shape("bolt_python_tests/test_slash_command__slash_command_body.txt")
        form.update(command="/hotgigs", text=text, team_id=TEAM, channel_id=CHANNEL,
                    user_id=user, response_url=self.slack.response_url(name))
        form.pop("enterprise_id", None)
        body = urlencode(form)
        return post(self.url, body,
                    signed_headers(body, content_type="application/x-www-form-urlencoded"))

    def batches(self) -> list[Batch]:
        with self.harness.services.db.session() as session:
            return list(session.scalars(select(Batch).order_by(Batch.id)))

    def close(self) -> None:
        self.http.stop()
        self.running.stop()
        self.services.close()


def make_rig(harness: Harness, slack: FakeSlack, **settings: Any) -> SlackRig:
    harness.extra_env.update(SLACK_BOT_TOKEN=TOKEN, SLACK_API_URL=slack.api_url)
    web_settings = harness.settings.model_copy(update={
        "slack_bot_token": TOKEN, "slack_signing_secret": SECRET,
        "slack_api_url": slack.api_url, **settings})
    services = bootstrap(web_settings)
    router = new_app()
    running = start_slack(router, services, harness.queue)
    assert running is not None and running.mode == "http"
    http = HttpServer("127.0.0.1", 0, router)
    http.start()
    return SlackRig(harness, slack, services, running, http)


def file_share_event(slack: FakeSlack, files: dict[str, bytes], *, event_id: str = "Ev0001",
                     ts: str = "1652227646.593159", user: str = USER,
                     channel: str = CHANNEL, check_file_info: bool = False,
                     team: str = TEAM, **event: Any) -> dict[str, Any]:
    """A `message`/`file_share` event in Slack's shape, its files served by the fake."""
    payload = copy.deepcopy(shape("bolt_python_tests/test_message_file_share__event_payload.json"))
    template = payload["event"]["files"][0]
    shared = []
    for index, (name, data) in enumerate(files.items()):
        file_id = f"F{event_id[-4:]}{index:02d}"
        mimetype = {"pdf": "application/pdf", "exe": "application/x-msdownload",
                    "mp4": "video/mp4"}.get(name.rsplit(".", 1)[-1], "application/octet-stream")
        url = slack.add_file(file_id, name, data, mimetype=mimetype, team=team)
        if check_file_info:
            shared.append({"id": file_id, "file_access": "check_file_info"})
            continue
        item = copy.deepcopy(template)
        item.update(id=file_id, name=name, title=name, mimetype=mimetype, size=len(data),
                    url_private_download=url, url_private=url.replace("/download", ""),
                    user=user)
        shared.append(item)
    payload.update(team_id=team, event_id=event_id)
    payload["event"].update(files=shared, user=user, channel=channel, ts=ts, event_ts=ts,
                            text="resumes for the backend role", **event)
    payload["authorizations"][0]["team_id"] = team
    return payload
