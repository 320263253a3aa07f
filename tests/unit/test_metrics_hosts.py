"""Process figures kept per host: containers sharing one data volume (all of them pid 1 or so)
never write into each other's files, `/metrics` adds every host's up, and a `serve` starting
wipes only its own host's folder."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from hotgigs.settings import load_settings
from hotgigs.web.metrics import ENV, ProcessFigures, metrics_dir, metrics_root, prepare
from tests.metrics_figures import count_in


def _parsed(root: Path) -> float:
    registry = CollectorRegistry()
    registry.register(ProcessFigures(root))
    return sum(sample.value for family in registry.collect() for sample in family.samples
               if sample.name == "hotgigs_resumes_processed_total"
               and sample.labels.get("status") == "parsed")


def test_every_host_folder_is_added_up(tmp_path: Path) -> None:
    root = tmp_path / "metrics"
    count_in(root / "web-1", 2)
    count_in(root / "worker-1", 3)
    count_in(root / "worker-2", 4)
    assert _parsed(root) == 9


def test_a_host_writes_and_wipes_only_its_own_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)
    settings = load_settings(data_dir=tmp_path)
    other = metrics_root(settings) / "another-container"
    count_in(other, 5)
    mine = prepare(settings, wipe=True)
    assert mine == metrics_dir(settings) and mine.parent == metrics_root(settings)
    assert mine.name == socket.gethostname()
    assert os.environ[ENV] == str(mine)
    count_in(mine, 1)
    assert _parsed(metrics_root(settings)) == 6  # the other host's figures were kept
    prepare(settings, wipe=True)  # this host's serve starting again
    assert _parsed(metrics_root(settings)) == 5
