"""The tagging interface: what every tagger takes, what it returns, and the lexicon's hits.

A tagger reads a batch of segmented sentences (and the results of the taggers before it, named
in ``requires``) and returns :class:`Scores`: per scheme, one score and one decision per label.
The annotator (:mod:`pipeline.tag.annotate`) runs the configured taggers in order, lets the
fusion combine their decisions, and turns the outcome into ``sentence.labels`` with evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

from pipeline.document import Actor, Sentence


@dataclass(frozen=True)
class Hit:
    """One lexicon hit; ``start``/``end`` are offsets into ``Document.text``.

    ``term`` is the lexicon term that matched (as written in the lexicon; for a regex pattern,
    the matched text), ``text`` the text as it stands in the document
    (``doc.text[hit.start:hit.end]``).
    """

    scheme: str
    label: str
    concept: str
    term: str
    start: int
    end: int
    negated: bool = False
    text: str = ""


@dataclass
class Scores:
    """What one tagger says of a batch of sentences.

    ``labels[scheme]`` is the label order of the scheme's columns; ``values[scheme]`` an
    (n_sentences, n_labels) array of scores in [0, 1] and ``fired[scheme]`` the tagger's own
    decisions (boolean, same shape). A scheme the tagger does not cover is absent. ``rules``
    holds what the decisions were made with (thresholds, fusion settings) per scheme;
    ``hits`` and ``actors`` (one list per sentence) are evidence and organisations, where the
    tagger finds them.
    """

    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    values: dict[str, np.ndarray] = field(default_factory=dict)
    fired: dict[str, np.ndarray] = field(default_factory=dict)
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    hits: list[list[Hit]] | None = None
    actors: list[list[Actor]] | None = None


class Tagger:
    """Base of every registered tagger (see :func:`pipeline.tag.register`).

    Subclasses set ``requires`` (names of earlier taggers whose :class:`Scores` they read) and
    implement :meth:`__call__`; a statistical tagger also implements :meth:`fit`.
    """

    #: system name, set by the runtime from the config (``lexicon``, ``classifier`` …)
    name: str = ""
    requires: tuple[str, ...] = ()

    def __call__(self, sentences: Sequence[Sentence], previous: Mapping[str, Scores]) -> Scores:
        raise NotImplementedError

    def fit(self, *args: Any, **kwargs: Any) -> "Tagger":
        raise NotImplementedError(f"tagger '{self.name}' has nothing to fit")
