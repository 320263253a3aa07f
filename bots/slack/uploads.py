"""Files shared in a channel become one `IngestRequest`: claim, announce, download, submit.

Runs after Bolt has acknowledged the event (Slack wants an answer within 3 s; downloads can
take longer). A delivery is claimed by its `event_id` and each file by its id, so Slack's
retries (`X-Slack-Retry-Num`) and a `file_shared` event for the same upload add nothing. The
"Processing N resumes…" message is posted first; its ts travels in the reply target so the
worker edits it in place. Nothing is parsed here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bots.slack import messages, seen
from bots.slack.client import DownloadError, download
from bots.slack.config import SlackConfig
from pipeline.intake import Intake
from pipeline.metrics import metrics
from pipeline.models import IngestFile, IngestRequest, ReplyTarget
from storage.db import Database
from storage.models import Batch

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SharedFiles:
    """The parts of a `message`/`file_share` event the door needs."""

    event_id: str
    team: str
    user: str
    channel: str
    ts: str
    thread_ts: str  # where replies go: the upload's thread, or the upload itself ("": none)
    text: str | None
    files: list[dict[str, Any]] = field(default_factory=list)

    @property
    def identity(self) -> str:
        """The recruiter, as DESIGN.md names Slack users."""
        return f"slack:{self.team}/{self.user}"

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> SharedFiles:
        event = body.get("event") or {}
        ts = str(event.get("ts") or event.get("event_ts") or "")
        return cls(
            event_id=str(body.get("event_id") or f"{event.get('channel')}:{ts}"),
            team=str(body.get("team_id") or event.get("team") or ""),
            user=str(event.get("user") or ""), channel=str(event.get("channel") or ""),
            ts=ts, thread_ts=str(event.get("thread_ts") or ts),
            text=event.get("text") or None,
            files=[f for f in event.get("files") or [] if isinstance(f, dict) and f.get("id")],
        )


class Uploads:
    """`handle(shared)`: the background half of the file_share listener."""

    def __init__(self, config: SlackConfig, db: Database, intake: Intake,
                 client: WebClient) -> None:
        self.config = config
        self.db = db
        self.intake = intake
        self.client = client

    def handle(self, shared: SharedFiles, client: WebClient | None = None) -> Batch | None:
        """`client`: the one Bolt made with the token of the event's workspace (OAuth)."""
        return _Upload(self, shared, client or self.client).run()


