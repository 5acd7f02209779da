"""Shared ground for scores: one per-label P/R/F1, micro/macro averages, grouped folds.

The scoring rule is the dev set's (``shared/dev/README.md``): per label, TP / FP / FN count
sentences; precision, recall and F1 are 0 where undefined; macro-F1 is the mean F1 over the
labels with gold support; micro-F1 pools the counts. Training (thresholds, fusion rules) and
evaluation both score through these functions, so they can never disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Collection, Sequence

import numpy as np


def f1(tp: int, fp: int, fn: int) -> float:
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


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
        return f1(self.tp, self.fp, self.fn)


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
    return f1(sum(s.tp for s in scores), sum(s.fp for s in scores), sum(s.fn for s in scores))


def macro_f1(scores: Sequence[LabelScore]) -> float:
    """Mean F1 over the labels with gold support; NaN when no label has any."""
    supported = [s.f1 for s in scores if s.support > 0]
    return sum(supported) / len(supported) if supported else math.nan


def bootstrap_macro_f1(pred: Sequence[Collection[str]], gold: Sequence[Collection[str]], labels: Sequence[str],
                       groups: Sequence[Any], *, level: float = 0.90, reps: int = 2000,
                       seed: int = 0) -> tuple[float, float]:
    """A percentile bootstrap interval of macro-F1, resampling whole ``groups`` (passages).

    Sentences of one passage are not independent (one topic, one writer), so passages are
    drawn with replacement; each draw's macro-F1 averages the labels with support in that draw.
    NaN where no label has support.
    """
    names = sorted(set(groups), key=str)
    index = {name: i for i, name in enumerate(names)}
    counts = np.zeros((len(names), len(labels), 3))
    for p, g, group in zip(pred, gold, groups):
        row = counts[index[group]]
        for j, label in enumerate(labels):
            row[j] += (label in p and label in g, label in p and label not in g, label not in p and label in g)
    if not names or not counts[:, :, [0, 2]].sum():
        return math.nan, math.nan
    draws = np.random.default_rng(seed).integers(0, len(names), size=(reps, len(names)))
    totals = counts[draws].sum(axis=1)  # (reps, labels, 3)
    tp, fp, fn = totals[..., 0], totals[..., 1], totals[..., 2]
    supported = (tp + fn) > 0
    f1s = np.where(tp > 0, 2 * tp / np.maximum(2 * tp + fp + fn, 1), 0.0)
    with np.errstate(invalid="ignore"):
        macro = (f1s * supported).sum(axis=1) / supported.sum(axis=1)
    macro = macro[~np.isnan(macro)]
    tail = (1 - level) / 2 * 100
    return float(np.percentile(macro, tail)), float(np.percentile(macro, 100 - tail))


def label_f1_by_lang(fired: np.ndarray, truth: np.ndarray, langs: np.ndarray) -> float:
    """F1 of one label (boolean vectors) averaged over the languages where it has gold support."""
    scores = []
    for lang in sorted(set(langs)):
        rows = langs == lang
        got, gold = fired[rows], truth[rows]
        if gold.any():
            scores.append(f1(int((got & gold).sum()), int((got & ~gold).sum()), int((~got & gold).sum())))
    return sum(scores) / len(scores) if scores else 0.0


def group_folds(groups: Sequence[Any], n_folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Deterministic grouped folds; groups are dealt to folds in sorted order, None never held out."""
    names = sorted({g for g in groups if g is not None}, key=str)
    n = min(n_folds, len(names))
    if n < 2:
        return []
    fold_of = {name: i % n for i, name in enumerate(names)}
    index = np.arange(len(groups))
    folds = []
    for k in range(n):
        test = np.array([g is not None and fold_of[g] == k for g in groups])
        folds.append((index[~test], index[test]))
    return folds
