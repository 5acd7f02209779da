"""Comparison across articles: profiles, label matrices, Steffek's factor x stage table and
organisation pairs with their cooperation intensity.

Pairs come from the sentences' relations (:mod:`pipeline.tag.relations`), not from
co-occurrence: two organisations merely listed together ("EU, AU and ASEAN", "G8/G20") make no
pair, and a negated or hypothetical form (尚未签署协议) is counted apart, never in the forms.

Pure functions over tagged documents (or their JSONL), so a corpus can be compared long after
it was tagged, one document in memory at a time.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields
from typing import Iterable, Sequence

import pandas as pd

from pipeline.codebook import label_groups, scheme_labels
from pipeline.document import Document, Metadata, Sentence

EXAMPLES_PER_CELL = 3
#: relation stances that do not assert the relation: counted in ``not_asserted``, not in the forms
NOT_ASSERTED = ("negated", "hypothetical")


def intensity(forms: Iterable[str]) -> str:
    """The codebook's rule (seed 002): high = joint decision or implementation *with* an agreement;
    medium = the strongest action is policy coordination (or joint action without an agreement);
    low = only information sharing or an agreement alone; "" where no form is found."""
    found = set(forms)
    joint = bool(found & {"joint_decision", "joint_implementation"})
    if joint and "agreement" in found:
        return "high"
    if joint or "policy_coordination" in found:
        return "medium"
    if found & {"information_sharing", "agreement"}:
        return "low"
    return ""


@dataclass
class CorpusComparison:
    """Accumulates per-document tallies; memory grows with labels and pairs, not sentences."""

    profiles: list[dict] = field(default_factory=list)
    #: doc id -> (factor, stage) -> (sentences, the first EXAMPLES_PER_CELL sentence ids)
    factor_stage: dict[str, dict[tuple[str, str], tuple[int, list[str]]]] = field(default_factory=dict)
    pairs: dict[tuple[str, str], Counter] = field(default_factory=lambda: defaultdict(Counter))
    pair_examples: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    pair_docs: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, doc: Document) -> None:
        self.profiles.append(profile(doc))
        cells: dict[tuple[str, str], list[str]] = defaultdict(list)
        for sentence in doc.coded_sentences():
            for cell in factor_stage_cells(sentence):
                cells[cell].append(sentence.id)
            self._add_pairs(doc.id, sentence)
        self.factor_stage[doc.id] = {cell: (len(ids), ids[:EXAMPLES_PER_CELL]) for cell, ids in cells.items()}

    def _add_pairs(self, doc_id: str, sentence) -> None:
        """One sentence's relations into the pair tallies (pairs unordered, sides by key)."""
        forms: dict[tuple[str, str], set[str]] = defaultdict(set)
        asserted: set[tuple[str, str]] = set()
        for rel in sentence.relations:
            pair = tuple(sorted((rel.source_key, rel.target_key)))
            if rel.stance in NOT_ASSERTED:
                if rel.kind == "cooperates":
                    self.pairs[pair]["not_asserted"] += 1
                    self.pair_docs[pair].add(doc_id)
                continue
            asserted.add(pair)
            if rel.kind == "cooperates":
                forms[pair].add(rel.label)
        for pair in asserted:
            self.pair_docs[pair].add(doc_id)
            self.pairs[pair]["sentences"] += 1
            for form in forms[pair]:
                self.pairs[pair][form] += 1
            if forms[pair] and len(self.pair_examples[pair]) < EXAMPLES_PER_CELL:
                self.pair_examples[pair].append(sentence.id)

    # -- tables ------------------------------------------------------------------------
    def documents_table(self) -> pd.DataFrame:
        return pd.DataFrame(self.profiles)

    def label_matrix(self) -> pd.DataFrame:
        """Documents x labels: sentence counts."""
        columns = [f"{s}:{l}" for s, labels in scheme_labels().items() for l in labels]
        rows = {p["doc_id"]: {c: p.get(f"n_{c}", 0) for c in columns} for p in self.profiles}
        return pd.DataFrame.from_dict(rows, orient="index", columns=columns).rename_axis("doc_id")

    def factor_stage_table(self, doc_id: str | None = None) -> pd.DataFrame:
        """Steffek's table: one row per factor x stage cell with its count and example sentence ids,
        for one document or (``doc_id=None``) the corpus; negated factor labels are not counted."""
        rows = []
        docs = [doc_id] if doc_id else list(self.factor_stage)
        for factor in scheme_labels()["factor"]:
            for stage in scheme_labels()["stage"]:
                found = [self.factor_stage.get(d, {}).get((factor, stage), (0, [])) for d in docs]
                ids = [i for _, examples in found for i in examples][:EXAMPLES_PER_CELL]
                rows.append({"scope": doc_id or "corpus", "factor": factor, "stage": stage,
                             "count": sum(n for n, _ in found), "examples": ";".join(ids)})
        return pd.DataFrame(rows)

    def factor_stage_all(self) -> pd.DataFrame:
        tables = [self.factor_stage_table(d) for d in self.factor_stage] + [self.factor_stage_table()]
        return pd.concat(tables, ignore_index=True)

    def pairs_table(self) -> pd.DataFrame:
        rows = []
        for pair in sorted(self.pairs):
            counts = self.pairs[pair]
            forms = [f for f in scheme_labels()["cooperation"] if counts.get(f)]
            rows.append({"org_a": pair[0], "org_b": pair[1], "sentences": counts["sentences"],
                         **{f: counts.get(f, 0) for f in scheme_labels()["cooperation"]},
                         "not_asserted": counts.get("not_asserted", 0), "intensity": intensity(forms), "documents": ";".join(sorted(self.pair_docs[pair])),
                         "examples": ";".join(self.pair_examples[pair])})
        columns = ["org_a", "org_b", "sentences", *scheme_labels()["cooperation"], "not_asserted", "intensity",
                   "documents", "examples"]
        return pd.DataFrame(rows, columns=columns)


