"""The human side of coding: agreement, corrections fed back into training, and suggestions.

Agreement between codings: machine vs. human, or human vs. human.

A coding sheet is the per-sentence table irtag writes: machine labels in ``factor``, ``stage``
… and a human's in ``coder_factor``, ``coder_stage`` …; cells hold ``;``-joined labels. Each
label is scored as a binary decision per sentence: percent agreement, Cohen's kappa
(scikit-learn) and Krippendorff's alpha (the ``krippendorff`` package, nominal level).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


import numpy as np
import pandas as pd

from pipeline.codebook import CODER_PREFIX, split_cell
from pipeline.errors import Errors, IrtagError
from pipeline.io import read_table, write_table


def binary_agreement(a: list[int], b: list[int]) -> dict[str, float]:
    """Percent agreement, Cohen's kappa and Krippendorff's alpha of two 0/1 codings."""
    import krippendorff
    from sklearn.metrics import cohen_kappa_score

    if len(a) != len(b):
        raise ValueError("codings differ in length")
    n = len(a)
    percent = sum(x == y for x, y in zip(a, b)) / n if n else float("nan")
    if len(set(a) | set(b)) < 2:  # one category only: chance-corrected measures undefined
        kappa = alpha = float("nan")
    else:
        kappa = float(cohen_kappa_score(a, b))
        alpha = float(krippendorff.alpha(reliability_data=np.array([a, b], dtype=float),
                                         level_of_measurement="nominal"))
    return {"n": n, "percent": percent, "kappa": kappa, "alpha": alpha}


def agreement_table(first: pd.DataFrame, first_cols: dict[str, str], second: pd.DataFrame,
                    second_cols: dict[str, str], labels: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """Per scheme and label, the agreement of two codings of the same sentences (rows aligned)."""
    rows = []
    for scheme, scheme_labels in labels.items():
        if scheme not in first_cols or scheme not in second_cols:
            continue
        a_sets = [set(split_cell(v)) for v in first[first_cols[scheme]]]
        b_sets = [set(split_cell(v)) for v in second[second_cols[scheme]]]
        for label in scheme_labels:
            a = [int(label in s) for s in a_sets]
            b = [int(label in s) for s in b_sets]
            rows.append({"scheme": scheme, "label": label, "n_first": sum(a), "n_second": sum(b),
                         **binary_agreement(a, b)})
        exact = [int(x == y) for x, y in zip(a_sets, b_sets)]
        rows.append({"scheme": scheme, "label": "(exact set)", "n_first": None, "n_second": None,
                     "n": len(exact), "percent": sum(exact) / len(exact) if exact else float("nan"),
                     "kappa": float("nan"), "alpha": float("nan")})
    return pd.DataFrame(rows, columns=["scheme", "label", "n_first", "n_second", "n", "percent", "kappa", "alpha"])


def _read(path) -> pd.DataFrame:
    table = read_table(path)
    if "sent_id" not in table.columns:
        raise IrtagError(Errors.E050.format(path=path, column="sent_id", present=", ".join(table.columns)))
    return table


def sheet_agreement(coded_path, other_path=None, *, labels: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """Machine vs. human for one filled sheet; human vs. human (``coder_*`` of both) for two.

    A half-finished sheet is scored on the rows ticked in ``coder_done`` where that column is used."""
    sheet = _read(coded_path)
    coder_cols = {s: CODER_PREFIX + s for s in labels if CODER_PREFIX + s in sheet.columns}
    if not coder_cols:
        raise IrtagError(Errors.E050.format(path=coded_path, column="coder_<scheme>", present=", ".join(sheet.columns)))
    if other_path is None:
        done = _coded_rows(sheet)
        sheet = sheet[done]
        table = agreement_table(sheet, {s: s for s in coder_cols}, sheet, coder_cols, labels)
        table.insert(0, "comparison", "machine vs human")
        return table
    other = _read(other_path)
    merged = sheet.merge(other, on="sent_id", suffixes=("", "__other"))
    other_cols = {s: c + "__other" if c + "__other" in merged.columns else c for s, c in coder_cols.items()}
    done = _coded_rows(merged)
    merged = merged[done]
    table = agreement_table(merged, coder_cols, merged, other_cols, labels)
    table.insert(0, "comparison", "human vs human")
    return table


def _coded_rows(sheet: pd.DataFrame) -> pd.Series:
    """Every row, unless the coder ticked ``coder_done`` on some: then those rows only.

    An empty ``coder_*`` cell is a decision ("no label"), so it cannot mark unreviewed rows."""
    if "coder_done" in sheet.columns:
        marks = sheet["coder_done"].astype(str).str.strip() != ""
        if marks.any():
            return marks
    return pd.Series(True, index=sheet.index)


GOLD_COLUMNS = ("doc_id", "sent_id", "lang", "text", "factor", "stage", "resource", "cooperation", "note")


def sheet_to_gold(path, *, labels: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """The human codings of a filled sheet as gold rows (the format of ``corpora/gold``).

    Rows count where ``coder_done`` is ticked; without ticks, rows where any ``coder_*`` cell is
    filled (an untouched row is not a "no label" decision unless it is ticked). Labels outside
    the codebook are an error naming the row, so a typo never becomes training data."""
    sheet = _read(path)
    for column in ("text",):
        if column not in sheet.columns:
            raise IrtagError(Errors.E050.format(path=path, column=column, present=", ".join(sheet.columns)))
    coder_cols = {s: CODER_PREFIX + s for s in labels if CODER_PREFIX + s in sheet.columns}
    if not coder_cols:
        raise IrtagError(Errors.E050.format(path=path, column="coder_<scheme>", present=", ".join(sheet.columns)))
    ticked = "coder_done" in sheet.columns and (sheet["coder_done"].astype(str).str.strip() != "").any()
    if ticked:
        rows = sheet[sheet["coder_done"].astype(str).str.strip() != ""]
    else:
        filled = pd.Series(False, index=sheet.index)
        for column in coder_cols.values():
            filled |= sheet[column].astype(str).str.strip() != ""
        rows = sheet[filled]
    records = []
    for index, row in rows.iterrows():
        record = {"doc_id": row.get("doc_id", "") or "corrections", "sent_id": row["sent_id"],
                  "lang": row.get("lang", ""), "text": row["text"],
                  "note": f"human coding from {os.path.basename(str(path))}" + (
                      f": {row['coder_note']}" if str(row.get("coder_note", "")).strip() else "")}
        for scheme, scheme_labels in labels.items():
            chosen = set(split_cell(row.get(coder_cols.get(scheme, ""), "")))
            unknown = chosen - set(scheme_labels)
            if unknown:
                raise IrtagError(Errors.E053.format(path=path, row=index + 2, scheme=scheme,
                                                    labels=", ".join(sorted(unknown)),
                                                    valid=", ".join(scheme_labels)))
            record[scheme] = ";".join(label for label in scheme_labels if label in chosen)
        records.append(record)
    return pd.DataFrame(records, columns=list(GOLD_COLUMNS))


def add_corrections(sheet: str | os.PathLike, gold_dir: str | os.PathLike, *,
                    labels: dict[str, tuple[str, ...]]) -> tuple[Path, int]:
    """``irtag train --add``: save a filled sheet's human codings as ``corrections_<sheet>.csv``
    in the gold folder (text kept exactly: training data, not a spreadsheet for display)."""
    rows = sheet_to_gold(sheet, labels=labels)
    target = Path(gold_dir) / f"corrections_{Path(sheet).stem}.csv"
    write_table(target, rows, guard=False)
    return target, len(rows)


def suggest_for_run(out_dir: str | os.PathLike, config: Any, *, limit: int = 50) -> pd.DataFrame:
    """``irtag suggest``: the least certain sentences of a run, with the configured models."""
    from pipeline.io import iter_documents
    from pipeline.stages import load_trained
    from pipeline.tag.lexicon import Lexicon

    lexicon = Lexicon.load(config.lexicons)
    return suggest(iter_documents(out_dir), lexicon, load_trained(config, lexicon), limit=limit)


def suggest(docs, lexicon, models, *, limit: int = 50) -> pd.DataFrame:
    """Coded sentences ranked by how close a classifier decision came to its threshold:
    the ones a coder's time improves most (uncertainty sampling)."""
    from pipeline.tag.context import with_context
    from pipeline.tag.features import features_for

    candidates = []
    for doc in docs:
        sentences = list(doc.coded_sentences())
        if not sentences:
            continue
        # the document is one passage, as when it is tagged (pipeline.tag.annotate)
        features = with_context([features_for(s, *lexicon.match_all(s)) for s in sentences], [doc.id] * len(sentences))
        margins = np.full(len(sentences), np.inf)
        closest = [""] * len(sentences)
        for scheme, model in models.items():
            proba = model.predict_proba(features)
            for column, label in enumerate(model.classes_):
                gap = np.abs(proba[:, column] - model.thresholds_[column])
                for row in np.flatnonzero(gap < margins):
                    margins[row] = gap[row]
                    closest[row] = f"{scheme}:{label} p={proba[row, column]:.2f} t={model.thresholds_[column]:.2f}"
        for sentence, margin, label in zip(sentences, margins, closest):
            candidates.append({"doc_id": doc.id, "sent_id": sentence.id, "margin": round(float(margin), 4),
                               "closest_decision": label, "labels": "; ".join(
                                   f"{lab.scheme}:{lab.label}" for lab in sentence.labels),
                               "text": sentence.text})
    candidates.sort(key=lambda c: (c["margin"], c["sent_id"]))
    return pd.DataFrame(candidates[:limit], columns=["doc_id", "sent_id", "margin", "closest_decision", "labels", "text"])
