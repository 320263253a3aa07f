"""Every log line masks emails and phone numbers, whatever the call site passed."""

from __future__ import annotations

import io
import logging

from hotgigs.log import configure_logging, mask_pii


def test_a_resume_contact_line_is_masked_in_the_log() -> None:
    stream = io.StringIO()
    handler = configure_logging("INFO", stream)
    try:
        contact = "Jane Doe | jane.doe@example.com | +44 20 7946 0132 | London, UK"
        logging.getLogger("hotgigs.test").info("resume 7: contact line %s", contact)
        logging.getLogger("hotgigs.test").warning("call (555) 123-4567 or mail a.b+cv@mail.co.uk")
    finally:
        logging.getLogger().removeHandler(handler)
    out = stream.getvalue()
    assert "j***@example.com" in out
    assert "+44******0132" in out
    assert "55****4567" in out
    assert "a***@mail.co.uk" in out
    for secret in ("jane.doe@", "7946", "123-4567", "a.b+cv"):
        assert secret not in out
    # what is not contact data survives
    assert "Jane Doe" in out and "London, UK" in out and "resume 7" in out


def test_tracebacks_are_masked_too() -> None:
    stream = io.StringIO()
    handler = configure_logging("INFO", stream)
    try:
        try:
            raise ValueError("bad phone +1 202 555 0143 for x@y.org")
        except ValueError:
            logging.getLogger("hotgigs.test").exception("parse failed")
    finally:
        logging.getLogger().removeHandler(handler)
    out = stream.getvalue()
    assert "ValueError" in out
    assert "555 0143" not in out and "x@y.org" not in out


def test_ids_dates_and_hashes_are_left_alone() -> None:
    for text in (
        "resume 550e8400-e29b-41d4-a716-446655440000 done",
        "window 2019-01-02 12:00:00 to 2020-03",
        "sha 3b8f2c8e9a6d1f0e4c7b5a2d8e1f3c6b9a0d7e4f2c5b8a1d3e6f9c2b5a8d1e4f",
        "batch 12 took 1234567 ms",
    ):
        assert mask_pii(text) == text
