"""`hotgigs duplicates list/merge/not-same/split`: review who is who (pipeline.identity).

`--owner EMAIL` acts as that recruiter (only their candidates); without it the operator sees
every recruiter's links, and is recorded as `cli:<user>` in the audit log.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

import typer

from hotgigs.cli.support import UsageError, default_owner, run_with_services

duplicates_app = typer.Typer(help="Possible duplicate candidates: review, merge, split.",
                             no_args_is_help=True)

Owner = Annotated[str | None, typer.Option(help="act as this recruiter (their candidates only)")]


def _reindex(services: Any) -> Callable[[list[int]], None]:
    from matching import matches_hook

    return matches_hook(services.db)


def _act(work: Callable[[Any], Any]) -> None:
    """Run one use case; its refusal (unknown id, another's candidate) is a usage error."""
    from pipeline.identity import IdentityError

    def run(services: Any) -> int:
        try:
            done = work(services)
        except IdentityError as exc:
            raise UsageError(str(exc)) from None
        print(done.message)
        return 0

    run_with_services(run)


@duplicates_app.command("list")
def duplicates_list(
    owner: Owner = None,
    status: Annotated[str, typer.Option(
        help="possible (to review), merged (can be split), distinct, or all")] = "possible",
    candidate: Annotated[int | None, typer.Option(help="only links of this candidate")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Possible duplicates with their evidence (or merges, with the resumes they moved)."""
    from pipeline.identity import IdentityError, list_links

    if status not in ("possible", "merged", "distinct", "all"):
        raise typer.BadParameter("one of possible, merged, distinct, all", param_hint="--status")

    def run(services: Any) -> int:
        try:
            found = list_links(services.db, owner, candidate_id=candidate,
                               status=None if status == "all" else status)
        except IdentityError as exc:
            raise UsageError(str(exc)) from None
        if as_json:
            print(json.dumps([view.as_json() for view in found], indent=2))
            return 0
        if not found:
            print(f"no {status if status != 'all' else ''} duplicate links".replace("  ", " "))
        for view in found:
            other = (f"{view.other_id} {view.other_name or '(no name)'}" if view.other_id
                     else f"resumes {view.resume_ids}")
            print(f"{view.id}\t{view.status}\t{view.candidate_id} "
                  f"{view.candidate_name or '(no name)'}\t{other}\t{view.evidence}")
        return 0

    run_with_services(run)


@duplicates_app.command("merge")
def duplicates_merge(
    first: Annotated[int, typer.Argument(help="candidate id (the older one is kept)")],
    second: Annotated[int, typer.Argument(help="candidate id")],
    owner: Owner = None,
) -> None:
    """Merge two candidates into one; `duplicates split` undoes it."""
    from pipeline.identity import merge

    _act(lambda services: merge(services.db, first, second, owner=owner,
                                actor=owner or default_owner(), source="cli",
                                reindex=_reindex(services)))


@duplicates_app.command("not-same")
def duplicates_not_same(
    link: Annotated[int, typer.Argument(help="possible-duplicate id from `duplicates list`")],
    owner: Owner = None,
) -> None:
    """Close a possible duplicate: they are different people (never suggested again)."""
    from pipeline.identity import not_same

    _act(lambda services: not_same(services.db, link, owner=owner,
                                   actor=owner or default_owner(), source="cli"))


@duplicates_app.command("split")
def duplicates_split(
    link: Annotated[int, typer.Argument(help="merge id from `duplicates list --status merged`")],
    owner: Owner = None,
) -> None:
    """Undo a merge: both candidates are rebuilt from their own resume versions."""
    from pipeline.identity import split

    _act(lambda services: split(services.db, link, owner=owner,
                                actor=owner or default_owner(), source="cli",
                                reindex=_reindex(services)))
