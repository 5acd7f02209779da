"""Stage 5: the tagging stage, lexicon hits and classifier probabilities fused into labels.

For every coded sentence (title, abstract, body) the annotator matches the lexicon (hits with
document offsets, negation) and the organisation gazetteer (actors), asks each scheme's
classifier for label probabilities, and writes ``sentence.labels`` and ``sentence.actors``.

Fusion rule (:func:`pipeline.classify.fuse`), per label, with ``t`` the label's threshold and
``solo``, ``floor`` the label's entries of the model's ``fusion_`` (all three chosen per label by
grouped cross-validation on the gold corpus, documents and hand-written passages held out whole,
never on the dev set)::

    fires  <=>  p >= max(t, solo)   or   (a lexicon hit for the label exists and p >= floor)

``source`` says why: ``both`` (the classifier fired and the lexicon found the label),
``classifier`` (the classifier alone), ``lexicon`` (fired through the floor). ``score`` is
always the classifier probability and ``evidence`` lists every lexicon hit of the label
(term, offsets into ``Document.text``, concept, negation); a label is ``negated`` when all its
hits are. Headings get only ``stage`` and ``factor`` labels (codebook clarification), in all
three systems.

Besides the fused labels, :meth:`Annotator.tag_table` reports the two systems it fuses:
``<scheme>__lexicon`` (every label with a lexicon hit) and ``<scheme>__classifier`` (``p >= t``),
so that ``irtag evaluate`` scores all three from one tagged table.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from pipeline.classify import (
    SCHEMES, SentenceClassifier, SentenceFeatures, features_for, fuse, predict_probas, unit_sentence,
)
from pipeline.document import Actor, Document, Evidence, Label, Sentence
from pipeline.errors import Errors, IrtagError

#: Schemes a heading may carry (CODEBOOK: a heading is coded only where it names a stage or factor).
HEADING_SCHEMES = ("stage", "factor")
#: The systems reported side by side: the fused output and the two it fuses.
SYSTEMS = ("fused", "lexicon", "classifier")


def system_column(scheme: str, system: str) -> str:
    """Column of a scheme's labels for a system: ``stage`` (fused), ``stage__lexicon`` …"""
    return scheme if system == "fused" else f"{scheme}__{system}"


@dataclass
class Tagged:
    """The outcome for one sentence: labels per system, and the actors found."""

    systems: dict[str, list[Label]] = field(default_factory=dict)
    actors: list[Actor] = field(default_factory=list)


