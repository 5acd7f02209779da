"""Scoring relations against hand-coded ones (``irtag evaluate --relations GOLD``).

A gold table (``corpora/relations/*.csv``) has one row per relation a coder reads in a
sentence: ``doc_id, sent_id, lang, text, source, target, kind, label`` (and an optional
``stance`` and ``note``, not scored). A sentence with no relation has one row with empty
``source``/``target``/``kind``/``label``, so its false positives count. Sides are organisation
ids, or ``*<type>`` for a generic mention (``*ngo`` for 非政府组织 / NGOs).

The pipeline tags the sentences as rows (those of one ``doc_id`` as one passage, in order, so
short forms and pronouns carry over), the relation step runs on them, and a predicted relation
is right when the gold has the same (sentence, source, target, kind, label); ``cooperates``
pairs are unordered. Precision, recall and F1 per language, overall and per kind.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

from pipeline.errors import Errors, IrtagError
from pipeline.metrics import f1

GOLD_COLUMNS = ("doc_id", "sent_id", "lang", "text", "source", "target", "kind", "label")
TABLE_COLUMNS = ("lang", "kind", "gold", "predicted", "correct", "precision", "recall", "f1")
KINDS = ("seeks", "provides", "cooperates")
ALL = "all"

Key = tuple[str, str, str, str, str]


def relation_key(sent_id: str, source: str, target: str, kind: str, label: str) -> Key:
    """What is scored; a cooperation pair has no direction."""
    if kind == "cooperates":
        source, target = sorted((source, target))
    return sent_id, source, target, kind, label


def read_gold(path: str | os.PathLike) -> Any:
    """The gold rows of a file, or of every ``*.csv`` in a folder (E140 if none, E141 on a bad row)."""
    import pandas as pd

    from pipeline.io import read_table

    path = Path(path)
    files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
    if not files:
        raise IrtagError(Errors.E140.format(path=path))
    tables = []
    for file in files:
        table = read_table(file).fillna("").astype(str)
        for column in GOLD_COLUMNS:
            if column not in table.columns:
                raise IrtagError(Errors.E050.format(path=file, column=column, present=", ".join(table.columns)))
        for row, (kind, source, target) in enumerate(zip(table["kind"], table["source"], table["target"]), start=2):
            if kind and (kind not in KINDS or not source or not target):
                raise IrtagError(Errors.E141.format(path=file, row=row, kinds=", ".join(KINDS)))
        tables.append(table.assign(file=file.name))
    return pd.concat(tables, ignore_index=True)


def predict(gold: Any, pipeline: Any) -> dict[str, set[Key]]:
    """The pipeline's relations of the gold's sentences, by sentence id."""
    sentences_table = gold.drop_duplicates("sent_id")
    annotator = pipeline.annotator
    rows = annotator.row_sentences(list(sentences_table["text"]), list(sentences_table["lang"]))
    docs = list(sentences_table["doc_id"])
    for sentence, tagged, sent_id in zip(rows, annotator.tag_by_document(rows, docs), sentences_table["sent_id"]):
        sentence.id = sent_id
        sentence.labels = tagged.systems["fused"]
        sentence.actors = tagged.actors
    by_doc: dict[str, list] = {}
    for sentence, doc in zip(rows, docs):
        by_doc.setdefault(doc, []).append(sentence)
    for passage in by_doc.values():
        annotator.relations.relate(passage)
    return {s.id: {relation_key(s.id, r.source_key, r.target_key, r.kind, r.label) for r in s.relations}
            for s in rows}


def score(gold: Any, predicted: dict[str, set[Key]]) -> list[dict[str, object]]:
    """Rows of TABLE_COLUMNS: per language, all kinds and each kind."""
    truth: dict[str, set[Key]] = {sent_id: set() for sent_id in gold["sent_id"]}
    for row in gold.itertuples(index=False):
        if row.kind:
            truth[row.sent_id].add(relation_key(row.sent_id, row.source, row.target, row.kind, row.label))
    lang_of = dict(zip(gold["sent_id"], gold["lang"]))
    rows = []
    for lang in sorted(set(lang_of.values())):
        ids = [i for i in truth if lang_of[i] == lang]
        for kind in (ALL, *KINDS):
            def keep(keys: Iterable[Key]) -> set[Key]:
                return {k for k in keys if kind == ALL or k[3] == kind}
            g = sum(len(keep(truth[i])) for i in ids)
            p = sum(len(keep(predicted.get(i, set()))) for i in ids)
            c = sum(len(keep(truth[i]) & keep(predicted.get(i, set()))) for i in ids)
            rows.append({"lang": lang, "kind": kind, "gold": g, "predicted": p, "correct": c,
                         "precision": round(c / p, 3) if p else 0.0, "recall": round(c / g, 3) if g else 0.0,
                         "f1": round(f1(c, p - c, g - c), 3)})
    return rows


def main(gold_path: str | os.PathLike, *, csv_out: str | os.PathLike | None = None, config: Any = None) -> str:
    """``irtag evaluate --relations GOLD``: the score table as text (and CSV)."""
    import pandas as pd

    from pipeline.stages import load

    gold = read_gold(gold_path)
    pipeline = load(config)
    if pipeline.annotator.relations is None:
        raise IrtagError(Errors.E142.format(path=gold_path))
    table = pd.DataFrame(score(gold, predict(gold, pipeline)), columns=TABLE_COLUMNS)
    if csv_out:
        from pipeline.io import write_table

        write_table(csv_out, table)
    n = gold["sent_id"].nunique()
    return f"{n} sentences, {int((gold['kind'] != '').sum())} gold relations ({gold_path})\n" + table.to_string(index=False)
