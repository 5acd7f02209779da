"""The linear classifier: a multi-label sentence classifier per codebook scheme, scikit-learn style.

Each label gets its own liblinear logistic regression (deterministic for a fixed
``random_state``) over the blocks of :mod:`pipeline.tag.features`. Decision thresholds are not
0.5: ``fit`` computes out-of-fold probabilities on the training data, grouped by document or
hand-written passage (never split between training and held-out folds), and keeps for each
label the threshold with the best F1 averaged over languages, shrunk toward 0.5 within
``tolerance`` (``thresholds_``). From the same out-of-fold probabilities it chooses, per label,
the fusion rule ``fusion_`` (:mod:`pipeline.tag.fusion`), preferring the simpler rule within
``tolerance``. Nothing is chosen on a development or test set.

Models are saved as plain JSON plus one ``.npy`` coefficient matrix (``allow_pickle=False``),
each checked by sha256 on load; pickle and joblib are never used, so loading a model never
runs code. :class:`LinearTagger` is the registered component (``linear``).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.utils.validation import check_is_fitted

from pipeline.document import Sentence
from pipeline.errors import Errors, IrtagError
from pipeline.io import atomic_open
from pipeline.metrics import group_folds
from pipeline.tag import register
from pipeline.tag.base import Scores, Tagger
from pipeline.tag.features import (
    BINARY_BLOCKS, Counts, SentenceFeatures, analyse, count_blocks, count_matrix, features_for, sigmoid, tfidf,
)
from pipeline.tag.context import with_context
from pipeline.tag.fusion import best_fusion, best_threshold, fuse
from pipeline.tag.stacker import fit_stacker

MODEL_FORMAT = "irtag-sentence-classifier"
MODEL_FORMAT_VERSION = 1
#: Intercept of a label never seen in training: its probability is ~1e-9, it never fires.
_UNSEEN_INTERCEPT = -20.0


@dataclass
class _Fitted:
    """Weights learnt on some rows: kept columns per block, idf, vocabularies, coefficients."""

    kept: dict[str, np.ndarray]
    idf: dict[str, np.ndarray]
    vocabularies: dict[str, list[str]]
    coef: np.ndarray
    intercept: np.ndarray


# -- the estimator ---------------------------------------------------------------------------
class SentenceClassifier(ClassifierMixin, BaseEstimator):
    """Multi-label classifier for one codebook scheme.

    Parameters
    ----------
    scheme : str
        The codebook scheme (``factor``, ``stage``, ``resource``, ``cooperation``).
    labels : sequence of str or None
        The label inventory in codebook order; None takes the sorted labels seen in ``Y``.
    C : float
        Inverse regularisation strength of each logistic regression.
    char_ngram_range : (int, int)
        Character n-gram sizes of the simplified text.
    min_df : int
        Character n-grams and words seen in fewer training sentences are dropped.
    concept_weight : float
        Weight of the (binary) concept block relative to the l2-normed text blocks.
    context_weight : float
        Weight of the (binary) block of passage context tokens (:mod:`pipeline.tag.context`);
        0 ignores the passage.
    class_weight : "balanced" or None
        Passed to each logistic regression; labels are rare, so balanced by default.
    char_weight : float
        Weight of the character n-gram block (n-grams memorise the seed articles' topics).
    cv_folds : int
        Folds of the grouped cross-validation that chooses thresholds and the fusion rules.
    tolerance : float
        Out-of-fold F1 differences up to this are ties: thresholds go toward 0.5 and fusion
        rules toward the simpler one.
    random_state : int
        Seed of liblinear; the same seed gives the same probabilities.

    Attributes
    ----------
    classes_ : ndarray of str
        The labels, one probability column each.
    vocabularies_ : dict
        Feature names per block (``char``, ``word``, ``concept``, ``context``), in column order.
    idf_ : dict
        Inverse document frequencies of the ``char`` and ``word`` blocks.
    coef_ : ndarray of shape (n_labels, n_features)
    intercept_ : ndarray of shape (n_labels,)
    thresholds_ : ndarray of shape (n_labels,)
        Per-label probability thresholds chosen by grouped cross-validation on training data.
    fusion_ : dict
        ``lexicon_floor`` and ``solo_threshold`` lists, one entry per label, chosen the same way
        (:func:`fuse`).
    stacker_ : dict or None
        Per-label weights and thresholds of the stacker (:mod:`pipeline.tag.stacker`), learnt on
        the same out-of-fold probabilities; None where there were no held-out groups.

    Examples
    --------
    >>> X = [SentenceFeatures("ngo lobby", "en", ("ngo", "lobby"), ("hit:factor:push",)),
    ...      SentenceFeatures("un relies on eu", "en", ("un", "rely", "eu"), ("hit:factor:pull",))] * 3
    >>> model = SentenceClassifier(scheme="factor", labels=["push", "pull"], cv_folds=2)
    >>> model.fit(X, [["push"], ["pull"]] * 3).predict_labels(X[:2])
    [['push'], ['pull']]
    """

    def __init__(self, *, scheme: str = "stage", labels: Sequence[str] | None = None, C: float = 1.0,
                 char_ngram_range: tuple[int, int] = (1, 3), min_df: int = 2,
                 concept_weight: float = 1.0, context_weight: float = 0.25, char_weight: float = 1.0,
                 class_weight: str | None = "balanced",
                 cv_folds: int = 5, tolerance: float = 0.01, random_state: int = 0):
        self.scheme = scheme
        self.labels = labels
        self.C = C
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.concept_weight = concept_weight
        self.context_weight = context_weight
        self.char_weight = char_weight
        self.class_weight = class_weight
        self.cv_folds = cv_folds
        self.tolerance = tolerance
        self.random_state = random_state

    # -- fitting -----------------------------------------------------------------------
    def fit(self, X: Sequence[SentenceFeatures], Y: Sequence[Sequence[str]],
            groups: Sequence[str | None] | None = None,
            sample_weight: Sequence[float] | None = None) -> "SentenceClassifier":
        """Learn the weights, then per-label thresholds and fusion rules from out-of-fold
        probabilities.

        ``groups`` holds each sample's document id; samples of one document are held out
        together. A group of None marks samples that are always trained on, never held out.
        Without groups every sample is its own group. ``sample_weight`` weighs the samples in
        the logistic regressions (not in the choice of thresholds).
        """
        X, Y, groups = self._validate(X, Y, groups)
        weights = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        if weights.shape != (len(X),) or (weights < 0).any():
            raise ValueError(f"sample_weight must hold {len(X)} non-negative numbers")
        self.classes_ = np.array(self._label_inventory(Y), dtype=object)
        targets = self._binarize(Y)
        counts = count_blocks(X, self.char_ngram_range)
        fitted = self._fit_weights(counts, np.arange(len(X)), targets, weights)
        self.vocabularies_, self.idf_ = fitted.vocabularies, fitted.idf
        self.coef_, self.intercept_ = fitted.coef, fitted.intercept
        self.n_features_ = self.coef_.shape[1]
        oof, held = self._out_of_fold(counts, targets, groups, weights)
        if held.sum() and len({g for g in groups if g is not None}) >= 2:
            langs = [x.lang for x in X]
            held_langs = [langs[i] for i in np.flatnonzero(held)]
            self.thresholds_ = np.array([
                best_threshold(oof[held, j], targets[held, j], held_langs, self.tolerance)
                for j in range(len(self.classes_))
            ])
            held_X = [X[i] for i in np.flatnonzero(held)]
            hits = _hit_matrix(held_X, self.scheme, self.classes_)
            self.fusion_ = best_fusion(oof[held], targets[held], self.thresholds_, hits, held_langs, self.tolerance)
            self.stacker_ = fit_stacker(oof[held], targets[held], held_X, self.scheme, list(self.classes_),
                                        [groups[i] for i in np.flatnonzero(held)], held_langs,
                                        rule_fired=fuse(oof[held], self.thresholds_, hits, **self.fusion_),
                                        folds=self.cv_folds, tolerance=self.tolerance)
        else:
            self.thresholds_ = np.full(len(self.classes_), 0.5)
            self.fusion_ = {"lexicon_floor": None, "solo_threshold": None}
            self.stacker_ = None
        return self

    def _validate(self, X, Y, groups):
        if not isinstance(self.scheme, str) or not self.scheme:
            raise ValueError(f"scheme must be a non-empty string, got {self.scheme!r}")
        if self.class_weight not in ("balanced", None):
            raise ValueError(f"class_weight must be 'balanced' or None, got {self.class_weight!r}")
        if not (isinstance(self.cv_folds, int) and self.cv_folds >= 2):
            raise ValueError(f"cv_folds must be an integer >= 2, got {self.cv_folds!r}")
        X = list(X)
        if not X or len(X) != len(Y):
            raise ValueError(f"X and Y must be non-empty and of equal length ({len(X)} != {len(Y)})")
        if not all(isinstance(x, SentenceFeatures) for x in X):
            raise ValueError("X must be a list of SentenceFeatures (see features_for)")
        groups = list(range(len(X))) if groups is None else list(groups)
        if len(groups) != len(X):
            raise ValueError(f"groups has {len(groups)} entries for {len(X)} samples")
        if self.labels is not None:
            unknown = sorted({lab for row in Y for lab in row} - set(self.labels))
            if unknown:
                raise ValueError(f"unknown {self.scheme} labels {unknown}; labels: {list(self.labels)}")
        return X, list(Y), groups

    def _label_inventory(self, Y) -> list[str]:
        if self.labels is not None:
            return list(self.labels)
        return sorted({lab for row in Y for lab in row})

    def _binarize(self, Y) -> np.ndarray:
        index = {lab: j for j, lab in enumerate(self.classes_)}
        targets = np.zeros((len(Y), len(self.classes_)), dtype=np.int8)
        for i, row in enumerate(Y):
            for lab in row:
                if lab in index:
                    targets[i, index[lab]] = 1
        return targets

    def _fit_weights(self, counts: dict[str, tuple[sp.csr_matrix, list[str]]], rows: np.ndarray,
                     targets: np.ndarray, weights: np.ndarray) -> "_Fitted":
        """Vocabulary, idf and weights learnt from ``rows`` only (as if vectorised from scratch)."""
        kept, idf = self._select(counts, rows)
        blocks = {name: matrix[rows][:, kept[name]] for name, (matrix, _) in counts.items()}
        coef, intercept = self._fit_linear(self._weigh(blocks, idf), targets[rows], weights[rows])
        vocab = {name: [terms[i] for i in kept[name]] for name, (_, terms) in counts.items()}
        return _Fitted(kept, idf, vocab, coef, intercept)

    def _select(self, counts, rows) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Columns seen in at least ``min_df`` training rows (concepts: one), and their idf
        (text blocks only)."""
        kept, idf = {}, {}
        for name, (matrix, _) in counts.items():
            df = np.asarray((matrix[rows] > 0).sum(axis=0)).ravel()
            kept[name] = np.flatnonzero(df >= (1 if name == "concept" else self.min_df))
            if name not in BINARY_BLOCKS:
                idf[name] = np.log((1.0 + len(rows)) / (1.0 + df[kept[name]])) + 1.0
        return kept, idf

    def _weigh(self, blocks: Mapping[str, sp.csr_matrix], idf: Mapping[str, np.ndarray]) -> sp.csr_matrix:
        """tf-idf text blocks (each l2-normed) beside the weighted binary concept and context blocks."""
        return sp.hstack([tfidf(blocks["char"], idf["char"]) * self.char_weight, tfidf(blocks["word"], idf["word"]),
                          blocks["concept"] * self.concept_weight, blocks["context"] * self.context_weight]).tocsr()

    def _fit_linear(self, features: sp.csr_matrix, targets: np.ndarray,
                    weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        coef = np.zeros((targets.shape[1], features.shape[1]))
        intercept = np.full(targets.shape[1], _UNSEEN_INTERCEPT)
        for j in range(targets.shape[1]):
            y = targets[:, j]
            if y.min() == y.max():  # never (or always) seen: a constant
                intercept[j] = _UNSEEN_INTERCEPT if y.max() == 0 else -_UNSEEN_INTERCEPT
                continue
            if features.shape[1] == 0:  # no feature survived min_df: the label's prior log-odds
                intercept[j] = float(np.log(y.mean() / (1.0 - y.mean())))
                continue
            # dual liblinear: exact L2 logistic regression, much faster with features >> samples
            model = LogisticRegression(solver="liblinear", dual=True, C=self.C, class_weight=self.class_weight,
                                       random_state=self.random_state, max_iter=1000)
            model.fit(features, y, sample_weight=weights)
            coef[j] = model.coef_[0]
            intercept[j] = model.intercept_[0]
        return coef, intercept

    def _out_of_fold(self, counts, targets, groups, weights) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities of each held-out sample from a model fitted without its group."""
        oof = np.zeros(targets.shape, dtype=float)
        held = np.zeros(len(groups), dtype=bool)
        for train_idx, test_idx in group_folds(groups, self.cv_folds):
            fold = self._fit_weights(counts, train_idx, targets, weights)
            blocks = {name: matrix[test_idx][:, fold.kept[name]] for name, (matrix, _) in counts.items()}
            oof[test_idx] = sigmoid(self._weigh(blocks, fold.idf) @ fold.coef.T + fold.intercept)
            held[test_idx] = True
        return oof, held

    # -- prediction --------------------------------------------------------------------
    def transform_features(self, X: Sequence[SentenceFeatures]) -> sp.csr_matrix:
        """The design matrix of ``X`` in the fitted feature space."""
        check_is_fitted(self)
        X = list(X)
        return self._design(analyse(X, self.char_ngram_range), len(X))

    def _design(self, analysed: Mapping[str, Counts], n_samples: int) -> sp.csr_matrix:
        """The design matrix from :func:`_analyse`'s term counts."""
        blocks = {}
        for name, counts in analysed.items():
            vocabulary = self._vocabulary_index().get(name)
            if not vocabulary:
                blocks[name] = sp.csr_matrix((n_samples, 0))
                continue
            blocks[name] = count_matrix(counts, n_samples, vocabulary, binary=name in BINARY_BLOCKS)
        return self._weigh(blocks, self.idf_)

    def _vocabulary_index(self) -> dict[str, dict[str, int]]:
        """Column of each term per block, built once per fitted (or loaded) vocabulary."""
        cached = self.__dict__.get("_vocabulary_index_cache")
        if cached is None or cached[0] is not self.vocabularies_:
            index = {name: {term: i for i, term in enumerate(terms)} for name, terms in self.vocabularies_.items()}
            cached = self._vocabulary_index_cache = (self.vocabularies_, index)
        return cached[1]

    def _proba(self, X: Sequence[SentenceFeatures]) -> np.ndarray:
        X = list(X)
        return self._proba_from(analyse(X, self.char_ngram_range), len(X))

    def _proba_from(self, analysed: Mapping[str, Counts], n_samples: int) -> np.ndarray:
        return sigmoid(self._design(analysed, n_samples) @ self.coef_.T + self.intercept_)

    def predict_proba(self, X: Sequence[SentenceFeatures]) -> np.ndarray:
        """Probability of each label, shape (n_samples, n_labels), columns in ``classes_`` order."""
        check_is_fitted(self)
        return self._proba(X)

    def predict(self, X: Sequence[SentenceFeatures]) -> np.ndarray:
        """Label indicator matrix: probability at or above the label's threshold."""
        return (self.predict_proba(X) >= self.thresholds_).astype(int)

    def predict_labels(self, X: Sequence[SentenceFeatures]) -> list[list[str]]:
        return [[str(c) for c, on in zip(self.classes_, row) if on] for row in self.predict(X)]

    def predict_fused(self, X: Sequence[SentenceFeatures]) -> np.ndarray:
        """Label indicator matrix of the fused rule (:func:`fuse`) with this model's ``fusion_``."""
        X = list(X)
        return fuse(self.predict_proba(X), self.thresholds_, _hit_matrix(X, self.scheme, self.classes_),
                    **self.fusion_)

    def score(self, X: Sequence[SentenceFeatures], Y: Sequence[Sequence[str]], sample_weight=None) -> float:
        """Subset accuracy (every label of a sentence right), as ``ClassifierMixin.score``."""
        return accuracy_score(self._binarize(Y), self.predict(X), sample_weight=sample_weight)

    # -- persistence -------------------------------------------------------------------
    def save(self, directory: str | os.PathLike) -> Path:
        """Write ``<scheme>.json`` and ``<scheme>.coef.npy`` into ``directory``."""
        check_is_fitted(self)
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        coef_path = folder / f"{self.scheme}.coef.npy"
        with atomic_open(coef_path, "wb") as handle:
            np.save(handle, np.ascontiguousarray(self.coef_, dtype=np.float64), allow_pickle=False)
        payload = {
            "format": MODEL_FORMAT, "format_version": MODEL_FORMAT_VERSION,
            "sklearn_version": sklearn.__version__,
            "params": _jsonable(self.get_params()),
            "classes": [str(c) for c in self.classes_],
            "thresholds": [float(t) for t in self.thresholds_],
            "fusion": self.fusion_,
            "stacker": self.stacker_,
            "vocabularies": self.vocabularies_,
            "idf": {name: [float(v) for v in values] for name, values in self.idf_.items()},
            "intercept": [float(v) for v in self.intercept_],
            "coef_file": coef_path.name,
            "coef_shape": list(self.coef_.shape),
            "coef_sha256": hashlib.sha256(coef_path.read_bytes()).hexdigest(),
        }
        payload["sha256"] = _payload_hash(payload)
        path = folder / f"{self.scheme}.json"
        with atomic_open(path, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False)
        return path

    @classmethod
    def load(cls, path: str | os.PathLike) -> "SentenceClassifier":
        """Read a model saved by :meth:`save`; a damaged or edited file raises E040 naming it."""
        path = Path(path)
        if not path.is_file():
            raise IrtagError(Errors.E041.format(path=path))
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise IrtagError(Errors.E040.format(path=path, reason=f"not JSON, truncated? ({exc})")) from exc
        if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
            raise IrtagError(Errors.E040.format(path=path, reason="not an irtag model"))
        if payload.get("format_version") != MODEL_FORMAT_VERSION:
            raise IrtagError(Errors.E040.format(path=path, reason=f"format version {payload.get('format_version')}"))
        stored = payload.pop("sha256", None)
        if stored != _payload_hash(payload):
            raise IrtagError(Errors.E040.format(path=path, reason="checksum mismatch (edited or damaged)"))
        coef_path = path.parent / payload["coef_file"]
        if not coef_path.is_file():
            raise IrtagError(Errors.E041.format(path=coef_path))
        data = coef_path.read_bytes()
        if hashlib.sha256(data).hexdigest() != payload["coef_sha256"]:
            raise IrtagError(Errors.E040.format(path=coef_path, reason="checksum mismatch (edited or damaged)"))
        with open(coef_path, "rb") as handle:
            coef = np.load(handle, allow_pickle=False)
        params = payload["params"]
        params["char_ngram_range"] = tuple(params["char_ngram_range"])
        model = cls(**params)
        model.classes_ = np.array(payload["classes"], dtype=object)
        model.thresholds_ = np.array(payload["thresholds"], dtype=float)
        model.fusion_ = dict(payload["fusion"])
        model.stacker_ = payload.get("stacker")
        model.vocabularies_ = payload["vocabularies"]
        model.idf_ = {name: np.array(values, dtype=float) for name, values in payload["idf"].items()}
        model.intercept_ = np.array(payload["intercept"], dtype=float)
        model.coef_ = coef
        model.n_features_ = coef.shape[1]
        return model



def _hit_matrix(X: Sequence[SentenceFeatures], scheme: str, classes: Sequence[str]) -> np.ndarray:
    return np.array([[x.has_hit(scheme, str(c)) for c in classes] for x in X], dtype=int).reshape(len(X), len(classes))



def predict_probas(models: Mapping[str, "SentenceClassifier"], X: Sequence[SentenceFeatures]) -> dict[str, np.ndarray]:
    """``predict_proba`` of every model on the same samples, the text analysed once for all
    (per n-gram range) rather than once per scheme."""
    X = list(X)
    analyses: dict[tuple[int, ...], dict[str, Counts]] = {}
    probas = {}
    for scheme, model in models.items():
        check_is_fitted(model)
        key = tuple(model.char_ngram_range)
        if key not in analyses:
            analyses[key] = analyse(X, key)
        probas[scheme] = model._proba_from(analyses[key], len(X))
    return probas



def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


def _payload_hash(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@register("linear")
class LinearTagger(Tagger):
    """Each scheme's :class:`SentenceClassifier` on the sentences and the lexicon's evidence.

    Parameters
    ----------
    models : mapping of scheme -> SentenceClassifier
        Fitted models (see :func:`pipeline.training.load_models`); a scheme without one is left
        to the lexicon.
    features_from : str
        System name of the tagger whose hits and actors become features.

    The annotator passes each sentence's passage key (``passages``; None: independent rows), and
    the features get the passage's context tokens (:func:`pipeline.tag.context.with_context`),
    as the training rows do.
    """

    #: the annotator passes ``passages=`` to taggers that read the passage
    uses_passages = True

    def __init__(self, *, models: Mapping[str, SentenceClassifier], features_from: str = "lexicon"):
        self.models = dict(models)
        self.features_from = features_from
        self.requires = (features_from,)

    def features(self, sentences: Sequence[Sentence], previous: Mapping[str, Scores],
                 passages: Sequence[Any] | None = None) -> list[SentenceFeatures]:
        found = previous[self.features_from]
        return with_context([features_for(s, h, a) for s, h, a in zip(sentences, found.hits, found.actors)], passages)

    def __call__(self, sentences: Sequence[Sentence], previous: Mapping[str, Scores],
                 passages: Sequence[Any] | None = None) -> Scores:
        scores = Scores()
        if not sentences or not self.models:
            return scores
        features = self.features(sentences, previous, passages)
        probas = predict_probas(self.models, features)
        for scheme, model in self.models.items():
            proba = probas[scheme]
            scores.labels[scheme] = tuple(str(c) for c in model.classes_)
            scores.values[scheme] = proba
            scores.fired[scheme] = proba >= model.thresholds_
            # the features ride along for a fusion that reads them (the stacker), computed lazily there
            scores.rules[scheme] = {"thresholds": model.thresholds_, **model.fusion_,
                                    "stacker": getattr(model, "stacker_", None), "features": features}
        return scores
