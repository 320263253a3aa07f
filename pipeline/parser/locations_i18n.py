"""Locations of résumés written in other languages: labelled addresses and CJK addresses.

Outside English the address usually carries a label ("Adresse:", "Dirección:", 現住所,
地址) and a full postal address; the location we keep is its city part ("Riehen, Schweiz"
from "Baselstrasse 32, 4125 Riehen, Schweiz"), while a Japanese or Chinese address is kept
whole as printed (prefecture/province to street is one unit there). Unlabelled CJK
addresses are recognised by their administrative suffixes (省, 市, 区, 都, 県 …) followed by
a number.
"""

from __future__ import annotations

import re

from pipeline.parser.countries import country_of
from pipeline.parser.lines import Line

_LATIN_LABEL = re.compile(
    r"(?i)^\s*(?:adresse|anschrift|wohnort|direcci[oó]n|domicilio|residencia|endere[cç]o|"
    r"morada|resid[eê]ncia|adres|woonplaats|indirizzo|residenza|adres zamieszkania|"
    r"miejsce zamieszkania|miasto|ville|lieu de r[ée]sidence|localit[àa]|ubicaci[oó]n|"
    r"localiza[cç][aã]o|standort)(?![^\W\d_])(?:\s*\(\w*\))?\s*[:：]?\s*(?P<v>.*)$"
)
_CJK_LABEL = re.compile(r"^\s*(?:現住所|住所|地址|住址|现居住地|现居地|居住地|所在地|现居|現在地)"
                        r"\s*[:：]?\s*(?P<v>.*)$")
_CJK_ADDRESS = re.compile(
    r"^(?:[\u4E00-\u9FFF\u30A0-\u30FF\-ー]{1,12}(?:都|道|府|県|省|州|自治区))?"
    r"[\u4E00-\u9FFF\u30A0-\u30FF\-ー]{1,12}(?:市|区|郡|町|村|県|都)"
    r"[\u3040-\u30FF\u4E00-\u9FFF\w\-−ー ]*\d"
)
_READING = re.compile(r"^\s*(?:ふりがな|フリガナ)")
# postal codes: 10115, D-10115, 00-238 (pl), 1000-001 (pt), 1012 AB (nl), 〒100-0001 (ja)
_CODE = r"(?:\d{4}\s?[A-Z]{2}(?=\s)|\d{4}-\d{3}|\d{2}-\d{3}|(?:[A-Z]{1,2}-)?\d{4,6})"
_POSTAL = re.compile(rf"^\s*{_CODE}\s+|\s+{_CODE}\s*$|〒\s*\d{{3}}-?\d{{4}}")


def _city_part(value: str) -> str:
    """'Baselstrasse 32, 4125 Riehen, Schweiz' → 'Riehen, Schweiz'."""
    parts = [p.strip() for p in value.split(",") if p.strip()]
    while len(parts) > 1 and re.search(r"\d", parts[0]) and not _POSTAL.match(parts[0]):
        parts = parts[1:]  # the street and house number
    parts = [_POSTAL.sub(" ", p).strip() for p in parts]
    return ", ".join(p for p in parts if p)


def _cjk_address(text: str) -> str | None:
    cell = re.sub(r"^[^\u3040-\u30FF\u4E00-\u9FFF]{1,2}\s+", "", text.strip())  # icon glyph
    cell = re.sub(r"(?<=\d)\s+(?=[号號番])", "", _POSTAL.sub("", cell)).strip()
    return cell if _CJK_ADDRESS.match(cell) else None


def find_location(lines: list[Line]) -> str | None:
    """A labelled address (any language) or a CJK address at the top, else None."""
    for i, ln in enumerate(lines[:80]):
        cells = [c.strip() for c in ln.text.split("\t") if c.strip()]
        for k, cell in enumerate(cells):
            m = _LATIN_LABEL.match(cell)
            if m and (m.group("v") or k + 1 < len(cells)):
                # the value after the label, or in the next cell ("Adresse:<tab>…")
                return _city_part(m.group("v") or cells[k + 1]) or None
            m = _CJK_LABEL.match(cell)
            if not m:
                continue
            value = _cjk_address(m.group("v"))
            if value:
                return value
            for nxt in lines[i + 1:i + 4]:
                if _READING.match(nxt.text):
                    continue
                first = nxt.text.split("\t")[0]
                value = _cjk_address(first)
                if value:
                    return value
    for ln in lines[:12]:
        for cell in ln.text.split("\t"):
            value = _cjk_address(cell)
            if value:
                return value
            short = cell.strip()
            if 2 <= len(short) <= 4 and re.fullmatch(r"[\u4E00-\u9FFF]+", short) and (
                country_of(short)
            ):
                return short  # a city named alone in the header ("上海")
    return None
