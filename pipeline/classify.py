"""Stage 4: a multi-label sentence classifier per codebook scheme, scikit-learn style.

A model reads three blocks of features from a :class:`SentenceFeatures` record:

* character n-grams of the simplified text (tf-idf, sublinear, l2-normed);
* word tokens (jieba words for Chinese, spaCy lemmas for English; tf-idf, l2-normed);
* language-independent concept features from the lexicon: concept ids, ``hit:<scheme>:<label>``
  of every lexicon hit, actor types (``actor:ngo``), actor ids, actor-type pairs and
  actor x hit combinations (``actor:ngo&hit:factor:push``). These carry what a model learnt on
  Chinese sentences over to English ones, whose words it has rarely seen.

Each label gets its own liblinear logistic regression (deterministic for a fixed
``random_state``), with hand-written rows weighted above seed-article rows (:func:`sample_weights`:
the seeds are one genre of academic prose, the examples many). Decision thresholds are not 0.5:
``fit`` computes out-of-fold probabilities on the training data, grouped by document or
hand-written passage (never split between training and held-out folds), and keeps for each
label the threshold with the best F1 averaged over languages, shrunk toward 0.5 within
``tolerance`` (``thresholds_``). From the same out-of-fold probabilities it chooses, per label,
the fusion rule ``fusion_`` (classifier, lexicon, union, or a gated mix; see :func:`fuse`),
preferring the simpler rule within ``tolerance``. Nothing is chosen on a development or test set.

Models are saved as plain JSON plus one ``.npy`` coefficient matrix (``allow_pickle=False``),
each checked by sha256 on load; pickle and joblib are never used, so loading a model never
runs code.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

from pipeline.document import Sentence
from pipeline.errors import Errors, IrtagError
from pipeline.segment import looks_like_heading

#: Schemes in codebook order (the order of the tag table's columns).
SCHEMES = ("factor", "stage", "resource", "cooperation")
#: Gold files named with this prefix (hand-written examples, ``examples*.csv``) are always
#: trained on and never held out or tested.
EXAMPLE_PREFIX = "examples"
#: Candidate per-label decision thresholds, searched on out-of-fold probabilities.
THRESHOLD_GRID = tuple(round(0.05 * i, 2) for i in range(1, 20))
#: Candidate fusion floors, in order of preference on ties (None: lexicon hits lower no threshold).
FLOOR_GRID: tuple[float | None, ...] = (None, 0.4, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05, 0.02, 0.0)
#: Candidate solo thresholds: what the classifier needs to fire without a lexicon hit in the
#: fused system (None: the label's own threshold; 1.01: never without a hit).
SOLO_GRID: tuple[float | None, ...] = (None, 0.6, 0.7, 0.8, 0.9, 1.01)
#: A hand-written example whose note names its passage, ``hand-written (UN news: …)``, belongs to
#: that passage: cross-validation holds the passage out whole. Other example rows are independent.
PASSAGE_NOTE = re.compile(r"^hand-written \(([^()]+)\)")
MODEL_FORMAT = "irtag-sentence-classifier"
MODEL_FORMAT_VERSION = 1
#: Intercept of a label never seen in training: its probability is ~1e-9, it never fires.
_UNSEEN_INTERCEPT = -20.0


# -- features --------------------------------------------------------------------------------
@dataclass(frozen=True)
class SentenceFeatures:
    """What the classifier sees of one sentence; built by :func:`features_for`."""

    text: str
    lang: str
    words: tuple[str, ...] = ()
    concepts: tuple[str, ...] = ()
    actor_types: tuple[str, ...] = ()
    negated: bool = False
    is_heading: bool = False

    def concept_tokens(self) -> list[str]:
        """The language-independent block: concepts, hits, actors and their combinations."""
        tokens = list(self.concepts)
        hits = [c for c in self.concepts if c.startswith("hit:")]
        types = sorted(set(self.actor_types))
        tokens.extend(f"actor:{t}" for t in types)
        tokens.extend(f"actors:{a}+{b}" for i, a in enumerate(types) for b in types[i + 1:])
        tokens.extend(f"actor:{t}&{h}" for t in types for h in hits)
        if self.negated:
            tokens.append("negated")
        if self.is_heading:
            tokens.append("heading")
        return tokens

    def has_hit(self, scheme: str, label: str) -> bool:
        return f"hit:{scheme}:{label}" in self.concepts


def features_for(sentence: Sentence, hits: Sequence[Any], actors: Sequence[Any]) -> SentenceFeatures:
    """Build the feature record of a segmented sentence from its lexicon hits and actors."""
    norm = sentence.norm or sentence.text
    words: list[str] = []
    for token in sentence.tokens:
        start, end = token.start - sentence.start, token.end - sentence.start
        surface = norm[start:end] if 0 <= start < end <= len(norm) else token.text
        word = (token.lemma or surface) if sentence.lang == "en" else surface
        word = word.strip().lower()
        if word and any(ch.isalnum() for ch in word):
            words.append(word)
    concepts: list[str] = []
    for hit in hits:
        concepts.append(f"hit:{hit.scheme}:{hit.label}")
        if hit.concept:
            concepts.append(f"concept:{hit.concept}")
    for actor in actors:
        if actor.org_id:
            concepts.append(f"org:{actor.org_id}")
    return SentenceFeatures(
        text=norm.lower(),
        lang=sentence.lang,
        words=tuple(words),
        concepts=tuple(dict.fromkeys(concepts)),
        actor_types=tuple(sorted({a.org_type for a in actors if a.org_type})),
        negated=any(getattr(hit, "negated", False) for hit in hits),
        is_heading=sentence.is_heading,
    )


def unit_sentence(text: str, lang: str, segmenter: Any, sent_id: str = "") -> Sentence:
    """One spreadsheet row (or gold row) as a single segmented sentence at offset 0."""
    from pipeline.segment import normalize

    return Sentence(
        id=sent_id, start=0, end=len(text), text=text, lang=lang, norm=normalize(text),
        is_heading=looks_like_heading(text, lang), tokens=list(segmenter.tokenize(text, lang)),
    )


def _identity(tokens: Sequence[str]) -> Sequence[str]:
    return tokens


def _vectorizer(block: str, ngram_range: Sequence[int], vocabulary: Mapping[str, int] | None = None) -> CountVectorizer:
    """Counts of one feature block: character n-grams, words, or (binary) concept tokens."""
    if block == "char":
        return CountVectorizer(analyzer="char", ngram_range=tuple(ngram_range), lowercase=False,
                               vocabulary=vocabulary, dtype=np.float64)
    return CountVectorizer(analyzer=_identity, vocabulary=vocabulary, binary=block == "concept",
                           dtype=np.float64)


def _block_docs(X: Sequence[SentenceFeatures]) -> dict[str, list]:
    return {"char": [x.text for x in X], "word": [list(x.words) for x in X],
            "concept": [x.concept_tokens() for x in X]}


class _Counts(NamedTuple):
    """Term counts of a batch of samples in one block, over the batch's own distinct terms."""

    terms: list[str]
    term_ids: np.ndarray  # per (sample, distinct term) pair, samples in order
    counts: np.ndarray
    rows: np.ndarray  # the sample of each pair


