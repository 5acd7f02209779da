"""Fusing the lexicon and the classifier: the rule, and its choice by grouped cross-validation.

Per label, with ``t`` the label's threshold and ``solo``, ``floor`` the label's entries of the
model's ``fusion_`` (all three chosen per label on out-of-fold probabilities of the training
data, documents and hand-written passages held out whole, never on the dev set)::

    fires  <=>  p >= max(t, solo)   or   (a lexicon hit for the label exists and p >= floor)

:class:`Fusion` is the registered component (``fusion``) that applies it to the results of the
taggers it names; a scheme without a classifier is tagged by the lexicon alone.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from pipeline.metrics import label_f1_by_lang
from pipeline.tag import register
from pipeline.tag.base import Scores

#: Candidate per-label decision thresholds, searched on out-of-fold probabilities.
THRESHOLD_GRID = tuple(round(0.05 * i, 2) for i in range(1, 20))
#: Candidate fusion floors, in order of preference on ties (None: lexicon hits lower no threshold).
FLOOR_GRID: tuple[float | None, ...] = (None, 0.4, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05, 0.02, 0.0)
#: Candidate solo thresholds: what the classifier needs to fire without a lexicon hit in the
#: fused system (None: the label's own threshold; 1.01: never without a hit).
SOLO_GRID: tuple[float | None, ...] = (None, 0.6, 0.7, 0.8, 0.9, 1.01)
#: A hand-written example whose note names its passage, ``hand-written (UN news: …)``, belongs to

def fuse(proba: np.ndarray, thresholds: np.ndarray, hits: np.ndarray,
         lexicon_floor: float | None | Sequence[float | None] = None,
         solo_threshold: float | None | Sequence[float | None] = None) -> np.ndarray:
    """The fusion rule, per label of a scheme::

        fires  <=>  p >= max(threshold, solo_threshold)  or  (lexicon hit and p >= lexicon_floor)

    ``lexicon_floor`` None: a lexicon hit lowers no threshold; 0: every lexicon hit fires.
    ``solo_threshold`` None: the classifier fires alone at the label's threshold; above 1: it
    never fires without a lexicon hit. Either is one value for every label or one per label.
    The family holds the classifier alone, the lexicon alone, their union and their
    intersection; ``SentenceClassifier.fit`` picks one member per label by grouped
    cross-validation on the training data (``fusion_``).
    """
    n_labels = proba.shape[1] if proba.ndim == 2 else len(thresholds)
    floor = _per_label(lexicon_floor, n_labels, np.inf)
    solo = np.maximum(thresholds, _per_label(solo_threshold, n_labels, -np.inf))
    fired = (proba >= solo) | (hits.astype(bool) & (proba >= floor))
    return fired.astype(int)


def _per_label(value: float | None | Sequence[float | None], n_labels: int, none: float) -> np.ndarray:
    """A scalar or per-label setting as an array, None replaced by ``none``."""
    values = [value] * n_labels if value is None or np.isscalar(value) else list(value)
    if len(values) != n_labels:
        raise ValueError(f"{len(values)} fusion settings for {n_labels} labels")
    return np.array([none if v is None else float(v) for v in values], dtype=float)



def best_threshold(proba: np.ndarray, truth: np.ndarray, langs: Sequence[str] | None = None,
                    tolerance: float = 0.0) -> float:
    """The grid threshold with the best out-of-fold F1, shrunk toward 0.5.

    Every threshold within ``tolerance`` of the best F1 counts as a tie, and ties go to the one
    nearest 0.5: a few held-out sentences should not push a threshold to the end of the grid.
    """
    truth = truth.astype(bool)
    if truth.sum() == 0:
        return 0.5
    langs = np.asarray(langs if langs is not None else ["all"] * len(truth))
    scores = {t: label_f1_by_lang(proba >= t, truth, langs) for t in THRESHOLD_GRID}
    best = max(scores.values())
    return float(min((t for t, f in scores.items() if f >= best - tolerance - 1e-12),
                     key=lambda t: (abs(t - 0.5), -t)))



#: Fusion candidates per label as (solo_threshold, lexicon_floor), simplest first: the
#: classifier alone, the lexicon alone, their union, then the lexicon gated by a floor and the
#: classifier needing more confidence without a hit. Ties (within tolerance) go to the earlier.
FUSION_CANDIDATES: tuple[tuple[float | None, float | None], ...] = (
    (None, None), (1.01, 0.0), (None, 0.0),
    *((1.01, floor) for floor in FLOOR_GRID if floor not in (None, 0.0)),
    *((None, floor) for floor in FLOOR_GRID if floor not in (None, 0.0)),
    *((solo, floor) for solo in SOLO_GRID if solo not in (None, 1.01) for floor in FLOOR_GRID),
)


def best_fusion(proba: np.ndarray, truth: np.ndarray, thresholds: np.ndarray, hits: np.ndarray,
                 langs: Sequence[str], tolerance: float = 0.0) -> dict[str, list[float | None]]:
    """Per label, the fusion rule with the best out-of-fold F1 (averaged over languages).

    Ties within ``tolerance`` go to the earlier, simpler member of :data:`FUSION_CANDIDATES`.
    """
    langs, truth, hits = np.asarray(langs), truth.astype(bool), hits.astype(bool)
    solos: list[float | None] = []
    floors: list[float | None] = []
    for j in range(truth.shape[1]):
        scores = []
        for solo, floor in FUSION_CANDIDATES:
            fired = fuse(proba[:, [j]], thresholds[[j]], hits[:, [j]], floor, solo)[:, 0].astype(bool)
            scores.append(label_f1_by_lang(fired, truth[:, j], langs))
        best = max(scores)
        choice = next(i for i, f in enumerate(scores) if f >= best - tolerance - 1e-12)
        solos.append(FUSION_CANDIDATES[choice][0])
        floors.append(FUSION_CANDIDATES[choice][1])
    return {"lexicon_floor": floors, "solo_threshold": solos}



@register("fusion")
class Fusion:
    """One fused decision per label from a classifier's and a lexicon's results (:func:`fuse`).

    Parameters
    ----------
    classifier, evidence : str
        System names of the two taggers fused (their ``name`` in the config): the classifier,
        and the lexicon whose hits are the evidence.
    """

    def __init__(self, *, classifier: str = "classifier", evidence: str = "lexicon"):
        self.classifier = classifier
        self.evidence = evidence

    def __call__(self, results: Mapping[str, Scores]) -> Scores:
        """The fused decisions per scheme, in the classifier's label order where it has the scheme."""
        lexicon = results[self.evidence]
        model = results.get(self.classifier)
        fused = Scores()
        for scheme, fired in lexicon.fired.items():
            if model is not None and scheme in model.values:
                labels = model.labels[scheme]
                column = {label: j for j, label in enumerate(lexicon.labels[scheme])}
                hits = np.zeros((fired.shape[0], len(labels)), dtype=bool)
                for j, label in enumerate(labels):
                    if label in column:
                        hits[:, j] = fired[:, column[label]]
                rules = model.rules[scheme]
                decided = fuse(model.values[scheme], rules["thresholds"], hits,
                               rules["lexicon_floor"], rules["solo_threshold"]).astype(bool)
            else:
                labels, decided = lexicon.labels[scheme], fired.copy()
            fused.labels[scheme] = tuple(labels)
            fused.fired[scheme] = decided
            fused.values[scheme] = decided.astype(float)
        return fused
