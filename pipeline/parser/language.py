"""The document's language (ISO 639-1) for `meta.language` and for the stages that use it.

Writing systems settle most cases at once (kana → ja, Hangul → ko, Han without kana → zh,
Cyrillic → ru/uk). Latin-script languages are told apart by counting their most frequent
function words and CV words; a résumé has hundreds of words, so a short list per language is
enough. Hand-written rather than a registry model: the packages that ship offline profiles
(langdetect, langid, lingua) cost 5–200 ms and megabytes per document for the same answer on
this kind of text; this costs well under a millisecond.
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.parser.lines import ParseState

_WORDS: dict[str, set[str]] = {
    "en": {"the", "and", "of", "to", "in", "for", "with", "on", "at", "experience",
           "education", "skills", "university", "present", "developed", "managed", "team",
           "work", "years", "from", "summary", "responsible"},
    "de": {"und", "der", "die", "das", "mit", "für", "von", "den", "im", "bei", "zu", "ist",
           "ich", "erfahrung", "ausbildung", "kenntnisse", "berufserfahrung", "auf", "als",
           "sprachen", "universität", "heute", "seit", "nicht"},
    "fr": {"et", "le", "la", "les", "des", "du", "pour", "dans", "avec", "sur", "une", "au",
           "aux", "expérience", "formation", "compétences", "université", "langues", "je",
           "est", "ingénieur", "professionnelle"},
    "es": {"y", "el", "los", "las", "del", "con", "para", "por", "una", "en", "experiencia",
           "educación", "habilidades", "universidad", "actualidad", "idiomas", "desarrollo",
           "como", "laboral", "formación"},
    "pt": {"e", "os", "as", "do", "da", "dos", "das", "com", "para", "em", "uma", "no", "na",
           "experiência", "educação", "formação", "habilidades", "universidade", "atualmente",
           "não", "idiomas", "cargo"},
    "it": {"e", "il", "di", "della", "delle", "dei", "con", "per", "nel", "nella", "gli",
           "esperienza", "istruzione", "formazione", "competenze", "università", "lingue",
           "lavoro", "sono", "lavorative", "personali"},
    "nl": {"en", "de", "het", "van", "een", "met", "voor", "op", "bij", "als", "werkervaring",
           "opleiding", "vaardigheden", "heden", "talen", "je", "jouw", "wat", "naam", "ik"},
    "pl": {"i", "w", "z", "na", "do", "oraz", "dla", "się", "jest", "doświadczenie",
           "wykształcenie", "umiejętności", "obecnie", "języki", "zawodowe", "od", "uniwersytet",
           "praca"},
}
_TOKEN = re.compile(r"[^\W\d_]+")
_KANA = re.compile(r"[\u3040-\u30FF]")
_HAN = re.compile(r"[\u3400-\u4DBF\u4E00-\u9FFF]")
_HANGUL = re.compile(r"[\uAC00-\uD7AF]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def detect(text: str) -> str | None:
    """ISO 639-1 code of the text's main language, or None for a text without words."""
    sample = text[:6000]
    kana, han = len(_KANA.findall(sample)), len(_HAN.findall(sample))
    hangul, cyr = len(_HANGUL.findall(sample)), len(_CYRILLIC.findall(sample))
    tokens = [t.lower() for t in _TOKEN.findall(sample)]
    latin = sum(1 for t in tokens if t.isascii() or t[0] < "\u0250")
    if kana >= 5 and kana + han >= latin:
        return "ja"
    if han >= 10 and han >= latin:
        return "ja" if kana >= 3 else "zh"
    if hangul >= 10 and hangul >= latin:
        return "ko"
    if cyr >= 20 and cyr >= latin:
        return "uk" if re.search(r"[іїєґ]", sample.lower()) else "ru"
    if not tokens:
        return None
    scores: Counter[str] = Counter()
    for tok in tokens:
        for lang, words in _WORDS.items():
            if tok in words:
                scores[lang] += 1
    if not scores:
        return "en"
    best, top = scores.most_common(1)[0]
    # English shares short words with everyone: another language must clearly lead
    if best != "en" and top < max(3, scores["en"] * 1.2):
        return "en" if scores["en"] else best
    return best


def run(state: ParseState) -> None:
    """Stage: fill `meta.language`."""
    assert state.doc is not None
    state.result.meta.language = detect(state.doc.text)
