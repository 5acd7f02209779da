"""The human side of coding: agreement, corrections fed back into training, and suggestions.

Agreement between codings: machine vs. human, or human vs. human.

A coding sheet is the per-sentence table irtag writes: machine labels in ``factor``, ``stage``
… and a human's in ``coder_factor``, ``coder_stage`` …. A coder types labels as a coder does:
separated by ``;`` ``；`` ``,`` ``，`` ``、`` or ``/``, in any letter case, or by the label's
Chinese name from the codebook; what was normalised is reported (W051) and a label that is none
of these is refused, every one at once with its row (E113), so a typo never becomes "no label".
A row counts as reviewed where ``coder_done`` is ticked (:func:`parse_done`); on a sheet with no
ticks, where a coder cell is filled (W052). Rows in references, notes or page furniture are never
scored (CODEBOOK rule 2). Each label is scored as a binary decision per sentence: percent
agreement, Cohen's kappa (scikit-learn) and Krippendorff's alpha (``krippendorff``, nominal).
"""

from __future__ import annotations

import os
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Collection, Mapping, Sequence

import numpy as np
import pandas as pd

from pipeline.codebook import CODER_PREFIX, load_codebook, split_cell
from pipeline.errors import Errors, IrtagError, Warnings
from pipeline.io import read_table, write_table
from pipeline.norm import fold_width
from pipeline.training import CORRECTIONS_PREFIX, gold_files, gold_key, read_gold

#: Section kinds whose sentences are not coded (CODEBOOK rule 2): never scored or trained on.
NOT_CODED = ("references", "notes", "furniture")
#: ``coder_done`` values that tick a row and that leave it unticked (case-insensitive, width-folded).
DONE_TRUE = frozenset({"1", "x", "✓", "✔", "y", "yes", "true", "done", "是", "对"})
DONE_FALSE = frozenset({"", "0", "no", "false", "否"})
#: What separates labels in a coder cell.
SEPARATORS = re.compile(r"[;；,，、/]")


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


# -- reading a coder's sheet ----------------------------------------------------------------
def label_names(labels: Mapping[str, Sequence[str]]) -> dict[str, dict[str, str]]:
    """Scheme -> {Chinese name: label} from the codebook, for the labels in ``labels``."""
    names: dict[str, dict[str, str]] = {}
    for scheme, scheme_labels in labels.items():
        defined = load_codebook().schemes.get(scheme)
        names[scheme] = {lab.zh: lab.name for lab in (defined.labels if defined else ()) if lab.zh
                         and lab.name in scheme_labels}
    return names


def parse_done(value: object) -> bool | None:
    """A ``coder_done`` cell: True where ticked, False where not, None where it is neither."""
    text = fold_width("" if value is None or (isinstance(value, float) and value != value) else str(value))
    text = text.strip().lower()
    if text in DONE_TRUE:
        return True
    return False if text in DONE_FALSE else None


def parse_cell(cell: object, labels: Sequence[str], names: Mapping[str, str]
               ) -> tuple[list[str], list[str], Counter]:
    """A coder cell as (labels in codebook order, unknown entries, normalisations by kind)."""
    text = "" if cell is None or (isinstance(cell, float) and cell != cell) else str(cell)
    kinds: Counter = Counter()
    if re.search(r"[；,，、/]", text):
        kinds["separator"] += 1
    found, unknown = set(), []
    for token in (t.strip() for t in SEPARATORS.split(text)):
        if not token:
            continue
        label, steps = _resolve(token, labels, names)
        if label is None:
            unknown.append(token)
        else:
            found.add(label)
            kinds.update(steps)
    return [label for label in labels if label in found], unknown, kinds


def _resolve(token: str, labels: Sequence[str], names: Mapping[str, str]) -> tuple[str | None, tuple[str, ...]]:
    """The label a coder's entry names and how it was normalised (None where it names none)."""
    if token in labels:
        return token, ()
    if token in names:
        return names[token], ("Chinese name",)
    steps, folded = [], fold_width(token)
    if folded != token:
        steps.append("full width")
    lowered = folded.lower()
    if lowered != folded:
        steps.append("letter case")
    spelled = re.sub(r"[\s\-]+", "_", lowered)
    if spelled != lowered:
        steps.append("spacing")
    return (spelled, tuple(steps)) if spelled in labels else (None, ())


@dataclass
class CoderSheet:
    """A coder's sheet read and checked: coder cells rewritten as ``;``-joined codebook labels."""

    path: Path
    table: pd.DataFrame
    columns: dict[str, str]  # scheme -> coder column present
    reviewed: pd.Series      # bool per row: ticked, or (no ticks anywhere) a coder cell filled
    coded: pd.Series         # bool per row: not in references, notes or furniture
    how: str                 # how reviewed rows were recognised