class Annotator:
    """``Document -> Document``: fills ``sentence.labels`` and ``sentence.actors``.

    Parameters
    ----------
    lexicon : pipeline.lexicon.Lexicon
        Codebook lexicons and organisation gazetteer (``match``, ``match_actors``, ``labels``;
        ``match_all``, where present, gives hits and actors from one scan).
    models : mapping of scheme -> SentenceClassifier
        Fitted classifiers; a scheme without a model is tagged by the lexicon alone.
    segmenter : pipeline.segment.Segmenter or None
        Needed only by :meth:`tag_rows` / :meth:`tag_table`, which tokenise raw text.
    """

    def __init__(self, lexicon: Any, models: Mapping[str, SentenceClassifier], segmenter: Any = None):
        self.lexicon = lexicon
        self.models = dict(models)
        self.segmenter = segmenter

    @property
    def schemes(self) -> list[str]:
        known = list(getattr(self.lexicon, "schemes", SCHEMES))
        names = [getattr(s, "name", s) for s in known]
        return [s for s in SCHEMES if s in names] + [s for s in names if s not in SCHEMES]

    def __call__(self, doc: Document) -> Document:
        sentences = list(doc.coded_sentences())
        for sentence, tagged in zip(sentences, self._tag(sentences)):
            sentence.labels = tagged.systems["fused"]
            sentence.actors = tagged.actors
        return doc

    def tag_rows(self, texts: Sequence[str], langs: Sequence[str | None] | None = None) -> list[list[Label]]:
        """Fused labels of spreadsheet rows; each row is one unit, offsets are into the row."""
        return [t.systems["fused"] for t in self._tag(self._row_sentences(texts, langs))]

    def tag_table(self, table: Any, *, text_column: str = "text", id_column: str = "sent_id",
                  lang_column: str | None = None, lang: str | None = None, source: str = "table") -> Any:
        """A pandas table of rows -> one row each with labels per scheme and system, evidence.

        Columns: the id column, ``doc_id`` when present, ``lang``, one column per scheme
        (fused labels, ``;``-joined in codebook order, the format of the gold tables),
        ``<scheme>__lexicon`` and ``<scheme>__classifier``, ``evidence`` (``scheme:label <-
        term[start:end]``, offsets into the row's text), ``scores`` (classifier probability of
        every fused label), ``actors`` and ``text``.
        """
        import pandas as pd

        for column in [text_column, id_column] + ([lang_column] if lang_column else []):
            if column not in table.columns:
                raise IrtagError(Errors.E050.format(path=source, column=column,
                                                    present=", ".join(map(str, table.columns))))
        texts = [str(t) for t in table[text_column].fillna("")]
        if lang is not None:
            langs: list[str | None] = [lang] * len(texts)
        elif lang_column:
            langs = [str(v).strip() or None for v in table[lang_column].fillna("")]
        else:
            langs = [None] * len(texts)
        sentences = self._row_sentences(texts, langs)
        records = []
        for (_, row), sentence, tagged in zip(table.iterrows(), sentences, self._tag(sentences)):
            record: dict[str, Any] = {id_column: row[id_column]}
            if "doc_id" in table.columns and id_column != "doc_id":
                record["doc_id"] = row["doc_id"]
            record["lang"] = sentence.lang
            for system in SYSTEMS:
                for scheme in self.schemes:
                    record[system_column(scheme, system)] = ";".join(
                        lab.label for lab in tagged.systems[system] if lab.scheme == scheme)
            fused = tagged.systems["fused"]
            record["evidence"] = " | ".join(
                f"{lab.scheme}:{lab.label} <- {ev.term}[{ev.start}:{ev.end}]{' (negated)' if ev.negated else ''}"
                for lab in fused for ev in lab.evidence)
            record["scores"] = "; ".join(
                f"{lab.scheme}:{lab.label}={lab.score:.2f} ({lab.source})" for lab in fused if lab.score is not None)
            record["actors"] = "; ".join(f"{a.text}={a.org_id or '-'}/{a.org_type}" for a in tagged.actors)
            record["text"] = sentence.text
            records.append(record)
        return pd.DataFrame.from_records(records)

    # -- internals -----------------------------------------------------------------------
    def _row_sentences(self, texts: Sequence[str], langs: Sequence[str | None] | None) -> list[Sentence]:
        if self.segmenter is None:
            raise ValueError("Annotator needs a segmenter to tag raw text rows")
        from pipeline.segment import detect_lang

        langs = list(langs) if langs is not None else [None] * len(texts)
        if len(langs) != len(texts):
            raise ValueError(f"{len(langs)} languages for {len(texts)} rows")
        return [unit_sentence(text, (lang or detect_lang(text)).lower(), self.segmenter, str(i))
                for i, (text, lang) in enumerate(zip(texts, langs))]

    def _tag(self, sentences: Sequence[Sentence]) -> list[Tagged]:
        """Labels of every system for each sentence; the text is analysed once for all schemes'
        classifiers, each run once over all sentences."""
        matched = [self._match(s) for s in sentences]
        hits = [list(h) for h, _ in matched]
        actors = [list(a) for _, a in matched]
        features = [features_for(s, h, a) for s, h, a in zip(sentences, hits, actors)]
        outcome = [Tagged({system: [] for system in SYSTEMS}, a) for a in actors]
        if not sentences:
            return outcome
        schemes = self.schemes
        probas = predict_probas({s: self.models[s] for s in schemes if s in self.models}, features)
        for scheme in schemes:
            self._tag_scheme(scheme, sentences, hits, features, probas.get(scheme), outcome)
        return outcome

    def _match(self, sentence: Sentence) -> tuple[Sequence[Any], Sequence[Any]]:
        """Lexicon hits and actors of a sentence, from one scan where the lexicon offers it."""
        match_all = getattr(self.lexicon, "match_all", None)
        if match_all is not None:
            return match_all(sentence)
        return self.lexicon.match(sentence), self.lexicon.match_actors(sentence)

    def _tag_scheme(self, scheme: str, sentences: Sequence[Sentence], hits: list[list[Any]],
                    features: list[SentenceFeatures], proba: np.ndarray | None, outcome: list[Tagged]) -> None:
        model = self.models.get(scheme)
        labels = [str(c) for c in model.classes_] if model is not None else list(self.lexicon.labels(scheme))
        hit_matrix = np.array([[f.has_hit(scheme, lab) for lab in labels] for f in features], dtype=int)
        if model is not None:
            classifier = (proba >= model.thresholds_).astype(bool)
            fused = fuse(proba, model.thresholds_, hit_matrix, **model.fusion_).astype(bool)
        else:
            classifier = np.zeros_like(hit_matrix, dtype=bool)
            fused = hit_matrix.astype(bool)
        for i, sentence in enumerate(sentences):
            if sentence.is_heading and scheme not in HEADING_SCHEMES:
                continue
            for j, label in enumerate(labels):
                if not (fused[i, j] or hit_matrix[i, j] or classifier[i, j]):
                    continue
                evidence = [Evidence(h.term, h.start, h.end, h.concept, bool(h.negated))
                            for h in hits[i] if h.scheme == scheme and h.label == label]
                score = None if proba is None else round(float(proba[i, j]), 4)
                negated = bool(evidence) and all(e.negated for e in evidence)
                systems = {"fused": fused[i, j], "lexicon": hit_matrix[i, j], "classifier": classifier[i, j]}
                for system, fired in systems.items():
                    if not fired:
                        continue
                    if system == "fused":
                        source = ("both" if classifier[i, j] and evidence else
                                  "classifier" if classifier[i, j] else "lexicon")
                    else:
                        source = system
                    outcome[i].systems[system].append(Label(
                        scheme, label, source, score,
                        [] if system == "classifier" else list(evidence), negated and system != "classifier"))


