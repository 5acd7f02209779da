"""The relation outputs of a run: ``relations.csv``, the directed dependence table and the
resource-flow table, per document and for the corpus (read one document at a time).

A relation is *asserted* where its stance is provided or needed; lacking, negated and
hypothetical relations are listed in ``relations.csv`` and counted in their own columns, never
in ``relations`` / ``count`` (a lacking dependence, 依赖程度较低, is evidence of its weakness).
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from pipeline.codebook import label_groups
from pipeline.document import RELATION_STANCES, Document
from pipeline.io import CsvTable

ASSERTED = ("provided", "needed")
RELATION_COLUMNS = ("doc_id", "sent_id", "lang", "source", "source_text", "source_type", "target", "target_text",
                    "target_type", "kind", "label", "stance", "score", "stages", "evidence", "text")
DEPENDENCE_COLUMNS = ("scope", "source", "source_type", "target", "target_type", "factor", "relations",
                      *RELATION_STANCES, "stages", "examples")
FLOW_COLUMNS = ("scope", "provider", "provider_type", "recipient", "recipient_type", "resource", "group", "count",
                *RELATION_STANCES, "examples")
EXAMPLES = 3


def relation_rows(doc: Document) -> Iterator[dict[str, object]]:
    """One row per relation of the document's coded sentences (columns: RELATION_COLUMNS)."""
    for sentence in doc.coded_sentences():
        stages = ";".join(sentence.labels_for("stage"))
        for rel in sentence.relations:
            yield {"doc_id": doc.id, "sent_id": sentence.id, "lang": sentence.lang,
                   "source": rel.source_key, "source_text": rel.source_text, "source_type": rel.source_type,
                   "target": rel.target_key, "target_text": rel.target_text, "target_type": rel.target_type,
                   "kind": rel.kind, "label": rel.label, "stance": rel.stance,
                   "score": "" if rel.score is None else rel.score, "stages": stages,
                   "evidence": "|".join(f"{e.concept or 'term'}:{e.term}@{e.start}-{e.end}" for e in rel.evidence),
                   "text": sentence.text}


@dataclass
class _Cell:
    stances: Counter = field(default_factory=Counter)
    stages: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def add(self, stance: str, stages: Iterable[str], sent_id: str) -> None:
        self.stances[stance] += 1
        if stance in ASSERTED:
            self.stages.update(stages)
            if len(self.examples) < EXAMPLES and sent_id not in self.examples:
                self.examples.append(sent_id)


@dataclass
class RelationTables:
    """Accumulates the dependence and flow cells of each document and of the corpus."""

    types: dict[str, str] = field(default_factory=dict)
    seeks: dict[tuple, _Cell] = field(default_factory=lambda: defaultdict(_Cell))
    flows: dict[tuple, _Cell] = field(default_factory=lambda: defaultdict(_Cell))
    edges: Counter = field(default_factory=Counter)

    def add(self, doc: Document) -> None:
        for sentence in doc.coded_sentences():
            stages = sentence.labels_for("stage")
            for rel in sentence.relations:
                self.types.setdefault(rel.source_key, rel.source_type)
                self.types.setdefault(rel.target_key, rel.target_type)
                if rel.stance in ASSERTED:
                    self.edges[(rel.source_key, rel.target_key, rel.kind)] += 1
                table = {"seeks": self.seeks, "provides": self.flows}.get(rel.kind)
                if table is None:
                    continue
                for scope in (doc.id, "corpus"):
                    table[(scope, rel.source_key, rel.target_key, rel.label)].add(rel.stance, stages, sentence.id)

    def dependence_rows(self) -> Iterator[dict[str, object]]:
        """Who seeks (pulls or pushes) whom, how often, over which stages; most asserted first."""
        for (scope, source, target, factor), cell in _ordered(self.seeks):
            yield {"scope": scope, "source": source, "source_type": self.types[source], "target": target,
                   "target_type": self.types[target], "factor": factor, **_counts(cell),
                   "stages": ";".join(f"{s}:{n}" for s, n in sorted(cell.stages.items(), key=lambda kv: (-kv[1], kv[0]))),
                   "examples": ";".join(cell.examples)}

    def flow_rows(self) -> Iterator[dict[str, object]]:
        """Provider x recipient x resource; most asserted first."""
        for (scope, provider, recipient, resource), cell in _ordered(self.flows):
            counts = _counts(cell)
            yield {"scope": scope, "provider": provider, "provider_type": self.types[provider],
                   "recipient": recipient, "recipient_type": self.types[recipient], "resource": resource,
                   "group": label_groups().get(("resource", resource), ""), "count": counts.pop("relations"),
                   **counts, "examples": ";".join(cell.examples)}

    def summary(self) -> dict[str, list[dict[str, object]]]:
        """The corpus network of asserted relations, for :func:`pipeline.export.network.network_svg`:
        ``nodes`` (id, type, weight) and ``edges`` (source, target, kind, weight)."""
        weight: Counter = Counter()
        for (source, target, _), n in self.edges.items():
            weight[source] += n
            weight[target] += n
        nodes = [{"id": key, "type": self.types[key], "weight": weight[key]} for key in sorted(weight)]
        edges = [{"source": s, "target": t, "kind": k, "weight": n} for (s, t, k), n in sorted(self.edges.items())]
        return {"nodes": nodes, "edges": edges}


def _counts(cell: _Cell) -> dict[str, int]:
    return {"relations": sum(cell.stances[s] for s in ASSERTED), **{s: cell.stances[s] for s in RELATION_STANCES}}


def _ordered(cells: dict[tuple, _Cell]) -> list[tuple[tuple, _Cell]]:
    """Documents in the order first seen, the corpus last; within a scope, most asserted first."""
    scopes = list(dict.fromkeys(key[0] for key in cells if key[0] != "corpus")) + ["corpus"]
    rank = {scope: i for i, scope in enumerate(scopes)}
    return sorted(cells.items(), key=lambda kv: (rank[kv[0][0]], -sum(kv[1].stances[s] for s in ASSERTED), kv[0]))


def write_relation_outputs(docs: Iterable[Document], out_dir: str | os.PathLike,
                           tables: RelationTables | None = None) -> list[Path]:
    """``relations.csv``, ``dependence.csv`` and ``resource_flows.csv`` from a stream of documents
    (``tables``, where given, is filled on the way, for the report's network)."""
    out = Path(out_dir)
    tables = RelationTables() if tables is None else tables
    with CsvTable(out / "relations.csv", RELATION_COLUMNS) as relations:
        for doc in docs:
            relations.write_rows(relation_rows(doc))
            tables.add(doc)
    with CsvTable(out / "dependence.csv", DEPENDENCE_COLUMNS) as dependence:
        dependence.write_rows(tables.dependence_rows())
    with CsvTable(out / "resource_flows.csv", FLOW_COLUMNS) as flows:
        flows.write_rows(tables.flow_rows())
    return [out / "relations.csv", out / "dependence.csv", out / "resource_flows.csv"]
