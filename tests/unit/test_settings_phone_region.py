"""HOTGIGS_DEFAULT_PHONE_REGION: read, normalised, refused when it names no region."""

from __future__ import annotations

import pytest

from hotgigs.settings import SettingsError, load_settings


def test_default_is_us() -> None:
    assert load_settings().default_phone_region == "US"


def test_read_from_the_environment_and_normalised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTGIGS_DEFAULT_PHONE_REGION", " gb ")
    assert load_settings().default_phone_region == "GB"


def test_unknown_region_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTGIGS_DEFAULT_PHONE_REGION", "Germany")
    with pytest.raises(SettingsError, match="HOTGIGS_DEFAULT_PHONE_REGION"):
        load_settings()