def build_annotator(models_dir: str | os.PathLike | None = None) -> Annotator:
    """The default lexicon, segmenter and models (see :func:`pipeline.classify.ensure_models`)."""
    from pipeline.classify import ensure_models
    from pipeline.lexicon import Lexicon
    from pipeline.segment import Segmenter

    lexicon = Lexicon.load()
    segmenter = Segmenter(extra_words=lexicon.zh_terms())
    return Annotator(lexicon, ensure_models(models_dir, segmenter, lexicon), segmenter)


def read_table(path: str | os.PathLike) -> Any:
    """A CSV (UTF-8 with or without BOM) or Excel sheet as strings, blanks kept as ''."""
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise IrtagError(Errors.E010.format(path=path))
    if path.suffix.lower() in (".xlsx", ".xls"):
        return pd.read_excel(path, dtype=str).fillna("")
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def tag_file(table_path: str | os.PathLike, out_path: str | os.PathLike, *, text_column: str = "text",
             id_column: str = "sent_id", lang_column: str | None = None, lang: str | None = None,
             models_dir: str | os.PathLike | None = None) -> int:
    """``irtag tag``: tag every row of a table and write the tagged CSV; returns the row count."""
    from pipeline.export import CsvTable

    table = read_table(table_path)
    tagged = build_annotator(models_dir).tag_table(
        table, text_column=text_column, id_column=id_column, lang_column=lang_column, lang=lang,
        source=str(table_path))
    with CsvTable(out_path, list(tagged.columns)) as out:
        out.write_rows(tagged.to_dict(orient="records"))
    return len(tagged)
