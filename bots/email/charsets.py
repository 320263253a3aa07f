"""Text from the bytes of a MIME part or a file name, whatever charset it was really in.

Mail in the wild declares no charset, the wrong one (GBK labelled ISO-8859-1, GB2312 text
with GBK-only characters) or writes raw 8-bit names. We decode as real servers and clients
do: the declared charset widened to its superset (GB2312/GBK → GB18030, Shift_JIS → CP932,
EUC-KR → CP949, ISO-8859-1 → Windows-1252), strict; then UTF-8; then, for unlabelled
bytes, hints (charsets named elsewhere in the same message: a short name alone says too
little); then charset-normalizer's detection. A western single-byte declaration decodes
anything, so it is overruled only when detection finds CJK or Cyrillic text, never for Latin
text.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable

from charset_normalizer import from_bytes

SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "euc-cn": "gb18030", "x-gbk": "gb18030",
    "big5": "big5hkscs", "shift_jis": "cp932", "euc-kr": "cp949", "ks_c_5601-1987": "cp949",
    "iso8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252",
}
WESTERN = {"cp1252", "iso8859-15", "utf-8"}  # decode (almost) anything: weak evidence
# what detection may overrule a western label with: multi-byte CJK and Cyrillic families
_OVERRULING = ("gb", "big5", "cp932", "shift", "euc", "cp949", "cp950", "iso2022", "cp1251",
               "koi8", "iso8859-5", "mac-cyrillic", "cp866")


def canonical(charset: str | None) -> str | None:
    """Python's name of a charset label, widened to its superset; None when unknown."""
    if not charset:
        return None
    try:
        name = codecs.lookup(charset.strip().strip('"').lower()).name
    except LookupError:
        return None
    return SUPERSETS.get(name, name)


def _strict(data: bytes, charset: str | None) -> str | None:
    if not charset:
        return None
    try:
        return data.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return None


def detect(data: bytes) -> str | None:
    """charset-normalizer's best guess, as a canonical name."""
    best = from_bytes(data).best()
    return canonical(best.encoding) if best is not None else None


def decode(data: bytes, declared: str | None = None, hints: Iterable[str] = ()) -> str:
    """`data` as text (see the module docstring); never raises, never leaves surrogates."""
    return decode_as(data, declared, hints)[0]


def decode_as(data: bytes, declared: str | None = None,
              hints: Iterable[str] = ()) -> tuple[str, str]:
    """(text, the charset it was read in)."""
    if data.isascii():
        return data.decode("ascii"), "ascii"
    label = canonical(declared)
    if label and label not in WESTERN and (text := _strict(data, label)) is not None:
        return text, label
    if (text := _strict(data, "utf-8")) is not None:
        return text, "utf-8"
    # hints (charsets named elsewhere in the message) beat no label, not a western one: only
    # strong evidence from the bytes themselves overrules what the part says
    for hint in dict.fromkeys(h for h in (canonical(x) for x in hints) if h and not label):
        if hint not in WESTERN and (text := _strict(data, hint)) is not None:
            return text, hint
    guess = detect(data)
    if label == "cp1252" and (not guess or not guess.startswith(_OVERRULING)):
        return data.decode("cp1252", "replace"), "cp1252"
    if guess and (text := _strict(data, guess)) is not None:
        if guess.startswith(_OVERRULING):
            return text, guess
        # a Latin guess (cp1250, cp775…) of undeclared text: Windows-1252 is what mail uses
        latin = _strict(data, "cp1252")
        return (latin, "cp1252") if latin is not None else (text, guess)
    fallback = label or "cp1252"
    return data.decode(fallback, "replace"), fallback
