"""Phone numbers without a country code get the region the résumé itself points to."""

from __future__ import annotations

from pipeline.parser import parse_document
from pipeline.parser.phones import infer_region, parse_phone, place_region
from tests.unit.parser import docgen


def _docx(*lines: str) -> bytes:
    return docgen.docx_file(body=[("Sam Example", True), *lines, ("Experience", True),
                                  "Engineer | Example Corp | 2019 - 2021"])


def test_chinese_mobile_stays_chinese() -> None:
    res = parse_document(docgen.docx_file(body=[
        ("张伟", True), "手机: 139 1234 5678", ("工作经历", True),
        "2019.07 - 至今 示例科技有限公司 软件工程师"]), "cv.docx")
    assert res.phone == "+8613912345678"


def test_indian_number_stays_indian() -> None:
    res = parse_document(_docx("Phone: 098450 12345", "Bengaluru, Karnataka"), "cv.docx")
    assert res.phone == "+919845012345"


def test_german_number_with_a_berlin_address() -> None:
    res = parse_document(_docx("Tel: 030 901820", "Address: Musterweg 5, 10115 Berlin"),
                         "cv.docx")
    assert res.phone == "+4930901820"


def test_bare_us_number_uses_the_default() -> None:
    data = _docx("Phone: (512) 555-0134")
    assert parse_document(data, "cv.docx").phone == "+15125550134"


def test_default_region_setting_applies_without_clues() -> None:
    data = _docx("Phone: 020 7946 0958")
    assert parse_document(data, "cv.docx", default_region="GB").phone == "+442079460958"


def test_region_clues_in_order() -> None:
    # another number printed with a country code wins
    assert infer_region("Tel +49 30 901820, Mobil 0151 1234567", location=None,
                        language="en") == "DE"
    assert infer_region("", location="Lyon, France", language=None) == "FR"
    assert infer_region("", location="Austin, TX", language="de") == "US"
    assert infer_region("", location=None, language="ja") == "JP"
    assert infer_region("", location=None, language="en", default="GB") == "GB"


def test_place_names_in_other_languages() -> None:
    assert place_region("Riehen, Schweiz") == "CH"
    assert place_region("Kraków, Polska") == "PL"
    assert place_region("東京都渋谷区") == "JP"
    assert place_region("Madrid") == "ES"
    assert place_region("Jordan Smith") is None


def test_a_number_impossible_in_the_region_is_not_forced() -> None:
    # eleven digits starting with 1 are a Chinese mobile, not a US number
    assert parse_phone("139 1234 5678", "US") is None
    assert parse_phone("139 1234 5678", "CN") == "+8613912345678"
