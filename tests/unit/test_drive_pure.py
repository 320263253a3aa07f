"""Pure pieces of the Drive adapter: folder references and the endpoint."""

from __future__ import annotations

import pytest

from bots.drive.folders import parse_folder_ref
from bots.drive.gdrive import api_endpoint

FOLDER = "1AbC-dEf_GhIjKlMnOpQrStUv"


@pytest.mark.parametrize("ref", [
    FOLDER,
    f"https://drive.google.com/drive/folders/{FOLDER}",
    f"https://drive.google.com/drive/u/1/folders/{FOLDER}?usp=sharing",
    f"https://drive.google.com/open?id={FOLDER}",
    f"  {FOLDER}\n",
])
def test_a_folder_is_found_in_its_id_or_url(ref: str) -> None:
    assert parse_folder_ref(ref) == FOLDER


@pytest.mark.parametrize("ref", ["", "short", "https://example.com/folders/" + FOLDER,
                                 "x' in parents or '1", "https://drive.google.com/drive/my-drive"])
def test_anything_else_is_refused(ref: str) -> None:
    with pytest.raises(ValueError, match="not a Google Drive folder"):
        parse_folder_ref(ref)


def test_the_endpoint_override_points_at_drive_v3() -> None:
    assert api_endpoint("http://127.0.0.1:9000") == "http://127.0.0.1:9000/drive/v3/"
    assert api_endpoint("https://proxy.test/drive/v3/") == "https://proxy.test/drive/v3/"
