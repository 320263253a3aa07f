"""Per-job temp folders: made the process's temp dir for the job, removed however it ends."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from pipeline.workdir import job_folder, remove_orphans


def test_folder_is_the_temp_dir_during_the_job_and_gone_after(tmp_path: Path) -> None:
    outside = tempfile.gettempdir()
    with job_folder(tmp_path, "resume1") as folder:
        assert tempfile.gettempdir() == str(folder) and os.environ["TMPDIR"] == str(folder)
        with tempfile.NamedTemporaryFile(delete=False) as handle:
            handle.write(b"page image")
        assert Path(handle.name).parent == folder
    assert not folder.exists() and list(tmp_path.iterdir()) == []
    assert tempfile.gettempdir() == outside


def test_folder_is_removed_when_the_job_fails(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), job_folder(tmp_path, "resume2") as folder:
        (folder / "ocr.png").write_bytes(b"x")
        raise RuntimeError("parser crashed")
    assert not folder.exists()


def test_orphans_of_dead_workers_are_removed_live_ones_kept(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    host = socket.gethostname()
    orphan = tmp_path / f"{host}-{dead.stdout.strip()}-resume3-abc"
    (orphan / "sub").mkdir(parents=True)
    (orphan / "sub" / "tess_1.png").write_bytes(b"x")
    mine = tmp_path / f"{host}-{os.getpid()}-resume4-def"
    mine.mkdir()
    other_host = tmp_path / f"elsewhere.example-{dead.stdout.strip()}-resume5-ghi"
    other_host.mkdir()
    assert remove_orphans(tmp_path) == 1
    assert not orphan.exists() and mine.exists() and other_host.exists()
