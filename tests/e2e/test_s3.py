"""The product on S3-compatible storage: `hotgigs serve` and `hotgigs import --wait` with
HOTGIGS_BLOB_URL pointing at SeaweedFS; no file lands in the data dir."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.conftest import S3Bucket
from tests.e2e.conftest import Serve
from tests.resumes import docx_resume, text_pdf


def test_an_import_through_serve_keeps_its_files_in_the_bucket(
    start_serve: Callable[..., Serve], s3_bucket: S3Bucket, tmp_path: Path
) -> None:
    serve = start_serve(**s3_bucket.env())
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "lee.pdf").write_bytes(text_pdf("Jin Lee", "jin@x.test"))
    (folder / "omar.docx").write_bytes(docx_resume("Omar Haddad", "omar@x.test"))

    done = serve.hotgigs("import", str(folder), "--wait", "--json", **s3_bucket.env())
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert (summary["submitted"], summary["parsed"], summary["created"]) == (2, 2, 2)
    assert serve.candidate_names() == ["Jin Lee", "Omar Haddad"]
    assert len(s3_bucket.objects()) == 2
    assert all(name.startswith("blobs/") for name in s3_bucket.objects())
    assert not (serve.data_dir / "blobs").exists()
