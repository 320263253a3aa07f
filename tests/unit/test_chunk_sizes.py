"""Bulk batches are cut into chunks that shrink towards the end (guided scheduling)."""

from __future__ import annotations

import pytest

from pipeline.queue import CHUNK, TAIL_CHUNK, chunk_job_ids, chunk_sizes


@pytest.mark.parametrize("total", [1, 2, 5, 31, 40, 200, 1000])
def test_chunks_cover_the_batch_and_shrink(total: int) -> None:
    sizes = chunk_sizes(total)
    assert sum(sizes) == total
    assert all(0 < s <= CHUNK for s in sizes)
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[-1] <= TAIL_CHUNK or len(sizes) == 1


def test_a_large_batch_uses_full_chunks_then_a_short_tail() -> None:
    sizes = chunk_sizes(1000)
    assert sizes[:10] == [CHUNK] * 10
    assert len(sizes) < 1000 / CHUNK + 12  # the tail adds only a few jobs


def test_job_ids_are_shared_within_a_chunk_only() -> None:
    resumes = [(rid, rid + 100) for rid in range(1, 41)]
    ids = chunk_job_ids(resumes, "low")
    assert len(ids) == 40
    assert [ids.count(i) for i in dict.fromkeys(ids)] == chunk_sizes(40)
    assert ids[0] == "chunk-1-101-10"
    assert chunk_job_ids(resumes[:2], "high") == ["resume-1-101", "resume-2-102"]
