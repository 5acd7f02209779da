"""What a statistical tagger sees of a sentence, and the vectorising of it.

A :class:`SentenceFeatures` record holds three blocks:

* character n-grams of the simplified text (tf-idf, sublinear, l2-normed);
* word tokens (jieba words for Chinese, spaCy lemmas for English; tf-idf, l2-normed);
* language-independent concept features from the lexicon: concept ids, ``hit:<scheme>:<label>``
  of every lexicon hit, actor types (``actor:ngo``), actor ids, actor-type pairs and
  actor x hit combinations (``actor:ngo&hit:factor:push``). These carry what a model learnt on
  Chinese sentences over to English ones, whose words it has rarely seen;
* the passage's context tokens (:mod:`pipeline.tag.context`: the neighbours' cues, lists,
  anaphora), binary, in a block of their own so that they get their own weight.

The analysers are applied once per batch (:func:`analyse`) and shared by every scheme's model.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Mapping, NamedTuple, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

from pipeline.document import Sentence
from pipeline.norm import normalize as normalize_text
from pipeline.segment import looks_like_heading


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
    context: tuple[str, ...] = ()

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
    return Sentence(
        id=sent_id, start=0, end=len(text), text=text, lang=lang, norm=normalize_text(text),
        is_heading=looks_like_heading(text, lang), tokens=list(segmenter.tokenize(text, lang)),
    )


#: blocks of binary tokens (the others are term counts, weighted by tf-idf)
BINARY_BLOCKS = ("concept", "context")


def _identity(tokens: Sequence[str]) -> Sequence[str]:
    return tokens


def _vectorizer(block: str, ngram_range: Sequence[int], vocabulary: Mapping[str, int] | None = None) -> CountVectorizer:
    """Counts of one feature block: character n-grams, words, or (binary) concept tokens."""
    if block == "char":
        return CountVectorizer(analyzer="char", ngram_range=tuple(ngram_range), lowercase=False,
                               vocabulary=vocabulary, dtype=np.float64)
    return CountVectorizer(analyzer=_identity, vocabulary=vocabulary, binary=block in BINARY_BLOCKS,
                           dtype=np.float64)


def _block_docs(X: Sequence[SentenceFeatures]) -> dict[str, list]:
    return {"char": [x.text for x in X], "word": [list(x.words) for x in X],
            "concept": [x.concept_tokens() for x in X], "context": [list(x.context) for x in X]}


class Counts(NamedTuple):
    """Term counts of a batch of samples in one block, over the batch's own distinct terms."""

    terms: list[str]
    term_ids: np.ndarray  # per (sample, distinct term) pair, samples in order
    counts: np.ndarray
    rows: np.ndarray  # the sample of each pair


def analyse(X: Sequence[SentenceFeatures], ngram_range: Sequence[int]) -> dict[str, Counts]:
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
        analysed[name] = Counts(list(index), np.asarray(term_ids, dtype=np.int64),
                                 np.asarray(counts, dtype=np.float64),
                                 np.repeat(np.arange(len(docs)), lengths))
    return analysed


def count_matrix(counts: Counts, n_samples: int, vocabulary: Mapping[str, int], binary: bool) -> sp.csr_matrix:
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


def count_blocks(X: Sequence[SentenceFeatures], ngram_range: Sequence[int]) -> dict[str, tuple[sp.csr_matrix, list[str]]]:
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


def tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear tf x idf, l2-normed per row (``TfidfVectorizer``'s formula, kept explicit)."""
    weighted = counts.tocsr(copy=True)
    if weighted.shape[1] == 0:
        return weighted
    weighted.data = 1.0 + np.log(weighted.data)
    weighted = weighted @ sp.diags(idf)
    return normalize(weighted, norm="l2", copy=False).tocsr()


def sigmoid(scores: Any) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(scores)))

