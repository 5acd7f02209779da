"""Scoring tagged sentences against gold labels, per scheme, label and language.

The scoring rule is the dev set's (``shared/dev/README.md``):

* per label, TP / FP / FN count sentences; precision, recall and F1 are 0 where undefined;
* macro-F1 is the mean per-label F1 over the labels with support > 0 in the gold of that
  language (a label absent from the gold does not count; its false positives are still listed);
* micro-F1 pools TP / FP / FN over the scheme's labels;
* predictions are matched by ``sent_id``; a gold sentence without a prediction is predicted
  empty (the report counts them); predicted labels outside the codebook inventory are ignored,
  gold labels outside it are refused (E116), and tables with no id in common too (E117).

Systems: a tagged table carries the fused labels in ``<scheme>`` and, when irtag wrote it,
the systems it fuses in ``<scheme>__lexicon`` and ``<scheme>__classifier``
(:func:`pipeline.tag.annotate.system_column`). Every system present is scored; a table from
elsewhere with only ``<scheme>`` columns is scored as ``fused``.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any, Iterator, Mapping, Sequence

from pipeline.config import RunConfig
from pipeline.errors import Errors, IrtagError
from pipeline.io import read_table, write_json, write_table
from pipeline.metrics import LabelScore, bootstrap_macro_f1, group_folds, macro_f1, micro_f1, score_labels
from pipeline.tag.annotate import FUSED, system_column
from pipeline.codebook import split_cell
from pipeline.training import gold_features, gold_files, read_gold, scheme_labels

TABLE_COLUMNS = ("system", "scheme", "lang", "label", "tp", "fp", "fn", "support", "precision", "recall", "f1")
SUMMARY_COLUMNS = ("system", "scheme", "lang", "sentences", "labels_scored", "micro_f1", "macro_f1")


def _require(table: Any, columns: Sequence[str], source: str) -> None:
    for column in columns:
        if column not in table.columns:
            raise IrtagError(Errors.E050.format(path=source, column=column,
                                                present=", ".join(map(str, table.columns))))


def _aligned(pred: Any, gold: Any, labels: Mapping[str, Sequence[str]], id_column: str, pred_source: str,
             gold_source: str) -> Iterator[tuple[str, str, str, list[set[str]], list[set[str]], list[str]]]:
    """Per system, scheme and language: predicted and gold label sets of the gold's sentences,
    aligned by id, and each sentence's passage (``doc_id``, else the sentence itself)."""
    schemes = list(labels)
    _require(gold, [id_column, "lang", *schemes], gold_source)
    _require(pred, [id_column, *schemes], pred_source)
    duplicated = gold[id_column][gold[id_column].duplicated()]
    if len(duplicated):
        raise IrtagError(Errors.E051.format(path=gold_source, column=id_column, value=duplicated.iloc[0]))
    _check_gold_labels(gold, labels, gold_source)
    by_id = {str(row[id_column]): row for _, row in pred.iterrows()}
    if len(gold) and not any(str(i) in by_id for i in gold[id_column]):
        raise IrtagError(Errors.E117.format(column=id_column, pred=pred_source, gold=gold_source,
                                            hint="tag the gold's sentences (irtag tag GOLD -o TAGGED) and evaluate that"))
    systems = [s for s in _systems(pred.columns) if all(system_column(c, s) in pred.columns for c in schemes)]
    for system in systems:
        for scheme in schemes:
            inventory = set(labels[scheme])
            column = system_column(scheme, system)
            for lang in sorted(gold["lang"].unique()):
                part = gold[gold["lang"] == lang]
                gold_sets = [set(split_cell(c)) & inventory for c in part[scheme]]
                pred_sets = [set(split_cell(by_id[str(i)][column])) & inventory if str(i) in by_id else set()
                             for i in part[id_column]]
                groups = [str(g) for g in (part["doc_id"] if "doc_id" in part.columns else part[id_column])]
                yield system, scheme, lang, pred_sets, gold_sets, groups


