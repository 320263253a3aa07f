"""The two outcome exceptions of HotGigs' work (STYLE.md, habit 4).

`Rejected` is permanent: the input can never succeed (corrupt file, not a resume); it is
recorded with its human reason and never retried. `Transient` means "try again later"
(database or Redis hiccup, rate limit); RQ retries it with backoff. Anything else is a bug.
"""


class Rejected(Exception):
    """A permanent refusal; `reason` is shown to the recruiter as is."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Transient(Exception):
    """A temporary failure; the same work may succeed when retried."""
