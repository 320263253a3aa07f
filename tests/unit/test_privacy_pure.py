"""Tombstone digests: keyed, normalized, and not a bare hash of the address."""

from __future__ import annotations

import hashlib

from pipeline.metrics import reason_label
from storage.privacy import digests, normalize_phone, tombstone_key

KEY = bytes(range(32))


def test_the_same_person_written_differently_gives_the_same_digests() -> None:
    key = tombstone_key(KEY)
    a = digests(key, ["Jane.Doe@Example.TEST "], ["+1 (415) 555-0143"])
    b = digests(key, ["jane.doe@example.test"], ["+14155550143"])
    assert a == b and sorted(a.values()) == ["email", "phone"]


def test_digests_are_keyed_and_the_key_is_derived() -> None:
    key = tombstone_key(KEY)
    assert key != KEY and len(key) == 32
    ours = digests(key, ["jane@example.test"], [])
    assert hashlib.sha256(b"jane@example.test").hexdigest() not in ours
    assert hashlib.sha256(b"email:jane@example.test").hexdigest() not in ours
    assert digests(tombstone_key(bytes(32)), ["jane@example.test"], []) != ours


def test_unusable_values_give_no_digest() -> None:
    assert digests(KEY, [None, "", "not-an-address"], [None, "12", "n/a"]) == {}
    assert normalize_phone("+44 20 7946 0958") == "442079460958"


def test_failure_reasons_become_few_label_values() -> None:
    assert reason_label("file too large: 22 MB (limit 20 MB)") == "file too large"
    assert reason_label("could not be parsed (ValueError)") == "could not be parsed"
    assert reason_label(None) == ""
    assert reason_label("erased on request") == "erased on request"
