"""Learning from corrections, measured: a benchmark that plays a coder (not a test).

For each new article (a seed article of the gold corpus, and the dev passages as one more
corpus, inside this benchmark only: the shipped models never see dev):

1. train on the gold corpus without that article (the dev set is never in it);
2. pick k of its sentences, either by ``pipeline.coding.suggest`` (uncertainty sampling with the
   models of step 1) or at random (fixed seed);
3. write them, with their gold labels, as a filled coding sheet and add it through the path of
   ``irtag train --add`` (:func:`pipeline.coding.add_corrections` into a copy of the gold folder);
4. retrain on that folder and score the rest of the article (macro-F1 per scheme, the dev rules).

k runs over 0, 25, 50, 100, 200, capped so that at least :data:`MIN_REST` sentences are left to
score. The curves are written as JSON; ``--quick`` runs one seed article with k <= 50::

    python benchmarks/learning_curve.py -o benchmarks/learning_curve.json
    python benchmarks/learning_curve.py --quick
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.codebook import CODER_PREFIX  # noqa: E402
from pipeline.coding import add_corrections, suggest  # noqa: E402
from pipeline.config import RunConfig  # noqa: E402
from pipeline.document import Document, Paragraph, Section  # noqa: E402
from pipeline.evaluate import evaluate_tables, summarise  # noqa: E402
from pipeline.io import read_table, write_json, write_table  # noqa: E402
from pipeline.stages import build_annotator, load  # noqa: E402
from pipeline.tag.context import with_context  # noqa: E402
from pipeline.tag.features import features_for, unit_sentence  # noqa: E402
from pipeline.training import GoldRow, fit_models, gold_files, read_gold, scheme_labels  # noqa: E402

KS = (0, 25, 50, 100, 200)
#: sentences of an article always left to score
MIN_REST = 30
DEV = ROOT.parent / "shared" / "dev"


class Features:
    """``gold_features`` with a cache of each sentence's own features (the context is re-derived
    from the rows read, exactly as :func:`pipeline.training.gold_features` does)."""

    def __init__(self, segmenter, lexicon):
        self.segmenter, self.lexicon, self.cache = segmenter, lexicon, {}

    def __call__(self, rows):
        own = []
        for row in rows:
            key = (row.lang, row.text)
            if key not in self.cache:
                sentence = unit_sentence(row.text, row.lang, self.segmenter, row.sent_id)
                self.cache[key] = features_for(sentence, *self.lexicon.match_all(sentence))
            own.append(self.cache[key])
        return with_context(own, [row.context_group for row in rows])


def train_on(folder: Path, label_sets, features: Features, random_state: int):
    rows = read_gold(gold_files(folder), label_sets)
    return fit_models(features(rows), rows, label_sets, random_state=random_state)


def as_document(doc_id: str, rows, segmenter) -> Document:
    """The article's rows as one document of body sentences (what ``suggest`` reads)."""
    sentences = [unit_sentence(r.text, r.lang, segmenter, r.sent_id) for r in rows]
    paragraph = Paragraph("p1", 0, 0, sentences=sentences)
    return Document(doc_id, doc_id, "csv", rows[0].lang, "", sections=[Section("s1", "body", "", 0, 0,
                                                                              paragraphs=[paragraph])])


def write_sheet(path: Path, rows, label_sets) -> None:
    """A coding sheet filled by a perfect coder: the gold labels in ``coder_*``, every row ticked."""
    write_table(path, pd.DataFrame([{"doc_id": r.doc_id, "sent_id": r.sent_id, "lang": r.lang, "text": r.text,
                                     **{CODER_PREFIX + s: ";".join(r.labels[s]) for s in label_sets},
                                     "coder_done": "x"} for r in rows]), guard=False)


def score(models, config, lexicon, segmenter, rows, label_sets) -> dict[str, float]:
    """Macro-F1 per scheme (the article's language) of the models on ``rows``."""
    table = pd.DataFrame({"doc_id": [r.doc_id for r in rows], "sent_id": [r.sent_id for r in rows],
                          "passage": [r.context_group or "" for r in rows], "lang": [r.lang for r in rows],
                          "text": [r.text for r in rows]})
    pred = build_annotator(config, lexicon, segmenter, models).tag_table(table, lang_column="lang")
    gold = pd.DataFrame([{"doc_id": r.doc_id, "sent_id": r.sent_id, "lang": r.lang,
                          **{s: ";".join(r.labels[s]) for s in label_sets}} for r in rows])
    summary = summarise(evaluate_tables(pred, gold, labels=label_sets), gold)
    fused = summary[summary["system"] == "fused"]
    return {f"{s}/{lang}": round(float(v), 4) for s, lang, v in zip(fused["scheme"], fused["lang"], fused["macro_f1"])
            if v == v}


def dev_rows(label_sets, dev: Path = DEV) -> list[GoldRow]:
    """The dev passages as gold rows (text joined from sentences.csv), for this benchmark only."""
    gold, text = read_table(dev / "gold.csv"), read_table(dev / "sentences.csv")
    texts = dict(zip(text["sent_id"].astype(str), text["text"]))
    return [GoldRow("dev", i, str(r["doc_id"]), str(r["sent_id"]), str(r["lang"]), texts[str(r["sent_id"])],
                    {s: tuple(x for x in str(r[s] if r[s] == r[s] else "").split(";") if x) for s in label_sets})
            for i, r in gold.iterrows()]


