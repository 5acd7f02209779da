"""A stacker: one calibrated decision per label from the classifier, the lexicon and the passage.

The per-label fusion rules (:mod:`pipeline.tag.fusion`) pick one member of a fixed family. The
stacker instead learns, per label, a logistic regression over a few inputs (:data:`INPUTS`):
the classifier's out-of-fold log-odds, the lexicon's hit (plain, negated, and times the
log-odds), the same label's cues in the neighbouring sentences and the section heading, and
whether another label of the scheme has a hit. It is trained on the grouped out-of-fold
probabilities that ``SentenceClassifier.fit`` computes anyway (documents and hand-written
passages held out whole), so it never sees a probability of a row the classifier was fitted
on; a logistic regression on held-out scores is Platt calibration, so its output is a
probability. Its threshold is chosen on cross-fitted stacker outputs (the stacker refitted
without each group fold), shrunk toward 0.5 as the classifier's own; and per label it replaces
the fusion rule only where those cross-fitted decisions beat the rule's (``use``).

:class:`Stacker` (``stacker``) is the fusion component that applies it; select it in the config's
``fusion:`` entry. Weights are saved in the classifier's JSON (no pickle).
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression

from pipeline.metrics import group_folds, label_f1_by_lang
from pipeline.tag import register
from pipeline.tag.base import Scores
from pipeline.tag.fusion import Fusion, best_threshold

#: the stacker's inputs per label, in column order
INPUTS = ("logit", "hit", "hit_x_logit", "negated_hit", "prev_hit", "next_hit", "continued_hit",
          "section_hit", "heading", "other_hit")
#: log-odds are clipped here (a probability of 1e-9 is no more telling than one of 1e-4)
LOGIT_CLIP = 9.0


def stack_inputs(proba: np.ndarray, X: Sequence[Any], scheme: str, classes: Sequence[str]) -> np.ndarray:
    """The stacker's inputs, shape (n_samples, n_labels, len(INPUTS))."""
    p = np.clip(np.asarray(proba, dtype=float), 1e-12, 1 - 1e-12)
    logit = np.clip(np.log(p / (1 - p)), -LOGIT_CLIP, LOGIT_CLIP)
    out = np.zeros((len(X), len(classes), len(INPUTS)))
    out[:, :, 0] = logit
    for i, x in enumerate(X):
        concepts, context = set(x.concepts), set(x.context)
        hits = np.array([f"hit:{scheme}:{c}" in concepts for c in classes], dtype=float)
        for j, label in enumerate(classes):
            cue = f"hit:{scheme}:{label}"
            out[i, j, 1:] = (hits[j], hits[j] * logit[i, j], hits[j] * x.negated, f"prev:{cue}" in context,
                             f"next:{cue}" in context,
                             f"list&prev:{cue}" in context or f"anaphora&prev:{cue}" in context,
                             f"section:{cue}" in context, x.is_heading, hits.sum() - hits[j] > 0)
    return out


def _fit_one(inputs: np.ndarray, y: np.ndarray, C: float) -> tuple[np.ndarray, float]:
    if y.min() == y.max():
        return np.zeros(inputs.shape[1]), (-20.0 if y.max() == 0 else 20.0)
    model = LogisticRegression(C=C, max_iter=1000)
    model.fit(inputs, y)
    return model.coef_[0], float(model.intercept_[0])


def fit_stacker(oof: np.ndarray, targets: np.ndarray, X: Sequence[Any], scheme: str, classes: Sequence[str],
                groups: Sequence[Any], langs: Sequence[str], *, rule_fired: np.ndarray | None = None,
                folds: int = 5, C: float = 1.0, tolerance: float = 0.0) -> dict[str, list]:
    """Per label: weights on :data:`INPUTS`, intercept and threshold, from out-of-fold
    probabilities ``oof`` of the rows ``X`` (grouped by ``groups`` for the cross-fitting), and
    ``use``: whether the cross-fitted stacker beats the fusion rule's decisions ``rule_fired``
    on the same rows by more than ``tolerance`` (F1 averaged over languages; without
    ``rule_fired``, always). The rule's F1 is that of the rule chosen on these rows, so the
    comparison leans toward the rule."""
    inputs = stack_inputs(oof, X, scheme, classes)
    splits = group_folds(list(groups), folds)
    langs = np.asarray(langs)
    coef, intercept, thresholds, use = [], [], [], []
    for j in range(len(classes)):
        y = targets[:, j].astype(int)
        crossed = np.zeros(len(y))
        for train_idx, test_idx in splits:
            w, b = _fit_one(inputs[train_idx, j], y[train_idx], C)
            crossed[test_idx] = _sigmoid(inputs[test_idx, j] @ w + b)
        threshold = best_threshold(crossed, y, langs, tolerance)
        thresholds.append(threshold)
        if rule_fired is None:
            use.append(True)
        else:
            stacked_f1 = label_f1_by_lang(crossed >= threshold, y.astype(bool), langs)
            use.append(bool(stacked_f1 > label_f1_by_lang(rule_fired[:, j].astype(bool), y.astype(bool), langs)
                            + tolerance))
        w, b = _fit_one(inputs[:, j], y, C)
        coef.append([float(v) for v in w])
        intercept.append(b)
    return {"inputs": list(INPUTS), "coef": coef, "intercept": intercept, "thresholds": thresholds, "use": use}


def stacked_proba(stacker: Mapping[str, Any], proba: np.ndarray, X: Sequence[Any], scheme: str,
                  classes: Sequence[str]) -> np.ndarray:
    """The stacker's probability of each label, shape (n_samples, n_labels)."""
    inputs = stack_inputs(proba, X, scheme, classes)
    coef = np.asarray(stacker["coef"], dtype=float)
    return _sigmoid(np.einsum("nlf,lf->nl", inputs, coef) + np.asarray(stacker["intercept"], dtype=float))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@register("stacker")
class Stacker(Fusion):
    """The fusion component that decides by the classifier's stacker (stacked probability >= its
    threshold) for the labels where it beat the fusion rule in training (``use``), and by the
    rule elsewhere and for a scheme whose model has no stacker."""

    def __call__(self, results: Mapping[str, Scores]) -> Scores:
        fused = super().__call__(results)
        model = results.get(self.classifier)
        if model is None:
            return fused
        for scheme in fused.fired:
            rules = model.rules.get(scheme, {})
            stacker = rules.get("stacker")
            if stacker:
                stacked = stacked_proba(stacker, model.values[scheme], rules["features"], scheme, model.labels[scheme])
                use = np.asarray(stacker.get("use", [True] * stacked.shape[1]), dtype=bool)
                decided = np.where(use, stacked >= np.asarray(stacker["thresholds"], dtype=float), fused.fired[scheme])
                fused.fired[scheme] = decided
                fused.values[scheme] = decided.astype(float)
        return fused