def _analyse(X: Sequence[SentenceFeatures], ngram_range: Sequence[int]) -> dict[str, _Counts]:
    """Term counts of every sample per block, the analysers of :func:`_vectorizer` applied once.

    Vocabulary-free, so the models of all schemes (same n-gram range) share one analysis.
    """
    analysed = {}
    for name, docs in _block_docs(X).items():
        analyse = _vectorizer(name, ngram_range).build_analyzer()
        index: dict[str, int] = {}
        term_ids: list[int] = []
        counts: list[int] = []
        lengths: list[int] = []
        for doc in docs:
            counter = Counter(analyse(doc))
            term_ids.extend([index.setdefault(term, len(index)) for term in counter])
            counts.extend(counter.values())
            lengths.append(len(counter))
        analysed[name] = _Counts(list(index), np.asarray(term_ids, dtype=np.int64),
                                 np.asarray(counts, dtype=np.float64),
                                 np.repeat(np.arange(len(docs)), lengths))
    return analysed


def _count_matrix(counts: _Counts, n_samples: int, vocabulary: Mapping[str, int], binary: bool) -> sp.csr_matrix:
    """What ``CountVectorizer(vocabulary=...).transform`` gives for these term counts: float64,
    column indices sorted within rows, unknown terms dropped, counts set to 1 when ``binary``."""
    columns = np.fromiter((vocabulary.get(term, -1) for term in counts.terms), dtype=np.int64,
                          count=len(counts.terms))[counts.term_ids]
    known = columns >= 0
    indptr = np.zeros(n_samples + 1, dtype=np.int64)
    np.cumsum(np.bincount(counts.rows[known], minlength=n_samples), out=indptr[1:])
    data = np.ones(int(known.sum())) if binary else counts.counts[known]
    matrix = sp.csr_matrix((data, columns[known].astype(np.int32), indptr.astype(np.int32)),
                           shape=(n_samples, len(vocabulary)))
    matrix.sort_indices()
    return matrix


