"""HotGigs' one typed configuration, read once from the environment (and `.env`) at start.

Each setting is documented here and in README's table. Names are the environment variables of
DESIGN.md; explicit constructor arguments beat the environment (tests use them). A bad value
stops the process with one line naming the variable (`SettingsError`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import AliasChoices, Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from storage.files import decode_key
from storage.stores import check_blob_url


def _env(name: str, default: Any = None, doc: str = "", **kw: Any) -> Any:
    """A field read from the environment variable `name` (or from the field name in code)."""
    return Field(default=default, validation_alias=AliasChoices(name), description=doc, **kw)


class SettingsError(Exception):
    """A setting is missing or invalid; the message is one line naming the variable."""


class Settings(BaseSettings):
    """Every knob of HotGigs. Defaults run the product on one machine with nothing configured."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    data_dir: Path = _env("HOTGIGS_DATA_DIR", Path("./var"), "blobs, SQLite, keys, outbox")
    database_url: str | None = _env("DATABASE_URL", None, "default: SQLite in the data dir")
    redis_url: str | None = _env("REDIS_URL", None, "unset: serve starts a private redis-server")
    queue_prefix: str = _env("HOTGIGS_QUEUE_PREFIX", "hotgigs", "RQ queue names: <prefix>-high/low")
    job_timeout: int = _env("HOTGIGS_JOB_TIMEOUT", 600, "seconds one resume may take", gt=0)
    sweep_grace: int = _env(
        "HOTGIGS_SWEEP_GRACE", 10, "seconds a queued job may be missing from Redis", ge=0
    )
    workers: int = _env("HOTGIGS_WORKERS", 2, "worker processes started by serve", ge=0)
    # a vanished worker's resumes are re-queued within worker_ttl + sweep_seconds (< 60 s)
    worker_ttl: int = _env(
        "HOTGIGS_WORKER_TTL", 20, "seconds without a heartbeat before a worker counts as gone",
        ge=3,
    )

    smtp_host: str = _env("HOTGIGS_SMTP_HOST", "127.0.0.1", "inbound SMTP bind address")
    smtp_port: int = _env("HOTGIGS_SMTP_PORT", 2525, "inbound SMTP port", ge=0, le=65535)
    inbound_domain: str = _env("HOTGIGS_INBOUND_DOMAIN", "hotgigs.localhost", "inbound domain")
    smtp_relay_url: str | None = _env("HOTGIGS_SMTP_RELAY_URL", None, "unset: Maildir outbox")
    allowed_senders: Annotated[list[str], NoDecode] = _env(
        "HOTGIGS_ALLOWED_SENDERS", [], "comma-separated addresses and @domains whose "
        "authenticated (DMARC-aligned) mail is accepted besides registered recruiters"
    )
    inbound_local_part: str = _env(
        "HOTGIGS_INBOUND_LOCAL_PART", "resumes", "inbound address: <local part>@<domain>"
    )
    smtp_max_mb: int = _env("HOTGIGS_SMTP_MAX_MB", 25, "largest inbound message (SIZE)", gt=0)
    email_rate_limit: int = _env(
        "HOTGIGS_EMAIL_RATE_LIMIT", 50, "messages per sender per hour", gt=0
    )
    dkim_verify: bool = _env("HOTGIGS_DKIM_VERIFY", False, "verify DKIM ourselves (needs DNS)")
    spf_verify: bool = _env(
        "HOTGIGS_SPF_VERIFY", False, "check SPF ourselves for the client's address (needs DNS; "
        "meaningful when HotGigs is the MX)"
    )
    dns_server: str | None = _env(
        "HOTGIGS_DNS_SERVER", None, "host[:port] of the DNS server our SPF/DKIM checks ask; "
        "unset: the system's"
    )
    # who sent it (DESIGN.md "Who sent it (email)")
    smtp_trust_loopback: bool | None = _env(
        "HOTGIGS_SMTP_TRUST_LOOPBACK", None, "trust mail from loopback clients as the "
        "operator's; unset: only when HOTGIGS_SMTP_HOST is a loopback address"
    )
    trusted_authserv_ids: Annotated[list[str], NoDecode] = _env(
        "HOTGIGS_TRUSTED_AUTHSERV_IDS", [], "comma-separated authserv-ids of upstream MTAs "
        "whose Authentication-Results headers are believed"
    )
    smtp_tls_cert: Path | None = _env("HOTGIGS_SMTP_TLS_CERT", None, "PEM certificate: STARTTLS")
    smtp_tls_key: Path | None = _env(
        "HOTGIGS_SMTP_TLS_KEY", None, "PEM key of HOTGIGS_SMTP_TLS_CERT", validate_default=True
    )
    smtp_submission_port: int | None = _env(
        "HOTGIGS_SMTP_SUBMISSION_PORT", None, "a second port where STARTTLS and SMTP AUTH are "
        "required (tools that send directly); unset: none", ge=0, le=65535
    )
    smtp_users: Path | None = _env(
        "HOTGIGS_SMTP_USERS", None, "file of login:scrypt-hash lines for SMTP AUTH (needs TLS)",
        validate_default=True,
    )

    http_host: str = _env("HOTGIGS_HTTP_HOST", "127.0.0.1", "HTTP bind address")
    http_port: int = _env("HOTGIGS_HTTP_PORT", 3000, "HTTP port", ge=0, le=65535)
    # hosts that run no web role (issue #21): their own process figures, for Prometheus
    metrics_port: int | None = _env(
        "HOTGIGS_METRICS_PORT", None, "set: `serve` without the web role answers GET /metrics "
        "on this port with this host's process figures; unset: off (the web role's /metrics "
        "has them only when it shares this host's data dir)", ge=1, le=65535
    )
    metrics_host: str = _env(
        "HOTGIGS_METRICS_HOST", "127.0.0.1", "bind address of HOTGIGS_METRICS_PORT (0.0.0.0 "
        "for a Prometheus on another machine)"
    )

    slack_bot_token: str | None = _env("SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = _env("SLACK_SIGNING_SECRET")
    slack_app_token: str | None = _env("SLACK_APP_TOKEN", None, "set: Socket Mode instead of HTTP")
    slack_api_url: str = _env("SLACK_API_URL", "https://slack.com/api/")
    # multi-workspace install (OAuth); unset: the single workspace of SLACK_BOT_TOKEN
    slack_client_id: str | None = _env(
        "SLACK_CLIENT_ID", None, "set with SLACK_CLIENT_SECRET: /slack/install for any workspace"
    )
    slack_client_secret: str | None = _env("SLACK_CLIENT_SECRET")
    slack_scopes: Annotated[list[str], NoDecode] = _env(
        "SLACK_SCOPES", ["channels:history", "groups:history", "files:read", "chat:write",
                         "commands", "im:write"], "comma-separated bot scopes asked for at install"
    )
    slack_redirect_uri: str | None = _env(
        "SLACK_REDIRECT_URI", None, "public URL of /slack/oauth_redirect; unset: the app's one"
    )
    public_url: str | None = _env(
        "HOTGIGS_PUBLIC_URL", None, "base URL where people reach this server (https://host); "
        "set: email replies, Slack cards and digests link each candidate to its page "
        "/candidates/<id>, and sign-in links point here; unset: no links in notices, sign-in "
        "links name the address the server listens on"
    )
    slack_teams: Annotated[list[str], NoDecode] = _env(
        "HOTGIGS_SLACK_TEAMS", [], "comma-separated Slack workspace ids (T…); empty: any"
    )
    slack_channels: Annotated[list[str], NoDecode] = _env(
        "HOTGIGS_SLACK_CHANNELS", [], "comma-separated channel ids (C…) taking resumes; empty: any"
    )

    drive_credentials: Path | None = _env("HOTGIGS_DRIVE_CREDENTIALS")
    drive_api_url: str | None = _env("HOTGIGS_DRIVE_API_URL")
    drive_sync_minutes: int = _env(
        "HOTGIGS_DRIVE_SYNC_MINUTES", 15, "minutes between incremental Drive syncs", gt=0
    )
    drive_full_sync_hour: int = _env(
        "HOTGIGS_DRIVE_FULL_SYNC_HOUR", 3, "UTC hour of the daily full Drive listing", ge=0, le=23
    )
    # recruiters connect their own Google Drive (OAuth 2.0, read-only, offline access)
    google_client_id: str | None = _env(
        "HOTGIGS_GOOGLE_CLIENT_ID", None,
        "OAuth client (Web application) id; set with the secret: /drive/connect is offered"
    )
    google_client_secret: str | None = _env("HOTGIGS_GOOGLE_CLIENT_SECRET")
    google_auth_uri: str = _env(
        "HOTGIGS_GOOGLE_AUTH_URI", "https://accounts.google.com/o/oauth2/auth",
        "Google's consent page (override for a local stand-in)"
    )
    google_token_uri: str = _env(
        "HOTGIGS_GOOGLE_TOKEN_URI", "https://oauth2.googleapis.com/token",
        "Google's token endpoint (code exchange and refresh)"
    )
    google_revoke_uri: str = _env(
        "HOTGIGS_GOOGLE_REVOKE_URI", "https://oauth2.googleapis.com/revoke",
        "Google's token revocation endpoint"
    )
    sweep_seconds: int = _env(
        "HOTGIGS_SWEEP_SECONDS", 20, "seconds between sweeper runs in the scheduler", gt=0
    )
    digest_hour: int = _env(
        "HOTGIGS_DIGEST_HOUR", 8, "local hour digests are due (a recruiter may set their own)",
        ge=0, le=23,
    )
    # daily digests (issue #9)
    digest_timezone: str = _env(
        "HOTGIGS_DIGEST_TIMEZONE", "UTC", "IANA timezone of channel digests and of recruiters "
        "who set none"
    )
    digest_send_empty: bool = _env(
        "HOTGIGS_DIGEST_SEND_EMPTY", False, "send a digest even when there is nothing to report"
    )
    digest_top: int = _env(
        "HOTGIGS_DIGEST_TOP", 10, "a job's top matches in which new candidates are reported", gt=0
    )
    digest_strong_score: float = _env(
        "HOTGIGS_DIGEST_STRONG_SCORE", 70.0, "match score (0–100) counted as strong", ge=0, le=100
    )
    digest_retry_minutes: int = _env(
        "HOTGIGS_DIGEST_RETRY_MINUTES", 30, "a digest claimed this long ago but not sent is "
        "sent again", gt=0
    )

    openai_api_key: str | None = _env("OPENAI_API_KEY")
    openai_base_url: str | None = _env("OPENAI_BASE_URL")
    llm_model: str = _env("HOTGIGS_LLM_MODEL", "gpt-4o-mini")
    span_model: str = _env(
        "HOTGIGS_SPAN_MODEL", "builtin", "the parser's trained span model: `builtin` (shipped "
        "in pipeline/data/span_model), a folder written by `python -m pipeline.parser."
        "span_train`, or `off` (rules alone, about 30 MB less per worker)"
    )
    default_phone_region: str = _env(
        "HOTGIGS_DEFAULT_PHONE_REGION", "US", "ISO 3166 region of phone numbers printed "
        "without a country code when the résumé names no country and its language none"
    )

    encryption_key: str | None = _env(
        "HOTGIGS_ENCRYPTION_KEY", None, "urlsafe base64 of 32 bytes; unset: generated"
    )
    log_level: str = _env("HOTGIGS_LOG_LEVEL", "INFO")

    # where the files live (issue #21): the local folder, or S3-compatible object storage
    blob_url: str | None = _env(
        "HOTGIGS_BLOB_URL", None, "unset or file: the folder <data dir>/blobs; "
        "file:///folder another folder; s3://bucket/prefix an S3-compatible bucket (credentials: "
        "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)"
    )
    s3_endpoint: str | None = _env(
        "HOTGIGS_S3_ENDPOINT", None, "URL of an S3-compatible server (SeaweedFS, MinIO); "
        "unset: AWS S3"
    )
    s3_region: str | None = _env("HOTGIGS_S3_REGION", None, "S3 region; unset: boto3's default")

    # operations and privacy (issue #10)
    admin_token: str | None = _env(
        "HOTGIGS_ADMIN_TOKEN", None, "bearer token of /admin; unset: the dashboard is off"
    )
    retention_days: int = _env(
        "HOTGIGS_RETENTION_DAYS", 0, "erase candidates idle this many days; 0: keep", ge=0
    )

    # the web door's API (issue #19)
    api_rate_limit: int = _env(
        "HOTGIGS_API_RATE_LIMIT", 600, "requests per minute one API token (or one signed-in "
        "recruiter's pages) may make to /api/v1; past it: 429 with Retry-After", gt=0
    )

    zip_max_entries: int = _env("HOTGIGS_ZIP_MAX_ENTRIES", 500, gt=0)
    zip_max_total_mb: int = _env("HOTGIGS_ZIP_MAX_TOTAL_MB", 200, gt=0)
    max_file_mb: int = _env("HOTGIGS_MAX_FILE_MB", 20, gt=0)

    # the candidate apply page /apply/<job-slug> (issue #19)
    apply_rate_limit: int = _env(
        "HOTGIGS_APPLY_RATE_LIMIT", 5, "applications one client address may send per window",
        gt=0,
    )
    apply_rate_minutes: int = _env(
        "HOTGIGS_APPLY_RATE_MINUTES", 10, "the apply page's rate-limit window in minutes", gt=0
    )

    @field_validator("allowed_senders", mode="before")
    @classmethod
    def _split_senders(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip().lower() for part in value.split(",") if part.strip()]
        return value

    @field_validator("trusted_authserv_ids", mode="before")
    @classmethod
    def _split_authserv_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip().lower() for part in value.split(",") if part.strip()]
        return value

    @field_validator("smtp_tls_key")
    @classmethod
    def _key_with_cert(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        if bool(value) != bool(info.data.get("smtp_tls_cert")):
            raise ValueError("HOTGIGS_SMTP_TLS_CERT and HOTGIGS_SMTP_TLS_KEY go together")
        return value

    @field_validator("smtp_users")
    @classmethod
    def _users_need_tls(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        if value and not info.data.get("smtp_tls_cert"):
            raise ValueError("SMTP AUTH is only offered over TLS: set HOTGIGS_SMTP_TLS_CERT/_KEY")
        if info.data.get("smtp_submission_port") is not None and not value:
            raise ValueError("HOTGIGS_SMTP_SUBMISSION_PORT needs SMTP users (and TLS)")
        return value

    @field_validator("slack_teams", "slack_channels", "slack_scopes", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        if isinstance(value, str):  # Slack ids are case-sensitive: kept as given
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str | None) -> str | None:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must be a sqlite:// or postgresql+psycopg:// URL")
        if value and value.startswith("postgresql://"):
            # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
            return "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value

    @field_validator("encryption_key")
    @classmethod
    def _usable_key(cls, value: str | None) -> str | None:
        if value:
            decode_key(value)  # raises ValueError with what is wrong
        return value or None

    @field_validator("blob_url")
    @classmethod
    def _known_blob_url(cls, value: str | None) -> str | None:
        return check_blob_url(value)

    @field_validator("s3_endpoint")
    @classmethod
    def _web_endpoint(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value or None

    @field_validator("public_url")
    @classmethod
    def _web_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/") if value else None

    @field_validator("smtp_relay_url")
    @classmethod
    def _known_relay(cls, value: str | None) -> str | None:
        if value and not value.startswith(("smtp://", "smtps://")):
            raise ValueError("must be an smtp:// or smtps:// URL")
        return value or None

    @field_validator("span_model")
    @classmethod
    def _known_model(cls, value: str) -> str:
        value = value.strip()
        if value not in {"builtin", "off"} and not (Path(value) / "meta.json").is_file():
            raise ValueError("must be builtin, off, or a folder holding a trained spaCy model")
        return value

    def span_model_dir(self) -> Path | None:
        """Where the parser's span model is (None: off)."""
        from pipeline.parser.span_model import MODEL_DIR

        if self.span_model == "off":
            return None
        return MODEL_DIR if self.span_model == "builtin" else Path(self.span_model)

    @field_validator("default_phone_region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        import phonenumbers

        region = value.strip().upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError("must be a two-letter ISO 3166 region such as US, GB or DE")
        return region

    @field_validator("digest_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA timezone such as UTC or Europe/Berlin") from None
        return value

    @field_validator("redis_url")
    @classmethod
    def _known_redis(cls, value: str | None) -> str | None:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis://, rediss:// or unix:// URL")
        return value or None

    @property
    def effective_database_url(self) -> str:
        """The database to use: DATABASE_URL, or a SQLite file in the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'hotgigs.sqlite3').resolve()}"

    def queue_name(self, priority: str) -> str:
        return f"{self.queue_prefix}-{priority}"


def _variable_of(loc: tuple[int | str, ...]) -> str:
    """The environment variable behind a validation error location."""
    field = str(loc[0]) if loc else "?"
    info = Settings.model_fields.get(field)
    if info is not None and isinstance(info.validation_alias, AliasChoices):
        return str(info.validation_alias.choices[0])
    return field


def load_settings(**overrides: Any) -> Settings:
    """Build the settings, turning pydantic's report into one line naming the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        value = first.get("input")
        shown = f" (got {value!r})" if isinstance(value, str | int) else ""
        raise SettingsError(f"{_variable_of(first['loc'])}: {first['msg']}{shown}") from None


# Settings that were renamed. Unknown variables are ignored by pydantic (the environment holds
# much else), so an old name left in a deployment would silently stop working.
RENAMED = {"HOTGIGS_SWEEP_MINUTES": "HOTGIGS_SWEEP_SECONDS (seconds, not minutes)"}
_NOT_SETTINGS = ("HOTGIGS_TEST", "HOTGIGS_SEAWEEDFS_DIR")  # tests' and scripts' own


def unknown_variables(environ: Mapping[str, str]) -> list[str]:
    """One sentence per `HOTGIGS_*` variable that no setting reads: a typo or a renamed
    setting, which would otherwise be ignored without a word."""
    known = {name for info in Settings.model_fields.values()
             if isinstance(info.validation_alias, AliasChoices)
             for name in map(str, info.validation_alias.choices)}
    found = []
    for name in sorted(environ):
        if not name.startswith("HOTGIGS_") or name in known or name.startswith(_NOT_SETTINGS):
            continue
        if name in RENAMED:
            found.append(f"{name} is no longer read: set {RENAMED[name]} instead")
        else:
            found.append(f"{name} is not a HotGigs setting and is ignored (a typo?)")
    return found
