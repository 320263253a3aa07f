"""Talking to Slack: a Web API client that waits out rate limits, and private file downloads.

Every call goes to the configured API URL, so tests and staging can use a local stand-in. On
HTTP 429 the client sleeps `Retry-After` and tries again (slack_sdk's retry handler); a reply
that still cannot go out raises, and the caller's job is retried, so no reply is dropped.
"""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request
from http.client import HTTPMessage
from typing import IO
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bots.slack import messages
from bots.slack.config import SlackConfig

log = logging.getLogger(__name__)

DOWNLOAD_TIMEOUT = 60
SLACK_FILE_HOSTS = ("slack.com", "slack-edge.com", "slack-files.com")


def web_client(config: SlackConfig, token: str | None = None) -> WebClient:
    """A WebClient on `config.api_url` that waits out 429s and retries dropped connections."""
    return WebClient(
        # no token at all (OAuth mode): Bolt sets each request's workspace token
        token=token or config.bot_token or None, base_url=config.api_url, timeout=30,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2),
                        RateLimitErrorRetryHandler(max_retry_count=config.rate_limit_retries)],
    )


class DownloadError(Exception):
    """A shared file could not be fetched; the message is for the user."""


def _trusted(url: str, api_url: str) -> bool:
    """Only Slack's own hosts (or the configured API host) ever see the bot token."""
    host = (urlsplit(url).hostname or "").lower()
    api_host = (urlsplit(api_url).hostname or "").lower()
    return host == api_host or any(host == h or host.endswith("." + h) for h in SLACK_FILE_HOSTS)


class _TokenSafeRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects, but drop the Authorization header when they leave Slack."""

    def __init__(self, api_url: str) -> None:
        self.api_url = api_url

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: HTTPMessage, newurl: str) -> urllib.request.Request | None:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and not _trusted(newurl, self.api_url):
            new.remove_header("Authorization")
        return new


def download(url: str, config: SlackConfig, *, token: str | None = None) -> bytes:
    """The bytes at `url_private_download`, fetched with the bot token (files:read)."""
    if not _trusted(url, config.api_url):
        raise DownloadError(f"not a Slack file URL: {urlsplit(url).hostname}")
    limit = config.zip_limits.max_file
    opener = urllib.request.build_opener(_TokenSafeRedirects(config.api_url))
    request = urllib.request.Request(
        url, headers={"Authorization": f"Bearer {token or config.bot_token}"})
    for attempt in range(config.rate_limit_retries + 1):
        try:
            with opener.open(request, timeout=DOWNLOAD_TIMEOUT) as response:
                if (response.headers.get_content_type() or "") == "text/html":
                    raise DownloadError(messages.LOGIN_PAGE)
                data: bytes = response.read(limit + 1)
        except urllib.error.HTTPError as exc:
            if exc.code == 429 and attempt < config.rate_limit_retries:
                wait = int(exc.headers.get("Retry-After") or 1)
                log.info("slack download rate-limited, waiting %s s", wait)
                time.sleep(wait)
                continue
            raise DownloadError(f"HTTP {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise DownloadError(f"network error ({type(exc).__name__})") from None
        if len(data) > limit:
            raise DownloadError(messages.TOO_LARGE.format(mb=len(data) // (1024 * 1024),
                                                          limit=limit // (1024 * 1024)))
        return data
    raise DownloadError("rate-limited by Slack")
