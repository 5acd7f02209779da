"""Scoring tagged sentences against gold labels, per scheme, label and language.

The scoring rule is the dev set's (``shared/dev/README.md``):

* per label, TP / FP / FN count sentences; precision, recall and F1 are 0 where undefined;
* macro-F1 is the mean per-label F1 over the labels with support > 0 in the gold of that
  language (a label absent from the gold does not count; its false positives are still listed);
* micro-F1 pools TP / FP / FN over the scheme's labels;
* predictions are matched by ``sent_id``; a gold sentence without a prediction is predicted
  empty; labels outside the codebook inventory are ignored.

Systems: a tagged table carries the fused labels in ``<scheme>`` and, when irtag wrote it,
the systems it fuses in ``<scheme>__lexicon`` and ``<scheme>__classifier``
(:func:`pipeline.annotate.system_column`). Every system present is scored; a table from
elsewhere with only ``<scheme>`` columns is scored as ``fused``.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Collection, Mapping, Sequence

from pipeline.annotate import SYSTEMS, system_column
from pipeline.classify import SCHEMES, split_cell
from pipeline.errors import Errors, IrtagError

TABLE_COLUMNS = ("system", "scheme", "lang", "label", "tp", "fp", "fn", "support", "precision", "recall", "f1")
SUMMARY_COLUMNS = ("system", "scheme", "lang", "sentences", "labels_scored", "micro_f1", "macro_f1")


@dataclass(frozen=True)
class LabelScore:
    label: str
    tp: int
    fp: int
    fn: int

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_labels(pred: Sequence[Collection[str]], gold: Sequence[Collection[str]],
                 labels: Sequence[str]) -> list[LabelScore]:
    """Sentence-level TP / FP / FN per label; ``pred`` and ``gold`` are aligned label sets."""
    if len(pred) != len(gold):
        raise ValueError(f"{len(pred)} predictions for {len(gold)} gold sentences")
    scores = []
    for label in labels:
        tp = sum(1 for p, g in zip(pred, gold) if label in p and label in g)
        fp = sum(1 for p, g in zip(pred, gold) if label in p and label not in g)
        fn = sum(1 for p, g in zip(pred, gold) if label not in p and label in g)
        scores.append(LabelScore(label, tp, fp, fn))
    return scores


def micro_f1(scores: Sequence[LabelScore]) -> float:
    return LabelScore("", sum(s.tp for s in scores), sum(s.fp for s in scores), sum(s.fn for s in scores)).f1


def macro_f1(scores: Sequence[LabelScore]) -> float:
    """Mean F1 over the labels with gold support; NaN when no label has any."""
    supported = [s.f1 for s in scores if s.support > 0]
    return sum(supported) / len(supported) if supported else math.nan


def _require(table: Any, columns: Sequence[str], source: str) -> None:
    for column in columns:
        if column not in table.columns:
            raise IrtagError(Errors.E050.format(path=source, column=column,
                                                present=", ".join(map(str, table.columns))))


def evaluate_tables(pred: Any, gold: Any, *, labels: Mapping[str, Sequence[str]],
                    id_column: str = "sent_id", pred_source: str = "predictions",
                    gold_source: str = "gold") -> Any:
    """Per system, scheme, language and label: TP, FP, FN, support, precision, recall, F1.

    ``pred`` and ``gold`` are pandas tables; ``gold`` needs ``id_column``, ``lang`` and one
    column per scheme of ``labels``; ``pred`` needs ``id_column`` and the fused scheme columns.
    Returns a tidy table with :data:`TABLE_COLUMNS`, in system, scheme, language, codebook order.
    """
    import pandas as pd

    schemes = list(labels)
    _require(gold, [id_column, "lang", *schemes], gold_source)
    _require(pred, [id_column, *schemes], pred_source)
    duplicated = gold[id_column][gold[id_column].duplicated()]
    if len(duplicated):
        raise IrtagError(Errors.E051.format(path=gold_source, column=id_column, value=duplicated.iloc[0]))
    by_id = {str(row[id_column]): row for _, row in pred.iterrows()}
    systems = [s for s in SYSTEMS if all(system_column(c, s) in pred.columns for c in schemes)]
    rows = []
    for system in systems:
        for scheme in schemes:
            inventory = set(labels[scheme])
            column = system_column(scheme, system)
            for lang in sorted(gold["lang"].unique()):
                part = gold[gold["lang"] == lang]
                gold_sets = [set(split_cell(c)) & inventory for c in part[scheme]]
                pred_sets = [set(split_cell(by_id[str(i)][column])) & inventory if str(i) in by_id else set()
                             for i in part[id_column]]
                for s in score_labels(pred_sets, gold_sets, labels[scheme]):
                    rows.append((system, scheme, lang, s.label, s.tp, s.fp, s.fn, s.support,
                                 s.precision, s.recall, s.f1))
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def summarise(table: Any, gold: Any | None = None) -> Any:
    """Micro- and macro-F1 per system, scheme and language from an :func:`evaluate_tables` table."""
    import pandas as pd

    counts = gold["lang"].value_counts().to_dict() if gold is not None else {}
    rows = []
    for (system, scheme, lang), part in table.groupby(["system", "scheme", "lang"], sort=False):
        scores = [LabelScore(r.label, r.tp, r.fp, r.fn) for r in part.itertuples()]
        rows.append((system, scheme, lang, counts.get(lang, math.nan),
                     sum(1 for s in scores if s.support > 0), micro_f1(scores), macro_f1(scores)))
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def format_report(table: Any, summary: Any, *, title: str = "") -> str:
    """The summary (macro-F1 by system, one row per scheme x language) and per-label tables."""
    lines = [title] if title else []
    wide = summary.pivot_table(index=["scheme", "lang"], columns="system", values="macro_f1", sort=False)
    wide = wide[[s for s in SYSTEMS if s in wide.columns]]
    lines += ["macro-F1 (labels with gold support in that language)", wide.round(3).to_string(), ""]
    micro = summary.pivot_table(index=["scheme", "lang"], columns="system", values="micro_f1", sort=False)
    micro = micro[[s for s in SYSTEMS if s in micro.columns]]
    lines += ["micro-F1", micro.round(3).to_string(), ""]
    for system in [s for s in SYSTEMS if s in set(table["system"])]:
        part = table[table["system"] == system].drop(columns="system")
        lines += [f"per label: {system}", part.round(3).to_string(index=False), ""]
    return "\n".join(lines)


def write_outputs(table: Any, summary: Any, *, csv_out: str | os.PathLike | None = None,
                  json_out: str | os.PathLike | None = None) -> None:
    """Per-label table as CSV; summary and per-label table as JSON (NaN written as null)."""
    from pipeline.export import CsvTable, atomic_open

    if csv_out is not None:
        with CsvTable(csv_out, TABLE_COLUMNS) as out:
            out.write_rows(table.to_dict(orient="records"))
    if json_out is not None:
        def clean(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
                    for r in records]

        payload = {"summary": clean(summary.to_dict(orient="records")),
                   "labels": clean(table.to_dict(orient="records"))}
        with atomic_open(json_out, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False, indent=1, default=_plain)


def _plain(value: Any) -> Any:
    """numpy scalars -> Python numbers for JSON."""
    return value.item() if hasattr(value, "item") else str(value)


def codebook_labels() -> dict[str, list[str]]:
    """The label inventory per scheme, in codebook order, from the lexicon folder."""
    from pipeline.classify import scheme_labels
    from pipeline.lexicon import Lexicon

    return scheme_labels(Lexicon.load())


def main(sentences: str | os.PathLike, gold: str | os.PathLike, *, csv_out: str | os.PathLike | None = None,
         json_out: str | os.PathLike | None = None, labels: Mapping[str, Sequence[str]] | None = None) -> str:
    """``irtag evaluate --sentences S.csv --gold G.csv``: score a tagged table, return the report."""
    from pipeline.annotate import read_table

    pred_table, gold_table = read_table(sentences), read_table(gold)
    table = evaluate_tables(pred_table, gold_table, labels=labels or codebook_labels(),
                            pred_source=str(sentences), gold_source=str(gold))
    summary = summarise(table, gold_table)
    write_outputs(table, summary, csv_out=csv_out, json_out=json_out)
    return format_report(table, summary, title=f"{sentences} against {gold}")


# -- grouped cross-validation on the gold corpus ------------------------------------------
#: Outer folds of :func:`cross_validate`; the five seed articles fall into five different folds.
CV_FOLDS = 5
#: Parts of the gold corpus reported separately by the cross-validation.
CV_PARTS = {"seed articles": lambda row: not row.example,
            "hand-written passages": lambda row: row.example and bool(row.passage),
            "hand-written sentences": lambda row: row.example and not row.passage}


@dataclass
class CVResult:
    table: Any
    summary: Any
    predictions: Any
    parts: dict[str, Any]


def cross_validate(gold_paths: Any, segmenter: Any, lexicon: Any, *, folds: int = CV_FOLDS,
                   random_state: int = 0, **params: Any) -> CVResult:
    """Grouped k-fold CV: every gold row is tagged by models trained without its whole unit.

    A unit (:meth:`pipeline.classify.GoldRow.cv_group`) is a seed document, a hand-written
    passage (examples_genres: the genre named in ``note``), or one interleaved slice of the
    independent hand-written rows. Units are dealt to ``folds`` folds in sorted order, so
    English gets real held-out support. Thresholds and fusion rules are chosen by an inner CV
    inside each training split, so a held-out unit never influences its own predictions.
    ``predictions`` carries each row's ``fold``; ``parts`` holds the summary of each part of the corpus (:data:`CV_PARTS`).
    """
    import pandas as pd

    from pipeline.annotate import Annotator
    from pipeline.classify import _group_folds, fit_models, gold_features, gold_files, read_gold, scheme_labels

    label_sets = scheme_labels(lexicon)
    rows = read_gold(gold_files(gold_paths), label_sets)
    units = [row.cv_group(folds) for row in rows]
    splits = _group_folds(units, folds)
    if len(splits) < 2:
        raise IrtagError(Errors.E054.format(n=len(set(units))))
    features = gold_features(rows, segmenter, lexicon)
    predictions = []
    for fold, (train_idx, test_idx) in enumerate(splits):
        models = fit_models([features[i] for i in train_idx], [rows[i] for i in train_idx], label_sets,
                            random_state=random_state, **params)
        test_rows = [rows[i] for i in test_idx]
        table = pd.DataFrame({"doc_id": [r.doc_id for r in test_rows], "sent_id": [r.sent_id for r in test_rows],
                              "lang": [r.lang for r in test_rows], "text": [r.text for r in test_rows]})
        tagged = Annotator(lexicon, models, segmenter).tag_table(table, lang_column="lang")
        predictions.append(tagged.assign(fold=fold))
    gold = pd.DataFrame([{"doc_id": r.doc_id, "sent_id": r.sent_id, "lang": r.lang,
                          **{s: ";".join(r.labels[s]) for s in label_sets}} for r in rows])
    pred = pd.concat(predictions, ignore_index=True)
    table = evaluate_tables(pred, gold, labels=label_sets, pred_source="cv predictions", gold_source="gold corpus")
    parts = {}
    for name, member in CV_PARTS.items():
        ids = {r.sent_id for r in rows if member(r)}
        if ids:
            part_gold = gold[gold["sent_id"].isin(ids)]
            parts[name] = summarise(evaluate_tables(pred, part_gold, labels=label_sets, pred_source="cv predictions",
                                                    gold_source="gold corpus"), part_gold)
    return CVResult(table, summarise(table, gold), pred, parts)


def main_cv(gold: str | os.PathLike | None = None, *, csv_out: str | os.PathLike | None = None,
            json_out: str | os.PathLike | None = None) -> str:
    """``irtag evaluate --cv``: grouped CV on ``corpora/gold``; returns the report."""
    from pipeline.classify import default_gold_dir
    from pipeline.lexicon import Lexicon
    from pipeline.segment import Segmenter

    lexicon = Lexicon.load()
    segmenter = Segmenter(extra_words=lexicon.zh_terms())
    gold_dir = Path(gold) if gold is not None else default_gold_dir()
    result = cross_validate(gold_dir, segmenter, lexicon)
    write_outputs(result.table, result.summary, csv_out=csv_out, json_out=json_out)
    report = format_report(result.table, result.summary,
                           title=f"{CV_FOLDS}-fold cross-validation on {gold_dir}, seed documents and "
                                 "hand-written passages held out whole")
    return "\n".join([report, *(format_macro(summary, title=f"macro-F1, {name} only")
                                for name, summary in result.parts.items())])


def format_macro(summary: Any, *, title: str = "") -> str:
    """Only the macro-F1 table of a summary (one row per scheme x language, a column per system)."""
    wide = summary.pivot_table(index=["scheme", "lang"], columns="system", values="macro_f1", sort=False)
    wide = wide[[s for s in SYSTEMS if s in wide.columns]]
    return "\n".join(([title] if title else []) + [wide.round(3).to_string(), ""])


# -- precision of each lexicon term on coded sentences ---------------------------------------
TERM_COLUMNS = ("lang", "scheme", "label", "concept", "term", "sentences", "agree", "precision")


def term_precision(rows: Sequence[Any], segmenter: Any, lexicon: Any) -> Any:
    """How often each lexicon term's label is the coder's label, over coded sentences.

    A term counts once per sentence it fires in (after the lexicon's own rules: boundaries,
    factor sides, self-reference); ``agree`` counts the sentences whose gold cell holds the
    term's label (a regex pattern's hits are listed by the text they matched, under their
    concept). Rows come out with the most disagreements first: the terms a lexicon maintainer
    should look at (quanteda's dictionary validation, for our codebook).
    """
    import pandas as pd

    from pipeline.classify import unit_sentence

    counts: dict[tuple[str, str, str, str, str], list[int]] = {}
    for row in rows:
        sentence = unit_sentence(row.text, row.lang, segmenter, row.sent_id)
        fired = {(row.lang, hit.scheme, hit.label, hit.concept, hit.term) for hit in lexicon.match(sentence)
                 if hit.scheme in row.labels}
        for key in fired:
            tally = counts.setdefault(key, [0, 0])
            tally[0] += 1
            tally[1] += key[2] in row.labels[key[1]]
    records = [dict(zip(TERM_COLUMNS, (*key, n, agree, agree / n))) for key, (n, agree) in counts.items()]
    table = pd.DataFrame(records, columns=list(TERM_COLUMNS))
    table["disagree"] = table["sentences"] - table["agree"]
    table = table.sort_values(["disagree", "precision", "lang", "scheme", "term"], ascending=[False, True, True, True, True])
    return table.drop(columns="disagree").reset_index(drop=True)


def main_terms(gold: str | os.PathLike | None = None, *, csv_out: str | os.PathLike | None = None,
               limit: int = 40) -> str:
    """``irtag evaluate --terms``: term precision on the gold corpus; returns the report."""
    from pipeline.classify import default_gold_dir, gold_files, read_gold, scheme_labels
    from pipeline.export import CsvTable
    from pipeline.lexicon import Lexicon
    from pipeline.segment import Segmenter

    lexicon = Lexicon.load()
    segmenter = Segmenter(extra_words=lexicon.zh_terms())
    source = Path(gold) if gold is not None else default_gold_dir()
    rows = read_gold(gold_files(source), scheme_labels(lexicon))
    table = term_precision(rows, segmenter, lexicon)
    if csv_out is not None:
        with CsvTable(csv_out, TERM_COLUMNS) as out:
            out.write_rows(table.to_dict(orient="records"))
    shown = table.head(limit)
    return "\n".join([f"lexicon terms on {source} ({len(rows)} coded sentences, {len(table)} terms that fire), "
                      f"most disagreements first", shown.round(3).to_string(index=False)])