def curve(name, target, train_folder, args, config, lexicon, segmenter, label_sets, features) -> dict:
    """Scores after k corrections picked by suggest and at random, for one new article."""
    work = Path(tempfile.mkdtemp(prefix="irtag_curve_"))
    try:
        base = train_on(train_folder, label_sets, features, config.random_state)
        ranked = suggest([as_document(name, target, segmenter)], lexicon, base, limit=len(target))
        by_id = {r.sent_id: r for r in target}
        orders = {"suggest": [by_id[str(i)] for i in ranked["sent_id"]],
                  "random": [target[i] for i in np.random.default_rng(args.seed).permutation(len(target))]}
        ks = sorted({min(k, len(target) - MIN_REST) for k in args.ks if k <= args.max_k})
        result = {"article": name, "sentences": len(target), "lang": "+".join(sorted({r.lang for r in target})),
                  "ks": ks, "curves": {}}
        for strategy, order in orders.items():
            points = []
            for k in ks:
                chosen = {r.sent_id for r in order[:k]}
                rest = [r for r in target if r.sent_id not in chosen]
                models = base
                if k:
                    gold = work / f"{strategy}_{k}"
                    shutil.copytree(train_folder, gold)
                    sheet = work / f"{name}_{strategy}_{k}.csv"
                    write_sheet(sheet, [r for r in target if r.sent_id in chosen], label_sets)  # article order
                    add_corrections(sheet, gold, labels=label_sets)
                    models = train_on(gold, label_sets, features, config.random_state)
                cells = score(models, config, lexicon, segmenter, rest, label_sets)
                # a rest without any gold label has no cell to score (worst and mean None)
                points.append({"k": k, "scored": len(rest), "cells": cells,
                               "worst": min(cells.values()) if cells else None,
                               "mean": round(float(np.mean(list(cells.values()))), 4) if cells else None})
                print(f"{name} {strategy} k={k}: worst {points[-1]['worst']} mean {points[-1]['mean']}", flush=True)
            result["curves"][strategy] = points
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def markdown(payload: dict) -> str:
    """The curves as a Markdown table: worst and mean cell per article, strategy and k."""
    lines = ["| article | lang | sentences | strategy | " + " | ".join(f"k={k} worst / mean" for k in payload["ks"]) + " |",
             "| --- | --- | ---: | --- |" + " ---: |" * len(payload["ks"])]
    for article in payload["articles"]:
        for strategy, points in article["curves"].items():
            cells = {p["k"]: f"{p['worst']:.3f} / {p['mean']:.3f}" if p["worst"] is not None else "no gold label left"
                     for p in points}
            lines.append(f"| {article['article']} | {article['lang']} | {article['sentences']} | {strategy} | "
                         + " | ".join(cells.get(min(k, article["sentences"] - MIN_REST), "-") for k in payload["ks"])
                         + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--out", type=Path, default=ROOT / "benchmarks" / "learning_curve.json")
    parser.add_argument("--quick", action="store_true", help="one seed article, k <= 50")
    parser.add_argument("--no-dev", action="store_true", help="skip the dev passages")
    parser.add_argument("--dev", type=Path, default=DEV, help="the dev folder (gold.csv, sentences.csv)")
    parser.add_argument("--only", help="comma-separated article names (seed_000 …, dev) to run")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random choice")
    parser.add_argument("--table", type=Path, help="only print the Markdown table of a saved JSON")
    parser.add_argument("--ks", default=",".join(map(str, KS)), help="numbers of corrections (comma-separated)")
    args = parser.parse_args(argv)
    if args.table:
        print(markdown(json.loads(args.table.read_text(encoding="utf-8"))))
        return 0
    args.ks = tuple(int(k) for k in args.ks.split(","))
    args.max_k = 50 if args.quick else max(args.ks)
    config = RunConfig.load()
    runtime = load(config, tag=False)
    lexicon, segmenter = runtime.lexicon, runtime.segmenter
    label_sets = {s: tuple(v) for s, v in scheme_labels(lexicon).items()}
    features = Features(segmenter, lexicon)
    gold_dir = Path(config.gold)
    seeds = sorted(gold_dir.glob("seed_*.csv"))[:1 if args.quick else None]
    only = set(args.only.split(",")) if args.only else None
    seeds = [p for p in seeds if only is None or p.stem in only]
    started, results = time.time(), []

    def save() -> None:  # after every article, so that a long run keeps what it finished
        write_json(args.out, {"ks": list(args.ks), "min_rest": MIN_REST, "random_seed": args.seed,
                              "seconds": round(time.time() - started, 1), "articles": results}, indent=1)

    for path in seeds:
        with tempfile.TemporaryDirectory(prefix="irtag_gold_") as folder:
            for other in gold_files(gold_dir):
                if other != path:
                    shutil.copy(other, folder)
            target = read_gold([path], label_sets)
            results.append(curve(path.stem, target, Path(folder), args, config, lexicon, segmenter, label_sets,
                                 features))
        save()
    if not args.quick and not args.no_dev and (only is None or "dev" in only) and (args.dev / "gold.csv").is_file():
        results.append(curve("dev", dev_rows(label_sets, args.dev), gold_dir, args, config, lexicon, segmenter, label_sets,
                             features))
        save()
    print(markdown({"ks": list(args.ks), "articles": results}))
    print(f"-> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
