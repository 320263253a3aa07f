"""docker-compose.yml cannot run here (no Docker engine); keep it honest against the real CLI."""

from __future__ import annotations

from pathlib import Path

import typer
import yaml

from hotgigs.cli import app

ROOT = Path(__file__).resolve().parents[2]


def _resolve(argv: list[str]) -> object:
    """Parse argv with the real CLI (no command runs): unknown commands/options raise."""
    command = typer.main.get_command(app)
    assert argv[0] == "hotgigs"
    ctx = command.make_context("hotgigs", list(argv[1:]))
    args = list(argv[1:])
    while hasattr(command, "resolve_command"):  # a group: descend into the named command
        name, sub, args = command.resolve_command(ctx, args)
        assert sub is not None, f"unknown command {name!r} in {argv}"
        ctx = sub.make_context(name or "", args, parent=ctx)
        command = sub
    return ctx


def test_every_hotgigs_service_runs_a_real_command() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker"} <= set(services)
    hotgigs_services = [s for s in services.values() if s.get("image") == "hotgigs:latest"]
    assert len(hotgigs_services) >= 3
    for service in hotgigs_services:
        _resolve(service["command"])


def test_an_unknown_command_is_caught() -> None:
    try:
        _resolve(["hotgigs", "no-such-command"])
    except Exception as exc:
        assert "no-such-command" in str(exc) or "No such command" in str(exc)
    else:
        raise AssertionError("an unknown command was accepted")


def test_services_have_volumes_and_healthchecks() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    for name in ("postgres", "redis", "web"):
        assert "healthcheck" in services[name], name
    assert set(compose["volumes"]) >= {"hotgigs-data", "postgres-data"}
    assert services["web"]["command"][-2:] == ["--role", "web"]  # no workers, no scheduler


def test_the_dockerfile_copies_every_package() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in ("hotgigs", "bots", "pipeline", "storage", "matching", "digests", "scheduler"):
        assert f"COPY {package} {package}" in dockerfile


def test_prometheus_loads_the_rules_and_scrapes_web() -> None:
    """The prometheus service mounts files that exist, at the paths its config names, and
    scrapes the port web listens on."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    prometheus = services["prometheus"]
    assert "prometheus-data" in compose["volumes"]
    mounts = {}
    for volume in prometheus["volumes"]:
        source, target, *_ = volume.split(":")
        if source.startswith("./"):
            assert (ROOT / source).is_file(), source
            mounts[target] = ROOT / source
    config_path = next(a.split("=", 1)[1] for a in prometheus["command"]
                       if a.startswith("--config.file="))
    config = yaml.safe_load(mounts[config_path].read_text())
    for rule_file in config["rule_files"]:
        assert str(Path(config_path).parent / rule_file) in mounts, rule_file
    targets = [t for job in config["scrape_configs"] for c in job["static_configs"]
               for t in c["targets"]]
    web_port = services["web"]["ports"][0].split(":")[-1]
    assert targets == [f"web:{web_port}"]
    assert "--scale worker=4" in (ROOT / "docker-compose.yml").read_text()


def test_the_hotgigs_services_keep_their_files_in_the_seaweedfs_bucket() -> None:
    from hotgigs.settings import load_settings
    from storage.s3_store import S3Location

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    seaweedfs = services["seaweedfs"]
    assert "healthcheck" in seaweedfs and "seaweedfs-data" in compose["volumes"]
    env = services["worker"]["environment"]
    settings = load_settings(blob_url=env["HOTGIGS_BLOB_URL"],
                             s3_endpoint=env["HOTGIGS_S3_ENDPOINT"])
    assert settings.s3_endpoint == "http://seaweedfs:8333"
    # the bucket the service makes at start is the one the URL names
    assert bucket_made_by(seaweedfs["command"]) == S3Location.parse(str(settings.blob_url)).bucket
    assert services["worker"]["depends_on"]["seaweedfs"] == {"condition": "service_healthy"}


def bucket_made_by(command: list[str]) -> str:
    (flag,) = [part for part in command if part.startswith("-bucket=")]
    return flag.removeprefix("-bucket=")
