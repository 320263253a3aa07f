"""`hotgigs serve --role`: which parts a host runs."""

from __future__ import annotations

import pytest

from hotgigs.run.serve import ROLES, parse_roles


def test_no_role_given_runs_every_part() -> None:
    assert parse_roles(None) == parse_roles([]) == frozenset(ROLES)


def test_roles_repeat_or_come_comma_separated() -> None:
    assert parse_roles(["web", "smtp"]) == parse_roles(["web,smtp"]) == {"web", "smtp"}
    assert parse_roles([" worker , ", "worker"]) == {"worker"}


def test_an_unknown_role_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="unknown role mail"):
        parse_roles(["web,mail"])