def _check_gold_labels(gold: Any, labels: Mapping[str, Sequence[str]], source: str) -> None:
    """Every gold label is in the codebook (a typo would change the scores); E116 lists them all."""
    bad = [(index, scheme, label) for scheme in labels for index, cell in gold[scheme].items()
           for label in split_cell(cell) if label not in labels[scheme]]
    if bad:
        cells = ", ".join(f"row {index + 2} {scheme} '{label}'" for index, scheme, label in sorted(
            bad, key=lambda b: (b[0], list(labels).index(b[1]))))
        valid = "; ".join(f"{s}: " + ", ".join(labels[s]) for s in labels if any(b[1] == s for b in bad))
        raise IrtagError(Errors.E116.format(path=source, cells=cells, valid=valid))


def coverage(pred: Any, gold: Any, id_column: str = "sent_id") -> str:
    """How many gold sentences have no prediction, and predictions no gold sentence (one line)."""
    pred_ids, gold_ids = set(map(str, pred[id_column])), list(map(str, gold[id_column]))
    missing = sum(1 for i in gold_ids if i not in pred_ids)
    extra = len(pred_ids - set(gold_ids))
    return (f"{missing} of the {len(gold_ids)} gold sentences have no prediction (scored as predicted empty); "
            f"{extra} prediction(s) not in the gold (ignored)")


def evaluate_tables(pred: Any, gold: Any, *, labels: Mapping[str, Sequence[str]],
                    id_column: str = "sent_id", pred_source: str = "predictions",
                    gold_source: str = "gold") -> Any:
    """Per system, scheme, language and label: TP, FP, FN, support, precision, recall, F1.

    ``pred`` and ``gold`` are pandas tables; ``gold`` needs ``id_column``, ``lang`` and one
    column per scheme of ``labels``; ``pred`` needs ``id_column`` and the fused scheme columns.
    Returns a tidy table with :data:`TABLE_COLUMNS`, in system, scheme, language, codebook order.
    """
    import pandas as pd

    rows = []
    for system, scheme, lang, pred_sets, gold_sets, _ in _aligned(pred, gold, labels, id_column,
                                                                  pred_source, gold_source):
        for s in score_labels(pred_sets, gold_sets, labels[scheme]):
            rows.append((system, scheme, lang, s.label, s.tp, s.fp, s.fn, s.support, s.precision, s.recall, s.f1))
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def intervals(pred: Any, gold: Any, *, labels: Mapping[str, Sequence[str]], id_column: str = "sent_id",
              pred_source: str = "predictions", gold_source: str = "gold", level: float = 0.90) -> Any:
    """The ``level`` bootstrap interval of each macro-F1, passages (``doc_id``) resampled whole
    (:func:`pipeline.metrics.bootstrap_macro_f1`; fixed seed, so the same input gives the same interval)."""
    import pandas as pd

    rows = []
    for system, scheme, lang, pred_sets, gold_sets, groups in _aligned(pred, gold, labels, id_column,
                                                                       pred_source, gold_source):
        low, high = bootstrap_macro_f1(pred_sets, gold_sets, labels[scheme], groups, level=level)
        rows.append((system, scheme, lang, len(set(groups)), low, high))
    return pd.DataFrame(rows, columns=["system", "scheme", "lang", "passages", "macro_f1_low", "macro_f1_high"])


def _systems(columns: Sequence[str]) -> list[str]:
    """The fused system and every ``<scheme>__<system>`` suffix of a tagged table, in column order."""
    found = [FUSED]
    for column in map(str, columns):
        system = column.partition("__")[2]
        if system and system not in found:
            found.append(system)
    return found


def _ordered(columns: Sequence[str], systems: Sequence[str]) -> list[str]:
    return [s for s in systems if s in set(columns)]


def summarise(table: Any, gold: Any | None = None, spans: Any | None = None) -> Any:
    """Micro- and macro-F1 per system, scheme and language from an :func:`evaluate_tables` table
    (with the bootstrap interval of each macro-F1 where ``spans``, from :func:`intervals`, is given)."""
    import pandas as pd

    counts = gold["lang"].value_counts().to_dict() if gold is not None else {}
    rows = []
    for (system, scheme, lang), part in table.groupby(["system", "scheme", "lang"], sort=False):
        scores = [LabelScore(r.label, r.tp, r.fp, r.fn) for r in part.itertuples()]
        rows.append((system, scheme, lang, counts.get(lang, math.nan),
                     sum(1 for s in scores if s.support > 0), micro_f1(scores), macro_f1(scores)))
    summary = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    if spans is not None:
        summary = summary.merge(spans, on=["system", "scheme", "lang"], how="left")
    return summary