def read_sheet(path: str | os.PathLike, labels: Mapping[str, Sequence[str]],
               names: Mapping[str, Mapping[str, str]] | None = None) -> CoderSheet:
    """Read a coder's sheet (:func:`pipeline.io.read_table`), normalise its coder cells and find
    the reviewed rows; refuses a sheet with no coder column (E110), unknown labels (E113), an
    unreadable ``coder_done`` (E112) or nothing coded (E111)."""
    path = Path(path)
    names = label_names(labels) if names is None else names
    table = read_table(path)
    if "sent_id" not in table.columns:
        raise IrtagError(Errors.E050.format(path=path, column="sent_id", present=", ".join(table.columns)))
    columns = {s: CODER_PREFIX + s for s in labels if CODER_PREFIX + s in table.columns}
    if not columns:
        raise IrtagError(Errors.E110.format(path=path, expected=", ".join(CODER_PREFIX + s for s in labels)))
    kinds: Counter = Counter()
    unknown: list[str] = []
    filled = pd.Series(False, index=table.index)
    for scheme, column in columns.items():
        filled |= table[column].astype(str).str.strip() != ""
        cells = []
        for index, cell in table[column].items():
            found, bad, steps = parse_cell(cell, labels[scheme], names.get(scheme, {}))
            unknown += [f"row {index + 2} {column} '{entry}'" for entry in bad]
            kinds.update(steps)
            cells.append(";".join(found))
        table[column] = cells
    if unknown:
        schemes = [s for s, c in columns.items() if any(f" {c} '" in u for u in unknown)]
        valid = "; ".join(f"{s}: " + ", ".join(labels[s]) for s in schemes)
        raise IrtagError(Errors.E113.format(path=path, cells=", ".join(sorted(unknown, key=_row_order)), valid=valid))
    if kinds:
        counts = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items(), key=lambda kv: _KIND_ORDER.index(kv[0])))
        warnings.warn(Warnings.W051.format(path=path, counts=counts), stacklevel=3)
    ticks = pd.Series(False, index=table.index)
    if "coder_done" in table.columns:
        marks = table["coder_done"].map(parse_done)
        bad = [f"row {i + 2} '{table.at[i, 'coder_done']}'" for i in marks.index[marks.isna()]]
        if bad:
            raise IrtagError(Errors.E112.format(path=path, cells=", ".join(bad)))
        ticks = marks.astype(bool)
    if ticks.any():
        reviewed, how = ticks, "coder_done ticked"
    elif filled.any():
        reviewed, how = filled, "a coder cell filled, no coder_done ticks"
        warnings.warn(Warnings.W052.format(path=path, rows=int(filled.sum())), stacklevel=3)
    else:
        raise IrtagError(Errors.E111.format(path=path))
    coded = ~table["section_kind"].str.strip().str.lower().isin(NOT_CODED) if "section_kind" in table.columns \
        else pd.Series(True, index=table.index)
    return CoderSheet(path, table, columns, reviewed, coded, how)


_KIND_ORDER = ("separator", "letter case", "spacing", "full width", "Chinese name")


def _row_order(entry: str) -> int:
    return int(entry.split()[1])


