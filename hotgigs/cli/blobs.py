"""`hotgigs blobs migrate`: move the stored files to another store (e.g. S3) and prove each copy;
`hotgigs blobs create-bucket` for a fresh local S3 server."""

from __future__ import annotations

import json
from typing import Annotated, Any, NoReturn

import typer

from hotgigs.cli.support import UsageError, err, run_with_services, settings_or_exit

blobs_app = typer.Typer(help="The stored files (blob store).", no_args_is_help=True)


@blobs_app.command("migrate")
def blobs_migrate(
    to: Annotated[str | None, typer.Option(
        "--to", help="target store: s3://bucket/prefix, file: or file:///folder; unset: the "
                     "configured store itself (only renames legacy sha256-named files)")] = None,
    from_: Annotated[str | None, typer.Option(
        "--from", help="source store; unset: the configured one (HOTGIGS_BLOB_URL)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the counts as JSON")] = False,
) -> None:
    """Copy every file the database refers to into the target store, reading each back and
    comparing its sha256. Idempotent: files already there intact are counted, not copied."""
    from hotgigs.bootstrap import blob_store
    from storage.blob_migration import migrate, referenced_keys
    from storage.files import StoreUnavailable, load_or_create_key

    def run(services: Any) -> int:
        settings = services.settings
        key = load_or_create_key(settings.encryption_key, settings.data_dir)
        try:
            source = services.blobs if from_ is None else blob_store(settings, key, from_)
            target = source if to is None and from_ is None else \
                blob_store(settings, key, to if to is not None else settings.blob_url or "file:")
        except ValueError as exc:
            raise UsageError(f"--to/--from {exc}") from None
        except StoreUnavailable as exc:
            raise UsageError(str(exc)) from None
        keys = referenced_keys(services.db)
        err.print(f"{len(keys)} stored files referenced by the database")
        report = migrate(keys, source, target)
        counts = {"copied": report.copied, "already_there": report.already,
                  "missing": report.missing, "failed": report.failed,
                  "legacy_renamed": report.renamed}
        for problem in report.problems[:20]:
            err.print(f"  {problem}")
        if as_json:
            print(json.dumps(counts))
        else:
            print(", ".join(f"{name.replace('_', ' ')} {n}" for name, n in counts.items()))
        return 0 if report.ok else 1

    run_with_services(run)


@blobs_app.command("create-bucket")
def blobs_create_bucket() -> None:
    """Create the bucket HOTGIGS_BLOB_URL names when it is missing (`make run-s3` uses it on a
    fresh local SeaweedFS; a deployment usually creates its bucket with its provider's tools)."""
    from botocore.exceptions import BotoCoreError, ClientError

    from storage.s3_store import S3Location, ensure_bucket, s3_client

    settings = settings_or_exit()
    url = str(settings.blob_url or "")
    if not url.startswith("s3:"):
        _refuse("HOTGIGS_BLOB_URL names no bucket (s3://bucket/prefix)")
    bucket = S3Location.parse(url).bucket
    try:
        made = ensure_bucket(s3_client(settings.s3_endpoint, settings.s3_region), bucket)
    except ClientError as exc:
        _refuse(f"bucket {bucket!r} could not be created: {exc}")
    except BotoCoreError as exc:
        _refuse(f"the S3 endpoint for bucket {bucket!r} did not answer: {exc}")
    print(f"bucket {bucket!r} {'created' if made else 'is there'}")


def _refuse(message: str) -> NoReturn:
    err.print(f"hotgigs: {message}")
    raise typer.Exit(2)