def format_report(table: Any, summary: Any, *, title: str = "") -> str:
    """The summary (macro-F1 by system, one row per scheme x language) and per-label tables."""
    lines = [title] if title else []
    wide = summary.pivot_table(index=["scheme", "lang"], columns="system", values="macro_f1", sort=False)
    systems = list(dict.fromkeys(table["system"]))
    wide = wide[_ordered(wide.columns, systems)]
    lines += ["macro-F1 (labels with gold support in that language)", wide.round(3).to_string(), ""]
    if "macro_f1_low" in summary.columns:
        spans = summary.assign(span=[f"{v:.3f} [{lo:.2f}, {hi:.2f}]" if v == v else "-"
                                     for v, lo, hi in zip(summary["macro_f1"], summary["macro_f1_low"],
                                                          summary["macro_f1_high"])])
        spans = spans.pivot(index=["scheme", "lang"], columns="system", values="span")
        spans = spans.reindex(index=wide.index, columns=_ordered(spans.columns, systems))
        lines += ["macro-F1 with its 90 % bootstrap interval (passages resampled whole)", spans.to_string(), ""]
    micro = summary.pivot_table(index=["scheme", "lang"], columns="system", values="micro_f1", sort=False)
    micro = micro[_ordered(micro.columns, systems)]
    lines += ["micro-F1", micro.round(3).to_string(), ""]
    for system in systems:
        part = table[table["system"] == system].drop(columns="system")
        lines += [f"per label: {system}", part.round(3).to_string(index=False), ""]
    return "\n".join(lines)


def write_outputs(table: Any, summary: Any, *, csv_out: str | os.PathLike | None = None,
                  json_out: str | os.PathLike | None = None) -> None:
    """Per-label table as CSV; summary and per-label table as JSON (NaN written as null)."""
    if csv_out is not None:
        write_table(csv_out, table[list(TABLE_COLUMNS)])
    if json_out is not None:
        def clean(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
                    for r in records]

        payload = {"summary": clean(summary.to_dict(orient="records")),
                   "labels": clean(table.to_dict(orient="records"))}
        write_json(json_out, payload, indent=1, default=_plain)


def _plain(value: Any) -> Any:
    """numpy scalars -> Python numbers for JSON."""
    return value.item() if hasattr(value, "item") else str(value)


def codebook_labels(config: RunConfig | None = None) -> dict[str, list[str]]:
    """The label inventory per scheme, in codebook order, from the lexicon folder."""
    from pipeline.tag.lexicon import Lexicon

    return scheme_labels(Lexicon.load((config or RunConfig.load()).lexicons))


