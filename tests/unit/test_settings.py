"""Settings: every variable read by its DESIGN.md name, bad values named in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hotgigs.settings import SettingsError, load_settings, unknown_variables


def test_defaults_run_on_one_machine() -> None:
    settings = load_settings()
    assert settings.http_port == 3000
    assert (settings.smtp_host, settings.smtp_port) == ("127.0.0.1", 2525)
    assert settings.redis_url is None
    assert settings.metrics_port is None  # no metrics-only listener unless asked for
    assert settings.effective_database_url.startswith("sqlite:///")
    assert settings.effective_database_url.endswith("var/hotgigs.sqlite3")


def test_environment_names_are_the_design_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTGIGS_HTTP_PORT", "8080")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db:5432/hg")
    monkeypatch.setenv("HOTGIGS_ALLOWED_SENDERS", "Ann@Agency.com, @partner.org")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    settings = load_settings()
    assert settings.http_port == 8080
    # plain postgresql:// is turned into the psycopg 3 driver we ship
    assert settings.database_url == "postgresql+psycopg://u@db:5432/hg"
    assert settings.allowed_senders == ["ann@agency.com", "@partner.org"]
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"


def test_explicit_arguments_beat_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTGIGS_HTTP_PORT", "8080")
    assert load_settings(http_port=9090).http_port == 9090


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("HOTGIGS_HTTP_PORT", "abc"),
        ("HOTGIGS_SMTP_PORT", "70000"),
        ("DATABASE_URL", "mysql://x"),
        ("REDIS_URL", "localhost:6379"),
        ("HOTGIGS_LOG_LEVEL", "LOUD"),
        ("HOTGIGS_ENCRYPTION_KEY", "not-a-key"),
        ("HOTGIGS_METRICS_PORT", "0"),
    ],
)
def test_a_bad_value_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    assert message.startswith(f"{variable}: ")
    assert "\n" not in message


def test_cli_exits_2_with_one_line_on_a_bad_setting(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTGIGS_")}
    env["HOTGIGS_HTTP_PORT"] = "abc"
    env["HOTGIGS_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "hotgigs", "status"], env=env, capture_output=True, text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "HOTGIGS_HTTP_PORT" in lines[0]


def test_the_blob_url_names_a_store_we_can_open(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().blob_url is None
    monkeypatch.setenv("HOTGIGS_BLOB_URL", "s3://resumes/hotgigs")
    monkeypatch.setenv("HOTGIGS_S3_ENDPOINT", "http://127.0.0.1:8333")
    settings = load_settings()
    assert (settings.blob_url, settings.s3_endpoint) == ("s3://resumes/hotgigs",
                                                         "http://127.0.0.1:8333")
    for bad, variable in (("gs://bucket", "HOTGIGS_BLOB_URL"), ("s3://", "HOTGIGS_BLOB_URL"),
                          ("file:relative/folder", "HOTGIGS_BLOB_URL")):
        monkeypatch.setenv(variable, bad)
        with pytest.raises(SettingsError, match=variable):
            load_settings()
    monkeypatch.setenv("HOTGIGS_BLOB_URL", "file:")
    monkeypatch.setenv("HOTGIGS_S3_ENDPOINT", "127.0.0.1:8333")
    with pytest.raises(SettingsError, match="HOTGIGS_S3_ENDPOINT"):
        load_settings()


def test_a_renamed_or_misspelt_variable_is_named_not_ignored() -> None:
    said = unknown_variables({"HOTGIGS_SWEEP_MINUTES": "5", "HOTGIGS_WORKRES": "4",
                              "HOTGIGS_WORKERS": "4", "HOTGIGS_TEST_REDIS": "redis://x",
                              "HOTGIGS_METRICS_PORT": "9300",
                              "PATH": "/bin"})
    assert said == [
        "HOTGIGS_SWEEP_MINUTES is no longer read: set HOTGIGS_SWEEP_SECONDS (seconds, not "
        "minutes) instead",
        "HOTGIGS_WORKRES is not a HotGigs setting and is ignored (a typo?)",
    ]


def test_every_command_warns_about_a_variable_it_will_ignore(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTGIGS_")}
    env.update(HOTGIGS_DATA_DIR=str(tmp_path), HOTGIGS_SWEEP_MINUTES="5")
    result = subprocess.run([sys.executable, "-m", "hotgigs", "status"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert "HOTGIGS_SWEEP_MINUTES is no longer read: set HOTGIGS_SWEEP_SECONDS" in result.stderr