#: Bibliographic columns of ``documents.csv`` (after ``source``); the first four also in ``sentences.csv``.
META_COLUMNS = ("year", "authors", "journal", "doi", "volume", "issue", "pages", "language", "export_format",
                "sources")
_META_FIELDS = {f.name for f in fields(Metadata)} - {"extra"}


def meta_cells(doc: Document, columns: Sequence[str] = META_COLUMNS) -> dict[str, object]:
    """A document's metadata as table cells: ``Metadata`` fields, else ``meta.extra``; authors
    joined by ``; ``, a missing year an empty cell (not NaN, so years stay whole numbers)."""
    cells: dict[str, object] = {}
    for column in columns:
        value = getattr(doc.meta, column) if column in _META_FIELDS else doc.meta.extra.get(column, "")
        cells[column] = "; ".join(value) if isinstance(value, list) else "" if value is None else value
    return cells


def factor_stage_cells(sentence: Sentence) -> list[tuple[str, str]]:
    """Steffek's cells of a sentence: every (factor, stage) pair it carries. A negated factor
    ("缺乏拉动因素", "lack of pull") stays tagged and flagged, but it is evidence of absence, so
    the table does not count it."""
    factors = [lab.label for lab in sentence.labels if lab.scheme == "factor" and not lab.negated]
    return [(factor, stage) for factor in factors for stage in sentence.labels_for("stage")]


def profile(doc: Document) -> dict:
    """Counts and shares per 100 body sentences per label; dominant stage; resource groups;
    the bibliographic metadata (``META_COLUMNS``) after ``source``.

    A document without a body (a bibliographic record: title and abstract) has its shares per
    100 coded sentences instead; ``rate_base`` says which.
    """
    coded = list(doc.coded_sentences())
    body = [s for s in coded if s.section_kind == "body"]
    n_body = len(body)
    row: dict[str, object] = {"doc_id": doc.id, "title": doc.meta.title, "source": doc.source, **meta_cells(doc),
                              "lang": doc.lang, "body_sentences": n_body, "coded_sentences": len(coded),
                              "rate_base": "body" if body else "coded"}
    if not body:
        body, n_body = coded, len(coded)
    stage_counts: Counter = Counter()
    groups: Counter = Counter()
    for scheme, labels in scheme_labels().items():
        counts = Counter(l for s in coded for l in s.labels_for(scheme))
        body_counts = Counter(l for s in body for l in s.labels_for(scheme))
        for label in labels:
            row[f"n_{scheme}:{label}"] = counts.get(label, 0)
            row[f"per100_{scheme}:{label}"] = round(100 * body_counts.get(label, 0) / n_body, 2) if n_body else 0.0
        if scheme == "stage":
            stage_counts = counts
        if scheme == "resource":
            for label, n in counts.items():
                groups[label_groups().get((scheme, label), "")] += n
    row["dominant_stage"] = stage_counts.most_common(1)[0][0] if stage_counts else ""
    total = groups["material"] + groups["symbolic"]
    row["material_share"] = round(groups["material"] / total, 3) if total else 0.0
    row["symbolic_share"] = round(groups["symbolic"] / total, 3) if total else 0.0
    orgs = Counter(a.org_id for s in coded for a in s.actors if a.org_id)
    row["organisations"] = ";".join(f"{org}:{n}" for org, n in sorted(orgs.items(), key=lambda kv: (-kv[1], kv[0])))
    return row


def compare(docs: Iterable[Document]) -> CorpusComparison:
    comparison = CorpusComparison()
    for doc in docs:
        comparison.add(doc)
    return comparison