def predict_probas(models: Mapping[str, "SentenceClassifier"], X: Sequence[SentenceFeatures]) -> dict[str, np.ndarray]:
    """``predict_proba`` of every model on the same samples, the text analysed once for all
    (per n-gram range) rather than once per scheme."""
    X = list(X)
    analyses: dict[tuple[int, ...], dict[str, _Counts]] = {}
    probas = {}
    for scheme, model in models.items():
        check_is_fitted(model)
        key = tuple(model.char_ngram_range)
        if key not in analyses:
            analyses[key] = _analyse(X, key)
        probas[scheme] = model._proba_from(analyses[key], len(X))
    return probas


def _count_blocks(X: Sequence[SentenceFeatures], ngram_range: Sequence[int]) -> dict[str, tuple[sp.csr_matrix, list[str]]]:
    """Counts of every block over all samples with the full vocabulary (terms in sorted order)."""
    counts = {}
    for name, docs in _block_docs(X).items():
        vectorizer = _vectorizer(name, ngram_range)
        try:
            matrix = vectorizer.fit_transform(docs).tocsr()
        except ValueError:  # no term at all (e.g. no lexicon hit anywhere): an empty block
            counts[name] = (sp.csr_matrix((len(docs), 0)), [])
            continue
        terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
        counts[name] = (matrix, terms)
    return counts


