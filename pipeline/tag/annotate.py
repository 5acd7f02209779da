"""The tagging stage: run the configured taggers, fuse them, write labels with their evidence.

For every coded sentence (title, abstract, body) the annotator runs each tagger in config order
(each reads the :class:`~pipeline.tag.base.Scores` of the taggers it ``requires``), lets the
fusion decide one label set per sentence, and writes ``sentence.labels`` and
``sentence.actors``. Besides the fused labels it keeps each tagger's own decisions as a
*system* (``lexicon``, ``classifier`` …): :meth:`Annotator.tag_table` writes them as
``<scheme>__<system>`` columns, so ``irtag evaluate`` scores every system from one table.

A fused label's ``source`` says why it fired: ``both`` (the classifier fired and the lexicon
found the label), ``classifier`` (the classifier alone), ``lexicon`` (fired through the
fusion's floor). ``score`` is the classifier's probability and ``evidence`` lists every lexicon
hit of the label (term, offsets into ``Document.text``, concept, negation); a label is
``negated`` when all its hits are. Headings get only ``stage`` and ``factor`` labels
(codebook clarification), in every system.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from pipeline.document import Actor, Document, Evidence, Label, Sentence
from pipeline.errors import Errors, IrtagError
from pipeline.norm import detect_lang
from pipeline.tag.base import Scores, Tagger
from pipeline.tag.features import unit_sentence

#: Schemes a heading may carry (CODEBOOK: a heading is coded only where it names a stage or factor).
HEADING_SCHEMES = ("stage", "factor")
#: a table column naming each row's passage (empty: an independent row); without it, ``doc_id``
PASSAGE_COLUMN = "passage"
FUSED = "fused"


def system_column(scheme: str, system: str) -> str:
    """Column of a scheme's labels for a system: ``stage`` (fused), ``stage__lexicon`` …"""
    return scheme if system == FUSED else f"{scheme}__{system}"


@dataclass
class Tagged:
    """The outcome for one sentence: labels per system, and the actors found."""

    systems: dict[str, list[Label]] = field(default_factory=dict)
    actors: list[Actor] = field(default_factory=list)


