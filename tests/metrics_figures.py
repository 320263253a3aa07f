"""Per-process figures written the way a HotGigs process writes them, for the tests of
`/metrics` and of the per-host metrics folders."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hotgigs.web.metrics import ENV

_COUNT = """
from pipeline.metrics import metrics
for _ in range({n}):
    metrics().resumes.labels("cli", "parsed", "").inc()
"""


def count_in(folder: Path, n: int) -> None:
    """A process of the host whose metrics folder is `folder` adds `n` parsed resumes."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-c", _COUNT.format(n=n)], check=True, timeout=60,
                   env={**os.environ, ENV: str(folder)})
