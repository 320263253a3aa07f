"""Build matching's shipped data: word associations and the O*NET occupation list.

    python -m matching.build_data --corpus ../shared/data/matching-dev \
        --taxonomy ../shared/data/taxonomy

Not on the runtime path: the output files in `matching/data/` are committed and read at run
time; nothing is downloaded. Associations are normalised PMI of two word stems appearing in
the same document (resumes and postings of the corpus folder, no labels read), keeping each
stem's strongest neighbours. Only statistics are written, never text from the corpus.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import math
from pathlib import Path

import numpy as np

from matching.text import terms

DATA_DIR = Path(__file__).resolve().parent / "data"
ATTRIBUTION = (
    "This includes information from the O*NET database by the U.S. Department of Labor, "
    "Employment and Training Administration (USDOL/ETA), used under the CC BY 4.0 license."
)
MIN_DF = 5  # a stem in fewer documents has no reliable neighbours
MAX_SHARE = 0.4  # a stem in more than 40% of documents is too common to expand
MIN_TOGETHER = 4  # documents two stems must share
NEIGHBOURS = 8
MIN_NPMI = 0.25


def corpus_docs(folder: Path) -> list[set[str]]:
    """The set of stems of every .txt file under `folder` (resumes and postings alike)."""
    return [set(terms(p.read_text(errors="replace"))) for p in sorted(folder.rglob("*.txt"))]


def associations(docs: list[set[str]]) -> dict[str, list[tuple[str, float]]]:
    """stem -> [(neighbour, npmi)] strongest first, from document co-occurrence."""
    n = len(docs)
    df: dict[str, int] = {}
    for doc in docs:
        for t in doc:
            df[t] = df.get(t, 0) + 1
    vocab = sorted(t for t, f in df.items() if MIN_DF <= f <= MAX_SHARE * n)
    index = {t: i for i, t in enumerate(vocab)}
    x = np.zeros((n, len(vocab)), dtype=np.float32)
    for row, doc in enumerate(docs):
        for t in doc:
            if t in index:
                x[row, index[t]] = 1.0
    together = x.T @ x
    dfs = np.diag(together).copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        p_ab = together / n
        pmi = np.log(p_ab * n * n / np.outer(dfs, dfs))
        npmi = pmi / -np.log(p_ab)
    npmi[together < MIN_TOGETHER] = 0.0
    np.fill_diagonal(npmi, 0.0)
    npmi = np.nan_to_num(npmi, nan=0.0, posinf=0.0, neginf=0.0)
    out: dict[str, list[tuple[str, float]]] = {}
    for i, term in enumerate(vocab):
        best = np.argsort(-npmi[i])[:NEIGHBOURS]
        kept = [(vocab[j], round(float(npmi[i, j]), 3)) for j in best if npmi[i, j] >= MIN_NPMI]
        if kept:
            out[term] = kept
    return out


def occupations(taxonomy: Path) -> list[list[str]]:
    """[[O*NET-SOC code, title]] for every occupation (descriptions are not shipped)."""
    with open(taxonomy / "onet-occupations.tsv", encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t")
        return [[r["O*NET-SOC Code"].strip(), r["Title"].strip()] for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--taxonomy", type=Path, required=True)
    args = parser.parse_args()
    docs = corpus_docs(args.corpus)
    assoc = associations(docs)
    DATA_DIR.mkdir(exist_ok=True)
    with gzip.open(DATA_DIR / "associations.json.gz", "wt", encoding="utf-8") as f:
        json.dump({"documents": len(docs), "min_npmi": MIN_NPMI, "terms": assoc}, f,
                  sort_keys=True, separators=(",", ":"))
    (DATA_DIR / "occupations.json").write_text(json.dumps(
        {"attribution": ATTRIBUTION, "occupations": occupations(args.taxonomy)},
        indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    pairs = sum(len(v) for v in assoc.values())
    print(f"{len(docs)} documents: {len(assoc)} stems with {pairs} neighbours "
          f"(mean npmi {math.fsum(w for v in assoc.values() for _, w in v) / max(pairs, 1):.2f})")


if __name__ == "__main__":
    main()