# -- agreement --------------------------------------------------------------------------------
@dataclass
class Agreement:
    """An agreement table and the lines that say which rows it scored."""

    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def sheet_agreement(coded_path, other_path=None, *, labels: dict[str, tuple[str, ...]],
                    names: Mapping[str, Mapping[str, str]] | None = None) -> Agreement:
    """Machine vs. human for one filled sheet; human vs. human (``coder_*`` of both) for two.

    Only reviewed rows outside references, notes and furniture are scored (of both sheets, for
    two); with two sheets, only the schemes both have coder columns for (W050 names the rest)."""
    sheet = read_sheet(coded_path, labels, names)
    if other_path is None:
        machine = {s: s for s in sheet.columns if s in sheet.table.columns}
        if not machine:  # a coder-only sheet: nothing to compare with
            raise IrtagError(Errors.E050.format(path=sheet.path, column=" / ".join(sheet.columns),
                                                present=", ".join(sheet.table.columns)))
        scored = sheet.reviewed & sheet.coded
        rows = sheet.table[scored]
        table = agreement_table(rows, machine, rows, sheet.columns, labels)
        table.insert(0, "comparison", "machine vs human")
        return Agreement(table, [_counts(sheet, sheet.reviewed, scored)])
    other = read_sheet(other_path, labels, names)
    common = [s for s in sheet.columns if s in other.columns]
    if not common:
        raise IrtagError(Errors.E118.format(first=sheet.path, second=other.path, first_cols=", ".join(
            sheet.columns.values()), second_cols=", ".join(other.columns.values())))
    for one in (sheet, other):
        missing = [s for s in labels if s not in common and s in (sheet.columns | other.columns)]
        if missing and any(s not in one.columns for s in missing):
            warnings.warn(Warnings.W050.format(path=one.path, schemes=", ".join(s for s in missing if s not in one.columns),
                                               scored=", ".join(common)), stacklevel=2)
    left = sheet.table.assign(__reviewed=sheet.reviewed, __coded=sheet.coded)
    right = other.table.assign(__reviewed=other.reviewed, __coded=other.coded)
    merged = left.merge(right, on="sent_id", suffixes=("", "__other"))
    if merged.empty:
        raise IrtagError(Errors.E117.format(column="sent_id", pred=sheet.path, gold=other.path,
                                            hint="were both filled from the same run's sentences?"))
    both = merged["__reviewed"] & merged["__reviewed__other"]
    scored = both & merged["__coded"] & merged["__coded__other"]
    rows = merged[scored]
    first_cols = {s: sheet.columns[s] for s in common}
    second_cols = {s: other.columns[s] + "__other" for s in common}
    table = agreement_table(rows, first_cols, rows, second_cols, labels)
    table.insert(0, "comparison", "human vs human")
    notes = [_counts(sheet, sheet.reviewed), _counts(other, other.reviewed),
             f"{len(merged)} sentence ids in both sheets, {int(both.sum())} reviewed in both, "
             f"{int((both & ~scored).sum())} in references/notes/furniture not scored, {int(scored.sum())} scored"]
    return Agreement(table, notes)


def _counts(sheet: CoderSheet, reviewed: pd.Series, scored: pd.Series | None = None) -> str:
    line = f"{sheet.path}: {int(reviewed.sum())} of {len(reviewed)} rows reviewed ({sheet.how})"
    if scored is not None:
        line += (f", {int((reviewed & ~scored).sum())} in references/notes/furniture not scored, "
                 f"{int(scored.sum())} scored")
    return line


# -- corrections --------------------------------------------------------------------------------
GOLD_COLUMNS = ("doc_id", "sent_id", "lang", "text", "factor", "stage", "resource", "cooperation", "note", "coder")


def sheet_to_gold(path, *, labels: dict[str, tuple[str, ...]], names: Mapping[str, Mapping[str, str]] | None = None,
                  coder: str = "") -> pd.DataFrame:
    """The human codings of a filled sheet as gold rows (the format of ``corpora/gold``).

    Reviewed rows outside references, notes and furniture count (:func:`read_sheet`); labels
    are normalised, unknown ones refused. ``coder`` is each row's coder where the sheet has no
    ``coder`` column (or the cell is empty)."""
    sheet = read_sheet(path, labels, names)
    if "text" not in sheet.table.columns:
        raise IrtagError(Errors.E050.format(path=path, column="text", present=", ".join(sheet.table.columns)))
    records = []
    for _, row in sheet.table[sheet.reviewed & sheet.coded].iterrows():
        note = str(row.get("coder_note", "")).strip()
        record = {"doc_id": row.get("doc_id", "") or "corrections", "sent_id": row["sent_id"],
                  "lang": row.get("lang", ""), "text": row["text"],
                  "note": f"human coding from {os.path.basename(str(path))}" + (f": {note}" if note else ""),
                  "coder": str(row.get("coder", "")).strip() or coder}
        for scheme in labels:
            record[scheme] = row.get(sheet.columns.get(scheme, ""), "")
        records.append(record)
    return pd.DataFrame(records, columns=list(GOLD_COLUMNS))


@dataclass
class Corrections:
    """What ``train --add`` saved for one coder."""

    coder: str
    path: Path
    added: int     # rows of this sheet saved
    replaced: int  # earlier decisions of this coder they replaced
    conflicts: list[str]


def coder_file_name(coder: str) -> str:
    """``corrections_<coder>.csv``, the coder's name made safe for a file name (E119 if nothing is left)."""
    slug = re.sub(r"[^\w-]+", "_", coder).strip("_")
    if not slug:
        raise IrtagError(Errors.E119.format(coder=coder))
    return f"{CORRECTIONS_PREFIX}{slug}.csv"


