"""What every `hotgigs` command shares: settings (a bad one exits 2), migrated services,
and the usage error that maps to exit code 2 (DESIGN.md: 0 ok, 1 failed work, 2 bad usage)."""

from __future__ import annotations

import getpass
import logging
import os
import sys
from collections.abc import Callable
from typing import Any

import typer
from rich.console import Console

from hotgigs.log import configure_logging
from hotgigs.settings import Settings, SettingsError, load_settings, unknown_variables

err = Console(stderr=True)


class UsageError(Exception):
    """Bad input on the command line (an unknown candidate, job, owner…): exit 2."""


def default_owner() -> str:
    """Who a command-line action is recorded as when no --owner is given."""
    return f"cli:{getpass.getuser()}"


def settings_or_exit(**overrides: Any) -> Settings:
    """Load settings; a bad value prints one line and exits 2. Without REDIS_URL, the private
    Redis of a `serve` running on the same data dir is used when there is one."""
    try:
        settings = load_settings(**overrides)
    except SettingsError as exc:
        print(f"hotgigs: invalid setting {exc}", file=sys.stderr)
        raise typer.Exit(2) from None
    configure_logging(settings.log_level)
    for sentence in unknown_variables(os.environ):
        logging.getLogger("hotgigs.settings").warning("%s", sentence)
    if not settings.redis_url:
        # beside `make run`: the private Redis that `serve` started on this data dir
        from hotgigs.run.private_redis import running_url

        found = running_url(settings.data_dir)
        if found:
            settings = settings.model_copy(update={"redis_url": found})
    return settings


def run_with_services(run: Callable[[Any], int]) -> None:
    """Migrate, wire the services, run `run(services)` and exit with its code."""
    from hotgigs.bootstrap import bootstrap
    from storage.db import upgrade

    settings = settings_or_exit()
    upgrade(settings.effective_database_url)
    services = bootstrap(settings)
    try:
        code = run(services)
    except UsageError as exc:
        print(f"hotgigs: {exc}", file=sys.stderr)
        raise typer.Exit(2) from None
    finally:
        services.close()
    raise typer.Exit(code)


def needs_redis(settings: Settings, part: str) -> None:
    """Parts that run beside `serve` must share its Redis: refuse to start without one."""
    if not settings.redis_url:
        print(f"hotgigs: REDIS_URL is not set ({part} needs the Redis that workers use)",
              file=sys.stderr)
        raise typer.Exit(2)
