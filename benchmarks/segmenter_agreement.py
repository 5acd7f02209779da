"""Do rjieba and jieba give the same tokens? Over the seed articles and the dev sentences.

Runs irtag's own :class:`~pipeline.segment.Segmenter` with each engine (domain dictionary and
all) and counts sentences whose tokens (text and offsets) differ. Prints counts only: no dev text.

Example::

    python benchmarks/segmenter_agreement.py [--dev ../shared/dev/sentences.csv]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from pipeline.segment import Segmenter, split_sentences

ROOT = Path(__file__).resolve().parent.parent


def texts(dev: Path | None) -> dict[str, list[tuple[str, str]]]:
    """``{corpus: [(text, lang)]}``: seed sentences, and the dev set's sentences where present."""
    seeds = []
    for path in sorted((ROOT / "corpora" / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        lang = "zh" if sum("\u4e00" <= c <= "\u9fff" for c in text) > len(text) / 10 else "en"
        seeds += [(text[a:b], lang) for a, b in split_sentences(text, lang)]
    found = {"seeds": seeds}
    if dev is not None and dev.is_file():
        with open(dev, encoding="utf-8-sig", newline="") as handle:
            found["dev"] = [(row["text"], row.get("lang") or "zh") for row in csv.DictReader(handle)]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "dev" / "sentences.csv")
    args = parser.parse_args()
    engines = {name: Segmenter(engine=name) for name in ("jieba", "rjieba")}
    for corpus, items in texts(args.dev).items():
        differ = tokens = 0
        for text, lang in items:
            a, b = ([(t.text, t.start, t.end) for t in engines[e].tokenize(text, lang)] for e in ("jieba", "rjieba"))
            tokens += len(a)
            differ += a != b
        print(f"{corpus}: {len(items)} sentences, {tokens} jieba tokens, {differ} sentences with different tokens")


if __name__ == "__main__":
    main()