def add_corrections(sheet: str | os.PathLike, gold_dir: str | os.PathLike, *, labels: dict[str, tuple[str, ...]],
                    coder: str | None = None, names: Mapping[str, Mapping[str, str]] | None = None
                    ) -> list[Corrections]:
    """``irtag train --add``: save a filled sheet's human codings into the gold folder, one
    ``corrections_<coder>.csv`` per coder (text kept exactly: training data, not a sheet).

    The coder is a row's ``coder`` cell, else ``coder``, else the sheet's folder and name
    (``anna/sentences.csv`` -> ``anna_sentences``). A later decision for a sentence id replaces
    the coder's earlier one; a correction whose text the gold holds with other labels is listed
    as a conflict (training then uses the correction: :func:`pipeline.training.read_gold`)."""
    sheet = Path(sheet)
    fallback = coder or "_".join(part for part in (sheet.resolve().parent.name, sheet.stem) if part)
    rows = sheet_to_gold(sheet, labels=labels, names=names, coder=fallback)
    results = []
    for name, part in rows.groupby("coder", sort=True):
        target = Path(gold_dir) / coder_file_name(str(name))
        part = part.drop_duplicates("sent_id", keep="last")
        kept = read_table(target) if target.is_file() else pd.DataFrame(columns=list(GOLD_COLUMNS))
        replaced = kept["sent_id"].isin(part["sent_id"])
        conflicts = _conflicts(part, [p for p in gold_files(gold_dir) if p.name != target.name], labels)
        write_table(target, pd.concat([kept[~replaced].reindex(columns=list(GOLD_COLUMNS), fill_value=""), part],
                                      ignore_index=True), guard=False)
        results.append(Corrections(str(name), target, len(part), int(replaced.sum()), conflicts))
    return results


def _conflicts(rows: pd.DataFrame, golds: Sequence[Path], labels: Mapping[str, Sequence[str]]) -> list[str]:
    """Each correction whose text a gold file holds with other labels, as one line."""
    by_text: dict[str, list[Any]] = {}
    for gold in read_gold(golds, labels):
        by_text.setdefault(gold_key(gold.text), []).append(gold)
    lines = []
    for _, row in rows.iterrows():
        for gold in by_text.get(gold_key(row["text"]), []):
            differs = [f"{s} {';'.join(gold.labels[s]) or '-'}, the correction {row[s] or '-'}" for s in labels
                       if ";".join(gold.labels[s]) != row[s]]
            if differs:
                lines.append(f"{row['sent_id']}: {Path(gold.path).name} line {gold.line} has " + "; ".join(differs))
    return lines


def suggest_for_run(out_dir: str | os.PathLike, config: Any, *, limit: int = 50) -> pd.DataFrame:
    """``irtag suggest``: the least certain sentences of a run, with the configured models,
    leaving out what the gold folder already holds (the seeds' gold, every coder's corrections)."""
    from pipeline.io import iter_documents
    from pipeline.stages import load_trained
    from pipeline.tag.lexicon import Lexicon
    from pipeline.training import gold_files, gold_key, read_gold, scheme_labels

    lexicon = Lexicon.load(config.lexicons)
    coded = read_gold(gold_files(config.gold), scheme_labels(lexicon))
    done = {row.sent_id for row in coded} | {gold_key(row.text) for row in coded}
    return suggest(iter_documents(out_dir), lexicon, load_trained(config, lexicon), limit=limit, exclude=done)


def suggest(docs, lexicon, models, *, limit: int = 50, exclude: Collection[str] = frozenset()) -> pd.DataFrame:
    """Coded sentences ranked by how close a classifier decision came to its threshold: the ones
    a coder's time improves most (uncertainty sampling). Sentences whose id or text (``gold_key``)
    is in ``exclude`` were coded already and are left out. The table is a coder's sheet: it has
    the empty coder columns, so it can be filled and fed to ``irtag train --add``."""
    from pipeline.codebook import coder_columns
    from pipeline.tag.context import with_context
    from pipeline.tag.features import features_for
    from pipeline.training import gold_key

    candidates = []
    for doc in docs:
        coded = list(doc.coded_sentences())
        keep = [i for i, s in enumerate(coded) if s.id not in exclude and gold_key(s.text) not in exclude]
        if not keep:
            continue
        # the document is one passage, as when it is tagged (pipeline.tag.annotate); coded
        # sentences left out still give their neighbours context
        every = with_context([features_for(s, *lexicon.match_all(s)) for s in coded], [doc.id] * len(coded))
        sentences, features = [coded[i] for i in keep], [every[i] for i in keep]
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
            candidates.append({"doc_id": doc.id, "sent_id": sentence.id, "lang": sentence.lang,
                               "margin": round(float(margin), 4), "closest_decision": label, "labels": "; ".join(
                                   f"{lab.scheme}:{lab.label}" for lab in sentence.labels),
                               "text": sentence.text})
    candidates.sort(key=lambda c: (c["margin"], c["sent_id"]))
    coder = [*coder_columns(list(models) or None), "coder_done"]
    columns = ["doc_id", "sent_id", "lang", "margin", "closest_decision", "labels", "text", *coder]
    return pd.DataFrame([{**c, **dict.fromkeys(coder, "")} for c in candidates[:limit]], columns=columns)
