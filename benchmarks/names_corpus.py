"""Name finding on the annotated corpus: found names, and "names" invented for nameless resumes.

Reads ../shared/data/corpus/dotin (360 CC0 resumes with inline labels, see its README). Each
text is parsed twice as a plain-text résumé through the whole parser:
  1. as written: the predicted name is compared with the labelled `Name` through the shared
     scorer's name normalisation (accents, case and punctuation folded);
  2. with every line holding the `Name` label removed: any name predicted now is invented
     (a heading, a skill, a place or a company taken for a person). This is the failure that
     merges different people into one candidate, so its count should be near 0.
Run: `.venv/bin/python benchmarks/names_corpus.py [--show 20]`.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.parse_layouts import SCORE
from pipeline.errors import Rejected
from pipeline.parser import parse_document

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "corpus" / "dotin"
_LABEL = re.compile(r'<label type="([^"]+)">(.*?)</label>', re.S)


def _plain(xml: str) -> str:
    body = re.sub(r"</?cv>|<\?xml[^>]*\?>", "", xml)
    return _LABEL.sub(lambda m: m.group(2), body)


def _nameless(xml: str) -> str:
    kept = [ln for ln in xml.splitlines() if 'type="Name"' not in ln]
    return _plain("\n".join(kept))


def _name_of(text: str) -> str | None:
    try:
        return parse_document(text.encode("utf-8"), "resume.txt").name
    except Rejected:
        return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--show", type=int, default=10, help="print this many mistakes of each kind")
    args = ap.parse_args()
    files = sorted(args.corpus.glob("*/*.xml"))
    right = wrong = missed = labelled = 0
    invented: Counter[str] = Counter()
    mistakes: list[str] = []
    for path in files:
        xml = path.read_text(encoding="utf-8")
        names = [m.group(2).strip() for m in _LABEL.finditer(xml) if m.group(1) == "Name"]
        if names:
            labelled += 1
            got = _name_of(_plain(xml))
            if got is None:
                missed += 1
                mistakes.append(f"missed  {path.parent.name}/{path.name}: {names[0]!r}")
            elif SCORE.norm_name(got) in {SCORE.norm_name(n) for n in names}:
                right += 1
            else:
                wrong += 1
                mistakes.append(f"wrong   {path.parent.name}/{path.name}: {got!r} for {names[0]!r}")
        fake = _name_of(_nameless(xml))
        if fake:
            invented[fake] += 1
    print(f"{len(files)} corpus resumes, {labelled} with a labelled name")
    print(f"as written: right {right}, wrong {wrong}, missed {missed} "
          f"(accuracy {right / max(labelled, 1):.3f})")
    print(f"name lines removed: {sum(invented.values())} resumes still got a name "
          f"({len(invented)} distinct)")
    for text, count in invented.most_common(args.show):
        print(f"  invented {count:3d}x {text!r}")
    for line in mistakes[: args.show]:
        print(" ", line)


if __name__ == "__main__":
    main()