def _tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear tf x idf, l2-normed per row (``TfidfVectorizer``'s formula, kept explicit)."""
    weighted = counts.tocsr(copy=True)
    if weighted.shape[1] == 0:
        return weighted
    weighted.data = 1.0 + np.log(weighted.data)
    weighted = weighted @ sp.diags(idf)
    return normalize(weighted, norm="l2", copy=False).tocsr()


def _sigmoid(scores: Any) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(scores)))


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
        Feature names per block (``char``, ``word``, ``concept``), in column order.
    idf_ : dict
        Inverse document frequencies of the ``char`` and ``word`` blocks.
    coef_ : ndarray of shape (n_labels, n_features)
    intercept_ : ndarray of shape (n_labels,)
    thresholds_ : ndarray of shape (n_labels,)
        Per-label probability thresholds chosen by grouped cross-validation on training data.
    fusion_ : dict
        ``lexicon_floor`` and ``solo_threshold`` lists, one entry per label, chosen the same way
        (:func:`fuse`).

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
                 concept_weight: float = 1.0, char_weight: float = 1.0, class_weight: str | None = "balanced",
                 cv_folds: int = 5, tolerance: float = 0.01, random_state: int = 0):
        self.scheme = scheme
        self.labels = labels
        self.C = C
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.concept_weight = concept_weight
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
        counts = _count_blocks(X, self.char_ngram_range)
        fitted = self._fit_weights(counts, np.arange(len(X)), targets, weights)
        self.vocabularies_, self.idf_ = fitted.vocabularies, fitted.idf
        self.coef_, self.intercept_ = fitted.coef, fitted.intercept
        self.n_features_ = self.coef_.shape[1]
        oof, held = self._out_of_fold(counts, targets, groups, weights)
        if held.sum() and len({g for g in groups if g is not None}) >= 2:
            langs = [x.lang for x in X]
            held_langs = [langs[i] for i in np.flatnonzero(held)]
            self.thresholds_ = np.array([
                _best_threshold(oof[held, j], targets[held, j], held_langs, self.tolerance)
                for j in range(len(self.classes_))
            ])
            held_X = [X[i] for i in np.flatnonzero(held)]
            self.fusion_ = _best_fusion(oof[held], targets[held], self.thresholds_,
                                        _hit_matrix(held_X, self.scheme, self.classes_), held_langs, self.tolerance)
        else:
            self.thresholds_ = np.full(len(self.classes_), 0.5)
            self.fusion_ = {"lexicon_floor": None, "solo_threshold": None}
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
        """Columns seen in at least ``min_df`` training rows (concepts: one), and their idf."""
        kept, idf = {}, {}
        for name, (matrix, _) in counts.items():
            df = np.asarray((matrix[rows] > 0).sum(axis=0)).ravel()
            kept[name] = np.flatnonzero(df >= (1 if name == "concept" else self.min_df))
            if name != "concept":
                idf[name] = np.log((1.0 + len(rows)) / (1.0 + df[kept[name]])) + 1.0
        return kept, idf

    def _weigh(self, blocks: Mapping[str, sp.csr_matrix], idf: Mapping[str, np.ndarray]) -> sp.csr_matrix:
        """tf-idf text blocks (each l2-normed) beside the weighted binary concept block."""
        return sp.hstack([_tfidf(blocks["char"], idf["char"]) * self.char_weight, _tfidf(blocks["word"], idf["word"]),
                          blocks["concept"] * self.concept_weight]).tocsr()

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
        for train_idx, test_idx in _group_folds(groups, self.cv_folds):
            fold = self._fit_weights(counts, train_idx, targets, weights)
            blocks = {name: matrix[test_idx][:, fold.kept[name]] for name, (matrix, _) in counts.items()}
            oof[test_idx] = _sigmoid(self._weigh(blocks, fold.idf) @ fold.coef.T + fold.intercept)
            held[test_idx] = True
        return oof, held

    # -- prediction --------------------------------------------------------------------
    def transform_features(self, X: Sequence[SentenceFeatures]) -> sp.csr_matrix:
        """The design matrix of ``X`` in the fitted feature space."""
        check_is_fitted(self)
        X = list(X)
        return self._design(_analyse(X, self.char_ngram_range), len(X))

    def _design(self, analysed: Mapping[str, _Counts], n_samples: int) -> sp.csr_matrix:
        """The design matrix from :func:`_analyse`'s term counts."""
        blocks = {}
        for name, counts in analysed.items():
            vocabulary = self._vocabulary_index()[name]
            if not vocabulary:
                blocks[name] = sp.csr_matrix((n_samples, 0))
                continue
            blocks[name] = _count_matrix(counts, n_samples, vocabulary, binary=name == "concept")
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
        return self._proba_from(_analyse(X, self.char_ngram_range), len(X))

    def _proba_from(self, analysed: Mapping[str, _Counts], n_samples: int) -> np.ndarray:
        return _sigmoid(self._design(analysed, n_samples) @ self.coef_.T + self.intercept_)

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
        from pipeline.export import atomic_open

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
        model.vocabularies_ = payload["vocabularies"]
        model.idf_ = {name: np.array(values, dtype=float) for name, values in payload["idf"].items()}
        model.intercept_ = np.array(payload["intercept"], dtype=float)
        model.coef_ = coef
        model.n_features_ = coef.shape[1]
        return model


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


def _hit_matrix(X: Sequence[SentenceFeatures], scheme: str, classes: Sequence[str]) -> np.ndarray:
    return np.array([[x.has_hit(scheme, str(c)) for c in classes] for x in X], dtype=int).reshape(len(X), len(classes))