class _Upload:
    """One delivery, talking to Slack with its workspace's client."""

    def __init__(self, uploads: Uploads, shared: SharedFiles, client: WebClient) -> None:
        self.config = uploads.config
        self.db = uploads.db
        self.intake = uploads.intake
        self.shared = shared
        self.client = client

    def run(self) -> Batch | None:
        shared = self.shared
        tag = f"slack event {shared.event_id}"
        if not self.config.allows(shared.team, shared.channel):
            log.info("%s: workspace/channel not allowed, ignored", tag)
            self._ephemeral(shared, messages.NOT_HERE)
            return None
        event_claim = seen.event_key(shared.team, shared.event_id)
        if not seen.claim(self.db, event_claim):
            log.info("%s: delivered again, ignored", tag)
            metrics().slack_deduplicated.inc()
            return None
        fresh: list[dict[str, Any]] = []
        known: list[dict[str, Any]] = []
        for file in shared.files:
            (fresh if seen.claim(self.db, seen.file_key(shared.team, file["id"])) else known
             ).append(file)
        claims = [event_claim, *(seen.file_key(shared.team, f["id"]) for f in fresh)]
        if not fresh:
            if known:
                names = ", ".join(_name(f) for f in known)
                self._post(shared, messages.ALREADY_IMPORTED.format(names=names))
            return None
        progress_ts = self._post(shared, messages.PROCESSING.format(
            count=len(fresh), resumes=messages.resumes(len(fresh))))
        files, failures = self._fetch(fresh, tag)
        if failures:
            self._post(shared, "\n".join(failures))
        if not files:
            self._update(shared, progress_ts, messages.DONE_FAILED.format(
                parsed=0, total=len(fresh), failed=len(fresh), resumes=messages.resumes(
                    len(fresh))))
            return None
        request = IngestRequest(
            source="slack", submitted_by=shared.identity, files=files, note=shared.text,
            idempotency_key=f"slack:{shared.team}/{shared.event_id}",
            reply_to=ReplyTarget(kind="slack", channel=shared.channel,
                                 thread_ts=shared.thread_ts or None, message_ts=progress_ts),
        )
        try:
            batch = self.intake.submit(request)
        except Exception as exc:
            # nothing was promised yet: let a re-share (or a redelivery) try again
            log.exception("%s: intake failed", tag)
            seen.release(self.db, claims)
            self._update(shared, progress_ts,
                         messages.INTAKE_FAILED.format(reason=type(exc).__name__))
            return None
        log.info("%s: batch %s, %d files from %s", tag, batch.id, len(files), shared.channel)
        return batch

    def _fetch(self, fresh: list[dict[str, Any]], tag: str) -> tuple[list[IngestFile], list[str]]:
        """Downloaded files, and one user-facing line per file that could not be fetched."""
        files: list[IngestFile] = []
        failures: list[str] = []
        for shared_file in fresh:
            try:
                info = self._info(shared_file)
                data = self._download(info)
            except DownloadError as exc:
                log.warning("%s: file %s not fetched: %s", tag, shared_file["id"], exc)
                failures.append(messages.DOWNLOAD_FAILED.format(name=_name(shared_file),
                                                                reason=str(exc)))
                continue
            files.append(IngestFile(name=_name(info), content=data,
                                    declared_mime=info.get("mimetype") or None,
                                    origin=f"slack:{info['id']}"))
        return files, failures

    def _info(self, shared_file: dict[str, Any]) -> dict[str, Any]:
        """The full file object: Slack Connect events only say `file_access: check_file_info`."""
        if shared_file.get("file_access") != "check_file_info" and \
                shared_file.get("url_private_download"):
            return shared_file
        try:
            response = self.client.files_info(file=shared_file["id"])
        except SlackApiError as exc:
            raise DownloadError(f"files.info: {exc.response.get('error')}") from None
        file: dict[str, Any] = response["file"]
        return file

    def _download(self, info: dict[str, Any]) -> bytes:
        limit = self.config.zip_limits.max_file
        size = int(info.get("size") or 0)
        if size > limit:
            raise DownloadError(messages.TOO_LARGE.format(mb=size // (1024 * 1024),
                                                          limit=limit // (1024 * 1024)))
        if info.get("mode") in ("tombstone", "external") or not info.get("url_private_download"):
            raise DownloadError(messages.NO_DOWNLOAD_URL)
        return download(str(info["url_private_download"]), self.config,
                        token=self.client.token)

    def _post(self, shared: SharedFiles, text: str) -> str | None:
        try:
            response = self.client.chat_postMessage(channel=shared.channel, text=text,
                                                    thread_ts=shared.thread_ts or None)
        except SlackApiError as exc:
            log.warning("slack event %s: chat.postMessage failed: %s", shared.event_id,
                        exc.response.get("error"))
            return None
        return str(response["ts"])

    def _update(self, shared: SharedFiles, ts: str | None, text: str) -> None:
        if ts is None:
            self._post(shared, text)
            return
        try:
            self.client.chat_update(channel=shared.channel, ts=ts, text=text)
        except SlackApiError as exc:
            log.warning("slack event %s: chat.update failed: %s", shared.event_id,
                        exc.response.get("error"))

    def _ephemeral(self, shared: SharedFiles, text: str) -> None:
        try:
            self.client.chat_postEphemeral(channel=shared.channel, user=shared.user, text=text)
        except SlackApiError as exc:
            log.info("slack event %s: ephemeral not sent: %s", shared.event_id,
                     exc.response.get("error"))


def _name(file: dict[str, Any]) -> str:
    return str(file.get("name") or file.get("title") or file.get("id") or "file")