def main(sentences: str | os.PathLike, gold: str | os.PathLike, *, csv_out: str | os.PathLike | None = None,
         json_out: str | os.PathLike | None = None, labels: Mapping[str, Sequence[str]] | None = None,
         config: RunConfig | None = None) -> str:
    """``irtag evaluate --sentences S.csv --gold G.csv``: score a tagged table, return the report."""
    pred_table, gold_table = read_table(sentences), read_table(gold)
    options = {"labels": labels or codebook_labels(config), "pred_source": str(sentences), "gold_source": str(gold)}
    table = evaluate_tables(pred_table, gold_table, **options)
    summary = summarise(table, gold_table, intervals(pred_table, gold_table, **options))
    write_outputs(table, summary, csv_out=csv_out, json_out=json_out)
    return format_report(table, summary, title=f"{sentences} against {gold}\n{coverage(pred_table, gold_table)}")


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
                   random_state: int = 0, config: RunConfig | None = None, **params: Any) -> CVResult:
    """Grouped k-fold CV: every gold row is tagged by models trained without its whole unit.

    A unit (:meth:`pipeline.training.GoldRow.cv_group`) is a seed document, a hand-written
    passage (examples_genres: the genre named in ``note``), or one interleaved slice of the
    independent hand-written rows. Units are dealt to ``folds`` folds in sorted order, so
    English gets real held-out support. Thresholds and fusion rules are chosen by an inner CV
    inside each training split, so a held-out unit never influences its own predictions.
    ``predictions`` carries each row's ``fold``; ``parts`` holds the summary of each part of the corpus (:data:`CV_PARTS`).
    """
    import pandas as pd

    from pipeline.stages import build_annotator
    from pipeline.training import fit_models

    config = config or RunConfig.load()
    label_sets = scheme_labels(lexicon)
    rows = read_gold(gold_files(gold_paths), label_sets)
    units = [row.cv_group(folds) for row in rows]
    splits = group_folds(units, folds)
    if len(splits) < 2:
        raise IrtagError(Errors.E054.format(n=len(set(units))))
    features = gold_features(rows, segmenter, lexicon)
    predictions = []
    for fold, (train_idx, test_idx) in enumerate(splits):
        models = fit_models([features[i] for i in train_idx], [rows[i] for i in train_idx], label_sets,
                            random_state=random_state, **params)
        test_rows = [rows[i] for i in test_idx]
        table = pd.DataFrame({"doc_id": [r.doc_id for r in test_rows], "sent_id": [r.sent_id for r in test_rows],
                              "passage": [r.context_group or "" for r in test_rows],
                              "lang": [r.lang for r in test_rows], "text": [r.text for r in test_rows]})
        tagged = build_annotator(config, lexicon, segmenter, models).tag_table(table, lang_column="lang")
        predictions.append(tagged.assign(fold=fold))
    gold = pd.DataFrame([{"doc_id": r.doc_id, "sent_id": r.sent_id, "lang": r.lang,
                          **{s: ";".join(r.labels[s]) for s in label_sets}} for r in rows])
    pred = pd.concat(predictions, ignore_index=True)
    options = {"labels": label_sets, "pred_source": "cv predictions", "gold_source": "gold corpus"}
    table = evaluate_tables(pred, gold, **options)
    parts = {}
    for name, member in CV_PARTS.items():
        ids = {r.sent_id for r in rows if member(r)}
        if ids:
            part_gold = gold[gold["sent_id"].isin(ids)]
            parts[name] = summarise(evaluate_tables(pred, part_gold, labels=label_sets, pred_source="cv predictions",
                                                    gold_source="gold corpus"), part_gold)
    return CVResult(table, summarise(table, gold, intervals(pred, gold, **options)), pred, parts)


def main_cv(gold: str | os.PathLike | None = None, *, csv_out: str | os.PathLike | None = None,
            json_out: str | os.PathLike | None = None, config: RunConfig | None = None) -> str:
    """``irtag evaluate --cv``: grouped CV on the gold folder; returns the report."""
    from pipeline.stages import load

    config = (config or RunConfig.load()).replace(gold=gold)
    runtime = load(config, tag=False)
    gold_dir = config.gold
    result = cross_validate(gold_dir, runtime.segmenter, runtime.lexicon, random_state=config.random_state,
                            config=config)
    write_outputs(result.table, result.summary, csv_out=csv_out, json_out=json_out)
    report = format_report(result.table, result.summary,
                           title=f"{CV_FOLDS}-fold cross-validation on {gold_dir}, seed documents and "
                                 "hand-written passages held out whole")
    return "\n".join([report, *(format_macro(summary, title=f"macro-F1, {name} only")
                                for name, summary in result.parts.items())])


def format_macro(summary: Any, *, title: str = "") -> str:
    """Only the macro-F1 table of a summary (one row per scheme x language, a column per system)."""
    wide = summary.pivot_table(index=["scheme", "lang"], columns="system", values="macro_f1", sort=False)
    wide = wide[_ordered(wide.columns, list(dict.fromkeys(summary["system"])))]
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

    from pipeline.tag.features import unit_sentence

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
               limit: int = 40, config: RunConfig | None = None) -> str:
    """``irtag evaluate --terms``: term precision on the gold corpus; returns the report."""
    from pipeline.stages import load

    config = (config or RunConfig.load()).replace(gold=gold)
    runtime = load(config, tag=False)
    source = config.gold
    rows = read_gold(gold_files(source), scheme_labels(runtime.lexicon))
    table = term_precision(rows, runtime.segmenter, runtime.lexicon)
    if csv_out is not None:
        write_table(csv_out, table[list(TERM_COLUMNS)])
    shown = table.head(limit)
    return "\n".join([f"lexicon terms on {source} ({len(rows)} coded sentences, {len(table)} terms that fire), "
                      f"most disagreements first", shown.round(3).to_string(index=False)])
