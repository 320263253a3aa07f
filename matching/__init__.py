"""Matching: jobs analysed once when saved, candidates scored 0–100 with reasons.

Public entry points: `create_job`, `match_job`, `find_matches_many` (after each chunk of
parses), `top_matches` (see `matching.jobs`); `analyze_job` and `score` are the pure parts
behind them.
"""

from matching.analysis import JobAnalysis, analyze_job
from matching.jobs import (
    close_job,
    create_job,
    find_matches,
    find_matches_many,
    list_jobs,
    match_job,
    matches_hook,
    reopen_job,
    resolve_job,
    top_matches,
)
from matching.score import Match

__all__ = [
    "JobAnalysis",
    "Match",
    "analyze_job",
    "close_job",
    "create_job",
    "find_matches",
    "find_matches_many",
    "list_jobs",
    "match_job",
    "matches_hook",
    "reopen_job",
    "resolve_job",
    "top_matches",
]