def _group_folds(groups: Sequence[Any], n_folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
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


def _f1(tp: int, fp: int, fn: int) -> float:
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def _label_f1(fired: np.ndarray, truth: np.ndarray, langs: np.ndarray) -> float:
    """F1 of one label averaged over the languages where it has support (the dev rule's view)."""
    scores = []
    for lang in sorted(set(langs)):
        rows = langs == lang
        got, gold = fired[rows], truth[rows]
        if gold.any():
            scores.append(_f1(int((got & gold).sum()), int((got & ~gold).sum()), int((~got & gold).sum())))
    return sum(scores) / len(scores) if scores else 0.0


def _best_threshold(proba: np.ndarray, truth: np.ndarray, langs: Sequence[str] | None = None,
                    tolerance: float = 0.0) -> float:
    """The grid threshold with the best out-of-fold F1, shrunk toward 0.5.

    Every threshold within ``tolerance`` of the best F1 counts as a tie, and ties go to the one
    nearest 0.5: a few held-out sentences should not push a threshold to the end of the grid.
    """
    truth = truth.astype(bool)
    if truth.sum() == 0:
        return 0.5
    langs = np.asarray(langs if langs is not None else ["all"] * len(truth))
    scores = {t: _label_f1(proba >= t, truth, langs) for t in THRESHOLD_GRID}
    best = max(scores.values())
    return float(min((t for t, f in scores.items() if f >= best - tolerance - 1e-12),
                     key=lambda t: (abs(t - 0.5), -t)))


def _macro_f1(fired: np.ndarray, truth: np.ndarray, langs: np.ndarray) -> float:
    """Macro-F1 as the dev scoring rule has it, averaged over the languages present."""
    per_lang = []
    for lang in sorted(set(langs)):
        rows = langs == lang
        got, gold = fired[rows], truth[rows]
        f1s = [_f1(int((got[:, j] & gold[:, j]).sum()), int((got[:, j] & ~gold[:, j]).sum()),
                   int((~got[:, j] & gold[:, j]).sum()))
               for j in range(gold.shape[1]) if gold[:, j].any()]
        if f1s:
            per_lang.append(sum(f1s) / len(f1s))
    return sum(per_lang) / len(per_lang) if per_lang else 0.0


#: Fusion candidates per label as (solo_threshold, lexicon_floor), simplest first: the
#: classifier alone, the lexicon alone, their union, then the lexicon gated by a floor and the
#: classifier needing more confidence without a hit. Ties (within tolerance) go to the earlier.
FUSION_CANDIDATES: tuple[tuple[float | None, float | None], ...] = (
    (None, None), (1.01, 0.0), (None, 0.0),
    *((1.01, floor) for floor in FLOOR_GRID if floor not in (None, 0.0)),
    *((None, floor) for floor in FLOOR_GRID if floor not in (None, 0.0)),
    *((solo, floor) for solo in SOLO_GRID if solo not in (None, 1.01) for floor in FLOOR_GRID),
)


def _best_fusion(proba: np.ndarray, truth: np.ndarray, thresholds: np.ndarray, hits: np.ndarray,
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
            scores.append(_label_f1(fired, truth[:, j], langs))
        best = max(scores)
        choice = next(i for i, f in enumerate(scores) if f >= best - tolerance - 1e-12)
        solos.append(FUSION_CANDIDATES[choice][0])
        floors.append(FUSION_CANDIDATES[choice][1])
    return {"lexicon_floor": floors, "solo_threshold": solos}


def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


def _payload_hash(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# -- all schemes -------------------------------------------------------------------------
MANIFEST = "manifest.json"


def save_models(models: Mapping[str, SentenceClassifier], directory: str | os.PathLike,
                *, meta: Mapping[str, Any] | None = None) -> Path:
    """Save every scheme's model and a manifest (schemes, versions, training-data hashes)."""
    from pipeline.export import atomic_open

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    files = {scheme: model.save(folder).name for scheme, model in models.items()}
    manifest = {"format": MODEL_FORMAT, "format_version": MODEL_FORMAT_VERSION,
                "sklearn_version": sklearn.__version__, "models": files, "meta": dict(meta or {})}
    path = folder / MANIFEST
    with atomic_open(path, "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, ensure_ascii=False, indent=1, sort_keys=True)
    return path


def read_manifest(directory: str | os.PathLike) -> dict[str, Any]:
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise IrtagError(Errors.E041.format(path=path))
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest.get("models"), dict):
            raise ValueError("no 'models' table")
    except (UnicodeDecodeError, ValueError, AttributeError) as exc:
        raise IrtagError(Errors.E040.format(path=path, reason=str(exc))) from exc
    return manifest


def load_models(directory: str | os.PathLike) -> dict[str, SentenceClassifier]:
    """Load the models listed in ``directory/manifest.json``, in codebook order."""
    folder = Path(directory)
    files = read_manifest(folder)["models"]
    order = sorted(files, key=lambda s: (SCHEMES.index(s) if s in SCHEMES else len(SCHEMES), s))
    return {scheme: SentenceClassifier.load(folder / files[scheme]) for scheme in order}


# -- training from the gold corpus -------------------------------------------------------
@dataclass(frozen=True)
class GoldRow:
    """One coded sentence of the gold corpus; ``labels`` maps scheme -> labels."""

    path: str
    line: int
    doc_id: str
    sent_id: str
    lang: str
    text: str
    labels: Mapping[str, tuple[str, ...]]
    example: bool = False
    passage: str = ""

    def cv_group(self, chunks: int) -> str:
        """The unit held out whole in cross-validation: a gold document, a hand-written passage,
        or, for independent hand-written rows, one of ``chunks`` interleaved slices of the file."""
        if not self.example:
            return self.doc_id
        if self.passage:
            return f"{self.doc_id}|{self.passage}"
        return f"{self.doc_id}#{self.line % chunks}"


def gold_files(gold: str | os.PathLike | Iterable[str | os.PathLike]) -> list[Path]:
    """The gold CSVs: a folder's ``*.csv`` in name order, or the given files."""
    if isinstance(gold, (str, os.PathLike)):
        path = Path(gold)
        if path.is_dir():
            return sorted(path.glob("*.csv"))
        return [path]
    return [Path(p) for p in gold]


def read_gold(paths: Iterable[str | os.PathLike], label_sets: Mapping[str, Sequence[str]],
              schemes: Sequence[str] = SCHEMES) -> list[GoldRow]:
    """Read gold CSVs (``doc_id,sent_id,lang,text,<scheme>…``; cells ``;``-joined)."""
    rows: list[GoldRow] = []
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise IrtagError(Errors.E010.format(path=path))
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            present = reader.fieldnames or []
            for column in ("doc_id", "sent_id", "lang", "text", *schemes):
                if column not in present:
                    raise IrtagError(Errors.E050.format(path=path, column=column, present=", ".join(present)))
            example = path.name.startswith(EXAMPLE_PREFIX)
            for line, record in enumerate(reader, start=2):
                passage = PASSAGE_NOTE.match(record.get("note") or "") if example else None
                labels = {}
                for scheme in schemes:
                    cell = split_cell(record[scheme])
                    unknown = [lab for lab in cell if lab not in label_sets[scheme]]
                    if unknown:
                        raise IrtagError(Errors.E042.format(path=path, line=line, scheme=scheme, label=unknown[0],
                                                            labels=", ".join(label_sets[scheme])))
                    labels[scheme] = tuple(cell)
                rows.append(GoldRow(str(path), line, record["doc_id"], record["sent_id"], record["lang"].strip().lower(),
                                    record["text"], labels, example=example,
                                    passage=passage.group(1).strip() if passage else ""))
    return rows


def split_cell(cell: str | None) -> list[str]:
    """``'a; b;'`` -> ``['a', 'b']``; empty cells and NaN-like blanks give ``[]``."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return []
    return [part.strip() for part in str(cell).split(";") if part.strip()]


def gold_features(rows: Sequence[GoldRow], segmenter: Any, lexicon: Any) -> list[SentenceFeatures]:
    """Each gold row tokenised as one unit, matched against the lexicon, turned into features."""
    features = []
    for row in rows:
        sentence = unit_sentence(row.text, row.lang, segmenter, row.sent_id)
        features.append(features_for(sentence, lexicon.match(sentence), lexicon.match_actors(sentence)))
    return features


def scheme_labels(lexicon: Any, schemes: Sequence[str] = SCHEMES) -> dict[str, list[str]]:
    """The label inventory per scheme, in codebook order, from the lexicon's codebook."""
    return {scheme: list(lexicon.labels(scheme)) for scheme in schemes}


def fit_models(features: Sequence[SentenceFeatures], rows: Sequence[GoldRow],
               label_sets: Mapping[str, Sequence[str]], *, random_state: int = 0,
               example_weight: float = 2.0, balance_langs: bool = False,
               **params: Any) -> dict[str, SentenceClassifier]:
    """One fitted classifier per scheme.

    ``example_weight`` weighs hand-written rows against seed-article rows (the seed prose is
    one genre, the examples many); ``balance_langs`` rescales so that each language carries
    the same total weight.

    For choosing thresholds and the fusion rule, each gold document and each hand-written
    passage is one group; independent hand-written rows are dealt into ``cv_folds`` interleaved
    groups per file (:meth:`GoldRow.cv_group`), so they add out-of-fold evidence (English above
    all) while every fold still trains on most of them.
    """
    groups = [row.cv_group(params.get("cv_folds", 5)) for row in rows]
    weights = sample_weights(rows, example_weight=example_weight, balance_langs=balance_langs)
    models = {}
    for scheme, labels in label_sets.items():
        model = SentenceClassifier(scheme=scheme, labels=list(labels), random_state=random_state, **params)
        models[scheme] = model.fit(features, [row.labels[scheme] for row in rows], groups=groups,
                                   sample_weight=weights)
    return models


def sample_weights(rows: Sequence[GoldRow], *, example_weight: float = 1.0,
                   balance_langs: bool = False) -> np.ndarray:
    """Training weight of each gold row, mean 1 (see :func:`fit_models`)."""
    weights = np.array([example_weight if row.example else 1.0 for row in rows], dtype=float)
    if balance_langs:
        langs = np.array([row.lang for row in rows])
        for lang in set(langs):
            weights[langs == lang] /= weights[langs == lang].sum()
    return weights * len(weights) / weights.sum() if weights.sum() else weights


def train(gold_paths: str | os.PathLike | Iterable[str | os.PathLike], segmenter: Any, lexicon: Any, *,
          random_state: int = 0, **params: Any) -> dict[str, SentenceClassifier]:
    """Train one classifier per scheme on the gold CSVs (a folder or a list of files)."""
    label_sets = scheme_labels(lexicon)
    rows = read_gold(gold_files(gold_paths), label_sets)
    return fit_models(gold_features(rows, segmenter, lexicon), rows, label_sets,
                      random_state=random_state, **params)


def training_fingerprint(gold_paths: Iterable[str | os.PathLike], lexicon_dir: str | os.PathLike | None = None) -> str:
    """sha256 over the gold files and lexicon files, to notice stale saved models."""
    digest = hashlib.sha256()
    paths = [Path(p) for p in gold_paths]
    if lexicon_dir is not None and Path(lexicon_dir).is_dir():
        paths += sorted(p for p in Path(lexicon_dir).rglob("*") if p.is_file())
    for path in paths:
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def default_gold_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "corpora" / "gold"


def default_models_dir() -> Path:
    """``outputs/models`` of the project, whatever the working directory."""
    return Path(__file__).resolve().parent.parent / "outputs" / "models"


def ensure_models(models_dir: str | os.PathLike | None, segmenter: Any, lexicon: Any) -> dict[str, SentenceClassifier]:
    """Models for tagging: loaded from ``models_dir`` if given, else from ``outputs/models``,
    (re)trained from ``corpora/gold`` and saved there when missing or older than the gold and
    lexicon files."""
    if models_dir is not None:
        return load_models(models_dir)
    folder = default_models_dir()
    golds = gold_files(default_gold_dir())
    from pipeline.codebook import default_directory

    fingerprint = training_fingerprint(golds, default_directory())
    if (folder / MANIFEST).is_file():
        try:
            if read_manifest(folder).get("meta", {}).get("fingerprint") == fingerprint:
                return load_models(folder)
        except IrtagError:
            pass  # damaged default models are rebuilt below
    if not golds:
        raise IrtagError(Errors.E041.format(path=folder))
    models = train(golds, segmenter, lexicon)
    save_models(models, folder, meta={"fingerprint": fingerprint, "gold": [p.name for p in golds]})
    return models


def train_main(gold: str | os.PathLike | None = None, out_dir: str | os.PathLike | None = None) -> str:
    """``irtag train``: train on the gold folder, save the models, return a one-line summary."""
    from pipeline.lexicon import Lexicon
    from pipeline.segment import Segmenter

    lexicon = Lexicon.load()
    segmenter = Segmenter(extra_words=lexicon.zh_terms())
    golds = gold_files(gold if gold is not None else default_gold_dir())
    if not golds:
        raise IrtagError(Errors.E010.format(path=gold if gold is not None else default_gold_dir()))
    folder = Path(out_dir) if out_dir is not None else default_models_dir()
    from pipeline.codebook import default_directory

    models = train(golds, segmenter, lexicon)
    save_models(models, folder, meta={"fingerprint": training_fingerprint(golds, default_directory()),
                                      "gold": [p.name for p in golds]})
    rules = "; ".join(f"{s}: {m.fusion_}" for s, m in models.items())
    return f"trained {len(models)} models on {len(golds)} gold files -> {folder}\nfusion rules: {rules}"