class Annotator:
    """``Document -> Document``: fills ``sentence.labels`` and ``sentence.actors``.

    Parameters
    ----------
    taggers : sequence of Tagger
        In run order, each with its system ``name``; one of them is the fusion's lexicon.
    fusion : pipeline.tag.fusion.Fusion (or its subclass pipeline.tag.stacker.Stacker)
        Combines the classifier's and the lexicon's results into one decision per label.
    schemes : sequence of str
        The codebook's schemes in order (the order of labels and table columns).
    segmenter : pipeline.segment.Segmenter or None
        Needed only by :meth:`tag_rows` / :meth:`tag_table`, which tokenise raw text.
    """

    def __init__(self, taggers: Sequence[Tagger], fusion: Any, schemes: Sequence[str], segmenter: Any = None,
                 relations: Any = None):
        self.taggers = list(taggers)
        self.relations = relations  # post-fusion step (pipeline.tag.relations), or None
        self.fusion = fusion
        self.schemes = list(schemes)
        self.segmenter = segmenter

    @property
    def systems(self) -> list[str]:
        """The fused system first, then each tagger's."""
        return [FUSED, *(t.name for t in self.taggers)]

    def __call__(self, doc: Document) -> Document:
        sentences = list(doc.coded_sentences())
        for sentence, tagged in zip(sentences, self.tag_sentences(sentences, [doc.id] * len(sentences))):
            sentence.labels = tagged.systems[FUSED]
            sentence.actors = tagged.actors
        return doc if self.relations is None else self.relations(doc)

    def tag_rows(self, texts: Sequence[str], langs: Sequence[str | None] | None = None) -> list[list[Label]]:
        """Fused labels of spreadsheet rows; each row is one unit, offsets are into the row."""
        return [t.systems[FUSED] for t in self.tag_sentences(self.row_sentences(texts, langs))]

    def tag_table(self, table: Any, *, text_column: str = "text", id_column: str = "sent_id",
                  lang_column: str | None = None, lang: str | None = None, source: str = "table",
                  keep_columns: Sequence[str] | None = None) -> Any:
        """A pandas table of rows -> one row each with its input columns, then labels per scheme
        and system, evidence.

        Columns: the input's columns in their order (``keep_columns``: only those, in that
        order; the id column and ``doc_id`` are always kept), then ``lang``, one column per
        scheme (fused labels, ``;``-joined in codebook order, the format of the gold tables),
        ``<scheme>__<system>`` for every tagger, ``evidence`` (``scheme:label <-
        term[start:end]``, offsets into the row's text), ``scores`` (classifier probability of
        every fused label), ``actors`` and ``text``. The text and language columns read are
        written once, as the tagger's ``text`` and ``lang``; any other input column with the
        name of a tagger's column (a coder's ``factor``, say) is kept as ``input_<name>``. Rows of one ``passage`` (else ``doc_id``)
        are read as a passage, in row order; without either column, every row stands alone.
        """
        import pandas as pd

        kept = list(table.columns) if keep_columns is None else list(dict.fromkeys(keep_columns))
        for column in [text_column, id_column, *([lang_column] if lang_column else []), *kept]:
            if column not in table.columns:
                raise IrtagError(Errors.E050.format(path=source, column=column,
                                                    present=", ".join(map(str, table.columns))))
        kept = [c for c in table.columns if c in {id_column, "doc_id"} and c not in kept] + kept
        texts = [str(t) for t in table[text_column].fillna("")]
        if lang is not None:
            langs: list[str | None] = [lang] * len(texts)
        elif lang_column:
            langs = [str(v).strip() or None for v in table[lang_column].fillna("")]
        else:
            langs = [None] * len(texts)
        sentences = self.row_sentences(texts, langs)
        documents = [str(d) for d in table["doc_id"]] if "doc_id" in table.columns else None
        tagger_columns = {"lang", "evidence", "scores", "actors", "text",
                          *(system_column(scheme, system) for system in self.systems for scheme in self.schemes)}
        renamed = {c: f"input_{c}" if c in tagger_columns else str(c)
                   for c in kept if c not in {text_column, lang_column} or c not in tagger_columns}
        passages = ([str(p) if p == p else "" for p in table[PASSAGE_COLUMN]] if PASSAGE_COLUMN in table.columns
                    else documents)
        records = []
        for (_, row), sentence, tagged in zip(table.iterrows(), sentences,
                                              self.tag_by_document(sentences, documents, passages)):
            record: dict[str, Any] = {name: row[column] for column, name in renamed.items()}
            record["lang"] = sentence.lang
            for system in self.systems:
                for scheme in self.schemes:
                    record[system_column(scheme, system)] = ";".join(
                        lab.label for lab in tagged.systems[system] if lab.scheme == scheme)
            fused = tagged.systems[FUSED]
            record["evidence"] = " | ".join(
                f"{lab.scheme}:{lab.label} <- {ev.term}[{ev.start}:{ev.end}]{' (negated)' if ev.negated else ''}"
                for lab in fused for ev in lab.evidence)
            record["scores"] = "; ".join(
                f"{lab.scheme}:{lab.label}={lab.score:.2f} ({lab.source})" for lab in fused if lab.score is not None)
            record["actors"] = "; ".join(f"{a.text}={a.org_id or '-'}/{a.org_type}" for a in tagged.actors)
            record["text"] = sentence.text
            records.append(record)
        return pd.DataFrame.from_records(records)

    def row_sentences(self, texts: Sequence[str], langs: Sequence[str | None] | None) -> list[Sentence]:
        """Each row as one segmented sentence (language detected where not given)."""
        if self.segmenter is None:
            raise ValueError("Annotator needs a segmenter to tag raw text rows")
        langs = list(langs) if langs is not None else [None] * len(texts)
        if len(langs) != len(texts):
            raise ValueError(f"{len(langs)} languages for {len(texts)} rows")
        return [unit_sentence(text, (lang or detect_lang(text, "en")).lower(), self.segmenter, str(i))
                for i, (text, lang) in enumerate(zip(texts, langs))]

    def tag_by_document(self, sentences: Sequence[Sentence], documents: Sequence[str] | None,
                        passages: Sequence[str] | None = None) -> list[Tagged]:
        """:meth:`tag_sentences` per document (rows of one ``doc_id`` share what a document
        defines, such as its short forms), in row order; without documents, all rows as one.
        ``passages`` holds each row's passage key (rows of one key are read as neighbours)."""
        if documents is None:
            return self.tag_sentences(sentences, passages)
        rows: dict[str, list[int]] = {}
        for i, document in enumerate(documents):
            rows.setdefault(document, []).append(i)
        outcome: list[Tagged | None] = [None] * len(sentences)
        for indexes in rows.values():
            keys = None if passages is None else [passages[i] for i in indexes]
            for i, tagged in zip(indexes, self.tag_sentences([sentences[i] for i in indexes], keys)):
                outcome[i] = tagged
        return outcome  # type: ignore[return-value]

    def tag_sentences(self, sentences: Sequence[Sentence], passages: Sequence[Any] | None = None) -> list[Tagged]:
        """Labels of every system for each sentence; each tagger runs once over all of them.

        ``passages``: each sentence's passage key, for the taggers that read the passage
        (``uses_passages``); None, the default, makes every sentence independent."""
        results: dict[str, Scores] = {}
        for tagger in self.taggers:
            if getattr(tagger, "uses_passages", False):
                results[tagger.name] = tagger(sentences, results, passages=passages)
            else:
                results[tagger.name] = tagger(sentences, results)
        lexicon = results[self.fusion.evidence]
        outcome = [Tagged({system: [] for system in self.systems}, list(a)) for a in lexicon.actors]
        if not sentences:
            return outcome
        fused = self.fusion(results)
        classifier = results.get(self.fusion.classifier, Scores())
        for scheme in self.schemes:
            if scheme in fused.fired:
                self._labels(scheme, sentences, results, fused, classifier, outcome)
        return outcome

    def _labels(self, scheme: str, sentences: Sequence[Sentence], results: dict[str, Scores], fused: Scores,
                classifier: Scores, outcome: list[Tagged]) -> None:
        """Append the scheme's labels of every system, in the fused label order."""
        labels = fused.labels[scheme]
        hits = results[self.fusion.evidence].hits
        proba = classifier.values.get(scheme)
        by_system = {FUSED: fused.fired[scheme]}
        for name, scores in results.items():
            if scheme in scores.fired:
                column = {label: j for j, label in enumerate(scores.labels[scheme])}
                fired = scores.fired[scheme]
                by_system[name] = [[fired[i, column[label]] if label in column else False for label in labels]
                                   for i in range(len(sentences))]
        for i, sentence in enumerate(sentences):
            if sentence.is_heading and scheme not in HEADING_SCHEMES:
                continue
            for j, label in enumerate(labels):
                fired = {system: bool(decisions[i][j]) for system, decisions in by_system.items()}
                if not any(fired.values()):
                    continue
                evidence = [Evidence(h.term, h.start, h.end, h.concept, bool(h.negated))
                            for h in hits[i] if h.scheme == scheme and h.label == label]
                score = None if proba is None else round(float(proba[i, j]), 4)
                negated = bool(evidence) and all(e.negated for e in evidence)
                by_classifier = fired.get(self.fusion.classifier, False)
                for system in self.systems:
                    if not fired.get(system, False):
                        continue
                    if system == FUSED:
                        source = "both" if by_classifier and evidence else "classifier" if by_classifier else "lexicon"
                    else:
                        source = system
                    bare = system == self.fusion.classifier
                    outcome[i].systems[system].append(Label(
                        scheme, label, source, score, [] if bare else list(evidence), negated and not bare))
