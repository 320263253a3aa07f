"""OCR writes its images into the job's temp folder; the folder is gone after the job ends,
and after a worker crash the next worker removes it."""

from __future__ import annotations

from pathlib import Path

from hotgigs.wiring import job_temp_root
from tests.helpers import wait_until
from tests.integration.pipeline_harness import Harness
from tests.resumes import scanned_pdf


def _folders(root: Path) -> list[Path]:
    return sorted(root.iterdir()) if root.is_dir() else []


def test_job_temp_folders_go_after_success_and_after_a_crash(harness: Harness) -> None:
    root = job_temp_root(harness.settings)
    done = harness.submit({"scan.pdf": scanned_pdf("Seven Of Nine", "seven@borg.test")})
    harness.run_burst_worker()
    assert [r.status for r in harness.resumes(done.id)] == ["parsed"]
    assert _folders(root) == []  # it existed: the worker made `root` for the job

    # a long OCR job; kill the worker while tesseract's files sit in the job's folder
    slow = harness.submit({"long-scan.pdf": scanned_pdf("B'Elanna Torres", "bt@x.test",
                                                           pages=4, filler=55)})
    worker = harness.start_worker()
    wait_until(lambda: any(f.name.startswith("tess_") for d in _folders(root)
                           for f in d.iterdir()),
               timeout=120, what="tesseract files in the job's temp folder")
    harness.kill(worker)
    assert len(_folders(root)) == 1  # a killed process cannot clean up

    harness.run_burst_worker()  # the next worker removes it, then redoes the resume
    assert _folders(root) == []
    assert [r.status for r in harness.resumes(slow.id)] == ["parsed"]
